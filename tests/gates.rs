//! CI-gate features: the config file, inline suppressions, baselines and `--output`.

mod common;

use common::{AS_OF, Run, ecslint, instance_yaml, run_command, scratch_dir, write_files};
use std::path::Path;

/// Runs `ecslint check` in `dir` with the fixed check date and JSON output.
fn check_in(dir: &Path, args: &[&str]) -> Run {
    let mut command = ecslint();
    command.current_dir(dir).args(["check", "--ignore", "L006", "--color", "never"]).args(args);
    run_command(command, None)
}

fn codes(run: &Run) -> Vec<String> {
    run.json()["findings"]
        .as_array()
        .map_or_else(Vec::new, |f| f.iter().filter_map(|f| f["code"].as_str().map(str::to_string)).collect())
}

/// An instance on a 32-bit image with 8 GiB of memory (A001) and an unknown type elsewhere.
const LEGACY: &str = "kind: Image\nname: legacy\ntype: custom\nos: {family: ubuntu, version: \"24.04\"}\n\
architecture: i386\nregions: [cn-hangzhou]\n---\nkind: Instance\nname: app\nregion: cn-hangzhou\n\
instanceType: ecs.g7.large\nimage: legacy\n";

#[test]
fn config_unknown_key_is_exit_2_with_a_suggestion_pointing_into_the_file() {
    let dir = scratch_dir("config-unknown-key");
    write_files(&dir, &[("ecslint.yaml", "failon: warning\n"), ("a.yaml", &instance_yaml("a"))]);
    let run = check_in(&dir, &["--as-of", AS_OF]);
    run.assert_code(2);
    assert!(run.stderr.contains("unknown field `failon`"), "{}", run.describe());
    assert!(run.stderr.contains("did you mean `failOn`?"), "{}", run.describe());
    assert!(run.stderr.contains("ecslint.yaml:1:1"), "{}", run.describe());
}

#[test]
fn config_bad_values_are_exit_2() {
    for (text, expected) in [
        ("failOn: sometimes\n", "`failOn` must be one of the allowed values"),
        ("rules:\n  A001: loud\n", "`rules.A001` must be one of the allowed values"),
        ("asOf: 2026-02-30\n", "`asOf` is not a real date"),
        ("eolWarningDays: many\n", "`eolWarningDays` must be an integer"),
        ("rules: [A001\n", "expected"),
    ] {
        let dir = scratch_dir("config-bad-values");
        write_files(&dir, &[("ecslint.yaml", text), ("a.yaml", &instance_yaml("a"))]);
        let run = check_in(&dir, &["--as-of", AS_OF]);
        run.assert_code(2);
        assert!(run.stderr.contains(expected), "{text}: {}", run.describe());
    }
}

#[test]
fn config_rule_levels_fail_on_and_as_of_apply_and_flags_win() {
    let dir = scratch_dir("config-applies");
    write_files(
        &dir,
        &[
            (
                "ecslint.yaml",
                "asOf: 2026-11-22\nfailOn: warning\nrules:\n  image-32bit-memory-limit: warning\n",
            ),
            ("a.yaml", LEGACY),
        ],
    );
    let run = check_in(&dir, &["--format", "json"]);
    run.assert_code(1);
    let json = run.json();
    let a001 = json["findings"].as_array().and_then(|f| f.iter().find(|f| f["code"] == "A001")).cloned();
    assert_eq!(a001.map(|f| f["severity"].clone()), Some(serde_json::json!("warning")), "{}", run.describe());
    check_in(&dir, &["--format", "json", "--fail-on", "error"]).assert_code(0);
    write_files(&dir, &[("ecslint.yaml", "rules:\n  A001: off\n")]);
    let run = check_in(&dir, &["--format", "json", "--as-of", AS_OF]);
    assert!(!codes(&run).contains(&"A001".to_string()), "{}", run.describe());
    let run = check_in(&dir, &["--format", "json", "--as-of", AS_OF, "--no-config"]);
    assert!(codes(&run).contains(&"A001".to_string()), "{}", run.describe());
    // A `--select` that names the rule wins over the config's `off` (it ran nothing, without
    // a word); a broader one does not.
    for select in ["A001", "image-32bit-memory-limit"] {
        let run = check_in(&dir, &["--format", "json", "--as-of", AS_OF, "--select", select]);
        assert_eq!(codes(&run), ["A001"], "--select {select}\n{}", run.describe());
    }
    for select in ["A", "ALL"] {
        let run = check_in(&dir, &["--format", "json", "--as-of", AS_OF, "--select", select]);
        assert!(!codes(&run).contains(&"A001".to_string()), "--select {select}\n{}", run.describe());
    }
    write_files(&dir, &[("ecslint.yaml", "rules:\n  A: off\n")]);
    let run = check_in(&dir, &["--format", "json", "--as-of", AS_OF, "--select", "A00"]);
    assert_eq!(codes(&run), ["A001"], "{}", run.describe());
}

#[test]
fn config_include_exclude_and_per_path_ignores() {
    let dir = scratch_dir("config-paths");
    write_files(
        &dir,
        &[
            (
                "ecslint.yaml",
                "include: [\"infra/**/*.yaml\"]\nexclude: [\"infra/legacy/**\"]\nignore:\n  - {path: \"infra/sandbox/**\", codes: [A001]}\n",
            ),
            ("infra/prod/a.yaml", LEGACY),
            ("infra/sandbox/b.yaml", &LEGACY.replace("legacy", "legacy2").replace("app", "app2")),
            ("infra/legacy/c.yaml", "kind: Instance\nname: broken\n"),
            ("other/d.yaml", "kind: Instance\nname: broken\n"),
        ],
    );
    let run = check_in(&dir, &["--format", "json", "--as-of", AS_OF]);
    let json = run.json();
    let files: Vec<&str> =
        json["findings"].as_array().into_iter().flatten().filter_map(|f| f["file"].as_str()).collect();
    assert_eq!(files, ["infra/prod/a.yaml"], "{}", run.describe());
    assert_eq!(json["summary"]["files"], 2, "{}", run.describe());
    // Excludes apply to files named on the command line too, as pre-commit passes them.
    let run = check_in(&dir, &["--format", "json", "--as-of", AS_OF, "infra/legacy/c.yaml"]);
    assert_eq!(run.json()["summary"]["files"], 0, "{}", run.describe());
}

#[test]
fn config_quota_overrides_the_catalog_default() {
    let dir = scratch_dir("config-quota");
    let accounts: Vec<String> = (0..3).map(|i| format!("\"12345678901234{i:02}\"")).collect();
    let image = format!(
        "kind: Image\nname: shared\ntype: custom\nos: {{family: ubuntu, version: \"24.04\"}}\narchitecture: x86_64\nregions: [cn-hangzhou]\nsharedWith: [{}]\n",
        accounts.join(", ")
    );
    write_files(
        &dir,
        &[("ecslint.yaml", "quotas:\n  q_user-per-image-shared-user-count: 2\n"), ("a.yaml", &image)],
    );
    let run = check_in(&dir, &["--format", "json", "--as-of", AS_OF, "--select", "Q001"]);
    assert_eq!(codes(&run), ["Q001"], "{}", run.describe());
    let run = check_in(&dir, &["--format", "json", "--as-of", AS_OF, "--select", "Q001", "--no-config"]);
    assert!(codes(&run).is_empty(), "{}", run.describe());
}

#[test]
fn every_suppression_form_works_and_unused_ones_are_s008() {
    let dir = scratch_dir("suppressions");
    let on_line = LEGACY.replace(
        "instanceType: ecs.g7.large",
        "instanceType: ecs.g7.large # ecslint-ignore A001 -- migrating in Q1",
    );
    let line_above = LEGACY.replace(
        "instanceType: ecs.g7.large",
        "# ecslint-ignore image-32bit-memory-limit\ninstanceType: ecs.g7.large",
    );
    let file_wide = format!("# ecslint-ignore-file A -- whole family\n{LEGACY}");
    // A001 runs and fires elsewhere in the file, never on the comment's lines.
    let unused = format!("{LEGACY}# ecslint-ignore A001 -- nothing here\n");
    for (name, text, expected) in [
        ("line", on_line.as_str(), vec![]),
        ("above", line_above.as_str(), vec![]),
        ("file", file_wide.as_str(), vec![]),
        ("unused", unused.as_str(), vec!["A001", "S008"]),
    ] {
        write_files(&dir, &[("a.yaml", text)]);
        let run = check_in(&dir, &["--format", "json", "--as-of", AS_OF, "--select", "A001,S008", "a.yaml"]);
        assert_eq!(codes(&run), expected, "{name}: {}", run.describe());
    }
    write_files(&dir, &[("a.yaml", &on_line)]);
    let run = check_in(&dir, &["--format", "json", "--as-of", AS_OF, "a.yaml"]);
    run.assert_code(0);
    let suppressed = &run.json()["suppressed"][0];
    assert_eq!(suppressed["code"], "A001", "{}", run.describe());
    assert_eq!(suppressed["suppression"]["reason"], "migrating in Q1");
    let run = check_in(&dir, &["--format", "sarif", "--as-of", AS_OF, "a.yaml"]);
    let sarif = run.json();
    let results = sarif["runs"][0]["results"].as_array().cloned().unwrap_or_default();
    let a001 = results.iter().find(|r| r["ruleId"] == "A001").cloned().unwrap_or_default();
    assert_eq!(a001["suppressions"][0]["justification"], "migrating in Q1", "{}", run.describe());
}

#[test]
fn baseline_round_trip_survives_inserted_lines_and_reports_new_findings() {
    let dir = scratch_dir("baseline");
    write_files(&dir, &[("a.yaml", LEGACY)]);
    let run = check_in(&dir, &["--as-of", AS_OF, "--write-baseline", "baseline.json", "a.yaml"]);
    run.assert_code(0);
    let text = std::fs::read_to_string(dir.join("baseline.json")).expect("baseline written");
    assert!(text.contains("\"code\": \"A001\"") && text.contains("\"field\": \"instanceType\""), "{text}");
    assert!(!text.contains("line"), "baselines never record lines: {text}");
    check_in(&dir, &["--as-of", AS_OF, "--baseline", "baseline.json", "a.yaml"]).assert_code(0);
    write_files(&dir, &[("a.yaml", &format!("# a comment\n# and another\n\n{LEGACY}"))]);
    let run =
        check_in(&dir, &["--as-of", AS_OF, "--format", "json", "--baseline", "baseline.json", "a.yaml"]);
    assert!(codes(&run).is_empty(), "line shift brought a finding back: {}", run.describe());
    let second = LEGACY
        .replace("name: app", "name: app2")
        .replace("name: legacy", "name: legacy2")
        .replace("image: legacy", "image: legacy2");
    write_files(&dir, &[("a.yaml", &format!("{LEGACY}---\n{second}"))]);
    let run =
        check_in(&dir, &["--as-of", AS_OF, "--format", "json", "--baseline", "baseline.json", "a.yaml"]);
    run.assert_code(1);
    let json = run.json();
    assert_eq!(json["findings"][0]["resource"]["name"], "app2", "{}", run.describe());
    assert_eq!(json["findings"].as_array().map(Vec::len), Some(1), "{}", run.describe());
}

#[test]
fn output_file_gets_the_report_and_the_terminal_the_human_rendering() {
    let dir = scratch_dir("output");
    write_files(&dir, &[("a.yaml", LEGACY)]);
    let run = check_in(&dir, &["--as-of", AS_OF, "--format", "sarif", "--output", "report.sarif", "a.yaml"]);
    run.assert_code(1);
    assert!(run.stdout.contains("Checked 1 file"), "{}", run.describe());
    let report = std::fs::read_to_string(dir.join("report.sarif")).expect("report written");
    let sarif: serde_json::Value = serde_json::from_str(&report).expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
}

#[test]
fn an_extra_catalog_adds_instance_types_and_quotas() {
    let spec = "fixtures/custom-rules/tests/ORG001/pass-staging-ubuntu.yaml";
    let dir = scratch_dir("extra-catalog");
    let text = std::fs::read_to_string(common::root().join(spec))
        .expect("spec")
        .replace("ecs.g7.large", "ecs.example.large");
    write_files(&dir, &[("a.yaml", &text)]);
    // Ubuntu 22.04 is inside L002's window on AS_OF (its earlier vendor date, April 2027).
    let run = check_in(&dir, &["--format", "json", "--as-of", AS_OF, "--ignore", "L002", "a.yaml"]);
    assert_eq!(codes(&run), ["S007"], "{}", run.describe());
    let catalog = common::root().join("fixtures/catalog/extra.yaml");
    let catalog = catalog.to_str().expect("UTF-8 path");
    let run = check_in(
        &dir,
        &["--format", "json", "--as-of", AS_OF, "--ignore", "L002", "--catalog", catalog, "a.yaml"],
    );
    assert!(codes(&run).is_empty(), "{}", run.describe());
}
