//! End to end: scaffold the embedded FastAPI service and run what its users run — its own test
//! suite against a real PostgreSQL started by its own tooling, the app's readiness endpoint
//! before and after the database stops, and the linters its CI runs.
//!
//! The generated project installs its real dependencies from PyPI into `.venv`; on this machine
//! (no Docker engine) `scripts/testdb.py` takes the local PostgreSQL binaries path. The linters
//! (actionlint, zizmor, ruff) come from `./scripts/test`, which puts pinned versions on PATH.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::common::{DbGuard, git, new_service, run, text};

/// One generated service shared by the tests of this module (scaffolding and installing its
/// dependencies once keeps the suite fast); each test works on its own aspect of it.
/// It lives outside this repository (inside, `init` would not create a nested git repository)
/// in one temp folder per checkout, replaced on each run, so runs leave at most one behind.
fn service() -> &'static PathBuf {
    static SERVICE: OnceLock<PathBuf> = OnceLock::new();
    SERVICE.get_or_init(|| {
        use std::hash::{Hash as _, Hasher as _};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        env!("CARGO_MANIFEST_DIR").hash(&mut hasher);
        let parent = std::env::temp_dir().join(format!("new-service-e2e-{:x}", hasher.finish()));
        let root = parent.join("orders-api");
        if root.join("scripts/testdb.py").is_file() {
            let _ = run(&root, "python3", &["scripts/testdb.py", "stop"]);
        }
        let _ = std::fs::remove_dir_all(&parent);
        std::fs::create_dir_all(&parent).unwrap();
        new_service()
            .current_dir(&parent)
            .args(["init", "orders-api", "--yes"])
            .assert()
            .success();
        root
    })
}

/// Kills the app server whatever happens to the test.
struct ServerGuard(Child);
impl Drop for ServerGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A plain HTTP/1.1 GET; returns the status code and body.
fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split_whitespace().nth(1)?.parse().ok()?;
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())?;
    Some((status, body))
}

#[test]
fn the_generated_service_passes_its_own_tests_against_a_real_postgresql() {
    let root = service();
    let _db = DbGuard(root);
    let out = Command::new("make")
        .arg("test")
        .current_dir(root)
        .env_remove("TEST_DATABASE_URL")
        .env_remove("DATABASE_URL")
        .env("TESTDB_MODE", "local")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let log = text(&out);
    assert!(out.status.success(), "make test failed:\n{log}");
    assert!(log.contains(" passed"), "no pytest summary:\n{log}");
    assert!(!log.contains(" failed"), "{log}");
    // Coverage is measured, as CI does.
    assert!(log.contains("TOTAL"), "no coverage report:\n{log}");

    // The app against that database: ready; then the database stops and it is not.
    let url =
        String::from_utf8(run(root, "python3", &["scripts/testdb.py", "url"]).stdout).unwrap();
    let port = free_port();
    let package = "orders_api";
    let server = Command::new(root.join(".venv/bin/uvicorn"))
        .args([
            "--factory",
            &format!("{package}.main:create_app"),
            "--app-dir",
            "src",
        ])
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .current_dir(root)
        .env("DATABASE_URL", url.trim())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _server = ServerGuard(server);
    let deadline = Instant::now() + Duration::from_secs(60);
    let ready = loop {
        if let Some(r) = get(port, "/readyz") {
            break r;
        }
        assert!(
            Instant::now() < deadline,
            "the app did not start on port {port}"
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(ready.0, 200, "/readyz with the database up: {}", ready.1);
    assert_eq!(get(port, "/healthz").map(|r| r.0), Some(200));

    let stop = run(root, "python3", &["scripts/testdb.py", "stop"]);
    assert!(stop.status.success(), "{}", text(&stop));
    let (status, body) = get(port, "/readyz").unwrap();
    assert_eq!(status, 503, "/readyz with the database down: {body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(
        json.to_string().contains("database"),
        "503 body does not name the database: {body}"
    );
    // Liveness touches nothing: still alive.
    assert_eq!(get(port, "/healthz").map(|r| r.0), Some(200));
}

#[test]
fn the_generated_workflows_are_clean_under_actionlint_and_zizmor() {
    let root = service();
    let workflows: Vec<String> = std::fs::read_dir(root.join(".github/workflows"))
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    assert!(workflows.len() >= 2, "{workflows:?}");
    let mut args: Vec<&str> = vec!["-no-color"];
    args.extend(workflows.iter().map(String::as_str));
    let out = run(root, "actionlint", &args);
    assert!(out.status.success(), "actionlint findings:\n{}", text(&out));
    let out = run(root, "zizmor", &["--offline", "--no-progress", ".github/"]);
    assert!(out.status.success(), "zizmor findings:\n{}", text(&out));
    assert!(
        text(&out).contains("No findings"),
        "zizmor said:\n{}",
        text(&out)
    );
}

#[test]
fn the_generated_python_code_is_clean_under_ruff() {
    let root = service();
    let out = run(root, "ruff", &["check", "."]);
    assert!(out.status.success(), "ruff check:\n{}", text(&out));
    let out = run(root, "ruff", &["format", "--check", "."]);
    assert!(out.status.success(), "ruff format --check:\n{}", text(&out));
}

#[test]
fn the_initial_commit_holds_the_service_but_not_its_secrets() {
    let root = service();
    let tracked = git(root, &["ls-files"]);
    for expected in [
        ".gitignore",
        ".env.example",
        "uv.lock",
        "tools/uv-requirements.txt",
        ".github/workflows/ci.yml",
    ] {
        assert!(
            tracked.lines().any(|l| l == expected),
            "{expected} not committed:\n{tracked}"
        );
    }
    assert!(!tracked.lines().any(|l| l == ".env"), ".env was committed");
    let env = std::fs::read_to_string(root.join(".env")).unwrap();
    let key = env
        .lines()
        .find_map(|l| l.strip_prefix("SECRET_KEY="))
        .expect("SECRET_KEY in .env");
    assert!(key.len() >= 32, "weak SECRET_KEY");
    let record = std::fs::read_to_string(root.join(".new-service.yaml")).unwrap();
    assert!(!record.contains(key), "the secret reached the answers file");
    let history = git(root, &["log", "-p", "--all"]);
    assert!(!history.contains(key), "the secret reached git history");
}

#[test]
fn the_action_definition_is_clean_under_zizmor() {
    let action = Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml");
    let out = run(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        "zizmor",
        &["--offline", "--no-progress", action.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "zizmor findings in action.yml:\n{}",
        text(&out)
    );
}

#[test]
fn a_freshly_generated_service_reaches_gold_with_every_local_check_passing() {
    // One service has no other service to share its models with: the spec skips
    // `db.single-model-source` ("one service → skip").
    let report = crate::common::assert_generated_reaches_gold(
        service(),
        &[("db.single-model-source", "skip")],
    );
    let results = report["results"].as_array().unwrap();
    // Remote checks are honest about what they cannot see offline.
    for r in results.iter().filter(|r| r.get("remote").is_some()) {
        assert!(
            r["status"] == "unknown" || r["id"] == "vcs.remote",
            "remote check {} claims {}",
            r["id"],
            r["status"]
        );
    }
}

/// Issue 17, defect 1: the secret volume was mounted `0400` (root's alone) in a pod running as
/// uid 10001 without an `fsGroup`, so neither the migration init container nor the app could
/// read its settings. No cluster (nor kustomize) here: the rendered base manifest is read.
#[test]
fn the_kubernetes_pod_can_read_its_secret_files() {
    let deployment =
        std::fs::read_to_string(service().join("deploy/k8s/base/deployment.yaml")).unwrap();
    let value = |key: &str| -> Vec<String> {
        deployment
            .lines()
            .filter_map(|line| line.trim().strip_prefix(key))
            .map(|rest| rest.trim().to_string())
            .collect()
    };
    assert_eq!(value("runAsGroup:"), ["10001"], "{deployment}");
    assert_eq!(
        value("fsGroup:"),
        ["10001"],
        "the secret files must belong to the pod's group"
    );
    let modes = value("defaultMode:");
    assert_eq!(modes.len(), 1, "{deployment}");
    let mode = u32::from_str_radix(modes[0].trim_start_matches("0o"), 8).unwrap();
    assert_eq!(
        mode & 0o040,
        0o040,
        "the group must be able to read the secret files: {mode:o}"
    );
    assert_eq!(
        mode & 0o007,
        0,
        "others must not read the secret files: {mode:o}"
    );
}
