//! The SQL of each plan, phase by phase. Both renderers (plain SQL files and Alembic
//! revisions) write exactly these statements, so what the tests execute is what users get.
//!
//! What the database knows and the command line does not (the column's type, whether it is
//! NOT NULL, its default, what depends on it) is read from the catalog when the migration
//! runs, in `DO` blocks, so a plan needs nothing but names.

use super::{Change, Phase, PhaseKind, PlanRequest, Statement};

/// Quotes an identifier when PostgreSQL would not read it back unchanged.
pub fn qi(name: &str) -> String {
    let simple = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$');
    if simple && !RESERVED.contains(&name) {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// A string literal.
pub fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// PostgreSQL's reserved key words (those that cannot be column or table names unquoted).
const RESERVED: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "both",
    "case",
    "cast",
    "check",
    "collate",
    "column",
    "constraint",
    "create",
    "current_catalog",
    "current_date",
    "current_role",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "false",
    "fetch",
    "for",
    "foreign",
    "from",
    "grant",
    "group",
    "having",
    "in",
    "initially",
    "intersect",
    "into",
    "lateral",
    "leading",
    "limit",
    "localtime",
    "localtimestamp",
    "not",
    "null",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "placing",
    "primary",
    "references",
    "returning",
    "select",
    "session_user",
    "some",
    "symmetric",
    "system_user",
    "table",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "variadic",
    "when",
    "where",
    "window",
    "with",
];

/// A name for an object we create, within PostgreSQL's 63-byte limit (a hash keeps it unique
/// when the parts are long).
pub fn object_name(parts: &[&str]) -> String {
    let joined = parts.join("_");
    if joined.len() <= 63 {
        return joined;
    }
    let hash = format!("{:08x}", fnv1a(joined.as_bytes()) & 0xffff_ffff);
    let mut cut = 63 - hash.len() - 1;
    while !joined.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}_{hash}", &joined[..cut])
}

/// FNV-1a: small, stable across platforms and releases (revision ids depend on it).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The names a plan uses, quoted where needed.
struct Names {
    /// `schema.table` or `table`, quoted.
    table: String,
    /// The table as a `regclass` literal: `'public.users'::regclass`.
    regclass: String,
    /// Unqualified table name, for object names and messages.
    table_name: String,
    key: String,
}

impl Names {
    fn new(req: &PlanRequest) -> Names {
        let table = match &req.target.schema {
            Some(schema) => format!("{}.{}", qi(schema), qi(&req.target.table)),
            None => qi(&req.target.table),
        };
        Names {
            regclass: format!("{}::regclass", lit(&table)),
            table_name: req.target.table.clone(),
            key: qi(&req.key),
            table,
        }
    }
}

fn stmt(comment: &str, sql: String) -> Statement {
    Statement {
        comment: comment.to_string(),
        sql,
    }
}

/// The phases of the plan `req` asks for.
pub fn phases(req: &PlanRequest) -> Vec<Phase> {
    let n = Names::new(req);
    match &req.change {
        Change::RenameColumn { new_name } => rename_column(req, &n, new_name),
        Change::ChangeType {
            new_type,
            using,
            from_type,
        } => change_type(req, &n, new_type, using.as_deref(), from_type.as_deref()),
        Change::AddNotNull { default } => add_not_null(req, &n, default),
        Change::DropColumn { column_type } => drop_column(req, &n, column_type.as_deref()),
    }
}

/// Refuses to move a column that is a key, identity, generated or serial column: those carry
/// sequences and references that a column copy would silently lose.
fn guard_plain_column(n: &Names, column: &str) -> String {
    format!(
        "DO $guard$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM pg_attribute
     WHERE attrelid = {rc} AND attname = {col} AND NOT attisdropped
  ) THEN
    RAISE EXCEPTION 'column %.% does not exist', {rc}, {col};
  END IF;
  IF EXISTS (
    SELECT 1 FROM pg_attribute a
     WHERE a.attrelid = {rc} AND a.attname = {col}
       AND (a.attidentity <> '' OR a.attgenerated <> '')
  ) OR EXISTS (
    SELECT 1 FROM pg_constraint c
      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
     WHERE c.conrelid = {rc} AND a.attname = {col} AND c.contype IN ('p', 'f')
  ) OR EXISTS (
    SELECT 1 FROM pg_depend d
      JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
      JOIN pg_class s ON s.oid = d.objid AND d.classid = 'pg_class'::regclass
     WHERE d.refobjid = {rc} AND a.attname = {col} AND s.relkind = 'S'
  ) THEN
    RAISE EXCEPTION '%.% is a key, foreign key, identity, generated or serial column: this plan does not move it', {rc}, {col};
  END IF;
END
$guard$",
        rc = n.regclass,
        col = lit(column),
    )
}

/// Refuses to drop a column that indexes, constraints or views still use: `DROP COLUMN` would
/// drop the indexes and constraints silently, and the views would stop the migration anyway.
fn guard_no_dependents(n: &Names, column: &str, instead: &str) -> String {
    format!(
        "DO $guard$
DECLARE
  ns_objects text;
BEGIN
  SELECT string_agg(DISTINCT pg_describe_object(d.classid, d.objid, d.objsubid), ', ')
    INTO ns_objects
    FROM pg_depend d
    JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
   WHERE d.refclassid = 'pg_class'::regclass
     AND d.refobjid = {rc}
     AND a.attname = {col}
     AND d.deptype IN ('n', 'a')
     AND d.classid <> 'pg_attrdef'::regclass
     AND NOT (d.classid = 'pg_constraint'::regclass
              AND EXISTS (SELECT 1 FROM pg_constraint c WHERE c.oid = d.objid AND c.contype = 'n'));
  IF ns_objects IS NOT NULL THEN
    RAISE EXCEPTION '%.% is still used by %: {instead}', {rc}, {col}, ns_objects;
  END IF;
END
$guard$",
        rc = n.regclass,
        col = lit(column),
    )
}

/// Adds `new` with the type of `like`, read from the catalog.
fn add_column_like(n: &Names, new: &str, like: &str) -> String {
    format!(
        "DO $expand$
DECLARE
  ns_type text;
BEGIN
  SELECT format_type(atttypid, atttypmod) INTO ns_type
    FROM pg_attribute
   WHERE attrelid = {rc} AND attname = {like_lit} AND NOT attisdropped;
  EXECUTE format('ALTER TABLE %s ADD COLUMN %I %s', {rc}, {new_lit}, ns_type);
END
$expand$",
        rc = n.regclass,
        like_lit = lit(like),
        new_lit = lit(new),
    )
}

/// A batched, resumable backfill: walks the key in batches, one transaction per batch, then
/// fails if any row is still out of step. Rerunning it skips the rows already done.
fn backfill(
    req: &PlanRequest,
    n: &Names,
    label: &str,
    set: &str,
    pending: &str,
    after: &str,
) -> String {
    let pause = if req.pause_ms > 0 {
        format!(
            "\n    PERFORM pg_sleep({}.{:03});",
            req.pause_ms / 1000,
            req.pause_ms % 1000
        )
    } else {
        String::new()
    };
    format!(
        "DO $backfill$
DECLARE
  ns_from {t}.{k}%TYPE;
  ns_to {t}.{k}%TYPE;
  ns_last {t}.{k}%TYPE;
  ns_rows bigint;
  ns_done bigint := 0;
BEGIN
  SELECT min({k}), max({k}) INTO ns_from, ns_last FROM {t};
  WHILE ns_from IS NOT NULL AND ns_from <= ns_last LOOP
    SELECT max({k}) INTO ns_to
      FROM (SELECT {k} FROM {t} WHERE {k} >= ns_from ORDER BY {k} LIMIT {batch}) AS ns_batch;
    UPDATE {t} SET {set}
     WHERE {k} >= ns_from AND {k} <= ns_to AND ({pending});
    GET DIAGNOSTICS ns_rows = ROW_COUNT;
    ns_done := ns_done + ns_rows;
    COMMIT;
    RAISE NOTICE '{label}: % rows updated, up to {key_name} %', ns_done, ns_to;{pause}
    SELECT min({k}) INTO ns_from FROM {t} WHERE {k} > ns_to;
  END LOOP;
  SELECT count(*) INTO ns_rows FROM {t} WHERE {pending};
  IF ns_rows > 0 THEN
    RAISE EXCEPTION '{label}: % rows still differ after the backfill; run it again', ns_rows;
  END IF;{after}
END
$backfill$",
        t = n.table,
        k = n.key,
        batch = req.batch_size,
        key_name = req.key.replace('\'', "''"),
    )
}

/// Inside the backfill, after the check: when `source` is NOT NULL, enforce the same on
/// `target` with a CHECK added NOT VALID and validated in its own transaction.
fn carry_not_null(n: &Names, source: &str, target: &str, check: &str) -> String {
    format!(
        "
  IF (SELECT attnotnull FROM pg_attribute WHERE attrelid = {rc} AND attname = {src}) THEN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = {rc} AND conname = {ck_lit}) THEN
      ALTER TABLE {t} ADD CONSTRAINT {ck} CHECK ({tgt} IS NOT NULL) NOT VALID;
      COMMIT;
    END IF;
    ALTER TABLE {t} VALIDATE CONSTRAINT {ck};
  END IF;",
        rc = n.regclass,
        src = lit(source),
        ck_lit = lit(check),
        ck = qi(check),
        tgt = qi(target),
        t = n.table,
    )
}

/// In the contract: the validated CHECK lets PostgreSQL 12+ set NOT NULL without a scan.
fn not_null_from_check(n: &Names, column: &str, check: &str) -> String {
    format!(
        "DO $contract$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = {rc} AND conname = {ck_lit} AND convalidated) THEN
    ALTER TABLE {t} ALTER COLUMN {col} SET NOT NULL;
    ALTER TABLE {t} DROP CONSTRAINT {ck};
  END IF;
END
$contract$",
        rc = n.regclass,
        ck_lit = lit(check),
        ck = qi(check),
        col = qi(column),
        t = n.table,
    )
}

/// Gives `to` the default of `from`, read from the catalog. With `cast`, the expression is
/// first tried as it is (PostgreSQL converts `0` for a bigint column by itself, keeping the
/// default readable) and cast explicitly only when that fails.
fn copy_default(n: &Names, from: &str, to: &str, cast: Option<&str>) -> String {
    let set = |expr: &str| {
        format!(
            "EXECUTE format('ALTER TABLE %s ALTER COLUMN %I SET DEFAULT %s', {rc}, {to_lit}, {expr});",
            rc = n.regclass,
            to_lit = lit(to),
        )
    };
    let apply = match cast {
        Some(ty) => format!(
            "BEGIN
      {plain}
    EXCEPTION WHEN others THEN
      {cast}
    END;",
            plain = set("ns_default"),
            cast = set(&format!("format('(%s)::%s', ns_default, {})", lit(ty))),
        ),
        None => set("ns_default"),
    };
    format!(
        "DO $default$
DECLARE
  ns_default text;
BEGIN
  SELECT pg_get_expr(d.adbin, d.adrelid) INTO ns_default
    FROM pg_attrdef d
    JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
   WHERE d.adrelid = {rc} AND a.attname = {from_lit};
  IF ns_default IS NOT NULL THEN
    {apply}
  END IF;
END
$default$",
        rc = n.regclass,
        from_lit = lit(from),
    )
}

fn create_trigger(n: &Names, function: &str, body: &str) -> Vec<Statement> {
    vec![
        stmt(
            "",
            format!(
                "CREATE FUNCTION {f}() RETURNS trigger LANGUAGE plpgsql AS $sync$
BEGIN
{body}
  RETURN NEW;
END
$sync$",
                f = qi(function),
            ),
        ),
        stmt(
            "",
            format!(
                "CREATE TRIGGER {f} BEFORE INSERT OR UPDATE ON {t} FOR EACH ROW EXECUTE FUNCTION {f}()",
                f = qi(function),
                t = n.table,
            ),
        ),
    ]
}

fn drop_trigger(n: &Names, function: &str) -> Vec<Statement> {
    vec![
        stmt(
            "",
            format!("DROP TRIGGER IF EXISTS {} ON {}", qi(function), n.table),
        ),
        stmt("", format!("DROP FUNCTION IF EXISTS {}()", qi(function))),
    ]
}

fn ignored(rule: &str, reason: &str, sql: String) -> String {
    format!("-- new-service-ignore {rule}: {reason}\n{sql}")
}

fn rename_column(req: &PlanRequest, n: &Names, new: &str) -> Vec<Phase> {
    let old = req.target.column.as_str();
    let (o, nw) = (qi(old), qi(new));
    let function = object_name(&[&n.table_name, old, "to", new, "sync"]);
    let check = object_name(&[&n.table_name, new, "not_null"]);
    let sync_body = format!(
        "  IF TG_OP = 'INSERT' THEN
    -- The running release writes {o} only; the next one writes {nw}.
    IF NEW.{nw} IS NULL THEN
      NEW.{nw} := NEW.{o};
    ELSE
      NEW.{o} := NEW.{nw};
    END IF;
  ELSIF NEW.{nw} IS DISTINCT FROM OLD.{nw} THEN
    NEW.{o} := NEW.{nw};
  ELSE
    NEW.{nw} := NEW.{o};
  END IF;"
    );

    let mut expand_up = vec![
        stmt(
            &format!("refuse keys and serial columns, then add {new} with the type of {old}"),
            guard_plain_column(n, old),
        ),
        stmt("", add_column_like(n, new, old)),
    ];
    let mut sync = create_trigger(n, &function, &sync_body);
    sync[0].comment = format!(
        "every write from either release keeps {old} and {new} equal: an INSERT without {new} copies {old}, a change to either copies it to the other"
    );
    expand_up.extend(sync.clone());
    let mut expand_down = drop_trigger(n, &function);
    expand_down.push(stmt(
        "",
        format!("ALTER TABLE {} DROP COLUMN IF EXISTS {nw}", n.table),
    ));

    let migrate_up = vec![stmt(
        &format!(
            "copy {old} into {new} in batches of {} by {}, one transaction each; rerun to resume; fails if any row still differs",
            req.batch_size, req.key
        ),
        backfill(
            req,
            n,
            &format!("{}.{new}", n.table_name),
            &format!("{nw} = {o}"),
            &format!("{nw} IS DISTINCT FROM {o}"),
            &carry_not_null(n, old, new, &check),
        ),
    )];
    let migrate_down = vec![stmt(
        "the copied values stay; the expand step's rollback drops the column",
        format!(
            "ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}",
            n.table,
            qi(&check)
        ),
    )];

    let mut contract_up = vec![lock_timeout()];
    contract_up.extend(drop_trigger(n, &function));
    contract_up.push(stmt(
        "",
        guard_no_dependents(
            n,
            old,
            &format!("create the same on {new} (CREATE INDEX CONCURRENTLY …) and drop them first"),
        ),
    ));
    contract_up.push(stmt(
        &format!("{new} takes over the default of {old}"),
        copy_default(n, old, new, None),
    ));
    contract_up.push(stmt(
        "",
        ignored(
            "drop-column",
            &format!(
                "contract step of the {old} → {new} rename; no running release reads {old} any more and the backfill verified every row"
            ),
            format!("ALTER TABLE {} DROP COLUMN {o}", n.table),
        ),
    ));
    contract_up.push(stmt(
        &format!("{new} takes over NOT NULL through the CHECK validated in the migrate phase"),
        not_null_from_check(n, new, &check),
    ));

    let mut contract_down = vec![
        stmt(
            &format!("bring {old} back with the type of {new} and the values of {new}"),
            add_column_like(n, old, new),
        ),
        stmt("", format!("UPDATE {} SET {o} = {nw}", n.table)),
        stmt(
            "",
            format!(
                "DO $rollback$
BEGIN
  IF (SELECT attnotnull FROM pg_attribute WHERE attrelid = {rc} AND attname = {new_lit}) THEN
    ALTER TABLE {t} ALTER COLUMN {o} SET NOT NULL;
    ALTER TABLE {t} ALTER COLUMN {nw} DROP NOT NULL;
    ALTER TABLE {t} ADD CONSTRAINT {ck} CHECK ({nw} IS NOT NULL);
  END IF;
END
$rollback$",
                rc = n.regclass,
                new_lit = lit(new),
                t = n.table,
                ck = qi(&check),
            ),
        ),
        stmt("", copy_default(n, new, old, None)),
        stmt(
            "",
            format!("ALTER TABLE {} ALTER COLUMN {nw} DROP DEFAULT", n.table),
        ),
    ];
    contract_down.extend(sync);

    vec![
        Phase {
            kind: PhaseKind::Expand,
            summary: format!(
                "Adds {new} beside {old} and a trigger that keeps the two equal on every write, so the running release (which uses {old}) and the next one (which uses {new}) both work."
            ),
            before_next: format!(
                "Deploy the release that reads {new} (it may write either column)."
            ),
            up: expand_up,
            down: expand_down,
            no_transaction: false,
        },
        Phase {
            kind: PhaseKind::Migrate,
            summary: format!(
                "Backfills {new} from {old} in batches of {} by {}, each batch its own transaction, resumable; then checks that no row differs and, when {old} is NOT NULL, validates a CHECK on {new}.",
                req.batch_size, req.key
            ),
            before_next: format!(
                "Make sure no running release reads or writes {old}; the progress and consistency queries below must be clean."
            ),
            up: migrate_up,
            down: migrate_down,
            no_transaction: true,
        },
        Phase {
            kind: PhaseKind::Contract,
            summary: format!(
                "Drops the trigger and {old}; {new} takes over its default and NOT NULL. Refuses to run while an index, constraint or view still uses {old}."
            ),
            before_next: "Done.".to_string(),
            up: contract_up,
            down: contract_down,
            no_transaction: false,
        },
    ]
}

fn change_type(
    req: &PlanRequest,
    n: &Names,
    new_type: &str,
    using: Option<&str>,
    from_type: Option<&str>,
) -> Vec<Phase> {
    let col = req.target.column.as_str();
    let shadow = object_name(&[col, "new"]);
    let (c, s) = (qi(col), qi(&shadow));
    let conversion = match using {
        Some(expr) => format!("({expr})"),
        None => format!("{c}::{new_type}"),
    };
    let function = object_name(&[&n.table_name, col, "to", "new", "type"]);
    let check = object_name(&[&n.table_name, &shadow, "not_null"]);
    // `SELECT NEW.*` exposes the row's columns by name, so the conversion reads like a USING
    // clause (`amount::bigint`, `amount * 100`) in the trigger as in the backfill.
    let sync_body = format!("  NEW.{s} := (SELECT {conversion} FROM (SELECT NEW.*) AS ns_row);");

    let mut expand_up = vec![
        stmt("refuse keys and serial columns", guard_plain_column(n, col)),
        stmt(
            &format!("{shadow} will hold {col} as {new_type}"),
            format!("ALTER TABLE {} ADD COLUMN {s} {new_type}", n.table),
        ),
    ];
    let mut sync = create_trigger(n, &function, &sync_body);
    sync[0].comment =
        format!("every write computes {shadow} from {col}, so the running release needs no change");
    expand_up.extend(sync.clone());
    let mut expand_down = drop_trigger(n, &function);
    expand_down.push(stmt(
        "",
        format!("ALTER TABLE {} DROP COLUMN IF EXISTS {s}", n.table),
    ));

    let migrate_up = vec![stmt(
        &format!(
            "fill {shadow} in batches of {} by {}, one transaction each; rerun to resume; fails if any row still differs",
            req.batch_size, req.key
        ),
        backfill(
            req,
            n,
            &format!("{}.{shadow}", n.table_name),
            &format!("{s} = {conversion}"),
            &format!("{s} IS DISTINCT FROM {conversion}"),
            &carry_not_null(n, col, &shadow, &check),
        ),
    )];
    let migrate_down = vec![stmt(
        "",
        format!(
            "ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}",
            n.table,
            qi(&check)
        ),
    )];

    let mut contract_up = vec![lock_timeout()];
    contract_up.extend(drop_trigger(n, &function));
    contract_up.push(stmt(
        "",
        guard_no_dependents(
            n,
            col,
            &format!(
                "create the same on {shadow} (CREATE INDEX CONCURRENTLY …) and drop them first"
            ),
        ),
    ));
    contract_up.push(stmt(
        &format!("{shadow} takes over the default of {col}, converted"),
        copy_default(n, col, &shadow, Some(new_type)),
    ));
    contract_up.push(stmt(
        &format!("swap: {shadow} becomes {col}, in this one short transaction"),
        ignored(
            "drop-column",
            &format!(
                "contract step of the {col} type change; {shadow} holds every value, verified by the backfill"
            ),
            format!("ALTER TABLE {} DROP COLUMN {c}", n.table),
        ),
    ));
    contract_up.push(stmt(
        "",
        ignored(
            "rename-column",
            &format!(
                "takes the place of the column dropped just above, in the same transaction; every release keeps using {col}"
            ),
            format!("ALTER TABLE {} RENAME COLUMN {s} TO {c}", n.table),
        ),
    ));
    contract_up.push(stmt(
        &format!("{col} takes over NOT NULL through the CHECK validated in the migrate phase"),
        not_null_from_check(n, col, &check),
    ));

    let contract_down = match from_type {
        Some(old_type) => {
            let mut down = vec![
                stmt(
                    &format!("bring back {col} as {old_type} beside the converted column"),
                    format!("ALTER TABLE {} RENAME COLUMN {c} TO {s}", n.table),
                ),
                stmt(
                    "",
                    format!("ALTER TABLE {} ADD COLUMN {c} {old_type}", n.table),
                ),
                stmt("", format!("UPDATE {} SET {c} = {s}::{old_type}", n.table)),
                stmt(
                    "",
                    format!(
                        "DO $rollback$
BEGIN
  IF (SELECT attnotnull FROM pg_attribute WHERE attrelid = {rc} AND attname = {s_lit}) THEN
    ALTER TABLE {t} ALTER COLUMN {c} SET NOT NULL;
    ALTER TABLE {t} ALTER COLUMN {s} DROP NOT NULL;
    ALTER TABLE {t} ADD CONSTRAINT {ck} CHECK ({s} IS NOT NULL);
  END IF;
END
$rollback$",
                        rc = n.regclass,
                        s_lit = lit(&shadow),
                        t = n.table,
                        ck = qi(&check),
                    ),
                ),
                stmt("", copy_default(n, &shadow, col, Some(old_type))),
                stmt(
                    "",
                    format!("ALTER TABLE {} ALTER COLUMN {s} DROP DEFAULT", n.table),
                ),
            ];
            down.extend(sync);
            down
        }
        None => vec![stmt(
            "the old column is gone and its type unknown to this plan",
            irreversible(&format!(
                "cannot undo the type change of {}.{col}: the plan was generated without --from-type",
                n.table_name
            )),
        )],
    };

    vec![
        Phase {
            kind: PhaseKind::Expand,
            summary: format!(
                "Adds {shadow} ({new_type}) and a trigger that computes it from {col} on every write; the running release is unaffected."
            ),
            before_next: format!(
                "Deploy a release that works with {col} as {new_type} as well as with its current type."
            ),
            up: expand_up,
            down: expand_down,
            no_transaction: false,
        },
        Phase {
            kind: PhaseKind::Migrate,
            summary: format!(
                "Fills {shadow} for existing rows in batches of {} by {}, resumable; checks that no row differs and, when {col} is NOT NULL, validates a CHECK on {shadow}. Build here, CONCURRENTLY, any index {col} needs on {shadow}.",
                req.batch_size, req.key
            ),
            before_next: "The progress and consistency queries below must be clean.".to_string(),
            up: migrate_up,
            down: migrate_down,
            no_transaction: true,
        },
        Phase {
            kind: PhaseKind::Contract,
            summary: format!(
                "In one short transaction: drops the trigger and {col}, renames {shadow} to {col}, restores default and NOT NULL. Refuses to run while an index, constraint or view still uses the old column."
            ),
            before_next: "Done.".to_string(),
            up: contract_up,
            down: contract_down,
            no_transaction: false,
        },
    ]
}

fn add_not_null(req: &PlanRequest, n: &Names, default: &str) -> Vec<Phase> {
    let col = req.target.column.as_str();
    let c = qi(col);
    let function = object_name(&[&n.table_name, col, "default"]);
    let check = object_name(&[&n.table_name, col, "not_null"]);
    let ck = qi(&check);
    let sync_body = format!(
        "  -- The running release may still write NULL: give it the default instead.
  IF NEW.{c} IS NULL THEN
    NEW.{c} := {default};
  END IF;"
    );

    let mut expand_up = vec![stmt(
        "new rows that leave the column out get the default",
        format!(
            "ALTER TABLE {} ALTER COLUMN {c} SET DEFAULT {default}",
            n.table
        ),
    )];
    let mut fill = create_trigger(n, &function, &sync_body);
    fill[0].comment = "rows written with an explicit NULL get it too".to_string();
    expand_up.extend(fill.clone());
    expand_up.push(stmt(
        "enforced for every new write at once, checked for old rows in the migrate phase",
        format!(
            "ALTER TABLE {} ADD CONSTRAINT {ck} CHECK ({c} IS NOT NULL) NOT VALID",
            n.table
        ),
    ));
    let mut expand_down = vec![stmt(
        "",
        format!("ALTER TABLE {} DROP CONSTRAINT IF EXISTS {ck}", n.table),
    )];
    expand_down.extend(drop_trigger(n, &function));
    expand_down.push(stmt(
        "",
        format!("ALTER TABLE {} ALTER COLUMN {c} DROP DEFAULT", n.table),
    ));

    let migrate_up = vec![stmt(
        &format!(
            "fill the NULLs in batches of {} by {}, one transaction each; rerun to resume; then validate the CHECK, which lets reads and writes go on",
            req.batch_size, req.key
        ),
        backfill(
            req,
            n,
            &format!("{}.{col}", n.table_name),
            &format!("{c} = {default}"),
            &format!("{c} IS NULL"),
            &format!(
                "
  ALTER TABLE {} VALIDATE CONSTRAINT {ck};",
                n.table
            ),
        ),
    )];

    let contract_up = vec![
        lock_timeout(),
        stmt(
            "",
            ignored(
                "set-not-null",
                &format!(
                    "the CHECK {check} validated in the migrate phase lets PostgreSQL 12+ set NOT NULL without scanning the table"
                ),
                format!("ALTER TABLE {} ALTER COLUMN {c} SET NOT NULL", n.table),
            ),
        ),
        stmt(
            "",
            format!("ALTER TABLE {} DROP CONSTRAINT {ck}", n.table),
        ),
    ]
    .into_iter()
    .chain(drop_trigger(n, &function))
    .collect();
    let mut contract_down = fill;
    contract_down.push(stmt(
        "",
        format!(
            "ALTER TABLE {} ADD CONSTRAINT {ck} CHECK ({c} IS NOT NULL)",
            n.table
        ),
    ));
    contract_down.push(stmt(
        "",
        format!("ALTER TABLE {} ALTER COLUMN {c} DROP NOT NULL", n.table),
    ));

    vec![
        Phase {
            kind: PhaseKind::Expand,
            summary: format!(
                "Sets the default {default}, adds a trigger that turns NULL writes into it, and a CHECK ({col} IS NOT NULL) NOT VALID that holds for every new row."
            ),
            before_next: format!("Deploy the release that always writes {col}."),
            up: expand_up,
            down: expand_down,
            no_transaction: false,
        },
        Phase {
            kind: PhaseKind::Migrate,
            summary: format!(
                "Fills existing NULLs in batches of {} by {}, resumable, then validates the CHECK without blocking writes.",
                req.batch_size, req.key
            ),
            before_next: "The progress query below must show no NULL left.".to_string(),
            up: migrate_up,
            down: Vec::new(),
            no_transaction: true,
        },
        Phase {
            kind: PhaseKind::Contract,
            summary: format!(
                "Sets {col} NOT NULL — PostgreSQL 12+ uses the validated CHECK and skips the scan — then drops the CHECK and the trigger."
            ),
            before_next: "Done.".to_string(),
            up: contract_up,
            down: contract_down,
            no_transaction: false,
        },
    ]
}

fn drop_column(req: &PlanRequest, n: &Names, column_type: Option<&str>) -> Vec<Phase> {
    let col = req.target.column.as_str();
    let c = qi(col);
    let expand_up = vec![
        stmt(
            "refuse keys: dropping them needs more than this plan",
            guard_plain_column(n, col),
        ),
        stmt(
            &format!("a release that no longer writes {col} must still be able to insert"),
            format!("ALTER TABLE {} ALTER COLUMN {c} DROP NOT NULL", n.table),
        ),
    ];
    let contract_up = vec![
        lock_timeout(),
        stmt(
            "",
            guard_no_dependents(n, col, "drop them (DROP INDEX CONCURRENTLY …) first"),
        ),
        stmt(
            "",
            ignored(
                "drop-column",
                &format!(
                    "contract step: no running release reads or writes {col} since the expand phase shipped"
                ),
                format!("ALTER TABLE {} DROP COLUMN {c}", n.table),
            ),
        ),
    ];
    let contract_down = match column_type {
        Some(ty) => vec![stmt(
            "the column comes back empty: its values were dropped",
            format!("ALTER TABLE {} ADD COLUMN {c} {ty}", n.table),
        )],
        None => vec![stmt(
            "",
            irreversible(&format!(
                "cannot bring back {}.{col}: its data was dropped (generate the plan with --type to re-add the empty column)",
                n.table_name
            )),
        )],
    };
    vec![
        Phase {
            kind: PhaseKind::Expand,
            summary: format!(
                "Drops NOT NULL from {col} (a no-op when it is nullable), so a release that stops writing it can still insert."
            ),
            before_next: format!(
                "Deploy the release that neither reads nor writes {col} (remove it from the ORM model)."
            ),
            up: expand_up,
            down: vec![stmt(
                &format!("NOT NULL is not restored: rows written since may hold NULL in {col}"),
                String::new(),
            )],
            no_transaction: false,
        },
        Phase {
            kind: PhaseKind::Contract,
            summary: format!(
                "Drops {col}. Refuses to run while an index, constraint or view still uses it."
            ),
            before_next: "Done.".to_string(),
            up: contract_up,
            down: contract_down,
            no_transaction: false,
        },
    ]
}

/// Queries to watch the migrate phase: `(what it shows, SQL)`.
pub fn progress_queries(req: &PlanRequest) -> Vec<(String, String)> {
    let n = Names::new(req);
    let col = req.target.column.as_str();
    let c = qi(col);
    let (t, k) = (&n.table, &n.key);
    let pair = |other: &str, expr: &str| {
        vec![
            (
                "progress: rows already in step, of all rows".to_string(),
                format!(
                    "SELECT count(*) FILTER (WHERE {other} IS NOT DISTINCT FROM {expr}) AS in_step, count(*) AS total FROM {t};"
                ),
            ),
            (
                "consistency: rows that differ (none once the backfill is done)".to_string(),
                format!(
                    "SELECT {k}, {c}, {other} FROM {t} WHERE {other} IS DISTINCT FROM {expr} LIMIT 20;"
                ),
            ),
        ]
    };
    match &req.change {
        Change::RenameColumn { new_name } => pair(&qi(new_name), &c),
        Change::ChangeType {
            new_type, using, ..
        } => {
            let conversion = match using {
                Some(expr) => format!("({expr})"),
                None => format!("{c}::{new_type}"),
            };
            pair(&qi(&object_name(&[col, "new"])), &conversion)
        }
        Change::AddNotNull { .. } => vec![(
            "progress: NULLs left to fill, of all rows".to_string(),
            format!(
                "SELECT count(*) FILTER (WHERE {c} IS NULL) AS remaining, count(*) AS total FROM {t};"
            ),
        )],
        Change::DropColumn { .. } => Vec::new(),
    }
}

/// Contract steps take an ACCESS EXCLUSIVE lock, briefly; waiting for it behind a long query
/// would queue every other query behind the migration, so give up instead and retry later.
fn lock_timeout() -> Statement {
    stmt(
        "wait at most 5 s for the table lock instead of queueing every query behind it",
        "SET LOCAL lock_timeout = '5s'".to_string(),
    )
}

fn irreversible(message: &str) -> String {
    format!(
        "DO $rollback$
BEGIN
  RAISE EXCEPTION {};
END
$rollback$",
        lit(message)
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted_only_when_needed() {
        assert_eq!(qi("users"), "users");
        assert_eq!(qi("user"), "\"user\"");
        assert_eq!(qi("Users"), "\"Users\"");
        assert_eq!(qi("a\"b"), "\"a\"\"b\"");
        assert_eq!(lit("it's"), "'it''s'");
    }

    #[test]
    fn long_object_names_stay_within_63_bytes_and_distinct() {
        let a = object_name(&["a".repeat(40).as_str(), "b".repeat(40).as_str(), "x"]);
        let b = object_name(&["a".repeat(40).as_str(), "b".repeat(40).as_str(), "y"]);
        assert!(a.len() <= 63 && b.len() <= 63);
        assert_ne!(a, b);
        assert_eq!(object_name(&["users", "phone", "sync"]), "users_phone_sync");
    }
}
