//! The data-driven rule harness over `fixtures/rules/<CODE>/`.
//!
//! Every case in a CODE directory is a spec file (`.yaml`, `.yml`, `.json`) or a
//! subdirectory checked as one run (spec files, Terraform files, or both), named `pass-*`
//! or `fail-*`. A `fail-*` case must
//! produce at least one finding with that CODE and a `pass-*` case none (other codes
//! are ignored, so a fixture stays focused on its own rule). The human rendering of
//! every case is an insta snapshot under `tests/snapshots/`, so a reviewer sees what a
//! user sees. Runs are hermetic: a fixed check date, no colour, 100 columns, no config
//! file, paths relative to the repository root.
//!
//! A YAML case may start with `# ecslint-test-args: ARGS`, appended to the command
//! line (for a subdirectory, the first line of its first input file counts: a spec or a
//! Terraform file, in name order, as `ecslint test` reads it).
//!
//! One test walks every directory and reports every failure at the end, so a new
//! rule directory is picked up without editing this file.

mod common;

use common::{Run, check_args_every_rule, ecslint, run_command};
use std::fmt::Write as _;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

const RULES_DIR: &str = "fixtures/rules";
// `hcl`: Packer and Terraform fixtures carry their header in a `#` comment too.
const SPEC_EXTENSIONS: [&str; 4] = ["yaml", "yml", "json", "hcl"];
/// Terraform files a directory case may hold (`.tf.json` ends in `json`).
const TERRAFORM_EXTENSIONS: [&str; 2] = ["tf", "tfvars"];
const ARGS_MARKER: &str = "# ecslint-test-args:";

/// Whether a case must produce its directory's code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    Pass,
    Fail,
}

/// One `pass-*`/`fail-*` file or subdirectory.
#[derive(Debug)]
struct Case {
    code: String,
    /// Relative to the repository root, with `/` separators.
    path: String,
    expect: Expect,
    extra_args: Vec<String>,
}

impl Case {
    /// The snapshot name: code and file name, so `x.yaml` and `x.json` do not collide.
    fn snapshot_name(&self) -> String {
        let file_name = self.path.rsplit('/').next().unwrap_or_default();
        format!("{}__{file_name}", self.code)
    }

    /// The command line for `format`; a case that names its own `--config` keeps it.
    fn args(&self, format: &str) -> Vec<String> {
        let mut args = check_args_every_rule(["--format", format, self.path.as_str()]);
        if self.extra_args.iter().any(|a| a == "--config" || a.starts_with("--config=")) {
            args.retain(|a| a != "--no-config");
        }
        args.extend(self.extra_args.iter().cloned());
        args
    }

    fn run(&self, format: &str) -> Run {
        let args = self.args(format);
        let mut command = ecslint();
        command.args(&args);
        run_command(command, None)
    }
}

/// Sorted entries of a directory (relative to the repository root).
fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(common::root().join(dir))
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| dir.join(entry.expect("directory entry").file_name()))
        .collect();
    entries.sort();
    entries
}

fn is_spec_file(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| SPEC_EXTENSIONS.contains(&e))
}

/// A file whose first line may carry a directory case's header: a spec or a Terraform file.
fn is_input_file(path: &Path) -> bool {
    is_spec_file(path)
        || path.extension().and_then(|e| e.to_str()).is_some_and(|e| TERRAFORM_EXTENSIONS.contains(&e))
}

/// The code directories under `fixtures/rules`, sorted.
fn code_dirs() -> Vec<PathBuf> {
    sorted_entries(Path::new(RULES_DIR)).into_iter().filter(|p| common::root().join(p).is_dir()).collect()
}

/// The `# ecslint-test-args:` line of a case, if any.
fn extra_args(path: &Path) -> Vec<String> {
    let first_file = if common::root().join(path).is_dir() {
        sorted_entries(path).into_iter().find(|p| is_input_file(p) && !common::root().join(p).is_dir())
    } else {
        Some(path.to_path_buf())
    };
    let Some(file) = first_file else { return Vec::new() };
    let bytes = std::fs::read(common::root().join(file)).unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes);
    text.lines()
        .next()
        .and_then(|line| line.strip_prefix(ARGS_MARKER))
        .map(|args| args.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

/// Every case of one code directory; entries that are not cases are errors.
fn cases(code_dir: &Path, errors: &mut Vec<String>) -> Vec<Case> {
    let code = code_dir.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
    let mut cases = Vec::new();
    for path in sorted_entries(code_dir) {
        let display = path.to_string_lossy().replace('\\', "/");
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let expect = if name.starts_with("pass-") {
            Expect::Pass
        } else if name.starts_with("fail-") {
            Expect::Fail
        } else {
            errors.push(format!("{display}: a case must be named pass-* or fail-*"));
            continue;
        };
        if !common::root().join(&path).is_dir() && !is_spec_file(&path) {
            errors.push(format!("{display}: a case is a .yaml, .yml or .json file or a directory"));
            continue;
        }
        cases.push(Case { code: code.clone(), path: display, expect, extra_args: extra_args(&path) });
    }
    cases
}

/// Checks one case's JSON findings against its expectation.
fn check_expectation(case: &Case, run: &Run, errors: &mut Vec<String>) {
    if !matches!(run.code, Some(0 | 1)) {
        errors.push(format!("{}: ecslint could not check it\n{}", case.path, run.describe()));
        return;
    }
    let json: serde_json::Value = match serde_json::from_str(&run.stdout) {
        Ok(json) => json,
        Err(e) => {
            errors.push(format!("{}: output is not JSON: {e}\n{}", case.path, run.describe()));
            return;
        }
    };
    let findings = json["findings"].as_array().cloned().unwrap_or_default();
    let own: Vec<String> = findings
        .iter()
        .filter(|f| f["code"] == case.code.as_str())
        .map(|f| {
            let span = &f["span"];
            format!(
                "{}:{}:{}: {}",
                f["file"].as_str().unwrap_or("?"),
                span["line"],
                span["column"],
                f["message"]
            )
        })
        .collect();
    match case.expect {
        Expect::Fail if own.is_empty() => {
            let codes: Vec<&str> = findings.iter().filter_map(|f| f["code"].as_str()).collect();
            errors.push(format!("{}: expected a {} finding, got codes {codes:?}", case.path, case.code));
        }
        Expect::Pass if !own.is_empty() => {
            errors.push(format!(
                "{}: expected no {} finding, got:\n  {}",
                case.path,
                case.code,
                own.join("\n  ")
            ));
        }
        _ => {}
    }
}

/// The human rendering of a case, with stderr appended when there is any.
fn human_output(run: &Run) -> String {
    let mut text = run.stdout.clone();
    if !run.stderr.is_empty() {
        let _ = write!(text, "--- stderr ---\n{}", run.stderr);
    }
    text
}

/// Compares `output` with a snapshot; a mismatch is recorded rather than stopping the walk.
fn check_against_snapshot(case: &Case, format: &str, name: &str, output: &str, errors: &mut Vec<String>) {
    let command_line = case.args(format);
    let result = std::panic::catch_unwind(|| {
        insta::with_settings!({
            description => format!("ecslint {}", command_line.join(" ")),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, output);
        });
    });
    if result.is_err() {
        errors
            .push(format!("{}: the {format} output differs from snapshot `{name}` (diff above)", case.path));
    }
}

/// The structural codes also snapshot their JSON rendering: spans and suggestions of parse
/// and schema errors are the loader's contract, and JSON shows every figure exactly.
const JSON_SNAPSHOT_CODES: [&str; 3] = ["S001", "S002", "S003"];

/// Snapshots the human rendering of every case, and the JSON of failing structural cases.
fn check_snapshots(case: &Case, json: &Run, human: &Run, errors: &mut Vec<String>) {
    if case.expect == Expect::Fail && JSON_SNAPSHOT_CODES.contains(&case.code.as_str()) {
        let name = format!("{}.json", case.snapshot_name());
        check_against_snapshot(case, "json", &name, &json.stdout, errors);
    }
    check_against_snapshot(case, "human", &case.snapshot_name(), &human_output(human), errors);
}

/// Runs every case in JSON and human format on a few threads; results in case order.
fn run_all(cases: &[Case]) -> Vec<(Run, Run)> {
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(2, NonZeroUsize::get).clamp(2, 8);
    let mut results: Vec<Option<(Run, Run)>> = cases.iter().map(|_| None).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(case) = cases.get(index) else { break };
                        done.push((index, (case.run("json"), case.run("human"))));
                    }
                    done
                })
            })
            .collect();
        for handle in handles {
            for (index, runs) in handle.join().expect("a fixture worker panicked") {
                results[index] = Some(runs);
            }
        }
    });
    results.into_iter().map(|runs| runs.expect("every case ran")).collect()
}

#[test]
fn every_rule_fixture_behaves_and_matches_its_snapshot() {
    let mut errors = Vec::new();
    let all: Vec<Case> = code_dirs().iter().flat_map(|dir| cases(dir, &mut errors)).collect();
    let count = all.len();
    // The runs happen in parallel; the checks, and so the report, stay in sorted order.
    for (case, (json, human)) in all.iter().zip(run_all(&all)) {
        check_expectation(case, &json, &mut errors);
        check_snapshots(case, &json, &human, &mut errors);
    }
    assert!(count > 0, "no fixtures found under {RULES_DIR}");
    assert!(
        errors.is_empty(),
        "{} of {count} fixture checks failed:\n\n{}",
        errors.len(),
        errors.join("\n\n")
    );
}

#[test]
fn every_rule_directory_has_a_pass_and_a_fail_case() {
    let mut problems = Vec::new();
    let dirs = code_dirs();
    assert!(!dirs.is_empty(), "no rule directories under {RULES_DIR}");
    for code_dir in dirs {
        let cases = cases(&code_dir, &mut Vec::new());
        for (expect, prefix) in [(Expect::Pass, "pass-*"), (Expect::Fail, "fail-*")] {
            if !cases.iter().any(|c| c.expect == expect) {
                problems.push(format!("{}: no {prefix} case", code_dir.display()));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
