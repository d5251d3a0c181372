//! `repo.branch-protection`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when the default branch requires a pull request with at least one approval and blocks force pushes, by a ruleset or classic protection.
    ///
    /// Read from GitHub's REST API (the repository of `--github OWNER/REPO`, else of the
    /// `origin` remote) with the token of `GITHUB_TOKEN`, `GH_TOKEN` or `gh auth token`. Without
    /// a token, without access, or offline, the result is `unknown` with the reason, never
    /// `fail`; remote checks are reported beside the level and never change it.
    ///
    /// ## Why
    /// Without protection anyone with write access can push or force-push to main, skipping review and CI.
    ///
    /// ## How to fix
    /// Require pull requests with one approval and block force pushes (`new-service github protect OWNER/REPO`).
    RepoBranchProtection, "repo.branch-protection", check
}

fn check(_repo: &Repo, ctx: &Context) -> Outcome {
    ctx.remote.outcome(RepoBranchProtection::ID)
}
