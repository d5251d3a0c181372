//! The repository's GitHub Actions CI as the workflow checks see it: every job with what its
//! steps do (runs tests, lints, deploys, …), where, and under which conditions it runs.
//!
//! Built from the parsed workflows of the repository view ([`Repo::workflows`]) in one pass:
//! - each step is read by the [`commands::Walker`] (`run:` scripts, following `make`, npm
//!   scripts, tox, pre-commit and the rest through the repository's files) or by the action
//!   table in [`actions`] (`uses:`); local composite actions (`uses: ./…`) are read step by
//!   step, and a job that calls a local reusable workflow (`uses: ./.github/workflows/x.yml`)
//!   carries what the called workflow's jobs do;
//! - `if:` conditions are evaluated by [`expr`] against scenarios ("a pull request", "a push
//!   to a feature branch", "the upstream CI failed"), so a guard is only trusted when it
//!   really excludes the scenario;
//! - a fact whose language is not the service's main language (a frontend's `npm test` in a
//!   Python service), or that runs in a directory outside the audited PATH, does not count for
//!   the service.
//!
//! Several checks share this module (`tests.*`, `quality.*`, `deploy.*`, `env.separate-dev`,
//! `secrets.scanning`, `docs.ci-badge`); each builds its own view, which is cheap next to
//! reading the files.

pub mod actions;
pub mod commands;
pub mod expr;
pub mod shell;
pub mod tasks;

use serde::Deserialize;
use serde_json::Value;
use serde_saphyr::Spanned;

pub use commands::{Found, Kind};
use commands::{Frame, Walker};
use expr::{Scenario, Val};

use crate::repo::Repo;
use crate::repo::stack::Language;
use crate::repo::workflow::{self, Job, Step, Workflow};

/// One thing a job does, with the step that does it.
#[derive(Debug, Clone)]
pub struct Fact {
    pub found: Found,
    /// The workflow (or called workflow) file and the line of the step.
    pub path: String,
    pub line: u32,
    /// Index of the step in its job (`usize::MAX` for facts of a called workflow).
    pub step: usize,
    /// Runs in a directory outside the audited PATH.
    pub elsewhere: bool,
}

impl Fact {
    /// `ci.yml:31`.
    pub fn at(&self) -> String {
        format!("{}:{}", self.path, self.line)
    }

    /// "`pytest --cov` (via make test (Makefile:27))".
    pub fn describe(&self) -> String {
        if self.found.via.is_empty() {
            format!("`{}`", self.found.what)
        } else {
            format!("`{}` (via {})", self.found.what, self.found.via.join(" → "))
        }
    }
}

/// A job of a workflow.
#[derive(Debug)]
pub struct JobView<'r> {
    pub id: &'r str,
    pub job: &'r Job,
    /// Line of the job's key.
    pub line: u32,
    /// What the job does, including the jobs of a local reusable workflow it calls.
    pub facts: Vec<Fact>,
    /// The local reusable workflow it calls (index into [`Ci::flows`]).
    pub callee: Option<usize>,
    /// A reusable workflow of another repository it calls.
    pub remote_call: Option<&'r str>,
    /// `if:` makes it never run.
    pub disabled: bool,
}

/// A workflow file.
#[derive(Debug)]
pub struct Flow<'r> {
    pub path: &'r str,
    pub wf: &'r Workflow,
    pub text: &'r str,
    pub jobs: Vec<JobView<'r>>,
    /// Jobs (flow, job) of other workflows that call this one.
    pub callers: Vec<(usize, usize)>,
}

impl Flow<'_> {
    /// The name GitHub shows (and `workflow_run` refers to): `name:` or the file path.
    pub fn display_name(&self) -> String {
        self.wf
            .name
            .clone()
            .unwrap_or_else(|| self.path.to_string())
    }

    /// Whether the workflow only runs when another workflow calls it.
    pub fn only_called(&self) -> bool {
        let events = self.wf.events();
        !events.is_empty() && events.iter().all(|e| e == "workflow_call")
    }

    /// Line of the `on:` key (the parsed value's line is that of its first trigger).
    pub fn on_line(&self) -> Option<u32> {
        self.wf.on_line().map(|l| key_line(self.text, "on", l))
    }

    pub fn job(&self, id: &str) -> Option<usize> {
        self.jobs.iter().position(|j| j.id == id)
    }
}

/// A job that changes a running environment.
#[derive(Debug, Clone)]
pub struct DeployJob {
    pub flow: usize,
    pub job: usize,
    /// Why it counts: "runs `kubectl apply …`", "deploys to environment `production`".
    pub how: String,
    /// The environment names it may deploy to (expressions resolved where possible).
    pub environments: Vec<String>,
}

/// The CI view.
pub struct Ci<'r> {
    pub repo: &'r Repo,
    /// The service's main language (the backend's).
    pub main: Option<Language>,
    pub flows: Vec<Flow<'r>>,
    /// Workflows that do not parse: (path, error).
    pub broken: Vec<(&'r str, &'r str)>,
}

#[derive(Debug, Deserialize)]
struct ActionFile {
    #[serde(default)]
    runs: Option<ActionRuns>,
}

#[derive(Debug, Deserialize)]
struct ActionRuns {
    #[serde(default)]
    steps: Vec<Spanned<Step>>,
}

/// The steps of a composite action file (`action.yml`), if it is one.
pub fn composite_steps(text: &str) -> Option<Vec<Spanned<Step>>> {
    let parsed: ActionFile = serde_saphyr::from_str(text).ok()?;
    Some(parsed.runs?.steps)
}

/// The file of a local action (`./.github/actions/setup` → `…/action.yml`).
pub fn local_action_file<'r>(repo: &'r Repo, uses: &str) -> Option<(String, &'r str)> {
    let dir = commands::join("", uses.trim_start_matches("./"));
    ["action.yml", "action.yaml"].iter().find_map(|n| {
        let p = commands::join(&dir, n);
        repo.text(&p).map(|t| (p.clone(), t))
    })
}

/// Line of a mapping key (`  build:`) at or before `before` (1-based), scanning upwards.
pub fn key_line(text: &str, key: &str, before: u32) -> u32 {
    let lines: Vec<&str> = text.lines().collect();
    let start = (before as usize).min(lines.len());
    for i in (0..start).rev() {
        let t = lines[i].trim_start();
        let t = t.trim_start_matches("- ");
        for k in [key.to_string(), format!("\"{key}\""), format!("'{key}'")] {
            if let Some(rest) = t.strip_prefix(&k)
                && rest.trim_start().starts_with(':')
            {
                return i as u32 + 1;
            }
        }
    }
    before
}

/// `KEY=value` lines of an `env:` mapping.
fn env_text(env: Option<&Value>) -> String {
    match env {
        Some(Value::Object(m)) => m
            .iter()
            .map(|(k, v)| format!("{k}={}\n", workflow::value_text(v).unwrap_or_default()))
            .collect(),
        _ => String::new(),
    }
}

/// `script` with each `${{ inputs.NAME }}` replaced by the caller's literal value, or `None`
/// when it names no input the caller sets (then the called workflow's own reading stands).
fn with_inputs(
    script: &str,
    with: &indexmap::IndexMap<String, serde_json::Value>,
) -> Option<String> {
    if !script.contains("inputs.") {
        return None;
    }
    let mut out = String::with_capacity(script.len());
    let mut rest = script;
    let mut replaced = false;
    while let Some(open) = rest.find("${{") {
        let Some(close) = rest[open..].find("}}") else {
            break;
        };
        let inner = rest[open + 3..open + close].trim();
        out.push_str(&rest[..open]);
        let value = inner
            .strip_prefix("inputs.")
            .and_then(|name| match with.get(name)? {
                serde_json::Value::String(s) if !s.contains("${{") => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                serde_json::Value::Bool(b) => Some(b.to_string()),
                _ => None,
            });
        match value {
            Some(v) => {
                out.push_str(&v);
                replaced = true;
            }
            None => out.push_str(&rest[open..open + close + 2]),
        }
        rest = &rest[open + close + 2..];
    }
    out.push_str(rest);
    replaced.then_some(out)
}

/// A working directory from the workflow: `None` when it is an expression.
fn literal_dir(d: &str) -> Option<String> {
    (!d.contains("${{")).then(|| commands::join("", d))
}

impl<'r> Ci<'r> {
    pub fn new(repo: &'r Repo) -> Ci<'r> {
        let mut flows = Vec::new();
        let mut broken = Vec::new();
        for parsed in repo.workflows() {
            match &parsed.result {
                Ok(wf) => flows.push(Flow {
                    path: &parsed.path,
                    wf,
                    text: repo.text(&parsed.path).unwrap_or(""),
                    jobs: Vec::new(),
                    callers: Vec::new(),
                }),
                Err(e) => broken.push((parsed.path.as_str(), e.as_str())),
            }
        }
        let mut ci = Ci {
            repo,
            main: repo.stack().language,
            flows,
            broken,
        };
        ci.build_jobs();
        ci
    }

    fn build_jobs(&mut self) {
        let repo = self.repo;
        let prefix = repo.prefix.trim_end_matches('/').to_string();
        let mut walker = Walker::new(repo);
        let paths: Vec<&'r str> = self.flows.iter().map(|f| f.path).collect();
        for fi in 0..self.flows.len() {
            let flow = &self.flows[fi];
            let (wf, path, text) = (flow.wf, flow.path, flow.text);
            let mut jobs = Vec::new();
            for (id, spanned) in &wf.jobs {
                let job = &spanned.value;
                let line = key_line(text, id, workflow::line(&spanned.referenced));
                let disabled = job.disabled()
                    || job
                        .condition_text()
                        .is_some_and(|c| expr::truthy(&c, &Scenario::unknown()) == Some(false));
                let mut facts = Vec::new();
                let (mut callee, mut remote_call) = (None, None);
                if let Some(uses) = &job.uses {
                    let u = uses.value.trim();
                    if u.starts_with("./") {
                        let target = commands::join("", u.split('@').next().unwrap_or(u));
                        callee = paths.iter().position(|p| *p == target);
                    } else {
                        remote_call = Some(uses.value.as_str());
                        // A remote reusable workflow is opaque: it deploys when its file says
                        // so, or when it is told which environment to deploy to.
                        let file = u
                            .split('@')
                            .next()
                            .unwrap_or(u)
                            .rsplit('/')
                            .next()
                            .unwrap_or("")
                            .to_ascii_lowercase();
                        let builds = [
                            "build", "publish", "release", "push", "image", "test", "lint",
                        ]
                        .iter()
                        .any(|w| file.contains(w));
                        let deploys_by_name = file.contains("deploy") && !file.contains("build");
                        let env_input = !builds
                            && job.with.as_ref().is_some_and(|w| {
                                w.keys().any(|k| {
                                    matches!(
                                        k.to_ascii_lowercase().as_str(),
                                        "environment"
                                            | "env"
                                            | "environment-name"
                                            | "environment_name"
                                            | "deploy-environment"
                                            | "target-environment"
                                            | "stage"
                                    )
                                })
                            });
                        if deploys_by_name || env_input {
                            facts.push(Fact {
                                found: Found {
                                    kind: Kind::Deploy,
                                    lang: None,
                                    what: format!("uses {u}"),
                                    via: Vec::new(),
                                    scenario: false,
                                    coverage: false,
                                    engine: None,
                                    dir: None,
                                },
                                path: path.to_string(),
                                line: workflow::line(&uses.referenced),
                                step: 0,
                                elsewhere: false,
                            });
                        }
                    }
                }
                // A local reusable workflow runs what its caller's inputs say:
                // `with: {make: checkblack}` into `run: make ${{ inputs.make }}`.
                if let (Some(c), Some(with)) = (callee, job.with.as_ref()) {
                    let called = &self.flows[c];
                    for (_, cjob) in &called.wf.jobs {
                        for step in &cjob.value.steps {
                            let Some(run) = &step.value.run else { continue };
                            let Some(script) = with_inputs(&run.value, with) else {
                                continue;
                            };
                            let start = walker.out.len();
                            walker.script(&script, &Frame::at(Some(String::new())));
                            let line = workflow::line(&run.referenced);
                            for found in walker.out.drain(start..) {
                                facts.push(Fact {
                                    found,
                                    path: called.path.to_string(),
                                    line,
                                    step: usize::MAX,
                                    elsewhere: false,
                                });
                            }
                        }
                    }
                }
                let wf_dir = workflow::default_working_directory(wf.defaults.as_ref());
                let job_dir = workflow::default_working_directory(job.defaults.as_ref()).or(wf_dir);
                let base_env = format!(
                    "{}{}",
                    env_text(wf.env.as_ref()),
                    env_text(job.env.as_ref())
                );
                for (si, step) in job.steps.iter().enumerate() {
                    let s = &step.value;
                    if step_disabled(s) {
                        continue;
                    }
                    let dir = match s.working_directory.as_deref().or(job_dir) {
                        Some(d) => literal_dir(d),
                        None => Some(String::new()),
                    };
                    let mut frame = Frame::at(dir);
                    frame.env = format!("{base_env}{}", env_text(s.env.as_ref()));
                    let line = workflow::line(&step.referenced);
                    let start = walker.out.len();
                    let mut at = (path.to_string(), line);
                    if let Some(run) = &s.run {
                        at.1 = workflow::line(&run.referenced);
                        walker.script(&run.value, &frame);
                    } else if let Some(uses) = &s.uses {
                        at.1 = workflow::line(&uses.referenced);
                        walk_uses(&mut walker, repo, &uses.value, s.with.as_ref(), &frame, 0);
                    }
                    for found in walker.out.drain(start..) {
                        let elsewhere = !prefix.is_empty()
                            && found.dir.as_deref().is_some_and(|d| {
                                !d.is_empty()
                                    && d != prefix
                                    && !d.starts_with(&format!("{prefix}/"))
                                    && !prefix.starts_with(&format!("{d}/"))
                            });
                        facts.push(Fact {
                            found,
                            path: at.0.clone(),
                            line: at.1,
                            step: si,
                            elsewhere,
                        });
                    }
                }
                jobs.push(JobView {
                    id,
                    job,
                    line,
                    facts,
                    callee,
                    remote_call,
                    disabled,
                });
            }
            self.flows[fi].jobs = jobs;
        }
        // Callers carry what the called workflow's jobs do (nested calls too, bounded).
        let mut calls: Vec<(usize, usize, usize)> = Vec::new();
        for (fi, f) in self.flows.iter().enumerate() {
            for (ji, j) in f.jobs.iter().enumerate() {
                if let Some(c) = j.callee {
                    calls.push((fi, ji, c));
                }
            }
        }
        for &(fi, ji, c) in &calls {
            self.flows[c].callers.push((fi, ji));
        }
        for _round in 0..3 {
            for &(fi, ji, c) in &calls {
                if c == fi {
                    continue;
                }
                let extra: Vec<Fact> = self.flows[c]
                    .jobs
                    .iter()
                    .filter(|j| !j.disabled)
                    .flat_map(|j| j.facts.iter().cloned())
                    .map(|mut f| {
                        f.step = usize::MAX;
                        f
                    })
                    .collect();
                let facts = &mut self.flows[fi].jobs[ji].facts;
                for e in extra {
                    if !facts.iter().any(|x| {
                        x.path == e.path
                            && x.line == e.line
                            && x.found.kind == e.found.kind
                            && x.found.what == e.found.what
                    }) {
                        facts.push(e);
                    }
                }
            }
        }
    }

    /// Every job, with its flow index.
    pub fn jobs(&self) -> impl Iterator<Item = (usize, usize, &Flow<'r>, &JobView<'r>)> {
        self.flows
            .iter()
            .enumerate()
            .flat_map(|(fi, f)| f.jobs.iter().enumerate().map(move |(ji, j)| (fi, ji, f, j)))
    }

    /// Whether a fact is about the service: its language (or none) and inside PATH.
    pub fn for_service(&self, f: &Fact) -> bool {
        !f.elsewhere
            && match (self.main, f.found.lang) {
                (Some(main), Some(lang)) => main == lang,
                _ => true,
            }
    }

    /// Tests of the service that a job runs.
    pub fn tests<'a>(&'a self, job: &'a JobView<'r>) -> impl Iterator<Item = &'a Fact> + 'a {
        job.facts
            .iter()
            .filter(move |f| f.found.kind == Kind::Test && self.for_service(f))
    }

    /// Whether a job runs the service's tests (scenario runners that test any API do not make
    /// a job a test job).
    pub fn is_test_job(&self, job: &JobView<'r>) -> bool {
        !job.disabled
            && self
                .tests(job)
                .any(|f| !(f.found.lang.is_none() && f.found.scenario))
    }

    /// Facts of a kind for the service, over every job that can run.
    pub fn facts(&self, kind: Kind) -> Vec<(&Flow<'r>, &JobView<'r>, &Fact)> {
        self.jobs()
            .filter(|(_, _, _, j)| !j.disabled)
            .flat_map(|(_, _, f, j)| j.facts.iter().map(move |x| (f, j, x)))
            .filter(|(_, _, x)| x.found.kind == kind && self.for_service(x))
            .collect()
    }

    /// Can the job run in this scenario? `false` only when its `if:` (or that of a job it
    /// needs) surely excludes it.
    pub fn can_run(&self, fi: usize, ji: usize, s: &Scenario) -> bool {
        self.can_run_depth(fi, ji, s, 0)
    }

    fn can_run_depth(&self, fi: usize, ji: usize, s: &Scenario, depth: u8) -> bool {
        let flow = &self.flows[fi];
        let job = &flow.jobs[ji];
        if job.disabled {
            return false;
        }
        let cond = job.job.condition_text();
        if let Some(c) = &cond
            && expr::truthy(c, s) == Some(false)
        {
            return false;
        }
        if cond.as_deref().is_some_and(expr::overrides_needs) || depth > 20 {
            return true;
        }
        job.job
            .needs_list()
            .iter()
            .filter_map(|n| flow.job(n))
            .all(|nj| self.can_run_depth(fi, nj, s, depth + 1))
    }

    /// Jobs `ji` depends on, directly or transitively.
    pub fn ancestors(&self, fi: usize, ji: usize) -> Vec<usize> {
        let flow = &self.flows[fi];
        flow.wf
            .ancestors(flow.jobs[ji].id)
            .iter()
            .filter_map(|n| flow.job(n))
            .collect()
    }

    /// Environment names a job may use, with expressions resolved through literals, the
    /// matrix, and workflow inputs (options, defaults, and what local callers pass).
    pub fn environment_names(&self, fi: usize, ji: usize) -> Vec<String> {
        let flow = &self.flows[fi];
        let job = &flow.jobs[ji];
        let Some(name) = job.job.environment_name() else {
            return Vec::new();
        };
        self.resolve(fi, ji, &name)
    }

    /// Candidate values of a string that may hold `${{ … }}` expressions.
    pub fn resolve(&self, fi: usize, ji: usize, text: &str) -> Vec<String> {
        if !text.contains("${{") {
            return vec![text.to_string()];
        }
        let flow = &self.flows[fi];
        let job = &flow.jobs[ji];
        let mut out = Vec::new();
        let inner = text
            .split("${{")
            .skip(1)
            .filter_map(|s| s.split("}}").next());
        for e in inner {
            for lit in e.split('\'').skip(1).step_by(2) {
                out.push(lit.to_string());
            }
            for part in
                e.split(|c: char| !(c.is_alphanumeric() || c == '.' || c == '_' || c == '-'))
            {
                if let Some(key) = part.strip_prefix("matrix.") {
                    out.extend(matrix_values(job.job, key));
                } else if let Some(key) = part
                    .strip_prefix("inputs.")
                    .or_else(|| part.strip_prefix("github.event.inputs."))
                {
                    out.extend(input_values(flow.wf, key));
                    for &(cf, cj) in &flow.callers {
                        if let Some(v) = self.flows[cf].jobs[cj]
                            .job
                            .with
                            .as_ref()
                            .and_then(|w| w.get(key))
                            && let Some(t) = workflow::value_text(v)
                        {
                            out.extend(self.resolve(cf, cj, &t));
                        }
                    }
                }
            }
        }
        out.retain(|s| !s.is_empty() && !s.contains("${{"));
        out.sort();
        out.dedup();
        out
    }

    /// Jobs that change a running environment (see the module docs of `deploy.automated`).
    pub fn deploy_jobs(&self) -> Vec<DeployJob> {
        let mut out = Vec::new();
        for (fi, ji, flow, job) in self.jobs() {
            if job.disabled || flow.only_called() && !flow.callers.is_empty() {
                continue;
            }
            if let Some(d) = self.deploy_reason(fi, ji, 0) {
                out.push(d);
            }
        }
        out
    }

    /// Why a job deploys, if it does (`depth` bounds nested reusable workflows).
    pub fn deploy_reason(&self, fi: usize, ji: usize, depth: u8) -> Option<DeployJob> {
        let flow = &self.flows[fi];
        let job = &flow.jobs[ji];
        if job.disabled || depth > 3 {
            return None;
        }
        let environments = self.environment_names(fi, ji);
        // kubectl/helm against a cluster the job itself created (kind, minikube) test the
        // manifests; they deploy nothing.
        let ephemeral = job.facts.iter().any(|f| f.found.kind == Kind::Cluster);
        let cluster_tool = |f: &Fact| {
            let program = commands::base(f.found.what.split_whitespace().next().unwrap_or(""));
            matches!(
                program.as_str(),
                "kubectl" | "oc" | "helm" | "helmfile" | "skaffold" | "argocd"
            )
        };
        let own_deploy = job.facts.iter().find(|f| {
            f.found.kind == Kind::Deploy && f.step != usize::MAX && !(ephemeral && cluster_tool(f))
        });
        let mk = |how: String| DeployJob {
            flow: fi,
            job: ji,
            how,
            environments: environments.clone(),
        };
        if let Some(d) = own_deploy {
            return Some(mk(format!("runs {}", d.describe())));
        }
        // Containers started on a self-hosted runner keep running on that server.
        let self_hosted = job
            .job
            .runs_on
            .as_ref()
            .is_some_and(|r| r.to_string().contains("self-hosted"));
        if self_hosted
            && !job.facts.iter().any(|f| f.found.kind == Kind::Test)
            && let Some(start) = job.facts.iter().find(|f| f.found.kind == Kind::Start)
        {
            return Some(mk(format!(
                "runs {} on a self-hosted runner",
                start.describe()
            )));
        }
        if let Some(c) = job.callee {
            for cj in 0..self.flows[c].jobs.len() {
                if let Some(inner) = self.deploy_reason(c, cj, depth + 1) {
                    let mut d = mk(format!(
                        "calls {}, whose job `{}` {}",
                        self.flows[c].path, self.flows[c].jobs[cj].id, inner.how
                    ));
                    d.environments.extend(inner.environments);
                    return Some(d);
                }
            }
        }
        let named =
            job.job.environment.is_some() && !environments.iter().all(|e| release_environment(e));
        if named {
            let tests_only = job.facts.iter().any(|f| f.found.kind == Kind::Test)
                && !job
                    .facts
                    .iter()
                    .any(|f| matches!(f.found.kind, Kind::Deploy | Kind::Release));
            if !tests_only {
                let shown = if environments.is_empty() {
                    job.job.environment_name().unwrap_or_default()
                } else {
                    environments.join("`, `")
                };
                return Some(mk(format!("deploys to environment `{shown}`")));
            }
        }
        None
    }

    /// Jobs that publish an image, package or release without deploying (for messages).
    pub fn release_facts(&self) -> Vec<(&Flow<'r>, &JobView<'r>, &Fact)> {
        self.jobs()
            .filter(|(_, _, _, j)| !j.disabled)
            .flat_map(|(_, _, f, j)| j.facts.iter().map(move |x| (f, j, x)))
            .filter(|(_, _, x)| x.found.kind == Kind::Release)
            .collect()
    }

    /// A sentence for the case without GitHub workflows: another CI system's config, if any.
    pub fn other_ci(&self) -> Option<&'static str> {
        const OTHER: &[(&str, &str)] = &[
            (".gitlab-ci.yml", "GitLab CI (.gitlab-ci.yml)"),
            (".circleci/config.yml", "CircleCI (.circleci/config.yml)"),
            ("Jenkinsfile", "Jenkins (Jenkinsfile)"),
            (".travis.yml", "Travis CI (.travis.yml)"),
            (
                "azure-pipelines.yml",
                "Azure Pipelines (azure-pipelines.yml)",
            ),
            (
                "bitbucket-pipelines.yml",
                "Bitbucket Pipelines (bitbucket-pipelines.yml)",
            ),
            (
                ".buildkite/pipeline.yml",
                "Buildkite (.buildkite/pipeline.yml)",
            ),
            (".drone.yml", "Drone (.drone.yml)"),
            (".woodpecker.yml", "Woodpecker (.woodpecker.yml)"),
        ];
        OTHER
            .iter()
            .find(|(p, _)| self.repo.file(p).is_some())
            .map(|(_, name)| *name)
    }

    /// The outcome for checks that need workflows when there are none: `unknown` when
    /// another CI system is configured (only GitHub Actions is read), else `fail` with `fix`.
    pub fn no_workflows(&self, what: &str, fix: &str) -> crate::audit::Outcome {
        if let Some(other) = self.other_ci() {
            return crate::audit::Outcome::unknown(format!(
                "no GitHub Actions workflow; the repository uses {other}, which the audit does not read yet; check by hand that {what}"
            ));
        }
        if let Some((path, err)) = self.broken.first() {
            return crate::audit::Outcome::error(format!(
                "{path} does not parse ({err}); fix the YAML so the audit can read it"
            ))
            .at(*path, None);
        }
        crate::audit::Outcome::fail(format!(
            "no GitHub Actions workflow in .github/workflows/; {fix}"
        ))
    }

    /// For checks that pass over what parsed: an `error` when a workflow did not parse (it
    /// was not judged).
    pub fn unless_broken_skip(&self, outcome: crate::audit::Outcome) -> crate::audit::Outcome {
        if let Some((path, err)) = self.broken.first() {
            return crate::audit::Outcome::error(format!(
                "{path} does not parse ({err}), so it was not checked; fix the YAML"
            ))
            .at(*path, None);
        }
        outcome
    }

    /// When a check would fail: an `error` instead if a workflow did not parse (it might hold
    /// what was looked for).
    pub fn unless_broken(&self, outcome: crate::audit::Outcome) -> crate::audit::Outcome {
        if outcome.status == crate::audit::Status::Fail
            && let Some((path, err)) = self.broken.first()
        {
            return crate::audit::Outcome::error(format!(
                "{path} does not parse ({err}), so the answer is uncertain; fix the YAML"
            ))
            .at(*path, None);
        }
        outcome
    }
}

/// Reads a `uses:` step: a local composite action step by step, else the action table.
fn walk_uses(
    w: &mut Walker<'_>,
    repo: &Repo,
    uses: &str,
    with: Option<&indexmap::IndexMap<String, Value>>,
    frame: &Frame,
    depth: u8,
) {
    let u = uses.trim();
    if u.starts_with("docker://") {
        return;
    }
    if u.starts_with("./") {
        if depth > 3 {
            return;
        }
        let Some((path, text)) = local_action_file(repo, u) else {
            return;
        };
        let Some(steps) = composite_steps(text) else {
            return;
        };
        for step in steps {
            let s = &step.value;
            if step_disabled(s) {
                continue;
            }
            let line = workflow::line(&step.referenced);
            let mut f = frame.clone();
            f.via.push(format!("{u} ({path}:{line})"));
            if let Some(d) = &s.working_directory {
                f.dir = literal_dir(d);
            }
            if let Some(run) = &s.run {
                w.script(&run.value, &f);
            } else if let Some(inner) = &s.uses {
                walk_uses(w, repo, &inner.value, s.with.as_ref(), &f, depth + 1);
            }
        }
        return;
    }
    actions::action(w, u, with, frame);
}

fn step_disabled(s: &Step) -> bool {
    s.condition
        .as_ref()
        .and_then(workflow::value_text)
        .is_some_and(|c| expr::truthy(&c, &Scenario::unknown()) == Some(false))
}

/// Values a matrix key takes (`strategy.matrix.<key>` lists and `include` entries).
pub fn matrix_values(job: &Job, key: &str) -> Vec<String> {
    let Some(m) = job.strategy.as_ref().and_then(|s| s.get("matrix")) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let (head, rest) = key.split_once('.').unwrap_or((key, ""));
    let pick = |v: &Value, out: &mut Vec<String>| {
        let v = if rest.is_empty() {
            Some(v)
        } else {
            v.get(rest)
        };
        if let Some(t) = v.and_then(workflow::value_text) {
            out.push(t);
        }
    };
    match m.get(head) {
        Some(Value::Array(a)) => a.iter().for_each(|v| pick(v, &mut out)),
        Some(v) => pick(v, &mut out),
        None => {}
    }
    if let Some(Value::Array(inc)) = m.get("include") {
        for entry in inc {
            if let Some(v) = entry.get(head) {
                pick(v, &mut out);
            }
        }
    }
    out
}

/// Values a workflow input can take: `options` of a choice, and its `default`.
fn input_values(wf: &Workflow, key: &str) -> Vec<String> {
    let mut out = Vec::new();
    for event in ["workflow_dispatch", "workflow_call"] {
        let Some(input) = wf
            .trigger(event)
            .and_then(|t| t.get("inputs"))
            .and_then(|i| i.get(key))
        else {
            continue;
        };
        if let Some(Value::Array(opts)) = input.get("options") {
            out.extend(opts.iter().filter_map(workflow::value_text));
        }
        if let Some(d) = input.get("default").and_then(workflow::value_text) {
            out.push(d);
        }
    }
    out
}

/// Environments used to publish packages, pages or releases, or to hold CI secrets (judged by
/// their words: `pypi`, `dockerhub-nightly`, `github-pages`): a job that only names one of
/// these is not a deploy.
pub fn release_environment(name: &str) -> bool {
    const WORDS: &[&str] = &[
        "pypi",
        "testpypi",
        "npm",
        "npmjs",
        "crates",
        "cratesio",
        "release",
        "releases",
        "publish",
        "publishing",
        "pages",
        "docs",
        "documentation",
        "maven",
        "sonatype",
        "docker",
        "dockerhub",
        "ghcr",
        "ecr",
        "gcr",
        "registry",
        "registries",
        "rubygems",
        "nuget",
        "homebrew",
        "packages",
        "artifacts",
        "copilot",
        "ci",
        "build",
        "builds",
        "secrets",
        "codecov",
        "sonar",
        "sonarcloud",
        "snyk",
        "lint",
        "snap",
        "snapcraft",
        "flathub",
        "chocolatey",
        "winget",
        "marketplace",
        "vsce",
        "helm-charts",
        "charts",
    ];
    let tokens = env_tokens(name);
    !tokens.is_empty()
        && (tokens.iter().any(|t| WORDS.contains(&t.as_str()))
            || WORDS.contains(&name.to_ascii_lowercase().as_str()))
        && !tokens.iter().any(|t| {
            matches!(
                t.as_str(),
                "prod" | "production" | "staging" | "stage" | "dev"
            )
        })
}

/// Words of an environment name (`api-staging-eu` → api, staging, eu).
fn env_tokens(name: &str) -> Vec<String> {
    name.to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(String::from)
        .collect()
}

/// Whether an environment name is a non-production deploy target (staging, dev, qa, …).
pub fn non_production(name: &str) -> bool {
    let tokens = env_tokens(name);
    let any = |words: &[&str]| tokens.iter().any(|t| words.contains(&t.as_str()));
    if any(&["prod", "production", "prd", "live"]) && !any(&["preprod", "nonprod", "pre"]) {
        return false;
    }
    any(&[
        "staging",
        "stage",
        "stg",
        "dev",
        "develop",
        "development",
        "qa",
        "test",
        "testing",
        "uat",
        "preview",
        "review",
        "sandbox",
        "demo",
        "int",
        "integration",
        "preprod",
        "nonprod",
        "sit",
        "acceptance",
        "acc",
        "tst",
        "beta",
        "alpha",
        "pre",
        "nightly",
        "ephemeral",
        "pr",
    ]) || tokens.iter().any(|t| {
        t.starts_with("staging")
            || t.starts_with("pr") && t[2..].chars().all(|c| c.is_ascii_digit()) && t.len() > 2
    })
}

/// Whether an environment is a per-pull-request preview (deploying pull requests to one is
/// the point of it).
pub fn preview_environment(name: &str) -> bool {
    let tokens = env_tokens(name);
    tokens
        .iter()
        .any(|t| matches!(t.as_str(), "preview" | "review" | "ephemeral" | "pr"))
        || name.contains("github.event.number")
        || name.contains("pull_request.number")
        || name.contains("github.head_ref")
}

// ---------------------------------------------------------------------------------------
// Fix suggestions per language

/// What a fix suggestion is about.
#[derive(Debug, Clone, Copy)]
pub enum Practice {
    Test,
    Coverage,
    Format,
    Lint,
}

/// The usual command for a practice in the service's language.
pub fn suggestion(lang: Option<Language>, practice: Practice) -> &'static str {
    use Language::*;
    match (practice, lang) {
        (Practice::Test, Some(Python)) => "`pytest`",
        (Practice::Test, Some(Node)) => "`npm test`",
        (Practice::Test, Some(Rust)) => "`cargo test`",
        (Practice::Test, Some(Go)) => "`go test ./...`",
        (Practice::Test, Some(Jvm)) => "`./gradlew test` (or `mvn verify`)",
        (Practice::Test, None) => "the test command",
        (Practice::Coverage, Some(Python)) => "`pytest --cov` (pytest-cov)",
        (Practice::Coverage, Some(Node)) => "`jest --coverage` (or `vitest run --coverage`)",
        (Practice::Coverage, Some(Rust)) => "`cargo llvm-cov` (or `cargo tarpaulin`)",
        (Practice::Coverage, Some(Go)) => "`go test -coverprofile=coverage.out ./...`",
        (Practice::Coverage, Some(Jvm)) => "the JaCoCo (or Kover) plugin with `jacocoTestReport`",
        (Practice::Coverage, None) => "a coverage option of the test runner",
        (Practice::Format, Some(Python)) => "`ruff format --check .` (or `black --check .`)",
        (Practice::Format, Some(Node)) => "`prettier --check .` (or `biome ci`)",
        (Practice::Format, Some(Rust)) => "`cargo fmt --all --check`",
        (Practice::Format, Some(Go)) => "`test -z \"$(gofmt -l .)\"` (or golangci-lint with gofmt)",
        (Practice::Format, Some(Jvm)) => "`./gradlew spotlessCheck` (or ktlint)",
        (Practice::Format, None) => "the formatter in check mode",
        (Practice::Lint, Some(Python)) => "`ruff check .` (or flake8, pylint)",
        (Practice::Lint, Some(Node)) => "`eslint .`",
        (Practice::Lint, Some(Rust)) => "`cargo clippy --all-targets -- -D warnings`",
        (Practice::Lint, Some(Go)) => "golangci-lint (golangci/golangci-lint-action)",
        (Practice::Lint, Some(Jvm)) => {
            "Checkstyle, PMD, detekt or ktlint (run by `./gradlew check`)"
        }
        (Practice::Lint, None) => "a linter",
    }
}

/// "Python " (with a trailing space) or "", for messages.
pub fn lang_prefix(lang: Option<Language>) -> String {
    lang.map(|l| format!("{} ", l.name())).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------
// Scenarios

/// A pull request run (`pull_request`, `pull_request_target`, …) from a feature branch.
pub fn pull_request(event: &str) -> Scenario {
    Scenario::event(event, "refs/pull/7/merge")
        .with_str("github.head_ref", "feature-x")
        .with_str("github.base_ref", "main")
        .with("github.event.pull_request", Val::Obj)
        .with("github.event.pull_request.merged", Val::Bool(false))
        .with_str("github.event.pull_request.head.ref", "feature-x")
        .with_str("github.event.action", "synchronize")
}

/// A push of a feature branch (or `workflow_dispatch`/`create` on one).
pub fn feature_branch(event: &str) -> Scenario {
    Scenario::event(event, "refs/heads/feature-x")
        .with_str("github.head_ref", "")
        .with_str("github.base_ref", "")
        .with("github.event.pull_request", Val::Null)
}

/// A merge queue run.
pub fn merge_group() -> Scenario {
    Scenario::event("merge_group", "refs/heads/gh-readonly-queue/main/pr-7-abc")
        .with_str("github.head_ref", "")
        .with("github.event.pull_request", Val::Null)
}

/// A `workflow_run` after an upstream run (of `event` on `branch`) that ended with
/// `conclusion`.
pub fn workflow_run(event: &str, branch: &str, conclusion: &str) -> Scenario {
    Scenario::event("workflow_run", "refs/heads/main")
        .with_str("github.head_ref", "")
        .with("github.event.pull_request", Val::Null)
        .with("github.event.workflow_run", Val::Obj)
        .with_str("github.event.workflow_run.conclusion", conclusion)
        .with_str("github.event.workflow_run.event", event)
        .with_str("github.event.workflow_run.head_branch", branch)
}

/// A scheduled run (on the default branch).
pub fn schedule() -> Scenario {
    Scenario::event("schedule", "refs/heads/main")
        .with_str("github.head_ref", "")
        .with("github.event.pull_request", Val::Null)
}

/// Whether a branch filter (`branches`/`branches-ignore` of a trigger) lets a feature
/// branch through. No filter lets everything through.
pub fn admits_feature_branch(trigger: Option<&Value>, key: &str) -> bool {
    const FEATURES: &[&str] = &[
        "feature-x",
        "feature/x",
        "fix/issue-1",
        "dependabot/npm_and_yarn/x",
    ];
    let list = |k: &str| -> Option<Vec<String>> {
        match trigger?.get(k)? {
            Value::Array(a) => Some(a.iter().filter_map(workflow::value_text).collect()),
            Value::String(s) => Some(vec![s.clone()]),
            _ => None,
        }
    };
    let include = list(key);
    let ignore = list(&format!("{key}-ignore"));
    FEATURES.iter().any(|b| {
        let included = match &include {
            None => true,
            Some(patterns) => {
                let mut hit = false;
                for p in patterns {
                    if let Some(neg) = p.strip_prefix('!') {
                        if glob_match(neg, b) {
                            hit = false;
                        }
                    } else if glob_match(p, b) {
                        hit = true;
                    }
                }
                hit
            }
        };
        included
            && !ignore
                .as_ref()
                .is_some_and(|ps| ps.iter().any(|p| glob_match(p, b)))
    })
}

/// GitHub's filter patterns: `*` does not cross `/`, `**` does.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map(|g| g.compile_matcher().is_match(name))
        .unwrap_or(pattern == name)
}

/// Whether a trigger's configuration restricts it to tags (only `tags:` given).
pub fn tags_only(trigger: Option<&Value>) -> bool {
    let Some(t) = trigger else { return false };
    let has = |k: &str| t.get(k).is_some();
    (has("tags") || has("tags-ignore")) && !has("branches") && !has("branches-ignore")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branch_filters_are_judged_against_feature_branches() {
        let v = |y: &str| serde_saphyr::from_str::<Value>(y).ok();
        assert!(!admits_feature_branch(
            v("branches: [main]").as_ref(),
            "branches"
        ));
        assert!(!admits_feature_branch(
            v("branches: [main, 'release/*', develop]").as_ref(),
            "branches"
        ));
        assert!(admits_feature_branch(
            v("branches: ['*']").as_ref(),
            "branches"
        ));
        assert!(admits_feature_branch(
            v("branches: ['**']").as_ref(),
            "branches"
        ));
        assert!(admits_feature_branch(
            v("paths: ['src/**']").as_ref(),
            "branches"
        ));
        assert!(!admits_feature_branch(
            v("branches-ignore: ['**']").as_ref(),
            "branches"
        ));
        assert!(admits_feature_branch(None, "branches"));
        assert!(tags_only(v("tags: ['v*']").as_ref()));
    }

    #[test]
    fn environment_names_are_classified() {
        for n in [
            "staging",
            "Staging",
            "api-staging",
            "dev",
            "qa",
            "preview",
            "pr-42",
            "uat",
            "pre-production",
        ] {
            assert!(non_production(n), "{n}");
        }
        for n in ["production", "prod", "prod-eu", "live", "github-pages"] {
            assert!(!non_production(n), "{n}");
        }
        assert!(preview_environment("pr-${{ github.event.number }}"));
        assert!(!preview_environment("production"));
        for n in [
            "pypi",
            "github-pages",
            "dockerhub-nightly",
            "release",
            "npm",
        ] {
            assert!(release_environment(n), "{n}");
        }
        for n in ["production", "staging", "prod-eu", "release-staging"] {
            assert!(!release_environment(n), "{n}");
        }
    }

    #[test]
    fn job_key_lines_are_found_above_the_mapping() {
        let text = "jobs:\n  build:\n    runs-on: x\n  'deploy':\n    runs-on: y\n";
        assert_eq!(key_line(text, "build", 3), 2);
        assert_eq!(key_line(text, "deploy", 5), 4);
    }
}
