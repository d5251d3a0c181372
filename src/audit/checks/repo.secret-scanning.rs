//! `repo.secret-scanning`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when secret scanning and push protection are enabled.
    ///
    /// Read from GitHub's REST API (the repository of `--github OWNER/REPO`, else of the
    /// `origin` remote) with the token of `GITHUB_TOKEN`, `GH_TOKEN` or `gh auth token`. Without
    /// a token, without access, or offline, the result is `unknown` with the reason, never
    /// `fail`; remote checks are reported beside the level and never change it.
    ///
    /// ## Why
    /// The host rejects pushes that contain known secret formats, a last line of defence.
    ///
    /// ## How to fix
    /// Enable secret scanning and push protection in the repository's security settings.
    RepoSecretScanning, "repo.secret-scanning", check
}

fn check(_repo: &Repo, ctx: &Context) -> Outcome {
    ctx.remote.outcome(RepoSecretScanning::ID)
}
