//! `tests.coverage`.

use crate::audit::ci::{self, Kind, Practice};
use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when a CI job measures the coverage of the service's tests. The test command is
    /// followed as in `tests.in-ci` (so `make test` whose recipe runs `pytest --cov` counts),
    /// and coverage is recognised where each stack turns it on:
    /// - Python: `pytest --cov…`, or `--cov` in pytest's `addopts` (the configuration pytest
    ///   would read: pytest.ini, pyproject.toml, tox.ini, setup.cfg), `coverage run`,
    ///   `hatch test --cover`, tox/nox commands that do one of these;
    /// - Node: `jest --coverage`, `collectCoverage: true` (package.json or jest.config.*),
    ///   `vitest --coverage` or `coverage.enabled` in the vitest/vite config, `nyc`, `c8`;
    /// - Rust: `cargo llvm-cov`, `cargo tarpaulin`, `-C instrument-coverage`;
    /// - Go: `go test -cover…`/`-coverprofile`, gotestsum or ginkgo with cover flags;
    /// - JVM: the JaCoCo or Kover plugin applied to the build that CI tests, or their tasks
    ///   and goals (`jacocoTestReport`, `koverXmlReport`, `jacoco:report`);
    /// - any stack: a coverage upload or report step (Codecov, Coveralls, coverage-comment
    ///   actions, `codecov`, `gcovr`, `lcov`).
    ///
    /// Skips when no workflow runs the tests (`tests.in-ci` fails then).
    ///
    /// ## Why
    /// Coverage shows which code no test executes; measured on every change, it keeps new
    /// code from arriving untested and points reviewers at the gaps.
    ///
    /// ## How to fix
    /// Turn on the test runner's coverage in CI, e.g. `pytest --cov` (pytest-cov),
    /// `jest --coverage`, `go test -coverprofile=coverage.out ./...`, `cargo llvm-cov`, or the
    /// JaCoCo plugin; optionally upload the report (Codecov) or set a minimum (`fail_under`).
    TestsCoverage, "tests.coverage", check
}

fn check(_repo: &Repo, ctx: &Context) -> Outcome {
    let ci = ctx.ci();
    let tests: Vec<_> = ci
        .jobs()
        .filter(|(_, _, _, j)| !j.disabled)
        .flat_map(|(_, _, f, j)| ci.tests(j).map(move |x| (f, j, x)))
        .collect();
    if !tests.iter().any(|(_, j, _)| ci.is_test_job(j)) {
        return Outcome::skip("no workflow runs the tests (see tests.in-ci)");
    }
    if let Some((_, job, f)) = tests.iter().find(|(_, _, f)| f.found.coverage) {
        return Outcome::pass(format!(
            "{} measures coverage while running the tests in job `{}`: {}",
            f.at(),
            job.id,
            f.describe()
        ))
        .at(&f.path, f.line);
    }
    if let Some((_, job, f)) = ci.facts(Kind::Coverage).first() {
        return Outcome::pass(format!(
            "{} reports coverage in job `{}`: {}",
            f.at(),
            job.id,
            f.describe()
        ))
        .at(&f.path, f.line);
    }
    let (_, job, f) = tests
        .iter()
        .find(|(_, j, _)| ci.is_test_job(j))
        .unwrap_or(&tests[0]);
    let outcome = Outcome::fail(format!(
        "job `{}` runs the tests without measuring coverage ({} at {}); use {}",
        job.id,
        f.describe(),
        f.at(),
        ci::suggestion(ci.main, Practice::Coverage)
    ))
    .at(&f.path, f.line);
    ci.unless_broken(outcome)
}
