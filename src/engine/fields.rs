//! Field names a user's rule reads from `resource`, `image`, `instanceType` and
//! `region`, checked when the rule loads. Those four are closed: a name outside the spec
//! schema or the documented facts is a typo (`resource.cout`) that would otherwise fail
//! at run time on every resource, or read as missing. Only the first level is checked:
//! `resource.labels.team` and map keys are the user's own, and `has(resource.x)` asks
//! whether a field is present, which a valid spec may leave out.

use super::facts::IMAGE_FIELDS;
use super::rule::Target;
use cel::common::ast::{EntryExpr, Expr};
use cel::parser::Expression;
use std::sync::LazyLock;

/// Top-level property names of a spec schema.
fn properties(schema: &str) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_str(schema).unwrap_or_default();
    json.get("properties")
        .and_then(|p| p.as_object())
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

static INSTANCE_FIELDS: LazyLock<Vec<String>> = LazyLock::new(|| properties(crate::spec::INSTANCE_SCHEMA));
static IMAGE_SPEC_FIELDS: LazyLock<Vec<String>> = LazyLock::new(|| properties(crate::spec::IMAGE_SCHEMA));

/// The facts of `instanceType` and `region` (see `facts.rs`).
const INSTANCE_TYPE_FIELDS: [&str; 7] =
    ["id", "family", "vcpus", "memoryGiB", "architecture", "bootModes", "retired"];
const REGION_FIELDS: [&str; 5] = ["id", "name", "mainland", "zones", "zonesComplete"];

/// The names a rule on `target` may read from `variable`, or `None` when it is not checked.
pub fn known(variable: &str, target: Target) -> Option<Vec<&'static str>> {
    let spec = |fields: &'static LazyLock<Vec<String>>| fields.iter().map(String::as_str).collect::<Vec<_>>();
    Some(match variable {
        // Image rules also run on instances that name a public image ID.
        "resource" => match target {
            Target::Instance => {
                let mut fields = spec(&INSTANCE_FIELDS);
                fields.push("origin");
                fields
            }
            Target::Image => {
                let mut both = spec(&IMAGE_SPEC_FIELDS);
                both.extend(
                    spec(&INSTANCE_FIELDS).into_iter().filter(|f| !IMAGE_SPEC_FIELDS.iter().any(|g| g == f)),
                );
                both.push("origin");
                both
            }
            Target::Builtin => return None,
        },
        "image" => IMAGE_FIELDS.to_vec(),
        "instanceType" => INSTANCE_TYPE_FIELDS.to_vec(),
        "region" => REGION_FIELDS.to_vec(),
        _ => return None,
    })
}

/// The first `variable.field` in `expr` whose field is unknown, as (variable, field).
/// Comprehension variables shadow the facts they share a name with.
pub fn unknown_field(expr: &Expression, target: Target) -> Option<(String, String)> {
    let mut bound: Vec<&str> = Vec::new();
    walk(expr, target, &mut bound)
}

fn walk<'e>(expr: &'e Expression, target: Target, bound: &mut Vec<&'e str>) -> Option<(String, String)> {
    match &expr.expr {
        Expr::Select(select) => {
            if let Expr::Ident(variable) = &select.operand.expr {
                let shadowed = bound.iter().any(|b| b == variable);
                if !select.test && !shadowed {
                    if let Some(fields) = known(variable, target) {
                        if !fields.contains(&select.field.as_str()) {
                            return Some((variable.clone(), select.field.clone()));
                        }
                    }
                }
                return None;
            }
            walk(&select.operand, target, bound)
        }
        Expr::Call(call) => {
            call.target.iter().map(|t| &**t).chain(&call.args).find_map(|e| walk(e, target, bound))
        }
        Expr::List(list) => list.elements.iter().find_map(|e| walk(e, target, bound)),
        Expr::Map(map) => map.entries.iter().find_map(|entry| match &entry.expr {
            EntryExpr::MapEntry(entry) => {
                walk(&entry.key, target, bound).or_else(|| walk(&entry.value, target, bound))
            }
            EntryExpr::StructField(field) => walk(&field.value, target, bound),
        }),
        Expr::Struct(object) => object.entries.iter().find_map(|entry| match &entry.expr {
            EntryExpr::MapEntry(entry) => {
                walk(&entry.key, target, bound).or_else(|| walk(&entry.value, target, bound))
            }
            EntryExpr::StructField(field) => walk(&field.value, target, bound),
        }),
        Expr::Comprehension(comprehension) => {
            let found = walk(&comprehension.iter_range, target, bound)
                .or_else(|| walk(&comprehension.accu_init, target, bound));
            if found.is_some() {
                return found;
            }
            let depth = bound.len();
            bound.push(&comprehension.iter_var);
            bound.extend(comprehension.iter_var2.as_deref());
            bound.push(&comprehension.accu_var);
            let found = [&comprehension.loop_cond, &comprehension.loop_step, &comprehension.result]
                .into_iter()
                .find_map(|e| walk(e, target, bound));
            bound.truncate(depth);
            found
        }
        Expr::Ident(_) | Expr::Literal(_) | Expr::Unspecified => None,
    }
}
