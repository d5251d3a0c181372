//! The audit engine: checks, their results, and the run that turns a repository view and a
//! checklist into a [`Report`].
//!
//! A check is either declarative (described in the checklist YAML: a file exists, content
//! matches, a key is present) or built in: a unit struct in `checks/<id>.rs` implementing
//! [`Check`], listed in [`registry`]. Built-in checks document themselves with a doc comment
//! captured by [`declare_check!`], which `new-service explain ID` prints.

pub mod checklist;
pub mod checks;
pub mod ci;
pub mod declarative;
pub mod dockerfile;
pub mod eol;
pub mod registry;
pub mod remote;
pub mod run;
pub mod secrets;
pub mod source;
pub mod waivers;

use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use crate::repo::Repo;
use source::models::Table;
use source::routes::RouteMap;
use source::{Corpus, Scope, Syntax};

pub use checklist::{Checklist, ChecklistError, Item};
pub use run::{AuditOptions, Report, Summary};

/// The outcome of one check (meanings are in the spec).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Skip,
    Unknown,
    Error,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Pass,
        Status::Fail,
        Status::Skip,
        Status::Unknown,
        Status::Error,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Skip => "skip",
            Status::Unknown => "unknown",
            Status::Error => "error",
        }
    }
}

/// Maturity levels, in order.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Bronze,
    Silver,
    Gold,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Bronze, Level::Silver, Level::Gold];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Bronze => "bronze",
            Level::Silver => "silver",
            Level::Gold => "gold",
        }
    }
}

impl std::str::FromStr for Level {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "bronze" => Ok(Level::Bronze),
            "silver" => Ok(Level::Silver),
            "gold" => Ok(Level::Gold),
            _ => Err(format!("unknown level `{s}` (bronze, silver or gold)")),
        }
    }
}

/// How loudly a failure is reported by CI formats (SARIF level, annotation kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// A place in the repository, repository-relative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

/// What a check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub status: Status,
    pub message: String,
    pub locations: Vec<Location>,
}

impl Outcome {
    fn new(status: Status, message: impl Into<String>) -> Self {
        Outcome {
            status,
            message: message.into(),
            locations: Vec::new(),
        }
    }
    pub fn pass(message: impl Into<String>) -> Self {
        Self::new(Status::Pass, message)
    }
    pub fn fail(message: impl Into<String>) -> Self {
        Self::new(Status::Fail, message)
    }
    pub fn skip(message: impl Into<String>) -> Self {
        Self::new(Status::Skip, message)
    }
    pub fn unknown(message: impl Into<String>) -> Self {
        Self::new(Status::Unknown, message)
    }
    pub fn error(message: impl Into<String>) -> Self {
        Self::new(Status::Error, message)
    }
    /// Adds a location (line 0 or `None` means the whole file).
    pub fn at(mut self, path: impl Into<String>, line: impl Into<Option<u32>>) -> Self {
        self.locations.push(Location {
            path: path.into(),
            line: line.into().filter(|&l| l > 0),
        });
        self
    }
    pub fn at_all(mut self, locations: impl IntoIterator<Item = Location>) -> Self {
        self.locations.extend(locations);
        self
    }
}

/// What the checks of one audit share beside the repository: facts gathered before they run,
/// and views derived from the repository once, on first use, for every check that reads them
/// (the route map is read by three checks and costs more than reading the files).
///
/// The views' initialisers use rayon. Call the accessors from a check's own thread (the audit
/// runs checks on plain threads for this reason), never from inside a rayon job: a rayon
/// thread waiting in an initialiser may run queued jobs, and one needing the same view would
/// re-enter it and deadlock.
pub struct Context<'r> {
    /// The audit date (for end-of-life tables), as (year, month, day).
    pub today: (i32, u32, u32),
    /// Repository settings on the hosting service, looked up once before the checks run.
    pub remote: remote::RemoteFacts,
    /// `--since REF`: the revision and the paths added since it (migrations older than it are
    /// history, not judged).
    pub migrations_since: Option<(String, std::collections::BTreeSet<String>)>,
    repo: &'r Repo,
    production: OnceLock<Arc<Corpus<'r>>>,
    routes: OnceLock<RouteMap<'r>>,
    orm_tables: OnceLock<Vec<Table>>,
    ci: OnceLock<ci::Ci<'r>>,
}

impl<'r> Context<'r> {
    pub fn new(repo: &'r Repo, today: (i32, u32, u32), remote: remote::RemoteFacts) -> Self {
        Context {
            today,
            remote,
            migrations_since: None,
            repo,
            production: OnceLock::new(),
            routes: OnceLock::new(),
            orm_tables: OnceLock::new(),
            ci: OnceLock::new(),
        }
    }

    /// Judges only the migrations among `since`'s paths (see `audit --since`).
    pub fn with_migrations_since(
        mut self,
        since: Option<(String, std::collections::BTreeSet<String>)>,
    ) -> Self {
        self.migrations_since = since;
        self
    }

    /// A context for an offline audit on the given date.
    pub fn offline(repo: &'r Repo, today: (i32, u32, u32)) -> Self {
        Context::new(repo, today, remote::RemoteFacts::default())
    }

    /// The service's production sources (main language), listed once per audit. Each file is
    /// masked once, when a check first reads its code, and every check shares that copy.
    pub fn production(&self) -> &Arc<Corpus<'r>> {
        self.production
            .get_or_init(|| Arc::new(Corpus::new(source::sources(self.repo, Scope::Production))))
    }

    /// The HTTP routes of the service's production code, extracted once per audit.
    pub fn routes(&self) -> &RouteMap<'r> {
        self.routes
            .get_or_init(|| source::routes::extract(self.repo, Arc::clone(self.production())))
    }

    /// The CI workflows, their jobs and what each job's steps run, analysed once per audit.
    pub fn ci(&self) -> &ci::Ci<'r> {
        self.ci.get_or_init(|| ci::Ci::new(self.repo))
    }

    /// The ORM model definitions of the service (see [`source::models::orm_tables`]), read
    /// once per audit: every language's are read, and `Production` keeps the main language's
    /// (and Prisma schemas, which belong to no language).
    pub fn orm_tables(&self, scope: Scope) -> Vec<Table> {
        let all = self
            .orm_tables
            .get_or_init(|| source::models::orm_tables(self.repo, Scope::AllLanguages));
        match scope {
            Scope::AllLanguages => all.clone(),
            Scope::Production => {
                let wanted = self.repo.stack().language.map_or(&[][..], source::syntaxes);
                all.iter()
                    .filter(|t| Syntax::of(&t.rel).is_none_or(|s| wanted.contains(&s)))
                    .cloned()
                    .collect()
            }
            Scope::Tests => source::models::orm_tables(self.repo, Scope::Tests),
        }
    }
}

impl std::fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("today", &self.today)
            .field("remote", &self.remote)
            .field("repo", &self.repo.path)
            .finish_non_exhaustive()
    }
}

/// A built-in check.
pub trait Check: Send + Sync {
    /// The public id (`tests.on-pull-request`).
    fn id(&self) -> &'static str;
    /// The doc comment: what it checks, why it matters, how to fix it.
    fn docs(&self) -> &'static str;
    fn run(&self, repo: &Repo, ctx: &Context<'_>) -> Outcome;
}

/// Declares a built-in check: a unit struct whose doc comment becomes its documentation (so
/// the docs `explain` prints can never drift from the code), run by the given function.
///
/// ```text
/// declare_check! {
///     /// What it checks. ## Why … ## How to fix …
///     VcsGit, "vcs.git", check
/// }
/// fn check(repo: &Repo, ctx: &Context) -> Outcome { … }
/// ```
#[macro_export]
macro_rules! declare_check {
    ($(#[doc = $doc:literal])+ $name:ident, $id:literal, $run:path) => {
        $(#[doc = $doc])+
        pub struct $name;
        impl $name {
            pub const ID: &'static str = $id;
            pub const DOCS: &'static str = concat!($($doc, "\n"),+);
        }
        impl $crate::audit::Check for $name {
            fn id(&self) -> &'static str {
                Self::ID
            }
            fn docs(&self) -> &'static str {
                Self::DOCS
            }
            fn run(
                &self,
                repo: &$crate::repo::Repo,
                ctx: &$crate::audit::Context<'_>,
            ) -> $crate::audit::Outcome {
                $run(repo, ctx)
            }
        }
    };
}
