use super::{Dialect, Rule, RuleInfo, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a column renamed in place: `ALTER TABLE … RENAME COLUMN`, Alembic
    /// `op.alter_column(…, new_column_name=…)`, Django `RenameField`.
    ///
    /// ## Why is this bad?
    /// The rename is instant, and that is the problem: the release still running during the
    /// deploy knows only the old name, so all its queries on the column fail until the new
    /// release has replaced it everywhere — and a rollback of the code breaks the other way.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE users RENAME COLUMN phone TO phone_number;
    /// ```
    ///
    /// ## Fix
    /// Expand → migrate → contract: add the new column beside the old one and keep both in step
    /// with a trigger (expand), backfill in batches and verify (migrate), move the code to the new
    /// name, then drop the trigger and the old column (contract).
    /// `new-service migrations plan rename-column users.phone phone_number` writes the three
    /// migrations. In Django, rename the field in Python only and keep the column with
    /// `db_column="phone"`.
    pub struct RenameColumn {
        id: "rename-column",
        severity: Error,
        existing_rows: true,
        summary: "a column is renamed in place, breaking the release that still uses the old name",
    }
}

impl Rule for RenameColumn {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn message(&self, s: &Subject) -> String {
        let to = s.target_suffix(" to");
        format!(
            "renames column {}{to}: the release still running during a rolling deploy knows only the old name, so its queries fail until the new release is everywhere",
            s.column_ref()
        )
    }

    fn fix(&self, s: &Subject) -> String {
        let new = s.target.as_deref().unwrap_or("NEW");
        let old = s.column.as_deref().unwrap_or("OLD");
        match s.dialect {
            Dialect::Django => format!(
                "rename the field in Python only: keep `db_column=\"{old}\"` on the renamed field, so the database column never changes; if the column itself must change, follow expand → migrate → contract (`new-service migrations plan rename-column {target} {new}` writes the SQL for `RunSQL` inside `SeparateDatabaseAndState`)",
                target = s.plan_target(),
            ),
            _ => format!(
                "expand → migrate → contract: add `{new}` beside `{old}` and keep both in step with a trigger, backfill in batches and verify, move the code to `{new}`, then drop the trigger and `{old}`. `new-service migrations plan rename-column {target} {new}{tool}` writes the three migrations",
                target = s.plan_target(),
                tool = s.plan_tool(),
            ),
        }
    }
}
