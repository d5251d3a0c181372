use super::{Dialect, Rule, RuleInfo, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a table renamed in place: `ALTER TABLE … RENAME TO`, Alembic `op.rename_table`,
    /// Django `RenameModel` and `AlterModelTable`.
    ///
    /// ## Why is this bad?
    /// The release still running during the deploy knows only the old name; every query it sends
    /// fails from the moment the rename commits until the new release is everywhere.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE users RENAME TO accounts;
    /// ```
    ///
    /// ## Fix
    /// Rename and leave the old name behind as a view in the same transaction:
    /// `ALTER TABLE users RENAME TO accounts; CREATE VIEW users AS SELECT * FROM accounts;` — a
    /// simple view is updatable, so the old release keeps reading and writing. Drop the view once
    /// no release uses the old name. In Django, rename the model in Python only and keep the
    /// table with `Meta.db_table`.
    pub struct RenameTable {
        id: "rename-table",
        severity: Error,
        existing_rows: true,
        summary: "a table is renamed in place, breaking the release that still uses the old name",
    }
}

impl Rule for RenameTable {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn message(&self, s: &Subject) -> String {
        let to = s.target_suffix(" to");
        format!(
            "renames table {}{to}: the release still running during a rolling deploy knows only the old name, so its queries fail until the new release is everywhere",
            s.table_ref()
        )
    }

    fn fix(&self, s: &Subject) -> String {
        let old = s.table.as_deref().unwrap_or("old_name");
        let new = s.target.as_deref().unwrap_or("new_name");
        match s.dialect {
            Dialect::Django => format!(
                "rename the model in Python only and keep its table with `class Meta: db_table = \"{old}\"`; if the table itself must change, rename it and create the view `{old}` over it in one `RunSQL` (see below), and drop the view once no release uses the old name: `ALTER TABLE {old} RENAME TO {new}; CREATE VIEW {old} AS SELECT * FROM {new};`"
            ),
            _ => format!(
                "rename it and keep the old name as a view in the same transaction: `ALTER TABLE {old} RENAME TO {new}; CREATE VIEW {old} AS SELECT * FROM {new};` (a simple view is updatable, so the old release keeps working); drop the view in a later migration once no release uses `{old}`"
            ),
        }
    }
}
