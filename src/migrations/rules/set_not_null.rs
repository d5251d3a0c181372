use super::{Dialect, Rule, RuleInfo, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags `ALTER COLUMN … SET NOT NULL` on an existing table, Alembic
    /// `op.alter_column(…, nullable=False)`, and Django `AlterField` from `null=True` to not null.
    ///
    /// ## Why is this bad?
    /// PostgreSQL checks every row while holding an `ACCESS EXCLUSIVE` lock: reads and writes
    /// wait for the whole scan. The release still running during the deploy may also still write
    /// `NULL`, and those writes start failing.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE users ALTER COLUMN email SET NOT NULL;
    /// ```
    ///
    /// ## Fix
    /// Add `CHECK (email IS NOT NULL) NOT VALID` (instant; enforced for new writes), backfill the
    /// `NULL`s in batches, `VALIDATE CONSTRAINT` in a separate migration (reads and writes go
    /// on), then `SET NOT NULL` — PostgreSQL 12+ sees the validated check and skips the scan —
    /// and drop the check. `new-service migrations plan add-not-null users.email --default EXPR`
    /// writes the migrations.
    pub struct SetNotNull {
        id: "set-not-null",
        severity: Error,
        existing_rows: true,
        summary: "NOT NULL is set by scanning the table under an exclusive lock",
    }
}

impl Rule for SetNotNull {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn message(&self, s: &Subject) -> String {
        format!(
            "sets {} NOT NULL: PostgreSQL scans every row under an ACCESS EXCLUSIVE lock that blocks reads and writes, and the running release may still write NULL",
            s.column_ref()
        )
    }

    fn fix(&self, s: &Subject) -> String {
        let col = s.column.as_deref().unwrap_or("col");
        let django = if s.dialect == Dialect::Django {
            " (run the SQL with `RunSQL` inside `SeparateDatabaseAndState`, keeping `AlterField` in `state_operations`)"
        } else {
            ""
        };
        format!(
            "add `CHECK ({col} IS NOT NULL) NOT VALID`, backfill the NULLs in batches, `VALIDATE CONSTRAINT` in a separate migration, then SET NOT NULL (PostgreSQL 12+ uses the validated check and skips the scan) and drop the check{django}. `new-service migrations plan add-not-null {target} --default EXPR{tool}` writes the migrations",
            target = s.plan_target(),
            tool = s.plan_tool(),
        )
    }
}
