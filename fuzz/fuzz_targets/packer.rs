//! Bytes -> a Packer template (`.pkr.hcl`, or legacy `.pkr.json` when the first byte is
//! odd) -> the whole check, beside one valid spec.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (name, bytes) = common::name_for(data);
    let name = if name.ends_with(".json") { "fuzz.pkr.json" } else { "fuzz.pkr.hcl" };
    common::CONTEXT.with(|context| {
        let outcome = common::check_beside_a_neighbour(context, name.to_string(), bytes);
        assert!(outcome.failures.is_empty(), "a rule failed to evaluate: {:?}", outcome.failures);
        for finding in outcome.findings.iter().chain(&outcome.suppressed) {
            common::assert_finding(finding);
        }
        for resource in &outcome.resources {
            if resource.iac.as_deref().is_some_and(|extra| extra.sites.is_empty()) {
                common::assert_tree(&resource.file.text, &resource.node);
            }
        }
    });
});
