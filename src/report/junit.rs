//! `--format junit`: one testcase per check, one testsuite per stage, so any CI that reads
//! JUnit XML shows the checklist as tests: fail → `<failure>`, error → `<error>`,
//! skip/unknown → `<skipped>`.

use std::io;

use super::location_text;
use crate::audit::{Report, Status};

/// Escapes text for XML attributes and content.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

pub fn render(w: &mut dyn io::Write, report: &Report) -> io::Result<()> {
    let count = |f: &dyn Fn(Status) -> bool, stage: Option<&str>| {
        report
            .results
            .iter()
            .filter(|r| stage.is_none_or(|s| r.stage == s) && f(r.status))
            .count()
    };
    let failures = |s: Status| s == Status::Fail;
    let errors = |s: Status| s == Status::Error;
    let skipped = |s: Status| matches!(s, Status::Skip | Status::Unknown);
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        w,
        r#"<testsuites name="new-service audit ({})" tests="{}" failures="{}" errors="{}" skipped="{}">"#,
        xml(&report.checklist),
        report.results.len(),
        count(&failures, None),
        count(&errors, None),
        count(&skipped, None),
    )?;
    for stage in &report.summary.stages {
        let id = Some(stage.id.as_str());
        writeln!(
            w,
            r#"  <testsuite name="{}" tests="{}" failures="{}" errors="{}" skipped="{}">"#,
            xml(&stage.title),
            count(&|_| true, id),
            count(&failures, id),
            count(&errors, id),
            count(&skipped, id),
        )?;
        for r in report.results.iter().filter(|r| r.stage == stage.id) {
            let name = xml(&format!("{}: {}", r.id, r.title));
            let classname = xml(&format!("{}.{}", report.checklist, stage.id));
            let body = {
                let mut text = r.message.clone();
                for l in &r.locations {
                    text.push_str(&format!("\nat {}", location_text(l)));
                }
                text.push_str(&format!("\nfix: {}", r.fix));
                xml(&text)
            };
            match r.status {
                Status::Pass => writeln!(
                    w,
                    r#"    <testcase classname="{classname}" name="{name}"/>"#
                )?,
                Status::Fail => writeln!(
                    w,
                    r#"    <testcase classname="{classname}" name="{name}"><failure message="{}" type="{}">{body}</failure></testcase>"#,
                    xml(&r.message),
                    r.level.as_str()
                )?,
                Status::Error => writeln!(
                    w,
                    r#"    <testcase classname="{classname}" name="{name}"><error message="{}">{body}</error></testcase>"#,
                    xml(&r.message)
                )?,
                Status::Skip | Status::Unknown => writeln!(
                    w,
                    r#"    <testcase classname="{classname}" name="{name}"><skipped message="{}: {}"/></testcase>"#,
                    r.status.as_str(),
                    xml(&r.message)
                )?,
            }
        }
        writeln!(w, "  </testsuite>")?;
    }
    writeln!(w, "</testsuites>")
}
