//! `db.config-from-env`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when the connection string comes from the environment or a secret store, not from source
    ///
    /// ## Why
    /// A connection string in source ends up in every clone, fork and log, and ties the code to one environment.
    ///
    /// ## How to fix
    /// Read DATABASE_URL (or its parts) from the environment or a secret store; keep only local defaults in code.
    DbConfigFromEnv, "db.config-from-env", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
