//! Dockerfiles read as Docker reads them: parser directives, line continuations, comments,
//! heredocs, build stages, and `ARG`/`ENV` substitution in `FROM` and `USER`. Used by
//! `build.container`, `build.container-non-root` and `deps.supported-runtime`.

use std::collections::HashMap;

use crate::repo::{File, Repo};

/// One instruction, continuation lines joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// Upper-cased (`FROM`, `RUN`, `USER`).
    pub keyword: String,
    pub args: String,
    /// 1-based line where the instruction starts.
    pub line: u32,
}

/// A build stage: `FROM image [AS name]` and what follows it.
#[derive(Debug, Clone)]
pub struct Stage {
    /// The base image with build arguments substituted (`python:3.12-slim`).
    pub image: String,
    /// The `AS` name, lower-cased.
    pub name: Option<String>,
    pub line: u32,
    pub instructions: Vec<Instruction>,
}

#[derive(Debug, Clone, Default)]
pub struct Dockerfile {
    pub stages: Vec<Stage>,
}

/// Whether a file name is a Dockerfile or Containerfile (`Dockerfile`, `Dockerfile.prod`,
/// `api.Dockerfile`, `Containerfile`).
pub fn is_dockerfile_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "dockerfile"
        || lower == "containerfile"
        || lower.starts_with("dockerfile.")
        || lower.starts_with("containerfile.")
        || lower.ends_with(".dockerfile")
        || lower.ends_with(".containerfile")
}

/// Dockerfiles among the service's files (not vendored, not dev containers), root ones first.
pub fn service_dockerfiles(repo: &Repo) -> Vec<&File> {
    let prefix = repo.prefix.len();
    let mut found: Vec<&File> = repo
        .service_files()
        .filter(|f| {
            let rel = &f.path[prefix..];
            let name = rel.rsplit('/').next().unwrap_or(rel);
            // `build/Dockerfile` is a common home; only third-party trees are left out.
            is_dockerfile_name(name)
                && !rel.split('/').any(|p| {
                    matches!(
                        p,
                        "node_modules"
                            | "vendor"
                            | "third_party"
                            | ".venv"
                            | "venv"
                            | "site-packages"
                            | ".devcontainer"
                    )
                })
        })
        .collect();
    found.sort_by_key(|f| (f.path.matches('/').count(), f.path.len()));
    found
}

impl Dockerfile {
    pub fn parse(text: &str) -> Dockerfile {
        let instructions = instructions(text);
        let mut global_args: HashMap<String, String> = HashMap::new();
        let mut stages: Vec<Stage> = Vec::new();
        for ins in instructions {
            if ins.keyword == "FROM" {
                let mut words = ins.args.split_whitespace().filter(|w| !w.starts_with("--"));
                let image = substitute(words.next().unwrap_or(""), &global_args);
                let name = match (words.next(), words.next()) {
                    (Some(a), Some(n)) if a.eq_ignore_ascii_case("as") => {
                        Some(n.to_ascii_lowercase())
                    }
                    _ => None,
                };
                stages.push(Stage {
                    image,
                    name,
                    line: ins.line,
                    instructions: Vec::new(),
                });
            } else if let Some(stage) = stages.last_mut() {
                stage.instructions.push(ins);
            } else if ins.keyword == "ARG" {
                for (k, v) in assignments(&ins.args) {
                    global_args.insert(k, v);
                }
            }
        }
        // Stage-level ARG/ENV values, for USER: a stage's `ARG X` re-declares the global one.
        for stage in &mut stages {
            let mut vars = global_args.clone();
            for ins in &mut stage.instructions {
                match ins.keyword.as_str() {
                    "ARG" | "ENV" => {
                        for (k, v) in assignments(&ins.args) {
                            if !(ins.keyword == "ARG" && v.is_empty() && vars.contains_key(&k)) {
                                let v = substitute(&v, &vars);
                                vars.insert(k, v);
                            }
                        }
                    }
                    "USER" => ins.args = substitute(&ins.args, &vars),
                    _ => {}
                }
            }
        }
        Dockerfile { stages }
    }

    /// The stage an image reference names (`FROM build`), if it is one of this file's stages
    /// defined before `before`.
    pub fn stage_named(&self, image: &str, before: usize) -> Option<usize> {
        let image = image.to_ascii_lowercase();
        self.stages[..before]
            .iter()
            .rposition(|s| s.name.as_deref() == Some(image.as_str()))
    }
}

/// `KEY=value KEY2="v 2"` or the legacy `KEY value` form; `ARG NAME` has an empty value.
fn assignments(args: &str) -> Vec<(String, String)> {
    let args = args.trim();
    if !args.contains('=') {
        let mut it = args.splitn(2, char::is_whitespace);
        let key = it.next().unwrap_or("").to_string();
        let value = it.next().unwrap_or("").trim().trim_matches('"').to_string();
        return if key.is_empty() {
            Vec::new()
        } else {
            vec![(key, value)]
        };
    }
    let mut out = Vec::new();
    let mut rest = args;
    while let Some(eq) = rest.find('=') {
        let key = rest[..eq].trim().to_string();
        rest = &rest[eq + 1..];
        let value;
        if let Some(stripped) = rest.strip_prefix('"') {
            let end = stripped.find('"').unwrap_or(stripped.len());
            value = stripped[..end].to_string();
            rest = stripped.get(end + 1..).unwrap_or("");
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            value = rest[..end].to_string();
            rest = &rest[end..];
        }
        if !key.is_empty() && !key.contains(char::is_whitespace) {
            out.push((key, value));
        }
        rest = rest.trim_start();
    }
    out
}

/// Replaces `$VAR`, `${VAR}` and `${VAR:-default}` with known values; unknown variables stay.
pub fn substitute(text: &str, vars: &HashMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(body) = after.strip_prefix('{') {
            let Some(end) = body.find('}') else {
                out.push_str(&rest[i..]);
                return out;
            };
            let inner = &body[..end];
            let (name, default) = match inner.split_once(":-") {
                Some((n, d)) => (n, Some(d)),
                None => match inner.split_once('-') {
                    Some((n, d)) => (n, Some(d)),
                    None => (inner, None),
                },
            };
            match vars.get(name).filter(|v| !v.is_empty()) {
                Some(v) => out.push_str(v),
                None => match default {
                    Some(d) => out.push_str(d),
                    None => out.push_str(&rest[i..i + 2 + end + 1]),
                },
            }
            rest = &body[end + 1..];
        } else {
            let len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            let name = &after[..len];
            match vars.get(name).filter(|v| !v.is_empty()) {
                Some(v) if !name.is_empty() => out.push_str(v),
                _ => out.push_str(&rest[i..i + 1 + len]),
            }
            rest = &after[len..];
        }
    }
    out.push_str(rest);
    out
}

/// The instructions of a Dockerfile: continuation lines joined, comments and heredoc bodies
/// dropped.
fn instructions(text: &str) -> Vec<Instruction> {
    let mut escape = '\\';
    let mut out: Vec<Instruction> = Vec::new();
    let mut current: Option<Instruction> = None;
    let mut heredoc: Option<String> = None;
    let mut directives = true;
    for (i, raw) in text.lines().enumerate() {
        let n = i as u32 + 1;
        let line = raw.trim_end_matches('\r');
        if let Some(end) = &heredoc {
            if line.trim() == end {
                heredoc = None;
            }
            continue;
        }
        let trimmed = line.trim_start();
        if directives {
            if let Some(d) = trimmed.strip_prefix('#') {
                if let Some((k, v)) = d.split_once('=')
                    && k.trim().eq_ignore_ascii_case("escape")
                {
                    escape = v.trim().chars().next().unwrap_or('\\');
                }
                continue;
            }
            directives = false;
        }
        if trimmed.starts_with('#') {
            continue; // comments, also between continuation lines
        }
        if trimmed.is_empty() && current.is_none() {
            continue;
        }
        let (body, continues) = match trimmed.trim_end().strip_suffix(escape) {
            Some(b) => (b, true),
            None => (trimmed, false),
        };
        match &mut current {
            Some(ins) => {
                ins.args.push(' ');
                ins.args.push_str(body.trim());
            }
            None => {
                let mut split = body.splitn(2, char::is_whitespace);
                let keyword = split.next().unwrap_or("").to_ascii_uppercase();
                let args = split.next().unwrap_or("").trim().to_string();
                current = Some(Instruction {
                    keyword,
                    args,
                    line: n,
                });
            }
        }
        if !continues && let Some(ins) = current.take() {
            if let Some(tag) = heredoc_tag(&ins.args) {
                heredoc = Some(tag);
            }
            out.push(ins);
        }
    }
    if let Some(ins) = current {
        out.push(ins);
    }
    out
}

/// The terminator of a heredoc opened by `<<EOF`, `<<-EOF` or `<<"EOF"`.
fn heredoc_tag(args: &str) -> Option<String> {
    let at = args.find("<<")?;
    let rest = args[at + 2..].trim_start_matches('-');
    let tag: String = rest
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!tag.is_empty()).then_some(tag)
}

/// An image reference split into name (registry/path, lower-cased) and tag (`latest` when
/// absent; a digest is kept as the tag).
pub fn split_image(image: &str) -> (String, String) {
    let image = image.trim();
    if let Some((name, digest)) = image.split_once('@') {
        let (name, tag) = split_image(name);
        let tag = if tag == "latest" {
            digest.to_string()
        } else {
            tag
        };
        return (name, tag);
    }
    let last_slash = image.rfind('/').map_or(0, |i| i + 1);
    match image[last_slash..].rfind(':') {
        Some(i) => (
            image[..last_slash + i].to_ascii_lowercase(),
            image[last_slash + i + 1..].to_string(),
        ),
        None => (image.to_ascii_lowercase(), "latest".to_string()),
    }
}

/// The image name without registry host and `library/` (`docker.io/library/python` → `python`).
pub fn short_name(name: &str) -> &str {
    let name = name
        .strip_prefix("docker.io/")
        .or_else(|| name.strip_prefix("index.docker.io/"))
        .unwrap_or(name);
    name.strip_prefix("library/").unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_args_and_continuations_are_read() {
        let text = "# syntax=docker/dockerfile:1\nARG PY=3.12\nFROM python:${PY}-slim AS build\nRUN pip install \\\n    -r requirements.txt\n\nFROM --platform=$BUILDPLATFORM python:${PY}-slim\n# a comment\nARG APP_UID=10001\nUSER ${APP_UID}:${APP_UID}\n";
        let d = Dockerfile::parse(text);
        assert_eq!(d.stages.len(), 2);
        assert_eq!(d.stages[0].image, "python:3.12-slim");
        assert_eq!(d.stages[0].name.as_deref(), Some("build"));
        assert_eq!(
            d.stages[0].instructions[0].args,
            "pip install -r requirements.txt"
        );
        assert_eq!(d.stages[1].line, 7);
        let user = d.stages[1]
            .instructions
            .iter()
            .find(|i| i.keyword == "USER")
            .unwrap_or_else(|| panic!("a USER in the final stage"));
        assert_eq!((user.args.as_str(), user.line), ("10001:10001", 10));
    }

    #[test]
    fn heredoc_bodies_are_not_instructions() {
        let text = "FROM alpine\nRUN <<EOF\nUSER root\nEOF\nUSER app\n";
        let d = Dockerfile::parse(text);
        let users: Vec<_> = d.stages[0]
            .instructions
            .iter()
            .filter(|i| i.keyword == "USER")
            .map(|i| i.args.as_str())
            .collect();
        assert_eq!(users, vec!["app"]);
    }

    #[test]
    fn images_split_into_name_and_tag() {
        assert_eq!(
            split_image("gcr.io/distroless/python3-debian12:nonroot"),
            (
                "gcr.io/distroless/python3-debian12".into(),
                "nonroot".into()
            )
        );
        assert_eq!(
            split_image("localhost:5000/app"),
            ("localhost:5000/app".into(), "latest".into())
        );
        assert_eq!(short_name("docker.io/library/python"), "python");
    }

    #[test]
    fn escape_directive_changes_the_continuation_character() {
        let text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore\nRUN dir `\n  c:\\\n";
        let d = Dockerfile::parse(text);
        assert_eq!(d.stages[0].instructions[0].args, "dir c:\\");
    }
}
