//! `quality.formatter`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when CI checks formatting (ruff format --check, black --check, cargo fmt --check, prettier --check, gofmt, spotless)
    ///
    /// ## Why
    /// A formatter enforced in CI ends style debates in review and keeps diffs about behaviour.
    ///
    /// ## How to fix
    /// Run the formatter in check mode in CI (ruff format --check, black --check, prettier --check, cargo fmt --check, gofmt -l).
    QualityFormatter, "quality.formatter", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
