//! JSON Schema validation of resources, with every error mapped back to a span.
//!
//! The validator reads the spanned tree as JSON (`spanned.rs`); each error's instance
//! path is walked through the tree (as taplo does for TOML) to find the key or value to
//! underline.

use super::Kind;
use super::quick::{Failure, Quick};
use super::spanned::{Spanned, SpannedNode};
use crate::source::{Entry, Node, PathSegment, Span, Value};
use crate::{aliases, suggest};
use jsonschema::ValidationError;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::paths::LocationSegment;
use jsonschema::{Draft, Validator};
use serde_json::Value as Json;
use std::fmt::Write as _;
use std::sync::{LazyLock, OnceLock};

pub const INSTANCE_SCHEMA: &str = include_str!("../../schemas/instance.schema.json");
pub const IMAGE_SCHEMA: &str = include_str!("../../schemas/image.schema.json");

/// A schema violation located in the tree.
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    pub message: String,
    pub label: String,
    pub help: Option<String>,
    pub span: Span,
    pub path: Vec<PathSegment>,
}

/// A compiled schema and the raw JSON it came from (for field names and enums).
pub struct Schema {
    /// Answers whether a resource is valid where the schema allows (`quick.rs`).
    quick: Option<Quick>,
    /// Reads the spanned tree directly (see `spanned.rs`); built on first use when `quick`
    /// answers validity, and at once otherwise.
    validator: OnceLock<Result<Validator<Spanned>, String>>,
    raw: Json,
}

/// Finds the nodes many failures are about. `Node::at` searches a mapping's entries in
/// order: 60,000 labels that each failed were 60,000 searches of 60,000 entries (5 s). A
/// mapping of more than [`Finder::INDEXED`] entries is indexed by key the first time it is
/// searched (the first entry of a key, as `Node::get` finds).
struct Finder<'n> {
    root: &'n Node,
    /// By the address of the mapping's node.
    indexed: foldhash::HashMap<usize, foldhash::HashMap<&'n str, &'n Entry>>,
}

impl<'n> Finder<'n> {
    const INDEXED: usize = 32;

    fn entry(&mut self, map: &'n Node, key: &str) -> Option<&'n Entry> {
        let Value::Map(entries) = &map.value else { return None };
        if entries.len() <= Self::INDEXED {
            return entries.iter().find(|e| &*e.key.name == key);
        }
        let index = self.indexed.entry(std::ptr::from_ref(map).addr()).or_insert_with(|| {
            let mut index = foldhash::HashMap::default();
            for entry in entries {
                index.entry(&*entry.key.name).or_insert(entry);
            }
            index
        });
        index.get(key).copied()
    }

    fn at(&mut self, path: &[PathSegment]) -> Option<&'n Node> {
        let mut node = self.root;
        for segment in path {
            node = match (segment, &node.value) {
                (PathSegment::Key(key), Value::Map(_)) => &self.entry(node, key)?.value,
                (PathSegment::Index(i), Value::Seq(items)) => items.get(*i)?,
                _ => return None,
            };
        }
        Some(node)
    }
}

impl Schema {
    /// Compiles an embedded schema; a broken embedded schema is a bug caught by the tests.
    ///
    /// A schema [`Quick`] can read builds no jsonschema validator until a resource is
    /// invalid: building one first checks the schema against its draft's meta-schema, and
    /// building that meta-schema's validator was 0.93 M instructions, the largest single
    /// cost of a one-file check. Any other schema is built now, as before.
    pub fn compile(text: &str) -> Result<Self, String> {
        let raw: Json = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let quick = Quick::new(&raw);
        let schema = Self { quick, validator: OnceLock::new(), raw };
        if schema.quick.is_none() {
            schema.validator()?;
        }
        Ok(schema)
    }

    /// The jsonschema validator, built on first use.
    ///
    /// jsonschema checks the schema it builds against its draft's meta-schema, and building
    /// the 2020-12 meta-schema's validator was 3.8 M instructions, a sixth of a one-file
    /// check. Our schemas are fixed at build time and the tests check them against the
    /// meta-schema (`every_embedded_schema_meets_its_meta_schema`), so the validator is
    /// built on `{"$ref": <its $id>}` under draft 4, whose meta-schema is small, with the
    /// schema itself a 2020-12 resource of the registry: it validates as itself (the tests
    /// compare it with a validator built on the schema directly).
    fn validator(&self) -> Result<&Validator<Spanned>, String> {
        let build = || {
            let raw = &self.raw;
            let id = raw.get("$id").and_then(Json::as_str).ok_or("an embedded schema has no `$id`")?;
            let registry = jsonschema::Registry::new()
                .add(id, Draft::Draft202012.create_resource(raw.clone()))
                .and_then(jsonschema::RegistryBuilder::prepare)
                .map_err(|e| e.to_string())?;
            jsonschema::options_for::<Spanned>()
                .with_draft(Draft::Draft4)
                .with_registry(&registry)
                .build(&serde_json::json!({ "$ref": id }))
                .map_err(|e| e.to_string())
        };
        self.validator.get_or_init(build).as_ref().map_err(Clone::clone)
    }

    /// Whether `node` is valid.
    pub fn is_valid(&self, node: &Node) -> bool {
        if let Some(quick) = &self.quick {
            return quick.is_valid(node);
        }
        // A schema without `quick` was built when compiled, so this is not an error.
        self.validator().is_ok_and(|validator| validator.is_valid(SpannedNode(node)))
    }

    /// Every violation of `node` against this schema, in document order.
    pub fn validate(&self, node: &Node) -> Vec<Violation> {
        // Most resources are valid: the boolean check is much cheaper than collecting errors.
        if self.is_valid(node) {
            return Vec::new();
        }
        if let Some(quick) = &self.quick {
            return self.violations(node, quick.failures(node));
        }
        match self.validator() {
            Ok(validator) => self.violations(node, failures(validator.iter_errors(SpannedNode(node)))),
            // A broken embedded schema is caught by the tests; it still never passes a resource.
            Err(error) => vec![Violation {
                message: format!("the built-in schema cannot be compiled: {error}"),
                label: "not checked".to_string(),
                help: None,
                span: head_span(node),
                path: Vec::new(),
            }],
        }
    }

    /// Whether `node` is valid by the jsonschema validator, whatever `quick` says.
    #[cfg(test)]
    pub fn is_valid_by_jsonschema(&self, node: &Node) -> bool {
        self.validator().unwrap_or_else(|e| panic!("{e}")).is_valid(SpannedNode(node))
    }

    /// What the validator says of `node` converted to JSON, for the tests to compare with.
    #[cfg(test)]
    pub fn validate_as_json(&self, node: &Node) -> (bool, Vec<Violation>) {
        let validator = jsonschema::options().with_draft(Draft::Draft202012).build(&self.raw);
        let validator = validator.unwrap_or_else(|e| panic!("{e}"));
        let json = node.to_json();
        (validator.is_valid(&json), self.violations(node, failures(validator.iter_errors(&json))))
    }

    /// What the jsonschema validator says of `node`, whatever `quick` says.
    #[cfg(test)]
    pub fn validate_by_jsonschema(&self, node: &Node) -> Vec<Violation> {
        let validator = self.validator().unwrap_or_else(|e| panic!("{e}"));
        if validator.is_valid(SpannedNode(node)) {
            return Vec::new();
        }
        self.violations(node, failures(validator.iter_errors(SpannedNode(node))))
    }

    /// The violations of `node` from its failures, in document order. At one place, a
    /// schema [`Quick`] reads orders them by message too, so its two checkers (which fail
    /// keywords in different orders) agree; every other schema keeps jsonschema's order
    /// there, as its users (rule and config files) have always seen it.
    fn violations(&self, node: &Node, failures: Vec<(Vec<PathSegment>, Failure)>) -> Vec<Violation> {
        let mut violations: Vec<Violation> = Vec::new();
        let mut finder = Finder { root: node, indexed: foldhash::HashMap::default() };
        for (path, failure) in failures {
            self.describe(&mut finder, &path, &failure, &mut violations);
        }
        if self.quick.is_some() {
            violations.sort_by(|a, b| {
                (a.span.start(), a.span.end(), &a.message).cmp(&(b.span.start(), b.span.end(), &b.message))
            });
        } else {
            violations.sort_by_key(|v| (v.span.start(), v.span.end()));
        }
        violations.dedup_by(|a, b| a.span == b.span && a.message == b.message);
        violations
    }

    fn describe(
        &self,
        finder: &mut Finder<'_>,
        path: &[PathSegment],
        failure: &Failure,
        out: &mut Vec<Violation>,
    ) {
        let root = finder.root;
        let Some(node) = finder.at(path) else { return };
        let field = display_path(path);
        match failure {
            Failure::Additional(unexpected) => {
                self.unknown_fields(finder, node, path, unexpected, out);
            }
            Failure::Required(name) => {
                let owner = if path.is_empty() { resource_label(root) } else { format!("`{field}`") };
                out.push(Violation {
                    message: format!("{owner} is missing the required field `{name}`"),
                    label: format!("`{name}` missing"),
                    help: self.description(path, name).map(|d| format!("add `{name}`: {d}")),
                    span: head_span(node),
                    path: path.to_vec(),
                });
            }
            Failure::Type(types) => {
                let expected = types.iter().map(|t| type_word(t)).collect::<Vec<_>>().join(" or ");
                let help = self.type_help(path, node, &expected);
                out.push(Violation {
                    message: format!("`{field}` must be {expected}, found {}", article(node.type_name())),
                    label: format!("expected {expected}"),
                    help,
                    span: node.span,
                    path: path.to_vec(),
                });
            }
            Failure::Enum(options) => {
                let allowed: Vec<String> = options
                    .as_array()
                    .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                    .unwrap_or_default();
                let found = node.as_str().map_or_else(|| article(node.type_name()), |s| format!("`{s}`"));
                let help = node
                    .as_str()
                    .and_then(|s| {
                        aliases::canonical(s, allowed.iter().map(String::as_str))
                            .or_else(|| suggest::closest(s, allowed.iter().map(String::as_str)))
                    })
                    .map_or_else(
                        || format!("allowed values: {}", list(&allowed)),
                        |s| format!("did you mean `{s}`? allowed values: {}", list(&allowed)),
                    );
                out.push(Violation {
                    message: format!("`{field}` must be one of the allowed values, found {found}"),
                    label: "not an allowed value".into(),
                    help: Some(help),
                    span: node.span,
                    path: path.to_vec(),
                });
            }
            Failure::Unique => {
                let items = node.as_seq().unwrap_or_default();
                let repeat = first_repeat(items).and_then(|i| Some((i, items.get(i)?)));
                let (index, span, text) = repeat.map_or((None, node.span, String::new()), |(i, item)| {
                    (Some(i), item.span, item.as_str().map(|s| format!(" `{s}`")).unwrap_or_default())
                });
                let mut path = path.to_vec();
                path.extend(index.map(PathSegment::Index));
                out.push(Violation {
                    message: format!("`{field}` lists{text} more than once"),
                    label: "repeated".into(),
                    help: Some("remove the repeated entry".into()),
                    span,
                    path,
                });
            }
            Failure::Const(expected_value) => {
                out.push(Violation {
                    message: format!("`{field}` must be {expected_value}"),
                    label: "not allowed".into(),
                    help: None,
                    span: node.span,
                    path: path.to_vec(),
                });
            }
            Failure::Other(fallback) => out.push(Violation {
                message: format!("`{field}`: {fallback}"),
                label: "invalid value".into(),
                help: self.description(&path[..path.len().saturating_sub(1)], &last_key(path)),
                span: node.span,
                path: path.to_vec(),
            }),
        }
    }

    fn unknown_fields<'n>(
        &self,
        finder: &mut Finder<'n>,
        node: &'n Node,
        path: &[PathSegment],
        unexpected: &[String],
        out: &mut Vec<Violation>,
    ) {
        let known = self.property_names(path);
        for name in unexpected {
            let mut child = path.to_vec();
            child.push(PathSegment::Key(name.clone()));
            let span = finder.entry(node, name).map_or(node.span, |entry| entry.key.span);
            let help = suggest::closest(name, known.iter().map(String::as_str)).map_or_else(
                || format!("known fields here: {}", list(&known)),
                |s| format!("did you mean `{s}`?"),
            );
            out.push(Violation {
                message: format!("unknown field `{name}`"),
                label: "unknown field".into(),
                help: Some(help),
                span,
                path: child,
            });
        }
    }

    /// The schema object that describes the value at `path` (following `properties` and `items`).
    fn subschema(&self, path: &[PathSegment]) -> Option<&Json> {
        path.iter().try_fold(&self.raw, |schema, segment| match segment {
            PathSegment::Key(key) => schema
                .get("properties")
                .and_then(|p| p.get(key))
                .or_else(|| schema.get("additionalProperties").filter(|a| a.is_object())),
            PathSegment::Index(_) => schema.get("items"),
        })
    }

    /// Help for a value of the wrong type: how to write it, then what the field means.
    fn type_help(&self, path: &[PathSegment], node: &Node, expected: &str) -> Option<String> {
        let meaning = self.description(&path[..path.len().saturating_sub(1)], &last_key(path));
        match (&node.value, expected) {
            (Value::Int(_) | Value::Float(_) | Value::Bool(_), "a string") => Some(
                "quote the value so YAML keeps it as written, e.g. \"22.04\" rather than 22.04".to_string(),
            ),
            _ => match (how_to_write(path, node, expected, &self.os_families()), meaning) {
                (Some(how), Some(meaning)) => Some(format!("{how}. {meaning}")),
                (how, meaning) => how.or(meaning),
            },
        }
    }

    /// The schema's OS families (none in the instance schema).
    fn os_families(&self) -> Vec<&str> {
        let family = self.subschema(&[PathSegment::Key("os".into()), PathSegment::Key("family".into())]);
        let values = family.and_then(|f| f.get("enum")).and_then(Json::as_array);
        values.map(|v| v.iter().filter_map(Json::as_str).collect()).unwrap_or_default()
    }

    fn property_names(&self, path: &[PathSegment]) -> Vec<String> {
        self.subschema(path)
            .and_then(|s| s.get("properties"))
            .and_then(Json::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default()
    }

    fn description(&self, parent: &[PathSegment], name: &str) -> Option<String> {
        self.subschema(parent)?.get("properties")?.get(name)?.get("description")?.as_str().map(str::to_string)
    }

    /// The top-level field names the schema knows.
    pub fn fields(&self) -> Vec<String> {
        self.property_names(&[])
    }
}

/// The schema of each resource kind, compiled on first use, once per process: a run
/// pays only for the kinds it meets.
static INSTANCE: LazyLock<Result<Schema, String>> = LazyLock::new(|| Schema::compile(INSTANCE_SCHEMA));
static IMAGE: LazyLock<Result<Schema, String>> = LazyLock::new(|| Schema::compile(IMAGE_SCHEMA));

/// The compiled schema of a resource kind.
pub fn schema(kind: Kind) -> Result<&'static Schema, String> {
    match kind {
        Kind::Instance => INSTANCE.as_ref(),
        Kind::Image => IMAGE.as_ref(),
    }
    .map_err(Clone::clone)
}

/// The first item whose value equals (`==`) an earlier one's, in one pass: a hostile list of
/// 100,000 regions with one repeated at the end took 5e9 comparisons pairwise.
fn first_repeat(items: &[Node]) -> Option<usize> {
    let mut seen = std::collections::HashSet::with_capacity(items.len());
    items.iter().position(|item| {
        let mut key = String::new();
        exact_key(&item.value, &mut key) && !seen.insert(key)
    })
}

/// Writes `value` in a form that is the same exactly for values `==` would call equal (spans
/// of nested nodes and keys included, as `==` compares them); `false` for a value holding a
/// NaN, which equals nothing.
fn exact_key(value: &Value, out: &mut String) -> bool {
    match value {
        Value::Null => out.push('n'),
        Value::Bool(b) => out.push(if *b { 't' } else { 'f' }),
        Value::Int(i) => {
            let _ = write!(out, "i{i};");
        }
        Value::Float(f) if f.is_nan() => return false,
        // `0.0 == -0.0`.
        Value::Float(f) => {
            let _ = write!(out, "d{};", if *f == 0.0 { 0 } else { f.to_bits() });
        }
        Value::Str(text) => {
            let _ = write!(out, "s{}:{text}", text.len());
        }
        Value::Seq(items) => {
            out.push('[');
            for item in items {
                let _ = write!(out, "@{},{}", item.span.start(), item.span.end());
                if !exact_key(&item.value, out) {
                    return false;
                }
            }
            out.push(']');
        }
        Value::Map(entries) => {
            out.push('{');
            for entry in entries {
                let (key, at) = (&entry.key, entry.value.span);
                let _ = write!(
                    out,
                    "k{},{},{}:{}@{},{}",
                    key.span.start(),
                    key.span.end(),
                    key.name.len(),
                    key.name,
                    at.start(),
                    at.end()
                );
                if !exact_key(&entry.value.value, out) {
                    return false;
                }
            }
            out.push('}');
        }
    }
    true
}

/// jsonschema's errors as failures with the path of the value each concerns.
fn failures<'i>(errors: impl Iterator<Item = ValidationError<'i>>) -> Vec<(Vec<PathSegment>, Failure)> {
    let failure = |error: &ValidationError<'_>| match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => Failure::Additional(unexpected.clone()),
        ValidationErrorKind::Required { property } => {
            Failure::Required(property.as_str().unwrap_or_default().to_string())
        }
        ValidationErrorKind::Type { kind } => Failure::Type(match kind {
            TypeKind::Single(t) => vec![t.as_str()],
            TypeKind::Multiple(set) => set.iter().map(jsonschema::JsonType::as_str).collect(),
        }),
        ValidationErrorKind::Enum { options } => Failure::Enum((**options).clone()),
        ValidationErrorKind::UniqueItems => Failure::Unique,
        ValidationErrorKind::Constant { expected_value } => Failure::Const((**expected_value).clone()),
        _ => Failure::Other(error.to_string()),
    };
    errors
        .map(|error| {
            let path = error
                .instance_path()
                .iter()
                .map(|segment| match segment {
                    LocationSegment::Property(p) => PathSegment::Key(p.into_owned()),
                    LocationSegment::Index(i) => PathSegment::Index(i),
                })
                .collect();
            (path, failure(&error))
        })
        .collect()
}

/// `os.family`, `sharedWith[2]`.
pub fn display_path(path: &[PathSegment]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            PathSegment::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            PathSegment::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
        }
    }
    out
}

/// How to write a value of the expected type, from the value that was written:
/// `regions: [cn-hangzhou]` for a string where a list is expected, `true` without quotes.
fn how_to_write(path: &[PathSegment], node: &Node, expected: &str, families: &[&str]) -> Option<String> {
    let key = match path.last() {
        Some(PathSegment::Key(key)) => format!("{key}: "),
        // A list entry: the value alone, as it goes after `- `.
        _ => String::new(),
    };
    let text = match &node.value {
        Value::Str(s) => Some(s.trim()),
        _ => None,
    };
    Some(match (expected, &node.value) {
        ("a list", Value::Str(_) | Value::Int(_) | Value::Float(_) | Value::Bool(_)) => {
            let items: Vec<String> = match text {
                // `regions: cn-hangzhou, cn-shanghai` was meant as two entries.
                Some(text) => text.split(',').map(|item| flow_scalar(item.trim())).collect(),
                None => vec![flow_scalar(&node.to_json().to_string())],
            };
            format!("write a list, even of one entry: `{key}[{}]`", items.join(", "))
        }
        ("a boolean", Value::Str(_)) => match text.map(str::to_ascii_lowercase).as_deref() {
            Some(word @ ("true" | "false")) => {
                format!("write `{key}{word}` without quotes: quoted, it is a string")
            }
            Some("yes" | "on" | "y") => {
                format!("write `{key}true`: YAML 1.2 reads `yes` and `on` as strings")
            }
            Some("no" | "off" | "n") => {
                format!("write `{key}false`: YAML 1.2 reads `no` and `off` as strings")
            }
            _ => format!("write `{key}true` or `{key}false`, without quotes"),
        },
        ("a boolean", Value::Int(i @ (0 | 1))) => format!("write `{key}{}`, not a number", *i == 1),
        ("a boolean", _) => format!("write `{key}true` or `{key}false`, without quotes"),
        ("an integer" | "a number", Value::Str(_)) => match text.filter(|t| t.parse::<i64>().is_ok()) {
            Some(number) => format!("write the number without quotes: `{key}{number}`"),
            None => format!("write a whole number without quotes, e.g. `{key}2`"),
        },
        ("an integer", Value::Float(_)) => format!("write a whole number, e.g. `{key}2`"),
        ("a string", Value::Seq(items)) => match &items[..] {
            [only] if only.as_str().is_some() => {
                format!(
                    "write one value, without brackets: `{key}{}`",
                    flow_scalar(only.as_str().unwrap_or_default())
                )
            }
            _ => format!("write one value, not a list, e.g. `{key}value`"),
        },
        ("a mapping", _) if last_key(path) == "os" => {
            // `os: ubuntu 22.04` or `os: windows`: spell out the mapping, family first.
            let mut words = text.unwrap_or_default().split_whitespace();
            let family = words.next().map_or_else(
                || "ubuntu".to_string(),
                |f| {
                    aliases::canonical(f, families.iter().copied())
                        .or_else(|| suggest::closest(f, families.iter().copied()))
                        .unwrap_or(f)
                        .to_string()
                },
            );
            let version: Vec<&str> = words.collect();
            let version = if version.is_empty() { "22.04".to_string() } else { version.join(" ") };
            format!(
                "write a mapping: `os: {{family: {}, version: {}}}`",
                flow_scalar(&family),
                serde_json::Value::from(version)
            )
        }
        ("a mapping", _) => format!("write a mapping of names to values, e.g. `{key}{{team: web}}`"),
        _ => return None,
    })
}

/// A scalar as YAML flow text: plain when it is a simple word, JSON-quoted otherwise, and
/// cut short when long, since it only shows the form.
fn flow_scalar(text: &str) -> String {
    let plain = !text.is_empty()
        && text.chars().all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
        && text.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    match text.char_indices().nth(40) {
        Some((cut, _)) => format!("{}...", serde_json::Value::from(text.get(..cut).unwrap_or_default())),
        None if plain => text.to_string(),
        None => serde_json::Value::from(text).to_string(),
    }
}

fn last_key(path: &[PathSegment]) -> String {
    match path.last() {
        Some(PathSegment::Key(k)) => k.clone(),
        _ => String::new(),
    }
}

/// The first line of a mapping, for findings about the resource as a whole.
pub fn head_span(node: &Node) -> Span {
    match node
        .as_map()
        .and_then(|entries| entries.iter().find(|e| &*e.key.name == "kind").or(entries.first()))
    {
        Some(entry) if !entry.value.span.is_empty() => {
            Span::new(entry.key.span.start(), entry.value.span.end().max(entry.key.span.end()))
        }
        Some(entry) => entry.key.span,
        None => node.span,
    }
}

fn resource_label(root: &Node) -> String {
    match (root.get_str("kind"), root.get_str("name")) {
        (Some(kind), Some(name)) => format!("{kind} `{name}`"),
        (Some(kind), None) => kind.to_string(),
        _ => "this file".to_string(),
    }
}

fn type_word(json_type: &str) -> String {
    match json_type {
        "object" => "a mapping".into(),
        "array" => "a list".into(),
        "integer" => "an integer".into(),
        other => article(other),
    }
}

fn article(word: &str) -> String {
    match word.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {word}"),
        _ => format!("a {word}"),
    }
}

fn list(items: &[String]) -> String {
    items.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Limits, parse_yaml};

    const EMBEDDED: [&str; 4] =
        [INSTANCE_SCHEMA, IMAGE_SCHEMA, crate::engine::RULE_SCHEMA, crate::config::CONFIG_SCHEMA];

    /// A label whose key is all digits is still a key: its integer value is reported.
    /// (jsonschema's error paths read an all-digit step as an array index, so before the
    /// quick checker this violation found no node and was dropped: a missed finding.)
    #[test]
    fn an_all_digit_label_key_with_a_number_is_reported() {
        let schema = schema(Kind::Instance).unwrap_or_else(|e| panic!("{e}"));
        let text = "kind: Instance\nname: web\nregion: cn-hangzhou\ninstanceType: ecs.g7.large\n\
                    image: ubuntu_22_04_x64_20G_alibase_20240926.vhd\nlabels: {\"2\": 3, \"01\": 4, team: web}\n";
        let root = parse_yaml(text, Limits::default()).unwrap_or_else(|e| panic!("{e:?}")).remove(0).root;
        let messages: Vec<String> = schema.validate(&root).into_iter().map(|v| v.message).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages.iter().any(|m| m.starts_with("`labels.2` must be a string")), "{messages:?}");
        assert!(messages.iter().any(|m| m.starts_with("`labels.01` must be a string")), "{messages:?}");
    }

    /// A schema jsonschema checks (one `Quick` cannot read: it has a `pattern`) keeps
    /// jsonschema's order at one place, as rule and config files always reported it.
    #[test]
    fn violations_at_one_place_keep_jsonschema_order_outside_quick_schemas() {
        let schema = Schema::compile(
            r#"{"$id": "urn:ecslint:test", "type": "object", "required": ["target", "field", "message"],
                "properties": {"code": {"type": "string", "pattern": "^[A-Z]"}}}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(schema.quick.is_none());
        let root = parse_yaml("{}", Limits::default()).unwrap_or_else(|e| panic!("{e:?}")).remove(0).root;
        let missing: Vec<String> = schema.validate(&root).into_iter().map(|v| v.label).collect();
        assert_eq!(missing, ["`target` missing", "`field` missing", "`message` missing"]);
    }

    #[test]
    fn the_first_repeated_item_is_found_as_comparing_every_pair_finds_it() {
        let pairwise = |items: &[Node]| {
            items.iter().enumerate().find_map(|(i, item)| {
                items.get(..i)?.iter().find(|earlier| earlier.value == item.value).map(|_| i)
            })
        };
        let lists = [
            "[a, b, a, b]",
            "[a, b, c]",
            "[1, 1.0, 1]",
            "[.nan, .nan]",
            "[0.0, -0.0]",
            "[null, ~]",
            "[true, 'true', true]",
            "[[1], [1]]",
            "[{a: 1}, {a: 1}]",
            "['ab', 'a', 'ab']",
            "[]",
            "[x]",
            "[1e300, 1e300]",
            "[[.nan], [.nan]]",
        ];
        for text in lists {
            let root = parse_yaml(text, Limits::default()).unwrap_or_else(|e| panic!("{e:?}")).remove(0).root;
            let items = root.as_seq().unwrap_or_default();
            assert_eq!(first_repeat(items), pairwise(items), "{text}");
        }
        // Nodes written at the same place (as front ends may make them) compare by value.
        let same = |value: Value| Node::new(Span::new(3, 5), value);
        let nested = || same(Value::Seq(vec![same(Value::Int(1))].into()));
        let items = [nested(), same(Value::Str("x".into())), nested()];
        assert_eq!(first_repeat(&items), Some(2));
        assert_eq!(pairwise(&items), Some(2));
    }

    /// What `Schema::compile` leaves out: each schema meets the 2020-12 meta-schema.
    #[test]
    fn every_embedded_schema_meets_its_meta_schema() {
        for text in EMBEDDED {
            let raw: Json = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}"));
            let built = jsonschema::options().with_draft(Draft::Draft202012).build(&raw);
            assert!(built.is_ok(), "{:?}: {:?}", raw.get("$id"), built.err());
        }
        // The check can fail.
        let broken = serde_json::json!({ "type": "objet" });
        assert!(jsonschema::options().with_draft(Draft::Draft202012).build(&broken).is_err());
    }

    /// The rule and config schemas give what a validator built on them directly gives (the
    /// resource schemas are compared on arbitrary trees in `spanned.rs`).
    #[test]
    fn rule_and_config_files_validate_as_with_the_schema_built_directly() {
        let rule = Schema::compile(crate::engine::RULE_SCHEMA).unwrap_or_else(|e| panic!("{e}"));
        let config = Schema::compile(crate::config::CONFIG_SCHEMA).unwrap_or_else(|e| panic!("{e}"));
        let rules = [
            "code: ORG001\nname: x\nseverity: info\non: instance\nassert: 'true'\nmessage: m\ndocs: {summary: s, why: w, example: e, fix: f}\n",
            "code: 7\nname: [x]\nseverity: fatal\non: disk\nassertt: 'true'\n",
            "params: {days: {default: 1, schema: {type: integer}}, bad: 3}\nenabled: maybe\n",
        ];
        let configs = [
            "select: [A, L002]\nfailOn: warning\neolWarningDays: 30\n",
            "selct: [A]\nfailOn: loud\neolWarningDays: -3\nrules: {A001: sometimes}\n",
        ];
        let mut invalid = 0;
        for (schema, text) in rules.iter().map(|t| (&rule, t)).chain(configs.iter().map(|t| (&config, t))) {
            let root = parse_yaml(text, Limits::default()).unwrap_or_else(|e| panic!("{e:?}")).remove(0).root;
            let (valid, violations) = schema.validate_as_json(&root);
            assert_eq!(schema.is_valid(&root), valid, "{text}");
            assert_eq!(schema.validate(&root), violations, "{text}");
            invalid += usize::from(!valid);
        }
        assert!(invalid >= 3, "the broken examples break the schemas");
    }
}
