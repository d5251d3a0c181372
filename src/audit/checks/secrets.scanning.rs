//! `secrets.scanning`.

use crate::audit::ci::commands::{Frame, Walker};
use crate::audit::ci::{Kind, tasks};
use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when a secret scanner (gitleaks, trufflehog, detect-secrets, ggshield,
    /// git-secrets, Talisman, secretlint, Nosey Parker) runs
    /// - in a CI job: a `run:` step (also through Makefiles, scripts, `pre-commit run`), a
    ///   container image of the scanner, or its action (gitleaks-action, trufflehog,
    ///   ggshield-action, reviewdog's detect-secrets);
    /// - or in a git hook configured at the repository root: a `.pre-commit-config.yaml` hook
    ///   (by hook id, hook repository or local `entry`), a lefthook command, a husky hook
    ///   script (following lint-staged), `simple-git-hooks` in package.json or a `.githooks/`
    ///   script.
    ///
    /// A scanner's configuration file alone (`.gitleaks.toml`) runs nothing and does not count;
    /// neither does pre-commit's `detect-private-key`, which finds key files only.
    ///
    /// ## Why
    /// A secret pushed once is in the history for good and must be rotated; a scanner in a
    /// hook stops it before the commit, and one in CI catches what skipped the hook.
    ///
    /// ## How to fix
    /// Add gitleaks to `.pre-commit-config.yaml` (`repo: https://github.com/gitleaks/gitleaks`,
    /// hook `gitleaks`) and to CI (`gitleaks/gitleaks-action`, or `pre-commit run --all-files`).
    SecretsScanning, "secrets.scanning", check
}

fn check(repo: &Repo, ctx: &Context) -> Outcome {
    let ci = ctx.ci();
    if let Some((_, job, f)) = ci.facts(Kind::Secrets).first() {
        return Outcome::pass(format!(
            "{} scans for secrets in CI (job `{}`): {}",
            f.at(),
            job.id,
            f.describe()
        ))
        .at(&f.path, f.line);
    }
    if let Some((path, line, what)) = hook_scanner(repo) {
        return Outcome::pass(format!(
            "{path}:{line} scans for secrets before each commit: {what}"
        ))
        .at(&path, line);
    }
    let config = [
        ".gitleaks.toml",
        ".secrets.baseline",
        ".talismanrc",
        ".gitguardian.yaml",
        ".secretlintrc.json",
    ]
    .iter()
    .find(|p| repo.file(p).is_some());
    let hint = match config {
        Some(c) => format!(" ({c} exists, but nothing runs the scanner)"),
        None => String::new(),
    };
    ci.unless_broken(Outcome::fail(format!(
        "no secret scanner runs in CI or in a git hook{hint}; add gitleaks to .pre-commit-config.yaml (repo https://github.com/gitleaks/gitleaks, hook `gitleaks`) and to CI (gitleaks/gitleaks-action)"
    )))
}

/// A secret scanner in a git hook configured at the repository root: (path, line, what).
fn hook_scanner(repo: &Repo) -> Option<(String, u32, String)> {
    let root = Frame::at(Some(String::new()));
    let scan = |text: &str, hooks: bool| -> Option<String> {
        let mut w = Walker::new(repo);
        let mut f = root.clone();
        f.hooks = hooks;
        w.script(text, &f);
        w.out
            .into_iter()
            .find(|x| x.kind == Kind::Secrets)
            .map(|x| x.what)
    };
    // pre-commit.
    for name in [".pre-commit-config.yaml", ".pre-commit-config.yml"] {
        if repo.file(name).is_some() {
            let mut w = Walker::new(repo);
            w.precommit_config(Some(name), None, &root);
            if let Some(found) = w.out.into_iter().find(|x| x.kind == Kind::Secrets) {
                let text = repo.text(name).unwrap_or("");
                let hook = found.via.last().cloned().unwrap_or_default();
                let line = hook
                    .rsplit(':')
                    .next()
                    .and_then(|l| l.trim_end_matches(')').parse().ok())
                    .unwrap_or_else(|| tasks::line_of(text, "repos:").unwrap_or(0));
                return Some((name.to_string(), line, found.what));
            }
        }
    }
    // lefthook.
    for name in [
        "lefthook.yml",
        "lefthook.yaml",
        ".lefthook.yml",
        ".lefthook.yaml",
        "lefthook-local.yml",
    ] {
        let Some(text) = repo.text(name) else {
            continue;
        };
        for (_, line, run) in tasks::lefthook_runs(text) {
            if let Some(what) = scan(&run, true) {
                return Some((name.to_string(), line, what));
            }
        }
    }
    // husky, .githooks and simple-git-hooks.
    for file in repo.files() {
        let p = file.path.as_str();
        let hook_dir = p.starts_with(".husky/") && !p.starts_with(".husky/_/")
            || p.starts_with(".githooks/")
            || p.starts_with(".git-hooks/");
        if !hook_dir {
            continue;
        }
        if let Some(text) = file.text()
            && let Some(what) = scan(text, true)
        {
            return Some((p.to_string(), 1, what));
        }
    }
    if let Some(text) = repo.text("package.json")
        && let Ok(v) = serde_json::from_str::<serde_json::Value>(text)
    {
        for key in ["simple-git-hooks", "husky"] {
            let hooks = match key {
                "husky" => v.get("husky").and_then(|h| h.get("hooks")),
                _ => v.get(key),
            };
            if let Some(serde_json::Value::Object(m)) = hooks {
                for cmd in m.values().filter_map(|c| c.as_str()) {
                    if let Some(what) = scan(cmd, true) {
                        return Some((
                            "package.json".into(),
                            tasks::line_of(text, key).unwrap_or(0),
                            what,
                        ));
                    }
                }
            }
        }
    }
    None
}
