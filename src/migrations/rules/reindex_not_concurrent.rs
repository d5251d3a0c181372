use super::{Rule, RuleInfo, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags `REINDEX` without `CONCURRENTLY`.
    ///
    /// ## Why is this bad?
    /// A plain `REINDEX` blocks writes to the table, and reads that would use the index, until
    /// the rebuild is done.
    ///
    /// ## Example
    /// ```sql
    /// REINDEX INDEX orders_created_at_idx;
    /// ```
    ///
    /// ## Fix
    /// `REINDEX INDEX CONCURRENTLY …` (PostgreSQL 12+), outside a transaction.
    pub struct ReindexNotConcurrent {
        id: "reindex-not-concurrent",
        severity: Warning,
        existing_rows: false,
        summary: "REINDEX without CONCURRENTLY blocks writes while it rebuilds",
    }
}

impl Rule for ReindexNotConcurrent {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn message(&self, _s: &Subject) -> String {
        "rebuilds an index without CONCURRENTLY: writes to the table, and reads that use the index, wait until it is done".to_string()
    }

    fn fix(&self, _s: &Subject) -> String {
        "use `REINDEX … CONCURRENTLY` (PostgreSQL 12+), alone in a migration that runs outside a transaction".to_string()
    }
}
