//! Operations on the run's images (DESIGN §8, "Image operations"): they become facts of
//! the image they act on, not resources of their own.
//!
//! - `alicloud_image_copy` lands in its provider's region: that region joins the source
//!   image's `regions` (pointing at the copy block) unless the image is there already
//!   (a copy in the same region), and an encrypted copy makes the image `encrypted`.
//! - `alicloud_image_share_permission` adds its `account_id` to the image's
//!   `sharedWith` (each `count`/`for_each` instance is a block of its own, so adds one).
//!
//! A share of a public image (a literal public ID, or the image a lookup with
//! `owners = "system"` selects) is a public image with `sharedWith`: Alibaba Cloud shares only your own custom
//! images, so it is Q003's to report. That public image is an Image of its own, named by
//! the first share permission that names it, with only its type known.
//! Any other operation on an image the run does not describe (a literal `m-...` ID, a
//! copy of a public image) changes nothing; one whose value is unknown, or that may not be
//! made (its `count` or `for_each` is not known), makes the field it would change unknown,
//! so no rule counts on a list that may be longer, or shorter.

use super::image::{ImageTarget, Images};
use super::map::{Got, Run, builder, string_of};
use super::value::{Block, Mode};
use crate::catalog::Catalog;
use crate::diag::Label;
use crate::iac::{Builder, Placed};
use crate::spec::Kind;

/// Applies the run's copies and share permissions to its images; returns the public
/// images of literal IDs that share permissions name.
pub fn apply(run: &Run<'_>, images: &mut Images, catalog: &Catalog) -> Vec<Builder> {
    for block in run.managed("alicloud_image_copy") {
        copy(run, images, block);
    }
    let mut outside: Vec<(String, Builder)> = Vec::new();
    for block in run.managed("alicloud_image_share_permission") {
        share(run, images, block, catalog, &mut outside);
    }
    outside.into_iter().map(|(_, b)| b).collect()
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
    // A copy that may not be made: the image may be in that region or not.
    if let Some((why, at)) = super::map::unsure(block) {
        image.unknown("regions", at, format!("`{}`: {why}", block.address));
        return;
    }
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

fn share(
    run: &Run<'_>,
    images: &mut Images,
    block: &Block,
    catalog: &Catalog,
    outside: &mut Vec<(String, Builder)>,
) {
    // A public image: (what `outside` knows it by, where it is named).
    let public = match images.resolve(run, block.get("image_id"), block, "image_id") {
        ImageTarget::Run { key, address, at, via } => {
            match run.block(&key).filter(|b| b.mode == Mode::Data) {
                None => {
                    if let Some(image) = images.managed_mut(&key) {
                        add_account(image, block);
                    }
                    return;
                }
                // A lookup by `name_regex` alone may select the account's own images too
                // (a golden image found by name): only `owners = "system"` is surely public.
                Some(lookup) if matches!(string_of(lookup.get("owners")), Got::Known(_, o) if o == "system") => {
                    (key, Placed { value: address, at, via })
                }
                Some(_) => return,
            }
        }
        ImageTarget::Literal(id) if catalog.parse_public_image_id(&id.value).is_some() => {
            (id.value.clone(), id)
        }
        ImageTarget::Literal(_) | ImageTarget::Unknown { .. } => return,
    };
    let (known, named) = public;
    let index = outside.iter().position(|(k, _)| *k == known).unwrap_or_else(|| {
        outside.push((known, public_image(block, &named)));
        outside.len() - 1
    });
    let Some((_, image)) = outside.get_mut(index) else { return };
    add_account(image, block);
}

/// The public image a share permission names (`id`: a literal public ID, or a lookup's
/// address): its type is known, and nothing else is looked up (the instances that boot
/// it are checked on their own), so no rule but the share rules reads it.
fn public_image(block: &Block, id: &Placed<String>) -> Builder {
    let mut b = builder(Kind::Image, block, block.address.clone(), format!("{}#shared", block.key));
    b.string("type", Placed { value: "public".into(), at: id.at.clone(), via: id.via.clone() });
    for field in ["id", "os", "architecture", "regions"] {
        b.unknown(
            field,
            id.at.clone(),
            format!("`{}` is a public image this configuration only shares", id.value),
        );
    }
    b
}

/// Adds the share permission's `account_id` to the image's `sharedWith`.
fn add_account(image: &mut Builder, block: &Block) {
    // A share that may not be made: the list may be shorter.
    if let Some((why, at)) = super::map::unsure(block) {
        image.unknown("sharedWith", at, format!("`{}`: {why}", block.address));
        return;
    }
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
