//! The protection policy new-service applies to a branch, in both of GitHub's forms (a
//! repository ruleset, or classic branch protection), and the comparison that makes `protect`
//! idempotent: current settings are read into a [`Protection`], compared with what the policy
//! wants, and only the differences are written.
//!
//! The policy: a pull request with at least one approval, stale approvals dismissed on push,
//! conversations resolved, the required status checks, force pushes and deletion blocked, and
//! no one (admins included) exempt. Settings the policy does not name are kept as they are:
//! more approvals, code-owner review, other rules in the `new-service` ruleset.

use std::collections::BTreeSet;
use std::fmt;

use serde_json::{Map, Value, json};

/// The name of the ruleset `protect` creates and, on later runs, updates.
pub const RULESET_NAME: &str = "new-service";

/// The rule types the policy manages inside its ruleset; other rules are left alone.
const MANAGED_RULES: [&str; 4] = [
    "deletion",
    "non_fast_forward",
    "pull_request",
    "required_status_checks",
];

/// How the policy is stored on GitHub.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// A repository ruleset named `new-service` (the default: rulesets stack, can be read by
    /// anyone with read access, and are GitHub's current mechanism).
    #[default]
    Ruleset,
    /// Classic branch protection on the branch.
    Classic,
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Mode::Ruleset => "ruleset",
            Mode::Classic => "classic",
        })
    }
}

/// What the policy asks of one branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub branch: String,
    /// Required status check names (exactly these).
    pub checks: Vec<String>,
}

/// The protection a branch has, reduced to what the policy looks at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Protection {
    pub pull_request: bool,
    pub approvals: u64,
    pub dismiss_stale: bool,
    pub thread_resolution: bool,
    pub checks: BTreeSet<String>,
    pub block_force_push: bool,
    pub block_deletion: bool,
    pub admins_included: bool,
}

fn list(set: &BTreeSet<String>) -> String {
    if set.is_empty() {
        "none".into()
    } else {
        set.iter().cloned().collect::<Vec<_>>().join(", ")
    }
}

impl Policy {
    /// What is missing from `current` for the policy to hold, one line per setting; empty when
    /// the branch already complies.
    pub fn differences(&self, current: &Protection) -> Vec<String> {
        let mut out = Vec::new();
        if !current.pull_request {
            out.push("pull request before merging: not required → required".into());
        }
        if current.approvals < 1 {
            out.push(format!("required approvals: {} → 1", current.approvals));
        }
        if !current.dismiss_stale {
            out.push("stale approvals dismissed on push: no → yes".into());
        }
        if !current.thread_resolution {
            out.push("conversation resolution required: no → yes".into());
        }
        let wanted: BTreeSet<String> = self.checks.iter().cloned().collect();
        if current.checks != wanted {
            out.push(format!(
                "required status checks: {} → {}",
                list(&current.checks),
                list(&wanted)
            ));
        }
        if !current.block_force_push {
            out.push("force pushes: allowed → blocked".into());
        }
        if !current.block_deletion {
            out.push("branch deletion: allowed → blocked".into());
        }
        if !current.admins_included {
            out.push("admins and bypass actors exempt: yes → no".into());
        }
        out
    }

    /// A summary of the policy for output.
    pub fn summary(&self) -> String {
        let checks = if self.checks.is_empty() {
            "no required checks".to_string()
        } else {
            format!("required checks: {}", self.checks.join(", "))
        };
        format!(
            "pull request with 1+ approval, stale approvals dismissed, conversations resolved, {checks}, force pushes and deletion blocked, admins included"
        )
    }

    fn ref_name(&self) -> String {
        format!("refs/heads/{}", self.branch)
    }

    /// Ruleset-level differences (enforcement, target, the branch condition) of `current`.
    pub fn ruleset_differences(&self, current: &Value, default_branch: &str) -> Vec<String> {
        let mut out = Vec::new();
        let enforcement = current
            .get("enforcement")
            .and_then(Value::as_str)
            .unwrap_or("none");
        if enforcement != "active" {
            out.push(format!("enforcement: {enforcement} → active"));
        }
        let target = current
            .get("target")
            .and_then(Value::as_str)
            .unwrap_or("branch");
        if target != "branch" {
            out.push(format!("target: {target} → branch"));
        }
        if !ruleset_targets(current, &self.branch, default_branch) {
            out.push(format!("applies to {}: no → yes", self.ref_name()));
        }
        out.extend(self.differences(&Protection::from_ruleset_rules(current)));
        out
    }

    /// The body to create the `new-service` ruleset, or to update `current` with: our rules
    /// replace theirs, other rules and the other branches it covers are kept.
    pub fn ruleset_body(&self, current: Option<&Value>) -> Value {
        let current_rules: Vec<Value> = current
            .and_then(|c| c.get("rules"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let current_params = |kind: &str| -> Map<String, Value> {
            current_rules
                .iter()
                .find(|r| r.get("type").and_then(Value::as_str) == Some(kind))
                .and_then(|r| r.get("parameters"))
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        };
        let mut rules = vec![
            json!({"type": "deletion"}),
            json!({"type": "non_fast_forward"}),
        ];
        let mut pr = current_params("pull_request");
        let approvals = pr
            .get("required_approving_review_count")
            .and_then(Value::as_u64)
            .unwrap_or(0)
            .max(1);
        pr.insert("required_approving_review_count".into(), json!(approvals));
        pr.insert("dismiss_stale_reviews_on_push".into(), json!(true));
        pr.insert("required_review_thread_resolution".into(), json!(true));
        for keep in ["require_code_owner_review", "require_last_push_approval"] {
            pr.entry(keep).or_insert(json!(false));
        }
        rules.push(json!({"type": "pull_request", "parameters": pr}));
        if !self.checks.is_empty() {
            let mut params = current_params("required_status_checks");
            let old: Vec<Value> = params
                .get("required_status_checks")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let checks: Vec<Value> = self
                .checks
                .iter()
                .map(|name| {
                    // Keep the app a check was pinned to, if it was.
                    old.iter()
                        .find(|c| c.get("context").and_then(Value::as_str) == Some(name))
                        .cloned()
                        .unwrap_or_else(|| json!({"context": name}))
                })
                .collect();
            params.insert("required_status_checks".into(), Value::Array(checks));
            params
                .entry("strict_required_status_checks_policy")
                .or_insert(json!(false));
            rules.push(json!({"type": "required_status_checks", "parameters": params}));
        }
        rules.extend(current_rules.into_iter().filter(|r| {
            r.get("type")
                .and_then(Value::as_str)
                .is_none_or(|t| !MANAGED_RULES.contains(&t))
        }));

        let ref_name = self.ref_name();
        let condition = |key: &str| -> Vec<Value> {
            current
                .and_then(|c| c.pointer(&format!("/conditions/ref_name/{key}")))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        let mut include = condition("include");
        if !include
            .iter()
            .any(|v| v.as_str() == Some(ref_name.as_str()))
        {
            include.push(json!(ref_name));
        }
        let exclude: Vec<Value> = condition("exclude")
            .into_iter()
            .filter(|v| v.as_str() != Some(ref_name.as_str()))
            .collect();
        json!({
            "name": RULESET_NAME,
            "target": "branch",
            "enforcement": "active",
            "bypass_actors": [],
            "conditions": {"ref_name": {"include": include, "exclude": exclude}},
            "rules": rules,
        })
    }

    /// The body for classic branch protection (`PUT …/branches/B/protection`), keeping the
    /// settings of `current` (the GET answer) that the policy does not name.
    pub fn classic_body(&self, current: Option<&Value>) -> Value {
        let cur = |pointer: &str| current.and_then(|c| c.pointer(pointer));
        let flag = |pointer: &str| cur(pointer).and_then(Value::as_bool).unwrap_or(false);
        let approvals = cur("/required_pull_request_reviews/required_approving_review_count")
            .and_then(Value::as_u64)
            .unwrap_or(0)
            .max(1);
        let status_checks = if self.checks.is_empty() {
            Value::Null
        } else {
            json!({
                "strict": flag("/required_status_checks/strict"),
                "contexts": self.checks,
            })
        };
        let names = |pointer: &str, key: &str| -> Vec<Value> {
            cur(pointer)
                .and_then(Value::as_array)
                .map(|items| items.iter().filter_map(|i| i.get(key).cloned()).collect())
                .unwrap_or_default()
        };
        let restrictions = if cur("/restrictions").is_some_and(Value::is_object) {
            json!({
                "users": names("/restrictions/users", "login"),
                "teams": names("/restrictions/teams", "slug"),
                "apps": names("/restrictions/apps", "slug"),
            })
        } else {
            Value::Null
        };
        json!({
            "required_status_checks": status_checks,
            "enforce_admins": true,
            "required_pull_request_reviews": {
                "dismiss_stale_reviews": true,
                "require_code_owner_reviews": flag("/required_pull_request_reviews/require_code_owner_reviews"),
                "required_approving_review_count": approvals,
                "require_last_push_approval": flag("/required_pull_request_reviews/require_last_push_approval"),
            },
            "restrictions": restrictions,
            "required_conversation_resolution": true,
            "allow_force_pushes": false,
            "allow_deletions": false,
            "required_linear_history": flag("/required_linear_history/enabled"),
            "block_creations": flag("/block_creations/enabled"),
            "lock_branch": flag("/lock_branch/enabled"),
            "allow_fork_syncing": flag("/allow_fork_syncing/enabled"),
        })
    }
}

/// Whether a ruleset's `ref_name` condition covers `branch`.
pub fn ruleset_targets(ruleset: &Value, branch: &str, default_branch: &str) -> bool {
    let matches = |pattern: &str| {
        pattern == "~ALL"
            || (pattern == "~DEFAULT_BRANCH" && branch == default_branch)
            || ref_pattern_matches(pattern, &format!("refs/heads/{branch}"))
    };
    let list = |key: &str| -> Vec<String> {
        ruleset
            .pointer(&format!("/conditions/ref_name/{key}"))
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    list("include").iter().any(|p| matches(p)) && !list("exclude").iter().any(|p| matches(p))
}

/// fnmatch-style matching of ref patterns (`refs/heads/release/*`), as rulesets use.
fn ref_pattern_matches(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    fn go(p: &[char], n: &[char]) -> bool {
        match (p.first(), n.first()) {
            (None, None) => true,
            (Some('*'), _) => {
                let double = p.get(1) == Some(&'*');
                let rest = if double { &p[2..] } else { &p[1..] };
                (0..=n.len())
                    .take_while(|&i| double || !n[..i].contains(&'/'))
                    .any(|i| go(rest, &n[i..]))
            }
            (Some(a), Some(b)) if a == b => go(&p[1..], &n[1..]),
            _ => false,
        }
    }
    go(&p, &n)
}

impl Protection {
    /// The protection the rules of a ruleset give (whether it applies is asked separately).
    pub fn from_ruleset_rules(ruleset: &Value) -> Protection {
        let rules = ruleset
            .get("rules")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut p = Protection::from_rules(&rules);
        p.admins_included = ruleset
            .get("bypass_actors")
            .and_then(Value::as_array)
            .is_none_or(Vec::is_empty);
        p
    }

    /// The protection a list of rules gives: the `rules` of a ruleset, or the rules GitHub says
    /// apply to a branch (`GET /repos/O/R/rules/branches/B`), which merges every ruleset.
    /// Bypass actors are not part of rules: `admins_included` is left false.
    pub fn from_rules(rules: &[Value]) -> Protection {
        let mut p = Protection::default();
        for rule in rules {
            let params = rule.get("parameters");
            let flag =
                |key: &str| params.and_then(|x| x.get(key)).and_then(Value::as_bool) == Some(true);
            match rule.get("type").and_then(Value::as_str) {
                Some("pull_request") => {
                    p.pull_request = true;
                    p.approvals = p.approvals.max(
                        params
                            .and_then(|x| x.get("required_approving_review_count"))
                            .and_then(Value::as_u64)
                            .unwrap_or(0),
                    );
                    p.dismiss_stale |= flag("dismiss_stale_reviews_on_push");
                    p.thread_resolution |= flag("required_review_thread_resolution");
                }
                Some("required_status_checks") => {
                    if let Some(checks) = params
                        .and_then(|x| x.get("required_status_checks"))
                        .and_then(Value::as_array)
                    {
                        p.checks.extend(
                            checks
                                .iter()
                                .filter_map(|c| c.get("context").and_then(Value::as_str))
                                .map(str::to_string),
                        );
                    }
                }
                Some("non_fast_forward") => p.block_force_push = true,
                Some("deletion") => p.block_deletion = true,
                _ => {}
            }
        }
        p
    }

    /// The protection classic branch protection gives: the answer of
    /// `GET …/branches/B/protection`, or the `protection` of `GET …/branches/B` (which shows
    /// only the status checks to users without admin rights).
    pub fn from_classic(protection: &Value) -> Protection {
        let enabled = |pointer: &str| protection.pointer(pointer).and_then(Value::as_bool);
        let reviews = protection
            .get("required_pull_request_reviews")
            .filter(|r| r.is_object());
        let mut checks: BTreeSet<String> = protection
            .pointer("/required_status_checks/contexts")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        if let Some(list) = protection
            .pointer("/required_status_checks/checks")
            .and_then(Value::as_array)
        {
            checks.extend(
                list.iter()
                    .filter_map(|c| c.get("context").and_then(Value::as_str))
                    .map(str::to_string),
            );
        }
        Protection {
            pull_request: reviews.is_some(),
            approvals: reviews
                .and_then(|r| r.get("required_approving_review_count"))
                .and_then(Value::as_u64)
                .unwrap_or(0),
            dismiss_stale: reviews
                .and_then(|r| r.get("dismiss_stale_reviews"))
                .and_then(Value::as_bool)
                .unwrap_or(false),
            thread_resolution: enabled("/required_conversation_resolution/enabled")
                .unwrap_or(false),
            checks,
            block_force_push: enabled("/allow_force_pushes/enabled") == Some(false),
            block_deletion: enabled("/allow_deletions/enabled") == Some(false),
            admins_included: enabled("/enforce_admins/enabled").unwrap_or(false),
        }
    }

    /// Both protections together (rulesets and classic protection stack on GitHub).
    pub fn merge(&self, other: &Protection) -> Protection {
        Protection {
            pull_request: self.pull_request || other.pull_request,
            approvals: self.approvals.max(other.approvals),
            dismiss_stale: self.dismiss_stale || other.dismiss_stale,
            thread_resolution: self.thread_resolution || other.thread_resolution,
            checks: self.checks.union(&other.checks).cloned().collect(),
            block_force_push: self.block_force_push || other.block_force_push,
            block_deletion: self.block_deletion || other.block_deletion,
            admins_included: self.admins_included || other.admins_included,
        }
    }

    /// What `repo.branch-protection` asks: a pull request with 1+ approval, no force pushes.
    pub fn missing_for_audit(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if !self.pull_request {
            out.push("no pull request is required before merging");
        } else if self.approvals < 1 {
            out.push("pull requests need no approval");
        }
        if !self.block_force_push {
            out.push("force pushes are allowed");
        }
        out
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        Policy {
            branch: "main".into(),
            checks: vec!["lint".into(), "test".into()],
        }
    }

    #[test]
    fn a_fresh_ruleset_body_satisfies_the_policy() {
        let p = policy();
        let body = p.ruleset_body(None);
        assert_eq!(body["name"], "new-service");
        assert!(p.ruleset_differences(&body, "main").is_empty(), "{body:#}");
    }

    #[test]
    fn an_update_keeps_foreign_rules_and_stronger_settings() {
        let p = policy();
        let current = json!({
            "enforcement": "disabled",
            "bypass_actors": [{"actor_id": 5, "actor_type": "RepositoryRole", "bypass_mode": "always"}],
            "conditions": {"ref_name": {"include": ["refs/heads/release/*"], "exclude": []}},
            "rules": [
                {"type": "required_signatures"},
                {"type": "pull_request", "parameters": {"required_approving_review_count": 2,
                  "dismiss_stale_reviews_on_push": false, "require_code_owner_review": true,
                  "require_last_push_approval": false, "required_review_thread_resolution": false}},
            ]
        });
        let diff = p.ruleset_differences(&current, "main");
        assert!(
            diff.contains(&"enforcement: disabled → active".to_string()),
            "{diff:?}"
        );
        assert!(diff.contains(&"admins and bypass actors exempt: yes → no".to_string()));
        assert!(
            !diff.iter().any(|d| d.starts_with("required approvals")),
            "{diff:?}"
        );
        let body = p.ruleset_body(Some(&current));
        let types: Vec<&str> = body["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["type"].as_str().unwrap())
            .collect();
        assert_eq!(
            types,
            [
                "deletion",
                "non_fast_forward",
                "pull_request",
                "required_status_checks",
                "required_signatures"
            ]
        );
        assert_eq!(
            body["rules"][2]["parameters"]["required_approving_review_count"],
            2
        );
        assert_eq!(
            body["rules"][2]["parameters"]["require_code_owner_review"],
            true
        );
        assert_eq!(
            body["conditions"]["ref_name"]["include"],
            json!(["refs/heads/release/*", "refs/heads/main"])
        );
        assert!(p.ruleset_differences(&body, "main").is_empty());
    }

    #[test]
    fn classic_protection_read_back_satisfies_the_policy() {
        let p = policy();
        // What GitHub answers after the PUT of classic_body.
        let read = json!({
            "required_status_checks": {"strict": false, "contexts": ["lint", "test"], "checks": []},
            "enforce_admins": {"enabled": true},
            "required_pull_request_reviews": {"dismiss_stale_reviews": true, "require_code_owner_reviews": false, "required_approving_review_count": 1},
            "required_conversation_resolution": {"enabled": true},
            "allow_force_pushes": {"enabled": false},
            "allow_deletions": {"enabled": false},
        });
        assert!(p.differences(&Protection::from_classic(&read)).is_empty());
        let body = p.classic_body(Some(&read));
        assert_eq!(
            body["required_status_checks"]["contexts"],
            json!(["lint", "test"])
        );
        assert_eq!(body["restrictions"], Value::Null);
    }

    #[test]
    fn ref_patterns_match_like_rulesets_do() {
        assert!(ref_pattern_matches("refs/heads/main", "refs/heads/main"));
        assert!(ref_pattern_matches("refs/heads/*", "refs/heads/main"));
        assert!(!ref_pattern_matches("refs/heads/*", "refs/heads/a/b"));
        assert!(ref_pattern_matches("refs/heads/**", "refs/heads/a/b"));
        let rs =
            json!({"conditions": {"ref_name": {"include": ["~DEFAULT_BRANCH"], "exclude": []}}});
        assert!(ruleset_targets(&rs, "main", "main"));
        assert!(!ruleset_targets(&rs, "dev", "main"));
    }
}
