//! Whether a resource is valid against its schema, without building a `jsonschema` validator.
//!
//! jsonschema checks every schema it builds against its draft's meta-schema, and building
//! that meta-schema's validator was 0.93 M instructions, the largest single cost of a
//! one-file check; the crate keeps the switch that skips it private. So a schema that uses
//! only the few keywords read here (the Instance and Image schemas do) answers "is it
//! valid?" itself and, for a resource that is not, lists its failures in jsonschema's error
//! kinds and words ([`Failure`]), which `schema.rs` turns into the violations users see as it
//! does jsonschema's. No jsonschema validator is built for such a schema.
//!
//! A schema with any other keyword, or a keyword with a value of a form not read here, is
//! not supported as a whole, and jsonschema answers for it as before. The tests compare
//! both answers on every fixture resource and on thousands of generated trees
//! (`spanned.rs`), and the answers follow JSON Schema 2020-12 on the tree as `spanned.rs`
//! presents it to jsonschema: a non-finite float is null, a float with no fraction is an
//! integer, a length counts characters.

use crate::source::{Node, PathSegment, Value};
use serde_json::Value as Json;

/// A schema that uses only what this module reads.
#[derive(Debug)]
pub enum Quick {
    /// `true` or `{}`.
    True,
    /// `false`.
    False,
    Object(Box<Keywords>),
}

/// The assertions of one schema object.
#[derive(Debug, Default)]
pub struct Keywords {
    /// `type`, as a set of [`Type`] bits.
    types: Option<u8>,
    /// `const` and `enum`: the value must equal one of each list, with the keyword's
    /// value as written (for the report).
    allowed: Vec<(Vec<Literal>, Allowed)>,
    min_length: Option<u64>,
    minimum: Option<i64>,
    min_items: Option<u64>,
    unique_items: bool,
    required: Vec<String>,
    properties: Vec<(String, Quick)>,
    additional: Option<Quick>,
    items: Option<Quick>,
    /// `if`, `then`, `else`.
    condition: Option<(Quick, Option<Quick>, Option<Quick>)>,
}

/// Which keyword a list of allowed values comes from, and its value as written.
#[derive(Debug)]
enum Allowed {
    Const(Json),
    Enum(Json),
}

/// Why a value is not valid, in the terms of jsonschema's error kinds (which
/// `schema.rs` turns into the violations users see).
#[derive(Debug)]
pub enum Failure {
    /// `additionalProperties`: the fields not allowed, in the order written.
    Additional(Vec<String>),
    /// `required`: a missing field.
    Required(String),
    /// `type`: the JSON types allowed, in jsonschema's order.
    Type(Vec<&'static str>),
    /// `enum`: the allowed values as written.
    Enum(Json),
    /// `const`: the value as written.
    Const(Json),
    /// `uniqueItems`.
    Unique,
    /// Anything else, in jsonschema's own words.
    Other(String),
}

/// A `const` or `enum` value of a kind compared here.
#[derive(Debug)]
enum Literal {
    Null,
    Bool(bool),
    Str(String),
}

/// The bits of the JSON types.
struct Type;

impl Type {
    const NULL: u8 = 1;
    const BOOLEAN: u8 = 2;
    const INTEGER: u8 = 4;
    const NUMBER: u8 = 8;
    const STRING: u8 = 16;
    const ARRAY: u8 = 32;
    const OBJECT: u8 = 64;

    const NAMES: [(u8, &str); 7] = [
        (Self::NULL, "null"),
        (Self::BOOLEAN, "boolean"),
        (Self::INTEGER, "integer"),
        (Self::NUMBER, "number"),
        (Self::STRING, "string"),
        (Self::ARRAY, "array"),
        (Self::OBJECT, "object"),
    ];

    fn named(name: &str) -> Option<u8> {
        Some(match name {
            "null" => Self::NULL,
            "boolean" => Self::BOOLEAN,
            "integer" => Self::INTEGER,
            "number" => Self::NUMBER,
            "string" => Self::STRING,
            "array" => Self::ARRAY,
            "object" => Self::OBJECT,
            _ => return None,
        })
    }
}

/// The largest magnitude of an integer `minimum` read here: every integer up to it is
/// exactly a double, so comparing a float with it is exact.
const EXACT: i64 = 1 << 53;

impl Quick {
    /// The schema, when it uses only what this module reads; `None` otherwise.
    pub fn new(schema: &Json) -> Option<Self> {
        Self::read(schema, true)
    }

    fn read(schema: &Json, root: bool) -> Option<Self> {
        let map = match schema {
            Json::Bool(true) => return Some(Self::True),
            Json::Bool(false) => return Some(Self::False),
            Json::Object(map) if map.is_empty() => return Some(Self::True),
            Json::Object(map) => map,
            _ => return None,
        };
        let mut keywords = Keywords::default();
        let mut condition = (None, None, None);
        for (name, value) in map {
            match name.as_str() {
                // Identify the document; a nested resource would bring its own dialect.
                "$schema" | "$id" if root => {}
                "title" | "description" | "default" | "examples" | "$comment" => {}
                "type" => keywords.types = Some(types(value)?),
                "const" => keywords.allowed.push((vec![literal(value)?], Allowed::Const(value.clone()))),
                "enum" => {
                    let values = value.as_array()?.iter().map(literal).collect::<Option<_>>()?;
                    keywords.allowed.push((values, Allowed::Enum(value.clone())));
                }
                "minLength" => keywords.min_length = Some(value.as_u64()?),
                "minimum" => keywords.minimum = Some(value.as_i64().filter(|m| m.abs() <= EXACT)?),
                "minItems" => keywords.min_items = Some(value.as_u64()?),
                "uniqueItems" => keywords.unique_items = value.as_bool()?,
                "required" => {
                    let names = value.as_array()?.iter().map(|n| n.as_str().map(str::to_string));
                    keywords.required = names.collect::<Option<_>>()?;
                }
                "properties" => {
                    let properties = value.as_object()?.iter();
                    let read =
                        properties.map(|(name, schema)| Some((name.clone(), Self::read(schema, false)?)));
                    keywords.properties = read.collect::<Option<_>>()?;
                }
                "additionalProperties" => keywords.additional = Some(Self::read(value, false)?),
                "items" => keywords.items = Some(Self::read(value, false)?),
                "if" => condition.0 = Some(Self::read(value, false)?),
                "then" => condition.1 = Some(Self::read(value, false)?),
                "else" => condition.2 = Some(Self::read(value, false)?),
                _ => return None,
            }
        }
        // Without `if`, `then` and `else` assert nothing.
        if let (Some(test), then, otherwise) = condition {
            keywords.condition = Some((test, then, otherwise));
        }
        Some(Self::Object(Box::new(keywords)))
    }

    /// Whether `node` is valid against this schema.
    pub fn is_valid(&self, node: &Node) -> bool {
        match self {
            Self::True => true,
            Self::False => false,
            Self::Object(keywords) => keywords.is_valid(node),
        }
    }

    /// Every failure of `node` against this schema with the path of the value it concerns,
    /// as jsonschema's `iter_errors` reports them (the order aside: `schema.rs` sorts them).
    pub fn failures(&self, node: &Node) -> Vec<(Vec<PathSegment>, Failure)> {
        let mut out = Vec::new();
        let mut path = Vec::new();
        self.collect(node, &mut path, &mut out);
        out
    }

    fn collect(&self, node: &Node, path: &mut Vec<PathSegment>, out: &mut Vec<(Vec<PathSegment>, Failure)>) {
        match self {
            Self::True => {}
            Self::False => out.push((
                path.clone(),
                Failure::Other(format!("False schema does not allow {}", node.to_json())),
            )),
            Self::Object(keywords) => keywords.collect(node, path, out),
        }
    }
}

fn types(value: &Json) -> Option<u8> {
    match value {
        Json::String(name) => Type::named(name),
        // jsonschema reads a list of one type as that type; none of ours is written so.
        Json::Array(names) if names.len() >= 2 => {
            names.iter().try_fold(0, |set, name| Some(set | Type::named(name.as_str()?)?))
        }
        _ => None,
    }
}

fn literal(value: &Json) -> Option<Literal> {
    match value {
        Json::Null => Some(Literal::Null),
        Json::Bool(b) => Some(Literal::Bool(*b)),
        Json::String(s) => Some(Literal::Str(s.clone())),
        // Numbers, lists and maps compare by rules not needed here.
        _ => None,
    }
}

/// What jsonschema reads a node as: a non-finite float is null (`spanned.rs`).
fn is_null(node: &Node) -> bool {
    match node.value {
        Value::Null => true,
        Value::Float(f) => !f.is_finite(),
        _ => false,
    }
}

/// The JSON types `node` has: an integer is also a number, and so is a float with no fraction.
fn type_bits(node: &Node) -> u8 {
    match &node.value {
        Value::Null => Type::NULL,
        Value::Float(f) if !f.is_finite() => Type::NULL,
        Value::Float(f) if f.fract() == 0.0 => Type::INTEGER | Type::NUMBER,
        Value::Float(_) => Type::NUMBER,
        Value::Int(_) => Type::INTEGER | Type::NUMBER,
        Value::Bool(_) => Type::BOOLEAN,
        Value::Str(_) => Type::STRING,
        Value::Seq(_) => Type::ARRAY,
        Value::Map(_) => Type::OBJECT,
    }
}

impl Literal {
    fn matches(&self, node: &Node) -> bool {
        match (self, &node.value) {
            (Self::Bool(a), Value::Bool(b)) => a == b,
            (Self::Str(a), Value::Str(b)) => **a == **b,
            (Self::Null, _) => is_null(node),
            _ => false,
        }
    }
}

impl Keywords {
    fn is_valid(&self, node: &Node) -> bool {
        if self.types.is_some_and(|types| types & type_bits(node) == 0) {
            return false;
        }
        if !self.allowed.iter().all(|(values, _)| values.iter().any(|v| v.matches(node))) {
            return false;
        }
        let fits = match &node.value {
            Value::Str(text) => self.min_length.is_none_or(|min| text.chars().count() as u64 >= min),
            Value::Int(i) => self.minimum.is_none_or(|min| *i >= min),
            // `minimum` is at most 2^53 in magnitude, so it converts exactly.
            #[allow(clippy::cast_precision_loss)]
            Value::Float(f) if f.is_finite() => self.minimum.is_none_or(|min| *f >= min as f64),
            Value::Seq(items) => self.items_valid(items),
            Value::Map(entries) => {
                self.required.iter().all(|name| entries.iter().any(|e| *e.key.name == **name))
                    && entries.iter().all(|entry| {
                        let named = self.properties.iter().find(|(name, _)| **name == *entry.key.name);
                        match (named, &self.additional) {
                            (Some((_, schema)), _) | (None, Some(schema)) => schema.is_valid(&entry.value),
                            (None, None) => true,
                        }
                    })
            }
            _ => true,
        };
        fits && self.condition.as_ref().is_none_or(|(test, then, otherwise)| {
            let branch = if test.is_valid(node) { then } else { otherwise };
            branch.as_ref().is_none_or(|schema| schema.is_valid(node))
        })
    }

    fn collect(&self, node: &Node, path: &mut Vec<PathSegment>, out: &mut Vec<(Vec<PathSegment>, Failure)>) {
        let fail = |out: &mut Vec<_>, failure| out.push((path.clone(), failure));
        if let Some(types) = self.types.filter(|types| types & type_bits(node) == 0) {
            let names = Type::NAMES.iter().filter(|(bit, _)| types & bit != 0).map(|(_, name)| *name);
            fail(out, Failure::Type(names.collect()));
        }
        for (values, keyword) in &self.allowed {
            if !values.iter().any(|v| v.matches(node)) {
                fail(
                    out,
                    match keyword {
                        Allowed::Const(value) => Failure::Const(value.clone()),
                        Allowed::Enum(options) => Failure::Enum(options.clone()),
                    },
                );
            }
        }
        let plural = |n: u64| if n == 1 { "" } else { "s" };
        match &node.value {
            Value::Str(text) => {
                if let Some(min) = self.min_length.filter(|min| (text.chars().count() as u64) < *min) {
                    let json = node.to_json();
                    fail(
                        out,
                        Failure::Other(format!("{json} is shorter than {min} character{}", plural(min))),
                    );
                }
            }
            Value::Int(_) | Value::Float(_) if !is_null(node) => {
                let below = match node.value {
                    Value::Int(i) => self.minimum.filter(|min| i < *min),
                    #[allow(clippy::cast_precision_loss)] // at most 2^53 in magnitude: exact
                    Value::Float(f) => self.minimum.filter(|min| f < *min as f64),
                    _ => None,
                };
                if let Some(min) = below {
                    fail(
                        out,
                        Failure::Other(format!("{} is less than the minimum of {min}", node.to_json())),
                    );
                }
            }
            Value::Seq(items) => {
                if let Some(min) = self.min_items.filter(|min| (items.len() as u64) < *min) {
                    let json = node.to_json();
                    fail(out, Failure::Other(format!("{json} has less than {min} item{}", plural(min))));
                }
                if self.unique_items && !unique(items) {
                    fail(out, Failure::Unique);
                }
                if let Some(schema) = &self.items {
                    for (index, item) in items.iter().enumerate() {
                        path.push(PathSegment::Index(index));
                        schema.collect(item, path, out);
                        path.pop();
                    }
                }
            }
            Value::Map(entries) => {
                for name in &self.required {
                    if !entries.iter().any(|e| *e.key.name == **name) {
                        out.push((path.clone(), Failure::Required(name.clone())));
                    }
                }
                let mut unexpected = Vec::new();
                for entry in entries {
                    let named = self.properties.iter().find(|(name, _)| **name == *entry.key.name);
                    let schema = match named.map(|(_, schema)| schema).or(self.additional.as_ref()) {
                        // Reported together, as one error.
                        Some(Quick::False) if named.is_none() => {
                            unexpected.push(entry.key.name.to_string());
                            continue;
                        }
                        Some(schema) => schema,
                        None => continue,
                    };
                    path.push(PathSegment::Key(entry.key.name.to_string()));
                    schema.collect(&entry.value, path, out);
                    path.pop();
                }
                if !unexpected.is_empty() {
                    out.push((path.clone(), Failure::Additional(unexpected)));
                }
            }
            _ => {}
        }
        if let Some((test, then, otherwise)) = &self.condition {
            let branch = if test.is_valid(node) { then } else { otherwise };
            if let Some(schema) = branch {
                schema.collect(node, path, out);
            }
        }
    }

    fn items_valid(&self, items: &[Node]) -> bool {
        self.min_items.is_none_or(|min| items.len() as u64 >= min)
            && self.items.as_ref().is_none_or(|schema| items.iter().all(|item| schema.is_valid(item)))
            && (!self.unique_items || unique(items))
    }
}

/// Whether no two items are equal, by JSON equality as jsonschema decides it for
/// `uniqueItems`: numbers by value (`1` equals `1.0`, `0.0` equals `-0.0`), maps regardless
/// of key order (keys are unique: the parsers reject duplicates), non-finite floats as null.
/// Each item is written in a canonical form that is the same exactly for equal items, so a
/// list of any length is checked in one pass.
fn unique(items: &[Node]) -> bool {
    let mut seen = std::collections::HashSet::with_capacity(items.len());
    items.iter().all(|item| {
        let mut key = String::new();
        canonical(item, &mut key);
        seen.insert(key)
    })
}

/// Writes `node` in a form equal for equal nodes (see [`unique`]); strings and keys carry
/// their length, so no two different nodes write the same text.
fn canonical(node: &Node, out: &mut String) {
    use std::fmt::Write as _;
    // 2^63 as a float; every float in [-2^63, 2^63) with no fraction is an i64.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    match &node.value {
        _ if is_null(node) => out.push('n'),
        Value::Bool(b) => out.push(if *b { 't' } else { 'f' }),
        Value::Int(i) => {
            let _ = write!(out, "i{i};");
        }
        // In range and without fraction: exact, and equal to the integer it is.
        #[allow(clippy::cast_possible_truncation)]
        Value::Float(f) if f.fract() == 0.0 && (-LIMIT..LIMIT).contains(f) => {
            let _ = write!(out, "i{};", *f as i64);
        }
        Value::Float(f) => {
            let _ = write!(out, "d{};", f.to_bits());
        }
        Value::Str(text) => {
            let _ = write!(out, "s{}:{text}", text.len());
        }
        Value::Seq(items) => {
            out.push('[');
            for item in items {
                canonical(item, out);
            }
            out.push(']');
        }
        Value::Map(entries) => {
            let mut sorted: Vec<_> = entries.iter().collect();
            sorted.sort_unstable_by(|a, b| a.key.name.cmp(&b.key.name));
            out.push('{');
            for entry in sorted {
                let _ = write!(out, "k{}:{}", entry.key.name.len(), entry.key.name);
                canonical(&entry.value, out);
            }
            out.push('}');
        }
        Value::Null => out.push('n'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Limits, parse_yaml};
    use serde_json::json;

    fn yaml(text: &str) -> Node {
        parse_yaml(text, Limits::default()).unwrap_or_else(|e| panic!("{e:?}")).remove(0).root
    }

    /// Quick's answer equals a jsonschema validator's, built on the same schema, and so do
    /// the violations reported from its failures.
    fn judged_alike(schema: &Json, texts: &[&str]) {
        let quick = Quick::new(schema).unwrap_or_else(|| panic!("{schema} is not supported"));
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(schema)
            .unwrap_or_else(|e| panic!("{e}"));
        let mut with_id = schema.clone();
        if let Some(map) = with_id.as_object_mut() {
            map.insert("$id".into(), json!("urn:ecslint:test"));
        }
        let compiled = super::super::Schema::compile(&with_id.to_string()).unwrap_or_else(|e| panic!("{e}"));
        for text in texts {
            let node = yaml(text);
            let valid = validator.is_valid(&node.to_json());
            assert_eq!(quick.is_valid(&node), valid, "{schema} on {text}");
            assert_eq!(quick.failures(&node).is_empty(), valid, "{schema} on {text}");
            if schema.is_object() {
                assert_eq!(
                    compiled.validate(&node),
                    compiled.validate_by_jsonschema(&node),
                    "{schema} on {text}"
                );
            }
        }
    }

    #[test]
    fn each_keyword_is_judged_as_jsonschema_judges_it() {
        let values = [
            "null",
            ".nan",
            ".inf",
            "true",
            "false",
            "0",
            "1",
            "-1",
            "1.0",
            "1.5",
            "-0.0",
            "2.0e0",
            "''",
            "x",
            "héllo",
            "[]",
            "[1]",
            "[1, 1.0]",
            "[1, 2]",
            "[0, -0.0]",
            "[0.0, -0.0]",
            "[a, a]",
            "[{a: 1}, {a: 1.0}]",
            "[{a: 1, b: 2}, {b: 2, a: 1}]",
            "[{a: 1}, {a: 1, b: 2}]",
            "[{ab: c}, {a: bc}]",
            "[1e300, 1e300]",
            "[0.1, 0.1]",
            "[0.1, 0.2]",
            "{a: 0.5, b: 1}",
            "{a: x, c: 1}",
            "ab",
            "abc",
            "[null, .nan]",
            "[[1], [1.0]]",
            "{}",
            "{a: 1}",
            "{a: x, b: y}",
            "9007199254740993",
            "[9007199254740993, 9007199254740992.0]",
        ];
        let schemas = [
            json!({"type": "integer"}),
            json!({"type": "number"}),
            json!({"type": "null"}),
            json!({"type": ["string", "integer"]}),
            json!({"type": "object"}),
            json!({"type": "array"}),
            json!({"type": "boolean"}),
            json!({"const": "x"}),
            json!({"const": null}),
            json!({"const": true}),
            json!({"enum": ["x", "y", null, false]}),
            json!({"minLength": 2}),
            json!({"minLength": 1}),
            json!({"minItems": 1}),
            json!({"type": "string", "minLength": 3, "enum": ["ab", "abcd"]}),
            json!({"type": "integer", "minimum": 1}),
            json!({"properties": {"a": {"type": "integer", "minimum": 1}, "b": false}, "required": ["a", "c"]}),
            json!({"minimum": 1}),
            json!({"minimum": -1}),
            json!({"minItems": 2}),
            json!({"uniqueItems": true}),
            json!({"uniqueItems": false}),
            json!({"items": {"type": "integer"}}),
            json!({"required": ["a"]}),
            json!({"properties": {"a": {"type": "integer"}}}),
            json!({"additionalProperties": false, "properties": {"a": {}}}),
            json!({"additionalProperties": {"type": "string"}}),
            json!({"if": {"required": ["a"]}, "then": {"required": ["b"]}, "else": {"type": "array"}}),
            json!({"if": {"type": "string"}, "else": false}),
            json!({"then": false}),
            json!(true),
            json!(false),
            json!({}),
        ];
        for schema in &schemas {
            judged_alike(schema, &values);
        }
    }

    #[test]
    fn long_lists_are_judged_as_jsonschema_judges_them() {
        let distinct: Vec<String> = (0..5_000).map(|i| format!("r{i}")).collect();
        let mut repeated = distinct.clone();
        repeated.push("r4321".to_string());
        let mixed = "[1, 2.5, {a: [1, {b: x}]}, {a: [1.0, {b: x}]}]";
        let texts =
            [format!("[{}]", distinct.join(", ")), format!("[{}]", repeated.join(", ")), mixed.to_string()];
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        judged_alike(&json!({"uniqueItems": true}), &texts);
        let schema = Quick::new(&json!({"uniqueItems": true})).unwrap_or_else(|| panic!("supported"));
        assert!(schema.is_valid(&yaml(texts[0])));
        assert!(!schema.is_valid(&yaml(texts[1])));
        assert!(!schema.is_valid(&yaml(mixed)));
    }

    #[test]
    fn anything_else_is_left_to_jsonschema() {
        for schema in [
            json!({"pattern": "^a"}),
            json!({"$ref": "#/$defs/a"}),
            json!({"const": 1}),
            json!({"enum": [[1]]}),
            json!({"minimum": 0.5}),
            json!({"type": "objet"}),
            json!({"minLength": -1}),
            json!({"properties": {"a": {"maxLength": 3}}}),
            json!({"items": [{}]}),
            json!({"properties": {"a": {"$schema": "http://json-schema.org/draft-07/schema#"}}}),
            json!("object"),
        ] {
            assert!(Quick::new(&schema).is_none(), "{schema}");
        }
    }

    #[test]
    fn the_resource_schemas_are_judged_here() {
        for text in [super::super::INSTANCE_SCHEMA, super::super::IMAGE_SCHEMA] {
            let schema: Json = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}"));
            assert!(Quick::new(&schema).is_some(), "{:?}", schema.get("$id"));
        }
    }
}
