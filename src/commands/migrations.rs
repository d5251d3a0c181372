//! `new-service migrations`: lint, plan, rules. The engine is `new_service::migrations`; this
//! module only turns arguments into calls and results into terminal output and exit codes.

use std::io::Write as _;
use std::process::ExitCode;

use new_service::migrations::output::Format;
use new_service::migrations::plan::{self, Change, PlanRequest, RenderOptions, Tool};
use new_service::migrations::{LintOptions, RuleId, lint_paths};

use super::{BOLD, DIM, GREEN};
use crate::cli::{LintArgs, MigrationsCommand, PlanArgs, PlanCommand};

pub fn run(command: MigrationsCommand) -> anyhow::Result<ExitCode> {
    match command {
        MigrationsCommand::Lint(args) => run_lint(args),
        MigrationsCommand::Plan(plan) => run_plan(plan).map(|()| ExitCode::SUCCESS),
        MigrationsCommand::Rules { rule } => run_rules(rule.as_deref()).map(|()| ExitCode::SUCCESS),
    }
}

/// Exit 0 when clean, 1 with findings; errors (exit 2) come back as `Err`.
fn run_lint(args: LintArgs) -> anyhow::Result<ExitCode> {
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
