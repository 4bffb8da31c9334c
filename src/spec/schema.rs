//! JSON Schema validation of resources, with every error mapped back to a span.
//!
//! The validator reads the spanned tree as JSON (`spanned.rs`); each error's instance
//! path is walked through the tree (as taplo does for TOML) to find the key or value to
//! underline.

use super::spanned::{Spanned, SpannedNode};
use crate::source::{Node, PathSegment, Span, Value};
use crate::suggest;
use jsonschema::ValidationError;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::paths::LocationSegment;
use jsonschema::{Draft, Validator};
use serde_json::Value as Json;
use std::fmt::Write as _;
use std::sync::LazyLock;

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
    /// Reads the spanned tree directly (see `spanned.rs`).
    validator: Validator<Spanned>,
    raw: Json,
}

impl Schema {
    /// Compiles an embedded schema; a broken embedded schema is a bug caught by the tests.
    pub fn compile(text: &str) -> Result<Self, String> {
        let raw: Json = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let validator = jsonschema::options_for::<Spanned>()
            .with_draft(Draft::Draft202012)
            .build(&raw)
            .map_err(|e| e.to_string())?;
        Ok(Self { validator, raw })
    }

    /// Whether `node` is valid.
    pub fn is_valid(&self, node: &Node) -> bool {
        self.validator.is_valid(SpannedNode(node))
    }

    /// Every violation of `node` against this schema, in document order.
    pub fn validate(&self, node: &Node) -> Vec<Violation> {
        // Most resources are valid: the boolean check is much cheaper than collecting errors.
        if self.is_valid(node) {
            return Vec::new();
        }
        self.violations(node, self.validator.iter_errors(SpannedNode(node)))
    }

    /// What the validator says of `node` converted to JSON, for the tests to compare with.
    #[cfg(test)]
    pub fn validate_as_json(&self, node: &Node) -> (bool, Vec<Violation>) {
        let validator = jsonschema::options().with_draft(Draft::Draft202012).build(&self.raw);
        let validator = validator.unwrap_or_else(|e| panic!("{e}"));
        let json = node.to_json();
        (validator.is_valid(&json), self.violations(node, validator.iter_errors(&json)))
    }

    /// The violations of `node` from the validator's errors.
    fn violations<'i>(
        &self,
        node: &Node,
        errors: impl Iterator<Item = ValidationError<'i>>,
    ) -> Vec<Violation> {
        let mut violations: Vec<Violation> = Vec::new();
        for error in errors {
            let path: Vec<PathSegment> = error
                .instance_path()
                .iter()
                .map(|segment| match segment {
                    LocationSegment::Property(p) => PathSegment::Key(p.into_owned()),
                    LocationSegment::Index(i) => PathSegment::Index(i),
                })
                .collect();
            self.describe(node, &path, error.kind(), &error.to_string(), &mut violations);
        }
        violations.sort_by_key(|v| (v.span.start, v.span.end));
        violations.dedup_by(|a, b| a.span == b.span && a.message == b.message);
        violations
    }

    fn describe(
        &self,
        root: &Node,
        path: &[PathSegment],
        kind: &ValidationErrorKind,
        fallback: &str,
        out: &mut Vec<Violation>,
    ) {
        let Some(node) = root.at(path) else { return };
        let field = display_path(path);
        match kind {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                self.unknown_fields(root, node, path, unexpected, out);
            }
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                let owner = if path.is_empty() { resource_label(root) } else { format!("`{field}`") };
                out.push(Violation {
                    message: format!("{owner} is missing the required field `{name}`"),
                    label: format!("`{name}` missing"),
                    help: self.description(path, name).map(|d| format!("add `{name}`: {d}")),
                    span: head_span(node),
                    path: path.to_vec(),
                });
            }
            ValidationErrorKind::Type { kind } => {
                let expected = match kind {
                    TypeKind::Single(t) => type_word(&t.to_string()),
                    TypeKind::Multiple(set) => {
                        set.iter().map(|t| type_word(&t.to_string())).collect::<Vec<_>>().join(" or ")
                    }
                };
                let help = match (&node.value, expected.as_str()) {
                    (Value::Int(_) | Value::Float(_) | Value::Bool(_), "a string") => Some(
                        "quote the value so YAML keeps it as written, e.g. \"22.04\" rather than 22.04"
                            .to_string(),
                    ),
                    _ => self.description(&path[..path.len().saturating_sub(1)], &last_key(path)),
                };
                out.push(Violation {
                    message: format!("`{field}` must be {expected}, found {}", article(node.type_name())),
                    label: format!("expected {expected}"),
                    help,
                    span: node.span,
                    path: path.to_vec(),
                });
            }
            ValidationErrorKind::Enum { options } => {
                let allowed: Vec<String> = options
                    .as_array()
                    .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                    .unwrap_or_default();
                let found = node.as_str().map_or_else(|| article(node.type_name()), |s| format!("`{s}`"));
                let help = node
                    .as_str()
                    .and_then(|s| suggest::closest(s, allowed.iter().map(String::as_str)))
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
            ValidationErrorKind::UniqueItems => {
                let items = node.as_seq().unwrap_or_default();
                let repeat = items.iter().enumerate().find_map(|(i, item)| {
                    items.get(..i)?.iter().find(|earlier| earlier.value == item.value).map(|_| (i, item))
                });
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
            ValidationErrorKind::Constant { expected_value } => {
                out.push(Violation {
                    message: format!("`{field}` must be {expected_value}"),
                    label: "not allowed".into(),
                    help: None,
                    span: node.span,
                    path: path.to_vec(),
                });
            }
            _ => out.push(Violation {
                message: format!("`{field}`: {fallback}"),
                label: "invalid value".into(),
                help: self.description(&path[..path.len().saturating_sub(1)], &last_key(path)),
                span: node.span,
                path: path.to_vec(),
            }),
        }
    }

    fn unknown_fields(
        &self,
        root: &Node,
        node: &Node,
        path: &[PathSegment],
        unexpected: &[String],
        out: &mut Vec<Violation>,
    ) {
        let known = self.property_names(path);
        for name in unexpected {
            let mut child = path.to_vec();
            child.push(PathSegment::Key(name.clone()));
            let span = root.key_span_at(&child).unwrap_or(node.span);
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

/// The schemas of the two resource kinds, compiled once per process.
pub struct Schemas {
    pub instance: Schema,
    pub image: Schema,
}

static SCHEMAS: LazyLock<Result<Schemas, String>> = LazyLock::new(|| {
    Ok(Schemas { instance: Schema::compile(INSTANCE_SCHEMA)?, image: Schema::compile(IMAGE_SCHEMA)? })
});

pub fn schemas() -> Result<&'static Schemas, String> {
    SCHEMAS.as_ref().map_err(Clone::clone)
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

fn last_key(path: &[PathSegment]) -> String {
    match path.last() {
        Some(PathSegment::Key(k)) => k.clone(),
        _ => String::new(),
    }
}

/// The first line of a mapping, for findings about the resource as a whole.
pub fn head_span(node: &Node) -> Span {
    match node.as_map().and_then(|entries| entries.iter().find(|e| e.key.name == "kind").or(entries.first()))
    {
        Some(entry) if !entry.value.span.is_empty() => {
            Span::new(entry.key.span.start, entry.value.span.end.max(entry.key.span.end))
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
