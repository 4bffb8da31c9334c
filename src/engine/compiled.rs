//! The compiled form of the built-in rule files: the spanned tree the YAML loader reads
//! from each of them, parsed once by `build.rs` (with the loader's own parser) and
//! embedded as static data (`BUILTIN_TREES`). Start-up turns a tree back into a [`Node`]
//! and compiles the rule from it exactly as from a parsed file, without parsing YAML.
//! The tests check every tree against what `parse_yaml` reads from the file, so the two
//! cannot drift.

use crate::source::{Entry, Key, Node, Span, Value};

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
            V::Str(s) => Value::Str((*s).to_string()),
            V::Seq(items) => Value::Seq(items.iter().map(Self::to_node).collect()),
            V::Map(entries) => Value::Map(
                entries
                    .iter()
                    .map(|E(name, start, end, value)| Entry {
                        key: Key { name: (*name).to_string(), span: Span::new(*start, *end) },
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
    fn a_changed_tree_is_told_apart() {
        // The comparison above can fail: a span or a value off by one is a difference.
        let (name, text) = BUILTIN_RULES[0];
        let mut node = BUILTIN_TREES[0].as_ref().unwrap_or_else(|| panic!("{name}")).to_node();
        let root = parse_yaml(text, Limits::default()).unwrap_or_else(|e| panic!("{e:?}")).remove(0).root;
        assert_eq!(node, root);
        node.span.end += 1;
        assert_ne!(node, root);
    }
}
