//! The GitHub token: where it comes from, and a type that keeps it out of every output.
//!
//! A token is looked up in `GITHUB_TOKEN`, then `GH_TOKEN` (the variables GitHub Actions and the
//! `gh` CLI use), then asked of `gh auth token` when `gh` is installed. [`Token`] has no
//! `Display`, and its `Debug` prints `Token(<redacted>)`, so no error message, log line or
//! `{:?}` can ever carry the secret; the only way to read it is [`Token::expose`], which is
//! crate-private and used where the HTTP header and `git push` are built.

use std::fmt;
use std::process::{Command, Stdio};

/// A GitHub token. Never printed: see the module documentation.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Wraps a token; surrounding whitespace (a trailing newline from a file or `gh`) is removed.
    pub fn new(secret: impl Into<String>) -> Self {
        Token(secret.into().trim().to_string())
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// Where the token was found, so an error can say which one GitHub rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSource {
    GithubToken,
    GhToken,
    GhCli,
    /// Given directly by the caller (tests, or a library user).
    Explicit,
}

impl fmt::Display for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TokenSource::GithubToken => "GITHUB_TOKEN",
            TokenSource::GhToken => "GH_TOKEN",
            TokenSource::GhCli => "`gh auth token`",
            TokenSource::Explicit => "the given token",
        })
    }
}

/// No token could be found.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "no GitHub token: set GITHUB_TOKEN or GH_TOKEN, or log in with `gh auth login`{}",
    gh_note.as_deref().map(|n| format!(" ({n})")).unwrap_or_default()
)]
pub struct NoToken {
    /// Why `gh` did not help (not installed, not logged in), when that is known.
    pub gh_note: Option<String>,
}

/// Finds a token: `GITHUB_TOKEN`, then `GH_TOKEN`, then `gh auth token`. Empty values count as
/// unset. `gh`'s output is never included in an error.
pub fn discover() -> Result<(Token, TokenSource), NoToken> {
    for (var, source) in [
        ("GITHUB_TOKEN", TokenSource::GithubToken),
        ("GH_TOKEN", TokenSource::GhToken),
    ] {
        if let Ok(value) = std::env::var(var)
            && !value.trim().is_empty()
        {
            return Ok((Token::new(value), source));
        }
    }
    let host = std::env::var("GITHUB_API_URL")
        .ok()
        .and_then(|u| enterprise_host(&u));
    let mut gh = Command::new("gh");
    gh.args(["auth", "token"]);
    if let Some(host) = &host {
        gh.args(["--hostname", host]);
    }
    match gh
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .stdout(Stdio::piped())
        .output()
    {
        Err(_) => Err(NoToken {
            gh_note: Some("`gh` is not installed".into()),
        }),
        Ok(out) if out.status.success() => {
            let token = String::from_utf8_lossy(&out.stdout).trim().to_string();
            if token.is_empty() {
                Err(NoToken {
                    gh_note: Some("`gh auth token` printed nothing".into()),
                })
            } else {
                Ok((Token::new(token), TokenSource::GhCli))
            }
        }
        Ok(_) => Err(NoToken {
            gh_note: Some("`gh` is not logged in".into()),
        }),
    }
}

/// The host to ask `gh` about when the API is a GitHub Enterprise Server (`https://HOST/api/v3`).
fn enterprise_host(api_url: &str) -> Option<String> {
    let rest = api_url.split_once("://")?.1;
    let host = rest.split('/').next()?;
    (host != "api.github.com" && !host.is_empty()).then(|| host.to_string())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let token = Token::new("ghp_supersecret\n");
        assert_eq!(format!("{token:?}"), "Token(<redacted>)");
        assert_eq!(token.expose(), "ghp_supersecret");
    }

    #[test]
    fn enterprise_hosts_are_passed_to_gh_but_github_com_is_not() {
        assert_eq!(
            enterprise_host("https://ghe.example.com/api/v3").as_deref(),
            Some("ghe.example.com")
        );
        assert_eq!(enterprise_host("https://api.github.com"), None);
    }
}
