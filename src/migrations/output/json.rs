//! The JSON format, a public contract: `schema_version` changes when a field changes meaning.

use std::io;

use serde::Serialize;

use crate::migrations::finding::{Finding, LintReport, NotJudged};

/// Bumped whenever a consumer would have to change.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    findings: &'a [Finding],
    files_checked: usize,
    not_judged: &'a [NotJudged],
}

pub fn render(w: &mut impl io::Write, report: &LintReport) -> io::Result<()> {
    let doc = Document {
        schema_version: SCHEMA_VERSION,
        findings: &report.findings,
        files_checked: report.files_checked,
        not_judged: &report.not_judged,
    };
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    writeln!(w)
}
