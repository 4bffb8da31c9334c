//! ROS resource types mapped into canonical Instances and Images.

use super::exists::{Existence, existence};
use super::intrinsics::{Eval, Template, scalar_text};
use crate::catalog::{Catalog, PartialImage};
use crate::diag::Location;
use crate::iac::{Builder, Format, Origin, Placed};
use crate::source::{Entry, Node, Value};
use crate::spec::{Kind, Resource};
use serde_json::Value as Json;
use std::collections::HashMap;
use std::sync::Arc;

mod launch;
mod tags;
use tags::tags;

/// Instance-like resource types: each declares instances (or, for launch templates and
/// scaling configurations, what instances will be launched with).
const INSTANCE_TYPES: [&str; 7] = [
    "ALIYUN::ECS::Instance",
    "ALIYUN::ECS::InstanceGroup",
    "ALIYUN::ECS::InstanceGroupClone",
    "ALIYUN::ECS::InstanceClone",
    "ALIYUN::ECS::PrepayInstance",
    "ALIYUN::ECS::LaunchTemplate",
    "ALIYUN::ESS::ScalingConfiguration",
];

/// The native type of an image made for a fuzzy `ImageId` (DESIGN §8): the engine reports
/// its image findings at the instance's `ImageId`.
pub const LOOKUP_TYPE: &str = "ros-image-lookup";

/// One resource of the template.
struct Declared<'a> {
    id: &'a str,
    entry: &'a Entry,
    kind: &'a str,
    properties: Option<&'a Node>,
    /// The properties of the stack's launch template it launches from, for those it does
    /// not set itself (see [`launch`]).
    inherited: Option<&'a Node>,
    /// Where and why it may not be created (see [`super::exists`]).
    unsure: Option<(Location, String)>,
}

impl Declared<'_> {
    /// A property as it launches: its own, else its launch template's.
    fn prop(&self, name: &str) -> Option<&Node> {
        self.own(name).or_else(|| self.inherited.and_then(|p| p.get(name)))
    }

    /// A property it sets itself.
    fn own(&self, name: &str) -> Option<&Node> {
        self.properties.and_then(|p| p.get(name))
    }
}

/// What an instance's `ImageId` resolved to, for a `CustomImage` made from it.
#[derive(Clone)]
enum ImageOf {
    Literal(Placed<String>),
    Stack(String),
    /// The lookup image of a fuzzy `ImageId`: its address and key.
    Lookup(Placed<String>, String),
}

/// Image operations on a stack image, by the image's logical ID.
#[derive(Default)]
struct Operations {
    regions: Vec<Placed<String>>,
    accounts: Vec<Placed<String>>,
    public: bool,
    /// Where and why a copy (for `regions`) or a share (`sharedWith`) may not be made, or
    /// goes to a region or accounts that are not known.
    unsure_regions: Option<(Location, String)>,
    unsure_accounts: Option<(Location, String)>,
}

/// The canonical resources of a template.
pub fn resources(template: &Template<'_>, catalog: &Catalog) -> Vec<Resource> {
    let Some(entries) = template.resources.and_then(Node::as_map) else { return Vec::new() };
    let mut declared: Vec<Declared<'_>> = entries
        .iter()
        .filter_map(|entry| {
            let kind = entry.value.get_str("Type")?;
            let unsure = match existence(template, entry) {
                Existence::Never => return None,
                Existence::Sure => None,
                Existence::Unsure(at, why) => Some((at, why)),
            };
            Some(Declared {
                id: &entry.key.name,
                entry,
                kind,
                properties: entry.value.get("Properties"),
                inherited: None,
                unsure,
            })
        })
        .collect();
    let mut out = Vec::new();
    let mut image_of: HashMap<&str, ImageOf> = HashMap::new();
    let inherited = launch::inherit(template, &mut declared);
    let launches = |d: &&Declared<'_>| INSTANCE_TYPES.contains(&d.kind) && !inherited.contains(d.id);
    for resource in declared.iter().filter(launches) {
        let (instance, image, lookup) = instance(template, catalog, resource);
        out.push(instance);
        // The image a fuzzy `ImageId` selects is there only for its instance.
        if resource.unsure.is_none() {
            out.extend(lookup);
        }
        if let Some(image) = image {
            image_of.insert(resource.id, image);
        }
    }
    let mut operations: HashMap<String, Operations> = HashMap::new();
    let custom: Vec<&str> =
        declared.iter().filter(|d| d.kind == "ALIYUN::ECS::CustomImage").map(|d| d.id).collect();
    for resource in &declared {
        match resource.kind {
            "ALIYUN::ECS::CopyImage" => copy_image(template, resource, &custom, &mut operations),
            "ALIYUN::ECS::ImageSharePermission" => {
                if let Some(image) = share(template, catalog, resource, &custom, &mut operations) {
                    out.push(image);
                }
            }
            _ => {}
        }
    }
    for resource in declared.iter().filter(|d| d.kind == "ALIYUN::ECS::CustomImage") {
        // An image made from an instance that may not be created may not be made either.
        let source = resource.prop("InstanceId").and_then(|node| match template.eval(node) {
            Eval::Resource(id) => declared.iter().find(|d| d.id == id).and_then(|d| d.unsure.clone()),
            _ => None,
        });
        out.push(custom_image(
            template,
            resource,
            &image_of,
            operations.remove(resource.id).unwrap_or_default(),
            resource.unsure.as_ref().or(source.as_ref()),
        ));
    }
    out
}

/// The run-wide key of a template resource.
fn key(template: &Template<'_>, id: &str) -> String {
    format!("{}#{id}", template.file.name)
}

fn at(template: &Template<'_>, node: &Node) -> Location {
    Location::new(Arc::clone(template.file), node.span)
}

/// A builder for a template resource, with its evaluated properties as origin attributes.
fn builder(template: &Template<'_>, resource: &Declared<'_>, kind: Kind) -> Builder {
    let mut attributes = serde_json::Map::new();
    for entry in resource.properties.and_then(Node::as_map).unwrap_or_default() {
        let value = match template.eval(&entry.value) {
            Eval::Known(value, _) => value,
            Eval::Resource(_) | Eval::Unknown(_) => Json::Null,
        };
        attributes.insert(entry.key.name.to_string(), value);
    }
    let origin = Origin {
        format: Format::Ros,
        native_type: resource.kind.to_string(),
        address: resource.id.to_string(),
        attributes: Json::Object(attributes),
        key: key(template, resource.id),
    };
    Builder::new(kind, origin, Location::new(Arc::clone(template.file), resource.entry.key.span))
}

/// Why an empty value is not read: as a Terraform skeleton's `""`, it is not set yet.
const EMPTY: &str = "the value is empty: it is not set yet";

/// A property's value as text, `Err(why)` when unknown (an empty string is not a value),
/// `Ok(None)` when absent or `ALIYUN::NoValue`.
fn text(template: &Template<'_>, node: &Node) -> Result<Option<Placed<String>>, String> {
    match template.eval(node) {
        Eval::Known(Json::Null, _) => Ok(None),
        Eval::Known(Json::String(s), _) if s.trim().is_empty() => Err(EMPTY.into()),
        Eval::Known(value, via) => match scalar_text(&value) {
            Some(text) => Ok(Some(Placed { value: text, at: at(template, node), via })),
            None => Err(format!("the value is a {}, not a string", json_type(&value))),
        },
        Eval::Resource(id) => Err(format!("`{id}` is a resource of the stack, known only after deploy")),
        Eval::Unknown(why) => Err(why),
    }
}

const fn json_type(value: &Json) -> &'static str {
    match value {
        Json::Array(_) => "list",
        Json::Object(_) => "mapping",
        _ => "value",
    }
}

/// Sets `field` from the property `name` (mapped by `convert`), or marks it unknown.
fn set(
    builder: &mut Builder,
    template: &Template<'_>,
    resource: &Declared<'_>,
    name: &str,
    field: &str,
    convert: impl Fn(&str) -> Option<String>,
) {
    let Some(node) = resource.prop(name) else { return };
    match text(template, node) {
        Ok(Some(placed)) => match convert(&placed.value) {
            Some(value) => {
                builder.string(field, Placed { value, ..placed });
            }
            None => {
                builder.unknown(
                    field,
                    placed.at,
                    format!("`{name}: {}` is not a value ecslint reads", placed.value),
                );
            }
        },
        Ok(None) => {}
        Err(why) => {
            builder.unknown(field, at(template, node), why);
        }
    }
}

fn set_int(builder: &mut Builder, template: &Template<'_>, node: &Node, field: &str) {
    match text(template, node) {
        Ok(Some(placed)) => match placed.value.trim().parse::<i64>() {
            Ok(n) => {
                builder.int(field, Placed { value: n, at: placed.at, via: placed.via });
            }
            Err(_) => {
                builder.unknown(field, placed.at, format!("`{}` is not a whole number", placed.value));
            }
        },
        Ok(None) => {}
        Err(why) => {
            builder.unknown(field, at(template, node), why);
        }
    }
}

fn region(builder: &mut Builder, template: &Template<'_>, resource: &Declared<'_>) {
    let head = Location::new(Arc::clone(template.file), resource.entry.key.span);
    match template.region {
        Some(region) => {
            builder.string("region", Placed::new(region.to_string(), head));
        }
        None => {
            builder.unknown(
                "region",
                head,
                "a ROS template does not name its region (the stack's): pass `--region`",
            );
        }
    }
}

/// An instance-like resource, what its `ImageId` resolved to, and the lookup image made
/// for a fuzzy `ImageId`.
fn instance(
    template: &Template<'_>,
    catalog: &Catalog,
    resource: &Declared<'_>,
) -> (Resource, Option<ImageOf>, Option<Resource>) {
    let mut b = builder(template, resource, Kind::Instance);
    region(&mut b, template, resource);
    let short = resource.kind.rsplit("::").next().unwrap_or_default();
    set(&mut b, template, resource, "InstanceType", "instanceType", |s| Some(s.to_string()));
    set(&mut b, template, resource, "ZoneId", "zone", |s| Some(s.to_string()));
    set(&mut b, template, resource, "KeyPairName", "keyPair", |s| Some(s.to_string()));
    if let Some(size) =
        resource.prop("SystemDiskSize").or_else(|| resource.prop("SystemDisk").and_then(|d| d.get("Size")))
    {
        set_int(&mut b, template, size, "systemDiskSize");
    }
    if resource.kind == "ALIYUN::ECS::PrepayInstance" {
        let head = Location::new(Arc::clone(template.file), resource.entry.key.span);
        b.string("billing", Placed::new("Subscription".into(), head));
    } else {
        set(&mut b, template, resource, "InstanceChargeType", "billing", |s| {
            match s.to_ascii_lowercase().as_str() {
                "prepaid" => Some("Subscription".into()),
                "postpaid" => Some("PayAsYouGo".into()),
                _ => None,
            }
        });
    }
    if let Some(count) = resource.entry.value.get("Count").or_else(|| resource.prop("MaxAmount")) {
        set_int(&mut b, template, count, "count");
    }
    tags(&mut b, template, resource);
    // What a clone copies from its source instance, and a scaling configuration's list of
    // types, are not known from the template.
    if !b.has("instanceType") && !b.is_unknown("instanceType") {
        let why = match resource.prop("InstanceTypes") {
            Some(_) => "the scaling configuration picks one of `InstanceTypes` at launch".to_string(),
            None => {
                format!("`{short}` sets no `InstanceType` (it comes from a source instance or at launch)")
            }
        };
        b.unknown("instanceType", Location::new(Arc::clone(template.file), resource.entry.key.span), why);
    }
    let (image, lookup) = image(&mut b, template, catalog, resource);
    if let Some((at, why)) = &resource.unsure {
        b.may_be_none(at, why);
        b.unknown("count", at.clone(), why.clone());
    }
    (b.finish(), image, lookup)
}

/// The instance's `image`: a literal ID, a stack image, or a lookup image for a fuzzy
/// `ImageId`.
fn image(
    b: &mut Builder,
    template: &Template<'_>,
    catalog: &Catalog,
    resource: &Declared<'_>,
) -> (Option<ImageOf>, Option<Resource>) {
    let head = Location::new(Arc::clone(template.file), resource.entry.key.span);
    let Some(node) = resource.prop("ImageId") else {
        b.unknown("image", head, "no `ImageId` is set (it comes from a source instance or at launch)");
        return (None, None);
    };
    match template.eval(node) {
        Eval::Resource(id) => {
            b.string("image", Placed::new(id.clone(), at(template, node)));
            b.reference("image", key(template, &id));
            (Some(ImageOf::Stack(id)), None)
        }
        Eval::Unknown(why) => {
            b.unknown("image", at(template, node), why);
            (None, None)
        }
        Eval::Known(value, via) => {
            let Some(id) = scalar_text(&value) else {
                b.unknown("image", at(template, node), "`ImageId` is not a string");
                return (None, None);
            };
            if id.trim().is_empty() {
                b.unknown("image", at(template, node), EMPTY);
                return (None, None);
            }
            if let Some(why) = artifact(template, &id) {
                b.unknown("image", at(template, node), why);
                return (None, None);
            }
            let placed = Placed { value: id, at: at(template, node), via };
            let partial = is_partial(catalog, &placed.value);
            if partial {
                let seen = template.partial_ids.get();
                template.partial_ids.set(seen + 1);
                if seen >= MAX_PARTIAL_IDS {
                    let why = format!(
                        "more than {MAX_PARTIAL_IDS} partial image IDs in one template: the rest are not read"
                    );
                    b.unknown("image", placed.at, why);
                    return (None, None);
                }
            }
            let lookup = partial
                .then(|| {
                    lookup_partial(
                        catalog,
                        &placed,
                        &format!("{}.ImageId", resource.id),
                        &key(template, resource.id),
                    )
                })
                .flatten();
            if let Some(image) = lookup {
                let image_key = format!("{}.ImageId", key(template, resource.id));
                let address = Placed { value: format!("{}.ImageId", resource.id), ..placed };
                b.string("image", address.clone());
                b.reference("image", image_key.clone());
                (Some(ImageOf::Lookup(address, image_key)), Some(image))
            } else {
                b.string("image", placed.clone());
                (Some(ImageOf::Literal(placed)), None)
            }
        }
    }
}

/// Most partial image IDs (`centos_7`, `ubuntu_22_04_x64*`) one template's resources look
/// up; past it an `ImageId` is unknown. Each distinct one is read once a run, in about
/// 0.5 ms: 10,000 distinct ones in one file took 6.6 s. Counted per template, in the order
/// its resources are read, so the output does not depend on threads or other files.
pub const MAX_PARTIAL_IDS: usize = 2_000;

/// An image for a value that is not a full image ID but the start of public IDs (ROS's
/// fuzzy `ImageId`, Packer's `image_family`): what every public image it can select shares.
/// `None` for a custom image ID, a public ID that parses, or a prefix with no known facts.
pub fn lookup_image(
    catalog: &Catalog,
    value: &Placed<String>,
    address: &str,
    owner_key: &str,
) -> Option<Resource> {
    if !is_partial(catalog, &value.value) {
        return None;
    }
    lookup_partial(catalog, value, address, owner_key)
}

/// Whether an image ID is neither a custom image's (`m-`) nor a public ID that parses: a
/// partial one, which [`lookup_partial`] reads.
fn is_partial(catalog: &Catalog, id: &str) -> bool {
    let text = id.trim();
    !text.starts_with("m-") && catalog.parse_public_image_id(text).is_none()
}

/// [`lookup_image`] of a value [`is_partial`] says is partial.
fn lookup_partial(
    catalog: &Catalog,
    value: &Placed<String>,
    address: &str,
    owner_key: &str,
) -> Option<Resource> {
    let text = value.value.trim();
    let partial = catalog.image_prefix(text)?;
    let origin = Origin {
        format: Format::Ros,
        native_type: LOOKUP_TYPE.to_string(),
        address: address.to_string(),
        attributes: serde_json::json!({ "ImageId": text }),
        key: format!("{owner_key}.ImageId"),
    };
    Some(partial_image(Builder::new(Kind::Image, origin, value.at.clone()), &partial, value))
}

/// A public image with what `partial` knows, every field placed at `value`.
pub fn partial_image(mut b: Builder, partial: &PartialImage, value: &Placed<String>) -> Resource {
    let place = |text: &str| Placed { value: text.to_string(), at: value.at.clone(), via: value.via.clone() };
    b.string("type", place("public"));
    // The schema's `os` needs both: a family alone says nothing about support dates.
    if let (Some(family), Some(version)) = (&partial.family, &partial.version) {
        b.nested_string("os", "family", place(family));
        b.nested_string("os", "version", place(version));
    } else {
        b.unknown("os", value.at.clone(), format!("`{}` may select several OS versions", value.value));
    }
    match &partial.architecture {
        Some(arch) => {
            b.string("architecture", place(arch));
        }
        None => {
            b.unknown(
                "architecture",
                value.at.clone(),
                format!("`{}` may select several architectures", value.value),
            );
        }
    }
    if let Some(mode) = partial.boot_mode {
        b.string("bootMode", place(mode.as_str()));
    }
    if let Some(size) = partial.size_gib {
        b.int("size", Placed { value: i64::from(size), at: value.at.clone(), via: value.via.clone() });
    }
    b.finish()
}

/// Why an image ID is not known when Compute Nest replaces it by an artifact's image.
fn artifact(template: &Template<'_>, id: &str) -> Option<String> {
    template.artifacts.binary_search_by(|key| key.as_str().cmp(id)).is_ok().then(|| {
        format!(
            "`{id}` is a key of the Compute Nest service's `ArtifactRelation`: the image of its artifact replaces it at deploy"
        )
    })
}

/// The stack image an `ImageId` property names, if any.
fn stack_image<'a>(template: &Template<'_>, resource: &Declared<'_>, custom: &[&'a str]) -> Option<&'a str> {
    match template.eval(resource.prop("ImageId")?) {
        Eval::Resource(id) => custom.iter().copied().find(|c| *c == id),
        _ => None,
    }
}

fn copy_image(
    template: &Template<'_>,
    resource: &Declared<'_>,
    custom: &[&str],
    operations: &mut HashMap<String, Operations>,
) {
    let Some(image) = stack_image(template, resource, custom) else { return };
    let Some(node) = resource.prop("DestinationRegionId") else { return };
    let ops = operations.entry(image.to_string()).or_default();
    if let Some(unsure) = &resource.unsure {
        ops.unsure_regions.get_or_insert_with(|| unsure.clone());
    } else {
        match text(template, node) {
            Ok(Some(region)) => ops.regions.push(region),
            Ok(None) => {}
            // A copy to a region given at deploy: which regions hold the image is not known.
            Err(why) => {
                ops.unsure_regions.get_or_insert_with(|| (at(template, node), why));
            }
        }
    }
}

/// An `ImageSharePermission`: accounts added to a stack image, or an image of its own for
/// one outside the stack.
fn share(
    template: &Template<'_>,
    catalog: &Catalog,
    resource: &Declared<'_>,
    custom: &[&str],
    operations: &mut HashMap<String, Operations>,
) -> Option<Resource> {
    let accounts = accounts(template, resource);
    let public = resource.prop("IsPublic").is_some_and(|node| {
        matches!(template.eval(node), Eval::Known(v, _) if v == Json::Bool(true) || v == Json::String("true".into()))
    });
    if let Some(image) = stack_image(template, resource, custom) {
        let ops = operations.entry(image.to_string()).or_default();
        if let Some(unsure) = &resource.unsure {
            ops.unsure_accounts.get_or_insert_with(|| unsure.clone());
        } else {
            match accounts {
                Ok(accounts) => ops.accounts.extend(accounts),
                Err(unknown) => {
                    ops.unsure_accounts.get_or_insert(unknown);
                }
            }
            ops.public |= public;
        }
        return None;
    }
    // An image outside the stack: an image of its own, named by the permission's logical
    // ID, with only what its ID tells.
    let node = resource.prop("ImageId")?;
    let Ok(Some(id)) = text(template, node) else { return None };
    if artifact(template, &id.value).is_some() {
        return None;
    }
    let mut b = builder(template, resource, Kind::Image);
    let head = Location::new(Arc::clone(template.file), resource.entry.key.span);
    b.string("id", id.clone());
    if id.value.starts_with("m-") {
        b.string("type", Placed { value: "custom".into(), ..id.clone() });
    } else if let Some(public) = catalog.parse_public_image_id(&id.value) {
        b.string("type", Placed { value: "public".into(), ..id.clone() });
        let _ = public;
    } else {
        b.unknown("type", id.at.clone(), "the image is not in the template");
    }
    for field in ["os", "architecture", "regions"] {
        if !b.has(field) {
            b.unknown(field, head.clone(), "the image is not in the template");
        }
    }
    match accounts {
        Ok(accounts) => {
            for account in accounts {
                b.push_string("sharedWith", account);
            }
        }
        Err((at, why)) => {
            b.unknown("sharedWith", at, why);
        }
    }
    if let Some((at, why)) = &resource.unsure {
        b.may_be_none(at, why);
    }
    Some(b.finish())
}

/// The accounts an `ImageSharePermission` adds, each placed at its list element; where and
/// why they are not known (a parameter given at deploy, `ALIYUN::AccountId`, a function
/// ecslint does not evaluate): then the image's `sharedWith` is not known either.
fn accounts(
    template: &Template<'_>,
    resource: &Declared<'_>,
) -> Result<Vec<Placed<String>>, (Location, String)> {
    let Some(node) = resource.prop("AddAccounts").or_else(|| resource.prop("Accounts")) else {
        return Ok(Vec::new());
    };
    match &node.value {
        Value::Seq(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match text(template, item) {
                    Ok(Some(account)) => out.push(account),
                    Ok(None) => {}
                    Err(why) => return Err((at(template, item), why)),
                }
            }
            Ok(out)
        }
        _ => match template.eval(node) {
            // A blank item (`"1234567890123456,"` split) is not set: the accounts are unknown,
            // as for a list written out.
            Eval::Known(Json::Array(items), via) => items
                .iter()
                .map(|item| match scalar_text(item) {
                    Some(value) if !crate::iac::is_unset(&value) => {
                        Ok(Placed { value, at: at(template, node), via: via.clone() })
                    }
                    Some(_) => Err((at(template, node), EMPTY.to_string())),
                    None => Err((at(template, node), "an account is not a string".to_string())),
                })
                .collect(),
            Eval::Known(Json::Null, _) => Ok(Vec::new()),
            Eval::Known(value, _) => {
                Err((at(template, node), format!("the accounts are a {}, not a list", json_type(&value))))
            }
            Eval::Resource(id) => Err((
                at(template, node),
                format!("`{id}` is a resource of the stack, known only after deploy"),
            )),
            Eval::Unknown(why) => Err((at(template, node), why)),
        },
    }
}

/// A `CustomImage`: a custom image in the stack's region, derived from the image of the
/// instance it is made from.
fn custom_image(
    template: &Template<'_>,
    resource: &Declared<'_>,
    image_of: &HashMap<&str, ImageOf>,
    operations: Operations,
    unsure: Option<&(Location, String)>,
) -> Resource {
    let mut b = builder(template, resource, Kind::Image);
    let head = Location::new(Arc::clone(template.file), resource.entry.key.span);
    b.string("type", Placed::new("custom".into(), head.clone()));
    match template.region {
        Some(region) => {
            b.push_string("regions", Placed::new(region.to_string(), head.clone()));
        }
        None => {
            b.unknown(
                "regions",
                head.clone(),
                "a ROS template does not name its region (the stack's): pass `--region`",
            );
        }
    }
    if !b.is_unknown("regions") {
        for region in operations.regions {
            b.push_string("regions", region);
        }
    }
    for account in operations.accounts {
        b.push_string("sharedWith", account);
    }
    // A copy or a share that may not be made: which regions and accounts is not known.
    if let Some((at, why)) = operations.unsure_regions {
        b.unknown("regions", at, why);
    }
    if let Some((at, why)) = operations.unsure_accounts {
        b.unknown("sharedWith", at, why);
    }
    let source = resource.prop("InstanceId").map(|node| (node, template.eval(node)));
    let derived = match &source {
        Some((node, Eval::Resource(id))) => image_of.get(id.as_str()).map(|image| (node, image)),
        _ => None,
    };
    match derived {
        Some((node, ImageOf::Literal(image))) => {
            b.string(
                "derivedFrom",
                Placed { value: image.value.clone(), at: at(template, node), via: image.via.clone() },
            );
        }
        Some((node, ImageOf::Lookup(address, image_key))) => {
            b.string(
                "derivedFrom",
                Placed { value: address.value.clone(), at: at(template, node), via: address.via.clone() },
            );
            b.reference("derivedFrom", image_key.clone());
        }
        Some((node, ImageOf::Stack(id))) => {
            b.string("derivedFrom", Placed::new(id.clone(), at(template, node)));
            b.reference("derivedFrom", key(template, id));
        }
        None => {
            let why = "the image is made from an instance or snapshot outside the template";
            b.unknown("derivedFrom", head.clone(), why);
            b.unknown("os", head.clone(), why);
        }
    }
    set(&mut b, template, resource, "Architecture", "architecture", |s| match s {
        "x86_64" | "i386" | "arm64" => Some(s.to_string()),
        _ => None,
    });
    set(&mut b, template, resource, "BootMode", "bootMode", |s| match s {
        "BIOS" | "UEFI" | "UEFI-Preferred" => Some(s.to_string()),
        _ => None,
    });
    if derived.is_none() && !b.has("architecture") {
        b.unknown(
            "architecture",
            head,
            "the image is made from an instance or snapshot outside the template",
        );
    }
    if let Some((at, why)) = unsure {
        b.may_be_none(at, why);
    }
    let mut resource = b.finish();
    if operations.public && unsure.is_none() {
        if let Some(extra) = resource.iac.as_mut().and_then(Arc::get_mut) {
            if let Json::Object(map) = &mut extra.origin.attributes {
                map.insert("IsPublic".into(), Json::Bool(true));
            }
        }
    }
    resource
}
