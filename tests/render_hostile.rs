//! Rendering hostile input: no panic, output bounded by the findings (not by the size of the
//! file or of its lines), time independent of the file's size per finding, and nothing an
//! input controls can drive a terminal or issue a CI runner command.
//!
//! Every input is generated here under `CARGO_TARGET_TMPDIR`. Each run has a generous
//! deadline (a hang fails the test; timings themselves are never asserted), its exit status
//! is checked (never 101, a panic), and its output is read from files.

mod common;

use common::{AS_OF, Run, ecslint, root, run_with_deadline};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

const MIB: usize = 1024 * 1024;
/// An image the built-in catalog knows, so instances using it get no image finding.
const IMAGE: &str = "aliyun_3_x64_20G_alibase_20240819.vhd";

/// A fresh directory for one test's inputs and captured output.
fn scratch(test: &str) -> PathBuf {
    common::scratch_in_target("render_hostile", test)
}

impl Run {
    /// Exit status 1 (findings at or above `error`) or 0, and not a panic.
    #[track_caller]
    fn assert_findings_status(&self) -> &Self {
        assert!(matches!(self.code, Some(0 | 1)), "unexpected exit status\n{}", self.describe());
        self
    }

    /// Standard output is at most `bytes` long and no line of it is longer than `line` characters.
    #[track_caller]
    fn assert_bounded(&self, bytes: usize, line: usize) -> &Self {
        assert!(self.stdout.len() <= bytes, "{} bytes of output\n{}", self.stdout.len(), self.describe());
        let longest = self.stdout.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        assert!(longest <= line, "a line of {longest} characters\n{}", self.describe());
        self
    }
}

/// Runs `ecslint check --as-of AS_OF --color never --no-config ARGS` in `dir`, output to files.
fn check(dir: &Path, args: &[&str]) -> Run {
    let mut command = ecslint();
    command
        .current_dir(dir)
        .args(["check", "--ignore", "L006", "--as-of", AS_OF, "--color", "never", "--no-config"])
        .args(args);
    run_with_deadline(command, dir, None)
}

/// One instance as a one-line JSON object: `pad` goes in a label before the fields a finding
/// points at (an instance type the catalog does not know: S007).
fn instance_json(name: &str, pad: &str) -> String {
    let pad = serde_json::to_string(pad).unwrap();
    format!(
        r#"{{"kind":"Instance","name":"{name}","labels":{{"pad":{pad}}},"region":"cn-hangzhou","instanceType":"ecs.zz9.large","image":"{IMAGE}"}}"#
    )
}

/// One instance as a one-line JSON object whose only finding is cheap to make: an unknown
/// field (S002), after a non-ASCII label.
fn bad_instance_json(name: &str) -> String {
    format!(
        r#"{{"kind":"Instance","name":"{name}","labels":{{"note":"überall"}},"region":"cn-hangzhou","instanceType":"ecs.g7.large","image":"{IMAGE}","zzz":1}}"#
    )
}

/// The longest line a snippet may print: a window of 160 bytes, tabs expanded to 4 columns
/// or control characters escaped, plus the gutter.
const LONGEST_LINE: usize = 1200;

// --- #13.1: no panic past display column 65,535 -----------------------------------------

/// Findings far out on one line: after 16,400 tabs in a YAML string, in a 70 KB one-line JSON
/// file, after 131 KB of emoji and 98 KB of CJK. miette padded the underline with a
/// `{:width$}` past `u16::MAX` and panicked; the snippet is now a window around the finding.
#[test]
fn findings_past_column_65535_render_without_panic() {
    let dir = scratch("past_column_65535");
    let tabs = "\t".repeat(16_400);
    let cases = [
        (
            "tabs.yaml",
            format!(
                "{{kind: Instance, name: tabs, labels: {{pad: \"{tabs}\"}}, region: cn-hangzhou, instanceType: ecs.zz9.large, image: {IMAGE}}}\n"
            ),
        ),
        ("long.json", instance_json("long", &"a".repeat(70_000))),
        ("emoji.json", instance_json("emoji", &"😀".repeat(131_000 / 4))),
        ("cjk.json", instance_json("cjk", &"漢".repeat(98_000 / 3))),
    ];
    for (name, text) in &cases {
        fs::write(dir.join(name), text).unwrap();
    }
    let names: Vec<&str> = cases.iter().map(|(name, _)| *name).collect();
    let run = check(&dir, &names);
    run.assert_findings_status().assert_bounded(64 * 1024, LONGEST_LINE);
    for (name, text) in &cases {
        // The header gives the finding's real position: line 1, the column of the type (of
        // its opening quote in JSON).
        let value = if Path::new(name).extension().is_some_and(|e| e == "json") {
            "\"ecs.zz9.large\""
        } else {
            "ecs.zz9.large"
        };
        let column = text[..text.find(value).unwrap()].chars().count() + 1;
        let header = format!("[{name}:1:{column}]");
        assert!(run.stdout.contains(&header), "no {header}\n{}", run.describe());
    }
    assert!(run.stdout.contains('…'), "a cut line is marked\n{}", run.describe());

    // `--output` still renders the human report on the terminal.
    let run = check(&dir, &["--format", "json", "--output", "report.json", "tabs.yaml", "long.json"]);
    run.assert_findings_status().assert_bounded(64 * 1024, LONGEST_LINE);
    assert!(run.stdout.contains("[long.json:1:"), "{}", run.describe());
}

// --- #13.6: rendering costs findings plus file size, not their product ----------------------

/// 19,000 findings in one 3.4 MB non-ASCII file: miette counted lines from the start of the file
/// and SARIF counted characters from it for every finding (36 s and 52 s in a release build for
/// a 460 KB file). Both now finish well inside the deadline in a debug build.
#[test]
fn many_findings_in_a_large_file_render_in_time() {
    let dir = scratch("many_findings");
    let mut text = String::from("[\n");
    for i in 0..19_000 {
        let separator = if i == 0 { "" } else { ",\n" };
        let _ = write!(text, "{separator}{}", bad_instance_json(&format!("i{i}")));
    }
    text.push_str("\n]\n");
    fs::write(dir.join("many.json"), &text).unwrap();
    let run = check(&dir, &["many.json"]);
    run.assert_findings_status().assert_bounded(40 * MIB, LONGEST_LINE);
    assert!(run.stdout.contains("[many.json:19001:"), "the last finding is rendered\n{}", run.describe());

    let run = check(&dir, &["--format", "sarif", "many.json"]);
    run.assert_findings_status();
    let sarif: serde_json::Value = serde_json::from_str(&run.stdout).expect("SARIF is JSON");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let last = results.last().expect("findings");
    let region = &last["locations"][0]["physicalLocation"]["region"];
    let line = text.lines().nth(19_000).unwrap();
    let at = text.rfind("\"zzz\"").unwrap();
    assert_eq!(region["startLine"], 19_001);
    assert_eq!(region["startColumn"], line[..line.find("\"zzz\"").unwrap()].chars().count() + 1);
    assert_eq!(region["charOffset"], text[..at].chars().count());
}

// --- #13.7: a snippet shows a window of a long line -------------------------------------

/// A 1 MB JSON file of 16 long lines, each holding many findings: every finding reprinted its
/// whole line (2.45 GB of output for 9,861 findings). Each snippet now shows a window.
#[test]
fn long_lines_are_windowed_once_per_finding() {
    let dir = scratch("long_lines");
    let mut text = String::from("[\n");
    for line in 0..16 {
        let objects: Vec<String> = (0..300).map(|i| bad_instance_json(&format!("l{line}-{i}"))).collect();
        let separator = if line == 15 { "\n" } else { ",\n" };
        text.push_str(&objects.join(","));
        text.push_str(separator);
    }
    text.push_str("]\n");
    assert!(text.len() > 600 * 1024, "{}", text.len());
    fs::write(dir.join("lines.json"), &text).unwrap();
    let run = check(&dir, &["lines.json"]);
    // 4,800 findings of well under 2 KB each; a whole line is 40 KB.
    run.assert_findings_status().assert_bounded(4_800 * 2048, LONGEST_LINE);
    let findings = run.stdout.matches("S002(").count();
    assert_eq!(findings, 4_800, "{}", run.describe());
}

// --- #13.12: nothing an input controls reaches a terminal or a CI runner as it is -----------

/// What an attacker puts in a file name or a spec value: line breaks followed by workflow
/// commands, a `##[` command, terminal escapes (OSC title, CSI clear), a bidi override, a line
/// separator, NUL and DEL.
const HOSTILE: &str = "x\n::error file=a.yaml::pwned\r\n  ::add-mask::secret\u{2028}::stop-commands::t ##[command]echo \u{1b}]0;title\u{7}\u{1b}[2J\u{202e}\u{0}\u{7f}\u{85} ##vso[task.setvariable variable=DEPLOY]yes ##VSO[task.complete]";

/// The invariant for a CI log, on standard output and standard error: no line starts
/// (after the spaces a runner trims) with `::`, none carries `##[` or `##vso[` (Azure
/// Pipelines, in any case), and no control character but the line break is printed.
#[track_caller]
fn assert_inert(run: &Run, what: &str) {
    for line in run.stdout.lines().chain(run.stderr.lines()) {
        let trimmed = line.trim_start();
        assert!(!trimmed.starts_with("::"), "{what}: a line starts with `::`: {line:?}\n{}", run.describe());
        assert!(!line.contains("##["), "{what}: a line carries `##[`: {line:?}\n{}", run.describe());
        let lower = line.to_ascii_lowercase();
        assert!(!lower.contains("##vso["), "{what}: a line carries `##vso[`: {line:?}\n{}", run.describe());
        let bad = line.chars().find(|&c| {
            (c.is_control() && c != '\t') || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}')
        });
        assert!(bad.is_none(), "{what}: {bad:?} printed as it is in {line:?}\n{}", run.describe());
    }
}

/// Human and concise output of a run, each checked for [`assert_inert`]; concise stays one
/// line per finding.
fn check_inert(dir: &Path, args: &[&str], findings_at_least: usize) {
    let human = check(dir, args);
    human.assert_findings_status();
    assert_inert(&human, "human");
    let concise_args: Vec<&str> = ["--format", "concise"].iter().chain(args).copied().collect();
    let concise = check(dir, &concise_args);
    concise.assert_findings_status();
    assert_inert(&concise, "concise");
    let json_args: Vec<&str> = ["--format", "json"].iter().chain(args).copied().collect();
    let json = check(dir, &json_args);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON report");
    let count = report["findings"].as_array().map_or(0, Vec::len);
    assert!(count >= findings_at_least, "expected findings\n{}", json.describe());
    assert_eq!(concise.stdout.lines().count(), count, "one line per finding\n{}", concise.describe());
}

#[test]
fn a_file_name_cannot_inject_commands() {
    let dir = scratch("file_name");
    let name = format!("{HOSTILE}.yaml").replace('\u{0}', "");
    let spec = format!(
        "kind: Instance\nname: web\nregion: cn-hangzhou\ninstanceType: ecs.zz9.large\nimage: {IMAGE}\n"
    );
    fs::write(dir.join(&name), spec).unwrap();
    check_inert(&dir, &["."], 1);
    // GitHub's own format escapes the name as a property value.
    let github = check(&dir, &["--format", "github", "."]);
    let lines: Vec<&str> = github.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", github.describe());
    // The path is the file's in the repository (this scratch directory may lie in one).
    assert!(lines[0].starts_with("::warning file="), "{}", github.describe());
    assert!(lines[0].contains("x%0A%3A%3Aerror file=a.yaml%3A%3Apwned%0D%0A"), "{}", github.describe());
    assert!(!lines[0][2..].contains("::error"), "{}", github.describe());
}

#[test]
fn a_region_value_cannot_inject_commands_through_q002_help() {
    let dir = scratch("region_value");
    let region = serde_json::to_string(HOSTILE).unwrap();
    let mut specs = String::new();
    for name in ["a", "b", "c"] {
        let _ = write!(
            specs,
            "---\nkind: Image\nname: {name}\ntype: custom\nos: {{family: alibaba-cloud-linux, version: \"3\"}}\narchitecture: x86_64\nregions: [{region}]\n"
        );
    }
    fs::write(dir.join("images.yaml"), specs).unwrap();
    let catalog = root().join("fixtures/rules/Q002/fail-over-quota/quota-catalog.yaml");
    let catalog = catalog.to_str().unwrap();
    let json = check(&dir, &["--format", "json", "--catalog", catalog, "images.yaml"]);
    assert!(json.stdout.contains("\"Q002\""), "Q002 fires with the hostile region\n{}", json.describe());
    check_inert(&dir, &["--catalog", catalog, "images.yaml"], 1);
}

#[test]
fn a_team_rule_interpolating_spec_values_cannot_inject_commands() {
    let dir = scratch("team_rule");
    fs::create_dir_all(dir.join("rules")).unwrap();
    let rule = "code: ORG042\nname: echo-note\nseverity: error\non: instance\nassert: \"false\"\n\
field: labels\nlabel: \"{{ resource.labels.note }}\"\nmessage: \"note {{ resource.labels.note }}\"\n\
help: \"the note says {{ resource.labels.note }} and the name {{ resource.name }}\"\n\
docs:\n  summary: Echoes a label.\n  why: To test escaping.\n  fix: Do not.\n  example: |\n    kind: Instance\n";
    fs::write(dir.join("rules/ORG042-echo-note.yaml"), rule).unwrap();
    let note = serde_json::to_string(HOSTILE).unwrap();
    let spec = format!(
        "kind: Instance\nname: web\nregion: cn-hangzhou\ninstanceType: ecs.g7.large\nimage: {IMAGE}\nlabels:\n  note: {note}\n"
    );
    fs::write(dir.join("web.yaml"), spec).unwrap();
    let json = check(&dir, &["--format", "json", "--rules", "rules", "web.yaml"]);
    assert!(json.stdout.contains("\"ORG042\""), "the team rule fires\n{}", json.describe());
    check_inert(&dir, &["--rules", "rules", "web.yaml"], 1);
    // Every continuation line of a wrapped help starts with a visible prefix.
    let human = check(&dir, &["--rules", "rules", "web.yaml"]);
    let mut in_help = false;
    for line in human.stdout.lines() {
        if line.starts_with("  help: ") {
            in_help = true;
        } else if in_help && line.starts_with(' ') && !line.trim().is_empty() {
            assert!(
                line.starts_with("      │ "),
                "a continuation without its prefix: {line:?}\n{}",
                human.describe()
            );
        } else {
            in_help = false;
        }
    }
}

// --- #13.5: JUnit groups findings by file in time linear in the files -------------------

/// 100,000 files under a directory with a long name: one linear search over the suites per
/// file and per finding compared every pair of those long names (37 s with short ones).
#[test]
fn junit_groups_100000_files_in_time() {
    let dir = scratch("junit_many_files");
    let long = "d".repeat(200);
    let specs = dir.join(&long);
    fs::create_dir_all(&specs).unwrap();
    for i in 0..100_000 {
        fs::write(specs.join(format!("f{i}.yaml")), "").unwrap();
    }
    let spec = format!(
        "kind: Instance\nname: web\nregion: cn-hangzhou\ninstanceType: ecs.zz9.large\nimage: {IMAGE}\n"
    );
    fs::write(specs.join("web.yaml"), spec).unwrap();
    let run = check(&dir, &["--format", "junit", &long]);
    run.assert_findings_status();
    assert_eq!(run.stdout.matches("<testsuite ").count(), 100_001, "{}", run.describe());
    let web = format!(r#"<testsuite name="{long}/web.yaml" tests="1" failures="1""#);
    assert!(run.stdout.contains(&web), "the finding is in its file's suite\n{}", run.describe());
}

// --- #12.13: SARIF for code scanning ------------------------------------------------------

/// A spec named by its absolute path is reported relative to `%SRCROOT%` (the working
/// directory), never as a `file://` URI of this machine, and rule help is Markdown with a
/// plain-text twin.
#[test]
fn sarif_paths_are_relative_to_the_source_root() {
    let dir = scratch("sarif_root");
    // Its own repository, so its root is `%SRCROOT%`.
    fs::create_dir_all(dir.join(".git")).unwrap();
    fs::create_dir_all(dir.join("specs")).unwrap();
    let spec = format!(
        "kind: Instance\nname: web\nregion: cn-hangzhou\ninstanceType: ecs.zz9.large\nimage: {IMAGE}\n"
    );
    fs::write(dir.join("specs/web.yaml"), spec).unwrap();
    let absolute = dir.join("specs/web.yaml");
    let run = check(&dir, &["--format", "sarif", absolute.to_str().unwrap()]);
    run.assert_findings_status();
    assert!(!run.stdout.contains("file:"), "{}", run.describe());
    let log: serde_json::Value = serde_json::from_str(&run.stdout).expect("SARIF is JSON");
    let sarif_run = &log["runs"][0];
    assert!(sarif_run["originalUriBaseIds"]["%SRCROOT%"].is_object(), "{}", run.describe());
    let artifact = &sarif_run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(artifact["uri"], "specs/web.yaml");
    assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
    let rules = sarif_run["tool"]["driver"]["rules"].as_array().expect("rules");
    let s007 = rules.iter().find(|r| r["id"] == "S007").expect("S007 is described");
    let (text, markdown) =
        (s007["help"]["text"].as_str().unwrap(), s007["help"]["markdown"].as_str().unwrap());
    assert!(markdown.contains('`') && !text.contains('`'), "help: {text:?} / {markdown:?}");
}

/// `%SRCROOT%` is the project root, not the working directory: run from a subdirectory of
/// a repository, a file's path is still relative to the repository's root.
#[test]
fn sarif_paths_are_relative_to_the_project_root_from_a_subdirectory() {
    let dir = scratch("sarif_project_root");
    fs::create_dir_all(dir.join(".git")).unwrap();
    fs::create_dir_all(dir.join("specs")).unwrap();
    let spec = format!(
        "kind: Instance\nname: web\nregion: cn-hangzhou\ninstanceType: ecs.zz9.large\nimage: {IMAGE}\n"
    );
    fs::write(dir.join("specs/web.yaml"), spec).unwrap();
    let run = check(&dir.join("specs"), &["--format", "sarif", "web.yaml"]);
    run.assert_findings_status();
    let log: serde_json::Value = serde_json::from_str(&run.stdout).expect("SARIF is JSON");
    let artifact = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(artifact["uri"], "specs/web.yaml", "{}", run.describe());
    assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
}

/// A walk's warnings quote file names: a dangling link named with a line break and a
/// workflow command cannot start a line of the log.
#[test]
fn a_warning_about_a_file_name_cannot_inject_commands() {
    let dir = scratch("warning_name");
    let spec = format!(
        "kind: Instance\nname: web\nregion: cn-hangzhou\ninstanceType: ecs.g7.large\nimage: {IMAGE}\n"
    );
    fs::write(dir.join("web.yaml"), spec).unwrap();
    std::os::unix::fs::symlink("/nonexistent/ecslint", dir.join("x\n::error::pwned ##[group].yaml")).unwrap();
    let run = check(&dir, &["."]);
    run.assert_findings_status();
    assert!(run.stderr.contains("warning: "), "the link is reported\n{}", run.describe());
    let as_stdout = Run { code: run.code, stdout: run.stderr.clone(), stderr: String::new() };
    assert_inert(&as_stdout, "warnings");
}

/// A team rule interpolating a 1 MB spec value into its help and label: each is kept to
/// 1,000 characters, as messages already were, so one finding prints kilobytes, not megabytes.
#[test]
fn help_and_labels_quoting_a_huge_value_are_bounded() {
    let dir = scratch("huge_help");
    fs::create_dir_all(dir.join("rules")).unwrap();
    let rule = "code: ORG043\nname: echo-big\nseverity: error\non: instance\nassert: \"false\"\n\
field: labels\nlabel: \"{{ resource.labels.note }}\"\nmessage: \"a note\"\n\
help: \"the note says {{ resource.labels.note }}\"\n\
docs:\n  summary: Echoes a label.\n  why: To test bounds.\n  fix: Do not.\n  example: |\n    kind: Instance\n";
    fs::write(dir.join("rules/ORG043-echo-big.yaml"), rule).unwrap();
    let spec = format!(
        "kind: Instance\nname: web\nregion: cn-hangzhou\ninstanceType: ecs.g7.large\nimage: {IMAGE}\nlabels:\n  note: {}\n",
        "n".repeat(MIB)
    );
    fs::write(dir.join("web.yaml"), spec).unwrap();
    let run = check(&dir, &["--rules", "rules", "web.yaml"]);
    run.assert_findings_status().assert_bounded(64 * 1024, 4 * 1024);
    assert!(run.stdout.contains("ORG043(echo-big)"), "{}", run.describe());
}

/// The errors that end a run (exit status 2) quote what the user gave: a path argument (from
/// a pull request's file list), a catalog's or a baseline's unknown key or value. They were
/// printed as they were, so a crafted catalog value or file name could issue a CI command.
#[test]
fn error_messages_cannot_inject_commands() {
    let dir = scratch("error_messages");
    let json_text = serde_json::to_string(HOSTILE).expect("JSON string");
    fs::write(
        dir.join("good.yaml"),
        format!(
            "kind: Instance\nname: web\nregion: cn-hangzhou\ninstanceType: ecs.g7.large\nimage: {IMAGE}\n"
        ),
    )
    .unwrap();
    fs::write(dir.join("catalog.json"), format!("{{{json_text}: 1}}")).unwrap();
    fs::write(dir.join("baseline.json"), format!("{{\"version\": 1, \"findings\": [{{{json_text}: 1}}]}}"))
        .unwrap();
    // An argument cannot hold a NUL.
    let argument = HOSTILE.replace('\u{0}', "");
    for args in [
        &["good.yaml", argument.as_str()][..],
        &["--catalog", "catalog.json", "good.yaml"],
        &["--baseline", "baseline.json", "good.yaml"],
    ] {
        let run = check(&dir, args);
        assert_eq!(run.code, Some(2), "{}", run.describe());
        assert!(run.stderr.starts_with("error: "), "{}", run.describe());
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.describe());
        assert_inert(&run, "error");
    }
}
