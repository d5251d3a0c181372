//! `db.timestamps`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when every table except pure join tables carries a creation and an update timestamp (`created_at`/`updated_at` or the framework's equivalent)
    ///
    /// ## Why
    /// When a row was created and last changed is the first question of every incident and every data fix.
    ///
    /// ## How to fix
    /// Add created_at and updated_at (server defaults, updated on write) to every table except pure join tables.
    DbTimestamps, "db.timestamps", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
