//! The structural checks that are code rather than CEL: unresolved image references
//! (S004) and typos of them (S009), regions, zones and instance types missing from the
//! catalog (S005-S007) and typos of types (S010), and `derivedFrom` cycles and
//! underivable or contradictory OS and architecture (S002, see `derivation.rs`).

use super::facts::{Resolved, World};
use super::typo::NearMissIndex;
use super::{derivation, typo};
use crate::cap;
use crate::diag::Finding;
use crate::source::PathSegment;
use crate::spec::{Kind, Resource, codes};
use crate::suggest;
use std::sync::OnceLock;

fn key(name: &str) -> PathSegment {
    PathSegment::Key(name.to_string())
}

/// The names and `id`s of the run's Image specs, indexed for S009 the first time a
/// reference does not resolve (most runs have none, and pay nothing).
pub struct ImageNames<'a> {
    resources: &'a [Resource],
    index: OnceLock<NearMissIndex<'a>>,
}

impl<'a> ImageNames<'a> {
    pub fn new(resources: &'a [Resource]) -> Self {
        Self { resources, index: OnceLock::new() }
    }

    fn index(&self) -> &NearMissIndex<'a> {
        self.index.get_or_init(|| {
            let images = self.resources.iter().enumerate().filter(|(_, r)| r.kind == Kind::Image);
            NearMissIndex::new(images.flat_map(|(position, r)| {
                r.name.as_deref().into_iter().chain(r.node.get_str("id")).map(move |text| (text, position))
            }))
        })
    }
}

/// S004 or S009 for an instance's `image`.
pub fn unresolved_image(
    world: &World<'_>,
    names: &ImageNames<'_>,
    instance: &Resource,
    out: &mut Vec<Finding>,
) {
    image_reference(world, names, instance, None, "image", out);
}

/// S004/S009 for an Image spec's `derivedFrom`, and S002 for an OS or architecture that
/// is missing and not derivable, or that contradicts what the image is derived from.
pub fn image_reference_checks(
    world: &World<'_>,
    names: &ImageNames<'_>,
    image: &Resource,
    index: usize,
    out: &mut Vec<Finding>,
) {
    image_reference(world, names, image, Some(index), "derivedFrom", out);
    derivation::image_derivation(world, image, index, out);
}

/// S009 when the reference at `field` is a typo of an Image spec's name or `id`, else
/// S004 when it is neither an Image spec nor a public image ID. Both are produced when
/// S009 applies, so that S004 still speaks when S009 is switched off; [`prefer_precise`]
/// keeps only S009 otherwise. `own` is the referring image, whose name is no candidate.
fn image_reference(
    world: &World<'_>,
    names: &ImageNames<'_>,
    resource: &Resource,
    own: Option<usize>,
    field: &str,
    out: &mut Vec<Finding>,
) {
    let Some(reference) = resource.image_reference(field) else { return };
    if world.resolve(reference) != Resolved::Unresolved {
        return;
    }
    let path = vec![key(field)];
    // What is lost: an instance's image checks, or what an image inherits through its chain.
    let instance = resource.kind == Kind::Instance;
    let skipped = if instance {
        "image checks are skipped for this instance"
    } else {
        "the OS, architecture and licence fee of its ancestors cannot be followed"
    };
    if let Some((intended, owner)) = names.index().typo_of(reference, own) {
        let mut finding = codes::IMAGE_REFERENCE_TYPO
            .on_field(
                resource,
                path.clone(),
                format!(
                    "`{}` matches no image, but is a near miss of the Image spec `{intended}`",
                    crate::iac::assignment(resource, field, reference)
                ),
                "typo of an image in this run",
            )
            .with_help(format!(
                "write `{}`; an image managed outside this run would not be this close to one in it",
                crate::iac::assignment(resource, field, intended)
            ));
        if let Some(target) = world.resources.get(owner) {
            let at = if target.name.as_deref() == Some(intended) { "name" } else { "id" };
            finding = finding.with_label(target.location(&[key(at)]), "the image it is a near miss of");
        }
        out.push(finding);
    }
    // The run's images, indexed once, bound what a suggestion costs. An image's own name
    // is no candidate for its `derivedFrom`: that would be a cycle.
    let own_names = [resource.name.as_deref(), resource.node.get_str("id")];
    let suggestion = (own.is_none() || !own_names.contains(&Some(reference)))
        .then(|| world.image_lexicon().closest(reference))
        .flatten()
        .filter(|s| own.is_none() || !own_names.contains(&Some(*s)));
    let help = if let Some(s) = suggestion {
        format!("did you mean the Image spec `{s}`?")
    } else if reference.starts_with("m-") {
        format!(
            "no Image spec has `id: {reference}`; add one for this custom image (`id`, `type`, `os`, `architecture`, `regions`) so that the image checks can run"
        )
    } else if reference.to_ascii_lowercase().ends_with(".vhd") {
        format!(
            "describe it with an Image spec (`type: public`, `id: {reference}`, `os`, `architecture`) so that the image checks can run; {}",
            if instance { "they are skipped for this instance" } else { skipped }
        )
    } else {
        format!(
            "add an Image spec with this name or id, or use a public image ID such as `aliyun_3_x64_20G_alibase_20240819.vhd`; {skipped}"
        )
    };
    out.push(
        codes::UNRESOLVED_IMAGE
            .on_field(
                resource,
                path,
                if field == "image" {
                    format!("image `{reference}` matches no Image spec, and ecslint cannot read it as a public image ID")
                } else {
                    format!("`{field}: {reference}` matches no Image spec, and ecslint cannot read it as a public image ID")
                },
                "unresolved image",
            )
            .with_help(help),
    );
}

/// Drops S004 and S007 where S009 or S010 reports the same field, and S007 and S010 where
/// R003 says the type's family is retired: one finding, the more precise one. Run after the
/// disabled codes are removed, so switching S009, S010 or R003 off brings the general
/// finding back.
pub fn prefer_precise(findings: &mut Vec<Finding>) {
    let precise: Vec<(&'static str, Vec<PathSegment>)> = findings
        .iter()
        .flat_map(|f| {
            let general: &[&'static str] = match f.code.as_str() {
                "S009" => &[codes::UNRESOLVED_IMAGE.code],
                "S010" => &[codes::UNKNOWN_INSTANCE_TYPE.code],
                "R003" => &[codes::UNKNOWN_INSTANCE_TYPE.code, codes::INSTANCE_TYPE_TYPO.code],
                _ => &[],
            };
            general.iter().map(|g| (*g, f.path.clone()))
        })
        .collect();
    if precise.is_empty() {
        return;
    }
    findings.retain(|f| !precise.iter().any(|(code, path)| f.code == *code && f.path == *path));
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
        // A zone listed under another region is known to be wrong even where this region's
        // zones are not all known; any other unlisted zone is wrong only when they are.
        let owner = (!region.has_zone(zone)).then(|| catalog.regions().find(|r| r.has_zone(zone))).flatten();
        if region.lacks_zone(zone) || owner.is_some() {
            let path = vec![key("zone")];
            let zones = if region.zones_complete {
                format!("zones of {}: {}", region.id, region.zones.join(", "))
            } else if region.zones.is_empty() {
                format!("the catalog lists no zone of {}", region.id)
            } else {
                format!(
                    "zones of {} in the catalog (not all of them): {}",
                    region.id,
                    region.zones.join(", ")
                )
            };
            let suggestion = if region.zones_complete {
                suggest::closest_unique(zone, region.zones.iter().map(|z| &**z))
            } else {
                None
            };
            let help = match (owner, suggestion) {
                (Some(owner), _) => format!("`{zone}` belongs to {}; {zones}", owner.id),
                (None, Some(s)) => format!("did you mean `{s}`?"),
                (None, None) => zones,
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
        if let Some(retired) = catalog.retired_family(id) {
            out.push(retired_type(instance, id, retired));
        }
        if catalog.instance_type(id).is_none() {
            if let Some(intended) = typo::instance_type_typo(catalog, id) {
                let (family, intended) = (&intended.family, &intended.id);
                out.push(
                    codes::INSTANCE_TYPE_TYPO
                        .on_field(
                            instance,
                            vec![key("instanceType")],
                            format!("instance type `{id}` is a near miss of `{intended}`, a type of the `{family}` family"),
                            "typo of a catalog type",
                        )
                        .with_help(format!(
                            "write `{}` (instance type IDs are lower case)",
                            crate::iac::assignment(instance, "instanceType", intended)
                        )),
                );
            }
            let path = vec![key("instanceType")];
            let help = match typo::unknown_type(catalog, id) {
                typo::UnknownType::Suggest(s) => {
                    format!("did you mean `{s}`? If the type is newer than the catalog, add it with `--catalog FILE`")
                }
                typo::UnknownType::FamilySizes(types) => {
                    let family = id.rsplit_once('.').map_or(id, |(family, _)| family);
                    let sizes: Vec<&str> = types.iter().filter_map(|t| t.rsplit_once('.').map(|(_, size)| size)).collect();
                    format!(
                        "the catalog lists `{family}` in the sizes {}; if the type is newer than the catalog, add it with `--catalog FILE` or ignore S007 for it",
                        sizes.join(", ")
                    )
                }
                typo::UnknownType::Nothing => {
                    "if the type is newer than the catalog, add it with `--catalog FILE` or ignore S007 for it".to_string()
                }
            };
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

/// R003: the instance type belongs to a family the catalog marks as retired. The date and
/// the replacement are named only where the catalog's source gives them; without a
/// replacement, the families an instance can be changed to in place, where a source lists them.
fn retired_type(instance: &Resource, id: &str, retired: &crate::catalog::RetiredFamily) -> Finding {
    // The first few change targets, newest first as the catalog lists them; the rest counted.
    const SHOWN: usize = 5;
    let family = &retired.family;
    let when = retired.retired.map_or_else(String::new, |date| format!(" on {date}"));
    let source = &retired.source;
    let (instead, help) = match &retired.replacement {
        Some(replacement) => (
            format!("; the recommended replacement is the `{replacement}` family"),
            format!(
                "choose a type of the `{replacement}` family with the vCPUs and memory you need (source: {source})"
            ),
        ),
        None if !retired.changeable_to.is_empty() => {
            let targets = &retired.changeable_to;
            let mut families =
                targets.iter().take(SHOWN).map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ");
            if targets.len() > SHOWN {
                families = format!("{families} and {} more families", targets.len() - SHOWN);
            }
            let changes = retired.change_source.as_deref().unwrap_or(source);
            (
                String::new(),
                format!(
                    "an instance of it can be changed in place to a type of {families} (source: {changes}); \
                     the family's retirement: {source}"
                ),
            )
        }
        None => (
            String::new(),
            format!(
                "choose a type of a current family with the vCPUs and memory you need (`ecslint catalog show types` \
                 lists them) (source: {source})"
            ),
        ),
    };
    codes::INSTANCE_TYPE_RETIRED
        .on_field(
            instance,
            vec![key("instanceType")],
            format!("instance type `{id}` belongs to the `{family}` family, which the catalog marks as retired{when}{instead}"),
            "retired family",
        )
        .with_help(help)
}

/// S005 for every region an Image spec lists, up to [`cap::MAX_MADE`]; past that, the
/// unknown regions are counted and one finding stands for them (an image listing 100,000
/// unknown regions made 100,000 findings, 143 MiB). What is reported is capped later.
pub fn image_catalog_checks(world: &World<'_>, image: &Resource, out: &mut Vec<Finding>) {
    let regions = image.node.get("regions").and_then(|r| r.as_seq()).unwrap_or_default();
    let (mut made, mut omitted, mut first_omitted) = (0, 0, None);
    for (index, region) in regions.iter().enumerate() {
        let Some(id) = region.as_str() else { continue };
        let path = vec![key("regions"), PathSegment::Index(index)];
        if made < cap::MAX_MADE {
            let before = out.len();
            unknown_region(world, image, id, path, out);
            made += out.len() - before;
        } else if world.catalog.region(id).is_none() {
            omitted += 1;
            first_omitted.get_or_insert(path);
        }
    }
    if let Some(path) = first_omitted {
        let code = codes::UNKNOWN_REGION;
        let left_out = cap::LeftOut {
            code: code.code,
            name: code.name,
            severity: code.severity,
            location: image.location(&path),
            resource: image.reference(),
            path,
            count: omitted,
            bound: cap::Bound::Made,
        };
        out.push(left_out.finding());
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
    let suggestion =
        suggest::closest(id, catalog.regions().map(|r| &*r.id)).filter(|s| !same_stem_other_number(id, s));
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

/// S011 (off by default): each value of an IaC resource that static evaluation could
/// not know, so that the rules reading it were skipped (DESIGN §8).
pub fn unresolved_values(
    resource: &Resource,
    out: &mut Vec<Finding>,
    enabled: &std::collections::HashMap<String, crate::diag::Severity>,
) {
    let Some(extra) = resource.iac.as_deref().filter(|_| enabled.contains_key(codes::UNRESOLVED_VALUE.code))
    else {
        return;
    };
    for unknown in &extra.unknown {
        out.push(
            codes::UNRESOLVED_VALUE
                .finding(
                    format!("`{}` of `{}` is not known before deploy: {}", unknown.field, extra.origin.address, unknown.why),
                    unknown.location.clone(),
                )
                .with_primary_label("unknown here")
                .with_help(format!(
                    "the rules that read `{}` were skipped for this resource; give it a literal, a variable default or a `--var` to check it",
                    unknown.field
                ))
                .with_resource(resource.reference())
                .with_path(vec![key(&unknown.field)]),
        );
    }
}
