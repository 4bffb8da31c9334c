//! Terraform files into the evaluator's syntax tree: native syntax (`.tf`, `.tfvars`) with
//! `hcl-edit`, JSON syntax (`.tf.json`, `.tfvars.json`) with the spanned JSON parser, whose
//! strings are read as templates. A syntax error is an S001 finding; the file is then skipped.

use super::ast::{Attr, BlockAst, Body, Converter, Expr, Kind, Part};
use crate::diag::{Finding, Location};
use crate::source::{Limits, Node, SourceFile, Span, Value};
use crate::spec::codes::PARSE_ERROR;
use foldhash::HashMap;
use rayon::prelude::*;
use std::ops::Range;
use std::sync::Arc;

/// What parsing one file gave.
pub type ParseResult = Result<Body, Box<Finding>>;

/// The run's files parsed up front, on every core: parsing (mostly `hcl-edit`'s) is most of
/// what a Terraform run costs, and unlike evaluation it needs nothing from other files.
/// Evaluation then takes each body where it used to parse the file, in the same order, so
/// findings and their order do not change. A file not parsed up front (a local module read
/// from disk) is parsed when it is asked for.
pub struct Parsed {
    limits: Limits,
    /// By the address of the file's `Arc`: the run's files are distinct `Arc`s.
    bodies: HashMap<usize, ParseResult>,
}

fn key(file: &Arc<SourceFile>) -> usize {
    Arc::as_ptr(file) as usize
}

impl Parsed {
    /// Parses `files` in parallel.
    pub fn new(files: &[&Arc<SourceFile>], limits: Limits) -> Self {
        let bodies =
            files.par_iter().with_max_len(1).map(|file| (key(file), parse_file(file, limits))).collect();
        Self { limits, bodies }
    }

    /// The body of `file`, parsed up front (and handed out once) or parsed now.
    pub fn take(&mut self, file: &Arc<SourceFile>) -> ParseResult {
        self.bodies.remove(&key(file)).unwrap_or_else(|| parse_file(file, self.limits))
    }

    /// Frees the bodies left (the variables files') on every core.
    pub fn drop_on_every_core(self) {
        self.bodies.into_par_iter().for_each(drop);
    }

    /// The body of `file`, parsed up front or parsed now, left in place: variables files,
    /// read while root modules are evaluated on every core (a `--var-file` by every root).
    pub fn get(&self, file: &Arc<SourceFile>) -> std::borrow::Cow<'_, ParseResult> {
        match self.bodies.get(&key(file)) {
            Some(parsed) => std::borrow::Cow::Borrowed(parsed),
            None => std::borrow::Cow::Owned(parse_file(file, self.limits)),
        }
    }
}

/// Whether a file is in JSON syntax.
pub fn is_json(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".json")
}

/// Parses a configuration or variables file into a body.
pub fn parse_file(file: &Arc<SourceFile>, limits: Limits) -> Result<Body, Box<Finding>> {
    if is_json(&file.name) { parse_json_file(file, limits) } else { parse_hcl_file(file) }
}

fn parse_hcl_file(file: &Arc<SourceFile>) -> Result<Body, Box<Finding>> {
    let whole = &*file.text;
    // Terraform ignores a UTF-8 byte order mark at the start of a file (Windows editors
    // write one); `hcl-edit` does not, so it is skipped here and spans shift past it.
    let offset = if whole.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let text = &whole[offset..];
    // An S001 at `at`, a byte offset in `text`.
    let finding = |at: usize, message: String| {
        let span = char_span_at(whole, offset + at);
        Box::new(PARSE_ERROR.finding(message, Location::new(file.clone(), span)))
    };
    let input = crate::iac::hcl_input(text).map_err(|refused| finding(refused.at(), refused.in_file()))?;
    match parse_body(&input, MAX_REPARSED) {
        Ok((body, renamed)) => {
            let whole = Span::new(offset, offset);
            let converter = Converter { text, offset, whole, exact: true, renamed: &renamed };
            Ok(converter.body(&body))
        }
        Err(error) => Err(finding(error.location().offset(), format!("invalid HCL: {}", error.message()))),
    }
}

/// Most key comparisons (`iac::objects`) all the parses of one file with renamed keys may
/// cost together: four times what one may cost, about a second.
const MAX_REPARSED_COMPARISONS: u64 = 4 * crate::iac::objects::MAX_KEY_COMPARISONS;

/// Most keys renamed in one file before it is given up as not parsed.
const MAX_RENAMES: usize = 256;

/// Most text parsed again for renamed keys, in bytes: each renaming parses the whole file
/// once more, so a large file gets fewer (a 4.4 MB file with 300 repeated keys took 52 s
/// before this bound; hcl-edit parses about 20 MB a second in a release build, so this is
/// under a second). A file past it stays an S001, as before keys were renamed.
const MAX_REPARSED: usize = 16 << 20;

/// `text` parsed by `hcl-edit`, with the object keys it had to rename (byte ranges).
///
/// `hcl-edit` rejects an object constructor that writes a key twice (`{ a = 1  a = 2 }`:
/// "redefined object key"); Terraform accepts it and the last value wins (only a `for`
/// expression that builds an object demands unique keys). So on that error the later key
/// is renamed, in a copy of the text, to a fresh name of the same byte length, and the copy
/// parsed again: every span stays the one in `text`, and [`Converter`] reads the renamed
/// keys' names back from `text`, so the object holds the key twice and evaluation keeps the
/// last value. A key that cannot be renamed (one written as an expression in parentheses
/// or a template) leaves the error, an S001.
fn parse_body(
    text: &str,
    max_reparsed: usize,
) -> Result<(hcl_edit::structure::Body, Vec<Range<usize>>), hcl_edit::parser::Error> {
    let mut copy: Option<String> = None;
    let mut renamed: Vec<Range<usize>> = Vec::new();
    let mut attempt = 0;
    // What one parse of `text` costs in key comparisons (`iac::objects`), read at the first
    // renaming: within the bound once, a parse may not be repeated 256 times (a file of 7,900
    // keys and 200 repeated ones took 23 s).
    let mut cost: Option<u64> = None;
    loop {
        let current = copy.as_deref().unwrap_or(text);
        let error = match hcl_edit::parser::parse_body(current) {
            Ok(body) => return Ok((body, renamed)),
            Err(error) => error,
        };
        let at = error.location().offset();
        let redefined = error.message().ends_with("found redefined object key");
        let cost = *cost.get_or_insert_with(|| {
            if redefined {
                crate::iac::objects::comparisons(text, crate::iac::objects::Start::Body)
            } else {
                0
            }
        });
        let parses = u64::try_from(attempt + 2).unwrap_or(u64::MAX);
        let within = attempt < MAX_RENAMES
            && (attempt + 1).saturating_mul(text.len()) <= max_reparsed
            && parses.saturating_mul(cost) <= MAX_REPARSED_COMPARISONS;
        let key = (within && redefined).then(|| redefined_key(current, at)).flatten();
        let Some((key, inner)) = key else { return Err(error) };
        let mut fresh = copy.take().unwrap_or_else(|| text.to_string());
        // Never the name it replaces (`k` is one of the letters names are made of): of two
        // successive names, one differs from it.
        let name = (attempt..=attempt + 1)
            .map(|n| fresh_name(n, inner.len()))
            .find(|name| *name != fresh[inner.clone()]);
        fresh.replace_range(inner.clone(), &name.unwrap_or_default());
        copy = Some(fresh);
        if !renamed.contains(&key) {
            renamed.push(key);
        }
        attempt += 1;
    }
}

/// The key written at `at` and the part of it a fresh name replaces: an identifier (all of
/// it) or a quoted string without escapes or interpolations (what is inside the quotes).
fn redefined_key(text: &str, at: usize) -> Option<(Range<usize>, Range<usize>)> {
    let rest = text.get(at..)?;
    let first = rest.chars().next()?;
    if first.is_alphabetic() || first == '_' {
        // To what ends an identifier (blanks, `=`, `:`, a comment, the object's end), not
        // to the first character that is no letter: an identifier may hold combining marks.
        let ends = |c: char| c.is_whitespace() || matches!(c, '=' | ':' | ',' | '}' | '#' | '/');
        let len = rest.find(ends).unwrap_or(rest.len());
        // A key written as an expression (`local.a`, `f(x)`, `a[0]`) is evaluated, not a
        // name: it is not renamed, and stays an S001.
        if rest[..len].chars().any(|c| c.is_ascii() && !(c.is_ascii_alphanumeric() || c == '_' || c == '-')) {
            return None;
        }
        return Some((at..at + len, at..at + len));
    }
    if first != '"' {
        return None;
    }
    let inner = rest.get(1..)?;
    let len = inner.find(['"', '\\', '$', '%', '\n'])?;
    let closed = inner.get(len..)?.starts_with('"');
    (closed && len > 0).then(|| (at..at + len + 2, at + 1..at + 1 + len))
}

/// A name of `len` ASCII letters for the `attempt`th renaming (a letter first, so it is
/// an identifier too). A name that happens to be another key of the object is renamed
/// again by the next attempt.
fn fresh_name(attempt: usize, len: usize) -> String {
    let mut name = String::with_capacity(len);
    let mut n = attempt;
    while name.len() < len {
        let letter = b"zyxwvutsrqponmlkjihgfedcba".get(n % 26).copied().unwrap_or(b'z');
        name.push(char::from(letter));
        n /= 26;
    }
    name
}

/// A span of the character at `offset` (or an empty span at the end), on char boundaries.
pub fn char_span_at(text: &str, offset: usize) -> Span {
    let mut start = offset.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let end = text[start..].chars().next().map_or(start, |c| start + c.len_utf8());
    Span::new(start, end)
}

/// Parses one HCL expression written inside `file` at `span` (a `--var` value has no file:
/// its spans are the given `span`).
pub fn parse_expr_text(text: &str, whole: Span) -> Option<Expr> {
    // Objects the parser would take quadratic time over are not read (`iac::objects`).
    if crate::iac::objects::refused(text, crate::iac::objects::Start::Expr).is_some() {
        return None;
    }
    let expr = hcl_edit::parser::parse_expr(text).ok()?;
    Some(Converter { text, offset: 0, whole, exact: false, renamed: &[] }.expr(&expr))
}

fn parse_json_file(file: &Arc<SourceFile>, limits: Limits) -> Result<Body, Box<Finding>> {
    let root = crate::source::parse_json(&file.text, limits).map_err(|error| {
        let mut finding = PARSE_ERROR.finding(error.message, Location::new(file.clone(), error.span));
        finding.help = error.help;
        Box::new(finding)
    })?;
    let json = Json { text: &file.text };
    let Some(entries) = root.as_map() else {
        return Err(Box::new(
            PARSE_ERROR
                .finding("a Terraform JSON file must be an object", Location::new(file.clone(), root.span)),
        ));
    };
    let mut body = Body::default();
    for entry in entries {
        let name = &*entry.key.name;
        let labels = match name {
            "resource" | "data" => 2,
            "variable" | "module" | "output" | "provider" => 1,
            "locals" | "terraform" => 0,
            // `"//"` comments and the variables of a `.tfvars.json`.
            _ => {
                body.attrs.push(Attr { name: name.to_string(), expr: literal(&entry.value, &file.text) });
                continue;
            }
        };
        json.blocks(name, labels, &entry.value, &mut Vec::new(), entry.key.span, &mut body.blocks);
    }
    Ok(body)
}

struct Json<'a> {
    text: &'a str,
}

impl Json<'_> {
    /// Blocks of type `kind` with `labels` more labels nested as object keys.
    fn blocks(
        &self,
        kind: &str,
        labels: usize,
        node: &Node,
        path: &mut Vec<String>,
        head: Span,
        out: &mut Vec<BlockAst>,
    ) {
        if labels == 0 {
            let bodies: Vec<&Node> = match &node.value {
                Value::Seq(items) => items.iter().collect(),
                _ => vec![node],
            };
            for item in bodies {
                out.push(BlockAst {
                    kind: kind.to_string(),
                    labels: path.clone(),
                    head,
                    body: self.body(kind, item),
                });
            }
            return;
        }
        // At each label level, an array of objects is the objects one after the other (HCL's
        // JSON syntax: `"resource": [{"alicloud_instance": {"a": {...}}}, ...]`).
        let levels: &[Node] = match &node.value {
            Value::Seq(items) => items,
            _ => std::slice::from_ref(node),
        };
        for level in levels {
            let Some(entries) = level.as_map() else { continue };
            for entry in entries {
                path.push(entry.key.name.to_string());
                self.blocks(kind, labels - 1, &entry.value, path, entry.key.span, out);
                path.pop();
            }
        }
    }

    /// A block body: every property is an attribute. Nested blocks are written as objects
    /// (or arrays of objects) and stay values; `Val::blocks` reads both shapes.
    fn body(&self, kind: &str, node: &Node) -> Body {
        let mut body = Body::default();
        for entry in node.as_map().unwrap_or_default() {
            if &*entry.key.name == "//" {
                continue;
            }
            // A variable's default is a literal value, not an expression.
            let expr = if kind == "variable" && &*entry.key.name == "default" {
                literal(&entry.value, self.text)
            } else {
                self.expr(&entry.value)
            };
            body.attrs.push(Attr { name: entry.key.name.to_string(), expr });
        }
        body
    }

    /// A JSON value as an expression: strings are templates.
    fn expr(&self, node: &Node) -> Expr {
        let kind = match &node.value {
            Value::Str(s) => return self.template(s, node.span),
            Value::Seq(items) => Kind::Array(items.iter().map(|n| self.expr(n)).collect()),
            Value::Map(entries) => Kind::Object(
                entries
                    .iter()
                    .map(|e| (self.template(&e.key.name, e.key.span), self.expr(&e.value)))
                    .collect(),
            ),
            _ => return literal(node, self.text),
        };
        Expr { kind, span: node.span }
    }
}

/// A JSON value taken literally (`text` is the file's, which its spans are in).
fn literal(node: &Node, text: &str) -> Expr {
    {
        let kind = match &node.value {
            Value::Null => Kind::Null,
            Value::Bool(b) => Kind::Bool(*b),
            Value::Int(i) => super::ast::integer_kind(i128::from(*i)),
            Value::Float(f) => super::ast::float_kind(*f, text.get(node.span.start()..node.span.end())),
            Value::Str(s) => Kind::Str(s.to_string()),
            Value::Seq(items) => Kind::Array(items.iter().map(|item| literal(item, text)).collect()),
            Value::Map(entries) => Kind::Object(
                entries
                    .iter()
                    .map(|e| {
                        (
                            Expr { kind: Kind::Str(e.key.name.to_string()), span: e.key.span },
                            literal(&e.value, text),
                        )
                    })
                    .collect(),
            ),
        };
        Expr { kind, span: node.span }
    }
}

impl Json<'_> {
    /// A JSON string read as a template. When the string has no escapes, inner spans map
    /// into the file (after the opening quote); otherwise every part takes the string's span.
    fn template(&self, s: &str, span: Span) -> Expr {
        if !s.contains("${") && !s.contains("%{") {
            return Expr { kind: Kind::Str(s.to_string()), span };
        }
        let inner = span.start().checked_add(1).zip(span.end().checked_sub(1));
        let exact = inner.is_some_and(|(a, b)| a <= b && self.text.get(a..b) == Some(s));
        let offset = inner.map_or(span.start(), |(a, _)| a);
        if let Some(refused) = crate::iac::objects::refused(s, crate::iac::objects::Start::Template) {
            return Expr { kind: Kind::Bad(refused.message()), span };
        }
        match hcl_edit::parser::parse_template(s) {
            Ok(template) => {
                let converter = Converter { text: s, offset, whole: span, exact, renamed: &[] };
                let parts = converter.template(&template);
                let kind = match parts.as_slice() {
                    [Part::Lit(l)] => Kind::Str(l.clone()),
                    _ => Kind::Template(parts),
                };
                Expr { kind, span }
            }
            Err(error) => Expr { kind: Kind::Bad(format!("invalid template: {}", error.message())), span },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, text: &str) -> Arc<SourceFile> {
        Arc::new(SourceFile::new(name, text))
    }

    #[test]
    fn a_byte_order_mark_at_the_start_is_ignored_and_spans_stay_in_the_file() {
        let text = "\u{feff}variable \"image\" {\n  default = \"centos_7\"\n}\n";
        let source = file("main.tf", text);
        let body = parse_file(&source, Limits::default()).expect("Terraform reads a file with a BOM");
        let block = &body.blocks[0];
        assert_eq!(block.labels, ["image"]);
        let default = &block.body.attrs[0].expr;
        assert_eq!(&text[default.span.start()..default.span.end()], "\"centos_7\"");
    }

    #[test]
    fn a_syntax_error_after_a_byte_order_mark_points_at_its_own_character() {
        let text = "\u{feff}resource \"a\" \"b\" {\n  x = ]\n}\n";
        let error = parse_file(&file("main.tf", text), Limits::default()).expect_err("not HCL");
        let span = error.location.span;
        assert_eq!(&text[span.start()..span.end()], "]");
    }

    #[test]
    fn an_object_key_written_twice_keeps_its_name_and_every_span() {
        let text =
            "locals {\n  o = {\n    ab = 1\n    \"k\" = 2\n    ab = 3\n    \"k\" = 4\n    ab = 5\n  }\n}\n";
        let body = parse_file(&file("main.tf", text), Limits::default()).expect("Terraform reads it");
        let Kind::Object(entries) = &body.blocks[0].body.attrs[0].expr.kind else { panic!("not an object") };
        let written: Vec<(String, &str, &str)> = entries
            .iter()
            .map(|(key, value)| {
                let Kind::Str(name) = &key.kind else { panic!("not a name: {key:?}") };
                let at = |e: &Expr| &text[e.span.start()..e.span.end()];
                (name.clone(), at(key), at(value))
            })
            .collect();
        let expected = [
            ("ab", "ab", "1"),
            ("k", "\"k\"", "2"),
            ("ab", "ab", "3"),
            ("k", "\"k\"", "4"),
            ("ab", "ab", "5"),
        ];
        let expected: Vec<(String, &str, &str)> =
            expected.iter().map(|(name, key, value)| ((*name).to_string(), *key, *value)).collect();
        assert_eq!(written, expected);
    }

    #[test]
    fn an_object_key_that_cannot_be_renamed_leaves_the_syntax_error() {
        // Keys in parentheses, and traversals, are expressions: `hcl-edit` compares them as
        // written, and a renamed one would be read as a name.
        for key in ["(var.k)", "local.a", "var.m[0]"] {
            let text = format!("locals {{\n  o = {{\n    {key} = 1\n    {key} = 2\n  }}\n}}\n");
            let error = parse_file(&file("main.tf", &text), Limits::default()).expect_err("kept as an error");
            assert!(error.message.contains("redefined object key"), "{key}: {}", error.message);
        }
        let single = "locals {\n  o = {\n    a = 1\n    a = 2\n    b = 1\n    b = 2\n  }\n}\n";
        assert!(parse_file(&file("main.tf", single), Limits::default()).is_ok());
    }

    #[test]
    fn keys_with_combining_marks_and_keys_named_like_the_fresh_names_are_renamed_whole() {
        // `cafe` and a combining acute accent: an identifier of five characters.
        let text = "locals {\n  o = {\n    cafe\u{301} = 1\n    cafe\u{301} = 2\n  }\n}\n";
        let body = parse_file(&file("main.tf", text), Limits::default()).expect("Terraform reads it");
        let Kind::Object(entries) = &body.blocks[0].body.attrs[0].expr.kind else { panic!("not an object") };
        let name = |key: &Expr| match &key.kind {
            Kind::Str(name) => name.clone(),
            other => panic!("not a name: {other:?}"),
        };
        let names: Vec<String> = entries.iter().map(|(key, _)| name(key)).collect();
        assert_eq!(names, ["cafe\u{301}", "cafe\u{301}"]);
        // A one-letter key written 20 times: among the fresh names tried is `k` itself.
        let many = format!("locals {{\n  o = {{\n{}  }}\n}}\n", "    k = 1\n".repeat(20));
        let body = parse_file(&file("main.tf", &many), Limits::default()).expect("Terraform reads it");
        let Kind::Object(entries) = &body.blocks[0].body.attrs[0].expr.kind else { panic!("not an object") };
        assert_eq!(entries.len(), 20);
        assert!(entries.iter().all(|(key, _)| name(key) == "k"), "{entries:?}");
    }

    #[test]
    fn keys_are_renamed_only_while_the_text_parsed_again_stays_within_its_bound() {
        let text = "locals {\n  o = {\n    a = 1\n    a = 2\n    a = 3\n  }\n}\n";
        // Two renamings parse the text twice more.
        assert!(parse_body(text, 2 * text.len()).is_ok());
        let error = parse_body(text, 2 * text.len() - 1).expect_err("one renaming short");
        assert!(error.message().ends_with("found redefined object key"), "{}", error.message());
    }

    #[test]
    fn an_object_too_large_for_the_parser_is_an_s001_at_its_brace() {
        // One object of 9,000 items: the parser's key comparisons grow with its square.
        let items = (0..9_000).map(|i| format!("    k{i} = \"v\"\n")).collect::<Vec<_>>().concat();
        let text = format!("\u{feff}locals {{\n  m = {{\n{items}  }}\n}}\n");
        let error = parse_file(&file("main.tf", &text), Limits::default()).expect_err("not read");
        assert_eq!(error.code, PARSE_ERROR.code);
        assert!(error.message.contains("this file is not read"), "{}", error.message);
        let brace = text.find("m = {").unwrap() + 4;
        assert_eq!((error.location.span.start(), error.location.span.end()), (brace, brace + 1));
        // Within the bound, the same object is read.
        let items = (0..8_000).map(|i| format!("    k{i} = \"v\"\n")).collect::<Vec<_>>().concat();
        assert!(
            parse_file(
                &file("main.tf", &format!("locals {{\n  m = {{\n{items}  }}\n}}\n")),
                Limits::default()
            )
            .is_ok()
        );
    }

    #[test]
    fn a_byte_order_mark_inside_the_file_is_still_an_error() {
        let text = "variable \"a\" {}\n\u{feff}variable \"b\" {}\n";
        assert!(parse_file(&file("main.tf", text), Limits::default()).is_err());
    }
}
