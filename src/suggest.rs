//! Did-you-mean suggestions by edit distance.
//!
//! The words compared come from specs, so they can be megabytes long and the candidate
//! lists tens of thousands long. The cost is bounded: a word longer than
//! [`MAX_WORD_CHARS`] gets no suggestion (nobody mistypes a kilobyte), a candidate whose
//! length differs by more than the allowed distance is skipped before any work, and the
//! distance keeps three rows and stops as soon as every cell of a row is over the limit.

use std::collections::BTreeMap;

/// Longest word (in characters) that gets a suggestion; identifiers are far shorter.
pub const MAX_WORD_CHARS: usize = 128;

/// A word prepared for comparison: lowercased characters and the allowed distance.
struct Probe {
    chars: Vec<char>,
    limit: usize,
}

impl Probe {
    /// `None` for a word too long to be a typo of an identifier.
    fn new(word: &str) -> Option<Self> {
        // Bytes bound characters from above: a cheap first cut before lowercasing.
        if word.len() > MAX_WORD_CHARS * 4 {
            return None;
        }
        let chars: Vec<char> = word.to_lowercase().chars().collect();
        if chars.len() > MAX_WORD_CHARS {
            return None;
        }
        let limit = (word.chars().count() / 3).clamp(1, 3);
        Some(Self { chars, limit })
    }

    /// The distance to `candidate` if it is within the limit.
    fn within(&self, candidate: &str) -> Option<usize> {
        // A character is at most four bytes, so these byte lengths rule out a candidate
        // whose length alone is over the limit, without reading it.
        let longest = (self.chars.len() + self.limit) * 4;
        if candidate.len() > longest || candidate.len() + self.limit < self.chars.len() {
            return None;
        }
        let other: Vec<char> = candidate.to_lowercase().chars().collect();
        self.within_chars(&other)
    }

    /// [`Probe::within`] of a candidate already lowercased into characters.
    fn within_chars(&self, other: &[char]) -> Option<usize> {
        if other.len().abs_diff(self.chars.len()) > self.limit {
            return None;
        }
        bounded_distance(&self.chars, other, self.limit)
    }
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
///
/// Case is ignored, and a candidate qualifies when its distance is at most a third
/// of the word's length (at least 1, at most 3).
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let probe = Probe::new(word)?;
    candidates
        .into_iter()
        .filter_map(|c| Some((probe.within(c)?, c)))
        .min_by_key(|&(d, c)| (d, c))
        .map(|(_, c)| c)
}

/// Like [`closest`], but only when one candidate is strictly closer than all others.
pub fn closest_unique<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let probe = Probe::new(word)?;
    let mut scored: Vec<(usize, &str)> =
        candidates.into_iter().filter_map(|c| Some((probe.within(c)?, c))).collect();
    scored.sort_unstable();
    match scored.as_slice() {
        [(best, c), (next, _), ..] if best < next => Some(c),
        [(_, c)] => Some(c),
        _ => None,
    }
}

/// Most candidates a [`Lexicon`] compares in full for one word (and ten times as many
/// it compares by character counts). Past it a suggestion
/// may be missed: a did-you-mean is a courtesy, and a run with tens of thousands of
/// names and as many misses must not compare every pair.
pub const MAX_COMPARED: usize = 100;

/// Many candidates prepared for many lookups: by length (only those within the limit
/// are looked at) and by a 64-bit character signature (an edit flips at most two of
/// its bits, so most far candidates are skipped in one instruction).
/// It owns its words, so a run-wide value holding one does not tie lifetimes.
#[derive(Debug, Default)]
pub struct Lexicon {
    by_len: BTreeMap<usize, Vec<Entry>>,
}

/// A candidate as written, its lowercased characters, their signature and counts.
#[derive(Debug)]
struct Entry {
    word: Box<str>,
    chars: Box<[char]>,
    signature: u64,
    counts: Counts,
}

/// How many of a word's characters fall in each of 32 buckets. An edit changes the
/// sum of the differences of two words' counts by at most two, so a sum over twice the
/// limit rules a candidate out: names that differ in several digits are skipped here.
type Counts = [u8; 32];

fn counts(chars: &[char]) -> Counts {
    let mut counts = [0u8; 32];
    for &c in chars {
        if let Some(count) = counts.get_mut(u32::from(c) as usize % 32) {
            *count = count.saturating_add(1);
        }
    }
    counts
}

fn count_difference(a: &Counts, b: &Counts) -> usize {
    a.iter().zip(b).map(|(x, y)| usize::from(x.abs_diff(*y))).sum()
}

/// The set of (lowercased) characters of a word, hashed into 64 bits.
fn signature(chars: &[char]) -> u64 {
    chars.iter().fold(0, |sig, &c| sig | 1u64 << (u32::from(c) % 64))
}

impl Lexicon {
    pub fn new<'a>(candidates: impl IntoIterator<Item = &'a str>) -> Self {
        let mut by_len: BTreeMap<usize, Vec<Entry>> = BTreeMap::new();
        for candidate in candidates {
            if candidate.len() > (MAX_WORD_CHARS + 3) * 4 {
                continue;
            }
            let chars: Box<[char]> = candidate.to_lowercase().chars().collect();
            let entry =
                Entry { word: candidate.into(), signature: signature(&chars), counts: counts(&chars), chars };
            by_len.entry(entry.chars.len()).or_default().push(entry);
        }
        for bucket in by_len.values_mut() {
            bucket.sort_unstable_by(|a, b| a.word.cmp(&b.word));
            bucket.dedup_by(|a, b| a.word == b.word);
        }
        Self { by_len }
    }

    /// Like [`closest`] over the candidates, comparing at most [`MAX_COMPARED`] in full.
    pub fn closest(&self, word: &str) -> Option<&str> {
        let probe = Probe::new(word)?;
        let sig = signature(&probe.chars);
        let word_counts = counts(&probe.chars);
        let len = probe.chars.len();
        let range = len.saturating_sub(probe.limit)..=len + probe.limit;
        let limit_bits = u32::try_from(2 * probe.limit).unwrap_or(u32::MAX);
        self.by_len
            .range(range)
            .flat_map(|(_, bucket)| bucket)
            .filter(|entry| (sig ^ entry.signature).count_ones() <= limit_bits)
            .take(MAX_COMPARED * 10)
            .filter(|entry| count_difference(&word_counts, &entry.counts) <= 2 * probe.limit)
            .take(MAX_COMPARED)
            .filter_map(|entry| Some((probe.within_chars(&entry.chars)?, &*entry.word)))
            .min_by_key(|&(d, c)| (d, c))
            .map(|(_, c)| c)
    }
}

/// Levenshtein distance with adjacent transpositions counting as one edit.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    bounded_distance(&a, &b, usize::MAX).unwrap_or(usize::MAX)
}

/// [`distance`] of two character strings, or `None` once it is sure to exceed `limit`.
///
/// Three rows (the one before the previous serves transpositions) instead of the full
/// matrix; the distance never falls below a row's minimum, so a row all over the limit
/// ends the work.
fn bounded_distance(a: &[char], b: &[char], limit: usize) -> Option<usize> {
    let width = b.len() + 1;
    let mut before: Vec<usize> = vec![0; width];
    let mut previous: Vec<usize> = (0..width).collect();
    let mut current: Vec<usize> = vec![0; width];
    for (i, ca) in a.iter().enumerate() {
        if let Some(first) = current.first_mut() {
            *first = i + 1;
        }
        let mut row_min = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let above = previous.get(j + 1).copied().unwrap_or(usize::MAX).saturating_add(1);
            let left = current.get(j).copied().unwrap_or(usize::MAX).saturating_add(1);
            let diagonal = previous.get(j).copied().unwrap_or(usize::MAX).saturating_add(cost);
            let mut best = above.min(left).min(diagonal);
            if i > 0 && j > 0 && a.get(i - 1) == Some(cb) && b.get(j - 1) == Some(ca) {
                best = best.min(before.get(j - 1).copied().unwrap_or(usize::MAX).saturating_add(1));
            }
            if let Some(cell) = current.get_mut(j + 1) {
                *cell = best;
            }
            row_min = row_min.min(best);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous.last().copied().filter(|&d| d <= limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_misses_only() {
        let fields = ["instanceType", "image", "region", "zone"];
        assert_eq!(closest("instancetype", fields), Some("instanceType"));
        assert_eq!(closest("regoin", fields), Some("region"));
        assert_eq!(closest("Instanse", ["Instance", "Image"]), Some("Instance"));
        assert_eq!(closest("billingMode", fields), None);
        assert_eq!(distance("abc", "acb"), 1);
        assert_eq!(closest_unique("cn-hangzhou-z", ["cn-hangzhou-b", "cn-hangzhou-c"]), None);
        assert_eq!(
            closest_unique("cn-hangzhou-bb", ["cn-hangzhou-b", "cn-shanghai-c"]),
            Some("cn-hangzhou-b")
        );
        assert_eq!(distance("", "abc"), 3);
    }

    #[test]
    fn bounded_distance_agrees_with_the_full_one() {
        let words =
            ["", "a", "ab", "ba", "abc", "acb", "bca", "kitten", "sitting", "ecs.g7.large", "ecs.g7.lrage"];
        for a in words {
            for b in words {
                let (x, y): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
                let full = distance(a, b);
                for limit in 0..5 {
                    let expected = (full <= limit).then_some(full);
                    assert_eq!(bounded_distance(&x, &y, limit), expected, "{a} {b} {limit}");
                }
            }
        }
    }

    #[test]
    fn words_too_long_to_be_typos_get_no_suggestion() {
        // One edit away, but no one mistypes an identifier this long: a spec's megabyte
        // key must not cost a megabyte-wide matrix per candidate.
        let long = "x".repeat(MAX_WORD_CHARS + 1);
        let near = "x".repeat(MAX_WORD_CHARS);
        assert_eq!(closest(&long, [near.as_str()]), None);
        assert_eq!(closest_unique(&long, [near.as_str()]), None);
        let fits = "x".repeat(MAX_WORD_CHARS);
        let near = "x".repeat(MAX_WORD_CHARS - 1);
        assert_eq!(closest(&fits, [near.as_str()]), Some(near.as_str()));
        // Candidates whose length alone rules them out, however long, are skipped.
        let huge = "y".repeat(10_000_000);
        assert_eq!(closest("region", [huge.as_str(), "regoin"]), Some("regoin"));
    }

    #[test]
    fn a_lexicon_suggests_what_closest_suggests() {
        let names = ["web-base", "web-bsae", "api-image", "m-abc123", "Worker", "db"];
        let lexicon = Lexicon::new(names);
        for word in ["web-base", "web-baes", "api-imgae", "m-abc124", "worker", "dc", "nothing-like", "x"] {
            assert_eq!(lexicon.closest(word), closest(word, names), "{word}");
        }
    }
}
