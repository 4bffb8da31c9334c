//! Unit tests of Terraform semantics that a trial on public configurations found read
//! wrongly: each was a false finding on a valid configuration.

use super::*;

#[test]
fn an_object_constructor_may_write_a_key_twice_and_the_last_value_wins() {
    let main = r#"
locals {
  settings = {
    image = "first"
    "image" = "second"
    size  = 20
    image = "third"
  }
  quoted = {
    "a.b" = 1
    "a.b" = 2
  }
  tags = { a = 1, a = 2, a = 3, b = 4, z = 5, z = 6 }
}
resource "x_y" "r" {
  image = local.settings.image
  size  = local.settings.size
  ab    = local.quoted["a.b"]
  count_keys = length(local.tags)
  a     = local.tags.a
  z     = local.tags.z
}
"#;
    let ev = run(&[("main.tf", main)]);
    assert!(ev.findings.is_empty(), "{:?}", ev.findings.iter().map(|f| &f.message).collect::<Vec<_>>());
    let image = attr(&ev, "x_y.r", "image");
    assert_eq!(string(image), "third");
    assert_eq!(attr(&ev, "x_y.r", "size").as_int(), Some(20));
    assert_eq!(attr(&ev, "x_y.r", "ab").as_int(), Some(2));
    assert_eq!(attr(&ev, "x_y.r", "count_keys").as_int(), Some(3));
    assert_eq!(attr(&ev, "x_y.r", "a").as_int(), Some(3));
    assert_eq!(attr(&ev, "x_y.r", "z").as_int(), Some(6));
    // The value points at what was written, in the file as it is.
    assert_eq!(text(&image.at), "local.settings.image");
}

#[test]
fn a_name_in_parentheses_as_an_object_key_is_evaluated() {
    // `(k)` is the `for` expression's `k` (checked with `terraform console` 1.11); it was
    // read as the key `"k"`, so the look-up below fell back to its default.
    let main = r#"
locals {
  k = "zz"
  m = [for k in ["a"] : { (k) = "ecs.g7.large", plain = 1 }]
}
resource "x_y" "r" {
  type  = lookup(local.m[0], "a", "ecs.t1.small")
  plain = local.m[0].plain
  local = { (local.k) = 2 }.zz
}
"#;
    let ev = run(&[("main.tf", main)]);
    assert_eq!(string(attr(&ev, "x_y.r", "type")), "ecs.g7.large");
    assert_eq!(attr(&ev, "x_y.r", "plain").as_int(), Some(1));
    assert_eq!(attr(&ev, "x_y.r", "local").as_int(), Some(2));
}

#[test]
fn a_key_in_parentheses_written_twice_is_evaluated_and_the_last_value_wins() {
    // `terraform console` 1.11: `{ (local.k) = 1, (local.k) = 2 }` is `{ "a" = 2 }`; a key
    // in parentheses over lines, beside `==`, or a template is read whole. `hcl-edit`
    // rejected the repeated key, so the file was an S001.
    let main = r#"
locals {
  k = "a"
  o = { (local.k) = "ecs.t1.small", (local.k) = "ecs.g7.large" }
  p = {
    (
      local.k
    ) = 1
    "a" = 2
    (
      local.k
    ) : 3
  }
  q = { (local.k == "a") = "yes", (local.k == "a") = "last", x = 1 }
  r = { (local.k) == "a" = 1, (local.k) == "a" = 2 }
  t = { "${local.k}b" = 1, "${local.k}b" = 2, "" = 3, "" = 4, "a:=${local.k}" = 5, "a:=${local.k}" = 6 }
}
resource "x_y" "r" {
  type = local.o.a
  p    = local.p.a
  size = length(local.o)
  q    = local.q["true"]
  r    = local.r["true"]
  t    = [local.t.ab, local.t[""], local.t["a:=a"], length(local.t)]
}
"#;
    let ev = run(&[("main.tf", main)]);
    assert!(ev.findings.is_empty(), "{:?}", ev.findings.iter().map(|f| &f.message).collect::<Vec<_>>());
    assert_eq!(string(attr(&ev, "x_y.r", "type")), "ecs.g7.large");
    assert_eq!(attr(&ev, "x_y.r", "p").as_int(), Some(3));
    assert_eq!(attr(&ev, "x_y.r", "size").as_int(), Some(1));
    assert_eq!(string(attr(&ev, "x_y.r", "q")), "last");
    assert_eq!(attr(&ev, "x_y.r", "r").as_int(), Some(2));
    let t = attr(&ev, "x_y.r", "t").items().expect("a list").iter().map(Val::as_int).collect::<Vec<_>>();
    assert_eq!(t, [Some(2), Some(4), Some(6), Some(3)]);
    // The value points at what was written, in the file as it is, through the local.
    let picked = &attr(&ev, "x_y.r", "type").at;
    assert_eq!(text(picked), "local.o.a");
}

#[test]
fn an_attribute_written_twice_in_a_block_is_still_a_syntax_error() {
    // Terraform rejects it ("Attribute redefined"): only object keys may repeat.
    let ev = run(&[("main.tf", "resource \"x_y\" \"r\" {\n  a = 1\n  a = 2\n}\n")]);
    assert_eq!(ev.findings.len(), 1);
    assert_eq!(ev.findings[0].code, "S001");
}

#[test]
fn maps_and_sets_are_iterated_in_terraforms_order_not_as_written() {
    let main = r#"
variable "images" {
  default = {
    zeta  = "z-image"
    alpha = "a-image"
  }
}
variable "names" {
  type    = set(string)
  default = ["zeta", "alpha", "zeta", "mid"]
}
variable "listed" {
  type    = list(string)
  default = ["zeta", "alpha"]
}
locals {
  pairs = { b = 2, a = 1 }
}
resource "x_y" "r" {
  from_for      = [for k, v in var.images : v][0]
  key_from_for  = [for k, v in var.images : k][0]
  from_values   = values(var.images)[0]
  from_toset    = tolist(toset(["zeta", "alpha"]))[0]
  from_element  = element(tolist(toset(["zeta", "alpha"])), 0)
  numbers       = tolist(toset([10, 9, 100]))[0]
  mixed         = tolist(toset([10, "9"]))[0]
  from_set_var  = tolist(var.names)[0]
  set_length    = length(var.names)
  for_set_var   = [for n in var.names : n][0]
  elem_set_var  = element(tolist(var.names), 0)
  list_var      = var.listed[0]
  union         = tolist(setunion(["z"], ["b", "a"]))[0]
  template      = "%{for k, v in local.pairs}${k}${v}%{endfor}"
  json          = jsonencode(local.pairs)
  object_for    = [for k, v in { for k, v in local.pairs : k => v } : k][0]
}
"#;
    let ev = run(&[("main.tf", main)]);
    assert!(ev.findings.is_empty(), "{:?}", ev.findings.iter().map(|f| &f.message).collect::<Vec<_>>());
    let get = |name| string(attr(&ev, "x_y.r", name));
    assert_eq!(get("from_for"), "a-image");
    assert_eq!(get("key_from_for"), "alpha");
    assert_eq!(get("from_values"), "a-image");
    assert_eq!(get("from_toset"), "alpha");
    assert_eq!(get("from_element"), "alpha");
    assert_eq!(attr(&ev, "x_y.r", "numbers").as_int(), Some(9));
    assert_eq!(attr(&ev, "x_y.r", "mixed").as_str().as_deref(), Some("10"));
    assert_eq!(get("from_set_var"), "alpha");
    assert_eq!(attr(&ev, "x_y.r", "set_length").as_int(), Some(3));
    assert_eq!(get("for_set_var"), "alpha");
    assert_eq!(get("elem_set_var"), "alpha");
    // A list keeps its order.
    assert_eq!(get("list_var"), "zeta");
    assert_eq!(get("union"), "a");
    assert_eq!(get("template"), "a1b2");
    assert_eq!(get("json"), r#"{"a":1,"b":2}"#);
    assert_eq!(get("object_for"), "a");
}

#[test]
fn dynamic_blocks_over_a_map_are_in_key_order() {
    let main = r#"
resource "x_y" "r" {
  dynamic "disk" {
    for_each = { second = 40, first = 20 }
    content {
      size = disk.value
    }
  }
}
"#;
    let ev = run(&[("main.tf", main)]);
    let disks = attr(&ev, "x_y.r", "disk").items().expect("a list of blocks");
    let sizes: Vec<_> = disks.iter().map(|d| d.get("size").and_then(Val::as_int)).collect();
    assert_eq!(sizes, [Some(20), Some(40)]);
}

#[test]
fn the_workspace_is_chosen_when_terraform_runs_so_it_is_unknown() {
    let main = r#"
locals {
  image = terraform.workspace == "legacy" ? "old" : "new"
}
resource "x_y" "r" {
  image = local.image
  name  = "app-${terraform.workspace}"
}
resource "x_y" "only_default" {
  count = terraform.workspace == "default" ? 1 : 0
}
"#;
    let ev = run(&[("main.tf", main)]);
    assert!(unknown(attr(&ev, "x_y.r", "image")).contains("terraform.workspace"));
    assert!(unknown(attr(&ev, "x_y.r", "name")).contains("terraform.workspace"));
    let only = block(&ev, "x_y.only_default[*]");
    assert!(
        matches!(&only.repeat, Repeat::Unknown(why) if why.contains("terraform.workspace")),
        "{:?}",
        only.repeat
    );
}

#[test]
fn a_variable_declared_twice_in_a_module_is_unknown() {
    let aliyun = r#"
variable "region" { default = "cn-shanghai" }
variable "zone" { default = "cn-shanghai-b" }
resource "x_y" "r" {
  region = var.region
  zone   = var.zone
}
module "child" {
  source = "./child"
  size   = 40
}
"#;
    let vultr = "variable \"region\" {\n  default = \"lax\"\n}\n";
    let child = "variable \"size\" {}\nvariable \"size\" {\n  default = 20\n}\nresource \"x_y\" \"c\" {\n  size = var.size\n}\n";
    let ev = run(&[
        ("root/aliyun.tf", aliyun),
        ("root/vultr.tf", vultr),
        ("root/terraform.tfvars", "region = \"cn-beijing\"\n"),
        ("root/child/main.tf", child),
    ]);
    let region = attr(&ev, "x_y.r", "region");
    assert!(unknown(region).contains("declared more than once"), "{region:?}");
    assert_eq!(text(&region.at), "var.region");
    // A variable declared once beside it keeps its value.
    assert_eq!(string(attr(&ev, "x_y.r", "zone")), "cn-shanghai-b");
    // In a local module too, whatever the call passes.
    assert!(unknown(attr(&ev, "module.child.x_y.c", "size")).contains("declared more than once"));
}

#[test]
fn override_files_are_merged_into_the_blocks_they_name() {
    let main = r#"
provider "alicloud" {
  region = "cn-hangzhou"
}
provider "alicloud" {
  alias  = "hk"
  region = "cn-hongkong"
}
variable "size" { default = 20 }
locals {
  name = "main"
  kept = "kept"
}
resource "x_y" "r" {
  image = "main-image"
  size  = var.size
  name  = local.name
  kept  = local.kept
  disk {
    size = 1
  }
  disk {
    size = 2
  }
  other {
    size = 3
  }
}
resource "x_y" "h" {
  provider = alicloud.hk
}
"#;
    let a_override = r#"
resource "x_y" "r" {
  image = "first-override"
  added = "added"
  disk {
    size = 9
  }
}
provider "alicloud" {
  alias  = "hk"
  region = "ap-southeast-1"
}
resource "x_y" "missing" {
  image = "no base: Terraform's error"
}
locals {
  name = "overridden"
}
"#;
    let last =
        r#"{"resource": {"x_y": {"r": {"image": "json-override"}}}, "variable": {"size": {"default": 40}}}"#;
    let ev = run(&[("m/main.tf", main), ("m/z_override.tf.json", last), ("m/a_override.tf", a_override)]);
    assert!(ev.findings.is_empty(), "{:?}", ev.findings.iter().map(|f| &f.message).collect::<Vec<_>>());
    // Override files apply in lexical order of name: the JSON one last.
    let image = attr(&ev, "x_y.r", "image");
    assert_eq!(string(image), "json-override");
    assert_eq!(image.at.file.name, "m/z_override.tf.json");
    assert_eq!(text(&image.at), "\"json-override\"");
    let added = attr(&ev, "x_y.r", "added");
    assert_eq!(string(added), "added");
    assert_eq!(text(&added.at), "\"added\"");
    assert_eq!(attr(&ev, "x_y.r", "size").as_int(), Some(40));
    assert_eq!(string(attr(&ev, "x_y.r", "name")), "overridden");
    assert_eq!(string(attr(&ev, "x_y.r", "kept")), "kept");
    // A nested block type written in the override replaces every block of that type.
    let sizes = |name| -> Vec<Option<i64>> {
        let blocks = attr(&ev, "x_y.r", name).items().expect("blocks");
        blocks.iter().map(|d| d.get("size").and_then(Val::as_int)).collect()
    };
    assert_eq!(sizes("disk"), [Some(9)]);
    assert_eq!(sizes("other"), [Some(3)]);
    // A provider is matched by its alias.
    assert_eq!(block(&ev, "x_y.h").region.as_str().as_deref(), Some("ap-southeast-1"));
    // A block an override file names but no other file has is not a block of the module.
    assert!(ev.blocks.iter().all(|b| b.address != "x_y.missing"));
    assert_eq!(ev.blocks.len(), 2);
}

#[test]
fn later_override_files_win_and_json_blocks_replace_blocks() {
    let main = r#"
locals {
  image = "main"
}
resource "x_y" "r" {
  provider = alicloud
  image    = local.image
  disk {
    size = 20
  }
  disk {
    size = 30
  }
}
"#;
    // Each override file sets the local again: the last one wins.
    let a = "locals {\n  image = \"first\"\n}\n";
    let b = "locals {\n  image = \"second\"\n}\n";
    // In JSON a nested block type is an attribute, and replaces the blocks of that type.
    let json = r#"{"resource": {"x_y": {"r": {"disk": [{"size": 99}]}}}}"#;
    // A default provider no other file configures: an absent one is an empty one.
    let provider = "provider \"alicloud\" {\n  region = \"cn-hangzhou\"\n}\n";
    let ev = run(&[
        ("m/main.tf", main),
        ("m/a_override.tf", a),
        ("m/b_override.tf", b),
        ("m/c_override.tf.json", json),
        ("m/d_override.tf", provider),
    ]);
    assert!(ev.findings.is_empty(), "{:?}", ev.findings.iter().map(|f| &f.message).collect::<Vec<_>>());
    assert_eq!(string(attr(&ev, "x_y.r", "image")), "second");
    let disks = attr(&ev, "x_y.r", "disk").items().expect("blocks");
    let sizes: Vec<Option<i64>> = disks.iter().map(|d| d.get("size").and_then(Val::as_int)).collect();
    assert_eq!(sizes, [Some(99)]);
    assert_eq!(block(&ev, "x_y.r").region.as_str().as_deref(), Some("cn-hangzhou"));
}

#[test]
fn sensitive_and_nonsensitive_leave_the_value_as_it_is() {
    let main = r#"
variable "image" {
  default   = "ubuntu_22_04_x64_20G_alibase_20240926.vhd"
  sensitive = true
}
variable "missing" {}
resource "x_y" "r" {
  marked   = sensitive(var.image)
  unmarked = nonsensitive(sensitive("ecs.g7.large"))
  unknown  = sensitive(var.missing)
}
"#;
    let ev = run(&[("main.tf", main)]);
    assert!(ev.findings.is_empty(), "{:?}", ev.findings.iter().map(|f| &f.message).collect::<Vec<_>>());
    let marked = attr(&ev, "x_y.r", "marked");
    assert_eq!(string(marked), "ubuntu_22_04_x64_20G_alibase_20240926.vhd");
    assert_eq!(text(&marked.at), "sensitive(var.image)");
    assert_eq!(string(attr(&ev, "x_y.r", "unmarked")), "ecs.g7.large");
    assert!(unknown(attr(&ev, "x_y.r", "unknown")).contains("`var.missing` has no default"));
}

#[test]
fn integers_past_two_to_the_53_keep_their_digits() {
    // Terraform's numbers are exact: 9007199254740993 and 9007199254740992 are two accounts.
    // As 64-bit floats they were one, and a share list read them as a repeated account.
    let main = r#"
variable "accounts" {
  default = [9007199254740993, 9007199254740992, 1234567890123456]
}
resource "x_y" "r" {
  first  = var.accounts[0]
  second = var.accounts[1]
  third  = var.accounts[2]
  text   = "${var.accounts[0]}"
  json   = jsonencode({ a = 9876543210987653 })
  sum    = 1234567890123456 + 1
}
"#;
    let json = r#"{"resource": {"x_y": {"j": {"account": 9876543210987653}}}}"#;
    let ev = run(&[("main.tf", main), ("more.tf.json", json)]);
    let get = |name: &str| attr(&ev, "x_y.r", name);
    assert_eq!(string(get("first")), "9007199254740993");
    // 2^53 is a float like any other.
    let second = match &get("second").value {
        Value::Number(n) => crate::terraform::value::number_to_string(*n),
        other => format!("{other:?}"),
    };
    assert_eq!(second, "9007199254740992");
    assert_eq!(get("third").as_int(), Some(1_234_567_890_123_456));
    assert_eq!(string(get("text")), "9007199254740993");
    // Terraform writes the number unquoted; the digits here are a string, which might have
    // been written as one, so `jsonencode` cannot tell which to write.
    assert!(matches!(get("json").value, Value::Unknown(_)), "{:?}", get("json").value);
    assert_eq!(get("sum").as_int(), Some(1_234_567_890_123_457));
    assert_eq!(string(attr(&ev, "x_y.j", "account")), "9876543210987653");
}

#[test]
fn a_variable_that_is_not_nullable_takes_its_default_when_given_null() {
    let module = r#"
variable "image" {
  type     = string
  default  = "from-default"
  nullable = false
}
variable "plain" {
  default = "from-default"
}
resource "x_y" "r" {
  image = var.image
  plain = var.plain == null ? "null" : var.plain
}
"#;
    let main = r#"
module "m" {
  source = "./m"
  image  = null
  plain  = null
}
"#;
    let ev = run(&[("main.tf", main), ("m/main.tf", module)]);
    assert_eq!(string(attr(&ev, "module.m.x_y.r", "image")), "from-default");
    // Nullable (Terraform's default): `null` is the value, whatever the default.
    assert_eq!(string(attr(&ev, "module.m.x_y.r", "plain")), "null");
    // A root module's variable set to `null` in a variables file, the same way.
    let tfvars = "image = null\nplain = null\n";
    let ev = run(&[("main.tf", module), ("terraform.tfvars", tfvars)]);
    assert_eq!(string(attr(&ev, "x_y.r", "image")), "from-default");
    assert_eq!(string(attr(&ev, "x_y.r", "plain")), "null");
    // A value that is not null is kept.
    let ev = run(&[("main.tf", module), ("terraform.tfvars", "image = \"given\"\n")]);
    assert_eq!(string(attr(&ev, "x_y.r", "image")), "given");
}

#[test]
fn json_blocks_may_be_arrays_of_objects_at_every_label_level() {
    // HCL's JSON syntax: where labels are expected, an array of objects is the objects one
    // after the other (a generator may write every block in its own object).
    let json = r#"{
  "variable": [{ "image": { "default": "first" } }, { "size": { "default": 2 } }],
  "resource": [
    { "x_y": { "a": { "image": "${var.image}" } } },
    { "x_y": [{ "b": { "size": "${var.size}" } }, { "c": { "n": 3 } }] }
  ],
  "module": { "m": [{ "source": "./m" }] }
}"#;
    let module = "resource \"x_y\" \"inner\" {\n  n = 4\n}\n";
    let ev = run(&[("main.tf.json", json), ("m/main.tf", module)]);
    assert!(ev.findings.is_empty(), "{:?}", ev.findings.iter().map(|f| &f.message).collect::<Vec<_>>());
    assert_eq!(string(attr(&ev, "x_y.a", "image")), "first");
    assert_eq!(attr(&ev, "x_y.b", "size").as_int(), Some(2));
    assert_eq!(attr(&ev, "x_y.c", "n").as_int(), Some(3));
    assert_eq!(attr(&ev, "module.m.x_y.inner", "n").as_int(), Some(4));
}

#[test]
fn a_block_opentofu_does_not_create_is_not_read() {
    // OpenTofu 1.11: `lifecycle { enabled = false }` creates no instance, as `count = 0`.
    let main = r#"
variable "legacy" {
  type    = bool
  default = false
}
variable "unset" {
  type = bool
}
resource "x_y" "off" {
  lifecycle {
    enabled = var.legacy
  }
}
resource "x_y" "on" {
  lifecycle {
    enabled = !var.legacy
  }
}
resource "x_y" "maybe" {
  lifecycle {
    enabled = var.unset
  }
}
module "m" {
  source = "./m"
  lifecycle {
    enabled = false
  }
}
"#;
    let json = r#"{"resource": {"x_y": {"json_off": {"lifecycle": {"enabled": false}}, "json_on": {"lifecycle": [{"enabled": true}]}}}}"#;
    let ev = run(&[
        ("main.tofu", main),
        ("extra.tofu.json", json),
        ("m/main.tofu", "resource \"x_y\" \"inner\" {}\n"),
    ]);
    let addresses: Vec<&str> = ev.blocks.iter().map(|b| b.address.as_str()).collect();
    assert!(addresses.contains(&"x_y.on") && addresses.contains(&"x_y.json_on"), "{addresses:?}");
    for absent in ["x_y.off", "x_y.json_off", "module.m.x_y.inner"] {
        assert!(!addresses.contains(&absent), "{absent}: {addresses:?}");
    }
    // Not known: an unknown number of instances, as for an unknown `count`.
    let maybe = ev.blocks.iter().find(|b| b.address == "x_y.maybe[*]").expect("x_y.maybe[*]");
    assert!(matches!(&maybe.repeat, Repeat::Unknown(why) if why.contains("var.unset")), "{:?}", maybe.repeat);
}

#[test]
fn a_provider_with_for_each_gives_each_instance_the_region_of_its_key() {
    // OpenTofu 1.9: `provider = alicloud.by_region[each.key]`. The default provider's region
    // was taken instead (a false F001 for Windows in a mainland region).
    let main = r#"
provider "alicloud" {
  region = "ap-southeast-1"
}
variable "unset" {
  type = set(string)
}
provider "alicloud" {
  alias    = "by_region"
  for_each = toset(["cn-hangzhou", "eu-central-1"])
  region   = each.value
}
provider "alicloud" {
  alias    = "unknown_keys"
  for_each = var.unset
  region   = each.value
}
resource "x_y" "r" {
  for_each = toset(["cn-hangzhou", "eu-central-1"])
  provider = alicloud.by_region[each.key]
}
resource "x_y" "missing" {
  provider = alicloud.by_region["us-west-1"]
}
resource "x_y" "later" {
  provider = alicloud.unknown_keys["cn-beijing"]
}
module "m" {
  source    = "./m"
  for_each  = toset(["eu-central-1"])
  providers = { alicloud = alicloud.by_region[each.key] }
}
module "lost" {
  source    = "./m"
  providers = { alicloud = alicloud.nowhere }
}
"#;
    let ev = run(&[("main.tofu", main), ("m/main.tofu", "resource \"alicloud_instance\" \"inner\" {}\n")]);
    let region = |address: &str| {
        let block = ev.blocks.iter().find(|b| b.address == address).unwrap_or_else(|| panic!("{address}"));
        block.region.clone()
    };
    assert_eq!(string(&region("x_y.r[\"cn-hangzhou\"]")), "cn-hangzhou");
    assert_eq!(string(&region("x_y.r[\"eu-central-1\"]")), "eu-central-1");
    assert_eq!(string(&region("module.m[\"eu-central-1\"].alicloud_instance.inner")), "eu-central-1");
    for address in ["x_y.missing", "x_y.later", "module.lost.alicloud_instance.inner"] {
        let region = region(address);
        assert!(region.unknown_why().is_some(), "{address}: {region:?}");
    }
}

#[test]
fn a_module_source_from_a_variable_is_followed_and_what_it_may_name_is_no_root() {
    // OpenTofu 1.8 evaluates a module's `source` from variables and locals. The directory
    // it names was read as a root with its own defaults (a false L001 on a default the call
    // overrides); so was every other directory the template may name.
    let main = r#"
variable "env" {
  default = "prod"
}
module "ecs" {
  source = "./modules/${var.env}"
  image  = "ubuntu"
}
"#;
    let module = "variable \"image\" {\n  default = \"centos\"\n}\nresource \"x_y\" \"this\" {\n  image = var.image\n}\n";
    let ev =
        run(&[("main.tofu", main), ("modules/prod/main.tofu", module), ("modules/dev/main.tofu", module)]);
    let keys: Vec<&str> = ev.blocks.iter().map(|b| b.key.as_str()).collect();
    assert_eq!(keys, [".#module.ecs.x_y.this"]);
    assert_eq!(string(attr(&ev, "module.ecs.x_y.this", "image")), "ubuntu");
    // A source that cannot be known reads no module, and still takes none for a root.
    let unknown = main.replace("default = \"prod\"", "type = string");
    let ev = run(&[("main.tofu", &unknown), ("modules/prod/main.tofu", module)]);
    assert!(ev.blocks.is_empty(), "{:?}", ev.blocks.iter().map(|b| &b.key).collect::<Vec<_>>());
    // A source from a local, or from `path.module`: the directory it reaches is a module,
    // not a root with its own defaults too.
    for source in ["local.dir", "\"${local.base}/prod\"", "\"${path.module}/modules/${var.env}\""] {
        let main = format!(
            "variable \"env\" {{\n  default = \"prod\"\n}}\nlocals {{\n  dir  = \"./modules/prod\"\n  base = \"./modules\"\n}}\n\
             module \"ecs\" {{\n  source = {source}\n  image  = \"ubuntu\"\n}}\n"
        );
        let ev = run(&[("main.tofu", &main), ("modules/prod/main.tofu", module)]);
        let keys: Vec<&str> = ev.blocks.iter().map(|b| b.key.as_str()).collect();
        assert_eq!(keys, [".#module.ecs.x_y.this"], "{source}");
    }
}
