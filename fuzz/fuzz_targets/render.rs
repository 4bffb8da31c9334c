//! Bytes -> the whole check -> every output format. Each renderer must not panic; the human
//! and concise output must stay inert for terminals and CI logs (see `common::assert_inert`),
//! and the JSON and SARIF reports must be JSON.
//!
//! Input layout: the first byte picks YAML or JSON (as for `check`); if a NUL byte comes
//! within the next 64 bytes, what precedes it is the file's name, so names are fuzzed too.
#![no_main]

#[path = "common.rs"]
mod common;

use ecslint::diag::{self, HumanOptions, SarifRoot, Summary};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fn render(f: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut out = Vec::new();
    f(&mut out).expect("rendering to memory");
    String::from_utf8(out).expect("UTF-8 output")
}

fuzz_target!(|data: &[u8]| {
    let (extension, bytes) = common::name_for(data);
    let (name, bytes) = match bytes.iter().take(64).position(|&b| b == 0) {
        Some(end) => {
            let stem = String::from_utf8_lossy(&bytes[..end]).into_owned();
            (format!("{stem}{extension}"), &bytes[end + 1..])
        }
        None => (extension.to_string(), bytes),
    };
    common::CONTEXT.with(|context| {
        let outcome = common::check_beside_a_neighbour(context, name, bytes);
        let findings = &outcome.findings;
        let summary = Summary::new(outcome.files.len(), outcome.resources.len(), findings);
        let human = HumanOptions { color: false, width: 100 };

        common::assert_inert(&render(|out| diag::render_human(out, findings, human)));
        common::assert_inert(&render(|out| diag::render_concise(out, findings)));
        let json = render(|out| diag::render_json(out, findings, &outcome.suppressed, &summary));
        serde_json::from_str::<serde_json::Value>(&json).expect("the JSON report is JSON");
        let root = Path::new("/project");
        let rules = context.rules.infos();
        let sarif = render(|out| diag::render_sarif(out, findings, &rules, SarifRoot { root, base: root }));
        serde_json::from_str::<serde_json::Value>(&sarif).expect("the SARIF report is JSON");
        let github = render(|out| diag::render_github(out, findings));
        assert_eq!(github.lines().count(), findings.len(), "one workflow command per finding");
        render(|out| diag::render_junit(out, findings, &outcome.files));
        render(|out| diag::render_gitlab(out, findings));
    });
});
