//! GitHub Actions workflow commands: each finding becomes an annotation on its line.

use std::io;

use crate::migrations::finding::{LintReport, Severity};

pub fn render(w: &mut impl io::Write, report: &LintReport) -> io::Result<()> {
    for f in &report.findings {
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(
            w,
            "::{command} file={},line={},title={}::{}",
            property(&f.path),
            f.line,
            property(f.rule),
            data(&format!("{}\nfix: {}", f.message, f.fix)),
        )?;
    }
    Ok(())
}

/// Escapes a command's message (GitHub's `escapeData`).
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property (GitHub's `escapeProperty`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn properties_and_data_are_escaped() {
        assert_eq!(property("a,b:c%"), "a%2Cb%3Ac%25");
        assert_eq!(data("x\ny: z"), "x%0Ay: z");
    }
}
