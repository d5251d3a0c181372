//! `db.single-model-source`.

use std::collections::{BTreeMap, BTreeSet};

use crate::audit::source::Scope;
use crate::audit::source::models::Table;
use crate::audit::{Context, Location, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Where several services share a database, passes when each table's model is defined
    /// once and imported, never copied.
    ///
    /// Model definitions are read in every language of the repository (see `db.timestamps`
    /// for the ORMs recognised), outside tests, migrations and generated code, and grouped by
    /// table name (`__tablename__`, `db_table`, `@Table(name)`, `@@map`, `TableName()`, or the
    /// framework's default). A table defined by two or more models — a `User` class copied
    /// into a back office, a SQLModel twin of a SQLAlchemy model, an unmanaged Django mirror
    /// — fails, naming every copy. One shared models package imported by several services
    /// passes; so does a single service whose models are each defined once.
    ///
    /// The services are the folders holding a manifest (pyproject.toml, package.json, go.mod,
    /// Cargo.toml, pom.xml, build.gradle). Audit the monorepo's root to compare them: a
    /// folder audited alone cannot see its siblings. Skipped when no database is used or no
    /// model definitions are found.
    ///
    /// ## Why
    /// Copied model classes drift: one service adds a column, the other never hears of it,
    /// and two services then disagree about the same table.
    ///
    /// ## How to fix
    /// Move shared models into one package that every service imports (a monorepo library,
    /// e.g. `shared/models/`), and delete the copies.
    DbSingleModelSource, "db.single-model-source", check
}

const MANIFESTS: &[&str] = &[
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "requirements.txt",
    "package.json",
    "go.mod",
    "Cargo.toml",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
];

/// The service a file belongs to: its nearest folder with a manifest, else its top folder.
fn service_of(repo: &Repo, rel: &str) -> String {
    let parts: Vec<&str> = rel.split('/').collect();
    for depth in (1..parts.len()).rev() {
        let dir = parts[..depth].join("/");
        if MANIFESTS
            .iter()
            .any(|m| repo.service_file(&format!("{dir}/{m}")).is_some())
        {
            return dir;
        }
    }
    if MANIFESTS.iter().any(|m| repo.service_file(m).is_some()) || parts.len() < 2 {
        ".".to_string()
    } else {
        parts[0].to_string()
    }
}

fn check(repo: &Repo, ctx: &Context) -> Outcome {
    if repo.database().is_none() {
        return Outcome::skip("no database is used");
    }
    let tables = ctx.orm_tables(Scope::AllLanguages);
    if tables.is_empty() {
        return Outcome::skip("no ORM model definitions found");
    }
    let mut by_table: BTreeMap<&str, Vec<&Table>> = BTreeMap::new();
    for t in &tables {
        by_table.entry(t.name.as_str()).or_default().push(t);
    }
    let services: BTreeSet<String> = tables.iter().map(|t| service_of(repo, &t.rel)).collect();
    let copied: Vec<(&str, &Vec<&Table>)> = by_table
        .iter()
        .filter(|(_, defs)| {
            let places: BTreeSet<(&str, &str)> = defs
                .iter()
                .map(|t| (t.path.as_str(), t.model.as_str()))
                .collect();
            places.len() > 1
        })
        .map(|(n, d)| (*n, d))
        .collect();
    if let Some((_, first_defs)) = copied.first() {
        let shown: Vec<String> = copied
            .iter()
            .take(4)
            .map(|(name, defs)| {
                let places: Vec<String> = defs
                    .iter()
                    .map(|t| format!("{} {} at {}:{}", t.kind, t.model, t.path, t.line))
                    .collect();
                format!(
                    "table `{name}` is defined {} times ({})",
                    defs.len(),
                    places.join(", ")
                )
            })
            .collect();
        let more = if copied.len() > 4 {
            format!("; and {} more tables", copied.len() - 4)
        } else {
            String::new()
        };
        return Outcome::fail(format!(
            "{}{more}; define each model once in a shared package that every service imports, and delete the copies",
            shown.join("; ")
        ))
        .at_all(first_defs.iter().map(|t| Location {
            path: t.path.clone(),
            line: Some(t.line).filter(|l| *l > 0),
        }));
    }
    let first = &tables[0];
    let homes: BTreeSet<String> = tables
        .iter()
        .map(|t| {
            t.rel
                .rsplit_once('/')
                .map_or(".".to_string(), |(d, _)| d.to_string())
        })
        .collect();
    let message = if services.len() > 1 {
        format!(
            "each of {} tables is defined once across {} services (models in {})",
            by_table.len(),
            services.len(),
            homes.iter().take(3).cloned().collect::<Vec<_>>().join(", ")
        )
    } else {
        format!(
            "each of {} tables is defined once (one service; models in {})",
            by_table.len(),
            homes.iter().take(3).cloned().collect::<Vec<_>>().join(", ")
        )
    };
    Outcome::pass(message).at(&first.path, first.line)
}
