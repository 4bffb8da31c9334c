//! `ecslint rules` (the rule list) and `ecslint explain` (one rule's docs).

use super::Failure;
use super::check::CheckArgs;
use crate::engine::{Rule, RuleSet, Target};
use clap::{Args, Parser, ValueEnum};
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
    /// Extra rule directory to include (repeatable)
    #[arg(long = "rules", value_name = "DIR")]
    pub rule_dirs: Vec<PathBuf>,
    /// Configuration file whose `rulePaths` are included (default: ecslint.yaml or
    /// .ecslint.yaml, searched upwards, as for `check`)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore any configuration file
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
    /// The Markdown table the README embeds
    Markdown,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule code or name, e.g. `A001` or `image-32bit-memory-limit`
    #[arg(value_name = "CODE|NAME")]
    pub rule: String,
    /// Extra rule directory to include (repeatable)
    #[arg(long = "rules", value_name = "DIR")]
    pub rule_dirs: Vec<PathBuf>,
    /// Configuration file whose `rulePaths` are included (default: ecslint.yaml or
    /// .ecslint.yaml, searched upwards, as for `check`)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore any configuration file
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
}

/// The rules `check` would load with these options: the built-in ones, the config's
/// `rulePaths` and `--rules`, so `rules`, `explain` and `test` show what `check` runs.
pub fn load_configured(check: &CheckArgs) -> Result<RuleSet, Failure> {
    let config = super::check::load_config(check)?;
    let dirs: Vec<&std::path::Path> =
        config.rule_paths.iter().chain(&check.rule_dirs).map(PathBuf::as_path).collect();
    RuleSet::load(&dirs).map_err(super::load_failure)
}

/// `load_configured` for the options of `rules` and `explain`.
fn load(dirs: &[PathBuf], config: Option<&PathBuf>, no_config: bool) -> Result<RuleSet, Failure> {
    // The options go through `check`'s own parser, so the config is found and read
    // exactly as `check` does it.
    let mut words: Vec<std::ffi::OsString> = Vec::new();
    for dir in dirs {
        words.extend(["--rules".into(), dir.clone().into_os_string()]);
    }
    if let Some(config) = config {
        words.extend(["--config".into(), config.clone().into_os_string()]);
    }
    if no_config {
        words.push("--no-config".into());
    }
    let check = CheckWords::try_parse_from(words).map_err(|e| Failure::Message(e.to_string()))?.check;
    load_configured(&check)
}

/// `check`'s options, parsed from words.
#[derive(Debug, Parser)]
#[command(no_binary_name = true)]
struct CheckWords {
    #[command(flatten)]
    check: CheckArgs,
}

const fn target_name(target: Target) -> &'static str {
    match target {
        Target::Instance => "instance",
        Target::Image => "image",
        Target::Builtin => "builtin",
    }
}

pub fn list(args: &RulesArgs) -> Result<bool, Failure> {
    let rules = load(&args.rule_dirs, args.config.as_ref(), args.no_config)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match args.format {
        ListFormat::Json => {
            let list: Vec<_> = rules
                .rules()
                .iter()
                .map(|r| {
                    json!({
                        "code": r.info.code,
                        "name": r.info.name,
                        "severity": r.info.severity,
                        "enabled": r.info.enabled,
                        "on": target_name(r.target),
                        "summary": r.info.summary,
                        "file": r.file.name,
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &list).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        ListFormat::Table => write_table(&mut out, rules.rules())?,
        ListFormat::Markdown => write_markdown(&mut out, rules.rules())?,
    }
    out.flush()?;
    Ok(false)
}

/// The rule table: code, name, severity, whether enabled by default, summary.
pub fn write_table(out: &mut dyn Write, rules: &[Rule]) -> std::io::Result<()> {
    let width = rules.iter().map(|r| r.info.name.len()).max().unwrap_or(4).max(4);
    writeln!(out, "{:<6} {:<width$} {:<8} {:<7} SUMMARY", "CODE", "NAME", "SEVERITY", "ENABLED")?;
    for rule in rules {
        let info = &rule.info;
        let enabled = if info.enabled { "yes" } else { "no" };
        writeln!(
            out,
            "{:<6} {:<width$} {:<8} {:<7} {}",
            info.code,
            info.name,
            info.severity.as_str(),
            enabled,
            info.summary
        )?;
    }
    Ok(())
}

/// The rule table as Markdown, as the README shows it.
pub fn write_markdown(out: &mut dyn Write, rules: &[Rule]) -> std::io::Result<()> {
    writeln!(out, "| Code | Name | Severity | Default | What it checks |")?;
    writeln!(out, "|---|---|---|---|---|")?;
    for rule in rules {
        let info = &rule.info;
        let default = if info.enabled { "on" } else { "off" };
        let summary = info.summary.replace('|', "\\|");
        writeln!(out, "| {} | `{}` | {} | {default} | {summary} |", info.code, info.name, info.severity)?;
    }
    Ok(())
}

pub fn explain(args: &ExplainArgs) -> Result<bool, Failure> {
    let rules = load(&args.rule_dirs, args.config.as_ref(), args.no_config)?;
    let Some(rule) = rules.find(&args.rule) else {
        let hint = rules.suggest(&args.rule).map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
        return Err(Failure::Message(format!("no rule has the code or name `{}`{hint}", args.rule)));
    };
    let mut out = std::io::stdout().lock();
    let info = &rule.info;
    let enabled = if info.enabled { "enabled by default" } else { "off by default" };
    writeln!(out, "# {} {}\n", info.code, info.name)?;
    writeln!(out, "Severity: {} ({enabled}). Runs on: {}.\n", info.severity, target_name(rule.target))?;
    write!(out, "{}", info.description)?;
    if !rule.params.is_empty() {
        writeln!(
            out,
            "\n## Parameters\nSet in the config as `params: {{{}: {{name: value}}}}`.\n",
            info.code
        )?;
        for param in &rule.params {
            let schema = param.schema.as_ref().map(|s| format!(" (schema: {s})")).unwrap_or_default();
            writeln!(out, "- `{}`: {}; default `{}`{schema}", param.name, param.description, param.default)?;
        }
    }
    Ok(false)
}
