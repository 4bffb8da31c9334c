//! Bytes -> a Terraform file (native syntax, JSON syntax or a `.tfvars`) beside a fixed
//! variables file -> static evaluation. Nothing panics or hangs, and every span of a
//! block, a value, a label and a finding lies inside its file on character boundaries.
#![no_main]

#[path = "common.rs"]
mod common;

use ecslint::diag::Location;
use ecslint::iac::Options;
use ecslint::source::{Limits, SourceFile};
use ecslint::terraform::eval::evaluate;
use ecslint::terraform::value::{Val, Value};
use libfuzzer_sys::fuzz_target;
use std::sync::Arc;

const VARIABLES: &str = "variable \"image_id\" { default = \"centos_7_9_x64_20G_alibase_20240321.vhd\" }\n\
variable \"n\" { default = 2 }\n";

fn assert_place(at: &Location) {
    common::assert_span(&at.file.text, at.span);
}

fn assert_val(v: &Val) {
    let mut pending = vec![v];
    while let Some(v) = pending.pop() {
        assert_place(&v.at);
        for label in &v.via {
            assert_place(&label.location);
        }
        match &v.value {
            Value::List(items) => pending.extend(items),
            Value::Object(entries) => pending.extend(entries.iter().map(|(_, v)| v)),
            _ => {}
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let (name, rest) = match data.split_first() {
        Some((first, rest)) if first % 3 == 1 => ("m/main.tf.json", rest),
        Some((first, rest)) if first % 3 == 2 => ("m/terraform.tfvars", rest),
        Some((_, rest)) => ("m/main.tf", rest),
        None => ("m/main.tf", data),
    };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let files = vec![
        Arc::new(SourceFile::new(name, text)),
        Arc::new(SourceFile::new("m/variables.tf", VARIABLES)),
    ];
    let options = Options { region: Some("cn-hangzhou".into()), ..Options::default() };
    let evaluated = evaluate(&files, &options, Limits::default());
    for block in &evaluated.blocks {
        assert_place(&block.head);
        assert_val(&block.region);
        for (_, v) in &block.attributes {
            assert_val(v);
        }
    }
    for finding in &evaluated.findings {
        common::assert_finding(finding);
    }
});
