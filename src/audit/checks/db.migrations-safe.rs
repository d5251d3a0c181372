//! `db.migrations-safe`.

use crate::audit::{Context, Location, Outcome};
use crate::migrations::engine::is_migration_source;
use crate::migrations::{
    LintOptions, MigrationKind, Severity, SourceFile, is_migration_path, lint_sources,
    other_engine_migration,
};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when no migration makes a one-step change that breaks the running release or
    /// locks a busy table under a rolling deploy: dropping or renaming a column or table,
    /// adding a NOT NULL column without a default, changing a column's type, building an index
    /// without CONCURRENTLY, adding a constraint that scans the table while holding a lock, …
    ///
    /// It runs the same engine as `new-service migrations lint` over every migration of the
    /// service, found by convention: Alembic revisions (`versions/*.py`, only `upgrade()` is
    /// judged), Django migrations (`*/migrations/NNNN_*.py`, each app replayed in order) and
    /// SQL migrations (Flyway, sqlx, golang-migrate, Liquibase formatted SQL, plain
    /// `migrations/` folders; down scripts are not judged). Python migrations are read
    /// statically, never imported. A table created in the same migration is exempt from the
    /// rules that protect existing rows, and a finding silenced with an ignore comment that
    /// gives a reason (the deliberate contract step) does not count. The rules are
    /// PostgreSQL's: SQL migrations written for another engine, by their name
    /// (`x.mysql.up.sql`) or folder (`migrations/sqlite/`), are counted but not judged. Skips
    /// when the service has no PostgreSQL migrations.
    ///
    /// ## Why
    /// While old and new versions run side by side, a rename, drop or rewrite breaks the old
    /// one or locks the table.
    ///
    /// ## How to fix
    /// Expand, migrate, contract: add the new shape beside the old, backfill in batches,
    /// switch reads, then drop the old shape. `new-service migrations plan` writes the phases;
    /// `new-service migrations lint` shows each finding with its safe sequence.
    DbMigrationsSafe, "db.migrations-safe", check
}

/// How many findings the message names before it counts the rest.
const NAMED: usize = 3;

fn check(repo: &Repo, _ctx: &Context) -> Outcome {
    let prefix = repo.prefix.len();
    let sources: Vec<SourceFile<'_>> = repo
        .service_files()
        .filter_map(|f| {
            let kind: MigrationKind = is_migration_path(&f.path[prefix..])?;
            let text = f.text()?;
            is_migration_source(kind, text).then(|| SourceFile::new(&f.path, kind, text))
        })
        .collect();
    let mut other_engines: Vec<&str> = Vec::new();
    let mut other_files = 0usize;
    for f in repo.service_files() {
        if let Some(engine) = other_engine_migration(&f.path[prefix..]) {
            other_files += 1;
            if !other_engines.contains(&engine) {
                other_engines.push(engine);
            }
        }
    }
    other_engines.sort_unstable();
    let not_judged = match other_files {
        0 => String::new(),
        n => format!(
            "; {n} written for {} not judged (the rules are PostgreSQL's)",
            other_engines.join(", ")
        ),
    };
    if sources.is_empty() {
        if other_files > 0 {
            return Outcome::skip(format!(
                "no PostgreSQL migrations: the {other_files} SQL migration{} found {} written for {} (the rules are PostgreSQL's)",
                if other_files == 1 { "" } else { "s" },
                if other_files == 1 { "is" } else { "are" },
                other_engines.join(", ")
            ));
        }
        return Outcome::skip("no migrations found (see db.migrations)");
    }
    let findings = lint_sources(&sources, &LintOptions::default());
    let errors: Vec<_> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    if errors.is_empty() {
        return Outcome::pass(format!(
            "{} migration file{} checked, no unsafe change{not_judged}",
            sources.len(),
            if sources.len() == 1 { "" } else { "s" }
        ));
    }
    let named: Vec<String> = errors
        .iter()
        .take(NAMED)
        .map(|f| format!("{} at {}:{}", f.rule, f.path, f.line))
        .collect();
    let more = errors.len().saturating_sub(NAMED);
    Outcome::fail(format!(
        "{} unsafe migration change{}: {}{}; run `new-service migrations lint` for the safe expand/contract sequence of each{not_judged}",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" },
        named.join(", "),
        if more > 0 { format!(" and {more} more") } else { String::new() }
    ))
    .at_all(errors.iter().map(|f| Location {
        path: f.path.clone(),
        line: Some(f.line),
    }))
}
