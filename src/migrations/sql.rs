//! The SQL reader: squawk parses and lints, we map its findings onto our rules.
//!
//! squawk (the `squawk-linter` and `squawk-syntax` crates) does the parsing and most of the
//! judging. On top of it this reader adds what a migration tool's view needs:
//! - the names involved (table, column, new name or type), read from squawk's syntax tree, so
//!   a finding's message and fix name them;
//! - the exemption of objects created in the same migration (the table, its indexes, and a view
//!   that keeps a renamed table's old name), for the rules that protect existing rows;
//! - `CONCURRENTLY` inside a transaction, judged with the transaction the *tool* opens (Alembic
//!   and Django wrap each migration), not only explicit `BEGIN`;
//! - `new-service-ignore` comments (see [`crate::migrations::ignore`]).
//!
//! squawk's style rules (`prefer-*`, `ban-char-field`, …) are not enabled: they are not about
//! deploying without downtime.

use std::collections::HashSet;

use squawk_linter::{Linter, Rule as SquawkRule, Version, Violation as SquawkViolation};
use squawk_syntax::ast::{self, AstNode};
use squawk_syntax::{Parse, SyntaxKind, SyntaxNode};

use crate::migrations::ignore::{self, Comment, Violation};
use crate::migrations::lines::LineMap;
use crate::migrations::rules::{Dialect, RuleId, Subject};

/// The squawk rules we run, each with the rule of ours it reports as.
const SQUAWK_RULES: &[(SquawkRule, RuleId)] = &[
    (SquawkRule::BanDropColumn, RuleId::DropColumn),
    (SquawkRule::RenamingColumn, RuleId::RenameColumn),
    (SquawkRule::BanDropTable, RuleId::DropTable),
    (SquawkRule::RenamingTable, RuleId::RenameTable),
    (SquawkRule::ChangingColumnType, RuleId::ChangeColumnType),
    (SquawkRule::AddingNotNullableField, RuleId::SetNotNull),
    (SquawkRule::AddingRequiredField, RuleId::AddRequiredColumn),
    (SquawkRule::AddingFieldWithDefault, RuleId::AddColumnRewrite),
    (
        SquawkRule::RequireConcurrentIndexCreation,
        RuleId::IndexNotConcurrent,
    ),
    (
        SquawkRule::RequireConcurrentIndexDeletion,
        RuleId::DropIndexNotConcurrent,
    ),
    (
        SquawkRule::ConstraintMissingNotValid,
        RuleId::ConstraintNotValid,
    ),
    (
        SquawkRule::AddingForeignKeyConstraint,
        RuleId::ConstraintNotValid,
    ),
    (
        SquawkRule::DisallowedUniqueConstraint,
        RuleId::AddUniqueConstraint,
    ),
    (
        SquawkRule::AddingSerialPrimaryKeyField,
        RuleId::AddPrimaryKey,
    ),
    (
        SquawkRule::RequireConcurrentReindex,
        RuleId::ReindexNotConcurrent,
    ),
];

/// How the SQL will run.
#[derive(Debug, Clone, Copy)]
pub struct SqlContext<'a> {
    /// The file's reader, for the wording of fixes.
    pub dialect: Dialect,
    /// The oldest PostgreSQL major version the migrations run on.
    pub pg_version: u32,
    /// The tool runs this SQL inside a transaction it opened itself.
    pub in_transaction: bool,
    /// Objects created elsewhere in the same migration (e.g. by `op.create_table`).
    pub created: &'a Created,
}

/// Objects a migration creates: changes to them cannot break code that is already running.
#[derive(Debug, Clone, Default)]
pub struct Created {
    pub tables: HashSet<String>,
    pub indexes: HashSet<String>,
    pub views: HashSet<String>,
}

impl Created {
    pub fn extend(&mut self, other: &Created) {
        self.tables.extend(other.tables.iter().cloned());
        self.indexes.extend(other.indexes.iter().cloned());
        self.views.extend(other.views.iter().cloned());
    }
}

/// The first place the SQL cannot be read, by squawk's lexer and parser: the byte offset and
/// the message.
///
/// `Parse::errors` would answer from the tree already built, but it also runs squawk's
/// semantic validation and parses every function body again as PL/pgSQL: 277 M instructions
/// on lemmy's 686 SQL files, where lexing and parsing them a second time costs about 125 M
/// (the whole audit went from 1,252 to 1,100 M). Those extra errors leave the tree whole, so
/// the findings the rules make from it stand; a syntax finding warns of a statement the parser
/// could not read. `Parse` keeps its parser errors private, hence the second pass through
/// `squawk_parser`, with the same entry point and the same messages.
fn first_syntax_error(text: &str) -> Option<(usize, String)> {
    let lexed = squawk_parser::LexedStr::new(text);
    let output = squawk_parser::EntryPoint::SourceFile.parse(&lexed.to_input());
    let mut first: Option<(usize, String)> = None;
    lexed.intersperse_trivia(&output, &mut |step| {
        if let squawk_parser::StrStep::Error { msg, pos } = step
            && first.as_ref().is_none_or(|(at, _)| pos < *at)
        {
            first = Some((pos, msg.to_string()));
        }
    });
    for (range, msg) in lexed.errors() {
        let pos = range.start as usize;
        if first.as_ref().is_none_or(|(at, _)| pos < *at) {
            first = Some((pos, msg.to_string()));
        }
    }
    first
}

/// One piece of SQL, parsed once.
pub struct SqlDoc<'t> {
    text: &'t str,
    parse: Parse<squawk_syntax::SourceFile>,
}

impl<'t> SqlDoc<'t> {
    pub fn parse(text: &'t str) -> Self {
        SqlDoc {
            text,
            parse: squawk_syntax::SourceFile::parse(text),
        }
    }

    /// Tables, indexes and views this SQL creates.
    pub fn created(&self) -> Created {
        let mut created = Created::default();
        for stmt in self.parse.tree().stmts() {
            match stmt {
                ast::Stmt::CreateTable(t) => {
                    if let Some(name) = t.table_name() {
                        created.tables.insert(ident(name.syntax()));
                    }
                }
                ast::Stmt::CreateTableAs(t) => {
                    if let Some(name) = t.table_name() {
                        created.tables.insert(ident(name.syntax()));
                    }
                }
                ast::Stmt::CreateIndex(i) => {
                    if let Some(name) = i.index() {
                        created.indexes.insert(ident(name.syntax()));
                    }
                }
                ast::Stmt::CreateView(v) => {
                    if let Some(name) = v.view() {
                        created.views.insert(ident(name.syntax()));
                    }
                }
                _ => {}
            }
        }
        created
    }

    /// Lints the SQL. Lines in the result are file lines, through `map`.
    pub fn lint(&self, ctx: &SqlContext<'_>, map: &LineMap) -> Vec<Violation> {
        let root = self.parse.syntax_node();
        let mut created = self.created();
        created.extend(ctx.created);

        let mut linter = Linter::from(SQUAWK_RULES.iter().map(|(s, _)| *s));
        linter.settings.pg_version = pg_version(ctx.pg_version);
        linter.settings.assume_in_transaction = ctx.in_transaction;
        let squawk = linter.lint(&self.parse, self.text);

        let mut out: Vec<Violation> = Vec::new();
        for v in &squawk {
            if let Some(violation) = self.map_violation(&root, v, ctx, map, &created) {
                let duplicate = out
                    .iter()
                    .any(|o| o.rule == violation.rule && o.line == violation.line);
                if !duplicate {
                    out.push(violation);
                }
            }
        }
        self.concurrently_in_transaction(ctx, map, &mut out);
        if let Some((offset, message)) = first_syntax_error(self.text) {
            let line = map.file_line(offset);
            out.push(Violation::new(
                RuleId::SyntaxError,
                line,
                (line, line),
                Subject::new(ctx.dialect).detail(message),
            ));
        }

        let (comments, code_lines) = self.comments_and_code_lines(&root, map);
        let (ignores, invalid) = ignore::read(&comments, &code_lines, ctx.dialect);
        let mut kept = ignores.apply(out);
        kept.extend(invalid);
        kept
    }

    fn map_violation(
        &self,
        root: &SyntaxNode,
        v: &SquawkViolation,
        ctx: &SqlContext<'_>,
        map: &LineMap,
        created: &Created,
    ) -> Option<Violation> {
        let line = map.file_line(usize::from(v.text_range.start()));
        if v.code == SquawkRule::UnusedIgnore {
            return Some(Violation::new(
                RuleId::InvalidIgnore,
                line,
                (line, line),
                Subject::new(ctx.dialect).detail(format!("squawk-ignore names {}", v.message)),
            ));
        }
        let mut rule = SQUAWK_RULES.iter().find(|(s, _)| *s == v.code)?.1;
        let element = root.covering_element(v.text_range);
        let node = match element {
            squawk_syntax::SyntaxElement::Node(n) => n,
            squawk_syntax::SyntaxElement::Token(t) => t.parent()?,
        };
        let mut subject = Subject::new(ctx.dialect);
        if let Some(alter) = node.ancestors().find_map(ast::AlterTable::cast) {
            subject.table = alter.table_relation_name().map(|n| ident(n.syntax()));
        }
        match rule {
            RuleId::DropColumn => {
                let drop = node.ancestors().find_map(ast::DropColumn::cast);
                subject.column = drop
                    .and_then(|d| d.column_name_ref())
                    .map(|c| ident(c.syntax()));
            }
            RuleId::RenameColumn => {
                let rename = node.ancestors().find_map(ast::RenameColumn::cast);
                subject.column = rename
                    .as_ref()
                    .and_then(|r| r.column_name_ref())
                    .map(|c| ident(c.syntax()));
                subject.target = rename
                    .and_then(|r| r.column_name())
                    .map(|c| ident(c.syntax()));
            }
            RuleId::DropTable => {
                let drop = node.ancestors().find_map(ast::DropTable::cast)?;
                let names: Vec<String> =
                    drop.table_name_refs().map(|n| ident(n.syntax())).collect();
                if !names.is_empty() && names.iter().all(|n| created.tables.contains(n)) {
                    return None;
                }
                subject.table = Some(names.join(", "));
            }
            RuleId::RenameTable => {
                let rename = node.ancestors().find_map(ast::TableRenameTo::cast);
                subject.target = rename
                    .and_then(|r| r.table_name())
                    .map(|n| ident(n.syntax()));
                // `RENAME TO new` followed by `CREATE VIEW old AS SELECT * FROM new` is the safe
                // pattern: the old release keeps working through the view.
                if subject
                    .table
                    .as_ref()
                    .is_some_and(|t| created.views.contains(t))
                {
                    return None;
                }
            }
            RuleId::ChangeColumnType => {
                let alter = node.ancestors().find_map(ast::AlterColumn::cast);
                subject.column = alter
                    .and_then(|a| a.column_name_ref())
                    .map(|c| ident(c.syntax()));
                subject.target = node
                    .ancestors()
                    .find_map(ast::SetType::cast)
                    .and_then(|s| s.ty())
                    .map(|t| t.syntax().text().to_string());
            }
            RuleId::SetNotNull => {
                let alter = node.ancestors().find_map(ast::AlterColumn::cast);
                subject.column = alter
                    .and_then(|a| a.column_name_ref())
                    .map(|c| ident(c.syntax()));
            }
            RuleId::AddRequiredColumn | RuleId::AddColumnRewrite => {
                let add = node.ancestors().find_map(ast::AddColumn::cast);
                if rule == RuleId::AddColumnRewrite
                    && add
                        .as_ref()
                        .is_some_and(|a| wrapped_default_is_evaluated_once(a, ctx.pg_version))
                {
                    return None;
                }
                subject.column = add.and_then(|a| a.column_name()).map(|c| ident(c.syntax()));
            }
            RuleId::IndexNotConcurrent => {
                let create = node.ancestors().find_map(ast::CreateIndex::cast)?;
                subject.table = create.table_relation_name().map(|n| ident(n.syntax()));
                subject.target = create.index().map(|n| ident(n.syntax()));
            }
            RuleId::DropIndexNotConcurrent => {
                let drop = node.ancestors().find_map(ast::DropIndex::cast)?;
                let names: Vec<String> = drop.index_refs().map(|n| ident(n.syntax())).collect();
                if !names.is_empty() && names.iter().all(|n| created.indexes.contains(n)) {
                    return None;
                }
                subject.target = Some(names.join(", "));
            }
            RuleId::ConstraintNotValid => {
                if node
                    .ancestors()
                    .find_map(ast::ValidateConstraint::cast)
                    .is_some()
                {
                    subject.detail =
                        Some("validates a NOT VALID constraint in the same transaction".into());
                } else {
                    let constraint =
                        node.ancestors()
                            .find_map(ast::Constraint::cast)
                            .or_else(|| {
                                node.ancestors()
                                    .find_map(ast::AddConstraint::cast)
                                    .and_then(|a| a.constraint())
                            });
                    match constraint {
                        Some(ast::Constraint::UniqueConstraint(_)) => {
                            rule = RuleId::AddUniqueConstraint;
                        }
                        Some(ast::Constraint::PrimaryKeyConstraint(_)) => {
                            rule = RuleId::AddPrimaryKey;
                        }
                        Some(
                            ast::Constraint::ForeignKeyConstraint(_)
                            | ast::Constraint::ReferencesConstraint(_),
                        ) => subject.detail = Some("adds foreign key".into()),
                        Some(ast::Constraint::CheckConstraint(_)) => {
                            subject.detail = Some("adds check constraint".into());
                        }
                        _ => {}
                    }
                    subject.target = node
                        .ancestors()
                        .find_map(ast::AddConstraint::cast)
                        .and_then(|a| a.constraint())
                        .and_then(|c| constraint_name(c.syntax()));
                }
            }
            _ => {}
        }
        if rule.info().existing_rows
            && subject
                .table
                .as_ref()
                .is_some_and(|t| created.tables.contains(t))
        {
            return None;
        }
        let scope = statement_scope(&node, map)?;
        Some(Violation::new(rule, line, scope, subject))
    }

    /// `CONCURRENTLY` cannot run inside a transaction block. squawk only sees explicit `BEGIN`
    /// in multi-statement files; here the tool's own transaction counts too.
    fn concurrently_in_transaction(
        &self,
        ctx: &SqlContext<'_>,
        map: &LineMap,
        out: &mut Vec<Violation>,
    ) {
        let mut in_tx = ctx.in_transaction;
        for stmt in self.parse.tree().stmts() {
            let what = match &stmt {
                ast::Stmt::Begin(_) => {
                    in_tx = true;
                    continue;
                }
                ast::Stmt::Commit(_) | ast::Stmt::Rollback(_) => {
                    in_tx = false;
                    continue;
                }
                ast::Stmt::CreateIndex(c) if c.concurrently_token().is_some() => {
                    "CREATE INDEX CONCURRENTLY"
                }
                ast::Stmt::DropIndex(d) if d.concurrently_token().is_some() => {
                    "DROP INDEX CONCURRENTLY"
                }
                ast::Stmt::Reindex(r) if has_token(r.syntax(), SyntaxKind::CONCURRENTLY_KW) => {
                    "REINDEX CONCURRENTLY"
                }
                _ => continue,
            };
            if !in_tx {
                continue;
            }
            let Some(scope) = statement_scope(stmt.syntax(), map) else {
                continue;
            };
            out.push(Violation::new(
                RuleId::ConcurrentInTransaction,
                scope.0,
                scope,
                Subject::new(ctx.dialect).detail(what),
            ));
        }
    }

    /// The comments, and the lines that hold code, in file order.
    ///
    /// Read off the green tree, whose tokens are the text in order: a cursor walk
    /// (`descendants_with_tokens`) allocates a handle per node, and on lemmy's 342 migrations
    /// cost 74 M more instructions (of 1,318 M for the whole audit).
    fn comments_and_code_lines(
        &self,
        root: &SyntaxNode,
        map: &LineMap,
    ) -> (Vec<Comment>, Vec<u32>) {
        let whitespace = rowan::SyntaxKind(SyntaxKind::WHITESPACE.into());
        let comment = rowan::SyntaxKind(SyntaxKind::COMMENT.into());
        let mut comments = Vec::new();
        let mut code_lines: Vec<u32> = Vec::new();
        let green = root.green();
        let mut stack = vec![green.children()];
        let mut offset = 0usize;
        while let Some(children) = stack.last_mut() {
            let Some(child) = children.next() else {
                stack.pop();
                continue;
            };
            let token = match child {
                rowan::NodeOrToken::Node(node) => {
                    stack.push(node.children());
                    continue;
                }
                rowan::NodeOrToken::Token(token) => token,
            };
            let start = offset;
            let text = token.text();
            offset += text.len();
            let kind = token.kind();
            if kind == whitespace {
                continue;
            }
            let line = map.file_line(start);
            if kind == comment {
                let body = text
                    .strip_prefix("--")
                    .or_else(|| text.strip_prefix("/*").map(|t| t.trim_end_matches("*/")))
                    .unwrap_or(text);
                comments.push(Comment {
                    line,
                    trailing: code_lines.last() == Some(&line),
                    body: body.to_string(),
                });
            } else if code_lines.last() != Some(&line) {
                code_lines.push(line);
            }
        }
        (comments, code_lines)
    }
}

/// The squawk version setting for a PostgreSQL major version.
/// Whether a column's default, written in parentheses or with a sign (`DEFAULT (1)`,
/// `DEFAULT (now())`, `DEFAULT -1`), is one PostgreSQL 11+ evaluates once and stores in the
/// catalog, as it does the same default written bare: squawk judges the bare forms only.
fn wrapped_default_is_evaluated_once(add: &ast::AddColumn, pg_version: u32) -> bool {
    if pg_version < 11 {
        return false;
    }
    let mut default = None;
    for constraint in add.constraints() {
        match constraint {
            // A stored generated column is computed row by row whatever its default.
            ast::Constraint::GeneratedConstraint(_) => return false,
            ast::Constraint::DefaultConstraint(d) => default = d.expr(),
            _ => {}
        }
    }
    let Some(mut expr) = default else {
        return false;
    };
    let mut unwrapped = false;
    loop {
        let inner = match &expr {
            ast::Expr::ParenExpr(p) => p.expr(),
            ast::Expr::PrefixExpr(p)
                if p.syntax()
                    .first_token()
                    .is_some_and(|t| matches!(t.text(), "-" | "+")) =>
            {
                p.expr()
            }
            _ => None,
        };
        match inner {
            Some(e) => {
                expr = e;
                unwrapped = true;
            }
            None => break,
        }
    }
    if !unwrapped {
        return false;
    }
    let ty = add
        .ty()
        .map_or_else(|| "text".to_string(), |t| t.syntax().text().to_string());
    let sql = format!(
        "ALTER TABLE t ADD COLUMN c {ty} DEFAULT {};",
        expr.syntax().text()
    );
    let parse = squawk_syntax::SourceFile::parse(&sql);
    let mut linter = Linter::from([SquawkRule::AddingFieldWithDefault]);
    linter.settings.pg_version = self::pg_version(pg_version);
    linter.lint(&parse, &sql).is_empty()
}

fn pg_version(major: u32) -> Version {
    format!("{major}.0").parse().unwrap_or_default()
}

fn has_token(node: &SyntaxNode, kind: SyntaxKind) -> bool {
    node.descendants_with_tokens()
        .filter_map(|e| e.into_token())
        .any(|t| t.kind() == kind)
}

/// The first and last file line of the top-level statement holding `node`.
fn statement_scope(node: &SyntaxNode, map: &LineMap) -> Option<(u32, u32)> {
    let stmt = node.ancestors().find(|n| {
        n.parent()
            .is_some_and(|p| p.kind() == SyntaxKind::SOURCE_FILE)
    })?;
    let start = stmt
        .descendants_with_tokens()
        .filter_map(|e| e.into_token())
        .find(|t| !t.kind().is_trivia())
        .map_or_else(|| stmt.text_range().start(), |t| t.text_range().start());
    let end = usize::from(stmt.text_range().end()).saturating_sub(1);
    Some((map.file_line(usize::from(start)), map.file_line(end)))
}

/// The constraint's own name, from `CONSTRAINT name …`.
fn constraint_name(node: &SyntaxNode) -> Option<String> {
    let mut tokens = node
        .descendants_with_tokens()
        .filter_map(|e| e.into_token())
        .filter(|t| !t.kind().is_trivia());
    let first = tokens.next()?;
    if first.kind() != SyntaxKind::CONSTRAINT_KW {
        return None;
    }
    tokens.next().map(|t| normalize_ident(t.text()))
}

/// A name as PostgreSQL folds it: the last part of a qualified name, unquoted, or lower-cased.
pub fn ident(node: &SyntaxNode) -> String {
    let text = node.text().to_string();
    normalize_ident(text.trim())
}

/// `public."Users"` → `Users`, `Public.USERS` → `users`.
pub fn normalize_ident(raw: &str) -> String {
    split_qualified(raw)
        .and_then(|mut parts| parts.pop())
        .unwrap_or_else(|| raw.trim().to_lowercase())
}

/// Splits a qualified name (`schema."Table".column`) into its parts as PostgreSQL reads them:
/// unquoted parts fold to lower case, quoted ones keep theirs (`""` is a quote inside).
/// `None` when a part is empty or a quote is left open.
pub fn split_qualified(raw: &str) -> Option<Vec<String>> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut was_quoted = false;
    let mut chars = raw.trim().chars().peekable();
    let finish = |current: &mut String, was_quoted: &mut bool| -> Option<String> {
        let part = std::mem::take(current);
        let quoted = std::mem::take(was_quoted);
        match (part.is_empty(), quoted) {
            (true, _) => None,
            (false, true) => Some(part),
            (false, false) => Some(part.to_lowercase()),
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                current.push('"');
                chars.next();
            }
            '"' => {
                quoted = !quoted;
                was_quoted = true;
            }
            '.' if !quoted => parts.push(finish(&mut current, &mut was_quoted)?),
            c if c.is_whitespace() && !quoted => {}
            c => current.push(c),
        }
    }
    if quoted {
        return None;
    }
    parts.push(finish(&mut current, &mut was_quoted)?);
    Some(parts)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn lint(sql: &str) -> Vec<(RuleId, u32, Subject)> {
        let created = Created::default();
        let ctx = SqlContext {
            dialect: Dialect::Sql,
            pg_version: 14,
            in_transaction: false,
            created: &created,
        };
        let mut v: Vec<_> = SqlDoc::parse(sql)
            .lint(&ctx, &LineMap::identity(sql))
            .into_iter()
            .map(|v| (v.rule, v.line, v.subject))
            .collect();
        v.sort_by_key(|(r, l, _)| (*l, *r));
        v
    }

    /// What the parser cannot read is reported at its line, with the parser's message; what
    /// only squawk's validation objects to (a bind parameter, a PL/pgSQL body it would
    /// re-parse) is not a syntax finding, since the tree the rules read is whole.
    #[test]
    fn syntax_errors_are_the_parsers_not_the_validations() {
        let found = lint("CREATE TABLE t (id bigint);\nALTER TABLE t ADD COLUMN;\n");
        let errors: Vec<_> = found
            .iter()
            .filter(|(r, _, _)| *r == RuleId::SyntaxError)
            .collect();
        assert_eq!(errors.len(), 1, "{found:?}");
        assert_eq!(errors[0].1, 2);
        assert!(errors[0].2.detail.as_deref().is_some_and(|d| !d.is_empty()));

        let bind = "SELECT id FROM widgets WHERE dashboard_id = :dashboard_id;\n";
        assert!(
            !SqlDoc::parse(bind).parse.errors().is_empty(),
            "squawk's validation objects to a bind parameter"
        );
        assert!(lint(bind).is_empty(), "{:?}", lint(bind));
        assert_eq!(first_syntax_error("SELECT 1;\n"), None);
        // Where validation has nothing to add, the answer is `Parse::errors`'s first.
        for sql in [
            "SELECT 1;\nSELECT 'open;\n",
            "CREATE TABLE t (id bigint);\nALTER TABLE t ADD COLUMN;\n",
            "ALTER TABLE t DROP COLUMN a b c;\n",
            "CREATE INDEX ON;\n",
        ] {
            let errors = SqlDoc::parse(sql).parse.errors();
            let first = errors.first().expect("a syntax error");
            assert_eq!(
                first_syntax_error(sql),
                Some((
                    usize::from(first.range().start()),
                    first.message().to_string()
                )),
                "{sql}"
            );
        }
    }

    #[test]
    fn names_come_from_the_syntax_tree() {
        let found = lint("ALTER TABLE public.\"Users\" RENAME COLUMN Phone TO phone_number;");
        assert_eq!(found.len(), 1);
        let (rule, line, subject) = &found[0];
        assert_eq!((*rule, *line), (RuleId::RenameColumn, 1));
        assert_eq!(subject.table.as_deref(), Some("Users"));
        assert_eq!(subject.column.as_deref(), Some("phone"));
        assert_eq!(subject.target.as_deref(), Some("phone_number"));
    }

    #[test]
    fn a_table_created_in_the_same_file_is_exempt() {
        let sql = "CREATE TABLE t (id bigint, a text);\nALTER TABLE t DROP COLUMN a;\nCREATE INDEX t_a ON t (a);\nALTER TABLE u DROP COLUMN a;\n";
        let found = lint(sql);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].0, found[0].1), (RuleId::DropColumn, 4));
    }

    #[test]
    fn a_rename_that_leaves_a_view_behind_is_safe() {
        assert!(
            lint("ALTER TABLE users RENAME TO accounts;\nCREATE VIEW users AS SELECT * FROM accounts;")
                .is_empty()
        );
        assert_eq!(lint("ALTER TABLE users RENAME TO accounts;").len(), 1);
    }

    #[test]
    fn unique_and_foreign_key_constraints_are_reported_once_under_their_own_rule() {
        let found = lint(
            "ALTER TABLE u ADD CONSTRAINT u_email_key UNIQUE (email);\nALTER TABLE o ADD CONSTRAINT o_fk FOREIGN KEY (u) REFERENCES u (id);",
        );
        let rules: Vec<_> = found.iter().map(|(r, l, _)| (*r, *l)).collect();
        assert_eq!(
            rules,
            [
                (RuleId::AddUniqueConstraint, 1),
                (RuleId::ConstraintNotValid, 2)
            ]
        );
        assert_eq!(found[1].2.target.as_deref(), Some("o_fk"));
    }

    #[test]
    fn concurrently_inside_an_explicit_transaction_is_refused() {
        let found = lint("BEGIN;\nCREATE INDEX CONCURRENTLY i ON t (a);\nCOMMIT;");
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].0, found[0].1),
            (RuleId::ConcurrentInTransaction, 2)
        );
        assert!(lint("CREATE INDEX CONCURRENTLY i ON t (a);").is_empty());
    }

    #[test]
    fn identifiers_fold_like_postgres() {
        assert_eq!(normalize_ident("Public.USERS"), "users");
        assert_eq!(normalize_ident("\"My \"\"T\"\"\""), "My \"T\"");
        assert_eq!(normalize_ident("s.\"Mixed\""), "Mixed");
    }
}
