//! Comment- and string-aware masking of source text.
//!
//! Patterns anchored on a framework's API must never match inside a comment (`# app.get("/x")`)
//! and brace matching must never be fooled by a `{` inside a string. The lexer therefore
//! produces two copies of the text with the same byte offsets (so line numbers carry over):
//! `code`, where comments and Python docstrings are blanked, and `bare`, where the contents of
//! string literals are blanked too (their delimiters stay). Newlines are always kept.
//!
//! It is a tokenizer, not a parser: it knows each language family's comments, string forms
//! (Python prefixes and triple quotes, JS template literals and regex literals, Go raw strings,
//! Rust raw strings, char literals and lifetimes, Java/Kotlin text blocks) and nothing else.

/// A syntax family: what comments and string literals look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Syntax {
    Python,
    /// JavaScript and TypeScript.
    Js,
    Rust,
    Go,
    Java,
    Kotlin,
}

impl Syntax {
    /// The syntax of a file, by extension.
    pub fn of(path: &str) -> Option<Syntax> {
        let ext = path.rsplit_once('.').map(|(_, e)| e)?;
        Some(match ext {
            "py" => Syntax::Python,
            "js" | "mjs" | "cjs" | "ts" | "mts" | "cts" => Syntax::Js,
            "rs" => Syntax::Rust,
            "go" => Syntax::Go,
            "java" => Syntax::Java,
            "kt" => Syntax::Kotlin,
            _ => return None,
        })
    }
}

/// Two masked copies of a text, offset-compatible with it.
#[derive(Debug, Clone)]
pub struct Masked {
    /// Comments (and Python docstrings) blanked; strings kept.
    pub code: String,
    /// Comments blanked and string contents blanked; delimiters kept.
    pub bare: String,
}

struct Out {
    code: Vec<u8>,
    bare: Vec<u8>,
}

impl Out {
    /// Blanks `range` in both copies (a comment).
    fn comment(&mut self, from: usize, to: usize) {
        blank(&mut self.code, from, to);
        blank(&mut self.bare, from, to);
    }
    /// Blanks `range` in the bare copy only (string contents).
    fn string(&mut self, from: usize, to: usize) {
        blank(&mut self.bare, from, to);
    }
}

fn blank(buf: &mut [u8], from: usize, to: usize) {
    // Widen to whole UTF-8 characters, so the result stays valid whatever the range.
    let mut to = to.min(buf.len());
    let mut from = from.min(to);
    while from > 0 && from < buf.len() && (0x80..0xC0).contains(&buf[from]) {
        from -= 1;
    }
    while to < buf.len() && (0x80..0xC0).contains(&buf[to]) {
        to += 1;
    }
    for b in &mut buf[from..to] {
        if *b != b'\n' {
            *b = b' ';
        }
    }
}

/// Masks `text` written in `syntax`.
pub fn mask(text: &str, syntax: Syntax) -> Masked {
    let bytes = text.as_bytes();
    let mut out = Out {
        code: bytes.to_vec(),
        bare: bytes.to_vec(),
    };
    match syntax {
        Syntax::Python => python(bytes, &mut out),
        _ => c_like(bytes, syntax, &mut out),
    }
    // Only whole ASCII-delimited ranges were replaced by ASCII spaces, so both stay UTF-8.
    Masked {
        code: String::from_utf8(out.code).unwrap_or_else(|e| lossy(e.into_bytes())),
        bare: String::from_utf8(out.bare).unwrap_or_else(|e| lossy(e.into_bytes())),
    }
}

fn lossy(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes).into_owned()
}

/// End (exclusive) of a quoted string starting at `start` (the opening quote), honouring
/// backslash escapes; stops at a newline when `single_line`.
fn quoted_end(b: &[u8], start: usize, quote: u8, escapes: bool, single_line: bool) -> usize {
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' if escapes => i += 2,
            b'\n' if single_line => return i,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if from >= b.len() {
        return None;
    }
    if needle.len() == 1 {
        return b[from..]
            .iter()
            .position(|&c| c == needle[0])
            .map(|p| p + from);
    }
    let first = needle[0];
    let mut i = from;
    while let Some(p) = b[i..].iter().position(|&c| c == first) {
        let at = i + p;
        if b[at..].starts_with(needle) {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// A 256-entry membership table for the bytes a lexer must stop at.
const fn table(bytes: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        t[bytes[i] as usize] = true;
        i += 1;
    }
    t
}

static PY_SPECIAL: [bool; 256] = table(b"#\"'()[]{}");
static C_SPECIAL: [bool; 256] = table(b"/\"'`");

/// The next byte at or after `i` that the table marks, if any.
fn next_special(b: &[u8], i: usize, special: &[bool; 256]) -> Option<usize> {
    b.get(i..)?
        .iter()
        .position(|&c| special[c as usize])
        .map(|p| p + i)
}

fn python(b: &[u8], out: &mut Out) {
    let mut depth: i32 = 0;
    let mut i = 0;
    while let Some(at) = next_special(b, i, &PY_SPECIAL) {
        i = at;
        let c = b[i];
        match c {
            b'#' => {
                let end = find(b, i, b"\n").unwrap_or(b.len());
                out.comment(i, end);
                i = end;
            }
            b'"' | b'\'' => {
                let triple = b.len() >= i + 3 && b[i + 1] == c && b[i + 2] == c;
                // A string prefix (r, b, f, u, rb…) right before the quote.
                let mut p = i;
                while p > 0
                    && matches!(
                        b[p - 1],
                        b'r' | b'R' | b'b' | b'B' | b'f' | b'F' | b'u' | b'U'
                    )
                {
                    p -= 1;
                }
                if triple {
                    let end = find(b, i + 3, &[c, c, c]).map_or(b.len(), |e| e + 3);
                    // A docstring (or any string statement) is the first token of its line,
                    // outside brackets, not continuing the previous line with a backslash.
                    let line_start = b[..p]
                        .iter()
                        .rposition(|&x| x == b'\n')
                        .map_or(0, |n| n + 1);
                    let first_on_line = b[line_start..p]
                        .iter()
                        .all(|x| matches!(x, b' ' | b'\t' | b'\r'));
                    let continued = out.code[..line_start]
                        .iter()
                        .rev()
                        .find(|x| !x.is_ascii_whitespace())
                        == Some(&b'\\');
                    if first_on_line && depth == 0 && !continued {
                        out.comment(i, end);
                    } else {
                        out.string(i + 3, end.saturating_sub(3).max(i + 3));
                    }
                    i = end;
                } else {
                    let end = quoted_end(b, i, c, true, true);
                    out.string(i + 1, end.saturating_sub(1).max(i + 1));
                    i = end;
                }
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                i += 1;
            }
            _ => {
                depth = (depth - 1).max(0);
                i += 1;
            }
        }
    }
}

/// Whether a `/` at this point starts a regex literal (JS), judged by the previous
/// significant byte and word.
fn regex_allowed(b: &[u8], i: usize) -> bool {
    let mut j = i;
    while j > 0 && matches!(b[j - 1], b' ' | b'\t' | b'\r' | b'\n') {
        j -= 1;
    }
    if j == 0 {
        return true;
    }
    let prev = b[j - 1];
    if b"(,=:[!&|?{};+-*%<>~^".contains(&prev) {
        return true;
    }
    if prev.is_ascii_alphabetic() {
        let mut k = j;
        while k > 0 && b[k - 1].is_ascii_alphabetic() {
            k -= 1;
        }
        return matches!(
            &b[k..j],
            b"return"
                | b"typeof"
                | b"case"
                | b"in"
                | b"of"
                | b"delete"
                | b"void"
                | b"throw"
                | b"new"
        );
    }
    false
}

/// End (exclusive) of a JS regex literal starting at `i`, if it is one on this line.
fn regex_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    let mut class = false;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'\n' => return None,
            b'[' => {
                class = true;
                j += 1;
            }
            b']' => {
                class = false;
                j += 1;
            }
            b'/' if !class => {
                j += 1;
                while j < b.len() && b[j].is_ascii_alphabetic() {
                    j += 1;
                }
                return Some(j);
            }
            _ => j += 1,
        }
    }
    None
}

/// End (exclusive) of a JS template literal starting at the backtick `i`; `${…}` expressions
/// inside are kept as code in the bare copy only as far as brace counting allows.
fn template_end(b: &[u8], i: usize, out: &mut Out) -> usize {
    let mut j = i + 1;
    let mut seg = j;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'`' => {
                out.string(seg, j);
                return j + 1;
            }
            b'$' if b.get(j + 1) == Some(&b'{') => {
                out.string(seg, j);
                let mut depth = 0;
                let mut k = j + 1;
                while k < b.len() {
                    match b[k] {
                        b'{' => depth += 1,
                        b'}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        b'"' | b'\'' => {
                            let end = quoted_end(b, k, b[k], true, true);
                            out.string(k + 1, end.saturating_sub(1).max(k + 1));
                            k = end;
                            continue;
                        }
                        _ => {}
                    }
                    k += 1;
                }
                j = k + 1;
                seg = j;
            }
            _ => j += 1,
        }
    }
    out.string(seg, b.len());
    b.len()
}

fn c_like(b: &[u8], syntax: Syntax, out: &mut Out) {
    let nested_comments = matches!(syntax, Syntax::Rust | Syntax::Kotlin);
    let mut i = 0;
    while let Some(at) = next_special(b, i, &C_SPECIAL) {
        i = at;
        let c = b[i];
        let next = b.get(i + 1).copied();
        match c {
            b'/' if next == Some(b'/') => {
                let end = find(b, i, b"\n").unwrap_or(b.len());
                out.comment(i, end);
                i = end;
            }
            b'/' if next == Some(b'*') => {
                let mut depth = 1;
                let mut j = i + 2;
                while j < b.len() && depth > 0 {
                    if b[j] == b'*' && b.get(j + 1) == Some(&b'/') {
                        depth -= 1;
                        j += 2;
                    } else if nested_comments && b[j] == b'/' && b.get(j + 1) == Some(&b'*') {
                        depth += 1;
                        j += 2;
                    } else {
                        j += 1;
                    }
                }
                out.comment(i, j);
                i = j;
            }
            b'/' if syntax == Syntax::Js && regex_allowed(b, i) => match regex_end(b, i) {
                Some(end) => {
                    out.string(i + 1, end - 1);
                    i = end;
                }
                None => i += 1,
            },
            b'/' => i += 1,
            b'"' if matches!(syntax, Syntax::Java | Syntax::Kotlin)
                && b.get(i + 1) == Some(&b'"')
                && b.get(i + 2) == Some(&b'"') =>
            {
                let end = find(b, i + 3, b"\"\"\"").map_or(b.len(), |e| e + 3);
                out.string(i + 3, end.saturating_sub(3).max(i + 3));
                i = end;
            }
            b'"' if syntax == Syntax::Rust && raw_string_hashes(b, i).is_some() => {
                // r"…", r#"…"#, br##"…"##: no escapes, closed by the same number of hashes.
                let hashes = raw_string_hashes(b, i).unwrap_or(0);
                let mut closing = vec![b'"'];
                closing.extend(std::iter::repeat_n(b'#', hashes));
                let end = find(b, i + 1, &closing).map_or(b.len(), |e| e + closing.len());
                out.string(i + 1, end.saturating_sub(closing.len()).max(i + 1));
                i = end;
            }
            b'"' => {
                let end = quoted_end(b, i, b'"', true, false);
                out.string(i + 1, end.saturating_sub(1).max(i + 1));
                i = end;
            }
            b'\'' if syntax == Syntax::Rust => {
                // A char literal ('a', '\n', '\u{1F600}') or a lifetime ('a, 'static).
                let is_char = match b.get(i + 1) {
                    Some(b'\\') => true,
                    Some(_) => {
                        let ch_len = utf8_len(b[i + 1]);
                        b.get(i + 1 + ch_len) == Some(&b'\'')
                    }
                    None => false,
                };
                if is_char {
                    let end = quoted_end(b, i, b'\'', true, true);
                    out.string(i + 1, end.saturating_sub(1).max(i + 1));
                    i = end;
                } else {
                    i += 1;
                }
            }
            b'\'' => {
                let end = quoted_end(b, i, b'\'', true, true);
                out.string(i + 1, end.saturating_sub(1).max(i + 1));
                i = end;
            }
            b'`' if syntax == Syntax::Js => {
                i = template_end(b, i, out);
            }
            b'`' if matches!(syntax, Syntax::Go | Syntax::Kotlin) => {
                let end = quoted_end(b, i, b'`', false, false);
                out.string(i + 1, end.saturating_sub(1).max(i + 1));
                i = end;
            }
            _ => i += 1,
        }
    }
}

/// For a `"` in Rust source, the number of `#` of a raw string prefix (`r"`, `r#"`, `br"`),
/// if it is one.
fn raw_string_hashes(b: &[u8], quote: usize) -> Option<usize> {
    let mut p = quote;
    while p > 0 && b[p - 1] == b'#' {
        p -= 1;
    }
    let hashes = quote - p;
    if p == 0 || b[p - 1] != b'r' {
        return None;
    }
    let mut start = p - 1;
    if start > 0 && b[start - 1] == b'b' {
        start -= 1;
    }
    let ident_before = start > 0 && (b[start - 1].is_ascii_alphanumeric() || b[start - 1] == b'_');
    (!ident_before).then_some(hashes)
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_comments_and_docstrings_are_blanked_strings_kept() {
        let src = "# app.get('/x')\ndef f():\n    \"\"\"GET /healthz\"\"\"\n    x = \"\"\"SELECT 1\"\"\"\n    return '#not comment'\n";
        let m = mask(src, Syntax::Python);
        assert_eq!(m.code.len(), src.len());
        assert!(!m.code.contains("app.get"));
        assert!(!m.code.contains("healthz"));
        assert!(m.code.contains("SELECT 1"));
        assert!(m.code.contains("'#not comment'"));
        assert!(!m.bare.contains("not comment"));
        assert_eq!(m.code.lines().count(), src.lines().count());
    }

    #[test]
    fn python_triple_quoted_arguments_are_strings_not_docstrings() {
        let src = "q = text(\n    \"\"\"SELECT 1\"\"\"\n)\nx = \\\n    \"\"\"SELECT 2\"\"\"\n\"\"\"module doc\"\"\"\n";
        let m = mask(src, Syntax::Python);
        assert!(m.code.contains("SELECT 1"), "{}", m.code);
        assert!(m.code.contains("SELECT 2"), "{}", m.code);
        assert!(!m.code.contains("module doc"), "{}", m.code);
    }

    #[test]
    fn c_like_comments_strings_and_js_regexes() {
        let src = "// app.get('/x')\nconst r = /\\/*api/; /* block\n app.use(cors()) */ app.get(\"/ok\", h); const s = `a ${b} {`;\n";
        let m = mask(src, Syntax::Js);
        assert!(!m.code.contains("app.get('/x')"));
        assert!(!m.code.contains("cors()"));
        assert!(m.code.contains("app.get(\"/ok\""));
        assert!(!m.bare.contains("/ok"));
        // The `{` inside the template's text is blanked; `${b}` stays balanced code.
        assert_eq!(
            m.bare.matches('{').count(),
            m.bare.matches('}').count(),
            "{}",
            m.bare
        );
    }

    #[test]
    fn rust_lifetimes_are_not_strings_and_raw_strings_are() {
        let src = "fn f<'a>(x: &'a str) -> char { let s = r#\"a \"{\" b\"#; '{' }\n";
        let m = mask(src, Syntax::Rust);
        assert_eq!(m.bare.matches('{').count(), 1, "{}", m.bare);
        assert!(m.bare.contains("<'a>"));
    }

    #[test]
    fn non_ascii_text_in_comments_stays_valid() {
        let src = "// 헬스체크\nfn main() {}\n";
        let m = mask(src, Syntax::Rust);
        assert_eq!(m.code.len(), src.len());
        assert!(m.code.contains("fn main"));
    }
}
