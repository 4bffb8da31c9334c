//! Lines, character columns and character offsets of byte offsets, for every finding of a
//! report in time independent of the file's size.
//!
//! [`LineIndex::line_col`](crate::source::LineIndex::line_col) counts the characters from the
//! start of the line, and SARIF's `charOffset` counts them from the start of the file: done for
//! every finding, 19,000 findings in a 460 KB file took 36 s. [`Positions`] instead makes one
//! pass over each file the first time one of its findings is rendered, recording how many
//! characters precede every [`STEP`]-byte block; a look-up then counts at most one block.
//! Lines come from a binary search over the file's own [`LineIndex`](crate::source::LineIndex),
//! so they follow its idea of a line break.

use crate::source::{LineCol, SourceFile};
use std::sync::Arc;

/// Bytes per block of the character count: a look-up scans at most this many bytes.
const STEP: usize = 1024;

/// Character counts of one file.
struct CharIndex {
    /// `before[i]`: the characters in the first `i * STEP` bytes; empty for a file of ASCII
    /// text only, where a byte is a character (most specs: their look-ups then count nothing).
    before: Vec<usize>,
}

impl CharIndex {
    fn new(text: &str) -> Self {
        // Most files are ASCII, which a word-at-a-time scan tells (the report indexes every
        // file with a finding, on one core, before writing).
        if text.is_ascii() {
            return Self { before: Vec::new() };
        }
        let mut before = Vec::with_capacity(text.len() / STEP + 1);
        let mut count = 0;
        before.push(0);
        for block in text.as_bytes().chunks(STEP) {
            count += chars_in(block);
            before.push(count);
        }
        Self { before }
    }

    /// Whether the file is ASCII text only (a byte is a character).
    fn ascii(&self) -> bool {
        self.before.is_empty()
    }

    /// The characters before byte `offset`, which must be a character boundary of `text`.
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        if self.ascii() {
            return offset;
        }
        let block = offset / STEP;
        let base = self.before.get(block).copied().unwrap_or(0);
        base + text.as_bytes().get(block * STEP..offset).map_or(0, chars_in)
    }
}

/// The characters starting in `bytes`: every byte but UTF-8 continuation bytes starts one.
fn chars_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

/// Positions in the files of one report, each file indexed on first use.
#[derive(Default)]
pub struct Positions {
    /// Keyed by the address of the file's `SourceFile`, alive as long as the findings are.
    files: foldhash::HashMap<usize, CharIndex>,
}

impl Positions {
    pub fn new() -> Self {
        Self::default()
    }

    fn index(&mut self, file: &Arc<SourceFile>) -> &CharIndex {
        // The address is only a key: the findings being rendered keep every file alive.
        let key = Arc::as_ptr(file) as usize;
        self.files.entry(key).or_insert_with(|| CharIndex::new(&file.text))
    }

    /// Line and character column of byte `offset`, exactly as `LineIndex::line_col` gives them.
    pub fn line_col(&mut self, file: &Arc<SourceFile>, offset: usize) -> LineCol {
        self.index(file);
        self.indexed_line_col(file, offset)
    }

    /// Indexes every file `findings` and their labels point at, so that [`Self::indexed_line_col`] can be
    /// called from many threads.
    pub fn of_findings(findings: &[super::Finding]) -> Self {
        let mut positions = Self::new();
        for finding in findings {
            positions.index(&finding.location.file);
            for label in &finding.labels {
                positions.index(&label.location.file);
            }
        }
        positions
    }

    /// As [`Self::line_col`], for a file already indexed (any other is counted directly).
    pub fn indexed_line_col(&self, file: &Arc<SourceFile>, offset: usize) -> LineCol {
        let text = &file.text;
        let Some(index) = self.files.get(&(Arc::as_ptr(file) as usize)) else {
            return file.lines().line_col(text, offset);
        };
        let offset = snap(text, offset);
        let line = line_of(file, offset);
        let start = file.lines().offset(text, line, 0).min(offset);
        // A short line of text that is not all ASCII is counted directly; a long one through
        // the index.
        let column = match text.as_bytes().get(start..offset) {
            Some(line) if line.len() <= STEP && !index.ascii() => chars_in(line),
            _ => index.chars_before(text, offset) - index.chars_before(text, start),
        };
        LineCol { line, column: column + 1 }
    }

    /// The characters before byte `offset` in the file (SARIF's `charOffset`).
    pub fn char_offset(&mut self, file: &Arc<SourceFile>, offset: usize) -> usize {
        let text = &file.text;
        let offset = snap(text, offset);
        self.index(file).chars_before(text, offset)
    }
}

/// `offset` clamped to the text and moved back to a character boundary.
pub fn snap(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The 1-based line holding byte `offset`: the last line whose start is at or before it.
pub fn line_of(file: &SourceFile, offset: usize) -> usize {
    let (mut low, mut high) = (1, file.lines().line_count().max(1));
    while low < high {
        let middle = low + (high - low).div_ceil(2);
        if file.lines().offset(&file.text, middle, 0) <= offset {
            low = middle;
        } else {
            high = middle - 1;
        }
    }
    low
}

/// The byte range of line `line`'s text, without its line break.
pub fn line_range(file: &SourceFile, line: usize) -> (usize, usize) {
    let text = &file.text;
    let start = file.lines().offset(text, line, 0);
    let next =
        if line < file.lines().line_count() { file.lines().offset(text, line + 1, 0) } else { text.len() };
    let mut end = next.max(start);
    let bytes = text.as_bytes();
    if end > start && bytes.get(end - 1) == Some(&b'\n') {
        end -= 1;
    }
    if end > start && bytes.get(end - 1) == Some(&b'\r') {
        end -= 1;
    }
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_the_line_index_everywhere() {
        let long = "é".repeat(3000);
        let ascii = "x".repeat(2500);
        for text in [
            "",
            "a",
            "a: 1\nnäme: ü\n",
            "x\r\ny\rz\n\n",
            &format!("k: {long}\nv: 😀{long}\n"),
            &format!("k: {ascii}\nv: {ascii}\n"),
            &format!("k: {ascii}é\nv: {ascii}\n"),
        ] {
            let file = Arc::new(SourceFile::new("a.yaml", text));
            let mut positions = Positions::new();
            for offset in 0..=text.len() + 2 {
                assert_eq!(
                    positions.line_col(&file, offset),
                    file.lines().line_col(text, offset),
                    "{text:?} at {offset}"
                );
                let snapped = snap(text, offset);
                assert_eq!(positions.char_offset(&file, offset), text[..snapped].chars().count());
            }
        }
    }

    #[test]
    fn line_ranges_drop_the_line_break() {
        let file = SourceFile::new("a.yaml", "ab\r\ncd\n\nef");
        assert_eq!(line_range(&file, 1), (0, 2));
        assert_eq!(line_range(&file, 2), (4, 6));
        assert_eq!(line_range(&file, 3), (7, 7));
        assert_eq!(line_range(&file, 4), (8, 10));
    }
}
