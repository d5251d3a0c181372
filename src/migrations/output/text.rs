//! The text format: `path:line: severity[rule]: message`, the fix indented below, a summary.
//! Styled with ANSI codes; the binary's stream strips them when the output is not a terminal.

use std::io;

use anstyle::{AnsiColor, Style};

use crate::migrations::finding::{LintReport, Severity};

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const RED: Style = AnsiColor::Red.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
const GREEN: Style = AnsiColor::Green.on_default().bold();

pub fn render(w: &mut impl io::Write, report: &LintReport) -> io::Result<()> {
    for f in &report.findings {
        let level = match f.severity {
            Severity::Error => RED,
            Severity::Warning => YELLOW,
        };
        writeln!(
            w,
            "{BOLD}{}:{}{BOLD:#}: {level}{}{level:#}[{}]: {}",
            f.path,
            f.line,
            f.severity.as_str(),
            f.rule,
            f.message
        )?;
        writeln!(w, "  {DIM}fix:{DIM:#} {}", f.fix)?;
    }
    let files = plural(report.files_checked, "migration file", "migration files");
    if report.findings.is_empty() {
        writeln!(w, "{GREEN}no unsafe migrations{GREEN:#} in {files} checked")?;
    } else {
        let errors = report
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        let warnings = report.findings.len() - errors;
        writeln!(
            w,
            "\n{BOLD}{}{BOLD:#} ({}, {}) in {files} checked",
            plural(report.findings.len(), "finding", "findings"),
            plural(errors, "error", "errors"),
            plural(warnings, "warning", "warnings"),
        )?;
    }
    if !report.not_judged.is_empty() {
        let mut engines: Vec<&str> = report.not_judged.iter().map(|n| n.engine).collect();
        engines.sort_unstable();
        engines.dedup();
        writeln!(
            w,
            "{DIM}{} written for {} left out: the rules are PostgreSQL's (name a file to lint it anyway){DIM:#}",
            plural(report.not_judged.len(), "SQL migration", "SQL migrations"),
            engines.join(", ")
        )?;
    }
    Ok(())
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
