//! Did-you-mean suggestions by edit distance.

/// The candidate closest to `word`, if it is close enough to be a likely typo.
///
/// Case is ignored, and a candidate qualifies when its distance is at most a third
/// of the word's length (at least 1, at most 3).
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_lower = word.to_lowercase();
    let limit = (word.chars().count() / 3).clamp(1, 3);
    candidates
        .into_iter()
        .map(|c| (distance(&word_lower, &c.to_lowercase()), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, c)| (d, c))
        .map(|(_, c)| c)
}

/// Like [`closest`], but only when one candidate is strictly closer than all others.
pub fn closest_unique<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_lower = word.to_lowercase();
    let limit = (word.chars().count() / 3).clamp(1, 3);
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .map(|c| (distance(&word_lower, &c.to_lowercase()), c))
        .filter(|&(d, _)| d <= limit)
        .collect();
    scored.sort_unstable();
    match scored.as_slice() {
        [(best, c), (next, _), ..] if best < next => Some(c),
        [(_, c)] => Some(c),
        _ => None,
    }
}

/// Levenshtein distance with adjacent transpositions counting as one edit.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut rows = vec![0usize; (a.len() + 1) * width];
    let at = |i: usize, j: usize| i * width + j;
    for (i, row) in rows.chunks_mut(width).enumerate() {
        if let Some(first) = row.first_mut() {
            *first = i;
        }
    }
    for (j, cell) in rows.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for (i, ca) in a.iter().enumerate() {
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let mut best = (rows[at(i, j + 1)] + 1).min(rows[at(i + 1, j)] + 1).min(rows[at(i, j)] + cost);
            if i > 0 && j > 0 && a.get(i - 1) == Some(cb) && b.get(j - 1) == Some(ca) {
                best = best.min(rows[at(i - 1, j - 1)] + 1);
            }
            rows[at(i + 1, j + 1)] = best;
        }
    }
    rows.last().copied().unwrap_or(0)
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
}
