//! Team rules that are wrong, or that fail: what the author and the CI log see. Rule files
//! are written at test time into a scratch directory; the built binary checks the
//! repository's hostile-input good spec with them.

mod common;

use common::{check_args, run, scratch_dir, write_files};
use std::path::Path;

const GOOD: &str = "fixtures/hostile/good.yaml";

/// A rule file with `body` (YAML lines: `on`, `when`, `assert`, `message`, ...) and the
/// fields every rule needs.
fn rule(code: &str, body: &str) -> String {
    format!(
        "code: {code}\nname: rule-{}\nseverity: error\n{body}\ndocs: {{summary: s, why: w, example: e, fix: f}}\n",
        code.to_lowercase()
    )
}

/// Runs `check --rules DIR` with `args`, where DIR holds `rules`.
fn check_with_rules(test: &str, rules: &[(&str, &str)], args: &[&str]) -> common::Run {
    let dir = scratch_dir(test);
    write_files(&dir, rules);
    let dir_arg = dir.to_str().expect("scratch paths are UTF-8").to_string();
    let mut all = vec!["--rules", dir_arg.as_str()];
    all.extend(args);
    run(&check_args(all))
}

fn scratch_path(dir: &Path) -> String {
    dir.to_str().expect("scratch paths are UTF-8").to_string()
}

// --- #13.20: messages for people, strict dates -----------------------------------------

#[test]
fn cel_syntax_errors_read_as_sentences() {
    let deep = format!("{}1{}", "true ? ".repeat(450), " : 2".repeat(450));
    let parens = format!("{}true{}", "(".repeat(100), ")".repeat(100));
    for (text, expected) in [
        (deep.as_str(), "nests too deeply"),
        (parens.as_str(), "nested too deeply"),
        ("1 ? 2", "is missing a part"),
    ] {
        let file = rule("ORG001", &format!("on: instance\nassert: '{text}'\nmessage: m"));
        let out = check_with_rules("cel_syntax", &[("ORG001.yaml", &file)], &[GOOD]);
        out.assert_code(2);
        assert!(out.stderr.contains(expected), "{text}: {}", out.describe());
        for internal in ["OtherError", "ParseError {", "ExprContext"] {
            assert!(!out.stderr.contains(internal), "{internal} shown for {text}\n{}", out.describe());
        }
    }
}

#[test]
fn dates_are_strict() {
    for date in [" 2026-01-01", "2026-01-01 ", "+202-01-01"] {
        let out = run(&["check", "--as-of", date, "--no-config", GOOD]);
        out.assert_code(2);
        assert!(out.stderr.contains("not a date"), "{date:?}: {}", out.describe());
    }
    let dir = scratch_dir("config_as_of");
    write_files(&dir, &[("ecslint.yaml", "asOf: ' 2026-01-01'\n")]);
    let config = dir.join("ecslint.yaml");
    let out = run(&["check", "--config", &scratch_path(&config), GOOD]);
    out.assert_code(2);
    assert!(out.stderr.contains("asOf"), "{}", out.describe());
}

// --- #12.9: team rules that fail do not take the gate down blind ---------------------

const TWO_INSTANCES: &str = "\
kind: Instance
name: labelled
region: cn-hangzhou
instanceType: ecs.g7.large
image: team-base
labels: {team: web}
---
kind: Instance
name: bare
region: cn-hangzhou
instanceType: ecs.g7.large
image: aliyun_3_x64_20G_alibase_20240819.vhd
---
kind: Instance
name: bare-too
region: cn-hangzhou
instanceType: ecs.g7.large
image: aliyun_3_x64_20G_alibase_20240819.vhd
---
kind: Image
name: team-base
type: custom
os: {family: alibaba-cloud-linux, version: '3'}
architecture: x86_64
regions: [cn-hangzhou]
labels: {owner: platform, tier: gold}
";

#[test]
fn a_rule_that_fails_is_reported_once_and_the_run_goes_on() {
    let dir = scratch_dir("failing_rule");
    let failing =
        rule("ORG001", "on: instance\nassert: resource.labels.team == \"web\"\nmessage: wrong team");
    let working = rule("ORG002", "on: instance\nassert: 'false'\nmessage: '{{ resource.name }} seen'");
    write_files(
        &dir,
        &[("rules/ORG001.yaml", &failing), ("rules/ORG002.yaml", &working), ("specs.yaml", TWO_INSTANCES)],
    );
    let rules = scratch_path(&dir.join("rules"));
    let specs = scratch_path(&dir.join("specs.yaml"));
    let out = run(&check_args(["--rules", rules.as_str(), "--format", "json", specs.as_str(), GOOD]));
    out.assert_code(2);
    // Every other finding is still reported.
    let codes = out.json_codes();
    assert_eq!(codes.iter().filter(|c| *c == "ORG002").count(), 4, "{}", out.describe());
    assert!(codes.iter().any(|c| c == "S007"), "{}", out.describe());
    // The failure: once, in the rule file, labelled on the first resource it failed on.
    assert_eq!(out.stderr.matches("rule ORG001 failed").count(), 1, "{}", out.describe());
    assert!(out.stderr.contains("failed on Instance `bare`"), "{}", out.describe());
    // `bare-too` and the good spec have no labels either.
    assert!(out.stderr.contains("(and on 2 more resources)"), "{}", out.describe());
    assert!(out.stderr.contains("ORG001.yaml:5:9"), "{}", out.describe());
    assert!(out.stderr.contains("specs.yaml:8:1"), "{}", out.describe());
}

#[test]
fn field_names_are_checked_when_the_rule_loads() {
    let typo = rule("ORG001", "on: instance\nassert: resource.cout > 1\nmessage: m");
    let out = check_with_rules("field_typo", &[("ORG001.yaml", &typo)], &[GOOD]);
    out.assert_code(2);
    assert!(
        out.stderr.contains("`resource` has no field `cout`; did you mean `count`?"),
        "{}",
        out.describe()
    );
    assert!(out.stderr.contains("ORG001.yaml:5:18"), "{}", out.describe());
    for (variable, body) in [
        ("image", "on: image\nassert: image.architectur == 'x86_64'\nmessage: m"),
        ("instanceType", "on: instance\nassert: 'true'\nmessage: '{{ instanceType.cpus }}'"),
        ("region", "on: instance\nwhen: region.mainlnd\nassert: 'true'\nmessage: m"),
    ] {
        let out = check_with_rules("field_typo", &[("ORG001.yaml", &rule("ORG001", body))], &[GOOD]);
        out.assert_code(2);
        assert!(out.stderr.contains(&format!("`{variable}` has no field")), "{body}\n{}", out.describe());
    }
    // What a valid spec may leave out, map keys of the user's own, and names a
    // comprehension binds are not field names of the facts.
    let fine = rule(
        "ORG001",
        "on: instance\nwhen: has(resource.zone) || has(resource.nothing)\n\
         assert: \"resource.labels.anything == 'x' || [{'cout': 1}].all(resource, resource.cout == 1)\"\nmessage: m",
    );
    let out = check_with_rules("field_fine", &[("ORG001.yaml", &fine)], &[GOOD]);
    out.assert_code(0);
}

#[test]
fn instance_rules_read_image_labels_and_messages_show_maps_as_json() {
    let dir = scratch_dir("image_labels");
    let body = "on: instance\nwhen: image != null && image.spec\nassert: image.labels.tier != 'gold'\n\
                message: 'labels {{ image.labels }}, pairs {{ [resource.labels] }}'";
    write_files(&dir, &[("rules/ORG001.yaml", &rule("ORG001", body)), ("specs.yaml", TWO_INSTANCES)]);
    let rules = scratch_path(&dir.join("rules"));
    let specs = scratch_path(&dir.join("specs.yaml"));
    let out = run(&check_args(["--rules", rules.as_str(), "--format", "json", specs.as_str()]));
    out.assert_code(1);
    let json = out.json();
    let messages: Vec<&str> = json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["code"] == "ORG001")
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert_eq!(
        messages,
        [r#"labels {"owner":"platform","tier":"gold"}, pairs [{"team":"web"}]"#],
        "{}",
        out.describe()
    );
}

// --- #13.11: a budget for a user's CEL -------------------------------------------------

#[test]
fn expressions_over_their_budget_are_refused_when_the_rule_loads() {
    // Ran for minutes and took 2 GB; grew a string to gigabytes and aborted.
    let nested = "size(lists.range(100000).map(a, lists.range(100000).map(b, a + b))) > 0";
    let replaced = format!("'x'{} != ''", ".replace('x', 'xxxxxxxxxx')".repeat(9));
    for (text, expected) in [(nested, "`lists.range` builds"), (replaced.as_str(), "`replace` calls")] {
        let file = rule("ORG001", &format!("on: instance\nassert: \"{text}\"\nmessage: m"));
        let out = check_with_rules("budget", &[("ORG001.yaml", &file)], &[GOOD]);
        out.assert_code(2);
        assert!(
            out.stderr.contains("over its budget") && out.stderr.contains(expected),
            "{}",
            out.describe()
        );
        assert!(out.stderr.contains("ORG001.yaml:5:9"), "{}", out.describe());
    }
    // Within the budget: small ranges, a loop over a range, a replace that grows little.
    let within = "size(lists.range(300).map(a, lists.range(300).map(b, a))) > 0 \
                && resource.name.replace('a', 'bb') != ''";
    let file = rule("ORG001", &format!("on: instance\nassert: \"{within}\"\nmessage: m"));
    let out = check_with_rules("budget_fine", &[("ORG001.yaml", &file)], &[GOOD]);
    out.assert_code(0);
}

/// A one-file check runs on the main thread when its stack may grow to 8 MiB, and on a
/// thread with a 16 MiB stack otherwise. The deepest expression a rule may hold (999
/// chained operators) is checked both ways: a debug build overflows a 1 MiB stack with it.
#[test]
fn the_deepest_expression_runs_whatever_the_main_threads_stack() {
    let chain = format!("{} > 1", vec!["1"; 999].join(" + "));
    let file = rule("ORG001", &format!("on: instance\nassert: '{chain}'\nmessage: m"));
    let dir = scratch_dir("deepest_expression");
    write_files(&dir, &[("ORG001.yaml", &file)]);
    let args = check_args(["--rules", &scratch_path(&dir), "--select", "ORG001", GOOD]);
    for limit in ["unlimited", "8192", "1024"] {
        // `ulimit` in a shell, then `exec`: the limit the binary starts with.
        let program = common::ecslint().get_program().to_owned();
        let mut shell = std::process::Command::new("sh");
        shell.arg("-c").arg(format!("ulimit -s {limit} && exec \"$0\" \"$@\"")).arg(program).args(&args);
        shell.current_dir(common::root()).env("NO_COLOR", "1").stdin(std::process::Stdio::null());
        let out = common::run_command(shell, None);
        out.assert_code(0);
        assert!(out.stdout.contains("Checked 1 file"), "ulimit -s {limit}: {}", out.describe());
    }
}

#[test]
fn ecslint_test_still_fails_on_a_rule_that_fails() {
    // `check` goes on past a failing rule; a fixture run must not pass because of it.
    let dir = scratch_dir("test_failing_rule");
    let failing = rule("ORG001", "on: instance\nassert: resource.labels.team == 'web'\nmessage: m");
    let spec = "kind: Instance\nname: bare\nregion: cn-hangzhou\ninstanceType: ecs.g7.large\n\
                image: aliyun_3_x64_20G_alibase_20240819.vhd\n";
    write_files(&dir, &[("rules/ORG001.yaml", &failing), ("tests/ORG001/pass-bare.yaml", spec)]);
    let rules = scratch_path(&dir.join("rules"));
    let tests = scratch_path(&dir.join("tests"));
    let out = run(&["test", "--as-of", common::AS_OF, "--rules", rules.as_str(), tests.as_str()]);
    out.assert_code(2);
    assert!(out.stderr.contains("rule ORG001 failed"), "{}", out.describe());
}
