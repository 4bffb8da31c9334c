//! The rule set against its contract: DESIGN §4's codes, names, severities and default
//! enablement, complete docs, fixtures for every rule, and the README's generated table.

mod common;

use common::{root, run};
use std::collections::BTreeSet;

/// DESIGN §4, the built-in rule catalogue: code, name, severity, enabled by default.
const DESIGN: &[(&str, &str, &str, bool)] = &[
    ("A001", "image-32bit-memory-limit", "error", true),
    ("A002", "image-32bit-windows-vcpu-limit", "error", true),
    ("A003", "image-arch-mismatch", "error", true),
    ("A004", "boot-mode-mismatch", "error", true),
    ("A005", "windows-memory-minimum", "error", true),
    ("A006", "image-64bit-low-memory", "info", false),
    ("A007", "system-disk-smaller-than-image", "error", true),
    ("A008", "windows-key-pair-ignored", "warning", true),
    ("F001", "license-fee", "warning", true),
    ("F002", "inherited-license-fee", "info", true),
    ("F003", "marketplace-image-fee", "info", true),
    ("F004", "imported-windows-license-unset", "warning", true),
    ("L001", "os-end-of-life", "error", true),
    ("L002", "os-end-of-life-soon", "warning", true),
    ("L003", "os-not-recommended", "warning", true),
    ("L004", "unknown-os-lifecycle", "info", true),
    ("L005", "no-vendor-support", "info", true),
    ("L006", "outdated-public-image", "info", true),
    ("O001", "marketplace-derived-image-shared", "error", true),
    ("P001", "image-not-allowed", "error", false),
    ("Q001", "image-share-quota-exceeded", "error", true),
    ("Q002", "custom-image-quota-exceeded", "error", true),
    ("Q003", "image-share-not-allowed", "error", true),
    ("Q004", "invalid-share-account", "warning", true),
    ("R001", "image-not-in-region", "error", true),
    ("R002", "instance-type-not-available", "error", true),
    ("R003", "instance-type-retired", "error", true),
    ("S001", "parse-error", "error", true),
    ("S002", "schema-violation", "error", true),
    ("S003", "duplicate-name", "error", true),
    ("S004", "unresolved-image", "warning", true),
    ("S005", "unknown-region", "error", true),
    ("S006", "unknown-zone", "error", true),
    ("S007", "unknown-instance-type", "warning", true),
    ("S008", "unused-suppression", "warning", true),
    ("S009", "image-reference-typo", "error", true),
    ("S010", "instance-type-typo", "error", true),
    ("S011", "unresolved-value", "info", false),
];

fn rules() -> Vec<serde_json::Value> {
    let run = run(&["rules", "--format", "json"]);
    run.assert_code(0);
    run.json().as_array().cloned().unwrap_or_default()
}

#[test]
fn the_rule_set_is_exactly_design_section_4() {
    let actual: Vec<(String, String, String, bool)> = rules()
        .iter()
        .map(|r| {
            (
                r["code"].as_str().unwrap_or_default().to_string(),
                r["name"].as_str().unwrap_or_default().to_string(),
                r["severity"].as_str().unwrap_or_default().to_string(),
                r["enabled"].as_bool().unwrap_or_default(),
            )
        })
        .collect();
    let expected: Vec<(String, String, String, bool)> =
        DESIGN.iter().map(|(c, n, s, e)| ((*c).into(), (*n).into(), (*s).into(), *e)).collect();
    assert_eq!(actual, expected);
}

#[test]
fn rule_files_are_named_after_their_code_and_name() {
    for rule in rules() {
        let file = rule["file"].as_str().unwrap_or_default();
        let expected = format!(
            "{}-{}.yaml",
            rule["code"].as_str().unwrap_or_default(),
            rule["name"].as_str().unwrap_or_default()
        );
        assert!(
            file.starts_with("rules/") && file.ends_with(&format!("/{expected}")),
            "{file} should end with {expected}"
        );
    }
}

#[test]
fn every_rule_has_complete_docs() {
    for rule in rules() {
        let code = rule["code"].as_str().unwrap_or_default().to_string();
        let run = run(&["explain", &code]);
        run.assert_code(0);
        for section in ["## What it does", "## Why", "## Example", "## Fix"] {
            assert!(run.stdout.contains(section), "{code} lacks {section}");
        }
        if rule["on"] != "builtin" {
            assert!(run.stdout.contains("## Source"), "{code} names no source");
        }
    }
}

#[test]
fn every_rule_has_fixtures_that_fire_and_that_must_not() {
    for rule in rules() {
        let code = rule["code"].as_str().unwrap_or_default();
        let dir = root().join("fixtures/rules").join(code);
        let names: BTreeSet<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .collect();
        assert!(names.iter().any(|n| n.starts_with("fail-")), "{code} has no fail-* fixture");
        assert!(names.iter().any(|n| n.starts_with("pass-")), "{code} has no pass-* fixture");
    }
}

#[test]
fn readme_rule_table_matches_the_rule_files() {
    let run = run(&["rules", "--format", "markdown"]);
    run.assert_code(0);
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let start = readme.find("<!-- rules:start -->\n").map(|i| i + "<!-- rules:start -->\n".len());
    let end = readme.find("<!-- rules:end -->");
    let (Some(start), Some(end)) = (start, end) else {
        panic!("README.md has no <!-- rules:start --> ... <!-- rules:end --> section");
    };
    assert_eq!(
        &readme[start..end],
        run.stdout,
        "README rule table is stale: paste `ecslint rules --format markdown`"
    );
}

#[test]
fn schema_command_prints_the_shipped_schemas() {
    for which in ["instance", "image", "rule", "config", "catalog"] {
        let run = run(&["schema", which]);
        run.assert_code(0);
        let shipped = std::fs::read_to_string(root().join(format!("schemas/{which}.schema.json")))
            .expect("schema file");
        assert_eq!(run.stdout, shipped, "{which}");
    }
}
