//! `repo.secret-scanning`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when secret scanning and push protection are enabled.
    ///
    /// This needs the hosting service's API and admin rights to read the settings. Without a
    /// token (or without access) the result is `unknown` with the reason, never `fail`; remote
    /// checks are reported beside the level and never change it.
    ///
    /// ## Why
    /// The host rejects pushes that contain known secret formats, a last line of defence.
    ///
    /// ## How to fix
    /// Enable secret scanning and push protection in the repository's security settings.
    RepoSecretScanning, "repo.secret-scanning", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("needs the GitHub API: repository settings are not checked offline")
}
