//! Values Terraform rejects or cannot order: a variable whose value does not convert to its
//! type is unknown whole, as is a set of collections (checked with `terraform console` and
//! `terraform apply` of `terraform_data` copies, Terraform 1.11).

use super::*;

#[test]
fn a_value_terraform_rejects_for_its_type_is_unknown_whole() {
    // Each of these is an error in Terraform ("list of string required", "a number is
    // required", ...): keeping the parts that converted checked a value never deployed.
    let module = r#"
variable "l" { type = list(string) }
variable "m" { type = map(string) }
variable "deep" { type = map(string) }
variable "t" { type = tuple([string, string]) }
variable "o" { type = object({ n = number, s = string }) }
variable "ln" { type = list(number) }
variable "mb" { type = map(bool) }
variable "any_nb" { type = map(any) }
variable "any_lp" { type = map(any) }
variable "any_l" { type = list(any) }
variable "fine" { type = map(any) }
variable "req" { type = object({ a = string, b = string }) }
resource "x_y" "r" {
  l      = var.l
  m      = var.m
  deep   = var.deep
  t      = var.t
  o      = var.o.s
  ln     = var.ln[0]
  mb     = var.mb.a
  any_nb = var.any_nb.a
  any_lp = var.any_lp.b
  any_l  = var.any_l[0]
  fine   = var.fine.a
  req    = var.req.b
}
"#;
    let tfvars = r#"
l      = { a = "1" }
m      = ["a"]
deep   = { a = { b = 1 } }
t      = ["a"]
o      = { n = "x", s = "ok" }
ln     = [1, "x"]
mb     = { a = true, b = "maybe" }
any_nb = { a = true, b = 3 }
any_lp = { a = [1], b = "x" }
any_l  = [1, true]
fine   = { a = true, b = "x" }
req    = { b = "x" }
"#;
    let ev = run(&[("main.tf", module), ("terraform.tfvars", tfvars)]);
    for name in ["l", "m", "deep", "t", "o", "ln", "mb", "any_nb", "any_lp", "any_l", "req"] {
        let why = unknown(attr(&ev, "x_y.r", name));
        assert!(why.contains("Terraform rejects it"), "{name}: {why}");
    }
    // A bool beside a string is a string: Terraform accepts it.
    assert_eq!(string(attr(&ev, "x_y.r", "fine")), "true");
}

#[test]
fn a_set_of_collections_is_in_an_order_not_known() {
    // Terraform orders a set of objects by their hashes: `tolist(var.nodes)[0]` was the first
    // one written here, but is `api` in Terraform.
    let module = r#"
variable "nodes" {
  type    = set(object({ name = string }))
  default = [{ name = "web" }, { name = "api" }]
}
variable "one" {
  type    = set(object({ name = string }))
  default = [{ name = "web" }]
}
variable "names" {
  type    = set(string)
  default = ["web", "api"]
}
resource "x_y" "r" {
  first = tolist(var.nodes)[0].name
  one   = tolist(var.one)[0].name
  name  = tolist(var.names)[0]
}
"#;
    let ev = run(&[("main.tf", module)]);
    assert!(unknown(attr(&ev, "x_y.r", "first")).contains("set of collections"));
    // One item has one order, and strings are in lexical order.
    assert_eq!(string(attr(&ev, "x_y.r", "one")), "web");
    assert_eq!(string(attr(&ev, "x_y.r", "name")), "api");
}

#[test]
fn null_for_a_variable_that_is_not_nullable_and_has_no_default_is_unknown() {
    // Terraform: "required variable may not be set to null". Read as `null`, the tags were
    // dropped as if known, and a rule asking for a tag fired.
    let module = r#"
variable "tags" {
  type     = map(string)
  nullable = false
}
variable "with_default" {
  type     = string
  nullable = false
  default  = "d"
}
resource "x_y" "r" {
  tags = var.tags
  d    = var.with_default
}
"#;
    let tfvars = "tags = null\nwith_default = null\n";
    let ev = run(&[("main.tf", module), ("terraform.tfvars", tfvars)]);
    assert!(unknown(attr(&ev, "x_y.r", "tags")).contains("not nullable"));
    assert_eq!(string(attr(&ev, "x_y.r", "d")), "d");
}

#[test]
fn configurations_terraform_rejects_give_no_known_values() {
    // `var.t` without a `variable "t"` block (a value in `terraform.tfvars` is only a warning,
    // the reference an error), a local defined in two files, `for_each` over a set of numbers,
    // and `count` beside `for_each`: each is an error in Terraform.
    let main = r#"
locals {
  twice = "ecs.g7.large"
}
resource "x_y" "r" {
  t     = var.t
  twice = local.twice
}
resource "alicloud_instance" "numbers" {
  for_each      = toset([1, 2])
  instance_type = "ecs.g7.large"
}
resource "alicloud_instance" "both" {
  count         = 1
  for_each      = { a = 1 }
  instance_type = "ecs.g7.large"
}
resource "alicloud_instance" "strings" {
  for_each      = toset(["a"])
  instance_type = "ecs.g7.large"
}
"#;
    let other = "locals {\n  twice = \"ecs.c7.large\"\n}\n";
    let ev = run(&[("main.tf", main), ("other.tf", other), ("terraform.tfvars", "t = \"x\"\n")]);
    assert!(attr(&ev, "x_y.r", "t").unknown_why().is_some(), "{:?}", attr(&ev, "x_y.r", "t"));
    assert!(unknown(attr(&ev, "x_y.r", "twice")).contains("defined twice"));
    let numbers = block(&ev, "alicloud_instance.numbers[*]");
    assert!(matches!(&numbers.repeat, Repeat::Unknown(_)), "{:?}", numbers.repeat);
    let both = block(&ev, "alicloud_instance.both[*]");
    assert!(matches!(&both.repeat, Repeat::Unknown(why) if why.contains("`count` and `for_each`")));
    assert_eq!(block(&ev, "alicloud_instance.strings[\"a\"]").repeat, Repeat::Key("a".into()));
}

#[test]
fn numbers_keep_every_digit_or_are_unknown() {
    // Terraform's numbers are exact: as 64-bit floats these lost digits.
    let module = r#"
variable "s" {
  type    = string
  default = 123456789012345678901234567890
}
variable "j" { type = string }
resource "x_y" "r" {
  s     = var.s
  tpl   = "${123456789012345678901234567890}!"
  neg   = -123456789012345678901234567890
  f     = 1.0000000000000000001
  plain = 1.5
  j     = var.j
}
"#;
    let json = "{\"j\": 123456789012345678901234567890, \"fs\": \"40.0000000000000000001\", \"big\": \"123456789012345678901234567890123456789012\"}";
    let module = format!(
        "{module}variable \"fs\" {{ type = number }}\nvariable \"big\" {{ type = number }}\nresource \"x_y\" \"s\" {{\n  fs  = var.fs\n  big = \"${{var.big}}\"\n}}\n"
    );
    let ev = run(&[("main.tf", &module), ("terraform.tfvars.json", json)]);
    // A number given as a string is held as its literal would be.
    assert!(unknown(attr(&ev, "x_y.s", "fs")).contains("significant digits"));
    assert_eq!(string(attr(&ev, "x_y.s", "big")), "123456789012345678901234567890123456789012");
    let get = |name: &str| attr(&ev, "x_y.r", name);
    assert_eq!(string(get("s")), "123456789012345678901234567890");
    assert_eq!(string(get("tpl")), "123456789012345678901234567890!");
    assert_eq!(string(get("j")), "123456789012345678901234567890");
    assert!(unknown(get("f")).contains("significant digits"));
    assert!(matches!(get("plain").value, Value::Number(n) if (n - 1.5).abs() < f64::EPSILON));
    assert!(get("neg").unknown_why().is_none(), "{:?}", get("neg"));
}

#[test]
fn a_function_in_a_variables_file_a_var_or_a_default_is_unknown() {
    // Terraform evaluates them without functions: "Function calls not allowed".
    let module = r#"
variable "a" { default = "x" }
variable "l" { type = list(string) }
variable "d" { default = upper("a") }
variable "ok" { default = 1 + 2 }
resource "x_y" "r" {
  a  = var.a
  l  = var.l
  d  = var.d
  ok = var.ok
}
"#;
    let options = Options { vars: vec![("l".into(), "[upper(\"a\")]".into())], ..Options::default() };
    let ev = run_with(&[("main.tf", module)], &options);
    for name in ["l", "d"] {
        assert!(unknown(attr(&ev, "x_y.r", name)).contains("function call"), "{name}");
    }
    assert_eq!(string(attr(&ev, "x_y.r", "a")), "x");
    // Operators over literals are allowed.
    assert_eq!(attr(&ev, "x_y.r", "ok").as_int(), Some(3));
    // A variables file with one is an S001, and Terraform stops on it: every variable it
    // may set is unknown.
    let ev = run_with(&[("main.tf", module), ("terraform.tfvars", "a = upper(\"x\")\n")], &options);
    assert!(unknown(attr(&ev, "x_y.r", "a")).contains("holds a block, a function call or a reference"));
    assert_eq!(ev.findings.iter().map(|f| f.code.as_str()).collect::<Vec<_>>(), ["S001"]);
}

#[test]
fn values_of_one_type_under_any_are_left_as_they_are() {
    // Terraform converts only where the types differ (review: `[[1, true]]` was rejected for
    // number beside bool, and `[[1, "a"]]` made 1 a string, so `== "1"` held: a false S007).
    let module = r#"
variable "pair" {
  type    = list(any)
  default = [[80, true], [443, false]]
}
variable "m" {
  type    = map(any)
  default = { a = [80, true] }
}
variable "mixed" {
  type    = list(any)
  default = [[1, "a"]]
}
resource "x_y" "r" {
  pair  = "ecs.g7.${var.pair[1][0]}"
  m     = "ecs.g7.${var.m["a"][0]}"
  mixed = var.mixed[0][0] == "1" ? "string" : "number"
}
"#;
    let ev = run(&[("main.tf", module)]);
    assert_eq!(string(attr(&ev, "x_y.r", "pair")), "ecs.g7.443");
    assert_eq!(string(attr(&ev, "x_y.r", "m")), "ecs.g7.80");
    assert_eq!(string(attr(&ev, "x_y.r", "mixed")), "number");
}
