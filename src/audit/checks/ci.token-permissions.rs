//! `ci.token-permissions`.

use crate::rx::{AnyWord, re};
use std::sync::{LazyLock, OnceLock};

use regex::Regex;
use serde_json::Value;

use crate::audit::ci::{self, Ci, Flow, JobView, tasks};
use crate::audit::{Context, Outcome};
use crate::repo::Repo;
use crate::repo::workflow;

crate::declare_check! {
    /// Passes when every workflow declares the `GITHUB_TOKEN`'s `permissions:` (at the top,
    /// or on every job) and grants no write scope that its jobs do not use. A write scope is
    /// used when a job it applies to (every job without its own `permissions:` for a top-level
    /// grant) does what needs it:
    /// - `contents`: `git push`/`git tag`, releases (`gh release`, action-gh-release,
    ///   release-please, semantic-release, changesets, goreleaser), commit or pull request
    ///   actions, GitHub Pages branches;
    /// - `packages`: GitHub Packages (`ghcr.io`, `npm.pkg.github.com`, …);
    /// - `id-token`: OIDC (configure-aws-credentials, google-github-actions/auth, azure/login,
    ///   PyPI/npm trusted publishing, sigstore/cosign, attestations, deploy-pages, Vault);
    /// - `pull-requests`, `issues`, `checks`, `statuses`, `deployments`, `pages`, `actions`,
    ///   `security-events` (CodeQL, SARIF uploads), `attestations`: the actions and `gh`
    ///   commands that write them;
    /// - any scope: `actions/github-script`, `gh api`, calls to api.github.com, a third-party
    ///   action handed the token, a third-party action the audit cannot see into (other than
    ///   set-up, cache and upload actions), or a reusable workflow of another repository.
    ///
    /// `write-all` always fails. Reusable workflows (`on: workflow_call` only) need not declare
    /// permissions: their callers' apply. Skips when there are no workflows.
    ///
    /// ## Why
    /// Without `permissions:` the token gets the repository default, which on older and many
    /// organisation repositories is read-write on everything; a compromised step or action
    /// then can push code, tag releases or approve pull requests.
    ///
    /// ## How to fix
    /// Add `permissions: contents: read` at the top of each workflow and grant writes only on
    /// the job that needs them, e.g. `permissions: contents: write` on the release job,
    /// `id-token: write` on the deploy job that uses OIDC.
    CiTokenPermissions, "ci.token-permissions", check
}

/// What shows that a job uses a write scope: (scope, pattern over the commands and inputs
/// the job runs, words in the names of the actions it uses).
const SCOPES: &[(&str, &str, AnyWord)] = &[
    (
        "contents",
        r"(?i)\bgit\s+(push|tag)\b|\bgh\s+(release|pr\s+merge|repo)\b|\bgit\s+commit\b|\bmike\s+deploy|lerna\s+(version|publish)|\bnpm\s+version|cargo\s+release|release-it|semantic-release|goreleaser|changeset\s+(version|publish)|--push\b",
        AnyWord(&[
            "release",
            "changesets",
            "goreleaser",
            "create-pull-request",
            "auto-commit",
            "add-and-commit",
            "gh-pages",
            "\\btag",
            "-tag",
            "github-push",
            "commit",
            "merge",
            "bump",
            "changelog",
            "pages-deploy",
            "fetch-metadata",
        ]),
    ),
    (
        "packages",
        r"(?i)ghcr\.io|docker\.pkg\.github\.com|(npm|maven|nuget|rubygems)\.pkg\.github\.com|goreleaser",
        AnyWord(&["package", "container-retention", "goreleaser"]),
    ),
    (
        "id-token",
        r"(?i)ACTIONS_ID_TOKEN_REQUEST|getIDToken|\bnpm\s+publish|\buv\s+publish|\bpdm\s+publish|--provenance|cosign|use_oidc|workload_identity_provider|role-to-assume|audience",
        AnyWord(&[
            "configure-aws-credentials",
            "google-github-actions/auth",
            "azure/login",
            "pypi-publish",
            "sigstore",
            "attest",
            "cosign",
            "vault",
            "auth-action",
            "octo-sts",
            "slsa",
            "deploy-pages",
            "rubygems",
            "jfrog",
            "chainctl",
            "tailscale",
            "codecov",
            "oidc",
        ]),
    ),
    (
        "pull-requests",
        r"(?i)\bgh\s+pr\b|reviewdog|\bdanger\b",
        AnyWord(&[
            "comment",
            "label",
            "pull-request",
            "review",
            "approve",
            "merge",
            "assign",
            "reviewdog",
            "danger",
            "release-please",
            "changesets",
            "coverage",
            "fetch-metadata",
            "dependency-review",
            "semantic-pull-request",
            "size",
            "preview",
            "vercel",
            "netlify",
            "chromatic",
            "pr-",
        ]),
    ),
    (
        "issues",
        r"(?i)\bgh\s+issue\b",
        AnyWord(&[
            "issue",
            "label",
            "stale",
            "lock",
            "triage",
            "first-interaction",
            "release-please",
            "comment",
            "changesets",
        ]),
    ),
    (
        "checks",
        r"(?i)reviewdog",
        AnyWord(&[
            "report",
            "junit",
            "test-result",
            "check-",
            "-check",
            "checks",
            "reviewdog",
            "golangci-lint",
            "lint-action",
            "clippy",
            "surefire",
            "coverage",
            "unit-test",
        ]),
    ),
    (
        "statuses",
        r"(?i)/statuses",
        AnyWord(&[
            "status",
            "vercel",
            "netlify",
            "deploy",
            "chromatic",
            "percy",
        ]),
    ),
    (
        "deployments",
        r"(?i)/deployments",
        AnyWord(&["deploy", "vercel", "netlify"]),
    ),
    ("pages", r"(?i)\bgh\s+api\b.*pages", AnyWord(&["pages"])),
    (
        "actions",
        r"(?i)\bgh\s+(workflow|run|cache)\b",
        AnyWord(&[
            "dispatch",
            "cancel",
            "workflow-runs",
            "delete-workflow",
            "cache-cleanup",
            "purge-cache",
            // actions/stale (v9+) deletes the cache that holds its state between runs.
            "stale",
        ]),
    ),
    (
        "security-events",
        r"(?i)sarif|codeql|trivy|semgrep|snyk|grype|zizmor|scorecard",
        AnyWord(&[
            "codeql",
            "sarif",
            "scorecard",
            "trivy",
            "zizmor",
            "semgrep",
            "snyk",
            "anchore",
            "grype",
            "kics",
            "checkov",
            "tfsec",
            "security",
            "ossf",
            "devskim",
            "mobsf",
            "osv-scanner",
            "hadolint",
            "dependency-check",
            "bandit",
            "gosec",
        ]),
    ),
    ("attestations", r"(?i)attest", AnyWord(&["attest"])),
    ("discussions", r"(?i)discussion", AnyWord(&["discussion"])),
    ("repository-projects", r"(?i)project", AnyWord(&["project"])),
];

/// [`SCOPES`]' command patterns, compiled when a workflow first grants the scope
/// (case-insensitive alternations take most of a millisecond each to compile).
static SCOPE_PATTERNS: LazyLock<Vec<OnceLock<Regex>>> =
    LazyLock::new(|| SCOPES.iter().map(|_| OnceLock::new()).collect());

fn scope_patterns(scope: &str) -> Option<(&'static Regex, AnyWord)> {
    let i = SCOPES.iter().position(|(s, _, _)| *s == scope)?;
    Some((
        SCOPE_PATTERNS[i].get_or_init(|| re(SCOPES[i].1)),
        SCOPES[i].2,
    ))
}

static GENERIC_API: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)actions/github-script|\bgh\s+api\b|api\.github\.com|octokit|graphql")
});

/// Everything a job runs or is given, as text: actions, inputs, scripts, environment, the
/// files of local composite actions and called workflows, and what `make`/scripts resolve to.
fn job_text(ci: &Ci<'_>, flow: &Flow<'_>, job: &JobView<'_>) -> (String, String) {
    let mut names = String::new();
    let mut t = String::new();
    let mut push = |s: &str| {
        t.push_str(s);
        t.push('\n');
    };
    if let Some(env) = &flow.wf.env {
        push(&env.to_string());
    }
    if let Some(env) = &job.job.env {
        push(&env.to_string());
    }
    if let Some(u) = &job.job.uses {
        names.push_str(&u.value);
        names.push('\n');
    }
    if let Some(w) = &job.job.with {
        push(&serde_json::to_string(w).unwrap_or_default());
    }
    if let Some(e) = &job.job.environment {
        push(&format!("environment {e}"));
    }
    for step in &job.job.steps {
        let s = &step.value;
        if let Some(u) = &s.uses {
            names.push_str(&u.value);
            names.push('\n');
            if u.value.starts_with("./")
                && let Some((_, text)) = ci::local_action_file(ci.repo, &u.value)
            {
                push(text);
            }
        }
        if let Some(r) = &s.run {
            push(&r.value);
        }
        if let Some(w) = &s.with {
            push(&serde_json::to_string(w).unwrap_or_default());
        }
        if let Some(e) = &s.env {
            push(&e.to_string());
        }
    }
    if let Some(c) = job.callee {
        push(ci.flows[c].text);
        for j in &ci.flows[c].jobs {
            for st in &j.job.steps {
                if let Some(u) = &st.value.uses {
                    names.push_str(&u.value);
                    names.push('\n');
                }
            }
        }
    }
    for f in &job.facts {
        push(&f.found.what);
        for v in &f.found.via {
            push(v);
        }
    }
    (t, names)
}

/// Actions whose names say they only set up tools, cache, or move files: they need no write
/// scope. Any other third-party action may (an OIDC token broker, a bot), so a job using one
/// is given the benefit of the doubt.
const BENIGN_ACTION: AnyWord = AnyWord(&[
    "setup",
    "cache",
    "toolchain",
    "install",
    "checkout",
    "metadata",
    "login",
    "buildx",
    "qemu",
    "alls-green",
    "upload",
    "download",
    "lint",
    "rust-cache",
    "changed-files",
    "paths-filter",
    "timeout",
    "retry",
    "wait",
]);

/// Whether a job uses a third-party action that may use the token in ways the audit cannot
/// see.
fn opaque_action(job: &JobView<'_>) -> bool {
    job.job.steps.iter().any(|s| {
        s.value.uses.as_ref().is_some_and(|u| {
            let owner = u.value.split('/').next().unwrap_or("").to_ascii_lowercase();
            let name = u.value.split('@').next().unwrap_or("");
            !u.value.starts_with("./")
                && !u.value.starts_with("docker://")
                && owner != "actions"
                && owner != "github"
                && !BENIGN_ACTION.is_match(name)
        })
    })
}

/// Whether a step hands the token to a third-party action or to a program of a `run:` step
/// (which may use any scope: `smokeshow` posting statuses, a release script).
fn token_to_action(job: &JobView<'_>) -> bool {
    job.job.steps.iter().any(|s| {
        let s = &s.value;
        let third_party = s.run.is_some()
            || s.uses.as_ref().is_some_and(|u| {
                let owner = u.value.split('/').next().unwrap_or("").to_ascii_lowercase();
                !u.value.starts_with("./") && owner != "actions"
            });
        let gets_token = [
            s.with
                .as_ref()
                .map(|w| serde_json::to_string(w).unwrap_or_default()),
            s.env.as_ref().map(Value::to_string),
            // `node close-issue.js ${{ secrets.GITHUB_TOKEN }}`: handed over as an argument.
            s.run.as_ref().map(|r| r.value.clone()),
        ]
        .into_iter()
        .flatten()
        .any(|t| t.contains("secrets.GITHUB_TOKEN") || t.contains("github.token"));
        third_party && gets_token
    })
}

/// Write grants of a `permissions:` value: (scope, "write" | "write-all").
fn writes(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) if s == "write-all" => vec!["write-all".into()],
        Value::Object(m) => m
            .iter()
            .filter(|(_, v)| v.as_str() == Some("write"))
            .map(|(k, _)| k.clone())
            .collect(),
        _ => Vec::new(),
    }
}

fn check(_repo: &Repo, ctx: &Context) -> Outcome {
    let ci = ctx.ci();
    if ci.flows.is_empty() && ci.broken.is_empty() {
        return Outcome::skip("no workflows in .github/workflows/");
    }
    let mut problems: Vec<(String, String, u32)> = Vec::new();
    let mut used: Vec<String> = Vec::new();
    for flow in &ci.flows {
        let top = flow.wf.permissions.as_ref();
        let undeclared: Vec<&str> = flow
            .jobs
            .iter()
            .filter(|j| j.job.permissions.is_none())
            .map(|j| j.id)
            .collect();
        if top.is_none() && !undeclared.is_empty() && !flow.only_called() {
            problems.push((
                format!(
                    "{} declares no `permissions:` (at the top or on job{} {}), so the token gets the repository default; add `permissions: contents: read` at the top",
                    flow.path,
                    if undeclared.len() == 1 { "" } else { "s" },
                    undeclared.iter().map(|j| format!("`{j}`")).collect::<Vec<_>>().join(", ")
                ),
                flow.path.to_string(),
                flow.on_line().unwrap_or(1),
            ));
        }
        // (grant holder, permissions value, line, jobs it applies to)
        let mut grants: Vec<(String, &Value, u32, Vec<&JobView<'_>>)> = Vec::new();
        if let Some(t) = top {
            let applies: Vec<&JobView<'_>> = flow
                .jobs
                .iter()
                .filter(|j| j.job.permissions.is_none())
                .collect();
            grants.push((
                "the workflow".into(),
                &t.value,
                workflow::line(&t.referenced),
                applies,
            ));
        }
        for j in &flow.jobs {
            if let Some(p) = &j.job.permissions {
                grants.push((
                    format!("job `{}`", j.id),
                    &p.value,
                    workflow::line(&p.referenced),
                    vec![j],
                ));
            }
        }
        for (holder, value, line, jobs) in grants {
            if jobs.is_empty() {
                // Every job sets its own permissions: the workflow's reach no token.
                continue;
            }
            for scope in writes(value) {
                let scope_line =
                    tasks::find_line(flow.text, line, |l| l.contains(&scope)).unwrap_or(line);
                if scope == "write-all" {
                    problems.push((
                        format!("{}:{scope_line} grants `write-all` to {holder}; list only the scopes it needs", flow.path),
                        flow.path.to_string(),
                        scope_line,
                    ));
                    continue;
                }
                let patterns = scope_patterns(&scope);
                let needed = jobs.iter().any(|j| {
                    let (text, names) = job_text(ci, flow, j);
                    GENERIC_API.is_match(&text)
                        || GENERIC_API.is_match(&names)
                        || token_to_action(j)
                        || opaque_action(j)
                        || j.remote_call.is_some()
                        || patterns
                            .is_none_or(|(cmd, name)| cmd.is_match(&text) || name.is_match(&names))
                });
                if needed {
                    let u = format!("{scope}: write in {}", flow.path);
                    if !used.contains(&u) {
                        used.push(u);
                    }
                } else {
                    let who = jobs
                        .iter()
                        .map(|j| format!("`{}`", j.id))
                        .collect::<Vec<_>>()
                        .join(", ");
                    problems.push((
                        format!(
                            "{}:{scope_line} grants `{scope}: write` to {holder}, but {who} never uses it; make it `read` or drop it",
                            flow.path
                        ),
                        flow.path.to_string(),
                        scope_line,
                    ));
                }
            }
        }
    }
    if problems.is_empty() {
        let detail = if used.is_empty() {
            "no write scopes".to_string()
        } else {
            format!("write scopes in use: {}", used.join(", "))
        };
        let mut o = Outcome::pass(format!(
            "every workflow declares the token's permissions ({} workflow(s) read); {detail}",
            ci.flows.len()
        ));
        for flow in &ci.flows {
            let line = flow.wf.permissions.as_ref().map(|p| {
                tasks::find_line(flow.text, 1, |l| l.starts_with("permissions:"))
                    .unwrap_or(workflow::line(&p.referenced))
            });
            o = o.at(flow.path, line);
        }
        return ci.unless_broken_skip(o);
    }
    let mut o = Outcome::fail(
        problems
            .iter()
            .map(|p| p.0.clone())
            .collect::<Vec<_>>()
            .join("; "),
    );
    for (_, path, line) in &problems {
        o = o.at(path, *line);
    }
    o
}
