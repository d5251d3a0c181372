//! `--format json`: the report as stable, versioned JSON (`schema_version`).
//!
//! ```json
//! {"schema_version": 1, "tool": {"name": "new-service", "version": "…"}, "path": "…",
//!  "checklist": "a-to-z", "level_reached": "silver" | null, "level_target": "gold",
//!  "summary": {"counts": {"pass": 0, …}, "stages": [...], "next_level_blockers": [...],
//!              "skipped_files": [...]},
//!  "results": [{"id", "title", "stage", "level", "severity", "status", "message",
//!               "locations": [{"path", "line"}], "fix", "waived"?, "informational"?, "remote"?}]}
//! ```

use std::io;

use crate::audit::Report;

pub fn render(w: &mut dyn io::Write, report: &Report) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, report)?;
    writeln!(w)
}
