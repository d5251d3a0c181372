use super::{Rule, RuleInfo, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags an ignore comment that cannot be honoured: one without a reason, one that names no
    /// rule or an unknown rule, and a `squawk-ignore` comment without a trailing `-- reason`.
    ///
    /// ## Why is this bad?
    /// An ignore is a decision that the next reader has to trust. Without the reason, nobody can
    /// tell a deliberate contract step from a silenced mistake. The finding it meant to silence
    /// is reported too.
    ///
    /// ## Example
    /// ```sql
    /// -- new-service-ignore drop-column
    /// ALTER TABLE users DROP COLUMN phone;
    /// ```
    ///
    /// ## Fix
    /// Name the rules and say why, after a colon:
    /// `-- new-service-ignore drop-column: no release reads phone since 2.4 (PR #312)`
    /// (`#` in Python). `-- new-service-ignore-file RULE: reason` covers the whole file.
    pub struct InvalidIgnore {
        id: "invalid-ignore",
        severity: Error,
        existing_rows: false,
        summary: "an ignore comment has no reason or names an unknown rule",
    }
}

impl Rule for InvalidIgnore {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn message(&self, s: &Subject) -> String {
        s.detail
            .clone()
            .unwrap_or_else(|| "ignore comment cannot be honoured".to_string())
    }

    fn fix(&self, s: &Subject) -> String {
        let lead = match s.dialect {
            super::Dialect::Sql => "--",
            _ => "#",
        };
        format!(
            "write `{lead} new-service-ignore RULE[, RULE]: why it is safe here` on the line before the statement (`new-service-ignore-file` for the whole file); `new-service migrations rules` lists the rules"
        )
    }
}
