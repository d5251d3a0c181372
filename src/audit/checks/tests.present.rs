//! `tests.present`.

use std::sync::LazyLock;

use regex::Regex;

use crate::audit::source::{self, Code, Scope, Syntax, re};
use crate::audit::{Context, Outcome};
use crate::repo::Repo;
use crate::repo::stack::Language;

crate::declare_check! {
    /// Passes when the service has tests in its main language (the language of the server
    /// entry point; a frontend's tests beside a Python or Go backend do not count): files
    /// that follow the language's test conventions *and* declare at least one test.
    ///
    /// - Python: `test_*.py` / `*_test.py` or files under `tests/`, with `def test_…`, a
    ///   `Test…` class or a `unittest.TestCase`;
    /// - Node: `*.test.ts`, `*.spec.js`, `__tests__/`, `test/`, with `it(`/`test(`/`describe(`;
    /// - Go: `*_test.go` with `func TestXxx`;
    /// - Rust: `tests/*.rs` or `#[cfg(test)]` modules with `#[test]`-style attributes;
    /// - JVM: `src/test/**` or `*Test.java`/`*Tests.kt` with `@Test` (or a Kotest spec).
    ///
    /// Comments are ignored: a commented-out test is not a test.
    ///
    /// ## Why
    /// Untested code can only be changed by hoping; a second developer needs the tests to
    /// know what they broke.
    ///
    /// ## How to fix
    /// Add tests in the service's language: `tests/test_*.py` (pytest), `*_test.go`,
    /// `*.test.ts`, `#[test]` functions, or `src/test/java/**/*Test.java`.
    TestsPresent, "tests.present", check
}

static MARKER_PY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?m)^[ \t]*(?:async[ \t]+)?def[ \t]+test\w*[ \t]*\(|^[ \t]*class[ \t]+Test\w*|unittest\.TestCase|\(TestCase\)",
    )
});
static MARKER_JS: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\b(?:it|test|describe|suite)(?:\.(?:each|only|concurrent)[^(]*)?\s*\(\s*['\x22`]")
});
static MARKER_GO: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^func\s+(?:Test|Example|Fuzz)\w*\s*\("));
static MARKER_RUST: LazyLock<Regex> =
    LazyLock::new(|| re(r"#\[\s*(?:[\w:]+::)?test\b|#\[\s*rstest\b|#\[\s*test_case\b"));
static MARKER_JVM: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"@(?:Test|ParameterizedTest|RepeatedTest|TestFactory)\b|:\s*(?:StringSpec|FunSpec|DescribeSpec|BehaviorSpec|ShouldSpec|WordSpec|FreeSpec|ExpectSpec|FeatureSpec|AnnotationSpec)\s*\(",
    )
});

fn marker(syntax: Syntax) -> &'static Regex {
    match syntax {
        Syntax::Python => &MARKER_PY,
        Syntax::Js => &MARKER_JS,
        Syntax::Go => &MARKER_GO,
        Syntax::Rust => &MARKER_RUST,
        Syntax::Java | Syntax::Kotlin => &MARKER_JVM,
    }
}

fn check(repo: &Repo, _ctx: &Context) -> Outcome {
    let Some(language) = repo.stack().language else {
        return Outcome::fail(
            "no backend source or manifest found, so no tests either; add the service's code and its tests",
        );
    };
    let mut found: Vec<(String, u32)> = Vec::new();
    let mut candidates = source::sources(repo, Scope::Tests);
    if language == Language::Rust {
        // Unit tests live beside the code in `#[cfg(test)]` modules.
        candidates.extend(
            source::sources(repo, Scope::Production)
                .into_iter()
                .filter(|s| s.text.contains("#[cfg(test)]") || s.text.contains("test]")),
        );
    }
    for src in &candidates {
        let pattern = marker(src.syntax);
        let Some(m) = pattern.find(src.text) else {
            continue; // cheap rejection before masking comments
        };
        // The first match on a line that is plainly code needs no masking; a match on a
        // commented line is confirmed on the masked text.
        let line_start = src.text[..m.start()].rfind('\n').map_or(0, |p| p + 1);
        let head = src.text[line_start..m.start()].trim_start();
        let commented = head.starts_with('#')
            || head.starts_with("//")
            || head.starts_with('*')
            || head.starts_with("/*")
            || head.starts_with("\"\"\"")
            || head.starts_with("\'\'\'");
        if !commented {
            found.push((src.path.to_string(), source::line_at(src.text, m.start())));
            continue;
        }
        let code = Code::new(src.text, src.syntax);
        if let Some(m) = pattern.find(code.code()) {
            found.push((src.path.to_string(), code.line(m.start())));
        }
    }
    // Spock/Groovy specs count for the JVM.
    if language == Language::Jvm {
        let prefix = repo.prefix.len();
        for f in repo.service_files() {
            let rel = &f.path[prefix..];
            if rel.ends_with(".groovy")
                && f.is_test()
                && !f.is_vendored()
                && f.text()
                    .is_some_and(|t| t.contains("extends Specification"))
            {
                found.push((f.path.clone(), 0));
            }
        }
    }
    found.sort();
    match found.first() {
        Some((path, line)) => {
            let n = found.len();
            let files = if n == 1 { "file" } else { "files" };
            Outcome::pass(format!(
                "{n} {} test {files} (first: {path}:{line})",
                language.name()
            ))
            .at(path, *line)
        }
        None => Outcome::fail(format!(
            "no {} tests found (no test file declares a test); add tests, e.g. {}",
            language.name(),
            example(language)
        )),
    }
}

fn example(language: Language) -> &'static str {
    match language {
        Language::Python => "tests/test_api.py with pytest",
        Language::Node => "src/app.test.ts with `test(...)`",
        Language::Go => "handler_test.go with `func TestHandler(t *testing.T)`",
        Language::Rust => "tests/api.rs with `#[test]` functions",
        Language::Jvm => "src/test/java/.../AppTest.java with `@Test`",
    }
}
