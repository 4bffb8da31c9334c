//! `ecslint check`: load the config, collect, read, check, apply the baseline, render,
//! and decide the exit status. Command-line flags win over the config file.

use super::Failure;
use crate::baseline::{Baseline, Keys, Looked};
use crate::check::{CheckOptions, Outcome, check};
use crate::config::{self, Config, ConfigError};
use crate::date::Date;
use crate::diag::{self, BaselineCounts, HumanOptions, Severity, Summary};
use crate::engine::{Selection, Settings};
use crate::files::{self, ReadOptions};
use crate::project;
use crate::spec::Resource;
use clap::{Args, ValueEnum};
use rayon::prelude::*;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// The name standard input is reported under when `--stdin-filename` gives none.
const STDIN_NAME: &str = "<stdin>";

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files, directories or glob patterns; `-` reads standard input (default: the config's
    /// `include` patterns, else ".")
    #[arg(value_name = "PATH|GLOB")]
    pub paths: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Write the report to FILE; the terminal then gets the human rendering
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Lowest severity that makes the exit status 1 [default: error]
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// When to colour the human output (`NO_COLOR` also turns it off)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Configuration file (default: ecslint.yaml or .ecslint.yaml, searched upwards)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore any configuration file
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Name to report standard input under; a file of that path in the project is
    /// replaced by standard input's text (an editor's unsaved buffer)
    #[arg(long, value_name = "NAME", default_value = STDIN_NAME)]
    pub stdin_filename: String,
    /// Check the named files alone, without loading the project around them
    #[arg(long)]
    pub no_context: bool,
    /// Check date for end-of-support rules, YYYY-MM-DD [default: today, UTC]
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
    /// Report only findings not recorded in this baseline file
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file (and exit 0)
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Largest spec file read, in bytes [default: 16 MiB; at most 4 GiB - 1 whatever is given]
    #[arg(long, value_name = "BYTES")]
    pub max_file_size: Option<u64>,
    /// Region of ROS templates, and of Terraform roots whose provider names none
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// A Terraform or Packer input variable, as `terraform -var` takes it (repeatable;
    /// Terraform applies `--var` and `--var-file` in the order given, Packer a `--var` last)
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,
    /// A Terraform variable definitions file, as `terraform -var-file` takes it (repeatable)
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
    /// For each of `vars`, how many of `var_files` come before it on the command line
    /// (`cli::parse`): Terraform applies them in the order given.
    #[arg(skip)]
    pub vars_after_files: Vec<usize>,
}

/// `NAME=VALUE` of `--var`: the name is an identifier, the value anything after the first `=`.
fn parse_var(text: &str) -> Result<(String, String), String> {
    let (name, value) = text.split_once('=').ok_or_else(|| format!("`{text}` is not NAME=VALUE"))?;
    let identifier = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !identifier {
        return Err(format!("`{name}` is not a variable name"));
    }
    Ok((name.to_string(), value.to_string()))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Graphical reports with the underlined snippet and a summary
    Human,
    /// One line per finding: path:line:col: severity[CODE] message
    Concise,
    /// Machine-readable JSON, version 1
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers
    Sarif,
    /// `JUnit` XML: a test suite per file, a test case per finding
    Junit,
    /// GitHub Actions workflow commands (annotations)
    Github,
    /// GitLab Code Quality report
    Gitlab,
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

    fn parse(text: &str) -> Option<Self> {
        <Self as ValueEnum>::from_str(text, false).ok()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// What a check run produced, with the settings rendering needs.
pub struct Run {
    pub outcome: Outcome,
    pub warnings: Vec<String>,
    pub config: Config,
    pub rules: Vec<diag::RuleInfo>,
    /// What `--baseline` hid, for the summary.
    pub baseline_counts: Option<BaselineCounts>,
    /// The run's reference data and settings, for `facts`.
    pub catalog: crate::catalog::Catalog,
    pub settings: Settings,
    /// Every file the run read, when it writes a report or a baseline: the project's files
    /// (the outcome keeps only those it reports on) and the rule files. Never written over.
    pub read: Vec<PathBuf>,
    /// In a run over named files, what it looked for (for the baseline).
    pub named_scope: Option<NamedScope>,
}

/// Loads the config `args` point at (or discover), reporting its problems.
pub(super) fn load_config(args: &CheckArgs) -> Result<Config, Failure> {
    load_config_at(args.config.as_ref(), args.no_config)
}

/// Loads the config at `path` (or discovers one unless `no_config`), reporting its problems.
pub(super) fn load_config_at(path: Option<&PathBuf>, no_config: bool) -> Result<Config, Failure> {
    if no_config {
        return Ok(Config::default());
    }
    let Some(path) = path.cloned().or_else(config::discover) else { return Ok(Config::default()) };
    config::load(&path).map_err(|error| match error {
        ConfigError::Io(message) => Failure::Message(format!("cannot read config file {message}")),
        ConfigError::Invalid(findings) => match super::report_errors(&findings) {
            Ok(()) => Failure::Reported,
            Err(failure) => failure,
        },
    })
}

/// Rejects quota IDs and rule selectors in the config that name nothing (exit status 2).
fn check_config_names(config: &Config, context: &super::RunContext) -> Result<(), Failure> {
    let quotas: Vec<&str> = context.catalog.quotas().map(|q| &*q.id).collect();
    let infos = context.rules.rules().iter().map(|rule| &rule.info);
    let rules: Vec<(&str, &str)> = infos.map(|i| (i.code.as_str(), i.name.as_str())).collect();
    let problems = config.check_names(&quotas, &rules);
    if problems.is_empty() {
        return Ok(());
    }
    Err(match super::report_errors(&problems) {
        Ok(()) => Failure::Reported,
        Err(failure) => failure,
    })
}

/// The codes of the rules whose parameters the config sets (named by code or name).
fn configured_rules(rules: &crate::engine::RuleSet, config: &Config) -> Vec<String> {
    config
        .params
        .iter()
        .filter_map(|entry| rules.find(&entry.rule))
        .map(|rule| rule.info.code.clone())
        .collect()
}

/// Collects, reads and checks what `args` names, without rendering anything.
#[allow(clippy::too_many_lines)]
pub fn execute(args: &CheckArgs) -> Result<Run, Failure> {
    let config = load_config(args)?;
    let collected = if !args.paths.is_empty() {
        files::collect(&args.paths, &args.stdin_filename)
    } else if !config.include.is_empty() {
        files::collect_included(&config.include, &args.stdin_filename)
    } else {
        files::collect(&[".".to_string()], &args.stdin_filename)
    };
    let mut collected = collected.map_err(|e| Failure::Message(e.to_string()))?;
    collected.inputs.retain(|input| !config.excludes(input.name()));
    // An excluded directory that cannot be read is not a file the run was asked to check.
    collected.unreadable.retain(|(name, _)| !config.excludes(name) && !config.excludes(&format!("{name}/")));
    // Project context (DESIGN §5, src/project.rs): paths named on the command line are
    // checked with the rest of the project loaded around them, and the outcome is then
    // narrowed to them (`project::restrict` below). Without paths the run is the project;
    // a directory (or several) is its own context, as a walk always was: otherwise
    // `check examples/` inside a larger repository would count that repository's images.
    // Standard input stands for a file of the project only under `--stdin-filename`: a
    // spec piped in as plain `-` is a run of its own (no S003 against its saved copy).
    let names_files = args.paths.iter().any(|path| {
        if path == "-" { args.stdin_filename != STDIN_NAME } else { !std::path::Path::new(path).is_dir() }
    });
    // The files named on the command line, not found by a walk or loaded as context.
    let explicit: std::collections::HashSet<String> = collected
        .inputs
        .iter()
        .filter(|input| {
            matches!(input, files::Input::File { explicit: true, .. } | files::Input::Stdin { .. })
        })
        .map(|input| input.name().to_string())
        .collect();
    // A file read only because Terraform or Packer reads it beside a named one is part of
    // the named file's module, not named itself: its own findings stay quiet.
    let is_beside = |input: &&files::Input| collected.beside.contains(input.name());
    let mut named = (names_files && !args.no_context && !project::names_the_project(&args.paths, &config))
        .then(|| project::Named::new(collected.inputs.iter().filter(|i| !is_beside(i))));
    if let Some(named) = &named {
        let beside = project::Named::new(collected.inputs.iter().filter(is_beside));
        let context = project::context(named, &beside, &config, &args.stdin_filename)
            .map_err(|e| Failure::Message(e.to_string()))?;
        // The walk's warnings are about files nobody named: they stay quiet.
        collected.inputs.extend(context.inputs);
    }
    let max_file_size =
        args.max_file_size.or(config.max_file_size).unwrap_or(ReadOptions::default().max_file_size);
    let read_options = ReadOptions { max_file_size };
    // Each input is freed once read: its path and name were two of the three copies of a
    // file's path a run held to the end (the `SourceFile` keeps the name), 42 MB for
    // 100,000 files with a long directory name (heaptrack).
    let mut reads = std::mem::take(&mut collected.inputs)
        .into_par_iter()
        .with_max_len(crate::CHUNK)
        .map(|input| files::read(&input, read_options))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Failure::Message(e.to_string()))?;
    // What could not be read is an S001 finding each, so the run's status says so.
    reads.extend(collected.unreadable.iter().map(|(name, why)| files::unreadable(name, why)));
    let rule_dirs: Vec<PathBuf> = config.rule_paths.iter().chain(&args.rule_dirs).cloned().collect();
    let catalog_files: Vec<PathBuf> = config.catalog.iter().chain(&args.catalog_files).cloned().collect();
    // The resource schemas compile on first use, for the kinds the run meets.
    let context = super::load_context(&rule_dirs, &catalog_files)?;
    check_config_names(&config, &context)?;

    let params = crate::engine::params::resolve(&context.rules, &config.params, config.eol_warning_days)
        .map_err(|problems| match super::report_errors(&problems) {
            Ok(()) => Failure::Reported,
            Err(failure) => failure,
        })?;
    let selection = Selection {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        overrides: config.rules.clone(),
        configured: configured_rules(&context.rules, &config),
    };
    let enabled = selection.resolve(&context.rules).map_err(super::load_failure)?;
    // `eolWarningDays`, the variable team rules read, is L002's parameter.
    let eol_warning_days = params
        .get("L002")
        .and_then(|l002| l002.get("eolWarningDays"))
        .and_then(serde_json::Value::as_i64)
        .or(config.eol_warning_days)
        .unwrap_or(Settings::default().eol_warning_days);
    let settings = Settings {
        as_of: args.as_of.or(config.as_of).unwrap_or_else(Date::today),
        eol_warning_days,
        quotas: config.quotas.clone(),
        params,
    };
    let mut var_files = Vec::with_capacity(args.var_files.len());
    for path in &args.var_files {
        let text = files::read_text(path)
            .map_err(|e| Failure::Message(format!("cannot read variable file {}: {e}", path.display())))?;
        var_files.push(std::sync::Arc::new(crate::source::SourceFile::new(files::display_name(path), text)));
    }
    // A `--var-file` is named on the command line too: its syntax errors are reported.
    if let Some(named) = named.as_mut() {
        for file in &var_files {
            named.name_also(file.name.clone());
        }
    }
    let relocate = |finding: &mut diag::Finding| {
        if let Some(named) = &named {
            project::move_duplicate_to_named(finding, named);
        }
    };
    // Rules run only where a finding can be reported (`project::reportable`). The check
    // calls this once, on the resources `restrict` narrows below: their scope is kept
    // for it.
    let mut in_scope = std::sync::OnceLock::new();
    let focus = |resources: &[crate::spec::Resource]| {
        named.as_ref().map_or_else(
            || vec![true; resources.len()],
            |named| {
                let scope = in_scope.get_or_init(|| project::scope(resources, named));
                project::reportable(resources, named, scope)
            },
        )
    };
    let iac = crate::iac::Options {
        region: args.region.clone(),
        vars: args.vars.clone(),
        var_files,
        twins_on_disk: names_files && named.is_none(),
        unknown_vars: Vec::new(),
        vars_after_files: args.vars_after_files.clone(),
        unread: crate::iac::Unread::default(),
    };
    let options = CheckOptions {
        iac: &iac,
        limits: crate::source::Limits::default(),
        rules: &context.rules,
        enabled: &enabled,
        catalog: &context.catalog,
        settings: settings.clone(),
        config: &config,
        relocate: named.is_some().then_some(&relocate),
        focus: named.is_some().then_some(&focus),
    };
    let mut outcome = check(reads, &options);
    // As Terraform does, a `--var` for a variable no root module declares is an error: a
    // typo'd name would otherwise leave the variable at its default, unnoticed. Not with
    // `--no-context`: the named files may be only part of their module (a changed `main.tf`
    // without its `variables.tf`).
    if let Some(name) = outcome.undeclared_vars.first().filter(|_| !args.no_context) {
        let more = outcome.undeclared_vars.len() - 1;
        return Err(Failure::Message(format!(
            "--var {name}: no Terraform root module of the run declares a variable `{name}`{}; declare it in a `variable` block or remove the flag",
            if more > 0 { format!(" (and {more} more undeclared --var)") } else { String::new() }
        )));
    }
    // `--var` and `--var-file` set Terraform and Packer variables; a run with neither (ROS
    // templates take their parameters' `Default`s) would ignore them without a word.
    if (!iac.vars.is_empty() || !iac.var_files.is_empty()) && !reads_variables(&outcome) {
        collected.warnings.push(
            "--var and --var-file set Terraform and Packer variables, and this run has no Terraform module or Packer template: they are not used".to_string(),
        );
    }
    // Kept only for a run that writes a file (10,000 paths a run for nothing otherwise).
    let writes = args.output.is_some() || args.write_baseline.is_some();
    let read: Vec<PathBuf> = if writes {
        // A report or baseline an earlier run wrote into the project (`-o
        // gl-code-quality-report.json`, `--write-baseline b.json`, as a CI job that keeps
        // its work tree runs them again) is no input of the run: writing it again is what
        // the command asks. Only a spec-format file found by a walk, a pattern or the
        // context, not named, that gave no resource and no finding and reads as ecslint's
        // JSON, SARIF or GitLab report or as a baseline; every Terraform and Packer file is
        // an input (`[]` in `main.tf.json` would read as an empty GitLab report).
        let used: std::collections::HashSet<&str> = (outcome.resources.iter().chain(&outcome.context))
            .map(|resource| resource.file.name.as_str())
            .chain(outcome.findings.iter().chain(&outcome.suppressed).map(|f| f.location.file.name.as_str()))
            .collect();
        let files = outcome
            .files
            .iter()
            .filter(|file| {
                explicit.contains(file.name.as_str())
                    || used.contains(file.name.as_str())
                    || crate::source::Frontend::of(&file.name) != crate::source::Frontend::Document
                    || !is_a_report(&file.text)
            })
            .map(|file| &file.name);
        files.chain(context.rules.rules().iter().map(|rule| &rule.file.name)).map(PathBuf::from).collect()
    } else {
        Vec::new()
    };
    let mut baseline_counts = None;
    // A `.tf` file a `.tofu` file takes the place of is news only where it was named: a
    // walk over a module written for both tools would say so at every run.
    outcome.skipped.retain(|note| {
        crate::terraform::eval::shadowed_file(note).is_none_or(|file| explicit.contains(file))
    });
    if let Some(named) = &named {
        project::restrict(&mut outcome, named, in_scope.take());
    }
    let named_scope = named.as_ref().map(|named| NamedScope::new(&outcome, named));
    if let Some(path) = &args.baseline {
        let baseline = read_baseline(path, args)?;
        // `--write-baseline` records the current state, so it sees every finding: with the
        // same file for both, the entries that still match are kept and the fixed ones go.
        if let (Some(baseline), None) = (baseline, &args.write_baseline) {
            let keys = Keys::new(path, &outcome.resources);
            let looked = named_scope.as_ref().map(|scope| scope.looked(&keys));
            let filtered = baseline.filter(std::mem::take(&mut outcome.findings), &keys, looked.as_ref());
            outcome.findings = filtered.findings;
            baseline_counts = Some(BaselineCounts { hidden: filtered.hidden, unmatched: filtered.unmatched });
        }
    }
    // The per-rule cap counts what is reported, so it applies after suppressions and the
    // baseline (`crate::cap`); a run that writes a baseline records every finding made.
    if args.write_baseline.is_none() {
        crate::cap::apply(&mut outcome.findings);
        crate::cap::apply(&mut outcome.suppressed);
    }
    let rules = context.rules.infos();
    Ok(Run {
        outcome,
        warnings: collected.warnings,
        config,
        rules,
        baseline_counts,
        catalog: context.catalog,
        settings,
        read,
        named_scope,
    })
}

/// What a run over named files looked for: the named files, and the resources it reported
/// on elsewhere (`project::restrict` left only those in `outcome.resources`), by kind and name.
pub struct NamedScope {
    files: Vec<String>,
    resources: Vec<(String, String)>,
}

impl NamedScope {
    fn new(outcome: &Outcome, named: &project::Named) -> Self {
        let files = outcome.files.iter().map(|file| &file.name).filter(|name| named.is_named(name));
        let resources = outcome.resources.iter().filter_map(|r| Some((r.kind.as_str(), r.name.as_deref()?)));
        Self {
            files: files.cloned().collect(),
            resources: resources.map(|(kind, name)| (kind.to_string(), name.to_string())).collect(),
        }
    }

    fn looked(&self, keys: &Keys<'_>) -> Looked {
        let resources = self.resources.iter().map(|(kind, name)| (kind.as_str(), name.as_str()));
        Looked::new(keys, self.files.iter().map(String::as_str), resources)
    }
}

/// Whether a file of the run reads `--var` and `--var-file`: a Terraform module or a Packer
/// template (HCL, or legacy JSON, which is known by the resources it made).
fn reads_variables(outcome: &Outcome) -> bool {
    use crate::source::Frontend;
    outcome
        .files
        .iter()
        .any(|file| matches!(Frontend::of(&file.name), Frontend::Terraform | Frontend::Packer))
        || outcome.resources.iter().chain(&outcome.context).any(|resource| {
            resource.iac.as_ref().is_some_and(|extra| extra.origin.format == crate::iac::Format::Packer)
        })
}

/// Whether the run had files and each was skipped with a note (`FILE: skipped: why`).
fn each_skipped_with_a_note(outcome: &Outcome) -> bool {
    let noted: std::collections::HashSet<&str> =
        outcome.skipped.iter().filter_map(|note| crate::check::skipped_file(note)).collect();
    !outcome.files.is_empty() && outcome.files.iter().all(|file| noted.contains(file.name.as_str()))
}

/// Runs `check`; `Ok(true)` when a finding reaches the `--fail-on` threshold.
pub fn run(args: &CheckArgs) -> Result<bool, Failure> {
    let Run { outcome, warnings, config, rules, baseline_counts, read, catalog, settings, named_scope } =
        execute(args)?;
    let mut stderr = std::io::stderr().lock();
    // Facts go stale (DESIGN §2): one line per run, not a finding, so no exit status changes.
    if catalog.is_stale_on(settings.as_of) {
        writeln!(
            stderr,
            "warning: the catalog is dated {}, more than a year before the check date {}: instance types, \
             regions and end-of-support dates may have changed; refresh it with `ecslint catalog import` \
             or upgrade ecslint",
            catalog.date(),
            settings.as_of
        )?;
    }
    for warning in warnings.iter().chain(&outcome.skipped) {
        // Warnings quote paths from the walked tree: a file name must not start a log line.
        writeln!(stderr, "warning: {}", diag::escape_untrusted(warning))?;
    }
    // A job pointed at the wrong directory would otherwise pass forever: say so, but
    // leave the exit status to the findings (a repository may have no specs yet). A file
    // that does not parse or a near-miss `kind` is a finding already, which says enough.
    // Not when each file checked was skipped with a note, which says why already.
    if outcome.resources.is_empty() && outcome.findings.is_empty() && !each_skipped_with_a_note(&outcome) {
        let files = outcome.files.len();
        writeln!(
            stderr,
            "warning: no Instance or Image resource found in {files} file(s) checked; are the paths right?"
        )?;
    }
    // A rule that failed is shown (once, on stderr), the run's findings still are, and
    // the exit status is 2 at the end: ecslint could not check everything it was asked.
    let rules_failed = !outcome.failures.is_empty();
    if rules_failed {
        drop(stderr);
        super::report_errors(&outcome.failures)?;
        stderr = std::io::stderr().lock();
    }
    if let Some(path) = &args.write_baseline {
        if rules_failed {
            // A baseline from a run whose rules did not all run would hide nothing they miss.
            writeln!(stderr, "error: no baseline written: a rule failed")?;
            return Err(Failure::Reported);
        }
        refuse_to_overwrite_an_input(path, &read, &config, args, false)?;
        let keys = Keys::new(path, &outcome.resources);
        let mut baseline = Baseline::from_findings(&outcome.findings, &keys);
        let mut kept = 0;
        // Rewriting the baseline in place after a run over some named files keeps the
        // entries of the files the run did not report on.
        let rewritten = args.baseline.as_deref().filter(|b| files::write::clobbered(path, [*b]).is_some());
        if let Some(old) = rewritten.map(|old| read_baseline(old, args)).transpose()?.flatten() {
            let looked = match &named_scope {
                Some(scope) => scope.looked(&keys),
                None => Looked::new(&keys, outcome.files.iter().map(|file| file.name.as_str()), []),
            };
            kept = baseline.keep_unchecked(&old, &looked);
        }
        files::write::replace(path, |out| out.write_all(baseline.to_json().as_bytes()))
            .map_err(|e| Failure::Message(format!("cannot write baseline {}: {e}", path.display())))?;
        written(&mut stderr, path, &outcome.findings, kept)?;
        return Ok(false);
    }
    drop(stderr);
    // Nothing reads a tree from here on: they are freed, on every core, before the report
    // is made, so that its memory is theirs (the trees were held to the exit, and the report
    // grew the run's peak past them). Their spans stay, as does every file's text.
    let mut outcome = outcome;
    // The project's other resources (`outcome.context`, see `project::restrict`) keep
    // theirs, held since evaluation (the run's peak) and returned by the exit (`forget`
    // below): freeing the 20,000 trees of a 10,000-file project was about 3% of a one-file
    // check in it. The report is only the named files' and those in their scope, so the
    // peak grows only by what it outweighs their own freed trees.
    outcome.resources.par_iter_mut().with_max_len(crate::CHUNK).for_each(Resource::release_tree);
    let summary = Summary {
        baseline: baseline_counts,
        ..Summary::new(outcome.files.len(), outcome.resources.len(), &outcome.findings)
    };
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
        }
    };
    let width = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).unwrap_or(100);
    let human = HumanOptions { color, width };
    let fail_on =
        args.fail_on.or_else(|| config.fail_on.as_deref().and_then(FailOn::parse)).unwrap_or(FailOn::Error);
    let failed = fail_on.threshold().is_some_and(|t| outcome.findings.iter().any(|f| f.severity >= t));
    let stdout = std::io::stdout();
    let mut terminal = std::io::BufWriter::new(stdout.lock());
    let written = match &args.output {
        Some(path) => {
            refuse_to_overwrite_an_input(path, &read, &config, args, true)?;
            files::write::replace(path, |out| {
                render(out, args.format, &outcome, &summary, &rules, human, &config)
            })
            .map_err(|e| Failure::Message(format!("cannot write {}: {e}", path.display())))?;
            render(&mut terminal, OutputFormat::Human, &outcome, &summary, &rules, human, &config)
        }
        None => render(&mut terminal, args.format, &outcome, &summary, &rules, human, &config),
    };
    // A reader that stops early (`| head`) ends the output, not the verdict: the status
    // still says whether findings reached `--fail-on`, so `set -o pipefail` CI stays honest.
    match written.and_then(|()| terminal.flush()) {
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other?,
    }
    // The process exits next: freeing every file's tree and finding one by one took 50 ms
    // of a 10,000-file run, on one core, for memory the exit returns anyway (compilers
    // skip freeing at exit for the same reason). The catalog's hundreds of entries were
    // 0.2 M instructions of a one-file check.
    std::mem::forget(outcome);
    std::mem::forget(catalog);
    if rules_failed {
        return Err(Failure::Reported);
    }
    Ok(failed)
}

/// Whether `text` is a report or a baseline ecslint writes as JSON: its own report
/// (`version`, `findings` and `summary`), a baseline, SARIF (`$schema` naming SARIF, and
/// `runs`), or GitLab's Code Quality (a list of issues, each with a `check_name` and a
/// `fingerprint`, or no issue at all).
fn is_a_report(text: &str) -> bool {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if !trimmed.starts_with(['{', '[']) {
        return false;
    }
    if Baseline::parse(trimmed).is_ok() {
        return true;
    }
    match serde_json::from_str::<serde_json::Value>(trimmed) {
        Ok(serde_json::Value::Object(report)) => {
            let own = ["version", "findings", "summary"].iter().all(|key| report.contains_key(*key));
            let sarif = report
                .get("$schema")
                .and_then(serde_json::Value::as_str)
                .is_some_and(|s| s.contains("sarif"))
                && report.get("runs").is_some_and(serde_json::Value::is_array);
            own || sarif
        }
        Ok(serde_json::Value::Array(issues)) => issues.iter().all(|issue| {
            issue.get("check_name").is_some_and(serde_json::Value::is_string)
                && issue.get("fingerprint").is_some_and(serde_json::Value::is_string)
        }),
        _ => false,
    }
}

/// The baseline at `path`, or `None` when it does not exist yet and this run writes it
/// (`--baseline b.json --write-baseline b.json`, as a CI job that keeps its baseline
/// up to date runs it, on its first run): there is nothing to keep.
fn read_baseline(path: &std::path::Path, args: &CheckArgs) -> Result<Option<Baseline>, Failure> {
    let absolute = |p: &std::path::Path| std::path::absolute(p).ok();
    let written = args
        .write_baseline
        .as_deref()
        .is_some_and(|w| absolute(w).is_some_and(|w| Some(w) == absolute(path)));
    match files::read_text(path) {
        Err(e) if written && e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Failure::Message(format!("cannot read baseline {}: {e}", path.display()))),
        Ok(text) => Baseline::parse(&text)
            .map(Some)
            .map_err(|e| Failure::Message(format!("baseline {}: {e}", path.display()))),
    }
}

/// Refuses (exit 2) to write a report or baseline over a file the run read: a spec, the
/// config, a catalog file, a `--var-file` or, for a report, the baseline (`--baseline b.json
/// --write-baseline b.json` updates the baseline on purpose).
fn refuse_to_overwrite_an_input(
    target: &std::path::Path,
    read: &[PathBuf],
    config: &Config,
    args: &CheckArgs,
    baseline_too: bool,
) -> Result<(), Failure> {
    // `--baseline b.json --write-baseline b.json` rewrites the baseline, which a walk
    // of the project may also have read as a would-be spec.
    let rewriting_baseline = !baseline_too
        && args.baseline.as_deref().is_some_and(|b| files::write::clobbered(target, [b]).is_some());
    let specs = read.iter().map(PathBuf::as_path).filter(|_| !rewriting_baseline);
    let own = config.path.iter().chain(&config.catalog).chain(&args.catalog_files).chain(&args.var_files);
    let baseline = args.baseline.iter().filter(|_| baseline_too);
    let inputs = specs.chain(own.chain(baseline).map(PathBuf::as_path));
    match files::write::clobbered(target, inputs) {
        Some(input) => Err(Failure::Message(format!(
            "refusing to write to {}: it is {}, which this run reads; choose another output path",
            target.display(),
            files::display_name(input)
        ))),
        None => Ok(()),
    }
}

fn render(
    out: &mut dyn Write,
    format: OutputFormat,
    outcome: &Outcome,
    summary: &Summary,
    rules: &[diag::RuleInfo],
    human: HumanOptions,
    config: &Config,
) -> std::io::Result<()> {
    let findings = &outcome.findings;
    match format {
        OutputFormat::Human => {
            diag::render_human(out, findings, human)?;
            diag::render_summary(out, summary)
        }
        OutputFormat::Concise => diag::render_concise(out, findings),
        OutputFormat::Json => diag::render_json(out, findings, &outcome.suppressed, summary),
        OutputFormat::Sarif => {
            // Most runs suppress nothing: then the findings are not copied (200,000 of them
            // took a fifth of that report's memory).
            let joined: Vec<diag::Finding>;
            let all = if outcome.suppressed.is_empty() {
                findings.as_slice()
            } else {
                joined = findings.iter().chain(&outcome.suppressed).cloned().collect();
                joined.as_slice()
            };
            with_report_root(config, |root| diag::render_sarif(out, all, rules, root))
        }
        OutputFormat::Junit => diag::render_junit(out, findings, &outcome.files),
        OutputFormat::Github => with_report_root(config, |root| diag::render_github(out, findings, root)),
        OutputFormat::Gitlab => with_report_root(config, |root| diag::render_gitlab(out, findings, root)),
    }
}

/// Runs `render` with the root the code-host formats report paths from: the Git work tree
/// holding the working directory (code hosts match paths against the repository's, also
/// when the check ran in a subdirectory or the config lives in one), else the project root
/// (the config file's directory, else the working directory). Relative names start from
/// the working directory.
fn with_report_root(
    config: &Config,
    render: impl FnOnce(diag::ReportRoot<'_>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let cwd = std::env::current_dir()?;
    let root = match cwd.ancestors().find(|dir| project::is_git_root(dir)) {
        Some(git) => git.to_path_buf(),
        None => std::path::absolute(project::root(config))?,
    };
    render(diag::ReportRoot { root: &root, base: &cwd })
}

fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text).ok_or_else(|| format!("`{text}` is not a date in the form YYYY-MM-DD"))
}

/// Says how many findings a written baseline records. The engine's notes for findings it
/// never made are not recorded (`Baseline::filter`): a warning says they stay reported.
fn written(
    stderr: &mut impl Write,
    path: &std::path::Path,
    findings: &[diag::Finding],
    kept: u64,
) -> std::io::Result<()> {
    let unmade = findings.iter().filter(|f| f.stands_for_unmade()).count();
    let unparsed = findings.iter().filter(|f| f.code == crate::spec::codes::PARSE_ERROR.code).count();
    let recorded = findings.len() - unmade - unparsed;
    if kept > 0 {
        writeln!(
            stderr,
            "wrote {recorded} finding(s) to the baseline {}, and kept its {kept} finding(s) this run did not look for",
            path.display()
        )?;
    } else {
        writeln!(stderr, "wrote {recorded} finding(s) to the baseline {}", path.display())?;
    }
    if unparsed > 0 {
        writeln!(
            stderr,
            "warning: {unparsed} file(s) that do not parse (S001) cannot be baselined: nothing in them is checked, so they are reported until they parse or are excluded"
        )?;
    }
    if unmade > 0 {
        writeln!(
            stderr,
            "warning: {unmade} note(s) for findings never made (past {} of one rule on one resource) cannot be baselined: they are reported until those resources have fewer",
            crate::cap::MAX_MADE
        )?;
    }
    Ok(())
}
