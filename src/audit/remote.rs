//! Repository settings on the hosting service (checklist section 9), gathered once before the
//! checks run so each remote check only reads the answer.
//!
//! The repository is the one named by `--github OWNER/REPO`, else the GitHub repository of the
//! `origin` remote. Without a token, without access, or without a GitHub origin, every remote
//! check is `unknown` with the reason: never `fail` for lack of access. Remote results are
//! reported beside the level and never change it.

use crate::github::audit::{RemoteCheck, RemoteStatus, remote_checks};
use crate::github::workflows::workflow_jobs;
use crate::github::{Client, ClientError, Remote, RepoName};
use crate::repo::Repo;

use super::Outcome;

/// What is known about the repository's settings.
#[derive(Debug, Clone)]
pub enum RemoteFacts {
    /// Not looked up, with the reason (offline run, no GitHub repository known).
    NotGathered(String),
    Gathered(Vec<RemoteCheck>),
}

impl Default for RemoteFacts {
    fn default() -> Self {
        RemoteFacts::NotGathered("repository settings were not looked up (offline)".into())
    }
}

impl RemoteFacts {
    /// The outcome of remote check `id`.
    pub fn outcome(&self, id: &str) -> Outcome {
        match self {
            RemoteFacts::NotGathered(reason) => Outcome::unknown(reason.clone()),
            RemoteFacts::Gathered(results) => match results.iter().find(|r| r.id == id) {
                Some(r) => match r.status {
                    RemoteStatus::Pass => Outcome::pass(r.message.clone()),
                    RemoteStatus::Fail => Outcome::fail(r.message.clone()),
                    RemoteStatus::Unknown => Outcome::unknown(r.message.clone()),
                },
                None => Outcome::unknown("not looked up"),
            },
        }
    }
}

/// Looks the settings up. `github` is `--github OWNER/REPO`; `client` is the GitHub client or
/// the reason there is none (no token).
pub fn gather(
    repo: &Repo,
    github: Option<&RepoName>,
    client: Result<&Client, &ClientError>,
) -> RemoteFacts {
    let from_origin = || {
        repo.git
            .origin
            .as_deref()
            .and_then(Remote::from_url)
            .and_then(|r| r.github_repo())
    };
    let Some(name) = github.cloned().or_else(from_origin) else {
        return RemoteFacts::NotGathered(match &repo.git.origin {
            None => {
                "no `origin` remote to read GitHub settings from; pass --github OWNER/REPO".into()
            }
            Some(_) => {
                "the `origin` remote is not a GitHub repository; pass --github OWNER/REPO".into()
            }
        });
    };
    // The jobs of the workflows the repository view already parsed: the check names CI can
    // produce, and whether each runs on every pull request.
    let jobs: Vec<_> = repo
        .workflows()
        .iter()
        .filter_map(|p| p.result.as_ref().ok().map(|wf| workflow_jobs(&p.path, wf)))
        .flatten()
        .collect();
    RemoteFacts::Gathered(remote_checks(client, &name, &jobs))
}
