//! `vcs.git`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when the audited path is inside a git work tree whose HEAD is a commit.
    ///
    /// Detection asks git itself (with hooks and fsmonitor disabled, so nothing from the audited
    /// repository runs): `rev-parse --show-toplevel`, then `rev-parse --verify HEAD`.
    ///
    /// ## Why
    /// Without history there is no review, no revert and no blame; every other practice builds
    /// on it.
    ///
    /// ## How to fix
    /// Run `git init -b main`, commit the code, and push it to your hosting service.
    VcsGit, "vcs.git", check
}

fn check(repo: &Repo, _ctx: &Context) -> Outcome {
    match (repo.git.work_tree, repo.git.has_commit) {
        (true, true) => Outcome::pass(format!("git work tree at {}", repo.root.display())),
        (true, false) => Outcome::fail(
            "the git repository has no commit yet; commit the code (`git add -A && git commit`)",
        ),
        (false, _) => Outcome::fail("not a git work tree; run `git init -b main` and commit"),
    }
}
