//! Values as Terraform makes them: variables (precedence, conversion to their type),
//! templates and heredocs, and the region of a provider that names none.

use super::*;

#[test]
fn variables_take_terraforms_precedence() {
    let decl = "variable \"a\" { default = \"default\" }\nvariable \"b\" { default = \"default\" }\nvariable \"c\" { default = \"default\" }\nvariable \"d\" { default = \"default\" }\nvariable \"e\" { default = \"default\" }\nvariable \"n\" { type = list(string) }\nvariable \"s\" {}\n";
    let main = "resource \"x_y\" \"r\" {\n  a = var.a\n  b = var.b\n  c = var.c\n  d = var.d\n  e = var.e\n  n = var.n\n  s = var.s\n}\n";
    let options = Options {
        region: None,
        vars: vec![
            ("e".into(), "from --var".into()),
            ("n".into(), "[\"x\", \"y\"]".into()),
            ("s".into(), "[1]".into()),
        ],
        var_files: files(&[("extra.tfvars", "d = \"var-file\"\ne = \"var-file\"\n")]),
        twins_on_disk: false,
        unknown_vars: Vec::new(),
        vars_after_files: Vec::new(),
        unread: crate::iac::Unread::default(),
    };
    let ev = run_with(
        &[
            ("env/main.tf", main),
            ("env/variables.tf", decl),
            ("env/terraform.tfvars", "a = \"tfvars\"\nb = \"tfvars\"\nc = \"tfvars\"\n"),
            ("env/terraform.tfvars.json", "{\"b\": \"tfvars.json\", \"c\": \"tfvars.json\"}"),
            ("env/b.auto.tfvars", "c = \"b.auto\"\n"),
            ("env/a.auto.tfvars", "c = \"a.auto\"\nd = \"a.auto\"\n"),
            ("other/terraform.tfvars", "a = \"another directory\"\n"),
        ],
        &options,
    );
    let get = |name: &str| attr(&ev, "x_y.r", name);
    assert_eq!(string(get("a")), "tfvars");
    assert_eq!(get("a").via[0].message, "set in terraform.tfvars");
    assert_eq!(text(&get("a").via[0].location), "\"tfvars\"");
    assert_eq!(string(get("b")), "tfvars.json");
    assert_eq!(string(get("c")), "b.auto");
    assert_eq!(string(get("d")), "var-file");
    assert_eq!(string(get("e")), "from --var");
    assert!(get("e").via.is_empty(), "--var has no file to label");
    let list = get("n").items().expect("a --var of a list type is an HCL expression");
    assert_eq!(list.iter().map(string).collect::<Vec<_>>(), ["x", "y"]);
    assert_eq!(string(get("s")), "[1]", "an untyped --var is a literal string");
}

#[test]
fn a_variable_is_converted_to_its_primitive_type() {
    // Terraform converts a value to the variable's `type`: `"false"` in a `.tfvars` file for a
    // `bool` is `false`, so `var.legacy == false` holds; `"3"` for a `number` equals 3.
    let module = r#"
variable "legacy" {
  type = bool
}
variable "major" {
  type = number
}
variable "label" {
  type = string
}
variable "bad" {
  type = number
}
variable "anything" {
  type = any
}
variable "big" {
  type    = number
  default = 0
}
resource "x_y" "r" {
  big      = "${var.big}"
  legacy   = var.legacy == false ? "new" : "old"
  major    = var.major == 3 ? "three" : "other"
  label    = var.label == "3" ? "string" : "number"
  bad      = var.bad
  anything = var.anything == 3 ? "number" : "kept"
}
"#;
    let tfvars = "legacy = \"false\"\nmajor = \"3\"\nlabel = 3\nbad = \"x\"\nanything = \"3\"\nbig = 9007199254740993\n";
    let ev = run(&[("main.tf", module), ("terraform.tfvars", tfvars)]);
    assert_eq!(string(attr(&ev, "x_y.r", "legacy")), "new");
    assert_eq!(string(attr(&ev, "x_y.r", "major")), "three");
    assert_eq!(string(attr(&ev, "x_y.r", "label")), "string");
    // A value Terraform rejects is not known; `any` converts nothing.
    assert!(attr(&ev, "x_y.r", "bad").unknown_why().is_some_and(|why| why.contains("not a number")));
    assert_eq!(string(attr(&ev, "x_y.r", "anything")), "kept");
    // An integer past 2^53 keeps its digits (an account ID), as a literal does.
    assert_eq!(string(attr(&ev, "x_y.r", "big")), "9007199254740993");
    // A module argument is converted the same way.
    let main = "module \"m\" {\n  source = \"./m\"\n  legacy = \"0\"\n  major = \"3\"\n  label = true\n  bad = 1\n  anything = 1\n}\n";
    let ev = run(&[("main.tf", main), ("m/main.tf", module)]);
    assert_eq!(string(attr(&ev, "module.m.x_y.r", "legacy")), "new");
    assert_eq!(string(attr(&ev, "module.m.x_y.r", "major")), "three");
    assert_eq!(string(attr(&ev, "module.m.x_y.r", "label")), "number");
}

#[test]
fn a_json_variable_type_is_the_type_expression_its_string_holds() {
    let json = r#"{
  "variable": {
    "node": {
      "type": "object({image = optional(string, \"from-type\"), size = optional(number)})",
      "default": {"extra": 1}
    },
    "names": { "type": "set(string)", "default": ["b", "a", "b"] }
  },
  "resource": { "x_y": { "r": {
    "image": "${try(var.node.image, \"fallback\")}",
    "extra": "${try(var.node.extra, \"dropped\")}",
    "names": "${join(\",\", var.names)}"
  } } }
}"#;
    let ev = run(&[("main.tf.json", json)]);
    assert_eq!(string(attr(&ev, "x_y.r", "image")), "from-type");
    assert_eq!(string(attr(&ev, "x_y.r", "extra")), "dropped");
    assert_eq!(string(attr(&ev, "x_y.r", "names")), "a,b");
}

#[test]
fn templates_strip_whitespace_and_dedent_heredocs_as_terraform_does() {
    use std::fmt::Write as _;
    // Each expected value is what `terraform console` (1.11) gives for the same template.
    let cases: [(&str, &str); 12] = [
        (r#""ecs.${local.v}.   ${~"large"}""#, "ecs.V.large"),
        (r#""%{for i, x in local.l~} [${i}${x}] %{~endfor}""#, "[0a][1b][2c]"),
        (r#""%{ if true ~}  yes  %{~ else ~}  no  %{~ endif }""#, "yes"),
        (r#""${local.v}   ${~local.v}""#, "VV"),
        // The strip marker of a heredoc takes the rest of its line, newline included.
        ("<<-EOT\n  %{~ if true ~}\n  image\n  %{~ endif ~}\nEOT\n", "  image\n"),
        // Lines that start with an interpolation are indented by nothing: no dedent.
        ("<<-EOT\n      x ${local.v}\n        y\n    EOT\n", "x V\n  y\n"),
        ("<<-EOT\n        ${local.v}\n      b\n      EOT\n", "  V\nb\n"),
        ("<<-EOT\n      a\n        ${local.v}\n      EOT\n", "a\n  V\n"),
        ("<<-EOT\n\n      after blank\n    EOT\n", "\nafter blank\n"),
        ("<<EOT\n  keep\n    ${local.v} indent\nEOT\n", "  keep\n    V indent\n"),
        // Escapes count as the text they write; the dedent reaches into directives.
        ("<<-EOT\n    $${not} here\n  %%{ also } not\nEOT\n", "  ${not} here\n%{ also } not\n"),
        (
            "<<-EOT\n    start\n    %{ for x in local.l ~}\n      %{ if x != \"b\" ~}\n        item ${x}\n      %{ endif ~}\n    %{ endfor ~}\n    end\nEOT\n",
            "start\n              item a\n                              item c\n          end\n",
        ),
    ];
    let mut module =
        String::from("locals {\n  v = \"V\"\n  l = [\"a\", \"b\", \"c\"]\n}\nresource \"x_y\" \"r\" {\n");
    for (i, (template, _)) in cases.iter().enumerate() {
        writeln!(module, "  t{i} = {template}").expect("a String takes any text");
    }
    module.push_str("}\n");
    let ev = run(&[("main.tf", &module)]);
    for (i, (template, expected)) in cases.iter().enumerate() {
        assert_eq!(string(attr(&ev, "x_y.r", &format!("t{i}"))), *expected, "{template}");
    }
}

#[test]
fn any_collections_unify_their_elements_and_primitive_var_values_are_converted() {
    // `map(any)` of a number and a string is a map of strings in Terraform (`terraform
    // console`: `var.os.major == "24"` is true); a `--var` for a `bool` or `number` is read
    // as a string and converted (`-var enabled=1` is true); " 5" is no number.
    let module = r#"
variable "os" {
  type    = map(any)
  default = { major = 24, minor = "04" }
}
variable "mixed" {
  type    = list(any)
  default = ["1", 2, true]
}
variable "enabled" {
  type = bool
}
variable "nested" {
  type    = list(map(any))
  default = [{ major = 24 }, { minor = "04" }]
}
variable "size" {
  type = number
}
resource "x_y" "r" {
  os      = var.os.major == "24" ? "string" : "number"
  mixed   = join(",", [for m in var.mixed : m == "2" ? "two" : "other"])
  enabled = var.enabled ? "on" : "off"
  nested  = var.nested[0].major == "24" ? "string" : "number"
  size    = var.size
}
"#;
    let options = Options {
        vars: vec![("enabled".into(), "1".into()), ("size".into(), " 5".into())],
        ..Options::default()
    };
    let ev = run_with(&[("main.tf", module)], &options);
    assert_eq!(string(attr(&ev, "x_y.r", "os")), "string");
    assert_eq!(string(attr(&ev, "x_y.r", "mixed")), "other,two,other");
    assert_eq!(string(attr(&ev, "x_y.r", "enabled")), "on");
    // Across nested collections: every map's values together (Terraform: true).
    assert_eq!(string(attr(&ev, "x_y.r", "nested")), "string");
    assert!(attr(&ev, "x_y.r", "size").unknown_why().is_some(), "{:?}", attr(&ev, "x_y.r", "size"));
}

#[test]
fn an_empty_heredoc_is_an_empty_string_and_swallows_nothing() {
    // `hcl-edit` read `<<EOT` with its `EOT` on the next line on to the next `EOT`, taking the
    // second block's image into the first; Terraform reads "" and keeps both blocks.
    let main = "resource \"x_y\" \"a\" {\n  user_data = <<EOT\nEOT\n  image = \"first\"\n}\n\
                resource \"x_y\" \"b\" {\n  user_data = <<-EOT\n    echo hi\n    cat <<X\n    X\n  EOT\n  image = \"second\"\n  empty = <<-EOT\n  EOT\n}\n";
    let ev = run(&[("main.tf", main)]);
    assert!(ev.findings.is_empty(), "{:?}", ev.findings.iter().map(|f| &f.message).collect::<Vec<_>>());
    assert_eq!(string(attr(&ev, "x_y.a", "user_data")), "");
    assert_eq!(string(attr(&ev, "x_y.a", "image")), "first");
    // A heredoc's own lines are text, even when they look like an empty heredoc.
    assert_eq!(string(attr(&ev, "x_y.b", "user_data")), "echo hi\ncat <<X\nX\n");
    assert_eq!(string(attr(&ev, "x_y.b", "image")), "second");
    assert_eq!(string(attr(&ev, "x_y.b", "empty")), "");
}

#[test]
fn a_provider_whose_region_is_null_or_empty_takes_the_region_given_to_the_run() {
    // The provider then reads its region from the environment, which `--region` stands for.
    let main = r#"
variable "region" {
  default = null
}
provider "alicloud" {
  region = var.region
}
provider "alicloud" {
  alias  = "empty"
  region = ""
}
resource "alicloud_instance" "a" {}
resource "alicloud_instance" "b" {
  provider = alicloud.empty
}
"#;
    let options = Options { region: Some("cn-shanghai".into()), ..Options::default() };
    let ev = run_with(&[("main.tf", main)], &options);
    for address in ["alicloud_instance.a", "alicloud_instance.b"] {
        assert_eq!(string(&block(&ev, address).region), "cn-shanghai", "{address}");
    }
    // Without `--region`, not known.
    let ev = run(&[("main.tf", main)]);
    assert!(block(&ev, "alicloud_instance.a").region.unknown_why().is_some());
}

#[test]
fn an_empty_heredoc_after_a_comment_that_opens_one_is_still_read() {
    // A comment that ends in `<<EOF` opens no heredoc: an empty one after it is still "".
    let main = "# write it with cat <<EOF\nresource \"x_y\" \"a\" {\n  user_data = <<EOT\nEOT\n  image = \"first\"\n}\n\
                resource \"x_y\" \"b\" {\n  user_data = <<EOT\necho\nEOT\n  image = \"second\" // <<X\n}\n";
    let ev = run(&[("main.tf", main)]);
    assert_eq!(string(attr(&ev, "x_y.a", "image")), "first");
    assert_eq!(string(attr(&ev, "x_y.b", "image")), "second");
}

#[test]
fn an_empty_heredoc_is_found_past_blanks_block_comments_and_strings() {
    // Terraform closes a heredoc on its identifier with blanks after it; a heredoc opener in a
    // `/* */` comment opens nothing; a `#` in a string inside an interpolation is no comment.
    let main = "/* Before 2024:\n  user_data = <<EOT\n*/\nresource \"x_y\" \"a\" {\n  user_data = <<EOT\nEOT  \n  image = \"first\"\n}\n\
                resource \"x_y\" \"b\" {\n  user_data = (\"${\"#\"}\" == \"\" ? <<EOT\nEOT\n  : \"y\")\n  image = \"second\"\n}\n";
    let ev = run(&[("main.tf", main)]);
    assert!(ev.findings.is_empty(), "{:?}", ev.findings.iter().map(|f| &f.message).collect::<Vec<_>>());
    assert_eq!(string(attr(&ev, "x_y.a", "user_data")), "");
    assert_eq!(string(attr(&ev, "x_y.a", "image")), "first");
    assert_eq!(string(attr(&ev, "x_y.b", "user_data")), "y");
    assert_eq!(string(attr(&ev, "x_y.b", "image")), "second");
}

#[test]
fn any_holding_collections_is_unified_as_terraform_unifies_it() {
    // Each expected answer is `terraform console`'s (1.11).
    let module = r#"
variable "c" {
  type    = list(any)
  default = [[1], ["a"]]
}
variable "d" {
  type    = list(any)
  default = [{ a = 1 }, { a = "x" }]
}
variable "e" {
  type    = map(any)
  default = { p = { x = 1 }, q = { y = "s" } }
}
variable "h" {
  type    = map(any)
  default = { p = [1], q = ["s"] }
}
variable "k" {
  type    = list(any)
  default = [{ a = 1, b = "x" }]
}
resource "x_y" "r" {
  c = var.c[0][0] == "1"
  d = var.d[0].a == "1"
  e = var.e.p.x == "1"
  h = var.h.p[0] == "1"
  k = var.k[0].a == 1
}
"#;
    let ev = run(&[("main.tf", module)]);
    for name in ["c", "d", "e", "h", "k"] {
        assert_eq!(attr(&ev, "x_y.r", name).as_bool(), Some(true), "{name}");
    }
}

#[test]
fn a_set_stays_a_set_through_locals_variables_and_modules() {
    // Terraform (1.11, `terraform console`): a `for` over a set takes each item as its key,
    // wherever the set was made; `tolist` and a `list(...)` type make it a list again. Before,
    // only `toset(...)` written in place was known to be a set, and a set passed through a
    // local gave `"0"`, `"1"` as keys: `instance_type = each.key` was a false S007.
    let root = r#"
locals {
  types  = toset(["ecs.g7.large", "ecs.c7.xlarge"])
  by_key = { for k, v in local.types : k => v }
  listed = { for k, v in tolist(local.types) : k => v }
}
variable "named" {
  type    = set(string)
  default = ["b", "a"]
}
variable "ordered" {
  type    = list(string)
  default = ["b", "a"]
}
resource "x_y" "r" {
  keys_local    = join(",", keys(local.by_key))
  keys_listed   = join(",", keys(local.listed))
  keys_var      = join(",", [for k, v in var.named : k])
  keys_list_var = join(",", [for k, v in var.ordered : k])
  template      = "%{for k, v in var.named}${k}%{endfor}"
  index         = local.types[0]
  element       = element(var.named, 0)
  chosen        = join(",", [for k, v in (true ? local.types : toset([])) : k])
}
resource "alicloud_instance" "each" {
  for_each      = local.by_key
  instance_type = each.key
}
resource "x_y" "dyn" {
  dynamic "disk" {
    for_each = var.named
    content {
      name = disk.key
    }
  }
}
module "m" {
  source = "./m"
  names  = local.types
  bare   = local.types
}
"#;
    let child = r#"
variable "names" {}
variable "bare" {
  type = "list"
}
resource "x_y" "inner" {
  keys      = join(",", [for k, v in var.names : k])
  bare_keys = join(",", [for k, v in var.bare : k])
}
"#;
    let ev = run(&[("main.tf", root), ("m/main.tf", child)]);
    let get = |name: &str| attr(&ev, "x_y.r", name);
    assert_eq!(string(get("keys_local")), "ecs.c7.xlarge,ecs.g7.large");
    assert_eq!(string(get("keys_listed")), "0,1", "tolist makes a list");
    assert_eq!(string(get("keys_var")), "a,b", "a set(string) variable is a set");
    assert_eq!(string(get("keys_list_var")), "0,1", "a list(string) variable is a list");
    assert_eq!(string(get("template")), "ab");
    assert!(unknown(get("index")).contains("set"), "a set has no indices");
    assert!(unknown(get("element")).contains("of a set"));
    assert_eq!(string(get("chosen")), "ecs.c7.xlarge,ecs.g7.large");
    let each = block(&ev, "alicloud_instance.each[\"ecs.g7.large\"]");
    assert_eq!(string(each.get("instance_type").unwrap()), "ecs.g7.large");
    let disks = attr(&ev, "x_y.dyn", "disk").blocks();
    let names: Vec<String> = disks.iter().map(|d| string(d.get("name").unwrap())).collect();
    assert_eq!(names, ["a", "b"], "a dynamic block's key over a set is the item");
    assert_eq!(string(attr(&ev, "module.m.x_y.inner", "keys")), "ecs.c7.xlarge,ecs.g7.large");
    assert_eq!(string(attr(&ev, "module.m.x_y.inner", "bare_keys")), "0,1", "a bare `list` is a list");
}

#[test]
fn a_set_beside_a_list_or_tuple_is_unified_as_terraform_does() {
    // The two results of a conditional are given one type (Terraform 1.11): a set beside a
    // tuple is a set, beside a list a list. Values here do not say which a list is, unless it
    // is written `[...]`; where it matters, the result is unknown.
    let root = r#"
variable "create" {
  default = false
}
variable "custom" {
  default = false
}
locals {
  s      = toset(["b", "a"])
  l      = tolist(["d", "c"])
  picked = var.custom ? toset([]) : ["ecs.g7.large", "ecs.c7.xlarge", "ecs.g7.large"]
}
# Terraform: a set beside an empty tuple is a set, so no instance at all.
resource "alicloud_instance" "off" {
  for_each      = var.create ? toset(["ecs.g7.large"]) : []
  instance_type = each.key
}
# Terraform rejects a list here; read as a set (it may be one this reader did not see made).
resource "alicloud_instance" "listed" {
  for_each      = tolist(["ecs.g7.large"])
  instance_type = each.key
}
resource "alicloud_instance" "picked" {
  for_each      = { for k, v in local.picked : k => v }
  instance_type = each.key
}
resource "x_y" "u" {
  set_or_list  = join(",", [for k, v in (true ? local.s : local.l) : k])
  list_or_set  = join(",", [for k, v in (true ? local.l : local.s) : k])
  tuple_as_set = join(",", [for k, v in (false ? local.s : ["x", "x"]) : k])
  for_as_set   = join(",", [for k, v in (false ? local.s : [for x in ["y", "x", "y"] : x]) : k])
  listed       = join(",", [for k, v in tolist([local.s, local.l])[0] : k])
  coalesced    = join(",", [for k, v in coalesce(local.s, local.l) : k])
  nested       = join(",", [for k, v in (true ? { a = local.s } : { a = local.l }).a : k])
  nested_empty = join(",", [for k, v in (true ? { a = local.s } : { a = [] }).a : k])
  numbers      = length(false ? toset([10, 9]) : ["9", "10", "09"])
  empty_list   = try(concat(false ? local.s : tolist([]), ["x"]), ["fallback"])
  nulls_last   = jsonencode([for k, v in toset([null, "b", "a"]) : k])
}
"#;
    let ev = run(&[("main.tf", root)]);
    // A tuple written `[...]` becomes a set, an empty one an empty set (no instance); a list
    // that may be a list makes the result unknown, since a list's keys are its indices.
    assert!(ev.blocks.iter().all(|b| b.group != "alicloud_instance.off"), "toset([]) makes no instance");
    let listed = block(&ev, "alicloud_instance.listed[\"ecs.g7.large\"]");
    assert_eq!(string(listed.get("instance_type").unwrap()), "ecs.g7.large");
    let picked = block(&ev, "alicloud_instance.picked[\"ecs.c7.xlarge\"]");
    assert_eq!(string(picked.get("instance_type").unwrap()), "ecs.c7.xlarge");
    let u = |name: &str| attr(&ev, "x_y.u", name);
    assert_eq!(string(u("tuple_as_set")), "x");
    assert_eq!(string(u("for_as_set")), "x,y", "a `[for ...]` is a tuple too");
    // A set of numbers beside a tuple of strings: Terraform makes the strings numbers (2
    // items, not 3); a set beside an empty list in an object is a list there.
    for name in ["set_or_list", "list_or_set", "listed", "coalesced", "nested", "nested_empty", "numbers"] {
        assert!(matches!(u(name).value, Value::Unknown(_)), "{name}: {:?}", u(name).value);
    }
    // `tolist([])` beside a set is a list, which `concat` takes: not the fallback.
    assert!(
        !matches!(&u("empty_list").value, Value::List(items) if items.len() == 1 && string(&items[0]) == "fallback")
    );
    assert_eq!(string(u("nulls_last")), r#"["a","b",null]"#, "a set puts null last");
}
