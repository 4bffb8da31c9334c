//! The shape of one catalog file, as `schemas/catalog.schema.json` describes it.
//!
//! Files are deserialized from JSON values (YAML is loaded into the same values first), with
//! unknown fields refused, then merged into a [`Catalog`](super::Catalog). Regions, lifecycle
//! entries, fees and quotas keep their file shape; instance types are grouped by family in
//! files and flattened on merge; public image patterns are compiled on merge.

use super::model::{
    Architecture, Availability, BootMode, ImageEntry, LicenseFee, List, OsLifecycle, Quota, Region, Text,
    opt_date_serde,
};
use crate::date::Date;
use serde::{Deserialize, Serialize};

/// One catalog file. Every section is optional; see the schema for the meaning of each field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CatalogFile {
    /// Date of the facts in the file; the newest date of all merged files is the catalog date.
    #[serde(default, with = "opt_date_serde", skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<Region>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instance_families: Vec<InstanceFamily>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub os_lifecycle: Vec<OsLifecycle>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub license_fees: Vec<LicenseFee>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quotas: Vec<Quota>,
    #[serde(default, skip_serializing_if = "PublicImageIds::is_empty")]
    pub public_image_ids: PublicImageIds,
    /// Instance types offered per region or zone (imported; none is built in).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub availability: Vec<Availability>,
    /// Public images as `DescribeImages` lists them (imported; none is built in).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<ImageEntry>,
    /// Instance families the platform has retired, with the date and the replacement.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retired_families: Vec<RetiredFamily>,
}

impl CatalogFile {
    /// Deserializes one file's JSON value; `null` (an empty YAML document) is an empty file.
    pub fn from_json(value: serde_json::Value) -> Result<Self, serde_json::Error> {
        if value.is_null() {
            return Ok(Self::default());
        }
        serde_json::from_value(value)
    }
}

/// An instance family and its types; family-level facts apply to every type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InstanceFamily {
    pub family: Text,
    pub architecture: Architecture,
    /// `None` when no source states the boot modes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boot_modes: Option<Vec<BootMode>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boot_mode_source: Option<Text>,
    pub source: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
    pub types: Vec<InstanceTypeEntry>,
}

/// An instance family that is retired: no longer sold, with the date and the family a source
/// recommends instead where it gives them. Its types need not be listed in `instanceFamilies`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RetiredFamily {
    /// The family as it appears in a type ID (`n1` for `ecs.n1.small`).
    pub family: Text,
    /// The date the source gives for the retirement (end of sale); `None` when it gives none.
    #[serde(default, with = "super::model::opt_date_serde", skip_serializing_if = "Option::is_none")]
    pub retired: Option<Date>,
    /// The family the source recommends instead; `None` when it names none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replacement: Option<Text>,
    pub source: Text,
    /// Current families an instance of this family can be changed to in place, as the
    /// instance-type-change topic lists them (`changeSource`); empty when none is listed.
    #[serde(default, skip_serializing_if = "super::model::is_empty_list")]
    pub changeable_to: List<Text>,
    /// Where `changeableTo` is stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_source: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
}

/// One instance type as a family lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InstanceTypeEntry {
    pub id: Text,
    pub vcpus: u32,
    #[serde(rename = "memoryGiB")]
    pub memory_gib: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
}

/// The data-driven public image ID parser: token maps and patterns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PublicImageIds {
    #[serde(default)]
    pub os_tokens: Vec<OsToken>,
    #[serde(default)]
    pub architecture_tokens: Vec<ArchitectureToken>,
    #[serde(default)]
    pub patterns: Vec<PatternEntry>,
    /// Real public image IDs: what a partial name (a ROS `ImageId` prefix, a Terraform
    /// `name_regex`) can select is read against them.
    #[serde(default)]
    pub known_ids: Vec<String>,
}

impl PublicImageIds {
    /// Whether the section has nothing (then it is left out of a written file).
    pub fn is_empty(&self) -> bool {
        self.os_tokens.is_empty() && self.architecture_tokens.is_empty() && self.patterns.is_empty()
    }
}

/// Maps the text of a pattern's `os` group to an OS family.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OsToken {
    pub token: String,
    pub family: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Maps the text of a pattern's `arch` group to an architecture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ArchitectureToken {
    pub token: String,
    pub architecture: Architecture,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One public image ID pattern before compilation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PatternEntry {
    pub name: String,
    pub regex: String,
    pub version: Vec<VersionTemplate>,
    #[serde(default)]
    pub version_map: Vec<VersionRename>,
    #[serde(default)]
    pub strip_leading_zeros: bool,
    #[serde(default)]
    pub boot_modes: Vec<BootModeGroup>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_boot_mode: Option<BootMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boot_mode_source: Option<String>,
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A way to build the version from the regex groups: `{group}` placeholders in literal text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VersionTemplate {
    pub template: String,
    /// Groups that must have matched, besides the ones the template references.
    #[serde(default)]
    pub when: Vec<String>,
}

/// Renames a built version, e.g. `2012r2` to `2012 R2`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VersionRename {
    pub from: String,
    pub to: String,
}

/// The boot mode implied when a group matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BootModeGroup {
    pub group: String,
    pub mode: BootMode,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn files_refuse_unknown_fields_and_accept_empty_documents() {
        assert_eq!(CatalogFile::from_json(serde_json::Value::Null).ok(), Some(CatalogFile::default()));
        assert!(CatalogFile::from_json(json!({"regionz": []})).is_err());
        assert!(CatalogFile::from_json(json!({"date": "2026-02-30"})).is_err());
        let file = CatalogFile::from_json(json!({"date": "2026-11-20"})).ok();
        assert_eq!(file.and_then(|f| f.date), Date::parse("2026-11-20"));
    }
}
