//! Unit tests of the Terraform evaluator, one feature at a time. Every test also checks that
//! every `at` and `via` span lies inside its file on character boundaries.

use super::{Evaluated, evaluate};
use crate::diag::Location;
use crate::iac::Options;
use crate::source::{Limits, SourceFile};
use crate::terraform::value::{Block, Repeat, Val, Value};
use std::fmt::Write as _;
use std::sync::Arc;

fn files(list: &[(&str, &str)]) -> Vec<Arc<SourceFile>> {
    list.iter().map(|(name, text)| Arc::new(SourceFile::new(*name, *text))).collect()
}

fn run_with(list: &[(&str, &str)], options: &Options) -> Evaluated {
    let ev = evaluate(&files(list), options, Limits::default());
    for block in &ev.blocks {
        check_place(&block.head);
        check_val(&block.region);
        for (_, v) in &block.attributes {
            check_val(v);
        }
    }
    for finding in &ev.findings {
        check_place(&finding.location);
    }
    ev
}

fn run(list: &[(&str, &str)]) -> Evaluated {
    run_with(list, &Options::default())
}

fn check_place(at: &Location) {
    let text = &at.file.text;
    assert!(
        at.span.start() <= at.span.end() && at.span.end() <= text.len(),
        "{:?} outside {}",
        at.span,
        at.file.name
    );
    assert!(text.is_char_boundary(at.span.start()) && text.is_char_boundary(at.span.end()));
}

fn check_val(v: &Val) {
    check_place(&v.at);
    for label in &v.via {
        check_place(&label.location);
    }
    match &v.value {
        Value::List(items) => items.iter().for_each(check_val),
        Value::Object(entries) => entries.iter().for_each(|(_, v)| check_val(v)),
        _ => {}
    }
}

fn block<'a>(ev: &'a Evaluated, address: &str) -> &'a Block {
    ev.blocks.iter().find(|b| b.address == address).unwrap_or_else(|| {
        panic!("no block {address} in {:?}", ev.blocks.iter().map(|b| &b.address).collect::<Vec<_>>())
    })
}

fn attr<'a>(ev: &'a Evaluated, address: &str, name: &str) -> &'a Val {
    block(ev, address).get(name).unwrap_or_else(|| panic!("no attribute {name} on {address}"))
}

fn text(at: &Location) -> &str {
    &at.file.text[at.span.start()..at.span.end()]
}

fn string(v: &Val) -> String {
    match &v.value {
        Value::String(s) => s.clone(),
        other => panic!("not a string: {other:?}"),
    }
}

fn unknown(v: &Val) -> String {
    match &v.value {
        Value::Unknown(why) => why.clone(),
        other => panic!("not unknown: {other:?}"),
    }
}

const VARIABLES: &str = r#"
variable "image_id" {
  default = "centos_7_9_x64_20G_alibase_20240321.vhd"
}
variable "zone" {}
"#;

#[test]
fn a_variable_default_is_used_at_the_reference_with_a_label_on_the_default() {
    let ev = run(&[
        (
            "main.tf",
            "resource \"alicloud_instance\" \"app\" {\n  image_id = var.image_id\n  availability_zone = var.zone\n}\n",
        ),
        ("variables.tf", VARIABLES),
    ]);
    let image = attr(&ev, "alicloud_instance.app", "image_id");
    assert_eq!(string(image), "centos_7_9_x64_20G_alibase_20240321.vhd");
    assert_eq!(text(&image.at), "var.image_id");
    assert_eq!(image.at.file.name, "main.tf");
    assert_eq!(image.via.len(), 1);
    assert_eq!(image.via[0].message, "default of var.image_id");
    assert_eq!(text(&image.via[0].location), "\"centos_7_9_x64_20G_alibase_20240321.vhd\"");
    let zone = attr(&ev, "alicloud_instance.app", "availability_zone");
    assert!(unknown(zone).contains("`var.zone` has no default and no value"), "{zone:?}");
    assert_eq!(block(&ev, "alicloud_instance.app").key, ".#alicloud_instance.app");
}

#[test]
fn locals_templates_heredocs_and_directives() {
    let main = r#"
variable "env" { default = "prod" }
variable "names" { default = ["a", "b"] }
locals {
  prefix = "app-${var.env}"
  image  = "${local.base}"
  base   = "ubuntu_22_04_x64_20G_alibase_20240101.vhd"
  loop   = local.loop
}
resource "x_y" "r" {
  name     = "${local.prefix}-1"
  image    = local.image
  doc      = <<-EOT
    hello ${var.env}
    EOT
  cond     = "%{if var.env == "prod"}big%{else}small%{endif}"
  list     = "%{for n in var.names}${n};%{endfor}"
  cycle    = local.loop
  dollar   = "$${literal}"
}
"#;
    let ev = run(&[("main.tf", main)]);
    assert_eq!(string(attr(&ev, "x_y.r", "name")), "app-prod-1");
    let image = attr(&ev, "x_y.r", "image");
    assert_eq!(string(image), "ubuntu_22_04_x64_20G_alibase_20240101.vhd");
    assert_eq!(text(&image.at), "local.image");
    assert_eq!(image.via[0].message, "local.image");
    assert!(image.via.iter().any(|l| l.message == "local.base"), "{:?}", image.via);
    assert_eq!(string(attr(&ev, "x_y.r", "doc")), "hello prod\n");
    assert_eq!(string(attr(&ev, "x_y.r", "cond")), "big");
    assert_eq!(string(attr(&ev, "x_y.r", "list")), "a;b;");
    assert!(unknown(attr(&ev, "x_y.r", "cycle")).contains("refers to itself"));
    assert_eq!(string(attr(&ev, "x_y.r", "dollar")), "${literal}");
}

#[test]
fn functions_over_known_values_and_unknown_otherwise() {
    let main = r#"
variable "images" { default = { cn = "centos_7", hk = "ubuntu" } }
variable "missing" {}
resource "x_y" "r" {
  lookup   = lookup(var.images, "hk", "none")
  default  = lookup(var.images, "us", "none")
  element  = element(["a", "b", "c"], 4)
  concat   = length(concat(["a"], ["b", "c"]))
  format   = format("%s-%03d", "web", 7)
  coalesce = coalesce("", "x")
  join     = join(",", split("-", "a-b-c"))
  regex    = replace("centos_7_9", "/_[0-9]+$/", "")
  plain    = replace("a.b.c", ".", "/")
  try      = try(var.images.us, "fallback")
  can      = can(var.images.us)
  merge    = merge({ a = 1 }, { a = 2, b = 3 }).a
  upper    = upper(trimspace("  x "))
  unknownf = file("user_data.sh")
  unknowna = upper(var.missing)
  range    = length(range(3))
  huge     = range(100000000)
  flatten  = length(flatten([[1, 2], [3, [4]]]))
  zipmap   = zipmap(["a", "b"], [1, 2]).b
  minmax   = max(1, 5, 3) - min(4, 2)
  contains = contains(["a", "b"], "b")
  keys     = join(",", keys({ b = 1, a = 2 }))
  jsonenc  = jsonencode({ a = [1, "x"] })
  distinct = length(distinct(["a", "a", "b"]))
}
"#;
    let ev = run(&[("main.tf", main)]);
    let get = |name: &str| attr(&ev, "x_y.r", name);
    assert_eq!(string(get("lookup")), "ubuntu");
    assert_eq!(string(get("default")), "none");
    assert_eq!(string(get("element")), "b");
    assert_eq!(get("concat").as_int(), Some(3));
    assert_eq!(string(get("format")), "web-007");
    assert_eq!(string(get("coalesce")), "x");
    assert_eq!(string(get("join")), "a,b,c");
    assert_eq!(string(get("regex")), "centos_7");
    assert_eq!(string(get("plain")), "a/b/c");
    assert_eq!(string(get("try")), "fallback");
    assert_eq!(get("can").as_bool(), Some(false));
    assert_eq!(get("merge").as_int(), Some(2));
    assert_eq!(string(get("upper")), "X");
    assert_eq!(unknown(get("unknownf")), "function `file` is not evaluated");
    assert!(unknown(get("unknowna")).contains("`var.missing` has no default"));
    assert_eq!(get("range").as_int(), Some(3));
    assert!(unknown(get("huge")).contains("range of more than"));
    assert_eq!(get("flatten").as_int(), Some(4));
    assert_eq!(get("zipmap").as_int(), Some(2));
    assert_eq!(get("minmax").as_int(), Some(3));
    assert_eq!(get("contains").as_bool(), Some(true));
    assert_eq!(string(get("keys")), "a,b");
    assert_eq!(string(get("jsonenc")), "{\"a\":[1.0,\"x\"]}".replace("1.0", "1"));
    assert_eq!(get("distinct").as_int(), Some(2));
}

#[test]
fn conditionals_pick_a_known_branch_and_stay_unknown_otherwise() {
    let main = r#"
variable "prod" { default = true }
variable "maybe" {}
resource "x_y" "r" {
  known   = var.prod ? "ecs.g7.large" : "ecs.t6-c1m1.large"
  unknown = var.maybe ? "a" : "b"
  same    = var.maybe ? "a" : "a"
  and     = false && var.maybe
  for     = [for s in ["a", "b"] : upper(s) if s != "b"]
  forobj  = { for k, v in { a = 1, b = 2 } : k => v * 10 }
  splat   = [{ id = "x" }, { id = "y" }][*].id
}
"#;
    let ev = run(&[("main.tf", main)]);
    let known = attr(&ev, "x_y.r", "known");
    assert_eq!(string(known), "ecs.g7.large");
    assert_eq!(text(&known.at), "\"ecs.g7.large\"");
    assert!(unknown(attr(&ev, "x_y.r", "unknown")).contains("`var.maybe`"));
    assert_eq!(string(attr(&ev, "x_y.r", "same")), "a");
    assert_eq!(attr(&ev, "x_y.r", "and").as_bool(), Some(false));
    let list = attr(&ev, "x_y.r", "for");
    assert_eq!(list.items().map(|i| i.iter().map(string).collect::<Vec<_>>()), Some(vec!["A".to_string()]));
    assert_eq!(attr(&ev, "x_y.r", "forobj").get("b").and_then(Val::as_int), Some(20));
    let splat = attr(&ev, "x_y.r", "splat");
    assert_eq!(
        splat.items().map(|i| i.iter().map(string).collect::<Vec<_>>()),
        Some(vec!["x".into(), "y".into()])
    );
}

#[test]
fn count_and_for_each_expand_into_instances() {
    let main = r#"
variable "accounts" { default = ["111", "222"] }
variable "n" {}
resource "alicloud_image_share_permission" "share" {
  count      = length(var.accounts)
  image_id   = "m-1"
  account_id = var.accounts[count.index]
}
resource "alicloud_instance" "none" {
  count    = 0
  image_id = "m-1"
}
resource "alicloud_instance" "unknown" {
  count         = var.n
  instance_name = "web-${count.index}"
}
resource "alicloud_instance" "each" {
  for_each      = { a = "ecs.g7.large", b = "ecs.c7.large" }
  instance_type = each.value
  instance_name = each.key
}
resource "alicloud_instance" "set" {
  for_each = toset([])
}
"#;
    let ev = run(&[("main.tf", main)]);
    let second = block(&ev, "alicloud_image_share_permission.share[1]");
    assert_eq!(second.repeat, Repeat::Index(1));
    assert_eq!(second.group, "alicloud_image_share_permission.share");
    assert_eq!(string(second.get("account_id").unwrap()), "222");
    assert_eq!(second.get("count").and_then(Val::as_int), Some(2));
    assert!(
        ev.blocks.iter().all(|b| b.group != "alicloud_instance.none" && b.group != "alicloud_instance.set")
    );
    let unknown_block = block(&ev, "alicloud_instance.unknown[*]");
    assert!(matches!(&unknown_block.repeat, Repeat::Unknown(why) if why.contains("var.n")));
    assert!(unknown(unknown_block.get("instance_name").unwrap()).contains("var.n"));
    let each = block(&ev, "alicloud_instance.each[\"b\"]");
    assert_eq!(each.repeat, Repeat::Key("b".into()));
    assert_eq!(string(each.get("instance_type").unwrap()), "ecs.c7.large");
    assert_eq!(string(each.get("instance_name").unwrap()), "b");
    assert_eq!(each.key, ".#alicloud_instance.each[\"b\"]");
}

#[test]
fn references_to_blocks_of_the_run_name_their_key() {
    let main = r#"
data "alicloud_images" "c7" {
  owners     = "system"
  name_regex = "^centos_7"
}
resource "alicloud_image" "app" {
  image_name = "app-image"
}
resource "alicloud_image" "many" {
  count = 2
}
resource "alicloud_instance" "a" {
  image_id  = alicloud_image.app.id
  legacy    = "${alicloud_image.app.id}"
  data_id   = data.alicloud_images.c7.images[0].id
  data_ids  = data.alicloud_images.c7.ids[0]
  indexed   = alicloud_image.many[1].id
  group     = alicloud_image.many[count.index].id
  name      = alicloud_image.app.image_name
  regex     = data.alicloud_images.c7.name_regex
  mixed     = "x-${alicloud_image.app.id}"
  count     = 1
}
"#;
    let ev = run(&[("infra/prod/main.tf", main)]);
    let get = |name: &str| attr(&ev, "alicloud_instance.a[0]", name);
    let reference = get("image_id").reference().expect("a reference");
    assert_eq!(reference.key, "infra/prod#alicloud_image.app");
    assert_eq!(reference.path, ["id"]);
    assert_eq!(reference.display, "alicloud_image.app.id");
    assert_eq!(get("legacy").reference().map(|r| r.key.as_str()), Some("infra/prod#alicloud_image.app"));
    let data = get("data_id").reference().expect("a data reference");
    assert_eq!(data.key, "infra/prod#data.alicloud_images.c7");
    assert_eq!(data.path, ["images", "0", "id"]);
    assert_eq!(
        get("data_ids").reference().map(|r| r.path.clone()),
        Some(vec!["ids".to_string(), "0".to_string()])
    );
    assert_eq!(get("indexed").reference().map(|r| r.key.as_str()), Some("infra/prod#alicloud_image.many[1]"));
    assert_eq!(get("group").reference().map(|r| r.key.as_str()), Some("infra/prod#alicloud_image.many[0]"));
    assert_eq!(string(get("name")), "app-image");
    assert_eq!(string(get("regex")), "^centos_7");
    assert!(unknown(get("mixed")).contains("known only after apply"));
}

const MODULE: &str = r#"
variable "image_id" {}
variable "type" { default = "ecs.g7.large" }
resource "alicloud_instance" "app" {
  image_id      = var.image_id
  instance_type = var.type
}
output "image" { value = var.image_id }
output "type" { value = alicloud_instance.app.instance_type }
"#;

#[test]
fn local_modules_are_followed_with_their_inputs_and_outputs() {
    let root = r#"
variable "image" { default = "centos_7_9_x64_20G_alibase_20240321.vhd" }
module "web" {
  source   = "./modules/ecs"
  image_id = var.image
}
module "many" {
  source   = "./modules/ecs"
  count    = 2
  image_id = "m-${count.index}"
}
module "remote" {
  source  = "alibaba/ecs-instance/alicloud"
  version = "2.0.0"
}
resource "x_y" "use" {
  image  = module.web.image
  type   = module.web.type
  second = module.many[1].image
  remote = module.remote.this_instance_id
}
"#;
    let ev = run(&[("root/main.tf", root), ("root/modules/ecs/main.tf", MODULE)]);
    let image = attr(&ev, "module.web.alicloud_instance.app", "image_id");
    assert_eq!(string(image), "centos_7_9_x64_20G_alibase_20240321.vhd");
    assert_eq!(image.at.file.name, "root/main.tf", "the outermost module call's argument");
    assert_eq!(text(&image.at), "var.image");
    assert_eq!(image.via[0].message, "used here by module.web");
    assert_eq!(text(&image.via[0].location), "var.image_id");
    assert_eq!(image.via[1].message, "default of var.image");
    let web = block(&ev, "module.web.alicloud_instance.app");
    assert_eq!(web.key, "root#module.web.alicloud_instance.app");
    let many = block(&ev, "module.many[1].alicloud_instance.app");
    assert_eq!(string(many.get("image_id").unwrap()), "m-1");
    assert_eq!(many.group, "module.many[1].alicloud_instance.app");
    assert!(ev.blocks.iter().all(|b| !b.address.starts_with("module.remote")));
    assert_eq!(string(attr(&ev, "x_y.use", "image")), "centos_7_9_x64_20G_alibase_20240321.vhd");
    assert_eq!(string(attr(&ev, "x_y.use", "type")), "ecs.g7.large");
    assert_eq!(string(attr(&ev, "x_y.use", "second")), "m-1");
    assert!(unknown(attr(&ev, "x_y.use", "remote")).contains("not a local module"));
    // The module's directory is called, so it is not a root of its own.
    assert!(ev.blocks.iter().all(|b| b.address != "alicloud_instance.app"));
}

#[test]
fn a_local_module_outside_the_run_is_read_from_disk() {
    let dir = std::env::temp_dir().join(format!("ecslint-tf-eval-{}", std::process::id()));
    let module = dir.join("modules/ecs");
    std::fs::create_dir_all(&module).unwrap();
    std::fs::write(module.join("main.tf"), MODULE).unwrap();
    std::fs::write(module.join("notes.txt"), "not terraform").unwrap();
    let root_name = format!("{}/main.tf", dir.display());
    let root = "module \"web\" {\n  source   = \"./modules/ecs\"\n  image_id = \"m-disk\"\n}\nmodule \"gone\" {\n  source = \"./missing\"\n}\n";
    let ev = run(&[(root_name.as_str(), root)]);
    std::fs::remove_dir_all(&dir).ok();
    let image = attr(&ev, "module.web.alicloud_instance.app", "image_id");
    assert_eq!(string(image), "m-disk");
    assert_eq!(text(&image.at), "\"m-disk\"");
    assert_eq!(ev.blocks.len(), 1);
}

#[test]
fn a_module_that_calls_itself_stops() {
    let ev =
        run(&[("loop/main.tf", "module \"again\" {\n  source = \"./\"\n}\nresource \"x_y\" \"r\" {}\n")]);
    assert_eq!(ev.blocks.len(), 1);
}

#[test]
fn providers_and_aliases_give_the_region() {
    let root = r#"
variable "region" { default = "cn-hangzhou" }
provider "alicloud" {
  region = var.region
}
provider "alicloud" {
  alias  = "hk"
  region = "cn-hongkong"
}
resource "alicloud_image_copy" "to_hk" {
  provider        = alicloud.hk
  source_image_id = "m-1"
}
resource "alicloud_instance" "main" {}
resource "alicloud_instance" "nowhere" {
  provider = alicloud.eu
}
module "hk" {
  source    = "./child"
  providers = { alicloud = alicloud.hk }
}
module "default" {
  source = "./child"
}
"#;
    let child = "resource \"alicloud_instance\" \"c\" {}\n";
    let ev = run(&[("p/main.tf", root), ("p/child/main.tf", child)]);
    let copy = &block(&ev, "alicloud_image_copy.to_hk").region;
    assert_eq!(string(copy), "cn-hongkong");
    assert_eq!(text(&copy.at), "\"cn-hongkong\"");
    let main = &block(&ev, "alicloud_instance.main").region;
    assert_eq!(string(main), "cn-hangzhou");
    assert_eq!(text(&main.at), "var.region");
    assert_eq!(main.via[0].message, "default of var.region");
    assert!(unknown(&block(&ev, "alicloud_instance.nowhere").region).contains("alicloud.eu"));
    assert_eq!(string(&block(&ev, "module.hk.alicloud_instance.c").region), "cn-hongkong");
    assert_eq!(string(&block(&ev, "module.default.alicloud_instance.c").region), "cn-hangzhou");
}

#[test]
fn without_a_provider_region_the_command_line_region_or_unknown() {
    let main = "resource \"alicloud_instance\" \"a\" {}\n";
    let options = Options { region: Some("eu-central-1".into()), ..Options::default() };
    let ev = run_with(&[("main.tf", main)], &options);
    let region = &block(&ev, "alicloud_instance.a").region;
    assert_eq!(string(region), "eu-central-1");
    assert_eq!(text(&region.at), "resource \"alicloud_instance\" \"a\"");
    let ev = run(&[("main.tf", main)]);
    assert_eq!(
        unknown(&block(&ev, "alicloud_instance.a").region),
        "the provider names no region: pass --region"
    );
}

#[test]
fn terraform_json_strings_are_templates_with_spans() {
    let json = r#"{
  "variable": { "image": { "default": "${not.a.template}", "type": "string" } },
  "provider": { "alicloud": [{ "region": "cn-beijing" }] },
  "resource": {
    "alicloud_instance": {
      "app": {
        "image_id": "${var.image}",
        "instance_name": "web-${var.image}",
        "system_disk": { "category": "cloud_essd" },
        "count": 1
      }
    }
  }
}"#;
    let ev = run(&[("main.tf.json", json)]);
    let app = block(&ev, "alicloud_instance.app[0]");
    let image = app.get("image_id").unwrap();
    assert_eq!(string(image), "${not.a.template}", "a variable's default in JSON is literal");
    assert_eq!(text(&image.at), "\"${var.image}\"");
    assert_eq!(string(app.get("instance_name").unwrap()), "web-${not.a.template}");
    assert_eq!(app.get("system_disk").unwrap().blocks().len(), 1);
    assert_eq!(string(&app.region), "cn-beijing");
}

#[test]
fn a_syntax_error_is_s001_at_its_position_and_other_files_still_load() {
    let bad = "resource \"x_y\" \"r\" {\n  a = \n}\n";
    let ev = run(&[
        ("bad.tf", bad),
        ("good/main.tf", "resource \"x_y\" \"ok\" {}\n"),
        ("bad.tf.json", "{\"resource\": [}"),
    ]);
    assert_eq!(ev.findings.len(), 2, "{:?}", ev.findings.iter().map(|f| &f.message).collect::<Vec<_>>());
    let finding = ev.findings.iter().find(|f| f.location.file.name == "bad.tf").unwrap();
    assert_eq!(finding.code, "S001");
    assert_eq!(finding.location.start().line, 2, "{finding:?}");
    assert!(ev.blocks.iter().any(|b| b.address == "x_y.ok"));
}

#[test]
fn a_variables_file_that_does_not_parse_leaves_every_variable_unknown_until_a_later_one() {
    let main = "variable \"type\" { default = \"ecs.t1.small\" }\nvariable \"zone\" {}\nvariable \"name\" { default = \"web\" }\n\
                resource \"x_y\" \"r\" {\n  type = var.type\n  zone = var.zone\n  name = var.name\n}\n";
    let broken = "type = \"ecs.g7.large\"\nzone = [\n";
    let unknown = |ev: &Evaluated, attr: &str| {
        let v = block(ev, "x_y.r").get(attr).unwrap();
        assert!(matches!(v.value, Value::Unknown(_)), "{attr}: {v:?}");
        v.unknown_why().unwrap()
    };
    // Terraform stops at the broken file: neither the default nor what an earlier file set
    // is the value it would use, and the file may set any variable.
    let ev =
        run(&[("m/main.tf", main), ("m/a.auto.tfvars", broken), ("m/terraform.tfvars", "name = \"api\"\n")]);
    assert_eq!(ev.findings.iter().map(|f| f.code.as_str()).collect::<Vec<_>>(), ["S001"]);
    assert!(unknown(&ev, "type").contains("`m/a.auto.tfvars` does not parse"), "{}", unknown(&ev, "type"));
    unknown(&ev, "zone");
    unknown(&ev, "name");
    // A later file still sets its variables (it wins over the broken one's values anyway).
    let ev = run(&[
        ("m/main.tf", main),
        ("m/terraform.tfvars", broken),
        ("m/b.auto.tfvars", "type = \"ecs.c7.large\"\n"),
    ]);
    assert_eq!(string(block(&ev, "x_y.r").get("type").unwrap()), "ecs.c7.large");
    unknown(&ev, "name");
    // So does a `--var`, and a broken `--var-file` is one more such file.
    let options = Options {
        var_files: files(&[("prod.tfvars", broken)]),
        vars: vec![("name".into(), "db".into())],
        ..Options::default()
    };
    let ev = run_with(&[("m/main.tf", main)], &options);
    assert_eq!(string(block(&ev, "x_y.r").get("name").unwrap()), "db");
    assert!(unknown(&ev, "type").contains("`prod.tfvars` does not parse"));
    // With `--no-context` the file declaring a variable may not be in the run: one an
    // earlier file set is forgotten too.
    let options = Options { twins_on_disk: true, ..Options::default() };
    let uses = "resource \"x_y\" \"r\" {\n  type = var.type\n}\n";
    let ev = run_with(
        &[("m/main.tf", uses), ("m/a.auto.tfvars", "type = \"ecs.t1.small\"\n"), ("m/b.auto.tfvars", broken)],
        &options,
    );
    unknown(&ev, "type");
    // The quiet case's loud twin: with the file mended, its values are used.
    let ev = run(&[("m/main.tf", main), ("m/terraform.tfvars", "type = \"ecs.g7.large\"\nzone = \"h\"\n")]);
    assert!(ev.findings.is_empty());
    assert_eq!(string(block(&ev, "x_y.r").get("type").unwrap()), "ecs.g7.large");
    assert_eq!(string(block(&ev, "x_y.r").get("name").unwrap()), "web");
}

#[test]
fn hcl_0_11_syntax_is_read() {
    let main = r#"
variable "zones" {
  type    = "list"
  default = ["cn-hangzhou-h", "cn-hangzhou-i"]
}
variable "types" {
  type    = "map"
  default = { small = "ecs.t6-c1m1.large" }
}
resource "alicloud_instance" "old" {
  availability_zone = "${var.zones[1]}"
  second            = "${element(var.zones, 0)}"
  legacy_index      = "${var.zones.0}"
  instance_type     = "${lookup(var.types, "small")}"
}
"#;
    let ev = run(&[("main.tf", main)]);
    assert_eq!(string(attr(&ev, "alicloud_instance.old", "availability_zone")), "cn-hangzhou-i");
    assert_eq!(string(attr(&ev, "alicloud_instance.old", "second")), "cn-hangzhou-h");
    assert_eq!(string(attr(&ev, "alicloud_instance.old", "legacy_index")), "cn-hangzhou-h");
    assert_eq!(string(attr(&ev, "alicloud_instance.old", "instance_type")), "ecs.t6-c1m1.large");
}

#[test]
fn dynamic_blocks_expand_and_nested_blocks_are_lists_of_objects() {
    let main = r#"
variable "disks" { default = [20, 40] }
variable "unknown" {}
resource "alicloud_instance" "a" {
  data_disks { size = 10 }
  dynamic "data_disks" {
    for_each = var.disks
    content { size = data_disks.value }
  }
  dynamic "network_interfaces" {
    for_each = var.unknown
    content {}
  }
  lifecycle { ignore_changes = [image_id] }
}
"#;
    let ev = run(&[("main.tf", main)]);
    let disks = attr(&ev, "alicloud_instance.a", "data_disks").blocks();
    let sizes: Vec<_> = disks.iter().map(|d| d.get("size").and_then(Val::as_int)).collect();
    assert_eq!(sizes, [Some(10), Some(20), Some(40)]);
    assert!(unknown(attr(&ev, "alicloud_instance.a", "network_interfaces")).contains("var.unknown"));
    assert!(block(&ev, "alicloud_instance.a").get("lifecycle").is_none());
}

#[test]
fn hostile_input_is_bounded() {
    let mut deep = String::from("locals {\n");
    for i in 0..400 {
        writeln!(deep, "  l{i} = local.l{}", i + 1).unwrap();
    }
    deep.push_str("  l400 = \"end\"\n}\nresource \"x_y\" \"r\" {\n  v = local.l0\n  big = length(range(10000))\n  bigger = [for i in range(10000) : [for j in range(10000) : j]]\n}\n");
    let ev = run(&[("main.tf", &deep)]);
    assert!(unknown(attr(&ev, "x_y.r", "v")).contains("too deeply"));
    assert_eq!(attr(&ev, "x_y.r", "big").as_int(), Some(10000));
    assert!(
        attr(&ev, "x_y.r", "bigger").unknown_why().is_some()
            || attr(&ev, "x_y.r", "bigger").items().is_some()
    );
}

#[test]
fn an_item_picked_from_a_list_inside_a_module_keeps_a_label_on_the_calling_argument() {
    // The shape of the common ECS instance module: the image passed in is picked out of a
    // list built from it. The finding is inside the module, so the user's own line must
    // appear among its labels.
    let module = r#"
variable "image_id" { default = "" }
variable "image_ids" { default = [] }
resource "alicloud_instance" "this" {
  count    = 1
  image_id = element(distinct(compact(concat([var.image_id], var.image_ids))), count.index)
  second   = [var.image_id][0]
  third    = one([var.image_id])
}
"#;
    let root = r#"
module "ecs" {
  source   = "./ecs"
  image_id = "centos_7_9_x64_20G_alibase_20240321.vhd"
}
"#;
    let ev = run(&[("root/main.tf", root), ("root/ecs/main.tf", module)]);
    for name in ["image_id", "second", "third"] {
        let image = attr(&ev, "module.ecs.alicloud_instance.this[0]", name);
        assert_eq!(string(image), "centos_7_9_x64_20G_alibase_20240321.vhd");
        let set = image.via.iter().find(|l| l.location.file.name == "root/main.tf");
        let set = set.unwrap_or_else(|| panic!("{name}: no label in the calling module: {:?}", image.via));
        assert_eq!(set.message, "the value is set here");
        assert_eq!(text(&set.location), "\"centos_7_9_x64_20G_alibase_20240321.vhd\"");
    }
}

#[test]
fn an_item_picked_from_a_tfvars_list_gets_no_second_label_in_the_same_place() {
    let main = r#"
variable "images" {}
resource "alicloud_instance" "a" {
  image_id = element(var.images, 0)
  second   = var.images[0]
}
"#;
    let tfvars = "images = [\"centos_7_9_x64_20G_alibase_20240321.vhd\"]\n";
    let ev = run(&[("main.tf", main), ("terraform.tfvars", tfvars)]);
    for name in ["image_id", "second"] {
        let image = attr(&ev, "alicloud_instance.a", name);
        assert_eq!(image.at.file.name, "main.tf");
        let in_tfvars: Vec<_> =
            image.via.iter().filter(|l| l.location.file.name == "terraform.tfvars").collect();
        assert_eq!(in_tfvars.len(), 1, "{name}: {:?}", image.via);
        assert_eq!(in_tfvars[0].message, "set in terraform.tfvars");
    }
}

#[test]
fn a_lookup_image_stays_one_image_through_compact_and_distinct() {
    // The public ECS instance module: `element(distinct(compact(concat([var.image_id],
    // var.image_ids))), count.index)` with the image from a lookup and no `image_ids`.
    let module = r#"
variable "image_id" { default = "" }
variable "image_ids" { default = [] }
variable "more" { default = [] }
resource "alicloud_instance" "this" {
  count    = 2
  image_id = element(distinct(compact(concat([var.image_id], var.image_ids))), count.index)
  two      = element(distinct(compact(concat([var.image_id], var.more))), count.index)
  named    = compact([var.image_id, data.alicloud_images.own.output_file])
}
data "alicloud_images" "own" {
  name_regex = "^centos"
}
"#;
    let root = r#"
data "alicloud_images" "ubuntu" {
  name_regex = "^ubuntu_22_04_x64"
}
data "alicloud_images" "centos" {
  name_regex = "^centos_7"
}
module "one" {
  source    = "./ecs"
  image_id  = data.alicloud_images.ubuntu.ids[0]
  image_ids = [data.alicloud_images.ubuntu.ids[0]]
}
module "two" {
  source   = "./ecs"
  image_id = data.alicloud_images.ubuntu.ids[0]
  more     = [data.alicloud_images.centos.ids[0], ""]
}
"#;
    let ev = run(&[("root/main.tf", root), ("root/ecs/main.tf", module)]);
    for i in 0..2 {
        let address = format!("module.one.alicloud_instance.this[{i}]");
        let image = attr(&ev, &address, "image_id");
        let reference = image.reference().unwrap_or_else(|| panic!("{address}: {image:?}"));
        assert_eq!(reference.path, ["ids", "0"]);
        assert!(reference.key.contains("ubuntu"), "{}", reference.key);
        // Two lookups may or may not select the same image: the length of the list, and
        // so which item `count.index` picks, is not known.
        let two = attr(&ev, &format!("module.two.alicloud_instance.this[{i}]"), "two");
        assert!(two.reference().is_none());
        assert!(!unknown(two).starts_with("error"), "{two:?}");
    }
    // An attribute that may be empty after apply: whether `compact` keeps it is not
    // known, and that is no error `try` would skip.
    let named = attr(&ev, "module.one.alicloud_instance.this[0]", "named");
    assert!(unknown(named).contains("after apply"), "{named:?}");
}

#[test]
fn optional_attributes_of_a_variables_type_take_their_defaults() {
    let variables = r#"variable "node" {
  type = object({
    instance_type = optional(string, "ecs.g8y.large")
    disk_size     = optional(number, 40)
    zone          = optional(string)
    disks         = optional(list(object({ size = optional(number, 20), category = string })), [])
    name          = string
  })
  default = { name = "n", disks = [{ category = "cloud_essd" }] }
}
variable "nodes" {
  type    = map(object({ type = optional(string, "ecs.g7.large") }))
  default = { a = {}, b = { type = "ecs.c7.large" } }
}
variable "given" { type = object({ type = optional(string, "from-type") }) }
variable "extra" {
  type    = object({ type = optional(string, "ecs.g8y.large") })
  default = { extra = "ecs.g7.large" }
}
variable "partial" {
  type    = object({ name = string })
  default = {}
}
"#;
    let main = r#"resource "x_y" "r" {
  type     = try(var.node.instance_type, "ecs.g7.large")
  disk     = lookup(var.node, "disk_size", 20)
  zone     = coalesce(var.node.zone, "none")
  size     = var.node.disks[0].size
  a        = var.nodes.a.type
  b        = var.nodes.b.type
  given    = var.given.type
  required = var.partial.name
  extra    = try(var.extra.extra, "fallback")
}
module "m" {
  source = "./m"
  node   = {}
}
"#;
    let module = "variable \"node\" { type = object({ type = optional(string, \"in-module\") }) }\nresource \"x_y\" \"m\" { type = var.node.type }\n";
    let tfvars = "given = { type = null }\n";
    let ev = run(&[
        ("main.tf", main),
        ("variables.tf", variables),
        ("terraform.tfvars", tfvars),
        ("m/main.tf", module),
    ]);
    let get = |name: &str| attr(&ev, "x_y.r", name);
    // Terraform fills the default in: `try` does not fall back, `lookup` finds it.
    let ty = get("type");
    assert_eq!(string(ty), "ecs.g8y.large");
    assert!(ty.via.iter().any(|l| l.message == "default of var.node.instance_type in its type"), "{ty:?}");
    assert_eq!(get("disk").as_int(), Some(40));
    // Without a default, an optional attribute is null, never "no attribute".
    assert_eq!(string(get("zone")), "none");
    // Through lists and maps of objects; a value set (and not null) is kept.
    assert_eq!(get("size").as_int(), Some(20));
    assert_eq!(string(get("a")), "ecs.g7.large");
    assert_eq!(string(get("b")), "ecs.c7.large");
    // A `.tfvars` value is converted too: `null` takes the default.
    assert_eq!(string(get("given")), "from-type");
    // A required attribute the value lacks: Terraform rejects it, so it is unknown.
    assert!(unknown(get("required")).contains("required by the variable's type"), "{:?}", get("required"));
    // An attribute the type does not declare is dropped, as Terraform drops it.
    assert_eq!(string(get("extra")), "fallback");
    // A local module's input is converted to its variable's type.
    assert_eq!(string(attr(&ev, "module.m.x_y.m", "type")), "in-module");
}
#[path = "eval_semantics_tests.rs"]
mod semantics;

#[path = "eval_bounds_tests.rs"]
mod bounds;

#[path = "eval_values_tests.rs"]
mod values;

#[path = "eval_types_tests.rs"]
mod types_rejected;

#[path = "eval_functions_tests.rs"]
mod functions;
