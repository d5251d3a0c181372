//! `ops.readiness-checks-deps`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when a readiness endpoint checks the database (and other backing services) and answers 503 when they are down
    ///
    /// ## Why
    /// Traffic should reach an instance only when its database answers; a liveness check alone sends requests to a broken instance.
    ///
    /// ## How to fix
    /// Add GET /readyz that runs `SELECT 1` with a short timeout and answers 503 naming the failing dependency.
    OpsReadinessChecksDeps, "ops.readiness-checks-deps", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
