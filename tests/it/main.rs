//! Integration tests: one binary, one module per feature. They drive the real `new-service`
//! binary in temporary directories; the GitHub tests point it at an in-process fake GitHub.

// The fake GitHub builds large JSON objects with `json!`.
#![recursion_limit = "256"]
// Tests state their expectations with unwrap/expect: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod audit_cli;
mod checks;
mod common;
#[path = "../fake_github/mod.rs"]
mod fake_github;
mod github_errors;
mod github_fake;
mod github_helpers;
mod github_init;
mod github_protect;
mod github_secrets;
mod init_cli;
mod init_fastapi;
mod init_monorepo;
mod migrations_alembic;
mod migrations_lint;
mod migrations_plan;
mod pg;
mod templates;
