// Each target uses part of this module.
#![allow(dead_code)]

//! What both targets assert: every span a finding or node carries lies inside its
//! file and on character boundaries, so no renderer can slice out of bounds.

use ecslint::diag::Finding;
use ecslint::source::{Node, Span, Value};

/// The file name a fuzz input is read as: the first byte picks YAML or JSON, so one
/// corpus exercises both parsers.
pub fn name_for(data: &[u8]) -> (&'static str, &[u8]) {
    match data.split_first() {
        Some((first, rest)) if first % 2 == 1 => ("fuzz.json", rest),
        Some((_, rest)) => ("fuzz.yaml", rest),
        None => ("fuzz.yaml", data),
    }
}

pub fn assert_span(text: &str, span: Span) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "span {span:?} outside a {}-byte text",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "span {span:?} splits a character"
    );
}

pub fn assert_tree(text: &str, root: &Node) {
    let mut pending = vec![root];
    while let Some(node) = pending.pop() {
        assert_span(text, node.span);
        match &node.value {
            Value::Seq(items) => pending.extend(items),
            Value::Map(entries) => {
                for entry in entries {
                    assert_span(text, entry.key.span);
                    pending.push(&entry.value);
                }
            }
            _ => {}
        }
    }
}

pub fn assert_finding(finding: &Finding) {
    let location = &finding.location;
    assert_span(&location.file.text, location.span);
    for label in &finding.labels {
        assert_span(&label.location.file.text, label.location.span);
    }
    // Rendering positions must not panic either.
    let (start, end) = (location.start(), location.end());
    assert!(start.line <= end.line);
}
