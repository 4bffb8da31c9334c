//! A bound on the tokens the YAML parser holds before it produces an event.
//!
//! `saphyr-parser` queues every token of a flow collection that might still turn out to
//! be a mapping key (one that starts a line, such as a document's top-level `[x, x, ...`)
//! until the collection closes, at well over 100 bytes a token: a 16 MiB file of
//! `[x,x,x,...` took gigabytes. Only a flow collection can do that: in block context a
//! possible key goes stale at the end of its line. So the characters the parser reads go
//! through a small lexer that follows flow collections, quoted and block scalars and
//! comments, and counts the tokens that start inside a flow collection since the last
//! event. Text inside one scalar or comment is one token however many `,` `{` `"` it
//! holds: a Kubernetes config map embedding a JSON document in a `|` block, or a long quoted string of
//! commas, is a valid file, not an attack. Past the limit, reading stops and the parse
//! fails with [`pending_error`].
//!
//! The lexer only has to be right about large inputs: the count restarts at every event,
//! so a wrong guess on a short stretch costs nothing.

use super::{Span, SyntaxError};
use std::cell::Cell;

/// Shared between the character source and the event loop.
#[derive(Default)]
pub struct Meter {
    /// Tokens started since the parser last produced an event.
    pub pending: Cell<usize>,
    /// Byte offset (in the text without its BOM) where reading stopped, if it did.
    pub stopped_at: Cell<Option<usize>>,
}

/// The text's characters, as the parser reads them, counted by [`Lexer`].
pub struct MeteredChars<'a> {
    chars: std::str::CharIndices<'a>,
    meter: &'a Meter,
    limit: usize,
    lexer: Lexer,
}

impl<'a> MeteredChars<'a> {
    pub fn new(text: &'a str, meter: &'a Meter, limit: usize) -> Self {
        Self { chars: text.char_indices(), meter, limit, lexer: Lexer::default() }
    }
}

impl Iterator for MeteredChars<'_> {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        if self.meter.stopped_at.get().is_some() {
            return None;
        }
        let (at, c) = self.chars.next()?;
        let next = self.chars.clone().next().map(|(_, c)| c);
        if self.lexer.step(c, next) {
            let pending = self.meter.pending.get() + 1;
            if pending > self.limit {
                self.meter.stopped_at.set(Some(at));
                return None;
            }
            self.meter.pending.set(pending);
        }
        Some(c)
    }
}

/// Whether `text` is sure never to pass a limit of `limit` counted tokens, so that it can
/// be parsed without counting. The [`Lexer`] counts a token only inside a flow collection
/// (after a `[` or `{`), and only at one of the ASCII characters of [`counted`]; so a text
/// with no more of them from its first `[` or `{` on than the limit cannot pass it, however
/// they fall between events. Most specs have no flow collection, or one short list, and
/// answer from a `memchr` alone; a long text with brackets is counted byte by byte.
pub fn cannot_pass(text: &str, limit: usize) -> bool {
    let bytes = text.as_bytes();
    let Some(first) = memchr::memchr2(b'[', b'{', bytes) else {
        return true;
    };
    let rest = bytes.get(first..).unwrap_or_default();
    // Every counted token starts at a character of its own: a stretch no longer than the
    // limit cannot hold more.
    rest.len() <= limit || rest.iter().filter(|&&b| counted(b)).take(limit + 1).count() <= limit
}

/// The characters at which [`Lexer::normal`] may count a token (each is ASCII, and no byte
/// of a multi-byte UTF-8 character equals one). `tokens_only_start_at_counted_characters`
/// checks the lexer against this list.
const fn counted(byte: u8) -> bool {
    matches!(
        byte,
        b'[' | b']' | b'{' | b'}' | b',' | b'\'' | b'"' | b'-' | b'.' | b'?' | b':' | b'&' | b'!' | b'*'
    )
}

/// The error for a stream whose reading [`Meter`] stopped at byte `at` of `body`.
pub fn pending_error(limit: usize, at: usize, bom: usize, body: &str) -> SyntaxError {
    let width = body.get(at..).and_then(|rest| rest.chars().next()).map_or(0, char::len_utf8);
    SyntaxError::new(
        format!("more than {limit} YAML tokens before a value completes"),
        Span::new(bom + at, bom + at + width),
    )
    .with_help(
        "ecslint bounds the memory of its YAML parser: write a long list one `- item` per line \
         (block style) rather than in brackets",
    )
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Mode {
    /// Between tokens.
    #[default]
    Normal,
    /// In a plain scalar, or an anchor, tag or alias (`prop`), which end at a blank.
    Plain {
        prop: bool,
    },
    Single,
    Double,
    /// Right after a `\` in a double-quoted scalar, or on the second `'` of a `''`.
    Escaped {
        single: bool,
    },
    Comment,
    /// On a block scalar's header line; its content is indented more than `parent`, by
    /// `explicit` columns when the header says so.
    BlockHeader {
        parent: isize,
        explicit: Option<isize>,
    },
    /// In a block scalar's content, indented `indent` (set by its first non-empty line, as
    /// the parser does): a non-empty line indented less ends it.
    BlockBody {
        parent: isize,
        indent: Option<isize>,
    },
}

/// Just enough of YAML's lexical structure to tell which characters start tokens.
#[derive(Debug)]
struct Lexer {
    mode: Mode,
    /// Open flow collections.
    depth: usize,
    /// Column of the current character (characters since the line began).
    column: usize,
    /// Only blanks so far on this line.
    indenting: bool,
    previous: char,
    /// Column of the last node or entry that began on this line in block context: a block
    /// scalar's content must be indented more than the collection it belongs to.
    last_start: Option<usize>,
    /// This line began with `---`: a block scalar on it is the document's top node.
    marker_line: bool,
}

impl Default for Lexer {
    fn default() -> Self {
        Self {
            mode: Mode::Normal,
            depth: 0,
            column: 0,
            indenting: true,
            previous: '\n',
            last_start: None,
            marker_line: false,
        }
    }
}

const fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t')
}

const fn is_break(c: char) -> bool {
    matches!(c, '\n' | '\r')
}

const fn is_flow_indicator(c: char) -> bool {
    matches!(c, ',' | '[' | ']' | '{' | '}')
}

impl Lexer {
    /// Reads `c` (followed by `next`); `true` when a token starts at `c` inside a flow collection.
    fn step(&mut self, c: char, next: Option<char>) -> bool {
        let starts = self.token_starts(c, next);
        self.previous = c;
        if is_break(c) {
            // A CR of a CRLF is followed by its LF: either way the next line starts at column 0.
            self.column = 0;
            self.indenting = true;
            self.last_start = None;
            self.marker_line = false;
        } else {
            self.column += 1;
            self.indenting &= is_blank(c);
        }
        starts && self.depth > 0
    }

    fn token_starts(&mut self, c: char, next: Option<char>) -> bool {
        let blank_or_end = next.is_none_or(|n| is_blank(n) || is_break(n));
        match self.mode {
            Mode::Normal => {}
            Mode::Plain { prop } => {
                let ends = is_break(c)
                    || (is_blank(c) && (prop || next == Some('#')))
                    || (self.depth > 0 && is_flow_indicator(c))
                    || (!prop
                        && c == ':'
                        && (blank_or_end || (self.depth > 0 && next.is_some_and(is_flow_indicator))));
                if !ends {
                    return false;
                }
                self.mode = Mode::Normal;
            }
            Mode::Single => {
                if c == '\'' {
                    self.mode =
                        if next == Some('\'') { Mode::Escaped { single: true } } else { Mode::Normal };
                }
                return false;
            }
            Mode::Double => {
                match c {
                    '\\' => self.mode = Mode::Escaped { single: false },
                    '"' => self.mode = Mode::Normal,
                    _ => {}
                }
                return false;
            }
            Mode::Escaped { single } => {
                self.mode = if single { Mode::Single } else { Mode::Double };
                return false;
            }
            Mode::Comment => {
                if is_break(c) {
                    self.mode = Mode::Normal;
                }
                return false;
            }
            Mode::BlockHeader { parent, explicit } => {
                if is_break(c) {
                    let indent = explicit.map(|n| parent.max(0) + n);
                    self.mode = Mode::BlockBody { parent, indent };
                } else if let Some(digit) = c.to_digit(10).filter(|_| explicit.is_none()) {
                    let digit = isize::try_from(digit).unwrap_or(1);
                    self.mode = Mode::BlockHeader { parent, explicit: Some(digit) };
                }
                return false;
            }
            Mode::BlockBody { parent, indent } => {
                // Blanks of the indentation, empty lines and the rest of a content line are content.
                if !self.indenting || is_blank(c) || is_break(c) {
                    return false;
                }
                let column = isize::try_from(self.column).unwrap_or(isize::MAX);
                let document_marker = self.column == 0 && matches!(c, '-' | '.') && next == Some(c);
                let content = !document_marker
                    && match indent {
                        Some(indent) => column >= indent,
                        None => column > parent,
                    };
                if content {
                    if indent.is_none() {
                        self.mode = Mode::BlockBody { parent, indent: Some(column) };
                    }
                    return false;
                }
                self.mode = Mode::Normal;
            }
        }
        self.normal(c, next, blank_or_end)
    }

    /// A character between tokens.
    fn normal(&mut self, c: char, next: Option<char>, blank_or_end: bool) -> bool {
        if is_blank(c) || is_break(c) {
            return false;
        }
        if c == '#' && (is_blank(self.previous) || is_break(self.previous)) {
            self.mode = Mode::Comment;
            return false;
        }
        let flow = self.depth > 0;
        match c {
            // `---` and `...` mark documents: no node starts there.
            '-' | '.' if self.column == 0 && next == Some(c) => {
                self.marker_line = true;
                self.mode = Mode::Plain { prop: true };
            }
            '[' | '{' => self.depth += 1,
            ']' | '}' => self.depth = self.depth.saturating_sub(1),
            ',' if flow => {}
            '\'' => self.mode = Mode::Single,
            '"' => self.mode = Mode::Double,
            '|' | '>' if !flow => {
                // Indented past the entry it belongs to; alone on its line (`key:` above it),
                // past nothing to its left; after `---`, anything.
                let parent = match self.last_start {
                    Some(column) => isize::try_from(column).unwrap_or(isize::MAX),
                    None if self.marker_line => -1,
                    None => isize::try_from(self.column).map_or(isize::MAX, |c| c - 1),
                };
                self.mode = Mode::BlockHeader { parent, explicit: None };
            }
            '-' | '?' | ':' if blank_or_end || (flow && c != '-' && next.is_some_and(is_flow_indicator)) => {
                if !flow && c != ':' {
                    self.last_start = Some(self.column);
                }
            }
            '&' | '!' | '*' => self.mode = Mode::Plain { prop: true },
            _ => {
                if !flow {
                    self.last_start = Some(self.column);
                }
                // In a flow collection plain scalars are kept apart by indicators, so at
                // least every other token starts with one: counting those bounds the queue.
                self.mode = Mode::Plain { prop: false };
                return false;
            }
        }
        if !flow && matches!(c, '\'' | '"') {
            self.last_start = Some(self.column);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    /// The tokens counted inside flow collections over all of `text`.
    fn count(text: &str) -> usize {
        let mut lexer = Lexer::default();
        let chars: Vec<char> = text.chars().collect();
        (0..chars.len()).filter(|&i| lexer.step(chars[i], chars.get(i + 1).copied())).count()
    }

    #[test]
    fn tokens_are_counted_in_flow_collections_only() {
        // Tokens that start with an indicator; the bracket that closes the outermost
        // collection ends flow context and is not counted.
        assert_eq!(count("[x, y]\n"), 2);
        assert_eq!(count("[&a x, *a, !t 'q,r']\n"), 7);
        assert_eq!(count("{a: 1, b: [c]}\n"), 6);
        // Plain scalars in block context may hold flow indicators; in flow, they end one.
        assert_eq!(count("a: x,y[z]{w}\nb: it's\n"), 0);
        assert_eq!(count("- [a:b, c'd]\n"), 2);
    }

    #[test]
    fn tokens_only_start_at_counted_characters() {
        // The proof of `cannot_pass`: wherever the lexer counts, the character is one of
        // `counted`, in every mode (scalars, comments, block scalars, document markers).
        let alphabet = [
            "[", "]", "{", "}", ",", "'", "\"", "-", ".", "?", ":", "&", "!", "*", "|", ">", "#", " ", "\t",
            "\n", "\r", "a", "1", "ü", "\\", "--- ", "... ", "- ", ": ", "? ", "|2\n",
        ];
        for text in crate::source::random_texts(&alphabet, 0x2545_f491_4f6c_dd1d, 4_000, 40) {
            let mut lexer = Lexer::default();
            let chars: Vec<char> = text.chars().collect();
            for (i, &c) in chars.iter().enumerate() {
                if lexer.step(c, chars.get(i + 1).copied()) {
                    assert!(u8::try_from(c).is_ok_and(counted), "{c:?} counted in {text:?}");
                }
            }
            // So no limit below what the lexer counts in the whole text is taken for safe.
            let total = count(&text);
            if total > 0 {
                assert!(!cannot_pass(&text, total - 1), "{total} tokens passed as fewer in {text:?}");
            }
        }
    }

    #[test]
    fn texts_without_enough_flow_characters_cannot_pass() {
        let block: String = (0..10_000).fold(String::new(), |mut text, i| {
            writeln!(text, "- item-{i}: 'x, y'").unwrap();
            text
        });
        assert!(cannot_pass(&block, 10), "no bracket at all");
        let short = format!("{block}list: [a, b]\n");
        assert!(cannot_pass(&short, 10));
        assert!(!cannot_pass(&short, 2), "[ , ] are three counted characters");
        let long = format!("list: [{}]\n", vec!["x"; 2_000].join(", "));
        assert!(!cannot_pass(&long, 1_000));
        assert!(cannot_pass(&long, 2_001));
    }

    #[test]
    fn scalars_and_comments_are_one_token_whatever_they_hold() {
        let json = format!("{{\"panels\": [{}]}}", vec!["{\"id\": 1, \"x\": [1, 2]}"; 50].join(", "));
        let block = format!("data:\n  dash.json: |\n    {json}\n    {json}\n\n    {json}\nnext: [a]\n");
        assert_eq!(count(&block), 1);
        let folded = format!("- >-\n  {json}\n- [a]\n");
        assert_eq!(count(&folded), 1);
        let nested = format!("- key: |\n    {json}\n  other: [a]\n");
        assert_eq!(count(&nested), 1);
        let quoted = format!("[\"{}\", 'a''b,c', \"x\\\"]\"]\n", ",".repeat(1000));
        assert_eq!(count(&quoted), 6);
        assert_eq!(count("[a, # [b, c, d\n e]\n"), 2);
        assert_eq!(count("a: x #[b, c\nb: 'it''s [' # ]\n"), 0);
        let top = format!("--- |\n{json}\n---\n[a]\n");
        assert_eq!(count(&top), 1);
        // The first content line sets the indentation, as in the parser: a line indented
        // less ends the block even when it is indented past the key.
        let less = format!("a: |\n      x\n  [{json}]\n");
        assert!(count(&less) > 400, "{}", count(&less));
        let explicit = format!("a: |2\n    {json}\n  {json}\nb: [c]\n");
        assert_eq!(count(&explicit), 1);
    }
}
