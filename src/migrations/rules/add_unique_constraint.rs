use super::{Dialect, Rule, RuleInfo, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a `UNIQUE` constraint added to an existing table without an index built
    /// beforehand: `ADD CONSTRAINT … UNIQUE (…)`, `ADD COLUMN … UNIQUE`, Alembic
    /// `op.create_unique_constraint`, Django `AddConstraint` of a `UniqueConstraint`,
    /// `unique=True` on `AddField`/`AlterField`, and `AlterUniqueTogether` adding a set.
    ///
    /// ## Why is this bad?
    /// The unique index behind the constraint is built under an `ACCESS EXCLUSIVE` lock: no
    /// reads, no writes until it is done.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
    /// ```
    ///
    /// ## Fix
    /// `CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);` in one migration
    /// (outside a transaction), then `ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE
    /// USING INDEX users_email_key;`, which is instant.
    pub struct AddUniqueConstraint {
        id: "add-unique-constraint",
        severity: Error,
        existing_rows: true,
        summary: "a UNIQUE constraint builds its index under an exclusive lock",
    }
}

impl Rule for AddUniqueConstraint {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn message(&self, s: &Subject) -> String {
        format!(
            "adds a UNIQUE constraint on {}: its index is built under an ACCESS EXCLUSIVE lock that blocks reads and writes",
            s.table_ref()
        )
    }

    fn fix(&self, s: &Subject) -> String {
        let django = if s.dialect == Dialect::Django {
            " (Django: run both with `RunSQL` inside `SeparateDatabaseAndState`, keeping the constraint in `state_operations`)"
        } else {
            ""
        };
        "build the index first with `CREATE UNIQUE INDEX CONCURRENTLY name ON table (cols)` outside a transaction, then attach it instantly with `ALTER TABLE table ADD CONSTRAINT name UNIQUE USING INDEX name`".to_string() + django
    }
}
