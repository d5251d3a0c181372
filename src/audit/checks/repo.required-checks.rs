//! `repo.required-checks`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when required status checks are set, and every required check names a job that exists in the repo's workflows (a misspelt name blocks every merge).
    ///
    /// Read from GitHub's REST API (the repository of `--github OWNER/REPO`, else of the
    /// `origin` remote) with the token of `GITHUB_TOKEN`, `GH_TOKEN` or `gh auth token`. Without
    /// a token, without access, or offline, the result is `unknown` with the reason, never
    /// `fail`; remote checks are reported beside the level and never change it.
    ///
    /// ## Why
    /// Without required checks a red CI can be merged; a misspelt one blocks every merge.
    ///
    /// ## How to fix
    /// Require the CI jobs by their exact names (`new-service github protect` reads them from the workflows).
    RepoRequiredChecks, "repo.required-checks", check
}

fn check(_repo: &Repo, ctx: &Context) -> Outcome {
    ctx.remote.outcome(RepoRequiredChecks::ID)
}
