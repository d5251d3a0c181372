//! Running a checklist over a repository and summarising the result.
//!
//! Checks run in parallel (they only read the shared repository view). A check that panics
//! becomes an `error` result; the others go on. The level reached follows the spec: every local
//! check of that level and below passes or skips (waived checks do not block); remote checks
//! are reported beside the level and never change it.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::checklist::{Checklist, Implementation, Item};
use super::remote::RemoteFacts;
use super::waivers::Waivers;
use super::{Context, Level, Location, Outcome, Severity, Status};
use crate::repo::Repo;

/// Version of the JSON report format; bumped on incompatible changes.
pub const SCHEMA_VERSION: u32 = 1;

/// What to run and how to judge it.
#[derive(Debug, Clone)]
pub struct AuditOptions {
    /// Checks above this level are informational (never fail the run).
    pub level: Level,
    /// Run only these ids (empty: all).
    pub only: Vec<String>,
    /// Do not run these ids.
    pub skip: Vec<String>,
    /// The audit date (for end-of-life tables), as (year, month, day).
    pub today: (i32, u32, u32),
    /// Repository settings looked up before the run (remote checks read them).
    pub remote: RemoteFacts,
    /// `--since REF`: the revision, and the paths (from the git root) added since it; only
    /// those migrations are judged by `db.migrations-safe`.
    pub migrations_since: Option<(String, std::collections::BTreeSet<String>)>,
}

/// One check's result, as every output format sees it.
#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    pub id: String,
    pub title: String,
    pub stage: String,
    pub level: Level,
    pub severity: Severity,
    pub status: Status,
    pub message: String,
    pub locations: Vec<Location>,
    pub fix: String,
    /// Why the practice matters (the checklist's words).
    pub why: String,
    /// The reason given in `.new-service.yaml` when the check is waived.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waived: Option<String>,
    /// Above the requested `--level`: reported, never failing the run.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub informational: bool,
    /// A repository-settings check (reported beside the level).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub remote: bool,
    /// Wall time the check took (shown by `audit --timings`; not part of any report format,
    /// which stay reproducible).
    #[serde(skip)]
    pub elapsed: Duration,
}

/// Checks whose failure is reported beside the level and never changes the exit code: a
/// repository that is not pushed yet has no `origin`, and that is news, not a broken build
/// (spec: "a failing `vcs.remote` (not pushed yet) is reported but does not change the exit
/// code, so a freshly generated service exits 0").
const REPORTED_ONLY: &[&str] = &["vcs.remote"];

impl CheckResult {
    /// A failure that counts against the run: not waived, not informational, not one of the
    /// checks that are only reported.
    pub fn is_blocking_failure(&self) -> bool {
        self.status == Status::Fail
            && self.waived.is_none()
            && !self.informational
            && !REPORTED_ONLY.contains(&self.id.as_str())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct StageSummary {
    pub id: String,
    pub title: String,
    pub counts: BTreeMap<&'static str, usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub counts: BTreeMap<&'static str, usize>,
    pub stages: Vec<StageSummary>,
    /// Local checks that keep the repository from the next level, with their status.
    pub next_level_blockers: Vec<String>,
    /// Files listed but not read (binary, too large, symlinks), with the reason.
    pub skipped_files: Vec<SkippedFile>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SkippedFile {
    pub path: String,
    pub reason: String,
}

/// The full audit result.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    pub path: String,
    pub checklist: String,
    pub level_reached: Option<Level>,
    /// The `--level` the run was judged at.
    pub level_target: Level,
    pub summary: Summary,
    pub results: Vec<CheckResult>,
}

impl Report {
    /// Whether the run fails under `--fail-on fail`.
    pub fn has_blocking_failures(&self) -> bool {
        self.results.iter().any(CheckResult::is_blocking_failure)
    }
}

/// Runs the checklist over the repository.
pub fn run(
    repo: &Repo,
    checklist: &Checklist,
    waivers: &Waivers,
    options: &AuditOptions,
) -> Report {
    let selected: Vec<_> = checklist
        .items
        .iter()
        .filter(|i| options.only.is_empty() || options.only.contains(&i.id))
        .filter(|i| !options.skip.contains(&i.id))
        .collect();
    let context = Context::new(repo, options.today, options.remote.clone())
        .with_migrations_since(options.migrations_since.clone());
    let outcomes = run_checks(&selected, repo, &context);
    let results: Vec<CheckResult> = selected
        .iter()
        .zip(outcomes)
        .map(|(item, (outcome, elapsed))| {
            let remote = checklist.stage(&item.stage).is_some_and(|s| s.remote);
            CheckResult {
                id: item.id.clone(),
                title: item.title.clone(),
                stage: item.stage.clone(),
                level: item.level,
                severity: item.severity,
                status: outcome.status,
                message: outcome.message,
                locations: outcome.locations,
                fix: item.fix.clone(),
                why: item.why.clone(),
                waived: waivers.reason(&item.id).map(str::to_string),
                informational: item.level > options.level,
                remote,
                elapsed,
            }
        })
        .collect();
    let (level_reached, blockers) = level_reached(&results);
    let summary = summarise(checklist, &results, blockers, repo);
    Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "new-service",
            version: env!("CARGO_PKG_VERSION"),
        },
        path: repo.path.display().to_string(),
        checklist: checklist.name.clone(),
        level_reached,
        level_target: options.level,
        summary,
        results,
    }
}

/// Checks that read the shared views (routes, models) or every file: started first, so that
/// the run does not end waiting for one long check.
const HEAVY_FIRST: &[&str] = &[
    "api.versioned-routes",
    "secrets.no-hardcoded",
    "db.migrations-safe",
    "db.timestamps",
    "ops.health-endpoint",
    "ops.readiness-checks-deps",
    "db.single-model-source",
    "db.config-from-env",
];

/// Runs the checks on their own threads, taking the next check as each
/// finishes. Not on rayon's pool: checks wait for shared views (`OnceLock`s) whose
/// initialisers use rayon, and a rayon thread waiting inside such an initialiser may pick up
/// queued work; were that a check needing the same view, it would re-enter it and deadlock.
/// Inside a check, rayon does the data-parallel work.
fn run_checks(selected: &[&Item], repo: &Repo, context: &Context<'_>) -> Vec<(Outcome, Duration)> {
    let mut order: Vec<usize> = (0..selected.len()).collect();
    order.sort_by_key(|&i| {
        HEAVY_FIRST
            .iter()
            .position(|id| *id == selected[i].id)
            .unwrap_or(HEAVY_FIRST.len())
    });
    let next = AtomicUsize::new(0);
    let slots: Vec<OnceLock<(Outcome, Duration)>> =
        selected.iter().map(|_| OnceLock::new()).collect();
    // Twice the cores: a check waiting for a shared view, or for its own parallel work on
    // rayon's threads, leaves its core to another check.
    let threads = std::thread::available_parallelism()
        .map_or(2, usize::from)
        .saturating_mul(2)
        .min(selected.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let _ = slots[i].set(run_one(selected[i], repo, context));
                }
            });
        }
    });
    slots
        .into_iter()
        .map(|slot| {
            slot.into_inner().unwrap_or_else(|| {
                (
                    Outcome::error("the check did not run; please report this bug"),
                    Duration::ZERO,
                )
            })
        })
        .collect()
}

/// One check, timed; a panic becomes an `error` result.
fn run_one(item: &Item, repo: &Repo, context: &Context<'_>) -> (Outcome, Duration) {
    let started = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| match &item.implementation {
        Implementation::Builtin(check) => check.run(repo, context),
        Implementation::Rule(rule) => rule.run(repo),
    }));
    let outcome = result.unwrap_or_else(|panic| {
        Outcome::error(format!(
            "the check crashed: {}; please report this bug",
            panic_message(panic.as_ref())
        ))
    });
    (outcome, started.elapsed())
}

/// What a panic says, fit to print: its first line, cut before any quoted text (the standard
/// library quotes the string it failed to slice, and that string is the audited file's content,
/// which may hold a secret), at most 160 characters.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let raw = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("unknown panic");
    let line = raw.lines().next().unwrap_or("");
    let line = line.split('`').next().unwrap_or("").trim_end();
    let line = line.strip_suffix(" of").unwrap_or(line);
    let cut = line.floor_char_boundary(160);
    if cut < line.len() {
        format!("{}…", &line[..cut])
    } else {
        line.to_string()
    }
}

/// The highest level whose local checks (and those below) all pass or skip, and what blocks
/// the next one.
fn level_reached(results: &[CheckResult]) -> (Option<Level>, Vec<String>) {
    let mut reached = None;
    for level in Level::ALL {
        let blockers: Vec<String> = results
            .iter()
            .filter(|r| !r.remote && r.level <= level && r.waived.is_none())
            .filter(|r| !matches!(r.status, Status::Pass | Status::Skip))
            .map(|r| format!("{} ({})", r.id, r.status.as_str()))
            .collect();
        if !blockers.is_empty() {
            return (reached, blockers);
        }
        reached = Some(level);
    }
    (reached, Vec::new())
}

fn summarise(
    checklist: &Checklist,
    results: &[CheckResult],
    next_level_blockers: Vec<String>,
    repo: &Repo,
) -> Summary {
    let count = |rs: &mut dyn Iterator<Item = &CheckResult>| {
        let mut counts: BTreeMap<&'static str, usize> =
            Status::ALL.iter().map(|s| (s.as_str(), 0)).collect();
        for r in rs {
            *counts.entry(r.status.as_str()).or_default() += 1;
        }
        counts
    };
    let stages = checklist
        .stages
        .iter()
        .filter(|s| results.iter().any(|r| r.stage == s.id))
        .map(|s| StageSummary {
            id: s.id.clone(),
            title: s.title.clone(),
            counts: count(&mut results.iter().filter(|r| r.stage == s.id)),
        })
        .collect();
    Summary {
        counts: count(&mut results.iter()),
        stages,
        next_level_blockers,
        skipped_files: repo
            .skipped_files()
            .filter(|(_, reason)| !matches!(reason, crate::repo::SkipReason::NotAFile))
            .map(|(path, reason)| SkippedFile {
                path: path.to_string(),
                reason: reason.to_string(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::panic_message;

    #[test]
    fn a_panic_message_never_carries_the_quoted_file_content() {
        let text = "{\n  \"password\": \"hunter2-ﻯ\"\n}";
        let payload = std::panic::catch_unwind(|| {
            let _ = &text[..text.find('ﻯ').unwrap() + 1];
        })
        .unwrap_err();
        let message = panic_message(payload.as_ref());
        assert!(message.contains("is not a char boundary"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
        // The standard library's longer form quotes the text it was slicing.
        let quoted = String::from("byte index 9 is out of bounds of `password = hunter2`[...]");
        assert_eq!(panic_message(&quoted), "byte index 9 is out of bounds");
    }

    #[test]
    fn long_and_multi_line_panics_are_cut() {
        let long = "é".repeat(500);
        let message = panic_message(&long);
        assert!(message.ends_with('…') && message.len() <= 164, "{message}");
        let message = panic_message(&"first line\nsecond line");
        assert_eq!(message, "first line");
        assert_eq!(panic_message(&42_u8), "unknown panic");
    }
}
