//! `api.versioned-routes`.

use std::sync::LazyLock;

use rayon::prelude::*;
use regex::Regex;

use crate::audit::source::re;
use crate::audit::source::routes::Route;
use crate::audit::{Context, Location, Outcome};
use crate::repo::Repo;
use crate::repo::stack::Framework;

crate::declare_check! {
    /// Passes when every public route lives under a version prefix (`/api/v1/items`,
    /// `/v2/orders`, `/{version}/…`), so a v2 can grow beside a v1.
    ///
    /// Routes are read from their declarations per framework (see `ops.health-endpoint`) and
    /// followed through what mounts them: router prefixes (`APIRouter(prefix="/api/v1")`,
    /// `Blueprint(url_prefix=…)`, gin/echo/fiber `Group("/v1")`, Koa `prefix`), mounts that
    /// name a router, module or function (`include_router(items.router, prefix="/v1")`,
    /// `app.use("/api/v1", itemsRouter)`, `.nest("/v1", api::routes())`, Django
    /// `path("api/v1/", include("items.urls"))`, Rocket `mount("/v1", routes![…])`), inline
    /// nesting (chi `Route("/v1", func…)`, actix `web::scope("/v1")…`, Ktor `route("/v1") {}`),
    /// class-level mappings (Spring `@RequestMapping("/api/v1/x")`, NestJS
    /// `@Controller({ path, version })`) and service-wide prefixes (Nest `setGlobalPrefix`,
    /// URI versioning, Spring `server.servlet.context-path`). Prefixes given by a constant
    /// (`settings.API_V1_STR`) are resolved; a router in a `v1/` package counts as versioned.
    ///
    /// Operational routes (health, readiness, metrics, docs, OpenAPI, admin, static) are not
    /// public API and may stay outside the version; neither are GraphQL endpoints (a GraphQL
    /// schema evolves without URL versions) nor server-rendered pages (Spring MVC
    /// `@Controller` views, handlers that render templates). Skipped when the service declares
    /// no public API routes, and for a Django site without an API framework (Django REST
    /// framework, django-ninja).
    ///
    /// ## Why
    /// A version prefix lets a v2 grow beside v1 and take traffic route by route (strangler
    /// fig) without breaking clients.
    ///
    /// ## How to fix
    /// Mount public routes under `/api/v1` (one router prefix) and keep health endpoints
    /// outside it.
    ApiVersionedRoutes, "api.versioned-routes", check
}

static PAGE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"render_template\s*\(|\brender\s*\(\s*request\b|TemplateResponse\s*\(|\bres\.render\s*\(|\breply\.view\s*\(|\bc\.HTML\s*\(|\bctx\.HTML\s*\(|Template::render|ModelAndView|\x22redirect:",
    )
});

/// Words every match of [`PAGE`] contains.
static PAGE_WORDS: LazyLock<Regex> =
    LazyLock::new(|| re(r"render|TemplateResponse|reply\.view|\.HTML|ModelAndView|redirect:"));

/// API frameworks on top of Django; without one, a Django project serves pages.
const DJANGO_API: &[&str] = &[
    "djangorestframework",
    "django-ninja",
    "graphene-django",
    "strawberry-graphql-django",
    "django-tastypie",
    "django-piston",
];

fn check(repo: &Repo, ctx: &Context) -> Outcome {
    let stack = repo.stack();
    if stack.language.is_none() {
        return Outcome::skip("no backend source or manifest found");
    }
    if stack.uses(Framework::Django) && !stack.has_any_dependency(DJANGO_API) {
        return Outcome::skip(
            "a Django site without an API framework (Django REST framework, django-ninja): its routes are pages, not a versioned API",
        );
    }
    let map = ctx.routes();
    // A root route ("/") is the index of an app, unless it is mounted under a version (an
    // Express router's "/" mounted at /api/v1/items is the collection route). GraphQL
    // evolves its schema instead of its URL, and server-rendered pages are not API.
    let candidates: Vec<&Route> = map
        .routes
        .iter()
        .filter(|r| !r.is_ops() || (r.versioned && r.full.split('/').all(str::is_empty)))
        .filter(|r| !r.page && !r.full.to_ascii_lowercase().contains("graphql"))
        .collect();
    // Whether a handler renders a page (itself or through a function it calls) is decided
    // for every route that would fail, and for versioned ones only until one API route shows
    // there is an API to judge.
    let pages = map.handler_matcher(&PAGE, &PAGE_WORDS);
    let is_page = |r: &Route| pages.matches(r);
    let (versioned, unversioned): (Vec<&Route>, Vec<&Route>) =
        candidates.into_iter().partition(|r| r.versioned);
    let unversioned: Vec<&Route> = unversioned
        .into_par_iter()
        .filter(|r| !is_page(r))
        .collect();
    if unversioned.is_empty() && versioned.iter().all(|r| is_page(r)) {
        return Outcome::skip(if map.routes.is_empty() {
            "no HTTP routes found"
        } else {
            "no public API routes found (only health, metrics, docs, GraphQL or server-rendered pages)"
        });
    }
    let public = unversioned.len() + versioned.len();
    if unversioned.is_empty() {
        let evidence = match &map.version_evidence {
            Some((path, line, prefix)) if *line > 0 => format!(" ({prefix} at {path}:{line})"),
            Some((path, _, prefix)) => format!(" ({prefix} in {path})"),
            None => String::new(),
        };
        let out = Outcome::pass(format!(
            "all {public} public routes are under a version prefix{evidence}"
        ));
        return match &map.version_evidence {
            Some((path, line, _)) => out.at(path, *line),
            None => out,
        };
    }
    let shown: Vec<String> = unversioned
        .iter()
        .take(5)
        .map(|r| format!("{} ({}:{})", r.full, map.path_of(r), r.line))
        .collect();
    let more = if unversioned.len() > 5 {
        format!(" and {} more", unversioned.len() - 5)
    } else {
        String::new()
    };
    Outcome::fail(format!(
        "{} of {} public routes are outside a version prefix: {}{more}; mount them under /api/v1 (one router prefix) and keep health endpoints outside it",
        unversioned.len(),
        public,
        shown.join(", ")
    ))
    .at_all(unversioned.iter().take(10).map(|r| Location {
        path: map.path_of(r).to_string(),
        line: Some(r.line).filter(|l| *l > 0),
    }))
}
