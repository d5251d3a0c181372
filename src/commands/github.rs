//! `github protect` and `github secrets` on the terminal, and the GitHub client the binary uses
//! (it announces secondary rate-limit waits on stderr; the library never prints).

use std::io::Write as _;

use new_service::github::protect::{
    self, Change, ChecksFrom, FeatureState, PlannedRequest, ProtectOptions, ProtectReport,
};
use new_service::github::{self, Client, ClientError, RateLimitWait};

use super::{BOLD, DIM, GREEN, YELLOW};
use crate::cli::{ModeArg, ProtectArgs, SecretsArgs};

/// The GitHub client, announcing secondary rate-limit waits on stderr.
pub fn client() -> Result<Client, ClientError> {
    Ok(Client::from_env()?.on_rate_limit_wait(|w: &RateLimitWait| {
        let _ = writeln!(
            anstream::stderr(),
            "{YELLOW}note{YELLOW:#}: GitHub's secondary rate limit: waiting {} s before retry {} of {}",
            w.wait.as_secs(),
            w.retry,
            w.max_retries
        );
    }))
}

/// The client, or the reason there is none as an error for commands that need it.
pub fn github_client() -> anyhow::Result<Client> {
    Ok(client()?)
}

pub fn run_protect(args: ProtectArgs) -> anyhow::Result<()> {
    let client = github_client()?;
    let opts = ProtectOptions {
        branch: args.branch,
        mode: match args.mode {
            ModeArg::Ruleset => github::policy::Mode::Ruleset,
            ModeArg::Classic => github::policy::Mode::Classic,
        },
        checks: args.checks,
        workflows_root: args.dir,
        dry_run: args.dry_run,
    };
    let report = protect::protect(&client, &args.repo, &opts)?;
    print_protect(&report)
}

pub fn print_protect(report: &ProtectReport) -> anyhow::Result<()> {
    let mut out = anstream::stdout();
    let from = match &report.checks_from {
        ChecksFrom::Given => "checks from --checks".to_string(),
        ChecksFrom::Workflows { dir } => format!("checks from {dir}/.github/workflows"),
    };
    writeln!(
        out,
        "{BOLD}{}{BOLD:#} {}: branch {}, {} mode, {from}",
        if report.dry_run {
            "Dry run for"
        } else {
            "Protecting"
        },
        report.repo,
        report.branch,
        report.mode,
    )?;
    let summary = report.policy.summary();
    match &report.protection {
        Change::Created { what } => writeln!(out, "  {GREEN}created{GREEN:#} {what}: {summary}")?,
        Change::Updated { what, changes } => {
            writeln!(out, "  {GREEN}updated{GREEN:#} {what}:")?;
            for c in changes {
                writeln!(out, "    {c}")?;
            }
        }
        Change::UpToDate { what } => writeln!(out, "  {DIM}{what}: already up to date{DIM:#}")?,
        Change::WouldCreate { what, request } => {
            writeln!(out, "  would create {what}: {summary}")?;
            print_request(&mut out, request)?;
        }
        Change::WouldUpdate {
            what,
            changes,
            request,
        } => {
            writeln!(out, "  would update {what}:")?;
            for c in changes {
                writeln!(out, "    {c}")?;
            }
            print_request(&mut out, request)?;
        }
    }
    for s in &report.security {
        match &s.state {
            FeatureState::AlreadyOn => {
                writeln!(out, "  {DIM}{}: already enabled{DIM:#}", s.feature)?
            }
            FeatureState::Enabled => writeln!(out, "  {GREEN}enabled{GREEN:#} {}", s.feature)?,
            FeatureState::WouldEnable(requests) => {
                writeln!(out, "  would enable {}", s.feature)?;
                for r in requests {
                    print_request(&mut out, r)?;
                }
            }
            FeatureState::Refused(reason) => writeln!(
                out,
                "  {YELLOW}not enabled{YELLOW:#} {}: {reason}",
                s.feature
            )?,
        }
    }
    let mut err = anstream::stderr();
    for w in &report.warnings {
        writeln!(err, "{YELLOW}warning{YELLOW:#}: {w}")?;
    }
    if report.dry_run {
        writeln!(out, "Dry run: read the current settings, sent no changes.")?;
    } else if !report.changed_anything()
        && !report
            .security
            .iter()
            .any(|s| matches!(s.state, FeatureState::Refused(_)))
    {
        writeln!(out, "Already up to date: nothing to change.")?;
    }
    Ok(())
}

fn print_request(out: &mut impl std::io::Write, request: &PlannedRequest) -> anyhow::Result<()> {
    writeln!(out, "    {} {}", request.method, request.path)?;
    if !request.body.is_null() {
        for line in serde_json::to_string_pretty(&request.body)?.lines() {
            writeln!(out, "    {line}")?;
        }
    }
    Ok(())
}

pub fn run_secrets(args: SecretsArgs) -> anyhow::Result<()> {
    // Read and check the file before asking anything of GitHub.
    let entries = github::secrets::load(&args.from_env, &args.only)?;
    let client = github_client()?;
    let uploaded = github::secrets::upload(&client, &args.repo, &entries)?;
    let mut out = anstream::stdout();
    for u in &uploaded {
        let verb = if u.created { "created" } else { "updated" };
        writeln!(out, "  {GREEN}{verb}{GREEN:#} {}", u.name)?;
    }
    writeln!(
        out,
        "{} Actions secret(s) stored in {}",
        uploaded.len(),
        args.repo
    )?;
    Ok(())
}
