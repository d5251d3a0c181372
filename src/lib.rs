//! new-service: scaffold production-shaped backend services, and audit repositories against
//! the backend A-to-Z checklist.
//!
//! The crate map, in the direction data flows (CLI → feature → result; nothing here prints):
//! - [`template`]: template manifests, answers to placeholders, rendering a file tree;
//! - [`init`]: `new-service init` — stage the rendered tree, commit it, move it into place;
//! - [`add`]: `new-service add service` — one more service in a monorepo made by `init`;
//! - [`write`]: writing a plan into an existing folder, all or nothing;
//! - [`git`]: the few git operations we need, through the user's own `git`;
//! - [`github`]: the GitHub client, branch protection, Actions secrets, `init --github`, and
//!   the remote audit checks;
//! - [`migrations`]: lint migrations for zero-downtime safety and scaffold expand → migrate →
//!   contract (the engine behind `migrations lint`, `migrations plan` and `db.migrations-safe`);
//! - [`repo`]: a repository read once (files, stack, database, workflows);
//! - [`audit`]: the checklist, the checks and the audit run; [`report`]: its output formats;
//! - [`rx`]: the regexes that read code, compiled with ASCII classes (fast to build).
//!
//! The binary (`src/main.rs`, `src/cli.rs`) owns the terminal: prompts, output and exit codes.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod add;
pub mod audit;
pub mod git;
pub mod github;
pub mod init;
pub mod migrations;
pub mod repo;
pub mod report;
pub mod rx;
pub mod template;
pub mod write;
