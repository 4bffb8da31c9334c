//! The plain types of source loading: spans, limits, syntax errors and documents. Kept in
//! a file of their own, free of the crate's other modules, so build.rs compiles the same
//! YAML loader (for the built-in rule files) from the same source.

use super::Node;

/// A half-open byte range `[start, end)` into a source text.
///
/// Offsets are 32-bit: every node and key of every tree of a run carries one, and with
/// `usize` offsets they were 16 of a tree node's 48 bytes. No text reaches the bound: the
/// reader refuses a file past [`MAX_TEXT_BYTES`] whatever `--max-file-size` says. An offset
/// past it would be held as the bound itself (a span at the end of what can be pointed at).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    start: u32,
    end: u32,
}

/// The longest text a [`Span`] can point into, in bytes (4 GiB less one).
pub const MAX_TEXT_BYTES: u64 = u32::MAX as u64;

/// `offset` as a span offset, held at the bound past it (see [`Span`]).
#[allow(clippy::cast_possible_truncation)] // Checked against the bound first.
const fn narrow(offset: usize) -> u32 {
    if offset > u32::MAX as usize { u32::MAX } else { offset as u32 }
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start: narrow(start), end: narrow(end) }
    }

    /// The byte offset of the first byte.
    pub const fn start(self) -> usize {
        self.start as usize
    }

    /// The byte offset just past the last byte.
    pub const fn end(self) -> usize {
        self.end as usize
    }

    /// The bytes as a range, for slicing the text.
    pub const fn range(self) -> std::ops::Range<usize> {
        self.start()..self.end()
    }

    pub const fn len(self) -> usize {
        self.end().saturating_sub(self.start())
    }

    pub const fn is_empty(self) -> bool {
        self.len() == 0
    }
}

/// Limits that keep hostile input from exhausting the stack or memory.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Deepest nesting of sequences and mappings accepted.
    pub max_depth: usize,
    /// Most nodes a YAML stream's aliases may copy.
    pub max_alias_nodes: usize,
    /// Most bytes of strings and keys a YAML stream's aliases may copy: a node count alone
    /// let one large anchored string, aliased many times, take gigabytes.
    pub max_alias_bytes: usize,
    /// Most tokens started inside flow collections before the YAML parser produces an
    /// event: it may hold every token of a flow collection in memory until it closes.
    pub max_pending_indicators: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 128,
            max_alias_nodes: 100_000,
            max_alias_bytes: 16 * 1024 * 1024,
            max_pending_indicators: 250_000,
        }
    }
}

/// A syntax error with the span it happened at and optional secondary labels.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    pub message: String,
    pub span: Span,
    /// Extra labels, such as the first definition of a duplicated key.
    pub labels: Vec<(Span, String)>,
    pub help: Option<String>,
}

impl SyntaxError {
    pub fn new(message: impl Into<String>, span: Span) -> Self {
        Self { message: message.into(), span, labels: Vec::new(), help: None }
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// One YAML document or a whole JSON file.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub root: Node,
}
