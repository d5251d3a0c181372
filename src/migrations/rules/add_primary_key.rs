use super::{Rule, RuleInfo, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a primary key added to an existing table without an index built beforehand:
    /// `ADD PRIMARY KEY (…)`, `ADD COLUMN … PRIMARY KEY`, Alembic `op.create_primary_key`.
    ///
    /// ## Why is this bad?
    /// The primary key's unique index is built under an `ACCESS EXCLUSIVE` lock that blocks
    /// reads and writes for the whole build.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE events ADD PRIMARY KEY (id);
    /// ```
    ///
    /// ## Fix
    /// `CREATE UNIQUE INDEX CONCURRENTLY events_pkey ON events (id);` outside a transaction,
    /// then `ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey;`.
    pub struct AddPrimaryKey {
        id: "add-primary-key",
        severity: Error,
        existing_rows: true,
        summary: "a primary key builds its index under an exclusive lock",
    }
}

impl Rule for AddPrimaryKey {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn message(&self, s: &Subject) -> String {
        format!(
            "adds a primary key to {}: its index is built under an ACCESS EXCLUSIVE lock that blocks reads and writes",
            s.table_ref()
        )
    }

    fn fix(&self, _s: &Subject) -> String {
        "build the index first with `CREATE UNIQUE INDEX CONCURRENTLY name ON table (cols)` outside a transaction, then `ALTER TABLE table ADD CONSTRAINT name PRIMARY KEY USING INDEX name`".to_string()
    }
}
