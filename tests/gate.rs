//! A gate that loses no enforcement silently: one schema violation does not hide the
//! checks of other fields, S001 is always reported, and config values that name nothing
//! (or that a float would silently drop) are errors or honoured.

mod common;

use common::{AS_OF, Run, ecslint, run_command, scratch_dir, write_files};
use std::path::Path;

/// Runs `ecslint check --format json` in `dir` with the fixed check date.
fn check_in(dir: &Path, args: &[&str]) -> Run {
    check_as(dir, "json", args)
}

fn check_as(dir: &Path, format: &str, args: &[&str]) -> Run {
    let mut command = ecslint();
    command
        .current_dir(dir)
        .args(["check", "--color", "never", "--as-of", AS_OF, "--format", format])
        .args(args);
    run_command(command, None)
}

/// `(code, line)` of every reported finding.
fn found(run: &Run) -> Vec<(String, u64)> {
    let json = run.json();
    let findings = json["findings"].as_array().cloned().unwrap_or_default();
    findings
        .iter()
        .map(|f| {
            (f["code"].as_str().unwrap_or_default().to_string(), f["span"]["line"].as_u64().unwrap_or(0))
        })
        .collect()
}

fn codes(run: &Run) -> Vec<String> {
    found(run).into_iter().map(|(code, _)| code).collect()
}

/// An arm64 image and an instance on an x86 type (A003 on line 12) that also has an unknown
/// zone (S006, line 11), a misspelt field (S002, line 14) and `count: 3.0` (S002, line 15).
const TWO_MISTAKES: &str = "kind: Image\nname: arm\ntype: custom\nos: {family: ubuntu, version: \"22.04\"}\n\
architecture: arm64\nregions: [cn-hangzhou]\n---\nkind: Instance\nname: web\nregion: cn-hangzhou\n\
zone: cn-hangzhou-zz\ninstanceType: ecs.g7.large\nimage: arm\nbillng: Subscription\ncount: 3.0\n";

#[test]
fn a_schema_violation_does_not_hide_the_checks_of_other_fields() {
    let dir = scratch_dir("gate-two-mistakes");
    write_files(&dir, &[("a.yaml", TWO_MISTAKES)]);
    let run = check_in(&dir, &["--no-config", "a.yaml"]);
    run.assert_code(1);
    let found = found(&run);
    for expected in [("S006", 11), ("A003", 12), ("S002", 14), ("S002", 15)] {
        assert!(
            found.contains(&(expected.0.to_string(), expected.1)),
            "{expected:?} missing\n{}",
            run.describe()
        );
    }
}

#[test]
fn rules_that_read_an_invalid_field_skip_it_and_spec_checks_skip_invalid_fields() {
    // `instanceType: 7` is a type error: neither S007 nor A003 (which reads the instance
    // type) may run on it, but S005 on the valid region still does.
    let text = "kind: Image\nname: arm\ntype: custom\nos: {family: ubuntu, version: \"24.04\"}\n\
architecture: arm64\nregions: [cn-hangzhou]\n---\nkind: Instance\nname: web\nregion: cn-hangzou\n\
instanceType: 7\nimage: arm\n";
    let dir = scratch_dir("gate-invalid-type");
    write_files(&dir, &[("a.yaml", text)]);
    let run = check_in(&dir, &["--no-config", "a.yaml"]);
    assert_eq!(codes(&run), ["S005", "S002"], "{}", run.describe());
}

#[test]
fn a_suppressed_schema_violation_leaves_the_other_rules_running() {
    let text = TWO_MISTAKES.replace("billng: Subscription\n", "billng: Subscription # ecslint-ignore S002\n");
    let dir = scratch_dir("gate-suppressed-s002");
    write_files(&dir, &[("a.yaml", &text)]);
    let run = check_in(&dir, &["--no-config", "a.yaml"]);
    let json = run.json();
    assert_eq!(json["suppressed"][0]["code"], "S002", "{}", run.describe());
    assert!(codes(&run).contains(&"A003".to_string()), "{}", run.describe());
}

#[test]
fn s001_is_never_hidden_by_select_ignore_config_or_a_comment() {
    let broken = "# ecslint-ignore-file S001 -- generated\nkind: Instance\nname: [unclosed\n";
    let dir = scratch_dir("gate-s001");
    write_files(&dir, &[("broken.yaml", broken), ("ecslint.yaml", "rules: {S001: off}\n")]);
    for args in [&["--select", "A001"][..], &["--ignore", "S001"], &["--ignore", "S"], &[]] {
        let mut args = args.to_vec();
        args.push("broken.yaml");
        let run = check_in(&dir, &args);
        run.assert_code(1);
        assert_eq!(codes(&run), ["S001"], "{args:?}\n{}", run.describe());
        let help = run.json()["findings"][0]["help"].as_str().unwrap_or_default().to_string();
        assert!(help.contains("cannot be suppressed"), "{help}");
    }
}

#[test]
fn unknown_rule_selectors_on_the_command_line_are_errors_with_a_did_you_mean() {
    let dir = scratch_dir("gate-cli-names");
    write_files(&dir, &[("a.yaml", &common::instance_yaml("a"))]);
    for (flag, unknown, suggestion) in
        [("--select", "A0001", "A001"), ("--ignore", "os-end-of-lfe", "os-end-of-life")]
    {
        let run = check_in(&dir, &["--no-config", flag, unknown, "a.yaml"]);
        run.assert_code(2);
        assert!(run.stderr.contains(&format!("did you mean `{suggestion}`?")), "{}", run.describe());
    }
}

#[test]
fn unknown_quota_ids_and_rule_names_in_the_config_are_errors_with_a_did_you_mean() {
    for (config, unknown, suggestion) in [
        ("quotas: {q_user-image-cnt: 3}\n", "q_user-image-cnt", "q_user-image-count"),
        ("ignore: [{path: \"*.yaml\", codes: [L03]}]\n", "L03", "L003"),
        ("ignore: [{path: \"*.yaml\", codes: [os-end-of-lfe]}]\n", "os-end-of-lfe", "os-end-of-life"),
        ("rules: {F01: off}\n", "F01", "F001"),
    ] {
        let dir = scratch_dir("gate-config-names");
        write_files(&dir, &[("ecslint.yaml", config), ("a.yaml", &common::instance_yaml("a"))]);
        let run = check_in(&dir, &["a.yaml"]);
        run.assert_code(2);
        assert!(run.stderr.contains(&format!("`{unknown}` matches no")), "{config}\n{}", run.describe());
        assert!(
            run.stderr.contains(&format!("did you mean `{suggestion}`?")),
            "{config}\n{}",
            run.describe()
        );
        assert!(run.stderr.contains("ecslint.yaml:1:"), "{config}\n{}", run.describe());
    }
}

/// A custom image shared with one account, in one region.
const SHARED: &str = "kind: Image\nname: golden\ntype: custom\nos: {family: ubuntu, version: \"24.04\"}\n\
architecture: x86_64\nregions: [cn-hangzhou]\nsharedWith: [\"1234567890123456\"]\n";

#[test]
fn integral_float_quotas_are_honoured_and_huge_quotas_do_not_break_rules() {
    let dir = scratch_dir("gate-quota-values");
    write_files(&dir, &[("a.yaml", SHARED)]);
    let zero = "quotas: {q_user-image-count: 0.0, q_user-per-image-shared-user-count: 0.0}\n";
    write_files(&dir, &[("ecslint.yaml", zero)]);
    let run = check_in(&dir, &["a.yaml"]);
    assert_eq!(codes(&run), ["Q002", "Q001"], "{}", run.describe());
    for huge in ["9223372036854775807", "18446744073709551615", "1e30"] {
        let config =
            format!("quotas: {{q_user-image-count: {huge}, q_user-per-image-shared-user-count: {huge}}}\n");
        write_files(&dir, &[("ecslint.yaml", &config)]);
        let run = check_in(&dir, &["a.yaml"]);
        run.assert_code(0);
        assert_eq!(codes(&run), Vec::<String>::new(), "{huge}\n{}", run.describe());
    }
}

#[test]
fn an_integral_float_eol_warning_days_is_honoured() {
    // Ubuntu 22.04 standard support ends 2027-06; 400 days before the check date reaches it.
    let image = "kind: Image\nname: u\ntype: custom\nos: {family: ubuntu, version: \"22.04\"}\n\
architecture: x86_64\nregions: [cn-hangzhou]\n";
    let dir = scratch_dir("gate-eol-days");
    write_files(&dir, &[("a.yaml", image), ("ecslint.yaml", "eolWarningDays: 400.0\n")]);
    let with_float = codes(&check_in(&dir, &["a.yaml"]));
    write_files(&dir, &[("ecslint.yaml", "eolWarningDays: 400\n")]);
    let with_int = codes(&check_in(&dir, &["a.yaml"]));
    assert_eq!(with_float, with_int);
    assert!(with_int.contains(&"L002".to_string()), "{with_int:?}");
}

#[test]
fn an_integral_float_count_is_a_schema_violation_not_one_instance() {
    let dir = scratch_dir("gate-count-float");
    let spec = "kind: Instance\nname: db\nregion: cn-hongkong\ninstanceType: ecs.g7.large\n\
image: r\ncount: 40.0\n---\nkind: Image\nname: r\ntype: public\nos: {family: rhel, version: \"9\"}\n\
architecture: x86_64\n";
    write_files(&dir, &[("a.yaml", spec)]);
    let run = check_in(&dir, &["--no-config", "a.yaml"]);
    let json = run.json();
    let findings = json["findings"].as_array().cloned().unwrap_or_default();
    let s002 = findings.iter().find(|f| f["code"] == "S002").unwrap_or_else(|| panic!("{}", run.describe()));
    assert_eq!(s002["span"]["line"], 6);
    assert!(s002["help"].as_str().unwrap_or_default().contains("`count: 40`"), "{}", run.describe());
    // No fee priced for one instance when forty were meant.
    assert!(!findings.iter().any(|f| f["code"] == "F001"), "{}", run.describe());
    write_files(&dir, &[("a.yaml", &spec.replace("count: 40.0", "count: 40"))]);
    let run = check_in(&dir, &["--no-config", "a.yaml"]);
    let json = run.json();
    let f001 = json["findings"].as_array().and_then(|f| f.iter().find(|f| f["code"] == "F001").cloned());
    assert_eq!(f001.unwrap_or_default()["data"]["count"], 40, "{}", run.describe());
}

#[test]
fn findings_the_config_ignores_are_listed_as_suppressed() {
    let dir = scratch_dir("gate-config-ignore");
    write_files(
        &dir,
        &[("a.yaml", TWO_MISTAKES), ("ecslint.yaml", "ignore: [{path: \"a.yaml\", codes: [A003]}]\n")],
    );
    let run = check_in(&dir, &["a.yaml"]);
    let json = run.json();
    assert!(!codes(&run).contains(&"A003".to_string()), "{}", run.describe());
    let suppressed = json["suppressed"].as_array().cloned().unwrap_or_default();
    assert_eq!(suppressed.len(), 1, "{}", run.describe());
    assert_eq!(suppressed[0]["code"], "A003");
    assert_eq!(suppressed[0]["suppression"]["scope"], "config");
    assert_eq!(suppressed[0]["suppression"]["reason"], "the config ignores A003 in `a.yaml`");
    let sarif = check_as(&dir, "sarif", &["a.yaml"]);
    let sarif: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap_or_default();
    let results = sarif["runs"][0]["results"].as_array().cloned().unwrap_or_default();
    let a003 = results.iter().find(|r| r["ruleId"] == "A003").unwrap_or_else(|| panic!("{sarif:#}"));
    assert_eq!(a003["suppressions"][0]["kind"], "external");
}

/// A valid instance named `name`.
fn instance(name: &str) -> String {
    format!(
        "kind: Instance\nname: {name}\nregion: cn-hangzhou\ninstanceType: ecs.g7.large\n\
         image: aliyun_3_x64_20G_alibase_20240819.vhd\n"
    )
}

/// A valid custom image named `name` with cloud image ID `id`.
fn image(name: &str, id: &str) -> String {
    format!(
        "kind: Image\nname: {name}\nid: {id}\ntype: custom\nos: {{family: ubuntu, version: \"22.04\"}}\n\
         architecture: x86_64\nregions: [cn-hangzhou]\n"
    )
}

#[test]
fn instance_names_are_unique_per_directory_and_image_names_and_ids_per_run() {
    let dir = scratch_dir("gate-names");
    write_files(
        &dir,
        &[
            ("prod/api.yaml", &instance("api")),
            ("staging/api.yaml", &instance("api")),
            ("staging/api-copy.yaml", &instance("api")),
            ("prod/images.yaml", &image("golden", "m-bp1aaaaaaaaaaaaaaaaa")),
            ("staging/images.yaml", &image("golden", "m-bp1bbbbbbbbbbbbbbbbb")),
            ("staging/more.yaml", &image("silver", "m-bp1aaaaaaaaaaaaaaaaa")),
        ],
    );
    let run = check_in(&dir, &["--no-config", "."]);
    let json = run.json();
    let findings = json["findings"].as_array().cloned().unwrap_or_default();
    let s003: Vec<(String, String)> = findings
        .iter()
        .filter(|f| f["code"] == "S003")
        .map(|f| {
            (f["file"].as_str().unwrap_or_default().into(), f["message"].as_str().unwrap_or_default().into())
        })
        .collect();
    // Sorted by file: the second definition of each.
    assert_eq!(
        s003,
        [
            ("staging/api.yaml".to_string(), "Instance name `api` is already used".to_string()),
            ("staging/images.yaml".to_string(), "Image name `golden` is already used".to_string()),
            (
                "staging/more.yaml".to_string(),
                "image ID `m-bp1aaaaaaaaaaaaaaaaa` is already used".to_string()
            ),
        ],
        "{}",
        run.describe()
    );
}

#[test]
fn objects_of_other_tools_are_skipped_silently() {
    let k8s = "apiVersion: ec2.services.k8s.aws/v1alpha1\nkind: Instance\nmetadata: {name: web}\n\
spec: {instanceType: t3.micro, imageID: ami-0123}\n---\napiVersion: kpack.io/v1alpha2\nkind: Image\n\
metadata: {name: app}\nspec: {tag: registry/app}\n";
    let dir = scratch_dir("gate-api-version");
    write_files(&dir, &[("k8s.yaml", k8s)]);
    let run = check_in(&dir, &["--no-config", "k8s.yaml"]);
    run.assert_code(0);
    assert_eq!(codes(&run), Vec::<String>::new(), "{}", run.describe());
    assert_eq!(run.json()["summary"]["resources"], 0);
}

#[test]
fn unparsable_files_of_other_tools_do_not_block_but_a_broken_spec_does() {
    let helm = "{{- if .Values.enabled }}\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  \
name: {{ include \"app.fullname\" . }}\n  labels:\n    {{- include \"app.labels\" . | nindent 4 }}\n{{- end }}\n";
    let tsconfig = "{\n  // TypeScript allows comments\n  \"compilerOptions\": {\"strict\": true,}\n}\n";
    let broken =
        "kind: Instance\nname: api\nregion: cn-hangzhou\ninstanceType: ecs.g7.large\nimage: [unclosed\n";
    let broken_json = "{\"kind\": \"Image\", \"name\": \"x\", \"type\": \"custom\",}\n";
    let dir = scratch_dir("gate-other-files");
    write_files(
        &dir,
        &[
            ("chart/templates/deploy.yaml", helm),
            ("tsconfig.json", tsconfig),
            ("specs/broken.yaml", broken),
            ("specs/broken.json", broken_json),
        ],
    );
    // Walked and named alike.
    for args in [
        &["."][..],
        &["tsconfig.json", "chart/templates/deploy.yaml", "specs/broken.yaml", "specs/broken.json"],
    ] {
        let mut all = vec!["--no-config"];
        all.extend_from_slice(args);
        let run = check_in(&dir, &all);
        run.assert_code(1);
        let json = run.json();
        let files: Vec<&str> = json["findings"]
            .as_array()
            .map_or_else(Vec::new, |f| f.iter().filter_map(|f| f["file"].as_str()).collect());
        assert_eq!(files, ["specs/broken.json", "specs/broken.yaml"], "{}", run.describe());
        assert_eq!(codes(&run), ["S001", "S001"]);
        for skipped in ["tsconfig.json", "chart/templates/deploy.yaml"] {
            assert!(
                run.stderr.contains(&format!("warning: {skipped}: skipped")),
                "{skipped}\n{}",
                run.describe()
            );
        }
    }
    // The other tools' files alone pass the gate.
    let run = check_in(&dir, &["--no-config", "tsconfig.json", "chart/templates/deploy.yaml"]);
    run.assert_code(0);
    // So do another tool's `.hcl` files the hook passes, each with a note. `terragrunt.hcl`
    // parses as one YAML scalar, so it was checked in silence.
    let terragrunt = "terraform {\n  source = \"../modules/app\"\n}\n";
    let lock = "provider \"registry.terraform.io/aliyun/alicloud\" {\n  version = \"1.2.3\"\n}\n";
    write_files(&dir, &[("terragrunt.hcl", terragrunt), (".terraform.lock.hcl", lock)]);
    let run = check_in(&dir, &["--no-config", "terragrunt.hcl", ".terraform.lock.hcl"]);
    run.assert_code(0);
    assert_eq!(codes(&run), Vec::<String>::new(), "{}", run.describe());
    for skipped in ["terragrunt.hcl", ".terraform.lock.hcl"] {
        let note = format!("warning: {skipped}: skipped: an `.hcl` file of another tool");
        assert!(run.stderr.contains(&note), "{skipped}\n{}", run.describe());
    }
}

#[test]
fn an_image_with_a_stray_unknown_field_is_still_checked_but_not_one_with_a_misspelt_field() {
    // `description` is no near miss of an Image field: the image's facts are whole, so its
    // own rules (L001) and the instance's image checks (A003) run. `bootmode` is a misspelt
    // `bootMode`: facts made without it could be wrong, so that image's rules skip it.
    let text = "kind: Image\nname: arm\ntype: custom\nos: {family: centos, version: \"7\"}\n\
architecture: arm64\nregions: [cn-hangzhou]\ndescription: the arm build # ecslint-ignore S002 -- kept\n---\n\
kind: Image\nname: uefi\ntype: custom\nos: {family: centos, version: \"7\"}\narchitecture: x86_64\n\
regions: [cn-hangzhou]\nbootmode: UEFI\n---\nkind: Instance\nname: web\nregion: cn-hangzhou\n\
instanceType: ecs.g7.large\nimage: arm\n";
    let dir = scratch_dir("gate-image-unknown-field");
    write_files(&dir, &[("a.yaml", text)]);
    let run = check_in(&dir, &["--no-config", "--select", "L001,A003,S002", "a.yaml"]);
    let found = found(&run);
    assert_eq!(
        found,
        [("L001".to_string(), 4), ("S002".to_string(), 15), ("A003".to_string(), 20)],
        "{}",
        run.describe()
    );
    assert_eq!(run.json()["suppressed"][0]["code"], "S002");
}

#[test]
fn a_misspelt_field_switches_off_the_rules_reading_the_field_it_was_meant_to_be() {
    // `billng: Subscription` must not be priced as pay-as-you-go by F001.
    let text = "kind: Image\nname: r\ntype: public\nos: {family: rhel, version: \"9\"}\narchitecture: x86_64\n---\n\
kind: Instance\nname: db\nregion: cn-hongkong\ninstanceType: ecs.g7.large\nimage: r\nbillng: Subscription\n";
    let dir = scratch_dir("gate-misspelt-field");
    write_files(&dir, &[("a.yaml", text)]);
    let run = check_in(&dir, &["--no-config", "a.yaml"]);
    assert!(codes(&run).contains(&"S002".to_string()), "{}", run.describe());
    assert!(!codes(&run).contains(&"F001".to_string()), "{}", run.describe());
    let fixed = text.replace("billng", "billing");
    write_files(&dir, &[("a.yaml", &fixed)]);
    let run = check_in(&dir, &["--no-config", "a.yaml"]);
    assert!(codes(&run).contains(&"F001".to_string()), "{}", run.describe());
}

/// An instance that uses an Image spec with a schema violation refers to that spec: the
/// image's facts are unknown, so it gets S002 on the image and nothing on the instance
/// (not S004 "matches no Image spec", nor S009 "did you mean" the very same name).
#[test]
fn an_instance_using_an_invalid_image_spec_is_not_unresolved() {
    let dir = scratch_dir("gate-invalid-image-used");
    let specs = "kind: Image\nname: app-golden\ntype: custom\nos: ubuntu\narchitecture: x86_64\n\
regions: [cn-hangzhou]\n---\nkind: Instance\nname: web\nregion: cn-hangzhou\n\
instanceType: ecs.g7.large\nimage: app-golden\n";
    write_files(&dir, &[("a.yaml", specs)]);
    let run = check_in(&dir, &["--no-config", "a.yaml"]);
    run.assert_code(1);
    assert_eq!(found(&run), [("S002".to_string(), 4)], "{}", run.describe());
}

/// A misspelt field of an image (`bootmode:`) leaves its facts unmade, which switches off
/// its rules (L001 here): suppressing that S002 would hide them all, so it stays
/// reported, saying why.
#[test]
fn an_s002_that_switches_off_an_image_cannot_be_suppressed_silently() {
    let dir = scratch_dir("gate-image-s002-suppressed");
    let image = "kind: Image\nname: legacy\ntype: custom\nos: {family: centos, version: \"7\"}\n\
architecture: x86_64\nregions: [cn-hangzhou]\nbootmode: UEFI  # ecslint-ignore S002 -- legacy\n";
    write_files(&dir, &[("a.yaml", image)]);
    let run = check_in(&dir, &["--no-config", "a.yaml"]);
    run.assert_code(1);
    let json = run.json();
    let findings = json["findings"].as_array().cloned().unwrap_or_default();
    let s002 = findings.iter().find(|f| f["code"] == "S002").unwrap_or_else(|| panic!("{}", run.describe()));
    assert!(s002["help"].as_str().unwrap_or_default().contains("cannot be suppressed"), "{s002}");
}

/// The hook's `files` pattern (pre-commit's `re.search`; the same syntax in the `regex`
/// crate for this pattern) passes every file a directory walk reads, OpenTofu's `.tofu`
/// ones too (pre-commit's file types have no type for them), and any `.hcl` (another
/// tool's is skipped with a note), but no file of another kind. `.ci/run` runs the hook
/// itself with pre-commit.
#[test]
fn the_pre_commit_hook_passes_the_files_ecslint_reads_and_no_other() {
    let manifest = std::fs::read_to_string(common::root().join(".pre-commit-hooks.yaml")).expect("manifest");
    let pattern = manifest
        .lines()
        .find_map(|line| line.trim().strip_prefix("files: '")?.strip_suffix('\''))
        .expect("a single-quoted `files:` pattern");
    let files = regex::Regex::new(pattern).expect("the pattern compiles");
    for name in [
        "web.yaml",
        "infra/web.YML",
        "legacy/WEB.JSON",
        "template.json",
        "main.tf",
        "main.tf.json",
        "main.tofu",
        "modules/m/main.tofu.json",
        "prod.tfvars",
        "prod.tfvars.json",
        "image.pkr.hcl",
        "vars.pkrvars.hcl",
        "job.hcl",
    ] {
        assert!(files.is_match(name), "{name} is not passed");
    }
    // Terraform's extensions in lower case only, as Terraform and OpenTofu read them.
    for name in [
        "README.md",
        ".clang-format",
        ".babelrc",
        "main.tf.bak",
        "notes.txt",
        "tofu",
        "main.tfstate",
        "main.TF",
    ] {
        assert!(!files.is_match(name), "{name} is passed");
    }
}

#[test]
fn a_merge_conflict_left_in_a_spec_is_reported_at_its_marker() {
    // The parser stopped on line 5 with "simple key expect ':'"; the marker on line 4 is
    // what to fix.
    let spec = "kind: Instance\nname: web\nregion: cn-hangzhou\n<<<<<<< HEAD\ninstanceType: ecs.g7.large\n=======\ninstanceType: ecs.g8y.large\n>>>>>>> feature\nimage: aliyun_3_x64_20G_alibase_20240819.vhd\n";
    let dir = scratch_dir("gate-conflict");
    write_files(&dir, &[("web.yaml", spec), ("ok.yaml", &spec.replace("<<<<<<< HEAD", "# <<<<<<< HEAD"))]);
    let run = check_in(&dir, &["--no-config", "web.yaml"]);
    run.assert_code(1);
    let json = run.json();
    let finding = &json["findings"][0];
    assert_eq!(finding["code"], "S001", "{}", run.describe());
    assert_eq!(finding["span"]["line"], 4, "{}", run.describe());
    assert!(finding["message"].as_str().unwrap_or_default().contains("merge conflict"), "{finding}");
    // A marker after the place the parser stopped is not what stopped it.
    let run = check_in(&dir, &["--no-config", "ok.yaml"]);
    let json = run.json();
    let message = json["findings"][0]["message"].as_str().unwrap_or_default().to_string();
    assert!(!message.contains("merge conflict"), "{}", run.describe());
}
