//! Where template files come from: the templates embedded in the binary at build time, or a
//! directory on disk (`init --template DIR`). Both yield the same [`Template`]: a validated
//! manifest plus the stack's files and, when the manifest asks, the shared process files.

use std::borrow::Cow;
use std::fs;
use std::path::Path;

use include_dir::{Dir, include_dir};

use super::TemplateError;
use super::manifest::{MANIFEST_FILE, Manifest};

/// The `template/` folder of this crate, compiled into the binary.
static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/template");

/// Folder (embedded, or beside an external template) with the files every stack shares.
pub const SHARED_DIR: &str = "_shared";

/// A template ready to render.
#[derive(Debug, Clone)]
pub struct Template {
    pub manifest: Manifest,
    /// Stack files first, then shared files, each sorted by path.
    pub files: Vec<SourceFile>,
    /// `embedded` or the directory it was read from.
    pub origin: String,
}

/// One file of a template, with its path relative to the template root (`/`-separated).
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: String,
    pub contents: Cow<'static, [u8]>,
    /// Whether it came from the shared process files rather than the stack.
    pub shared: bool,
}

/// The stacks embedded in this binary, with their one-line descriptions.
pub fn embedded_stacks() -> Vec<(String, String)> {
    let mut stacks: Vec<(String, String)> = EMBEDDED
        .dirs()
        .filter_map(|d| {
            let name = d.path().file_name()?.to_str()?.to_string();
            let text = d.get_file(d.path().join(MANIFEST_FILE))?.contents_utf8()?;
            let manifest = Manifest::parse(text, &name).ok()?;
            Some((name, manifest.template.description))
        })
        .collect();
    stacks.sort();
    stacks
}

impl Template {
    /// Loads an embedded stack such as `fastapi`.
    pub fn embedded(stack: &str) -> Result<Self, TemplateError> {
        let dir = EMBEDDED
            .get_dir(stack)
            .filter(|_| stack != SHARED_DIR && !stack.contains(['/', '\\']))
            .ok_or_else(|| TemplateError::UnknownStack {
                stack: stack.to_string(),
                known: embedded_stacks()
                    .into_iter()
                    .map(|(n, _)| n)
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
        let manifest_path = format!("{stack}/{MANIFEST_FILE}");
        let text = dir
            .get_file(dir.path().join(MANIFEST_FILE))
            .and_then(|f| f.contents_utf8())
            .ok_or_else(|| TemplateError::Manifest {
                path: manifest_path.clone(),
                message: "missing or not UTF-8".into(),
            })?;
        let manifest = Manifest::parse(text, &manifest_path)?;
        let mut files = Vec::new();
        collect_embedded(dir, dir.path(), false, &mut files);
        if manifest.template.shared
            && let Some(shared) = EMBEDDED.get_dir(SHARED_DIR)
        {
            collect_embedded(shared, shared.path(), true, &mut files);
        }
        Ok(Template {
            manifest,
            files: sorted(files),
            origin: "embedded".into(),
        })
    }

    /// Loads a template directory from disk. Its shared files, if the manifest asks for them,
    /// come from a `_shared` folder beside it, or else from the embedded ones.
    pub fn from_dir(root: &Path) -> Result<Self, TemplateError> {
        let manifest_path = root.join(MANIFEST_FILE);
        let text = fs::read_to_string(&manifest_path).map_err(|source| TemplateError::Read {
            path: manifest_path.clone(),
            source,
        })?;
        let manifest = Manifest::parse(&text, &manifest_path.display().to_string())?;
        let mut files = Vec::new();
        read_dir_files(root, root, false, &mut files)?;
        if manifest.template.shared {
            let beside = root.parent().map(|p| p.join(SHARED_DIR));
            match beside.filter(|p| p.is_dir()) {
                Some(shared) => read_dir_files(&shared, &shared, true, &mut files)?,
                None => {
                    if let Some(shared) = EMBEDDED.get_dir(SHARED_DIR) {
                        collect_embedded(shared, shared.path(), true, &mut files);
                    }
                }
            }
        }
        Ok(Template {
            manifest,
            files: sorted(files),
            origin: root.display().to_string(),
        })
    }
}

fn sorted(mut files: Vec<SourceFile>) -> Vec<SourceFile> {
    files.sort_by(|a, b| (a.shared, &a.path).cmp(&(b.shared, &b.path)));
    files
}

fn collect_embedded(dir: &Dir<'static>, root: &Path, shared: bool, out: &mut Vec<SourceFile>) {
    for file in dir.files() {
        let Ok(rel) = file.path().strip_prefix(root) else {
            continue;
        };
        if rel == Path::new(MANIFEST_FILE) {
            continue;
        }
        out.push(SourceFile {
            path: slash_path(rel),
            contents: Cow::Borrowed(file.contents()),
            shared,
        });
    }
    for sub in dir.dirs() {
        collect_embedded(sub, root, shared, out);
    }
}

/// Reads every file under `dir`, refusing symlinks: a template must not reach outside itself.
fn read_dir_files(
    root: &Path,
    dir: &Path,
    shared: bool,
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
            read_dir_files(root, &path, shared, out)?;
        } else if rel != Path::new(MANIFEST_FILE) {
            let contents = fs::read(&path).map_err(read_err(&path))?;
            out.push(SourceFile {
                path: slash_path(&rel),
                contents: Cow::Owned(contents),
                shared,
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
