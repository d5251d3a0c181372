//! `api.spec`.

use std::sync::LazyLock;

use regex::Regex;

use crate::audit::source::{self, find_dependency, re};
use crate::audit::{Context, Outcome};
use crate::repo::Repo;
use crate::repo::stack::Framework;

crate::declare_check! {
    /// Passes when the API is described by OpenAPI: a committed document (a YAML or JSON
    /// file whose top-level `openapi:` or `swagger:` key says so, whatever its name), or a
    /// framework that serves one:
    ///
    /// - FastAPI (an app built with `FastAPI(...)`, unless `openapi_url=None`), django-ninja,
    ///   Litestar; drf-spectacular, drf-yasg or DRF's `get_schema_view`; flask-smorest,
    ///   flasgger, flask-restx, APIFlask, flask-openapi3, Connexion, SpecTree;
    /// - `@nestjs/swagger`, swagger-jsdoc, swagger-ui-express, tsoa, `@fastify/swagger`,
    ///   express-openapi-validator, `@hono/zod-openapi`;
    /// - utoipa, aide, okapi, paperclip, poem-openapi, apistos;
    /// - swaggo, go-swagger, ogen, oapi-codegen, kin-openapi, huma;
    /// - springdoc-openapi, springfox, micronaut-openapi, SmallRye OpenAPI (Quarkus).
    ///
    /// It is skipped when the service has no HTTP framework and commits no document.
    ///
    /// ## Why
    /// Clients, tests and documentation are generated from one description instead of
    /// drifting apart.
    ///
    /// ## How to fix
    /// Commit `openapi.yaml`, or let the framework serve one (FastAPI does; drf-spectacular,
    /// springdoc, utoipa, `@nestjs/swagger`, swaggo).
    ApiSpec, "api.spec", check
}

static SPEC_KEY: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?m)^[ \t{]*["']?(openapi|swagger)["']?[ \t]*:[ \t]*["']?([23])"#));
static FASTAPI_APP: LazyLock<Regex> = LazyLock::new(|| re(r"\b(?:fastapi\.)?FastAPI\s*\("));

/// (library, dependency patterns).
const SERVERS: &[(&str, &[&str])] = &[
    ("django-ninja", &["django-ninja"]),
    ("Litestar", &["litestar"]),
    ("drf-spectacular", &["drf-spectacular"]),
    ("drf-yasg", &["drf-yasg"]),
    ("flask-smorest", &["flask-smorest"]),
    ("flasgger", &["flasgger"]),
    ("flask-restx", &["flask-restx", "flask-restplus"]),
    ("APIFlask", &["apiflask"]),
    ("flask-openapi3", &["flask-openapi3"]),
    ("Connexion", &["connexion"]),
    ("SpecTree", &["spectree"]),
    ("flask-apispec", &["flask-apispec"]),
    ("@nestjs/swagger", &["@nestjs/swagger"]),
    ("swagger-jsdoc", &["swagger-jsdoc"]),
    ("swagger-ui-express", &["swagger-ui-express"]),
    ("tsoa", &["tsoa"]),
    ("@fastify/swagger", &["@fastify/swagger", "fastify-swagger"]),
    (
        "express-openapi-validator",
        &["express-openapi-validator", "express-openapi"],
    ),
    (
        "@hono/zod-openapi",
        &[
            "@hono/zod-openapi",
            "hono-openapi",
            "@asteasolutions/zod-to-openapi",
        ],
    ),
    ("utoipa", &["utoipa", "utoipa-*"]),
    ("aide", &["aide"]),
    ("okapi", &["okapi", "rocket_okapi"]),
    ("paperclip", &["paperclip"]),
    ("poem-openapi", &["poem-openapi"]),
    ("apistos", &["apistos"]),
    ("swaggo", &["github.com/swaggo/*"]),
    (
        "go-swagger",
        &["github.com/go-swagger/*", "github.com/go-openapi/runtime"],
    ),
    ("ogen", &["github.com/ogen-go/ogen"]),
    (
        "oapi-codegen",
        &[
            "github.com/deepmap/oapi-codegen*",
            "github.com/oapi-codegen/*",
        ],
    ),
    ("kin-openapi", &["github.com/getkin/kin-openapi"]),
    ("huma", &["github.com/danielgtaylor/huma*"]),
    (
        "springdoc-openapi",
        &["springdoc-openapi*", "org.springdoc"],
    ),
    ("springfox", &["springfox*"]),
    ("micronaut-openapi", &["micronaut-openapi"]),
    (
        "SmallRye OpenAPI",
        &["quarkus-smallrye-openapi", "smallrye-open-api*"],
    ),
];

fn check(repo: &Repo, ctx: &Context) -> Outcome {
    if let Some((path, line, kind)) = committed_document(repo) {
        return Outcome::pass(format!("{path}:{line} is an {kind} document")).at(&path, line);
    }
    let stack = repo.stack();
    if stack.uses(Framework::FastApi) {
        match fastapi_app(ctx) {
            Some((path, line, true)) => {
                return Outcome::pass(format!(
                    "the FastAPI app ({path}:{line}) serves its OpenAPI document at /openapi.json"
                ))
                .at(&path, line);
            }
            Some((path, line, false)) => {
                return Outcome::fail(format!(
                    "the FastAPI app at {path}:{line} sets `openapi_url=None`, so no OpenAPI document is served or committed; serve it (at least outside production) or commit openapi.yaml"
                ))
                .at(&path, line);
            }
            None => {}
        }
    }
    let manifest = stack.manifests.first().cloned().unwrap_or_default();
    for (name, deps) in SERVERS {
        if let Some(dep) = find_dependency(stack, deps) {
            return Outcome::pass(format!(
                "{name} ({dep} in {manifest}) serves the OpenAPI document"
            ))
            .at(&manifest, None);
        }
    }
    if stack.uses(Framework::Django)
        && let Some((path, line)) = drf_schema_view(ctx)
    {
        return Outcome::pass(format!(
            "Django REST framework's schema view serves the OpenAPI document ({path}:{line})"
        ))
        .at(&path, line);
    }
    if stack.frameworks.is_empty() {
        return Outcome::skip("no HTTP framework found and no OpenAPI document committed");
    }
    let names: Vec<&str> = stack.frameworks.iter().map(|f| f.name()).collect();
    Outcome::fail(format!(
        "no OpenAPI document is committed and the {} service does not serve one; commit openapi.yaml or add the framework's OpenAPI generator ({})",
        names.join("/"),
        suggestion(stack.frameworks.first().copied())
    ))
}

fn suggestion(f: Option<Framework>) -> &'static str {
    match f {
        Some(Framework::Django) => "drf-spectacular or django-ninja",
        Some(Framework::Flask) => "flask-smorest or APIFlask",
        Some(Framework::Express | Framework::Koa) => "swagger-jsdoc or tsoa",
        Some(Framework::NestJs) => "@nestjs/swagger",
        Some(Framework::Fastify) => "@fastify/swagger",
        Some(Framework::Axum | Framework::ActixWeb | Framework::Rocket | Framework::Warp) => {
            "utoipa or aide"
        }
        Some(
            Framework::Gin
            | Framework::Echo
            | Framework::Chi
            | Framework::Fiber
            | Framework::NetHttp,
        ) => "swaggo or huma",
        Some(Framework::SpringBoot) => "springdoc-openapi",
        Some(Framework::Quarkus) => "quarkus-smallrye-openapi",
        Some(Framework::Micronaut) => "micronaut-openapi",
        _ => "an OpenAPI generator",
    }
}

/// A committed OpenAPI/Swagger document: YAML or JSON with the top-level key.
fn committed_document(repo: &Repo) -> Option<(String, u32, &'static str)> {
    let prefix = repo.prefix.len();
    let mut found: Vec<(String, u32, &'static str)> = repo
        .service_files()
        .filter_map(|f| {
            let rel = &f.path[prefix..];
            let lower = rel.to_ascii_lowercase();
            let data =
                lower.ends_with(".yaml") || lower.ends_with(".yml") || lower.ends_with(".json");
            if !data
                || f.is_vendored()
                || f.is_test()
                || lower.ends_with("package.json")
                || lower.ends_with("-lock.json")
                || lower.starts_with(".github/")
            {
                return None;
            }
            let text = f.text()?;
            let head = &text[..text.floor_char_boundary(4096)];
            let c = SPEC_KEY.captures(head)?;
            let kind = if &c[1] == "openapi" {
                "OpenAPI"
            } else {
                "Swagger"
            };
            let line = source::line_at(head, c.get(1).map_or(0, |m| m.start()));
            Some((f.path.clone(), line, kind))
        })
        .collect();
    found.sort_by_key(|(p, _, _)| (p.matches('/').count(), p.clone()));
    found.into_iter().next()
}

/// The FastAPI application, and whether it serves its OpenAPI document.
fn fastapi_app(ctx: &Context) -> Option<(String, u32, bool)> {
    let mut disabled = None;
    for (src, code) in ctx.production().codes_where(|s| s.text.contains("FastAPI")) {
        for m in FASTAPI_APP.find_iter(code.code()) {
            let open = m.end() - 1;
            let args = &code.code()[open..code.close(open)];
            let line = code.line(m.start());
            static OFF: LazyLock<Regex> = LazyLock::new(|| re(r"\bopenapi_url\s*=\s*None\b"));
            let off = OFF.is_match(args);
            if off {
                disabled.get_or_insert((src.path.to_string(), line, false));
            } else {
                return Some((src.path.to_string(), line, true));
            }
        }
    }
    disabled
}

fn drf_schema_view(ctx: &Context) -> Option<(String, u32)> {
    for (src, code) in ctx
        .production()
        .codes_where(|s| s.text.contains("get_schema_view") || s.text.contains("SchemaGenerator"))
    {
        if let Some(at) = code.code().find("get_schema_view(") {
            return Some((src.path.to_string(), code.line(at)));
        }
    }
    None
}
