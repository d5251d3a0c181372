//! Finding migrations on disk for `migrations lint`: folders are searched by convention
//! (see [`crate::migrations::kind`]), honouring `.gitignore`; files named explicitly are always
//! linted, their kind told by extension and contents.
//!
//! A Django migration named alone still gets its app's other migrations read as context, so
//! `AlterField` is judged against the model's history.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::migrations::MigrationsError;
use crate::migrations::engine::{LintOptions, SourceFile, is_migration_source, lint_sources};
use crate::migrations::finding::{LintReport, NotJudged};
use crate::migrations::kind::{MigrationKind, is_migration_path, migration_at};

/// The name findings use for SQL read from standard input.
pub const STDIN_PATH: &str = "<stdin>";

struct Loaded {
    display: String,
    kind: MigrationKind,
    text: String,
    context_only: bool,
}

/// Lints `paths` (files or folders) and, if given, SQL read from standard input.
pub fn lint_paths(
    paths: &[PathBuf],
    stdin: Option<&str>,
    opts: &LintOptions,
) -> Result<LintReport, MigrationsError> {
    let mut loaded: Vec<Loaded> = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut not_judged: Vec<NotJudged> = Vec::new();
    for path in paths {
        if !path.exists() {
            return Err(MigrationsError::Missing { path: path.clone() });
        }
        if path.is_dir() {
            walk_dir(path, &mut loaded, &mut seen, &mut not_judged)?;
        } else if let Some(what) = special_file(path) {
            // Reading a FIFO blocks until a writer comes, a device may never end: refuse them.
            return Err(MigrationsError::NotAFile {
                path: path.clone(),
                what,
            });
        } else {
            load_file(path, &mut loaded, &mut seen)?;
        }
    }
    let mut files: Vec<SourceFile<'_>> = loaded
        .iter()
        .map(|l| SourceFile {
            path: &l.display,
            kind: l.kind,
            text: &l.text,
            context_only: l.context_only,
        })
        .collect();
    if let Some(text) = stdin {
        files.push(SourceFile::new(STDIN_PATH, MigrationKind::Sql, text));
    }
    let files_checked = files.iter().filter(|f| !f.context_only).count();
    // A file named on the command line after its folder was walked is linted, not left out.
    not_judged.retain(|n| !seen.contains(&n.path));
    Ok(LintReport {
        findings: lint_sources(&files, opts),
        files_checked,
        not_judged,
    })
}

fn walk_dir(
    root: &Path,
    loaded: &mut Vec<Loaded>,
    seen: &mut BTreeSet<String>,
    not_judged: &mut Vec<NotJudged>,
) -> Result<(), MigrationsError> {
    let root_name = fs::canonicalize(root)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let walker = ::ignore::WalkBuilder::new(root)
        .hidden(true)
        .follow_links(false)
        .sort_by_file_path(|a, b| a.cmp(b))
        .build();
    for entry in walker {
        let entry = entry.map_err(|source| MigrationsError::Walk {
            path: root.to_path_buf(),
            source,
        })?;
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        let Ok(rel) = path.strip_prefix(root) else {
            continue;
        };
        let rel = slash(rel);
        // The folder's own name takes part in the convention (`lint db/migrations`), unless it
        // is one the convention skips (`lint tests/fixtures` still means what it says).
        let Some((kind, engine)) =
            migration_at(&rel).or_else(|| migration_at(&format!("{root_name}/{rel}")))
        else {
            continue;
        };
        let display = display_path(root, &rel);
        if let Some(engine) = engine {
            not_judged.push(NotJudged {
                path: display,
                engine,
            });
            continue;
        }
        if !seen.insert(display.clone()) {
            // Already read as a named file's context: now it is to be linted too.
            if let Some(existing) = loaded.iter_mut().find(|l| l.display == display) {
                existing.context_only = false;
            }
            continue;
        }
        let text = read(path)?;
        if !is_migration_source(kind, &text) {
            continue;
        }
        loaded.push(Loaded {
            display,
            kind,
            text,
            context_only: false,
        });
    }
    Ok(())
}

fn load_file(
    path: &Path,
    loaded: &mut Vec<Loaded>,
    seen: &mut BTreeSet<String>,
) -> Result<(), MigrationsError> {
    let display = slash(path);
    let text = read(path)?;
    let kind = match is_migration_path(&display) {
        Some(kind) => kind,
        None => kind_from_contents(path, &text).ok_or_else(|| MigrationsError::UnknownKind {
            path: path.to_path_buf(),
        })?,
    };
    if kind == MigrationKind::Django {
        add_django_context(path, &display, loaded, seen)?;
    }
    if let Some(existing) = loaded.iter_mut().find(|l| l.display == display) {
        existing.context_only = false;
        return Ok(());
    }
    seen.insert(display.clone());
    loaded.push(Loaded {
        display,
        kind,
        text,
        context_only: false,
    });
    Ok(())
}

/// The other migrations of a Django app, read so its history is known.
fn add_django_context(
    path: &Path,
    display: &str,
    loaded: &mut Vec<Loaded>,
    seen: &mut BTreeSet<String>,
) -> Result<(), MigrationsError> {
    let Some(dir) = path.parent() else {
        return Ok(());
    };
    let display_dir = display.rsplit_once('/').map_or("", |(d, _)| d);
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(());
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        // Only regular files: a named pipe among the migrations would block the read.
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| is_migration_path(&format!("migrations/{n}")) == Some(MigrationKind::Django))
        .collect();
    names.sort();
    for name in names {
        let sibling_display = if display_dir.is_empty() {
            name.clone()
        } else {
            format!("{display_dir}/{name}")
        };
        if sibling_display == display || !seen.insert(sibling_display.clone()) {
            continue;
        }
        loaded.push(Loaded {
            text: read(&dir.join(&name))?,
            display: sibling_display,
            kind: MigrationKind::Django,
            context_only: true,
        });
    }
    Ok(())
}

/// A file named explicitly whose path follows no convention: `.sql` is SQL; Python is Django
/// when it defines a `Migration` class, Alembic when it has `upgrade()`.
fn kind_from_contents(path: &Path, text: &str) -> Option<MigrationKind> {
    match path.extension()?.to_str()? {
        "sql" => Some(MigrationKind::Sql),
        "py" if text.contains("migrations.Migration") => Some(MigrationKind::Django),
        "py" if text.contains("def upgrade") => Some(MigrationKind::Alembic),
        _ => None,
    }
}

/// What `path` is when it is neither a regular file nor a folder (symbolic links followed).
fn special_file(path: &Path) -> Option<&'static str> {
    let meta = fs::metadata(path).ok()?;
    if meta.is_file() || meta.is_dir() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if t.is_socket() {
            return Some("a socket");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
    }
    Some("a special file")
}

fn read(path: &Path) -> Result<String, MigrationsError> {
    let bytes = fs::read(path).map_err(|source| MigrationsError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

fn slash(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// The path shown in findings: the folder as the user wrote it, then the file below it.
fn display_path(root: &Path, rel: &str) -> String {
    let root = slash(root);
    let root = root.trim_end_matches('/');
    if root.is_empty() || root == "." {
        rel.to_string()
    } else {
        format!("{root}/{rel}")
    }
}
