//! Byte offsets to 1-based lines and character columns.

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
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
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
    fn offsets_inside_a_character_snap_back() {
        let text = "ü";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 1), LineCol { line: 1, column: 1 });
    }
}
