//! Bytes -> a ROS template (the format version prepended, so most inputs reach the ROS
//! front end) -> the whole check, beside one valid spec.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (name, bytes) = common::name_for(data);
    let mut text = if name.ends_with(".json") {
        b"{\"ROSTemplateFormatVersion\": \"2015-09-01\", ".to_vec()
    } else {
        b"ROSTemplateFormatVersion: '2015-09-01'\n".to_vec()
    };
    text.extend_from_slice(bytes);
    common::CONTEXT.with(|context| {
        let outcome = common::check_beside_a_neighbour(context, name.to_string(), &text);
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
