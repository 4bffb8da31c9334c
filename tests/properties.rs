//! Property tests: arbitrary bytes, token soups and mutated fixture specs go through
//! decoding, YAML/JSON loading and the whole check without a panic, and every span
//! in a tree, a syntax error or a finding lies inside its file on character
//! boundaries, so no renderer can slice out of bounds.
//!
//! The runs are deterministic (a fixed seed, no failure files) and sized to stay well
//! under 20 s on two cores in a debug build. The rule set and the catalog are built
//! once per test, not per case.

use ecslint::catalog::Catalog;
use ecslint::check::{CheckOptions, Outcome, check};
use ecslint::config::Config;
use ecslint::date::Date;
use ecslint::diag::{Finding, HumanOptions, Severity, Summary, render_human, render_json};
use ecslint::engine::{RuleSet, Selection, Settings};
use ecslint::files::decode;
use ecslint::source::{Limits, Node, SourceFile, Span, Value, parse, parse_json, parse_yaml};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngSeed, TestCaseError, TestRunner};
use std::collections::HashMap;
use std::path::Path;

const CASES: u32 = 256;

/// 256 cases from a fixed seed; `PROPTEST_CASES` and `PROPTEST_RNG_SEED` override them
/// for a longer search (`PROPTEST_CASES=20000 PROPTEST_RNG_SEED=7 cargo test --release --test properties`).
fn runner() -> TestRunner {
    let from_env = ProptestConfig::default();
    let set = |name| std::env::var_os(name).is_some();
    TestRunner::new(ProptestConfig {
        cases: if set("PROPTEST_CASES") { from_env.cases } else { CASES },
        rng_seed: if set("PROPTEST_RNG_SEED") { from_env.rng_seed } else { RngSeed::Fixed(0x00EC_5714) },
        failure_persistence: None,
        max_shrink_iters: 2_000,
        ..from_env
    })
}

/// Runs `test` on `strategy`, failing with the minimal input proptest shrank to.
fn run<S: Strategy>(strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    if let Err(error) = runner().run(&strategy, test) {
        panic!("{error}");
    }
}

// --- Inputs -------------------------------------------------------------------------

/// Every YAML and JSON spec under `fixtures/` except the hostile ones, sorted by path.
fn fixture_specs() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dirs: Vec<String> = ["rules", "examples", "precommit"]
        .iter()
        .map(|d| root.join("fixtures").join(d).display().to_string())
        .collect();
    let collected = ecslint::files::collect(&dirs, "-").expect("the fixture directories exist");
    let mut paths: Vec<&Path> = collected.inputs.iter().filter_map(ecslint::files::Input::path).collect();
    paths.sort();
    let specs: Vec<(String, String)> = paths
        .into_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(path).ok()?;
            let name = path.file_name()?.to_string_lossy().into_owned();
            Some((name, text))
        })
        .collect();
    assert!(specs.len() >= 20, "expected the fixture specs under fixtures/, found {}", specs.len());
    specs
}

/// YAML fragments that, strung together, hit the scanner's corners.
const YAML_TOKENS: &[&str] = &[
    "kind",
    "Instance",
    "Image",
    "name",
    "region",
    "image",
    "instanceType",
    "sharedWith",
    "os",
    ":",
    ": ",
    " ",
    "  ",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "- ",
    "-",
    "[",
    "]",
    "{",
    "}",
    ", ",
    ",",
    "&a ",
    "*a",
    "&b ",
    "*b",
    "<<: ",
    "!!str ",
    "!",
    "'",
    "\"",
    "\\",
    "#",
    " # c",
    "|",
    ">",
    "|-\n  ",
    "---\n",
    "...\n",
    "? ",
    "ü",
    "名前",
    "\u{feff}",
    "\u{2028}",
    "0x1F",
    "1e3",
    "-.inf",
    "~",
    "null",
    "true",
    "yes",
    "%YAML 1.2\n",
    "%TAG ! x\n",
    "cn-hangzhou",
    "ecs.g7.large",
    "x86_64",
    "i386",
    "aliyun_3_x64_20G_alibase_20240819.vhd",
    "\"\\u00e9\"",
];

const JSON_TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    " ",
    "\n",
    "\"",
    "\"kind\"",
    "\"Instance\"",
    "\"Image\"",
    "\"name\"",
    "\"region\"",
    "\"cn-hangzhou\"",
    "\"sharedWith\"",
    "\"count\"",
    "1",
    "-0",
    "1.5e3",
    "1e999",
    "0.",
    "01",
    "true",
    "false",
    "null",
    "nul",
    "\\",
    "\\u",
    "\\ud800",
    "\\udc00",
    "\\n",
    "\\x",
    "ü",
    "\u{feff}",
    "\t",
    "'",
];

fn token_soup(tokens: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(tokens), 0..max).prop_map(|parts| parts.concat())
}

/// One edit of a text; positions are fractions of its length so they always apply.
#[derive(Clone, Debug)]
enum Mutation {
    InsertChar(f64, char),
    InsertByte(f64, u8),
    Delete(f64, usize),
    DuplicateLine(f64),
    Indent(f64, usize),
    Dedent(f64),
    SwapLines(f64, f64),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = 0.0..1.0f64;
    prop_oneof![
        (at.clone(), any::<char>()).prop_map(|(a, c)| Mutation::InsertChar(a, c)),
        (at.clone(), prop::sample::select(&b":-[]{},&*!|>'\"#\n\t \\\r\x00"[..]))
            .prop_map(|(a, b)| Mutation::InsertByte(a, b)),
        (at.clone(), any::<u8>()).prop_map(|(a, b)| Mutation::InsertByte(a, b)),
        (at.clone(), 1..8usize).prop_map(|(a, n)| Mutation::Delete(a, n)),
        at.clone().prop_map(Mutation::DuplicateLine),
        (at.clone(), 1..5usize).prop_map(|(a, n)| Mutation::Indent(a, n)),
        at.clone().prop_map(Mutation::Dedent),
        (at.clone(), at).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
    ]
}

#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
fn index(fraction: f64, len: usize) -> usize {
    ((fraction * len as f64) as usize).min(len)
}

/// Applies `mutation` to raw bytes (a mutation may well leave invalid UTF-8 behind).
fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
    let lines = |bytes: &[u8]| -> Vec<Vec<u8>> {
        bytes.split_inclusive(|&b| b == b'\n').map(<[u8]>::to_vec).collect()
    };
    match *mutation {
        Mutation::InsertChar(at, c) => {
            let at = index(at, bytes.len());
            let mut buffer = [0; 4];
            bytes.splice(at..at, c.encode_utf8(&mut buffer).bytes());
        }
        Mutation::InsertByte(at, b) => {
            let at = index(at, bytes.len());
            bytes.insert(at, b);
        }
        Mutation::Delete(at, n) => {
            let at = index(at, bytes.len());
            let end = (at + n).min(bytes.len());
            bytes.drain(at..end);
        }
        Mutation::DuplicateLine(at) | Mutation::Indent(at, _) | Mutation::Dedent(at) => {
            let mut all = lines(bytes);
            if all.is_empty() {
                return;
            }
            let i = index(at, all.len() - 1);
            let line = all[i].clone();
            match *mutation {
                Mutation::DuplicateLine(_) => all.insert(i, line),
                Mutation::Indent(_, n) => all[i] = [vec![b' '; n], line].concat(),
                _ => all[i] = line.strip_prefix(b" ").map_or(line.clone(), <[u8]>::to_vec),
            }
            *bytes = all.concat();
        }
        Mutation::SwapLines(a, b) => {
            let mut all = lines(bytes);
            if all.is_empty() {
                return;
            }
            let (a, b) = (index(a, all.len() - 1), index(b, all.len() - 1));
            all.swap(a, b);
            *bytes = all.concat();
        }
    }
}

/// A fixture spec with up to six mutations applied.
fn mutated_spec(specs: &[(String, String)]) -> impl Strategy<Value = (String, Vec<u8>)> + use<> {
    let specs = specs.to_vec();
    (0..specs.len(), prop::collection::vec(mutation(), 1..7)).prop_map(move |(i, mutations)| {
        let (name, text) = &specs[i];
        let mut bytes = text.clone().into_bytes();
        for mutation in &mutations {
            apply(&mut bytes, mutation);
        }
        (name.clone(), bytes)
    })
}

// --- Assertions ---------------------------------------------------------------------

fn span_ok(text: &str, span: Span, what: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        span.start() <= span.end() && span.end() <= text.len(),
        "{what} span {span:?} is outside the {}-byte text",
        text.len()
    );
    prop_assert!(
        text.is_char_boundary(span.start()) && text.is_char_boundary(span.end()),
        "{what} span {span:?} splits a character"
    );
    Ok(())
}

fn tree_ok(text: &str, root: &Node) -> Result<(), TestCaseError> {
    let mut pending = vec![root];
    while let Some(node) = pending.pop() {
        span_ok(text, node.span, "node")?;
        match &node.value {
            Value::Seq(items) => pending.extend(items),
            Value::Map(entries) => {
                for entry in entries {
                    span_ok(text, entry.key.span, "key")?;
                    pending.push(&entry.value);
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Loads `text` as YAML or JSON and checks every span of the tree or of the error.
fn load_ok(text: &str, json: bool) -> Result<(), TestCaseError> {
    let result = if json {
        parse_json(text, Limits::default()).map(|root| vec![root])
    } else {
        parse_yaml(text, Limits::default()).map(|documents| documents.into_iter().map(|d| d.root).collect())
    };
    match result {
        Ok(roots) => roots.iter().try_for_each(|root| tree_ok(text, root)),
        Err(error) => {
            span_ok(text, error.span, "error")?;
            error.labels.iter().try_for_each(|(span, _)| span_ok(text, *span, "error label"))
        }
    }
}

fn finding_ok(finding: &Finding) -> Result<(), TestCaseError> {
    let location = &finding.location;
    span_ok(&location.file.text, location.span, &finding.code)?;
    for label in &finding.labels {
        span_ok(&label.location.file.text, label.location.span, "label")?;
    }
    let (start, end) = (location.start(), location.end());
    prop_assert!(start.line >= 1 && start.column >= 1);
    prop_assert!((start.line, start.column) <= (end.line, end.column), "{start:?} after {end:?}");
    Ok(())
}

// --- The check pipeline, built once -------------------------------------------------

struct Pipeline {
    rules: RuleSet,
    enabled: HashMap<String, Severity>,
    catalog: Catalog,
    config: Config,
}

impl Pipeline {
    fn new() -> Self {
        let rules = RuleSet::builtin().expect("the built-in rules load");
        // Every rule, the ones off by default included.
        let selection = Selection { select: vec!["ALL".into()], ..Selection::default() };
        let enabled = selection.resolve(&rules).expect("ALL selects every rule");
        let catalog = Catalog::builtin().expect("the built-in catalog loads");
        Self { rules, enabled, catalog, config: Config::default() }
    }

    fn check(&self, files: Vec<(String, Vec<u8>)>) -> Outcome {
        let options = CheckOptions {
            limits: Limits::default(),
            rules: &self.rules,
            enabled: &self.enabled,
            catalog: &self.catalog,
            settings: Settings { as_of: Date::parse("2026-11-22").expect("a date"), ..Settings::default() },
            config: &self.config,
            relocate: None,
            iac: &ecslint::iac::Options::default(),
            focus: None,
        };
        check(files.into_iter().map(|(name, bytes)| decode(name, bytes)).collect(), &options)
    }

    /// Checks `files`, then asserts on every finding and renders them all.
    fn check_ok(&self, files: Vec<(String, Vec<u8>)>) -> Result<(), TestCaseError> {
        let outcome = self.check(files);
        let failures: Vec<&str> = outcome.failures.iter().map(|f| f.message.as_str()).collect();
        prop_assert!(failures.is_empty(), "rules failed to evaluate: {failures:?}");
        for finding in outcome.findings.iter().chain(&outcome.suppressed) {
            finding_ok(finding)?;
        }
        let summary = Summary::new(outcome.files.len(), outcome.resources.len(), &outcome.findings);
        let mut sink = Vec::new();
        render_json(&mut sink, &outcome.findings, &outcome.suppressed, &summary).expect("writing to a Vec");
        render_human(&mut sink, &outcome.findings, HumanOptions { color: false, width: 80 })
            .expect("writing to a Vec");
        Ok(())
    }
}

// --- Properties ---------------------------------------------------------------------

#[test]
fn arbitrary_bytes_decode_and_load_with_spans_in_bounds() {
    run(prop::collection::vec(any::<u8>(), 0..512), |bytes| {
        for (name, json) in [("any.yaml", false), ("any.json", true)] {
            let loaded = decode(name.into(), bytes.clone());
            if let Some(problem) = &loaded.problem {
                finding_ok(problem)?;
                continue;
            }
            load_ok(&loaded.file.text, json)?;
            let file: &SourceFile = &loaded.file;
            if let Ok(documents) = parse(file, Limits::default()) {
                documents.iter().try_for_each(|d| tree_ok(&file.text, &d.root))?;
            }
        }
        Ok(())
    });
}

#[test]
fn yaml_token_soup_loads_with_spans_in_bounds() {
    run(token_soup(YAML_TOKENS, 80), |text| load_ok(&text, false));
}

#[test]
fn json_token_soup_loads_with_spans_in_bounds() {
    run(token_soup(JSON_TOKENS, 80), |text| load_ok(&text, true));
}

#[test]
fn mutated_fixture_specs_load_with_spans_in_bounds() {
    let specs = fixture_specs();
    run(mutated_spec(&specs), |(_, bytes)| {
        let text = String::from_utf8_lossy(&bytes);
        load_ok(&text, false)?;
        load_ok(&text, true)
    });
}

#[test]
fn mutated_fixture_specs_go_through_the_whole_check() {
    let specs = fixture_specs();
    let pipeline = Pipeline::new();
    // A valid neighbour, so cross-file names, references and S003 have something to meet.
    let neighbour = specs.iter().find(|(name, _)| name == "pass-valid-instance-and-image.yaml").cloned();
    let (neighbour_name, neighbour_text) =
        neighbour.expect("fixtures/rules/S002/pass-valid-instance-and-image.yaml");
    run(mutated_spec(&specs), |(name, bytes)| {
        let files = vec![
            (format!("mutated-{name}"), bytes),
            (neighbour_name.clone(), neighbour_text.clone().into_bytes()),
        ];
        pipeline.check_ok(files)
    });
}

#[test]
fn token_soups_go_through_the_whole_check() {
    let pipeline = Pipeline::new();
    let soups = (token_soup(YAML_TOKENS, 60), token_soup(JSON_TOKENS, 60));
    run(soups, |(yaml, json)| {
        pipeline
            .check_ok(vec![("soup.yaml".into(), yaml.into_bytes()), ("soup.json".into(), json.into_bytes())])
    });
}

#[test]
fn unmutated_fixture_specs_keep_their_spans_in_bounds() {
    let pipeline = Pipeline::new();
    let files: Vec<(String, Vec<u8>)> =
        fixture_specs().into_iter().map(|(name, text)| (name, text.into_bytes())).collect();
    let outcome = pipeline.check(files.clone());
    assert!(outcome.resources.len() > 20, "the fixtures hold resources");
    if let Err(error) = pipeline.check_ok(files) {
        panic!("{error}");
    }
}
