//! Embeds every built-in rule file (`rules/<family>/*.yaml`) in the binary, so rules
//! stay data that the tests and `ecslint rules` read from one place; and embeds the
//! built-in catalog (`rules/catalog/*.yaml`) as written, converted to JSON, and merged into
//! static Rust data in the catalog's own types (`build/static_catalog.rs`), which a run reads
//! without parsing or merging anything (the catalog was most of a one-file check's start-up).
//! A test checks that the conversion gives exactly what the loader reads from the YAML. For
//! each built-in public image ID pattern it also works out the literals every match contains
//! (`src/catalog/prefilter.rs`), so a run compiles only the regexes an ID can match.
//!
//! Each rule file is also parsed here, by the loader's own YAML parser (`src/source`,
//! included below), into a static spanned tree (`BUILTIN_TREES`): at run time the rule
//! compiler reads that tree instead of parsing the YAML again, which was a third of a
//! one-file check's start-up. A test checks each tree against what `parse_yaml` reads.

/// The loader's YAML parser, spanned tree and plain types (`src/source/base.rs`), shared
/// with the crate file for file. Only our own rule and catalog files go through it.
#[path = "src/source"]
#[allow(dead_code, unused_imports, clippy::struct_field_names)]
mod source {
    mod base;
    mod extent;
    mod meter;
    pub mod plain;
    mod tree;
    mod yaml;

    pub use base::{Document, Limits, Span, SyntaxError};
    pub use tree::{Entry, Key, Node, Value, boxed, fit};
    pub use yaml::parse_yaml;
}

use source::plain;

#[path = "src/catalog/prefilter.rs"]
mod prefilter;

/// The built-in catalog as static Rust data.
#[path = "build/static_catalog.rs"]
mod static_catalog;

use static_catalog::StaticCatalog;

/// The Markdown documentation of a rule (`src/engine/describe.rs`).
#[path = "src/engine/describe.rs"]
mod describe;

/// The scanner of which resource fields an expression reads (`src/engine/inputs_scan.rs`).
#[path = "src/engine/inputs_scan.rs"]
mod inputs_scan;

/// Where a template's `{{ }}` expressions are (`src/engine/expr/braces.rs`); build.rs reads
/// only the expressions, not the literal text around them.
#[path = "src/engine/expr/braces.rs"]
#[allow(dead_code)]
mod braces;

use saphyr_parser::{Event, Parser, ScalarStyle};
use serde_json::{Map, Number, Value};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The built-in catalog files, in merge order.
const CATALOG: &[&str] = &["regions", "instance-types", "os-lifecycle", "fees", "quotas", "public-image-ids"];

fn main() {
    embed_catalog();
    println!("cargo::rerun-if-changed=rules");
    println!("cargo::rerun-if-changed=src/source");
    println!("cargo::rerun-if-changed=src/engine/inputs_scan.rs");
    println!("cargo::rerun-if-changed=src/engine/describe.rs");
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    collect(&root.join("rules"), &mut files);
    files.retain(|p| !p.starts_with(root.join("rules/catalog")));
    files.sort();
    let mut code = String::from(
        "/// Built-in rule files: (path relative to the crate, text).\npub const BUILTIN_RULES: &[(&str, &str)] = &[\n",
    );
    let mut trees = String::from(
        "/// The spanned tree of each built-in rule file (same order), as the YAML loader read it\n\
         /// at build time; `None` where it does not parse into one document, which the loader\n\
         /// then reports at run time.\n\
         pub static BUILTIN_TREES: &[Option<compiled::N>] = &[\n",
    );
    let mut descriptions = String::from(
        "/// The Markdown documentation of each built-in rule (same order), from its `docs` \n\
         /// (`src/engine/describe.rs`); `None` where the file does not parse into one document.\n\
         pub static BUILTIN_DESCRIPTIONS: &[Option<&str>] = &[\n",
    );
    let mut inputs = String::from(
        "/// The resource fields each built-in rule reads (same order), worked out from its file\n\
         /// at build time (`src/engine/inputs.rs`): `Some(None)` for the whole resource, `None`\n\
         /// where the file does not parse into one document.\n\
         pub static BUILTIN_INPUTS: &[Option<Option<&[&str]>>] = &[\n",
    );
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if let Ok([document]) = source::parse_yaml(&text, source::Limits::default()).as_deref() {
            trees.push_str("    Some(");
            emit_node(&document.root, &mut trees);
            trees.push_str("),\n");
            match rule_inputs(&document.root) {
                Some(fields) => writeln!(inputs, "    Some(Some(&{fields:?})),"),
                None => writeln!(inputs, "    Some(None),"),
            }
            .expect("writing to a String");
            writeln!(descriptions, "    Some({:?}),", rule_description(&document.root))
                .expect("writing to a String");
        } else {
            trees.push_str("    None,\n");
            inputs.push_str("    None,\n");
            descriptions.push_str("    None,\n");
        }
        let relative = path
            .strip_prefix(&root)
            .expect("rule files live under the crate")
            .to_string_lossy()
            .replace('\\', "/");
        writeln!(code, "    ({relative:?}, include_str!({:?})),", path.display().to_string())
            .expect("writing to a String");
        println!("cargo::rerun-if-changed={}", path.display());
    }
    code.push_str("];\n");
    trees.push_str("];\n");
    inputs.push_str("];\n");
    descriptions.push_str("];\n");
    code.push_str(&trees);
    code.push_str(&inputs);
    code.push_str(&descriptions);
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("builtin_rules.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}

/// The resource fields a rule file's expressions read, as `Inputs::read` works them out
/// from the compiled rule (a test compares the two): the `when`, `each` and `assert`
/// conditions, the `data` entries, and the `{{ }}` expressions of the `message`, `help`
/// and `label` templates and of each `related` message (none from a template with a `{{`
/// that is not closed). `None`: the whole resource.
fn rule_inputs(root: &source::Node) -> Option<Vec<&str>> {
    let mut texts: Vec<&str> =
        ["when", "each", "assert"].iter().filter_map(|key| root.get_str(key)).collect();
    let data = root.get("data").and_then(source::Node::as_map).unwrap_or_default();
    texts.extend(data.iter().filter_map(|entry| entry.value.as_str()));
    let related = root.get("related").and_then(source::Node::as_seq).unwrap_or_default();
    let templates = ["message", "help", "label"].iter().filter_map(|key| root.get_str(key));
    for template in templates.chain(related.iter().filter_map(|r| r.get_str("message"))) {
        texts.extend(braces::expression_texts(template));
    }
    inputs_scan::fields_read(texts.into_iter())
}

/// A rule file's Markdown documentation, from its `docs`, as the rule compiler writes it
/// (the tests compare every built-in rule with the rule compiled from its YAML).
fn rule_description(root: &source::Node) -> String {
    let docs = root.get("docs");
    let doc = |key: &str| docs.and_then(|d| d.get_str(key));
    let sections = ["summary", "why", "example", "fix"].map(|key| doc(key).unwrap_or_default());
    describe::markdown(sections, doc("notes"), doc("source"))
}

/// Writes `node` as a `compiled::N` constant expression (see `src/engine/compiled.rs`).
fn emit_node(node: &source::Node, out: &mut String) {
    use source::Value;
    let _ = write!(out, "compiled::N({}, {}, ", node.span.start(), node.span.end());
    match &node.value {
        Value::Null => out.push_str("compiled::V::Null"),
        Value::Bool(b) => {
            let _ = write!(out, "compiled::V::Bool({b})");
        }
        Value::Int(i) => {
            let _ = write!(out, "compiled::V::Int({i})");
        }
        // By its bits: exact, and NaN or infinity are no problem.
        Value::Float(f) => {
            let _ = write!(out, "compiled::V::Float(f64::from_bits({:#x}))", f.to_bits());
        }
        Value::Str(s) => {
            let _ = write!(out, "compiled::V::Str({s:?})");
        }
        Value::Seq(items) => {
            out.push_str("compiled::V::Seq(&[");
            for item in items {
                emit_node(item, out);
                out.push_str(", ");
            }
            out.push_str("])");
        }
        Value::Map(entries) => {
            out.push_str("compiled::V::Map(&[");
            for entry in entries {
                let _ = write!(
                    out,
                    "compiled::E({:?}, {}, {}, ",
                    entry.key.name,
                    entry.key.span.start(),
                    entry.key.span.end()
                );
                emit_node(&entry.value, out);
                out.push_str("), ");
            }
            out.push_str("])");
        }
    }
    out.push(')');
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            files.push(path);
        }
    }
}

fn embed_catalog() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut code = String::from("&[\n");
    let mut prefilters = String::from("&[\n");
    let mut statics = StaticCatalog::new();
    for name in CATALOG {
        let path = root.join("rules/catalog").join(format!("{name}.yaml"));
        println!("cargo::rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let json_path = out.join(format!("catalog-{name}.json"));
        let mut documents = yaml_to_json(&text, &path);
        // The real public image IDs are a third of the catalog and most runs never read
        // them: they become a static list of strings rather than JSON to parse at start-up.
        let mut known_ids: Vec<String> = Vec::new();
        for document in &mut documents {
            let section = document.pointer_mut("/publicImageIds").and_then(Value::as_object_mut);
            if let Some(ids) = section.and_then(|s| s.remove("knownIds")) {
                let Value::Array(ids) = ids else { panic!("{}: knownIds is a list", path.display()) };
                known_ids.extend(ids.into_iter().map(|id| match id {
                    Value::String(id) if !id.is_empty() && !id.contains('\n') => id,
                    _ => panic!("{}: knownIds are strings of one line", path.display()),
                }));
            }
        }
        for document in &documents {
            statics.add(&format!("rules/catalog/{name}.yaml"), document);
        }
        let documents = Value::Array(documents);
        let patterns =
            documents.as_array().into_iter().flatten().filter_map(|d| d.pointer("/publicImageIds/patterns"));
        for regex in patterns.filter_map(Value::as_array).flatten().filter_map(|p| p.get("regex")?.as_str()) {
            // One text, a literal per line (a literal with a line break would leave the
            // pattern without a prefilter: every ID is then tried, as for a user's pattern).
            if let Some(literals) = prefilter::required_literals(regex)
                && !literals.iter().any(|l| l.contains('\n'))
            {
                writeln!(prefilters, "    ({regex:?}, {:?}),", literals.join("\n"))
                    .expect("writing to a String");
            }
        }
        std::fs::write(&json_path, documents.to_string()).expect("OUT_DIR is writable");
        writeln!(
            code,
            "    BuiltinFile {{ path: \"rules/catalog/{name}.yaml\", yaml: include_str!({:?}), json: include_str!({:?}), known_ids: {:?} }},",
            path.display().to_string(),
            json_path.display().to_string(),
            known_ids.join("\n"),
        )
        .expect("writing to a String");
    }
    code.push_str("]\n");
    std::fs::write(out.join("builtin_catalog.rs"), code).expect("OUT_DIR is writable");
    std::fs::write(out.join("builtin_static.rs"), statics.write()).expect("OUT_DIR is writable");
    prefilters.push_str("]\n");
    std::fs::write(out.join("builtin_prefilters.rs"), prefilters).expect("OUT_DIR is writable");
}

/// The documents of a catalog file as JSON, resolved as the loader resolves them (plain
/// scalars by the core schema, anchors and aliases expanded). Catalog files are ours: an
/// unsupported construct stops the build.
fn yaml_to_json(text: &str, path: &Path) -> Vec<Value> {
    enum Open {
        Seq(Vec<Value>, usize),
        Map(Map<String, Value>, Option<String>, usize),
    }
    let fail = |what: &str| -> ! { panic!("{}: {what}", path.display()) };
    let mut documents = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors: std::collections::HashMap<usize, Value> = std::collections::HashMap::new();
    let mut parser = Parser::new_from_str(text);
    loop {
        let (event, _) = match parser.next_event() {
            Some(Ok(event)) => event,
            Some(Err(e)) => fail(&e.to_string()),
            None => break,
        };
        let (value, anchor) = match event {
            Event::StreamEnd => break,
            Event::SequenceStart(anchor, _) => {
                stack.push(Open::Seq(Vec::new(), anchor));
                continue;
            }
            Event::MappingStart(anchor, _) => {
                stack.push(Open::Map(Map::new(), None, anchor));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Open::Seq(items, anchor)) => (Value::Array(items), anchor),
                Some(Open::Map(map, _, anchor)) => (Value::Object(map), anchor),
                None => fail("unbalanced collection"),
            },
            Event::Scalar(text, style, anchor, tag) => {
                if tag.as_ref().is_some_and(|t| !(t.handle == "tag:yaml.org,2002:" && t.suffix == "str")) {
                    fail("tags other than !!str are not supported in catalog files");
                }
                let value = if style != ScalarStyle::Plain || tag.is_some() {
                    Value::String(text.into_owned())
                } else {
                    match plain::resolve(&text) {
                        plain::Plain::Null => Value::Null,
                        plain::Plain::Bool(b) => Value::Bool(b),
                        plain::Plain::Int(i) => Value::from(i),
                        plain::Plain::Float(f) => Number::from_f64(f).map_or(Value::Null, Value::Number),
                        plain::Plain::Str => Value::String(text.into_owned()),
                    }
                };
                (value, anchor)
            }
            Event::Alias(id) => (anchors.get(&id).cloned().unwrap_or_else(|| fail("unknown anchor")), 0),
            _ => continue,
        };
        if anchor != 0 {
            anchors.insert(anchor, value.clone());
        }
        match stack.last_mut() {
            None => documents.push(value),
            Some(Open::Seq(items, _)) => items.push(value),
            Some(Open::Map(map, key, _)) => match key.take() {
                None => match value {
                    Value::String(k) => *key = Some(k),
                    _ => fail("catalog keys are strings"),
                },
                Some(k) => {
                    map.insert(k, value);
                }
            },
        }
    }
    documents
}
