//! `--format github`: workflow commands that GitHub Actions turns into annotations on the
//! pull request (`::error file=…,line=…,title=…::message`). Failures are errors or warnings by
//! severity; checks that could not run (`error`) are warnings; passing checks print nothing.

use std::io;

use crate::audit::{Report, Severity, Status};

pub fn render(w: &mut dyn io::Write, report: &Report) -> io::Result<()> {
    for r in &report.results {
        let kind = match (r.status, r.severity) {
            (Status::Fail, _) if r.waived.is_some() || r.informational => "notice",
            (Status::Fail, Severity::Error) => "error",
            (Status::Fail, Severity::Warning) => "warning",
            (Status::Fail, Severity::Note) => "notice",
            (Status::Error, _) => "warning",
            _ => continue,
        };
        let title = format!("{} ({})", r.id, r.level.as_str());
        let message = format!("{} — fix: {}", r.message, r.fix);
        match r.locations.first() {
            Some(l) => {
                let line = l.line.map(|n| format!(",line={n}")).unwrap_or_default();
                writeln!(
                    w,
                    "::{kind} file={}{line},title={}::{}",
                    escape_property(&l.path),
                    escape_property(&title),
                    escape_data(&message)
                )?;
            }
            None => writeln!(
                w,
                "::{kind} title={}::{}",
                escape_property(&title),
                escape_data(&message)
            )?,
        }
    }
    let level = report.level_reached.map_or("none", |l| l.as_str());
    writeln!(
        w,
        "::notice title=new-service audit::level reached: {level}"
    )
}

/// Escaping GitHub applies to a command's message.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping GitHub applies to a command's properties.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
