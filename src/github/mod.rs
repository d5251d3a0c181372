//! GitHub: the client new-service talks to GitHub with, the protection policy it applies, the
//! Actions secrets it uploads, the repository `init --github` creates, and the remote checks of
//! the audit (checklist section 9).
//!
//! - [`client`]: octocrab behind a blocking [`Client`]; token and API URL from the environment;
//!   HTTP statuses become one-line [`ApiError`]s; secondary rate limits are waited out;
//! - [`token`]: where the token comes from, and the type that keeps it out of every output;
//! - [`remote`]: `OWNER/REPO`, and reading it from a git remote URL;
//! - [`workflows`]: the status check names the repository's workflows produce;
//! - [`policy`]: the branch policy, as a ruleset or classic protection, and its diff;
//! - [`protect`]: applying the policy and the security features, idempotently;
//! - [`secrets`]: dotenv parsing, sealed-box encryption, upload;
//! - [`create`]: creating the repository, pushing the first commit, protecting it;
//! - [`audit`]: `vcs.remote`, `repo.branch-protection`, `repo.required-checks`,
//!   `repo.secret-scanning`.

pub mod audit;
pub mod client;
pub mod create;
pub mod policy;
pub mod protect;
pub mod remote;
pub mod secrets;
pub mod token;
pub mod workflows;

pub use client::{ApiError, Client, ClientError, RateLimitWait, RetryPolicy};
pub use remote::{Remote, RepoName};
pub use token::{Token, TokenSource};
