//! Templates: the manifest, the answers to its placeholders, and rendering a file tree.
//!
//! The pipeline is manifests (a stack and its layers) → answers → plan → (the `init` module
//! writes it). A plan may hold several instances of templates under output prefixes (a
//! workspace: root files once, one instance per service), checked for conflicts across them.
//! Each step is a pure function of the previous one, so everything that can fail does so
//! before any file is written.

pub mod answers;
pub mod manifest;
pub mod plan;
pub mod render;
pub mod source;
pub mod workspace;

use std::path::PathBuf;

pub use answers::{Answers, Prompter, Supplied, Value};
pub use manifest::{Manifest, Placeholder, PlaceholderKind};
pub use plan::{Plan, PlannedFile};
pub use render::Renderer;
pub use source::{Part, Template, embedded_stacks};

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
        "`{path}` is written by both {first} and {second}; a part that means to replace a file lists it in `replaces`"
    )]
    Conflict {
        path: String,
        first: String,
        second: String,
    },
    #[error("template `{stack}`: {message}")]
    Composition { stack: String, message: String },
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
