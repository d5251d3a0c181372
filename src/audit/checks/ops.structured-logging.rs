//! `ops.structured-logging`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when logs are structured (JSON) and configured in one place
    ///
    /// ## Why
    /// JSON logs can be searched and aggregated by field; free text has to be grepped.
    ///
    /// ## How to fix
    /// Configure one JSON log formatter at start-up (structlog, python-json-logger, pino, zap, tracing-subscriber json, logstash encoder).
    OpsStructuredLogging, "ops.structured-logging", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
