//! `build.container`.

use crate::audit::dockerfile::{self, Dockerfile, short_name, split_image};
use crate::audit::{Context, Outcome};
use crate::repo::stack::Language;
use crate::repo::{File, Repo};

crate::declare_check! {
    /// Passes when a Dockerfile or Containerfile of the service builds the service: it has a
    /// `FROM`, puts the application into the image (`COPY`/`ADD` from the build context, or a
    /// `RUN` that installs or builds it: `pip install`, `npm ci`, `go build`, `cargo build`,
    /// `mvn package`, `gradle build`, `git clone` …), and its final stage is not a
    /// backing service's image (a Dockerfile that only seeds `postgres` or configures `nginx`
    /// builds infrastructure, not the service). Dev-container Dockerfiles do not count.
    ///
    /// Images built without a Dockerfile by the build tool also pass: Jib (Maven or Gradle
    /// plugin) and ko (`.ko.yaml`).
    ///
    /// ## Why
    /// One image, built once from the locked dependencies, runs the same in CI, staging and
    /// production; "works on my machine" stops at the image boundary.
    ///
    /// ## How to fix
    /// Add a multi-stage `Dockerfile` at the service root: a build stage that installs the
    /// locked dependencies, and a slim final stage that copies them and the code and starts
    /// the service as a non-root user.
    BuildContainer, "build.container", check
}

/// Base images of backing services and proxies: a Dockerfile ending in one of them does not
/// build the application.
const INFRA_IMAGES: &[&str] = &[
    "postgres",
    "postgis/postgis",
    "mysql",
    "mariadb",
    "mongo",
    "redis",
    "valkey/valkey",
    "memcached",
    "rabbitmq",
    "elasticsearch",
    "docker.elastic.co/elasticsearch/elasticsearch",
    "opensearchproject/opensearch",
    "nginx",
    "nginxinc/nginx-unprivileged",
    "httpd",
    "caddy",
    "traefik",
    "haproxy",
    "envoyproxy/envoy",
    "localstack/localstack",
    "minio/minio",
    "grafana/grafana",
    "prom/prometheus",
    "hashicorp/vault",
    "quay.io/keycloak/keycloak",
    "bitnami/postgresql",
    "bitnami/redis",
    "bitnami/kafka",
    "confluentinc/cp-kafka",
    "zookeeper",
];

/// Words of a `RUN` that install or build an application.
const BUILD_COMMANDS: &[&str] = &[
    "pip install",
    "pip3 install",
    "uv sync",
    "uv pip install",
    "poetry install",
    "pipenv install",
    "pdm install",
    "npm ci",
    "npm install",
    "yarn install",
    "pnpm install",
    "bun install",
    "go build",
    "go install",
    "cargo build",
    "cargo install",
    "mvn ",
    "mvnw ",
    "gradle ",
    "gradlew ",
    "git clone",
    "uv tool install",
    "pipx install",
];

/// Words of a Dockerfile (images, commands, copied files) that show which language it builds.
fn language_markers(language: Language) -> &'static [&'static str] {
    match language {
        Language::Python => &[
            "python",
            "pypy",
            "astral-sh/uv",
            "pip install",
            "pip3 ",
            "uv sync",
            "uv pip",
            "uv run",
            "uv tool",
            "poetry",
            "pipenv",
            "gunicorn",
            "uvicorn",
            "requirements",
            "pyproject.toml",
        ],
        Language::Node => &[
            "node",
            "oven/bun",
            "denoland",
            "npm ",
            "yarn",
            "pnpm",
            "bun ",
            "npx ",
            "package.json",
        ],
        Language::Go => &["golang", "go build", "go mod", "go.mod", "go install"],
        Language::Rust => &["rust", "cargo", "muslrust"],
        Language::Jvm => &[
            "maven",
            "gradle",
            "mvn",
            "temurin",
            "openjdk",
            "corretto",
            "zulu",
            "semeru",
            "sapmachine",
            "java -",
            "java\"",
            ".jar",
            "jdk",
            "jre",
        ],
    }
}

/// Whether a Dockerfile is for the service's language, another one, or cannot tell.
#[derive(PartialEq, Eq)]
enum Fit {
    Ours,
    Other,
    Neutral,
}

fn fit(d: &Dockerfile, language: Language) -> Fit {
    let mut words = String::new();
    for s in &d.stages {
        words.push_str(&s.image);
        words.push('\n');
        for i in &s.instructions {
            if matches!(
                i.keyword.as_str(),
                "RUN" | "COPY" | "ADD" | "CMD" | "ENTRYPOINT"
            ) {
                words.push_str(&i.args);
                words.push('\n');
            }
        }
    }
    let words = words.to_ascii_lowercase();
    let has = |l: Language| language_markers(l).iter().any(|m| words.contains(m));
    if has(language) {
        Fit::Ours
    } else if [
        Language::Python,
        Language::Node,
        Language::Go,
        Language::Rust,
        Language::Jvm,
    ]
    .into_iter()
    .any(|l| l != language && has(l))
    {
        Fit::Other
    } else {
        Fit::Neutral
    }
}

/// Why a Dockerfile does or does not build the service.
pub enum Verdict {
    /// Builds the service; the line of its final `FROM`.
    Builds { from_line: u32 },
    /// A Dockerfile, but of a backing service or proxy image.
    Infrastructure { image: String },
    /// No `FROM`, or nothing of the application goes into the image.
    Empty,
}

/// Whether this Dockerfile builds an application image.
pub fn judge(d: &Dockerfile) -> Verdict {
    let Some(last) = d.stages.last() else {
        return Verdict::Empty;
    };
    let (name, _) = split_image(&last.image);
    let base = short_name(&name);
    if d.stage_named(&last.image, d.stages.len() - 1).is_none() && INFRA_IMAGES.contains(&base) {
        return Verdict::Infrastructure {
            image: base.to_string(),
        };
    }
    let puts_app_in =
        d.stages
            .iter()
            .flat_map(|s| &s.instructions)
            .any(|i| match i.keyword.as_str() {
                "COPY" | "ADD" => !i.args.split_whitespace().any(|w| w.starts_with("--from")),
                "RUN" => {
                    let run = i.args.to_ascii_lowercase();
                    BUILD_COMMANDS.iter().any(|c| run.contains(c))
                }
                _ => false,
            });
    if puts_app_in {
        Verdict::Builds {
            from_line: last.line,
        }
    } else {
        Verdict::Empty
    }
}

/// The service's Dockerfiles that build it, with the line of their final `FROM`. A
/// Dockerfile clearly for another language (a frontend's beside a Python backend) is not the
/// service's.
pub fn building_dockerfiles(repo: &Repo) -> Vec<(&File, Dockerfile, u32)> {
    let language = repo.stack().language;
    dockerfile::service_dockerfiles(repo)
        .into_iter()
        .filter_map(|f| {
            let d = Dockerfile::parse(f.text()?);
            if let Some(l) = language
                && fit(&d, l) == Fit::Other
            {
                return None;
            }
            match judge(&d) {
                Verdict::Builds { from_line } => Some((f, d, from_line)),
                _ => None,
            }
        })
        .collect()
}

/// A build-tool container build without a Dockerfile (Jib, ko), with the file that configures it.
pub fn image_built_by_tool(repo: &Repo) -> Option<(&File, &'static str)> {
    let prefix = repo.prefix.len();
    repo.service_files().find_map(|f| {
        let rel = &f.path[prefix..];
        if f.is_vendored() {
            return None;
        }
        let name = rel.rsplit('/').next().unwrap_or(rel);
        match name {
            ".ko.yaml" | ".ko.yml" => Some((f, "ko")),
            "pom.xml" | "build.gradle" | "build.gradle.kts" => {
                let text = f.text()?;
                (text.contains("jib-maven-plugin") || text.contains("com.google.cloud.tools.jib"))
                    .then_some((f, "Jib"))
            }
            _ => None,
        }
    })
}

/// A Dockerfile of the service that could not be read, with the reason.
pub fn unreadable_dockerfile(repo: &Repo) -> Option<(&str, &str)> {
    dockerfile::service_dockerfiles(repo)
        .into_iter()
        .find_map(|f| match &f.state {
            crate::repo::FileState::Unreadable(why) => Some((f.path.as_str(), why.as_str())),
            _ => None,
        })
}

fn check(repo: &Repo, _ctx: &Context) -> Outcome {
    let building = building_dockerfiles(repo);
    if building.is_empty()
        && let Some((path, why)) = unreadable_dockerfile(repo)
    {
        return Outcome::error(format!(
            "could not read {path} ({why}); fix its permissions and audit again"
        ))
        .at(path, None);
    }
    if let Some((f, d, line)) = building.first() {
        let image = d.stages.last().map(|s| s.image.as_str()).unwrap_or("");
        let stages = d.stages.len();
        return Outcome::pass(format!(
            "{} builds the service ({} stage{}, final image from `{image}`)",
            f.path,
            stages,
            if stages == 1 { "" } else { "s" }
        ))
        .at(&f.path, *line);
    }
    if let Some((f, tool)) = image_built_by_tool(repo) {
        return Outcome::pass(format!("{} builds the image with {tool}", f.path)).at(&f.path, None);
    }
    let others = dockerfile::service_dockerfiles(repo);
    if let Some(f) = others.first() {
        let parsed = f.text().map(Dockerfile::parse);
        let language = repo.stack().language;
        let what = match parsed.as_ref().map(|d| (judge(d), d)) {
            Some((Verdict::Infrastructure { image }, _)) => {
                format!("only builds a `{image}` image, not the service")
            }
            Some((Verdict::Builds { .. }, d))
                if language.is_some_and(|l| fit(d, l) == Fit::Other) =>
            {
                format!(
                    "builds something in another language, not the {} service",
                    language.map(|l| l.name()).unwrap_or_default()
                )
            }
            _ => "puts nothing of the service into the image".to_string(),
        };
        return Outcome::fail(format!(
            "{} {what}; add a Dockerfile that installs the locked dependencies, copies the code and starts the service",
            f.path
        ))
        .at(&f.path, None);
    }
    Outcome::fail(
        "no Dockerfile or Containerfile builds the service; add a multi-stage Dockerfile that installs the locked dependencies, copies the code and starts the service",
    )
}
