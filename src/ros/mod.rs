//! ROS templates (DESIGN §8): `ALIYUN::ECS::*` resources read into canonical Instances and
//! Images.
//!
//! - A resource's name is its logical ID; a resource-level `Count` (or `MaxAmount` of an
//!   instance group) is the instance `count`, not one resource per index. A resource whose
//!   `Condition` or `Count` is not known may not be created: nothing about it is reported
//!   ([`exists`]).
//! - The region is the stack's, never in the template: `--region`, else unknown (S011).
//! - YAML short forms (`!Ref x`, `!Sub`, `!GetAtt a.b`) are read as their long forms
//!   ([`short`]).
//! - `Ref` to a parameter reads its `Default` (a finding at the `Ref` gets a label on the
//!   `Default`); without one the value is given at deploy and unknown.
//! - An `ImageId` that is the start of public IDs (`centos_7`) becomes an Image of its own,
//!   with what every public image it can select shares (`origin.type` `ros-image-lookup`).
//! - `CopyImage` and `ImageSharePermission` become facts of the stack's `CustomImage` they
//!   act on (a region, accounts), or of an image of their own when the image is outside the
//!   stack (an ID).
//! - A template with `Transform: Aliyun::Terraform-v1.x` carries HCL under `Workspace`:
//!   [`workspace`] reads it with the Terraform front end, spans moved into the template.
//! - In a Compute Nest service (a `.computenest` directory), an `ImageId` that is a key of
//!   the service's `ArtifactRelation` is replaced at deploy: unknown ([`computenest`]).

mod computenest;
mod exists;
mod intrinsics;
mod map;
mod short;
mod workspace;

use crate::catalog::Catalog;
use crate::iac::{Loaded, Options};
use crate::source::{Document, SourceFile};
use std::sync::Arc;

pub use intrinsics::{Eval, Template};
pub use map::{LOOKUP_TYPE, lookup_image};

/// Whether a parsed YAML or JSON document is a ROS template.
pub fn is_template(document: &Document) -> bool {
    document.root.get("ROSTemplateFormatVersion").is_some()
}

/// Whether a file that does not parse shows a ROS template (`ROSTemplateFormatVersion`
/// as a key) or a legacy Packer template (an `alicloud-ecs` builder): it is then a broken
/// template (S001), not another tool's file.
pub fn shows_a_template(text: &str) -> bool {
    let key = |at: usize| {
        let rest = text.get(at + "ROSTemplateFormatVersion".len()..).unwrap_or_default();
        let rest = rest.strip_prefix(['"', '\'']).unwrap_or(rest);
        rest.trim_start_matches([' ', '\t', '\u{a0}']).starts_with(':')
    };
    text.match_indices("ROSTemplateFormatVersion").any(|(at, _)| key(at)) || text.contains("\"alicloud-ecs\"")
}

/// Reads one ROS template into canonical resources. The caller hands the document over,
/// as it does to the other front ends: its short forms (`!Ref x`) are rewritten in place.
pub fn extract(file: &Arc<SourceFile>, document: Document, options: &Options, catalog: &Catalog) -> Loaded {
    let mut document = document;
    short::long_forms(&mut document.root, &file.text);
    let root = &document.root;
    let artifacts = computenest::artifact_keys(&file.name);
    let template = Template {
        file,
        parameters: root.get("Parameters"),
        mappings: root.get("Mappings"),
        conditions: root.get("Conditions"),
        resources: root.get("Resources"),
        region: options.region.as_deref(),
        artifacts: &artifacts,
        partial_ids: std::cell::Cell::new(0),
    };
    let mut findings = Vec::new();
    if let Some(mut span) = empty_key(root) {
        let end = span.end().min(file.text.len());
        span = crate::source::Span::new(span.start().min(end), end);
        let finding = crate::spec::codes::PARSE_ERROR
            .finding(
                "an empty mapping key: ROS rejects the template",
                crate::diag::Location::new(Arc::clone(file), span),
            )
            .with_primary_label("a key with no name");
        findings.push(finding);
        return Loaded { findings, ..Loaded::default() };
    }
    if let Some(at) = nbsp_indentation(&file.text) {
        let span = crate::source::Span::new(at, at + '\u{a0}'.len_utf8());
        let mut finding = crate::spec::codes::PARSE_ERROR
            .finding(
                "a line is indented with a no-break space (U+00A0), which YAML reads as text: ROS rejects the template",
                crate::diag::Location::new(Arc::clone(file), span),
            )
            .with_primary_label("U+00A0 here");
        finding.help = Some("indent with ordinary spaces".into());
        findings.push(finding);
        return Loaded { findings, ..Loaded::default() };
    }
    let mut loaded = Loaded { resources: map::resources(&template, catalog), findings, ..Loaded::default() };
    if workspace::is_terraform(root) {
        let mut inner = workspace::load(file, root, options, catalog);
        loaded.resources.append(&mut inner.resources);
        loaded.findings.append(&mut inner.findings);
        loaded.skipped.append(&mut inner.skipped);
    }
    loaded
}

/// The span of the first empty mapping key in the tree (`: value`).
fn empty_key(node: &crate::source::Node) -> Option<crate::source::Span> {
    use crate::source::Value;
    match &node.value {
        Value::Map(entries) => entries.iter().find_map(|e| {
            if e.key.name.is_empty() || e.key.span.is_empty() {
                // An empty key has an empty span where it would be: mark one character.
                Some(crate::source::Span::new(
                    e.key.span.start(),
                    e.key.span.end().max(e.key.span.start() + 1),
                ))
            } else {
                empty_key(&e.value)
            }
        }),
        Value::Seq(items) => items.iter().find_map(empty_key),
        _ => None,
    }
}

/// The offset of the first no-break space in a line's indentation (copied from web pages,
/// as official documentation examples were).
fn nbsp_indentation(text: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches([' ', '\t', '\u{a0}']).len();
        if let Some(at) = line[..indent].find('\u{a0}') {
            return Some(offset + at);
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests;
