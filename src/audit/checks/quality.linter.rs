//! `quality.linter`.

use crate::audit::ci::{self, Kind, Practice};
use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when a CI job runs a linter for the service's language: ruff (`ruff check`,
    /// the bare `ruff .`), flake8, pylint, bandit; eslint, oxlint, biome, xo, standard;
    /// `cargo clippy`; golangci-lint, `go vet`, staticcheck, revive; ktlint, detekt,
    /// Checkstyle, PMD, SpotBugs (as tasks or goals, or applied plugins that `./gradlew check`
    /// and `mvn verify` run). Steps are followed through `make lint`, npm scripts, tox/nox,
    /// just, `pre-commit run` hooks, and actions such as golangci-lint-action, ruff-action,
    /// clippy-check, reviewdog and super-linter.
    ///
    /// Frontend linters do not count for a backend in another language, and type checkers
    /// (mypy, tsc) are not linters here.
    ///
    /// ## Why
    /// A linter catches whole classes of bugs (unused results, shadowed variables, unsafe
    /// calls) before review, on every change, at no cost to the reviewer.
    ///
    /// ## How to fix
    /// Add a CI step that runs the linter and fails on findings, e.g. `ruff check .`,
    /// `cargo clippy --all-targets -- -D warnings`, golangci-lint-action, `eslint .` or
    /// `./gradlew check` with Checkstyle/detekt.
    QualityLinter, "quality.linter", check
}

fn check(_repo: &Repo, ctx: &Context) -> Outcome {
    let ci = ctx.ci();
    let suggestion = ci::suggestion(ci.main, Practice::Lint);
    if ci.flows.is_empty() {
        return ci.no_workflows(
            "CI runs a linter",
            &format!("add a CI step that runs {suggestion}"),
        );
    }
    if let Some((_, job, f)) = ci.facts(Kind::Lint).first() {
        return Outcome::pass(format!(
            "{} runs a linter in job `{}`: {}",
            f.at(),
            job.id,
            f.describe()
        ))
        .at(&f.path, f.line);
    }
    let lang = ci::lang_prefix(ci.main);
    let other = ci
        .jobs()
        .flat_map(|(_, _, _, j)| j.facts.iter())
        .find(|f| f.found.kind == Kind::Lint && !ci.for_service(f));
    let outcome = match other {
        Some(f) => Outcome::fail(format!(
            "the workflows lint only outside the {lang}service ({} at {}); add {suggestion}",
            f.describe(),
            f.at()
        ))
        .at(&f.path, f.line),
        None => Outcome::fail(format!(
            "no CI step runs a {lang}linter; add {suggestion} (e.g. in a `make lint` target that CI runs)"
        ))
        .at(ci.flows[0].path, None),
    };
    ci.unless_broken(outcome)
}
