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
    // Every seventeenth file, and every file of `fixtures/context/`: about thirty runs of each kind.
    let (picked, narrowed) =
        compare(&files, &Settings::default(), |i, name| i % 17 == 0 || name.starts_with("fixtures/context"));
    assert!(narrowed * 2 > picked, "the focus left resources out in only {narrowed} of {picked} runs");
}

/// A focused run also makes only the facts its checked resources read (an image's chain,
/// the public image IDs and instance types they name: `World::focused`). Each file of a
/// project built for that is named in turn: chains that cross files, cycles reached
/// from a checked resource and cycles that are not, a public ID that only an unchecked
/// resource names validly, custom image counts over a small quota, and shares.
#[test]
fn facts_made_only_for_checked_resources_change_nothing_reported() {
    let image = |name: &str, extra: &str| {
        format!("kind: Image\nname: {name}\ntype: custom\nregions: [cn-hangzhou]\n{extra}")
    };
    let instance = |name: &str, image: &str, extra: &str| {
        format!(
            "kind: Instance\nname: {name}\nregion: cn-hangzhou\ninstanceType: ecs.g7.large\nimage: {image}\n{extra}"
        )
    };
    let public = "centos_7_9_x64_20G_alibase_20240628.vhd";
    let other_public = "aliyun_3_x64_20G_alibase_20240819.vhd";
    let texts: Vec<(String, String)> = vec![
        ("proj/base.yaml".into(), image("base-img", &format!("derivedFrom: {public}\n"))),
        (
            "proj/mid.yaml".into(),
            image("mid-img", "derivedFrom: base-img\nsharedWith: [\"123456789012\", \"123456789012\", x]\n"),
        ),
        ("proj/app.yaml".into(), instance("app-vm", "mid-img", "count: 2\n")),
        (
            "proj/loop-a.yaml".into(),
            image("loop-a", "derivedFrom: loop-b\nos: {family: ubuntu, version: \"22.04\"}\n"),
        ),
        ("proj/loop-b.yaml".into(), image("loop-b", "derivedFrom: loop-a\narchitecture: arm64\n")),
        ("proj/loop-user.yaml".into(), instance("loop-vm", "loop-b", "")),
        (
            "proj/lone-loop.yaml".into(),
            image("lone-a", "derivedFrom: lone-b\n") + "---\n" + &image("lone-b", "derivedFrom: lone-a\n"),
        ),
        // A child of the named chain: its facts are not needed to check `mid-img`.
        ("proj/child.yaml".into(), image("child-img", "derivedFrom: mid-img\n")),
        ("proj/public-user.yaml".into(), instance("pub-vm", other_public, "")),
        // The same public ID behind a field that fails validation, and an instance type
        // no valid instance uses.
        (
            "proj/public-bad.yaml".into(),
            instance("pub-bad", other_public, "count: -3\nzone: nowhere\n")
                .replace("ecs.g7.large", "ecs.g7.huge"),
        ),
        ("proj/typo.yaml".into(), instance("typo-vm", "mid-imgg", "")),
        (
            "proj/more-1.yaml".into(),
            image("more-1", "os: {family: ubuntu, version: \"20.04\"}\narchitecture: x86_64\n"),
        ),
        ("proj/more-2.yaml".into(), image("more-2", &format!("derivedFrom: {public}\n"))),
        ("proj/dup.yaml".into(), image("base-img", "os: {family: ubuntu, version: \"20.04\"}\n")),
    ];
    let files: Vec<(String, Vec<u8>)> =
        texts.into_iter().map(|(name, text)| (name, text.into_bytes())).collect();
    // Two custom images per region at most: Q002 counts every custom image of the project.
    let settings = Settings { quotas: [("q_user-image-count".to_string(), 2)].into(), ..Settings::default() };
    let (picked, narrowed) = compare(&files, &settings, |_, _| true);
    assert_eq!(picked, files.len());
    assert!(narrowed * 2 > picked, "the focus left resources out in only {narrowed} of {picked} runs");
}

/// Checks each picked file of `files` (one project) with and without the focus, narrowed
/// to that file, and asserts both report the same; returns how many files were picked
/// and in how many runs the focus left resources out.
fn compare(
    files: &[(String, Vec<u8>)],
    settings: &Settings,
    pick: impl Fn(usize, &str) -> bool,
) -> (usize, usize) {
    let rules = RuleSet::builtin().expect("the built-in rules load");
    let selection = Selection { select: vec!["ALL".into()], ..Selection::default() };
    let enabled: HashMap<String, Severity> = selection.resolve(&rules).expect("ALL selects every rule");
    let catalog = Catalog::builtin().expect("the built-in catalog loads");
    let config = Config::default();
    let iac = ecslint::iac::Options::default();
    let reads =
        || -> Vec<Loaded> { files.iter().map(|(name, bytes)| decode(name.clone(), bytes.clone())).collect() };
    let mut narrowed = 0;
    let picked: Vec<&String> =
        files.iter().enumerate().filter(|(i, (name, _))| pick(*i, name)).map(|(_, (name, _))| name).collect();
    for name in &picked {
        let named = Named::new(&[Input::File {
            path: PathBuf::from(name),
            name: (*name).clone(),
            explicit: true,
            stat: None,
        }]);
        let relocate = |finding: &mut Finding| project::move_duplicate_to_named(finding, &named);
        let focus = |resources: &[Resource]| {
            project::reportable(resources, &named, &project::scope(resources, &named))
        };
        let run = |focus: Option<&Focus<'_>>| {
            let options = CheckOptions {
                limits: ecslint::source::Limits::default(),
                rules: &rules,
                enabled: &enabled,
                catalog: &catalog,
                settings: Settings { as_of: Date::parse("2026-11-22").expect("a date"), ..settings.clone() },
                config: &config,
                relocate: Some(&relocate),
                iac: &iac,
                focus,
            };
            let mut outcome = check(reads(), &options);
            project::restrict(&mut outcome, &named, None);
            report(&outcome)
        };
        let (all, focused) = (run(None), run(Some(&focus)));
        assert_eq!(all, focused, "checking {name} in its project");
        // The focus must leave resources out, or this test shows nothing.
        let mut findings = Vec::new();
        let resources: Vec<Resource> = reads()
            .iter()
            .filter(|read| read.problem.is_none() && name_is_spec(&read.file.name))
            .flat_map(|read| {
                ecslint::check::load(&read.file, ecslint::source::Limits::default(), &mut findings)
            })
            .collect();
        let marked = project::reportable(&resources, &named, &project::scope(&resources, &named));
        if marked.iter().any(|m| !m) {
            narrowed += 1;
        }
    }
    (picked.len(), narrowed)
}

fn name_is_spec(name: &str) -> bool {
    Path::new(name).extension().is_some_and(|e| e == "yaml" || e == "yml")
}
