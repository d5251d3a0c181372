//! `deploy.after-tests`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when every deploy job depends, directly or transitively (`needs`, or `workflow_run` on a successful CI), on the job that runs the tests
    ///
    /// ## Why
    /// A deploy job that does not depend on the tests ships whatever was merged, broken or not.
    ///
    /// ## How to fix
    /// Make every deploy job `needs:` the test job (directly or through other jobs), or trigger it by `workflow_run` of a successful CI.
    DeployAfterTests, "deploy.after-tests", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
