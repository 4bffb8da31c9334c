//! Local tags (`!Ref x`) in a tree read by [`super::parse_yaml_tagged`], for the readers
//! that give them a meaning (ROS short forms, see `crate::ros`) and the ones that do not.
//!
//! The loader keeps a tagged node as a mapping of one entry keyed by the tag as written.
//! A key written `'!Ref'` or `"!Ref"` (YAML or JSON) is a string, not a tag: a tag is told
//! apart by the text at its key's span, which starts with the `!` itself (a plain scalar
//! cannot start with `!`, the tag indicator).

use super::{Key, Node, Value};

/// The tag and the tagged node when `node` is a local tag's mapping.
pub fn local_tag<'a>(node: &'a Node, text: &str) -> Option<(&'a Key, &'a Node)> {
    match &node.value {
        Value::Map(entries) => match &entries[..] {
            [entry] if is_tag(&entry.key, text) => Some((&entry.key, &entry.value)),
            _ => None,
        },
        _ => None,
    }
}

/// Whether `key` is a local tag (see the module's documentation).
pub fn is_tag(key: &Key, text: &str) -> bool {
    key.name.starts_with('!') && text.as_bytes().get(key.span.start()) == Some(&b'!')
}

/// Replaces every local tag's mapping in the tree by the node it tags, spanning the tag as
/// well: the tree [`super::parse_yaml`] reads, for a reader to which a tag means nothing.
pub fn untag(node: &mut Node, text: &str) {
    // Most documents hold no `!` at all: nothing to walk. Only the node's own text is
    // looked at: the whole file's, once per document, was quadratic (200,000 empty
    // documents took 10 s).
    let own = text.get(node.span.start()..node.span.end()).unwrap_or(text);
    if !own.contains('!') {
        return;
    }
    untag_all(node, text);
}

fn untag_all(node: &mut Node, text: &str) {
    while local_tag(node, text).is_some() {
        let Value::Map(entries) = &mut node.value else { return };
        let Some(entry) = entries.first_mut() else { return };
        let inner = std::mem::replace(&mut entry.value.value, Value::Null);
        node.value = inner;
    }
    match &mut node.value {
        Value::Map(entries) => {
            for entry in entries.iter_mut() {
                untag_all(&mut entry.value, text);
            }
        }
        Value::Seq(items) => {
            for item in items.iter_mut() {
                untag_all(item, text);
            }
        }
        _ => {}
    }
}
