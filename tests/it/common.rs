//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The binary under test, with colour off and a neutral environment.
pub fn new_service() -> Command {
    let mut cmd = Command::cargo_bin("new-service").expect("binary built");
    cmd.env("NO_COLOR", "1")
        .env_remove("GIT_DIR")
        .env_remove("GITHUB_TOKEN")
        .env_remove("GH_TOKEN");
    cmd
}

/// A fixture template under `tests/fixtures/templates/`.
pub fn fixture_template(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/templates")
        .join(name)
}

/// Every file under `root`, as sorted `/`-separated relative paths, skipping `.git`.
pub fn tree(root: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("readable dir") {
            let entry = entry.expect("entry");
            let path = entry.path();
            if entry.file_name() == ".git" {
                continue;
            }
            if entry.file_type().expect("type").is_dir() {
                walk(root, &path, out);
            } else {
                out.push(
                    path.strip_prefix(root)
                        .expect("inside")
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

/// Runs git in `dir` and returns its trimmed stdout.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Runs `program` in `dir` with no input; panics (naming the program) when it cannot start.
pub fn run(dir: &Path, program: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program} (run the suite with ./scripts/test): {e}"))
}

/// A finished command's stdout and stderr, for assertion messages.
pub fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Stops a generated project's local database (scripts/testdb.py) whatever happens to the test.
pub struct DbGuard<'a>(pub &'a Path);
impl Drop for DbGuard<'_> {
    fn drop(&mut self) {
        let _ = run(self.0, "python3", &["scripts/testdb.py", "stop"]);
    }
}

/// Stages everything in `dir` and commits it with a throwaway identity.
pub fn commit_all(dir: &Path, message: &str) {
    git(dir, &["add", "--all"]);
    git(
        dir,
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "commit",
            "-qm",
            message,
        ],
    );
}

/// Audits `root` as JSON and asserts what a freshly generated repository must show: every
/// local check passes (but for `allowed`, `(id, status)` pairs the spec asks for), the level
/// is gold, and the exit code is 0 although it is not pushed yet (the missing origin is
/// reported beside the level). Returns the report.
pub fn assert_generated_reaches_gold(root: &Path, allowed: &[(&str, &str)]) -> serde_json::Value {
    let out = new_service()
        .args(["audit", "--format", "json"])
        .arg(root)
        .output()
        .expect("audit runs");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    let not_passing: Vec<String> = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r.get("remote").is_none() && r["status"] != "pass")
        .filter(|r| {
            !allowed
                .iter()
                .any(|(id, status)| r["id"] == *id && r["status"] == *status)
        })
        .map(|r| format!("{} {}: {}", r["id"], r["status"], r["message"]))
        .collect();
    assert!(
        not_passing.is_empty(),
        "local checks not passing:\n{}",
        not_passing.join("\n")
    );
    assert_eq!(report["level_reached"], "gold");
    assert_eq!(out.status.code(), Some(0), "{}", report["summary"]);
    report
}
