//! Hostile input never panics, hangs or runs memory away: every case becomes a clear
//! S001 finding (or a warning for what a directory walk skips), and the valid spec
//! checked in the same run is still checked.
//!
//! Each test runs the built binary with a deadline (killed and failed past it), checks
//! the exit status (1 for an S001 error, 0 otherwise; never 101, a panic, nor a
//! signal), and reads the JSON report. Small inputs live in `fixtures/hostile/`; large
//! ones (a 30 MB scalar, 100,000 levels of nesting) and file-system oddities (symlink
//! loops, FIFOs, unreadable entries) are made at test time under `target/tmp/`.
//! Timings are the benchmark's business (`benches/bench.sh`), never asserted here.

mod common;

use common::{AS_OF, Run, ecslint, root, run_with_deadline};
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const GOOD: &str = "fixtures/hostile/good.yaml";
const MIB: usize = 1024 * 1024;

/// A fresh directory for one test's generated inputs and captured output.
fn scratch(test: &str) -> PathBuf {
    common::scratch_in_target("hostile", test)
}

impl Run {
    #[track_caller]
    fn report(&self) -> Value {
        self.json()
    }

    /// `(code, message, help)` of the findings on files whose name ends with `file`.
    #[track_caller]
    fn findings(&self, file: &str) -> Vec<(String, String, String)> {
        let report = self.report();
        let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
        report["findings"]
            .as_array()
            .unwrap_or_else(|| panic!("no findings array\n{}", self.describe()))
            .iter()
            .filter(|f| f["file"].as_str().is_some_and(|name| name.ends_with(file)))
            .map(|f| (text(&f["code"]), text(&f["message"]), text(&f["help"])))
            .collect()
    }

    /// The single finding on `file`, which must have `code` and a message containing `message`.
    #[track_caller]
    fn assert_one(&self, file: &str, code: &str, message: &str) -> (String, String, String) {
        let findings = self.findings(file);
        assert!(
            findings.len() == 1 && findings[0].0 == code && findings[0].1.contains(message),
            "expected one {code} containing {message:?} on {file}, got {findings:?}\n{}",
            self.describe()
        );
        findings.into_iter().next().unwrap_or_default()
    }

    #[track_caller]
    fn assert_none(&self, file: &str) -> &Self {
        let findings = self.findings(file);
        assert!(findings.is_empty(), "expected no finding on {file}, got {findings:?}\n{}", self.describe());
        self
    }

    /// The valid spec checked beside the hostile input still produced its finding.
    #[track_caller]
    fn assert_good_checked(&self) -> &Self {
        let findings = self.findings("good.yaml");
        assert!(
            findings.iter().any(|(code, message, _)| code == "S007" && message.contains("ecs.zz9.large")),
            "the valid spec was not checked: {findings:?}\n{}",
            self.describe()
        );
        self
    }

    #[track_caller]
    fn resources(&self) -> u64 {
        self.report()["summary"]["resources"]
            .as_u64()
            .unwrap_or_else(|| panic!("no summary\n{}", self.describe()))
    }
}

/// Runs `ecslint check --as-of AS_OF --format json ARGS` from the repository root,
/// with output captured to files (a pipe could fill up and stall a large report).
fn check(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut command = ecslint();
    command
        .args(["check", "--ignore", "L006", "--as-of", AS_OF, "--format", "json", "--no-context"])
        .args(args);
    run_with_deadline(command, dir, stdin)
}

/// Checks `hostile` (paths relative to the repository root or absolute) beside the good spec.
fn check_beside_good(test: &str, hostile: &[&str], options: &[&str]) -> Run {
    let dir = scratch(test);
    let args: Vec<&str> = options.iter().chain(hostile).copied().chain([GOOD]).collect();
    check(&dir, &args, None)
}

fn fixture(name: &str) -> String {
    format!("fixtures/hostile/{name}")
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("scratch paths are UTF-8")
}

// --- Committed fixtures -------------------------------------------------------------

#[test]
fn alias_bomb_is_bounded() {
    let run = check_beside_good("alias_bomb", &[&fixture("alias-bomb.yaml")], &[]);
    run.assert_code(1).assert_good_checked();
    let (_, _, help) = run.assert_one("alias-bomb.yaml", "S001", "aliases expand to more than 100000 nodes");
    assert!(help.contains("alias bomb"), "{help}");
}

#[test]
fn binary_file_is_s001() {
    let run = check_beside_good("binary", &[&fixture("binary.yaml")], &[]);
    run.assert_code(1).assert_good_checked();
    run.assert_one("binary.yaml", "S001", "binary file");
}

#[test]
fn nul_byte_in_text_is_s001() {
    let run = check_beside_good("nul_byte", &[&fixture("nul-byte.yaml")], &[]);
    run.assert_code(1).assert_good_checked();
    run.assert_one("nul-byte.yaml", "S001", "NUL bytes");
}

#[test]
fn invalid_utf8_is_s001_at_the_bad_byte() {
    let run = check_beside_good("invalid_utf8", &[&fixture("invalid-utf8.yaml")], &[]);
    run.assert_code(1).assert_good_checked();
    let offset = fs::read(root().join(fixture("invalid-utf8.yaml"))).unwrap().iter().position(|&b| b == 0xE9);
    run.assert_one("invalid-utf8.yaml", "S001", &format!("invalid UTF-8 at byte {}", offset.unwrap()));
}

#[test]
fn utf16_and_utf32_are_s001_with_or_without_a_byte_order_mark() {
    let files = ["utf16le-bom.yaml", "utf16be-bom.yaml", "utf16le-no-bom.yaml", "utf32le-bom.yaml"];
    let paths: Vec<String> = files.iter().map(|f| fixture(f)).collect();
    let args: Vec<&str> = paths.iter().map(String::as_str).collect();
    let run = check_beside_good("utf16", &args, &[]);
    run.assert_code(1).assert_good_checked();
    run.assert_one("utf16le-bom.yaml", "S001", "the file is UTF-16 encoded");
    run.assert_one("utf16be-bom.yaml", "S001", "the file is UTF-16 encoded");
    run.assert_one("utf16le-no-bom.yaml", "S001", "looks UTF-16 encoded");
    let (_, _, help) = run.assert_one("utf32le-bom.yaml", "S001", "the file is UTF-32 encoded");
    assert_eq!(help, "save it as UTF-8");
}

#[test]
fn utf8_byte_order_mark_parses_normally() {
    let run = check_beside_good("utf8_bom", &[&fixture("utf8-bom.yaml"), &fixture("utf8-bom.json")], &[]);
    run.assert_code(0).assert_none("utf8-bom.yaml").assert_none("utf8-bom.json").assert_good_checked();
    assert_eq!(run.resources(), 3, "both BOM files hold one resource each\n{}", run.describe());
}

#[test]
fn a_byte_order_mark_inside_a_document_is_s001() {
    let run = check_beside_good("bom_mid_document", &[&fixture("bom-mid-document.yaml")], &[]);
    run.assert_code(1).assert_good_checked();
    run.assert_one("bom-mid-document.yaml", "S001", "byte order mark");
}

#[test]
fn lone_surrogate_escape_in_json_is_s001() {
    let run = check_beside_good("lone_surrogate", &[&fixture("lone-surrogate.json")], &[]);
    run.assert_code(1).assert_good_checked();
    run.assert_one("lone-surrogate.json", "S001", "unpaired surrogate");
}

#[test]
fn empty_files_have_nothing_to_check() {
    let files = ["empty.yaml", "empty.json", "whitespace-only.yaml", "comments-only.yaml", "bom-only.json"];
    let paths: Vec<String> = files.iter().map(|f| fixture(f)).collect();
    let args: Vec<&str> = paths.iter().map(String::as_str).collect();
    let run = check_beside_good("empty", &args, &[]);
    run.assert_code(0).assert_good_checked();
    for file in files {
        run.assert_none(file);
    }
    assert_eq!(run.report()["summary"]["files"], 6, "{}", run.describe());
}

// --- Large inputs, generated --------------------------------------------------------

#[test]
fn yaml_flow_nesting_100_000_deep_is_s001() {
    let dir = scratch("deep_yaml_flow");
    let seq = dir.join("deep-seq.yaml");
    fs::write(&seq, "[".repeat(100_000)).unwrap();
    let map = dir.join("deep-map.yaml");
    fs::write(&map, "{a: ".repeat(100_000)).unwrap();
    let run = check(&dir, &[path_str(&seq), path_str(&map), GOOD], None);
    run.assert_code(1).assert_good_checked();
    run.assert_one("deep-seq.yaml", "S001", "nesting is deeper than");
    run.assert_one("deep-map.yaml", "S001", "nesting is deeper than");
}

#[test]
fn yaml_block_nesting_100_000_deep_is_s001() {
    let dir = scratch("deep_yaml_block");
    // `- - - ... x`: block sequences nest one level per two bytes.
    let seq = dir.join("deep-block.yaml");
    fs::write(&seq, format!("{}x\n", "- ".repeat(100_000))).unwrap();
    let run = check(&dir, &[path_str(&seq), GOOD], None);
    run.assert_code(1).assert_good_checked();
    let (_, _, help) = run.assert_one("deep-block.yaml", "S001", "nesting is deeper than 128 levels");
    assert!(help.contains("hostile input"), "{help}");
}

#[test]
fn json_nesting_100_000_deep_is_s001() {
    let dir = scratch("deep_json");
    let array = dir.join("deep-array.json");
    fs::write(&array, "[".repeat(100_000)).unwrap();
    let object = dir.join("deep-object.json");
    fs::write(&object, format!("{}1{}", r#"{"a": "#.repeat(100_000), "}".repeat(100_000))).unwrap();
    let run = check(&dir, &[path_str(&array), path_str(&object), GOOD], None);
    run.assert_code(1).assert_good_checked();
    run.assert_one("deep-array.json", "S001", "nesting is deeper than 128 levels");
    run.assert_one("deep-object.json", "S001", "nesting is deeper than 128 levels");
}

/// A valid Instance whose one label holds a 30 MB value. The YAML one is quoted: a
/// plain scalar that long takes the debug build's YAML scanner about 17 s (release:
/// well under one), so the benchmark covers that form instead.
fn instance_with_huge_label(json: bool) -> String {
    let huge = "x".repeat(30 * 1000 * 1000);
    let (region, instance_type) = ("cn-hangzhou", "ecs.g7.large");
    let image = "aliyun_3_x64_20G_alibase_20240819.vhd";
    if json {
        format!(
            r#"{{"kind": "Instance", "name": "huge-json", "region": "{region}", "instanceType": "{instance_type}", "image": "{image}", "labels": {{"blob": "{huge}"}}}}"#
        )
    } else {
        format!(
            "kind: Instance\nname: huge-yaml\nregion: {region}\ninstanceType: {instance_type}\nimage: {image}\nlabels:\n  blob: \"{huge}\"\n"
        )
    }
}

#[test]
fn scalar_of_30_mb_is_checked_when_the_limit_allows_it() {
    let dir = scratch("huge_scalar");
    let yaml = dir.join("huge-scalar.yaml");
    fs::write(&yaml, instance_with_huge_label(false)).unwrap();
    let json = dir.join("huge-scalar.json");
    fs::write(&json, instance_with_huge_label(true)).unwrap();
    let limit = (64 * MIB).to_string();
    let run = check(&dir, &["--max-file-size", &limit, path_str(&yaml), path_str(&json), GOOD], None);
    run.assert_code(0).assert_none("huge-scalar.yaml").assert_none("huge-scalar.json").assert_good_checked();
    assert_eq!(run.resources(), 3, "{}", run.describe());
}

#[test]
fn file_over_the_default_limit_is_s001_that_says_how_to_raise_it() {
    let dir = scratch("over_default_limit");
    let big = dir.join("big.yaml");
    // Sparse: the size check comes before any byte is read.
    fs::File::create(&big).unwrap().set_len(17 * MIB as u64).unwrap();
    let run = check(&dir, &[path_str(&big), GOOD], None);
    run.assert_code(1).assert_good_checked();
    let message = format!("the file is {} bytes, over the {}-byte limit", 17 * MIB, 16 * MIB);
    let (_, _, help) = run.assert_one("big.yaml", "S001", &message);
    assert!(help.contains("--max-file-size") && help.contains("maxFileSize"), "{help}");
}

#[test]
fn file_and_stdin_over_a_configured_limit_are_s001() {
    let dir = scratch("over_configured_limit");
    let text = "# padding\n".repeat(100);
    let file = dir.join("padded.yaml");
    fs::write(&file, &text).unwrap();
    let run = check(&dir, &["--max-file-size", "500", path_str(&file), GOOD], None);
    run.assert_code(1).assert_good_checked();
    run.assert_one("padded.yaml", "S001", "the file is 1000 bytes, over the 500-byte limit");
    let stdin = "# padding\n".repeat(10_000);
    let args = ["--max-file-size", "500", "--stdin-filename", "piped.yaml", "-", GOOD];
    let run = check(&dir, &args, Some(stdin.as_bytes()));
    run.assert_code(1).assert_good_checked();
    run.assert_one("piped.yaml", "S001", "over the 500-byte limit");
}

#[test]
fn huge_top_level_flow_list_is_s001_before_memory_runs_away() {
    // The YAML parser queues a top-level flow list whole: 174 bytes a token, so this
    // 4 MB file would take 700 MB and a 16 MiB one gigabytes.
    let dir = scratch("huge_flow_list");
    let file = dir.join("flow-list.yaml");
    fs::write(&file, format!("[{}x]\n", "x,".repeat(2_000_000))).unwrap();
    let run = check(&dir, &[path_str(&file), GOOD], None);
    run.assert_code(1).assert_good_checked();
    let (_, _, help) =
        run.assert_one("flow-list.yaml", "S001", "more than 250000 YAML tokens before a value completes");
    assert!(help.contains("block style"), "{help}");
}

#[test]
fn long_non_ascii_line_is_linear() {
    // One flow list on one line after a non-ASCII character used to take quadratic time.
    let dir = scratch("long_non_ascii_line");
    let file = dir.join("long-line.yaml");
    let items = vec!["ab"; 100_000].join(", ");
    fs::write(&file, format!("kind: Other\nnote: ü\nlist: [{items}]\n")).unwrap();
    let run = check(&dir, &[path_str(&file), GOOD], None);
    run.assert_code(0).assert_none("long-line.yaml").assert_good_checked();
}

#[test]
fn nested_anchors_on_a_large_node_stay_bounded() {
    // Every anchored level used to hold its own copy of everything below it.
    let dir = scratch("nested_anchors");
    let file = dir.join("nested-anchors.yaml");
    let depth = 120;
    let open: String = (0..depth).map(|i| format!("&a{i} [")).collect::<Vec<_>>().concat();
    // Just over the 100,000-node alias budget, so no level may keep a copy.
    let items = vec!["x"; 120_000].join(", ");
    fs::write(&file, format!("{open}{items}{}\n", "]".repeat(depth))).unwrap();
    let aliased = dir.join("aliased.yaml");
    fs::write(&aliased, format!("- {open}{items}{}\n- *a3\n", "]".repeat(depth))).unwrap();
    let run = check(&dir, &[path_str(&file), path_str(&aliased), GOOD], None);
    run.assert_code(1).assert_none("nested-anchors.yaml").assert_good_checked();
    run.assert_one("aliased.yaml", "S001", "aliases expand to more than");
}

// --- File-system oddities -----------------------------------------------------------

#[test]
fn symlink_loops_and_dangling_links_in_a_walk_are_skipped_with_warnings() {
    use std::os::unix::fs::symlink;
    let dir = scratch("symlink_loops");
    let tree = dir.join("tree");
    fs::create_dir_all(tree.join("sub")).unwrap();
    fs::copy(root().join(GOOD), tree.join("good.yaml")).unwrap();
    symlink("..", tree.join("sub/up")).unwrap();
    symlink("b.yaml", tree.join("a.yaml")).unwrap();
    symlink("a.yaml", tree.join("b.yaml")).unwrap();
    symlink("nowhere.yaml", tree.join("dangling.yaml")).unwrap();
    let run = check(&dir, &[path_str(&tree)], None);
    run.assert_code(0).assert_good_checked();
    assert_eq!(run.report()["summary"]["files"], 1, "{}", run.describe());
    for skipped in ["a.yaml", "b.yaml", "dangling.yaml", "sub/up"] {
        assert!(
            run.stderr.lines().any(|l| l.starts_with("warning: ") && l.contains(skipped)),
            "no warning about {skipped}\n{}",
            run.describe()
        );
    }
}

#[test]
fn unreadable_entries_in_a_walk_do_not_stop_the_run() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = scratch("unreadable");
    let tree = dir.join("tree");
    fs::create_dir_all(tree.join("locked-dir")).unwrap();
    fs::copy(root().join(GOOD), tree.join("good.yaml")).unwrap();
    fs::write(tree.join("locked-dir/inner.yaml"), "kind: Instance\n").unwrap();
    let locked = tree.join("locked.yaml");
    fs::write(&locked, "kind: Instance\n").unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    fs::set_permissions(tree.join("locked-dir"), fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&locked).is_ok() {
        // Root reads a file whatever its mode: nothing here is unreadable.
        println!("note: running as root, so chmod 000 does not make a file unreadable; sub-case skipped");
        fs::set_permissions(tree.join("locked-dir"), fs::Permissions::from_mode(0o755)).unwrap();
        return;
    }
    let run = check(&dir, &[path_str(&tree)], None);
    fs::set_permissions(tree.join("locked-dir"), fs::Permissions::from_mode(0o755)).unwrap();
    run.assert_code(1).assert_good_checked();
    run.assert_one("locked.yaml", "S001", "cannot read the file");
    assert!(run.stderr.contains("locked-dir"), "no warning about the locked directory\n{}", run.describe());
}

#[test]
fn fifo_named_on_the_command_line_is_s001_without_blocking() {
    let dir = scratch("fifo");
    let fifo = dir.join("pipe.yaml");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success(), "mkfifo failed");
    let run = check(&dir, &[path_str(&fifo), GOOD], None);
    run.assert_code(1).assert_good_checked();
    run.assert_one("pipe.yaml", "S001", "not a regular file");
    // Found by a walk, a FIFO is not a spec file and is passed over.
    fs::copy(root().join(GOOD), dir.join("good.yaml")).unwrap();
    let run = check(&dir, &[path_str(&dir)], None);
    run.assert_code(0).assert_good_checked().assert_none("pipe.yaml");
}

#[test]
fn device_named_on_the_command_line_is_s001() {
    let dir = scratch("device");
    let run = check(&dir, &["/dev/null", GOOD], None);
    run.assert_code(1).assert_good_checked();
    run.assert_one("/dev/null", "S001", "not a regular file");
}
