//! The catalog's data types: regions, instance types, OS lifecycle entries, licence fees,
//! quotas and parsed public image IDs.
//!
//! These are what the rest of ecslint (and rules, as CEL values) see. They serialize with the
//! same camelCase field names as the catalog files, so a rule author reads one vocabulary.
//! Enumerations use the ECS API's spellings (`x86_64`, `arm64`, `BIOS`, `UEFI`).

use crate::date::Date;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

/// Catalog text: borrowed from the binary in a built-in entry (`build.rs` writes the built-in
/// catalog as static data), owned in a user file's.
pub type Text = Cow<'static, str>;

/// A catalog list: a static slice in a built-in entry, owned in a user file's.
pub type List<T> = Cow<'static, [T]>;

/// Whether a list is empty (then it is left out of a written file).
pub(crate) fn is_empty_list<T: Clone>(list: &List<T>) -> bool {
    list.is_empty()
}

/// A CPU architecture, with the values of the `DescribeImages` API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Architecture {
    #[serde(rename = "x86_64")]
    X86_64,
    /// 32-bit x86.
    #[serde(rename = "i386")]
    I386,
    #[serde(rename = "arm64")]
    Arm64,
}

impl Architecture {
    /// The API spelling: `x86_64`, `i386` or `arm64`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::X86_64 => "x86_64",
            Self::I386 => "i386",
            Self::Arm64 => "arm64",
        }
    }

    /// Whether code for this architecture runs on an instance of `host` architecture
    /// (32-bit x86 images run on `x86_64` instances).
    pub const fn runs_on(self, host: Self) -> bool {
        matches!(
            (self, host),
            (Self::X86_64 | Self::I386, Self::X86_64) | (Self::I386, Self::I386) | (Self::Arm64, Self::Arm64)
        )
    }
}

impl fmt::Display for Architecture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The boot mode of an image, with the values of the ECS API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BootMode {
    #[serde(rename = "BIOS")]
    Bios,
    #[serde(rename = "UEFI")]
    Uefi,
    /// The image boots either way and prefers UEFI when the instance type offers it.
    #[serde(rename = "UEFI-Preferred")]
    UefiPreferred,
}

impl BootMode {
    /// The API spelling: `BIOS`, `UEFI` or `UEFI-Preferred`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Bios => "BIOS",
            Self::Uefi => "UEFI",
            Self::UefiPreferred => "UEFI-Preferred",
        }
    }
}

impl fmt::Display for BootMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The boot modes an instance type supports. Serializes as `"BIOS"`, `"UEFI"`, `"Both"` or
/// `"Unknown"` (no source states them; boot-mode checks skip such types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum BootSupport {
    #[serde(rename = "BIOS")]
    Bios,
    #[serde(rename = "UEFI")]
    Uefi,
    Both,
    Unknown,
}

impl BootSupport {
    /// The support described by a list of modes (an empty list is unknown).
    pub fn from_modes(modes: &[BootMode]) -> Self {
        let bios = modes.contains(&BootMode::Bios);
        let uefi = modes.contains(&BootMode::Uefi);
        match (bios, uefi) {
            (true, true) => Self::Both,
            (true, false) => Self::Bios,
            (false, true) => Self::Uefi,
            (false, false) => Self::Unknown,
        }
    }

    /// Whether an image with boot mode `image` can boot on this instance type; `None` when
    /// the type's boot modes are unknown.
    pub const fn accepts(self, image: BootMode) -> Option<bool> {
        match self {
            Self::Unknown => None,
            Self::Both => Some(true),
            Self::Bios => Some(!matches!(image, BootMode::Uefi)),
            Self::Uefi => Some(!matches!(image, BootMode::Bios)),
        }
    }
}

/// A region and the zones in which ECS can be bought.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Region {
    pub id: Text,
    /// The English display name; `None` where no source gives one (or sources disagree).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
    /// In the Chinese mainland (China (Hong Kong) is not).
    pub mainland: bool,
    /// Zones a source confirms. Every zone of the region when `zones_complete`, else some
    /// (possibly none).
    #[serde(default)]
    pub zones: List<Text>,
    /// Whether `zones` lists every zone of the region. When it does not, a zone missing from
    /// the list is unknown, never a finding (S006 fires only for a zone of another region).
    #[serde(default = "yes")]
    pub zones_complete: bool,
    pub source: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
}

const fn yes() -> bool {
    true
}

impl Region {
    pub fn has_zone(&self, zone: &str) -> bool {
        self.zones.iter().any(|z| z == zone)
    }

    /// Whether the catalog knows that `zone` is not a zone of this region: the region's zone
    /// list is complete and lacks it. `false` for a listed zone and for any unlisted zone of
    /// a region whose zones are not all known.
    pub fn lacks_zone(&self, zone: &str) -> bool {
        self.zones_complete && !self.has_zone(zone)
    }

    /// The display name, or the region ID where no source gives a name.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
}

/// One instance type with the facts of its family.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceType {
    pub id: Text,
    /// The instance family, e.g. `g7` for `ecs.g7.large`.
    pub family: Text,
    pub vcpus: u32,
    #[serde(rename = "memoryGiB")]
    pub memory_gib: f64,
    pub architecture: Architecture,
    pub boot_modes: BootSupport,
    pub source: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub boot_mode_source: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
}

/// End of standard support of one OS version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OsLifecycle {
    pub family: Text,
    pub version: Text,
    pub name: Text,
    #[serde(with = "date_serde")]
    pub end_of_support: Date,
    pub source: Text,
    /// The end of support another vendor source gives, where vendor sources disagree
    /// (DESIGN §4a: L001 uses the later date, L002 the earlier).
    #[serde(default, with = "opt_date_serde", skip_serializing_if = "Option::is_none")]
    pub other_end_of_support: Option<Date>,
    /// The page that gives [`OsLifecycle::other_end_of_support`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_source: Option<Text>,
    /// Paid extended support the vendor sells after the end of standard support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended_support: Option<ExtendedSupport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
}

impl OsLifecycle {
    /// Days from `as_of` to the end of support (negative once support has ended); the
    /// earlier date where sources disagree.
    pub fn days_left(&self, as_of: Date) -> i64 {
        as_of.days_until(self.earliest_end())
    }

    /// The earlier end of support where vendor sources disagree (L002 warns from it).
    pub fn earliest_end(&self) -> Date {
        self.other_end_of_support.map_or(self.end_of_support, |other| other.min(self.end_of_support))
    }

    /// The later end of support where vendor sources disagree (L001 errs only after it).
    pub fn latest_end(&self) -> Date {
        self.other_end_of_support.map_or(self.end_of_support, |other| other.max(self.end_of_support))
    }
}

/// Paid extended support sold after the end of standard support (Ubuntu Pro, Debian LTS,
/// SUSE LTSS, RHEL ELS, Windows Server ESU): it does not move the end of support, but a
/// finding says until when it can be bought.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExtendedSupport {
    /// The programme's name, e.g. "Ubuntu Pro (ESM)".
    pub name: Text,
    /// Last day it covers.
    #[serde(with = "date_serde")]
    pub until: Date,
    pub source: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
}

/// Which instance types a region or zone offers, from the API's answers
/// (`DescribeAvailableResource`, `DescribeZones`) or written by the user. No built-in file has
/// any: no public page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Availability {
    pub region: String,
    /// `None` for the whole region (then the list is complete for the region).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    pub instance_types: Vec<String>,
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A public image as `DescribeImages` describes it (imported; none is built in).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImageEntry {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<Architecture>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boot_mode: Option<BootMode>,
    #[serde(default, rename = "sizeGiB", skip_serializing_if = "Option::is_none")]
    pub size_gib: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// An OS licence fee of a paid public image (and of everything derived from it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LicenseFee {
    pub family: Text,
    /// Versions the fee applies to; `None` for every version of the family.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versions: Option<List<Text>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<Text>,
    /// Charged only outside the Chinese mainland (China (Hong Kong) included).
    #[serde(default)]
    pub outside_mainland_only: bool,
    /// Empty when the fee has no published figure.
    pub tiers: List<FeeTier>,
    pub source: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
}

impl LicenseFee {
    /// The price tier for an instance with `vcpus` vCPUs, if a figure is published.
    pub fn tier(&self, vcpus: u32) -> Option<&FeeTier> {
        self.tiers.iter().find(|t| t.contains(vcpus))
    }

    /// Whether the fee is charged in a region (`mainland` as in [`Region::mainland`]).
    pub const fn applies_in(&self, mainland: bool) -> bool {
        !(self.outside_mainland_only && mainland)
    }
}

/// A price tier by vCPU count; bounds are inclusive, no `max_vcpus` means "or more".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FeeTier {
    pub min_vcpus: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_vcpus: Option<u32>,
    pub hourly: f64,
    pub monthly: f64,
    pub yearly: f64,
}

impl FeeTier {
    pub fn contains(&self, vcpus: u32) -> bool {
        vcpus >= self.min_vcpus && self.max_vcpus.is_none_or(|max| vcpus <= max)
    }
}

/// An account quota; `default` is `None` when the value is account-specific.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Quota {
    pub id: Text,
    pub name: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<u64>,
    pub source: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
}

/// What a public image ID says about its image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicImage {
    pub family: String,
    pub version: String,
    pub architecture: Architecture,
    /// `None` when the ID does not tell (no source states it).
    pub boot_mode: Option<BootMode>,
    /// The system disk size in GiB the ID carries (`_20G_`), where the pattern reads it.
    #[serde(rename = "sizeGiB", skip_serializing_if = "Option::is_none")]
    pub size_gib: Option<u32>,
    /// Name of the catalog pattern that parsed the ID.
    pub pattern: String,
}

/// (De)serializes a [`Date`] as `YYYY-MM-DD`.
pub(crate) mod date_serde {
    use crate::date::Date;
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    #[allow(clippy::trivially_copy_pass_by_ref)] // serde's `with` hands us `&Date`
    pub fn serialize<S: Serializer>(date: &Date, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(date)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let text = String::deserialize(deserializer)?;
        Date::parse(&text).ok_or_else(|| D::Error::custom(format!("`{text}` is not a date (YYYY-MM-DD)")))
    }
}

/// (De)serializes an optional [`Date`] as `YYYY-MM-DD`.
pub(crate) mod opt_date_serde {
    use crate::date::Date;
    use serde::{Deserializer, Serializer};

    #[allow(clippy::ref_option)] // serde's `with` hands us `&Option<Date>`
    pub fn serialize<S: Serializer>(date: &Option<Date>, serializer: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(date) => serializer.collect_str(date),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Date>, D::Error> {
        super::date_serde::deserialize(deserializer).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boot_support_accepts_matching_images_only() {
        let uefi_only = BootSupport::from_modes(&[BootMode::Uefi]);
        assert_eq!(uefi_only, BootSupport::Uefi);
        assert_eq!(uefi_only.accepts(BootMode::Bios), Some(false));
        assert_eq!(uefi_only.accepts(BootMode::UefiPreferred), Some(true));
        assert_eq!(BootSupport::Bios.accepts(BootMode::Uefi), Some(false));
        assert_eq!(BootSupport::Bios.accepts(BootMode::UefiPreferred), Some(true));
        assert_eq!(BootSupport::from_modes(&[BootMode::Bios, BootMode::Uefi]), BootSupport::Both);
        assert_eq!(BootSupport::from_modes(&[]).accepts(BootMode::Uefi), None);
    }

    #[test]
    fn architectures_run_where_the_cpu_can() {
        assert!(Architecture::I386.runs_on(Architecture::X86_64));
        assert!(!Architecture::Arm64.runs_on(Architecture::X86_64));
        assert!(!Architecture::X86_64.runs_on(Architecture::Arm64));
        assert_eq!(serde_json::to_value(Architecture::X86_64).ok(), Some("x86_64".into()));
        assert_eq!(serde_json::to_value(BootMode::UefiPreferred).ok(), Some("UEFI-Preferred".into()));
    }

    #[test]
    fn fee_tiers_are_inclusive_and_open_ended() {
        let tier = FeeTier { min_vcpus: 5, max_vcpus: None, hourly: 0.14, monthly: 95.0, yearly: 1099.0 };
        assert!(tier.contains(5) && tier.contains(500) && !tier.contains(4));
        let small = FeeTier { min_vcpus: 1, max_vcpus: Some(4), ..tier };
        assert!(small.contains(1) && small.contains(4) && !small.contains(5) && !small.contains(0));
    }
}
