//! Zero-downtime migrations: lint every migration, and scaffold expand → migrate → contract.
//!
//! This module owns the migration engine that both `new-service migrations lint` and the audit
//! check `db.migrations-safe` run. Its parts, in the order data flows:
//! - [`kind`]: which paths are migrations, by the conventions of Alembic, Django, Flyway, sqlx,
//!   golang-migrate, Liquibase formatted SQL and plain `migrations/` folders;
//! - readers that turn one file into violations: [`sql`] (through the squawk linter crates),
//!   [`alembic`] and [`django`] (Python read statically by the light reader in [`python`],
//!   never imported or executed);
//! - [`rules`]: one file per rule, whose doc comment is its documentation, and the message and
//!   safe expand/contract fix each finding carries;
//! - [`ignore`]: `new-service-ignore` comments, which must give a reason;
//! - [`engine`]: the I/O-free entry points ([`lint_files`], [`lint_sources`], [`lint_source`]);
//! - [`walk`]: discovery on disk for the CLI ([`lint_paths`]);
//! - [`output`]: one renderer per output format;
//! - [`plan`]: the scaffolder that writes the safe sequence as ordered, reversible migrations.
//!
//! Nothing here prints: results go back to the caller, errors are [`MigrationsError`].

pub mod alembic;
pub mod django;
pub mod engine;
pub mod finding;
pub mod ignore;
pub mod kind;
pub mod lines;
pub mod output;
pub mod plan;
pub mod python;
pub mod rules;
pub mod sql;
pub mod walk;

use std::path::PathBuf;

pub use engine::{
    LintOptions, SourceFile, is_migration_source, lint_files, lint_source, lint_sources,
};
pub use finding::{Finding, LintReport, Severity};
pub use kind::{
    MigrationKind, is_migration_path, migration_at, names_postgres, other_engine_migration,
};
pub use rules::RuleId;
pub use walk::lint_paths;

/// Everything that can go wrong around the engine: reading, walking, writing plans.
#[derive(Debug, thiserror::Error)]
pub enum MigrationsError {
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot walk {}", path.display())]
    Walk {
        path: PathBuf,
        #[source]
        source: ::ignore::Error,
    },
    #[error("{}: not a migration file new-service can read (expected .sql, an Alembic revision or a Django migration)", path.display())]
    UnknownKind { path: PathBuf },
    #[error("{} does not exist", path.display())]
    Missing { path: PathBuf },
    #[error("{} is {what}, not a file: it is never read (pipe SQL in with `-` instead)", path.display())]
    NotAFile { path: PathBuf, what: &'static str },
    #[error(transparent)]
    Plan(#[from] plan::PlanError),
}
