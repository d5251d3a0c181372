//! The Alembic reader: the operations in a revision's `upgrade()`, read statically.
//!
//! `downgrade()` is not linted: undoing an expand step is dropping things by design. Calls are
//! recognised on `op` and on the alias of `with op.batch_alter_table(...) as batch_op:`; raw SQL
//! given to `op.execute` (or a connection's `execute` / `exec_driver_sql`) goes through the SQL
//! reader, inside the transaction Alembic opens unless the call sits in
//! `with op.get_context().autocommit_block():`.

use crate::migrations::engine::LintOptions;
use crate::migrations::ignore::{self, Violation};
use crate::migrations::lines::LineMap;
use crate::migrations::python::Module;
use crate::migrations::python::expr::{Call, Expr};
use crate::migrations::python::lexer::StrValue;
use crate::migrations::rules::{Dialect, RuleId, Subject};
use crate::migrations::sql::{Created, SqlContext, SqlDoc};

/// A revision's identity, for chaining generated plans onto the current head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionInfo {
    pub revision: String,
    /// `down_revision`: none for a base, several for a merge point.
    pub down_revisions: Vec<String>,
}

/// The `revision` and `down_revision` of an Alembic revision file, if it is one.
pub fn revision_info(text: &str) -> Option<RevisionInfo> {
    let module = Module::parse(text);
    let revision = module.assigned("revision")?.1.as_str()?.to_string();
    let down_revisions = match module.assigned("down_revision").map(|(_, e)| e) {
        Some(Expr::Str(s)) => vec![s.value],
        Some(e @ (Expr::Tuple(_) | Expr::List(_))) => e
            .items()
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    Some(RevisionInfo {
        revision,
        down_revisions,
    })
}

/// One call in `upgrade()`, with where it sits.
struct Op {
    call: Call,
    /// The operation's name: `drop_column`, `execute`, …
    name: String,
    /// The table a batch operation applies to.
    batch_table: Option<String>,
    autocommit: bool,
    scope: (u32, u32),
}

/// SQL found in an `execute` call.
struct Sql {
    value: StrValue,
    autocommit: bool,
    scope: (u32, u32),
}

pub fn lint(text: &str, opts: &LintOptions) -> Vec<Violation> {
    let module = Module::parse(text);
    let mut out = Vec::new();
    if let Some((line, message)) = &module.error {
        out.push(Violation::new(
            RuleId::SyntaxError,
            *line,
            (*line, *line),
            Subject::new(Dialect::Alembic).detail(message.clone()),
        ));
    }
    let Some(body) = module.function_body("upgrade") else {
        return out;
    };
    let ops = collect_ops(&module, body);

    // Objects created anywhere in the revision are exempt from the rules for existing rows.
    let mut created = Created::default();
    let mut sqls = Vec::new();
    for op in &ops {
        match op.name.as_str() {
            "create_table" => {
                if let Some(t) = op.call.str_arg(0, "table_name") {
                    created.tables.insert(t.to_string());
                    created.tables.insert(t.to_lowercase());
                }
            }
            "create_index" => {
                if let Some(i) = index_name(&op.call) {
                    created.indexes.insert(i.clone());
                    created.indexes.insert(i.to_lowercase());
                }
            }
            "execute" | "exec_driver_sql" => {
                if let Some(value) = sql_argument(&op.call) {
                    sqls.push(Sql {
                        value,
                        autocommit: op.autocommit,
                        scope: op.scope,
                    });
                }
            }
            _ => {}
        }
    }
    let docs: Vec<SqlDoc<'_>> = sqls.iter().map(|s| SqlDoc::parse(&s.value.value)).collect();
    for doc in &docs {
        created.extend(&doc.created());
    }

    for op in &ops {
        check(op, &created, opts, &mut out);
    }
    for (sql, doc) in sqls.iter().zip(&docs) {
        let ctx = SqlContext {
            dialect: Dialect::Alembic,
            pg_version: opts.pg_version,
            in_transaction: !sql.autocommit,
            created: &created,
        };
        let map = LineMap::embedded(&sql.value.value, sql.value.file_lines.clone());
        for mut v in doc.lint(&ctx, &map) {
            v.scope = sql.scope;
            out.push(v);
        }
    }

    let (ignores, invalid) = ignore::read(&module.comments, &module.code_lines, Dialect::Alembic);
    let mut kept = ignores.apply(out);
    kept.extend(invalid);
    kept
}

/// The calls in `upgrade()`, each knowing its `with` blocks.
fn collect_ops(module: &Module<'_>, body: std::ops::Range<usize>) -> Vec<Op> {
    struct Block {
        end: usize,
        autocommit: bool,
        batch: Option<(String, String)>,
    }
    let mut blocks: Vec<Block> = Vec::new();
    let mut ops = Vec::new();
    for i in body {
        blocks.retain(|b| b.end > i);
        let line = &module.lines[i];
        let calls = line.calls();
        if line.starts_with("with") {
            let end = module.block_end(i);
            for call in &calls {
                if call.func.ends_with("autocommit_block") {
                    blocks.push(Block {
                        end,
                        autocommit: true,
                        batch: None,
                    });
                } else if call.name() == "batch_alter_table" {
                    let alias = line
                        .tokens
                        .iter()
                        .position(|t| t.text == "as")
                        .and_then(|p| line.tokens.get(p + 1))
                        .map(|t| t.text.to_string());
                    if let (Some(alias), Some(table)) = (alias, call.str_arg(0, "table_name")) {
                        blocks.push(Block {
                            end,
                            autocommit: false,
                            batch: Some((alias, table.to_string())),
                        });
                    }
                }
            }
            continue;
        }
        let autocommit = blocks.iter().any(|b| b.autocommit);
        for call in calls {
            let (receiver, name) = match call.func.rsplit_once('.') {
                Some((r, n)) => (r.to_string(), n.to_string()),
                None => continue,
            };
            let batch_table = blocks.iter().rev().find_map(|b| {
                b.batch
                    .as_ref()
                    .filter(|(alias, _)| *alias == receiver)
                    .map(|(_, t)| t.clone())
            });
            let is_sql = matches!(name.as_str(), "execute" | "exec_driver_sql");
            if receiver != "op" && batch_table.is_none() && !is_sql {
                continue;
            }
            ops.push(Op {
                name,
                batch_table,
                autocommit,
                scope: (line.first_line, line.last_line),
                call,
            });
        }
    }
    ops
}

/// Judges one operation.
fn check(op: &Op, created: &Created, opts: &LintOptions, out: &mut Vec<Violation>) {
    let call = &op.call;
    let batch = op.batch_table.is_some();
    // Batch operations drop the table argument: `batch_op.drop_column("phone")`.
    let table_arg = |index: usize, name: &str| -> Option<String> {
        match &op.batch_table {
            Some(t) => Some(t.clone()),
            None => call.str_arg(index, name).map(str::to_string),
        }
    };
    let shift = usize::from(!batch);
    let subject = || Subject::new(Dialect::Alembic);
    let mut report = |rule: RuleId, subject: Subject| {
        let exempt = rule.info().existing_rows
            && subject.table.as_ref().is_some_and(|t| {
                created.tables.contains(t) || created.tables.contains(&t.to_lowercase())
            });
        if !exempt {
            out.push(Violation::new(rule, call.line, op.scope, subject));
        }
    };
    match op.name.as_str() {
        "drop_table" => report(
            RuleId::DropTable,
            subject().maybe_table(call.str_arg(0, "table_name").map(str::to_string)),
        ),
        "rename_table" => {
            let old = call.str_arg(0, "old_table_name");
            // Renamed with a view left under the old name: the running release keeps working.
            if old.is_some_and(|t| {
                created.views.contains(t) || created.views.contains(&t.to_lowercase())
            }) {
                return;
            }
            report(
                RuleId::RenameTable,
                subject()
                    .maybe_table(old.map(str::to_string))
                    .maybe_target(call.str_arg(1, "new_table_name").map(str::to_string)),
            );
        }
        "drop_column" => report(
            RuleId::DropColumn,
            subject()
                .maybe_table(table_arg(0, "table_name"))
                .maybe_column(call.str_arg(shift, "column_name").map(str::to_string)),
        ),
        "add_column" => {
            let Some(column) = call.arg(shift, "column").and_then(Expr::as_call) else {
                return;
            };
            let base = subject()
                .maybe_table(table_arg(0, "table_name"))
                .maybe_column(column.str_arg(0, "name").map(str::to_string));
            let not_null = column.kw("nullable").is_some_and(|e| e.is_name("False"))
                || column.kw_true("primary_key");
            let server_default = column.kw("server_default").filter(|e| !e.is_name("None"));
            match server_default {
                None if not_null => report(RuleId::AddRequiredColumn, base.clone()),
                None => {}
                Some(default) if default_rewrites(default, opts) => {
                    report(RuleId::AddColumnRewrite, base.clone());
                }
                Some(_) => {}
            }
            if column.args.iter().any(|a| is_call_named(a, "Computed")) {
                report(RuleId::AddColumnRewrite, base.clone());
            }
            if column.kw_true("unique") {
                report(RuleId::AddUniqueConstraint, base.clone());
            }
            if column.kw_true("index") {
                report(RuleId::IndexNotConcurrent, base.clone());
            }
            if column.args.iter().any(|a| is_call_named(a, "ForeignKey")) {
                report(
                    RuleId::ConstraintNotValid,
                    base.detail("adds foreign key with column"),
                );
            }
        }
        "alter_column" => {
            let base = subject()
                .maybe_table(table_arg(0, "table_name"))
                .maybe_column(call.str_arg(shift, "column_name").map(str::to_string));
            if let Some(new) = call.kw("new_column_name").and_then(Expr::as_str) {
                report(RuleId::RenameColumn, base.clone().target(new));
            }
            if let Some(new_type) = call.kw("type_")
                && !is_widening(call.kw("existing_type"), new_type)
            {
                report(
                    RuleId::ChangeColumnType,
                    base.clone().target(render(new_type)),
                );
            }
            if call.kw("nullable").is_some_and(|e| e.is_name("False")) {
                report(RuleId::SetNotNull, base);
            }
        }
        "create_index" => {
            let table = table_arg(1, "table_name");
            let concurrently = call.kw_true("postgresql_concurrently");
            if concurrently && !op.autocommit {
                report(
                    RuleId::ConcurrentInTransaction,
                    subject()
                        .maybe_table(table)
                        .detail("op.create_index(…, postgresql_concurrently=True)"),
                );
            } else if !concurrently {
                report(
                    RuleId::IndexNotConcurrent,
                    subject().maybe_table(table).maybe_target(index_name(call)),
                );
            }
        }
        "drop_index" => {
            let concurrently = call.kw_true("postgresql_concurrently");
            let name = index_name(call);
            if concurrently && !op.autocommit {
                report(
                    RuleId::ConcurrentInTransaction,
                    subject().detail("op.drop_index(…, postgresql_concurrently=True)"),
                );
            } else if !concurrently && !name.as_ref().is_some_and(|n| created.indexes.contains(n)) {
                report(RuleId::DropIndexNotConcurrent, subject().maybe_target(name));
            }
        }
        "create_foreign_key" | "create_check_constraint" => {
            if call.kw_true("postgresql_not_valid") {
                return;
            }
            let detail = if op.name == "create_foreign_key" {
                "adds foreign key"
            } else {
                "adds check constraint"
            };
            report(
                RuleId::ConstraintNotValid,
                subject()
                    .maybe_table(
                        table_arg(1, "source_table").or_else(|| table_arg(1, "table_name")),
                    )
                    .maybe_target(call.str_arg(0, "constraint_name").map(str::to_string))
                    .detail(detail),
            );
        }
        "create_unique_constraint" => report(
            RuleId::AddUniqueConstraint,
            subject().maybe_table(table_arg(1, "table_name")),
        ),
        "create_primary_key" => report(
            RuleId::AddPrimaryKey,
            subject().maybe_table(table_arg(1, "table_name")),
        ),
        _ => {}
    }
}

/// The index name, unwrapping Alembic's naming-convention marker `op.f("ix_…")`.
fn index_name(call: &Call) -> Option<String> {
    match call.arg(0, "index_name")? {
        Expr::Str(s) => Some(s.value.clone()),
        Expr::Call(f) if f.name() == "f" => f.str_arg(0, "name").map(str::to_string),
        _ => None,
    }
}

/// The SQL string of an `execute`: a literal, or `text("…")`.
fn sql_argument(call: &Call) -> Option<StrValue> {
    let arg = call
        .arg(0, "sqltext")
        .or_else(|| call.arg(0, "statement"))?;
    let value = match arg {
        Expr::Str(s) if !s.formatted => s.clone(),
        Expr::Call(c) if c.name() == "text" => match c.arg(0, "text")? {
            Expr::Str(s) if !s.formatted => s.clone(),
            _ => return None,
        },
        _ => return None,
    };
    // `text()` reads `\:` as a literal colon.
    Some(StrValue {
        value: value.value.replace("\\:", ":"),
        ..value
    })
}

fn is_call_named(e: &Expr, name: &str) -> bool {
    e.as_call().is_some_and(|c| c.name() == name)
}

/// Whether `server_default` makes PostgreSQL rewrite the table, asked of squawk with the default
/// expression in an `ADD COLUMN`.
fn default_rewrites(default: &Expr, opts: &LintOptions) -> bool {
    let expr = match default {
        // A plain string is a constant literal.
        Expr::Str(s) => format!("'{}'", s.value.replace('\'', "''")),
        Expr::Call(c) if c.name() == "text" => match c.str_arg(0, "text") {
            Some(t) => t.to_string(),
            None => return false,
        },
        Expr::Call(c) if c.name() == "func" || c.func.contains("func.") => {
            format!("{}()", c.name())
        }
        _ => return false,
    };
    let sql = format!("ALTER TABLE t ADD COLUMN c text DEFAULT {expr};");
    let none = Created::default();
    let ctx = SqlContext {
        dialect: Dialect::Alembic,
        pg_version: opts.pg_version,
        in_transaction: true,
        created: &none,
    };
    SqlDoc::parse(&sql)
        .lint(&ctx, &LineMap::identity(&sql))
        .iter()
        .any(|v| v.rule == RuleId::AddColumnRewrite)
}

/// `varchar(n)` to a longer varchar or to text: PostgreSQL changes the catalog only.
fn is_widening(existing: Option<&Expr>, new: &Expr) -> bool {
    let Some(existing) = existing else {
        return false;
    };
    let (Some((old_kind, old_len)), Some((new_kind, new_len))) =
        (string_type(existing), string_type(new))
    else {
        return false;
    };
    match (old_kind, new_kind) {
        (StringType::Varchar, StringType::Text) => true,
        (StringType::Varchar, StringType::Varchar) => match (old_len, new_len) {
            (Some(o), Some(n)) => n >= o,
            (Some(_), None) => true,
            _ => false,
        },
        (StringType::Text, StringType::Text) => true,
        _ => false,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum StringType {
    Varchar,
    Text,
}

fn string_type(e: &Expr) -> Option<(StringType, Option<i64>)> {
    let (name, length) = match e {
        Expr::Name(n) => (n.rsplit('.').next().unwrap_or(n).to_string(), None),
        Expr::Call(c) => (
            c.name().to_string(),
            c.arg(0, "length").and_then(|a| match a {
                Expr::Num(n) => n.parse().ok(),
                _ => None,
            }),
        ),
        _ => return None,
    };
    let kind = match name.as_str() {
        "String" | "VARCHAR" | "Unicode" | "NVARCHAR" => StringType::Varchar,
        "Text" | "TEXT" | "UnicodeText" => StringType::Text,
        _ => return None,
    };
    Some((kind, length))
}

/// A type expression in readable form: `sa.BigInteger()`, `sa.String(length=50)`.
fn render(e: &Expr) -> String {
    match e {
        Expr::Name(n) => n.clone(),
        Expr::Num(n) => n.clone(),
        Expr::Str(s) => format!("{:?}", s.value),
        Expr::Call(c) => {
            let mut parts: Vec<String> = c.args.iter().map(render).collect();
            parts.extend(c.kwargs.iter().map(|(k, v)| format!("{k}={}", render(v))));
            format!("{}({})", c.func, parts.join(", "))
        }
        _ => "…".to_string(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn revision_info_reads_plain_and_annotated_assignments() {
        let info =
            revision_info("revision: str = 'b2'\ndown_revision: Union[str, None] = ('a1', 'a2')\n")
                .unwrap();
        assert_eq!(info.revision, "b2");
        assert_eq!(info.down_revisions, ["a1", "a2"]);
        assert_eq!(
            revision_info("revision = 'a1'\ndown_revision = None\n")
                .unwrap()
                .down_revisions,
            Vec::<String>::new()
        );
        assert!(revision_info("x = 1\n").is_none());
    }

    #[test]
    fn widening_a_varchar_is_not_a_type_change() {
        let parse = |s: &str| {
            let lexed = crate::migrations::python::lexer::lex(s);
            crate::migrations::python::expr::Parser::new(&lexed.tokens).expr()
        };
        assert!(is_widening(
            Some(&parse("sa.String(20)")),
            &parse("sa.String(length=50)")
        ));
        assert!(is_widening(
            Some(&parse("sa.VARCHAR(20)")),
            &parse("sa.Text()")
        ));
        assert!(!is_widening(
            Some(&parse("sa.String(50)")),
            &parse("sa.String(20)")
        ));
        assert!(!is_widening(
            Some(&parse("sa.Integer()")),
            &parse("sa.BigInteger()")
        ));
        assert!(!is_widening(None, &parse("sa.Text()")));
    }
}
