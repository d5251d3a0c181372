//! `db.migrations`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when schema changes are versioned by a migration tool (Alembic, Django, Flyway, Liquibase, sqlx, diesel, golang-migrate, Prisma, …)
    ///
    /// ## Why
    /// Versioned migrations make every environment's schema reproducible and reviewable.
    ///
    /// ## How to fix
    /// Use the migration tool of your stack (Alembic, Django migrations, Flyway, Liquibase, sqlx, diesel, golang-migrate, Prisma).
    DbMigrations, "db.migrations", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
