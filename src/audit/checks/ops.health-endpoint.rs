//! `ops.health-endpoint`.

use std::sync::LazyLock;

use regex::Regex;

use crate::audit::source::re;
use crate::audit::source::routes::{self, RouteMap};
use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when the service exposes a liveness endpoint: a route whose path ends in
    /// `healthz`, `health`, `livez`, `live`/`liveness` under a health path, `healthcheck`,
    /// `ping`, `status` or `heartbeat` (`/healthz`, `/api/health`, `/health/live`).
    ///
    /// Routes are read from route declarations in production code, per framework (comments
    /// and strings elsewhere never count): FastAPI/Flask/Starlette decorators and
    /// `add_api_route`, Django `path()`, Express/Fastify/Koa `app.get("/x")`, NestJS
    /// `@Controller('health')` + `@Get()`, net/http `HandleFunc`, gin/echo/chi/fiber routes,
    /// axum `.route("/healthz", …)`, actix-web/Rocket attributes, Spring `@GetMapping`,
    /// JAX-RS `@Path`, Ktor `get("/x")`. A router mounted at a health path counts, and so do
    /// health libraries that serve the endpoint themselves: Spring Boot Actuator
    /// (`/actuator/health`), SmallRye Health, Micronaut management, django-health-check,
    /// `@godaddy/terminus` `healthChecks`.
    ///
    /// It is skipped when the service has no HTTP server (no framework, no routes): a worker
    /// has no endpoint to probe.
    ///
    /// ## Why
    /// Orchestrators and load balancers restart or route around a process only if they can
    /// ask it whether it is alive.
    ///
    /// ## How to fix
    /// Add `GET /healthz` that answers 200 without touching dependencies (keep it outside the
    /// versioned API).
    OpsHealthEndpoint, "ops.health-endpoint", check
}

static TERMINUS: LazyLock<Regex> =
    LazyLock::new(|| re(r#"healthChecks\s*:\s*\{[^}]*?["'`](/[\w/.-]*)["'`]\s*:"#));

fn check(repo: &Repo, ctx: &Context) -> Outcome {
    let stack = repo.stack();
    if stack.language.is_none() {
        return Outcome::skip("no backend source or manifest found");
    }
    let map = ctx.routes();
    if let Some(out) = found(map) {
        return out;
    }
    if let Some((path, what)) = routes::framework_health(repo) {
        return Outcome::pass(format!("{what} ({path})")).at(&path, None);
    }
    if let Some((path, line, p)) = library_endpoint(ctx) {
        return Outcome::pass(format!(
            "{p} is served by a health-check library ({path}:{line})"
        ))
        .at(&path, line);
    }
    if map.routes.is_empty() && stack.frameworks.is_empty() {
        return Outcome::skip("no HTTP server found (no web framework and no routes)");
    }
    let sample: Vec<String> = map
        .routes
        .iter()
        .take(3)
        .map(|r| format!("{} ({}:{})", r.full, map.path_of(r), r.line))
        .collect();
    let seen = if sample.is_empty() {
        String::new()
    } else {
        format!(
            " among {} routes (e.g. {})",
            map.routes.len(),
            sample.join(", ")
        )
    };
    Outcome::fail(format!(
        "no liveness endpoint (/healthz, /health, /livez){seen}; add GET /healthz that answers 200 without touching dependencies"
    ))
}

fn found(map: &RouteMap<'_>) -> Option<Outcome> {
    let mut health: Vec<&routes::Route> = map.routes.iter().filter(|r| r.is_health()).collect();
    // Prefer the conventional names.
    health.sort_by_key(|r| {
        let last = r.full.rsplit('/').next().unwrap_or("").to_ascii_lowercase();
        match last.as_str() {
            "healthz" | "livez" => 0,
            "health" | "live" | "liveness" => 1,
            _ => 2,
        }
    });
    if let Some(r) = health.first() {
        let path = map.path_of(r);
        return Some(
            Outcome::pass(format!("liveness endpoint {} at {path}:{}", r.full, r.line))
                .at(path, r.line),
        );
    }
    for m in &map.mounts {
        let at_health = m.path.as_deref().is_some_and(routes::is_health_path);
        let library = m
            .refs
            .iter()
            .any(|r| matches!(r.as_str(), "health_check" | "watchman" | "health"));
        if at_health || library {
            let path = map.corpus.sources[m.source].path;
            let line = map.mount_line(m);
            let shown = m.path.clone().unwrap_or_else(|| "a health router".into());
            return Some(
                Outcome::pass(format!(
                    "liveness endpoint mounted at {shown} ({path}:{line})"
                ))
                .at(path, line),
            );
        }
    }
    None
}

/// `@godaddy/terminus` and similar libraries that declare health paths in an options object.
fn library_endpoint(ctx: &Context) -> Option<(String, u32, String)> {
    for (src, code) in ctx
        .production()
        .codes_where(|s| s.text.contains("healthChecks"))
    {
        for c in TERMINUS.captures_iter(code.code()) {
            if routes::is_health_path(&c[1]) || routes::is_ready_path(&c[1]) {
                let at = c.get(1).map_or(0, |m| m.start());
                return Some((src.path.to_string(), code.line(at), c[1].to_string()));
            }
        }
    }
    None
}
