//! Facts: what a rule sees besides the spec itself. Image references are resolved
//! (by name, by `id`, by parsing a public image ID), `derivedFrom` chains are followed
//! (cycles are reported, not followed forever), and the catalog supplies the instance
//! type, region, OS lifecycle entry and licence fee. Everything is computed once per
//! run and handed to CEL as plain JSON.

use crate::catalog::{BootSupport, Catalog, InstanceType, LicenseFee, PublicImage};
use crate::date::Date;
use crate::spec::{Kind, Resource};
use serde_json::{Map, Value as Json, json};
use std::collections::{BTreeMap, HashMap};

/// Settings that change what rules conclude.
#[derive(Clone, Debug)]
pub struct Settings {
    pub as_of: Date,
    pub eol_warning_days: i64,
    /// Configured quota values, which win over the catalog defaults.
    pub quotas: BTreeMap<String, u64>,
}

impl Default for Settings {
    fn default() -> Self {
        Self { as_of: Date::today(), eol_warning_days: 180, quotas: BTreeMap::new() }
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

/// The run-wide view that resolves references and computes facts.
pub struct World<'a> {
    pub catalog: &'a Catalog,
    pub settings: &'a Settings,
    pub resources: &'a [Resource],
    by_name: HashMap<&'a str, usize>,
    by_id: HashMap<&'a str, usize>,
    /// Image facts per image spec, computed once.
    image_facts: HashMap<usize, Json>,
    /// Facts of every public image ID the run references, parsed once: instances and
    /// `derivedFrom` chains look them up several times each.
    public: HashMap<&'a str, Json>,
    pub cycles: Vec<Cycle>,
    quotas: Json,
}

impl<'a> World<'a> {
    pub fn new(catalog: &'a Catalog, settings: &'a Settings, resources: &'a [Resource]) -> Self {
        let mut by_name = HashMap::new();
        let mut by_id = HashMap::new();
        for (index, resource) in
            resources.iter().enumerate().filter(|(_, r)| r.kind == Kind::Image && r.valid)
        {
            if let Some(name) = resource.name.as_deref() {
                by_name.entry(name).or_insert(index);
            }
            if let Some(id) = resource.node.get_str("id") {
                by_id.entry(id).or_insert(index);
            }
        }
        let mut quotas = Map::new();
        for quota in catalog.quotas() {
            if let Some(default) = quota.default {
                quotas.insert(quota.id.clone(), json!(default));
            }
        }
        for (id, value) in &settings.quotas {
            quotas.insert(id.clone(), json!(value));
        }
        let mut world = Self {
            catalog,
            settings,
            resources,
            by_name,
            by_id,
            image_facts: HashMap::new(),
            public: HashMap::new(),
            cycles: Vec::new(),
            quotas: Json::Object(quotas),
        };
        let references = resources.iter().filter(|r| r.valid).filter_map(|r| match r.kind {
            Kind::Instance => r.node.get_str("image"),
            Kind::Image => r.node.get_str("derivedFrom"),
        });
        let mut public = HashMap::new();
        for reference in references {
            let known = world.by_name.contains_key(reference)
                || world.by_id.contains_key(reference)
                || public.contains_key(reference);
            if let Some(facts) = (!known).then(|| world.parse_public(reference)).flatten() {
                public.insert(reference, facts);
            }
        }
        world.public = public;
        world.compute_image_facts();
        world
    }

    /// Resolves an image reference: a spec name, a spec `id`, or a public image ID.
    pub fn resolve(&self, reference: &'a str) -> Resolved<'a> {
        if let Some(&index) = self.by_name.get(reference).or_else(|| self.by_id.get(reference)) {
            Resolved::Spec(index)
        } else if self.public.contains_key(reference)
            || self.catalog.parse_public_image_id(reference).is_some()
        {
            Resolved::Public(reference)
        } else {
            Resolved::Unresolved
        }
    }

    /// Facts of a resolved image.
    pub fn image(&self, resolved: Resolved<'_>) -> Json {
        match resolved {
            Resolved::Spec(index) => self.image_facts.get(&index).cloned().unwrap_or(Json::Null),
            Resolved::Public(id) => {
                self.public.get(id).cloned().or_else(|| self.parse_public(id)).unwrap_or(Json::Null)
            }
            Resolved::Unresolved => Json::Null,
        }
    }

    /// Facts of a public image ID, with the paid origin it is itself when commercial.
    fn parse_public(&self, id: &str) -> Option<Json> {
        self.catalog.parse_public_image_id(id).map(|parsed| {
            let mut facts = public_facts(id, &parsed);
            facts["paidOrigin"] = paid_origin(&facts, self.catalog).unwrap_or(Json::Null);
            facts
        })
    }

    pub fn quotas(&self) -> &Json {
        &self.quotas
    }

    fn compute_image_facts(&mut self) {
        let ordinals = self.custom_image_ordinals();
        for (index, resource) in self.resources.iter().enumerate() {
            if resource.kind != Kind::Image || !resource.valid {
                continue;
            }
            let (chain, cycle) = self.chain(index);
            if let Some(cycle) = cycle {
                self.cycles.push(cycle);
            }
            let mut facts = spec_facts(resource, self.catalog);
            inherit_from_chain(&mut facts, &chain);
            let marketplace = std::iter::once(&facts).chain(&chain).any(|f| f["type"] == "marketplace");
            let paid = std::iter::once(&facts).chain(&chain).find_map(|f| paid_origin(f, self.catalog));
            if let Json::Object(map) = &mut facts {
                map.insert("chain".into(), Json::Array(chain));
                map.insert("marketplace".into(), json!(marketplace));
                map.insert("paidOrigin".into(), paid.unwrap_or(Json::Null));
                map.insert("customImages".into(), ordinals.get(&index).cloned().unwrap_or_else(|| json!({})));
            }
            self.image_facts.insert(index, facts);
        }
    }

    /// The ancestors of an image spec, nearest first, and the cycle if the chain loops.
    fn chain(&self, start: usize) -> (Vec<Json>, Option<Cycle>) {
        let mut chain = Vec::new();
        let mut seen = vec![start];
        let mut current = start;
        while let Some(parent) = self.resources.get(current).and_then(|r| r.node.get_str("derivedFrom")) {
            match self.resolve(parent) {
                Resolved::Spec(next) if seen.contains(&next) => {
                    let cycle = (next == start).then(|| {
                        let mut names: Vec<String> =
                            seen.iter().filter_map(|&i| self.resources.get(i)?.name.clone()).collect();
                        names.extend(self.resources.get(start).and_then(|r| r.name.clone()));
                        Cycle { image: start, names }
                    });
                    return (chain, cycle);
                }
                Resolved::Spec(next) => {
                    if let Some(resource) = self.resources.get(next) {
                        chain.push(spec_facts(resource, self.catalog));
                    }
                    seen.push(next);
                    current = next;
                }
                Resolved::Public(id) => {
                    if let Some(parsed) = self.catalog.parse_public_image_id(id) {
                        chain.push(public_facts(id, &parsed));
                    }
                    break;
                }
                Resolved::Unresolved => break,
            }
        }
        (chain, None)
    }

    /// For each custom image spec, its position among the custom images of each of its regions.
    fn custom_image_ordinals(&self) -> HashMap<usize, Json> {
        let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
        let mut positions: Vec<(usize, &str, u64)> = Vec::new();
        for (index, resource) in self.resources.iter().enumerate() {
            if resource.kind != Kind::Image
                || !resource.valid
                || resource.node.get_str("type") != Some("custom")
            {
                continue;
            }
            let mut seen: Vec<&str> = Vec::new();
            for region in resource.node.get("regions").and_then(|r| r.as_seq()).unwrap_or_default() {
                // An image listed twice in one region is still one image there.
                if let Some(region) = region.as_str().filter(|r| !seen.contains(r)) {
                    seen.push(region);
                    let count = counts.entry(region).or_insert(0);
                    *count += 1;
                    positions.push((index, region, *count));
                }
            }
        }
        let mut ordinals: HashMap<usize, Map<String, Json>> = HashMap::new();
        for (index, region, ordinal) in positions {
            let total = counts.get(region).copied().unwrap_or(ordinal);
            ordinals
                .entry(index)
                .or_default()
                .insert(region.to_string(), json!({"ordinal": ordinal, "total": total}));
        }
        ordinals.into_iter().map(|(k, v)| (k, Json::Object(v))).collect()
    }

    /// The instance type facts, or null when it is not in the catalog.
    pub fn instance_type(&self, id: Option<&str>) -> Json {
        id.and_then(|id| self.catalog.instance_type(id)).map_or(Json::Null, instance_type_facts)
    }

    /// The region facts, or null when it is not in the catalog.
    pub fn region(&self, id: Option<&str>) -> Json {
        id.and_then(|id| self.catalog.region(id)).map_or(Json::Null, |region| {
            json!({"id": region.id, "name": region.name, "mainland": region.mainland, "zones": region.zones})
        })
    }

    /// The OS lifecycle entry of an image's OS, with the days left on the check date.
    pub fn lifecycle(&self, image: &Json) -> Json {
        let (Some(family), Some(version)) = (image["os"]["family"].as_str(), image["os"]["version"].as_str())
        else {
            return Json::Null;
        };
        self.catalog.lifecycle(family, version).map_or(Json::Null, |entry| {
            json!({
                "name": entry.name,
                "endOfSupport": entry.end_of_support.to_string(),
                "daysLeft": self.settings.as_of.days_until(entry.end_of_support),
                "source": entry.source,
            })
        })
    }

    /// The licence fee an image carries (through its paid origin), priced for an instance
    /// when `instance` gives the instance type, region, count and billing.
    pub fn fee(&self, image: &Json, instance: Option<InstanceContext<'_>>) -> Json {
        let origin = &image["paidOrigin"];
        let (Some(family), Some(version)) = (origin["family"].as_str(), origin["version"].as_str()) else {
            return Json::Null;
        };
        let Some(entry) = self.catalog.license_fee(family, version) else { return Json::Null };
        fee_facts(entry, origin, instance)
    }

    pub fn settings_json(&self) -> (Json, Json, Json) {
        (
            json!(self.settings.as_of.to_string()),
            json!(self.settings.eol_warning_days),
            json!({"date": self.catalog.date().to_string()}),
        )
    }
}

/// What pricing a fee needs to know about the instance.
#[derive(Clone, Copy, Debug)]
pub struct InstanceContext<'a> {
    pub instance_type: Option<&'a InstanceType>,
    pub mainland: Option<bool>,
    pub count: u64,
    pub subscription: bool,
}

fn fee_facts(entry: &LicenseFee, origin: &Json, instance: Option<InstanceContext<'_>>) -> Json {
    let name = entry.name.clone().unwrap_or_else(|| entry.family.clone());
    let mut facts = json!({
        "name": name,
        "family": entry.family,
        "origin": origin["name"],
        "imported": origin["imported"],
        "currency": entry.currency,
        "outsideMainlandOnly": entry.outside_mainland_only,
        "source": entry.source,
        "published": !entry.tiers.is_empty(),
        "priced": false,
        "hourly": null, "monthly": null, "yearly": null,
        "count": 1, "total": null, "totalPeriod": null,
        "applies": true,
    });
    let Some(instance) = instance else { return facts };
    let applies = !entry.outside_mainland_only || instance.mainland == Some(false);
    facts["applies"] = json!(applies);
    facts["count"] = json!(instance.count);
    let tier = instance.instance_type.and_then(|t| entry.tier(t.vcpus));
    if let Some(tier) = tier {
        #[allow(clippy::cast_precision_loss)] // instance counts are far below 2^52
        let count = instance.count as f64;
        facts["priced"] = json!(true);
        facts["hourly"] = json!(tier.hourly);
        facts["monthly"] = json!(tier.monthly);
        facts["yearly"] = json!(tier.yearly);
        if instance.subscription {
            facts["total"] = json!(tier.monthly * count);
            facts["totalPeriod"] = json!("month");
        } else {
            facts["total"] = json!(tier.hourly * count);
            facts["totalPeriod"] = json!("hour");
        }
    }
    facts
}

fn instance_type_facts(t: &InstanceType) -> Json {
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
    })
}

/// Facts of an Image spec, with OS, architecture and boot mode derived from a public `id`
/// where the spec leaves them out.
fn spec_facts(resource: &Resource, catalog: &Catalog) -> Json {
    let node = &resource.node;
    let id = node.get_str("id");
    let parsed = id.and_then(|id| catalog.parse_public_image_id(id));
    let os = node
        .get("os")
        .map(crate::source::Node::to_json)
        .or_else(|| parsed.as_ref().map(|p| json!({"family": p.family, "version": p.version})));
    let architecture = node
        .get_str("architecture")
        .map(Json::from)
        .or_else(|| parsed.as_ref().map(|p| json!(p.architecture)));
    let boot_mode = node
        .get_str("bootMode")
        .map(Json::from)
        .or_else(|| parsed.as_ref().and_then(|p| p.boot_mode).map(|b| json!(b)));
    let list = |key: &str| node.get(key).map_or_else(|| json!([]), crate::source::Node::to_json);
    json!({
        "name": resource.name,
        "id": id,
        "type": node.get_str("type"),
        "spec": true,
        "os": os.unwrap_or(Json::Null),
        "architecture": architecture.unwrap_or(Json::Null),
        "bootMode": boot_mode.unwrap_or(Json::Null),
        "regions": list("regions"),
        "derivedFrom": node.get_str("derivedFrom"),
        "imported": node.get("imported").is_some_and(|n| n.value == crate::source::Value::Bool(true)),
        "licenseType": node.get_str("licenseType"),
        "encrypted": node.get("encrypted").is_some_and(|n| n.value == crate::source::Value::Bool(true)),
        "sharedWith": list("sharedWith"),
        "shares": [],
        "shareCount": 0,
    })
}

/// One fact per `sharedWith` entry, computed in one pass so share rules stay linear
/// (and only for the Image spec being checked, so the run does not hold them all):
/// the account as text, whether it is a 16-digit ID (`valid`) or all digits, where the
/// same account first appears, and how many distinct accounts come before it. Also the
/// number of distinct accounts.
pub fn share_facts(node: &crate::source::Node) -> (Json, usize) {
    let entries = node.get("sharedWith").and_then(crate::source::Node::as_seq).unwrap_or_default();
    let mut first: HashMap<String, usize> = HashMap::new();
    let mut facts = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        let account = match &entry.value {
            crate::source::Value::Str(s) => s.clone(),
            crate::source::Value::Int(i) => i.to_string(),
            _ => entry.to_json().to_string(),
        };
        let digits = !account.is_empty() && account.bytes().all(|b| b.is_ascii_digit());
        let distinct_before = first.len();
        let first_index = *first.entry(account.clone()).or_insert(index);
        facts.push(json!({
            "account": account,
            "valid": digits && account.len() == 16,
            "digits": digits,
            "firstIndex": first_index,
            "distinctBefore": distinct_before,
        }));
    }
    (Json::Array(facts), first.len())
}

fn public_facts(id: &str, parsed: &PublicImage) -> Json {
    json!({
        "name": id,
        "id": id,
        "type": "public",
        "spec": false,
        "os": {"family": parsed.family, "version": parsed.version},
        "architecture": parsed.architecture,
        "bootMode": parsed.boot_mode,
        "regions": [],
        "derivedFrom": null,
        "imported": false,
        "licenseType": null,
        "encrypted": false,
        "sharedWith": [],
        "shares": [],
        "shareCount": 0,
        "chain": [],
        "marketplace": false,
        "paidOrigin": null,
        "customImages": {},
    })
}

/// Fills OS, architecture and boot mode from the nearest ancestor that knows them.
fn inherit_from_chain(facts: &mut Json, chain: &[Json]) {
    for key in ["os", "architecture", "bootMode"] {
        if facts[key].is_null() {
            if let Some(value) = chain.iter().map(|c| &c[key]).find(|v| !v.is_null()) {
                facts[key] = value.clone();
            }
        }
    }
}

/// The paid image an image's fee comes from: a commercial public image, or an imported
/// Windows image whose licence is Alibaba Cloud's (`Auto`, the default, or `Aliyun`).
fn paid_origin(facts: &Json, catalog: &Catalog) -> Option<Json> {
    let family = facts["os"]["family"].as_str()?;
    let version = facts["os"]["version"].as_str()?;
    let public = facts["type"] == "public" && catalog.license_fee(family, version).is_some();
    let imported_windows = facts["imported"] == true
        && family == "windows-server"
        && facts["licenseType"].as_str().is_none_or(|l| l != "BYOL");
    (public || imported_windows).then(|| {
        json!({"name": facts["name"], "family": family, "version": version, "imported": facts["imported"]})
    })
}
