//! `db.migrations-safe`.

use crate::audit::{Context, Location, Outcome};
use crate::migrations::engine::is_migration_source;
use crate::migrations::{
    LintOptions, Severity, SourceFile, lint_sources, migration_at, names_postgres,
};
use crate::repo::Repo;
use crate::repo::database::Engine;

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
    /// PostgreSQL's: migrations written for another engine are counted but not judged. A SQL
    /// migration says so by its name (`x.mysql.up.sql`) or folder (`migrations/sqlite/`); when
    /// the service's database is MySQL, SQL Server or Oracle (its driver, Django `ENGINE`,
    /// Prisma `provider` or JDBC URL says which), every migration is taken for
    /// that engine unless its name or folder says PostgreSQL (`migrations/postgres/`). Skips
    /// when the service has no PostgreSQL migrations. With `audit --since REF`, only the
    /// migrations added since REF (committed or not) are judged: a ten-year-old project's
    /// deployed history is read for context, not reported.
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

fn check(repo: &Repo, ctx: &Context) -> Outcome {
    let prefix = repo.prefix.len();
    // A service on a server engine other than PostgreSQL writes its migrations for that
    // engine, whatever their names say. SQLite is not taken as the service's engine here: it
    // is often a test-only dependency beside a PostgreSQL reached through an ORM.
    let service_db = repo
        .database()
        .filter(|d| matches!(d.engine, Engine::MySql | Engine::SqlServer | Engine::Oracle));
    let mut sources: Vec<SourceFile<'_>> = Vec::new();
    let mut other_engines: Vec<&str> = Vec::new();
    let mut other_files = 0usize;
    // Whether a migration was left out for the service's engine, not for its name or folder.
    let mut by_service_db = false;
    for f in repo.service_files() {
        let rel = &f.path[prefix..];
        let Some((kind, named_engine)) = migration_at(rel) else {
            continue;
        };
        let engine = named_engine.or_else(|| {
            let db = service_db?;
            // Only what would be linted is counted as not judged.
            let migration = f.text().is_some_and(|t| is_migration_source(kind, t));
            (migration && !names_postgres(rel)).then(|| {
                by_service_db = true;
                db.engine.name()
            })
        });
        if let Some(engine) = engine {
            other_files += 1;
            if !other_engines.contains(&engine) {
                other_engines.push(engine);
            }
            continue;
        }
        if let Some(text) = f.text()
            && is_migration_source(kind, text)
        {
            sources.push(SourceFile::new(&f.path, kind, text));
        }
    }
    other_engines.sort_unstable();
    let why = match service_db {
        Some(db) if by_service_db => format!(
            "the rules are PostgreSQL's, and {} says the service's database is {}",
            db.evidence,
            db.engine.name()
        ),
        _ => "the rules are PostgreSQL's".to_string(),
    };
    let not_judged = match other_files {
        0 => String::new(),
        n => format!(
            "; {n} written for {} not judged ({why})",
            other_engines.join(", ")
        ),
    };
    if sources.is_empty() {
        if other_files > 0 {
            return Outcome::skip(format!(
                "no PostgreSQL migrations: the {other_files} migration{} found {} written for {} ({why})",
                if other_files == 1 { "" } else { "s" },
                if other_files == 1 { "is" } else { "are" },
                other_engines.join(", ")
            ));
        }
        return Outcome::skip("no migrations found (see db.migrations)");
    }
    // Every migration is read (Django's history-dependent rules need the earlier ones), but
    // with `--since REF` only the findings in migrations added since REF count.
    let findings = lint_sources(&sources, &LintOptions::default());
    let judged = |path: &str| {
        ctx.migrations_since
            .as_ref()
            .is_none_or(|(_, added)| added.contains(path))
    };
    let errors: Vec<_> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error && judged(&f.path))
        .collect();
    let history = match &ctx.migrations_since {
        Some((rev, added)) => {
            let older = sources.iter().filter(|s| !added.contains(s.path)).count();
            format!(
                "; {older} migration file{} older than {rev} not judged (--since)",
                if older == 1 { "" } else { "s" }
            )
        }
        None => String::new(),
    };
    let not_judged = format!("{not_judged}{history}");
    if errors.is_empty() {
        let checked = sources.iter().filter(|s| judged(s.path)).count();
        return Outcome::pass(format!(
            "{checked} migration file{} checked, no unsafe change{not_judged}",
            if checked == 1 { "" } else { "s" }
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
