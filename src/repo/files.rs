//! Listing and reading the repository's files: once each, in parallel, never following links.

use std::collections::HashSet;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;

use rayon::prelude::*;

use super::{File, GitFacts};

/// What became of a listed file.
#[derive(Debug)]
pub enum FileState {
    /// Read; lossily decoded if it was not UTF-8.
    Text(String),
    /// Deliberately not read.
    Skipped(SkipReason),
    /// Reading failed; checks that need it report `error`.
    Unreadable(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    Binary,
    TooLarge { size: u64, limit: u64 },
    Symlink,
    NotAFile,
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::Binary => f.write_str("binary"),
            SkipReason::TooLarge { size, limit } => {
                write!(f, "too large ({size} bytes, limit {limit})")
            }
            SkipReason::Symlink => f.write_str("symlink (not followed)"),
            SkipReason::NotAFile => f.write_str("not a regular file"),
        }
    }
}

/// `/`-separated text of a relative path.
pub(crate) fn slash(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Starts git with everything that could execute repository-controlled code switched off.
fn spawn_git(dir: &Path, args: &[&str]) -> Option<Child> {
    Command::new("git")
        .args([
            "-c",
            "core.fsmonitor=false",
            "-c",
            "core.hooksPath=/dev/null",
        ])
        .args(["-c", "core.untrackedCache=false"])
        .args(args)
        .current_dir(dir)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        // `:/` below is pathspec magic, which this variable would turn off.
        .env_remove("GIT_LITERAL_PATHSPECS")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()
}

/// What a started git printed, if it succeeded.
fn output(child: Option<Child>) -> Option<Vec<u8>> {
    let out = child?.wait_with_output().ok()?;
    out.status.success().then_some(out.stdout)
}

fn line(child: Option<Child>) -> Option<String> {
    output(child)
        .map(|o| String::from_utf8_lossy(&o).trim().to_string())
        .filter(|s| !s.is_empty())
}

/// What git knows of the work tree `path` is in, if it is in one: the top level, facts
/// about it, and every tracked file (repository-relative).
///
/// The four git commands run at once, all from `path`: each costs 2–4 ms, mostly start-up,
/// and one after another they took about 10 ms on a 4,700-file repository, a fifth of
/// ripgrep's whole search of it.
pub(crate) fn git_view(path: &Path) -> Option<(PathBuf, GitFacts, Vec<String>)> {
    // The longest first: it is read first, while the others finish.
    let tracked = spawn_git(
        path,
        &["ls-files", "-z", "--cached", "--full-name", "--", ":/"],
    );
    let top = spawn_git(path, &["rev-parse", "--show-toplevel"]);
    let head = spawn_git(path, &["rev-parse", "--verify", "--quiet", "HEAD"]);
    let origin = spawn_git(path, &["config", "--get", "remote.origin.url"]);
    let tracked = output(tracked);
    let top = line(top);
    let facts = GitFacts {
        work_tree: true,
        has_commit: line(head).is_some(),
        origin: line(origin),
    };
    let top = PathBuf::from(top?).canonicalize().ok()?;
    let tracked = tracked
        .map(|out| {
            out.split(|&b| b == 0)
                .filter(|p| !p.is_empty())
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .collect()
        })
        .unwrap_or_default();
    Some((top, facts, tracked))
}

/// Whether a path outside PATH is still read: the repository-level files the spec keeps at
/// the git root (`.github/`, CODEOWNERS, ignore and hook configs, root-level files and docs).
fn is_repo_level(path: &str) -> bool {
    !path.contains('/')
        || path.starts_with(".github/")
        || path.starts_with(".husky/")
        || (path.starts_with("docs/") && path.matches('/').count() == 1)
}

/// Lists the files to index, repository-relative: those git tracks in a work tree, else a
/// walk of `path`.
pub(crate) fn list(path: &Path, prefix: &str, tracked: Option<Vec<String>>) -> Vec<String> {
    let mut listed = tracked.unwrap_or_else(|| walk(path));
    listed.retain(|p| p.starts_with(prefix) || is_repo_level(p));
    listed.sort();
    listed.dedup();
    listed
}

/// Walks a directory that is not a git work tree, honouring `.gitignore` files anyway.
fn walk(root: &Path) -> Vec<String> {
    let found = Mutex::new(Vec::new());
    ignore::WalkBuilder::new(root)
        .hidden(false)
        .follow_links(false)
        .git_ignore(true)
        .git_exclude(false)
        .git_global(false)
        .require_git(false)
        .parents(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build_parallel()
        .run(|| {
            Box::new(|entry| {
                if let Ok(entry) = entry
                    && entry.file_type().is_some_and(|t| !t.is_dir())
                    && let Ok(rel) = entry.path().strip_prefix(root)
                    && let Ok(mut found) = found.lock()
                {
                    found.push(slash(rel));
                }
                ignore::WalkState::Continue
            })
        });
    found.into_inner().unwrap_or_default()
}

/// Reads every listed file once, in parallel.
pub(crate) fn read_all(root: &Path, prefix: &str, listed: Vec<String>, limit: u64) -> Vec<File> {
    // A tracked path under a directory that is now a symlink would lead outside the
    // repository. Every directory on the way to a listed file is looked at once (`lstat`), and
    // only a symlink is resolved: resolving every directory (`realpath`) cost one `readlink`
    // per component, 2,165 system calls on outline.
    let mut dirs: HashSet<&str> = HashSet::new();
    for p in &listed {
        let mut at = p.as_str();
        while let Some((parent, _)) = at.rsplit_once('/') {
            if !dirs.insert(parent) {
                break; // its ancestors are in already
            }
            at = parent;
        }
    }
    let escaping: HashSet<String> = dirs
        .into_par_iter()
        .filter(|d| {
            let dir = root.join(d);
            std::fs::symlink_metadata(&dir).is_ok_and(|m| m.file_type().is_symlink())
                && dir.canonicalize().is_ok_and(|real| !real.starts_with(root))
        })
        .map(String::from)
        .collect();
    let escapes = |path: &str| {
        !escaping.is_empty() && {
            let mut at = path;
            std::iter::from_fn(|| {
                let (parent, _) = at.rsplit_once('/')?;
                at = parent;
                Some(parent)
            })
            .any(|d| escaping.contains(d))
        }
    };
    let states = read_states(root, &listed, limit, &escapes);
    listed
        .into_par_iter()
        .zip(states)
        .map(|(path, state)| File::new(path, prefix, state))
        .collect()
}

/// How many files of one directory one task reads through one directory handle.
#[cfg(unix)]
const DIR_CHUNK: usize = 32;

/// Reads the listed files, answering in their order.
///
/// Each file is opened relative to a handle on its directory, not by its path from the root:
/// the kernel then looks up one name, not every directory on the way, and the open itself
/// refuses a symlink (`O_NOFOLLOW`) and tells the file's type and size (`fstat`), where a
/// separate `lstat` walked the whole path a second time. `O_NONBLOCK` keeps a FIFO from
/// blocking the open; it is never read. Files are grouped by directory, at most
/// [`DIR_CHUNK`] to a task, so the tasks stay balanced and few handles are open at once.
#[cfg(unix)]
fn read_states(
    root: &Path,
    listed: &[String],
    limit: u64,
    escapes: &(dyn Fn(&str) -> bool + Sync),
) -> Vec<FileState> {
    use rustix::fs::{Mode, OFlags};

    let mut order: Vec<usize> = (0..listed.len()).collect();
    order.sort_by_key(|&i| split(&listed[i]).0);
    let chunks: Vec<&[usize]> = order
        .chunk_by(|&a, &b| split(&listed[a]).0 == split(&listed[b]).0)
        .flat_map(|same_dir| same_dir.chunks(DIR_CHUNK))
        .collect();
    let mut read: Vec<(usize, FileState)> = chunks
        .into_par_iter()
        .flat_map_iter(|chunk| {
            let dir = split(&listed[chunk[0]]).0;
            let handle = rustix::fs::open(
                root.join(dir),
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
                Mode::empty(),
            )
            .ok();
            chunk
                .iter()
                .map(|&i| {
                    let path = &listed[i];
                    let state = if escapes(path) {
                        FileState::Skipped(SkipReason::Symlink)
                    } else {
                        match &handle {
                            Some(dir) => read_at(dir, split(path).1, &root.join(path), limit),
                            None => read_one(&root.join(path), limit),
                        }
                    };
                    (i, state)
                })
                .collect::<Vec<_>>()
        })
        .collect();
    read.sort_unstable_by_key(|(i, _)| *i);
    read.into_iter().map(|(_, state)| state).collect()
}

#[cfg(not(unix))]
fn read_states(
    root: &Path,
    listed: &[String],
    limit: u64,
    escapes: &(dyn Fn(&str) -> bool + Sync),
) -> Vec<FileState> {
    listed
        .par_iter()
        .map(|path| {
            if escapes(path) {
                FileState::Skipped(SkipReason::Symlink)
            } else {
                read_one(&root.join(path), limit)
            }
        })
        .collect()
}

/// A `/`-separated path's directory and name; a root-level file's directory is `""`.
#[cfg(unix)]
fn split(path: &str) -> (&str, &str) {
    path.rsplit_once('/').unwrap_or(("", path))
}

/// Reads `name` in the directory `dir` is a handle on. A failed open (a symlink, a missing
/// permission) is answered by [`read_one`] from the whole `path`, which says which it was.
#[cfg(unix)]
fn read_at(dir: &rustix::fd::OwnedFd, name: &str, path: &Path, limit: u64) -> FileState {
    use rustix::fs::{Mode, OFlags};

    let flags =
        OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOCTTY;
    let file = match rustix::fs::openat(dir, name, flags, Mode::empty()) {
        Ok(fd) => std::fs::File::from(fd),
        // Tracked but deleted in the work tree: nothing to read, nothing to report.
        Err(rustix::io::Errno::NOENT) => return FileState::Skipped(SkipReason::NotAFile),
        Err(_) => return read_one(path, limit),
    };
    match file.metadata() {
        Ok(meta) => match skip_reason(&meta, limit) {
            Some(skip) => FileState::Skipped(skip),
            None => read_contents(file, meta.len() as usize),
        },
        Err(e) => FileState::Unreadable(e.to_string()),
    }
}

/// How much of a file is inspected for NUL bytes to call it binary (as git and ripgrep do).
const BINARY_PROBE: usize = 8 * 1024;

fn read_one(path: &Path, limit: u64) -> FileState {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        // Tracked but deleted in the work tree: nothing to read, nothing to report.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return FileState::Skipped(SkipReason::NotAFile);
        }
        Err(e) => return FileState::Unreadable(e.to_string()),
    };
    if let Some(skip) = skip_reason(&meta, limit) {
        return FileState::Skipped(skip);
    }
    match std::fs::File::open(path) {
        Ok(file) => read_contents(file, meta.len() as usize),
        Err(e) => FileState::Unreadable(e.to_string()),
    }
}

/// Why a file with this metadata (not followed through a symlink) is not read, if it is not.
fn skip_reason(meta: &std::fs::Metadata, limit: u64) -> Option<SkipReason> {
    if meta.file_type().is_symlink() {
        Some(SkipReason::Symlink)
    } else if !meta.is_file() {
        Some(SkipReason::NotAFile)
    } else if meta.len() > limit {
        Some(SkipReason::TooLarge {
            size: meta.len(),
            limit,
        })
    } else {
        None
    }
}

/// Reads an open file of `size` bytes: its text, or why it is skipped.
///
/// The probe is read first, so that a binary file (fonts, images, archives: a third of the
/// bytes of a typical web application's tree) costs one small read, not all of it. Reads stop
/// at the size the file system gave rather than asking for end of file: a file under the
/// probe's size takes one `read`, not three (on outline 3,382 `read` calls instead of 8,374).
/// A file that grows meanwhile is read as it was, within the limit its size was checked
/// against.
fn read_contents(mut file: std::fs::File, size: usize) -> FileState {
    let mut bytes = Vec::with_capacity(size);
    let probe = size.min(BINARY_PROBE);
    let read = (&mut file)
        .take(probe as u64)
        .read_to_end(&mut bytes)
        .and_then(|_| {
            if bytes.contains(&0) {
                return Ok(false);
            }
            file.take((size - bytes.len()) as u64)
                .read_to_end(&mut bytes)
                .map(|_| true)
        });
    match read {
        Err(e) => return FileState::Unreadable(e.to_string()),
        Ok(false) => return FileState::Skipped(SkipReason::Binary),
        Ok(true) => {}
    }
    match String::from_utf8(bytes) {
        Ok(text) => FileState::Text(text),
        Err(e) => FileState::Text(String::from_utf8_lossy(e.as_bytes()).into_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state_of(bytes: &[u8], limit: u64) -> FileState {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("f");
        std::fs::write(&path, bytes).expect("write");
        read_one(&path, limit)
    }

    #[test]
    fn a_nul_in_the_probe_makes_a_file_binary_and_one_after_it_does_not() {
        let mut early = vec![b'a'; 3 * BINARY_PROBE];
        early[BINARY_PROBE - 1] = 0;
        assert!(matches!(
            state_of(&early, 1 << 20),
            FileState::Skipped(SkipReason::Binary)
        ));

        let mut late = vec![b'a'; 3 * BINARY_PROBE];
        late[BINARY_PROBE] = 0;
        match state_of(&late, 1 << 20) {
            FileState::Text(text) => {
                assert_eq!(
                    text.len(),
                    late.len(),
                    "the whole file is read, not the probe"
                );
                assert_eq!(text.as_bytes()[BINARY_PROBE], 0);
            }
            other => panic!("expected text, got {other:?}"),
        }
    }

    /// Every kind of entry a listing may name, read through directory handles: each gets its
    /// own answer, in the listing's order, whichever directory it is in.
    #[cfg(unix)]
    #[test]
    fn read_all_answers_each_listed_path_in_order() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().canonicalize().expect("canonical");
        std::fs::create_dir_all(root.join("a/b")).expect("dirs");
        std::fs::write(root.join("a/one.txt"), "one").expect("write");
        std::fs::write(root.join("a/b/two.txt"), "two").expect("write");
        std::fs::write(root.join("z.txt"), "zed").expect("write");
        std::fs::write(root.join("a/blob.bin"), b"\0\x01").expect("write");
        std::os::unix::fs::symlink(root.join("z.txt"), root.join("a/link.txt")).expect("link");
        let fifo = std::process::Command::new("mkfifo")
            .arg(root.join("a/pipe"))
            .status()
            .expect("mkfifo");
        assert!(fifo.success());
        let listed: Vec<String> = [
            "a/b/two.txt",
            "a/blob.bin",
            "a/gone.txt",
            "a/link.txt",
            "a/one.txt",
            "a/pipe",
            "z.txt",
        ]
        .map(String::from)
        .to_vec();
        let files = read_all(&root, "", listed.clone(), 1 << 20);
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, listed);
        let text = |i: usize| match &files[i].state {
            FileState::Text(t) => t.as_str(),
            other => panic!("{}: expected text, got {other:?}", files[i].path),
        };
        let skipped = |i: usize| match &files[i].state {
            FileState::Skipped(reason) => reason.clone(),
            other => panic!("{}: expected a skip, got {other:?}", files[i].path),
        };
        assert_eq!(text(0), "two");
        assert_eq!(skipped(1), SkipReason::Binary);
        assert_eq!(skipped(2), SkipReason::NotAFile, "listed but deleted");
        assert_eq!(skipped(3), SkipReason::Symlink);
        assert_eq!(text(4), "one");
        assert_eq!(
            skipped(5),
            SkipReason::NotAFile,
            "a FIFO is opened, never read"
        );
        assert_eq!(text(6), "zed");
    }

    #[test]
    fn short_files_and_invalid_utf8_are_read_whole() {
        match state_of(b"x = 1\n", 1 << 20) {
            FileState::Text(text) => assert_eq!(text, "x = 1\n"),
            other => panic!("expected text, got {other:?}"),
        }
        match state_of(b"caf\xe9 ok\n", 1 << 20) {
            FileState::Text(text) => assert_eq!(text, "caf\u{fffd} ok\n"),
            other => panic!("expected text, got {other:?}"),
        }
        assert!(matches!(
            state_of(&[b'a'; 100], 50),
            FileState::Skipped(SkipReason::TooLarge {
                size: 100,
                limit: 50
            })
        ));
    }
}
