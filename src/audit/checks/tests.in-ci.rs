//! `tests.in-ci`.

use crate::audit::ci::{self, Practice};
use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when a GitHub Actions job (at the repository root) runs the service's test
    /// command. The step is read, not matched as text: `run:` scripts are split into commands
    /// and followed through task runners and scripts, so `make test` counts when its Makefile
    /// recipe runs `pytest`, `npm test` when package.json's script runs jest, `tox`/`nox` when
    /// their config runs pytest, `./scripts/test.sh` when the script runs `go test`, and
    /// `./gradlew check`/`build` or `mvn verify` because they run the tests. Local composite
    /// actions and local reusable workflows are followed too. Recognised runners include
    /// pytest, unittest, `manage.py test`, tox, nox, hatch/pdm/poe scripts, jest, vitest,
    /// mocha, `node --test`, `npm|yarn|pnpm|bun test`, `cargo test`/nextest/llvm-cov/tarpaulin,
    /// `go test`/gotestsum/ginkgo, Gradle and Maven.
    ///
    /// Only the backend counts: in a repository with a frontend, a job that runs only the
    /// frontend's `npm test` does not pass for a Python service; neither does a step whose
    /// working directory is outside the audited folder. Jobs with `if: false` and steps that
    /// cannot run are ignored; a command in `echo`, a comment or a README is never evidence.
    /// Without workflows the check fails (or is `unknown` when another CI system, such as GitLab
    /// CI, is configured, since only GitHub Actions is read).
    ///
    /// ## Why
    /// Tests that only run on a laptop stop being run. CI runs them for every change, for
    /// everyone, and keeps the main branch green.
    ///
    /// ## How to fix
    /// Add a workflow job that runs the tests on every push and pull request, for example
    /// `run: make test` or `run: pytest` (`go test ./...`, `npm test`, `cargo test`,
    /// `./gradlew test`).
    TestsInCi, "tests.in-ci", check
}

fn check(_repo: &Repo, ctx: &Context) -> Outcome {
    let ci = ctx.ci();
    let suggestion = ci::suggestion(ci.main, Practice::Test);
    if ci.flows.is_empty() {
        return ci.no_workflows(
            "CI runs the tests",
            &format!("add a workflow with a job that runs {suggestion} on push and pull_request"),
        );
    }
    for (_, _, flow, job) in ci.jobs() {
        if job.disabled {
            continue;
        }
        if let Some(fact) = ci
            .tests(job)
            .find(|f| !(f.found.lang.is_none() && f.found.scenario))
        {
            return Outcome::pass(format!(
                "{} runs the tests in job `{}` of {}: {}",
                fact.at(),
                job.id,
                flow.path,
                fact.describe()
            ))
            .at(&fact.path, fact.line);
        }
    }
    // Say what was found instead: another language's tests, tests elsewhere, disabled jobs.
    let all_tests: Vec<_> = ci
        .jobs()
        .flat_map(|(_, _, _, j)| j.facts.iter().map(move |f| (j, f)))
        .filter(|(_, f)| f.found.kind == ci::Kind::Test)
        .collect();
    let lang = ci::lang_prefix(ci.main);
    let outcome = if let Some((job, f)) = all_tests.iter().find(|(j, _)| j.disabled) {
        Outcome::fail(format!(
            "the only test step, {} ({}), is in job `{}`, which never runs (`if:` is false); enable the job",
            f.describe(),
            f.at(),
            job.id
        ))
        .at(&f.path, job.line)
    } else if let Some((_, f)) = all_tests.iter().find(|(_, f)| f.elsewhere) {
        Outcome::fail(format!(
            "the workflows run tests only outside the audited folder ({} in {}, at {}); add a step that runs the {lang}service's tests ({suggestion}) with `working-directory:` set to it",
            f.describe(),
            f.found.dir.as_deref().unwrap_or("?"),
            f.at()
        ))
        .at(&f.path, f.line)
    } else if let Some((_, f)) = all_tests.first() {
        let other = f.found.lang.map_or("scenario", |l| l.name());
        Outcome::fail(format!(
            "the workflows run only {other} tests ({} at {}), not the {lang}service's; add a job that runs {suggestion}",
            f.describe(),
            f.at()
        ))
        .at(&f.path, f.line)
    } else {
        let first = &ci.flows[0];
        Outcome::fail(format!(
            "no workflow step runs the tests ({} workflow(s) read, e.g. {}); add a job that runs {suggestion} on push and pull_request",
            ci.flows.len(),
            first.path
        ))
        .at(first.path, None)
    };
    ci.unless_broken(outcome)
}
