//! Writing a plan into a directory that already exists, all or nothing.
//!
//! `init --force` and `add service` change a tree the user owns. Every new content is first
//! written into a staging folder beside the files it replaces (same file system, so the final
//! step is a rename); every check that can fail — a file where a folder is needed, a folder
//! where a file goes — runs before anything in the tree is touched; and the originals are moved
//! aside, so that an error in the middle puts back exactly what was there.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// One file to write, its path relative to the tree's root (`/`-separated).
pub struct Change<'a> {
    pub path: &'a str,
    pub contents: &'a [u8],
    pub executable: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("cannot write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is a file, but `{needed}` needs it to be a folder; nothing was written", path.display())]
    FileBlocksFolder { path: PathBuf, needed: String },
    #[error("{} is a folder, but the template writes a file there; nothing was written", .0.display())]
    FolderBlocksFile(PathBuf),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes one file, with the executable bit where asked.
pub fn write_file(path: &Path, contents: &[u8], executable: bool) -> Result<(), WriteError> {
    let mut f = fs::File::create(path).map_err(io(path))?;
    f.write_all(contents).map_err(io(path))?;
    #[cfg(unix)]
    if executable {
        use std::os::unix::fs::PermissionsExt as _;
        f.set_permissions(fs::Permissions::from_mode(0o755))
            .map_err(io(path))?;
    }
    #[cfg(not(unix))]
    let _ = executable;
    Ok(())
}

/// Checks that every change can land in `root`: each parent is a folder (or absent), each
/// target is a file (or absent). Reads only.
pub fn check(root: &Path, changes: &[Change]) -> Result<(), WriteError> {
    for change in changes {
        let mut dir = root.to_path_buf();
        let parts: Vec<&str> = change.path.split('/').collect();
        for part in &parts[..parts.len() - 1] {
            dir.push(part);
            match fs::symlink_metadata(&dir) {
                Ok(m) if m.is_dir() => {}
                Ok(_) => {
                    return Err(WriteError::FileBlocksFolder {
                        path: dir,
                        needed: change.path.to_string(),
                    });
                }
                Err(_) => break,
            }
        }
        let target = root.join(change.path);
        if fs::symlink_metadata(&target).is_ok_and(|m| m.is_dir()) {
            return Err(WriteError::FolderBlocksFile(target));
        }
    }
    Ok(())
}

/// What `apply` did, so it can be undone.
enum Step {
    /// A folder we created (removed on rollback, deepest first).
    Created(PathBuf),
    /// A file that did not exist (removed on rollback).
    Added(PathBuf),
    /// A file replaced; the original waits at `backup`.
    Replaced { path: PathBuf, backup: PathBuf },
}

/// Writes `changes` into the existing folder `root`, all or nothing. `staging` is an empty
/// folder on the same file system (inside `root` or beside it); it is removed afterwards.
pub fn apply(root: &Path, staging: &Path, changes: &[Change]) -> Result<(), WriteError> {
    check(root, changes)?;
    // Stage every new content first: a full disk fails here, before the tree changes.
    let new_dir = staging.join("new");
    let old_dir = staging.join("old");
    for dir in [&new_dir, &old_dir] {
        fs::create_dir_all(dir).map_err(io(dir))?;
    }
    for (i, change) in changes.iter().enumerate() {
        write_file(
            &new_dir.join(i.to_string()),
            change.contents,
            change.executable,
        )?;
    }
    let mut done = Vec::new();
    let result = move_all(root, &new_dir, &old_dir, changes, &mut done);
    if result.is_err() {
        rollback(done);
    }
    let _ = fs::remove_dir_all(staging);
    result
}

fn move_all(
    root: &Path,
    new_dir: &Path,
    old_dir: &Path,
    changes: &[Change],
    done: &mut Vec<Step>,
) -> Result<(), WriteError> {
    for (i, change) in changes.iter().enumerate() {
        let target = root.join(change.path);
        if let Some(parent) = target.parent() {
            create_dirs(parent, done)?;
        }
        if target.exists() {
            let backup = old_dir.join(i.to_string());
            fs::rename(&target, &backup).map_err(io(&target))?;
            done.push(Step::Replaced {
                path: target.clone(),
                backup,
            });
        } else {
            done.push(Step::Added(target.clone()));
        }
        fs::rename(new_dir.join(i.to_string()), &target).map_err(io(&target))?;
    }
    Ok(())
}

fn create_dirs(dir: &Path, done: &mut Vec<Step>) -> Result<(), WriteError> {
    if dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        create_dirs(parent, done)?;
    }
    fs::create_dir(dir).map_err(io(dir))?;
    done.push(Step::Created(dir.to_path_buf()));
    Ok(())
}

fn rollback(done: Vec<Step>) {
    for step in done.into_iter().rev() {
        match step {
            Step::Created(dir) => {
                let _ = fs::remove_dir(dir);
            }
            Step::Added(path) => {
                let _ = fs::remove_file(path);
            }
            Step::Replaced { path, backup } => {
                let _ = fs::remove_file(&path);
                let _ = fs::rename(backup, path);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change<'a>(path: &'a str, contents: &'a str) -> Change<'a> {
        Change {
            path,
            contents: contents.as_bytes(),
            executable: false,
        }
    }

    #[test]
    fn a_file_where_a_folder_is_needed_fails_before_anything_is_written() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("root");
        fs::create_dir(&root).unwrap();
        fs::write(root.join("scripts"), "a file").unwrap();
        let err = apply(
            &root,
            &tmp.path().join("staging"),
            &[change("a.txt", "a"), change("scripts/run.sh", "x")],
        )
        .unwrap_err();
        assert!(matches!(err, WriteError::FileBlocksFolder { .. }), "{err}");
        assert!(!root.join("a.txt").exists());
        assert_eq!(fs::read_to_string(root.join("scripts")).unwrap(), "a file");
    }

    #[test]
    fn files_are_replaced_and_folders_created() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("root");
        fs::create_dir(&root).unwrap();
        fs::write(root.join("keep.txt"), "mine").unwrap();
        fs::write(root.join("a.txt"), "old").unwrap();
        apply(
            &root,
            &tmp.path().join("staging"),
            &[change("a.txt", "new"), change("x/y/z.txt", "deep")],
        )
        .unwrap();
        assert_eq!(fs::read_to_string(root.join("a.txt")).unwrap(), "new");
        assert_eq!(fs::read_to_string(root.join("x/y/z.txt")).unwrap(), "deep");
        assert_eq!(fs::read_to_string(root.join("keep.txt")).unwrap(), "mine");
        assert!(!tmp.path().join("staging").exists());
    }

    #[test]
    fn a_failure_midway_puts_back_what_was_there() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("root");
        fs::create_dir(&root).unwrap();
        fs::write(root.join("a.txt"), "old").unwrap();
        let staging = tmp.path().join("staging");
        let new_dir = staging.join("new");
        let old_dir = staging.join("old");
        fs::create_dir_all(&new_dir).unwrap();
        fs::create_dir_all(&old_dir).unwrap();
        fs::write(new_dir.join("0"), "new").unwrap();
        // The second staged file is missing: its rename fails after the first one landed.
        let changes = [change("a.txt", "new"), change("d/b.txt", "b")];
        let mut done = Vec::new();
        assert!(move_all(&root, &new_dir, &old_dir, &changes, &mut done).is_err());
        rollback(done);
        assert_eq!(fs::read_to_string(root.join("a.txt")).unwrap(), "old");
        assert!(!root.join("d").exists());
    }
}
