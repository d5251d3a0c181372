use super::{Dialect, Rule, RuleInfo, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a table dropped by a migration: `DROP TABLE`, Alembic `op.drop_table`, Django
    /// `DeleteModel`.
    ///
    /// ## Why is this bad?
    /// The release still running during the deploy may query the table; its requests fail from
    /// the moment the migration commits. A drop also cannot be rolled back by redeploying code:
    /// the data is gone.
    ///
    /// ## Example
    /// ```sql
    /// DROP TABLE legacy_sessions;
    /// ```
    ///
    /// ## Fix
    /// Contract only after expand: ship a release that no longer uses the table, keep a backup
    /// (`pg_dump -t`), then drop it in a later migration marked
    /// `-- new-service-ignore drop-table: <why it is safe now>`. In Django, delete the model from
    /// the state first with `SeparateDatabaseAndState`.
    pub struct DropTable {
        id: "drop-table",
        severity: Error,
        existing_rows: true,
        summary: "a table is dropped while the running release may still use it",
    }
}

impl Rule for DropTable {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn message(&self, s: &Subject) -> String {
        format!(
            "drops table {}: the release still running during a rolling deploy may query it, and its data cannot come back with a code rollback",
            s.table_ref()
        )
    }

    fn fix(&self, s: &Subject) -> String {
        match s.dialect {
            Dialect::Django => format!(
                "first delete the model from the state only (`migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(...)])`) and deploy; then drop the table in a later migration marked {}, after a backup",
                s.ignore_comment("drop-table")
            ),
            _ => format!(
                "first ship a release that no longer uses {}; back it up (`pg_dump -t`); then drop it in a later migration marked {}",
                s.table_ref(),
                s.ignore_comment("drop-table")
            ),
        }
    }
}
