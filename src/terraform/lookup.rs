//! `data "alicloud_images"`: a lookup of public images by `name_regex` (DESIGN §8,
//! "Image lookups").
//!
//! A lookup with `owners = "system"` (or no `owners`) and a known `name_regex` selects a
//! public image the configuration does not name: it becomes a canonical public Image,
//! named by the data source's address, that knows what every public ID the regex can
//! match has in common (`Catalog::image_regex`). What the catalog cannot tell stays
//! unset, so every rule that needs it stays quiet. A lookup of other owners' images, or
//! with a regex that is not known, selects an unknown image.

use super::map::{Got, builder, string_of};
use super::value::{Block, Val};
use crate::catalog::Catalog;
use crate::diag::Location;
use crate::iac::Builder;
use crate::spec::Kind;

/// The `name_regex` of a lookup of public images, or where and why the image it selects
/// is not known.
pub fn select(block: &Block) -> Result<&Val, (Location, String)> {
    match string_of(block.get("owners")) {
        Got::Absent(_) => {}
        Got::Known(_, owners) if owners == "system" => {}
        Got::Known(val, owners) => {
            return Err((
                val.at.clone(),
                format!("`{}` selects images owned by `{owners}`, which ecslint cannot see", block.address),
            ));
        }
        Got::Unknown(val, why) => return Err((val.at.clone(), why)),
    }
    match string_of(block.get("name_regex")) {
        Got::Known(val, _) => Ok(val),
        Got::Absent(val) => Err((
            val.map_or_else(|| block.head.clone(), |v| v.at.clone()),
            format!("`{}` has no `name_regex`: any image may be selected", block.address),
        )),
        Got::Unknown(val, why) => Err((val.at.clone(), why)),
    }
}

/// The public image a lookup selects, with what the catalog knows of every public ID
/// `regex` can match.
pub fn image(block: &Block, regex: &Val, catalog: &Catalog) -> Builder {
    let mut b = builder(Kind::Image, block, block.address.clone(), block.key.clone());
    b.string("type", regex.placed("public".into()));
    let pattern = regex.as_str().unwrap_or_default();
    let partial = catalog.image_regex(&pattern).unwrap_or_default();
    // `os` is a family and a version: a family alone is not written (no rule reads it
    // without the version).
    if let (Some(family), Some(version)) = (partial.family, partial.version) {
        b.nested_string("os", "family", regex.placed(family));
        b.nested_string("os", "version", regex.placed(version));
    }
    // The data source's own `architecture` filter narrows the selection.
    let filter = match string_of(block.get("architecture")) {
        Got::Known(val, arch) if ["x86_64", "i386", "arm64"].contains(&arch.as_str()) => {
            Some(val.placed(arch))
        }
        _ => None,
    };
    if let Some(arch) = filter.or_else(|| partial.architecture.map(|a| regex.placed(a))) {
        b.string("architecture", arch);
    }
    if let Some(mode) = partial.boot_mode {
        b.string("bootMode", regex.placed(mode.as_str().to_string()));
    }
    if let Some(size) = partial.size_gib {
        b.int("size", regex.placed(i64::from(size)));
    }
    b
}
