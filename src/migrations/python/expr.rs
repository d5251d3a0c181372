//! Python expressions, as far as migrations need them: calls with their positional and keyword
//! arguments, literals, dotted names, lists, tuples and dicts. Anything else (arithmetic,
//! lambdas, comprehensions) becomes [`Expr::Other`] and is skipped whole, so an unexpected
//! construct never derails the calls around it.

use super::lexer::{StrValue, TokKind, Token, decode};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    Str(StrValue),
    Num(String),
    /// A name or dotted name: `None`, `sa.Integer`, `models.CASCADE`.
    Name(String),
    Call(Call),
    List(Vec<Expr>),
    Tuple(Vec<Expr>),
    Dict(Vec<(Expr, Expr)>),
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The callee as written without spaces: `op.add_column`, `op.get_context().autocommit_block`.
    pub func: String,
    pub args: Vec<Expr>,
    pub kwargs: Vec<(String, Expr)>,
    pub line: u32,
    pub end_line: u32,
}

impl Call {
    /// The last part of the callee: `add_column`, `CharField`.
    pub fn name(&self) -> &str {
        self.func.rsplit('.').next().unwrap_or(&self.func)
    }

    pub fn kw(&self, name: &str) -> Option<&Expr> {
        self.kwargs.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// Positional argument `index`, or the keyword argument `name`.
    pub fn arg(&self, index: usize, name: &str) -> Option<&Expr> {
        self.args.get(index).or_else(|| self.kw(name))
    }

    /// The string value of an argument, if it is a plain literal.
    pub fn str_arg(&self, index: usize, name: &str) -> Option<&str> {
        self.arg(index, name).and_then(Expr::as_str)
    }

    /// The keyword is given as the literal `True`.
    pub fn kw_true(&self, name: &str) -> bool {
        self.kw(name).is_some_and(|e| e.is_name("True"))
    }

    /// Every call in the arguments, depth first, this one included.
    pub fn walk<'c>(&'c self, out: &mut Vec<&'c Call>) {
        out.push(self);
        for e in self.args.iter().chain(self.kwargs.iter().map(|(_, e)| e)) {
            e.walk_calls(out);
        }
    }
}

impl Expr {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Expr::Str(s) if !s.formatted => Some(&s.value),
            _ => None,
        }
    }

    pub fn as_call(&self) -> Option<&Call> {
        match self {
            Expr::Call(c) => Some(c),
            _ => None,
        }
    }

    pub fn is_name(&self, name: &str) -> bool {
        matches!(self, Expr::Name(n) if n == name)
    }

    /// The items of a list or tuple literal, taken out of it.
    pub fn into_items(self) -> Vec<Expr> {
        match self {
            Expr::List(items) | Expr::Tuple(items) => items,
            _ => Vec::new(),
        }
    }

    /// The items of a list or tuple literal.
    pub fn items(&self) -> &[Expr] {
        match self {
            Expr::List(items) | Expr::Tuple(items) => items,
            _ => &[],
        }
    }

    pub fn walk_calls<'c>(&'c self, out: &mut Vec<&'c Call>) {
        match self {
            Expr::Call(c) => c.walk(out),
            Expr::List(items) | Expr::Tuple(items) => {
                for e in items {
                    e.walk_calls(out);
                }
            }
            Expr::Dict(pairs) => {
                for (k, v) in pairs {
                    k.walk_calls(out);
                    v.walk_calls(out);
                }
            }
            _ => {}
        }
    }
}

/// A parser over the tokens of one logical line.
pub struct Parser<'t, 'a> {
    tokens: &'t [Token<'a>],
    pos: usize,
}

impl<'t, 'a> Parser<'t, 'a> {
    pub fn new(tokens: &'t [Token<'a>]) -> Self {
        Parser { tokens, pos: 0 }
    }

    pub fn pos(&self) -> usize {
        self.pos
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.tokens.len() || self.tokens[self.pos].kind == TokKind::Newline
    }

    fn peek(&self) -> Option<&Token<'a>> {
        self.tokens
            .get(self.pos)
            .filter(|t| t.kind != TokKind::Newline)
    }

    fn peek_at(&self, n: usize) -> Option<&Token<'a>> {
        self.tokens
            .get(self.pos + n)
            .filter(|t| t.kind != TokKind::Newline)
    }

    fn is_op(&self, op: &str) -> bool {
        self.peek()
            .is_some_and(|t| t.kind == TokKind::Op && t.text == op)
    }

    fn eat_op(&mut self, op: &str) -> bool {
        if self.is_op(op) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Skips to the next `,` or closing bracket at this nesting level (or the end).
    fn skip_to_delimiter(&mut self) {
        let mut depth = 0u32;
        while let Some(t) = self.peek() {
            if t.kind == TokKind::Op {
                match t.text {
                    "(" | "[" | "{" => depth += 1,
                    ")" | "]" | "}" if depth == 0 => return,
                    ")" | "]" | "}" => depth -= 1,
                    "," | ":" if depth == 0 => return,
                    _ => {}
                }
            }
            self.pos += 1;
        }
    }

    /// One expression; stops before `,`, `:`, `=` or a closing bracket.
    pub fn expr(&mut self) -> Expr {
        let Some(t) = self.peek() else {
            return Expr::Other;
        };
        match (t.kind, t.text) {
            (TokKind::Name, "lambda") => {
                // Parameters up to the lambda's own colon, then its body.
                self.skip_to_delimiter();
                if self.eat_op(":") {
                    self.expr();
                }
                return Expr::Other;
            }
            (TokKind::Name, "not" | "await" | "yield") => {
                self.skip_to_delimiter();
                return Expr::Other;
            }
            (TokKind::Op, "*" | "**" | "-" | "+" | "~") => {
                self.pos += 1;
                let inner = self.primary();
                self.tail(inner);
                return Expr::Other;
            }
            _ => {}
        }
        let first = self.primary();
        self.tail(first)
    }

    /// After a primary: string concatenation with `+` stays a string, any other operator makes
    /// the whole expression opaque.
    fn tail(&mut self, mut e: Expr) -> Expr {
        loop {
            let Some(t) = self.peek() else {
                return e;
            };
            let continues = match t.kind {
                TokKind::Op => !matches!(t.text, "," | ")" | "]" | "}" | ":" | "=" | ";"),
                TokKind::Name => matches!(
                    t.text,
                    "and" | "or" | "if" | "else" | "in" | "is" | "not" | "for" | "async"
                ),
                _ => false,
            };
            if !continues {
                return e;
            }
            if t.kind == TokKind::Op && t.text == "+" {
                self.pos += 1;
                let rhs = self.primary();
                e = match (e, rhs) {
                    (Expr::Str(mut a), Expr::Str(b)) if !a.formatted && !b.formatted => {
                        append(&mut a, b);
                        Expr::Str(a)
                    }
                    _ => Expr::Other,
                };
                continue;
            }
            self.skip_to_delimiter();
            return Expr::Other;
        }
    }

    /// An atom and its trailers (`.name`, `(args)`, `[index]`).
    pub fn primary(&mut self) -> Expr {
        let Some(t) = self.peek().copied() else {
            return Expr::Other;
        };
        // The callee text so far, while the chain is names, attributes and calls.
        let mut path: Option<String> = None;
        let mut e = match t.kind {
            TokKind::Name => {
                self.pos += 1;
                path = Some(t.text.to_string());
                Expr::Name(t.text.to_string())
            }
            TokKind::Number => {
                self.pos += 1;
                Expr::Num(t.text.to_string())
            }
            TokKind::Str => {
                self.pos += 1;
                let mut value = decode(t.text, t.line);
                while let Some(next) = self.peek().copied() {
                    if next.kind != TokKind::Str {
                        break;
                    }
                    self.pos += 1;
                    append(&mut value, decode(next.text, next.line));
                }
                Expr::Str(value)
            }
            TokKind::Op if t.text == "(" => {
                self.pos += 1;
                let (items, trailing_comma) = self.items(")");
                if items.len() == 1 && !trailing_comma {
                    items.into_iter().next().unwrap_or(Expr::Other)
                } else {
                    Expr::Tuple(items)
                }
            }
            TokKind::Op if t.text == "[" => {
                self.pos += 1;
                Expr::List(self.items("]").0)
            }
            TokKind::Op if t.text == "{" => {
                self.pos += 1;
                self.dict()
            }
            _ => {
                self.pos += 1;
                return Expr::Other;
            }
        };
        loop {
            if self.is_op(".") {
                match self.peek_at(1).copied() {
                    Some(name) if name.kind == TokKind::Name => {
                        self.pos += 2;
                        path = path.map(|p| format!("{p}.{}", name.text));
                        e = match (&e, &path) {
                            (Expr::Name(_), Some(p)) => Expr::Name(p.clone()),
                            _ => Expr::Other,
                        };
                    }
                    _ => {
                        self.pos += 1;
                        return Expr::Other;
                    }
                }
            } else if self.is_op("(") {
                let line = self.peek().map_or(t.line, |t| t.line);
                self.pos += 1;
                let (args, kwargs, end_line) = self.call_args(line);
                let func = path.clone().unwrap_or_default();
                path = path.map(|p| format!("{p}()"));
                e = Expr::Call(Call {
                    func,
                    args,
                    kwargs,
                    line: t.line,
                    end_line,
                });
            } else if self.is_op("[") {
                self.pos += 1;
                self.items("]");
                path = path.map(|p| format!("{p}[]"));
                e = Expr::Other;
            } else {
                return e;
            }
        }
    }

    /// Comma-separated expressions up to `close`; whether a trailing comma was seen.
    fn items(&mut self, close: &str) -> (Vec<Expr>, bool) {
        let mut items = Vec::new();
        let mut trailing_comma = false;
        loop {
            if self.eat_op(close) || self.peek().is_none() {
                return (items, trailing_comma);
            }
            let before = self.pos;
            items.push(self.expr());
            trailing_comma = self.eat_op(",");
            if !trailing_comma && !self.is_op(close) {
                self.skip_to_delimiter();
                if !self.eat_op(",") && !self.is_op(close) && self.pos == before {
                    self.pos += 1;
                }
            }
        }
    }

    fn dict(&mut self) -> Expr {
        let mut pairs = Vec::new();
        loop {
            if self.eat_op("}") || self.peek().is_none() {
                return Expr::Dict(pairs);
            }
            let before = self.pos;
            if self.eat_op("**") {
                self.expr();
            } else {
                let key = self.expr();
                if self.eat_op(":") {
                    let value = self.expr();
                    pairs.push((key, value));
                }
            }
            if !self.eat_op(",") && !self.is_op("}") {
                self.skip_to_delimiter();
                if !self.eat_op(",") && !self.is_op("}") && self.pos == before {
                    self.pos += 1;
                }
            }
        }
    }

    /// Arguments after `(`, up to and including `)`.
    fn call_args(&mut self, open_line: u32) -> (Vec<Expr>, Vec<(String, Expr)>, u32) {
        let mut args = Vec::new();
        let mut kwargs = Vec::new();
        let mut end_line = open_line;
        loop {
            match self.peek().copied() {
                None => return (args, kwargs, end_line),
                Some(t) if t.kind == TokKind::Op && t.text == ")" => {
                    self.pos += 1;
                    return (args, kwargs, t.line);
                }
                Some(t) => end_line = t.end_line,
            }
            let before = self.pos;
            let is_kwarg = matches!(
                (self.peek(), self.peek_at(1)),
                (Some(n), Some(eq)) if n.kind == TokKind::Name && eq.kind == TokKind::Op && eq.text == "="
            );
            if is_kwarg {
                let name = self.peek().map(|t| t.text.to_string()).unwrap_or_default();
                self.pos += 2;
                kwargs.push((name, self.expr()));
            } else if self.is_op("*") || self.is_op("**") {
                self.pos += 1;
                self.expr();
            } else {
                args.push(self.expr());
            }
            if !self.eat_op(",") && !self.is_op(")") {
                self.skip_to_delimiter();
                if !self.eat_op(",") && !self.is_op(")") && self.pos == before {
                    self.pos += 1;
                }
            }
        }
    }

    /// Moves past the current token.
    pub fn bump(&mut self) {
        self.pos += 1;
    }
}

/// Implicit or `+` concatenation of two string literals.
fn append(a: &mut StrValue, b: StrValue) {
    a.formatted |= b.formatted;
    // The second string's first line continues the current last line of `a`.
    let mut lines = b.file_lines.into_iter();
    lines.next();
    a.value.push_str(&b.value);
    a.file_lines.extend(lines);
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::super::lexer::lex;
    use super::*;

    fn parse(src: &str) -> Expr {
        let lexed = lex(src);
        Parser::new(&lexed.tokens).expr()
    }

    #[test]
    fn calls_keep_positional_and_keyword_arguments() {
        let e = parse(
            "op.add_column('users', sa.Column('phone', sa.String(20), nullable=False, server_default=sa.text(\"''\")))",
        );
        let call = e.as_call().unwrap();
        assert_eq!(call.func, "op.add_column");
        assert_eq!(call.str_arg(0, "table_name"), Some("users"));
        let column = call.args[1].as_call().unwrap();
        assert_eq!(column.func, "sa.Column");
        assert_eq!(column.str_arg(0, "name"), Some("phone"));
        assert!(column.kw("nullable").unwrap().is_name("False"));
        let default = column.kw("server_default").unwrap().as_call().unwrap();
        assert_eq!(default.str_arg(0, "text"), Some("''"));
    }

    #[test]
    fn chained_calls_keep_the_whole_callee() {
        let e = parse("op.get_context().autocommit_block()");
        assert_eq!(
            e.as_call().unwrap().func,
            "op.get_context().autocommit_block"
        );
    }

    #[test]
    fn unknown_constructs_are_skipped_without_losing_later_arguments() {
        let e = parse("f(lambda x: x + 1, [i for i in y], a * 2, name='n', items={'k': g(1)})");
        let call = e.as_call().unwrap();
        assert_eq!(
            call.args,
            [Expr::Other, Expr::List(vec![Expr::Other]), Expr::Other]
        );
        assert_eq!(call.str_arg(9, "name"), Some("n"));
        let mut calls = Vec::new();
        call.walk(&mut calls);
        assert_eq!(
            calls.iter().map(|c| c.func.as_str()).collect::<Vec<_>>(),
            ["f", "g"]
        );
    }

    #[test]
    fn adjacent_and_added_strings_concatenate() {
        assert_eq!(
            parse("('ALTER TABLE t ' 'DROP COLUMN c')").as_str(),
            Some("ALTER TABLE t DROP COLUMN c")
        );
        assert_eq!(parse("'a' + 'b'").as_str(), Some("ab"));
        assert_eq!(parse("'a' + x").as_str(), None);
        assert_eq!(parse("f'{x}'").as_str(), None);
    }

    #[test]
    fn tuples_lists_and_dicts() {
        assert_eq!(parse("('a', 'b')").items().len(), 2);
        assert_eq!(parse("('a',)").items().len(), 1);
        assert_eq!(parse("('a')").as_str(), Some("a"));
        assert!(matches!(parse("{'db_table': 'x', **rest}"), Expr::Dict(p) if p.len() == 1));
    }

    #[test]
    fn unbalanced_input_ends_without_panicking() {
        for src in [
            "f(",
            "f(a=",
            "[1, 2",
            "{'a': ",
            "a.(",
            "f(**)",
            ")))",
            "op.x(1 2 3)",
        ] {
            let _ = parse(src);
        }
    }
}
