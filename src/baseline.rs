//! Baselines: adopt ecslint on an existing repository by recording today's findings and
//! reporting only new ones (DESIGN §7).
//!
//! Entries are keyed by code, file, resource kind and name, and field path, never by
//! line or column, so edits elsewhere in a file do not bring a baselined finding back.
//! Findings about no resource (a parse error) are keyed by their message instead.
//!
//! Two choices make a baseline portable and honest:
//! - file paths are relative to the baseline file's directory (never absolute), so the
//!   same baseline matches from any working directory and on any machine;
//! - a list entry is keyed by its value, not its position (`sharedWith["1234567890123456"]`,
//!   not `sharedWith[3]`), so removing or adding other entries neither hides a new finding
//!   nor revives an old one.
//!
//! The engine's note for findings it never made (past `cap::MAX_MADE` of one rule on one
//! resource) is never recorded nor hidden: no entry can say what stands behind it.

use crate::diag::Finding;
use crate::source::{Node, PathSegment, Value};
use crate::spec::Resource;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};

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

/// What applying a baseline did.
#[derive(Debug, Default)]
pub struct Filtered {
    /// The findings the baseline does not record.
    pub findings: Vec<Finding>,
    /// How many findings it hid.
    pub hidden: usize,
    /// How many of its entries matched no finding (fixed, or renamed since).
    pub unmatched: usize,
}

/// How findings become entries: where the baseline file is, and the run's resources
/// (whose list values key list entries).
pub struct Keys<'a> {
    /// The baseline file's directory, absolute and normalised.
    base: Option<PathBuf>,
    resources: HashMap<(&'a str, &'a str, &'a str), &'a Node>,
}

impl<'a> Keys<'a> {
    /// Keys for a baseline stored at `baseline` in a run over `resources`.
    pub fn new(baseline: &Path, resources: &'a [Resource]) -> Self {
        let parent = baseline.parent().unwrap_or_else(|| Path::new(""));
        let base = std::path::absolute(if parent.as_os_str().is_empty() { Path::new(".") } else { parent })
            .ok()
            .map(|p| normalise(&p));
        let mut by_name = HashMap::with_capacity(resources.len());
        for resource in resources {
            if let Some(name) = resource.name.as_deref() {
                by_name
                    .entry((resource.file.name.as_str(), resource.kind.as_str(), name))
                    .or_insert(&resource.node);
            }
        }
        Self { base, resources: by_name }
    }

    /// The file as the baseline records it: relative to the baseline's directory. A name
    /// that is not a path on this machine (`<stdin>`) or that shares no root with the
    /// baseline (another drive) is kept as ecslint names it, never made absolute.
    fn file(&self, name: &str) -> String {
        let Some(base) = &self.base else { return name.to_string() };
        let Ok(absolute) = std::path::absolute(name) else { return name.to_string() };
        relative(&normalise(&absolute), base).unwrap_or_else(|| name.to_string())
    }

    fn key(&self, finding: &Finding) -> Entry {
        let resource = finding.resource.as_ref();
        let node = resource.and_then(|r| {
            self.resources.get(&(finding.location.file.name.as_str(), r.kind.as_str(), r.name.as_str()))
        });
        Entry {
            code: finding.code.clone(),
            file: self.file(&finding.location.file.name),
            kind: resource.map(|r| r.kind.clone()),
            resource: resource.map(|r| r.name.clone()),
            field: field_key(node.copied(), &finding.path),
            message: resource.is_none().then(|| finding.message.clone()),
            count: 1,
        }
    }
}

/// The field path with each list index replaced by the entry's value where the entry is a
/// scalar: `sharedWith["1234567890123456"]`. Entries that are maps or lists, or a path the
/// resource does not have, keep their index.
fn field_key(resource: Option<&Node>, path: &[PathSegment]) -> String {
    let mut out = String::new();
    let mut node = resource;
    for segment in path {
        match segment {
            PathSegment::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
                node = node.and_then(|n| n.get(key));
            }
            PathSegment::Index(index) => {
                let item = node.and_then(Node::as_seq).and_then(|items| items.get(*index));
                let scalar = match item.map(|n| &n.value) {
                    Some(Value::Str(text)) => Some(text.to_string()),
                    Some(Value::Int(number)) => Some(number.to_string()),
                    Some(Value::Bool(flag)) => Some(flag.to_string()),
                    _ => None,
                };
                match scalar {
                    // JSON string syntax: quotes and backslashes in the value stay unambiguous.
                    Some(text) => {
                        let quoted = serde_json::to_string(&text).unwrap_or_default();
                        let _ = write!(out, "[{quoted}]");
                    }
                    None => {
                        let _ = write!(out, "[{index}]");
                    }
                }
                node = item;
            }
        }
    }
    out
}

/// `path` with `.` and `..` resolved lexically (the baseline must not depend on symlinks
/// that differ between machines).
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push(component);
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` relative to the directory `base`, with `/` separators; `None` when they share no
/// root.
fn relative(path: &Path, base: &Path) -> Option<String> {
    let (path_parts, base_parts): (Vec<Component>, Vec<Component>) =
        (path.components().collect(), base.components().collect());
    if path_parts.first() != base_parts.first() {
        return None;
    }
    let common = path_parts.iter().zip(&base_parts).take_while(|(a, b)| a == b).count();
    let ups = base_parts.len().saturating_sub(common);
    let mut parts: Vec<String> = vec!["..".to_string(); ups];
    parts.extend(path_parts.iter().skip(common).map(|c| c.as_os_str().to_string_lossy().into_owned()));
    Some(parts.join("/"))
}

/// Findings a baseline neither records nor hides: the engine's note for findings it never
/// made (see [`Baseline::filter`]), and an S001, whose file cannot be checked at all (no
/// suppression or ignore hides one either): a baselined file that stopped parsing was
/// never checked again, whatever was added to it.
fn never_baselined(finding: &Finding) -> bool {
    finding.stands_for_unmade() || finding.code == crate::spec::codes::PARSE_ERROR.code
}

/// Which entries a run looked for: those of the files it checked, and, in a run over named
/// files, those of the resources it reported on in other files (a context file holds
/// resources the run reported on beside others it did not look at). An entry it did not
/// look for neither counts as matching nothing nor is dropped when the baseline is
/// rewritten.
pub struct Looked {
    files: HashSet<String>,
    resources: HashSet<(String, String)>,
}

impl Looked {
    /// `files` as ecslint names them; `resources` by kind and name.
    pub fn new<'a>(
        keys: &Keys<'_>,
        files: impl IntoIterator<Item = &'a str>,
        resources: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Self {
        Self {
            files: files.into_iter().map(|name| keys.file(name)).collect(),
            resources: resources
                .into_iter()
                .map(|(kind, name)| (kind.to_string(), name.to_string()))
                .collect(),
        }
    }

    fn covers(&self, entry: &Entry) -> bool {
        self.files.contains(&entry.file)
            || match (&entry.kind, &entry.resource) {
                (Some(kind), Some(name)) => self.resources.contains(&(kind.clone(), name.clone())),
                _ => false,
            }
    }
}

impl Baseline {
    /// Records the given findings, but not the engine's note for findings it never made
    /// (past `cap::MAX_MADE` on one resource): no entry can stand for those (see
    /// [`Self::filter`]), nor an S001.
    pub fn from_findings<'a>(findings: impl IntoIterator<Item = &'a Finding>, keys: &Keys<'_>) -> Self {
        let mut counts: BTreeMap<Entry, u32> = BTreeMap::new();
        for finding in findings.into_iter().filter(|f| !never_baselined(f)) {
            let count = counts.entry(keys.key(finding)).or_insert(0);
            *count = count.saturating_add(1);
        }
        let findings = counts.into_iter().map(|(entry, count)| Entry { count, ..entry }).collect();
        Self { version: 1, findings }
    }

    /// Adds the entries of `old` about files this run did not report on (`checked` are
    /// the ones it did), so that rewriting a baseline after a run over a few named files
    /// keeps what the baseline says of the rest of the repository.
    /// Returns how many findings the kept entries stand for.
    pub fn keep_unchecked(&mut self, old: &Self, looked: &Looked) -> u64 {
        let mut counts: BTreeMap<Entry, u32> = BTreeMap::new();
        let kept: Vec<&Entry> = old.findings.iter().filter(|entry| !looked.covers(entry)).collect();
        let kept_findings = kept.iter().map(|entry| u64::from(entry.count)).sum();
        for entry in self.findings.iter().chain(kept) {
            let count = counts.entry(Entry { count: 1, ..entry.clone() }).or_insert(0);
            *count = count.saturating_add(entry.count);
        }
        self.findings = counts.into_iter().map(|(entry, count)| Entry { count, ..entry }).collect();
        kept_findings
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

    /// Removes the findings the baseline records (each entry absorbs up to `count` findings),
    /// counting what it hid and which entries matched nothing. The engine's note for the
    /// findings it never made is never removed: the baseline cannot know what stands
    /// behind it (its key is the first entry left out, whatever their number, so new
    /// findings hid behind it), and a resource past that bound fails every run until it
    /// has fewer, or a file-wide suppression or the config's ignores cover the code.
    ///
    /// `looked`, in a run over some named files, says which entries it looked for: another
    /// is not counted as matching nothing.
    pub fn filter(&self, findings: Vec<Finding>, keys: &Keys<'_>, looked: Option<&Looked>) -> Filtered {
        // Per key: how many findings it may still absorb, and whether any matched.
        let mut remaining: BTreeMap<Entry, (u32, bool)> = BTreeMap::new();
        for entry in &self.findings {
            let slot = remaining.entry(Entry { count: 1, ..entry.clone() }).or_insert((0, false));
            slot.0 = slot.0.saturating_add(entry.count);
        }
        let mut hidden = 0usize;
        let findings = findings
            .into_iter()
            .filter(|finding| {
                never_baselined(finding)
                    || match remaining.get_mut(&keys.key(finding)) {
                        Some((left, matched)) if *left > 0 => {
                            *left -= 1;
                            *matched = true;
                            hidden = hidden.saturating_add(1);
                            false
                        }
                        _ => true,
                    }
            })
            .collect();
        // Entries are counted as written: two entries with one key are two entries.
        let unmatched = self
            .findings
            .iter()
            .filter(|entry| looked.is_none_or(|looked| looked.covers(entry)))
            .filter(|entry| {
                remaining.get(&Entry { count: 1, ..(*entry).clone() }).is_some_and(|(_, matched)| !matched)
            })
            .count();
        Filtered { findings, hidden, unmatched }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_and_descend() {
        let rel = |p: &str, b: &str| relative(Path::new(p), Path::new(b));
        assert_eq!(rel("/repo/specs/a.yaml", "/repo").as_deref(), Some("specs/a.yaml"));
        assert_eq!(rel("/repo/specs/a.yaml", "/repo/ci").as_deref(), Some("../specs/a.yaml"));
        assert_eq!(normalise(Path::new("/repo/./ci/../specs")), PathBuf::from("/repo/specs"));
    }

    #[test]
    fn a_huge_count_saturates() {
        let entry = Entry {
            code: "S002".into(),
            file: "a.yaml".into(),
            kind: None,
            resource: None,
            field: String::new(),
            message: Some("m".into()),
            count: u32::MAX,
        };
        let baseline = Baseline { version: 1, findings: vec![entry.clone(), entry] };
        let keys = Keys { base: None, resources: HashMap::new() };
        let filtered = baseline.filter(Vec::new(), &keys, None);
        assert_eq!((filtered.hidden, filtered.unmatched), (0, 2));
    }

    #[test]
    fn the_engine_note_is_never_recorded_nor_hidden() {
        use crate::diag::{Location, ResourceRef, Severity};
        use crate::source::{SourceFile, Span};
        use std::sync::Arc;
        let file = Arc::new(SourceFile::new("a.yaml", "x".repeat(100)));
        let finding = |at: usize| {
            Finding::new(
                "Q004",
                "rule",
                Severity::Warning,
                "m",
                Location::new(Arc::clone(&file), Span::new(at, at + 1)),
            )
            .with_resource(Some(ResourceRef { kind: "Image".into(), name: "img".into() }))
            .with_path(vec![PathSegment::Key("sharedWith".into()), PathSegment::Index(at)])
        };
        let note = |count: usize| {
            crate::cap::LeftOut {
                code: "Q004",
                name: "rule",
                severity: Severity::Warning,
                location: Location::new(Arc::clone(&file), Span::new(3, 4)),
                resource: Some(ResourceRef { kind: "Image".into(), name: "img".into() }),
                path: vec![PathSegment::Key("sharedWith".into()), PathSegment::Index(3)],
                count,
                bound: crate::cap::Bound::Made,
            }
            .finding()
        };
        let keys = Keys { base: None, resources: HashMap::new() };
        let run = [finding(0), finding(1), finding(2), note(50)];
        let written = Baseline::from_findings(&run, &keys);
        assert_eq!(written.findings.len(), 3, "the note has no entry");
        // A baseline that has an entry under the note's key (as earlier versions wrote):
        // the note stays, whatever it stands for now (550 more bad entries were hidden).
        let mut old = written.clone();
        old.findings.push(keys.key(&note(50)));
        let filtered = old.filter(vec![finding(0), finding(1), finding(2), note(550)], &keys, None);
        assert_eq!(filtered.findings.len(), 1);
        assert!(filtered.findings[0].stands_for_unmade());
        assert_eq!((filtered.hidden, filtered.unmatched), (3, 1));
    }
}
