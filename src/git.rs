//! The few git operations new-service needs, run through the user's own `git` so their
//! configuration (identity, hooks, signing) applies exactly as it would by hand.

use std::path::Path;
use std::process::Command;

#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("git is not installed or not on PATH ({0}); pass --no-git to skip the repository")]
    Missing(#[source] std::io::Error),
    #[error("`git {args}` failed: {stderr}")]
    Failed { args: String, stderr: String },
}

fn run(dir: &Path, args: &[&str]) -> Result<String, GitError> {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        // A repository-wide GIT_DIR from the caller's environment would redirect us.
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .map_err(GitError::Missing)?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
    } else {
        Err(GitError::Failed {
            args: args.join(" "),
            stderr: String::from_utf8_lossy(&output.stderr)
                .lines()
                .rfind(|l| !l.trim().is_empty())
                .unwrap_or("no output")
                .to_string(),
        })
    }
}

/// The top of the work tree that contains `dir`, if any.
pub fn enclosing_work_tree(dir: &Path) -> Option<std::path::PathBuf> {
    run(dir, &["rev-parse", "--show-toplevel"])
        .ok()
        .filter(|s| !s.is_empty())
        .map(Into::into)
}

/// `git init -b main`, stage everything, and make the initial commit.
///
/// When the user has no identity configured, the commit is authored as `new-service` rather
/// than failing: a scaffold must work on a fresh CI machine. Returns the commit id.
pub fn init_and_commit(dir: &Path, message: &str) -> Result<String, GitError> {
    run(dir, &["init", "--quiet", "-b", "main"])?;
    run(dir, &["add", "--all"])?;
    let has_identity = run(dir, &["config", "user.email"]).is_ok_and(|e| !e.is_empty())
        && run(dir, &["config", "user.name"]).is_ok_and(|n| !n.is_empty());
    let mut args = Vec::new();
    if !has_identity {
        args.extend([
            "-c",
            "user.name=new-service",
            "-c",
            "user.email=new-service@users.noreply.github.com",
        ]);
    }
    args.extend(["commit", "--quiet", "--no-verify", "-m", message]);
    run(dir, &args)?;
    run(dir, &["rev-parse", "--short", "HEAD"])
}

/// Whether the work tree at `dir` has no uncommitted changes (untracked files included).
pub fn is_clean(dir: &Path) -> Result<bool, GitError> {
    Ok(run(dir, &["status", "--porcelain", "--untracked-files=normal"])?.is_empty())
}

/// The paths (from the top of the work tree) of the files added since `rev`, committed or not:
/// what `audit --since` judges. An unknown revision is an error naming it.
pub fn added_since(dir: &Path, rev: &str) -> Result<std::collections::BTreeSet<String>, GitError> {
    // `--end-of-options` keeps a revision that starts with `-` from being read as an option.
    run(
        dir,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .map_err(|_| GitError::Failed {
        args: format!("rev-parse {rev}"),
        stderr: format!("no commit `{rev}` in this repository"),
    })?;
    let out = run(
        dir,
        &[
            "diff",
            "--name-only",
            "--no-renames",
            "--diff-filter=A",
            "--no-relative",
            rev,
            "--",
        ],
    )?;
    Ok(out.lines().map(str::to_string).collect())
}
