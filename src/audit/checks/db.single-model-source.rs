//! `db.single-model-source`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::audit::source::Scope;
use crate::audit::source::models::Table;
use crate::audit::{Context, Location, Outcome};
use crate::repo::{Repo, workspace};

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
    /// passes: a uv (or npm, Cargo, Go) workspace with `packages/shop_models/` declaring the
    /// tables and `services/api/`, `services/backoffice/` importing them.
    ///
    /// The services are the folders holding a manifest (pyproject.toml, package.json, go.mod,
    /// Cargo.toml, pom.xml, build.gradle) and source of their own: the members of a workspace,
    /// its models package among them. Audit the monorepo's root to compare them: a folder
    /// audited alone cannot see its siblings. Skipped when no database is used, when no model
    /// definitions are found, or in a repository of one service (nothing to share models with).
    ///
    /// ## Why
    /// Copied model classes drift: one service adds a column, the other never hears of it,
    /// and two services then disagree about the same table.
    ///
    /// ## How to fix
    /// Move shared models into one package that every service imports (a workspace member,
    /// e.g. `packages/<name>_models/`, with the one migration history), and delete the copies.
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

/// The nearest folder of `rel` (PATH-relative) that holds a manifest, `.` for PATH itself.
fn project_of(repo: &Repo, rel: &str) -> Option<String> {
    let parts: Vec<&str> = rel.split('/').collect();
    for depth in (1..parts.len()).rev() {
        let dir = parts[..depth].join("/");
        if MANIFESTS
            .iter()
            .any(|m| repo.service_file(&format!("{dir}/{m}")).is_some())
        {
            return Some(dir);
        }
    }
    MANIFESTS
        .iter()
        .any(|m| repo.service_file(m).is_some())
        .then(|| ".".to_string())
}

/// The services of the repository: the manifest folders that hold source of their own
/// (outside tests, examples and vendored code), `.` for source under no manifest.
fn services(repo: &Repo) -> BTreeSet<String> {
    const SOURCE: &[&str] = &["py", "js", "ts", "mjs", "cjs", "rs", "go", "java", "kt"];
    let prefix = repo.prefix.len();
    let mut by_dir: HashMap<&str, String> = HashMap::new();
    let mut out = BTreeSet::new();
    for file in repo.service_files() {
        let rel = &file.path[prefix..];
        if file.is_vendored() || file.is_test() || crate::repo::paths::is_example(rel) {
            continue;
        }
        if !rel
            .rsplit_once('.')
            .is_some_and(|(_, ext)| SOURCE.contains(&ext))
        {
            continue;
        }
        let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
        let service = by_dir
            .entry(dir)
            .or_insert_with(|| project_of(repo, rel).unwrap_or_else(|| ".".into()));
        // A workspace's root holds its tooling (scripts, a conftest), not a service.
        if !workspace_root(repo, service) {
            out.insert(service.clone());
        }
    }
    out
}

/// Whether folder `dir` (PATH-relative, `.` for PATH) is the root of a workspace (uv, npm,
/// pnpm, Go, or Cargo without a package of its own).
fn workspace_root(repo: &Repo, dir: &str) -> bool {
    let rel = if dir == "." {
        repo.prefix.trim_end_matches('/').to_string()
    } else {
        format!("{}{dir}", repo.prefix)
    };
    workspace::at(repo, &rel).is_some_and(|ws| !ws.root_package)
}

fn check(repo: &Repo, ctx: &Context) -> Outcome {
    if repo.database().is_none() {
        return Outcome::skip("no database is used");
    }
    let tables = ctx.orm_tables(Scope::AllLanguages);
    if tables.is_empty() {
        return Outcome::skip("no ORM model definitions found");
    }
    // A folder that declares a table is a service too (a Prisma schema without JS beside it).
    let mut all_services = services(repo);
    all_services.extend(
        tables
            .iter()
            .map(|t| project_of(repo, &t.rel).unwrap_or_else(|| ".".into())),
    );
    if all_services.len() < 2 {
        let only = all_services.first().map_or(".", String::as_str);
        return Outcome::skip(format!(
            "one service (`{only}`): no other service shares its models; in a monorepo, audit its root"
        ));
    }
    let mut by_table: BTreeMap<&str, Vec<&Table>> = BTreeMap::new();
    for t in &tables {
        by_table.entry(t.name.as_str()).or_default().push(t);
    }
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
    let message = format!(
        "each of {} tables is defined once across {} services ({}; models in {})",
        by_table.len(),
        all_services.len(),
        all_services
            .iter()
            .take(4)
            .cloned()
            .collect::<Vec<_>>()
            .join(", "),
        homes.iter().take(3).cloned().collect::<Vec<_>>().join(", ")
    );
    Outcome::pass(message).at(&first.path, first.line)
}
