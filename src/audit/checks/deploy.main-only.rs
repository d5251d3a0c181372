//! `deploy.main-only`.

use serde_json::Value;

use crate::audit::ci::expr::{Scenario, Val};
use crate::audit::ci::{self, Ci, DeployJob};
use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when no deploy job (as `deploy.automated` finds them) can run for a pull request
    /// or an arbitrary branch. Each trigger of the deploy job's workflow is judged, together
    /// with the job's `if:` and those of the jobs it `needs` (evaluated as expressions, so
    /// `github.ref == 'refs/heads/main'`, `startsWith(github.ref, 'refs/tags/')`,
    /// `github.event_name == 'push'` are understood, and an unknown condition is no guard):
    /// - `pull_request`, `pull_request_target`, `pull_request_review(_comment)`,
    ///   `issue_comment`, `merge_group`: the job must be excluded by its `if:`;
    /// - `push` (and `create`): only tags, or a `branches:` filter that a feature branch does
    ///   not match (`main`, `release/*`), or an `if:` on the ref;
    /// - `workflow_dispatch`: an `if:` on the ref, or a GitHub environment on the job (where
    ///   branch protection rules for deployments are configured);
    /// - `workflow_run`: a `branches:` filter, an `if:` on `workflow_run.head_branch` or
    ///   `.event`, or upstream workflows that never run for pull requests or other branches;
    /// - `schedule`, `release`, tag pushes, `deployment`, `repository_dispatch`: fine.
    ///
    /// Jobs that deploy to a per-pull-request preview environment (`preview`, `review`,
    /// `pr-${{ github.event.number }}`) may run for pull requests: that is their purpose.
    /// Skips when there is no deploy job.
    ///
    /// ## Why
    /// A deploy from a pull request or a feature branch puts unreviewed code in front of
    /// users and overwrites what main deployed; only reviewed, merged code (or a tagged
    /// release) should reach shared environments.
    ///
    /// ## How to fix
    /// Trigger deploys with `on: push: branches: [main]` (or tags), or guard the deploy job
    /// with `if: github.ref == 'refs/heads/main' && github.event_name == 'push'`; give manual
    /// deploys a protected `environment:`.
    DeployMainOnly, "deploy.main-only", check
}

/// The triggers under which a deploy job can run for unreviewed code.
fn problems(ci: &Ci<'_>, d: &DeployJob) -> Vec<String> {
    let flow = &ci.flows[d.flow];
    let job = &flow.jobs[d.job];
    let preview = !d.environments.is_empty()
        && d.environments.iter().all(|e| ci::preview_environment(e))
        || job
            .job
            .environment_name()
            .is_some_and(|e| ci::preview_environment(&e));
    let mut out = Vec::new();
    let runs = |s: &Scenario| ci.can_run(d.flow, d.job, s);
    for event in flow.wf.events() {
        let trigger = flow.wf.trigger(&event);
        let problem = match event.as_str() {
            "pull_request" | "pull_request_target" | "pull_request_review" | "pull_request_review_comment" => {
                (!preview && runs(&ci::pull_request(&event))).then(|| format!("runs for pull requests (`on: {event}`)"))
            }
            "issue_comment" => {
                // A comment runs on the default branch; the pull request is in the payload.
                let s = Scenario::event("issue_comment", "refs/heads/main")
                    .with("github.event.pull_request", Val::Null)
                    .with("github.event.issue.pull_request", Val::Obj);
                (!preview && runs(&s)).then(|| "runs for comments on pull requests (`on: issue_comment`)".to_string())
            }
            "merge_group" => runs(&ci::merge_group()).then(|| "runs for merge-queue branches (`on: merge_group`)".to_string()),
            "push" => {
                let any_branch = !ci::tags_only(trigger) && ci::admits_feature_branch(trigger, "branches");
                (!preview && any_branch && runs(&ci::feature_branch("push")))
                    .then(|| "runs on pushes to any branch (`on: push` without a `branches:` filter or ref guard)".to_string())
            }
            "create" => (!preview && runs(&ci::feature_branch("create")))
                .then(|| "runs when any branch is created (`on: create`)".to_string()),
            "workflow_dispatch" => (job.job.environment.is_none() && runs(&ci::feature_branch("workflow_dispatch")))
                .then(|| "can be dispatched by hand on any branch (`workflow_dispatch` without a ref guard or a protected environment)".to_string()),
            "workflow_run" => {
                let filtered = !ci::admits_feature_branch(trigger, "branches");
                let pr_run = ci::workflow_run("pull_request", "feature-x", "success");
                let branch_run = ci::workflow_run("push", "feature-x", "success");
                let upstream: Vec<&str> = match trigger.and_then(|t| t.get("workflows")) {
                    Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
                    Some(Value::String(s)) => vec![s.as_str()],
                    _ => Vec::new(),
                };
                let ups: Vec<_> = ci.flows.iter().filter(|f| upstream.iter().any(|n| *n == f.display_name() || *n == f.path)).collect();
                let up_pr = ups.iter().any(|u| {
                    u.wf.events().iter().any(|e| matches!(e.as_str(), "pull_request" | "pull_request_target"))
                });
                let up_branches = ups.iter().any(|u| {
                    u.wf.triggers_on("push") && !ci::tags_only(u.wf.trigger("push")) && ci::admits_feature_branch(u.wf.trigger("push"), "branches")
                });
                (!filtered && !preview && (up_pr && runs(&pr_run) || up_branches && runs(&branch_run)))
                    .then(|| "runs after the upstream workflow on pull requests or any branch (`workflow_run` without `branches:` or a head_branch guard)".to_string())
            }
            _ => None,
        };
        if let Some(p) = problem {
            out.push(p);
        }
    }
    out
}

fn check(_repo: &Repo, ctx: &Context) -> Outcome {
    let ci = ctx.ci();
    if ci.flows.is_empty() {
        return Outcome::skip("no workflows, so no deploy job (see deploy.automated)");
    }
    let deploys = ci.deploy_jobs();
    if deploys.is_empty() {
        return Outcome::skip("no deploy job (see deploy.automated)");
    }
    let mut bad = Vec::new();
    for d in &deploys {
        let flow = &ci.flows[d.flow];
        let job = &flow.jobs[d.job];
        let p = problems(ci, d);
        if !p.is_empty() {
            bad.push((
                format!(
                    "job `{}` ({}:{}) {}",
                    job.id,
                    flow.path,
                    job.line,
                    p.join(" and ")
                ),
                flow.path,
                job.line,
                flow.on_line(),
            ));
        }
    }
    if bad.is_empty() {
        let mut o = Outcome::pass(format!(
            "{} deploy job(s) run only for main, tags or protected manual runs: {}",
            deploys.len(),
            deploys
                .iter()
                .map(|d| {
                    let f = &ci.flows[d.flow];
                    format!(
                        "`{}` ({}:{}, on: {})",
                        f.jobs[d.job].id,
                        f.path,
                        f.jobs[d.job].line,
                        f.wf.events().join(", ")
                    )
                })
                .collect::<Vec<_>>()
                .join("; ")
        ));
        for d in &deploys {
            let f = &ci.flows[d.flow];
            o = o.at(f.path, f.jobs[d.job].line);
        }
        return o;
    }
    let mut o = Outcome::fail(format!(
        "{}; restrict deploys to main or tags (`on: push: branches: [main]`, or `if: github.ref == 'refs/heads/main' && github.event_name == 'push'`)",
        bad.iter()
            .map(|b| b.0.clone())
            .collect::<Vec<_>>()
            .join("; ")
    ));
    for (_, path, line, on) in &bad {
        o = o.at(*path, *line).at(*path, *on);
    }
    o
}
