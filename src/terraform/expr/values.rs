//! What expressions make of values: how much a value weighs against the budget, object
//! keys, numbers and text taken from values, equality, iteration (`for`) and traversal steps
//! (`.attr`, `[i]`, splats). Split from `expr.rs` by meaning.

use super::{ERROR, Location, Step, Val, Value, error, exact_int, functions, number_text, overflows};

/// Why a string literal is unknown when [`nfc_stable`] is false.
pub(super) const NOT_NFC: &str = "text Terraform normalises to Unicode NFC is not evaluated";

/// Whether text is the same in Unicode NFC, to which Terraform normalises every string
/// (`"e\u0301"` is `"é"` there, one character), and stays so beside any other such text:
/// every character is one NFC keeps and that never combines with the one before (no
/// combining mark, conjoining jamo or singleton like U+212B). Without Unicode's tables, a
/// list of blocks where that holds: Latin, Greek and Cyrillic letters, punctuation and
/// symbols, CJK, kana, Hangul syllables, emoji.
pub fn nfc_stable(text: &str) -> bool {
    text.is_ascii()
        || text.chars().all(|c| {
            matches!(u32::from(c),
                0x0000..=0x02FF
                | 0x0370..=0x0373 | 0x0375..=0x037D | 0x037F..=0x0386 | 0x0388..=0x03FF
                | 0x0400..=0x0482 | 0x048A..=0x052F
                | 0x200B..=0x205E | 0x2060..=0x2064
                | 0x2070..=0x20C0 | 0x2150..=0x218B | 0x2190..=0x2328 | 0x232B..=0x2ADB
                | 0x2ADD..=0x2BFF | 0x2E80..=0x2FDF | 0x3000..=0x3029 | 0x3030..=0x3096
                | 0x309B..=0x30FF | 0x3100..=0x4DBF | 0x4E00..=0x9FFF | 0xA000..=0xA4CF
                | 0xAC00..=0xD7A3 | 0xFE00..=0xFE0F | 0xFE10..=0xFE1F | 0xFE30..=0xFE4F
                | 0xFEFF | 0xFF01..=0xFFEE | 0x1F000..=0x1FAFF | 0xE0020..=0xE007F)
        })
}

/// The size of a value: its nodes and a unit per 64 bytes of string, counted up to `cap`.
pub fn weight(v: &Val, cap: usize) -> usize {
    // Most values are one scalar: no stack for them (this runs for every expression).
    match &v.value {
        Value::String(s) => return 1 + s.len() / 64,
        Value::List(_) | Value::Object(_) => {}
        _ => return 1,
    }
    let mut total = 0usize;
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        total += 1;
        match &v.value {
            Value::String(s) => total += s.len() / 64,
            Value::List(items) => stack.extend(items.iter()),
            Value::Object(entries) => stack.extend(entries.iter().map(|(_, v)| v)),
            _ => {}
        }
        if total > cap {
            break;
        }
    }
    total
}

/// Inserts or replaces `key` in an object's entries.
pub fn insert(entries: &mut Vec<(String, Val)>, key: String, value: Val) {
    match entries.iter_mut().find(|(k, _)| *k == key) {
        Some(slot) => slot.1 = value,
        None => entries.push((key, value)),
    }
}

/// A value as an object key or map key.
pub fn key_string(v: &Val) -> Option<String> {
    match &v.value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => number_text(*n).ok(),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A value as a number (strings convert; Terraform rejects blanks around the number).
pub fn to_number(v: &Val) -> Option<f64> {
    match &v.value {
        Value::Number(n) => Some(*n),
        // A string past the range of an `f64` is not one here (see `overflows`); one that
        // reads as 0 is not 0.
        Value::String(_) if overflows(v) => None,
        Value::String(s) => s.parse::<f64>().ok().filter(|n| n.is_finite()),
        _ => None,
    }
}

/// A value as it is written into a template.
pub(super) fn interpolated(v: &Val, at: &Location) -> Result<String, Val> {
    match &v.value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => number_text(*n).map_err(|why| {
            Val::unknown(why.strip_prefix(functions::LATER).unwrap_or(&why).to_string(), at.clone())
        }),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Unknown(why) => Err(Val::unknown(why.clone(), at.clone())),
        Value::Ref(_) => Err(Val::unknown(v.unknown_why().unwrap_or_default(), at.clone())),
        Value::Null => Err(error("a template interpolates null", at.clone())),
        Value::List(_) | Value::Object(_) => Err(error("a template interpolates a collection", at.clone())),
    }
}

/// `ceil` (or `floor`) of the quotient of two known integers below 2^53, exactly.
pub(super) fn whole_quotient(dividend: &Val, divisor: &Val, ceil: bool) -> Option<f64> {
    let (p, q) = (to_number(dividend)?, to_number(divisor)?);
    if !exact_int(p) || !exact_int(q) || q == 0.0 {
        return None;
    }
    // Integers below 2^53: exact in an `i64`, and back.
    #[allow(clippy::cast_possible_truncation)]
    let (p, q) = (p as i64, q as i64);
    let (quotient, rest) = (p / q, p % q);
    let above = rest != 0 && (rest < 0) == (q < 0);
    let below = rest != 0 && (rest < 0) != (q < 0);
    let whole = if ceil { quotient + i64::from(above) } else { quotient - i64::from(below) };
    #[allow(clippy::cast_precision_loss)]
    Some(whole as f64)
}

/// The key/value pairs a `for` or a `dynamic` block iterates (list indices are numbers; a
/// set's keys are its items).
pub fn iterate(coll: &Val, at: &Location) -> Result<Vec<(Val, Val)>, Val> {
    match &coll.value {
        Value::List(items) if items.set => {
            Ok(items.iter().map(|v| (Val { at: at.clone(), ..v.clone() }, v.clone())).collect())
        }
        Value::List(items) => Ok(items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                #[allow(clippy::cast_precision_loss)]
                let index = Value::Number(i as f64);
                (Val::new(index, at.clone()), v.clone())
            })
            .collect()),
        Value::Object(entries) => Ok(sorted(entries)
            .into_iter()
            .map(|(k, v)| (Val::new(Value::String(k.clone()), at.clone()), v.clone()))
            .collect()),
        Value::Unknown(_) | Value::Ref(_) => {
            Err(Val::unknown(coll.unknown_why().unwrap_or_default(), at.clone()))
        }
        _ => Err(error("`for` over a value that is not a collection", at.clone())),
    }
}

/// The entries of an object or map in the order Terraform iterates them: by key, in
/// lexical order, whatever order they were written in (`[for k, v in m : v][0]` is the value
/// of the first key).
pub fn sorted(entries: &[(String, Val)]) -> Vec<&(String, Val)> {
    let mut entries: Vec<&(String, Val)> = entries.iter().collect();
    entries.sort_by(|x, y| x.0.cmp(&y.0));
    entries
}

/// The first reason a value is not fully known, looking inside collections.
pub fn unknown_inside(v: &Val) -> Option<String> {
    match &v.value {
        Value::List(items) => items.iter().find_map(unknown_inside),
        Value::Object(entries) => entries.iter().find_map(|(_, v)| unknown_inside(v)),
        _ => v.unknown_why(),
    }
}

/// Whether two values are equal; `None` when either is not fully known.
pub fn equal(left: &Val, right: &Val) -> Option<bool> {
    match (&left.value, &right.value) {
        (Value::Unknown(_) | Value::Ref(_), _) | (_, Value::Unknown(_) | Value::Ref(_)) => None,
        (Value::Null, Value::Null) => Some(true),
        (Value::Bool(x), Value::Bool(y)) => Some(x == y),
        #[allow(clippy::float_cmp)]
        (Value::Number(x), Value::Number(y)) => Some(x == y),
        (Value::String(x), Value::String(y)) => Some(x == y),
        // A set is never equal to a list or tuple: their types differ (`contains([toset(["a"])],
        // ["a"])` is false).
        (Value::List(x), Value::List(y)) if x.set != y.set => Some(false),
        (Value::List(x), Value::List(y)) => {
            if x.len() != y.len() {
                return unknown_inside(left).or_else(|| unknown_inside(right)).map_or(Some(false), |_| None);
            }
            let mut all = true;
            for (p, q) in x.iter().zip(y) {
                all &= equal(p, q)?;
            }
            Some(all)
        }
        (Value::Object(x), Value::Object(y)) => {
            let mut all = x.len() == y.len();
            for (k, p) in x {
                match y.iter().find(|(k2, _)| k2 == k) {
                    Some((_, q)) => all &= equal(p, q)?,
                    None => all = false,
                }
            }
            Some(all)
        }
        _ => Some(false),
    }
}

/// Applies traversal steps to a value.
pub fn apply(mut v: Val, steps: &[Step], at: &Location) -> Val {
    for (i, step) in steps.iter().enumerate() {
        if let Value::Ref(reference) = &mut v.value {
            match step {
                Step::Attr(name) => {
                    reference.path.push(name.clone());
                    reference.display.push('.');
                    reference.display.push_str(name);
                }
                Step::Index(index) => match key_string(index) {
                    Some(key) => {
                        reference.display.push('[');
                        reference.display.push_str(&key);
                        reference.display.push(']');
                        reference.path.push(key);
                    }
                    None => {
                        return Val {
                            value: Value::Unknown(index.unknown_why().unwrap_or_default()),
                            at: at.clone(),
                            via: v.via,
                        };
                    }
                },
                Step::Splat => {
                    reference.path.push("*".into());
                    reference.display.push_str("[*]");
                }
            }
            continue;
        }
        if let Some(why) = v.unknown_why() {
            return Val { value: Value::Unknown(why), at: at.clone(), via: v.via };
        }
        let outer_via = v.via.clone();
        let found = match (step, &v.value) {
            (Step::Splat, Value::List(items)) => {
                let rest = steps.get(i + 1..).unwrap_or_default();
                let items = items.iter().map(|item| apply(item.clone(), rest, at)).collect();
                return Val { value: Value::List(items), at: at.clone(), via: outer_via };
            }
            (Step::Splat, Value::Null) => {
                return Val { value: Value::List(Vec::new().into()), at: at.clone(), via: outer_via };
            }
            (Step::Splat, _) => {
                let rest = steps.get(i + 1..).unwrap_or_default();
                let item = apply(v.clone(), rest, at);
                return Val { value: Value::List(vec![item].into()), at: at.clone(), via: outer_via };
            }
            (Step::Attr(name), Value::Object(entries)) => {
                entries.iter().find(|(k, _)| k == name).map(|(_, x)| x.clone())
            }
            (Step::Index(index), Value::Object(entries)) => {
                if let Some(why) = index.unknown_why() {
                    return Val { value: Value::Unknown(why), at: at.clone(), via: outer_via };
                }
                key_string(index)
                    .and_then(|key| entries.iter().find(|(k, _)| *k == key).map(|(_, x)| x.clone()))
            }
            // A set has no indices (`toset(["a"])[0]`, `var.names[0]` of a `set(string)`).
            (Step::Index(_), Value::List(items)) if items.set => {
                let why = format!("{ERROR}an element of a set is not reached by an index");
                return Val { value: Value::Unknown(why), at: at.clone(), via: outer_via };
            }
            (Step::Index(index), Value::List(items)) => {
                if let Some(why) = index.unknown_why() {
                    return Val { value: Value::Unknown(why), at: at.clone(), via: outer_via };
                }
                index.as_int().and_then(|n| usize::try_from(n).ok()).and_then(|n| items.get(n).cloned())
            }
            _ => None,
        };
        let Some(found) = found else {
            let what = match step {
                Step::Attr(name) => format!("no attribute `{name}`"),
                Step::Index(_) => "no such element".to_string(),
                Step::Splat => "a splat".to_string(),
            };
            return Val { value: Value::Unknown(format!("{ERROR}{what}")), at: at.clone(), via: outer_via };
        };
        let own = found.picked_via(at, &outer_via);
        let mut via = outer_via;
        via.extend(own);
        v = Val { value: found.value, at: at.clone(), via };
    }
    v
}
