//! `new-service init`: from options to a service on disk.
//!
//! Order of work, chosen so a failure can never leave a half-written service behind:
//! 1. check the target and resolve every answer (prompting if allowed);
//! 2. build the full plan in memory (all rendering errors happen here);
//! 3. write it into a staging directory beside the target, add `.new-service.yaml`, make the
//!    initial git commit there;
//! 4. move the staging directory into place in one rename.
//!
//! The staging directory is registered so the binary's Ctrl-C handler can remove it.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::git::{self, GitError};
use crate::template::plan::{self, Extras, Plan};
use crate::template::{
    Answers, Prompter, Renderer, Supplied, Template, TemplateError, Value,
    manifest::NAME_PLACEHOLDER,
};

/// The record `init` leaves in the service for later commands.
pub const ANSWERS_FILE: &str = ".new-service.yaml";

/// Default stack when `--stack` is not given.
pub const DEFAULT_STACK: &str = "fastapi";

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
    pub git: bool,
    pub force: bool,
    pub dry_run: bool,
}

/// What `init` did (or, for a dry run, would do).
#[derive(Debug)]
pub struct InitOutcome {
    pub target: PathBuf,
    pub template: TemplateRecord,
    pub answers: Answers,
    /// Names of the answers that are secrets: shown masked, never recorded.
    pub secret_names: Vec<String>,
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
    },
    /// Inside an existing repository: a nested repository would be wrong (monorepos).
    InsideRepository {
        top: PathBuf,
    },
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
    Git(#[from] GitError),
    #[error("cannot write {ANSWERS_FILE}: {0}")]
    Record(String),
    #[error("no random source for SECRET_KEY: {0}")]
    Random(String),
}

/// Where the template came from, as recorded in `.new-service.yaml`.
#[derive(Debug, Clone, Serialize)]
pub struct TemplateRecord {
    pub name: String,
    pub version: String,
    pub source: String,
}

#[derive(Serialize)]
struct Record<'a> {
    new_service_version: &'a str,
    template: &'a TemplateRecord,
    answers: Answers,
}

/// Runs `init`. `prompter` is `None` in non-interactive runs: defaults fill the gaps.
pub fn run(
    opts: &InitOptions,
    prompter: Option<&mut dyn Prompter>,
) -> Result<InitOutcome, InitError> {
    let template = match &opts.template_dir {
        Some(dir) => Template::from_dir(dir)?,
        None => Template::embedded(opts.stack.as_deref().unwrap_or(DEFAULT_STACK))?,
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
    let answers =
        crate::template::answers::resolve(&template.manifest, &supplied, &renderer, prompter)?;
    let name = answers
        .get(NAME_PLACEHOLDER)
        .map(ToString::to_string)
        .ok_or(InitError::NoName)?;
    // Timed from here: prompting is the user's time, not ours.
    let started = Instant::now();
    let target = opts.output.clone().unwrap_or_else(|| PathBuf::from(&name));
    check_target(&target, opts.force)?;

    let secret_key = random_secret()?;
    let context = plan::context(
        &template,
        &answers,
        &Extras {
            secret_key: &secret_key,
        },
    );
    let plan = plan::build(&template, &renderer, &context)?;
    let next_steps = renderer.render_str(
        "template.toml (next_steps)",
        &template.manifest.template.next_steps,
        &context,
    )?;
    let record = TemplateRecord {
        name: template.manifest.template.name.clone(),
        version: template.manifest.template.version.clone(),
        source: template.origin.clone(),
    };

    let secret_names = template
        .manifest
        .placeholders
        .values()
        .filter(|p| p.secret)
        .map(|p| p.name.clone())
        .collect();
    let mut outcome = InitOutcome {
        target,
        template: record,
        answers,
        secret_names,
        plan,
        git: GitOutcome::Skipped,
        next_steps,
        elapsed: Duration::ZERO,
    };
    if !opts.dry_run {
        outcome.git = write(&outcome, opts)?;
    }
    outcome.elapsed = started.elapsed();
    Ok(outcome)
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
fn random_secret() -> Result<String, InitError> {
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

fn register_cleanup(path: &Path) {
    if let Ok(mut paths) = CLEANUP.lock() {
        paths.push(path.to_path_buf());
    }
}

fn clear_cleanup() {
    if let Ok(mut paths) = CLEANUP.lock() {
        paths.clear();
    }
}

/// Removes registered paths on drop unless disarmed: an error anywhere leaves nothing behind.
struct Guard;
impl Drop for Guard {
    fn drop(&mut self) {
        abort_cleanup();
    }
}

fn write(outcome: &InitOutcome, opts: &InitOptions) -> Result<GitOutcome, InitError> {
    let target = &outcome.target;
    let guard = Guard;
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if let Some(created) = create_missing_dirs(&parent)? {
        register_cleanup(&created);
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
        write_file(&staging.join(&file.path), &file.contents, file.executable)?;
    }
    let record = Record {
        new_service_version: env!("CARGO_PKG_VERSION"),
        template: &outcome.template,
        answers: outcome.recorded_answers(),
    };
    let yaml = serde_saphyr::to_string(&record).map_err(|e| InitError::Record(e.to_string()))?;
    let text = format!(
        "# Written by `new-service init`: the template and answers this service was generated from.\n\
         # `new-service audit` reads it; `new-service init --answers {ANSWERS_FILE}` regenerates.\n\
         # It never holds secrets.\n{yaml}"
    );
    write_file(&staging.join(ANSWERS_FILE), text.as_bytes(), false)?;

    let enclosing = if opts.git {
        git::enclosing_work_tree(&parent)
    } else {
        None
    };
    let git = match (opts.git, enclosing) {
        (false, _) => GitOutcome::Skipped,
        (true, Some(top)) => GitOutcome::InsideRepository { top },
        (true, None) if target.join(".git").exists() => GitOutcome::InsideRepository {
            top: target.clone(),
        },
        (true, None) => {
            let message = format!(
                "Initial commit from new-service {} ({} template {})",
                env!("CARGO_PKG_VERSION"),
                outcome.template.name,
                outcome.template.version
            );
            let commit = git::init_and_commit(&staging, &message)?;
            GitOutcome::Committed { commit }
        }
    };

    move_into_place(&staging, target)?;
    clear_cleanup();
    drop(guard);
    Ok(git)
}

impl InitOutcome {
    /// Answers as recorded and shown: everything but secrets.
    pub fn recorded_answers(&self) -> Answers {
        self.answers
            .iter()
            .filter(|(k, _)| !self.secret_names.contains(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
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

fn write_file(path: &Path, contents: &[u8], executable: bool) -> Result<(), InitError> {
    let err = |source| InitError::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut f = fs::File::create(path).map_err(err)?;
    f.write_all(contents).map_err(err)?;
    #[cfg(unix)]
    if executable {
        use std::os::unix::fs::PermissionsExt as _;
        f.set_permissions(fs::Permissions::from_mode(0o755))
            .map_err(err)?;
    }
    #[cfg(not(unix))]
    let _ = executable;
    Ok(())
}

/// Moves the staged tree to `target`: one rename when the target is absent or empty, otherwise
/// (`--force`) entry by entry, replacing files the template also writes.
fn move_into_place(staging: &Path, target: &Path) -> Result<(), InitError> {
    let err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| InitError::Write { path, source }
    };
    if target.is_dir() && fs::read_dir(target).map_err(err(target))?.next().is_none() {
        fs::remove_dir(target).map_err(err(target))?;
    }
    if !target.exists() {
        return fs::rename(staging, target).map_err(err(target));
    }
    merge_dir(staging, target)?;
    fs::remove_dir_all(staging).map_err(err(staging))
}

fn merge_dir(from: &Path, to: &Path) -> Result<(), InitError> {
    let err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| InitError::Write { path, source }
    };
    for entry in fs::read_dir(from).map_err(err(from))? {
        let entry = entry.map_err(err(from))?;
        let dest = to.join(entry.file_name());
        let is_dir = entry.file_type().map_err(err(&entry.path()))?.is_dir();
        if is_dir && dest.is_dir() {
            merge_dir(&entry.path(), &dest)?;
        } else {
            if dest.is_dir() {
                fs::remove_dir_all(&dest).map_err(err(&dest))?;
            }
            fs::rename(entry.path(), &dest).map_err(err(&dest))?;
        }
    }
    Ok(())
}
