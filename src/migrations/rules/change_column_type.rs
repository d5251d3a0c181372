use super::{Dialect, Rule, RuleInfo, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a column whose type changes in place: `ALTER COLUMN … TYPE`, Alembic
    /// `op.alter_column(…, type_=…)`, Django `AlterField` to another field class or a shorter
    /// `max_length` (read from the app's earlier migrations).
    ///
    /// ## Why is this bad?
    /// For most type changes PostgreSQL rewrites the whole table and rebuilds its indexes under
    /// an `ACCESS EXCLUSIVE` lock: no reads, no writes until it is done. And the release still
    /// running during the deploy may not understand values of the new type.
    ///
    /// Widening changes that PostgreSQL does without a rewrite (`varchar(n)` to a longer
    /// `varchar` or to `text`) are not flagged when the reader can see both types (Alembic's
    /// `existing_type`, Django's history); in raw SQL the old type is unknown, so mark such a
    /// change with an ignore that says so.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE orders ALTER COLUMN amount TYPE bigint;
    /// ```
    ///
    /// ## Fix
    /// Expand → migrate → contract: add a column of the new type, fill it from a trigger on every
    /// write, backfill in batches and verify, then swap the columns in one short transaction.
    /// `new-service migrations plan change-type orders.amount bigint` writes the migrations.
    pub struct ChangeColumnType {
        id: "change-column-type",
        severity: Error,
        existing_rows: true,
        summary: "a column type changes in place, rewriting the table under an exclusive lock",
    }
}

impl Rule for ChangeColumnType {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn message(&self, s: &Subject) -> String {
        let to = s.target_suffix(" to");
        format!(
            "changes the type of {}{to}: PostgreSQL rewrites the table and its indexes under an ACCESS EXCLUSIVE lock that blocks reads and writes, and the running release may not understand the new type",
            s.column_ref()
        )
    }

    fn fix(&self, s: &Subject) -> String {
        let ty = s.target.as_deref().unwrap_or("TYPE");
        let django = if s.dialect == Dialect::Django {
            " (apply its SQL with `RunSQL` inside `SeparateDatabaseAndState`)"
        } else {
            ""
        };
        format!(
            "expand → migrate → contract: add a column of the new type, fill it from a trigger on every write, backfill in batches and verify, then swap the columns in one short transaction. `new-service migrations plan change-type {target} {ty}{tool}` writes the migrations{django}; a widening that needs no rewrite (varchar to a longer varchar or to text) can be marked {ignore}",
            target = s.plan_target(),
            tool = s.plan_tool(),
            ignore = s.ignore_comment("change-column-type"),
        )
    }
}
