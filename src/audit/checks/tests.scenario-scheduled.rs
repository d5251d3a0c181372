//! `tests.scenario-scheduled`.

use crate::audit::ci::{self, Kind};
use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when a workflow triggered `on: schedule` runs API scenario or smoke tests in a
    /// job that can run on the schedule. Scenario tests are recognised by their tool or by
    /// what the test command selects:
    /// - API and end-to-end runners: newman (Postman), k6, Schemathesis, Hurl, Dredd, Venom,
    ///   Bruno, Step CI, Artillery, Tavern, behave/cucumber, Playwright, Cypress, and their
    ///   actions;
    /// - a test runner pointed at scenario tests: a path, marker, target or script named
    ///   smoke, scenario, e2e, end-to-end, acceptance or synthetic (`pytest tests/smoke`,
    ///   `pytest -m smoke`, `make smoke`, `npm run test:e2e`, `go test ./e2e/...`,
    ///   `./gradlew smokeTest`), followed through Makefiles and scripts like `tests.in-ci`.
    ///
    /// A scheduled run of the unit test suite does not count, and neither does a marker that
    /// excludes them (`-m "not smoke"`). A scheduled job whose `if:` excludes the `schedule`
    /// event does not count either.
    ///
    /// ## Why
    /// A scenario that walks the API like a client, on a schedule against a running
    /// environment, finds what unit tests cannot: expired certificates, broken configuration,
    /// a dependency that went away, a deploy that silently failed.
    ///
    /// ## How to fix
    /// Add a workflow with `on: schedule: - cron: "17 * * * *"` (and `workflow_dispatch:`)
    /// whose job runs the smoke or scenario tests against the deployed service, e.g.
    /// `pytest tests/smoke` with the base URL in an environment variable, or a Postman
    /// collection with newman.
    TestsScenarioScheduled, "tests.scenario-scheduled", check
}

fn check(_repo: &Repo, ctx: &Context) -> Outcome {
    let ci = ctx.ci();
    if ci.flows.is_empty() {
        return ci.no_workflows(
            "API scenario or smoke tests run on a schedule",
            "add a workflow with `on: schedule` that runs the API scenario or smoke tests",
        );
    }
    let schedule = ci::schedule();
    let scheduled: Vec<usize> = ci
        .flows
        .iter()
        .enumerate()
        .filter(|(_, f)| f.wf.triggers_on("schedule"))
        .map(|(i, _)| i)
        .collect();
    if scheduled.is_empty() {
        return ci.unless_broken(Outcome::fail(
            "no workflow runs on a schedule; add one with `on: schedule` (cron) that runs the API scenario or smoke tests against the deployed service",
        ));
    }
    let mut other_tests = None;
    for &fi in &scheduled {
        let flow = &ci.flows[fi];
        for (ji, job) in flow.jobs.iter().enumerate() {
            if !ci.can_run(fi, ji, &schedule) {
                continue;
            }
            // Scenario tests exercise the API from outside: any language's runner counts.
            let scenario = job
                .facts
                .iter()
                .find(|f| f.found.kind == Kind::Test && f.found.scenario && !f.elsewhere);
            if let Some(f) = scenario {
                return Outcome::pass(format!(
                    "{} runs on a schedule ({}:{}) and job `{}` runs scenario tests: {} ({})",
                    flow.path,
                    flow.path,
                    flow.on_line().unwrap_or(0),
                    job.id,
                    f.describe(),
                    f.at()
                ))
                .at(&f.path, f.line)
                .at(flow.path, flow.on_line());
            }
            if other_tests.is_none() {
                other_tests = job
                    .facts
                    .iter()
                    .find(|f| f.found.kind == Kind::Test)
                    .map(|f| (flow.path, f.clone()));
            }
        }
    }
    let first = &ci.flows[scheduled[0]];
    let outcome = match other_tests {
        Some((path, f)) => Outcome::fail(format!(
            "{path} runs on a schedule but only runs the regular tests ({} at {}), not API scenario or smoke tests; add a scheduled job that runs them (e.g. `pytest tests/smoke`, newman, k6) against the deployed service",
            f.describe(),
            f.at()
        ))
        .at(&f.path, f.line),
        None => Outcome::fail(format!(
            "{} runs on a schedule ({}:{}) but no job of it runs API scenario or smoke tests; add a step that runs them (e.g. `pytest tests/smoke`, newman, k6) against the deployed service",
            first.path,
            first.path,
            first.on_line().unwrap_or(0)
        ))
        .at(first.path, first.on_line()),
    };
    ci.unless_broken(outcome)
}
