//! The check pipeline: parse every source, find and validate resources, report
//! duplicates, and return sorted findings. No I/O and no printing happen here.

use crate::catalog::Catalog;
use crate::config::Config;
use crate::diag::{Finding, Location, Severity, sort_findings};
use crate::engine::{self, RuleSet, Settings};
use crate::files::Loaded;
use crate::source::{self, Limits, SourceFile};
use crate::spec::{self, Resource, codes};
use crate::suppress;
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;

/// Settings of one check run.
pub struct CheckOptions<'a> {
    pub limits: Limits,
    pub rules: &'a RuleSet,
    /// Enabled rules by code, with their effective severity.
    pub enabled: &'a HashMap<String, Severity>,
    pub catalog: &'a Catalog,
    pub settings: Settings,
    /// Per-path ignores from the config file.
    pub config: &'a Config,
}

/// What a run found.
#[derive(Debug, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub files: Vec<Arc<SourceFile>>,
    pub resources: Vec<Resource>,
    /// Findings an inline comment suppresses (reported only in JSON and SARIF).
    pub suppressed: Vec<Finding>,
    /// Rules that failed to evaluate: ecslint could not do its job.
    pub failures: Vec<Finding>,
}

/// Checks the given sources.
pub fn check(reads: Vec<Loaded>, options: &CheckOptions<'_>) -> Outcome {
    let mut outcome =
        Outcome { files: reads.iter().map(|r| Arc::clone(&r.file)).collect(), ..Outcome::default() };
    // Rule conditions compile while the files load: on a one-file check (the pre-commit
    // case) compiling CEL would otherwise be the longest step, done on one core.
    let ((), loaded) = rayon::join(
        || options.rules.precompile(options.enabled),
        || {
            let reads = reads.into_par_iter().with_max_len(crate::CHUNK);
            reads.map(|read| load_read(read, options.limits)).collect::<Vec<_>>()
        },
    );
    outcome.resources.reserve(loaded.iter().map(|(_, resources)| resources.len()).sum());
    for (mut findings, resources) in loaded {
        outcome.findings.append(&mut findings);
        outcome.resources.extend(resources);
    }
    // Duplicate names are found on one core while the rules start on the others.
    let (evaluation, ()) = rayon::join(
        || {
            engine::evaluate(
                options.rules,
                options.enabled,
                &outcome.resources,
                options.catalog,
                &options.settings,
            )
        },
        || spec::check_duplicate_names(&outcome.resources, &mut outcome.findings),
    );
    outcome.findings.retain_mut(|finding| match options.enabled.get(&finding.code) {
        Some(severity) => {
            finding.severity = *severity;
            true
        }
        None => false,
    });
    outcome.findings.extend(evaluation.findings);
    outcome.failures = evaluation.failures;
    outcome.findings.retain(|finding| !options.config.ignores(finding));
    let dormant = |selector: &str| dormant(selector, options.rules, options.enabled);
    let unused = suppress::apply(
        &mut outcome.findings,
        &outcome.files,
        options.enabled.get("S008").copied(),
        &dormant,
    );
    // Most runs suppress nothing: then the findings stay where they are.
    if outcome.findings.iter().any(|f| f.suppression.is_some()) {
        let (suppressed, active): (Vec<Finding>, Vec<Finding>) =
            outcome.findings.drain(..).partition(|f| f.suppression.is_some());
        outcome.findings = active;
        outcome.suppressed = suppressed;
    }
    outcome.findings.extend(unused.into_iter().filter(|finding| !options.config.ignores(finding)));
    sort_findings(&mut outcome.findings);
    sort_findings(&mut outcome.suppressed);
    outcome
}

/// Whether a suppression's code names only rules that cannot fire in this run: rules the
/// run disables, or rules that read the check date (`asOf`, `lifecycle.daysLeft`), whose
/// findings come and go with it. A code that names no rule at all is not dormant (a typo).
fn dormant(selector: &str, rules: &RuleSet, enabled: &HashMap<String, Severity>) -> bool {
    let mut named = rules
        .rules()
        .iter()
        .filter(|rule| crate::diag::selector_matches(selector, &rule.info.code, &rule.info.name))
        .peekable();
    named.peek().is_some()
        && named.all(|rule| {
            let dated = rule.conditions().any(|e| e.text.contains("asOf") || e.text.contains("daysLeft"));
            dated || !enabled.contains_key(&rule.info.code)
        })
}

/// What one read gave: its findings (a read problem, a syntax error) and its resources.
fn load_read(read: Loaded, limits: Limits) -> (Vec<Finding>, Vec<Resource>) {
    let mut findings = Vec::new();
    if let Some(problem) = read.problem {
        findings.push(problem);
        return (findings, Vec::new());
    }
    let resources = load(&read.file, limits, &mut findings);
    (findings, resources)
}

/// Parses one file and extracts its resources; a syntax error is an S001 finding.
pub fn load(file: &Arc<SourceFile>, limits: Limits, findings: &mut Vec<Finding>) -> Vec<Resource> {
    match source::parse(file, limits) {
        Ok(documents) => spec::extract(file, documents, findings),
        Err(error) => {
            let at = |span| Location::new(Arc::clone(file), span);
            let mut finding = codes::PARSE_ERROR.finding(error.message, at(error.span));
            finding.help = error.help;
            for (span, message) in error.labels {
                finding = finding.with_label(at(span), message);
            }
            findings.push(finding);
            Vec::new()
        }
    }
}
