//! An image's own facts ([`ImageBase`]) before its chain is considered: an Image spec's
//! as written (with what a public `id` tells where the spec is silent), and a public
//! image's from its ID.

use super::built;
use super::size::id_size;
use super::{ImageBase, Os};
use crate::catalog::{BootMode, Catalog, PublicImage};
use crate::source::Value;
use crate::spec::Resource;
use std::borrow::Cow;

/// An Image spec as written, with OS, architecture and boot mode derived from a public
/// `id` where the spec leaves them out.
pub(super) fn spec_base<'a>(resource: &'a Resource, catalog: &Catalog) -> ImageBase<'a> {
    let node = &resource.node;
    let id = node.get_str("id");
    let parsed = id.and_then(|id| catalog.parse_public_image_id(id));
    // An IaC image may know its OS family but not the version (a lookup by `^centos_`):
    // the version is then empty, which matches no lifecycle entry and no versioned fee.
    let os = node.get("os").and_then(|os| {
        let version = match os.get_str("version") {
            Some(version) => version,
            None if resource.iac.is_some() => "",
            None => return None,
        };
        Some(Os { family: Cow::Borrowed(os.get_str("family")?), version: Cow::Borrowed(version) })
    });
    let flag = |key: &str| node.get(key).is_some_and(|n| n.value == Value::Bool(true));
    ImageBase {
        name: resource.name.as_deref(),
        image_name: native_image_name(resource),
        id,
        image_type: node.get_str("type"),
        spec: true,
        os: os.or_else(|| parsed.as_ref().map(parsed_os)),
        architecture: node
            .get_str("architecture")
            .or_else(|| parsed.as_ref().map(|p| p.architecture.as_str())),
        boot_mode: node.get_str("bootMode").or_else(|| parsed.as_ref()?.boot_mode.map(BootMode::as_str)),
        regions: node.get("regions"),
        derived_from: node.get_str("derivedFrom"),
        imported: flag("imported"),
        license_type: node.get_str("licenseType"),
        encrypted: flag("encrypted"),
        shared_with: node.get("sharedWith"),
        labels: node.get("labels"),
        unknown_regions: !resource.field_valid("regions"),
        unknown_shares: !resource.field_valid("sharedWith"),
        size: match node.get("size").map(|n| &n.value) {
            Some(Value::Int(size)) => u64::try_from(*size).ok(),
            _ => id.and_then(|id| parsed.as_ref().and(id_size(id))),
        },
        // A custom image has no build date in the spec: only a public one's ID carries it.
        built: match node.get_str("type") {
            None | Some("public") => id.and_then(|id| parsed.as_ref().and(built::build_date(id))),
            Some(_) => None,
        },
    }
}

/// [`ImageBase::image_name`] of a resource of the run.
fn native_image_name(resource: &Resource) -> Option<&str> {
    match resource.iac.as_deref() {
        None => resource.name.as_deref(),
        Some(extra) => ["image_name", "ImageName"]
            .iter()
            .find_map(|key| extra.origin.attributes.get(key).and_then(serde_json::Value::as_str)),
    }
}

fn parsed_os(parsed: &PublicImage) -> Os<'static> {
    Os { family: Cow::Owned(parsed.family.clone()), version: Cow::Owned(parsed.version.clone()) }
}

pub(super) fn public_base<'a>(id: &'a str, parsed: &PublicImage) -> ImageBase<'a> {
    ImageBase {
        name: Some(id),
        image_name: Some(id),
        id: Some(id),
        image_type: Some("public"),
        spec: false,
        os: Some(parsed_os(parsed)),
        architecture: Some(parsed.architecture.as_str()),
        boot_mode: parsed.boot_mode.map(BootMode::as_str),
        regions: None,
        derived_from: None,
        imported: false,
        license_type: None,
        encrypted: false,
        shared_with: None,
        labels: None,
        unknown_regions: false,
        unknown_shares: false,
        size: id_size(id),
        built: built::build_date(id),
    }
}
