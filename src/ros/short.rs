//! ROS's YAML short forms, read as their long forms: `!Ref x` is `{Ref: x}`, `!Condition x`
//! is `{Condition: x}`, and `!X v` is `{"Fn::X": v}` (`!Sub`, `!Join`, `!Select`, `!If`,
//! `!Equals`, `!FindInMap`, `!GetAZs`, ...), so every function the evaluator reads works in
//! both. `!GetAtt a.b` is a string where the long form is a list: it becomes `[a, b]`.
//!
//! The loader keeps a local tag as a mapping of one entry keyed by the tag (see
//! `crate::source::parse_yaml_tagged`); this renames the key, the tag's span kept. A
//! function the evaluator does not know (`!Base64Encode`, `!Foo`) is unknown in either form,
//! and a tag that cannot name one (`!Fn::Sub`, `!a-b`) stays as it is, which the evaluator
//! reads as unknown too: never a finding.

use crate::source::{Node, Span, Value, is_tag};

/// Rewrites every short form in the tree into its long form.
pub fn long_forms(node: &mut Node, text: &str) {
    // Most templates, and every JSON one, hold no tag.
    if !text.contains('!') {
        return;
    }
    rewrite(node, text);
}

fn rewrite(node: &mut Node, text: &str) {
    match &mut node.value {
        Value::Map(entries) => {
            for entry in entries.iter_mut() {
                rewrite(&mut entry.value, text);
            }
            if let [entry] = &mut entries[..] {
                if is_tag(&entry.key, text) {
                    if let Some(long) = long_name(&entry.key.name) {
                        if long == "Fn::GetAtt" {
                            split_attribute(&mut entry.value, text);
                        }
                        entry.key.name = long.into();
                    }
                }
            }
        }
        Value::Seq(items) => {
            for item in items.iter_mut() {
                rewrite(item, text);
            }
        }
        _ => {}
    }
}

/// The long form's key of the short form `tag` (`!Ref`), `None` for a tag that cannot name
/// a function (ROS's are letters and digits).
fn long_name(tag: &str) -> Option<String> {
    let name = tag.strip_prefix('!')?;
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    Some(match name {
        "Ref" | "Condition" => name.to_string(),
        _ => format!("Fn::{name}"),
    })
}

/// `!GetAtt Resource.Attribute` as the long form's `[Resource, Attribute]`, split at the
/// first dot; each part spans its own text when the scalar is written as its value is.
fn split_attribute(node: &mut Node, text: &str) {
    let Value::Str(value) = &node.value else { return };
    let Some((resource, attribute)) = value.split_once('.') else { return };
    let exact = text.get(node.span.range()) == Some(&**value);
    let (first, second) = if exact {
        let dot = node.span.start() + resource.len();
        (Span::new(node.span.start(), dot), Span::new(dot + 1, node.span.end()))
    } else {
        (node.span, node.span)
    };
    let parts =
        vec![Node::new(first, Value::Str(resource.into())), Node::new(second, Value::Str(attribute.into()))];
    node.value = Value::Seq(parts.into_boxed_slice());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Limits, parse_yaml_tagged};

    fn long(text: &str) -> Node {
        let mut root =
            parse_yaml_tagged(text, Limits::default()).unwrap_or_else(|e| panic!("{e:?}")).remove(0).root;
        long_forms(&mut root, text);
        root
    }

    #[test]
    fn short_forms_become_long_forms() {
        let text = "a: !Ref X\nb: !Condition C\nc: !Sub '${P}'\nd: !GetAtt Vpc.VpcId\ne: !GetAtt [Vpc, VpcId]\nf: !Foo x\ng: !Fn::Sub x\nh: {'!Ref': x}\n";
        let root = long(text);
        let key = |k: &str| {
            root.get(k).and_then(Node::as_map).and_then(|m| m.first()).map(|e| e.key.name.to_string())
        };
        assert_eq!(key("a").as_deref(), Some("Ref"));
        assert_eq!(key("b").as_deref(), Some("Condition"));
        assert_eq!(key("c").as_deref(), Some("Fn::Sub"));
        assert_eq!(key("d").as_deref(), Some("Fn::GetAtt"));
        // Any name is a function (the evaluator says which it does not know); a tag that
        // cannot name one, and a key that is a string, stay as written.
        assert_eq!(key("f").as_deref(), Some("Fn::Foo"));
        assert_eq!(key("g").as_deref(), Some("!Fn::Sub"));
        assert_eq!(key("h").as_deref(), Some("!Ref"));
        let getatt =
            root.get("d").and_then(|d| d.get("Fn::GetAtt")).and_then(Node::as_seq).unwrap_or_default();
        let parts: Vec<&str> = getatt.iter().map(|n| &text[n.span.range()]).collect();
        assert_eq!(parts, ["Vpc", "VpcId"]);
        assert_eq!(root.get("d").map(|d| &text[d.span.range()]), Some("!GetAtt Vpc.VpcId"));
        let list = root.get("e").and_then(|d| d.get("Fn::GetAtt")).and_then(Node::as_seq);
        assert_eq!(list.map(<[Node]>::len), Some(2));
    }
}
