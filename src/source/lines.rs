//! Byte offsets to 1-based lines and character columns.
//!
//! Lines are counted as YAML counts them (YAML 1.2 §5.4): a line feed, a carriage return
//! followed by a line feed, or a carriage return alone each end one line. The YAML parser
//! reports positions that way, so spans, rendered lines and suppression comments
//! (`crate::suppress`) all agree on a file saved with old Mac (CR) or mixed line endings.

/// A 1-based line and a 1-based column counted in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Start offsets of every line of a text, for offset-to-position look-ups.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
    ascii: bool,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        // Counted first (a loop the compiler vectorises), so the list is allocated once at
        // its size instead of grown and shrunk: an index is built for every file with a finding.
        let breaks = bytes.iter().filter(|&&b| b == b'\n' || b == b'\r').count();
        let mut starts = Vec::with_capacity(breaks + 1);
        starts.push(0);
        // A CR right before an LF is the first half of one CRLF break: the LF starts the line.
        starts.extend(
            memchr::memchr2_iter(b'\n', b'\r', bytes)
                .filter(|&i| !(bytes.get(i) == Some(&b'\r') && bytes.get(i + 1) == Some(&b'\n')))
                .map(|i| i + 1),
        );
        // Only a CRLF text counted more breaks than it has lines.
        starts.shrink_to_fit();
        Self { starts, ascii: text.is_ascii() }
    }

    /// The position of byte `offset` in `text` (clamped to the text and to a character boundary).
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts.get(line.saturating_sub(1)).copied().unwrap_or(0);
        let column = if self.ascii {
            offset - start
        } else {
            text.get(start..offset).map_or(0, |s| s.chars().count())
        };
        LineCol { line, column: column + 1 }
    }

    /// The byte offset of a 1-based line and 0-based character column, as YAML markers give them.
    pub fn offset(&self, text: &str, line: usize, char_col: usize) -> usize {
        let start = self.starts.get(line.saturating_sub(1)).copied().unwrap_or(text.len());
        if self.ascii {
            return (start + char_col).min(text.len());
        }
        let rest = text.get(start..).unwrap_or("");
        rest.char_indices().nth(char_col).map_or(text.len(), |(i, _)| start + i)
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters() {
        let text = "a: 1\nnäme: ü\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 0), LineCol { line: 1, column: 1 });
        let u = text.find('ü').unwrap();
        assert_eq!(index.line_col(text, u), LineCol { line: 2, column: 7 });
        assert_eq!(index.offset(text, 2, 6), u);
        assert_eq!(index.line_col(text, text.len()), LineCol { line: 3, column: 1 });
    }

    #[test]
    fn cr_lf_and_crlf_each_end_one_line() {
        let text = "a\rb\r\nc\nd\r\re";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 6);
        for (c, line) in [('a', 1), ('b', 2), ('c', 3), ('d', 4), ('e', 6)] {
            let at = text.find(c).unwrap();
            assert_eq!(index.line_col(text, at), LineCol { line, column: 1 }, "{c}");
            assert_eq!(index.offset(text, line, 0), at, "{c}");
        }
        // The LF of a CRLF is still on the line the CR ends.
        assert_eq!(index.line_col(text, 4), LineCol { line: 2, column: 3 });
        let wide = "ü\rregion: x";
        let index = LineIndex::new(wide);
        assert_eq!(index.line_col(wide, wide.find('x').unwrap()), LineCol { line: 2, column: 9 });
    }

    #[test]
    fn offsets_inside_a_character_snap_back() {
        let text = "ü";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 1), LineCol { line: 1, column: 1 });
    }
}
