//! The `new-service` binary: parse arguments, call the library, talk to the terminal, and turn
//! the result into an exit code (0 success, 1 findings, 2 usage or runtime error).

mod cli;
mod prompt;

use std::io::{IsTerminal as _, Write as _};
use std::process::ExitCode;

use anstyle::{AnsiColor, Style};
use clap::{CommandFactory as _, Parser as _};

use cli::{Cli, Command, GithubCommand, InitArgs, ModeArg, ProtectArgs, SecretsArgs};
use new_service::github::protect::{
    self, Change, ChecksFrom, FeatureState, PlannedRequest, ProtectOptions, ProtectReport,
};
use new_service::github::{self, Client, RateLimitWait};
use new_service::init::{self, GitOutcome, InitOptions, InitOutcome};

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const GREEN: Style = AnsiColor::Green.on_default().bold();
const RED: Style = AnsiColor::Red.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Init(args) => run_init(args),
        Command::Stacks => run_stacks(),
        Command::Github(GithubCommand::Protect(args)) => run_protect(args),
        Command::Github(GithubCommand::Secrets(args)) => run_secrets(args),
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "new-service",
                &mut std::io::stdout(),
            );
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let mut err = anstream::stderr();
            let _ = write!(err, "{RED}error{RED:#}: {e}");
            let mut source = e.source();
            while let Some(s) = source {
                let _ = write!(err, ": {s}");
                source = s.source();
            }
            let _ = writeln!(err);
            ExitCode::from(2)
        }
    }
}

fn run_stacks() -> anyhow::Result<()> {
    let mut out = anstream::stdout();
    for (name, description) in new_service::template::embedded_stacks() {
        writeln!(out, "{BOLD}{name:<12}{BOLD:#} {description}")?;
    }
    Ok(())
}

fn run_init(args: InitArgs) -> anyhow::Result<()> {
    let interactive =
        !args.yes && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    // With --github, make sure GitHub will work before writing anything.
    let github = match &args.github {
        Some(repo) if !args.dry_run => {
            let client = github_client()?;
            github::create::ensure_absent(&client, repo)?;
            Some((client, repo.clone()))
        }
        _ => None,
    };
    let opts = InitOptions {
        name: args.name,
        stack: Some(args.stack),
        output: args.output,
        set: args.set,
        answers_file: args.answers,
        template_dir: args.template,
        git: !args.no_git,
        force: args.force,
        dry_run: args.dry_run,
    };
    // Ctrl-C mid-write: remove the staging directory, leave nothing behind.
    let _ = ctrlc::set_handler(|| {
        init::abort_cleanup();
        std::process::exit(130);
    });
    let mut terminal = prompt::Terminal::new();
    let prompter: Option<&mut dyn new_service::template::Prompter> = if interactive {
        Some(&mut terminal)
    } else {
        None
    };
    let outcome = init::run(&opts, prompter)?;
    if opts.dry_run {
        print_dry_run(&outcome)?;
        if let Some(repo) = &args.github {
            writeln!(
                anstream::stdout(),
                "{BOLD}GitHub{BOLD:#}: would create {repo} ({}), push main and protect it",
                if args.private { "private" } else { "public" }
            )?;
        }
        return Ok(());
    }
    print_created(&outcome)?;
    if let Some((client, repo)) = github {
        if !matches!(outcome.git, GitOutcome::Committed { .. }) {
            anyhow::bail!(
                "--github needs the service's own git repository, but {} is inside another one; nothing was created on GitHub",
                outcome.target.display()
            );
        }
        let description = format!("{} service", outcome.template.name);
        let report = github::create::publish(
            &client,
            &outcome.target,
            &repo,
            args.private,
            "main",
            Some(&description),
        )
        .map_err(|e| {
            anyhow::anyhow!(
                "the service was created in {}, but GitHub: {e}",
                outcome.target.display()
            )
        })?;
        let mut out = anstream::stdout();
        writeln!(
            out,
            "{GREEN}GitHub{GREEN:#}: created {} ({}), pushed {}",
            report.created.html_url,
            if report.created.private {
                "private"
            } else {
                "public"
            },
            report.branch
        )?;
        print_protect(&report.protect)?;
    }
    Ok(())
}

/// The GitHub client, announcing secondary rate-limit waits on stderr.
fn github_client() -> anyhow::Result<Client> {
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

fn run_protect(args: ProtectArgs) -> anyhow::Result<()> {
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

fn print_protect(report: &ProtectReport) -> anyhow::Result<()> {
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

fn run_secrets(args: SecretsArgs) -> anyhow::Result<()> {
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

fn print_dry_run(outcome: &InitOutcome) -> std::io::Result<()> {
    let mut out = anstream::stdout();
    writeln!(
        out,
        "{BOLD}Dry run{BOLD:#}: would create {} from {} {} ({}), {} files plus {}:",
        outcome.target.display(),
        outcome.template.name,
        outcome.template.version,
        outcome.template.source,
        outcome.plan.files.len(),
        init::ANSWERS_FILE,
    )?;
    let mut previous: Vec<&str> = Vec::new();
    for file in &outcome.plan.files {
        let parts: Vec<&str> = file.path.split('/').collect();
        let (dirs, name) = parts.split_at(parts.len() - 1);
        let shared = dirs
            .iter()
            .zip(&previous)
            .take_while(|(a, b)| a == b)
            .count();
        for (depth, dir) in dirs.iter().enumerate().skip(shared) {
            writeln!(out, "  {}{dir}/", "  ".repeat(depth))?;
        }
        writeln!(out, "  {}{}", "  ".repeat(dirs.len()), name[0])?;
        previous = dirs.to_vec();
    }
    writeln!(out, "{BOLD}Answers{BOLD:#}:")?;
    for (k, v) in &outcome.answers {
        if outcome.secret_names.contains(k) {
            writeln!(out, "  {k}: (secret, not shown)")?;
        } else {
            writeln!(out, "  {k}: {v}")?;
        }
    }
    Ok(())
}

fn print_created(outcome: &InitOutcome) -> std::io::Result<()> {
    let mut out = anstream::stdout();
    writeln!(
        out,
        "{GREEN}Created{GREEN:#} {} from {} {} ({} files in {} ms)",
        outcome.target.display(),
        outcome.template.name,
        outcome.template.version,
        outcome.plan.files.len() + 1,
        outcome.elapsed.as_millis(),
    )?;
    match &outcome.git {
        GitOutcome::Committed { commit } => writeln!(
            out,
            "{DIM}git: initialised on branch main, initial commit {commit}{DIM:#}"
        )?,
        GitOutcome::InsideRepository { top } => writeln!(
            out,
            "{DIM}git: inside the existing repository {}; files left for you to commit{DIM:#}",
            top.display()
        )?,
        GitOutcome::Skipped => writeln!(out, "{DIM}git: skipped (--no-git){DIM:#}")?,
    }
    if !outcome.next_steps.trim().is_empty() {
        writeln!(out, "\n{BOLD}Next steps{BOLD:#}:")?;
        for line in outcome.next_steps.trim_end().lines() {
            writeln!(out, "  {line}")?;
        }
    }
    Ok(())
}
