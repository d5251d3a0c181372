//! `audit`, `explain` and `checks` on the terminal: options to library calls, the report to
//! stdout or a file, a progress line on long runs, and the exit code.

use std::io::{IsTerminal as _, Write as _};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context as _, bail};
use new_service::audit::checklist::Implementation;
use new_service::audit::remote::{self, RemoteFacts};
use new_service::audit::waivers::Waivers;
use new_service::audit::{AuditOptions, Checklist, Level, run};
use new_service::repo::{Repo, RepoOptions};
use new_service::report::{self, Format};

use super::{BOLD, DIM};
use crate::cli::AuditArgs;

pub fn run(args: AuditArgs) -> anyhow::Result<ExitCode> {
    let format = Format::parse(&args.format).context("unknown format")?;
    let level: Level = args.level.parse().map_err(anyhow::Error::msg)?;
    let today = match &args.today {
        Some(d) => parse_date(d)?,
        None => today(),
    };
    // Everything that can be wrong with the inputs fails here, before any check runs.
    let checklist = Checklist::load(&args.checklist)?;
    for id in args.only.iter().chain(&args.skip) {
        if checklist.item(id).is_none() {
            bail!("unknown check id `{id}` (see `new-service checks`)");
        }
    }
    let progress = Progress::start();
    let started = Instant::now();
    let repo = Repo::open(
        &args.path,
        &RepoOptions {
            max_file_size: args.max_file_size,
        },
    )?;
    let opened = started.elapsed();
    let waivers = Waivers::load(&repo, &checklist).map_err(anyhow::Error::msg)?;
    let remote = if args.offline {
        RemoteFacts::NotGathered("not looked up (--offline)".into())
    } else {
        let client = super::github::client();
        remote::gather(&repo, args.github.as_ref(), client.as_ref())
    };
    let migrations_since = match &args.since {
        Some(rev) => {
            let added = new_service::git::added_since(&args.path, rev)
                .map_err(|e| anyhow::anyhow!("--since {rev}: {e}"))?;
            Some((rev.clone(), added))
        }
        None => None,
    };
    let options = AuditOptions {
        level,
        only: args.only,
        skip: args.skip,
        today,
        remote,
        migrations_since,
    };
    let checks_started = Instant::now();
    let report = run::run(&repo, &checklist, &waivers, &options);
    progress.stop();
    if args.timings {
        print_timings(&repo, &report, opened, checks_started.elapsed());
    }

    match &args.output {
        Some(path) => {
            let mut buf = Vec::new();
            report::render(format, &mut anstream::StripStream::new(&mut buf), &report)?;
            std::fs::write(path, buf)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => {
            let mut out = anstream::stdout().lock();
            report::render(format, &mut out, &report)?;
            out.flush()?;
        }
    }
    let failing = args.fail_on == "fail" && report.has_blocking_failures();
    Ok(if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Where the audit's time went: reading the repository, then the checks, slowest first.
fn print_timings(repo: &Repo, report: &run::Report, opened: Duration, checks: Duration) {
    let mut err = anstream::stderr().lock();
    let files = repo.files().count();
    let _ = writeln!(
        err,
        "{BOLD}timings{BOLD:#}  read {files} files in {:.1} ms; checks ran in {:.1} ms (in parallel)",
        ms(opened),
        ms(checks)
    );
    let mut results: Vec<_> = report.results.iter().collect();
    results.sort_by_key(|r| std::cmp::Reverse(r.elapsed));
    for r in results {
        let _ = writeln!(err, "  {:>9.1} ms  {}", ms(r.elapsed), r.id);
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub fn explain(id: &str, checklist: &str) -> anyhow::Result<ExitCode> {
    let checklist = Checklist::load(checklist)?;
    let item = checklist
        .item(id)
        .with_context(|| format!("unknown check id `{id}` (see `new-service checks`)"))?;
    let stage = checklist
        .stage(&item.stage)
        .map_or(item.stage.as_str(), |s| s.title.as_str());
    let mut out = anstream::stdout();
    writeln!(out, "{BOLD}{}{BOLD:#}: {}", item.id, item.title)?;
    writeln!(
        out,
        "{DIM}level {} · stage {stage} · severity {}{DIM:#}\n",
        item.level.as_str(),
        item.severity.as_str()
    )?;
    match &item.implementation {
        Implementation::Builtin(_) => writeln!(out, "{}", item.docs().trim_end())?,
        Implementation::Rule(_) => {
            writeln!(out, "{}\n", item.docs())?;
            writeln!(out, "## Why\n{}\n\n## How to fix\n{}", item.why, item.fix)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn list(checklist: &str, schema: bool) -> anyhow::Result<ExitCode> {
    let mut out = anstream::stdout();
    if schema {
        write!(out, "{}", new_service::audit::checklist::json_schema())?;
        return Ok(ExitCode::SUCCESS);
    }
    let checklist = Checklist::load(checklist)?;
    for stage in &checklist.stages {
        let items: Vec<_> = checklist
            .items
            .iter()
            .filter(|i| i.stage == stage.id)
            .collect();
        if items.is_empty() {
            continue;
        }
        let remote = if stage.remote {
            " (remote: beside the level)"
        } else {
            ""
        };
        writeln!(out, "{BOLD}{}{BOLD:#}{DIM}{remote}{DIM:#}", stage.title)?;
        for i in items {
            writeln!(out, "  {:<28} {:<7} {}", i.id, i.level.as_str(), i.title)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn parse_date(s: &str) -> anyhow::Result<(i32, u32, u32)> {
    let parts: Vec<&str> = s.split('-').collect();
    let parsed = match parts.as_slice() {
        [y, m, d] => (y.parse().ok(), m.parse().ok(), d.parse().ok()),
        _ => (None, None, None),
    };
    match parsed {
        (Some(y), Some(m @ 1..=12), Some(d @ 1..=31)) => Ok((y, m, d)),
        _ => bail!("`{s}` is not a date (YYYY-MM-DD)"),
    }
}

/// Today's UTC date from the system clock (days-to-civil, proleptic Gregorian).
fn today() -> (i32, u32, u32) {
    let secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let doe = days.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    (year, month, day)
}

/// A spinner on stderr, shown only on a terminal and only when the audit takes a while.
struct Progress {
    done: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    fn start() -> Progress {
        let done = Arc::new(AtomicBool::new(false));
        let handle = std::io::stderr().is_terminal().then(|| {
            let done = Arc::clone(&done);
            std::thread::spawn(move || {
                let frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
                std::thread::sleep(Duration::from_millis(400));
                let mut i = 0;
                let mut shown = false;
                while !done.load(Ordering::Relaxed) {
                    let _ = write!(
                        std::io::stderr(),
                        "\r{} auditing…",
                        frames[i % frames.len()]
                    );
                    shown = true;
                    i += 1;
                    std::thread::sleep(Duration::from_millis(80));
                }
                if shown {
                    let _ = write!(std::io::stderr(), "\r\x1b[2K");
                }
            })
        });
        Progress { done, handle }
    }

    fn stop(self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle {
            let _ = h.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_validated() {
        assert_eq!(parse_date("2026-11-22").unwrap(), (2026, 11, 22));
        assert!(parse_date("2026-13-01").is_err());
        assert!(parse_date("yesterday").is_err());
    }

    #[test]
    fn today_is_a_plausible_date() {
        let (y, m, d) = today();
        assert!(y >= 2024 && (1..=12).contains(&m) && (1..=31).contains(&d));
    }
}
