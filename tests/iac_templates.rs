//! ROS and Packer templates end to end: the human rendering of a value that came through a
//! parameter or variable (a label on its definition), and random templates that never
//! panic and never point outside their files.

mod common;

use common::{check_args, run};
use ecslint::catalog::Catalog;
use ecslint::iac::Options;
use ecslint::source::{Limits, SourceFile, parse};
use proptest::prelude::*;
use std::fmt::Write as _;
use std::sync::{Arc, OnceLock};

#[test]
fn ros_ref_to_a_parameter_default_is_labelled_there() {
    let args = check_args([
        "--region",
        "cn-hangzhou",
        "--select",
        "L001",
        "fixtures/rules/L001/fail-ros-ref-default.ros.yaml",
    ]);
    let out = run(&args);
    out.assert_code(1);
    insta::assert_snapshot!("ros_ref_default", out.stdout);
}

/// The findings of a run as `CODE file`, sorted.
fn codes_and_files(stdout: &str) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_str(stdout).expect("JSON output");
    let mut out: Vec<String> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| format!("{} {}", f["code"].as_str().unwrap_or(""), f["file"].as_str().unwrap_or("")))
        .collect();
    out.sort();
    out
}

#[test]
fn compute_nest_artifact_key_image_is_not_known() {
    // Hidden directories are not walked: the templates' directories are named.
    let args = check_args([
        "--format",
        "json",
        "fixtures/computenest/service/.computenest/ros_templates",
        "fixtures/computenest/broken/.computenest/ros_templates",
    ]);
    let out = run(&args);
    out.assert_code(1);
    let service = "fixtures/computenest/service/.computenest/ros_templates";
    let broken = "fixtures/computenest/broken/.computenest/ros_templates";
    // `ImageId: centos_7`, a key of the service's `ArtifactRelation`, is replaced at deploy:
    // nothing is reported on artifact.yaml. Another image ID still is, and a config that
    // does not parse names no artifact.
    assert_eq!(
        codes_and_files(&out.stdout),
        [
            format!("L001 {broken}/template.yaml"),
            format!("L001 {service}/public.yaml"),
            format!("L003 {broken}/template.yaml"),
            format!("L003 {service}/public.yaml"),
        ]
    );
    // The service is found from the template's real path: named from inside `.computenest`,
    // the artifact's template is as quiet.
    let mut inside = common::ecslint();
    inside.current_dir(common::root().join(service));
    inside.args(check_args(["--format", "json", "artifact.yaml", "public.yaml"]));
    let out = common::run_command(inside, None);
    out.assert_code(1);
    assert_eq!(codes_and_files(&out.stdout), ["L001 public.yaml", "L003 public.yaml"]);
    // A template linked into the service from elsewhere is the service's too.
    #[cfg(unix)]
    {
        let dir = common::scratch_dir("compute_nest_link");
        let templates = dir.join("svc/.computenest/ros_templates");
        std::fs::create_dir_all(&templates).expect("scratch directory");
        std::fs::copy(
            common::root().join("fixtures/computenest/service/.computenest/config.yaml"),
            dir.join("svc/.computenest/config.yaml"),
        )
        .expect("config copied");
        std::fs::copy(common::root().join(service).join("artifact.yaml"), dir.join("shared.yaml"))
            .expect("template copied");
        std::os::unix::fs::symlink(dir.join("shared.yaml"), templates.join("linked.yaml"))
            .expect("link made");
        let linked = templates.join("linked.yaml");
        let out = run(&check_args(["--format", "json", linked.to_str().expect("UTF-8")]));
        out.assert_code(0);
    }
}

#[test]
fn packer_variable_default_is_labelled_there() {
    let args = check_args(["--select", "L001", "fixtures/rules/L001/fail-packer-centos-7"]);
    let out = run(&args);
    out.assert_code(1);
    insta::assert_snapshot!("packer_variable_default", out.stdout);
}

#[test]
fn packer_legacy_json_user_variables_are_set_by_var_and_var_file() {
    // The template defaults `base` to CentOS 7; `packer build -var` or `-var-file` replaces
    // it, and so do `--var` and `--var-file`: no L001 on the default.
    let template = "fixtures/rules/L001/fail-packer-json-centos-7.json";
    let good = "base=ubuntu_24_04_x64_20G_alibase_20261001.vhd";
    let out = run(&check_args(["--select", "L001", "--var", good, template]));
    out.assert_code(0);
    let dir = common::scratch_dir("packer_legacy_var_file");
    let vars = dir.join("vars.json");
    std::fs::write(&vars, "{\"base\": \"ubuntu_24_04_x64_20G_alibase_20261001.vhd\"}\n")
        .expect("vars written");
    let vars = vars.to_str().expect("UTF-8");
    let out = run(&check_args(["--select", "L001", "--var-file", vars, template]));
    out.assert_code(0);
    // A later `--var` wins, and a bad value given so is found.
    let bad = "base=centos_7_9_x64_20G_alibase_20240628.vhd";
    let out =
        run(&check_args(["--select", "L001", "--var-file", vars, "--var", good, "--var", bad, template]));
    out.assert_code(1);
    assert!(out.stdout.contains("fail-packer-json-centos-7.json:7:21"), "{}", out.stdout);
}

#[test]
fn terraform_inside_ros_points_into_the_block_scalar() {
    let args = check_args([
        "--region",
        "cn-hangzhou",
        "--select",
        "L001",
        "fixtures/rules/L001/fail-ros-terraform-workspace.ros.yaml",
    ]);
    let out = run(&args);
    out.assert_code(1);
    assert!(out.stdout.contains("fail-ros-terraform-workspace.ros.yaml:14:23"), "{}", out.stdout);
    insta::assert_snapshot!("ros_terraform_workspace", out.stdout);
}

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::builtin().expect("built-in catalog"))
}

/// Every span of every resource and unknown lies inside the file it names.
fn assert_inside(resources: &[ecslint::spec::Resource], findings: &[ecslint::diag::Finding]) {
    fn walk(node: &ecslint::source::Node, len: usize) {
        assert!(
            node.span.start() <= node.span.end() && node.span.end() <= len,
            "{:?} outside {len}",
            node.span
        );
        match &node.value {
            ecslint::source::Value::Seq(items) => items.iter().for_each(|n| walk(n, len)),
            ecslint::source::Value::Map(entries) => entries.iter().for_each(|e| {
                assert!(e.key.span.end() <= len);
                walk(&e.value, len);
            }),
            _ => {}
        }
    }
    for resource in resources {
        let extra = resource.iac.as_deref().expect("an IaC resource");
        // Fields whose value came from another file point into that file (checked by site).
        if extra.sites.is_empty() {
            walk(&resource.node, resource.file.text.len());
        }
        for unknown in &extra.unknown {
            assert!(unknown.location.span.end() <= unknown.location.file.text.len());
        }
        for site in &extra.sites {
            for label in &site.labels {
                assert!(label.location.span.end() <= label.location.file.text.len());
            }
        }
    }
    for finding in findings {
        assert!(finding.location.span.end() <= finding.location.file.text.len());
    }
}

const ROS_VALUES: [&str; 16] = [
    "ecs.g7.large",
    "{Ref: P}",
    "{Ref: Q}",
    "{Ref: R1}",
    "{Ref: 'ALIYUN::Region'}",
    "{'Fn::GetAtt': [R1, ImageId]}",
    "{'Fn::Join': ['-', [a, {Ref: P}]]}",
    "{'Fn::Sub': 'x-${P}-${!Literal}-${Missing'}",
    "{'Fn::Select': [5, [a]]}",
    "{'Fn::If': [C, {Ref: P}, 3]}",
    "{'Fn::FindInMap': [M, a, b]}",
    "{'Fn::Jq': [First, '.x', {}]}",
    "[1, 2, {Ref: P}]",
    "centos_7",
    "{'Fn::Equals': [{Ref: P}, {Condition: C}]}",
    "PrePaid",
];

const ROS_TYPES: [&str; 8] = [
    "ALIYUN::ECS::Instance",
    "ALIYUN::ECS::InstanceGroup",
    "ALIYUN::ECS::PrepayInstance",
    "ALIYUN::ECS::LaunchTemplate",
    "ALIYUN::ECS::CustomImage",
    "ALIYUN::ECS::CopyImage",
    "ALIYUN::ECS::ImageSharePermission",
    "ALIYUN::ESS::ScalingConfiguration",
];

const PROPERTIES: [&str; 10] = [
    "InstanceType",
    "ImageId",
    "InstanceId",
    "Count",
    "MaxAmount",
    "InstanceChargeType",
    "DestinationRegionId",
    "AddAccounts",
    "SystemDiskSize",
    "IsPublic",
];

fn ros_template() -> impl Strategy<Value = String> {
    let resource =
        (0..ROS_TYPES.len(), prop::collection::vec((0..PROPERTIES.len(), 0..ROS_VALUES.len()), 0..6));
    (prop::collection::vec(resource, 1..5), 0..ROS_VALUES.len(), any::<bool>()).prop_map(|(resources, c, mutate)| {
        let mut text = format!(
            "ROSTemplateFormatVersion: '2015-09-01'\nParameters:\n  P: {{Type: String, Default: ecs.g7.large}}\n  Q: {{Type: String}}\nConditions:\n  C: {}\n  D: {{'Fn::Not': [{{Condition: D}}]}}\nMappings:\n  M: {{a: {{b: {{Ref: P}}}}}}\nResources:\n",
            ROS_VALUES[c]
        );
        for (i, (kind, properties)) in resources.iter().enumerate() {
            let _ = write!(text, "  R{i}:\n    Type: {}\n    Condition: D\n    Properties:\n", ROS_TYPES[*kind]);
            for (p, v) in properties {
                let _ = writeln!(text, "      {}: {}", PROPERTIES[*p], ROS_VALUES[*v]);
            }
        }
        if mutate {
            text = text.replace("    Condition: D\n", "").replace("Properties:\n      ", "Properties:\n      : x\n      ");
        }
        text
    })
}

const HCL_VALUES: [&str; 10] = [
    "\"ecs.g7.large\"",
    "var.a",
    "var.b",
    "local.l",
    "local.loop",
    "\"x-${var.a}-${local.l}\"",
    "[\"cn-shanghai\", var.a]",
    "upper(var.a)",
    "data.x.y.id",
    "true",
];

const HCL_KEYS: [&str; 9] = [
    "region",
    "instance_type",
    "source_image",
    "image_family",
    "image_name",
    "image_copy_regions",
    "image_share_account",
    "image_encrypted",
    "boot_mode",
];

fn packer_template() -> impl Strategy<Value = (String, usize)> {
    (prop::collection::vec((0..HCL_KEYS.len(), 0..HCL_VALUES.len()), 0..10), any::<usize>()).prop_map(|(attrs, cut)| {
        let mut text = String::from(
            "variable \"a\" { default = \"cn-hangzhou\" }\nvariable \"b\" {}\nlocals {\n  l = var.a\n  loop = local.loop\n}\nsource \"alicloud-ecs\" \"s\" {\n",
        );
        for (k, v) in attrs {
            let _ = writeln!(text, "  {} = {}", HCL_KEYS[k], HCL_VALUES[v]);
        }
        text.push_str("}\nbuild {\n  sources = [\"source.alicloud-ecs.s\"]\n  post-processor \"alicloud-import\" {\n    image_platform = var.a\n  }\n}\n");
        (text, cut)
    })
}

const WORKSPACE_LINES: [&str; 10] = [
    "resource \"alicloud_instance\" \"a\" {\n  instance_type = \"ecs.g7.large\"\n  image_id = \"centos_7\"\n}",
    "resource \"alicloud_instance\" \"b\" {\n  image_id = var.image_id\n}",
    "variable \"image_id\" {\n  default = \"ubuntu_22_04_x64_20G_alibase_20240322.vhd\"\n}",
    "resource \"alicloud_image\" \"c\" {\n  instance_id = alicloud_instance.a.id\n}",
    "locals {\n  t = <<EOT\n  heredoc ${var.image_id}\n  EOT\n}",
    "",
    "# a comment",
    "resource \"alicloud_instance\" \"d\" {",
    "  image_id = \"\u{e9}\u{4e2d}\"",
    "module \"m\" {\n  source = \"./modules/x\"\n}",
];

const BLOCK_HEADERS: [&str; 7] = ["|", "|-", "|+", "|2", ">", "|- # hcl", "\"quoted\\n\""];

/// A Terraform template for ROS: HCL in a scalar of one of several styles, at an indentation.
fn workspace_template() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(0..WORKSPACE_LINES.len(), 0..8),
        0..BLOCK_HEADERS.len(),
        2..6usize,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(lines, header, indent, crlf, parameter)| {
            let mut text =
                String::from("ROSTemplateFormatVersion: '2015-09-01'\nTransform: Aliyun::Terraform-v1.5\n");
            if parameter {
                text.push_str("Parameters:\n  image_id:\n    Type: String\n    Default: centos_7\n");
            }
            text.push_str("Workspace:\n");
            let pad = " ".repeat(indent);
            let header = BLOCK_HEADERS[header];
            if header.starts_with('"') {
                let _ = writeln!(text, "  main.tf: {header}");
            } else {
                let _ = writeln!(text, "  main.tf: {header}");
                for line in lines.iter().flat_map(|i| WORKSPACE_LINES[*i].split('\n')) {
                    let _ = writeln!(text, "{pad}{line}");
                }
            }
            if crlf { text.replace('\n', "\r\n") } else { text }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn terraform_inside_ros_points_only_into_the_template(text in workspace_template()) {
        let file = Arc::new(SourceFile::new("t.yaml", text.clone()));
        if let Ok(documents) = parse(&file, Limits::default()) {
            for document in documents {
                let loaded = ecslint::ros::extract(&file, document, &Options::default(), catalog());
                assert_inside(&loaded.resources, &loaded.findings);
                for resource in &loaded.resources {
                    // No location leaks a workspace file: everything is in the template.
                    assert!(Arc::ptr_eq(&resource.file, &file));
                    let extra = resource.iac.as_deref().unwrap();
                    assert!(extra.sites.iter().all(|s| Arc::ptr_eq(&s.file, &file)));
                    assert!(extra.unknown.iter().all(|u| Arc::ptr_eq(&u.location.file, &file)));
                    // A literal image ID in a literal block points at exactly that literal.
                    if let Some(node) = resource.node.get("image") {
                        let under = &text[node.span.start()..node.span.end()];
                        if text.contains("main.tf: |") && !text.contains("main.tf: |2") {
                            if let Some(id) = node.as_str().filter(|id| *id == "centos_7") {
                                if resource.name.as_deref() == Some("alicloud_instance.a") {
                                    prop_assert_eq!(under, format!("\"{id}\""));
                                }
                            }
                        }
                    }
                }
                for finding in &loaded.findings {
                    assert!(Arc::ptr_eq(&finding.location.file, &file));
                }
            }
        }
    }

    #[test]
    fn random_ros_templates_never_panic(text in ros_template(), region in any::<bool>()) {
        let file = Arc::new(SourceFile::new("t.yaml", text));
        let options = Options { region: region.then(|| "cn-hangzhou".to_string()), ..Options::default() };
        if let Ok(documents) = parse(&file, Limits::default()) {
            for document in documents {
                let loaded = ecslint::ros::extract(&file, document, &options, catalog());
                assert_inside(&loaded.resources, &loaded.findings);
            }
        }
    }

    #[test]
    fn random_packer_templates_never_panic((text, cut) in packer_template()) {
        // Whole, and cut anywhere (a template half written is S001, never a panic).
        let mut cut_at = cut % (text.len() + 1);
        while !text.is_char_boundary(cut_at) {
            cut_at -= 1;
        }
        for text in [text.clone(), text[..cut_at].to_string()] {
            let file = Arc::new(SourceFile::new("d/t.pkr.hcl", text));
            let loaded = ecslint::packer::load(&[file], &Options::default(), Limits::default(), catalog());
            assert_inside(&loaded.resources, &loaded.findings);
        }
    }
}
