//! The manifests of a template's parts: a stack's `template.toml` and a layer's `layer.toml`.
//!
//! Modelled on cargo-generate's `cargo-generate.toml`: placeholders with a type, prompt, help,
//! default and validation regex, plus `[[conditional]]` blocks that include or exclude files
//! according to the answers. A stack also lists the layers it is built from and what it
//! provides to them (`make test`, a setup action, a port); a layer says when it applies, where
//! it renders in a workspace, what it requires and which slots of its files the stack fills.
//! Everything is checked when the manifest is loaded, so a broken template fails before any
//! answer is asked or any file is written.

use indexmap::IndexMap;
use regex::Regex;
use serde::Deserialize;

use super::TemplateError;

/// File name of a stack's manifest inside its directory.
pub const MANIFEST_FILE: &str = "template.toml";
/// File name of a layer's manifest inside its directory.
pub const LAYER_FILE: &str = "layer.toml";

/// The parsed and validated `template.toml` of a stack.
#[derive(Debug, Clone)]
pub struct Manifest {
    pub template: TemplateMeta,
    /// Stack constants, exposed to templates as `{{stack.KEY}}`.
    pub vars: IndexMap<String, toml::Value>,
    /// Placeholders in the order they are declared (and asked).
    pub placeholders: IndexMap<String, Placeholder>,
    pub conditionals: Vec<Conditional>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateMeta {
    pub name: String,
    pub version: String,
    #[serde(default)]
    pub description: String,
    /// The layers this stack is built from, in order (`template/layers/NAME`).
    #[serde(default)]
    pub layers: Vec<String>,
    /// Capabilities the stack offers its layers (`make-test`, `setup-action`, `http`, ...).
    #[serde(default)]
    pub provides: Vec<String>,
    /// Capabilities the stack needs from its layers (`models-package`, ...).
    #[serde(default)]
    pub requires: Vec<String>,
    /// Output paths of layer files this stack writes instead (an explicit replacement; any
    /// other path written twice is an error).
    #[serde(default)]
    pub replaces: Vec<String>,
    /// The layouts the stack works in (`service`, `monorepo`); any when empty.
    #[serde(default)]
    pub layouts: Vec<String>,
    /// Handlebars text printed after a successful `init`.
    #[serde(default)]
    pub next_steps: String,
    /// Globs of output paths written with the executable bit (embedded files carry no modes).
    #[serde(default)]
    pub executable: Vec<String>,
}

/// The parsed and validated `layer.toml` of a layer.
#[derive(Debug, Clone)]
pub struct LayerManifest {
    pub layer: LayerMeta,
    pub placeholders: IndexMap<String, Placeholder>,
    pub conditionals: Vec<Conditional>,
}

/// Where a layer renders when several services share one repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Once per service, under the service's folder (its Dockerfile, its manifests).
    #[default]
    Service,
    /// Once per repository, at its root (workflows, process files, the local database).
    Root,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerMeta {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// A condition over the answers (`kubernetes`, `(eq layout "monorepo")`); always when absent.
    pub when: Option<String>,
    #[serde(default)]
    pub scope: Scope,
    /// Capabilities this layer needs from the stack or an earlier layer.
    #[serde(default)]
    pub requires: Vec<String>,
    #[serde(default)]
    pub provides: Vec<String>,
    /// Slots (Handlebars partials) its files use that the stack or another layer must fill.
    #[serde(default)]
    pub slots: Vec<String>,
    /// Slots its files use that may stay empty.
    #[serde(default)]
    pub optional_slots: Vec<String>,
    /// Output paths of other parts' files this layer writes instead.
    #[serde(default)]
    pub replaces: Vec<String>,
    #[serde(default)]
    pub executable: Vec<String>,
}

/// One question the template asks.
#[derive(Debug, Clone)]
pub struct Placeholder {
    pub name: String,
    pub kind: PlaceholderKind,
    pub prompt: String,
    pub help: Option<String>,
    /// For strings and choices: Handlebars text rendered with the answers given so far.
    pub default: Option<DefaultValue>,
    pub regex: Option<Regex>,
    /// Secrets are asked like any other value but never recorded in `.new-service.yaml`.
    pub secret: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlaceholderKind {
    String,
    Bool,
    Choice(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DefaultValue {
    Text(String),
    Bool(bool),
}

/// Files included or excluded according to a Handlebars condition over the answers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conditional {
    /// A Handlebars expression evaluated as `{{#if WHEN}}`: `kubernetes`, `(eq db "postgres")`.
    pub when: String,
    /// Output paths (globs) written only when the condition holds.
    #[serde(default)]
    pub include: Vec<String>,
    /// Output paths (globs) dropped when the condition holds.
    #[serde(default)]
    pub exclude: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    template: TemplateMeta,
    #[serde(default)]
    vars: IndexMap<String, toml::Value>,
    #[serde(default)]
    placeholders: IndexMap<String, RawPlaceholder>,
    #[serde(default)]
    conditional: Vec<Conditional>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLayer {
    layer: LayerMeta,
    #[serde(default)]
    placeholders: IndexMap<String, RawPlaceholder>,
    #[serde(default)]
    conditional: Vec<Conditional>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlaceholder {
    #[serde(rename = "type")]
    kind: String,
    prompt: String,
    help: Option<String>,
    default: Option<toml::Value>,
    regex: Option<String>,
    choices: Option<Vec<String>>,
    #[serde(default)]
    secret: bool,
}

/// Names the renderer puts into the context itself; a placeholder may not shadow them.
pub const RESERVED_NAMES: &[&str] = &[
    "stack",
    "template",
    "new_service_version",
    "secret_key",
    "layout",
    "monorepo",
    "service",
    "services",
    "workspace",
];

/// The placeholder every template has: the service name, filled from `init NAME`.
pub const NAME_PLACEHOLDER: &str = "project_name";

impl Manifest {
    /// Parses and validates a stack manifest; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Self, TemplateError> {
        let raw: RawManifest = parse_toml(text, origin)?;
        let placeholders = parse_placeholders(raw.placeholders, origin)?;
        check_globs(
            raw.conditional
                .iter()
                .flat_map(|c| c.include.iter().chain(&c.exclude))
                .chain(&raw.template.executable)
                .chain(&raw.template.replaces),
            origin,
        )?;
        Ok(Manifest {
            template: raw.template,
            vars: raw.vars,
            placeholders,
            conditionals: raw.conditional,
        })
    }
}

impl LayerManifest {
    /// Parses and validates a layer manifest; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Self, TemplateError> {
        let raw: RawLayer = parse_toml(text, origin)?;
        let placeholders = parse_placeholders(raw.placeholders, origin)?;
        check_globs(
            raw.conditional
                .iter()
                .flat_map(|c| c.include.iter().chain(&c.exclude))
                .chain(&raw.layer.executable)
                .chain(&raw.layer.replaces),
            origin,
        )?;
        for slot in raw.layer.slots.iter().chain(&raw.layer.optional_slots) {
            if !is_identifier(slot) {
                return Err(TemplateError::Manifest {
                    path: origin.to_string(),
                    message: format!("slot `{slot}` must be an identifier (letters, digits, `_`)"),
                });
            }
        }
        Ok(LayerManifest {
            layer: raw.layer,
            placeholders,
            conditionals: raw.conditional,
        })
    }
}

fn parse_toml<T: serde::de::DeserializeOwned>(
    text: &str,
    origin: &str,
) -> Result<T, TemplateError> {
    toml::from_str(text).map_err(|e| TemplateError::Manifest {
        path: origin.to_string(),
        message: toml_error_message(text, &e),
    })
}

fn parse_placeholders(
    raw: IndexMap<String, RawPlaceholder>,
    origin: &str,
) -> Result<IndexMap<String, Placeholder>, TemplateError> {
    let invalid = |message: String| TemplateError::Manifest {
        path: origin.to_string(),
        message,
    };
    let mut placeholders = IndexMap::new();
    for (name, raw) in raw {
        if RESERVED_NAMES.contains(&name.as_str()) {
            return Err(invalid(format!(
                "placeholder `{name}` shadows a name the renderer provides"
            )));
        }
        if !is_identifier(&name) {
            return Err(invalid(format!(
                "placeholder `{name}` must be an identifier (letters, digits, `_`)"
            )));
        }
        let placeholder = Placeholder::from_raw(&name, raw).map_err(invalid)?;
        placeholders.insert(name, placeholder);
    }
    if let Some(p) = placeholders.get(NAME_PLACEHOLDER)
        && p.kind != PlaceholderKind::String
    {
        return Err(invalid(format!(
            "placeholder `{NAME_PLACEHOLDER}` must be of type string"
        )));
    }
    Ok(placeholders)
}

fn check_globs<'a>(
    patterns: impl Iterator<Item = &'a String>,
    origin: &str,
) -> Result<(), TemplateError> {
    for pattern in patterns {
        globset::Glob::new(pattern).map_err(|e| TemplateError::Manifest {
            path: origin.to_string(),
            message: format!("bad glob `{pattern}`: {e}"),
        })?;
    }
    Ok(())
}

impl Placeholder {
    fn from_raw(name: &str, raw: RawPlaceholder) -> Result<Self, String> {
        let kind = match (raw.kind.as_str(), raw.choices) {
            ("string", None) => PlaceholderKind::String,
            ("bool", None) => PlaceholderKind::Bool,
            ("choice", Some(choices)) if !choices.is_empty() => PlaceholderKind::Choice(choices),
            ("choice", _) => return Err(format!("placeholder `{name}`: a choice needs `choices`")),
            ("string" | "bool", Some(_)) => {
                return Err(format!(
                    "placeholder `{name}`: only a choice takes `choices`"
                ));
            }
            (other, _) => {
                return Err(format!(
                    "placeholder `{name}`: unknown type `{other}` (expected string, bool or choice)"
                ));
            }
        };
        let default = match (&kind, raw.default) {
            (_, None) => None,
            (PlaceholderKind::Bool, Some(toml::Value::Boolean(b))) => Some(DefaultValue::Bool(b)),
            (PlaceholderKind::Bool, Some(_)) => {
                return Err(format!(
                    "placeholder `{name}`: a bool default is true or false"
                ));
            }
            (_, Some(toml::Value::String(s))) => Some(DefaultValue::Text(s)),
            (_, Some(_)) => {
                return Err(format!(
                    "placeholder `{name}`: the default must be a string"
                ));
            }
        };
        if let (PlaceholderKind::Choice(choices), Some(DefaultValue::Text(d))) = (&kind, &default)
            && !d.contains("{{")
            && !choices.contains(d)
        {
            return Err(format!(
                "placeholder `{name}`: default `{d}` is not one of the choices"
            ));
        }
        let regex = match raw.regex {
            None => None,
            Some(_) if kind == PlaceholderKind::Bool => {
                return Err(format!("placeholder `{name}`: a bool takes no regex"));
            }
            Some(r) => Some(
                // Anchor the whole value: `^[a-z]+` alone would accept "abc/../x".
                Regex::new(&format!("^(?:{r})$"))
                    .map_err(|e| format!("placeholder `{name}`: bad regex: {e}"))?,
            ),
        };
        Ok(Placeholder {
            name: name.to_string(),
            kind,
            prompt: raw.prompt,
            help: raw.help,
            default,
            regex,
            secret: raw.secret,
        })
    }

    /// The shape of the value, for messages and `--help`-like listings.
    pub fn kind_label(&self) -> String {
        match &self.kind {
            PlaceholderKind::String => "string".into(),
            PlaceholderKind::Bool => "bool".into(),
            PlaceholderKind::Choice(c) => format!("one of {}", c.join(", ")),
        }
    }
}

pub(crate) fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `toml`'s messages already carry a line/column excerpt; keep them on one line where we can.
fn toml_error_message(text: &str, e: &toml::de::Error) -> String {
    match e.span() {
        Some(span) => {
            let (line, col) = line_col(text, span.start);
            format!("line {line}, column {col}: {}", e.message())
        }
        None => e.message().to_string(),
    }
}

/// 1-based line and column of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let col = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
[template]
name = "t"
version = "1.0.0"

[placeholders.project_name]
type = "string"
prompt = "Name"
regex = "[a-z]+"
"#;

    #[test]
    fn a_minimal_manifest_parses() {
        let m = Manifest::parse(MINIMAL, "t.toml").unwrap();
        assert_eq!(m.template.name, "t");
        assert_eq!(m.placeholders.len(), 1);
    }

    #[test]
    fn the_regex_is_anchored_to_the_whole_value() {
        let m = Manifest::parse(MINIMAL, "t.toml").unwrap();
        let re = m.placeholders["project_name"].regex.as_ref().unwrap();
        assert!(re.is_match("abc"));
        assert!(!re.is_match("abc/../x"));
    }

    #[test]
    fn an_unknown_type_is_refused_with_its_name() {
        let text = MINIMAL.replace("type = \"string\"", "type = \"number\"");
        let err = Manifest::parse(&text, "t.toml").unwrap_err().to_string();
        assert!(err.contains("unknown type `number`"), "{err}");
    }

    #[test]
    fn a_choice_default_outside_the_choices_is_refused() {
        let text = format!(
            "{MINIMAL}\n[placeholders.py]\ntype = \"choice\"\nprompt = \"p\"\nchoices = [\"3.11\"]\ndefault = \"2.7\"\n"
        );
        let err = Manifest::parse(&text, "t.toml").unwrap_err().to_string();
        assert!(err.contains("not one of the choices"), "{err}");
    }

    #[test]
    fn a_reserved_name_cannot_be_a_placeholder() {
        let text = format!("{MINIMAL}\n[placeholders.stack]\ntype = \"string\"\nprompt = \"p\"\n");
        let err = Manifest::parse(&text, "t.toml").unwrap_err().to_string();
        assert!(err.contains("shadows"), "{err}");
    }

    #[test]
    fn a_syntax_error_names_line_and_column() {
        let err = Manifest::parse("[template]\nname = \n", "x/template.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("x/template.toml"), "{err}");
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
    }
}
