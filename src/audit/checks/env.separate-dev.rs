//! `env.separate-dev`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when a named non-production deploy target exists: a GitHub environment such as staging/dev, or a staging deploy configuration. An environment variable alone is not enough
    ///
    /// ## Why
    /// Changes meet real infrastructure in staging before customers meet them in production.
    ///
    /// ## How to fix
    /// Deploy to a `staging` GitHub environment before `production`, with its own configuration.
    EnvSeparateDev, "env.separate-dev", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
