//! `vcs.remote`.

use crate::audit::{Context, Outcome};
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
        Some(url) => match host_of(url) {
            Some(host) => Outcome::pass(format!("origin is on {host}")),
            None => Outcome::fail(format!(
                "origin `{}` is a local path, not a hosting service; push to a hosted repository",
                redact(url)
            )),
        },
    }
}

/// The host of a remote URL: `https://host/…`, `ssh://[user@]host/…` or scp-like `user@host:path`.
pub fn host_of(url: &str) -> Option<String> {
    if let Some((scheme, rest)) = url.split_once("://") {
        if scheme == "file" {
            return None;
        }
        let authority = rest.split('/').next()?;
        let host = authority.rsplit('@').next()?.split(':').next()?;
        return (!host.is_empty()).then(|| host.to_string());
    }
    // scp-like syntax: [user@]host:path, where host has no slash before the colon.
    let (before, _) = url.split_once(':')?;
    if before.contains('/') || before.len() == 1 {
        return None; // a local path, or a Windows drive letter
    }
    let host = before.rsplit('@').next()?;
    (!host.is_empty()).then(|| host.to_string())
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
    fn hosts_are_read_from_every_remote_syntax() {
        assert_eq!(
            host_of("https://github.com/o/r.git").as_deref(),
            Some("github.com")
        );
        assert_eq!(
            host_of("https://x:tok@gitlab.example.com/o/r").as_deref(),
            Some("gitlab.example.com")
        );
        assert_eq!(
            host_of("ssh://git@github.com:22/o/r").as_deref(),
            Some("github.com")
        );
        assert_eq!(
            host_of("git@github.com:o/r.git").as_deref(),
            Some("github.com")
        );
        assert_eq!(host_of("/srv/git/r.git"), None);
        assert_eq!(host_of("../r.git"), None);
        assert_eq!(host_of("file:///srv/r.git"), None);
        assert_eq!(host_of("C:/repos/r"), None);
    }

    #[test]
    fn credentials_in_urls_are_not_shown() {
        assert_eq!(redact("https://u:secret@host/o/r"), "https://***@host/o/r");
    }
}
