//! The check pipeline: parse every source, find and validate resources, report
//! duplicates, and return sorted findings. No I/O and no printing happen here.

use crate::catalog::Catalog;
use crate::config::Config;
use crate::diag::{Finding, Severity, Suppression, sort_findings};
use crate::engine::{self, RuleSet, Settings};
use crate::files::Loaded;
use crate::source::{self, Limits, SourceFile};
use crate::spec::{self, Resource, codes};
use crate::suppress;
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

/// Marks the resources rules run on (see [`CheckOptions::focus`]).
pub type Focus<'a> = dyn Fn(&[Resource]) -> Vec<bool> + Sync + 'a;

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
    /// Moves a finding to where the run reports it (an S003 between a named file and its
    /// project goes onto the named file), before suppressions are matched: a comment on
    /// the named file's line then suppresses it, and is not called unused (S008).
    pub relocate: Option<&'a (dyn Fn(&mut Finding) + Sync)>,
    /// `--region`, `--var` and `--var-file` for Terraform, ROS and Packer inputs.
    pub iac: &'a crate::iac::Options,
    /// Which of the loaded resources rules run on, when not all: a run over named files
    /// loads the whole project for its facts, and a rule on a context resource whose
    /// findings the run cannot report is work for nothing (`project::reportable`).
    pub focus: Option<&'a Focus<'a>>,
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
    /// Files that do not parse and show no sign of an ecslint resource (a `tsconfig.json`
    /// with comments, a Helm template): not S001, but a warning, as `file: why`; a file
    /// left out whole says so as `file: skipped: why` ([`skipped_file`]).
    pub skipped: Vec<String>,
    /// `--var` names that no Terraform root module of the run declares, when the run has
    /// Terraform root modules and no Packer template (whose variables `--var` also sets).
    pub undeclared_vars: Vec<String>,
    /// The resources a run over named files loaded only as their context, which it does
    /// not report (`project::restrict` moves them here): kept rather than freed one by
    /// one, since the process usually exits next (see `cli::check::run`).
    pub context: Vec<Resource>,
}

/// Checks the given sources.
#[allow(clippy::too_many_lines)]
pub fn check(reads: Vec<Loaded>, options: &CheckOptions<'_>) -> Outcome {
    let mut outcome =
        Outcome { files: reads.iter().map(|r| Arc::clone(&r.file)).collect(), ..Outcome::default() };
    // Specs (and ROS templates) are read a file at a time; Terraform and Packer a
    // directory at a time, since a module's variables, locals and providers span its files.
    let mut documents = Vec::with_capacity(reads.len());
    let (mut terraform, mut packer, mut unread) = (Vec::new(), Vec::new(), Vec::new());
    for read in reads {
        match (source::Frontend::of(&read.file.name), read.problem.is_some()) {
            (source::Frontend::Terraform, false) => terraform.push(read.file),
            (source::Frontend::Packer, false) => packer.push(read.file),
            // A variables file that could not be read is its S001 (below) and, for the
            // front end, a file whose values are not known (`iac::Options::unread`).
            (source::Frontend::Terraform, true) if crate::terraform::eval::is_tfvars(&read.file.name) => {
                terraform.push(Arc::clone(&read.file));
                unread.push(Arc::clone(&read.file));
                documents.push(read);
            }
            (source::Frontend::Packer, true) if crate::packer::is_auto_vars(&read.file) => {
                packer.push(Arc::clone(&read.file));
                unread.push(Arc::clone(&read.file));
                documents.push(read);
            }
            _ => documents.push(read),
        }
    }
    let packer_too = !packer.is_empty();
    let (terraform_iac, packer_iac) = front_end_options(options.iac, unread, &terraform, &packer);
    let (loaded, (mut terraform, mut packer)) = rayon::join(
        || {
            let reads = documents.into_par_iter().with_max_len(crate::CHUNK);
            // Every file's vectors are held until all files are parsed: one finding
            // pushed reserves room for four (1.4 KB), which was the largest part of
            // what 100,000 files with a finding each cost.
            let load = |read| {
                let (findings, resources, skipped) =
                    load_read(read, options.limits, options.iac, options.catalog);
                (source::fit(findings), source::fit(resources), skipped)
            };
            reads.map(load).collect::<Vec<_>>()
        },
        || {
            rayon::join(
                || crate::terraform::load(&terraform, &terraform_iac, options.limits, options.catalog),
                || crate::packer::load(&packer, &packer_iac, options.limits, options.catalog),
            )
        },
    );
    let front_resources = terraform.resources.len() + packer.resources.len();
    outcome
        .resources
        .reserve(front_resources + loaded.iter().map(|(_, resources, _)| resources.len()).sum::<usize>());
    // Room for every finding at once: grown by doubling, the list of 100,000 files' findings
    // held up to twice its size, and each step copied it (a finding is 360 bytes).
    let fronts = terraform.findings.len() + packer.findings.len();
    outcome
        .findings
        .reserve_exact(fronts + loaded.iter().map(|(findings, _, _)| findings.len()).sum::<usize>());
    for (mut findings, resources, skipped) in loaded {
        outcome.findings.append(&mut findings);
        outcome.resources.extend(resources);
        outcome.skipped.extend(skipped);
    }
    if !packer_too {
        outcome.undeclared_vars = std::mem::take(&mut terraform.undeclared_vars);
    }
    // A variables file both front ends read (a Packer one passed with `--var-file` in a run
    // with no template, which Terraform reads as any `-var-file`) has its S001s once, from
    // Terraform (the two parsers may place one error apart).
    if !packer.findings.is_empty() && !terraform.findings.is_empty() {
        let syntax = |f: &&Finding| f.code == codes::PARSE_ERROR.code;
        let by_terraform: foldhash::HashSet<*const SourceFile> =
            terraform.findings.iter().filter(syntax).map(|f| Arc::as_ptr(&f.location.file)).collect();
        packer.findings.retain(|f| !syntax(&f) || !by_terraform.contains(&Arc::as_ptr(&f.location.file)));
    }
    for mut front in [terraform, packer] {
        outcome.findings.append(&mut front.findings);
        outcome.resources.append(&mut front.resources);
        outcome.skipped.append(&mut front.skipped);
    }
    // Rule conditions compile on every core before evaluation, so a one-file check (the
    // pre-commit case) does not compile them one by one on first use; only the rules of the
    // kinds of resource the run has (an image rule's CEL is not compiled for instances).
    let kinds: Vec<spec::Kind> = [spec::Kind::Instance, spec::Kind::Image]
        .into_iter()
        .filter(|kind| outcome.resources.iter().any(|r| r.kind == *kind))
        .collect();
    options.rules.precompile(options.enabled, &kinds);
    let focus = options.focus.map(|focus| focus(&outcome.resources));
    // Duplicate names are found on one core while the rules start on the others.
    let (mut evaluation, ()) = rayon::join(
        || {
            engine::evaluate(
                options.rules,
                options.enabled,
                &outcome.resources,
                options.catalog,
                &options.settings,
                focus.as_deref(),
            )
        },
        || spec::check_duplicate_names(&outcome.resources, &mut outcome.findings),
    );
    crate::packer::once_per_problem(&mut evaluation.findings, &outcome.resources);
    if let Some(relocate) = options.relocate {
        outcome.findings.iter_mut().for_each(relocate);
        merge_duplicates(&mut outcome.findings);
    }
    outcome.findings.retain_mut(|finding| match options.enabled.get(&finding.code) {
        Some(severity) => {
            finding.severity = *severity;
            true
        }
        // A spec that does not parse is always reported: `--select`, `--ignore` and
        // `rules: {S001: off}` could otherwise pass a file nothing was checked in.
        None => finding.code == codes::PARSE_ERROR.code,
    });
    // The rules' findings are most of the run's: the few found before them are added to
    // their list, not the other way round, which copied every finding into a new list while
    // the old one was still held (5 MB at the run's peak on the 10,000-file corpus).
    let early = std::mem::replace(&mut outcome.findings, evaluation.findings);
    if !early.is_empty() {
        let count = early.len();
        // The rules' list has no spare room: without this, `extend` would double it.
        outcome.findings.reserve_exact(count);
        outcome.findings.extend(early);
        outcome.findings.rotate_right(count);
    }
    outcome.failures = evaluation.failures;
    let named = |selector: &str| named_by(selector, options.rules, options.enabled);
    let s008 = options.enabled.get("S008").copied();
    let unknown = || unknown_lines(&outcome.resources);
    let mut unused = suppress::apply(&mut outcome.findings, &outcome.files, s008, &named, &unknown);
    // The config's per-path ignores suppress like comments do, so that JSON and SARIF
    // still list what they hid; an inline comment on the same finding keeps its reason.
    for finding in outcome.findings.iter_mut().chain(&mut unused) {
        if finding.suppression.is_some() {
            continue;
        }
        if let Some(ignore) = options.config.ignored_by(finding) {
            let reason = format!("the config ignores {} in `{}`", ignore.codes.join(", "), ignore.written);
            finding.suppression = Some(Suppression { scope: "config", reason: Some(reason) });
        }
    }
    outcome.findings.append(&mut unused);
    for finding in &mut outcome.findings {
        // Nothing in a file that does not parse is checked, and nothing about an image
        // whose facts a violation leaves unmade: hiding that S001 or S002 would silently
        // switch off the rules there, so it stays reported, saying why.
        let note = if finding.code == codes::PARSE_ERROR.code {
            "an S001 cannot be suppressed, since no rule can check a file that does not parse; list the file under `exclude` in ecslint.yaml if it is not a spec"
        } else if finding.code == codes::SCHEMA_VIOLATION.code
            && finding.data.contains_key(spec::IMAGE_CHECKS_SKIPPED)
        {
            "this S002 cannot be suppressed: until it is fixed, the image's own rules and the image checks of the instances using it are skipped"
        } else {
            continue;
        };
        if finding.suppression.take().is_some() {
            finding.help = Some(match finding.help.take() {
                Some(help) => format!("{help}; {note}"),
                None => note.to_string(),
            });
        }
    }
    // Most runs suppress nothing: then the findings stay where they are.
    if outcome.findings.iter().any(|f| f.suppression.is_some()) {
        let (suppressed, active): (Vec<Finding>, Vec<Finding>) =
            outcome.findings.drain(..).partition(|f| f.suppression.is_some());
        outcome.findings = active;
        outcome.suppressed = suppressed;
    }
    sort_findings(&mut outcome.findings);
    sort_findings(&mut outcome.suppressed);
    outcome
}

/// Where a rule was skipped for a value not known (S011's places, whether S011 is on), for
/// S008; not a region left to `--region`, which every resource of a run without it has at
/// its first line: that would exempt every comment on the line above a resource; nor where
/// an image's `regions` was written (the provider's `region` line, which every resource of
/// a root shares).
fn unknown_lines(resources: &[Resource]) -> suppress::UnknownLines<'_> {
    let mut unknown = suppress::UnknownLines::default();
    let places = resources.iter().filter_map(|r| r.iac.as_deref()).flat_map(|e| &e.unknown);
    for place in places.filter(|place| place.field != "region") {
        let written = place.written.as_ref().filter(|_| place.field != "regions");
        for at in std::iter::once(&place.location).chain(written) {
            unknown.entry(at.file.name.as_str()).or_default().insert(at.start().line);
        }
    }
    unknown
}

/// The run's IaC options as the Terraform and Packer front ends read them, the run's own
/// unless they differ: with the variables files that could not be read
/// (`iac::Options::unread`); with a `--var-file` the run also walked (`terraform.tfvars`)
/// as the walked file itself, so that the front ends see one file and report its errors
/// once (they tell files apart by address); and, for Terraform in a run with a Packer
/// template, without the Packer variables files of `--var-file`, which are Packer's as a
/// `.tfvars` file is never Packer's (the flag serves both tools of a run). Without a
/// template, Terraform reads them as it reads any `-var-file`, whatever its name.
fn front_end_options<'a>(
    iac: &'a crate::iac::Options,
    unread: Vec<Arc<SourceFile>>,
    terraform: &[Arc<SourceFile>],
    packer: &[Arc<SourceFile>],
) -> (Cow<'a, crate::iac::Options>, Cow<'a, crate::iac::Options>) {
    // The same path, however written (`../app/terraform.tfvars` from `app`; through a link
    // to a directory it is another path, and reported under each name); not a walked
    // file that could not be read, which the flag's own reading may have read.
    let walked = |file: &Arc<SourceFile>| {
        let path = crate::files::paths::absolute(std::path::Path::new(&file.name));
        terraform.iter().chain(packer).find(|w| {
            w.base_name() == file.base_name()
                && !Arc::ptr_eq(w, file)
                && !unread.iter().any(|u| Arc::ptr_eq(u, w))
                && crate::files::paths::absolute(std::path::Path::new(&w.name)) == path
        })
    };
    // Each flag's file as the front ends get it, looked up once.
    let var_files: Vec<&Arc<SourceFile>> = iac.var_files.iter().map(|f| walked(f).unwrap_or(f)).collect();
    let same = var_files.iter().zip(&iac.var_files).all(|(given, flag)| Arc::ptr_eq(given, flag));
    let both = if unread.is_empty() && same {
        Cow::Borrowed(iac)
    } else {
        let var_files = var_files.into_iter().map(Arc::clone).collect();
        Cow::Owned(crate::iac::Options { unread: unread.into(), var_files, ..iac.clone() })
    };
    let packers = |f: &Arc<SourceFile>| source::Frontend::of(&f.name) == source::Frontend::Packer;
    let template = packer.iter().any(|f| !crate::packer::is_vars(f));
    if !template || !both.var_files.iter().any(packers) {
        return (both.clone(), both);
    }
    let var_files = both.var_files.iter().filter(|f| !packers(f)).cloned().collect();
    // Each `--var` after as many of the files kept as it came after before.
    let kept_before = |n: usize| both.var_files.iter().take(n).filter(|f| !packers(f)).count();
    let vars_after_files = both.vars_after_files.iter().map(|&n| kept_before(n)).collect();
    let terraform = crate::iac::Options { var_files, vars_after_files, ..(*both).clone() };
    (Cow::Owned(terraform), both)
}

/// Relocated S003s that land on the same place are one finding: a name defined first in
/// a named file and again in three project files gave three findings at the named file's
/// definition, one per other definition. The one kept has every other definition as a label.
fn merge_duplicates(findings: &mut Vec<Finding>) {
    let mut first: HashMap<(String, usize, usize, String), usize> = HashMap::new();
    let mut kept: Vec<Finding> = Vec::with_capacity(findings.len());
    for finding in findings.drain(..) {
        if finding.code != codes::DUPLICATE_NAME.code {
            kept.push(finding);
            continue;
        }
        let location = &finding.location;
        let key =
            (location.file.name.clone(), location.span.start(), location.span.end(), finding.message.clone());
        if let Some(earlier) = first.get(&key).and_then(|&i| kept.get_mut(i)) {
            for label in finding.labels {
                let seen = earlier.labels.iter().any(|l| {
                    l.location.file.name == label.location.file.name && l.location.span == label.location.span
                });
                if !seen {
                    earlier.labels.push(label);
                }
            }
        } else {
            first.insert(key, kept.len());
            kept.push(finding);
        }
    }
    *findings = kept;
}

/// The names through which an expression reads the check date: `asOf` itself, and the
/// lifecycle facts counted from it (`daysLeft`, `lastDaysLeft`, `extendedSupport.daysLeft`).
const DATED: [&str; 3] = ["asOf", "daysLeft", "lastDaysLeft"];

/// What a suppression's code names: no rule at all (a typo, or a reason without `--`), only
/// rules that cannot fire in this run (dormant: rules the run disables, or rules that read
/// the check date ([`DATED`]), whose findings come and go with it), or a
/// rule that may fire.
fn named_by(selector: &str, rules: &RuleSet, enabled: &HashMap<String, Severity>) -> suppress::Named {
    let mut named = rules
        .rules()
        .iter()
        .filter(|rule| crate::diag::selector_matches(selector, &rule.info.code, &rule.info.name))
        .peekable();
    if named.peek().is_none() {
        return suppress::Named::Nothing;
    }
    let dormant = named.all(|rule| {
        let dated = rule.conditions().any(|e| DATED.iter().any(|name| e.text.contains(name)));
        dated || !enabled.contains_key(&rule.info.code)
    });
    if dormant { suppress::Named::Dormant } else { suppress::Named::Live }
}

/// The file a note of [`Outcome::skipped`] says was left out whole (`file: skipped: why`),
/// or `None` for a note of another kind (a bound, a module call not read).
pub fn skipped_file(note: &str) -> Option<&str> {
    note.split_once(": skipped: ").map(|(file, _)| file)
}

/// What one read gave: its findings (a read problem, a syntax error), its resources, and
/// its notes: that it was skipped as another tool's file, or what its front end left out
/// (a Terraform file of a ROS `Workspace` that is not read, a bound).
fn load_read(
    read: Loaded,
    limits: Limits,
    iac: &crate::iac::Options,
    catalog: &Catalog,
) -> (Vec<Finding>, Vec<Resource>, Vec<String>) {
    let mut findings = Vec::new();
    if let Some(problem) = read.problem {
        findings.push(*problem);
        return (findings, Vec::new(), Vec::new());
    }
    let file = &read.file;
    // pre-commit passes every changed `.hcl` file; one neither Terraform's nor Packer's
    // (`terragrunt.hcl`, `.terraform.lock.hcl`, a Nomad job) is no YAML to read, and may
    // even parse as one plain scalar: it is skipped, and says so.
    if file.name.to_ascii_lowercase().ends_with(".hcl") {
        let note = format!(
            "{}: skipped: an `.hcl` file of another tool (ecslint reads Terraform's `.tf`, `.tofu` and `.tfvars` and Packer's `.pkr.hcl` and `.pkrvars.hcl`)",
            file.name
        );
        return (findings, Vec::new(), vec![note]);
    }
    let parsed = match source::parse(file, limits) {
        // A ROS template is often YAML in a file named `.json`: read by its content.
        Err(error)
            if file.format() == source::Format::Json
                && !file.text.trim_start_matches('\u{feff}').trim_start().starts_with(['{', '['])
                && crate::ros::shows_a_template(&file.text) =>
        {
            source::parse_yaml_tagged(&file.text, limits).map_err(|_| error)
        }
        parsed => parsed,
    };
    match parsed {
        Ok(documents) => {
            let mut resources = Vec::new();
            let mut skipped = Vec::new();
            let mut specs = Vec::with_capacity(documents.len());
            // A ROS template or a legacy Packer JSON template is read by its front end.
            for document in documents {
                let mut front = if crate::ros::is_template(&document) {
                    crate::ros::extract(file, document, iac, catalog)
                } else if crate::packer::is_json_template(&document) {
                    // Packer gives a YAML tag no meaning (its templates are JSON).
                    let mut document = document;
                    source::untag(&mut document.root, &file.text);
                    crate::packer::extract_json(file, document, iac, catalog)
                } else {
                    specs.push(document);
                    continue;
                };
                findings.append(&mut front.findings);
                resources.append(&mut front.resources);
                skipped.append(&mut front.skipped);
            }
            resources.extend(spec::extract(file, specs, &mut findings));
            (findings, resources, skipped)
        }
        // Repositories hold other YAML and JSON (JSON with comments, templates), and
        // pre-commit passes every changed file: one that shows no sign of a resource
        // must not block a commit. A broken spec names its kind or its fields, and a broken
        // ROS or Packer JSON template its format version or builder type, so it is still S001.
        Err(error)
            if !exceeds_a_limit(&error)
                && !spec::shows_a_resource(&file.text)
                && !crate::ros::shows_a_template(&file.text) =>
        {
            let note = format!(
                "{}: skipped: it is not valid {} ({}) and shows no sign of an ecslint resource (no `kind: Instance` or `kind: Image`)",
                file.name,
                if file.format() == source::Format::Json { "JSON" } else { "YAML" },
                error.message
            );
            (findings, Vec::new(), vec![note])
        }
        Err(error) => {
            findings.push(codes::parse_error(file, error));
            (findings, Vec::new(), Vec::new())
        }
    }
}

/// Whether a parse stopped at one of the limits that protect ecslint from hostile input
/// (nesting depth, alias expansion, tokens queued): such a file is S001 whatever it holds,
/// since the parser stopped before it could tell.
fn exceeds_a_limit(error: &source::SyntaxError) -> bool {
    error.message.contains("deeper than") || error.message.contains("more than")
}

/// Parses one file and extracts its resources; a syntax error is an S001 finding.
pub fn load(file: &Arc<SourceFile>, limits: Limits, findings: &mut Vec<Finding>) -> Vec<Resource> {
    match source::parse(file, limits) {
        Ok(documents) => spec::extract(file, documents, findings),
        Err(error) => {
            findings.push(codes::parse_error(file, error));
            Vec::new()
        }
    }
}
