//! `deps.lockfile`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use regex::Regex;

use crate::audit::secrets::is_test_path;
use crate::audit::{Context, Location, Outcome};
use crate::repo::stack::{Language, is_vendored};
use crate::repo::{File, FileState, Repo};

crate::declare_check! {
    /// Passes when every dependency manifest of the service (its main language's; a frontend
    /// beside a Python backend is not judged) has its dependencies locked:
    ///
    /// - Python: `pyproject.toml`, `setup.py`/`setup.cfg` and `Pipfile` that declare
    ///   dependencies need `uv.lock`, `poetry.lock`, `pdm.lock`, `pylock.toml` or
    ///   `Pipfile.lock` (beside them or in a parent workspace), or a fully pinned requirements
    ///   file beside them (the `requirements.lock` of `uv pip compile`); every
    ///   `requirements*.txt` must pin every requirement with `==` (hash-pinned `pip-compile`
    ///   output with `\` continuations and `--hash=` lines counts; `-r` includes are judged
    ///   themselves, `-e .` and `-c constraints.txt` that pins them count as locked); a
    ///   `requirements*.in` needs its compiled `.txt`;
    /// - Node: each `package.json` with dependencies needs `package-lock.json`,
    ///   `npm-shrinkwrap.json`, `yarn.lock`, `pnpm-lock.yaml` or `bun.lock(b)` beside it or in
    ///   a parent workspace;
    /// - Rust: a crate with a binary (`src/main.rs`, `src/bin/`, `[[bin]]`) needs `Cargo.lock`
    ///   (beside it or at the workspace root); a library crate needs none;
    /// - Go: a `go.mod` with requirements needs `go.sum`;
    /// - Gradle: a build file that declares dependencies needs `gradle.lockfile`;
    /// - Maven, which has no lockfile: no dependency, plugin or parent version is a range,
    ///   a `SNAPSHOT`, `LATEST` or `RELEASE` (properties are resolved; the project's own
    ///   modules are exempt).
    ///
    /// Manifests of documentation, examples, tests and vendored code are not judged. Skipped
    /// when the service has no manifest or declares no dependency that needs locking.
    ///
    /// ## Why
    /// Without a lockfile every build resolves new versions: a release can break, or pull a
    /// compromised package, without a single change to the code, and no two machines are
    /// sure to run the same thing.
    ///
    /// ## How to fix
    /// Commit the lockfile your tool writes (`uv lock`, `poetry lock`, `npm install`,
    /// `cargo generate-lockfile`, `go mod tidy`, `gradle dependencies --write-locks`), or
    /// compile pinned requirements (`uv pip compile --generate-hashes requirements.in -o
    /// requirements.txt`); for Maven, replace ranges and SNAPSHOT/LATEST with exact versions.
    DepsLockfile, "deps.lockfile", check
}

/// What was decided for one manifest.
struct Verdict {
    manifest: String,
    /// Where the lock is (or the manifest itself when it needs none), for a pass.
    locked_by: Option<Location>,
    /// What is wrong, with where, for a fail.
    problem: Option<(String, Location)>,
}

impl Verdict {
    fn locked(manifest: &str, by: &str, line: Option<u32>) -> Verdict {
        Verdict {
            manifest: manifest.to_string(),
            locked_by: Some(Location {
                path: by.to_string(),
                line,
            }),
            problem: None,
        }
    }
    fn unlocked(manifest: &str, why: String, path: &str, line: Option<u32>) -> Verdict {
        Verdict {
            manifest: manifest.to_string(),
            locked_by: None,
            problem: Some((
                why,
                Location {
                    path: path.to_string(),
                    line,
                },
            )),
        }
    }
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// The first of `names` found in `dir` or one of its parents, up to the repository root.
fn find_up(repo: &Repo, dir: &str, names: &[&str]) -> Option<String> {
    let mut d = dir.to_string();
    loop {
        for n in names {
            let p = join(&d, n);
            if repo.file(&p).is_some() {
                return Some(p);
            }
        }
        if d.is_empty() {
            return None;
        }
        d = dir_of(&d).to_string();
    }
}

/// Folders whose manifests are not the service's.
fn not_the_service(rel_lower: &str) -> bool {
    is_vendored(rel_lower)
        || is_test_path(rel_lower)
        || rel_lower.split('/').any(|p| {
            matches!(
                p,
                "docs" | "doc" | "examples" | "example" | "samples" | "sample" | ".github"
            )
        })
}

fn check(repo: &Repo, _ctx: &Context) -> Outcome {
    let stack = repo.stack();
    let Some(language) = stack.language else {
        return Outcome::skip("no dependency manifest found for the service");
    };
    let prefix = repo.prefix.len();
    let files: Vec<&File> = repo
        .service_files()
        .filter(|f| !not_the_service(&f.path[prefix..].to_ascii_lowercase()))
        .collect();
    if let Some((path, why)) = files.iter().find_map(|f| {
        let name = f.path.rsplit('/').next().unwrap_or(&f.path);
        let manifest = matches!(
            name,
            "pyproject.toml"
                | "setup.py"
                | "setup.cfg"
                | "Pipfile"
                | "package.json"
                | "Cargo.toml"
                | "go.mod"
                | "pom.xml"
                | "build.gradle"
                | "build.gradle.kts"
        ) || name.starts_with("requirements");
        match &f.state {
            FileState::Unreadable(why) if manifest => Some((f.path.as_str(), why.as_str())),
            _ => None,
        }
    }) {
        return Outcome::error(format!(
            "could not read {path} ({why}); fix its permissions and audit again"
        ))
        .at(path, None);
    }
    let verdicts = match language {
        Language::Python => python(repo, &files),
        Language::Node => node(repo, &files),
        Language::Rust => rust(repo, &files),
        Language::Go => go(&files, repo),
        Language::Jvm => jvm(repo, &files),
    };
    if verdicts.is_empty() {
        return Outcome::skip(format!(
            "no {} manifest of the service declares dependencies that need a lockfile",
            language.name()
        ));
    }
    let problems: Vec<&(String, Location)> =
        verdicts.iter().filter_map(|v| v.problem.as_ref()).collect();
    if !problems.is_empty() {
        let text: Vec<&str> = problems.iter().map(|(w, _)| w.as_str()).collect();
        return Outcome::fail(text.join("; ")).at_all(problems.iter().map(|(_, l)| l.clone()));
    }
    let mut locks: Vec<Location> = Vec::new();
    for v in &verdicts {
        if let Some(l) = &v.locked_by
            && !locks.contains(l)
        {
            locks.push(l.clone());
        }
    }
    let mut pinned: BTreeSet<&str> = BTreeSet::new();
    let mut by: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for v in &verdicts {
        let Some(l) = &v.locked_by else { continue };
        if l.path == v.manifest {
            pinned.insert(&v.manifest);
        } else {
            by.entry(l.path.as_str()).or_default().push(&v.manifest);
        }
    }
    let mut parts: Vec<String> = by
        .iter()
        .map(|(lock, manifests)| format!("{} locked by {lock}", manifests.join(", ")))
        .collect();
    if !pinned.is_empty() {
        let list: Vec<&str> = pinned.into_iter().collect();
        parts.push(format!(
            "{} pin{} every version",
            list.join(", "),
            if list.len() == 1 { "s" } else { "" }
        ));
    }
    Outcome::pass(parts.join("; ")).at_all(locks)
}

// ---------------------------------------------------------------------------------------------
// Python

/// A requirements file read line by line.
#[derive(Default)]
struct Requirements {
    /// Requirement lines.
    count: usize,
    /// Unpinned requirements: (line, name).
    unpinned: Vec<(u32, String)>,
    /// `-c` constraint files (paths as written).
    constraints: Vec<String>,
}

static REQUIREMENT_NAME: LazyLock<Regex> =
    LazyLock::new(|| crate::rx::re(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$"));

fn read_requirements(text: &str) -> Requirements {
    let mut out = Requirements::default();
    let mut logical = String::new();
    let mut start = 0u32;
    for (i, raw) in text.lines().enumerate() {
        if logical.is_empty() {
            start = i as u32 + 1;
        }
        let line = raw.trim_end();
        match line.strip_suffix('\\') {
            Some(body) => {
                logical.push_str(body);
                logical.push(' ');
                continue;
            }
            None => logical.push_str(line),
        }
        let entry = std::mem::take(&mut logical);
        judge_requirement(&entry, start, &mut out);
    }
    if !logical.is_empty() {
        judge_requirement(&logical, start, &mut out);
    }
    out
}

fn judge_requirement(entry: &str, line: u32, out: &mut Requirements) {
    // Strip comments (` #` or a leading `#`) and options after the requirement.
    let entry = match entry.find(" #") {
        Some(i) => &entry[..i],
        None => entry,
    };
    let entry = entry.trim();
    if entry.is_empty() || entry.starts_with('#') {
        return;
    }
    if let Some(rest) = entry
        .strip_prefix("-c ")
        .or_else(|| entry.strip_prefix("--constraint "))
        .or_else(|| entry.strip_prefix("--constraint="))
    {
        out.constraints.push(rest.trim().to_string());
        return;
    }
    if entry.starts_with('-') || entry.starts_with('.') || entry.starts_with('/') {
        return; // -r includes (judged themselves), -e/paths (local code), index options
    }
    let requirement = entry.split(" --").next().unwrap_or(entry);
    let requirement = requirement.split(';').next().unwrap_or(requirement).trim();
    out.count += 1;
    if requirement.contains(" @ ") || requirement.contains("://") {
        // A direct reference: pinned when it names an archive or a VCS commit.
        let url = requirement.rsplit(" @ ").next().unwrap_or(requirement);
        let vcs = url.starts_with("git+") || url.starts_with("hg+");
        let pinned_vcs = vcs
            && url
                .rsplit_once('@')
                .is_some_and(|(a, r)| a.contains("://") && !r.contains('/'));
        if !vcs || pinned_vcs {
            return;
        }
        out.unpinned.push((line, requirement.to_string()));
        return;
    }
    let Some(cap) = REQUIREMENT_NAME.captures(requirement) else {
        return;
    };
    let spec = cap.get(3).map_or("", |m| m.as_str()).trim();
    let pinned = (spec.starts_with("==") || spec.starts_with("==="))
        && !spec.contains('*')
        && !spec.contains(',');
    if !pinned {
        out.unpinned.push((line, cap[1].to_string()));
    }
}

fn is_requirements_name(name: &str, parent: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let parent = parent
        .rsplit('/')
        .next()
        .unwrap_or(parent)
        .to_ascii_lowercase();
    (lower.ends_with(".txt") || lower.ends_with(".in") || lower.ends_with(".lock"))
        && (lower.contains("requirements")
            || lower.starts_with("constraints")
            || parent == "requirements" && !lower.ends_with(".lock"))
}

/// Whether a `pyproject.toml` declares dependencies, and which tool manages it.
fn pyproject_declares(text: &str) -> Option<(&'static str, bool)> {
    let doc: toml::Table = text.parse().ok()?;
    let non_empty = |v: Option<&toml::Value>| match v {
        Some(toml::Value::Array(a)) => !a.is_empty(),
        Some(toml::Value::Table(t)) => t.values().any(|v| match v {
            toml::Value::Array(a) => !a.is_empty(),
            _ => true,
        }),
        _ => false,
    };
    let project = doc.get("project").and_then(|p| p.as_table());
    let tool = doc.get("tool").and_then(|t| t.as_table());
    let poetry = tool
        .and_then(|t| t.get("poetry"))
        .and_then(|p| p.as_table());
    let pdm = tool.and_then(|t| t.get("pdm")).is_some();
    let mut pinned_only = true;
    let mut declares = false;
    if let Some(p) = project {
        if let Some(toml::Value::Array(deps)) = p.get("dependencies") {
            for d in deps.iter().filter_map(|d| d.as_str()) {
                declares = true;
                let mut r = Requirements::default();
                judge_requirement(d, 0, &mut r);
                pinned_only &= r.unpinned.is_empty();
            }
        }
        if non_empty(p.get("optional-dependencies")) {
            declares = true;
            pinned_only = false;
        }
    }
    if non_empty(doc.get("dependency-groups")) {
        declares = true;
        pinned_only = false;
    }
    if let Some(poetry) = poetry {
        let deps = poetry
            .get("dependencies")
            .and_then(|d| d.as_table())
            .is_some_and(|d| d.keys().any(|k| k != "python"));
        let groups = poetry
            .get("group")
            .and_then(|g| g.as_table())
            .is_some_and(|g| !g.is_empty());
        if deps || groups || non_empty(poetry.get("dev-dependencies")) {
            declares = true;
            pinned_only = false;
        }
    }
    let tool_name = if poetry.is_some() {
        "poetry.lock"
    } else if pdm {
        "pdm.lock"
    } else {
        "uv.lock"
    };
    declares.then_some((tool_name, pinned_only))
}

static SETUP_REQUIRES: LazyLock<Regex> =
    LazyLock::new(|| crate::rx::re(r"(?s)install_requires\s*=\s*\[([^\]]*)\]"));

const PYTHON_LOCKS: &[&str] = &[
    "uv.lock",
    "poetry.lock",
    "pdm.lock",
    "pylock.toml",
    "Pipfile.lock",
];

/// Which pinned requirements file stands for the project: the runtime one before dev/test
/// ones, the shortest name first.
fn lock_rank(path: &str) -> (bool, usize) {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    (
        ["dev", "test", "lint", "doc", "ci"]
            .iter()
            .any(|w| name.contains(w)),
        name.len(),
    )
}

fn python(repo: &Repo, files: &[&File]) -> Vec<Verdict> {
    let mut out = Vec::new();
    // Requirements files first: which are fully pinned (a lock in themselves)?
    let mut pinned_in_dir: BTreeMap<String, String> = BTreeMap::new();
    let mut requirement_files: Vec<(&File, Requirements)> = Vec::new();
    for f in files {
        let dir = dir_of(&f.path);
        let name = f.path.rsplit('/').next().unwrap_or(&f.path);
        if !is_requirements_name(name, dir) {
            continue;
        }
        let Some(text) = f.text() else { continue };
        let r = read_requirements(text);
        if r.count > 0 && r.unpinned.is_empty() && !name.ends_with(".in") {
            // `requirements/prod.txt` locks the project above it too.
            let owner = if dir.rsplit('/').next() == Some("requirements") {
                dir_of(dir).to_string()
            } else {
                dir.to_string()
            };
            for key in [dir.to_string(), owner] {
                let better = pinned_in_dir
                    .get(&key)
                    .is_none_or(|current| lock_rank(&f.path) < lock_rank(current));
                if better {
                    pinned_in_dir.insert(key, f.path.clone());
                }
            }
        }
        requirement_files.push((f, r));
    }
    for (f, r) in &requirement_files {
        let dir = dir_of(&f.path);
        let name = f.path.rsplit('/').next().unwrap_or(&f.path);
        if let Some(stem) = name.strip_suffix(".in") {
            let compiled = join(dir, &format!("{stem}.txt"));
            let ok = requirement_files
                .iter()
                .any(|(g, rr)| g.path == compiled && rr.unpinned.is_empty());
            out.push(if ok {
                Verdict::locked(&f.path, &compiled, None)
            } else {
                Verdict::unlocked(
                    &f.path,
                    format!(
                        "{} has no pinned {stem}.txt compiled from it; run `uv pip compile --generate-hashes {name} -o {stem}.txt` and commit it",
                        f.path
                    ),
                    &f.path,
                    None,
                )
            });
            continue;
        }
        if r.count == 0 {
            continue;
        }
        if r.unpinned.is_empty() {
            out.push(Verdict::locked(&f.path, &f.path, None));
            continue;
        }
        // Unpinned: covered by a pinned constraints file or a pinned sibling of the same stem?
        let stem = name.split('.').next().unwrap_or(name);
        let constraint_ok = r.constraints.iter().any(|c| {
            let p = join(dir, c.trim_start_matches("./"));
            requirement_files
                .iter()
                .any(|(g, rr)| g.path == p && rr.count > 0 && rr.unpinned.is_empty())
        });
        let sibling = requirement_files.iter().find(|(g, rr)| {
            dir_of(&g.path) == dir
                && g.path != f.path
                && rr.count > 0
                && rr.unpinned.is_empty()
                && g.path
                    .rsplit('/')
                    .next()
                    .is_some_and(|n| n.starts_with(stem) && !n.ends_with(".in"))
        });
        if constraint_ok {
            out.push(Verdict::locked(&f.path, &f.path, None));
        } else if let Some((g, _)) = sibling {
            out.push(Verdict::locked(&f.path, &g.path, None));
        } else {
            let (line, first) = &r.unpinned[0];
            out.push(Verdict::unlocked(
                &f.path,
                format!(
                    "{}:{line} does not pin `{first}` ({} of {} requirements unpinned); pin every requirement with `==` (e.g. `uv pip compile --generate-hashes`) or commit a lockfile",
                    f.path,
                    r.unpinned.len(),
                    r.count
                ),
                &f.path,
                Some(*line),
            ));
        }
    }
    for f in files {
        let dir = dir_of(&f.path);
        let name = f.path.rsplit('/').next().unwrap_or(&f.path);
        let Some(text) = f.text() else { continue };
        let (needs, suggestion) = match name {
            "pyproject.toml" => match pyproject_declares(text) {
                Some((_, true)) => {
                    out.push(Verdict::locked(&f.path, &f.path, None));
                    continue;
                }
                Some((tool, false)) => (true, tool),
                None => (false, ""),
            },
            "setup.py" | "setup.cfg" => {
                let declares = SETUP_REQUIRES
                    .captures(text)
                    .is_some_and(|c| c[1].contains(['"', '\'']))
                    || (name == "setup.cfg" && text.contains("install_requires =\n"));
                (declares, "a pinned requirements.txt")
            }
            "Pipfile" => {
                let lock = join(dir, "Pipfile.lock");
                out.push(if repo.file(&lock).is_some() {
                    Verdict::locked(&f.path, &lock, None)
                } else {
                    Verdict::unlocked(
                        &f.path,
                        format!(
                            "{} has no Pipfile.lock; run `pipenv lock` and commit it",
                            f.path
                        ),
                        &f.path,
                        None,
                    )
                });
                continue;
            }
            _ => (false, ""),
        };
        if !needs {
            continue;
        }
        if let Some(lock) = find_up(repo, dir, PYTHON_LOCKS) {
            out.push(Verdict::locked(&f.path, &lock, None));
        } else if let Some(pinned) = pinned_in_dir.get(dir) {
            out.push(Verdict::locked(&f.path, pinned, None));
        } else {
            out.push(Verdict::unlocked(
                &f.path,
                format!(
                    "{} declares dependencies but no lockfile pins them; commit {suggestion} (or a requirements file compiled with `uv pip compile --generate-hashes`)",
                    f.path
                ),
                &f.path,
                None,
            ));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Node

const NODE_LOCKS: &[&str] = &[
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lock",
    "bun.lockb",
];

fn node(repo: &Repo, files: &[&File]) -> Vec<Verdict> {
    let mut out = Vec::new();
    for f in files {
        if f.path.rsplit('/').next() != Some("package.json") {
            continue;
        }
        let Some(text) = f.text() else { continue };
        let Ok(serde_json::Value::Object(pkg)) = serde_json::from_str::<serde_json::Value>(text)
        else {
            continue;
        };
        let has_deps = ["dependencies", "devDependencies", "optionalDependencies"]
            .iter()
            .any(|k| {
                pkg.get(*k)
                    .and_then(|d| d.as_object())
                    .is_some_and(|d| !d.is_empty())
            });
        if !has_deps {
            continue;
        }
        out.push(match find_up(repo, dir_of(&f.path), NODE_LOCKS) {
            Some(lock) => Verdict::locked(&f.path, &lock, None),
            None => Verdict::unlocked(
                &f.path,
                format!(
                    "{} has dependencies but no lockfile (package-lock.json, pnpm-lock.yaml, yarn.lock or bun.lock); run your package manager's install and commit the lockfile",
                    f.path
                ),
                &f.path,
                None,
            ),
        });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Rust

fn rust(repo: &Repo, files: &[&File]) -> Vec<Verdict> {
    let mut out = Vec::new();
    for f in files {
        if f.path.rsplit('/').next() != Some("Cargo.toml") {
            continue;
        }
        let Some(text) = f.text() else { continue };
        let dir = dir_of(&f.path);
        let Ok(doc) = text.parse::<toml::Table>() else {
            continue;
        };
        if doc.get("package").is_none() {
            continue; // a virtual workspace manifest: its members are judged
        }
        let bin_dir = join(dir, "src/bin/");
        let binary = doc.get("bin").is_some()
            || repo.file(&join(dir, "src/main.rs")).is_some()
            || repo
                .files()
                .any(|g| g.path.starts_with(&bin_dir) && g.path.ends_with(".rs"));
        if !binary {
            continue;
        }
        out.push(match find_up(repo, dir, &["Cargo.lock"]) {
            Some(lock) => Verdict::locked(&f.path, &lock, None),
            None => Verdict::unlocked(
                &f.path,
                format!(
                    "{} builds a binary but Cargo.lock is not committed; run `cargo generate-lockfile` and commit Cargo.lock",
                    f.path
                ),
                &f.path,
                None,
            ),
        });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Go

fn go(files: &[&File], repo: &Repo) -> Vec<Verdict> {
    let mut out = Vec::new();
    for f in files {
        if f.path.rsplit('/').next() != Some("go.mod") {
            continue;
        }
        let Some(text) = f.text() else { continue };
        let requires = text.lines().any(|l| {
            let l = l.trim();
            l.starts_with("require ") || l.starts_with("require(")
        });
        if !requires {
            continue;
        }
        let sum = join(dir_of(&f.path), "go.sum");
        out.push(if repo.file(&sum).is_some() {
            Verdict::locked(&f.path, &sum, None)
        } else {
            Verdict::unlocked(
                &f.path,
                format!("{} requires modules but go.sum is not committed; run `go mod tidy` and commit go.sum", f.path),
                &f.path,
                None,
            )
        });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// JVM

static GRADLE_DEPENDENCY: LazyLock<Regex> = LazyLock::new(|| {
    crate::rx::re(
        r#"(?m)^\s*(?:implementation|api|compileOnly|runtimeOnly|compile|runtime|testImplementation|annotationProcessor|kapt|ksp)\s*\(?\s*["'(]"#,
    )
});
static POM_BLOCK: LazyLock<Regex> = LazyLock::new(|| {
    crate::rx::re(
        r"(?s)<(dependency|plugin|parent|extension)>(.*?)</(?:dependency|plugin|parent|extension)>",
    )
});
static POM_PROPERTY: LazyLock<Regex> =
    LazyLock::new(|| crate::rx::re(r"<([A-Za-z0-9_.\-]+)>\s*([^<]*?)\s*</([A-Za-z0-9_.\-]+)>"));
static POM_PROPERTIES: LazyLock<Regex> =
    LazyLock::new(|| crate::rx::re(r"(?s)<properties>(.*?)</properties>"));
static POM_NESTED: LazyLock<Regex> = LazyLock::new(|| {
    crate::rx::re(
        r"(?s)<(parent|dependencies|dependencyManagement|build|profiles|reporting|pluginRepositories|repositories|distributionManagement)>.*?</(?:parent|dependencies|dependencyManagement|build|profiles|reporting|pluginRepositories|repositories|distributionManagement)>",
    )
});

fn tag<'a>(block: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = block.find(&open)? + open.len();
    let end = block[start..].find(&close)? + start;
    Some(block[start..end].trim())
}

fn jvm(repo: &Repo, files: &[&File]) -> Vec<Verdict> {
    let mut out = Vec::new();
    let poms: Vec<(&File, &str)> = files
        .iter()
        .filter(|f| f.path.rsplit('/').next() == Some("pom.xml"))
        .filter_map(|f| Some((*f, f.text()?)))
        .collect();
    // The project's own group ids and every property, across modules.
    let mut own_groups: BTreeSet<String> = BTreeSet::new();
    let mut properties: BTreeMap<String, String> = BTreeMap::new();
    for (_, text) in &poms {
        let top = POM_NESTED.replace_all(text, "");
        if let Some(g) = tag(&top, "groupId") {
            own_groups.insert(g.to_string());
        }
        if let Some(g) = tag(&top, "version") {
            properties
                .entry("project.version".into())
                .or_insert(g.to_string());
        }
        for props in POM_PROPERTIES.captures_iter(text) {
            for p in POM_PROPERTY.captures_iter(&props[1]) {
                if p[1] == p[3] {
                    properties
                        .entry(p[1].to_string())
                        .or_insert(p[2].to_string());
                }
            }
        }
    }
    for (f, text) in &poms {
        let mut bad: Vec<(u32, String)> = Vec::new();
        for block in POM_BLOCK.captures_iter(text) {
            let kind = &block[1];
            let body = &block[2];
            let Some(version) = tag(body, "version") else {
                continue;
            };
            let group = tag(body, "groupId").unwrap_or("org.apache.maven.plugins");
            if own_groups.contains(group) || group.contains("${project.groupId}") {
                continue;
            }
            if kind == "parent"
                && body.contains("<relativePath>")
                && !body.contains("<relativePath/>")
            {
                continue;
            }
            let resolved = resolve_property(version, &properties);
            if let Some(why) = floating_version(&resolved) {
                let at = block.get(0).map_or(0, |m| m.start());
                let line = text[..at].bytes().filter(|&b| b == b'\n').count() as u32 + 1;
                let artifact = tag(body, "artifactId").unwrap_or("?");
                bad.push((line, format!("{group}:{artifact} {resolved} ({why})")));
            }
        }
        if let Some((line, first)) = bad.first() {
            out.push(Verdict::unlocked(
                &f.path,
                format!(
                    "{}:{line} does not pin {first}{}; use exact release versions (Maven has no lockfile)",
                    f.path,
                    if bad.len() > 1 {
                        format!(" and {} more", bad.len() - 1)
                    } else {
                        String::new()
                    }
                ),
                &f.path,
                Some(*line),
            ));
        } else {
            out.push(Verdict::locked(&f.path, &f.path, None));
        }
    }
    for f in files {
        let name = f.path.rsplit('/').next().unwrap_or(&f.path);
        if name != "build.gradle" && name != "build.gradle.kts" {
            continue;
        }
        let Some(text) = f.text() else { continue };
        if !GRADLE_DEPENDENCY.is_match(text) {
            continue;
        }
        let dir = dir_of(&f.path);
        let lock = join(dir, "gradle.lockfile");
        let legacy = join(dir, "gradle/dependency-locks/");
        if repo.file(&lock).is_some() {
            out.push(Verdict::locked(&f.path, &lock, None));
        } else if let Some(g) = repo.files().find(|g| g.path.starts_with(&legacy)) {
            out.push(Verdict::locked(&f.path, &g.path, None));
        } else {
            out.push(Verdict::unlocked(
                &f.path,
                format!(
                    "{} declares dependencies but no gradle.lockfile locks them; enable `dependencyLocking {{ lockAllConfigurations() }}`, run `gradle dependencies --write-locks` and commit gradle.lockfile",
                    f.path
                ),
                &f.path,
                None,
            ));
        }
    }
    out
}

fn resolve_property(version: &str, properties: &BTreeMap<String, String>) -> String {
    let mut v = version.to_string();
    for _ in 0..5 {
        let Some(start) = v.find("${") else { break };
        let Some(end) = v[start..].find('}') else {
            break;
        };
        let name = v[start + 2..start + end].to_string();
        match properties.get(&name) {
            Some(value) => v.replace_range(start..start + end + 1, value),
            None => break,
        }
    }
    v
}

/// Why a Maven version floats, if it does.
fn floating_version(v: &str) -> Option<&'static str> {
    let v = v.trim();
    if v.starts_with('[') || v.starts_with('(') || v.contains(",") {
        Some("a version range")
    } else if v.to_ascii_uppercase().contains("SNAPSHOT") {
        Some("a SNAPSHOT")
    } else if v == "LATEST" || v == "RELEASE" {
        Some("a moving version")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_pinned_requirements_with_continuations_are_pinned() {
        let text = "# generated\nalembic==1.20.1 \\\n    --hash=sha256:83490def \\\n    --hash=sha256:9970712c\nfastapi==0.165.0 ; python_version >= \"3.11\" \\\n    --hash=sha256:896f4846\n";
        let r = read_requirements(text);
        assert_eq!(r.count, 2);
        assert!(r.unpinned.is_empty());
    }

    #[test]
    fn ranges_and_bare_names_are_unpinned_and_options_are_not_requirements() {
        let text = "-r base.txt\n--index-url https://pypi.org/simple\n-e .\nDjango>=3.2,<4\nrequests\nflask==3.0.*\nuvicorn[standard]==0.30.1\n";
        let r = read_requirements(text);
        assert_eq!(r.count, 4);
        let names: Vec<&str> = r.unpinned.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(names, vec!["Django", "requests", "flask"]);
        assert_eq!(r.unpinned[0].0, 4);
    }

    #[test]
    fn vcs_requirements_are_pinned_only_by_a_commit() {
        let r = read_requirements(
            "lib @ git+https://github.com/o/lib@3f9a1c7\nother @ git+https://github.com/o/other\n",
        );
        assert_eq!(r.unpinned.len(), 1);
    }

    #[test]
    fn maven_versions_float_on_ranges_snapshots_and_latest() {
        assert_eq!(floating_version("[1.0,2.0)"), Some("a version range"));
        assert_eq!(floating_version("1.2-SNAPSHOT"), Some("a SNAPSHOT"));
        assert_eq!(floating_version("LATEST"), Some("a moving version"));
        assert_eq!(floating_version("2.1.4.RELEASE"), None);
        assert_eq!(floating_version("3.2.0"), None);
    }

    #[test]
    fn pyproject_without_dependencies_needs_no_lock() {
        assert!(pyproject_declares("[tool.ruff]\nline-length = 100\n").is_none());
        assert_eq!(
            pyproject_declares("[project]\nname = \"x\"\ndependencies = [\"fastapi>=0.110\"]\n"),
            Some(("uv.lock", false))
        );
        assert_eq!(
            pyproject_declares("[tool.poetry.dependencies]\npython = \"^3.11\"\n"),
            None
        );
    }
}
