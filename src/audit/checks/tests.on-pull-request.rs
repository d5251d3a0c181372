//! `tests.on-pull-request`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when that workflow triggers on `pull_request`
    ///
    /// ## Why
    /// Reviewers should see green tests before they approve, not after the merge.
    ///
    /// ## How to fix
    /// Trigger the test workflow on `pull_request` (and `push` to main).
    TestsOnPullRequest, "tests.on-pull-request", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
