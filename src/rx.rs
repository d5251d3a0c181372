//! Regexes for reading code: the patterns the audit and the linters compile, with ASCII
//! character classes.
//!
//! In our patterns `\w`, `\d`, `\s` and `\b` stand for identifiers, numbers, blanks and
//! identifier edges in source and config files, which are ASCII. The regex crate's classes are
//! Unicode ones, and compiling them costs: `\w+` takes about 0.3 ms to compile against 7 µs for
//! `[[:word:]]+` (it builds a UTF-8 automaton of some 700 ranges and allocates a 400 KB map for
//! it), and `[\w.-]+` under `(?i)` takes 1.2 ms. An audit compiles a few hundred patterns, so
//! on a small repository the Unicode classes were a third of the run. A Unicode `\b` also makes
//! the fast engines give up on any non-ASCII text (comments in Korean, say).
//!
//! [`re`] and [`compile`] therefore rewrite, before compiling, each Perl class to its ASCII
//! twin (`\w` → `[[:word:]]`, `\D` → `[^[:digit:]]`, `[\w.-]` → `[[:word:].-]`) and `\b` to
//! `(?-u:\b)`. Everything else (`.`, negated brackets, `(?i)`) keeps its Unicode meaning, so a
//! pattern still matches non-ASCII text where it says so. Patterns users write (custom
//! checklists, template manifests) are not ours to reinterpret: they use `Regex::new`.

use std::borrow::Cow;
use std::sync::OnceLock;

use regex::Regex;
use regex_syntax::ast::{self, AssertionKind, Ast, ClassPerl, ClassPerlKind, ClassSetItem};

/// Compiles a literal pattern of ours, with ASCII classes. A bad literal is a bug (the unit
/// tests of the patterns' users catch it), not an input error.
pub fn re(pattern: &str) -> Regex {
    compile(pattern).unwrap_or_else(|e| unreachable!("bad literal regex {pattern}: {e}"))
}

/// Compiles a pattern built at run time (from names found in the code), with ASCII classes.
pub fn compile(pattern: &str) -> Result<Regex, regex::Error> {
    Regex::new(&ascii_classes(pattern))
}

/// The pattern with its Perl classes and word boundaries made ASCII-only (see the module
/// docs); unchanged if it has none, or if it does not parse (the regex crate then reports the
/// error on the original text).
pub fn ascii_classes(pattern: &str) -> Cow<'_, str> {
    let bytes = pattern.as_bytes();
    let has_perl = bytes
        .windows(2)
        .any(|w| w[0] == b'\\' && matches!(w[1], b'w' | b'W' | b'd' | b'D' | b's' | b'S' | b'b'));
    if !has_perl {
        return Cow::Borrowed(pattern);
    }
    let Ok(parsed) = ast::parse::Parser::new().parse(pattern) else {
        return Cow::Borrowed(pattern);
    };
    let Ok(mut edits) = ast::visit(&parsed, Edits(Vec::new())) else {
        return Cow::Borrowed(pattern);
    };
    if edits.is_empty() {
        return Cow::Borrowed(pattern);
    }
    edits.sort_by_key(|(start, _, _)| *start);
    let mut out = String::with_capacity(pattern.len() + 12 * edits.len());
    let mut at = 0;
    for (start, end, replacement) in edits {
        out.push_str(&pattern[at..start]);
        out.push_str(replacement);
        at = end;
    }
    out.push_str(&pattern[at..]);
    Cow::Owned(out)
}

/// A case-insensitive test for any of a few ASCII words in a short text, such as the names of
/// the actions a job uses: what `(?i)release|commit|\btag` says, without a regex. A
/// case-insensitive alternation takes a third to half a millisecond to compile, mostly to
/// build a search accelerator that texts of a few dozen bytes never use. A word written
/// `\bword` must start at a word boundary (ASCII, as in [`re`]).
#[derive(Debug, Clone, Copy)]
pub struct AnyWord(pub &'static [&'static str]);

impl AnyWord {
    pub fn is_match(&self, text: &str) -> bool {
        let lower = text.to_ascii_lowercase();
        self.0.iter().any(|word| match word.strip_prefix("\\b") {
            Some(word) => lower.match_indices(word).any(|(at, _)| {
                !lower[..at]
                    .bytes()
                    .next_back()
                    .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
            }),
            None => lower.contains(word),
        })
    }
}

/// Literal words looked for in whole files, as cheap tests before a regex or a masking pass:
/// what `words.iter().any(|w| text.contains(w))` says, with each word's SIMD finder (memchr's
/// `memmem`) built once, on first use: `static WORDS: Words = Words::new(&[…]);`.
///
/// A finder keys on the two rarest bytes of its word, so it skips text quickly even for
/// words such as `cors` or `Column(` whose first letters are everywhere; that is why a few
/// words are better searched one by one than together (an Aho-Corasick automaton keys on
/// first bytes, and spent over ten times the instructions on a large service's Python files
/// for the seven words that detect CORS). On those 2,600 files (9 MB), `str::contains`,
/// whose searcher is rebuilt on every call, takes about 1.5 times as long as a finder. For
/// many words, see [`WordGroups`].
pub struct Words {
    words: &'static [&'static str],
    finders: OnceLock<Box<[memchr::memmem::Finder<'static>]>>,
}

impl Words {
    pub const fn new(words: &'static [&'static str]) -> Words {
        Words {
            words,
            finders: OnceLock::new(),
        }
    }

    /// Whether any of the words occurs in the text.
    pub fn any_in(&self, text: &str) -> bool {
        let finders = self.finders.get_or_init(|| {
            self.words
                .iter()
                .map(|w| memchr::memmem::Finder::new(w.as_bytes()))
                .collect()
        });
        finders.iter().any(|f| f.find(text.as_bytes()).is_some())
    }
}

impl std::fmt::Debug for Words {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Words").field(&self.words).finish()
    }
}

/// Several lists of literal words searched for in one pass: which lists have a word in the
/// text, as a bit set (bit `i` for list `i`). A file is tested against all the lists that
/// gate its patterns at the cost of one scan, which for most files finds nothing: for the 31
/// words that decide whether a Python file may declare routes, an Aho-Corasick automaton
/// (with its SIMD prefilter) took a third of the instructions of a finder per word.
///
/// The automaton reports the longest word at each position where a word starts (positions in
/// increasing order), and each word counts for every list holding a word it contains: so a
/// word inside another (`Route` in `Router`, `.register` in `app.register_blueprint`) is not
/// missed.
pub struct WordGroups {
    groups: &'static [&'static [&'static str]],
    searcher: OnceLock<(aho_corasick::AhoCorasick, Vec<u64>)>,
}

impl WordGroups {
    /// At most 64 lists.
    pub const fn new(groups: &'static [&'static [&'static str]]) -> WordGroups {
        assert!(groups.len() <= 64, "at most 64 word lists");
        WordGroups {
            groups,
            searcher: OnceLock::new(),
        }
    }

    /// The lists with a word in the text: bit `i` set for `groups[i]`.
    pub fn present(&self, text: &str) -> u64 {
        let (automaton, implied) = self.searcher.get_or_init(|| {
            let words: Vec<&str> = self.groups.iter().flat_map(|g| g.iter().copied()).collect();
            let implied = words
                .iter()
                .map(|w| {
                    self.groups
                        .iter()
                        .enumerate()
                        .filter(|(_, g)| g.iter().any(|inner| w.contains(inner)))
                        .fold(0u64, |bits, (i, _)| bits | 1 << i)
                })
                .collect();
            let automaton = aho_corasick::AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .build(&words)
                .unwrap_or_else(|e| unreachable!("cannot search for the words {words:?}: {e}"));
            (automaton, implied)
        });
        let all = u64::MAX >> (64 - self.groups.len().max(1));
        let mut bits = 0u64;
        let mut from = 0;
        while bits != all
            && let Some(m) = automaton.find(aho_corasick::Input::new(text).span(from..text.len()))
        {
            bits |= implied[m.pattern().as_usize()];
            from = m.start() + 1;
        }
        bits
    }
}

impl std::fmt::Debug for WordGroups {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("WordGroups").field(&self.groups).finish()
    }
}

/// The replacements to make: (start, end, text), byte offsets into the pattern.
struct Edits(Vec<(usize, usize, &'static str)>);

impl Edits {
    fn push(&mut self, span: &ast::Span, text: &'static str) {
        self.0.push((span.start.offset, span.end.offset, text));
    }
}

/// An ASCII class for a Perl class: standalone (`\w` → `[[:word:]]`) or as an item of a
/// bracketed class (`[\w.]` → `[[:word:].]`).
fn ascii_twin(class: &ClassPerl, in_brackets: bool) -> &'static str {
    match (&class.kind, class.negated, in_brackets) {
        (ClassPerlKind::Word, false, false) => "[[:word:]]",
        (ClassPerlKind::Word, true, false) => "[^[:word:]]",
        (ClassPerlKind::Digit, false, false) => "[[:digit:]]",
        (ClassPerlKind::Digit, true, false) => "[^[:digit:]]",
        (ClassPerlKind::Space, false, false) => "[[:space:]]",
        (ClassPerlKind::Space, true, false) => "[^[:space:]]",
        (ClassPerlKind::Word, false, true) => "[:word:]",
        (ClassPerlKind::Word, true, true) => "[:^word:]",
        (ClassPerlKind::Digit, false, true) => "[:digit:]",
        (ClassPerlKind::Digit, true, true) => "[:^digit:]",
        (ClassPerlKind::Space, false, true) => "[:space:]",
        (ClassPerlKind::Space, true, true) => "[:^space:]",
    }
}

impl ast::Visitor for Edits {
    type Output = Vec<(usize, usize, &'static str)>;
    type Err = ();

    fn finish(self) -> Result<Self::Output, ()> {
        Ok(self.0)
    }

    fn visit_pre(&mut self, node: &Ast) -> Result<(), ()> {
        match node {
            Ast::ClassPerl(class) => self.push(&class.span, ascii_twin(class, false)),
            // `(?-u:\b)` is allowed on text; `(?-u:\B)` is not (it can match inside a
            // character), so `\B` stays Unicode.
            Ast::Assertion(a) if a.kind == AssertionKind::WordBoundary => {
                self.push(&a.span, r"(?-u:\b)");
            }
            _ => {}
        }
        Ok(())
    }

    fn visit_class_set_item_pre(&mut self, item: &ClassSetItem) -> Result<(), ()> {
        if let ClassSetItem::Perl(class) = item {
            self.push(&class.span, ascii_twin(class, true));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_agree_with_substring_search() {
        static WORDS: Words = Words::new(&["add_route", ".register", "Router", "é"]);
        static ONE: Words = Words::new(&["Router"]);
        static NONE: Words = Words::new(&[]);
        let words = &WORDS;
        assert!(ONE.any_in("x = APIRouter()") && !ONE.any_in("router"));
        assert!(!NONE.any_in("anything"));
        for (text, expected) in [
            ("app.add_route('/x', h)", true),
            ("atexit.register(f)", true),
            ("router = APIRouter()", true),
            ("café", true),
            ("router = make_router()", false),
            ("", false),
        ] {
            assert_eq!(words.any_in(text), expected, "{text}");
        }
        assert_eq!(
            format!("{words:?}"),
            r#"Words(["add_route", ".register", "Router", "é"])"#
        );
    }

    #[test]
    fn word_groups_find_every_list_with_a_word_even_inside_another_word() {
        static GROUPS: WordGroups = WordGroups::new(&[
            &[".register", "add_route"],
            &["Route", "Mount"],
            &["Router", "Blueprint"],
            &["register_blueprint"],
        ]);
        let naive = |text: &str| {
            GROUPS
                .groups
                .iter()
                .enumerate()
                .filter(|(_, g)| g.iter().any(|w| text.contains(w)))
                .fold(0u64, |bits, (i, _)| bits | 1 << i)
        };
        for text in [
            "",
            "nothing here",
            "r = APIRouter()",
            "app.register_blueprint(bp)",
            "atexit.register(f); Mount('/x')",
            "RouteRouter add_route",
            "é Blueprint é",
        ] {
            assert_eq!(GROUPS.present(text), naive(text), "{text}");
        }
        assert_eq!(GROUPS.present("r = APIRouter()"), 0b110);
        assert_eq!(GROUPS.present("app.register_blueprint(bp)"), 0b1001);
    }

    #[test]
    fn any_word_agrees_with_the_case_insensitive_alternation() {
        const WORDS: AnyWord = AnyWord(&["release", "gh-pages", "\\btag"]);
        let pattern = re(r"(?i)release|gh-pages|\btag");
        for text in [
            "softprops/action-gh-release",
            "peaceiris/actions-GH-PAGES",
            "mathieudutour/github-tag-action",
            "tag-it",
            "actions/stage",
            "vintage/x_tag",
            "Actions/Checkout",
            "",
        ] {
            assert_eq!(WORDS.is_match(text), pattern.is_match(text), "{text}");
        }
    }

    #[test]
    fn perl_classes_become_ascii_inside_and_outside_brackets() {
        assert_eq!(
            ascii_classes(r"\w+\s*=\s*\d"),
            "[[:word:]]+[[:space:]]*=[[:space:]]*[[:digit:]]"
        );
        assert_eq!(
            ascii_classes(r"[\w.-]+[^\s)]"),
            "[[:word:].-]+[^[:space:])]"
        );
        assert_eq!(
            ascii_classes(r"\W\S\D"),
            "[^[:word:]][^[:space:]][^[:digit:]]"
        );
        assert_eq!(ascii_classes(r"[\W\d]"), "[[:^word:][:digit:]]");
        assert_eq!(ascii_classes(r"\bfoo\b\B"), r"(?-u:\b)foo(?-u:\b)\B");
    }

    #[test]
    fn escapes_and_other_syntax_are_left_alone() {
        // An escaped backslash before a letter is a literal, not a class.
        assert_eq!(ascii_classes(r"\\w\\d"), r"\\w\\d");
        assert_eq!(ascii_classes(r"(?i)^a.b[^x]\pL"), r"(?i)^a.b[^x]\pL");
        assert!(matches!(ascii_classes(r"plain \. text"), Cow::Borrowed(_)));
        // A pattern that does not parse is passed through for the regex crate to report.
        assert_eq!(ascii_classes(r"\w(unclosed"), r"\w(unclosed");
        assert!(compile(r"\w(unclosed").is_err());
    }

    #[test]
    fn the_rewritten_patterns_match_ascii_code_and_skip_other_scripts() {
        let name = re(r"\b(\w+)\s*=\s*(\d+)\b");
        let caps = name
            .captures("  MAX_CONN = 42;")
            .expect("matches ASCII code");
        assert_eq!((&caps[1], &caps[2]), ("MAX_CONN", "42"));
        // Non-ASCII letters are not identifier characters here, and `.` still matches them.
        assert!(!re(r"^\w+$").is_match("이름"));
        assert!(re(r"^.+$").is_match("이름"));
        assert!(re(r"(?i)\bselect\b").is_match("-- 조회\nSELECT 1"));
        // A word boundary next to a non-ASCII letter: the letter is not a word character.
        assert!(re(r"\bid\b").is_match("이id"));
    }
}
