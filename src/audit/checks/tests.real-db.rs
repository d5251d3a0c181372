//! `tests.real-db`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when where a database is used, CI gives the tests a real one of the same engine as production (a `services:` container or a step that starts one), not an in-memory stand-in
    ///
    /// ## Why
    /// An in-memory stand-in (SQLite for PostgreSQL) hides the bugs of the real engine - types, locks, constraints, SQL dialect.
    ///
    /// ## How to fix
    /// Add a `services:` container of the production engine (e.g. postgres:16) to the test job and point the tests at it.
    TestsRealDb, "tests.real-db", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
