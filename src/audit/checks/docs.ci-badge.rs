//! `docs.ci-badge`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when the README shows a CI status badge for this repository's own CI
    ///
    /// ## Why
    /// A red badge on the front page is seen by everyone; a broken main branch does not stay broken.
    ///
    /// ## How to fix
    /// Add the badge of your CI workflow to the README, e.g. `![CI](https://github.com/OWNER/REPO/actions/workflows/ci.yml/badge.svg)`.
    DocsCiBadge, "docs.ci-badge", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
