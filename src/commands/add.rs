//! `add service` on the terminal: what was (or would be) written.

use std::io::Write as _;

use new_service::add::{self, AddOptions, FileChange};
use new_service::init;

use super::{BOLD, DIM, GREEN};
use crate::cli::AddServiceArgs;

pub fn service(args: AddServiceArgs) -> anyhow::Result<()> {
    let opts = AddOptions {
        name: args.name,
        stack: args.stack,
        set: args.set,
        path: args.path,
        dry_run: args.dry_run,
        allow_dirty: args.allow_dirty,
    };
    // Ctrl-C mid-write: the transaction's staging folder goes; the tree is as it was.
    let _ = ctrlc::set_handler(|| {
        init::abort_cleanup();
        std::process::exit(130);
    });
    let outcome = add::run(&opts)?;
    let mut out = anstream::stdout();
    let added = outcome
        .files
        .iter()
        .filter(|(_, c)| *c == FileChange::Add)
        .count();
    if opts.dry_run {
        writeln!(
            out,
            "{BOLD}Dry run{BOLD:#}: would add service {} ({}) to {}:",
            outcome.service,
            outcome.stack,
            outcome.top.display()
        )?;
    } else {
        writeln!(
            out,
            "{GREEN}Added{GREEN:#} service {} ({}) to {}: {added} new files in services/{}, {} files updated ({} ms)",
            outcome.service,
            outcome.stack,
            outcome.top.display(),
            outcome.service,
            outcome.files.len() - added,
            outcome.elapsed.as_millis()
        )?;
    }
    for (path, change) in &outcome.files {
        let what = match change {
            FileChange::Add => "add   ",
            FileChange::Update => "update",
            FileChange::Merge => "merge ",
        };
        if opts.dry_run || *change != FileChange::Add {
            writeln!(out, "  {what} {path}")?;
        }
    }
    for path in &outcome.left_deleted {
        writeln!(
            out,
            "  {DIM}left deleted: {path} (you removed it; the template would change it){DIM:#}"
        )?;
    }
    if !opts.dry_run {
        writeln!(
            out,
            "\n{BOLD}Next{BOLD:#}: review with `git diff`, then `make test-{}` and commit.",
            outcome.service
        )?;
    }
    Ok(())
}
