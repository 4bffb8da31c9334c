//! JSON (RFC 8259) into the spanned tree, with a hand-written parser.
//!
//! `serde_json` keeps no positions, and every diagnostic needs the exact byte span of
//! the key or value it is about. Writing the parser ourselves also lets us report
//! duplicate keys with both locations (`serde_json` silently keeps the last one) and
//! limit nesting depth against hostile input. The parser works on bytes with an
//! explicit stack, so no input can recurse, and decodes each string straight into its
//! final `String` (no per-character allocation).

use super::{Entry, Key, Limits, Node, Span, SyntaxError, Value};
use std::collections::HashMap;

/// Objects with this many entries get a hash index, so duplicate checks stay linear.
const INDEX_FROM: usize = 16;
const DEPTH_HELP: &str =
    "ecslint limits nesting to protect itself from hostile input; no spec needs this depth";
const ESCAPE_HELP: &str = r#"JSON escapes are `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t` and `\uXXXX`"#;
const SURROGATE_HELP: &str = r"a `\uD800`-`\uDBFF` escape must be followed by a `\uDC00`-`\uDFFF` escape";
const QUOTES_HELP: &str = "strings and keys in JSON must be in double quotes";

/// A syntax error with help text.
fn error(message: impl Into<String>, span: Span, help: &str) -> SyntaxError {
    SyntaxError::new(message, span).with_help(help)
}

/// Parses a whole JSON file. An empty or whitespace-only file is a `null` at `0..0`.
pub fn parse_json(text: &str, limits: Limits) -> Result<Node, SyntaxError> {
    let bom = text.strip_prefix('\u{feff}').map_or(0, |rest| text.len() - rest.len());
    let mut parser = Parser { text, bytes: text.as_bytes(), pos: bom };
    parser.skip_ws();
    if parser.pos >= text.len() {
        return Ok(Node::new(Span::default(), Value::Null));
    }
    let root = parser.parse(limits.max_depth)?;
    parser.skip_ws();
    if parser.pos < text.len() {
        return Err(parser.expected("end of file after the JSON value"));
    }
    Ok(root)
}

/// An array or object whose closing bracket has not been seen yet.
enum Frame {
    Seq {
        start: usize,
        items: Vec<Node>,
    },
    Map {
        start: usize,
        entries: Vec<Entry>,
        /// The key whose value is being parsed.
        key: Key,
        /// Key positions in `entries`, built once the object is large.
        index: Option<HashMap<Box<str>, usize>>,
    },
}

impl Frame {
    fn open(bracket: u8, start: usize) -> Self {
        if bracket == b'[' {
            return Self::Seq { start, items: Vec::new() };
        }
        let key = Key { name: Box::default(), span: Span::default() };
        Self::Map { start, entries: Vec::new(), key, index: None }
    }

    const fn close(&self) -> u8 {
        match self {
            Self::Seq { .. } => b']',
            Self::Map { .. } => b'}',
        }
    }

    fn push(&mut self, value: Node) {
        match self {
            Self::Seq { items, .. } => items.push(value),
            Self::Map { entries, key, .. } => {
                let key = Key { name: std::mem::take(&mut key.name), span: key.span };
                entries.push(Entry { key, value });
            }
        }
    }

    /// The finished node; its list gives back the room it grew into, since every tree of
    /// a run is kept until the run ends.
    fn finish(self, end: usize) -> Node {
        match self {
            Self::Seq { start, items } => {
                Node::new(Span::new(start, end), Value::Seq(super::fit(items).into_boxed_slice()))
            }
            Self::Map { start, entries, .. } => {
                Node::new(Span::new(start, end), Value::Map(super::fit(entries).into_boxed_slice()))
            }
        }
    }
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    /// Always on a character boundary: it only steps over ASCII or whole runs.
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn char_at(&self, pos: usize) -> Option<char> {
        self.text.get(pos..).and_then(|rest| rest.chars().next())
    }

    /// The span of the character at `pos`, or an empty span at the end of the text.
    fn char_span(&self, pos: usize) -> Span {
        Span::new(pos, pos + self.char_at(pos).map_or(0, char::len_utf8))
    }

    /// "expected X, found Y" at the current character, or "unexpected end of file".
    fn expected(&self, what: &str) -> SyntaxError {
        let message = match self.char_at(self.pos) {
            None => format!("unexpected end of file, expected {what}"),
            Some(c) if c.is_control() || c.is_whitespace() || c == '\u{feff}' => {
                format!("expected {what}, found character U+{:04X}", u32::from(c))
            }
            Some(c) => format!("expected {what}, found `{c}`"),
        };
        SyntaxError::new(message, self.char_span(self.pos))
    }

    /// Parses one value; arrays and objects are walked with `stack`, never by recursion.
    fn parse(&mut self, max_depth: usize) -> Result<Node, SyntaxError> {
        let mut stack: Vec<Frame> = Vec::new();
        'value: loop {
            self.skip_ws();
            let start = self.pos;
            let mut node = match self.peek() {
                Some(bracket @ (b'[' | b'{')) => {
                    if stack.len() >= max_depth {
                        let message = format!("nesting is deeper than {max_depth} levels");
                        return Err(error(message, Span::new(start, start + 1), DEPTH_HELP));
                    }
                    self.pos += 1;
                    self.skip_ws();
                    let mut frame = Frame::open(bracket, start);
                    if self.peek() == Some(frame.close()) {
                        self.pos += 1;
                        frame.finish(self.pos)
                    } else {
                        self.next_key(&mut frame)?;
                        stack.push(frame);
                        continue;
                    }
                }
                Some(b'"') => {
                    let text = self.parse_string()?;
                    Node::new(Span::new(start, self.pos), Value::Str(text))
                }
                Some(b'-' | b'0'..=b'9') => self.parse_number()?,
                Some(b) if b.is_ascii_alphabetic() => self.parse_word()?,
                _ => return Err(self.unexpected_value()),
            };
            // Hand the value to its container, closing every container that ends here.
            while let Some(mut frame) = stack.pop() {
                frame.push(node);
                self.skip_ws();
                let close = frame.close();
                match self.peek() {
                    Some(b',') => {
                        self.comma(close)?;
                        self.next_key(&mut frame)?;
                        stack.push(frame);
                        continue 'value;
                    }
                    Some(b) if b == close => {
                        self.pos += 1;
                        node = frame.finish(self.pos);
                    }
                    _ if close == b']' => {
                        return Err(self.expected("`,` or `]` after an array element"));
                    }
                    _ => return Err(self.expected("`,` or `}` after an object entry")),
                }
            }
            return Ok(node);
        }
    }

    /// Parses the next `"key":` when `frame` is an object.
    fn next_key(&mut self, frame: &mut Frame) -> Result<(), SyntaxError> {
        if let Frame::Map { entries, key, index, .. } = frame {
            *key = self.parse_key(entries, index)?;
        }
        Ok(())
    }

    /// Steps over the `,` at `pos` and rejects a `close` bracket right after it.
    fn comma(&mut self, close: u8) -> Result<(), SyntaxError> {
        let comma = self.pos;
        self.pos += 1;
        self.skip_ws();
        if self.peek() == Some(close) {
            let message = "trailing comma is not allowed in JSON";
            return Err(error(message, Span::new(comma, comma + 1), "remove this `,`"));
        }
        Ok(())
    }

    /// Parses `"key" :`, rejecting a key that `entries` already holds.
    fn parse_key(
        &mut self,
        entries: &[Entry],
        index: &mut Option<HashMap<Box<str>, usize>>,
    ) -> Result<Key, SyntaxError> {
        self.skip_ws();
        if self.peek() != Some(b'"') {
            let found = self.expected("a string key");
            let unquoted = self.peek().is_some_and(|b| b == b'\'' || b.is_ascii_alphanumeric());
            return Err(if unquoted { found.with_help(QUOTES_HELP) } else { found });
        }
        let start = self.pos;
        let name = self.parse_string()?;
        let key = Key { name, span: Span::new(start, self.pos) };
        let first = match index {
            Some(index) => index.get(&key.name).copied(),
            None => entries.iter().position(|e| e.key.name == key.name),
        };
        if let Some(first) = first.and_then(|i| entries.get(i)) {
            let help = "remove one of the two entries; JSON parsers disagree on which one wins";
            let mut duplicate = error(format!("duplicate key `{}`", key.name), key.span, help);
            duplicate.labels.push((first.key.span, "first defined here".into()));
            return Err(duplicate);
        }
        if index.is_none() && entries.len() >= INDEX_FROM {
            *index = Some(entries.iter().enumerate().map(|(i, e)| (e.key.name.clone(), i)).collect());
        }
        if let Some(index) = index {
            index.insert(key.name.clone(), entries.len());
        }
        self.skip_ws();
        if self.peek() != Some(b':') {
            return Err(self.expected("`:` after an object key"));
        }
        self.pos += 1;
        Ok(key)
    }

    /// Parses the string whose opening quote is at `pos`, leaving `pos` after the closing one.
    fn parse_string(&mut self) -> Result<Box<str>, SyntaxError> {
        let open = self.pos;
        self.pos += 1;
        let mut out = String::new();
        let mut run = self.pos;
        loop {
            let rest = self.bytes.get(self.pos..).unwrap_or_default();
            self.pos += rest.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20).unwrap_or(rest.len());
            let plain = self.text.get(run..self.pos).unwrap_or_default();
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    // Without escapes (each adds a character) the text is copied just once.
                    if out.is_empty() {
                        return Ok(plain.into());
                    }
                    out.push_str(plain);
                    return Ok(super::boxed(out.into()));
                }
                Some(b'\\') => {
                    out.push_str(plain);
                    self.parse_escape(&mut out)?;
                    run = self.pos;
                }
                Some(b'\n' | b'\r') => {
                    let help = r#"close the string with `"`, or write the line break as `\n`"#;
                    let message = "unescaped line break in string";
                    return Err(error(message, self.char_span(self.pos), help));
                }
                Some(b) => {
                    return Err(SyntaxError::new(
                        format!("control character U+{b:04X} must be escaped in a string"),
                        self.char_span(self.pos),
                    ));
                }
                None => {
                    let span = self.char_span(self.pos);
                    let mut unterminated = error("unterminated string", span, r#"add the closing `"`"#);
                    let label = (Span::new(open, open + 1), "the string starts here".into());
                    unterminated.labels.push(label);
                    return Err(unterminated);
                }
            }
        }
    }

    /// Decodes the escape whose backslash is at `pos` into `out`.
    fn parse_escape(&mut self, out: &mut String) -> Result<(), SyntaxError> {
        let at = self.pos;
        self.pos += 1;
        let Some(c) = self.char_at(self.pos) else {
            return Err(self.expected("an escape after `\\`"));
        };
        self.pos += c.len_utf8();
        let decoded = match c {
            '"' => '"',
            '\\' => '\\',
            '/' => '/',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'u' => self.parse_unicode_escape(at)?,
            _ => {
                let message = if c.is_control() {
                    "invalid escape in string".to_owned()
                } else {
                    format!("invalid escape `\\{c}` in string")
                };
                return Err(error(message, Span::new(at, self.pos), ESCAPE_HELP));
            }
        };
        out.push(decoded);
        Ok(())
    }

    /// Decodes `\uXXXX` (the `\u` of which starts at `at`), joining a surrogate pair.
    fn parse_unicode_escape(&mut self, at: usize) -> Result<char, SyntaxError> {
        let first = self.hex4()?;
        let mut decoded = char::from_u32(first);
        if (0xD800..0xDC00).contains(&first) && self.bytes.get(self.pos..self.pos + 2) == Some(b"\\u") {
            self.pos += 2;
            let second = self.hex4()?;
            if (0xDC00..0xE000).contains(&second) {
                decoded = char::from_u32(0x1_0000 + ((first - 0xD800) << 10) + (second - 0xDC00));
            }
        }
        // `from_u32` rejects every surrogate, so `None` is an unpaired one.
        decoded.ok_or_else(|| {
            let span = Span::new(at, at + 6);
            let escape = self.text.get(at..span.end()).unwrap_or_default();
            error(format!("unpaired surrogate `{escape}` in string"), span, SURROGATE_HELP)
        })
    }

    /// Reads four hex digits at `pos`.
    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let mut value = 0;
        for _ in 0..4 {
            let Some(digit) = self.peek().and_then(|b| char::from(b).to_digit(16)) else {
                return Err(self.expected("four hex digits after `\\u`"));
            };
            value = value * 16 + digit;
            self.pos += 1;
        }
        Ok(value)
    }

    /// Parses a number by the JSON grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    fn parse_number(&mut self) -> Result<Node, SyntaxError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    let message = "leading zeros are not allowed in JSON numbers";
                    return Err(error(message, Span::new(self.pos - 1, self.pos), "remove this `0`"));
                }
            }
            Some(b'1'..=b'9') => self.skip_digits(),
            _ => return Err(self.expected("a digit after `-`")),
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            integer = false;
            self.require_digits("a digit after `.`")?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            integer = false;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            self.require_digits("a digit in the exponent")?;
        }
        let span = Span::new(start, self.pos);
        let token = self.text.get(start..self.pos).unwrap_or_default();
        if integer {
            if let Ok(int) = token.parse::<i64>() {
                return Ok(Node::new(span, Value::Int(int)));
            }
        }
        match token.parse::<f64>() {
            Ok(float) if float.is_finite() => Ok(Node::new(span, Value::Float(float))),
            _ => Err(SyntaxError::new("number is out of range", span)),
        }
    }

    fn skip_digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }

    fn require_digits(&mut self, what: &str) -> Result<(), SyntaxError> {
        if !matches!(self.peek(), Some(b'0'..=b'9')) {
            return Err(self.expected(what));
        }
        self.skip_digits();
        Ok(())
    }

    /// Parses `true`, `false` or `null`; any other word is an error spanning the word.
    fn parse_word(&mut self) -> Result<Node, SyntaxError> {
        let start = self.pos;
        let rest = self.bytes.get(start..).unwrap_or_default();
        self.pos += rest.iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'_').count();
        let span = Span::new(start, self.pos);
        let word = self.text.get(start..self.pos).unwrap_or_default();
        let value = match word {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" => Value::Null,
            _ => {
                let shown = match word.get(..24) {
                    Some(head) if word.len() > 24 => format!("{head}…"),
                    _ => word.to_owned(),
                };
                let help = match word.to_ascii_lowercase().as_str() {
                    "true" | "false" | "null" => "JSON literals are lower-case: `true`, `false`, `null`",
                    "nan" | "infinity" | "inf" => "JSON has no NaN or infinite numbers",
                    "none" | "nil" | "undefined" => "JSON writes a missing value as `null`",
                    _ => QUOTES_HELP,
                };
                return Err(error(format!("expected a value, found `{shown}`"), span, help));
            }
        };
        Ok(Node::new(span, value))
    }

    /// The error for a character that cannot start a value.
    fn unexpected_value(&self) -> SyntaxError {
        let found = self.expected("a value");
        match self.peek() {
            Some(b'+') => found.with_help("JSON numbers have no leading `+`"),
            Some(b'.') => found.with_help("JSON numbers need a digit before the `.`, as in `0.5`"),
            Some(b'\'') => found.with_help(QUOTES_HELP),
            _ => found,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Node, SyntaxError> {
        parse_json(text, Limits::default())
    }

    fn ok(text: &str) -> Node {
        parse(text).unwrap_or_else(|e| panic!("{text:?} failed: {e:?}"))
    }

    fn err(text: &str) -> SyntaxError {
        match parse(text) {
            Ok(node) => panic!("{text:?} parsed: {node:?}"),
            Err(error) => error,
        }
    }

    /// Asserts the error's message and span.
    fn check_err(text: &str, message: &str, span: std::ops::Range<usize>) -> SyntaxError {
        let error = err(text);
        assert_eq!(error.message, message, "message for {text:?}");
        assert_eq!(error.span, Span::new(span.start, span.end), "span for {text:?}");
        error
    }

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start()..span.end()]
    }

    #[test]
    fn every_node_type_has_its_exact_span() {
        let text = r#" {"name": "web", "count": 42, "ratio": -1.5e3, "on": true, "off": false,
            "none": null, "list": [1, [2, []], {}], "obj": {"k": "v"}} "#;
        let root = ok(text);
        assert_eq!(slice(text, root.span), text.trim());
        let entries = root.as_map().unwrap();
        let names: Vec<_> = entries.iter().map(|e| &*e.key.name).collect();
        assert_eq!(names, ["name", "count", "ratio", "on", "off", "none", "list", "obj"]);
        for entry in entries {
            assert_eq!(slice(text, entry.key.span), format!("\"{}\"", entry.key.name));
        }
        let expect = [
            ("name", "\"web\"", Value::Str("web".into())),
            ("count", "42", Value::Int(42)),
            ("ratio", "-1.5e3", Value::Float(-1500.0)),
            ("on", "true", Value::Bool(true)),
            ("off", "false", Value::Bool(false)),
            ("none", "null", Value::Null),
        ];
        for (key, source, value) in expect {
            let node = root.get(key).unwrap();
            assert_eq!((slice(text, node.span), &node.value), (source, &value), "{key}");
        }
        let list = root.get("list").unwrap();
        assert_eq!(slice(text, list.span), "[1, [2, []], {}]");
        let items = list.as_seq().unwrap();
        assert_eq!(items.len(), 3);
        assert_eq!(slice(text, items[0].span), "1");
        assert_eq!(slice(text, items[1].span), "[2, []]");
        let inner = items[1].as_seq().unwrap();
        assert_eq!(slice(text, inner[1].span), "[]");
        assert_eq!(inner[1].value, Value::Seq(Box::default()));
        assert_eq!((slice(text, items[2].span), &items[2].value), ("{}", &Value::Map(Box::default())));
        let obj = root.get("obj").unwrap();
        assert_eq!(slice(text, obj.span), r#"{"k": "v"}"#);
        let entry = obj.entry("k").unwrap();
        assert_eq!(slice(text, entry.key.span), "\"k\"");
        assert_eq!(slice(text, entry.value.span), "\"v\"");
        assert_eq!(root.to_json()["list"], serde_json::json!([1, [2, []], {}]));
    }

    #[test]
    fn spans_count_bytes_after_non_ascii_text() {
        let text = "{\"größe\": \"日本語\", \"n\": [\"é\", 7]}";
        let root = ok(text);
        let entry = root.entry("größe").unwrap();
        assert_eq!(slice(text, entry.key.span), "\"größe\"");
        assert_eq!(slice(text, entry.value.span), "\"日本語\"");
        assert_eq!(entry.value.as_str(), Some("日本語"));
        let items = root.get("n").unwrap().as_seq().unwrap();
        assert_eq!(slice(text, items[0].span), "\"é\"");
        assert_eq!((slice(text, items[1].span), &items[1].value), ("7", &Value::Int(7)));
    }

    #[test]
    fn escapes_and_surrogate_pairs_decode() {
        let text = r#"["a\"b\\c\/d\b\f\n\r\t", "\u00e9\u4E2D\ud83d\uDE00", "x\u0000y", "\\"]"#;
        let root = ok(text);
        let items = root.as_seq().unwrap();
        let strings: Vec<_> = items.iter().map(|n| n.as_str().unwrap()).collect();
        assert_eq!(strings, ["a\"b\\c/d\u{8}\u{c}\n\r\t", "é中😀", "x\0y", "\\"]);
        assert_eq!(slice(text, items[1].span), r#""\u00e9\u4E2D\ud83d\uDE00""#);
        assert_eq!(slice(text, items[3].span), r#""\\""#);
    }

    #[test]
    fn bad_escapes_and_characters_in_strings_point_at_them() {
        let e = check_err(r#""\ud800""#, r"unpaired surrogate `\ud800` in string", 1..7);
        assert!(e.help.unwrap().contains("followed by"));
        check_err(r#""a\ud800\u0041""#, r"unpaired surrogate `\ud800` in string", 2..8);
        check_err(r#""\uD800\uD800""#, r"unpaired surrogate `\uD800` in string", 1..7);
        check_err(r#""\ud800\ue000""#, r"unpaired surrogate `\ud800` in string", 1..7);
        check_err(r#""x\udc00""#, r"unpaired surrogate `\udc00` in string", 2..8);
        check_err(r#""\u12g4""#, r"expected four hex digits after `\u`, found `g`", 5..6);
        check_err(r#""\u12"#, r"unexpected end of file, expected four hex digits after `\u`", 5..5);
        check_err(r#""a\qb""#, r"invalid escape `\q` in string", 2..4);
        check_err("\"\\é\"", "invalid escape `\\é` in string", 1..4);
        check_err("\"a\tb\"", "control character U+0009 must be escaped in a string", 2..3);
        check_err("\"\u{0}\"", "control character U+0000 must be escaped in a string", 1..2);
        check_err("[\"ab\n\"]", "unescaped line break in string", 4..5);
        check_err("\"ab\\", "unexpected end of file, expected an escape after `\\`", 4..4);
    }

    #[test]
    fn unterminated_string_ends_at_eof_with_a_label_on_the_quote() {
        let e = check_err("[\"abc", "unterminated string", 5..5);
        assert_eq!(e.labels, vec![(Span::new(1, 2), "the string starts here".to_owned())]);
        let text = "{\"k\": \"日本";
        let e = check_err(text, "unterminated string", text.len()..text.len());
        assert_eq!(e.labels[0].0, Span::new(6, 7));
    }

    #[test]
    fn duplicate_key_points_at_the_second_and_labels_the_first() {
        let text = r#"{"a": 1, "b": {"a": 2}, "a": 3}"#;
        let second = text.rfind("\"a\"").unwrap();
        let e = check_err(text, "duplicate key `a`", second..second + 3);
        assert_eq!(e.labels, vec![(Span::new(1, 4), "first defined here".to_owned())]);
        // Keys compare by their decoded text.
        let text = r#"{"é": 1, "\u00e9": 2}"#;
        let e = err(text);
        assert_eq!((e.message.as_str(), slice(text, e.span)), ("duplicate key `é`", r#""\u00e9""#));
        assert_eq!(slice(text, e.labels[0].0), "\"é\"");
    }

    #[test]
    fn large_objects_keep_order_and_still_find_duplicates() {
        let keys: Vec<String> = (0..40).map(|i| format!("\"k{i}\": {i}")).collect();
        let text = format!("{{{}}}", keys.join(", "));
        let root = ok(&text);
        let entries = root.as_map().unwrap();
        assert_eq!(entries.len(), 40);
        assert!(entries.iter().enumerate().all(|(i, e)| *e.key.name == format!("k{i}")));
        assert_eq!(root.get("k39").map(|n| &n.value), Some(&Value::Int(39)));
        for dup in ["k3", "k30"] {
            let text = format!("{{{}, \"{dup}\": 0}}", keys.join(", "));
            let e = err(&text);
            let second = text.rfind(&format!("\"{dup}\"")).unwrap();
            let first = text.find(&format!("\"{dup}\"")).unwrap();
            assert_eq!(e.message, format!("duplicate key `{dup}`"));
            assert_eq!(e.span, Span::new(second, second + dup.len() + 2));
            assert_eq!(e.labels[0].0, Span::new(first, first + dup.len() + 2));
        }
    }

    #[test]
    fn deep_nesting_stops_at_the_limit_without_recursing() {
        for (unit, width) in [("[", 1), ("{\"a\":", 5)] {
            let text = unit.repeat(100_000);
            let e = check_err(&text, "nesting is deeper than 128 levels", 128 * width..128 * width + 1);
            assert!(e.help.unwrap().contains("hostile input"));
        }
        // With no effective limit the explicit stack still copes and reports the missing end.
        let unlimited = Limits { max_depth: usize::MAX, ..Limits::default() };
        let e = parse_json(&"[".repeat(100_000), unlimited).unwrap_err();
        assert_eq!(e.message, "unexpected end of file, expected a value");
        assert_eq!(e.span, Span::new(100_000, 100_000));
        // Exactly the limit is fine, one more is not, and empty containers count.
        let at_limit = format!("{}{}", "[".repeat(128), "]".repeat(128));
        assert_eq!(ok(&at_limit).span, Span::new(0, 256));
        let over = format!("{}{}", "[".repeat(129), "]".repeat(129));
        check_err(&over, "nesting is deeper than 128 levels", 128..129);
        let two = Limits { max_depth: 2, ..Limits::default() };
        assert!(parse_json("[{}, []]", two).is_ok());
        let e = parse_json("[[{}]]", two).unwrap_err();
        assert_eq!((e.message.as_str(), e.span), ("nesting is deeper than 2 levels", Span::new(2, 3)));
    }

    #[test]
    fn byte_order_mark_is_skipped_but_spans_index_the_original() {
        let text = "\u{feff}{\"a\": [true]}";
        let root = ok(text);
        assert_eq!(root.span, Span::new(3, text.len()));
        assert_eq!(slice(text, root.entry("a").unwrap().key.span), "\"a\"");
        assert_eq!(slice(text, root.get("a").unwrap().span), "[true]");
        check_err("\u{feff}\u{feff}1", "expected a value, found character U+FEFF", 3..6);
    }

    #[test]
    fn empty_or_blank_file_is_null_at_zero() {
        for text in ["", "  \n\t\r ", "\u{feff}", "\u{feff} \n"] {
            assert_eq!(ok(text), Node::new(Span::new(0, 0), Value::Null), "{text:?}");
        }
    }

    #[test]
    fn trailing_content_after_the_value_is_an_error_at_it() {
        let after = "expected end of file after the JSON value";
        check_err("{} x", &format!("{after}, found `x`"), 3..4);
        check_err("1 2", &format!("{after}, found `2`"), 2..3);
        check_err("[]]", &format!("{after}, found `]`"), 2..3);
        check_err("\"a\" é", &format!("{after}, found `é`"), 4..6);
        check_err("null\u{0}", &format!("{after}, found character U+0000"), 4..5);
    }

    #[test]
    fn numbers_follow_the_json_grammar() {
        let valid = [
            ("0", Value::Int(0)),
            ("-0", Value::Int(0)),
            ("-12", Value::Int(-12)),
            ("9223372036854775807", Value::Int(i64::MAX)),
            ("-9223372036854775808", Value::Int(i64::MIN)),
            ("9223372036854775808", Value::Float(9_223_372_036_854_775_808.0)),
            ("-9223372036854775809", Value::Float(-9_223_372_036_854_775_809.0)),
            ("0.5", Value::Float(0.5)),
            ("1e3", Value::Float(1000.0)),
            ("1E+3", Value::Float(1000.0)),
            ("2.5e-1", Value::Float(0.25)),
            ("10", Value::Int(10)),
            ("100e0", Value::Float(100.0)),
        ];
        for (text, value) in valid {
            let node = ok(text);
            assert_eq!((node.span, &node.value), (Span::new(0, text.len()), &value), "{text}");
        }
        assert!(matches!(ok("-0.0").value, Value::Float(f) if f == 0.0 && f.is_sign_negative()));
        let leading = "leading zeros are not allowed in JSON numbers";
        let invalid = [
            ("01", leading, 0..1),
            ("-01", leading, 1..2),
            ("00.5", leading, 0..1),
            ("+1", "expected a value, found `+`", 0..1),
            (".5", "expected a value, found `.`", 0..1),
            ("1.", "unexpected end of file, expected a digit after `.`", 2..2),
            ("1.e5", "expected a digit after `.`, found `e`", 2..3),
            ("1e", "unexpected end of file, expected a digit in the exponent", 2..2),
            ("1e+", "unexpected end of file, expected a digit in the exponent", 3..3),
            ("[1e+x]", "expected a digit in the exponent, found `x`", 4..5),
            ("-", "unexpected end of file, expected a digit after `-`", 1..1),
            ("-Infinity", "expected a digit after `-`, found `I`", 1..2),
            ("NaN", "expected a value, found `NaN`", 0..3),
            ("[Infinity]", "expected a value, found `Infinity`", 1..9),
            ("0x10", "expected end of file after the JSON value, found `x`", 1..2),
            ("1e400", "number is out of range", 0..5),
        ];
        for (text, message, span) in invalid {
            check_err(text, message, span);
        }
        assert!(err("+1").help.unwrap().contains('+'));
        assert!(err("NaN").help.unwrap().contains("NaN"));
    }

    #[test]
    fn structural_errors_say_what_was_expected_and_found() {
        let trailing = "trailing comma is not allowed in JSON";
        check_err("[1,]", trailing, 2..3);
        check_err("{\"a\": 1 , }", trailing, 8..9);
        check_err("{\"a\": 1]", "expected `,` or `}` after an object entry, found `]`", 7..8);
        check_err("[1 2]", "expected `,` or `]` after an array element, found `2`", 3..4);
        check_err("[1 ×]", "expected `,` or `]` after an array element, found `×`", 3..5);
        check_err("[", "unexpected end of file, expected a value", 1..1);
        check_err("[1", "unexpected end of file, expected `,` or `]` after an array element", 2..2);
        check_err("{\"a\"", "unexpected end of file, expected `:` after an object key", 4..4);
        check_err("{\"a\" 1}", "expected `:` after an object key, found `1`", 5..6);
        check_err("{\"a\":}", "expected a value, found `}`", 5..6);
        check_err("{,}", "expected a string key, found `,`", 1..2);
        check_err("{\"a\": 1, 2}", "expected a string key, found `2`", 9..10);
        check_err("[,1]", "expected a value, found `,`", 1..2);
        check_err("]", "expected a value, found `]`", 0..1);
        check_err("[\u{a0}1]", "expected a value, found character U+00A0", 1..3);
        check_err("[nul]", "expected a value, found `nul`", 1..4);
        let e = check_err("{a: 1}", "expected a string key, found `a`", 1..2);
        assert_eq!(e.help.as_deref(), Some(QUOTES_HELP));
        assert_eq!(err("['a']").help.as_deref(), Some(QUOTES_HELP));
        let e = check_err("True", "expected a value, found `True`", 0..4);
        assert!(e.help.unwrap().contains("lower-case"));
        let long = "x".repeat(100);
        let e = err(&long);
        assert_eq!(e.span, Span::new(0, 100));
        assert_eq!(e.message, format!("expected a value, found `{}…`", "x".repeat(24)));
    }

    /// Every span of a parsed tree lies on character boundaries, strings include their quotes.
    fn check_tree(text: &str, node: &Node) {
        let (start, end) = (node.span.start(), node.span.end());
        assert!(start < end && end <= text.len(), "{text:?}: {:?}", node.span);
        assert!(text.is_char_boundary(start) && text.is_char_boundary(end), "{text:?}");
        match &node.value {
            Value::Str(_) => {
                assert!(text[start..end].starts_with('"') && text[start..end].ends_with('"'));
            }
            Value::Seq(items) => items.iter().for_each(|item| check_tree(text, item)),
            Value::Map(entries) => {
                for entry in entries {
                    assert!(text[entry.key.span.start()..entry.key.span.end()].starts_with('"'));
                    check_tree(text, &entry.value);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn mangled_input_never_panics_and_spans_stay_on_char_boundaries() {
        let doc =
            "{\"名前\": \"ü\\u00e9\\ud83d\\ude00\", \"n\": [-1.5e3, 0, true, null], \"o\": {\"é\": \"日\"}}";
        let boundaries: Vec<usize> = (0..=doc.len()).filter(|&i| doc.is_char_boundary(i)).collect();
        let mut inputs: Vec<String> = boundaries.iter().map(|&i| doc[..i].to_owned()).collect();
        for pair in boundaries.windows(2) {
            inputs.push(format!("{}{}", &doc[..pair[0]], &doc[pair[1]..]));
            for insert in [",", "\"", "\\", "{", "]", "é", "\n", "0"] {
                inputs.push(format!("{}{insert}{}", &doc[..pair[0]], &doc[pair[0]..]));
            }
        }
        let mut errors = 0;
        for text in &inputs {
            match parse(text) {
                Ok(node) if text.trim().is_empty() => assert_eq!(node.span, Span::default()),
                Ok(node) => check_tree(text, &node),
                Err(e) => {
                    errors += 1;
                    let (start, end) = (e.span.start(), e.span.end());
                    assert!(start <= end && end <= text.len(), "{text:?}: {e:?}");
                    assert!(text.is_char_boundary(start) && text.is_char_boundary(end), "{text:?}: {e:?}");
                    assert!(start < end || start == text.len(), "empty span before the end: {text:?}: {e:?}");
                    assert!(!e.message.is_empty());
                }
            }
        }
        assert!(errors > inputs.len() / 2, "{errors} of {}", inputs.len());
        check_tree(doc, &ok(doc));
    }
}
