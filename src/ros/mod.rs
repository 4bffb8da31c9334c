//! ROS templates (DESIGN §8): `ALIYUN::ECS::*` resources read into canonical Instances and
//! Images.
//!
//! - A resource's name is its logical ID; a resource-level `Count` (or `MaxAmount` of an
//!   instance group) is the instance `count`, not one resource per index.
//! - The region is the stack's, never in the template: `--region`, else unknown (S011).
//! - `Ref` to a parameter reads its `Default` (a finding at the `Ref` gets a label on the
//!   `Default`); without one the value is given at deploy and unknown.
//! - An `ImageId` that is the start of public IDs (`centos_7`) becomes an Image of its own,
//!   with what every public image it can select shares (`origin.type` `ros-image-lookup`).
//! - `CopyImage` and `ImageSharePermission` become facts of the stack's `CustomImage` they
//!   act on (a region, accounts), or of an image of their own when the image is outside the
//!   stack (an ID).

mod intrinsics;
mod map;

use crate::catalog::Catalog;
use crate::iac::{Loaded, Options};
use crate::source::{Document, SourceFile};
use std::sync::Arc;

pub use intrinsics::{Eval, Template};

/// Whether a parsed YAML or JSON document is a ROS template.
pub fn is_template(document: &Document) -> bool {
    document.root.get("ROSTemplateFormatVersion").is_some()
}

/// Reads one ROS template into canonical resources. The caller hands the document over,
/// as it does to the other front ends.
#[allow(clippy::needless_pass_by_value)]
pub fn extract(file: &Arc<SourceFile>, document: Document, options: &Options, catalog: &Catalog) -> Loaded {
    let root = &document.root;
    let template = Template {
        file,
        parameters: root.get("Parameters"),
        mappings: root.get("Mappings"),
        conditions: root.get("Conditions"),
        resources: root.get("Resources"),
        region: options.region.as_deref(),
    };
    Loaded { resources: map::resources(&template, catalog), ..Loaded::default() }
}

#[cfg(test)]
mod tests;
