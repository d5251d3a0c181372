//! `secrets.no-env-files`.

use std::path::Path;

use ignore::Match;
use ignore::gitignore::GitignoreBuilder;

use crate::audit::secrets::{self, Profile, is_dotenv_name, is_test_path};
use crate::audit::{Context, Location, Outcome};
use crate::repo::{File, Repo};

crate::declare_check! {
    /// Fails when git tracks a dotenv file with values: `.env`, `.env.local`,
    /// `.env.production`, `prod.env` and the like, with at least one `KEY=value` whose value is
    /// not empty. Documentation files are fine: `.env.example`, `.env.sample`,
    /// `.env.template`, `.env.dist`, `.env.defaults` (see `secrets.env-example` for their
    /// values). Test and local-development env files (`.env.test`, `.env.ci`, `.env.dev`,
    /// `.env.development`, a dev container's `*.env`, any under a test folder) hold throwaway
    /// values and fail only when one of them looks like a real secret.
    ///
    /// Where the service uses dotenv files — a dotenv library (python-dotenv, django-environ,
    /// pydantic-settings' `env_file`, dotenv, @nestjs/config, godotenv, dotenvy, dotenv-java…),
    /// a compose `env_file:`, a Makefile `include .env`, or an example file to copy — the
    /// `.gitignore` at the git root (or in the audited folder) must ignore `.env`, so the next
    /// one is not committed by accident.
    ///
    /// ## Why
    /// `.env` files hold the real credentials of a developer or an environment; once committed
    /// they live in every clone and fork forever, whatever later commits remove.
    ///
    /// ## How to fix
    /// `git rm --cached .env`, rotate every credential it held, add `.env` (and `.env.*`,
    /// `!.env.example`) to `.gitignore`, and document the variables in `.env.example` instead.
    SecretsNoEnvFiles, "secrets.no-env-files", check
}

/// Dotenv files meant to be committed: documentation of the variables.
pub fn is_example_env(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    is_dotenv_name(&lower)
        && lower.split(['.', '-', '_']).any(|w| {
            matches!(
                w,
                "example"
                    | "examples"
                    | "sample"
                    | "samples"
                    | "template"
                    | "tmpl"
                    | "tpl"
                    | "dist"
                    | "default"
                    | "defaults"
                    | "schema"
                    | "skeleton"
            )
        })
}

/// `.env.test`, `.env.testing`, `.env.ci`, `.env.e2e`, the shared development defaults
/// (`.env.dev`, `.env.development`, committed for a local stack), and a dev container's env
/// files. `.env.local` is not among them: it is each developer's own file.
fn is_test_env(lower_path: &str, name: &str) -> bool {
    is_test_path(lower_path)
        || lower_path.starts_with(".devcontainer/")
        || lower_path.contains("/.devcontainer/")
        || name.split(['.', '-', '_']).any(|w| {
            matches!(
                w,
                "test" | "testing" | "ci" | "e2e" | "tests" | "dev" | "development"
            )
        })
}

/// The keys with a non-empty value, with the line of the first.
fn assigned_keys(text: &str) -> (Vec<&str>, u32) {
    let mut keys = Vec::new();
    let mut first = 0;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim();
        let value = value.trim();
        let value = value.split(" #").next().unwrap_or(value).trim();
        let value = value.trim_matches(['"', '\'']);
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
            || value.is_empty()
        {
            continue;
        }
        if keys.is_empty() {
            first = i as u32 + 1;
        }
        keys.push(key);
    }
    (keys, first)
}

/// Dependencies that read `.env` files.
const DOTENV_LIBRARIES: &[&str] = &[
    "python-dotenv",
    "django-environ",
    "environs",
    "python-decouple",
    "dotenv",
    "dotenv-flow",
    "dotenv-expand",
    "dotenv-cli",
    "env-cmd",
    "@nestjs/config",
    "dotenvy",
    "github.com/joho/godotenv",
    "dotenv-java",
    "spring-dotenv",
];

/// Evidence that the service reads `.env` files, as (path, what).
fn dotenv_usage(repo: &Repo) -> Option<(String, String)> {
    let stack = repo.stack();
    if let Some(lib) = DOTENV_LIBRARIES.iter().find(|l| stack.has_dependency(l)) {
        let at = stack.manifests.first().cloned().unwrap_or_default();
        return Some((at, format!("depends on {lib}")));
    }
    let prefix = repo.prefix.len();
    for f in repo.service_files() {
        let rel = &f.path[prefix..];
        let lower = rel.to_ascii_lowercase();
        if crate::repo::stack::is_vendored(&lower) {
            continue;
        }
        let name = lower.rsplit('/').next().unwrap_or(&lower);
        if is_example_env(name) {
            return Some((
                f.path.clone(),
                "documents variables to copy into .env".into(),
            ));
        }
        let Some(text) = f.text() else { continue };
        let uses = if name.ends_with(".py") {
            text.contains("load_dotenv(")
                || text.contains("env_file=")
                || text.contains("env_file =")
                || text.contains("read_env(")
        } else if name.ends_with(".js") || name.ends_with(".ts") || name.ends_with(".mjs") {
            text.contains("require('dotenv')")
                || text.contains("require(\"dotenv\")")
                || text.contains("dotenv/config")
        } else if name.ends_with(".go") {
            text.contains("godotenv.Load")
        } else if secrets::is_compose_name(name) {
            text.contains("env_file:")
        } else if name == "makefile" {
            text.lines()
                .any(|l| matches!(l.trim(), "include .env" | "-include .env" | "sinclude .env"))
        } else if name == "package.json" {
            text.contains("--env-file")
        } else {
            false
        };
        if uses {
            return Some((f.path.clone(), "loads a .env file".into()));
        }
    }
    None
}

/// Whether `.env` in the audited folder is ignored, and by which `.gitignore` line.
fn env_ignored(repo: &Repo) -> Result<Location, Vec<String>> {
    let mut candidates: Vec<String> = vec![".gitignore".to_string()];
    let mut dir = String::new();
    for part in repo
        .prefix
        .trim_end_matches('/')
        .split('/')
        .filter(|p| !p.is_empty())
    {
        dir.push_str(part);
        dir.push('/');
        candidates.push(format!("{dir}.gitignore"));
    }
    let mut verdict: Option<(bool, Location)> = None;
    let mut seen = Vec::new();
    for path in candidates {
        let Some(text) = repo.text(&path) else {
            continue;
        };
        seen.push(path.clone());
        let base = path.trim_end_matches(".gitignore").to_string();
        let mut builder = GitignoreBuilder::new(Path::new("/").join(&base));
        for line in text.lines() {
            let _ = builder.add_line(None, line);
        }
        let Ok(gi) = builder.build() else { continue };
        let rel = repo.prefix.strip_prefix(&base).unwrap_or(&repo.prefix);
        let target = format!("{rel}.env");
        match gi.matched_path_or_any_parents(&target, false) {
            Match::Ignore(glob) => {
                let line = line_of(text, glob.original());
                verdict = Some((
                    true,
                    Location {
                        path: path.clone(),
                        line,
                    },
                ));
            }
            Match::Whitelist(glob) => {
                let line = line_of(text, glob.original());
                verdict = Some((
                    false,
                    Location {
                        path: path.clone(),
                        line,
                    },
                ));
            }
            Match::None => {}
        }
    }
    match verdict {
        Some((true, at)) => Ok(at),
        _ => Err(seen),
    }
}

fn line_of(text: &str, pattern: &str) -> Option<u32> {
    text.lines()
        .position(|l| l.trim() == pattern.trim())
        .map(|i| i as u32 + 1)
}

fn check(repo: &Repo, _ctx: &Context) -> Outcome {
    let mut tracked: Vec<(&File, Vec<&str>, u32)> = Vec::new();
    let mut secret_test_envs: Vec<(&File, u32)> = Vec::new();
    for f in repo.files() {
        let lower = f.path.to_ascii_lowercase();
        let name = lower.rsplit('/').next().unwrap_or(&lower);
        if !is_dotenv_name(name) || is_example_env(name) || crate::repo::stack::is_vendored(&lower)
        {
            continue;
        }
        let Some(text) = f.text() else { continue };
        let (keys, line) = assigned_keys(text);
        if keys.is_empty() {
            continue;
        }
        if is_test_env(&lower, name) {
            // Under a test folder only real token formats count (as in secrets.no-hardcoded);
            // a `.env.test` beside the service is read like any dotenv file.
            let found = if is_test_path(&lower) {
                secrets::scan_path(&f.path, text)
            } else {
                secrets::scan(text, Profile::DOTENV)
            };
            if let Some(found) = found.first() {
                secret_test_envs.push((f, found.line));
            }
            continue;
        }
        tracked.push((f, keys, line));
    }
    if !tracked.is_empty() || !secret_test_envs.is_empty() {
        let mut parts: Vec<String> = tracked
            .iter()
            .map(|(f, keys, line)| {
                let shown: Vec<&str> = keys.iter().take(4).copied().collect();
                let more = if keys.len() > 4 { ", …" } else { "" };
                format!(
                    "{}:{line} sets {} value{} ({}{more})",
                    f.path,
                    keys.len(),
                    if keys.len() == 1 { "" } else { "s" },
                    shown.join(", ")
                )
            })
            .collect();
        parts.extend(secret_test_envs.iter().map(|(f, line)| {
            format!(
                "{}:{line} holds a value that looks like a real secret",
                f.path
            )
        }));
        let locations = tracked
            .iter()
            .map(|(f, _, l)| (f.path.clone(), *l))
            .chain(secret_test_envs.iter().map(|(f, l)| (f.path.clone(), *l)))
            .map(|(path, line)| Location {
                path,
                line: Some(line),
            });
        return Outcome::fail(format!(
            "tracked env file{} with values: {}; remove {} from git (`git rm --cached`), rotate what {} held, ignore {} in .gitignore and document the variables in .env.example",
            if parts.len() == 1 { "" } else { "s" },
            parts.join("; "),
            if parts.len() == 1 { "it" } else { "them" },
            if parts.len() == 1 { "it" } else { "they" },
            if parts.len() == 1 { "it" } else { "them" },
        ))
        .at_all(locations);
    }
    let Some((evidence, what)) = dotenv_usage(repo) else {
        return Outcome::pass(
            "no .env file with values is tracked, and the service reads no .env file",
        );
    };
    match env_ignored(repo) {
        Ok(at) => Outcome::pass(format!(
            "no .env file with values is tracked, and {}{} ignores .env",
            at.path,
            at.line.map(|l| format!(":{l}")).unwrap_or_default()
        ))
        .at_all([at]),
        Err(seen) => {
            let msg = match seen.first() {
                Some(gi) => format!(
                    "{evidence} {what}, but {gi} does not ignore .env; add `.env` to .gitignore so it is never committed"
                ),
                None => format!(
                    "{evidence} {what}, but there is no .gitignore; add one that ignores `.env`"
                ),
            };
            let out = Outcome::fail(msg);
            match seen.first() {
                Some(gi) => out.at(gi, None),
                None => out,
            }
        }
    }
}
