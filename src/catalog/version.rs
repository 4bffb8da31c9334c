//! Matching a spec's OS version against the versions in the catalog.
//!
//! Vendors write versions with varying precision: a spec may say `7.9.2009` where the
//! lifecycle catalog has `7`. A spec version V matches a catalog version C when, after
//! [`normalize`], V equals C or V starts with C followed by `.`. So `7.9` is version `7`,
//! `2.1903` is `2` and `22.04.3` is `22.04`, while `15 SP5` is not `15` (for SLES that means
//! 15 GA) and `2012` is not `2012 R2`, nor the other way round. When several entries match,
//! callers pick the longest C ([`match_len`] helps).

/// Trims, lower-cases and folds runs of whitespace into one space.
pub fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Whether the spec version `version` is the catalog version `catalog` or a finer one.
pub fn version_matches(version: &str, catalog: &str) -> bool {
    match_len(version, catalog).is_some()
}

/// The length of the normalized catalog version when it matches, for longest-match selection.
pub fn match_len(version: &str, catalog: &str) -> Option<usize> {
    let version = normalize(version);
    let catalog = normalize(catalog);
    if catalog.is_empty() {
        return None;
    }
    let matched =
        version == catalog || version.strip_prefix(&catalog).is_some_and(|rest| rest.starts_with('.'));
    matched.then_some(catalog.len())
}

/// Whether two OS family names are the same (trimmed, case-insensitive).
pub fn same_family(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finer_versions_match_their_major() {
        assert!(version_matches("7.9", "7"));
        assert!(version_matches("7.9.2009", "7"));
        assert!(version_matches("2.1903", "2"));
        assert!(version_matches("22.04.3", "22.04"));
        assert!(version_matches(" 22.04 ", "22.04"));
        assert!(!version_matches("22.10", "22.04"));
        assert!(!version_matches("70", "7"));
        assert!(!version_matches("7", "7.9"));
    }

    #[test]
    fn service_packs_and_releases_are_exact() {
        assert!(version_matches("15 SP5", "15 sp5"));
        assert!(version_matches("15   sp5", "15 SP5"));
        assert!(!version_matches("15 SP5", "15"));
        assert!(!version_matches("15", "15 SP5"));
        assert!(!version_matches("2012", "2012 R2"));
        assert!(!version_matches("2012 R2", "2012"));
        assert!(version_matches("2012 r2", "2012 R2"));
        assert!(!version_matches("", ""));
    }

    #[test]
    fn longer_catalog_versions_win() {
        assert_eq!(match_len("14.2", "14"), Some(2));
        assert_eq!(match_len("14.2", "14.2"), Some(4));
        assert!(same_family(" Ubuntu", "ubuntu"));
    }
}
