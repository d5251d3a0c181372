//! `quality.formatter`.

use crate::audit::ci::{self, Kind, Practice};
use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when a CI job checks the formatting of the service's code, in the service's
    /// language: `ruff format --check`/`--diff`, `black --check`, `cargo fmt --check`,
    /// `rustfmt --check`, `gofmt -l`/`-d`, `goimports`/`gofumpt -l`, golangci-lint with a
    /// formatter enabled, `prettier --check`, `biome ci|check`, `dprint check`,
    /// `./gradlew spotlessCheck` (or `check`/`build` with Spotless, ktlint or ktfmt applied),
    /// `mvn spotless:check`, `ktlint`, `scalafmtCheck`; through `make lint`, npm scripts,
    /// tox/nox, `pre-commit run` (whose formatter hooks fail on changes) and actions such as
    /// `psf/black`, `astral-sh/ruff-action` with `format --check`, super-linter.
    ///
    /// A formatter in write mode (`black .`, `cargo fmt`) checks nothing on its own; it counts
    /// only when a later step of the same job fails on a changed tree (`git diff --exit-code`).
    /// Frontend formatters do not count for a backend in another language (spec: the main
    /// language decides).
    ///
    /// ## Why
    /// A formatter enforced by CI ends style debates in review and keeps diffs about behaviour,
    /// not whitespace.
    ///
    /// ## How to fix
    /// Add a CI step that fails on unformatted code, e.g. `ruff format --check .`,
    /// `cargo fmt --all --check`, `test -z "$(gofmt -l .)"`, `prettier --check .` or
    /// `./gradlew spotlessCheck` (a `make lint` target that runs it is fine).
    QualityFormatter, "quality.formatter", check
}

fn check(_repo: &Repo, ctx: &Context) -> Outcome {
    let ci = ctx.ci();
    let suggestion = ci::suggestion(ci.main, Practice::Format);
    if ci.flows.is_empty() {
        return ci.no_workflows(
            "CI checks formatting",
            &format!("add a CI step that runs {suggestion}"),
        );
    }
    if let Some((_, job, f)) = ci.facts(Kind::Format).first() {
        return Outcome::pass(format!(
            "{} checks formatting in job `{}`: {}",
            f.at(),
            job.id,
            f.describe()
        ))
        .at(&f.path, f.line);
    }
    // A formatter that rewrites files, followed by a step that fails on a dirty tree.
    for (_, job, write) in ci.facts(Kind::FormatWrite) {
        if let Some(diff) = job.facts.iter().find(|d| {
            d.found.kind == Kind::DiffCheck && d.step >= write.step && d.step != usize::MAX
        }) {
            return Outcome::pass(format!(
                "{} formats the code in job `{}` ({}) and {} fails when it changed anything ({})",
                write.at(),
                job.id,
                write.describe(),
                diff.at(),
                diff.describe()
            ))
            .at(&write.path, write.line)
            .at(&diff.path, diff.line);
        }
    }
    let lang = ci::lang_prefix(ci.main);
    let other = ci
        .jobs()
        .flat_map(|(_, _, _, j)| j.facts.iter())
        .find(|f| f.found.kind == Kind::Format && !ci.for_service(f));
    let write = ci.facts(Kind::FormatWrite).into_iter().next();
    let outcome = if let Some((_, _, w)) = write {
        Outcome::fail(format!(
            "{} runs a formatter in write mode ({}), which never fails, and no later step checks the tree; use {suggestion} instead",
            w.at(),
            w.describe()
        ))
        .at(&w.path, w.line)
    } else if let Some(f) = other {
        Outcome::fail(format!(
            "formatting is checked only outside the {lang}service ({} at {}); add {suggestion}",
            f.describe(),
            f.at()
        ))
        .at(&f.path, f.line)
    } else {
        Outcome::fail(format!(
            "no CI step checks the formatting of the {lang}code; add {suggestion} (e.g. in a `make lint` target that CI runs)"
        ))
        .at(ci.flows[0].path, None)
    };
    ci.unless_broken(outcome)
}
