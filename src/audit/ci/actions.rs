//! What a marketplace action (`uses: owner/repo@ref`) does, as far as the checks care.
//!
//! Actions are matched by `owner/repo[/path]` (case-insensitive, without the ref). Actions
//! that wrap a command (`astral-sh/ruff-action` with `args:`, `actions-rs/cargo` with
//! `command:`, retry wrappers with `command:`, `gradle/gradle-build-action` with `arguments:`)
//! are read through the [`Walker`] like a `run:` step, so their inputs decide.

use indexmap::IndexMap;
use serde_json::Value;

use super::commands::{Frame, Kind, Walker, engine_in, split_words};
use crate::repo::stack::Language;

/// The action's name without the ref: `owner/repo[/path]`, lower-cased.
pub fn action_name(uses: &str) -> String {
    uses.split('@')
        .next()
        .unwrap_or(uses)
        .trim()
        .to_ascii_lowercase()
}

fn input(with: Option<&IndexMap<String, Value>>, key: &str) -> Option<String> {
    let v = with?.get(key)?;
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn truthy_input(with: Option<&IndexMap<String, Value>>, key: &str) -> bool {
    input(with, key).is_some_and(|v| v == "true")
}

/// Records what the action does into the walker.
pub fn action(w: &mut Walker<'_>, uses: &str, with: Option<&IndexMap<String, Value>>, f: &Frame) {
    let name = action_name(uses);
    let repo_part: String = name.split('/').take(2).collect::<Vec<_>>().join("/");
    let (py, node, go, rust, jvm) = (
        Some(Language::Python),
        Some(Language::Node),
        Some(Language::Go),
        Some(Language::Rust),
        Some(Language::Jvm),
    );
    let run = |w: &mut Walker<'_>, cmd: String| w.script(&cmd, f);
    let push = |w: &mut Walker<'_>, kind: Kind, lang: Option<Language>| {
        w.out.push(super::commands::Found {
            kind: if kind == Kind::FormatWrite && f.hooks {
                Kind::Format
            } else {
                kind
            },
            lang,
            what: uses.to_string(),
            via: f.via.clone(),
            scenario: false,
            coverage: false,
            engine: None,
            dir: f.dir.clone(),
        });
        w.out.len() - 1
    };
    match repo_part.as_str() {
        // Linters and formatters.
        "astral-sh/ruff-action" | "chartboost/ruff-action" | "jpetrucciani/ruff-check" => {
            let args = input(with, "args").unwrap_or_else(|| "check".into());
            run(w, format!("ruff {args}"));
        }
        "psf/black" | "jpetrucciani/black-check" | "rickstaa/action-black" => {
            let opts = input(with, "options")
                .or_else(|| input(with, "black_args"))
                .unwrap_or_else(|| "--check --diff".into());
            run(w, format!("black {opts}"));
        }
        "pre-commit/action" | "pre-commit-ci/lite-action" | "j178/prek-action" => {
            if repo_part != "pre-commit-ci/lite-action" {
                let extra = input(with, "extra_args")
                    .or_else(|| input(with, "extra-args"))
                    .unwrap_or_default();
                run(w, format!("pre-commit run {extra}"));
            }
        }
        "golangci/golangci-lint-action" => {
            let args = input(with, "args").unwrap_or_default();
            run(w, format!("golangci-lint run {args}"));
        }
        "dominikh/staticcheck-action" => {
            push(w, Kind::Lint, go);
        }
        "actions-rs/clippy-check"
        | "giraffate/clippy-action"
        | "auguwu/clippy-action"
        | "clechasseur/rs-clippy-check"
        | "actions-rs-plus/clippy-check" => {
            push(w, Kind::Lint, rust);
        }
        "actions-rust-lang/rustfmt" | "mbrt/gh-action-go-fmt" => {
            push(
                w,
                Kind::Format,
                if repo_part.starts_with("actions-rust") {
                    rust
                } else {
                    go
                },
            );
        }
        "jerome1337/gofmt-action"
        | "jerome1337/goimports-action"
        | "grandcolline/golang-github-actions"
        | "y-bash/go-gofmt-action" => {
            push(w, Kind::Format, go);
        }
        "actions-rs/cargo" => {
            let cmd = input(with, "command").unwrap_or_default();
            let args = input(with, "args").unwrap_or_default();
            run(w, format!("cargo {cmd} {args}"));
        }
        "creyd/prettier_action" => {
            let opts = input(with, "prettier_options").unwrap_or_else(|| "--write **/*.js".into());
            let dry = truthy_input(with, "dry");
            run(
                w,
                format!("prettier {}{opts}", if dry { "--check " } else { "" }),
            );
        }
        "axel-op/googlejavaformat-action" => {
            push(w, Kind::Format, jvm);
        }
        "dprint/check" => {
            push(w, Kind::Format, None);
        }
        "super-linter/super-linter"
        | "github/super-linter"
        | "oxsecurity/megalinter"
        | "trunk-io/trunk-action"
        | "nvuillam/mega-linter" => {
            push(w, Kind::Lint, None);
            push(w, Kind::Format, None);
        }
        "wearerequired/lint-action" => {
            let table: &[(&str, Kind, Option<Language>)] = &[
                ("black", Kind::Format, py),
                ("autopep8", Kind::Format, py),
                ("flake8", Kind::Lint, py),
                ("pylint", Kind::Lint, py),
                ("mypy", Kind::Lint, py),
                ("oitnb", Kind::Format, py),
                ("eslint", Kind::Lint, node),
                ("prettier", Kind::Format, node),
                ("xo", Kind::Lint, node),
                ("stylelint", Kind::Lint, node),
                ("tsc", Kind::Lint, node),
                ("gofmt", Kind::Format, go),
                ("golint", Kind::Lint, go),
                ("rustfmt", Kind::Format, rust),
                ("clippy", Kind::Lint, rust),
                ("ktlint", Kind::Lint, jvm),
            ];
            for (key, kind, lang) in table {
                if truthy_input(with, key) {
                    push(w, *kind, *lang);
                }
            }
        }
        "py-actions/flake8"
        | "ricardochaves/python-lint"
        | "sunnysid3up/python-linter"
        | "tonybajan/flake8-check-action"
        | "suo/flake8-github-action" => {
            push(w, Kind::Lint, py);
        }
        "sibiraj-s/action-eslint"
        | "tj-actions/eslint-changed-files"
        | "ninosaurus/eslint-check"
        | "hallee/eslint-action" => {
            push(w, Kind::Lint, node);
        }
        "gradle/gradle-build-action" | "gradle/actions" | "eskatos/gradle-command-action" => {
            if let Some(a) = input(with, "arguments") {
                run(w, format!("gradle {a}"));
            }
        }
        // Wrappers that run a command.
        "nick-fields/retry"
        | "nick-invision/retry"
        | "wandalen/wretry.action"
        | "gabrielbb/xvfb-action"
        | "coactions/setup-xvfb"
        | "addnab/docker-run-action"
        | "azure/cli"
        | "azure/powershell" => {
            for key in ["command", "run", "inlinescript", "inlineScript"] {
                if let Some(c) = input(with, key) {
                    run(w, c);
                }
            }
        }
        "paambaati/codeclimate-action" => {
            push(w, Kind::Coverage, None);
            if let Some(c) = input(with, "coverageCommand") {
                run(w, c);
            }
        }
        // Scenario and end-to-end test runners.
        "cypress-io/github-action" => {
            let i = push(w, Kind::Test, node);
            w.out[i].scenario = true;
        }
        // Releases (publishing, not deploying).
        "docker/build-push-action" | "docker/bake-action" => {
            let pushes = truthy_input(with, "push")
                || with.is_some_and(|m| {
                    m.values().any(|v| {
                        let t = v.to_string();
                        t.contains("push=true") || t.contains("type=registry")
                    })
                });
            if pushes {
                push(w, Kind::Release, None);
            }
        }
        "helm/kind-action"
        | "engineerd/setup-kind"
        | "container-tools/kind-action"
        | "medyagh/setup-minikube"
        | "manusa/actions-setup-minikube"
        | "absaoss/k3d-action"
        | "nolar/setup-k3d-k3s"
        | "debianmaster/actions-k3s"
        | "jupyterhub/action-k3s-helm"
        | "lablabs/setup-kind" => {
            push(w, Kind::Cluster, None);
        }
        "pypa/gh-action-pypi-publish"
        | "softprops/action-gh-release"
        | "goreleaser/goreleaser-action"
        | "ncipollo/release-action"
        | "actions/create-release"
        | "js-devtools/npm-publish"
        | "redhat-actions/push-to-registry"
        | "elgohr/publish-docker-github-action"
        | "googleapis/release-please-action"
        | "google-github-actions/release-please-action"
        | "changesets/action"
        | "cycjimmy/semantic-release-action"
        | "svenstaro/upload-release-action"
        | "actions/upload-release-asset" => {
            push(w, Kind::Release, None);
        }
        _ => {
            generic(w, &name, with, f);
        }
    }
}

/// Actions recognised by what their repository name says they do: deploy targets, secret
/// scanners, coverage reporters, database set-up, scenario runners, reviewdog linters.
fn generic(w: &mut Walker<'_>, name: &str, with: Option<&IndexMap<String, Value>>, f: &Frame) {
    let repo_part: String = name.split('/').take(2).collect::<Vec<_>>().join("/");
    let short = repo_part.split('/').nth(1).unwrap_or("").to_string();
    let push = |w: &mut Walker<'_>, kind: Kind, lang: Option<Language>| {
        w.out.push(super::commands::Found {
            kind,
            lang,
            what: name.to_string(),
            via: f.via.clone(),
            scenario: false,
            coverage: false,
            engine: None,
            dir: f.dir.clone(),
        });
        w.out.len() - 1
    };
    const DEPLOY_ACTIONS: &[&str] = &[
        "azure/k8s-deploy",
        "azure/webapps-deploy",
        "azure/functions-action",
        "azure/container-apps-deploy-action",
        "azure/aci-deploy",
        "azure/arm-deploy",
        "azure/static-web-apps-deploy",
        "azure/helm",
        "azure/spring-apps-deploy",
        "google-github-actions/deploy-cloudrun",
        "google-github-actions/deploy-appengine",
        "google-github-actions/deploy-cloud-functions",
        "google-github-actions/deploy-gke",
        "google-github-actions/ssh-compute",
        "aws-actions/amazon-ecs-deploy-task-definition",
        "aws-actions/aws-cloudformation-github-deploy",
        "aws-actions/amazon-ecs-deploy-express-service",
        "aws-actions/aws-lambda-deploy",
        "akhileshns/heroku-deploy",
        "gonuit/heroku-docker-deploy",
        "appleboy/ssh-action",
        "appleboy/scp-action",
        "easingthemes/ssh-deploy",
        "burnett01/rsync-deployments",
        "wlixcc/sftp-deploy-action",
        "samkirkland/ftp-deploy-action",
        "garygrossgarten/github-action-ssh",
        "fifsky/ssh-action",
        "cross-the-world/ssh-scp-ssh-pipelines",
        "serverless/github-action",
        "deliverybot/helm",
        "koslib/helm-eks-action",
        "wahyd4/kubectl-helm-action",
        "actions-hub/kubectl",
        "steebchen/kubectl",
        "ianbelcher/eks-kubectl-action",
        "kodermax/kubectl-aws-eks",
        "danielr1996/kubectl-action",
        "bitovi/github-actions-deploy-docker-to-ec2",
        "bitovi/github-actions-deploy-eks-helm",
        "digitalocean/app_action",
        "cloudflare/wrangler-action",
        "amondnet/vercel-action",
        "nwtgck/actions-netlify",
        "netlify/actions",
        "w9jds/firebase-action",
        "firebaseextended/action-hosting-deploy",
        "einaregilsson/beanstalk-deploy",
        "dokku/github-action",
        "johnbeynon/render-deploy-action",
        "railwayapp/cli",
        "jakejarvis/s3-sync-action",
        "ttskch/ssh-deploy-action",
        "up9cloud/action-rsync",
        "kamal-deploy/kamal-action",
        "shuttle-hq/deploy-action",
        "hashicorp/tfc-workflows-github",
    ];
    if DEPLOY_ACTIONS
        .iter()
        .any(|d| name == *d || name.starts_with(&format!("{d}/")))
    {
        push(w, Kind::Deploy, None);
        return;
    }
    match repo_part.as_str() {
        "superfly/flyctl-actions" => {
            if input(with, "args").is_some_and(|a| a.contains("deploy")) {
                push(w, Kind::Deploy, None);
            }
            return;
        }
        "pulumi/actions" => {
            if input(with, "command")
                .is_some_and(|c| matches!(c.as_str(), "up" | "update" | "destroy"))
            {
                push(w, Kind::Deploy, None);
            }
            return;
        }
        "hashicorp/setup-terraform"
        | "azure/setup-kubectl"
        | "azure/setup-helm"
        | "azure/k8s-set-context"
        | "azure/aks-set-context"
        | "google-github-actions/get-gke-credentials"
        | "superfly/flyctl-actions/setup-flyctl" => return,
        _ => {}
    }
    if [
        "gitleaks",
        "trufflehog",
        "ggshield",
        "detect-secrets",
        "secretlint",
        "noseyparker",
        "git-secrets",
    ]
    .iter()
    .any(|t| name.contains(t))
    {
        push(w, Kind::Secrets, None);
        return;
    }
    if let Some(tool) = short
        .strip_prefix("action-")
        .filter(|_| repo_part.starts_with("reviewdog/"))
    {
        // reviewdog/action-<tool>: the tool decides.
        let args: Vec<String> = std::iter::once(tool.to_string())
            .chain(split_words("--check"))
            .collect();
        let before = w.out.len();
        w.command(&args, f);
        if w.out.len() == before
            && matches!(
                tool,
                "golangci-lint"
                    | "staticcheck"
                    | "eslint"
                    | "flake8"
                    | "pylint"
                    | "ruff"
                    | "clippy"
                    | "detekt"
                    | "ktlint"
                    | "checkstyle"
            )
        {
            let lang = match tool {
                "golangci-lint" | "staticcheck" => Some(Language::Go),
                "eslint" => Some(Language::Node),
                "clippy" => Some(Language::Rust),
                "detekt" | "ktlint" | "checkstyle" => Some(Language::Jvm),
                _ => Some(Language::Python),
            };
            push(w, Kind::Lint, lang);
        }
        return;
    }
    if [
        "codecov",
        "coveralls",
        "coverage",
        "jacoco",
        "lcov",
        "cobertura",
        "kover",
    ]
    .iter()
    .any(|t| short.contains(t))
    {
        push(w, Kind::Coverage, None);
        return;
    }
    if (short.contains("setup") || short.contains("action") || short.contains("service"))
        && let Some(engine) = engine_in(&short)
        && !short.contains("backup")
    {
        let i = push(w, Kind::Database, None);
        w.out[i].engine = Some(engine);
        return;
    }
    if [
        "newman",
        "schemathesis",
        "stepci",
        "hurl",
        "k6-action",
        "run-k6",
        "dredd",
        "playwright-test",
        "postman",
        "bruno",
    ]
    .iter()
    .any(|t| short.contains(t))
    {
        let i = push(w, Kind::Test, None);
        w.out[i].scenario = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::{GitFacts, Repo};
    use std::path::Path;

    fn kinds(uses: &str, with: &[(&str, &str)]) -> Vec<Kind> {
        let r = Repo::from_files(Path::new("/r"), GitFacts::default(), vec![]);
        let mut w = Walker::new(&r);
        let with: IndexMap<String, Value> = with
            .iter()
            .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
            .collect();
        action(&mut w, uses, Some(&with), &Frame::at(Some(String::new())));
        w.out.iter().map(|f| f.kind).collect()
    }

    #[test]
    fn actions_are_read_with_their_inputs() {
        assert_eq!(kinds("astral-sh/ruff-action@v3", &[]), vec![Kind::Lint]);
        assert_eq!(
            kinds("astral-sh/ruff-action@v3", &[("args", "format --check")]),
            vec![Kind::Format]
        );
        assert_eq!(
            kinds(
                "actions-rs/cargo@v1",
                &[("command", "fmt"), ("args", "--all -- --check")]
            ),
            vec![Kind::Format]
        );
        assert_eq!(
            kinds("nick-fields/retry@v3", &[("command", "go test ./...")]),
            vec![Kind::Test]
        );
        assert_eq!(
            kinds("gitleaks/gitleaks-action@v2", &[]),
            vec![Kind::Secrets]
        );
        assert_eq!(kinds("Azure/k8s-deploy@v5", &[]), vec![Kind::Deploy]);
        assert_eq!(
            kinds(
                "superfly/flyctl-actions@1",
                &[("args", "deploy --remote-only")]
            ),
            vec![Kind::Deploy]
        );
        assert_eq!(
            kinds("docker/build-push-action@v6", &[("push", "true")]),
            vec![Kind::Release]
        );
        assert_eq!(
            kinds("codecov/codecov-action@v5", &[]),
            vec![Kind::Coverage]
        );
        assert_eq!(
            kinds("ikalnytskyi/action-setup-postgres@v6", &[]),
            vec![Kind::Database]
        );
        assert!(kinds("actions/checkout@v4", &[]).is_empty());
        assert!(kinds("hashicorp/setup-terraform@v3", &[]).is_empty());
    }
}
