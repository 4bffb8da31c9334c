//! ROS `Tags` as an instance's labels.

use super::{Declared, at};
use crate::diag::Location;
use crate::iac::{Builder, Placed};
use crate::ros::intrinsics::{Eval, Template, scalar_text};
use crate::source::Node;
use serde_json::Value as Json;

/// `Tags: [{Key, Value}]` as labels. A tag whose key or value is not known makes every
/// label unknown (a rule asking whether a tag is set cannot be answered "no"), as does a
/// `Tags` that is not a list written in the template or an item that is not known to be a
/// tag or nothing (`!If [Cond, {Key: k, Value: v}, !Ref ALIYUN::NoValue]`); a tag without a
/// `Value`, or with an empty one, is a tag with an empty value.
pub(super) fn tags(builder: &mut Builder, template: &Template<'_>, resource: &Declared<'_>) {
    let Some(node) = resource.prop("Tags") else { return };
    let Some(items) = node.as_seq() else {
        builder.unknown("labels", at(template, node), "`Tags` is not a list written in the template");
        return;
    };
    let mut labels = Vec::new();
    for item in items {
        match tag(template, item) {
            Ok(Some(tag)) => labels.push(tag),
            Ok(None) => {}
            Err((at, why)) => {
                builder.unknown("labels", at, why);
                return;
            }
        }
    }
    for (key, value) in labels {
        builder.nested_string("labels", &key, value);
    }
}

/// A tag's key and value.
type Tag = (String, Placed<String>);

/// One item of `Tags`: its key and value, none (an item with no key, or `null`), or where
/// and why it is not known.
fn tag(template: &Template<'_>, item: &Node) -> Result<Option<Tag>, (Location, String)> {
    let unknown = |node: &Node, eval: Eval| match eval {
        Eval::Resource(id) => {
            (at(template, node), format!("a tag is `{id}`, a resource of the stack, known only after deploy"))
        }
        Eval::Unknown(why) => (at(template, node), why),
        Eval::Known(..) => (at(template, node), "a tag is not a `{Key, Value}` mapping".to_string()),
    };
    // An item written as a tag is read key by key, each with its own span; any other (a
    // function) is evaluated whole.
    let (key, value) = match item.get("Key") {
        Some(key) => (template.eval(key), item.get("Value").map(|v| (v, template.eval(v)))),
        None => match template.eval(item) {
            Eval::Known(Json::Null, _) => return Ok(None),
            Eval::Known(Json::Object(map), via) => {
                let key = map.get("Key").cloned().unwrap_or(Json::Null);
                let value = map.get("Value").cloned().unwrap_or(Json::Null);
                (Eval::Known(key, via.clone()), Some((item, Eval::Known(value, via))))
            }
            other => return Err(unknown(item, other)),
        },
    };
    let key = match key {
        Eval::Known(value, _) => match scalar_text(&value) {
            Some(key) if !key.is_empty() => key,
            _ => return Ok(None),
        },
        other => return Err(unknown(item.get("Key").unwrap_or(item), other)),
    };
    let value = match value {
        None | Some((_, Eval::Known(Json::Null, _))) => Placed::new(String::new(), at(template, item)),
        Some((node, Eval::Known(value, via))) => match scalar_text(&value) {
            Some(text) => Placed { value: text, at: at(template, node), via },
            None => return Err(unknown(node, Eval::Known(value, via))),
        },
        Some((node, other)) => return Err(unknown(node, other)),
    };
    Ok(Some((key, value)))
}
