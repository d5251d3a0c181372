//! `deps.lockfile`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when every dependency manifest of the service has its lockfile committed (uv.lock / poetry.lock / pdm.lock / requirements with `==` on every line; Cargo.lock for binaries; package-lock / pnpm-lock / yarn.lock / bun.lock; go.sum; gradle.lockfile; Maven, which has no lockfile, passes when no version is a range, SNAPSHOT or LATEST)
    ///
    /// ## Why
    /// Without a lockfile every build resolves new versions; a release can break without a single change to the code.
    ///
    /// ## How to fix
    /// Commit the lockfile (uv.lock, poetry.lock, package-lock.json, Cargo.lock, go.sum, gradle.lockfile) or pin every requirement with `==`.
    DepsLockfile, "deps.lockfile", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
