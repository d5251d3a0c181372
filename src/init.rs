//! `new-service init`: from options to a repository on disk.
//!
//! Order of work, chosen so a failure can never leave a half-written service behind:
//! 1. check the target and resolve every answer (prompting if allowed);
//! 2. build the full plan in memory (all rendering errors happen here), one service at the
//!    root or a monorepo with several under `services/`;
//! 3. write it into a staging directory beside the target, add `.new-service.yaml`, make the
//!    initial git commit there;
//! 4. move the staging directory into place in one rename (or, with `--force` into a folder
//!    that has files, file by file with every original kept until the last one landed).
//!
//! The staging directory is registered so the binary's Ctrl-C handler can remove it.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::git::{self, GitError};
use crate::template::answers::{Resolved, resolve};
use crate::template::plan::{Extras, Plan};
pub use crate::template::workspace::Layout;
use crate::template::workspace::{self, Service, Workspace};
use crate::template::{
    Answers, Prompter, Renderer, Supplied, Template, TemplateError, Value,
    manifest::NAME_PLACEHOLDER,
};
use crate::write::{self, WriteError};

/// The record `init` leaves in the repository for later commands.
pub const ANSWERS_FILE: &str = ".new-service.yaml";

/// Default stack when `--stack` is not given.
pub const DEFAULT_STACK: &str = "fastapi";

/// The services of a monorepo when `--services` is not given: the public API and its back
/// office.
pub const DEFAULT_SERVICES: &[&str] = &["api", "backoffice"];

/// What the user asked for.
#[derive(Debug, Default)]
pub struct InitOptions {
    pub name: Option<String>,
    pub stack: Option<String>,
    pub output: Option<PathBuf>,
    /// Raw `--set` assignments.
    pub set: Vec<String>,
    pub answers_file: Option<PathBuf>,
    pub template_dir: Option<PathBuf>,
    pub layout: Layout,
    /// Monorepo services, `NAME` or `NAME:STACK` (default: `api`, `backoffice`).
    pub services: Option<Vec<String>>,
    pub git: bool,
    pub force: bool,
    pub dry_run: bool,
}

/// What `init` did (or, for a dry run, would do).
#[derive(Debug)]
pub struct InitOutcome {
    pub target: PathBuf,
    pub layout: Layout,
    pub template: TemplateRecord,
    pub answers: Answers,
    /// Names of the answers that are secrets: shown masked, never recorded.
    pub secret_names: Vec<String>,
    /// Monorepo services: name and stack.
    pub services: Vec<(String, String)>,
    pub plan: Plan,
    pub git: GitOutcome,
    /// The manifest's next steps, rendered.
    pub next_steps: String,
    pub elapsed: Duration,
}

#[derive(Debug)]
pub enum GitOutcome {
    Committed {
        commit: String,
        /// The repository the new one sits inside (its own repository all the same).
        inside: Option<PathBuf>,
    },
    /// `--force` into a folder that already is a repository: the files are left to commit.
    ExistingRepository,
    Skipped,
}

#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error("no service name: pass NAME (or --output DIR, or --set project_name=NAME)")]
    NoName,
    #[error("{} exists and is not a directory", .0.display())]
    TargetIsFile(PathBuf),
    #[error("{} is not empty; pass --force to write into it", .0.display())]
    TargetNotEmpty(PathBuf),
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Files(#[from] WriteError),
    #[error(transparent)]
    Git(#[from] GitError),
    #[error("cannot write {ANSWERS_FILE}: {0}")]
    Record(String),
    #[error("no random source for SECRET_KEY: {0}")]
    Random(String),
    #[error("--services: {0}")]
    Services(String),
    #[error(
        "{} is inside the monorepo {}, made by new-service: run `new-service add service NAME` there to add a service",
        target.display(),
        top.display()
    )]
    InsideMonorepo { target: PathBuf, top: PathBuf },
    #[error(
        "--services and --template are for --layout monorepo and --layout service respectively"
    )]
    LayoutOption,
}

/// Where a template came from, as recorded in `.new-service.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TemplateRecord {
    pub name: String,
    pub version: String,
    pub source: String,
}

impl TemplateRecord {
    pub fn of(template: &Template) -> Self {
        TemplateRecord {
            name: template.manifest.template.name.clone(),
            version: template.manifest.template.version.clone(),
            source: template.origin.clone(),
        }
    }
}

/// `.new-service.yaml`: what the repository was generated from. `add service` and a sibling
/// `init --answers` read it back.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    pub new_service_version: String,
    #[serde(default)]
    pub layout: Layout,
    pub template: TemplateRecord,
    pub answers: Answers,
    /// Answers given explicitly; the others were derived and are derived again on reuse.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub explicit: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<ServiceRecord>,
    /// Anything else the file holds (the audit's waivers), kept as it is.
    #[serde(flatten)]
    pub rest: serde_json::Map<String, serde_json::Value>,
}

/// One service of a monorepo in the record.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServiceRecord {
    pub name: String,
    pub template: TemplateRecord,
    pub answers: Answers,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub explicit: Vec<String>,
}

impl Record {
    /// The file's text, with a header saying what it is.
    pub fn to_text(&self) -> Result<String, String> {
        let yaml = serde_saphyr::to_string(self).map_err(|e| e.to_string())?;
        Ok(format!(
            "# Written by `new-service init`: the template and answers this repository was generated from.\n\
             # `new-service audit` reads it (waivers under `audit:`); `new-service add service` and\n\
             # `new-service init --answers {ANSWERS_FILE}` reuse it. It never holds secrets.\n{yaml}"
        ))
    }

    /// Reads a record; `None` when the file does not exist.
    pub fn read(root: &Path) -> Result<Option<Record>, String> {
        let path = root.join(ANSWERS_FILE);
        let text = match fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        serde_saphyr::from_str(&text).map(Some).map_err(|e| {
            format!(
                "{}: {}",
                path.display(),
                crate::template::answers::yaml_error_message(&e)
            )
        })
    }
}

/// Runs `init`. `prompter` is `None` in non-interactive runs: defaults fill the gaps.
pub fn run(
    opts: &InitOptions,
    prompter: Option<&mut dyn Prompter>,
) -> Result<InitOutcome, InitError> {
    let stack = opts.stack.as_deref().unwrap_or(DEFAULT_STACK);
    let root = match (opts.layout, &opts.template_dir) {
        (Layout::Service, Some(dir)) => Template::from_dir(dir)?,
        (Layout::Service, None) => Template::embedded(stack)?,
        (Layout::Monorepo, Some(_)) => return Err(InitError::LayoutOption),
        (Layout::Monorepo, None) => workspace::layout_template(Layout::Monorepo)?,
    };
    if opts.layout == Layout::Service && opts.services.is_some() {
        return Err(InitError::LayoutOption);
    }
    if opts.layout == Layout::Service {
        workspace::check_layout(&root, Layout::Service)?;
    }
    // The services are checked before any question is asked.
    let service_specs = match opts.layout {
        Layout::Service => Vec::new(),
        Layout::Monorepo => parse_services(opts.services.as_deref(), stack)?,
    };

    let mut supplied = Supplied::default();
    for assignment in &opts.set {
        supplied.insert_assignment(assignment)?;
    }
    if let Some(name) = &opts.name {
        supplied.insert(NAME_PLACEHOLDER, Value::String(name.clone()), "NAME");
    }
    if let Some(file) = &opts.answers_file {
        supplied.read_answers_file(file)?;
    }
    // Lowest precedence: `--output path/billing-api` names the service `billing-api`.
    if supplied.get(NAME_PLACEHOLDER).is_none()
        && let Some(dir_name) = opts
            .output
            .as_deref()
            .and_then(|o| o.file_name())
            .and_then(|n| n.to_str())
    {
        supplied.insert(
            NAME_PLACEHOLDER,
            Value::String(dir_name.to_string()),
            "the --output folder name",
        );
    }
    if supplied.get(NAME_PLACEHOLDER).is_none() && prompter.is_none() {
        return Err(InitError::NoName);
    }

    let renderer = Renderer::new();
    let Resolved {
        values: answers,
        explicit,
    } = resolve(&root.placeholders, &supplied, &renderer, prompter)?;
    let name = answers
        .get(NAME_PLACEHOLDER)
        .map(ToString::to_string)
        .ok_or(InitError::NoName)?;
    // Timed from here: prompting is the user's time, not ours.
    let started = Instant::now();
    let target = opts.output.clone().unwrap_or_else(|| PathBuf::from(&name));
    check_target(&target, opts.force)?;
    if opts.git
        && let Some(top) = enclosing_monorepo(&target)
    {
        return Err(InitError::InsideMonorepo { target, top });
    }

    let mut services = Vec::new();
    for (service, stack) in &service_specs {
        let template = Template::embedded(stack)?;
        services.push(Service::resolve(
            service,
            template,
            &answers,
            &Supplied::default(),
        )?);
    }
    let ws = Workspace {
        layout: opts.layout,
        root,
        answers,
        services,
    };
    let secret_key = random_secret()?;
    let extras = Extras {
        secret_key: &secret_key,
    };
    let plan = ws.plan(&extras)?;
    let next_steps = ws.next_steps(&extras)?;
    let secret_names: Vec<String> = ws
        .root
        .placeholders
        .values()
        .filter(|p| p.secret)
        .map(|p| p.name.clone())
        .collect();
    let record = Record {
        new_service_version: env!("CARGO_PKG_VERSION").to_string(),
        layout: ws.layout,
        template: TemplateRecord::of(&ws.root),
        answers: without(&ws.answers, &secret_names),
        explicit: explicit
            .into_iter()
            .filter(|k| !secret_names.contains(k))
            .collect(),
        services: ws
            .services
            .iter()
            .map(|s| ServiceRecord {
                name: s.name.clone(),
                template: TemplateRecord::of(&s.template),
                answers: s.answers.clone(),
                explicit: Vec::new(),
            })
            .collect(),
        rest: serde_json::Map::new(),
    };

    let mut outcome = InitOutcome {
        target,
        layout: ws.layout,
        template: record.template.clone(),
        answers: ws.answers.clone(),
        secret_names,
        services: ws
            .services
            .iter()
            .map(|s| (s.name.clone(), s.template.manifest.template.name.clone()))
            .collect(),
        plan,
        git: GitOutcome::Skipped,
        next_steps,
        elapsed: Duration::ZERO,
    };
    if !opts.dry_run {
        let text = record.to_text().map_err(InitError::Record)?;
        outcome.git = write(&outcome, &text, opts)?;
    }
    outcome.elapsed = started.elapsed();
    Ok(outcome)
}

/// `NAME` or `NAME:STACK`, each checked; `backoffice` defaults to the back-office stack.
fn parse_services(
    given: Option<&[String]>,
    default_stack: &str,
) -> Result<Vec<(String, String)>, InitError> {
    let names: Vec<String> = match given {
        Some(list) => list.to_vec(),
        None => DEFAULT_SERVICES.iter().map(|s| s.to_string()).collect(),
    };
    if names.is_empty() {
        return Err(InitError::Services("name at least one service".into()));
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for entry in names {
        let (name, stack) = match entry.split_once(':') {
            Some((n, s)) => (n.trim().to_string(), s.trim().to_string()),
            None => {
                let n = entry.trim().to_string();
                let stack = default_stack_for(&n, default_stack);
                (n, stack)
            }
        };
        workspace::check_service_name(&name).map_err(InitError::Services)?;
        if out.iter().any(|(n, _)| *n == name) {
            return Err(InitError::Services(format!("`{name}` is named twice")));
        }
        out.push((name, stack));
    }
    Ok(out)
}

/// The stack a service gets when none is named: a service called `backoffice` is the back
/// office, every other one the `--stack` (FastAPI by default).
pub fn default_stack_for(name: &str, default_stack: &str) -> String {
    if name == "backoffice" {
        "backoffice".to_string()
    } else {
        default_stack.to_string()
    }
}

fn without(answers: &Answers, secret_names: &[String]) -> Answers {
    answers
        .iter()
        .filter(|(k, _)| !secret_names.contains(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The top of the enclosing work tree when it is a monorepo made by `init`.
pub fn enclosing_monorepo(target: &Path) -> Option<PathBuf> {
    let mut probe = target;
    // The target may not exist yet: ask git from its nearest existing ancestor.
    while !probe.exists() {
        probe = match probe.parent() {
            Some(p) if p.as_os_str().is_empty() => Path::new("."),
            Some(p) => p,
            None => return None,
        };
    }
    let top = git::enclosing_work_tree(probe)?;
    let record = Record::read(&top).ok().flatten()?;
    (record.layout == Layout::Monorepo).then_some(top)
}

fn check_target(target: &Path, force: bool) -> Result<(), InitError> {
    match fs::metadata(target) {
        Err(_) => Ok(()),
        Ok(m) if !m.is_dir() => Err(InitError::TargetIsFile(target.to_path_buf())),
        Ok(_) => {
            let non_empty = fs::read_dir(target)
                .map_err(|source| InitError::Write {
                    path: target.to_path_buf(),
                    source,
                })?
                .next()
                .is_some();
            if non_empty && !force {
                Err(InitError::TargetNotEmpty(target.to_path_buf()))
            } else {
                Ok(())
            }
        }
    }
}

/// 32 random bytes as 64 hex characters: enough entropy for a signing key, safe in any .env.
pub fn random_secret() -> Result<String, InitError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| InitError::Random(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Staging directories (and parent folders we created) to delete if the process is interrupted.
static CLEANUP: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Removes whatever a running `init` has staged. Called by the binary's Ctrl-C handler.
pub fn abort_cleanup() {
    if let Ok(mut paths) = CLEANUP.lock() {
        for p in paths.drain(..).rev() {
            let _ = fs::remove_dir_all(&p);
        }
    }
}

pub(crate) fn register_cleanup(path: &Path) {
    if let Ok(mut paths) = CLEANUP.lock() {
        paths.push(path.to_path_buf());
    }
}

pub(crate) fn clear_cleanup() {
    if let Ok(mut paths) = CLEANUP.lock() {
        paths.clear();
    }
}

/// Removes registered paths on drop unless disarmed: an error anywhere leaves nothing behind.
pub(crate) struct Guard;
impl Drop for Guard {
    fn drop(&mut self) {
        abort_cleanup();
    }
}

fn write(outcome: &InitOutcome, record: &str, opts: &InitOptions) -> Result<GitOutcome, InitError> {
    let target = &outcome.target;
    let guard = Guard;
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if let Some(created) = create_missing_dirs(&parent)? {
        register_cleanup(&created);
    }
    // With --force into a folder that has files, every check that can fail runs first.
    let merging = target.is_dir() && dir_has_entries(target)?;
    if merging {
        let changes: Vec<write::Change> = outcome
            .plan
            .files
            .iter()
            .map(|f| write::Change {
                path: &f.path,
                contents: &f.contents,
                executable: f.executable,
            })
            .collect();
        write::check(target, &changes)?;
    }
    let staging = tempfile::Builder::new()
        .prefix(".new-service-staging-")
        .tempdir_in(&parent)
        .map_err(|source| InitError::Write {
            path: parent.clone(),
            source,
        })?
        .keep();
    register_cleanup(&staging);

    // Each folder once (sorted, so parents come first), then the files.
    let mut dirs: Vec<&str> = outcome
        .plan
        .files
        .iter()
        .filter_map(|f| f.path.rsplit_once('/').map(|(d, _)| d))
        .collect();
    dirs.sort_unstable();
    dirs.dedup();
    for dir in dirs {
        let path = staging.join(dir);
        fs::create_dir_all(&path).map_err(|source| InitError::Write { path, source })?;
    }
    for file in &outcome.plan.files {
        write::write_file(&staging.join(&file.path), &file.contents, file.executable)?;
    }
    write::write_file(&staging.join(ANSWERS_FILE), record.as_bytes(), false)?;

    let git = if !opts.git {
        GitOutcome::Skipped
    } else if target.join(".git").exists() {
        GitOutcome::ExistingRepository
    } else {
        let message = format!(
            "Initial commit from new-service {} ({} template {})",
            env!("CARGO_PKG_VERSION"),
            outcome.template.name,
            outcome.template.version
        );
        let commit = git::init_and_commit(&staging, &message)?;
        GitOutcome::Committed {
            commit,
            inside: git::enclosing_work_tree(&parent),
        }
    };

    if merging {
        merge_into(&staging, target)?;
        let _ = fs::remove_dir_all(&staging);
    } else {
        if target.is_dir() {
            fs::remove_dir(target).map_err(|source| InitError::Write {
                path: target.clone(),
                source,
            })?;
        }
        fs::rename(&staging, target).map_err(|source| InitError::Write {
            path: target.clone(),
            source,
        })?;
    }
    clear_cleanup();
    drop(guard);
    Ok(git)
}

fn dir_has_entries(dir: &Path) -> Result<bool, InitError> {
    Ok(fs::read_dir(dir)
        .map_err(|source| InitError::Write {
            path: dir.to_path_buf(),
            source,
        })?
        .next()
        .is_some())
}

/// `--force` into a folder with files: every staged file (`.git` included when we made one)
/// goes in through one all-or-nothing transaction.
fn merge_into(staging: &Path, target: &Path) -> Result<(), InitError> {
    let mut files = Vec::new();
    collect_files(staging, staging, &mut files)?;
    let contents: Vec<(String, Vec<u8>, bool)> = files
        .into_iter()
        .map(|(rel, path)| {
            let bytes = fs::read(&path).map_err(|source| InitError::Write {
                path: path.clone(),
                source,
            })?;
            Ok((rel, bytes, is_executable(&path)))
        })
        .collect::<Result<_, InitError>>()?;
    let changes: Vec<write::Change> = contents
        .iter()
        .map(|(rel, bytes, exec)| write::Change {
            path: rel,
            contents: bytes,
            executable: *exec,
        })
        .collect();
    let tx = staging.with_extension("tx");
    register_cleanup(&tx);
    write::apply(target, &tx, &changes)?;
    Ok(())
}

fn collect_files(
    root: &Path,
    dir: &Path,
    out: &mut Vec<(String, PathBuf)>,
) -> Result<(), InitError> {
    let err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| InitError::Write { path, source }
    };
    for entry in fs::read_dir(dir).map_err(err(dir))? {
        let entry = entry.map_err(err(dir))?;
        let path = entry.path();
        if entry.file_type().map_err(err(&path))?.is_dir() {
            collect_files(root, &path, out)?;
        } else if let Ok(rel) = path.strip_prefix(root) {
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            out.push((rel, path));
        }
    }
    Ok(())
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(_: &Path) -> bool {
    false
}

/// Creates `dir` and its missing parents; returns the topmost folder it created.
fn create_missing_dirs(dir: &Path) -> Result<Option<PathBuf>, InitError> {
    let mut topmost = None;
    let mut probe = dir;
    while !probe.as_os_str().is_empty() && !probe.exists() {
        topmost = Some(probe.to_path_buf());
        match probe.parent() {
            Some(p) => probe = p,
            None => break,
        }
    }
    if topmost.is_some() {
        fs::create_dir_all(dir).map_err(|source| InitError::Write {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    Ok(topmost)
}
