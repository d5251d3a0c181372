use super::{Dialect, Rule, RuleInfo, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a `CHECK` or `FOREIGN KEY` constraint added to an existing table and validated at
    /// once: `ADD CONSTRAINT` without `NOT VALID`, `NOT VALID` and `VALIDATE CONSTRAINT` in the
    /// same transaction, a column added with `REFERENCES`, Alembic `op.create_foreign_key` /
    /// `op.create_check_constraint` without `postgresql_not_valid=True`, Django `AddConstraint`
    /// of a `CheckConstraint` and `AddField` of a `ForeignKey`.
    ///
    /// ## Why is this bad?
    /// Validation scans the whole table while holding a lock that blocks writes — for a foreign
    /// key, on both tables.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);
    /// ```
    ///
    /// ## Fix
    /// Add the constraint `NOT VALID` (instant; new writes are checked), then
    /// `ALTER TABLE … VALIDATE CONSTRAINT …` in a separate migration: validation takes a
    /// `SHARE UPDATE EXCLUSIVE` lock, so reads and writes go on.
    pub struct ConstraintNotValid {
        id: "constraint-not-valid",
        severity: Error,
        existing_rows: true,
        summary: "a constraint is added and validated at once, blocking writes during the scan",
    }
}

impl Rule for ConstraintNotValid {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn message(&self, s: &Subject) -> String {
        let name = s
            .target
            .as_deref()
            .map(|n| format!(" `{n}`"))
            .unwrap_or_default();
        let what = s.detail.as_deref().unwrap_or("adds constraint");
        format!(
            "{what}{name} on {} and validates it at once: the whole table is scanned while writes are blocked (for a foreign key, on both tables)",
            s.table_ref()
        )
    }

    fn fix(&self, s: &Subject) -> String {
        let how = match s.dialect {
            Dialect::Sql => "",
            Dialect::Alembic => {
                " (Alembic: `postgresql_not_valid=True`, or `op.execute` with the SQL)"
            }
            Dialect::Django => {
                " (Django: `RunSQL` inside `SeparateDatabaseAndState`, keeping the constraint in `state_operations`)"
            }
        };
        format!(
            "add it `NOT VALID` (instant; new writes are checked){how}, then `ALTER TABLE … VALIDATE CONSTRAINT …` in a separate migration, which lets reads and writes go on"
        )
    }
}
