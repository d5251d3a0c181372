//! `ci.token-permissions`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when workflows declare `permissions:` and grant no write scope that their jobs do not need
    ///
    /// ## Why
    /// The default token may write to the repository; a compromised step should get no more than it needs.
    ///
    /// ## How to fix
    /// Add `permissions: {contents: read}` at the top of each workflow and grant write scopes per job only where needed.
    CiTokenPermissions, "ci.token-permissions", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
