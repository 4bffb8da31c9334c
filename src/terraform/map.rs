//! Evaluated Terraform blocks into canonical Instances and Images (DESIGN §8 table; the
//! fields are DESIGN §1's).
//!
//! The mapping runs in three steps over the whole run, because resources act on each
//! other: the images come first (`alicloud_image`, `alicloud_image_import`,
//! `alicloud_ecs_image_pipeline`, and `data "alicloud_images"` lookups, see
//! [`super::image`] and [`super::lookup`]); then the operations on them
//! (`alicloud_image_copy` adds a region, `alicloud_image_share_permission` an account,
//! see [`super::ops`]); then the instances, whose `image_id` may name any of those images.
//!
//! A value static evaluation could not reach is never guessed: a required field becomes
//! [`Builder::unknown`] (its rules skip the resource, S011 lists it), an optional one is
//! left out only when it is truly absent, and an empty string (`""`, what skeleton
//! configurations write) counts as unset.

use super::image::{self, ImageTarget, Images};
use super::value::{Block, Mode, Val, Value};
use crate::catalog::Catalog;
use crate::iac::{Builder, Format, Origin, Placed};
use crate::spec::{Kind, Resource};
use foldhash::{HashMap, HashMapExt as _};
use rayon::prelude::*;

/// The run's blocks, by key, for references between them.
pub struct Run<'b> {
    pub blocks: &'b [Block],
    by_key: HashMap<&'b str, &'b Block>,
}

impl<'b> Run<'b> {
    pub fn new(blocks: &'b [Block]) -> Self {
        let mut by_key = HashMap::with_capacity(blocks.len());
        for block in blocks {
            by_key.entry(block.key.as_str()).or_insert(block);
        }
        Self { blocks, by_key }
    }

    /// The block of the run with key `key`.
    pub fn block(&self, key: &str) -> Option<&'b Block> {
        self.by_key.get(key).copied()
    }

    /// The managed resources of the run of type `block_type`.
    pub fn managed(&self, block_type: &'b str) -> impl Iterator<Item = &'b Block> + 'b {
        self.blocks.iter().filter(move |b| b.mode == Mode::Managed && b.block_type == block_type)
    }
}

/// Maps the run's evaluated blocks into canonical resources: images first, then
/// instances, in the order of the blocks.
pub fn resources(blocks: &[Block], catalog: &Catalog) -> Vec<Resource> {
    let run = Run::new(blocks);
    let mut images = Images::build(&run, catalog);
    let shared = super::ops::apply(&run, &mut images, catalog);
    // Once the images are known, each instance maps on its own: on every core, in the order
    // of the blocks (rayon's collect keeps it).
    let out: Vec<Vec<Resource>> = blocks
        .par_iter()
        .filter(|b| b.mode == Mode::Managed)
        .map(|block| {
            let mut out = Vec::new();
            instances(&run, &images, catalog, block, &mut out);
            out
        })
        .collect();
    let mut all = images.finish();
    all.extend(shared.into_iter().map(Builder::finish));
    all.extend(out.into_iter().flatten());
    all
}

/// What an attribute gave.
pub enum Got<'v> {
    /// Not written, `null`, or `""`; the value is kept for where an unset required field
    /// is reported.
    Absent(Option<&'v Val>),
    /// A known string (numbers and booleans converted as Terraform converts them).
    Known(&'v Val, String),
    /// Not known before apply, with the reason.
    Unknown(&'v Val, String),
}

/// The first of `names` the block sets.
pub fn attr<'v>(block: &'v Block, names: &[&str]) -> Option<&'v Val> {
    names.iter().find_map(|name| block.get(name))
}

/// What a value gives as a string.
pub fn string_of(val: Option<&Val>) -> Got<'_> {
    let Some(val) = val else { return Got::Absent(None) };
    match &val.value {
        Value::Null => Got::Absent(Some(val)),
        Value::String(s) if crate::iac::is_unset(s) => Got::Absent(Some(val)),
        Value::String(_) | Value::Number(_) | Value::Bool(_) => {
            val.as_str().map_or(Got::Absent(Some(val)), |s| Got::Known(val, s))
        }
        Value::Unknown(_) | Value::Ref(_) => {
            Got::Unknown(val, val.unknown_why().unwrap_or_else(|| "not known before apply".into()))
        }
        Value::List(_) | Value::Object(_) => {
            Got::Unknown(val, "a collection, where one string is expected".into())
        }
    }
}

/// Sets the optional string field `field` from `names`, through `convert` (which says why
/// a known value is not one the field accepts).
fn optional_string(
    builder: &mut Builder,
    block: &Block,
    field: &str,
    names: &[&str],
    convert: impl Fn(&str) -> Result<String, String>,
) {
    match string_of(attr(block, names)) {
        Got::Absent(_) => {}
        Got::Known(val, s) => match convert(&s) {
            Ok(value) => {
                builder.string(field, val.placed(value));
            }
            Err(why) => {
                builder.unknown(field, val.at.clone(), why);
            }
        },
        Got::Unknown(val, why) => {
            builder.unknown(field, val.at.clone(), why);
        }
    }
}

/// Sets the required string field `field` from `val`; unset or unknown is unknown.
pub fn required_string(builder: &mut Builder, block: &Block, field: &str, name: &str, val: Option<&Val>) {
    match string_of(val) {
        Got::Known(val, s) => {
            builder.string(field, val.placed(s));
        }
        Got::Absent(val) => {
            let at = val.map_or_else(|| block.head.clone(), |v| v.at.clone());
            builder.unknown(field, at, format!("`{name}` is not set"));
        }
        Got::Unknown(val, why) => {
            builder.unknown(field, val.at.clone(), why);
        }
    }
}

/// Sets an optional whole-number field from `val`.
pub fn optional_int(builder: &mut Builder, field: &str, val: Option<&Val>) {
    let Some(val) = val else { return };
    match &val.value {
        Value::Null => {}
        Value::String(s) if crate::iac::is_unset(s) => {}
        _ => {
            if let Some(n) = val.as_int() {
                builder.int(field, val.placed(n));
            } else {
                let why = val.unknown_why().unwrap_or_else(|| "not a whole number".into());
                builder.unknown(field, val.at.clone(), why);
            }
        }
    }
}

/// The canonical origin of a block.
pub fn origin(block: &Block, key: String) -> Origin {
    let attributes =
        serde_json::Value::Object(block.attributes.iter().map(|(k, v)| (k.clone(), v.to_json())).collect());
    Origin {
        format: Format::Terraform,
        native_type: block.block_type.clone(),
        address: block.address.clone(),
        attributes,
        key,
    }
}

/// A builder for `block` as a canonical `kind`, named `address`, with key `key`.
pub fn builder(kind: Kind, block: &Block, address: String, key: String) -> Builder {
    let mut origin = origin(block, key);
    origin.address = address;
    Builder::new(kind, origin, block.head.clone())
}

/// Sets `region` (an instance's) or the first of `regions` (an image's) from the
/// block's provider region.
pub fn region(builder: &mut Builder, block: &Block, field: &str) {
    match string_of(Some(&block.region)) {
        Got::Known(val, s) if field == "regions" => {
            builder.push_string(field, val.placed(s));
        }
        Got::Known(val, s) => {
            builder.string(field, val.placed(s));
        }
        Got::Absent(_) => {
            builder.unknown(field, block.region.at.clone(), "the provider sets no region (use `--region`)");
        }
        Got::Unknown(val, why) => {
            builder.unknown(field, val.at.clone(), why);
        }
    }
}

/// `labels` from the `tags` map: its known string entries.
pub fn labels(builder: &mut Builder, block: &Block) {
    let Some(tags) = block.get("tags") else { return };
    match &tags.value {
        Value::Object(entries) => {
            // A tag whose value is not known makes every label unknown: a rule that asks
            // whether a tag is set cannot be answered "no" for it. An empty value is a tag
            // (the key is set); a `null` one is none.
            if let Some((val, why)) = entries.iter().find_map(|(_, val)| match string_of(Some(val)) {
                Got::Unknown(val, why) => Some((val, why)),
                _ => None,
            }) {
                builder.unknown("labels", val.at.clone(), why);
                return;
            }
            for (key, val) in entries {
                match (&val.value, string_of(Some(val))) {
                    (_, Got::Known(val, s)) => {
                        builder.nested_string("labels", key, val.placed(s));
                    }
                    (Value::String(s), _) => {
                        builder.nested_string("labels", key, val.placed(s.clone()));
                    }
                    _ => {}
                }
            }
        }
        Value::Unknown(_) | Value::Ref(_) => {
            let why = tags.unknown_why().unwrap_or_default();
            builder.unknown("labels", tags.at.clone(), why);
        }
        _ => {}
    }
}

/// `instance_charge_type` as a canonical billing.
fn billing(value: &str) -> Result<String, String> {
    if value.eq_ignore_ascii_case("prepaid") {
        Ok("Subscription".into())
    } else if value.eq_ignore_ascii_case("postpaid") {
        Ok("PayAsYouGo".into())
    } else {
        Err(format!("instance_charge_type `{value}` is neither `PrePaid` nor `PostPaid`"))
    }
}

/// The canonical instances a managed block describes (none for other types).
fn instances(run: &Run<'_>, images: &Images, catalog: &Catalog, block: &Block, out: &mut Vec<Resource>) {
    match block.block_type.as_str() {
        "alicloud_instance"
        | "alicloud_ecs_instance_set"
        | "alicloud_launch_template"
        | "alicloud_ecs_launch_template" => {
            let mut b = builder(Kind::Instance, block, block.address.clone(), block.key.clone());
            common(run, images, block, &mut b);
            required_string(&mut b, block, "instanceType", "instance_type", block.get("instance_type"));
            optional_string(&mut b, block, "zone", &["availability_zone", "zone_id"], |s| Ok(s.to_string()));
            optional_string(&mut b, block, "billing", &["instance_charge_type"], billing);
            // A nested block is a list of objects; JSON syntax may write one object.
            let disk = block.get("system_disk").and_then(|d| match &d.value {
                Value::List(items) => items.first(),
                Value::Object(_) => Some(d),
                _ => None,
            });
            match disk {
                Some(disk) => optional_int(&mut b, "systemDiskSize", disk.get("size")),
                None => optional_int(&mut b, "systemDiskSize", block.get("system_disk_size")),
            }
            if block.block_type == "alicloud_ecs_instance_set" {
                count(&mut b, block);
            }
            repetition(&mut b, block);
            out.push(b.finish());
        }
        "alicloud_ess_scaling_configuration" => scaling_configuration(run, images, catalog, block, out),
        "alicloud_ecs_image_pipeline" => out.push(image::build_instance(run, images, block)),
        _ => {}
    }
}

/// What every instance-like block has: region, image, key pair, labels.
pub fn common(run: &Run<'_>, images: &Images, block: &Block, b: &mut Builder) {
    region(b, block, "region");
    let target = images.resolve(run, block.get("image_id"), block, "image_id");
    set_image(b, "image", target);
    optional_string(b, block, "keyPair", &["key_name", "key_pair_name"], |s| Ok(s.to_string()));
    labels(b, block);
}

/// Writes an image target into `field` (`image`, `derivedFrom`).
pub fn set_image(b: &mut Builder, field: &str, target: ImageTarget) {
    match target {
        ImageTarget::Literal(placed) => {
            b.string(field, placed);
        }
        ImageTarget::Run { key, address, at, via } => {
            b.string(field, Placed { value: address, at, via });
            b.reference(field, key);
        }
        ImageTarget::Unknown { at, why } => {
            b.unknown(field, at, why);
        }
    }
}

/// A block repeated by a `count` or `for_each` that is not known stands for an unknown
/// number of instances, possibly none: nothing about it is reported (a `for_each` over a
/// set that turns out empty creates nothing to be wrong), and S011 says why. Static
/// evaluation gives the block's `count` attribute the number of instances of its group,
/// or an unknown value.
pub fn repetition(b: &mut Builder, block: &Block) {
    let Some((why, at)) = unsure(block) else { return };
    for field in ["image", "instanceType", "region", "zone", "billing", "systemDiskSize", "keyPair", "labels"]
    {
        if b.has(field) {
            b.unknown_set(field, at.clone(), why.clone());
        }
    }
    b.unknown("count", at, why);
}

/// Why a block may stand for no instance at all, and where: its `count` or `for_each` (or
/// an enclosing module call's) is not known.
pub fn unsure(block: &Block) -> Option<(String, crate::diag::Location)> {
    let (why, at) = match (&block.repeat, block.get("count")) {
        (crate::terraform::value::Repeat::Unknown(why), _) => (why.clone(), block.head.clone()),
        (_, Some(count)) => (count.unknown_why()?, count.at.clone()),
        (_, None) => return None,
    };
    Some((format!("the number of instances is not known, and may be none: {why}"), at))
}

/// A scaling configuration's `image_name`. With no `image_id`, the name chooses the image:
/// a public image's name is its ID, which becomes the image; any other name, or one not
/// known before deploy, leaves the image unknown. With both set, Alibaba Cloud's pages
/// disagree on which one ESS ignores (`CreateScalingConfiguration`: the ID; the SDK's
/// `ModifyScalingConfiguration`: the name), so the image is unknown rather than judged by
/// one that may be ignored.
fn image_name(b: &mut Builder, block: &Block, catalog: &Catalog) {
    let Some(name) = block.get("image_name") else { return };
    let named = match &name.value {
        Value::Null => return,
        // An empty name is no name: the provider sends it only when it is not empty.
        Value::String(text) if text.is_empty() => return,
        Value::String(text) => Some(text),
        _ => None,
    };
    let id_set = block.get("image_id").is_some_and(|id| match &id.value {
        Value::Null => false,
        Value::String(text) => !text.is_empty(),
        _ => true,
    });
    let why = if id_set {
        "both `image_id` and `image_name` are set, and Alibaba Cloud documents each as the one ESS ignores"
            .to_string()
    } else {
        match named {
            Some(text) if catalog.parse_public_image_id(text).is_some() => {
                b.string("image", name.placed(text.clone()));
                return;
            }
            Some(text) => format!(
                "`image_name` `{text}` chooses the image, and ecslint resolves only public image names"
            ),
            None => {
                let why = name.unknown_why().unwrap_or_else(|| "it is not a string".into());
                format!("`image_name` chooses the image: {why}")
            }
        }
    };
    b.unknown_instead("image", name.at.clone(), why);
}

/// `count` from an instance set's `amount`.
fn count(b: &mut Builder, block: &Block) {
    let Some(amount) = block.get("amount") else { return };
    match amount.as_int() {
        Some(n) if n >= 1 => {
            b.int("count", amount.placed(n));
        }
        Some(n) => {
            b.unknown("count", amount.at.clone(), format!("`amount` is {n}"));
        }
        None if matches!(amount.value, Value::Null) => {}
        None => {
            let why = amount.unknown_why().unwrap_or_else(|| "`amount` is not a whole number".into());
            b.unknown("count", amount.at.clone(), why);
        }
    }
}

/// An ESS scaling configuration: one instance, or one per candidate of `instance_types`
/// (the address suffixed with the list position).
fn scaling_configuration(
    run: &Run<'_>,
    images: &Images,
    catalog: &Catalog,
    block: &Block,
    out: &mut Vec<Resource>,
) {
    let one = |address: String, key: String, instance_type: &dyn Fn(&mut Builder)| {
        let mut b = builder(Kind::Instance, block, address, key);
        common(run, images, block, &mut b);
        image_name(&mut b, block, catalog);
        instance_type(&mut b);
        optional_int(&mut b, "systemDiskSize", block.get("system_disk_size"));
        repetition(&mut b, block);
        b.finish()
    };
    let (address, key) = (block.address.clone(), block.key.clone());
    let types = block.get("instance_types").filter(|v| !matches!(v.value, Value::Null));
    match types.map(|v| (v, v.items())) {
        Some((_, Some(items))) if !items.is_empty() => {
            for (index, item) in items.iter().enumerate() {
                let set =
                    |b: &mut Builder| required_string(b, block, "instanceType", "instance_types", Some(item));
                out.push(one(
                    format!("{address}.instance_types[{index}]"),
                    format!("{key}.instance_types[{index}]"),
                    &set,
                ));
            }
        }
        // The candidates are not known: neither is the type of the instance.
        Some((list, None)) => {
            let why = list.unknown_why().unwrap_or_else(|| "`instance_types` is not a list".into());
            let set = |b: &mut Builder| {
                b.unknown("instanceType", list.at.clone(), why.clone());
            };
            out.push(one(address, key, &set));
        }
        _ => {
            let set = |b: &mut Builder| {
                required_string(b, block, "instanceType", "instance_type", block.get("instance_type"));
            };
            out.push(one(address, key, &set));
        }
    }
}
