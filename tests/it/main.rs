//! Integration tests: one binary, one module per feature. They drive the real `new-service`
//! binary in temporary directories.

mod common;
mod init_cli;
mod migrations_alembic;
mod migrations_lint;
mod migrations_plan;
mod pg;
