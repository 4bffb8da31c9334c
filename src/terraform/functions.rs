//! The Terraform functions real configurations use, over known values. Any other function
//! is unknown ("function `x` is not evaluated"); so is any call with an unknown argument
//! the result depends on. `file`, `templatefile` and the like read outside the
//! configuration and stay unknown.

// Terraform numbers are floats; lengths and indices here are bounded by `MAX_ITEMS`.
#![allow(clippy::cast_precision_loss)]

use super::expr::{ERROR, MAX_ITEMS, MAX_STRING, equal, error, to_number, unknown_inside};
use crate::diag::{Label, Location};
use crate::terraform::value::{Items, Val, Value};
use numbers::overflows;
use numbers::{EXACT, exact_int};
use text::{bool_of, plain, string_of};

#[path = "functions/numbers.rs"]
pub mod numbers;
#[path = "functions/text.rs"]
pub mod text;
#[path = "functions/unify.rs"]
pub mod unify;

type Out = Result<Value, String>;

/// The start of an `Err` that is not an error but a result known only after apply.
pub const LATER: &str = "later: ";

/// Calls function `name` on evaluated arguments.
pub fn call(name: &str, args: &[Val], at: Location) -> Val {
    let mut via: Vec<Label> = Vec::new();
    for arg in args {
        for label in &arg.via {
            if !via.iter().any(|l| l.location.span == label.location.span && l.message == label.message) {
                via.push(label.clone());
            }
        }
    }
    // Functions that look only at the shape of collections may have unknown items.
    let shallow = matches!(
        name,
        "length"
            | "concat"
            | "element"
            | "slice"
            | "reverse"
            | "coalescelist"
            | "tolist"
            | "one"
            | "keys"
            | "merge"
            | "lookup"
            | "values"
    );
    // `compact` and `distinct` may have references among their items: an image ID picked
    // from a lookup stays that one image through them (the shape of the public ECS module).
    let refs = matches!(name, "compact" | "distinct") && args.len() == 1;
    let unknown = if shallow {
        args.iter().find_map(Val::unknown_why)
    } else if refs {
        args.first().and_then(Val::items).map_or_else(
            || args.iter().find_map(Val::unknown_why),
            |items| items.iter().filter(|v| v.reference().is_none()).find_map(unknown_inside),
        )
    } else {
        args.iter().find_map(unknown_inside)
    };
    if let Some(why) = unknown {
        return Val { value: Value::Unknown(why), at, via };
    }
    match run(name, args) {
        // A number past 2^53 may not be the one Terraform holds (`abs(-9007199254740993)`).
        Ok(Value::Number(x)) if !x.is_finite() || x.abs() >= EXACT => Val {
            value: Value::Unknown(format!("`{name}` gives a number past 2^53, not evaluated")),
            at,
            via,
        },
        Ok(value) => {
            // An item picked out of a list keeps the labels of where it came from.
            if let Some(item) = picked(name, args) {
                let mut own = item.picked_via(&at, &via);
                own.retain(|l| {
                    !via.iter().any(|v| v.location.span == l.location.span && v.message == l.message)
                });
                own.append(&mut via);
                via = own;
            }
            Val { value, at, via }
        }
        Err(why) if why.starts_with(LATER) => {
            Val { value: Value::Unknown(why.trim_start_matches(LATER).to_string()), at, via }
        }
        Err(why) if why.starts_with(ERROR) || why.starts_with("function `") => {
            Val { value: Value::Unknown(why), at, via }
        }
        Err(why) => {
            let mut v = error(format!("{name}: {why}"), at);
            v.via = via;
            v
        }
    }
}

/// The item `element` or `one` returns, when it is one of its arguments' items.
fn picked<'a>(name: &str, args: &'a [Val]) -> Option<&'a Val> {
    let items = args.first()?.items()?;
    match name {
        "element" => {
            let len = i64::try_from(items.len()).ok().filter(|&n| n > 0)?;
            let i = usize::try_from(args.get(1)?.as_int()?.rem_euclid(len)).ok()?;
            items.get(i)
        }
        "one" if items.len() == 1 => items.first(),
        _ => None,
    }
}

fn s(v: &Val) -> Result<String, String> {
    string_of(v)
}

/// Why a result is not evaluated: Terraform's differs from what this reader could compute.
fn unsure(what: &str) -> String {
    format!("{LATER}{what}")
}

/// `s`, for functions whose result Terraform computes over grapheme clusters of NFC text:
/// unknown unless counting characters is the same (ASCII without `\r`).
fn plain_s(v: &Val, name: &str) -> Result<String, String> {
    let text = s(v)?;
    if plain(&text) {
        Ok(text)
    } else {
        Err(unsure(&format!("`{name}` of text that is not plain ASCII is not evaluated")))
    }
}

/// `s`, for functions Terraform computes differently from Rust beyond ASCII.
fn ascii_s(v: &Val, name: &str) -> Result<String, String> {
    let text = s(v)?;
    if text.is_ascii() {
        Ok(text)
    } else {
        Err(unsure(&format!("`{name}` of text that is not ASCII is not evaluated")))
    }
}

/// An argument that must be a whole number (Terraform rejects a fraction).
fn int(v: &Val) -> Result<f64, String> {
    let x = n(v)?;
    if x.fract() != 0.0 {
        return Err("an integer is needed".into());
    }
    if !exact_int(x) {
        return Err(unsure("a number past 2^53 is not evaluated"));
    }
    Ok(x)
}

/// Whether a regular expression uses a Perl class or word boundary, which RE2 (Terraform's
/// engine) reads as ASCII only and the `regex` crate as Unicode (`\s` of RE2 also leaves
/// out `\v`).
fn ascii_classes(pattern: &str) -> bool {
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.next().is_some_and(|d| "dwsbDWSB".contains(d)) {
            return true;
        }
    }
    false
}

fn n(v: &Val) -> Result<f64, String> {
    match to_number(v) {
        Some(x) => Ok(x),
        None if overflows(v) => Err(unsure("a number past the range of 64-bit floats is not evaluated")),
        None => Err("a number is needed".into()),
    }
}

fn list(v: &Val) -> Result<&[Val], String> {
    match &v.value {
        Value::List(items) => Ok(items),
        _ => Err("a list is needed".into()),
    }
}

fn object(v: &Val) -> Result<&[(String, Val)], String> {
    match &v.value {
        Value::Object(entries) => Ok(entries),
        _ => Err("a map or object is needed".into()),
    }
}

fn arg(args: &[Val], i: usize) -> Result<&Val, String> {
    args.get(i).ok_or_else(|| "too few arguments".into())
}

fn str_list(v: &Val) -> Result<Vec<String>, String> {
    list(v)?.iter().map(s).collect()
}

fn check_len(len: usize) -> Result<(), String> {
    if len > MAX_ITEMS {
        Err(format!("{ERROR}a list of more than {MAX_ITEMS} items is not evaluated"))
    } else {
        Ok(())
    }
}

fn check_str(text: String) -> Out {
    if text.len() > MAX_STRING {
        Err(format!("{ERROR}a string longer than {MAX_STRING} bytes is not evaluated"))
    } else {
        Ok(Value::String(text))
    }
}

/// Makes a list value out of items placed like `template`.
fn items_like(template: &Val, items: Vec<Value>) -> Out {
    check_len(items.len())?;
    Ok(Value::List(
        items.into_iter().map(|value| Val { value, at: template.at.clone(), via: Vec::new() }).collect(),
    ))
}

fn distinct(items: Vec<Val>) -> Vec<Val> {
    // Strings, numbers and booleans (almost every set) are told apart by a key: compared
    // pairwise, `toset` of 10,000 strings took 0.4 s, in each module instance.
    if items.iter().all(|v| matches!(v.value, Value::String(_) | Value::Number(_) | Value::Bool(_))) {
        let mut seen = <foldhash::HashSet<_> as foldhash::HashSetExt>::new();
        return items
            .into_iter()
            .filter(|v| match &v.value {
                Value::String(s) => seen.insert((0, s.clone())),
                // No NaN equals anything, itself included; `-0` equals `0`.
                Value::Number(x) if x.is_nan() => true,
                Value::Number(x) => seen.insert((1, (x + 0.0).to_bits().to_string())),
                Value::Bool(b) => seen.insert((2, b.to_string())),
                _ => true,
            })
            .collect();
    }
    let mut out: Vec<Val> = Vec::new();
    for item in items {
        if !out.iter().any(|o| equal(o, &item) == Some(true)) {
            out.push(item);
        }
    }
    out
}

/// The items of a set, in the order Terraform iterates them: once each, strings in lexical
/// order and numbers in numeric order (`tolist(toset(["b", "a"]))[0]` is `"a"`). Strings
/// beside numbers or booleans are compared as the strings Terraform converts them all to.
/// A `null` comes last, as Terraform puts it (`toset([null, "a"])` is `["a", null]`). Items
/// of other kinds (objects, lists) keep their written order: Terraform's is not one this
/// reader can name.
pub fn set(items: Vec<Val>) -> Vec<Val> {
    let (mut items, nulls): (Vec<Val>, Vec<Val>) =
        distinct(items).into_iter().partition(|v| !matches!(v.value, Value::Null));
    if items.iter().all(|v| matches!(v.value, Value::Number(_))) {
        items.sort_by(|x, y| to_number(x).partial_cmp(&to_number(y)).unwrap_or(std::cmp::Ordering::Equal));
    } else if items.iter().all(|v| matches!(v.value, Value::String(_) | Value::Number(_) | Value::Bool(_))) {
        items.sort_by_cached_key(|v| super::expr::key_string(v).unwrap_or_default());
    }
    items.extend(nulls);
    items
}

/// `distinct` over items that may be references: the same reference twice is one item;
/// a reference beside any other item may equal it after apply, so the result's length
/// is not known.
fn distinct_refs(items: &[Val]) -> Out {
    let mut out: Vec<Val> = Vec::new();
    for item in items {
        let seen = match item.reference() {
            Some(r) => out.iter().any(|o| o.reference().is_some_and(|q| q.key == r.key && q.path == r.path)),
            None => out.iter().any(|o| equal(o, item) == Some(true)),
        };
        if !seen {
            out.push(item.clone());
        }
    }
    if out.len() > 1 && out.iter().any(|v| v.reference().is_some()) {
        return Err(format!(
            "{LATER}`distinct` of a value known only after apply and other items: they may be equal"
        ));
    }
    Ok(Value::List(out.into()))
}

/// Whether a reference is never null or empty once applied: a resource's or image
/// lookup's ID (`alicloud_image.app.id`, `data.alicloud_images.x.ids[0]`,
/// `data.alicloud_images.x.images[0].id`). An index past the end is an error at apply,
/// not an empty value.
fn never_empty(item: &Val) -> bool {
    item.reference().is_some_and(|r| {
        matches!(
            r.path.iter().map(String::as_str).collect::<Vec<_>>().as_slice(),
            ["id"] | ["ids", _] | ["images", _, "id" | "image_id"]
        )
    })
}

#[allow(clippy::too_many_lines)]
fn run(name: &str, args: &[Val]) -> Out {
    let a0 = || arg(args, 0);
    let a1 = || arg(args, 1);
    // These take lists, not sets (Terraform rejects `element(toset(...), 0)`).
    let is_set = |v: &Val| matches!(&v.value, Value::List(items) if items.set);
    let lists = match name {
        "element" | "index" | "slice" => args.get(..1).unwrap_or_default(),
        "concat" | "coalescelist" => args,
        _ => &[],
    };
    if lists.iter().any(is_set) {
        return Err(format!("{ERROR}`{name}` of a set"));
    }
    match name {
        // Go maps case a character at a time with simple mappings (`ß` stays), and Terraform
        // normalises to NFC: only ASCII is certain.
        "lower" => Ok(Value::String(ascii_s(a0()?, name)?.to_lowercase())),
        "upper" => Ok(Value::String(ascii_s(a0()?, name)?.to_uppercase())),
        "trimspace" => Ok(Value::String(s(a0()?)?.trim().to_string())),
        "chomp" => Ok(Value::String(s(a0()?)?.trim_end_matches(['\n', '\r']).to_string())),
        "strrev" => Ok(Value::String(plain_s(a0()?, name)?.chars().rev().collect())),
        "trim" => {
            let cut: Vec<char> = s(a1()?)?.chars().collect();
            Ok(Value::String(s(a0()?)?.trim_matches(cut.as_slice()).to_string()))
        }
        "trimprefix" => {
            let (text, p) = (s(a0()?)?, s(a1()?)?);
            Ok(Value::String(text.strip_prefix(p.as_str()).unwrap_or(&text).to_string()))
        }
        "trimsuffix" => {
            let (text, p) = (s(a0()?)?, s(a1()?)?);
            Ok(Value::String(text.strip_suffix(p.as_str()).unwrap_or(&text).to_string()))
        }
        "startswith" => Ok(Value::Bool(s(a0()?)?.starts_with(s(a1()?)?.as_str()))),
        "endswith" => Ok(Value::Bool(s(a0()?)?.ends_with(s(a1()?)?.as_str()))),
        "substr" => {
            let (offset, length) = (int(a1()?)?, int(arg(args, 2)?)?);
            let text: Vec<char> = plain_s(a0()?, name)?.chars().collect();
            let len = text.len() as f64;
            let start = if offset < 0.0 { len + offset } else { offset };
            if !(0.0..=len).contains(&start) {
                return Err(unsure("`substr` with an offset out of range is not evaluated"));
            }
            let end = if length < 0.0 { len } else { (start + length).min(len) };
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            Ok(Value::String(text.get(start as usize..end as usize).unwrap_or_default().iter().collect()))
        }
        "join" => {
            let sep = s(a0()?)?;
            if args.len() < 2 {
                return Err("`join` needs a list".into());
            }
            let mut parts = Vec::new();
            for l in args.get(1..).unwrap_or_default() {
                parts.extend(str_list(l)?);
            }
            check_str(parts.join(&sep))
        }
        "split" => {
            let (sep, text) = (s(a0()?)?, s(a1()?)?);
            let parts: Vec<Value> = if sep.is_empty() {
                text.chars().map(|c| Value::String(c.to_string())).collect()
            } else {
                text.split(sep.as_str()).map(|p| Value::String(p.to_string())).collect()
            };
            items_like(a1()?, parts)
        }
        "replace" => {
            let (text, search, with) = (s(a0()?)?, s(a1()?)?, s(arg(args, 2)?)?);
            if search.len() > 1 && search.starts_with('/') && search.ends_with('/') {
                let pattern = search.get(1..search.len() - 1).unwrap_or_default();
                if ascii_classes(pattern) && (!text.is_ascii() || text.contains('\u{b}')) {
                    return Err(unsure(
                        "a regular expression with `\\d`, `\\w`, `\\s` or `\\b` over text that is not ASCII is not evaluated",
                    ));
                }
                let re = regex::RegexBuilder::new(pattern)
                    .size_limit(1 << 20)
                    .build()
                    .map_err(|e| e.to_string())?;
                // Terraform writes `$1`; the regex crate reads `${1}` the same way.
                check_str(re.replace_all(&text, with.as_str()).into_owned())
            } else if search.is_empty() {
                // Go inserts the replacement at every boundary; Terraform then normalises the
                // result to NFC, which only ASCII is sure to survive as it is.
                if !text.is_ascii() || !with.is_ascii() {
                    return Err(unsure(
                        "`replace` of an empty string in text that is not ASCII is not evaluated",
                    ));
                }
                let mut out = with.clone();
                for c in text.chars() {
                    out.push(c);
                    out.push_str(&with);
                }
                check_str(out)
            } else {
                check_str(text.replace(&search, &with))
            }
        }
        "format" => text::format(&s(a0()?)?, args.get(1..).unwrap_or_default()),
        "formatlist" => {
            let spec = s(a0()?)?;
            let rest = args.get(1..).unwrap_or_default();
            let len = rest.iter().filter_map(|v| list(v).ok()).map(<[Val]>::len).max().unwrap_or(1);
            check_len(len)?;
            let mut out = Vec::new();
            for i in 0..len {
                let row: Vec<Val> = rest
                    .iter()
                    .map(|v| list(v).map_or_else(|_| Some(v.clone()), |l| l.get(i).cloned()))
                    .collect::<Option<_>>()
                    .ok_or("lists of different lengths")?;
                out.push(text::format(&spec, &row)?);
            }
            items_like(a0()?, out)
        }
        "length" => match &a0()?.value {
            Value::List(items) => Ok(Value::Number(items.len() as f64)),
            Value::Object(entries) => Ok(Value::Number(entries.len() as f64)),
            Value::String(_) => Ok(Value::Number(plain_s(a0()?, name)?.len() as f64)),
            _ => Err("length of a value that is not a collection or string".into()),
        },
        "concat" => {
            if args.is_empty() {
                return Err("`concat` needs a list".into());
            }
            let mut out = Vec::new();
            for l in args {
                out.extend(list(l)?.iter().cloned());
                check_len(out.len())?;
            }
            // Lists of one type give a list of it, and any tuple a tuple as it is.
            unify::check_same(&out)?;
            Ok(Value::List(out.into()))
        }
        "distinct" => distinct_refs(&unify::unify(list(a0()?)?)?),
        // A null converts to a null of the type.
        "tolist" | "tomap" | "toset" if matches!(a0()?.value, Value::Null) => Ok(Value::Null),
        "toset" => {
            let items = unify::unify(list(a0()?)?)?;
            if items.iter().any(|v| matches!(v.value, Value::List(_) | Value::Object(_))) {
                return Err(unsure("a set of collections is in an order this reader cannot name"));
            }
            Ok(Value::List(Items::set(set(items))))
        }
        "setunion" => {
            if args.is_empty() {
                return Err("`setunion` needs a set".into());
            }
            let mut out = Vec::new();
            for l in args {
                out.extend(list(l)?.iter().cloned());
                check_len(out.len())?;
            }
            let out = unify::unify(&out)?;
            if out.iter().any(|v| matches!(v.value, Value::List(_) | Value::Object(_))) {
                return Err(unsure("a set of collections is in an order this reader cannot name"));
            }
            Ok(Value::List(Items::set(set(out))))
        }
        "setintersection" => {
            // All the sets are converted to one element type first (`["1"]` and `[1]` share
            // `"1"`).
            let mut all = Vec::new();
            for l in args {
                all.extend(list(l)?.iter().cloned());
                check_len(all.len())?;
            }
            let all = unify::unify(&all)?;
            if all.iter().any(|v| matches!(v.value, Value::List(_) | Value::Object(_))) {
                return Err(unsure("a set of collections is in an order this reader cannot name"));
            }
            let mut lists: Vec<&[Val]> = Vec::new();
            let mut from = 0;
            for l in args {
                let len = list(l)?.len();
                lists.push(all.get(from..from + len).unwrap_or_default());
                from += len;
            }
            let (first, rest) = lists.split_first().ok_or("`setintersection` needs a set")?;
            let keep = first
                .iter()
                .filter(|x| rest.iter().all(|l| l.iter().any(|y| equal(x, y) == Some(true))))
                .cloned()
                .collect();
            Ok(Value::List(Items::set(set(keep))))
        }
        "compact" => {
            let items = list(a0()?)?;
            let mut out = Vec::new();
            for v in items {
                if matches!(v.value, Value::List(_) | Value::Object(_)) {
                    return Err("`compact` of a list that is not of strings".into());
                }
                if v.reference().is_some() && !never_empty(v) {
                    return Err(format!("{LATER}{}", v.unknown_why().unwrap_or_default()));
                }
                // `compact` takes a list of strings: numbers and booleans become strings.
                if never_empty(v) {
                    out.push(v.clone());
                } else if v.as_str().is_some() {
                    out.push(Val { value: Value::String(s(v)?), ..v.clone() });
                }
            }
            Ok(Value::List(out.into()))
        }
        "coalesce" => unify::unify(args)?
            .into_iter()
            .find(|v| {
                !matches!(&v.value, Value::Null) && !matches!(&v.value, Value::String(t) if t.is_empty())
            })
            .map(|v| v.value)
            .ok_or_else(|| "no non-null, non-empty argument".into()),
        "coalescelist" => args
            .iter()
            .map(|v| list(v).map(|_| v))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .find(|v| matches!(&v.value, Value::List(items) if !items.is_empty()))
            .map(|v| v.value.clone())
            .ok_or_else(|| "no non-empty list".into()),
        "element" => {
            let items = list(a0()?)?;
            let i = a1()?.as_int().ok_or("an integer index is needed")?;
            if i < 0 {
                return Err("a negative index".into());
            }
            if items.is_empty() {
                return Err("element of an empty list".into());
            }
            let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
            let i = usize::try_from(i.rem_euclid(len)).unwrap_or(0);
            items.get(i).map(|v| v.value.clone()).ok_or_else(|| "index out of range".into())
        }
        "index" => {
            let items = list(a0()?)?;
            let target = a1()?;
            if let Some(why) = unknown_inside(a0()?) {
                return Err(why);
            }
            if matches!(target.value, Value::Null) {
                return Err("`index` of null".into());
            }
            unify::check_same(items)?;
            items
                .iter()
                .position(|v| equal(v, target) == Some(true))
                .map(|i| Value::Number(i as f64))
                .ok_or_else(|| "the item is not in the list".into())
        }
        "contains" => {
            let target = a1()?;
            if matches!(target.value, Value::Null) {
                return Err("`contains` of null".into());
            }
            unify::check_same(list(a0()?)?)?;
            Ok(Value::Bool(list(a0()?)?.iter().any(|v| equal(v, target) == Some(true))))
        }
        "one" => match list(a0()?)? {
            [] => Ok(Value::Null),
            [one] => Ok(one.value.clone()),
            _ => Err("more than one element".into()),
        },
        "slice" => {
            let items = list(a0()?)?;
            let (from, to) = (
                a1()?.as_int().ok_or("an integer is needed")?,
                arg(args, 2)?.as_int().ok_or("an integer is needed")?,
            );
            let (from, to) = (
                usize::try_from(from).map_err(|_| "bad index")?,
                usize::try_from(to).map_err(|_| "bad index")?,
            );
            items
                .get(from..to)
                .map(|s| Value::List(s.to_vec().into()))
                .ok_or_else(|| "index out of range".into())
        }
        "reverse" => Ok(Value::List(list(a0()?)?.iter().rev().cloned().collect())),
        "sort" => {
            let mut items = str_list(a0()?)?;
            items.sort();
            items_like(a0()?, items.into_iter().map(Value::String).collect())
        }
        "flatten" => {
            fn flat(v: &Val, out: &mut Vec<Val>) -> Result<(), String> {
                match &v.value {
                    Value::List(items) => {
                        for item in items {
                            flat(item, out)?;
                        }
                        check_len(out.len())
                    }
                    Value::Unknown(_) | Value::Ref(_) => Err(unsure(&v.unknown_why().unwrap_or_default())),
                    _ => {
                        out.push(v.clone());
                        Ok(())
                    }
                }
            }
            list(a0()?)?;
            let mut out = Vec::new();
            flat(a0()?, &mut out)?;
            Ok(Value::List(out.into()))
        }
        "keys" => {
            let entries = object(a0()?)?;
            let mut keys: Vec<String> = entries.iter().map(|(k, _)| k.clone()).collect();
            keys.sort();
            items_like(a0()?, keys.into_iter().map(Value::String).collect())
        }
        "values" => {
            let mut entries = object(a0()?)?.to_vec();
            entries.sort_by(|x, y| x.0.cmp(&y.0));
            Ok(Value::List(entries.into_iter().map(|(_, v)| v).collect()))
        }
        "lookup" => {
            let entries = object(a0()?)?;
            let key = s(a1()?)?;
            match entries.iter().find(|(k, _)| *k == key) {
                Some((_, v)) => Ok(v.value.clone()),
                None => args.get(2).map(|d| d.value.clone()).ok_or_else(|| format!("no key `{key}`")),
            }
        }
        "merge" => {
            let mut out: Vec<(String, Val)> = Vec::new();
            for m in args {
                if matches!(m.value, Value::Null) {
                    continue;
                }
                for (k, v) in object(m)? {
                    super::expr::insert(&mut out, k.clone(), v.clone());
                }
            }
            Ok(Value::Object(out))
        }
        "zipmap" => {
            let (keys, values) = (str_list(a0()?)?, list(a1()?)?);
            if keys.len() != values.len() {
                return Err("lists of different lengths".into());
            }
            let mut out = Vec::new();
            for (k, v) in keys.into_iter().zip(values) {
                super::expr::insert(&mut out, k, v.clone());
            }
            Ok(Value::Object(out))
        }
        "tostring" => match &a0()?.value {
            Value::Null => Ok(Value::Null),
            _ => Ok(Value::String(s(a0()?)?)),
        },
        "tonumber" => match &a0()?.value {
            Value::Null => Ok(Value::Null),
            Value::String(text) if text.trim() != text => Err("a number is needed".into()),
            _ => Ok(Value::Number(n(a0()?)?)),
        },
        "tobool" => match &a0()?.value {
            Value::Null => Ok(Value::Null),
            _ => bool_of(a0()?).map(Value::Bool).ok_or_else(|| "a boolean is needed".into()),
        },
        "tolist" => Ok(Value::List(unify::unify(list(a0()?)?)?.into())),
        "tomap" => {
            let entries = object(a0()?)?;
            let values: Vec<Val> = entries.iter().map(|(_, v)| v.clone()).collect();
            let values = unify::unify(&values)?;
            Ok(Value::Object(entries.iter().map(|(k, _)| k.clone()).zip(values).collect()))
        }
        "jsonencode" => {
            let mut out = String::new();
            text::json(a0()?, &mut out)?;
            check_str(out)
        }
        "abs" => Ok(Value::Number(n(a0()?)?.abs())),
        // Terraform's result is an integer: never `-0` (`ceil(-0.5)` is `0`).
        "ceil" => Ok(Value::Number(n(a0()?)?.ceil() + 0.0)),
        "floor" => Ok(Value::Number(n(a0()?)?.floor() + 0.0)),
        // Terraform's `signum` takes an integer; that of zero is zero (Rust's is 1).
        "signum" => {
            let x = int(a0()?)?;
            Ok(Value::Number(if x == 0.0 { 0.0 } else { x.signum() }))
        }
        "min" | "max" => {
            let numbers: Vec<f64> = args.iter().map(n).collect::<Result<_, _>>()?;
            let pick = if name == "min" { f64::min } else { f64::max };
            numbers.into_iter().reduce(pick).map(Value::Number).ok_or_else(|| "no arguments".into())
        }
        "sum" => {
            let items = list(a0()?)?;
            if items.is_empty() {
                return Err("`sum` of an empty list".into());
            }
            // Added one after the other as `+` adds: exact over integers and short binary
            // fractions only (Terraform adds 512-bit floats).
            let mut total = Value::Number(n(&items[0])?);
            for item in &items[1..] {
                let Value::Number(x) = total else { break };
                total = numbers::arithmetic(hcl_edit::expr::BinaryOperator::Plus, x, n(item)?)
                    .map_err(|why| unsure(&format!("`sum`: {why}")))?;
            }
            Ok(total)
        }
        "alltrue" | "anytrue" => {
            let mut bools = Vec::new();
            for v in list(a0()?)? {
                match &v.value {
                    // A null item counts as false.
                    Value::Null => bools.push(false),
                    _ => bools.push(bool_of(v).ok_or("an item is not a boolean")?),
                }
            }
            let all = name == "alltrue";
            Ok(Value::Bool(if all { bools.iter().all(|b| *b) } else { bools.iter().any(|b| *b) }))
        }
        "range" => {
            let numbers: Vec<f64> = args.iter().map(n).collect::<Result<_, _>>()?;
            let (start, end, step) = match numbers.as_slice() {
                [end] => (0.0, *end, if *end < 0.0 { -1.0 } else { 1.0 }),
                [start, end] => (*start, *end, if end < start { -1.0 } else { 1.0 }),
                [start, end, step] => (*start, *end, *step),
                _ => return Err("range takes one to three numbers".into()),
            };
            // Terraform steps with 512-bit floats: a fraction accumulates otherwise.
            if ![start, end, step].into_iter().all(exact_int) {
                return Err(unsure("`range` over numbers that are not integers is not evaluated"));
            }
            if (step > 0.0 && end < start) || (step < 0.0 && end > start) {
                return Err("the step does not lead from the start to the end".into());
            }
            if (end - start).abs() < 1.0 {
                return items_like(a0()?, Vec::new());
            }
            if step == 0.0 || !(end - start).is_finite() || (end - start) / step > MAX_ITEMS as f64 {
                return Err(format!("{ERROR}a range of more than {MAX_ITEMS} numbers is not evaluated"));
            }
            let mut out = Vec::new();
            let mut x = start;
            while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
                out.push(Value::Number(x));
                x += step;
                check_len(out.len())?;
            }
            items_like(a0()?, out)
        }
        _ => Err(format!("function `{name}` is not evaluated")),
    }
}
