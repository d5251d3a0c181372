//! Answers to a template's placeholders: where they come from (`--set`, `--answers FILE`, a
//! prompt, the default), how they are typed and validated, and the order they are resolved in.
//!
//! Precedence, highest first: `--set KEY=VALUE`, the answers file, an interactive prompt (only
//! when a [`Prompter`] is given), the placeholder's default. Every value is validated the same
//! way whatever its source, so `--set name=Bad_Name` fails exactly like a typed answer would.

use std::path::Path;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::TemplateError;
use super::manifest::{DefaultValue, Placeholder, PlaceholderKind};
use super::render::Renderer;

/// A typed answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Bool(bool),
    String(String),
}

impl Value {
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::String(s) => serde_json::Value::String(s.clone()),
        }
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            Value::String(s) => f.write_str(s),
        }
    }
}

/// Resolved answers in placeholder order.
pub type Answers = IndexMap<String, Value>;

/// Values supplied before resolution, as text or typed YAML scalars, keyed by placeholder.
#[derive(Debug, Default, Clone)]
pub struct Supplied {
    values: IndexMap<String, (Value, String)>,
    /// Keys whose value comes from a record of an earlier `init` without having been given
    /// explicitly there: such a value is used only if it is not what its default derived from
    /// the other recorded answers (so `--set project_name=x` re-derives `package_name`).
    recorded: IndexMap<String, Value>,
    weak: Vec<String>,
}

/// Resolved answers, and which of them were given rather than defaulted.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    pub values: Answers,
    /// Keys given explicitly (`--set`, NAME, an answers file, a prompt answered with something
    /// else than the default); recorded so a later regeneration derives the others again.
    pub explicit: Vec<String>,
}

impl Supplied {
    /// Adds a value; `source` says where it came from in error messages.
    pub fn insert(&mut self, key: &str, value: Value, source: impl Into<String>) {
        self.weak.retain(|k| k != key);
        self.values.insert(key.to_string(), (value, source.into()));
    }

    /// Keeps only the values of placeholders the template asks.
    pub fn retain_known(mut self, template: &super::Template) -> Self {
        self.values
            .retain(|k, _| template.placeholders.contains_key(k.as_str()));
        self
    }

    /// Parses one `--set KEY=VALUE`.
    pub fn insert_assignment(&mut self, assignment: &str) -> Result<(), TemplateError> {
        let (key, value) = assignment
            .split_once('=')
            .ok_or_else(|| TemplateError::BadAssignment(assignment.to_string()))?;
        let key = key.trim();
        if key.is_empty() {
            return Err(TemplateError::BadAssignment(assignment.to_string()));
        }
        self.insert(key, Value::String(value.to_string()), "--set");
        Ok(())
    }

    /// Reads an answers file: a flat YAML mapping, or a `.new-service.yaml` written by an
    /// earlier `init` (its `answers:` section), so a service can be regenerated from its record.
    pub fn read_answers_file(&mut self, path: &Path) -> Result<(), TemplateError> {
        let text = std::fs::read_to_string(path).map_err(|source| TemplateError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let bad = |message: String| TemplateError::AnswersFile {
            path: path.display().to_string(),
            message,
        };
        let doc: serde_json::Value =
            serde_saphyr::from_str(&text).map_err(|e| bad(yaml_error_message(&e)))?;
        // A record of an earlier `init` lists which answers were explicit; the others are
        // used only where they are not simply derived (see `weak`).
        let mut explicit: Option<Vec<String>> = None;
        let mut is_record = false;
        let map = match doc {
            serde_json::Value::Null => return Ok(()),
            serde_json::Value::Object(mut map) => match map.remove("answers") {
                Some(serde_json::Value::Object(inner)) if map.contains_key("template") => {
                    is_record = true;
                    if let Some(serde_json::Value::Array(keys)) = map.get("explicit") {
                        explicit = Some(
                            keys.iter()
                                .filter_map(|k| k.as_str().map(str::to_string))
                                .collect(),
                        );
                    }
                    inner
                }
                Some(other) => {
                    map.insert("answers".into(), other);
                    map
                }
                None => map,
            },
            _ => {
                return Err(bad(
                    "expected a mapping of placeholder names to values".into()
                ));
            }
        };
        let source = format!("answers file {}", path.display());
        for (key, value) in map {
            let value = match value {
                serde_json::Value::Bool(b) => Value::Bool(b),
                serde_json::Value::String(s) => Value::String(s),
                serde_json::Value::Number(n) => Value::String(n.to_string()),
                other => {
                    return Err(bad(format!(
                        "`{key}`: expected a string or a boolean, found {}",
                        json_kind(&other)
                    )));
                }
            };
            if is_record {
                self.recorded.insert(key.clone(), value.clone());
            }
            // --set wins over the file, whatever order the flags came in.
            if !self.values.contains_key(&key) {
                self.insert(&key, value, source.clone());
                let named = explicit.as_ref().is_some_and(|e| e.contains(&key));
                if is_record && !named {
                    self.weak.push(key);
                }
            }
        }
        Ok(())
    }

    pub fn get(&self, key: &str) -> Option<&(Value, String)> {
        self.values.get(key)
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.values.keys()
    }
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "nothing",
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Object(_) => "a mapping",
        _ => "a scalar",
    }
}

/// serde-saphyr reports `line X column Y`; keep the message on one line.
pub(crate) fn yaml_error_message(e: &serde_saphyr::Error) -> String {
    e.to_string().lines().next().unwrap_or_default().to_string()
}

/// Asks the user for one placeholder's value. Implemented by the binary over the terminal; the
/// library never touches stdin or stdout itself.
pub trait Prompter {
    /// Returns the raw answer. The caller validates it and asks again on error, showing
    /// `previous_error`.
    fn ask(
        &mut self,
        placeholder: &Placeholder,
        default: Option<&Value>,
        previous_error: Option<&str>,
    ) -> std::io::Result<Value>;
}

/// Resolves every placeholder in declaration order.
pub fn resolve(
    placeholders: &IndexMap<String, Placeholder>,
    supplied: &Supplied,
    renderer: &Renderer,
    mut prompter: Option<&mut dyn Prompter>,
) -> Result<Resolved, TemplateError> {
    if let Some(unknown) = supplied
        .keys()
        .find(|k| !placeholders.contains_key(k.as_str()))
    {
        let source = supplied
            .get(unknown)
            .map(|(_, s)| s.as_str())
            .unwrap_or("--set");
        // A record of another template may carry answers this one does not ask: not an error.
        if !supplied.weak.contains(unknown) && !supplied.recorded.contains_key(unknown) {
            return Err(TemplateError::UnknownPlaceholder {
                key: unknown.clone(),
                origin: source.to_string(),
                known: placeholders.keys().cloned().collect::<Vec<_>>().join(", "),
            });
        }
    }
    let recorded: Answers = supplied
        .recorded
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut resolved = Resolved::default();
    for placeholder in placeholders.values() {
        let default = default_for(placeholder, &resolved.values, renderer)?;
        let mut given = supplied.get(&placeholder.name);
        if given.is_some() && supplied.weak.contains(&placeholder.name) {
            // Derived in the record (equal to its default there): derive it again here.
            let derived_then = default_for(placeholder, &recorded, renderer).ok().flatten();
            if given.map(|(v, _)| v) == derived_then.as_ref() {
                given = None;
            }
        }
        let (value, explicit) = if let Some((raw, source)) = given {
            let value = coerce(placeholder, raw.clone()).map_err(|message| {
                TemplateError::InvalidAnswer {
                    key: placeholder.name.clone(),
                    origin: source.clone(),
                    message,
                }
            })?;
            (value, true)
        } else if let Some(prompter) = prompter.as_deref_mut() {
            let value = ask_until_valid(prompter, placeholder, default.as_ref())?;
            let changed = Some(&value) != default.as_ref();
            (value, changed)
        } else {
            let value = default.ok_or_else(|| TemplateError::MissingAnswer {
                key: placeholder.name.clone(),
                prompt: placeholder.prompt.clone(),
            })?;
            let value =
                coerce(placeholder, value).map_err(|message| TemplateError::InvalidAnswer {
                    key: placeholder.name.clone(),
                    origin: "the template's default".into(),
                    message,
                })?;
            (value, false)
        };
        if explicit {
            resolved.explicit.push(placeholder.name.clone());
        }
        resolved.values.insert(placeholder.name.clone(), value);
    }
    Ok(resolved)
}

fn ask_until_valid(
    prompter: &mut dyn Prompter,
    placeholder: &Placeholder,
    default: Option<&Value>,
) -> Result<Value, TemplateError> {
    let mut error: Option<String> = None;
    loop {
        let raw = prompter
            .ask(placeholder, default, error.as_deref())
            .map_err(TemplateError::Prompt)?;
        match coerce(placeholder, raw) {
            Ok(v) => return Ok(v),
            Err(message) => error = Some(message),
        }
    }
}

fn default_for(
    placeholder: &Placeholder,
    answers: &Answers,
    renderer: &Renderer,
) -> Result<Option<Value>, TemplateError> {
    Ok(match &placeholder.default {
        None => None,
        Some(DefaultValue::Bool(b)) => Some(Value::Bool(*b)),
        Some(DefaultValue::Text(t)) if t.contains("{{") => {
            let context = serde_json::Value::Object(
                answers
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            );
            let name = format!("default of placeholder `{}`", placeholder.name);
            Some(Value::String(renderer.render_str(&name, t, &context)?))
        }
        Some(DefaultValue::Text(t)) => Some(Value::String(t.clone())),
    })
}

/// Types and validates one value against its placeholder; the error says what is expected.
pub fn coerce(placeholder: &Placeholder, value: Value) -> Result<Value, String> {
    match (&placeholder.kind, value) {
        (PlaceholderKind::Bool, Value::Bool(b)) => Ok(Value::Bool(b)),
        (PlaceholderKind::Bool, Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "on" | "1" => Ok(Value::Bool(true)),
            "false" | "no" | "n" | "off" | "0" => Ok(Value::Bool(false)),
            _ => Err(format!("`{s}` is not a boolean (use true or false)")),
        },
        (_, Value::Bool(b)) => Err(format!("expected text, found the boolean {b}")),
        (PlaceholderKind::Choice(choices), Value::String(s)) => {
            if choices.contains(&s) {
                Ok(Value::String(s))
            } else {
                Err(format!("`{s}` is not one of: {}", choices.join(", ")))
            }
        }
        (PlaceholderKind::String, Value::String(s)) => match &placeholder.regex {
            Some(re) if !re.is_match(&s) => Err(match &placeholder.help {
                // The help says in words what the regex says in symbols.
                Some(help) => format!("`{s}` is not valid: {help}"),
                None => format!(
                    "`{s}` does not match {}",
                    re.as_str()
                        .trim_start_matches("^(?:")
                        .trim_end_matches(")$")
                ),
            }),
            _ => Ok(Value::String(s)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::Manifest;

    fn manifest() -> Manifest {
        Manifest::parse(
            r#"
[template]
name = "t"
version = "1"

[placeholders.project_name]
type = "string"
prompt = "Name"
regex = "[a-z][a-z0-9-]*"

[placeholders.package_name]
type = "string"
prompt = "Package"
default = "{{snake_case project_name}}"

[placeholders.docker]
type = "bool"
prompt = "Docker?"
default = true

[placeholders.python]
type = "choice"
prompt = "Python"
choices = ["3.11", "3.12"]
default = "3.12"
"#,
            "t.toml",
        )
        .unwrap()
    }

    fn supplied(pairs: &[&str]) -> Supplied {
        let mut s = Supplied::default();
        for p in pairs {
            s.insert_assignment(p).unwrap();
        }
        s
    }

    #[test]
    fn defaults_are_rendered_from_earlier_answers() {
        let answers = resolve(
            &manifest().placeholders,
            &supplied(&["project_name=billing-api"]),
            &Renderer::new(),
            None,
        )
        .unwrap()
        .values;
        assert_eq!(answers["package_name"], Value::String("billing_api".into()));
        assert_eq!(answers["docker"], Value::Bool(true));
    }

    #[test]
    fn set_values_are_typed_by_their_placeholder() {
        let answers = resolve(
            &manifest().placeholders,
            &supplied(&["project_name=x1", "docker=no", "python=3.11"]),
            &Renderer::new(),
            None,
        )
        .unwrap()
        .values;
        assert_eq!(answers["docker"], Value::Bool(false));
        assert_eq!(answers["python"], Value::String("3.11".into()));
    }

    #[test]
    fn an_unknown_set_key_is_refused_and_the_known_ones_listed() {
        let err = resolve(
            &manifest().placeholders,
            &supplied(&["project_name=x1", "pyhton=3.11"]),
            &Renderer::new(),
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("pyhton"), "{err}");
        assert!(err.contains("python"), "{err}");
    }

    #[test]
    fn a_value_failing_the_regex_is_refused() {
        let err = resolve(
            &manifest().placeholders,
            &supplied(&["project_name=Bad_Name"]),
            &Renderer::new(),
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("Bad_Name"), "{err}");
        assert!(err.contains("--set"), "{err}");
    }

    #[test]
    fn a_choice_outside_the_list_is_refused() {
        let err = resolve(
            &manifest().placeholders,
            &supplied(&["project_name=ok", "python=2.7"]),
            &Renderer::new(),
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("not one of: 3.11, 3.12"), "{err}");
    }

    #[test]
    fn a_set_without_equals_is_refused() {
        let mut s = Supplied::default();
        assert!(s.insert_assignment("docker").is_err());
    }

    struct Scripted(Vec<Value>, Vec<Option<String>>);
    impl Prompter for Scripted {
        fn ask(
            &mut self,
            _: &Placeholder,
            _: Option<&Value>,
            previous_error: Option<&str>,
        ) -> std::io::Result<Value> {
            self.1.push(previous_error.map(str::to_string));
            Ok(self.0.remove(0))
        }
    }

    #[test]
    fn the_prompter_is_asked_again_after_an_invalid_answer() {
        let m = manifest();
        let mut p = Scripted(
            vec![
                Value::String("Bad".into()),
                Value::String("good".into()),
                Value::String("pkg".into()),
                Value::String("maybe".into()),
                Value::String("yes".into()),
                Value::String("3.11".into()),
            ],
            vec![],
        );
        let answers = resolve(
            &m.placeholders,
            &Supplied::default(),
            &Renderer::new(),
            Some(&mut p),
        )
        .unwrap()
        .values;
        assert_eq!(answers["project_name"], Value::String("good".into()));
        assert_eq!(answers["docker"], Value::Bool(true));
        assert!(p.1[1].as_deref().unwrap().contains("Bad"));
        assert!(p.1[4].as_deref().unwrap().contains("not a boolean"));
    }
}
