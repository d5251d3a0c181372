//! `docs.readme`.

use std::sync::LazyLock;

use regex::Regex;

use crate::audit::{Context, Outcome};
use crate::repo::{File, Repo};

crate::declare_check! {
    /// Passes when a README (at the repository root or in the audited folder) shows how to run
    /// the tests as a command in a code block: a fenced block (```` ``` ```` or `~~~`), an
    /// indented block, a reStructuredText literal block, or an AsciiDoc listing or literal
    /// block (`----`, `....`). Inline code in a sentence does not count: the command must be
    /// something a newcomer can copy and run.
    ///
    /// Recognised commands include `make test`, `pytest`, `python -m pytest`, `tox`, `nox`,
    /// `go test`, `cargo test`/`nextest`, `npm|yarn|pnpm|bun test`, `gradle(w) test`,
    /// `mvn(w) test|verify|package|install` (phases that run the tests, unless `-DskipTests`),
    /// `manage.py test`, `mix test`, `rspec`, `dotnet test`, `just test`
    /// and `./scripts/test…`.
    ///
    /// ## Why
    /// A second developer's first question is how to run the tests; the answer belongs next to
    /// the code, as a command they can copy.
    ///
    /// ## How to fix
    /// Add a fenced code block with the test command (e.g. `make test`) to README.md.
    DocsReadme, "docs.readme", check
}

static TEST_COMMAND: LazyLock<Regex> = LazyLock::new(|| {
    crate::rx::re(concat!(
        r"(?:^|[\s;&|($])(?:",
        r"make\s+(?:[\w-]+\s+)*(?:test|tests|check)\b",
        r"|(?:uv\s+run\s+|poetry\s+run\s+|pipenv\s+run\s+|hatch\s+run\s+\S*:?)?(?:py\.test|pytest)\b",
        r"|python[0-9.]*\s+-m\s+(?:pytest|unittest)\b",
        r"|tox\b|nox\b|hatch\s+test\b",
        r"|manage\.py\s+test\b",
        r"|go\s+test\b",
        r"|cargo\s+(?:test|nextest)\b",
        r"|(?:npm|yarn|pnpm|bun)\s+(?:run\s+)?test\b|npx\s+(?:jest|vitest)\b|deno\s+test\b",
        r"|(?:\./)?gradlew?\s+(?:\S+\s+)*(?:test|check)\b",
        r"|(?:\./)?mvnw?\s+(?:\S+\s+)*(?:test|verify|package|install)\b",
        r"|mix\s+test\b|(?:bundle\s+exec\s+)?rspec\b|rake\s+test\b|dotnet\s+test\b|phpunit\b",
        r"|just\s+test\b|task\s+test\b",
        r"|\./scripts/test\S*",
        r")"
    ))
});

fn check(repo: &Repo, _ctx: &Context) -> Outcome {
    let readmes: Vec<&File> = repo
        .service_files()
        .chain(repo.files())
        .filter(|f| is_readme(&f.path, &repo.prefix))
        .collect();
    if readmes.is_empty() {
        return Outcome::fail(
            "no README found; add README.md with a code block that runs the tests",
        );
    }
    for f in &readmes {
        let Some(text) = f.text() else { continue };
        for (line, code) in code_lines(text, Markup::of(&f.path)) {
            if let Some(m) = TEST_COMMAND.find(code)
                && !SKIPS_TESTS.is_match(code)
            {
                return Outcome::pass(format!(
                    "{}:{line} shows the test command `{}`",
                    f.path,
                    m.as_str().trim()
                ))
                .at(&f.path, line);
            }
        }
    }
    let first = readmes[0];
    Outcome::fail(format!(
        "{} shows no test command in a code block; add a fenced block with e.g. `make test`",
        first.path
    ))
    .at(&first.path, None)
}

/// README files directly at the repository root or directly in the audited folder.
fn is_readme(path: &str, prefix: &str) -> bool {
    let name = path.strip_prefix(prefix).unwrap_or(path);
    let at_root_or_path = !name.contains('/') || !path.contains('/');
    let file = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    at_root_or_path
        && (file == "readme"
            || file.starts_with("readme.")
                && matches!(
                    file.rsplit('.').next(),
                    Some("md" | "markdown" | "rst" | "txt" | "adoc")
                ))
}

/// A build-tool flag that turns the tests off (`mvn package -DskipTests`).
static SKIPS_TESTS: LazyLock<Regex> =
    LazyLock::new(|| crate::rx::re(r"-DskipTests\b|-Dmaven\.test\.skip=true|\s-x\s+test\b"));

/// The markup a README is written in, which decides what a code block looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    Markdown,
    /// reStructuredText: `::` literal blocks.
    Rst,
    /// AsciiDoc: `----` listing and `....` literal blocks (and Markdown-style fences).
    AsciiDoc,
}

impl Markup {
    /// The markup of a file, by its extension.
    pub fn of(path: &str) -> Markup {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".rst") {
            Markup::Rst
        } else if lower.ends_with(".adoc") || lower.ends_with(".asciidoc") {
            Markup::AsciiDoc
        } else {
            Markup::Markdown
        }
    }
}

/// Whether `trimmed` is an AsciiDoc block delimiter line: four or more `-` or `.` alone.
fn asciidoc_delimiter(trimmed: &str) -> Option<&str> {
    let t = trimmed.trim_end();
    let first = t.chars().next()?;
    (matches!(first, '-' | '.') && t.len() >= 4 && t.chars().all(|c| c == first)).then_some(t)
}

/// The lines inside code blocks, with 1-based line numbers.
pub fn code_lines(text: &str, markup: Markup) -> Vec<(u32, &str)> {
    let rst = markup == Markup::Rst;
    let mut out = Vec::new();
    let mut fence: Option<&str> = None;
    let mut prev_blank = true;
    let mut in_literal = false; // reStructuredText `::` block
    let mut literal_armed = false;
    for (i, line) in text.lines().enumerate() {
        let n = i as u32 + 1;
        let trimmed = line.trim_start();
        if let Some(f) = fence {
            if trimmed.starts_with(f) {
                fence = None;
            } else {
                out.push((n, line));
            }
            prev_blank = false;
            continue;
        }
        if trimmed.starts_with("```") {
            fence = Some("```");
            continue;
        }
        if trimmed.starts_with("~~~") {
            fence = Some("~~~");
            continue;
        }
        if markup == Markup::AsciiDoc
            && let Some(delimiter) = asciidoc_delimiter(trimmed)
        {
            // The block ends at a line that starts with the same delimiter.
            fence = Some(delimiter);
            continue;
        }
        let indented = line.starts_with("    ") || line.starts_with('\t');
        if rst {
            if literal_armed && (indented || line.starts_with("  ")) && !line.trim().is_empty() {
                in_literal = true;
            }
            if in_literal {
                if !line.trim().is_empty() && !line.starts_with(' ') && !line.starts_with('\t') {
                    in_literal = false;
                    literal_armed = false;
                } else {
                    out.push((n, line));
                }
            }
            if line.trim_end().ends_with("::") {
                literal_armed = true;
                in_literal = false;
            }
        } else if indented && prev_blank && !trimmed.starts_with(['-', '*', '+']) {
            // An indented block starts after a blank line (and is not a list continuation).
            out.push((n, line));
            continue;
        }
        prev_blank =
            line.trim().is_empty() || (indented && out.last().is_some_and(|(l, _)| *l == n - 1));
    }
    out
}
