//! The status check names a repository's own workflows produce, read from
//! `.github/workflows/*.yml`: what `protect` requires by default, and what the audit compares
//! required checks against.
//!
//! A job's check is named by its `name:` or, without one, its id. A matrix job reports one check
//! per combination: `NAME (v1, v2)` with the combination's values in matrix order, or `NAME`
//! itself with its `${{ matrix.x }}` expressions filled in when the name uses them. A static
//! matrix (lists, `include`, `exclude`) is expanded here; a matrix computed at run time cannot
//! be, so the job's names come back as a *pattern*: `${{ … }}` stands for the part only known
//! when the workflow runs. [`names_a_job`] understands patterns; `protect` never requires one.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

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
    /// Whether its workflow runs on pull requests (`pull_request`, `pull_request_target`,
    /// `merge_group`): only such jobs can be required without blocking every merge.
    pub on_pull_request: bool,
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

#[derive(Deserialize)]
struct Workflow {
    #[serde(default)]
    on: Value,
    #[serde(default)]
    jobs: IndexMap<String, Job>,
}

#[derive(Deserialize)]
struct Job {
    #[serde(default)]
    name: Option<Value>,
    #[serde(default)]
    strategy: Option<Strategy>,
    #[serde(default)]
    uses: Option<String>,
}

#[derive(Deserialize)]
struct Strategy {
    #[serde(default)]
    matrix: Option<Matrix>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Matrix {
    Map(IndexMap<String, Value>),
    /// An expression (`${{ fromJSON(…) }}`) or anything else not expandable here.
    Other(serde::de::IgnoredAny),
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
    let on_pull_request = triggers(&workflow.on).iter().any(|t| {
        matches!(
            t.as_str(),
            "pull_request" | "pull_request_target" | "merge_group"
        )
    });
    Ok(workflow
        .jobs
        .iter()
        .map(|(id, job)| WorkflowJob {
            file: file.to_string(),
            id: id.clone(),
            check_names: check_names(id, job),
            on_pull_request,
        })
        .collect())
}

fn triggers(on: &Value) -> Vec<String> {
    match on {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        Value::Object(map) => map.keys().cloned().collect(),
        _ => Vec::new(),
    }
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
    let matrix = job.strategy.as_ref().and_then(|s| s.matrix.as_ref());
    let combos = match matrix {
        None => return vec![name],
        Some(Matrix::Map(map)) => expand(map),
        Some(Matrix::Other(_)) => None,
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

/// The checks `protect` requires by default: every fully known check name of the jobs that run
/// on pull requests, sorted and without duplicates.
pub fn default_required_checks(jobs: &[WorkflowJob]) -> Vec<String> {
    let mut names: Vec<String> = jobs
        .iter()
        .filter(|j| j.on_pull_request)
        .flat_map(|j| j.check_names.iter())
        .filter(|n| !is_pattern(n))
        .cloned()
        .collect();
    names.sort();
    names.dedup();
    names
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
