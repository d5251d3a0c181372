//! `migrations plan`: the safe sequence for a change, written as ordered, reversible migrations.
//!
//! - expand: the new shape beside the old one, kept in step by a trigger, so the release that
//!   is running and the one being deployed both work;
//! - migrate: a batched, resumable backfill (one transaction per batch) that ends with a
//!   consistency check;
//! - contract: the old shape removed, in one short transaction, guarded against dependents.
//!
//! [`sql`] writes the statements, [`render`] turns them into plain SQL files or Alembic
//! revisions chained by `down_revision`, plus a README. Building and rendering are pure; only
//! [`write`] and [`alembic_head`] touch the disk.

pub mod render;
pub mod sql;

use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;

pub use render::{PlannedFile, RenderOptions, render};

use crate::migrations::alembic;
use crate::migrations::sql::split_qualified;

/// Everything that can stop a plan.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("`{0}` is not TABLE.COLUMN or SCHEMA.TABLE.COLUMN")]
    Target(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{what} `{text}` is not valid SQL: {message}")]
    Sql {
        what: &'static str,
        text: String,
        message: String,
    },
    #[error("{} already exists (pass --force to overwrite)", path.display())]
    Exists { path: PathBuf },
    #[error(
        "the Alembic history in {} has several heads ({heads}): pass --down-revision",
        dir.display()
    )]
    MultipleHeads { dir: PathBuf, heads: String },
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Where the plan's files go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// Plain SQL: `VERSION_name.up.sql` / `.down.sql` (golang-migrate, sqlx, psql).
    Sql,
    /// Alembic revisions chained by `down_revision`.
    Alembic,
}

impl FromStr for Tool {
    type Err = PlanError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "sql" => Ok(Tool::Sql),
            "alembic" => Ok(Tool::Alembic),
            other => Err(PlanError::Invalid(format!(
                "unknown tool `{other}` (expected sql or alembic)"
            ))),
        }
    }
}

/// `schema.table.column` as PostgreSQL reads it: unquoted parts fold to lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnRef {
    pub schema: Option<String>,
    pub table: String,
    pub column: String,
}

impl FromStr for ColumnRef {
    type Err = PlanError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts = split_qualified(s).ok_or_else(|| PlanError::Target(s.to_string()))?;
        match parts.as_slice() {
            [table, column] => Ok(ColumnRef {
                schema: None,
                table: table.clone(),
                column: column.clone(),
            }),
            [schema, table, column] => Ok(ColumnRef {
                schema: Some(schema.clone()),
                table: table.clone(),
                column: column.clone(),
            }),
            _ => Err(PlanError::Target(s.to_string())),
        }
    }
}

/// The change to plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    RenameColumn {
        new_name: String,
    },
    ChangeType {
        new_type: String,
        /// Conversion from the old column, like `ALTER … TYPE … USING` (default: a cast).
        using: Option<String>,
        /// The current type, which makes the contract step reversible.
        from_type: Option<String>,
    },
    AddNotNull {
        default: String,
    },
    DropColumn {
        /// The column's type, which lets the contract's rollback re-add it (empty).
        column_type: Option<String>,
    },
}

/// A plan to build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRequest {
    pub target: ColumnRef,
    pub change: Change,
    /// A unique, sortable column the backfill walks (the primary key).
    pub key: String,
    pub batch_size: u32,
    /// Pause between backfill batches, to let replicas and autovacuum keep up.
    pub pause_ms: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhaseKind {
    Expand,
    Migrate,
    Contract,
}

impl PhaseKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PhaseKind::Expand => "expand",
            PhaseKind::Migrate => "migrate",
            PhaseKind::Contract => "contract",
        }
    }
}

/// One SQL statement, with the comment that explains it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub comment: String,
    /// Empty for a comment-only step.
    pub sql: String,
}

/// One migration of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phase {
    pub kind: PhaseKind,
    pub summary: String,
    /// What to deploy or check before applying the next phase.
    pub before_next: String,
    pub up: Vec<Statement>,
    pub down: Vec<Statement>,
    /// Runs outside a transaction: the backfill commits batch by batch.
    pub no_transaction: bool,
}

/// A built plan, ready to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub request: PlanRequest,
    /// File-name friendly: `rename_users_phone_to_phone_number`.
    pub slug: String,
    /// For people: "Rename users.phone to phone_number".
    pub title: String,
    pub phases: Vec<Phase>,
}

/// Checks the request and builds the phases.
pub fn build(request: PlanRequest) -> Result<Plan, PlanError> {
    if request.batch_size == 0 {
        return Err(PlanError::Invalid("--batch-size must be at least 1".into()));
    }
    let t = &request.target;
    let qualified = format!("{}.{}", t.table, t.column);
    let (slug, title) = match &request.change {
        Change::RenameColumn { new_name } => {
            if new_name.is_empty() || *new_name == t.column {
                return Err(PlanError::Invalid(format!(
                    "the new name must differ from `{}`",
                    t.column
                )));
            }
            (
                format!("rename_{}_{}_to_{new_name}", t.table, t.column),
                format!("Rename {qualified} to {new_name}"),
            )
        }
        Change::ChangeType {
            new_type,
            using,
            from_type,
        } => {
            check_sql(
                "type",
                new_type,
                &format!("SELECT CAST(NULL AS {new_type})"),
            )?;
            if let Some(from) = from_type {
                check_sql("type", from, &format!("SELECT CAST(NULL AS {from})"))?;
            }
            if let Some(expr) = using {
                check_sql("expression", expr, &format!("SELECT {expr}"))?;
            }
            (
                format!("change_type_{}_{}", t.table, t.column),
                format!("Change the type of {qualified} to {new_type}"),
            )
        }
        Change::AddNotNull { default } => {
            check_sql("default", default, &format!("SELECT {default}"))?;
            (
                format!("add_not_null_{}_{}", t.table, t.column),
                format!("Make {qualified} NOT NULL (default {default})"),
            )
        }
        Change::DropColumn { column_type } => {
            if let Some(ty) = column_type {
                check_sql("type", ty, &format!("SELECT CAST(NULL AS {ty})"))?;
            }
            (
                format!("drop_{}_{}", t.table, t.column),
                format!("Drop {qualified}"),
            )
        }
    };
    let phases = sql::phases(&request);
    Ok(Plan {
        slug: slugify(&slug),
        title,
        phases,
        request,
    })
}

/// A fragment the user typed goes into generated SQL verbatim: make sure it is one valid piece
/// of SQL, so a typo fails here and not half-way through a deploy.
fn check_sql(what: &'static str, text: &str, probe: &str) -> Result<(), PlanError> {
    if text.trim().is_empty() || text.contains(';') {
        return Err(PlanError::Sql {
            what,
            text: text.to_string(),
            message: "it must be a single fragment without `;`".into(),
        });
    }
    let doc = squawk_syntax::SourceFile::parse(probe);
    match doc.errors().first() {
        Some(e) => Err(PlanError::Sql {
            what,
            text: text.to_string(),
            message: e.message().to_string(),
        }),
        None => Ok(()),
    }
}

fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

/// The head of the Alembic history in `dir` (ignoring the files named in `except`, the ones a
/// rerun with `--force` replaces): `None` for an empty history.
pub fn alembic_head(dir: &Path, except: &[String]) -> Result<Option<String>, PlanError> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(None);
    };
    let mut revisions = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".py") || name == "__init__.py" || except.contains(&name) {
            continue;
        }
        let path = entry.path();
        let text = fs::read_to_string(&path).map_err(|source| PlanError::Read {
            path: path.clone(),
            source,
        })?;
        if let Some(info) = alembic::revision_info(&text) {
            revisions.push(info);
        }
    }
    let mut heads: Vec<String> = revisions
        .iter()
        .filter(|r| {
            !revisions
                .iter()
                .any(|other| other.down_revisions.contains(&r.revision))
        })
        .map(|r| r.revision.clone())
        .collect();
    heads.sort();
    match heads.len() {
        0 => Ok(None),
        1 => Ok(heads.pop()),
        _ => Err(PlanError::MultipleHeads {
            dir: dir.to_path_buf(),
            heads: heads.join(", "),
        }),
    }
}

/// Writes `files` into `dir` (created if needed). Refuses to replace a file unless `force`,
/// checking every name before writing any, so a refusal leaves nothing half-written.
pub fn write(dir: &Path, files: &[PlannedFile], force: bool) -> Result<Vec<PathBuf>, PlanError> {
    if !force {
        for file in files {
            let path = dir.join(&file.name);
            if path.exists() {
                return Err(PlanError::Exists { path });
            }
        }
    }
    fs::create_dir_all(dir).map_err(|source| PlanError::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut written = Vec::with_capacity(files.len());
    for file in files {
        let path = dir.join(&file.name);
        fs::write(&path, &file.contents).map_err(|source| PlanError::Write {
            path: path.clone(),
            source,
        })?;
        written.push(path);
    }
    Ok(written)
}

/// `YYYYMMDDHHMMSS` in UTC, the version prefix golang-migrate and sqlx use.
pub fn utc_version(now: std::time::SystemTime) -> u64 {
    let secs = now
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let date = u64::try_from(year * 10_000 + month * 100 + day).unwrap_or(0);
    date * 1_000_000 + (rem / 3600) * 10_000 + (rem % 3600 / 60) * 100 + rem % 60
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn targets_fold_like_postgres_unless_quoted() {
        let c: ColumnRef = "Users.Phone".parse().unwrap();
        assert_eq!((c.table.as_str(), c.column.as_str()), ("users", "phone"));
        let c: ColumnRef = "app.\"Users\".\"e.mail\"".parse().unwrap();
        assert_eq!(c.schema.as_deref(), Some("app"));
        assert_eq!((c.table.as_str(), c.column.as_str()), ("Users", "e.mail"));
        for bad in ["users", "a.b.c.d", "users.", ".phone", "\"users.phone"] {
            assert!(bad.parse::<ColumnRef>().is_err(), "{bad}");
        }
    }

    #[test]
    fn sql_fragments_are_checked_before_anything_is_written() {
        let request = |change| PlanRequest {
            target: "users.email".parse().unwrap(),
            change,
            key: "id".into(),
            batch_size: 100,
            pause_ms: 0,
        };
        assert!(
            build(request(Change::AddNotNull {
                default: "'x'; DROP TABLE users".into()
            }))
            .is_err()
        );
        assert!(
            build(request(Change::ChangeType {
                new_type: "big int(".into(),
                using: None,
                from_type: None
            }))
            .is_err()
        );
        assert!(
            build(request(Change::AddNotNull {
                default: "''".into()
            }))
            .is_ok()
        );
    }

    #[test]
    fn utc_versions_are_calendar_timestamps() {
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_709_251_199);
        assert_eq!(utc_version(t), 20_240_229_235_959);
        assert_eq!(utc_version(std::time::UNIX_EPOCH), 19_700_101_000_000);
    }
}
