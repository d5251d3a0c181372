//! `secrets.env-example`.

use crate::rx::re;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use regex::Regex;

use super::secrets_no_env_files::is_example_env;
use crate::audit::secrets::{self, Profile, is_test_path};
use crate::audit::source::{CapturesEach as _, LineCounter};
use crate::audit::{Context, Outcome};
use crate::repo::stack::{Language, is_vendored};
use crate::repo::{File, Repo};

crate::declare_check! {
    /// Passes when every environment variable the service reads is documented in an example
    /// file (`.env.example`, `.env.sample`, `.env.template`, `.env.dist`, `env.example`…, in the
    /// audited folder or at the git root; a commented-out `# NAME=` line counts) and the
    /// example's values are empty or placeholders.
    ///
    /// The variables are read from the main language's source (tests aside), anchored on the
    /// real APIs: `os.environ[…]`/`os.environ.get`/`os.getenv`, django-environ `env(…)`,
    /// python-decouple `config(…)`, pydantic-settings `BaseSettings` fields (with `env_prefix`
    /// and aliases); `process.env.X`, `process.env["X"]`, destructuring from `process.env`,
    /// NestJS `configService.get("X")`; `os.Getenv`/`os.LookupEnv` and `env:"X"` struct tags;
    /// `std::env::var` and clap `env = "X"`; `System.getenv` and Spring `${X}` placeholders.
    /// Variables the platform or the framework's tooling sets (`PATH`, `HOME`, `PORT`,
    /// `NODE_ENV`, `CI`, `GITHUB_*`, `FLASK_RUN_FROM_CLI` …) and those of the test run
    /// (`TEST_*`, `TESTING_*`) need no documentation.
    ///
    /// Fails when a variable is missing from the example, when there is no example, or when an
    /// example holds a real-looking secret (same rules as `secrets.no-hardcoded`). Skipped when
    /// the service reads no environment variable and has no example file.
    ///
    /// ## Why
    /// A new developer, a CI job and a new environment all need to know every variable the
    /// service reads, without reading the code or asking someone for their `.env`.
    ///
    /// ## How to fix
    /// Add `.env.example` beside the service listing every variable it reads, with an empty
    /// value or a placeholder (`SECRET_KEY=`, `DATABASE_URL=postgresql://app:changeme@localhost/app`)
    /// and a comment on what it is for.
    SecretsEnvExample, "secrets.env-example", check
}

const NAME: &str = r"([A-Za-z_][A-Za-z0-9_]*)";

static PY_ENVIRON: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r#"(?:\bos\.|[^\w.]|^)(?:environ\.get|getenv)\(\s*["']{NAME}["']|(?:\bos\.|[^\w.]|^)environ\[\s*["']{NAME}["']\s*\]"#
    ))
});
static PY_ENVIRON_LIB: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r#"(?:^|[^\w.])env(?:\.(?:str|bool|int|float|list|dict|url|db|db_url|cache|cache_url|email|email_url|json|path|tuple|search_url))?\(\s*["']{NAME}["']"#
    ))
});
static PY_DECOUPLE: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r#"(?:^|[^\w.])config\(\s*["']{NAME}["']"#)));
static PY_SETTINGS_CLASS: LazyLock<Regex> =
    LazyLock::new(|| re(r"^class\s+(\w+)\s*\(([^)]*)\)\s*:"));
static PY_FIELD: LazyLock<Regex> =
    LazyLock::new(|| re(r"^([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([^=#]+?)\s*(?:=(.*))?$"));
static PY_ALIAS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"\b(?:validation_alias|alias)\s*=\s*(?:AliasChoices\(\s*)?["']([A-Za-z_][A-Za-z0-9_]*)["']"#,
    )
});
static PY_ENV_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| re(r#"env_prefix\s*=\s*["']([A-Za-z0-9_]*)["']"#));
static NODE_ENV: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r#"process\.env\.{NAME}|process\.env\[\s*["'`]{NAME}["'`]\s*\]|(?:configService|config)\.get(?:OrThrow)?(?:<[^>]*>)?\(\s*["']([A-Z][A-Z0-9_]*)["']"#
    ))
});
static NODE_DESTRUCTURE: LazyLock<Regex> =
    LazyLock::new(|| re(r"\{([^{}]*)\}\s*=\s*process\.env\b"));
static GO_ENV: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r#"os\.(?:Getenv|LookupEnv)\(\s*"{NAME}"|\benv:"([A-Z][A-Z0-9_]*)[",]"#
    ))
});
static RUST_ENV: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r#"\b(?:env|dotenvy|dotenv)::var(?:_os)?\(\s*"{NAME}"|\benv\s*=\s*"([A-Z][A-Z0-9_]*)""#
    ))
});
static JVM_ENV: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r#"System\.getenv\(\s*"{NAME}"|\$\{{([A-Z][A-Z0-9_]*)(?::[^}}]*)?\}}"#
    ))
});
static EXAMPLE_KEY: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\s*#?\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*="));

/// Variables the platform or toolchain provides.
fn is_platform_variable(name: &str) -> bool {
    const NAMES: &[&str] = &[
        "NO_COLOR",
        "FORCE_COLOR",
        "CLICOLOR",
        "CLICOLOR_FORCE",
        "COLUMNS",
        "LINES",
        "EDITOR",
        "VISUAL",
        "PAGER",
        "SHLVL",
        "PATH",
        "HOME",
        "USER",
        "USERNAME",
        "SHELL",
        "PWD",
        "TMPDIR",
        "TMP",
        "TEMP",
        "HOSTNAME",
        "LANG",
        "LC_ALL",
        "TERM",
        "TZ",
        "CI",
        "NODE_ENV",
        "PYTHONPATH",
        "VIRTUAL_ENV",
        "PORT",
        "K_SERVICE",
        "K_REVISION",
        "K_CONFIGURATION",
        "KUBERNETES_SERVICE_HOST",
        "KUBERNETES_SERVICE_PORT",
        "DJANGO_SETTINGS_MODULE",
        "RUST_LOG",
        "RUST_BACKTRACE",
        "GOOGLE_CLOUD_PROJECT",
        "AWS_LAMBDA_FUNCTION_NAME",
        "DYNO",
        "FLY_APP_NAME",
        "RAILWAY_ENVIRONMENT",
        "RENDER",
        "VERCEL",
        // Set by the framework's own tooling for the process it starts.
        "FLASK_RUN_FROM_CLI",
        "WERKZEUG_RUN_MAIN",
        "WERKZEUG_SERVER_FD",
        "RUN_MAIN",
    ];
    const PREFIXES: &[&str] = &[
        "GITHUB_", "RUNNER_", "PYTEST_", "CARGO_", "npm_", "JAVA_", "XDG_", "GIT_", "LC_",
        // The test run's own settings (`TESTING_DATABASE_URL`), not the service's.
        "TEST_", "TESTING_",
    ];
    NAMES.contains(&name) || PREFIXES.iter().any(|p| name.starts_with(p))
}

type Reads = BTreeMap<String, (String, u32)>;

fn record(reads: &mut Reads, name: &str, path: &str, line: u32) {
    if name.is_empty() || is_platform_variable(name) {
        return;
    }
    reads
        .entry(name.to_ascii_uppercase())
        .or_insert_with(|| (path.to_string(), line));
}

/// Whether the text after a match assigns to it (`os.environ["X"] = …`, `process.env.X = …`).
fn is_assignment(after: &str) -> bool {
    let after = after.trim_start();
    after.starts_with('=') && !after.starts_with("==") && !after.starts_with("=>")
}

/// The environment variables the service reads, each with where it is first read.
pub fn read_variables(repo: &Repo) -> Reads {
    let stack = repo.stack();
    let Some(language) = stack.language else {
        return Reads::new();
    };
    let django_environ = stack.has_dependency("django-environ") || stack.has_dependency("environs");
    let decouple = stack.has_dependency("python-decouple");
    let prefix = repo.prefix.len();
    let mut reads = Reads::new();
    for f in repo.service_files() {
        let rel = &f.path[prefix..];
        let lower = rel.to_ascii_lowercase();
        if is_vendored(&lower) || is_test_path(&lower) || is_tooling(&lower) {
            continue;
        }
        let Some(text) = f.text() else { continue };
        let name = lower.rsplit('/').next().unwrap_or(&lower);
        let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        match (language, ext) {
            (Language::Python, "py") => {
                python_reads(f, text, django_environ, decouple, &mut reads);
            }
            (Language::Node, "js" | "ts" | "mjs" | "cjs" | "mts" | "cts") => {
                regex_reads(f, text, &NODE_ENV, &mut reads);
                let mut lines = LineCounter::new(text);
                // The pattern starts at every `{`: run it only where process.env is named.
                let named = memchr::memmem::find(text.as_bytes(), b"process.env").is_some();
                for cap in NODE_DESTRUCTURE.captures_iter(if named { text } else { "" }) {
                    let line = lines.line(cap.get(0).map_or(0, |m| m.start()));
                    for part in cap[1].split(',') {
                        let var = part.split([':', '=']).next().unwrap_or("").trim();
                        if var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                            record(&mut reads, var, &f.path, line);
                        }
                    }
                }
            }
            (Language::Go, "go") => regex_reads(f, text, &GO_ENV, &mut reads),
            (Language::Rust, "rs") => regex_reads(f, text, &RUST_ENV, &mut reads),
            (Language::Jvm, "java" | "kt") => {
                regex_reads(f, text, &JVM_ENV, &mut reads);
            }
            (Language::Jvm, "properties" | "yml" | "yaml")
                if name.starts_with("application") || name.starts_with("bootstrap") =>
            {
                regex_reads(f, text, &JVM_ENV, &mut reads);
            }
            _ => {}
        }
    }
    reads
}

/// Developer tooling beside the service (`scripts/`, `tools/`, `hack/`), whose variables the
/// service itself never reads.
fn is_tooling(lower_path: &str) -> bool {
    lower_path.split('/').rev().skip(1).any(|p| {
        matches!(
            p,
            "scripts" | "script" | "tools" | "hack" | "devtools" | ".github" | "docs" | "examples"
        )
    })
}

/// Every read `re` finds, at the line of its variable name. The pattern runs over the whole
/// text (its own literal prefilter finds the candidates), so a read whose arguments a
/// formatter put on the next line (`os.environ.get(\n    "DATABASE_URL"`) counts too.
fn regex_reads(f: &File, text: &str, re: &Regex, reads: &mut Reads) {
    let mut lines = LineCounter::new(text);
    for cap in re.captures_each(text) {
        let Some(m) = cap.get(0) else { continue };
        let line_end =
            memchr::memchr(b'\n', &text.as_bytes()[m.end()..]).map_or(text.len(), |i| m.end() + i);
        if is_assignment(&text[m.end()..line_end]) {
            continue;
        }
        if let Some(name) = cap.iter().skip(1).flatten().next() {
            record(reads, name.as_str(), &f.path, lines.line(name.start()));
        }
    }
}

fn python_reads(f: &File, text: &str, django_environ: bool, decouple: bool, reads: &mut Reads) {
    if text.contains("environ") || text.contains("getenv") {
        regex_reads(f, text, &PY_ENVIRON, reads);
    }
    if django_environ && text.contains("env") {
        regex_reads(f, text, &PY_ENVIRON_LIB, reads);
    }
    // python-decouple, and Starlette's `Config(".env")` used the same way.
    if (decouple || text.contains("starlette.config") || text.contains("decouple"))
        && text.contains("config(")
    {
        regex_reads(f, text, &PY_DECOUPLE, reads);
    }
    if text.contains("BaseSettings") {
        settings_fields(f, text, reads);
    }
}

/// Fields of pydantic-settings classes (and their subclasses in the same file), as the
/// variables they read: `PREFIX` + field name, upper-cased, or the field's alias.
fn settings_fields(f: &File, text: &str, reads: &mut Reads) {
    let lines: Vec<&str> = text.lines().collect();
    let mut settings_classes: BTreeSet<String> = BTreeSet::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(cap) = PY_SETTINGS_CLASS.captures(lines[i]) else {
            i += 1;
            continue;
        };
        let bases = &cap[2];
        let is_settings = bases.split(',').any(|b| {
            let b = b.trim();
            let b = b.rsplit('.').next().unwrap_or(b);
            b == "BaseSettings" || settings_classes.contains(b)
        });
        if !is_settings {
            i += 1;
            continue;
        }
        settings_classes.insert(cap[1].to_string());
        // The class body: lines indented deeper than the class statement.
        let mut body = Vec::new();
        let mut j = i + 1;
        while j < lines.len() {
            let l = lines[j];
            if !l.trim().is_empty() && !l.starts_with([' ', '\t']) {
                break;
            }
            body.push((j, l));
            j += 1;
        }
        let indent = body
            .iter()
            .find(|(_, l)| !l.trim().is_empty())
            .map(|(_, l)| l.len() - l.trim_start().len())
            .unwrap_or(4);
        let env_prefix = body
            .iter()
            .find_map(|(_, l)| PY_ENV_PREFIX.captures(l).map(|c| c[1].to_string()))
            .unwrap_or_default();
        for (n, l) in &body {
            if l.len() - l.trim_start().len() != indent {
                continue;
            }
            let Some(field) = PY_FIELD.captures(l.trim()) else {
                continue;
            };
            let name = &field[1];
            let ty = &field[2];
            if name == "model_config" || name.starts_with('_') || ty.contains("ClassVar") {
                continue;
            }
            let var = match field.get(3).and_then(|d| PY_ALIAS.captures(d.as_str())) {
                Some(alias) => alias[1].to_string(),
                None => format!("{env_prefix}{name}"),
            };
            record(reads, &var.to_ascii_uppercase(), &f.path, *n as u32 + 1);
        }
        i = j;
    }
}

/// Example files of the service (anywhere under PATH: `backend/.env.example` in a monorepo
/// audited at its root counts) and of the git root, the shallowest first.
fn example_files(repo: &Repo) -> Vec<&File> {
    let mut out: Vec<&File> = repo
        .files()
        .filter(|f| {
            let lower = f.path.to_ascii_lowercase();
            let in_scope = (f.path.starts_with(&repo.prefix) || !f.path.contains('/'))
                && !is_vendored(&lower)
                && !is_test_path(&lower);
            let name = f
                .path
                .rsplit('/')
                .next()
                .unwrap_or(&f.path)
                .to_ascii_lowercase();
            in_scope
                && (is_example_env(&name)
                    || matches!(
                        name.as_str(),
                        "env.example" | "env.sample" | "env.template" | "dotenv.example"
                    ))
        })
        .collect();
    out.sort_by_key(|f| (f.path.matches('/').count(), f.path.len(), f.path.clone()));
    out.dedup_by_key(|f| f.path.clone());
    out
}

fn check(repo: &Repo, _ctx: &Context) -> Outcome {
    let reads = read_variables(repo);
    let examples = example_files(repo);
    // Real-looking values in an example file fail whatever else is true.
    let leaks: Vec<(String, u32, &'static str)> = examples
        .iter()
        .filter_map(|f| Some((f, f.text()?)))
        .flat_map(|(f, t)| {
            secrets::scan(t, Profile::DOTENV)
                .into_iter()
                .map(|s| (f.path.clone(), s.line, s.rule.id()))
        })
        .collect();
    if !leaks.is_empty() {
        let shown: Vec<String> = leaks
            .iter()
            .map(|(p, l, r)| format!("{p}:{l} ({r})"))
            .collect();
        return Outcome::fail(format!(
            "the example file holds real-looking values: {}; replace them with empty values or placeholders (and rotate them if they were real)",
            shown.join(", ")
        ))
        .at_all(leaks.iter().map(|(p, l, _)| crate::audit::Location {
            path: p.clone(),
            line: Some(*l),
        }));
    }
    let documented: BTreeSet<String> = examples
        .iter()
        .filter_map(|f| f.text())
        .flat_map(|t| t.lines())
        .filter_map(|l| EXAMPLE_KEY.captures(l).map(|c| c[1].to_ascii_uppercase()))
        .collect();
    let Some(example) = examples.first() else {
        if reads.is_empty() {
            return Outcome::skip(
                "the service reads no environment variable this check recognises, and has no example file",
            );
        }
        let (first, (path, line)) = reads
            .iter()
            .next()
            .map(|(k, v)| (k.clone(), v.clone()))
            .unwrap_or_default();
        return Outcome::fail(format!(
            "the service reads {} environment variable{} ({}; `{first}` at {path}:{line}) but no example file documents them; add .env.example with each one and an empty or placeholder value",
            reads.len(),
            if reads.len() == 1 { "" } else { "s" },
            list(reads.keys())
        ))
        .at(path, line);
    };
    let missing: Vec<(&String, &(String, u32))> = reads
        .iter()
        .filter(|(k, _)| !documented.contains(*k))
        .collect();
    if !missing.is_empty() {
        let detail: Vec<String> = missing
            .iter()
            .take(10)
            .map(|(k, (p, l))| format!("{k} ({p}:{l})"))
            .collect();
        let more = if missing.len() > 10 {
            format!(" and {} more", missing.len() - 10)
        } else {
            String::new()
        };
        return Outcome::fail(format!(
            "{} does not document {} variable{} the service reads: {}{more}; add each with an empty or placeholder value",
            example.path,
            missing.len(),
            if missing.len() == 1 { "" } else { "s" },
            detail.join(", ")
        ))
        .at(&example.path, None)
        .at_all(missing.iter().take(10).map(|(_, (p, l))| crate::audit::Location {
            path: p.clone(),
            line: Some(*l),
        }));
    }
    if reads.is_empty() {
        return Outcome::pass(format!(
            "{} documents {} variable{} with placeholder values",
            example.path,
            documented.len(),
            if documented.len() == 1 { "" } else { "s" }
        ))
        .at(&example.path, None);
    }
    Outcome::pass(format!(
        "{} documents all {} variable{} the service reads ({}) with placeholder values",
        example.path,
        reads.len(),
        if reads.len() == 1 { "" } else { "s" },
        list(reads.keys())
    ))
    .at(&example.path, None)
}

fn list<'a>(names: impl Iterator<Item = &'a String>) -> String {
    let names: Vec<&String> = names.collect();
    let shown: Vec<&str> = names.iter().take(6).map(|s| s.as_str()).collect();
    if names.len() > 6 {
        format!("{}, …", shown.join(", "))
    } else {
        shown.join(", ")
    }
}
