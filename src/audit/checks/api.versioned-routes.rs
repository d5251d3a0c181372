//! `api.versioned-routes`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when public routes live under a version prefix (`/api/v1`, `/v2`), so a v2 can grow beside a v1 (strangler fig)
    ///
    /// ## Why
    /// A v2 can then grow beside v1 and take traffic route by route (strangler fig) without breaking clients.
    ///
    /// ## How to fix
    /// Mount public routes under /api/v1 (a router prefix) and keep health endpoints outside it.
    ApiVersionedRoutes, "api.versioned-routes", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
