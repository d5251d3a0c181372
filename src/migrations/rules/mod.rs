//! The rules: one file per rule, each a unit struct whose doc comment is its documentation
//! (`new-service migrations rules ID` prints it), plus the message and the safe expand/contract
//! fix that its findings carry.
//!
//! Readers do not write messages: they report a [`RuleId`] and a [`Subject`] (the table, column
//! and whatever else they know), and the rule turns that into words, so a `DROP COLUMN` in SQL,
//! an `op.drop_column` and a Django `RemoveField` read the same and are silenced the same way.
//! To add a rule: a file here with `declare_rule!`, a variant in [`RuleId`] and one line in
//! [`RuleId::rule`], fixtures under `tests/fixtures/migrations/`.

mod add_column_rewrite;
mod add_primary_key;
mod add_required_column;
mod add_unique_constraint;
mod change_column_type;
mod concurrent_in_transaction;
mod constraint_not_valid;
mod drop_column;
mod drop_index_not_concurrent;
mod drop_table;
mod index_not_concurrent;
mod invalid_ignore;
mod reindex_not_concurrent;
mod rename_column;
mod rename_table;
mod set_not_null;
mod syntax_error;
mod unused_ignore;

use std::fmt;
use std::str::FromStr;

use crate::migrations::Severity;

/// What a rule is, independent of any finding.
#[derive(Debug)]
pub struct RuleInfo {
    pub id: &'static str,
    pub severity: Severity,
    /// The rule protects rows that already exist (or code that already uses the object), so a
    /// table created in the same migration is exempt.
    pub existing_rows: bool,
    /// One line for `migrations rules` and SARIF.
    pub summary: &'static str,
    /// The rule's doc comment: what it does, why it is unsafe, an example, the fix.
    pub docs: &'static str,
}

impl RuleInfo {
    /// The documentation as Markdown, without the one space rustdoc keeps after `///`.
    pub fn docs_markdown(&self) -> String {
        let mut out = String::new();
        for line in self.docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }
}

/// A rule: fixed facts plus the words of its findings.
pub trait Rule: Sync {
    fn info(&self) -> &'static RuleInfo;
    /// What was found and why it is unsafe under a rolling deploy (lower-case, one sentence).
    fn message(&self, s: &Subject) -> String;
    /// The safe sequence, with the subject's names filled in.
    fn fix(&self, s: &Subject) -> String;
}

/// Which reader found the change: the fix is written in that tool's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dialect {
    #[default]
    Sql,
    Alembic,
    Django,
}

/// What a finding is about, as far as the reader could tell.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subject {
    pub dialect: Dialect,
    /// The table (SQL, Alembic) or model (Django).
    pub table: Option<String>,
    /// The column (SQL, Alembic) or field (Django).
    pub column: Option<String>,
    /// The other name involved: the new name of a rename, the new type, the index.
    pub target: Option<String>,
    /// A reader-specific remark that changes the explanation (e.g. Django's `default=`).
    pub detail: Option<String>,
    /// The database table when `table` names something else (a Django model: `shop_book`).
    pub db_table: Option<String>,
}

impl Subject {
    pub fn new(dialect: Dialect) -> Self {
        Subject {
            dialect,
            ..Subject::default()
        }
    }

    pub fn table(mut self, table: impl Into<String>) -> Self {
        self.table = Some(table.into());
        self
    }

    pub fn column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }

    pub fn target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn maybe_table(mut self, table: Option<String>) -> Self {
        self.table = table;
        self
    }

    pub fn maybe_column(mut self, column: Option<String>) -> Self {
        self.column = column;
        self
    }

    pub fn maybe_target(mut self, target: Option<String>) -> Self {
        self.target = target;
        self
    }

    /// `` `users.phone` ``, `` `phone` `` or "a column".
    pub fn column_ref(&self) -> String {
        match (&self.table, &self.column) {
            (Some(t), Some(c)) => format!("`{t}.{c}`"),
            (None, Some(c)) => format!("`{c}`"),
            _ => "a column".to_string(),
        }
    }

    /// `` {lead} `target` `` when there is a target, else nothing: " to `phone_number`".
    pub fn target_suffix(&self, lead: &str) -> String {
        self.target
            .as_deref()
            .map(|t| format!("{lead} `{t}`"))
            .unwrap_or_default()
    }

    /// `` `users` `` or "the table".
    pub fn table_ref(&self) -> String {
        match &self.table {
            Some(t) => format!("`{t}`"),
            None => "the table".to_string(),
        }
    }

    /// `TABLE.COLUMN` for a `migrations plan` command line.
    pub fn plan_target(&self) -> String {
        format!(
            "{}.{}",
            self.db_table
                .as_deref()
                .or(self.table.as_deref())
                .unwrap_or("TABLE"),
            self.column.as_deref().unwrap_or("COLUMN")
        )
    }

    /// ` --tool alembic` when the finding came from Alembic.
    pub fn plan_tool(&self) -> &'static str {
        match self.dialect {
            Dialect::Alembic => " --tool alembic",
            _ => "",
        }
    }

    /// The comment that marks a deliberate contract step, in the file's own comment syntax.
    pub fn ignore_comment(&self, rule: &str) -> String {
        let lead = match self.dialect {
            Dialect::Sql => "--",
            Dialect::Alembic | Dialect::Django => "#",
        };
        format!("`{lead} new-service-ignore {rule}: <why it is safe now>`")
    }
}

/// Every rule, by id. The order is the order of `migrations rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RuleId {
    DropColumn,
    RenameColumn,
    DropTable,
    RenameTable,
    ChangeColumnType,
    SetNotNull,
    AddRequiredColumn,
    AddColumnRewrite,
    IndexNotConcurrent,
    DropIndexNotConcurrent,
    ConcurrentInTransaction,
    ConstraintNotValid,
    AddUniqueConstraint,
    AddPrimaryKey,
    ReindexNotConcurrent,
    InvalidIgnore,
    UnusedIgnore,
    SyntaxError,
}

impl RuleId {
    pub const ALL: [RuleId; 18] = [
        RuleId::DropColumn,
        RuleId::RenameColumn,
        RuleId::DropTable,
        RuleId::RenameTable,
        RuleId::ChangeColumnType,
        RuleId::SetNotNull,
        RuleId::AddRequiredColumn,
        RuleId::AddColumnRewrite,
        RuleId::IndexNotConcurrent,
        RuleId::DropIndexNotConcurrent,
        RuleId::ConcurrentInTransaction,
        RuleId::ConstraintNotValid,
        RuleId::AddUniqueConstraint,
        RuleId::AddPrimaryKey,
        RuleId::ReindexNotConcurrent,
        RuleId::InvalidIgnore,
        RuleId::UnusedIgnore,
        RuleId::SyntaxError,
    ];

    /// The registry: one line per rule.
    pub fn rule(self) -> &'static dyn Rule {
        match self {
            RuleId::DropColumn => &drop_column::DropColumn,
            RuleId::RenameColumn => &rename_column::RenameColumn,
            RuleId::DropTable => &drop_table::DropTable,
            RuleId::RenameTable => &rename_table::RenameTable,
            RuleId::ChangeColumnType => &change_column_type::ChangeColumnType,
            RuleId::SetNotNull => &set_not_null::SetNotNull,
            RuleId::AddRequiredColumn => &add_required_column::AddRequiredColumn,
            RuleId::AddColumnRewrite => &add_column_rewrite::AddColumnRewrite,
            RuleId::IndexNotConcurrent => &index_not_concurrent::IndexNotConcurrent,
            RuleId::DropIndexNotConcurrent => &drop_index_not_concurrent::DropIndexNotConcurrent,
            RuleId::ConcurrentInTransaction => &concurrent_in_transaction::ConcurrentInTransaction,
            RuleId::ConstraintNotValid => &constraint_not_valid::ConstraintNotValid,
            RuleId::AddUniqueConstraint => &add_unique_constraint::AddUniqueConstraint,
            RuleId::AddPrimaryKey => &add_primary_key::AddPrimaryKey,
            RuleId::ReindexNotConcurrent => &reindex_not_concurrent::ReindexNotConcurrent,
            RuleId::InvalidIgnore => &invalid_ignore::InvalidIgnore,
            RuleId::UnusedIgnore => &unused_ignore::UnusedIgnore,
            RuleId::SyntaxError => &syntax_error::SyntaxError,
        }
    }

    pub fn info(self) -> &'static RuleInfo {
        self.rule().info()
    }

    pub fn as_str(self) -> &'static str {
        self.info().id
    }

    /// Rules about the ignore comments themselves and unreadable input: they cannot be ignored.
    pub fn is_meta(self) -> bool {
        matches!(
            self,
            RuleId::InvalidIgnore | RuleId::UnusedIgnore | RuleId::SyntaxError
        )
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An id that names no rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown rule `{0}` (see `new-service migrations rules`)")]
pub struct UnknownRule(pub String);

impl FromStr for RuleId {
    type Err = UnknownRule;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RuleId::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRule(s.to_string()))
    }
}

/// Declares a rule's unit struct and its [`RuleInfo`], taking the doc comment as its docs so
/// the documentation can never drift from the code.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])+
        pub struct $name:ident {
            id: $id:literal,
            severity: $sev:ident,
            existing_rows: $rows:literal,
            summary: $summary:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])+
        pub struct $name;

        impl $name {
            pub const INFO: $crate::migrations::rules::RuleInfo =
                $crate::migrations::rules::RuleInfo {
                    id: $id,
                    severity: $crate::migrations::Severity::$sev,
                    existing_rows: $rows,
                    summary: $summary,
                    docs: concat!($($doc, "\n"),+),
                };
        }
    };
}
pub(crate) use declare_rule;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_an_id_that_parses_back() {
        for id in RuleId::ALL {
            assert_eq!(id.as_str().parse::<RuleId>(), Ok(id));
        }
        assert!("no-such-rule".parse::<RuleId>().is_err());
    }

    #[test]
    fn every_rule_documents_what_why_example_and_fix() {
        for id in RuleId::ALL {
            let docs = id.info().docs_markdown();
            for heading in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Fix",
            ] {
                assert!(docs.contains(heading), "{id} lacks `{heading}`");
            }
        }
    }

    #[test]
    fn messages_are_lower_case_and_fixes_are_not_empty() {
        let subject = Subject::new(Dialect::Sql)
            .table("users")
            .column("phone")
            .target("phone_number");
        for id in RuleId::ALL {
            let rule = id.rule();
            let message = rule.message(&subject);
            let first = message.chars().next().unwrap_or('X');
            assert!(
                !first.is_uppercase(),
                "{id}: message starts upper-case: {message}"
            );
            assert!(!message.ends_with('.'), "{id}: message ends with a period");
            assert!(!rule.fix(&subject).trim().is_empty(), "{id}: empty fix");
        }
    }
}
