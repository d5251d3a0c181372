//! Naming a repository: `OWNER/REPO` on the command line, and the host, owner and name read
//! from a git remote URL (https, ssh and scp-like forms, github.com or GitHub Enterprise).

use std::fmt;
use std::path::Path;
use std::process::Command;
use std::str::FromStr;

/// A GitHub repository, `OWNER/REPO`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RepoName {
    pub owner: String,
    pub name: String,
}

impl fmt::Display for RepoName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{given:?} is not OWNER/REPO: {reason}")]
pub struct BadRepoName {
    pub given: String,
    pub reason: &'static str,
}

impl FromStr for RepoName {
    type Err = BadRepoName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |reason| BadRepoName {
            given: s.to_string(),
            reason,
        };
        let (owner, name) = s.split_once('/').ok_or_else(|| bad("no `/`"))?;
        // GitHub's rules: owners are letters, digits and single dashes; names add `.` and `_`.
        let owner_ok = !owner.is_empty()
            && owner.len() <= 39
            && owner.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !owner.starts_with('-');
        if !owner_ok {
            return Err(bad("the owner must be letters, digits and dashes"));
        }
        let name_ok = !name.is_empty()
            && name.len() <= 100
            && name != "."
            && name != ".."
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !name_ok {
            return Err(bad(
                "the repository name must be letters, digits, `-`, `_` and `.`",
            ));
        }
        Ok(RepoName {
            owner: owner.to_string(),
            name: name.to_string(),
        })
    }
}

impl RepoName {
    /// The API path of this repository, `/repos/OWNER/REPO`.
    pub(crate) fn api_path(&self) -> String {
        format!("/repos/{}/{}", self.owner, self.name)
    }
}

/// Where a git remote points: the host and the path of the repository on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remote {
    /// Lower-case host name, without user or port (`github.com`, `ghe.example.com`).
    pub host: String,
    /// Path segments, without a trailing `.git` (`["acme", "billing-api"]`; GitLab subgroups
    /// give more than two).
    pub path: Vec<String>,
}

impl Remote {
    /// Parses `https://host/owner/repo(.git)`, `ssh://git@host[:port]/owner/repo.git`,
    /// `git@host:owner/repo.git` and `git://host/owner/repo`. Local paths and `file://` URLs
    /// are not remotes on a hosting service: `None`.
    pub fn from_url(url: &str) -> Option<Remote> {
        let url = url.trim();
        let (host_part, path) = if let Some((scheme, rest)) = url.split_once("://") {
            if !matches!(
                scheme.to_ascii_lowercase().as_str(),
                "https" | "http" | "ssh" | "git" | "git+ssh" | "ssh+git"
            ) {
                return None;
            }
            rest.split_once('/')?
        } else {
            // scp-like `user@host:path`; a Windows path `C:\x` or `./x:y` is not one.
            let (host_part, path) = url.split_once(':')?;
            if host_part.is_empty() || host_part.contains(['/', '\\']) || path.starts_with("//") {
                return None;
            }
            if host_part.len() == 1 {
                return None; // a drive letter
            }
            (host_part, path)
        };
        let host = host_part.rsplit('@').next()?;
        let host = host.split(':').next()?.to_ascii_lowercase();
        if host.is_empty() {
            return None;
        }
        let path: Vec<String> = path
            .trim_end_matches('/')
            .trim_end_matches(".git")
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        if path.len() < 2 {
            return None;
        }
        Some(Remote { host, path })
    }

    /// The GitHub repository this remote names, when its path is exactly `OWNER/REPO`.
    pub fn github_repo(&self) -> Option<RepoName> {
        match self.path.as_slice() {
            [owner, name] => format!("{owner}/{name}").parse().ok(),
            _ => None,
        }
    }

    /// Whether the host is github.com (otherwise it may be a GitHub Enterprise Server).
    pub fn is_github_com(&self) -> bool {
        self.host == "github.com" || self.host == "www.github.com"
    }

    /// The REST API base for this host: `https://api.github.com`, or `https://HOST/api/v3` for
    /// GitHub Enterprise Server.
    pub fn api_url(&self) -> String {
        if self.is_github_com() {
            super::client::DEFAULT_API_URL.to_string()
        } else {
            format!("https://{}/api/v3", self.host)
        }
    }
}

/// The URL of the `origin` remote of the git work tree at `dir`, if there is one.
pub fn origin_url(dir: &Path) -> Option<String> {
    let out = Command::new("git")
        .args(["remote", "get-url", "origin"])
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .ok()?;
    let url = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !url.is_empty()).then_some(url)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn gh(url: &str) -> Option<(String, String)> {
        let remote = Remote::from_url(url)?;
        let repo = remote.github_repo()?;
        Some((remote.host, repo.to_string()))
    }

    #[test]
    fn https_and_ssh_forms_name_the_same_repository() {
        let want = Some(("github.com".to_string(), "acme/billing-api".to_string()));
        for url in [
            "https://github.com/acme/billing-api",
            "https://github.com/acme/billing-api.git",
            "https://github.com/acme/billing-api/",
            "https://x-access-token:abc@github.com/acme/billing-api.git",
            "git@github.com:acme/billing-api.git",
            "git@github.com:acme/billing-api",
            "ssh://git@github.com/acme/billing-api.git",
            "ssh://git@github.com:22/acme/billing-api.git",
            "git://github.com/acme/billing-api.git",
        ] {
            assert_eq!(gh(url), want, "{url}");
        }
    }

    #[test]
    fn enterprise_hosts_keep_their_host_and_api() {
        let remote = Remote::from_url("git@ghe.example.com:platform/orders.git").unwrap();
        assert_eq!(remote.host, "ghe.example.com");
        assert_eq!(remote.github_repo().unwrap().to_string(), "platform/orders");
        assert_eq!(remote.api_url(), "https://ghe.example.com/api/v3");
        let https = Remote::from_url("https://GHE.example.com:8443/platform/orders").unwrap();
        assert_eq!(https.host, "ghe.example.com");
        assert_eq!(
            Remote::from_url("https://github.com/a/b")
                .unwrap()
                .api_url(),
            "https://api.github.com"
        );
    }

    #[test]
    fn local_paths_are_not_hosted_remotes() {
        for url in [
            "/srv/git/app.git",
            "../app.git",
            "file:///srv/git/app.git",
            "C:\\repos\\app",
            "C:/repos/app",
            "https://github.com/only-owner",
        ] {
            assert_eq!(Remote::from_url(url), None, "{url}");
        }
    }

    #[test]
    fn subgroup_paths_are_hosted_but_not_github_repositories() {
        let r = Remote::from_url("https://gitlab.com/group/sub/app.git").unwrap();
        assert_eq!(r.path, ["group", "sub", "app"]);
        assert_eq!(r.github_repo(), None);
    }

    #[test]
    fn repo_names_follow_githubs_rules() {
        assert_eq!(
            "acme/api.v2".parse::<RepoName>().unwrap().to_string(),
            "acme/api.v2"
        );
        for bad in [
            "acme",
            "/api",
            "acme/",
            "ac me/api",
            "acme/a/b",
            "-acme/api",
            "acme/..",
        ] {
            assert!(bad.parse::<RepoName>().is_err(), "{bad}");
        }
    }
}
