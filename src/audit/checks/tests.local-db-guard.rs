//! `tests.local-db-guard`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when where a database is used, the test setup refuses (or forces) a local database host, so tests can never touch production
    ///
    /// ## Why
    /// One wrong environment variable must not let a test suite truncate production tables.
    ///
    /// ## How to fix
    /// In the test setup, refuse any database host other than localhost/127.0.0.1/a unix socket (or force a local test URL).
    TestsLocalDbGuard, "tests.local-db-guard", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
