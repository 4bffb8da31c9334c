//! Embeds every built-in rule file (`rules/<family>/*.yaml`) in the binary, so rules
//! stay data that the tests and `ecslint rules` read from one place; and embeds the
//! built-in catalog (`rules/catalog/*.yaml`) both as written and converted to JSON, which
//! loads in a tenth of the time (the catalog was most of a one-file check's start-up).
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
    pub use tree::{Entry, Key, Node, Value};
    pub use yaml::parse_yaml;
}

use source::plain;

#[path = "src/catalog/prefilter.rs"]
mod prefilter;

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
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        match source::parse_yaml(&text, source::Limits::default()).as_deref() {
            Ok([document]) => {
                trees.push_str("    Some(");
                emit_node(&document.root, &mut trees);
                trees.push_str("),\n");
            }
            _ => trees.push_str("    None,\n"),
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
    code.push_str(&trees);
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("builtin_rules.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}

/// Writes `node` as a `compiled::N` constant expression (see `src/engine/compiled.rs`).
fn emit_node(node: &source::Node, out: &mut String) {
    use source::Value;
    let _ = write!(out, "compiled::N({}, {}, ", node.span.start, node.span.end);
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
                    entry.key.name, entry.key.span.start, entry.key.span.end
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
                    Value::String(id) => id,
                    _ => panic!("{}: knownIds are strings", path.display()),
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
            if let Some(literals) = prefilter::required_literals(regex) {
                writeln!(prefilters, "    ({regex:?}, &{literals:?}),").expect("writing to a String");
            }
        }
        std::fs::write(&json_path, documents.to_string()).expect("OUT_DIR is writable");
        writeln!(
            code,
            "    BuiltinFile {{ path: \"rules/catalog/{name}.yaml\", yaml: include_str!({:?}), json: include_str!({:?}), known_ids: &{known_ids:?} }},",
            path.display().to_string(),
            json_path.display().to_string(),
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

/// Writes the built-in catalog as static Rust data in the crate's own types (`Region`,
/// `InstanceType`, ...; see `src/catalog/builtin.rs`): the files merged as `Catalog::merge`
/// merges them (later entries with the same key replace earlier ones in place, instance
/// families flattened into types), so a run reads the catalog without parsing or merging
/// anything. The image ID section stays JSON, read when an image ID is first parsed. A test
/// checks all of it against what the checked loader makes of the YAML.
struct StaticCatalog {
    /// Named statics for the nested lists (each list must be a static to be borrowed).
    lists: String,
    count: usize,
    date: Option<String>,
    regions: Keyed,
    types: Keyed,
    lifecycle: Keyed,
    fees: Keyed,
    quotas: Keyed,
    retired: Keyed,
    images: String,
}

/// Entries (Rust expressions) in merge order, and the key of each where the catalog looks
/// entries up by a plain ID.
#[derive(Default)]
struct Keyed {
    items: Vec<(Option<String>, String)>,
}

impl Keyed {
    fn upsert(&mut self, key: Option<String>, item: String) {
        match key.as_ref().and_then(|k| self.items.iter().position(|(key, _)| key.as_ref() == Some(k))) {
            Some(i) => self.items[i] = (key, item),
            None => self.items.push((key, item)),
        }
    }

    /// `pub static NAME: [TYPE; N]` and, for keyed entries, `NAME_INDEX`: keys sorted, with positions.
    fn write(&self, name: &str, ty: &str, keyed: bool, out: &mut String) {
        let _ = writeln!(out, "pub static {name}: [{ty}; {}] = [", self.items.len());
        for (_, item) in &self.items {
            let _ = writeln!(out, "    {item},");
        }
        out.push_str("];\n");
        let mut keys: Vec<(&str, usize)> =
            self.items.iter().enumerate().filter_map(|(i, (k, _))| Some((k.as_deref()?, i))).collect();
        if !keyed {
            return;
        }
        keys.sort_unstable();
        let _ = writeln!(out, "pub static {name}_INDEX: [(&str, u32); {}] = [", keys.len());
        for (key, i) in keys {
            let _ = writeln!(out, "    ({key:?}, {i}),");
        }
        out.push_str("];\n");
    }
}

/// One JSON object of a built-in catalog file, read field by field: a missing required
/// field, a field of the wrong kind or an unknown field stops the build.
struct Fields<'a> {
    map: &'a Map<String, Value>,
    what: String,
}

impl<'a> Fields<'a> {
    fn new(value: &'a Value, what: &str, known: &[&str]) -> Self {
        let Value::Object(map) = value else { panic!("{what}: not a mapping") };
        if let Some(unknown) = map.keys().find(|k| !known.contains(&k.as_str())) {
            panic!("{what}: unknown field `{unknown}`");
        }
        Self { map, what: what.to_owned() }
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn need(&self, key: &str) -> &'a Value {
        self.get(key).unwrap_or_else(|| panic!("{}: `{key}` is required", self.what))
    }

    fn str(&self, key: &str) -> &'a str {
        self.need(key).as_str().unwrap_or_else(|| panic!("{}: `{key}` is not a string", self.what))
    }

    fn text(&self, key: &str) -> String {
        format!("Cow::Borrowed({:?})", self.str(key))
    }

    fn opt_text(&self, key: &str) -> String {
        self.get(key).map_or_else(|| "None".to_owned(), |_| format!("Some({})", self.text(key)))
    }

    fn bool(&self, key: &str) -> bool {
        self.get(key)
            .is_some_and(|v| v.as_bool().unwrap_or_else(|| panic!("{}: `{key}` is not a boolean", self.what)))
    }

    fn uint(&self, key: &str, max: u64) -> String {
        let n = self.need(key).as_u64().filter(|n| *n <= max);
        n.unwrap_or_else(|| panic!("{}: `{key}` is not an integer in range", self.what)).to_string()
    }

    fn opt_uint(&self, key: &str, max: u64) -> String {
        self.get(key).map_or_else(|| "None".to_owned(), |_| format!("Some({})", self.uint(key, max)))
    }

    /// By its bits: exact, as serde reads it.
    fn float(&self, key: &str) -> String {
        let f = self.need(key).as_f64().unwrap_or_else(|| panic!("{}: `{key}` is not a number", self.what));
        format!("f64::from_bits({:#x})", f.to_bits())
    }

    fn date(&self, key: &str) -> String {
        date_expr(self.str(key))
            .unwrap_or_else(|| panic!("{}: `{key}` is not a date (YYYY-MM-DD)", self.what))
    }

    fn opt_date(&self, key: &str) -> String {
        self.get(key).map_or_else(|| "None".to_owned(), |_| format!("Some({})", self.date(key)))
    }

    fn list(&self, key: &str) -> &'a [Value] {
        self.get(key)
            .map_or(&[], |v| v.as_array().unwrap_or_else(|| panic!("{}: `{key}` is not a list", self.what)))
    }

    fn texts(&self, key: &str) -> Vec<String> {
        let text = |v: &Value| v.as_str().map(|s| format!("Cow::Borrowed({s:?})"));
        let items = self.list(key).iter().map(text);
        items
            .collect::<Option<_>>()
            .unwrap_or_else(|| panic!("{}: `{key}` is not a list of strings", self.what))
    }
}

/// `Date::from_ymd(..)` for `YYYY-MM-DD` (the constant assertion refuses an impossible date).
fn date_expr(text: &str) -> Option<String> {
    let mut parts = text.splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
    if !digits(y, 4) || !digits(m, 2) || !digits(d, 2) {
        return None;
    }
    Some(format!(
        "Date::from_ymd({}, {}, {})",
        y.trim_start_matches('0'),
        m.trim_start_matches('0'),
        d.trim_start_matches('0')
    ))
}

fn architecture(value: &str, what: &str) -> &'static str {
    match value {
        "x86_64" => "Architecture::X86_64",
        "i386" => "Architecture::I386",
        "arm64" => "Architecture::Arm64",
        _ => panic!("{what}: unknown architecture `{value}`"),
    }
}

impl StaticCatalog {
    fn new() -> Self {
        Self {
            lists: String::new(),
            count: 0,
            date: None,
            regions: Keyed::default(),
            types: Keyed::default(),
            lifecycle: Keyed::default(),
            fees: Keyed::default(),
            quotas: Keyed::default(),
            retired: Keyed::default(),
            images: String::new(),
        }
    }

    /// A named static holding `items` of type `ty`, borrowed as a list.
    fn list(&mut self, ty: &str, items: &[String]) -> String {
        if items.is_empty() {
            return "Cow::Borrowed(&[])".to_owned();
        }
        self.count += 1;
        let _ =
            writeln!(self.lists, "static L{}: [{ty}; {}] = [{}];", self.count, items.len(), items.join(", "));
        format!("Cow::Borrowed(&L{})", self.count)
    }

    /// Adds one document of a built-in file (`path`), as `Catalog::merge` would.
    fn add(&mut self, path: &str, document: &Value) {
        if document.is_null() {
            return;
        }
        let file = Fields::new(
            document,
            path,
            &[
                "date",
                "regions",
                "instanceFamilies",
                "osLifecycle",
                "licenseFees",
                "quotas",
                "publicImageIds",
                "availability",
                "images",
                "retiredFamilies",
            ],
        );
        if let Some(date) = file.get("date") {
            let date = date.as_str().filter(|d| date_expr(d).is_some());
            let date = date.unwrap_or_else(|| panic!("{path}: `date` is not a date")).to_owned();
            self.date = self.date.take().max(Some(date));
        }
        if !file.list("availability").is_empty() || !file.list("images").is_empty() {
            panic!(
                "{path}: built-in `availability` and `images` are not supported (no public page lists them)"
            );
        }
        for region in file.list("regions") {
            let f = Fields::new(
                region,
                &format!("{path}: region"),
                &["id", "name", "mainland", "zones", "source", "note"],
            );
            let zones = f.texts("zones");
            let zones = self.list("Text", &zones);
            let item = format!(
                "Region {{ id: {}, name: {}, mainland: {}, zones: {zones}, source: {}, note: {} }}",
                f.text("id"),
                f.text("name"),
                f.need("mainland")
                    .as_bool()
                    .unwrap_or_else(|| panic!("{path}: region `mainland` is not a boolean")),
                f.text("source"),
                f.opt_text("note"),
            );
            self.regions.upsert(Some(f.str("id").to_owned()), item);
        }
        for family in file.list("instanceFamilies") {
            let f = Fields::new(
                family,
                &format!("{path}: instance family"),
                &["family", "architecture", "bootModes", "bootModeSource", "source", "note", "types"],
            );
            let arch = architecture(f.str("architecture"), &f.what);
            let modes: Vec<&str> =
                f.list("bootModes").iter().map(|m| m.as_str().unwrap_or_default()).collect();
            assert!(
                modes.iter().all(|m| matches!(*m, "BIOS" | "UEFI")),
                "{path}: family `{}`: instance types support BIOS and/or UEFI",
                f.str("family")
            );
            // As `Catalog::merge`: an Arm type boots UEFI whatever the file says.
            let boot = match (arch == "Architecture::Arm64", modes.contains(&"BIOS"), modes.contains(&"UEFI"))
            {
                (true, _, _) | (false, false, true) => "BootSupport::Uefi",
                (false, true, true) => "BootSupport::Both",
                (false, true, false) => "BootSupport::Bios",
                (false, false, false) => "BootSupport::Unknown",
            };
            for entry in f.list("types") {
                let t = Fields::new(
                    entry,
                    &format!("{path}: instance type"),
                    &["id", "vcpus", "memoryGiB", "note"],
                );
                let note = if t.get("note").is_some() { t.opt_text("note") } else { f.opt_text("note") };
                let item = format!(
                    "InstanceType {{ id: {}, family: {}, vcpus: {}, memory_gib: {}, architecture: {arch}, boot_modes: {boot}, source: {}, boot_mode_source: {}, note: {note} }}",
                    t.text("id"),
                    f.text("family"),
                    t.uint("vcpus", u32::MAX.into()),
                    t.float("memoryGiB"),
                    f.text("source"),
                    f.opt_text("bootModeSource"),
                );
                self.types.upsert(Some(t.str("id").to_owned()), item);
            }
        }
        for entry in file.list("osLifecycle") {
            let f = Fields::new(
                entry,
                &format!("{path}: OS lifecycle entry"),
                &[
                    "family",
                    "version",
                    "name",
                    "endOfSupport",
                    "source",
                    "otherEndOfSupport",
                    "otherSource",
                    "extendedSupport",
                    "note",
                ],
            );
            let extended = f.get("extendedSupport").map_or_else(
                || "None".to_owned(),
                |v| {
                    let e = Fields::new(
                        v,
                        &format!("{path}: extended support"),
                        &["name", "until", "source", "note"],
                    );
                    format!(
                        "Some(ExtendedSupport {{ name: {}, until: {}, source: {}, note: {} }})",
                        e.text("name"),
                        e.date("until"),
                        e.text("source"),
                        e.opt_text("note")
                    )
                },
            );
            let item = format!(
                "OsLifecycle {{ family: {}, version: {}, name: {}, end_of_support: {}, source: {}, other_end_of_support: {}, other_source: {}, extended_support: {extended}, note: {} }}",
                f.text("family"),
                f.text("version"),
                f.text("name"),
                f.date("endOfSupport"),
                f.text("source"),
                f.opt_date("otherEndOfSupport"),
                f.opt_text("otherSource"),
                f.opt_text("note"),
            );
            // Keyed by normalised family and version at run time; the test compares.
            self.lifecycle.upsert(None, item);
        }
        for fee in file.list("licenseFees") {
            let f = Fields::new(
                fee,
                &format!("{path}: licence fee"),
                &["family", "versions", "name", "currency", "outsideMainlandOnly", "tiers", "source", "note"],
            );
            let versions = if f.get("versions").is_some() {
                let versions = f.texts("versions");
                format!("Some({})", self.list("Text", &versions))
            } else {
                "None".to_owned()
            };
            let tiers: Vec<String> = f
                .list("tiers")
                .iter()
                .map(|tier| {
                    let t = Fields::new(
                        tier,
                        &format!("{path}: fee tier"),
                        &["minVcpus", "maxVcpus", "hourly", "monthly", "yearly"],
                    );
                    format!(
                        "FeeTier {{ min_vcpus: {}, max_vcpus: {}, hourly: {}, monthly: {}, yearly: {} }}",
                        t.uint("minVcpus", u32::MAX.into()),
                        t.opt_uint("maxVcpus", u32::MAX.into()),
                        t.float("hourly"),
                        t.float("monthly"),
                        t.float("yearly"),
                    )
                })
                .collect();
            assert!(f.get("tiers").is_some(), "{path}: licence fee `tiers` is required");
            let tiers = self.list("FeeTier", &tiers);
            let item = format!(
                "LicenseFee {{ family: {}, versions: {versions}, name: {}, currency: {}, outside_mainland_only: {}, tiers: {tiers}, source: {}, note: {} }}",
                f.text("family"),
                f.opt_text("name"),
                f.opt_text("currency"),
                f.bool("outsideMainlandOnly"),
                f.text("source"),
                f.opt_text("note"),
            );
            self.fees.upsert(None, item);
        }
        for quota in file.list("quotas") {
            let f =
                Fields::new(quota, &format!("{path}: quota"), &["id", "name", "default", "source", "note"]);
            let item = format!(
                "Quota {{ id: {}, name: {}, default: {}, source: {}, note: {} }}",
                f.text("id"),
                f.text("name"),
                f.opt_uint("default", u64::MAX),
                f.text("source"),
                f.opt_text("note"),
            );
            self.quotas.upsert(Some(f.str("id").to_owned()), item);
        }
        for family in file.list("retiredFamilies") {
            let f = Fields::new(
                family,
                &format!("{path}: retired family"),
                &["family", "retired", "replacement", "source", "changeableTo", "changeSource", "note"],
            );
            let changeable = f.texts("changeableTo");
            let changeable = self.list("Text", &changeable);
            let item = format!(
                "RetiredFamily {{ family: {}, retired: {}, replacement: {}, source: {}, changeable_to: {changeable}, change_source: {}, note: {} }}",
                f.text("family"),
                f.opt_date("retired"),
                f.opt_text("replacement"),
                f.text("source"),
                f.opt_text("changeSource"),
                f.opt_text("note"),
            );
            self.retired.upsert(Some(f.str("family").to_owned()), item);
        }
        if let Some(section) = file.get("publicImageIds") {
            let _ = writeln!(self.images, "    ({path:?}, {:?}),", section.to_string());
        }
    }

    fn write(&self) -> String {
        let mut out = self.lists.clone();
        let date = self.date.as_deref().and_then(date_expr).expect("a built-in catalog file has a `date`");
        let _ = writeln!(out, "pub static DATE: Date = {date};");
        self.regions.write("REGIONS", "Region", true, &mut out);
        self.types.write("INSTANCE_TYPES", "InstanceType", true, &mut out);
        self.lifecycle.write("LIFECYCLE", "OsLifecycle", false, &mut out);
        self.fees.write("FEES", "LicenseFee", false, &mut out);
        self.quotas.write("QUOTAS", "Quota", true, &mut out);
        self.retired.write("RETIRED", "RetiredFamily", true, &mut out);
        let _ = writeln!(out, "pub static IMAGE_SECTIONS: &[(&str, &str)] = &[\n{}];", self.images);
        out
    }
}
