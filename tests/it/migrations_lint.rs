//! `migrations lint`: every rule flags its fixture and stays quiet on the safe variant (and on
//! the false-positive traps), per reader; discovery in a repository; outputs; exit codes.

use std::fs;
use std::path::{Path, PathBuf};

use new_service::migrations::output::Format;
use new_service::migrations::{
    Finding, LintOptions, LintReport, MigrationKind, RuleId, SourceFile, lint_sources,
};
use predicates::prelude::*;
use tempfile::TempDir;

use crate::common::new_service;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/migrations")
}

const READERS: [(&str, MigrationKind); 3] = [
    ("sql", MigrationKind::Sql),
    ("alembic", MigrationKind::Alembic),
    ("django", MigrationKind::Django),
];

/// A fixture: `<reader>/<rule>.<flag|clean>.<ext>`, or a folder of that name holding an app's
/// migration history (for rules that need it), whose last file is the one judged.
struct Fixture {
    name: String,
    rule: String,
    flag: bool,
    files: Vec<(String, String)>,
}

fn load(reader: &str) -> Vec<Fixture> {
    let dir = fixtures().join(reader);
    let mut out = Vec::new();
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let mut parts = name.splitn(3, '.');
        let rule = parts.next().unwrap().to_string();
        let flag = match parts.next() {
            Some("flag") => true,
            Some("clean") => false,
            other => panic!("{name}: expected <rule>.flag or <rule>.clean, got {other:?}"),
        };
        let files = if path.is_dir() {
            let mut files: Vec<_> = fs::read_dir(&path)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            files.sort();
            files
        } else {
            vec![path.clone()]
        };
        let files = files
            .iter()
            .map(|f| {
                let rel = f.strip_prefix(fixtures()).unwrap();
                (
                    rel.to_string_lossy().replace('\\', "/"),
                    fs::read_to_string(f).unwrap(),
                )
            })
            .collect();
        out.push(Fixture {
            name,
            rule,
            flag,
            files,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn lint(fixture: &Fixture, kind: MigrationKind) -> Vec<Finding> {
    let files: Vec<SourceFile<'_>> = fixture
        .files
        .iter()
        .map(|(path, text)| SourceFile::new(path, kind, text))
        .collect();
    lint_sources(&files, &LintOptions::default())
}

fn render(format: Format, findings: Vec<Finding>, files_checked: usize) -> String {
    let report = LintReport {
        findings,
        files_checked,
        not_judged: Vec::new(),
    };
    let mut out = Vec::new();
    format.render(&mut out, &report).unwrap();
    anstream::adapter::strip_str(&String::from_utf8(out).unwrap()).to_string()
}

#[test]
fn every_rule_has_a_flagging_and_a_clean_fixture_for_every_reader() {
    let mut missing = Vec::new();
    for (reader, _) in READERS {
        let fixtures = load(reader);
        for rule in RuleId::ALL {
            for flag in [true, false] {
                if !fixtures
                    .iter()
                    .any(|f| f.rule == rule.as_str() && f.flag == flag)
                {
                    missing.push(format!(
                        "{reader}/{rule}.{}",
                        if flag { "flag" } else { "clean" }
                    ));
                }
            }
        }
        for f in &fixtures {
            assert!(
                f.rule.parse::<RuleId>().is_ok(),
                "{reader}/{}: no rule `{}`",
                f.name,
                f.rule
            );
        }
    }
    assert!(missing.is_empty(), "fixtures missing: {missing:#?}");
}

/// Each reader: flag fixtures report their rule and nothing else, clean ones report nothing;
/// the findings of all flag fixtures are snapshotted as the text format shows them.
fn check_reader(reader: &str, kind: MigrationKind) {
    let mut failures = Vec::new();
    let mut snapshot = String::new();
    for fixture in load(reader) {
        let findings = lint(&fixture, kind);
        let rules: Vec<&str> = findings.iter().map(|f| f.rule).collect();
        if fixture.flag {
            if rules.is_empty() || rules.iter().any(|r| *r != fixture.rule) {
                failures.push(format!(
                    "{}: expected only {}, got {rules:?}",
                    fixture.name, fixture.rule
                ));
            }
            let last = &fixture.files.last().unwrap().0;
            if findings.iter().any(|f| &f.path != last) {
                failures.push(format!("{}: a finding outside {last}", fixture.name));
            }
            snapshot.push_str(&format!(
                "## {}\n{}\n",
                fixture.name,
                render(Format::Text, findings, fixture.files.len())
            ));
        } else if !findings.is_empty() {
            failures.push(format!("{}: expected clean, got {rules:?}", fixture.name));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    insta::assert_snapshot!(format!("{reader}_flags"), snapshot);
}

#[test]
fn sql_fixtures_flag_their_rule_and_the_safe_variants_stay_clean() {
    check_reader("sql", MigrationKind::Sql);
}

#[test]
fn alembic_fixtures_flag_their_rule_and_the_safe_variants_stay_clean() {
    check_reader("alembic", MigrationKind::Alembic);
}

#[test]
fn django_fixtures_flag_their_rule_and_the_safe_variants_stay_clean() {
    check_reader("django", MigrationKind::Django);
}

fn repo() -> PathBuf {
    fixtures().join("repo")
}

fn lint_repo(format: &str) -> assert_cmd::assert::Assert {
    new_service()
        .current_dir(repo())
        .args(["migrations", "lint", "--format", format])
        .assert()
}

#[test]
fn a_repository_is_searched_by_convention_and_vendored_trees_are_skipped() {
    let out = lint_repo("json").code(1).get_output().stdout.clone();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(json["schema_version"], 1);
    assert_eq!(
        json["files_checked"], 6,
        "2 Alembic revisions, 2 Django migrations, 2 Flyway scripts"
    );
    let found: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}:{} {}",
                f["path"].as_str().unwrap(),
                f["line"],
                f["rule"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            "alembic/versions/1a2b3c4d5e6f_add_tenant.py:10 add-required-column",
            "alembic/versions/1a2b3c4d5e6f_add_tenant.py:11 index-not-concurrent",
            "db/migrations/V2__rename_total.sql:2 rename-column",
            "shop/migrations/0002_alter_book_title.py:8 set-not-null",
        ]
    );
    for field in ["path", "line", "rule", "severity", "message", "fix"] {
        assert!(json["findings"][0].get(field).is_some(), "missing {field}");
    }
}

#[test]
fn each_output_format_renders_the_same_findings() {
    for format in ["text", "json", "sarif", "github"] {
        let out = lint_repo(format).code(1).get_output().stdout.clone();
        insta::assert_snapshot!(format!("repo_{format}"), String::from_utf8(out).unwrap());
    }
}

#[test]
fn a_clean_folder_exits_zero() {
    new_service()
        .args(["migrations", "lint"])
        .arg(fixtures().join("sql/drop-column.clean.sql"))
        .arg(fixtures().join("alembic/concurrent-in-transaction.clean.py"))
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "no unsafe migrations in 2 migration files checked",
        ));
}

/// SQL written for another engine is left out of a folder search, and the report says so; a
/// file named on the command line is linted whatever its engine.
#[test]
fn sql_for_other_engines_is_left_out_of_a_folder_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let migrations = dir.path().join("migrations");
    std::fs::create_dir_all(migrations.join("sqlite")).unwrap();
    std::fs::write(
        migrations.join("0001_users.up.sql"),
        "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n",
    )
    .unwrap();
    let mysql = migrations.join("0002_drop_email.mysql.up.sql");
    std::fs::write(&mysql, "ALTER TABLE users DROP COLUMN email;\n").unwrap();
    std::fs::write(
        migrations.join("sqlite/0002_drop_email.sql"),
        "ALTER TABLE users DROP COLUMN email;\n",
    )
    .unwrap();

    let lint_json = |args: &[&str], code: i32| -> serde_json::Value {
        let out = new_service()
            .current_dir(dir.path())
            .args(["migrations", "lint", "--format", "json"])
            .args(args)
            .assert()
            .code(code)
            .get_output()
            .stdout
            .clone();
        serde_json::from_slice(&out).unwrap()
    };
    let json = lint_json(&["migrations"], 0);
    assert_eq!(json["files_checked"], 1);
    let left_out: Vec<String> = json["not_judged"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            format!(
                "{} {}",
                n["path"].as_str().unwrap(),
                n["engine"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        left_out,
        [
            "migrations/0002_drop_email.mysql.up.sql MySQL",
            "migrations/sqlite/0002_drop_email.sql SQLite",
        ]
    );

    new_service()
        .current_dir(dir.path())
        .args(["migrations", "lint", "migrations"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "2 SQL migrations written for MySQL, SQLite left out",
        ));

    let json = lint_json(
        &["migrations", "migrations/0002_drop_email.mysql.up.sql"],
        1,
    );
    assert_eq!(json["files_checked"], 2, "the named file is linted");
    assert_eq!(json["findings"][0]["rule"], "drop-column");
    assert_eq!(json["not_judged"].as_array().unwrap().len(), 1);
}

#[test]
fn sql_on_stdin_is_linted_as_stdin() {
    new_service()
        .args(["migrations", "lint", "-", "--format", "github"])
        .write_stdin("BEGIN;\nALTER TABLE users DROP COLUMN phone;\nCOMMIT;\n")
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with(
            "::error file=<stdin>,line=2,title=drop-column::drops column `users.phone`",
        ));
}

#[test]
fn errors_exit_two_and_say_what_went_wrong() {
    new_service()
        .args(["migrations", "lint", "no/such/dir"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/dir does not exist"));
    let tmp = TempDir::new().unwrap();
    fs::write(tmp.path().join("notes.txt"), "DROP TABLE users;").unwrap();
    new_service()
        .args(["migrations", "lint"])
        .arg(tmp.path().join("notes.txt"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a migration file"));
    new_service()
        .args(["migrations", "lint", "--format", "xml"])
        .assert()
        .code(2);
}

#[test]
fn a_python_migration_that_does_not_parse_is_a_syntax_error_finding() {
    let tmp = TempDir::new().unwrap();
    let versions = tmp.path().join("alembic/versions");
    fs::create_dir_all(&versions).unwrap();
    fs::write(
        versions.join("0001_add_email.py"),
        "revision = '0001'\ndown_revision = None\n\n\ndef upgrade():\n    op.add_column('users', sa.Column('email', sa.Text(), nullable=True)\n\n\ndef downgrade():\n    pass\n",
    )
    .unwrap();
    let app = tmp.path().join("shop/migrations");
    fs::create_dir_all(&app).unwrap();
    fs::write(app.join("__init__.py"), "").unwrap();
    fs::write(
        app.join("0001_initial.py"),
        "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    initial = True\n    operations = [\n        migrations.RunSQL('SELECT 1'\n    ]\n",
    )
    .unwrap();
    let out = new_service()
        .current_dir(tmp.path())
        .args(["migrations", "lint", "--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let found: Vec<(String, u64, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        found.contains(&(
            "alembic/versions/0001_add_email.py".into(),
            6,
            "syntax-error".into()
        )),
        "{found:?}"
    );
    assert!(
        found.contains(&(
            "shop/migrations/0001_initial.py".into(),
            8,
            "syntax-error".into()
        )),
        "{found:?}"
    );
}

#[cfg(unix)]
#[test]
fn a_named_pipe_given_as_a_path_is_refused_never_read() {
    let tmp = TempDir::new().unwrap();
    let fifo = tmp.path().join("0001_users.sql");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    // Nobody writes to the pipe: reading it would block until the timeout kills the command.
    let out = new_service()
        .args(["migrations", "lint"])
        .arg(&fifo)
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let stderr = String::from_utf8(out).unwrap();
    assert!(stderr.contains("named pipe (FIFO), not a file"), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
}

#[test]
fn pg_version_decides_whether_a_constant_default_rewrites_the_table() {
    let lint = |version: &str| {
        new_service()
            .args(["migrations", "lint", "-", "--pg-version", version])
            .write_stdin("ALTER TABLE orders ADD COLUMN status text DEFAULT 'new';")
            .assert()
    };
    lint("10")
        .code(1)
        .stdout(predicate::str::contains("add-column-rewrite"));
    lint("11").success();
}

#[test]
fn a_default_in_parentheses_or_with_a_sign_rewrites_no_more_than_the_bare_one() {
    let lint = |sql: &str, version: &str| {
        new_service()
            .args(["migrations", "lint", "-", "--pg-version", version])
            .write_stdin(sql.to_string())
            .assert()
    };
    for sql in [
        "ALTER TABLE orders ADD COLUMN n integer DEFAULT (1);",
        "ALTER TABLE orders ADD COLUMN n integer NOT NULL DEFAULT ((1));",
        "ALTER TABLE orders ADD COLUMN n integer DEFAULT -1;",
        "ALTER TABLE orders ADD COLUMN created_at timestamptz DEFAULT (now());",
        "ALTER TABLE orders ADD COLUMN created_at timestamptz NOT NULL DEFAULT (now());",
    ] {
        lint(sql, "11").success();
        lint(sql, "10")
            .code(1)
            .stdout(predicate::str::contains("add-column-rewrite"));
    }
    // A volatile function is computed row by row, with or without parentheses.
    lint(
        "ALTER TABLE orders ADD COLUMN uid uuid DEFAULT (gen_random_uuid());",
        "14",
    )
    .code(1)
    .stdout(predicate::str::contains("add-column-rewrite"));
}

#[test]
fn a_django_migration_named_alone_is_judged_against_its_apps_history() {
    let tmp = TempDir::new().unwrap();
    let app = tmp.path().join("shop/migrations");
    fs::create_dir_all(&app).unwrap();
    for name in ["0001_initial.py", "0002_alter_book_title.py"] {
        fs::copy(repo().join("shop/migrations").join(name), app.join(name)).unwrap();
    }
    new_service()
        .current_dir(tmp.path())
        .args([
            "migrations",
            "lint",
            "shop/migrations/0002_alter_book_title.py",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "shop/migrations/0002_alter_book_title.py:8: error[set-not-null]",
        ))
        .stdout(predicate::str::contains("in 1 migration file checked"));
}

#[test]
fn a_migration_read_as_context_is_still_linted_when_its_folder_is_named_too() {
    let tmp = TempDir::new().unwrap();
    let app = tmp.path().join("shop/migrations");
    fs::create_dir_all(&app).unwrap();
    fs::write(
        app.join("0001_initial.py"),
        "operations = [migrations.RemoveField(model_name='book', name='pages')]\n",
    )
    .unwrap();
    fs::write(app.join("0002_noop.py"), "operations = []\n").unwrap();
    new_service()
        .current_dir(tmp.path())
        .args(["migrations", "lint", "shop/migrations/0002_noop.py", "shop"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "shop/migrations/0001_initial.py:1: error[drop-column]",
        ))
        .stdout(predicate::str::contains("in 2 migration files checked"));
}

#[test]
fn rules_are_listed_and_each_explains_itself() {
    let out = new_service()
        .args(["migrations", "rules"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let listing = String::from_utf8(out).unwrap();
    for rule in RuleId::ALL {
        assert!(listing.contains(rule.as_str()), "{rule} not listed");
    }
    new_service()
        .args(["migrations", "rules", "drop-column"])
        .assert()
        .success()
        .stdout(predicate::str::contains("## Why is this bad?"))
        .stdout(predicate::str::contains(
            "ALTER TABLE users DROP COLUMN phone;",
        ));
    new_service()
        .args(["migrations", "rules", "drop-colum"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown rule `drop-colum`"));
}

#[test]
fn help_shows_examples_and_exit_codes() {
    new_service()
        .args(["migrations", "lint", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "alembic upgrade head --sql | new-service migrations lint -",
        ))
        .stdout(predicate::str::contains(
            "Exit codes: 0 clean, 1 findings, 2 errors.",
        ));
    new_service()
        .args(["migrations", "plan", "rename-column", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "--tool alembic --output alembic/versions",
        ));
}
