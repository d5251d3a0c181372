//! The I/O-free entry points: file contents in, findings out.
//!
//! The audit check `db.migrations-safe` reads each file once through its repository view and
//! hands the contents here; `migrations lint` does the same after walking the disk. Nothing in
//! this module touches the file system.

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::migrations::finding::{Finding, LintReport};
use crate::migrations::ignore::Violation;
use crate::migrations::kind::{MigrationKind, is_migration_path};
use crate::migrations::lines::LineMap;
use crate::migrations::rules::{Dialect, RuleId};
use crate::migrations::sql::{Created, SqlContext, SqlDoc};
use crate::migrations::{alembic, django};

/// The PostgreSQL major version assumed when none is given: the oldest one still supported
/// upstream when this was written.
pub const DEFAULT_PG_VERSION: u32 = 14;

/// How to judge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LintOptions {
    /// The oldest PostgreSQL major version the migrations run on (`--pg-version`).
    pub pg_version: u32,
}

impl Default for LintOptions {
    fn default() -> Self {
        LintOptions {
            pg_version: DEFAULT_PG_VERSION,
        }
    }
}

/// One migration file's contents.
#[derive(Debug, Clone, Copy)]
pub struct SourceFile<'a> {
    /// `/`-separated path, used in findings and to group Django migrations by app.
    pub path: &'a str,
    pub kind: MigrationKind,
    pub text: &'a str,
    /// Read for context only (an earlier Django migration of the same app), not reported.
    pub context_only: bool,
}

impl<'a> SourceFile<'a> {
    pub fn new(path: &'a str, kind: MigrationKind, text: &'a str) -> Self {
        SourceFile {
            path,
            kind,
            text,
            context_only: false,
        }
    }
}

/// Lints one file on its own.
///
/// A Django `AlterField` or `AlterUniqueTogether` needs the app's earlier migrations to be
/// judged; give all of them to [`lint_sources`] for that.
pub fn lint_source(
    rel_path: &str,
    kind: MigrationKind,
    text: &str,
    opts: &LintOptions,
) -> Vec<Finding> {
    lint_sources(&[SourceFile::new(rel_path, kind, text)], opts)
}

/// Lints a set of files: each Django app's migrations are replayed in order, so changes are
/// judged against what the earlier migrations built. Findings come sorted by path and line.
pub fn lint_sources(files: &[SourceFile<'_>], opts: &LintOptions) -> Vec<Finding> {
    // Units that lint independently: each SQL or Alembic file, and each Django app (whose
    // migrations are read in order, as the app's state evolves). They run in parallel.
    let mut apps: BTreeMap<&str, Vec<&SourceFile<'_>>> = BTreeMap::new();
    let mut singles: Vec<&SourceFile<'_>> = Vec::new();
    for file in files {
        match file.kind {
            MigrationKind::Django => {
                let dir = file.path.rsplit_once('/').map_or("", |(d, _)| d);
                apps.entry(dir).or_default().push(file);
            }
            _ if file.context_only => {}
            MigrationKind::Sql | MigrationKind::Alembic => singles.push(file),
        }
    }
    let single_findings = singles.into_par_iter().flat_map_iter(|file| {
        let violations = match file.kind {
            MigrationKind::Alembic => alembic::lint(file.text, opts),
            _ => lint_sql(file.text, opts),
        };
        let mut out = Vec::new();
        push(&mut out, file.path, violations);
        out
    });
    let apps: Vec<Vec<&SourceFile<'_>>> = apps.into_values().collect();
    let app_findings = apps.into_par_iter().flat_map_iter(|mut app| {
        app.sort_by_cached_key(|f| migration_order(f.path));
        let inputs: Vec<(&str, bool)> = app.iter().map(|f| (f.text, !f.context_only)).collect();
        let mut out = Vec::new();
        for (file, mut violations) in app.iter().zip(django::lint_app(&inputs, opts)) {
            // Django names a model's table `<app label>_<model>`; plans need the table.
            let label = app_label(file.path);
            for v in &mut violations {
                if let (Some(label), Some(model)) = (label, &v.subject.table) {
                    v.subject.db_table = Some(format!("{label}_{}", model.to_lowercase()));
                }
            }
            push(&mut out, file.path, violations);
        }
        out
    });
    let mut findings: Vec<Finding> = single_findings.chain(app_findings).collect();
    findings.sort_by(|a, b| (&a.path, a.line, a.rule).cmp(&(&b.path, b.line, b.rule)));
    findings
}

/// Lints whatever migrations are among `files` (`(relative path, contents)` pairs, e.g. every
/// file of a repository already read once): paths are classified by [`is_migration_path`],
/// contents confirmed by [`is_migration_source`], the rest ignored. `files_checked` counts the
/// migrations found, so zero means the repository has none.
///
/// [`is_migration_path`]: crate::migrations::is_migration_path
pub fn lint_files<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
    opts: &LintOptions,
) -> LintReport {
    let sources: Vec<SourceFile<'a>> = files
        .into_iter()
        .filter_map(|(path, text)| {
            let kind = is_migration_path(path)?;
            is_migration_source(kind, text).then(|| SourceFile::new(path, kind, text))
        })
        .collect();
    LintReport {
        findings: lint_sources(&sources, opts),
        files_checked: sources.len(),
        not_judged: Vec::new(),
    }
}

/// Whether the contents confirm what the path suggested: a `.py` under `versions/` that defines
/// no `upgrade()` is not an Alembic revision, a `.py` in `migrations/` without `operations` is
/// not a Django migration.
pub fn is_migration_source(kind: MigrationKind, text: &str) -> bool {
    match kind {
        MigrationKind::Sql => true,
        MigrationKind::Alembic => text.contains("def upgrade"),
        MigrationKind::Django => text.contains("operations"),
    }
}

/// The part of a SQL migration that runs on the way up: dbmate (`-- migrate:down`) and goose
/// (`-- +goose Down`) keep the rollback in the same file, after a marker; undoing is not linted.
fn up_part(text: &str) -> &str {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let marker = line.trim().to_ascii_lowercase();
        if marker.starts_with("-- migrate:down") || marker.starts_with("-- +goose down") {
            return &text[..offset];
        }
        offset += line.len();
    }
    text
}

fn lint_sql(text: &str, opts: &LintOptions) -> Vec<Violation> {
    let text = up_part(text);
    let created = Created::default();
    let ctx = SqlContext {
        dialect: Dialect::Sql,
        pg_version: opts.pg_version,
        in_transaction: false,
        created: &created,
    };
    SqlDoc::parse(text).lint(&ctx, &LineMap::identity(text))
}

fn push(findings: &mut Vec<Finding>, path: &str, mut violations: Vec<Violation>) {
    // One unreadable spot is enough to say: an unterminated Python string also breaks the SQL
    // inside it, which would only repeat the news.
    if let Some(first) = violations
        .iter()
        .filter(|v| v.rule == RuleId::SyntaxError)
        .map(|v| v.line)
        .min()
    {
        violations.retain(|v| v.rule != RuleId::SyntaxError || v.line == first);
        violations.dedup_by(|a, b| a.rule == RuleId::SyntaxError && b.rule == RuleId::SyntaxError);
    }
    findings.extend(violations.into_iter().map(|v| {
        let rule = v.rule.rule();
        let info = rule.info();
        Finding {
            path: path.to_string(),
            line: v.line,
            rule: info.id,
            severity: info.severity,
            message: rule.message(&v.subject),
            fix: rule.fix(&v.subject),
        }
    }));
}

/// The app label of `<app>/migrations/NNNN_x.py`: the folder above `migrations`.
fn app_label(path: &str) -> Option<&str> {
    let mut parts = path.rsplit('/');
    parts.next()?;
    if parts.next()? != "migrations" {
        return None;
    }
    parts.next().filter(|p| !p.is_empty() && *p != ".")
}

/// Django applies an app's migrations by their dependencies, which follow the number in the
/// name; `0010_x` sorts after `0009_y`.
fn migration_order(path: &str) -> (u64, String) {
    let name = path.rsplit('/').next().unwrap_or(path);
    let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
    (digits.parse().unwrap_or(u64::MAX), name.to_string())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn django_migrations_are_replayed_in_numeric_order_per_app() {
        let initial = "operations = [migrations.CreateModel(name='A', fields=[('x', models.IntegerField(null=True))])]\n";
        let alter = "operations = [migrations.AlterField(model_name='a', name='x', field=models.IntegerField())]\n";
        let files = [
            SourceFile::new(
                "shop/migrations/0010_alter.py",
                MigrationKind::Django,
                alter,
            ),
            SourceFile::new(
                "shop/migrations/0009_initial.py",
                MigrationKind::Django,
                initial,
            ),
            SourceFile::new(
                "blog/migrations/0002_alter.py",
                MigrationKind::Django,
                alter,
            ),
        ];
        let findings = lint_sources(&files, &LintOptions::default());
        let found: Vec<_> = findings.iter().map(|f| (f.path.as_str(), f.rule)).collect();
        // blog has no history for model `a`, so its AlterField cannot be judged.
        assert_eq!(found, [("shop/migrations/0010_alter.py", "set-not-null")]);
    }

    #[test]
    fn the_rollback_half_of_dbmate_and_goose_files_is_not_linted() {
        for (up, down) in [
            ("-- migrate:up", "-- migrate:down"),
            ("-- +goose Up", "-- +goose Down"),
        ] {
            let text = format!(
                "{up}\nALTER TABLE t ADD COLUMN c text;\n\n{down}\nALTER TABLE t DROP COLUMN c;\n"
            );
            let findings = lint_source(
                "db/migrations/1_c.sql",
                MigrationKind::Sql,
                &text,
                &LintOptions::default(),
            );
            assert!(findings.is_empty(), "{up}: {findings:?}");
        }
        let unsafe_up = "-- migrate:up\nALTER TABLE t DROP COLUMN c;\n-- migrate:down\n";
        let findings = lint_source(
            "1.sql",
            MigrationKind::Sql,
            unsafe_up,
            &LintOptions::default(),
        );
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].line, 2);
    }

    #[test]
    fn lint_files_picks_the_migrations_out_of_a_whole_repository() {
        let files = [
            ("README.md", "ALTER TABLE t DROP COLUMN c;"),
            ("db/schema.sql", "DROP TABLE t;"),
            ("db/migrations/V2__drop.sql", "ALTER TABLE t DROP COLUMN c;"),
            ("api/versions/v1.py", "ROUTES = []\n"),
            ("shop/migrations/0001_initial.py", "operations = []\n"),
        ];
        let report = lint_files(files, &LintOptions::default());
        assert_eq!(
            report.files_checked, 2,
            "the Flyway script and the Django migration"
        );
        let found: Vec<_> = report
            .findings
            .iter()
            .map(|f| (f.path.as_str(), f.rule))
            .collect();
        assert_eq!(found, [("db/migrations/V2__drop.sql", "drop-column")]);
        assert_eq!(
            lint_files([("src/main.rs", "fn main() {}")], &LintOptions::default()).files_checked,
            0
        );
    }

    #[test]
    fn context_only_files_inform_but_are_not_reported() {
        let drop = "ALTER TABLE t DROP COLUMN c;";
        let mut file = SourceFile::new("m/1.sql", MigrationKind::Sql, drop);
        assert_eq!(lint_sources(&[file], &LintOptions::default()).len(), 1);
        file.context_only = true;
        assert!(lint_sources(&[file], &LintOptions::default()).is_empty());
    }
}
