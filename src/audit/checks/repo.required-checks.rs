//! `repo.required-checks`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when required status checks are set, and every required check names a job that exists in the repo's workflows (a misspelt name blocks every merge).
    ///
    /// Fails when a required check names no job of the workflows, or when every job that
    /// produces it does not run on every pull request, naming the job and why:
    /// - its workflow does not run on `pull_request`, or runs only when certain files change
    ///   (workflow-level `paths`/`paths-ignore`, or `types` without `synchronize`), or not on
    ///   pull requests into the protected branch (`branches`/`branches-ignore`): on a pull
    ///   request it does not run for, the check waits forever and the merge is blocked;
    /// - it is skipped on every pull request (a deploy job guarded by `github.event_name` or
    ///   `github.ref`, or needing such a job without `always()`): a skipped check counts as
    ///   passing, so it protects nothing.
    ///
    /// A job that runs on some pull requests only (its `if:` reads another job's outputs) may
    /// be required; better, a gate job (`if: always()`, needing the others) is.
    ///
    /// Read from GitHub's REST API (the repository of `--github OWNER/REPO`, else of the
    /// `origin` remote) with the token of `GITHUB_TOKEN`, `GH_TOKEN` or `gh auth token`. Without
    /// a token, without access, or offline, the result is `unknown` with the reason, never
    /// `fail`; remote checks are reported beside the level and never change it.
    ///
    /// ## Why
    /// Without required checks a red CI can be merged; a misspelt one, or one whose workflow
    /// does not run on a pull request, blocks every merge; a deploy job skipped on pull
    /// requests protects nothing.
    ///
    /// ## How to fix
    /// Require the CI jobs that run on every pull request by their exact names (`new-service
    /// github protect` reads them from the workflows: lint and test in a single service, the
    /// gate job in a monorepo). Filter inside a workflow (a path filter job and a gate), not
    /// with workflow-level `paths`.
    RepoRequiredChecks, "repo.required-checks", check
}

fn check(_repo: &Repo, ctx: &Context) -> Outcome {
    ctx.remote.outcome(RepoRequiredChecks::ID)
}
