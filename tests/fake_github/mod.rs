//! A fake GitHub REST API for the tests: stateful, in-process on 127.0.0.1 (a free port), and
//! strict. Every request body and every response it sends is validated against GitHub's own
//! REST description (see `openapi.rs`); a request to an undocumented route, or a body that does
//! not match, is recorded as a violation, and the test fails when the fake is dropped.
//!
//! State: accounts (users and organisations) with tokens, repositories with branches (read from
//! a local bare repository when one exists: `clone_url` is a `file://` URL, so `git push` works),
//! rulesets, classic protection, Actions secrets (the fake holds the key pair and decrypts what
//! it is sent), and security settings. Scripted answers stand in for GitHub's errors.

#![allow(dead_code)]

pub mod objects;
pub mod openapi;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Value, json};

use objects::{RepoView, error};
use openapi::Route;

/// The token the tests give the binary; it must never appear in any output.
pub const TOKEN: &str = "ghp_FakeToken0123456789abcdefSECRET";
/// A token of a user with read access only.
pub const READER_TOKEN: &str = "ghp_ReaderToken0123456789abcdefSECRET";
pub const USER: &str = "octo";
pub const READER: &str = "reader";
pub const ORG: &str = "acme";

#[derive(Debug, Clone)]
pub struct Account {
    pub id: u64,
    pub org: bool,
    pub members: BTreeSet<String>,
}

#[derive(Debug, Clone)]
pub struct Repo {
    pub id: u64,
    pub owner: String,
    pub name: String,
    pub private: bool,
    pub description: Option<String>,
    pub default_branch: String,
    pub branches: BTreeSet<String>,
    /// A bare repository standing in for GitHub's storage (`clone_url` points at it).
    pub bare: Option<PathBuf>,
    pub admins: BTreeSet<String>,
    pub readers: BTreeSet<String>,
    pub rulesets: BTreeMap<u64, Value>,
    /// Classic protection per branch: the body of the PUT that set it.
    pub classic: BTreeMap<String, Value>,
    /// Decrypted Actions secrets.
    pub secrets: BTreeMap<String, String>,
    pub secret_scanning: bool,
    pub push_protection: bool,
    pub dependabot_alerts: bool,
    pub dependabot_updates: bool,
    /// Whether the plan allows secret scanning (GitHub refuses it on some private repos).
    pub plan_allows_security: bool,
}

impl Repo {
    pub fn full(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }
}

#[derive(Debug, Clone)]
pub struct Logged {
    pub method: String,
    pub path: String,
    pub status: u16,
    pub body: Option<Value>,
}

/// A canned answer for the requests whose `METHOD path` contains `matches`.
#[derive(Debug, Clone)]
pub struct Scripted {
    pub matches: String,
    pub status: u16,
    pub body: Value,
    pub headers: Vec<(String, String)>,
    pub times: usize,
}

pub struct State {
    pub base: String,
    pub tokens: HashMap<String, String>,
    pub accounts: BTreeMap<String, Account>,
    pub repos: BTreeMap<String, Repo>,
    pub next_id: u64,
    pub key: crypto_box::SecretKey,
    pub key_id: String,
    pub log: Vec<Logged>,
    pub violations: Vec<String>,
    pub scripted: Vec<Scripted>,
    pub git_root: PathBuf,
}

pub struct FakeGithub {
    state: Arc<Mutex<State>>,
    url: String,
    stop: Arc<AtomicBool>,
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
    _git_root: tempfile::TempDir,
}

impl FakeGithub {
    /// Starts a fake with the user `octo` (token [`TOKEN`]), the organisation `acme` (octo is
    /// a member) and the user `reader` (token [`READER_TOKEN`]).
    pub fn start() -> FakeGithub {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let url = format!("http://127.0.0.1:{port}");
        let git_root = tempfile::TempDir::new().expect("temp dir");
        let mut accounts = BTreeMap::new();
        accounts.insert(
            USER.into(),
            Account {
                id: 1,
                org: false,
                members: BTreeSet::new(),
            },
        );
        accounts.insert(
            READER.into(),
            Account {
                id: 2,
                org: false,
                members: BTreeSet::new(),
            },
        );
        accounts.insert(
            ORG.into(),
            Account {
                id: 3,
                org: true,
                members: [USER.to_string()].into(),
            },
        );
        let state = Arc::new(Mutex::new(State {
            base: url.clone(),
            tokens: [
                (TOKEN.to_string(), USER.to_string()),
                (READER_TOKEN.to_string(), READER.to_string()),
            ]
            .into(),
            accounts,
            repos: BTreeMap::new(),
            next_id: 100,
            key: crypto_box::SecretKey::generate(&mut crypto_box::aead::OsRng),
            key_id: "3380204578043523366".into(),
            log: Vec::new(),
            violations: Vec::new(),
            scripted: Vec::new(),
            git_root: git_root.path().to_path_buf(),
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (server, state, stop) = (server.clone(), state.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    match server.recv_timeout(Duration::from_millis(200)) {
                        Ok(Some(request)) => serve(&state, request),
                        Ok(None) => {}
                        Err(_) => break,
                    }
                }
            })
        };
        FakeGithub {
            state,
            url,
            stop,
            server,
            thread: Some(thread),
            _git_root: git_root,
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds a repository with a `main` branch (no bare repository behind it), owned by `owner`;
    /// `octo` is an admin, `reader` can read.
    pub fn add_repo(&self, owner: &str, name: &str) {
        let mut s = self.state();
        let id = s.next_id;
        s.next_id += 1;
        s.repos.insert(
            key(owner, name),
            Repo {
                id,
                owner: owner.into(),
                name: name.into(),
                private: false,
                description: None,
                default_branch: "main".into(),
                branches: ["main".to_string()].into(),
                bare: None,
                admins: [USER.to_string()].into(),
                readers: [READER.to_string()].into(),
                rulesets: BTreeMap::new(),
                classic: BTreeMap::new(),
                secrets: BTreeMap::new(),
                secret_scanning: false,
                push_protection: false,
                dependabot_alerts: false,
                dependabot_updates: false,
                plan_allows_security: true,
            },
        );
    }

    pub fn repo(&self, owner: &str, name: &str) -> Repo {
        self.state()
            .repos
            .get(&key(owner, name))
            .cloned()
            .expect("repo exists in the fake")
    }

    pub fn with_repo(&self, owner: &str, name: &str, f: impl FnOnce(&mut Repo)) {
        let mut s = self.state();
        f(s.repos
            .get_mut(&key(owner, name))
            .expect("repo exists in the fake"));
    }

    /// Answers the next `times` requests whose `METHOD /path` contains `matches` with `status`
    /// and `body` (and headers), instead of the normal handling.
    pub fn script(
        &self,
        matches: &str,
        status: u16,
        body: Value,
        headers: &[(&str, &str)],
        times: usize,
    ) {
        self.state().scripted.push(Scripted {
            matches: matches.into(),
            status,
            body,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            times,
        });
    }

    pub fn log(&self) -> Vec<Logged> {
        self.state().log.clone()
    }

    pub fn clear_log(&self) {
        self.state().log.clear();
    }

    /// Requests other than GET: what changed (or tried to change) the fake's state.
    pub fn writes(&self) -> Vec<String> {
        self.log()
            .into_iter()
            .filter(|l| l.method != "GET")
            .map(|l| format!("{} {} -> {}", l.method, l.path, l.status))
            .collect()
    }

    pub fn violations(&self) -> Vec<String> {
        self.state().violations.clone()
    }

    /// Clears recorded violations (for the tests that provoke one on purpose).
    pub fn take_violations(&self) -> Vec<String> {
        std::mem::take(&mut self.state().violations)
    }
}

impl Drop for FakeGithub {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let violations = self.violations();
        if !violations.is_empty() && !std::thread::panicking() {
            panic!(
                "the fake GitHub saw {} request(s) or response(s) that break GitHub's REST description:\n{}",
                violations.len(),
                violations.join("\n")
            );
        }
    }
}

fn key(owner: &str, name: &str) -> String {
    format!(
        "{}/{}",
        owner.to_ascii_lowercase(),
        name.to_ascii_lowercase()
    )
}

struct Answer {
    status: u16,
    body: Option<Value>,
    headers: Vec<(String, String)>,
}

fn answer(status: u16, body: Value) -> Answer {
    Answer {
        status,
        body: Some(body),
        headers: Vec::new(),
    }
}

fn empty(status: u16) -> Answer {
    Answer {
        status,
        body: None,
        headers: Vec::new(),
    }
}

fn not_found() -> Answer {
    answer(404, error("Not Found"))
}

fn forbidden(permission: &str) -> Answer {
    Answer {
        status: 403,
        body: Some(error("Resource not accessible by personal access token")),
        headers: vec![("x-accepted-github-permissions".into(), permission.into())],
    }
}

fn serve(state: &Arc<Mutex<State>>, mut request: tiny_http::Request) {
    let method = request.method().as_str().to_string();
    let url = request.url().to_string();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    let path = path.to_string();
    let query: HashMap<String, String> = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let auth = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Authorization"))
        .map(|h| h.value.as_str().to_string());
    let mut text = String::new();
    let _ = request.as_reader().read_to_string(&mut text);
    let body: Option<Value> = if text.trim().is_empty() {
        None
    } else {
        serde_json::from_str(&text).ok()
    };

    let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
    let answer = respond(
        &mut s,
        &method,
        &path,
        &query,
        auth.as_deref(),
        &text,
        body.as_ref(),
    );
    s.log.push(Logged {
        method: method.clone(),
        path: path.clone(),
        status: answer.status,
        body: body.clone(),
    });
    drop(s);

    let payload = answer
        .body
        .as_ref()
        .map(|b| b.to_string())
        .unwrap_or_default();
    let mut response = tiny_http::Response::from_string(payload).with_status_code(answer.status);
    if answer.body.is_some() {
        response.add_header(
            tiny_http::Header::from_bytes("Content-Type", "application/json; charset=utf-8")
                .expect("header"),
        );
    }
    for (k, v) in &answer.headers {
        response
            .add_header(tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).expect("header"));
    }
    let _ = request.respond(response);
}

fn respond(
    s: &mut State,
    method: &str,
    path: &str,
    query: &HashMap<String, String>,
    auth: Option<&str>,
    text: &str,
    body: Option<&Value>,
) -> Answer {
    let Some(route) = openapi::route(method, path) else {
        s.violations.push(format!("{method} {path}: no such operation in the extract (an endpoint GitHub does not have, or one missing from scripts/github-openapi-extract)"));
        return not_found();
    };
    if !text.trim().is_empty() && body.is_none() {
        s.violations
            .push(format!("{method} {path}: request body is not JSON"));
        return answer(400, error("Problems parsing JSON"));
    }
    if let Err(e) = openapi::validate_request(&route, body) {
        s.violations.push(format!(
            "{method} {path}: request body breaks the description: {e}"
        ));
        return answer(422, error(&format!("Invalid request: {e}")));
    }
    let label = format!("{method} {path}");
    let scripted = s
        .scripted
        .iter_mut()
        .find(|sc| sc.times > 0 && label.contains(&sc.matches));
    let answer = if let Some(sc) = scripted {
        sc.times -= 1;
        Answer {
            status: sc.status,
            body: Some(sc.body.clone()),
            headers: sc.headers.clone(),
        }
    } else {
        let login = auth
            .and_then(|a| {
                a.strip_prefix("Bearer ")
                    .or_else(|| a.strip_prefix("token "))
            })
            .and_then(|t| s.tokens.get(t).cloned());
        match login {
            None if auth.is_none() => answer(401, error("Requires authentication")),
            None => answer(401, error("Bad credentials")),
            Some(login) => handle(s, &route, query, &login, body),
        }
    };
    if let Err(e) = openapi::validate_response(&route, answer.status, answer.body.as_ref()) {
        s.violations.push(format!(
            "{method} {path}: the fake's own {} response breaks the description: {e}",
            answer.status
        ));
    }
    answer
}

fn handle(
    s: &mut State,
    route: &Route,
    query: &HashMap<String, String>,
    login: &str,
    body: Option<&Value>,
) -> Answer {
    let null = Value::Null;
    let body = body.unwrap_or(&null);
    match (route.method.as_str(), route.template.as_str()) {
        ("get", "/user") => {
            let id = s.accounts.get(login).map(|a| a.id).unwrap_or(0);
            answer(200, objects::private_user(&s.base, login, id))
        }
        ("post", "/user/repos") => create_repo(s, login, login, body),
        ("post", "/orgs/{org}/repos") => {
            let org = route.param("org").to_string();
            match s.accounts.get(&org) {
                Some(a) if a.org && a.members.contains(login) => create_repo(s, &org, login, body),
                Some(a) if a.org => forbidden("administration=write"),
                _ => not_found(),
            }
        }
        _ => repo_route(s, route, query, login, body),
    }
}

fn create_repo(s: &mut State, owner: &str, login: &str, body: &Value) -> Answer {
    let name = body["name"].as_str().unwrap_or_default().to_string();
    if s.repos.contains_key(&key(owner, &name)) {
        return answer(
            422,
            json!({
                "message": "Repository creation failed.",
                "errors": [{"resource": "Repository", "code": "custom", "field": "name", "message": "name already exists on this account"}],
                "documentation_url": "https://docs.github.com/rest/repos/repos#create-a-repository-for-the-authenticated-user",
            }),
        );
    }
    let bare = s.git_root.join(owner).join(format!("{name}.git"));
    std::fs::create_dir_all(&bare).expect("bare dir");
    let ok = Command::new("git")
        .args(["init", "--quiet", "--bare", "-b", "main"])
        .arg(&bare)
        .status()
        .is_ok_and(|st| st.success());
    assert!(ok, "git init --bare failed");
    let id = s.next_id;
    s.next_id += 1;
    s.repos.insert(
        key(owner, &name),
        Repo {
            id,
            owner: owner.into(),
            name: name.clone(),
            private: body["private"].as_bool().unwrap_or(false),
            description: body["description"].as_str().map(str::to_string),
            default_branch: "main".into(),
            branches: BTreeSet::new(),
            bare: Some(bare),
            admins: [login.to_string()].into(),
            readers: BTreeSet::new(),
            rulesets: BTreeMap::new(),
            classic: BTreeMap::new(),
            secrets: BTreeMap::new(),
            secret_scanning: false,
            push_protection: false,
            dependabot_alerts: false,
            dependabot_updates: false,
            plan_allows_security: true,
        },
    );
    let repo = s.repos[&key(owner, &name)].clone();
    answer(201, repo_json(s, &repo, login))
}

fn clone_url(repo: &Repo) -> String {
    match &repo.bare {
        Some(path) => format!("file://{}", path.display()),
        None => format!("file:///nonexistent/{}.git", repo.full()),
    }
}

fn repo_json(s: &State, repo: &Repo, login: &str) -> Value {
    let admin = repo.admins.contains(login);
    let owner = s.accounts.get(&repo.owner);
    let status = |on: bool| json!({"status": if on { "enabled" } else { "disabled" }});
    objects::full_repository(&RepoView {
        base: &s.base,
        owner: &repo.owner,
        owner_id: owner.map(|a| a.id).unwrap_or(0),
        owner_is_org: owner.is_some_and(|a| a.org),
        name: &repo.name,
        id: repo.id,
        private: repo.private,
        default_branch: &repo.default_branch,
        clone_url: clone_url(repo),
        description: repo.description.as_deref(),
        permissions: (admin, admin, true),
        security: admin.then(|| {
            json!({
                "secret_scanning": status(repo.secret_scanning),
                "secret_scanning_push_protection": status(repo.push_protection),
                "dependabot_security_updates": status(repo.dependabot_updates),
            })
        }),
    })
}

/// Branches: those pushed to the bare repository, or the seeded ones.
fn branches(repo: &Repo) -> BTreeMap<String, String> {
    if let Some(bare) = &repo.bare {
        let out = Command::new("git")
            .args([
                "for-each-ref",
                "--format=%(refname:short) %(objectname)",
                "refs/heads",
            ])
            .current_dir(bare)
            .output()
            .expect("git for-each-ref");
        return String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.split_once(' '))
            .map(|(b, sha)| (b.to_string(), sha.to_string()))
            .collect();
    }
    repo.branches
        .iter()
        .map(|b| {
            (
                b.clone(),
                "6dcb09b5b57875f334f61aebed695e2e4193db5e".to_string(),
            )
        })
        .collect()
}

fn repo_route(
    s: &mut State,
    route: &Route,
    query: &HashMap<String, String>,
    login: &str,
    body: &Value,
) -> Answer {
    let k = key(route.param("owner"), route.param("repo"));
    let Some(repo) = s.repos.get(&k).cloned() else {
        return not_found();
    };
    let admin = repo.admins.contains(login);
    if repo.private && !admin && !repo.readers.contains(login) {
        return not_found();
    }
    let base = s.base.clone();
    let full = repo.full();
    let branch = route.param("branch").to_string();
    let method = route.method.as_str();
    let needs_admin = !(method == "get"
        && matches!(
            route.template.as_str(),
            "/repos/{owner}/{repo}"
                | "/repos/{owner}/{repo}/branches/{branch}"
                | "/repos/{owner}/{repo}/rules/branches/{branch}"
                | "/repos/{owner}/{repo}/rulesets"
                | "/repos/{owner}/{repo}/rulesets/{ruleset_id}"
        ));
    if needs_admin && !admin {
        return forbidden(if method == "get" {
            "administration=read"
        } else {
            "administration=write"
        });
    }
    let repo_mut = s.repos.get_mut(&k).expect("present");
    match (method, route.template.as_str()) {
        ("get", "/repos/{owner}/{repo}") => answer(200, repo_json(s, &repo, login)),
        ("patch", "/repos/{owner}/{repo}") => {
            let sa = &body["security_and_analysis"];
            let wanted = |field: &str| {
                sa.pointer(&format!("/{field}/status"))
                    .and_then(Value::as_str)
                    .map(|v| v == "enabled")
            };
            let scanning = wanted("secret_scanning");
            let push = wanted("secret_scanning_push_protection");
            if (scanning == Some(true) || push == Some(true)) && !repo.plan_allows_security {
                return answer(
                    422,
                    json!({
                        "message": "Secret scanning is not available for this repository. Upgrade your plan or purchase GitHub Secret Protection to enable it.",
                        "documentation_url": "https://docs.github.com/rest/repos/repos#update-a-repository",
                    }),
                );
            }
            if let Some(on) = scanning {
                repo_mut.secret_scanning = on;
            }
            if let Some(on) = push {
                if on && !repo_mut.secret_scanning {
                    return answer(
                        422,
                        error("Secret scanning must be enabled before push protection."),
                    );
                }
                repo_mut.push_protection = on;
            }
            let repo = s.repos[&k].clone();
            answer(200, repo_json(s, &repo, login))
        }
        ("get", "/repos/{owner}/{repo}/branches/{branch}") => {
            let all = branches(&repo);
            let Some(sha) = all.get(&branch) else {
                return answer(404, error("Branch not found"));
            };
            let protection = match repo.classic.get(&branch) {
                // Without admin rights GitHub shows only the status checks.
                Some(put) => {
                    let full_view = objects::branch_protection(&base, &full, &branch, put);
                    let mut view = json!({"enabled": true});
                    if let Some(rsc) = full_view.get("required_status_checks") {
                        view["required_status_checks"] = json!({
                            "enforcement_level": "everyone",
                            "contexts": rsc["contexts"], "checks": rsc["checks"],
                        });
                    }
                    view
                }
                None => {
                    json!({"enabled": false, "required_status_checks": {"enforcement_level": "off", "contexts": [], "checks": []}})
                }
            };
            answer(
                200,
                json!({
                    "name": branch, "commit": objects::commit(&base, &full, sha),
                    "_links": {"html": format!("{base}/{full}/tree/{branch}"), "self": format!("{base}/repos/{full}/branches/{branch}")},
                    "protected": repo.classic.contains_key(&branch), "protection": protection,
                    "protection_url": format!("{base}/repos/{full}/branches/{branch}/protection"),
                }),
            )
        }
        ("get", "/repos/{owner}/{repo}/branches/{branch}/protection") => {
            match repo.classic.get(&branch) {
                Some(put) => answer(200, objects::branch_protection(&base, &full, &branch, put)),
                None if branches(&repo).contains_key(&branch) => {
                    answer(404, error("Branch not protected"))
                }
                None => answer(404, error("Branch not found")),
            }
        }
        ("put", "/repos/{owner}/{repo}/branches/{branch}/protection") => {
            if !branches(&repo).contains_key(&branch) {
                return answer(404, error("Branch not found"));
            }
            repo_mut.classic.insert(branch.clone(), body.clone());
            answer(200, objects::branch_protection(&base, &full, &branch, body))
        }
        ("get", "/repos/{owner}/{repo}/rulesets") => {
            let list: Vec<Value> = repo
                .rulesets
                .iter()
                .map(|(id, rs)| {
                    let mut summary = objects::ruleset(&base, &full, *id, rs);
                    // The list omits conditions and rules, as GitHub's does.
                    if let Value::Object(m) = &mut summary {
                        m.remove("conditions");
                        m.remove("rules");
                    }
                    summary
                })
                .collect();
            let _ = query;
            answer(200, Value::Array(list))
        }
        ("post", "/repos/{owner}/{repo}/rulesets") => {
            let name = body["name"].as_str().unwrap_or_default();
            if repo.rulesets.values().any(|r| r["name"] == name) {
                return answer(
                    422,
                    json!({
                        "message": "Validation Failed",
                        "errors": [{"resource": "Ruleset", "field": "name", "code": "already_exists", "message": "Name must be unique"}],
                        "documentation_url": "https://docs.github.com/rest/repos/rules#create-a-repository-ruleset",
                    }),
                );
            }
            let id = s.next_id;
            s.next_id += 1;
            let stored = objects::ruleset(&base, &full, id, body);
            s.repos
                .get_mut(&k)
                .expect("present")
                .rulesets
                .insert(id, stored.clone());
            answer(201, stored)
        }
        ("get", "/repos/{owner}/{repo}/rulesets/{ruleset_id}") => {
            match route
                .param("ruleset_id")
                .parse::<u64>()
                .ok()
                .and_then(|id| repo.rulesets.get(&id))
            {
                Some(rs) => answer(200, rs.clone()),
                None => not_found(),
            }
        }
        ("put", "/repos/{owner}/{repo}/rulesets/{ruleset_id}") => {
            let Some(id) = route
                .param("ruleset_id")
                .parse::<u64>()
                .ok()
                .filter(|id| repo.rulesets.contains_key(id))
            else {
                return not_found();
            };
            let mut merged = repo.rulesets[&id].clone();
            for (field, value) in body.as_object().into_iter().flatten() {
                merged[field.as_str()] = value.clone();
            }
            let stored = objects::ruleset(&base, &full, id, &merged);
            repo_mut.rulesets.insert(id, stored.clone());
            answer(200, stored)
        }
        ("get", "/repos/{owner}/{repo}/rules/branches/{branch}") => {
            let mut rules = Vec::new();
            for (id, rs) in &repo.rulesets {
                if rs["enforcement"] == "active" && targets(rs, &branch, &repo.default_branch) {
                    for rule in rs["rules"].as_array().into_iter().flatten() {
                        let mut r = rule.clone();
                        r["ruleset_source_type"] = json!("Repository");
                        r["ruleset_source"] = json!(full);
                        r["ruleset_id"] = json!(id);
                        rules.push(r);
                    }
                }
            }
            answer(200, Value::Array(rules))
        }
        ("get", "/repos/{owner}/{repo}/actions/secrets/public-key") => {
            let key = BASE64.encode(s.key.public_key().as_bytes());
            answer(200, json!({"key_id": s.key_id, "key": key}))
        }
        ("put", "/repos/{owner}/{repo}/actions/secrets/{secret_name}") => {
            let name = route.param("secret_name").to_string();
            if body["key_id"] != json!(s.key_id) {
                return answer(422, error("Bad key_id"));
            }
            let plain = body["encrypted_value"]
                .as_str()
                .and_then(|v| BASE64.decode(v).ok())
                .and_then(|sealed| s.key.unseal(&sealed).ok())
                .and_then(|p| String::from_utf8(p).ok());
            let Some(plain) = plain else {
                s.violations.push(format!(
                    "secret {name}: encrypted_value is not a sealed box to the repository key"
                ));
                return answer(422, error("Bad encrypted_value"));
            };
            let created = s
                .repos
                .get_mut(&k)
                .expect("present")
                .secrets
                .insert(name, plain)
                .is_none();
            if created {
                answer(201, json!({}))
            } else {
                empty(204)
            }
        }
        ("get", "/repos/{owner}/{repo}/vulnerability-alerts") => {
            if repo.dependabot_alerts {
                empty(204)
            } else {
                empty(404)
            }
        }
        ("put", "/repos/{owner}/{repo}/vulnerability-alerts") => {
            repo_mut.dependabot_alerts = true;
            empty(204)
        }
        ("get", "/repos/{owner}/{repo}/automated-security-fixes") => answer(
            200,
            json!({"enabled": repo.dependabot_updates, "paused": false}),
        ),
        ("put", "/repos/{owner}/{repo}/automated-security-fixes") => {
            if !repo.dependabot_alerts {
                return answer(422, error("Vulnerability alerts must be enabled first."));
            }
            repo_mut.dependabot_updates = true;
            empty(204)
        }
        _ => {
            s.violations.push(format!(
                "{} {}: documented but not implemented by the fake",
                route.method, route.template
            ));
            not_found()
        }
    }
}

/// Whether a ruleset applies to `branch`: exact refs, `~ALL`, `~DEFAULT_BRANCH` (the fake
/// knows no wildcards).
fn targets(ruleset: &Value, branch: &str, default_branch: &str) -> bool {
    let hits = |key: &str| {
        ruleset["conditions"]["ref_name"][key]
            .as_array()
            .into_iter()
            .flatten()
            .any(|p| {
                p == "~ALL"
                    || (p == "~DEFAULT_BRANCH" && branch == default_branch)
                    || p.as_str() == Some(&format!("refs/heads/{branch}"))
            })
    };
    hits("include") && !hits("exclude")
}

/// Runs git in `dir` (for tests that inspect the bare repository).
pub fn git_in(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}
