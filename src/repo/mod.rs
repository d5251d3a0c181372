//! The repository view every audit check reads through.
//!
//! It is built once per audit: the file list comes from git (tracked files only) when the path
//! is in a work tree, otherwise from a walk that honours `.gitignore`; every text file under the
//! size bound is then read exactly once, in parallel, and kept in memory. Checks never touch the
//! disk themselves, so no file is read twice and no check re-walks the tree. Parsed views
//! (workflows, the detected stack) are computed lazily, once, on first use.
//!
//! Safety: symlinks are never followed (they are listed as skipped), binary and oversized files
//! are skipped and reported, non-UTF-8 text is decoded lossily, and git runs with repository
//! hooks and fsmonitor disabled so auditing a repository never executes code from it.

pub mod database;
mod files;
pub mod paths;
pub mod stack;
pub mod workflow;
pub mod workspace;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use globset::{Glob, GlobMatcher};

pub use database::{Database, Engine};
pub use files::{FileState, SkipReason};
pub use stack::Stack;
pub use workflow::Workflow;

/// Files above this size are not read (reported as skipped), unless configured otherwise.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 2 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    #[error("{}: no such directory", .0.display())]
    NotADirectory(PathBuf),
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Options for building the view.
#[derive(Debug, Clone)]
pub struct RepoOptions {
    pub max_file_size: u64,
}

impl Default for RepoOptions {
    fn default() -> Self {
        RepoOptions {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
        }
    }
}

/// One file of the repository.
#[derive(Debug)]
pub struct File {
    /// Path relative to the repository root (the git root, or PATH outside git), `/`-separated.
    pub path: String,
    pub state: FileState,
    vendored: bool,
    test: bool,
}

impl File {
    /// A file at `path`, classified once here by its path relative to PATH (the audited
    /// folder, `prefix` below the root); a file outside PATH by its whole path.
    pub(crate) fn new(path: String, prefix: &str, state: FileState) -> File {
        let rel = path.strip_prefix(prefix).unwrap_or(&path);
        let (vendored, test) = (paths::is_vendored(rel), paths::is_test_path(rel));
        File {
            path,
            state,
            vendored,
            test,
        }
    }

    /// Whether the path relative to PATH runs through vendored code, a virtual environment or
    /// build output ([`paths::is_vendored`]).
    pub fn is_vendored(&self) -> bool {
        self.vendored
    }

    /// Whether the path relative to PATH is a test file or in a test folder
    /// ([`paths::is_test_path`]).
    pub fn is_test(&self) -> bool {
        self.test
    }

    /// The file's text, if it was read (lossily decoded when not UTF-8).
    pub fn text(&self) -> Option<&str> {
        match &self.state {
            FileState::Text(t) => Some(t),
            _ => None,
        }
    }
}

/// Facts about git, read without running anything from the repository.
#[derive(Debug, Clone, Default)]
pub struct GitFacts {
    /// The audited path is inside a git work tree.
    pub work_tree: bool,
    /// HEAD resolves to a commit.
    pub has_commit: bool,
    /// URL of the `origin` remote.
    pub origin: Option<String>,
}

/// The audited repository: file index, cached contents, lazily parsed views.
pub struct Repo {
    /// The path given to the audit, canonicalised.
    pub path: PathBuf,
    /// The repository root: the git top level, or `path` outside git.
    pub root: PathBuf,
    /// `path` relative to `root`, with a trailing `/`, or empty when they are the same.
    pub prefix: String,
    pub git: GitFacts,
    files: Vec<File>,
    by_path: HashMap<String, usize>,
    workflows: OnceLock<Vec<workflow::Parsed>>,
    stack: OnceLock<Stack>,
    database: OnceLock<Option<Database>>,
}

impl Repo {
    /// Builds the view of `path`: lists files, then reads them all once, in parallel.
    pub fn open(path: &Path, options: &RepoOptions) -> Result<Repo, RepoError> {
        let path = path
            .canonicalize()
            .map_err(|_| RepoError::NotADirectory(path.to_path_buf()))?;
        if !path.is_dir() {
            return Err(RepoError::NotADirectory(path));
        }
        let (root, facts, tracked) = match files::git_view(&path) {
            Some((top, facts, tracked)) => (top, facts, Some(tracked)),
            None => (path.clone(), GitFacts::default(), None),
        };
        let prefix = match path.strip_prefix(&root) {
            Ok(rel) if !rel.as_os_str().is_empty() => format!("{}/", files::slash(rel)),
            _ => String::new(),
        };
        let listed = files::list(&path, &prefix, tracked);
        let files = files::read_all(&root, &prefix, listed, options.max_file_size);
        let by_path = files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.path.clone(), i))
            .collect();
        Ok(Repo {
            path,
            root,
            prefix,
            git: facts,
            files,
            by_path,
            workflows: OnceLock::new(),
            stack: OnceLock::new(),
            database: OnceLock::new(),
        })
    }

    /// Builds a view from in-memory files (tests and tools that already hold the contents).
    pub fn from_files(root: &Path, git: GitFacts, files: Vec<(String, String)>) -> Repo {
        let files: Vec<File> = files
            .into_iter()
            .map(|(path, text)| File::new(path, "", FileState::Text(text)))
            .collect();
        let by_path = files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.path.clone(), i))
            .collect();
        Repo {
            path: root.to_path_buf(),
            root: root.to_path_buf(),
            prefix: String::new(),
            git,
            files,
            by_path,
            workflows: OnceLock::new(),
            stack: OnceLock::new(),
            database: OnceLock::new(),
        }
    }

    /// Every indexed file (repo-level files at the root and the service files under PATH).
    pub fn files(&self) -> impl Iterator<Item = &File> {
        self.files.iter()
    }

    /// Files of the service: those under the audited PATH.
    pub fn service_files(&self) -> impl Iterator<Item = &File> {
        self.files
            .iter()
            .filter(|f| f.path.starts_with(&self.prefix))
    }

    /// A file by its repository-relative path.
    pub fn file(&self, path: &str) -> Option<&File> {
        self.by_path.get(path).map(|&i| &self.files[i])
    }

    /// A service file by its path relative to PATH.
    pub fn service_file(&self, rel: &str) -> Option<&File> {
        self.file(&format!("{}{rel}", self.prefix))
    }

    /// Text of a repository-relative path, if it is an indexed text file.
    pub fn text(&self, path: &str) -> Option<&str> {
        self.file(path).and_then(File::text)
    }

    /// Service files whose path relative to PATH matches the glob.
    pub fn glob<'a>(&'a self, pattern: &str) -> impl Iterator<Item = &'a File> + 'a {
        let matcher = compile_glob(pattern);
        let prefix_len = self.prefix.len();
        self.service_files().filter(move |f| {
            matcher
                .as_ref()
                .is_some_and(|m| m.is_match(&f.path[prefix_len..]))
        })
    }

    /// Repository-level files (at the git root) whose path matches the glob.
    pub fn root_glob<'a>(&'a self, pattern: &str) -> impl Iterator<Item = &'a File> + 'a {
        let matcher = compile_glob(pattern);
        self.files
            .iter()
            .filter(move |f| matcher.as_ref().is_some_and(|m| m.is_match(&f.path)))
    }

    /// Files that were listed but not read, with the reason (binary, too large, symlink…).
    pub fn skipped_files(&self) -> impl Iterator<Item = (&str, &SkipReason)> {
        self.files.iter().filter_map(|f| match &f.state {
            FileState::Skipped(r) => Some((f.path.as_str(), r)),
            _ => None,
        })
    }

    /// The GitHub workflows at the repository root, parsed once.
    pub fn workflows(&self) -> &[workflow::Parsed] {
        self.workflows.get_or_init(|| workflow::parse_all(self))
    }

    /// The detected stack of the service under PATH, computed once.
    pub fn stack(&self) -> &Stack {
        self.stack.get_or_init(|| stack::detect(self))
    }

    /// The database the service uses, if any, computed once.
    pub fn database(&self) -> Option<&Database> {
        self.database
            .get_or_init(|| database::detect(self))
            .as_ref()
    }
}

fn compile_glob(pattern: &str) -> Option<GlobMatcher> {
    Glob::new(pattern).ok().map(|g| g.compile_matcher())
}
