//! The Alembic plan run by Alembic itself: revisions chained onto an existing history,
//! `alembic upgrade` phase by phase with both releases writing during the backfill,
//! `alembic downgrade` back to the start, and the offline SQL (`--sql`) linted on stdin.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

use crate::common::new_service;
use crate::migrations_plan::{
    DB, ROWS, assert_lints_clean_except_contract, assert_no_row_lost, columns, rename_clients,
    rename_expected, run_under_load, setup, users_table,
};
use crate::pg::Postgres;

/// A tool installed by `./scripts/test` into `target/test-tools`, or found on PATH.
fn tool(name: &str) -> PathBuf {
    let local = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/test-tools/bin")
        .join(name);
    if local.exists() {
        return local;
    }
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|p| p.join(name))
                .find(|p| p.exists())
        })
        .unwrap_or_else(|| panic!("{name} not found: run ./scripts/test, which installs it"))
}

/// A minimal Alembic project whose first revision creates and fills `users`.
fn alembic_project(pg: &Postgres) -> TempDir {
    let tmp = TempDir::new().unwrap();
    let out = Command::new(tool("alembic"))
        .args(["init", "alembic"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ini = tmp.path().join("alembic.ini");
    let config = fs::read_to_string(&ini)
        .unwrap()
        .lines()
        .map(|l| {
            if l.starts_with("sqlalchemy.url") {
                format!(
                    "sqlalchemy.url = {}",
                    pg.sqlalchemy_url("postgresql+psycopg", DB)
                )
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    fs::write(&ini, config).unwrap();
    let create: Vec<String> = users_table()
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| format!("    op.execute(\"\"\"{s}\"\"\")\n"))
        .collect();
    fs::write(
        tmp.path().join("alembic/versions/0a1b2c3d4e5f_users.py"),
        format!(
            "\"\"\"users\n\nRevision ID: 0a1b2c3d4e5f\nRevises:\n\"\"\"\nfrom alembic import op\n\nrevision = \"0a1b2c3d4e5f\"\ndown_revision = None\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade() -> None:\n{}\n\ndef downgrade() -> None:\n    op.drop_table(\"users\")\n",
            create.concat()
        ),
    )
    .unwrap();
    tmp
}

fn alembic(project: &Path, args: &[&str]) -> String {
    let out = Command::new(tool("alembic"))
        .args(args)
        .current_dir(project)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "alembic {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn alembic_rename_plan_chains_onto_the_head_and_upgrades_and_downgrades() {
    let pg = Postgres::start();
    setup(&pg, "");
    let project = alembic_project(&pg);
    let root = project.path();
    let versions = root.join("alembic/versions");

    new_service()
        .args([
            "migrations",
            "plan",
            "rename-column",
            "users.phone",
            "phone_number",
            "--tool",
            "alembic",
            "--batch-size",
            "500",
            "--pause-ms",
            "2",
            "--output",
        ])
        .arg(&versions)
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "chained onto Alembic revision 0a1b2c3d4e5f",
        ));
    // The project's own README is never replaced; the plan's carries its name.
    assert!(
        versions
            .join("rename_users_phone_to_phone_number.README.md")
            .exists()
    );
    assert_lints_clean_except_contract(&versions, &["drop-column"]);
    assert_eq!(
        alembic(root, &["heads"]).split_whitespace().count(),
        2,
        "one head: `<rev> (head)`"
    );

    // Offline SQL of the whole plan goes through the linter on stdin.
    let offline = alembic(root, &["upgrade", "0a1b2c3d4e5f:head", "--sql"]);
    assert!(offline.contains("CREATE TRIGGER"), "{offline}");
    new_service()
        .args(["migrations", "lint", "-"])
        .write_stdin(offline.clone())
        .assert()
        .success();
    new_service()
        .args(["migrations", "lint", "-"])
        .write_stdin(offline.replace("-- new-service-ignore drop-column", "-- dropped"))
        .assert()
        .code(1)
        .stdout(predicates::str::contains("<stdin>"))
        .stdout(predicates::str::contains("error[drop-column]"));

    alembic(root, &["upgrade", "0a1b2c3d4e5f"]);
    alembic(root, &["upgrade", "+1"]);
    run_under_load(
        &pg,
        "alembic upgrade (migrate)",
        || {
            alembic(root, &["upgrade", "+1"]);
        },
        rename_clients(&pg),
        &["ins-old", "ins-new"],
    );
    alembic(root, &["upgrade", "head"]);
    let expected = rename_expected();
    assert_no_row_lost(&pg, "users");
    assert_eq!(
        pg.query(
            DB,
            &format!("SELECT count(*) FROM users u WHERE phone_number IS DISTINCT FROM {expected}")
        ),
        "0"
    );
    assert_eq!(
        columns(&pg, "users", "phone%"),
        "phone_number:NO:'none'::text:text"
    );

    alembic(root, &["downgrade", "0a1b2c3d4e5f"]);
    assert_eq!(
        pg.query(
            DB,
            &format!("SELECT count(*) FROM users u WHERE phone IS DISTINCT FROM {expected}")
        ),
        "0"
    );
    assert_eq!(
        columns(&pg, "users", "phone%"),
        "phone:NO:'none'::text:text"
    );
    assert_eq!(
        pg.query(DB, "SELECT count(*) FROM users WHERE id <= 20000"),
        ROWS.to_string()
    );
}
