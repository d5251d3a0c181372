//! `quality.linter`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when CI runs a linter (ruff, flake8, pylint, clippy, eslint, golangci-lint, ktlint, …)
    ///
    /// ## Why
    /// Linters catch whole classes of bugs before review (unused results, shadowed names, unsafe calls).
    ///
    /// ## How to fix
    /// Run a linter in CI (ruff check, flake8, eslint, clippy, golangci-lint, ktlint).
    QualityLinter, "quality.linter", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
