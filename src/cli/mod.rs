//! The command line: clap definitions and one module per subcommand.
//!
//! Exit statuses (DESIGN §5): 0 when no finding is at or above `--fail-on`, 1 when one
//! is, 2 when ecslint could not do its job. A closed output pipe exits 0.

mod check;

use clap::{Parser, Subcommand};
use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

pub use check::{CheckArgs, ColorChoice, FailOn, OutputFormat};

#[derive(Debug, Parser)]
#[command(
    name = "ecslint",
    version,
    about = "Lint Alibaba Cloud ECS instance and image specs before you deploy"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check spec files, directories or glob patterns (default ".")
    Check(CheckArgs),
}

/// Why a command could not do its job (exit status 2).
#[derive(Debug)]
pub enum Failure {
    /// Already rendered to the user (diagnostics with spans).
    Reported,
    /// A message to print as `error: ...`.
    Message(String),
    /// Writing the output failed.
    Io(std::io::Error),
}

impl From<std::io::Error> for Failure {
    fn from(error: std::io::Error) -> Self {
        Self::Io(error)
    }
}

/// Runs the command line and returns the exit status.
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match cli.command {
        Command::Check(args) => check::run(&args),
    };
    match result {
        Ok(failed) => ExitCode::from(u8::from(failed)),
        Err(Failure::Io(error)) if error.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Failure::Reported) => ExitCode::from(2),
        Err(Failure::Io(error)) => {
            let _ = writeln!(std::io::stderr(), "error: {error}");
            ExitCode::from(2)
        }
        Err(Failure::Message(message)) => {
            let _ = writeln!(std::io::stderr(), "error: {message}");
            ExitCode::from(2)
        }
    }
}
