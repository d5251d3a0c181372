//! `cors.explicit-origins`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when where CORS is enabled, origins are an explicit list from configuration; a wildcard with credentials, or allow-all, fails
    ///
    /// ## Why
    /// Allow-all CORS, worst of all with credentials, lets any website act with your users' sessions.
    ///
    /// ## How to fix
    /// Read the allowed origins from configuration (e.g. CORS_ORIGINS) as an explicit list; never `*`.
    CorsExplicitOrigins, "cors.explicit-origins", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
