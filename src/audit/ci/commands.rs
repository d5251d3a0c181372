//! What a command does, as far as the checks care: runs tests (with coverage? scenario
//! tests?), checks formatting, lints, scans for secrets, deploys, publishes a release, or
//! starts a database.
//!
//! The [`Walker`] reads a script command by command. Wrappers (`uv run`, `npx`, `python -m`,
//! `coverage run`, `docker compose run`, `bash -c`, `timeout`) are peeled off; task runners
//! (`make`, `just`, `task`, `npm`/`yarn`/`pnpm`/`bun` scripts, `tox`, `nox`, pdm/hatch/poe
//! scripts, `pre-commit run`, `lefthook run`) and repository scripts (`./scripts/test.sh`) are
//! resolved through their files in the repository view, recursively, so `make test` counts as
//! the `pytest --cov` its recipe runs, with the path that led there. Every [`Found`] names its
//! language so a frontend's `npm test` is not mistaken for the backend's tests.

use super::shell;
use super::tasks;
use crate::repo::stack::Language;
use crate::repo::{Engine, Repo};

/// What kind of thing a command does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Runs tests.
    Test,
    /// Measures or reports coverage on its own (`coverage report`, a coverage upload).
    Coverage,
    /// Fails when the code is not formatted.
    Format,
    /// Formats in place (a check only when a later step fails on a dirty tree).
    FormatWrite,
    /// Fails when the work tree changed (`git diff --exit-code`).
    DiffCheck,
    Lint,
    /// Scans for committed secrets.
    Secrets,
    /// Changes a running environment.
    Deploy,
    /// Publishes an artifact (image, package, GitHub release) without deploying it.
    Release,
    /// Starts a database server.
    Database,
    /// Starts a throwaway Kubernetes cluster in the job (kind, minikube, k3d): what is
    /// applied to it afterwards is a test, not a deploy.
    Cluster,
    /// Starts long-running containers or services on the runner (`docker compose up -d`):
    /// a deploy when the runner is a self-hosted server.
    Start,
}

/// One thing a command does.
#[derive(Debug, Clone)]
pub struct Found {
    pub kind: Kind,
    /// The language whose tooling this is; `None` for language-agnostic tools.
    pub lang: Option<Language>,
    /// The command as written (shortened).
    pub what: String,
    /// How it was reached, outermost first (`make test`, `Makefile:27`).
    pub via: Vec<String>,
    /// For tests: API scenario, smoke or end-to-end tests.
    pub scenario: bool,
    /// For tests: coverage is measured.
    pub coverage: bool,
    /// For [`Kind::Database`]: the engine started.
    pub engine: Option<Engine>,
    /// The directory it runs in (repository-relative), when known.
    pub dir: Option<String>,
}

/// Where a command runs and how it was reached.
#[derive(Debug, Clone, Default)]
pub struct Frame {
    /// Working directory relative to the repository root; `None` when unknown.
    pub dir: Option<String>,
    /// Task, target and script names on the way here (`smoke`, `test:e2e`).
    pub names: Vec<String>,
    pub via: Vec<String>,
    /// Keys of the runner entries on the way here, to stop cycles.
    stack: Vec<String>,
    /// Inside `coverage run`, `nyc`, `c8`.
    pub coverage: bool,
    /// Inside pre-commit hooks run by CI: a formatter that rewrites files fails the run.
    pub hooks: bool,
    /// Environment given to the step (`KEY=value` lines), for flags such as `RUSTFLAGS`.
    pub env: String,
}

impl Frame {
    pub fn at(dir: Option<String>) -> Frame {
        Frame {
            dir,
            ..Frame::default()
        }
    }

    fn child(&self, name: Option<&str>, via: String, dir: Option<String>) -> Frame {
        let mut f = self.clone();
        if let Some(n) = name {
            f.names.push(n.to_string());
        }
        f.via.push(via);
        f.dir = dir;
        f
    }
}

/// Maximum nesting of runners (make → npm → script …).
const MAX_DEPTH: usize = 10;

/// Reads commands and collects what they do.
pub struct Walker<'r> {
    repo: &'r Repo,
    pub out: Vec<Found>,
    /// Commands left to examine (a bound for pathological inputs).
    budget: usize,
}

fn words_of(s: &str) -> Vec<String> {
    shell::parse(s)
        .into_iter()
        .next()
        .map(|c| c.words)
        .unwrap_or_default()
}

/// The program name of a word: its last path component without `@version` or `.exe`.
pub fn base(word: &str) -> String {
    let w = word.rsplit('/').next().unwrap_or(word);
    let w = w.strip_suffix(".exe").unwrap_or(w);
    let w = match w.rfind('@') {
        Some(i) if i > 0 => &w[..i],
        _ => w,
    };
    w.to_string()
}

fn is_assignment(w: &str) -> bool {
    match w.split_once('=') {
        Some((k, _)) => {
            !k.is_empty()
                && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !k.starts_with(|c: char| c.is_ascii_digit())
        }
        None => false,
    }
}

fn has(args: &[String], flags: &[&str]) -> bool {
    args.iter().any(|a| {
        flags
            .iter()
            .any(|f| a == f || (f.starts_with("--") && a.starts_with(&format!("{f}="))))
    })
}

fn has_prefix(args: &[String], prefix: &str) -> bool {
    args.iter().any(|a| a.starts_with(prefix))
}

/// Positional arguments, skipping options and the values of the options listed.
fn positionals<'a>(args: &'a [String], with_value: &[&str]) -> Vec<&'a String> {
    let mut out = Vec::new();
    let mut skip = false;
    for a in args {
        if skip {
            skip = false;
            continue;
        }
        if a == "--" {
            break;
        }
        if a.starts_with('-') {
            if with_value.contains(&a.as_str()) {
                skip = true;
            }
            continue;
        }
        out.push(a);
    }
    out
}

/// Splits a name into lower-case words (`smokeTest`, `test:e2e`, `tests/smoke`).
fn name_tokens(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in s.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Whether a name or argument points at API scenario, smoke or end-to-end tests.
pub fn scenario_word(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    lower.contains("end-to-end")
        || lower.contains("end_to_end")
        || name_tokens(s).iter().any(|t| {
            matches!(
                t.as_str(),
                "smoke"
                    | "scenario"
                    | "scenarios"
                    | "e2e"
                    | "acceptance"
                    | "synthetic"
                    | "synthetics"
                    | "endtoend"
            )
        })
}

/// Whether the arguments select scenario tests (ignoring exclusions such as `-m "not e2e"`).
fn scenario_args(args: &[String]) -> bool {
    let mut skip = false;
    for a in args {
        if skip {
            skip = false;
            continue;
        }
        let lower = a.to_ascii_lowercase();
        if matches!(
            lower.as_str(),
            "--ignore"
                | "--deselect"
                | "--exclude"
                | "--skip"
                | "--testpathignorepatterns"
                | "-skip"
        ) {
            skip = true;
            continue;
        }
        if lower.starts_with("--ignore")
            || lower.starts_with("--deselect")
            || lower.starts_with("--exclude")
            || lower.starts_with("--skip")
            || lower.starts_with("-skip")
            || lower.contains("not ")
            || lower.starts_with('!')
        {
            continue;
        }
        if scenario_word(a) {
            return true;
        }
    }
    false
}

/// What an unresolved runner entry probably does, from its name (`make test`, `npm run lint`
/// when the Makefile or package.json is not in the view).
fn name_kinds(name: &str) -> Vec<Kind> {
    let tokens = name_tokens(name);
    let any = |words: &[&str]| tokens.iter().any(|t| words.contains(&t.as_str()));
    let mut out = Vec::new();
    if any(&[
        "test",
        "tests",
        "unittest",
        "unittests",
        "unit",
        "spec",
        "specs",
        "e2e",
        "smoke",
        "pytest",
        "coverage",
        "cov",
    ]) {
        out.push(Kind::Test);
    }
    if any(&["lint", "linter", "linting", "clippy", "vet"]) {
        out.push(Kind::Lint);
    }
    if any(&["format", "fmt", "formatting", "prettier"])
        && any(&["check", "verify", "ci", "lint", "diff"])
    {
        out.push(Kind::Format);
    }
    out
}

/// Python modules run with `python -m`, by program name.
fn python_module(m: &str) -> String {
    let m = m.split('.').next().unwrap_or(m);
    match m {
        "pre_commit" => "pre-commit".into(),
        "detect_secrets" => "detect-secrets".into(),
        other => other.replace('_', "-"),
    }
}

/// Words that name a database engine, in the order they are preferred at one position.
const ENGINE_WORDS: &[(&str, Engine)] = &[
    ("postgres", Engine::Postgres),
    ("postgis", Engine::Postgres),
    ("pgvector", Engine::Postgres),
    ("timescale", Engine::Postgres),
    ("mysql", Engine::MySql),
    ("mariadb", Engine::MySql),
    ("percona", Engine::MySql),
    ("mongo", Engine::MongoDb),
    ("mssql", Engine::SqlServer),
    ("sqlserver", Engine::SqlServer),
    ("azure-sql-edge", Engine::SqlServer),
    ("oracle", Engine::Oracle),
];

/// The engine a word (an image, a service, an action) names: the leftmost engine word in it,
/// in any case.
pub fn engine_in(word: &str) -> Option<Engine> {
    let lower = word.to_ascii_lowercase();
    ENGINE_WORDS
        .iter()
        .filter_map(|(w, engine)| lower.find(w).map(|at| (at, *engine)))
        .min_by_key(|(at, _)| *at)
        .map(|(_, engine)| engine)
}

/// The engine of a container image, matched against the engine's known images.
pub fn image_engine(image: &str) -> Option<Engine> {
    let lower = image.to_ascii_lowercase();
    let name = lower.split('@').next().unwrap_or(&lower);
    // Drop the tag (a colon after the last slash).
    let name = match name.rfind(':') {
        Some(i) if i > name.rfind('/').unwrap_or(0) => &name[..i],
        _ => name,
    };
    let stripped = name
        .trim_start_matches("docker.io/")
        .trim_start_matches("index.docker.io/")
        .trim_start_matches("library/");
    let last = stripped.rsplit('/').next().unwrap_or(stripped);
    [
        Engine::Postgres,
        Engine::MySql,
        Engine::SqlServer,
        Engine::Oracle,
        Engine::MongoDb,
    ]
    .into_iter()
    .find(|&engine| {
        engine.images().iter().any(|i| {
            *i == stripped
                || stripped.ends_with(&format!("/{i}"))
                || (!i.contains('/') && *i == last)
        })
    })
}

/// Joins a relative path onto a directory, resolving `.` and `..` (never above the root).
pub fn join(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = if rel.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|p| !p.is_empty()).collect()
    };
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

fn shorten(s: &str) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() > 70 {
        let cut: String = s.chars().take(67).collect();
        format!("{cut}…")
    } else {
        s
    }
}

const DOCKER_RUN_VALUE_OPTS: &[&str] = &[
    "-e",
    "--env",
    "-v",
    "--volume",
    "-p",
    "--publish",
    "--name",
    "-w",
    "--workdir",
    "--network",
    "--net",
    "-u",
    "--user",
    "--entrypoint",
    "-l",
    "--label",
    "--env-file",
    "--mount",
    "--health-cmd",
    "--health-interval",
    "--health-timeout",
    "--health-retries",
    "--platform",
    "--cpus",
    "-m",
    "--memory",
    "--shm-size",
    "--tmpfs",
    "--add-host",
    "--dns",
    "--ulimit",
    "--cap-add",
    "--cap-drop",
    "--device",
    "--restart",
    "--log-driver",
    "--log-opt",
    "--pull",
    "-h",
    "--hostname",
    "--ipc",
    "--pid",
    "--runtime",
    "--security-opt",
    "--stop-signal",
    "--stop-timeout",
    "--gpus",
    "--link",
    "--volumes-from",
    "--cidfile",
    "--group-add",
    "--network-alias",
    "--expose",
    "--workdir",
    "--service",
    "--index",
];

const COMPOSE_GLOBAL_VALUE_OPTS: &[&str] = &[
    "-f",
    "--file",
    "-p",
    "--project-name",
    "--profile",
    "--env-file",
    "--project-directory",
    "--ansi",
    "--progress",
    "--parallel",
];

impl<'r> Walker<'r> {
    pub fn new(repo: &'r Repo) -> Walker<'r> {
        Walker {
            repo,
            out: Vec::new(),
            budget: 20_000,
        }
    }

    /// A text file of the view relative to a working directory (unknown: the audited PATH,
    /// then the root).
    fn file(&self, dir: &Option<String>, name: &str) -> Option<(String, &'r str)> {
        let candidates = match dir {
            Some(d) => vec![join(d, name)],
            None => vec![join(&self.repo.prefix, name), join("", name)],
        };
        candidates
            .into_iter()
            .find_map(|p| self.repo.text(&p).map(|t| (p.clone(), t)))
    }

    /// The nearest file named `name` in `dir` or a parent (how npm finds package.json).
    fn file_upwards(&self, dir: &Option<String>, name: &str) -> Option<(String, &'r str)> {
        let start = dir.clone().unwrap_or_else(|| join(&self.repo.prefix, ""));
        let mut d = start;
        loop {
            let p = join(&d, name);
            if let Some(t) = self.repo.text(&p) {
                return Some((p, t));
            }
            if d.is_empty() {
                return None;
            }
            d = d
                .rsplit_once('/')
                .map_or(String::new(), |(p, _)| p.to_string());
        }
    }

    fn push(&mut self, kind: Kind, lang: Option<Language>, what: &str, f: &Frame) -> usize {
        let kind = if kind == Kind::FormatWrite && f.hooks {
            Kind::Format
        } else {
            kind
        };
        let scenario = kind == Kind::Test && f.names.iter().any(|n| scenario_word(n));
        self.out.push(Found {
            kind,
            lang,
            what: shorten(what),
            via: f.via.clone(),
            scenario,
            coverage: f.coverage,
            engine: None,
            dir: f.dir.clone(),
        });
        self.out.len() - 1
    }

    fn push_test(
        &mut self,
        lang: Option<Language>,
        words: &[String],
        args: &[String],
        f: &Frame,
        coverage: bool,
    ) {
        let i = self.push(Kind::Test, lang, &words.join(" "), f);
        let found = &mut self.out[i];
        found.coverage |= coverage;
        found.scenario |= scenario_args(args);
    }

    fn push_names(&mut self, name: &str, lang: Option<Language>, what: &str, f: &Frame) {
        for kind in name_kinds(name) {
            let i = self.push(kind, lang, what, f);
            if kind == Kind::Test {
                let found = &mut self.out[i];
                found.scenario |= scenario_word(name);
                found.coverage |= name_tokens(name)
                    .iter()
                    .any(|t| t == "coverage" || t == "cov");
            }
        }
    }

    /// Reads a script (a `run:` block, a recipe line, a package.json script).
    pub fn script(&mut self, text: &str, frame: &Frame) {
        let mut frame = frame.clone();
        for cmd in shell::parse(text) {
            if cmd.words.first().is_some_and(|w| w == "cd" || w == "pushd") {
                if let Some(target) = cmd.words.get(1) {
                    frame.dir = if target.contains('$') || target.starts_with('~') {
                        None
                    } else {
                        frame.dir.as_deref().map(|d| join(d, target))
                    };
                }
                continue;
            }
            self.command(&cmd.words, &frame);
        }
    }

    /// Reads one simple command.
    pub fn command(&mut self, words: &[String], frame: &Frame) {
        if self.budget == 0 || frame.via.len() > MAX_DEPTH {
            return;
        }
        self.budget -= 1;
        let mut f = frame.clone();
        let mut i = 0;
        let mut assignments = String::new();
        while i < words.len() {
            let w = &words[i];
            if is_assignment(w) {
                assignments.push_str(w);
                assignments.push('\n');
                i += 1;
                continue;
            }
            let b = base(w);
            let rest = &words[i + 1..];
            let next = rest.first().map(String::as_str);
            // Wrappers: drop them and their options, keep going with the wrapped command.
            let wrapper_opts: Option<&[&str]> = match b.as_str() {
                "sudo" => Some(&["-u", "-g", "-C", "-h", "-p"]),
                "env" => Some(&["-u", "-C", "-S", "--unset", "--chdir"]),
                "time" | "nice" | "nohup" | "exec" | "command" | "builtin" | "stdbuf"
                | "unbuffer" | "eatmydata" | "chronic" | "with-contenv" | "catchsegv" => {
                    Some(&["-n", "-o", "-e", "-i"])
                }
                "xvfb-run" => Some(&["-s", "--server-args", "-n", "--server-num", "-f", "-e"]),
                "dotenv" | "dotenv-cli" => Some(&["-e", "-c", "-v", "-f"]),
                "env-cmd" => Some(&["-f", "-e", "--file", "--environments"]),
                "cross-env" | "cross-env-shell" => Some(&[]),
                "npx" | "bunx" | "pnpx" => Some(&["-p", "--package", "-c", "--call"]),
                "uvx" => Some(&["--from", "--with", "--python", "-p"]),
                "retry" => Some(&["-t", "--times", "-d", "--delay", "--tries", "--sleep"]),
                _ => None,
            };
            if let Some(value_opts) = wrapper_opts {
                if (b == "npx" || b == "pnpx") && next.is_some_and(|n| n == "-c" || n == "--call") {
                    if let Some(script) = rest.get(1) {
                        let f2 = f.clone();
                        self.script(script, &f2);
                    }
                    return;
                }
                i += 1;
                while i < words.len()
                    && (words[i].starts_with('-') || is_assignment(&words[i]))
                    && words[i] != "--"
                {
                    if value_opts.contains(&words[i].as_str()) {
                        i += 1;
                    }
                    i += 1;
                }
                if i < words.len() && words[i] == "--" {
                    i += 1;
                }
                continue;
            }
            if b == "timeout" {
                i += 1;
                while i < words.len() && words[i].starts_with('-') {
                    if matches!(words[i].as_str(), "-s" | "-k" | "--signal" | "--kill-after") {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1; // the duration
                continue;
            }
            if matches!(b.as_str(), "uv" | "poetry" | "pipenv" | "rye" | "pixi")
                && next == Some("run")
            {
                i += 2;
                while i < words.len() && words[i].starts_with('-') {
                    if matches!(
                        words[i].as_str(),
                        "--with"
                            | "--with-requirements"
                            | "--group"
                            | "--extra"
                            | "--python"
                            | "-p"
                            | "--env-file"
                            | "--directory"
                            | "--project"
                            | "--package"
                            | "--index"
                            | "--only-group"
                            | "--no-group"
                            | "-w"
                            | "-e"
                    ) {
                        i += 1;
                    }
                    i += 1;
                }
                if b == "rye"
                    && let Some(name) = words.get(i)
                    && self.pyproject_script("rye", name, &words[i + 1..], &f)
                {
                    return;
                }
                if b == "pipenv"
                    && let Some(name) = words.get(i)
                    && self.pipfile_script(name, &words[i + 1..], &f)
                {
                    return;
                }
                continue;
            }
            if matches!(b.as_str(), "pnpm" | "yarn" | "bundle")
                && matches!(next, Some("exec" | "dlx"))
            {
                i += 2;
                continue;
            }
            if b == "bun" && next == Some("x") {
                i += 2;
                continue;
            }
            if b == "pipx" && next == Some("run") {
                i += 2;
                while i < words.len() && words[i].starts_with('-') {
                    if words[i] == "--spec" {
                        i += 1;
                    }
                    i += 1;
                }
                continue;
            }
            if b.starts_with("python") || b == "py" || b == "pypy3" {
                let mut j = 0;
                while j < rest.len()
                    && rest[j].starts_with('-')
                    && rest[j] != "-m"
                    && rest[j] != "-c"
                {
                    if matches!(rest[j].as_str(), "-W" | "-X") {
                        j += 1;
                    }
                    j += 1;
                }
                match rest.get(j).map(String::as_str) {
                    Some("-m") => {
                        if let Some(m) = rest.get(j + 1) {
                            let mut nw = vec![python_module(m)];
                            nw.extend(rest[j + 2..].iter().cloned());
                            self.command(&nw, &f);
                        }
                    }
                    Some("-c") | None => {}
                    Some(script) => self.python_script(script, &rest[j + 1..], &f),
                }
                return;
            }
            if b == "coverage" {
                if next == Some("run") {
                    f.coverage = true;
                    let mut j = 1;
                    while j < rest.len() && rest[j].starts_with('-') && rest[j] != "-m" {
                        if matches!(
                            rest[j].as_str(),
                            "--rcfile"
                                | "--source"
                                | "--omit"
                                | "--include"
                                | "--data-file"
                                | "--context"
                                | "--concurrency"
                        ) {
                            j += 1;
                        }
                        j += 1;
                    }
                    match rest.get(j).map(String::as_str) {
                        Some("-m") => {
                            if let Some(m) = rest.get(j + 1) {
                                let mut nw = vec![python_module(m)];
                                nw.extend(rest[j + 2..].iter().cloned());
                                self.command(&nw, &f);
                            }
                        }
                        Some(script) => self.python_script(script, &rest[j + 1..], &f),
                        None => {}
                    }
                } else if next.is_some_and(|n| !n.starts_with('-') && n != "erase" && n != "debug")
                {
                    self.push(
                        Kind::Coverage,
                        Some(Language::Python),
                        &words[i..].join(" "),
                        &f,
                    );
                }
                return;
            }
            if b == "nyc" || b == "c8" {
                if next == Some("report") || next == Some("check-coverage") {
                    self.push(
                        Kind::Coverage,
                        Some(Language::Node),
                        &words[i..].join(" "),
                        &f,
                    );
                    return;
                }
                f.coverage = true;
                i += 1;
                while i < words.len() && words[i].starts_with('-') {
                    if matches!(
                        words[i].as_str(),
                        "-r" | "--reporter"
                            | "--report-dir"
                            | "-o"
                            | "--temp-directory"
                            | "--include"
                            | "-n"
                            | "--exclude"
                            | "-x"
                            | "--extension"
                            | "-e"
                            | "--src"
                    ) {
                        i += 1;
                    }
                    i += 1;
                }
                continue;
            }
            // Wrappers that inject secrets or a toolchain, then run `-- command …`.
            if matches!(
                b.as_str(),
                "op" | "doppler"
                    | "infisical"
                    | "dotenvx"
                    | "aws-vault"
                    | "chamber"
                    | "mise"
                    | "rtx"
                    | "flox"
                    | "teller"
                    | "berglas"
                    | "summon"
                    | "envchain"
                    | "with-op"
            ) && rest.iter().any(|a| a == "--")
            {
                let after: Vec<String> = rest
                    .iter()
                    .skip_while(|a| *a != "--")
                    .skip(1)
                    .cloned()
                    .collect();
                self.command(&after, &f);
                return;
            }
            if b == "sfw" || b == "socket-firewall" {
                // Socket Firewall: `sfw npm ci`, `sfw uv run …`.
                i += 1;
                continue;
            }
            if (b == "devbox" && next == Some("run")) || (b == "direnv" && next == Some("exec")) {
                i += if b == "devbox" { 2 } else { 3 };
                continue;
            }
            if b == "nix" || b == "nix-shell" {
                if let Some(k) = rest.iter().position(|a| a == "-c" || a == "--command") {
                    let after: Vec<String> = rest[k + 1..].to_vec();
                    self.command(&after, &f);
                } else if let Some(k) = rest.iter().position(|a| a == "--run")
                    && let Some(script) = rest.get(k + 1)
                {
                    self.script(script, &f);
                }
                return;
            }
            if b == "pg_virtualenv" {
                let idx = self.push(Kind::Database, None, "pg_virtualenv", &f);
                self.out[idx].engine = Some(Engine::Postgres);
                i += 1;
                while i < words.len() && words[i].starts_with('-') {
                    i += 1;
                }
                continue;
            }
            f.env.push_str(&assignments);
            self.program(&b, &words[i..], &f);
            return;
        }
    }

    /// Dispatches on the program (`words[0]`, already stripped of wrappers).
    fn program(&mut self, b: &str, words: &[String], f: &Frame) {
        let args = &words[1..];
        let all = words.join(" ");
        let sub = positionals(args, &[])
            .first()
            .map(|s| s.as_str())
            .unwrap_or("");
        match b {
            "make" | "gmake" | "mingw32-make" => self.make(args, f),
            "just" => self.just(args, f),
            "task" | "go-task" => self.taskfile(args, f),
            "tox" => self.tox(args, f),
            "nox" => self.nox(args, f),
            "npm" | "yarn" | "pnpm" | "bun" => self.node_runner(b, args, f),
            "pdm" => {
                let pos = positionals(args, &[]);
                let (name, after) = match pos.first().map(|s| s.as_str()) {
                    Some("run") => (pos.get(1).map(|s| s.as_str()), 2),
                    Some(n) => (Some(n), 1),
                    None => (None, 0),
                };
                if let Some(name) = name {
                    let rest: Vec<String> = args
                        .iter()
                        .skip_while(|a| *a != name)
                        .skip(1)
                        .cloned()
                        .collect();
                    if !self.pyproject_script("pdm", name, &rest, f) && after == 2 {
                        let nw: Vec<String> =
                            std::iter::once(name.to_string()).chain(rest).collect();
                        self.command(&nw, f);
                    } else if name == "publish" {
                        self.push(Kind::Release, Some(Language::Python), &all, f);
                    }
                }
            }
            "hatch" => match sub {
                "run" => {
                    let pos = positionals(args, &[]);
                    if let Some(name) = pos.get(1) {
                        let rest: Vec<String> = args
                            .iter()
                            .skip_while(|a| a != name)
                            .skip(1)
                            .cloned()
                            .collect();
                        if !self.pyproject_script("hatch", name, &rest, f) {
                            let nw: Vec<String> =
                                std::iter::once(name.to_string()).chain(rest).collect();
                            self.command(&nw, f);
                        }
                    }
                }
                "test" => {
                    let cov = has(args, &["--cover", "-c", "--cover-quiet"]);
                    self.push_test(Some(Language::Python), words, args, f, cov);
                }
                "fmt" => {
                    if !has(args, &["--formatter"]) {
                        self.push(Kind::Lint, Some(Language::Python), &all, f);
                    }
                    if !has(args, &["--linter"]) {
                        let k = if has(args, &["--check"]) {
                            Kind::Format
                        } else {
                            Kind::FormatWrite
                        };
                        self.push(k, Some(Language::Python), &all, f);
                    }
                }
                "publish" => {
                    self.push(Kind::Release, Some(Language::Python), &all, f);
                }
                _ => {}
            },
            "poe" => {
                if let Some(name) = positionals(args, &[]).first() {
                    let rest: Vec<String> = args
                        .iter()
                        .skip_while(|a| *a != *name)
                        .skip(1)
                        .cloned()
                        .collect();
                    if !self.pyproject_script("poe", name, &rest, f) {
                        self.push_names(name, Some(Language::Python), &all, f);
                    }
                }
            }
            "rye" => match sub {
                "test" => self.push_test(Some(Language::Python), words, args, f, false),
                "lint" => {
                    self.push(Kind::Lint, Some(Language::Python), &all, f);
                }
                "fmt" | "format" => {
                    let k = if has(args, &["--check"]) {
                        Kind::Format
                    } else {
                        Kind::FormatWrite
                    };
                    self.push(k, Some(Language::Python), &all, f);
                }
                _ => {}
            },
            "pre-commit" | "prek" => {
                if sub == "run" || sub.is_empty() {
                    self.precommit(args, f);
                }
            }
            "lefthook" => {
                if sub == "run"
                    && let Some(hook) = positionals(args, &[]).get(1)
                {
                    self.lefthook(hook, f);
                }
            }
            "lint-staged" => self.lint_staged(f),
            "gradle" | "gradlew" => self.gradle(words, f),
            "mvn" | "mvnw" => self.maven(words, f),
            "sbt" => self.sbt(words, f),
            "cargo" | "cross" => self.cargo(words, f),
            "go" => self.go(words, f),
            "docker" | "podman" | "nerdctl" | "docker-compose" | "podman-compose" => {
                self.docker(b, args, f)
            }
            "bash" | "sh" | "zsh" | "dash" | "ksh" => {
                let mut j = 0;
                while j < args.len() && args[j].starts_with('-') {
                    if args[j] == "-c"
                        || (args[j].starts_with('-')
                            && !args[j].starts_with("--")
                            && args[j].ends_with('c'))
                    {
                        if let Some(s) = args.get(j + 1) {
                            self.script(s, f);
                        }
                        return;
                    }
                    if args[j] == "-o" || args[j] == "+o" {
                        j += 1;
                    }
                    j += 1;
                }
                if let Some(path) = args.get(j) {
                    self.script_file(path, &args[j + 1..], f);
                }
            }
            "git" => self.git(args, f),
            "curl" | "wget" => {
                if args
                    .iter()
                    .any(|a| a.contains("codecov.io") || a.contains("coveralls.io"))
                {
                    self.push(Kind::Coverage, None, &all, f);
                }
            }
            _ => {
                if self.tool(b, words, f) || self.deploy_tool(b, words, f) {
                    return;
                }
                let w0 = &words[0];
                if (w0.contains('/') || w0.ends_with(".sh") || w0.ends_with(".bash"))
                    && !w0.contains("$(")
                {
                    self.script_file(w0, args, f);
                }
            }
        }
    }

    /// A repository script: read and followed when it is in the view, otherwise judged by its
    /// name (`./scripts/test.sh`).
    fn script_file(&mut self, path: &str, args: &[String], f: &Frame) {
        let rel = path.trim_start_matches("./");
        if rel.contains('$') {
            return;
        }
        let stem = base(rel);
        let stem = stem.split('.').next().unwrap_or(&stem).to_string();
        let key = format!("script:{rel}");
        if f.stack.contains(&key) {
            return;
        }
        match self.file(&f.dir, rel) {
            Some((p, text)) => {
                let mut child = f.child(Some(&stem), p.clone(), f.dir.clone());
                child.stack.push(key);
                let before = self.out.len();
                self.script(text, &child);
                if self.out.len() == before {
                    self.push_names(&stem, None, &format!("{path} {}", args.join(" ")), f);
                }
            }
            None => self.push_names(&stem, None, &format!("{path} {}", args.join(" ")), f),
        }
    }

    fn python_script(&mut self, script: &str, args: &[String], f: &Frame) {
        let name = base(script);
        if name == "manage.py" {
            if args.first().is_some_and(|a| a == "test") {
                let mut words = vec![script.to_string()];
                words.extend(args.iter().cloned());
                self.push_test(Some(Language::Python), &words, args, f, false);
            }
            return;
        }
        let stem = name.trim_end_matches(".py");
        if matches!(
            stem,
            "runtests" | "run_tests" | "runtest" | "test" | "tests"
        ) {
            let mut words = vec![script.to_string()];
            words.extend(args.iter().cloned());
            self.push_test(Some(Language::Python), &words, args, f, false);
        }
    }

    // -----------------------------------------------------------------------------------
    // Task runners

    fn make(&mut self, args: &[String], f: &Frame) {
        let mut dir = f.dir.clone();
        let mut file: Option<String> = None;
        let mut targets: Vec<String> = Vec::new();
        let mut j = 0;
        while j < args.len() {
            let a = &args[j];
            if a == "-C" || a == "--directory" {
                if let Some(d) = args.get(j + 1) {
                    dir = dir.map(|x| join(&x, d));
                }
                j += 2;
                continue;
            }
            if let Some(d) = a
                .strip_prefix("--directory=")
                .or_else(|| a.strip_prefix("-C").filter(|d| !d.is_empty()))
            {
                dir = dir.map(|x| join(&x, d));
            } else if a == "-f" || a == "--file" || a == "--makefile" {
                file = args.get(j + 1).cloned();
                j += 2;
                continue;
            } else if let Some(p) = a
                .strip_prefix("--file=")
                .or_else(|| a.strip_prefix("--makefile="))
            {
                file = Some(p.to_string());
            } else if a == "-j" || a == "--jobs" || a == "-l" || a == "-o" || a == "-W" {
                if args
                    .get(j + 1)
                    .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
                {
                    j += 1;
                }
            } else if !a.starts_with('-') && !is_assignment(a) && !a.contains('=') {
                targets.push(a.clone());
            }
            j += 1;
        }
        let found = match &file {
            Some(p) => self.file(&dir, p),
            None => ["GNUmakefile", "makefile", "Makefile"]
                .iter()
                .find_map(|n| self.file(&dir, n)),
        };
        let what = format!("make {}", targets.join(" "));
        let Some((path, text)) = found else {
            for t in &targets {
                self.push_names(t, None, &what, f);
            }
            return;
        };
        let mk = tasks::Makefile::parse(text);
        if targets.is_empty() {
            targets.extend(mk.default_goal.clone());
        }
        for t in targets {
            self.make_target(&mk, &path, &t, &dir, f, 0);
        }
    }

    fn make_target(
        &mut self,
        mk: &tasks::Makefile,
        path: &str,
        target: &str,
        dir: &Option<String>,
        f: &Frame,
        depth: u8,
    ) {
        let key = format!("make:{path}:{target}");
        if depth > 6 || f.stack.contains(&key) {
            return;
        }
        let rules = mk.rules_for(target);
        if rules.is_empty() {
            self.push_names(target, None, &format!("make {target}"), f);
            return;
        }
        let before = self.out.len();
        let mut nontrivial = false;
        for rule in rules {
            // A pattern rule's `%` in prerequisites and `$*` in the recipe are the stem.
            let stem = mk.stem(rule, target);
            let with_stem = |s: &str, mark: &str| match &stem {
                Some(stem) => s
                    .replace("$$", "\u{0}")
                    .replace(mark, stem)
                    .replace('\u{0}', "$$"),
                None => s.to_string(),
            };
            for p in &rule.prereqs {
                // One prerequisite may expand to several (`$(addprefix test-,$(SERVICES))`).
                let expanded = mk.expand(&with_stem(p, "%"), Some(target), 0);
                for p in expanded.split_whitespace() {
                    if !mk.rules_for(p).is_empty() {
                        let mut child = f.clone();
                        child.stack.push(key.clone());
                        self.make_target(mk, path, p, dir, &child, depth + 1);
                    }
                }
            }
            for (line, cmd) in &rule.recipe {
                let expanded = mk.expand(&with_stem(cmd, "$*"), Some(target), 0);
                // A `define`d variable expands to several recipe lines, each its own command.
                for cmd in expanded.lines() {
                    let cmd = cmd.trim().trim_start_matches(['@', '-', '+']).trim();
                    let first = cmd.split_whitespace().next().unwrap_or("");
                    if !matches!(
                        first,
                        "echo" | "printf" | "true" | ":" | "exit" | "" | "@echo"
                    ) {
                        nontrivial = true;
                    }
                    let mut child = f.child(
                        Some(target),
                        format!("make {target} ({path}:{line})"),
                        dir.clone(),
                    );
                    child.stack.push(key.clone());
                    self.script(cmd, &child);
                }
            }
        }
        if self.out.len() == before && nontrivial {
            self.push_names(target, None, &format!("make {target}"), f);
        }
    }

    fn just(&mut self, args: &[String], f: &Frame) {
        let mut dir = f.dir.clone();
        let mut file: Option<String> = None;
        let mut names = Vec::new();
        let mut j = 0;
        while j < args.len() {
            let a = &args[j];
            match a.as_str() {
                "-f" | "--justfile" => {
                    file = args.get(j + 1).cloned();
                    j += 1;
                }
                "-d" | "--working-directory" => {
                    if let Some(d) = args.get(j + 1) {
                        dir = dir.map(|x| join(&x, d));
                    }
                    j += 1;
                }
                "--set" => j += 2,
                s if s.starts_with('-') => {}
                s => names.push(s.to_string()),
            }
            j += 1;
        }
        let found = match &file {
            Some(p) => self.file(&dir, p),
            None => ["justfile", "Justfile", ".justfile"]
                .iter()
                .find_map(|n| self.file(&dir, n)),
        };
        let Some((path, text)) = found else {
            if let Some(n) = names.first() {
                self.push_names(n, None, &format!("just {n}"), f);
            }
            return;
        };
        let recipes = tasks::parse_justfile(text);
        let mut selected: Vec<String> = Vec::new();
        for n in &names {
            if recipes.iter().any(|r| &r.name == n) {
                selected.push(n.clone());
            } else if selected.is_empty() {
                break;
            }
        }
        if selected.is_empty()
            && let Some(first) = recipes
                .iter()
                .find(|r| r.name == "default")
                .or(recipes.first())
        {
            selected.push(first.name.clone());
        }
        for name in selected {
            self.just_recipe(&recipes, &path, &name, &dir, f);
        }
    }

    fn just_recipe(
        &mut self,
        recipes: &[tasks::JustRecipe],
        path: &str,
        name: &str,
        dir: &Option<String>,
        f: &Frame,
    ) {
        let key = format!("just:{path}:{name}");
        if f.stack.contains(&key) || f.stack.len() > MAX_DEPTH {
            return;
        }
        let Some(r) = recipes.iter().find(|r| r.name == name) else {
            return;
        };
        let mut inner = f.clone();
        inner.stack.push(key.clone());
        for d in &r.deps {
            self.just_recipe(recipes, path, d, dir, &inner);
        }
        for (line, cmd) in &r.body {
            let cmd = cmd.trim_start_matches(['@', '-']);
            let mut child = f.child(
                Some(name),
                format!("just {name} ({path}:{line})"),
                dir.clone(),
            );
            child.stack.push(key.clone());
            self.script(cmd, &child);
        }
    }

    fn taskfile(&mut self, args: &[String], f: &Frame) {
        let mut dir = f.dir.clone();
        let mut file: Option<String> = None;
        let mut names = Vec::new();
        let mut j = 0;
        while j < args.len() {
            let a = &args[j];
            match a.as_str() {
                "--" => break,
                "-t" | "--taskfile" => {
                    file = args.get(j + 1).cloned();
                    j += 1;
                }
                "-d" | "--dir" => {
                    if let Some(d) = args.get(j + 1) {
                        dir = dir.map(|x| join(&x, d));
                    }
                    j += 1;
                }
                s if s.starts_with('-') || s.contains('=') => {}
                s => names.push(s.to_string()),
            }
            j += 1;
        }
        if names.is_empty() {
            names.push("default".into());
        }
        let found = match &file {
            Some(p) => self.file(&dir, p),
            None => [
                "Taskfile.yml",
                "Taskfile.yaml",
                "taskfile.yml",
                "taskfile.yaml",
                "Taskfile.dist.yml",
            ]
            .iter()
            .find_map(|n| self.file(&dir, n)),
        };
        let Some((path, text)) = found else {
            for n in &names {
                self.push_names(n, None, &format!("task {n}"), f);
            }
            return;
        };
        let defs = tasks::parse_taskfile(text);
        for n in names {
            self.task_entry(&defs, &path, &n, &dir, f);
        }
    }

    fn task_entry(
        &mut self,
        defs: &std::collections::HashMap<String, tasks::TaskDef>,
        path: &str,
        name: &str,
        dir: &Option<String>,
        f: &Frame,
    ) {
        let key = format!("task:{path}:{name}");
        if f.stack.contains(&key) || f.stack.len() > MAX_DEPTH {
            return;
        }
        let Some(def) = defs.get(name) else {
            self.push_names(name, None, &format!("task {name}"), f);
            return;
        };
        let dir = match &def.dir {
            Some(d) => dir.as_deref().map(|x| join(x, d)),
            None => dir.clone(),
        };
        for step in &def.steps {
            let mut child = f.child(
                Some(name),
                format!("task {name} ({path}:{})", def.line),
                dir.clone(),
            );
            child.stack.push(key.clone());
            match step {
                tasks::TaskStep::Cmd(c) => self.script(c, &child),
                tasks::TaskStep::Task(t) => {
                    let mut inner = f.clone();
                    inner.stack.push(key.clone());
                    self.task_entry(defs, path, t, &dir, &inner);
                }
            }
        }
    }

    fn tox(&mut self, args: &[String], f: &Frame) {
        let mut envs: Vec<String> = Vec::new();
        let mut config: Option<String> = None;
        let mut j = 0;
        while j < args.len() {
            match args[j].as_str() {
                "-e" | "--env" => {
                    if let Some(v) = args.get(j + 1) {
                        envs.extend(v.split(',').map(|s| s.trim().to_string()));
                    }
                    j += 1;
                }
                "-c" | "--conf" => {
                    config = args.get(j + 1).cloned();
                    j += 1;
                }
                "--" => break,
                _ => {}
            }
            j += 1;
        }
        envs.retain(|e| !e.contains('$') && !e.is_empty() && e != "ALL");
        let what = format!("tox {}", args.join(" "));
        let mut commands: Vec<(String, u32, String)> = Vec::new();
        let candidates: Vec<String> = match &config {
            Some(c) => vec![c.clone()],
            None => vec![
                "tox.ini".into(),
                "tox.toml".into(),
                "pyproject.toml".into(),
                "setup.cfg".into(),
            ],
        };
        for name in candidates {
            let Some((path, text)) = self.file(&f.dir, &name) else {
                continue;
            };
            let file = base(&name);
            if file.ends_with(".ini") || file == "setup.cfg" {
                let text_ini = if file == "setup.cfg" {
                    // setup.cfg keeps tox under `[tox:tox]` and `[testenv]`.
                    text.to_string()
                } else {
                    text.to_string()
                };
                for (line, c) in tasks::tox_ini_commands(&text_ini, &envs) {
                    commands.push((path.clone(), line, c));
                }
            } else if let Ok(doc) = text.parse::<toml::Table>() {
                let table = if file == "pyproject.toml" {
                    doc.get("tool")
                        .and_then(|t| t.get("tox"))
                        .and_then(|t| t.as_table())
                        .cloned()
                } else {
                    Some(doc)
                };
                let Some(table) = table else { continue };
                if let Some(legacy) = table.get("legacy_tox_ini").and_then(|v| v.as_str()) {
                    let offset = tasks::line_of(text, "legacy_tox_ini").unwrap_or(1);
                    for (line, c) in tasks::tox_ini_commands(legacy, &envs) {
                        commands.push((path.clone(), line + offset - 1, c));
                    }
                } else {
                    for c in tasks::tox_toml_commands(&table, &envs) {
                        let line = tasks::line_of(text, c.split_whitespace().next().unwrap_or(""))
                            .unwrap_or(0);
                        commands.push((path.clone(), line, c));
                    }
                }
            }
            if !commands.is_empty() {
                break;
            }
        }
        if commands.is_empty() {
            self.push_test(
                Some(Language::Python),
                std::slice::from_ref(&what),
                args,
                f,
                false,
            );
            return;
        }
        for (path, line, c) in commands {
            let env_name = envs.first().cloned().unwrap_or_else(|| "tox".into());
            let child = f.child(
                Some(&env_name),
                format!("{what} ({path}:{line})"),
                f.dir.clone(),
            );
            self.script(&c, &child);
        }
    }

    fn nox(&mut self, args: &[String], f: &Frame) {
        let mut sessions: Vec<String> = Vec::new();
        let mut file = "noxfile.py".to_string();
        let mut j = 0;
        while j < args.len() {
            match args[j].as_str() {
                "-s" | "--session" | "--sessions" | "-e" => {
                    let mut k = j + 1;
                    while let Some(v) = args.get(k).filter(|v| !v.starts_with('-')) {
                        sessions.push(v.clone());
                        k += 1;
                    }
                    j = k;
                    continue;
                }
                "-f" | "--noxfile" => {
                    if let Some(v) = args.get(j + 1) {
                        file = v.clone();
                    }
                    j += 1;
                }
                "--" => break,
                _ => {}
            }
            j += 1;
        }
        let what = format!("nox {}", args.join(" "));
        let Some((path, text)) = self.file(&f.dir, &file) else {
            self.push_test(Some(Language::Python), &[what], args, f, false);
            return;
        };
        let commands = tasks::nox_commands(text, &sessions);
        if commands.is_empty() {
            self.push_test(Some(Language::Python), &[what], args, f, false);
            return;
        }
        for (line, c) in commands {
            let name = sessions.first().cloned().unwrap_or_else(|| "nox".into());
            let child = f.child(
                Some(&name),
                format!("{what} ({path}:{line})"),
                f.dir.clone(),
            );
            self.script(&c, &child);
        }
    }

    fn pyproject_script(&mut self, runner: &str, name: &str, extra: &[String], f: &Frame) -> bool {
        let file = if runner == "hatch" && self.file(&f.dir, "hatch.toml").is_some() {
            "hatch.toml"
        } else {
            "pyproject.toml"
        };
        let Some((path, text)) = self.file(&f.dir, file) else {
            return false;
        };
        let Ok(mut doc) = text.parse::<toml::Table>() else {
            return false;
        };
        if file == "hatch.toml" {
            // hatch.toml is `[envs.…]` without the `tool.hatch` prefix.
            let mut tool = toml::Table::new();
            let mut hatch = toml::Table::new();
            hatch.insert(
                "envs".into(),
                doc.get("envs")
                    .cloned()
                    .unwrap_or(toml::Value::Table(toml::Table::new())),
            );
            tool.insert("hatch".into(), toml::Value::Table(hatch));
            doc = toml::Table::new();
            doc.insert("tool".into(), toml::Value::Table(tool));
        }
        let Some(cmds) = tasks::pyproject_script(&doc, runner, name) else {
            return false;
        };
        let key = format!("{runner}:{path}:{name}");
        if f.stack.contains(&key) {
            return true;
        }
        let script_name = name.rsplit(':').next().unwrap_or(name);
        let line = tasks::find_line(text, 1, |l| {
            l.trim_start().starts_with(script_name) && l.contains('=')
        })
        .unwrap_or(0);
        let n = cmds.len();
        for (k, c) in cmds.into_iter().enumerate() {
            // A name in a composite or sequence refers to another script.
            let c = if k + 1 == n && !extra.is_empty() {
                format!("{c} {}", extra.join(" "))
            } else {
                c
            };
            let mut child = f.child(
                Some(name),
                format!("{runner} run {name} ({path}:{line})"),
                f.dir.clone(),
            );
            child.stack.push(key.clone());
            let first = c.split_whitespace().next().unwrap_or("");
            if !c.contains(' ') && self.pyproject_has(runner, &doc, first) && first != name {
                self.pyproject_script(runner, first, &[], &child);
            } else {
                self.script(&c, &child);
            }
        }
        true
    }

    fn pyproject_has(&self, runner: &str, doc: &toml::Table, name: &str) -> bool {
        tasks::pyproject_script(doc, runner, name).is_some()
    }

    fn pipfile_script(&mut self, name: &str, extra: &[String], f: &Frame) -> bool {
        let Some((path, text)) = self.file(&f.dir, "Pipfile") else {
            return false;
        };
        let Ok(doc) = text.parse::<toml::Table>() else {
            return false;
        };
        let Some(cmd) = doc
            .get("scripts")
            .and_then(|s| s.get(name))
            .and_then(|v| v.as_str())
        else {
            return false;
        };
        let line = tasks::line_of(text, &format!("{name} =")).unwrap_or(0);
        let child = f.child(
            Some(name),
            format!("pipenv run {name} ({path}:{line})"),
            f.dir.clone(),
        );
        self.script(&format!("{cmd} {}", extra.join(" ")), &child);
        true
    }

    fn node_runner(&mut self, tool: &str, args: &[String], f: &Frame) {
        let mut dir = f.dir.clone();
        let mut pos: Vec<String> = Vec::new();
        let mut extra: Vec<String> = Vec::new();
        let mut j = 0;
        while j < args.len() {
            let a = &args[j];
            if a == "--" {
                extra.extend(args[j + 1..].iter().cloned());
                break;
            }
            match a.as_str() {
                "--prefix" | "-C" | "--dir" | "--cwd" => {
                    if let Some(d) = args.get(j + 1) {
                        dir = dir.map(|x| join(&x, d));
                    }
                    j += 2;
                    continue;
                }
                "-w" | "--workspace" | "--filter" | "-F" | "--loglevel" | "--reporter" => {
                    j += 2;
                    continue;
                }
                s if s.starts_with("--prefix=")
                    || s.starts_with("--dir=")
                    || s.starts_with("--cwd=") =>
                {
                    if let Some((_, d)) = s.split_once('=') {
                        dir = dir.map(|x| join(&x, d));
                    }
                }
                s if s.starts_with('-') && pos.len() < 2 => {}
                _ => {
                    if pos.len() >= 2
                        || (pos.len() == 1
                            && !matches!(pos[0].as_str(), "run" | "run-script" | "rum" | "urn"))
                    {
                        extra.push(a.clone());
                    } else {
                        pos.push(a.clone());
                    }
                }
            }
            j += 1;
        }
        let what = format!("{tool} {}", args.join(" "));
        let sub = pos.first().map(String::as_str).unwrap_or("");
        let script = match (tool, sub) {
            (_, "run" | "run-script" | "rum" | "urn") => pos.get(1).cloned(),
            ("npm" | "pnpm", "test" | "t" | "tst") => Some("test".to_string()),
            ("yarn", "test") => Some("test".to_string()),
            ("bun", "test") => {
                let cov = has(&extra, &["--coverage"]) || has(args, &["--coverage"]);
                let words: Vec<String> = std::iter::once(tool.to_string())
                    .chain(args.iter().cloned())
                    .collect();
                self.push_test(Some(Language::Node), &words, args, f, cov);
                return;
            }
            (_, "publish") => {
                self.push(Kind::Release, Some(Language::Node), &what, f);
                return;
            }
            (_, "exec" | "x" | "dlx") => {
                let rest: Vec<String> = pos[1..].iter().chain(extra.iter()).cloned().collect();
                self.command(&rest, f);
                return;
            }
            ("npm", _) => None,
            (
                _,
                "" | "install" | "i" | "add" | "ci" | "remove" | "upgrade" | "up" | "config"
                | "set" | "cache" | "workspaces" | "info" | "why" | "dedupe" | "version" | "pack"
                | "login" | "link" | "init" | "create" | "import" | "audit" | "outdated" | "store"
                | "fetch" | "prune" | "rebuild" | "setup" | "env" | "list" | "ls" | "bin" | "node"
                | "plugin",
            ) => None,
            (_, other) => Some(other.to_string()),
        };
        let Some(name) = script else { return };
        self.npm_script(tool, &name, &extra, &dir, f, &what);
    }

    fn npm_script(
        &mut self,
        tool: &str,
        name: &str,
        extra: &[String],
        dir: &Option<String>,
        f: &Frame,
        what: &str,
    ) {
        let Some((path, text)) = self.file_upwards(dir, "package.json") else {
            self.push_names(name, Some(Language::Node), what, f);
            return;
        };
        let pkg_dir = path
            .rsplit_once('/')
            .map_or(String::new(), |(d, _)| d.to_string());
        let scripts = tasks::npm_scripts(text).unwrap_or_default();
        let key = format!("npm:{path}:{name}");
        if f.stack.contains(&key) {
            return;
        }
        let Some(body) = scripts.get(name) else {
            if tool != "npm" {
                // `yarn jest`, `pnpm eslint .`: a binary of node_modules/.bin.
                let words: Vec<String> = std::iter::once(name.to_string())
                    .chain(extra.iter().cloned())
                    .collect();
                self.command(&words, f);
            }
            return;
        };
        let mut order: Vec<(&str, String)> = Vec::new();
        if (tool == "npm" || tool == "yarn")
            && let Some(pre) = scripts.get(&format!("pre{name}"))
        {
            order.push((name, pre.clone()));
        }
        let main = if extra.is_empty() {
            body.clone()
        } else {
            format!("{body} {}", extra.join(" "))
        };
        order.push((name, main));
        if (tool == "npm" || tool == "yarn")
            && let Some(post) = scripts.get(&format!("post{name}"))
        {
            order.push((name, post.clone()));
        }
        let line = tasks::npm_script_line(text, name);
        for (n, body) in order {
            let mut child = f.child(
                Some(n),
                format!("{tool} run {n} ({path}:{line})"),
                Some(pkg_dir.clone()),
            );
            child.stack.push(key.clone());
            self.node_script_body(&body, &scripts, &child);
        }
    }

    /// A package.json script; `run-s`/`run-p`/`npm-run-all` name other scripts.
    fn node_script_body(
        &mut self,
        body: &str,
        scripts: &indexmap::IndexMap<String, String>,
        f: &Frame,
    ) {
        for cmd in shell::parse(body) {
            let b = cmd.words.first().map(|w| base(w)).unwrap_or_default();
            if matches!(
                b.as_str(),
                "run-s" | "run-p" | "npm-run-all" | "npm-run-all2"
            ) {
                for pattern in cmd.words[1..].iter().filter(|w| !w.starts_with('-')) {
                    let names: Vec<String> = match pattern.strip_suffix('*') {
                        Some(prefix) => scripts
                            .keys()
                            .filter(|k| k.starts_with(prefix))
                            .cloned()
                            .collect(),
                        None => vec![pattern.clone()],
                    };
                    for n in names {
                        self.npm_script("npm", &n, &[], &f.dir, f, &format!("run-s {n}"));
                    }
                }
                continue;
            }
            if b == "concurrently" {
                for a in cmd.words[1..].iter().filter(|w| !w.starts_with('-')) {
                    match a.strip_prefix("npm:") {
                        Some(n) => self.npm_script("npm", n, &[], &f.dir, f, a),
                        None => self.script(a, f),
                    }
                }
                continue;
            }
            self.command(&cmd.words, f);
        }
    }

    fn precommit(&mut self, args: &[String], f: &Frame) {
        let pos = positionals(
            args,
            &[
                "--hook-stage",
                "--from-ref",
                "--to-ref",
                "-s",
                "-o",
                "--source",
                "--origin",
                "-c",
                "--config",
            ],
        );
        let hook_id = pos.get(1).map(|s| s.to_string());
        let config = args
            .iter()
            .position(|a| a == "-c" || a == "--config")
            .and_then(|k| args.get(k + 1).cloned());
        self.precommit_config(config.as_deref(), hook_id.as_deref(), f);
    }

    /// The hooks of the pre-commit config, as CI runs them (`pre-commit run --all-files`).
    pub fn precommit_config(&mut self, config: Option<&str>, hook_id: Option<&str>, f: &Frame) {
        let found = match config {
            Some(c) => self
                .file(&f.dir, c)
                .or_else(|| self.file(&Some(String::new()), c)),
            None => [".pre-commit-config.yaml", ".pre-commit-config.yml"]
                .iter()
                .find_map(|n| {
                    self.file(&f.dir, n)
                        .or_else(|| self.file(&Some(String::new()), n))
                }),
        };
        let Some((path, text)) = found else { return };
        let key = format!("pre-commit:{path}");
        if f.stack.contains(&key) {
            return;
        }
        for hook in tasks::precommit_hooks(text) {
            if hook_id.is_some_and(|h| h != hook.id) {
                continue;
            }
            let mut child = f.child(
                Some(&hook.id),
                format!("pre-commit hook {} ({path}:{})", hook.id, hook.line),
                f.dir.clone(),
            );
            child.hooks = true;
            child.stack.push(key.clone());
            self.hook(&hook, &child);
        }
    }

    /// One pre-commit hook: known ids and repositories, or its `entry` command.
    fn hook(&mut self, hook: &tasks::Hook, f: &Frame) {
        let id = hook.id.to_ascii_lowercase();
        let repo = hook.repo.to_ascii_lowercase();
        let what = hook.id.clone();
        let (py, node, go, rust, jvm) = (
            Some(Language::Python),
            Some(Language::Node),
            Some(Language::Go),
            Some(Language::Rust),
            Some(Language::Jvm),
        );
        let known: &[(Kind, Option<Language>)] = match id.as_str() {
            "ruff" | "ruff-check" | "flake8" | "pylint" | "bandit" | "pyflakes" | "pycodestyle"
            | "pydocstyle" => &[(Kind::Lint, py)],
            "ruff-format" | "black" | "black-jupyter" | "autopep8" | "yapf" | "blue" => {
                &[(Kind::Format, py)]
            }
            "eslint" | "standard" | "oxlint" | "xo" => &[(Kind::Lint, node)],
            "prettier" | "dprint" => &[(Kind::Format, node)],
            "biome-check" | "biome-ci" => &[(Kind::Lint, node), (Kind::Format, node)],
            "biome-lint" => &[(Kind::Lint, node)],
            "biome-format" => &[(Kind::Format, node)],
            "golangci-lint"
            | "golangci-lint-full"
            | "golangci-lint-repo-mod"
            | "golangci-lint-mod"
            | "go-vet"
            | "go-vet-mod"
            | "go-vet-repo-mod"
            | "go-staticcheck-mod"
            | "go-staticcheck-repo-mod"
            | "staticcheck"
            | "go-critic"
            | "go-lint"
            | "golint"
            | "revive"
            | "go-revive" => &[(Kind::Lint, go)],
            "go-fmt" | "gofmt" | "go-fmt-repo" | "go-imports" | "goimports" | "go-imports-repo"
            | "gofumpt" | "go-fumpt" | "go-fumpt-repo" => &[(Kind::Format, go)],
            "fmt" | "rustfmt" | "cargo-fmt" | "rust-fmt" => &[(Kind::Format, rust)],
            "clippy" | "cargo-clippy" | "rust-clippy" => &[(Kind::Lint, rust)],
            "ktlint" => &[(Kind::Lint, jvm), (Kind::Format, jvm)],
            "pretty-format-java"
            | "pretty-format-kotlin"
            | "google-java-format"
            | "ktfmt"
            | "spotless" => &[(Kind::Format, jvm)],
            "detekt" | "checkstyle" | "pmd" => &[(Kind::Lint, jvm)],
            "gitleaks" | "gitleaks-docker" | "gitleaks-system" | "trufflehog"
            | "detect-secrets" | "ggshield" | "ggshield-push" | "git-secrets"
            | "talisman-commit" | "talisman-push" | "secretlint" | "noseyparker" | "kingfisher" => {
                &[(Kind::Secrets, None)]
            }
            _ => &[],
        };
        let before = self.out.len();
        if let Some(entry) = &hook.entry {
            let cmd = format!("{entry} {}", hook.args.join(" "));
            self.script(&cmd, f);
        }
        if self.out.len() == before {
            for (kind, lang) in known {
                self.push(*kind, *lang, &what, f);
            }
            if known.is_empty()
                && [
                    "gitleaks",
                    "trufflehog",
                    "detect-secrets",
                    "ggshield",
                    "git-secrets",
                    "talisman",
                    "secretlint",
                    "noseyparker",
                ]
                .iter()
                .any(|t| repo.contains(t))
            {
                self.push(Kind::Secrets, None, &what, f);
            }
        }
    }

    fn lefthook(&mut self, hook: &str, f: &Frame) {
        for name in [
            "lefthook.yml",
            "lefthook.yaml",
            ".lefthook.yml",
            ".lefthook.yaml",
        ] {
            let Some((path, text)) = self
                .file(&f.dir, name)
                .or_else(|| self.file(&Some(String::new()), name))
            else {
                continue;
            };
            for (h, line, run) in tasks::lefthook_runs(text) {
                if h == hook {
                    let mut child = f.child(
                        Some(hook),
                        format!("lefthook {hook} ({path}:{line})"),
                        f.dir.clone(),
                    );
                    child.hooks = true;
                    self.script(&run, &child);
                }
            }
            return;
        }
    }

    /// lint-staged (from a husky hook): its commands from package.json or `.lintstagedrc`.
    fn lint_staged(&mut self, f: &Frame) {
        if let Some((path, text)) = self.file_upwards(&f.dir, "package.json") {
            let cmds = tasks::lint_staged_commands(text, true);
            if !cmds.is_empty() {
                let line = tasks::line_of(text, "\"lint-staged\"").unwrap_or(0);
                for c in cmds {
                    let child = f.child(
                        Some("lint-staged"),
                        format!("lint-staged ({path}:{line})"),
                        f.dir.clone(),
                    );
                    self.script(&c, &child);
                }
                return;
            }
        }
        for name in [
            ".lintstagedrc",
            ".lintstagedrc.json",
            ".lintstagedrc.yaml",
            ".lintstagedrc.yml",
        ] {
            if let Some((path, text)) = self.file(&f.dir, name) {
                for c in tasks::lint_staged_commands(text, false) {
                    let child = f.child(
                        Some("lint-staged"),
                        format!("lint-staged ({path})"),
                        f.dir.clone(),
                    );
                    self.script(&c, &child);
                }
                return;
            }
        }
    }

    // -----------------------------------------------------------------------------------
    // Build tools

    fn gradle(&mut self, words: &[String], f: &Frame) {
        let args = &words[1..];
        let mut tasks_run: Vec<String> = Vec::new();
        let mut excluded: Vec<String> = Vec::new();
        let mut dir = f.dir.clone();
        let mut j = 0;
        while j < args.len() {
            let a = &args[j];
            match a.as_str() {
                "-x" | "--exclude-task" => {
                    if let Some(t) = args.get(j + 1) {
                        excluded.push(t.rsplit(':').next().unwrap_or(t).to_string());
                    }
                    j += 1;
                }
                "-p" | "--project-dir" => {
                    if let Some(d) = args.get(j + 1) {
                        dir = dir.map(|x| join(&x, d));
                    }
                    j += 1;
                }
                "-b" | "--build-file" | "-c" | "--settings-file" | "-I" | "--init-script"
                | "--console" | "--warning-mode" | "--max-workers" => j += 1,
                s if s.starts_with('-') => {}
                s => tasks_run.push(s.rsplit(':').next().unwrap_or(s).to_string()),
            }
            j += 1;
        }
        let plugins: Vec<&'static str> = ["build.gradle", "build.gradle.kts"]
            .iter()
            .filter_map(|n| self.file(&dir, n))
            .flat_map(|(_, t)| tasks::gradle_plugins(t))
            .chain(
                self.repo
                    .service_files()
                    .filter(|fl| {
                        fl.path.ends_with("build.gradle") || fl.path.ends_with("build.gradle.kts")
                    })
                    .filter(|fl| !crate::repo::stack::is_vendored(&fl.path))
                    .filter_map(|fl| fl.text())
                    .flat_map(tasks::gradle_plugins),
            )
            .collect();
        let plugin = |p: &str| plugins.contains(&p);
        let jvm = Some(Language::Jvm);
        let all = words.join(" ");
        let skip_tests = excluded.iter().any(|e| e == "test" || e == "check");
        for t in &tasks_run {
            let lower = t.to_ascii_lowercase();
            let verification = matches!(lower.as_str(), "check" | "build");
            let is_test = lower == "test"
                || lower.ends_with("test")
                    && !lower.starts_with("jacoco")
                    && !lower.starts_with("kover")
                    && lower != "spotlesstest"
                || lower.ends_with("tests")
                || lower.ends_with("unittest");
            if (is_test || verification) && !(verification && skip_tests) {
                let cov = plugin("jacoco") || plugin("kover");
                let i = self.push(Kind::Test, jvm, &all, f);
                self.out[i].coverage |= cov
                    || tasks_run
                        .iter()
                        .any(|x| x.starts_with("jacoco") || x.starts_with("kover"));
                self.out[i].scenario |= scenario_word(t);
            }
            if lower.starts_with("jacoco") || lower.starts_with("kover") {
                self.push(Kind::Coverage, jvm, &all, f);
            }
            if lower == "spotlesscheck"
                || lower == "ktfmtcheck"
                || lower == "checkformat"
                || verification && (plugin("spotless") || plugin("ktfmt") || plugin("javaformat"))
            {
                self.push(Kind::Format, jvm, &all, f);
            }
            if lower == "spotlessapply"
                || lower == "ktfmtformat"
                || lower == "ktlintformat"
                || lower == "formatkotlin"
            {
                self.push(Kind::FormatWrite, jvm, &all, f);
            }
            if matches!(lower.as_str(), "ktlintcheck" | "lintkotlin")
                || verification && (plugin("ktlint") || plugin("kotlinter"))
            {
                self.push(Kind::Lint, jvm, &all, f);
                self.push(Kind::Format, jvm, &all, f);
            }
            if lower == "detekt"
                || lower.starts_with("checkstyle")
                || lower.starts_with("pmd")
                || lower.starts_with("spotbugs")
                || lower == "lint"
                || verification
                    && (plugin("detekt")
                        || plugin("checkstyle")
                        || plugin("pmd")
                        || plugin("spotbugs"))
            {
                self.push(Kind::Lint, jvm, &all, f);
            }
            if matches!(
                lower.as_str(),
                "publish" | "jib" | "bootbuildimage" | "publishtomavencentral"
            ) || lower.starts_with("publish") && lower.ends_with("repository")
            {
                self.push(Kind::Release, jvm, &all, f);
            }
            let before = self.out.len();
            let _ = before;
        }
    }

    fn maven(&mut self, words: &[String], f: &Frame) {
        let args = &words[1..];
        const PHASES: &[&str] = &[
            "validate",
            "initialize",
            "compile",
            "test-compile",
            "test",
            "package",
            "integration-test",
            "verify",
            "install",
            "deploy",
        ];
        let mut phase: Option<usize> = None;
        let mut goals: Vec<String> = Vec::new();
        let mut skip_tests = false;
        let mut pom: Option<String> = None;
        let mut j = 0;
        while j < args.len() {
            let a = &args[j];
            match a.as_str() {
                "-f" | "--file" => {
                    pom = args.get(j + 1).cloned();
                    j += 1;
                }
                "-P" | "-pl" | "--projects" | "-s" | "--settings" | "-T" | "--threads" | "-rf"
                | "--resume-from" | "-gs" | "-t" | "-l" | "--log-file" => j += 1,
                s if s.starts_with("-D") => {
                    let l = s.to_ascii_lowercase();
                    if l.starts_with("-dskiptests") && !l.ends_with("=false")
                        || l.starts_with("-dmaven.test.skip") && !l.ends_with("=false")
                    {
                        skip_tests = true;
                    }
                }
                s if s.starts_with('-') => {}
                s => {
                    if let Some(k) = PHASES.iter().position(|p| *p == s) {
                        phase = Some(phase.map_or(k, |p| p.max(k)));
                    } else {
                        goals.push(s.to_ascii_lowercase());
                    }
                }
            }
            j += 1;
        }
        let pom_text = match &pom {
            Some(p) => self.file(&f.dir, p).map(|(_, t)| t),
            None => self.file(&f.dir, "pom.xml").map(|(_, t)| t),
        };
        let plugins = pom_text.map(tasks::maven_plugins).unwrap_or_default();
        let jvm = Some(Language::Jvm);
        let all = words.join(" ");
        let reached = |p: &str| {
            phase.is_some_and(|k| PHASES.iter().position(|x| *x == p).is_some_and(|q| k >= q))
        };
        if (reached("test") && !skip_tests)
            || goals
                .iter()
                .any(|g| g.starts_with("surefire:test") || g.starts_with("failsafe:"))
        {
            let i = self.push(Kind::Test, jvm, &all, f);
            self.out[i].coverage |=
                plugins.contains(&"jacoco") || goals.iter().any(|g| g.starts_with("jacoco:"));
        }
        if goals.iter().any(|g| g.starts_with("jacoco:")) {
            self.push(Kind::Coverage, jvm, &all, f);
        }
        let verify = reached("verify");
        // spring-javaformat's `validate` goal is bound to the first phase of every build.
        let javaformat = plugins.contains(&"javaformat")
            && (phase.is_some() || goals.iter().any(|g| g.contains("javaformat:validate")));
        if goals
            .iter()
            .any(|g| g == "spotless:check" || g == "fmt:check" || g.ends_with(":ktlint:check"))
            || verify && (plugins.contains(&"spotless") || plugins.contains(&"fmt"))
            || javaformat
        {
            self.push(Kind::Format, jvm, &all, f);
        }
        if goals
            .iter()
            .any(|g| g.starts_with("spotless:apply") || g == "fmt:format")
        {
            self.push(Kind::FormatWrite, jvm, &all, f);
        }
        if goals.iter().any(|g| {
            g.starts_with("checkstyle:")
                || g.starts_with("pmd:")
                || g.starts_with("spotbugs:")
                || g.contains("spotbugs-maven-plugin")
                || g.starts_with("ktlint:")
                || g.starts_with("detekt:")
        }) || verify
            && ["checkstyle", "pmd", "spotbugs", "ktlint", "detekt"]
                .iter()
                .any(|p| plugins.contains(p))
        {
            self.push(Kind::Lint, jvm, &all, f);
        }
        if reached("deploy")
            || goals
                .iter()
                .any(|g| g.starts_with("jib:build") || g == "spring-boot:build-image")
        {
            self.push(Kind::Release, jvm, &all, f);
        }
    }

    fn sbt(&mut self, words: &[String], f: &Frame) {
        let all = words.join(" ");
        let cmds: Vec<String> = words[1..]
            .iter()
            .flat_map(|w| {
                w.split(';')
                    .map(|s| s.trim().to_string())
                    .collect::<Vec<_>>()
            })
            .collect();
        let jvm = Some(Language::Jvm);
        let coverage = cmds
            .iter()
            .any(|c| c == "coverage" || c.starts_with("coverage"));
        for c in &cmds {
            let c = c.trim_start_matches('+');
            let head = c.split_whitespace().next().unwrap_or("");
            match head {
                "test" | "testOnly" | "it:test" | "IntegrationTest/test" => {
                    let i = self.push(Kind::Test, jvm, &all, f);
                    self.out[i].coverage |= coverage;
                }
                "scalafmtCheck" | "scalafmtCheckAll" | "scalafmtSbtCheck" => {
                    self.push(Kind::Format, jvm, &all, f);
                }
                "scalafixAll" | "scalafix" if c.contains("--check") => {
                    self.push(Kind::Lint, jvm, &all, f);
                }
                _ => {}
            }
        }
    }

    fn cargo(&mut self, words: &[String], f: &Frame) {
        let mut args: Vec<String> = words[1..].to_vec();
        let mut dir = f.dir.clone();
        // Global options and `+toolchain` before the subcommand.
        while let Some(a) = args.first().cloned() {
            if a.starts_with('+') {
                args.remove(0);
            } else if a == "--manifest-path" || a == "-C" {
                if let Some(p) = args.get(1) {
                    let d = if a == "-C" {
                        p.clone()
                    } else {
                        p.rsplit_once('/')
                            .map_or(String::new(), |(d, _)| d.to_string())
                    };
                    dir = dir.map(|x| join(&x, &d));
                }
                args.drain(..2.min(args.len()));
            } else if matches!(a.as_str(), "-Z" | "--color" | "--config") {
                args.drain(..2.min(args.len()));
            } else if a.starts_with('-') {
                args.remove(0);
            } else {
                break;
            }
        }
        let mut frame = f.clone();
        frame.dir = dir;
        let f = &frame;
        let rust = Some(Language::Rust);
        let all = words.join(" ");
        let sub = args.first().map(String::as_str).unwrap_or("");
        let rest = if args.is_empty() {
            &args[..]
        } else {
            &args[1..]
        };
        let env_cov = f.env.contains("instrument-coverage") || f.env.contains("-Zprofile");
        match sub {
            "test" | "t" | "nextest" | "insta" => {
                if sub == "insta" && rest.first().is_none_or(|r| r != "test") {
                    return;
                }
                if sub == "nextest" && rest.first().is_some_and(|r| r != "run" && r != "r") {
                    return;
                }
                self.push_test(rust, words, rest, f, env_cov);
            }
            "llvm-cov" | "tarpaulin" => {
                if rest
                    .first()
                    .is_some_and(|r| matches!(r.as_str(), "report" | "show-env" | "clean"))
                {
                    self.push(Kind::Coverage, rust, &all, f);
                } else {
                    self.push_test(rust, words, rest, f, true);
                }
            }
            "fmt" => {
                let k = if has(rest, &["--check"]) {
                    Kind::Format
                } else {
                    Kind::FormatWrite
                };
                self.push(k, rust, &all, f);
            }
            "clippy" => {
                self.push(Kind::Lint, rust, &all, f);
            }
            "hack" | "all-features" | "msrv" => {
                let pos: Vec<String> = rest
                    .iter()
                    .skip_while(|a| a.starts_with('-'))
                    .cloned()
                    .collect();
                if !pos.is_empty() {
                    let nw: Vec<String> = std::iter::once("cargo".to_string()).chain(pos).collect();
                    self.cargo(&nw, f);
                }
            }
            "make" => {
                if let Some(task) = positionals(rest, &[]).first() {
                    self.push_names(task, rust, &all, f);
                }
            }
            "shuttle" | "lambda" if rest.first().is_some_and(|r| r == "deploy") => {
                self.push(Kind::Deploy, None, &all, f);
            }
            "publish" => {
                self.push(Kind::Release, rust, &all, f);
            }
            _ => {}
        }
    }

    fn go(&mut self, words: &[String], f: &Frame) {
        let args = &words[1..];
        let go = Some(Language::Go);
        let all = words.join(" ");
        match args.first().map(String::as_str) {
            Some("test") => {
                let cov = args
                    .iter()
                    .any(|a| a.starts_with("-cover") || a.starts_with("--cover"));
                self.push_test(go, words, &args[1..], f, cov);
            }
            Some("vet") => {
                self.push(Kind::Lint, go, &all, f);
            }
            Some("fmt") => {
                self.push(Kind::FormatWrite, go, &all, f);
            }
            Some("run") | Some("tool") => {
                let pos: Vec<&String> = args[1..]
                    .iter()
                    .skip_while(|a| a.starts_with('-'))
                    .collect();
                if let Some(pkg) = pos.first() {
                    let mut prog = base(pkg);
                    if prog.starts_with('v') && prog[1..].chars().all(|c| c.is_ascii_digit()) {
                        // `…/golangci-lint/v2/cmd/golangci-lint` ends in the tool; `…/v2` does not.
                        prog = pkg.split('/').rev().nth(1).unwrap_or("").to_string();
                    }
                    if prog == "cmd" {
                        prog = pkg.split('/').rev().nth(1).unwrap_or("").to_string();
                    }
                    let nw: Vec<String> = std::iter::once(prog)
                        .chain(pos[1..].iter().map(|s| s.to_string()))
                        .collect();
                    self.command(&nw, f);
                }
            }
            _ => {}
        }
    }

    fn git(&mut self, args: &[String], f: &Frame) {
        let pos = positionals(args, &["-C", "-c"]);
        let sub = pos.first().map(|s| s.as_str()).unwrap_or("");
        let all = format!("git {}", args.join(" "));
        match sub {
            "diff" if has(args, &["--exit-code", "--quiet"]) => {
                self.push(Kind::DiffCheck, None, &all, f);
            }
            "status" if has(args, &["--porcelain", "-s", "--short"]) => {
                self.push(Kind::DiffCheck, None, &all, f);
            }
            "push"
                if pos.get(1).is_some_and(|r| {
                    let r = r.to_ascii_lowercase();
                    r == "heroku"
                        || r == "dokku"
                        || r.contains("git.heroku.com")
                        || r.starts_with("dokku@")
                        || r.contains("@dokku")
                }) =>
            {
                self.push(Kind::Deploy, None, &all, f);
            }
            _ => {}
        }
    }

    fn docker(&mut self, prog: &str, args: &[String], f: &Frame) {
        let all = format!("{prog} {}", args.join(" "));
        let remote = f.env.contains("DOCKER_HOST=ssh://")
            || f.env.contains("DOCKER_HOST=tcp://")
            || args.windows(2).any(|w| {
                (w[0] == "-H" || w[0] == "--host" || w[0] == "--context" || w[0] == "-c")
                    && !w[1].contains("default")
            })
            || args
                .iter()
                .any(|a| a.starts_with("--host=") || a.starts_with("--context="));
        let mut j = 0;
        // Global options of docker itself.
        while j < args.len() && args[j].starts_with('-') {
            if matches!(
                args[j].as_str(),
                "-H" | "--host" | "--context" | "-c" | "--config" | "-l" | "--log-level"
            ) {
                j += 1;
            }
            j += 1;
        }
        let compose = prog.ends_with("compose");
        let (sub, rest): (&str, &[String]) = if compose {
            ("compose", args)
        } else {
            (
                args.get(j).map(String::as_str).unwrap_or(""),
                args.get(j + 1..).unwrap_or(&[]),
            )
        };
        match sub {
            "compose" => self.compose(rest, remote, &all, f),
            "run" | "create" => {
                let mut k = 0;
                while k < rest.len() && rest[k].starts_with('-') {
                    if DOCKER_RUN_VALUE_OPTS.contains(&rest[k].as_str()) {
                        k += 1;
                    }
                    k += 1;
                }
                let Some(image) = rest.get(k) else { return };
                if let Some(engine) = image_engine(image) {
                    let i = self.push(Kind::Database, None, &all, f);
                    self.out[i].engine = Some(engine);
                    return;
                }
                let cmd = &rest[k + 1..];
                let before = self.out.len();
                if !cmd.is_empty() {
                    self.command(cmd, f);
                }
                if self.out.len() == before {
                    // The image is the tool: `docker run zricethezav/gitleaks detect`.
                    let nw: Vec<String> =
                        std::iter::once(base(image.split(':').next().unwrap_or(image)))
                            .chain(cmd.iter().cloned())
                            .collect();
                    self.tool(&nw[0].clone(), &nw, f);
                }
            }
            "exec" => {
                let mut k = 0;
                while k < rest.len() && rest[k].starts_with('-') {
                    if matches!(
                        rest[k].as_str(),
                        "-e" | "--env" | "-w" | "--workdir" | "-u" | "--user" | "--env-file"
                    ) {
                        k += 1;
                    }
                    k += 1;
                }
                if rest.len() > k + 1 {
                    self.command(&rest[k + 1..], f);
                }
            }
            "push" => {
                self.push(Kind::Release, None, &all, f);
            }
            "build" | "buildx" | "image" | "manifest"
                if (has(rest, &["--push"])
                    || rest.iter().any(|a| a == "push" || a == "imagetools")
                    || rest.iter().any(|a| a.contains("push=true"))) =>
            {
                self.push(Kind::Release, None, &all, f);
            }
            "stack" if rest.first().is_some_and(|r| r == "deploy" || r == "up") => {
                self.push(Kind::Deploy, None, &all, f);
            }
            "service" if rest.first().is_some_and(|r| r == "update" || r == "create") => {
                self.push(Kind::Deploy, None, &all, f);
            }
            _ => {}
        }
    }

    fn compose(&mut self, args: &[String], remote: bool, all: &str, f: &Frame) {
        let mut files: Vec<String> = Vec::new();
        let mut dir = f.dir.clone();
        let mut j = 0;
        while j < args.len() && args[j].starts_with('-') {
            let a = &args[j];
            if a == "-f" || a == "--file" {
                if let Some(v) = args.get(j + 1) {
                    files.push(v.clone());
                }
            } else if a == "--project-directory"
                && let Some(v) = args.get(j + 1)
            {
                dir = dir.map(|x| join(&x, v));
            }
            if COMPOSE_GLOBAL_VALUE_OPTS.contains(&a.as_str()) {
                j += 1;
            }
            j += 1;
        }
        let sub = args.get(j).map(String::as_str).unwrap_or("");
        let rest = args.get(j + 1..).unwrap_or(&[]);
        if !matches!(sub, "up" | "run" | "exec" | "start" | "create") {
            return;
        }
        if remote && (sub == "up" || sub == "run") {
            self.push(Kind::Deploy, None, all, f);
        }
        if sub == "up"
            && (has(args, &["-d", "--detach", "--wait"])
                || args
                    .iter()
                    .any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains('d')))
        {
            self.push(Kind::Start, None, all, f);
        }
        let mut k = 0;
        while k < rest.len() && rest[k].starts_with('-') {
            if DOCKER_RUN_VALUE_OPTS.contains(&rest[k].as_str())
                || matches!(
                    rest[k].as_str(),
                    "--scale"
                        | "-t"
                        | "--timeout"
                        | "--wait-timeout"
                        | "--exit-code-from"
                        | "--attach"
                )
            {
                k += 1;
            }
            k += 1;
        }
        let named: Vec<String> = match sub {
            "up" | "start" | "create" => rest[k..]
                .iter()
                .filter(|a| !a.starts_with('-'))
                .cloned()
                .collect(),
            _ => rest.get(k).cloned().into_iter().collect(),
        };
        let no_deps = has(rest, &["--no-deps"]);
        if files.is_empty() {
            files = [
                "compose.yaml",
                "compose.yml",
                "docker-compose.yml",
                "docker-compose.yaml",
            ]
            .iter()
            .filter(|n| self.file(&dir, n).is_some())
            .take(1)
            .map(|s| s.to_string())
            .collect();
        }
        let mut services = Vec::new();
        for file in &files {
            if let Some((_, text)) = self.file(&dir, file) {
                services.extend(tasks::compose_services(text));
            }
        }
        // The services that start: the named ones and what they depend on (all when none).
        let mut started: Vec<String> = if named.is_empty() {
            services.iter().map(|s| s.name.clone()).collect()
        } else {
            named.clone()
        };
        if !no_deps || sub == "up" {
            let mut k2 = 0;
            while k2 < started.len() {
                let name = started[k2].clone();
                if let Some(s) = services.iter().find(|s| s.name == name) {
                    for d in &s.depends {
                        if !started.contains(d) {
                            started.push(d.clone());
                        }
                    }
                }
                k2 += 1;
            }
        }
        for s in &services {
            if started.contains(&s.name)
                && let Some(engine) = s.image.as_deref().and_then(image_engine)
            {
                let i = self.push(Kind::Database, None, all, f);
                self.out[i].engine = Some(engine);
            }
        }
        if matches!(sub, "run" | "exec") && rest.len() > k + 1 {
            self.command(&rest[k + 1..], f);
        }
    }

    // -----------------------------------------------------------------------------------
    // Tools

    /// Known tools run directly. Returns whether the program was recognised.
    fn tool(&mut self, b: &str, words: &[String], f: &Frame) -> bool {
        let args = &words[1..];
        let all = words.join(" ");
        let (py, node, go, rust, jvm) = (
            Some(Language::Python),
            Some(Language::Node),
            Some(Language::Go),
            Some(Language::Rust),
            Some(Language::Jvm),
        );
        let sub = positionals(args, &["-c", "--config", "--config-path"])
            .first()
            .map(|s| s.as_str())
            .unwrap_or("");
        let check_flag = has(
            args,
            &[
                "--check",
                "--diff",
                "-c",
                "--list-different",
                "-l",
                "-d",
                "--dry-run",
                "--set-exit-if-changed",
                "--exit-code",
                "--list",
            ],
        );
        match b {
            "pytest" | "py.test" => {
                let cov = has_prefix(args, "--cov") || self.pytest_addopts_cov(f);
                self.push_test(py, words, args, f, cov);
            }
            "unittest" | "green" | "nose2" | "nosetests" | "ward" | "trial" => {
                self.push_test(py, words, args, f, false)
            }
            "django" | "django-admin" if sub == "test" => self.push_test(py, words, args, f, false),
            "behave" | "tavern-ci" => {
                let i = self.push(Kind::Test, py, &all, f);
                self.out[i].scenario = true;
            }
            "jest" | "mocha" | "ava" | "tap" | "jasmine" | "karma" | "ts-mocha" | "lab" | "uvu"
            | "vitest" | "jest-ci" => {
                if b == "vitest" && matches!(sub, "bench" | "list" | "init") {
                    return true;
                }
                let cov = has(
                    args,
                    &[
                        "--coverage",
                        "--collectCoverage",
                        "--coverage.enabled",
                        "--cov",
                    ],
                ) || has_prefix(args, "--coverage")
                    || self.js_coverage_config(b, f);
                self.push_test(node, words, args, f, cov);
            }
            "node" | "tsx" if has(args, &["--test"]) => {
                let cov = has(args, &["--experimental-test-coverage"]);
                self.push_test(node, words, args, f, cov);
            }
            "playwright" | "cypress" | "cucumber-js" | "wdio" | "testcafe" | "codeceptjs" => {
                if b == "playwright" && sub != "test" || b == "cypress" && sub != "run" {
                    return true;
                }
                let i = self.push(Kind::Test, node, &all, f);
                self.out[i].scenario = true;
            }
            "newman" | "k6" | "schemathesis" | "hurl" | "dredd" | "venom" | "bru" | "stepci"
            | "artillery" | "runn" | "httpyac" | "karate" | "st" => {
                if b == "st" && sub != "run"
                    || matches!(
                        b,
                        "k6" | "newman" | "bru" | "stepci" | "artillery" | "runn" | "venom"
                    ) && !matches!(sub, "run" | "cloud" | "test")
                        && b != "k6"
                {
                    return true;
                }
                if b == "k6" && !matches!(sub, "run" | "cloud") {
                    return true;
                }
                let i = self.push(Kind::Test, None, &all, f);
                self.out[i].scenario = true;
            }
            "ruff" => match sub {
                "format" => {
                    let k = if has(args, &["--check", "--diff"]) {
                        Kind::Format
                    } else {
                        Kind::FormatWrite
                    };
                    self.push(k, py, &all, f);
                }
                "rule" | "server" | "version" | "clean" | "config" | "analyze" | "linter" => {}
                _ => {
                    self.push(Kind::Lint, py, &all, f);
                }
            },
            "black" | "blue" | "yapf" | "autopep8" => {
                let k = if has(args, &["--check", "--diff", "-d", "--exit-code"]) {
                    Kind::Format
                } else {
                    Kind::FormatWrite
                };
                self.push(k, py, &all, f);
            }
            "flake8" | "pylint" | "pyflakes" | "pycodestyle" | "bandit" | "prospector"
            | "pylama" | "pydocstyle" | "flakeheaven" | "flakehell" | "refurb" | "dlint" => {
                self.push(Kind::Lint, py, &all, f);
            }
            "eslint" | "oxlint" | "xo" | "standard" | "tslint" | "ts-standard" | "semistandard"
            | "jshint" | "quick-lint-js" => {
                self.push(Kind::Lint, node, &all, f);
            }
            "next" | "ng" | "nx" | "turbo" | "lerna" | "rush" | "moon" => {
                let names: Vec<&String> = positionals(
                    args,
                    &["--filter", "-t", "--target", "--scope", "-p", "--projects"],
                )
                .into_iter()
                .collect();
                let targets: Vec<String> = match b {
                    "next" | "ng" => names.first().map(|s| s.to_string()).into_iter().collect(),
                    _ => {
                        let mut t: Vec<String> = names
                            .iter()
                            .filter(|n| {
                                !matches!(n.as_str(), "run" | "run-many" | "affected" | "exec")
                            })
                            .map(|s| s.to_string())
                            .collect();
                        for (k, a) in args.iter().enumerate() {
                            if (a == "-t" || a == "--target" || a == "--targets")
                                && let Some(v) = args.get(k + 1)
                            {
                                t.extend(v.split(',').map(String::from));
                            }
                            if let Some(v) = a
                                .strip_prefix("--target=")
                                .or_else(|| a.strip_prefix("--targets="))
                            {
                                t.extend(v.split(',').map(String::from));
                            }
                        }
                        t
                    }
                };
                for t in targets {
                    self.push_names(&t, node, &all, f);
                }
            }
            "prettier" => {
                if has(args, &["--check", "-c", "--list-different", "-l"]) {
                    self.push(Kind::Format, node, &all, f);
                } else if has(args, &["--write", "-w"]) {
                    self.push(Kind::FormatWrite, node, &all, f);
                }
            }
            "biome" | "rome" => match sub {
                "check" | "ci" => {
                    self.push(Kind::Lint, node, &all, f);
                    let write = has(args, &["--write", "--apply", "--apply-unsafe", "--fix"]);
                    self.push(
                        if write {
                            Kind::FormatWrite
                        } else {
                            Kind::Format
                        },
                        node,
                        &all,
                        f,
                    );
                }
                "lint" => {
                    self.push(Kind::Lint, node, &all, f);
                }
                "format" => {
                    let write = has(args, &["--write", "--apply"]);
                    self.push(
                        if write {
                            Kind::FormatWrite
                        } else {
                            Kind::Format
                        },
                        node,
                        &all,
                        f,
                    );
                }
                _ => {}
            },
            "dprint" => match sub {
                "check" => {
                    self.push(Kind::Format, None, &all, f);
                }
                "fmt" => {
                    self.push(Kind::FormatWrite, None, &all, f);
                }
                _ => {}
            },
            "deno" => match sub {
                "fmt" => {
                    self.push(
                        if has(args, &["--check"]) {
                            Kind::Format
                        } else {
                            Kind::FormatWrite
                        },
                        node,
                        &all,
                        f,
                    );
                }
                "lint" => {
                    self.push(Kind::Lint, node, &all, f);
                }
                "test" => {
                    let cov = has_prefix(args, "--coverage");
                    self.push_test(node, words, args, f, cov);
                }
                _ => {}
            },
            "rustfmt" => {
                self.push(
                    if has(args, &["--check"]) {
                        Kind::Format
                    } else {
                        Kind::FormatWrite
                    },
                    rust,
                    &all,
                    f,
                );
            }
            "cargo-clippy" => {
                self.push(Kind::Lint, rust, &all, f);
            }
            "cargo-nextest" => self.push_test(rust, words, args, f, false),
            "gofmt" | "goimports" | "gofumpt" | "golines" | "gci" => {
                if has(args, &["-l", "-d", "--list", "--diff", "--dry-run"]) {
                    self.push(Kind::Format, go, &all, f);
                } else if has(args, &["-w", "--write"]) || b == "gci" && sub == "write" {
                    self.push(Kind::FormatWrite, go, &all, f);
                } else if b == "gci" && sub == "diff" {
                    self.push(Kind::Format, go, &all, f);
                }
            }
            "golangci-lint" => match sub {
                "fmt" => {
                    self.push(
                        if has(args, &["--diff", "-d"]) {
                            Kind::Format
                        } else {
                            Kind::FormatWrite
                        },
                        go,
                        &all,
                        f,
                    );
                }
                "linters" | "version" | "config" | "help" | "cache" | "completion"
                | "formatters" | "migrate" | "custom" => {}
                _ => {
                    self.push(Kind::Lint, go, &all, f);
                    if self.golangci_formats(f) {
                        self.push(Kind::Format, go, &all, f);
                    }
                }
            },
            "staticcheck" | "revive" | "golint" | "errcheck" | "gosec" | "go-critic"
            | "gocritic" | "ineffassign" | "nilaway" => {
                self.push(Kind::Lint, go, &all, f);
            }
            "gotestsum" | "richgo" | "ginkgo" => {
                if b == "richgo" && sub != "test" {
                    return true;
                }
                let cov = args
                    .iter()
                    .any(|a| a.starts_with("-cover") || a.starts_with("--cover"));
                self.push_test(go, words, args, f, cov);
            }
            "ktlint" => {
                self.push(Kind::Lint, jvm, &all, f);
                self.push(
                    if has(args, &["-F", "--format"]) {
                        Kind::FormatWrite
                    } else {
                        Kind::Format
                    },
                    jvm,
                    &all,
                    f,
                );
            }
            "detekt" | "detekt-cli" | "checkstyle" | "pmd" | "spotbugs" => {
                self.push(Kind::Lint, jvm, &all, f);
            }
            "ktfmt" | "google-java-format" => {
                self.push(
                    if check_flag {
                        Kind::Format
                    } else {
                        Kind::FormatWrite
                    },
                    jvm,
                    &all,
                    f,
                );
            }
            "gitleaks"
            | "trufflehog"
            | "detect-secrets"
            | "detect-secrets-hook"
            | "ggshield"
            | "talisman"
            | "noseyparker"
            | "nosey-parker"
            | "secretlint"
            | "kingfisher"
            | "whispers"
            | "betterleaks" => {
                if matches!(sub, "version" | "help" | "completion") {
                    return true;
                }
                self.push(Kind::Secrets, None, &all, f);
            }
            "git-secrets" => {
                if has(args, &["--scan", "--scan-history"]) {
                    self.push(Kind::Secrets, None, &all, f);
                }
            }
            "trivy" => {
                if args.iter().any(|a| a.contains("secret")) {
                    self.push(Kind::Secrets, None, &all, f);
                }
            }
            "codecov" | "codecovcli" | "coveralls" | "gcovr" | "grcov" | "diff-cover"
            | "genhtml" | "goveralls" | "gocov" | "octocov" | "lcov" => {
                self.push(Kind::Coverage, None, &all, f);
            }
            "twine" | "goreleaser" | "semantic-release" | "release-it" | "changeset" | "ko"
            | "jib" | "crane" | "skopeo" | "buildah" | "oras" | "gh" => {
                let release = match b {
                    "twine" => sub == "upload",
                    "gh" => sub == "release",
                    "changeset" => sub == "publish",
                    "ko" => matches!(sub, "build" | "publish" | "resolve"),
                    "crane" | "oras" | "buildah" => sub == "push" || sub == "copy" || sub == "cp",
                    "skopeo" => sub == "copy",
                    _ => true,
                };
                if release {
                    self.push(Kind::Release, None, &all, f);
                }
            }
            "service" | "systemctl" | "brew" | "pg_ctl" | "pg_ctlcluster" | "mysqld"
            | "mysqld_safe" | "mongod" | "postgresql" | "mysql.server" => {
                let starts = args.iter().any(|a| a == "start" || a == "restart")
                    || matches!(b, "mysqld" | "mysqld_safe" | "mongod");
                let engine = if b == "pg_ctl" || b == "pg_ctlcluster" {
                    Some(Engine::Postgres)
                } else {
                    words.iter().find_map(|w| engine_in(w))
                };
                if starts && let Some(e) = engine {
                    let i = self.push(Kind::Database, None, &all, f);
                    self.out[i].engine = Some(e);
                }
            }
            _ => {
                if words[0].starts_with("/etc/init.d/") && args.iter().any(|a| a == "start") {
                    if let Some(e) = engine_in(&words[0]) {
                        let i = self.push(Kind::Database, None, &all, f);
                        self.out[i].engine = Some(e);
                    }
                    return true;
                }
                return false;
            }
        }
        true
    }

    /// Commands that change a running environment. Returns whether the program was one.
    fn deploy_tool(&mut self, b: &str, words: &[String], f: &Frame) -> bool {
        let args = &words[1..];
        let all = words.join(" ");
        let pos = positionals(
            args,
            &[
                "-n",
                "--namespace",
                "--context",
                "--kubeconfig",
                "-l",
                "--selector",
                "-s",
                "--server",
                "--token",
                "--cluster",
                "--user",
                "--project",
                "--region",
                "--zone",
                "--profile",
                "-a",
                "--app",
                "-c",
                "--config",
                "-f",
                "--file",
                "-e",
                "--environment",
                "--stage",
                "-r",
                "--remote",
                "--org",
                "--team",
                "--scope",
                "--token",
            ],
        );
        let p = |k: usize| pos.get(k).map(|s| s.as_str()).unwrap_or("");
        let deploy = match b {
            "kubectl" | "oc" | "kubectl.exe" => {
                matches!(
                    p(0),
                    "apply"
                        | "create"
                        | "replace"
                        | "patch"
                        | "set"
                        | "scale"
                        | "delete"
                        | "run"
                        | "expose"
                        | "edit"
                        | "annotate"
                        | "label"
                        | "autoscale"
                ) || p(0) == "rollout" && matches!(p(1), "restart" | "undo" | "resume")
            }
            "helm" => {
                if matches!(p(0), "push") {
                    self.push(Kind::Release, None, &all, f);
                    return true;
                }
                matches!(
                    p(0),
                    "upgrade" | "install" | "rollback" | "uninstall" | "delete"
                )
            }
            "helmfile" => {
                matches!(p(0), "apply" | "sync" | "deploy" | "destroy")
                    || pos
                        .iter()
                        .any(|a| matches!(a.as_str(), "apply" | "sync" | "deploy"))
            }
            "flyctl" | "fly" => {
                matches!(p(0), "deploy" | "scale")
                    || p(0) == "machine" && p(1) == "update"
                    || p(0) == "machines" && p(1) == "update"
            }
            "heroku" => {
                p(0).starts_with("container:release")
                    || p(0).starts_with("releases:rollback")
                    || p(0) == "deploy"
                    || p(0).starts_with("ps:restart")
            }
            "gcloud" => {
                let q: Vec<&str> = pos
                    .iter()
                    .map(|s| s.as_str())
                    .filter(|s| !matches!(*s, "beta" | "alpha"))
                    .collect();
                matches!(
                    q.as_slice(),
                    ["run", "deploy", ..]
                        | ["run", "services", "update" | "replace", ..]
                        | ["run", "jobs", "deploy" | "update", ..]
                        | ["app", "deploy", ..]
                        | ["functions", "deploy", ..]
                        | ["compute", "instances", "update-container", ..]
                        | ["deploy", "releases", "create", ..]
                        | [
                            "compute",
                            "instance-groups",
                            "managed",
                            "rolling-action",
                            ..
                        ]
                )
            }
            "aws" => matches!(
                (p(0), p(1)),
                ("ecs", "update-service" | "deploy" | "run-task")
                    | (
                        "lambda",
                        "update-function-code" | "update-function-configuration" | "update-alias"
                    )
                    | ("deploy", "create-deployment")
                    | ("cloudformation", "deploy" | "create-stack" | "update-stack")
                    | ("apprunner", "start-deployment" | "update-service")
                    | ("elasticbeanstalk", "update-environment")
                    | ("ssm", "send-command")
                    | ("autoscaling", "start-instance-refresh")
            ),
            "az" => matches!(
                (p(0), p(1)),
                ("webapp", "deploy" | "up" | "restart")
                    | ("webapp", "config")
                    | ("containerapp", "update" | "up" | "create")
                    | ("functionapp", "deployment" | "deploy")
                    | ("deployment", "group" | "sub")
                    | ("aks", "command")
                    | ("spring", "app")
                    | ("container", "create")
            ),
            "sam" => p(0) == "deploy",
            "cdk" | "cdktf" => p(0) == "deploy",
            "serverless" | "sls" => p(0) == "deploy",
            "terraform" | "tofu" | "terragrunt" => {
                p(0) == "apply"
                    || p(0) == "run-all" && p(1) == "apply"
                    || p(0) == "run" && pos.iter().any(|a| *a == "apply")
            }
            "pulumi" => matches!(p(0), "up" | "update" | "destroy"),
            "ansible-playbook" => true,
            "kamal" | "mrsk" => matches!(p(0), "deploy" | "redeploy" | "rollback" | "setup"),
            "cap" | "capistrano" => pos.iter().any(|a| *a == "deploy"),
            "railway" => matches!(p(0), "up" | "deploy" | "redeploy"),
            "vercel" => {
                p(0) == "deploy"
                    || has(args, &["--prod"])
                    || pos.is_empty() && args.iter().any(|a| a.starts_with("--token"))
            }
            "netlify" => p(0) == "deploy",
            "wrangler" => {
                matches!(p(0), "deploy" | "publish") || p(0) == "pages" && p(1) == "deploy"
            }
            "firebase" => p(0) == "deploy",
            "doctl" => p(0) == "apps" && matches!(p(1), "create-deployment" | "update"),
            "nomad" => p(0) == "job" && p(1) == "run" || p(0) == "run",
            "argocd" => p(0) == "app" && matches!(p(1), "sync" | "set" | "rollback"),
            "skaffold" => matches!(p(0), "run" | "deploy" | "apply"),
            "eb" => p(0) == "deploy",
            "copilot" => {
                p(0) == "deploy" || matches!(p(0), "svc" | "job" | "env") && p(1) == "deploy"
            }
            "ecs-deploy" | "ecspresso" => b == "ecs-deploy" || p(0) == "deploy",
            "dokku" => true,
            "cf" => matches!(p(0), "push" | "restage" | "restart"),
            "scalingo" | "clever" => matches!(p(0), "deploy" | "restart" | "integration-link"),
            "porter" => p(0) == "apply",
            "render" => p(0) == "deploys" && p(1) == "create",
            "waypoint" => matches!(p(0), "up" | "deploy"),
            "kustomize" | "kubeval" | "kubeconform" => false,
            "fastapi" | "modal" | "spin" | "sst" | "chalice" => {
                p(0) == "deploy" || b == "fastapi" && p(0) == "cloud" && p(1) == "deploy"
            }
            "zappa" => matches!(p(0), "deploy" | "update"),
            "kind" | "k3d" | "minikube" | "ctlptl" | "microk8s" => {
                if matches!(p(0), "create" | "start") || p(0) == "cluster" && p(1) == "create" {
                    self.push(Kind::Cluster, None, &all, f);
                }
                return true;
            }
            "ssh" | "autossh" => !pos.is_empty() && !args.iter().any(|a| a == "-V"),
            "scp" | "sftp" => {
                args.iter()
                    .any(|a| a.contains(':') && !a.starts_with('-') && !a.contains("://"))
                    || b == "sftp"
            }
            "rsync" => {
                args.iter()
                    .any(|a| a.contains(':') && !a.starts_with('-') && !a.contains("://"))
                    || args
                        .windows(2)
                        .any(|w| w[0] == "-e" && w[1].contains("ssh"))
            }
            "lftp" => true,
            _ => return false,
        };
        if deploy {
            self.push(Kind::Deploy, None, &all, f);
        }
        true
    }

    // -----------------------------------------------------------------------------------
    // Tool configurations

    /// pytest's `addopts` turn coverage on (`--cov`) in the configuration pytest would use.
    fn pytest_addopts_cov(&self, f: &Frame) -> bool {
        let start = f.dir.clone().unwrap_or_else(|| join(&self.repo.prefix, ""));
        let mut d = start;
        loop {
            for name in [
                "pytest.ini",
                ".pytest.ini",
                "pyproject.toml",
                "tox.ini",
                "setup.cfg",
            ] {
                let p = join(&d, name);
                if let Some(text) = self.repo.text(&p)
                    && tasks::configures_pytest(name, text)
                {
                    return tasks::pytest_addopts(name, text).is_some_and(|o| o.contains("--cov"));
                }
            }
            if d.is_empty() {
                return false;
            }
            d = d
                .rsplit_once('/')
                .map_or(String::new(), |(p, _)| p.to_string());
        }
    }

    fn js_coverage_config(&self, runner: &str, f: &Frame) -> bool {
        if runner == "jest"
            && let Some((_, text)) = self.file_upwards(&f.dir, "package.json")
            && tasks::package_json_jest_coverage(text)
        {
            return true;
        }
        let prefix = if runner == "jest" {
            "jest.config"
        } else {
            "vite"
        };
        let names: &[&str] = &["js", "ts", "mjs", "cjs", "mts", "json"];
        let stems: Vec<String> = if runner == "vitest" {
            ["vitest.config", "vite.config", "vitest.workspace"]
                .iter()
                .map(|s| s.to_string())
                .collect()
        } else {
            vec![prefix.to_string()]
        };
        stems.iter().any(|stem| {
            names.iter().any(|ext| {
                self.file(&f.dir, &format!("{stem}.{ext}"))
                    .is_some_and(|(_, t)| tasks::js_config_coverage(t))
            })
        })
    }

    fn golangci_formats(&self, f: &Frame) -> bool {
        [".golangci.yml", ".golangci.yaml"]
            .iter()
            .find_map(|n| {
                self.file(&f.dir, n)
                    .or_else(|| self.file(&Some(String::new()), n))
            })
            .is_some_and(|(_, t)| tasks::golangci_formats(t))
    }
}

/// The words of a one-line command (for action inputs such as `args:`).
pub fn split_words(s: &str) -> Vec<String> {
    words_of(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_leftmost_engine_word_names_the_engine() {
        assert_eq!(engine_in("postgis/postgis:16-3.4"), Some(Engine::Postgres));
        assert_eq!(engine_in("Bitnami/MariaDB"), Some(Engine::MySql));
        assert_eq!(
            engine_in("mcr.microsoft.com/azure-sql-edge"),
            Some(Engine::SqlServer)
        );
        assert_eq!(engine_in("mongo-to-postgres"), Some(Engine::MongoDb));
        assert_eq!(engine_in("redis:7"), None);
    }
    use crate::repo::GitFacts;
    use std::path::Path;

    fn repo(files: &[(&str, &str)]) -> Repo {
        Repo::from_files(
            Path::new("/r"),
            GitFacts::default(),
            files
                .iter()
                .map(|(p, t)| (p.to_string(), t.to_string()))
                .collect(),
        )
    }

    fn found(files: &[(&str, &str)], script: &str) -> Vec<Found> {
        let r = repo(files);
        let mut w = Walker::new(&r);
        w.script(script, &Frame::at(Some(String::new())));
        w.out
    }

    fn kinds(found: &[Found]) -> Vec<(Kind, Option<Language>)> {
        found.iter().map(|f| (f.kind, f.lang)).collect()
    }

    #[test]
    fn make_targets_resolve_to_their_recipes() {
        let f = found(
            &[(
                "Makefile",
                "BIN := .venv/bin\ntest: $(STAMP)\n\t$(BIN)/pytest --cov -q\nlint:\n\t$(BIN)/ruff check .\n\t$(BIN)/ruff format --check .\n",
            )],
            "make lint\nmake test",
        );
        assert_eq!(
            kinds(&f),
            vec![
                (Kind::Lint, Some(Language::Python)),
                (Kind::Format, Some(Language::Python)),
                (Kind::Test, Some(Language::Python)),
            ]
        );
        assert!(f[2].coverage);
        assert!(f[2].via[0].contains("Makefile:3"), "{:?}", f[2].via);
    }

    #[test]
    fn pattern_rules_build_the_targets_they_match_with_their_stem() {
        // A monorepo's `make test-api`: `cd services/$*` runs in the member's folder.
        let f = found(
            &[
                (
                    "Makefile",
                    "UV ?= uv\ninstall:\n\t$(UV) sync --locked\ntest-%: install\n\tcd services/$* && $(UV) run pytest --cov\nlint-%:\n\techo $$*\n",
                ),
                ("services/api/pyproject.toml", "[project]\nname = \"api\"\n"),
            ],
            "make test-api",
        );
        let test = f.iter().find(|x| x.kind == Kind::Test).expect("a test");
        assert!(test.coverage);
        assert_eq!(test.dir.as_deref(), Some("services/api"));
        assert!(
            test.via[0].contains("make test-api (Makefile:5)"),
            "{:?}",
            test.via
        );
        // `make test` runs every member's tests through `$(addprefix …)`.
        let all = found(
            &[(
                "Makefile",
                "SERVICES := api web\ntest: $(addprefix test-,$(SERVICES))\ntest-%:\n\tcd services/$* && pytest\n",
            )],
            "make test",
        );
        let dirs: Vec<Option<&str>> = all.iter().map(|x| x.dir.as_deref()).collect();
        assert_eq!(dirs, [Some("services/api"), Some("services/web")]);
        // `$(call NAME,args)` of a `define`d template, as a monorepo runs one member's tests.
        let called = found(
            &[(
                "Makefile",
                "define pytest\ncd $(1) && $(BIN)/pytest --cov\nendef\ndefine with_db\n\t@if [ -z \"$${URL:-}\" ]; then db start; fi\nendef\ntest-models:\n\t$(with_db)\n\t$(call pytest,packages/models)\n",
            )],
            "make test-models",
        );
        let test = called
            .iter()
            .find(|x| x.kind == Kind::Test)
            .expect("a test");
        assert!(test.coverage);
        assert_eq!(test.dir.as_deref(), Some("packages/models"));
        // An explicit rule wins over a pattern, and a pattern needs a non-empty stem.
        let mk = tasks::Makefile::parse("test-%:\n\tpytest\ntest-web:\n\tnpm test\n");
        assert_eq!(mk.rules_for("test-web")[0].recipe[0].1, "npm test");
        assert!(mk.rules_for("test-").is_empty());
    }

    #[test]
    fn npm_scripts_resolve_with_extra_arguments() {
        let f = found(
            &[(
                "api/package.json",
                r#"{"scripts": {"test": "jest", "lint": "eslint . && prettier --check ."}}"#,
            )],
            "cd api\nnpm test -- --coverage\nnpm run lint",
        );
        assert_eq!(f[0].kind, Kind::Test);
        assert!(f[0].coverage);
        assert_eq!(f[0].dir.as_deref(), Some("api"));
        assert_eq!(
            kinds(&f[1..]),
            vec![
                (Kind::Lint, Some(Language::Node)),
                (Kind::Format, Some(Language::Node))
            ]
        );
    }

    #[test]
    fn an_npm_test_script_behind_dotenv_cli_and_nx_runs_the_tests() {
        let f = found(
            &[(
                "package.json",
                r#"{"scripts": {"test": "npx dotenv-cli -e .env.example -- npx nx run-many --target=test --all --parallel=4"}}"#,
            )],
            "npm test",
        );
        assert_eq!(kinds(&f), vec![(Kind::Test, Some(Language::Node))]);
    }

    #[test]
    fn wrappers_are_peeled_off() {
        let f = found(
            &[],
            "uv run --group dev python -m pytest tests/smoke\nCI=1 timeout 600 npx --yes jest\npoetry run coverage run -m pytest\ndocker compose run --rm app go test ./...",
        );
        assert_eq!(f[0].kind, Kind::Test);
        assert!(f[0].scenario);
        assert_eq!(f[1].lang, Some(Language::Node));
        assert!(f[2].coverage);
        assert_eq!(f[3].lang, Some(Language::Go));
    }

    #[test]
    fn pytest_coverage_comes_from_addopts() {
        let f = found(
            &[(
                "pyproject.toml",
                "[tool.pytest.ini_options]\naddopts = \"--cov=app\"\n",
            )],
            "pytest",
        );
        assert!(f[0].coverage);
        let f = found(
            &[(
                "pyproject.toml",
                "[tool.pytest.ini_options]\naddopts = \"-q\"\n",
            )],
            "pytest -m 'not smoke'",
        );
        assert!(!f[0].coverage && !f[0].scenario);
    }

    #[test]
    fn words_in_echo_or_comments_are_not_commands() {
        assert!(
            found(
                &[],
                "echo 'run pytest and kubectl apply'\n# gitleaks detect\nprintf 'cargo test'"
            )
            .is_empty()
        );
    }

    #[test]
    fn deploy_commands_differ_from_releases() {
        let f = found(
            &[],
            "docker push ghcr.io/o/app:1\nkubectl apply -k deploy/k8s/overlays/production\nhelm lint chart\nmvn -B deploy -DskipTests",
        );
        assert_eq!(
            f.iter().map(|x| x.kind).collect::<Vec<_>>(),
            vec![Kind::Release, Kind::Deploy, Kind::Release]
        );
    }

    #[test]
    fn gradle_check_includes_the_plugins_it_applies() {
        let f = found(
            &[(
                "build.gradle.kts",
                "plugins {\n  jacoco\n  id(\"com.diffplug.spotless\") version \"6\"\n  checkstyle\n}\n",
            )],
            "./gradlew check --no-daemon",
        );
        let k: Vec<Kind> = f.iter().map(|x| x.kind).collect();
        assert!(
            k.contains(&Kind::Test) && k.contains(&Kind::Format) && k.contains(&Kind::Lint),
            "{k:?}"
        );
        assert!(f[0].coverage);
    }

    #[test]
    fn compose_and_docker_run_start_databases() {
        let f = found(
            &[(
                "compose.yaml",
                "services:\n  app:\n    build: .\n    depends_on: [db]\n  db:\n    image: postgres:17\n",
            )],
            "docker compose run --rm app pytest\ndocker run -d -p 3306:3306 -e MYSQL_ROOT_PASSWORD=x mysql:8",
        );
        let dbs: Vec<Option<Engine>> = f
            .iter()
            .filter(|x| x.kind == Kind::Database)
            .map(|x| x.engine)
            .collect();
        assert_eq!(dbs, vec![Some(Engine::Postgres), Some(Engine::MySql)]);
        assert!(f.iter().any(|x| x.kind == Kind::Test));
    }

    #[test]
    fn images_are_matched_by_name_not_by_substring() {
        assert_eq!(image_engine("postgres:16-alpine"), Some(Engine::Postgres));
        assert_eq!(
            image_engine("docker.io/library/postgres@sha256:abc"),
            Some(Engine::Postgres)
        );
        assert_eq!(
            image_engine("bitnami/postgresql:15"),
            Some(Engine::Postgres)
        );
        assert_eq!(image_engine("mariadb:11"), Some(Engine::MySql));
        assert_eq!(image_engine("my-org/postgres-exporter:1"), None);
        assert_eq!(image_engine("redis:7"), None);
    }

    #[test]
    fn precommit_in_ci_runs_its_hooks() {
        let f = found(
            &[(
                ".pre-commit-config.yaml",
                "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v0.6\n    hooks:\n      - id: ruff\n      - id: ruff-format\n  - repo: https://github.com/gitleaks/gitleaks\n    rev: v8\n    hooks:\n      - id: gitleaks\n",
            )],
            "pre-commit run --all-files --show-diff-on-failure",
        );
        assert_eq!(
            f.iter().map(|x| x.kind).collect::<Vec<_>>(),
            vec![Kind::Lint, Kind::Format, Kind::Secrets]
        );
    }

    #[test]
    fn tox_and_nox_follow_their_configs() {
        let f = found(
            &[("tox.ini", "[testenv]\ncommands = pytest --cov {posargs}\n")],
            "tox -e py312",
        );
        assert!(f[0].coverage && f[0].kind == Kind::Test);
        let f = found(&[], "nox -s tests");
        assert_eq!(f[0].kind, Kind::Test);
    }

    #[test]
    fn scripts_in_the_repository_are_followed() {
        let f = found(
            &[(
                "scripts/ci.sh",
                "#!/bin/sh\nset -e\ncargo fmt --all -- --check\ncargo clippy -- -D warnings\n",
            )],
            "bash scripts/ci.sh\n./scripts/test",
        );
        assert_eq!(
            f.iter().map(|x| x.kind).collect::<Vec<_>>(),
            vec![Kind::Format, Kind::Lint, Kind::Test]
        );
    }

    #[test]
    fn formatters_in_write_mode_are_not_checks() {
        let f = found(&[], "cargo fmt\nblack .\ngofmt -w .\ngit diff --exit-code");
        assert_eq!(
            f.iter().map(|x| x.kind).collect::<Vec<_>>(),
            vec![
                Kind::FormatWrite,
                Kind::FormatWrite,
                Kind::FormatWrite,
                Kind::DiffCheck
            ]
        );
    }
}
