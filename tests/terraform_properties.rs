//! Property tests of the Terraform evaluator: token soups of HCL and mutated configurations
//! (native and JSON syntax, with variables files) are evaluated without a panic, and every
//! span of a block, a value, a label and a finding lies inside its file on character
//! boundaries.
//!
//! The runs are deterministic (a fixed seed, no failure files) and small enough for a debug
//! build on two cores.

use ecslint::diag::Location;
use ecslint::iac::Options;
use ecslint::source::{Limits, SourceFile};
use ecslint::terraform::eval::{Evaluated, evaluate};
use ecslint::terraform::value::{Val, Value};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngSeed, TestCaseError, TestRunner};
use std::sync::Arc;

const CASES: u32 = 192;

fn runner() -> TestRunner {
    let from_env = ProptestConfig::default();
    let set = |name| std::env::var_os(name).is_some();
    TestRunner::new(ProptestConfig {
        cases: if set("PROPTEST_CASES") { from_env.cases } else { CASES },
        rng_seed: if set("PROPTEST_RNG_SEED") { from_env.rng_seed } else { RngSeed::Fixed(0x7F_E7A1) },
        failure_persistence: None,
        max_shrink_iters: 1_000,
        ..from_env
    })
}

fn run<S: Strategy>(strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    if let Err(error) = runner().run(&strategy, test) {
        panic!("{error}");
    }
}

const MAIN: &str = r#"
terraform { required_version = ">= 0.12" }
provider "alicloud" {
  region = var.region
}
provider "alicloud" {
  alias  = "hk"
  region = "cn-hongkong"
}
locals {
  name  = "app-${var.env}"
  zones = ["cn-hangzhou-h", "cn-hangzhou-i"]
  types = { small = "ecs.t6-c1m1.large", big = "ecs.g7.xlarge" }
}
data "alicloud_images" "c7" {
  owners     = "system"
  name_regex = "^centos_7"
}
resource "alicloud_image" "app" {
  instance_id = alicloud_instance.web[0].id
  image_name  = format("%s-%03d", local.name, 1)
}
resource "alicloud_image_copy" "hk" {
  provider        = alicloud.hk
  source_image_id = alicloud_image.app.id
}
resource "alicloud_image_share_permission" "share" {
  for_each   = toset(var.accounts)
  image_id   = alicloud_image.app.id
  account_id = each.value
}
resource "alicloud_instance" "web" {
  count             = var.env == "prod" ? 2 : 1
  availability_zone = element(local.zones, count.index)
  instance_type     = lookup(local.types, var.size, "ecs.g7.large")
  image_id          = var.image_id != "" ? var.image_id : data.alicloud_images.c7.images[0].id
  instance_name     = "${local.name}-${count.index}"
  user_data         = <<-EOT
    #!/bin/sh
    echo %{ if var.env == "prod" }prod%{ else }dev%{ endif }
  EOT
  dynamic "data_disks" {
    for_each = [for s in [20, 40] : s if s > 10]
    content { size = data_disks.value }
  }
  tags = merge({ app = "web" }, { env = var.env })
}
module "ecs" {
  source   = "./modules/ecs"
  image_id = try(var.image_id, "")
  count    = length(local.zones)
}
output "id" { value = alicloud_instance.web[*].id }
"#;

const VARIABLES: &str = r#"
variable "region" { default = "cn-hangzhou" }
variable "env" { default = "prod" }
variable "size" { type = "string" }
variable "image_id" { default = "centos_7_9_x64_20G_alibase_20240321.vhd" }
variable "accounts" {
  type    = list(string)
  default = ["1234567890", "0987654321"]
}
"#;

const TFVARS: &str = "env = \"dev\"\nsize = \"big\"\naccounts = [\"111\"]\n";

const JSON: &str = r#"{
  "variable": { "image": { "default": "ubuntu_22_04_x64_20G_alibase_20240101.vhd" } },
  "resource": { "alicloud_instance": { "j": {
    "image_id": "${var.image}", "instance_name": "é-${var.image}-文", "count": "${1 + 1}",
    "system_disk": { "category": "cloud_essd" }
  } } }
}"#;

/// HCL-ish tokens, with multi-byte characters, for soups.
const TOKENS: &[&str] = &[
    "resource",
    "\"alicloud_instance\"",
    "\"a\"",
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "=",
    "\n",
    " ",
    "\"",
    "${",
    "%{",
    "if",
    "endif",
    "for",
    "in",
    ":",
    "=>",
    "var.x",
    "local.y",
    "count.index",
    "each.key",
    "module.m.o",
    "data.d.e.f",
    "?",
    ",",
    "...",
    "<<EOT\n",
    "\nEOT\n",
    "<<-X\n",
    "1",
    "1.5e3",
    "-",
    "!",
    "&&",
    "||",
    "==",
    "*",
    "[*]",
    ".*",
    "lookup(",
    "range(",
    "format(\"%s\",",
    "é",
    "文",
    "🦀",
    "#",
    "//",
    "/*",
    "*/",
    "variable",
    "locals",
    "module",
    "source",
    "\"./m\"",
    "provider",
    "alias",
    "region",
    "dynamic",
    "content",
    "for_each",
    "count",
    "\\",
    "$${",
    "~}",
    "null",
    "true",
];

/// The files of one case: the configuration text under test named `name`, with a
/// variables file and a tfvars file beside it.
fn case(name: &str, text: &str) -> Vec<Arc<SourceFile>> {
    vec![
        Arc::new(SourceFile::new(format!("p/{name}"), text)),
        Arc::new(SourceFile::new("p/variables.tf", VARIABLES)),
        Arc::new(SourceFile::new("p/terraform.tfvars", TFVARS)),
    ]
}

fn check_place(at: &Location) -> Result<(), TestCaseError> {
    let text = &at.file.text;
    prop_assert!(
        at.span.start() <= at.span.end() && at.span.end() <= text.len(),
        "{:?} outside {}",
        at.span,
        at.file.name
    );
    prop_assert!(
        text.is_char_boundary(at.span.start()) && text.is_char_boundary(at.span.end()),
        "{:?} in {}",
        at.span,
        at.file.name
    );
    Ok(())
}

fn check_val(v: &Val, depth: usize) -> Result<(), TestCaseError> {
    prop_assert!(depth < 1_000);
    check_place(&v.at)?;
    for label in &v.via {
        check_place(&label.location)?;
    }
    match &v.value {
        Value::List(items) => items.iter().try_for_each(|v| check_val(v, depth + 1)),
        Value::Object(entries) => entries.iter().try_for_each(|(_, v)| check_val(v, depth + 1)),
        _ => Ok(()),
    }
}

fn check(ev: &Evaluated) -> Result<(), TestCaseError> {
    for block in &ev.blocks {
        check_place(&block.head)?;
        check_val(&block.region, 0)?;
        for (_, v) in &block.attributes {
            check_val(v, 0)?;
        }
    }
    for finding in &ev.findings {
        check_place(&finding.location)?;
        for label in &finding.labels {
            check_place(&label.location)?;
        }
    }
    Ok(())
}

fn evaluate_case(name: &str, text: &str) -> Result<Evaluated, TestCaseError> {
    let options = Options {
        region: Some("cn-beijing".into()),
        vars: vec![("size".into(), "small".into())],
        var_files: Vec::new(),
        twins_on_disk: false,
        unknown_vars: Vec::new(),
        vars_after_files: Vec::new(),
        unread: ecslint::iac::Unread::default(),
    };
    let ev = evaluate(&case(name, text), &options, Limits::default());
    check(&ev)?;
    Ok(ev)
}

#[test]
fn the_seed_configurations_evaluate() {
    let ev = evaluate_case("main.tf", MAIN).unwrap();
    assert!(ev.findings.is_empty(), "{:?}", ev.findings.iter().map(|f| &f.message).collect::<Vec<_>>());
    assert!(ev.blocks.iter().any(|b| b.address == "alicloud_instance.web[0]"));
    let ev = evaluate_case("main.tf.json", JSON).unwrap();
    assert!(ev.findings.is_empty());
    assert!(ev.blocks.iter().any(|b| b.address == "alicloud_instance.j[1]"));
}

#[test]
fn token_soups_never_panic_and_keep_spans_inside_their_files() {
    let soup = prop::collection::vec(prop::sample::select(TOKENS), 0..120).prop_map(|tokens| tokens.concat());
    run(soup, |text| evaluate_case("main.tf", &text).map(|_| ()));
}

/// A seed with some of its characters deleted, repeated or replaced by tokens.
fn mutated(seed: &'static str) -> impl Strategy<Value = String> {
    let chars: Vec<char> = seed.chars().collect();
    let len = chars.len();
    prop::collection::vec((0..len, 0..4u8, prop::sample::select(TOKENS)), 1..12).prop_map(move |edits| {
        let mut out = chars.clone();
        for (at, kind, token) in edits {
            let at = at.min(out.len());
            match kind {
                0 if at < out.len() => {
                    out.remove(at);
                }
                1 => out.splice(at..at, token.chars()).for_each(drop),
                2 if at < out.len() => {
                    let end = (at + 8).min(out.len());
                    out.drain(at..end);
                }
                _ => {
                    let end = (at + 16).min(out.len());
                    let copy: Vec<char> = out.get(at..end).unwrap_or_default().to_vec();
                    out.splice(at..at, copy).for_each(drop);
                }
            }
        }
        out.into_iter().collect()
    })
}

#[test]
fn mutated_configurations_never_panic_and_keep_spans_inside_their_files() {
    run(mutated(MAIN), |text| evaluate_case("main.tf", &text).map(|_| ()));
}

#[test]
fn mutated_json_configurations_never_panic_and_keep_spans_inside_their_files() {
    run(mutated(JSON), |text| evaluate_case("main.tf.json", &text).map(|_| ()));
}
