//! Splitting a shell script (a workflow `run:`, a Makefile recipe, a package.json script) into
//! simple commands, each a list of unquoted words with its line.
//!
//! This is not a shell: it knows quotes, escapes, comments, line continuations, here-documents
//! (skipped), redirections (dropped), `$( … )` and back-quoted substitutions (parsed as
//! commands of their own), the separators `; & && || |` and the keywords that prefix a
//! command (`if`, `then`, `do`, `!`, `time`). That is enough to know which programs a script
//! runs, which is all the checks need; the script is never executed.

use std::sync::LazyLock;

use regex::Regex;

/// One simple command: its words (quotes removed) and its 0-based line in the script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub words: Vec<String>,
    pub line: u32,
}

static HEREDOC: LazyLock<Regex> = LazyLock::new(|| {
    crate::rx::re(
        r#"<<-?\s*(?:'([A-Za-z_][A-Za-z0-9_]*)'|"([A-Za-z_][A-Za-z0-9_]*)"|\\?([A-Za-z_][A-Za-z0-9_]*))"#,
    )
});

static GH_EXPR: LazyLock<Regex> = LazyLock::new(|| crate::rx::re(r"\$\{\{(.*?)\}\}"));

/// Words that start a compound command or prefix a simple one.
const PREFIX_KEYWORDS: &[&str] = &[
    "if", "then", "else", "elif", "do", "while", "until", "!", "time", "{", "(",
];
/// Commands that carry no program of their own.
const SKIPPED_KEYWORDS: &[&str] = &[
    "fi", "done", "esac", "}", ")", "for", "case", "function", "select", ";;",
];

/// Parses a script into simple commands.
pub fn parse(script: &str) -> Vec<Command> {
    let mut out = Vec::new();
    for (line, text) in logical_lines(script) {
        let mut lexer = Lexer {
            chars: text.chars().collect(),
            pos: 0,
            line,
            out: &mut out,
        };
        lexer.commands(None);
    }
    out
}

/// Joins continuation lines, drops here-document bodies, and compacts `${{ … }}` expressions
/// into one word.
fn logical_lines(script: &str) -> Vec<(u32, String)> {
    let mut out: Vec<(u32, String)> = Vec::new();
    let mut pending: Option<(u32, String)> = None;
    let mut heredoc_end: Option<(String, bool)> = None;
    for (i, raw) in script.lines().enumerate() {
        let n = i as u32;
        if let Some((end, strip_tabs)) = &heredoc_end {
            let candidate = if *strip_tabs {
                raw.trim_start_matches('\t')
            } else {
                raw
            };
            if candidate.trim_end() == end {
                heredoc_end = None;
            }
            continue;
        }
        let line = GH_EXPR
            .replace_all(raw, |c: &regex::Captures| {
                format!("${{{{{}}}}}", c[1].split_whitespace().collect::<String>())
            })
            .into_owned();
        let (start, mut acc) = pending.take().unwrap_or((n, String::new()));
        if let Some(stripped) = line.strip_suffix('\\')
            && !stripped.ends_with('\\')
        {
            acc.push_str(stripped);
            acc.push(' ');
            pending = Some((start, acc));
            continue;
        }
        acc.push_str(&line);
        if let Some(c) = HEREDOC.captures(&acc)
            && !in_quotes_at(&acc, c.get(0).map_or(0, |m| m.start()))
        {
            let word = c
                .get(1)
                .or_else(|| c.get(2))
                .or_else(|| c.get(3))
                .map_or(String::new(), |m| m.as_str().to_string());
            let strip = c.get(0).is_some_and(|m| m.as_str().starts_with("<<-"));
            heredoc_end = Some((word, strip));
        }
        out.push((start, acc));
    }
    if let Some(p) = pending {
        out.push(p);
    }
    out
}

/// Whether byte offset `at` of `s` lies inside quotes (for `<<` inside a string).
fn in_quotes_at(s: &str, at: usize) -> bool {
    let (mut single, mut double) = (false, false);
    for (i, c) in s.char_indices() {
        if i >= at {
            break;
        }
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            _ => {}
        }
    }
    single || double
}

struct Lexer<'a> {
    chars: Vec<char>,
    pos: usize,
    line: u32,
    out: &'a mut Vec<Command>,
}

impl Lexer<'_> {
    fn peek(&self, k: usize) -> Option<char> {
        self.chars.get(self.pos + k).copied()
    }

    /// Reads commands until the end, or until `close` (`)` of `$(`, or a back-quote).
    #[allow(unused_assignments)] // the macros reset state that the last command no longer reads
    fn commands(&mut self, close: Option<char>) {
        let mut words: Vec<String> = Vec::new();
        let mut word = String::new();
        let mut in_word = false;
        let mut drop_next = false; // the target of a redirection
        macro_rules! end_word {
            () => {
                if in_word {
                    if drop_next {
                        drop_next = false;
                    } else {
                        words.push(std::mem::take(&mut word));
                    }
                    word.clear();
                    in_word = false;
                }
            };
        }
        macro_rules! end_command {
            () => {
                end_word!();
                self.emit(std::mem::take(&mut words));
            };
        }
        while let Some(c) = self.peek(0) {
            if Some(c) == close && !(c == ')' && in_word && word.ends_with('(')) {
                self.pos += 1;
                end_command!();
                return;
            }
            match c {
                '#' if !in_word => break,
                ' ' | '\t' | '\r' => {
                    self.pos += 1;
                    end_word!();
                }
                '\n' | ';' => {
                    self.pos += 1;
                    end_command!();
                }
                '&' | '|' => {
                    self.pos += 1;
                    if matches!(self.peek(0), Some('&' | '|')) {
                        self.pos += 1;
                    }
                    end_command!();
                }
                '(' | ')' if !in_word => {
                    self.pos += 1;
                    end_command!();
                }
                '>' | '<' => {
                    // Redirection: `2>&1`, `> file`, `>> log`, `< in`, `<<< text`.
                    if in_word && word.chars().all(|d| d.is_ascii_digit()) {
                        word.clear();
                        in_word = false;
                    } else {
                        end_word!();
                    }
                    while matches!(self.peek(0), Some('>' | '<' | '|')) {
                        self.pos += 1;
                    }
                    if self.peek(0) == Some('&') {
                        self.pos += 1;
                        while self.peek(0).is_some_and(|d| d.is_ascii_digit() || d == '-') {
                            self.pos += 1;
                        }
                    } else {
                        drop_next = true;
                    }
                }
                '\\' => {
                    self.pos += 1;
                    if let Some(n) = self.peek(0) {
                        word.push(n);
                        self.pos += 1;
                    }
                    in_word = true;
                }
                '\'' => {
                    self.pos += 1;
                    in_word = true;
                    while let Some(q) = self.peek(0) {
                        self.pos += 1;
                        if q == '\'' {
                            break;
                        }
                        word.push(q);
                    }
                }
                '"' => {
                    self.pos += 1;
                    in_word = true;
                    self.double_quoted(&mut word);
                }
                '`' => {
                    self.pos += 1;
                    in_word = true;
                    word.push_str("$(…)");
                    self.commands(Some('`'));
                }
                '$' if self.peek(1) == Some('(') && self.peek(2) != Some('(') => {
                    self.pos += 2;
                    in_word = true;
                    word.push_str("$(…)");
                    self.commands(Some(')'));
                }
                '$' if self.peek(1) == Some('(') => {
                    // Arithmetic `$(( … ))`: keep as text.
                    let mut depth = 0;
                    while let Some(q) = self.peek(0) {
                        self.pos += 1;
                        word.push(q);
                        match q {
                            '(' => depth += 1,
                            ')' => {
                                depth -= 1;
                                if depth == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                    }
                    in_word = true;
                }
                _ => {
                    self.pos += 1;
                    word.push(c);
                    in_word = true;
                }
            }
        }
        end_command!();
    }

    /// Reads a double-quoted string (after the opening quote); substitutions inside it are
    /// commands of their own.
    fn double_quoted(&mut self, word: &mut String) {
        while let Some(q) = self.peek(0) {
            match q {
                '"' => {
                    self.pos += 1;
                    return;
                }
                '\\' => {
                    self.pos += 1;
                    if let Some(n) = self.peek(0) {
                        if !matches!(n, '"' | '\\' | '$' | '`') {
                            word.push('\\');
                        }
                        word.push(n);
                        self.pos += 1;
                    }
                }
                '$' if self.peek(1) == Some('(') && self.peek(2) != Some('(') => {
                    self.pos += 2;
                    word.push_str("$(…)");
                    self.commands(Some(')'));
                }
                '`' => {
                    self.pos += 1;
                    word.push_str("$(…)");
                    self.commands(Some('`'));
                }
                _ => {
                    word.push(q);
                    self.pos += 1;
                }
            }
        }
    }

    fn emit(&mut self, mut words: Vec<String>) {
        while let Some(first) = words.first() {
            if PREFIX_KEYWORDS.contains(&first.as_str()) {
                words.remove(0);
            } else {
                break;
            }
        }
        let Some(first) = words.first() else { return };
        if SKIPPED_KEYWORDS.contains(&first.as_str()) || first.ends_with("()") {
            return;
        }
        self.out.push(Command {
            words,
            line: self.line,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(script: &str) -> Vec<Vec<String>> {
        parse(script).into_iter().map(|c| c.words).collect()
    }

    #[test]
    fn separators_quotes_and_keywords_are_understood() {
        assert_eq!(
            words("cd app && uv run pytest -q 'tests/a b' || exit 1; echo \"done ok\""),
            vec![
                vec!["cd", "app"],
                vec!["uv", "run", "pytest", "-q", "tests/a b"],
                vec!["exit", "1"],
                vec!["echo", "done ok"],
            ]
        );
        assert_eq!(
            words("if [ -n \"$CI\" ]; then\n  make test\nfi"),
            vec![vec!["[", "-n", "$CI", "]"], vec!["make", "test"]]
        );
    }

    #[test]
    fn comments_continuations_and_redirections_are_dropped() {
        assert_eq!(
            words("# run pytest later\ncargo test \\\n  --all 2>&1 > out.log # tail"),
            vec![vec!["cargo", "test", "--all"]]
        );
        let cmds = parse("a\nb \\\n c\nd");
        assert_eq!(cmds[2].line, 3);
    }

    #[test]
    fn substitutions_are_commands_of_their_own() {
        assert_eq!(
            words("test -z \"$(gofmt -l .)\""),
            vec![vec!["gofmt", "-l", "."], vec!["test", "-z", "$(…)"]]
        );
    }

    #[test]
    fn here_documents_are_skipped() {
        assert_eq!(
            words("cat > x.sh <<'EOF'\npytest\nEOF\nruff check ."),
            vec![vec!["cat"], vec!["ruff", "check", "."]]
        );
    }

    #[test]
    fn github_expressions_stay_one_word() {
        assert_eq!(
            words("tox -e ${{ matrix.env }}"),
            vec![vec!["tox", "-e", "${{matrix.env}}"]]
        );
    }
}
