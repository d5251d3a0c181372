//! Templates: the manifest, the answers to its placeholders, and rendering a file tree.
//!
//! The pipeline is manifest → answers → plan → (the `init` module writes it). Each step is a
//! pure function of the previous one, so everything that can fail does so before any file is
//! written.

pub mod answers;
pub mod manifest;
pub mod plan;
pub mod render;
pub mod source;

use std::path::PathBuf;

pub use answers::{Answers, Prompter, Supplied, Value};
pub use manifest::{Manifest, Placeholder, PlaceholderKind};
pub use plan::{Plan, PlannedFile};
pub use render::Renderer;
pub use source::{Template, embedded_stacks};

/// Everything that can go wrong between reading a template and holding a plan.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("unknown stack `{stack}` (available: {known})")]
    UnknownStack { stack: String, known: String },
    #[error("{path}: {message}")]
    Manifest { path: String, message: String },
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}:{line}:{column}: {message}")]
    Render {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("template path `{path}` refused: {reason}")]
    UnsafePath { path: String, reason: String },
    #[error(
        "two template files both write `{path}`{}",
        if *shared { " (a stack may not copy a shared process file; remove its copy)" } else { "" }
    )]
    Conflict { path: String, shared: bool },
    #[error("`--set {0}` is not KEY=VALUE")]
    BadAssignment(String),
    #[error("unknown placeholder `{key}` in {origin} (this template has: {known})")]
    UnknownPlaceholder {
        key: String,
        origin: String,
        known: String,
    },
    #[error("invalid value for `{key}` from {origin}: {message}")]
    InvalidAnswer {
        key: String,
        origin: String,
        message: String,
    },
    #[error("no value for `{key}` ({prompt}): pass --set {key}=VALUE")]
    MissingAnswer { key: String, prompt: String },
    #[error("{path}: {message}")]
    AnswersFile { path: String, message: String },
    #[error("prompt failed: {0}")]
    Prompt(#[source] std::io::Error),
}
