//! GitHub Actions workflows, parsed into the structure the checks reason about: triggers, jobs,
//! the `needs` graph, services, steps (`run` and `uses`) and permissions, with line numbers.
//!
//! The shapes GitHub accepts are loose (`on: push`, `on: [push, pull_request]`, `on: {push:
//! {branches: [main]}}`; `needs: a` or `needs: [a, b]`), so those fields are kept as generic
//! values and read through helper methods rather than forced into one shape.

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;
use serde_saphyr::Spanned;

use super::Repo;

/// A workflow file: parsed, or the parse error with its location.
#[derive(Debug)]
pub struct Parsed {
    pub path: String,
    pub result: Result<Workflow, String>,
}

#[derive(Debug, Deserialize)]
pub struct Workflow {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, rename = "on")]
    pub on: Option<Spanned<Value>>,
    #[serde(default)]
    pub permissions: Option<Spanned<Value>>,
    #[serde(default)]
    pub jobs: IndexMap<String, Spanned<Job>>,
    #[serde(default)]
    pub env: Option<Value>,
    /// `defaults: {run: {working-directory: …}}`.
    #[serde(default)]
    pub defaults: Option<Value>,
}

#[derive(Debug, Deserialize)]
pub struct Job {
    #[serde(default)]
    pub name: Option<Value>,
    #[serde(default)]
    pub needs: Option<Value>,
    #[serde(default, rename = "if")]
    pub condition: Option<Value>,
    #[serde(default)]
    pub environment: Option<Value>,
    #[serde(default)]
    pub services: Option<IndexMap<String, Value>>,
    #[serde(default)]
    pub steps: Vec<Spanned<Step>>,
    #[serde(default)]
    pub permissions: Option<Spanned<Value>>,
    /// A reusable workflow call.
    #[serde(default)]
    pub uses: Option<Spanned<String>>,
    #[serde(default)]
    pub strategy: Option<Strategy>,
    #[serde(default)]
    pub env: Option<Value>,
    #[serde(default)]
    pub defaults: Option<Value>,
    /// Inputs of a reusable workflow call.
    #[serde(default)]
    pub with: Option<IndexMap<String, Value>>,
    #[serde(default, rename = "runs-on")]
    pub runs_on: Option<Value>,
}

/// A job's `strategy:`, read as a value (it derefs to one), plus the order of the matrix keys,
/// which a JSON value does not keep and GitHub's check names follow (`test (3.12, ubuntu)`).
#[derive(Debug)]
pub struct Strategy {
    pub value: Value,
    /// The keys of `strategy.matrix` in file order, when it is a mapping.
    pub matrix_keys: Option<Vec<String>>,
}

impl std::ops::Deref for Strategy {
    type Target = Value;
    fn deref(&self) -> &Value {
        &self.value
    }
}

impl<'de> Deserialize<'de> for Strategy {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Entry {
            Map(IndexMap<String, Value>),
            Other(Value),
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Map(IndexMap<String, Entry>),
            Other(Value),
        }
        Ok(match Raw::deserialize(d)? {
            Raw::Other(value) => Strategy {
                value,
                matrix_keys: None,
            },
            Raw::Map(map) => {
                let mut matrix_keys = None;
                let mut object = serde_json::Map::new();
                for (key, entry) in map {
                    let value = match entry {
                        Entry::Map(m) => {
                            if key == "matrix" {
                                matrix_keys = Some(m.keys().cloned().collect());
                            }
                            Value::Object(m.into_iter().collect())
                        }
                        Entry::Other(v) => v,
                    };
                    object.insert(key, value);
                }
                Strategy {
                    value: Value::Object(object),
                    matrix_keys,
                }
            }
        })
    }
}

#[derive(Debug, Deserialize)]
pub struct Step {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub uses: Option<Spanned<String>>,
    #[serde(default)]
    pub run: Option<Spanned<String>>,
    #[serde(default)]
    pub with: Option<IndexMap<String, Value>>,
    #[serde(default, rename = "if")]
    pub condition: Option<Value>,
    #[serde(default)]
    pub env: Option<Value>,
    #[serde(default, rename = "working-directory")]
    pub working_directory: Option<String>,
}

/// Parses `.github/workflows/*.yml|yaml` at the repository root.
pub(crate) fn parse_all(repo: &Repo) -> Vec<Parsed> {
    repo.root_glob(".github/workflows/*.{yml,yaml}")
        .filter_map(|f| {
            let text = f.text()?;
            Some(Parsed {
                path: f.path.clone(),
                result: parse(text),
            })
        })
        .collect()
}

/// Parses one workflow; the error carries line and column.
pub fn parse(text: &str) -> Result<Workflow, String> {
    serde_saphyr::from_str::<Workflow>(text)
        .map_err(|e| e.to_string().lines().next().unwrap_or_default().to_string())
}

impl Workflow {
    /// The events that trigger the workflow.
    pub fn events(&self) -> Vec<String> {
        match self.on.as_ref().map(|s| &s.value) {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect(),
            Some(Value::Object(m)) => m.keys().cloned().collect(),
            _ => Vec::new(),
        }
    }

    pub fn triggers_on(&self, event: &str) -> bool {
        self.events().iter().any(|e| e == event)
    }

    /// The configuration of one trigger (`on.push`), if given as a mapping.
    pub fn trigger(&self, event: &str) -> Option<&Value> {
        match self.on.as_ref().map(|s| &s.value) {
            Some(Value::Object(m)) => m.get(event),
            _ => None,
        }
    }

    /// Line of the `on:` value, for locations.
    pub fn on_line(&self) -> Option<u32> {
        self.on.as_ref().map(|s| line(&s.referenced))
    }

    /// Jobs that `job` depends on, directly or transitively.
    pub fn ancestors(&self, job: &str) -> Vec<String> {
        let mut seen: Vec<String> = Vec::new();
        let mut stack = vec![job.to_string()];
        while let Some(current) = stack.pop() {
            if let Some(j) = self.jobs.get(&current) {
                for n in j.value.needs_list() {
                    if !seen.contains(&n) {
                        seen.push(n.clone());
                        stack.push(n);
                    }
                }
            }
        }
        seen
    }
}

impl Job {
    pub fn needs_list(&self) -> Vec<String> {
        match &self.needs {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The environment name, whether given as `environment: prod` or `{name: prod}`.
    pub fn environment_name(&self) -> Option<String> {
        match &self.environment {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Object(m)) => m.get("name").and_then(|v| v.as_str()).map(String::from),
            _ => None,
        }
    }

    /// The job-level `if:` as text (`true`/`false` literals become their words).
    pub fn condition_text(&self) -> Option<String> {
        value_text(self.condition.as_ref()?)
    }

    /// Whether the job can never run (`if: false`, `if: ${{ false }}`).
    pub fn disabled(&self) -> bool {
        self.condition_text().is_some_and(|c| {
            let c = c.trim();
            let c = c
                .strip_prefix("${{")
                .and_then(|c| c.strip_suffix("}}"))
                .unwrap_or(c)
                .trim();
            c == "false" || c == "0"
        })
    }

    /// Every `run:` script of the job with its line.
    pub fn run_scripts(&self) -> impl Iterator<Item = (&str, u32)> {
        self.steps.iter().filter_map(|s| {
            s.value
                .run
                .as_ref()
                .map(|r| (r.value.as_str(), line(&r.referenced)))
        })
    }

    /// Every `uses:` of the job's steps with its line.
    pub fn step_uses(&self) -> impl Iterator<Item = (&str, u32)> {
        self.steps.iter().filter_map(|s| {
            s.value
                .uses
                .as_ref()
                .map(|u| (u.value.as_str(), line(&u.referenced)))
        })
    }
}

/// The `defaults.run.working-directory` of a workflow or job `defaults:` value.
pub fn default_working_directory(defaults: Option<&Value>) -> Option<&str> {
    defaults?.get("run")?.get("working-directory")?.as_str()
}

/// Scalar text of a YAML value (`if: false` parses as a boolean).
pub fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// 1-based line of a span location (0 when unknown).
pub fn line(location: &serde_saphyr::Location) -> u32 {
    u32::try_from(location.line()).unwrap_or(0)
}
