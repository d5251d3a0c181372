//! `db.non-superuser`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when the application does not connect as a superuser (`postgres`, `root`, `sa`) in its example or deployment config
    ///
    /// ## Why
    /// A superuser connection turns any SQL injection into full control of the database server.
    ///
    /// ## How to fix
    /// Create an application role that owns only its schema, and use it in examples and deployment config.
    DbNonSuperuser, "db.non-superuser", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
