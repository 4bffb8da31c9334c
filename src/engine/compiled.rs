//! The compiled form of the built-in rule files: the spanned tree the YAML loader reads
//! from each of them, parsed once by `build.rs` (with the loader's own parser) and
//! embedded as static data (`BUILTIN_TREES`). Start-up compiles the rule straight from
//! that tree, through [`RuleTree`], exactly as from a parsed file's [`Node`]: neither YAML
//! parsing nor a copy of the tree into nodes (which was 0.3 M instructions of a one-file
//! check). The tests check every tree against what `parse_yaml` reads from the file, and
//! every rule compiled from its tree against the rule compiled from its YAML, so the two
//! cannot drift.

use crate::source::{Entry, Key, Node, Span, Value};
use serde_json::Value as Json;

/// What the rule compiler reads of a spanned tree: a parsed file's [`Node`], or the static
/// tree of a built-in rule ([`N`]). A key that is absent, or a node of another shape, reads
/// as nothing (the rule schema has checked the shapes).
pub trait RuleTree {
    fn span(&self) -> Span;
    /// The value under `key` when this is a mapping.
    fn get(&self, key: &str) -> Option<&Self>;
    fn as_str(&self) -> Option<&str>;
    /// Whether this is the boolean `false`.
    fn is_false(&self) -> bool;
    /// The items of a sequence; none for anything else.
    fn items(&self) -> impl Iterator<Item = &Self>;
    /// The entries of a mapping (key, the key's span, value); none for anything else.
    fn entries(&self) -> impl Iterator<Item = (&str, Span, &Self)>;
    fn to_json(&self) -> Json;

    /// The string under `key`, if it is a string.
    fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Self::as_str)
    }
}

impl RuleTree for Node {
    fn span(&self) -> Span {
        self.span
    }
    fn get(&self, key: &str) -> Option<&Self> {
        Self::get(self, key)
    }
    fn as_str(&self) -> Option<&str> {
        Self::as_str(self)
    }
    fn is_false(&self) -> bool {
        matches!(self.value, Value::Bool(false))
    }
    fn items(&self) -> impl Iterator<Item = &Self> {
        self.as_seq().unwrap_or_default().iter()
    }
    fn entries(&self) -> impl Iterator<Item = (&str, Span, &Self)> {
        self.as_map().unwrap_or_default().iter().map(|e| (&*e.key.name, e.key.span, &e.value))
    }
    fn to_json(&self) -> Json {
        Self::to_json(self)
    }
}

impl RuleTree for N {
    fn span(&self) -> Span {
        Span::new(self.0, self.1)
    }
    fn get(&self, key: &str) -> Option<&Self> {
        match &self.2 {
            V::Map(entries) => entries.iter().find(|e| e.0 == key).map(|e| &e.3),
            _ => None,
        }
    }
    fn as_str(&self) -> Option<&str> {
        match &self.2 {
            V::Str(s) => Some(s),
            _ => None,
        }
    }
    fn is_false(&self) -> bool {
        matches!(self.2, V::Bool(false))
    }
    fn items(&self) -> impl Iterator<Item = &Self> {
        match &self.2 {
            V::Seq(items) => items.iter(),
            _ => [].iter(),
        }
    }
    fn entries(&self) -> impl Iterator<Item = (&str, Span, &Self)> {
        let entries: &[E] = match &self.2 {
            V::Map(entries) => entries,
            _ => &[],
        };
        entries.iter().map(|E(name, start, end, value)| (*name, Span::new(*start, *end), value))
    }
    fn to_json(&self) -> Json {
        match &self.2 {
            V::Null => Json::Null,
            V::Bool(b) => Json::Bool(*b),
            V::Int(i) => Json::from(*i),
            V::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
            V::Str(s) => Json::String((*s).to_string()),
            V::Seq(items) => Json::Array(items.iter().map(Self::to_json).collect()),
            V::Map(entries) => {
                Json::Object(entries.iter().map(|e| (e.0.to_string(), e.3.to_json())).collect())
            }
        }
    }
}

/// A node: its byte span (start, end) and value.
#[derive(Debug)]
pub struct N(pub usize, pub usize, pub V);

/// A mapping entry: key, the key's byte span (start, end), value.
#[derive(Debug)]
pub struct E(pub &'static str, pub usize, pub usize, pub N);

/// A value, as [`Value`] with static data.
#[derive(Debug)]
pub enum V {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'static str),
    Seq(&'static [N]),
    Map(&'static [E]),
}

impl N {
    /// The spanned tree, as the loader builds it. The trees are our own rule files, a few
    /// levels deep, so recursion is bounded by them.
    pub fn to_node(&self) -> Node {
        let value = match &self.2 {
            V::Null => Value::Null,
            V::Bool(b) => Value::Bool(*b),
            V::Int(i) => Value::Int(*i),
            V::Float(f) => Value::Float(*f),
            V::Str(s) => Value::Str((*s).into()),
            V::Seq(items) => Value::Seq(items.iter().map(Self::to_node).collect()),
            V::Map(entries) => Value::Map(
                entries
                    .iter()
                    .map(|E(name, start, end, value)| Entry {
                        key: Key { name: (*name).into(), span: Span::new(*start, *end) },
                        value: value.to_node(),
                    })
                    .collect(),
            ),
        };
        Node::new(Span::new(self.0, self.1), value)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{BUILTIN_RULES, BUILTIN_TREES, RuleSet, rule};
    use crate::source::{Limits, SourceFile, parse_yaml};
    use std::sync::Arc;

    #[test]
    fn every_compiled_tree_is_what_the_loader_reads_from_its_file() {
        assert_eq!(BUILTIN_TREES.len(), BUILTIN_RULES.len());
        for ((name, text), tree) in BUILTIN_RULES.iter().zip(BUILTIN_TREES) {
            let documents = parse_yaml(text, Limits::default()).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            let tree = tree.as_ref().unwrap_or_else(|| panic!("{name}: no compiled tree"));
            let [document] = documents.as_slice() else { panic!("{name}: not one document") };
            assert_eq!(tree.to_node(), document.root, "{name}");
        }
    }

    #[test]
    fn every_built_in_rule_is_the_same_from_its_tree_as_from_its_yaml() {
        let rules = RuleSet::builtin().unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(rules.rules().len(), BUILTIN_RULES.len());
        for (name, text) in BUILTIN_RULES {
            let file = Arc::new(SourceFile::new(*name, *text));
            let from_yaml = rule::load(&file, false).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            let from_tree = rules
                .rules()
                .iter()
                .find(|r| r.file.name == *name)
                .unwrap_or_else(|| panic!("{name}: not loaded"));
            // Every field, spans included; nothing is compiled yet on either side.
            assert_eq!(format!("{from_tree:?}"), format!("{from_yaml:?}"), "{name}");
        }
    }

    #[test]
    fn a_compiled_tree_reads_as_its_node_does() {
        use super::RuleTree;
        for tree in BUILTIN_TREES.iter().flatten() {
            let node = tree.to_node();
            assert_eq!(RuleTree::to_json(tree), RuleTree::to_json(&node));
            for key in ["code", "docs", "params", "related", "data", "enabled", "nope"] {
                let (a, b) = (RuleTree::get(tree, key), RuleTree::get(&node, key));
                assert_eq!(a.map(RuleTree::span), b.map(RuleTree::span), "{key}");
                assert_eq!(a.map(RuleTree::is_false), b.map(RuleTree::is_false), "{key}");
                let (a, b) = (a.map(|t| t.items().count()), b.map(|t| t.items().count()));
                assert_eq!(a, b, "{key}");
            }
            let keys = |t: &dyn Fn() -> Vec<(String, crate::source::Span)>| t();
            let a = keys(&|| tree.entries().map(|(k, s, _)| (k.to_string(), s)).collect());
            let b = keys(&|| node.entries().map(|(k, s, _)| (k.to_string(), s)).collect());
            assert_eq!(a, b);
        }
    }

    #[test]
    fn a_changed_tree_is_told_apart() {
        // The comparison above can fail: a span or a value off by one is a difference.
        let (name, text) = BUILTIN_RULES[0];
        let mut node = BUILTIN_TREES[0].as_ref().unwrap_or_else(|| panic!("{name}")).to_node();
        let root = parse_yaml(text, Limits::default()).unwrap_or_else(|e| panic!("{e:?}")).remove(0).root;
        assert_eq!(node, root);
        node.span = crate::source::Span::new(node.span.start(), node.span.end() + 1);
        assert_ne!(node, root);
    }
}
