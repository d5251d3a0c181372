//! `new-service github protect`: read the repository's current protection and security
//! settings, write only what differs from the [`Policy`], and report what happened.
//!
//! Idempotent by construction: every write is preceded by a read, and nothing is sent when the
//! read already satisfies the policy. A dry run does the reads and returns the writes it would
//! send, with their bodies, instead of sending them.

use std::path::{Path, PathBuf};

use http::Method;
use serde_json::{Value, json};

use super::client::{ApiError, Client, Op, seg};
use super::policy::{Mode, Policy, Protection, RULESET_NAME};
use super::remote::{Remote, RepoName, origin_url};
use super::workflows::{self, WorkflowError};

/// What `protect` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct ProtectOptions {
    /// The branch to protect [default: the repository's default branch].
    pub branch: Option<String>,
    pub mode: Mode,
    /// Required check names; `None` reads them from the workflows in `workflows_root`.
    pub checks: Option<Vec<String>>,
    /// The local checkout whose `.github/workflows` name the checks.
    pub workflows_root: PathBuf,
    pub dry_run: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ProtectError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Workflows(#[from] WorkflowError),
    #[error(
        "{dir} is a checkout of {found}, not {wanted}: its workflows would name the wrong checks; run in a checkout of {wanted}, or pass --checks"
    )]
    WrongCheckout {
        dir: String,
        found: String,
        wanted: String,
    },
    #[error(
        "required check `{check}` would block merges: it is job `{job}` of {file}, and {why}, so on a pull request it does not run for, the check waits forever; {fix}"
    )]
    BlockingCheck {
        check: String,
        job: String,
        file: String,
        why: String,
        fix: String,
    },
    #[error("cannot {action}: GitHub's answer has no {field}")]
    Missing {
        action: &'static str,
        field: &'static str,
    },
}

/// A write `protect` sends, or in a dry run would send.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedRequest {
    pub method: String,
    pub path: String,
    /// `Null` when the request has no body.
    pub body: Value,
}

/// What happened to the branch protection.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Created {
        what: String,
    },
    Updated {
        what: String,
        changes: Vec<String>,
    },
    UpToDate {
        what: String,
    },
    WouldCreate {
        what: String,
        request: PlannedRequest,
    },
    WouldUpdate {
        what: String,
        changes: Vec<String>,
        request: PlannedRequest,
    },
}

/// Where the required checks came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChecksFrom {
    /// `--checks`.
    Given,
    /// The PR-triggered jobs of the workflows in this folder.
    Workflows { dir: String },
}

/// A repository security feature `protect` turns on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feature {
    SecretScanning,
    PushProtection,
    DependabotSecurityUpdates,
}

impl std::fmt::Display for Feature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Feature::SecretScanning => "secret scanning",
            Feature::PushProtection => "push protection",
            Feature::DependabotSecurityUpdates => "Dependabot security updates",
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum FeatureState {
    AlreadyOn,
    Enabled,
    WouldEnable(Vec<PlannedRequest>),
    /// GitHub refused (plan, permission): reported, not fatal.
    Refused(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct SecurityOutcome {
    pub feature: Feature,
    pub state: FeatureState,
}

/// The result of `protect`.
#[derive(Debug, Clone, PartialEq)]
pub struct ProtectReport {
    pub repo: RepoName,
    pub branch: String,
    pub mode: Mode,
    pub policy: Policy,
    pub checks_from: ChecksFrom,
    pub protection: Change,
    pub security: Vec<SecurityOutcome>,
    /// Things the user should know (a check that names no job, no PR workflow).
    pub warnings: Vec<String>,
    pub dry_run: bool,
}

impl ProtectReport {
    /// Whether anything was (or in a dry run, would be) written.
    pub fn changed_anything(&self) -> bool {
        !matches!(self.protection, Change::UpToDate { .. })
            || self.security.iter().any(|s| {
                matches!(
                    s.state,
                    FeatureState::Enabled | FeatureState::WouldEnable(_)
                )
            })
    }
}

/// Applies the policy to `repo`. See the module documentation.
pub fn protect(
    client: &Client,
    repo: &RepoName,
    opts: &ProtectOptions,
) -> Result<ProtectReport, ProtectError> {
    let repo_json = client.send(&Op::get(
        repo.api_path(),
        format!("read {repo}"),
        "Metadata: read",
    ))?;
    let default_branch = repo_json
        .get("default_branch")
        .and_then(Value::as_str)
        .ok_or(ProtectError::Missing {
            action: "read the repository",
            field: "default_branch",
        })?
        .to_string();
    let branch = opts
        .branch
        .clone()
        .unwrap_or_else(|| default_branch.clone());
    // Which checks run on pull requests depends on their base branch: read them for this one.
    let (checks, checks_from, mut warnings) = required_checks(repo, opts, &branch)?;
    let policy = Policy { branch, checks };
    if policy.checks.is_empty() {
        warnings.push(
            "no required status checks: pull requests will merge without CI passing; pass --checks or add a workflow that runs on pull_request".into(),
        );
    }
    let protection = match opts.mode {
        Mode::Ruleset => apply_ruleset(client, repo, &policy, &default_branch, opts.dry_run)?,
        Mode::Classic => apply_classic(client, repo, &policy, opts.dry_run)?,
    };
    let security = enable_security(client, repo, &repo_json, opts.dry_run)?;
    Ok(ProtectReport {
        repo: repo.clone(),
        branch: policy.branch.clone(),
        mode: opts.mode,
        policy,
        checks_from,
        protection,
        security,
        warnings,
        dry_run: opts.dry_run,
    })
}

fn required_checks(
    repo: &RepoName,
    opts: &ProtectOptions,
    branch: &str,
) -> Result<(Vec<String>, ChecksFrom, Vec<String>), ProtectError> {
    let root = &opts.workflows_root;
    let dir = display_dir(root);
    let mut warnings = Vec::new();
    if let Some(given) = &opts.checks {
        let mut checks: Vec<String> = given
            .iter()
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect();
        checks.dedup();
        // Best effort: a check no local workflow produces is probably misspelt (or reported by
        // an app); one that does not run on every pull request is refused or explained.
        if let Ok(jobs) = workflows::read_jobs(root)
            && !jobs.is_empty()
        {
            let jobs = workflows::for_base_branch(&jobs, branch);
            let known = workflows::all_check_names(&jobs);
            for c in checks.iter().filter(|c| !workflows::names_a_job(c, &known)) {
                warnings.push(format!(
                    "required check `{c}` names no job in {dir}/{} (jobs: {}); it would block every merge until a job reports it",
                    workflows::WORKFLOWS_DIR,
                    known.join(", ")
                ));
            }
            let suggested = workflows::default_required_checks(&jobs);
            // Only this repository's own workflows may refuse a name: a checkout of another
            // one says nothing about how its checks run.
            let other_checkout = checkout_of(root).is_some_and(|found| !same_repo(&found, repo));
            for c in checks.iter().filter(|_| !other_checkout) {
                let Some(job) = workflows::misplaced_check(c, &jobs) else {
                    continue;
                };
                let why = job.pull_request.reason().unwrap_or_default().to_string();
                if job.pull_request.blocks_merges() {
                    let fix = if matches!(job.pull_request, workflows::PullRequestRun::Filtered(_))
                    {
                        "drop the workflow-level filter and decide inside the workflow which jobs run (a job that runs a path filter, and a gate job with `if: always()` that needs the others), then require the gate"
                    } else {
                        "require a job of a workflow that runs on pull_request"
                    };
                    return Err(ProtectError::BlockingCheck {
                        check: c.clone(),
                        job: job.id.clone(),
                        file: job.file.clone(),
                        why,
                        fix: if suggested.is_empty() {
                            fix.to_string()
                        } else {
                            format!(
                                "{fix} (the checks that run on every pull request: {})",
                                suggested.join(", ")
                            )
                        },
                    });
                }
                warnings.push(format!(
                    "required check `{c}` (job `{}` of {}) protects nothing: {why}, and a skipped check counts as passing",
                    job.id, job.file
                ));
            }
        }
        return Ok((checks, ChecksFrom::Given, warnings));
    }
    if let Some(found) = checkout_of(root)
        && !same_repo(&found, repo)
    {
        return Err(ProtectError::WrongCheckout {
            dir,
            found: found.to_string(),
            wanted: repo.to_string(),
        });
    }
    let jobs = workflows::for_base_branch(&workflows::read_jobs(root)?, branch);
    let checks = workflows::default_required_checks(&jobs);
    if jobs.is_empty() {
        warnings.push(format!(
            "{dir}/{} has no workflows to take check names from",
            workflows::WORKFLOWS_DIR
        ));
    } else if checks.is_empty() {
        warnings.push(format!(
            "no job in {dir}/{} runs on every pull request under a fixed name",
            workflows::WORKFLOWS_DIR
        ));
    }
    // A workflow filtered by paths has jobs that look like CI but cannot be required.
    let mut filtered: Vec<(&str, &str)> = jobs
        .iter()
        .filter(|j| matches!(j.pull_request, workflows::PullRequestRun::Filtered(_)))
        .map(|j| (j.file.as_str(), j.pull_request.reason().unwrap_or_default()))
        .collect();
    filtered.dedup();
    for (file, why) in filtered {
        warnings.push(format!(
            "the jobs of {file} are not required: {why}, and a required check of a pull request it does not run for would wait forever; decide inside the workflow which jobs run (a path filter job and a gate job with `if: always()`)"
        ));
    }
    Ok((checks, ChecksFrom::Workflows { dir }, warnings))
}

/// The GitHub repository the checkout at `root` comes from (its `origin`), if any.
fn checkout_of(root: &Path) -> Option<RepoName> {
    origin_url(root)
        .as_deref()
        .and_then(Remote::from_url)
        .and_then(|r| r.github_repo())
}

fn same_repo(a: &RepoName, b: &RepoName) -> bool {
    a.owner.eq_ignore_ascii_case(&b.owner) && a.name.eq_ignore_ascii_case(&b.name)
}

fn display_dir(root: &Path) -> String {
    if root.as_os_str().is_empty() || root == Path::new(".") {
        ".".into()
    } else {
        root.display().to_string()
    }
}

fn apply_ruleset(
    client: &Client,
    repo: &RepoName,
    policy: &Policy,
    default_branch: &str,
    dry_run: bool,
) -> Result<Change, ProtectError> {
    let base = format!("{}/rulesets", repo.api_path());
    let list = client.send(&Op::get(
        format!("{base}?includes_parents=false&per_page=100"),
        format!("list the rulesets of {repo}"),
        "Administration: read",
    ))?;
    let existing = list.as_array().and_then(|items| {
        items.iter().find(|r| {
            r.get("name").and_then(Value::as_str) == Some(RULESET_NAME)
                && r.get("source_type").and_then(Value::as_str) != Some("Organization")
        })
    });
    let Some(summary) = existing else {
        let body = policy.ruleset_body(None);
        let what = format!("ruleset `{RULESET_NAME}`");
        if dry_run {
            return Ok(Change::WouldCreate {
                what,
                request: planned(Method::POST, &base, &body),
            });
        }
        let created = client.send(&Op::write(
            Method::POST,
            base.clone(),
            Some(&body),
            format!("create the ruleset `{RULESET_NAME}` on {repo}"),
            "Administration: read and write",
        ))?;
        let id = created
            .get("id")
            .and_then(Value::as_u64)
            .unwrap_or_default();
        return Ok(Change::Created {
            what: format!("ruleset `{RULESET_NAME}` (id {id})"),
        });
    };
    let id = summary
        .get("id")
        .and_then(Value::as_u64)
        .ok_or(ProtectError::Missing {
            action: "list the rulesets",
            field: "id",
        })?;
    let path = format!("{base}/{id}");
    let current = client.send(&Op::get(
        path.clone(),
        format!("read the ruleset `{RULESET_NAME}` of {repo}"),
        "Administration: read",
    ))?;
    let what = format!("ruleset `{RULESET_NAME}` (id {id})");
    let changes = policy.ruleset_differences(&current, default_branch);
    if changes.is_empty() {
        return Ok(Change::UpToDate { what });
    }
    let body = policy.ruleset_body(Some(&current));
    if dry_run {
        return Ok(Change::WouldUpdate {
            what,
            changes,
            request: planned(Method::PUT, &path, &body),
        });
    }
    client.send(&Op::write(
        Method::PUT,
        path,
        Some(&body),
        format!("update the ruleset `{RULESET_NAME}` of {repo}"),
        "Administration: read and write",
    ))?;
    Ok(Change::Updated { what, changes })
}

fn apply_classic(
    client: &Client,
    repo: &RepoName,
    policy: &Policy,
    dry_run: bool,
) -> Result<Change, ProtectError> {
    let path = format!(
        "{}/branches/{}/protection",
        repo.api_path(),
        seg(&policy.branch)
    );
    let read = Op::get(
        path.clone(),
        format!("read the protection of {} on {repo}", policy.branch),
        "Administration: read",
    );
    let reply = client.send_raw(&read)?;
    let what = format!("classic protection of {}", policy.branch);
    let current = match reply.status {
        200..=299 => Some(reply.body),
        // "Branch not protected"; a missing branch is reported by the PUT below.
        404 => None,
        _ => return Err(read.error(&reply).into()),
    };
    let changes = policy.differences(
        &current
            .as_ref()
            .map(Protection::from_classic)
            .unwrap_or_default(),
    );
    if current.is_some() && changes.is_empty() {
        return Ok(Change::UpToDate { what });
    }
    let body = policy.classic_body(current.as_ref());
    if dry_run {
        let request = planned(Method::PUT, &path, &body);
        return Ok(if current.is_some() {
            Change::WouldUpdate {
                what,
                changes,
                request,
            }
        } else {
            Change::WouldCreate { what, request }
        });
    }
    client.send(&Op::write(
        Method::PUT,
        path,
        Some(&body),
        format!("protect {} on {repo}", policy.branch),
        "Administration: read and write",
    ))?;
    Ok(if current.is_some() {
        Change::Updated { what, changes }
    } else {
        Change::Created { what }
    })
}

fn planned(method: Method, path: &str, body: &Value) -> PlannedRequest {
    PlannedRequest {
        method: method.to_string(),
        path: path.to_string(),
        body: body.clone(),
    }
}

/// Whether a refusal may be reported and the run go on: plan and permission answers are, a bad
/// token, a rate limit or a network failure are not.
fn refusal(e: ApiError) -> Result<String, ApiError> {
    match e.status() {
        Some(403 | 404 | 422) => Ok(e.to_string()),
        _ => Err(e),
    }
}

fn enable_security(
    client: &Client,
    repo: &RepoName,
    repo_json: &Value,
    dry_run: bool,
) -> Result<Vec<SecurityOutcome>, ProtectError> {
    let status = |key: &str| {
        repo_json
            .pointer(&format!("/security_and_analysis/{key}/status"))
            .and_then(Value::as_str)
            == Some("enabled")
    };
    let mut out = Vec::new();
    let mut scanning_refused = false;
    for (feature, key) in [
        (Feature::SecretScanning, "secret_scanning"),
        (Feature::PushProtection, "secret_scanning_push_protection"),
    ] {
        let state = if status(key) {
            FeatureState::AlreadyOn
        } else if scanning_refused {
            FeatureState::Refused("needs secret scanning, which GitHub refused above".into())
        } else {
            let body = json!({"security_and_analysis": {key: {"status": "enabled"}}});
            if dry_run {
                FeatureState::WouldEnable(vec![planned(Method::PATCH, &repo.api_path(), &body)])
            } else {
                match client.send(&Op::write(
                    Method::PATCH,
                    repo.api_path(),
                    Some(&body),
                    format!("enable {feature} on {repo}"),
                    "Administration: read and write",
                )) {
                    Ok(_) => FeatureState::Enabled,
                    Err(e) => {
                        let reason = refusal(e)?;
                        scanning_refused |= feature == Feature::SecretScanning;
                        FeatureState::Refused(reason)
                    }
                }
            }
        };
        out.push(SecurityOutcome { feature, state });
    }

    let feature = Feature::DependabotSecurityUpdates;
    let state = if status("dependabot_security_updates") {
        FeatureState::AlreadyOn
    } else {
        // Security updates need Dependabot alerts on first.
        let alerts = format!("{}/vulnerability-alerts", repo.api_path());
        let fixes = format!("{}/automated-security-fixes", repo.api_path());
        let check = Op::get(
            alerts.clone(),
            format!("read whether Dependabot alerts are on for {repo}"),
            "Administration: read",
        );
        let alerts_on = match client.send_raw(&check) {
            Ok(reply) => reply.ok(),
            Err(e) => {
                refusal(e)?;
                false
            }
        };
        let mut requests = Vec::new();
        if !alerts_on {
            requests.push((
                planned(Method::PUT, &alerts, &Value::Null),
                "Dependabot alerts",
            ));
        }
        requests.push((
            planned(Method::PUT, &fixes, &Value::Null),
            "Dependabot security updates",
        ));
        if dry_run {
            FeatureState::WouldEnable(requests.into_iter().map(|(r, _)| r).collect())
        } else {
            let mut state = FeatureState::Enabled;
            for (request, name) in requests {
                let op = Op::write(
                    Method::PUT,
                    request.path,
                    None,
                    format!("enable {name} on {repo}"),
                    "Administration: read and write",
                );
                if let Err(e) = client.send(&op) {
                    state = FeatureState::Refused(refusal(e)?);
                    break;
                }
            }
            state
        }
    };
    out.push(SecurityOutcome { feature, state });
    Ok(out)
}
