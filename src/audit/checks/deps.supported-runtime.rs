//! `deps.supported-runtime`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when the language runtime and main framework are not end-of-life on the audit date (an embedded, dated table: e.g. Django 1.11 fails, Python 3.8 fails); a framework without published end-of-life dates is judged by its runtime alone
    ///
    /// ## Why
    /// End-of-life runtimes and frameworks get no security fixes; upgrading early is a small step, late it is a migration.
    ///
    /// ## How to fix
    /// Upgrade to a supported release (see endoflife.date); move large upgrades route by route behind a proxy (strangler fig).
    DepsSupportedRuntime, "deps.supported-runtime", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
