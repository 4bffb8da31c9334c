//! The structural checks that are code rather than CEL: unresolved images (S004),
//! regions, zones and instance types missing from the catalog (S005-S007), and
//! `derivedFrom` cycles (S002).

use super::facts::{Resolved, World};
use crate::diag::Finding;
use crate::source::PathSegment;
use crate::spec::{Resource, codes};
use crate::suggest;

fn key(name: &str) -> PathSegment {
    PathSegment::Key(name.to_string())
}

/// S004: an instance's image that is neither an Image spec nor a public image ID.
pub fn unresolved_image(world: &World<'_>, instance: &Resource, out: &mut Vec<Finding>) {
    let Some(reference) = instance.node.get_str("image") else { return };
    if world.resolve(reference) != Resolved::Unresolved {
        return;
    }
    let path = vec![key("image")];
    let help = if let Some(s) = world.image_lexicon().closest(reference) {
        format!("did you mean the Image spec `{s}`?")
    } else if reference.starts_with("m-") {
        format!(
            "no Image spec has `id: {reference}`; add one for this custom image (`id`, `type`, `os`, `architecture`, `regions`) so that the image checks can run"
        )
    } else if reference.to_ascii_lowercase().ends_with(".vhd") {
        format!(
            "describe it with an Image spec (`type: public`, `id: {reference}`, `os`, `architecture`) so that the image checks can run; they are skipped for this instance"
        )
    } else {
        "add an Image spec with this name or id, or use a public image ID such as `aliyun_3_x64_20G_alibase_20240819.vhd`; image checks are skipped for this instance".to_string()
    };
    out.push(
        codes::UNRESOLVED_IMAGE
            .on_field(
                instance,
                path,
                format!("image `{reference}` matches no Image spec, and ecslint cannot read it as a public image ID"),
                "unresolved image",
            )
            .with_help(help),
    );
}

/// S005 and S006 for an instance's region and zone, S007 for its instance type.
pub fn instance_catalog_checks(world: &World<'_>, instance: &Resource, out: &mut Vec<Finding>) {
    let catalog = world.catalog;
    let date = catalog.date();
    let region = instance.node.get_str("region");
    if let Some(id) = region {
        unknown_region(world, instance, id, vec![key("region")], out);
    }
    if let (Some(region), Some(zone)) =
        (region.and_then(|r| catalog.region(r)), instance.node.get_str("zone"))
    {
        if !region.zones.iter().any(|z| z == zone) {
            let path = vec![key("zone")];
            let owner = catalog.regions().find(|r| r.zones.iter().any(|z| z == zone));
            let help = match (owner, suggest::closest_unique(zone, region.zones.iter().map(String::as_str))) {
                (Some(owner), _) => format!(
                    "`{zone}` belongs to {}; zones of {}: {}",
                    owner.id,
                    region.id,
                    region.zones.join(", ")
                ),
                (None, Some(s)) => format!("did you mean `{s}`?"),
                (None, None) => format!("zones of {}: {}", region.id, region.zones.join(", ")),
            };
            out.push(
                codes::UNKNOWN_ZONE
                    .on_field(
                        instance,
                        path,
                        format!("zone `{zone}` is not a zone of {} in the catalog dated {date}", region.id),
                        "unknown zone",
                    )
                    .with_help(help),
            );
        }
    }
    if let Some(id) = instance.node.get_str("instanceType") {
        if catalog.instance_type(id).is_none() {
            let path = vec![key("instanceType")];
            let known = catalog.instance_types().map(|t| t.id.as_str());
            let help = suggest::closest(id, known).map_or_else(
                || "if the type is newer than the catalog, add it with `--catalog FILE` or ignore S007 for it".to_string(),
                |s| format!("did you mean `{s}`? If the type is newer than the catalog, add it with `--catalog FILE`"),
            );
            out.push(
                codes::UNKNOWN_INSTANCE_TYPE
                    .on_field(
                        instance,
                        path,
                        format!("instance type `{id}` is not in the catalog dated {date}"),
                        "not in the catalog",
                    )
                    .with_help(help),
            );
        }
    }
}

/// S005 for every region an Image spec lists.
pub fn image_catalog_checks(world: &World<'_>, image: &Resource, out: &mut Vec<Finding>) {
    let regions = image.node.get("regions").and_then(|r| r.as_seq()).unwrap_or_default();
    for (index, region) in regions.iter().enumerate() {
        if let Some(id) = region.as_str() {
            unknown_region(world, image, id, vec![key("regions"), PathSegment::Index(index)], out);
        }
    }
}

fn unknown_region(
    world: &World<'_>,
    resource: &Resource,
    id: &str,
    path: Vec<PathSegment>,
    out: &mut Vec<Finding>,
) {
    let catalog = world.catalog;
    if catalog.region(id).is_some() {
        return;
    }
    let suggestion = suggest::closest(id, catalog.regions().map(|r| r.id.as_str()))
        .filter(|s| !same_stem_other_number(id, s));
    let help = match suggestion {
        Some(s) => format!("did you mean `{s}`?"),
        None if id.ends_with(|c: char| c.is_ascii_digit()) => {
            "the region may have closed, or be newer than the catalog: add it with `--catalog FILE`"
                .to_string()
        }
        None => {
            "use a region ID such as `cn-hangzhou` or `ap-southeast-1`; add new regions with `--catalog FILE`"
                .to_string()
        }
    };
    out.push(
        codes::UNKNOWN_REGION
            .on_field(
                resource,
                path,
                format!("region `{id}` is not in the catalog dated {}", catalog.date()),
                "unknown region",
            )
            .with_help(help),
    );
}

/// S002 for each `derivedFrom` chain that loops back to its start.
pub fn cycles(world: &World<'_>, out: &mut Vec<Finding>) {
    for cycle in &world.cycles {
        let Some(image) = world.resources.get(cycle.image) else { continue };
        let path = vec![key("derivedFrom")];
        out.push(
            codes::SCHEMA_VIOLATION
                .on_field(image, path, format!("`derivedFrom` forms a cycle: {}", cycle.names.join(" → ")), "cycle")
                .with_help(
                    "an image cannot be derived from itself; point `derivedFrom` at the image it was really built from",
                ),
        );
    }
}

/// `ap-southeast-2` and `ap-southeast-1`: a well-formed numbered ID, not a typo of its neighbour.
fn same_stem_other_number(a: &str, b: &str) -> bool {
    let stem = |s: &str| s.trim_end_matches(|c: char| c.is_ascii_digit()).to_string();
    a != b && stem(a) == stem(b) && stem(a).len() < a.len() && stem(b).len() < b.len()
}
