//! Reading the service's source code for the application-code checks: which files are source
//! of the main language, which are tests, masking comments and strings, line numbers, bracket
//! and block matching, function bodies by name and string constants.
//!
//! Everything here works on the texts the repository view already holds; nothing touches the
//! disk, imports or runs the audited code. Submodules extract framework structure: HTTP routes
//! ([`routes`]) and table definitions of ORMs and SQL ([`models`]).

pub mod config;
pub mod lexer;
pub mod models;
pub mod routes;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{LazyLock, Mutex, OnceLock};

use rayon::prelude::*;
use regex::Regex;

pub use lexer::{Masked, Syntax};

use crate::repo::stack::Language;
use crate::repo::{File, Repo};

/// Compiles a literal regex with ASCII classes (see [`crate::rx`]).
pub(crate) use crate::rx::re;

/// `captures_iter` for patterns that start with a class and end with a literal, like
/// `name.get(` or `name(`.
///
/// For those the regex crate finds a match by its literal suffix, then runs its capture engine
/// from the match start to the end of the text, clearing a bitset the size of that remainder
/// for every match: quadratic in a file with many matches (route decorators, calls). Here the
/// match is found first and its groups are read within the match only (look-around still sees
/// the text before it); should a group assertion at the match's end need the text after it
/// (never in our patterns), the full search is the fallback. Patterns of other shapes are
/// faster with `captures_iter`.
pub(crate) trait CapturesEach {
    fn captures_each<'t>(&self, text: &'t str) -> impl Iterator<Item = regex::Captures<'t>>;
}

impl CapturesEach for Regex {
    fn captures_each<'t>(&self, text: &'t str) -> impl Iterator<Item = regex::Captures<'t>> {
        self.find_iter(text).filter_map(move |m| {
            self.captures_at(&text[..m.end()], m.start())
                .filter(|c| c.get(0).map(|g| g.range()) == Some(m.range()))
                .or_else(|| self.captures_at(text, m.start()))
        })
    }
}

/// One source file of the service.
#[derive(Clone, Copy)]
pub struct Source<'a> {
    /// Repository-relative path (what locations report).
    pub path: &'a str,
    /// Path relative to the audited folder.
    pub rel: &'a str,
    pub syntax: Syntax,
    pub text: &'a str,
}

impl<'a> Source<'a> {
    /// The file name without directories.
    pub fn name(&self) -> &'a str {
        self.rel.rsplit('/').next().unwrap_or(self.rel)
    }

    /// The module a file defines, as other files import it: the stem, or the directory for a
    /// package index (`__init__.py`, `index.ts`, `mod.rs`).
    pub fn module(&self) -> &'a str {
        module_of(self.rel)
    }

    pub fn is_test(&self) -> bool {
        is_test_path(self.rel)
    }

    /// The production view of the file: comments masked (and strings, in the bare copy), and
    /// Rust's inline `#[cfg(test)]` modules blanked, as they are test code.
    pub fn masked(&self) -> Code {
        let mut code = Code::new(self.text, self.syntax);
        if self.syntax == Syntax::Rust && self.text.contains("#[cfg(test)]") {
            code.blank_rust_test_modules();
        }
        code
    }
}

/// The module name of a path: its stem, or the parent directory for package indexes.
pub fn module_of(rel: &str) -> &str {
    let mut parts = rel.rsplit('/');
    let name = parts.next().unwrap_or(rel);
    let stem = name.split('.').next().unwrap_or(name);
    if matches!(stem, "__init__" | "index" | "mod" | "main" | "lib") {
        parts.next().unwrap_or(stem)
    } else {
        stem
    }
}

/// A masked text with a line index.
pub struct Code {
    pub masked: Masked,
    line_starts: Vec<usize>,
}

impl Code {
    pub fn new(text: &str, syntax: Syntax) -> Code {
        let masked = lexer::mask(text, syntax);
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Code {
            masked,
            line_starts,
        }
    }

    /// Comments blanked, strings kept.
    pub fn code(&self) -> &str {
        &self.masked.code
    }

    /// Comments and string contents blanked.
    pub fn bare(&self) -> &str {
        &self.masked.bare
    }

    /// Blanks `#[cfg(test)] mod … { … }` blocks in both copies.
    fn blank_rust_test_modules(&mut self) {
        static TEST_MOD: LazyLock<Regex> =
            LazyLock::new(|| re(r"#\[cfg\(test\)\]\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+\w+\s*\{"));
        let spans: Vec<(usize, usize)> = TEST_MOD
            .find_iter(self.code())
            .map(|m| (m.start(), self.close(m.end() - 1)))
            .collect();
        for (from, to) in spans {
            let mut code = std::mem::take(&mut self.masked.code).into_bytes();
            let mut bare = std::mem::take(&mut self.masked.bare).into_bytes();
            for buf in [&mut code, &mut bare] {
                let end = to.min(buf.len());
                for b in &mut buf[from..end] {
                    // Only ASCII bytes: the copies stay valid UTF-8.
                    if *b != b'\n' && b.is_ascii() {
                        *b = b' ';
                    }
                }
            }
            self.masked.code = String::from_utf8(code).unwrap_or_default();
            self.masked.bare = String::from_utf8(bare).unwrap_or_default();
        }
    }

    /// The 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> u32 {
        line_of(&self.line_starts, offset)
    }

    /// Byte offset where the line holding `offset` starts.
    pub fn line_start(&self, offset: usize) -> usize {
        let l = self.line(offset) as usize;
        self.line_starts[l - 1]
    }

    /// End (exclusive) of the bracketed group opened at `open` (`(`, `[` or `{`), or the end
    /// of the text when it is never closed.
    pub fn close(&self, open: usize) -> usize {
        close_bracket(self.bare().as_bytes(), open)
    }

    /// The span of the body of a definition that starts at `at`: for Python the indented
    /// block under the line, otherwise the first `{…}` block after it (skipping a parameter
    /// list and return type).
    pub fn body(&self, at: usize, syntax: Syntax) -> (usize, usize) {
        if syntax == Syntax::Python {
            python_block(self.bare(), at)
        } else {
            brace_body(self.bare(), at)
        }
    }
}

pub(crate) fn line_of(starts: &[usize], offset: usize) -> u32 {
    match starts.binary_search(&offset) {
        Ok(i) => i as u32 + 1,
        Err(i) => i as u32,
    }
}

/// 1-based lines of a stream of byte offsets in one text, such as a pattern's matches: each
/// newline is counted once while the offsets increase (an earlier offset counts again from
/// the start).
pub struct LineCounter<'t> {
    text: &'t [u8],
    at: usize,
    line: u32,
}

impl<'t> LineCounter<'t> {
    pub fn new(text: &'t str) -> Self {
        LineCounter {
            text: text.as_bytes(),
            at: 0,
            line: 1,
        }
    }

    pub fn line(&mut self, offset: usize) -> u32 {
        let offset = offset.min(self.text.len());
        if offset < self.at {
            self.at = 0;
            self.line = 1;
        }
        self.line += memchr::memchr_iter(b'\n', &self.text[self.at..offset]).count() as u32;
        self.at = offset;
        self.line
    }
}

/// 1-based line of a byte offset in `text` (for one-off lookups).
pub fn line_at(text: &str, offset: usize) -> u32 {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u32
        + 1
}

/// End (exclusive) of the bracket group opened at `open` in a string-blanked text.
pub fn close_bracket(b: &[u8], open: usize) -> usize {
    let Some(&o) = b.get(open) else {
        return b.len();
    };
    let c = match o {
        b'(' => b')',
        b'[' => b']',
        b'{' => b'}',
        b'<' => b'>',
        _ => return open + 1,
    };
    let mut depth = 0usize;
    for (i, &x) in b.iter().enumerate().skip(open) {
        if x == o {
            depth += 1;
        } else if x == c {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return i + 1;
            }
        }
    }
    b.len()
}

/// The `{…}` block of a definition starting at `at`: past the parameter list, the first brace
/// at bracket depth zero.
fn brace_body(bare: &str, at: usize) -> (usize, usize) {
    let b = bare.as_bytes();
    let mut i = at;
    // Skip the parameter list, if any comes before a brace.
    let paren = b[at.min(b.len())..]
        .iter()
        .position(|&x| x == b'(' || x == b'{');
    if let Some(p) = paren
        && b[at + p] == b'('
    {
        i = close_bracket(b, at + p);
    }
    let mut depth = 0i32;
    while i < b.len() {
        match b[i] {
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth -= 1,
            b'{' if depth <= 0 => {
                // Go `interface{}` / Kotlin generic braces in a signature: `{}` directly
                // closed is not a body unless nothing else follows on the line.
                let end = close_bracket(b, i);
                if end == i + 2 {
                    let rest = &bare[end..];
                    let line_rest = rest.split('\n').next().unwrap_or("");
                    if line_rest.contains('{') {
                        i = end;
                        continue;
                    }
                }
                return (i, end);
            }
            b';' if depth <= 0 => return (i, i),
            _ => {}
        }
        i += 1;
    }
    (b.len(), b.len())
}

/// The indented block under the line that holds `at` (a Python `def`/`class` or decorator):
/// from that line to the first later non-blank line indented no deeper. Python indents with
/// ASCII blanks only, so lines are trimmed as bytes (it runs for every route and model).
pub fn python_block(bare: &str, at: usize) -> (usize, usize) {
    // Lines are found with memchr on bytes: `split_inclusive('\n')` went through the
    // char-pattern searcher, 22 M more instructions (of 974 M) over the generated tree's
    // 25,104 route handlers.
    let b = bare.as_bytes();
    let start = memchr::memrchr(b'\n', &b[..at.min(b.len())]).map_or(0, |i| i + 1);
    let line_end =
        |from: usize| memchr::memchr(b'\n', &b[from..]).map_or(b.len(), |i| from + i + 1);
    let indent_of = |line: &[u8]| line.len() - line.trim_ascii_start().len();
    let depth_of = |line: &[u8]| -> i32 {
        line.iter()
            .map(|c| match c {
                b'(' | b'[' | b'{' => 1,
                b')' | b']' | b'}' => -1,
                _ => 0,
            })
            .sum()
    };
    if start >= b.len() {
        return (start, b.len());
    }
    let first = &b[start..line_end(start)];
    let base = indent_of(first);
    let mut pos = start + first.len();
    // A decorator or a multi-line signature: continue to the line that ends with `:` at depth 0.
    let mut depth = depth_of(first);
    let mut header_done = depth <= 0 && first.trim_ascii_end().ends_with(b":");
    let mut decorator = first.trim_ascii_start().starts_with(b"@");
    while pos < b.len() {
        let line = &b[pos..line_end(pos)];
        let trimmed = line.trim_ascii();
        if !header_done {
            depth += depth_of(line);
            if decorator && depth <= 0 && trimmed.starts_with(b"@") {
                pos += line.len();
                continue;
            }
            if depth <= 0 && trimmed.ends_with(b":") {
                header_done = true;
                decorator = false;
            }
            pos += line.len();
            continue;
        }
        if !trimmed.is_empty() && indent_of(line) <= base {
            break;
        }
        pos += line.len();
    }
    (start, pos)
}

pub use crate::repo::paths::is_test_path;

/// Sample, documentation and benchmark trees that are not the running service. Only the top
/// folders count: `com/example/` is a Java package, not a sample.
pub fn is_auxiliary(rel: &str) -> bool {
    let mut parts = rel.split('/');
    let first = parts.next().unwrap_or("");
    let top = |p: &str| {
        matches!(
            p,
            "examples" | "example" | "docs" | "doc" | "samples" | "sample" | "benches" | "bench"
        )
    };
    top(first)
        || (rel.matches('/').count() > 1
            && parts
                .next()
                .is_some_and(|p| p != "example" && p != "sample" && top(p)))
}

/// The syntaxes that make up a language's source.
pub fn syntaxes(language: Language) -> &'static [Syntax] {
    match language {
        Language::Python => &[Syntax::Python],
        Language::Node => &[Syntax::Js],
        Language::Rust => &[Syntax::Rust],
        Language::Go => &[Syntax::Go],
        Language::Jvm => &[Syntax::Java, Syntax::Kotlin],
    }
}

/// Which source files to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Production code of the main language: no tests, samples or vendored trees.
    Production,
    /// Test files of the main language.
    Tests,
    /// Production code in every language (a monorepo's services may differ).
    AllLanguages,
}

/// Source files of the service, as the scope says.
pub fn sources(repo: &Repo, scope: Scope) -> Vec<Source<'_>> {
    let language = repo.stack().language;
    let wanted: &[Syntax] = match (scope, language) {
        (Scope::AllLanguages, _) => &[
            Syntax::Python,
            Syntax::Js,
            Syntax::Rust,
            Syntax::Go,
            Syntax::Java,
            Syntax::Kotlin,
        ],
        (_, Some(l)) => syntaxes(l),
        (_, None) => &[],
    };
    let prefix = repo.prefix.len();
    repo.service_files()
        .filter_map(|f: &File| {
            let rel = &f.path[prefix..];
            let syntax = Syntax::of(rel)?;
            if !wanted.contains(&syntax) || f.is_vendored() || is_generated_path(rel) {
                return None;
            }
            if is_tooling_config(rel) {
                return None;
            }
            let test = f.is_test();
            let keep = match scope {
                Scope::Tests => test,
                Scope::Production | Scope::AllLanguages => !test && !is_auxiliary(rel),
            };
            if !keep {
                return None;
            }
            let text = f.text()?;
            Some(Source {
                path: &f.path,
                rel,
                syntax,
                text,
            })
        })
        .collect()
}

/// Configuration of developer tools written as code (`eslint.config.mjs`, `jest.config.ts`,
/// `vite.config.js`, `.eslintrc.js`, `gulpfile.js`): not the service.
fn is_tooling_config(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel).to_ascii_lowercase();
    const TOOLS: &[&str] = &[
        "eslint",
        "prettier",
        "jest",
        "vitest",
        "webpack",
        "rollup",
        "vite",
        "babel",
        "tsup",
        "commitlint",
        "lint-staged",
        "stylelint",
        "tailwind",
        "postcss",
        "karma",
        "playwright",
        "cypress",
        "nodemon",
        "esbuild",
        "svelte",
        "next",
        "nuxt",
        "astro",
        "drizzle",
    ];
    let stem = name.split('.').next().unwrap_or(&name);
    (name.contains(".config.") && TOOLS.contains(&stem))
        || name.starts_with(".eslintrc")
        || name.starts_with("gulpfile")
        || name.starts_with("gruntfile")
}

/// Declaration files and bundles that are not hand-written source.
fn is_generated_path(rel: &str) -> bool {
    rel.ends_with(".d.ts")
        || rel.ends_with(".min.js")
        || rel.ends_with(".pb.go")
        || rel.ends_with("_pb2.py")
        || crate::repo::paths::segments(rel).any(|p| p == b"generated" || p == b"__generated__")
}

/// Whether a file says it was generated by a tool.
pub fn is_generated_text(text: &str) -> bool {
    let head = &text[..text.floor_char_boundary(600)];
    head.contains("DO NOT EDIT") || head.contains("@generated") || head.contains("Code generated")
}

/// The service files (any kind) whose path relative to PATH satisfies `pred`, not vendored.
pub fn service_files_where<'a>(
    repo: &'a Repo,
    pred: impl Fn(&str) -> bool + 'a,
) -> impl Iterator<Item = (&'a File, &'a str)> + 'a {
    let prefix = repo.prefix.len();
    repo.service_files().filter_map(move |f| {
        let rel = &f.path[prefix..];
        (!f.is_vendored() && pred(rel)).then_some((f, rel))
    })
}

/// The first declared dependency (of the main language's manifests) that matches one of the
/// patterns: exact names, or prefixes written with a trailing `*` (`@sentry/*`).
pub fn find_dependency<'s>(stack: &'s crate::repo::Stack, patterns: &[&str]) -> Option<&'s str> {
    stack.dependencies.iter().map(String::as_str).find(|dep| {
        patterns.iter().any(|p| match p.strip_suffix('*') {
            Some(prefix) => dep.starts_with(prefix),
            None => dep == p,
        })
    })
}

/// A function (or method) definition found by name.
#[derive(Debug, Clone)]
pub struct FnDef {
    pub source: usize,
    pub line: u32,
    pub body: (usize, usize),
}

static PY_DEF: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^[ \t]*(?:async[ \t]+)?def[ \t]+([A-Za-z_]\w*)[ \t]*\("));
static JS_DEF: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?m)(?:\bfunction\s*\*?\s*([A-Za-z_$][\w$]*)\s*\(",
        r"|\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=\n]+)?=\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*(?::[^=\n]+)?=>|[A-Za-z_$][\w$]*\s*=>)",
        r"|^[ \t]*(?:(?:public|private|protected|static|async|override|readonly)\s+)*([A-Za-z_$][\w$]*)\s*\([^)]*\)\s*(?::\s*[^{;\n]+)?\{)"
    ))
});
static GO_DEF: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^func\s+(?:\([^)]*\)\s*)?([A-Za-z_]\w*)\s*(?:\[[^\]]*\])?\("));
static RUST_DEF: LazyLock<Regex> = LazyLock::new(|| re(r"\bfn\s+([A-Za-z_]\w*)\s*[<(]"));
static KOTLIN_DEF: LazyLock<Regex> =
    LazyLock::new(|| re(r"\bfun\s+(?:<[^>]*>\s*)?(?:[\w.]+\.)?([A-Za-z_]\w*)\s*\("));
static JAVA_DEF: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?m)^[ \t]*(?:(?:public|private|protected|static|final|synchronized|abstract|default)\s+)*(?:<[^>]*>\s*)?[\w.<>\[\],? ]+?\s+([A-Za-z_]\w*)\s*\([^;{)]*\)\s*(?:throws\s+[\w.,\s]+)?\{",
    )
});

const NOT_FUNCTIONS: &[&str] = &[
    "if",
    "for",
    "while",
    "switch",
    "catch",
    "return",
    "new",
    "else",
    "do",
    "try",
    "with",
    "function",
    "func",
    "constructor",
    "super",
    "synchronized",
    // Keywords and operators written like calls: `async (ctx) =>`, `await (x)`, `typeof(x)`,
    // `not (a and b)`, `assert(x)`, `match (x)`, `when (x)`.
    "async",
    "await",
    "typeof",
    "void",
    "delete",
    "instanceof",
    "yield",
    "throw",
    "case",
    "elif",
    "not",
    "and",
    "or",
    "in",
    "is",
    "assert",
    "lambda",
    "match",
    "when",
    // jQuery's `$(…)` and gettext's `_(…)`: no handler logic behind them.
    "$",
    "_",
];

/// The function (and method) definitions of one masked file, in order.
pub fn functions_of(source: usize, syntax: Syntax, code: &Code) -> Vec<(String, FnDef)> {
    let pattern: &Regex = match syntax {
        Syntax::Python => &PY_DEF,
        Syntax::Js => &JS_DEF,
        Syntax::Go => &GO_DEF,
        Syntax::Rust => &RUST_DEF,
        Syntax::Kotlin => &KOTLIN_DEF,
        Syntax::Java => &JAVA_DEF,
    };
    let mut out = Vec::new();
    for cap in pattern.captures_iter(code.bare()) {
        let Some(name) = cap.iter().skip(1).flatten().next() else {
            continue;
        };
        if NOT_FUNCTIONS.contains(&name.as_str()) {
            continue;
        }
        let at = cap.get(0).map_or(0, |m| m.start());
        let body = code.body(name.start(), syntax);
        out.push((
            name.as_str().to_string(),
            FnDef {
                source,
                line: code.line(at + (cap[0].len() - cap[0].trim_start().len())),
                body,
            },
        ));
    }
    out
}

/// A name defined more often than this is too common to follow.
const MOST_DEFINITIONS: usize = 17;
/// Lookups by searching the files before the function index is built.
const COLD_LOOKUPS_BEFORE_INDEX: usize = 24;

/// A set of source files read lazily: a file is masked, and its functions and string
/// constants indexed, only when a lookup first needs it.
///
/// Concurrency rule: no part that anyone waits for is built with parallel work. A thread
/// waiting for parallel work may pick up another job that needs the same part, and a
/// `OnceLock` initialised re-entrantly deadlocks. Per-file parts are built without rayon; the
/// function index is built in parallel but never waited for ([`Corpus::warm_functions`]).
pub struct Corpus<'a> {
    pub sources: Vec<Source<'a>>,
    codes: Vec<OnceLock<Code>>,
    functions: Vec<OnceLock<Vec<(String, FnDef)>>>,
    constants: Vec<OnceLock<Vec<(String, String)>>>,
    /// Set when building `function_index` starts (by one thread, once).
    functions_warm: AtomicBool,
    /// Lookups answered by searching the files.
    cold_lookups: AtomicUsize,
    function_index: OnceLock<HashMap<String, Vec<FnDef>>>,
    /// Lookups made before warm-up, by name.
    function_memo: Mutex<HashMap<String, Vec<FnDef>>>,
    /// Names that may be assigned a string, with the files that may assign them.
    constant_candidates: OnceLock<HashMap<&'a str, Vec<usize>>>,
}

impl<'a> Corpus<'a> {
    pub fn new(sources: Vec<Source<'a>>) -> Corpus<'a> {
        let n = sources.len();
        Corpus {
            sources,
            codes: (0..n).map(|_| OnceLock::new()).collect(),
            functions: (0..n).map(|_| OnceLock::new()).collect(),
            constants: (0..n).map(|_| OnceLock::new()).collect(),
            functions_warm: AtomicBool::new(false),
            cold_lookups: AtomicUsize::new(0),
            function_index: OnceLock::new(),
            function_memo: Mutex::new(HashMap::new()),
            constant_candidates: OnceLock::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.sources.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    /// Masks every file and indexes its functions, in parallel: worth it before many
    /// [`Corpus::find_function`] lookups (which also start it by themselves after a few).
    ///
    /// Nobody ever waits for the index: while it is being built, lookups search the files
    /// (see the type's docs for why a parallel initialiser must not be waited for).
    pub fn warm_functions(&self) {
        if self.function_index.get().is_some() || self.functions_warm.swap(true, Ordering::AcqRel) {
            return;
        }
        (0..self.len()).into_par_iter().for_each(|i| {
            self.functions_in(i);
        });
        let mut index: HashMap<String, Vec<FnDef>> = HashMap::new();
        for i in 0..self.len() {
            for (n, def) in self.functions_in(i) {
                match index.get_mut(n.as_str()) {
                    Some(defs) if defs.len() < MOST_DEFINITIONS => defs.push(def.clone()),
                    Some(_) => {}
                    None => {
                        index.insert(n.clone(), vec![def.clone()]);
                    }
                }
            }
        }
        let _ = self.function_index.set(index);
    }

    /// The masked text of source `i`.
    pub fn code(&self, i: usize) -> &Code {
        self.codes[i].get_or_init(|| self.sources[i].masked())
    }

    /// In file order, the sources whose raw text passes `wanted` (a cheap test that spares
    /// masking the others), each with its masked code.
    pub fn codes_where<'s>(
        &'s self,
        wanted: impl Fn(&Source<'a>) -> bool + 's,
    ) -> impl Iterator<Item = (&'s Source<'a>, &'s Code)> + 's {
        self.sources
            .iter()
            .enumerate()
            .filter(move |(_, src)| wanted(src))
            .map(|(i, src)| (src, self.code(i)))
    }

    /// The functions defined in source `i`.
    pub fn functions_in(&self, i: usize) -> &[(String, FnDef)] {
        self.functions[i].get_or_init(|| functions_of(i, self.sources[i].syntax, self.code(i)))
    }

    /// Definitions of a function name anywhere in the corpus, in file order (at most 17: a name
    /// defined more often than that is too common to follow).
    ///
    /// Once every function is indexed a lookup is a hash probe. Before, the files that contain
    /// the name are masked and searched, and the answer is remembered; after a few such
    /// lookups the index is built (in parallel), as more are likely to follow.
    pub fn find_function(&self, name: &str) -> Vec<FnDef> {
        if let Some(index) = self.function_index.get() {
            return index.get(name).cloned().unwrap_or_default();
        }
        if let Ok(memo) = self.function_memo.lock()
            && let Some(found) = memo.get(name)
        {
            return found.clone();
        }
        if self.cold_lookups.fetch_add(1, Ordering::Relaxed) == COLD_LOOKUPS_BEFORE_INDEX {
            self.warm_functions();
            if let Some(index) = self.function_index.get() {
                return index.get(name).cloned().unwrap_or_default();
            }
        }
        let mut found = Vec::new();
        for (i, src) in self.sources.iter().enumerate() {
            if found.len() >= MOST_DEFINITIONS {
                break;
            }
            if !contains_word(src.text, name) {
                continue;
            }
            found.extend(
                self.functions_in(i)
                    .iter()
                    .filter(|(n, _)| n == name)
                    .map(|(_, d)| d.clone())
                    .take(MOST_DEFINITIONS - found.len()),
            );
        }
        if let Ok(mut memo) = self.function_memo.lock() {
            memo.insert(name.to_string(), found.clone());
        }
        found
    }

    /// The value of a string constant (`API_V1_STR = "/api/v1"`, `const PREFIX = '/v2'`,
    /// `static final String BASE = "/v1"`), if one is assigned anywhere: the first assignment
    /// in file order.
    ///
    /// Route extraction resolves every argument that is a name, and a JavaScript service calls
    /// `map.get(key)` thousands of times, so a lookup must not search the corpus: the first one
    /// lists, from the raw texts, every name on the left of an `=` whose right side is a
    /// quoted string (a superset of the assignments). A lookup then reads only the files that
    /// may assign the name, masked, with the exact pattern.
    pub fn constant(&self, name: &str) -> Option<String> {
        if name.len() < 3 || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return None;
        }
        let candidates = self.constant_candidates.get_or_init(|| {
            let mut index: HashMap<&'a str, Vec<usize>> = HashMap::new();
            for (i, src) in self.sources.iter().enumerate() {
                for n in assigned_names(src.text) {
                    let files = index.entry(n).or_default();
                    if files.last() != Some(&i) {
                        files.push(i);
                    }
                }
            }
            index
        });
        candidates.get(name)?.iter().find_map(|&i| {
            self.constants_in(i)
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        })
    }

    /// The string constants source `i` assigns, first assignment per name.
    fn constants_in(&self, i: usize) -> &[(String, String)] {
        self.constants[i].get_or_init(|| {
            let mut found: Vec<(String, String)> = Vec::new();
            for c in CONSTANT.captures_iter(self.code(i).code()) {
                let (Some(n), Some(v)) = (c.get(1), c.get(2)) else {
                    continue;
                };
                if !found.iter().any(|(k, _)| k == n.as_str()) {
                    found.push((n.as_str().to_string(), v.as_str().to_string()));
                }
            }
            found
        })
    }
}

/// Whether `name` occurs in `text` as a whole identifier (not inside `call` for `all`): a
/// file that defines a function mentions its name so.
fn contains_word(text: &str, name: &str) -> bool {
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    let b = text.as_bytes();
    memchr::memmem::find_iter(b, name.as_bytes()).any(|at| {
        let before = at.checked_sub(1).map(|i| b[i]);
        let after = b.get(at + name.len()).copied();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    })
}

/// Identifiers before an `=` (or `:=`) whose right side is a quoted string, possibly through
/// pydantic's `Field(default=…)` or a string prefix: every name [`CONSTANT`] could match, and
/// some more (the words of a type annotation). Read from raw text, without masking.
///
/// The `=` signs are found with `memchr`, not line by line. From each, the name is looked for
/// back over what a name and its annotation can hold (`NAME: Final[str] =`, `&'static str`),
/// so a long line with many assignments (a minified bundle, a data literal) costs its length,
/// not its length times its `=` signs. Whitespace on either side may span lines, as it may in
/// [`CONSTANT`].
fn assigned_names(text: &str) -> impl Iterator<Item = &str> {
    let b = text.as_bytes();
    memchr::memchr_iter(b'=', b)
        .filter_map(move |eq| {
            let next = b.get(eq + 1).copied();
            let prev = eq.checked_sub(1).map(|p| b[p]);
            if matches!(next, Some(b'=' | b'>')) || matches!(prev, Some(b'=' | b'!' | b'<' | b'>'))
            {
                return None;
            }
            let mut rest = text[eq + 1..].trim_start();
            if let Some(r) = rest.strip_prefix("Field(") {
                rest = r.trim_start();
                if let Some(r) = rest.strip_prefix("default") {
                    rest = r.trim_start().trim_start_matches('=').trim_start();
                }
            }
            let rest = rest.trim_start_matches(['r', 'f', 'b', 'u']);
            if !rest.starts_with(['"', '\'', '`']) {
                return None;
            }
            let start = b[..eq]
                .iter()
                .rposition(|&c| !(c.is_ascii_alphanumeric() || in_annotation(c)))
                .map_or(0, |i| i + 1);
            Some(&text[start..eq])
        })
        .flat_map(|head| {
            head.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .filter(|w| w.len() >= 3 && !w.as_bytes()[0].is_ascii_digit())
        })
}

/// Bytes besides letters and digits that may stand between a constant's name and its `=`:
/// the type annotation's (`[\w&'\[\]. |]` in [`CONSTANT`]), the `:` before it, whitespace.
fn in_annotation(c: u8) -> bool {
    matches!(
        c,
        b'_' | b'&'
            | b'\''
            | b'['
            | b']'
            | b'.'
            | b'|'
            | b':'
            | b' '
            | b'\t'
            | b'\n'
            | b'\r'
            | 0x0b
            | 0x0c
    )
}

/// A string constant's assignment in any of the languages: `NAME = "v"`, `NAME: str = "v"`,
/// `const NAME = 'v'`, `export const NAME: string = \`v\``, `pub const NAME: &str = "v"`,
/// `static final String NAME = "v"`, `const val NAME = "v"`, Go's `NAME := "v"`, pydantic's
/// `NAME: str = Field(default="v")`. Group 1 is the name, group 2 the value.
static CONSTANT: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r#"(?m)(?:^|[\s(,{])(?:(?:pub\s+)?(?:const|static)\s+|(?:export\s+)?(?:const|let|var)\s+"#,
        r#"|(?:public\s+|private\s+|protected\s+)?(?:static\s+)?(?:final\s+)?String\s+|(?:const\s+)?val\s+)?"#,
        r#"([A-Za-z_][A-Za-z0-9_]*)\s*(?::\s*[\w&'\[\]. |]+?)?\s*(?::=|=)\s*"#,
        r#"(?:Field\(\s*(?:default\s*=\s*)?)?[rfbu]?["'`]([^"'`\n]*)["'`]"#
    ))
});

static CALLED: LazyLock<Regex> = LazyLock::new(|| re(r"([A-Za-z_$][\w$]*)\s*(?:!\s*)?\("));
static REFERENCED: LazyLock<Regex> = LazyLock::new(|| re(r"[A-Za-z_$][\w$]*"));

/// Identifiers a piece of code calls (`name(`), or merely names when `all_names` (a handler
/// passed by reference: `get(ready)`, `HandleFunc("/x", h.Ready)`).
///
/// A reference is looked for in the route call's arguments: the call itself (`path`,
/// `router.get`), a keyword argument's name (`name="status"`) and a string prefix (`r"^x"`)
/// name no handler. An argument that is a function written in place
/// (`async (ctx) => {…}`, `func(w http.ResponseWriter, r *http.Request) {…}`, `lambda r: …`)
/// is a body like any other: what it calls is followed, not its parameters and variables.
pub fn called_names(bare: &str, all_names: bool) -> Vec<&str> {
    fn calls(region: &str) -> Vec<regex::Match<'_>> {
        CALLED
            .captures_each(region)
            .filter_map(|c| c.get(1))
            .filter(|m| !is_definition(region, m.start()))
            .collect()
    }
    let found: Vec<regex::Match<'_>> = if all_names {
        let args = bare.find('(').map_or(0, |i| i + 1);
        let mut found = Vec::new();
        for (from, to) in top_level_arguments(bare, args) {
            let arg = &bare[from..to];
            if is_inline_function(arg) {
                found.extend(calls(arg));
                continue;
            }
            found.extend(REFERENCED.find_iter(arg).filter(|m| {
                let rest = &bare[from + m.end()..];
                !rest.starts_with(['"', '\'']) && !is_keyword_argument(rest)
            }));
        }
        found
    } else {
        calls(bare)
    };
    let mut out: Vec<&str> = found
        .iter()
        .map(|m| m.as_str())
        .filter(|n| !NOT_FUNCTIONS.contains(n))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The spans of a call's arguments, split at the commas outside brackets, from just after
/// its `(` at `open` to its closing `)` (or the end of the text). Masked text has no quotes
/// to mind.
fn top_level_arguments(bare: &str, from: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = from;
    for (i, b) in bare.bytes().enumerate().skip(from) {
        match b {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' if depth == 0 => {
                out.push((start, i));
                return out;
            }
            b')' | b']' | b'}' => depth -= 1,
            b',' if depth == 0 => {
                out.push((start, i));
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push((start, bare.len()));
    out
}

/// Whether a call argument is a function written in place: an arrow function or lambda of
/// JavaScript, Java or Kotlin (`=>`, `->`), Python's `lambda`, Go's `func(…)`, JavaScript's
/// `function`, a Rust closure (`|s| …`, `move |…|`), a Kotlin or Swift block (`{ … }`).
fn is_inline_function(arg: &str) -> bool {
    let a = arg.trim_start();
    let word = a
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .next()
        .unwrap_or("");
    matches!(word, "function" | "lambda" | "async" | "move")
        || a.starts_with("func(")
        || a.starts_with("func (")
        || a.starts_with(['|', '{'])
        || a.contains("=>")
        || a.contains("->")
}

/// Whether the text after a name starts with a single `=` (not `==` or `=>`): the name is a
/// keyword argument or an assignment target.
fn is_keyword_argument(rest: &str) -> bool {
    let rest = rest.trim_start_matches([' ', '\t']);
    rest.starts_with('=') && !rest[1..].starts_with(['=', '>'])
}

/// Whether the name at `at` is the one a definition introduces (`def ready(`, `fn ready(`,
/// `function ready(`, Go's `func (s *Server) Ready(`): a body does not call itself, and
/// following the name would pull in every other function of that name.
fn is_definition(bare: &str, at: usize) -> bool {
    let line = &bare[bare[..at].rfind('\n').map_or(0, |i| i + 1)..at];
    let before = line.trim_end();
    let word = before
        .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .next()
        .unwrap_or("");
    if matches!(word, "def" | "fn" | "func" | "function" | "fun") {
        return true;
    }
    // A Go method: `func (recv T) Name(`.
    before.ends_with(')') && before.trim_start().starts_with("func ")
}

/// Names too common to follow: any function of that name anywhere would be pulled in.
pub(crate) const GENERIC_CALLS: &[&str] = &[
    "get",
    "set",
    "post",
    "put",
    "patch",
    "delete",
    "run",
    "execute",
    "query",
    "call",
    "new",
    "init",
    "main",
    "json",
    "dumps",
    "loads",
    "str",
    "len",
    "int",
    "print",
    "format",
    "send",
    "status",
    "to",
    "into",
    "from",
    "map",
    "filter",
    "then",
    "catch",
    "unwrap",
    "ok",
    "err",
    "Ok",
    "Err",
    "Some",
    "append",
    "push",
    "log",
    "info",
    "warn",
    "error",
    "debug",
    "handle",
    "handler",
    "apply",
    "update",
    "create",
    "close",
    "open",
    "read",
    "write",
    "list",
    "dict",
    "isinstance",
    "getattr",
    "setattr",
    "super",
    "next",
    "iter",
    "range",
    "clone",
    "toString",
    "equals",
    "hashCode",
    "String",
    "Error",
    "JSONResponse",
    "Response",
    "HTTPException",
    // Built-in string, collection and path helpers of the languages: a definition of one
    // found in the service is almost never the one called, and looking them up reads
    // hundreds of files.
    "join",
    "split",
    "rsplit",
    "replace",
    "strip",
    "lstrip",
    "rstrip",
    "lower",
    "upper",
    "title",
    "startswith",
    "endswith",
    "encode",
    "decode",
    "items",
    "keys",
    "values",
    "pop",
    "zip",
    "enumerate",
    "sorted",
    "reversed",
    "splitext",
    "basename",
    "dirname",
    "includes",
    "indexOf",
    "slice",
    "trim",
    "toLowerCase",
    "toUpperCase",
    "startsWith",
    "endsWith",
    "forEach",
    "stringify",
    // JavaScript's promise, timer and date built-ins (`Promise.race([…])`, `Date.now()`).
    "Promise",
    "race",
    "all",
    "allSettled",
    "resolve",
    "reject",
    "finally",
    "setTimeout",
    "setInterval",
    "clearTimeout",
    "now",
    "Date",
    "parseInt",
    "parseFloat",
    "isArray",
    "entries",
    "fromEntries",
    "assign",
    "some",
    "every",
    "reduce",
    "find",
    "concat",
];

/// The text of a region plus the bodies of the functions it calls, followed to `depth` levels
/// by name (the same name anywhere in the corpus matches).
pub fn expand_calls(
    start: (usize, (usize, usize)),
    corpus: &Corpus<'_>,
    depth: usize,
    by_reference: bool,
) -> String {
    let mut seen: Vec<(usize, usize)> = vec![(start.0, (start.1).0)];
    let mut frontier = vec![start];
    let mut text = String::new();
    for level in 0..=depth {
        let mut next = Vec::new();
        for (src, (from, to)) in frontier {
            if src >= corpus.len() {
                continue;
            }
            let code = corpus.code(src);
            let to = to.min(code.code().len());
            let from = from.min(to);
            text.push_str(&code.code()[from..to]);
            text.push('\n');
            if level == depth {
                continue;
            }
            let names = called_names(&code.bare()[from..to], by_reference && level == 0);
            for name in names.into_iter().filter(|n| !GENERIC_CALLS.contains(n)) {
                for def in corpus.find_function(name) {
                    let key = (def.source, def.body.0);
                    if !seen.contains(&key) && seen.len() < 64 {
                        seen.push(key);
                        next.push((def.source, def.body));
                    }
                }
            }
        }
        frontier = next;
    }
    text
}

/// Whether a variable or field name is about the database connection: `DATABASE_URL`,
/// `DB_HOST`, `POSTGRES_PASSWORD`, `PGHOST`, `databaseUrl`, `SQLALCHEMY_DATABASE_URI`,
/// `SPRING_DATASOURCE_URL`, `MONGO_URI` — not `SENTRY_DSN` or `FEEDBACK_URL`.
pub fn is_db_name(name: &str) -> bool {
    // Split snake, kebab and camel case into lower-case words.
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c == '_' || c == '-' || c == '.' {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    const DB: &[&str] = &[
        "database",
        "databases",
        "db",
        "postgres",
        "postgresql",
        "pg",
        "psql",
        "mysql",
        "mariadb",
        "mongo",
        "mongodb",
        "sql",
        "sqlalchemy",
        "jdbc",
        "datasource",
        "r2dbc",
        "mssql",
        "sqlserver",
        "redshift",
        "cockroach",
        "cockroachdb",
        "dbname",
        "dburl",
        "dsn",
    ];
    const PG_PARTS: &[&str] = &[
        "host", "user", "password", "database", "port", "sslmode", "uri", "url",
    ];
    words.iter().any(|w| {
        DB.contains(&w.as_str())
            || w.strip_prefix("pg")
                .is_some_and(|rest| PG_PARTS.contains(&rest))
            || w.strip_prefix("db")
                .is_some_and(|rest| PG_PARTS.contains(&rest))
    }) && !(words.len() > 1
        && words.last().is_some_and(|w| w == "dsn")
        && !words
            .iter()
            .any(|w| DB[..DB.len() - 1].contains(&w.as_str())))
}

/// The last identifier of an expression (`settings.API_V1_STR` → `API_V1_STR`).
pub fn last_identifier(expr: &str) -> Option<&str> {
    let expr = expr.trim().trim_end_matches("()");
    let tail = expr
        .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .next()?;
    (!tail.is_empty() && !tail.starts_with(|c: char| c.is_ascii_digit())).then_some(tail)
}

/// A short, single-line excerpt for messages.
pub fn excerpt(s: &str, max: usize) -> String {
    let one = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() <= max {
        one
    } else {
        let mut cut: String = one.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_blocks_end_at_the_dedent() {
        let src = "@app.get(\n    '/x',\n)\ndef f():\n    a = 1\n\n    return a\nx = 2\n";
        let (s, e) = python_block(src, 0);
        assert_eq!(s, 0);
        assert!(src[s..e].contains("return a"));
        assert!(!src[s..e].contains("x = 2"));
    }

    #[test]
    fn brace_bodies_skip_signatures() {
        let go = "func (h *H) Ready(w http.ResponseWriter, r *http.Request) map[string]interface{} {\n\treturn nil\n}\n";
        let (s, e) = brace_body(go, 0);
        assert!(go[s..e].contains("return nil"), "{}", &go[s..e]);
    }

    #[test]
    fn functions_are_indexed_and_calls_followed() {
        let py = Source {
            path: "a.py",
            rel: "a.py",
            syntax: Syntax::Python,
            text: "def ready():\n    return check()\n\ndef check():\n    return db.execute('SELECT 1')\n",
        };
        let corpus = Corpus::new(vec![py]);
        let ready = &corpus.find_function("ready")[0];
        let text = expand_calls((0, ready.body), &corpus, 2, false);
        assert!(text.contains("SELECT 1"), "{text}");
    }

    #[test]
    fn a_definition_is_not_a_call_of_itself() {
        let py =
            "@router.get('/ready')\nasync def ready(db=Depends(get_db)):\n    return ping(db)\n";
        assert_eq!(called_names(py, false), ["Depends", "get", "ping"]);
        let go = "func (h *Handler) Ready(w http.ResponseWriter) {\n\th.store.Ping(ctx)\n}\n";
        assert_eq!(called_names(go, false), ["Ping"]);
        let js = "export async function ready(req, res) { await pool.query('SELECT 1') }";
        assert_eq!(called_names(js, false), ["query"]);
        // A handler passed by reference keeps every name it mentions.
        assert!(called_names("get(ready)", true).contains(&"ready"));
    }

    #[test]
    fn a_route_call_names_its_handler_in_its_arguments_only() {
        // Masked text keeps the quotes and blanks what is between them.
        let django = r#"re_path(r"      ", views.StatusView.as_view(), name="      ", kwargs={})"#;
        assert_eq!(
            called_names(django, true),
            ["StatusView", "as_view", "views"]
        );
        let express = "router.get('       ', auth, healthController.ready)";
        assert_eq!(
            called_names(express, true),
            ["auth", "healthController", "ready"]
        );
        // `==` is no keyword argument; a function written in place is followed by what it
        // calls, not by its parameters.
        assert_eq!(
            called_names("get(ready == x, (r) => check(r))", true),
            ["check", "ready", "x"]
        );
        let koa = "router.get('       ', async (ctx) => { ctx.body = await probe(db, true) })";
        assert_eq!(called_names(koa, true), ["probe"]);
        let go = "r.Get(\"       \", func(w http.ResponseWriter, r *http.Request) { h.db.Ping() })";
        assert_eq!(called_names(go, true), ["Ping"]);
        let nested = "app.get('  ', requireAuth(checks.ready), (req, res) => res.send(ok()))";
        assert_eq!(
            called_names(nested, true),
            ["checks", "ok", "ready", "requireAuth", "send"]
        );
    }

    #[test]
    fn a_name_defined_in_two_files_is_found_in_both_in_file_order() {
        let file = |path: &'static str| Source {
            path,
            rel: path,
            syntax: Syntax::Python,
            text: "def ping():\n    return 1\n",
        };
        let corpus = Corpus::new(vec![file("a.py"), file("b.py"), file("c.py")]);
        let sources: Vec<usize> = corpus
            .find_function("ping")
            .iter()
            .map(|d| d.source)
            .collect();
        assert_eq!(sources, [0, 1, 2]);
        assert!(corpus.find_function("pong").is_empty());
    }

    #[test]
    fn constants_are_found_in_every_form_but_not_in_comments() {
        let file = |path: &'static str, syntax, text: &'static str| Source {
            path,
            rel: path,
            syntax,
            text,
        };
        let corpus = Corpus::new(vec![
            file(
                "a.py",
                Syntax::Python,
                "# OLD_PREFIX = \"/v0\"\nAPI_V1_STR: str = \"/api/v1\"\nROOT = Field(default=\"/r\")\n",
            ),
            file("b.go", Syntax::Go, "package x\nbase := \"/v2\"\n"),
            file(
                "c.ts",
                Syntax::Js,
                "export const PREFIX: string = '/v3';\nif (a == 'x') {}\n",
            ),
            file("d.py", Syntax::Python, "API_V1_STR = \"/later\"\n"),
        ]);
        assert_eq!(corpus.constant("API_V1_STR").as_deref(), Some("/api/v1"));
        assert_eq!(corpus.constant("ROOT").as_deref(), Some("/r"));
        assert_eq!(corpus.constant("base").as_deref(), Some("/v2"));
        assert_eq!(corpus.constant("PREFIX").as_deref(), Some("/v3"));
        assert_eq!(corpus.constant("OLD_PREFIX"), None);
        assert_eq!(corpus.constant("str"), None);
    }

    #[test]
    fn the_assignment_index_holds_every_name_the_constant_pattern_reads() {
        let samples = [
            "API_V1_STR: str = \"/api/v1\"\nROOT = Field(default=\"/r\")\n",
            "export const PREFIX: string = '/v3';\nlet a = f(x = 'y', z == 'w')\n",
            "pub const BASE: &'static str = \"/v1\";\nstatic final String PATH = \"/p\";\n",
            "base := \"/v2\"\nconst val KT_BASE = \"/k\"\nNAME: Final[str] = r'/raw'\n",
            // Whitespace around `=` may span lines in the pattern, and so here.
            "SPLIT_NAME =\n    \"/split\"\nOTHER\n= \"/o\"\n",
            // A long line of many assignments (a bundle): found, and in linear time.
            &"var abc=\"1\",def=\"2\";".repeat(2000),
        ];
        for text in samples {
            let index: std::collections::HashSet<&str> = assigned_names(text).collect();
            let mut read = 0;
            for c in CONSTANT.captures_iter(text) {
                let name = &c[1];
                if name.len() >= 3 {
                    read += 1;
                    assert!(
                        index.contains(name),
                        "{name} missing from the index of {text:.60}"
                    );
                }
            }
            assert!(read > 0, "the sample {text:.60} assigns a constant");
        }
        let index: Vec<&str> =
            assigned_names("if (a == 'x' || b != \"y\" || c <= 'z') {}").collect();
        assert!(index.is_empty(), "comparisons assign nothing: {index:?}");
    }

    #[test]
    fn a_name_is_found_as_a_whole_identifier_only() {
        assert!(contains_word("await Promise.all(checks)", "all"));
        assert!(contains_word("def ping():", "ping"));
        assert!(contains_word("ping", "ping"));
        assert!(!contains_word("install(); call(); allow()", "all"));
        assert!(!contains_word("$all + all_ + all2", "all"));
        assert!(contains_word("x = $all + all", "all"));
    }

    #[test]
    fn the_line_counter_agrees_with_counting_from_the_start() {
        let text = "a\nbb\n\nccc\nd";
        let mut counter = LineCounter::new(text);
        for offset in [0, 1, 2, 5, 6, 6, 10, 3, 11, 100] {
            assert_eq!(
                counter.line(offset),
                line_at(text, offset),
                "offset {offset}"
            );
        }
    }

    #[test]
    fn function_lookups_agree_before_and_after_warm_up() {
        let file = |path: &'static str, text: &'static str| Source {
            path,
            rel: path,
            syntax: Syntax::Python,
            text,
        };
        let sources = || {
            vec![
                file(
                    "a.py",
                    "def ping():\n    return 1\n# def pong(): a comment\n",
                ),
                file("b.py", "async def ping(db):\n    return db\n"),
            ]
        };
        let cold = Corpus::new(sources());
        let warm = Corpus::new(sources());
        warm.warm_functions();
        for name in ["ping", "pong", "db"] {
            let key = |c: &Corpus<'_>| -> Vec<(usize, u32)> {
                c.find_function(name)
                    .iter()
                    .map(|d| (d.source, d.line))
                    .collect()
            };
            assert_eq!(key(&cold), key(&warm), "{name}");
        }
        assert_eq!(cold.find_function("ping").len(), 2);
        assert!(cold.find_function("pong").is_empty());
        // Enough lookups build the index on the way; answers stay the same.
        for i in 0..2 * COLD_LOOKUPS_BEFORE_INDEX {
            assert!(cold.find_function(&format!("missing_{i}")).is_empty());
        }
        assert!(cold.function_index.get().is_some());
        assert_eq!(cold.find_function("ping").len(), 2);
    }

    #[test]
    fn database_names_are_told_from_others() {
        for n in [
            "DATABASE_URL",
            "DB_HOST",
            "POSTGRES_PASSWORD",
            "PGHOST",
            "databaseUrl",
            "MONGO_URI",
            "SQLALCHEMY_DATABASE_URI",
            "SPRING_DATASOURCE_URL",
            "database_url",
            "DSN",
            "dbUser",
        ] {
            assert!(is_db_name(n), "{n}");
        }
        for n in [
            "SENTRY_DSN",
            "FEEDBACK_URL",
            "PORT",
            "SECRET_KEY",
            "LOG_LEVEL",
            "STANDBY",
        ] {
            assert!(!is_db_name(n), "{n}");
        }
    }

    #[test]
    fn rust_test_modules_are_not_production_code() {
        let src = Source {
            path: "src/lib.rs",
            rel: "src/lib.rs",
            syntax: Syntax::Rust,
            text: "fn app() { route(\"/items\") }\n#[cfg(test)]\nmod tests {\n    fn t() { route(\"/inbox\") }\n}\n",
        };
        let code = src.masked();
        assert!(code.code().contains("/items"));
        assert!(!code.code().contains("/inbox"));
        assert_eq!(code.code().len(), src.text.len());
    }

    #[test]
    fn constants_resolve_prefixes() {
        let src = Source {
            path: "c.py",
            rel: "c.py",
            syntax: Syntax::Python,
            text: "class S:\n    API_V1_STR: str = \"/api/v1\"\n",
        };
        let corpus = Corpus::new(vec![src]);
        assert_eq!(corpus.constant("API_V1_STR").as_deref(), Some("/api/v1"));
        assert_eq!(corpus.constant("MISSING"), None);
        assert_eq!(last_identifier("settings.API_V1_STR"), Some("API_V1_STR"));
    }
}
