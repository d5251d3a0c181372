//! What the engine reports: one [`Finding`] per unsafe change, and the [`LintReport`] of a run.

use serde::Serialize;

/// How bad a finding is. Both make `migrations lint` exit 1; the audit and SARIF keep the level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Breaks the running release or blocks the table: fix before merging.
    Error,
    /// Risky or stale, worth a look: an unused ignore, a short lock that can queue.
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One unsafe change in one migration, with the safe sequence that replaces it.
///
/// The serialised field names are the public JSON contract (`schema_version` 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The file, `/`-separated, as it was given (relative to the walked root when walking).
    pub path: String,
    /// 1-based line of the statement or operation.
    pub line: u32,
    /// The rule id, e.g. `drop-column` (see `new-service migrations rules`).
    pub rule: &'static str,
    pub severity: Severity,
    /// What was found, and why it is unsafe under a rolling deploy.
    pub message: String,
    /// The safe expand/contract sequence that does the same change.
    pub fix: String,
}

/// The result of linting a set of files.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LintReport {
    pub findings: Vec<Finding>,
    /// How many migration files were read and linted (stdin counts as one).
    pub files_checked: usize,
    /// SQL migrations a folder search left out because they are written for another engine.
    pub not_judged: Vec<NotJudged>,
}

/// A SQL migration left out of the PostgreSQL rules: its name or folder names another engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotJudged {
    /// The file, `/`-separated, relative to the walked root as findings are.
    pub path: String,
    /// The engine it is written for (`MySQL`, `SQLite`, …).
    pub engine: &'static str,
}

impl LintReport {
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }
}
