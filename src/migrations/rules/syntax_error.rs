use super::{Rule, RuleInfo, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a migration that could not be read: SQL the parser rejects, or Python whose
    /// strings or brackets do not close.
    ///
    /// ## Why is this bad?
    /// Statements after the error may go unchecked, and a migration that does not parse will
    /// usually fail when it runs, too.
    ///
    /// ## Example
    /// ```sql
    /// ALTER TABLE users ADD COLUMN;
    /// ```
    ///
    /// ## Fix
    /// Fix the syntax. For templated SQL (Flyway `${placeholders}`, Liquibase properties),
    /// lint the rendered SQL on standard input instead: `… | new-service migrations lint -`.
    pub struct SyntaxError {
        id: "syntax-error",
        severity: Error,
        existing_rows: false,
        summary: "the migration could not be parsed",
    }
}

impl Rule for SyntaxError {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn message(&self, s: &Subject) -> String {
        let what = s.detail.as_deref().unwrap_or("syntax error");
        format!(
            "could not parse the migration ({what}): statements after this point may be unchecked"
        )
    }

    fn fix(&self, _s: &Subject) -> String {
        "fix the syntax; for templated SQL (Flyway placeholders), lint the rendered SQL on standard input: `… | new-service migrations lint -`".to_string()
    }
}
