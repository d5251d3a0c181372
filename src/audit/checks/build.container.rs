//! `build.container`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when a Dockerfile/Containerfile builds the service
    ///
    /// ## Why
    /// One image, built once, runs the same in CI, staging and production.
    ///
    /// ## How to fix
    /// Add a multi-stage Dockerfile that installs the locked dependencies and starts the service.
    BuildContainer, "build.container", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
