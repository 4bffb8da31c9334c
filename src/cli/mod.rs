//! The command line: clap definitions and one module per subcommand.
//!
//! Exit statuses (DESIGN §5): 0 when no finding is at or above `--fail-on`, 1 when one
//! is, 2 when ecslint could not do its job. A closed output pipe ends the output quietly:
//! `check` still exits with the status its findings give; the other commands exit 0.

mod catalog;
mod check;
mod facts;
mod rules;
mod schema;
mod test;

use crate::catalog::Catalog;
use crate::diag::Finding;
use crate::engine::{LoadError, RuleSet};
use clap::{Parser, Subcommand};
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
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

// One command is made per run: `check`'s many options are not worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
enum Command {
    /// Check spec files, directories or glob patterns (default ".")
    Check(CheckArgs),
    /// List the rules: code, name, severity, whether enabled by default
    Rules(rules::RulesArgs),
    /// Show a rule's documentation
    Explain(rules::ExplainArgs),
    /// Run rule tests: pass-*/fail-* spec fixtures under <CODE>/ directories
    Test(test::TestArgs),
    /// Print a JSON Schema
    Schema(schema::SchemaArgs),
    /// Print what the rules see for each resource, as JSON
    Facts(facts::FactsArgs),
    /// Show the reference data, or import it from the API's answers
    Catalog(catalog::CatalogArgs),
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

/// The rules and catalog of a run.
pub struct RunContext {
    pub rules: RuleSet,
    pub catalog: Catalog,
}

/// Loads the built-in and user rules and catalog; problems are reported and exit 2.
pub fn load_context(rule_dirs: &[PathBuf], catalog_files: &[PathBuf]) -> Result<RunContext, Failure> {
    let dirs: Vec<&Path> = rule_dirs.iter().map(PathBuf::as_path).collect();
    // Rules and catalog are independent and each takes milliseconds: load them side by side.
    let (rules, catalog) = rayon::join(|| RuleSet::load(&dirs), || load_catalog(catalog_files));
    Ok(RunContext { rules: rules.map_err(load_failure)?, catalog: catalog? })
}

pub(crate) fn load_catalog(catalog_files: &[PathBuf]) -> Result<Catalog, Failure> {
    let mut texts: Vec<(String, String)> = Vec::new();
    for path in catalog_files {
        let text = crate::files::read_text(path)
            .map_err(|e| Failure::Message(format!("cannot read catalog file {}: {e}", path.display())))?;
        texts.push((crate::files::display_name(path), text));
    }
    let borrowed: Vec<(&str, &str)> = texts.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    let failure = |e: crate::catalog::CatalogError| Failure::Message(e.to_string());
    Catalog::builtin_with(Catalog::yaml_values(&borrowed).map_err(failure)?).map_err(failure)
}

/// Turns a rule-loading error into a failure, printing rule-file diagnostics.
pub fn load_failure(error: LoadError) -> Failure {
    match error {
        LoadError::Message(message) => Failure::Message(message),
        LoadError::Rules(findings) => match report_errors(&findings) {
            Ok(()) => Failure::Reported,
            Err(failure) => failure,
        },
    }
}

/// Prints diagnostics about ecslint's own inputs (rule files, config) to standard error.
/// Their messages quote at most a short excerpt of the file they are about.
pub fn report_errors(findings: &[Finding]) -> Result<(), Failure> {
    let mut stderr = std::io::stderr().lock();
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal();
    let findings: Vec<Finding> = findings
        .iter()
        .map(|finding| {
            let mut finding = finding.clone();
            finding.message = crate::files::excerpt(&finding.message);
            finding.help = finding.help.as_deref().map(crate::files::excerpt);
            finding
        })
        .collect();
    crate::diag::render_human(&mut stderr, &findings, crate::diag::HumanOptions { color, width: 100 })?;
    Ok(())
}

/// The threads of the global pool, 0 for rayon's default (`RAYON_NUM_THREADS`, else one per
/// core). A check of one named file without its project (`--no-context`, the pre-commit
/// case with every rule) has little to share out, and a second thread cost more than it
/// gave: median wall 4.3 ms with two threads, 3.8 ms with one, on the 2-core machine. The
/// output does not depend on the thread count; a `RAYON_NUM_THREADS` the user sets wins.
fn threads(command: &Command, threads_set: bool) -> usize {
    match command {
        Command::Check(args) if args.no_context && !threads_set => match args.paths.as_slice() {
            [one] if Path::new(one).is_file() => 1,
            _ => 0,
        },
        _ => 0,
    }
}

/// Runs the command line and returns the exit status. Called from the main thread (as the
/// binary does), a one-file check runs on it, and rayon keeps that thread registered with
/// the command's one-thread pool afterwards: later rayon work on it runs on that thread
/// alone. Call it from another thread to keep rayon's global pool for your own work.
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let cli = match parse(args) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
        }
    };
    let threads = threads(&cli.command, std::env::var_os("RAYON_NUM_THREADS").is_some());
    // The whole command runs on one of the pool's threads, which the main thread waits for
    // once. Run from the main thread, each `rayon::join` and parallel loop of the command
    // handed its work to the pool and put the main thread to sleep until it was done: about
    // 25 context switches in a one-file check, each a wait for the scheduler on a busy
    // machine. A pool of our own, unlike the global one, does not wait for its threads to
    // start (one more such wait). Its threads have the stack the command needs
    // (`STACK_SIZE`). Where no pool can be made, the command runs here, with rayon's global
    // pool, as an embedder's code would.
    in_pool(threads, || execute(cli.command))
}

/// The command line, with the order of `check`'s `--var` and `--var-file` options, which the
/// derived parser does not keep between two lists.
fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Cli, clap::Error> {
    use clap::{CommandFactory, FromArgMatches};
    let matches = Cli::command().try_get_matches_from(args)?;
    let mut cli = Cli::from_arg_matches(&matches).map_err(|e| e.format(&mut Cli::command()))?;
    if let (Command::Check(check), Some(("check", sub))) = (&mut cli.command, matches.subcommand()) {
        let files: Vec<usize> = sub.indices_of("var_files").map(Iterator::collect).unwrap_or_default();
        check.vars_after_files = sub
            .indices_of("vars")
            .map(|vars| vars.map(|at| files.iter().filter(|&&file| file < at).count()).collect())
            .unwrap_or_default();
    }
    Ok(cli)
}

/// Runs `work` on a thread of a new pool of `threads` threads (0: rayon's default), or here
/// when no pool can be made.
fn in_pool<R: Send>(threads: usize, work: impl FnOnce() -> R + Send) -> R {
    let builder = || rayon::ThreadPoolBuilder::new().stack_size(crate::STACK_SIZE).num_threads(threads);
    let here = std::thread::current();
    if threads == 1
        && rayon::current_thread_index().is_none()
        && main_stack_suffices(here.name(), main_stack_limit())
        && let Ok(pool) = builder().use_current_thread().build()
    {
        // The pool's one thread is this one: no thread to start, hand the work to and
        // wait for. rayon keeps this thread registered with the pool after it is dropped,
        // which only matters if the caller goes on to use rayon (the binary exits).
        return pool.install(work);
    }
    if let Ok(pool) = builder().build() {
        return pool.install(work);
    }
    // Give the global pool the same stack, as before the command had a pool of its own:
    // with rayon's default (2 MiB) deep input overflows it. Best effort: if this fails
    // too, rayon's own first use says why.
    let _ = builder().build_global();
    work()
}

/// Stack a command needs on the main thread, which grows up to its limit (`ulimit -s`) as
/// it is used. The deepest recursion of a check is a user's CEL expression at the operator
/// bound: under 0.5 MiB in a release build (1,000 chained `+` overflowed 256 KiB, not
/// 512 KiB), about 3.5 MiB in a debug build. 8 MiB is Linux's default limit.
const MAIN_STACK_NEEDED: u64 = 8 << 20;

/// Whether a command may run on the calling thread instead of a pool thread with
/// [`crate::STACK_SIZE`]: only on the main thread (the limit says nothing of other
/// threads' stacks), and only when its stack may grow to [`MAIN_STACK_NEEDED`].
fn main_stack_suffices(thread_name: Option<&str>, limit: u64) -> bool {
    thread_name == Some("main") && limit >= MAIN_STACK_NEEDED
}

/// The main thread's stack limit in bytes: `u64::MAX` when unlimited, 0 where it is not
/// known.
fn main_stack_limit() -> u64 {
    #[cfg(unix)]
    return rustix::process::getrlimit(rustix::process::Resource::Stack).current.unwrap_or(u64::MAX);
    #[cfg(not(unix))]
    return 0;
}

/// Runs a parsed command and maps its result to the exit status.
fn execute(command: Command) -> ExitCode {
    let result = match command {
        Command::Check(args) => check::run(&args),
        Command::Rules(args) => rules::list(&args),
        Command::Explain(args) => rules::explain(&args),
        Command::Test(args) => test::run(&args),
        Command::Schema(args) => schema::run(&args),
        Command::Facts(args) => facts::run(&args),
        Command::Catalog(args) => catalog::run(&args),
    };
    match result {
        Ok(failed) => ExitCode::from(u8::from(failed)),
        Err(Failure::Io(error)) if error.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Failure::Reported) => ExitCode::from(2),
        Err(Failure::Io(error)) => {
            let _ =
                writeln!(std::io::stderr(), "error: {}", crate::diag::escape_untrusted(&error.to_string()));
            ExitCode::from(2)
        }
        Err(Failure::Message(message)) => {
            // Messages may quote a file's text (a catalog's serde error quotes the value) or
            // an argument (a path from a pull request's file list): clipped, and escaped so
            // that none can write to the terminal or issue a CI log command.
            let excerpt = crate::files::excerpt(&message);
            let _ = writeln!(std::io::stderr(), "error: {}", crate::diag::escape_untrusted(&excerpt));
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command(args: &[&str]) -> Command {
        let args = ["ecslint"].iter().chain(args).map(OsString::from);
        Cli::try_parse_from(args).unwrap_or_else(|e| panic!("{e}")).command
    }

    #[test]
    fn only_the_main_thread_with_stack_enough_runs_a_command_itself() {
        let mib = |n: u64| n << 20;
        assert!(main_stack_suffices(Some("main"), mib(8)));
        assert!(main_stack_suffices(Some("main"), mib(64)));
        assert!(main_stack_suffices(Some("main"), u64::MAX), "unlimited");
        assert!(!main_stack_suffices(Some("main"), mib(4)), "`ulimit -s 4096`");
        assert!(!main_stack_suffices(Some("main"), 0), "limit not known");
        assert!(!main_stack_suffices(Some("a test"), mib(8)), "the limit is the main thread's");
        assert!(!main_stack_suffices(None, u64::MAX));
    }

    #[test]
    fn a_command_runs_on_a_thread_of_its_own_pool() {
        for threads in [1, 2, 3] {
            let (index, count) =
                in_pool(threads, || (rayon::current_thread_index(), rayon::current_num_threads()));
            assert!(index.is_some(), "the work runs on one of the pool's threads, not the caller's");
            assert_eq!(count, threads);
            // Its parallel work stays in that pool.
            let counts: Vec<usize> = in_pool(threads, || {
                use rayon::prelude::*;
                (0..64).into_par_iter().map(|_| rayon::current_num_threads()).collect()
            });
            assert!(counts.iter().all(|&c| c == threads));
        }
    }

    #[test]
    fn one_named_file_without_its_project_runs_on_one_thread() {
        let file = "fixtures/examples/instances/web.yaml";
        assert_eq!(threads(&command(&["check", "--no-context", file]), false), 1);
        // Rayon's default otherwise: in its project, two files, a directory, a set
        // RAYON_NUM_THREADS, another command.
        assert_eq!(threads(&command(&["check", file]), false), 0);
        assert_eq!(threads(&command(&["check", "--no-context", file, file]), false), 0);
        assert_eq!(threads(&command(&["check", "--no-context", "fixtures"]), false), 0);
        assert_eq!(threads(&command(&["check", "--no-context", file]), true), 0);
        assert_eq!(threads(&command(&["rules"]), false), 0);
    }
}
