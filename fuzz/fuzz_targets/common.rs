// Each target uses part of this module.
#![allow(dead_code)]

//! What both targets assert: every span a finding or node carries lies inside its
//! file and on character boundaries, so no renderer can slice out of bounds.

use ecslint::catalog::Catalog;
use ecslint::check::{CheckOptions, Outcome, check};
use ecslint::config::Config;
use ecslint::date::Date;
use ecslint::diag::{Finding, Severity};
use ecslint::engine::{RuleSet, Selection, Settings};
use ecslint::files::decode;
use ecslint::source::{Limits, Node, Span, Value};
use std::collections::HashMap;

const NEIGHBOUR: &str = include_str!("../../fixtures/rules/S002/pass-valid-instance-and-image.yaml");

/// The built-in rules (every one, those off by default too), the catalog and an empty
/// config: built once per thread, since loading them costs far more than one input.
pub struct Context {
    pub rules: RuleSet,
    enabled: HashMap<String, Severity>,
    catalog: Catalog,
    config: Config,
}

thread_local! {
    pub static CONTEXT: Context = {
        let rules = RuleSet::builtin().expect("built-in rules load");
        let selection = Selection { select: vec!["ALL".into()], ..Selection::default() };
        let enabled = selection.resolve(&rules).expect("ALL selects every rule");
        Context { rules, enabled, catalog: Catalog::builtin().expect("built-in catalog loads"), config: Config::default() }
    };
}

/// The whole check of one fuzzed file beside one valid spec, so that cross-file
/// references and S003 have something to meet.
pub fn check_beside_a_neighbour(context: &Context, name: String, bytes: &[u8]) -> Outcome {
    let options = CheckOptions {
        limits: Limits::default(),
        rules: &context.rules,
        enabled: &context.enabled,
        catalog: &context.catalog,
        settings: Settings { as_of: Date::parse("2026-11-22").expect("a valid date"), ..Settings::default() },
        config: &context.config,
        relocate: None,
        iac: &ecslint::iac::Options::default(),
    };
    let reads = vec![decode(name, bytes.to_vec()), decode("neighbour.yaml".into(), NEIGHBOUR.into())];
    check(reads, &options)
}

/// The file name a fuzz input is read as: the first byte picks YAML or JSON, so one
/// corpus exercises both parsers.
pub fn name_for(data: &[u8]) -> (&'static str, &[u8]) {
    match data.split_first() {
        Some((first, rest)) if first % 2 == 1 => ("fuzz.json", rest),
        Some((_, rest)) => ("fuzz.yaml", rest),
        None => ("fuzz.yaml", data),
    }
}

pub fn assert_span(text: &str, span: Span) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "span {span:?} outside a {}-byte text",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "span {span:?} splits a character"
    );
}

pub fn assert_tree(text: &str, root: &Node) {
    let mut pending = vec![root];
    while let Some(node) = pending.pop() {
        assert_span(text, node.span);
        match &node.value {
            Value::Seq(items) => pending.extend(items),
            Value::Map(entries) => {
                for entry in entries {
                    assert_span(text, entry.key.span);
                    pending.push(&entry.value);
                }
            }
            _ => {}
        }
    }
}

pub fn assert_finding(finding: &Finding) {
    let location = &finding.location;
    assert_span(&location.file.text, location.span);
    for label in &finding.labels {
        assert_span(&label.location.file.text, label.location.span);
    }
    // Rendering positions must not panic either.
    let (start, end) = (location.start(), location.end());
    assert!(start.line <= end.line);
}

/// What a CI log and a terminal may receive from the human and concise renderers: no line
/// that starts (after the spaces a runner trims) with `::`, no `##[`, and no control
/// character but the line break and the tab.
pub fn assert_inert(output: &str) {
    for line in output.lines() {
        assert!(!line.trim_start().starts_with("::"), "a line starts with `::`: {line:?}");
        assert!(!line.contains("##["), "a line carries `##[`: {line:?}");
        let bad = line.chars().find(|&c| {
            (c.is_control() && c != '\t') || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}')
        });
        assert!(bad.is_none(), "{bad:?} printed as it is in {line:?}");
    }
}

/// Renders findings about ecslint's own inputs (a config or a rule file) as the CLI does.
pub fn assert_renders_inert(findings: &[Finding]) {
    let mut out = Vec::new();
    let options = ecslint::diag::HumanOptions { color: false, width: 100 };
    ecslint::diag::render_human(&mut out, findings, options).expect("rendering to memory");
    assert_inert(&String::from_utf8(out).expect("UTF-8 output"));
}
