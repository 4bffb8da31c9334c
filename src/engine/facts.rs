//! Facts: what a rule sees besides the spec itself. Image references are resolved
//! (by name, by `id`, by parsing a public image ID), `derivedFrom` chains are followed
//! (cycles are reported, not followed forever), and the catalog supplies the instance
//! type, region, OS lifecycle entry and licence fee.
//!
//! The [`World`] works these out once per run as small typed values that borrow the
//! specs' text; each subject turns the ones its rules ask for into CEL values
//! (see `eval.rs`), so the run never holds a CEL copy of every image.

use super::expr::{CelVal, MapVal, list_val, node_to_val, null_val, opt_str_val, str_val, to_val};
use crate::catalog::{BootSupport, Catalog, InstanceType};
use crate::date::Date;
use crate::source::Node;
use crate::spec::{Kind, Resource};
use cel::common::types::{CelBool, CelInt, CelString};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use rayon::prelude::*;
use serde_json::{Map, Value as Json, json};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

mod base;
mod built;
mod chain;
mod fees;
mod focus;
mod shares;
mod size;
mod specs;

use base::{public_base, spec_base};
pub use chain::Chain;
use chain::{Links, Parent, inherit};
pub use fees::{InstanceContext, PaidOrigin};
use fees::{fee_val, inferred_paid, paid_origin};
#[cfg(test)]
pub use shares::MAPS_MADE;
pub use shares::{ShareFact, ShareField, share_list};
use shares::{share_facts, shares};
use specs::{ImageSpecs, image_names};

/// Settings that change what rules conclude.
#[derive(Clone, Debug)]
pub struct Settings {
    pub as_of: Date,
    pub eol_warning_days: i64,
    /// Configured quota values, which win over the catalog defaults.
    pub quotas: BTreeMap<String, u64>,
    /// Rule parameters the config sets, by rule code, over each rule's defaults.
    pub params: super::params::Values,
}

impl Default for Settings {
    fn default() -> Self {
        Self { as_of: Date::today(), eol_warning_days: 180, quotas: BTreeMap::new(), params: BTreeMap::new() }
    }
}

/// What an image reference resolved to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolved<'a> {
    /// An Image spec of this run (index into the resources).
    Spec(usize),
    /// A public image ID that parsed.
    Public(&'a str),
    Unresolved,
}

/// A `derivedFrom` cycle found while resolving an image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cycle {
    /// The image whose `derivedFrom` closes the cycle.
    pub image: usize,
    pub names: Vec<String>,
}

/// An image's operating system.
#[derive(Clone, Debug)]
pub struct Os<'a> {
    pub family: Cow<'a, str>,
    pub version: Cow<'a, str>,
}

/// What one image says about itself: an Image spec as written (with what its public
/// `id` tells), or a parsed public image ID.
#[derive(Clone, Debug)]
#[allow(clippy::struct_excessive_bools)]
pub struct ImageBase<'a> {
    pub name: Option<&'a str>,
    /// The name the platform knows the image by: a spec's name, a public ID, or an IaC
    /// image's native name attribute (`image_name`, `ImageName`); `None` where it is not
    /// written or not known (an IaC resource's `name` is its address, not an image name).
    pub image_name: Option<&'a str>,
    pub id: Option<&'a str>,
    /// `custom`, `marketplace`, ... as written; `public` for a public image ID.
    pub image_type: Option<&'a str>,
    /// Whether it is an Image spec of the run.
    pub spec: bool,
    pub os: Option<Os<'a>>,
    pub architecture: Option<&'a str>,
    pub boot_mode: Option<&'a str>,
    pub regions: Option<&'a Node>,
    pub derived_from: Option<&'a str>,
    pub imported: bool,
    pub license_type: Option<&'a str>,
    pub encrypted: bool,
    pub shared_with: Option<&'a Node>,
    /// The spec's `labels` (an instance rule reads its image's as `image.labels`).
    pub labels: Option<&'a Node>,
    /// An IaC image whose regions static evaluation could not know.
    pub unknown_regions: bool,
    /// An IaC image whose `sharedWith` static evaluation could not know (a variable with no
    /// value): `sharedWith` and the share facts are null, never an empty list.
    pub unknown_shares: bool,
    /// The image's system disk size in GiB: the spec's `size`, or the `_20G_` of a public ID.
    pub size: Option<u64>,
    /// A public image's build date, from the `alibase_YYYYMMDD` of its ID.
    pub built: Option<Date>,
}

/// Everything rules know about an image: itself (with OS, architecture and boot mode
/// inherited from its nearest ancestor that knows them), its `derivedFrom` chain, and
/// what follows from both.
#[derive(Clone, Debug)]
pub struct ImageFacts<'a> {
    pub base: ImageBase<'a>,
    /// Ancestors, nearest first: walked from the run's links when a rule reads
    /// `image.chain`, never stored per image (a copy per image was quadratic).
    pub chain: Chain<'a>,
    /// The image or an ancestor is a Marketplace image.
    pub marketplace: bool,
    pub paid_origin: Option<PaidOrigin<'a>>,
    /// For a custom image: per region, its position among the run's custom images
    /// there and their number.
    pub custom_images: Vec<(&'a str, u64, u64)>,
    /// Distinct accounts in `sharedWith`, and the entries that are not account IDs or
    /// repeat one (rules test these for every image; the per-entry facts are built only
    /// when a rule walks the entries).
    pub share_count: u64,
    pub share_problems: u64,
    /// Position of the OS lifecycle entry in the catalog (set once every image is known).
    pub lifecycle: Option<usize>,
}

/// Run-wide CEL values every subject lends its rules.
pub struct Shared {
    pub null: CelVal<'static>,
    pub quotas: CelVal<'static>,
    pub as_of: CelVal<'static>,
    pub eol_warning_days: CelVal<'static>,
    pub catalog: CelVal<'static>,
    pub instance: CelVal<'static>,
    pub image: CelVal<'static>,
    pub subject_instance: CelVal<'static>,
    pub subject_spec: CelVal<'static>,
    pub empty_map: CelVal<'static>,
}

/// The run-wide view that resolves references and computes facts.
pub struct World<'a> {
    pub catalog: &'a Catalog,
    pub settings: &'a Settings,
    pub resources: &'a [Resource],
    specs: ImageSpecs<'a>,
    /// Facts of every valid Image spec, by resource index: boxed, so that the slot of
    /// each instance (half of a run's resources) is a pointer, not an empty `ImageFacts`
    /// (424 bytes; 4 MB of the 10,000-file corpus's peak, heaptrack).
    image_facts: Vec<Option<Box<ImageFacts<'a>>>>,
    /// Facts of every public image ID the run references, parsed once: instances and
    /// `derivedFrom` chains look them up several times each.
    public: HashMap<&'a str, ImageFacts<'a>>,
    /// CEL facts of every instance type and region the run references.
    instance_types: HashMap<&'a str, CelVal<'static>>,
    regions: HashMap<&'a str, CelVal<'static>>,
    /// CEL facts of each catalog lifecycle entry, converted when a rule first asks.
    lifecycles: Vec<OnceLock<CelVal<'static>>>,
    pub shared: Shared,
    pub cycles: Vec<Cycle>,
    /// Names and IDs of the run's Image specs, for S004's did-you-mean: made when the
    /// first S004 finding needs it, not on runs where every image resolves.
    image_lexicon: OnceLock<crate::suggest::Lexicon>,
    /// `params` of each rule that declares some: its defaults with the config's values
    /// over them (see [`World::set_rule_params`]). Resolved once per run; rules find
    /// theirs by position ([`World::params_slot`]), not by a hash per rule and resource.
    rule_params: Vec<CelVal<'static>>,
    /// The position in `rule_params` of each rule's values, by code.
    params_slots: HashMap<String, usize>,
}

impl<'a> World<'a> {
    pub fn new(catalog: &'a Catalog, settings: &'a Settings, resources: &'a [Resource]) -> Self {
        Self::focused(catalog, settings, resources, None)
    }

    /// The world of a run whose rules check only the resources `focus` marks (see
    /// `CheckOptions::focus`): names, cycles and custom image counts still span every
    /// resource, but image, instance type and region facts are made only where a checked
    /// resource can read them (`facts/focus.rs`), exactly as a run without a focus makes them.
    pub fn focused(
        catalog: &'a Catalog,
        settings: &'a Settings,
        resources: &'a [Resource],
        focus: Option<&[bool]>,
    ) -> Self {
        // One pass over the specs on every core; what follows works on the compact scans.
        let scans: Vec<Scan<'a>> = resources.par_iter().map(Scan::of).collect();
        let catalog_ids = focus::wanted_catalog_ids(resources, focus);
        // Two independent walks over the scans, side by side.
        let (specs, (instance_types, regions)) =
            rayon::join(|| image_names(&scans), || catalog_facts(&scans, catalog, catalog_ids.as_ref()));
        let wanted = focus.map(|focus| focus::wanted_images(resources, &specs, focus));
        let references = focus
            .zip(wanted.as_deref())
            .map(|(focus, wanted)| focus::wanted_references(resources, focus, wanted));
        let ordinals = custom_image_ordinals(&scans, wanted.as_deref());
        // References that name no spec may be public image IDs: each parsed once (in a
        // focused run, those a checked resource or a wanted image can look up).
        let mut unknown: Vec<&'a str> = scans
            .iter()
            .filter_map(|scan| scan.reference)
            .filter(|r| specs.get(r).is_none())
            .filter(|r| references.as_ref().is_none_or(|wanted| wanted.contains(r)))
            .collect();
        unknown.sort_unstable();
        unknown.dedup();
        let public = unknown
            .into_par_iter()
            .filter_map(|reference| {
                let parsed = catalog.parse_public_image_id(reference)?;
                let base = public_base(reference, &parsed);
                let paid_origin = paid_origin(&base, catalog);
                let marketplace = base.image_type == Some("marketplace");
                Some((
                    reference,
                    ImageFacts::new(base, Chain::default(), marketplace, paid_origin, Vec::new()),
                ))
            })
            .collect();
        let mut world = Self {
            catalog,
            settings,
            resources,
            specs,
            image_facts: Vec::new(),
            public,
            instance_types,
            regions,
            lifecycles: (0..catalog.lifecycle_count()).map(|_| OnceLock::new()).collect(),
            shared: shared_values(catalog, settings),
            cycles: Vec::new(),
            image_lexicon: OnceLock::new(),
            rule_params: Vec::new(),
            params_slots: HashMap::new(),
        };
        world.compute_image_facts(&ordinals, wanted.as_deref());
        world
    }

    /// Makes each rule's `params`: its declared defaults, with the run's settings over them.
    pub fn set_rule_params(&mut self, rules: &[&super::Rule]) {
        for rule in rules.iter().filter(|rule| !rule.params.is_empty()) {
            let mut values: Map<String, Json> =
                rule.params.iter().map(|p| (p.name.clone(), p.default.clone())).collect();
            if let Some(configured) = self.settings.params.get(&rule.info.code) {
                values.extend(configured.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            self.params_slots.insert(rule.info.code.clone(), self.rule_params.len() + 1);
            self.rule_params.push(to_val(&Json::Object(values)));
        }
    }

    /// Where a rule's `params` are kept, for [`World::params_at`]: looked up once per
    /// rule and run. Slot 0 is the empty map of a rule that declares none.
    pub fn params_slot(&self, code: &str) -> usize {
        self.params_slots.get(code).copied().unwrap_or(0)
    }

    /// The `params` in a slot of [`World::params_slot`]: an empty map for slot 0.
    pub fn params_at(&self, slot: usize) -> &CelVal<'static> {
        slot.checked_sub(1).and_then(|i| self.rule_params.get(i)).unwrap_or(&self.shared.empty_map)
    }

    /// Resolves an image reference: a spec name, a spec `id`, or a public image ID.
    pub fn resolve(&self, reference: &'a str) -> Resolved<'a> {
        if let Some(index) = self.specs.get(reference) {
            Resolved::Spec(index)
        } else if self.public.contains_key(reference)
            || self.catalog.parse_public_image_id(reference).is_some()
        {
            Resolved::Public(reference)
        } else {
            Resolved::Unresolved
        }
    }

    /// The names and IDs of every Image spec, for suggestions.
    pub fn image_lexicon(&self) -> &crate::suggest::Lexicon {
        self.image_lexicon.get_or_init(|| {
            let images = self.resources.iter().filter(|r| r.kind == Kind::Image);
            crate::suggest::Lexicon::new(
                images.flat_map(|r| r.name.as_deref().into_iter().chain(r.node.get_str("id"))),
            )
        })
    }

    /// Facts of a resolved image (every image the run's specs reference is resolved
    /// when the world is made).
    pub fn image(&self, resolved: Resolved<'_>) -> Option<&ImageFacts<'a>> {
        match resolved {
            Resolved::Spec(index) => self.image_facts.get(index).and_then(Option::as_deref),
            Resolved::Public(id) => self.public.get(id),
            Resolved::Unresolved => None,
        }
    }

    /// The CEL facts of an instance type the run references, or null.
    pub fn instance_type_val(&self, id: Option<&str>) -> &CelVal<'static> {
        id.and_then(|id| self.instance_types.get(id)).unwrap_or(&self.shared.null)
    }

    /// The CEL facts of a region the run references, or null.
    pub fn region_val(&self, id: Option<&str>) -> &CelVal<'static> {
        id.and_then(|id| self.regions.get(id)).unwrap_or(&self.shared.null)
    }

    /// Facts of every valid image spec: what each says of itself (on every core), then
    /// what it inherits through `derivedFrom`, in one linear pass (see [`inherit`]).
    /// With `wanted`, only the marked images' facts are made; the `derivedFrom` links
    /// and the cycles still span every image.
    fn compute_image_facts(&mut self, ordinals: &Ordinals<'a>, wanted: Option<&[bool]>) {
        // The images with facts: an image whose violations leave its facts unmade has none.
        let images: Vec<bool> =
            self.resources.iter().map(|r| r.kind == Kind::Image && r.facts_valid).collect();
        let raw: Vec<Option<Box<ImageBase<'a>>>> = self
            .resources
            .par_iter()
            .with_max_len(crate::CHUNK)
            .enumerate()
            .map(|(index, r)| {
                let made = images.get(index) == Some(&true) && focus::is_wanted(wanted, index);
                made.then(|| Box::new(spec_base(r, self.catalog)))
            })
            .collect();
        // A parent is an Image spec, or a public image ID of `public`: as `resolve`
        // finds it, without parsing a reference no checked resource reads.
        let parents: Vec<Option<Parent<'a>>> = images
            .iter()
            .zip(self.resources)
            .map(|(&image, resource)| {
                let reference = resource.image_reference("derivedFrom").filter(|_| image)?;
                match self.specs.get(reference) {
                    Some(index) => Some(Parent::Spec(index)),
                    None => self.public.get_key_value(reference).map(|(id, _)| Parent::Public(id)),
                }
            })
            .collect();
        let public: HashMap<&'a str, ImageBase<'a>> =
            self.public.iter().map(|(id, facts)| (*id, facts.base.clone())).collect();
        let links = Arc::new(Links { bases: raw, parents, public });
        let (derived, cycles) = inherit(&links, &images, self.catalog, self.resources);
        self.cycles = cycles;
        // On every core (its share facts and fee look-ups were 21 M instructions on one, for
        // 1,500 files); in resource order.
        self.image_facts = (0..images.len())
            .into_par_iter()
            .with_max_len(crate::CHUNK)
            .map(|index| {
                let derived = derived.get(index)?.clone();
                let mut base = ImageBase::clone(links.bases.get(index)?.as_deref()?);
                base.os = base.os.or(derived.os);
                base.architecture = base.architecture.or(derived.architecture);
                base.boot_mode = base.boot_mode.or(derived.boot_mode);
                // A paid image in the chain names the fee's origin best; failing one, the
                // own OS (as written, not inherited) of an image whose parent is unknown.
                let orphan = links.parents.get(index).copied().flatten().is_none();
                let own = links.bases.get(index).and_then(Option::as_deref).filter(|_| orphan);
                let paid_origin = paid_origin(&base, self.catalog)
                    .or(derived.ancestor_paid)
                    .or_else(|| own.and_then(|own| inferred_paid(own, self.catalog)));
                let custom_images = ordinals.get(&index).cloned().unwrap_or_default();
                let chain = Chain { links: Some(Arc::clone(&links)), start: index, len: derived.chain_len };
                Some(Box::new(ImageFacts::new(base, chain, derived.marketplace, paid_origin, custom_images)))
            })
            .collect();
        // Collected in place, the list may keep room it does not need (it kept `derived`'s
        // 240-byte slots for 8-byte ones: 4.6 MB of the 10,000-file corpus's peak, heaptrack).
        self.image_facts.shrink_to_fit();
        // Finding an OS's lifecycle entry is a version-matching scan of the catalog: once
        // per distinct OS, not per image.
        let mut memo: HashMap<(&str, &str), Option<usize>> = HashMap::new();
        let positions: Vec<Option<usize>> = self
            .image_facts
            .iter()
            .flatten()
            .map(Box::as_ref)
            .chain(self.public.values())
            .map(|facts| {
                let os = facts.base.os.as_ref()?;
                *memo
                    .entry((&os.family, &os.version))
                    .or_insert_with(|| self.catalog.lifecycle_position(&os.family, &os.version))
            })
            .collect();
        let all = self.image_facts.iter_mut().flatten().map(Box::as_mut).chain(self.public.values_mut());
        for (facts, position) in all.zip(positions) {
            facts.lifecycle = position;
        }
    }

    /// The OS lifecycle entry of an image's OS, with the days left on the check date.
    pub fn lifecycle(&self, image: &ImageFacts<'_>) -> &CelVal<'static> {
        let entry =
            image.lifecycle.and_then(|i| Some((self.catalog.lifecycle_at(i)?, self.lifecycles.get(i)?)));
        let Some((entry, cell)) = entry else { return &self.shared.null };
        cell.get_or_init(|| {
            // Where vendor sources disagree, `endOfSupport` is the earlier date (L002 warns
            // from it) and `lastEndOfSupport` the later (L001 errs only after it).
            let as_of = self.settings.as_of;
            let extended = entry.extended_support.as_ref().map_or(Json::Null, |e| {
                json!({"name": e.name, "until": e.until.to_string(), "daysLeft": as_of.days_until(e.until),
                       "source": e.source})
            });
            to_val(&json!({
                "name": entry.name,
                "endOfSupport": entry.earliest_end().to_string(),
                "daysLeft": as_of.days_until(entry.earliest_end()),
                "lastEndOfSupport": entry.latest_end().to_string(),
                "lastDaysLeft": as_of.days_until(entry.latest_end()),
                "source": entry.source,
                "otherSource": entry.other_source,
                "extendedSupport": extended,
            }))
        })
    }

    /// The licence fee an image carries through its paid origin, priced for an instance
    /// when `instance` gives the instance type, region, count and billing.
    pub fn fee(&self, image: &ImageFacts<'_>, instance: Option<InstanceContext<'_>>) -> CelVal<'static> {
        let fee = image.paid_origin.as_ref().and_then(|origin| {
            let entry = self.catalog.license_fee(&origin.family, &origin.version)?;
            Some(fee_val(entry, origin, instance))
        });
        fee.unwrap_or_else(null_val)
    }
}

/// What the World needs from one spec.
#[derive(Default)]
struct Scan<'a> {
    /// A valid Image spec: its name and `id`.
    image: Option<(Option<&'a str>, Option<&'a str>)>,
    /// An IaC image's key, which the resources of its configuration refer to it by.
    key: Option<&'a str>,
    /// The image a valid spec refers to: an instance's `image`, an image's `derivedFrom`.
    reference: Option<&'a str>,
    /// A valid Instance's instance type and region.
    instance_type: Option<&'a str>,
    region: Option<&'a str>,
    /// A valid custom Image spec's regions, each once.
    custom_regions: Vec<&'a str>,
}

impl<'a> Scan<'a> {
    fn of(resource: &'a Resource) -> Self {
        let node = &resource.node;
        // An instance's valid fields are resolved even when another field is wrong, for
        // the rules that read only those; an image's facts need every field they read valid.
        let valid = |field: &'static str| node.get_str(field).filter(|_| resource.field_valid(field));
        let key = resource.iac.as_deref().map(|extra| extra.origin.key.as_str());
        match resource.kind {
            Kind::Instance => Self {
                reference: resource.image_reference("image").filter(|_| resource.field_valid("image")),
                instance_type: valid("instanceType"),
                region: valid("region"),
                ..Self::default()
            },
            // An image whose facts cannot be trusted still answers to its name and `id`:
            // an instance that uses it refers to an Image spec of the run (its facts are
            // unknown, so its image rules stay quiet), not to an image managed elsewhere.
            Kind::Image if !resource.facts_valid => Self {
                image: Some((resource.name.as_deref().filter(|_| resource.field_valid("name")), valid("id"))),
                key,
                ..Self::default()
            },
            Kind::Image => {
                let mut custom_regions: Vec<&str> = Vec::new();
                if node.get_str("type") == Some("custom") {
                    let listed = node.get("regions").and_then(Node::as_seq).unwrap_or_default();
                    // An image listed twice in one region is still one image there. Each
                    // region once, in the order listed, in time linear in the list (a
                    // hostile list of 100,000 regions took 11 s searched pairwise).
                    let mut seen = HashSet::with_capacity(listed.len());
                    custom_regions =
                        listed.iter().filter_map(Node::as_str).filter(|r| seen.insert(*r)).collect();
                }
                Self {
                    image: Some((resource.name.as_deref(), node.get_str("id"))),
                    key,
                    reference: resource.image_reference("derivedFrom"),
                    custom_regions,
                    ..Self::default()
                }
            }
        }
    }
}

/// The CEL facts of every instance type and region the run references.
type CatalogFacts<'a> = (HashMap<&'a str, CelVal<'static>>, HashMap<&'a str, CelVal<'static>>);

/// In a focused run, `wanted` holds the instance type and region IDs its checked instances
/// read: only those of the run's are made.
fn catalog_facts<'a>(
    scans: &[Scan<'a>],
    catalog: &Catalog,
    wanted: Option<&(foldhash::HashSet<&str>, foldhash::HashSet<&str>)>,
) -> CatalogFacts<'a> {
    let mut instance_types = HashMap::new();
    let mut regions = HashMap::new();
    let wanted_type = |id: &str| wanted.is_none_or(|(types, _)| types.contains(id));
    let wanted_region = |id: &str| wanted.is_none_or(|(_, regions)| regions.contains(id));
    for scan in scans {
        if let Some(id) = scan.instance_type.filter(|id| wanted_type(id)) {
            instance_types.entry(id).or_insert_with(|| {
                to_val(&catalog.instance_type(id).map_or(Json::Null, |t| instance_type_facts(t, catalog)))
            });
        }
        if let Some(id) = scan.region.filter(|id| wanted_region(id)) {
            regions.entry(id).or_insert_with(|| {
                to_val(&catalog.region(id).map_or(Json::Null, |region| region_facts(region, catalog)))
            });
        }
    }
    (instance_types, regions)
}

/// Per custom image spec: region, ordinal and total of each of its regions.
type Ordinals<'a> = HashMap<usize, Vec<(&'a str, u64, u64)>>;

/// For each custom image spec, its position among the custom images of each of its
/// regions, in the order of the run, and their number there.
/// With `wanted`, the positions of the wanted images alone (the counts take every one).
fn custom_image_ordinals<'a>(scans: &[Scan<'a>], wanted: Option<&[bool]>) -> Ordinals<'a> {
    let mut counts: HashMap<&str, u64> = HashMap::new();
    let mut positions: Vec<(usize, &'a str, u64)> = Vec::new();
    for (index, scan) in scans.iter().enumerate() {
        for &region in &scan.custom_regions {
            let count = counts.entry(region).or_insert(0);
            *count += 1;
            if focus::is_wanted(wanted, index) {
                positions.push((index, region, *count));
            }
        }
    }
    let mut ordinals: HashMap<usize, Vec<(&'a str, u64, u64)>> = HashMap::new();
    for (index, region, ordinal) in positions {
        let total = counts.get(region).copied().unwrap_or(ordinal);
        ordinals.entry(index).or_default().push((region, ordinal, total));
    }
    ordinals
}

fn shared_values(catalog: &Catalog, settings: &Settings) -> Shared {
    let mut quotas = Map::new();
    for quota in catalog.quotas() {
        if let Some(default) = quota.default {
            quotas.insert(quota.id.to_string(), json!(default));
        }
    }
    for (id, value) in &settings.quotas {
        quotas.insert(id.clone(), json!(value));
    }
    Shared {
        null: to_val(&Json::Null),
        quotas: to_val(&Json::Object(quotas)),
        as_of: to_val(&json!(settings.as_of.to_string())),
        eol_warning_days: to_val(&json!(settings.eol_warning_days)),
        catalog: to_val(&json!({"date": catalog.date().to_string()})),
        instance: str_val("Instance"),
        image: str_val("Image"),
        subject_instance: str_val("instance"),
        subject_spec: str_val("spec"),
        empty_map: to_val(&json!({})),
    }
}

/// A region's facts; `availability` is null without availability data, else
/// `{"types": [...] or null, "zones": {zone: [...]}}` (`types` only when the data covers
/// every zone of the region).
fn region_facts(region: &crate::catalog::Region, catalog: &Catalog) -> Json {
    let availability = catalog.region_availability(&region.id).map_or(Json::Null, |a| {
        let zones: serde_json::Map<String, Json> =
            a.zones.iter().map(|(zone, types)| ((*zone).to_owned(), json!(types))).collect();
        json!({"types": a.region, "zones": zones})
    });
    json!({"id": region.id, "name": region.name, "mainland": region.mainland, "zones": region.zones,
           "zonesComplete": region.zones_complete, "availability": availability})
}

fn instance_type_facts(t: &InstanceType, catalog: &Catalog) -> Json {
    let boot_modes: &[&str] = match t.boot_modes {
        BootSupport::Bios => &["BIOS"],
        BootSupport::Uefi => &["UEFI"],
        BootSupport::Both => &["BIOS", "UEFI"],
        BootSupport::Unknown => &[],
    };
    json!({
        "id": t.id,
        "family": t.family,
        "vcpus": t.vcpus,
        "memoryGiB": t.memory_gib,
        "architecture": t.architecture,
        "bootModes": boot_modes,
        "retired": catalog.retired_family(&t.id).map(|r| json!({
            "date": r.retired.map(|d| d.to_string()),
            "replacement": r.replacement,
            "changeableTo": r.changeable_to,
            "source": r.source,
        })),
    })
}

/// The fields of `image` (and of each entry of `image.chain`), as rules name them.
pub const IMAGE_FIELDS: [&str; 24] = [
    "name",
    "imageName",
    "id",
    "type",
    "spec",
    "os",
    "architecture",
    "bootMode",
    "regions",
    "derivedFrom",
    "imported",
    "licenseType",
    "encrypted",
    "sharedWith",
    "shares",
    "shareCount",
    "shareProblems",
    "chain",
    "marketplace",
    "paidOrigin",
    "customImages",
    "labels",
    "size",
    "built",
];

impl<'a> ImageFacts<'a> {
    fn new(
        base: ImageBase<'a>,
        chain: Chain<'a>,
        marketplace: bool,
        paid_origin: Option<PaidOrigin<'a>>,
        custom_images: Vec<(&'a str, u64, u64)>,
    ) -> Self {
        let (mut index, mut share_problems) = (0_u32, 0_usize);
        let share_count = shares(base.shared_with, |_, fact| {
            share_problems += usize::from(!fact.valid || fact.first_index != index);
            index = index.saturating_add(1);
        });
        Self {
            base,
            chain,
            marketplace,
            paid_origin,
            custom_images,
            share_count: share_count as u64,
            share_problems: share_problems as u64,
            lifecycle: None,
        }
    }

    /// One field of `image`, borrowing the specs' text; `None` for a name that is not
    /// one of [`IMAGE_FIELDS`].
    pub fn field(&self, name: &str) -> Option<CelVal<'a>> {
        Some(match name {
            "shares" | "shareCount" | "shareProblems" if self.base.unknown_shares => null_val(),
            "shares" => share_facts(self.base.shared_with),
            "shareCount" => int_val(self.share_count),
            "shareProblems" => int_val(self.share_problems),
            "chain" => list_val(self.chain.ancestors().map(ancestor_val).collect()),
            "marketplace" => Box::new(CelBool::from(self.marketplace)),
            "paidOrigin" => self.paid_origin.as_ref().map_or_else(null_val, |origin| {
                let mut paid = MapVal::with_capacity(5);
                paid.put("name", opt_str_val(origin.name));
                paid.put("family", cow_val(&origin.family));
                paid.put("version", cow_val(&origin.version));
                paid.put("imported", Box::new(CelBool::from(origin.imported)));
                paid.put("inferred", Box::new(CelBool::from(origin.inferred)));
                paid.build()
            }),
            "customImages" => {
                let mut custom = MapVal::with_capacity(self.custom_images.len());
                for &(region, ordinal, total) in &self.custom_images {
                    let mut position = MapVal::with_capacity(2);
                    position.put("ordinal", int_val(ordinal));
                    position.put("total", int_val(total));
                    custom.put(region, position.build());
                }
                custom.build()
            }
            // A custom image's system disk is at least as large as its base's: the nearest
            // size its chain knows.
            "size" => match self.base.size.or_else(|| self.chain.ancestors().find_map(|a| a.size)) {
                Some(size) => int_val(size),
                None => null_val(),
            },
            _ => return base_field(&self.base, name),
        })
    }
}

/// An ancestor in `image.chain`: what it says about itself, with no shares. A public
/// image ancestor also has an empty `chain` and no marketplace, paid origin or custom
/// image positions; an Image spec ancestor leaves those out (its own entry in the run
/// has them).
fn ancestor_val<'a>(base: &ImageBase<'a>) -> CelVal<'a> {
    let mut map = MapVal::with_capacity(IMAGE_FIELDS.len());
    for name in IMAGE_FIELDS {
        let value = base_field(base, name).or_else(|| match name {
            "shares" => Some(list_val(Vec::new())),
            "shareCount" | "shareProblems" => Some(int_val(0)),
            "chain" if !base.spec => Some(list_val(Vec::new())),
            "marketplace" if !base.spec => Some(Box::new(CelBool::from(false))),
            "paidOrigin" if !base.spec => Some(null_val()),
            "customImages" if !base.spec => Some(MapVal::with_capacity(0).build()),
            _ => None,
        });
        if let Some(value) = value {
            map.put(name, value);
        }
    }
    map.build()
}

/// The fields an image has of its own, before its chain is considered.
fn base_field<'a>(base: &ImageBase<'a>, name: &str) -> Option<CelVal<'a>> {
    let list = |node: Option<&'a Node>| node.map_or_else(|| list_val(Vec::new()), node_to_val);
    Some(match name {
        "name" => opt_str_val(base.name),
        "imageName" => opt_str_val(base.image_name),
        "id" => opt_str_val(base.id),
        "type" => opt_str_val(base.image_type),
        "spec" => Box::new(CelBool::from(base.spec)),
        "os" => base.os.as_ref().map_or_else(null_val, |os| {
            let mut os_map = MapVal::with_capacity(2);
            os_map.put("family", cow_val(&os.family));
            os_map.put("version", cow_val(&os.version));
            os_map.build()
        }),
        "architecture" => opt_str_val(base.architecture),
        "bootMode" => opt_str_val(base.boot_mode),
        // Where a non-public image is is what R001 compares with: unknown (an IaC image
        // whose provider's region is not known) is null, never an empty list.
        "regions" => match base.regions {
            None if base.image_type != Some("public") && base.unknown_regions => null_val(),
            regions => list(regions),
        },
        "derivedFrom" => opt_str_val(base.derived_from),
        "imported" => Box::new(CelBool::from(base.imported)),
        "licenseType" => opt_str_val(base.license_type),
        "encrypted" => Box::new(CelBool::from(base.encrypted)),
        "sharedWith" if base.unknown_shares => null_val(),
        "sharedWith" => list(base.shared_with),
        "labels" => base.labels.map_or_else(|| MapVal::with_capacity(0).build(), node_to_val),
        "size" => base.size.map_or_else(null_val, int_val),
        "built" => base.built.map_or_else(null_val, |date| to_val(&Json::String(date.to_string()))),
        _ => return None,
    })
}

/// Text as a CEL string: borrowed when it is the spec's, copied when computed.
pub fn cow_val<'s>(text: &Cow<'s, str>) -> CelVal<'s> {
    match text {
        Cow::Borrowed(text) => str_val(text),
        Cow::Owned(text) => Box::new(CelString::from(text.clone())),
    }
}

fn int_val(n: u64) -> CelVal<'static> {
    Box::new(CelInt::from(i64::try_from(n).unwrap_or(i64::MAX)))
}
