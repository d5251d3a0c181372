//! The GitHub REST client: octocrab underneath, a blocking face on top, and one place where
//! HTTP statuses become one-line errors.
//!
//! Why blocking: the rest of new-service is synchronous and talks to GitHub a handful of times
//! per command, so the client owns a small current-thread tokio runtime and waits on each call.
//! Why raw requests (`_get`, `_put`, …) rather than octocrab's typed models: rulesets and the
//! security settings are newer than its models, and the raw response keeps the headers we need
//! for rate limits and missing permissions.
//!
//! Secondary rate limits are waited out here (bounded retries, [`RetryPolicy`]); the wait is
//! announced through a callback, because the library never prints.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, Method};
use octocrab::Octocrab;
use serde_json::Value;

use super::token::{self, NoToken, Token, TokenSource};

/// The public GitHub API, used when `GITHUB_API_URL` is unset.
pub const DEFAULT_API_URL: &str = "https://api.github.com";

/// Why no client could be made.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ClientError {
    #[error(transparent)]
    NoToken(#[from] NoToken),
    #[error("GITHUB_API_URL is not an http(s) URL: {0:?}")]
    BadUrl(String),
    #[error("cannot start the HTTP client: {0}")]
    Setup(String),
}

/// A failed GitHub call, explained in one line.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    #[error(
        "GitHub rejected the token from {source_name} (401 {message}): it is wrong, expired or revoked; set a valid one or run `gh auth login`"
    )]
    Unauthorized {
        source_name: TokenSource,
        message: String,
    },
    #[error("cannot {action} (403 {message}): {hint}")]
    Forbidden {
        action: String,
        message: String,
        hint: String,
    },
    #[error("cannot {action}: not found, or the token cannot see it (404 {message})")]
    NotFound { action: String, message: String },
    #[error("cannot {action}: GitHub refused it (422 {message})")]
    Invalid { action: String, message: String },
    #[error(
        "cannot {action}: GitHub's secondary rate limit was still in force after {retries} waits; try again in a few minutes"
    )]
    SecondaryRateLimit { action: String, retries: u32 },
    #[error(
        "cannot {action}: GitHub's secondary rate limit asks for a {seconds} s pause; try again later"
    )]
    SecondaryRateLimitTooLong { action: String, seconds: u64 },
    #[error("cannot {action}: the API rate limit is used up{reset}; try again then")]
    RateLimited { action: String, reset: String },
    #[error("cannot {action}: GitHub answered {status} ({message})")]
    Status {
        action: String,
        status: u16,
        message: String,
    },
    #[error("cannot reach GitHub at {api_url} to {action}: {message}")]
    Transport {
        api_url: String,
        action: String,
        message: String,
    },
    #[error("cannot {action}: unexpected answer from GitHub: {message}")]
    Unexpected { action: String, message: String },
}

impl ApiError {
    /// The HTTP status behind the error, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Unauthorized { .. } => Some(401),
            ApiError::Forbidden { .. } => Some(403),
            ApiError::NotFound { .. } => Some(404),
            ApiError::Invalid { .. } => Some(422),
            ApiError::SecondaryRateLimit { .. }
            | ApiError::SecondaryRateLimitTooLong { .. }
            | ApiError::RateLimited { .. } => Some(429),
            ApiError::Status { status, .. } => Some(*status),
            ApiError::Transport { .. } | ApiError::Unexpected { .. } => None,
        }
    }
}

/// How long and how often to wait out a secondary rate limit before giving up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Waits before the call fails.
    pub max_retries: u32,
    /// A longer pause than this is not waited for: the call fails at once and says so.
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            max_wait: Duration::from_secs(120),
        }
    }
}

/// Announced before each wait for a secondary rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitWait {
    pub wait: Duration,
    /// 1-based number of this retry.
    pub retry: u32,
    pub max_retries: u32,
}

type WaitHook = Box<dyn Fn(&RateLimitWait) + Send + Sync>;

/// A GitHub REST client. Cheap to keep for a whole command; not meant to be shared across
/// threads (it owns a current-thread runtime).
pub struct Client {
    octo: Octocrab,
    runtime: tokio::runtime::Runtime,
    api_url: String,
    token: Token,
    token_source: TokenSource,
    retry: RetryPolicy,
    on_wait: Option<WaitHook>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("api_url", &self.api_url)
            .field("token", &self.token)
            .field("token_source", &self.token_source)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// One request, with what it is for (used in error messages) and the fine-grained token
/// permission it needs (named when GitHub answers 403).
#[derive(Debug, Clone)]
pub(crate) struct Op<'a> {
    pub method: Method,
    pub path: String,
    pub body: Option<&'a Value>,
    pub action: String,
    pub needs: &'static str,
}

impl<'a> Op<'a> {
    pub fn get(path: String, action: impl Into<String>, needs: &'static str) -> Self {
        Op {
            method: Method::GET,
            path,
            body: None,
            action: action.into(),
            needs,
        }
    }

    pub fn write(
        method: Method,
        path: String,
        body: Option<&'a Value>,
        action: impl Into<String>,
        needs: &'static str,
    ) -> Self {
        Op {
            method,
            path,
            body,
            action: action.into(),
            needs,
        }
    }

    /// The error for a reply with a status the caller does not handle itself.
    pub fn error(&self, reply: &Reply) -> ApiError {
        let action = self.action.clone();
        let message = reply.message();
        match reply.status {
            403 => {
                let lower = message.to_lowercase();
                let hint = if [
                    "upgrade",
                    "plan",
                    "advanced security",
                    "not available",
                    "purchase",
                ]
                .iter()
                .any(|w| lower.contains(w))
                {
                    "not available on this repository's plan".to_string()
                } else if let Some(p) = &reply.accepted_permissions {
                    format!("the token lacks a permission; it needs {p}")
                } else {
                    format!(
                        "the token lacks a permission; it needs {} (admin rights on the repository)",
                        self.needs
                    )
                };
                ApiError::Forbidden {
                    action,
                    message,
                    hint,
                }
            }
            404 => ApiError::NotFound { action, message },
            422 => ApiError::Invalid { action, message },
            status => ApiError::Status {
                action,
                status,
                message,
            },
        }
    }
}

/// A reply with any status; the body is `Null` when empty.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub status: u16,
    pub body: Value,
    accepted_permissions: Option<String>,
}

impl Reply {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// GitHub's `message`, followed by the details of its `errors` list, on one line.
    pub fn message(&self) -> String {
        let mut text = self
            .body
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("no message")
            .to_string();
        if let Some(errors) = self.body.get("errors").and_then(Value::as_array) {
            let details: Vec<String> = errors
                .iter()
                .filter_map(|e| match e {
                    Value::String(s) => Some(s.clone()),
                    Value::Object(o) => o
                        .get("message")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                        .or_else(|| {
                            let field = o.get("field").and_then(Value::as_str)?;
                            let code = o.get("code").and_then(Value::as_str).unwrap_or("invalid");
                            Some(format!("{field} {code}"))
                        }),
                    _ => None,
                })
                .collect();
            if !details.is_empty() {
                text = format!("{text}: {}", details.join("; "));
            }
        }
        one_line(&text)
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Client {
    /// A client from the environment: the token from `GITHUB_TOKEN`, `GH_TOKEN` or `gh auth
    /// token`; the API from `GITHUB_API_URL` (default `https://api.github.com`).
    pub fn from_env() -> Result<Client, ClientError> {
        let (token, source) = token::discover()?;
        let api_url = std::env::var("GITHUB_API_URL")
            .ok()
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_API_URL.to_string());
        Client::new(&api_url, token, source)
    }

    /// A client for `api_url` (such as `https://github.example.com/api/v3`) with `token`.
    pub fn new(api_url: &str, token: Token, source: TokenSource) -> Result<Client, ClientError> {
        let api_url = api_url.trim().trim_end_matches('/').to_string();
        if !(api_url.starts_with("https://") || api_url.starts_with("http://")) {
            return Err(ClientError::BadUrl(api_url));
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| ClientError::Setup(e.to_string()))?;
        let octo = {
            let _entered = runtime.enter();
            Octocrab::builder()
                .base_uri(api_url.as_str())
                .map_err(|_| ClientError::BadUrl(api_url.clone()))?
                .personal_token(token.expose().to_string())
                .add_header(
                    http::header::ACCEPT,
                    "application/vnd.github+json".to_string(),
                )
                .add_header(
                    http::HeaderName::from_static("x-github-api-version"),
                    "2022-11-28".to_string(),
                )
                .set_connect_timeout(Some(Duration::from_secs(15)))
                .set_read_timeout(Some(Duration::from_secs(60)))
                .build()
                .map_err(|e| ClientError::Setup(one_line(&e.to_string())))?
        };
        Ok(Client {
            octo,
            runtime,
            api_url,
            token,
            token_source: source,
            retry: RetryPolicy::default(),
            on_wait: None,
        })
    }

    /// Changes how secondary rate limits are waited out.
    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Called before each wait for a secondary rate limit (the binary says so on stderr).
    pub fn on_rate_limit_wait(
        mut self,
        hook: impl Fn(&RateLimitWait) + Send + Sync + 'static,
    ) -> Self {
        self.on_wait = Some(Box::new(hook));
        self
    }

    /// The API base URL, without a trailing slash.
    pub fn api_url(&self) -> &str {
        &self.api_url
    }

    pub(crate) fn token(&self) -> &Token {
        &self.token
    }

    /// Sends `op` and expects a 2xx answer; any other status becomes an [`ApiError`].
    pub(crate) fn send(&self, op: &Op<'_>) -> Result<Value, ApiError> {
        let reply = self.send_raw(op)?;
        if reply.ok() {
            Ok(reply.body)
        } else {
            Err(op.error(&reply))
        }
    }

    /// Sends `op` and returns the reply whatever its status, except for the answers no caller
    /// can handle: a rejected token, a rate limit (a secondary one is first waited out), and a
    /// connection failure.
    pub(crate) fn send_raw(&self, op: &Op<'_>) -> Result<Reply, ApiError> {
        let mut retry = 0;
        loop {
            let (reply, headers) = self.send_once(op)?;
            if reply.status == 401 {
                return Err(ApiError::Unauthorized {
                    source_name: self.token_source,
                    message: reply.message(),
                });
            }
            if reply.status == 403 || reply.status == 429 {
                match rate_limit(&reply, &headers) {
                    Some(Limit::Secondary(wait)) => {
                        if wait > self.retry.max_wait {
                            return Err(ApiError::SecondaryRateLimitTooLong {
                                action: op.action.clone(),
                                seconds: wait.as_secs(),
                            });
                        }
                        if retry >= self.retry.max_retries {
                            return Err(ApiError::SecondaryRateLimit {
                                action: op.action.clone(),
                                retries: retry,
                            });
                        }
                        retry += 1;
                        if let Some(hook) = &self.on_wait {
                            hook(&RateLimitWait {
                                wait,
                                retry,
                                max_retries: self.retry.max_retries,
                            });
                        }
                        std::thread::sleep(wait);
                        continue;
                    }
                    Some(Limit::Primary(reset)) => {
                        return Err(ApiError::RateLimited {
                            action: op.action.clone(),
                            reset,
                        });
                    }
                    None => {}
                }
            }
            return Ok(reply);
        }
    }

    fn send_once(&self, op: &Op<'_>) -> Result<(Reply, HeaderMap), ApiError> {
        let transport = |e: octocrab::Error| ApiError::Transport {
            api_url: self.api_url.clone(),
            action: op.action.clone(),
            message: one_line(&error_chain(&e)),
        };
        let octo = &self.octo;
        let path = op.path.as_str();
        let body = op.body;
        self.runtime.block_on(async {
            let response = match op.method {
                Method::GET => octo._get(path).await,
                Method::POST => octo._post(path, body).await,
                Method::PUT => octo._put(path, body).await,
                Method::PATCH => octo._patch(path, body).await,
                Method::DELETE => octo._delete(path, body).await,
                _ => {
                    return Err(ApiError::Unexpected {
                        action: op.action.clone(),
                        message: format!("unsupported method {}", op.method),
                    });
                }
            }
            .map_err(transport)?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let text = octo.body_to_string(response).await.map_err(transport)?;
            let body = if text.trim().is_empty() {
                Value::Null
            } else {
                serde_json::from_str(&text).map_err(|e| ApiError::Unexpected {
                    action: op.action.clone(),
                    message: format!("status {status}, body is not JSON ({e})"),
                })?
            };
            let accepted_permissions = headers
                .get("x-accepted-github-permissions")
                .and_then(|v| v.to_str().ok())
                .filter(|v| !v.is_empty())
                .map(str::to_string);
            Ok((
                Reply {
                    status,
                    body,
                    accepted_permissions,
                },
                headers,
            ))
        })
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let next = s.to_string();
        if !text.contains(&next) {
            text = format!("{text}: {next}");
        }
        source = s.source();
    }
    text
}

enum Limit {
    /// Wait this long, then retry.
    Secondary(Duration),
    /// Used up until the given time (already phrased for a message).
    Primary(String),
}

/// Tells a rate limit from a plain 403, per GitHub's documentation: a secondary limit says so
/// in its message and usually sends `retry-after`; the primary limit sends
/// `x-ratelimit-remaining: 0` and the reset time.
fn rate_limit(reply: &Reply, headers: &HeaderMap) -> Option<Limit> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let message = reply.message().to_lowercase();
    let retry_after = header("retry-after").and_then(|v| v.trim().parse::<u64>().ok());
    let reset = header("x-ratelimit-reset").and_then(|v| v.trim().parse::<u64>().ok());
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    if message.contains("secondary rate limit") || (retry_after.is_some() && reply.status == 429) {
        let wait = retry_after
            .or_else(|| reset.map(|r| r.saturating_sub(now)))
            // GitHub: without a hint, wait at least a minute.
            .unwrap_or(60);
        return Some(Limit::Secondary(Duration::from_secs(wait)));
    }
    if header("x-ratelimit-remaining") == Some("0") {
        let reset = reset
            .map(|r| {
                let minutes = r.saturating_sub(now).div_ceil(60);
                format!(" for {minutes} more minute(s)")
            })
            .unwrap_or_default();
        return Some(Limit::Primary(reset));
    }
    None
}

/// Percent-encodes one path segment (a branch such as `release/1.0`, a secret name).
pub(crate) fn seg(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn reply(status: u16, body: Value) -> Reply {
        Reply {
            status,
            body,
            accepted_permissions: None,
        }
    }

    #[test]
    fn validation_errors_are_folded_into_one_line() {
        let r = reply(
            422,
            serde_json::json!({"message": "Validation Failed",
                "errors": [{"resource": "Repository", "code": "custom", "field": "name",
                            "message": "name already exists\non this account"}]}),
        );
        assert_eq!(
            r.message(),
            "Validation Failed: name already exists on this account"
        );
    }

    #[test]
    fn a_plan_refusal_is_told_apart_from_a_missing_permission() {
        let op = Op::get("/x".into(), "read it", "Administration: read");
        let plan = op.error(&reply(
            403,
            serde_json::json!({"message": "Upgrade to GitHub Pro or make this repository public to enable this feature."}),
        ));
        assert!(
            plan.to_string()
                .contains("not available on this repository's plan"),
            "{plan}"
        );
        let perm = op.error(&reply(
            403,
            serde_json::json!({"message": "Resource not accessible by personal access token"}),
        ));
        assert!(
            perm.to_string().contains("needs Administration: read"),
            "{perm}"
        );
    }

    #[test]
    fn a_secondary_limit_waits_for_retry_after() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", "7".parse().unwrap());
        let r = reply(
            403,
            serde_json::json!({"message": "You have exceeded a secondary rate limit."}),
        );
        assert!(
            matches!(rate_limit(&r, &headers), Some(Limit::Secondary(d)) if d == Duration::from_secs(7))
        );
        let plain = reply(403, serde_json::json!({"message": "Forbidden"}));
        assert!(rate_limit(&plain, &HeaderMap::new()).is_none());
    }

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(seg("release/1.0"), "release%2F1.0");
        assert_eq!(seg("API_KEY"), "API_KEY");
    }
}
