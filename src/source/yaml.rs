//! YAML into the spanned tree, on top of `saphyr-parser`'s event stream.
//!
//! We build the tree ourselves instead of using a YAML DOM crate so that we keep
//! control of everything hostile input can abuse: nesting depth is limited before it
//! costs stack or memory, alias expansion is counted and bounded (no "billion laughs"),
//! so are the tokens the parser may queue before it produces an event (a huge flow
//! list, see `meter.rs`), and duplicate keys are reported with both locations. The tree
//! is built with an explicit stack, so no input recurses. Scalars resolve by the YAML 1.2
//! core schema (`yes`/`no`/`on`/`off` stay strings, unlike YAML 1.1 and `serde_yaml` of old).
//!
//! Tags: `!!str` keeps a plain scalar a string. A local tag (`!Ref x`, ROS's short form of
//! `{Ref: x}`) is dropped by [`parse_yaml`] and kept by [`parse_yaml_tagged`], as a mapping
//! of one entry keyed by the tag as written (`!Ref`, spanning the tag) whose value is the
//! node (spanning its content); the mapping spans both. What a tag means is the reader's to
//! say (see `super::tags`). Every other tag is dropped.

use super::extent;
use super::meter::{Meter, MeteredChars, cannot_pass, pending_error};
use super::plain::{self, Plain};
use super::{Document, Entry, Key, Limits, Node, Span, SyntaxError, Value};
use saphyr_parser::{BufferedInput, Event, Input, Marker, Parser, ScalarStyle, ScanError};
use std::collections::HashMap;

/// Parses every document of a YAML stream; local tags (`!Ref`) are dropped.
pub fn parse_yaml(text: &str, limits: Limits) -> Result<Vec<Document>, SyntaxError> {
    drive(text, limits, Tags::Drop, Builder::event).map(|builder| builder.documents)
}

/// Parses every document of a YAML stream, keeping each local tag (`!Ref x`) as a mapping
/// of one entry (`{"!Ref": x}`, the key spanning the tag): see the module's documentation.
pub fn parse_yaml_tagged(text: &str, limits: Limits) -> Result<Vec<Document>, SyntaxError> {
    drive(text, limits, Tags::Keep, Builder::event).map(|builder| builder.documents)
}

/// What the tree holds of a local tag (`!Ref`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tags {
    Drop,
    Keep,
}

/// Which input the parser reads: the `str` itself, or its characters through the token meter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reading {
    /// When [`cannot_pass`] proves the meter could never stop.
    Direct,
    Metered,
}

/// The byte spans of every scalar (keys included) of a YAML stream, in source order, as
/// far as it parses: a `#` inside one of them does not start a comment. Only events are
/// read (no tree is built, no alias expanded), under the same token bound as a parse.
pub fn scalar_spans(text: &str, limits: Limits) -> (Vec<Span>, Result<(), SyntaxError>) {
    let mut spans = Vec::new();
    let result = drive(text, limits, Tags::Drop, |builder, event, span| {
        match event {
            Event::Scalar(_, style, ..) => spans.push(builder.scalar_span(style, span)),
            Event::StreamEnd => return Ok(true),
            _ => {}
        }
        Ok(false)
    })
    .map(drop);
    (spans, result)
}

/// Runs the YAML parser over `text`, handing each event with its byte span to `handle`
/// until it returns `true` (the stream has ended) or an error; returns the builder.
fn drive<'a>(
    text: &'a str,
    limits: Limits,
    tags: Tags,
    handle: impl FnMut(&mut Builder<'a>, Event<'_>, Span) -> Result<bool, SyntaxError>,
) -> Result<Builder<'a>, SyntaxError> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    // A text that cannot pass the token limit (see `cannot_pass`: no flow collection, or
    // too few of the characters that start counted tokens) is parsed from the `str`
    // itself, without the lexer that counts tokens, which costs a character iterator and
    // a step per character: a tenth of a check's time on a corpus of small specs.
    let reading =
        if cannot_pass(body, limits.max_pending_indicators) { Reading::Direct } else { Reading::Metered };
    drive_reading(text, limits, reading, tags, handle)
}

/// [`drive`], reading as told.
fn drive_reading<'a>(
    text: &'a str,
    limits: Limits,
    reading: Reading,
    tags: Tags,
    handle: impl FnMut(&mut Builder<'a>, Event<'_>, Span) -> Result<bool, SyntaxError>,
) -> Result<Builder<'a>, SyntaxError> {
    let bom = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let body = text.get(bom..).unwrap_or("");
    let builder = Builder::new(body, bom, limits, tags);
    let meter = Meter::default();
    if reading == Reading::Direct {
        return events(Parser::new_from_str(body), builder, &meter, limits, handle);
    }
    let parser =
        Parser::new(BufferedInput::new(MeteredChars::new(body, &meter, limits.max_pending_indicators)));
    events(parser, builder, &meter, limits, handle)
}

/// The event loop of [`drive`], over either kind of input.
fn events<'a, T: Input>(
    mut parser: Parser<'a, T>,
    mut builder: Builder<'a>,
    meter: &Meter,
    limits: Limits,
    mut handle: impl FnMut(&mut Builder<'a>, Event<'_>, Span) -> Result<bool, SyntaxError>,
) -> Result<Builder<'a>, SyntaxError> {
    let (bom, body) = (builder.bom, builder.text);
    while let Some(event) = parser.next_event() {
        if let Some(at) = meter.stopped_at.get() {
            return Err(pending_error(limits.max_pending_indicators, at, bom, body));
        }
        meter.pending.set(0);
        match event {
            Ok((event, span)) => {
                let span = Span::new(builder.offset(span.start), builder.offset(span.end));
                if handle(&mut builder, event, span)? {
                    break;
                }
            }
            Err(error) => return Err(builder.scan_error(&error)),
        }
    }
    if let Some(at) = meter.stopped_at.get() {
        return Err(pending_error(limits.max_pending_indicators, at, bom, body));
    }
    Ok(builder)
}

enum Frame {
    Seq { start: usize, anchor: usize, tag: Option<LocalTag>, items: Vec<Node> },
    Map(MapFrame),
}

/// A local tag kept on a node (see [`parse_yaml_tagged`]): the tag as written, where it is,
/// and where the node's content starts after it.
struct LocalTag {
    name: Box<str>,
    span: Span,
    content: usize,
}

struct MapFrame {
    start: usize,
    anchor: usize,
    tag: Option<LocalTag>,
    entries: Vec<Entry>,
    key: Option<Key>,
    /// Values of `<<` merge keys, applied when the mapping ends.
    merges: Vec<Node>,
    /// Key positions, built once a mapping is large enough that a linear search would be quadratic.
    index: Option<HashMap<Box<str>, usize>>,
}

impl MapFrame {
    fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self.entries.iter().position(|e| &*e.key.name == key),
        }
    }

    fn insert(&mut self, entry: Entry) {
        const INDEX_FROM: usize = 32;
        if self.index.is_none() && self.entries.len() >= INDEX_FROM {
            let index = self.entries.iter().enumerate().map(|(i, e)| (e.key.name.clone(), i)).collect();
            self.index = Some(index);
        }
        if let Some(index) = &mut self.index {
            index.insert(entry.key.name.clone(), self.entries.len());
        }
        self.entries.push(entry);
    }
}

struct Builder<'a> {
    text: &'a str,
    bom: usize,
    /// Maps the parser's markers to byte offsets (empty for ASCII text, where they coincide).
    positions: Positions,
    limits: Limits,
    tags: Tags,
    stack: Vec<Frame>,
    /// Copies of anchored nodes by anchor id, with what copying them costs.
    anchors: HashMap<usize, (Node, Cost)>,
    /// Anchor ids whose node was too large to copy (a bit set: a file may hold
    /// millions of anchors, and these must not cost a map entry each).
    dropped: Vec<u64>,
    /// What aliases copied in the whole stream.
    expanded: Cost,
    /// What `anchors` holds for the current document.
    stored: Cost,
    documents: Vec<Document>,
}

/// Byte offsets of parser markers in non-ASCII text, in constant time per look-up.
///
/// Markers give a line and a column in characters. Walking a line's characters for
/// every event would be quadratic on a long line (one flow list on one line), so the
/// byte offset of every [`Positions::STRIDE`]-th character is kept, and a look-up
/// walks fewer than `STRIDE` characters from the nearest one.
#[derive(Default)]
struct Positions {
    /// For each line (as YAML counts them: `\n`, `\r\n` or a lone `\r` ends one), the
    /// character index of its first character.
    line_chars: Vec<usize>,
    /// The byte offset of character `k * STRIDE`.
    checkpoints: Vec<usize>,
}

impl Positions {
    const STRIDE: usize = 64;

    fn new(text: &str) -> Self {
        let mut line_chars = vec![0];
        let mut checkpoints = Vec::with_capacity(text.len() / Self::STRIDE + 1);
        let mut previous = '\0';
        for (index, (byte, c)) in text.char_indices().enumerate() {
            if index % Self::STRIDE == 0 {
                checkpoints.push(byte);
            }
            // A `\n` right after a `\r` ends the same line break.
            if previous == '\r' && c != '\n' {
                line_chars.push(index);
            }
            if c == '\n' {
                line_chars.push(index + 1);
            }
            previous = c;
        }
        if previous == '\r' {
            line_chars.push(text.chars().count());
        }
        Self { line_chars, checkpoints }
    }

    /// The byte offset of the 0-based character `col` of 1-based `line`, clamped to the text.
    fn offset(&self, text: &str, line: usize, col: usize) -> usize {
        let Some(line_start) = self.line_chars.get(line.saturating_sub(1)) else {
            return text.len();
        };
        let index = line_start.saturating_add(col);
        let Some(&checkpoint) = self.checkpoints.get(index / Self::STRIDE) else {
            return text.len();
        };
        let rest = text.get(checkpoint..).unwrap_or("");
        rest.char_indices().nth(index % Self::STRIDE).map_or(text.len(), |(i, _)| checkpoint + i)
    }
}

impl<'a> Builder<'a> {
    fn new(text: &'a str, bom: usize, limits: Limits, tags: Tags) -> Self {
        let positions = if text.is_ascii() { Positions::default() } else { Positions::new(text) };
        Self {
            text,
            bom,
            positions,
            limits,
            tags,
            stack: Vec::new(),
            anchors: HashMap::new(),
            dropped: Vec::new(),
            expanded: Cost::default(),
            stored: Cost::default(),
            documents: Vec::new(),
        }
    }

    /// The byte offset in the original text of a parser marker (which counts characters).
    fn offset(&self, marker: Marker) -> usize {
        let local = if self.positions.checkpoints.is_empty() {
            marker.index().min(self.text.len())
        } else {
            self.positions.offset(self.text, marker.line(), marker.col())
        };
        local + self.bom
    }

    fn scan_error(&self, error: &ScanError) -> SyntaxError {
        let start = self.offset(*error.marker());
        let width =
            self.text.get(start - self.bom..).and_then(|s| s.chars().next()).map_or(0, char::len_utf8);
        let span = Span::new(start, start + width);
        if error.info().contains("recursion limit") {
            return SyntaxError::new("nesting is deeper than the YAML parser allows", span).with_help(
                "ecslint limits nesting to protect itself from hostile input; no spec needs this depth",
            );
        }
        SyntaxError::new(error.info().to_string(), span)
    }

    /// Handles one event; returns `true` when the stream has ended.
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<bool, SyntaxError> {
        match event {
            Event::StreamEnd => return Ok(true),
            Event::DocumentStart(_) => {
                self.anchors.clear();
                self.dropped.clear();
                self.stored = Cost::default();
            }
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => {}
            Event::Scalar(value, style, anchor, tag) => {
                let verbatim = style != ScalarStyle::Plain
                    || tag.as_ref().is_some_and(|t| t.handle == "tag:yaml.org,2002:" && t.suffix == "str");
                let value = if verbatim { Value::Str(super::boxed(value)) } else { resolve_plain(&value) };
                let span = self.scalar_span(style, span);
                // A key's tag is dropped: a key is a name, never a function.
                let key = || matches!(self.stack.last(), Some(Frame::Map(map)) if map.key.is_none());
                let tag =
                    if tag.is_none() || key() { None } else { self.local_tag(tag.as_deref(), span.start()) };
                self.complete(tagged(Node::new(span, value), tag), anchor)?;
            }
            Event::Alias(id) => {
                let budget = self.budget();
                let dropped = self.dropped.get(id / 64).is_some_and(|bits| bits & (1 << (id % 64)) != 0);
                let node = match self.anchors.get(&id) {
                    None if !dropped => {
                        return Err(SyntaxError::new("alias refers to an unknown anchor", span));
                    }
                    Some((node, cost)) if self.expanded.plus(*cost).within(budget) => {
                        self.expanded = self.expanded.plus(*cost);
                        Node::new(span, node.value.clone())
                    }
                    _ => {
                        return Err(SyntaxError::new(
                            format!(
                                "aliases expand to more than {} nodes or {} bytes of text",
                                budget.nodes, budget.bytes
                            ),
                            span,
                        )
                        .with_help(
                            "this looks like an alias bomb; write the values out or use fewer nested aliases",
                        ));
                    }
                };
                self.complete(node, 0)?;
            }
            Event::SequenceStart(anchor, tag) => {
                self.check_depth(span)?;
                let tag = self.local_tag(tag.as_deref(), span.start());
                self.stack.push(Frame::Seq { start: span.start(), anchor, tag, items: Vec::new() });
            }
            Event::MappingStart(anchor, tag) => {
                self.check_depth(span)?;
                let tag = self.local_tag(tag.as_deref(), span.start());
                self.stack.push(Frame::Map(MapFrame {
                    start: span.start(),
                    anchor,
                    tag,
                    entries: Vec::new(),
                    key: None,
                    merges: Vec::new(),
                    index: None,
                }));
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq { start, anchor, tag, items }) = self.stack.pop() {
                    let end = self.container_end(start, span, items.last().map(|n| n.span.end()));
                    // Every tree of a run is kept until it ends: give back the room lists grew into.
                    let items = super::fit(items).into_boxed_slice();
                    self.complete(tagged(Node::new(Span::new(start, end), Value::Seq(items)), tag), anchor)?;
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map(mut map)) = self.stack.pop() {
                    let end =
                        self.container_end(map.start, span, map.entries.last().map(|e| e.value.span.end()));
                    let (start, anchor, tag) = (map.start, map.anchor, map.tag.take());
                    let entries = super::fit(apply_merges(map)?).into_boxed_slice();
                    self.complete(
                        tagged(Node::new(Span::new(start, end), Value::Map(entries)), tag),
                        anchor,
                    )?;
                }
            }
        }
        Ok(false)
    }

    /// The local tag (`!Ref`) of a node that starts at `start`, when the tree keeps them.
    fn local_tag(&self, tag: Option<&saphyr_parser::Tag>, start: usize) -> Option<LocalTag> {
        let tag = tag.filter(|t| self.tags == Tags::Keep && t.handle == "!")?;
        let local = start.checked_sub(self.bom)?;
        let (range, content) = extent::tag_and_content(self.text.get(local..)?)?;
        Some(LocalTag {
            name: format!("!{}", tag.suffix).into(),
            span: Span::new(start + range.start, start + range.end),
            content: start + content,
        })
    }

    fn check_depth(&self, span: Span) -> Result<(), SyntaxError> {
        if self.stack.len() >= self.limits.max_depth {
            let width = usize::from(span.end() > span.start());
            return Err(SyntaxError::new(
                format!("nesting is deeper than {} levels", self.limits.max_depth),
                Span::new(span.start(), span.start() + width),
            )
            .with_help(
                "ecslint limits nesting to protect itself from hostile input; no spec needs this depth",
            ));
        }
        Ok(())
    }

    /// A flow collection ends at its closing bracket; a block one at its last child.
    fn container_end(&self, start: usize, end_event: Span, last_child: Option<usize>) -> usize {
        let flow = self.text.get(start.saturating_sub(self.bom)..).is_some_and(extent::is_flow_collection);
        if flow && end_event.end() > end_event.start() {
            // The end event starts at the closing bracket, but its span runs on over the
            // blanks and the comment after it: `tags: [a]  # note` is `[a]`, not `[a]  # note`.
            let closing = self.text.as_bytes().get(end_event.start().saturating_sub(self.bom));
            if closing.is_some_and(|&b| b == b']' || b == b'}') {
                end_event.start() + 1
            } else {
                end_event.end()
            }
        } else {
            last_child.unwrap_or(start).max(start)
        }
    }

    /// The bytes a scalar was written in: the parser's span less the blanks after a plain or
    /// block scalar and the blanks and comment after a quoted one.
    fn scalar_span(&self, style: ScalarStyle, span: Span) -> Span {
        match style {
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => self
                .text
                .get(span.start().saturating_sub(self.bom)..span.end().saturating_sub(self.bom))
                .and_then(extent::quoted_len)
                .map_or(span, |len| Span::new(span.start(), span.start() + len)),
            _ => self.trim_end(span),
        }
    }

    fn trim_end(&self, span: Span) -> Span {
        // Most scalars end at a byte that is not a blank (the parser's span of a plain
        // scalar stops at its last character): nothing to trim, and no `str` to slice.
        let last = span.end().checked_sub(self.bom + 1).and_then(|at| self.text.as_bytes().get(at));
        if span.end() > span.start() && last.is_some_and(|&b| b.is_ascii() && !(b as char).is_whitespace()) {
            return span;
        }
        let local = self.text.get(span.start().saturating_sub(self.bom)..span.end().saturating_sub(self.bom));
        local.map_or(span, |s| Span::new(span.start(), span.start() + s.trim_end().len()))
    }

    /// What aliases may copy in a whole stream: nodes, and bytes of strings and keys.
    const fn budget(&self) -> Cost {
        Cost { nodes: self.limits.max_alias_nodes, bytes: self.limits.max_alias_bytes }
    }

    /// Keeps a copy of an anchored node for later aliases, within two budgets: a node
    /// larger than what aliases may still expand is never copied (any alias to it fails),
    /// and a document's copies together stay under the same cost. So neither nested
    /// anchors (`&a [&b [&c [...]]]`, every level a copy of everything below) nor many
    /// anchors can make memory grow past a fixed multiple of the budget.
    fn keep_anchor(&mut self, anchor: usize, node: &Node) {
        let budget = self.budget();
        let room = budget.minus(self.expanded).min(budget.minus(self.stored));
        if let Some(cost) = cost_of(node, room) {
            self.stored = self.stored.plus(cost);
            self.anchors.insert(anchor, (node.clone(), cost));
        } else {
            // Too large to keep: any alias to it would blow the budget anyway.
            if self.dropped.len() <= anchor / 64 {
                self.dropped.resize(anchor / 64 + 1, 0);
            }
            if let Some(bits) = self.dropped.get_mut(anchor / 64) {
                *bits |= 1 << (anchor % 64);
            }
        }
    }

    /// Attaches a finished node to its parent, or makes it a document root.
    fn complete(&mut self, node: Node, anchor: usize) -> Result<(), SyntaxError> {
        if anchor != 0 {
            self.keep_anchor(anchor, &node);
        }
        match self.stack.last_mut() {
            None => self.documents.push(Document { root: node }),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map(map)) => match map.key.take() {
                None => map.key = Some(key_of(node)?),
                Some(key) if &*key.name == "<<" => map.merges.push(merge_source(node, self.text, self.bom)),
                Some(key) => {
                    if let Some(first) = map.position(&key.name).and_then(|i| map.entries.get(i)) {
                        let mut error = SyntaxError::new(format!("duplicate key `{}`", key.name), key.span)
                            .with_help("remove one of the two entries; YAML keeps only one of them");
                        error.labels.push((first.key.span, "first defined here".into()));
                        return Err(error);
                    }
                    map.insert(Entry { key, value: node });
                }
            },
        }
        Ok(())
    }
}

/// `node` under its local tag, if it has one: a mapping of one entry keyed by the tag, whose
/// value is the node from where its content starts (see [`parse_yaml_tagged`]).
fn tagged(mut node: Node, tag: Option<LocalTag>) -> Node {
    let Some(tag) = tag else { return node };
    let outer = node.span;
    let start = tag.content.clamp(tag.span.end(), outer.end().max(tag.span.end()));
    node.span = Span::new(start, outer.end().max(start));
    let entry = Entry { key: Key { name: tag.name, span: tag.span }, value: node };
    Node::new(outer, Value::Map(vec![entry].into_boxed_slice()))
}

fn key_of(node: Node) -> Result<Key, SyntaxError> {
    let name = match node.value {
        Value::Str(s) => s,
        Value::Int(i) => i.to_string().into(),
        Value::Bool(b) => b.to_string().into(),
        Value::Float(f) => f.to_string().into(),
        Value::Null => "null".into(),
        Value::Seq(_) | Value::Map(_) => {
            return Err(SyntaxError::new(
                "a mapping key must be a plain value, not a list or mapping",
                node.span,
            ));
        }
    };
    Ok(Key { name, span: node.span })
}

/// Applies `<<` merge keys: merged entries fill in keys the mapping does not set itself.
/// What a `<<` merge key's value merges: a tag means nothing there, so a local tag kept
/// around a source (`&base !defaults {...}` merged by `<<: *base`, see [`tagged`]) is taken
/// off it, and off each source of a list, as [`parse_yaml`] reads it. `text` is the text
/// after the byte-order mark, `bom` its length.
fn merge_source(mut node: Node, text: &str, bom: usize) -> Node {
    while let Value::Map(entries) = &mut node.value {
        let [entry] = &mut entries[..] else { break };
        let at = entry.key.span.start().checked_sub(bom);
        if !entry.key.name.starts_with('!') || at.and_then(|at| text.as_bytes().get(at)) != Some(&b'!') {
            break;
        }
        let inner = std::mem::replace(&mut entry.value.value, Value::Null);
        node.value = inner;
    }
    if let Value::Seq(items) = &mut node.value {
        for item in items.iter_mut() {
            *item = merge_source(std::mem::replace(item, Node::new(item.span, Value::Null)), text, bom);
        }
    }
    node
}

fn apply_merges(mut map: MapFrame) -> Result<Vec<Entry>, SyntaxError> {
    for merge in std::mem::take(&mut map.merges) {
        let sources = match merge.value {
            Value::Map(entries) => vec![entries],
            Value::Seq(items) => items
                .into_iter()
                .map(|item| match item.value {
                    Value::Map(entries) => Ok(entries),
                    _ => Err(SyntaxError::new("a `<<` merge list may only hold mappings", item.span)),
                })
                .collect::<Result<_, _>>()?,
            _ => {
                return Err(SyntaxError::new(
                    "a `<<` merge key needs a mapping or a list of mappings",
                    merge.span,
                ));
            }
        };
        for entry in sources.into_iter().flatten() {
            if map.position(&entry.key.name).is_none() {
                map.insert(entry);
            }
        }
    }
    Ok(map.entries)
}

/// What copying a tree costs: its nodes, and the bytes of its strings and keys. Counting
/// nodes alone let one anchored 1 MB string, aliased a thousand times, take a gigabyte.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Cost {
    nodes: usize,
    bytes: usize,
}

impl Cost {
    const fn plus(self, other: Self) -> Self {
        Self { nodes: self.nodes.saturating_add(other.nodes), bytes: self.bytes.saturating_add(other.bytes) }
    }

    const fn minus(self, other: Self) -> Self {
        Self { nodes: self.nodes.saturating_sub(other.nodes), bytes: self.bytes.saturating_sub(other.bytes) }
    }

    fn min(self, other: Self) -> Self {
        Self { nodes: self.nodes.min(other.nodes), bytes: self.bytes.min(other.bytes) }
    }

    const fn within(self, limit: Self) -> bool {
        self.nodes <= limit.nodes && self.bytes <= limit.bytes
    }
}

/// The cost of copying `node`'s tree, or `None` as soon as it exceeds `limit`.
fn cost_of(node: &Node, limit: Cost) -> Option<Cost> {
    let mut cost = Cost::default();
    let mut pending = vec![node];
    while let Some(node) = pending.pop() {
        cost.nodes += 1;
        // Every pending node counts at least one, so give up before queueing a huge list.
        let (children, bytes) = match &node.value {
            Value::Seq(items) => (items.len(), 0),
            Value::Map(entries) => (entries.len(), entries.iter().map(|e| e.key.name.len()).sum()),
            Value::Str(s) => (0, s.len()),
            _ => (0, 0),
        };
        cost.bytes = cost.bytes.saturating_add(bytes);
        if cost.nodes + pending.len() + children > limit.nodes || cost.bytes > limit.bytes {
            return None;
        }
        match &node.value {
            Value::Seq(items) => pending.extend(items),
            Value::Map(entries) => pending.extend(entries.iter().map(|e| &e.value)),
            _ => {}
        }
    }
    Some(cost)
}

/// A plain scalar's value under the YAML 1.2 core schema.
fn resolve_plain(text: &str) -> Value {
    match plain::resolve(text) {
        Plain::Null => Value::Null,
        Plain::Bool(b) => Value::Bool(b),
        Plain::Int(i) => Value::Int(i),
        Plain::Float(f) => Value::Float(f),
        Plain::Str => Value::Str(text.into()),
    }
}

#[cfg(test)]
mod tests;
