//! `migrations plan` executed for real: each plan's SQL runs against a throwaway PostgreSQL
//! holding a populated table while the running release (old shape) and the next one (new
//! shape) write and read concurrently with the backfill; then no row may be lost and every
//! value must match. Each plan also lints clean except its deliberate contract step.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

use tempfile::TempDir;

use crate::common::new_service;
use crate::pg::Postgres;

pub(crate) const ROWS: u32 = 20_000;
pub(crate) const DB: &str = "app";

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

pub(crate) fn setup(pg: &Postgres, table_sql: &str) {
    pg.create_database(DB);
    if !table_sql.is_empty() {
        pg.execute(DB, table_sql);
    }
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
pub(crate) fn client(pg: &Postgres, body: &str) -> Child {
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

/// Applies `step` while `clients` work, then checks that they all succeeded and that each of
/// `writers` wrote while the step ran.
pub(crate) fn apply_under_load(
    pg: &Postgres,
    step: &Path,
    clients: Vec<(&str, Child)>,
    writers: &[&str],
) {
    run_under_load(
        pg,
        &step.display().to_string(),
        || apply(pg, step),
        clients,
        writers,
    );
}

/// Runs `step` while `clients` work, then checks that they all succeeded and that each of
/// `writers` wrote while the step ran.
pub(crate) fn run_under_load(
    pg: &Postgres,
    what: &str,
    step: impl FnOnce(),
    clients: Vec<(&str, Child)>,
    writers: &[&str],
) {
    let started = pg.query(DB, "SELECT clock_timestamp()");
    step();
    let finished = pg.query(DB, "SELECT clock_timestamp()");
    stop_clients(pg, clients);
    for writer in writers {
        let during = pg.query(
            DB,
            &format!(
                "SELECT count(*) FROM test_log WHERE writer = '{writer}' AND at > '{started}' AND at < '{finished}'"
            ),
        );
        assert_ne!(during, "0", "{writer} never wrote while {what} ran");
    }
}

/// Tells the clients to finish, checks that none failed, and rearms the flag.
pub(crate) fn stop_clients(pg: &Postgres, clients: Vec<(&str, Child)>) {
    pg.execute(DB, "UPDATE test_control SET done = true");
    for (name, child) in clients {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "client {name} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    pg.execute(DB, "UPDATE test_control SET done = false");
}

/// Lints the plan: clean as generated; without its ignore comments, exactly the contract step
/// is flagged, for the rules named.
pub(crate) fn assert_lints_clean_except_contract(dir: &Path, rules: &[&str]) {
    new_service()
        .args(["migrations", "lint"])
        .arg(dir)
        .assert()
        .success();
    // Same folder name: the walker recognises Alembic's `versions/` by it.
    let tmp = TempDir::new().unwrap();
    let stripped = tmp.path().join(dir.file_name().unwrap());
    fs::create_dir(&stripped).unwrap();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        let kept: String = text
            .lines()
            .filter(|l| !l.contains("new-service-ignore"))
            .map(|l| format!("{l}\n"))
            .collect();
        fs::write(stripped.join(path.file_name().unwrap()), kept).unwrap();
    }
    let out = new_service()
        .args(["migrations", "lint", "--format", "json"])
        .arg(&stripped)
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

/// `users` with `phone`, the column the rename plans move to `phone_number`.
pub(crate) fn users_table() -> String {
    format!(
        "CREATE TABLE users (id bigserial PRIMARY KEY, name text NOT NULL,
                             phone text NOT NULL DEFAULT 'none');
         INSERT INTO users (name, phone)
         SELECT 'user-' || g, 'p-' || g FROM generate_series(1, {ROWS}) AS g;"
    )
}

/// During a rename of `table.old` to `new`: the running release writes `old`, the next one
/// writes `new` and reads it, and must never see it differ from `old` on a row written since
/// expand.
pub(crate) fn rename_clients(
    pg: &Postgres,
    table: &str,
    old: &str,
    new: &str,
) -> Vec<(&'static str, Child)> {
    let old_writer = client(
        pg,
        &format!(
            "    INSERT INTO {table} (name, {old}) VALUES ('ins-old-' || i, 'io-' || i);
    target := 1 + 3 * (i % 6666);
    UPDATE {table} SET {old} = 'old-' || id WHERE id = target;
    INSERT INTO test_log (writer, key) VALUES ('ins-old', i), ('upd-old', target)
      ON CONFLICT DO NOTHING;"
        ),
    );
    let new_writer = client(
        pg,
        &format!(
            "    INSERT INTO {table} (name, {new}) VALUES ('ins-new-' || i, 'in-' || i);
    target := 2 + 3 * (i % 6666);
    UPDATE {table} SET {new} = 'new-' || id WHERE id = target;
    INSERT INTO test_log (writer, key) VALUES ('ins-new', i), ('upd-new', target)
      ON CONFLICT DO NOTHING;"
        ),
    );
    let new_reader = client(
        pg,
        &format!(
            "    SELECT count(*) INTO bad FROM {table}
     WHERE (id > {ROWS} OR {old} LIKE 'old-%' OR {new} LIKE 'new-%')
       AND {new} IS DISTINCT FROM {old};
    IF bad > 0 THEN
      RAISE EXCEPTION 'the new release read % rows whose {new} differs', bad;
    END IF;"
        ),
    );
    vec![
        ("old writer", old_writer),
        ("new writer", new_writer),
        ("new reader", new_reader),
    ]
}

/// The value every row must end with in the renamed column, after `rename_clients` ran.
pub(crate) fn rename_expected() -> String {
    expected_value(
        "'io-' || substr(u.name, 9)",
        "'in-' || substr(u.name, 9)",
        "'old-' || u.id",
        "'new-' || u.id",
        "'p-' || u.id",
    )
}

#[test]
fn rename_column_plan_keeps_every_row_while_both_releases_write() {
    let (_tmp, dir) = plan(&["rename-column", "users.phone", "phone_number"]);
    assert_lints_clean_except_contract(&dir, &["drop-column"]);

    let pg = Postgres::start();
    setup(&pg, &users_table());
    apply(&pg, &phase(&dir, "expand", "up"));
    apply_under_load(
        &pg,
        &phase(&dir, "migrate", "up"),
        rename_clients(&pg, "users", "phone", "phone_number"),
        &["ins-old", "ins-new"],
    );
    apply(&pg, &phase(&dir, "contract", "up"));

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
        "phone_number:NO:'none'::text:text",
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
        columns(&pg, "users", "phone%"),
        "phone:NO:'none'::text:text"
    );
}

#[test]
fn change_type_plan_swaps_in_the_new_type_without_losing_a_write() {
    let (_tmp, dir) = plan(&[
        "change-type",
        "orders.amount",
        "bigint",
        "--from-type",
        "integer",
    ]);
    assert_lints_clean_except_contract(&dir, &["drop-column", "rename-column"]);

    let pg = Postgres::start();
    setup(
        &pg,
        &format!(
            "CREATE TABLE orders (id bigserial PRIMARY KEY, name text NOT NULL,
                                  amount integer NOT NULL DEFAULT 0);
             INSERT INTO orders (name, amount)
             SELECT 'order-' || g, g FROM generate_series(1, {ROWS}) AS g;"
        ),
    );
    apply(&pg, &phase(&dir, "expand", "up"));
    // Both releases know only `amount`; the converted copy is the migration's business.
    let old_writer = client(
        &pg,
        "    INSERT INTO orders (name, amount) VALUES ('ins-old-' || i, i);
    target := 1 + 3 * (i % 6666);
    UPDATE orders SET amount = id * 2 WHERE id = target;
    INSERT INTO test_log (writer, key) VALUES ('ins-old', i), ('upd-old', target)
      ON CONFLICT DO NOTHING;",
    );
    let new_writer = client(
        &pg,
        "    INSERT INTO orders (name) VALUES ('ins-new-' || i);
    target := 2 + 3 * (i % 6666);
    UPDATE orders SET amount = id * 3 WHERE id = target;
    INSERT INTO test_log (writer, key) VALUES ('ins-new', i), ('upd-new', target)
      ON CONFLICT DO NOTHING;",
    );
    let reader = client(
        &pg,
        &format!(
            "    SELECT count(*) INTO bad FROM orders
     WHERE (id > {ROWS} OR amount IN (id * 2, id * 3)) AND amount_new IS DISTINCT FROM amount::bigint;
    IF bad > 0 THEN
      RAISE EXCEPTION 'the converted column lags behind in % rows', bad;
    END IF;"
        ),
    );
    apply_under_load(
        &pg,
        &phase(&dir, "migrate", "up"),
        vec![
            ("old writer", old_writer),
            ("new writer", new_writer),
            ("reader", reader),
        ],
        &["ins-old", "ins-new"],
    );
    apply(&pg, &phase(&dir, "contract", "up"));

    let expected = expected_value(
        "substr(u.name, 9)::bigint",
        "0",
        "u.id * 2",
        "u.id * 3",
        "u.id",
    );
    assert_no_row_lost(&pg, "orders");
    assert_eq!(
        pg.query(
            DB,
            &format!("SELECT count(*) FROM orders u WHERE amount IS DISTINCT FROM {expected}")
        ),
        "0"
    );
    assert_eq!(columns(&pg, "orders", "amount%"), "amount:NO:0:bigint");

    for step in ["contract", "migrate", "expand"] {
        apply(&pg, &phase(&dir, step, "down"));
    }
    assert_eq!(
        pg.query(
            DB,
            &format!("SELECT count(*) FROM orders u WHERE amount IS DISTINCT FROM {expected}")
        ),
        "0"
    );
    assert_eq!(columns(&pg, "orders", "amount%"), "amount:NO:0:integer");
}

#[test]
fn add_not_null_plan_fills_nulls_that_the_old_release_keeps_writing() {
    let (_tmp, dir) = plan(&["add-not-null", "accounts.email", "--default", "'unknown'"]);
    assert_lints_clean_except_contract(&dir, &["set-not-null"]);

    let pg = Postgres::start();
    setup(
        &pg,
        &format!(
            "CREATE TABLE accounts (id bigserial PRIMARY KEY, name text NOT NULL, email text);
             INSERT INTO accounts (name, email)
             SELECT 'account-' || g, CASE WHEN g % 3 = 0 THEN NULL ELSE 'e-' || g END
               FROM generate_series(1, {ROWS}) AS g;"
        ),
    );
    apply(&pg, &phase(&dir, "expand", "up"));
    // The running release still writes NULL; the next one always writes an address.
    let old_writer = client(
        &pg,
        "    INSERT INTO accounts (name, email) VALUES ('ins-old-' || i, NULL);
    target := 1 + 3 * (i % 6666);
    UPDATE accounts SET email = NULL WHERE id = target;
    INSERT INTO test_log (writer, key) VALUES ('ins-old', i), ('upd-old', target)
      ON CONFLICT DO NOTHING;",
    );
    let new_writer = client(
        &pg,
        "    INSERT INTO accounts (name, email) VALUES ('ins-new-' || i, 'in-' || i);
    target := 2 + 3 * (i % 6666);
    UPDATE accounts SET email = 'new-' || id WHERE id = target;
    INSERT INTO test_log (writer, key) VALUES ('ins-new', i), ('upd-new', target)
      ON CONFLICT DO NOTHING;",
    );
    let reader = client(
        &pg,
        &format!(
            "    SELECT count(*) INTO bad FROM accounts WHERE id > {ROWS} AND email IS NULL;
    IF bad > 0 THEN
      RAISE EXCEPTION 'a new row kept NULL: %', bad;
    END IF;"
        ),
    );
    apply_under_load(
        &pg,
        &phase(&dir, "migrate", "up"),
        vec![
            ("old writer", old_writer),
            ("new writer", new_writer),
            ("reader", reader),
        ],
        &["ins-old", "ins-new"],
    );
    apply(&pg, &phase(&dir, "contract", "up"));

    let expected = expected_value(
        "'unknown'",
        "'in-' || substr(u.name, 9)",
        "'unknown'",
        "'new-' || u.id",
        "CASE WHEN u.id % 3 = 0 THEN 'unknown' ELSE 'e-' || u.id END",
    );
    assert_no_row_lost(&pg, "accounts");
    assert_eq!(
        pg.query(
            DB,
            &format!("SELECT count(*) FROM accounts u WHERE email IS DISTINCT FROM {expected}")
        ),
        "0"
    );
    assert_eq!(
        columns(&pg, "accounts", "email"),
        "email:NO:'unknown'::text:text"
    );
    // The helper check is gone once NOT NULL holds.
    assert_eq!(
        pg.query(
            DB,
            "SELECT count(*) FROM pg_constraint WHERE conrelid = 'accounts'::regclass AND contype = 'c'"
        ),
        "0"
    );

    for step in ["contract", "migrate", "expand"] {
        apply(&pg, &phase(&dir, step, "down"));
    }
    assert_eq!(columns(&pg, "accounts", "email"), "email:YES::text");
}

#[test]
fn drop_column_plan_lets_the_new_release_insert_before_and_while_the_column_goes() {
    let (_tmp, dir) = plan(&["drop-column", "items.legacy", "--type", "text"]);
    assert_lints_clean_except_contract(&dir, &["drop-column"]);
    assert!(
        !fs::read_dir(&dir).unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains("migrate")),
        "there is nothing to backfill"
    );

    let pg = Postgres::start();
    setup(
        &pg,
        &format!(
            "CREATE TABLE items (id bigserial PRIMARY KEY, name text NOT NULL, legacy text NOT NULL);
             INSERT INTO items (name, legacy)
             SELECT 'item-' || g, 'l-' || g FROM generate_series(1, {ROWS}) AS g;"
        ),
    );
    apply(&pg, &phase(&dir, "expand", "up"));
    // After expand, both releases run side by side; the new one never names `legacy`.
    let old_writer = client(
        &pg,
        "    INSERT INTO items (name, legacy) VALUES ('ins-old-' || i, 'x');
    INSERT INTO test_log (writer, key) VALUES ('ins-old', i);",
    );
    let new_writer = client(
        &pg,
        "    INSERT INTO items (name) VALUES ('ins-new-' || i);
    INSERT INTO test_log (writer, key) VALUES ('ins-new', i);",
    );
    stop_clients(
        &pg,
        vec![("old writer", old_writer), ("new writer", new_writer)],
    );
    // Once the old release is gone, the contract runs under the new release's load.
    let new_writer = client(
        &pg,
        "    INSERT INTO items (name) VALUES ('ins-new-' || (i + 1000000));
    INSERT INTO test_log (writer, key) VALUES ('ins-new', i + 1000000);",
    );
    apply_under_load(
        &pg,
        &phase(&dir, "contract", "up"),
        vec![("new writer", new_writer)],
        &[],
    );
    assert_no_row_lost(&pg, "items");
    assert_eq!(columns(&pg, "items", "legacy"), "");

    for step in ["contract", "expand"] {
        apply(&pg, &phase(&dir, step, "down"));
    }
    assert_eq!(columns(&pg, "items", "legacy"), "legacy:YES::text");
}

/// What a row must hold in the end, from what the clients logged: rows they inserted, rows
/// they updated, and the rest as the table was filled.
pub(crate) fn expected_value(
    ins_old: &str,
    ins_new: &str,
    upd_old: &str,
    upd_new: &str,
    rest: &str,
) -> String {
    format!(
        "CASE
           WHEN u.name LIKE 'ins-old-%' THEN {ins_old}
           WHEN u.name LIKE 'ins-new-%' THEN {ins_new}
           WHEN EXISTS (SELECT 1 FROM test_log l WHERE l.writer = 'upd-old' AND l.key = u.id)
             THEN {upd_old}
           WHEN EXISTS (SELECT 1 FROM test_log l WHERE l.writer = 'upd-new' AND l.key = u.id)
             THEN {upd_new}
           ELSE {rest}
         END"
    )
}

/// `column:nullable:default:type` of the table's columns named like `pattern`.
pub(crate) fn columns(pg: &Postgres, table: &str, pattern: &str) -> String {
    pg.query(
        DB,
        &format!(
            "SELECT string_agg(column_name || ':' || is_nullable || ':' || coalesce(column_default, '') || ':' || data_type, ',' ORDER BY column_name)
               FROM information_schema.columns WHERE table_name = '{table}' AND column_name LIKE '{pattern}'"
        ),
    )
}

/// The original rows are all there, and every insert a client logged made it.
pub(crate) fn assert_no_row_lost(pg: &Postgres, table: &str) {
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

/// Generates a plan in a temporary folder (relative `--output`, so the recorded command line is
/// stable) and returns every file, in name order, as one text.
fn plan_files(args: &[&str]) -> String {
    let tmp = TempDir::new().unwrap();
    new_service()
        .current_dir(tmp.path())
        .args(["migrations", "plan"])
        .args(args)
        .args(["--output", "plan"])
        .assert()
        .success();
    let mut names: Vec<PathBuf> = fs::read_dir(tmp.path().join("plan"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    names
        .iter()
        .map(|p| {
            format!(
                "===== {} =====\n{}",
                p.file_name().unwrap().to_string_lossy(),
                fs::read_to_string(p).unwrap()
            )
        })
        .collect()
}

#[test]
fn plans_are_written_as_reviewed() {
    let sql = ["--start-version", "20260101000000"];
    let cases: [(&str, Vec<&str>); 5] = [
        (
            "rename_column_sql",
            [&["rename-column", "users.phone", "phone_number"][..], &sql].concat(),
        ),
        (
            "rename_column_alembic",
            vec![
                "rename-column",
                "users.phone",
                "phone_number",
                "--tool",
                "alembic",
                "--down-revision",
                "0a1b2c3d4e5f",
            ],
        ),
        (
            "change_type_sql",
            [
                &["change-type", "orders.amount", "numeric(12,2)"][..],
                &["--using", "amount / 100.0", "--from-type", "integer"],
                &sql,
            ]
            .concat(),
        ),
        (
            "add_not_null_sql",
            [
                &[
                    "add-not-null",
                    "app.\"Accounts\".email",
                    "--default",
                    "'unknown'",
                ][..],
                &[
                    "--key",
                    "account_id",
                    "--batch-size",
                    "5000",
                    "--pause-ms",
                    "50",
                ],
                &sql,
            ]
            .concat(),
        ),
        (
            "drop_column_sql",
            [&["drop-column", "items.legacy"][..], &sql].concat(),
        ),
    ];
    for (name, args) in cases {
        insta::assert_snapshot!(format!("plan_{name}"), plan_files(&args));
    }
}

#[test]
fn plan_refuses_bad_input_and_never_overwrites_without_force() {
    let tmp = TempDir::new().unwrap();
    let plan = |extra: &[&str]| {
        new_service()
            .current_dir(tmp.path())
            .args(["migrations", "plan"])
            .args(extra)
            .assert()
    };
    plan(&["rename-column", "phone", "phone_number"])
        .code(2)
        .stderr(predicates::str::contains(
            "`phone` is not TABLE.COLUMN or SCHEMA.TABLE.COLUMN",
        ));
    plan(&[
        "add-not-null",
        "users.email",
        "--default",
        "'x'; DROP TABLE users",
    ])
    .code(2)
    .stderr(predicates::str::contains("is not valid SQL"));
    plan(&["rename-column", "users.phone", "phone"])
        .code(2)
        .stderr(predicates::str::contains("must differ"));

    let args = [
        "drop-column",
        "users.legacy",
        "--output",
        "out",
        "--start-version",
        "1",
    ];
    plan(&args).success();
    let before = fs::read_to_string(tmp.path().join("out/README.md")).unwrap();
    plan(&args).code(2).stderr(predicates::str::contains(
        "already exists (pass --force to overwrite)",
    ));
    let again = [&args[..], &["--force"]].concat();
    plan(&again).success();
    assert_eq!(
        fs::read_to_string(tmp.path().join("out/README.md")).unwrap(),
        before
    );
}

#[test]
fn alembic_plans_refuse_to_guess_between_several_heads() {
    let tmp = TempDir::new().unwrap();
    let versions = tmp.path().join("versions");
    fs::create_dir(&versions).unwrap();
    for (rev, down) in [("a1", "None"), ("b2", "\"a1\""), ("c3", "\"a1\"")] {
        fs::write(
            versions.join(format!("{rev}.py")),
            format!("revision = \"{rev}\"\ndown_revision = {down}\n\ndef upgrade():\n    pass\n"),
        )
        .unwrap();
    }
    let plan = |extra: &[&str]| {
        new_service()
            .args([
                "migrations",
                "plan",
                "drop-column",
                "users.legacy",
                "--tool",
                "alembic",
            ])
            .arg("--output")
            .arg(&versions)
            .args(extra)
            .assert()
    };
    plan(&[])
        .code(2)
        .stderr(predicates::str::contains("several heads (b2, c3)"));
    plan(&["--down-revision", "c3"])
        .success()
        .stdout(predicates::str::contains(
            "chained onto Alembic revision c3",
        ));
}
