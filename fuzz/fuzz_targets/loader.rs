//! Bytes -> decoding (binary, UTF-16, invalid UTF-8) -> YAML or JSON into the spanned tree.
#![no_main]

#[path = "common.rs"]
mod common;

use ecslint::files::decode;
use ecslint::source::{Limits, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (name, bytes) = common::name_for(data);
    let loaded = decode(name.to_string(), bytes.to_vec());
    if let Some(problem) = &loaded.problem {
        common::assert_finding(problem);
        return;
    }
    let file = &loaded.file;
    match parse(file, Limits::default()) {
        Ok(documents) => {
            for document in &documents {
                common::assert_tree(&file.text, &document.root);
            }
        }
        Err(error) => {
            common::assert_span(&file.text, error.span);
            for (span, _) in &error.labels {
                common::assert_span(&file.text, *span);
            }
        }
    }
});
