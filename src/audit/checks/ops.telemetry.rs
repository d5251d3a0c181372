//! `ops.telemetry`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when errors or metrics leave the process (OpenTelemetry, Prometheus, Sentry, an APM agent)
    ///
    /// ## Why
    /// What is not exported is not seen; errors and latency must reach a system that alerts.
    ///
    /// ## How to fix
    /// Export metrics (Prometheus) or traces (OpenTelemetry), or report errors (Sentry).
    OpsTelemetry, "ops.telemetry", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
