use super::{Rule, RuleInfo, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a `new-service-ignore` comment that silences nothing: no finding of the rules it
    /// names is on the statement it precedes (or anywhere in the file, for
    /// `new-service-ignore-file`).
    ///
    /// ## Why is this bad?
    /// A stale ignore usually sits on the wrong line, so the statement it was meant for is not
    /// covered — or it will silently cover the next unsafe change someone writes there.
    ///
    /// ## Example
    /// ```sql
    /// -- new-service-ignore drop-column: old column unused since 2.4
    /// ALTER TABLE users ADD COLUMN phone_number text;
    /// ```
    ///
    /// ## Fix
    /// Remove the comment, or move it onto the line just before the statement it is for.
    pub struct UnusedIgnore {
        id: "unused-ignore",
        severity: Warning,
        existing_rows: false,
        summary: "an ignore comment silences nothing",
    }
}

impl Rule for UnusedIgnore {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn message(&self, s: &Subject) -> String {
        let rules = s.target.as_deref().unwrap_or("its rules");
        format!("ignore comment for {rules} silences nothing on the statement it precedes")
    }

    fn fix(&self, _s: &Subject) -> String {
        "remove it, or move it to the line just before the statement it is meant for".to_string()
    }
}
