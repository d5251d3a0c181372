//! `tests.on-pull-request`.

use serde_json::Value;

use crate::audit::ci::{self, Flow};
use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when a workflow job that runs the service's tests (as `tests.in-ci` finds them)
    /// runs for pull requests: its workflow triggers on `pull_request` (or is a reusable
    /// workflow called from one that does), the trigger's `types:` include the default
    /// `opened`/`synchronize`, and neither the job's `if:` nor that of a job it `needs`
    /// excludes pull requests (an `if: github.event_name == 'push'` test job does not count).
    /// `pull_request_target` does not count: it runs the base branch's code, not the change.
    ///
    /// Skips when no workflow runs the tests (`tests.in-ci` fails then).
    ///
    /// ## Why
    /// Tests that run only after a merge report a broken main branch; tests on the pull
    /// request keep the breakage out, and let branch protection require them.
    ///
    /// ## How to fix
    /// Add `pull_request:` to the `on:` of the workflow that runs the tests (keep `push:` for
    /// the main branch), and make sure the test job has no `if:` that skips pull requests.
    TestsOnPullRequest, "tests.on-pull-request", check
}

/// Whether a workflow's `pull_request` trigger fires when a pull request is opened or updated.
fn triggers_on_pull_request(flow: &Flow<'_>) -> bool {
    if !flow.wf.triggers_on("pull_request") {
        return false;
    }
    match flow.wf.trigger("pull_request").and_then(|t| t.get("types")) {
        Some(Value::Array(types)) => types
            .iter()
            .any(|t| matches!(t.as_str(), Some("opened" | "synchronize" | "reopened"))),
        Some(Value::String(t)) => matches!(t.as_str(), "opened" | "synchronize" | "reopened"),
        _ => true,
    }
}

fn check(_repo: &Repo, ctx: &Context) -> Outcome {
    let ci = ctx.ci();
    let test_jobs: Vec<(usize, usize)> = ci
        .jobs()
        .filter(|(_, _, _, j)| ci.is_test_job(j))
        .map(|(fi, ji, _, _)| (fi, ji))
        .collect();
    if test_jobs.is_empty() {
        return Outcome::skip("no workflow runs the tests (see tests.in-ci)");
    }
    let pr = ci::pull_request("pull_request");
    let mut problems: Vec<(String, String, u32)> = Vec::new();
    for &(fi, ji) in &test_jobs {
        let flow = &ci.flows[fi];
        let job = &flow.jobs[ji];
        // A reusable workflow runs for a pull request when a caller does.
        let mut contexts: Vec<(usize, usize)> = vec![(fi, ji)];
        if flow.only_called() {
            contexts = flow.callers.clone();
        }
        for (cf, cj) in contexts {
            let caller = &ci.flows[cf];
            if triggers_on_pull_request(caller)
                && ci.can_run(cf, cj, &pr)
                && ci.can_run(fi, ji, &pr)
            {
                let fact = ci.tests(job).next();
                return Outcome::pass(format!(
                    "{}:{} triggers on pull_request, and job `{}` runs the tests{}",
                    caller.path,
                    caller.on_line().unwrap_or(0),
                    job.id,
                    fact.map(|f| format!(": {} ({})", f.describe(), f.at()))
                        .unwrap_or_default()
                ))
                .at(caller.path, caller.on_line())
                .at(flow.path, job.line);
            }
            let events = caller.wf.events();
            let problem = if !caller.wf.triggers_on("pull_request") {
                (
                    format!(
                        "its workflow {} triggers on {} but not on pull_request; add `pull_request:` to its `on:`",
                        caller.path,
                        if events.is_empty() {
                            "nothing".to_string()
                        } else {
                            events.join(", ")
                        }
                    ),
                    caller.path.to_string(),
                    caller.on_line().unwrap_or(0),
                )
            } else if !triggers_on_pull_request(caller) {
                (
                    format!(
                        "the pull_request trigger of {} lists `types:` without opened/synchronize; drop `types:` or add them",
                        caller.path
                    ),
                    caller.path.to_string(),
                    caller.on_line().unwrap_or(0),
                )
            } else {
                (
                    "its `if:` (or that of a job it needs) skips pull requests; let it run for them".to_string(),
                    flow.path.to_string(),
                    job.line,
                )
            };
            problems.push((
                format!(
                    "job `{}` ({}:{}) runs the tests, but {}",
                    job.id, flow.path, job.line, problem.0
                ),
                problem.1,
                problem.2,
            ));
        }
    }
    let mut outcome = Outcome::fail(format!(
        "{}; add `pull_request:` to the workflow's `on:` and let the test job run for it",
        problems
            .first()
            .map_or("no test job runs for pull requests".to_string(), |p| p
                .0
                .clone())
    ));
    for (_, path, line) in &problems {
        outcome = outcome.at(path, *line);
    }
    ci.unless_broken(outcome)
}
