//! GitHub Actions expressions (`if:` conditions), evaluated three-valued against a scenario.
//!
//! The checks ask questions such as "can this deploy job run for a pull request?" or "does
//! this job still run when the upstream CI failed?". A condition is parsed (operators,
//! property paths, literals and the documented functions) and evaluated against a
//! [`Scenario`] that knows a few `github.*` values (event name, ref, pull request state);
//! everything else is unknown. The answer is `Some(true)`, `Some(false)`, or `None` when it
//! depends on something the scenario does not know, so a check only trusts a guard that
//! really excludes the scenario.
//!
//! Semantics follow GitHub's documentation: `&&`/`||` return operands, `==` compares strings
//! case-insensitively and coerces mismatched types to numbers, a missing property is `null`.

/// A value during evaluation; `Unknown` is anything the scenario does not fix.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    /// An object or array whose content does not matter (truthy).
    Obj,
    Arr(Vec<Val>),
    Unknown,
}

impl Val {
    fn truthy(&self) -> Option<bool> {
        match self {
            Val::Null => Some(false),
            Val::Bool(b) => Some(*b),
            Val::Num(n) => Some(*n != 0.0 && !n.is_nan()),
            Val::Str(s) => Some(!s.is_empty()),
            Val::Obj | Val::Arr(_) => Some(true),
            Val::Unknown => None,
        }
    }

    fn number(&self) -> f64 {
        match self {
            Val::Null => 0.0,
            Val::Bool(b) => f64::from(u8::from(*b)),
            Val::Num(n) => *n,
            Val::Str(s) if s.trim().is_empty() => 0.0,
            Val::Str(s) => s.trim().parse().unwrap_or(f64::NAN),
            _ => f64::NAN,
        }
    }

    fn text(&self) -> Option<String> {
        match self {
            Val::Null => Some(String::new()),
            Val::Bool(b) => Some(b.to_string()),
            Val::Num(n) => Some(n.to_string()),
            Val::Str(s) => Some(s.clone()),
            _ => None,
        }
    }
}

/// What is known about one run: `github.*` values by lower-cased dotted path.
#[derive(Debug, Clone, Default)]
pub struct Scenario {
    values: Vec<(String, Val)>,
    /// The job-status functions: `success()` is true unless this says an upstream failed.
    pub upstream_failed: bool,
}

impl Scenario {
    /// A scenario that knows nothing (used to find jobs that can never run).
    pub fn unknown() -> Scenario {
        Scenario::default()
    }

    pub fn with(mut self, path: &str, value: Val) -> Scenario {
        self.values.push((path.to_ascii_lowercase(), value));
        self
    }

    pub fn with_str(self, path: &str, value: &str) -> Scenario {
        self.with(path, Val::Str(value.to_string()))
    }

    /// An event on a ref: fills `event_name`, `ref`, `ref_name`, `ref_type`.
    pub fn event(event: &str, git_ref: &str) -> Scenario {
        let (name, kind) = if let Some(b) = git_ref.strip_prefix("refs/heads/") {
            (b.to_string(), "branch")
        } else if let Some(t) = git_ref.strip_prefix("refs/tags/") {
            (t.to_string(), "tag")
        } else if let Some(p) = git_ref.strip_prefix("refs/") {
            (p.to_string(), "branch")
        } else {
            (git_ref.to_string(), "branch")
        };
        Scenario::default()
            .with_str("github.event_name", event)
            .with_str("github.ref", git_ref)
            .with_str("github.ref_name", &name)
            .with_str("github.ref_type", kind)
            .with_str("github.event.repository.default_branch", "main")
    }

    fn lookup(&self, path: &str) -> Val {
        if let Some((_, v)) = self.values.iter().find(|(p, _)| p == path) {
            return v.clone();
        }
        // A known parent that is null or a string has no such property.
        let mut parent = path;
        while let Some((p, _)) = parent.rsplit_once('.') {
            if let Some((_, v)) = self.values.iter().find(|(q, _)| q == p) {
                return match v {
                    Val::Null | Val::Str(_) | Val::Bool(_) | Val::Num(_) => Val::Null,
                    _ => Val::Unknown,
                };
            }
            parent = p;
        }
        Val::Unknown
    }
}

/// Evaluates a condition's truthiness; `None` when it depends on unknown values or does not
/// parse. An absent condition is `success()`.
pub fn truthy(condition: &str, scenario: &Scenario) -> Option<bool> {
    let Some(body) = expression_body(condition) else {
        // Text mixed with `${{ }}` is a non-empty string (always true on GitHub), but the
        // author meant something else: do not rely on it either way.
        return None;
    };
    let tokens = tokenize(body)?;
    let mut p = Parser {
        tokens,
        pos: 0,
        scenario,
    };
    let v = p.or()?;
    if p.pos != p.tokens.len() {
        return None;
    }
    v.truthy()
}

/// Whether the condition calls a status function other than `success()` (`always()`,
/// `failure()`, `cancelled()`), which makes a job run even when a job it needs was skipped.
pub fn overrides_needs(condition: &str) -> bool {
    let c = condition.to_ascii_lowercase().replace(' ', "");
    c.contains("always()") || c.contains("failure()") || c.contains("cancelled()")
}

/// The expression inside `${{ }}`, or the bare condition; `None` for mixed text.
fn expression_body(condition: &str) -> Option<&str> {
    let c = condition.trim();
    if let Some(inner) = c.strip_prefix("${{") {
        let inner = inner.strip_suffix("}}")?;
        if inner.contains("${{") {
            return None;
        }
        return Some(inner.trim());
    }
    if c.contains("${{") {
        return None;
    }
    Some(c)
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Dot,
    Star,
    Not,
    Op(&'static str),
    And,
    Or,
    Str(String),
    Num(f64),
    Ident(String),
}

fn tokenize(s: &str) -> Option<Vec<Tok>> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            ' ' | '\t' | '\n' | '\r' => i += 1,
            '(' => {
                out.push(Tok::LParen);
                i += 1;
            }
            ')' => {
                out.push(Tok::RParen);
                i += 1;
            }
            '[' => {
                out.push(Tok::LBracket);
                i += 1;
            }
            ']' => {
                out.push(Tok::RBracket);
                i += 1;
            }
            ',' => {
                out.push(Tok::Comma);
                i += 1;
            }
            '.' if !next.is_some_and(|n| n.is_ascii_digit()) => {
                out.push(Tok::Dot);
                i += 1;
            }
            '*' => {
                out.push(Tok::Star);
                i += 1;
            }
            '&' if next == Some('&') => {
                out.push(Tok::And);
                i += 2;
            }
            '|' if next == Some('|') => {
                out.push(Tok::Or);
                i += 2;
            }
            '=' if next == Some('=') => {
                out.push(Tok::Op("=="));
                i += 2;
            }
            '!' if next == Some('=') => {
                out.push(Tok::Op("!="));
                i += 2;
            }
            '!' => {
                out.push(Tok::Not);
                i += 1;
            }
            '<' | '>' => {
                let op = match (c, next) {
                    ('<', Some('=')) => "<=",
                    ('>', Some('=')) => ">=",
                    ('<', _) => "<",
                    _ => ">",
                };
                i += op.len();
                out.push(Tok::Op(op));
            }
            '\'' => {
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return None,
                        Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                            s.push('\'');
                            i += 2;
                        }
                        Some('\'') => {
                            i += 1;
                            break;
                        }
                        Some(&ch) => {
                            s.push(ch);
                            i += 1;
                        }
                    }
                }
                out.push(Tok::Str(s));
            }
            c if c.is_ascii_digit() || c == '-' || c == '.' => {
                let start = i;
                i += 1;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric() || chars[i] == '.' || chars[i] == '_')
                {
                    i += 1;
                }
                let text: String = chars[start..i].iter().collect();
                let n = if let Some(hex) = text.strip_prefix("0x") {
                    i64::from_str_radix(hex, 16).ok()? as f64
                } else {
                    text.parse().ok()?
                };
                out.push(Tok::Num(n));
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '-')
                {
                    i += 1;
                }
                out.push(Tok::Ident(chars[start..i].iter().collect()));
            }
            _ => return None,
        }
    }
    Some(out)
}

struct Parser<'a> {
    tokens: Vec<Tok>,
    pos: usize,
    scenario: &'a Scenario,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos)
    }

    fn eat(&mut self, t: &Tok) -> bool {
        if self.peek() == Some(t) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Option<Val> {
        let mut left = self.and()?;
        while self.eat(&Tok::Or) {
            let right = self.and()?;
            left = match (left.truthy(), right.truthy()) {
                (Some(true), _) => left,
                (Some(false), _) => right,
                (None, Some(true)) => Val::Bool(true),
                (None, _) => Val::Unknown,
            };
        }
        Some(left)
    }

    fn and(&mut self) -> Option<Val> {
        let mut left = self.comparison()?;
        while self.eat(&Tok::And) {
            let right = self.comparison()?;
            left = match (left.truthy(), right.truthy()) {
                (Some(false), _) => left,
                (Some(true), _) => right,
                (None, Some(false)) => Val::Bool(false),
                (None, _) => Val::Unknown,
            };
        }
        Some(left)
    }

    fn comparison(&mut self) -> Option<Val> {
        let left = self.unary()?;
        let Some(Tok::Op(op)) = self.peek().cloned() else {
            return Some(left);
        };
        self.pos += 1;
        let right = self.unary()?;
        Some(compare(&left, op, &right))
    }

    fn unary(&mut self) -> Option<Val> {
        if self.eat(&Tok::Not) {
            let v = self.unary()?;
            return Some(match v.truthy() {
                Some(b) => Val::Bool(!b),
                None => Val::Unknown,
            });
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Option<Val> {
        // Property paths are resolved as a whole (`github.event.pull_request.merged`).
        if let Some(Tok::Ident(name)) = self.peek().cloned()
            && self.tokens.get(self.pos + 1) != Some(&Tok::LParen)
            && !matches!(name.as_str(), "true" | "false" | "null")
        {
            self.pos += 1;
            let mut path = name.to_ascii_lowercase();
            let mut exact = true;
            loop {
                if self.eat(&Tok::Dot) {
                    match self.peek().cloned() {
                        Some(Tok::Ident(p)) => {
                            self.pos += 1;
                            path.push('.');
                            path.push_str(&p.to_ascii_lowercase());
                        }
                        Some(Tok::Star) => {
                            self.pos += 1;
                            exact = false;
                        }
                        _ => return None,
                    }
                } else if self.eat(&Tok::LBracket) {
                    let key = self.or()?;
                    if !self.eat(&Tok::RBracket) {
                        return None;
                    }
                    match key {
                        Val::Str(k) => {
                            path.push('.');
                            path.push_str(&k.to_ascii_lowercase());
                        }
                        _ => exact = false,
                    }
                } else {
                    break;
                }
            }
            return Some(if exact {
                self.scenario.lookup(&path)
            } else {
                Val::Unknown
            });
        }
        self.primary()
    }

    fn primary(&mut self) -> Option<Val> {
        let tok = self.peek()?.clone();
        self.pos += 1;
        match tok {
            Tok::Str(s) => Some(Val::Str(s)),
            Tok::Num(n) => Some(Val::Num(n)),
            Tok::LParen => {
                let v = self.or()?;
                self.eat(&Tok::RParen).then_some(v)
            }
            Tok::Ident(name) => match name.to_ascii_lowercase().as_str() {
                "true" => Some(Val::Bool(true)),
                "false" => Some(Val::Bool(false)),
                "null" => Some(Val::Null),
                f => {
                    if !self.eat(&Tok::LParen) {
                        return None;
                    }
                    let mut args = Vec::new();
                    if !self.eat(&Tok::RParen) {
                        loop {
                            args.push(self.or()?);
                            if self.eat(&Tok::RParen) {
                                break;
                            }
                            if !self.eat(&Tok::Comma) {
                                return None;
                            }
                        }
                    }
                    Some(self.call(f, &args))
                }
            },
            _ => None,
        }
    }

    fn call(&self, f: &str, args: &[Val]) -> Val {
        let text = |i: usize| args.get(i).and_then(Val::text).map(|s| s.to_lowercase());
        match f {
            "success" => Val::Bool(!self.scenario.upstream_failed),
            "failure" => Val::Bool(self.scenario.upstream_failed),
            "always" => Val::Bool(true),
            "cancelled" => Val::Bool(false),
            "startswith" | "endswith" => match (text(0), text(1)) {
                (Some(a), Some(b)) => Val::Bool(if f == "startswith" {
                    a.starts_with(&b)
                } else {
                    a.ends_with(&b)
                }),
                _ => Val::Unknown,
            },
            "contains" => match (args.first(), text(1)) {
                (Some(Val::Arr(items)), Some(b)) => {
                    if items
                        .iter()
                        .any(|v| v.text().is_some_and(|t| t.to_lowercase() == b))
                    {
                        Val::Bool(true)
                    } else if items.iter().all(|v| v.text().is_some()) {
                        Val::Bool(false)
                    } else {
                        Val::Unknown
                    }
                }
                (Some(a), Some(b)) => match a.text() {
                    Some(a) if !matches!(args[0], Val::Null) => {
                        Val::Bool(a.to_lowercase().contains(&b))
                    }
                    _ => Val::Unknown,
                },
                _ => Val::Unknown,
            },
            "format" => {
                let Some(Val::Str(fmt)) = args.first() else {
                    return Val::Unknown;
                };
                let mut out = fmt.clone();
                for (i, a) in args.iter().enumerate().skip(1) {
                    let Some(t) = a.text() else {
                        return Val::Unknown;
                    };
                    out = out.replace(&format!("{{{}}}", i - 1), &t);
                }
                Val::Str(out)
            }
            "fromjson" => match args.first() {
                Some(Val::Str(s)) => from_json(s),
                _ => Val::Unknown,
            },
            _ => Val::Unknown,
        }
    }
}

fn from_json(s: &str) -> Val {
    fn conv(v: &serde_json::Value) -> Val {
        match v {
            serde_json::Value::Null => Val::Null,
            serde_json::Value::Bool(b) => Val::Bool(*b),
            serde_json::Value::Number(n) => n.as_f64().map_or(Val::Unknown, Val::Num),
            serde_json::Value::String(s) => Val::Str(s.clone()),
            serde_json::Value::Array(a) => Val::Arr(a.iter().map(conv).collect()),
            serde_json::Value::Object(_) => Val::Obj,
        }
    }
    serde_json::from_str::<serde_json::Value>(s).map_or(Val::Unknown, |v| conv(&v))
}

fn compare(left: &Val, op: &str, right: &Val) -> Val {
    if matches!(left, Val::Unknown) || matches!(right, Val::Unknown) {
        return Val::Unknown;
    }
    let equal = match (left, right) {
        (Val::Str(a), Val::Str(b)) => Some(a.to_lowercase() == b.to_lowercase()),
        (Val::Null, Val::Null) => Some(true),
        (Val::Obj | Val::Arr(_), _) | (_, Val::Obj | Val::Arr(_)) => {
            // Objects compare by identity: never equal to a literal.
            return match op {
                "==" => Val::Bool(false),
                "!=" => Val::Bool(true),
                _ => Val::Unknown,
            };
        }
        _ => {
            let (a, b) = (left.number(), right.number());
            if a.is_nan() || b.is_nan() {
                Some(false)
            } else {
                Some(a == b)
            }
        }
    };
    match op {
        "==" => Val::Bool(equal.unwrap_or(false)),
        "!=" => Val::Bool(!equal.unwrap_or(false)),
        _ => {
            let ordering = match (left, right) {
                (Val::Str(a), Val::Str(b)) => a.to_lowercase().partial_cmp(&b.to_lowercase()),
                _ => left.number().partial_cmp(&right.number()),
            };
            let Some(o) = ordering else {
                return Val::Bool(false);
            };
            Val::Bool(match op {
                "<" => o.is_lt(),
                "<=" => o.is_le(),
                ">" => o.is_gt(),
                _ => o.is_ge(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pr() -> Scenario {
        Scenario::event("pull_request", "refs/pull/7/merge")
            .with_str("github.head_ref", "feature-x")
            .with("github.event.pull_request", Val::Obj)
            .with("github.event.pull_request.merged", Val::Bool(false))
    }

    fn push(branch: &str) -> Scenario {
        Scenario::event("push", &format!("refs/heads/{branch}"))
            .with("github.event.pull_request", Val::Null)
    }

    #[test]
    fn ref_guards_exclude_pull_requests_and_feature_branches() {
        for guard in [
            "github.ref == 'refs/heads/main'",
            "${{ github.ref == 'refs/heads/main' }}",
            "github.ref_name == 'main' && success()",
            "github.event_name == 'push' && github.ref == 'refs/heads/main'",
            "startsWith(github.ref, 'refs/tags/')",
            "github.ref == format('refs/heads/{0}', github.event.repository.default_branch)",
            "(github.ref == 'refs/heads/main' || github.ref == 'refs/heads/master') && !cancelled()",
        ] {
            assert_eq!(truthy(guard, &pr()), Some(false), "{guard} on a PR");
            assert_eq!(
                truthy(guard, &push("feature-x")),
                Some(false),
                "{guard} on a branch"
            );
            if !guard.contains("tags") {
                assert_ne!(truthy(guard, &push("main")), Some(false), "{guard} on main");
            }
        }
    }

    #[test]
    fn event_guards_exclude_only_the_events_they_name() {
        let c = "github.event_name != 'pull_request'";
        assert_eq!(truthy(c, &pr()), Some(false));
        assert_eq!(truthy(c, &push("feature-x")), Some(true));
        assert_eq!(truthy("github.event_name == 'push'", &pr()), Some(false));
        assert_eq!(
            truthy("github.event.pull_request.merged == true", &pr()),
            Some(false)
        );
        assert_eq!(truthy("!github.event.pull_request", &pr()), Some(false));
    }

    #[test]
    fn unknown_values_do_not_count_as_guards() {
        assert_eq!(truthy("github.actor == 'octocat'", &pr()), None);
        assert_eq!(truthy("vars.DEPLOY == 'true'", &pr()), None);
        assert_eq!(
            truthy("github.ref == 'refs/heads/main' || inputs.force", &pr()),
            None
        );
        assert_eq!(
            truthy("contains(github.event.head_commit.message, 'x')", &pr()),
            None
        );
        assert_eq!(truthy("${{ a }} && ${{ b }}", &pr()), None);
    }

    #[test]
    fn literals_and_status_functions_decide_on_their_own() {
        let s = Scenario::unknown();
        assert_eq!(truthy("false", &s), Some(false));
        assert_eq!(truthy("${{ false }}", &s), Some(false));
        assert_eq!(truthy("github.actor == 'x' && false", &s), Some(false));
        assert_eq!(truthy("always()", &s), Some(true));
        let failed = Scenario {
            upstream_failed: true,
            ..Scenario::default()
        };
        assert_eq!(truthy("success()", &failed), Some(false));
        let run = Scenario::event("workflow_run", "refs/heads/main")
            .with_str("github.event.workflow_run.conclusion", "failure");
        assert_eq!(
            truthy("github.event.workflow_run.conclusion == 'success'", &run),
            Some(false)
        );
        assert_eq!(
            truthy(
                "${{ github.event.workflow_run.conclusion == 'success' }}",
                &run
            ),
            Some(false)
        );
    }

    #[test]
    fn comparisons_are_case_insensitive_and_contains_reads_arrays() {
        let s = push("Main");
        assert_eq!(truthy("github.ref_name == 'main'", &s), Some(true));
        assert_eq!(
            truthy(
                "contains(fromJSON('[\"main\", \"dev\"]'), github.ref_name)",
                &s
            ),
            Some(true)
        );
        assert_eq!(
            truthy("contains(fromJSON('[\"release\"]'), github.ref_name)", &s),
            Some(false)
        );
    }

    #[test]
    fn status_overrides_are_recognised() {
        assert!(overrides_needs(
            "${{ always() && needs.a.result == 'success' }}"
        ));
        assert!(overrides_needs("!cancelled()"));
        assert!(!overrides_needs(
            "success() && github.ref == 'refs/heads/main'"
        ));
    }
}
