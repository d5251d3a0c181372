//! `new-service init --github OWNER/REPO`: create the repository (for the user or an
//! organisation), push the initial commit, then [`protect`](super::protect) it.
//!
//! The push goes through the user's own `git`. For an http(s) remote the token is handed to git
//! as an `http.<url>.extraheader` through `GIT_CONFIG_*` environment variables: never on a
//! command line (visible in `ps`), never in a URL (git echoes URLs in errors), never in a file.

use std::path::Path;
use std::process::Command;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use http::Method;
use serde_json::{Value, json};

use super::client::{ApiError, Client, Op};
use super::protect::{self, ProtectError, ProtectOptions, ProtectReport};
use super::remote::RepoName;

#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(
        "{0} already exists on GitHub; pick another name, or protect it with `new-service github protect {0}`"
    )]
    Exists(RepoName),
    #[error("GitHub created {repo} but its answer has no {field}")]
    Missing { repo: RepoName, field: &'static str },
    #[error("cannot push the initial commit to {repo}: {message}")]
    Push { repo: RepoName, message: String },
    #[error("{repo} was created and pushed, but protecting it failed: {source}")]
    Protect {
        repo: RepoName,
        #[source]
        source: Box<ProtectError>,
    },
}

/// The repository as GitHub created it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedRepo {
    pub html_url: String,
    pub clone_url: String,
    pub private: bool,
}

/// Everything `init --github` did on GitHub.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishReport {
    pub created: CreatedRepo,
    pub branch: String,
    pub protect: ProtectReport,
}

/// Fails early, before `init` writes anything, when `repo` exists already (or the token is not
/// usable at all: a 401 surfaces here).
pub fn ensure_absent(client: &Client, repo: &RepoName) -> Result<(), CreateError> {
    let op = Op::get(repo.api_path(), format!("look up {repo}"), "Metadata: read");
    let reply = client.send_raw(&op)?;
    match reply.status {
        404 => Ok(()),
        200..=299 => Err(CreateError::Exists(repo.clone())),
        _ => Err(op.error(&reply).into()),
    }
}

/// Creates `repo`, empty (the first push brings the history), for the token's user when the
/// owner is that user, otherwise in the organisation of that name.
pub fn create_repo(
    client: &Client,
    repo: &RepoName,
    private: bool,
    description: Option<&str>,
) -> Result<CreatedRepo, CreateError> {
    let me = client.send(&Op::get(
        "/user".into(),
        "read the token's user",
        "a user token (fine-grained tokens: any)",
    ))?;
    let login = me.get("login").and_then(Value::as_str).unwrap_or_default();
    let path = if login.eq_ignore_ascii_case(&repo.owner) {
        "/user/repos".to_string()
    } else {
        format!("/orgs/{}/repos", repo.owner)
    };
    let mut body = json!({
        "name": repo.name,
        "private": private,
        "auto_init": false,
        "has_issues": true,
        "has_wiki": false,
        "delete_branch_on_merge": true,
    });
    if let Some(d) = description {
        body["description"] = json!(d);
    }
    let op = Op::write(
        Method::POST,
        path,
        Some(&body),
        format!("create {repo}"),
        "Administration: read and write",
    );
    let reply = client.send_raw(&op)?;
    if !reply.ok() {
        let e = op.error(&reply);
        return Err(match (&e, reply.message().contains("already exists")) {
            (ApiError::Invalid { .. }, true) => CreateError::Exists(repo.clone()),
            _ => e.into(),
        });
    }
    let field = |name: &'static str| {
        reply
            .body
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or(CreateError::Missing {
                repo: repo.clone(),
                field: name,
            })
    };
    Ok(CreatedRepo {
        html_url: field("html_url")?,
        clone_url: field("clone_url")?,
        private: reply
            .body
            .get("private")
            .and_then(Value::as_bool)
            .unwrap_or(private),
    })
}

/// Adds `origin` (`clone_url`) to the repository at `dir` and pushes `branch` to it, with the
/// client's token for http(s) remotes (see the module documentation).
pub fn push(
    client: &Client,
    dir: &Path,
    repo: &RepoName,
    clone_url: &str,
    branch: &str,
) -> Result<(), CreateError> {
    let failed = |message: String| CreateError::Push {
        repo: repo.clone(),
        message,
    };
    let git = |args: &[&str], with_token: bool| -> Result<(), CreateError> {
        let mut cmd = Command::new("git");
        cmd.args(args)
            .current_dir(dir)
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            // Nothing that would print request headers.
            .env_remove("GIT_TRACE")
            .env_remove("GIT_TRACE_CURL")
            .env_remove("GIT_CURL_VERBOSE")
            .env("GIT_TERMINAL_PROMPT", "0");
        if with_token && let Some(origin) = http_origin(clone_url) {
            let basic = BASE64.encode(format!("x-access-token:{}", client.token().expose()));
            cmd.env("GIT_CONFIG_COUNT", "1")
                .env("GIT_CONFIG_KEY_0", format!("http.{origin}/.extraheader"))
                .env(
                    "GIT_CONFIG_VALUE_0",
                    format!("AUTHORIZATION: basic {basic}"),
                );
        }
        let out = cmd
            .output()
            .map_err(|e| failed(format!("cannot run git: {e}")))?;
        if out.status.success() {
            Ok(())
        } else {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let last = stderr
                .lines()
                .rfind(|l| !l.trim().is_empty())
                .unwrap_or("no output");
            Err(failed(format!("`git {}` failed: {last}", args.join(" "))))
        }
    };
    let has_origin = Command::new("git")
        .args(["remote", "get-url", "origin"])
        .current_dir(dir)
        .output()
        .is_ok_and(|o| o.status.success());
    if has_origin {
        git(&["remote", "set-url", "origin", clone_url], false)?;
    } else {
        git(&["remote", "add", "origin", clone_url], false)?;
    }
    git(
        &[
            "push",
            "--quiet",
            "--set-upstream",
            "origin",
            &format!("HEAD:refs/heads/{branch}"),
        ],
        true,
    )?;
    // `--set-upstream` with a refspec does not set tracking for HEAD's branch: do it by name.
    let _ = git(
        &[
            "branch",
            "--quiet",
            "--set-upstream-to",
            &format!("origin/{branch}"),
        ],
        false,
    );
    Ok(())
}

/// `scheme://host[:port]` of an http(s) URL (credentials stripped), for the extraheader key.
fn http_origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if !matches!(scheme, "http" | "https") {
        return None;
    }
    let authority = rest.split('/').next()?;
    let host = authority.rsplit('@').next()?;
    Some(format!("{scheme}://{host}"))
}

/// Creates `repo`, pushes the commit of `dir` to it as `branch`, and applies `protect` with the
/// workflows of `dir`.
pub fn publish(
    client: &Client,
    dir: &Path,
    repo: &RepoName,
    private: bool,
    branch: &str,
    description: Option<&str>,
) -> Result<PublishReport, CreateError> {
    let created = create_repo(client, repo, private, description)?;
    push(client, dir, repo, &created.clone_url, branch)?;
    let opts = ProtectOptions {
        branch: Some(branch.to_string()),
        workflows_root: dir.to_path_buf(),
        ..ProtectOptions::default()
    };
    let protect = protect::protect(client, repo, &opts).map_err(|source| CreateError::Protect {
        repo: repo.clone(),
        source: Box::new(source),
    })?;
    Ok(PublishReport {
        created,
        branch: branch.to_string(),
        protect,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn the_extraheader_is_scoped_to_the_remote_origin() {
        assert_eq!(
            http_origin("https://user:pw@github.com/acme/api.git").as_deref(),
            Some("https://github.com")
        );
        assert_eq!(
            http_origin("http://127.0.0.1:8080/x.git").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(http_origin("file:///tmp/x.git"), None);
        assert_eq!(http_origin("git@github.com:a/b.git"), None);
    }
}
