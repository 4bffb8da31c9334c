//! Packer templates (DESIGN §8): the `alicloud-ecs` builder's image and build instance.

use crate::iac::{Loaded, Options};
use crate::source::{Limits, SourceFile};
use std::sync::Arc;

/// Reads the run's `.pkr.hcl` and `.pkr.json` files into canonical resources.
pub fn load(
    files: &[Arc<SourceFile>],
    options: &Options,
    limits: Limits,
    catalog: &crate::catalog::Catalog,
) -> Loaded {
    let _ = (files, options, limits, catalog);
    Loaded::default()
}

/// Whether a parsed JSON document is a legacy Packer template with an `alicloud-ecs` builder.
pub fn is_json_template(document: &crate::source::Document) -> bool {
    document
        .root
        .get("builders")
        .and_then(crate::source::Node::as_seq)
        .is_some_and(|builders| builders.iter().any(|b| b.get_str("type") == Some("alicloud-ecs")))
}

/// Reads one legacy Packer JSON template into canonical resources.
pub fn extract_json(
    file: &Arc<SourceFile>,
    document: crate::source::Document,
    options: &Options,
    catalog: &crate::catalog::Catalog,
) -> Loaded {
    let _ = (file, document, options, catalog);
    Loaded::default()
}
