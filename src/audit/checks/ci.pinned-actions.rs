//! `ci.pinned-actions`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when actions from outside `actions/` and `github/` are pinned to a full commit SHA (local actions and `docker://` with a digest are fine)
    ///
    /// ## Why
    /// A tag can be moved to malicious code; a full commit SHA cannot.
    ///
    /// ## How to fix
    /// Pin every third-party `uses:` to a 40-character SHA with the version in a comment (Dependabot keeps it up to date).
    CiPinnedActions, "ci.pinned-actions", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
