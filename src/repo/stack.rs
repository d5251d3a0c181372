//! What the service is written in: its main language, framework and declared dependencies.
//!
//! Detection reads manifests (pyproject.toml, requirements*.txt, package.json, Cargo.toml,
//! go.mod, pom.xml, build.gradle), never guesses from prose. When several languages are present
//! (a frontend beside the backend), the one with a server framework wins: the spec judges the
//! backend, the language of the server entry point. Go's standard-library server counts as a
//! framework. Test files and test harnesses (an end-to-end suite's own package.json with its
//! mock server) are no evidence at all.

use std::collections::BTreeSet;

use super::Repo;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Language {
    Python,
    Node,
    Rust,
    Go,
    Jvm,
}

impl Language {
    pub fn name(self) -> &'static str {
        match self {
            Language::Python => "Python",
            Language::Node => "Node.js",
            Language::Rust => "Rust",
            Language::Go => "Go",
            Language::Jvm => "JVM",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Framework {
    FastApi,
    Django,
    Flask,
    Express,
    NestJs,
    Fastify,
    Koa,
    Axum,
    ActixWeb,
    Rocket,
    Warp,
    Gin,
    Echo,
    Chi,
    Fiber,
    NetHttp,
    SpringBoot,
    Ktor,
    Quarkus,
    Micronaut,
}

impl Framework {
    pub fn name(self) -> &'static str {
        match self {
            Framework::FastApi => "FastAPI",
            Framework::Django => "Django",
            Framework::Flask => "Flask",
            Framework::Express => "Express",
            Framework::NestJs => "NestJS",
            Framework::Fastify => "Fastify",
            Framework::Koa => "Koa",
            Framework::Axum => "axum",
            Framework::ActixWeb => "actix-web",
            Framework::Rocket => "Rocket",
            Framework::Warp => "warp",
            Framework::Gin => "gin",
            Framework::Echo => "echo",
            Framework::Chi => "chi",
            Framework::Fiber => "fiber",
            Framework::NetHttp => "net/http",
            Framework::SpringBoot => "Spring Boot",
            Framework::Ktor => "Ktor",
            Framework::Quarkus => "Quarkus",
            Framework::Micronaut => "Micronaut",
        }
    }

    pub fn language(self) -> Language {
        use Framework::*;
        match self {
            FastApi | Django | Flask => Language::Python,
            Express | NestJs | Fastify | Koa => Language::Node,
            Axum | ActixWeb | Rocket | Warp => Language::Rust,
            Gin | Echo | Chi | Fiber | NetHttp => Language::Go,
            SpringBoot | Ktor | Quarkus | Micronaut => Language::Jvm,
        }
    }
}

/// The service's stack.
#[derive(Debug, Clone, Default)]
pub struct Stack {
    /// The backend language, if any manifest or source says so.
    pub language: Option<Language>,
    pub frameworks: Vec<Framework>,
    /// Lower-cased dependency names declared by the main language's manifests.
    pub dependencies: BTreeSet<String>,
    /// Manifest paths (repository-relative) of the main language.
    pub manifests: Vec<String>,
}

impl Stack {
    pub fn has_dependency(&self, name: &str) -> bool {
        self.dependencies.contains(&name.to_ascii_lowercase())
    }

    pub fn has_any_dependency(&self, names: &[&str]) -> bool {
        names.iter().any(|n| self.has_dependency(n))
    }

    pub fn uses(&self, framework: Framework) -> bool {
        self.frameworks.contains(&framework)
    }
}

/// Per-language evidence gathered from the manifests.
#[derive(Default)]
struct Evidence {
    dependencies: BTreeSet<String>,
    manifests: Vec<String>,
    source_files: usize,
}

pub(crate) fn detect(repo: &Repo) -> Stack {
    let mut by_lang: Vec<(Language, Evidence)> = [
        Language::Python,
        Language::Node,
        Language::Rust,
        Language::Go,
        Language::Jvm,
    ]
    .into_iter()
    .map(|l| (l, Evidence::default()))
    .collect();
    let prefix_len = repo.prefix.len();
    for file in repo.service_files() {
        let rel = &file.path[prefix_len..];
        // Tests and their harnesses (an end-to-end suite's own package.json, a mock server)
        // and examples say nothing about what the service is written in or runs on.
        if file.is_vendored() || file.is_test() || super::paths::is_example(rel) {
            continue;
        }
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let text = file.text().unwrap_or("");
        let lang = match name {
            "pyproject.toml" | "setup.py" | "setup.cfg" | "Pipfile" => Some(Language::Python),
            n if n.starts_with("requirements") && n.ends_with(".txt") => Some(Language::Python),
            n if n.starts_with("requirements") && n.ends_with(".in") => Some(Language::Python),
            "package.json" => Some(Language::Node),
            "Cargo.toml" => Some(Language::Rust),
            "go.mod" => Some(Language::Go),
            "pom.xml" | "build.gradle" | "build.gradle.kts" => Some(Language::Jvm),
            _ => None,
        };
        if let Some(lang) = lang
            && let Some((_, ev)) = by_lang.iter_mut().find(|(l, _)| *l == lang)
        {
            ev.manifests.push(file.path.clone());
            ev.dependencies.extend(manifest_dependencies(name, text));
        }
        let source_lang = match rel.rsplit_once('.').map(|(_, ext)| ext) {
            Some("py") => Some(Language::Python),
            Some("js" | "ts" | "mjs" | "cjs") => Some(Language::Node),
            Some("rs") => Some(Language::Rust),
            Some("go") => Some(Language::Go),
            Some("java" | "kt") => Some(Language::Jvm),
            _ => None,
        };
        if let Some(lang) = source_lang
            && let Some((_, ev)) = by_lang.iter_mut().find(|(l, _)| *l == lang)
        {
            ev.source_files += 1;
        }
    }
    let mut best: Option<(Language, Vec<Framework>, usize)> = None;
    for (lang, ev) in &by_lang {
        if ev.manifests.is_empty() && ev.source_files == 0 {
            continue;
        }
        let mut frameworks = frameworks_for(*lang, &ev.dependencies);
        // Go's standard library serves HTTP without a framework dependency: a server built
        // on it ranks as a framework does, above a frontend's package.json beside it.
        if *lang == Language::Go && frameworks.is_empty() && go_uses_net_http(repo) {
            frameworks.push(Framework::NetHttp);
        }
        // Rank: a server framework first, then a manifest, then the amount of source.
        let rank = usize::from(!frameworks.is_empty()) * 1_000_000
            + usize::from(!ev.manifests.is_empty()) * 100_000
            + ev.source_files.min(99_999);
        if best.as_ref().is_none_or(|(_, _, r)| rank > *r) {
            best = Some((*lang, frameworks, rank));
        }
    }
    let Some((language, frameworks, _)) = best else {
        return Stack::default();
    };
    let ev = by_lang
        .into_iter()
        .find(|(l, _)| *l == language)
        .map(|(_, e)| e)
        .unwrap_or_default();
    Stack {
        language: Some(language),
        frameworks,
        dependencies: ev.dependencies,
        manifests: ev.manifests,
    }
}

pub use super::paths::is_vendored;

fn frameworks_for(lang: Language, deps: &BTreeSet<String>) -> Vec<Framework> {
    let table: &[(&str, Framework)] = match lang {
        Language::Python => &[
            ("fastapi", Framework::FastApi),
            ("django", Framework::Django),
            ("flask", Framework::Flask),
        ],
        Language::Node => &[
            ("@nestjs/core", Framework::NestJs),
            ("express", Framework::Express),
            ("fastify", Framework::Fastify),
            ("koa", Framework::Koa),
        ],
        Language::Rust => &[
            ("axum", Framework::Axum),
            ("actix-web", Framework::ActixWeb),
            ("rocket", Framework::Rocket),
            ("warp", Framework::Warp),
        ],
        Language::Go => &[
            ("github.com/gin-gonic/gin", Framework::Gin),
            ("github.com/labstack/echo/v4", Framework::Echo),
            ("github.com/labstack/echo", Framework::Echo),
            ("github.com/go-chi/chi/v5", Framework::Chi),
            ("github.com/go-chi/chi", Framework::Chi),
            ("github.com/gofiber/fiber/v2", Framework::Fiber),
        ],
        Language::Jvm => &[
            ("org.springframework.boot", Framework::SpringBoot),
            ("io.ktor", Framework::Ktor),
            ("io.quarkus", Framework::Quarkus),
            ("io.micronaut", Framework::Micronaut),
        ],
    };
    let mut found: Vec<Framework> = table
        .iter()
        .filter(|(dep, _)| deps.contains(*dep))
        .map(|(_, f)| *f)
        .collect();
    found.dedup();
    found
}

fn go_uses_net_http(repo: &Repo) -> bool {
    repo.service_files().any(|f| {
        f.path.ends_with(".go")
            && !f.is_vendored()
            && !f.is_test()
            && f.text().is_some_and(|t| {
                t.contains("\"net/http\"")
                    && (t.contains("http.ListenAndServe") || t.contains("http.Server{"))
            })
    })
}

/// Dependency names a manifest declares, lower-cased.
pub fn manifest_dependencies(file_name: &str, text: &str) -> BTreeSet<String> {
    let mut deps = BTreeSet::new();
    match file_name {
        "package.json" => {
            if let Ok(serde_json::Value::Object(m)) =
                serde_json::from_str::<serde_json::Value>(text)
            {
                for section in ["dependencies", "devDependencies", "peerDependencies"] {
                    if let Some(serde_json::Value::Object(d)) = m.get(section) {
                        deps.extend(d.keys().map(|k| k.to_ascii_lowercase()));
                    }
                }
            }
        }
        "Cargo.toml" => {
            if let Ok(doc) = text.parse::<toml::Table>() {
                for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
                    if let Some(toml::Value::Table(d)) = doc.get(section) {
                        deps.extend(d.keys().map(|k| k.to_ascii_lowercase()));
                    }
                }
                if let Some(toml::Value::Table(ws)) = doc.get("workspace")
                    && let Some(toml::Value::Table(d)) = ws.get("dependencies")
                {
                    deps.extend(d.keys().map(|k| k.to_ascii_lowercase()));
                }
            }
        }
        "go.mod" => {
            // The modules the service requires itself: `require` lines and blocks, not
            // `replace`/`exclude`, and not `// indirect` ones (needed only by a dependency).
            let mut in_require = false;
            for line in text.lines() {
                let (code, comment) = line.split_once("//").unwrap_or((line, ""));
                let code = code.trim();
                let entry = if in_require {
                    if code.starts_with(')') {
                        in_require = false;
                        continue;
                    }
                    code
                } else if let Some(rest) = code.strip_prefix("require") {
                    let rest = rest.trim();
                    if rest.starts_with('(') {
                        in_require = true;
                        continue;
                    }
                    rest
                } else {
                    continue;
                };
                if comment.trim() == "indirect" {
                    continue;
                }
                if let Some(module) = entry.split_whitespace().next()
                    && module.contains('.')
                    && module.contains('/')
                {
                    deps.insert(module.to_ascii_lowercase());
                }
            }
        }
        "pom.xml" | "build.gradle" | "build.gradle.kts" => {
            for marker in [
                "org.springframework.boot",
                "io.ktor",
                "io.quarkus",
                "io.micronaut",
            ] {
                if text.contains(marker) {
                    deps.insert(marker.to_string());
                }
            }
            for cap in JVM_ARTIFACT.captures_iter(text) {
                deps.insert(cap[1].to_ascii_lowercase());
            }
        }
        _ => {
            // Python: pyproject.toml, requirements*.txt, setup.py/cfg, Pipfile.
            for cap in PYTHON_REQUIREMENT.captures_iter(text) {
                deps.insert(normalise_python(&cap[1]));
            }
            if file_name == "pyproject.toml"
                && let Ok(doc) = text.parse::<toml::Table>()
            {
                for name in poetry_dependencies(&doc) {
                    deps.insert(normalise_python(&name));
                }
            }
        }
    }
    deps
}

/// PEP 503 normalisation, so `Flask`, `flask` and `pydantic_settings` compare as expected.
fn normalise_python(name: &str) -> String {
    name.to_ascii_lowercase().replace(['_', '.'], "-")
}

fn poetry_dependencies(doc: &toml::Table) -> Vec<String> {
    let mut out = Vec::new();
    let Some(toml::Value::Table(tool)) = doc.get("tool") else {
        return out;
    };
    let Some(toml::Value::Table(poetry)) = tool.get("poetry") else {
        return out;
    };
    for key in ["dependencies", "dev-dependencies"] {
        if let Some(toml::Value::Table(d)) = poetry.get(key) {
            out.extend(d.keys().cloned());
        }
    }
    if let Some(toml::Value::Table(groups)) = poetry.get("group") {
        for g in groups.values() {
            if let Some(toml::Value::Table(d)) = g.get("dependencies") {
                out.extend(d.keys().cloned());
            }
        }
    }
    out
}

static PYTHON_REQUIREMENT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    // A requirement at the start of a line or inside a quoted list item: `fastapi>=0.1`,
    // "psycopg[binary]==3.2", 'Django~=4.2'.
    crate::rx::re(
        r#"(?m)(?:^|["'])\s*([A-Za-z][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:[<>=!~;]|["']|$)"#,
    )
});

static JVM_ARTIFACT: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| crate::rx::re(r"<artifactId>\s*([A-Za-z0-9._-]+)\s*</artifactId>"));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_requirements_are_read_from_several_formats() {
        let deps = manifest_dependencies(
            "pyproject.toml",
            "[project]\ndependencies = [\"FastAPI>=0.110\", \"psycopg[binary]==3.2\", 'pydantic_settings']\n",
        );
        assert!(deps.contains("fastapi"), "{deps:?}");
        assert!(deps.contains("psycopg"), "{deps:?}");
        assert!(deps.contains("pydantic-settings"), "{deps:?}");
        let deps = manifest_dependencies("requirements.txt", "Django==1.11.29\n# comment\nflask\n");
        assert!(
            deps.contains("django") && deps.contains("flask"),
            "{deps:?}"
        );
    }

    #[test]
    fn node_and_rust_and_go_manifests_are_read() {
        let deps = manifest_dependencies(
            "package.json",
            r#"{"dependencies": {"express": "^4"}, "devDependencies": {"jest": "29"}}"#,
        );
        assert!(deps.contains("express") && deps.contains("jest"));
        let deps = manifest_dependencies("Cargo.toml", "[dependencies]\naxum = \"0.7\"\n");
        assert!(deps.contains("axum"));
        let deps = manifest_dependencies(
            "go.mod",
            "module x\n\nrequire (\n\tgithub.com/gin-gonic/gin v1.9.1\n)\n",
        );
        assert!(deps.contains("github.com/gin-gonic/gin"), "{deps:?}");
        let deps = manifest_dependencies(
            "go.mod",
            concat!(
                "module example.com/svc\n\ngo 1.23\n\n",
                "require github.com/go-chi/chi/v5 v5.1.0\n",
                "require (\n\tgithub.com/jackc/pgx/v5 v5.7.1\n",
                "\tgo.mongodb.org/mongo-driver v1.17.9 // indirect\n)\n",
                "replace github.com/lib/pq => ../pq\n",
                "exclude (\n\tgithub.com/go-sql-driver/mysql v1.5.0\n)\n",
            ),
        );
        let mut found: Vec<&str> = deps.iter().map(String::as_str).collect();
        found.sort_unstable();
        assert_eq!(
            found,
            ["github.com/go-chi/chi/v5", "github.com/jackc/pgx/v5"],
            "required directly, not indirect, replaced or excluded"
        );
    }

    fn stack_of(files: &[(&str, &str)]) -> Stack {
        let files = files
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect();
        let repo = Repo::from_files(std::path::Path::new("/r"), Default::default(), files);
        detect(&repo)
    }

    const GO_SERVER: &str = "package main\n\nimport \"net/http\"\n\nfunc main() {\n\tsrv := &http.Server{Addr: \":8080\"}\n\tsrv.ListenAndServe()\n}\n";

    #[test]
    fn a_go_server_on_net_http_outranks_the_frontend_beside_it() {
        let mut files = vec![
            ("go.mod", "module example.com/svc\n\ngo 1.23\n"),
            ("cmd/server/main.go", GO_SERVER),
            ("web/package.json", r#"{"devDependencies": {"vite": "5"}}"#),
        ];
        let ts: Vec<String> = (0..20).map(|i| format!("web/src/c{i}.ts")).collect();
        files.extend(ts.iter().map(|p| (p.as_str(), "export const x = 1;\n")));
        let stack = stack_of(&files);
        assert_eq!(stack.language, Some(Language::Go));
        assert!(stack.uses(Framework::NetHttp));
    }

    #[test]
    fn an_end_to_end_harness_does_not_decide_the_language() {
        let stack = stack_of(&[
            ("go.mod", "module example.com/svc\n\ngo 1.23\n"),
            ("identity/handler.go", "package identity\n"),
            (
                "test/e2e/proxy/package.json",
                r#"{"dependencies": {"express": "4"}}"#,
            ),
            (
                "test/e2e/proxy/index.js",
                "const express = require('express');\n",
            ),
        ]);
        assert_eq!(stack.language, Some(Language::Go));
        assert!(stack.dependencies.iter().all(|d| d != "express"));
    }

    #[test]
    fn a_server_in_vendored_or_test_code_is_not_the_service_s() {
        let stack = stack_of(&[
            ("go.mod", "module example.com/lib\n\ngo 1.23\n"),
            ("lib.go", "package lib\n"),
            ("vendor/example.com/dep/server.go", GO_SERVER),
            ("lib_test.go", GO_SERVER),
        ]);
        assert_eq!(stack.language, Some(Language::Go));
        assert!(!stack.uses(Framework::NetHttp), "{:?}", stack.frameworks);
    }
}
