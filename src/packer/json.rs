//! Legacy Packer JSON templates: `builders` of type `alicloud-ecs`, `{{user `x`}}` from the
//! template's `variables`, then the JSON `--var-file`s, then `--var` (as `packer build
//! -var-file` and `-var` set them: a later one wins), and `alicloud-import`
//! post-processors.

use super::vars::{self, Given, Vars};
use super::{Attr, Source};
use crate::diag::{Label, Location};
use crate::iac::{Options, Placed};
use crate::source::{Node, SourceFile, Value};
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The user variables of a template, by name.
type Variables<'a> = BTreeMap<String, Given<'a>>;

/// The `alicloud-ecs` builders of a template, with the imports of its post-processors.
pub fn sources(file: &Arc<SourceFile>, root: &Node, options: &Options) -> Vec<Source> {
    let var_files = vars::json_var_files(options);
    let variables = &user_variables(file, root, &var_files, options);
    let imports: Vec<&Node> = root
        .get("post-processors")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .flat_map(|item| match &item.value {
            Value::Seq(chain) => chain.iter().collect::<Vec<_>>(),
            _ => vec![item],
        })
        .filter(|pp| pp.get_str("type") == Some("alicloud-import"))
        .collect();
    let builders: Vec<&Node> = root
        .get("builders")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter(|b| b.get_str("type") == Some("alicloud-ecs"))
        .collect();
    let several = builders.len() > 1;
    builders
        .iter()
        .enumerate()
        .map(|(index, builder)| {
            let address = match builder.get_str("name") {
                Some(name) => name.to_string(),
                None if several => format!("alicloud-ecs[{index}]"),
                None => "alicloud-ecs".to_string(),
            };
            let head = builder.entry("type").map_or(builder.span, |e| e.key.span);
            let imports = imports
                .iter()
                .enumerate()
                .map(|(i, pp)| Source {
                    address: format!("{address}.alicloud-import[{i}]"),
                    head: Location::new(Arc::clone(file), pp.entry("type").map_or(pp.span, |e| e.key.span)),
                    key: file.name.clone(),
                    attributes: attributes(file, pp, variables),
                    imports: Vec::new(),
                    items: items(file, pp),
                })
                .collect();
            Source {
                head: Location::new(Arc::clone(file), head),
                key: file.name.clone(),
                attributes: attributes(file, builder, variables),
                imports,
                items: items(file, builder),
                address,
            }
        })
        .collect()
}

/// A template's user variables: its `variables` (a `null` one is required: given when the
/// build runs), then each JSON `--var-file`, then `--var`.
fn user_variables<'a>(
    file: &Arc<SourceFile>,
    root: &Node,
    var_files: &'a [(&'a Arc<SourceFile>, Result<Vars, String>)],
    options: &Options,
) -> Variables<'a> {
    let mut variables = Variables::new();
    for entry in root.get("variables").and_then(Node::as_map).unwrap_or_default() {
        let name = &*entry.key.name;
        let given = match &entry.value.value {
            Value::Null => Given::Unknown(format!("user variable `{name}` is given when the build runs")),
            Value::Str(v) if v.contains("{{") => {
                Given::Unknown(format!("user variable `{name}` is a template: `{v}`"))
            }
            _ => Given::Json(
                entry.value.to_json(),
                Label {
                    location: Location::new(Arc::clone(file), entry.value.span),
                    message: format!("user variable `{name}`"),
                },
            ),
        };
        variables.insert(name.to_string(), given);
    }
    for (var_file, parsed) in var_files {
        match parsed {
            Ok(parsed) => vars::layer_file(&mut variables, var_file, parsed),
            // Its values are not known: every one it might set is unknown.
            Err(why) => {
                for given in variables.values_mut() {
                    *given = Given::Unknown(why.clone());
                }
            }
        }
    }
    // A legacy template's user variables are strings.
    vars::layer_cli(&mut variables, options, |_| vars::CliValue::Text);
    variables
}

/// The element spans of the lists of a builder or post-processor.
fn items(file: &Arc<SourceFile>, node: &Node) -> Vec<(String, Vec<Location>)> {
    node.as_map()
        .unwrap_or_default()
        .iter()
        .filter_map(|e| {
            let items = e.value.as_seq()?;
            Some((
                e.key.name.to_string(),
                items.iter().map(|i| Location::new(Arc::clone(file), i.span)).collect(),
            ))
        })
        .collect()
}

fn attributes(file: &Arc<SourceFile>, node: &Node, variables: &Variables<'_>) -> Vec<(String, Attr)> {
    node.as_map()
        .unwrap_or_default()
        .iter()
        .filter(|e| &*e.key.name != "type")
        .map(|e| (e.key.name.to_string(), value(file, &e.value, variables)))
        .collect()
}

/// A value with `{{user `x`}}` replaced from `variables`.
fn value(file: &Arc<SourceFile>, node: &Node, variables: &Variables<'_>) -> Attr {
    let at = Location::new(Arc::clone(file), node.span);
    match &node.value {
        Value::Str(text) => {
            let mut via = Vec::new();
            let text = substitute(text, variables, &mut via).map_err(|why| (at.clone(), why))?;
            Ok(Placed { value: Json::String(text), at, via })
        }
        Value::Seq(items) => {
            let mut out = Vec::new();
            let mut via = Vec::new();
            for item in items {
                let placed = value(file, item, variables)?;
                via.extend(placed.via);
                out.push(placed.value);
            }
            Ok(Placed { value: Json::Array(out), at, via })
        }
        _ => Ok(Placed::new(node.to_json(), at)),
    }
}

/// Replaces each `{{user `name`}}` (or `{{ user "name" }}`) with the variable's value;
/// other template functions are left as written (the value is then not literal).
fn substitute(text: &str, variables: &Variables<'_>, via: &mut Vec<Label>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(end) = rest[start..].find("}}") else { break };
        let inner = rest[start + 2..start + end].trim();
        out.push_str(&rest[..start]);
        let name = inner
            .strip_prefix("user")
            .map(|n| n.trim().trim_matches(|c| c == '`' || c == '"').to_string())
            .filter(|n| !n.is_empty() && !n.contains(' '));
        match name {
            Some(name) => {
                // An empty one is substituted: the attribute is then unset, as `""` is
                // wherever it is written (`Source::text`).
                let (value, label) = match variables.get(&name) {
                    None => return Err(format!("user variable `{name}` is not defined in `variables`")),
                    Some(Given::Unknown(why)) => return Err(why.clone()),
                    Some(Given::Text(text)) => (text.clone(), None),
                    Some(Given::Json(value, label)) => {
                        let text = super::scalar(value)
                            .ok_or_else(|| format!("user variable `{name}` is not a string"))?;
                        (text, Some(label.clone()))
                    }
                    // An HCL expression never sets a user variable (HCL variables files
                    // are not read for a legacy template, and its `--var` values are text).
                    Some(Given::Expr(..) | Given::Parsed(_)) => {
                        return Err(format!("user variable `{name}` is not a string"));
                    }
                };
                via.extend(label);
                out.push_str(&value);
            }
            None => out.push_str(&rest[start..start + end + 2]),
        }
        rest = &rest[start + end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}
