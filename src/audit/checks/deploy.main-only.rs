//! `deploy.main-only`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when deploy jobs never run for pull requests; they run only for the main branch or tags (a `workflow_dispatch` deploy needs a `github.ref` guard or a protected environment)
    ///
    /// ## Why
    /// A deploy triggered by a pull request ships unreviewed code, possibly from a fork.
    ///
    /// ## How to fix
    /// Guard deploy jobs with `if: github.ref == ''refs/heads/main''` (or tags), and never deploy on `pull_request`.
    DeployMainOnly, "deploy.main-only", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
