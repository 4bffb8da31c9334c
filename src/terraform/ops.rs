//! Operations on the run's images (DESIGN §8, "Image operations"): they become facts of
//! the image they act on, not resources of their own.
//!
//! - `alicloud_image_copy` lands in its provider's region: that region joins the source
//!   image's `regions` (pointing at the copy block) unless the image is there already
//!   (a copy in the same region), and an encrypted copy makes the image `encrypted`.
//! - `alicloud_image_share_permission` adds its `account_id` to the image's
//!   `sharedWith` (each `count`/`for_each` instance is a block of its own, so adds one).
//!
//! An operation on an image the run does not describe (a literal `m-...` ID, a public
//! image selected by a lookup) changes nothing; one whose value is unknown makes the
//! field it would change unknown, so no rule counts on a list that may be longer.

use super::image::{ImageTarget, Images};
use super::map::{Got, Run, string_of};
use super::value::Block;
use crate::diag::Label;
use crate::iac::Placed;

/// Applies the run's copies and share permissions to its images.
pub fn apply(run: &Run<'_>, images: &mut Images) {
    for block in run.managed("alicloud_image_copy") {
        copy(run, images, block);
    }
    for block in run.managed("alicloud_image_share_permission") {
        share(run, images, block);
    }
}

/// The key of the run image an operation's `attribute` names.
fn source_key(run: &Run<'_>, images: &Images, block: &Block, attribute: &str) -> Option<String> {
    match images.resolve(run, block.get(attribute), block, attribute) {
        ImageTarget::Run { key, .. } => Some(key),
        ImageTarget::Literal(_) | ImageTarget::Unknown { .. } => None,
    }
}

fn copy(run: &Run<'_>, images: &mut Images, block: &Block) {
    let Some(key) = source_key(run, images, block, "source_image_id") else { return };
    let Some(image) = images.managed_mut(&key) else { return };
    match string_of(Some(&block.region)) {
        Got::Known(region, name) => {
            // A copy into a region the image is already in (to encrypt it, say) adds no
            // region.
            if !image.is_unknown("regions") && !image.lists("regions", &name) {
                let mut via = region.via.clone();
                via.push(Label { location: region.at.clone(), message: "the copy's region".into() });
                image.push_string("regions", Placed { value: name, at: block.head.clone(), via });
            }
        }
        Got::Absent(_) => {
            image.unknown(
                "regions",
                block.head.clone(),
                format!("the region of `{}` is not set", block.address),
            );
        }
        Got::Unknown(region, why) => {
            image.unknown("regions", region.at.clone(), format!("the region of `{}`: {why}", block.address));
        }
    }
    if let Some(encrypted) = block.get("encrypted") {
        match encrypted.as_bool() {
            Some(true) => {
                image.bool("encrypted", encrypted.placed(true));
            }
            Some(false) => {}
            None if matches!(encrypted.value, super::value::Value::Null) => {}
            None => {
                let why = encrypted.unknown_why().unwrap_or_else(|| "`encrypted` is not a boolean".into());
                image.unknown("encrypted", encrypted.at.clone(), why);
            }
        }
    }
}

fn share(run: &Run<'_>, images: &mut Images, block: &Block) {
    let Some(key) = source_key(run, images, block, "image_id") else { return };
    let Some(image) = images.managed_mut(&key) else { return };
    match string_of(block.get("account_id")) {
        Got::Known(account, id) => {
            if !image.is_unknown("sharedWith") {
                image.push_string("sharedWith", account.placed(id));
            }
        }
        Got::Absent(val) => {
            let at = val.map_or_else(|| block.head.clone(), |v| v.at.clone());
            image.unknown("sharedWith", at, format!("`{}` sets no `account_id`", block.address));
        }
        Got::Unknown(account, why) => {
            image.unknown("sharedWith", account.at.clone(), why);
        }
    }
}
