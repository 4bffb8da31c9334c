//! The reference-data catalog: the platform facts that rules check specs against.
//!
//! The facts live as YAML under `rules/catalog/` (regions and zones, instance types, OS
//! lifecycle, licence fees, quotas, public image ID patterns), each entry with the URL of the
//! page that states it, validated by `schemas/catalog.schema.json` and embedded in the binary
//! ([`Catalog::BUILTIN_FILES`]). Users extend or override them with their own files: files are
//! merged in order and a later file adds entries or replaces the entry with the same key
//! (region id, instance type id, OS family and version, fee family and versions, quota id,
//! pattern name, token). The catalog has a date, the newest `date` of its files, so a missing
//! value can be reported as "not in the catalog dated D" rather than as invalid.
//!
//! Input: the built-in files are static data that `build.rs` writes from the YAML, merged,
//! in the catalog's own types (`builtin.rs`): a run starts from them without parsing or
//! copying anything ([`Catalog::builtin_with`]; a test checks them against what the checked
//! loader makes of the YAML). Their image ID sections are read on first use and their
//! regexes compiled on first use. User files are JSON values from the YAML loader
//! ([`Catalog::yaml_values`]), checked and compiled as they are merged
//! ([`CatalogFile::from_json`], [`Catalog::merge`]); a section is copied when one adds to it.

mod builtin;
mod file;
mod image_id;
mod image_prefix;
mod import;
mod keyed;
mod model;
#[cfg(test)]
mod prefilter;
mod version;

pub use file::{
    ArchitectureToken, BootModeGroup, CatalogFile, InstanceFamily, InstanceTypeEntry, OsToken, PatternEntry,
    PublicImageIds, RetiredFamily, VersionRename, VersionTemplate,
};
pub use image_prefix::PartialImage;
pub use import::{API_REFERENCE, ImportError, Imported, import};
pub use model::{
    Architecture, Availability, BootMode, BootSupport, ExtendedSupport, FeeTier, ImageEntry, InstanceType,
    LicenseFee, List, OsLifecycle, PublicImage, Quota, Region, Text,
};
pub use version::{canonical as canonical_version, normalize as normalize_version, version_matches};

use crate::date::Date;
use crate::source::{Limits, parse_yaml};
use builtin::Images;
use image_id::ImageIdParser;
use keyed::Keyed;

/// Why a catalog could not be built. Catalog values carry no spans; schema validation of a
/// user file (which does) is the place for pinpointed messages.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("catalog file {file}: YAML syntax error at byte {offset}: {message}")]
    Syntax { file: String, offset: usize, message: String },
    #[error("catalog file {file}: {message}")]
    Invalid { file: String, message: String },
    #[error("catalog file {file}: public image ID pattern `{pattern}`: {message}")]
    BadPattern { file: String, pattern: String, message: String },
    #[error("no catalog file has a `date`; the catalog needs one")]
    MissingDate,
}

/// The merged catalog with look-up indexes.
#[derive(Debug, Clone)]
pub struct Catalog {
    date: Date,
    regions: Keyed<Region>,
    instance_types: Keyed<InstanceType>,
    lifecycle: Keyed<OsLifecycle>,
    fees: Keyed<LicenseFee>,
    quotas: Keyed<Quota>,
    availability: Keyed<Availability>,
    public_images: Keyed<ImageEntry>,
    retired: Keyed<RetiredFamily>,
    images: Images,
    /// ROS `ImageId` texts already read (`image_prefix`).
    prefixes: image_prefix::Prefixes,
}

/// A built-in catalog file: its repository path, its text, and that text as a JSON array
/// of its documents (converted by `build.rs`; a test checks it matches the YAML) less the
/// `publicImageIds.knownIds` lists, which are `known_ids` (a line each: one text, where a
/// list had a pointer per ID for the loader to relocate at every start).
#[derive(Debug)]
pub struct BuiltinFile {
    pub path: &'static str,
    pub yaml: &'static str,
    pub json: &'static str,
    pub known_ids: &'static str,
}

impl Catalog {
    /// The built-in catalog files, in merge order (`build.rs` embeds them).
    pub const BUILTIN_FILES: &[BuiltinFile] = include!(concat!(env!("OUT_DIR"), "/builtin_catalog.rs"));

    /// The built-in catalog alone.
    pub fn builtin() -> Result<Self, CatalogError> {
        Self::builtin_with(Vec::new())
    }

    /// The built-in catalog and then user files given as JSON values, merged in order. The
    /// built-in catalog is static data (`build.rs` writes it; a test checks it against the
    /// YAML), read without parsing or copying; a section is copied only when a user file adds
    /// to it. User files are checked and compiled as [`Catalog::merge`] does, with the same
    /// errors: every file is read before any is merged.
    pub fn builtin_with(user: Vec<(String, serde_json::Value)>) -> Result<Self, CatalogError> {
        let parsed = user
            .into_iter()
            .map(|(name, value)| match CatalogFile::from_json(value) {
                Ok(file) => Ok((name, file)),
                Err(e) => Err(CatalogError::Invalid { file: name, message: e.to_string() }),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut catalog = Self {
            date: builtin::DATE,
            regions: Keyed::builtin(&builtin::REGIONS),
            instance_types: Keyed::builtin(&builtin::INSTANCE_TYPES),
            lifecycle: Keyed::builtin(&builtin::LIFECYCLE),
            fees: Keyed::builtin(&builtin::FEES),
            quotas: Keyed::builtin(&builtin::QUOTAS),
            availability: Keyed::default(),
            public_images: Keyed::default(),
            retired: Keyed::builtin(&builtin::RETIRED),
            images: Images::builtin(),
            prefixes: image_prefix::Prefixes::default(),
        };
        for (name, file) in parsed {
            catalog.merge(&name, file)?;
        }
        Ok(catalog)
    }

    /// The built-in files' documents as JSON values, read from the JSON `build.rs` made.
    pub fn builtin_values() -> Result<Vec<(String, serde_json::Value)>, CatalogError> {
        let mut values = Vec::new();
        for file in Self::BUILTIN_FILES {
            let documents: Vec<serde_json::Value> = serde_json::from_str(file.json)
                .map_err(|e| CatalogError::Invalid { file: file.path.to_owned(), message: e.to_string() })?;
            values.extend(documents.into_iter().map(|d| (file.path.to_owned(), d)));
        }
        Ok(values)
    }

    /// The documents of YAML files (`(name, text)`, in merge order) as JSON values, each
    /// with its file's name; each YAML document is one file part.
    pub fn yaml_values(files: &[(&str, &str)]) -> Result<Vec<(String, serde_json::Value)>, CatalogError> {
        let mut values = Vec::new();
        for (name, text) in files {
            let documents = parse_yaml(text, Limits::default()).map_err(|e| CatalogError::Syntax {
                file: (*name).to_owned(),
                offset: e.span.start(),
                message: e.message,
            })?;
            values.extend(documents.into_iter().map(|d| ((*name).to_owned(), d.root.to_json())));
        }
        Ok(values)
    }

    /// Builds a catalog from files given as JSON values, merged in order, each checked as
    /// [`Catalog::merge`] checks it.
    pub fn from_files(files: Vec<(String, serde_json::Value)>) -> Result<Self, CatalogError> {
        let parsed = files
            .into_iter()
            .map(|(name, value)| {
                CatalogFile::from_json(value)
                    .map(|file| (name.clone(), file))
                    .map_err(|e| CatalogError::Invalid { file: name, message: e.to_string() })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let date = parsed.iter().filter_map(|(_, f)| f.date).max().ok_or(CatalogError::MissingDate)?;
        let mut catalog = Self {
            date,
            regions: Keyed::default(),
            instance_types: Keyed::default(),
            lifecycle: Keyed::default(),
            fees: Keyed::default(),
            quotas: Keyed::default(),
            availability: Keyed::default(),
            public_images: Keyed::default(),
            retired: Keyed::default(),
            images: Images::default(),
            prefixes: image_prefix::Prefixes::default(),
        };
        for (name, file) in parsed {
            catalog.merge(&name, file)?;
        }
        Ok(catalog)
    }

    /// Merges one more file: its entries are added, or replace those with the same key. On
    /// error the catalog is left unchanged.
    pub fn merge(&mut self, name: &str, file: CatalogFile) -> Result<(), CatalogError> {
        let patterns = ImageIdParser::compile(name, &file.public_image_ids)?;
        let mut types = Vec::new();
        for family in file.instance_families {
            let modes = family.boot_modes.as_deref().unwrap_or_default();
            if modes.contains(&BootMode::UefiPreferred) {
                return Err(CatalogError::Invalid {
                    file: name.to_owned(),
                    message: format!(
                        "instance family `{}`: UEFI-Preferred is an image boot mode; instance types support BIOS and/or UEFI",
                        family.family
                    ),
                });
            }
            // Arm64 servers have no legacy BIOS: whatever a file says, an Arm type boots UEFI
            // (DESIGN §4a), so an arm64 image that says BIOS is refused by A004.
            let boot_modes = if family.architecture == Architecture::Arm64 {
                BootSupport::Uefi
            } else {
                BootSupport::from_modes(modes)
            };
            // The file is consumed: each type's ID and note move into it, not copied.
            let InstanceFamily {
                family: family_name,
                architecture,
                boot_mode_source,
                source,
                note,
                types: entries,
                ..
            } = family;
            types.extend(entries.into_iter().map(|t| InstanceType {
                id: t.id,
                family: family_name.clone(),
                vcpus: t.vcpus,
                memory_gib: t.memory_gib,
                architecture,
                boot_modes,
                source: source.clone(),
                boot_mode_source: boot_mode_source.clone(),
                note: t.note.or_else(|| note.clone()),
            }));
        }
        if let Some(region) = file.regions.iter().find(|r| r.zones_complete && r.zones.is_empty()) {
            return Err(CatalogError::Invalid {
                file: name.to_owned(),
                message: format!(
                    "region `{}` lists no zones: list them, or set `zonesComplete: false` when they are not known",
                    region.id
                ),
            });
        }
        if let Some(date) = file.date {
            self.date = self.date.max(date);
        }
        for region in file.regions {
            self.regions.upsert(region, |r| r.id.to_string());
        }
        for instance_type in types {
            self.instance_types.upsert(instance_type, |t| t.id.to_string());
        }
        for entry in file.os_lifecycle {
            self.lifecycle.upsert(entry, |e| {
                format!("{}\n{}", version::normalize(&e.family), version::normalize(&e.version))
            });
        }
        for fee in file.license_fees {
            self.fees.upsert(fee, |fee| {
                let versions = fee.versions.iter().flat_map(|v| v.iter()).map(|v| version::normalize(v));
                format!("{}\n{}", version::normalize(&fee.family), versions.collect::<Vec<_>>().join("\n"))
            });
        }
        for family in file.retired_families {
            self.retired.upsert(family, |f| f.family.to_string());
        }
        for quota in file.quotas {
            self.quotas.upsert(quota, |q| q.id.to_string());
        }
        for entry in file.availability {
            self.availability
                .upsert(entry, |e| format!("{}\n{}", e.region, e.zone.as_deref().unwrap_or_default()));
        }
        for image in file.images {
            self.public_images.upsert(image, |i| i.id.clone());
        }
        self.images.merge(file.public_image_ids, patterns);
        Ok(())
    }

    /// The catalog date: the newest `date` of the merged files.
    pub const fn date(&self) -> Date {
        self.date
    }

    /// Whether a check on `as_of` is more than a year after the catalog's date (a stale
    /// catalog: `check` then suggests `catalog import` or an upgrade). A catalog dated
    /// 29 February is a year old on 1 March of the next year.
    pub fn is_stale_on(&self, as_of: Date) -> bool {
        let (year, month, day) = self.date.ymd();
        let anniversary = Date::parse(&format!("{:04}-{month:02}-{day:02}", year + 1))
            .or_else(|| Date::parse(&format!("{:04}-03-01", year + 1)));
        anniversary.is_some_and(|a| as_of > a)
    }

    pub fn region(&self, id: &str) -> Option<&Region> {
        self.regions.get(id)
    }

    /// Regions in catalog order.
    pub fn regions(&self) -> impl Iterator<Item = &Region> {
        self.regions.iter()
    }

    pub fn instance_type(&self, id: &str) -> Option<&InstanceType> {
        self.instance_types.get(id)
    }

    /// The retired family an instance type ID belongs to: the family of a catalog type, else
    /// the middle part of `ecs.<family>.<size>` (before any `-`, as in `ecs.t5-lc1m1.small`).
    pub fn retired_family(&self, type_id: &str) -> Option<&RetiredFamily> {
        if self.retired.is_empty() {
            return None;
        }
        if let Some(known) = self.instance_type(type_id) {
            return self.retired.get(&known.family);
        }
        let middle = type_id.strip_prefix("ecs.")?.split('.').next()?;
        self.retired.get(middle).or_else(|| self.retired.get(middle.split('-').next()?))
    }

    /// Retired instance families in catalog order.
    pub fn retired_families(&self) -> impl Iterator<Item = &RetiredFamily> {
        self.retired.iter()
    }

    /// Instance types in catalog order.
    pub fn instance_types(&self) -> impl Iterator<Item = &InstanceType> {
        self.instance_types.iter()
    }

    /// The lifecycle entry of an OS family and version; the longest matching version wins
    /// (see [`version_matches`]).
    pub fn lifecycle(&self, family: &str, version: &str) -> Option<&OsLifecycle> {
        self.lifecycle_position(family, version).and_then(|i| self.lifecycle.at(i))
    }

    /// Where [`Catalog::lifecycle`]'s entry is in [`Catalog::lifecycles`].
    pub fn lifecycle_position(&self, family: &str, version: &str) -> Option<usize> {
        let version = version::canonical(family, version);
        let version = version.as_str();
        self.lifecycle
            .matching(|f| version::same_family(f, family), |e| &e.family)
            .filter_map(|(i, e)| {
                version::lifecycle_match_len(family, version, &e.version).map(|len| (len, i))
            })
            .max_by_key(|(len, _)| *len)
            .map(|(_, i)| i)
    }

    /// Lifecycle entries in catalog order.
    pub fn lifecycles(&self) -> impl Iterator<Item = &OsLifecycle> {
        self.lifecycle.iter()
    }

    /// The lifecycle entry at a position of [`Catalog::lifecycles`] (built-in entries are
    /// built when first read: this reads no other).
    pub fn lifecycle_at(&self, position: usize) -> Option<&OsLifecycle> {
        self.lifecycle.at(position)
    }

    /// How many lifecycle entries there are.
    pub fn lifecycle_count(&self) -> usize {
        self.lifecycle.len()
    }

    /// The licence fee of an OS family and version: an entry listing a matching version beats
    /// an entry for the whole family; an entry listing versions applies only to them.
    pub fn license_fee(&self, family: &str, version: &str) -> Option<&LicenseFee> {
        let version = version::canonical(family, version);
        let version = version.as_str();
        self.fees
            .iter()
            .filter(|fee| version::same_family(&fee.family, family))
            .filter_map(|fee| match &fee.versions {
                None => Some((0, fee)),
                Some(versions) => versions
                    .iter()
                    .filter_map(|v| version::match_len(version, v))
                    .max()
                    .map(|len| (len + 1, fee)),
            })
            .max_by_key(|(rank, _)| *rank)
            .map(|(_, fee)| fee)
    }

    /// Licence fees in catalog order.
    pub fn license_fees(&self) -> impl Iterator<Item = &LicenseFee> {
        self.fees.iter()
    }

    pub fn quota(&self, id: &str) -> Option<&Quota> {
        self.quotas.get(id)
    }

    /// Quotas in catalog order.
    pub fn quotas(&self) -> impl Iterator<Item = &Quota> {
        self.quotas.iter()
    }

    /// Availability entries (region or zone, instance types offered) in catalog order.
    pub fn availability(&self) -> impl Iterator<Item = &Availability> {
        self.availability.iter()
    }

    /// What the availability data says a region offers: `None` when it has none.
    pub fn region_availability(&self, region: &str) -> Option<RegionAvailability<'_>> {
        let entries: Vec<&Availability> = self.availability.iter().filter(|a| a.region == region).collect();
        if entries.is_empty() {
            return None;
        }
        let zones: Vec<(&str, &[String])> =
            entries.iter().filter_map(|a| Some((a.zone.as_deref()?, a.instance_types.as_slice()))).collect();
        let whole = entries.iter().find(|a| a.zone.is_none());
        // Without a zone, a type is known to be missing from the region only when the data
        // covers the whole region: a region entry, or an entry for every zone of a region
        // whose zones the catalog lists in full (`zonesComplete`).
        let complete = whole.is_some()
            || self.region(region).is_some_and(|r| {
                r.zones_complete
                    && !r.zones.is_empty()
                    && r.zones.iter().all(|z| zones.iter().any(|(zone, _)| zone == z))
            });
        let region_types = complete.then(|| {
            let mut all: Vec<&str> =
                whole.iter().flat_map(|a| a.instance_types.iter().map(String::as_str)).collect();
            all.extend(zones.iter().flat_map(|(_, types)| types.iter().map(String::as_str)));
            all.sort_unstable();
            all.dedup();
            all
        });
        Some(RegionAvailability { region: region_types, zones })
    }

    /// Public images imported from `DescribeImages`, in catalog order.
    pub fn public_images(&self) -> impl Iterator<Item = &ImageEntry> {
        self.public_images.iter()
    }

    /// Parses a public image ID (e.g. `ubuntu_22_04_x64_20G_alibase_20240322.vhd`); `None` when
    /// no pattern recognises it, which is a finding for the caller, never an error.
    pub fn parse_public_image_id(&self, id: &str) -> Option<PublicImage> {
        self.images.get().parse(id)
    }

    /// Number of public image ID patterns.
    pub fn public_image_pattern_count(&self) -> usize {
        self.images.get().pattern_count()
    }
}

/// The instance types a region offers according to the catalog's availability data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionAvailability<'a> {
    /// Every type offered in the region, when the data covers the whole region.
    pub region: Option<Vec<&'a str>>,
    /// The zones with data and the types each offers.
    pub zones: Vec<(&'a str, &'a [String])>,
}

#[cfg(test)]
mod tests;
