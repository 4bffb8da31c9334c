//! Baselines: adopt ecslint on an existing repository by recording today's findings and
//! reporting only new ones.
//!
//! Entries are keyed by code, file, resource kind and name, and field path, never by
//! line or column, so edits elsewhere in a file do not bring a baselined finding back.
//! Findings about no resource (a parse error) are keyed by their message instead.

use crate::diag::Finding;
use crate::spec::display_path;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The baseline file, version 1.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

/// One recorded finding (with a count when the same key occurs several times).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Entry {
    pub code: String,
    pub file: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub field: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub count: u32,
}

const fn one() -> u32 {
    1
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
const fn is_one(count: &u32) -> bool {
    *count == 1
}

fn key(finding: &Finding) -> Entry {
    let resource = finding.resource.as_ref();
    Entry {
        code: finding.code.clone(),
        file: finding.location.file.name.clone(),
        kind: resource.map(|r| r.kind.clone()),
        resource: resource.map(|r| r.name.clone()),
        field: display_path(&finding.path),
        message: resource.is_none().then(|| finding.message.clone()),
        count: 1,
    }
}

impl Baseline {
    /// Records the given findings.
    pub fn from_findings<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Self {
        let mut counts: BTreeMap<Entry, u32> = BTreeMap::new();
        for finding in findings {
            *counts.entry(key(finding)).or_insert(0) += 1;
        }
        let findings = counts.into_iter().map(|(entry, count)| Entry { count, ..entry }).collect();
        Self { version: 1, findings }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let baseline: Self = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if baseline.version != 1 {
            return Err(format!("unsupported baseline version {}", baseline.version));
        }
        Ok(baseline)
    }

    /// Pretty JSON, one entry per finding key, sorted: stable and diff-friendly.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Removes the findings the baseline records (each entry absorbs up to `count` findings).
    pub fn filter(&self, findings: Vec<Finding>) -> Vec<Finding> {
        let mut remaining: BTreeMap<Entry, u32> = BTreeMap::new();
        for entry in &self.findings {
            *remaining.entry(Entry { count: 1, ..entry.clone() }).or_insert(0) += entry.count;
        }
        findings
            .into_iter()
            .filter(|finding| match remaining.get_mut(&key(finding)) {
                Some(left) if *left > 0 => {
                    *left -= 1;
                    false
                }
                _ => true,
            })
            .collect()
    }
}
