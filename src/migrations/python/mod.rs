//! A light, static reader of Python source: tokens, logical lines with their indentation,
//! and the calls in them. Migrations are read, never imported or executed — so reading a
//! repository cannot run its code, and needs no Python installed.
//!
//! It understands what migration files are made of (module-level assignments, `def` and
//! `with` blocks, calls with literal arguments) and treats everything else as opaque.

pub mod expr;
pub mod lexer;

use crate::migrations::ignore::Comment;
use expr::{Call, Expr, Parser};
use lexer::{TokKind, Token};

/// One logical line: the tokens up to a newline outside brackets.
#[derive(Debug)]
pub struct Line<'a> {
    pub tokens: Vec<Token<'a>>,
    /// Indentation of the line's first token.
    pub indent: u32,
    pub first_line: u32,
    pub last_line: u32,
}

impl<'a> Line<'a> {
    /// The line starts with the keyword or name `word`.
    pub fn starts_with(&self, word: &str) -> bool {
        self.tokens
            .first()
            .is_some_and(|t| t.kind == TokKind::Name && t.text == word)
    }

    /// `name = expr` or `name: annotation = expr`: the name and the value.
    pub fn assignment(&self) -> Option<(&'a str, Expr)> {
        let (name, eq) = self.assigns()?;
        let mut parser = Parser::new(&self.tokens[eq + 1..]);
        Some((name, parser.expr()))
    }

    /// The name an assignment line assigns, and the index of its `=`, without parsing the
    /// value.
    fn assigns(&self) -> Option<(&'a str, usize)> {
        let first = self.tokens.first()?;
        if first.kind != TokKind::Name {
            return None;
        }
        let eq = self
            .tokens
            .iter()
            .position(|t| t.kind == TokKind::Op && t.text == "=")?;
        let annotated = self
            .tokens
            .get(1)
            .is_some_and(|t| t.kind == TokKind::Op && t.text == ":");
        (eq == 1 || annotated).then_some((first.text, eq))
    }

    /// The outermost calls on the line, in order (`x = op.f(g())` gives `op.f`).
    pub fn calls(&self) -> Vec<Call> {
        let mut out = Vec::new();
        let mut parser = Parser::new(&self.tokens);
        while !parser.at_end() {
            let before = parser.pos();
            let is_name = self
                .tokens
                .get(before)
                .is_some_and(|t| t.kind == TokKind::Name);
            let after_dot = before > 0
                && self.tokens[before - 1].kind == TokKind::Op
                && self.tokens[before - 1].text == ".";
            if is_name
                && !after_dot
                && let Expr::Call(call) = parser.primary()
            {
                out.push(call);
            }
            if parser.pos() == before {
                parser.bump();
            }
        }
        out
    }
}

/// A Python file, tokenised and split into logical lines.
#[derive(Debug)]
pub struct Module<'a> {
    pub lines: Vec<Line<'a>>,
    pub comments: Vec<Comment>,
    /// Sorted file lines that hold code, for ignore comments to find their statement.
    pub code_lines: Vec<u32>,
    /// The first lexical error, with its line.
    pub error: Option<(u32, String)>,
}

impl<'a> Module<'a> {
    pub fn parse(src: &'a str) -> Self {
        let lexed = lexer::lex(src);
        let mut lines = Vec::new();
        let mut current: Vec<Token<'a>> = Vec::new();
        let mut code_lines: Vec<u32> = Vec::new();
        for token in lexed.tokens {
            if token.kind == TokKind::Newline {
                if let (Some(first), Some(last)) = (current.first(), current.last()) {
                    lines.push(Line {
                        indent: first.col,
                        first_line: first.line,
                        last_line: last.end_line,
                        tokens: std::mem::take(&mut current),
                    });
                }
                continue;
            }
            for l in token.line..=token.end_line {
                if code_lines.last().is_none_or(|last| *last < l) {
                    code_lines.push(l);
                }
            }
            current.push(token);
        }
        Module {
            lines,
            comments: lexed.comments,
            code_lines,
            error: lexed.error,
        }
    }

    /// The index just past the block opened by line `i` (the lines indented deeper than it).
    pub fn block_end(&self, i: usize) -> usize {
        let indent = self.lines[i].indent;
        let mut j = i + 1;
        while j < self.lines.len() && self.lines[j].indent > indent {
            j += 1;
        }
        j
    }

    /// The body of the module-level `def name(...)`: a range of line indices.
    pub fn function_body(&self, name: &str) -> Option<std::ops::Range<usize>> {
        let i = self.lines.iter().position(|l| {
            l.indent == 0 && l.starts_with("def") && l.tokens.get(1).is_some_and(|t| t.text == name)
        })?;
        Some(i + 1..self.block_end(i))
    }

    /// The value of the first assignment to `name` at any indentation. Only that value is
    /// parsed: a migration's other assignments can be long lists.
    pub fn assigned(&self, name: &str) -> Option<(u32, Expr)> {
        let line = self
            .lines
            .iter()
            .find(|l| l.assigns().is_some_and(|(n, _)| n == name))?;
        line.assignment().map(|(_, e)| (line.first_line, e))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    const SRC: &str = "\
from alembic import op

revision: str = 'abc'
down_revision = None


def upgrade() -> None:
    op.drop_column(
        'users', 'phone')
    with op.get_context().autocommit_block():
        op.create_index('i', 't', ['a'], postgresql_concurrently=True)


def downgrade():
    pass
";

    #[test]
    fn finds_assignments_functions_and_blocks() {
        let m = Module::parse(SRC);
        assert_eq!(m.assigned("revision").unwrap().1.as_str(), Some("abc"));
        assert!(m.assigned("down_revision").unwrap().1.is_name("None"));
        let body = m.function_body("upgrade").unwrap();
        assert_eq!(body.len(), 3);
        let drop = &m.lines[body.start];
        assert_eq!((drop.first_line, drop.last_line), (8, 9));
        assert_eq!(drop.calls()[0].func, "op.drop_column");
        let with = body.start + 1;
        assert_eq!(m.block_end(with), body.end);
        assert_eq!(
            m.lines[with].calls()[0].func,
            "op.get_context().autocommit_block"
        );
        assert_eq!(m.function_body("downgrade").unwrap().len(), 1);
    }

    #[test]
    fn code_lines_cover_multi_line_statements() {
        let m = Module::parse("x = f(\n  1,\n\n  2)\n# c\ny = 1\n");
        assert_eq!(m.code_lines, [1, 2, 4, 6]);
    }
}
