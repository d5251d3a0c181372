//! `migrations plan` executed for real: each plan's SQL runs against a throwaway PostgreSQL
//! holding a populated table while the running release (old shape) and the next one (new
//! shape) write and read concurrently with the backfill; then no row may be lost and every
//! value must match. Each plan also lints clean except its deliberate contract step.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

use tempfile::TempDir;

use crate::common::new_service;
use crate::pg::Postgres;

const ROWS: u32 = 20_000;
const DB: &str = "app";

/// Generates a plan with the SQL tool into a temporary folder.
fn plan(args: &[&str]) -> (TempDir, PathBuf) {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path().join("plan");
    new_service()
        .args(["migrations", "plan"])
        .args(args)
        .arg("--output")
        .arg(&dir)
        .args([
            "--batch-size",
            "500",
            "--pause-ms",
            "2",
            "--start-version",
            "1",
        ])
        .assert()
        .success();
    (tmp, dir)
}

/// The `.up.sql` or `.down.sql` of a phase.
fn phase(dir: &Path, phase: &str, direction: &str) -> PathBuf {
    let suffix = format!("_{phase}.{direction}.sql");
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(&suffix))
        .unwrap_or_else(|| panic!("no {suffix} in {}", dir.display()))
}

/// Applies a migration file the way tools do: in one transaction, except the backfill.
fn apply(pg: &Postgres, file: &Path) {
    let single = !fs::read_to_string(file)
        .unwrap()
        .starts_with("-- no-transaction");
    let out = pg.execute_file(DB, file, single);
    assert!(
        out.status.success(),
        "{} failed:\n{}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn setup(pg: &Postgres, table_sql: &str) {
    pg.create_database(DB);
    pg.execute(DB, table_sql);
    pg.execute(
        DB,
        "CREATE TABLE test_control (done boolean NOT NULL);
         INSERT INTO test_control VALUES (false);
         CREATE TABLE test_log (
           writer text, key bigint, at timestamptz NOT NULL DEFAULT clock_timestamp(),
           PRIMARY KEY (writer, key));",
    );
}

/// A client that loops over `body` (PL/pgSQL, with `i` the iteration) and commits each time,
/// until the test says done — so it is guaranteed to run during the whole migrate phase.
fn client(pg: &Postgres, body: &str) -> Child {
    let script = format!(
        "DO $client$
DECLARE
  i bigint := 0;
  target bigint;
  bad bigint;
BEGIN
  LOOP
    i := i + 1;
{body}
    COMMIT;
    EXIT WHEN i >= 50 AND (SELECT done FROM test_control);
    EXIT WHEN i >= 200000;
  END LOOP;
END
$client$;"
    );
    pg.psql(DB)
        .args(["-c", &script])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Runs the migrate phase while `clients` work, then checks that they all succeeded and that
/// each wrote while the backfill ran.
fn migrate_under_load(
    pg: &Postgres,
    migrate: &Path,
    clients: Vec<(&str, Child)>,
    writers: &[&str],
) {
    let started = pg.query(DB, "SELECT clock_timestamp()");
    apply(pg, migrate);
    let finished = pg.query(DB, "SELECT clock_timestamp()");
    pg.execute(DB, "UPDATE test_control SET done = true");
    for (name, child) in clients {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "client {name} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for writer in writers {
        let during = pg.query(
            DB,
            &format!(
                "SELECT count(*) FROM test_log WHERE writer = '{writer}' AND at > '{started}' AND at < '{finished}'"
            ),
        );
        assert_ne!(during, "0", "{writer} never wrote during the backfill");
    }
}

/// Lints the plan: clean as generated; without its ignore comments, exactly the contract step
/// is flagged, for the rules named.
fn assert_lints_clean_except_contract(dir: &Path, rules: &[&str]) {
    new_service()
        .args(["migrations", "lint"])
        .arg(dir)
        .assert()
        .success();
    let stripped = TempDir::new().unwrap();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        let kept: String = text
            .lines()
            .filter(|l| !l.contains("new-service-ignore"))
            .map(|l| format!("{l}\n"))
            .collect();
        fs::write(stripped.path().join(path.file_name().unwrap()), kept).unwrap();
    }
    let out = new_service()
        .args(["migrations", "lint", "--format", "json"])
        .arg(stripped.path())
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let found: Vec<(String, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap();
            let file = path.rsplit('/').next().unwrap().to_string();
            (file, f["rule"].as_str().unwrap().to_string())
        })
        .collect();
    assert!(!found.is_empty());
    for (file, rule) in &found {
        assert!(
            file.contains("contract"),
            "only the contract step may be flagged, got {rule} in {file}"
        );
        assert!(
            rules.contains(&rule.as_str()),
            "unexpected {rule} in {file}"
        );
    }
    for rule in rules {
        assert!(found.iter().any(|(_, r)| r == rule), "{rule} not flagged");
    }
}

#[test]
fn rename_column_plan_keeps_every_row_while_both_releases_write() {
    let (_tmp, dir) = plan(&["rename-column", "users.phone", "phone_number"]);
    assert_lints_clean_except_contract(&dir, &["drop-column"]);

    let pg = Postgres::start();
    setup(
        &pg,
        &format!(
            "CREATE TABLE users (id bigserial PRIMARY KEY, name text NOT NULL,
                                 phone text NOT NULL DEFAULT 'none');
             INSERT INTO users (name, phone)
             SELECT 'user-' || g, 'p-' || g FROM generate_series(1, {ROWS}) AS g;"
        ),
    );
    apply(&pg, &phase(&dir, "expand", "up"));

    let old_writer = client(
        &pg,
        "    INSERT INTO users (name, phone) VALUES ('ins-old-' || i, 'io-' || i);
    target := 1 + 3 * (i % 6666);
    UPDATE users SET phone = 'old-' || id WHERE id = target;
    INSERT INTO test_log (writer, key) VALUES ('ins-old', i), ('upd-old', target)
      ON CONFLICT DO NOTHING;",
    );
    let new_writer = client(
        &pg,
        "    INSERT INTO users (name, phone_number) VALUES ('ins-new-' || i, 'in-' || i);
    target := 2 + 3 * (i % 6666);
    UPDATE users SET phone_number = 'new-' || id WHERE id = target;
    INSERT INTO test_log (writer, key) VALUES ('ins-new', i), ('upd-new', target)
      ON CONFLICT DO NOTHING;",
    );
    let new_reader = client(
        &pg,
        &format!(
            "    SELECT count(*) INTO bad FROM users
     WHERE (id > {ROWS} OR phone LIKE 'old-%' OR phone_number LIKE 'new-%')
       AND phone_number IS DISTINCT FROM phone;
    IF bad > 0 THEN
      RAISE EXCEPTION 'the new release read % rows whose phone_number differs', bad;
    END IF;"
        ),
    );
    migrate_under_load(
        &pg,
        &phase(&dir, "migrate", "up"),
        vec![
            ("old writer", old_writer),
            ("new writer", new_writer),
            ("new reader", new_reader),
        ],
        &["ins-old", "ins-new"],
    );
    apply(&pg, &phase(&dir, "contract", "up"));

    let expected = format!(
        "CASE
           WHEN u.name LIKE 'ins-old-%' THEN 'io-' || substr(u.name, 9)
           WHEN u.name LIKE 'ins-new-%' THEN 'in-' || substr(u.name, 9)
           WHEN EXISTS (SELECT 1 FROM test_log l WHERE l.writer = 'upd-old' AND l.key = u.id)
             THEN 'old-' || u.id
           WHEN EXISTS (SELECT 1 FROM test_log l WHERE l.writer = 'upd-new' AND l.key = u.id)
             THEN 'new-' || u.id
           ELSE 'p-' || u.id
         END"
    );
    assert_no_row_lost(&pg, "users");
    assert_eq!(
        pg.query(
            DB,
            &format!("SELECT count(*) FROM users u WHERE phone_number IS DISTINCT FROM {expected}")
        ),
        "0"
    );
    assert_eq!(
        pg.query(
            DB,
            "SELECT string_agg(column_name || ':' || is_nullable || ':' || coalesce(column_default, ''), ',' ORDER BY column_name)
               FROM information_schema.columns WHERE table_name = 'users' AND column_name LIKE 'phone%'"
        ),
        "phone_number:NO:'none'::text",
        "phone is gone; phone_number took over NOT NULL and the default"
    );

    // Every phase rolls back, newest first, to the original shape with the latest values.
    for step in ["contract", "migrate", "expand"] {
        apply(&pg, &phase(&dir, step, "down"));
    }
    assert_eq!(
        pg.query(
            DB,
            &format!("SELECT count(*) FROM users u WHERE phone IS DISTINCT FROM {expected}")
        ),
        "0"
    );
    assert_eq!(
        pg.query(
            DB,
            "SELECT string_agg(column_name || ':' || is_nullable || ':' || coalesce(column_default, ''), ',' ORDER BY column_name)
               FROM information_schema.columns WHERE table_name = 'users' AND column_name LIKE 'phone%'"
        ),
        "phone:NO:'none'::text"
    );
}

/// The original rows are all there, and every insert a client logged made it.
fn assert_no_row_lost(pg: &Postgres, table: &str) {
    assert_eq!(
        pg.query(
            DB,
            &format!("SELECT count(*) FROM {table} WHERE id <= {ROWS}")
        ),
        ROWS.to_string()
    );
    assert_eq!(
        pg.query(
            DB,
            &format!(
                "SELECT count(*) FROM test_log l WHERE l.writer LIKE 'ins-%'
                   AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.name = l.writer || '-' || l.key)"
            )
        ),
        "0"
    );
    assert_eq!(
        pg.query(DB, &format!("SELECT count(*) FROM {table}")),
        pg.query(
            DB,
            &format!("SELECT {ROWS} + count(*) FROM test_log WHERE writer LIKE 'ins-%'")
        )
    );
}
