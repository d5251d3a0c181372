//! `audit`, `explain` and `checks` through the binary: output formats (snapshots), the SARIF
//! schema, exit codes, custom checklists, waivers and hostile repository content.

use std::fs;
use std::path::{Path, PathBuf};

use predicates::prelude::*;
use tempfile::TempDir;

use crate::common::{commit_all, new_service};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// Audits `root` with `audit --format json --fail-on never` and the extra arguments, expects
/// success, and returns the report.
fn audit_json(root: &Path, extra: &[&str]) -> serde_json::Value {
    let out = new_service()
        .args(["audit", "--format", "json", "--fail-on", "never"])
        .args(extra)
        .arg(root)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

/// The result of check `id` in a JSON report.
fn result<'v>(report: &'v serde_json::Value, id: &str) -> &'v serde_json::Value {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no result for {id}"))
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The `formats` fixture repository (not a git repository) in a temporary directory.
fn formats_repo() -> (TempDir, PathBuf) {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path().join("svc");
    copy_tree(&fixture("repos/formats"), &root);
    (tmp, root)
}

/// Runs the formats audit in one output format; returns stdout with the temp path redacted.
fn formats_output(format: &str) -> String {
    let (_tmp, root) = formats_repo();
    let out = new_service()
        .args([
            "audit",
            "--today",
            "2026-11-22",
            "--format",
            format,
            "--checklist",
        ])
        .arg(fixture("checklists/formats.yaml"))
        .arg(&root)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let root = root.canonicalize().unwrap();
    text.replace(&root.display().to_string(), "[repo]")
        .replace(env!("CARGO_PKG_VERSION"), "[version]")
}

#[test]
fn text_output_groups_results_by_stage() {
    insta::assert_snapshot!(formats_output("text"));
}

#[test]
fn json_output_is_versioned_and_complete() {
    let text = formats_output("json");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["tool"]["name"], "new-service");
    for field in [
        "id",
        "title",
        "stage",
        "level",
        "severity",
        "status",
        "message",
        "locations",
        "fix",
    ] {
        assert!(
            v["results"][0].get(field).is_some(),
            "results[].{field} missing"
        );
    }
    insta::assert_snapshot!(text);
}

#[test]
fn sarif_output_validates_against_the_sarif_2_1_0_schema() {
    let text = formats_output("sarif");
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(fixture("sarif-schema-2.1.0.json")).unwrap())
            .unwrap();
    let validator = sarif_validator(&schema);
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema violations:\n{}",
        errors.join("\n")
    );
    // Code scanning needs a location on every result and rules with help.
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        assert!(!r["locations"].as_array().unwrap().is_empty(), "{r}");
    }
    assert!(doc["runs"][0]["tool"]["driver"]["rules"][0]["help"]["text"].is_string());
    insta::assert_snapshot!(text);
}

#[test]
fn a_sarif_document_breaking_the_schema_is_caught_by_the_validator() {
    // The schema test above must be able to fail: a result without a message is invalid.
    let schema: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(fixture("sarif-schema-2.1.0.json")).unwrap())
            .unwrap();
    let validator = sarif_validator(&schema);
    let bad = serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "a"}]}]});
    assert!(!validator.is_valid(&bad));
}

#[test]
fn junit_output_has_one_testcase_per_check() {
    let text = formats_output("junit");
    assert_eq!(text.matches("<testcase ").count(), 7, "{text}");
    assert!(text.contains("<failure "), "{text}");
    assert!(text.contains("<error "), "{text}");
    assert!(text.contains("<skipped "), "{text}");
    assert!(
        text.contains("&lt;b&gt;") || !text.contains("<b>"),
        "unescaped markup: {text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn markdown_output_is_a_summary_with_fixes() {
    let text = formats_output("markdown");
    assert!(text.contains("level **none**"), "{text}");
    assert!(
        text.contains("\\|"),
        "a pipe in a cell must be escaped: {text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn github_output_is_workflow_annotations() {
    let text = formats_output("github");
    assert!(
        text.lines()
            .any(|l| l.starts_with("::error file=README.md")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("::warning file=config/app.yaml")),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn output_writes_the_report_to_a_file_without_colour() {
    let (tmp, root) = formats_repo();
    let out = tmp.path().join("report.txt");
    new_service()
        .env_remove("NO_COLOR")
        .args(["audit", "--format", "text", "--output"])
        .arg(&out)
        .arg("--checklist")
        .arg(fixture("checklists/formats.yaml"))
        .arg(&root)
        .assert()
        .code(1)
        .stdout("");
    let text = fs::read_to_string(&out).unwrap();
    assert!(text.contains("Level reached"), "{text}");
    assert!(!text.contains('\u{1b}'), "ANSI codes in a file");
}

#[test]
fn fail_on_never_exits_0_despite_failures() {
    let (_tmp, root) = formats_repo();
    new_service()
        .args(["audit", "--fail-on", "never", "--checklist"])
        .arg(fixture("checklists/formats.yaml"))
        .arg(&root)
        .assert()
        .code(0);
}

#[test]
fn a_generated_service_not_pushed_yet_reaches_gold_exits_0_and_says_origin_is_missing() {
    let tmp = TempDir::new().unwrap();
    new_service()
        .current_dir(tmp.path())
        .args(["init", "billing-api", "--yes"])
        .assert()
        .success();
    let root = tmp.path().join("billing-api");
    // Both runs exit 0: vcs.remote fails, but it never changes the exit code.
    let run = |format: &str| {
        let out = new_service()
            .args(["audit", "--offline", "--format", format])
            .arg(&root)
            .assert()
            .code(0);
        out.get_output().stdout.clone()
    };
    let report: serde_json::Value = serde_json::from_slice(&run("json")).unwrap();
    assert_eq!(report["level_reached"], "gold");
    let remote = result(&report, "vcs.remote");
    assert_eq!(remote["status"], "fail");
    assert_eq!(remote["remote"], true);
    let text = run("text");
    let text = String::from_utf8(text).unwrap();
    let tail: Vec<&str> = text.trim_end().lines().rev().take(2).collect();
    assert!(
        tail.iter().any(|l| l.starts_with("Level reached: gold")),
        "{text}"
    );
    assert!(
        tail.iter()
            .any(|l| l.starts_with("Beside the level") && l.contains("vcs.remote fail")),
        "{text}"
    );
}

#[test]
fn timings_go_to_stderr_one_line_per_check_and_leave_the_report_alone() {
    let (_tmp, root) = formats_repo();
    let out = new_service()
        .args([
            "audit",
            "--timings",
            "--format",
            "json",
            "--fail-on",
            "never",
        ])
        .args(["--only", "docs.readme,vcs.git"])
        .arg(&root)
        .assert()
        .code(0)
        .get_output()
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["results"].as_array().unwrap().len(), 2);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("elapsed"));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("timings  read "), "{err}");
    let lines: Vec<&str> = err.lines().skip(1).collect();
    assert_eq!(lines.len(), 2, "{err}");
    for id in ["docs.readme", "vcs.git"] {
        assert!(
            lines
                .iter()
                .any(|l| l.trim_end().ends_with(&format!(" ms  {id}"))),
            "{err}"
        );
    }
}

#[test]
fn level_makes_higher_checks_informational() {
    let (_tmp, root) = formats_repo();
    // Only bronze counts: docs.changelog (bronze) still fails the run.
    new_service()
        .args([
            "audit",
            "--level",
            "bronze",
            "--format",
            "json",
            "--checklist",
        ])
        .arg(fixture("checklists/formats.yaml"))
        .arg(&root)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\"informational\": true"));
    // With the bronze failure fixed, silver failures no longer fail a bronze run.
    fs::write(root.join("CHANGELOG.md"), "# Changes\n").unwrap();
    new_service()
        .args(["audit", "--level", "bronze", "--checklist"])
        .arg(fixture("checklists/formats.yaml"))
        .arg(&root)
        .assert()
        .code(0);
    new_service()
        .args(["audit", "--level", "silver", "--checklist"])
        .arg(fixture("checklists/formats.yaml"))
        .arg(&root)
        .assert()
        .code(1);
}

#[test]
fn only_and_skip_select_checks_and_unknown_ids_are_refused() {
    let (_tmp, root) = formats_repo();
    let out = new_service()
        .args([
            "audit",
            "--format",
            "json",
            "--only",
            "docs.pr-template,docs.changelog",
            "--skip",
            "docs.changelog",
            "--checklist",
        ])
        .arg(fixture("checklists/formats.yaml"))
        .arg(&root)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let ids: Vec<&str> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["docs.pr-template"]);
    new_service()
        .args(["audit", "--only", "docs.nope"])
        .arg(&root)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown check id `docs.nope`"));
}

#[test]
fn a_missing_path_is_a_runtime_error() {
    new_service()
        .args(["audit", "/definitely/not/here"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such directory"));
}

#[test]
fn a_malformed_checklist_names_file_line_and_column_before_any_check_runs() {
    let tmp = TempDir::new().unwrap();
    let bad = tmp.path().join("team.yaml");
    fs::write(&bad, "extends: a-to-z\ndisable: [docs.readme\n").unwrap();
    let assert = new_service()
        .args(["audit", "--checklist"])
        .arg(&bad)
        .arg(tmp.path())
        .assert()
        .code(2);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("team.yaml"), "{stderr}");
    assert!(stderr.contains("line"), "{stderr}");
    assert!(stderr.contains("column"), "{stderr}");
}

#[test]
fn checklist_errors_are_caught_at_load_time() {
    let tmp = TempDir::new().unwrap();
    let cases = [
        (
            "checks:\n  - {id: a.b, stage: x, level: gold, title: t, why: w, fix: f, rule: {kind: file_glob, any: [a]}}\n",
            "file_glob",
        ),
        (
            "extends: a-to-z\nchecks:\n  - {id: team.x, stage: source, level: gold, title: t, why: w, fix: f, builtin: true}\n",
            "no built-in check",
        ),
        (
            "extends: a-to-z\nchecks:\n  - {id: team.x, stage: source, level: gold, title: t, why: w, fix: f, rule: {kind: content_matches, files: [a], pattern: '('}}\n",
            "bad pattern",
        ),
        (
            "extends: a-to-z\ndisable: [docs.nope]\n",
            "no inherited check `docs.nope`",
        ),
        (
            "extends: a-to-z\noverrides:\n  docs.readme: {level: platinum}\n",
            "platinum",
        ),
        (
            "extends: a-to-z\nchecks:\n  - {id: team.x, stage: nowhere, level: gold, title: t, why: w, fix: f, rule: {kind: file_exists, any: [a]}}\n",
            "unknown stage",
        ),
    ];
    for (yaml, expected) in cases {
        let file = tmp.path().join("c.yaml");
        fs::write(&file, yaml).unwrap();
        new_service()
            .args(["audit", "--checklist"])
            .arg(&file)
            .arg(tmp.path())
            .assert()
            .code(2)
            .stderr(predicate::str::contains(expected));
    }
}

#[test]
fn a_custom_checklist_extends_overrides_disables_and_adds() {
    let (tmp, root) = formats_repo();
    let file = tmp.path().join("team.yaml");
    fs::write(
        &file,
        "extends: a-to-z\nname: team\ndisable: [vcs.git]\noverrides:\n  docs.readme: {level: gold, severity: note}\nchecks:\n  - id: team.changelog\n    stage: source\n    level: bronze\n    title: Changelog\n    why: w\n    fix: add CHANGELOG.md\n    rule: {kind: file_exists, any: [CHANGELOG.md]}\n",
    )
    .unwrap();
    let out = new_service()
        .args([
            "audit",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--checklist",
        ])
        .arg(&file)
        .arg(&root)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let results = v["results"].as_array().unwrap();
    let find = |id: &str| results.iter().find(|r| r["id"] == id).cloned();
    assert!(find("vcs.git").is_none(), "disabled check ran");
    let readme = find("docs.readme").unwrap();
    assert_eq!(readme["level"], "gold");
    assert_eq!(readme["severity"], "note");
    assert_eq!(find("team.changelog").unwrap()["status"], "fail");
    assert_eq!(v["checklist"], "team");
}

#[test]
fn a_waived_check_is_reported_as_waived_and_does_not_fail_the_run() {
    let (_tmp, root) = formats_repo();
    fs::write(
        root.join(".new-service.yaml"),
        "audit:\n  waive:\n    - id: docs.changelog\n      reason: released through the platform team\n",
    )
    .unwrap();
    let out = new_service()
        .args([
            "audit",
            "--format",
            "json",
            "--only",
            "docs.changelog",
            "--checklist",
        ])
        .arg(fixture("checklists/formats.yaml"))
        .arg(&root)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["results"][0]["status"], "fail");
    assert_eq!(
        v["results"][0]["waived"],
        "released through the platform team"
    );
}

#[test]
fn a_waiver_without_a_reason_is_refused() {
    let (_tmp, root) = formats_repo();
    fs::write(
        root.join(".new-service.yaml"),
        "audit:\n  waive:\n    - id: docs.changelog\n",
    )
    .unwrap();
    new_service()
        .args(["audit", "--checklist"])
        .arg(fixture("checklists/formats.yaml"))
        .arg(&root)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs a non-empty `reason`"));
}

#[cfg(unix)]
#[test]
fn hostile_files_are_survived_and_symlinks_out_of_the_repository_are_not_followed() {
    let tmp = TempDir::new().unwrap();
    let outside = tmp.path().join("outside");
    fs::create_dir(&outside).unwrap();
    fs::write(outside.join("README.md"), "```\nmake test\n```\n").unwrap();
    let root = tmp.path().join("repo");
    fs::create_dir(&root).unwrap();
    // A README that is a link out of the repository must not count.
    std::os::unix::fs::symlink(outside.join("README.md"), root.join("README.md")).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("linked-dir")).unwrap();
    fs::write(root.join("latin1.txt"), b"caf\xe9 password = \xff\xfe\n").unwrap();
    fs::write(root.join("image.png"), [0x89, b'P', b'N', b'G', 0, 0, 1, 2]).unwrap();
    fs::write(root.join("huge.log"), vec![b'a'; 300_000]).unwrap();
    let v = audit_json(&root, &["--max-file-size", "100000"]);
    let readme = result(&v, "docs.readme");
    assert_eq!(readme["status"], "fail", "followed a symlink: {readme}");
    let skipped = v["summary"]["skipped_files"].to_string();
    assert!(
        skipped.contains("image.png") && skipped.contains("binary"),
        "{skipped}"
    );
    assert!(
        skipped.contains("huge.log") && skipped.contains("too large"),
        "{skipped}"
    );
    assert!(
        skipped.contains("README.md") && skipped.contains("symlink"),
        "{skipped}"
    );
}

/// A tracked folder that is now a symlink out of the repository: what git lists under it is
/// not read, however deep, and is reported as skipped.
#[cfg(unix)]
#[test]
fn files_under_a_tracked_folder_now_linked_out_of_the_repository_are_not_read() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path().join("repo");
    fs::create_dir_all(root.join("config/deep")).unwrap();
    fs::write(root.join("config/deep/settings.py"), "DEBUG = False\n").unwrap();
    let git = |args: &[&str]| {
        let mut all = vec!["-c", "user.name=t", "-c", "user.email=t@example.com"];
        all.extend_from_slice(args);
        crate::common::git(&root, &all)
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "settings"]);
    let outside = tmp.path().join("outside");
    fs::create_dir_all(outside.join("deep")).unwrap();
    fs::write(
        outside.join("deep/settings.py"),
        "AWS_ACCESS_KEY_ID = \"AKIAQ3EGRTYBZMNS7P2D\"\n",
    )
    .unwrap();
    fs::remove_dir_all(root.join("config")).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("config")).unwrap();

    let v = audit_json(&root, &["--offline"]);
    let secrets = result(&v, "secrets.no-hardcoded");
    assert_eq!(
        secrets["status"], "pass",
        "read through the link: {secrets}"
    );
    let skipped = v["summary"]["skipped_files"].to_string();
    assert!(
        skipped.contains("config/deep/settings.py") && skipped.contains("symlink"),
        "{skipped}"
    );
}

#[test]
fn explain_prints_the_docs_of_a_check() {
    new_service()
        .args(["explain", "docs.readme"])
        .assert()
        .success()
        .stdout(predicate::str::contains("## Why").and(predicate::str::contains("## How to fix")));
    new_service()
        .args(["explain", "docs.nope"])
        .assert()
        .code(2);
}

#[test]
fn checks_lists_every_check_with_its_level() {
    let out = new_service()
        .arg("checks")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("tests.on-pull-request") && text.contains("bronze"),
        "{text}"
    );
    assert!(
        text.contains("infra.as-code") && text.contains("gold"),
        "{text}"
    );
}

/// The official SARIF 2.1.0 schema (draft-04). Its `language` patterns have a stray `]`, a
/// literal in classic ECMA-262 that the validator's stricter regex engine refuses; they are
/// escaped here (same meaning) so the vendored file stays byte-for-byte official.
fn sarif_validator(schema: &serde_json::Value) -> jsonschema::Validator {
    fn escape_stray_brackets(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                for (key, value) in map.iter_mut() {
                    match value {
                        serde_json::Value::String(p) if key == "pattern" && p.ends_with("}]?$") => {
                            *p = p.replace("}]?$", "}\\]?$");
                        }
                        other => escape_stray_brackets(other),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(escape_stray_brackets),
            _ => {}
        }
    }
    let mut schema = schema.clone();
    escape_stray_brackets(&mut schema);
    jsonschema::validator_for(&schema).unwrap()
}

#[test]
fn an_empty_git_repository_reaches_no_level() {
    let tmp = TempDir::new().unwrap();
    crate::common::git(tmp.path(), &["init", "-q"]);
    let out = new_service()
        .args(["audit", "--format", "json"])
        .arg(tmp.path())
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["level_reached"], serde_json::Value::Null);
    let git = result(&v, "vcs.git");
    assert_eq!(git["status"], "fail");
}

#[test]
fn since_judges_only_the_migrations_added_after_a_revision() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    crate::common::git(root, &["init", "-q", "-b", "main"]);
    fs::create_dir_all(root.join("migrations")).unwrap();
    fs::write(
        root.join("go.mod"),
        "module example.com/legacy\n\ngo 1.23\n",
    )
    .unwrap();
    fs::write(root.join("go.sum"), "").unwrap();
    // Ten years of history: an old unsafe step, long since deployed.
    fs::write(
        root.join("migrations/0001_init.up.sql"),
        "CREATE TABLE users (id bigint PRIMARY KEY, phone text);\n",
    )
    .unwrap();
    fs::write(
        root.join("migrations/0002_drop_phone.up.sql"),
        "ALTER TABLE users DROP COLUMN phone;\n",
    )
    .unwrap();
    commit_all(root, "history");
    crate::common::git(root, &["tag", "v1"]);

    // Without --since the history fails the check; with it, only what came after v1 counts.
    let all = audit_json(root, &["--only", "db.migrations-safe"]);
    assert_eq!(result(&all, "db.migrations-safe")["status"], "fail");
    fs::write(
        root.join("migrations/0003_add_email.up.sql"),
        "ALTER TABLE users ADD COLUMN email text;\n",
    )
    .unwrap();
    commit_all(root, "email");
    let since = audit_json(root, &["--only", "db.migrations-safe", "--since", "v1"]);
    let r = result(&since, "db.migrations-safe");
    assert_eq!(r["status"], "pass", "{r}");
    assert!(
        r["message"]
            .as_str()
            .unwrap()
            .contains("2 migration files older than v1 not judged"),
        "{r}"
    );

    // A new unsafe step added since v1 (not even committed yet) fails, naming only itself.
    fs::write(
        root.join("migrations/0004_rename.up.sql"),
        "ALTER TABLE users RENAME COLUMN email TO mail;\n",
    )
    .unwrap();
    crate::common::git(root, &["add", "migrations/0004_rename.up.sql"]);
    let since = audit_json(root, &["--only", "db.migrations-safe", "--since", "v1"]);
    let r = result(&since, "db.migrations-safe");
    assert_eq!(r["status"], "fail", "{r}");
    let paths: Vec<&str> = r["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["migrations/0004_rename.up.sql"], "{r}");

    new_service()
        .args(["audit", "--since", "no-such-tag"])
        .arg(root)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("--since no-such-tag")
                .and(predicate::str::contains("no commit `no-such-tag`")),
        );
}
