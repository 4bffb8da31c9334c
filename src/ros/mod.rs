//! ROS templates (DESIGN §8): `ALIYUN::ECS::*` resources read into canonical Instances and
//! Images.

use crate::iac::{Loaded, Options};
use crate::source::{Document, SourceFile};
use std::sync::Arc;

/// Whether a parsed YAML or JSON document is a ROS template.
pub fn is_template(document: &Document) -> bool {
    document.root.get("ROSTemplateFormatVersion").is_some()
}

/// Reads one ROS template into canonical resources.
pub fn extract(file: &Arc<SourceFile>, document: Document, options: &Options) -> Loaded {
    let _ = (file, document, options);
    Loaded::default()
}
