//! The status check names a repository's own workflows produce, read from
//! `.github/workflows/*.yml`, and whether each runs on every pull request: what `protect`
//! requires by default, and what the audit compares required checks against.
//!
//! A job's check is named by its `name:` or, without one, its id. A matrix job reports one check
//! per combination: `NAME (v1, v2)` with the combination's values in matrix order, or `NAME`
//! itself with its `${{ matrix.x }}` expressions filled in when the name uses them. A static
//! matrix (lists, `include`, `exclude`) is expanded here; a matrix computed at run time cannot
//! be, so the job's names come back as a *pattern*: `${{ … }}` stands for the part only known
//! when the workflow runs. [`names_a_job`] understands patterns; `protect` never requires one.
//!
//! Whether a job runs on pull requests ([`PullRequestRun`]) is read from the workflow's `on:`
//! (a `pull_request` trigger without `paths`, `paths-ignore` or a `types` list that drops
//! `synchronize`; its `branches` filter is applied for a given base branch by
//! [`for_base_branch`]), the job's `if:`, evaluated three-valued for a pull request by the audit's
//! expression reader ([`crate::audit::ci::expr`]), and the `needs` it waits for (a job needing
//! a skipped job is skipped unless its `if:` uses `always()` or another status function). The
//! workflows are the repository view's model ([`crate::repo::workflow`]), so the audit and
//! `protect` read the same YAML the same way.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use indexmap::IndexMap;
use serde_json::Value;

use crate::audit::ci::{self, expr};
use crate::repo::workflow::{Job, Workflow, value_text};

/// Where workflows live, relative to the repository root.
pub const WORKFLOWS_DIR: &str = ".github/workflows";

/// One job of one workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowJob {
    /// The workflow file, relative to the repository root (`.github/workflows/ci.yml`).
    pub file: String,
    pub id: String,
    /// Its check names; an entry holding `${{` is a pattern (see the module documentation).
    pub check_names: Vec<String>,
    /// Whether it runs on pull requests, and if not on every one, why (whatever their base
    /// branch: see [`for_base_branch`]).
    pub pull_request: PullRequestRun,
    /// The base branches its workflow's pull request trigger is limited to
    /// (`on.pull_request.branches` or `branches-ignore`), if it is.
    pub base_branches: Option<BaseBranches>,
    /// It is its workflow's gate: it runs on every pull request whatever the other jobs did
    /// (`if: always()` or `!cancelled()`), needs every other job of the workflow that can run
    /// on a pull request, and reads their results (`needs` in its steps), so requiring it alone
    /// requires all of them.
    pub gate: bool,
}

/// How a job runs on pull requests. Only [`PullRequestRun::Every`] makes a useful required
/// check on its own.
///
/// A skipped job reports its check as `skipped`, which GitHub counts as passing; a job whose
/// workflow does not run reports nothing, so a required check waits for it forever.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PullRequestRun {
    /// On every pull request.
    Every,
    /// On some: its `if:` depends on what the run finds (another job's outputs, …). The reason.
    Some(String),
    /// Its workflow runs, but the job is skipped on every pull request. The reason.
    Skipped(String),
    /// Its workflow does not run on `pull_request` at all. The reason.
    NotTriggered(String),
    /// Its workflow runs on pull requests only when certain files change (workflow-level
    /// `paths`/`paths-ignore`) or for some activity types. The reason.
    Filtered(String),
}

impl PullRequestRun {
    /// Whether a required check on this job can wait forever, blocking the merge: the workflow
    /// does not run on pull requests, or not on every one.
    pub fn blocks_merges(&self) -> bool {
        matches!(
            self,
            PullRequestRun::NotTriggered(_) | PullRequestRun::Filtered(_)
        )
    }

    /// Whether the job can run on some pull request.
    pub fn can_run(&self) -> bool {
        matches!(self, PullRequestRun::Every | PullRequestRun::Some(_))
    }

    /// Why the job does not run on every pull request (`None` when it does).
    pub fn reason(&self) -> Option<&str> {
        match self {
            PullRequestRun::Every => None,
            PullRequestRun::Some(r)
            | PullRequestRun::Skipped(r)
            | PullRequestRun::NotTriggered(r)
            | PullRequestRun::Filtered(r) => Some(r),
        }
    }
}

/// A pull request trigger's filter on the base branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseBranches {
    /// `on.pull_request.branches`.
    pub key: String,
    pub patterns: Vec<String>,
    /// `branches-ignore`: the patterns exclude.
    pub ignore: bool,
}

impl BaseBranches {
    /// Whether a pull request into `branch` runs the workflow (GitHub's glob patterns; in
    /// `branches`, a later `!pattern` excludes again).
    pub fn admits(&self, branch: &str) -> bool {
        if self.ignore {
            return !self.patterns.iter().any(|p| ci::glob_match(p, branch));
        }
        let mut hit = false;
        for p in &self.patterns {
            match p.strip_prefix('!') {
                Some(neg) if ci::glob_match(neg, branch) => hit = false,
                None if ci::glob_match(p, branch) => hit = true,
                _ => {}
            }
        }
        hit
    }
}

/// The jobs as they run on pull requests into `branch`: a job whose workflow's pull request
/// trigger does not admit that base branch never reports its check there
/// ([`PullRequestRun::Filtered`]).
pub fn for_base_branch(jobs: &[WorkflowJob], branch: &str) -> Vec<WorkflowJob> {
    jobs.iter()
        .cloned()
        .map(|mut j| {
            if let Some(b) = &j.base_branches
                && !b.admits(branch)
            {
                j.pull_request = PullRequestRun::Filtered(format!(
                    "its workflow does not run on pull requests into {branch} (`{}`: {})",
                    b.key,
                    b.patterns.join(", ")
                ));
                j.gate = false;
            }
            j
        })
        .collect()
}

#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot parse {path}: {message}")]
    Parse { path: String, message: String },
}

/// Reads every workflow under `root/.github/workflows` (sorted by file name). A repository
/// without workflows has no jobs: `Ok(vec![])`.
pub fn read_jobs(root: &Path) -> Result<Vec<WorkflowJob>, WorkflowError> {
    let dir = root.join(WORKFLOWS_DIR);
    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(WorkflowError::Read {
                path: WORKFLOWS_DIR.into(),
                source,
            });
        }
    };
    let mut files: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| n.ends_with(".yml") || n.ends_with(".yaml"))
        .collect();
    files.sort();
    let mut jobs = Vec::new();
    for name in files {
        let rel = format!("{WORKFLOWS_DIR}/{name}");
        let text = fs::read_to_string(dir.join(&name)).map_err(|source| WorkflowError::Read {
            path: rel.clone(),
            source,
        })?;
        jobs.extend(parse_jobs(&rel, &text)?);
    }
    Ok(jobs)
}

/// The jobs of one workflow file's text.
pub fn parse_jobs(file: &str, text: &str) -> Result<Vec<WorkflowJob>, WorkflowError> {
    let workflow: Workflow = serde_saphyr::from_str(text).map_err(|e| WorkflowError::Parse {
        path: file.to_string(),
        message: crate::template::answers::yaml_error_message(&e),
    })?;
    Ok(workflow_jobs(file, &workflow))
}

/// The jobs of a workflow parsed by the repository view ([`crate::repo::Repo::workflows`]).
pub fn workflow_jobs(file: &str, workflow: &Workflow) -> Vec<WorkflowJob> {
    let trigger = pull_request_trigger(workflow);
    let base_branches = trigger
        .as_ref()
        .ok()
        .and_then(|event| base_branches(workflow.trigger(event), event));
    let runs: IndexMap<&str, PullRequestRun> = workflow
        .jobs
        .keys()
        .map(|id| {
            let run = match &trigger {
                Err(why) => why.clone(),
                Ok(event) => job_run(workflow, id, &ci::pull_request(event), 0),
            };
            (id.as_str(), run)
        })
        .collect();
    workflow
        .jobs
        .iter()
        .map(|(id, job)| WorkflowJob {
            file: file.to_string(),
            id: id.clone(),
            check_names: check_names(id, &job.value),
            pull_request: runs[id.as_str()].clone(),
            base_branches: base_branches.clone(),
            gate: is_gate(id, &job.value, &runs),
        })
        .collect()
}

/// The pull request event a workflow runs on for every pull request, or why it does not.
fn pull_request_trigger(workflow: &Workflow) -> Result<&'static str, PullRequestRun> {
    let events = workflow.events();
    let mut filtered = None;
    for event in ["pull_request", "pull_request_target"] {
        if !events.iter().any(|e| e == event) {
            continue;
        }
        match trigger_filter(workflow.trigger(event), event) {
            None => return Ok(event),
            Some(why) => filtered = filtered.or(Some(why)),
        }
    }
    if let Some(why) = filtered {
        return Err(PullRequestRun::Filtered(why));
    }
    let on = if events.is_empty() {
        "no event".to_string()
    } else {
        events.join(", ")
    };
    Err(PullRequestRun::NotTriggered(format!(
        "its workflow does not run on pull_request (on: {on})"
    )))
}

/// The base branch filter of a pull request trigger, if it has one.
fn base_branches(config: Option<&Value>, event: &str) -> Option<BaseBranches> {
    let config = config?;
    for (key, ignore) in [("branches", false), ("branches-ignore", true)] {
        let patterns: Vec<String> = match config.get(key) {
            Some(Value::Array(items)) => items.iter().filter_map(value_text).collect(),
            Some(Value::String(s)) => vec![s.clone()],
            _ => continue,
        };
        return Some(BaseBranches {
            key: format!("on.{event}.{key}"),
            patterns,
            ignore,
        });
    }
    None
}

/// Why a pull request trigger does not fire on every push to every pull request, if it
/// does not.
fn trigger_filter(config: Option<&Value>, event: &str) -> Option<String> {
    let config = config?;
    for key in ["paths", "paths-ignore"] {
        if config.get(key).is_some() {
            return Some(format!(
                "its workflow runs on pull requests only when certain files change (`on.{event}.{key}`)"
            ));
        }
    }
    let types: Vec<String> = match config.get("types") {
        Some(Value::Array(items)) => items.iter().filter_map(value_text).collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => return None,
    };
    // Without `synchronize` a new commit on the pull request gets no run, and the required
    // check of that commit never reports.
    (!types.iter().any(|t| t == "synchronize")).then(|| {
        format!(
            "its workflow runs on pull requests only for `{}` (`on.{event}.types` lacks `synchronize`, so a new commit gets no run)",
            types.join("`, `")
        )
    })
}

/// How job `id` runs on a pull request (`scenario`), following its `if:` and its `needs`.
fn job_run(workflow: &Workflow, id: &str, scenario: &expr::Scenario, depth: u8) -> PullRequestRun {
    let Some(job) = workflow.jobs.get(id).map(|j| &j.value) else {
        return PullRequestRun::Every;
    };
    if job.disabled() {
        return PullRequestRun::Skipped("its `if:` is false".into());
    }
    let condition = job.condition_text();
    if let Some(c) = &condition {
        let shown = c.trim();
        if expr::overrides_needs(c) {
            // `always()`, `!cancelled()`: the results of the jobs it needs do not stop it.
            let mut failed = scenario.clone();
            failed.upstream_failed = true;
            return match (expr::truthy(c, scenario), expr::truthy(c, &failed)) {
                (Some(true), Some(true)) => PullRequestRun::Every,
                (Some(false), Some(false)) => {
                    PullRequestRun::Skipped(format!("its `if: {shown}` is false on pull requests"))
                }
                _ => {
                    PullRequestRun::Some(format!("its `if: {shown}` depends on what the run finds"))
                }
            };
        }
        match expr::truthy(c, scenario) {
            Some(false) => {
                return PullRequestRun::Skipped(format!(
                    "its `if: {shown}` is false on pull requests"
                ));
            }
            None => {
                return PullRequestRun::Some(format!(
                    "its `if: {shown}` depends on what the run finds"
                ));
            }
            Some(true) => {}
        }
    }
    if depth > 20 {
        return PullRequestRun::Every;
    }
    let mut sometimes = None;
    for need in job.needs_list() {
        if !workflow.jobs.contains_key(&need) {
            continue;
        }
        match job_run(workflow, &need, scenario, depth + 1) {
            PullRequestRun::Every => {}
            PullRequestRun::Some(_) => {
                sometimes.get_or_insert(format!(
                    "it needs `{need}`, which runs on some pull requests only"
                ));
            }
            _ => {
                return PullRequestRun::Skipped(format!(
                    "it needs `{need}`, which is skipped on pull requests"
                ));
            }
        }
    }
    sometimes.map_or(PullRequestRun::Every, PullRequestRun::Some)
}

/// Whether job `id` is its workflow's gate (see [`WorkflowJob::gate`]).
fn is_gate(id: &str, job: &Job, runs: &IndexMap<&str, PullRequestRun>) -> bool {
    if runs.get(id) != Some(&PullRequestRun::Every)
        || !job
            .condition_text()
            .is_some_and(|c| expr::overrides_needs(&c))
    {
        return false;
    }
    let needs = job.needs_list();
    let others: Vec<&str> = runs
        .iter()
        .filter(|(other, run)| **other != id && run.can_run())
        .map(|(other, _)| *other)
        .collect();
    !others.is_empty() && others.iter().all(|o| needs.iter().any(|n| n == o)) && reads_needs(job)
}

/// Whether a job's steps look at the results of the jobs it needs (`${{ toJSON(needs) }}`,
/// `needs.test.result`, `contains(needs.*.result, 'failure')`): a gate that does not would
/// pass whatever they did.
fn reads_needs(job: &Job) -> bool {
    let mentions = |text: &str| {
        text.match_indices("needs").any(|(i, _)| {
            let before = text[..i].chars().next_back();
            let after = text[i + 5..].chars().next();
            !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-')
                && !after.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-')
        })
    };
    let value_mentions = |v: &Value| serde_json::to_string(v).is_ok_and(|t| mentions(&t));
    job.steps.iter().any(|s| {
        let s = &s.value;
        s.run.as_ref().is_some_and(|r| mentions(&r.value))
            || s.condition.as_ref().is_some_and(value_mentions)
            || s.env.as_ref().is_some_and(value_mentions)
            || s.with
                .as_ref()
                .is_some_and(|w| w.values().any(value_mentions))
    })
}

fn check_names(id: &str, job: &Job) -> Vec<String> {
    let name = match &job.name {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        Some(v @ (Value::Number(_) | Value::Bool(_))) => render(v).unwrap_or_default(),
        _ => id.to_string(),
    };
    if job.uses.is_some() {
        // A reusable workflow reports `CALLER / CALLED JOB`; the called jobs live elsewhere.
        return vec![format!("{name} / ${{{{ job }}}}")];
    }
    let strategy = job.strategy.as_ref();
    let combos = match strategy.and_then(|s| s.get("matrix")) {
        None => return vec![name],
        Some(Value::Object(map)) => {
            // In file order: GitHub lists a combination's values in the matrix's key order.
            let order = strategy
                .and_then(|s| s.matrix_keys.clone())
                .unwrap_or_default();
            let map: IndexMap<String, Value> = order
                .iter()
                .filter_map(|k| map.get(k).map(|v| (k.clone(), v.clone())))
                .collect();
            expand(&map)
        }
        // An expression (`${{ fromJSON(…) }}`) or anything else not expandable here.
        Some(_) => None,
    };
    let Some(combos) = combos else {
        return vec![if name.contains("${{") {
            name
        } else {
            format!("{name} (${{{{ matrix }}}})")
        }];
    };
    if combos.is_empty() {
        return Vec::new();
    }
    let mut names: Vec<String> = combos
        .iter()
        .map(|combo| {
            if name.contains("${{") {
                substitute(&name, combo)
            } else {
                let values: Vec<String> = combo
                    .values()
                    .map(|v| render(v).unwrap_or_default())
                    .collect();
                format!("{name} ({})", values.join(", "))
            }
        })
        .collect();
    names.dedup();
    names
}

type Combo = IndexMap<String, Value>;

/// Expands a static matrix as GitHub does: the product of the lists, minus `exclude`, then
/// `include` entries either extend the combinations they match or are added as new ones.
/// `None` when any part is computed at run time, or a value is not a plain scalar.
fn expand(matrix: &IndexMap<String, Value>) -> Option<Vec<Combo>> {
    let mut combos: Vec<Combo> = vec![IndexMap::new()];
    let mut has_dimension = false;
    for (key, values) in matrix {
        if key == "include" || key == "exclude" {
            continue;
        }
        let Value::Array(values) = values else {
            return None;
        };
        has_dimension = true;
        if values.iter().any(|v| render(v).is_none()) {
            return None;
        }
        let mut next = Vec::new();
        for combo in &combos {
            for v in values {
                let mut c = combo.clone();
                c.insert(key.clone(), v.clone());
                next.push(c);
            }
        }
        combos = next;
    }
    if !has_dimension {
        combos.clear();
    }
    let entries = |key: &str| -> Option<Vec<Combo>> {
        match matrix.get(key) {
            None => Some(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    Value::Object(map) if map.values().all(|v| render(v).is_some()) => {
                        Some(map.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                    }
                    _ => None,
                })
                .collect(),
            Some(_) => None,
        }
    };
    let exclude = entries("exclude")?;
    combos.retain(|combo| {
        !exclude
            .iter()
            .any(|ex| ex.iter().all(|(k, v)| combo.get(k) == Some(v)))
    });
    let original: Vec<Combo> = combos.clone();
    for inc in entries("include")? {
        let mut matched = false;
        for (combo, base) in combos.iter_mut().zip(&original) {
            // An include entry extends a combination when it changes none of its original
            // matrix values.
            if inc
                .iter()
                .all(|(k, v)| base.get(k).is_none_or(|orig| orig == v))
            {
                matched = true;
                for (k, v) in &inc {
                    combo.insert(k.clone(), v.clone());
                }
            }
        }
        if !matched {
            combos.push(inc);
        }
    }
    Some(combos)
}

/// A matrix value as GitHub prints it in a check name; `None` for objects, lists and
/// expressions.
fn render(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if s.contains("${{") => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
            _ => n.to_string(),
        }),
        Value::Null => Some(String::new()),
        _ => None,
    }
}

/// Fills `${{ matrix.KEY }}` in a job name; any other expression stays as a pattern part.
fn substitute(name: &str, combo: &Combo) -> String {
    let mut out = String::new();
    let mut rest = name;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 3..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let expr = after[..end].trim();
        match expr
            .strip_prefix("matrix.")
            .and_then(|k| combo.get(k))
            .and_then(render)
        {
            Some(value) => out.push_str(&value),
            None => {
                let _ = write!(out, "${{{{ {expr} }}}}");
            }
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// The checks `protect` requires by default: those that report on every pull request, sorted
/// and without duplicates. Per workflow that runs on every pull request: its gate alone when it
/// has one (it covers the other jobs), else every job that runs on every pull request. Never a
/// job that is skipped on pull requests (a deploy job: its check reports `skipped`, which counts
/// as passing), one that runs only on some (it is the gate's to cover), a job of a workflow with
/// a workflow-level `paths` filter (its check would wait forever when those paths do not
/// change), or a name only known at run time.
pub fn default_required_checks(jobs: &[WorkflowJob]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut files: Vec<&str> = jobs.iter().map(|j| j.file.as_str()).collect();
    files.dedup();
    for file in files {
        let in_file = || jobs.iter().filter(move |j| j.file == file);
        let has_gate = in_file().any(|j| j.gate);
        names.extend(
            in_file()
                .filter(|j| j.pull_request == PullRequestRun::Every && (j.gate || !has_gate))
                .flat_map(|j| j.check_names.iter())
                .filter(|n| !is_pattern(n))
                .cloned(),
        );
    }
    names.sort();
    names.dedup();
    names
}

/// The jobs that produce the check `check` (see [`names_a_job`]).
pub fn jobs_for_check<'a>(check: &str, jobs: &'a [WorkflowJob]) -> Vec<&'a WorkflowJob> {
    jobs.iter()
        .filter(|j| names_a_job(check, &j.check_names))
        .collect()
}

/// Why requiring `check` is wrong, when every job that produces it fails to run on every pull
/// request in a way that matters: its check can wait forever ([`PullRequestRun::blocks_merges`])
/// or is skipped on every pull request (it protects nothing). `None` when the check names no
/// job, or some job producing it runs on pull requests.
pub fn misplaced_check<'a>(check: &str, jobs: &'a [WorkflowJob]) -> Option<&'a WorkflowJob> {
    let producing = jobs_for_check(check, jobs);
    if producing.is_empty() || producing.iter().any(|j| j.pull_request.can_run()) {
        return None;
    }
    // The worst first: a check that can block merges.
    producing
        .iter()
        .find(|j| j.pull_request.blocks_merges())
        .or_else(|| producing.first())
        .copied()
}

/// Every check name (and pattern) the workflows can produce, sorted: what the audit passes as
/// the job names.
pub fn all_check_names(jobs: &[WorkflowJob]) -> Vec<String> {
    let mut names: Vec<String> = jobs.iter().flat_map(|j| j.check_names.clone()).collect();
    names.sort();
    names.dedup();
    names
}

fn is_pattern(name: &str) -> bool {
    name.contains("${{")
}

/// Whether the required check `check` is produced by one of `job_names`.
///
/// `job_names` may hold check names as [`all_check_names`] gives them, or just job names and
/// ids: a check matches a name exactly; a name holding `${{ … }}` matches with that part
/// standing for any text; and a check `NAME (…)` matches `NAME` (one leg of a matrix job) as
/// does `NAME / …` (a job of a reusable workflow called by `NAME`).
pub fn names_a_job(check: &str, job_names: &[String]) -> bool {
    job_names.iter().any(|name| {
        let name = name.as_str();
        if name == check {
            return true;
        }
        if is_pattern(name) && pattern_matches(name, check) {
            return true;
        }
        check.strip_prefix(name).is_some_and(|rest| {
            (rest.starts_with(" (") && rest.ends_with(')')) || rest.starts_with(" / ")
        })
    })
}

/// Matches `text` against `pattern`, where each `${{ … }}` stands for any text.
fn pattern_matches(pattern: &str, text: &str) -> bool {
    let mut literals: Vec<&str> = Vec::new();
    let mut rest = pattern;
    while let Some(start) = rest.find("${{") {
        literals.push(&rest[..start]);
        match rest[start..].find("}}") {
            Some(end) => rest = &rest[start + end + 2..],
            None => return false,
        }
    }
    literals.push(rest);
    let (first, others) = literals.split_first().unwrap_or((&"", &[]));
    let Some(mut remaining) = text.strip_prefix(first) else {
        return false;
    };
    let Some((last, middle)) = others.split_last() else {
        return remaining.is_empty();
    };
    for lit in middle {
        match remaining.find(lit) {
            Some(i) => remaining = &remaining[i + lit.len()..],
            None => return false,
        }
    }
    remaining.ends_with(last)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn names(yaml: &str) -> Vec<String> {
        parse_jobs("ci.yml", yaml)
            .unwrap()
            .into_iter()
            .flat_map(|j| j.check_names)
            .collect()
    }

    #[test]
    fn a_job_is_named_by_its_name_or_its_id() {
        let yaml = "on: pull_request\njobs:\n  lint:\n    runs-on: x\n  test:\n    name: Unit tests\n    runs-on: x\n";
        assert_eq!(names(yaml), ["lint", "Unit tests"]);
    }

    #[test]
    fn a_static_matrix_gives_one_check_per_combination_in_matrix_order() {
        let yaml = "on: [pull_request]\njobs:\n  test:\n    strategy:\n      matrix:\n        python: ['3.12', '3.13']\n        os: [ubuntu-latest]\n";
        assert_eq!(
            names(yaml),
            ["test (3.12, ubuntu-latest)", "test (3.13, ubuntu-latest)"]
        );
    }

    #[test]
    fn include_and_exclude_shape_the_matrix() {
        let yaml = "on: pull_request\njobs:\n  t:\n    strategy:\n      matrix:\n        os: [a, b]\n        v: [1, 2]\n        exclude:\n          - os: b\n            v: 2\n        include:\n          - os: a\n            extra: yes-please\n          - os: c\n            v: 9\n";
        assert_eq!(
            names(yaml),
            [
                "t (a, 1, yes-please)",
                "t (a, 2, yes-please)",
                "t (b, 1)",
                "t (c, 9)"
            ]
        );
    }

    #[test]
    fn a_name_with_matrix_expressions_is_filled_in() {
        let yaml = "on: pull_request\njobs:\n  t:\n    name: Python ${{ matrix.python }}\n    strategy:\n      matrix:\n        python: [3.12, 3.13]\n";
        assert_eq!(names(yaml), ["Python 3.12", "Python 3.13"]);
    }

    #[test]
    fn a_matrix_computed_at_run_time_becomes_a_pattern_that_protect_skips() {
        let yaml = "on: pull_request\njobs:\n  t:\n    strategy:\n      matrix: ${{ fromJSON(needs.plan.outputs.m) }}\n  lint: {}\n";
        let jobs = parse_jobs("ci.yml", yaml).unwrap();
        assert_eq!(jobs[0].check_names, ["t (${{ matrix }})"]);
        assert_eq!(default_required_checks(&jobs), ["lint"]);
        assert!(names_a_job("t (linux, 3)", &all_check_names(&jobs)));
    }

    #[test]
    fn jobs_of_workflows_that_do_not_run_on_pull_requests_are_not_required() {
        let mut jobs = parse_jobs(
            "deploy.yml",
            "on:\n  push:\n    branches: [main]\njobs:\n  deploy: {}\n",
        )
        .unwrap();
        jobs.extend(
            parse_jobs(
                "ci.yml",
                "on:\n  pull_request:\n  push:\njobs:\n  test: {}\n",
            )
            .unwrap(),
        );
        assert_eq!(default_required_checks(&jobs), ["test"]);
        assert_eq!(all_check_names(&jobs), ["deploy", "test"]);
    }

    const MONOREPO_CI: &str =
        include_str!("../../tests/fixtures/github/monorepo/.github/workflows/ci.yml");
    const SERVICE_CI: &str =
        include_str!("../../template/layers/github-ci/.github/workflows/ci.yml");

    fn run_of<'a>(jobs: &'a [WorkflowJob], id: &str) -> &'a PullRequestRun {
        &jobs.iter().find(|j| j.id == id).unwrap().pull_request
    }

    #[test]
    fn a_single_service_requires_lint_and_test_never_its_deploy_jobs() {
        let jobs = parse_jobs("ci.yml", SERVICE_CI).unwrap();
        assert_eq!(default_required_checks(&jobs), ["lint", "test"]);
        let staging = run_of(&jobs, "deploy-staging");
        assert!(
            matches!(staging, PullRequestRun::Skipped(r) if r.contains("github.event_name == 'push'")),
            "{staging:?}"
        );
        // Needing a skipped job without `always()` skips the job too.
        let jobs = parse_jobs("ci.yml", &SERVICE_CI.replace("    needs: [deploy-staging]\n    if: github.event_name == 'push' && github.ref == 'refs/heads/main'\n", "    needs: [deploy-staging]\n")).unwrap();
        let production = run_of(&jobs, "deploy-production");
        assert!(
            matches!(production, PullRequestRun::Skipped(r) if r == "it needs `deploy-staging`, which is skipped on pull requests"),
            "{production:?}"
        );
        let always = parse_jobs("ci.yml", "on: pull_request\njobs:\n  a:\n    if: github.event_name == 'push'\n  b:\n    needs: a\n    if: always()\n").unwrap();
        assert_eq!(run_of(&always, "b"), &PullRequestRun::Every);
    }

    #[test]
    fn a_monorepo_requires_its_gate_alone() {
        let jobs = parse_jobs("ci.yml", MONOREPO_CI).unwrap();
        assert_eq!(default_required_checks(&jobs), ["gate"]);
        assert_eq!(run_of(&jobs, "changes"), &PullRequestRun::Every);
        assert!(matches!(
            run_of(&jobs, "test-api"),
            PullRequestRun::Some(r) if r.contains("needs.changes.outputs.api")
        ));
        assert!(matches!(
            run_of(&jobs, "deploy-backoffice-production"),
            PullRequestRun::Skipped(_)
        ));
        let gates: Vec<&str> = jobs
            .iter()
            .filter(|j| j.gate)
            .map(|j| j.id.as_str())
            .collect();
        assert_eq!(gates, ["gate"]);
    }

    #[test]
    fn a_gate_that_misses_a_job_or_ignores_the_results_is_no_gate() {
        let missing = MONOREPO_CI.replace(
            "needs: [changes, lint, test-models, test-api, test-backoffice]",
            "needs: [changes, test-models, test-api, test-backoffice]",
        );
        let jobs = parse_jobs("ci.yml", &missing).unwrap();
        // The gate does not cover lint: every job that runs on every pull request is required.
        assert_eq!(default_required_checks(&jobs), ["changes", "gate", "lint"]);

        let blind = MONOREPO_CI
            .replace("NEEDS: ${{ toJSON(needs) }}", "NEEDS: '{}'")
            .replace("if: always()", "if: ${{ !cancelled() }}");
        let jobs = parse_jobs("ci.yml", &blind).unwrap();
        assert_eq!(default_required_checks(&jobs), ["changes", "gate", "lint"]);

        let not_cancelled = MONOREPO_CI.replace("if: always()", "if: ${{ !cancelled() }}");
        let jobs = parse_jobs("ci.yml", &not_cancelled).unwrap();
        assert_eq!(default_required_checks(&jobs), ["gate"]);
    }

    #[test]
    fn a_workflow_filtered_by_paths_or_activity_types_requires_nothing() {
        for (on, key) in [
            ("on:\n  pull_request:\n    paths: ['src/**']\n", "paths"),
            (
                "on:\n  pull_request:\n    paths-ignore: ['docs/**']\n",
                "paths-ignore",
            ),
            (
                "on:\n  pull_request:\n    types: [opened, labeled]\n",
                "types",
            ),
        ] {
            let jobs = parse_jobs("ci.yml", &format!("{on}jobs:\n  test: {{}}\n")).unwrap();
            assert_eq!(default_required_checks(&jobs), Vec::<String>::new(), "{on}");
            let run = &jobs[0].pull_request;
            assert!(run.blocks_merges(), "{run:?}");
            assert!(run.reason().unwrap().contains(key), "{run:?}");
            assert_eq!(
                misplaced_check("test", &jobs).map(|j| j.id.as_str()),
                Some("test")
            );
        }
        let push_only = parse_jobs(
            "ci.yml",
            "on:\n  pull_request:\n    types: [opened, synchronize]\njobs:\n  test: {}\n",
        )
        .unwrap();
        assert_eq!(default_required_checks(&push_only), ["test"]);
    }

    #[test]
    fn a_workflow_for_pull_requests_into_other_branches_requires_nothing_on_this_one() {
        let yaml = "on:\n  pull_request:\n    branches: ['release/**', '!release/old']\njobs:\n  test: {}\n";
        let jobs = parse_jobs("ci.yml", yaml).unwrap();
        assert_eq!(default_required_checks(&jobs), ["test"]);
        let into_main = for_base_branch(&jobs, "main");
        assert_eq!(default_required_checks(&into_main), Vec::<String>::new());
        let run = &into_main[0].pull_request;
        assert!(
            run.blocks_merges() && run.reason().unwrap().contains("`on.pull_request.branches`"),
            "{run:?}"
        );
        assert_eq!(
            default_required_checks(&for_base_branch(&jobs, "release/2.0")),
            ["test"]
        );
        assert!(
            for_base_branch(&jobs, "release/old")[0]
                .pull_request
                .blocks_merges()
        );
        let ignore = parse_jobs(
            "ci.yml",
            "on:\n  pull_request:\n    branches-ignore: [gh-pages]\njobs:\n  test: {}\n",
        )
        .unwrap();
        assert_eq!(
            default_required_checks(&for_base_branch(&ignore, "main")),
            ["test"]
        );
    }

    #[test]
    fn a_check_is_misplaced_only_when_no_job_producing_it_runs_on_pull_requests() {
        let mut jobs = parse_jobs("ci.yml", MONOREPO_CI).unwrap();
        assert!(misplaced_check("gate", &jobs).is_none());
        assert!(misplaced_check("test (api)", &jobs).is_none());
        assert!(misplaced_check("no such job", &jobs).is_none());
        let deploy = misplaced_check("deploy api (staging)", &jobs).unwrap();
        assert!(!deploy.pull_request.blocks_merges());
        jobs.extend(
            parse_jobs(
                "nightly.yml",
                "on: schedule\njobs:\n  gate: {}\n  e2e: {}\n",
            )
            .unwrap(),
        );
        assert!(misplaced_check("gate", &jobs).is_none());
        let e2e = misplaced_check("e2e", &jobs).unwrap();
        assert!(
            matches!(&e2e.pull_request, PullRequestRun::NotTriggered(r) if r.contains("schedule"))
        );
    }

    #[test]
    fn required_checks_match_exact_names_matrix_legs_and_patterns() {
        let jobs: Vec<String> = ["test", "Python ${{ matrix.v }}", "build (linux)"]
            .map(String::from)
            .to_vec();
        assert!(names_a_job("test", &jobs));
        assert!(names_a_job("test (3.12)", &jobs));
        assert!(names_a_job("Python 3.13", &jobs));
        assert!(names_a_job("build (linux)", &jobs));
        assert!(!names_a_job("tset", &jobs));
        assert!(!names_a_job("build (windows)", &jobs));
        assert!(!names_a_job("testing", &jobs));
    }
}
