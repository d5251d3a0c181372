//! `docs.ci-badge`.

use std::sync::LazyLock;

use regex::Regex;

use crate::audit::{Context, Outcome};
use crate::repo::{File, Repo};

crate::declare_check! {
    /// Passes when a README (at the repository root or in the audited folder) shows the CI
    /// status badge of this repository's own CI:
    /// - GitHub's badge `https://github.com/OWNER/REPO/actions/workflows/FILE/badge.svg`
    ///   (or the older `…/workflows/NAME/badge.svg`, or the relative
    ///   `../../actions/workflows/FILE/badge.svg` that always points at this repository) for a
    ///   workflow that exists in `.github/workflows/`;
    /// - a shields.io `github/actions/workflow/status/OWNER/REPO/FILE` (or
    ///   `github/checks-status/OWNER/REPO/…`) badge, a badgen `github/checks` badge;
    /// - a GitLab `…/badges/BRANCH/pipeline.svg` badge when `.gitlab-ci.yml` exists.
    ///
    /// OWNER/REPO must match the `origin` remote when it is on the same host (a badge copied
    /// from another project shows someone else's CI). Badges inside code blocks or HTML
    /// comments do not count, nor does the retired shields `github/workflow/status` endpoint,
    /// which renders an error. Skips when the repository has no CI workflow.
    ///
    /// ## Why
    /// A red badge on the front page is seen by everyone who opens the repository; a broken
    /// main branch does not stay broken unnoticed.
    ///
    /// ## How to fix
    /// Add the badge of the CI workflow at the top of README.md:
    /// `[![CI](https://github.com/OWNER/REPO/actions/workflows/ci.yml/badge.svg)](https://github.com/OWNER/REPO/actions/workflows/ci.yml)`.
    DocsCiBadge, "docs.ci-badge", check
}

static GITHUB_BADGE: LazyLock<Regex> = LazyLock::new(|| {
    crate::rx::re(
        r"(?i)https?://github\.com/([\w.-]+)/([\w.-]+)/actions/workflows/([^/\s)\]'\x22?#<>]+)/badge\.svg",
    )
});
/// A link relative to the README's page on GitHub (`../../actions/workflows/ci.yml/badge.svg`
/// from `/OWNER/REPO/blob/main/README.md`): always this repository's own workflow.
static RELATIVE_BADGE: LazyLock<Regex> = LazyLock::new(|| {
    crate::rx::re(
        r#"(?i)(?:^|[("'\s=])(?:\.\./)+actions/workflows/([^/\s)\]'\x22?#<>]+)/badge\.svg"#,
    )
});
static GITHUB_OLD_BADGE: LazyLock<Regex> = LazyLock::new(|| {
    crate::rx::re(
        r"(?i)https?://github\.com/([\w.-]+)/([\w.-]+)/workflows/([^/\s)\]'\x22<>]+)/badge\.svg",
    )
});
static SHIELDS: LazyLock<Regex> = LazyLock::new(|| {
    crate::rx::re(
        r"(?i)https?://img\.shields\.io/github/(actions/workflow/status|checks-status|workflow/status)/([\w.-]+)/([\w.-]+)(?:/([^/\s)\]'\x22?#<>]+))?",
    )
});
static BADGEN: LazyLock<Regex> =
    LazyLock::new(|| crate::rx::re(r"(?i)https?://badgen\.net/github/checks/([\w.-]+)/([\w.-]+)"));
static GITLAB: LazyLock<Regex> = LazyLock::new(|| {
    crate::rx::re(r"(?i)https?://([\w.-]+)/([\w./-]+?)/badges/[^/\s]+/pipeline\.svg")
});

/// OWNER/REPO of the origin remote, with its host.
fn origin_slug(origin: &str) -> Option<(String, String)> {
    let rest = if let Some((_, r)) = origin.split_once("://") {
        r.split_once('@').map_or(r, |(_, a)| a)
    } else {
        origin.split_once('@').map_or(origin, |(_, a)| a)
    };
    let (host, path) = rest.split_once(['/', ':'])?;
    let host = host.split(':').next().unwrap_or(host).to_ascii_lowercase();
    let path = path.trim_start_matches(|c: char| c.is_ascii_digit() || c == '/');
    let path = path.trim_end_matches('/').trim_end_matches(".git");
    Some((host, path.to_ascii_lowercase()))
}

/// README files at the repository root or directly in the audited folder.
fn readmes(repo: &Repo) -> Vec<&File> {
    let mut out: Vec<&File> = repo
        .files()
        .filter(|f| {
            let rel = f.path.strip_prefix(&repo.prefix).unwrap_or(&f.path);
            let direct = !f.path.contains('/')
                || (!repo.prefix.is_empty()
                    && f.path.starts_with(&repo.prefix)
                    && !rel.contains('/'));
            let name = f
                .path
                .rsplit('/')
                .next()
                .unwrap_or(&f.path)
                .to_ascii_lowercase();
            direct && (name == "readme" || name.starts_with("readme."))
        })
        .collect();
    // The audited folder's README first.
    out.sort_by_key(|f| !f.path.starts_with(&repo.prefix) || repo.prefix.is_empty());
    out
}

/// The label of a Markdown link reference definition (`[ci-badge]: https://…`), which shows
/// nothing by itself.
fn reference_definition(line: &str) -> Option<&str> {
    let t = line
        .strip_prefix("   ")
        .or_else(|| line.strip_prefix("  "))
        .or_else(|| line.strip_prefix(' '))
        .unwrap_or(line);
    let rest = t.strip_prefix('[')?;
    let (label, after) = rest.split_once("]:")?;
    (!label.is_empty() && !label.contains(['[', ']']) && !after.trim().is_empty()).then_some(label)
}

/// Whether the reference `label` is used somewhere else than its definition.
fn reference_used(text: &str, label: &str) -> bool {
    let lower = text.to_lowercase();
    let needle = format!("[{}]", label.to_lowercase());
    lower.matches(&needle).count() > 1
}

/// Lines outside fenced code blocks and HTML comments, 1-based. A link reference definition
/// that nothing uses is not shown either (`[tests-badge]: …/badge.svg` alone is no badge).
fn visible_lines(text: &str) -> Vec<(u32, &str)> {
    let mut out = Vec::new();
    let mut fence: Option<&str> = None;
    let mut comment = false;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        if let Some(f) = fence {
            if t.starts_with(f) {
                fence = None;
            }
            continue;
        }
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = Some(&t[..3]);
            continue;
        }
        if comment {
            if let Some((_, after)) = line.split_once("-->") {
                comment = false;
                out.push((i as u32 + 1, after));
            }
            continue;
        }
        let mut visible = line;
        if let Some((before, after)) = line.split_once("<!--") {
            match after.split_once("-->") {
                Some((_, rest)) => {
                    out.push((i as u32 + 1, before));
                    visible = rest;
                }
                None => {
                    comment = true;
                    visible = before;
                }
            }
        }
        if reference_definition(visible).is_some_and(|label| !reference_used(text, label)) {
            continue;
        }
        out.push((i as u32 + 1, visible));
    }
    out
}

fn check(repo: &Repo, ctx: &Context) -> Outcome {
    let ci = ctx.ci();
    let gitlab = repo.file(".gitlab-ci.yml").is_some();
    let has_ci = !ci.flows.is_empty() || !ci.broken.is_empty() || gitlab;
    let files = readmes(repo);
    if !has_ci {
        return Outcome::skip(
            "the repository has no CI workflow whose status a badge could show (see tests.in-ci)",
        );
    }
    let Some(first) = files.first() else {
        return Outcome::fail(
            "no README; add README.md with the CI status badge of the CI workflow",
        );
    };
    let origin = repo.git.origin.as_deref().and_then(origin_slug);
    let workflow_files: Vec<&str> = repo
        .files()
        .filter_map(|f| f.path.strip_prefix(".github/workflows/"))
        .filter(|p| !p.contains('/'))
        .collect();
    let mut problems: Vec<(String, String, u32)> = Vec::new();
    for f in &files {
        let Some(text) = f.text() else { continue };
        for (line, visible) in visible_lines(text) {
            let mut candidates: Vec<(String, String, Option<String>, &str)> = Vec::new();
            for c in GITHUB_BADGE.captures_iter(visible) {
                candidates.push((
                    c[1].to_string(),
                    c[2].to_string(),
                    Some(c[3].to_string()),
                    "github",
                ));
            }
            for c in RELATIVE_BADGE.captures_iter(visible) {
                candidates.push((
                    String::new(),
                    String::new(),
                    Some(c[1].to_string()),
                    "relative",
                ));
            }
            for c in GITHUB_OLD_BADGE.captures_iter(visible) {
                candidates.push((
                    c[1].to_string(),
                    c[2].to_string(),
                    Some(c[3].to_string()),
                    "github-name",
                ));
            }
            for c in SHIELDS.captures_iter(visible) {
                let kind = match &c[1] {
                    k if k.eq_ignore_ascii_case("workflow/status") => "shields-retired",
                    k if k.eq_ignore_ascii_case("checks-status") => "checks",
                    _ => "github",
                };
                candidates.push((
                    c[2].to_string(),
                    c[3].to_string(),
                    c.get(4).map(|m| m.as_str().to_string()),
                    kind,
                ));
            }
            for c in BADGEN.captures_iter(visible) {
                candidates.push((c[1].to_string(), c[2].to_string(), None, "checks"));
            }
            if gitlab {
                for c in GITLAB.captures_iter(visible) {
                    if !c[1].eq_ignore_ascii_case("github.com") {
                        candidates.push((c[1].to_string(), c[2].to_string(), None, "gitlab"));
                    }
                }
            }
            for (owner, name, workflow, kind) in candidates {
                let slug = format!("{owner}/{name}").to_ascii_lowercase();
                let (expected_host, slug_for_host) = match kind {
                    "gitlab" => (owner.to_ascii_lowercase(), name.to_ascii_lowercase()),
                    _ => ("github.com".to_string(), slug.clone()),
                };
                if let Some((host, origin_slug)) = &origin
                    && kind != "relative"
                    && *host == expected_host
                    && *origin_slug != slug_for_host
                {
                    problems.push((
                        format!("{}:{line} shows the CI badge of `{slug_for_host}`, not of this repository (`{origin_slug}`)", f.path),
                        f.path.clone(),
                        line,
                    ));
                    continue;
                }
                match kind {
                    "shields-retired" => problems.push((
                        format!("{}:{line} uses the retired shields.io `github/workflow/status` badge, which renders an error; use GitHub's `…/actions/workflows/FILE/badge.svg`", f.path),
                        f.path.clone(),
                        line,
                    )),
                    "github" | "relative" => {
                        let file = workflow.unwrap_or_default();
                        let file = file.rsplit("%2F").next().unwrap_or(&file).rsplit('/').next().unwrap_or(&file).to_string();
                        if workflow_files.contains(&file.as_str()) {
                            return Outcome::pass(format!(
                                "{}:{line} shows the status badge of .github/workflows/{file}",
                                f.path
                            ))
                            .at(&f.path, line);
                        }
                        problems.push((
                            format!("{}:{line} shows a badge for workflow `{file}`, which does not exist in .github/workflows/", f.path),
                            f.path.clone(),
                            line,
                        ));
                    }
                    "github-name" => {
                        let wanted = workflow.unwrap_or_default().replace("%20", " ");
                        if ci
                            .flows
                            .iter()
                            .any(|fl| fl.display_name().eq_ignore_ascii_case(&wanted))
                        {
                            return Outcome::pass(format!(
                                "{}:{line} shows the status badge of the `{wanted}` workflow",
                                f.path
                            ))
                            .at(&f.path, line);
                        }
                        problems.push((
                            format!("{}:{line} shows a badge for a workflow named `{wanted}`, which no workflow is called", f.path),
                            f.path.clone(),
                            line,
                        ));
                    }
                    _ => {
                        return Outcome::pass(format!("{}:{line} shows the CI status badge of `{slug_for_host}`", f.path))
                            .at(&f.path, line);
                    }
                }
            }
        }
    }
    let example = ci
        .flows
        .first()
        .map(|f| f.path.rsplit('/').next().unwrap_or(f.path).to_string())
        .unwrap_or_else(|| "ci.yml".to_string());
    let slug = origin
        .as_ref()
        .filter(|(h, _)| h == "github.com")
        .map_or("OWNER/REPO".to_string(), |(_, s)| s.clone());
    let fix = format!(
        "add `[![CI](https://github.com/{slug}/actions/workflows/{example}/badge.svg)](https://github.com/{slug}/actions/workflows/{example})` to {}",
        first.path
    );
    match problems.first() {
        Some((msg, path, line)) => Outcome::fail(format!("{msg}; {fix}")).at(path, *line),
        None => Outcome::fail(format!("{} shows no CI status badge; {fix}", first.path))
            .at(&first.path, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_give_host_and_slug() {
        assert_eq!(
            origin_slug("https://github.com/Acme/API.git"),
            Some(("github.com".into(), "acme/api".into()))
        );
        assert_eq!(
            origin_slug("git@github.com:acme/api.git"),
            Some(("github.com".into(), "acme/api".into()))
        );
        assert_eq!(
            origin_slug("ssh://git@gitlab.example.com:2222/group/sub/api.git"),
            Some(("gitlab.example.com".into(), "group/sub/api".into()))
        );
    }

    #[test]
    fn code_blocks_and_comments_hide_badges() {
        let text = "a\n```\nbadge\n```\n<!-- hidden -->shown\n<!--\nno\n-->yes\n";
        let v: Vec<&str> = visible_lines(text).into_iter().map(|(_, l)| l).collect();
        assert_eq!(v, vec!["a", "", "shown", "", "yes"]);
    }

    #[test]
    fn an_unused_reference_definition_shows_no_badge() {
        let text = "[![tests][tests-badge]][tests]\n\n[tests]: https://x/actions\n[tests-badge]: https://x/badge.svg\n[mypy-badge]: https://x/mypy/badge.svg\n";
        let v: Vec<u32> = visible_lines(text).into_iter().map(|(n, _)| n).collect();
        assert_eq!(v, vec![1, 2, 3, 4]);
    }
}
