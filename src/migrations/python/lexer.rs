//! Python tokens: names, numbers, strings, operators and logical-line ends, plus comments.
//!
//! Enough of Python's lexical rules to find calls and their literal arguments reliably:
//! string prefixes and triple quotes, implicit line joining inside brackets, backslash
//! continuations, comments. It never fails: on an unterminated string it records an error and
//! goes on, so the reader can still report what it found before.

use crate::migrations::ignore::Comment;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokKind {
    Name,
    Number,
    Str,
    Op,
    /// The end of a logical line.
    Newline,
}

#[derive(Debug, Clone, Copy)]
pub struct Token<'a> {
    pub kind: TokKind,
    pub text: &'a str,
    /// Line the token starts on (1-based).
    pub line: u32,
    /// Line the token ends on (differs for triple-quoted strings).
    pub end_line: u32,
    /// Column of the token's first character, tabs expanded to multiples of 8.
    pub col: u32,
}

#[derive(Debug, Default)]
pub struct Lexed<'a> {
    pub tokens: Vec<Token<'a>>,
    pub comments: Vec<Comment>,
    /// The first lexical error: its line and what went wrong.
    pub error: Option<(u32, String)>,
}

pub fn lex(src: &str) -> Lexed<'_> {
    let mut out = Lexed::default();
    let bytes = src.as_bytes();
    let mut i = 0;
    let mut line: u32 = 1;
    let mut line_start = 0usize;
    // The open brackets, with the line of each: a closing bracket that does not match, or
    // one left open at the end, is Python's own syntax error.
    let mut open: Vec<(u8, u32)> = Vec::new();
    // Whether the current logical line has a token, and the last line that got one.
    let mut line_has_tokens = false;
    let mut last_token_line = 0u32;

    // The column of the last token, and where it starts: the next token's column counts on
    // from there when it is on the same line, so a long line is not rescanned per token.
    let mut last_col = (0usize, 0u32);
    let mut col_of = |start: usize, line_start: usize| -> u32 {
        let (from, mut col) = if last_col.0 >= line_start {
            last_col
        } else {
            (line_start, 0)
        };
        for b in &bytes[from..start] {
            col = if *b == b'\t' {
                (col / 8 + 1) * 8
            } else {
                col + 1
            };
        }
        last_col = (start, col);
        col
    };

    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b' ' | b'\t' | b'\x0c' | b'\r' => i += 1,
            b'\n' => {
                if open.is_empty() && line_has_tokens {
                    out.tokens.push(Token {
                        kind: TokKind::Newline,
                        text: "",
                        line,
                        end_line: line,
                        col: 0,
                    });
                    line_has_tokens = false;
                }
                i += 1;
                line += 1;
                line_start = i;
            }
            b'\\' if matches!(bytes.get(i + 1), Some(b'\n')) => {
                i += 2;
                line += 1;
                line_start = i;
            }
            b'\\' if bytes.get(i + 1) == Some(&b'\r') && bytes.get(i + 2) == Some(&b'\n') => {
                i += 3;
                line += 1;
                line_start = i;
            }
            b'#' => {
                let end = src[i..].find('\n').map_or(src.len(), |n| i + n);
                out.comments.push(Comment {
                    line,
                    trailing: last_token_line == line,
                    body: src[i + 1..end].trim_end_matches('\r').to_string(),
                });
                i = end;
            }
            _ => {
                let start = i;
                let start_line = line;
                let col = col_of(start, line_start);
                let kind;
                let word_end = is_name_start(src, i).then(|| name_end(src, i));
                // A string starts at a quote, or after a prefix such as `r`, `b` or `f`.
                let string_open = match word_end {
                    Some(end)
                        if is_string_prefix(&src[i..end])
                            && matches!(bytes.get(end), Some(b'"' | b'\'')) =>
                    {
                        Some(end)
                    }
                    None if b == b'"' || b == b'\'' => Some(i),
                    _ => None,
                };
                if let Some(open) = string_open {
                    let (str_end, lines, err) = string_end(bytes, open);
                    if let Some(msg) = err
                        && out.error.is_none()
                    {
                        out.error = Some((line, msg));
                    }
                    line += lines;
                    if lines > 0 {
                        line_start = src[..str_end].rfind('\n').map_or(0, |n| n + 1);
                    }
                    i = str_end;
                    kind = TokKind::Str;
                } else if let Some(end) = word_end {
                    i = end;
                    kind = TokKind::Name;
                } else if b.is_ascii_digit()
                    || (b == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
                {
                    i += 1;
                    while i < bytes.len() {
                        let c = bytes[i];
                        let exponent_sign =
                            (c == b'+' || c == b'-') && matches!(bytes[i - 1], b'e' | b'E');
                        if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || exponent_sign {
                            i += 1;
                        } else {
                            break;
                        }
                    }
                    kind = TokKind::Number;
                } else {
                    let len = if b < 0x80 {
                        op_len(&bytes[i..])
                    } else {
                        src[i..].chars().next().map_or(1, char::len_utf8)
                    };
                    match b {
                        b'(' | b'[' | b'{' => open.push((b, line)),
                        b')' | b']' | b'}' => {
                            let opener = match b {
                                b')' => b'(',
                                b']' => b'[',
                                _ => b'{',
                            };
                            match open.pop() {
                                Some((o, _)) if o == opener => {}
                                Some((o, at)) => {
                                    if out.error.is_none() {
                                        out.error = Some((
                                            line,
                                            format!(
                                                "closing `{}` does not match the `{}` opened on line {at}",
                                                b as char, o as char
                                            ),
                                        ));
                                    }
                                }
                                None => {
                                    if out.error.is_none() {
                                        out.error =
                                            Some((line, format!("unmatched `{}`", b as char)));
                                    }
                                }
                            }
                        }
                        _ => {}
                    }
                    i += len;
                    kind = TokKind::Op;
                }
                out.tokens.push(Token {
                    kind,
                    text: &src[start..i],
                    line: start_line,
                    end_line: line,
                    col,
                });
                line_has_tokens = true;
                last_token_line = line;
            }
        }
    }
    if line_has_tokens {
        out.tokens.push(Token {
            kind: TokKind::Newline,
            text: "",
            line,
            end_line: line,
            col: 0,
        });
    }
    if let Some((b, at)) = open.first()
        && out.error.is_none()
    {
        out.error = Some((*at, format!("`{}` is never closed", *b as char)));
    }
    out
}

fn is_name_start(src: &str, i: usize) -> bool {
    src[i..]
        .chars()
        .next()
        .is_some_and(|c| c == '_' || c.is_alphabetic())
}

fn name_end(src: &str, i: usize) -> usize {
    src[i..]
        .char_indices()
        .find(|(_, c)| !(*c == '_' || c.is_alphanumeric()))
        .map_or(src.len(), |(n, _)| i + n)
}

fn is_string_prefix(word: &str) -> bool {
    word.len() <= 2
        && word
            .chars()
            .all(|c| matches!(c.to_ascii_lowercase(), 'r' | 'b' | 'u' | 'f' | 't'))
}

/// From the opening quote at `start`: the end offset, the newlines crossed, and an error for an
/// unterminated string.
fn string_end(bytes: &[u8], start: usize) -> (usize, u32, Option<String>) {
    let q = bytes[start];
    let triple = bytes.get(start + 1) == Some(&q) && bytes.get(start + 2) == Some(&q);
    let mut i = start + if triple { 3 } else { 1 };
    let mut lines = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                if bytes.get(i + 1) == Some(&b'\n') {
                    lines += 1;
                }
                i += 2;
            }
            b'\n' if !triple => {
                return (i, lines, Some("unterminated string".to_string()));
            }
            b'\n' => {
                lines += 1;
                i += 1;
            }
            c if c == q => {
                if !triple {
                    return (i + 1, lines, None);
                }
                if bytes.get(i + 1) == Some(&q) && bytes.get(i + 2) == Some(&q) {
                    return (i + 3, lines, None);
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    (
        bytes.len(),
        lines,
        Some("unterminated triple-quoted string".to_string()),
    )
}

fn op_len(rest: &[u8]) -> usize {
    const THREE: [&[u8]; 5] = [b"**=", b"//=", b">>=", b"<<=", b"..."];
    const TWO: [&[u8]; 20] = [
        b"->", b"**", b"//", b"==", b"!=", b"<=", b">=", b":=", b"+=", b"-=", b"*=", b"/=", b"%=",
        b"&=", b"|=", b"^=", b"@=", b"<<", b">>", b"<>",
    ];
    if THREE.iter().any(|op| rest.starts_with(op)) {
        3
    } else if TWO.iter().any(|op| rest.starts_with(op)) {
        2
    } else {
        1
    }
}

/// The value of a string token, with the file line of each of its lines.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StrValue {
    pub value: String,
    /// File line of line `i + 1` of `value`.
    pub file_lines: Vec<u32>,
    /// An f-string (or t-string): its value has `{…}` holes we cannot fill.
    pub formatted: bool,
}

/// Decodes a string token starting on `line`: strips prefix and quotes, resolves escapes
/// (unless raw), and tracks lines.
pub fn decode(token: &str, line: u32) -> StrValue {
    let quote_at = token.find(['"', '\'']).unwrap_or(0);
    let prefix = token[..quote_at].to_ascii_lowercase();
    let raw = prefix.contains('r');
    let formatted = prefix.contains('f') || prefix.contains('t');
    let body = &token[quote_at..];
    let q = if body.starts_with("\"\"\"") || body.starts_with("'''") {
        3
    } else {
        1
    };
    let inner = if body.len() >= 2 * q {
        &body[q..body.len() - q]
    } else {
        body.get(q..).unwrap_or("")
    };

    let mut value = String::with_capacity(inner.len());
    let mut file_lines = vec![line];
    let mut src_line = line;
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' {
            src_line += 1;
            value.push('\n');
            file_lines.push(src_line);
            continue;
        }
        if c != '\\' {
            value.push(c);
            continue;
        }
        let Some(&next) = chars.peek() else {
            value.push('\\');
            break;
        };
        if raw {
            // Raw strings keep the backslash; it only stops the quote from ending the string.
            value.push('\\');
            continue;
        }
        chars.next();
        match next {
            '\n' => src_line += 1,
            'n' => {
                value.push('\n');
                file_lines.push(src_line);
            }
            't' => value.push('\t'),
            'r' => value.push('\r'),
            '0'..='7' => {
                let mut n = next.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            n = n * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                value.extend(char::from_u32(n));
            }
            'x' | 'u' | 'U' => {
                let len = match next {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = (0..len).filter_map(|_| chars.next()).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) => value.push(ch),
                    None => {
                        value.push('\\');
                        value.push(next);
                        value.push_str(&hex);
                    }
                }
            }
            '\\' | '\'' | '"' => value.push(next),
            'a' => value.push('\u{7}'),
            'b' => value.push('\u{8}'),
            'f' => value.push('\u{c}'),
            'v' => value.push('\u{b}'),
            other => {
                value.push('\\');
                value.push(other);
            }
        }
    }
    StrValue {
        value,
        file_lines,
        formatted,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(TokKind, &str)> {
        lex(src).tokens.iter().map(|t| (t.kind, t.text)).collect()
    }

    #[test]
    fn brackets_join_lines_and_newlines_end_logical_lines() {
        use TokKind::*;
        assert_eq!(
            kinds("op.f(\n  'a',\n  b=1)\nx = 2\n"),
            [
                (Name, "op"),
                (Op, "."),
                (Name, "f"),
                (Op, "("),
                (Str, "'a'"),
                (Op, ","),
                (Name, "b"),
                (Op, "="),
                (Number, "1"),
                (Op, ")"),
                (Newline, ""),
                (Name, "x"),
                (Op, "="),
                (Number, "2"),
                (Newline, ""),
            ]
        );
    }

    #[test]
    fn strings_with_prefixes_and_triple_quotes_are_one_token() {
        let lexed = lex("a = r'''x\n'y'\n''' + b\"\\\"\" + f'{z}'\n# done\n");
        let strs: Vec<_> = lexed
            .tokens
            .iter()
            .filter(|t| t.kind == TokKind::Str)
            .map(|t| (t.text, t.line, t.end_line))
            .collect();
        assert_eq!(
            strs,
            [
                ("r'''x\n'y'\n'''", 1, 3),
                ("b\"\\\"\"", 3, 3),
                ("f'{z}'", 3, 3)
            ]
        );
        assert_eq!(lexed.comments.len(), 1);
        assert_eq!(lexed.comments[0].line, 4);
        assert!(lexed.error.is_none());
    }

    #[test]
    fn comments_know_whether_code_precedes_them() {
        let lexed = lex("# own line\nx = 1  # trailing\n");
        let c: Vec<_> = lexed
            .comments
            .iter()
            .map(|c| (c.line, c.trailing))
            .collect();
        assert_eq!(c, [(1, false), (2, true)]);
    }

    #[test]
    fn an_unterminated_string_is_an_error_not_a_panic() {
        let lexed = lex("op.execute('ALTER TABLE\nx = 1\n");
        assert_eq!(lexed.error.as_ref().map(|e| e.0), Some(1));
    }

    #[test]
    fn brackets_left_open_or_closed_by_the_wrong_kind_are_errors() {
        let open = lex(
            "def upgrade():\n    op.add_column('t', sa.Column('c', sa.Text())\n    op.drop_column('t', 'd')\n",
        );
        assert_eq!(open.error, Some((2, "`(` is never closed".to_string())));
        let wrong = lex("operations = [\n    migrations.RemoveField(model_name='u', name='p'\n]\n");
        assert_eq!(
            wrong.error,
            Some((
                3,
                "closing `]` does not match the `(` opened on line 2".to_string()
            ))
        );
        assert_eq!(
            lex("x = 1)\n").error,
            Some((1, "unmatched `)`".to_string()))
        );
        assert!(
            lex("f(a, [b, {'c': (d)}])\ns = '(' + \"]\"  # )\n")
                .error
                .is_none()
        );
    }

    #[test]
    fn decoding_resolves_escapes_and_tracks_lines() {
        let v = decode("\"\"\"\nALTER\\tTABLE\n  x\"\"\"", 10);
        assert_eq!(v.value, "\nALTER\tTABLE\n  x");
        assert_eq!(v.file_lines, [10, 11, 12]);
        let raw = decode("r'a\\:b'", 1);
        assert_eq!(raw.value, "a\\:b");
        assert!(decode("f'{x}'", 1).formatted);
    }
}
