//! What the rules see, as JSON (`ecslint facts`): per resource, the variables a rule's
//! expressions read, so a rule author can look at the values instead of guessing them.

use super::eval::subject_values;
use super::expr::to_json;
use super::facts::{Settings, World};
use crate::catalog::Catalog;
use crate::spec::{Kind, Resource};
use serde_json::{Map, Value as Json, json};

/// The variables shown, in the order the rule-writing docs list them (`item` and
/// `index` exist only inside `each`).
pub const SHOWN: [&str; 12] = [
    "kind",
    "subject",
    "resource",
    "image",
    "instanceType",
    "region",
    "lifecycle",
    "fee",
    "quotas",
    "asOf",
    "eolWarningDays",
    "catalog",
];

/// One JSON object per resource, in the order given: where it is, and the variables its
/// rules see (`facts` is null for an image whose schema violations leave its facts
/// unmade, since no rule runs on it).
pub fn export(catalog: &Catalog, settings: &Settings, resources: &[Resource]) -> Vec<Json> {
    let world = World::new(catalog, settings, resources);
    resources
        .iter()
        .enumerate()
        .map(|(index, resource)| {
            let at = resource.file.lines().line_col(&resource.file.text, resource.node.span.start());
            // What its rules see: an instance's rules whose inputs are valid run despite
            // a violation elsewhere; an image whose violations leave its facts unmade has
            // none, as no rule runs on it.
            let facts =
                (resource.valid || resource.kind == Kind::Instance || resource.facts_valid).then(|| {
                    let values = subject_values(&world, resource, index, &SHOWN);
                    let entries = values.into_iter().map(|(name, value)| {
                        let value = value.map_or_else(|error| json!({"error": error}), |v| to_json(&v));
                        (name.to_string(), value)
                    });
                    Json::Object(entries.collect::<Map<String, Json>>())
                });
            json!({
                "file": resource.file.name,
                "line": at.line,
                "kind": resource.kind.as_str(),
                "name": resource.name,
                "valid": resource.valid,
                "facts": facts,
            })
        })
        .collect()
}
