//! `build.container-non-root`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when the final stage runs as a non-root USER
    ///
    /// ## Why
    /// A compromised process that runs as root in the container is one kernel bug away from the host.
    ///
    /// ## How to fix
    /// Create a user in the final stage and switch to it with `USER app` (or a numeric uid).
    BuildContainerNonRoot, "build.container-non-root", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
