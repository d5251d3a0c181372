//! `new-service add service NAME`: one more service in a monorepo made by `init`.
//!
//! The repository is rendered twice from its record (`.new-service.yaml`): as it was (the
//! recorded services) and as it will be (plus the new one). Files only the new render has are
//! the new service's; files whose render changed (the CI workflow, CODEOWNERS, Dependabot,
//! the lockfile, the Makefile) are merged three ways — the old render is the base, the file on
//! disk is ours, the new render is theirs — so edits the team made are kept. Where both changed
//! the same lines nothing is written and the files are named. Everything lands in one
//! all-or-nothing transaction, the record last.

use std::fs;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::git;
use crate::init::{self, ANSWERS_FILE, Record, ServiceRecord, TemplateRecord};
use crate::template::plan::{Extras, Plan};
use crate::template::workspace::{self, Layout, Service, Workspace};
use crate::template::{Supplied, Template, TemplateError};
use crate::write::{self, WriteError};

/// What the user asked for.
#[derive(Debug, Default)]
pub struct AddOptions {
    pub name: String,
    pub stack: Option<String>,
    pub set: Vec<String>,
    pub path: PathBuf,
    pub dry_run: bool,
    pub allow_dirty: bool,
}

/// What happens to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileChange {
    /// A new file.
    Add,
    /// The file was as the template left it: the new render replaces it.
    Update,
    /// Both the team and the template changed it, apart: merged.
    Merge,
}

#[derive(Debug)]
pub struct AddOutcome {
    pub top: PathBuf,
    pub service: String,
    pub stack: String,
    pub files: Vec<(String, FileChange)>,
    /// Files the template would change but the team deleted: left deleted.
    pub left_deleted: Vec<String>,
    pub elapsed: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum AddError {
    #[error(
        "{} is not inside a git repository: `add service` works in a monorepo made by `new-service init --layout monorepo`",
        .0.display()
    )]
    NotARepository(PathBuf),
    #[error(
        "{} has no {ANSWERS_FILE}: `add service` works in a monorepo made by `new-service init --layout monorepo`",
        .0.display()
    )]
    NotGenerated(PathBuf),
    #[error(
        "{} is a single service (layout: service): `add service` needs a monorepo made by `new-service init --layout monorepo`",
        .0.display()
    )]
    NotAMonorepo(PathBuf),
    #[error("{0}")]
    Record(String),
    #[error(
        "the work tree of {} has uncommitted changes; commit or stash them first (or pass --allow-dirty)",
        .0.display()
    )]
    Dirty(PathBuf),
    #[error("{0}")]
    Name(String),
    #[error("service `{name}` exists already ({})", path.display())]
    Exists { name: String, path: PathBuf },
    #[error(
        "your changes and the template's overlap in {}; nothing was written (merge by hand, or move your edits aside and run again)",
        .0.join(", ")
    )]
    Conflicts(Vec<String>),
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error(transparent)]
    Files(#[from] WriteError),
    #[error(transparent)]
    Init(#[from] init::InitError),
    #[error(transparent)]
    Git(#[from] git::GitError),
}

/// Runs `add service`.
pub fn run(opts: &AddOptions) -> Result<AddOutcome, AddError> {
    let started = Instant::now();
    let top = git::enclosing_work_tree(&opts.path)
        .ok_or_else(|| AddError::NotARepository(opts.path.clone()))?;
    let record = Record::read(&top)
        .map_err(AddError::Record)?
        .ok_or_else(|| AddError::NotGenerated(top.clone()))?;
    if record.layout != Layout::Monorepo {
        return Err(AddError::NotAMonorepo(top));
    }
    workspace::check_service_name(&opts.name).map_err(AddError::Name)?;
    let dir = top.join(workspace::SERVICES_DIR).join(&opts.name);
    if record.services.iter().any(|s| s.name == opts.name) || dir.exists() {
        return Err(AddError::Exists {
            name: opts.name.clone(),
            path: dir,
        });
    }
    if !opts.allow_dirty && !git::is_clean(&top)? {
        return Err(AddError::Dirty(top));
    }

    let before = workspace_of(&record)?;
    let stack = opts
        .stack
        .clone()
        .unwrap_or_else(|| init::default_stack_for(&opts.name, init::DEFAULT_STACK));
    let mut own = Supplied::default();
    for assignment in &opts.set {
        own.insert_assignment(assignment)?;
    }
    let template = Template::embedded(&stack)?;
    if let Some(key) = own
        .keys()
        .find(|k| !template.placeholders.contains_key(k.as_str()))
    {
        return Err(TemplateError::UnknownPlaceholder {
            key: key.clone(),
            origin: "--set".into(),
            known: template
                .placeholders
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
        }
        .into());
    }
    let service = Service::resolve(&opts.name, template, &before.answers, &own)?;
    let mut after = workspace_of(&record)?;
    after.services.push(service.clone());

    // The same generated values in both renders: a file differs only where the services do.
    let secret = init::random_secret()?;
    let extras = Extras {
        secret_key: &secret,
    };
    // Only the root's files depend on the list of services; the others' files stay as they
    // are, so the root is rendered as it was and as it will be, and the new service once.
    let old = Plan {
        files: before.plan_root(&extras)?,
    };
    let mut new = Plan::default();
    new.extend(after.plan_root(&extras)?)?;
    new.extend(after.plan_service(after.services.len() - 1, &extras)?)?;

    let mut writes: Vec<(String, Vec<u8>, bool, FileChange)> = Vec::new();
    let mut conflicts = Vec::new();
    let mut left_deleted = Vec::new();
    for file in &new.files {
        let base = old.files.iter().find(|f| f.path == file.path);
        let path = top.join(&file.path);
        match base {
            None => {
                if path.exists() {
                    return Err(AddError::Exists {
                        name: opts.name.clone(),
                        path,
                    });
                }
                writes.push((
                    file.path.clone(),
                    file.contents.to_vec(),
                    file.executable,
                    FileChange::Add,
                ));
            }
            Some(base) if base.contents == file.contents => {}
            Some(base) => {
                let Ok(ours) = fs::read(&path) else {
                    left_deleted.push(file.path.clone());
                    continue;
                };
                if ours == base.contents.as_ref() {
                    writes.push((
                        file.path.clone(),
                        file.contents.to_vec(),
                        file.executable,
                        FileChange::Update,
                    ));
                    continue;
                }
                match merge(&base.contents, &ours, &file.contents) {
                    Some(merged) => writes.push((
                        file.path.clone(),
                        merged,
                        file.executable,
                        FileChange::Merge,
                    )),
                    None => conflicts.push(file.path.clone()),
                }
            }
        }
    }
    if !conflicts.is_empty() {
        return Err(AddError::Conflicts(conflicts));
    }

    let mut record = record;
    record.services.push(ServiceRecord {
        name: service.name.clone(),
        template: TemplateRecord::of(&service.template),
        answers: service.answers.clone(),
        explicit: Vec::new(),
    });
    let text = record.to_text().map_err(AddError::Record)?;
    let outcome = AddOutcome {
        top: top.clone(),
        service: service.name.clone(),
        stack,
        files: writes
            .iter()
            .map(|(p, _, _, c)| (p.clone(), c.clone()))
            .chain(std::iter::once((
                ANSWERS_FILE.to_string(),
                FileChange::Update,
            )))
            .collect(),
        left_deleted,
        elapsed: Duration::ZERO,
    };
    if opts.dry_run {
        return Ok(AddOutcome {
            elapsed: started.elapsed(),
            ..outcome
        });
    }
    let mut changes: Vec<write::Change> = writes
        .iter()
        .map(|(path, contents, executable, _)| write::Change {
            path,
            contents,
            executable: *executable,
        })
        .collect();
    // The record last: a failure before it leaves the repository's story unchanged.
    changes.push(write::Change {
        path: ANSWERS_FILE,
        contents: text.as_bytes(),
        executable: false,
    });
    let staging = tempfile::Builder::new()
        .prefix(".new-service-add-")
        .tempdir_in(&top)
        .map_err(|source| WriteError::Io {
            path: top.clone(),
            source,
        })?
        .keep();
    init::register_cleanup(&staging);
    let guard = init::Guard;
    write::apply(&top, &staging, &changes)?;
    init::clear_cleanup();
    drop(guard);
    Ok(AddOutcome {
        elapsed: started.elapsed(),
        ..outcome
    })
}

/// The repository as its record describes it, rendered from the embedded templates.
fn workspace_of(record: &Record) -> Result<Workspace, AddError> {
    let root = workspace::layout_template(Layout::Monorepo)?;
    let mut services = Vec::new();
    for s in &record.services {
        let template = Template::embedded(&s.template.name)?;
        let mut own = Supplied::default();
        for (k, v) in &s.answers {
            own.insert(
                k,
                v.clone(),
                format!("{ANSWERS_FILE} (service `{}`)", s.name),
            );
        }
        services.push(Service::resolve(&s.name, template, &record.answers, &own)?);
    }
    Ok(Workspace {
        layout: Layout::Monorepo,
        root,
        answers: record.answers.clone(),
        services,
    })
}

/// A three-way merge of text; `None` when the changes overlap (or a side is not text).
fn merge(base: &[u8], ours: &[u8], theirs: &[u8]) -> Option<Vec<u8>> {
    let base = std::str::from_utf8(base).ok()?;
    let ours = std::str::from_utf8(ours).ok()?;
    let theirs = std::str::from_utf8(theirs).ok()?;
    diffy::merge(base, ours, theirs)
        .ok()
        .map(String::into_bytes)
}
