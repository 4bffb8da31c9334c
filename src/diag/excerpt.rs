//! The source a human report shows: only the lines its labels point at, each cut to a window
//! around the labels, escaped, and numbered with the file's real line numbers.
//!
//! Handing miette a whole file made every report cost the file's size (miette counts lines
//! from the start of the source for each label), printed every long line whole for every
//! finding on it (9,861 findings on the 16 lines of a 1 MB JSON file printed 2.45 GB), and
//! panicked past display column 65,535, where a `{:width$}` padding overflows. An
//! [`Excerpt`] is a small synthetic text built in time independent of the file's size: the
//! lines around each label (a label over many lines keeps its first [`MAX_SPAN_LINES`]),
//! each line at most [`WINDOW_BYTES`] of the original around the labels on it, with `…`
//! where it was cut. Control characters are escaped as in [`super::text`], so no snippet can
//! drive a terminal or a CI runner. It implements miette's `SourceCode` over that text and
//! reports the original line and column of each span.

use super::position::{Positions, line_of, line_range, snap};
use super::text::{display_path, push_char};
use crate::source::{LineCol, SourceFile, Span};
use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use std::collections::BTreeSet;
use std::sync::Arc;

/// The most lines of a multi-line label shown; the underline stops at the last of them.
const MAX_SPAN_LINES: usize = 8;
/// The most lines between two labels' lines that are shown to keep them in one snippet.
const MAX_GAP: usize = 12;
/// The most bytes of one source line shown.
const WINDOW_BYTES: usize = 160;
/// How much of a long line is shown before the first label on it.
const WINDOW_BEFORE: usize = 48;
/// Marks where a long line was cut.
const CUT: &str = "…";

/// One line of the excerpt.
struct Line {
    /// Its 1-based line number in the file.
    number: usize,
    /// Its text in the excerpt, without the `\n` that follows it.
    start: usize,
    end: usize,
}

/// A bounded, escaped view of the lines of one file that a report's labels point at.
pub struct Excerpt {
    name: String,
    text: String,
    lines: Vec<Line>,
    /// Each input span in the excerpt's offsets, as miette wants it: `(offset, length)`.
    spans: Vec<(usize, usize)>,
    /// The original position of each span's start, by its offset in the excerpt.
    anchors: Vec<(usize, LineCol)>,
}

/// A span clamped to the text and to its first [`MAX_SPAN_LINES`] lines.
struct Clipped {
    start: usize,
    end: usize,
    start_line: usize,
    end_line: usize,
}

impl Excerpt {
    /// The excerpt of `file` for `spans` (the primary first).
    pub fn new(file: &Arc<SourceFile>, spans: &[Span], positions: &mut Positions) -> Self {
        let text = &*file.text;
        let line_count = file.lines().line_count().max(1);
        let clipped: Vec<Clipped> = spans
            .iter()
            .map(|span| {
                let start = snap(text, span.start());
                let mut end = snap(text, span.end()).max(start);
                let start_line = line_of(file, start);
                let mut end_line = if end > start { line_of(file, end - 1) } else { start_line };
                if end_line >= start_line + MAX_SPAN_LINES {
                    end_line = start_line + MAX_SPAN_LINES - 1;
                    end = line_range(file, end_line).1.max(start);
                }
                Clipped { start, end, start_line, end_line }
            })
            .collect();
        // The empty "line" after a final line break is shown only when a label points at it
        // (an error at the end of the file), never as context.
        let context_end =
            if line_count > 1 && text.ends_with(['\n', '\r']) { line_count - 1 } else { line_count };
        let mut numbers = BTreeSet::new();
        for span in &clipped {
            let first = span.start_line.saturating_sub(1).max(1);
            let last = (span.end_line + 1).min(context_end).max(span.end_line);
            numbers.extend(first..=last);
        }
        if text.is_empty() {
            // Nothing to show: miette prints the header alone, as for any empty source.
            numbers.clear();
        }
        // Labels a few lines apart share one snippet, as miette shows them; farther apart, each
        // gets its own, so the lines between never cost more than this.
        let gaps: Vec<(usize, usize)> = numbers
            .iter()
            .zip(numbers.iter().skip(1))
            .filter(|&(&a, &b)| b > a + 1 && b - a <= MAX_GAP)
            .map(|(&a, &b)| (a, b))
            .collect();
        for (a, b) in gaps {
            numbers.extend(a + 1..b);
        }

        let mut excerpt = Self {
            name: display_path(&file.name).into_owned(),
            text: String::new(),
            lines: Vec::with_capacity(numbers.len()),
            spans: Vec::with_capacity(spans.len()),
            anchors: Vec::with_capacity(spans.len()),
        };
        // Where each span's start and end landed: (line, original offset, excerpt offset).
        let mut mapped: Vec<(usize, usize, usize)> = Vec::new();
        for number in numbers {
            let mut points: Vec<usize> = Vec::new();
            let mut anchor = None;
            for (index, span) in clipped.iter().enumerate() {
                if span.start_line == number {
                    points.push(span.start);
                    if index == 0 || anchor.is_none() {
                        anchor = Some(span.start);
                    }
                }
                if span.end_line == number {
                    points.push(span.end);
                }
            }
            excerpt.push_line(file, number, anchor, &points, &mut mapped);
        }
        for span in &clipped {
            let find = |line: usize, offset: usize| {
                mapped.iter().find(|m| m.0 == line && m.1 == offset).map_or(0, |m| m.2)
            };
            let start = find(span.start_line, span.start);
            let end = find(span.end_line, span.end).max(start);
            excerpt.spans.push((start, end - start));
            excerpt.anchors.push((start, positions.line_col(file, span.start)));
        }
        excerpt
    }

    /// Each input span, in the excerpt's offsets.
    pub fn spans(&self) -> &[(usize, usize)] {
        &self.spans
    }

    /// Appends line `number`, windowed around `anchor`, recording where each of `points`
    /// (original offsets on this line) lands in the excerpt.
    fn push_line(
        &mut self,
        file: &SourceFile,
        number: usize,
        anchor: Option<usize>,
        points: &[usize],
        mapped: &mut Vec<(usize, usize, usize)>,
    ) {
        let text = &*file.text;
        let (line_start, line_end) = line_range(file, number);
        let (mut from, mut to) = (line_start, line_end);
        if line_end - line_start > WINDOW_BYTES {
            let anchor = anchor.unwrap_or(line_start).clamp(line_start, line_end);
            from = snap(text, anchor.saturating_sub(WINDOW_BEFORE).max(line_start));
            to = snap(text, (from + WINDOW_BYTES).min(line_end));
            if to == line_end {
                from = snap(text, line_end - WINDOW_BYTES).max(line_start);
            }
        }
        let start = self.text.len();
        // A label starting before the window is underlined from the line's `…`.
        let mut landed: Vec<(usize, usize)> =
            points.iter().filter(|&&p| p < from).map(|&p| (p, start)).collect();
        if from > line_start {
            self.text.push_str(CUT);
        }
        let window = text.get(from..to).unwrap_or("");
        for (index, c) in window.char_indices() {
            let here = from + index;
            landed.extend(points.iter().filter(|&&p| p == here).map(|&p| (p, self.text.len())));
            push_char(&mut self.text, c, true);
        }
        landed.extend(points.iter().filter(|&&p| p == to).map(|&p| (p, self.text.len())));
        if to < line_end {
            self.text.push_str(CUT);
        }
        // A label ending after the window is underlined up to the closing `…`.
        landed.extend(points.iter().filter(|&&p| p > to).map(|&p| (p, self.text.len())));
        mapped.extend(landed.into_iter().map(|(point, at)| (number, point, at)));
        self.lines.push(Line { number, start, end: self.text.len() });
        self.text.push('\n');
    }

    /// The index of the line holding excerpt offset `offset`.
    fn line_at(&self, offset: usize) -> usize {
        self.lines.partition_point(|line| line.start <= offset).saturating_sub(1)
    }

    /// Whether lines `a` and `a + 1` of the excerpt are consecutive lines of the file.
    fn consecutive(&self, a: usize) -> bool {
        match (self.lines.get(a), self.lines.get(a + 1)) {
            (Some(x), Some(y)) => x.number + 1 == y.number,
            _ => false,
        }
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let start = span.offset();
        let end = start.saturating_add(span.len());
        if self.lines.is_empty() {
            let empty = MietteSpanContents::new_named(self.name.clone(), &[], (0, 0).into(), 0, 0, 0);
            return Ok(Box::new(empty));
        }
        if end > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first = self.line_at(start);
        let last = self.line_at(end.saturating_sub(1).max(start));
        // A span over lines the excerpt does not hold would be numbered wrongly: refuse it,
        // and miette shows the two labels as two snippets.
        if (first..last).any(|line| !self.consecutive(line)) {
            return Err(MietteError::OutOfBounds);
        }
        let mut low = first;
        while first - low < context_lines_before && low > 0 && self.consecutive(low - 1) {
            low -= 1;
        }
        let mut high = last;
        while high - last < context_lines_after && self.consecutive(high) {
            high += 1;
        }
        let (Some(low_line), Some(high_line)) = (self.lines.get(low), self.lines.get(high)) else {
            return Err(MietteError::OutOfBounds);
        };
        let (data_start, line, column) = if context_lines_before == 0 {
            // miette reads a label alone for the `[file:line:col]` header: the original position.
            match self.anchors.iter().find(|(offset, _)| *offset == start) {
                Some((_, at)) => (start, at.line.saturating_sub(1), at.column.saturating_sub(1)),
                None => (start, self.lines.get(first).map_or(0, |l| l.number - 1), 0),
            }
        } else {
            (low_line.start, low_line.number - 1, 0)
        };
        let data_end = (high_line.end + 1).min(self.text.len());
        let data = self.text.as_bytes().get(data_start..data_end).ok_or(MietteError::OutOfBounds)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            data,
            (data_start, data_end - data_start).into(),
            line,
            column,
            // As miette counts it, the line breaks up to the end of the data: with it miette
            // tries to merge neighbouring labels into one snippet, which succeeds when the
            // excerpt holds the lines between them.
            high_line.number,
        )))
    }
}
