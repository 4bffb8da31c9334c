//! The spanned tree: every key and every value carries its byte span.

use super::Span;
use serde_json::Value as Json;

/// A value and the bytes it was written in.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub span: Span,
    pub value: Value,
}

/// The value of a node, as YAML's core schema or JSON resolves it.
///
/// Strings and lists are boxed slices of exactly their length, not `String` and `Vec`: every
/// tree of a run is held until its rules have run, and the capacity word made a node 8 bytes
/// larger (see the test `tree_items_are_compact` for the sizes).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Box<str>),
    Seq(Box<[Node]>),
    Map(Box<[Entry]>),
}

/// A mapping key (always a string in specs) with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    pub name: Box<str>,
    pub span: Span,
}

/// One `key: value` pair of a mapping, in source order.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: Key,
    pub value: Node,
}

/// One step of a path into the tree, as JSON Schema instance paths are made of.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathSegment {
    Key(String),
    Index(usize),
}

impl std::fmt::Display for PathSegment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Key(key) => f.write_str(key),
            Self::Index(index) => write!(f, "{index}"),
        }
    }
}

/// `items` in a block of exactly their size, for a list a tree keeps: every tree of a run is
/// held until its rules have run. `shrink_to_fit` does not do it under the binary's
/// allocator: mimalloc keeps a block that shrinks by less than half (a map of five entries
/// grown to room for eight stayed in its 704-byte block), so the items are moved instead.
pub fn fit<T>(items: Vec<T>) -> Vec<T> {
    if items.capacity() == items.len() {
        return items;
    }
    let mut exact = Vec::with_capacity(items.len());
    exact.extend(items);
    exact
}

/// `text` in a block of exactly its length (see [`fit`]): an owned string from the parser
/// may have grown past it, and `into_boxed_str` would keep that room under mimalloc.
pub fn boxed(text: std::borrow::Cow<'_, str>) -> Box<str> {
    match text {
        std::borrow::Cow::Owned(owned) if owned.capacity() == owned.len() => owned.into_boxed_str(),
        text => Box::from(&*text),
    }
}

impl Node {
    pub const fn new(span: Span, value: Value) -> Self {
        Self { span, value }
    }

    /// The entry for `key` when this node is a mapping.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| &*e.key.name == key),
            _ => None,
        }
    }

    /// The value under `key` when this node is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// The string value under `key`, if it is a string.
    pub fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Node::as_str)
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// The node at `path`, or `None` when the path leaves the tree.
    pub fn at<'a>(&self, path: impl IntoIterator<Item = &'a PathSegment>) -> Option<&Node> {
        path.into_iter().try_fold(self, |node, segment| match (segment, &node.value) {
            (PathSegment::Key(key), Value::Map(_)) => node.get(key),
            (PathSegment::Index(i), Value::Seq(items)) => items.get(*i),
            _ => None,
        })
    }

    /// The span of the key that holds the node at `path` (the node's own span for indices or the root).
    pub fn key_span_at(&self, path: &[PathSegment]) -> Option<Span> {
        match path.split_last() {
            Some((PathSegment::Key(key), parent)) => {
                self.at(parent).and_then(|p| p.entry(key)).map(|e| e.key.span)
            }
            Some((PathSegment::Index(_), _)) | None => self.at(path).map(|n| n.span),
        }
    }

    /// A short name of the node's type, for messages.
    pub const fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "number",
            Value::Str(_) => "string",
            Value::Seq(_) => "list",
            Value::Map(_) => "mapping",
        }
    }

    /// The node as a plain JSON value, for the schema validator and CEL.
    pub fn to_json(&self) -> Json {
        match &self.value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Int(i) => Json::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
            Value::Str(s) => Json::String(s.to_string()),
            Value::Seq(items) => Json::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => {
                Json::Object(entries.iter().map(|e| (e.key.name.to_string(), e.value.to_json())).collect())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(start: usize, value: Value) -> Node {
        Node::new(Span::new(start, start + 1), value)
    }

    #[test]
    fn tree_items_are_compact() {
        // Documentation, and a guard: these sizes times the items of every tree of a run
        // are most of its peak memory (the 10,000-file corpus holds about 217,500 entries
        // and 271,600 list items). They were 48 and 88 bytes with `usize` spans, `String`
        // and `Vec`.
        assert_eq!(std::mem::size_of::<Span>(), 8);
        assert_eq!(std::mem::size_of::<Value>(), 24);
        assert_eq!(std::mem::size_of::<Node>(), 32);
        assert_eq!(std::mem::size_of::<Key>(), 24);
        assert_eq!(std::mem::size_of::<Entry>(), 56);
    }

    #[test]
    fn paths_find_nodes_and_keys() {
        let inner = Node::new(Span::new(5, 9), Value::Seq(vec![leaf(6, Value::Int(1))].into()));
        let root = Node::new(
            Span::new(0, 10),
            Value::Map(
                vec![Entry { key: Key { name: "a".into(), span: Span::new(0, 1) }, value: inner }].into(),
            ),
        );
        let path = [PathSegment::Key("a".into()), PathSegment::Index(0)];
        assert_eq!(root.at(&path).map(|n| n.span), Some(Span::new(6, 7)));
        assert_eq!(root.key_span_at(&path[..1]), Some(Span::new(0, 1)));
        assert_eq!(root.key_span_at(&path), Some(Span::new(6, 7)));
        assert!(root.at(&[PathSegment::Key("b".into())]).is_none());
        assert_eq!(root.to_json(), serde_json::json!({"a": [1]}));
    }
}
