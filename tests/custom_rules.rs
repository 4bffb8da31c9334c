//! A team's own rules (`--rules DIR`): the worked example from the README fires and is
//! tested with `ecslint test`, and every kind of broken rule file is a diagnostic with a
//! span into the rule file and exit status 2.

mod common;

use common::AS_OF;
use common::run as ecslint;

const POLICIES: &str = "fixtures/custom-rules/policies";
const SPEC: &str = "fixtures/custom-rules/tests/ORG001/pass-staging-ubuntu.yaml";

#[test]
fn the_worked_custom_rule_fires_on_production_only() {
    let fail = "fixtures/custom-rules/tests/ORG001/fail-production-ubuntu.yaml";
    let run = ecslint(&[
        "check", "--as-of", AS_OF, "--format", "json", "--rules", POLICIES, "--select", "ORG", fail,
    ]);
    run.assert_code(1);
    let json = run.json();
    assert_eq!(json["findings"][0]["code"], "ORG001", "{}", run.describe());
    assert_eq!(json["findings"][0]["message"], "production instance `api` runs ubuntu 22.04");
    assert_eq!(json["findings"][0]["span"]["line"], 5);
    ecslint(&["check", "--as-of", AS_OF, "--rules", POLICIES, "--select", "ORG", SPEC]).assert_code(0);
}

#[test]
fn ecslint_test_runs_rule_fixtures_as_data() {
    let run = ecslint(&["test", "--rules", POLICIES, "fixtures/custom-rules/tests"]);
    run.assert_code(0);
    assert!(run.stdout.ends_with("3 passed, 0 failed\n"), "{}", run.describe());
    // Without the rule, its fixtures would test nothing: the run is an error.
    let run = ecslint(&["test", "fixtures/custom-rules/tests"]);
    run.assert_code(2);
    assert!(run.stderr.contains("no rule has the code `ORG001`"), "{}", run.describe());
}

#[test]
fn rule_list_and_explain_include_custom_rules() {
    let run = ecslint(&["rules", "--rules", POLICIES]);
    run.assert_code(0);
    assert!(run.stdout.contains("ORG001 production-alinux3"), "{}", run.describe());
    let run = ecslint(&["explain", "production-alinux3", "--rules", POLICIES]);
    run.assert_code(0);
    assert!(run.stdout.starts_with("# ORG001 production-alinux3"), "{}", run.describe());
}

#[test]
fn broken_rule_files_are_exit_2_with_spans() {
    for case in [
        "bad-yaml",
        "cel-syntax",
        "collides-with-builtin",
        "unknown-field",
        "unknown-variable",
        "runtime-error",
    ] {
        let dir = format!("fixtures/bad-rules/{case}");
        let run = ecslint(&["check", "--no-context", "--as-of", AS_OF, "--rules", &dir, SPEC]);
        run.assert_code(2);
        assert!(
            run.stderr.contains(&format!("╭─[{dir}/")),
            "{case}: no span into the rule file\n{}",
            run.describe()
        );
        insta::assert_snapshot!(format!("bad_rule_{}", case.replace('-', "_")), run.stderr);
    }
}

/// Parsing and evaluating CEL recurse once per level of an expression, and a chain of
/// operators is a level each: a 5,000-term sum overflowed the stack (an abort, not a
/// diagnostic) until user expressions were bounded by their count of operators.
#[test]
fn a_huge_rule_expression_is_a_diagnostic_not_a_crash() {
    let dir = common::scratch_dir("huge-expression");
    let rules = dir.to_string_lossy().into_owned();
    // A rule whose assertion sums `terms` ones, run on a passing spec.
    let run = |terms: usize| {
        let sum = vec!["1"; terms].join(" + ");
        let rule = format!(
            "code: ORG009\nname: huge\nseverity: error\non: instance\nassert: {sum} > 0\nmessage: m\n\
             docs: {{summary: s, why: w, example: e, fix: f}}\n"
        );
        std::fs::write(dir.join("ORG009-huge.yaml"), rule).unwrap_or_else(|e| panic!("{e}"));
        ecslint(&["check", "--no-context", "--as-of", AS_OF, "--rules", &rules, SPEC])
    };
    let huge = run(5_000);
    huge.assert_code(2);
    assert!(
        huge.stderr.contains("CEL expression too large: more than 1000 operators"),
        "{}",
        huge.describe()
    );
    assert!(huge.stderr.contains("ORG009-huge.yaml:5:9]"), "no span at the expression\n{}", huge.describe());
    // Just under the bound, the same shape loads and runs.
    run(900).assert_code(0);
}

#[test]
fn select_and_ignore_take_codes_names_and_prefixes() {
    let spec = "fixtures/custom-rules/tests/ORG001/fail-production-ubuntu.yaml";
    for (flags, fires) in [
        (vec!["--select", "ORG001"], true),
        (vec!["--select", "production-alinux3"], true),
        (vec!["--select", "ORG"], true),
        (vec!["--ignore", "ORG"], false),
        (vec!["--ignore", "production-alinux3"], false),
        (vec!["--select", "A,S"], false),
    ] {
        let mut args = vec!["check", "--as-of", AS_OF, "--format", "json", "--rules", POLICIES];
        args.extend(&flags);
        args.push(spec);
        let run = ecslint(&args);
        let codes = run.json_codes();
        assert_eq!(codes.contains(&"ORG001".to_string()), fires, "{flags:?}: {}", run.describe());
    }
    let run = ecslint(&["check", "--as-of", AS_OF, "--select", "A0O1", spec]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("`A0O1` matches no rule code, name or prefix; did you mean `A001`?"),
        "{}",
        run.describe()
    );
}

/// Every variable a rule can use, as an instance rule and as an image rule (with `each`)
/// see it: the facts are converted for CEL lazily, per subject, and this pins what that
/// conversion gives.
#[test]
fn rules_see_every_variable_with_its_facts() {
    let run = ecslint(&[
        "check",
        "--no-context",
        "--as-of",
        AS_OF,
        "--format",
        "json",
        "--rules",
        "fixtures/custom-rules/variables/rules",
        "--select",
        "VAR",
        "fixtures/custom-rules/variables/spec.yaml",
    ]);
    run.assert_code(0);
    let json = run.json();
    let data = |i: usize| json["findings"][i]["data"].clone();
    let chain = serde_json::json!(["base", "win2019_1809_x64_dtc_en-us_40G_alibase_20240513.vhd"]);
    let instance = data(2);
    for (key, value) in [
        ("kind", serde_json::json!("Instance")),
        ("subject", "instance".into()),
        ("count", 2.into()),
        ("billing", "PayAsYouGo".into()),
        ("image", "app".into()),
        ("chain", chain.clone()),
        ("os", "windows-server 2019".into()),
        ("shareCount", 2.into()),
        ("instanceType", "ecs.g7.xlarge".into()),
        ("region", "eu-central-1".into()),
        ("lifecycle", "Windows Server 2019".into()),
        ("fee", "Windows Server".into()),
        ("feeCount", 2.into()),
        ("quota", 50.into()),
        ("asOf", AS_OF.into()),
        ("eolWarningDays", 180.into()),
        ("catalog", "2026-12-06".into()),
        ("item", serde_json::Value::Null),
        ("index", serde_json::Value::Null),
        ("hasOs", true.into()),
        ("hasNoSuchField", false.into()),
        ("osInImage", true.into()),
        ("imageSize", 24.into()),
        ("imageKeys", 24.into()),
        ("imageEqualsItself", true.into()),
        ("imageIsNotNull", true.into()),
        // The spec's seven fields, `labels` filled in, and `origin` (DESIGN §8).
        ("resourceSize", 9.into()),
        ("billingInResource", true.into()),
        ("hasZone", false.into()),
        ("resourceEqualsItself", true.into()),
        (
            "wholeResource",
            serde_json::json!({"kind": "Instance", "name": "web", "region": "eu-central-1",
                "instanceType": "ecs.g7.xlarge", "image": "app", "count": 2,
                "billing": "PayAsYouGo", "labels": {},
                "origin": {"format": "spec", "type": "Instance", "address": "web", "attributes": {}}}),
        ),
    ] {
        assert_eq!(instance[key], value, "instance `{key}`: {}", run.describe());
    }
    let whole = &instance["wholeImage"];
    assert_eq!(whole.as_object().map(serde_json::Map::len), Some(24), "{whole}");
    assert_eq!(whole["name"], "app");
    assert_eq!(whole["os"], serde_json::json!({"family": "windows-server", "version": "2019"}));
    assert_eq!(whole["chain"][1]["type"], "public");
    for (i, account, shares_item) in [(0, "1234567890123456", 0), (1, "42", 1)] {
        let image = data(i);
        for (key, value) in [
            ("kind", serde_json::json!("Image")),
            ("subject", "spec".into()),
            ("imported", false.into()),
            ("image", "app".into()),
            ("chain", chain.clone()),
            ("os", "windows-server 2019".into()),
            ("shares", serde_json::json!(["1234567890123456 valid", "42 invalid"])),
            ("shareCount", 2.into()),
            ("shareProblems", 1.into()),
            ("specAncestorKeys", 20.into()),
            ("publicAncestorKeys", 24.into()),
            ("publicAncestorMarketplace", false.into()),
            (
                "customImages",
                serde_json::json!({"cn-hangzhou": {"ordinal": 2, "total": 2}, "eu-central-1": {"ordinal": 1, "total": 1}}),
            ),
            ("instanceType", serde_json::Value::Null),
            ("region", serde_json::Value::Null),
            ("lifecycle", "Windows Server 2019".into()),
            ("fee", "Windows Server".into()),
            ("item", account.into()),
            ("index", shares_item.into()),
        ] {
            assert_eq!(image[key], value, "image `{key}`: {}", run.describe());
        }
    }
}

#[test]
fn each_loops_report_the_same_entries_however_they_are_evaluated() {
    // EACH001 runs on plain items with a planned assertion, EACH002's assertion only CEL
    // evaluates, EACH003 iterates maps: each must report the "skip" entries and the fifth.
    let run = ecslint(&[
        "check",
        "--no-context",
        "--format",
        "json",
        "--rules",
        "fixtures/custom-rules/each/rules",
        "--select",
        "EACH",
        "fixtures/custom-rules/each/spec.yaml",
    ]);
    run.assert_code(0);
    let json = run.json();
    let findings = json["findings"].as_array().cloned().unwrap_or_default();
    for code in ["EACH001", "EACH002", "EACH003"] {
        let reported: Vec<(serde_json::Value, serde_json::Value)> = findings
            .iter()
            .filter(|f| f["code"] == code)
            .map(|f| (f["data"]["index"].clone(), f["data"]["item"].clone()))
            .collect();
        let expected =
            vec![(1.into(), "skip".into()), (3.into(), "skip".into()), (4.into(), "3333333333333333".into())];
        assert_eq!(reported, expected, "{code}");
    }
}

#[test]
fn share_entries_equal_map_literals_on_either_side() {
    let run = ecslint(&[
        "check",
        "--no-context",
        "--format",
        "json",
        "--rules",
        "fixtures/custom-rules/shares/rules",
        "--select",
        "SHARE001",
        "fixtures/custom-rules/each/spec.yaml",
    ]);
    run.assert_code(0);
    let json = run.json();
    let data = &json["findings"][0]["data"];
    for key in ["literalRight", "literalLeft", "inList", "listEquality"] {
        assert_eq!(data[key], true, "{key}: {data}");
    }
}
