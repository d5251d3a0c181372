//! `db.migrations-safe`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when no migration does an unsafe one-step change: drop or rename a column or table, add a NOT NULL column without a default, change a column type, build an index without CONCURRENTLY, … (expand → migrate → contract instead)
    ///
    /// ## Why
    /// While old and new versions run side by side, a rename, drop or rewrite breaks the old one or locks the table.
    ///
    /// ## How to fix
    /// Expand, migrate, contract: add the new shape beside the old, backfill in batches, switch reads, then drop the old shape. See `new-service migrations plan`.
    DbMigrationsSafe, "db.migrations-safe", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
