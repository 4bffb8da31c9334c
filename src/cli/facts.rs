//! `ecslint facts`: what the rules see for each resource, as JSON. It loads and checks
//! exactly as `check` does (paths, config, catalog, check date), then prints, instead of
//! the findings, the variables rule expressions read.

use super::Failure;
use super::check::{CheckArgs, execute};
use clap::{Args, Parser};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct FactsArgs {
    /// Files, directories or glob patterns, as for `check`; `-` reads standard input
    /// (default: the config's `include` patterns, else ".")
    #[arg(value_name = "PATH|GLOB")]
    pub paths: Vec<String>,
    /// Configuration file (default: ecslint.yaml or .ecslint.yaml, searched upwards)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore any configuration file
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Extra rule directory (repeatable), as for `check`
    #[arg(long = "rules", value_name = "DIR")]
    pub rule_dirs: Vec<PathBuf>,
    /// Extra catalog file (repeatable), as for `check`
    #[arg(long = "catalog", value_name = "FILE")]
    pub catalog_files: Vec<PathBuf>,
    /// Check date, YYYY-MM-DD [default: today, UTC]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
    /// Name to report standard input under
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
}

/// `check`'s options, parsed from words, so `facts` reads its inputs exactly as `check`.
#[derive(Debug, Parser)]
#[command(no_binary_name = true)]
struct CheckWords {
    #[command(flatten)]
    check: CheckArgs,
}

fn check_args(args: &FactsArgs) -> Result<CheckArgs, Failure> {
    let mut words: Vec<std::ffi::OsString> = Vec::new();
    let mut flag = |name: &str, value: std::ffi::OsString| words.extend([name.into(), value]);
    if let Some(config) = &args.config {
        flag("--config", config.clone().into_os_string());
    }
    for dir in &args.rule_dirs {
        flag("--rules", dir.clone().into_os_string());
    }
    for file in &args.catalog_files {
        flag("--catalog", file.clone().into_os_string());
    }
    if let Some(as_of) = &args.as_of {
        flag("--as-of", as_of.into());
    }
    if let Some(name) = &args.stdin_filename {
        flag("--stdin-filename", name.into());
    }
    if args.no_config {
        words.push("--no-config".into());
    }
    // Paths last, after `--`, so one that starts with `-` stays a path.
    words.push("--".into());
    words.extend(args.paths.iter().map(Into::into));
    CheckWords::try_parse_from(words).map(|w| w.check).map_err(|e| Failure::Message(e.to_string()))
}

pub fn run(args: &FactsArgs) -> Result<bool, Failure> {
    let check = check_args(args)?;
    let run = execute(&check)?;
    let mut stderr = std::io::stderr().lock();
    for warning in &run.warnings {
        // Warnings quote paths from the walked tree: escaped, as `check` prints them.
        writeln!(stderr, "warning: {}", crate::diag::escape_untrusted(warning))?;
    }
    // A file that does not parse has no facts: say so, rather than print `[]` in silence.
    for finding in run.outcome.findings.iter().filter(|f| f.code == crate::spec::codes::PARSE_ERROR.code) {
        let at = finding.location.start();
        let message = format!(
            "{}:{}:{}: not read, so it has no facts: {}",
            finding.location.file.name, at.line, at.column, finding.message
        );
        writeln!(stderr, "warning: {}", crate::diag::escape_untrusted(&message))?;
    }
    drop(stderr);
    let facts = crate::engine::export(&run.catalog, &run.settings, &run.outcome.resources);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, &facts).map_err(std::io::Error::from)?;
    writeln!(out)?;
    out.flush()?;
    Ok(false)
}
