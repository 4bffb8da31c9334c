//! The command-line contract of DESIGN §5: exit statuses, output formats, how files
//! are found, standard input, colour and a closed output pipe.

mod common;

use common::{AS_OF, check_args, ecslint, instance_yaml, run, run_stdin, scratch_dir, write_files};
use serde_json::Value;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::process::Stdio;

const CLEAN: &str = "fixtures/rules/S002/pass-valid-instance-and-image.yaml";
const UNKNOWN_FIELD: &str = "fixtures/rules/S002/fail-unknown-field.yaml";
const WRONG_TYPE: &str = "fixtures/rules/S002/fail-wrong-type.yaml";
const BAD_ENUM: &str = "fixtures/rules/S002/fail-bad-enum.yaml";
const YAML_SYNTAX: &str = "fixtures/rules/S001/fail-yaml-syntax.yaml";

/// An Instance whose image is neither an Image spec nor a public image ID: S004, a warning.
const UNRESOLVED_IMAGE: &str = "kind: Instance\nname: web-1\nregion: cn-hangzhou\n\
    instanceType: ecs.g7.large\nimage: my-missing-image\n";

/// The keys of a JSON object, sorted.
fn keys(value: &Value) -> BTreeSet<&str> {
    value.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default()
}

fn set<'a>(items: &[&'a str]) -> BTreeSet<&'a str> {
    items.iter().copied().collect()
}

// ---- exit statuses ----

#[test]
fn a_clean_spec_exits_0() {
    let run = run(&check_args([CLEAN]));
    run.assert_code(0);
    assert!(run.stdout.contains("0 errors"), "{}", run.describe());
}

#[test]
fn an_error_finding_exits_1() {
    run(&check_args([UNKNOWN_FIELD])).assert_code(1);
}

#[test]
fn fail_on_never_exits_0_despite_errors() {
    let run = run(&check_args(["--fail-on", "never", UNKNOWN_FIELD]));
    run.assert_code(0);
    assert!(run.stdout.contains("1 error"), "the finding is still reported\n{}", run.describe());
}

#[test]
fn a_warning_fails_only_at_fail_on_warning_or_lower() {
    let args = |fail_on: &'static str| {
        check_args(["--format", "json", "--fail-on", fail_on, "--stdin-filename", "web.yaml", "-"])
    };
    let warned = run_stdin(&args("warning"), UNRESOLVED_IMAGE);
    warned.assert_code(1);
    assert_eq!(warned.json_codes(), ["S004"], "{}", warned.describe());
    assert_eq!(warned.json()["summary"]["warnings"], 1);
    run_stdin(&args("info"), UNRESOLVED_IMAGE).assert_code(1);
    run_stdin(&args("error"), UNRESOLVED_IMAGE).assert_code(0);
    run_stdin(&args("never"), UNRESOLVED_IMAGE).assert_code(0);
}

#[test]
fn a_parse_error_is_a_finding_and_exits_1_not_2() {
    let run = run(&check_args(["--format", "json", YAML_SYNTAX]));
    run.assert_code(1);
    assert_eq!(run.json_codes(), ["S001"]);
}

#[test]
fn a_nonexistent_path_exits_2() {
    let run = run(&check_args([CLEAN, "specs/does-not-exist.yaml"]));
    run.assert_code(2);
    assert!(run.stderr.contains("specs/does-not-exist.yaml"), "{}", run.describe());
    assert!(run.stdout.is_empty(), "nothing is checked when a path is missing\n{}", run.describe());
}

#[test]
fn a_glob_that_matches_nothing_exits_2() {
    let run = run(&check_args(["fixtures/rules/S002/*.nothing"]));
    run.assert_code(2);
    assert!(run.stderr.contains("matched no files"), "{}", run.describe());
}

#[test]
fn bad_flag_values_exit_2() {
    for bad in [
        &["--format", "xml"][..],
        &["--fail-on", "sometimes"],
        &["--color", "maybe"],
        &["--as-of", "2026-13-01"],
        &["--as-of", "22.11.2026"],
        &["--no-such-flag"],
    ] {
        let mut args = vec!["check".to_string()];
        args.extend(bad.iter().map(|a| (*a).to_string()));
        args.push(CLEAN.to_string());
        let run = run(&args);
        assert_eq!(run.code, Some(2), "{bad:?} must exit 2\n{}", run.describe());
        assert!(run.stderr.contains("error"), "{bad:?} explains itself\n{}", run.describe());
    }
}

#[test]
fn help_and_version_exit_0() {
    let help = run(&["check", "--help"]);
    help.assert_code(0);
    assert!(help.stdout.contains("--fail-on"), "{}", help.describe());
    let version = run(&["--version"]);
    version.assert_code(0);
    assert!(version.stdout.starts_with("ecslint "), "{}", version.describe());
}

// ---- standard input ----

#[test]
fn dash_reads_stdin_under_the_stdin_filename() {
    let input = format!("{}biling: Subscription\n", instance_yaml("web-1"));
    let run =
        run_stdin(&check_args(["--format", "concise", "--stdin-filename", "specs/web.yaml", "-"]), &input);
    run.assert_code(1);
    assert_eq!(run.stdout, "specs/web.yaml:7:1: error[S002] unknown field `biling`\n");
}

#[test]
fn stdin_without_a_name_is_reported_as_stdin() {
    let input = format!("{}biling: Subscription\n", instance_yaml("web-1"));
    let run = run_stdin(&check_args(["--format", "concise", "-"]), &input);
    run.assert_code(1);
    assert!(run.stdout.starts_with("<stdin>:7:1: "), "{}", run.describe());
}

#[test]
fn the_stdin_filename_extension_chooses_the_parser() {
    // A trailing comma is an error in JSON and allowed in a YAML flow mapping.
    let input = r#"{"kind": "Instance", "name": "web-1", "region": "cn-hangzhou",
        "instanceType": "ecs.g7.large", "image": "aliyun_3_x64_20G_alibase_20240819.vhd",}"#;
    let as_json = run_stdin(&check_args(["--format", "json", "--stdin-filename", "web.json", "-"]), input);
    as_json.assert_code(1);
    assert_eq!(as_json.json_codes(), ["S001"]);
    let as_yaml = run_stdin(&check_args(["--format", "json", "--stdin-filename", "web.yaml", "-"]), input);
    as_yaml.assert_code(0);
    assert_eq!(as_yaml.json()["summary"]["resources"], 1, "{}", as_yaml.describe());
}

// ---- finding files ----

#[test]
fn a_directory_walk_honours_gitignore_and_picks_spec_extensions() {
    let dir = scratch_dir("walk");
    let typo = format!("{}biling: Subscription\n", instance_yaml("x"));
    let typo_json = r#"{"kind": "Instance", "name": "j", "region": "cn-hangzhou",
        "instanceType": "ecs.g7.large", "image": "aliyun_3_x64_20G_alibase_20240819.vhd", "biling": "x"}"#;
    write_files(
        &dir,
        &[
            (".gitignore", "generated/\n*.local.yaml\n"),
            ("b.yaml", &typo.replace("name: x", "name: b")),
            ("a.yml", &typo.replace("name: x", "name: a")),
            ("nested/c.json", typo_json),
            ("nested/deeper/d.YAML", &typo.replace("name: x", "name: d")),
            ("generated/e.yaml", &typo.replace("name: x", "name: e")),
            ("f.local.yaml", &typo.replace("name: x", "name: f")),
            ("notes.txt", "biling: not a spec"),
            ("README.md", "# specs\n"),
        ],
    );
    let mut command = ecslint();
    command.current_dir(&dir).args(check_args(["--format", "concise", "."]));
    let run = common::run_command(command, None);
    run.assert_code(1);
    let files: Vec<&str> = run.stdout.lines().filter_map(|l| l.split(':').next()).collect();
    assert_eq!(files, ["a.yml", "b.yaml", "nested/c.json", "nested/deeper/d.YAML"], "{}", run.describe());
    std::fs::remove_dir_all(&dir).expect("scratch directory removed");
}

#[test]
fn a_file_named_explicitly_is_read_even_if_gitignored() {
    let dir = scratch_dir("explicit");
    write_files(
        &dir,
        &[
            (".gitignore", "*.local.yaml\n"),
            ("web.local.yaml", &format!("{}biling: x\n", instance_yaml("w"))),
        ],
    );
    let mut command = ecslint();
    command.current_dir(&dir).args(check_args(["--format", "concise", "web.local.yaml"]));
    let run = common::run_command(command, None);
    run.assert_code(1);
    assert!(run.stdout.starts_with("web.local.yaml:"), "{}", run.describe());
    std::fs::remove_dir_all(&dir).expect("scratch directory removed");
}

#[test]
fn glob_patterns_are_expanded_by_ecslint() {
    let run = run(&check_args(["--format", "json", "fixtures/rules/S003/fail-across-files/*.yaml"]));
    run.assert_code(0);
    assert_eq!(run.json()["summary"]["files"], 1, "only images.yaml matches\n{}", run.describe());

    let run = common::run(&check_args(["--format", "concise", "fixtures/rules/S00[12]/fail-*-syntax.*"]));
    run.assert_code(1);
    let files: Vec<&str> = run.stdout.lines().filter_map(|l| l.split(':').next()).collect();
    assert_eq!(
        files,
        ["fixtures/rules/S001/fail-json-syntax.json", "fixtures/rules/S001/fail-yaml-syntax.yaml",],
        "{}",
        run.describe()
    );
}

#[test]
fn findings_are_sorted_by_file_then_position_whatever_the_argument_order() {
    let forward = run(&check_args(["--format", "concise", BAD_ENUM, WRONG_TYPE, UNKNOWN_FIELD]));
    let backward = run(&check_args(["--format", "concise", UNKNOWN_FIELD, WRONG_TYPE, BAD_ENUM]));
    forward.assert_code(1);
    assert_eq!(forward.stdout, backward.stdout);
    let files: Vec<&str> = forward.stdout.lines().filter_map(|l| l.split(':').next()).collect();
    assert_eq!(files, [BAD_ENUM, UNKNOWN_FIELD, WRONG_TYPE]);

    // Within a file: by offset.
    let run = run(&check_args(["--format", "json", "fixtures/rules/S002/fail-invalid-values.json"]));
    let offsets: Vec<u64> = run.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["span"]["offset"].as_u64())
        .collect();
    assert!(offsets.len() >= 3 && offsets.is_sorted(), "{offsets:?}\n{}", run.describe());
}

#[test]
fn a_directory_and_a_file_inside_it_are_checked_once() {
    let run = run(&check_args([
        "--format",
        "json",
        "fixtures/rules/S003/fail-across-files",
        "fixtures/rules/S003/fail-across-files/images.yaml",
    ]));
    assert_eq!(run.json()["summary"]["files"], 2, "{}", run.describe());
}

// ---- output formats ----

#[test]
fn concise_lines_are_path_line_col_severity_code_message() {
    let run = run(&check_args(["--format", "concise", "fixtures/rules/S002"]));
    run.assert_code(1);
    assert!(run.stdout.lines().count() >= 7, "{}", run.describe());
    for line in run.stdout.lines() {
        let mut parts = line.splitn(4, ':');
        let (path, row, col, rest) = (parts.next(), parts.next(), parts.next(), parts.next());
        assert!(path.is_some_and(|p| p.starts_with("fixtures/rules/S002/")), "path in `{line}`");
        assert!(row.and_then(|r| r.parse::<u32>().ok()).is_some_and(|r| r >= 1), "line in `{line}`");
        assert!(col.and_then(|c| c.parse::<u32>().ok()).is_some_and(|c| c >= 1), "column in `{line}`");
        let rest = rest.and_then(|r| r.strip_prefix(' ')).unwrap_or_default();
        let (severity, rest) = rest.split_once('[').unwrap_or_default();
        assert!(["error", "warning", "info"].contains(&severity), "severity in `{line}`");
        let (code, message) = rest.split_once("] ").unwrap_or_default();
        assert!(code.len() == 4 && code.is_ascii(), "code in `{line}`");
        assert!(!message.is_empty(), "message in `{line}`");
    }
    assert!(
        run.stdout
            .contains("fixtures/rules/S002/fail-unknown-field.yaml:6:1: error[S002] unknown field `biling`"),
        "{}",
        run.describe()
    );
}

#[test]
fn json_output_has_exactly_the_documented_shape() {
    let run =
        run(&check_args(["--format", "json", UNKNOWN_FIELD, "fixtures/rules/S001/pass-valid-json.json"]));
    run.assert_code(1);
    let report = run.json();
    assert_eq!(keys(&report), set(&["version", "findings", "summary"]));
    assert_eq!(report["version"], 1);
    assert_eq!(
        report["summary"],
        serde_json::json!({"files": 2, "resources": 2, "errors": 1, "warnings": 0, "infos": 0})
    );
    let findings = report["findings"].as_array().expect("findings is a list");
    assert_eq!(findings.len(), 1, "{}", run.describe());
    let finding = &findings[0];
    assert_eq!(
        keys(finding),
        set(&["code", "name", "severity", "message", "help", "file", "span", "resource", "data", "labels"])
    );
    assert_eq!(finding["code"], "S002");
    assert_eq!(finding["name"], "schema-violation");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["message"], "unknown field `biling`");
    assert_eq!(finding["help"], "did you mean `billing`?");
    assert_eq!(finding["file"], UNKNOWN_FIELD);
    assert_eq!(finding["resource"], serde_json::json!({"kind": "Instance", "name": "web-1"}));
    assert_eq!(finding["data"], serde_json::json!({}));
    assert_eq!(finding["labels"], serde_json::json!([]), "no secondary label: an empty list");
    let span = &finding["span"];
    assert_eq!(keys(span), set(&["offset", "length", "line", "column", "endLine", "endColumn"]));
    let text = std::fs::read_to_string(common::root().join(UNKNOWN_FIELD)).expect("fixture readable");
    let offset = usize::try_from(span["offset"].as_u64().unwrap()).unwrap();
    let length = usize::try_from(span["length"].as_u64().unwrap()).unwrap();
    assert_eq!(text.get(offset..offset + length), Some("biling"), "the span covers the key");
    assert_eq!(
        [&span["line"], &span["column"], &span["endLine"], &span["endColumn"]],
        [6, 1, 6, 7].map(Value::from).each_ref()
    );
}

#[test]
fn json_columns_count_characters_not_bytes() {
    let input = "{kind: Instance, name: 网站-1, region: cn-hangzhou, instanceType: ecs.g7.large, \
                 image: aliyun_3_x64_20G_alibase_20240819.vhd, biling: x}\n";
    let run = run_stdin(&check_args(["--format", "json", "--stdin-filename", "web.yaml", "-"]), input);
    run.assert_code(1);
    let span = run.json()["findings"][0]["span"].clone();
    let byte_offset = input.find("biling").unwrap();
    let char_column = input[..byte_offset].chars().count() + 1;
    assert_ne!(byte_offset + 1, char_column, "the input has multi-byte characters before the span");
    assert_eq!(span["offset"], byte_offset, "offset is in bytes\n{}", run.describe());
    assert_eq!(span["column"], char_column, "column is in characters\n{}", run.describe());
    assert_eq!(span["endColumn"], char_column + "biling".len());
}

#[test]
fn json_for_a_clean_run_has_no_findings() {
    let run = run(&check_args(["--format", "json", CLEAN]));
    run.assert_code(0);
    let report = run.json();
    assert_eq!(report["findings"], serde_json::json!([]));
    assert_eq!(report["summary"]["files"], 1);
    assert_eq!(report["summary"]["resources"], 2);
}

#[test]
fn human_output_ends_with_the_summary_line() {
    let run = run(&check_args([UNKNOWN_FIELD, WRONG_TYPE]));
    run.assert_code(1);
    let last = run.stdout.lines().last().unwrap_or_default();
    assert_eq!(last, "Checked 2 files and 2 resources: 2 errors, 0 warnings, 0 infos.", "{}", run.describe());
    assert!(run.stdout.contains("S002(schema-violation)"), "{}", run.describe());
    assert!(run.stdout.contains("help: did you mean `billing`?"), "{}", run.describe());
}

#[test]
fn the_summary_line_uses_singulars() {
    let run = run(&check_args([UNKNOWN_FIELD]));
    let last = run.stdout.lines().last().unwrap_or_default();
    assert_eq!(last, "Checked 1 file and 1 resource: 1 error, 0 warnings, 0 infos.", "{}", run.describe());
}

// ---- colour ----

const ESC: &str = "\u{1b}[";

#[test]
fn color_always_emits_ansi_escapes() {
    // `--color always` wins over NO_COLOR, which the test environment sets.
    let run = run(&["check", "--as-of", AS_OF, "--color", "always", UNKNOWN_FIELD]);
    run.assert_code(1);
    assert!(run.stdout.contains(ESC), "{}", run.describe());
}

#[test]
fn color_never_and_no_color_emit_no_escapes() {
    let never = run(&["check", "--as-of", AS_OF, "--color", "never", UNKNOWN_FIELD]);
    assert!(!never.stdout.contains(ESC) && !never.stderr.contains(ESC), "{}", never.describe());
    let mut command = ecslint();
    command.env("NO_COLOR", "1").args(["check", "--as-of", AS_OF, "--color", "auto", UNKNOWN_FIELD]);
    let no_color = common::run_command(command, None);
    assert!(!no_color.stdout.contains(ESC) && !no_color.stderr.contains(ESC), "{}", no_color.describe());
    no_color.assert_code(1);
}

#[test]
fn machine_formats_never_contain_escapes() {
    for format in ["concise", "json"] {
        let run = run(&["check", "--as-of", AS_OF, "--color", "always", "--format", format, UNKNOWN_FIELD]);
        assert!(!run.stdout.contains(ESC), "{format} is for machines\n{}", run.describe());
    }
}

// ---- a closed pipe ----

/// Runs `check` on a large input with stdout closed before anything is written.
fn run_with_closed_stdout(format: &str) -> common::Run {
    let mut input = String::new();
    for i in 0..2000 {
        let _ = write!(input, "---\n{}biling: x\n", instance_yaml(&format!("web-{i}")));
    }
    let mut child = ecslint()
        .args(check_args(["--format", format, "-"]))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the ecslint binary starts");
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let _ = stdin.write_all(input.as_bytes());
    drop(stdin);
    let output = child.wait_with_output().expect("the ecslint binary runs to completion");
    common::Run {
        code: output.status.code(),
        stdout: String::new(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn a_closed_pipe_ends_quietly_with_the_status_of_the_findings() {
    for format in ["human", "concise", "json"] {
        let run = run_with_closed_stdout(format);
        assert!(!run.stderr.contains("panicked"), "{format}: {}", run.describe());
        // The input's S002 errors still fail the run (DESIGN §5).
        assert_eq!(run.code, Some(1), "{format}: {}", run.describe());
        assert!(run.stderr.is_empty(), "{format}: nothing to say about a closed pipe\n{}", run.describe());
    }
}
