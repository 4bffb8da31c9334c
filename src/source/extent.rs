//! Where a YAML node's own text starts and, for a quoted scalar, ends.
//!
//! `saphyr-parser` ends a quoted scalar's span after the blanks and the comment that
//! follow its closing quote (it checks for trailing content before it emits the token),
//! so `region: "cn-hangzou"   # note` would be underlined to the end of the comment.
//! The closing quote is found again here, by the same escape rules the scanner used.

/// The length of the text of a quoted scalar at the start of `text` (its properties, such
/// as `&anchor` or `!tag`, included), up to and with its closing quote; `None` when
/// `text` does not hold one, so the caller keeps the parser's span.
pub fn quoted_len(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let open = skip_properties(bytes)?;
    let quote = *bytes.get(open)?;
    let mut at = open + 1;
    // The closing quote and both escapes are ASCII, and no UTF-8 continuation byte
    // equals an ASCII byte, so stepping over bytes cannot land inside a character. The
    // bytes between them are skipped with `memchr`: this runs once per quoted scalar.
    loop {
        let rest = bytes.get(at..)?;
        let found =
            if quote == b'"' { memchr::memchr2(b'"', b'\\', rest) } else { memchr::memchr(quote, rest) };
        at += found?;
        match bytes.get(at) {
            Some(b'\\') => at += 2,
            Some(b'\'') if bytes.get(at + 1) == Some(&b'\'') => at += 2,
            _ => return Some(at + 1),
        }
    }
}

/// The offset of the opening quote after a node's properties (anchor, tag) and the blanks,
/// line breaks and comments that may separate them from it.
fn skip_properties(bytes: &[u8]) -> Option<usize> {
    content_start(bytes).filter(|&at| matches!(bytes.get(at), Some(b'"' | b'\'')))
}

/// Whether the node written at the start of `text` is a flow collection (`[...]` or
/// `{...}`), its properties (`&anchor`, `!tag`) and the blanks and comments after them
/// skipped: `&x [1]` and `!!seq [1]` are flow lists, `- [1]` and `a: [1]` are block
/// collections.
pub fn is_flow_collection(text: &str) -> bool {
    let bytes = text.as_bytes();
    content_start(bytes).is_some_and(|at| matches!(bytes.get(at), Some(b'[' | b'{')))
}

/// The offset of a node's first byte after its properties (anchor, tag) and the blanks,
/// line breaks and comments around them; `None` when the text ends first.
fn content_start(bytes: &[u8]) -> Option<usize> {
    let (at, _) = properties(bytes);
    (at < bytes.len()).then_some(at)
}

/// The byte range of the tag (`!Ref`) among the properties at the start of `text`, and the
/// offset where the node's content starts after them (the text's length when nothing
/// follows, as after the `!GetAZs` of an empty scalar); `None` when `text` starts with no tag.
pub fn tag_and_content(text: &str) -> Option<(std::ops::Range<usize>, usize)> {
    let (content, tag) = properties(text.as_bytes());
    tag.map(|tag| (tag, content))
}

/// Walks the properties (anchor, tag), blanks, line breaks and comments at the start of
/// `bytes`: the offset of the first byte after them (the length when the text ends first),
/// and the range of the tag among them.
fn properties(bytes: &[u8]) -> (usize, Option<std::ops::Range<usize>>) {
    let mut at = 0;
    let mut tag = None;
    loop {
        let Some(&byte) = bytes.get(at) else { return (at, tag) };
        match byte {
            b' ' | b'\t' | b'\r' | b'\n' => at += 1,
            b'#' => {
                while bytes.get(at).is_some_and(|&b| b != b'\n' && b != b'\r') {
                    at += 1;
                }
            }
            // An anchor or tag runs to a blank or a flow indicator; a quote may be part of it.
            // A verbatim tag (`!<tag:yaml.org,2002:seq>`) runs to its `>`, commas and all.
            b'&' | b'!' => {
                let start = at;
                if bytes[at..].starts_with(b"!<") {
                    // Unclosed: the text ends inside the tag.
                    at = bytes[at..].iter().position(|&b| b == b'>').map_or(bytes.len(), |end| at + end + 1);
                }
                while bytes.get(at).is_some_and(|&b| !b" \t\r\n,[]{}".contains(&b)) {
                    at += 1;
                }
                if byte == b'!' {
                    tag = Some(start..at);
                }
            }
            _ => return (at, tag),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_scalars_end_at_their_closing_quote() {
        for (text, expected) in [
            (r#""cn-hangzou"   # note"#, r#""cn-hangzou""#),
            (r#""a\"b\\" # "x""#, r#""a\"b\\""#),
            ("'it''s' # 'x'", "'it''s'"),
            ("''", "''"),
            ("'a\n  b'  ", "'a\n  b'"),
            ("&x !!str \"ü\" , y", "&x !!str \"ü\""),
            ("&a # c\n  'v' # d", "&a # c\n  'v'"),
            ("!<tag:yaml.org,2002:str> \"cn-hangzou\"   # note", "!<tag:yaml.org,2002:str> \"cn-hangzou\""),
        ] {
            assert_eq!(quoted_len(text).and_then(|n| text.get(..n)), Some(expected), "{text:?}");
        }
        for text in ["plain # x", "\"open", "&a\"b", ""] {
            assert_eq!(quoted_len(text), None, "{text:?}");
        }
    }

    #[test]
    fn flow_collections_are_told_apart_from_block_ones_past_their_properties() {
        for text in [
            "[1]",
            "{a: 1}",
            "&x [1]",
            "!!seq [1]",
            "&x !!map {a: 1}",
            "&x # c\n  [1]",
            "!t\t{}",
            "!<tag:yaml.org,2002:seq> [1, 2]  # c",
            "&x !<a,b>{}",
        ] {
            assert!(is_flow_collection(text), "{text:?}");
        }
        for text in [
            "- [1]",
            "a: [1]",
            "\"a[b\": 1",
            "&x\n  - [1]",
            "&x\n  k: {}",
            "",
            "&x",
            "!<a,[b>\n  - 1",
            "!<open [1]",
        ] {
            assert!(!is_flow_collection(text), "{text:?}");
        }
    }

    /// The closing quote found byte by byte, as before `memchr` did it.
    fn byte_by_byte(text: &str) -> Option<usize> {
        let bytes = text.as_bytes();
        let open = skip_properties(bytes)?;
        let quote = *bytes.get(open)?;
        let mut at = open + 1;
        while let Some(&byte) = bytes.get(at) {
            match (quote, byte) {
                (b'"', b'\\') => at += 2,
                (b'\'', b'\'') if bytes.get(at + 1) == Some(&b'\'') => at += 2,
                (_, b) if b == quote => return Some(at + 1),
                _ => at += 1,
            }
        }
        None
    }

    #[test]
    fn the_closing_quote_is_found_as_byte_by_byte() {
        let pieces = ["\"", "'", "\\", "''", "a", " ", "ü", "#", "\n", "&x ", "!t "];
        for text in crate::source::random_texts(&pieces, 0x9e37_79b9_7f4a_7c15, 20_000, 12) {
            assert_eq!(quoted_len(&text), byte_by_byte(&text), "{text:?}");
        }
    }
}
