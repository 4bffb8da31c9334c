//! `ecslint catalog import`: the JSON answers of the ECS API, as the `aliyun` CLI prints
//! them, turned into one catalog file.
//!
//! Each answer is recognised by its top-level shape:
//!
//! | operation | shape | becomes |
//! |---|---|---|
//! | `DescribeRegions` | `Regions.Region[]` (`RegionId`, `LocalName`) | regions |
//! | `DescribeZones` | `Zones.Zone[]` (`ZoneId`, `AvailableInstanceTypes.InstanceTypes[]`) | zones of regions, availability per zone |
//! | `DescribeAvailableResource` | `AvailableZones.AvailableZone[]` (`RegionId`, `ZoneId`, `AvailableResources.AvailableResource[].SupportedResources.SupportedResource[].Value`) | availability per zone |
//! | `DescribeInstanceTypes` | `InstanceTypes.InstanceType[]` (`InstanceTypeId`, `InstanceTypeFamily`, `CpuCoreCount`, `MemorySize`, `CpuArchitecture`, `SupportedBootModes`) | instance families |
//! | `DescribeImages` | `Images.Image[]` (`ImageId`, `OSNameEn`, `Platform`, `Architecture`, `BootMode`, `Size`) | images |
//!
//! What an answer does not say is taken from the catalog the import starts from (a region's
//! display name and whether it is in the mainland, a type's architecture), or left out.
//! Nothing is guessed: a type with no architecture anywhere is skipped with a warning.
//! Sold-out resources count as offered (stock changes by the hour; R002 must not fire on it).

use super::Catalog;
use super::file::{CatalogFile, InstanceFamily, InstanceTypeEntry};
use super::model::{Architecture, Availability, BootMode, ImageEntry, Region, Text};
use crate::date::Date;
use serde_json::Value;
use std::collections::BTreeMap;

/// Where the ECS API reference documents each operation (`...-describeregions`).
pub const API_REFERENCE: &str =
    "https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-";

/// The result of an import: the catalog file and what was skipped, for standard error.
#[derive(Debug, Default)]
pub struct Imported {
    pub file: CatalogFile,
    pub warnings: Vec<String>,
}

/// Why an answer could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{file}: not JSON: {message}")]
    Json { file: String, message: String },
    #[error(
        "{file}: not an answer of DescribeRegions, DescribeZones, DescribeAvailableResource, DescribeInstanceTypes or DescribeImages (no Regions, Zones, AvailableZones, InstanceTypes or Images at the top)"
    )]
    Unknown { file: String },
    #[error("{file}: {message}")]
    Shape { file: String, message: String },
}

/// Imports answers (`(file name, text)`) dated `date`; `base` supplies what answers leave out.
pub fn import(answers: &[(String, String)], date: Date, base: &Catalog) -> Result<Imported, ImportError> {
    let mut state = State::default();
    for (name, text) in answers {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| ImportError::Json { file: name.clone(), message: e.to_string() })?;
        state.answer(name, &value, date)?;
    }
    Ok(state.finish(date, base))
}

#[derive(Default)]
struct State {
    /// Region id -> (display name, source).
    regions: BTreeMap<String, (Option<String>, String)>,
    /// Region id -> zone ids (from `DescribeZones` and `DescribeAvailableResource`).
    zones: BTreeMap<String, Vec<String>>,
    /// Zones named by a `DescribeZones` answer, which lists every zone of its region.
    described_zones: std::collections::BTreeSet<String>,
    /// Zone id (region known or not) -> (region if stated, types, source).
    availability: BTreeMap<String, (Option<String>, Vec<String>, String)>,
    types: BTreeMap<String, TypeAnswer>,
    images: BTreeMap<String, ImageEntry>,
    warnings: Vec<String>,
}

struct TypeAnswer {
    family: Option<String>,
    vcpus: u32,
    memory_gib: f64,
    architecture: Option<Architecture>,
    boot_modes: Option<Vec<BootMode>>,
    source: String,
}

/// The array at `outer.inner` (the CLI prints lists wrapped in an object: `{"Regions": {"Region": [...]}}`).
fn list<'a>(value: &'a Value, outer: &str, inner: &str) -> Option<&'a [Value]> {
    let outer = value.get(outer)?;
    outer.get(inner).or(Some(outer)).and_then(Value::as_array).map(Vec::as_slice)
}

fn text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

/// The strings of `value.outer.inner[]` (or `value.outer[]`).
fn strings(value: &Value, outer: &str, inner: &str) -> Vec<String> {
    list(value, outer, inner)
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

impl State {
    fn answer(&mut self, name: &str, value: &Value, date: Date) -> Result<(), ImportError> {
        let shape = |message: &str| ImportError::Shape { file: name.to_owned(), message: message.to_owned() };
        // The API reference page of the operation (a URL a reader can open), then the file.
        let source = |operation: &str| {
            format!("{API_REFERENCE}{} (answer {name}, imported {date})", operation.to_ascii_lowercase())
        };
        if value.get("Regions").is_some() {
            let regions =
                list(value, "Regions", "Region").ok_or_else(|| shape("Regions.Region is not a list"))?;
            for region in regions {
                let id = text(region, "RegionId").ok_or_else(|| shape("a region without RegionId"))?;
                let local = text(region, "LocalName").map(str::to_owned);
                self.regions.insert(id.to_owned(), (local, source("DescribeRegions")));
            }
        } else if value.get("Zones").is_some() {
            let zones = list(value, "Zones", "Zone").ok_or_else(|| shape("Zones.Zone is not a list"))?;
            for zone in zones {
                let id = text(zone, "ZoneId").ok_or_else(|| shape("a zone without ZoneId"))?;
                let mut types =
                    strings(zone.get("AvailableInstanceTypes").unwrap_or(&Value::Null), "InstanceTypes", "");
                if let Some(infos) = list(zone, "AvailableResources", "ResourcesInfo") {
                    for info in infos {
                        types.extend(strings(info, "InstanceTypes", "supportedInstanceType"));
                    }
                }
                self.described_zones.insert(id.to_owned());
                self.add_zone(None, id, types, source("DescribeZones"));
            }
        } else if value.get("AvailableZones").is_some() {
            let zones = list(value, "AvailableZones", "AvailableZone")
                .ok_or_else(|| shape("AvailableZones.AvailableZone is not a list"))?;
            for zone in zones {
                let id = text(zone, "ZoneId").ok_or_else(|| shape("an available zone without ZoneId"))?;
                let mut types = Vec::new();
                let mut instance_types_listed = false;
                for resource in list(zone, "AvailableResources", "AvailableResource").unwrap_or_default() {
                    if text(resource, "Type") != Some("InstanceType") {
                        continue;
                    }
                    instance_types_listed = true;
                    for supported in
                        list(resource, "SupportedResources", "SupportedResource").unwrap_or_default()
                    {
                        // Available and SoldOut are both offered; WithoutStock-style states
                        // are stock, not offer. Anything listed is offered.
                        if let Some(value) = text(supported, "Value") {
                            types.push(value.to_owned());
                        }
                    }
                }
                if instance_types_listed {
                    self.add_zone(text(zone, "RegionId"), id, types, source("DescribeAvailableResource"));
                } else {
                    self.warnings.push(format!(
                        "{name}: zone {id} lists no InstanceType resources (query with --DestinationResource InstanceType); its availability is not imported"
                    ));
                }
            }
        } else if value.get("InstanceTypes").is_some() {
            let types = list(value, "InstanceTypes", "InstanceType")
                .ok_or_else(|| shape("InstanceTypes.InstanceType is not a list"))?;
            for entry in types {
                self.add_type(name, entry, source("DescribeInstanceTypes"));
            }
        } else if value.get("Images").is_some() {
            let images = list(value, "Images", "Image").ok_or_else(|| shape("Images.Image is not a list"))?;
            let region = text(value, "RegionId");
            for image in images {
                self.add_image(name, region, image, source("DescribeImages"));
            }
        } else {
            return Err(ImportError::Unknown { file: name.to_owned() });
        }
        Ok(())
    }

    fn add_zone(&mut self, region: Option<&str>, zone: &str, types: Vec<String>, source: String) {
        let entry = self.availability.entry(zone.to_owned()).or_insert((None, Vec::new(), source));
        if entry.0.is_none() {
            entry.0 = region.map(str::to_owned);
        }
        entry.1.extend(types);
        entry.1.sort_unstable();
        entry.1.dedup();
    }

    fn add_type(&mut self, name: &str, entry: &Value, source: String) {
        let Some(id) = text(entry, "InstanceTypeId") else {
            self.warnings.push(format!("{name}: an instance type without InstanceTypeId is skipped"));
            return;
        };
        let vcpus = entry.get("CpuCoreCount").and_then(Value::as_u64).and_then(|n| u32::try_from(n).ok());
        let memory = entry.get("MemorySize").and_then(Value::as_f64);
        let (Some(vcpus), Some(memory_gib)) = (vcpus, memory) else {
            self.warnings.push(format!("{name}: {id} has no CpuCoreCount or MemorySize; skipped"));
            return;
        };
        let architecture =
            text(entry, "CpuArchitecture").and_then(|a| match a.to_ascii_lowercase().as_str() {
                "x86" | "x86_64" => Some(Architecture::X86_64),
                "arm" | "arm64" => Some(Architecture::Arm64),
                _ => None,
            });
        // `{"SupportedBootMode": ["BIOS", "UEFI"]}` as the CLI prints it, or a bare list.
        let boot_modes = entry.get("SupportedBootModes").map(|modes| {
            let listed = modes.get("SupportedBootMode").unwrap_or(modes);
            let mut out: Vec<BootMode> = listed
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .filter_map(|m| match m.to_ascii_uppercase().as_str() {
                    "BIOS" => Some(BootMode::Bios),
                    "UEFI" => Some(BootMode::Uefi),
                    _ => None,
                })
                .collect();
            out.sort_by_key(|m| m.as_str());
            out.dedup();
            out
        });
        let family =
            text(entry, "InstanceTypeFamily").map(|f| f.strip_prefix("ecs.").unwrap_or(f).to_owned());
        self.types.insert(
            id.to_owned(),
            TypeAnswer {
                family,
                vcpus,
                memory_gib,
                architecture,
                boot_modes: boot_modes.filter(|m| !m.is_empty()),
                source,
            },
        );
    }

    fn add_image(&mut self, name: &str, region: Option<&str>, image: &Value, source: String) {
        let Some(id) = text(image, "ImageId") else {
            self.warnings.push(format!("{name}: an image without ImageId is skipped"));
            return;
        };
        let architecture = text(image, "Architecture").and_then(|a| match a {
            "x86_64" => Some(Architecture::X86_64),
            "i386" => Some(Architecture::I386),
            "arm64" => Some(Architecture::Arm64),
            _ => None,
        });
        let boot_mode = text(image, "BootMode").and_then(|m| match m {
            "BIOS" => Some(BootMode::Bios),
            "UEFI" => Some(BootMode::Uefi),
            "UEFI-Preferred" => Some(BootMode::UefiPreferred),
            _ => None,
        });
        let size_gib = image.get("Size").and_then(Value::as_u64).and_then(|n| u32::try_from(n).ok());
        let entry = self.images.entry(id.to_owned()).or_insert_with(|| ImageEntry {
            id: id.to_owned(),
            os_name: text(image, "OSNameEn").or_else(|| text(image, "OSName")).map(str::to_owned),
            platform: text(image, "Platform").map(str::to_owned),
            architecture,
            boot_mode,
            size_gib,
            regions: Vec::new(),
            source,
            note: None,
        });
        if let Some(region) = region
            && !entry.regions.iter().any(|r| r == region)
        {
            entry.regions.push(region.to_owned());
        }
    }

    /// The region of a zone: the one the answer states, else the longest known region ID
    /// the zone ID starts with (`cn-hangzhou-h`, `ap-southeast-1a`).
    fn region_of(&self, zone: &str, stated: Option<&String>, base: &Catalog) -> Option<String> {
        if let Some(region) = stated {
            return Some(region.clone());
        }
        self.regions
            .keys()
            .map(String::as_str)
            .chain(base.regions().map(|r| &*r.id))
            .filter(|r| zone.len() > r.len() && zone.starts_with(r))
            .max_by_key(|r| r.len())
            .map(str::to_owned)
    }

    fn finish(mut self, date: Date, base: &Catalog) -> Imported {
        let mut file = CatalogFile { date: Some(date), ..CatalogFile::default() };
        // Availability, and the zones each answer names.
        let availability = std::mem::take(&mut self.availability);
        for (zone, (stated, types, source)) in availability {
            let Some(region) = self.region_of(&zone, stated.as_ref(), base) else {
                self.warnings.push(format!(
                    "zone {zone}: its region is not known (import DescribeRegions with it); skipped"
                ));
                continue;
            };
            self.zones.entry(region.clone()).or_default().push(zone.clone());
            file.availability.push(Availability {
                region,
                zone: Some(zone),
                instance_types: types,
                source,
                note: None,
            });
        }
        // Regions: those DescribeRegions named, and those whose zones were imported.
        let mut ids: Vec<String> = self.regions.keys().cloned().collect();
        ids.extend(self.zones.keys().cloned());
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            let known = base.region(&id);
            let (local, source) = self.regions.get(&id).cloned().unwrap_or((None, String::new()));
            let mut zones: Vec<String> =
                known.map(|r| r.zones.iter().map(ToString::to_string).collect()).unwrap_or_default();
            let answered = self.zones.get(&id).cloned().unwrap_or_default();
            let source = if source.is_empty() {
                file.availability
                    .iter()
                    .find(|a| a.region == id)
                    .map(|a| a.source.clone())
                    .unwrap_or_default()
            } else {
                source
            };
            // All zones are known when a DescribeZones answer named the region's zones, or
            // when the catalog knew them all and the answers name no other.
            let zones_complete = answered.iter().any(|z| self.described_zones.contains(z))
                || known.is_some_and(|r| r.zones_complete && answered.iter().all(|z| r.has_zone(z)));
            zones.extend(answered);
            zones.sort_unstable();
            zones.dedup();
            let name = known.and_then(|r| r.name.as_deref().map(str::to_owned)).or(local);
            let (mainland, note) = match known {
                Some(region) => (region.mainland, None),
                None => (
                    id.starts_with("cn-") && id != "cn-hongkong",
                    Some("not in the catalog before: `mainland` read from the region ID (cn-*, not cn-hongkong)".into()),
                ),
            };
            file.regions.push(Region {
                id: id.into(),
                name: name.map(Text::from),
                mainland,
                zones: zones.into_iter().map(Text::from).collect(),
                zones_complete,
                source: source.into(),
                note,
            });
        }
        // Instance types, grouped by family.
        let mut families: BTreeMap<String, InstanceFamily> = BTreeMap::new();
        for (id, answer) in std::mem::take(&mut self.types) {
            let known = base.instance_type(&id);
            let Some(architecture) = answer.architecture.or(known.map(|t| t.architecture)) else {
                self.warnings.push(format!(
                    "{id}: the answer has no CpuArchitecture and the catalog does not know the type; skipped"
                ));
                continue;
            };
            let family_name = answer
                .family
                .or_else(|| known.map(|t| t.family.to_string()))
                .or_else(|| {
                    id.strip_prefix("ecs.").and_then(|rest| rest.split('.').next()).map(str::to_owned)
                })
                .unwrap_or_else(|| id.clone());
            // A family groups types that share architecture and boot modes; a type that
            // differs gets a family entry of its own key.
            let key = format!("{family_name}\n{architecture}\n{:?}", answer.boot_modes);
            let family = families.entry(key).or_insert_with(|| InstanceFamily {
                family: family_name.into(),
                architecture,
                boot_modes: answer.boot_modes.clone(),
                boot_mode_source: answer.boot_modes.as_ref().map(|_| answer.source.clone().into()),
                source: answer.source.clone().into(),
                note: None,
                types: Vec::new(),
            });
            family.types.push(InstanceTypeEntry {
                id: id.into(),
                vcpus: answer.vcpus,
                memory_gib: answer.memory_gib,
                note: None,
            });
        }
        file.instance_families = families.into_values().collect();
        file.images = self.images.into_values().collect();
        Imported { file, warnings: self.warnings }
    }
}

#[cfg(test)]
mod tests;
