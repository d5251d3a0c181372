//! `init` behaviour on fixture templates: the template format, bad input, atomic writes.

use std::fs;
use std::path::Path;

use predicates::prelude::*;
use tempfile::TempDir;

use crate::common::{fixture_template, git, new_service, tree};

fn basic(dir: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    new_service()
        .current_dir(dir)
        .args(["init", "demo-api", "--yes", "--template"])
        .arg(fixture_template("basic"))
        .args(extra)
        .assert()
}

/// Names in `dir` other than `keep`: used to prove a failed init left nothing behind.
fn leftovers(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn init_renders_placeholders_in_paths_and_contents() {
    let tmp = TempDir::new().unwrap();
    basic(tmp.path(), &["--no-git"]).success();
    let root = tmp.path().join("demo-api");
    assert_eq!(
        tree(&root),
        [
            ".github/workflows/ci.yml",
            ".new-service.yaml",
            "README.md",
            "demo_api/__init__.py",
            "demo_api/logo.bin",
            "demo_api/raw.py",
            "docs/index.md",
            "scripts/run.sh",
        ]
    );
    insta::assert_snapshot!(fs::read_to_string(root.join("README.md")).unwrap());
    assert_eq!(
        fs::read_to_string(root.join("demo_api/__init__.py")).unwrap(),
        "NAME = \"demo-api\"\n"
    );
}

#[test]
fn files_without_the_hbs_suffix_are_copied_byte_for_byte() {
    let tmp = TempDir::new().unwrap();
    basic(tmp.path(), &["--no-git"]).success();
    let root = tmp.path().join("demo-api");
    let src = fixture_template("basic").join("{{package_name}}");
    for name in ["logo.bin", "raw.py"] {
        assert_eq!(
            fs::read(root.join("demo_api").join(name)).unwrap(),
            fs::read(src.join(name)).unwrap(),
            "{name} changed in the copy"
        );
    }
}

#[test]
fn github_expressions_pass_through_untouched() {
    let tmp = TempDir::new().unwrap();
    basic(tmp.path(), &["--no-git"]).success();
    let ci = fs::read_to_string(tmp.path().join("demo-api/.github/workflows/ci.yml")).unwrap();
    assert!(
        ci.contains("if: ${{ github.ref == 'refs/heads/main' }}"),
        "{ci}"
    );
    assert!(ci.contains("echo \"${{ github.sha }}\""), "{ci}");
}

#[test]
fn conditionals_include_and_exclude_files_by_answer() {
    let tmp = TempDir::new().unwrap();
    basic(
        tmp.path(),
        &[
            "--no-git",
            "--set",
            "docs=false",
            "--set",
            "license=Apache-2.0",
        ],
    )
    .success();
    let files = tree(&tmp.path().join("demo-api"));
    assert!(!files.iter().any(|f| f.starts_with("docs/")), "{files:?}");
    assert!(files.contains(&"NOTICE".to_string()), "{files:?}");
}

#[cfg(unix)]
#[test]
fn files_matching_the_executable_globs_are_executable() {
    use std::os::unix::fs::PermissionsExt as _;
    let tmp = TempDir::new().unwrap();
    basic(tmp.path(), &["--no-git"]).success();
    let root = tmp.path().join("demo-api");
    let mode = |p: &str| fs::metadata(root.join(p)).unwrap().permissions().mode() & 0o111;
    assert_ne!(mode("scripts/run.sh"), 0);
    assert_eq!(mode("README.md"), 0);
}

#[test]
fn the_answers_file_records_template_and_answers_but_no_secret() {
    let tmp = TempDir::new().unwrap();
    basic(tmp.path(), &["--no-git", "--set", "api_token=s3cr3t-value"]).success();
    let record = fs::read_to_string(tmp.path().join("demo-api/.new-service.yaml")).unwrap();
    assert!(!record.contains("s3cr3t-value"), "{record}");
    assert!(!record.contains("api_token"), "{record}");
    insta::assert_snapshot!(record.replace(
        &fixture_template("basic").display().to_string(),
        "[fixture]/basic"
    ));
}

#[test]
fn a_recorded_answers_file_regenerates_the_same_service() {
    let tmp = TempDir::new().unwrap();
    basic(
        tmp.path(),
        &[
            "--no-git",
            "--set",
            "docs=false",
            "--set",
            "license=Apache-2.0",
        ],
    )
    .success();
    new_service()
        .current_dir(tmp.path())
        .args([
            "init",
            "--yes",
            "--no-git",
            "--output",
            "again",
            "--template",
        ])
        .arg(fixture_template("basic"))
        .arg("--answers")
        .arg(tmp.path().join("demo-api/.new-service.yaml"))
        .assert()
        .success();
    let first = tmp.path().join("demo-api");
    let second = tmp.path().join("again");
    assert_eq!(tree(&first), tree(&second));
    for f in tree(&first) {
        let (a, b) = (
            fs::read(first.join(&f)).unwrap(),
            fs::read(second.join(&f)).unwrap(),
        );
        assert!(
            a == b,
            "{f} differs:\n{}\n---\n{}",
            String::from_utf8_lossy(&a),
            String::from_utf8_lossy(&b)
        );
    }
}

#[test]
fn set_overrides_the_answers_file() {
    let tmp = TempDir::new().unwrap();
    let answers = tmp.path().join("answers.yaml");
    fs::write(&answers, "project_name: from-file\nlicense: Apache-2.0\n").unwrap();
    new_service()
        .current_dir(tmp.path())
        .args([
            "init",
            "--yes",
            "--no-git",
            "--set",
            "project_name=from-set",
            "--answers",
        ])
        .arg(&answers)
        .arg("--template")
        .arg(fixture_template("basic"))
        .assert()
        .success();
    let readme = fs::read_to_string(tmp.path().join("from-set/README.md")).unwrap();
    assert!(readme.contains("Apache-2.0 licensed"), "{readme}");
}

#[test]
fn dry_run_prints_the_tree_and_answers_and_writes_nothing() {
    let tmp = TempDir::new().unwrap();
    let out = basic(
        tmp.path(),
        &["--dry-run", "--set", "api_token=hunter2hunter2"],
    )
    .success()
    .get_output()
    .stdout
    .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(leftovers(tmp.path()).is_empty(), "dry run wrote files");
    assert!(!text.contains("hunter2hunter2"), "secret shown: {text}");
    insta::assert_snapshot!(text.replace(
        &fixture_template("basic").display().to_string(),
        "[fixture]/basic"
    ));
}

#[test]
fn init_makes_one_initial_commit_on_main() {
    let tmp = TempDir::new().unwrap();
    basic(tmp.path(), &[]).success();
    let root = tmp.path().join("demo-api");
    assert_eq!(git(&root, &["rev-parse", "--abbrev-ref", "HEAD"]), "main");
    assert_eq!(git(&root, &["rev-list", "--count", "HEAD"]), "1");
    assert_eq!(
        git(&root, &["status", "--porcelain"]),
        "",
        "work tree not clean"
    );
    let tracked = git(&root, &["ls-files"]);
    assert!(tracked.contains(".new-service.yaml"), "{tracked}");
}

#[test]
fn init_inside_another_repository_gives_the_service_its_own_committed_repository() {
    // The quick start run from a checkout of this tool: the service must still end up
    // committed in its own repository, not as loose files of the enclosing one.
    let tmp = TempDir::new().unwrap();
    git(tmp.path(), &["init", "-q"]);
    new_service()
        .current_dir(tmp.path())
        .args(["init", "svc", "--yes", "--template"])
        .arg(fixture_template("basic"))
        .assert()
        .success()
        .stdout(predicate::str::contains("its own repository inside"));
    let root = tmp.path().join("svc");
    assert_eq!(
        git(&root, &["rev-parse", "--show-toplevel"]),
        fs::canonicalize(&root).unwrap().display().to_string()
    );
    assert_eq!(git(&root, &["rev-list", "--count", "HEAD"]), "1");
    assert_eq!(git(&root, &["status", "--porcelain"]), "");
}

#[test]
fn init_inside_a_monorepo_made_by_init_points_to_add_service_and_writes_nothing() {
    let tmp = TempDir::new().unwrap();
    git(tmp.path(), &["init", "-q"]);
    fs::write(
        tmp.path().join(".new-service.yaml"),
        "new_service_version: 0.1.0\nlayout: monorepo\ntemplate: {name: monorepo, version: 0.1.0, source: embedded}\nanswers: {project_name: shop}\n",
    )
    .unwrap();
    fs::create_dir(tmp.path().join("services")).unwrap();
    new_service()
        .current_dir(tmp.path().join("services"))
        .args(["init", "svc", "--yes", "--template"])
        .arg(fixture_template("basic"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("add service"));
    assert_eq!(
        leftovers(&tmp.path().join("services")),
        Vec::<String>::new()
    );
}

#[test]
fn no_git_leaves_no_repository() {
    let tmp = TempDir::new().unwrap();
    basic(tmp.path(), &["--no-git"]).success();
    assert!(!tmp.path().join("demo-api/.git").exists());
}

#[test]
fn output_creates_missing_parent_folders() {
    let tmp = TempDir::new().unwrap();
    basic(tmp.path(), &["--no-git", "--output", "a/b/svc"]).success();
    assert!(tmp.path().join("a/b/svc/README.md").is_file());
}

#[test]
fn init_refuses_a_non_empty_directory() {
    let tmp = TempDir::new().unwrap();
    let target = tmp.path().join("demo-api");
    fs::create_dir(&target).unwrap();
    fs::write(target.join("keep.txt"), "mine").unwrap();
    basic(tmp.path(), &["--no-git"])
        .code(2)
        .stderr(predicate::str::contains("is not empty; pass --force"));
    assert_eq!(tree(&target), ["keep.txt"]);
}

#[test]
fn force_writes_into_a_non_empty_directory_and_keeps_other_files() {
    let tmp = TempDir::new().unwrap();
    let target = tmp.path().join("demo-api");
    fs::create_dir(&target).unwrap();
    fs::write(target.join("keep.txt"), "mine").unwrap();
    fs::write(target.join("README.md"), "old").unwrap();
    basic(tmp.path(), &["--no-git", "--force"]).success();
    assert_eq!(fs::read_to_string(target.join("keep.txt")).unwrap(), "mine");
    assert!(
        fs::read_to_string(target.join("README.md"))
            .unwrap()
            .starts_with("# Demo Api")
    );
    assert_eq!(
        leftovers(tmp.path()),
        ["demo-api"],
        "staging directory left behind"
    );
}

#[test]
fn force_where_a_file_blocks_a_folder_fails_and_writes_nothing() {
    // The template writes docs/index.md; a file named `docs` is in the way. Before, the files
    // moved in before the clash stayed behind (.env with its key among them).
    let tmp = TempDir::new().unwrap();
    let target = tmp.path().join("demo-api");
    fs::create_dir(&target).unwrap();
    fs::write(target.join("docs"), "a file, not a folder").unwrap();
    fs::write(target.join("README.md"), "old").unwrap();
    basic(tmp.path(), &["--no-git", "--force"]).code(2).stderr(
        predicate::str::contains("docs").and(predicate::str::contains("nothing was written")),
    );
    assert_eq!(leftovers(&target), ["README.md", "docs"]);
    assert_eq!(fs::read_to_string(target.join("README.md")).unwrap(), "old");
    assert_eq!(leftovers(tmp.path()), ["demo-api"], "staging left behind");
}

#[test]
fn force_with_git_into_a_folder_commits_the_service_in_its_own_repository() {
    let tmp = TempDir::new().unwrap();
    let target = tmp.path().join("demo-api");
    fs::create_dir(&target).unwrap();
    fs::write(target.join("notes.txt"), "mine").unwrap();
    basic(tmp.path(), &["--force"]).success();
    assert_eq!(
        fs::read_to_string(target.join("notes.txt")).unwrap(),
        "mine"
    );
    let tracked = git(&target, &["ls-files"]);
    assert!(tracked.lines().any(|l| l == "README.md"), "{tracked}");
    assert!(!tracked.lines().any(|l| l == "notes.txt"), "{tracked}");
    assert_eq!(leftovers(tmp.path()), ["demo-api"], "staging left behind");
}

#[test]
fn a_sibling_from_a_record_derives_the_derived_answers_again() {
    // `--answers other/.new-service.yaml --set project_name=invoices`: the package name and the
    // description follow the new name unless they had been set explicitly.
    let tmp = TempDir::new().unwrap();
    basic(tmp.path(), &["--no-git", "--set", "license=Apache-2.0"]).success();
    let record = tmp.path().join("demo-api/.new-service.yaml");
    let text = fs::read_to_string(&record).unwrap();
    assert!(text.contains("explicit:"), "{text}");
    new_service()
        .current_dir(tmp.path())
        .args([
            "init",
            "--yes",
            "--no-git",
            "--set",
            "project_name=invoices",
            "--answers",
        ])
        .arg(&record)
        .arg("--template")
        .arg(fixture_template("basic"))
        .assert()
        .success();
    let root = tmp.path().join("invoices");
    assert!(
        root.join("invoices/__init__.py").is_file(),
        "{:?}",
        tree(&root)
    );
    assert!(!root.join("demo_api").exists());
    let readme = fs::read_to_string(root.join("README.md")).unwrap();
    // The explicit answer is kept.
    assert!(readme.contains("Apache-2.0 licensed"), "{readme}");
}

#[test]
fn a_record_without_the_explicit_list_still_derives_what_was_derived() {
    // Records written before `explicit:` existed: an answer equal to what its default gives
    // from the other recorded answers counts as derived.
    let tmp = TempDir::new().unwrap();
    let record = tmp.path().join("old.yaml");
    fs::write(
        &record,
        "new_service_version: 0.1.0\ntemplate: {name: basic, version: 1.2.3, source: x}\nanswers:\n  project_name: demo-api\n  package_name: demo_api\n  docs: true\n  license: MIT\n",
    )
    .unwrap();
    new_service()
        .current_dir(tmp.path())
        .args([
            "init",
            "--yes",
            "--no-git",
            "--set",
            "project_name=orders",
            "--answers",
        ])
        .arg(&record)
        .arg("--template")
        .arg(fixture_template("basic"))
        .assert()
        .success();
    assert!(tmp.path().join("orders/orders/__init__.py").is_file());
}

#[test]
fn an_empty_existing_directory_is_used_without_force() {
    let tmp = TempDir::new().unwrap();
    fs::create_dir(tmp.path().join("demo-api")).unwrap();
    basic(tmp.path(), &["--no-git"]).success();
    assert!(tmp.path().join("demo-api/README.md").is_file());
}

#[test]
fn an_invalid_name_is_one_clear_line_and_exit_2() {
    let tmp = TempDir::new().unwrap();
    let assert = new_service()
        .current_dir(tmp.path())
        .args(["init", "Bad_Name", "--yes", "--template"])
        .arg(fixture_template("basic"))
        .assert()
        .code(2);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("`Bad_Name` is not valid: lower-case letters, digits and dashes"),
        "{stderr}"
    );
    assert!(leftovers(tmp.path()).is_empty());
}

#[test]
fn an_unknown_stack_is_refused_with_the_available_ones() {
    new_service()
        .args(["init", "svc", "--yes", "--stack", "rails", "--dry-run"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("unknown stack `rails`")
                .and(predicate::str::contains("fastapi")),
        );
}

#[test]
fn an_unknown_set_key_is_refused() {
    let tmp = TempDir::new().unwrap();
    basic(tmp.path(), &["--set", "licence=MIT"])
        .code(2)
        .stderr(predicate::str::contains("unknown placeholder `licence`"));
    assert!(leftovers(tmp.path()).is_empty());
}

#[test]
fn a_bool_set_value_is_validated() {
    let tmp = TempDir::new().unwrap();
    basic(tmp.path(), &["--set", "docs=perhaps"])
        .code(2)
        .stderr(predicate::str::contains("`perhaps` is not a boolean"));
}

#[test]
fn a_malformed_answers_file_names_file_line_and_column() {
    let tmp = TempDir::new().unwrap();
    let answers = tmp.path().join("answers.yaml");
    fs::write(&answers, "project_name: ok\nlicense: [MIT\n").unwrap();
    let assert = basic(tmp.path(), &["--answers", answers.to_str().unwrap()]).code(2);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("answers.yaml"), "{stderr}");
    assert!(stderr.contains("line"), "{stderr}");
    assert!(stderr.contains("column"), "{stderr}");
}

#[test]
fn a_strict_mode_error_names_file_line_and_column_and_writes_nothing() {
    let tmp = TempDir::new().unwrap();
    new_service()
        .current_dir(tmp.path())
        .args(["init", "svc", "--yes", "--template"])
        .arg(fixture_template("strict-error"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "app.py.hbs:3:8: unknown variable `project_nmae`",
        ));
    assert!(leftovers(tmp.path()).is_empty());
}

#[test]
fn a_rendered_path_that_escapes_the_target_is_refused() {
    let tmp = TempDir::new().unwrap();
    new_service()
        .current_dir(tmp.path())
        .args(["init", "svc", "--yes", "--set", "folder=..", "--template"])
        .arg(fixture_template("path-escape"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("refused"));
    assert!(leftovers(tmp.path()).is_empty());
    assert!(!tmp.path().join("file.txt").exists());
}

#[cfg(unix)]
#[test]
fn a_symlink_in_a_template_is_refused() {
    let tmp = TempDir::new().unwrap();
    let template = tmp.path().join("tpl");
    fs::create_dir(&template).unwrap();
    fs::copy(
        fixture_template("strict-error").join("template.toml"),
        template.join("template.toml"),
    )
    .unwrap();
    std::os::unix::fs::symlink("/etc/passwd", template.join("passwd")).unwrap();
    let work = tmp.path().join("work");
    fs::create_dir(&work).unwrap();
    new_service()
        .current_dir(&work)
        .args(["init", "svc", "--yes", "--template"])
        .arg(&template)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("symlinks are not followed"));
    assert!(leftovers(&work).is_empty());
}

#[test]
fn a_failure_after_writing_started_leaves_nothing_behind() {
    // With git missing from PATH the commit step fails after every file was staged.
    let tmp = TempDir::new().unwrap();
    let empty_path = tmp.path().join("no-tools");
    fs::create_dir(&empty_path).unwrap();
    let work = tmp.path().join("work");
    fs::create_dir(&work).unwrap();
    new_service()
        .current_dir(&work)
        .env("PATH", &empty_path)
        .args([
            "init",
            "svc",
            "--yes",
            "--output",
            "nested/svc",
            "--template",
        ])
        .arg(fixture_template("basic"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("git is not installed"));
    assert!(leftovers(&work).is_empty(), "left: {:?}", leftovers(&work));
}

#[test]
fn a_missing_name_without_a_terminal_is_an_error_not_a_prompt() {
    let tmp = TempDir::new().unwrap();
    new_service()
        .current_dir(tmp.path())
        .args(["init", "--template"])
        .arg(fixture_template("basic"))
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no service name"));
}

#[test]
fn without_yes_and_without_a_terminal_defaults_are_taken() {
    let tmp = TempDir::new().unwrap();
    new_service()
        .current_dir(tmp.path())
        .args(["init", "svc", "--no-git", "--template"])
        .arg(fixture_template("basic"))
        .write_stdin("")
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .success();
    assert!(tmp.path().join("svc/docs/index.md").is_file());
}

#[test]
fn stacks_lists_the_embedded_templates() {
    new_service()
        .arg("stacks")
        .assert()
        .success()
        .stdout(predicate::str::contains("fastapi"));
}

#[test]
fn completions_are_generated_for_bash() {
    new_service()
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("new-service").and(predicate::str::contains("init")));
}

#[test]
fn help_shows_examples() {
    new_service()
        .args(["init", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:").and(predicate::str::contains("--dry-run")));
}

#[test]
fn a_usage_error_exits_2() {
    new_service()
        .args(["init", "--no-such-flag"])
        .assert()
        .code(2);
}

#[cfg(unix)]
#[test]
fn on_a_terminal_init_prompts_and_asks_again_after_an_invalid_answer() {
    // `script` (util-linux) gives the binary a pseudo-terminal; the keys are typed ahead.
    let tmp = TempDir::new().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("new-service");
    let command = format!(
        "{} init --no-git --template {}",
        bin.display(),
        fixture_template("basic").display()
    );
    let out = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(tmp.path())
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write as _;
            // name (invalid, then valid), package (default), docs (no), license (default), token.
            child
                .stdin
                .take()
                .unwrap()
                .write_all(b"Bad_Name\rtty-svc\r\rn\r\r\r")?;
            child.wait_with_output()
        })
        .expect("script(1) from util-linux runs");
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{screen}");
    assert!(
        screen.contains("lower-case letters, digits and dashes"),
        "help not shown: {screen}"
    );
    assert!(
        screen.contains("`Bad_Name` is not valid"),
        "no retry: {screen}"
    );
    let record = fs::read_to_string(tmp.path().join("tty-svc/.new-service.yaml")).unwrap();
    assert!(record.contains("project_name: tty-svc"), "{record}");
    assert!(record.contains("docs: false"), "{record}");
    assert!(!tmp.path().join("tty-svc/docs").exists());
}
