//! From a template and its answers to the exact list of files to write: layers chosen by their
//! `when`, slots filled, conditionals applied, paths rendered and checked, `.hbs` files
//! rendered, everything else kept byte for byte.
//!
//! A plan is pure data. Nothing touches the disk here, which is what lets `--dry-run` show the
//! real result and lets `init` write everything into a staging directory in one go.

use std::borrow::Cow;
use std::collections::BTreeMap;

use globset::{Glob, GlobSet, GlobSetBuilder};

use super::TemplateError;
use super::answers::Answers;
use super::manifest::{Conditional, Scope};
use super::render::Renderer;
use super::source::Template;

/// Suffix that marks a file as a Handlebars template; it is dropped from the output name.
pub const TEMPLATE_SUFFIX: &str = ".hbs";

/// One file to write.
#[derive(Debug, Clone)]
pub struct PlannedFile {
    /// Output path relative to the repository root, `/`-separated, already checked to stay
    /// inside.
    pub path: String,
    pub contents: Cow<'static, [u8]>,
    pub executable: bool,
    /// Rendered through Handlebars (as opposed to copied byte for byte).
    pub rendered: bool,
    /// Which part wrote it: `stack fastapi`, `layer kubernetes` (for conflict messages).
    pub origin: String,
}

/// The files a template (or a workspace of templates) produces for a set of answers.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub files: Vec<PlannedFile>,
}

impl Plan {
    /// Adds the files of another instance; a path written twice is a conflict, and then the
    /// plan is left as it was.
    pub fn extend(&mut self, files: Vec<PlannedFile>) -> Result<(), TemplateError> {
        let mut by_path: BTreeMap<&str, &str> = self
            .files
            .iter()
            .map(|f| (f.path.as_str(), f.origin.as_str()))
            .collect();
        for file in &files {
            if let Some(first) = by_path.insert(&file.path, &file.origin) {
                return Err(TemplateError::Conflict {
                    path: file.path.clone(),
                    first: first.to_string(),
                    second: file.origin.clone(),
                });
            }
        }
        self.files.extend(files);
        self.files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(())
    }
}

/// Values the renderer adds to every context beside the answers.
pub struct Extras<'a> {
    pub secret_key: &'a str,
}

/// Builds the Handlebars context: the answers, `stack.*`, `template.*`, generated values, and
/// the layout of the repository (`layout`, `monorepo`, plus whatever `place` adds: `service`,
/// `services`, `workspace`).
pub fn context(
    template: &Template,
    answers: &Answers,
    extras: &Extras,
    place: &serde_json::Map<String, serde_json::Value>,
) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    for (k, v) in answers {
        map.insert(k.clone(), v.to_json());
    }
    let stack = template
        .manifest
        .vars
        .iter()
        .map(|(k, v)| (k.clone(), toml_to_json(v)))
        .collect();
    map.insert("stack".into(), serde_json::Value::Object(stack));
    map.insert(
        "template".into(),
        serde_json::json!({
            "name": template.manifest.template.name,
            "version": template.manifest.template.version,
        }),
    );
    map.insert(
        "new_service_version".into(),
        env!("CARGO_PKG_VERSION").into(),
    );
    map.insert("secret_key".into(), extras.secret_key.into());
    map.insert("layout".into(), "service".into());
    map.insert("monorepo".into(), false.into());
    for (k, v) in place {
        map.insert(k.clone(), v.clone());
    }
    serde_json::Value::Object(map)
}

fn toml_to_json(v: &toml::Value) -> serde_json::Value {
    match v {
        toml::Value::String(s) => s.clone().into(),
        toml::Value::Integer(i) => (*i).into(),
        toml::Value::Float(f) => serde_json::Number::from_f64(*f)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        toml::Value::Boolean(b) => (*b).into(),
        toml::Value::Datetime(d) => d.to_string().into(),
        toml::Value::Array(a) => a.iter().map(toml_to_json).collect(),
        toml::Value::Table(t) => t
            .iter()
            .map(|(k, v)| (k.clone(), toml_to_json(v)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
    }
}

/// Renders one template: the stack, and its layers whose `when` holds and whose scope is in
/// `scopes`, each
/// file under `prefix` (`""` or `services/api/`). A path written by two parts is an error
/// unless one of them `replaces` it.
pub fn build(
    template: &Template,
    context: &serde_json::Value,
    scopes: &[Scope],
    prefix: &str,
) -> Result<Vec<PlannedFile>, TemplateError> {
    let mut renderer = Renderer::new();
    let mut active = Vec::new();
    for part in &template.parts {
        let on = match &part.when {
            Some(when) => renderer.condition(when, context)?,
            None => true,
        };
        if on {
            active.push(part);
        }
    }
    // Every slot of the template is registered (empty when no active part fills it), so a
    // file of a layer can use an optional slot whatever the answers.
    let mut slots: BTreeMap<&str, String> = template
        .parts
        .iter()
        .flat_map(|p| p.slots.iter().chain(&p.optional_slots))
        .map(|s| (s.as_str(), String::new()))
        .collect();
    for part in &active {
        for (slot, text) in &part.fills {
            if let Some(body) = slots.get_mut(slot.as_str()) {
                body.push_str(text);
            }
        }
    }
    for (slot, body) in &slots {
        renderer.register_slot(slot, body)?;
    }
    renderer.register_includes(
        active
            .iter()
            .flat_map(|p| p.raw.iter())
            .map(|(name, text)| (name.clone(), text.clone()))
            .collect(),
    );
    let mut replaced = Vec::new();
    for part in &active {
        if !part.replaces.is_empty() {
            replaced.push((part.name.as_str(), glob_set(&part.replaces)?));
        }
    }
    let mut by_path: BTreeMap<String, PlannedFile> = BTreeMap::new();
    // The stack's own files always render; its layers only in the scopes asked for.
    for part in active
        .iter()
        .filter(|p| p.is_stack || scopes.contains(&p.scope))
    {
        let origin = format!(
            "{} `{}`",
            if part.is_stack { "stack" } else { "layer" },
            part.name
        );
        let rules = ConditionalRules::evaluate(&part.conditionals, &renderer, context)?;
        let executable = glob_set(&part.executable)?;
        for file in &part.files {
            let (stem, rendered) = match file.path.strip_suffix(TEMPLATE_SUFFIX) {
                Some(stem) => (stem, true),
                None => (file.path.as_str(), false),
            };
            let path = render_path(&renderer, stem, context)?;
            if !rules.keeps(&path) {
                continue;
            }
            if replaced
                .iter()
                .any(|(by, set)| *by != part.name && set.is_match(&path))
            {
                continue;
            }
            let contents = if rendered {
                let text =
                    std::str::from_utf8(&file.contents).map_err(|_| TemplateError::Render {
                        file: file.path.clone(),
                        line: 0,
                        column: 0,
                        message: "a `.hbs` template must be UTF-8 text".into(),
                    })?;
                let name = format!("{}: {}", part.name, file.path);
                Cow::Owned(renderer.render_str(&name, text, context)?.into_bytes())
            } else {
                file.contents.clone()
            };
            let full = format!("{prefix}{path}");
            check_relative(&full).map_err(|reason| TemplateError::UnsafePath {
                path: full.clone(),
                reason: reason.into(),
            })?;
            let planned = PlannedFile {
                executable: executable.is_match(&path),
                path: full.clone(),
                contents,
                rendered,
                origin: origin.clone(),
            };
            if let Some(earlier) = by_path.get(&full) {
                return Err(TemplateError::Conflict {
                    path: full,
                    first: earlier.origin.clone(),
                    second: origin,
                });
            }
            by_path.insert(full, planned);
        }
    }
    Ok(by_path.into_values().collect())
}

struct ConditionalRules {
    /// Paths to leave out: an include whose condition is false drops its paths, an exclude
    /// whose condition is true drops its paths.
    drops: Vec<GlobSet>,
}

impl ConditionalRules {
    fn evaluate(
        conditionals: &[Conditional],
        renderer: &Renderer,
        context: &serde_json::Value,
    ) -> Result<Self, TemplateError> {
        let mut drops = Vec::new();
        for c in conditionals {
            let holds = renderer.condition(&c.when, context)?;
            if !holds && !c.include.is_empty() {
                drops.push(glob_set(&c.include)?);
            }
            if holds && !c.exclude.is_empty() {
                drops.push(glob_set(&c.exclude)?);
            }
        }
        Ok(ConditionalRules { drops })
    }

    fn keeps(&self, path: &str) -> bool {
        !self.drops.iter().any(|set| set.is_match(path))
    }
}

fn glob_set(patterns: &[String]) -> Result<GlobSet, TemplateError> {
    let mut builder = GlobSetBuilder::new();
    for p in patterns {
        let glob = Glob::new(p).map_err(|e| TemplateError::Manifest {
            path: "template.toml".into(),
            message: format!("bad glob `{p}`: {e}"),
        })?;
        builder.add(glob);
    }
    builder.build().map_err(|e| TemplateError::Manifest {
        path: "template.toml".into(),
        message: e.to_string(),
    })
}

/// Renders the placeholders in a path and refuses any result that could leave the target.
fn render_path(
    renderer: &Renderer,
    path: &str,
    context: &serde_json::Value,
) -> Result<String, TemplateError> {
    let rendered = if path.contains("{{") {
        renderer.render_str(path, path, context)?
    } else {
        path.to_string()
    };
    check_relative(&rendered).map_err(|reason| TemplateError::UnsafePath {
        path: if rendered == path {
            rendered.clone()
        } else {
            format!("{path} (rendered as {rendered})")
        },
        reason: reason.into(),
    })?;
    Ok(rendered)
}

/// A path is safe when it is relative, has only normal components and does not reach into
/// `.git`.
pub fn check_relative(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("the path is empty");
    }
    if path.starts_with('/') || path.contains('\\') || path.contains(':') {
        return Err("absolute or drive paths would write outside the target");
    }
    for part in path.split('/') {
        match part {
            "" => return Err("the path has an empty component"),
            "." | ".." => return Err("`.` and `..` would write outside the target"),
            ".git" => return Err("templates may not write into .git"),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, origin: &str) -> PlannedFile {
        PlannedFile {
            path: path.into(),
            contents: Cow::Borrowed(b""),
            executable: false,
            rendered: false,
            origin: origin.into(),
        }
    }

    #[test]
    fn a_path_written_by_two_instances_of_a_workspace_is_a_conflict_naming_both() {
        let mut plan = Plan::default();
        plan.extend(vec![
            file("Makefile", "layer `tasks`"),
            file("services/api/a.py", "stack `fastapi`"),
        ])
        .unwrap();
        plan.extend(vec![file("services/web/a.py", "stack `fastapi`")])
            .unwrap();
        let err = plan
            .extend(vec![file("Makefile", "stack `backoffice`")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("`Makefile`"), "{err}");
        assert!(
            err.contains("layer `tasks`") && err.contains("stack `backoffice`"),
            "{err}"
        );
        let paths: Vec<&str> = plan.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths.len(), 3, "{paths:?}");
    }

    #[test]
    fn escaping_paths_are_refused() {
        for bad in [
            "../x",
            "a/../../x",
            "/etc/passwd",
            "a//b",
            "./a",
            ".git/config",
            "c:\\x",
        ] {
            assert!(check_relative(bad).is_err(), "{bad}");
        }
        for good in ["a", "a/b.txt", ".github/workflows/ci.yml", "..hidden"] {
            assert!(check_relative(good).is_ok(), "{good}");
        }
    }
}
