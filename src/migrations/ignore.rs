//! Ignore comments: the one way to mark a deliberate unsafe step, and they must say why.
//!
//! ```text
//! -- new-service-ignore drop-column: no release reads phone since 2.4 (PR #312)
//! ALTER TABLE users DROP COLUMN phone;
//! # new-service-ignore-file index-not-concurrent: lookup table of 40 rows
//! ```
//!
//! A statement ignore covers the statement that starts on the next line of code (or, written
//! after code on the same line, the statement on that line); a file ignore covers the file.
//! `--` and `/* */` comments in SQL, `#` in Python. An ignore without a reason, or naming an
//! unknown rule, is itself a finding (`invalid-ignore`) and silences nothing; one that silences
//! nothing is reported as `unused-ignore`. squawk's own `squawk-ignore` comments are honoured by
//! squawk, but here too they need a reason (squawk's trailing `-- reason`).

use std::sync::LazyLock;

use regex::Regex;

use crate::migrations::rules::{Dialect, RuleId, Subject};

/// What a reader found before ignores apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub rule: RuleId,
    /// 1-based file line shown to the user.
    pub line: u32,
    /// First and last file line of the statement or operation it belongs to: the lines an
    /// ignore comment may target.
    pub scope: (u32, u32),
    pub subject: Subject,
}

impl Violation {
    pub fn new(rule: RuleId, line: u32, scope: (u32, u32), subject: Subject) -> Self {
        Violation {
            rule,
            line,
            scope,
            subject,
        }
    }
}

/// A comment as a reader saw it.
#[derive(Debug, Clone)]
pub struct Comment {
    /// File line of the comment.
    pub line: u32,
    /// Code precedes the comment on its line.
    pub trailing: bool,
    /// The text without the comment markers.
    pub body: String,
}

/// A valid ignore comment.
#[derive(Debug, Clone)]
struct Directive {
    line: u32,
    target: u32,
    file_level: bool,
    rules: Vec<RuleId>,
    used: Vec<bool>,
}

static DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    crate::rx::re(
        r"^\s*new-service-ignore(?P<file>-file)?(?:\s+(?P<rules>[^:]*?))?\s*(?::(?P<reason>.*))?$",
    )
});

/// Reads the ignore comments among `comments`. `code_lines` are the sorted file lines that hold
/// code, so a comment on its own line can find the statement it precedes.
///
/// Returns the ignores and the `invalid-ignore` violations for comments that cannot be honoured.
pub fn read(
    comments: &[Comment],
    code_lines: &[u32],
    dialect: Dialect,
) -> (Ignores, Vec<Violation>) {
    let mut directives = Vec::new();
    let mut invalid = Vec::new();
    for comment in comments {
        let body = comment.body.trim();
        let bad = |detail: String| {
            Violation::new(
                RuleId::InvalidIgnore,
                comment.line,
                (comment.line, comment.line),
                Subject::new(dialect).detail(detail),
            )
        };
        if let Some(rest) = body.strip_prefix("squawk-ignore") {
            // squawk's syntax: `squawk-ignore rule[, rule] -- reason`.
            let reason = rest.split_once("--").map(|(_, r)| r.trim()).unwrap_or("");
            if reason.is_empty() {
                invalid.push(bad(format!(
                    "`{body}` has no reason: squawk honours it, but a reviewer cannot tell why; add `-- <why it is safe>` after the rules"
                )));
            }
            continue;
        }
        let Some(caps) = DIRECTIVE.captures(body) else {
            continue;
        };
        let file_level = caps.name("file").is_some();
        let kind = if file_level {
            "new-service-ignore-file"
        } else {
            "new-service-ignore"
        };
        let names: Vec<&str> = caps
            .name("rules")
            .map(|m| m.as_str())
            .unwrap_or("")
            .split([',', ' '])
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .collect();
        let reason = caps.name("reason").map(|m| m.as_str().trim()).unwrap_or("");
        if names.is_empty() {
            invalid.push(bad(format!(
                "`{kind}` names no rule: say which rules it silences"
            )));
            continue;
        }
        let mut rules = Vec::new();
        let mut unknown = Vec::new();
        for name in &names {
            match name.parse::<RuleId>() {
                Ok(rule) if !rule.is_meta() => rules.push(rule),
                Ok(rule) => unknown.push(format!("`{rule}` (it cannot be ignored)")),
                Err(_) => unknown.push(format!("`{name}`")),
            }
        }
        if !unknown.is_empty() {
            invalid.push(bad(format!(
                "`{kind}` names unknown rule {}",
                unknown.join(", ")
            )));
            continue;
        }
        if reason.is_empty() {
            invalid.push(bad(format!(
                "`{kind} {}` has no reason: say why it is safe, after a colon",
                names.join(", ")
            )));
            continue;
        }
        let target = if comment.trailing {
            comment.line
        } else {
            next_code_line(code_lines, comment.line)
        };
        let used = vec![false; rules.len()];
        directives.push(Directive {
            line: comment.line,
            target,
            file_level,
            rules,
            used,
        });
    }
    (
        Ignores {
            directives,
            dialect,
        },
        invalid,
    )
}

fn next_code_line(code_lines: &[u32], after: u32) -> u32 {
    let i = code_lines.partition_point(|l| *l <= after);
    code_lines.get(i).copied().unwrap_or(after)
}

/// The valid ignores of one file (or one SQL string inside it).
#[derive(Debug)]
pub struct Ignores {
    directives: Vec<Directive>,
    dialect: Dialect,
}

impl Ignores {
    /// Drops the violations an ignore covers, and adds `unused-ignore` for each ignored rule
    /// that covered nothing.
    pub fn apply(mut self, violations: Vec<Violation>) -> Vec<Violation> {
        let mut kept = Vec::with_capacity(violations.len());
        for v in violations {
            let mut covered = false;
            if !v.rule.is_meta() {
                for d in &mut self.directives {
                    let in_scope = d.file_level || (v.scope.0 <= d.target && d.target <= v.scope.1);
                    if !in_scope {
                        continue;
                    }
                    if let Some(i) = d.rules.iter().position(|r| *r == v.rule) {
                        d.used[i] = true;
                        covered = true;
                    }
                }
            }
            if !covered {
                kept.push(v);
            }
        }
        for d in &self.directives {
            let unused: Vec<String> = d
                .rules
                .iter()
                .zip(&d.used)
                .filter(|(_, used)| !**used)
                .map(|(r, _)| format!("`{r}`"))
                .collect();
            if !unused.is_empty() {
                kept.push(Violation::new(
                    RuleId::UnusedIgnore,
                    d.line,
                    (d.line, d.line),
                    Subject::new(self.dialect).target(unused.join(", ")),
                ));
            }
        }
        kept
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn comment(line: u32, body: &str) -> Comment {
        Comment {
            line,
            trailing: false,
            body: body.to_string(),
        }
    }

    fn drop_at(line: u32) -> Violation {
        Violation::new(
            RuleId::DropColumn,
            line,
            (line, line + 1),
            Subject::new(Dialect::Sql),
        )
    }

    #[test]
    fn an_ignore_with_a_reason_covers_the_next_statement_only() {
        let (ignores, invalid) = read(
            &[comment(
                1,
                " new-service-ignore drop-column: unused since 2.4",
            )],
            &[2, 3, 5],
            Dialect::Sql,
        );
        assert!(invalid.is_empty());
        let kept = ignores.apply(vec![drop_at(2), drop_at(5)]);
        assert_eq!(kept, vec![drop_at(5)]);
    }

    #[test]
    fn an_ignore_without_a_reason_is_invalid_and_silences_nothing() {
        let (ignores, invalid) = read(
            &[comment(1, "new-service-ignore drop-column")],
            &[2],
            Dialect::Sql,
        );
        assert_eq!(invalid.len(), 1);
        assert_eq!(invalid[0].rule, RuleId::InvalidIgnore);
        assert!(
            invalid[0]
                .subject
                .detail
                .as_deref()
                .unwrap()
                .contains("has no reason")
        );
        assert_eq!(ignores.apply(vec![drop_at(2)]), vec![drop_at(2)]);
    }

    #[test]
    fn unknown_and_meta_rules_are_invalid() {
        for body in [
            "new-service-ignore drop-colum: typo",
            "new-service-ignore unused-ignore: nope",
            "new-service-ignore: no rule",
            "new-service-ignore-file: no rule",
        ] {
            let (_, invalid) = read(&[comment(1, body)], &[2], Dialect::Sql);
            assert_eq!(invalid.len(), 1, "{body}");
        }
    }

    #[test]
    fn a_file_ignore_covers_every_statement_and_an_unused_one_is_reported() {
        let (ignores, _) = read(
            &[comment(
                9,
                "new-service-ignore-file drop-column, drop-table: archive schema",
            )],
            &[1, 2],
            Dialect::Sql,
        );
        let kept = ignores.apply(vec![drop_at(1), drop_at(2)]);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].rule, RuleId::UnusedIgnore);
        assert_eq!(kept[0].subject.target.as_deref(), Some("`drop-table`"));
    }

    #[test]
    fn squawk_ignores_need_a_trailing_reason() {
        let (_, invalid) = read(
            &[
                comment(1, " squawk-ignore ban-drop-column"),
                comment(3, " squawk-ignore ban-drop-column -- unused since 2.4"),
            ],
            &[2, 4],
            Dialect::Sql,
        );
        assert_eq!(invalid.len(), 1);
        assert_eq!(invalid[0].line, 1);
    }

    #[test]
    fn ordinary_comments_are_not_directives() {
        let (ignores, invalid) = read(
            &[comment(
                1,
                " drop the old column, see new-service-ignore docs",
            )],
            &[2],
            Dialect::Sql,
        );
        assert!(invalid.is_empty());
        assert_eq!(ignores.apply(vec![drop_at(2)]).len(), 1);
    }
}
