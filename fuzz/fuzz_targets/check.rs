//! Bytes -> the whole check (parse, schema, duplicate names, every built-in rule),
//! beside one valid spec so cross-file references and S003 have something to meet.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (name, bytes) = common::name_for(data);
    common::CONTEXT.with(|context| {
        let outcome = common::check_beside_a_neighbour(context, name.to_string(), bytes);
        assert!(outcome.failures.is_empty(), "a rule failed to evaluate: {:?}", outcome.failures);
        for finding in outcome.findings.iter().chain(&outcome.suppressed) {
            common::assert_finding(finding);
        }
    });
});
