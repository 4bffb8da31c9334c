//! Bytes -> the whole check (parse, schema, duplicate names, every built-in rule),
//! beside one valid spec so cross-file references and S003 have something to meet.
#![no_main]

#[path = "common.rs"]
mod common;

use ecslint::catalog::Catalog;
use ecslint::check::{CheckOptions, check};
use ecslint::config::Config;
use ecslint::date::Date;
use ecslint::diag::Severity;
use ecslint::engine::{RuleSet, Selection, Settings};
use ecslint::files::decode;
use ecslint::source::Limits;
use libfuzzer_sys::fuzz_target;
use std::collections::HashMap;

const NEIGHBOUR: &str = include_str!("../../fixtures/rules/S002/pass-valid-instance-and-image.yaml");

/// Built once: loading the rule set and the catalog costs far more than one input.
struct Context {
    rules: RuleSet,
    enabled: HashMap<String, Severity>,
    catalog: Catalog,
    config: Config,
}

thread_local! {
    static CONTEXT: Context = {
        let rules = RuleSet::builtin().expect("built-in rules load");
        // Every rule, including those off by default.
        let selection = Selection { select: vec!["ALL".into()], ..Selection::default() };
        let enabled = selection.resolve(&rules).expect("ALL selects every rule");
        Context { rules, enabled, catalog: Catalog::builtin().expect("built-in catalog loads"), config: Config::default() }
    };
}

fuzz_target!(|data: &[u8]| {
    let (name, bytes) = common::name_for(data);
    CONTEXT.with(|context| {
        let options = CheckOptions {
            limits: Limits::default(),
            rules: &context.rules,
            enabled: &context.enabled,
            catalog: &context.catalog,
            settings: Settings {
                as_of: Date::parse("2026-11-22").expect("a valid date"),
                ..Settings::default()
            },
            config: &context.config,
            relocate: None,
        };
        let reads =
            vec![decode(name.to_string(), bytes.to_vec()), decode("neighbour.yaml".into(), NEIGHBOUR.into())];
        let outcome = check(reads, &options);
        assert!(outcome.failures.is_empty(), "a rule failed to evaluate: {:?}", outcome.failures);
        for finding in outcome.findings.iter().chain(&outcome.suppressed) {
            common::assert_finding(finding);
        }
    });
});
