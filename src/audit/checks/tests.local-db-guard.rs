//! `tests.local-db-guard`.

use std::sync::LazyLock;

use regex::Regex;

use crate::audit::source::config::{self, Role};
use crate::audit::source::{self, Code, Source, Syntax, re};
use crate::audit::{Context, Outcome};
use crate::repo::Repo;
use crate::rx::Words;

crate::declare_check! {
    /// Where the service uses a database, passes when the test setup can never reach a
    /// non-local database: it *refuses* one, *forces* a local one, or starts a throwaway one.
    ///
    /// - Refuses: test setup code (conftest.py, test helpers, jest/vitest setup files,
    ///   `TestMain`, test support classes) that aborts (`raise`, `assert`, `pytest.exit`,
    ///   `throw`, `process.exit`, `t.Fatal`, `panic!`, `IllegalStateException`…) next to a
    ///   check of the database host against `localhost`/`127.0.0.1`/`::1` (directly or
    ///   through a constant such as `LOCAL_HOSTS = {"localhost", …}`).
    /// - Forces: test setup that overwrites the database variable with a local URL
    ///   (`os.environ["DATABASE_URL"] = "postgresql://…@localhost/…"`, `monkeypatch.setenv`,
    ///   `process.env.DATABASE_URL = …`, `t.Setenv`, `env::set_var`), pytest-env settings, a
    ///   test settings module or `src/test/resources/application*.yml` pointing at a local,
    ///   in-memory or Testcontainers (`jdbc:tc:`) database.
    /// - Throwaway: Testcontainers, pytest-postgresql, dockertest, embedded-postgres, pg-mem,
    ///   `@DataJpaTest`/`@AutoConfigureTestDatabase`.
    ///
    /// Comments are ignored. Skipped when no database is used.
    ///
    /// ## Why
    /// One wrong environment variable must not let a test suite truncate production tables.
    ///
    /// ## How to fix
    /// In the test setup, refuse any database host other than localhost/127.0.0.1/a unix
    /// socket (or force a local test URL, or start a throwaway database container).
    TestsLocalDbGuard, "tests.local-db-guard", check
}

static LOCAL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"["'`](?:localhost|127\.0\.0\.1|::1|\[::1\])["'`]|["'`][^"'`\n]*@(?:localhost|127\.0\.0\.1)[:/][^"'`\n]*["'`]"#,
    )
});
static HOST_WORD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\bhost\b|hostname|_host\b|\bhost_|\.host\b|gethost|\burl\b|_url\b|\bdsn\b|database|\bdb\b|_db\b|\bdb_|datasource|jdbc",
    )
});
static ABORT_PY: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\braise\b|\bassert\b|pytest\.(?:exit|fail|skip)\s*\(|sys\.exit\s*\(|\bexit\s*\(")
});
static ABORT_JS: LazyLock<Regex> =
    LazyLock::new(|| re(r"\bthrow\b|process\.exit\s*\(|\bassert\w*\s*\("));
static ABORT_GO: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\.Fatal(?:f|ln)?\s*\(|\bpanic\s*\(|\.Skip(?:f|Now)?\s*\(|log\.Fatal|os\.Exit\s*\(|\.FailNow\s*\(",
    )
});
static ABORT_RUST: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bpanic!|\bassert!|\bassert_eq!|\bassert_ne!|\bbail!|\bunreachable!|\.expect\s*\(|std::process::exit",
    )
});
static ABORT_JVM: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bthrow\b|assumeTrue|assertThat|assertTrue|Assumptions\.|\bcheck\s*\(|\brequire\s*\(|\berror\s*\(",
    )
});
static ASSIGNED_LOCAL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?m)^[ \t]*(?:(?:export\s+)?(?:const|let|var|val|static|final|private|public)\s+)*(?:[\w<>\[\], ]+\s+)?([A-Za-z_]\w*)\s*(?::[^=\n]+)?(?::=|=)"#,
    )
});
static FORCE: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r#"os\.environ\[\s*["'](\w+)["']\s*\]\s*=\s*([^\n]+)"#,
        r#"|monkeypatch\.setenv\(\s*["'](\w+)["']\s*,\s*([^\n]+)"#,
        r#"|process\.env\.(\w+)\s*=\s*([^\n=][^\n]*)"#,
        r#"|process\.env\[\s*["'](\w+)["']\s*\]\s*=\s*([^\n=][^\n]*)"#,
        r#"|(?:os|t)\.Setenv\(\s*"(\w+)"\s*,\s*([^\n]+)"#,
        r#"|env::set_var\(\s*"(\w+)"\s*,\s*([^\n]+)"#,
        r#"|System\.setProperty\(\s*"([\w.]+)"\s*,\s*([^\n]+)"#,
        r#"|registry\.add\(\s*"([\w.]+)"\s*,\s*([^\n]+)"#
    ))
});
static DB_VAR: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)database|^db|_db|db_|dsn|postgres|^pg|mysql|mongo|sql|datasource|jdbc")
});
static LOCAL_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"localhost|127\.0\.0\.1|\[::1\]|sqlite|:memory:|h2:mem|jdbc:tc:|getJdbcUrl|get_connection_url|\.url\b|container",
    )
});
static THROWAWAY: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"testcontainers|Testcontainers|PostgreSQLContainer|PostgresContainer|MySqlContainer|MySQLContainer|GenericContainer",
        r"|postgresql_proc|factories\.postgresql|pytest_postgresql|dockertest\.NewPool|embedded-postgres|EmbeddedPostgres",
        r"|\bnewDb\s*\(|pg-mem|@DataJpaTest|@AutoConfigureTestDatabase|@JdbcTest|@DataJdbcTest|jdbc:tc:|postgres\.Run\s*\(|postgres\.RunContainer"
    ))
});

struct Guard {
    path: String,
    line: u32,
    how: &'static str,
}

fn check(repo: &Repo, _ctx: &Context) -> Outcome {
    let Some(db) = repo.database() else {
        return Outcome::skip("no database is used");
    };
    let setup = setup_sources(repo);
    let mut found: Option<Guard> = None;
    // Words each pattern cannot match without: test suites are large and full of quotes,
    // where LOCAL's own search would start at every quote.
    static LOCAL_WORDS: Words = Words::new(&["localhost", "127.0.0.1", "::1"]);
    static FORCE_WORDS: Words = Words::new(&[
        "environ",
        "setenv",
        "process.env",
        "Setenv",
        "set_var",
        "setProperty",
        "registry.add",
    ]);
    for src in &setup {
        let t = src.text;
        let candidate = (LOCAL_WORDS.any_in(t) && LOCAL.is_match(t))
            || THROWAWAY.is_match(t)
            || (FORCE_WORDS.any_in(t) && FORCE.is_match(t));
        if !candidate {
            continue;
        }
        let code = Code::new(t, src.syntax);
        let guard = if is_setup_file(src) {
            refuses(src, &code).or_else(|| forces(src, &code))
        } else {
            None
        };
        if let Some(g) = guard.or_else(|| throwaway(src, &code)) {
            found = Some(g);
            break;
        }
    }
    if found.is_none() {
        found = config_forces(repo);
    }
    match found {
        Some(g) => Outcome::pass(format!("the test setup {} ({}:{})", g.how, g.path, g.line))
            .at(&g.path, g.line),
        None => Outcome::fail(format!(
            "the service uses {} but no test setup refuses a non-local database host{}; in the test setup, refuse any host but localhost/127.0.0.1/a unix socket, or force a local test URL",
            db.engine.name(),
            if setup.is_empty() {
                " (no test setup found)"
            } else {
                ""
            }
        )),
    }
}

/// Test files and test setup files of the main language (jest/vitest setup files live
/// outside test folders).
fn setup_sources(repo: &Repo) -> Vec<Source<'_>> {
    let language = repo.stack().language;
    let Some(language) = language else {
        return Vec::new();
    };
    let syntaxes = source::syntaxes(language);
    let prefix = repo.prefix.len();
    repo.service_files()
        .filter_map(|f| {
            let rel = &f.path[prefix..];
            let syntax = Syntax::of(rel)?;
            if !syntaxes.contains(&syntax) || f.is_vendored() {
                return None;
            }
            let name = rel.rsplit('/').next().unwrap_or(rel).to_ascii_lowercase();
            let setup_file = name.contains("setup")
                && (name.starts_with("jest")
                    || name.starts_with("vitest")
                    || name.contains("test"))
                || name.starts_with("global-setup")
                || name.starts_with("globalsetup");
            let text = f.text()?;
            let inline_tests = syntax == Syntax::Rust && text.contains("#[cfg(test)]");
            if !(f.is_test() || setup_file || inline_tests) {
                return None;
            }
            Some(Source {
                path: &f.path,
                rel,
                syntax,
                text,
            })
        })
        .collect()
}

/// Test setup rather than test cases: where a guard belongs. Python conftest and helper
/// modules (not `test_*.py`), JS setup and helper files (not `*.test.*`/`*.spec.*`); Go, Rust
/// and JVM files qualify too, their test functions being excluded one by one.
fn is_setup_file(src: &Source<'_>) -> bool {
    let name = src.name().to_ascii_lowercase();
    match src.syntax {
        Syntax::Python => {
            !(name.starts_with("test_")
                || name.ends_with("_test.py")
                || name.ends_with("_tests.py"))
        }
        Syntax::Js => {
            !(name.contains(".test.") || name.contains(".spec.") || name.contains(".e2e-spec."))
        }
        _ => true,
    }
}

fn abort_pattern(syntax: Syntax) -> &'static Regex {
    match syntax {
        Syntax::Python => &ABORT_PY,
        Syntax::Js => &ABORT_JS,
        Syntax::Go => &ABORT_GO,
        Syntax::Rust => &ABORT_RUST,
        Syntax::Java | Syntax::Kotlin => &ABORT_JVM,
    }
}

static TEST_FN_PY: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^[ \t]*(?:async[ \t]+)?def[ \t]+test\w*[ \t]*\("));
static TEST_FN_GO: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^func\s+(Test\w*)\s*\("));
static TEST_FN_JS: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?:it|test)(?:\.(?:only|skip|each|concurrent))?\s*\("));
static TEST_FN_RUST: LazyLock<Regex> = LazyLock::new(|| re(r"#\[\s*(?:[\w:]+::)?test\b[^\]]*\]"));
static TEST_FN_JVM: LazyLock<Regex> =
    LazyLock::new(|| re(r"@(?:Test|ParameterizedTest|RepeatedTest)\b"));

/// Spans of test cases (as opposed to setup): an assertion about a URL inside a test is the
/// test's business, not a guard.
fn test_case_spans(src: &Source<'_>, code: &Code) -> Vec<(usize, usize)> {
    let bare = code.bare();
    match src.syntax {
        Syntax::Python => TEST_FN_PY
            .find_iter(code.code())
            .map(|m| {
                source::python_block(
                    bare,
                    m.start() + (m.as_str().len() - m.as_str().trim_start().len()),
                )
            })
            .collect(),
        Syntax::Go => TEST_FN_GO
            .captures_iter(code.code())
            .filter(|c| &c[1] != "TestMain")
            .filter_map(|c| c.get(0))
            .map(|m| code.body(m.start(), Syntax::Go))
            .collect(),
        Syntax::Js => TEST_FN_JS
            .find_iter(code.code())
            .map(|m| (m.start(), code.close(m.end() - 1)))
            .collect(),
        Syntax::Rust => TEST_FN_RUST
            .find_iter(code.code())
            .filter_map(|m| {
                let fn_at = bare[m.end()..].find("fn ")? + m.end();
                Some((m.start(), code.body(fn_at, Syntax::Rust).1))
            })
            .collect(),
        Syntax::Java | Syntax::Kotlin => TEST_FN_JVM
            .find_iter(code.code())
            .map(|m| (m.start(), code.body(m.end(), src.syntax).1))
            .collect(),
    }
}

/// An abort next to a comparison of the database host with local names.
fn refuses(src: &Source<'_>, code: &Code) -> Option<Guard> {
    let text = code.code();
    // Names bound to local host lists: LOCAL_HOSTS = frozenset({"localhost", …}).
    let mut local_names: Vec<String> = Vec::new();
    for m in LOCAL.find_iter(text) {
        let start = code.line_start(m.start());
        let window_start = text[..start]
            .char_indices()
            .rev()
            .filter(|(_, c)| *c == '\n')
            .nth(4)
            .map_or(0, |(i, _)| i + 1);
        if let Some(c) = ASSIGNED_LOCAL
            .captures_iter(&text[window_start..m.start()])
            .last()
        {
            local_names.push(c[1].to_string());
        }
    }
    local_names.retain(|n| n.len() > 2);
    let lines: Vec<&str> = text.lines().collect();
    let abort = abort_pattern(src.syntax);
    let cases = test_case_spans(src, code);
    for m in abort.find_iter(text) {
        if cases.iter().any(|(a, b)| *a <= m.start() && m.start() < *b) {
            continue;
        }
        let line = code.line(m.start()) as usize;
        let from = line.saturating_sub(10);
        let window = lines
            .get(from.min(lines.len())..line.min(lines.len()))
            .map(|ls| ls.join("\n"))
            .unwrap_or_default();
        let local = LOCAL.is_match(&window)
            || local_names.iter().any(|n| {
                window.match_indices(n.as_str()).any(|(i, _)| {
                    let before = window[..i].chars().next_back();
                    let after = window[i + n.len()..].chars().next();
                    !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                        && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
                })
            });
        if local && HOST_WORD.is_match(&window) {
            return Some(Guard {
                path: src.path.to_string(),
                line: line as u32,
                how: "refuses a non-local database host",
            });
        }
    }
    None
}

/// Overwrites the database variable with a local URL (in setup, not inside a test case).
fn forces(src: &Source<'_>, code: &Code) -> Option<Guard> {
    let cases = test_case_spans(src, code);
    for c in FORCE.captures_iter(code.code()) {
        if c.get(0)
            .is_some_and(|m| cases.iter().any(|(a, b)| *a <= m.start() && m.start() < *b))
        {
            continue;
        }
        let mut groups = c.iter().skip(1).flatten();
        let (Some(var), Some(value)) = (groups.next(), groups.next()) else {
            continue;
        };
        if source::is_db_name(var.as_str()) && LOCAL_VALUE.is_match(value.as_str()) {
            return Some(Guard {
                path: src.path.to_string(),
                line: code.line(var.start()),
                how: "forces a local database URL",
            });
        }
    }
    None
}

fn throwaway(src: &Source<'_>, code: &Code) -> Option<Guard> {
    THROWAWAY.find(code.code()).map(|m| Guard {
        path: src.path.to_string(),
        line: code.line(m.start()),
        how: "starts a throwaway database",
    })
}

/// pytest-env settings, test settings modules, test resources of Spring.
fn config_forces(repo: &Repo) -> Option<Guard> {
    let prefix = repo.prefix.len();
    for f in repo.service_files() {
        let rel = &f.path[prefix..];
        if f.is_vendored() {
            continue;
        }
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let Some(text) = f.text() else { continue };
        let local_db_line = |text: &str| -> Option<u32> {
            text.lines().enumerate().find_map(|(i, l)| {
                let t = l.trim_start();
                let comment = t.starts_with('#') || t.starts_with("//");
                (!comment && DB_VAR.is_match(l) && LOCAL_VALUE.is_match(l) && !t.starts_with("D:"))
                    .then_some(i as u32 + 1)
            })
        };
        let pytest_config = matches!(
            name,
            "pyproject.toml" | "pytest.ini" | "setup.cfg" | "tox.ini"
        ) && (text.contains("[tool.pytest.ini_options]")
            || text.contains("[pytest]")
            || text.contains("[tool:pytest]"));
        if pytest_config
            && let Some(env_at) = text.find("env =").or_else(|| text.find("env="))
            && let Some(l) = local_db_line(&text[env_at..])
        {
            let line = source::line_at(text, env_at) + l - 1;
            return Some(Guard {
                path: f.path.clone(),
                line,
                how: "forces a local database URL through pytest-env",
            });
        }
        let test_settings =
            name.ends_with(".py") && rel.contains("settings") && config::role(rel) == Role::Test;
        let spring_test = config::is_spring_config(rel)
            && (rel.contains("src/test/") || config::role(rel) == Role::Test);
        if (test_settings || spring_test)
            && let Some(line) = local_db_line(text)
        {
            return Some(Guard {
                path: f.path.clone(),
                line,
                how: "points the tests at a local database",
            });
        }
    }
    None
}
