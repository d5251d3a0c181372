//! The Django reader: a migration's `operations` list, read statically.
//!
//! Some operations can only be judged against the model as earlier migrations left it
//! (`AlterField` to not-null or to another type, `AlterUniqueTogether` adding a set,
//! `RenameField` of a field that keeps its `db_column`). [`AppState`] replays an app's
//! migrations in order to know that; linting one file alone judges what it can without it.
//!
//! `SeparateDatabaseAndState` is the safe-removal idiom: only its `database_operations` touch
//! the database and are linted; its `state_operations` only move the model state.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::migrations::engine::LintOptions;
use crate::migrations::ignore::{self, Comment, Violation};
use crate::migrations::lines::LineMap;
use crate::migrations::python::Module;
use crate::migrations::python::expr::{Call, Expr};
use crate::migrations::python::lexer::StrValue;
use crate::migrations::rules::{Dialect, RuleId, Subject};
use crate::migrations::sql::{Created, SqlContext, SqlDoc};

/// One field as far as safety goes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Field {
    class: String,
    null: bool,
    max_length: Option<i64>,
    max_digits: Option<i64>,
    decimal_places: Option<i64>,
    db_index: bool,
    unique: bool,
    db_column: Option<String>,
}

impl Field {
    fn from_call(call: &Call) -> Field {
        let num = |name: &str| match call.kw(name) {
            Some(Expr::Num(n)) => n.parse().ok(),
            _ => None,
        };
        let class = call.name().to_string();
        let relation = is_relation(&class);
        Field {
            null: call.kw_true("null"),
            max_length: num("max_length"),
            max_digits: num("max_digits"),
            decimal_places: num("decimal_places"),
            // Django indexes foreign keys unless told not to.
            db_index: call.kw_true("db_index")
                || (relation && !call.kw("db_index").is_some_and(|e| e.is_name("False"))),
            unique: call.kw_true("unique")
                || call.kw_true("primary_key")
                || class == "OneToOneField",
            db_column: call
                .kw("db_column")
                .and_then(Expr::as_str)
                .map(str::to_string),
            class,
        }
    }

    fn is_many_to_many(&self) -> bool {
        self.class == "ManyToManyField"
    }
}

fn is_relation(class: &str) -> bool {
    matches!(class, "ForeignKey" | "OneToOneField" | "ParentalKey")
}

#[derive(Debug, Clone, Default)]
struct Model {
    fields: HashMap<String, Field>,
    unique_together: BTreeSet<Vec<String>>,
}

/// The models of one app as its migrations so far leave them.
#[derive(Debug, Clone, Default)]
pub struct AppState {
    models: HashMap<String, Model>,
}

/// One parsed migration.
pub struct Migration {
    /// Top-level operations, each with the lines it spans.
    ops: Vec<(Call, (u32, u32))>,
    atomic: bool,
    comments: Vec<Comment>,
    code_lines: Vec<u32>,
    error: Option<(u32, String)>,
}

impl Migration {
    pub fn parse(text: &str) -> Migration {
        let module = Module::parse(text);
        let ops = module
            .assigned("operations")
            .map(|(_, list)| {
                list.into_items()
                    .into_iter()
                    .filter_map(|e| match e {
                        Expr::Call(c) => Some(c),
                        _ => None,
                    })
                    .map(|c| {
                        let scope = (c.line, c.end_line);
                        (c, scope)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let atomic = !module
            .assigned("atomic")
            .is_some_and(|(_, e)| e.is_name("False"));
        Migration {
            ops,
            atomic,
            comments: module.comments,
            code_lines: module.code_lines,
            error: module.error,
        }
    }

    /// Lints against `state`, the app before this migration (empty when unknown).
    pub fn lint(&self, state: &AppState, opts: &LintOptions) -> Vec<Violation> {
        let mut out = Vec::new();
        if let Some((line, message)) = &self.error {
            out.push(Violation::new(
                RuleId::SyntaxError,
                *line,
                (*line, *line),
                Subject::new(Dialect::Django).detail(message.clone()),
            ));
        }
        let mut created_models: HashSet<String> = HashSet::new();
        let mut sql_created = Created::default();
        for (call, _) in &self.ops {
            for op in database_ops(call) {
                if op.name() == "CreateModel"
                    && let Some(name) = op.str_arg(0, "name")
                {
                    created_models.insert(name.to_lowercase());
                }
                for sql in run_sql_strings(op) {
                    sql_created.extend(&SqlDoc::parse(&sql.value).created());
                }
            }
        }
        for (call, scope) in &self.ops {
            for op in database_ops(call) {
                let mut found = Vec::new();
                self.check(op, state, &sql_created, opts, &mut found);
                for mut v in found {
                    v.scope = *scope;
                    let exempt = v.rule.info().existing_rows
                        && v.subject
                            .table
                            .as_ref()
                            .is_some_and(|m| created_models.contains(&m.to_lowercase()));
                    if !exempt {
                        out.push(v);
                    }
                }
            }
        }
        let (ignores, invalid) = ignore::read(&self.comments, &self.code_lines, Dialect::Django);
        let mut kept = ignores.apply(out);
        kept.extend(invalid);
        kept
    }

    fn check(
        &self,
        op: &Call,
        state: &AppState,
        sql_created: &Created,
        opts: &LintOptions,
        out: &mut Vec<Violation>,
    ) {
        let line = op.line;
        let s = || Subject::new(Dialect::Django);
        let mut report = |rule: RuleId, subject: Subject| {
            out.push(Violation::new(rule, line, (line, op.end_line), subject));
        };
        let model = op
            .str_arg(0, "model_name")
            .or_else(|| op.str_arg(0, "name"))
            .map(str::to_string);
        let previous = |field: &str| -> Option<&Field> {
            state
                .models
                .get(&model.as_deref()?.to_lowercase())?
                .fields
                .get(&field.to_lowercase())
        };
        match op.name() {
            "DeleteModel" => report(RuleId::DropTable, s().maybe_table(model)),
            "RenameModel" => report(
                RuleId::RenameTable,
                s().maybe_table(op.str_arg(0, "old_name").map(str::to_string))
                    .maybe_target(op.str_arg(1, "new_name").map(str::to_string)),
            ),
            "AlterModelTable" => report(
                RuleId::RenameTable,
                s().maybe_table(model)
                    .maybe_target(op.str_arg(1, "table").map(str::to_string)),
            ),
            "RemoveField" => report(
                RuleId::DropColumn,
                s().maybe_table(model)
                    .maybe_column(op.str_arg(1, "name").map(str::to_string)),
            ),
            "RenameField" => {
                let old = op.str_arg(1, "old_name");
                // A field with `db_column` keeps its column: the rename is Python-only.
                if old
                    .and_then(previous)
                    .is_some_and(|f| f.db_column.is_some())
                {
                    return;
                }
                report(
                    RuleId::RenameColumn,
                    s().maybe_table(model)
                        .maybe_column(old.map(str::to_string))
                        .maybe_target(op.str_arg(2, "new_name").map(str::to_string)),
                );
            }
            "AddField" => {
                let Some(field_call) = op.arg(2, "field").and_then(Expr::as_call) else {
                    return;
                };
                let field = Field::from_call(field_call);
                if field.is_many_to_many() {
                    return;
                }
                let base = s()
                    .maybe_table(model)
                    .maybe_column(op.str_arg(1, "name").map(str::to_string));
                if !field.null && field_call.kw("db_default").is_none() {
                    let subject = if field_call.kw("default").is_some() {
                        base.clone().detail("django-default")
                    } else {
                        base.clone()
                    };
                    report(RuleId::AddRequiredColumn, subject);
                }
                if is_relation(&field.class)
                    && !field_call
                        .kw("db_constraint")
                        .is_some_and(|e| e.is_name("False"))
                {
                    report(
                        RuleId::ConstraintNotValid,
                        base.clone().detail("adds foreign key"),
                    );
                }
                if field.unique {
                    report(RuleId::AddUniqueConstraint, base);
                } else if field.db_index {
                    report(RuleId::IndexNotConcurrent, base);
                }
            }
            "AlterField" => {
                let (Some(name), Some(field_call)) = (
                    op.str_arg(1, "name"),
                    op.arg(2, "field").and_then(Expr::as_call),
                ) else {
                    return;
                };
                let Some(before) = previous(name) else {
                    return;
                };
                let after = Field::from_call(field_call);
                let base = s().maybe_table(model).column(name);
                if before.null && !after.null {
                    report(RuleId::SetNotNull, base.clone());
                }
                if type_changes(before, &after) {
                    report(
                        RuleId::ChangeColumnType,
                        base.clone().target(describe(&after)),
                    );
                }
                if after.unique && !before.unique {
                    report(RuleId::AddUniqueConstraint, base);
                } else if after.db_index && !before.db_index && !after.unique {
                    report(RuleId::IndexNotConcurrent, base);
                }
            }
            "AlterUniqueTogether" => {
                let Some(model_name) = model else {
                    return;
                };
                let Some(before) = state.models.get(&model_name.to_lowercase()) else {
                    return;
                };
                let after = together(op.arg(1, "unique_together"));
                if after
                    .iter()
                    .any(|set| !before.unique_together.contains(set))
                {
                    report(RuleId::AddUniqueConstraint, s().table(model_name));
                }
            }
            "AddIndex" => {
                let index = op.arg(1, "index").and_then(Expr::as_call);
                report(
                    RuleId::IndexNotConcurrent,
                    s().maybe_table(model).maybe_target(
                        index
                            .and_then(|i| i.kw("name"))
                            .and_then(Expr::as_str)
                            .map(str::to_string),
                    ),
                );
            }
            "RemoveIndex" => report(
                RuleId::DropIndexNotConcurrent,
                s().maybe_table(model)
                    .maybe_target(op.str_arg(1, "name").map(str::to_string)),
            ),
            "AddIndexConcurrently" | "RemoveIndexConcurrently" if self.atomic => {
                report(
                    RuleId::ConcurrentInTransaction,
                    s().maybe_table(model).detail(op.name().to_string()),
                );
            }
            "AddConstraint" => {
                let Some(constraint) = op.arg(1, "constraint").and_then(Expr::as_call) else {
                    return;
                };
                let name = constraint
                    .kw("name")
                    .and_then(Expr::as_str)
                    .map(str::to_string);
                match constraint.name() {
                    "UniqueConstraint" => report(
                        RuleId::AddUniqueConstraint,
                        s().maybe_table(model).maybe_target(name),
                    ),
                    "CheckConstraint" => report(
                        RuleId::ConstraintNotValid,
                        s().maybe_table(model)
                            .maybe_target(name)
                            .detail("adds check constraint"),
                    ),
                    _ => {}
                }
            }
            "RunSQL" => {
                let ctx = SqlContext {
                    dialect: Dialect::Django,
                    pg_version: opts.pg_version,
                    in_transaction: self.atomic,
                    created: sql_created,
                };
                for sql in run_sql_strings(op) {
                    let map = LineMap::embedded(&sql.value, sql.file_lines.clone());
                    out.extend(SqlDoc::parse(&sql.value).lint(&ctx, &map));
                }
            }
            _ => {}
        }
    }

    /// Moves `state` past this migration.
    pub fn apply(&self, state: &mut AppState) {
        for (call, _) in &self.ops {
            for op in state_ops(call) {
                state.apply(op);
            }
        }
    }
}

impl AppState {
    fn apply(&mut self, op: &Call) {
        let model_key = op
            .str_arg(0, "model_name")
            .or_else(|| op.str_arg(0, "name"))
            .map(str::to_lowercase);
        match op.name() {
            "CreateModel" => {
                let Some(key) = model_key else { return };
                let mut model = Model::default();
                for item in op.arg(1, "fields").map(Expr::items).unwrap_or_default() {
                    let pair = item.items();
                    if let (Some(name), Some(Expr::Call(field))) =
                        (pair.first().and_then(Expr::as_str), pair.get(1))
                    {
                        model
                            .fields
                            .insert(name.to_lowercase(), Field::from_call(field));
                    }
                }
                if let Some(Expr::Dict(options)) = op.kw("options") {
                    for (k, v) in options {
                        if k.as_str() == Some("unique_together") {
                            model.unique_together = together(Some(v));
                        }
                    }
                }
                self.models.insert(key, model);
            }
            "DeleteModel" => {
                if let Some(key) = model_key {
                    self.models.remove(&key);
                }
            }
            "RenameModel" => {
                let (Some(old), Some(new)) = (op.str_arg(0, "old_name"), op.str_arg(1, "new_name"))
                else {
                    return;
                };
                if let Some(model) = self.models.remove(&old.to_lowercase()) {
                    self.models.insert(new.to_lowercase(), model);
                }
            }
            "AddField" | "AlterField" => {
                let (Some(key), Some(name), Some(Expr::Call(field))) =
                    (model_key, op.str_arg(1, "name"), op.arg(2, "field"))
                else {
                    return;
                };
                self.models
                    .entry(key)
                    .or_default()
                    .fields
                    .insert(name.to_lowercase(), Field::from_call(field));
            }
            "RemoveField" => {
                if let (Some(key), Some(name)) = (model_key, op.str_arg(1, "name"))
                    && let Some(model) = self.models.get_mut(&key)
                {
                    model.fields.remove(&name.to_lowercase());
                }
            }
            "RenameField" => {
                let (Some(key), Some(old), Some(new)) = (
                    model_key,
                    op.str_arg(1, "old_name"),
                    op.str_arg(2, "new_name"),
                ) else {
                    return;
                };
                if let Some(model) = self.models.get_mut(&key)
                    && let Some(field) = model.fields.remove(&old.to_lowercase())
                {
                    model.fields.insert(new.to_lowercase(), field);
                }
            }
            "AlterUniqueTogether" => {
                if let Some(key) = model_key {
                    self.models.entry(key).or_default().unique_together =
                        together(op.arg(1, "unique_together"));
                }
            }
            _ => {}
        }
    }
}

/// The operations that touch the database: the call itself, or the `database_operations` of a
/// `SeparateDatabaseAndState`.
fn database_ops(call: &Call) -> Vec<&Call> {
    nested_ops(call, "database_operations", 0)
}

/// The operations that move the model state.
fn state_ops(call: &Call) -> Vec<&Call> {
    nested_ops(call, "state_operations", 1)
}

fn nested_ops<'c>(call: &'c Call, keyword: &str, position: usize) -> Vec<&'c Call> {
    if call.name() != "SeparateDatabaseAndState" {
        return vec![call];
    }
    call.arg(position, keyword)
        .map(Expr::items)
        .unwrap_or_default()
        .iter()
        .filter_map(Expr::as_call)
        .flat_map(|c| nested_ops(c, keyword, position))
        .collect()
}

/// The SQL strings of a `RunSQL` (a string, or a list of strings and `(sql, params)` pairs).
fn run_sql_strings(op: &Call) -> Vec<&StrValue> {
    if op.name() != "RunSQL" {
        return Vec::new();
    }
    let Some(arg) = op.arg(0, "sql") else {
        return Vec::new();
    };
    fn one(e: &Expr) -> Option<&StrValue> {
        match e {
            Expr::Str(s) if !s.formatted => Some(s),
            _ => None,
        }
    }
    match arg {
        Expr::Str(_) => one(arg).into_iter().collect(),
        Expr::List(items) | Expr::Tuple(items) => items
            .iter()
            .filter_map(|i| match i {
                Expr::Tuple(pair) => pair.first().and_then(one),
                other => one(other),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// `unique_together` as a set of sorted field lists.
fn together(e: Option<&Expr>) -> BTreeSet<Vec<String>> {
    let Some(e) = e else {
        return BTreeSet::new();
    };
    let items = match e {
        Expr::List(_) | Expr::Tuple(_) => e.items().to_vec(),
        Expr::Dict(_) | Expr::Other | Expr::Name(_) | Expr::Num(_) | Expr::Call(_) => Vec::new(),
        Expr::Str(_) => vec![e.clone()],
    };
    // A single flat tuple of names is one set: `unique_together = ("a", "b")`.
    if items.iter().all(|i| i.as_str().is_some()) && !items.is_empty() {
        let mut set: Vec<String> = items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect();
        set.sort();
        return BTreeSet::from([set]);
    }
    items
        .iter()
        .map(|i| {
            let mut set: Vec<String> = i
                .items()
                .iter()
                .filter_map(|n| n.as_str().map(str::to_string))
                .collect();
            set.sort();
            set
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// Whether going from `before` to `after` changes the column type in a way PostgreSQL rewrites
/// or validates. Widening a varchar, or turning it into text, changes the catalog only.
fn type_changes(before: &Field, after: &Field) -> bool {
    let text_like = |c: &str| matches!(c, "CharField" | "SlugField" | "EmailField" | "URLField");
    if before.class == after.class {
        let shorter = matches!((before.max_length, after.max_length), (Some(b), Some(a)) if a < b)
            || (before.max_length.is_none()
                && after.max_length.is_some()
                && text_like(&after.class));
        // More digits at the same scale is the one numeric change without a rewrite.
        let numeric = before.decimal_places != after.decimal_places
            || matches!((before.max_digits, after.max_digits), (Some(b), Some(a)) if a < b);
        return shorter || numeric;
    }
    if text_like(&before.class) && after.class == "TextField" {
        return false;
    }
    if text_like(&before.class) && text_like(&after.class) {
        return matches!((before.max_length, after.max_length), (Some(b), Some(a)) if a < b);
    }
    if is_relation(&before.class) && is_relation(&after.class) {
        return false;
    }
    true
}

fn describe(field: &Field) -> String {
    match (field.max_length, field.max_digits, field.decimal_places) {
        (Some(n), _, _) => format!("{}(max_length={n})", field.class),
        (_, Some(d), Some(p)) => format!("{}(max_digits={d}, decimal_places={p})", field.class),
        _ => field.class.clone(),
    }
}

/// Lints an app's migrations in order, replaying the state between them. `files` are
/// `(text, lint_it)` pairs, already in order; returns the violations of each file.
pub fn lint_app(files: &[(&str, bool)], opts: &LintOptions) -> Vec<Vec<Violation>> {
    let mut state = AppState::default();
    let mut out = Vec::with_capacity(files.len());
    for (text, lint_it) in files {
        let migration = Migration::parse(text);
        out.push(if *lint_it {
            migration.lint(&state, opts)
        } else {
            Vec::new()
        });
        migration.apply(&mut state);
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn rules(violations: &[Violation]) -> Vec<(RuleId, u32)> {
        violations.iter().map(|v| (v.rule, v.line)).collect()
    }

    const INITIAL: &str = "\
from django.db import migrations, models

class Migration(migrations.Migration):
    initial = True
    operations = [
        migrations.CreateModel(
            name='Book',
            fields=[
                ('id', models.BigAutoField(primary_key=True)),
                ('title', models.CharField(max_length=100, null=True)),
                ('pages', models.IntegerField()),
                ('isbn', models.CharField(max_length=13, db_column='isbn_code')),
            ],
        ),
    ]
";

    #[test]
    fn alter_field_is_judged_against_the_earlier_migrations() {
        let second = "\
from django.db import migrations, models

class Migration(migrations.Migration):
    operations = [
        migrations.AlterField(model_name='book', name='title', field=models.CharField(max_length=200)),
        migrations.AlterField(model_name='book', name='pages', field=models.BigIntegerField()),
        migrations.RenameField(model_name='book', old_name='isbn', new_name='isbn13'),
    ]
";
        let out = lint_app(&[(INITIAL, false), (second, true)], &LintOptions::default());
        assert_eq!(
            rules(&out[1]),
            [(RuleId::SetNotNull, 5), (RuleId::ChangeColumnType, 6)]
        );
        // Alone, the same file cannot know what the fields were, nor that `isbn` keeps its
        // column through `db_column`.
        let alone = Migration::parse(second).lint(&AppState::default(), &LintOptions::default());
        assert_eq!(rules(&alone), [(RuleId::RenameColumn, 7)]);
    }

    #[test]
    fn state_only_removal_is_not_a_drop() {
        let safe = "\
class Migration(migrations.Migration):
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.RemoveField(model_name='book', name='pages')],
        ),
    ]
";
        assert!(
            Migration::parse(safe)
                .lint(&AppState::default(), &LintOptions::default())
                .is_empty()
        );
    }

    #[test]
    fn widening_a_char_field_is_not_a_type_change() {
        let before = Field::from_call(
            Migration::parse("operations = [f(models.CharField(max_length=10))]").ops[0]
                .0
                .args[0]
                .as_call()
                .unwrap(),
        );
        let mut after = before.clone();
        after.max_length = Some(20);
        assert!(!type_changes(&before, &after));
        after.max_length = Some(5);
        assert!(type_changes(&before, &after));
        after.class = "TextField".into();
        after.max_length = None;
        assert!(!type_changes(&before, &after));
    }
}
