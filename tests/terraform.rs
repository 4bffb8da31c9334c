//! Terraform as a user sees it (issue 14, items 6, 8 and 11): findings on values that came
//! through a variable's default, a `.tfvars` line or a local module call point at the use,
//! with a secondary label on the definition in its own file, in the human rendering and in
//! the JSON `labels`; `#` and `//` suppressions in `.tf` files; a baseline keyed by address
//! and attribute path that survives edits elsewhere; and the quiet cases, where nothing can
//! be known before apply, stay quiet.
//!
//! Inputs are under `fixtures/terraform/`; generated ones are written to a scratch
//! directory. Every snapshot is read before it is accepted.

mod common;

use common::{AS_OF, Run, check_args, ecslint, run, run_command, scratch_dir, write_files};
use serde_json::Value;
use std::fmt::Write as _;
use std::path::Path;

const LABELS: &str = "fixtures/terraform/labels";
const QUIET: &str = "fixtures/terraform/quiet";

/// The rules the label cases are about: the image's OS (end of support, not recommended) and
/// a typo in the type.
const LABEL_RULES: &str = "L001,L003,S010";

/// `"file:line:column"` of a JSON span.
fn place(file: &Value, span: &Value) -> String {
    format!("{}:{}:{}", file.as_str().unwrap_or("?"), span["line"], span["column"])
}

/// Each finding as `CODE file:line:column`, then its labels, one per line, for a snapshot
/// that shows exactly where the JSON report points.
fn findings_with_labels(json: &Value) -> String {
    let mut out = String::new();
    for finding in json["findings"].as_array().cloned().unwrap_or_default() {
        let _ = writeln!(
            out,
            "{} {} ({})",
            finding["code"].as_str().unwrap_or("?"),
            place(&finding["file"], &finding["span"]),
            finding["resource"]["name"].as_str().unwrap_or("-"),
        );
        for label in finding["labels"].as_array().cloned().unwrap_or_default() {
            let _ = writeln!(
                out,
                "  label {}: {}",
                place(&label["file"], &label["span"]),
                label["message"].as_str().unwrap_or("?")
            );
        }
    }
    out
}

/// Codes of the reported findings, sorted.
fn codes(run: &Run) -> Vec<String> {
    let mut codes = run.json_codes();
    codes.sort();
    codes
}

/// The line of each finding, in the order reported.
fn lines(run: &Run) -> Vec<u64> {
    let findings = run.json()["findings"].as_array().cloned().unwrap_or_default();
    findings.iter().map(|f| f["span"]["line"].as_u64().unwrap_or_default()).collect()
}

#[test]
fn a_value_through_a_variable_points_at_the_use_with_a_label_on_its_definition() {
    let run = run(&check_args(["--select", LABEL_RULES, "--format", "human", LABELS]));
    run.assert_code(1);
    insta::assert_snapshot!("terraform_labels_human", run.stdout);
}

#[test]
fn the_json_report_carries_the_labels_in_their_own_files() {
    let run = run(&check_args(["--select", LABEL_RULES, "--format", "json", LABELS]));
    run.assert_code(1);
    let json = run.json();
    let text = findings_with_labels(&json);
    // Whatever the snapshot says, these must hold: the definitions are labelled where
    // they are written, in variables.tf, terraform.tfvars and the module's main.tf.
    for file in ["labels/variables.tf:", "labels/terraform.tfvars:", "labels/modules/web/main.tf:"] {
        assert!(text.contains(&format!("label fixtures/terraform/{file}")), "no label in {file}:\n{text}");
    }
    for finding in json["findings"].as_array().cloned().unwrap_or_default() {
        assert_eq!(finding["file"], format!("{LABELS}/main.tf"), "findings point at the uses:\n{text}");
    }
    insta::assert_snapshot!("terraform_labels_json", text);
}

/// A main.tf with an instance on a `CentOS` 7 public image (L001 and L003), with `before` on
/// the line above its `image_id` and `after` at the end of that line.
fn centos_instance(before: &str, after: &str) -> String {
    format!(
        "provider \"alicloud\" {{\n  region = \"cn-hangzhou\"\n}}\n\n\
         resource \"alicloud_instance\" \"orders\" {{\n  instance_name = \"orders-1\"\n  \
         instance_type = \"ecs.g7.large\"\n{before}  image_id = \"centos_7_9_x64_20G_alibase_20240628.vhd\"{after}\n}}\n"
    )
}

fn check_in(dir: &Path, args: &[&str]) -> Run {
    let mut command = ecslint();
    command
        .current_dir(dir)
        .args(["check", "--color", "never", "--no-config", "--as-of", AS_OF, "--format", "json"])
        .args(args);
    run_command(command, None)
}

#[test]
fn hash_and_slash_comments_suppress_findings_in_terraform() {
    let dir = scratch_dir("terraform-suppressions");
    // Without suppressions: both findings, on the `image_id` line.
    write_files(&dir, &[("main.tf", &centos_instance("", ""))]);
    let plain = check_in(&dir, &["--select", "L001,L003,S008"]);
    assert_eq!(codes(&plain), ["L001", "L003"], "{}", plain.describe());
    // `//` on the line above, `#` at the end of the line.
    write_files(
        &dir,
        &[(
            "main.tf",
            &centos_instance(
                "  // ecslint-ignore L001 -- extended support until 2027\n",
                " # ecslint-ignore L003 -- vendor agent needs CentOS",
            ),
        )],
    );
    let run = check_in(&dir, &["--select", "L001,L003,S008"]);
    run.assert_code(0);
    assert_eq!(codes(&run), Vec::<String>::new(), "{}", run.describe());
    let json = run.json();
    let suppressed = json["suppressed"].as_array().cloned().unwrap_or_default();
    let mut reasons: Vec<(String, String)> = suppressed
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or_default().to_string(),
                f["suppression"]["reason"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    reasons.sort();
    assert_eq!(
        reasons,
        [
            ("L001".to_string(), "extended support until 2027".to_string()),
            ("L003".to_string(), "vendor agent needs CentOS".to_string())
        ],
        "{}",
        run.describe()
    );
}

#[test]
fn a_baseline_keys_terraform_findings_by_address_and_attribute() {
    let dir = scratch_dir("terraform-baseline");
    let variables = "variable \"image_id\" {\n  type    = string\n  default = \"centos_7_9_x64_20G_alibase_20240628.vhd\"\n}\n";
    let web = "resource \"alicloud_instance\" \"web\" {\n  instance_name = \"web-1\"\n  \
               instance_type = \"ecs.g7.large\"\n  image_id      = var.image_id\n}\n";
    let provider = "provider \"alicloud\" {\n  region = \"cn-hangzhou\"\n}\n\n";
    write_files(&dir, &[("main.tf", &format!("{provider}{web}")), ("variables.tf", variables)]);
    let first = check_in(&dir, &["--select", "L001,L003", "."]);
    assert_eq!(codes(&first), ["L001", "L003"], "{}", first.describe());
    check_in(&dir, &["--select", "L001,L003", "--write-baseline", "baseline.json", "."]).assert_code(0);
    let baseline = std::fs::read_to_string(dir.join("baseline.json")).unwrap_or_default();
    assert!(baseline.contains("\"resource\": \"alicloud_instance.web\""), "keyed by address: {baseline}");
    assert!(!baseline.contains("\"line\""), "never by line: {baseline}");
    insta::assert_snapshot!("terraform_baseline", baseline);

    // An edit elsewhere: comments and a new, clean instance above the baselined one.
    let api = "# The API tier.\nresource \"alicloud_instance\" \"api\" {\n  instance_name = \"api-1\"\n  \
               instance_type = \"ecs.g7.large\"\n  image_id      = \"aliyun_3_x64_20G_alibase_20240819.vhd\"\n}\n\n";
    write_files(&dir, &[("main.tf", &format!("{provider}{api}# Orders.\n\n{web}"))]);
    let again = check_in(&dir, &["--select", "L001,L003", "--baseline", "baseline.json", "."]);
    again.assert_code(0);
    assert_eq!(codes(&again), Vec::<String>::new(), "{}", again.describe());
    assert_eq!(again.json()["summary"]["baseline"]["hidden"], 2, "{}", again.describe());
    assert_eq!(again.json()["summary"]["baseline"]["unmatched"], 0, "{}", again.describe());

    // A new resource on the same image is new: reported.
    let reports = web.replace("\"web\"", "\"reports\"").replace("web-1", "reports-1");
    write_files(&dir, &[("main.tf", &format!("{provider}{api}{web}\n{reports}"))]);
    let new = check_in(&dir, &["--select", "L001,L003", "--baseline", "baseline.json", "."]);
    new.assert_code(1);
    let names: Vec<String> = new
        .json_findings()
        .iter()
        .map(|f| {
            format!("{} {}", f["code"].as_str().unwrap_or("?"), f["resource"]["name"].as_str().unwrap_or("?"))
        })
        .collect();
    assert_eq!(
        names,
        ["L001 alicloud_instance.reports", "L003 alicloud_instance.reports"],
        "{}",
        new.describe()
    );
}

#[test]
fn what_cannot_be_known_before_apply_is_never_a_finding() {
    let run = run(&check_args(["--select", "ALL", "--ignore", "S011", "--format", "json", QUIET]));
    run.assert_code(0);
    assert_eq!(codes(&run), Vec::<String>::new(), "{}", run.describe());
    assert!(run.json()["summary"]["resources"].as_u64().unwrap_or(0) >= 3, "{}", run.describe());
}

#[test]
fn s011_lists_what_static_evaluation_could_not_reach() {
    let run = run(&check_args(["--select", "S011", "--fail-on", "never", "--format", "concise", QUIET]));
    run.assert_code(0);
    // The variable without a default, the two lookups and the unknown region at least.
    for needle in ["main.tf:38:", "main.tf:44:", "main.tf:45:", "main.tf:4:"] {
        assert!(run.stdout.contains(needle), "S011 does not list {needle}\n{}", run.describe());
    }
    insta::assert_snapshot!("terraform_quiet_s011", run.stdout);
}

#[test]
fn a_var_no_root_module_declares_is_an_error_as_in_terraform() {
    let dir = scratch_dir("terraform-undeclared-var");
    let main = "variable \"image_id\" {}\n\nresource \"alicloud_instance\" \"app\" {\n  \
                instance_type = \"ecs.g7.large\"\n  image_id      = var.image_id\n}\n";
    write_files(&dir, &[("main.tf", main)]);
    let image = "image_id=centos_7_9_x64_20G_alibase_20240628.vhd";
    // A typo'd name would leave `image_id` unset and the check quiet: status 2, named.
    let typo = check_in(&dir, &["--var", "imageid=x", "--var", image]);
    typo.assert_code(2).assert_stderr("--var imageid: no Terraform root module of the run declares");
    assert!(typo.stdout.is_empty(), "{}", typo.describe());
    // The declared one is used.
    let right = check_in(&dir, &["--var", image, "--select", "L001"]);
    right.assert_code(1);
    assert_eq!(codes(&right), ["L001"], "{}", right.describe());
    // Without any Terraform root module (specs only), `--var` has nothing to declare it.
    let specs = scratch_dir("terraform-undeclared-var-specs");
    write_files(&specs, &[("web.yaml", &common::instance_yaml("web"))]);
    let unused = check_in(&specs, &["--var", "anything=x"]);
    unused.assert_code(0);
    // ... so it is not used, and the run says so rather than ignore it without a word.
    unused.assert_stderr("warning: --var and --var-file set Terraform and Packer variables, and this run has no Terraform module or Packer template");
    let used = check_in(&dir, &["--var", image, "--select", "L001"]);
    assert!(!used.stderr.contains("--var-file set"), "{}", used.describe());
}

#[test]
fn an_undeclared_var_is_no_error_when_the_module_may_be_incomplete() {
    let dir = scratch_dir("terraform-undeclared-var-partial");
    let main = "resource \"alicloud_instance\" \"app\" {\n  instance_type = \"ecs.g7.large\"\n  \
                image_id      = var.image_id\n}\n";
    // The file declaring the variable does not parse: its S001 is what the user sees.
    write_files(&dir, &[("main.tf", main), ("variables.tf", "variable \"image_id\" {\n  type = string\n")]);
    std::fs::create_dir(dir.join(".git")).expect(".git created");
    let broken = check_in(&dir, &["--var", "image_id=x", "--select", "S001", "main.tf"]);
    broken.assert_code(1);
    assert_eq!(codes(&broken), ["S001"], "{}", broken.describe());
    // `--no-context` reads only the named `main.tf`, not the `variables.tf` beside it.
    write_files(&dir, &[("variables.tf", "variable \"image_id\" {}\n")]);
    let image = "image_id=centos_7_9_x64_20G_alibase_20240628.vhd";
    let alone = check_in(&dir, &["--no-context", "--var", image, "--select", "L001", "main.tf"]);
    assert_eq!(codes(&alone), ["L001"], "{}", alone.describe());
    // With its context, the module is whole and the value is used.
    let whole = check_in(&dir, &["--var", image, "--select", "L001", "main.tf"]);
    assert_eq!(codes(&whole), ["L001"], "{}", whole.describe());
}

#[test]
fn a_named_file_outside_any_repository_has_the_working_directory_as_context() {
    // DESIGN §5: without a config file or a Git work tree, the project root is the working
    // directory, when the named file lies inside it.
    let dir = scratch_dir("terraform-loose-root");
    let main = "resource \"alicloud_instance\" \"web\" {\n  instance_type = \"ecs.g7.large\"\n  \
                image_id      = var.image_id\n}\n";
    let variables = "variable \"image_id\" {\n  default = \"centos_7_9_x64_20G_alibase_20240628.vhd\"\n}\n";
    let image = "kind: Image\nname: golden\ntype: custom\nos: {family: ubuntu, version: \"24.04\"}\n\
                 architecture: x86_64\nregions: [cn-hangzhou]\n";
    write_files(
        &dir,
        &[
            ("app/main.tf", main),
            ("app/variables.tf", variables),
            ("app/image.yaml", image),
            ("other/image.yaml", image),
        ],
    );
    // The module's other file is read (its default gives L001), and so is the image of the
    // same name elsewhere under the working directory (S003).
    let loose = check_in(&dir, &["--select", "L001,S003", "app/main.tf", "app/image.yaml"]);
    assert_eq!(codes(&loose), ["L001", "S003"], "{}", loose.describe());
    // From inside `app`, the working directory is `app`: `other` is not part of the project.
    let inside = check_in(&dir.join("app"), &["--select", "L001,S003", "main.tf", "image.yaml"]);
    assert_eq!(codes(&inside), ["L001"], "{}", inside.describe());
}

#[test]
fn the_instances_of_a_count_are_one_human_report_and_one_json_finding_each() {
    let dir = scratch_dir("terraform-count-fold");
    let main = "provider \"alicloud\" {\n  region = \"cn-hangzhou\"\n}\n\n\
                resource \"alicloud_instance\" \"web\" {\n  count         = 3\n  \
                instance_type = \"ecs.g7.large\"\n  \
                image_id      = \"centos_7_9_x64_20G_alibase_20240628.vhd\"\n}\n";
    write_files(&dir, &[("main.tf", main)]);
    let json = check_in(&dir, &["--select", "L001"]);
    assert_eq!(codes(&json), ["L001", "L001", "L001"], "{}", json.describe());
    let mut command = ecslint();
    command.current_dir(&dir).args([
        "check",
        "--color",
        "never",
        "--no-config",
        "--as-of",
        AS_OF,
        "--select",
        "L001",
    ]);
    let human = run_command(command, None);
    human.assert_code(1);
    let names = "(\u{d7}3: alicloud_instance.web[0], alicloud_instance.web[1], alicloud_instance.web[2])";
    let flat = human.stdout.split_whitespace().collect::<Vec<_>>().join(" ").replace(" │ ", " ");
    assert_eq!(flat.matches("L001(os-end-of-life)").count(), 1, "{}", human.stdout);
    assert!(flat.contains(names), "{}", human.stdout);
    // The summary still counts each instance's finding.
    assert!(human.stdout.contains("3 errors"), "{}", human.stdout);
}

/// `CODE file:line` of each reported finding, sorted.
fn places(run: &Run) -> Vec<String> {
    let mut places: Vec<String> = run
        .json_findings()
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}",
                f["code"].as_str().unwrap_or("?"),
                f["file"].as_str().unwrap_or("?"),
                f["span"]["line"]
            )
        })
        .collect();
    places.sort();
    places
}

#[test]
fn opentofu_files_are_read_and_a_tofu_file_takes_the_place_of_the_tf_file_of_its_name() {
    let dir = scratch_dir("terraform-opentofu");
    let aliyun = centos_instance("", "")
        .replace("centos_7_9_x64_20G_alibase_20240628.vhd", "aliyun_3_x64_20G_alibase_20240819.vhd");
    // A `.tofu` file alone is a module file like any `.tf`: its finding points into it.
    write_files(&dir, &[("alone/main.tofu", &centos_instance("", ""))]);
    let alone = check_in(&dir, &["--select", "L001", "alone"]);
    assert_eq!(places(&alone), ["L001 alone/main.tofu:8"], "{}", alone.describe());
    // Beside a `main.tf` of the same name, OpenTofu reads `main.tofu` only: the CentOS
    // instance of `main.tf` is not read (reading both gave the instance twice: S003), and
    // a note says why. A `.tf.json` gives way to a `.tofu.json` the same way, and a `.tf`
    // that does not parse is no S001 when it is not read.
    write_files(
        &dir,
        &[
            ("both/main.tf", &centos_instance("", "")),
            ("both/main.tofu", &aliyun),
            ("both/extra.tf.json", "{\"resource\": [}"),
            ("both/extra.tofu.json", "{}"),
        ],
    );
    let both = check_in(&dir, &["--select", "L001,S001,S003", "both"]);
    both.assert_code(0);
    assert_eq!(places(&both), Vec::<String>::new(), "{}", both.describe());
    // A walk says nothing of it: a module written for both tools would say so at every run.
    assert!(!both.stderr.contains("skipped"), "{}", both.describe());
    // Named (as a pre-commit hook names a changed file), the `.tf` is still the one
    // OpenTofu does not read: a note says so, nothing is reported on it, and no warning
    // asks whether the paths are right. With `--no-context` too: the twin is looked for
    // on disk.
    for args in
        [&["both/main.tf"][..], &["--no-context", "both/main.tf"], &["both/main.tf", "both/extra.tf.json"]]
    {
        let named = check_in(&dir, &[&["--select", "L001,S001,S003"][..], args].concat());
        named.assert_code(0).assert_stderr("both/main.tf: skipped: `main.tofu` is read in its place");
        assert!(!named.stderr.contains("are the paths right"), "{}", named.describe());
    }
    // From standard input under the `.tf` file's name (an editor), the same.
    for context in [&[][..], &["--no-context"]] {
        let mut command = ecslint();
        command
            .current_dir(&dir)
            .args(["check", "--color", "never", "--no-config", "--as-of", AS_OF, "--format", "json"])
            .args(["--select", "L001,S001,S003", "--stdin-filename", "both/main.tf"])
            .args(context)
            .arg("-");
        let stdin = run_command(command, Some(centos_instance("", "").as_bytes()));
        stdin.assert_code(0).assert_stderr("both/main.tf: skipped: `main.tofu` is read in its place");
        assert!(!stdin.stderr.contains("are the paths right"), "{}", stdin.describe());
    }
    let json = check_in(&dir, &["--select", "L001,S001,S003", "both/extra.tf.json"]);
    json.assert_code(0).assert_stderr("both/extra.tf.json: skipped: `extra.tofu.json` is read in its place");
    // Extensions are matched with their case, as OpenTofu and Terraform match them: a
    // `main.TF` is neither tool's file, and `Main.tofu` is no twin of `main.tf`.
    write_files(
        &dir,
        &[
            ("case/main.TF", &centos_instance("", "").replace("orders", "upper")),
            ("case/main.tf", &centos_instance("", "")),
            ("case/Main.tofu", &aliyun.replace("orders", "web")),
        ],
    );
    let case = check_in(&dir, &["--select", "L001,S003", "case"]);
    assert_eq!(places(&case), ["L001 case/main.tf:8"], "{}", case.describe());
    // An override file in OpenTofu's syntax is merged as `_override.tf` is; a local module
    // read from disk follows the same precedence.
    write_files(
        &dir,
        &[
            ("root/main.tf", &aliyun),
            (
                "root/image_override.tofu",
                "resource \"alicloud_instance\" \"orders\" {\n  image_id = \"centos_7_9_x64_20G_alibase_20240628.vhd\"\n}\n",
            ),
            ("root/call.tf", "module \"m\" {\n  source = \"../module\"\n}\n"),
            ("module/main.tf", &centos_instance("", "").replace("orders", "module_tf")),
            ("module/main.tofu", &aliyun.replace("orders", "module_tofu")),
        ],
    );
    let root = check_in(&dir, &["--select", "L001,S003", "root"]);
    assert_eq!(places(&root), ["L001 root/image_override.tofu:2"], "{}", root.describe());
    // In a ROS template with OpenTofu (`Aliyun::OpenTofu`), the same: the note names the
    // template, so a run that names the template shows it.
    let indent = |hcl: &str| {
        hcl.lines().fold(String::new(), |mut out, line| {
            let _ = writeln!(out, "    {line}");
            out
        })
    };
    let stack = format!(
        "ROSTemplateFormatVersion: '2015-09-01'\nTransform: Aliyun::OpenTofu-v1.8\nWorkspace:\n  \
         main.tofu: |\n{}  main.tf: |\n{}",
        indent(&aliyun),
        indent(&centos_instance("", ""))
    );
    write_files(&dir, &[("ros/stack.yaml", &stack)]);
    let ros = check_in(&dir, &["--select", "L001,S003", "ros/stack.yaml"]);
    ros.assert_code(0)
        .assert_stderr("ros/stack.yaml: skipped: Workspace `main.tf`: `main.tofu` is read in its place");
}

#[test]
fn a_module_directory_is_read_whole_as_terraform_reads_it() {
    // GitHub's Terraform `.gitignore` lists `*.tfvars`, `*.tfvars.json` and `*_override.tf`;
    // Terraform reads them all the same, and hidden auto variables files. The walk left
    // them out, so the check read the defaults (an image never deployed, and no L001 on the
    // one that is). A link out of the walked directory stays skipped, as the walk skips it.
    let dir = scratch_dir("terraform-whole-module");
    let variables = "variable \"img\" { default = \"aliyun_3_x64_20G_alibase_20240819.vhd\" }\n\
                     variable \"t\" { default = \"ecs.g7.large\" }\nvariable \"z\" { default = \"a\" }\n";
    let main = "provider \"alicloud\" { region = \"cn-hangzhou\" }\nresource \"alicloud_instance\" \"a\" {\n  \
                instance_type = var.t\n  image_id      = var.img\n  tags          = { z = var.z }\n}\n";
    write_files(
        &dir,
        &[
            (".gitignore", "*.tfvars\n*.tfvars.json\n*_override.tf\n"),
            ("prod/variables.tf", variables),
            ("prod/main.tf", main),
            ("prod/terraform.tfvars", "img = \"centos_7_9_x64_20G_alibase_20240628.vhd\"\n"),
            ("prod/x.auto.tfvars.json", "{\"t\": \"ecs.g6.large\"}"),
            ("prod/.ci.auto.tfvars", "z = \"hidden\"\n"),
            // `.ignore` is a tool's opt-out, and stays one.
            (".ignore", "scratch.auto.tfvars\n"),
            ("prod/scratch.auto.tfvars", "z = \"scratch\"\n"),
            // Not loaded by Terraform unless named with `-var-file`.
            ("prod/other.tfvars", "img = \"ubuntu_24_04_x64_20G_alibase_20261001.vhd\"\n"),
            ("shared/common.auto.tfvars", "z = \"shared\"\n"),
            // Not a file Terraform reads: an editor's backup.
            ("prod/main.tf~", "resource \"alicloud_instance\" \"b\" {\n"),
        ],
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink("../shared/common.auto.tfvars", dir.join("prod/common.auto.tfvars"))
        .expect("link made");
    let run = check_in(&dir.join("prod"), &["--select", "L001", "."]);
    assert_eq!(codes(&run), ["L001"], "{}", run.describe());
    #[cfg(unix)]
    run.assert_stderr("common.auto.tfvars: skipped during the walk: a symbolic link to a file outside");
    let facts = {
        let mut command = ecslint();
        command.current_dir(dir.join("prod")).args(["facts", "."]);
        run_command(command, None)
    };
    assert!(facts.stdout.contains("\"instanceType\": \"ecs.g6.large\""), "{}", facts.describe());
    assert!(facts.stdout.contains("\"z\": \"hidden\""), "{}", facts.describe());
}

#[test]
fn a_packer_template_directory_is_read_whole_as_packer_reads_it() {
    // `packer build .` reads every `*.auto.pkrvars.hcl` of the directory, whatever Git
    // ignores, hidden ones too.
    let dir = scratch_dir("packer-whole-template");
    let template = "variable \"image\" {\n  default = \"aliyun_3_x64_20G_alibase_20240819.vhd\"\n}\n\
                    source \"alicloud-ecs\" \"x\" {\n  region        = \"cn-hangzhou\"\n  \
                    instance_type = \"ecs.g7.large\"\n  source_image  = var.image\n  image_name    = \"golden\"\n}\n\
                    build {\n  sources = [\"source.alicloud-ecs.x\"]\n}\n";
    write_files(
        &dir,
        &[
            (".gitignore", "*.pkrvars.hcl\n"),
            ("build.pkr.hcl", template),
            (".local.auto.pkrvars.hcl", "image = \"centos_7_9_x64_20G_alibase_20240628.vhd\"\n"),
        ],
    );
    let run = check_in(&dir, &["--select", "L001", "."]);
    assert_eq!(codes(&run), ["L001"], "{}", run.describe());
}

#[test]
fn a_set_passed_through_a_local_is_keyed_by_its_items() {
    // `{ for k, v in local.types : k => v }` over a set has the types as keys (Terraform
    // 1.11); before, a set was known as one only when `toset` was written in place, and
    // `instance_type = each.key` was the index: a false S007 for types `0` and `1`.
    let main = |collection: &str| {
        format!(
            "locals {{\n  types  = toset([\"ecs.g7.large\", \"ecs.c7.xlarge\"])\n  by_key = {{ for k, v in {collection} : k => v }}\n}}\n\n\
             resource \"alicloud_instance\" \"app\" {{\n  for_each      = local.by_key\n  instance_type = each.key\n  \
             image_id      = var.image_id\n}}\n\nvariable \"image_id\" {{\n  type = string\n}}\n"
        )
    };
    let quiet = scratch_dir("terraform-set-through-local");
    write_files(&quiet, &[("main.tf", &main("local.types"))]);
    let run = check_in(&quiet, &["--select", "S007"]);
    run.assert_code(0);
    assert_eq!(codes(&run), Vec::<String>::new(), "{}", run.describe());
    assert_eq!(run.json()["summary"]["resources"].as_u64(), Some(2), "{}", run.describe());
    // The loud twin: `tolist` makes a list, whose keys are its indices, and S007 says so.
    let loud = scratch_dir("terraform-list-through-local");
    write_files(&loud, &[("main.tf", &main("tolist(local.types)"))]);
    let run = check_in(&loud, &["--select", "S007"]);
    run.assert_code(0);
    assert_eq!(codes(&run), ["S007", "S007"], "{}", run.describe());
}

#[test]
fn a_variables_file_that_does_not_parse_gives_no_finding_on_the_default_it_would_replace() {
    // Terraform stops at a `terraform.tfvars` that does not parse: the default of
    // `var.type` (a retired family) is not what it would deploy, and the file may set it.
    // Before, the default was used: an R003 beside the file's S001.
    let main = "variable \"type\" {\n  default = \"ecs.t1.small\"\n}\n\nresource \"alicloud_instance\" \"app\" {\n  \
                instance_type = var.type\n  image_id      = \"aliyun_3_x64_20G_alibase_20241218.vhd\"\n}\n";
    let quiet = scratch_dir("terraform-broken-tfvars");
    write_files(&quiet, &[("main.tf", main), ("terraform.tfvars", "type = \"ecs.g7.large\"\nzones = [\n")]);
    let run = check_in(&quiet, &["--select", "R003,S001,S011", "--region", "cn-hangzhou"]);
    run.assert_code(1);
    assert_eq!(codes(&run), ["S001", "S011"], "{}", run.describe());
    // The loud twin: with the file mended and no value for the type, the default is used.
    let loud = scratch_dir("terraform-mended-tfvars");
    write_files(&loud, &[("main.tf", main), ("terraform.tfvars", "zones = []\n")]);
    let run = check_in(&loud, &["--select", "R003,S001,S011", "--region", "cn-hangzhou"]);
    run.assert_code(1);
    assert_eq!(codes(&run), ["R003"], "{}", run.describe());
    // Packer stops on it too, and S011 says the file does not parse (it said "could not be
    // read", as of a file that is not UTF-8).
    let (_, pkr) = &tf_and_packer("ecs.t1.small");
    let packer = scratch_dir("packer-broken-pkrvars");
    write_files(
        &packer,
        &[("build.pkr.hcl", pkr), ("x.auto.pkrvars.hcl", "type = \"ecs.g7.large\"\nzones = [\n")],
    );
    let run = check_in(&packer, &["--select", "R003,S001,S011", "--region", "cn-hangzhou"]);
    run.assert_code(1);
    assert_eq!(codes(&run), ["S001", "S011"], "{}", run.describe());
    let messages = run.json()["findings"].to_string();
    assert!(messages.contains("`x.auto.pkrvars.hcl` does not parse (Packer stops on it"), "{messages}");
}

/// Variables files beside the `main.tf` of
/// [`a_variables_file_terraform_rejects_is_an_error_and_gives_no_finding_on_the_default`]:
/// name, file, text, and what the run reports.
const REJECTED_TFVARS: &[(&str, &str, &str, &str)] = &[
    (
        "function-call",
        "terraform.tfvars",
        "type = \"ecs.t1.small\"\ndisk = max(40, 80)\n",
        "S001 terraform.tfvars:2",
    ),
    (
        "block",
        "terraform.tfvars",
        "type = \"ecs.t1.small\"\nextra {\n  a = 1\n}\n",
        "S001 terraform.tfvars:2",
    ),
    (
        "reference",
        "terraform.tfvars",
        "type = \"ecs.t1.small\"\ndisk = var.size\n",
        "S001 terraform.tfvars:2",
    ),
    // The loud twins: the same file without the call or the block (a `for` expression
    // calls nothing and is read), and a JSON file, whose strings Terraform takes as written.
    (
        "for",
        "terraform.tfvars",
        "type = \"ecs.t1.small\"\nzones = [for z in [\"a\"] : z]\n",
        "R003 main.tf:9",
    ),
    ("json", "terraform.tfvars.json", "{\"disk\": \"${max(40, 80)}\"}\n", "R003 main.tf:9"),
    // HCL drops the errors of what it does not evaluate: a branch not taken, a `for`
    // body over nothing, a `%{if}` that is false, and from Terraform 1.12 on, the side of
    // `&&` or `||` that does not decide (1.11 rejects this one: no S001 is the safe side).
    // A `for` condition's own names are known, and its collection may be unknown.
    (
        "untaken",
        "terraform.tfvars",
        "type = \"ecs.t1.small\"\ndisk = true ? 40 : max(40, 80)\n",
        "R003 main.tf:9",
    ),
    (
        "for-empty",
        "terraform.tfvars",
        "type = \"ecs.t1.small\"\nzones = [for z in [] : upper(z)]\n",
        "R003 main.tf:9",
    ),
    (
        "template-if",
        "terraform.tfvars",
        "type = \"ecs.t1.small\"\nname = \"%{ if false }${upper(\"a\")}%{ endif }\"\n",
        "R003 main.tf:9",
    ),
    (
        "untaken-reference",
        "terraform.tfvars",
        "type = \"ecs.t1.small\"\ndisk = true ? 40 : var.size\n",
        "R003 main.tf:9",
    ),
    (
        "and",
        "terraform.tfvars",
        "type = \"ecs.t1.small\"\non = false && upper(\"a\") == \"A\"\n",
        "R003 main.tf:9",
    ),
    (
        "nested-for-over-unknown",
        "terraform.tfvars",
        "type = \"ecs.t1.small\"\nzones = [for z in [] : z if [for y in z : y if local.on] == []]\n",
        "R003 main.tf:9",
    ),
    (
        "after-splat",
        "terraform.tfvars",
        "type = \"ecs.t1.small\"\nzones = [][*][local.i]\n",
        "R003 main.tf:9",
    ),
    (
        "for-own-name",
        "terraform.tfvars",
        "type = \"ecs.t1.small\"\nzones = [for i, z in [] : z if z != i]\n",
        "R003 main.tf:9",
    ),
    // What decides is always evaluated, and so is a `for` condition, even over nothing,
    // and a name in parentheses as a key.
    (
        "condition",
        "terraform.tfvars",
        "type = \"ecs.t1.small\"\ndisk = max(40, 80) > 50 ? 1 : 2\n",
        "S001 terraform.tfvars:2",
    ),
    (
        "for-condition",
        "terraform.tfvars",
        "type = \"ecs.t1.small\"\nzones = [for z in [] : z if z == local.zone]\n",
        "S001 terraform.tfvars:2",
    ),
    (
        "key",
        "terraform.tfvars",
        "type = \"ecs.t1.small\"\ntags = { (owner) = 1 }\n",
        "S001 terraform.tfvars:2",
    ),
];

#[test]
fn a_variables_file_terraform_rejects_is_an_error_and_gives_no_finding_on_the_default() {
    // It parses, but Terraform stops on a function call, a reference or a block in a
    // variables file ("Function calls not allowed", "Variables not allowed", "Blocks are not
    // allowed here"). Before, the call's variable was unknown and the rest read: no S001, and
    // an R003 on the default of a variable the file sets. The cases were checked against
    // `terraform plan` 1.11.
    let main = "variable \"type\" {\n  default = \"ecs.t1.small\"\n}\nvariable \"disk\" {\n  default = 40\n}\n\n\
                resource \"alicloud_instance\" \"app\" {\n  instance_type = var.type\n  system_disk_size = var.disk\n  \
                image_id      = \"aliyun_3_x64_20G_alibase_20241218.vhd\"\n}\n";
    for &(name, file, text, expected) in REJECTED_TFVARS {
        let dir = scratch_dir(&format!("tfvars-{name}"));
        write_files(&dir, &[("main.tf", main), (file, text)]);
        let run = check_in(&dir, &["--select", "R003,S001", "--region", "cn-hangzhou"]);
        let findings = run.json()["findings"].as_array().unwrap().clone();
        let places = findings
            .iter()
            .map(|f| {
                format!(
                    "{} {}:{}",
                    f["code"].as_str().unwrap(),
                    f["file"].as_str().unwrap(),
                    f["span"]["line"]
                )
            })
            .collect::<Vec<_>>();
        assert_eq!(places, [expected], "{name}: {}", run.describe());
        if name == "reference" {
            let message = findings[0]["message"].as_str().unwrap();
            assert!(message.starts_with("a reference (`var.size`) in a variables file"), "{message}");
        }
    }
}

#[test]
fn a_variables_file_also_passed_with_var_file_is_reported_once() {
    // `terraform.tfvars` and `x.auto.pkrvars.hcl` are loaded by the tools themselves, and
    // passed again with `--var-file` (as a CI script may): the same file, so each S001 once.
    // Before, the file read for the flag was another file of the same name: every S001 twice.
    let (tf, pkr) = &tf_and_packer("ecs.t1.small");
    let dir = scratch_dir("variables-file-passed-twice");
    write_files(
        &dir,
        &[
            ("tf/main.tf", tf),
            ("tf/terraform.tfvars", "type = upper(\"ecs.g7.large\")\n"),
            ("pkr/build.pkr.hcl", pkr),
            ("pkr/x.auto.pkrvars.hcl", "type = [\n"),
        ],
    );
    let args =
        ["--select", "S001", "--var-file", "tf/terraform.tfvars", "--var-file", "pkr/x.auto.pkrvars.hcl"];
    let run = check_in(&dir, &args);
    run.assert_code(1);
    let files =
        run.json()["findings"].as_array().unwrap().iter().map(|f| f["file"].to_string()).collect::<Vec<_>>();
    assert_eq!(files, ["\"pkr/x.auto.pkrvars.hcl\"", "\"tf/terraform.tfvars\""], "{}", run.describe());
    // However the path is written, from within the module.
    let run = check_in(&dir.join("tf"), &["--select", "S001", "--var-file", "../tf/terraform.tfvars", "."]);
    assert_eq!(codes(&run), ["S001"], "{}", run.describe());
    // With no template in the run, Terraform reads the Packer file the flag names, and the
    // Packer front end does not report it again.
    std::fs::remove_file(dir.join("pkr/build.pkr.hcl")).unwrap();
    let run = check_in(&dir, &["--select", "S001", "--var-file", "pkr/x.auto.pkrvars.hcl"]);
    assert_eq!(codes(&run), ["S001", "S001"], "{}", run.describe());
    // With no Terraform module either, the Packer front end reports it.
    let run = check_in(&dir.join("pkr"), &["--select", "S001", "--var-file", "x.auto.pkrvars.hcl", "."]);
    assert_eq!(codes(&run), ["S001"], "{}", run.describe());
    // A walked copy too large to read is not what the flag reads: its value is used. Before,
    // the walked copy's place was taken, with nothing read: the R003 was lost.
    let large = format!("type = \"ecs.t1.small\"\n{}", "# padding\n".repeat(100));
    write_files(&dir, &[("tf/terraform.tfvars", &large)]);
    let args = ["--select", "R003,S001", "--max-file-size", "500", "--var-file", "terraform.tfvars", "."];
    let run = check_in(&dir.join("tf"), &args);
    assert_eq!(codes(&run), ["R003", "S001"], "{}", run.describe());
    // A `--var-file` two roots read: each of its S001s once.
    let shared = scratch_dir("tfvars-rejected-shared");
    write_files(
        &shared,
        &[("a/main.tf", tf), ("b/main.tf", tf), ("shared.tfvars", "disk = max(1, 2)\nextra {}\n")],
    );
    let run = check_in(
        &shared,
        &["--select", "R003,S001", "--region", "cn-hangzhou", "--var-file", "shared.tfvars"],
    );
    assert_eq!((codes(&run), lines(&run)), (vec!["S001".to_string(); 2], vec![1, 2]), "{}", run.describe());
}

/// A Terraform module and a Packer template that each take `var.type` as the instance
/// type, with `default` as its default.
fn tf_and_packer(default: &str) -> (String, String) {
    let tf = format!(
        "variable \"type\" {{\n  default = \"{default}\"\n}}\n\nresource \"alicloud_instance\" \"app\" {{\n  \
         instance_type = var.type\n  image_id      = \"aliyun_3_x64_20G_alibase_20241218.vhd\"\n}}\n"
    );
    let pkr = format!(
        "variable \"type\" {{\n  default = \"{default}\"\n}}\n\nsource \"alicloud-ecs\" \"x\" {{\n  \
         region        = \"cn-hangzhou\"\n  instance_type = var.type\n  source_image  = \"aliyun_3_x64_20G_alibase_20241218.vhd\"\n  \
         image_name    = \"x\"\n}}\n"
    );
    (tf, pkr)
}

#[test]
fn a_variables_file_that_cannot_be_read_gives_no_finding_on_the_default_it_would_replace() {
    // Not UTF-8: the file is an S001 and is not read, but Terraform and Packer stop on it
    // just the same, so the default is not what either would use. Before, the default was
    // read: a false R003 beside the S001.
    let (tf, pkr) = &tf_and_packer("ecs.t1.small");
    let dir = scratch_dir("unreadable-variables-files");
    write_files(&dir, &[("tf/main.tf", tf), ("pkr/build.pkr.hcl", pkr)]);
    let not_utf8 = b"type = \"ecs.g7.large\xff\"\n";
    std::fs::write(dir.join("tf/terraform.tfvars"), not_utf8).unwrap();
    std::fs::write(dir.join("pkr/x.auto.pkrvars.hcl"), not_utf8).unwrap();
    let run = check_in(&dir, &["--select", "R003,S001,S011", "--region", "cn-hangzhou"]);
    run.assert_code(1);
    assert_eq!(codes(&run), ["S001", "S001", "S011", "S011"], "{}", run.describe());
    let messages = run.json()["findings"].to_string();
    assert!(messages.contains("`tf/terraform.tfvars` could not be read"), "{messages}");
    assert!(
        messages.contains("`pkr/x.auto.pkrvars.hcl` could not be read (see its S001), and may set"),
        "{messages}"
    );
    // The loud twin: a variables file Terraform does not load by itself (`prod.tfvars`),
    // unreadable too, leaves the default in place, and R003 reports it.
    let loud = scratch_dir("unreadable-variables-file-not-loaded");
    write_files(&loud, &[("tf/main.tf", tf)]);
    std::fs::write(loud.join("tf/prod.tfvars"), not_utf8).unwrap();
    let run = check_in(&loud, &["--select", "R003,S001,S011", "--region", "cn-hangzhou"]);
    run.assert_code(1);
    assert_eq!(codes(&run), ["R003", "S001"], "{}", run.describe());
}

#[test]
fn a_suppression_on_a_value_that_is_not_known_is_not_called_unused() {
    // `var.type` has no value: R003 was skipped on that line, not passed. The comment may be
    // meant for the finding the deployed value gives, so S008 does not call it unused.
    let main = |comment: &str, value: &str| {
        format!(
            "variable \"type\" {{}}\n\nresource \"alicloud_instance\" \"app\" {{\n  {comment}\n  instance_type = {value}\n  \
             image_id      = \"aliyun_3_x64_20G_alibase_20241218.vhd\"\n}}\n"
        )
    };
    let quiet = scratch_dir("suppression-on-unknown");
    write_files(&quiet, &[("main.tf", &main("# ecslint-ignore R003", "var.type"))]);
    let run = check_in(&quiet, &["--select", "R003,S008", "--region", "cn-hangzhou"]);
    run.assert_code(0);
    assert_eq!(codes(&run), Vec::<String>::new(), "{}", run.describe());
    // A code that names no rule is still reported there.
    let typo = scratch_dir("suppression-on-unknown-typo");
    write_files(&typo, &[("main.tf", &main("# ecslint-ignore R0003", "var.type"))]);
    let run = check_in(&typo, &["--select", "R003,S008", "--region", "cn-hangzhou"]);
    assert_eq!(codes(&run), ["S008"], "{}", run.describe());
    // The loud twins: a known value with no finding leaves the comment unused; so does a
    // file-wide comment (most files hold some unknown value), and a region left to
    // `--region` (every resource's, without it) exempts nothing.
    let loud = scratch_dir("suppression-on-known");
    write_files(&loud, &[("main.tf", &main("# ecslint-ignore R003", "\"ecs.g7.large\""))]);
    let run = check_in(&loud, &["--select", "R003,S008"]);
    assert_eq!(codes(&run), ["S008"], "{}", run.describe());
    let wide = scratch_dir("suppression-file-wide-on-unknown");
    write_files(&wide, &[("main.tf", &main("# ecslint-ignore-file R003", "var.type"))]);
    let run = check_in(&wide, &["--select", "R003,S008", "--region", "cn-hangzhou"]);
    assert_eq!(codes(&run), ["S008"], "{}", run.describe());
}

#[test]
fn a_suppression_in_a_resource_that_may_not_be_made_is_not_called_unused() {
    // `count` is not known: the resource may be none, so every rule was skipped on it,
    // and the comment above its retired type may be meant for the finding it gives when
    // made. Before, S008 called it unused: every field was unknown at `count`'s line only.
    let main = |count: &str| {
        format!(
            "variable \"on\" {{}}\n\nresource \"alicloud_instance\" \"app\" {{\n  count = {count}\n  \
             # ecslint-ignore R003 -- kept until the migration\n  instance_type = \"ecs.t1.small\"\n  \
             image_id      = \"aliyun_3_x64_20G_alibase_20241218.vhd\"\n}}\n"
        )
    };
    let quiet = scratch_dir("suppression-count-unknown");
    write_files(&quiet, &[("main.tf", &main("var.on ? 1 : 0"))]);
    let run = check_in(&quiet, &["--select", "R003,S008,S011", "--region", "cn-hangzhou"]);
    run.assert_code(0);
    // Every field's S011 still points at the resource's head, whose `count` is why.
    let at = lines(&run);
    assert!(!at.is_empty() && at.iter().all(|&l| l == 3), "{}", run.describe());
    assert!(codes(&run).iter().all(|c| c == "S011"), "{}", run.describe());
    // The loud twins: with the resource made, R003 fires and the comment suppresses it; with
    // a type that is fine, the comment is unused.
    let made = scratch_dir("suppression-count-known");
    write_files(&made, &[("main.tf", &main("1"))]);
    let run = check_in(&made, &["--select", "R003,S008", "--region", "cn-hangzhou"]);
    run.assert_code(0);
    let suppressed =
        run.json()["suppressed"].as_array().unwrap().iter().map(|f| f["code"].clone()).collect::<Vec<_>>();
    assert_eq!(suppressed, ["R003"], "{}", run.describe());
    let fine = scratch_dir("suppression-count-known-fine");
    write_files(&fine, &[("main.tf", &main("1").replace("ecs.t1.small", "ecs.g7.large"))]);
    let run = check_in(&fine, &["--select", "R003,S008", "--region", "cn-hangzhou"]);
    assert_eq!(codes(&run), ["S008"], "{}", run.describe());
    // The same for a ROS resource under a `Condition` on a parameter with no default.
    let ros = |condition: &str| {
        format!(
            "ROSTemplateFormatVersion: '2015-09-01'\nParameters:\n  On:\n    Type: String\nConditions:\n  \
             Make:\n    Fn::Equals: [{{Ref: On}}, 'yes']\nResources:\n  App:\n    Type: ALIYUN::ECS::Instance\n    \
             {condition}\n    Properties:\n      # ecslint-ignore R003\n      InstanceType: ecs.t1.small\n      \
             ImageId: aliyun_3_x64_20G_alibase_20241218.vhd\n"
        )
    };
    let quiet = scratch_dir("suppression-ros-condition");
    write_files(&quiet, &[("app.ros.yaml", &ros("Condition: Make"))]);
    let run = check_in(&quiet, &["--select", "R003,S008", "--region", "cn-hangzhou"]);
    assert_eq!(codes(&run), Vec::<String>::new(), "{}", run.describe());
    let loud = scratch_dir("suppression-ros-no-condition");
    write_files(&loud, &[("app.ros.yaml", &ros("Description: always made").replace("ecs.t1", "ecs.g7"))]);
    let run = check_in(&loud, &["--select", "R003,S008", "--region", "cn-hangzhou"]);
    assert_eq!(codes(&run), ["S008"], "{}", run.describe());
    // Not exempt: what every resource shares or the front end filled in itself. The
    // provider's `region` line (where an image's `regions` come from), and a ROS image's
    // logical ID (where its `type` is placed).
    let shared = scratch_dir("suppression-count-unknown-provider-region");
    let image = "variable \"on\" {}\n\nresource \"alicloud_image_import\" \"x\" {\n  count = var.on ? 1 : 0\n  \
                 platform = \"Aliyun 3\"\n  architecture = \"x86_64\"\n  image_name = \"x\"\n  \
                 disk_device_mapping {\n    oss_bucket = \"b\"\n    oss_object = \"o\"\n  }\n}\n";
    let provider = "provider \"alicloud\" {\n  # ecslint-ignore S005\n  region = \"cn-hangzhou\"\n}\n";
    write_files(&shared, &[("main.tf", image), ("provider.tf", provider)]);
    let run = check_in(&shared, &["--select", "S005,S008"]);
    let places =
        run.json()["findings"].as_array().unwrap().iter().map(|f| f["file"].clone()).collect::<Vec<_>>();
    assert_eq!(places, ["provider.tf"], "{}", run.describe());
    let head = scratch_dir("suppression-ros-image-head");
    let template = ros("Description: always made").replace(
        "\nResources:\n",
        "\nResources:\n  # ecslint-ignore R003\n  Img:\n    Type: ALIYUN::ECS::CustomImage\n    Condition: Make\n    \
         Properties:\n      ImageName: x\n      InstanceId: {Ref: App}\n",
    );
    write_files(&head, &[("app.ros.yaml", &template.replace("ecs.t1", "ecs.g7"))]);
    let run = check_in(&head, &["--select", "R003,S008", "--region", "cn-hangzhou"]);
    assert_eq!((codes(&run), lines(&run)), (vec!["S008".to_string(); 2], vec![9, 20]), "{}", run.describe());
}

#[test]
fn a_packer_variables_file_passed_with_var_file_is_packers_when_the_run_has_a_template() {
    let (tf, pkr) = &tf_and_packer("ecs.g7.large");
    // With a template in the run, the file is Packer's alone: R003 on the template only.
    let mixed = scratch_dir("pkrvars-var-file-mixed");
    write_files(
        &mixed,
        &[("tf/main.tf", tf), ("pkr/build.pkr.hcl", pkr), ("prod.pkrvars.hcl", "type = \"ecs.t1.small\"\n")],
    );
    let run =
        check_in(&mixed, &["--select", "R003", "--region", "cn-hangzhou", "--var-file", "prod.pkrvars.hcl"]);
    let places =
        run.json()["findings"].as_array().unwrap().iter().map(|f| f["file"].clone()).collect::<Vec<_>>();
    assert_eq!(places, ["pkr/build.pkr.hcl"], "{}", run.describe());
    // Without one, Terraform reads it, as it reads any `-var-file` whatever its name.
    let alone = scratch_dir("pkrvars-var-file-terraform-only");
    write_files(&alone, &[("tf/main.tf", tf), ("prod.pkrvars.hcl", "type = \"ecs.t1.small\"\n")]);
    let run =
        check_in(&alone, &["--select", "R003", "--region", "cn-hangzhou", "--var-file", "prod.pkrvars.hcl"]);
    let places =
        run.json()["findings"].as_array().unwrap().iter().map(|f| f["file"].clone()).collect::<Vec<_>>();
    assert_eq!(places, ["tf/main.tf"], "{}", run.describe());
}
