//! Rule parameters (DESIGN §3, §6): declared in a rule file with a default and a schema,
//! read by its expressions as `params`, overridden per rule by the config's `params:`.

mod common;

use common::{AS_OF, ecslint, run_command, scratch_in_target, write_files};
use std::path::Path;

/// Windows Server 2016 ends support on 2027-01-12: 51 days after the tests' check date.
const WINDOWS_2016: &str = "kind: Instance\nname: app\nregion: cn-hangzhou\ninstanceType: ecs.g7.large\nimage: win2016_1607_x64_dtc_zh-cn_40G_alibase_20210516.vhd\n";

/// `check` of `a.yaml` in `dir` with its `ecslint.yaml`, as JSON.
fn check_in(dir: &Path, extra: &[&str]) -> common::Run {
    let mut command = ecslint();
    command.current_dir(dir).args(["check", "--as-of", AS_OF, "--format", "json", "a.yaml"]).args(extra);
    run_command(command, None)
}

fn l002_count(run: &common::Run) -> usize {
    run.json_codes().iter().filter(|c| *c == "L002").count()
}

#[test]
fn a_configured_parameter_replaces_the_default() {
    let dir = scratch_in_target("params", "override");
    for (config, expected, why) in [
        ("{}", 1, "the default window of 180 days holds 51"),
        ("params: {L002: {eolWarningDays: 30}}", 0, "a 30-day window does not"),
        ("params: {os-end-of-life-soon: {eolWarningDays: 60}}", 1, "a rule is named by its name too"),
        ("eolWarningDays: 30", 0, "the old top-level key is an alias"),
        ("eolWarningDays: 30\nparams: {L002: {eolWarningDays: 60}}", 1, "`params:` wins over the alias"),
    ] {
        write_files(&dir, &[("ecslint.yaml", config), ("a.yaml", WINDOWS_2016)]);
        let run = check_in(&dir, &[]);
        assert_eq!(l002_count(&run), expected, "{why}: {config}\n{}", run.describe());
    }
    // The finding's data says which window applied.
    write_files(&dir, &[("ecslint.yaml", "params: {L002: {eolWarningDays: 75}}")]);
    let run = check_in(&dir, &[]);
    let finding = run.json_findings().into_iter().find(|f| f["code"] == "L002").expect("an L002");
    assert_eq!(finding["data"]["warningDays"], 75, "{}", run.describe());
}

#[test]
fn mistakes_in_params_are_errors_with_spans_and_suggestions() {
    let dir = scratch_in_target("params", "mistakes");
    for (config, needle) in [
        ("params: {L002: {eolWarningDay: 30}}", "did you mean `eolWarningDays`?"),
        ("params: {L0002: {eolWarningDays: 30}}", "which is no rule"),
        ("params: {L002: {eolWarningDays: \"soon\"}}", "does not match its schema"),
        ("params: {L002: {eolWarningDays: -1}}", "does not match its schema"),
        ("params: {L001: {days: 1}}", "L001 has no parameters"),
    ] {
        write_files(&dir, &[("ecslint.yaml", config), ("a.yaml", WINDOWS_2016)]);
        let mut command = ecslint();
        command.current_dir(&dir).args(["check", "--as-of", AS_OF, "a.yaml"]);
        let run = run_command(command, None);
        run.assert_code(2).assert_stderr(needle).assert_stderr("ecslint.yaml:1:");
    }
}

#[test]
fn explain_lists_parameters_with_their_defaults() {
    let run = common::run(&["explain", "L002"]);
    run.assert_code(0);
    assert!(run.stdout.contains("## Parameters"), "{}", run.stdout);
    assert!(
        run.stdout.contains("`eolWarningDays`") && run.stdout.contains("default `180`"),
        "{}",
        run.stdout
    );
    let run = common::run(&["explain", "L001"]);
    assert!(!run.stdout.contains("## Parameters"), "{}", run.stdout);
}

const TEAM_RULE: &str = r#"code: ORG001
name: too-many-instances
severity: error
on: instance
assert: resource.count <= params.maxCount
field: count
message: "{{ resource.count }} instances, more than {{ params.maxCount }}"
params:
  maxCount:
    description: the most instances one spec may declare
    default: 4
    schema: {type: integer, minimum: 1}
docs:
  summary: Too many instances in one spec.
  why: A team limit.
  example: "count: 9"
  fix: Split the spec.
"#;

#[test]
fn a_team_rule_reads_its_parameters() {
    let dir = scratch_in_target("params", "team");
    let spec = WINDOWS_2016.replace("name: app\n", "name: app\ncount: 6\n");
    write_files(&dir, &[("rules/ORG001-too-many-instances.yaml", TEAM_RULE), ("a.yaml", &spec)]);
    for (config, fires) in
        [("rulePaths: [rules]", true), ("rulePaths: [rules]\nparams: {ORG001: {maxCount: 8}}", false)]
    {
        write_files(&dir, &[("ecslint.yaml", config)]);
        let run = check_in(&dir, &[]);
        assert_eq!(run.json_codes().contains(&"ORG001".to_string()), fires, "{config}\n{}", run.describe());
    }
    // A default its own schema refuses is a mistake in the rule file.
    write_files(
        &dir,
        &[("rules/ORG001-too-many-instances.yaml", &TEAM_RULE.replace("default: 4", "default: 0"))],
    );
    let run = check_in(&dir, &[]);
    run.assert_code(2).assert_stderr("the default of `maxCount` does not match its schema");
}
