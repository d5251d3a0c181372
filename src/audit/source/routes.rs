//! HTTP routes declared in the service's source, per framework, with the prefixes they are
//! mounted under.
//!
//! Route declarations are recognised by the frameworks' real APIs, on comment-masked code:
//! - Python: decorators `@app.get("/x")`, `@router.post`, `@bp.route` (FastAPI, Flask,
//!   Starlette, django-ninja), `add_api_route`/`add_url_rule`, Starlette `Route`/`Mount`,
//!   aiohttp, Django `path()`/`re_path()`/`url()` in URLconfs and DRF `router.register`;
//!   prefixes from `APIRouter(prefix=…)`, `Blueprint(url_prefix=…)`, `include_router(…,
//!   prefix=…)`, `register_blueprint`, `mount`, `include()`;
//! - Node: `app.get("/x", …)` and friends on Express/Fastify/Koa/Hono routers (HTTP client
//!   receivers such as `axios` are ignored), `router.route()`, NestJS `@Controller`/`@Get`,
//!   `app.use("/v1", router)`, Fastify `register(…, { prefix })`, Nest `setGlobalPrefix` and URI
//!   versioning;
//! - Go: `HandleFunc`/`Handle` (net/http, gorilla), dispatch on `r.URL.Path == "/x"` (or a
//!   constant), gin/echo `GET`, chi/fiber `Get`, `Group`,
//!   `Route`, `Mount`, `PathPrefix`;
//! - Rust: axum `.route`/`.nest`, actix-web and Rocket attributes, `web::resource`/`web::scope`,
//!   Rocket `mount`, warp `path!`;
//! - JVM: Spring `@GetMapping`/`@RequestMapping` (class and method), JAX-RS `@Path`, Micronaut
//!   `@Controller`/`@Get`, Ktor `route`/`get`, functional `GET(…)`; Spring's context path.
//!
//! A route is *versioned* when its path carries a version segment (`/v1`, `/api/v2`) directly
//! or through what it is mounted under. Mounting is followed structurally: a router variable
//! with a prefix, a call's argument span (`nest("/v1", Router::new().route(…))`), an actix
//! scope's chain, a Ktor `route {}` block, and references across files (the module, function
//! or variable a versioned mount names, resolved through the file's imports).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, LazyLock};

use rayon::prelude::*;
use regex::Regex;

use super::config::{self, Role};
use super::{CapturesEach as _, Code, Corpus, Source, Syntax, re};
use crate::repo::Repo;
use crate::repo::stack::Framework;
use crate::rx::{WordGroups, Words};

/// One route declaration.
#[derive(Debug, Clone)]
pub struct Route {
    /// Index into [`RouteMap::sources`].
    pub source: usize,
    /// The path as declared (constants resolved), e.g. `/items/{id}`.
    pub path: String,
    /// The path with the prefixes known from the same file (class mapping, router variable).
    /// Set through [`Route::set_full`], which keeps `role` in step.
    pub full: String,
    pub line: u32,
    pub at: usize,
    /// Where to look for the handler: the call's arguments, or the decorated definition.
    pub handler: (usize, usize),
    /// Whether `handler` names the handler (a reference to resolve) rather than holding it.
    pub by_reference: bool,
    pub versioned: bool,
    /// A server-rendered page (a Spring MVC `@Controller` method returning a view name), not
    /// an API route.
    pub page: bool,
    /// What `full` names, read once when `full` is set: the checks ask about every route.
    role: PathRole,
}

impl Route {
    /// A liveness route: see [`is_health_path`].
    pub fn is_health(&self) -> bool {
        self.role.health
    }

    /// A readiness route: see [`is_ready_path`].
    pub fn is_ready(&self) -> bool {
        self.role.ready
    }

    /// An operational or documentation route: see [`is_ops_path`].
    pub fn is_ops(&self) -> bool {
        self.role.ops
    }

    fn set_full(&mut self, full: String) {
        self.role = path_role(&full);
        self.full = full;
    }
}

/// A router, app or module mounted under a prefix (`include_router`, `app.use("/v1", r)`,
/// `.nest`, `web::scope`, Django `include()`).
#[derive(Debug, Clone)]
pub struct Mount {
    pub source: usize,
    pub at: usize,
    pub receiver: Option<String>,
    pub path: Option<String>,
    /// Identifiers the mount names as its target.
    pub refs: Vec<String>,
    /// Where mounted routes may be written inline (argument list, chain or block).
    pub span: (usize, usize),
}

#[derive(Debug, Clone)]
struct VarPrefix {
    source: usize,
    var: String,
    prefix: String,
    parent: Option<String>,
}

/// The routes of a service and what is needed to follow their handlers.
pub struct RouteMap<'a> {
    /// The service's production sources (masked on demand), shared with the checks.
    pub corpus: Arc<Corpus<'a>>,
    pub routes: Vec<Route>,
    pub mounts: Vec<Mount>,
    /// A version prefix applied to every route (Nest global prefix, Spring context path).
    pub global_version: Option<(String, u32, String)>,
    /// Where a version prefix is declared (for messages).
    pub version_evidence: Option<(String, u32, String)>,
}

impl RouteMap<'_> {
    pub fn path_of(&self, route: &Route) -> &str {
        self.corpus.sources[route.source].path
    }

    /// The line of a mount.
    pub fn mount_line(&self, mount: &Mount) -> u32 {
        self.corpus.code(mount.source).line(mount.at)
    }

    /// The handler's code and what it calls, `depth` levels deep.
    pub fn handler_text(&self, route: &Route, depth: usize) -> String {
        super::expand_calls(
            (route.source, route.handler),
            &self.corpus,
            depth,
            route.by_reference,
        )
    }
}

/// Which handlers match a pattern in their own code or in a function they call: what
/// [`RouteMap::handler_text`] with depth 1 shows, without reading most of it.
///
/// A file whose raw text lacks the pattern's words cannot contribute a match (masking only
/// blanks text), so only the files holding them are parsed for functions, once, and the
/// functions whose code matches are remembered by name. A handler then matches if its own
/// code does, or if it calls one of those names; no lookup touches the other files.
pub struct HandlerMatcher<'m, 'a> {
    map: &'m RouteMap<'a>,
    pattern: &'m Regex,
    /// Per source: whether its raw text holds the pattern's words.
    candidate: Vec<bool>,
    /// Functions defined in candidate files whose code matches.
    matching: HashSet<&'m str>,
}

impl<'a> RouteMap<'a> {
    /// A [`HandlerMatcher`] for `pattern`; `words` must match wherever `pattern` does (its
    /// literal words, e.g. `render|TemplateResponse` for `render_template\s*\(|…`).
    pub fn handler_matcher<'m>(
        &'m self,
        pattern: &'m Regex,
        words: &Regex,
    ) -> HandlerMatcher<'m, 'a> {
        let corpus = &self.corpus;
        let candidate: Vec<bool> = corpus
            .sources
            .par_iter()
            .map(|s| words.is_match(s.text))
            .collect();
        let matching = (0..corpus.len())
            .into_par_iter()
            .filter(|&i| candidate[i])
            .flat_map_iter(|i| {
                let code = corpus.code(i).code();
                corpus
                    .functions_in(i)
                    .iter()
                    .filter_map(move |(name, def)| {
                        let (from, to) = def.body;
                        let to = to.min(code.len());
                        pattern
                            .is_match(&code[from.min(to)..to])
                            .then_some(name.as_str())
                    })
            })
            .collect();
        HandlerMatcher {
            map: self,
            pattern,
            candidate,
            matching,
        }
    }
}

impl HandlerMatcher<'_, '_> {
    pub fn matches(&self, route: &Route) -> bool {
        let corpus = &self.map.corpus;
        if route.source >= corpus.len() {
            return false;
        }
        let code = corpus.code(route.source);
        let to = route.handler.1.min(code.code().len());
        let from = route.handler.0.min(to);
        if self.candidate[route.source] && self.pattern.is_match(&code.code()[from..to]) {
            return true;
        }
        !self.matching.is_empty()
            && super::called_names(&code.bare()[from..to], route.by_reference)
                .into_iter()
                .any(|n| !super::GENERIC_CALLS.contains(&n) && self.matching.contains(n))
    }
}

/// Whether a path carries a version segment.
///
/// The path is lower-cased rather than the pattern made case-insensitive: with `(?i)` the
/// pattern took 0.56 ms to compile instead of 0.35, and paths are short.
pub fn has_version(path: &str) -> bool {
    static VERSION: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?:^|[/^])(?:v\d+(?:\.\d+)?|\{version\}|:version|<version>|\{api_version\}|api/\d+)(?:[/${<]|$)",
        )
    });
    if path.bytes().any(|b| b.is_ascii_uppercase()) {
        VERSION.is_match(&path.to_ascii_lowercase())
    } else {
        VERSION.is_match(path)
    }
}

/// Joins path pieces with single slashes.
pub fn join(parts: &[&str]) -> String {
    let mut out = String::new();
    for p in parts {
        let p = p.trim_matches(|c| c == '^' || c == '$');
        for seg in p.split('/').filter(|s| !s.is_empty()) {
            out.push('/');
            out.push_str(seg);
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

// Word tests written as `matches!`, which compiles to a switch on length and a few
// comparisons. Each route's path is read in one pass ([`path_role`]): the checks ask about
// every route of the service (125,000 calls for the 25,000 routes of the generated benchmark
// tree), and splitting the path again for each question cost a tenth of that audit.

/// A path segment that names a liveness endpoint.
fn is_health_word(segment: &[u8]) -> bool {
    matches!(
        segment,
        b"health"
            | b"healthz"
            | b"healthcheck"
            | b"health-check"
            | b"health_check"
            | b"_health"
            | b"livez"
            | b"live"
            | b"liveness"
            | b"alive"
            | b"ping"
            | b"status"
            | b"heartbeat"
    )
}

/// A path segment that names a readiness endpoint.
fn is_ready_word(segment: &[u8]) -> bool {
    matches!(segment, b"ready" | b"readyz" | b"readiness" | b"_ready")
}

/// A path segment of an operational or documentation route.
fn is_ops_word(segment: &[u8]) -> bool {
    matches!(
        segment,
        b"metrics"
            | b"docs"
            | b"redoc"
            | b"swagger"
            | b"swagger-ui"
            | b"openapi"
            | b"openapi.json"
            | b"openapi.yaml"
            | b"api-docs"
            | b"favicon.ico"
            | b"robots.txt"
            | b"static"
            | b"assets"
            | b"actuator"
            | b"admin"
            | b".well-known"
            | b"version"
            | b"-"
            | b"__debug__"
    )
}

/// What a route's path is for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct PathRole {
    health: bool,
    ready: bool,
    ops: bool,
}

/// What one segment names, in lower case.
#[derive(Clone, Copy, Default)]
struct Segment {
    health: bool,
    ready: bool,
    /// `live` or `liveness`: a liveness path when the path names health before.
    live: bool,
    /// `live`, `liveness` or `livez`: a liveness path right under a health segment.
    live_under_health: bool,
}

/// Reads a path's segments once, without the regex anchors of Django paths.
fn path_role(path: &str) -> PathRole {
    // The words are short lower-case ASCII: a segment is lowered on the stack, and one longer
    // than the longest word is none of them.
    const LONGEST: usize = 16;
    let (mut last, mut before): (Option<Segment>, Option<Segment>) = (None, None);
    let (mut any_health, mut any_ops, mut all_catch_all) = (false, false, true);
    // A parameter (`:id`, `{id}`, `<int:id>`, `(?P<id>…)`) names a resource: `/orders/:id/status`
    // is the status of one order, not the service's liveness.
    let mut parameter = false;
    for raw in path.as_bytes().split(|&b| b == b'/') {
        let start = raw.iter().position(|&b| b != b'^' && b != b'$');
        let end = raw.iter().rposition(|&b| b != b'^' && b != b'$');
        let (Some(start), Some(end)) = (start, end) else {
            continue;
        };
        let raw = &raw[start..=end];
        all_catch_all &= matches!(raw, b"*" | b"(.*)" | b".*" | b"{*}" | b"**");
        parameter |= matches!(raw.first(), Some(b':' | b'{' | b'<' | b'('))
            && !matches!(raw, b"(.*)" | b"{*}");
        let mut buf = [0u8; LONGEST];
        let word = if raw.len() <= LONGEST && raw.iter().any(u8::is_ascii_uppercase) {
            let lower = &mut buf[..raw.len()];
            lower.copy_from_slice(raw);
            lower.make_ascii_lowercase();
            &*lower
        } else {
            raw
        };
        let seg = Segment {
            health: is_health_word(word),
            ready: is_ready_word(word),
            live: matches!(word, b"live" | b"liveness"),
            live_under_health: matches!(word, b"live" | b"liveness" | b"livez"),
        };
        any_health |= seg.health;
        any_ops |= seg.health || seg.ready || is_ops_word(word);
        before = last.replace(seg);
    }
    let Some(last) = last else {
        // The root: an index or a preflight.
        return PathRole {
            ops: true,
            ..PathRole::default()
        };
    };
    let health = !parameter
        && (last.health
            || last.live && any_health
            || before.is_some_and(|b| b.health) && last.live_under_health);
    let ready = !parameter && last.ready;
    PathRole {
        health,
        ready,
        // Catch-alls (`*`, `/*`, `(.*)`) answer a 404 or a preflight.
        ops: all_catch_all || health || ready || any_ops,
    }
}

/// A liveness path: `/healthz`, `/health`, `/livez`, `/api/health`, `/health/live`…
pub fn is_health_path(path: &str) -> bool {
    path_role(path).health
}

/// A readiness path: `/readyz`, `/ready`, `/health/ready`, `/readiness`…
pub fn is_ready_path(path: &str) -> bool {
    path_role(path).ready
}

/// Operational or documentation routes, which are not the public API.
pub fn is_ops_path(path: &str) -> bool {
    path_role(path).ops
}

/// HTTP client objects whose `.get("/x")` is a request, not a route.
const CLIENT_RECEIVERS: &[&str] = &[
    "axios",
    "http",
    "https",
    "$http",
    "got",
    "ky",
    "superagent",
    "request",
    "agent",
    "client",
    "httpclient",
    "httpClient",
    "api",
    "apiClient",
    "fetcher",
    "instance",
    "supertest",
    "chai",
    "requests",
    "httpx",
    "session",
    "cache",
    "map",
    "params",
    "searchParams",
    "headers",
    "config",
    "configService",
    "req",
    "res",
    "ctx",
    "c",
    "store",
    "localStorage",
    "redis",
    "cookies",
    "query",
    "env",
    "process",
    "window",
    "document",
    "router_push",
];

// --- patterns -------------------------------------------------------------------------------

/// The methods a route decorator calls (`@app.get(`, `@bp.route(`, `@api.view(`).
const PY_ROUTE_METHODS: &[&str] = &[
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "head",
    "options",
    "trace",
    "api_route",
    "route",
    "websocket",
    "view",
];

/// A route decorator: `@` first on its line (after indentation), a dotted name whose last
/// part is one of [`PY_ROUTE_METHODS`], then `(` (blanks allowed around the name).
struct PyDecorator<'t> {
    /// Where the `@` is.
    at: usize,
    /// The name before the method: `app`, `router`, `api.v1`.
    receiver: &'t str,
    /// Where the `(` is.
    open: usize,
}

/// The route decorators of a Python text, in order: what
/// `(?m)^[ \t]*@[ \t]*([A-Za-z_][\w.]*)\.(get|post|…)[ \t]*\(` matches (ASCII `\w`).
///
/// Read by hand from each `@`: a service can declare thousands of routes this way, and the
/// pattern's search took about 2,600 instructions a decorator on the generated tree's 25,104.
fn py_route_decorators(text: &str) -> impl Iterator<Item = PyDecorator<'_>> {
    let b = text.as_bytes();
    let blank = |c: &u8| matches!(c, b' ' | b'\t');
    let skip_blanks = move |mut i: usize| {
        while b.get(i).is_some_and(blank) {
            i += 1;
        }
        i
    };
    memchr::memchr_iter(b'@', b).filter_map(move |at| {
        let line_start = memchr::memrchr(b'\n', &b[..at]).map_or(0, |p| p + 1);
        if !b[line_start..at].iter().all(blank) {
            return None;
        }
        let name_start = skip_blanks(at + 1);
        if !b
            .get(name_start)
            .is_some_and(|&c| c.is_ascii_alphabetic() || c == b'_')
        {
            return None;
        }
        let mut end = name_start;
        while b
            .get(end)
            .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.')
        {
            end += 1;
        }
        // The method is the last part: an earlier one is followed by `.`, not `(`.
        let (receiver, method) = text[name_start..end].rsplit_once('.')?;
        let open = skip_blanks(end);
        (PY_ROUTE_METHODS.contains(&method) && b.get(open) == Some(&b'(')).then_some(PyDecorator {
            at,
            receiver,
            open,
        })
    })
}
static PY_CALL_ROUTE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"([A-Za-z_][\w.]*)\.(add_api_route|add_url_rule|add_route|add_get|add_post|add_put|add_patch|add_delete|add_api_websocket_route|add_websocket_route|register)\s*\(",
    )
});
// These two are called as free functions (`Route(`, not `x.Route(` or `APIRoute(`): read
// their matches through `free_calls`.
static PY_STARLETTE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(Route|WebSocketRoute|Mount|Host)\s*\("));
static PY_AIOHTTP: LazyLock<Regex> =
    LazyLock::new(|| re(r"\bweb\.(get|post|put|patch|delete|view|route)\s*\("));
static PY_DJANGO: LazyLock<Regex> = LazyLock::new(|| re(r"(path|re_path|url)\s*\("));

/// The matches of `pattern` that are calls of a free function: not right after a `.` or an
/// identifier character.
///
/// Written into the pattern (`(?:^|[^.\w])Route…`) the condition hid the pattern's words from
/// the regex engine's literal prefilter, and every file was scanned by the lazy DFA, byte by
/// byte: about 10 instructions a byte beyond reading the file, against 2 with the words
/// leading (13 generated route files, callgrind).
fn free_calls<'t>(
    pattern: &'t Regex,
    text: &'t str,
) -> impl Iterator<Item = regex::Captures<'t>> + 't {
    pattern.captures_iter(text).filter(move |c| {
        let start = c.get(0).map_or(0, |m| m.start());
        !text.as_bytes()[..start]
            .last()
            .is_some_and(|&b| b == b'.' || b == b'_' || b.is_ascii_alphanumeric())
    })
}
static PY_ROUTER_VAR: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?m)^[ \t]*([A-Za-z_]\w*)[ \t]*(?::[^=\n]+)?=[ \t]*(?:[\w.]+\.)?(APIRouter|Blueprint|APIBlueprint|Namespace|NinjaAPI|Router|Api|FastAPI|Flask|Quart|Starlette|Sanic)[ \t]*\(",
    )
});
static PY_MOUNT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"([A-Za-z_][\w.]*)\.(include_router|register_blueprint|add_namespace|mount|add_router|register_api)\s*\(",
    )
});

static JS_VERB: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"([A-Za-z_$][\w$.]*)\s*\.\s*(get|post|put|patch|delete|del|all|head|options|route|use|register)\s*(?:<[^>()]*>)?\s*\(",
    )
});
static JS_DECORATOR: LazyLock<Regex> = LazyLock::new(|| {
    re(r"@(Get|Post|Put|Patch|Delete|All|Head|Options|Controller|Version|Sse)\b\s*(\()?")
});
static JS_GLOBAL: LazyLock<Regex> =
    LazyLock::new(|| re(r"\.(setGlobalPrefix|enableVersioning)\s*\("));
static JS_ROUTER_VAR: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*(?:new\s+(?:Koa)?Router\s*\(|new\s+Hono\s*\(\s*\)\s*\.\s*basePath\s*\(|(?:express\.)?Router\s*\()",
    )
});

static GO_ROUTE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"([A-Za-z_][\w.]*)\.(HandleFunc|Handle|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|Any|Get|Post|Put|Patch|Delete|Head|Options|All|Group|Route|Mount|PathPrefix|Static)\s*\(",
    )
});
/// net/http dispatch written by hand: `r.URL.Path == apiHealthPath` (a literal or a constant).
static GO_PATH_EQ: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b[A-Za-z_]\w*\.URL\.Path\s*==\s*([A-Za-z_][\w.]*|\x22[^\x22\n]*\x22)"));
static GO_VAR: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"([A-Za-z_]\w*)\s*:?=\s*([A-Za-z_][\w.]*)\.(Group|PathPrefix|Route)\s*\(\s*\x22([^\x22]*)\x22",
    )
});

static RUST_CALL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(\.route|\.nest|\.nest_service|\.at|\.mount|web::resource|web::scope|\bresource|\bscope|warp::path!|\bpath!)\s*\(",
    )
});
static RUST_ATTR: LazyLock<Regex> = LazyLock::new(|| {
    re(r"#\[\s*(?:actix_web::|rocket::)?(get|post|put|patch|delete|head|options|route)\s*\(")
});

static JVM_MAPPING: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"@(GetMapping|PostMapping|PutMapping|PatchMapping|DeleteMapping|RequestMapping|Path|Controller|RestController|Get|Post|Put|Patch|Delete|GET|POST|PUT|PATCH|DELETE)\b\s*(\()?",
    )
});
static KTOR: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"\b(get|post|put|patch|delete|head|options|route)\s*\(\s*"([^"]*)"\s*\)\s*\{"#)
});
static JVM_FUNCTIONAL: LazyLock<Regex> =
    LazyLock::new(|| re(r#"\b(GET|POST|PUT|PATCH|DELETE)\s*\(\s*"([^"]*)""#));
static CLASS_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^\s*(?:@[\w.]+(?:\s*\([^)]*\))?\s*)*(?:(?:public|private|protected|internal|abstract|final|open|data|sealed|export|default)\s+)*(?:class|interface|object)\b",
    )
});
static IMPORT_PY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?m)^[ \t]*(?:from[ \t]+([.\w]+)[ \t]+import[ \t]+([^\n#]+)|import[ \t]+([.\w]+)(?:[ \t]+as[ \t]+(\w+))?)",
    )
});
static IMPORT_JS: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?:import\s+([^;'"]+?)\s+from\s*|require\s*\(\s*)['"]([^'"]+)['"]"#));
static IDENT: LazyLock<Regex> = LazyLock::new(|| re(r"[A-Za-z_$][\w$]*"));
static STRING_LIT: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?:[rRbBuUfF]{0,2})(?:"([^"\n]*)"|'([^'\n]*)'|`([^`]*)`)"#));

/// Words that name the framework objects themselves, not a mounted module.
const NOT_TARGETS: &[&str] = &[
    "self",
    "this",
    "app",
    "server",
    "express",
    "web",
    "http",
    "mux",
    "new",
    "Router",
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "routes",
    "to",
    "service",
    "configure",
    "Arc",
    "clone",
    "include",
    "urls",
    "as_view",
    "with_state",
    "into",
    "super",
    "crate",
    "prefix",
    "tags",
    "dependencies",
    "path",
    "url_prefix",
    "f",
    "r",
    "e",
    "g",
    "fn",
    "func",
    "async",
    "await",
    "return",
    "true",
    "false",
    "None",
    "null",
    "nil",
    "const",
    "let",
    "var",
    "chi",
    "gin",
    "echo",
    "fiber",
    "Handler",
    "HandlerFunc",
    "ServeHTTP",
];

// --- extraction -----------------------------------------------------------------------------

struct Arg {
    start: usize,
    end: usize,
}

/// Top-level arguments of the call whose `(` is at `open`.
fn args(code: &Code, open: usize) -> (Vec<Arg>, usize) {
    let b = code.bare().as_bytes();
    let close = code.close(open);
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = open + 1;
    let end = close.saturating_sub(1).max(open + 1);
    for (i, &c) in b.iter().enumerate().take(end).skip(open + 1) {
        match c {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b',' if depth == 0 => {
                out.push(Arg { start, end: i });
                start = i + 1;
            }
            _ => {}
        }
    }
    // A trailing comma leaves an empty last argument, which is no argument.
    if !code.code()[start..end].trim().is_empty() {
        out.push(Arg { start, end });
    }
    (out, close)
}

fn arg_text<'c>(code: &'c Code, a: &Arg) -> &'c str {
    code.code()[a.start..a.end].trim()
}

/// The string a literal expression holds: `"x"`, `r'x'`, `` `x` ``.
fn literal(expr: &str) -> Option<String> {
    let e = expr.trim();
    let e = e.trim_start_matches(['r', 'R', 'b', 'B', 'u', 'U', 'f', 'F']);
    let q = e.chars().next()?;
    if !matches!(q, '"' | '\'' | '`') || e.len() < 2 || !e.ends_with(q) {
        return None;
    }
    let inner = &e[1..e.len() - 1];
    (!inner.contains(q) || q == '`').then(|| inner.to_string())
}

/// Resolves a path expression: a literal, a constant, an f-string/template with constants,
/// or a concatenation of those.
fn resolve(expr: &str, constants: &Corpus<'_>) -> Option<String> {
    let e = expr.trim();
    if e.is_empty() {
        return None;
    }
    if let Some(l) = literal(e) {
        if l.contains('{') {
            static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| re(r"\$?\{\s*([\w.]+)\s*\}"));
            let out = PLACEHOLDER.replace_all(&l, |c: &regex::Captures<'_>| {
                super::last_identifier(&c[1])
                    .and_then(|n| constants.constant(n))
                    .unwrap_or_else(|| c[0].to_string())
            });
            return Some(out.into_owned());
        }
        return Some(l);
    }
    if e.contains('+') {
        let parts: Vec<Option<String>> = e.split('+').map(|p| resolve(p, constants)).collect();
        if parts.iter().all(Option::is_some) {
            return Some(parts.into_iter().flatten().collect());
        }
    }
    let name = super::last_identifier(e)?;
    constants.constant(name)
}

/// The value of a keyword argument (`prefix=…`) or object property (`prefix: …`).
fn kwarg<'c>(code: &'c Code, args: &[Arg], names: &[&str]) -> Option<&'c str> {
    for a in args {
        let t = arg_text(code, a);
        for n in names {
            if let Some(rest) = t.strip_prefix(n) {
                let rest = rest.trim_start();
                if let Some(v) = rest.strip_prefix('=').or_else(|| rest.strip_prefix(':')) {
                    return Some(v.trim());
                }
            }
        }
        // An options object: `{ prefix: '/v1', … }`.
        if t.starts_with('{') {
            for n in names {
                static CACHE: LazyLock<HashMap<&'static str, Regex>> = LazyLock::new(|| {
                    ["prefix", "url_prefix", "path", "url", "version", "basePath"]
                        .into_iter()
                        .map(|n| (n, re(&format!(r#"\b{n}\s*:\s*([^,}}\n]+)"#))))
                        .collect()
                });
                if let Some(r) = CACHE.get(n)
                    && let Some(c) = r.captures(t)
                    && let Some(m) = c.get(1)
                {
                    return Some(m.as_str().trim());
                }
            }
        }
    }
    None
}

/// Identifiers an argument names (`items.router` → items, router), minus framework words.
fn idents(text: &str) -> Vec<String> {
    let mut out: Vec<String> = IDENT
        .find_iter(text)
        .map(|m| m.as_str().to_string())
        .filter(|w| !NOT_TARGETS.contains(&w.as_str()))
        .collect();
    out.dedup();
    out
}

/// A Django route as a path: `^api/v1/items/(?P<pk>[0-9]+)/$` → `/api/v1/items/{pk}`.
fn django_path(raw: &str) -> String {
    static GROUP: LazyLock<Regex> = LazyLock::new(|| re(r"\(\?P<(\w+)>[^)]*\)|<(?:\w+:)?(\w+)>"));
    let named = GROUP.replace_all(raw, |c: &regex::Captures<'_>| {
        format!("{{{}}}", c.get(1).or(c.get(2)).map_or("", |m| m.as_str()))
    });
    let plain: String = named
        .trim_start_matches('^')
        .trim_end_matches('$')
        .replace('\\', "");
    format!("/{}", plain.trim_start_matches('/'))
}

/// End of a method chain starting at `from` (`.a(…).b(…)`), for actix scopes and resources.
fn chain_end(code: &Code, from: usize) -> usize {
    let b = code.bare().as_bytes();
    let mut i = from;
    loop {
        let mut j = i;
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        if b.get(j) != Some(&b'.') {
            return i;
        }
        j += 1;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
            j += 1;
        }
        // Generic arguments `::<T>`.
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        if b.get(j) != Some(&b'(') {
            return i;
        }
        i = code.close(j);
    }
}

/// The body after an annotation or attribute: the next definition's block.
fn next_body(code: &Code, from: usize, syntax: Syntax) -> (usize, usize) {
    let bare = code.bare();
    if syntax == Syntax::Python {
        return super::python_block(bare, from);
    }
    let rest = &bare[from.min(bare.len())..];
    let fn_at = match syntax {
        Syntax::Rust => rest.find("fn ").map(|i| from + i),
        _ => None,
    }
    .unwrap_or(from);
    let (s, e) = super::brace_body(bare, fn_at);
    (from.min(s), e)
}

#[derive(Default)]
struct Extracted {
    /// Routes with the receiver they are declared on (`router` in `@router.get`).
    routes: Vec<(Route, Option<String>)>,
    mounts: Vec<Mount>,
    vars: Vec<VarPrefix>,
    file_prefix: Vec<(usize, usize, usize, String)>, // (source, from, to, prefix)
    globals: Vec<(usize, u32, String)>,
}

/// A route as found, before prefixes are resolved.
struct Found<'r> {
    at: usize,
    path: String,
    receiver: Option<&'r str>,
    handler: (usize, usize),
    by_reference: bool,
}

fn push_route(ex: &mut Extracted, code: &Code, source: usize, f: Found<'_>) {
    let route = Route {
        source,
        role: path_role(&f.path),
        full: f.path.clone(),
        path: f.path,
        line: code.line(f.at),
        at: f.at,
        handler: f.handler,
        by_reference: f.by_reference,
        versioned: false,
        page: false,
    };
    ex.routes.push((route, f.receiver.map(str::to_string)));
}

fn python(ex: &mut Extracted, src: &Source<'_>, code: &Code, i: usize, k: &Corpus<'_>) {
    let text = code.code();
    for d in py_route_decorators(text) {
        let (a, close) = args(code, d.open);
        let path_expr =
            kwarg(code, &a, &["path", "rule"]).or_else(|| a.first().map(|x| arg_text(code, x)));
        let Some(path) = path_expr.and_then(|e| resolve(e, k)) else {
            continue;
        };
        let body = super::python_block(code.bare(), d.at);
        push_route(
            ex,
            code,
            i,
            Found {
                at: d.at,
                path,
                receiver: Some(d.receiver),
                handler: (d.at, body.1.max(close)),
                by_reference: false,
            },
        );
    }
    for c in PY_CALL_ROUTE.captures_each(text) {
        let (Some(m), Some(recv), Some(method)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        let (a, close) = args(code, m.end() - 1);
        let mut first = 0;
        if method.as_str() == "add_route"
            && a.first()
                .and_then(|x| literal(arg_text(code, x)))
                .is_some_and(|l| l.chars().all(|c| c.is_ascii_uppercase() || c == '*'))
        {
            first = 1;
        }
        let path = if method.as_str() == "register" {
            // DRF `router.register(r"items", …)`: only a literal prefix (atexit.register(f)…).
            a.first().and_then(|x| literal(arg_text(code, x)))
        } else {
            a.get(first).and_then(|x| resolve(arg_text(code, x), k))
        };
        let Some(path) = path.filter(|p| !p.contains(' ')) else {
            continue;
        };
        push_route(
            ex,
            code,
            i,
            Found {
                at: m.start(),
                path,
                receiver: Some(recv.as_str()),
                handler: (m.start(), close),
                by_reference: true,
            },
        );
    }
    for c in PY_AIOHTTP.captures_iter(text) {
        let Some(m) = c.get(0) else { continue };
        let (a, close) = args(code, m.end() - 1);
        if let Some(path) = a.first().and_then(|x| resolve(arg_text(code, x), k)) {
            push_route(
                ex,
                code,
                i,
                Found {
                    at: m.start(),
                    path,
                    receiver: None,
                    handler: (m.start(), close),
                    by_reference: true,
                },
            );
        }
    }
    for c in free_calls(&PY_STARLETTE, text) {
        let (Some(m), Some(kind)) = (c.get(0), c.get(1)) else {
            continue;
        };
        let open = m.end() - 1;
        let (a, close) = args(code, open);
        let Some(path) = a.first().and_then(|x| resolve(arg_text(code, x), k)) else {
            continue;
        };
        let at = kind.start();
        if kind.as_str() == "Mount" {
            let refs = a
                .iter()
                .skip(1)
                .flat_map(|x| idents(arg_text(code, x)))
                .collect();
            ex.mounts.push(Mount {
                source: i,
                at,
                receiver: None,
                path: Some(path),
                refs,
                span: (open, close),
            });
        } else if kind.as_str() != "Host" {
            push_route(
                ex,
                code,
                i,
                Found {
                    at,
                    path,
                    receiver: None,
                    handler: (at, close),
                    by_reference: true,
                },
            );
        }
    }
    let urlconf = src.name() == "urls.py" || text.contains("urlpatterns");
    if urlconf {
        for c in free_calls(&PY_DJANGO, text) {
            let (Some(m), Some(kind)) = (c.get(0), c.get(1)) else {
                continue;
            };
            let open = m.end() - 1;
            let (a, close) = args(code, open);
            let Some(path) = a.first().and_then(|x| resolve(arg_text(code, x), k)) else {
                continue;
            };
            let target = a.get(1).map(|x| arg_text(code, x)).unwrap_or_default();
            let at = kind.start();
            if target.starts_with("include") || target.ends_with(".urls") {
                let mut refs = idents(target);
                if let Some(l) = STRING_LIT
                    .captures(target)
                    .and_then(|c| c.get(1).or(c.get(2)))
                {
                    // include("items.urls") names the module items/urls.py.
                    refs.extend(l.as_str().split('.').map(str::to_string));
                }
                ex.mounts.push(Mount {
                    source: i,
                    at,
                    receiver: None,
                    path: Some(path),
                    refs,
                    span: (open, close),
                });
            } else {
                push_route(
                    ex,
                    code,
                    i,
                    Found {
                        at,
                        path: django_path(&path),
                        receiver: None,
                        handler: (at, close),
                        by_reference: true,
                    },
                );
            }
        }
    }
    for c in PY_ROUTER_VAR.captures_iter(text) {
        let (Some(m), Some(var)) = (c.get(0), c.get(1)) else {
            continue;
        };
        let (a, _) = args(code, m.end() - 1);
        let prefix = kwarg(code, &a, &["prefix", "url_prefix", "path"])
            .and_then(|e| resolve(e, k))
            .or_else(|| {
                // Namespace("items", path="/v1/items") or Blueprint("name", __name__, url_prefix=…)
                (c.get(2).map(|x| x.as_str()) == Some("Namespace"))
                    .then(|| a.first().and_then(|x| resolve(arg_text(code, x), k)))
                    .flatten()
                    .map(|n| format!("/{n}"))
            })
            .unwrap_or_default();
        ex.vars.push(VarPrefix {
            source: i,
            var: var.as_str().to_string(),
            prefix,
            parent: None,
        });
    }
    for c in PY_MOUNT.captures_each(text) {
        let (Some(m), Some(recv), Some(method)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        let open = m.end() - 1;
        let (a, close) = args(code, open);
        let positional_path = matches!(method.as_str(), "mount" | "add_router");
        let (path, targets): (Option<String>, Vec<&Arg>) = if positional_path {
            (
                a.first().and_then(|x| resolve(arg_text(code, x), k)),
                a.iter().skip(1).collect(),
            )
        } else {
            (
                kwarg(code, &a, &["prefix", "url_prefix", "path"]).and_then(|e| resolve(e, k)),
                a.iter().take(1).collect(),
            )
        };
        let refs = targets
            .iter()
            .filter(|x| !arg_text(code, x).contains('='))
            .flat_map(|x| idents(arg_text(code, x)))
            .collect();
        ex.mounts.push(Mount {
            source: i,
            at: m.start(),
            receiver: Some(recv.as_str().to_string()),
            path,
            refs,
            span: (open, close),
        });
    }
}

fn js(ex: &mut Extracted, code: &Code, i: usize, k: &Corpus<'_>) {
    let text = code.code();
    for c in JS_VERB.captures_each(text) {
        let (Some(m), Some(recv), Some(method)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        let last = recv.as_str().rsplit('.').next().unwrap_or_default();
        if CLIENT_RECEIVERS.contains(&last) {
            continue;
        }
        let open = m.end() - 1;
        let (a, close) = args(code, open);
        let first = a.first().map(|x| arg_text(code, x)).unwrap_or_default();
        let method = method.as_str();
        if method == "route" && first.starts_with('{') {
            // fastify.route({ method, url, handler })
            if let Some(path) = kwarg(code, &a, &["url"]).and_then(|e| resolve(e, k)) {
                push_route(
                    ex,
                    code,
                    i,
                    Found {
                        at: m.start(),
                        path,
                        receiver: Some(recv.as_str()),
                        handler: (open, close),
                        by_reference: true,
                    },
                );
            }
            continue;
        }
        let path = resolve(first, k);
        match method {
            "use" | "register" => {
                let prefix = if method == "register" {
                    kwarg(code, &a, &["prefix"]).and_then(|e| resolve(e, k))
                } else {
                    path.clone().filter(|p| p.starts_with('/'))
                };
                let skip = usize::from(method == "use" && prefix.is_some());
                let refs = a
                    .iter()
                    .skip(skip)
                    .filter(|x| !arg_text(code, x).starts_with('{'))
                    .flat_map(|x| idents(arg_text(code, x)))
                    .collect();
                ex.mounts.push(Mount {
                    source: i,
                    at: m.start(),
                    receiver: Some(recv.as_str().to_string()),
                    path: prefix,
                    refs,
                    span: (open, close),
                });
            }
            "route" if a.len() >= 2 => {
                // Hono: app.route('/v1', sub)
                let refs = a
                    .iter()
                    .skip(1)
                    .flat_map(|x| idents(arg_text(code, x)))
                    .collect();
                ex.mounts.push(Mount {
                    source: i,
                    at: m.start(),
                    receiver: Some(recv.as_str().to_string()),
                    path,
                    refs,
                    span: (open, close),
                });
            }
            _ => {
                let Some(path) = path.filter(|p| p.starts_with('/') || p == "*") else {
                    continue;
                };
                let end = if method == "route" {
                    chain_end(code, close)
                } else {
                    close
                };
                push_route(
                    ex,
                    code,
                    i,
                    Found {
                        at: m.start(),
                        path,
                        receiver: Some(recv.as_str()),
                        handler: (open, end),
                        by_reference: true,
                    },
                );
            }
        }
    }
    let mut controller: Option<(usize, String)> = None;
    for c in JS_DECORATOR.captures_iter(text) {
        let (Some(m), Some(kind)) = (c.get(0), c.get(1)) else {
            continue;
        };
        let (a, close) = if c.get(2).is_some() {
            args(code, m.end() - 1)
        } else {
            (Vec::new(), m.end())
        };
        let first = a.first().map(|x| arg_text(code, x)).unwrap_or_default();
        let path = if first.starts_with('{') {
            kwarg(code, &a, &["path"]).and_then(|e| resolve(e, k))
        } else {
            resolve(first, k)
        }
        .unwrap_or_default();
        match kind.as_str() {
            "Controller" => {
                let mut prefix = path;
                if let Some(v) = kwarg(code, &a, &["version"]).and_then(|e| resolve(e, k)) {
                    prefix = format!("v{v}/{prefix}");
                }
                if let Some((from, p)) = controller.take() {
                    ex.file_prefix.push((i, from, m.start(), p));
                }
                controller = Some((m.start(), prefix));
            }
            "Version" => {
                let v = resolve(first, k).unwrap_or_default();
                ex.file_prefix
                    .push((i, m.start(), close + 400, format!("v{v}")));
            }
            _ => {
                let body = next_body(code, close, Syntax::Js);
                push_route(
                    ex,
                    code,
                    i,
                    Found {
                        at: m.start(),
                        path,
                        receiver: None,
                        handler: (m.start(), body.1),
                        by_reference: false,
                    },
                );
            }
        }
    }
    if let Some((from, p)) = controller {
        ex.file_prefix.push((i, from, usize::MAX, p));
    }
    for c in JS_GLOBAL.captures_iter(text) {
        let (Some(m), Some(kind)) = (c.get(0), c.get(1)) else {
            continue;
        };
        let (a, _) = args(code, m.end() - 1);
        let first = a.first().map(|x| arg_text(code, x)).unwrap_or_default();
        let line = code.line(m.start());
        if kind.as_str() == "setGlobalPrefix" {
            if let Some(p) = resolve(first, k) {
                ex.globals.push((i, line, p));
            }
        } else {
            let header_only = ["HEADER", "MEDIA_TYPE", "CUSTOM"]
                .iter()
                .any(|t| first.contains(&format!("VersioningType.{t}")));
            if !header_only {
                let v = kwarg(code, &a, &["defaultVersion"])
                    .and_then(|e| resolve(e, k))
                    .unwrap_or_else(|| "1".into());
                ex.globals.push((i, line, format!("/v{v}")));
            }
        }
    }
    for c in JS_ROUTER_VAR.captures_iter(text) {
        let (Some(m), Some(var)) = (c.get(0), c.get(1)) else {
            continue;
        };
        let (a, _) = args(code, m.end() - 1);
        let prefix = kwarg(code, &a, &["prefix"])
            .and_then(|e| resolve(e, k))
            .or_else(|| a.first().and_then(|x| resolve(arg_text(code, x), k)))
            .unwrap_or_default();
        ex.vars.push(VarPrefix {
            source: i,
            var: var.as_str().to_string(),
            prefix,
            parent: None,
        });
    }
}

fn go(ex: &mut Extracted, code: &Code, i: usize, k: &Corpus<'_>) {
    let text = code.code();
    for c in GO_ROUTE.captures_each(text) {
        let (Some(m), Some(recv), Some(method)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        let open = m.end() - 1;
        let (a, close) = args(code, open);
        let Some(mut path) = a.first().and_then(|x| resolve(arg_text(code, x), k)) else {
            continue;
        };
        // Go 1.22 patterns: "GET /items/{id}", "example.com/x".
        if let Some((verb, rest)) = path.split_once(' ')
            && verb.chars().all(|c| c.is_ascii_uppercase())
        {
            path = rest.trim().to_string();
        }
        if !path.starts_with('/') {
            continue;
        }
        match method.as_str() {
            "Group" | "Route" | "Mount" | "PathPrefix" => {
                let refs = a
                    .iter()
                    .skip(1)
                    .flat_map(|x| idents(arg_text(code, x)))
                    .collect();
                ex.mounts.push(Mount {
                    source: i,
                    at: m.start(),
                    receiver: Some(recv.as_str().to_string()),
                    path: Some(path),
                    refs,
                    span: (open, close),
                });
            }
            _ => push_route(
                ex,
                code,
                i,
                Found {
                    at: m.start(),
                    path,
                    receiver: Some(recv.as_str()),
                    handler: (open, close),
                    by_reference: true,
                },
            ),
        }
    }
    if text.contains(".URL.Path") {
        for c in GO_PATH_EQ.captures_iter(text) {
            let (Some(m), Some(operand)) = (c.get(0), c.get(1)) else {
                continue;
            };
            let Some(path) = resolve(operand.as_str(), k) else {
                continue;
            };
            if !path.starts_with('/') {
                continue;
            }
            // The branch the comparison guards: the rest of its line and the next one
            // (`return s.handleHealth(w, r, v)`).
            let line_end = |from: usize| text[from..].find('\n').map_or(text.len(), |n| from + n);
            let first = line_end(m.end());
            let end = if first < text.len() {
                line_end(first + 1)
            } else {
                first
            };
            push_route(
                ex,
                code,
                i,
                Found {
                    at: m.start(),
                    path,
                    receiver: None,
                    handler: (m.end(), end),
                    by_reference: false,
                },
            );
        }
    }
    for c in GO_VAR.captures_iter(text) {
        ex.vars.push(VarPrefix {
            source: i,
            var: c[1].to_string(),
            prefix: c[4].to_string(),
            parent: Some(c[2].to_string()),
        });
    }
}

fn rust(ex: &mut Extracted, code: &Code, i: usize, k: &Corpus<'_>) {
    let text = code.code();
    for c in RUST_CALL.captures_iter(text) {
        let (Some(m), Some(kind)) = (c.get(0), c.get(1)) else {
            continue;
        };
        let open = m.end() - 1;
        let (a, close) = args(code, open);
        let kind = kind.as_str();
        if kind.ends_with("path!") {
            let segs: Vec<String> = STRING_LIT
                .captures_iter(&text[open..close])
                .filter_map(|c| c.get(1).map(|x| x.as_str().to_string()))
                .collect();
            if !segs.is_empty() {
                let refs: Vec<&str> = segs.iter().map(String::as_str).collect();
                push_route(
                    ex,
                    code,
                    i,
                    Found {
                        at: m.start(),
                        path: join(&refs),
                        receiver: None,
                        handler: (open, chain_end(code, close)),
                        by_reference: true,
                    },
                );
            }
            continue;
        }
        let Some(path) = a.first().and_then(|x| resolve(arg_text(code, x), k)) else {
            continue;
        };
        if !path.starts_with('/') && !path.is_empty() {
            continue;
        }
        match kind {
            ".nest" | ".nest_service" | ".mount" => {
                let refs = a
                    .iter()
                    .skip(1)
                    .flat_map(|x| idents(arg_text(code, x)))
                    .collect();
                ex.mounts.push(Mount {
                    source: i,
                    at: m.start(),
                    receiver: None,
                    path: Some(path),
                    refs,
                    span: (open, close),
                });
            }
            "web::scope" | "scope" => {
                let end = chain_end(code, close);
                let refs = idents(&text[close..end]);
                ex.mounts.push(Mount {
                    source: i,
                    at: m.start(),
                    receiver: None,
                    path: Some(path),
                    refs,
                    span: (open, end),
                });
            }
            "web::resource" | "resource" => {
                let end = chain_end(code, close);
                push_route(
                    ex,
                    code,
                    i,
                    Found {
                        at: m.start(),
                        path,
                        receiver: None,
                        handler: (open, end),
                        by_reference: true,
                    },
                );
            }
            _ => push_route(
                ex,
                code,
                i,
                Found {
                    at: m.start(),
                    path,
                    receiver: None,
                    handler: (open, close),
                    by_reference: true,
                },
            ),
        }
    }
    for c in RUST_ATTR.captures_iter(text) {
        let Some(m) = c.get(0) else { continue };
        let (a, close) = args(code, m.end() - 1);
        let Some(path) = a.first().and_then(|x| resolve(arg_text(code, x), k)) else {
            continue;
        };
        let body = next_body(code, close, Syntax::Rust);
        push_route(
            ex,
            code,
            i,
            Found {
                at: m.start(),
                path,
                receiver: None,
                handler: (m.start(), body.1),
                by_reference: false,
            },
        );
    }
}

fn jvm(ex: &mut Extracted, code: &Code, i: usize, syntax: Syntax, k: &Corpus<'_>) {
    let text = code.code();
    if text.contains("@FeignClient") || text.contains("@HttpExchange") {
        // Declarative HTTP clients use the same annotations for calls they make.
        return;
    }
    let mut class_prefix: Option<(usize, String)> = None;
    // Spring MVC `@Controller` classes without `@ResponseBody` render views: their routes are
    // pages, not API.
    let mut page_class = false;
    for c in JVM_MAPPING.captures_iter(text) {
        let (Some(m), Some(kind)) = (c.get(0), c.get(1)) else {
            continue;
        };
        let kind = kind.as_str();
        let (a, close) = if c.get(2).is_some() {
            args(code, m.end() - 1)
        } else {
            (Vec::new(), m.end())
        };
        let explicit = kwarg(code, &a, &["value", "path"]).or_else(|| {
            a.first()
                .map(|x| arg_text(code, x))
                .filter(|t| !t.contains('='))
        });
        let path = explicit
            .and_then(|e| {
                resolve(e, k).or_else(|| {
                    STRING_LIT
                        .captures(e)
                        .and_then(|c| c.get(1).map(|x| x.as_str().to_string()))
                })
            })
            .unwrap_or_default();
        let class_level = CLASS_AFTER.is_match(&code.bare()[close.min(text.len())..]);
        if class_level && matches!(kind, "RestController" | "Controller") {
            let from = text[..m.start()].rfind(['}', ';']).map_or(0, |p| p + 1);
            let to = text[m.end()..]
                .find('{')
                .map_or(text.len(), |p| m.end() + p);
            page_class = kind == "Controller" && !text[from..to].contains("@ResponseBody");
        }
        if class_level {
            if matches!(kind, "RestController" | "Controller")
                && path.is_empty()
                && kind != "Controller"
            {
                continue;
            }
            if let Some((from, p)) = class_prefix.take() {
                ex.file_prefix.push((i, from, m.start(), p));
            }
            class_prefix = Some((m.start(), path));
            continue;
        }
        if matches!(kind, "Controller" | "RestController") {
            continue;
        }
        if matches!(kind, "GET" | "POST" | "PUT" | "PATCH" | "DELETE") && c.get(2).is_some() {
            // Spring functional GET("/x") is handled below; JAX-RS @GET has no parentheses.
            continue;
        }
        if matches!(kind, "GET" | "POST" | "PUT" | "PATCH" | "DELETE") {
            // JAX-RS: the method's @Path (if any) is its own match; avoid double counting.
            let around = &text[m.start().saturating_sub(200)..(m.end() + 200).min(text.len())];
            if around.contains("@Path(") {
                continue;
            }
        }
        let body = next_body(code, close, syntax);
        push_route(
            ex,
            code,
            i,
            Found {
                at: m.start(),
                path,
                receiver: None,
                handler: (m.start(), body.1),
                by_reference: false,
            },
        );
        if page_class {
            let handler = &text[m.start()..body.1.min(text.len())];
            let api = handler.contains("@ResponseBody") || handler.contains("ResponseEntity");
            if let Some((r, _)) = ex.routes.last_mut() {
                r.page = !api;
            }
        }
    }
    if let Some((from, p)) = class_prefix {
        ex.file_prefix.push((i, from, usize::MAX, p));
    }
    if syntax == Syntax::Kotlin {
        for c in KTOR.captures_iter(text) {
            let Some(m) = c.get(0) else { continue };
            let brace = m.end() - 1;
            let end = code.close(brace);
            if &c[1] == "route" {
                ex.mounts.push(Mount {
                    source: i,
                    at: m.start(),
                    receiver: None,
                    path: Some(c[2].to_string()),
                    refs: idents(&text[brace..end]),
                    span: (brace, end),
                });
            } else {
                push_route(
                    ex,
                    code,
                    i,
                    Found {
                        at: m.start(),
                        path: c[2].to_string(),
                        receiver: None,
                        handler: (brace, end),
                        by_reference: false,
                    },
                );
            }
        }
    }
    for c in JVM_FUNCTIONAL.captures_iter(text) {
        let Some(m) = c.get(0) else { continue };
        // Retrofit's @GET("x") declares a client call, not a route.
        if m.start() > 0 && text.as_bytes()[m.start() - 1] == b'@' || !c[2].starts_with('/') {
            continue;
        }
        let (_, close) = args(code, m.start() + m.as_str().find('(').unwrap_or(0));
        push_route(
            ex,
            code,
            i,
            Found {
                at: m.start(),
                path: c[2].to_string(),
                receiver: None,
                handler: (
                    m.start(),
                    chain_end(code, close).max(close + 200).min(text.len()),
                ),
                by_reference: true,
            },
        );
    }
}

/// Spring/Quarkus/Micronaut context paths in production configuration.
fn jvm_context_path(repo: &Repo, ex: &mut Extracted) -> Option<(String, u32, String)> {
    const KEYS: &[&str] = &[
        "server.servlet.context-path",
        "server.servlet.contextPath",
        "spring.mvc.servlet.path",
        "spring.webflux.base-path",
        "quarkus.http.root-path",
        "micronaut.server.context-path",
    ];
    let _ = ex;
    for (file, rel) in super::service_files_where(repo, config::is_spring_config) {
        if matches!(config::role(rel), Role::Dev | Role::Test) {
            continue;
        }
        let Some(text) = file.text() else { continue };
        for entry in config::flat_entries(rel, text) {
            if KEYS.contains(&entry.key.as_str()) && has_version(&entry.value) {
                return Some((file.path.clone(), entry.line, entry.value));
            }
        }
    }
    None
}

/// A decorator line that calls a route method: `@app.get(`, `@router.post (`, `@bp.route(`.
fn decorator_route_hint(text: &str) -> bool {
    text.match_indices('@').any(|(i, _)| {
        let line_start = text[..i].rfind('\n').map_or(0, |p| p + 1);
        if !text[line_start..i].trim().is_empty() {
            return false;
        }
        let rest = &text[i + 1..];
        let head = rest.split(['(', '\n']).next().unwrap_or("").trim_end();
        rest.len() > head.len()
            && rest.as_bytes().get(head.len()) == Some(&b'(')
            && head
                .rsplit_once('.')
                .is_some_and(|(_, m)| PY_ROUTE_METHODS.contains(&m))
    })
}

/// Whether a file may declare routes: a route pattern of its syntax matches the raw text
/// (comments included: this only decides which files are worth masking). Each pattern runs
/// only when a word it cannot match without is present, which keeps this at substring speed.
fn may_route(src: &Source<'_>) -> bool {
    // The words each pattern cannot match without. A Python file is scanned once for all of
    // them (most Python files hold none).
    static PYTHON: WordGroups = WordGroups::new(&[
        &[
            "add_api_route",
            "add_url_rule",
            "add_route",
            "add_get",
            "add_post",
            "add_put",
            "add_patch",
            "add_delete",
            "websocket_route",
            ".register",
        ],
        &["Route", "Mount", "Host"],
        &["web."],
        &[
            "Router",
            "Blueprint",
            "Namespace",
            "NinjaAPI",
            "Api",
            "FastAPI",
            "Flask",
            "Quart",
            "Starlette",
            "Sanic",
        ],
        &[
            "include_router",
            "register_blueprint",
            "add_namespace",
            ".mount",
            "add_router",
            "register_api",
        ],
        &["urlpatterns"],
    ]);
    // JavaScript, Rust and the JVM languages have common words (`.get`, `get`) that would
    // stop a one-pass search at every call: their lists are tried one after the other.
    static JS_CALL: Words = Words::new(&[
        ".get",
        ".post",
        ".put",
        ".patch",
        ".delete",
        ".del",
        ".all",
        ".head",
        ".options",
        ".route",
        ".use",
        ".register",
    ]);
    static JS_GLOBAL_WORDS: Words = Words::new(&["setGlobalPrefix", "enableVersioning"]);
    static ROUTER: Words = Words::new(&["Router"]);
    static GO: Words = Words::new(&[
        ".HandleFunc",
        ".Handle",
        ".GET",
        ".POST",
        ".PUT",
        ".PATCH",
        ".DELETE",
        ".HEAD",
        ".OPTIONS",
        ".Any",
        ".Get",
        ".Post",
        ".Put",
        ".Patch",
        ".Delete",
        ".Head",
        ".Options",
        ".All",
        ".Group",
        ".Route",
        ".Mount",
        ".PathPrefix",
        ".Static",
    ]);
    static RUST_CALL_WORDS: Words = Words::new(&[
        ".route", ".nest", ".at", ".mount", "resource", "scope", "path!",
    ]);
    static KTOR_WORDS: Words = Words::new(&[
        "get", "post", "put", "patch", "delete", "head", "options", "route",
    ]);
    static JVM_FUNCTIONAL_WORDS: Words = Words::new(&["GET", "POST", "PUT", "PATCH", "DELETE"]);
    let t = src.text;
    let has = |bits: u64, group: u32| bits & (1 << group) != 0;
    match src.syntax {
        Syntax::Python => {
            if decorator_route_hint(t) {
                return true;
            }
            let w = PYTHON.present(t);
            (has(w, 0) && PY_CALL_ROUTE.is_match(t))
                || (has(w, 1) && free_calls(&PY_STARLETTE, t).next().is_some())
                || (has(w, 2) && PY_AIOHTTP.is_match(t))
                || (has(w, 3) && PY_ROUTER_VAR.is_match(t))
                || (has(w, 4) && PY_MOUNT.is_match(t))
                || (has(w, 5) && free_calls(&PY_DJANGO, t).next().is_some())
        }
        Syntax::Js => {
            (JS_CALL.any_in(t) && JS_VERB.is_match(t))
                || (t.contains('@') && JS_DECORATOR.is_match(t))
                || (JS_GLOBAL_WORDS.any_in(t) && JS_GLOBAL.is_match(t))
                || (ROUTER.any_in(t) && JS_ROUTER_VAR.is_match(t))
        }
        Syntax::Go => {
            (GO.any_in(t) && GO_ROUTE.is_match(t))
                || (t.contains(".URL.Path") && GO_PATH_EQ.is_match(t))
        }
        Syntax::Rust => {
            (RUST_CALL_WORDS.any_in(t) && RUST_CALL.is_match(t))
                || (t.contains("#[") && RUST_ATTR.is_match(t))
        }
        Syntax::Java | Syntax::Kotlin => {
            (t.contains('@') && JVM_MAPPING.is_match(t))
                || (KTOR_WORDS.any_in(t) && KTOR.is_match(t))
                || (JVM_FUNCTIONAL_WORDS.any_in(t) && JVM_FUNCTIONAL.is_match(t))
        }
    }
}

/// Extracts every route of the service's production code (main language): `corpus` holds
/// its sources ([`crate::audit::Context::production`]).
pub fn extract<'a>(repo: &'a Repo, corpus: Arc<Corpus<'a>>) -> RouteMap<'a> {
    // Files are read in parallel (each file's declarations are its own), then merged in file
    // order so that everything downstream stays deterministic.
    let per_file: Vec<Extracted> = corpus
        .sources
        .par_iter()
        .enumerate()
        .filter(|(_, src)| may_route(src))
        .map(|(i, src)| {
            let mut ex = Extracted::default();
            let code = corpus.code(i);
            match src.syntax {
                Syntax::Python => python(&mut ex, src, code, i, &corpus),
                Syntax::Js => js(&mut ex, code, i, &corpus),
                Syntax::Go => go(&mut ex, code, i, &corpus),
                Syntax::Rust => rust(&mut ex, code, i, &corpus),
                Syntax::Java | Syntax::Kotlin => jvm(&mut ex, code, i, src.syntax, &corpus),
            }
            ex
        })
        .collect();
    let mut ex = Extracted::default();
    for file in per_file {
        ex.routes.extend(file.routes);
        ex.mounts.extend(file.mounts);
        ex.vars.extend(file.vars);
        ex.file_prefix.extend(file.file_prefix);
        ex.globals.extend(file.globals);
    }
    let mut map = RouteMap {
        corpus,
        routes: Vec::new(),
        mounts: Vec::new(),
        global_version: None,
        version_evidence: None,
    };
    if repo.stack().language == Some(crate::repo::stack::Language::Jvm) {
        map.global_version = jvm_context_path(repo, &mut ex);
    }
    for (s, line, p) in &ex.globals {
        if has_version(p) && map.global_version.is_none() {
            map.global_version = Some((map.corpus.sources[*s].path.to_string(), *line, p.clone()));
        }
    }
    resolve_versions(&mut map, ex);
    map
}

/// Follows prefixes and mounts to decide which routes are versioned, and fills `full`.
fn resolve_versions(map: &mut RouteMap<'_>, ex: Extracted) {
    let Extracted {
        mut routes,
        mounts,
        vars,
        file_prefix,
        ..
    } = ex;
    // Receiver variables with their (composed) prefixes.
    let mut var_prefix: HashMap<(usize, String), String> = HashMap::new();
    for _ in 0..4 {
        for v in &vars {
            let parent = v
                .parent
                .as_ref()
                .and_then(|p| var_prefix.get(&(v.source, p.clone())).cloned())
                .unwrap_or_default();
            var_prefix.insert((v.source, v.var.clone()), join(&[&parent, &v.prefix]));
        }
    }
    let mut vers_vars: HashSet<(usize, String)> = var_prefix
        .iter()
        .filter(|(_, p)| has_version(p))
        .map(|(k, _)| k.clone())
        .collect();
    let mut vers_names: HashSet<String> = HashSet::new();
    let mut vers_spans: Vec<(usize, usize, usize)> = Vec::new();
    let mut evidence: Option<(String, u32, String)> = None;
    for v in &vars {
        if has_version(&v.prefix) && evidence.is_none() {
            let code = map.corpus.code(v.source);
            let at = code.code().find(&v.var).unwrap_or(0);
            evidence = Some((
                map.corpus.sources[v.source].path.to_string(),
                code.line(at),
                v.prefix.clone(),
            ));
        }
    }
    for (s, _, _, p) in &file_prefix {
        if has_version(p) && evidence.is_none() {
            evidence = Some((map.corpus.sources[*s].path.to_string(), 0, p.clone()));
        }
    }
    let enclosing = |map: &RouteMap<'_>, source: usize, at: usize| -> Vec<String> {
        map.corpus
            .functions_in(source)
            .iter()
            .filter(|(_, d)| d.body.0 <= at && at < d.body.1)
            .map(|(n, _)| n.clone())
            .collect()
    };
    let module_names = |map: &RouteMap<'_>, source: usize| -> Vec<String> {
        let rel = map.corpus.sources[source].rel;
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let stem = name.split('.').next().unwrap_or(name);
        let mut names = vec![super::module_of(rel).to_string(), stem.to_string()];
        let mut dirs = rel.rsplit('/').skip(1);
        if let Some(d) = dirs.next() {
            names.push(d.to_string());
        }
        names
    };
    let mut mount_versioned = vec![false; mounts.len()];
    let mut passed_vars: HashSet<(usize, String)> = HashSet::new();
    for _ in 0..6 {
        let mut changed = false;
        for (mi, mount) in mounts.iter().enumerate() {
            if mount_versioned[mi] {
                continue;
            }
            let versioned = mount.path.as_deref().is_some_and(has_version)
                || mount
                    .receiver
                    .as_ref()
                    .is_some_and(|r| vers_vars.contains(&(mount.source, r.clone())))
                || vers_spans
                    .iter()
                    .any(|(s, a, b)| *s == mount.source && *a < mount.at && mount.at < *b)
                || enclosing(map, mount.source, mount.at)
                    .iter()
                    .any(|f| vers_names.contains(f))
                || module_names(map, mount.source)
                    .iter()
                    .any(|n| vers_names.contains(n));
            if !versioned {
                continue;
            }
            mount_versioned[mi] = true;
            changed = true;
            if evidence.is_none()
                && let Some(p) = mount.path.as_ref().filter(|p| has_version(p))
            {
                let code = map.corpus.code(mount.source);
                evidence = Some((
                    map.corpus.sources[mount.source].path.to_string(),
                    code.line(mount.at),
                    p.clone(),
                ));
            }
            vers_spans.push((mount.source, mount.span.0, mount.span.1));
            for r in &mount.refs {
                vers_vars.insert((mount.source, r.clone()));
                vers_names.insert(r.clone());
                for m in imported_modules(
                    &map.corpus.sources[mount.source],
                    map.corpus.code(mount.source),
                    r,
                ) {
                    vers_names.insert(m);
                }
            }
        }
        // A versioned router passed to a function: `register_routes(v1)`, `items.Routes(v1)`.
        // What a variable's calls add never changes, so each variable is looked for once, and
        // each file is read once for all its new variables (a routes file may hold dozens).
        let mut fresh: BTreeMap<usize, HashSet<String>> = BTreeMap::new();
        for (s, var) in &vers_vars {
            if passed_vars.insert((*s, var.clone())) {
                fresh.entry(*s).or_default().insert(var.clone());
            }
        }
        for (s, vars) in fresh {
            let code = map.corpus.code(s);
            static CALL_WITH: LazyLock<Regex> =
                LazyLock::new(|| re(r"([A-Za-z_][\w.]*)\s*\(([^()]*)\)"));
            for c in CALL_WITH.captures_each(code.bare()) {
                if IDENT.find_iter(&c[2]).any(|m| vars.contains(m.as_str())) {
                    for n in c[1].split('.') {
                        if !NOT_TARGETS.contains(&n) && vers_names.insert(n.to_string()) {
                            changed = true;
                        }
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
    // Receiver prefixes and class prefixes into `full`, then the verdict per route.
    for (r, receiver) in &mut routes {
        let class = file_prefix
            .iter()
            .find(|(s, from, to, _)| *s == r.source && *from <= r.at && r.at < *to)
            .map(|(_, _, _, p)| p.as_str())
            .unwrap_or("");
        let var = receiver
            .as_ref()
            .and_then(|v| var_prefix.get(&(r.source, v.clone())))
            .map(String::as_str)
            .unwrap_or("");
        let full = join(&[class, var, &r.path]);
        if full != r.full {
            r.set_full(full);
        }
        let rel = map.corpus.sources[r.source].rel;
        r.versioned = map.global_version.is_some()
            || has_version(&r.full)
            || receiver
                .as_ref()
                .is_some_and(|v| vers_vars.contains(&(r.source, v.clone())))
            || vers_spans
                .iter()
                .any(|(s, a, b)| *s == r.source && *a < r.at && r.at < *b)
            || enclosing(map, r.source, r.at)
                .iter()
                .any(|f| vers_names.contains(f))
            || handler_fn_name(map.corpus.code(r.source), r)
                .is_some_and(|f| vers_names.contains(&f))
            || module_names(map, r.source)
                .iter()
                .any(|n| vers_names.contains(n))
            || rel.split('/').rev().skip(1).any(has_version_dir);
        if r.versioned && evidence.is_none() && has_version(&r.full) {
            evidence = Some((
                map.corpus.sources[r.source].path.to_string(),
                r.line,
                r.full.clone(),
            ));
        }
    }
    if evidence.is_none() {
        evidence = map.global_version.clone();
    }
    map.version_evidence = evidence;
    map.routes = routes.into_iter().map(|(r, _)| r).collect();
    map.mounts = mounts;
}

fn has_version_dir(dir: &str) -> bool {
    dir.len() >= 2 && dir.starts_with(['v', 'V']) && dir[1..].chars().all(|c| c.is_ascii_digit())
}

/// The name of the function an attribute or decorator route decorates.
fn handler_fn_name(code: &Code, r: &Route) -> Option<String> {
    if r.by_reference {
        return None;
    }
    static NAME: LazyLock<Regex> =
        LazyLock::new(|| re(r"\b(?:fn|def|fun|function)\s+([A-Za-z_]\w*)|([A-Za-z_]\w*)\s*\("));
    let text = &code.bare()[r.at.min(code.bare().len())..r.handler.1.min(code.bare().len())];
    // Skip the decorator itself.
    let after = text.find([')', '\n']).map_or(text, |i| &text[i..]);
    NAME.captures(after)
        .and_then(|c| c.get(1).or(c.get(2)))
        .map(|m| m.as_str().to_string())
}

/// Modules a name comes from, read from the file's imports (`from .api import v1`,
/// `const items = require('./routes/items')`, `use crate::routes::items`).
fn imported_modules(src: &Source<'_>, code: &Code, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let text = code.code();
    match src.syntax {
        Syntax::Python => {
            for c in IMPORT_PY.captures_iter(text) {
                if let (Some(module), Some(names)) = (c.get(1), c.get(2)) {
                    let names = names.as_str().replace(['(', ')'], " ");
                    let bound = names.split(',').any(|n| {
                        let n = n.trim();
                        n == name || n.ends_with(&format!(" as {name}"))
                    });
                    if bound {
                        let last = module.as_str().trim_start_matches('.').rsplit('.').next();
                        if let Some(l) = last.filter(|l| !l.is_empty()) {
                            out.push(l.to_string());
                        }
                        // `from .api import items as items_api` binds the module items.
                        for n in names.split(',') {
                            let n = n.trim();
                            if let Some((orig, _)) = n.split_once(" as ")
                                && n.ends_with(&format!(" as {name}"))
                            {
                                out.push(orig.trim().to_string());
                            }
                        }
                    }
                } else if let (Some(module), Some(alias)) = (c.get(3), c.get(4))
                    && alias.as_str() == name
                    && let Some(l) = module.as_str().rsplit('.').next()
                {
                    out.push(l.to_string());
                }
            }
        }
        Syntax::Js => {
            for c in IMPORT_JS.captures_iter(text) {
                let bound = c
                    .get(1)
                    .map(|b| IDENT.find_iter(b.as_str()).any(|m| m.as_str() == name))
                    .unwrap_or_else(|| {
                        // `const name = require('…')`: look just before the match.
                        let start = c.get(0).map_or(0, |m| m.start());
                        let before = &text[start.saturating_sub(80)..start];
                        before
                            .trim_end()
                            .trim_end_matches('=')
                            .trim_end()
                            .ends_with(name)
                    });
                if bound
                    && let Some(path) = c.get(2)
                    && let Some(last) = path
                        .as_str()
                        .trim_end_matches('/')
                        .rsplit('/')
                        .next()
                        .map(|l| l.split('.').next().unwrap_or(l))
                {
                    out.push(last.to_string());
                }
            }
        }
        _ => {}
    }
    out
}

/// Which framework's default liveness endpoint a dependency provides, if any.
pub fn framework_health(repo: &Repo) -> Option<(String, &'static str)> {
    let stack = repo.stack();
    let manifest = stack.manifests.first().cloned().unwrap_or_default();
    if stack.uses(Framework::SpringBoot) && stack.has_dependency("spring-boot-starter-actuator") {
        return Some((manifest, "Spring Boot Actuator serves /actuator/health"));
    }
    if stack.has_any_dependency(&["quarkus-smallrye-health", "smallrye-health"]) {
        return Some((manifest, "SmallRye Health serves /q/health"));
    }
    if stack.has_dependency("micronaut-management") {
        return Some((manifest, "Micronaut management serves /health"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_recognised_in_paths() {
        for p in [
            "/api/v1/items",
            "v2",
            "/v1",
            "^api/v1/",
            "/{version}/x",
            "/api/v1.2/x",
        ] {
            assert!(has_version(p), "{p}");
        }
        for p in ["/items", "/vendors", "/api/items", "/video/v"] {
            assert!(!has_version(p), "{p}");
        }
    }

    #[test]
    fn health_and_readiness_paths() {
        assert!(is_health_path("/healthz"));
        assert!(is_health_path("/api/health"));
        assert!(is_health_path("/health/live"));
        assert!(!is_health_path("/health/ready"));
        assert!(is_ready_path("/health/ready"));
        assert!(is_ready_path("/readyz"));
        assert!(!is_ready_path("/already"));
        assert!(is_ops_path("/metrics"));
        assert!(is_ops_path("/"));
        assert!(!is_ops_path("/items"));
        // The status of one resource is not the service's liveness.
        assert!(!is_health_path("/api/badge/:id/status"));
        assert!(!is_health_path("/orders/{order_id}/status"));
        assert!(!is_health_path("/jobs/<int:job_id>/ping"));
        assert!(!is_ready_path("/workers/:name/ready"));
    }

    #[test]
    fn path_words_are_read_in_any_case_and_without_django_anchors() {
        assert!(is_health_path("^health/$"));
        assert!(is_health_path("/API/Health"));
        assert!(is_health_path("/status/LIVENESS"));
        assert!(is_health_path("/ping/live"));
        assert!(
            !is_health_path("/health/users"),
            "health must be the last segment or before live"
        );
        assert!(is_ready_path("/Health/READY/"));
        assert!(
            !is_ready_path("/ready/items"),
            "only the last segment says ready"
        );
        assert!(is_ops_path("/v1/Swagger-UI/index.html"));
        assert!(is_ops_path("(.*)"));
        assert!(is_ops_path("/*"));
        assert!(!is_ops_path("/*/items"));
        assert!(!is_ops_path("/a-very-long-segment-WITH-upper-case"));
    }

    #[test]
    fn decorator_hints_find_route_decorators_only() {
        assert!(decorator_route_hint(
            "x = 1\n@app.get('/x')\ndef f(): pass\n"
        ));
        assert!(decorator_route_hint(
            "class A:\n    @router.post(\n        '/x')\n"
        ));
        assert!(!decorator_route_hint(
            "@pytest.fixture()\ndef f(): pass\nd.get('x')\n"
        ));
        assert!(!decorator_route_hint("email = 'a@b.get(x)'\n"));
    }

    #[test]
    fn route_decorators_are_what_the_decorator_pattern_matched() {
        // The pattern the scanner replaced, as the specification.
        let pattern = re(
            r"(?m)^[ \t]*@[ \t]*([A-Za-z_][\w.]*)\.(get|post|put|patch|delete|head|options|trace|api_route|route|websocket|view)[ \t]*\(",
        );
        let samples = [
            "@app.get('/a')\ndef a(): pass\n",
            "    @ router.post ('/b')\n",
            "\t@api.v1.route(\n    '/c')\n",
            "x = 1 @app.get('/not-first')\n",
            "@app.getter('/no')\n@app.get.post('/no')\n@app.get.('/no')\n@1app.get('/no')\n",
            "@.get('/no')\n@app.get\n('/no')\n@app.websocket('/ws') @app.get('/second')\n",
            "\r\n@bp.view('/d')\n\r@bp.view('/no')\n@_private.options ('/e')",
            "@app.get",
            "@",
        ];
        for text in samples {
            let expected: Vec<(usize, String, usize)> = pattern
                .captures_iter(text)
                .map(|c| {
                    let m = c.get(0).unwrap();
                    let at = m.start() + m.as_str().find('@').unwrap();
                    (at, c[1].to_string(), m.end() - 1)
                })
                .collect();
            let found: Vec<(usize, String, usize)> = py_route_decorators(text)
                .map(|d| (d.at, d.receiver.to_string(), d.open))
                .collect();
            assert_eq!(found, expected, "{text:?}");
        }
        assert_eq!(
            py_route_decorators(samples[2]).next().unwrap().receiver,
            "api.v1"
        );
    }

    #[test]
    fn free_calls_are_not_methods_or_longer_names() {
        let text = "x.Route('/a')\nAPIRoute('/b')\nRoute('/c')\n[Mount('/d', routes=[Route('/e')])]\n_Host(\né Host('h')\n";
        let found: Vec<(&str, usize)> = free_calls(&PY_STARLETTE, text)
            .map(|c| (c.get(1).unwrap().as_str(), c.get(1).unwrap().start()))
            .collect();
        let at = |needle: &str| text.find(needle).unwrap();
        assert_eq!(
            found,
            vec![
                ("Route", at("Route('/c')")),
                ("Mount", at("Mount")),
                ("Route", at("Route('/e')")),
                ("Host", at("Host('h')")),
            ]
        );
        assert!(
            free_calls(&PY_DJANGO, "os.path('/x')\nre_path_x(1)")
                .next()
                .is_none()
        );
        assert!(
            free_calls(&PY_DJANGO, "urlpatterns = [path('x/', v)]")
                .next()
                .is_some()
        );
    }

    #[test]
    fn django_regex_routes_become_paths() {
        assert_eq!(
            django_path(r"^api/v1/items/(?P<pk>[0-9]+)/$"),
            "/api/v1/items/{pk}/"
        );
        assert_eq!(
            django_path(r"^\.well-known/jwks.json$"),
            "/.well-known/jwks.json"
        );
        assert_eq!(django_path("items/<int:pk>/"), "/items/{pk}/");
    }

    #[test]
    fn literals_and_constants_resolve() {
        let src = Source {
            path: "c.py",
            rel: "c.py",
            syntax: Syntax::Python,
            text: "API_V1 = \"/api/v1\"\n",
        };
        let k = Corpus::new(vec![src]);
        assert_eq!(resolve("\"/x\"", &k).as_deref(), Some("/x"));
        assert_eq!(resolve("settings.API_V1", &k).as_deref(), Some("/api/v1"));
        assert_eq!(
            resolve("f\"{API_V1}/items\"", &k).as_deref(),
            Some("/api/v1/items")
        );
        assert_eq!(
            resolve("`${API_V1}/items`", &k).as_deref(),
            Some("/api/v1/items")
        );
        assert_eq!(resolve("API_V1 + \"/x\"", &k).as_deref(), Some("/api/v1/x"));
        assert_eq!(join(&["/api/v1/", "/items", ""]), "/api/v1/items");
    }
}
