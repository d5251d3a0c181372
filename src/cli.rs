//! Command-line definitions (clap). Only the shape of the interface lives here; `main.rs`
//! turns parsed arguments into library calls.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

const EXAMPLES: &str = "\
Examples:
  new-service init billing-api --yes          scaffold ./billing-api with every default
  new-service init billing-api                ask each question (on a terminal)
  new-service init --dry-run demo --yes       show the files and answers, write nothing
  new-service stacks                          list the embedded templates
  new-service completions bash > /etc/bash_completion.d/new-service

Exit codes: 0 success, 1 findings (audit), 2 usage or runtime error.";

/// Scaffold production-shaped backend services.
#[derive(Debug, Parser)]
#[command(name = "new-service", version, about, after_help = EXAMPLES, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scaffold a new service: app, tests against a real database, CI, deploy and repo hygiene.
    #[command(after_help = INIT_EXAMPLES)]
    Init(InitArgs),
    /// List the templates embedded in this binary.
    Stacks,
    /// Print a shell completion script.
    Completions {
        /// The shell to generate for.
        shell: clap_complete::Shell,
    },
}

const INIT_EXAMPLES: &str = "\
Examples:
  new-service init billing-api --yes
  new-service init billing-api --set python_version=3.13 --set kubernetes=false --yes
  new-service init --answers other-service/.new-service.yaml --set project_name=orders --yes
  new-service init demo --output /tmp/demo --no-git --dry-run --yes
  new-service init demo --template ./my-templates/fastapi --yes

Values come from --set, then --answers, then a prompt (only on a terminal without --yes), then
the template's default, so CI never waits on a prompt. A failed init leaves nothing behind.";

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Service name: lower-case letters, digits and dashes (e.g. billing-api).
    pub name: Option<String>,

    /// Embedded template to use (see `new-service stacks`).
    #[arg(long, default_value = "fastapi", conflicts_with = "template")]
    pub stack: String,

    /// Directory to create the service in [default: ./NAME].
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,

    /// Take the default for every question not answered by --set or --answers; never prompt.
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// Answer a question: KEY=VALUE (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,

    /// Read answers from a YAML file (a flat mapping, or a `.new-service.yaml`).
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,

    /// Render a template directory instead of an embedded stack.
    #[arg(long, value_name = "DIR")]
    pub template: Option<PathBuf>,

    /// Do not create a git repository and initial commit.
    #[arg(long)]
    pub no_git: bool,

    /// Write into a non-empty directory, replacing files the template writes.
    #[arg(long)]
    pub force: bool,

    /// Print the file tree and the answers; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}
