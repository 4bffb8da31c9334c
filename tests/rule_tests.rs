//! `ecslint test` cannot give false confidence: fixtures named after no rule, invalid
//! fixtures, single fixtures, position expectations, the config's `rulePaths`, headers
//! that reach outside the test root, symbolic-link loops; and S008 does not call a
//! suppression unused when its rule cannot fire in this run.

mod common;

use common::{AS_OF, Run, check_args, run as ecslint, write_files};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const POLICIES: &str = "fixtures/custom-rules/policies";
const ORG001_FAIL: &str = "fixtures/custom-rules/tests/ORG001/fail-production-ubuntu.yaml";

/// A fresh directory for one test's generated inputs.
fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("rule-tests").join(test);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap_or_else(|e| panic!("cannot clear {}: {e}", dir.display()));
    }
    std::fs::create_dir_all(&dir).expect("scratch directory created");
    dir
}

/// Runs `ecslint ARGS` in `dir` with a generous deadline (killed and failed past it).
fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = dir.join("..").join(format!("{}.out", dir.file_name().and_then(|n| n.to_str()).unwrap_or("x")));
    let err = out.with_extension("err");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ecslint"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).expect("stdout file"))
        .stderr(std::fs::File::create(&err).expect("stderr file"))
        .spawn()
        .expect("the ecslint binary starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for ecslint") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("ecslint {args:?} did not finish within 120 s: killed");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let read = |path: &Path| String::from_utf8_lossy(&std::fs::read(path).unwrap_or_default()).into_owned();
    Run { code: status.code(), stdout: read(&out), stderr: read(&err) }
}

fn policy_rule() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(POLICIES).join("ORG001-production-alinux3.yaml"),
    )
    .expect("the worked policy rule")
}

fn fixture_text() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(ORG001_FAIL))
        .expect("the ORG001 fixture")
}

#[test]
fn a_fixture_directory_named_after_no_rule_is_an_error() {
    // Without `--rules`, ORG001 is no rule of the run: its fixtures would fail or pass
    // for the wrong reason.
    let run = ecslint(&["test", "fixtures/custom-rules/tests"]);
    run.assert_code(2);
    assert!(run.stderr.contains("no rule has the code `ORG001`"), "{}", run.describe());
    assert!(run.stdout.is_empty(), "{}", run.describe());
}

#[test]
fn a_fixture_that_does_not_validate_fails_and_says_why() {
    let dir = scratch("invalid");
    let spec = common::instance_yaml("web").replace("region:", "regoin:");
    write_files(&dir, &[("L003/pass-typo.yaml", &spec), ("S002/fail-typo.yaml", &spec)]);
    let run = run_in(&dir, &["test", "--no-config", "."]);
    run.assert_code(1);
    assert!(
        run.stdout.contains("FAIL L003 L003/pass-typo.yaml: the fixture is not a valid spec, so it tests nothing: S002 at L003/pass-typo.yaml:1:1: Instance `web` is missing the required field `region`"),
        "{}",
        run.describe()
    );
    // A fixture of S002 itself is invalid on purpose.
    assert!(run.stdout.contains("ok   S002 S002/fail-typo.yaml"), "{}", run.describe());
    // `--select` in the header does not hide it.
    let header = format!("# ecslint-test-args: --select L003\n{spec}");
    write_files(&dir, &[("L003/pass-typo.yaml", &header)]);
    let run = run_in(&dir, &["test", "--no-config", "L003"]);
    run.assert_code(1);
    assert!(run.stdout.contains("not a valid spec"), "{}", run.describe());
}

#[test]
fn a_single_fixture_file_can_be_run() {
    let run = ecslint(&["test", "--rules", POLICIES, ORG001_FAIL]);
    run.assert_code(0);
    assert_eq!(run.stdout, format!("ok   ORG001 {ORG001_FAIL}\n1 passed, 0 failed\n"), "{}", run.describe());
    let run = ecslint(&["test", "--rules", POLICIES, "Cargo.toml"]);
    run.assert_code(2);
    assert!(run.stderr.contains("not a rule test"), "{}", run.describe());
}

#[test]
fn a_fixture_asserts_where_and_what() {
    let dir = scratch("expect");
    std::fs::create_dir_all(dir.join("policies")).expect("policies");
    std::fs::write(dir.join("policies/ORG001.yaml"), policy_rule()).expect("rule written");
    // The finding points at line 5 (`image`), column 8; the expectation lines shift it.
    let spec = fixture_text();
    let right = format!("# ecslint-test-expect: ORG001 6:8 runs ubuntu 22.04\n{spec}");
    let wrong_column = format!("# ecslint-test-expect: ORG001 6:3\n{spec}");
    let wrong_text = format!("# ecslint-test-expect: ORG001 6 runs debian\n{spec}");
    let two = format!("# ecslint-test-expect: ORG001 7:8\n# ecslint-test-expect: ORG001 7:8\n{spec}");
    write_files(
        &dir,
        &[
            ("tests/ORG001/fail-right.yaml", &right),
            ("tests/ORG001/fail-wrong-column.yaml", &wrong_column),
            ("tests/ORG001/fail-wrong-text.yaml", &wrong_text),
            ("tests/ORG001/fail-two.yaml", &two),
        ],
    );
    let run = run_in(&dir, &["test", "--no-config", "--rules", "policies", "tests"]);
    run.assert_code(1);
    let out = &run.stdout;
    assert!(out.contains("ok   ORG001 tests/ORG001/fail-right.yaml\n"), "{}", run.describe());
    assert!(
        out.contains("FAIL ORG001 tests/ORG001/fail-wrong-column.yaml: expected ORG001 at tests/ORG001/fail-wrong-column.yaml:6:3; got unexpected ORG001 at tests/ORG001/fail-wrong-column.yaml:6:8"),
        "{}",
        run.describe()
    );
    assert!(
        out.contains("FAIL ORG001 tests/ORG001/fail-wrong-text.yaml: expected ORG001 at"),
        "{}",
        run.describe()
    );
    assert!(out.contains("FAIL ORG001 tests/ORG001/fail-two.yaml: expected ORG001 at"), "{}", run.describe());
    assert!(out.ends_with("1 passed, 3 failed\n"), "{}", run.describe());
    // A malformed expectation is a mistake in the test, not a verdict.
    write_files(
        &dir,
        &[("tests/ORG001/fail-right.yaml", &format!("# ecslint-test-expect: ORG001 line6\n{spec}"))],
    );
    let run = run_in(&dir, &["test", "--no-config", "--rules", "policies", "tests/ORG001/fail-right.yaml"]);
    run.assert_code(2);
    assert!(run.stderr.contains("bad ecslint-test-expect"), "{}", run.describe());
}

#[test]
fn rules_explain_and_test_read_the_configs_rule_paths() {
    let dir = scratch("rule-paths");
    std::fs::create_dir_all(dir.join("policies")).expect("policies");
    std::fs::write(dir.join("policies/ORG001.yaml"), policy_rule()).expect("rule written");
    write_files(
        &dir,
        &[("ecslint.yaml", "rulePaths: [policies]\n"), ("tests/ORG001/fail-prod.yaml", &fixture_text())],
    );
    let run = run_in(&dir, &["rules"]);
    run.assert_code(0);
    assert!(run.stdout.contains("ORG001 production-alinux3"), "{}", run.describe());
    let run = run_in(&dir, &["explain", "ORG001"]);
    run.assert_code(0);
    assert!(run.stdout.starts_with("# ORG001 production-alinux3"), "{}", run.describe());
    let run = run_in(&dir, &["test", "tests"]);
    run.assert_code(0);
    assert!(run.stdout.ends_with("1 passed, 0 failed\n"), "{}", run.describe());
    // `--no-config` leaves the config's rules out, as for `check`.
    let run = run_in(&dir, &["rules", "--no-config"]);
    assert!(!run.stdout.contains("ORG001"), "{}", run.describe());
}

#[test]
fn a_fixture_header_cannot_read_files_outside_the_test_root() {
    let dir = scratch("header-outside");
    let spec = format!("# ecslint-test-args: --catalog /etc/passwd\n{}", common::instance_yaml("web"));
    write_files(&dir, &[("tests/L003/pass-web.yaml", &spec)]);
    let run = run_in(&dir, &["test", "--no-config", "tests"]);
    run.assert_code(2);
    assert!(run.stderr.contains("`/etc/passwd` is not a file inside the test root"), "{}", run.describe());
    assert!(!run.stderr.contains("root:"), "{}", run.describe());
    // Writing files from a header is refused too.
    let spec = format!("# ecslint-test-args: --output out.json\n{}", common::instance_yaml("web"));
    write_files(&dir, &[("tests/L003/pass-web.yaml", &spec)]);
    let run = run_in(&dir, &["test", "--no-config", "tests"]);
    run.assert_code(2);
    assert!(!dir.join("out.json").exists());
    // A catalog inside the root is fine (the L002 fixtures rely on it).
    let run = ecslint(&["test", "fixtures/rules/L002"]);
    run.assert_code(0);
}

#[test]
fn a_fixture_header_may_set_its_own_check_date() {
    // Fedora 43's support ends on 2026-12-09: L002 fires on the run's date, not in 2020.
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(L002_IMAGE)).expect("fixture");
    let body = text.lines().skip(1).collect::<Vec<_>>().join("\n");
    let dir = scratch("header-as-of");
    write_files(
        &dir,
        &[
            ("L002/fail-today.yaml", &format!("# ecslint-test-args: --select L002\n{body}\n")),
            (
                "L002/pass-2020.yaml",
                &format!("# ecslint-test-args: --select L002 --as-of 2020-01-01\n{body}\n"),
            ),
        ],
    );
    let run = run_in(&dir, &["test", "--no-config", "."]);
    run.assert_code(0);
    assert!(run.stdout.ends_with("2 passed, 0 failed\n"), "{}", run.describe());
}

#[test]
fn test_roots_with_symbolic_link_loops_end() {
    let dir = scratch("link-loop");
    write_files(&dir, &[("L003/pass-web.yaml", &common::instance_yaml("web"))]);
    for link in ["x", "y"] {
        std::os::unix::fs::symlink(".", dir.join(link)).expect("symlink made");
    }
    let run = run_in(&dir, &["test", "--no-config", "."]);
    run.assert_code(0);
    assert_eq!(run.stdout, "ok   L003 L003/pass-web.yaml\n1 passed, 0 failed\n", "{}", run.describe());
}

/// An image whose support ends 17 days after `AS_OF` (Fedora 43): L002 fires on `AS_OF` only.
const L002_IMAGE: &str = "fixtures/rules/L002/fail-os-in-spec.yaml";

#[test]
fn a_suppression_of_a_rule_disabled_in_this_run_is_not_unused() {
    let dir = scratch("s008-disabled");
    let spec = format!(
        "{}# ecslint-ignore F001 -- paid on purpose\n",
        common::instance_yaml("web").replace("aliyun_3_x64_20G_alibase_20240819.vhd", "m-unknown")
    );
    write_files(&dir, &[("web.yaml", &spec)]);
    let file = dir.join("web.yaml");
    let file = file.to_str().expect("utf-8 path");
    let run = ecslint(
        &check_args(["--format", "json", "--ignore", "F001,S004", file])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert!(!run.json_codes().contains(&"S008".to_string()), "{}", run.describe());
    // With F001 enabled, the same comment matches nothing: S008.
    let run = ecslint(
        &check_args(["--format", "json", "--ignore", "S004", file])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert!(run.json_codes().contains(&"S008".to_string()), "{}", run.describe());
    // A code that names no rule is still reported (a typo hides nothing).
    write_files(&dir, &[("web.yaml", &spec.replace("F001", "F999"))]);
    let run = ecslint(
        &check_args(["--format", "json", "--ignore", "S004", file])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert!(run.json_codes().contains(&"S008".to_string()), "{}", run.describe());
}

#[test]
fn a_suppression_of_a_rule_that_fires_on_other_dates_is_not_unused() {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(L002_IMAGE)).expect("fixture");
    let dir = scratch("s008-dated");
    let file = dir.join("image.yaml");
    let file = file.to_str().expect("utf-8 path");
    // On AS_OF the warning fires and is suppressed; decades earlier it cannot fire. L001
    // reads the date through `lifecycle.lastDaysLeft` (it was called unused: the test
    // looked for `daysLeft`, case and all).
    for code in ["L002", "L001", "L001, L002"] {
        write_files(
            &dir,
            &[("image.yaml", &format!("# ecslint-ignore-file {code} -- migration planned\n{text}"))],
        );
        for as_of in [AS_OF, "2000-01-01"] {
            let args = ["check", "--as-of", as_of, "--no-config", "--format", "json", file];
            let run = ecslint(&args);
            assert!(!run.json_codes().contains(&"S008".to_string()), "{code} on {as_of}: {}", run.describe());
        }
    }
}
