//! `build.container-non-root`.

use crate::audit::dockerfile::{Dockerfile, short_name, split_image};
use crate::audit::{Context, Outcome};
use crate::repo::Repo;

use super::build_container::{building_dockerfiles, image_built_by_tool, unreadable_dockerfile};

crate::declare_check! {
    /// Passes when the final stage of the service's Dockerfile runs as a non-root user: its
    /// last `USER` names neither `root` nor uid `0` (build arguments and `ENV` values are
    /// substituted). A final stage without `USER` inherits the user of its base: an earlier
    /// stage of the same file, or an image known to run unprivileged (`gcr.io/distroless/…:nonroot`,
    /// any `:nonroot`/`-nonroot` tag, Chainguard images, `nginx-unprivileged`, Bitnami and Red
    /// Hat UBI language images); any other base runs as root.
    ///
    /// Development Dockerfiles (`Dockerfile.dev`, `dev.Dockerfile`, `Dockerfile.test`…) are
    /// judged only when they are the only ones. Skipped when no Dockerfile builds the service.
    ///
    /// ## Why
    /// A compromised process that runs as root in the container is one kernel or runtime bug
    /// away from root on the host, and can rewrite everything in the image.
    ///
    /// ## How to fix
    /// Create an unprivileged user in the final stage and switch to it as the last user:
    /// `RUN useradd --uid 10001 --no-create-home app` then `USER 10001:10001` (or use a
    /// `:nonroot` distroless base). Keep the code owned by root so the service cannot change it.
    BuildContainerNonRoot, "build.container-non-root", check
}

/// Who the final stage runs as, and where that is decided.
enum RunsAs {
    User { user: String, line: u32 },
    Root { line: u32, why: String },
}

fn runs_as(d: &Dockerfile, stage: usize, depth: usize) -> RunsAs {
    let s = &d.stages[stage];
    if let Some(user) = s.instructions.iter().rev().find(|i| i.keyword == "USER") {
        let name = user.args.split(':').next().unwrap_or("").trim().to_string();
        return if name == "root" || name == "0" || name.is_empty() {
            RunsAs::Root {
                line: user.line,
                why: format!("its last USER is `{}`", user.args),
            }
        } else {
            RunsAs::User {
                user: format!("`{}`", user.args),
                line: user.line,
            }
        };
    }
    if depth < 8
        && let Some(parent) = d.stage_named(&s.image, stage)
    {
        return runs_as(d, parent, depth + 1);
    }
    if let Some(why) = non_root_base(&s.image) {
        return RunsAs::User {
            user: why,
            line: s.line,
        };
    }
    RunsAs::Root {
        line: s.line,
        why: format!("it sets no USER and `{}` runs as root", s.image),
    }
}

/// Base images that run unprivileged by default, described.
fn non_root_base(image: &str) -> Option<String> {
    let (name, tag) = split_image(image);
    let base = short_name(&name);
    let tag = tag.to_ascii_lowercase();
    let known = tag == "nonroot"
        || tag.ends_with("-nonroot")
        || tag.starts_with("nonroot-")
        || base.starts_with("cgr.dev/chainguard/")
            && !base.ends_with("/wolfi-base")
            && !tag.contains("dev")
        || base == "nginxinc/nginx-unprivileged"
        || base.starts_with("bitnami/")
        || (base.starts_with("registry.access.redhat.com/ubi")
            || base.starts_with("registry.redhat.io/ubi"))
            && ["python-", "nodejs-", "openjdk-", "go-toolset", "ruby-"]
                .iter()
                .any(|l| base.contains(l))
        || base.starts_with("mcr.microsoft.com/dotnet/") && tag.contains("chiseled");
    known.then(|| format!("the non-root user of `{image}`"))
}

/// Dockerfiles for development or tests, by name: `Dockerfile.dev`, `test.Dockerfile`,
/// `docker/dev/Dockerfile`.
fn is_dev_dockerfile(path: &str) -> bool {
    path.to_ascii_lowercase()
        .split(['/', '.', '-', '_'])
        .any(|w| {
            matches!(
                w,
                "dev"
                    | "develop"
                    | "development"
                    | "local"
                    | "test"
                    | "tests"
                    | "ci"
                    | "debug"
                    | "e2e"
                    | "playwright"
                    | "cypress"
            )
        })
}

fn check(repo: &Repo, _ctx: &Context) -> Outcome {
    let all = building_dockerfiles(repo);
    if let Some((path, why)) = unreadable_dockerfile(repo) {
        return Outcome::error(format!(
            "could not read {path} ({why}), so its user cannot be judged; fix its permissions and audit again"
        ))
        .at(path, None);
    }
    if all.is_empty() {
        return match image_built_by_tool(repo) {
            Some((f, tool)) => Outcome::skip(format!(
                "no Dockerfile: {} builds the image with {tool}; set a non-root user in its configuration",
                f.path
            )),
            None => Outcome::skip("no Dockerfile builds the service (see build.container)"),
        };
    }
    let production: Vec<_> = all
        .iter()
        .filter(|(f, _, _)| !is_dev_dockerfile(&f.path))
        .collect();
    let judged: Vec<_> = if production.is_empty() {
        all.iter().collect()
    } else {
        production
    };
    let mut root = Vec::new();
    let mut users = Vec::new();
    for (f, d, _) in judged {
        let last = d.stages.len() - 1;
        match runs_as(d, last, 0) {
            RunsAs::User { user, line } => users.push((f.path.clone(), line, user)),
            RunsAs::Root { line, why } => root.push((f.path.clone(), line, why)),
        }
    }
    if !root.is_empty() {
        let detail: Vec<String> = root
            .iter()
            .map(|(p, l, why)| format!("{p}:{l} runs as root ({why})"))
            .collect();
        return Outcome::fail(format!(
            "{}; add `USER 10001:10001` (or another unprivileged user) as the final stage's last user",
            detail.join("; ")
        ))
        .at_all(root.iter().map(|(p, l, _)| crate::audit::Location {
            path: p.clone(),
            line: Some(*l),
        }));
    }
    let detail: Vec<String> = users
        .iter()
        .map(|(p, l, u)| format!("{p}:{l} runs as {u}"))
        .collect();
    Outcome::pass(detail.join("; ")).at_all(users.iter().map(|(p, l, _)| crate::audit::Location {
        path: p.clone(),
        line: Some(*l),
    }))
}
