//! `ci.no-dangerous-triggers`.

use std::sync::LazyLock;

use serde_json::Value;

use crate::audit::ci::actions::action_name;
use crate::audit::ci::{self, Ci, Flow};
use crate::audit::{Context, Outcome};
use crate::repo::Repo;
use crate::repo::workflow::{self, Step};
use regex::Regex;

crate::declare_check! {
    /// Passes when no workflow triggered by `pull_request_target` or `workflow_run` checks out
    /// and runs the code of a pull request. Those triggers run with the base repository's
    /// secrets and a write token, so they must only handle trusted code. A job is flagged when
    /// - a step checks out untrusted code: `actions/checkout` with a `ref:` of the pull
    ///   request's head (`github.event.pull_request.head.sha|ref`, `github.head_ref`,
    ///   `refs/pull/…`, `github.event.workflow_run.head_sha|head_branch`) or with `repository:`
    ///   set to the fork; or a `run:` step that does `git checkout|fetch|switch` of those, or
    ///   `gh pr checkout`;
    /// - and a later step runs something from the workspace: any `run:` step, a local action
    ///   (`./…`), or a third-party action (builds, linters and test actions execute the
    ///   checked-out code and its configuration). Only `actions/upload-artifact`,
    ///   `actions/cache` and similar inert steps may follow.
    ///
    /// A job whose `if:` keeps it away from pull requests (for `workflow_run`,
    /// `github.event.workflow_run.event != 'pull_request'` or a head-branch guard), or a
    /// `workflow_run` whose upstream workflows never run for pull requests, handles only
    /// trusted code and passes; so does a `pull_request_target` workflow that labels, comments
    /// or checks out the base branch (the default). Skips when there are no workflows.
    ///
    /// ## Why
    /// This is the "pwn request": a pull request from a fork changes a build script or test,
    /// and the privileged workflow runs it with the repository's secrets and write access.
    ///
    /// ## How to fix
    /// Use `on: pull_request` to build and test pull requests (it runs without secrets). If a
    /// privileged follow-up is needed (a comment, a label), let the `pull_request` workflow
    /// upload its result as an artifact and have the `workflow_run` workflow read the artifact
    /// as data, never check out or execute the pull request's code.
    CiNoDangerousTriggers, "ci.no-dangerous-triggers", check
}

static UNTRUSTED_REF: LazyLock<Regex> = LazyLock::new(|| {
    crate::rx::re(
        r"(?i)github\.event\.pull_request\.head\.(sha|ref|repo)|github\.head_ref|refs/pull/|github\.event\.workflow_run\.(head_sha|head_branch|head_commit|head_repository)|github\.event\.pull_request\.merge_commit_sha|github\.event\.number|github\.event\.issue\.number",
    )
});

static GIT_CHECKOUT: LazyLock<Regex> = LazyLock::new(|| {
    crate::rx::re(
        r"(?i)\bgit\s+(checkout|fetch|switch|pull|worktree\s+add)\b|\bgh\s+pr\s+checkout\b",
    )
});

/// Steps that only move files around and never execute them.
const INERT: &[&str] = &[
    "actions/upload-artifact",
    "actions/download-artifact",
    "actions/cache",
    "actions/cache/save",
    "actions/cache/restore",
];

fn with_text(step: &Step, key: &str) -> Option<String> {
    step.with.as_ref()?.get(key).and_then(workflow::value_text)
}

/// Whether a step brings the pull request's code into the workspace.
fn checks_out_untrusted(step: &Step) -> bool {
    if let Some(u) = &step.uses
        && action_name(&u.value).starts_with("actions/checkout")
    {
        let r = with_text(step, "ref").unwrap_or_default();
        let repo = with_text(step, "repository").unwrap_or_default();
        return UNTRUSTED_REF.is_match(&r) || UNTRUSTED_REF.is_match(&repo);
    }
    if let Some(run) = &step.run {
        return run.value.lines().any(|l| {
            GIT_CHECKOUT.is_match(l) && (UNTRUSTED_REF.is_match(l) || l.contains("gh pr checkout"))
        });
    }
    false
}

fn executes(step: &Step) -> bool {
    if step.run.is_some() {
        return true;
    }
    match &step.uses {
        Some(u) => {
            let name = action_name(&u.value);
            !INERT.iter().any(|i| name == *i)
        }
        None => false,
    }
}

/// Whether the job can run on behalf of a pull request: its `if:` does not exclude that (e.g.
/// `github.event.workflow_run.event != 'pull_request'`), and for `workflow_run`, an upstream
/// workflow can be triggered by pull requests (unknown upstreams are assumed to be).
fn reachable_by_pull_requests(ci: &Ci<'_>, fi: usize, ji: usize, events: &[String]) -> bool {
    events.iter().any(|e| match e.as_str() {
        "pull_request_target" => ci.can_run(fi, ji, &ci::pull_request("pull_request_target")),
        "workflow_run" => {
            let flow = &ci.flows[fi];
            let mut triggers: Vec<&Flow<'_>> = vec![flow];
            triggers.extend(flow.callers.iter().map(|&(cf, _)| &ci.flows[cf]));
            let names: Vec<String> = triggers
                .iter()
                .filter_map(|f| f.wf.trigger("workflow_run")?.get("workflows").cloned())
                .flat_map(|v| match v {
                    Value::Array(a) => a
                        .iter()
                        .filter_map(|x| x.as_str().map(String::from))
                        .collect(),
                    Value::String(s) => vec![s],
                    _ => Vec::new(),
                })
                .collect();
            let upstream: Vec<&Flow<'_>> = ci
                .flows
                .iter()
                .filter(|f| names.iter().any(|n| *n == f.display_name() || *n == f.path))
                .collect();
            let known = !names.is_empty() && upstream.len() >= names.len();
            let from_prs = !known
                || upstream.iter().any(|u| {
                    u.wf.events()
                        .iter()
                        .any(|e| matches!(e.as_str(), "pull_request" | "pull_request_target"))
                });
            from_prs
                && ci.can_run(
                    fi,
                    ji,
                    &ci::workflow_run("pull_request", "feature-x", "success"),
                )
        }
        _ => false,
    })
}

fn check(_repo: &Repo, ctx: &Context) -> Outcome {
    let ci = ctx.ci();
    if ci.flows.is_empty() && ci.broken.is_empty() {
        return Outcome::skip("no workflows in .github/workflows/");
    }
    let mut risky = Vec::new();
    let mut privileged = Vec::new();
    let mut privileged_paths = Vec::new();
    let privileged_events = |fi: usize| -> Vec<String> {
        ci.flows[fi]
            .wf
            .events()
            .into_iter()
            .filter(|e| e == "pull_request_target" || e == "workflow_run")
            .collect()
    };
    for (fi, flow) in ci.flows.iter().enumerate() {
        // A local reusable workflow runs with the trigger of the workflow that calls it.
        let mut events = privileged_events(fi);
        for &(cf, _) in &flow.callers {
            for e in privileged_events(cf) {
                if !events.contains(&e) {
                    events.push(e);
                }
            }
        }
        if events.is_empty() {
            continue;
        }
        privileged.push(format!("{} ({})", flow.path, events.join(", ")));
        privileged_paths.push(flow.path);
        for (ji, (id, job)) in flow.wf.jobs.iter().enumerate() {
            let steps = &job.value.steps;
            let Some(pos) = steps.iter().position(|s| checks_out_untrusted(&s.value)) else {
                continue;
            };
            if !reachable_by_pull_requests(ci, fi, ji, &events) {
                continue;
            }
            let checkout_line = workflow::line(&steps[pos].referenced);
            if let Some(runner) = steps[pos + 1..].iter().find(|s| executes(&s.value)) {
                let what = match (&runner.value.run, &runner.value.uses) {
                    (Some(r), _) => format!("`{}`", r.value.lines().next().unwrap_or("").trim()),
                    (_, Some(u)) => format!("`uses: {}`", u.value),
                    _ => String::new(),
                };
                risky.push((
                    format!(
                        "{} (on {}) job `{id}` checks out the pull request's code ({}:{checkout_line}) and then runs {what} ({}:{})",
                        flow.path,
                        events.join(", "),
                        flow.path,
                        flow.path,
                        workflow::line(&runner.referenced)
                    ),
                    flow.path,
                    checkout_line,
                ));
            }
        }
    }
    if risky.is_empty() {
        let outcome = if privileged.is_empty() {
            Outcome::pass(format!(
                "no workflow uses pull_request_target or workflow_run ({} workflow(s) read)",
                ci.flows.len()
            ))
        } else {
            Outcome::pass(format!(
                "{} run with a privileged trigger but never check out and run pull request code",
                privileged.join(", ")
            ))
            .at_all(privileged_paths.iter().map(|p| crate::audit::Location {
                path: p.to_string(),
                line: None,
            }))
        };
        return ci.unless_broken_skip(outcome);
    }
    let mut o = Outcome::fail(format!(
        "{}; build pull requests with `on: pull_request` and let the privileged workflow read results as artifacts, never run the PR's code",
        risky
            .iter()
            .map(|r| r.0.clone())
            .collect::<Vec<_>>()
            .join("; ")
    ));
    for (_, path, line) in &risky {
        o = o.at(*path, *line);
    }
    o
}
