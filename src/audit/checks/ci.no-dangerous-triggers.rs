//! `ci.no-dangerous-triggers`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when no `pull_request_target` or `workflow_run` workflow checks out and runs untrusted pull request code
    ///
    /// ## Why
    /// pull_request_target and workflow_run run with secrets and a write token; checking out the PR's code hands both to its author.
    ///
    /// ## How to fix
    /// Use `pull_request` for untrusted code, or never check out the PR head in a pull_request_target/workflow_run workflow.
    CiNoDangerousTriggers, "ci.no-dangerous-triggers", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
