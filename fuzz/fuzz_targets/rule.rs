//! Bytes -> a team rule file, loaded as `--rules DIR` loads it (YAML, schema, CEL compilation):
//! never a panic, and the diagnostics about it render inert (see `common::assert_inert`).
#![no_main]

#[path = "common.rs"]
mod common;

use ecslint::engine::{LoadError, RuleSet};
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;

thread_local! {
    /// One directory per fuzzing thread, holding the one rule file under test.
    static DIR: PathBuf = {
        let dir = std::env::temp_dir().join(format!("ecslint-fuzz-rule-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a scratch directory");
        dir
    };
}

fuzz_target!(|data: &[u8]| {
    DIR.with(|dir| {
        std::fs::write(dir.join("ORG001-fuzz.yaml"), data).expect("the rule file is written");
        if let Err(LoadError::Rules(findings)) = RuleSet::load(&[dir.as_path()]) {
            for finding in &findings {
                common::assert_finding(finding);
            }
            common::assert_renders_inert(&findings);
        }
    });
});
