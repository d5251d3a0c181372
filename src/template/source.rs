//! Where template files come from, and how a stack and its layers become one [`Template`].
//!
//! The embedded `template/` folder holds `stacks/NAME/` (a `template.toml` and the stack's
//! files) and `layers/NAME/` (a `layer.toml` and the layer's files). A template directory on
//! disk (`init --template DIR`) is a stack folder; the layers it names are read from a
//! `layers/` folder beside it or one level up (`DIR/../layers`, `DIR/../../layers`), else from
//! the embedded ones. Files under a part's `_slots/` folder are not output: `_slots/NAME.hbs`
//! fills the slot `NAME` (a Handlebars partial `{{> NAME}}`) in the files of every part.
//!
//! Loading checks the whole composition before any answer is asked: every layer exists, every
//! requirement is provided, every slot a layer uses is filled, no slot is filled that no layer
//! uses, no placeholder is declared twice.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use indexmap::IndexMap;

use super::TemplateError;
use super::manifest::{
    Conditional, LAYER_FILE, LayerManifest, MANIFEST_FILE, Manifest, NAME_PLACEHOLDER, Placeholder,
    Scope,
};

/// The `template/` folder of this crate, compiled into the binary.
static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/template");

/// Folder of the embedded stacks.
pub const STACKS_DIR: &str = "stacks";
/// Folder of the layers, embedded or beside a template directory.
pub const LAYERS_DIR: &str = "layers";
/// Folder inside a stack or layer whose `NAME.hbs` files fill slots instead of being written.
pub const SLOTS_DIR: &str = "_slots";
/// Folder inside a stack or layer whose files are inserted verbatim by `{{include "NAME"}}`:
/// large generated text (a lockfile's packages) that Handlebars need not parse.
pub const RAW_DIR: &str = "_raw";

/// A stack with its layers, loaded and checked, ready to render.
#[derive(Debug, Clone)]
pub struct Template {
    pub manifest: Manifest,
    /// The stack first, then its layers in the order the stack lists them.
    pub parts: Vec<Part>,
    /// Every placeholder of every part, in the order they are asked: the layers' (common
    /// questions such as `project_name` live in the first layer) before the stack's own.
    pub placeholders: IndexMap<String, Placeholder>,
    /// `embedded` or the directory it was read from.
    pub origin: String,
}

/// A stack or a layer: a set of files with its own conditions.
#[derive(Debug, Clone)]
pub struct Part {
    pub name: String,
    pub is_stack: bool,
    /// Handlebars condition for the whole part (layers only).
    pub when: Option<String>,
    pub scope: Scope,
    pub requires: Vec<String>,
    pub provides: Vec<String>,
    /// Slots this part's files use: required ones, then optional ones.
    pub slots: Vec<String>,
    pub optional_slots: Vec<String>,
    pub replaces: Vec<String>,
    pub executable: Vec<String>,
    pub placeholders: IndexMap<String, Placeholder>,
    pub conditionals: Vec<Conditional>,
    pub files: Vec<SourceFile>,
    /// Slot contributions: `(slot, Handlebars text)`.
    pub fills: Vec<(String, String)>,
    /// Text for `{{include "NAME"}}`, inserted as it is.
    pub raw: Vec<(String, Cow<'static, str>)>,
}

/// One file of a template part, with its path relative to the part's root (`/`-separated).
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: String,
    pub contents: Cow<'static, [u8]>,
}

/// One embedded stack as `stacks` lists it: its description, or why it cannot be loaded.
pub type StackListing = (String, Result<String, TemplateError>);

/// The stacks embedded in this binary, each with its description or its load error: a broken
/// manifest is reported, never silently left out of the list.
pub fn embedded_stacks() -> Vec<StackListing> {
    let Some(stacks) = EMBEDDED.get_dir(STACKS_DIR) else {
        return Vec::new();
    };
    let mut listed: Vec<StackListing> = stacks
        .dirs()
        .filter_map(|d| d.path().file_name()?.to_str().map(str::to_string))
        .map(|name| {
            let loaded = Template::embedded(&name).map(|t| t.manifest.template.description);
            (name, loaded)
        })
        .collect();
    listed.sort_by(|a, b| a.0.cmp(&b.0));
    listed
}

/// Names of the embedded stacks, for error messages.
fn embedded_stack_names() -> String {
    EMBEDDED
        .get_dir(STACKS_DIR)
        .map(|stacks| {
            let mut names: Vec<String> = stacks
                .dirs()
                .filter_map(|d| d.path().file_name()?.to_str().map(str::to_string))
                .collect();
            names.sort();
            names.join(", ")
        })
        .unwrap_or_default()
}

/// Where layers are looked up.
enum LayerSource {
    Embedded,
    /// A `layers/` folder on disk, falling back to the embedded layers.
    Dir(PathBuf),
}

impl Template {
    /// Loads an embedded stack such as `fastapi` with its layers.
    pub fn embedded(stack: &str) -> Result<Self, TemplateError> {
        let unknown = || TemplateError::UnknownStack {
            stack: stack.to_string(),
            known: embedded_stack_names(),
        };
        if stack.is_empty() || stack.contains(['/', '\\', '.']) {
            return Err(unknown());
        }
        if EMBEDDED.get_dir(format!("{STACKS_DIR}/{stack}")).is_none() {
            return Err(unknown());
        }
        Self::embedded_at(&format!("{STACKS_DIR}/{stack}"))
    }

    /// Loads the embedded template in the folder `path` of `template/` (a stack or a layout).
    pub fn embedded_at(path: &str) -> Result<Self, TemplateError> {
        let manifest_path = format!("{path}/{MANIFEST_FILE}");
        let dir = EMBEDDED
            .get_dir(path)
            .ok_or_else(|| TemplateError::Manifest {
                path: manifest_path.clone(),
                message: "no such embedded template".into(),
            })?;
        let text = dir
            .get_file(dir.path().join(MANIFEST_FILE))
            .and_then(|f| f.contents_utf8())
            .ok_or_else(|| TemplateError::Manifest {
                path: manifest_path.clone(),
                message: "missing or not UTF-8".into(),
            })?;
        let manifest = Manifest::parse(text, &manifest_path)?;
        let mut files = Vec::new();
        collect_embedded(dir, dir.path(), &[MANIFEST_FILE], &mut files);
        Self::assemble(manifest, files, &LayerSource::Embedded, "embedded".into())
    }

    /// Loads a stack directory from disk, with its layers (see the module docs for where).
    pub fn from_dir(root: &Path) -> Result<Self, TemplateError> {
        let manifest_path = root.join(MANIFEST_FILE);
        let text = fs::read_to_string(&manifest_path).map_err(|source| TemplateError::Read {
            path: manifest_path.clone(),
            source,
        })?;
        let manifest = Manifest::parse(&text, &manifest_path.display().to_string())?;
        let mut files = Vec::new();
        read_dir_files(root, root, &[MANIFEST_FILE], &mut files)?;
        let layers = [root.parent(), root.parent().and_then(Path::parent)]
            .into_iter()
            .flatten()
            .map(|p| p.join(LAYERS_DIR))
            .find(|p| p.is_dir());
        let source = layers.map_or(LayerSource::Embedded, LayerSource::Dir);
        Self::assemble(manifest, files, &source, root.display().to_string())
    }

    fn assemble(
        manifest: Manifest,
        files: Vec<SourceFile>,
        layers: &LayerSource,
        origin: String,
    ) -> Result<Self, TemplateError> {
        let stack_origin = format!("{} ({MANIFEST_FILE})", manifest.template.name);
        let (files, fills, raw) = split_slots(files, &stack_origin)?;
        let meta = &manifest.template;
        let mut parts = vec![Part {
            name: meta.name.clone(),
            is_stack: true,
            when: None,
            scope: Scope::Service,
            requires: meta.requires.clone(),
            provides: meta.provides.clone(),
            slots: Vec::new(),
            optional_slots: Vec::new(),
            replaces: meta.replaces.clone(),
            executable: meta.executable.clone(),
            placeholders: manifest.placeholders.clone(),
            conditionals: manifest.conditionals.clone(),
            files,
            fills,
            raw,
        }];
        let mut seen = BTreeSet::new();
        for name in &meta.layers {
            if !seen.insert(name.as_str()) {
                return Err(TemplateError::Manifest {
                    path: stack_origin.clone(),
                    message: format!("layer `{name}` is listed twice"),
                });
            }
            parts.push(load_layer(name, layers)?);
        }
        let placeholders = collect_placeholders(&manifest, &parts)?;
        let template = Template {
            manifest,
            parts,
            placeholders,
            origin,
        };
        template.check_composition()?;
        Ok(template)
    }

    /// Requirements provided, slots filled and used, `project_name` asked.
    fn check_composition(&self) -> Result<(), TemplateError> {
        let stack = &self.manifest.template.name;
        let err = |message: String| TemplateError::Composition {
            stack: stack.clone(),
            message,
        };
        let provided: BTreeSet<&str> = self
            .parts
            .iter()
            .flat_map(|p| p.provides.iter().map(String::as_str))
            .collect();
        for part in &self.parts {
            for need in &part.requires {
                if !provided.contains(need.as_str()) {
                    return Err(err(format!(
                        "{} `{}` requires `{need}`, which neither the stack nor a layer provides (provided: {})",
                        part.kind(),
                        part.name,
                        provided.iter().copied().collect::<Vec<_>>().join(", ")
                    )));
                }
            }
        }
        let declared: BTreeSet<&str> = self
            .parts
            .iter()
            .flat_map(|p| p.slots.iter().chain(&p.optional_slots).map(String::as_str))
            .collect();
        let filled: BTreeSet<&str> = self
            .parts
            .iter()
            .flat_map(|p| p.fills.iter().map(|(s, _)| s.as_str()))
            .collect();
        for part in &self.parts {
            for slot in &part.slots {
                if !filled.contains(slot.as_str()) {
                    return Err(err(format!(
                        "layer `{}` has the slot `{slot}`, but no part fills it ({SLOTS_DIR}/{slot}.hbs)",
                        part.name
                    )));
                }
            }
            // A layer may fill slots of layers this template does not use (the kubernetes
            // layer adds a README section where there is a README); a stack's fill must land.
            for (slot, _) in part.fills.iter().filter(|_| part.is_stack) {
                if !declared.contains(slot.as_str()) {
                    return Err(err(format!(
                        "{} `{}` fills the slot `{slot}`, which no layer of this template has",
                        part.kind(),
                        part.name
                    )));
                }
            }
        }
        if !self.placeholders.contains_key(NAME_PLACEHOLDER) {
            return Err(err(format!(
                "every template asks `{NAME_PLACEHOLDER}` (in the stack or a layer)"
            )));
        }
        Ok(())
    }

    /// The names of the layers, for `--dry-run` and the record.
    pub fn layer_names(&self) -> impl Iterator<Item = &str> {
        self.parts
            .iter()
            .filter(|p| !p.is_stack)
            .map(|p| p.name.as_str())
    }
}

impl Part {
    fn kind(&self) -> &'static str {
        if self.is_stack { "stack" } else { "layer" }
    }
}

/// Layers' placeholders in layer order, then the stack's; a name declared twice is an error.
fn collect_placeholders(
    manifest: &Manifest,
    parts: &[Part],
) -> Result<IndexMap<String, Placeholder>, TemplateError> {
    let mut all: IndexMap<String, Placeholder> = IndexMap::new();
    let mut owner: IndexMap<String, String> = IndexMap::new();
    let ordered = parts
        .iter()
        .filter(|p| !p.is_stack)
        .chain(parts.iter().filter(|p| p.is_stack));
    for part in ordered {
        let who = format!("{} `{}`", part.kind(), part.name);
        for (name, p) in &part.placeholders {
            if let Some(first) = owner.get(name) {
                return Err(TemplateError::Composition {
                    stack: manifest.template.name.clone(),
                    message: format!(
                        "placeholder `{name}` is declared by {first} and again by {who}; common questions are declared once"
                    ),
                });
            }
            owner.insert(name.clone(), who.clone());
            all.insert(name.clone(), p.clone());
        }
    }
    Ok(all)
}

fn load_layer(name: &str, source: &LayerSource) -> Result<Part, TemplateError> {
    if name.is_empty() || name.contains(['/', '\\', '.']) {
        return Err(TemplateError::Manifest {
            path: format!("{LAYERS_DIR}/{name}"),
            message: format!("`{name}` is not a layer name"),
        });
    }
    let from_disk = match source {
        LayerSource::Dir(dir) if dir.join(name).join(LAYER_FILE).is_file() => Some(dir.join(name)),
        _ => None,
    };
    let (manifest, files, origin) = match from_disk {
        Some(dir) => {
            let path = dir.join(LAYER_FILE);
            let origin = path.display().to_string();
            let text = fs::read_to_string(&path).map_err(|source| TemplateError::Read {
                path: path.clone(),
                source,
            })?;
            let manifest = LayerManifest::parse(&text, &origin)?;
            let mut files = Vec::new();
            read_dir_files(&dir, &dir, &[LAYER_FILE], &mut files)?;
            (manifest, files, origin)
        }
        None => {
            let origin = format!("{LAYERS_DIR}/{name}/{LAYER_FILE}");
            let dir = EMBEDDED
                .get_dir(format!("{LAYERS_DIR}/{name}"))
                .ok_or_else(|| TemplateError::Manifest {
                    path: origin.clone(),
                    message: format!("no layer `{name}` (a stack lists it in `layers`)"),
                })?;
            let text = dir
                .get_file(dir.path().join(LAYER_FILE))
                .and_then(|f| f.contents_utf8())
                .ok_or_else(|| TemplateError::Manifest {
                    path: origin.clone(),
                    message: "missing or not UTF-8".into(),
                })?;
            let manifest = LayerManifest::parse(text, &origin)?;
            let mut files = Vec::new();
            collect_embedded(dir, dir.path(), &[LAYER_FILE], &mut files);
            (manifest, files, origin)
        }
    };
    if manifest.layer.name != name {
        return Err(TemplateError::Manifest {
            path: origin,
            message: format!(
                "the layer in folder `{name}` calls itself `{}`",
                manifest.layer.name
            ),
        });
    }
    let (files, fills, raw) = split_slots(files, &origin)?;
    let meta = manifest.layer;
    Ok(Part {
        name: meta.name,
        is_stack: false,
        when: meta.when,
        scope: meta.scope,
        requires: meta.requires,
        provides: meta.provides,
        slots: meta.slots,
        optional_slots: meta.optional_slots,
        replaces: meta.replaces,
        executable: meta.executable,
        placeholders: manifest.placeholders,
        conditionals: manifest.conditionals,
        files,
        fills,
        raw,
    })
}

/// Files to write, slot contributions `(slot, text)` and raw texts `(name, text)`.
type Split = (
    Vec<SourceFile>,
    Vec<(String, String)>,
    Vec<(String, Cow<'static, str>)>,
);

/// Separates `_slots/NAME.hbs` contributions from the files to write.
fn split_slots(files: Vec<SourceFile>, origin: &str) -> Result<Split, TemplateError> {
    let mut out = Vec::new();
    let mut fills = Vec::new();
    let mut raw = Vec::new();
    for file in files {
        if let Some(name) = file.path.strip_prefix(&format!("{RAW_DIR}/")) {
            let name = name.to_string();
            let text = match file.contents {
                Cow::Borrowed(b) => std::str::from_utf8(b).map(Cow::Borrowed).ok(),
                Cow::Owned(b) => String::from_utf8(b).map(Cow::Owned).ok(),
            }
            .ok_or_else(|| TemplateError::Manifest {
                path: format!("{origin}: {RAW_DIR}/{name}"),
                message: "an included file must be UTF-8 text".into(),
            })?;
            raw.push((name, text));
            continue;
        }
        let Some(rest) = file.path.strip_prefix(&format!("{SLOTS_DIR}/")) else {
            out.push(file);
            continue;
        };
        let bad = |message: String| TemplateError::Manifest {
            path: format!("{origin}: {SLOTS_DIR}/{rest}"),
            message,
        };
        let slot = rest
            .strip_suffix(".hbs")
            .filter(|s| super::manifest::is_identifier(s))
            .ok_or_else(|| bad("a slot file is named NAME.hbs, NAME an identifier".into()))?;
        let text = String::from_utf8(file.contents.into_owned())
            .map_err(|_| bad("a slot file must be UTF-8 text".into()))?;
        fills.push((slot.to_string(), text));
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((out, fills, raw))
}

fn collect_embedded(dir: &Dir<'static>, root: &Path, skip: &[&str], out: &mut Vec<SourceFile>) {
    for file in dir.files() {
        let Ok(rel) = file.path().strip_prefix(root) else {
            continue;
        };
        if skip.iter().any(|s| rel == Path::new(s)) {
            continue;
        }
        out.push(SourceFile {
            path: slash_path(rel),
            contents: Cow::Borrowed(file.contents()),
        });
    }
    for sub in dir.dirs() {
        collect_embedded(sub, root, skip, out);
    }
}

/// Reads every file under `dir`, refusing symlinks: a template must not reach outside itself.
fn read_dir_files(
    root: &Path,
    dir: &Path,
    skip: &[&str],
    out: &mut Vec<SourceFile>,
) -> Result<(), TemplateError> {
    let read_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| TemplateError::Read { path, source }
    };
    for entry in fs::read_dir(dir).map_err(read_err(dir))? {
        let entry = entry.map_err(read_err(dir))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(read_err(&path))?;
        let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        if kind.is_symlink() {
            return Err(TemplateError::UnsafePath {
                path: slash_path(&rel),
                reason: "symlinks are not followed in templates".into(),
            });
        }
        if kind.is_dir() {
            // A template kept in git carries its own .git; it is not part of the output.
            if rel == Path::new(".git") {
                continue;
            }
            read_dir_files(root, &path, skip, out)?;
        } else if !skip.iter().any(|s| rel == Path::new(s)) {
            let contents = fs::read(&path).map_err(read_err(&path))?;
            out.push(SourceFile {
                path: slash_path(&rel),
                contents: Cow::Owned(contents),
            });
        }
    }
    Ok(())
}

fn slash_path(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
