//! `tests.present`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when test files exist for the service's language
    ///
    /// ## Why
    /// Untested code can only be changed by hoping.
    ///
    /// ## How to fix
    /// Add tests in the service's language (tests/test_*.py, *_test.go, *.test.ts, src/**/tests, src/test/java).
    TestsPresent, "tests.present", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
