use super::{Dialect, Rule, RuleInfo, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags an index dropped without `CONCURRENTLY`: `DROP INDEX`, Alembic `op.drop_index`
    /// without `postgresql_concurrently=True`, Django `RemoveIndex`.
    ///
    /// ## Why is this bad?
    /// `DROP INDEX` takes an `ACCESS EXCLUSIVE` lock on the table. The drop itself is quick, but
    /// the lock waits behind every running query on the table, and every query that arrives
    /// meanwhile queues behind the lock.
    ///
    /// ## Example
    /// ```sql
    /// DROP INDEX orders_created_at_idx;
    /// ```
    ///
    /// ## Fix
    /// `DROP INDEX CONCURRENTLY`, outside a transaction. Alembic: `postgresql_concurrently=True`
    /// inside `autocommit_block()`. Django: `RemoveIndexConcurrently` with `atomic = False`.
    pub struct DropIndexNotConcurrent {
        id: "drop-index-not-concurrent",
        severity: Warning,
        existing_rows: true,
        summary: "an index is dropped without CONCURRENTLY, queueing every query behind its lock",
    }
}

impl Rule for DropIndexNotConcurrent {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn message(&self, s: &Subject) -> String {
        let index = s.target_suffix("");
        format!(
            "drops index{index} without CONCURRENTLY: its ACCESS EXCLUSIVE lock waits behind running queries and every new query on the table queues behind it"
        )
    }

    fn fix(&self, s: &Subject) -> String {
        match s.dialect {
            Dialect::Sql => "use `DROP INDEX CONCURRENTLY`, alone in a migration that runs outside a transaction".to_string(),
            Dialect::Alembic => "pass `postgresql_concurrently=True` and call it inside `with op.get_context().autocommit_block():`".to_string(),
            Dialect::Django => "use `RemoveIndexConcurrently` (django.contrib.postgres.operations) in a migration with `atomic = False`".to_string(),
        }
    }
}
