use super::{Dialect, Rule, RuleInfo, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a `NOT NULL` column added to an existing table without a database default:
    /// `ADD COLUMN … NOT NULL`, Alembic `op.add_column(sa.Column(…, nullable=False))` without
    /// `server_default`, Django `AddField` of a field without `null=True` and without
    /// `db_default`.
    ///
    /// ## Why is this bad?
    /// On a table with rows the migration fails outright. Where it does not (an empty table, or a
    /// default that is dropped right after, as Django does with `default=`), every `INSERT` from
    /// the release still running during the deploy — which does not know the column — fails.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;
    /// ```
    ///
    /// ## Fix
    /// Give the column a database default (a constant default is instant on PostgreSQL 11+), or
    /// add it nullable, backfill it, and enforce `NOT NULL` later with
    /// `new-service migrations plan add-not-null users.tenant_id --default EXPR`. Alembic:
    /// `server_default=`; Django 5.0+: `db_default=`.
    pub struct AddRequiredColumn {
        id: "add-required-column",
        severity: Error,
        existing_rows: true,
        summary: "a NOT NULL column without a database default is added to an existing table",
    }
}

impl Rule for AddRequiredColumn {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn message(&self, s: &Subject) -> String {
        match s.detail.as_deref() {
            Some("django-default") => format!(
                "adds NOT NULL field {} whose `default=` exists only while Django migrates: the column ends without a database default, so every INSERT from the running release, which does not know the field, fails",
                s.column_ref()
            ),
            _ => format!(
                "adds NOT NULL column {} without a database default: the migration fails on a table with rows, and INSERTs from the running release, which does not know the column, would fail",
                s.column_ref()
            ),
        }
    }

    fn fix(&self, s: &Subject) -> String {
        let how = match s.dialect {
            Dialect::Sql => "`DEFAULT <constant>` (instant on PostgreSQL 11+)",
            Dialect::Alembic => "`server_default=` (a constant is instant on PostgreSQL 11+)",
            Dialect::Django => "`db_default=` (Django 5.0+)",
        };
        format!(
            "give the column a database default with {how}, or add it nullable, backfill it and enforce NOT NULL later: `new-service migrations plan add-not-null {target} --default EXPR{tool}`",
            target = s.plan_target(),
            tool = s.plan_tool(),
        )
    }
}
