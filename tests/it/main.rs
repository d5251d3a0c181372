//! Integration tests: one binary, one module per feature. They drive the real `new-service`
//! binary in temporary directories.

mod audit_cli;
mod checks;
mod common;
mod init_cli;
mod init_fastapi;
