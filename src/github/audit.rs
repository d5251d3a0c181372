//! The remote checks of the A-to-Z checklist, section 9, for the audit engine to call:
//! `vcs.remote` from the `origin` URL alone, and `repo.branch-protection`,
//! `repo.required-checks`, `repo.secret-scanning` from a few GET requests.
//!
//! No access is never a failure: without a token, without rights to read a setting, or when
//! GitHub cannot be reached, the result is `unknown` with the reason. Only a setting that was
//! read and found wanting is `fail`. Nothing here writes to GitHub or to the terminal.
//!
//! ```no_run
//! use new_service::github::{self, Client, RepoName};
//! let client = Client::from_env();
//! let repo: RepoName = "acme/billing-api".parse().unwrap();
//! let jobs = github::workflows::read_jobs(std::path::Path::new(".")).unwrap_or_default();
//! for r in github::audit::remote_checks(client.as_ref(), &repo, &jobs) {
//!     println!("{} {:?} {}", r.id, r.status, r.message);
//! }
//! ```

use serde_json::Value;

use super::client::{ApiError, Client, ClientError, Op, seg};
use super::policy::Protection;
use super::remote::{Remote, RepoName};
use super::workflows::{
    PullRequestRun, WorkflowJob, all_check_names, default_required_checks, for_base_branch,
    misplaced_check, names_a_job,
};

/// Check ids, as in the checklist.
pub const VCS_REMOTE: &str = "vcs.remote";
pub const BRANCH_PROTECTION: &str = "repo.branch-protection";
pub const REQUIRED_CHECKS: &str = "repo.required-checks";
pub const SECRET_SCANNING: &str = "repo.secret-scanning";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemoteStatus {
    Pass,
    Fail,
    /// Could not be decided (no token, no access, GitHub unreachable); the message says why.
    Unknown,
}

/// One result: the check id, its status, and a lower-case message that says what was found and,
/// for a failure, what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteCheck {
    pub id: &'static str,
    pub status: RemoteStatus,
    pub message: String,
}

impl RemoteCheck {
    fn new(id: &'static str, status: RemoteStatus, message: impl Into<String>) -> Self {
        RemoteCheck {
            id,
            status,
            message: message.into(),
        }
    }
}

/// `vcs.remote`: passes when `origin_url` (from [`super::remote::origin_url`]) points at a
/// hosting service; fails when there is no `origin`, or it is a local path.
pub fn vcs_remote(origin_url: Option<&str>) -> RemoteCheck {
    match origin_url {
        None => RemoteCheck::new(
            VCS_REMOTE,
            RemoteStatus::Fail,
            "no `origin` remote: the code lives on this machine only; push it to a hosting service (`new-service init --github OWNER/REPO` creates one on GitHub)",
        ),
        Some(url) => match Remote::from_url(url) {
            Some(remote) => RemoteCheck::new(
                VCS_REMOTE,
                RemoteStatus::Pass,
                format!(
                    "`origin` points at {}/{}",
                    remote.host,
                    remote.path.join("/")
                ),
            ),
            None => RemoteCheck::new(
                VCS_REMOTE,
                RemoteStatus::Fail,
                "`origin` is a local path, not a hosting service; push the repository to one and make it `origin`",
            ),
        },
    }
}

/// `repo.branch-protection`, `repo.required-checks` and `repo.secret-scanning` for `repo`, in
/// that order.
///
/// - `client`: a client, or the error that explains why there is none (typically
///   [`ClientError::NoToken`] from [`Client::from_env`]); every result is then `unknown`.
/// - `jobs`: the jobs of the repository's workflows ([`super::workflows::read_jobs`], or
///   [`super::workflows::workflow_jobs`] of parsed ones): the check names they produce, and
///   whether each runs on every pull request.
///
/// Requests: `GET /repos/O/R`, `GET …/rules/branches/B` and `GET …/branches/B` (read access
/// suffices), and `GET …/branches/B/protection` only when the token has admin rights.
pub fn remote_checks(
    client: Result<&Client, &ClientError>,
    repo: &RepoName,
    jobs: &[WorkflowJob],
) -> Vec<RemoteCheck> {
    let all_unknown = |reason: String| {
        [BRANCH_PROTECTION, REQUIRED_CHECKS, SECRET_SCANNING]
            .into_iter()
            .map(|id| RemoteCheck::new(id, RemoteStatus::Unknown, reason.clone()))
            .collect()
    };
    let client = match client {
        Ok(c) => c,
        Err(e) => return all_unknown(format!("not checked: {e}")),
    };
    let repo_json = match client.send(&Op::get(
        repo.api_path(),
        format!("read {repo}"),
        "Metadata: read",
    )) {
        Ok(v) => v,
        Err(e) => return all_unknown(format!("not checked: {e}")),
    };
    let branch = repo_json
        .get("default_branch")
        .and_then(Value::as_str)
        .unwrap_or("main")
        .to_string();
    let admin = repo_json
        .pointer("/permissions/admin")
        .and_then(Value::as_bool)
        == Some(true);

    // Rules from every ruleset that applies to the branch: readable with read access.
    let rules: Result<Protection, ApiError> = client
        .send(&Op::get(
            format!("{}/rules/branches/{}", repo.api_path(), seg(&branch)),
            format!("read the rules of {branch} in {repo}"),
            "Metadata: read",
        ))
        .map(|v| Protection::from_rules(v.as_array().map(Vec::as_slice).unwrap_or_default()));
    // Classic protection in full needs admin rights; the branch's own view shows its checks.
    let classic: Result<Option<Protection>, String> = if admin {
        let op = Op::get(
            format!("{}/branches/{}/protection", repo.api_path(), seg(&branch)),
            format!("read the protection of {branch} in {repo}"),
            "Administration: read",
        );
        match client.send_raw(&op) {
            Ok(r) if r.ok() => Ok(Some(Protection::from_classic(&r.body))),
            Ok(r) if r.status == 404 => Ok(None),
            Ok(r) => Err(op.error(&r).to_string()),
            Err(e) => Err(e.to_string()),
        }
    } else {
        Err("the token has no admin rights on the repository, needed to read classic branch protection".into())
    };
    let branch_view: Result<Protection, String> = client
        .send(&Op::get(
            format!("{}/branches/{}", repo.api_path(), seg(&branch)),
            format!("read the branch {branch} of {repo}"),
            "Metadata: read",
        ))
        .map(|v| {
            v.get("protection")
                .map(Protection::from_classic)
                .unwrap_or_default()
        })
        .map_err(|e| e.to_string());

    vec![
        branch_protection(repo, &branch, &rules, &classic),
        required_checks(repo, &branch, &rules, &classic, &branch_view, jobs),
        secret_scanning(repo, &repo_json),
    ]
}

fn branch_protection(
    repo: &RepoName,
    branch: &str,
    rules: &Result<Protection, ApiError>,
    classic: &Result<Option<Protection>, String>,
) -> RemoteCheck {
    let from_rules = rules.as_ref().ok().cloned().unwrap_or_default();
    let from_classic = classic.as_ref().ok().cloned().flatten().unwrap_or_default();
    let effective = from_rules.merge(&from_classic);
    let missing = effective.missing_for_audit();
    if missing.is_empty() {
        let by = match (
            from_rules.pull_request || from_rules.block_force_push,
            classic,
        ) {
            (true, Ok(Some(_))) => "rulesets and classic branch protection",
            (true, _) => "a ruleset",
            (false, _) => "classic branch protection",
        };
        return RemoteCheck::new(
            BRANCH_PROTECTION,
            RemoteStatus::Pass,
            format!(
                "{branch} in {repo} requires a pull request with {} approval(s) and blocks force pushes ({by})",
                effective.approvals
            ),
        );
    }
    // Something is missing; only say `fail` when everything could be read.
    let unreadable: Vec<String> = [
        rules.as_ref().err().map(ToString::to_string),
        classic.as_ref().err().cloned(),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !unreadable.is_empty() {
        return RemoteCheck::new(
            BRANCH_PROTECTION,
            RemoteStatus::Unknown,
            format!(
                "the rules visible for {branch} in {repo} do not require reviews and block force pushes, and the rest could not be read: {}",
                unreadable.join("; ")
            ),
        );
    }
    RemoteCheck::new(
        BRANCH_PROTECTION,
        RemoteStatus::Fail,
        format!(
            "{branch} in {repo}: {}; run `new-service github protect {repo}`",
            missing.join(", ")
        ),
    )
}

fn required_checks(
    repo: &RepoName,
    branch: &str,
    rules: &Result<Protection, ApiError>,
    classic: &Result<Option<Protection>, String>,
    branch_view: &Result<Protection, String>,
    jobs: &[WorkflowJob],
) -> RemoteCheck {
    // As they run on pull requests into this branch.
    let jobs = &for_base_branch(jobs, branch);
    let job_names = &all_check_names(jobs);
    let mut required = rules.as_ref().map(|p| p.checks.clone()).unwrap_or_default();
    if let Ok(Some(c)) = classic {
        required.extend(c.checks.iter().cloned());
    }
    if let Ok(view) = branch_view {
        required.extend(view.checks.iter().cloned());
    }
    // Classic checks are visible through the admin view or the branch view; rules only here.
    let complete = rules.is_ok() && (classic.is_ok() || branch_view.is_ok());
    let listed = if job_names.is_empty() {
        "none".to_string()
    } else {
        job_names.join(", ")
    };
    let misspelt: Vec<&String> = required
        .iter()
        .filter(|c| !names_a_job(c, job_names))
        .collect();
    if !misspelt.is_empty() {
        let names: Vec<String> = misspelt.iter().map(|c| format!("`{c}`")).collect();
        return RemoteCheck::new(
            REQUIRED_CHECKS,
            RemoteStatus::Fail,
            format!(
                "required check {} on {branch} in {repo} names no job in the workflows (jobs: {listed}); no job will ever report it, so every merge is blocked: fix the name with `new-service github protect {repo}`",
                names.join(", ")
            ),
        );
    }
    // A check of a job that does not run on every pull request: it waits forever (its
    // workflow did not run) or protects nothing (a skipped job counts as passing).
    let misplaced: Vec<String> = required
        .iter()
        .filter_map(|c| misplaced_check(c, jobs).map(|j| (c, j)))
        .map(|(c, j)| {
            let why = j.pull_request.reason().unwrap_or_default();
            let effect = match j.pull_request {
                PullRequestRun::Filtered(_) => {
                    "a pull request it does not run for waits for the check forever"
                }
                PullRequestRun::NotTriggered(_) => {
                    "the check never reports, so every merge is blocked"
                }
                _ => "a skipped check counts as passing, so it protects nothing",
            };
            format!("`{c}` is job `{}` of {}: {why}; {effect}", j.id, j.file)
        })
        .collect();
    if !misplaced.is_empty() {
        let wanted = default_required_checks(jobs);
        let instead = if wanted.is_empty() {
            "require jobs that run on every pull request (no workflow-level `paths` filter; a gate job with `if: always()` that needs the others)".to_string()
        } else {
            format!(
                "require the checks that run on every pull request ({}) with `new-service github protect {repo}`",
                wanted.join(", ")
            )
        };
        return RemoteCheck::new(
            REQUIRED_CHECKS,
            RemoteStatus::Fail,
            format!(
                "a required check of {branch} in {repo} does not run on every pull request: {}; {instead}",
                misplaced.join("; ")
            ),
        );
    }
    if !complete {
        let reasons: Vec<String> = [
            rules.as_ref().err().map(ToString::to_string),
            branch_view.as_ref().err().cloned(),
        ]
        .into_iter()
        .flatten()
        .collect();
        return RemoteCheck::new(
            REQUIRED_CHECKS,
            RemoteStatus::Unknown,
            format!(
                "the required checks of {branch} in {repo} could not all be read: {}",
                reasons.join("; ")
            ),
        );
    }
    if required.is_empty() {
        return RemoteCheck::new(
            REQUIRED_CHECKS,
            RemoteStatus::Fail,
            format!(
                "{branch} in {repo} requires no status checks, so a pull request can merge with CI red; require the CI jobs that run on every pull request ({}) with `new-service github protect {repo}`",
                {
                    let wanted = default_required_checks(jobs);
                    if wanted.is_empty() {
                        listed
                    } else {
                        wanted.join(", ")
                    }
                }
            ),
        );
    }
    RemoteCheck::new(
        REQUIRED_CHECKS,
        RemoteStatus::Pass,
        format!(
            "{branch} in {repo} requires {}, each a job of the workflows",
            required.iter().cloned().collect::<Vec<_>>().join(", ")
        ),
    )
}

fn secret_scanning(repo: &RepoName, repo_json: &Value) -> RemoteCheck {
    let Some(settings) = repo_json
        .get("security_and_analysis")
        .filter(|s| s.is_object())
    else {
        return RemoteCheck::new(
            SECRET_SCANNING,
            RemoteStatus::Unknown,
            format!(
                "GitHub did not show the security settings of {repo}: reading them needs admin rights on the repository"
            ),
        );
    };
    let on = |key: &str| {
        settings
            .pointer(&format!("/{key}/status"))
            .and_then(Value::as_str)
            == Some("enabled")
    };
    let mut off = Vec::new();
    if !on("secret_scanning") {
        off.push("secret scanning");
    }
    if !on("secret_scanning_push_protection") {
        off.push("push protection");
    }
    if off.is_empty() {
        RemoteCheck::new(
            SECRET_SCANNING,
            RemoteStatus::Pass,
            format!("secret scanning and push protection are enabled on {repo}"),
        )
    } else {
        RemoteCheck::new(
            SECRET_SCANNING,
            RemoteStatus::Fail,
            format!(
                "{} disabled on {repo}; enable them in Settings → Code security, or run `new-service github protect {repo}`",
                off.join(" and ") + if off.len() > 1 { " are" } else { " is" }
            ),
        )
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn vcs_remote_passes_for_a_hosted_origin_and_fails_otherwise() {
        assert_eq!(
            vcs_remote(Some("git@github.com:acme/api.git")).status,
            RemoteStatus::Pass
        );
        assert_eq!(
            vcs_remote(Some("/srv/git/api.git")).status,
            RemoteStatus::Fail
        );
        assert_eq!(vcs_remote(None).status, RemoteStatus::Fail);
    }

    #[test]
    fn without_a_client_every_remote_check_is_unknown_with_the_reason() {
        let err = ClientError::NoToken(super::super::token::NoToken { gh_note: None });
        let repo: RepoName = "acme/api".parse().unwrap();
        let results = remote_checks(Err(&err), &repo, &[]);
        assert_eq!(results.len(), 3);
        for r in results {
            assert_eq!(r.status, RemoteStatus::Unknown);
            assert!(r.message.contains("no GitHub token"), "{}", r.message);
        }
    }
}
