//! `--format text`: results grouped by stage, for people. Styles are ANSI codes; the binary
//! strips them when stdout is not a colour terminal or NO_COLOR is set.

use std::io;

use anstyle::{AnsiColor, Style};

use super::location_text;
use crate::audit::{Report, Status};

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();

fn status_style(s: Status) -> (Style, &'static str) {
    match s {
        Status::Pass => (AnsiColor::Green.on_default(), "pass"),
        Status::Fail => (AnsiColor::Red.on_default().bold(), "FAIL"),
        Status::Skip => (DIM, "skip"),
        Status::Unknown => (AnsiColor::Yellow.on_default(), "unkn"),
        Status::Error => (AnsiColor::Magenta.on_default().bold(), "ERR "),
    }
}

pub fn render(w: &mut dyn io::Write, report: &Report) -> io::Result<()> {
    writeln!(
        w,
        "{BOLD}new-service audit{BOLD:#} {} ({} checklist)",
        report.path, report.checklist
    )?;
    for stage in &report.summary.stages {
        writeln!(w, "\n{BOLD}{}{BOLD:#}", stage.title)?;
        for r in report.results.iter().filter(|r| r.stage == stage.id) {
            let (style, word) = status_style(r.status);
            let mut tags = vec![r.level.as_str().to_string()];
            if let Some(reason) = &r.waived {
                tags.push(format!("waived: {reason}"));
            }
            if r.informational {
                tags.push("informational".into());
            }
            writeln!(
                w,
                "  {style}{word}{style:#} {:<28} {}  {DIM}[{}]{DIM:#}",
                r.id,
                r.message,
                tags.join(", ")
            )?;
            if matches!(r.status, Status::Fail | Status::Error) {
                for l in r.locations.iter().take(5) {
                    writeln!(w, "       {DIM}at{DIM:#} {}", location_text(l))?;
                }
                if r.locations.len() > 5 {
                    writeln!(w, "       {DIM}… and {} more{DIM:#}", r.locations.len() - 5)?;
                }
                if r.status == Status::Fail {
                    writeln!(w, "       {DIM}fix:{DIM:#} {}", r.fix)?;
                }
            }
        }
    }
    let c = &report.summary.counts;
    let n = |k: &str| c.get(k).copied().unwrap_or(0);
    writeln!(w)?;
    if !report.summary.skipped_files.is_empty() {
        writeln!(
            w,
            "{DIM}{} not read (binary, too large or symlinks); see --format json for the list{DIM:#}",
            plural(report.summary.skipped_files.len(), "file")
        )?;
    }
    writeln!(
        w,
        "{BOLD}Level reached: {}{BOLD:#}   {} pass, {} fail, {} skip, {} unknown, {} error",
        report.level_reached.map_or("none", |l| l.as_str()),
        n("pass"),
        n("fail"),
        n("skip"),
        n("unknown"),
        n("error"),
    )?;
    // Repository settings never change the level; what is not in place among them is said
    // right here, beside it (a service not pushed yet: `vcs.remote fail`).
    let beside: Vec<String> = report
        .results
        .iter()
        .filter(|r| r.remote && r.status != Status::Pass)
        .map(|r| format!("{} {}", r.id, r.status.as_str()))
        .collect();
    if !beside.is_empty() {
        writeln!(
            w,
            "Beside the level (repository settings): {}",
            beside.join(", ")
        )?;
    }
    if !report.summary.next_level_blockers.is_empty() {
        writeln!(
            w,
            "Next level blocked by: {}",
            report.summary.next_level_blockers.join(", ")
        )?;
    }
    Ok(())
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
