//! The one element type Terraform gives the items of a list, set or map it makes (and the
//! two results of a conditional): strings beside numbers or booleans make them all strings
//! (`tolist([1, "a"])` is `["1", "a"]`), numbers beside booleans, or primitive values
//! beside collections, are an error. Collections of different shapes are unified by rules
//! this reader does not follow: such a result is unknown.

use super::LATER;
use super::text::string_of;
use crate::terraform::value::{Val, Value};

/// A value's shape: its primitive kind, or the shapes inside a collection; `?` for null or
/// a value not known.
fn shape(v: &Val) -> String {
    match &v.value {
        Value::String(_) => "s".into(),
        Value::Number(_) => "n".into(),
        Value::Bool(_) => "b".into(),
        Value::Null | Value::Unknown(_) | Value::Ref(_) => "?".into(),
        // A set is told apart from a list or tuple: Terraform unifies them by rules this
        // reader does not follow (a set beside a list is a list, beside a tuple a set).
        Value::List(items) => {
            let mut shapes: Vec<String> = items.iter().map(shape).collect();
            shapes.sort();
            shapes.dedup();
            if items.set { format!("<{}>", shapes.join(",")) } else { format!("[{}]", shapes.join(",")) }
        }
        Value::Object(entries) => {
            let mut shapes: Vec<String> =
                entries.iter().map(|(k, v)| format!("{k:?}:{}", shape(v))).collect();
            shapes.sort();
            format!("{{{}}}", shapes.join(","))
        }
    }
}

/// Whether two values surely have one type, a value not known (or null) being of one with a
/// string or another such value: `["a"]` and `[alicloud_security_group.x.id]` do, `[1]` and
/// `["a"]` do not, nor `[1]` and `[var.s]`, which Terraform makes `["1"]` for a string.
fn alike(x: &Val, y: &Val) -> bool {
    match (&x.value, &y.value) {
        // A null or a value not known yet may be of any type, which numbers, booleans and
        // collections beside it would be converted to: only a string is surely its type.
        (
            Value::Null | Value::Unknown(_) | Value::Ref(_) | Value::String(_),
            Value::String(_) | Value::Null | Value::Unknown(_) | Value::Ref(_),
        )
        | (Value::Number(_), Value::Number(_))
        | (Value::Bool(_), Value::Bool(_)) => true,
        // A set beside a list or tuple, empty or not: which of them Terraform makes of the two
        // is not told here (see `shape`).
        (Value::List(a), Value::List(b)) if a.set != b.set => false,
        (Value::List(a), Value::List(b)) => {
            // Every item against the first known one of either list: one element type.
            let first = a
                .iter()
                .chain(b)
                .find(|v| !matches!(v.value, Value::Null | Value::Unknown(_) | Value::Ref(_)));
            first.is_none_or(|f| a.iter().chain(b).all(|v| alike(f, v)))
        }
        (Value::Object(a), Value::Object(b)) => {
            // By name, in sorted order: a search per attribute was quadratic in them.
            let (a, b) =
                (crate::terraform::eval::types::by_name(a), crate::terraform::eval::types::by_name(b));
            a.len() == b.len() && a.iter().zip(&b).all(|((k, v), (k2, w))| k == k2 && alike(v, w))
        }
        _ => false,
    }
}

/// What the items are: (strings, numbers, booleans, collections) among them.
fn kinds(items: &[Val]) -> (bool, bool, bool, bool) {
    let has = |f: fn(&Value) -> bool| items.iter().any(|v| f(&v.value));
    (
        has(|v| matches!(v, Value::String(_))),
        has(|v| matches!(v, Value::Number(_))),
        has(|v| matches!(v, Value::Bool(_))),
        has(|v| matches!(v, Value::List(_) | Value::Object(_))),
    )
}

/// Whether collections among the items differ in shape.
fn shapes_differ(items: &[Val]) -> bool {
    let mut shapes = items.iter().filter(|v| matches!(v.value, Value::List(_) | Value::Object(_))).map(shape);
    let first = shapes.next();
    shapes.any(|s| Some(&s) != first.as_ref())
}

/// The items converted to one element type, as Terraform converts them.
pub fn unify(items: &[Val]) -> Result<Vec<Val>, String> {
    let (strings, numbers, bools, collections) = kinds(items);
    // A null or a value not known yet may be of a type the others convert to (a `string`
    // variable's `null` makes `tomap({a = 1, b = var.s})` a map of strings): beside numbers,
    // booleans or collections, which type is not known here.
    let typeless = items.iter().any(|v| matches!(v.value, Value::Null | Value::Unknown(_) | Value::Ref(_)));
    if typeless && (numbers || bools || collections) {
        return Err(format!(
            "{LATER}a null or a value not known yet beside numbers, booleans or collections may convert them"
        ));
    }
    if collections {
        if strings || numbers || bools {
            return Err("primitive values and collections have no common type".into());
        }
        if shapes_differ(items) {
            return Err(format!(
                "{LATER}collections of different shapes are converted by rules not evaluated here"
            ));
        }
        return Ok(items.to_vec());
    }
    if strings && (numbers || bools) {
        return items
            .iter()
            .map(|v| match &v.value {
                Value::Number(_) | Value::Bool(_) => {
                    Ok(Val { value: Value::String(string_of(v)?), ..v.clone() })
                }
                _ => Ok(v.clone()),
            })
            .collect();
    }
    if numbers && bools {
        return Err("numbers and booleans have no common type".into());
    }
    Ok(items.to_vec())
}

/// For a function that may be given a tuple (kept as it is) or a list (already one type):
/// items of more than one type are unknown, since which of the two it was is not known here.
pub fn check_same(items: &[Val]) -> Result<(), String> {
    let (strings, numbers, bools, collections) = kinds(items);
    let count = [strings, numbers, bools, collections].into_iter().filter(|b| *b).count();
    if count > 1 || shapes_differ(items) {
        return Err(format!("{LATER}items of different types, of a list or a tuple, are not evaluated"));
    }
    Ok(())
}

/// What the syntax of a conditional's two results says that their values do not.
#[derive(Clone, Copy, Debug, Default)]
pub struct Written {
    /// The other result is `null` written as such (no type of its own).
    pub other_null: bool,
    /// The taken result is written `[...]` or `[for ...]`: a tuple, not a list.
    pub taken_tuple: bool,
    /// The other result is written `[...]` or `[for ...]`.
    pub other_tuple: bool,
}

/// The two results of a conditional: the one taken, as Terraform gives it once both are
/// unified. `Ok(None)`: the taken one as it is.
pub fn conditional(taken: &Val, other: &Val, written: Written) -> Result<Option<Val>, String> {
    if let (Value::List(x), Value::List(y)) = (&taken.value, &other.value)
        && x.set != y.set
    {
        return set_beside_list(taken, other, x, written);
    }
    match (&taken.value, &other.value) {
        // A string stays itself whatever the other result; null and values not known yet
        // are left as they are, and so is a result of the other's primitive type. Only a
        // `null` written as such has no type: a variable's `null` has its variable's
        // (`var.port != null ? var.port : 22` is `"22"` for a `string` variable).
        (Value::String(_) | Value::Null | Value::Unknown(_) | Value::Ref(_), _)
        | (Value::Number(_), Value::Number(_))
        | (Value::Bool(_), Value::Bool(_)) => Ok(None),
        (_, Value::Null) if written.other_null => Ok(None),
        (Value::Number(_) | Value::Bool(_), Value::String(_)) => {
            Ok(Some(Val { value: Value::String(string_of(taken)?), ..taken.clone() }))
        }
        (Value::Number(_), Value::Bool(_))
        | (Value::Bool(_), Value::Number(_))
        | (Value::Number(_) | Value::Bool(_), Value::List(_) | Value::Object(_))
        | (Value::List(_) | Value::Object(_), Value::Number(_) | Value::Bool(_) | Value::String(_)) => {
            Err("the results of a conditional have no common type".into())
        }
        (Value::List(_) | Value::Object(_), Value::List(_) | Value::Object(_)) if alike(taken, other) => {
            Ok(None)
        }
        // `cond ? ["a", "b"] : []`: the list of the taken items' one type.
        (Value::List(items), Value::List(none)) if none.is_empty() && check_same(items).is_ok() => Ok(None),
        // `cond ? { a = "x" } : {}`: a map of one primitive type keeps its values.
        (Value::Object(x), Value::Object(y)) if one_primitive(x.iter().chain(y).map(|(_, v)| v)) => Ok(None),
        _ => Err(format!(
            "{LATER}the results of a conditional are unified by rules not evaluated here (or the other is not known)"
        )),
    }
}

/// A conditional between a set and a list or tuple (`var.create ? toset(var.names) : []`):
/// Terraform makes both a set when the list is a tuple, and a list when it is a list, and
/// values here do not say which of the two a list is. One written `[...]` or `[for ...]` is a
/// tuple, and
/// only a set of strings beside a tuple of strings is read (Terraform converts the tuple's
/// items to the set's element type: `["10", "9"]` beside a set of numbers is `[9, 10]`); the
/// tuple taken becomes that set. Anything else is unknown, since a `for` keys a set by its
/// items and a list by their indices.
fn set_beside_list(
    taken: &Val,
    other: &Val,
    x: &crate::terraform::value::Items,
    written: Written,
) -> Result<Option<Val>, String> {
    let unsure =
        || Err(format!("{LATER}a set beside a list or tuple is unified by rules not evaluated here"));
    let strings =
        |v: &Val| v.items().is_some_and(|items| items.iter().all(|i| matches!(i.value, Value::String(_))));
    let tuple = if x.set { written.other_tuple } else { written.taken_tuple };
    if !tuple || !strings(taken) || !strings(other) {
        return unsure();
    }
    if x.set {
        return Ok(None);
    }
    // The tuple taken, made a set: once each, in the set's order.
    let items = super::set(x.items.clone());
    Ok(Some(Val { value: Value::List(crate::terraform::value::Items::set(items)), ..taken.clone() }))
}

/// Whether values are all primitive and of one type (nulls aside, beside strings only).
fn one_primitive<'a>(values: impl Iterator<Item = &'a Val>) -> bool {
    let (mut kind, mut null) = (None, false);
    for v in values {
        let k = match &v.value {
            Value::Null => {
                null = true;
                continue;
            }
            Value::String(_) => 's',
            Value::Number(_) => 'n',
            Value::Bool(_) => 'b',
            _ => return false,
        };
        if kind.is_some_and(|seen| seen != k) {
            return false;
        }
        kind = Some(k);
    }
    // A null may be a string variable's, which numbers and booleans beside it convert to.
    !null || matches!(kind, None | Some('s'))
}
