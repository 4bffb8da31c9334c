//! Terraform files into the evaluator's syntax tree: native syntax (`.tf`, `.tfvars`) with
//! `hcl-edit`, JSON syntax (`.tf.json`, `.tfvars.json`) with the spanned JSON parser, whose
//! strings are read as templates. A syntax error is an S001 finding; the file is then skipped.

use super::ast::{Attr, BlockAst, Body, Converter, Expr, Kind, Part};
use crate::diag::{Finding, Location};
use crate::iac::keys;
use crate::source::{Limits, Node, SourceFile, Span, Value};
use crate::spec::codes::PARSE_ERROR;
use foldhash::HashMap;
use rayon::prelude::*;
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
    match keys::parse_body(&input, keys::MAX_REPARSED) {
        Ok((body, renamed)) => {
            let whole = Span::new(offset, offset);
            let converter = Converter { text, offset, whole, exact: true, renamed: &renamed };
            Ok(converter.body(&body))
        }
        Err(error) => Err(finding(error.location().offset(), format!("invalid HCL: {}", error.message()))),
    }
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
    fn a_key_written_twice_as_an_expression_is_read_back_from_the_text() {
        let text = "locals {\n  o = { (k) = 1, ( k ) = 2, \"${k}\" = 3, \"${k}\" = 4 }\n}\n";
        let body = parse_file(&file("main.tf", text), Limits::default()).expect("Terraform reads it");
        let Kind::Object(entries) = &body.blocks[0].body.attrs[0].expr.kind else { panic!("not an object") };
        let at = |e: &Expr| &text[e.span.start()..e.span.end()];
        let keys: Vec<(&str, &str)> = entries.iter().map(|(key, value)| (at(key), at(value))).collect();
        assert_eq!(keys, [("k", "1"), ("k", "2"), ("\"${k}\"", "3"), ("\"${k}\"", "4")]);
        assert!(matches!(&entries[1].0.kind, Kind::Var(name) if name == "k"), "{:?}", entries[1].0);
        assert!(matches!(&entries[3].0.kind, Kind::Template(_)), "{:?}", entries[3].0);
    }

    #[test]
    fn an_object_key_that_cannot_be_renamed_leaves_the_syntax_error() {
        // Traversals are expressions `hcl-edit` compares as written, and Terraform rejects
        // them as keys ("Ambiguous attribute key"); a key in parentheses past the bounds on
        // what is parsed again is not renamed either.
        let long = format!("(\"{}\")", "x".repeat(keys::MAX_KEY_LEN));
        let colons = format!("(\"{}\")", ":".repeat(keys::MAX_KEY_ENDS));
        for key in ["local.a", "var.m[0]", &long, &colons] {
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
        assert!(keys::parse_body(text, 2 * text.len()).is_ok());
        let error = keys::parse_body(text, 2 * text.len() - 1).expect_err("one renaming short");
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
