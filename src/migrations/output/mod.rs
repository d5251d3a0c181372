//! One renderer per output format, each writing a [`LintReport`] into any `io::Write`.

pub mod github;
pub mod json;
pub mod sarif;
pub mod text;

use std::io;
use std::str::FromStr;

use crate::migrations::finding::LintReport;

/// The formats of `migrations lint --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For people: one finding per line, its fix below, a summary.
    Text,
    /// `{"schema_version": 1, "findings": [...], "files_checked": N, "not_judged": [...]}`.
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
}

impl Format {
    pub const NAMES: [&'static str; 4] = ["text", "json", "sarif", "github"];

    pub fn render(self, w: &mut impl io::Write, report: &LintReport) -> io::Result<()> {
        match self {
            Format::Text => text::render(w, report),
            Format::Json => json::render(w, report),
            Format::Sarif => sarif::render(w, report),
            Format::Github => github::render(w, report),
        }
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "text" => Ok(Format::Text),
            "json" => Ok(Format::Json),
            "sarif" => Ok(Format::Sarif),
            "github" => Ok(Format::Github),
            other => Err(format!(
                "unknown format `{other}` (expected one of {})",
                Format::NAMES.join(", ")
            )),
        }
    }
}
