//! `repo.branch-protection`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when the default branch requires a pull request with at least one approval and blocks force pushes, by a ruleset or classic protection.
    ///
    /// This needs the hosting service's API and admin rights to read the settings. Without a
    /// token (or without access) the result is `unknown` with the reason, never `fail`; remote
    /// checks are reported beside the level and never change it.
    ///
    /// ## Why
    /// Without protection anyone with write access can push or force-push to main, skipping review and CI.
    ///
    /// ## How to fix
    /// Require pull requests with one approval and block force pushes (`new-service github protect OWNER/REPO`).
    RepoBranchProtection, "repo.branch-protection", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("needs the GitHub API: repository settings are not checked offline")
}
