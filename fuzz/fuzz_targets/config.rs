//! Bytes -> a config file (`ecslint.yaml`): parsing and validation never panic, and the
//! diagnostics about it render inert (see `common::assert_inert`).
#![no_main]

#[path = "common.rs"]
mod common;

use ecslint::config::{ConfigError, parse};
use ecslint::source::SourceFile;
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::Arc;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let file = Arc::new(SourceFile::new("ecslint.yaml", text));
    if let Err(ConfigError::Invalid(findings)) = parse(&file, Path::new("/project")) {
        for finding in &findings {
            common::assert_finding(finding);
        }
        common::assert_renders_inert(&findings);
    }
});
