//! JSON objects as GitHub returns them, with every field the REST description marks required,
//! so that responses validate against it.

use serde_json::{Value, json};

pub const TIME: &str = "2025-01-01T00:00:00Z";

pub fn simple_user(base: &str, login: &str, id: u64, org: bool) -> Value {
    let u = format!("{base}/users/{login}");
    json!({
        "login": login, "id": id, "node_id": format!("U_{id}"),
        "avatar_url": format!("{base}/avatars/{login}"), "gravatar_id": "",
        "url": u, "html_url": format!("{base}/{login}"),
        "followers_url": format!("{u}/followers"), "following_url": format!("{u}/following{{/other_user}}"),
        "gists_url": format!("{u}/gists{{/gist_id}}"), "starred_url": format!("{u}/starred{{/owner}}{{/repo}}"),
        "subscriptions_url": format!("{u}/subscriptions"), "organizations_url": format!("{u}/orgs"),
        "repos_url": format!("{u}/repos"), "events_url": format!("{u}/events{{/privacy}}"),
        "received_events_url": format!("{u}/received_events"),
        "type": if org { "Organization" } else { "User" }, "site_admin": false,
    })
}

pub fn private_user(base: &str, login: &str, id: u64) -> Value {
    let mut u = simple_user(base, login, id, false);
    let extra = json!({
        "user_view_type": "private",
        "bio": null, "blog": "", "company": null, "email": null, "hireable": null,
        "location": null, "name": login, "public_gists": 0, "public_repos": 0,
        "followers": 0, "following": 0, "created_at": TIME, "updated_at": TIME,
        "collaborators": 0, "disk_usage": 0, "owned_private_repos": 0, "private_gists": 0,
        "total_private_repos": 0, "two_factor_authentication": true,
    });
    merge(&mut u, extra);
    u
}

pub fn merge(target: &mut Value, extra: Value) {
    if let (Value::Object(t), Value::Object(e)) = (target, extra) {
        t.extend(e);
    }
}

pub struct RepoView<'a> {
    pub base: &'a str,
    pub owner: &'a str,
    pub owner_id: u64,
    pub owner_is_org: bool,
    pub name: &'a str,
    pub id: u64,
    pub private: bool,
    pub default_branch: &'a str,
    pub clone_url: String,
    pub description: Option<&'a str>,
    /// `(admin, push, pull)` of the viewer.
    pub permissions: (bool, bool, bool),
    /// Shown to admins only, as GitHub does.
    pub security: Option<Value>,
}

pub fn full_repository(r: &RepoView<'_>) -> Value {
    let full = format!("{}/{}", r.owner, r.name);
    let u = format!("{}/repos/{full}", r.base);
    let mut repo = json!({
        "id": r.id, "node_id": format!("R_{}", r.id), "name": r.name, "full_name": full,
        "owner": simple_user(r.base, r.owner, r.owner_id, r.owner_is_org),
        "private": r.private, "visibility": if r.private { "private" } else { "public" },
        "html_url": format!("{}/{full}", r.base), "description": r.description, "fork": false,
        "url": u,
        "archive_url": format!("{u}/{{archive_format}}{{/ref}}"),
        "assignees_url": format!("{u}/assignees{{/user}}"),
        "blobs_url": format!("{u}/git/blobs{{/sha}}"),
        "branches_url": format!("{u}/branches{{/branch}}"),
        "collaborators_url": format!("{u}/collaborators{{/collaborator}}"),
        "comments_url": format!("{u}/comments{{/number}}"),
        "commits_url": format!("{u}/commits{{/sha}}"),
        "compare_url": format!("{u}/compare/{{base}}...{{head}}"),
        "contents_url": format!("{u}/contents/{{+path}}"),
        "contributors_url": format!("{u}/contributors"),
        "deployments_url": format!("{u}/deployments"),
        "downloads_url": format!("{u}/downloads"),
        "events_url": format!("{u}/events"),
        "forks_url": format!("{u}/forks"),
        "git_commits_url": format!("{u}/git/commits{{/sha}}"),
        "git_refs_url": format!("{u}/git/refs{{/sha}}"),
        "git_tags_url": format!("{u}/git/tags{{/sha}}"),
        "hooks_url": format!("{u}/hooks"),
        "issue_comment_url": format!("{u}/issues/comments{{/number}}"),
        "issue_events_url": format!("{u}/issues/events{{/number}}"),
        "issues_url": format!("{u}/issues{{/number}}"),
        "keys_url": format!("{u}/keys{{/key_id}}"),
        "labels_url": format!("{u}/labels{{/name}}"),
        "languages_url": format!("{u}/languages"),
        "merges_url": format!("{u}/merges"),
        "milestones_url": format!("{u}/milestones{{/number}}"),
        "notifications_url": format!("{u}/notifications{{?since,all,participating}}"),
        "pulls_url": format!("{u}/pulls{{/number}}"),
        "releases_url": format!("{u}/releases{{/id}}"),
        "stargazers_url": format!("{u}/stargazers"),
        "statuses_url": format!("{u}/statuses/{{sha}}"),
        "subscribers_url": format!("{u}/subscribers"),
        "subscription_url": format!("{u}/subscription"),
        "tags_url": format!("{u}/tags"),
        "teams_url": format!("{u}/teams"),
        "trees_url": format!("{u}/git/trees{{/sha}}"),
        "clone_url": r.clone_url,
        "git_url": format!("git://fake.invalid/{full}.git"),
        "ssh_url": format!("git@fake.invalid:{full}.git"),
        "svn_url": format!("{}/{full}", r.base),
        "mirror_url": null, "homepage": null, "language": null, "license": null,
        "default_branch": r.default_branch,
        "forks": 0, "forks_count": 0, "open_issues": 0, "open_issues_count": 0,
        "stargazers_count": 0, "watchers": 0, "watchers_count": 0, "size": 0,
        "network_count": 0, "subscribers_count": 0,
        "has_issues": true, "has_projects": false, "has_wiki": false, "has_pages": false,
        "has_discussions": false, "archived": false, "disabled": false,
        "pushed_at": TIME, "created_at": TIME, "updated_at": TIME,
        "permissions": {"admin": r.permissions.0, "maintain": r.permissions.0,
                        "push": r.permissions.1, "triage": r.permissions.1, "pull": r.permissions.2},
        "delete_branch_on_merge": true,
    });
    if let Some(security) = &r.security {
        repo["security_and_analysis"] = security.clone();
    }
    repo
}

pub fn commit(base: &str, full: &str, sha: &str) -> Value {
    let u = format!("{base}/repos/{full}/commits/{sha}");
    json!({
        "url": u, "sha": sha, "node_id": format!("C_{sha}"),
        "html_url": format!("{base}/{full}/commit/{sha}"), "comments_url": format!("{u}/comments"),
        "commit": {
            "url": format!("{base}/repos/{full}/git/commits/{sha}"),
            "author": null, "committer": null, "message": "Initial commit", "comment_count": 0,
            "tree": {"sha": sha, "url": format!("{base}/repos/{full}/git/trees/{sha}")},
        },
        "author": null, "committer": null, "parents": [],
    })
}

/// A ruleset as stored and returned (`repository-ruleset`).
pub fn ruleset(base: &str, full: &str, id: u64, body: &Value) -> Value {
    json!({
        "id": id,
        "name": body["name"],
        "target": body.get("target").cloned().unwrap_or(json!("branch")),
        "source_type": "Repository",
        "source": full,
        "enforcement": body["enforcement"],
        "bypass_actors": body.get("bypass_actors").cloned().unwrap_or(json!([])),
        "current_user_can_bypass": "never",
        "node_id": format!("RRS_{id}"),
        "_links": {"self": {"href": format!("{base}/repos/{full}/rulesets/{id}")},
                   "html": {"href": format!("{base}/{full}/rules/{id}")}},
        "conditions": body.get("conditions").cloned().unwrap_or(Value::Null),
        "rules": body.get("rules").cloned().unwrap_or(json!([])),
        "created_at": TIME, "updated_at": TIME,
    })
}

/// Classic protection as GET returns it, from the body of the PUT that set it.
pub fn branch_protection(base: &str, full: &str, branch: &str, put: &Value) -> Value {
    let p = format!("{base}/repos/{full}/branches/{branch}/protection");
    let enabled = |key: &str, default: bool| json!({"enabled": put.get(key).and_then(Value::as_bool).unwrap_or(default)});
    let mut out = json!({
        "url": p,
        "enforce_admins": {"url": format!("{p}/enforce_admins"), "enabled": put["enforce_admins"].as_bool().unwrap_or(false)},
        "required_linear_history": enabled("required_linear_history", false),
        "allow_force_pushes": enabled("allow_force_pushes", false),
        "allow_deletions": enabled("allow_deletions", false),
        "block_creations": enabled("block_creations", false),
        "required_conversation_resolution": enabled("required_conversation_resolution", false),
        "lock_branch": enabled("lock_branch", false),
        "allow_fork_syncing": enabled("allow_fork_syncing", false),
        "required_signatures": {"url": format!("{p}/required_signatures"), "enabled": false},
    });
    if let Some(checks) = put.get("required_status_checks").filter(|c| c.is_object()) {
        let mut names: Vec<Value> = checks["contexts"].as_array().cloned().unwrap_or_default();
        for c in checks
            .get("checks")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !names.contains(&c["context"]) {
                names.push(c["context"].clone());
            }
        }
        out["required_status_checks"] = json!({
            "url": format!("{p}/required_status_checks"),
            "strict": checks["strict"],
            "contexts": names,
            "checks": names.iter().map(|n| json!({"context": n, "app_id": null})).collect::<Vec<_>>(),
            "contexts_url": format!("{p}/required_status_checks/contexts"),
        });
    }
    if let Some(reviews) = put
        .get("required_pull_request_reviews")
        .filter(|r| r.is_object())
    {
        out["required_pull_request_reviews"] = json!({
            "url": format!("{p}/required_pull_request_reviews"),
            "dismiss_stale_reviews": reviews.get("dismiss_stale_reviews").and_then(Value::as_bool).unwrap_or(false),
            "require_code_owner_reviews": reviews.get("require_code_owner_reviews").and_then(Value::as_bool).unwrap_or(false),
            "required_approving_review_count": reviews.get("required_approving_review_count").and_then(Value::as_u64).unwrap_or(0),
            "require_last_push_approval": reviews.get("require_last_push_approval").and_then(Value::as_bool).unwrap_or(false),
        });
    }
    out
}

pub fn error(message: &str) -> Value {
    json!({"message": message, "documentation_url": "https://docs.github.com/rest"})
}
