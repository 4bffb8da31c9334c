//! Stable identities for findings, shared by the formats that track findings across runs
//! (SARIF's `partialFingerprints`, GitLab's `fingerprint`), and the repository path a
//! finding is reported under ([`ReportRoot`]).
//!
//! A fingerprint must survive edits elsewhere in the file, so it never includes a line,
//! a column or an offset. Recipe `ecslint/v1`: the 128-bit FNV-1a hash, written as 32 lower-case
//! hex digits, of these fields in order, each prefixed with its length so that no two field
//! lists encode alike:
//!
//! 1. the rule code (`A001`),
//! 2. the file's path from the [`ReportRoot`] (so a fingerprint does not depend on the
//!    directory the check ran in),
//! 3. the resource kind and name (or a marker when the finding has no resource),
//! 4. the field path, segment by segment (`k` + key or `i` + index),
//! 5. the message.
//!
//! Severity is left out on purpose: overriding a rule's severity does not make its findings
//! new ones. When two findings of one report would share a fingerprint (say two parse errors with
//! the same message in one file), the second and later ones hash their ordinal among the
//! duplicates as well, so every fingerprint in a report is unique and, as findings are sorted by
//! file and offset, still stable when unrelated lines move. The hash is implemented here because
//! `std`'s `DefaultHasher` may change between Rust releases, and a fingerprint must not.

use super::Finding;
use crate::source::PathSegment;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

/// The key under which SARIF's `partialFingerprints` carries the fingerprint; bump the
/// version when the recipe changes.
pub const FINGERPRINT_KEY: &str = "ecslint/v1";

/// The path a file is reported under: its name without leading `./`, as code hosts match
/// reported paths against repository paths literally.
pub fn report_path(name: &str) -> &str {
    let mut path = name;
    while let Some(rest) = path.strip_prefix("./") {
        path = rest.trim_start_matches('/');
    }
    path
}

/// Where the paths of the formats a code host reads start (SARIF, GitHub annotations,
/// GitLab Code Quality): hosts match them against repository paths, whatever directory the
/// check ran in.
#[derive(Clone, Copy, Debug)]
pub struct ReportRoot<'a> {
    /// The root reported paths are relative to: the repository's.
    pub root: &'a Path,
    /// The directory relative file names start from (the working directory).
    pub base: &'a Path,
}

impl ReportRoot<'_> {
    /// `name` (relative to `base`, or absolute) as a path relative to `root`, worked out on
    /// the names alone (no file-system access, so links are not followed): `..` steps up
    /// out of the root when the file lies outside it. Standard input keeps its name.
    pub fn path(&self, name: &str) -> String {
        if name == "<stdin>" {
            return name.to_string();
        }
        let file = normalize(&self.base.join(report_path(name)));
        let base = normalize(self.root);
        let common = file.iter().zip(&base).take_while(|(a, b)| a == b).count();
        let mut parts: Vec<String> = vec!["..".to_string(); base.len() - common];
        parts.extend(file.iter().skip(common).map(|part| part.to_string_lossy().into_owned()));
        parts.join("/")
    }
}

/// The parts of a path with `.` dropped and `..` applied.
fn normalize(path: &Path) -> Vec<std::ffi::OsString> {
    let mut parts: Vec<std::ffi::OsString> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                // `..` never climbs above the root directory.
                if parts.len() > 1 {
                    parts.pop();
                }
            }
            Component::RootDir | Component::Prefix(_) => {
                parts.clear();
                parts.push(PathBuf::from(component.as_os_str()).into_os_string());
            }
            Component::Normal(part) => parts.push(part.to_os_string()),
        }
    }
    parts
}

/// The fingerprint of every finding, in order, unique within the slice.
pub fn fingerprints(findings: &[Finding], root: ReportRoot<'_>) -> Vec<String> {
    let mut seen: HashMap<u128, u64> = HashMap::new();
    findings
        .iter()
        .map(|finding| {
            let mut hasher = base_hasher(finding, root);
            let base = hasher.finish();
            let ordinal = seen.entry(base).or_insert(0);
            let hash = if *ordinal == 0 {
                base
            } else {
                hasher.field(b"duplicate");
                hasher.field(ordinal.to_string().as_bytes());
                hasher.finish()
            };
            *ordinal += 1;
            format!("{hash:032x}")
        })
        .collect()
}

fn base_hasher(finding: &Finding, root: ReportRoot<'_>) -> Fnv1a128 {
    let mut hasher = Fnv1a128::new();
    hasher.field(finding.code.as_bytes());
    hasher.field(root.path(&finding.location.file.name).as_bytes());
    match &finding.resource {
        Some(resource) => {
            hasher.field(b"resource");
            hasher.field(resource.kind.as_bytes());
            hasher.field(resource.name.as_bytes());
        }
        None => hasher.field(b"no-resource"),
    }
    hasher.field(finding.path.len().to_string().as_bytes());
    for segment in &finding.path {
        match segment {
            PathSegment::Key(key) => {
                hasher.field(b"k");
                hasher.field(key.as_bytes());
            }
            PathSegment::Index(index) => {
                hasher.field(b"i");
                hasher.field(index.to_string().as_bytes());
            }
        }
    }
    hasher.field(finding.message.as_bytes());
    hasher
}

/// FNV-1a with the 128-bit parameters of the FNV specification (IETF draft-eastlake-fnv).
#[derive(Clone, Copy)]
struct Fnv1a128(u128);

impl Fnv1a128 {
    const OFFSET_BASIS: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;

    const fn new() -> Self {
        Self(Self::OFFSET_BASIS)
    }

    fn bytes(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u128::from(byte);
            self.0 = self.0.wrapping_mul(Self::PRIME);
        }
    }

    /// Feeds a length-prefixed field, so `("ab", "c")` and `("a", "bc")` hash apart.
    fn field(&mut self, bytes: &[u8]) {
        self.bytes(&(bytes.len() as u64).to_le_bytes());
        self.bytes(bytes);
    }

    const fn finish(self) -> u128 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_128_matches_the_reference_vectors() {
        let hash = |s: &str| {
            let mut h = Fnv1a128::new();
            h.bytes(s.as_bytes());
            h.finish()
        };
        assert_eq!(hash(""), 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d);
        assert_eq!(hash("a"), 0xd228_cb69_6f1a_8caf_7891_2b70_4e4a_8964);
    }

    #[test]
    fn paths_are_relative_to_the_root_never_absolute() {
        let root = ReportRoot { root: Path::new("/srv/project"), base: Path::new("/srv/project") };
        assert_eq!(root.path("specs/a.yaml"), "specs/a.yaml");
        assert_eq!(root.path("./specs/./b/../a.yaml"), "specs/a.yaml");
        assert_eq!(root.path("/srv/project/specs/a.yaml"), "specs/a.yaml");
        assert_eq!(root.path("/srv/other/a.yaml"), "../other/a.yaml");
        assert_eq!(root.path("/a.yaml"), "../../a.yaml");
        assert_eq!(root.path("/../../a.yaml"), "../../a.yaml");
        assert_eq!(root.path("<stdin>"), "<stdin>");
        let below = ReportRoot { root: Path::new("/srv/project"), base: Path::new("/srv/project/infra") };
        assert_eq!(below.path("specs/a.yaml"), "infra/specs/a.yaml");
        assert_eq!(below.path("../a.yaml"), "a.yaml");
        assert_eq!(below.path("<stdin>"), "<stdin>");
    }

    #[test]
    fn report_paths_lose_leading_dot_slashes() {
        assert_eq!(report_path("./specs/a.yaml"), "specs/a.yaml");
        assert_eq!(report_path("././a.yaml"), "a.yaml");
        assert_eq!(report_path("specs/./a.yaml"), "specs/./a.yaml");
        assert_eq!(report_path("../a.yaml"), "../a.yaml");
    }
}
