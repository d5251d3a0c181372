//! Workspaces (monorepos): a root manifest that lists member folders which share one lockfile.
//! Read from the root's manifest, never guessed from folder names: uv (`[tool.uv.workspace]
//! members`), npm and yarn (`workspaces` in package.json), pnpm (`pnpm-workspace.yaml`
//! `packages`), Cargo (`[workspace] members`) and Go (`go.work` `use`).
//!
//! The audit asks two questions: is a folder a workspace's root (its files are the workspace's
//! tooling, not a service), and which workspace is the audited folder a member of (its
//! dependencies are locked and updated at that root).

use globset::Glob;
use serde_json::Value;

use super::Repo;
use super::stack::Language;

/// A workspace: its root folder and the patterns of its members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    /// Repository-relative root folder, `""` for the repository root.
    pub root: String,
    /// The manifest that declares it (`pyproject.toml`).
    pub manifest: String,
    /// The ecosystem whose dependencies it locks.
    pub language: Language,
    /// Member folders or globs, relative to the root (`services/*`).
    pub members: Vec<String>,
    /// The root is a package itself (a Cargo workspace with a `[package]`): its own source is
    /// a member's, not just the workspace's tooling.
    pub root_package: bool,
}

impl Workspace {
    /// Whether repository-relative folder `dir` is one of its members.
    pub fn has_member(&self, dir: &str) -> bool {
        let dir = dir.trim_end_matches('/');
        let Some(rel) = (if self.root.is_empty() {
            Some(dir)
        } else {
            dir.strip_prefix(&self.root)
                .and_then(|r| r.strip_prefix('/'))
        }) else {
            return false;
        };
        self.members.iter().any(|m| {
            let m = m.trim_start_matches("./").trim_end_matches('/');
            m == rel
                || Glob::new(m)
                    .map(|g| g.compile_matcher())
                    .is_ok_and(|g| g.is_match(rel))
        })
    }
}

/// The workspace whose root is folder `dir` (repository-relative, `""` for the root), if any.
pub fn at(repo: &Repo, dir: &str) -> Option<Workspace> {
    let dir = dir.trim_end_matches('/');
    let path = |name: &str| {
        if dir.is_empty() {
            name.to_string()
        } else {
            format!("{dir}/{name}")
        }
    };
    let text = |name: &str| repo.file(&path(name)).and_then(|f| f.text());
    let toml = |name: &str| text(name).and_then(|t| t.parse::<toml::Table>().ok());
    let strings = |v: Option<&toml::Value>| -> Vec<String> {
        v.and_then(toml::Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|m| m.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let found = |manifest: &str, language, members: Vec<String>| Workspace {
        root: dir.to_string(),
        manifest: path(manifest),
        language,
        members,
        root_package: false,
    };
    if let Some(doc) = toml("pyproject.toml")
        && let Some(ws) = doc
            .get("tool")
            .and_then(|t| t.get("uv"))
            .and_then(|u| u.get("workspace"))
    {
        return Some(found(
            "pyproject.toml",
            Language::Python,
            strings(ws.get("members")),
        ));
    }
    if let Some(doc) = toml("Cargo.toml")
        && let Some(ws) = doc.get("workspace")
    {
        return Some(Workspace {
            root_package: doc.contains_key("package"),
            ..found("Cargo.toml", Language::Rust, strings(ws.get("members")))
        });
    }
    if let Some(v) = text("package.json").and_then(|t| serde_json::from_str::<Value>(t).ok())
        && let Some(ws) = v.get("workspaces")
    {
        let list = ws.get("packages").unwrap_or(ws);
        let members = list
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|m| m.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        return Some(found("package.json", Language::Node, members));
    }
    if let Some(t) = text("pnpm-workspace.yaml") {
        let members = serde_saphyr::from_str::<Value>(t)
            .ok()
            .and_then(|v| v.get("packages").and_then(Value::as_array).cloned())
            .map(|a| {
                a.iter()
                    .filter_map(|m| m.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        return Some(found("pnpm-workspace.yaml", Language::Node, members));
    }
    if let Some(t) = text("go.work") {
        return Some(found("go.work", Language::Go, go_work_uses(t)));
    }
    None
}

/// The workspace the audited folder (PATH) is a member of: the nearest enclosing folder,
/// PATH excluded, whose workspace lists PATH. Only folders whose manifests the repository view
/// holds are seen (the repository root always is).
pub fn enclosing(repo: &Repo) -> Option<Workspace> {
    let path = repo.prefix.trim_end_matches('/');
    if path.is_empty() {
        return None;
    }
    let mut dir = path;
    while let Some((parent, _)) = dir.rsplit_once('/') {
        if let Some(ws) = at(repo, parent).filter(|w| w.has_member(path)) {
            return Some(ws);
        }
        dir = parent;
    }
    at(repo, "").filter(|w| w.has_member(path))
}

/// The folders of `use` directives in a go.work file.
fn go_work_uses(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_block = false;
    for line in text.lines() {
        let line = line.split("//").next().unwrap_or("").trim();
        if in_block {
            if line == ")" {
                in_block = false;
            } else if !line.is_empty() {
                out.push(line.to_string());
            }
        } else if let Some(rest) = line.strip_prefix("use") {
            let rest = rest.trim();
            if rest == "(" {
                in_block = true;
            } else if !rest.is_empty() {
                out.push(rest.to_string());
            }
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::repo::GitFacts;

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

    #[test]
    fn a_uv_workspace_lists_its_members_by_glob() {
        let r = repo(&[(
            "pyproject.toml",
            "[tool.uv.workspace]\nmembers = [\"packages/*\", \"services/*\"]\n",
        )]);
        let ws = at(&r, "").unwrap();
        assert_eq!(ws.language, Language::Python);
        assert!(ws.has_member("services/api"));
        assert!(ws.has_member("packages/shop_models/"));
        assert!(!ws.has_member("tools"));
        assert!(at(&r, "services/api").is_none());
    }

    #[test]
    fn npm_cargo_and_go_workspaces_are_read_too() {
        let npm = repo(&[(
            "package.json",
            r#"{"workspaces": {"packages": ["apps/*"]}}"#,
        )]);
        assert!(at(&npm, "").unwrap().has_member("apps/web"));
        let cargo = repo(&[("Cargo.toml", "[workspace]\nmembers = [\"crates/api\"]\n")]);
        assert!(at(&cargo, "").unwrap().has_member("crates/api"));
        let go = repo(&[(
            "go.work",
            "go 1.22\n\nuse (\n\t./svc/api // the API\n\t./lib\n)\n",
        )]);
        let ws = at(&go, "").unwrap();
        assert!(ws.has_member("svc/api") && ws.has_member("lib"));
        assert!(
            at(
                &repo(&[("pyproject.toml", "[project]\nname = \"x\"\n")]),
                ""
            )
            .is_none()
        );
    }
}
