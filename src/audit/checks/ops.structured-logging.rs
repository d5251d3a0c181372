//! `ops.structured-logging`.

use std::sync::LazyLock;

use regex::Regex;

use crate::audit::source::{self, Code, Source, Syntax, config, re};
use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when the service's logs are structured (JSON) and configured in one place.
    ///
    /// JSON logging is recognised by the libraries' real configuration, in production code
    /// (comments ignored) and logging configuration files:
    /// - Python: structlog's `JSONRenderer`, python-json-logger, json-log-formatter, ECS
    ///   logging, loguru `serialize=True`, or a `logging.Formatter` subclass that
    ///   `json.dumps` its records (also inside a Django `LOGGING` dict);
    /// - Node: pino (and nestjs-pino, pino-http), bunyan, winston with `format.json()`, Nest's
    ///   `ConsoleLogger` with `json: true`;
    /// - Go: `slog.NewJSONHandler`, zap's production logger or JSON encoder, zerolog, logrus
    ///   with `JSONFormatter`;
    /// - Rust: tracing-subscriber's `.json()`, tracing-bunyan-formatter, slog-json;
    /// - JVM: logstash-logback-encoder, logback's `JsonEncoder`, log4j2 `JsonTemplateLayout`/
    ///   `JsonLayout`/`EcsLayout`, Spring Boot `logging.structured.format`, Quarkus JSON
    ///   logging.
    ///
    /// "In one place": for Python and Go, no other production module may configure plain-text
    /// logging of its own (`logging.basicConfig` without handlers, a local `dictConfig` with
    /// no JSON formatter, structlog's console renderer, slog's text handler, zap's development
    /// logger); migrations, scripts and tests aside. Calling the shared setup from several
    /// entry points (web, worker) is fine.
    ///
    /// ## Why
    /// JSON logs can be searched and aggregated by field; free text has to be grepped. One
    /// configuration means every module logs the same way.
    ///
    /// ## How to fix
    /// Configure one JSON log formatter at start-up (structlog, python-json-logger, pino, zap,
    /// slog's JSON handler, tracing-subscriber `.json()`, logstash-logback-encoder).
    OpsStructuredLogging, "ops.structured-logging", check
}

static JSON_PY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"JSONRenderer|pythonjsonlogger|jsonlogger\.|json_log_formatter|JSONFormatter|JsonFormatter\(|ecs_logging|logstash_formatter|serialize\s*=\s*True",
    )
});
static JSON_JS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"\bpino\s*\(|require\(\s*['"]pino['"]\)|from\s+['"](?:pino|nestjs-pino|pino-http)['"]|LoggerModule\.forRoot|bunyan\.createLogger|format\.json\s*\(|ConsoleLogger\s*\([^)]*json\s*:\s*true|ecsFormat|@elastic/ecs-(?:pino|winston)-format"#,
    )
});
static JSON_GO: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"slog\.NewJSONHandler|zap\.NewProduction|zapcore\.NewJSONEncoder|NewProductionConfig|"github\.com/rs/zerolog|zerolog\.New\(|JSONFormatter\{|ecszap"#,
    )
});
static JSON_RUST: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?s)\bfmt(?:::layer)?\s*\(\s*\)[^;]*?\.json\s*\(\s*\)|BunyanFormattingLayer|json_subscriber|slog_json|JsonEncoder|tracing_stackdriver|\.json\(\)\s*\.with_|\.flatten_event\(",
    )
});
static JSON_JVM_SRC: LazyLock<Regex> = LazyLock::new(|| {
    re(r"LogstashEncoder|JsonEncoder|JsonTemplateLayout|JsonLayout|EcsLayout|EcsEncoder")
});
static JSON_LOGBACK: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"LogstashEncoder|LoggingEventCompositeJsonEncoder|net\.logstash\.logback|EcsEncoder|classic\.encoder\.JsonEncoder|JsonTemplateLayout|<JsonLayout|<EcsLayout|JsonLayout",
    )
});
static ROOT_CONFIG_PY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\blogging\.basicConfig\s*\(|\b(?:logging\.config\.)?dictConfig\s*\(|\blogging\.config\.fileConfig\s*\(|\bstructlog\.configure\s*\(",
    )
});
static ROOT_CONFIG_GO: LazyLock<Regex> =
    LazyLock::new(|| re(r"\bslog\.SetDefault\s*\(|\bzap\.ReplaceGlobals\s*\("));
static PY_JSON_FORMATTER: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^[ \t]*class[ \t]+(\w+)[ \t]*\([^)]*Formatter[^)]*\)[ \t]*:"));

fn json_pattern(syntax: Syntax) -> &'static Regex {
    match syntax {
        Syntax::Python => &JSON_PY,
        Syntax::Js => &JSON_JS,
        Syntax::Go => &JSON_GO,
        Syntax::Rust => &JSON_RUST,
        Syntax::Java | Syntax::Kotlin => &JSON_JVM_SRC,
    }
}

/// Modules that configure logging for themselves, not for the service.
fn aside(rel: &str) -> bool {
    rel.split('/').any(|p| {
        matches!(
            p,
            "scripts" | "script" | "tools" | "bin" | "migrations" | "alembic"
        )
    }) || rel.ends_with("manage.py")
        || rel.ends_with("setup.py")
}

/// A root logging configuration, and whether it sets up plain text by itself.
struct Site {
    path: String,
    line: u32,
    plain: bool,
}

/// Whether the root logging configuration at `at` sets up plain text by itself: a
/// `basicConfig` without handlers, a `dictConfig` of a local dict in a module with no JSON
/// formatter (a call such as `dictConfig(setup_logging())` uses a shared configuration), a
/// structlog console/logfmt renderer, slog's text handler, zap's development logger.
fn plain_site(code: &Code, at: usize, syntax: Syntax, file_has_json: bool) -> bool {
    let text = code.code();
    let Some(open) = text[at..].find('(').map(|p| at + p) else {
        return false;
    };
    let call = &text[at..code.close(open).min(text.len())];
    let args = call[open - at + 1..].trim_end_matches(')').trim();
    match syntax {
        Syntax::Python if call.contains("basicConfig") => !args.contains("handlers"),
        Syntax::Python if call.contains("structlog") => {
            !args.contains("JSONRenderer")
                && (args.contains("ConsoleRenderer")
                    || args.contains("LogfmtRenderer")
                    || args.contains("KeyValueRenderer"))
        }
        Syntax::Python => !file_has_json && !args.contains('('),
        Syntax::Go => {
            call.contains("TextHandler")
                || call.contains("NewDevelopment")
                || call.contains("NewExample")
        }
        _ => false,
    }
}

fn check(repo: &Repo, ctx: &Context) -> Outcome {
    if repo.stack().language.is_none() {
        return Outcome::skip("no backend source or manifest found");
    }
    let mut json: Option<(String, u32, String)> = None;
    let mut sites: Vec<Site> = Vec::new();
    for (src, code) in ctx.production().codes_where(may_configure_logging) {
        let pattern = json_pattern(src.syntax);
        let root_config = root_config(src.syntax);
        let here = pattern
            .find(code.code())
            .map(|m| (code.line(m.start()), source::excerpt(m.as_str(), 40)))
            .or_else(|| {
                (src.syntax == Syntax::Python)
                    .then(|| python_json_formatter(code).map(|(l, n)| (l, format!("class {n}"))))
                    .flatten()
            });
        if json.is_none()
            && let Some((line, what)) = &here
        {
            json = Some((src.path.to_string(), *line, what.clone()));
        }
        if let Some(r) = root_config
            && !aside(src.rel)
        {
            for m in r.find_iter(code.code()) {
                sites.push(Site {
                    path: src.path.to_string(),
                    line: code.line(m.start()),
                    plain: plain_site(code, m.start(), src.syntax, here.is_some()),
                });
            }
        }
    }
    if json.is_none() {
        json = config_file_json(repo);
    }
    match json {
        Some((path, line, what)) => {
            let plain: Vec<&Site> = sites.iter().filter(|s| s.plain && s.path != path).collect();
            if let Some(first) = plain.first() {
                let list: Vec<String> = plain
                    .iter()
                    .map(|s| format!("{}:{}", s.path, s.line))
                    .collect();
                return Outcome::fail(format!(
                    "logs are JSON (`{what}` at {path}:{line}) but logging is also configured as plain text at {}; configure it once, at start-up, and import that",
                    list.join(", ")
                ))
                .at(&first.path, first.line)
                .at_all(plain.iter().skip(1).map(|s| crate::audit::Location {
                    path: s.path.clone(),
                    line: Some(s.line).filter(|l| *l > 0),
                }));
            }
            Outcome::pass(format!("logs are structured: `{what}` at {path}:{line}")).at(&path, line)
        }
        None => {
            let fail = Outcome::fail(match sites.first() {
                Some(s) => format!(
                    "logging is configured at {}:{} but not as JSON; configure one JSON formatter at start-up (structlog, python-json-logger, pino, zap, slog JSON handler, tracing-subscriber json, logstash encoder)",
                    s.path, s.line
                ),
                None => "no structured (JSON) logging configured; configure one JSON formatter at start-up (structlog, python-json-logger, pino, zap, slog JSON handler, tracing-subscriber json, logstash encoder)".to_string(),
            });
            match sites.first() {
                Some(s) => fail.at(&s.path, s.line),
                None => fail,
            }
        }
    }
}

/// The pattern of a root logging configuration, in the languages that have one.
fn root_config(syntax: Syntax) -> Option<&'static Regex> {
    match syntax {
        Syntax::Python => Some(&ROOT_CONFIG_PY),
        Syntax::Go => Some(&ROOT_CONFIG_GO),
        _ => None,
    }
}

/// Whether a file's raw text may set up JSON logging or configure the root logger.
fn may_configure_logging(src: &Source<'_>) -> bool {
    json_pattern(src.syntax).is_match(src.text)
        || (src.syntax == Syntax::Python && src.text.contains("Formatter"))
        || root_config(src.syntax).is_some_and(|r| r.is_match(src.text))
}

/// A `logging.Formatter` subclass that serialises records with a JSON library.
fn python_json_formatter(code: &Code) -> Option<(u32, String)> {
    for c in PY_JSON_FORMATTER.captures_iter(code.code()) {
        let m = c.get(0)?;
        let (_, end) = source::python_block(code.bare(), m.start());
        let body = &code.code()[m.start()..end];
        if body.contains("json.dumps")
            || body.contains("orjson.dumps")
            || body.contains("ujson.dumps")
            || body.contains("rapidjson.dumps")
        {
            return Some((code.line(m.start()), c[1].to_string()));
        }
    }
    None
}

/// JSON logging declared in configuration files: logback/log4j2 XML, Spring Boot or Quarkus
/// properties, a Python logging YAML/INI.
fn config_file_json(repo: &Repo) -> Option<(String, u32, String)> {
    let prefix = repo.prefix.len();
    for f in repo.service_files() {
        let rel = &f.path[prefix..];
        if f.is_vendored() || f.is_test() {
            continue;
        }
        let name = rel.rsplit('/').next().unwrap_or(rel).to_ascii_lowercase();
        let Some(text) = f.text() else { continue };
        if (name.starts_with("logback") || name.starts_with("log4j2")) && name.ends_with(".xml") {
            if let Some(m) = JSON_LOGBACK.find(&strip_xml_comments(text)) {
                return Some((
                    f.path.clone(),
                    source::line_at(text, m.start()),
                    m.as_str().to_string(),
                ));
            }
        } else if config::is_spring_config(rel)
            && !matches!(config::role(rel), config::Role::Dev | config::Role::Test)
        {
            for e in config::flat_entries(rel, text) {
                let structured = e.key.starts_with("logging.structured.format")
                    || e.key == "quarkus.log.console.json" && e.value != "false";
                if structured && !e.value.is_empty() {
                    return Some((f.path.clone(), e.line, format!("{}: {}", e.key, e.value)));
                }
            }
        } else if (name.starts_with("logging")
            || name.starts_with("log_config")
            || name.starts_with("gunicorn"))
            && (name.ends_with(".yaml")
                || name.ends_with(".yml")
                || name.ends_with(".ini")
                || name.ends_with(".json")
                || name.ends_with(".conf"))
            && let Some(m) = JSON_PY.find(text)
        {
            return Some((
                f.path.clone(),
                source::line_at(text, m.start()),
                m.as_str().to_string(),
            ));
        }
    }
    None
}

/// XML with `<!-- … -->` blanked (same offsets).
fn strip_xml_comments(text: &str) -> String {
    let mut out = text.as_bytes().to_vec();
    let mut from = 0;
    while let Some(s) = text[from..].find("<!--") {
        let start = from + s;
        let end = text[start..]
            .find("-->")
            .map_or(text.len(), |e| start + e + 3);
        for b in &mut out[start..end] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
        from = end;
    }
    String::from_utf8_lossy(&out).into_owned()
}
