//! `deploy.after-tests`.

use serde_json::Value;

use crate::audit::ci::{self, Ci, DeployJob, Fact, JobView, Kind};
use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when every deploy job (as `deploy.automated` finds them) runs only after the
    /// service's tests passed:
    /// - it `needs`, directly or transitively, a job that runs the tests (as `tests.in-ci`
    ///   finds them, through Makefiles, scripts and local reusable workflows), or runs the
    ///   tests itself in an earlier step of the same job; in a monorepo audited at one member,
    ///   a job that runs the tests of another folder in the same language counts too (the
    ///   deploy jobs of the other members wait for their own tests);
    /// - or its workflow is triggered by `workflow_run` of a workflow that runs the tests, and
    ///   the job (or a job it needs) is guarded so that it cannot run when that run failed
    ///   (`if: github.event.workflow_run.conclusion == 'success'`); in that case the
    ///   workflow's other automatic triggers (push, release, schedule) must not reach the job
    ///   without the tests (a manual `workflow_dispatch` may).
    ///
    /// Skips when there is no deploy job.
    ///
    /// ## Why
    /// A deploy that does not wait for the tests ships the bug the tests just caught; the
    /// tests running "in parallel" in another workflow is not a gate.
    ///
    /// ## How to fix
    /// Give the deploy job `needs: [test]` (the job that runs the tests), or trigger the deploy
    /// workflow with `on: workflow_run: workflows: [CI] types: [completed] branches: [main]`
    /// and `if: github.event.workflow_run.conclusion == 'success'`.
    DeployAfterTests, "deploy.after-tests", check
}

/// Why the deploy job is gated by tests, or why not.
fn judge(ci: &Ci<'_>, d: &DeployJob) -> Result<String, String> {
    let flow = &ci.flows[d.flow];
    let job = &flow.jobs[d.job];
    // 1. A job it needs runs the tests.
    let direct = job.job.needs_list();
    for a in ci.ancestors(d.flow, d.job) {
        let anc = &flow.jobs[a];
        if ci.is_test_job(anc) {
            let through = if direct.iter().any(|n| n == anc.id) {
                String::new()
            } else {
                format!(" (through `{}`)", direct.join("`, `"))
            };
            return Ok(format!(
                "`{}` needs `{}`{through}, which runs the tests",
                job.id, anc.id
            ));
        }
    }
    // 1b. A job it needs runs the tests of another folder in the service's language: in a
    // monorepo audited at one member, the deploy jobs of the other members wait for theirs.
    for a in ci.ancestors(d.flow, d.job) {
        let anc = &flow.jobs[a];
        if let Some(t) = tests_elsewhere(ci, anc) {
            return Ok(format!(
                "`{}` needs `{}`, which runs the tests in {} (outside the audited folder)",
                job.id,
                anc.id,
                t.found.dir.as_deref().unwrap_or("another folder")
            ));
        }
    }
    // 2. The same job runs the tests before it deploys.
    let first_deploy = job
        .facts
        .iter()
        .filter(|f| f.found.kind == Kind::Deploy)
        .map(|f| f.step)
        .min();
    if let Some(t) = ci.tests(job).find(|t| {
        !(t.found.lang.is_none() && t.found.scenario)
            && t.step != usize::MAX
            && first_deploy.is_none_or(|d| t.step < d)
    }) && first_deploy.is_some()
    {
        return Ok(format!(
            "`{}` runs the tests ({}) before it deploys",
            job.id,
            t.at()
        ));
    }
    // 3. A reusable workflow whose deploy jobs are themselves gated.
    if let Some(c) = job.callee {
        let inner: Vec<DeployJob> = (0..ci.flows[c].jobs.len())
            .filter_map(|cj| ci.deploy_reason(c, cj, 1))
            .collect();
        if !inner.is_empty() && inner.iter().all(|i| judge(ci, i).is_ok()) {
            return Ok(format!(
                "`{}` calls {}, whose deploy jobs wait for its tests",
                job.id, ci.flows[c].path
            ));
        }
    }
    // 4. workflow_run after a successful CI run.
    if flow.wf.triggers_on("workflow_run") {
        let upstream_names: Vec<String> = match flow
            .wf
            .trigger("workflow_run")
            .and_then(|t| t.get("workflows"))
        {
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect(),
            Some(Value::String(s)) => vec![s.clone()],
            _ => Vec::new(),
        };
        let tested = ci.flows.iter().find(|f| {
            upstream_names
                .iter()
                .any(|n| *n == f.display_name() || *n == f.path)
                && f.jobs.iter().any(|j| ci.is_test_job(j))
        });
        if let Some(up) = tested {
            let failed = ci::workflow_run("push", "main", "failure");
            if ci.can_run(d.flow, d.job, &failed) {
                return Err(format!(
                    "job `{}` ({}:{}) follows `{}` with workflow_run but also runs when it failed; add `if: github.event.workflow_run.conclusion == 'success'`",
                    job.id,
                    flow.path,
                    job.line,
                    up.display_name()
                ));
            }
            let bypass: Vec<String> = flow
                .wf
                .events()
                .into_iter()
                .filter(|e| {
                    !matches!(
                        e.as_str(),
                        "workflow_run"
                            | "workflow_dispatch"
                            | "repository_dispatch"
                            | "workflow_call"
                    )
                })
                .filter(|e| ci.can_run(d.flow, d.job, &ci::feature_branch(e)))
                .collect();
            if bypass.is_empty() {
                return Ok(format!(
                    "`{}` runs after a successful `{}` run (workflow_run, conclusion guarded)",
                    job.id,
                    up.display_name()
                ));
            }
            return Err(format!(
                "job `{}` ({}:{}) waits for a successful `{}` run, but its workflow also triggers on {} without the tests; remove those triggers or gate them",
                job.id,
                flow.path,
                job.line,
                up.display_name(),
                bypass.join(", ")
            ));
        }
    }
    let test_job = ci
        .jobs()
        .find(|(fi, _, _, j)| *fi == d.flow && ci.is_test_job(j))
        .map(|(_, _, _, j)| j.id);
    let hint = match test_job {
        Some(t) => format!("add `needs: [{t}]`"),
        None => "add `needs:` on a job that runs the tests, or trigger the deploy with `workflow_run` on the CI workflow and `if: github.event.workflow_run.conclusion == 'success'`".to_string(),
    };
    Err(format!(
        "job `{}` ({}:{}) deploys without waiting for the tests ({}); {hint}",
        job.id, flow.path, job.line, d.how
    ))
}

/// A test the job runs outside the audited folder, in the service's main language.
fn tests_elsewhere<'a>(ci: &Ci<'_>, job: &'a JobView<'_>) -> Option<&'a Fact> {
    if job.disabled {
        return None;
    }
    job.facts.iter().find(|f| {
        f.found.kind == Kind::Test
            && f.elsewhere
            && !(f.found.lang.is_none() && f.found.scenario)
            && match (ci.main, f.found.lang) {
                (Some(main), Some(lang)) => main == lang,
                _ => true,
            }
    })
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
    let mut passes = Vec::new();
    let mut failures = Vec::new();
    for d in &deploys {
        let flow = &ci.flows[d.flow];
        let line = flow.jobs[d.job].line;
        match judge(ci, d) {
            Ok(why) => passes.push((why, flow.path, line)),
            Err(why) => failures.push((why, flow.path, line)),
        }
    }
    if failures.is_empty() {
        let mut o = Outcome::pass(format!(
            "every deploy job waits for the tests: {}",
            passes
                .iter()
                .map(|p| format!("{} ({}:{})", p.0, p.1, p.2))
                .collect::<Vec<_>>()
                .join("; ")
        ));
        for (_, path, line) in &passes {
            o = o.at(*path, *line);
        }
        return o;
    }
    let mut o = Outcome::fail(
        failures
            .iter()
            .map(|f| f.0.clone())
            .collect::<Vec<_>>()
            .join("; "),
    );
    for (_, path, line) in &failures {
        o = o.at(*path, *line);
    }
    o
}
