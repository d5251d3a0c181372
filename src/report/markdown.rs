//! `--format markdown`: a summary for `$GITHUB_STEP_SUMMARY` and pull request comments: the
//! level, the counts, what fails with how to fix it, and every result folded by stage.

use std::io;

use super::location_text;
use crate::audit::{Report, Status};

fn icon(s: Status) -> &'static str {
    match s {
        Status::Pass => "✅",
        Status::Fail => "❌",
        Status::Skip => "⏭️",
        Status::Unknown => "❔",
        Status::Error => "⚠️",
    }
}

/// Table cells may not contain raw pipes or newlines.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn render(w: &mut dyn io::Write, report: &Report) -> io::Result<()> {
    let level = report.level_reached.map_or("none", |l| l.as_str());
    writeln!(w, "## new-service audit: level **{level}**\n")?;
    let c = &report.summary.counts;
    let n = |k: &str| c.get(k).copied().unwrap_or(0);
    writeln!(w, "| pass | fail | skip | unknown | error |")?;
    writeln!(w, "|---:|---:|---:|---:|---:|")?;
    writeln!(
        w,
        "| {} | {} | {} | {} | {} |\n",
        n("pass"),
        n("fail"),
        n("skip"),
        n("unknown"),
        n("error")
    )?;
    if !report.summary.next_level_blockers.is_empty() {
        writeln!(
            w,
            "Next level blocked by: {}\n",
            report.summary.next_level_blockers.join(", ")
        )?;
    }
    let failing: Vec<_> = report
        .results
        .iter()
        .filter(|r| matches!(r.status, Status::Fail | Status::Error))
        .collect();
    if !failing.is_empty() {
        writeln!(w, "### To fix\n")?;
        writeln!(w, "| | check | level | found | fix |")?;
        writeln!(w, "|---|---|---|---|---|")?;
        for r in failing {
            let found = match r.locations.first() {
                Some(l) => format!("{} (`{}`)", r.message, location_text(l)),
                None => r.message.clone(),
            };
            let mut level = r.level.as_str().to_string();
            if r.waived.is_some() {
                level.push_str(", waived");
            }
            writeln!(
                w,
                "| {} | `{}` | {} | {} | {} |",
                icon(r.status),
                r.id,
                level,
                cell(&found),
                cell(&r.fix)
            )?;
        }
        writeln!(w)?;
    }
    for stage in &report.summary.stages {
        writeln!(w, "<details><summary>{}</summary>\n", stage.title)?;
        writeln!(w, "| | check | level | result |")?;
        writeln!(w, "|---|---|---|---|")?;
        for r in report.results.iter().filter(|r| r.stage == stage.id) {
            writeln!(
                w,
                "| {} | `{}` | {} | {} |",
                icon(r.status),
                r.id,
                r.level.as_str(),
                cell(&r.message)
            )?;
        }
        writeln!(w, "\n</details>\n")?;
    }
    Ok(())
}
