//! `ops.telemetry`.

use crate::audit::source::find_dependency;
use crate::audit::{Context, Outcome};
use crate::repo::Repo;
use crate::repo::stack::Language;

crate::declare_check! {
    /// Passes when errors, metrics or traces leave the process: an OpenTelemetry SDK,
    /// a Prometheus client or exporter, Sentry, or an APM agent (Datadog, New Relic,
    /// Elastic APM, Honeybadger, Rollbar, Bugsnag, Application Insights, AppSignal).
    ///
    /// A dependency in the main language's manifests is required *and* its use: an import or
    /// initialisation in the service's production code (`import sentry_sdk`,
    /// `from prometheus_client import`, `require('prom-client')`,
    /// `go.opentelemetry.io/otel`, `use opentelemetry`), or an agent launcher in the
    /// Dockerfile, Procfile, compose file or package.json scripts (`opentelemetry-instrument`,
    /// `ddtrace-run`, `newrelic-admin`, `-javaagent:`, `--require @opentelemetry/…`). On the
    /// JVM, Spring Boot starters and Micrometer registries configure themselves, so the
    /// dependency is enough. A dependency that nothing imports fails: it sends nothing.
    ///
    /// ## Why
    /// What is not exported is not seen: errors and latency must reach a system that alerts
    /// before users do.
    ///
    /// ## How to fix
    /// Export metrics (a Prometheus client and a `/metrics` endpoint) or traces
    /// (OpenTelemetry), or report errors (Sentry), initialised once at start-up.
    OpsTelemetry, "ops.telemetry", check
}

/// (tool, dependency patterns, source markers).
const TOOLS: &[(&str, &[&str], &[&str])] = &[
    (
        "OpenTelemetry",
        &[
            "opentelemetry*",
            "@opentelemetry/*",
            "go.opentelemetry.io/*",
            "tracing-opentelemetry",
            "logfire",
            "@vercel/otel",
        ],
        &[
            "opentelemetry",
            "go.opentelemetry.io",
            "logfire",
            "@vercel/otel",
            "otel::",
        ],
    ),
    (
        "Prometheus",
        &[
            "prometheus-client",
            "prometheus-fastapi-instrumentator",
            "starlette-exporter",
            "starlette-prometheus",
            "django-prometheus",
            "prometheus-flask-exporter",
            "aioprometheus",
            "prom-client",
            "express-prom-bundle",
            "@willsoto/nestjs-prometheus",
            "fastify-metrics",
            "github.com/prometheus/client_golang",
            "prometheus",
            "metrics-exporter-prometheus",
            "axum-prometheus",
            "actix-web-prom",
            "simpleclient*",
            "micrometer-registry-*",
            "github.com/armon/go-metrics",
            "github.com/penglongli/gin-metrics",
        ],
        &[
            "prometheus",
            "prom-client",
            "prom_client",
            "express-prom-bundle",
            "PrometheusModule",
            "fastify-metrics",
            "ginmetrics",
            "metrics_exporter",
        ],
    ),
    (
        "Sentry",
        &[
            "sentry-sdk",
            "@sentry/*",
            "github.com/getsentry/sentry-go",
            "sentry",
            "sentry-*",
            "raven",
        ],
        &["sentry", "Sentry", "raven"],
    ),
    (
        "an APM agent",
        &[
            "ddtrace",
            "dd-trace",
            "datadog",
            "hot-shots",
            "newrelic",
            "elastic-apm",
            "elastic-apm-node",
            "go.elastic.co/apm*",
            "gopkg.in/datadog/dd-trace-go.v1",
            "github.com/datadog/dd-trace-go*",
            "github.com/newrelic/go-agent*",
            "honeybadger",
            "@honeybadger-io/js",
            "rollbar",
            "bugsnag",
            "@bugsnag/*",
            "scout-apm",
            "applicationinsights",
            "appsignal",
            "@appsignal/nodejs",
            "@google-cloud/trace-agent",
            "dd-java-agent",
            "elastic-apm-agent",
            "statsd",
        ],
        &[
            "ddtrace",
            "dd-trace",
            "datadog",
            "newrelic",
            "elasticapm",
            "elastic-apm",
            "apm.",
            "honeybadger",
            "Honeybadger",
            "rollbar",
            "Rollbar",
            "bugsnag",
            "Bugsnag",
            "applicationinsights",
            "appsignal",
            "statsd",
            "StatsD",
            "hot-shots",
        ],
    ),
];

/// Launchers that attach an agent without code.
const LAUNCHERS: &[&str] = &[
    "opentelemetry-instrument",
    "ddtrace-run",
    "newrelic-admin",
    "-javaagent:",
    "@opentelemetry/auto-instrumentations-node/register",
    "dd-trace/init",
    "newrelic/index",
    "-r newrelic",
    "elastic-apm-node/start",
];

fn check(repo: &Repo, ctx: &Context) -> Outcome {
    let stack = repo.stack();
    if stack.language.is_none() {
        return Outcome::skip("no backend source or manifest found");
    }
    if let Some((tool, path, line, what)) = launcher(repo) {
        return Outcome::pass(format!(
            "{tool} is attached at start-up by `{what}` ({path}:{line})"
        ))
        .at(path, line);
    }
    let manifest = stack.manifests.first().cloned().unwrap_or_default();
    let mut declared_unused: Option<(&str, &str)> = None;
    let corpus = ctx.production();
    for (tool, deps, markers) in TOOLS {
        let Some(dep) = find_dependency(stack, deps) else {
            continue;
        };
        if stack.language == Some(Language::Jvm) {
            return Outcome::pass(format!(
                "{tool} ({dep}) is a dependency; Spring Boot and Micrometer configure it at start-up"
            ))
            .at(&manifest, None);
        }
        for (src, code) in corpus.codes_where(|s| markers.iter().any(|m| s.text.contains(m))) {
            if let Some((at, m)) = markers
                .iter()
                .filter_map(|m| code.code().find(m).map(|at| (at, *m)))
                .min()
            {
                let line = code.line(at);
                return Outcome::pass(format!(
                    "{tool} ({dep}) is used in {}:{line} (`{m}`)",
                    src.path
                ))
                .at(src.path, line);
            }
        }
        declared_unused.get_or_insert((tool, dep));
    }
    match declared_unused {
        Some((tool, dep)) => Outcome::fail(format!(
            "{tool} ({dep}) is declared in {manifest} but nothing in the service's code imports or initialises it; initialise it at start-up so errors or metrics leave the process"
        ))
        .at(&manifest, None),
        None => Outcome::fail(
            "no telemetry found: no OpenTelemetry, Prometheus, Sentry or APM agent in the service; export metrics (Prometheus) or traces (OpenTelemetry), or report errors (Sentry)",
        ),
    }
}

/// An agent launcher in a Dockerfile, Procfile, compose file or package.json scripts.
fn launcher(repo: &Repo) -> Option<(&'static str, String, u32, &'static str)> {
    let prefix = repo.prefix.len();
    for f in repo.service_files() {
        let rel = &f.path[prefix..];
        if f.is_vendored() || f.is_test() {
            continue;
        }
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let relevant = name.starts_with("Dockerfile")
            || name.ends_with(".dockerfile")
            || name == "Containerfile"
            || name == "Procfile"
            || name == "package.json"
            || (name.contains("compose") && (name.ends_with(".yml") || name.ends_with(".yaml")));
        if !relevant {
            continue;
        }
        let Some(text) = f.text() else { continue };
        for (i, line) in text.lines().enumerate() {
            if line.trim_start().starts_with('#') {
                continue;
            }
            if let Some(l) = LAUNCHERS.iter().find(|l| line.contains(*l)) {
                let tool = if l.contains("opentelemetry") {
                    "OpenTelemetry"
                } else {
                    "an APM agent"
                };
                return Some((tool, f.path.clone(), i as u32 + 1, l));
            }
        }
    }
    None
}
