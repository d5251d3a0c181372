//! `api.spec`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when an OpenAPI document is committed, or the framework serves one (FastAPI app, drf-spectacular, utoipa, springdoc, swagger in Express/Nest)
    ///
    /// ## Why
    /// Clients, tests and documentation are generated from one description instead of drifting apart.
    ///
    /// ## How to fix
    /// Commit openapi.yaml, or let the framework serve one (FastAPI does; drf-spectacular, springdoc, utoipa, @nestjs/swagger).
    ApiSpec, "api.spec", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
