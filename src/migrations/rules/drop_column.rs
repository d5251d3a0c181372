use super::{Dialect, Rule, RuleInfo, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a column dropped from an existing table: `ALTER TABLE … DROP COLUMN`,
    /// Alembic `op.drop_column`, Django `RemoveField`.
    ///
    /// ## Why is this bad?
    /// During a rolling deploy the previous release keeps running until the last instance is
    /// replaced. It still names the column in its `SELECT`s and `INSERT`s (ORMs list every
    /// mapped column), so from the moment the migration commits every such query fails.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE users DROP COLUMN phone;
    /// ```
    ///
    /// ## Fix
    /// Expand → contract. First ship a release that neither reads nor writes the column (and
    /// drop its `NOT NULL`, so inserts without it succeed). Once no running code knows the
    /// column, drop it in a later migration and mark that deliberate contract step with
    /// `-- new-service-ignore drop-column: <why it is safe now>`.
    /// `new-service migrations plan drop-column users.phone` writes both steps. In Django, remove
    /// the field from the model state first with `SeparateDatabaseAndState`.
    pub struct DropColumn {
        id: "drop-column",
        severity: Error,
        existing_rows: true,
        summary: "a column is dropped while the running release may still read or write it",
    }
}

impl Rule for DropColumn {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn message(&self, s: &Subject) -> String {
        format!(
            "drops column {}: the release still running during a rolling deploy names it in its queries, which fail from the moment the migration commits",
            s.column_ref()
        )
    }

    fn fix(&self, s: &Subject) -> String {
        match s.dialect {
            Dialect::Django => format!(
                "expand → contract: first make the field `null=True` and remove it from the model state only, with `migrations.SeparateDatabaseAndState(state_operations=[migrations.RemoveField(...)])`; deploy that release; then drop the column in a later migration marked {}",
                s.ignore_comment("drop-column")
            ),
            _ => format!(
                "expand → contract: first ship a release that neither reads nor writes {col} (and drop its NOT NULL so inserts without it succeed); then drop it in a later migration marked {ignore}. `new-service migrations plan drop-column {target}{tool}` writes both steps",
                col = s.column_ref(),
                ignore = s.ignore_comment("drop-column"),
                target = s.plan_target(),
                tool = s.plan_tool(),
            ),
        }
    }
}
