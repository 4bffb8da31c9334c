//! Functions and operators give Terraform's value, or are unknown where this reader could
//! give another (checked against `terraform console` 1.11).

use super::*;

/// The value of `expr` as JSON-like text (strings quoted), or `None` when unknown;
/// errors are `Some("error")`.
fn value(expr: &str) -> Option<String> {
    fn show(v: &Val) -> Option<String> {
        match &v.value {
            Value::Unknown(why) if why.starts_with("error: ") => Some("error".into()),
            Value::Unknown(_) | Value::Ref(_) => None,
            Value::Null => Some("null".into()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(format!("{n}")),
            Value::String(s) => Some(format!("{s:?}")),
            Value::List(items) => {
                let items: Option<Vec<String>> = items.iter().map(show).collect();
                Some(format!("[{}]", items?.join(",")))
            }
            Value::Object(entries) => {
                let entries: Option<Vec<String>> =
                    entries.iter().map(|(k, v)| show(v).map(|v| format!("{k}={v}"))).collect();
                Some(format!("{{{}}}", entries?.join(",")))
            }
        }
    }
    let ev = run(&[("main.tf", &format!("resource \"x_y\" \"r\" {{\n  v = {expr}\n}}\n"))]);
    show(attr(&ev, "x_y.r", "v"))
}

fn known(expr: &str) -> String {
    value(expr).unwrap_or_else(|| panic!("`{expr}` is unknown"))
}

fn is_unknown(expr: &str) {
    assert_eq!(value(expr), None, "`{expr}` should be unknown");
}

#[test]
fn signum_of_zero_is_zero_and_of_a_fraction_an_error() {
    assert_eq!(known("signum(0)"), "0");
    assert_eq!(known("signum(-7)"), "-1");
    assert_eq!(known("signum(0.5)"), "error");
}

#[test]
fn range_counts_down_and_leaves_fractions_unknown() {
    assert_eq!(known("range(-3)"), "[0,-1,-2]");
    assert_eq!(known("range(3, 0)"), "[3,2,1]");
    assert_eq!(known("range(0, 3, -1)"), "error");
    assert_eq!(known("range(3, 0, 1)"), "error");
    is_unknown("range(0, 1, 0.1)");
    is_unknown("range(-1.5)");
}

#[test]
fn replace_of_an_empty_string_inserts_at_every_boundary() {
    assert_eq!(known(r#"replace("abc", "", "-")"#), r#""-a-b-c-""#);
    is_unknown(r#"replace("é", "", "-")"#);
}

#[test]
fn regex_classes_beyond_ascii_are_unknown() {
    assert_eq!(known(r##"replace("a1b", "/\\d/", "#")"##), r#""a#b""#);
    is_unknown(r##"replace("a٣b", "/\\d/", "#")"##);
    is_unknown(r##"replace("é x", "/\\w/", "#")"##);
    assert_eq!(known(r##"replace("é x", "/x/", "#")"##), r#""é #""#);
}

#[test]
fn case_length_and_reversal_beyond_ascii_are_unknown() {
    is_unknown(r#"upper("ß")"#);
    is_unknown(r#"lower("ΣΑΣ")"#);
    assert_eq!(known(r#"upper("abc")"#), r#""ABC""#);
    is_unknown(r#"length("👍🏽")"#);
    is_unknown(r#"length("\r\n")"#);
    assert_eq!(known(r#"length("abc")"#), "3");
    is_unknown(r#"strrev("é")"#);
    is_unknown(r#"substr("héllo", 1, 2)"#);
    assert_eq!(known(r#"substr("hello", 1.5, 2)"#), "error");
    is_unknown(r#"substr("hello", 6, 1)"#);
}

#[test]
fn jsonencode_writes_as_go_does() {
    assert_eq!(known(r#"jsonencode("<>&")"#), r#""\"\\u003c\\u003e\\u0026\"""#);
    assert_eq!(known(r#"jsonencode("\u2028")"#), r#""\"\\u2028\"""#);
    assert_eq!(known("jsonencode(1e-7)"), r#""0.0000001""#);
    assert_eq!(known("jsonencode([1, 2.5])"), r#""[1,2.5]""#);
    is_unknown("jsonencode(9007199254740993)");
    is_unknown("jsonencode(1e20)");
    assert_eq!(known(r#"format("%q", "<")"#), r#""\"\\u003c\"""#);
}

#[test]
fn format_keeps_only_what_it_models() {
    assert_eq!(known(r#"format("%5s|%-3d|%.2f|%t|%%", "ab", 7, 1.5, true)"#), r#""   ab|7  |1.50|true|%""#);
    assert_eq!(known(r#"format("%.f", 1.5)"#), r#""2""#);
    assert_eq!(known(r#"format("%.1f|%.f|%.2f", 0.36, 2.5, 0.125)"#), r#""0.4|2|0.12""#);
    assert_eq!(known(r#"format("%05d|%+d|% d", -42, 5, 5)"#), r#""-0042|+5| 5""#);
    assert_eq!(known(r#"format("%v", 999999)"#), r#""999999""#);
    is_unknown(r#"format("%v", 1000000)"#);
    is_unknown(r#"format("%.2s", "hello")"#);
    is_unknown(r#"format("%5t", true)"#);
    is_unknown(r#"format("%5s", "é")"#);
    is_unknown(r#"format("%.2f", 2.675)"#);
    assert_eq!(known(r#"format("%d", 1.5)"#), "error");
    assert_eq!(known(r#"format("%d", 1, 2)"#), "error");
    assert_eq!(known(r#"format("%5%")"#), "error");
}

#[test]
fn arithmetic_is_known_over_integers_only() {
    assert_eq!(known("2 + 3 * 4 - 10 / 5"), "12");
    assert_eq!(known("-7 % 3"), "-1");
    is_unknown("0.1 + 0.2");
    is_unknown("100 * 1.1");
    is_unknown("1 / 3");
    is_unknown("1 / 0");
    is_unknown("5 % 0");
    is_unknown("try(1 / 0, 2)");
    is_unknown("9007199254740993 > 9007199254740992");
    is_unknown("sum([0.1, 0.2])");
    assert_eq!(known("sum([1, 2])"), "3");
    assert_eq!(known("sum([])"), "error");
}

#[test]
fn numbers_with_blanks_are_not_numbers() {
    assert_eq!(known(r#"tonumber(" 1")"#), "error");
    assert_eq!(known(r#"" 1" + 1"#), "error");
    assert_eq!(known(r#""2" + 1"#), "3");
}

#[test]
fn mixed_primitive_types_become_strings() {
    assert_eq!(known(r#"true ? 1 : "a""#), r#""1""#);
    assert_eq!(known(r#"false ? "a" : 1"#), r#""1""#);
    assert_eq!(known(r"true ? 1.5 : true"), "error");
    assert_eq!(known(r#"coalesce(1, "a")"#), r#""1""#);
    assert_eq!(known(r#"tolist([1, "a"])"#), r#"["1","a"]"#);
    assert_eq!(known(r#"toset([1, "1"])"#), r#"["1"]"#);
    assert_eq!(known(r#"tomap({ a = 1, b = "x" })"#), r#"{a="1",b="x"}"#);
    assert_eq!(known(r"tolist([1, true])"), "error");
    assert_eq!(known(r#"compact([1, true, ""])"#), r#"["1","true"]"#);
    assert_eq!(known(r#"length(setintersection(["1"], [1]))"#), "1");
    is_unknown(r#"concat(["a"], [1])"#);
    is_unknown(r#"contains(["a", 1], "1")"#);
    assert_eq!(known(r#"true ? ["a"] : []"#), r#"["a"]"#);
    is_unknown(r#"true ? { a = "x", b = 1 } : {}"#);
    is_unknown(r#"true ? [1] : ["a"]"#);
    let ev = run(&[(
        "main.tf",
        "resource \"x_y\" \"r\" {\n  v = true ? [\"sg-1\"] : [x_y.s.id]\n}\nresource \"x_y\" \"s\" {}\n",
    )]);
    let v = attr(&ev, "x_y.r", "v");
    assert_eq!(
        v.items().map(|items| items.iter().map(string).collect::<Vec<_>>()),
        Some(vec!["sg-1".to_string()])
    );
}

#[test]
fn equality_of_collections_is_unknown() {
    is_unknown("[1] == tolist([1])");
    is_unknown(r"{ a = 1 } == { a = 1 }");
    assert_eq!(known(r#""a" == "a""#), "true");
    assert_eq!(known(r#"1 == "1""#), "false");
}

#[test]
fn sets_of_collections_are_unknown() {
    is_unknown("toset([{ a = 1 }, { a = 0 }])");
    assert_eq!(known(r#"toset(["b", "a"])"#), r#"["a","b"]"#);
}

#[test]
fn functions_reject_what_terraform_rejects() {
    assert_eq!(known(r#"alltrue(["true", true])"#), "true");
    assert_eq!(known("alltrue([1])"), "error");
    assert_eq!(known(r#"anytrue(["yes"])"#), "error");
    assert_eq!(known(r#"element(["a", "b"], -1)"#), "error");
    assert_eq!(known("index([null, 1], null)"), "error");
    assert_eq!(known("contains([null], null)"), "error");
    assert_eq!(known(r#"join(",")"#), "error");
    assert_eq!(known("concat()"), "error");
    assert_eq!(known("setunion()"), "error");
    assert_eq!(known(r#"flatten("a")"#), "error");
    assert_eq!(known(r#"coalescelist("a", ["b"])"#), "error");
    assert_eq!(known(r#"false && "x""#), "error");
    assert_eq!(known(r#"tobool("1")"#), "true");
}

#[test]
fn a_set_written_in_place_is_iterated_by_its_items() {
    assert_eq!(known(r#"[for k, v in toset(["b", "a"]) : "${k}=${v}"]"#), r#"["a=a","b=b"]"#);
    assert_eq!(known(r#""%{for i, x in toset(["b", "a"])}${i}%{endfor}""#), r#""ab""#);
    assert_eq!(known(r#"[for k, v in ["b", "a"] : k]"#), "[0,1]");
    assert_eq!(known(r#"toset(["a"])[0]"#), "error");
    assert_eq!(known(r#"element(toset(["b", "a"]), 0)"#), "error");
    assert_eq!(known(r#"concat(toset(["b"]), ["c"])"#), "error");
}

#[test]
fn number_literals_a_float_does_not_hold_are_unknown() {
    assert_eq!(known("tostring(-0)"), r#""-0""#);
    is_unknown("1.23456789012345678");
    is_unknown("1 == 1.0000000000000001");
    is_unknown("1e-400");
    assert_eq!(known("1234567890123456 + 1"), "1234567890123457");
    assert_eq!(known("0.000001"), "0.000001");
}

#[test]
fn text_terraform_normalises_is_unknown() {
    is_unknown(r#""e\u0301""#);
    is_unknown(r#""x${"\u0301"}""#);
    assert_eq!(known(r#""é 中文 ß 👍🏽""#), r#""é 中文 ß 👍🏽""#);
}

#[test]
fn format_of_minus_zero() {
    assert_eq!(known(r#"format("%d", -0)"#), r#""0""#);
    is_unknown(r#"format("%f", -0)"#);
}

#[test]
fn short_binary_fractions_stay_exact() {
    assert_eq!(known("10 / 4"), "2.5");
    assert_eq!(known("7.5 % 2"), "1.5");
    assert_eq!(known("-7.5 % 2"), "-1.5");
    assert_eq!(known("2 * 0.5"), "1");
    assert_eq!(known("1.5 + -1.5"), "0");
    assert_eq!(known("0 * -1"), "-0");
    is_unknown("0.1 * 3");
    is_unknown("1 / 3");
    assert_eq!(known("ceil(10 / 3)"), "4");
    assert_eq!(known("floor(-7 / 2)"), "-4");
    assert_eq!(known("ceil(length([1, 2, 3]) / 2)"), "2");
    assert_eq!(known("sum([1.5, -1.5, 2])"), "2");
    is_unknown("sum([0.1, 0.2])");
    assert_eq!(known("tolist(null)"), "null");
}

#[test]
fn conditions_convert_strings_as_terraform_does() {
    assert_eq!(known(r#""1" ? "a" : "b""#), r#""a""#);
    assert_eq!(known(r#"!"0""#), "true");
    assert_eq!(known(r#"[for x in [1] : x if "1"]"#), "[1]");
}

#[test]
fn a_null_or_unknown_of_a_type_not_known_here_is_not_taken_for_no_type() {
    // Review: a `string` variable's `null` has that type, so `var.port != null ? var.port :
    // 22` is `"22"` in Terraform, and `== 22` is false; read as typeless, it was 22 and true.
    let module = r#"
variable "port" {
  type    = string
  default = null
}
variable "s" { type = string }
locals {
  port = var.port != null ? var.port : 22
}
resource "x_y" "r" {
  ssh     = local.port == 22 ? "ssh" : "other"
  list    = jsonencode(false ? [var.s] : [80])
  map     = jsonencode(tomap({ a = 1, b = var.port }))
  object  = jsonencode(true ? { a = 1 } : { a = var.port })
  literal = true ? 5 : null
  string  = var.port != null ? var.port : "22"
}
"#;
    let ev = run(&[("main.tf", module)]);
    for name in ["ssh", "list", "map", "object"] {
        assert!(attr(&ev, "x_y.r", name).unknown_why().is_some(), "{name}: {:?}", attr(&ev, "x_y.r", name));
    }
    // A `null` written as such has no type; a string is a string beside anything.
    assert_eq!(attr(&ev, "x_y.r", "literal").as_int(), Some(5));
    assert_eq!(string(attr(&ev, "x_y.r", "string")), "22");
}

#[test]
fn review_cases_of_format_and_remainders() {
    // A width too large to read is not "no width" (Terraform fails on it).
    is_unknown(r#"format("%99999999999999999999s", "a")"#);
    assert_eq!(known(r#"format("%3s|", "a")"#), "\"  a|\"");
    // The remainder of `-0` keeps its sign, as Terraform's does.
    assert_eq!(known("-0 % 5"), "-0");
    assert_eq!(known("-1 % 1"), "0");
}
