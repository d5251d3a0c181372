//! `ops.health-endpoint`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when the service exposes a liveness endpoint (`/healthz`, `/health`, `/livez`, …)
    ///
    /// ## Why
    /// Orchestrators and load balancers restart or route around a process only if they can ask it whether it is alive.
    ///
    /// ## How to fix
    /// Add GET /healthz that answers 200 without touching dependencies.
    OpsHealthEndpoint, "ops.health-endpoint", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
