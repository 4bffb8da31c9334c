//! Hostile YAML against the source layer's bounds (issue 13.2 and 13.9): aliases are
//! bounded in the bytes they copy, not only in nodes, and the parser's token guard counts
//! what the parser holds, so valid files with huge block or quoted scalars still parse.
//!
//! As in `tests/hostile.rs`, each case is generated at run time under
//! `CARGO_TARGET_TMPDIR`, runs the built binary with a generous deadline (a hang guard,
//! never a timing assertion) beside a valid spec that must still be checked, and reads
//! the JSON report. Time and peak memory are measured outside the tests (see the report
//! of the change), with `/usr/bin/time -v target/debug/ecslint check FILE`.

mod common;

use common::{AS_OF, ecslint, run_with_deadline};
use serde_json::Value;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

const GOOD: &str = "fixtures/hostile/good.yaml";

/// A fresh directory for one test's generated inputs and captured output.
fn scratch(test: &str) -> PathBuf {
    common::scratch_in_target("source_hostile", test)
}

/// Runs `ecslint check --as-of AS_OF --format json FILE GOOD`; returns the exit status and
/// the report. Output goes to files, so a large report cannot stall on a full pipe.
fn check(dir: &Path, file: &Path) -> (i32, Value) {
    let mut command = ecslint();
    // The file is a project of its own, not a file of ecslint's repository.
    command
        .args(["check", "--no-config", "--no-context", "--as-of", AS_OF, "--format", "json"])
        .arg(file)
        .arg(GOOD);
    let run = run_with_deadline(command, dir, None);
    let report = run.json();
    (run.code.expect("an exit status"), report)
}

/// The findings on files whose name ends with `file`.
fn findings<'a>(report: &'a Value, file: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .map(|all| all.iter().filter(|f| f["file"].as_str().is_some_and(|n| n.ends_with(file))).collect())
        .unwrap_or_default()
}

/// The valid spec checked beside the hostile input still produced its finding.
#[track_caller]
fn assert_good_checked(report: &Value) {
    let good = findings(report, "good.yaml");
    assert!(
        good.iter().any(
            |f| f["code"] == "S007" && f["message"].as_str().is_some_and(|m| m.contains("ecs.zz9.large"))
        ),
        "the valid spec was not checked: {good:?}"
    );
}

#[test]
fn aliases_of_a_large_string_are_bounded_in_bytes() {
    // 1 MB anchored once and aliased 1,000 times: with a node budget only, a gigabyte of
    // copies (3,000 aliases: 3 GB, then an abort).
    let dir = scratch("alias_bytes");
    let file = dir.join("alias-bytes.yaml");
    let aliases = (0..1_000).fold(String::new(), |mut out, i| {
        writeln!(out, "  k{i}: *big").unwrap();
        out
    });
    let text = format!("kind: Other\nbig: &big {}\ncopies:\n{aliases}", "x".repeat(1_000_000));
    fs::write(&file, &text).unwrap();
    let (code, report) = check(&dir, &file);
    assert_eq!(code, 1, "{report:#}");
    assert_good_checked(&report);
    let found = findings(&report, "alias-bytes.yaml");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["code"], "S001");
    let message = found[0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("bytes of text"), "{message}");
    // At the first alias past 16 MiB: the 17th.
    let at = usize::try_from(found[0]["span"]["offset"].as_u64().unwrap_or_default()).unwrap_or_default();
    assert_eq!(text.get(at..at + 4), Some("*big"));
    assert_eq!(found[0]["span"]["line"], 4 + 16, "{:#}", found[0]);
}

/// A Kubernetes `ConfigMap` embedding a Grafana-like JSON dashboard of about `panels` panels
/// in a `|` block: valid YAML whose one scalar holds hundreds of thousands of `,` `{` `"`.
fn config_map(panels: usize) -> String {
    let panel = r#"{"id": 1, "type": "graph", "targets": [{"expr": "rate(x[5m])", "legend": "{{pod}}"}], "gridPos": {"h": 8, "w": 12, "x": 0, "y": 0}, "options": {"a": [1, 2, 3], "b": {"c": "d"}}},"#;
    let mut text = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dashboards\ndata:\n  dashboard.json: |\n    {\n      \"panels\": [\n",
    );
    for _ in 0..panels {
        text.push_str("        ");
        text.push_str(panel);
        text.push('\n');
    }
    text.push_str("        {}\n      ]\n    }\n  other.json: '{\"a\": [1, 2]}'\n");
    text
}

#[test]
fn a_configmap_with_a_large_json_block_is_not_s001() {
    let dir = scratch("configmap");
    let file = dir.join("configmap.yaml");
    let text = config_map(15_000);
    assert!(text.len() > 2_700_000, "{}", text.len());
    fs::write(&file, &text).unwrap();
    let (code, report) = check(&dir, &file);
    assert_good_checked(&report);
    assert_eq!(findings(&report, "configmap.yaml"), Vec::<&Value>::new());
    assert_eq!(code, 0, "good.yaml's S007 is a warning");
}

#[test]
fn a_long_quoted_string_of_commas_is_not_s001() {
    let dir = scratch("quoted_commas");
    let file = dir.join("commas.yaml");
    let commas = "a,".repeat(260_000);
    let text = format!("kind: Other\nnote: \"{commas}\"\nsingle: ['{commas}', x]\n# {commas}\n");
    fs::write(&file, &text).unwrap();
    let (code, report) = check(&dir, &file);
    assert_good_checked(&report);
    assert_eq!(findings(&report, "commas.yaml"), Vec::<&Value>::new());
    assert_eq!(code, 0);
}

#[test]
fn a_top_level_flow_list_is_still_bounded_after_a_block_scalar() {
    // The guard must not lose track of flow context: after a `|` block, a top-level
    // flow list of quoted items (every token an indicator) still hits the limit.
    let dir = scratch("flow_after_block");
    let file = dir.join("flow.yaml");
    let items = vec!["\"x\""; 300_000].join(",");
    let text = format!("a: |\n  {{\"not\": [\"flow\"]}}\n---\n[{items}]\n");
    fs::write(&file, &text).unwrap();
    let (code, report) = check(&dir, &file);
    assert_eq!(code, 1);
    assert_good_checked(&report);
    let found = findings(&report, "flow.yaml");
    assert_eq!(found.len(), 1, "{found:?}");
    let message = found[0]["message"].as_str().unwrap_or_default();
    assert_eq!(message, "more than 250000 YAML tokens before a value completes");
}
