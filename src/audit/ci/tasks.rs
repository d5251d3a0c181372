//! The files a CI step reaches through: task runners and tool configurations.
//!
//! A workflow rarely calls `pytest` directly; it calls `make test`, `npm test`, `tox -e py`,
//! `just lint` or `pre-commit run`. These readers turn the runner's file (Makefile, justfile,
//! Taskfile, package.json scripts, tox/nox/pdm/hatch/poe configuration, pre-commit and
//! lefthook configs) into the commands it would run, with their lines, and read the tool
//! configurations that change what a command does (pytest `addopts`, jest/vitest coverage,
//! Gradle and Maven plugins, golangci-lint formatters, compose services). Nothing is run.

use crate::rx::re;
use std::collections::HashMap;
use std::sync::LazyLock;

use indexmap::IndexMap;
use regex::Regex;
use serde_json::Value;

/// 1-based line of the first line at or after `from` (1-based) that satisfies `pred`.
pub fn find_line(text: &str, from: u32, pred: impl Fn(&str) -> bool) -> Option<u32> {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1) as usize)
        .find(|(_, l)| pred(l))
        .map(|(i, _)| i as u32 + 1)
}

/// 1-based line of the first line containing `needle`.
pub fn line_of(text: &str, needle: &str) -> Option<u32> {
    find_line(text, 1, |l| l.contains(needle))
}

/// Parses YAML into a generic value (configs whose shape varies).
pub fn yaml(text: &str) -> Option<Value> {
    serde_saphyr::from_str::<Value>(text).ok()
}

// ---------------------------------------------------------------------------------------
// Makefile

/// A rule of a Makefile: its targets, prerequisites and recipe lines (1-based).
#[derive(Debug, Clone)]
pub struct MakeRule {
    pub targets: Vec<String>,
    pub prereqs: Vec<String>,
    pub recipe: Vec<(u32, String)>,
}

#[derive(Debug, Default)]
pub struct Makefile {
    vars: HashMap<String, String>,
    pub rules: Vec<MakeRule>,
    pub default_goal: Option<String>,
}

static MAKE_ASSIGN: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^(?:export\s+|override\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*(::?=|:::=|\?=|\+=|!=|=)\s*(.*)$")
});
static MAKE_RULE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^([^\s:#=][^:#=]*?)\s*(::?)(?:\s+|$)(.*)$"));

impl Makefile {
    pub fn parse(text: &str) -> Makefile {
        let mut mk = Makefile::default();
        let mut lines: Vec<(u32, String)> = Vec::new();
        let mut pending: Option<(u32, String)> = None;
        for (i, raw) in text.lines().enumerate() {
            let (start, mut acc) = pending.take().unwrap_or((i as u32 + 1, String::new()));
            if let Some(s) = raw.strip_suffix('\\') {
                acc.push_str(s);
                acc.push(' ');
                pending = Some((start, acc));
                continue;
            }
            acc.push_str(raw);
            lines.push((start, acc));
        }
        if let Some(p) = pending {
            lines.push(p);
        }
        let mut current: Option<usize> = None;
        // `define NAME … endef`: a multi-line variable (a recipe fragment or a `$(call …)`
        // template).
        let mut define: Option<(String, Vec<String>)> = None;
        for (n, line) in lines {
            if let Some((name, body)) = define.as_mut() {
                if line.trim_start().starts_with("endef") {
                    mk.vars.insert(std::mem::take(name), body.join("\n"));
                    define = None;
                } else {
                    body.push(line);
                }
                continue;
            }
            if let Some(cmd) = line.strip_prefix('\t') {
                if let Some(r) = current {
                    let cmd = cmd.trim();
                    if !cmd.is_empty() && !cmd.starts_with('#') {
                        mk.rules[r].recipe.push((n, cmd.to_string()));
                    }
                }
                continue;
            }
            let t = line.trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            let word = t.split_whitespace().next().unwrap_or("");
            if matches!(
                word,
                "ifeq"
                    | "ifneq"
                    | "ifdef"
                    | "ifndef"
                    | "else"
                    | "endif"
                    | "include"
                    | "-include"
                    | "sinclude"
                    | "export"
                    | "unexport"
                    | "vpath"
            ) && !t.contains(':')
                || matches!(
                    word,
                    "ifeq" | "ifneq" | "ifdef" | "ifndef" | "else" | "endif"
                )
            {
                continue;
            }
            if word == "define" {
                let name = t
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or("")
                    .trim_end_matches(['=', ':', '?', '+', '!'])
                    .to_string();
                define = Some((name, Vec::new()));
                continue;
            }
            if let Some(c) = MAKE_ASSIGN.captures(t) {
                let name = c[1].to_string();
                let value = c[3].trim().to_string();
                if name == ".DEFAULT_GOAL" {
                    mk.default_goal = Some(value.clone());
                }
                if &c[2] == "+=" {
                    let e = mk.vars.entry(name).or_default();
                    e.push(' ');
                    e.push_str(&value);
                } else if &c[2] != "?=" || !mk.vars.contains_key(&name) {
                    mk.vars.insert(name, value);
                }
                current = None;
                continue;
            }
            if let Some(c) = MAKE_RULE.captures(t) {
                let targets: Vec<String> = c[1].split_whitespace().map(String::from).collect();
                let rest = c[3].to_string();
                // Target-specific variables (`test: VAR = x`) are not rules.
                if MAKE_ASSIGN.is_match(rest.trim()) && rest.contains('=') {
                    continue;
                }
                let (prereqs, inline) = match rest.split_once(';') {
                    Some((p, cmd)) => (p.to_string(), Some(cmd.trim().to_string())),
                    None => (rest, None),
                };
                let prereqs = split_words_outside_calls(prereqs.split('#').next().unwrap_or(""))
                    .into_iter()
                    .filter(|p| p != "|")
                    .collect();
                if mk.default_goal.is_none()
                    && let Some(first) = targets.first()
                    && !first.starts_with('.')
                    && !first.contains('%')
                {
                    mk.default_goal = Some(first.clone());
                }
                let mut rule = MakeRule {
                    targets,
                    prereqs,
                    recipe: Vec::new(),
                };
                if let Some(cmd) = inline.filter(|c| !c.is_empty()) {
                    rule.recipe.push((n, cmd));
                }
                mk.rules.push(rule);
                current = Some(mk.rules.len() - 1);
                continue;
            }
            current = None;
        }
        mk
    }

    /// Rules that build `target` (several for `::` rules or split prerequisites); without an
    /// explicit one, the pattern rules that match it (`test-%` builds `test-api`).
    pub fn rules_for(&self, target: &str) -> Vec<&MakeRule> {
        let explicit: Vec<&MakeRule> = self
            .rules
            .iter()
            .filter(|r| r.targets.iter().any(|t| self.expand(t, None, 0) == target))
            .collect();
        if !explicit.is_empty() {
            return explicit;
        }
        self.rules
            .iter()
            .filter(|r| self.stem(r, target).is_some())
            .collect()
    }

    /// The stem `%` stands for when pattern rule `rule` builds `target` (`api` for `test-%`
    /// and `test-api`); `None` when it is no pattern rule for it.
    pub fn stem(&self, rule: &MakeRule, target: &str) -> Option<String> {
        rule.targets.iter().find_map(|t| {
            let t = self.expand(t, None, 0);
            let (prefix, suffix) = t.split_once('%')?;
            let stem = target.strip_prefix(prefix)?.strip_suffix(suffix)?;
            let word = |c: char| !(c.is_whitespace() || matches!(c, '(' | ')' | '{' | '}' | ','));
            (!stem.is_empty() && stem.chars().all(word)).then(|| stem.to_string())
        })
    }

    /// Expands `$(VAR)`, `${VAR}`, `$@`, `$(MAKE)` and `$$`; unknown variables stay as written
    /// (`$(VENV)/bin/pytest` still names pytest), functions become empty.
    pub fn expand(&self, s: &str, target: Option<&str>, depth: u8) -> String {
        if depth > 8 || !s.contains('$') {
            return s.to_string();
        }
        let chars: Vec<char> = s.chars().collect();
        let mut out = String::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c != '$' || i + 1 >= chars.len() {
                out.push(c);
                i += 1;
                continue;
            }
            let n = chars[i + 1];
            match n {
                '$' => {
                    out.push('$');
                    i += 2;
                }
                '@' => {
                    out.push_str(target.unwrap_or(""));
                    i += 2;
                }
                '(' | '{' => {
                    let close = if n == '(' { ')' } else { '}' };
                    let mut depth_p = 1;
                    let mut j = i + 2;
                    while j < chars.len() {
                        if chars[j] == n {
                            depth_p += 1;
                        } else if chars[j] == close {
                            depth_p -= 1;
                            if depth_p == 0 {
                                break;
                            }
                        }
                        j += 1;
                    }
                    let inner: String = chars[i + 2..j.min(chars.len())].iter().collect();
                    let whole: String = chars[i..(j + 1).min(chars.len())].iter().collect();
                    i = j + 1;
                    let name = inner.trim();
                    if name == "MAKE" {
                        out.push_str("make");
                    } else if name.contains(' ') || name.contains(',') {
                        // A function call: `$(addprefix test-,$(SERVICES))` is expanded (a
                        // monorepo's `test` target lists its members so); `$(shell …)`,
                        // `$(wildcard …)` and the rest become empty.
                        out.push_str(&self.call(name, target, depth));
                    } else if let Some(v) = self.vars.get(name) {
                        out.push_str(&self.expand(v, target, depth + 1));
                    } else if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                        // Unknown (set on the command line or in the environment): keep it a
                        // variable for the shell, not a `$( … )` command substitution.
                        out.push_str(&format!("${{{name}}}"));
                    } else {
                        out.push_str(&whole);
                    }
                }
                _ => {
                    out.push('$');
                    i += 1;
                }
            }
        }
        out
    }
}

impl Makefile {
    /// `addprefix` and `addsuffix` over an expanded word list, and `call` of a variable with
    /// `$(1)`, `$(2)`… filled in; other functions are empty.
    fn call(&self, inner: &str, target: Option<&str>, depth: u8) -> String {
        let Some((function, args)) = inner.split_once(char::is_whitespace) else {
            return String::new();
        };
        if function == "call" {
            let mut parts = split_top_level_commas(args).into_iter();
            let Some(body) = parts.next().and_then(|name| self.vars.get(name.trim())) else {
                return String::new();
            };
            let mut text = body.clone();
            for (i, arg) in parts.enumerate() {
                let arg = self.expand(arg, target, depth + 1);
                let n = i + 1;
                text = text
                    .replace(&format!("$({n})"), &arg)
                    .replace(&format!("${{{n}}}"), &arg);
            }
            return self.expand(&text, target, depth + 1);
        }
        let Some((affix, list)) = split_top_level_comma(args) else {
            return String::new();
        };
        let affix = self.expand(affix.trim(), target, depth + 1);
        let words: Vec<String> = self
            .expand(list, target, depth + 1)
            .split_whitespace()
            .map(|w| match function {
                "addprefix" => format!("{affix}{w}"),
                _ => format!("{w}{affix}"),
            })
            .collect();
        if matches!(function, "addprefix" | "addsuffix") {
            words.join(" ")
        } else {
            String::new()
        }
    }
}

/// Splits at every comma outside parentheses or braces.
fn split_top_level_commas(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some((head, tail)) = split_top_level_comma(rest) {
        out.push(head);
        rest = tail;
    }
    out.push(rest);
    out
}

/// Splits at the first comma outside parentheses or braces.
fn split_top_level_comma(s: &str) -> Option<(&str, &str)> {
    let mut depth = 0i32;
    for (i, c) in s.char_indices() {
        match c {
            '(' | '{' => depth += 1,
            ')' | '}' => depth -= 1,
            ',' if depth == 0 => return Some((&s[..i], &s[i + 1..])),
            _ => {}
        }
    }
    None
}

/// Splits prerequisites at whitespace outside `$( … )` and `${ … }`, so a function call
/// stays one word.
fn split_words_outside_calls(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut depth = 0i32;
    for c in s.chars() {
        match c {
            '(' | '{' => depth += 1,
            ')' | '}' => depth -= 1,
            _ => {}
        }
        if c.is_whitespace() && depth <= 0 {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
        } else {
            word.push(c);
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

// ---------------------------------------------------------------------------------------
// justfile

#[derive(Debug, Clone)]
pub struct JustRecipe {
    pub name: String,
    pub deps: Vec<String>,
    pub body: Vec<(u32, String)>,
}

static JUST_RECIPE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^@?([A-Za-z_][A-Za-z0-9_-]*)((?:\s+[^:=]*)?):(?:[^=]|$)(.*)$"));

pub fn parse_justfile(text: &str) -> Vec<JustRecipe> {
    let mut out: Vec<JustRecipe> = Vec::new();
    let mut current: Option<usize> = None;
    for (i, line) in text.lines().enumerate() {
        let n = i as u32 + 1;
        if line.starts_with([' ', '\t']) {
            if let Some(r) = current {
                let t = line.trim();
                if !t.is_empty() && !t.starts_with('#') {
                    out[r].body.push((n, t.to_string()));
                }
            }
            continue;
        }
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') || t.starts_with('[') {
            continue;
        }
        current = None;
        if t.starts_with("set ")
            || t.starts_with("alias ")
            || t.starts_with("import ")
            || t.starts_with("mod ")
            || t.starts_with("export ")
            || t.contains(":=")
        {
            continue;
        }
        if let Some(c) = JUST_RECIPE.captures(t) {
            let after = t.split_once(':').map_or("", |(_, a)| a);
            let deps = after
                .replace(['(', ')'], " ")
                .split_whitespace()
                .filter(|w| {
                    w.chars()
                        .next()
                        .is_some_and(|ch| ch.is_ascii_alphabetic() || ch == '_')
                })
                .map(String::from)
                .collect();
            out.push(JustRecipe {
                name: c[1].to_string(),
                deps,
                body: Vec::new(),
            });
            current = Some(out.len() - 1);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Taskfile (go-task)

#[derive(Debug, Clone)]
pub enum TaskStep {
    Cmd(String),
    Task(String),
}

#[derive(Debug, Clone)]
pub struct TaskDef {
    pub steps: Vec<TaskStep>,
    pub dir: Option<String>,
    pub line: u32,
}

pub fn parse_taskfile(text: &str) -> HashMap<String, TaskDef> {
    let mut out = HashMap::new();
    let Some(Value::Object(tasks)) = yaml(text).and_then(|v| v.get("tasks").cloned()) else {
        return out;
    };
    for (name, def) in tasks {
        let line = find_line(text, 1, |l| {
            let t = l.trim_start();
            t.strip_prefix(name.as_str())
                .or_else(|| t.strip_prefix(&format!("\"{name}\"")))
                .or_else(|| t.strip_prefix(&format!("'{name}'")))
                .is_some_and(|r| r.starts_with(':'))
        })
        .unwrap_or(0);
        let mut steps = Vec::new();
        let mut dir = None;
        match &def {
            Value::String(s) => steps.push(TaskStep::Cmd(s.clone())),
            Value::Array(a) => steps.extend(a.iter().filter_map(task_step)),
            Value::Object(m) => {
                if let Some(Value::Array(deps)) = m.get("deps") {
                    steps.extend(deps.iter().filter_map(|d| {
                        match d {
                            Value::String(s) => Some(TaskStep::Task(s.clone())),
                            Value::Object(o) => o
                                .get("task")
                                .and_then(Value::as_str)
                                .map(|s| TaskStep::Task(s.to_string())),
                            _ => None,
                        }
                    }));
                }
                if let Some(Value::String(c)) = m.get("cmd") {
                    steps.push(TaskStep::Cmd(c.clone()));
                }
                if let Some(Value::Array(cmds)) = m.get("cmds") {
                    steps.extend(cmds.iter().filter_map(task_step));
                }
                dir = m.get("dir").and_then(Value::as_str).map(String::from);
            }
            _ => {}
        }
        out.insert(name, TaskDef { steps, dir, line });
    }
    out
}

fn task_step(v: &Value) -> Option<TaskStep> {
    match v {
        Value::String(s) => Some(TaskStep::Cmd(s.clone())),
        Value::Object(o) => {
            if let Some(t) = o.get("task").and_then(Value::as_str) {
                Some(TaskStep::Task(t.to_string()))
            } else {
                o.get("cmd")
                    .and_then(Value::as_str)
                    .map(|c| TaskStep::Cmd(c.to_string()))
            }
        }
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// package.json

/// The `scripts` of a package.json.
pub fn npm_scripts(text: &str) -> Option<IndexMap<String, String>> {
    let v: Value = serde_json::from_str(text).ok()?;
    let Some(Value::Object(s)) = v.get("scripts") else {
        return Some(IndexMap::new());
    };
    Some(
        s.iter()
            .filter_map(|(k, v)| v.as_str().map(|t| (k.clone(), t.to_string())))
            .collect(),
    )
}

/// Line of a script's key in package.json.
pub fn npm_script_line(text: &str, name: &str) -> u32 {
    line_of(text, &format!("\"{name}\"")).unwrap_or(0)
}

/// Whether jest is configured to collect coverage in package.json's `jest` key.
pub fn package_json_jest_coverage(text: &str) -> bool {
    serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| v.get("jest")?.get("collectCoverage")?.as_bool())
        .unwrap_or(false)
}

static JEST_COVERAGE: LazyLock<Regex> =
    LazyLock::new(|| re(r#"["']?collectCoverage["']?\s*:\s*true"#));
static VITEST_COVERAGE: LazyLock<Regex> =
    LazyLock::new(|| re(r"coverage\s*:\s*\{[^{}]*\benabled\s*:\s*true"));

/// Whether a jest or vitest configuration file turns coverage on.
pub fn js_config_coverage(text: &str) -> bool {
    JEST_COVERAGE.is_match(text) || VITEST_COVERAGE.is_match(text)
}

// ---------------------------------------------------------------------------------------
// INI files (tox.ini, setup.cfg, pytest.ini)

/// Sections of an INI file: name → (key → (line, value with continuation lines joined by
/// newlines)).
pub fn ini(text: &str) -> IndexMap<String, IndexMap<String, (u32, String)>> {
    let mut out: IndexMap<String, IndexMap<String, (u32, String)>> = IndexMap::new();
    let mut section = String::new();
    let mut key: Option<String> = None;
    for (i, line) in text.lines().enumerate() {
        let n = i as u32 + 1;
        let t = line.trim();
        if t.starts_with('#') || t.starts_with(';') {
            continue;
        }
        if t.starts_with('[') && t.ends_with(']') {
            section = t[1..t.len() - 1].trim().to_string();
            key = None;
            continue;
        }
        if line.starts_with([' ', '\t']) && !t.is_empty() {
            if let Some(k) = &key
                && let Some((_, v)) = out.get_mut(&section).and_then(|s| s.get_mut(k))
            {
                v.push('\n');
                v.push_str(t);
            }
            continue;
        }
        if let Some((k, v)) = t.split_once('=').or_else(|| t.split_once(':')) {
            let k = k.trim().to_string();
            out.entry(section.clone())
                .or_default()
                .insert(k.clone(), (n, v.trim().to_string()));
            key = Some(k);
        } else {
            key = None;
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// tox

/// The commands tox would run for the given environments (all when empty), with lines.
pub fn tox_ini_commands(text: &str, envs: &[String]) -> Vec<(u32, String)> {
    let sections = ini(text);
    let mut out = Vec::new();
    let base = sections.get("testenv").and_then(|s| s.get("commands"));
    let mut push = |(line, value): &(u32, String)| {
        for (k, l) in value.lines().enumerate() {
            let l = strip_tox_factor(l.trim());
            if !l.is_empty() {
                out.push((line + k as u32, tox_substitute(l)));
            }
        }
    };
    if envs.is_empty() {
        if let Some(b) = base {
            push(b);
        }
        for (name, s) in &sections {
            if name.starts_with("testenv:")
                && let Some(c) = s.get("commands")
            {
                push(c);
            }
        }
    } else {
        for env in envs {
            let own = sections
                .get(&format!("testenv:{env}"))
                .and_then(|s| s.get("commands"));
            if let Some(c) = own.or(base) {
                push(c);
            }
        }
    }
    out
}

/// The commands of a TOML tox configuration (`tox.toml` or `[tool.tox]` in pyproject.toml).
pub fn tox_toml_commands(table: &toml::Table, envs: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let base = table.get("env_run_base").and_then(|b| b.get("commands"));
    let env_table = table.get("env").and_then(|e| e.as_table());
    let mut push = |v: &toml::Value| {
        if let Some(cmds) = v.as_array() {
            for cmd in cmds {
                match cmd {
                    toml::Value::Array(words) => out.push(
                        words
                            .iter()
                            .filter_map(|w| w.as_str().map(String::from))
                            .collect::<Vec<_>>()
                            .join(" "),
                    ),
                    toml::Value::String(s) => out.push(s.clone()),
                    _ => {}
                }
            }
        }
    };
    let selected: Vec<String> = if envs.is_empty() {
        env_table
            .map(|t| t.keys().cloned().collect())
            .unwrap_or_default()
    } else {
        envs.to_vec()
    };
    if envs.is_empty()
        && let Some(b) = base
    {
        push(b);
    }
    for env in selected {
        let own = env_table
            .and_then(|t| t.get(&env))
            .and_then(|e| e.get("commands"));
        if let Some(c) = own.or(if envs.is_empty() { None } else { base }) {
            push(c);
        }
    }
    out
}

fn strip_tox_factor(l: &str) -> &str {
    // `py311: pytest` — a factor-conditional line.
    match l.split_once(": ") {
        Some((f, rest))
            if !f.contains(' ')
                && f.chars()
                    .all(|c| c.is_alphanumeric() || "-,!{}".contains(c)) =>
        {
            rest
        }
        _ => l.trim_start_matches('-').trim(),
    }
}

fn tox_substitute(l: &str) -> String {
    static SUBST: LazyLock<Regex> = LazyLock::new(|| re(r"\{[^}]*\}"));
    let l = l
        .replace("{envpython}", "python")
        .replace("{envbindir}/", "");
    SUBST.replace_all(&l, "").trim().to_string()
}

// ---------------------------------------------------------------------------------------
// nox

static NOX_SESSION: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?m)^@(?:nox\.)?session\b([^\n]*)\n(?:@[^\n]*\n)*\s*def\s+([A-Za-z_][A-Za-z0-9_]*)")
});
static NOX_NAME: LazyLock<Regex> = LazyLock::new(|| re(r#"name\s*=\s*["']([^"']+)["']"#));
static NOX_RUN: LazyLock<Regex> = LazyLock::new(|| re(r"session\.run\(((?:[^()]|\([^()]*\))*)\)"));
static PY_STRING: LazyLock<Regex> = LazyLock::new(|| re(r#""([^"]*)"|'([^']*)'"#));

/// Commands `session.run(…)` runs in the selected nox sessions (all when empty).
pub fn nox_commands(text: &str, sessions: &[String]) -> Vec<(u32, String)> {
    let starts: Vec<(usize, String)> = NOX_SESSION
        .captures_iter(text)
        .filter_map(|c| {
            let start = c.get(0)?.start();
            let name = NOX_NAME
                .captures(&c[1])
                .map_or_else(|| c[2].to_string(), |n| n[1].to_string());
            Some((start, name))
        })
        .collect();
    let mut out = Vec::new();
    for (i, (start, name)) in starts.iter().enumerate() {
        if !sessions.is_empty()
            && !sessions
                .iter()
                .any(|s| s == name || s.split('-').next() == Some(name))
        {
            continue;
        }
        let end = starts.get(i + 1).map_or(text.len(), |(s, _)| *s);
        let body = &text[*start..end];
        for m in NOX_RUN.captures_iter(body) {
            let args: Vec<String> = PY_STRING
                .captures_iter(&m[1])
                .filter_map(|c| {
                    c.get(1)
                        .or_else(|| c.get(2))
                        .map(|s| s.as_str().to_string())
                })
                .collect();
            if args.is_empty() {
                continue;
            }
            let offset = start + m.get(0).map_or(0, |g| g.start());
            let line = text[..offset].matches('\n').count() as u32 + 1;
            out.push((line, args.join(" ")));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// pyproject.toml scripts (pdm, hatch, poe, rye) and Pipfile

/// The commands of a named script of a Python project runner, if defined.
pub fn pyproject_script(doc: &toml::Table, runner: &str, name: &str) -> Option<Vec<String>> {
    let tool = doc.get("tool")?.as_table()?;
    let (table, env_name) = match runner {
        "pdm" => (tool.get("pdm")?.get("scripts")?, None),
        "rye" => (tool.get("rye")?.get("scripts")?, None),
        "poe" => (tool.get("poe")?.get("tasks")?, None),
        "hatch" => {
            let (env, script) = name.split_once(':').unwrap_or(("default", name));
            let envs = tool.get("hatch")?.get("envs")?;
            (envs.get(env)?.get("scripts")?, Some(script))
        }
        _ => return None,
    };
    let entry = table.get(env_name.unwrap_or(name))?;
    let mut out = Vec::new();
    collect_script(entry, &mut out);
    Some(out)
}

fn collect_script(v: &toml::Value, out: &mut Vec<String>) {
    match v {
        toml::Value::String(s) => out.push(s.clone()),
        toml::Value::Array(a) => {
            for item in a {
                match item {
                    toml::Value::String(s) => out.push(s.clone()),
                    other => collect_script(other, out),
                }
            }
        }
        toml::Value::Table(t) => {
            for key in ["cmd", "shell", "call"] {
                match t.get(key) {
                    Some(toml::Value::String(s)) if key != "call" => out.push(s.clone()),
                    Some(toml::Value::Array(words)) => out.push(
                        words
                            .iter()
                            .filter_map(|w| w.as_str())
                            .collect::<Vec<_>>()
                            .join(" "),
                    ),
                    _ => {}
                }
            }
            for key in ["composite", "sequence"] {
                if let Some(toml::Value::Array(items)) = t.get(key) {
                    for item in items {
                        collect_script(item, out);
                    }
                }
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------
// pre-commit, lefthook, lint-staged

#[derive(Debug, Clone)]
pub struct Hook {
    pub id: String,
    pub repo: String,
    pub entry: Option<String>,
    pub args: Vec<String>,
    pub line: u32,
}

/// The hooks of a `.pre-commit-config.yaml`.
pub fn precommit_hooks(text: &str) -> Vec<Hook> {
    let mut out = Vec::new();
    let Some(Value::Array(repos)) = yaml(text).and_then(|v| v.get("repos").cloned()) else {
        return out;
    };
    let mut from = 1;
    for r in repos {
        let repo = r
            .get("repo")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let Some(Value::Array(hooks)) = r.get("hooks") else {
            continue;
        };
        for h in hooks {
            let Some(id) = h.get("id").and_then(Value::as_str) else {
                continue;
            };
            let line = find_line(text, from, |l| {
                let t = l.trim_start().trim_start_matches("- ").trim_start();
                t.strip_prefix("id:")
                    .is_some_and(|v| v.trim().trim_matches(['"', '\'']) == id)
            })
            .unwrap_or(0);
            if line > 0 {
                from = line + 1;
            }
            out.push(Hook {
                id: id.to_string(),
                repo: repo.clone(),
                entry: h.get("entry").and_then(Value::as_str).map(String::from),
                args: match h.get("args") {
                    Some(Value::Array(a)) => a
                        .iter()
                        .filter_map(|x| x.as_str().map(String::from))
                        .collect(),
                    _ => Vec::new(),
                },
                line,
            });
        }
    }
    out
}

/// The `run:` commands of a lefthook config, per hook (`pre-commit`, `pre-push`, …).
pub fn lefthook_runs(text: &str) -> Vec<(String, u32, String)> {
    let mut out = Vec::new();
    let Some(Value::Object(top)) = yaml(text) else {
        return out;
    };
    for (hook, def) in top {
        let mut runs = Vec::new();
        if let Some(Value::Object(cmds)) = def.get("commands") {
            runs.extend(
                cmds.values()
                    .filter_map(|c| c.get("run").and_then(Value::as_str).map(String::from)),
            );
        }
        if let Some(Value::Array(jobs)) = def.get("jobs") {
            runs.extend(
                jobs.iter()
                    .filter_map(|c| c.get("run").and_then(Value::as_str).map(String::from)),
            );
        }
        if let Some(Value::Object(scripts)) = def.get("scripts") {
            for (file, s) in scripts {
                let runner = s.get("runner").and_then(Value::as_str).unwrap_or("sh");
                runs.push(format!("{runner} .lefthook/{hook}/{file}"));
            }
        }
        for r in runs {
            let line = line_of(text, r.lines().next().unwrap_or(&r)).unwrap_or(0);
            out.push((hook.clone(), line, r));
        }
    }
    out
}

/// lint-staged commands from package.json's `lint-staged` key or a `.lintstagedrc` (JSON or
/// YAML).
pub fn lint_staged_commands(text: &str, in_package_json: bool) -> Vec<String> {
    let v = if in_package_json {
        serde_json::from_str::<Value>(text)
            .ok()
            .and_then(|v| v.get("lint-staged").cloned())
    } else {
        serde_json::from_str::<Value>(text)
            .ok()
            .or_else(|| yaml(text))
    };
    let mut out = Vec::new();
    if let Some(Value::Object(m)) = v {
        for cmd in m.values() {
            match cmd {
                Value::String(s) => out.push(s.clone()),
                Value::Array(a) => {
                    out.extend(a.iter().filter_map(|x| x.as_str().map(String::from)))
                }
                _ => {}
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// compose

#[derive(Debug, Clone)]
pub struct ComposeService {
    pub name: String,
    pub image: Option<String>,
    pub depends: Vec<String>,
}

pub fn compose_services(text: &str) -> Vec<ComposeService> {
    let Some(Value::Object(services)) = yaml(text).and_then(|v| v.get("services").cloned()) else {
        return Vec::new();
    };
    services
        .into_iter()
        .map(|(name, s)| ComposeService {
            image: s.get("image").and_then(Value::as_str).map(String::from),
            depends: match s.get("depends_on") {
                Some(Value::Array(a)) => a
                    .iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect(),
                Some(Value::Object(m)) => m.keys().cloned().collect(),
                _ => Vec::new(),
            },
            name,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// pytest

/// pytest's `addopts` from one configuration file, if it sets them.
pub fn pytest_addopts(file_name: &str, text: &str) -> Option<String> {
    match file_name {
        "pyproject.toml" => {
            let doc = text.parse::<toml::Table>().ok()?;
            let pytest = doc.get("tool")?.get("pytest")?;
            let opts = pytest
                .get("ini_options")
                .and_then(|o| o.get("addopts"))
                .or_else(|| pytest.get("addopts"))?;
            Some(match opts {
                toml::Value::String(s) => s.clone(),
                toml::Value::Array(a) => a
                    .iter()
                    .filter_map(|x| x.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
                _ => return None,
            })
        }
        "pytest.ini" | ".pytest.ini" | "tox.ini" | "setup.cfg" => {
            let section = match file_name {
                "setup.cfg" => "tool:pytest",
                _ => "pytest",
            };
            ini(text)
                .get(section)
                .and_then(|s| s.get("addopts"))
                .map(|(_, v)| v.replace('\n', " "))
        }
        _ => None,
    }
}

/// Whether the file configures pytest at all (pytest stops looking at the first such file).
pub fn configures_pytest(file_name: &str, text: &str) -> bool {
    match file_name {
        "pytest.ini" | ".pytest.ini" => true,
        "pyproject.toml" => text
            .parse::<toml::Table>()
            .ok()
            .and_then(|d| d.get("tool")?.get("pytest").cloned())
            .is_some(),
        "tox.ini" => ini(text).contains_key("pytest"),
        "setup.cfg" => ini(text).contains_key("tool:pytest"),
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------
// Gradle and Maven

/// Verification plugins a Gradle build applies, by canonical name.
pub fn gradle_plugins(text: &str) -> Vec<&'static str> {
    const PLUGINS: &[(&str, &str)] = &[
        ("com.diffplug.spotless", "spotless"),
        ("spotless", "spotless"),
        ("checkstyle", "checkstyle"),
        ("pmd", "pmd"),
        ("com.github.spotbugs", "spotbugs"),
        ("spotbugs", "spotbugs"),
        ("io.gitlab.arturbosch.detekt", "detekt"),
        ("detekt", "detekt"),
        ("org.jlleitschuh.gradle.ktlint", "ktlint"),
        ("ktlint", "ktlint"),
        ("org.jmailen.kotlinter", "kotlinter"),
        ("kotlinter", "kotlinter"),
        ("com.ncorti.ktfmt.gradle", "ktfmt"),
        ("io.spring.javaformat", "javaformat"),
        ("ktfmt", "ktfmt"),
        ("jacoco", "jacoco"),
        ("org.jetbrains.kotlinx.kover", "kover"),
        ("kover", "kover"),
    ];
    static APPLIED: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r#"(?m)(?:\bid\s*\(?\s*["']([\w.-]+)["']|apply\s*\(?\s*plugin\s*[:=]\s*["']([\w.-]+)["']|alias\s*\(\s*libs\.plugins\.([\w.]+)|^\s*`?([a-z][\w-]*)`?\s*$)"#,
        )
    });
    let mut out = Vec::new();
    let in_plugins = text.contains("plugins");
    for c in APPLIED.captures_iter(text) {
        let name = c
            .get(1)
            .or_else(|| c.get(2))
            .or_else(|| c.get(3))
            .map(|m| m.as_str().to_ascii_lowercase());
        let name = match name {
            Some(n) => n,
            None if in_plugins => c.get(4).map_or(String::new(), |m| m.as_str().to_string()),
            None => continue,
        };
        for (key, canon) in PLUGINS {
            if name == *key || name.replace('.', "-").contains(canon) && c.get(3).is_some() {
                out.push(*canon);
            }
        }
    }
    // A `spotless { … }` configuration block implies the plugin.
    if text.contains("spotless {") || text.contains("spotless{") {
        out.push("spotless");
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Verification plugins a Maven pom configures, by canonical name.
pub fn maven_plugins(text: &str) -> Vec<&'static str> {
    const PLUGINS: &[(&str, &str)] = &[
        ("spotless-maven-plugin", "spotless"),
        ("fmt-maven-plugin", "fmt"),
        ("maven-checkstyle-plugin", "checkstyle"),
        ("maven-pmd-plugin", "pmd"),
        ("spotbugs-maven-plugin", "spotbugs"),
        ("jacoco-maven-plugin", "jacoco"),
        ("ktlint-maven-plugin", "ktlint"),
        ("spring-javaformat-maven-plugin", "javaformat"),
        ("detekt-maven-plugin", "detekt"),
    ];
    PLUGINS
        .iter()
        .filter(|(artifact, _)| text.contains(&format!("<artifactId>{artifact}</artifactId>")))
        .map(|(_, c)| *c)
        .collect()
}

// ---------------------------------------------------------------------------------------
// golangci-lint

/// Whether a golangci-lint config enables a formatter (v2 `formatters:` or a v1 formatting
/// linter), so `golangci-lint run` also checks formatting.
pub fn golangci_formats(text: &str) -> bool {
    const FORMATTERS: &[&str] = &["gofmt", "gofumpt", "goimports", "gci", "golines"];
    let Some(v) = yaml(text) else { return false };
    let listed = |v: Option<&Value>| match v {
        Some(Value::Array(a)) => a
            .iter()
            .any(|x| x.as_str().is_some_and(|s| FORMATTERS.contains(&s))),
        _ => false,
    };
    listed(v.get("formatters").and_then(|f| f.get("enable")))
        || listed(v.get("linters").and_then(|l| l.get("enable")))
        || v.get("linters")
            .and_then(|l| l.get("enable-all"))
            .and_then(Value::as_bool)
            .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makefile_recipes_expand_variables_and_follow_rules() {
        let mk = Makefile::parse(
            "BIN := .venv/bin\nPY ?= python3\n.PHONY: test lint\n\ntest: $(STAMP) ## run\n\t@$(BIN)/pytest --cov \\\n\t\t-q\n\nlint: ; $(BIN)/ruff check .\nci: lint test\n",
        );
        let test = mk.rules_for("test");
        assert_eq!(test.len(), 1);
        assert_eq!(test[0].recipe[0].0, 6);
        assert_eq!(
            mk.expand(&test[0].recipe[0].1, Some("test"), 0),
            "@.venv/bin/pytest --cov  \t\t-q"
        );
        assert_eq!(mk.rules_for("lint")[0].recipe[0].1, "$(BIN)/ruff check .");
        assert_eq!(mk.rules_for("ci")[0].prereqs, vec!["lint", "test"]);
        assert_eq!(mk.default_goal.as_deref(), Some("test"));
        assert_eq!(
            mk.expand("$(MAKE) -C x $(UNKNOWN)", None, 0),
            "make -C x ${UNKNOWN}"
        );
    }

    #[test]
    fn justfile_recipes_have_bodies_and_dependencies() {
        let r = parse_justfile(
            "set shell := [\"bash\", \"-c\"]\nversion := \"1\"\n\n# run tests\ntest *args: lint\n    cargo test {{args}}\n\nlint:\n    cargo clippy\n",
        );
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].name, "test");
        assert_eq!(r[0].deps, vec!["lint"]);
        assert_eq!(r[0].body, vec![(6, "cargo test {{args}}".to_string())]);
    }

    #[test]
    fn tox_commands_follow_environments_and_factors() {
        let text = "[tox]\nenvlist = py311, lint\n[testenv]\ncommands =\n    py311: pytest --cov {posargs}\n[testenv:lint]\ncommands = ruff check .\n";
        let all = tox_ini_commands(text, &[]);
        assert_eq!(
            all,
            vec![(5, "pytest --cov".into()), (7, "ruff check .".into())]
        );
        let lint = tox_ini_commands(text, &["lint".into()]);
        assert_eq!(lint, vec![(7, "ruff check .".into())]);
        let py = tox_ini_commands(text, &["py312".into()]);
        assert_eq!(py, vec![(5, "pytest --cov".into())]);
    }

    #[test]
    fn nox_sessions_are_read_from_session_run_calls() {
        let text = "import nox\n\n@nox.session(python=[\"3.12\"])\ndef tests(session):\n    session.install(\"-e\", \".\")\n    session.run(\"pytest\", \"--cov\", *session.posargs)\n\n@nox.session\ndef lint(session):\n    session.run('ruff', 'check')\n";
        assert_eq!(
            nox_commands(text, &["tests".into()]),
            vec![(6, "pytest --cov".to_string())]
        );
        assert_eq!(nox_commands(text, &[]).len(), 2);
    }

    #[test]
    fn pytest_addopts_are_read_from_every_config_format() {
        assert_eq!(
            pytest_addopts(
                "pyproject.toml",
                "[tool.pytest.ini_options]\naddopts = [\"--cov\", \"-q\"]\n"
            )
            .as_deref(),
            Some("--cov -q")
        );
        assert_eq!(
            pytest_addopts("setup.cfg", "[tool:pytest]\naddopts =\n  --cov=app\n").as_deref(),
            Some("\n--cov=app".replace('\n', " ").as_str())
        );
    }

    #[test]
    fn gradle_plugins_are_found_in_both_dsls() {
        let groovy = "plugins {\n  id 'java'\n  id 'checkstyle'\n  id \"com.diffplug.spotless\" version \"6\"\n}\napply plugin: 'jacoco'\n";
        assert_eq!(
            gradle_plugins(groovy),
            vec!["checkstyle", "jacoco", "spotless"]
        );
        let kts = "plugins {\n    kotlin(\"jvm\")\n    jacoco\n    alias(libs.plugins.detekt)\n}\n";
        assert_eq!(gradle_plugins(kts), vec!["detekt", "jacoco"]);
    }

    #[test]
    fn precommit_hooks_carry_their_lines() {
        let text = "repos:\n  - repo: https://github.com/gitleaks/gitleaks\n    rev: v8\n    hooks:\n      - id: gitleaks\n  - repo: local\n    hooks:\n      - id: ruff-format\n        entry: .venv/bin/ruff format\n";
        let hooks = precommit_hooks(text);
        assert_eq!(hooks.len(), 2);
        assert_eq!(hooks[0].line, 5);
        assert_eq!(hooks[1].entry.as_deref(), Some(".venv/bin/ruff format"));
    }
}
