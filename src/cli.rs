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
  new-service migrations lint                 lint every migration in this repository
  new-service migrations plan rename-column users.phone phone_number --tool alembic
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
    /// Zero-downtime migrations: lint them, and scaffold expand → migrate → contract.
    #[command(subcommand)]
    Migrations(MigrationsCommand),
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

#[derive(Debug, Subcommand)]
pub enum MigrationsCommand {
    /// Lint migrations for changes that break the running release or lock a table.
    #[command(after_help = LINT_EXAMPLES)]
    Lint(LintArgs),
    /// Write a change as expand → migrate → contract: ordered, reversible migrations.
    #[command(subcommand)]
    Plan(PlanCommand),
    /// List the rules, or print one rule's documentation.
    Rules {
        /// A rule id, e.g. drop-column.
        rule: Option<String>,
    },
}

const LINT_EXAMPLES: &str = "\
Examples:
  new-service migrations lint                          every migration in this repository
  new-service migrations lint alembic/versions db/migrations/V7__index.sql
  alembic upgrade head --sql | new-service migrations lint -
  new-service migrations lint --format github          annotations in GitHub Actions
  new-service migrations lint --format sarif > migrations.sarif

Folders are searched by convention: Alembic versions/, Django */migrations/, and .sql files of
Flyway, sqlx, golang-migrate, diesel, Prisma, Liquibase and plain migrations/ folders. Down
scripts and downgrade() are not linted.

A deliberate step carries its reason on the line before it:
  -- new-service-ignore drop-column: no release reads phone since 2.4 (PR #312)
  # new-service-ignore-file index-not-concurrent: lookup table of 40 rows

Exit codes: 0 clean, 1 findings, 2 errors.";

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files or folders to lint; `-` reads SQL from standard input [default: .]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, default_value = "text", value_parser = ["text", "json", "sarif", "github"])]
    pub format: String,

    /// The oldest PostgreSQL major version the migrations run on.
    #[arg(long, value_name = "N", default_value_t = new_service::migrations::engine::DEFAULT_PG_VERSION,
          value_parser = clap::value_parser!(u32).range(9..=99))]
    pub pg_version: u32,
}

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Rename a column: add the new one, keep both in step, backfill, drop the old one.
    #[command(after_help = PLAN_EXAMPLES)]
    RenameColumn {
        /// The column to rename: TABLE.COLUMN or SCHEMA.TABLE.COLUMN.
        target: String,
        /// Its new name.
        new_name: String,
        #[command(flatten)]
        common: PlanArgs,
    },
    /// Change a column's type: fill a new column from a trigger, backfill, swap.
    #[command(after_help = PLAN_EXAMPLES)]
    ChangeType {
        /// The column: TABLE.COLUMN or SCHEMA.TABLE.COLUMN.
        target: String,
        /// The new type, e.g. bigint or 'numeric(12,2)'.
        new_type: String,
        /// Conversion from the current value, like ALTER ... USING (default: a cast).
        #[arg(long, value_name = "EXPR")]
        using: Option<String>,
        /// The current type, which makes the contract step reversible.
        #[arg(long, value_name = "TYPE")]
        from_type: Option<String>,
        #[command(flatten)]
        common: PlanArgs,
    },
    /// Make a column NOT NULL: default and trigger, NOT VALID check, backfill, validate.
    #[command(after_help = PLAN_EXAMPLES)]
    AddNotNull {
        /// The column: TABLE.COLUMN or SCHEMA.TABLE.COLUMN.
        target: String,
        /// The value for existing and future NULLs (an SQL expression, e.g. 'unknown' or now()).
        #[arg(long, value_name = "EXPR")]
        default: String,
        #[command(flatten)]
        common: PlanArgs,
    },
    /// Drop a column: make it optional, stop using it, then drop it.
    #[command(after_help = PLAN_EXAMPLES)]
    DropColumn {
        /// The column: TABLE.COLUMN or SCHEMA.TABLE.COLUMN.
        target: String,
        /// The column's type, which lets the contract's rollback re-add it (empty).
        #[arg(long = "type", value_name = "TYPE")]
        column_type: Option<String>,
        #[command(flatten)]
        common: PlanArgs,
    },
}

const PLAN_EXAMPLES: &str = "\
Examples:
  new-service migrations plan rename-column users.phone phone_number
  new-service migrations plan rename-column users.phone phone_number \\
      --tool alembic --output alembic/versions
  new-service migrations plan change-type orders.amount bigint --from-type integer
  new-service migrations plan change-type events.payload jsonb --using 'payload::jsonb'
  new-service migrations plan add-not-null users.email --default \"''\" --batch-size 5000
  new-service migrations plan drop-column users.legacy_flag --type boolean

With --tool alembic the revisions chain onto the head found in --output (or --down-revision).
Every phase has a rollback; the README written beside them explains the rollout.";

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Write Alembic revisions or plain SQL files (VERSION_name.up.sql / .down.sql).
    #[arg(long, default_value = "sql", value_parser = ["sql", "alembic"])]
    pub tool: String,

    /// Folder to write into [default: ./SLUG].
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,

    /// Unique, indexed column the backfill walks in order.
    #[arg(long, default_value = "id", value_name = "COLUMN")]
    pub key: String,

    /// Rows per backfill batch (one transaction each).
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub batch_size: u32,

    /// Pause between backfill batches, in milliseconds.
    #[arg(long, default_value_t = 0, value_name = "MS")]
    pub pause_ms: u32,

    /// Alembic: the revision the plan follows (`base` for none) [default: the head in --output].
    #[arg(long, value_name = "REV")]
    pub down_revision: Option<String>,

    /// SQL: the version of the first file [default: the current UTC time, YYYYMMDDHHMMSS].
    #[arg(long, value_name = "VERSION")]
    pub start_version: Option<u64>,

    /// Replace files that already exist.
    #[arg(long)]
    pub force: bool,
}
