//! Nothing checked is said, and what the README shows is what the binary prints: every
//! `text` block of the README that starts with `$ ecslint ...` is run and compared; the
//! binary cites no document the user does not have; a run that finds nothing to check
//! warns; a closed output pipe keeps the exit status of the findings.

mod common;

use common::{check_args, run as ecslint};
use std::path::Path;
use std::process::Stdio;

/// The README's sample runs: the command (after `$ `) and the lines shown under it.
fn samples() -> Vec<(String, Vec<String>)> {
    let readme = std::fs::read_to_string(common::root().join("README.md")).expect("README.md");
    let mut found = Vec::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        if line.trim_end() != "```text" {
            continue;
        }
        let block: Vec<String> =
            lines.by_ref().take_while(|l| !l.starts_with("```")).map(str::to_string).collect();
        let Some((first, shown)) = block.split_first() else { continue };
        if let Some(command) = first.strip_prefix("$ ecslint ") {
            found.push((command.to_string(), shown.to_vec()));
        }
    }
    found
}

/// The words of a sample command, without its trailing `# comment`.
fn words(command: &str) -> Vec<String> {
    let command = command.split(" #").next().unwrap_or_default();
    command.split_whitespace().map(str::to_string).collect()
}

/// `shown` split at `...` lines must appear in `actual` in order, each part as
/// consecutive lines; without `...`, the two are equal. Trailing spaces do not count.
fn matches(shown: &[String], actual: &str) -> Result<(), String> {
    let actual: Vec<&str> = actual.lines().map(str::trim_end).collect();
    let parts: Vec<Vec<&str>> =
        shown.split(|l| l.trim() == "...").map(|part| part.iter().map(|l| l.trim_end()).collect()).collect();
    if parts.len() == 1 {
        let expected = parts.first().cloned().unwrap_or_default();
        return if expected == actual {
            Ok(())
        } else {
            Err(format!("expected exactly:\n{}", expected.join("\n")))
        };
    }
    let mut from = 0;
    for part in parts.iter().filter(|p| !p.is_empty()) {
        let found = (from..=actual.len().saturating_sub(part.len()))
            .find(|&at| actual.get(at..at + part.len()).is_some_and(|window| window == part.as_slice()));
        match found {
            Some(at) => from = at + part.len(),
            None => {
                return Err(format!("these lines are not in the output (in order):\n{}", part.join("\n")));
            }
        }
    }
    Ok(())
}

#[test]
fn the_readme_samples_are_what_the_binary_prints() {
    let samples = samples();
    assert!(samples.len() >= 4, "README samples found: {samples:?}");
    for (command, shown) in samples {
        let words = words(&command);
        assert!(
            words.iter().any(|w| w == "--as-of") || words.first().is_some_and(|w| w == "test"),
            "`{command}` has no fixed --as-of"
        );
        let run = ecslint(&words);
        if let Err(why) = matches(&shown, &run.stdout) {
            panic!("README sample `ecslint {command}` is out of date: {why}\n{}", run.describe());
        }
    }
}

#[test]
fn the_sample_matcher_compares_lines_in_order() {
    let shown: Vec<String> = ["a", "...", "c", "d"].into_iter().map(str::to_string).collect();
    assert!(matches(&shown, "a\nb\nc\nd\n").is_ok());
    assert!(matches(&shown, "a\nb\nd\nc\n").is_err());
    assert!(matches(&["a".to_string()], "a\nb\n").is_err());
}

/// Whether a line of Rust source is a comment (`//`, `///`, `//!`).
fn is_comment(line: &str) -> bool {
    line.trim_start().starts_with("//")
}

#[test]
fn nothing_printed_cites_a_document_the_user_does_not_have() {
    let cites = |text: &str| text.contains("DESIGN") || text.contains('§');
    // Rule files: their message, help and docs are printed.
    let mut stack = vec![common::root().join("rules")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("rules/ readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                assert!(!cites(&text), "{} cites the design document", path.display());
            }
        }
    }
    // Source text outside comments (messages, help). Doc comments of clap items are
    // printed by `--help`: those are checked through it below.
    let mut stack = vec![common::root().join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src/ readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                for (number, line) in text.lines().enumerate() {
                    let code = line.split(" // ").next().unwrap_or_default();
                    assert!(is_comment(line) || !cites(code), "{}:{}: {line}", path.display(), number + 1);
                }
            }
        }
    }
    // What the binary prints about rules and itself.
    let list = ecslint(&["rules", "--format", "json", "--no-config"]);
    list.assert_code(0);
    let codes: Vec<String> = list
        .json()
        .as_array()
        .map(|rules| rules.iter().filter_map(|r| r["code"].as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    assert!(codes.len() >= 28, "{}", list.describe());
    for code in codes {
        let run = ecslint(&["explain", &code, "--no-config"]);
        run.assert_code(0);
        assert!(!cites(&run.stdout), "explain {code} cites the design document:\n{}", run.stdout);
    }
    for command in [&["--help"][..], &["check", "--help"], &["test", "--help"], &["facts", "--help"]] {
        let run = ecslint(command);
        assert!(!cites(&run.stdout), "{command:?} cites the design document:\n{}", run.stdout);
    }
}

/// A fresh directory for one test's generated inputs.
fn scratch(test: &str) -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("readme").join(test);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("old scratch directory removed");
    }
    std::fs::create_dir_all(&dir).expect("scratch directory created");
    dir
}

#[test]
fn a_run_that_finds_nothing_to_check_warns() {
    let dir = scratch("nothing");
    common::write_files(&dir, &[("docker-compose.yaml", "services: {web: {image: nginx}}\n")]);
    let path = dir.to_string_lossy().into_owned();
    let run = ecslint(&check_args([path.as_str()]));
    run.assert_code(0);
    assert!(
        run.stderr.contains("warning: no Instance or Image resource found in 1 file(s) checked"),
        "{}",
        run.describe()
    );
    // With a resource, no such warning.
    common::write_files(&dir, &[("web.yaml", &common::instance_yaml("web"))]);
    let run = ecslint(&check_args([path.as_str()]));
    assert!(!run.stderr.contains("no Instance or Image"), "{}", run.describe());
}

#[test]
fn a_closed_output_pipe_keeps_the_exit_status_of_the_findings() {
    // Hundreds of errors: far more output than a pipe holds, so the write fails with a
    // broken pipe however early or late the reader goes away.
    let dir = scratch("pipe");
    let mut spec = String::new();
    for i in 0..400 {
        spec.push_str("---\n");
        spec.push_str(&common::instance_yaml(&format!("web-{i}")).replace("cn-hangzhou", "cn-nowhere"));
    }
    common::write_files(&dir, &[("many.yaml", &spec)]);
    let path = dir.join("many.yaml").to_string_lossy().into_owned();
    let mut command = common::ecslint();
    command.args(check_args([path.as_str()])).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().expect("the ecslint binary starts");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("ecslint runs to completion");
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(output.stderr.is_empty(), "a closed pipe is quiet: {}", String::from_utf8_lossy(&output.stderr));
    // Without findings at --fail-on, the status stays 0.
    let mut command = common::ecslint();
    command
        .args(check_args(["--fail-on", "never", path.as_str()]))
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = command.spawn().expect("the ecslint binary starts");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("ecslint runs to completion");
    assert_eq!(output.status.code(), Some(0));
}
