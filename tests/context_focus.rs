//! A run over named files loads the whole project for its facts but runs the rules only
//! on the resources whose findings it can report (`project::reportable`, the check's
//! `focus`). This test pins that the narrowing changes nothing that is reported: every
//! fixture of `fixtures/rules/` and `fixtures/context/` is loaded as one project (names
//! taken twice, images used across files, Terraform modules, suppressions, broken files),
//! and for a spread of named files the run with the focus reports exactly what the run
//! without it reports once narrowed to the same files.

use ecslint::catalog::Catalog;
use ecslint::check::{CheckOptions, Focus, Outcome, check};
use ecslint::config::Config;
use ecslint::date::Date;
use ecslint::diag::{Finding, Severity};
use ecslint::engine::{RuleSet, Selection, Settings};
use ecslint::files::{Input, Loaded, decode};
use ecslint::project::{self, Named};
use ecslint::spec::Resource;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Every file under `dir`, by its path from the crate root (tests run there).
fn files_under(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_under(&path, out);
        } else {
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            out.push((path.display().to_string(), bytes));
        }
    }
}

/// What a run reports, as text to compare: every field of every finding but the file's text.
fn report(outcome: &Outcome) -> String {
    let mut out = String::new();
    let one = |out: &mut String, kind: &str, f: &Finding| {
        let _ = writeln!(
            out,
            "{kind} {} {:?} {}@{:?} {:?} help={:?} label={:?} path={:?} resource={:?} data={:?} suppression={:?}",
            f.code,
            f.severity,
            f.location.file.name,
            f.location.span,
            f.message,
            f.help,
            f.label,
            f.path,
            f.resource,
            f.data,
            f.suppression,
        );
        for label in &f.labels {
            let _ = writeln!(
                out,
                "  label {}@{:?} {:?}",
                label.location.file.name, label.location.span, label.message
            );
        }
    };
    for f in &outcome.findings {
        one(&mut out, "finding", f);
    }
    for f in &outcome.suppressed {
        one(&mut out, "suppressed", f);
    }
    for f in &outcome.failures {
        one(&mut out, "failure", f);
    }
    for file in &outcome.files {
        let _ = writeln!(out, "file {}", file.name);
    }
    for resource in &outcome.resources {
        let _ = writeln!(out, "resource {} {:?} {:?}", resource.file.name, resource.kind, resource.name);
    }
    let _ = writeln!(out, "skipped {:?}", outcome.skipped);
    out
}

#[test]
fn rules_on_unreportable_context_resources_change_nothing_reported() {
    let mut files = Vec::new();
    files_under(Path::new("fixtures/rules"), &mut files);
    files_under(Path::new("fixtures/context"), &mut files);
    assert!(files.len() > 300, "the fixtures moved: {} files", files.len());
    let rules = RuleSet::builtin().expect("the built-in rules load");
    let selection = Selection { select: vec!["ALL".into()], ..Selection::default() };
    let enabled: HashMap<String, Severity> = selection.resolve(&rules).expect("ALL selects every rule");
    let catalog = Catalog::builtin().expect("the built-in catalog loads");
    let config = Config::default();
    let iac = ecslint::iac::Options::default();
    let reads =
        || -> Vec<Loaded> { files.iter().map(|(name, bytes)| decode(name.clone(), bytes.clone())).collect() };
    let mut narrowed = 0;
    // Every seventeenth file, and every file of `fixtures/context/`: about thirty runs of each kind.
    let picked: Vec<&String> = files
        .iter()
        .enumerate()
        .filter(|(i, (name, _))| i % 17 == 0 || name.starts_with("fixtures/context"))
        .map(|(_, (name, _))| name)
        .collect();
    for name in &picked {
        let named =
            Named::new(&[Input::File { path: PathBuf::from(name), name: (*name).clone(), explicit: true }]);
        let relocate = |finding: &mut Finding| project::move_duplicate_to_named(finding, &named);
        let focus = |resources: &[Resource]| project::reportable(resources, &named);
        let run = |focus: Option<&Focus<'_>>| {
            let options = CheckOptions {
                limits: ecslint::source::Limits::default(),
                rules: &rules,
                enabled: &enabled,
                catalog: &catalog,
                settings: Settings {
                    as_of: Date::parse("2026-11-22").expect("a date"),
                    ..Settings::default()
                },
                config: &config,
                relocate: Some(&relocate),
                iac: &iac,
                focus,
            };
            let mut outcome = check(reads(), &options);
            project::restrict(&mut outcome, &named);
            report(&outcome)
        };
        let (all, focused) = (run(None), run(Some(&focus)));
        assert_eq!(all, focused, "checking {name} in the project of every fixture");
        // The focus must leave resources out, or this test shows nothing.
        let mut findings = Vec::new();
        let resources: Vec<Resource> = reads()
            .iter()
            .filter(|read| read.problem.is_none() && name_is_spec(&read.file.name))
            .flat_map(|read| {
                ecslint::check::load(&read.file, ecslint::source::Limits::default(), &mut findings)
            })
            .collect();
        let marked = project::reportable(&resources, &named);
        if marked.iter().any(|m| !m) {
            narrowed += 1;
        }
    }
    assert!(narrowed * 2 > picked.len(), "the focus left resources out in only {narrowed} runs");
}

fn name_is_spec(name: &str) -> bool {
    Path::new(name).extension().is_some_and(|e| e == "yaml" || e == "yml")
}
