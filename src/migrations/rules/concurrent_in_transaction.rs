use super::{Dialect, Rule, RuleInfo, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags `CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY` and `REINDEX … CONCURRENTLY`
    /// that would run inside a transaction: between `BEGIN` and `COMMIT` in SQL, an Alembic call
    /// outside `op.get_context().autocommit_block()`, a Django concurrent operation in a
    /// migration that is still `atomic`.
    ///
    /// ## Why is this bad?
    /// PostgreSQL refuses it (`cannot run inside a transaction block`), so the deploy stops
    /// half-way through its migrations.
    ///
    /// ## Example
    /// ```python
    /// def upgrade():
    ///     op.create_index("ix_orders_day", "orders", ["day"], postgresql_concurrently=True)
    /// ```
    ///
    /// ## Fix
    /// Run it outside the transaction: in SQL, its own migration without `BEGIN`/`COMMIT`
    /// (sqlx: `-- no-transaction`); in Alembic, inside
    /// `with op.get_context().autocommit_block():`; in Django, `atomic = False` on the migration.
    pub struct ConcurrentInTransaction {
        id: "concurrent-in-transaction",
        severity: Error,
        existing_rows: false,
        summary: "a CONCURRENTLY operation runs inside a transaction, which PostgreSQL refuses",
    }
}

impl Rule for ConcurrentInTransaction {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn message(&self, s: &Subject) -> String {
        let what = s.detail.as_deref().unwrap_or("a CONCURRENTLY operation");
        format!(
            "runs {what} inside a transaction: PostgreSQL refuses it (cannot run inside a transaction block) and the deploy stops half-way"
        )
    }

    fn fix(&self, s: &Subject) -> String {
        match s.dialect {
            Dialect::Sql => "run it outside a transaction: its own migration without BEGIN/COMMIT (sqlx: `-- no-transaction` on the first line)".to_string(),
            Dialect::Alembic => "call it inside `with op.get_context().autocommit_block():`".to_string(),
            Dialect::Django => "set `atomic = False` on the Migration and keep the concurrent operation alone in it".to_string(),
        }
    }
}
