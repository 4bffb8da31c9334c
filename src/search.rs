//! Substring search for short texts: template expressions in their rule file, tokens in a
//! public image ID.

/// Where `needle` first occurs in `hay`, as [`str::find`] answers. `str::find` and
/// `str::contains` set up a two-way searcher per call: locating the 521 expressions of the
/// built-in templates that way was 0.8 M instructions of a one-file check, and reading the
/// OS and architecture tokens of public image IDs 4% of a corpus check (callgrind). The
/// texts are short, so a scan for the first byte and a comparison there is cheaper.
pub fn find(hay: &str, needle: &str) -> Option<usize> {
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    let Some(&first) = needle.first() else { return Some(0) };
    let mut from = 0;
    while let Some(at) = hay.get(from..).and_then(|rest| memchr::memchr(first, rest)) {
        let start = from + at;
        if hay.get(start..).is_some_and(|rest| rest.starts_with(needle)) {
            return Some(start);
        }
        from = start + 1;
    }
    None
}

/// Whether `needle` occurs in `hay`, as [`str::contains`] answers (see [`find`]).
pub fn contains(hay: &str, needle: &str) -> bool {
    find(hay, needle).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_and_contains_answer_as_str_does() {
        let hays =
            ["", "a", "{{ a }} and {{ a }}", "ééé x é", "price(fee) x price(fee)", "aab aab", "abcabd"];
        let needles = ["", "a", "a }}", "é", " x é", "price(fee)", "aab", "abd", "zz", "ab", "ééé x é!"];
        for hay in hays {
            for needle in needles {
                assert_eq!(find(hay, needle), hay.find(needle), "{needle:?} in {hay:?}");
                assert_eq!(contains(hay, needle), hay.contains(needle), "{needle:?} in {hay:?}");
            }
        }
    }
}
