//! Checklists: the YAML that says which checks run, at which level, with which words.
//!
//! `checklists/a-to-z.yaml` is embedded in the binary. A custom checklist `extends: a-to-z` (or
//! another file), adds items, overrides levels or severities, and disables items. Everything is
//! validated at load time (unknown ids, unknown kinds, bad regexes, malformed YAML with file,
//! line and column), before any check runs.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;

use super::declarative::Rule;
use super::registry;
use super::{Check, Level, Severity};

/// The embedded checklists, by name.
pub const EMBEDDED: &[(&str, &str)] = &[("a-to-z", include_str!("../../checklists/a-to-z.yaml"))];

/// A checklist file as written (the format `checklists/schema.json` describes).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChecklistFile {
    /// Format version of this file; 1.
    #[serde(default)]
    pub schema_version: Option<u32>,
    /// Name shown in reports.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// A checklist to start from: `a-to-z` or a path relative to this file.
    #[serde(default)]
    pub extends: Option<String>,
    /// Stages (sections), in report order.
    #[serde(default)]
    pub stages: Vec<StageDef>,
    /// Checks this file adds.
    #[serde(default)]
    pub checks: Vec<ItemDef>,
    /// Changes to inherited checks, by id.
    #[serde(default)]
    pub overrides: IndexMap<String, Override>,
    /// Inherited checks to drop, by id.
    #[serde(default)]
    pub disable: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StageDef {
    pub id: String,
    pub title: String,
    /// Remote stages (repository settings on the hosting service) are reported beside the
    /// level and never change it.
    #[serde(default)]
    pub remote: bool,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemDef {
    /// Public id, e.g. `tests.on-pull-request`.
    pub id: String,
    pub stage: String,
    pub level: Level,
    /// Defaults to `error` for bronze and silver, `warning` for gold.
    #[serde(default)]
    pub severity: Option<Severity>,
    pub title: String,
    pub why: String,
    pub fix: String,
    /// Implemented in Rust under the same id.
    #[serde(default)]
    pub builtin: bool,
    /// A declarative rule (exclusive with `builtin`).
    #[serde(default)]
    pub rule: Option<Rule>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Override {
    #[serde(default)]
    pub level: Option<Level>,
    #[serde(default)]
    pub severity: Option<Severity>,
}

/// A stage of a loaded checklist.
#[derive(Debug, Clone)]
pub struct Stage {
    pub id: String,
    pub title: String,
    pub remote: bool,
}

/// One resolved checklist item.
pub struct Item {
    pub id: String,
    pub stage: String,
    pub level: Level,
    pub severity: Severity,
    pub title: String,
    pub why: String,
    pub fix: String,
    pub implementation: Implementation,
}

pub enum Implementation {
    Builtin(&'static dyn Check),
    Rule(super::declarative::Compiled),
}

impl Item {
    /// The longer documentation: a built-in's doc comment, or the rule's description.
    pub fn docs(&self) -> String {
        match &self.implementation {
            // Doc comments carry one leading space per line (`/// text`).
            Implementation::Builtin(c) => c
                .docs()
                .lines()
                .map(|l| l.strip_prefix(' ').unwrap_or(l))
                .collect::<Vec<_>>()
                .join("\n"),
            Implementation::Rule(r) => r.describe(),
        }
    }
}

/// A loaded, validated checklist.
pub struct Checklist {
    pub name: String,
    pub stages: Vec<Stage>,
    pub items: Vec<Item>,
}

#[derive(Debug, thiserror::Error)]
pub enum ChecklistError {
    #[error("cannot read checklist {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{origin}: {message}")]
    Invalid { origin: String, message: String },
}

impl Checklist {
    /// Loads `a-to-z` (or another embedded name) or a checklist file.
    pub fn load(name_or_path: &str) -> Result<Checklist, ChecklistError> {
        let mut seen = Vec::new();
        let file = load_layers(name_or_path, None, &mut seen)?;
        resolve(file)
    }

    /// The embedded A-to-Z checklist.
    pub fn a_to_z() -> Result<Checklist, ChecklistError> {
        Self::load("a-to-z")
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    pub fn stage(&self, id: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| s.id == id)
    }
}

/// One layer of a checklist, with the layers it extends merged beneath it.
struct Layered {
    origin: String,
    name: Option<String>,
    stages: Vec<StageDef>,
    items: Vec<ItemDef>,
}

fn load_layers(
    name_or_path: &str,
    relative_to: Option<&Path>,
    seen: &mut Vec<String>,
) -> Result<Layered, ChecklistError> {
    let (origin, text, dir) = match EMBEDDED.iter().find(|(n, _)| *n == name_or_path) {
        Some((name, text)) => (format!("checklists/{name}.yaml"), (*text).to_string(), None),
        None => {
            let path = match relative_to {
                Some(dir) => dir.join(name_or_path),
                None => PathBuf::from(name_or_path),
            };
            let text = std::fs::read_to_string(&path).map_err(|source| ChecklistError::Read {
                path: path.clone(),
                source,
            })?;
            let dir = path.parent().map(Path::to_path_buf);
            (path.display().to_string(), text, dir)
        }
    };
    if seen.contains(&origin) {
        return Err(invalid(&origin, "`extends` forms a cycle"));
    }
    seen.push(origin.clone());
    let file: ChecklistFile = serde_saphyr::from_str(&text)
        .map_err(|e| invalid(&origin, &crate::template::answers::yaml_error_message(&e)))?;
    if let Some(v) = file.schema_version
        && v != 1
    {
        return Err(invalid(
            &origin,
            &format!("unsupported schema_version {v} (expected 1)"),
        ));
    }
    let mut layer = match &file.extends {
        Some(base) => load_layers(base, dir.as_deref(), seen)?,
        None => Layered {
            origin: origin.clone(),
            name: None,
            stages: Vec::new(),
            items: Vec::new(),
        },
    };
    for id in &file.disable {
        let before = layer.items.len();
        layer.items.retain(|i| &i.id != id);
        if layer.items.len() == before {
            return Err(invalid(
                &origin,
                &format!("`disable`: no inherited check `{id}`"),
            ));
        }
    }
    for (id, o) in &file.overrides {
        let item = layer
            .items
            .iter_mut()
            .find(|i| &i.id == id)
            .ok_or_else(|| invalid(&origin, &format!("`overrides`: no inherited check `{id}`")))?;
        if let Some(level) = o.level {
            item.level = level;
        }
        if let Some(severity) = o.severity {
            item.severity = Some(severity);
        }
    }
    for stage in file.stages {
        if layer.stages.iter().any(|s| s.id == stage.id) {
            return Err(invalid(
                &origin,
                &format!("stage `{}` is defined twice", stage.id),
            ));
        }
        layer.stages.push(stage);
    }
    for item in file.checks {
        if layer.items.iter().any(|i| i.id == item.id) {
            return Err(invalid(
                &origin,
                &format!(
                    "check `{}` is defined twice (use `overrides` to change it)",
                    item.id
                ),
            ));
        }
        layer.items.push(item);
    }
    layer.origin = origin;
    layer.name = file.name.or(layer.name);
    Ok(layer)
}

fn resolve(layer: Layered) -> Result<Checklist, ChecklistError> {
    let origin = layer.origin;
    let stages: Vec<Stage> = layer
        .stages
        .into_iter()
        .map(|s| Stage {
            id: s.id,
            title: s.title,
            remote: s.remote,
        })
        .collect();
    let mut items = Vec::new();
    for def in layer.items {
        if !stages.iter().any(|s| s.id == def.stage) {
            return Err(invalid(
                &origin,
                &format!("check `{}`: unknown stage `{}`", def.id, def.stage),
            ));
        }
        let implementation = match (def.builtin, def.rule) {
            (true, None) => Implementation::Builtin(registry::find(&def.id).ok_or_else(|| {
                invalid(
                    &origin,
                    &format!("check `{}`: no built-in check has this id", def.id),
                )
            })?),
            (false, Some(rule)) => Implementation::Rule(
                rule.compile()
                    .map_err(|m| invalid(&origin, &format!("check `{}`: {m}", def.id)))?,
            ),
            (true, Some(_)) => {
                return Err(invalid(
                    &origin,
                    &format!("check `{}`: `builtin` and `rule` are exclusive", def.id),
                ));
            }
            (false, None) => {
                return Err(invalid(
                    &origin,
                    &format!("check `{}`: needs `builtin: true` or a `rule`", def.id),
                ));
            }
        };
        items.push(Item {
            severity: def.severity.unwrap_or(if def.level == Level::Gold {
                Severity::Warning
            } else {
                Severity::Error
            }),
            id: def.id,
            stage: def.stage,
            level: def.level,
            title: def.title,
            why: def.why,
            fix: def.fix,
            implementation,
        });
    }
    Ok(Checklist {
        name: layer.name.unwrap_or_else(|| "custom".into()),
        stages,
        items,
    })
}

fn invalid(origin: &str, message: &str) -> ChecklistError {
    ChecklistError::Invalid {
        origin: origin.to_string(),
        message: message.to_string(),
    }
}

/// The JSON Schema of the checklist format, generated from the Rust types.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(ChecklistFile);
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}
