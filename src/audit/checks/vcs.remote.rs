//! `vcs.remote`.

use crate::audit::{Context, Outcome};
use crate::github::Remote;
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when the repository has an `origin` remote on a hosting service (any network URL:
    /// `https://`, `ssh://` or `git@host:path`); fails when there is no `origin`, or when it is a
    /// local path, which is no backup and runs no CI.
    ///
    /// This is a repository-settings check: it is reported beside the level and never changes it.
    ///
    /// ## Why
    /// A repository that lives on one laptop has no backup, no reviews and no CI.
    ///
    /// ## How to fix
    /// Create the repository on your hosting service, then
    /// `git remote add origin URL && git push -u origin main`.
    VcsRemote, "vcs.remote", check
}

fn check(repo: &Repo, _ctx: &Context) -> Outcome {
    if !repo.git.work_tree {
        return Outcome::skip("not a git work tree (see vcs.git)");
    }
    match &repo.git.origin {
        None => Outcome::fail("no `origin` remote; add one with `git remote add origin URL`"),
        Some(url) => match Remote::from_url(url) {
            Some(remote) => Outcome::pass(format!(
                "origin is {}/{}",
                remote.host,
                remote.path.join("/")
            )),
            None => Outcome::fail(format!(
                "origin `{}` is a local path, not a hosting service; push to a hosted repository",
                redact(url)
            )),
        },
    }
}

/// Drops credentials embedded in a URL (`https://user:token@host/…`) before showing it.
fn redact(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => match rest.split_once('@') {
            Some((_, after)) if !after.contains('/') || rest.find('@') < rest.find('/') => {
                format!("{scheme}://***@{after}")
            }
            _ => url.to_string(),
        },
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_urls_are_not_shown() {
        assert_eq!(redact("https://u:secret@host/o/r"), "https://***@host/o/r");
    }
}
