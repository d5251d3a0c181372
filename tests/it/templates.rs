//! Template layers: composition checks at load time, slots, `replaces`, `when`, and the
//! meta-test that every embedded stack and layout renders with its defaults.

use std::fs;
use std::path::PathBuf;

use predicates::prelude::*;
use tempfile::TempDir;

use crate::common::{new_service, tree};

fn layered(stack: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/layered/stacks")
        .join(stack)
}

fn init(stack: &str, extra: &[&str]) -> (TempDir, assert_cmd::assert::Assert) {
    let tmp = TempDir::new().unwrap();
    let assert = new_service()
        .current_dir(tmp.path())
        .args(["init", "demo", "--yes", "--no-git", "--template"])
        .arg(layered(stack))
        .args(extra)
        .assert();
    (tmp, assert)
}

#[test]
fn layers_render_with_the_stack_and_slots_take_the_stacks_text() {
    let (tmp, assert) = init("ok", &[]);
    assert.success();
    let root = tmp.path().join("demo");
    assert_eq!(
        tree(&root),
        [
            ".github/workflows/ci.yml",
            ".new-service.yaml",
            "README.md",
            "src/app.py"
        ]
    );
    assert_eq!(
        fs::read_to_string(root.join("README.md")).unwrap(),
        "# demo by acme\n\nAn app called demo.\nThe end.\n"
    );
    // A layer's plain file is copied byte for byte, GitHub expressions and all.
    assert!(
        fs::read_to_string(root.join(".github/workflows/ci.yml"))
            .unwrap()
            .contains("${{ github.sha }}")
    );
}

#[test]
fn a_layer_whose_condition_is_false_writes_nothing() {
    let (tmp, assert) = init("ok", &["--set", "ci=false"]);
    assert.success();
    assert!(!tmp.path().join("demo/.github").exists());
}

#[test]
fn a_missing_requirement_is_an_error_before_anything_is_asked_or_written() {
    let (tmp, assert) = init("missing-requirement", &[]);
    assert.code(2).stderr(
        predicate::str::contains("layer `ci` requires `make-test`").and(predicate::str::contains(
            "neither the stack nor a layer provides",
        )),
    );
    assert!(!tmp.path().join("demo").exists());
}

#[test]
fn a_slot_nobody_fills_is_an_error_at_load_time() {
    let (_tmp, assert) = init("unfilled-slot", &[]);
    assert.code(2).stderr(predicate::str::contains(
        "the slot `intro`, but no part fills it",
    ));
}

#[test]
fn a_file_written_by_the_stack_and_a_layer_is_a_conflict_unless_replaced() {
    let (tmp, assert) = init("duplicate-file", &[]);
    assert.code(2).stderr(
        predicate::str::contains(".github/workflows/ci.yml")
            .and(predicate::str::contains("stack `duplicate-file`"))
            .and(predicate::str::contains("layer `ci`"))
            .and(predicate::str::contains("replaces")),
    );
    assert!(!tmp.path().join("demo").exists());

    let (tmp, assert) = init("replaces", &[]);
    assert.success();
    assert_eq!(
        fs::read_to_string(tmp.path().join("demo/.github/workflows/ci.yml")).unwrap(),
        "name: Our own CI\non: pull_request\njobs: {}\n"
    );
}

#[test]
fn a_common_question_declared_twice_is_an_error() {
    let (_tmp, assert) = init("twice-asked", &[]);
    assert.code(2).stderr(
        predicate::str::contains("placeholder `owner` is declared by layer `common`")
            .and(predicate::str::contains("stack `twice-asked`")),
    );
}

/// The meta-test: every embedded stack loads (requirements, slots, placeholders checked) and
/// renders with its defaults in every layout it supports, and `stacks` reports none broken.
#[test]
fn every_embedded_stack_and_layout_renders_with_its_defaults() {
    new_service()
        .arg("stacks")
        .assert()
        .success()
        .stdout(predicate::str::contains("broken").not());
    let stacks = new_service::template::embedded_stacks();
    assert!(!stacks.is_empty());
    for (name, loaded) in &stacks {
        assert!(loaded.is_ok(), "stack {name}: {:?}", loaded.as_ref().err());
    }
    let single: Vec<&str> = stacks
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| *n != "backoffice")
        .collect();
    for stack in single {
        for kubernetes in ["true", "false"] {
            let tmp = TempDir::new().unwrap();
            new_service()
                .current_dir(tmp.path())
                .args(["init", "demo", "--yes", "--dry-run", "--stack", stack])
                .args(["--set", &format!("kubernetes={kubernetes}")])
                .assert()
                .success();
        }
    }
    for kubernetes in ["true", "false"] {
        let tmp = TempDir::new().unwrap();
        new_service()
            .current_dir(tmp.path())
            .args(["init", "shop", "--yes", "--dry-run", "--layout", "monorepo"])
            .args(["--set", &format!("kubernetes={kubernetes}")])
            .assert()
            .success();
    }
}
