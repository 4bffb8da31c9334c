//! Which files a run reads and under which name (issue #13.15, #13.19, #12.8): output that
//! does not depend on the order or spelling of the arguments, each file read once, config
//! patterns that match however a path was spelt, directory walks that do not follow links
//! out of the walked directory, and a path that could not be read failing the run.

mod common;

use common::{AS_OF, root, run_command, scratch_dir, write_files};
use std::collections::BTreeSet;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;

/// `ecslint check --as-of AS_OF --format json ARGS` run in `cwd`.
fn check_in(cwd: &Path, args: &[&str]) -> common::Run {
    let mut command = common::ecslint();
    command
        .current_dir(cwd)
        .args(["check", "--ignore", "L006", "--as-of", AS_OF, "--color", "never", "--format", "json"])
        .args(args);
    run_command(command, None)
}

fn good_spec(name: &str) -> String {
    // An instance type the catalog does not know: one S007 warning shows the file was read.
    format!(
        "kind: Instance\nname: {name}\nregion: cn-hangzhou\ninstanceType: ecs.zz9.large\nimage: aliyun_3_x64_20G_alibase_20240819.vhd\n"
    )
}

/// The file names findings are on, and the summary's file count.
fn files_seen(run: &common::Run) -> (BTreeSet<String>, u64) {
    let json = run.json();
    let names = json["findings"]
        .as_array()
        .map(|f| f.iter().filter_map(|f| f["file"].as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    (names, json["summary"]["files"].as_u64().unwrap_or(u64::MAX))
}

#[test]
fn output_is_byte_identical_whatever_the_order_of_the_arguments() {
    let dir = scratch_dir("paths-order");
    // Duplicate image names (S003 on the later definition) and a quota of 3 custom images
    // a region (Q002 at the first image over it): both depend on which file comes first.
    let mut names = Vec::new();
    for i in 0..40 {
        let region = if i % 3 == 0 { "cn-shanghai" } else { "cn-hangzhou" };
        let spec = format!(
            "kind: Image\nname: img-{}\ntype: custom\nos: {{family: ubuntu, version: \"22.04\"}}\narchitecture: x86_64\nregions: [{region}]\n",
            i % 15
        );
        let name = format!("f{:02}.yaml", (i * 17) % 40);
        write_files(&dir, &[(&name, &spec)]);
        names.push(name);
    }
    write_files(&dir, &[("ecslint.yaml", "quotas: {q_user-image-count: 3}\n")]);
    names.sort();
    let mut reversed = names.clone();
    reversed.reverse();
    let mut interleaved: Vec<String> =
        names.iter().step_by(2).chain(names.iter().skip(1).step_by(2)).cloned().collect();
    interleaved.rotate_left(7);
    let mut outputs = Vec::new();
    for order in [&names, &reversed, &interleaved] {
        let args: Vec<&str> = order.iter().map(String::as_str).collect();
        let run = check_in(&dir, &args);
        run.assert_code(1);
        let codes = run.json_codes();
        assert!(codes.iter().any(|c| c == "S003") && codes.iter().any(|c| c == "Q002"), "{}", run.describe());
        outputs.push(run.stdout);
    }
    assert_eq!(outputs[0], outputs[1], "reversed arguments changed the output");
    assert_eq!(outputs[0], outputs[2], "shuffled arguments changed the output");
}

#[test]
fn a_file_reached_by_several_spellings_is_read_once_under_one_name() {
    let dir = scratch_dir("paths-once");
    write_files(&dir, &[("a.yaml", &good_spec("a")), ("sub/b.yaml", &good_spec("b"))]);
    symlink("a.yaml", dir.join("link.yaml")).unwrap();
    let absolute = dir.join("a.yaml");
    let absolute = absolute.to_str().unwrap();
    let run =
        check_in(&dir, &["a.yaml", "./a.yaml", absolute, "link.yaml", ".", ".//sub/b.yaml", "sub/../a.yaml"]);
    // Read twice, `a` would also be a duplicate instance name (S003, an error: status 1).
    run.assert_code(0);
    let (names, files) = files_seen(&run);
    assert_eq!(files, 2, "{}", run.describe());
    assert_eq!(names, BTreeSet::from(["a.yaml".to_string(), "sub/b.yaml".to_string()]), "{}", run.describe());
}

#[test]
fn a_terraform_file_linked_into_a_module_is_read_there_under_its_own_name() {
    // `tf/terraform.tfvars -> prod.tfvars` is the module's variables file: read once, by
    // its target's name, Terraform's x86 value was lost and the Arm default gave a false
    // A003. The same for a link out of the module, to a file the walk also reads.
    let dir = scratch_dir("paths-linked-tfvars");
    let main = "resource \"alicloud_instance\" \"app\" {\n  availability_zone = \"cn-hangzhou-h\"\n  instance_type = \"ecs.g7.large\"\n  image_id = var.image\n}\nvariable \"image\" { default = \"aliyun_3_arm64_20G_alibase_20240819.vhd\" }\n";
    let tfvars = "image = \"aliyun_3_x64_20G_alibase_20240819.vhd\"\n";
    write_files(&dir, &[("tf/main.tf", main), ("tf/prod.tfvars", tfvars), ("shared/prod.tfvars", tfvars)]);
    fs::create_dir(dir.join(".git")).unwrap();
    for target in ["prod.tfvars", "../shared/prod.tfvars"] {
        fs::remove_file(dir.join("tf/terraform.tfvars")).ok();
        symlink(target, dir.join("tf/terraform.tfvars")).unwrap();
        for args in [&["."][..], &["tf"], &["tf/main.tf"], &["--no-context", "tf/main.tf"]] {
            let run = check_in(&dir, args);
            // A walk of `tf` alone does not follow a link out of it, and says so.
            if target.starts_with("..") && args == ["tf"] {
                assert!(run.stderr.contains("terraform.tfvars: skipped"), "{}", run.describe());
                continue;
            }
            run.assert_code(0);
            assert!(!run.stdout.contains("A003"), "{target} {args:?}: {}", run.describe());
            assert!(!run.stderr.contains("skipped"), "{target} {args:?}: {}", run.describe());
        }
    }
    // Named from the module's directory under two spellings, the link is read, and not
    // also said to be skipped.
    let run = check_in(&dir.join("tf"), &["./main.tf", "terraform.tfvars"]);
    run.assert_code(0);
    assert!(!run.stderr.contains("skipped"), "{}", run.describe());
}

#[test]
fn exclude_and_per_path_ignore_apply_whatever_the_spelling() {
    let dir = scratch_dir("paths-exclude");
    write_files(
        &dir,
        &[
            ("ecslint.yaml", "exclude: [\"infra/**\"]\nignore:\n  - {path: \"app/**\", codes: [S007]}\n"),
            ("infra/x.yaml", "kind: Instance\nname: [broken\n"),
            ("app/y.yaml", &good_spec("y")),
        ],
    );
    let infra = dir.join("infra");
    let app = dir.join("app");
    let spellings: [(&Path, Vec<&str>); 4] = [
        (&dir, vec![infra.to_str().unwrap(), app.to_str().unwrap()]),
        (&dir, vec![".//infra", ".//app/"]),
        (&dir, vec!["infra/../infra", "./app//y.yaml"]),
        (&app, vec!["../infra", "."]),
    ];
    for (cwd, args) in spellings {
        let run = check_in(cwd, &args);
        run.assert_code(0);
        let (names, files) = files_seen(&run);
        assert!(names.is_empty() && files == 1, "{args:?} from {}: {}", cwd.display(), run.describe());
    }
}

#[test]
fn a_walk_does_not_follow_links_out_of_the_walked_directory() {
    let dir = scratch_dir("paths-links-out");
    write_files(
        &dir,
        &[
            ("tree/good.yaml", &good_spec("good")),
            ("outside/secret.yaml", &good_spec("TOP-SECRET")),
            ("outside/sub/more.yaml", &good_spec("MORE-SECRET")),
        ],
    );
    symlink("../outside/secret.yaml", dir.join("tree/secret.yaml")).unwrap();
    symlink("../outside", dir.join("tree/out")).unwrap();
    symlink("/", dir.join("tree/root")).unwrap();
    // Links inside the walked directory: a file is read (once), a directory is walked
    // where it is.
    symlink("good.yaml", dir.join("tree/alias.yaml")).unwrap();
    fs::create_dir_all(dir.join("tree/real")).unwrap();
    symlink("real", dir.join("tree/linked-dir")).unwrap();
    let run = check_in(&dir, &["tree"]);
    run.assert_code(0);
    let (names, files) = files_seen(&run);
    assert_eq!(files, 1, "{}", run.describe());
    assert_eq!(names, BTreeSet::from(["tree/good.yaml".to_string()]), "{}", run.describe());
    assert!(!run.stdout.contains("SECRET"), "{}", run.describe());
    for link in ["tree/secret.yaml", "tree/out", "tree/root"] {
        assert!(
            run.stderr
                .lines()
                .any(|l| l.starts_with("warning: ") && l.contains(link) && l.contains("outside")),
            "no warning about {link}\n{}",
            run.describe()
        );
    }
    // Named on the command line, the same link is read: the user chose it.
    let run = check_in(&dir, &["tree/secret.yaml"]);
    run.assert_code(0);
    assert!(run.stdout.contains("TOP-SECRET"), "{}", run.describe());
}

#[test]
fn a_path_deeper_than_path_max_fails_the_run() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("paths-deep");
    if dir.exists() {
        fs::remove_dir_all(&dir).unwrap();
    }
    fs::create_dir_all(&dir).unwrap();
    fs::copy(root().join("fixtures/hostile/good.yaml"), dir.join("good.yaml")).unwrap();
    // 24 levels of 200-character names: 4,800 bytes, past Linux's PATH_MAX of 4,096. No
    // path that long can be used, so the tree is made with one-letter names, then each
    // level renamed from the deepest up, while the path to it is still short.
    let levels = 24;
    let short = dir.join(vec!["d"; levels].join("/"));
    fs::create_dir_all(&short).unwrap();
    fs::write(short.join("deep.yaml"), "kind: Instance\n").unwrap();
    let long = "d".repeat(200);
    for depth in (1..=levels).rev() {
        let at = dir.join(vec!["d"; depth].join("/"));
        fs::rename(&at, at.with_file_name(&long)).unwrap();
    }
    let run = check_in(&dir, &["."]);
    let findings = run.json()["findings"].clone();
    let unreadable = findings.as_array().into_iter().flatten().any(|f| {
        f["code"] == "S001"
            && f["file"].as_str().is_some_and(|n| n.contains("dddd"))
            && f["message"].as_str().is_some_and(|m| m.contains("cannot read this path"))
    });
    assert!(unreadable, "{}", run.describe());
    run.assert_code(1);
    assert!(
        run.json_codes().contains(&"S007".to_string()),
        "the readable spec was not checked\n{}",
        run.describe()
    );
    let _ = fs::remove_dir_all(&dir);
}

/// `dir/**` is everything under `dir`, as the config's `exclude` reads it: the glob crate
/// gives only `dir`'s subdirectories for it, so the files directly in `dir` were lost (a
/// directory with no subdirectory "matched no files", exit 2), on the command line and in
/// the config's `include`.
#[test]
fn a_glob_ending_in_two_stars_is_everything_under_its_directory() {
    let dir = scratch_dir("paths-two-stars");
    fs::create_dir(dir.join(".git")).expect(".git created");
    write_files(
        &dir,
        &[
            ("flat/a.yaml", &good_spec("a")),
            ("tree/b.yaml", &good_spec("b")),
            ("tree/sub/c.yaml", &good_spec("c")),
            ("other/d.yaml", &good_spec("d")),
        ],
    );
    let names = |list: &[&str]| list.iter().map(|s| (*s).to_string()).collect::<BTreeSet<String>>();
    let run = check_in(&dir, &["flat/**"]);
    assert_eq!(files_seen(&run), (names(&["flat/a.yaml"]), 1), "{}", run.describe());
    let run = check_in(&dir, &["tree/**", "*/sub/**"]);
    assert_eq!(files_seen(&run), (names(&["tree/b.yaml", "tree/sub/c.yaml"]), 2), "{}", run.describe());
    // A file is not a directory to be under.
    let run = check_in(&dir, &["flat/a.yaml/**"]);
    run.assert_code(2);
    assert!(run.stderr.contains("`flat/a.yaml/**` matched no files"), "{}", run.describe());
    // The config's `include`, for a whole run and as the context of a named file.
    write_files(&dir, &[("ecslint.yaml", "include: [\"tree/**\"]\n")]);
    let run = check_in(&dir, &[]);
    assert_eq!(files_seen(&run), (names(&["tree/b.yaml", "tree/sub/c.yaml"]), 2), "{}", run.describe());
}

/// A config's `include` pattern that matches nothing is a warning, not a failed run (it
/// was exit status 2, though the README promised a warning): a config names what may be
/// there, and a run that finds nothing at all says so.
#[test]
fn an_include_pattern_that_matches_nothing_is_a_warning() {
    let dir = scratch_dir("paths-include-nothing");
    fs::create_dir(dir.join(".git")).expect(".git created");
    write_files(
        &dir,
        &[("tree/b.yaml", &good_spec("b")), ("ecslint.yaml", "include: [\"tree/**\", \"gone/**\"]\n")],
    );
    let run = check_in(&dir, &[]);
    run.assert_code(0);
    assert_eq!(files_seen(&run).1, 1, "{}", run.describe());
    assert!(
        run.stderr.contains("warning: the config's `include` pattern `")
            && run.stderr.contains("/gone/**` matched no files"),
        "{}",
        run.describe()
    );
    write_files(&dir, &[("ecslint.yaml", "include: [\"gone/**\"]\n")]);
    let run = check_in(&dir, &[]);
    run.assert_code(0);
    assert!(run.stderr.contains("no Instance or Image resource found"), "{}", run.describe());
    // On the command line, a pattern that matches nothing is still a mistake in the call.
    check_in(&dir, &["gone/**"]).assert_code(2);
}

/// GitHub annotations, GitLab Code Quality and SARIF name files by their path in the
/// repository, which is what code hosts match them against: a check run in a
/// subdirectory, or with its config in one, reported `web.yaml` for `infra/web.yaml` in
/// the first two (and GitLab's fingerprint changed with the working directory).
#[test]
fn code_host_formats_report_repository_paths_from_any_directory() {
    let dir = scratch_dir("paths-repository");
    fs::create_dir(dir.join(".git")).expect(".git created");
    write_files(&dir, &[("infra/web.yaml", &good_spec("web")), ("infra/ecslint.yaml", "failOn: never\n")]);
    let report = |cwd: &Path, format: &str, target: &str| {
        let mut command = common::ecslint();
        command
            .current_dir(cwd)
            .args(["check", "--as-of", AS_OF, "--ignore", "L006", "--format", format, target]);
        let run = run_command(command, None);
        run.assert_code(0);
        run.stdout
    };
    for (cwd, target) in
        [(dir.clone(), "infra/web.yaml"), (dir.join("infra"), "web.yaml"), (dir.join("infra"), ".")]
    {
        let github = report(&cwd, "github", target);
        assert!(github.starts_with("::warning file=infra/web.yaml,line=4,"), "{github}");
        let gitlab: serde_json::Value = serde_json::from_str(&report(&cwd, "gitlab", target)).expect("JSON");
        assert_eq!(gitlab[0]["location"]["path"], "infra/web.yaml", "{gitlab}");
        let sarif: serde_json::Value = serde_json::from_str(&report(&cwd, "sarif", target)).expect("JSON");
        let result = &sarif["runs"][0]["results"][0];
        assert_eq!(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "infra/web.yaml");
        // One finding, one identity, wherever the check ran.
        assert_eq!(gitlab[0]["fingerprint"], result["partialFingerprints"]["ecslint/v1"], "{gitlab}");
    }
}
