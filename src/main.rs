//! The `new-service` binary: parse arguments, call the library, talk to the terminal, and turn
//! the result into an exit code (0 success, 1 findings, 2 usage or runtime error).

mod cli;
mod commands;
mod prompt;

use std::io::Write as _;
use std::process::ExitCode;

use clap::{CommandFactory as _, Parser as _};

use cli::{AddCommand, Cli, Command, GithubCommand};

fn main() -> ExitCode {
    tune_allocator();
    // A bug must not print what it was reading: the default hook would quote a file's content
    // (which may hold a secret) when a string slice fails.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let message = new_service::audit::run::panic_message(info.payload());
        let _ = writeln!(
            std::io::stderr(),
            "new-service: internal error{at}: {message}; please report this bug"
        );
    }));
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Init(args) => commands::init::run(args).map(|()| ExitCode::SUCCESS),
        Command::Add(AddCommand::Service(args)) => {
            commands::add::service(args).map(|()| ExitCode::SUCCESS)
        }
        Command::Audit(args) => commands::audit::run(args),
        Command::Explain { id, checklist } => commands::audit::explain(&id, &checklist),
        Command::Checks { checklist, schema } => commands::audit::list(&checklist, schema),
        Command::Stacks => commands::init::stacks().map(|()| ExitCode::SUCCESS),
        Command::Migrations(command) => commands::migrations::run(command),
        Command::Github(GithubCommand::Protect(args)) => {
            commands::github::run_protect(args).map(|()| ExitCode::SUCCESS)
        }
        Command::Github(GithubCommand::Secrets(args)) => {
            commands::github::run_secrets(args).map(|()| ExitCode::SUCCESS)
        }
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
    result.unwrap_or_else(|e| {
        // `new-service audit | head`: the reader left; that is not an error worth a message.
        if e.chain().any(|c| {
            c.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
        }) {
            return ExitCode::SUCCESS;
        }
        let red = commands::RED;
        let mut err = anstream::stderr();
        let _ = write!(err, "{red}error{red:#}: {e}");
        let mut source = e.source();
        while let Some(s) = source {
            let _ = write!(err, ": {s}");
            source = s.source();
        }
        let _ = writeln!(err);
        ExitCode::from(2)
    })
}

/// glibc grows each thread's heap a few pages at a time, with an `mprotect` per step; an audit
/// allocates the repository's text from several threads at once, and those calls (2,100 on
/// netbox's 2,239 files) queue on the address-space lock that page faults take too. With a
/// 64 MiB pad (the most a thread's heap holds) a heap is made writable in one call: 44 calls
/// on the same tree, about 15 ms less system time. It reserves address space only; pages are
/// still touched lazily, so the resident size does not change.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_allocator() {
    const TOP_PAD: libc::c_int = 64 << 20;
    // SAFETY: `mallopt` only sets a tunable; it is called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_TOP_PAD, TOP_PAD);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_allocator() {}
