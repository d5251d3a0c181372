//! `ops.readiness-checks-deps`.

use std::sync::LazyLock;

use regex::Regex;

use crate::audit::source::config::{self, Role};
use crate::audit::source::routes::{Route, RouteMap};
use crate::audit::source::{find_dependency, re};
use crate::audit::{Context, Outcome};
use crate::repo::Repo;
use crate::repo::database::Engine;
use crate::repo::stack::Framework;
use crate::rx::WordGroups;

crate::declare_check! {
    /// Where the service uses a database, passes when a readiness endpoint checks it and
    /// answers 503 when it is down.
    ///
    /// The readiness route (`/readyz`, `/ready`, `/readiness`, `/health/ready`; failing
    /// those, a health route) is found by its declaration (see `ops.health-endpoint`). Its
    /// handler, and the functions it calls (followed by name across the service, three levels
    /// deep), must touch the database — `SELECT 1`, `.execute(`, `.ping(`, `PingContext`,
    /// `$queryRaw`, `isValid(`, `authenticate()`… — and answer 503 (`503`,
    /// `SERVICE_UNAVAILABLE`, `StatusServiceUnavailable`, `HttpStatus.SERVICE_UNAVAILABLE`).
    ///
    /// Health libraries that check the database and answer 503 by themselves count too:
    /// Spring Boot Actuator with a datasource (unless `management.health.db.enabled: false`),
    /// SmallRye Health with a datasource, `@nestjs/terminus` with an ORM health indicator,
    /// django-health-check's `health_check.db`, `@godaddy/terminus`, and Go's
    /// heptiolabs/healthcheck, alexliesenfeld/health or hellofresh/health-go with a database
    /// check.
    ///
    /// Skipped when no database is used, or when the service has no HTTP server.
    ///
    /// ## Why
    /// Traffic should reach an instance only when its database answers; a liveness check
    /// alone sends requests to a broken instance.
    ///
    /// ## How to fix
    /// Add `GET /readyz` that runs `SELECT 1` (a `ping` command for MongoDB) with a short
    /// timeout and answers 503 naming the failing dependency; point the orchestrator's
    /// readiness probe at it.
    OpsReadinessChecksDeps, "ops.readiness-checks-deps", check
}

/// Health-check libraries by their words: NestJS Terminus, the Django apps, GoDaddy's
/// Terminus, the Go libraries.
static HEALTH_LIBRARIES: WordGroups = WordGroups::new(&[
    &["@nestjs/terminus", "HealthCheckService"],
    &["health_check.db", "watchman"],
    &["createTerminus", "@godaddy/terminus"],
    &["healthcheck", "health-go", "alexliesenfeld/health"],
]);
static DB_TOUCH: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?i:\bselect\s+1\b)|\.ping\s*\(|\bPing(?:Context)?\s*\(|\.execute\s*\(|\.exec\s*\(",
        r"|\.query(?:Row|RowContext|Raw|One|Context)?\s*\(|\$queryRaw|\$executeRaw|\.raw\s*\(",
        r"|\.authenticate\s*\(|\.isValid\s*\(|\.cursor\s*\(|getConnection\s*\(|\.connect\s*\(",
        r"|\.acquire\s*\(|sqlx::query|\bquery!\s*\(|\.fetch_one\s*\(|\.get_conn\s*\(",
        r"|queryForObject\s*\(|createNativeQuery|ensure_connection|\.Exec(?:Context)?\s*\(",
        r"|\.pingCheck\s*\(|\.command\s*\(\s*\{?\s*['\x22]?ping|\.health_check\s*\(|\.is_connected\s*\(",
        r"|\bdb\.Raw\s*\(|\.Raw\s*\(|\.batch_execute\s*\(|SqlHealthCheck|DatabasePingCheck"
    ))
});
static UNAVAILABLE: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b503\b|SERVICE_UNAVAILABLE|ServiceUnavailable|HTTP_503"));
static NEST_INDICATOR: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?:TypeOrm|Prisma|Sequelize|Mongoose|MikroOrm)HealthIndicator|\.pingCheck\s*\(")
});
static GO_HEALTH_LIBS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"DatabasePingCheck|health\.WithCheck|health\.Check\s*\{|healthgo\.Config|checks/postgres|checks/mysql",
    )
});

fn check(repo: &Repo, ctx: &Context) -> Outcome {
    let Some(db) = repo.database() else {
        return Outcome::skip("no database is used, so readiness has no dependency to check");
    };
    let stack = repo.stack();
    let map = ctx.routes();
    if let Some(out) = library(repo, ctx) {
        return out;
    }
    let ready: Vec<&Route> = map.routes.iter().filter(|r| r.is_ready()).collect();
    let health: Vec<&Route> = map.routes.iter().filter(|r| r.is_health()).collect();
    let mut verdicts: Vec<(&Route, bool, bool)> = Vec::new();
    for r in ready.iter().chain(&health) {
        let text = map.handler_text(r, 3);
        let touches = DB_TOUCH.is_match(&text);
        let unavailable = UNAVAILABLE.is_match(&text);
        if touches && unavailable {
            let path = map.path_of(r);
            return Outcome::pass(format!(
                "{} ({path}:{}) checks the database and answers 503 when it is down",
                r.full, r.line
            ))
            .at(path, r.line);
        }
        verdicts.push((r, touches, unavailable));
    }
    if map.routes.is_empty() && stack.frameworks.is_empty() {
        return Outcome::skip("no HTTP server found (no web framework and no routes)");
    }
    let describe =
        |map: &RouteMap<'_>, r: &Route| format!("{} ({}:{})", r.full, map.path_of(r), r.line);
    if let Some((r, touches, _)) = verdicts.iter().find(|(r, _, _)| r.is_ready()) {
        let path = map.path_of(r);
        let what = if *touches {
            "checks the database but never answers 503"
        } else {
            "does not check the database"
        };
        return Outcome::fail(format!(
            "readiness endpoint {} {what}; run {} with a short timeout and answer 503 when it fails",
            describe(map, r),
            probe(db.engine)
        ))
        .at(path, r.line);
    }
    let out = Outcome::fail(format!(
        "no readiness endpoint checks the database ({}){}; add GET /readyz that runs {} with a short timeout and answers 503 when it fails",
        db.engine.name(),
        match health.first() {
            Some(r) => format!(", and the liveness endpoint {} does not", describe(map, r)),
            None => String::new(),
        },
        probe(db.engine)
    ));
    match health.first() {
        Some(r) => out.at(map.path_of(r), r.line),
        None => out,
    }
}

/// The cheapest round trip to the engine, for the fix.
fn probe(engine: Engine) -> &'static str {
    match engine {
        Engine::MongoDb => "a `ping` command (`db.command({ping: 1})`)",
        Engine::Oracle => "`SELECT 1 FROM DUAL`",
        _ => "`SELECT 1`",
    }
}

/// Health libraries that check the database and answer 503 by themselves.
fn library(repo: &Repo, ctx: &Context) -> Option<Outcome> {
    let stack = repo.stack();
    let manifest = stack.manifests.first().cloned().unwrap_or_default();
    let datasource = find_dependency(
        stack,
        &[
            "spring-boot-starter-jdbc",
            "spring-boot-starter-data-jpa",
            "spring-boot-starter-data-jdbc",
            "spring-boot-starter-data-r2dbc",
            "spring-boot-starter-data-mongodb",
            "quarkus-agroal",
            "quarkus-hibernate-orm*",
            "quarkus-jdbc-*",
            "quarkus-reactive-*",
            "micronaut-jdbc-hikari",
            "micronaut-data-*",
        ],
    );
    if stack.uses(Framework::SpringBoot)
        && stack.has_dependency("spring-boot-starter-actuator")
        && let Some(ds) = datasource
    {
        if let Some((path, line)) = db_health_disabled(repo) {
            return Some(
                Outcome::fail(format!(
                    "Spring Boot Actuator's database health check is disabled ({path}:{line}); remove `management.health.db.enabled: false` so readiness answers 503 when the database is down"
                ))
                .at(path, line),
            );
        }
        return Some(
            Outcome::pass(format!(
                "Spring Boot Actuator checks the datasource ({ds}) and answers 503 when it is DOWN ({manifest})"
            ))
            .at(&manifest, None),
        );
    }
    if stack.has_any_dependency(&["quarkus-smallrye-health", "micronaut-management"])
        && let Some(ds) = datasource
    {
        return Some(
            Outcome::pass(format!(
                "the framework's health endpoint checks the datasource ({ds}) and answers 503 when it is down ({manifest})"
            ))
            .at(&manifest, None),
        );
    }
    // One scan per file for the four libraries' words; bit order as in `HEALTH_LIBRARIES`.
    const NEST: u64 = 1;
    const DJANGO: u64 = 1 << 1;
    const GODADDY: u64 = 1 << 2;
    for (src, code) in ctx
        .production()
        .codes_where(|s| HEALTH_LIBRARIES.present(s.text) != 0)
    {
        let libraries = HEALTH_LIBRARIES.present(src.text);
        let text = code.code();
        let hit = if libraries & NEST != 0 {
            NEST_INDICATOR.find(text).map(|m| {
                (
                    m.start(),
                    "@nestjs/terminus with a database health indicator",
                )
            })
        } else if libraries & DJANGO != 0 {
            text.find("health_check.db")
                .map(|p| (p, "django-health-check's database check (health_check.db)"))
                .or_else(|| text.find("watchman").map(|p| (p, "django-watchman")))
        } else if libraries & GODADDY != 0 {
            text.find("healthChecks")
                .filter(|p| {
                    let end = (p + 2000).min(text.len());
                    DB_TOUCH.is_match(&text[*p..end])
                })
                .map(|p| (p, "@godaddy/terminus with a database check"))
        } else {
            GO_HEALTH_LIBS
                .find(text)
                .filter(|_| DB_TOUCH.is_match(text))
                .map(|m| (m.start(), "a health-check library with a database check"))
        };
        if let Some((at, what)) = hit {
            let line = code.line(at);
            return Some(
                Outcome::pass(format!(
                    "{what} answers 503 when the database is down ({}:{line})",
                    src.path
                ))
                .at(src.path, line),
            );
        }
    }
    None
}

fn db_health_disabled(repo: &Repo) -> Option<(String, u32)> {
    let prefix = repo.prefix.len();
    for f in repo.service_files() {
        let rel = &f.path[prefix..];
        if !config::is_spring_config(rel) || matches!(config::role(rel), Role::Dev | Role::Test) {
            continue;
        }
        let text = f.text()?;
        for e in config::flat_entries(rel, text) {
            if e.key == "management.health.db.enabled" && e.value == "false" {
                return Some((f.path.clone(), e.line));
            }
        }
    }
    None
}
