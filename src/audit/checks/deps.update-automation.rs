//! `deps.update-automation`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when Dependabot or Renovate is configured for the service's main package ecosystem
    ///
    /// ## Why
    /// Small weekly updates are cheap; a two-year jump under a security deadline is not.
    ///
    /// ## How to fix
    /// Add .github/dependabot.yml (or a Renovate config) for the service's package ecosystem.
    DepsUpdateAutomation, "deps.update-automation", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
