//! Near misses that are typos, for S009 (image references) and S010 (instance types).
//!
//! Both are errors, and a false error on a valid spec is worse than a missed one, so a
//! "typo" here is stricter than a did-you-mean suggestion: the same text in another case,
//! or one edit (a character added, left out, changed, or two swapped) of a single closest
//! candidate. Two names that differ only in a number or a one-letter token
//! (`web-v1`/`web-v2`, `app-a`/`app-b`, `ecs.g7.8xlarge`/`ecs.g7.16xlarge`) are treated as
//! two real things, not as a typo.
//!
//! A run may hold many images and many references to images managed elsewhere, so image
//! names are indexed ([`NearMissIndex`]) rather than compared with every reference.

use crate::catalog::{Catalog, InstanceType};
use crate::suggest;
use std::hash::{DefaultHasher, Hasher};

/// Longer references are not typed by hand; skipping them bounds the edit-distance cost.
pub const MAX_LEN: usize = 256;

/// Names longer than this (in bytes) are not indexed: the index holds a key per
/// character of each name, and such names are pasted, not typed.
const INDEXED_LEN: usize = 96;

/// More candidates within one edit than this is no single intended name.
const MAX_CANDIDATES: usize = 64;

/// Candidate names (with the resource each belongs to), indexed by their lower-case text
/// whole and with each character deleted in turn: two texts within one edit of each
/// other share one of those keys (the idea of the `SymSpell` algorithm), so the candidates near a
/// reference take a lookup per character of the reference, whatever the number of images.
pub struct NearMissIndex<'a> {
    /// (hash of a key, position in `candidates`), sorted.
    keys: Vec<(u64, u32)>,
    candidates: Vec<(&'a str, usize)>,
}

impl<'a> NearMissIndex<'a> {
    pub fn new(candidates: impl IntoIterator<Item = (&'a str, usize)>) -> Self {
        let candidates: Vec<(&'a str, usize)> = candidates
            .into_iter()
            .filter(|(text, _)| !text.is_empty() && text.len() <= INDEXED_LEN)
            .collect();
        let mut keys = Vec::new();
        for (position, (text, _)) in candidates.iter().enumerate() {
            let Ok(position) = u32::try_from(position) else { break };
            each_key(&text.to_lowercase(), |key| keys.push((key, position)));
        }
        keys.sort_unstable();
        keys.dedup();
        Self { keys, candidates }
    }

    /// The candidate `word` is a typo of, and the resource it belongs to; candidates of
    /// the resource `exclude` are left out (an image is no typo of its own name).
    pub fn typo_of(&self, word: &str, exclude: Option<usize>) -> Option<(&'a str, usize)> {
        if word.is_empty() || word.len() > INDEXED_LEN + 4 {
            return None;
        }
        let mut near: Vec<u32> = Vec::new();
        each_key(&word.to_lowercase(), |key| {
            let start = self.keys.partition_point(|&(k, _)| k < key);
            let matching = self.keys.get(start..).unwrap_or_default().iter().take_while(|&&(k, _)| k == key);
            near.extend(matching.map(|&(_, position)| position));
        });
        near.sort_unstable();
        near.dedup();
        if near.len() > MAX_CANDIDATES {
            return None;
        }
        let near: Vec<(&'a str, usize)> = near
            .iter()
            .filter_map(|&position| self.candidates.get(usize::try_from(position).ok()?))
            .filter(|&&(_, owner)| Some(owner) != exclude)
            .copied()
            .collect();
        let text = typo_of(word, near.iter().map(|&(text, _)| text))?;
        near.into_iter().find(|&(t, _)| t == text)
    }
}

/// Calls `f` with the hash of `lower` and of `lower` with each character deleted.
fn each_key(lower: &str, mut f: impl FnMut(u64)) {
    let hash = |text: &str| {
        let mut hasher = DefaultHasher::new();
        hasher.write(text.as_bytes());
        hasher.finish()
    };
    f(hash(lower));
    let mut deleted = String::with_capacity(lower.len());
    for (index, c) in lower.char_indices() {
        deleted.clear();
        deleted.push_str(lower.get(..index).unwrap_or_default());
        deleted.push_str(lower.get(index + c.len_utf8()..).unwrap_or_default());
        f(hash(&deleted));
    }
}

/// The candidate `word` is a typo of, if there is exactly one.
pub fn typo_of<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_lowercase();
    let length = lower.chars().count();
    if length == 0 || length > MAX_LEN {
        return None;
    }
    // Short names are too close to each other for an edit to mean a typo; case still does.
    let limit = usize::from(length >= 4);
    let mut best: Option<(usize, &'a str)> = None;
    let mut tied = false;
    for candidate in candidates {
        if candidate == word {
            continue;
        }
        let candidate_lower = candidate.to_lowercase();
        if candidate_lower.chars().count().abs_diff(length) > limit {
            continue;
        }
        let distance = if candidate_lower == lower { 0 } else { suggest::distance(&lower, &candidate_lower) };
        if distance > limit || (distance > 0 && variants(&lower, &candidate_lower)) {
            continue;
        }
        match best {
            Some((d, c)) if d == distance && c != candidate => tied = true,
            Some((d, _)) if d <= distance => {}
            _ => {
                best = Some((distance, candidate));
                tied = false;
            }
        }
    }
    best.filter(|_| !tied).map(|(_, c)| c)
}

/// The catalog type an instance type is a typo of: its family (`ecs.g7`) is in the
/// catalog and the value is a near miss of one of that family's types. A size that some
/// family of the catalog has (`ecs.g7.24xlarge`) may be a real type newer than the
/// catalog, so only a case difference counts for it.
pub fn instance_type_typo<'c>(catalog: &'c Catalog, value: &str) -> Option<&'c InstanceType> {
    if value.len() > MAX_LEN {
        return None;
    }
    let (family, size) = value.rsplit_once('.')?;
    if size.is_empty() {
        return None;
    }
    let in_family =
        |t: &&InstanceType| t.id.rsplit_once('.').is_some_and(|(f, _)| f.eq_ignore_ascii_case(family));
    let members: Vec<&'c InstanceType> = catalog.instance_types().filter(in_family).collect();
    if let Some(same) = members.iter().find(|t| t.id.eq_ignore_ascii_case(value) && t.id != value) {
        return Some(same);
    }
    let known_size = catalog
        .instance_types()
        .any(|t| t.id.rsplit_once('.').is_some_and(|(_, s)| s.eq_ignore_ascii_case(size)));
    if known_size || plausible_size(size) {
        return None;
    }
    let intended = typo_of(value, members.iter().map(|t| &*t.id))?;
    members.into_iter().find(|t| t.id == intended)
}

/// What S007's help can say of an instance type the catalog lacks.
#[derive(Debug, PartialEq, Eq)]
pub enum UnknownType<'c> {
    /// The value is malformed, or its family is in the catalog and its size is a near miss
    /// (`ecs.g7.xlarg`): the catalog type meant.
    Suggest(&'c str),
    /// The family (`ecs.g7`) is in the catalog and the size is well-formed but not one of
    /// the family's (`ecs.g7.24xlarge`): perhaps newer than the catalog; the family's types.
    FamilySizes(Vec<&'c str>),
    /// A well-formed ID of a family the catalog does not list (`ecs.c5.large` before c5
    /// was added), or nothing close: a real type the catalog lacks, most likely. A
    /// suggestion would change the family, which misleads.
    Nothing,
}

/// The help for an instance type the catalog lacks (S007). A did-you-mean never changes the
/// family of a well-formed type ID: only a malformed value (`ecs-g7.large`, `g7.large`,
/// `ecs.g7large`) or a near-miss size in a catalog family (`ecs.g7.xlarg`) gets one.
pub fn unknown_type<'c>(catalog: &'c Catalog, value: &str) -> UnknownType<'c> {
    if value.is_empty() || value.len() > MAX_LEN {
        return UnknownType::Nothing;
    }
    let lower = value.to_ascii_lowercase();
    let parts = lower.rsplit_once('.');
    if let Some((family, size)) = parts {
        let members: Vec<&'c str> = catalog
            .instance_types()
            .map(|t| &*t.id)
            .filter(|id| id.rsplit_once('.').is_some_and(|(f, _)| f == family))
            .collect();
        if !members.is_empty() {
            if plausible_size(size) {
                return UnknownType::FamilySizes(members);
            }
            return suggest::closest(&lower, members).map_or(UnknownType::Nothing, UnknownType::Suggest);
        }
        if well_formed_family(family) {
            return UnknownType::Nothing;
        }
    }
    // Malformed: the type ID written without its `ecs.` prefix, or anything else.
    let prefixed = format!("ecs.{lower}");
    if let Some(t) = catalog.instance_type(&prefixed) {
        return UnknownType::Suggest(&t.id);
    }
    let known = catalog.instance_types().map(|t| &*t.id);
    suggest::closest(value, known).map_or(UnknownType::Nothing, UnknownType::Suggest)
}

/// `ecs.<family>` as Alibaba Cloud names families (`ecs.c5`, `ecs.t5-lc1m2`,
/// `ecs.gn7i-c8g1`): lower-case letters and digits, starting with a letter, with
/// hyphen-separated parts.
fn well_formed_family(prefix: &str) -> bool {
    let Some(family) = prefix.strip_prefix("ecs.") else { return false };
    family.starts_with(|c: char| c.is_ascii_lowercase())
        && family.split('-').all(|part| {
            !part.is_empty() && part.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// Whether a size is shaped like the sizes Alibaba Cloud names (`large`, `xlarge`,
/// `7xlarge`, `small`...) in lower case: `ecs.g7.5xlarge` is one letter from
/// `ecs.g7.xlarge`, yet may be a real type newer than the catalog (an S007 warning), not
/// a typo (an S010 error).
fn plausible_size(size: &str) -> bool {
    let bare = size.trim_start_matches(|c: char| c.is_ascii_digit());
    ["large", "xlarge", "small", "medium", "micro", "nano"].contains(&bare)
}

/// Whether two different names are siblings rather than a typo of each other: split
/// into letters, digits and single separators, they have the same tokens except ones
/// that are both numbers or both single letters.
fn variants(a: &str, b: &str) -> bool {
    let (a, b) = (tokens(a), tokens(b));
    a.len() == b.len()
        && a.iter().zip(&b).all(|(x, y)| {
            x == y
                || (is_number(x) && is_number(y))
                || (x.chars().count() == 1
                    && y.chars().count() == 1
                    && x.chars().all(char::is_alphabetic)
                    && y.chars().all(char::is_alphabetic))
        })
}

fn is_number(token: &str) -> bool {
    !token.is_empty() && token.chars().all(|c| c.is_ascii_digit())
}

/// `web-v12` -> `web`, `-`, `v`, `12`.
fn tokens(text: &str) -> Vec<&str> {
    #[derive(PartialEq, Clone, Copy)]
    enum Class {
        Letter,
        Digit,
        Other,
    }
    let class = |c: char| {
        if c.is_ascii_digit() {
            Class::Digit
        } else if c.is_alphabetic() {
            Class::Letter
        } else {
            Class::Other
        }
    };
    let mut tokens = Vec::new();
    let mut start = 0;
    let mut previous: Option<Class> = None;
    for (index, c) in text.char_indices() {
        let current = class(c);
        if previous.is_some_and(|p| p != current || p == Class::Other) {
            tokens.extend(text.get(start..index));
            start = index;
        }
        previous = Some(current);
    }
    tokens.extend(text.get(start..));
    tokens.retain(|t| !t.is_empty());
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_are_case_or_small_edits_of_one_name() {
        let names = ["web-golden", "m-bp1g7004ksh0oeuc9vyd", "db"];
        assert_eq!(typo_of("web-goldn", names), Some("web-golden"));
        assert_eq!(typo_of("Web-Golden", names), Some("web-golden"));
        assert_eq!(typo_of("web-gloden", names), Some("web-golden"));
        assert_eq!(typo_of("m-bp1g7004ksh0oeuc9vyf", names), Some("m-bp1g7004ksh0oeuc9vyd"));
        assert_eq!(typo_of("DB", names), Some("db"));
        assert_eq!(typo_of("dc", names), None, "too short for an edit to mean a typo");
        assert_eq!(typo_of("web-golden", names), None, "a match is not a typo");
        assert_eq!(typo_of("api-server", names), None);
    }

    #[test]
    fn the_index_finds_what_a_scan_finds() {
        let names = ["web-golden", "m-bp1g7004ksh0oeuc9vyd", "db", "web-v1", "alinux3-base"];
        let index = NearMissIndex::new(names.iter().enumerate().map(|(i, n)| (*n, i)));
        for word in [
            "web-goldn",
            "Web-Golden",
            "web-gloden",
            "web-goldenn",
            "web-golxen",
            "DB",
            "dc",
            "web-v2",
            "alinux3-bsae",
            "m-bp1g7004ksh0oeuc9vyf",
            "x",
        ] {
            assert_eq!(index.typo_of(word, None).map(|(t, _)| t), typo_of(word, names), "{word}");
        }
        assert_eq!(index.typo_of("web-goldn", Some(0)), None, "its own name");
    }

    #[test]
    fn siblings_are_not_typos() {
        assert_eq!(typo_of("web-v2", ["web-v1"]), None);
        assert_eq!(typo_of("app-2024-02", ["app-2024-01"]), None);
        assert_eq!(typo_of("base-b", ["base-a"]), None);
        assert_eq!(typo_of("web-gold", ["web-golt", "web-golx"]), None, "ambiguous");
        assert_eq!(typo_of("web-gldn", ["web-golden"]), None, "two edits");
        assert_eq!(tokens("web-v12.x"), ["web", "-", "v", "12", ".", "x"]);
    }

    fn catalog() -> Catalog {
        let types = |family: &str, ids: &[&str]| {
            serde_json::json!({"family": family, "architecture": "x86_64", "source": "https://example.com",
                "types": ids.iter().map(|id| serde_json::json!({"id": id, "vcpus": 2, "memoryGiB": 8})).collect::<Vec<_>>()})
        };
        let value = serde_json::json!({"date": "2026-01-01", "instanceFamilies": [
            types("g7", &["ecs.g7.large", "ecs.g7.xlarge", "ecs.g7.2xlarge"]),
            types("c6", &["ecs.c6.large", "ecs.c6.xlarge"]),
            types("t5", &["ecs.t5-lc1m2.large"]),
        ]});
        Catalog::from_files(vec![("test".into(), value)]).expect("catalog builds")
    }

    #[test]
    fn a_well_formed_type_of_another_family_gets_no_suggestion() {
        let catalog = catalog();
        // `ecs.c5.large` is one character from `ecs.c6.large`, yet a real type of a family
        // the catalog lacks: suggesting c6 would mislead.
        assert_eq!(unknown_type(&catalog, "ecs.c5.large"), UnknownType::Nothing);
        assert_eq!(unknown_type(&catalog, "ecs.c5.larg"), UnknownType::Nothing, "the family is still c5");
        assert_eq!(unknown_type(&catalog, "ecs.gn7i-c8g1.2xlarge"), UnknownType::Nothing);
        assert_eq!(unknown_type(&catalog, "ecs.t5-c1m1.large"), UnknownType::Nothing);
    }

    #[test]
    fn a_near_miss_in_a_catalog_family_or_a_malformed_name_gets_one() {
        let catalog = catalog();
        assert_eq!(unknown_type(&catalog, "ecs.g7.xlarg"), UnknownType::Suggest("ecs.g7.xlarge"));
        assert_eq!(unknown_type(&catalog, "ecs.c6.lrage"), UnknownType::Suggest("ecs.c6.large"));
        assert_eq!(
            unknown_type(&catalog, "g7.large"),
            UnknownType::Suggest("ecs.g7.large"),
            "no `ecs.` prefix"
        );
        assert_eq!(unknown_type(&catalog, "ecs-g7.large"), UnknownType::Suggest("ecs.g7.large"));
        assert_eq!(unknown_type(&catalog, "ecs.g7large"), UnknownType::Suggest("ecs.g7.large"));
        assert_eq!(unknown_type(&catalog, "nonsense"), UnknownType::Nothing);
    }

    #[test]
    fn a_well_formed_size_a_family_lacks_lists_the_family() {
        let catalog = catalog();
        assert_eq!(
            unknown_type(&catalog, "ecs.g7.24xlarge"),
            UnknownType::FamilySizes(vec!["ecs.g7.large", "ecs.g7.xlarge", "ecs.g7.2xlarge"])
        );
    }
}
