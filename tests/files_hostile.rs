//! ecslint's own reads and writes on a hostile repository (issue #13.10, #13.14, #13.16,
//! #13.17, #13.18): ignore files that would cost gigabytes, reports written over inputs or
//! through links, config paths that lead out of the project, config, catalog, baseline
//! and rule files that are FIFOs, devices or huge, and rule directories that loop.
//!
//! Each case runs the built binary with a generous deadline (a hang is killed and fails
//! the test); timings are never asserted.

mod common;

use common::{AS_OF, Run, ecslint, root, run_with_deadline, scratch_dir, write_files};
use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Command;

const MIB: u64 = 1024 * 1024;

impl Run {
    /// `(code, file, message)` of every finding of a JSON report.
    #[track_caller]
    fn findings(&self) -> Vec<(String, String, String)> {
        let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
        self.json_findings()
            .iter()
            .map(|f| (text(&f["code"]), text(&f["file"]), text(&f["message"])))
            .collect()
    }
}

/// `ecslint check --as-of AS_OF ARGS` in `cwd`, output captured to files there, killed
/// past the deadline.
fn check(cwd: &Path, args: &[&str]) -> Run {
    let mut command = ecslint();
    command.current_dir(cwd).args(["check", "--as-of", AS_OF, "--color", "never"]).args(args);
    run_with_deadline(command, cwd, None)
}

fn good_spec() -> String {
    fs::read_to_string(root().join("fixtures/hostile/good.yaml")).unwrap()
}

fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status().expect("mkfifo runs");
    assert!(made.success(), "mkfifo failed");
}

#[test]
fn a_directory_with_an_oversized_or_special_ignore_file_is_not_walked_and_says_so() {
    let dir = scratch_dir("files-ignore-size");
    let patterns: String =
        (0..200_000).flat_map(|i| ["pattern-", &i.to_string(), "/\n"].map(str::to_string)).collect();
    assert!(patterns.len() as u64 > 2 * MIB);
    write_files(
        &dir,
        &[
            ("tree/good.yaml", &good_spec()),
            ("tree/big/.gitignore", &patterns),
            ("tree/big/x.yaml", "kind: Instance\n"),
            ("tree/fifo/y.yaml", "kind: Instance\n"),
            ("tree/small/.gitignore", "ignored.yaml\n"),
            ("tree/small/ignored.yaml", "kind: Instance\n"),
            // 150 KiB each: the outer directory is walked, the inner one (300 KiB of
            // patterns in force there) is not.
            ("tree/outer/.gitignore", &patterns[..150 * 1024]),
            ("tree/outer/ok.yaml", &good_spec()),
            ("tree/outer/inner/.gitignore", &patterns[..150 * 1024]),
            ("tree/outer/inner/x.yaml", "kind: Instance\n"),
        ],
    );
    // A FIFO would block the walker's read of it forever.
    mkfifo(&dir.join("tree/fifo/.gitignore"));
    let run = check(&dir, &["--no-config", "--format", "json", "tree"]);
    run.assert_code(1);
    let findings = run.findings();
    let on = |file: &str, message: &str| {
        findings.iter().any(|(code, f, m)| code == "S001" && f == file && m.contains(message))
    };
    let limit = format!("hold {} bytes, over the 262144-byte limit", patterns.len());
    assert!(on("tree/big", &limit), "{}", run.describe());
    assert!(on("tree/fifo", "`.gitignore` is not a regular file"), "{}", run.describe());
    assert!(
        findings.iter().any(|(code, f, _)| code == "S007" && f == "tree/good.yaml"),
        "{}",
        run.describe()
    );
    assert!(
        findings.iter().any(|(code, f, _)| code == "S007" && f == "tree/outer/ok.yaml"),
        "{}",
        run.describe()
    );
    assert!(on("tree/outer/inner", "over the 262144-byte limit"), "{}", run.describe());
    // A small ignore file is still honoured.
    assert!(!findings.iter().any(|(_, f, _)| f.contains("ignored.yaml")), "{}", run.describe());
    run.assert_stderr("tree/big: skipped during the walk");
    // Walked as the root, the directory is reported the same way.
    let run = check(&dir, &["--no-config", "--format", "json", "tree/big"]);
    run.assert_code(1);
    assert!(
        run.findings().iter().any(|(code, f, _)| code == "S001" && f == "tree/big"),
        "{}",
        run.describe()
    );
}

#[test]
fn a_report_or_baseline_is_never_written_over_an_input() {
    let dir = scratch_dir("files-no-clobber");
    let spec = good_spec();
    write_files(&dir, &[("specs/web.yaml", &spec), ("ecslint.yaml", "failOn: error\n")]);
    check(&dir, &["--write-baseline", "baseline.json", "specs"]).assert_code(0);
    let cases: [&[&str]; 6] = [
        &["-o", "specs/web.yaml", "specs/web.yaml"],
        &["-o", "./specs//web.yaml", "specs"],
        &["--write-baseline", "specs/web.yaml", "specs"],
        &["--format", "json", "-o", "ecslint.yaml", "specs"],
        &["--baseline", "baseline.json", "-o", "baseline.json", "specs"],
        &["-o", "specs/../ecslint.yaml", "specs"],
    ];
    for args in cases {
        let run = check(&dir, args);
        run.assert_code(2).assert_stderr("refusing to write to");
        assert_eq!(
            fs::read_to_string(dir.join("specs/web.yaml")).unwrap(),
            spec,
            "{args:?} changed the spec"
        );
    }
    assert_eq!(fs::read_to_string(dir.join("ecslint.yaml")).unwrap(), "failOn: error\n");
}

#[test]
fn a_report_replaces_a_symbolic_link_instead_of_writing_through_it() {
    let dir = scratch_dir("files-report-link");
    write_files(&dir, &[("repo/specs/web.yaml", &good_spec()), ("home/victim.txt", "the CI user's file\n")]);
    let repo = dir.join("repo");
    symlink("../home/victim.txt", repo.join("ecslint.sarif")).unwrap();
    symlink("../home/victim.txt", repo.join("baseline.json")).unwrap();
    let run = check(&repo, &["--no-config", "--format", "sarif", "-o", "ecslint.sarif", "specs"]);
    run.assert_code(0);
    let run = check(&repo, &["--no-config", "--write-baseline", "baseline.json", "specs"]);
    run.assert_code(0);
    assert_eq!(fs::read_to_string(dir.join("home/victim.txt")).unwrap(), "the CI user's file\n");
    for (file, marker) in [("ecslint.sarif", "\"version\": \"2.1.0\""), ("baseline.json", "S007")] {
        let path = repo.join(file);
        assert!(!path.is_symlink(), "{file} is still a link");
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(marker), "{file}: {text}");
    }
    // No temporary file is left beside the report.
    let left: Vec<_> = fs::read_dir(&repo).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(!left.iter().any(|name| name.to_string_lossy().contains("ecslint-tmp")), "{left:?}");
}

#[test]
fn config_paths_stay_inside_the_project_and_errors_quote_only_an_excerpt() {
    let dir = scratch_dir("files-config-paths");
    write_files(&dir, &[("repo/specs/web.yaml", &good_spec()), ("outside/rules/.keep", "")]);
    let repo = dir.join("repo");
    symlink("/etc/passwd", repo.join("passwd.yaml")).unwrap();
    let configs = [
        "catalog: [/etc/passwd]\n",
        "catalog: [passwd.yaml]\n",
        "catalog: [../outside/catalog.yaml]\n",
        "rulePaths: [../outside/rules]\n",
        "include: [\"../**/*.yaml\"]\n",
    ];
    for config in configs {
        fs::write(repo.join("ecslint.yaml"), config).unwrap();
        let run = check(&repo, &["specs"]);
        run.assert_code(2).assert_stderr("names a path outside the project");
        assert!(!run.stderr.contains("root:x:0"), "{config}: {}", run.describe());
    }
    fs::remove_file(repo.join("ecslint.yaml")).unwrap();
    // Named on the command line, a file is read, but an error quotes only an excerpt of it.
    let long = format!("{}\n", "x".repeat(5000));
    fs::write(repo.join("long.yaml"), &long).unwrap();
    let run = check(&repo, &["--no-config", "--catalog", "long.yaml", "specs"]);
    run.assert_code(2);
    assert!(!run.stderr.contains(&"x".repeat(81)), "{}", run.describe());
    assert!(run.stderr.len() < 600, "{}", run.describe());
}

#[test]
fn config_catalog_baseline_and_rule_files_are_read_with_bounds() {
    let dir = scratch_dir("files-own-bounds");
    write_files(&dir, &[("specs/web.yaml", &good_spec())]);
    mkfifo(&dir.join("fifo.yaml"));
    mkfifo(&dir.join("fifo.json"));
    fs::create_dir_all(dir.join("rules")).unwrap();
    // Sparse: 17 MiB of nothing, over the 16 MiB limit. (A walk of a rule directory passes
    // over FIFOs and devices, as a walk of specs does.)
    fs::File::create(dir.join("huge.yaml")).unwrap().set_len(17 * MIB).unwrap();
    fs::File::create(dir.join("rules/ORG001-huge.yaml")).unwrap().set_len(17 * MIB).unwrap();
    let cases: [(&[&str], &str); 6] = [
        (&["--config", "fifo.yaml"], "not a regular file"),
        (&["--no-config", "--catalog", "fifo.yaml"], "not a regular file"),
        (&["--no-config", "--catalog", "/dev/zero"], "not a regular file"),
        (&["--no-config", "--baseline", "fifo.json"], "not a regular file"),
        (&["--no-config", "--rules", "rules"], "over the 16777216-byte limit"),
        (&["--no-config", "--catalog", "huge.yaml"], "over the 16777216-byte limit"),
    ];
    for (args, message) in cases {
        let args: Vec<&str> = args.iter().copied().chain(["specs"]).collect();
        check(&dir, &args).assert_code(2).assert_stderr(message);
    }
}

#[test]
fn a_rule_directory_that_links_to_itself_is_walked_once() {
    let dir = scratch_dir("files-rule-loops");
    write_files(
        &dir,
        &[
            ("specs/web.yaml", &good_spec()),
            (
                "rules/ORG001-named.yaml",
                "code: ORG001\nname: named\nseverity: warning\non: instance\nassert: resource.name != 'good-web'\n\
                 message: caught\ndocs: {summary: s, why: w, example: e, fix: f}\n",
            ),
        ],
    );
    // Two links to the directory itself: a recursion that follows both walks 2^depth paths.
    symlink(".", dir.join("rules/x")).unwrap();
    symlink(".", dir.join("rules/y")).unwrap();
    let run = check(&dir, &["--no-config", "--format", "json", "--rules", "rules", "specs"]);
    run.assert_code(0);
    let org: Vec<_> = run.findings().into_iter().filter(|(code, _, _)| code == "ORG001").collect();
    assert_eq!(org.len(), 1, "{}", run.describe());
}
