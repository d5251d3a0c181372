//! End to end: `init --layout monorepo`, `add service`, and what a team then runs — every
//! member's tests against a real PostgreSQL, a column added once in the shared models reaching
//! the API and the back office, the linters CI runs, the CI's path filters and gate, and our own
//! audit.
//!
//! One generated monorepo (`shop`, with `billing` added) is shared by the tests that only read
//! it; a test that changes files works on its own `git clone` of it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use globset::Glob;
use predicates::prelude::*;
use tempfile::TempDir;

use crate::common::{DbGuard, commit_all, git, new_service, run, text};

/// `shop` made by `init --layout monorepo` (api, backoffice) plus `billing` from `add service`,
/// committed. Outside this checkout (inside it `init` would give it its own repository
/// anyway, but the audit should see a tree of its own), replaced on each run.
fn monorepo() -> &'static PathBuf {
    static REPO: OnceLock<PathBuf> = OnceLock::new();
    REPO.get_or_init(|| {
        use std::hash::{Hash as _, Hasher as _};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        env!("CARGO_MANIFEST_DIR").hash(&mut hasher);
        let parent = std::env::temp_dir().join(format!("new-service-mono-{:x}", hasher.finish()));
        let _ = std::fs::remove_dir_all(&parent);
        std::fs::create_dir_all(&parent).unwrap();
        new_service()
            .current_dir(&parent)
            .args(["init", "shop", "--layout", "monorepo", "--yes"])
            .assert()
            .success();
        let root = parent.join("shop");
        new_service()
            .current_dir(&root)
            .args(["add", "service", "billing"])
            .assert()
            .success()
            .stdout(predicate::str::contains("update .github/workflows/ci.yml"));
        commit_all(&root, "add billing");
        root
    })
}

/// A clone of the shared monorepo that a test may change.
fn clone() -> (TempDir, PathBuf) {
    let tmp = TempDir::new().unwrap();
    let dest = tmp.path().join("shop");
    git(
        tmp.path(),
        &[
            "clone",
            "-q",
            monorepo().to_str().unwrap(),
            dest.to_str().unwrap(),
        ],
    );
    (tmp, dest)
}

fn write(root: &Path, rel: &str, contents: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} lacks {from:?}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn every_member_passes_its_tests_and_a_column_added_once_reaches_every_service() {
    let (_tmp, root) = clone();
    let _db = DbGuard(&root);
    // The proof: one column in the shared models package, with its migration. No service's
    // code changes; each service gets a test that reads the new column.
    edit(
        &root,
        "packages/shop_models/src/shop_models/items.py",
        "    description: Mapped[str | None] = mapped_column(Text)\n",
        "    description: Mapped[str | None] = mapped_column(Text)\n    nickname: Mapped[str | None] = mapped_column(String(100))\n",
    );
    write(
        &root,
        "packages/shop_models/migrations/versions/0003_add_items_nickname.py",
        r#""""add items.nickname

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("items", sa.Column("nickname", sa.String(length=100), nullable=True))


def downgrade() -> None:
    op.drop_column("items", "nickname")
"#,
    );
    for api in ["api", "billing"] {
        write(
            &root,
            &format!("services/{api}/tests/test_shared_column.py"),
            r#""""A column added in the shared models reaches this API's responses."""

from fastapi.testclient import TestClient
from sqlalchemy import update

from shop_models import Item


def test_the_api_returns_the_shared_column(client: TestClient) -> None:
    created = client.post("/api/v1/items", json={"name": "widget"}).json()
    with client.app.state.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(update(Item).values(nickname="wid"))
    assert client.get(f"/api/v1/items/{created['id']}").json()["nickname"] == "wid"
"#,
        );
    }
    write(
        &root,
        "services/backoffice/tests/test_shared_column.py",
        r#""""A column added in the shared models is listed by the back office."""

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from shop_models import Item


def test_the_back_office_lists_the_shared_column(admin_client: TestClient, db: Session) -> None:
    db.add(Item(name="widget", nickname="wid-nick"))
    db.commit()
    page = admin_client.get("/admin/item/list")
    assert page.status_code == 200
    assert "wid-nick" in page.text
"#,
    );
    let out = Command::new("make")
        .arg("test")
        .current_dir(&root)
        .env_remove("TEST_DATABASE_URL")
        .env_remove("DATABASE_URL")
        .env("TESTDB_MODE", "local")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let log = text(&out);
    assert!(out.status.success(), "make test failed:\n{log}");
    for member in [
        "packages/shop_testing",
        "packages/shop_models",
        "services/api",
        "services/backoffice",
        "services/billing",
    ] {
        assert!(
            log.contains(&format!("== {member}")),
            "{member} not run:\n{log}"
        );
    }
    assert!(!log.contains(" failed"), "{log}");
    // The three test files that read the new column ran (and passed, as nothing failed).
    assert_eq!(
        log.matches("tests/test_shared_column.py").count(),
        3,
        "the shared-column tests did not all run:\n{log}"
    );
    let summaries = log.lines().filter(|l| l.contains(" passed")).count();
    assert_eq!(summaries, 5, "one pytest summary per member:\n{log}");
    // The generated code, with the added service, is clean under the repository's linters.
    let lint = run(&root, "make", &["lint"]);
    assert!(lint.status.success(), "make lint:\n{}", text(&lint));
}

#[test]
fn the_monorepos_workflows_are_clean_under_actionlint_and_zizmor() {
    let root = monorepo();
    let workflows: Vec<String> = std::fs::read_dir(root.join(".github/workflows"))
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    let mut args: Vec<&str> = vec!["-no-color"];
    args.extend(workflows.iter().map(String::as_str));
    let out = run(root, "actionlint", &args);
    assert!(out.status.success(), "actionlint findings:\n{}", text(&out));
    let out = run(root, "zizmor", &["--offline", "--no-progress", ".github/"]);
    assert!(out.status.success(), "zizmor findings:\n{}", text(&out));
    let out = run(root, "ruff", &["check", "."]);
    assert!(out.status.success(), "ruff check:\n{}", text(&out));
    let out = run(root, "ruff", &["format", "--check", "."]);
    assert!(out.status.success(), "ruff format --check:\n{}", text(&out));
}

/// The CI workflow as data.
fn ci() -> serde_json::Value {
    let text = std::fs::read_to_string(monorepo().join(".github/workflows/ci.yml")).unwrap();
    serde_saphyr::from_str(&text).unwrap()
}

/// Which outputs of the `changes` job a changed path turns on, read from the generated
/// paths-filter configuration (its `shared` anchor included).
fn selected_by(path: &str) -> Vec<String> {
    let ci = ci();
    let steps = ci["jobs"]["changes"]["steps"].as_array().unwrap();
    let filter = steps
        .iter()
        .find(|s| s["id"] == "filter")
        .expect("a paths-filter step");
    assert!(
        filter["uses"]
            .as_str()
            .unwrap()
            .starts_with("dorny/paths-filter@")
    );
    let filters: serde_json::Value =
        serde_saphyr::from_str(filter["with"]["filters"].as_str().unwrap()).unwrap();
    let mut selected = Vec::new();
    for (name, patterns) in filters.as_object().unwrap() {
        if name == "shared" {
            continue;
        }
        let mut globs = Vec::new();
        for p in patterns.as_array().unwrap() {
            match p {
                serde_json::Value::String(s) => globs.push(s.clone()),
                serde_json::Value::Array(a) => {
                    globs.extend(a.iter().map(|s| s.as_str().unwrap().to_string()))
                }
                other => panic!("unexpected filter entry {other}"),
            }
        }
        if globs.iter().any(|g| {
            Glob::new(g)
                .unwrap()
                .compile_matcher()
                .is_match(Path::new(path))
        }) {
            selected.push(name.clone());
        }
    }
    selected.sort();
    selected
}

#[test]
fn the_path_filters_select_the_changed_service_or_every_one_for_shared_files() {
    assert_eq!(selected_by("services/backoffice/src/x.py"), ["backoffice"]);
    assert_eq!(selected_by("services/billing/tests/test_a.py"), ["billing"]);
    let everything = ["api", "backoffice", "billing", "models"];
    assert_eq!(
        selected_by("packages/shop_models/src/shop_models/items.py"),
        everything
    );
    assert_eq!(selected_by("uv.lock"), everything);
    assert_eq!(selected_by("README.md"), Vec::<String>::new());
}

#[test]
fn the_gate_always_runs_and_needs_every_pull_request_job_including_the_added_service() {
    let ci = ci();
    let jobs = ci["jobs"].as_object().unwrap();
    let gate = &jobs["gate"];
    assert_eq!(gate["if"], "always()");
    let needs: Vec<&str> = gate["needs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    for job in [
        "changes",
        "lint",
        "test-models",
        "test-api",
        "test-backoffice",
        "test-billing",
    ] {
        assert!(needs.contains(&job), "gate does not need {job}: {needs:?}");
    }
    // No deploy job is a pull-request job; each waits for its own service's tests.
    for (id, job) in jobs.iter().filter(|(id, _)| id.starts_with("deploy-")) {
        assert!(!needs.contains(&id.as_str()), "gate needs {id}");
        assert!(
            job["if"]
                .as_str()
                .unwrap()
                .contains("github.event_name == 'push'"),
            "{id}"
        );
    }
    assert!(ci["on"].get("merge_group").is_some());
    assert!(
        ci["on"]["pull_request"].get("paths").is_none(),
        "a workflow-level paths filter would leave the gate pending"
    );
}

#[test]
fn the_generated_monorepo_reaches_gold_in_our_audit() {
    crate::common::assert_generated_reaches_gold(monorepo(), &[]);
}

#[test]
fn a_model_copied_into_a_service_fails_single_model_source_naming_both_files() {
    let (_tmp, root) = clone();
    let copy = "services/backoffice/src/shop_backoffice/models.py";
    write(
        &root,
        copy,
        r#""""A copy of the items table: what the monorepo exists to prevent."""

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "items"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
"#,
    );
    git(&root, &["add", "--all"]);
    let out = new_service()
        .args([
            "audit",
            "--format",
            "json",
            "--only",
            "db.single-model-source",
        ])
        .arg(&root)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let result = &report["results"][0];
    assert_eq!(result["status"], "fail", "{result}");
    let where_: Vec<&str> = result["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["path"].as_str().unwrap())
        .collect();
    assert!(where_.contains(&copy), "{result}");
    assert!(
        where_.contains(&"packages/shop_models/src/shop_models/items.py"),
        "{result}"
    );
}

#[test]
fn add_service_refuses_an_existing_name_a_dirty_tree_and_a_repository_that_is_no_monorepo() {
    let (_tmp, root) = clone();
    let before = git(&root, &["status", "--porcelain"]);
    new_service()
        .current_dir(&root)
        .args(["add", "service", "api"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("service `api` exists already"));
    new_service()
        .current_dir(&root)
        .args(["add", "service", "models"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("reserved"));
    new_service()
        .current_dir(&root)
        .args(["add", "service", "orders", "--set", "colour=blue"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown placeholder `colour`"));
    std::fs::write(root.join("README.md"), "edited\n").unwrap();
    new_service()
        .current_dir(&root)
        .args(["add", "service", "orders"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("uncommitted changes"));
    git(&root, &["checkout", "--", "README.md"]);
    assert_eq!(git(&root, &["status", "--porcelain"]), before);
    assert!(!root.join("services/orders").exists());

    // A single service is no monorepo; a plain folder is no repository.
    let tmp = TempDir::new().unwrap();
    new_service()
        .current_dir(tmp.path())
        .args(["init", "solo", "--yes"])
        .assert()
        .success();
    new_service()
        .current_dir(tmp.path().join("solo"))
        .args(["add", "service", "x1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("single service"));
    let plain = TempDir::new().unwrap();
    new_service()
        .current_dir(plain.path())
        .args(["add", "service", "x1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not inside a git repository"));
}

#[test]
fn add_service_merges_the_teams_own_edits_and_refuses_overlapping_ones() {
    let (_tmp, root) = clone();
    // An edit of the team's, away from what the template changes: kept.
    edit(
        &root,
        ".github/CODEOWNERS",
        "# Process and delivery files",
        "/docs/                 @my-org/writers\n\n# Process and delivery files",
    );
    commit_all(&root, "docs owners");
    new_service()
        .current_dir(&root)
        .args(["add", "service", "orders", "--dry-run"])
        .assert()
        .success()
        .stdout(predicate::str::contains("merge  .github/CODEOWNERS"));
    assert!(!root.join("services/orders").exists(), "dry run wrote");
    new_service()
        .current_dir(&root)
        .args(["add", "service", "orders"])
        .assert()
        .success();
    let owners = std::fs::read_to_string(root.join(".github/CODEOWNERS")).unwrap();
    assert!(owners.contains("@my-org/writers"), "{owners}");
    assert!(owners.contains("/services/orders/"), "{owners}");
    commit_all(&root, "orders");

    // An edit on the very lines the template changes: nothing is written.
    edit(
        &root,
        ".github/workflows/ci.yml",
        "needs: [changes, lint, test-models",
        "needs: [changes, lint, test-models, audit",
    );
    commit_all(&root, "gate edited by hand");
    let before = git(&root, &["rev-parse", "HEAD"]);
    new_service()
        .current_dir(&root)
        .args(["add", "service", "search"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("overlap").and(predicate::str::contains("ci.yml")));
    assert_eq!(git(&root, &["status", "--porcelain"]), "");
    assert_eq!(git(&root, &["rev-parse", "HEAD"]), before);
    assert!(!root.join("services/search").exists());
}

#[test]
fn the_generated_code_is_clean_under_ruff_whatever_the_names() {
    // Names change line lengths and the order of imports: long ones, and a service that sorts
    // after the shared models package.
    let tmp = TempDir::new().unwrap();
    new_service()
        .current_dir(tmp.path())
        .args(["init", "inventory-management-platform", "--yes", "--no-git"])
        .args([
            "--layout",
            "monorepo",
            "--services",
            "api,backoffice,zeta-reports",
        ])
        .assert()
        .success();
    new_service()
        .current_dir(tmp.path())
        .args([
            "init",
            "order-fulfilment-and-returns-api",
            "--yes",
            "--no-git",
        ])
        .assert()
        .success();
    for root in [
        "inventory-management-platform",
        "order-fulfilment-and-returns-api",
    ] {
        let root = tmp.path().join(root);
        let out = run(&root, "ruff", &["check", "--no-cache", "."]);
        assert!(
            out.status.success(),
            "{}: ruff check:\n{}",
            root.display(),
            text(&out)
        );
        let out = run(&root, "ruff", &["format", "--no-cache", "--check", "."]);
        assert!(
            out.status.success(),
            "{}: ruff format:\n{}",
            root.display(),
            text(&out)
        );
    }
}

#[test]
fn bad_service_lists_are_one_line_and_write_nothing() {
    for (services, says) in [
        ("api,api", "named twice"),
        ("api,Bad_Name", "not a service name"),
        ("api,models", "reserved"),
        ("api,ui:nosuchstack", "unknown stack"),
    ] {
        let tmp = TempDir::new().unwrap();
        new_service()
            .current_dir(tmp.path())
            .args([
                "init",
                "shop",
                "--yes",
                "--layout",
                "monorepo",
                "--services",
                services,
            ])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
        assert_eq!(
            std::fs::read_dir(tmp.path()).unwrap().count(),
            0,
            "{services}"
        );
    }
    let tmp = TempDir::new().unwrap();
    new_service()
        .current_dir(tmp.path())
        .args(["init", "solo", "--yes", "--stack", "backoffice"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--layout monorepo"));
}
