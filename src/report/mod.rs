//! Audit output formats, one module each. Every format is a function
//! `render(w, report) -> io::Result<()>` writing into any `io::Write`, so each is tested by
//! rendering into a `Vec<u8>`. Formats never decide exit codes or colours: the text format
//! writes ANSI styles and the binary strips them when the output is not a colour terminal.

pub mod github;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod text;

use std::io;

use crate::audit::Report;

/// The output formats `audit --format` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Junit,
    Markdown,
    Github,
}

impl Format {
    pub const NAMES: &[&str] = &["text", "json", "sarif", "junit", "markdown", "github"];

    pub fn parse(name: &str) -> Option<Format> {
        Some(match name {
            "text" => Format::Text,
            "json" => Format::Json,
            "sarif" => Format::Sarif,
            "junit" => Format::Junit,
            "markdown" | "md" => Format::Markdown,
            "github" => Format::Github,
            _ => return None,
        })
    }
}

/// Renders `report` in `format`.
pub fn render(format: Format, w: &mut dyn io::Write, report: &Report) -> io::Result<()> {
    match format {
        Format::Text => text::render(w, report),
        Format::Json => json::render(w, report),
        Format::Sarif => sarif::render(w, report),
        Format::Junit => junit::render(w, report),
        Format::Markdown => markdown::render(w, report),
        Format::Github => github::render(w, report),
    }
}

/// `path:line` of a location, or the path alone.
pub(crate) fn location_text(l: &crate::audit::Location) -> String {
    match l.line {
        Some(line) => format!("{}:{line}", l.path),
        None => l.path.clone(),
    }
}
