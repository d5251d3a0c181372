//! The `new-service` binary: parse arguments, call the library, talk to the terminal, and turn
//! the result into an exit code (0 success, 1 findings, 2 usage or runtime error).

mod cli;
mod prompt;

use std::io::{IsTerminal as _, Write as _};
use std::process::ExitCode;

use anstyle::{AnsiColor, Style};
use clap::{CommandFactory as _, Parser as _};

use cli::{Cli, Command, InitArgs, LintArgs, MigrationsCommand, PlanArgs, PlanCommand};
use new_service::init::{self, GitOutcome, InitOptions, InitOutcome};

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const GREEN: Style = AnsiColor::Green.on_default().bold();
const RED: Style = AnsiColor::Red.on_default().bold();

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Init(args) => run_init(args).map(|()| ExitCode::SUCCESS),
        Command::Stacks => run_stacks().map(|()| ExitCode::SUCCESS),
        Command::Migrations(command) => run_migrations(command),
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "new-service",
                &mut std::io::stdout(),
            );
            Ok(ExitCode::SUCCESS)
        }
    };
    match result {
        Ok(code) => code,
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
    } else {
        print_created(&outcome)?;
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

fn run_migrations(command: MigrationsCommand) -> anyhow::Result<ExitCode> {
    match command {
        MigrationsCommand::Lint(args) => run_lint(args),
        MigrationsCommand::Plan(plan) => run_plan(plan).map(|()| ExitCode::SUCCESS),
        MigrationsCommand::Rules { rule } => run_rules(rule.as_deref()).map(|()| ExitCode::SUCCESS),
    }
}

/// Exit 0 when clean, 1 with findings; errors (exit 2) come back as `Err`.
fn run_lint(args: LintArgs) -> anyhow::Result<ExitCode> {
    use new_service::migrations::{LintOptions, lint_paths, output::Format};
    let format: Format = args.format.parse().map_err(anyhow::Error::msg)?;
    let mut paths = args.paths;
    let read_stdin = paths.iter().any(|p| p.as_os_str() == "-");
    paths.retain(|p| p.as_os_str() != "-");
    if paths.is_empty() && !read_stdin {
        paths.push(".".into());
    }
    let stdin = if read_stdin {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)?;
        Some(text)
    } else {
        None
    };
    let opts = LintOptions {
        pg_version: args.pg_version,
    };
    let report = lint_paths(&paths, stdin.as_deref(), &opts)?;
    let mut out = anstream::stdout().lock();
    format.render(&mut out, &report)?;
    out.flush()?;
    Ok(if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn run_plan(command: PlanCommand) -> anyhow::Result<()> {
    use new_service::migrations::plan::{self, Change, PlanRequest, RenderOptions, Tool};
    let command_line = std::env::args()
        .skip(1)
        .map(|a| shell_word(&a))
        .collect::<Vec<_>>()
        .join(" ");
    let (target, change, common): (String, Change, PlanArgs) = match command {
        PlanCommand::RenameColumn {
            target,
            new_name,
            common,
        } => (target, Change::RenameColumn { new_name }, common),
        PlanCommand::ChangeType {
            target,
            new_type,
            using,
            from_type,
            common,
        } => (
            target,
            Change::ChangeType {
                new_type,
                using,
                from_type,
            },
            common,
        ),
        PlanCommand::AddNotNull {
            target,
            default,
            common,
        } => (target, Change::AddNotNull { default }, common),
        PlanCommand::DropColumn {
            target,
            column_type,
            common,
        } => (target, Change::DropColumn { column_type }, common),
    };
    let tool: Tool = common.tool.parse()?;
    let built = plan::build(PlanRequest {
        target: target.parse()?,
        change,
        key: common.key,
        batch_size: common.batch_size,
        pause_ms: common.pause_ms,
    })?;
    let output = common
        .output
        .unwrap_or_else(|| std::path::PathBuf::from(&built.slug));
    // A README.md of the project's own must never be replaced: beside other files the plan's
    // README carries its slug.
    let fresh = std::fs::read_dir(&output).map_or(true, |mut d| d.next().is_none());
    let readme = if fresh {
        "README.md".to_string()
    } else {
        format!("{}.README.md", built.slug)
    };
    let mut opts = RenderOptions {
        tool,
        down_revision: None,
        start_version: common
            .start_version
            .unwrap_or_else(|| plan::utc_version(std::time::SystemTime::now())),
        command: format!("new-service {command_line}"),
        readme,
    };
    if tool == Tool::Alembic {
        opts.down_revision = match common.down_revision.as_deref() {
            Some("base" | "none" | "None") => None,
            Some(rev) => Some(rev.to_string()),
            None => {
                // Files this plan (re)writes are not part of the history it chains onto.
                let ours: Vec<String> = plan::render(&built, &opts)?
                    .into_iter()
                    .map(|f| f.name)
                    .collect();
                plan::alembic_head(&output, &ours)?
            }
        };
    }
    let files = plan::render(&built, &opts)?;
    let written = plan::write(&output, &files, common.force)?;
    let mut out = anstream::stdout();
    writeln!(
        out,
        "{GREEN}Planned{GREEN:#} {} in {} phases:",
        built.title,
        built.phases.len()
    )?;
    for path in written {
        writeln!(out, "  {}", path.display())?;
    }
    if let (Tool::Alembic, Some(rev)) = (tool, &opts.down_revision) {
        writeln!(out, "{DIM}chained onto Alembic revision {rev}{DIM:#}")?;
    }
    Ok(())
}

/// Quotes an argument for the command line recorded in generated files.
fn shell_word(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@%+".contains(c));
    if plain {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', "'\\''"))
    }
}

fn run_rules(rule: Option<&str>) -> anyhow::Result<()> {
    use new_service::migrations::RuleId;
    let mut out = anstream::stdout();
    match rule {
        Some(id) => {
            let rule: RuleId = id.parse()?;
            let info = rule.info();
            writeln!(
                out,
                "{BOLD}{}{BOLD:#} ({}) — {}\n",
                info.id,
                info.severity.as_str(),
                info.summary
            )?;
            write!(out, "{}", info.docs_markdown())?;
        }
        None => {
            for rule in RuleId::ALL {
                let info = rule.info();
                writeln!(
                    out,
                    "{BOLD}{:<26}{BOLD:#} {:<8} {}",
                    info.id,
                    info.severity.as_str(),
                    info.summary
                )?;
            }
            writeln!(
                out,
                "\n{DIM}`new-service migrations rules ID` prints a rule's documentation.{DIM:#}"
            )?;
        }
    }
    Ok(())
}
