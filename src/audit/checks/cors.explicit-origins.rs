//! `cors.explicit-origins`.

use std::sync::LazyLock;

use rayon::prelude::*;
use regex::Regex;

use crate::audit::source::config::{self, Role};
use crate::audit::source::{self, Code, Source, Syntax, re};
use crate::audit::{Context, Location, Outcome};
use crate::repo::Repo;
use crate::rx::Words;

crate::declare_check! {
    /// Where the service enables CORS, passes when the allowed origins are an explicit list
    /// (best read from configuration); fails on allow-all, worst with credentials. Skipped
    /// when no CORS is configured.
    ///
    /// CORS is found through the frameworks' real APIs, in production code (comments, tests
    /// and development-only settings ignored):
    /// - Python: Starlette/FastAPI `CORSMiddleware` (`allow_origins=["*"]`,
    ///   `allow_origin_regex=".*"`), flask-cors `CORS(app)` without origins and
    ///   `@cross_origin()`, django-cors-headers `CORS_ALLOW_ALL_ORIGINS = True` /
    ///   `CORS_ORIGIN_ALLOW_ALL = True`;
    /// - Node: `cors()` without options, `origin: '*'` or `origin: true`, Nest
    ///   `enableCors()` / `{ cors: true }`, `@fastify/cors` without options;
    /// - Go: gin-contrib and rs/cors `cors.Default()`/`AllowAll()`, `AllowAllOrigins: true`,
    ///   `AllowOrigins: []string{"*"}`, echo `middleware.CORS()`, fiber `cors.New()`;
    /// - Rust: tower-http `CorsLayer::permissive()`/`very_permissive()`,
    ///   `allow_origin(Any)`, actix-cors `Cors::permissive()`/`allow_any_origin()`;
    /// - JVM: `@CrossOrigin` without origins, `allowedOrigins("*")`,
    ///   `allowedOriginPatterns("*")`, `addAllowedOrigin("*")`, `applyPermitDefaultValues()`,
    ///   Ktor `anyHost()`, `allowed-origins: "*"` in application configuration;
    /// - any language: a literal `Access-Control-Allow-Origin: *` header.
    ///
    /// Production configuration is judged: a permissive setting in a development or test
    /// settings module is ignored, a permissive base overridden by the production module is
    /// judged with the override, and `["*"] if settings.debug else origins` counts as
    /// development-only.
    ///
    /// ## Why
    /// Allow-all CORS, worst of all with credentials, lets any website act with your users'
    /// sessions.
    ///
    /// ## How to fix
    /// Read the allowed origins from configuration (e.g. `CORS_ORIGINS`) as an explicit list;
    /// never `*`.
    CorsExplicitOrigins, "cors.explicit-origins", check
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    AllowAll { credentials: bool },
    Explicit,
}

#[derive(Debug, Clone)]
struct Site {
    path: String,
    rel: String,
    line: u32,
    what: String,
    verdict: Verdict,
}

static STAR: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"["'`]\*["'`]|["'`]\.\*["'`]|r["']\.\*["']|["'`]\^\.\*\$?["'`]|["'`]https?://\*["'`]"#)
});
static CREDENTIALS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)allow_credentials\s*=\s*True|supports_credentials\s*=\s*True|credentials\s*:\s*true|AllowCredentials\s*:\s*true|allow_credentials\s*\(\s*true|supports_credentials\s*\(|allowCredentials\s*\(\s*true|setAllowCredentials\s*\(\s*true|allowCredentials\s*=\s*(?:true|\x22true\x22)|CORS_ALLOW_CREDENTIALS\s*=\s*True|allowCredentials\s*\(\s*\)",
    )
});
static DEV_CONDITION: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)\bdebug\b|\bdev\b|development|\blocal\b|is_dev|isdev|NODE_ENV|\btesting\b")
});

// Python
static PY_CORS_MW: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:add_middleware|Middleware)\s*\(\s*CORSMiddleware\b"));
static PY_FLASK_CORS: LazyLock<Regex> = LazyLock::new(|| re(r"(?:^|[^\w.])CORS\s*\("));
static PY_CROSS_ORIGIN: LazyLock<Regex> = LazyLock::new(|| re(r"@cross_origin\s*\("));
static PY_DJANGO: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?m)^(CORS_ALLOW_ALL_ORIGINS|CORS_ORIGIN_ALLOW_ALL|CORS_ALLOWED_ORIGINS|CORS_ORIGIN_WHITELIST|CORS_ALLOWED_ORIGIN_REGEXES)\s*(?::[^=\n]+)?=\s*(.*)$",
    )
});
// Node
static JS_CORS_CALL: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:^|[^\w.$])(cors|fastifyCors)\s*\(|\.(enableCors)\s*\("));
static JS_REGISTER_CORS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"\.register\s*\(\s*(?:cors|fastifyCors|require\(\s*['"]@fastify/cors['"]\s*\)|import\(\s*['"]@fastify/cors['"]\s*\))\s*(\)|,)"#,
    )
});
static JS_CORS_TRUE: LazyLock<Regex> = LazyLock::new(|| re(r"\bcors\s*:\s*true\b"));
// Go
static GO_ALLOW_ALL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"\bcors\.(?:Default|AllowAll)\s*\(\s*\)|AllowAllOrigins\s*:\s*true|AllowOrigins\s*:\s*(?:\[\]string\s*\{[^}]*"\*"|"\*")|AllowedOrigins\s*:\s*\[\]string\s*\{[^}]*"(?:\*|https?://\*)"|middleware\.CORS\s*\(\s*\)|cors\.New\s*\(\s*\)|AllowOriginFunc\s*:\s*func\s*\([^)]*\)\s*bool\s*\{\s*return\s+true\s*\}"#,
    )
});
static GO_EXPLICIT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"AllowOrigins\s*:|AllowedOrigins\s*:|AllowOriginFunc\s*:|middleware\.CORSWithConfig\s*\(|cors\.New\s*\(\s*cors\.",
    )
});
// Rust
static RUST_ALLOW_ALL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"CorsLayer::(?:permissive|very_permissive)\s*\(\s*\)|\.allow_origin\s*\(\s*(?:Any|cors::Any|tower_http::cors::Any|AllowOrigin::any\s*\(\s*\)|AllowOrigin::mirror_request\s*\(\s*\)|"\*")|Cors::permissive\s*\(\s*\)|\.allow_any_origin\s*\(\s*\)|AllowedOrigins::all\s*\(\s*\)|\.send_wildcard\s*\(\s*\)"#,
    )
});
static RUST_EXPLICIT: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\.allow_origin\s*\(|\.allowed_origin(?:s|_fn)?\s*\(|AllowedOrigins::some")
});
// JVM
static JVM_ALLOW_ALL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"allowedOrigins\s*\(\s*"\*"\s*\)|allowedOriginPatterns\s*\(\s*"\*"\s*\)|setAllowedOrigins\s*\(\s*(?:List\.of|Arrays\.asList|asList|listOf|mutableListOf|Collections\.singletonList|singletonList)\s*\(\s*"\*"|setAllowedOriginPatterns\s*\(\s*(?:List\.of|Arrays\.asList|asList|listOf|mutableListOf|Collections\.singletonList|singletonList)\s*\(\s*"\*"|addAllowedOrigin(?:Pattern)?\s*\(\s*"\*"\s*\)|applyPermitDefaultValues\s*\(\s*\)|\banyHost\s*\(\s*\)"#,
    )
});
static JVM_EXPLICIT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"allowedOrigins\s*\(|allowedOriginPatterns\s*\(|setAllowedOrigins\s*\(|addAllowedOrigin\s*\(|\ballowHost\s*\(",
    )
});
static JVM_CROSS_ORIGIN: LazyLock<Regex> = LazyLock::new(|| re(r"@CrossOrigin\b(\s*\()?"));
// Any language: a literal header.
static HEADER_STAR: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?i)["'`]Access-Control-Allow-Origin["'`]\s*[,:=]\s*["'`]\*["'`]"#));

fn check(repo: &Repo, ctx: &Context) -> Outcome {
    let corpus = ctx.production();
    // Files are read in parallel and their sites merged in file order.
    let per_file: Vec<Vec<Site>> = (0..corpus.len())
        .into_par_iter()
        .filter(|&i| may_configure_cors(&corpus.sources[i]))
        .map(|i| sites_in(&corpus.sources[i], corpus.code(i)))
        .collect();
    let mut sites: Vec<Site> = per_file.into_iter().flatten().collect();
    sites.extend(config_sites(repo));
    // Django-style settings modules: a production module that sets CORS overrides the base.
    let prod_overrides = sites
        .iter()
        .any(|s| config::role(&s.rel) == Role::Prod && s.verdict == Verdict::Explicit);
    let judged: Vec<&Site> = sites
        .iter()
        .filter(|s| !(prod_overrides && config::role(&s.rel) == Role::Base && is_settings(&s.rel)))
        .collect();
    if judged.is_empty() {
        return if sites.is_empty() {
            Outcome::skip("no CORS configuration found")
        } else {
            Outcome::pass("CORS is configured by the production settings with explicit origins")
        };
    }
    let open: Vec<&&Site> = judged
        .iter()
        .filter(|s| matches!(s.verdict, Verdict::AllowAll { .. }))
        .collect();
    if let Some(first) = open.first() {
        let credentials = open
            .iter()
            .any(|s| matches!(s.verdict, Verdict::AllowAll { credentials: true }));
        let list: Vec<String> = open
            .iter()
            .take(5)
            .map(|s| format!("`{}` at {}:{}", s.what, s.path, s.line))
            .collect();
        let cred = if credentials {
            ", with credentials allowed"
        } else {
            ""
        };
        return Outcome::fail(format!(
            "CORS allows every origin ({}){cred}; read an explicit list of origins from configuration (e.g. CORS_ORIGINS) and never use `*`",
            list.join("; ")
        ))
        .at(&first.path, first.line)
        .at_all(open.iter().skip(1).map(|s| Location {
            path: s.path.clone(),
            line: Some(s.line).filter(|l| *l > 0),
        }));
    }
    let first = judged[0];
    Outcome::pass(format!(
        "CORS allows an explicit list of origins: `{}` at {}:{}",
        first.what, first.path, first.line
    ))
    .at(&first.path, first.line)
}

/// Whether a production file may configure CORS (names it), outside development and test
/// settings.
fn may_configure_cors(src: &Source<'_>) -> bool {
    static NAMES: Words = Words::new(&[
        "CORS",
        "cors",
        "Cors",
        "CrossOrigin",
        "Access-Control-Allow-Origin",
        "anyHost",
        "llowedOrigin",
    ]);
    NAMES.any_in(src.text) && !matches!(config::role(src.rel), Role::Dev | Role::Test)
}

/// Where one file configures CORS, and how.
fn sites_in(src: &Source<'_>, code: &Code) -> Vec<Site> {
    let mut sites = Vec::new();
    let mut push = |at: usize, what: &str, verdict: Verdict| {
        sites.push(Site {
            path: src.path.to_string(),
            rel: src.rel.to_string(),
            line: code.line(at),
            what: source::excerpt(what, 60),
            verdict,
        });
    };
    let text = code.code();
    for m in HEADER_STAR.find_iter(text) {
        push(
            m.start(),
            m.as_str(),
            Verdict::AllowAll {
                credentials: CREDENTIALS.is_match(text),
            },
        );
    }
    match src.syntax {
        Syntax::Python => python_sites(code, &mut push),
        Syntax::Js => js_sites(code, &mut push),
        Syntax::Go | Syntax::Rust => {
            let (allow_all, explicit) = if src.syntax == Syntax::Go {
                (&*GO_ALLOW_ALL, &*GO_EXPLICIT)
            } else {
                (&*RUST_ALLOW_ALL, &*RUST_EXPLICIT)
            };
            let credentials = CREDENTIALS.is_match(text);
            let mut any = false;
            for m in allow_all.find_iter(text) {
                any = true;
                push(m.start(), m.as_str(), Verdict::AllowAll { credentials });
            }
            if !any && let Some(m) = explicit.find(text) {
                push(m.start(), m.as_str(), Verdict::Explicit);
            }
        }
        Syntax::Java | Syntax::Kotlin => jvm_sites(code, &mut push),
    }
    sites
}

fn is_settings(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    rel.contains("settings") || config::is_spring_config(rel) || name.starts_with("config")
}

/// Whether an expression allows every origin, ignoring development-only branches
/// (`["*"] if settings.debug else origins`, `isDev ? '*' : origins`).
fn allows_all(expr: &str) -> bool {
    if !STAR.is_match(expr) {
        return false;
    }
    let conditional = (expr.contains(" if ") && expr.contains(" else ")) || expr.contains('?');
    if !conditional {
        return true;
    }
    // `["*"] if settings.debug else origins`: development only. `list.includes('*') ? '*' :
    // list`: the configured list decides, so the origins come from configuration.
    if DEV_CONDITION.is_match(expr) {
        return false;
    }
    let branches: Vec<&str> = if let Some((_, rest)) = expr.split_once('?') {
        rest.splitn(2, ':').collect()
    } else {
        let (a, rest) = expr.split_once(" if ").unwrap_or((expr, ""));
        vec![a, rest.split_once(" else ").map_or("", |(_, b)| b)]
    };
    branches.iter().all(|b| STAR.is_match(b))
}

/// The value of `name=` or `name:` among top-level arguments of the call at `open`.
fn argument<'c>(code: &'c Code, open: usize, names: &[&str]) -> Option<&'c str> {
    let close = code.close(open);
    let bare = code.bare().as_bytes();
    let text = code.code();
    let mut depth = 0;
    let mut start = open + 1;
    let end = close.saturating_sub(1).max(open + 1);
    let mut args = Vec::new();
    for i in open + 1..=end {
        let c = if i == end { b',' } else { bare[i] };
        match c {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b',' if depth == 0 => {
                args.push(text[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    for a in args {
        for n in names {
            if let Some(rest) = a.strip_prefix(n) {
                let rest = rest.trim_start();
                if let Some(v) = rest.strip_prefix('=').or_else(|| rest.strip_prefix(':')) {
                    return Some(v.trim());
                }
            }
        }
    }
    None
}

/// Positional arguments of the call at `open` (their count).
fn arg_count(code: &Code, open: usize) -> usize {
    let close = code.close(open);
    let inner = code.bare()[open + 1..close.saturating_sub(1).max(open + 1)].trim();
    if inner.is_empty() {
        return 0;
    }
    let mut depth = 0;
    let mut n = 1;
    for c in inner.bytes() {
        match c {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b',' if depth == 0 => n += 1,
            _ => {}
        }
    }
    n
}

/// A variable's value in the same file (`origins = ["*"]`), for `allow_origins=origins`.
fn local_value<'c>(code: &'c Code, expr: &str) -> Option<&'c str> {
    let name = expr.trim();
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') || name.is_empty() {
        return None;
    }
    let pattern = crate::rx::compile(&format!(
        r"(?m)^[ \t]*(?:const\s+|let\s+|var\s+)?{}\s*(?::[^=\n]+)?=\s*(.+)$",
        regex::escape(name)
    ))
    .ok()?;
    pattern
        .captures(code.code())
        .and_then(|c| c.get(1))
        .map(|m| m.as_str())
}

fn python_sites(code: &Code, push: &mut impl FnMut(usize, &str, Verdict)) {
    let text = code.code();
    let credentials_in_file = CREDENTIALS.is_match(text);
    for m in PY_CORS_MW.find_iter(text) {
        let open = m.start() + m.as_str().find('(').unwrap_or(0);
        let origins = argument(code, open, &["allow_origins"]).unwrap_or("");
        let regex = argument(code, open, &["allow_origin_regex"]).unwrap_or("");
        let credentials = argument(code, open, &["allow_credentials"]).is_some_and(|v| v == "True");
        let resolved = local_value(code, origins).unwrap_or(origins);
        let verdict = if allows_all(resolved) || allows_all(regex) {
            Verdict::AllowAll { credentials }
        } else {
            Verdict::Explicit
        };
        let what = if origins.is_empty() {
            format!("allow_origin_regex={regex}")
        } else {
            format!("allow_origins={origins}")
        };
        push(m.start(), &what, verdict);
    }
    for m in PY_FLASK_CORS.find_iter(text) {
        let open = m.start() + m.as_str().find('(').unwrap_or(0);
        if text[..m.start()].ends_with("class ") {
            continue;
        }
        let origins = argument(code, open, &["origins"]);
        let resources = argument(code, open, &["resources"]);
        let credentials =
            argument(code, open, &["supports_credentials"]).is_some_and(|v| v == "True");
        let args = &text[open..code.close(open)];
        let verdict = match (origins, resources) {
            (Some(o), _) if allows_all(local_value(code, o).unwrap_or(o)) => {
                Verdict::AllowAll { credentials }
            }
            (Some(_), _) => Verdict::Explicit,
            (None, Some(r)) if allows_all(r) || !r.contains("origins") => {
                Verdict::AllowAll { credentials }
            }
            (None, Some(_)) => Verdict::Explicit,
            (None, None) => Verdict::AllowAll { credentials },
        };
        push(
            m.start(),
            &format!("CORS{}", source::excerpt(args, 50)),
            verdict,
        );
    }
    for m in PY_CROSS_ORIGIN.find_iter(text) {
        let open = m.end() - 1;
        let origins = argument(code, open, &["origins"]);
        let explicit_first =
            arg_count(code, open) > 0 && argument(code, open, &["supports_credentials"]).is_none();
        let verdict = match origins {
            Some(o) if !allows_all(o) => Verdict::Explicit,
            None if explicit_first && !STAR.is_match(&text[open..code.close(open)]) => {
                Verdict::Explicit
            }
            _ => Verdict::AllowAll {
                credentials: credentials_in_file,
            },
        };
        push(m.start(), &text[m.start()..code.close(open)], verdict);
    }
    if text.contains("corsheaders") || text.contains("CORS_") {
        for c in PY_DJANGO.captures_iter(text) {
            let Some(m) = c.get(0) else { continue };
            let key = &c[1];
            let value = c[2].trim();
            let verdict = match key {
                "CORS_ALLOW_ALL_ORIGINS" | "CORS_ORIGIN_ALLOW_ALL" => {
                    if value == "True" {
                        Verdict::AllowAll {
                            credentials: credentials_in_file,
                        }
                    } else {
                        Verdict::Explicit
                    }
                }
                _ if allows_all(value) => Verdict::AllowAll {
                    credentials: credentials_in_file,
                },
                _ => Verdict::Explicit,
            };
            push(m.start(), m.as_str(), verdict);
        }
    }
}

fn js_sites(code: &Code, push: &mut impl FnMut(usize, &str, Verdict)) {
    let text = code.code();
    let imports_cors = text.contains("'cors'")
        || text.contains("\"cors\"")
        || text.contains("@fastify/cors")
        || text.contains("hono/cors")
        || text.contains("@koa/cors")
        || text.contains("kcors")
        || text.contains("enableCors");
    if !imports_cors && !text.contains("cors: true") && !text.contains("cors:true") {
        return;
    }
    for c in JS_CORS_CALL.captures_iter(text) {
        let (Some(m), Some(name)) = (c.get(0), c.get(1).or(c.get(2))) else {
            continue;
        };
        let open = m.end() - 1;
        let close = code.close(open);
        let args = &text[open..close];
        if name.as_str() == "cors" && !imports_cors {
            continue;
        }
        let credentials = CREDENTIALS.is_match(args);
        let verdict = if arg_count(code, open) == 0 {
            Verdict::AllowAll { credentials }
        } else {
            let origin = argument_in_object(args, "origin");
            match origin {
                Some(o) if o == "true" || allows_all(o) => Verdict::AllowAll { credentials },
                Some(o) => match local_value(code, o) {
                    Some(v) if allows_all(v) => Verdict::AllowAll { credentials },
                    _ => Verdict::Explicit,
                },
                // Options without `origin` keep the default: every origin.
                None if args.trim_start_matches('(').trim_start().starts_with('{') => {
                    Verdict::AllowAll { credentials }
                }
                None => Verdict::Explicit,
            }
        };
        push(
            name.start(),
            &format!("{}{}", name.as_str(), source::excerpt(args, 50)),
            verdict,
        );
    }
    for c in JS_REGISTER_CORS.captures_iter(text) {
        let Some(m) = c.get(0) else { continue };
        let open = m.start() + m.as_str().find('(').unwrap_or(0);
        let args = &text[open..code.close(open)];
        let credentials = CREDENTIALS.is_match(args);
        let verdict = match argument_in_object(args, "origin") {
            Some(o) if o == "true" || allows_all(o) => Verdict::AllowAll { credentials },
            Some(_) => Verdict::Explicit,
            None => Verdict::AllowAll { credentials },
        };
        push(
            m.start(),
            &format!("register{}", source::excerpt(args, 50)),
            verdict,
        );
    }
    for m in JS_CORS_TRUE.find_iter(text) {
        push(
            m.start(),
            m.as_str(),
            Verdict::AllowAll { credentials: false },
        );
    }
}

/// `origin: …` inside an options object, up to the next top-level comma or brace.
fn argument_in_object<'a>(args: &'a str, key: &str) -> Option<&'a str> {
    let p = crate::rx::compile(&format!(r"\b{key}\s*:\s*")).ok()?;
    let m = p.find(args)?;
    let rest = &args[m.end()..];
    let mut depth = 0;
    for (i, c) in rest.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth == 0 => return Some(rest[..i].trim()),
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => return Some(rest[..i].trim()),
            _ => {}
        }
    }
    Some(rest.trim())
}

fn jvm_sites(code: &Code, push: &mut impl FnMut(usize, &str, Verdict)) {
    let text = code.code();
    let credentials = CREDENTIALS.is_match(text);
    let mut any = false;
    for m in JVM_ALLOW_ALL.find_iter(text) {
        any = true;
        push(m.start(), m.as_str(), Verdict::AllowAll { credentials });
    }
    for c in JVM_CROSS_ORIGIN.captures_iter(text) {
        let Some(m) = c.get(0) else { continue };
        let (args, end) = if c.get(1).is_some() {
            let open = m.end() - 1;
            let close = code.close(open);
            (&text[open..close], close)
        } else {
            ("", m.end())
        };
        let has_origins = args.contains("origins")
            || args.contains("originPatterns")
            || args.contains("value")
            || args.trim_start_matches('(').trim_start().starts_with('"')
            || args.trim_start_matches('(').trim_start().starts_with('{')
            || args.trim_start_matches('(').trim_start().starts_with('[');
        let verdict = if !has_origins || STAR.is_match(args) {
            Verdict::AllowAll {
                credentials: args.contains("allowCredentials") && args.contains("true"),
            }
        } else {
            Verdict::Explicit
        };
        any = true;
        push(m.start(), &text[m.start()..end], verdict);
    }
    if !any && let Some(m) = JVM_EXPLICIT.find(text) {
        push(m.start(), m.as_str(), Verdict::Explicit);
    }
}

/// CORS origins in application configuration (Spring, Quarkus, Micronaut) and deployment
/// configuration (Kubernetes, compose, `.env.production`).
fn config_sites(repo: &Repo) -> Vec<Site> {
    let mut out = Vec::new();
    let prefix = repo.prefix.len();
    for f in repo.service_files() {
        let rel = &f.path[prefix..];
        if f.is_vendored() || rel.starts_with(".github/") || f.is_test() {
            continue;
        }
        let role = config::role(rel);
        if matches!(role, Role::Dev | Role::Test) {
            continue;
        }
        let lower = rel.to_ascii_lowercase();
        let name = lower.rsplit('/').next().unwrap_or(&lower);
        let deploy = (name.ends_with(".yaml") || name.ends_with(".yml"))
            && lower.split('/').any(|p| {
                matches!(
                    p,
                    "deploy"
                        | "deployment"
                        | "k8s"
                        | "kubernetes"
                        | "helm"
                        | "charts"
                        | "manifests"
                        | "kustomize"
                        | "overlays"
                        | "infra"
                )
            });
        let production_env = config::is_env_file(rel) && role == Role::Prod;
        if !(config::is_spring_config(rel) || deploy || production_env) {
            continue;
        }
        let Some(text) = f.text() else { continue };
        if !text.to_ascii_lowercase().contains("origin") {
            continue;
        }
        for e in config::flat_entries(rel, text) {
            let key = e.key.to_ascii_lowercase().replace(['-', '_'], "");
            let origin_key = key.ends_with("allowedorigins")
                || key.ends_with("allowedoriginpatterns")
                || key.ends_with("corsorigins")
                || key.ends_with("cors.origins")
                || key.ends_with("allowedorigin")
                || key.ends_with("corsalloworigins")
                || key.ends_with("corsallowedorigins");
            if !origin_key || e.value.is_empty() {
                continue;
            }
            let value = e.value.trim();
            let all = value == "*"
                || value == "/.*/"
                || value == ".*"
                || value.split(',').any(|v| v.trim() == "*");
            out.push(Site {
                path: f.path.clone(),
                rel: rel.to_string(),
                line: e.line,
                what: format!("{}: {}", e.key, source::excerpt(value, 40)),
                verdict: if all {
                    Verdict::AllowAll {
                        credentials: text.contains("allow-credentials: true")
                            || text.contains("allowCredentials: true"),
                    }
                } else {
                    Verdict::Explicit
                },
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn development_branches_do_not_count_as_allow_all() {
        assert!(allows_all(r#"["*"]"#));
        assert!(allows_all(r#"'*'"#));
        assert!(!allows_all(
            r#"["*"] if settings.debug else settings.cors_origins"#
        ));
        assert!(!allows_all("settings.cors_origins"));
        assert!(!allows_all(r#"["https://app.example.com"]"#));
        assert!(!allows_all("corsOrigins.includes('*') ? '*' : corsOrigins"));
        assert!(allows_all("ok ? '*' : \"*\""));
    }

    #[test]
    fn object_arguments_are_read() {
        assert_eq!(
            argument_in_object("({ origin: '*', credentials: true })", "origin"),
            Some("'*'")
        );
        assert_eq!(
            argument_in_object(
                "({ origin: process.env.ORIGINS.split(','), x: 1 })",
                "origin"
            ),
            Some("process.env.ORIGINS.split(',')")
        );
    }
}
