use super::{Dialect, Rule, RuleInfo, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags an index built on an existing table without `CONCURRENTLY`: `CREATE INDEX`, Alembic
    /// `op.create_index` without `postgresql_concurrently=True`, Django `AddIndex`, and Django
    /// `AddField`/`AlterField` that add `db_index=True` or a `ForeignKey` (which Django indexes).
    ///
    /// ## Why is this bad?
    /// A plain `CREATE INDEX` holds a `SHARE` lock for the whole build: every `INSERT`, `UPDATE`
    /// and `DELETE` on the table waits, for minutes on a large table.
    ///
    /// ## Example
    /// ```sql
    /// CREATE INDEX orders_created_at_idx ON orders (created_at);
    /// ```
    ///
    /// ## Fix
    /// `CREATE INDEX CONCURRENTLY`, which lets writes go on, in a migration that runs outside a
    /// transaction (PostgreSQL refuses it inside one). Alembic: `postgresql_concurrently=True`
    /// inside `with op.get_context().autocommit_block():`. Django: `AddIndexConcurrently` from
    /// `django.contrib.postgres.operations` in a migration with `atomic = False`.
    pub struct IndexNotConcurrent {
        id: "index-not-concurrent",
        severity: Error,
        existing_rows: true,
        summary: "an index is built without CONCURRENTLY, blocking writes for the whole build",
    }
}

impl Rule for IndexNotConcurrent {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn message(&self, s: &Subject) -> String {
        let index = s.target_suffix("");
        format!(
            "builds index{index} on {} without CONCURRENTLY: every write to the table waits for the whole build",
            s.table_ref()
        )
    }

    fn fix(&self, s: &Subject) -> String {
        match s.dialect {
            Dialect::Sql => "use `CREATE INDEX CONCURRENTLY`, alone in a migration that runs outside a transaction (sqlx: `-- no-transaction`; golang-migrate and Flyway run it as is); if the build fails, drop the INVALID index and retry".to_string(),
            Dialect::Alembic => "pass `postgresql_concurrently=True` and call it inside `with op.get_context().autocommit_block():`, since PostgreSQL refuses a concurrent build inside a transaction".to_string(),
            Dialect::Django => "use `AddIndexConcurrently` (django.contrib.postgres.operations) in a migration with `atomic = False`; for a field index, declare the field without `db_index` and add the index that way".to_string(),
        }
    }
}
