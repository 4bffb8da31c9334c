//! `ecslint check`: collect, read, check, render, and decide the exit status.

use super::Failure;
use crate::check::{CheckOptions, Outcome, check};
use crate::date::Date;
use crate::diag::{self, HumanOptions, Severity, Summary};
use crate::engine::{Selection, Settings};
use crate::files::{self, ReadOptions};
use clap::{Args, ValueEnum};
use rayon::prelude::*;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files, directories or glob patterns; `-` reads standard input
    #[arg(value_name = "PATH|GLOB")]
    pub paths: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Lowest severity that makes the exit status 1
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// When to colour the human output (`NO_COLOR` also turns it off)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Name to report standard input under
    #[arg(long, value_name = "NAME", default_value = "<stdin>")]
    pub stdin_filename: String,
    /// Check date for end-of-support rules, YYYY-MM-DD (default: today, UTC)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub as_of: Option<Date>,
    /// Only these rules: codes, names or code prefixes (`A`, `L00`), comma-separated or repeated
    #[arg(long, value_name = "CODE|NAME", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Skip these rules: codes, names or code prefixes
    #[arg(long, value_name = "CODE|NAME", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Extra rule directory with the same format as the built-in rules (repeatable)
    #[arg(long = "rules", value_name = "DIR")]
    pub rule_dirs: Vec<PathBuf>,
    /// Extra catalog file that adds or replaces reference data (repeatable)
    #[arg(long = "catalog", value_name = "FILE")]
    pub catalog_files: Vec<PathBuf>,
    /// Largest spec file read, in bytes
    #[arg(long, value_name = "BYTES", default_value_t = ReadOptions::default().max_file_size)]
    pub max_file_size: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Graphical reports with the underlined snippet and a summary
    Human,
    /// One line per finding: path:line:col: severity[CODE] message
    Concise,
    /// Machine-readable JSON, version 1
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    /// The lowest severity that fails the run, if any does.
    pub const fn threshold(self) -> Option<Severity> {
        match self {
            Self::Error => Some(Severity::Error),
            Self::Warning => Some(Severity::Warning),
            Self::Info => Some(Severity::Info),
            Self::Never => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Collects, reads and checks what `args` names, without rendering anything.
pub fn execute(args: &CheckArgs) -> Result<(Outcome, Vec<String>), Failure> {
    let paths = if args.paths.is_empty() { vec![".".to_string()] } else { args.paths.clone() };
    let collected =
        files::collect(&paths, &args.stdin_filename).map_err(|e| Failure::Message(e.to_string()))?;
    let read_options = ReadOptions { max_file_size: args.max_file_size };
    let reads = collected
        .inputs
        .par_iter()
        .map(|input| files::read(input, read_options))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Failure::Message(e.to_string()))?;
    let context = super::load_context(&args.rule_dirs, &args.catalog_files)?;
    let selection =
        Selection { select: args.select.clone(), ignore: args.ignore.clone(), overrides: Vec::new() };
    let enabled = selection.resolve(&context.rules).map_err(super::load_failure)?;
    let settings = Settings { as_of: args.as_of.unwrap_or_else(Date::today), ..Settings::default() };
    let options = CheckOptions {
        limits: crate::source::Limits::default(),
        rules: &context.rules,
        enabled: &enabled,
        catalog: &context.catalog,
        settings,
    };
    let outcome = check(reads, &options);
    if !outcome.failures.is_empty() {
        super::report_errors(&outcome.failures)?;
        return Err(Failure::Reported);
    }
    Ok((outcome, collected.warnings))
}

/// Runs `check`; `Ok(true)` when a finding reaches the `--fail-on` threshold.
pub fn run(args: &CheckArgs) -> Result<bool, Failure> {
    let (outcome, warnings) = execute(args)?;
    let mut stderr = std::io::stderr().lock();
    for warning in &warnings {
        writeln!(stderr, "warning: {warning}")?;
    }
    let summary = Summary::new(outcome.files.len(), outcome.resources.len(), &outcome.findings);

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.format {
        OutputFormat::Human => {
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                        && std::io::stdout().is_terminal()
                }
            };
            let width = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).unwrap_or(100);
            diag::render_human(&mut out, &outcome.findings, HumanOptions { color, width })?;
            diag::render_summary(&mut out, &summary)?;
        }
        OutputFormat::Concise => diag::render_concise(&mut out, &outcome.findings)?,
        OutputFormat::Json => diag::render_json(&mut out, &outcome.findings, &summary)?,
    }
    out.flush()?;
    let failed = args.fail_on.threshold().is_some_and(|t| outcome.findings.iter().any(|f| f.severity >= t));
    Ok(failed)
}

fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text).ok_or_else(|| format!("`{text}` is not a date in the form YYYY-MM-DD"))
}
