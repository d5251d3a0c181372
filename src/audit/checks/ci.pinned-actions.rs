//! `ci.pinned-actions`.

use crate::audit::ci::{self};
use crate::audit::{Context, Location, Outcome};
use crate::repo::Repo;
use crate::repo::workflow;

crate::declare_check! {
    /// Passes when every third-party action and reusable workflow the CI uses is pinned to a
    /// full commit SHA (`uses: owner/repo@<40 hex digits>`, a trailing `# v4` comment is
    /// welcome). Read in every workflow's steps and job-level `uses:` (reusable workflows), and
    /// in the steps of the repository's composite actions (`.github/**/action.yml`).
    ///
    /// Fine without a SHA: actions of GitHub's own `actions/` and `github/` organisations,
    /// local actions and workflows (`./…`), and Docker actions pinned by digest
    /// (`docker://image@sha256:…`). A tag (`@v4`), a branch (`@main`), a short SHA or a
    /// `docker://image:tag` fails. Skips when there are no workflows.
    ///
    /// ## Why
    /// A tag can be moved: whoever controls a third-party action can change the code your CI
    /// runs, with your secrets and token, as happened with tj-actions/changed-files in 2025.
    /// A commit SHA cannot be moved.
    ///
    /// ## How to fix
    /// Replace each tag with the commit it points to and keep the tag as a comment, e.g.
    /// `uses: astral-sh/setup-uv@<sha> # v6`; `pinact`, `ratchet` or Renovate's
    /// `helpers:pinGitHubActionDigests` do it for you and keep the pins up to date.
    CiPinnedActions, "ci.pinned-actions", check
}

/// Why a `uses:` reference is not acceptably pinned, if it is not.
pub fn unpinned(uses: &str) -> Option<&'static str> {
    let u = uses.trim();
    if u.starts_with("./") || u.starts_with("../") {
        return None;
    }
    if let Some(image) = u.strip_prefix("docker://") {
        return (!image.contains("@sha256:")).then_some("a Docker image without a digest");
    }
    let (name, reference) = match u.split_once('@') {
        Some((n, r)) => (n, r),
        None => return Some("no version at all"),
    };
    let owner = name.split('/').next().unwrap_or("").to_ascii_lowercase();
    if owner == "actions" || owner == "github" {
        return None;
    }
    let hex = reference.chars().all(|c| c.is_ascii_hexdigit());
    if hex && (reference.len() == 40 || reference.len() == 64) {
        return None;
    }
    Some(if hex && reference.len() >= 7 {
        "a short commit SHA"
    } else {
        "a tag or branch, which can be moved"
    })
}

fn check(repo: &Repo, ctx: &Context) -> Outcome {
    let ci = ctx.ci();
    if ci.flows.is_empty() && ci.broken.is_empty() {
        return Outcome::skip("no workflows in .github/workflows/");
    }
    let mut refs: Vec<(String, u32, String)> = Vec::new();
    for flow in &ci.flows {
        for (_, job) in &flow.wf.jobs {
            if let Some(u) = &job.value.uses {
                refs.push((
                    flow.path.to_string(),
                    workflow::line(&u.referenced),
                    u.value.clone(),
                ));
            }
            for (u, line) in job.value.step_uses() {
                refs.push((flow.path.to_string(), line, u.to_string()));
            }
        }
    }
    for file in repo
        .root_glob(".github/**/action.{yml,yaml}")
        .chain(repo.root_glob("action.{yml,yaml}"))
    {
        let Some(steps) = file.text().and_then(ci::composite_steps) else {
            continue;
        };
        for s in steps {
            if let Some(u) = &s.value.uses {
                refs.push((
                    file.path.clone(),
                    workflow::line(&u.referenced),
                    u.value.clone(),
                ));
            }
        }
    }
    let bad: Vec<(&String, u32, &String, &str)> = refs
        .iter()
        .filter_map(|(p, l, u)| unpinned(u).map(|why| (p, *l, u, why)))
        .collect();
    if bad.is_empty() {
        let third = refs
            .iter()
            .filter(|(_, _, u)| {
                let owner = u.split('/').next().unwrap_or("").to_ascii_lowercase();
                !u.starts_with("./") && owner != "actions" && owner != "github"
            })
            .count();
        let mut files: Vec<&String> = refs.iter().map(|(p, _, _)| p).collect();
        files.dedup();
        let outcome = Outcome::pass(format!(
            "all {} `uses:` reference(s) are pinned or trusted ({third} third-party, each on a full commit SHA)",
            refs.len()
        ))
        .at_all(files.into_iter().map(|p| Location {
            path: p.clone(),
            line: None,
        }));
        return ci.unless_broken_skip(outcome);
    }
    let shown: Vec<String> = bad
        .iter()
        .take(5)
        .map(|(p, l, u, why)| format!("{p}:{l} `{u}` ({why})"))
        .collect();
    let more = if bad.len() > 5 {
        format!(" and {} more", bad.len() - 5)
    } else {
        String::new()
    };
    Outcome::fail(format!(
        "{} third-party action(s) not pinned to a commit SHA: {}{more}; pin each to its full SHA with the tag as a comment (`@<sha> # v4`), e.g. with pinact",
        bad.len(),
        shown.join(", ")
    ))
    .at_all(bad.iter().map(|(p, l, _, _)| Location { path: (*p).clone(), line: Some(*l).filter(|l| *l > 0) }))
}

#[cfg(test)]
mod tests {
    use super::unpinned;

    #[test]
    fn only_full_shas_pin_third_party_actions() {
        assert_eq!(unpinned("actions/checkout@v4"), None);
        assert_eq!(unpinned("github/codeql-action/init@v3"), None);
        assert_eq!(unpinned("./.github/actions/setup"), None);
        assert_eq!(unpinned("docker://alpine@sha256:0123"), None);
        assert_eq!(
            unpinned("astral-sh/setup-uv@e92bafb6253dcd438e0484186d7669ea7a8ca1cc"),
            None
        );
        assert!(unpinned("astral-sh/setup-uv@v6").is_some());
        assert!(unpinned("astral-sh/setup-uv@e92bafb").is_some());
        assert!(unpinned("org/repo/.github/workflows/deploy.yml@main").is_some());
        assert!(unpinned("docker://alpine:3.20").is_some());
    }
}
