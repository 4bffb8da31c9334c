//! Named files are checked in their project context (DESIGN §5): pre-commit names only
//! the changed files, yet an instance's image lives in a file that did not change, and a
//! changed image is used by instances elsewhere. Each test builds a small Git work tree
//! (a `.git` directory is all ecslint looks for) from `fixtures/context/` and runs the
//! binary inside it.

mod common;

use common::{AS_OF, Run, run_command, scratch_dir, write_files};
use std::path::{Path, PathBuf};

/// A fixture of `fixtures/context/`.
fn fixture(name: &str) -> String {
    let path = common::root().join("fixtures/context").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A Git work tree named `test` holding `files` (path in the tree, fixture name).
fn repo(test: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = scratch_dir(&format!("context-{test}"));
    std::fs::create_dir(dir.join(".git")).expect(".git created");
    let texts: Vec<(&str, String)> = files.iter().map(|(path, name)| (*path, fixture(name))).collect();
    let texts: Vec<(&str, &str)> = texts.iter().map(|(path, text)| (*path, text.as_str())).collect();
    write_files(&dir, &texts);
    dir
}

/// `ecslint check --as-of AS_OF --format json ARGS` run in `dir`, with `stdin` if any.
fn check_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    let mut command = common::ecslint();
    command
        .current_dir(dir)
        .args(["check", "--ignore", "L006", "--as-of", AS_OF, "--color", "never", "--format", "json"]);
    command.args(args);
    run_command(command, stdin.map(str::as_bytes))
}

/// (code, file) of every finding, in output order.
fn findings(run: &Run) -> Vec<(String, String)> {
    let json = run.json();
    let findings = json["findings"].as_array().cloned().unwrap_or_default();
    findings
        .iter()
        .map(|f| {
            (f["code"].as_str().unwrap_or_default().into(), f["file"].as_str().unwrap_or_default().into())
        })
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected.iter().map(|(code, file)| ((*code).to_string(), (*file).to_string())).collect()
}

#[test]
fn a_changed_instance_is_checked_against_images_in_unchanged_files() {
    let dir = repo("instance", &[("images.yaml", "images.yaml"), ("app.yaml", "app-on-arm.yaml")]);
    // Alone, the image was unknown: a warning (S004), every image rule skipped, exit 0.
    let run = check_in(&dir, &["app.yaml"], None);
    run.assert_code(1);
    assert_eq!(findings(&run), pairs(&[("A003", "app.yaml")]), "{}", run.describe());
    // The summary counts what is reported: the images used are not.
    let json = run.json();
    assert_eq!(json["summary"]["files"], 1, "{}", run.describe());
    assert_eq!(json["summary"]["resources"], 1, "{}", run.describe());
    // A named directory is its own context, as a directory walk always was; a named file
    // beside it still brings the project around both.
    std::fs::create_dir(dir.join("instances")).expect("instances/ created");
    std::fs::rename(dir.join("app.yaml"), dir.join("instances/app.yaml")).expect("moved");
    let run = check_in(&dir, &["instances"], None);
    assert_eq!(findings(&run), pairs(&[("S004", "instances/app.yaml")]), "{}", run.describe());
    std::fs::write(dir.join("note.yaml"), "kind: Note\n").expect("note.yaml written");
    let run = check_in(&dir, &["instances", "note.yaml"], None);
    assert_eq!(findings(&run), pairs(&[("A003", "instances/app.yaml")]), "{}", run.describe());
}

#[test]
fn a_changed_image_is_checked_against_the_instances_that_use_it() {
    let dir = repo(
        "image",
        &[
            ("images.yaml", "images-arm.yaml"),
            ("prod/app.yaml", "app.yaml"),
            ("unrelated-bad.yaml", "unrelated-bad.yaml"),
        ],
    );
    // Alone, the image edit passed: nothing in images.yaml is wrong by itself.
    let run = check_in(&dir, &["images.yaml"], None);
    run.assert_code(1);
    assert_eq!(findings(&run), pairs(&[("A003", "prod/app.yaml")]), "{}", run.describe());
    // The summary counts what is reported: the named file and the file that uses it.
    let json = run.json();
    assert_eq!(json["summary"]["files"], 2, "{}", run.describe());
    assert_eq!(json["summary"]["resources"], 3, "{}", run.describe());
    assert_eq!(json["summary"]["errors"], 1, "{}", run.describe());
}

#[test]
fn an_instance_of_an_image_derived_from_a_changed_one_is_checked_too() {
    let derived = "kind: Image\nname: app-derived\ntype: custom\nderivedFrom: app-image\nregions: [cn-hangzhou]\n\
                   ---\nkind: Instance\nname: web\nregion: cn-hangzhou\ninstanceType: ecs.g7.large\nimage: app-derived\n";
    let dir = repo("derived", &[("images.yaml", "images-arm.yaml")]);
    write_files(&dir, &[("web.yaml", derived)]);
    let run = check_in(&dir, &["images.yaml"], None);
    let found = findings(&run);
    assert!(found.contains(&("A003".to_string(), "web.yaml".to_string())), "{}", run.describe());
    assert!(found.iter().all(|(_, file)| file == "web.yaml" || file == "images.yaml"), "{}", run.describe());
}

#[test]
fn no_context_checks_the_named_files_alone() {
    let dir = repo("no-context", &[("images.yaml", "images.yaml"), ("app.yaml", "app-on-arm.yaml")]);
    let run = check_in(&dir, &["--no-context", "app.yaml"], None);
    run.assert_code(0);
    assert_eq!(findings(&run), pairs(&[("S004", "app.yaml")]), "{}", run.describe());
    let dir = repo("no-context-image", &[("images.yaml", "images-arm.yaml"), ("app.yaml", "app.yaml")]);
    let run = check_in(&dir, &["--no-context", "images.yaml"], None);
    run.assert_code(0);
    assert_eq!(findings(&run), pairs(&[]), "{}", run.describe());
}

#[test]
fn stdin_stands_in_for_the_file_its_stdin_filename_names() {
    let dir = repo("stdin", &[("images.yaml", "images.yaml"), ("app.yaml", "app.yaml")]);
    // The unsaved buffer moves the instance to the Arm image: checked against images.yaml,
    // and its saved copy on disk is not a second `app` (no S003).
    let buffer = fixture("app-on-arm.yaml");
    let run = check_in(&dir, &["--stdin-filename", "app.yaml", "-"], Some(&buffer));
    run.assert_code(1);
    assert_eq!(findings(&run), pairs(&[("A003", "app.yaml")]), "{}", run.describe());
    // The saved copy unchanged: clean, whatever spelling names it.
    let buffer = fixture("app.yaml");
    let run = check_in(&dir, &["--stdin-filename", "./app.yaml", "-"], Some(&buffer));
    run.assert_code(0);
    assert_eq!(findings(&run), pairs(&[]), "{}", run.describe());
}

#[test]
fn broken_and_foreign_files_in_the_context_are_silent() {
    let dir = repo(
        "silent",
        &[
            ("images.yaml", "images.yaml"),
            ("app.yaml", "app.yaml"),
            ("broken.yaml", "broken.yaml"),
            ("tsconfig.json", "tsconfig.json"),
            ("legacy/unrelated-bad.yaml", "unrelated-bad.yaml"),
        ],
    );
    let run = check_in(&dir, &["app.yaml"], None);
    run.assert_code(0);
    assert_eq!(findings(&run), pairs(&[]), "{}", run.describe());
    // Nor does stderr speak of the project's tsconfig.json, skipped as another tool's.
    assert!(!run.stderr.contains("tsconfig.json"), "{}", run.describe());
    let json = run.json();
    assert_eq!(json["summary"]["files"], 1, "{}", run.describe());
    assert_eq!(json["summary"]["resources"], 1, "{}", run.describe());
    // Named, each still has its findings; the whole project has them all.
    let run = check_in(&dir, &["broken.yaml", "legacy/unrelated-bad.yaml"], None);
    assert_eq!(
        findings(&run),
        pairs(&[("S001", "broken.yaml"), ("A001", "legacy/unrelated-bad.yaml")]),
        "{}",
        run.describe()
    );
    let run = check_in(&dir, &[], None);
    let found = findings(&run);
    for expected in pairs(&[("S001", "broken.yaml"), ("A001", "legacy/unrelated-bad.yaml")]) {
        assert!(found.contains(&expected), "{expected:?} missing\n{}", run.describe());
    }
}

#[test]
fn a_duplicate_name_with_a_context_file_is_reported_on_the_named_file() {
    let dir = repo(
        "duplicate",
        &[("images.yaml", "images.yaml"), ("app.yaml", "app.yaml"), ("copy.yaml", "app.yaml")],
    );
    let run = check_in(&dir, &["copy.yaml"], None);
    run.assert_code(1);
    assert_eq!(findings(&run), pairs(&[("S003", "copy.yaml")]), "{}", run.describe());
    // The other definition is a secondary label (the JSON report carries no labels).
    let mut command = common::ecslint();
    command.current_dir(&dir).args([
        "check",
        "--ignore",
        "L006",
        "--as-of",
        AS_OF,
        "--color",
        "never",
        "copy.yaml",
    ]);
    let run = run_command(command, None);
    let primary = run.stdout.find("╭─[copy.yaml:3:7]");
    let label = run.stdout.find("╭─[app.yaml:3:7]");
    assert!(primary.is_some_and(|p| label.is_some_and(|l| p < l)), "{}", run.describe());
}

#[test]
fn a_config_file_above_the_git_root_is_not_used() {
    let outer = scratch_dir("context-outer-config");
    write_files(
        &outer,
        &[("ecslint.yaml", "failOn: never\n"), ("repo/bad.yaml", &fixture("unrelated-bad.yaml"))],
    );
    let dir = outer.join("repo");
    std::fs::create_dir(dir.join(".git")).expect(".git created");
    let run = check_in(&dir, &["bad.yaml"], None);
    // The outer config would have made the run pass (`failOn: never`).
    run.assert_code(1);
    assert_eq!(findings(&run), pairs(&[("A001", "bad.yaml")]), "{}", run.describe());
    // Inside the work tree a config is found from a subdirectory, and its directory is
    // the project root: its `include` chooses the context.
    write_files(
        &dir,
        &[
            ("ecslint.yaml", "include: [\"specs/**/*.yaml\"]\n"),
            ("specs/images.yaml", &fixture("images.yaml")),
            ("specs/prod/app.yaml", &fixture("app-on-arm.yaml")),
            ("elsewhere/images.yaml", &fixture("images-arm.yaml")),
        ],
    );
    let mut command = common::ecslint();
    command
        .current_dir(dir.join("specs/prod"))
        .args(["check", "--ignore", "L006", "--as-of", AS_OF, "--format", "json", "app.yaml"]);
    let run = run_command(command, None);
    assert_eq!(findings(&run), pairs(&[("A003", "app.yaml")]), "{}", run.describe());
}

#[test]
fn a_rule_that_fails_on_an_unrelated_resource_does_not_take_the_gate_down() {
    // ORG006 reads `resource.labels.team`, which fails on an instance without labels:
    // the unrelated instance of legacy/ has none, the named one has them.
    let dir =
        repo("rule-failure", &[("images.yaml", "images.yaml"), ("legacy/old.yaml", "unrelated-bad.yaml")]);
    write_files(&dir, &[("app.yaml", &format!("{}labels: {{team: web}}\n", fixture("app.yaml")))]);
    let rules = common::root().join("fixtures/bad-rules/runtime-error");
    let rules = rules.to_str().expect("the repository path is UTF-8");
    let run = check_in(&dir, &["--rules", rules, "app.yaml"], None);
    run.assert_code(0);
    assert_eq!(findings(&run), pairs(&[]), "{}", run.describe());
    // Named, the unrelated file still takes it down: the rule is broken.
    check_in(&dir, &["--rules", rules, "legacy/old.yaml"], None).assert_code(2);
    // The whole project named as `.` is the run without paths: nothing is narrowed.
    let all = check_in(&dir, &["--select", "A,S", "."], None);
    let none = check_in(&dir, &["--select", "A,S"], None);
    assert_eq!(findings(&all), findings(&none), "{}\n{}", all.describe(), none.describe());
    assert_eq!(findings(&all), pairs(&[("A001", "legacy/old.yaml")]), "{}", all.describe());
}

/// The project of a named file is the Git work tree holding it, not the one (or the
/// directory) the working directory is in: two sibling repositories that each define
/// the same images do not see each other's.
#[test]
fn the_project_is_the_work_tree_of_the_named_file_not_of_the_working_directory() {
    let parent = scratch_dir("context-siblings");
    for repo in ["a", "b"] {
        std::fs::create_dir_all(parent.join(repo).join(".git")).expect(".git created");
        write_files(&parent.join(repo), &[("images.yaml", &fixture("images.yaml"))]);
    }
    let run = check_in(&parent, &["a/images.yaml"], None);
    run.assert_code(0);
    assert_eq!(findings(&run), pairs(&[]), "{}", run.describe());
    // From inside the other repository, too.
    let run = check_in(&parent.join("b"), &["../a/images.yaml"], None);
    assert_eq!(findings(&run), pairs(&[]), "{}", run.describe());
}

/// A spec piped in as plain `-` (no `--stdin-filename`) is a run of its own: piping a
/// file of the project is not a second definition of every name in it.
#[test]
fn plain_standard_input_is_checked_alone() {
    let dir = repo("plain-stdin", &[("images.yaml", "images.yaml")]);
    let run = check_in(&dir, &["-"], Some(&fixture("images.yaml")));
    run.assert_code(0);
    assert_eq!(findings(&run), pairs(&[]), "{}", run.describe());
}

/// A report is never written over a file the run read: a project file that is not
/// reported on, or a rule file, is an input all the same.
#[test]
fn a_report_is_not_written_over_a_project_file_or_a_rule_file() {
    let dir = repo("no-clobber", &[("images.yaml", "images.yaml"), ("app.yaml", "app.yaml")]);
    let rule = std::fs::read_to_string(
        common::root().join("fixtures/custom-rules/policies/ORG001-production-alinux3.yaml"),
    )
    .expect("the example rule");
    write_files(&dir, &[("policies/org.yaml", &rule)]);
    for target in ["images.yaml", "policies/org.yaml"] {
        let before = std::fs::read_to_string(dir.join(target)).expect("readable");
        let run = check_in(&dir, &["--rules", "policies", "-o", target, "app.yaml"], None);
        run.assert_code(2);
        assert!(run.stderr.contains("refusing to write"), "{}", run.describe());
        assert_eq!(std::fs::read_to_string(dir.join(target)).expect("readable"), before, "{target} kept");
    }
    // A report an earlier run wrote into the project holds no resource: a CI job that
    // keeps its work tree writes it again (it was exit 2, "which this run reads"). Named,
    // or a `--var-file`, it is an input.
    for args in [&["-o", "report.json"][..], &["-o", "report.json", "app.yaml"]] {
        std::fs::remove_file(dir.join("report.json")).ok();
        for _ in 0..2 {
            let run = check_in(&dir, args, None);
            run.assert_code(0);
            let report = std::fs::read_to_string(dir.join("report.json")).expect("written");
            assert!(report.contains("\"summary\""), "{report}");
        }
    }
    let run = check_in(&dir, &["-o", "report.json", "report.json", "app.yaml"], None);
    run.assert_code(2);
    // A JSON file that is not a report is kept, whatever it holds, and so is a Terraform
    // or Packer file that reads as one (`[]` is an empty GitLab report).
    write_files(&dir, &[("package.json", "{\"name\": \"app\"}\n"), ("main.tf.json", "[]\n")]);
    for (target, text) in [("package.json", "{\"name\": \"app\"}\n"), ("main.tf.json", "[]\n")] {
        let run = check_in(&dir, &["-o", target], None);
        run.assert_code(2);
        assert_eq!(std::fs::read_to_string(dir.join(target)).expect("kept"), text);
    }
    std::fs::remove_file(dir.join("main.tf.json")).expect("removed");
    write_files(&dir, &[("prod.tfvars", "a = 1\n")]);
    let run = check_in(&dir, &["--var-file", "prod.tfvars", "-o", "prod.tfvars", "app.yaml"], None);
    run.assert_code(2);
    assert_eq!(std::fs::read_to_string(dir.join("prod.tfvars")).expect("readable"), "a = 1\n");
}

/// A suppression on the named file's line silences an S003 that the project brings in,
/// and is not called unused (S008): the finding is on the named file before comments are
/// matched.
#[test]
fn a_suppression_on_the_named_file_covers_a_duplicate_from_the_project() {
    let dir = scratch_dir("context-suppressed-duplicate");
    std::fs::create_dir(dir.join(".git")).expect(".git created");
    let instance = |comment: &str| {
        format!(
            "kind: Instance\nname: api{comment}\nregion: cn-hangzhou\ninstanceType: ecs.g7.large\n\
             image: aliyun_3_x64_20G_alibase_20240819.vhd\n"
        )
    };
    write_files(
        &dir,
        &[("a.yaml", &instance("  # ecslint-ignore S003 -- migrating")), ("b.yaml", &instance(""))],
    );
    let run = check_in(&dir, &["a.yaml"], None);
    run.assert_code(0);
    assert_eq!(findings(&run), pairs(&[]), "{}", run.describe());
}

/// A name defined first in the named file and again in three project files is one S003 on
/// the named file, with the three other definitions as labels: it was printed three times
/// at the same place, once per other definition.
#[test]
fn a_name_defined_in_several_project_files_is_one_finding_on_the_named_file() {
    let dir = scratch_dir("context-many-duplicates");
    std::fs::create_dir(dir.join(".git")).expect(".git created");
    let instance = "kind: Instance\nname: api\nregion: cn-hangzhou\ninstanceType: ecs.g7.large\n\
                    image: aliyun_3_x64_20G_alibase_20240819.vhd\n";
    write_files(
        &dir,
        &[("a.yaml", instance), ("b.yaml", instance), ("c.yaml", instance), ("d.yaml", instance)],
    );
    let run = check_in(&dir, &["a.yaml"], None);
    run.assert_code(1);
    assert_eq!(findings(&run), pairs(&[("S003", "a.yaml")]), "{}", run.describe());
    let mut command = common::ecslint();
    command
        .current_dir(&dir)
        .args(["check", "--ignore", "L006", "--as-of", AS_OF, "--color", "never", "a.yaml"]);
    let run = run_command(command, None);
    assert_eq!(run.stdout.matches("╭─[a.yaml:2:7]").count(), 1, "{}", run.describe());
    for other in ["b.yaml", "c.yaml", "d.yaml"] {
        assert_eq!(run.stdout.matches(&format!("╭─[{other}:2:7]")).count(), 1, "{other}\n{}", run.describe());
    }
}

#[test]
fn a_syntax_error_in_the_named_modules_variables_or_a_var_file_is_reported() {
    // A broken terraform.tfvars beside a named main.tf left its variables unset: the run
    // passed in silence, though Terraform would refuse the module.
    let dir = scratch_dir("context-terraform-module");
    std::fs::create_dir(dir.join(".git")).expect(".git created");
    let main = "variable \"image\" {}\nresource \"alicloud_instance\" \"a\" {\n  image_id = var.image\n}\n";
    let broken = "image = [\n";
    write_files(
        &dir,
        &[
            ("main.tf", main),
            ("terraform.tfvars", broken),
            ("extra.tfvars", broken),
            ("other/main.tf", main),
            ("other/terraform.tfvars", broken),
        ],
    );
    let run = check_in(&dir, &["main.tf"], None);
    run.assert_code(1);
    assert_eq!(findings(&run), pairs(&[("S001", "terraform.tfvars")]), "{}", run.describe());
    // Another module's broken file stays out of a run over this one.
    let run = check_in(&dir, &["other/main.tf"], None);
    assert_eq!(findings(&run), pairs(&[("S001", "other/terraform.tfvars")]), "{}", run.describe());
    std::fs::remove_file(dir.join("terraform.tfvars")).expect("removed");
    let run = check_in(&dir, &["main.tf", "--var-file", "extra.tfvars"], None);
    run.assert_code(1);
    assert_eq!(findings(&run), pairs(&[("S001", "extra.tfvars")]), "{}", run.describe());
    // Quiet when nothing is broken.
    let run = check_in(&dir, &["main.tf"], None);
    run.assert_code(0);
    assert_eq!(findings(&run), pairs(&[]), "{}", run.describe());
}

#[test]
fn a_named_or_matched_terraform_file_is_read_with_its_module_whatever_the_include() {
    // `terraform.tfvars` picks the x86 image Terraform deploys; the default is Arm. With an
    // `include` that does not reach the module (or reaches only its `.tf` files), a named
    // `main.tf` and `variables.tf` were read without it: a false A003 from the default.
    let dir = scratch_dir("context-module-include");
    std::fs::create_dir(dir.join(".git")).expect(".git created");
    let main = "resource \"alicloud_instance\" \"app\" {\n  availability_zone = \"cn-hangzhou-h\"\n  instance_type = var.type\n  image_id = var.image\n}\n";
    let variables = "variable \"image\" { default = \"aliyun_3_arm64_20G_alibase_20240819.vhd\" }\nvariable \"type\" {}\n";
    let tfvars = "image = \"aliyun_3_x64_20G_alibase_20240819.vhd\"\ntype = \"ecs.g7.large\"\n";
    write_files(
        &dir,
        &[("tf/main.tf", main), ("tf/variables.tf", variables), ("tf/terraform.tfvars", tfvars)],
    );
    let includes = ["include: [\"specs/**/*.yaml\"]\n", "include: [\"tf/**/*.tf\"]\n", ""];
    for include in includes {
        write_files(&dir, &[("ecslint.yaml", include)]);
        for args in [
            &["tf/main.tf"][..],
            &["tf/main.tf", "tf/variables.tf"],
            &["tf/*.tf"],
            &[],
            &["--no-context", "tf/main.tf"],
        ] {
            let run = check_in(&dir, args, None);
            run.assert_code(0);
            assert_eq!(findings(&run), pairs(&[]), "{include} {args:?}: {}", run.describe());
        }
    }
    // The module's values are the deployed ones: an Arm image in `terraform.tfvars` is
    // A003 on the named file; a finding of the file beside it stays quiet.
    write_files(
        &dir,
        &[
            ("ecslint.yaml", "include: [\"specs/**/*.yaml\"]\n"),
            ("tf/terraform.tfvars", &tfvars.replace("x64", "arm64")),
            ("tf/other.tf", &main.replace("\"app\"", "\"other\"").replace("var.image", "\"m-unknown\"")),
        ],
    );
    let run = check_in(&dir, &["tf/main.tf"], None);
    run.assert_code(1);
    assert_eq!(findings(&run), pairs(&[("A003", "tf/main.tf")]), "{}", run.describe());
    // A commit that changes only the variables file, and a run from the module's own
    // directory (`main.tf` has no directory to list but `.`), read the module too.
    // (`other.tf` reads `var.type` from it too: its S004 is the variables file's news.)
    let run = check_in(&dir, &["tf/terraform.tfvars"], None);
    run.assert_code(1);
    assert_eq!(
        findings(&run),
        pairs(&[("A003", "tf/main.tf"), ("S004", "tf/other.tf")]),
        "{}",
        run.describe()
    );
    let run = check_in(&dir.join("tf"), &["main.tf"], None);
    run.assert_code(1);
    assert_eq!(findings(&run), pairs(&[("A003", "main.tf")]), "{}", run.describe());
    write_files(&dir, &[("tf/terraform.tfvars", tfvars)]);
    for args in [&["main.tf"][..], &["--no-context", "main.tf"], &["--no-context", "terraform.tfvars"]] {
        let run = check_in(&dir.join("tf"), args, None);
        assert!(!findings(&run).iter().any(|(code, _)| code == "A003"), "{args:?}: {}", run.describe());
    }
}

#[test]
fn a_named_module_file_is_evaluated_through_the_root_that_calls_it() {
    // The root passes the x86 image from its `terraform.tfvars`; the module's default is
    // Arm. With an `include` that selects the specs alone, the named module file was read
    // as a root of its own, with its default: a false A003.
    let dir = scratch_dir("context-child-module");
    std::fs::create_dir(dir.join(".git")).expect(".git created");
    let root = "module \"vm\" {\n  source   = \"./modules/vm\"\n  image_id = var.image_id\n}\nvariable \"image_id\" {}\n";
    let module = "variable \"image_id\" { default = \"aliyun_3_arm64_20G_alibase_20240819.vhd\" }\nresource \"alicloud_instance\" \"vm\" {\n  availability_zone = \"cn-hangzhou-h\"\n  instance_type = \"ecs.g7.large\"\n  image_id = var.image_id\n}\n";
    write_files(
        &dir,
        &[
            ("ecslint.yaml", "include: [\"specs/**/*.yaml\"]\n"),
            ("tf/main.tf", root),
            ("tf/terraform.tfvars", "image_id = \"aliyun_3_x64_20G_alibase_20240819.vhd\"\n"),
            ("tf/modules/vm/main.tf", module),
        ],
    );
    let run = check_in(&dir, &["tf/modules/vm/main.tf"], None);
    run.assert_code(0);
    assert_eq!(findings(&run), pairs(&[]), "{}", run.describe());
    // What the root passes is what is checked.
    write_files(&dir, &[("tf/terraform.tfvars", "image_id = \"aliyun_3_arm64_20G_alibase_20240819.vhd\"\n")]);
    let run = check_in(&dir, &["tf/modules/vm/main.tf"], None);
    run.assert_code(1);
    assert_eq!(findings(&run), pairs(&[("A003", "tf/modules/vm/main.tf")]), "{}", run.describe());
}

#[test]
fn a_syntax_error_beside_a_named_packer_template_is_reported() {
    let dir = scratch_dir("context-packer-beside");
    std::fs::create_dir(dir.join(".git")).expect(".git created");
    let build = "source \"alicloud-ecs\" \"x\" {\n  region = \"cn-hangzhou\"\n  instance_type = var.type\n  source_image = \"aliyun_3_x64_20G_alibase_20240819.vhd\"\n  image_name = \"x\"\n}\nbuild {\n  sources = [\"source.alicloud-ecs.x\"]\n}\nvariable \"type\" { default = \"ecs.g7.large\" }\n";
    write_files(&dir, &[("p/build.pkr.hcl", build), ("p/x.auto.pkrvars.hcl", "type =\n")]);
    let run = check_in(&dir, &["p/build.pkr.hcl"], None);
    run.assert_code(1);
    assert_eq!(findings(&run), pairs(&[("S001", "p/x.auto.pkrvars.hcl")]), "{}", run.describe());
}

/// Resources that share a provider share the span of its `region`: a finding of a root
/// instance there was reported in a run over a module file whose instances use the same
/// provider, though that instance neither is in the module nor uses its images.
#[test]
fn a_finding_of_another_resource_at_a_shared_provider_is_not_the_named_files() {
    let dir = scratch_dir("context-shared-provider");
    std::fs::create_dir(dir.join(".git")).expect(".git created");
    let providers = "provider \"alicloud\" {\n  region = \"cn-hangzhou\"\n}\n\n\
                     provider \"alicloud\" {\n  alias  = \"overseas\"\n  region = \"ap-southeast-1\"\n}\n";
    let main = r#"
resource "alicloud_instance" "builder" {
  instance_type = "ecs.g7.large"
  image_id      = "aliyun_3_x64_20G_alibase_20240819.vhd"
}

resource "alicloud_image" "tools" {
  instance_id = alicloud_instance.builder.id
  image_name  = "tools"
}

resource "alicloud_instance" "bastion" {
  provider      = alicloud.overseas
  instance_type = "ecs.g7.large"
  image_id      = alicloud_image.tools.id
}

module "app" {
  source    = "./modules/app"
  providers = { alicloud = alicloud.overseas }
}
"#;
    let module = "resource \"alicloud_instance\" \"this\" {\n  instance_type = \"ecs.g7.large\"\n  \
                  image_id      = \"aliyun_3_x64_20G_alibase_20240819.vhd\"\n}\n";
    write_files(&dir, &[("providers.tf", providers), ("main.tf", main), ("modules/app/main.tf", module)]);
    // The bastion's image exists only in Hangzhou: R001, at the overseas provider's region.
    let run = check_in(&dir, &["main.tf"], None);
    run.assert_code(1);
    assert_eq!(findings(&run), pairs(&[("R001", "providers.tf")]), "{}", run.describe());
    let run = check_in(&dir, &["providers.tf"], None);
    assert_eq!(findings(&run), pairs(&[("R001", "providers.tf")]), "{}", run.describe());
    // The module's instance reads the same region line, but the finding is not its own.
    let run = check_in(&dir, &["modules/app/main.tf"], None);
    run.assert_code(0);
    assert_eq!(findings(&run), pairs(&[]), "{}", run.describe());
}

/// Terraform applies `-var` and `-var-file` in the order they are given: a later one wins.
#[test]
fn var_and_var_file_apply_in_command_line_order() {
    let dir = scratch_dir("context-var-order");
    std::fs::create_dir(dir.join(".git")).expect(".git created");
    let main = "provider \"alicloud\" {\n  region = \"cn-hangzhou\"\n}\nvariable \"img\" {}\n\
                resource \"alicloud_instance\" \"a\" {\n  instance_type = \"ecs.g7.large\"\n  image_id      = var.img\n}\n";
    write_files(
        &dir,
        &[("main.tf", main), ("prod.tfvars", "img = \"aliyun_3_x64_20G_alibase_20240819.vhd\"\n")],
    );
    let centos = "img=centos_7_9_x64_20G_alibase_20240628.vhd";
    let l001 = |args: &[&str]| {
        let run = check_in(&dir, args, None);
        findings(&run).iter().any(|(code, _)| code == "L001")
    };
    assert!(
        !l001(&["--select", "L001", "--var", centos, "--var-file", "prod.tfvars"]),
        "the file comes later"
    );
    assert!(
        l001(&["--select", "L001", "--var-file", "prod.tfvars", "--var", centos]),
        "the --var comes later"
    );
    assert!(l001(&[
        "--select",
        "L001",
        &format!("--var={centos}"),
        "--var-file=prod.tfvars",
        "--var",
        centos
    ]));
}
