//! `env.separate-dev`.

use crate::audit::ci::{self, Kind, tasks};
use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when a named non-production deploy target exists:
    /// - a workflow job names a GitHub environment that is not production (staging, stage,
    ///   dev, qa, test, uat, preview, review, sandbox, preprod, …), with `${{ … }}` names
    ///   resolved through literals, the matrix and workflow inputs (choice options, defaults,
    ///   what callers pass);
    /// - or a deploy command of a workflow targets one (`kubectl apply -k
    ///   deploy/k8s/overlays/staging`, `helm upgrade -f values-staging.yaml`,
    ///   `flyctl deploy -c fly.staging.toml`);
    /// - or the service holds a staging deploy configuration: a Kustomize overlay or a
    ///   directory of a deploy tree (`k8s/`, `deploy/`, `helm/`, `terraform/`, `environments/`,
    ///   …) named after a non-production environment, Helm values `values-staging.yaml`,
    ///   `fly.staging.toml`, Terraform `staging.tfvars`, `compose.staging.yaml`, skaffold
    ///   profiles or helmfile environments of that name.
    ///
    /// An environment variable alone (`ENV=staging` in a `.env` file), a settings module or a
    /// Spring profile is not a deploy target and does not count; neither do `local`, `ci` or
    /// `test` compose files, which run on a laptop or in CI.
    ///
    /// ## Why
    /// A change that reaches production first is tested by its users. A staging environment
    /// that deploys the same way as production catches bad migrations, configuration and
    /// integrations before they matter.
    ///
    /// ## How to fix
    /// Add a staging environment that main deploys to before production: a job with
    /// `environment: staging` (and `production` after it, gated by approval), with a staging
    /// overlay or values file next to the production one.
    EnvSeparateDev, "env.separate-dev", check
}

/// Environment words accepted in file and path names (narrower than for GitHub
/// environments: a `test/` directory is not a deploy target).
const FILE_ENVS: &[&str] = &[
    "staging",
    "stage",
    "stg",
    "dev",
    "development",
    "qa",
    "uat",
    "preview",
    "sandbox",
    "preprod",
    "pre-prod",
    "nonprod",
    "non-prod",
];

/// Directories whose sub-directories are deploy targets.
const DEPLOY_DIRS: &[&str] = &[
    "overlays",
    "envs",
    "environments",
    "env",
    "stages",
    "clusters",
    "deploy",
    "deployment",
    "deployments",
    "k8s",
    "kubernetes",
    "kube",
    "helm",
    "charts",
    "manifests",
    "infra",
    "infrastructure",
    "terraform",
    "tf",
    "ops",
    "kustomize",
    "argocd",
    "argo",
    "flux",
    "gitops",
    "pulumi",
    "ansible",
    "inventories",
    "inventory",
];

const CONFIG_EXTENSIONS: &[&str] = &[
    "yaml",
    "yml",
    "json",
    "tf",
    "tfvars",
    "hcl",
    "toml",
    "jsonnet",
    "libsonnet",
    "cue",
    "ini",
    "cfg",
    "j2",
];

fn file_env_word(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    FILE_ENVS.contains(&lower.as_str())
        || lower
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|t| FILE_ENVS.contains(&t) && t.len() > 2)
}

/// Why a service file is a non-production deploy configuration, if it is.
fn staging_config(rel: &str, text: Option<&str>) -> Option<String> {
    let parts: Vec<&str> = rel.split('/').collect();
    let name = parts.last().copied().unwrap_or(rel);
    let lower = name.to_ascii_lowercase();
    let ext = lower.rsplit('.').next().unwrap_or("");
    if !CONFIG_EXTENSIONS.contains(&ext) {
        return None;
    }
    let stem = lower.strip_suffix(&format!(".{ext}")).unwrap_or(&lower);
    // A directory of a deploy tree named after an environment.
    for w in parts.windows(2).take(parts.len().saturating_sub(1)) {
        if DEPLOY_DIRS.contains(&w[0].to_ascii_lowercase().as_str())
            && file_env_word(w[1])
            && w[1] != name
        {
            return Some(format!(
                "{} is a `{}` deploy target",
                parts[..parts.iter().position(|p| *p == w[1]).unwrap_or(0) + 1].join("/"),
                w[1]
            ));
        }
    }
    // Environment-named files of deploy tools.
    let env_of = |prefix: &str, suffix: &str| -> Option<String> {
        let mid = stem.strip_prefix(prefix)?.strip_suffix(suffix)?;
        (!mid.is_empty() && file_env_word(mid)).then(|| mid.to_string())
    };
    let helm = env_of("values-", "")
        .or_else(|| env_of("values.", ""))
        .or_else(|| env_of("", "-values"))
        .or_else(|| env_of("", ".values"));
    if let Some(e) = helm.filter(|_| ext == "yaml" || ext == "yml") {
        return Some(format!("Helm values for `{e}`"));
    }
    if let Some(e) = env_of("fly.", "")
        .or_else(|| env_of("fly-", ""))
        .filter(|_| ext == "toml")
    {
        return Some(format!("a Fly.io config for `{e}`"));
    }
    if ext == "tfvars" {
        let e = stem
            .trim_end_matches(".auto")
            .rsplit(['.', '-', '_'])
            .next()
            .unwrap_or(stem)
            .to_string();
        let e2 = stem.split('.').next().unwrap_or(stem);
        if file_env_word(&e) || file_env_word(e2) {
            return Some("Terraform variables for a non-production environment".to_string());
        }
    }
    if let Some(e) = env_of("docker-compose.", "")
        .or_else(|| env_of("compose.", ""))
        .or_else(|| env_of("docker-compose-", ""))
        && matches!(
            e.as_str(),
            "staging" | "stage" | "stg" | "preprod" | "uat" | "qa"
        )
    {
        return Some(format!("a compose deployment for `{e}`"));
    }
    if let Some(e) =
        env_of("serverless.", "").or_else(|| env_of("app.", "").filter(|_| ext == "yaml"))
        && matches!(
            e.as_str(),
            "staging" | "stage" | "stg" | "dev" | "qa" | "uat" | "preprod"
        )
    {
        return Some(format!("a deploy config for `{e}`"));
    }
    // Profiles and environments declared inside deploy tools' files.
    if let Some(text) = text {
        if stem == "skaffold"
            && let Some(serde_json::Value::Array(profiles)) =
                tasks::yaml(text).and_then(|v| v.get("profiles").cloned())
            && let Some(n) = profiles
                .iter()
                .filter_map(|p| p.get("name")?.as_str().map(String::from))
                .find(|n| file_env_word(n))
        {
            return Some(format!("a skaffold profile `{n}`"));
        }
        if stem.starts_with("helmfile")
            && let Some(serde_json::Value::Object(envs)) =
                tasks::yaml(text).and_then(|v| v.get("environments").cloned())
            && let Some(n) = envs.keys().find(|n| file_env_word(n))
        {
            return Some(format!("a helmfile environment `{n}`"));
        }
    }
    None
}

fn check(repo: &Repo, ctx: &Context) -> Outcome {
    let ci = ctx.ci();
    // 1. GitHub environments.
    for (fi, ji, flow, job) in ci.jobs() {
        if job.disabled {
            continue;
        }
        if let Some(env) = ci
            .environment_names(fi, ji)
            .into_iter()
            .find(|e| ci::non_production(e) && !ci::release_environment(e))
        {
            let line = tasks::find_line(flow.text, job.line, |l| l.contains("environment"))
                .unwrap_or(job.line);
            return Outcome::pass(format!(
                "job `{}` ({}:{}) deploys to the non-production environment `{env}`",
                job.id, flow.path, line
            ))
            .at(flow.path, line);
        }
    }
    // 2. Deploy commands that target a non-production environment.
    for d in ci.deploy_jobs() {
        let flow = &ci.flows[d.flow];
        let job = &flow.jobs[d.job];
        for f in job.facts.iter().filter(|f| f.found.kind == Kind::Deploy) {
            let targets = f.found.what.split_whitespace().any(|w| {
                w.split(['/', '=', ',', ':']).any(|part| {
                    let stem = part.split('.').next().unwrap_or(part);
                    file_env_word(part)
                        || (part.contains('.')
                            && (file_env_word(stem) || part.split('.').any(file_env_word)))
                })
            });
            if targets {
                return Outcome::pass(format!(
                    "job `{}` ({}) deploys to a non-production target: {}",
                    job.id,
                    f.at(),
                    f.describe()
                ))
                .at(&f.path, f.line);
            }
        }
    }
    // 3. Staging deploy configuration in the service.
    let prefix = repo.prefix.len();
    for file in repo.service_files() {
        let rel = &file.path[prefix..];
        if file.is_vendored() || rel.starts_with(".github/") {
            continue;
        }
        if let Some(why) = staging_config(rel, file.text()) {
            return Outcome::pass(format!("{}: {why}", file.path)).at(&file.path, None);
        }
    }
    let deploys = ci.deploy_jobs();
    let outcome = match deploys.first() {
        Some(d) => {
            let flow = &ci.flows[d.flow];
            let job = &flow.jobs[d.job];
            Outcome::fail(format!(
                "no non-production deploy target: the deploy job `{}` ({}:{}) {} without a staging/dev environment, and no staging deploy configuration was found; add a staging environment that main deploys to first (`environment: staging`, a staging overlay or values file)",
                job.id, flow.path, job.line, d.how
            ))
            .at(flow.path, job.line)
        }
        None => Outcome::fail(
            "no non-production deploy target: no workflow job names a staging/dev environment and no staging deploy configuration (overlay, values file, fly.staging.toml) exists; add a staging environment that main deploys to before production",
        ),
    };
    ci.unless_broken(outcome)
}

#[cfg(test)]
mod tests {
    use super::staging_config;

    #[test]
    fn staging_configs_are_recognised_by_structure() {
        for p in [
            "deploy/k8s/overlays/staging/kustomization.yaml",
            "k8s/dev/deployment.yaml",
            "charts/api/values-staging.yaml",
            "fly.staging.toml",
            "terraform/environments/qa/main.tf",
            "infra/staging.tfvars",
            "compose.staging.yaml",
        ] {
            assert!(staging_config(p, None).is_some(), "{p}");
        }
        for p in [
            "deploy/k8s/overlays/production/kustomization.yaml",
            "docker-compose.dev.yml",
            "docker-compose.test.yml",
            "src/app/settings/staging.py",
            "config/application-dev.yml",
            ".env.staging",
            "k8s/base/deployment.yaml",
            "tests/e2e/test_staging.py",
        ] {
            assert!(staging_config(p, None).is_none(), "{p}");
        }
    }
}
