use super::{Rule, RuleInfo, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a column added with a default that PostgreSQL must compute row by row — a volatile
    /// function such as `gen_random_uuid()` or `clock_timestamp()`, or a `GENERATED … STORED`
    /// expression — and, with `--pg-version` below 11, any default. Alembic `server_default`
    /// text goes through the same check.
    ///
    /// ## Why is this bad?
    /// PostgreSQL rewrites the whole table to fill the column, holding an `ACCESS EXCLUSIVE`
    /// lock: reads and writes wait for the rewrite.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE orders ADD COLUMN uid uuid DEFAULT gen_random_uuid();
    /// ```
    ///
    /// ## Fix
    /// Add the column without the default (or with a constant one), set the default for new rows
    /// with `ALTER COLUMN … SET DEFAULT`, and backfill existing rows in batches.
    pub struct AddColumnRewrite {
        id: "add-column-rewrite",
        severity: Error,
        existing_rows: true,
        summary: "a column is added with a default that rewrites the whole table",
    }
}

impl Rule for AddColumnRewrite {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn message(&self, s: &Subject) -> String {
        format!(
            "adds column {} with a default that PostgreSQL must compute for every row (a volatile function, a stored generated column, or any default before PostgreSQL 11): the table is rewritten under an ACCESS EXCLUSIVE lock",
            s.column_ref()
        )
    }

    fn fix(&self, s: &Subject) -> String {
        let col = s.column.as_deref().unwrap_or("col");
        format!(
            "add {} without the default (or with a constant one), then `ALTER COLUMN {col} SET DEFAULT …` for new rows, and backfill existing rows in batches",
            s.column_ref()
        )
    }
}
