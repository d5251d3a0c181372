//! `tests.in-ci`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when a workflow step runs the test command (pytest, cargo test/nextest, go test, npm test, gradle test, mvn test, …)
    ///
    /// ## Why
    /// Tests that only run on a laptop stop being run.
    ///
    /// ## How to fix
    /// Add a workflow step that runs the test command (pytest, go test ./..., npm test, cargo test, ./gradlew test).
    TestsInCi, "tests.in-ci", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
