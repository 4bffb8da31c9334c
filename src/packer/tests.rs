use super::*;
use crate::source::{Node, PathSegment, Value};

fn catalog() -> Catalog {
    Catalog::builtin().expect("built-in catalog")
}

fn field<'a>(resource: &'a Resource, name: &str) -> Option<&'a str> {
    resource.node.get_str(name)
}

fn unknown(resource: &Resource) -> Vec<&str> {
    let mut fields: Vec<&str> = resource
        .iac
        .as_deref()
        .map(|e| e.unknown.iter().map(|u| u.field.as_str()).collect())
        .unwrap_or_default();
    fields.sort_unstable();
    fields
}

fn strings(resource: &Resource, name: &str) -> Vec<String> {
    resource
        .node
        .get(name)
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(Node::as_str)
        .map(str::to_string)
        .collect()
}

const HCL: &str = r#"variable "region" { default = "cn-hangzhou" }
variable "secret" { type = string }
locals { name = "app-${var.region}" }
source "alicloud-ecs" "app" {
  region              = var.region
  instance_type       = "ecs.g7.large"
  source_image        = "centos_7_9_x64_20G_alibase_20240628.vhd"
  image_name          = local.name
  image_copy_regions  = ["cn-shanghai"]
  image_share_account = ["1234567890123456"]
  image_encrypted     = true
  access_key          = var.secret
  boot_mode           = upper("bios")
}
build {
  sources = ["source.alicloud-ecs.app"]
  post-processor "alicloud-import" {
    region             = "cn-beijing"
    image_name         = "imported"
    image_platform     = "Windows Server 2019"
    image_architecture = "x86_64"
  }
}
"#;

#[test]
fn hcl_source_maps_to_build_instance_image_and_import() {
    let file = Arc::new(SourceFile::new("img/app.pkr.hcl", HCL));
    let vars = Arc::new(SourceFile::new("img/prod.auto.pkrvars.hcl", "region = \"cn-beijing\"\n"));
    let loaded = load(&[Arc::clone(&file), vars], &Options::default(), Limits::default(), &catalog());
    assert!(loaded.findings.is_empty(), "{:?}", loaded.findings);
    let [build, image, import] = loaded.resources.as_slice() else { panic!("{:?}", loaded.resources) };
    assert_eq!(build.kind, Kind::Instance);
    // The .auto.pkrvars.hcl beside the template wins over the default, and is labelled.
    assert_eq!(field(build, "region"), Some("cn-beijing"));
    assert_eq!(field(build, "instanceType"), Some("ecs.g7.large"));
    // The build instance boots the base through the image it builds (its facts).
    assert_eq!(field(build, "image"), Some("app-cn-beijing"));
    let image_key = &image.iac.as_deref().unwrap().origin.key;
    assert_eq!(build.iac.as_deref().unwrap().reference("image"), Some(image_key.as_str()));
    let location = build.location(&[PathSegment::Key("image".into())]);
    assert_eq!(
        &file.text[location.span.start()..location.span.end()],
        "\"centos_7_9_x64_20G_alibase_20240628.vhd\""
    );
    let site = build.iac.as_deref().unwrap().site(&[PathSegment::Key("region".into())]).expect("site");
    assert_eq!(site.labels[0].location.file.name, "img/prod.auto.pkrvars.hcl");
    let location = build.location(&[PathSegment::Key("region".into())]);
    assert_eq!(&file.text[location.span.start()..location.span.end()], "var.region");

    assert_eq!(image.name.as_deref(), Some("app-cn-beijing"));
    assert_eq!(field(image, "type"), Some("custom"));
    assert_eq!(field(image, "derivedFrom"), Some("centos_7_9_x64_20G_alibase_20240628.vhd"));
    assert_eq!(strings(image, "regions"), ["cn-beijing", "cn-shanghai"]);
    assert_eq!(strings(image, "sharedWith"), ["1234567890123456"]);
    assert_eq!(image.node.get("encrypted").map(|n| n.value.clone()), Some(Value::Bool(true)));
    assert!(unknown(image).is_empty(), "{:?}", unknown(image));
    assert_eq!(image.iac.as_deref().unwrap().origin.attributes["access_key"], Json::Null);

    assert_eq!(import.name.as_deref(), Some("imported"));
    assert_eq!(import.node.get("imported").map(|n| n.value.clone()), Some(Value::Bool(true)));
    assert_eq!(strings(import, "regions"), ["cn-beijing"]);
    let os = import.node.get("os").unwrap();
    assert_eq!(os.get_str("family"), Some("windows-server"));
    assert_eq!(os.get_str("version"), Some("2019"));
}

#[test]
fn unknown_values_stay_unknown() {
    let text = "variable \"image\" {}\nsource \"alicloud-ecs\" \"x\" {\n  instance_type = data.alicloud_types.t.id\n  source_image = var.image\n  image_name = \"x-${timestamp()}\"\n}\nsource \"amazon-ebs\" \"y\" {}\n";
    let file = Arc::new(SourceFile::new("x.pkr.hcl", text));
    let loaded = load(&[file], &Options::default(), Limits::default(), &catalog());
    let [build, image] = loaded.resources.as_slice() else { panic!("{:?}", loaded.resources) };
    assert_eq!(unknown(build), ["instanceType", "region"]);
    assert_eq!(field(build, "image"), Some("alicloud-ecs.x"));
    assert_eq!(image.name.as_deref(), Some("alicloud-ecs.x"));
    assert_eq!(unknown(image), ["architecture", "derivedFrom", "os", "regions"]);
}

#[test]
fn an_object_that_writes_a_key_twice_is_read_as_packer_reads_it() {
    // HCL keeps the last value (`iac::keys`); `hcl-edit` rejected the file, a false S001.
    let text = "locals {\n  tags = { team = \"a\", team = \"b\", (local.k) = 1, (local.k) = 2 }\n  k = \"x\"\n}\nsource \"alicloud-ecs\" \"x\" {\n  region = \"cn-hangzhou\"\n  instance_type = \"ecs.g7.large\"\n  source_image = \"centos_7_9_x64_20G_alibase_20240628.vhd\"\n  image_name = \"app\"\n  tags = {\n    team = \"a\"\n    \"team\" = \"b\"\n  }\n}\nbuild {\n  sources = [\"source.alicloud-ecs.x\"]\n}\n";
    let file = Arc::new(SourceFile::new("x.pkr.hcl", text));
    let loaded = load(&[file], &Options::default(), Limits::default(), &catalog());
    assert!(loaded.findings.is_empty(), "{:?}", loaded.findings);
    let [build, _image] = loaded.resources.as_slice() else { panic!("{:?}", loaded.resources) };
    assert_eq!(field(build, "instanceType"), Some("ecs.g7.large"));
    assert_eq!(field(build, "region"), Some("cn-hangzhou"));
}

#[test]
fn syntax_error_is_s001_with_a_position() {
    let file = Arc::new(SourceFile::new("bad.pkr.hcl", "source \"alicloud-ecs\" \"x\" {\n  region = \n}\n"));
    let loaded = load(&[file], &Options::default(), Limits::default(), &catalog());
    assert!(loaded.resources.is_empty());
    assert_eq!(loaded.findings.len(), 1);
    assert_eq!(loaded.findings[0].code, "S001");
    assert!(loaded.findings[0].location.start().line >= 2);
}

#[test]
fn legacy_json_user_variables_and_string_booleans() {
    let text = r#"{"variables": {"r": "cn-hangzhou", "t": ""},
 "builders": [{"type": "alicloud-ecs", "region": "{{user `r`}}", "instance_type": "{{user `t`}}",
   "source_image": "ubuntu_22_04_x64_20G_alibase_20240322.vhd", "image_name": "web", "image_encrypted": "true",
   "image_share_account": ["1234567890123456"]}]}"#;
    let file = Arc::new(SourceFile::new("p.json", text));
    let root = crate::source::parse_json(&file.text, Limits::default()).unwrap();
    let document = crate::source::Document { root };
    assert!(is_json_template(&document));
    let loaded = extract_json(&file, document, &Options::default(), &catalog());
    let [build, image] = loaded.resources.as_slice() else { panic!() };
    assert_eq!(field(build, "region"), Some("cn-hangzhou"));
    assert_eq!(unknown(build), ["instanceType"]);
    assert_eq!(image.name.as_deref(), Some("web"));
    assert_eq!(image.node.get("encrypted").map(|n| n.value.clone()), Some(Value::Bool(true)));
    let site = build.iac.as_deref().unwrap().site(&[PathSegment::Key("region".into())]).expect("site");
    assert_eq!(
        &file.text[site.labels[0].location.span.start()..site.labels[0].location.span.end()],
        "\"cn-hangzhou\""
    );
}

const SKELETON: &str = r#"variable "region" {
  type    = string
  default = ""
}
variable "source_image" { default = "" }
variable "instance_type" { default = "" }
variable "share" { default = ["", "1234567890123456"] }
source "alicloud-ecs" "b" {
  region              = var.region
  source_image        = var.source_image
  instance_type       = var.instance_type
  image_name          = "img-${var.region}"
  image_copy_regions  = [""]
  image_share_account = var.share
}
"#;

#[test]
fn empty_strings_are_unset_in_hcl_as_in_json() {
    let file = Arc::new(SourceFile::new("b.pkr.hcl", SKELETON));
    let loaded = load(&[Arc::clone(&file)], &Options::default(), Limits::default(), &catalog());
    let [build, image] = loaded.resources.as_slice() else { panic!("{:?}", loaded.resources) };
    // Unknown, never the value `""` (S005, S007, S004 on nothing).
    assert_eq!(unknown(build), ["instanceType", "region"]);
    assert_eq!(field(build, "region"), None);
    assert_eq!(unknown(image), ["architecture", "derivedFrom", "os", "regions"]);
    // An empty account is no account (Q004 on nothing); the real one stays.
    assert_eq!(strings(image, "sharedWith"), ["1234567890123456"]);
    // A text with an empty part is still a text.
    assert_eq!(image.name.as_deref(), Some("img-"));
    // Unset is written where the attribute is, not at the source's head.
    let why = build.iac.as_deref().unwrap().unknown.iter().find(|u| u.field == "instanceType").unwrap();
    assert_eq!(&file.text[why.location.span.start()..why.location.span.end()], "var.instance_type");
    // An empty region is the environment's, which `--region` stands for.
    let options = Options { region: Some("cn-hangzhou".into()), ..Options::default() };
    let loaded = load(&[file], &options, Limits::default(), &catalog());
    let [build, image] = loaded.resources.as_slice() else { panic!("{:?}", loaded.resources) };
    assert_eq!(field(build, "region"), Some("cn-hangzhou"));
    assert_eq!(strings(image, "regions"), ["cn-hangzhou"]);

    // The legacy JSON template reads the same: an empty user variable is unset too.
    let text = r#"{"variables": {"region": "", "type": ""},
 "builders": [{"type": "alicloud-ecs", "region": "{{user `region`}}", "instance_type": "{{user `type`}}",
   "source_image": "", "image_share_account": [""]}]}"#;
    let file = Arc::new(SourceFile::new("legacy.json", text));
    let root = crate::source::parse_json(&file.text, Limits::default()).unwrap();
    let loaded = extract_json(&file, crate::source::Document { root }, &options, &catalog());
    let [build, image] = loaded.resources.as_slice() else { panic!() };
    assert_eq!(field(build, "region"), Some("cn-hangzhou"));
    assert_eq!(unknown(build), ["instanceType"]);
    assert_eq!(unknown(image), ["architecture", "derivedFrom", "os"]);
    assert!(strings(image, "sharedWith").is_empty());
}

#[test]
fn only_auto_variables_files_are_loaded() {
    let template = "variable \"type\" { default = \"ecs.g7.large\" }\nvariable \"image\" { default = \"aliyun_3_x64_20G_alibase_20241218.vhd\" }\nsource \"alicloud-ecs\" \"x\" {\n  region        = \"cn-hangzhou\"\n  instance_type = var.type\n  source_image  = var.image\n}\n";
    let files = [
        Arc::new(SourceFile::new("p/build.pkr.hcl", template)),
        // Only with -var-file: never loaded by itself.
        Arc::new(SourceFile::new("p/arm.pkrvars.hcl", "type = \"ecs.g8y.large\"\nimage = \"arm\"\n")),
        Arc::new(SourceFile::new("p/other.pkrvars.json", "{\"type\": \"ecs.c7.large\"}")),
        // Loaded: `.hcl` ones, then `.json` ones, each by name; a later one wins.
        Arc::new(SourceFile::new("p/b.auto.pkrvars.hcl", "type = \"ecs.g7.xlarge\"\n")),
        Arc::new(SourceFile::new("p/a.auto.pkrvars.json", "{\"type\": \"ecs.g7.2xlarge\"}")),
        Arc::new(SourceFile::new(
            "p/a.auto.pkrvars.hcl",
            "type = \"ecs.g7.4xlarge\"\nimage = \"centos_7_9_x64_20G_alibase_20240628.vhd\"\n",
        )),
    ];
    let loaded = load(&files, &Options::default(), Limits::default(), &catalog());
    assert!(loaded.findings.is_empty(), "{:?}", loaded.findings);
    let [build, image] = loaded.resources.as_slice() else { panic!("{:?}", loaded.resources) };
    assert_eq!(field(build, "instanceType"), Some("ecs.g7.2xlarge"));
    assert_eq!(field(image, "derivedFrom"), Some("centos_7_9_x64_20G_alibase_20240628.vhd"));
    let site = build.iac.as_deref().unwrap().site(&[PathSegment::Key("instanceType".into())]).expect("site");
    assert_eq!(site.labels[0].location.file.name, "p/a.auto.pkrvars.json");
    assert_eq!(site.labels[0].message, "`type` in p/a.auto.pkrvars.json");
    // A variables file passed with `--var-file` is read, whatever its name.
    let options = Options { var_files: vec![Arc::clone(&files[1])], ..Options::default() };
    let loaded = load(&files, &options, Limits::default(), &catalog());
    let [build, _] = loaded.resources.as_slice() else { panic!("{:?}", loaded.resources) };
    assert_eq!(field(build, "instanceType"), Some("ecs.g8y.large"));
    // A JSON variables file that does not parse is an S001 on it.
    let broken = [Arc::clone(&files[0]), Arc::new(SourceFile::new("p/x.auto.pkrvars.json", "{\"type\": "))];
    let loaded = load(&broken, &Options::default(), Limits::default(), &catalog());
    assert_eq!(loaded.findings.len(), 1);
    assert_eq!(
        (loaded.findings[0].code.as_str(), loaded.findings[0].location.file.name.as_str()),
        ("S001", "p/x.auto.pkrvars.json")
    );
    // So is one that holds no object (Packer rejects it), at the value.
    let list = [Arc::clone(&files[0]), Arc::new(SourceFile::new("p/x.auto.pkrvars.json", " [\"x\"]\n"))];
    let loaded = load(&list, &Options::default(), Limits::default(), &catalog());
    let [finding] = loaded.findings.as_slice() else { panic!("{:?}", loaded.findings) };
    assert_eq!(finding.code, "S001");
    assert_eq!(finding.location.span.range(), 1..6);
}

#[test]
fn a_variables_file_that_does_not_parse_leaves_every_variable_unknown_until_a_later_one() {
    let template = "variable \"type\" { default = \"ecs.t1.small\" }\nvariable \"image\" { default = \"aliyun_3_x64_20G_alibase_20241218.vhd\" }\nsource \"alicloud-ecs\" \"x\" {\n  region        = \"cn-hangzhou\"\n  instance_type = var.type\n  source_image  = var.image\n}\n";
    let broken = "type = \"ecs.g7.large\"\nimage = [\n";
    let with = |more: &[(&str, &str)], options: &Options| {
        let mut files = vec![Arc::new(SourceFile::new("p/build.pkr.hcl", template))];
        files.extend(more.iter().map(|(name, text)| Arc::new(SourceFile::new(*name, *text))));
        load(&files, options, Limits::default(), &catalog())
    };
    // Packer stops at the broken file: the defaults are not what a build would use.
    let loaded = with(&[("p/x.auto.pkrvars.hcl", broken)], &Options::default());
    assert_eq!(loaded.findings.iter().map(|f| f.code.as_str()).collect::<Vec<_>>(), ["S001"]);
    let [build, image] = loaded.resources.as_slice() else { panic!("{:?}", loaded.resources) };
    assert_eq!(unknown(build), ["instanceType"]);
    assert_eq!(unknown(image), ["architecture", "derivedFrom", "os"]);
    // A later file (`.json` ones load after `.hcl` ones) and a `--var` still set theirs.
    let options = Options {
        vars: vec![("image".into(), "centos_7_9_x64_20G_alibase_20240628.vhd".into())],
        ..Options::default()
    };
    let loaded = with(
        &[("p/x.auto.pkrvars.hcl", broken), ("p/y.auto.pkrvars.json", "{\"type\": \"ecs.c7.large\"}")],
        &options,
    );
    let [build, image] = loaded.resources.as_slice() else { panic!("{:?}", loaded.resources) };
    assert_eq!(field(build, "instanceType"), Some("ecs.c7.large"));
    assert_eq!(field(image, "derivedFrom"), Some("centos_7_9_x64_20G_alibase_20240628.vhd"));
    // A broken `--var-file` too.
    let var_file = Arc::new(SourceFile::new("prod.pkrvars.hcl", broken));
    let loaded = with(&[], &Options { var_files: vec![var_file], ..Options::default() });
    assert_eq!(loaded.findings.len(), 1, "{:?}", loaded.findings);
    assert_eq!(unknown(&loaded.resources[0]), ["instanceType"]);
    // The loud twin: mended, the file's values are used.
    let loaded = with(&[("p/x.auto.pkrvars.hcl", "type = \"ecs.g7.large\"\n")], &Options::default());
    assert!(loaded.findings.is_empty(), "{:?}", loaded.findings);
    assert_eq!(field(&loaded.resources[0], "instanceType"), Some("ecs.g7.large"));
}

#[test]
fn a_var_for_a_list_variable_is_parsed_and_one_for_a_string_is_text() {
    // Packer parses a `-var` value as an expression unless the variable is a string, a
    // number or of any type (`expressionFromVariableDefinition`): the list was read as one
    // region named `["cn-beijing","cn-shenzhen"]`, a false S005.
    let text = r#"variable "copy" { default = ["cn-shanghai"] }
variable "typed" { type = list(string) }
variable "name" { type = string }
variable "untyped" {}
variable "computed" { default = concat(["a"], ["b"]) }
source "alicloud-ecs" "x" {
  region              = "cn-hangzhou"
  instance_type       = "ecs.g7.large"
  source_image        = "aliyun_3_x64_20G_alibase_20241218.vhd"
  image_name          = var.name
  image_copy_regions  = var.copy
  image_share_account = var.typed
  image_family        = var.untyped
}
build {
  sources = ["source.alicloud-ecs.x"]
}
"#;
    let file = Arc::new(SourceFile::new("x.pkr.hcl", text));
    let vars = [
        ("copy", r#"["cn-beijing", "cn-shenzhen"]"#),
        ("typed", r#"["1234567890123456"]"#),
        ("name", r#"["app"]"#),
        ("untyped", "[1]"),
    ];
    let options = Options {
        vars: vars.iter().map(|(n, v)| ((*n).into(), (*v).into())).collect(),
        ..Options::default()
    };
    let loaded = load(&[Arc::clone(&file)], &options, Limits::default(), &catalog());
    assert!(loaded.findings.is_empty(), "{:?}", loaded.findings);
    let image = &loaded.resources[1];
    assert_eq!(strings(image, "regions"), ["cn-hangzhou", "cn-beijing", "cn-shenzhen"]);
    assert_eq!(strings(image, "sharedWith"), ["1234567890123456"]);
    assert_eq!(field(image, "name"), Some(r#"["app"]"#));
    // A value Packer would not read (a name, or not HCL) leaves the variable unknown, and
    // so does one for a variable whose default's type is not worked out.
    // `type = any` takes a non-empty default's type, as Packer's `decodeVariableBlock` does.
    let any = Arc::new(SourceFile::new(
        "x.pkr.hcl",
        text.replace(
            "variable \"copy\" { default = [\"cn-shanghai\"] }",
            "variable \"copy\" {\n  type = any\n  default = [\"cn-shanghai\"]\n}",
        ),
    ));
    let loaded = load(&[any], &options, Limits::default(), &catalog());
    assert_eq!(strings(&loaded.resources[1], "regions"), ["cn-hangzhou", "cn-beijing", "cn-shenzhen"]);
    let computed = Arc::new(SourceFile::new("x.pkr.hcl", text.replace("= var.copy", "= var.computed")));
    for (name, value) in [("copy", "[var.other]"), ("copy", "[\"a\""), ("computed", "[\"cn-beijing\"]")] {
        let options = Options { vars: vec![(name.into(), value.into())], ..Options::default() };
        let file = if name == "computed" { &computed } else { &file };
        let loaded = load(&[Arc::clone(file)], &options, Limits::default(), &catalog());
        let image = &loaded.resources[1];
        assert!(unknown(image).contains(&"regions"), "{name}={value}: {:?}", unknown(image));
    }
}

#[test]
fn a_variables_file_value_with_a_name_or_a_call_is_unknown() {
    // Packer evaluates a variables file's values with no names and no functions, and
    // rejects the file otherwise. `var.fallback` was evaluated in the template's scope: its
    // default, a retired family, was the type, a value no build uses.
    let template = "variable \"type\" { default = \"ecs.g7.large\" }\nvariable \"fallback\" { default = \"ecs.t1.small\" }\n\
                    source \"alicloud-ecs\" \"x\" {\n  region        = \"cn-hangzhou\"\n  instance_type = var.type\n  \
                    source_image  = \"aliyun_3_x64_20G_alibase_20241218.vhd\"\n}\n";
    let with = |vars: &str| {
        let files = [
            Arc::new(SourceFile::new("p/build.pkr.hcl", template)),
            Arc::new(SourceFile::new("p/x.auto.pkrvars.hcl", vars)),
        ];
        load(&files, &Options::default(), Limits::default(), &catalog())
    };
    for vars in
        ["type = var.fallback\n", "type = lower(\"ECS.T1.SMALL\")\n", "type = [for t in [\"a\"] : t][0]\n"]
    {
        let loaded = with(vars);
        assert!(loaded.findings.is_empty(), "{vars}: {:?}", loaded.findings);
        assert_eq!(unknown(&loaded.resources[0]), ["instanceType"], "{vars}");
    }
    // The loud twins: literals, templates and keys of literals are read.
    for (vars, expected) in [
        ("type = \"ecs.t1.small\"\n", "ecs.t1.small"),
        ("type = \"${\"ecs.t1\"}.small\"\n", "ecs.t1.small"),
        ("type = \"ecs.g7.xlarge\"\nsizes = { small = 1 }\n", "ecs.g7.xlarge"),
    ] {
        let loaded = with(vars);
        assert_eq!(field(&loaded.resources[0], "instanceType"), Some(expected), "{vars}");
    }
}

#[test]
fn a_block_in_a_variables_file_is_an_s001_and_leaves_every_variable_unknown() {
    // Packer stops on it ("Variable declaration in a .pkrvar file"). Before, the block was
    // passed over and the file's `type` read: an R003 on a value no build uses.
    let template = "variable \"type\" { default = \"ecs.g7.large\" }\n\
                    source \"alicloud-ecs\" \"x\" {\n  region        = \"cn-hangzhou\"\n  instance_type = var.type\n  \
                    source_image  = \"aliyun_3_x64_20G_alibase_20241218.vhd\"\n}\n";
    let vars = "type = \"ecs.t1.small\"\nvariable \"size\" {\n  default = 40\n}\n";
    let files = [
        Arc::new(SourceFile::new("p/build.pkr.hcl", template)),
        Arc::new(SourceFile::new("p/x.auto.pkrvars.hcl", vars)),
    ];
    let loaded = load(&files, &Options::default(), Limits::default(), &catalog());
    let [finding] = loaded.findings.as_slice() else { panic!("{:?}", loaded.findings) };
    assert_eq!((finding.code.as_str(), finding.location.start().line), ("S001", 2));
    assert!(finding.message.starts_with("a block (`variable`) in a variables file"), "{}", finding.message);
    assert_eq!(unknown(&loaded.resources[0]), ["instanceType"]);
}

#[test]
fn a_finding_the_image_repeats_at_the_same_place_is_kept_once() {
    let text = "source \"alicloud-ecs\" \"b\" {\n  region             = \"cn-hangzou\"\n  instance_type      = \"ecs.g7.large\"\n  source_image       = \"aliyun_3_x64_20G_alibase_20241218.vhd\"\n  image_copy_regions = [\"cn-hangzou\"]\n}\n";
    let file = Arc::new(SourceFile::new("b.pkr.hcl", text));
    let loaded = load(&[file], &Options::default(), Limits::default(), &catalog());
    let [build, image] = loaded.resources.as_slice() else { panic!("{:?}", loaded.resources) };
    let on = |resource: &Resource, subject: u32, path: Vec<PathSegment>| {
        let mut finding = crate::spec::codes::UNKNOWN_REGION.on_field(
            resource,
            path,
            "region `cn-hangzou` is not in the catalog",
            "unknown region",
        );
        finding.subject = std::num::NonZeroU32::new(subject);
        finding
    };
    let key = |name: &str| PathSegment::Key(name.into());
    let mut findings = vec![
        on(build, 1, vec![key("region")]),
        on(image, 2, vec![key("regions"), PathSegment::Index(0)]),
        on(image, 2, vec![key("regions"), PathSegment::Index(1)]),
    ];
    once_per_problem(&mut findings, &loaded.resources);
    // The image's home region is the build's `region`: reported once, on the build
    // instance. The copy region is written elsewhere and stays.
    assert_eq!(findings.len(), 2, "{findings:?}");
    assert_eq!(findings[0].path, [key("region")]);
    assert_eq!(findings[1].path, [key("regions"), PathSegment::Index(1)]);
}

#[test]
fn files_that_declare_the_same_name_are_templates_of_their_own() {
    let file = |name: &str, kind: &str, default: &str| {
        let text = format!(
            "variable \"type\" {{ default = \"{default}\" }}\nvariable \"size\" {{ default = 40 }}\nlocals {{ image = \"aliyun_3_x64_20G_alibase_20241218.vhd\" }}\nsource \"alicloud-ecs\" \"{kind}\" {{\n  region        = \"cn-hangzhou\"\n  instance_type = var.type\n  source_image  = local.image\n  image_name    = \"{kind}\"\n  system_disk_mapping {{\n    disk_size = var.size\n  }}\n}}\n"
        );
        Arc::new(SourceFile::new(name, text))
    };
    let auto = Arc::new(SourceFile::new("p/a.auto.pkrvars.hcl", "size = 80\n"));
    let files = [
        file("p/arm.pkr.hcl", "arm", "ecs.g8y.large"),
        file("p/x86.pkr.hcl", "x86", "ecs.g7.large"),
        Arc::clone(&auto),
    ];
    let loaded = load(&files, &Options::default(), Limits::default(), &catalog());
    assert!(loaded.findings.is_empty(), "{:?}", loaded.findings);
    let [arm, _, x86, x86_image] = loaded.resources.as_slice() else { panic!("{:?}", loaded.resources) };
    // Each file's own default and local, and keys of their own file.
    assert_eq!(field(arm, "instanceType"), Some("ecs.g8y.large"));
    assert_eq!(field(x86, "instanceType"), Some("ecs.g7.large"));
    assert_eq!(field(x86_image, "derivedFrom"), Some("aliyun_3_x64_20G_alibase_20241218.vhd"));
    assert!(arm.iac.as_deref().unwrap().origin.key.starts_with("p/arm.pkr.hcl#"));
    assert!(x86.iac.as_deref().unwrap().origin.key.starts_with("p/x86.pkr.hcl#"));
    // Built one file at a time, a template gets the auto variables file's value only when
    // it is passed with -var-file: neither its value nor the default is known.
    assert!(arm.node.get("systemDiskSize").is_none());
    // `--var` still applies.
    let options = Options { vars: vec![("type".into(), "ecs.c7.large".into())], ..Options::default() };
    let loaded = load(&files, &options, Limits::default(), &catalog());
    assert_eq!(field(&loaded.resources[0], "instanceType"), Some("ecs.c7.large"));
    // Each name declared once: the directory is one template, with its auto variables.
    let other = Arc::new(SourceFile::new("p/other.pkr.hcl", "variable \"other\" {}\n"));
    let files = [Arc::clone(&files[0]), other, auto];
    let loaded = load(&files, &Options::default(), Limits::default(), &catalog());
    let size = loaded.resources[0].node.get("systemDiskSize").map(|n| &n.value);
    assert!(matches!(size, Some(Value::Int(80))), "{size:?}");
    assert!(loaded.resources[0].iac.as_deref().unwrap().origin.key.starts_with("p#"));
}

#[test]
fn a_system_disk_of_zero_or_less_asks_for_no_size() {
    // packer-plugin-alicloud sends no `SystemDiskSize` for 0 or less (`convertNumber`):
    // the platform's default applies, so A007 has nothing to read (it fired on 0 GiB).
    for size in ["0", "-1", "var.size"] {
        let text = format!(
            "variable \"size\" {{\n  type = number\n  default = 0\n}}\nsource \"alicloud-ecs\" \"x\" {{\n  region = \"cn-hangzhou\"\n  instance_type = \"ecs.g7.large\"\n  source_image = \"aliyun_3_x64_20G_alibase_20241218.vhd\"\n  image_name = \"x\"\n  system_disk_mapping {{\n    disk_size = {size}\n  }}\n}}\nbuild {{\n  sources = [\"source.alicloud-ecs.x\"]\n}}\n"
        );
        let file = Arc::new(SourceFile::new("x.pkr.hcl", text.clone()));
        let loaded = load(&[file], &Options::default(), Limits::default(), &catalog());
        assert!(loaded.findings.is_empty(), "{size}: {:?}", loaded.findings);
        assert!(loaded.resources[0].node.get("systemDiskSize").is_none(), "{size}");
        let file =
            Arc::new(SourceFile::new("x.pkr.hcl", text.replace(&format!("= {size}\n  }}"), "= 40\n  }")));
        let loaded = load(&[file], &Options::default(), Limits::default(), &catalog());
        let size = loaded.resources[0].node.get("systemDiskSize").map(|n| &n.value);
        assert!(matches!(size, Some(Value::Int(40))), "{size:?}");
    }
}

#[test]
fn a_source_block_of_a_build_is_a_build_of_its_own() {
    let text = r#"source "alicloud-ecs" "base" {
  region        = "cn-hangzhou"
  instance_type = "ecs.g7.large"
}
source "alicloud-ecs" "listed" {
  region        = "cn-hangzhou"
  instance_type = "ecs.g7.large"
  source_image  = "aliyun_3_x64_20G_alibase_20241218.vhd"
}
build {
  sources = ["source.alicloud-ecs.listed"]
  source "source.alicloud-ecs.base" {
    name         = "arm"
    source_image = "aliyun_3_arm64_20G_alibase_20241218.vhd"
  }
  source "source.alicloud-ecs.base" {
    source_image  = "aliyun_3_x64_20G_alibase_20241218.vhd"
    instance_type = "ecs.g8y.large"
  }
  source "source.alicloud-ecs.listed" {
    name = "again"
  }
  post-processor "alicloud-import" {
    region         = "cn-beijing"
    image_platform = "Ubuntu 22.04"
  }
}
"#;
    let file = Arc::new(SourceFile::new("b.pkr.hcl", text));
    let loaded = load(&[file], &Options::default(), Limits::default(), &catalog());
    assert!(loaded.findings.is_empty(), "{:?}", loaded.findings);
    let builds: Vec<(&str, Option<&str>, Option<&str>)> = loaded
        .resources
        .iter()
        .filter(|r| r.kind == Kind::Instance)
        .map(|r| {
            let address = r.iac.as_deref().unwrap().origin.address.as_str();
            (address, field(r, "instanceType"), r.node.get_str("image"))
        })
        .collect();
    // `base` is used only through blocks that add to it: no build of it as written.
    assert_eq!(
        builds,
        [
            ("alicloud-ecs.arm", Some("ecs.g7.large"), Some("alicloud-ecs.arm")),
            ("alicloud-ecs.base", None, Some("alicloud-ecs.base")),
            ("alicloud-ecs.listed", Some("ecs.g7.large"), Some("alicloud-ecs.listed")),
            ("alicloud-ecs.again", Some("ecs.g7.large"), Some("alicloud-ecs.again")),
        ]
    );
    // An attribute set in both the source and the block: Packer rejects it, so unknown.
    let by_address = |address: &str| {
        loaded.resources.iter().find(|r| r.iac.as_deref().unwrap().origin.address == address).expect(address)
    };
    let unnamed = by_address("alicloud-ecs.base");
    let why = &unnamed.iac.as_deref().unwrap().unknown;
    assert!(why.iter().any(|u| u.field == "instanceType" && u.why.contains("Packer rejects it")), "{why:?}");
    // The arm build's image derives from its own `source_image`.
    let arm_image = loaded
        .resources
        .iter()
        .find(|r| r.kind == Kind::Image && r.iac.as_deref().unwrap().origin.address == "alicloud-ecs.arm")
        .expect("the arm image");
    assert_eq!(field(arm_image, "derivedFrom"), Some("aliyun_3_arm64_20G_alibase_20241218.vhd"));
    // The build's post-processor imports an image for each of its builds.
    let imports = loaded
        .resources
        .iter()
        .filter(|r| r.iac.as_deref().unwrap().origin.address.contains("alicloud-import"))
        .count();
    assert_eq!(imports, 4);
}

#[test]
fn a_build_names_its_source_with_any_first_part() {
    // Packer drops the first of three parts, whatever it is: `sources.` is as good as
    // `source.`, in a list and as a block's label alike.
    let text = r#"source "alicloud-ecs" "base" {
  region        = "cn-hangzhou"
  instance_type = "ecs.g7.large"
  source_image  = "aliyun_3_x64_20G_alibase_20241218.vhd"
}
build {
  sources = ["sources.alicloud-ecs.base"]
  post-processor "alicloud-import" {
    region         = "cn-beijing"
    image_platform = "Ubuntu 22.04"
  }
}
build {
  source "sources.alicloud-ecs.base" {
    name = "again"
  }
}
"#;
    let file = Arc::new(SourceFile::new("b.pkr.hcl", text));
    let loaded = load(&[file], &Options::default(), Limits::default(), &catalog());
    assert!(loaded.findings.is_empty(), "{:?}", loaded.findings);
    let addresses: Vec<&str> = loaded
        .resources
        .iter()
        .filter(|r| r.kind == Kind::Instance)
        .map(|r| r.iac.as_deref().unwrap().origin.address.as_str())
        .collect();
    // The listed build is kept beside the block's, and gets its post-processor.
    assert_eq!(addresses, ["alicloud-ecs.base", "alicloud-ecs.again"]);
    let imports = loaded
        .resources
        .iter()
        .filter(|r| r.iac.as_deref().unwrap().origin.address.contains("alicloud-import"))
        .count();
    assert_eq!(imports, 1);
}

#[test]
fn a_byte_order_mark_is_read_as_packer_reads_it() {
    // Packer, like Terraform, ignores a UTF-8 BOM: the template and an auto variables file
    // with one are read, and spans stay offsets in the file (after the BOM's three bytes).
    let template = "\u{feff}variable \"image\" { default = \"centos_7_9_x64_20G_alibase_20240628.vhd\" }\nsource \"alicloud-ecs\" \"x\" {\n  region        = \"cn-hangzhou\"\n  instance_type = \"ecs.g7.large\"\n  source_image  = var.image\n}\n";
    let vars = "\u{feff}image = \"aliyun_3_x64_20G_alibase_20241218.vhd\"\n";
    let files = [
        Arc::new(SourceFile::new("p/build.pkr.hcl", template)),
        Arc::new(SourceFile::new("p/x.auto.pkrvars.hcl", vars)),
    ];
    let loaded = load(&files, &Options::default(), Limits::default(), &catalog());
    assert!(loaded.findings.is_empty(), "{:?}", loaded.findings);
    let [build, image] = loaded.resources.as_slice() else { panic!("{:?}", loaded.resources) };
    assert_eq!(field(image, "derivedFrom"), Some("aliyun_3_x64_20G_alibase_20241218.vhd"));
    let location = build.location(&[PathSegment::Key("instanceType".into())]);
    assert_eq!(&template[location.span.start()..location.span.end()], "\"ecs.g7.large\"");
}

#[test]
fn a_source_no_build_names_is_not_built() {
    let source = |name: &str, image: &str| {
        format!(
            "source \"alicloud-ecs\" \"{name}\" {{\n  region        = \"cn-hangzhou\"\n  instance_type = \"ecs.g7.large\"\n  source_image  = \"{image}\"\n  image_name    = \"{name}\"\n}}\n"
        )
    };
    let sources = format!(
        "{}{}",
        source("a", "aliyun_3_x64_20G_alibase_20241218.vhd"),
        source("unused", "centos_7_9_x64_20G_alibase_20240628.vhd")
    );
    let names = |build: &str| -> Vec<String> {
        // The build may be in another file of the template.
        let files = [
            Arc::new(SourceFile::new("p/sources.pkr.hcl", &*sources)),
            Arc::new(SourceFile::new("p/build.pkr.hcl", build)),
        ];
        let loaded = load(&files, &Options::default(), Limits::default(), &catalog());
        assert!(loaded.findings.is_empty(), "{:?}", loaded.findings);
        loaded.resources.iter().filter(|r| r.kind == Kind::Image).filter_map(|r| r.name.clone()).collect()
    };
    assert_eq!(names("build { sources = [\"source.alicloud-ecs.a\"] }\n"), ["a"]);
    assert_eq!(names("build {\n  source \"source.alicloud-ecs.a\" {}\n}\n"), ["a"]);
    // Which sources are built is not known: every source is read.
    assert_eq!(names("build { sources = [local.which] }\n"), ["a", "unused"]);
    assert_eq!(names("build { sources = local.all }\n"), ["a", "unused"]);
    // No build in the template (a file of sources, read alone): every source is read.
    assert_eq!(names("variable \"x\" { default = 1 }\n"), ["a", "unused"]);
}

/// A legacy JSON template read with these options.
fn legacy(text: &str, options: &Options) -> (Arc<SourceFile>, Vec<Resource>) {
    let file = Arc::new(SourceFile::new("t.pkr.json", text));
    let root = crate::source::parse_json(&file.text, Limits::default()).unwrap();
    let loaded = extract_json(&file, crate::source::Document { root }, options, &catalog());
    assert!(loaded.findings.is_empty(), "{:?}", loaded.findings);
    (file, loaded.resources)
}

const LEGACY_VARS: &str = r#"{"variables": {"base": "centos_7_9_x64_20G_alibase_20240628.vhd", "type": "ecs.g7.large"},
 "builders": [{"type": "alicloud-ecs", "region": "cn-hangzhou", "instance_type": "{{user `type`}}",
   "source_image": "{{user `base`}}", "image_name": "app", "image_share_account": ["{{user `share`}}"]}]}"#;

#[test]
fn legacy_json_user_variables_are_set_by_var_files_then_vars() {
    let good = "ubuntu_24_04_x64_20G_alibase_20261001.vhd";
    // The template's default, when nothing else sets it.
    let (_, resources) = legacy(LEGACY_VARS, &Options::default());
    let [build, image] = resources.as_slice() else { panic!("{resources:?}") };
    assert_eq!(field(image, "derivedFrom"), Some("centos_7_9_x64_20G_alibase_20240628.vhd"));
    // `share` is defined nowhere: unknown.
    assert_eq!(unknown(image), ["sharedWith"]);
    assert_eq!(field(build, "instanceType"), Some("ecs.g7.large"));

    // `--var` sets a user variable over the default (`packer build -var`), and one the
    // template does not define.
    let options = Options {
        vars: vec![("base".into(), good.into()), ("share".into(), "1234567890123456".into())],
        ..Options::default()
    };
    let (_, resources) = legacy(LEGACY_VARS, &options);
    let [_, image] = resources.as_slice() else { panic!("{resources:?}") };
    assert_eq!(field(image, "derivedFrom"), Some(good));
    assert_eq!(strings(image, "sharedWith"), ["1234567890123456"]);
    assert!(unknown(image).is_empty(), "{:?}", unknown(image));

    // A JSON `--var-file` (any name) sets them too, labelled at its value; a later file
    // wins over an earlier one, and `--var` over both, wherever it is written.
    let first = Arc::new(SourceFile::new(
        "vars.json",
        format!("{{\"base\": \"{good}\", \"type\": \"ecs.g7.xlarge\"}}"),
    ));
    let second = Arc::new(SourceFile::new("more.pkrvars.json", "{\"type\": \"ecs.g7.2xlarge\"}"));
    // An HCL variables file is not a legacy template's (Packer reads JSON ones only).
    let hcl = Arc::new(SourceFile::new("arm.pkrvars.hcl", "base = \"arm\"\ntype = \"ecs.g8y.large\"\n"));
    let options = Options {
        var_files: vec![Arc::clone(&first), Arc::clone(&second), hcl],
        vars: vec![("share".into(), "1234567890123456".into())],
        ..Options::default()
    };
    let (_, resources) = legacy(LEGACY_VARS, &options);
    let [build, image] = resources.as_slice() else { panic!("{resources:?}") };
    assert_eq!(field(image, "derivedFrom"), Some(good));
    assert_eq!(field(build, "instanceType"), Some("ecs.g7.2xlarge"));
    let site = image.iac.as_deref().unwrap().site(&[PathSegment::Key("derivedFrom".into())]).expect("site");
    let [label] = site.labels.as_slice() else { panic!("{:?}", site.labels) };
    assert_eq!(label.location.file.name, "vars.json");
    assert_eq!(&first.text[label.location.span.range()], format!("\"{good}\""));
    assert_eq!(label.message, "`base` in vars.json");
    let options = Options { vars: vec![("type".into(), "ecs.c7.large".into())], ..options };
    let (_, resources) = legacy(LEGACY_VARS, &options);
    assert_eq!(field(&resources[0], "instanceType"), Some("ecs.c7.large"));

    // A variables file that does not parse stops Packer: what it might set is unknown,
    // never the default.
    let broken = Arc::new(SourceFile::new("broken.json", "{\"base\": "));
    let options = Options { var_files: vec![broken], ..Options::default() };
    let (_, resources) = legacy(LEGACY_VARS, &options);
    let [build, image] = resources.as_slice() else { panic!("{resources:?}") };
    assert_eq!(field(image, "derivedFrom"), None);
    assert!(unknown(image).contains(&"derivedFrom"), "{:?}", unknown(image));
    assert!(unknown(build).contains(&"instanceType"), "{:?}", unknown(build));
}

/// Where a resource's field is written, as text of `file`.
fn written<'a>(file: &'a SourceFile, resource: &Resource, name: &str) -> &'a str {
    let at = resource.location(&[PathSegment::Key(name.into())]);
    assert_eq!(at.file.name, file.name);
    &file.text[at.span.range()]
}

#[test]
fn a_region_from_the_command_line_is_placed_at_the_region_attribute() {
    let options = Options { region: Some("cn-hangzhou".into()), ..Options::default() };
    // HCL: an empty `region` (here through a variable) is `--region`'s, written there.
    let text = "variable \"region\" { default = \"\" }\nsource \"alicloud-ecs\" \"e\" {\n  region = var.region\n  instance_type = \"ecs.g7.large\"\n  source_image = \"ubuntu_24_04_x64_20G_alibase_20261001.vhd\"\n}\nsource \"alicloud-ecs\" \"none\" {\n  instance_type = \"ecs.g7.large\"\n  source_image = \"ubuntu_24_04_x64_20G_alibase_20261001.vhd\"\n}\n";
    let file = Arc::new(SourceFile::new("e.pkr.hcl", text));
    let loaded = load(&[Arc::clone(&file)], &options, Limits::default(), &catalog());
    let [build, image, bare, _] = loaded.resources.as_slice() else { panic!("{:?}", loaded.resources) };
    assert_eq!(field(build, "region"), Some("cn-hangzhou"));
    assert_eq!(written(&file, build, "region"), "var.region");
    let regions = image.location(&[PathSegment::Key("regions".into()), PathSegment::Index(0)]);
    assert_eq!(&file.text[regions.span.range()], "var.region");
    // With no `region` written, the block's head.
    assert_eq!(field(bare, "region"), Some("cn-hangzhou"));
    assert_eq!(written(&file, bare, "region"), "source");

    // Legacy JSON: at the `region` value, not the `"type"` key.
    let text = r#"{"variables": {"empty": ""},
 "builders": [{"type": "alicloud-ecs", "name": "two", "region": "{{user `empty`}}", "instance_type": "ecs.g7.large",
   "source_image": "ubuntu_24_04_x64_20G_alibase_20261001.vhd"},
  {"type": "alicloud-ecs", "name": "three", "region": "", "instance_type": "ecs.g7.large",
   "source_image": "ubuntu_24_04_x64_20G_alibase_20261001.vhd"}]}"#;
    let (file, resources) = legacy(text, &options);
    let [two, _, three, _] = resources.as_slice() else { panic!("{resources:?}") };
    assert_eq!(field(two, "region"), Some("cn-hangzhou"));
    assert_eq!(written(&file, two, "region"), "\"{{user `empty`}}\"");
    assert_eq!(written(&file, three, "region"), "\"\"");
}

#[test]
fn a_template_in_hcl2_json_syntax_is_noted_as_not_read() {
    let text = r#"{"variable": {"base": {"default": "centos_7_9_x64_20G_alibase_20240628.vhd"}},
 "source": {"alicloud-ecs": {"app": {"region": "cn-hangzhou", "instance_type": "ecs.g7.large",
   "source_image": "${var.base}", "image_name": "app"}}},
 "build": {"sources": ["source.alicloud-ecs.app"]}}"#;
    let files = [
        Arc::new(SourceFile::new("d/main.pkr.json", text)),
        // Another builder's template has nothing to check: no note.
        Arc::new(SourceFile::new("d/aws.pkr.json", r#"{"source": {"amazon-ebs": {"x": {}}}}"#)),
    ];
    let loaded = load(&files, &Options::default(), Limits::default(), &catalog());
    assert!(loaded.resources.is_empty() && loaded.findings.is_empty(), "{loaded:?}");
    let [note] = loaded.skipped.as_slice() else { panic!("{:?}", loaded.skipped) };
    assert_eq!(crate::check::skipped_file(note), Some("d/main.pkr.json"));
    assert!(note.contains("HCL2 JSON syntax"), "{note}");
}

#[test]
fn a_var_wins_over_every_var_file_whatever_their_order() {
    // Unlike Terraform, Packer keeps `-var` values apart and applies them after every file
    // (`hcl2template/types.variables.go`; `command/meta.go` for legacy templates).
    let template = "variable \"type\" { default = \"ecs.g7.large\" }\nsource \"alicloud-ecs\" \"x\" {\n  region        = \"cn-hangzhou\"\n  instance_type = var.type\n  source_image  = \"aliyun_3_x64_20G_alibase_20241218.vhd\"\n}\n";
    let files = [Arc::new(SourceFile::new("p/build.pkr.hcl", template))];
    let var_file = Arc::new(SourceFile::new("prod.pkrvars.hcl", "type = \"ecs.g7.xlarge\"\n"));
    for vars_after_files in [vec![0], vec![1], Vec::new()] {
        let options = Options {
            var_files: vec![Arc::clone(&var_file)],
            vars: vec![("type".into(), "ecs.c7.large".into())],
            vars_after_files: vars_after_files.clone(),
            ..Options::default()
        };
        let loaded = load(&files, &options, Limits::default(), &catalog());
        assert_eq!(field(&loaded.resources[0], "instanceType"), Some("ecs.c7.large"), "{vars_after_files:?}");
        // A legacy JSON template the same way, with a JSON variables file.
        let json = Arc::new(SourceFile::new("vars.json", "{\"type\": \"ecs.g7.xlarge\"}"));
        let options = Options { var_files: vec![json], ..options };
        let (_, resources) = legacy(LEGACY_VARS, &options);
        assert_eq!(field(&resources[0], "instanceType"), Some("ecs.c7.large"), "legacy {vars_after_files:?}");
    }
}

#[test]
fn an_empty_heredoc_swallows_nothing() {
    // Read on to the next `EOF`, the empty heredoc took the second source into the first.
    let text = "source \"alicloud-ecs\" \"a\" {\n  user_data = <<EOF\nEOF\n  region        = \"cn-hangzhou\"\n  instance_type = \"ecs.g7.large\"\n  source_image  = \"aliyun_3_x64_20G_alibase_20241218.vhd\"\n}\nsource \"alicloud-ecs\" \"b\" {\n  user_data = <<EOF\necho\nEOF\n  region        = \"cn-hangzhou\"\n  instance_type = \"ecs.g7.large\"\n  source_image  = \"centos_7_9_x64_20G_alibase_20240628.vhd\"\n}\n";
    let file = Arc::new(SourceFile::new("x.pkr.hcl", text));
    let loaded = load(&[file], &Options::default(), Limits::default(), &catalog());
    assert!(loaded.findings.is_empty(), "{:?}", loaded.findings);
    let images: Vec<_> = loaded.resources.iter().filter(|r| r.kind == Kind::Image).collect();
    let [a, b] = images.as_slice() else { panic!("{:?}", loaded.resources) };
    assert_eq!(field(a, "derivedFrom"), Some("aliyun_3_x64_20G_alibase_20241218.vhd"));
    assert_eq!(field(b, "derivedFrom"), Some("centos_7_9_x64_20G_alibase_20240628.vhd"));
}

#[test]
fn strip_markers_trim_the_literals_beside_them() {
    // `hcl-edit` keeps `~` but does not apply it: the type read `ecs.g7.   large`, an
    // instance type that does not exist. An interpolation's own value is never trimmed.
    let text = "variable \"size\" { default = \" large\" }\nsource \"alicloud-ecs\" \"x\" {\n  region        = \"cn-hangzhou\"\n  instance_type = \"ecs.g7.   ${~\"large\"}\"\n  image_name    = \"a  ${~var.size~}  b ${\"c \"}${~\"d\"}\"\n  source_image  = \"aliyun_3_x64_20G_alibase_20241218.vhd\"\n}\n";
    let file = Arc::new(SourceFile::new("x.pkr.hcl", text));
    let loaded = load(&[file], &Options::default(), Limits::default(), &catalog());
    assert!(loaded.findings.is_empty(), "{:?}", loaded.findings);
    let instance = loaded.resources.iter().find(|r| r.kind == Kind::Instance).expect("an instance");
    assert_eq!(field(instance, "instanceType"), Some("ecs.g7.large"));
    let image = loaded.resources.iter().find(|r| r.kind == Kind::Image).expect("an image");
    assert_eq!(field(image, "name"), Some("a largeb c d"));
}

#[test]
fn an_object_too_large_for_the_parser_is_an_s001_at_its_brace() {
    let items = (0..9_000).map(|i| format!("    k{i} = \"v\"\n")).collect::<Vec<_>>().concat();
    let text = format!("locals {{\n  m = {{\n{items}  }}\n}}\n");
    let file = Arc::new(SourceFile::new("x.pkr.hcl", text.as_str()));
    let loaded = load(&[file], &Options::default(), Limits::default(), &catalog());
    let [finding] = loaded.findings.as_slice() else { panic!("{:?}", loaded.findings) };
    assert_eq!(finding.code, "S001");
    assert!(finding.message.contains("this file is not read"), "{}", finding.message);
    assert_eq!(finding.location.span.start(), text.find("m = {").unwrap() + 4);
}
