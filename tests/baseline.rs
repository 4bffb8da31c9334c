//! Portable baselines (DESIGN §7): paths relative to the baseline file, list entries keyed
//! by value, the summary's counts, and rewriting a baseline in place.

mod common;

use common::{AS_OF, Run, ecslint, run_command, scratch_dir, write_files};
use std::path::Path;

fn check_in(dir: &Path, args: &[&str]) -> Run {
    let mut command = ecslint();
    command.current_dir(dir).args(["check", "--color", "never", "--no-config", "--as-of", AS_OF]).args(args);
    run_command(command, None)
}

/// `(code, message)` of every reported finding of a JSON report.
fn found(run: &Run) -> Vec<(String, String)> {
    let json = run.json();
    let findings = json["findings"].as_array().cloned().unwrap_or_default();
    findings
        .iter()
        .map(|f| {
            (f["code"].as_str().unwrap_or_default().into(), f["message"].as_str().unwrap_or_default().into())
        })
        .collect()
}

/// A custom image shared with `accounts` (each a `sharedWith` entry).
fn image(accounts: &[&str]) -> String {
    let list: Vec<String> = accounts.iter().map(|a| format!("\"{a}\"")).collect();
    format!(
        "kind: Image\nname: golden\ntype: custom\nos: {{family: ubuntu, version: \"24.04\"}}\n\
         architecture: x86_64\nregions: [cn-hangzhou]\nsharedWith: [{}]\n",
        list.join(", ")
    )
}

const GOOD: &str = "1234567890123456";

#[test]
fn paths_are_relative_to_the_baseline_file_and_match_from_any_directory() {
    let dir = scratch_dir("baseline-portable");
    write_files(&dir, &[("specs/a.yaml", &image(&[GOOD, "bad-1"])), ("ci/.keep", "")]);
    // Written from the repository root into ci/, used from ci/ and from specs/.
    check_in(&dir, &["--write-baseline", "ci/baseline.json", "specs/a.yaml"]).assert_code(0);
    let text = std::fs::read_to_string(dir.join("ci/baseline.json")).unwrap_or_default();
    assert!(text.contains("\"file\": \"../specs/a.yaml\""), "{text}");
    assert!(!text.contains(&dir.display().to_string()), "no absolute path: {text}");
    for (cwd, baseline, spec) in [
        ("ci", "baseline.json", "../specs/a.yaml"),
        ("specs", "../ci/baseline.json", "a.yaml"),
        (".", "ci/baseline.json", "specs/a.yaml"),
    ] {
        let run = check_in(&dir.join(cwd), &["--format", "json", "--baseline", baseline, spec]);
        run.assert_code(0);
        assert_eq!(found(&run), Vec::<(String, String)>::new(), "from {cwd}\n{}", run.describe());
        assert_eq!(run.json()["summary"]["baseline"]["hidden"], 1, "from {cwd}");
    }
    // An absolute spec path is recorded relative to the baseline too.
    let absolute = dir.join("specs/a.yaml");
    check_in(&dir, &["--write-baseline", "ci/other.json", &absolute.display().to_string()]).assert_code(0);
    let text = std::fs::read_to_string(dir.join("ci/other.json")).unwrap_or_default();
    assert!(text.contains("\"file\": \"../specs/a.yaml\""), "{text}");
}

#[test]
fn list_entries_are_keyed_by_value() {
    let dir = scratch_dir("baseline-values");
    write_files(&dir, &[("a.yaml", &image(&[GOOD, "bad-1"]))]);
    check_in(&dir, &["--write-baseline", "b.json", "a.yaml"]).assert_code(0);
    let text = std::fs::read_to_string(dir.join("b.json")).unwrap_or_default();
    assert!(text.contains(r#""field": "sharedWith[\"bad-1\"]""#), "{text}");

    // Fixing the bad account and adding another bad one at the same position: the new one
    // is reported, and the old entry matched nothing.
    write_files(&dir, &[("a.yaml", &image(&[GOOD, "bad-2"]))]);
    let run = check_in(&dir, &["--format", "json", "--baseline", "b.json", "a.yaml"]);
    let found = found(&run);
    assert_eq!(found.len(), 1, "{}", run.describe());
    assert!(found[0].1.contains("bad-2"), "{found:?}");
    assert_eq!(run.json()["summary"]["baseline"]["unmatched"], 1);

    // A valid account added at the top moves the bad one down: still hidden.
    write_files(&dir, &[("a.yaml", &image(&["6543210987654321", GOOD, "bad-1"]))]);
    let run = check_in(&dir, &["--format", "json", "--baseline", "b.json", "a.yaml"]);
    assert_eq!(found_codes(&run), Vec::<String>::new(), "{}", run.describe());
    let summary = &run.json()["summary"]["baseline"];
    assert_eq!((summary["hidden"].as_u64(), summary["unmatched"].as_u64()), (Some(1), Some(0)));
}

fn found_codes(run: &Run) -> Vec<String> {
    found(run).into_iter().map(|(code, _)| code).collect()
}

#[test]
fn the_human_summary_says_what_the_baseline_hid() {
    let dir = scratch_dir("baseline-summary");
    write_files(&dir, &[("a.yaml", &image(&[GOOD, "bad-1"]))]);
    check_in(&dir, &["--write-baseline", "b.json", "a.yaml"]).assert_code(0);
    write_files(&dir, &[("a.yaml", &image(&[GOOD]))]);
    let run = check_in(&dir, &["--baseline", "b.json", "a.yaml"]);
    run.assert_code(0);
    assert!(
        run.stdout.contains("The baseline hid 0 findings; 1 entry matched nothing"),
        "{}",
        run.describe()
    );
}

#[test]
fn rewriting_a_baseline_in_place_keeps_the_entries_that_still_match() {
    let dir = scratch_dir("baseline-rewrite");
    write_files(&dir, &[("a.yaml", &image(&[GOOD, "bad-1", "bad-2"]))]);
    // The rewrite form works on a first run too, with no baseline yet (it was exit 2); a
    // missing baseline that is only read is still an error.
    check_in(&dir, &["--baseline", "b.json", "--write-baseline", "b.json", "a.yaml"]).assert_code(0);
    let text = std::fs::read_to_string(dir.join("b.json")).unwrap_or_default();
    assert!(text.contains("bad-1") && text.contains("bad-2"), "{text}");
    check_in(&dir, &["--baseline", "other.json", "--write-baseline", "b.json", "a.yaml"]).assert_code(2);
    check_in(&dir, &["--baseline", "other.json", "a.yaml"]).assert_code(2);
    check_in(&dir, &["--write-baseline", "b.json", "a.yaml"]).assert_code(0);
    // bad-2 fixed, bad-3 new: the rewrite records bad-1 and bad-3, and drops bad-2.
    write_files(&dir, &[("a.yaml", &image(&[GOOD, "bad-1", "bad-3"]))]);
    check_in(&dir, &["--baseline", "b.json", "--write-baseline", "b.json", "a.yaml"]).assert_code(0);
    let text = std::fs::read_to_string(dir.join("b.json")).unwrap_or_default();
    assert!(text.contains("bad-1") && text.contains("bad-3") && !text.contains("bad-2"), "{text}");
    let run = check_in(&dir, &["--format", "json", "--baseline", "b.json", "a.yaml"]);
    assert_eq!(found_codes(&run), Vec::<String>::new(), "{}", run.describe());
}

#[test]
fn huge_counts_in_a_baseline_do_not_wrap() {
    let dir = scratch_dir("baseline-counts");
    write_files(&dir, &[("a.yaml", &image(&[GOOD, "bad-1"]))]);
    let entry = r#"{"code": "Q004", "file": "a.yaml", "kind": "Image", "resource": "golden", "field": "sharedWith[\"bad-1\"]", "count": 4294967295}"#;
    let text = format!("{{\"version\": 1, \"findings\": [{entry}, {entry}]}}");
    write_files(&dir, &[("b.json", &text)]);
    let run = check_in(&dir, &["--format", "json", "--baseline", "b.json", "a.yaml"]);
    run.assert_code(0);
    assert_eq!(found_codes(&run), Vec::<String>::new(), "{}", run.describe());
    assert_eq!(run.json()["summary"]["baseline"]["hidden"], 1);
}

/// Rewriting a baseline in place after a run over one named file (a pre-commit hook)
/// keeps the entries of the files that run did not report on.
#[test]
fn rewriting_a_baseline_from_a_run_over_named_files_keeps_the_other_files_entries() {
    let dir = scratch_dir("baseline-partial-rewrite");
    std::fs::create_dir_all(dir.join(".git")).expect(".git created");
    let instance = |name: &str| {
        format!(
            "kind: Instance\nname: {name}\nregion: cn-hangzou\ninstanceType: ecs.g7.large\n\
             image: aliyun_3_x64_20G_alibase_20240819.vhd\n"
        )
    };
    write_files(&dir, &[("a.yaml", &instance("a")), ("b.yaml", &instance("b"))]);
    check_in(&dir, &["--write-baseline", "bl.json", "."]).assert_code(0);
    let run = check_in(&dir, &["--baseline", "bl.json", "--write-baseline", "bl.json", "a.yaml"]);
    run.assert_code(0);
    assert!(
        run.stderr.contains(
            "wrote 2 finding(s) to the baseline bl.json, and kept its 2 finding(s) this run did not look for"
        ),
        "{}",
        run.describe()
    );
    let text = std::fs::read_to_string(dir.join("bl.json")).unwrap_or_default();
    assert!(text.contains("a.yaml") && text.contains("b.yaml"), "{text}");
    let run = check_in(&dir, &["--format", "json", "--baseline", "bl.json", "."]);
    assert_eq!(found_codes(&run), Vec::<String>::new(), "{}", run.describe());
    // A run over a named file does not look for the other file's entries: they are not
    // counted as matching nothing. Its own fixed one is.
    let run = check_in(&dir, &["--format", "json", "--baseline", "bl.json", "a.yaml"]);
    assert_eq!(run.json()["summary"]["baseline"], serde_json::json!({"hidden": 2, "unmatched": 0}));
    write_files(&dir, &[("a.yaml", &instance("a").replace("cn-hangzou", "cn-hangzhou"))]);
    let run = check_in(&dir, &["--format", "json", "--baseline", "bl.json", "a.yaml"]);
    assert_eq!(run.json()["summary"]["baseline"], serde_json::json!({"hidden": 1, "unmatched": 1}));
}

/// An S001 is always reported (no suppression or ignore hides it): a baseline neither
/// records nor hides one. A baselined file that stopped parsing was never checked again,
/// whatever was added to it.
#[test]
fn a_file_that_does_not_parse_is_never_baselined() {
    let dir = scratch_dir("baseline-parse-error");
    let broken = "kind: Instance\nname: a\nregion: [cn-hangzhou\n";
    write_files(&dir, &[("a.yaml", broken), ("b.yaml", &image(&[GOOD, "bad-1"]))]);
    let run = check_in(&dir, &["--write-baseline", "b.json", "."]);
    run.assert_code(0);
    assert!(run.stderr.contains("wrote 1 finding(s)"), "{}", run.describe());
    assert!(
        run.stderr.contains("1 file(s) that do not parse (S001) cannot be baselined"),
        "{}",
        run.describe()
    );
    let text = std::fs::read_to_string(dir.join("b.json")).unwrap_or_default();
    assert!(!text.contains("S001") && text.contains("bad-1"), "{text}");
    let run = check_in(&dir, &["--format", "json", "--baseline", "b.json", "."]);
    run.assert_code(1);
    assert_eq!(found_codes(&run), ["S001"], "{}", run.describe());
    // The entry an older ecslint wrote for it (its key: code, file and message) hides
    // nothing either.
    let message = found(&run).first().map(|(_, message)| message.clone()).unwrap_or_default();
    let entry = serde_json::json!({"code": "S001", "file": "a.yaml", "message": message});
    let hand = text.replacen("\"findings\": [", &format!("\"findings\": [\n    {entry},"), 1);
    write_files(&dir, &[("b.json", &hand)]);
    let run = check_in(&dir, &["--format", "json", "--baseline", "b.json", "."]);
    run.assert_code(1);
    assert_eq!(found_codes(&run), ["S001"], "{}", run.describe());
}

/// A run over a named image file also reports on the instances elsewhere that use the image,
/// but not on the other resources of their file: the baseline's entries for those were not
/// looked for, so they are neither counted as matching nothing nor dropped by a rewrite (a
/// rewrite after such a pre-commit run lost them, and the next full run failed).
#[test]
fn entries_of_resources_a_named_run_did_not_report_on_are_kept() {
    let dir = scratch_dir("baseline-context-file");
    std::fs::create_dir_all(dir.join(".git")).expect(".git created");
    let images = "kind: Image\nname: app\ntype: custom\nos: {family: ubuntu, version: \"22.04\"}\n\
                  architecture: x86_64\nregions: [cn-hangzhou]\n";
    let instances = "kind: Instance\nname: i1\nregion: cn-beijing\ninstanceType: ecs.g7.large\nimage: app\n---\n\
                     kind: Instance\nname: i2\nregion: cn-hangzhou\ninstanceType: ecs.g7.large\n\
                     image: centos_7_9_x64_20G_alibase_20240628.vhd\n";
    write_files(&dir, &[("images.yaml", images), ("instances.yaml", instances)]);
    check_in(&dir, &["--write-baseline", "bl.json", "."]).assert_code(0);
    let entries = |dir: &Path| {
        let text = std::fs::read_to_string(dir.join("bl.json")).unwrap_or_default();
        serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|b| b["findings"].as_array().map(Vec::len))
    };
    let before = entries(&dir);
    let run = check_in(&dir, &["--format", "json", "--baseline", "bl.json", "images.yaml"]);
    run.assert_code(0);
    assert_eq!(run.json()["summary"]["baseline"]["unmatched"], 0, "{}", run.describe());
    check_in(&dir, &["--baseline", "bl.json", "--write-baseline", "bl.json", "images.yaml"]).assert_code(0);
    assert_eq!(entries(&dir), before);
    let run = check_in(&dir, &["--format", "json", "--baseline", "bl.json", "."]);
    run.assert_code(0);
    assert_eq!(found_codes(&run), Vec::<String>::new(), "{}", run.describe());
}
