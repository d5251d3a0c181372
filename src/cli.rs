//! Command-line definitions (clap). Only the shape of the interface lives here; `main.rs`
//! turns parsed arguments into library calls.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use new_service::github::RepoName;

const EXAMPLES: &str = "\
Examples:
  new-service init billing-api --yes          scaffold ./billing-api with every default
  new-service init shop --layout monorepo --yes
                                              services/api + services/backoffice, one models package
  new-service add service billing             one more service in that monorepo
  new-service init billing-api                ask each question (on a terminal)
  new-service init --dry-run demo --yes       show the files and answers, write nothing
  new-service stacks                          list the embedded templates
  new-service init billing-api --yes --github acme/billing-api --private
                                              scaffold, create the GitHub repo, push, protect
  new-service github protect acme/billing-api protect main: reviews, CI checks, no force push
  new-service github secrets acme/billing-api --from-env .env.ci
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
    /// Add to a repository made by `init`: `add service NAME` in a monorepo.
    #[command(subcommand)]
    Add(AddCommand),
    /// Check a repository against the backend A-to-Z checklist.
    #[command(after_help = AUDIT_EXAMPLES)]
    Audit(AuditArgs),
    /// Print a check's documentation: what it checks, why, how to fix it.
    Explain {
        /// Check id, e.g. tests.on-pull-request.
        id: String,
        /// Checklist to look the id up in: a-to-z or a file.
        #[arg(long, default_value = "a-to-z", value_name = "NAME|FILE")]
        checklist: String,
    },
    /// List the checks of a checklist with their levels.
    Checks {
        /// Checklist: a-to-z or a file.
        #[arg(long, default_value = "a-to-z", value_name = "NAME|FILE")]
        checklist: String,
        /// Print the JSON Schema of the checklist format instead.
        #[arg(long)]
        schema: bool,
    },
    /// List the templates embedded in this binary.
    Stacks,
    /// Protect a GitHub repository and hand its CI the secrets it needs.
    #[command(subcommand, after_help = GITHUB_HELP)]
    Github(GithubCommand),
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
  new-service init billing-api --yes --github acme/billing-api --private
  new-service init shop --layout monorepo --yes              services/api + services/backoffice
  new-service init shop --layout monorepo --services api,billing,backoffice --yes

Values come from --set, then --answers, then a prompt (only on a terminal without --yes), then
the template's default, so CI never waits on a prompt. A failed init leaves nothing behind.

With --github OWNER/REPO, init then creates that repository on GitHub (for your user, or in the
organisation OWNER), pushes the initial commit, and runs `new-service github protect` on it.";

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

    /// One service at the root, or a monorepo: services under services/ sharing one models
    /// package, one lockfile and one database.
    #[arg(long, value_enum, default_value = "service")]
    pub layout: LayoutArg,

    /// The monorepo's services, NAME or NAME:STACK, comma-separated [default: api,backoffice].
    #[arg(long, value_name = "NAMES", value_delimiter = ',', requires = "layout")]
    pub services: Option<Vec<String>>,

    /// Do not create a git repository and initial commit.
    #[arg(long)]
    pub no_git: bool,

    /// Write into a non-empty directory, replacing files the template writes.
    #[arg(long)]
    pub force: bool,

    /// Print the file tree and the answers; write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// After the local commit, create OWNER/REPO on GitHub, push, and protect it.
    #[arg(long, value_name = "OWNER/REPO", conflicts_with = "no_git")]
    pub github: Option<RepoName>,

    /// Make the GitHub repository private (with --github).
    #[arg(long, requires = "github")]
    pub private: bool,
}

#[derive(Debug, Subcommand)]
pub enum AddCommand {
    /// Add a service to a monorepo made by `init --layout monorepo`.
    ///
    /// Renders services/NAME and registers it in the workspace, the lockfile, the CI path
    /// filters, jobs and gate, Dependabot, CODEOWNERS and .new-service.yaml. All or nothing:
    /// a failure leaves the repository exactly as it was.
    #[command(after_help = ADD_EXAMPLES)]
    Service(AddServiceArgs),
}

const ADD_EXAMPLES: &str = "\
Examples:
  new-service add service billing
  new-service add service billing --dry-run          list what would be written or changed
  new-service add service admin --stack backoffice
  new-service add service billing --path ../shop --set description='Invoices and payments'

Files the template changes (the CI workflow, CODEOWNERS, ...) are merged with your own edits:
a change of yours is kept; where both touch the same lines, nothing is written and the files
are named. The work tree must be clean, so `git diff` shows exactly what was added.";

#[derive(Debug, Args)]
pub struct AddServiceArgs {
    /// The service's name: lower-case letters, digits and dashes (e.g. billing).
    pub name: String,

    /// Embedded template of the service [default: fastapi; backoffice for a service named
    /// backoffice].
    #[arg(long)]
    pub stack: Option<String>,

    /// Answer one of the stack's questions for this service: KEY=VALUE (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,

    /// The monorepo (any folder inside it).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub path: PathBuf,

    /// List the files that would be written or changed; write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Run on a work tree with uncommitted changes.
    #[arg(long)]
    pub allow_dirty: bool,
}

/// How the repository is organised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LayoutArg {
    /// One service at the repository root.
    Service,
    /// Several services in one repository (services/NAME), the DB models defined once in
    /// packages/PACKAGE_models, CI split per service behind one gate job.
    Monorepo,
}

const GITHUB_HELP: &str = "\
The token comes from GITHUB_TOKEN, then GH_TOKEN, then `gh auth token`; the API from
GITHUB_API_URL (default https://api.github.com; for GitHub Enterprise Server,
https://HOST/api/v3). The token is never printed.

Exit codes: 0 success, 2 error (401 bad token, 403 missing permission or plan, 404 no such
repository or no access, 422 refused by GitHub, rate limit).";

#[derive(Debug, Subcommand)]
pub enum GithubCommand {
    /// Require reviews and passing CI on a branch; block force pushes and deletion.
    ///
    /// Applies the policy: a pull request with at least one approval, stale approvals
    /// dismissed, conversations resolved, the required status checks, force pushes and deletion
    /// blocked, admins included. Also turns on secret scanning, push protection and Dependabot
    /// security updates where the plan allows (a refusal is reported, not fatal). A second run
    /// changes nothing and says so.
    #[command(after_help = PROTECT_EXAMPLES)]
    Protect(ProtectArgs),
    /// Upload Actions secrets from a dotenv file (encrypted locally; names are printed, never
    /// values).
    #[command(after_help = SECRETS_EXAMPLES)]
    Secrets(SecretsArgs),
}

const PROTECT_EXAMPLES: &str = "\
Examples:
  new-service github protect acme/billing-api
  new-service github protect acme/billing-api --dry-run
  new-service github protect acme/billing-api --checks test --checks lint
  new-service github protect acme/billing-api --branch release --mode classic

By default the required checks are the jobs of ./.github/workflows that run on every pull
request: a gate job alone where one needs all the others (a monorepo made by init), else each
such job (a matrix job gives one check per combination). Never a job skipped on pull requests
(a deploy) nor one of a workflow filtered by paths: a required check that never runs keeps pull
requests waiting. Run it in a checkout of the repository, or pass --dir or --checks.";

const SECRETS_EXAMPLES: &str = "\
Examples:
  new-service github secrets acme/billing-api --from-env .env.ci
  new-service github secrets acme/billing-api --from-env .env.ci --only DATABASE_URL,SENTRY_DSN

The file holds KEY=VALUE lines (`export`, quotes and # comments allowed).";

/// How the policy is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ModeArg {
    /// A repository ruleset named `new-service`.
    Ruleset,
    /// Classic branch protection.
    Classic,
}

#[derive(Debug, Args)]
pub struct ProtectArgs {
    /// The repository, OWNER/REPO.
    #[arg(value_name = "OWNER/REPO")]
    pub repo: RepoName,

    /// The branch to protect [default: the repository's default branch].
    #[arg(long, short)]
    pub branch: Option<String>,

    /// Store the policy as a ruleset or as classic branch protection.
    #[arg(long, value_enum, default_value = "ruleset")]
    pub mode: ModeArg,

    /// Required status checks, instead of the workflow jobs (repeatable, or comma-separated).
    #[arg(long, value_name = "NAME", num_args = 1.., value_delimiter = ',')]
    pub checks: Option<Vec<String>>,

    /// The checkout whose workflows name the checks.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,

    /// Read the current settings and print the requests that would change them; send none.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct SecretsArgs {
    /// The repository, OWNER/REPO.
    #[arg(value_name = "OWNER/REPO")]
    pub repo: RepoName,

    /// The dotenv file to read.
    #[arg(long, value_name = "FILE")]
    pub from_env: PathBuf,

    /// Upload only these names (repeatable, or comma-separated).
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub only: Vec<String>,
}

const AUDIT_EXAMPLES: &str = "\
Examples:
  new-service audit                              audit the current directory
  new-service audit services/billing --level silver
  new-service audit --format sarif --output audit.sarif
  new-service audit --format markdown >> \"$GITHUB_STEP_SUMMARY\"
  new-service audit --only tests.in-ci,tests.on-pull-request --format json
  new-service audit --checklist team.yaml        a checklist that `extends: a-to-z`

Exit codes: 0 no failing check at or below --level, 1 failing checks, 2 usage or runtime error.
Waive a check with a reason in .new-service.yaml:
  audit:
    waive:
      - id: docs.ci-badge
        reason: the status is shown on the team dashboard";

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Repository or service folder to audit.
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// Checklist: a-to-z (embedded) or a YAML file that may `extends: a-to-z`.
    #[arg(long, default_value = "a-to-z", value_name = "NAME|FILE")]
    pub checklist: String,

    /// Output format.
    #[arg(long, short, default_value = "text", value_parser = ["text", "json", "sarif", "junit", "markdown", "github"])]
    pub format: String,

    /// Write the report to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// When to exit 1: on a failing check at or below --level, or never.
    #[arg(long, default_value = "fail", value_parser = ["fail", "never"])]
    pub fail_on: String,

    /// Judge up to this level; checks above it are informational.
    #[arg(long, default_value = "gold", value_parser = ["bronze", "silver", "gold"])]
    pub level: String,

    /// Run only these checks (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub only: Vec<String>,

    /// Do not run these checks (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub skip: Vec<String>,

    /// The GitHub repository whose settings the remote checks read [default: from `origin`].
    #[arg(long, value_name = "OWNER/REPO", conflicts_with = "offline")]
    pub github: Option<new_service::github::RepoName>,

    /// Do not look up repository settings on GitHub (remote checks are `unknown`).
    #[arg(long)]
    pub offline: bool,

    /// Files larger than this many bytes are not read (reported as skipped).
    #[arg(long, default_value_t = new_service::repo::DEFAULT_MAX_FILE_SIZE, value_name = "BYTES")]
    pub max_file_size: u64,

    /// Print how long reading the repository and each check took, to stderr.
    #[arg(long)]
    pub timings: bool,

    /// Judge only the migrations added since this git revision (a tag, branch or commit), so
    /// a long-lived project is not buried under its history [default: every migration].
    #[arg(long, value_name = "REF")]
    pub since: Option<String>,

    /// Audit as of this date (YYYY-MM-DD) for end-of-life tables [default: today].
    #[arg(long, env = "NEW_SERVICE_TODAY", value_name = "DATE", hide = true)]
    pub today: Option<String>,
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
