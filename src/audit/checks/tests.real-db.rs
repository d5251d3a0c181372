//! `tests.real-db`.

use serde_json::Value;

use crate::audit::ci::commands::image_engine;
use crate::audit::ci::{Ci, Kind, tasks};
use crate::audit::{Context, Outcome};
use crate::repo::{Engine, Repo};

crate::declare_check! {
    /// Where the service uses a database (see the repository's detected engine: a driver in
    /// the manifests, Django's `ENGINE`, Prisma's `provider`, a JDBC URL), passes when a CI job
    /// that runs the service's tests gives them a real server of the same engine:
    /// - a `services:` container whose image is the engine's (`postgres`, `postgis/postgis`,
    ///   `mysql`, `mariadb`, `mongo`, `mcr.microsoft.com/mssql/server`, …, matrix values
    ///   resolved);
    /// - or a step of that job that starts one: `docker run postgres:…`, `docker compose up`
    ///   or `run` of a compose service with that image (following `depends_on`), a set-up
    ///   action (`ikalnytskyi/action-setup-postgres`, `ankane/setup-mysql`, …), `service
    ///   postgresql start`, `pg_ctl start`, `pg_virtualenv`;
    /// - or tests that start the server themselves: Testcontainers, embedded PostgreSQL,
    ///   pytest-postgresql in the service's dependencies.
    ///
    /// A container of another engine (MySQL for a PostgreSQL service) or an in-memory stand-in
    /// (SQLite, H2) fails. A service that uses SQLite itself passes: its tests run the real
    /// engine in-process. Skips when no database is used, and when no workflow runs the tests
    /// (`tests.in-ci` fails then).
    ///
    /// ## Why
    /// An in-memory stand-in accepts SQL the production engine rejects and misses its
    /// constraints, locks and types; the bugs surface in production instead of in CI.
    ///
    /// ## How to fix
    /// Add a service container of the production engine to the test job, e.g.
    /// `services: postgres: image: postgres:17` with `env: POSTGRES_PASSWORD: postgres` and a
    /// health check, and point the tests at it (`DATABASE_URL=postgresql://postgres:postgres@localhost:5432/postgres`).
    TestsRealDb, "tests.real-db", check
}

/// Dependencies whose tests start a real server themselves.
const SELF_STARTING: &[&str] = &[
    "testcontainers",
    "testcontainers-postgres",
    "@testcontainers/postgresql",
    "@testcontainers/mysql",
    "@testcontainers/mongodb",
    "@testcontainers/mssqlserver",
    "github.com/testcontainers/testcontainers-go",
    "testcontainers-modules",
    "pytest-postgresql",
    "pytest-mysql",
    "pytest-docker",
    "pytest-docker-compose",
    "embedded-postgres",
    "github.com/fergusstrange/embedded-postgres",
    "postgresql_embedded",
    "pg-embed",
    "testing.postgresql",
    "testing-postgresql",
    "mongodb-memory-server",
];

/// A dependency with which the tests start a real server themselves (Testcontainers in any of
/// its package names, embedded PostgreSQL, pytest-postgresql), read from the manifests.
fn self_starting(repo: &Repo) -> Option<String> {
    let stack = repo.stack();
    if let Some(d) = stack
        .dependencies
        .iter()
        .find(|d| d.contains("testcontainers") || SELF_STARTING.contains(&d.as_str()))
    {
        return Some(d.clone());
    }
    // Gradle build files are not parsed into dependencies: read their coordinates.
    stack
        .manifests
        .iter()
        .filter(|m| m.ends_with(".gradle") || m.ends_with(".gradle.kts"))
        .filter_map(|m| repo.text(m))
        .find_map(|t| {
            ["org.testcontainers", "io.zonky.test:embedded-postgres"]
                .iter()
                .find(|c| t.contains(*c))
                .map(|c| c.to_string())
        })
}

fn check(repo: &Repo, ctx: &Context) -> Outcome {
    let Some(db) = repo.database() else {
        return Outcome::skip("the service uses no database");
    };
    let engine = db.engine;
    if engine == Engine::Sqlite {
        return Outcome::pass(format!(
            "the service uses SQLite ({}), which its tests run in-process: the same engine as production",
            db.evidence
        ))
        .at(&db.evidence, None);
    }
    let ci = ctx.ci();
    let test_jobs: Vec<(usize, usize)> = ci
        .jobs()
        .filter(|(_, _, _, j)| ci.is_test_job(j))
        .map(|(fi, ji, _, _)| (fi, ji))
        .collect();
    if test_jobs.is_empty() {
        return Outcome::skip("no workflow runs the tests (see tests.in-ci)");
    }
    let stack = repo.stack();
    let testcontainers = self_starting(repo);
    let mut wrong: Option<(String, String, u32)> = None;
    for &(fi, ji) in &test_jobs {
        let flow = &ci.flows[fi];
        let job = &flow.jobs[ji];
        // Service containers of the job.
        for (name, svc) in job.job.services.iter().flatten() {
            let raw = match svc {
                Value::Object(m) => m.get("image").and_then(Value::as_str).unwrap_or(""),
                Value::String(s) => s.as_str(),
                _ => "",
            };
            let line = tasks::find_line(flow.text, job.line, |l| {
                l.contains("image") && l.contains(raw)
            })
            .unwrap_or(job.line);
            for image in ci.resolve(fi, ji, raw) {
                match image_engine(&image) {
                    Some(e) if e == engine => {
                        return Outcome::pass(format!(
                            "job `{}` ({}:{}) runs the tests with a {} service container `{name}` (image `{image}`), the engine the service uses ({})",
                            job.id, flow.path, job.line, engine.name(), db.evidence
                        ))
                        .at(flow.path, line);
                    }
                    Some(other) => {
                        wrong.get_or_insert((
                            format!("job `{}` gives the tests a {} container (`{image}`) but the service uses {}", job.id, other.name(), engine.name()),
                            flow.path.to_string(),
                            line,
                        ));
                    }
                    None => {}
                }
            }
        }
        // Steps that start one.
        for f in job.facts.iter().filter(|f| f.found.kind == Kind::Database) {
            match f.found.engine {
                Some(e) if e == engine => {
                    return Outcome::pass(format!(
                        "job `{}` ({}:{}) starts {} for the tests: {} ({})",
                        job.id,
                        flow.path,
                        job.line,
                        engine.name(),
                        f.describe(),
                        f.at()
                    ))
                    .at(&f.path, f.line);
                }
                Some(other) => {
                    wrong.get_or_insert((
                        format!(
                            "job `{}` starts {} ({}) but the service uses {}",
                            job.id,
                            other.name(),
                            f.at(),
                            engine.name()
                        ),
                        f.path.clone(),
                        f.line,
                    ));
                }
                None => {}
            }
        }
        if let Some(dep) = testcontainers {
            let fact = ci.tests(job).next();
            return Outcome::pass(format!(
                "the tests start a real database themselves (`{dep}` in {}), and job `{}` ({}:{}) runs them{}",
                stack.manifests.first().map_or("the manifests", String::as_str),
                job.id,
                flow.path,
                job.line,
                fact.map(|f| format!(": {}", f.describe())).unwrap_or_default()
            ))
            .at(flow.path, job.line);
        }
    }
    let (fi, ji) = test_jobs[0];
    let flow = &ci.flows[fi];
    let job = &flow.jobs[ji];
    let image = match engine {
        Engine::Postgres => "postgres:17",
        Engine::MySql => "mysql:8.4",
        Engine::MongoDb => "mongo:8",
        Engine::SqlServer => "mcr.microsoft.com/mssql/server:2022-latest",
        Engine::Oracle => "gvenzl/oracle-free:slim",
        Engine::Sqlite => "",
    };
    let stand_in = in_memory_hint(ci, fi, ji);
    let outcome = match wrong {
        Some((msg, path, line)) => Outcome::fail(format!(
            "{msg} ({}); use a `{image}` service container instead",
            db.evidence
        ))
        .at(&path, line),
        None => Outcome::fail(format!(
            "job `{}` ({}:{}) runs the tests without a {} server: no `services:` container or step starts one{stand_in} (the service uses {} per {}); add `services: db: image: {image}` to the job",
            job.id,
            flow.path,
            job.line,
            engine.name(),
            engine.name(),
            db.evidence
        ))
        .at(flow.path, job.line),
    };
    ci.unless_broken(outcome)
}

/// ", and DATABASE_URL points at SQLite" when the job's environment says so.
fn in_memory_hint(ci: &Ci<'_>, fi: usize, ji: usize) -> String {
    let flow = &ci.flows[fi];
    let job = &flow.jobs[ji].job;
    let mut texts: Vec<String> = Vec::new();
    for env in [flow.wf.env.as_ref(), job.env.as_ref()]
        .into_iter()
        .flatten()
    {
        texts.push(env.to_string());
    }
    for s in &job.steps {
        if let Some(e) = &s.value.env {
            texts.push(e.to_string());
        }
    }
    let joined = texts.join(" ").to_ascii_lowercase();
    if joined.contains("sqlite") {
        ", and the job's environment points the tests at SQLite".to_string()
    } else if joined.contains("jdbc:h2") || joined.contains(":memory:") {
        ", and the job's environment points the tests at an in-memory database".to_string()
    } else {
        String::new()
    }
}
