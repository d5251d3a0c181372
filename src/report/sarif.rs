//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it. Every check is a rule
//! (with its why and fix as help); every failing check is a result with at least one location
//! (a check about something missing points at the audited folder's README or the repository
//! root, since code scanning rejects results without a location). Validated in the tests
//! against the official SARIF 2.1.0 JSON schema.

use std::io;

use serde_json::{Value, json};

use crate::audit::{Report, Severity, Status};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

pub fn render(w: &mut dyn io::Write, report: &Report) -> io::Result<()> {
    let rules: Vec<Value> = report
        .results
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id.replace(['.', '-'], "_"),
                "shortDescription": {"text": r.title},
                "fullDescription": {"text": r.why},
                "help": {
                    "text": format!("{}\n\nHow to fix: {}", r.why, r.fix),
                    "markdown": format!("{}\n\n**How to fix:** {}\n\nRun `new-service explain {}` for details.", r.why, r.fix, r.id),
                },
                "defaultConfiguration": {"level": level(r.severity)},
                "properties": {
                    "tags": ["backend-a-to-z", r.stage, r.level.as_str()],
                    "level": r.level.as_str(),
                    "stage": r.stage,
                },
            })
        })
        .collect();
    let fallback = fallback_location(report);
    let results: Vec<Value> = report
        .results
        .iter()
        .enumerate()
        .filter(|(_, r)| r.status == Status::Fail)
        .map(|(index, r)| {
            let locations: Vec<Value> = if r.locations.is_empty() {
                vec![physical(&fallback, None)]
            } else {
                r.locations
                    .iter()
                    .map(|l| physical(&l.path, l.line))
                    .collect()
            };
            let mut result = json!({
                "ruleId": r.id,
                "ruleIndex": index,
                "level": level(r.severity),
                "message": {"text": format!("{} (fix: {})", r.message, r.fix)},
                "locations": locations,
            });
            if let Some(reason) = &r.waived {
                result["suppressions"] = json!([{"kind": "external", "justification": reason}]);
            }
            result
        })
        .collect();
    let doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "new-service",
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                "informationUri": "https://github.com/new-service/new-service",
                "rules": rules,
            }},
            "automationDetails": {"id": format!("new-service/audit/{}/", report.checklist)},
            "properties": {"levelReached": report.level_reached.map(|l| l.as_str())},
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    writeln!(w)
}

fn physical(path: &str, line: Option<u32>) -> Value {
    let mut location = json!({
        "physicalLocation": {
            "artifactLocation": {"uri": path, "uriBaseId": "%SRCROOT%"},
        }
    });
    if let Some(line) = line {
        location["physicalLocation"]["region"] = json!({"startLine": line});
    }
    location
}

/// Where a finding about something missing is shown: a README of the audited folder if one
/// was indexed among the results' locations, else the repository's README.md.
fn fallback_location(report: &Report) -> String {
    report
        .results
        .iter()
        .flat_map(|r| &r.locations)
        .map(|l| l.path.as_str())
        .find(|p| {
            p.rsplit('/')
                .next()
                .is_some_and(|n| n.eq_ignore_ascii_case("readme.md"))
        })
        .unwrap_or("README.md")
        .to_string()
}
