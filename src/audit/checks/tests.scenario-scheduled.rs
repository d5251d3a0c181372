//! `tests.scenario-scheduled`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when a scheduled workflow runs API scenario or smoke tests
    ///
    /// ## Why
    /// A scheduled smoke run catches what changed outside the code - expired certificates, drifted config, a broken dependency.
    ///
    /// ## How to fix
    /// Add a workflow on `schedule:` that runs API scenario or smoke tests against a deployed environment.
    TestsScenarioScheduled, "tests.scenario-scheduled", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
