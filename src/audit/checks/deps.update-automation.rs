//! `deps.update-automation`.

use globset::Glob;
use serde_json::Value;

use crate::audit::{Context, Outcome};
use crate::repo::stack::{Language, is_vendored};
use crate::repo::{Repo, workspace};

crate::declare_check! {
    /// Passes when Dependabot or Renovate keeps the service's main package ecosystem up to
    /// date. The main language decides (a frontend's npm entry does not cover a Python
    /// backend):
    ///
    /// - Dependabot: `.github/dependabot.yml` has an `updates` entry whose `package-ecosystem`
    ///   is the service's (`pip` or `uv` for Python, `npm` or `bun` for Node, `cargo`,
    ///   `gomod`, `maven` or `gradle`) and whose `directory`/`directories` is where the
    ///   service's manifests are (Dependabot does not search below the directory it is given),
    ///   or, for a member of a workspace (uv, npm, pnpm, Cargo, Go), the workspace's root,
    ///   where its one lockfile is updated;
    /// - Renovate: `renovate.json(5)`, `.renovaterc(.json)`, `.github/renovate.json(5)` or a
    ///   `renovate` key in the root `package.json`, not disabled, whose `enabledManagers` (if
    ///   set) include a manager of that ecosystem.
    ///
    /// Skipped when the service declares no dependencies (no manifest).
    ///
    /// ## Why
    /// Small weekly updates are cheap to review and test; a two-year jump under a security
    /// deadline is a migration.
    ///
    /// ## How to fix
    /// Add `.github/dependabot.yml` with an entry for the service's ecosystem and directory
    /// (e.g. `package-ecosystem: pip`, `directory: /`, `schedule: {interval: weekly}`), or a
    /// Renovate config.
    DepsUpdateAutomation, "deps.update-automation", check
}

/// Dependabot ecosystems and Renovate managers of a language.
fn ecosystems(language: Language) -> (&'static [&'static str], &'static [&'static str]) {
    match language {
        Language::Python => (
            &["pip", "uv", "pipenv", "poetry", "conda"],
            &[
                "pip_requirements",
                "pip-compile",
                "pip_setup",
                "pipenv",
                "poetry",
                "pep621",
                "pep723",
                "setup-cfg",
                "pixi",
            ],
        ),
        Language::Node => (&["npm", "yarn", "pnpm", "bun"], &["npm", "bun"]),
        Language::Rust => (&["cargo"], &["cargo"]),
        Language::Go => (&["gomod"], &["gomod"]),
        Language::Jvm => (&["maven", "gradle"], &["maven", "gradle", "maven-wrapper"]),
    }
}

/// `/`, `/backend`: a directory as Dependabot writes it.
fn normalise_dir(dir: &str) -> String {
    let d = dir.trim().trim_end_matches('/').trim_start_matches("./");
    let d = d.trim_start_matches('/');
    format!("/{d}")
}

fn check(repo: &Repo, _ctx: &Context) -> Outcome {
    let stack = repo.stack();
    let Some(language) = stack.language else {
        return Outcome::skip("no dependency manifest found for the service");
    };
    let mut manifest_dirs: Vec<String> = stack
        .manifests
        .iter()
        .filter(|m| !is_vendored(m))
        .map(|m| normalise_dir(m.rsplit_once('/').map_or("", |(d, _)| d)))
        .collect();
    if language == Language::Python {
        // `requirements/prod.txt` and friends: Dependabot's pip ecosystem reads that folder.
        manifest_dirs.extend(
            repo.service_files()
                .filter(|f| {
                    !is_vendored(&f.path)
                        && f.path.ends_with(".txt")
                        && f.path
                            .rsplit_once('/')
                            .is_some_and(|(d, _)| d.rsplit('/').next() == Some("requirements"))
                })
                .map(|f| normalise_dir(f.path.rsplit_once('/').map_or("", |(d, _)| d))),
        );
    }
    manifest_dirs.sort();
    manifest_dirs.dedup();
    if manifest_dirs.is_empty() {
        return Outcome::skip("no dependency manifest found for the service");
    }
    // A member of a workspace (uv, npm, Cargo, Go) is locked, so updated, at the workspace's
    // root: an entry there covers it.
    let workspace = workspace::enclosing(repo).filter(|w| w.language == language);
    if let Some(ws) = &workspace {
        manifest_dirs.push(normalise_dir(&ws.root));
    }
    let (dependabot_ecos, renovate_managers) = ecosystems(language);
    let suggested = match language {
        Language::Python
            if repo.service_file("uv.lock").is_some()
                || workspace
                    .as_ref()
                    .is_some_and(|w| w.manifest.ends_with("pyproject.toml")) =>
        {
            "uv"
        }
        Language::Python => "pip",
        Language::Node => "npm",
        Language::Rust => "cargo",
        Language::Go => "gomod",
        Language::Jvm => {
            if stack.manifests.iter().any(|m| m.ends_with("pom.xml")) {
                "maven"
            } else {
                "gradle"
            }
        }
    };
    let service_root = normalise_dir(&repo.prefix);
    let directory = if let Some(ws) = &workspace {
        format!(
            "`directory: {}` (the workspace's root)",
            normalise_dir(&ws.root)
        )
    } else if manifest_dirs.contains(&service_root) || manifest_dirs.len() > 6 {
        format!("`directory: {service_root}`")
    } else if manifest_dirs.len() == 1 {
        format!("`directory: {}`", manifest_dirs[0])
    } else {
        let quoted: Vec<String> = manifest_dirs.iter().map(|d| format!("\"{d}\"")).collect();
        format!("`directories: [{}]`", quoted.join(", "))
    };
    let covers = |dir: &str| {
        let dir = normalise_dir(dir);
        manifest_dirs.iter().any(|m| {
            *m == dir
                || (language == Language::Python
                    && *m == format!("{}/requirements", dir.trim_end_matches('/')))
        })
    };
    let covers_glob = |pattern: &str| {
        let pattern = normalise_dir(pattern);
        Glob::new(&pattern)
            .map(|g| g.compile_matcher())
            .is_ok_and(|m| manifest_dirs.iter().any(|d| m.is_match(d)))
    };

    let mut other_dependabot: Option<String> = None;
    for path in [".github/dependabot.yml", ".github/dependabot.yaml"] {
        let Some(text) = repo.text(path) else {
            continue;
        };
        let Ok(doc) = serde_saphyr::from_str::<Value>(text) else {
            other_dependabot = Some(format!("{path} is not valid YAML"));
            continue;
        };
        let updates = doc
            .get("updates")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut ours = Vec::new();
        for u in &updates {
            let eco = u
                .get("package-ecosystem")
                .and_then(Value::as_str)
                .unwrap_or("");
            if !dependabot_ecos.contains(&eco) {
                continue;
            }
            let mut dirs: Vec<String> = Vec::new();
            if let Some(d) = u.get("directory").and_then(Value::as_str) {
                dirs.push(d.to_string());
            }
            if let Some(ds) = u.get("directories").and_then(Value::as_array) {
                dirs.extend(ds.iter().filter_map(Value::as_str).map(String::from));
            }
            let ok = dirs.iter().any(|d| {
                if d.contains('*') {
                    covers_glob(d)
                } else {
                    covers(d)
                }
            });
            let line = text
                .lines()
                .position(|l| l.contains("package-ecosystem") && l.contains(eco))
                .map(|i| i as u32 + 1);
            if ok {
                let dir = dirs.first().cloned().unwrap_or_else(|| "/".into());
                return Outcome::pass(format!(
                    "{path}{} updates `{eco}` dependencies in {dir}",
                    line.map(|l| format!(":{l}")).unwrap_or_default()
                ))
                .at(path, line);
            }
            ours.push((eco.to_string(), dirs.join(", ")));
        }
        other_dependabot = Some(if let Some((eco, dirs)) = ours.first() {
            format!(
                "{path} updates `{eco}` in {dirs}, but the service's manifests are in {}; set {directory}",
                manifest_dirs.join(", ")
            )
        } else {
            let present: Vec<&str> = updates
                .iter()
                .filter_map(|u| u.get("package-ecosystem").and_then(Value::as_str))
                .collect();
            format!(
                "{path} updates {} but not the service's {} dependencies; add an entry with `package-ecosystem: {suggested}` and {directory}",
                if present.is_empty() {
                    "nothing".to_string()
                } else {
                    present
                        .iter()
                        .map(|e| format!("`{e}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
                language.name()
            )
        });
    }

    for path in [
        "renovate.json",
        "renovate.json5",
        ".renovaterc",
        ".renovaterc.json",
        ".renovaterc.json5",
        ".github/renovate.json",
        ".github/renovate.json5",
        ".gitlab/renovate.json",
        ".gitlab/renovate.json5",
    ] {
        let Some(text) = repo.text(path) else {
            continue;
        };
        return renovate_verdict(
            path,
            relaxed_json(text).as_ref(),
            renovate_managers,
            language,
        );
    }
    if let Some(text) = repo.text("package.json")
        && let Ok(pkg) = serde_json::from_str::<Value>(text)
        && let Some(cfg) = pkg.get("renovate")
    {
        return renovate_verdict("package.json", Some(cfg), renovate_managers, language);
    }

    match other_dependabot {
        Some(why) => Outcome::fail(why).at(".github/dependabot.yml", None),
        None => Outcome::fail(format!(
            "neither Dependabot nor Renovate is configured; add .github/dependabot.yml with `package-ecosystem: {suggested}` and {directory} on a weekly schedule"
        )),
    }
}

fn renovate_verdict(
    path: &str,
    config: Option<&Value>,
    managers: &[&str],
    language: Language,
) -> Outcome {
    let Some(config) = config else {
        // JSON5 beyond what we normalise: Renovate is configured, with default managers.
        return Outcome::pass(format!("{path} configures Renovate")).at(path, None);
    };
    if config.get("enabled").and_then(Value::as_bool) == Some(false) {
        return Outcome::fail(format!(
            "{path} disables Renovate (`\"enabled\": false`); enable it or configure Dependabot"
        ))
        .at(path, None);
    }
    if let Some(enabled) = config.get("enabledManagers").and_then(Value::as_array) {
        let names: Vec<&str> = enabled.iter().filter_map(Value::as_str).collect();
        if !names.iter().any(|n| managers.contains(n)) {
            return Outcome::fail(format!(
                "{path} limits Renovate to {} and leaves out the service's {} dependencies; add `{}` to `enabledManagers`",
                names.join(", "),
                language.name(),
                managers[0]
            ))
            .at(path, None);
        }
    }
    Outcome::pass(format!(
        "{path} configures Renovate, which updates the service's {} dependencies",
        language.name()
    ))
    .at(path, None)
}

/// JSON5 as far as Renovate configs use it: comments and trailing commas removed.
fn relaxed_json(text: &str) -> Option<Value> {
    if let Ok(v) = serde_json::from_str(text) {
        return Some(v);
    }
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '/' if chars.peek() == Some(&'/') => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut prev = ' ';
                for n in chars.by_ref() {
                    if prev == '*' && n == '/' {
                        break;
                    }
                    prev = n;
                }
            }
            _ => out.push(c),
        }
    }
    // Trailing commas before a closing bracket.
    let mut cleaned = String::with_capacity(out.len());
    let bytes: Vec<char> = out.chars().collect();
    for (i, &c) in bytes.iter().enumerate() {
        if c == ',' {
            let next = bytes[i + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, Some('}') | Some(']')) {
                continue;
            }
        }
        cleaned.push(c);
    }
    serde_json::from_str(&cleaned).ok()
}
