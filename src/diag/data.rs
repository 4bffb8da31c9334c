//! A finding's rule-specific figures (`data`), held as the compact JSON text of their object.
//!
//! As a `serde_json::Map` the figures were the largest part of a finding: every value is
//! 80 bytes and every map carries its own hash index, so L001's five figures (one a map of
//! three) took about 1.4 KB, and the 17,016 findings of the 10,000-file corpus 29 MB. The
//! text of the same figures is about 300 bytes. The reports read them back when they are
//! written: `serde_json` reads what it wrote exactly (its `float_roundtrip` feature is on,
//! and `preserve_order` keeps the keys in the order the rule gives them), so every report
//! is byte for byte what the map gave.

use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

/// The figures of one finding (none for most built-in checks).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Data(Repr);

#[derive(Clone, Default, PartialEq, Eq)]
enum Repr {
    #[default]
    None,
    /// The compact JSON text of the figures: what nearly every finding holds.
    Text(Box<str>),
    /// Figures nested deeper than `serde_json` reads back ([`READ_DEPTH`]): a user rule's
    /// `data` can hold a Terraform value built from nested locals. They are kept as they are.
    Map(Box<Map<String, Value>>),
}

/// `serde_json::from_str` stops at 128 levels of arrays and objects; figures nested deeper
/// than this stay a map, so nothing is lost on the way back.
const READ_DEPTH: usize = 120;

/// Whether `value` nests arrays and objects more than `left` levels deep (the walk stops as
/// soon as it knows).
fn deeper_than(value: &Value, left: usize) -> bool {
    let Some(left) = left.checked_sub(1) else {
        return matches!(value, Value::Array(_) | Value::Object(_));
    };
    match value {
        Value::Array(items) => items.iter().any(|item| deeper_than(item, left)),
        Value::Object(map) => map.values().any(|item| deeper_than(item, left)),
        _ => false,
    }
}

impl Data {
    /// The figures of `map`, in its order.
    pub fn new(map: &Map<String, Value>) -> Self {
        if map.is_empty() {
            return Self(Repr::None);
        }
        if map.values().any(|value| deeper_than(value, READ_DEPTH)) {
            return Self(Repr::Map(Box::new(map.clone())));
        }
        // Writing a map of JSON values to a string cannot fail: its keys are strings. The
        // text is copied into a block of its size: `into_boxed_str` would leave a 330-byte
        // text in the 512-byte block it grew into (mimalloc keeps a block shrunk by less
        // than half).
        match serde_json::to_string(map) {
            Ok(text) => Self(Repr::Text(Box::from(text.as_str()))),
            Err(_) => Self(Repr::Map(Box::new(map.clone()))),
        }
    }

    pub const fn is_empty(&self) -> bool {
        matches!(self.0, Repr::None)
    }

    /// The figures as a map, in their order.
    pub fn to_map(&self) -> Map<String, Value> {
        match &self.0 {
            Repr::None => Map::new(),
            Repr::Text(text) => serde_json::from_str(text).unwrap_or_default(),
            Repr::Map(map) => (**map).clone(),
        }
    }

    pub fn get(&self, key: &str) -> Option<Value> {
        self.to_map().remove(key)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        !self.is_empty() && self.to_map().contains_key(key)
    }

    /// Adds or replaces one figure (kept in place when it is replaced, as a map does).
    pub fn insert(&mut self, key: String, value: Value) {
        let mut map = self.to_map();
        map.insert(key, value);
        *self = Self::new(&map);
    }
}

impl From<Map<String, Value>> for Data {
    fn from(map: Map<String, Value>) -> Self {
        Self::new(&map)
    }
}

impl Serialize for Data {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_map().serialize(serializer)
    }
}

impl std::fmt::Debug for Data {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Repr::None => f.write_str("{}"),
            Repr::Text(text) => f.write_str(text),
            Repr::Map(map) => write!(f, "{}", Value::Object((**map).clone())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn figures_come_back_as_they_went_in() {
        // Floats that need all 17 digits, integers past 2^53, escapes and key order.
        let figures = map(json!({
            "z": 0.1 + 0.2,
            "a": 1.234_567_890_123_456_7e-300,
            "big": u64::MAX,
            "neg": i64::MIN,
            "whole": 384.0,
            "text": "q\"uote\nline\u{7f}é",
            "nested": {"b": [1, null, true, {"c": -0.0}], "a": {}},
            "empty": [],
        }));
        let data = Data::new(&figures);
        assert_eq!(data.to_map(), figures);
        let keys: Vec<String> = data.to_map().keys().cloned().collect();
        assert_eq!(keys, ["z", "a", "big", "neg", "whole", "text", "nested", "empty"]);
        // Every report lays it out as it laid out the map.
        assert_eq!(serde_json::to_string_pretty(&data).ok(), serde_json::to_string_pretty(&figures).ok());
        assert_eq!(serde_json::to_string(&data).ok(), serde_json::to_string(&figures).ok());
        assert_eq!(data.get("big"), Some(json!(u64::MAX)));
        assert!(data.contains_key("nested") && !data.contains_key("missing"));
    }

    #[test]
    fn figures_nested_past_what_serde_json_reads_back_are_kept() {
        // 130 levels: serde_json writes them but reads back only 128; a user rule's data can
        // nest that deep (Terraform locals stacked on locals).
        let mut deep = json!(1);
        for _ in 0..130 {
            deep = json!([deep]);
        }
        let figures = map(json!({"shallow": 0.1 + 0.2, "deep": deep}));
        let data = Data::new(&figures);
        assert_eq!(data.to_map(), figures);
        assert_eq!(data.get("shallow"), Some(json!(0.1 + 0.2)));
        assert_eq!(serde_json::to_string(&data).ok(), serde_json::to_string(&figures).ok());
        // Exactly at the limit it is still held as text, and comes back whole.
        let mut edge = json!(1);
        for _ in 0..READ_DEPTH {
            edge = json!([edge]);
        }
        let figures = map(json!({"edge": edge}));
        let data = Data::new(&figures);
        assert!(matches!(data.0, Repr::Text(_)));
        assert_eq!(data.to_map(), figures);
    }

    #[test]
    fn no_figures_is_an_empty_object() {
        let data = Data::new(&Map::new());
        assert!(data.is_empty() && data == Data::default());
        assert_eq!(serde_json::to_string(&data).ok().as_deref(), Some("{}"));
        assert!(!data.contains_key("x"));
    }

    #[test]
    fn insert_keeps_the_order_and_replaces_in_place() {
        let mut data = Data::default();
        data.insert("b".into(), json!(1));
        data.insert("a".into(), json!(2));
        data.insert("b".into(), json!(3));
        assert_eq!(serde_json::to_string(&data).ok().as_deref(), Some(r#"{"b":3,"a":2}"#));
    }
}
