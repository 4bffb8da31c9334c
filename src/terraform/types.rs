//! Variable type constraints, as far as they change a value: Terraform (1.3 and later)
//! converts a variable's value to its `type`, and an object attribute declared
//! `optional(type, default)` that the value lacks, or sets to `null`, takes its default
//! (`optional(type)` without one: `null`). Without this, `var.node.instance_type` of a
//! `default = {}` would be "no attribute", and `try(var.node.instance_type, "x")` would
//! fall back to a value Terraform never uses.
//!
//! The defaults are filled in and the attributes an `object` type does not declare
//! dropped (as Terraform drops them: `try(var.node.extra, "x")` falls back), through
//! `object`, `list`, `set`, `map` and `tuple` types, and primitive values are converted
//! (`"false"` given to a `bool` is `false`); a value Terraform would reject is unknown, and
//! nothing else is checked against the type (an invalid one is Terraform's error, reported
//! by `terraform validate`). A type written as a string (JSON syntax, 0.11's `"string"`) is
//! the expression the string holds.

use super::ast::{Expr, Kind};
use super::expr::unknown_inside;
use super::modules::ModuleDef;
use super::vars::{VarValue, constant};
use crate::diag::Label;
use crate::source::SourceFile;
use crate::terraform::value::{Items, Val, Value};
use foldhash::{HashMap, HashMapExt as _};
use std::sync::Arc;

/// Deepest type followed: a type nested deeper leaves the value as it is.
const MAX_DEPTH: usize = 64;

/// Converts each value in `values` to the `type` of its variable in `def`.
pub fn apply(def: &ModuleDef, values: &mut HashMap<String, VarValue>) {
    for item in def.blocks("variable") {
        let Some(name) = item.block.labels.first() else { continue };
        let Some(ty) = item.block.body.attr("type") else { continue };
        let Some(value) = values.get_mut(name) else { continue };
        // A type set by an override file is written there, with its defaults.
        let (file, ty) = ty.expr.written_in(&item.file);
        // In JSON syntax (and in 0.11's quoted form, `type = "string"`) the type is a string
        // that holds the type expression.
        let parsed;
        let ty = match &ty.kind {
            Kind::Str(text) => match super::parse::parse_expr_text(text.trim(), ty.span) {
                Some(expr) => {
                    parsed = expr;
                    &parsed
                }
                None => continue,
            },
            _ => ty,
        };
        let filler = Filler { file, rejected: std::cell::RefCell::new(None) };
        let path = format!("var.{name}");
        match value {
            VarValue::Set(v, _) | VarValue::Input(v) => {
                let taken = std::mem::replace(v, Val::new(Value::Null, v.at.clone()));
                let converted = filler.fill(ty, taken, &path, 0);
                // Terraform rejects the whole value when any part of it does not convert:
                // keeping the parts that did would check a value never deployed.
                *v = match filler.rejected.into_inner() {
                    Some(why) => Val::unknown(why, converted.at),
                    None => converted,
                };
            }
        }
    }
}

/// Fills in defaults from the types written in `file`.
struct Filler<'a> {
    file: &'a Arc<SourceFile>,
    /// Why Terraform rejects the value, once a part of it does not convert.
    rejected: std::cell::RefCell<Option<String>>,
}

impl Filler<'_> {
    /// Records that Terraform rejects the value (the first reason is kept).
    fn reject(&self, why: impl FnOnce() -> String) {
        let mut rejected = self.rejected.borrow_mut();
        if rejected.is_none() {
            *rejected = Some(why());
        }
    }

    /// `v` converted to the type `ty`; `path` names it for labels (`var.node.disk_size`).
    fn fill(&self, ty: &Expr, v: Val, path: &str, depth: usize) -> Val {
        if depth > MAX_DEPTH {
            return v;
        }
        let known = !matches!(v.value, Value::Unknown(_) | Value::Ref(_) | Value::Null);
        if let Kind::Var(primitive) = &ty.kind {
            let collection = matches!(v.value, Value::List(_) | Value::Object(_));
            // Bare `list` and `map` (0.11's `type = "list"`) are `list(any)` and `map(any)`.
            if known && collection && matches!(primitive.as_str(), "string" | "number" | "bool") {
                self.reject(|| format!("`{path}` is a collection, not a {primitive}: Terraform rejects it"));
            }
            let converted = primitive_value(primitive, v, path);
            if let (true, Value::Unknown(why)) = (known, &converted.value) {
                self.reject(|| why.clone());
            }
            return converted;
        }
        let Kind::Call(function, args, false) = &ty.kind else { return v };
        match (function.as_str(), args.as_slice(), v.value) {
            ("object", [Expr { kind: Kind::Object(attributes), .. }], Value::Object(entries)) => {
                let object = Val { value: Value::Object(entries), ..v };
                self.object(attributes, object, path, depth)
            }
            ("list" | "set", [element], Value::List(items)) => {
                let items = self.unify(element, items.items, path);
                let items: Vec<Val> = items
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| self.fill(element, item, &format!("{path}[{i}]"), depth + 1))
                    .collect();
                // A set is in Terraform's order (`tolist(var.names)[0]` is the first name in
                // lexical order); one with an item not known yet is left as written. Sets of
                // lists, maps or objects Terraform orders by their hashes, not as written:
                // which comes first is not known.
                let collections =
                    items.iter().filter(|item| matches!(item.value, Value::List(_) | Value::Object(_)));
                if function == "set" && collections.count() > 1 {
                    return Val::unknown(
                        format!("`{path}` is a set of collections, which Terraform orders by their hashes"),
                        v.at,
                    );
                }
                // A `list(...)` of a set is a list: only a `set(...)` is a set.
                let items = match function.as_str() {
                    "set" if items.iter().all(|item| unknown_inside(item).is_none()) => {
                        Items::set(super::functions::set(items))
                    }
                    "set" => Items::set(items),
                    _ => items.into(),
                };
                Val { value: Value::List(items), ..v }
            }
            ("map", [element], Value::Object(entries)) => {
                let (keys, items): (Vec<String>, Vec<Val>) = entries.into_iter().unzip();
                let entries = keys
                    .into_iter()
                    .zip(self.unify(element, items, path))
                    .map(|(key, item)| {
                        let item = self.fill(element, item, &format!("{path}[\"{key}\"]"), depth + 1);
                        (key, item)
                    })
                    .collect();
                Val { value: Value::Object(entries), ..v }
            }
            ("tuple", [Expr { kind: Kind::Array(_), .. }], Value::List(items)) if items.set => {
                let why = format!("`{path}` is a set, not a tuple: Terraform rejects it");
                self.reject(|| why.clone());
                Val { value: Value::Unknown(why), ..v }
            }
            ("tuple", [Expr { kind: Kind::Array(types), .. }], Value::List(items)) => {
                if items.len() != types.len() {
                    self.reject(|| {
                        format!(
                            "`{path}` has {} items, not the {} of its tuple type: Terraform rejects it",
                            items.len(),
                            types.len()
                        )
                    });
                }
                let items = items
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| match types.get(i) {
                        Some(element) => self.fill(element, item, &format!("{path}[{i}]"), depth + 1),
                        None => item,
                    })
                    .collect();
                Val { value: Value::List(items), ..v }
            }
            (kind @ ("object" | "list" | "set" | "map" | "tuple"), _, value) => {
                if known {
                    self.reject(|| format!("`{path}` is not a {kind}: Terraform rejects it"));
                }
                Val { value, ..v }
            }
            (_, _, value) => Val { value, ..v },
        }
    }

    /// [`unify`], recording a rejection when the elements have no type in common.
    fn unify(&self, element: &Expr, items: Vec<Val>, path: &str) -> Vec<Val> {
        let (items, one_type) = unify(element, items);
        if !one_type {
            self.reject(|| format!("the elements of `{path}` have no type in common: Terraform rejects it"));
        }
        items
    }

    /// An object value with the attributes `object({...})` declares: an optional one it
    /// lacks (or sets to `null`) takes its default, or `null`; a required one it lacks is
    /// unknown (Terraform rejects the value).
    fn object(&self, attributes: &[(Expr, Expr)], v: Val, path: &str, depth: usize) -> Val {
        let Value::Object(mut entries) = v.value else { return v };
        for (key, ty) in attributes {
            let Kind::Str(name) = &key.kind else { continue };
            let (ty, optional, default) = match &ty.kind {
                Kind::Call(function, args, false) if function == "optional" => match args.as_slice() {
                    [ty] => (ty, true, None),
                    [ty, default] => (ty, true, Some(default)),
                    _ => continue,
                },
                _ => (ty, false, None),
            };
            let at = format!("{path}.{name}");
            let position = entries.iter().position(|(k, _)| k == name);
            // Taken out (not copied) and put back converted.
            let current = position
                .and_then(|i| entries.get_mut(i))
                .map(|(_, value)| std::mem::replace(value, Val::new(Value::Null, v.at.clone())));
            let value = match (current, default) {
                (Some(current), Some(default)) if matches!(current.value, Value::Null) => {
                    self.default(default, &at)
                }
                (Some(current), _) => current,
                (None, Some(default)) => self.default(default, &at),
                (None, None) if optional => Val::new(Value::Null, v.at.clone()),
                (None, None) => {
                    let why = format!(
                        "`{at}` is required by the variable's type but not set: Terraform rejects it"
                    );
                    self.reject(|| why.clone());
                    Val::unknown(why, v.at.clone())
                }
            };
            let value = self.fill(ty, value, &at, depth + 1);
            match position.and_then(|i| entries.get_mut(i)) {
                Some((_, slot)) => *slot = value,
                None => entries.push((name.clone(), value)),
            }
        }
        // Terraform's conversion drops what the type does not declare; a key this reader
        // cannot name leaves the value's attributes as they are.
        if attributes.iter().all(|(key, _)| matches!(key.kind, Kind::Str(_))) {
            entries.retain(|(name, _)| {
                attributes.iter().any(|(key, _)| matches!(&key.kind, Kind::Str(declared) if declared == name))
            });
        }
        Val { value: Value::Object(entries), ..v }
    }

    /// The default of an optional attribute, labelled with where it is written.
    fn default(&self, expr: &Expr, path: &str) -> Val {
        let mut v = constant(self.file, expr);
        let label = Label { location: v.at.clone(), message: format!("default of {path} in its type") };
        v.via.insert(0, label);
        v
    }
}

/// `v` converted to the primitive type `ty` (`string`, `number`, `bool`), as Terraform
/// converts a variable's value: `"false"` given to a `bool` is `false`, `3` given to a
/// `string` is `"3"`. A value Terraform would reject (`"x"` for a `number`) is unknown; one of
/// another shape, or of `any`, is left as it is.
fn primitive_value(ty: &str, mut v: Val, path: &str) -> Val {
    // 0.11's bare `list` is `list(any)`: a set given to it is a list (its keys are indices).
    if let ("list", Value::List(items)) = (ty, &mut v.value) {
        items.set = false;
    }
    let converted = match (ty, &v.value) {
        ("string", Value::Number(n)) => Value::String(crate::terraform::value::number_to_string(*n)),
        ("string", Value::Bool(b)) => Value::String(b.to_string()),
        // An integer past 2^53 keeps its digits, as a literal does (`ast::integer_kind`).
        ("number", Value::String(text)) if let Ok(n) = text.parse::<i128>() => {
            match super::ast::integer_kind(n) {
                Kind::Number(n) => Value::Number(n),
                _ => return v,
            }
        }
        // As Go's `big.Float` parses it: no space around the digits.
        // Held as a literal is (`ast::float_kind`): every digit of an integer, and a fraction
        // of more than 15 significant digits unknown.
        ("number", Value::String(text)) => match text.parse::<f64>().ok().filter(|n| n.is_finite()) {
            Some(n) => match super::ast::float_kind(n, Some(text)) {
                Kind::Str(digits) => Value::String(digits),
                Kind::Bad(why) => Value::Unknown(format!("`{path}`: {why}")),
                _ => Value::Number(n),
            },
            None => Value::Unknown(format!("`{path}` is `{text:?}`, not a number: Terraform rejects it")),
        },
        ("number", Value::Bool(_)) | ("bool", Value::Number(_)) => {
            Value::Unknown(format!("`{path}` is not a {ty}: Terraform rejects it"))
        }
        // cty converts "true" and "1", "false" and "0".
        ("bool", Value::String(text)) => match text.as_str() {
            "true" | "1" => Value::Bool(true),
            "false" | "0" => Value::Bool(false),
            _ => Value::Unknown(format!("`{path}` is `{text:?}`, not a bool: Terraform rejects it")),
        },
        _ => return v,
    };
    Val { value: converted, ..v }
}

/// The elements of a `list(any)`, `set(any)` or `map(any)` value, of one type as Terraform
/// makes them: strings beside numbers or booleans make those strings too (`{major = 24,
/// minor = "04"}` is a map of strings, so `major == "24"`), across every element of nested
/// collections (`list(map(any))`: every map's values together). Elements of another element
/// type are converted one by one ([`Filler::fill`]).
/// False, beside the elements, when they have no type in common (numbers beside booleans,
/// collections beside primitives or beside one another's other kind), which Terraform rejects.
fn unify(element: &Expr, mut items: Vec<Val>) -> (Vec<Val>, bool) {
    let one_type = unify_all(element, items.iter_mut().collect(), 0);
    (items, one_type)
}

/// Makes the values of type `ty` (`any` somewhere within) one type, as [`unify`] says; false
/// when they have none.
fn unify_all(ty: &Expr, values: Vec<&mut Val>, depth: usize) -> bool {
    if values.is_empty() || depth > MAX_DEPTH {
        return true;
    }
    match &ty.kind {
        Kind::Var(name) if name == "any" => unify_any(values, depth),
        Kind::Call(function, args, false) if matches!(function.as_str(), "list" | "set" | "map") => {
            let [element] = args.as_slice() else { return true };
            let mut children = Vec::new();
            for v in values {
                match &mut v.value {
                    Value::List(items) => children.extend(items.iter_mut()),
                    Value::Object(entries) => children.extend(entries.iter_mut().map(|(_, item)| item)),
                    _ => {}
                }
            }
            unify_all(element, children, depth + 1)
        }
        _ => true,
    }
}

/// Makes values that take the place of one `any` one type, as Terraform finds one type for
/// them: strings beside numbers or booleans make those strings; the items of lists are one
/// type together; objects with the same attributes are one type attribute by attribute, and
/// objects with different ones all their values together (a map).
fn unify_any(values: Vec<&mut Val>, depth: usize) -> bool {
    if values.is_empty() || depth > MAX_DEPTH {
        return true;
    }
    // Values of one type are that type, as they are: Terraform converts only when the types
    // differ (`list(any)` of `[[1, true]]` is a list of one tuple, 1 still a number).
    if let Some(first) = values.iter().find(|v| !matches!(v.value, Value::Null)) {
        if values.iter().all(|v| same_type(first, v, 0)) {
            return true;
        }
    }
    let strings = values.iter().any(|v| matches!(v.value, Value::String(_)));
    let others = values.iter().any(|v| matches!(v.value, Value::Number(_) | Value::Bool(_)));
    let numbers = values.iter().any(|v| matches!(v.value, Value::Number(_)));
    let bools = values.iter().any(|v| matches!(v.value, Value::Bool(_)));
    let lists = values.iter().any(|v| matches!(v.value, Value::List(_)));
    let maps = values.iter().any(|v| matches!(v.value, Value::Object(_)));
    // A number and a bool have no type in common without a string; a collection none with a
    // primitive, and a list none with a map or object.
    if (numbers && bools && !strings) || ((lists || maps) && (strings || others)) || (lists && maps) {
        return false;
    }
    let mut items = Vec::new();
    let mut objects = Vec::new();
    for v in values {
        if strings && others && matches!(v.value, Value::String(_) | Value::Number(_) | Value::Bool(_)) {
            let taken = std::mem::replace(v, Val::new(Value::Null, v.at.clone()));
            *v = primitive_value("string", taken, "");
            continue;
        }
        match &mut v.value {
            Value::List(list) => items.extend(list.iter_mut()),
            Value::Object(entries) => objects.push(entries),
            _ => {}
        }
    }
    let mut one_type = unify_any(items, depth + 1);
    let first = objects.first().map(|entries| keys(entries));
    let same = objects.iter().skip(1).all(|entries| Some(keys(entries)) == first);
    if same {
        // Each attribute's values together (found by name, not by a search per attribute).
        let mut by_name: HashMap<&str, Vec<&mut Val>> = HashMap::new();
        for entries in objects {
            for (key, value) in entries.iter_mut() {
                let key: &String = key;
                by_name.entry(key.as_str()).or_default().push(value);
            }
        }
        for values in by_name.into_values() {
            one_type &= unify_any(values, depth + 1);
        }
    } else {
        one_type &= unify_any(
            objects.into_iter().flat_map(|entries| entries.iter_mut().map(|(_, v)| v)).collect(),
            depth + 1,
        );
    }
    one_type
}

/// Whether `a` and `b` are of one type as Terraform types a value: primitives by kind, tuples
/// (lists) by length and item, objects by attribute name and type; `null` and what is not
/// known are of any type.
fn same_type(a: &Val, b: &Val, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match (&a.value, &b.value) {
        (Value::Null | Value::Unknown(_) | Value::Ref(_), _)
        | (_, Value::Null | Value::Unknown(_) | Value::Ref(_))
        | (Value::String(_), Value::String(_))
        | (Value::Number(_), Value::Number(_))
        | (Value::Bool(_), Value::Bool(_)) => true,
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_type(x, y, depth + 1))
        }
        (Value::Object(x), Value::Object(y)) => {
            // By name, in sorted order: a search per attribute was quadratic in them.
            let (x, y) = (by_name(x), by_name(y));
            x.len() == y.len()
                && x.iter().zip(&y).all(|((a, x), (b, y))| a == b && same_type(x, y, depth + 1))
        }
        _ => false,
    }
}

/// An object's attributes, sorted by name.
pub(super) fn by_name(entries: &[(String, Val)]) -> Vec<(&str, &Val)> {
    let mut sorted: Vec<(&str, &Val)> = entries.iter().map(|(k, v)| (k.as_str(), v)).collect();
    sorted.sort_unstable_by_key(|(k, _)| *k);
    sorted
}

/// An object's attribute names, sorted.
fn keys(entries: &[(String, Val)]) -> Vec<&str> {
    let mut keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
    keys.sort_unstable();
    keys
}
