//! `infra.as-code`.

use std::sync::LazyLock;

use regex::Regex;

use crate::audit::secrets::{is_compose_name, is_deploy_name, is_test_path};
use crate::audit::{Context, Outcome};
use crate::repo::{File, Repo};

crate::declare_check! {
    /// Passes when the service's infrastructure or deployment is described in code, read from
    /// the files' structure rather than their names alone:
    ///
    /// - Terraform / OpenTofu (`.tf` with a `resource`, `module` or `provider` block, `.tf.json`,
    ///   `terragrunt.hcl`), Pulumi (`Pulumi.yaml`), AWS CDK (`cdk.json`), CloudFormation and
    ///   SAM templates (`AWSTemplateFormatVersion` or `AWS::` resource types), Serverless
    ///   Framework (`serverless.yml` with `provider` and `functions`), Azure Bicep and ARM
    ///   templates;
    /// - Helm charts (`Chart.yaml`), kustomize (`kustomization.yaml`), Kubernetes manifests
    ///   (YAML documents with `apiVersion` and a workload, service or routing `kind`);
    /// - a Nomad job (`job "…" {`), Fly.io (`fly.toml`), Render (`render.yaml`), App Engine
    ///   (`app.yaml` with `runtime`), Ansible playbooks (`hosts:` with `tasks:` or `roles:`);
    /// - a compose file that the deploy uses: named for a deployed environment
    ///   (`docker-compose.prod.yml`), with Swarm `deploy:` settings, or named in a workflow
    ///   step that runs `docker stack deploy` or `docker compose … up` on a remote host;
    /// - the compose file a self-hosted service hands its operators: it runs the project's own
    ///   released image (`image: acme/billing:2`, named after the repository or the audited
    ///   folder) with a `restart:` policy, and builds nothing from source.
    ///
    /// Test fixtures and examples do not count; a compose file that only starts a local
    /// database for development does not either.
    ///
    /// ## Why
    /// Infrastructure in code is reviewed, versioned and reproducible: a new environment is a
    /// copy, a change is a pull request, and a lost cluster can be rebuilt. Click-ops is none of
    /// these.
    ///
    /// ## How to fix
    /// Describe the deployment beside the service: Kubernetes manifests with kustomize
    /// overlays per environment, a Helm chart, or Terraform/Pulumi for the cloud resources, and
    /// have the deploy job apply them.
    InfraAsCode, "infra.as-code", check
}

static TERRAFORM_BLOCK: LazyLock<Regex> =
    LazyLock::new(|| crate::rx::re(r#"(?m)^\s*(?:resource|module|provider|data)\s+"[^"]+""#));
static K8S_KIND: LazyLock<Regex> = LazyLock::new(|| {
    crate::rx::re(concat!(
        r"(?m)^kind:\s*[\x22']?(Deployment|StatefulSet|DaemonSet|Service|Ingress|CronJob|Job|Pod|",
        r"HorizontalPodAutoscaler|ConfigMap|Namespace|PodDisruptionBudget|NetworkPolicy|",
        r"ServiceAccount|Role|RoleBinding|ClusterRole|ClusterRoleBinding|PersistentVolumeClaim|",
        r"HTTPRoute|Gateway|Rollout|Application|ApplicationSet|HelmRelease|Kustomization|",
        r"ScaledObject|ExternalSecret|SealedSecret|Certificate|VirtualService)[\x22']?\s*$"
    ))
});
static API_VERSION: LazyLock<Regex> = LazyLock::new(|| crate::rx::re(r"(?m)^apiVersion:\s*\S+"));
static CLOUDFORMATION: LazyLock<Regex> = LazyLock::new(|| {
    crate::rx::re(
        r#"(?m)^\s*(?:"?AWSTemplateFormatVersion"?\s*:|"?Type"?\s*:\s*"?AWS::[A-Za-z0-9]+::)"#,
    )
});
static NOMAD_JOB: LazyLock<Regex> = LazyLock::new(|| crate::rx::re(r#"(?m)^job\s+"[^"]+"\s*\{"#));
static TOP_KEY: LazyLock<Regex> = LazyLock::new(|| crate::rx::re(r"(?m)^([A-Za-z_][\w-]*):"));
static SWARM_DEPLOY: LazyLock<Regex> = LazyLock::new(|| {
    crate::rx::re(
        r"(?m)^\s+deploy:\s*$\n(?:\s+.*\n)*?\s+(?:replicas|placement|update_config|mode):",
    )
});

fn top_keys(text: &str) -> Vec<&str> {
    TOP_KEY
        .captures_iter(text)
        .filter_map(|c| c.get(1).map(|m| m.as_str()))
        .collect()
}

/// What kind of infrastructure code a file is, if any.
fn describe(name: &str, text: &str) -> Option<&'static str> {
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match name {
        "pulumi.yaml" | "pulumi.yml" => return Some("Pulumi"),
        "cdk.json" => return text.contains("\"app\"").then_some("AWS CDK"),
        "chart.yaml" => {
            return (text.contains("apiVersion:") && text.contains("name:")).then_some("Helm");
        }
        "kustomization.yaml" | "kustomization.yml" => return Some("kustomize"),
        "terragrunt.hcl" => return Some("Terragrunt"),
        "fly.toml" => return text.contains("app").then_some("Fly.io"),
        "render.yaml" => return text.contains("services:").then_some("Render"),
        "app.yaml" if text.contains("runtime:") && !text.contains("apiVersion:") => {
            return Some("App Engine");
        }
        "serverless.yml" | "serverless.yaml" => {
            let keys = top_keys(text);
            return (keys.contains(&"provider") && keys.contains(&"functions"))
                .then_some("Serverless Framework");
        }
        _ => {}
    }
    if ext == "tf" && TERRAFORM_BLOCK.is_match(text) {
        return Some("Terraform");
    }
    if name.ends_with(".tf.json") && (text.contains("\"resource\"") || text.contains("\"module\""))
    {
        return Some("Terraform");
    }
    if ext == "bicep" && text.contains("resource ") {
        return Some("Bicep");
    }
    if (name.ends_with(".nomad") || name.ends_with(".nomad.hcl")) && NOMAD_JOB.is_match(text) {
        return Some("Nomad");
    }
    if ext == "json" && text.contains("deploymentTemplate.json#") && text.contains("\"resources\"")
    {
        return Some("an ARM template");
    }
    if matches!(ext, "yaml" | "yml" | "json" | "template") && CLOUDFORMATION.is_match(text) {
        return Some("CloudFormation");
    }
    if matches!(ext, "yaml" | "yml") {
        if is_compose_name(name) {
            if is_deploy_name(name) {
                return Some("a deploy compose file");
            }
            if SWARM_DEPLOY.is_match(text) {
                return Some("a Swarm compose file");
            }
            return None;
        }
        if API_VERSION.is_match(text) && K8S_KIND.is_match(text) {
            return Some("Kubernetes manifests");
        }
        let keys = top_keys(text);
        if text.trim_start().starts_with("- ")
            && text.contains("hosts:")
            && (text.contains("tasks:") || text.contains("roles:"))
            && keys.is_empty()
        {
            return Some("an Ansible playbook");
        }
    }
    None
}

/// Compose files a workflow deploys: `docker stack deploy -c FILE`, or `docker compose -f FILE
/// … up` on a remote host (`-H`, `--context`, `DOCKER_HOST`, `ssh`).
/// The names the project's own image may have: the repository (its folder, its `origin`)
/// and the audited folder, in lower case.
fn project_names(repo: &Repo) -> Vec<String> {
    let mut names = Vec::new();
    let mut add = |n: &str| {
        let n = n.trim_end_matches(".git").to_ascii_lowercase();
        if !n.is_empty() && !names.contains(&n) {
            names.push(n);
        }
    };
    if let Some(n) = repo.root.file_name() {
        add(&n.to_string_lossy());
    }
    if let Some(origin) = &repo.git.origin {
        add(origin
            .trim_end_matches('/')
            .rsplit(['/', ':'])
            .next()
            .unwrap_or(""));
    }
    if let Some(n) = repo.prefix.trim_end_matches('/').rsplit('/').next() {
        add(n);
    }
    names
}

/// Whether a compose file's folder or name says it starts a stack for tests or development
/// (`docker/regtest/docker-compose.yml`, `compose.dev.yml`), not a deployment.
fn for_a_test_or_dev_stack(rel: &str) -> bool {
    rel.to_ascii_lowercase()
        .split(['/', '.', '_', '-'])
        .any(|w| {
            matches!(
                w,
                "test"
                    | "tests"
                    | "testing"
                    | "regtest"
                    | "e2e"
                    | "integration"
                    | "dev"
                    | "develop"
                    | "development"
                    | "local"
                    | "ci"
                    | "example"
                    | "examples"
                    | "demo"
                    | "sandbox"
                    | "bench"
                    | "benchmark"
            )
        })
}

/// The image of a compose file that deploys a released build of the project: no service is
/// built from source, and one runs an image named after the project with a restart policy.
/// A local development stack builds the service (`build: .`) or only starts its database.
fn released_image_compose(text: &str, names: &[String]) -> Option<String> {
    if !text.contains("image:") || !text.contains("restart") {
        return None;
    }
    let doc: serde_json::Value = serde_saphyr::from_str(text).ok()?;
    let services = doc.get("services")?.as_object()?;
    if services.values().any(|s| s.get("build").is_some()) {
        return None;
    }
    services.values().find_map(|s| {
        let image = s.get("image")?.as_str()?;
        let restarts = s.get("restart").is_some()
            || s.get("deploy")
                .and_then(|d| d.get("restart_policy"))
                .is_some();
        // `registry/owner/name:tag` or `name@sha256:…`: the name is the last path segment.
        let repository = image.split(['@']).next()?;
        let last = repository.rsplit('/').next()?;
        let name = last.split(':').next()?.to_ascii_lowercase();
        (restarts && names.contains(&name)).then(|| image.to_string())
    })
}

fn compose_deployed_by_workflow<'a>(
    repo: &'a Repo,
    compose: &[&'a File],
) -> Option<(&'a File, String)> {
    for wf in repo.workflows() {
        let Ok(w) = &wf.result else { continue };
        for job in w.jobs.values() {
            for (script, line) in job.value.run_scripts() {
                let remote = script.contains("stack deploy")
                    || (script.contains("compose")
                        && script.contains(" up")
                        && (script.contains("ssh")
                            || script.contains("DOCKER_HOST")
                            || script.contains("--context")
                            || script.contains(" -H ")));
                if !remote {
                    continue;
                }
                if let Some(f) = compose.iter().find(|f| {
                    let name = f.path.rsplit('/').next().unwrap_or(&f.path);
                    script.contains(name)
                        || (script.contains("stack deploy") || script.contains("compose"))
                            && !script.contains(" -f ")
                            && !script.contains(" -c ")
                            && !f.path.contains('/')
                }) {
                    return Some((f, format!("{}:{line}", wf.path)));
                }
            }
        }
    }
    None
}

fn check(repo: &Repo, _ctx: &Context) -> Outcome {
    let prefix = repo.prefix.len();
    let mut composes = Vec::new();
    for f in repo.service_files() {
        let rel = &f.path[prefix..];
        let lower = rel.to_ascii_lowercase();
        if crate::repo::stack::is_vendored(&lower)
            || is_test_path(&lower)
            || lower.starts_with(".terraform/")
            || lower.contains("/.terraform/")
            || lower
                .split('/')
                .any(|p| matches!(p, "examples" | "example" | "samples" | ".github" | "docs"))
        {
            continue;
        }
        let Some(text) = f.text() else { continue };
        let name = lower.rsplit('/').next().unwrap_or(&lower);
        if is_compose_name(name) {
            composes.push(f);
        }
        if let Some(what) = describe(name, text) {
            return Outcome::pass(format!("{} describes the infrastructure ({what})", f.path))
                .at(&f.path, None);
        }
    }
    let names = project_names(repo);
    if let Some((f, image)) = composes
        .iter()
        .filter(|f| !for_a_test_or_dev_stack(&f.path[prefix..]))
        .find_map(|f| released_image_compose(f.text()?, &names).map(|image| (f, image)))
    {
        return Outcome::pass(format!(
            "{} deploys the released image {image} (the deployment it documents for operators)",
            f.path
        ))
        .at(&f.path, None);
    }
    if let Some((f, step)) = compose_deployed_by_workflow(repo, &composes) {
        return Outcome::pass(format!(
            "{} is deployed by the workflow step at {step}",
            f.path
        ))
        .at(&f.path, None);
    }
    let hint = match composes.first() {
        Some(f) => format!("{} only serves local development; ", f.path),
        None => String::new(),
    };
    Outcome::fail(format!(
        "no infrastructure code found (Terraform, Pulumi, CDK, CloudFormation, Helm, Kubernetes manifests, or a compose/Nomad file the deploy uses); {hint}describe the deployment in code beside the service, e.g. Kubernetes manifests with kustomize overlays"
    ))
}
