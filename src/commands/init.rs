//! `init` and `stacks` on the terminal: prompts, the dry-run tree, the "next steps".

use std::io::{IsTerminal as _, Write as _};

use new_service::github;
use new_service::init::{self, GitOutcome, InitOptions, InitOutcome};

use super::{BOLD, DIM, GREEN, RED};
use crate::cli::{InitArgs, LayoutArg};
use crate::prompt;

pub fn stacks() -> anyhow::Result<()> {
    let mut out = anstream::stdout();
    let mut broken = 0;
    for (name, loaded) in new_service::template::embedded_stacks() {
        match loaded {
            Ok(description) => writeln!(out, "{BOLD}{name:<12}{BOLD:#} {description}")?,
            Err(e) => {
                broken += 1;
                writeln!(out, "{BOLD}{name:<12}{BOLD:#} {RED}broken{RED:#}: {e}")?;
            }
        }
    }
    if broken > 0 {
        anyhow::bail!("{broken} embedded stack(s) cannot be loaded; please report this bug");
    }
    Ok(())
}

pub fn run(args: InitArgs) -> anyhow::Result<()> {
    let interactive =
        !args.yes && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    // With --github, make sure GitHub will work before writing anything.
    let github = match &args.github {
        Some(repo) if !args.dry_run => {
            let client = super::github::github_client()?;
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
        layout: match args.layout {
            LayoutArg::Service => init::Layout::Service,
            LayoutArg::Monorepo => init::Layout::Monorepo,
        },
        services: args.services,
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
        super::github::print_protect(&report.protect)?;
    }
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
    for (name, stack) in &outcome.services {
        writeln!(
            out,
            "  service {BOLD}{name}{BOLD:#} ({stack}) in services/{name}/"
        )?;
    }
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
    for (name, stack) in &outcome.services {
        writeln!(out, "{DIM}  services/{name}: {stack}{DIM:#}")?;
    }
    match &outcome.git {
        GitOutcome::Committed { commit, inside } => {
            writeln!(
                out,
                "{DIM}git: initialised on branch main, initial commit {commit}{DIM:#}"
            )?;
            if let Some(top) = inside {
                writeln!(
                    out,
                    "{DIM}git: it has its own repository inside {} (that one sees it as an untracked folder){DIM:#}",
                    top.display()
                )?;
            }
        }
        GitOutcome::ExistingRepository => writeln!(
            out,
            "{DIM}git: {} already is a repository; the files are left for you to commit{DIM:#}",
            outcome.target.display()
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
