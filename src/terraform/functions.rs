//! The Terraform functions real configurations use, over known values. Any other function
//! is unknown ("function `x` is not evaluated"); so is any call with an unknown argument
//! the result depends on. `file`, `templatefile` and the like read outside the
//! configuration and stay unknown.

// Terraform numbers are floats; lengths and indices here are bounded by `MAX_ITEMS`.
#![allow(clippy::cast_precision_loss)]

use super::expr::{ERROR, MAX_ITEMS, MAX_STRING, equal, error, to_number, unknown_inside};
use crate::diag::{Label, Location};
use crate::terraform::value::{Val, Value, number_to_string};

type Out = Result<Value, String>;

/// The start of an `Err` that is not an error but a result known only after apply.
const LATER: &str = "later: ";

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
    match &v.value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(number_to_string(*n)),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err("a string is needed".into()),
    }
}

fn n(v: &Val) -> Result<f64, String> {
    to_number(v).ok_or_else(|| "a number is needed".into())
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
        let mut seen = std::collections::HashSet::new();
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
/// Items of other kinds (objects, lists, null) keep their written order: Terraform's is
/// not one this reader can name.
pub fn set(items: Vec<Val>) -> Vec<Val> {
    let mut items = distinct(items);
    if items.iter().all(|v| matches!(v.value, Value::Number(_))) {
        items.sort_by(|x, y| to_number(x).partial_cmp(&to_number(y)).unwrap_or(std::cmp::Ordering::Equal));
    } else if items.iter().all(|v| matches!(v.value, Value::String(_) | Value::Number(_) | Value::Bool(_))) {
        items.sort_by_cached_key(|v| super::expr::key_string(v).unwrap_or_default());
    }
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
    Ok(Value::List(out))
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
    match name {
        "lower" => Ok(Value::String(s(a0()?)?.to_lowercase())),
        "upper" => Ok(Value::String(s(a0()?)?.to_uppercase())),
        "trimspace" => Ok(Value::String(s(a0()?)?.trim().to_string())),
        "chomp" => Ok(Value::String(s(a0()?)?.trim_end_matches(['\n', '\r']).to_string())),
        "strrev" => Ok(Value::String(s(a0()?)?.chars().rev().collect())),
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
            let text: Vec<char> = s(a0()?)?.chars().collect();
            let (offset, length) = (n(a1()?)?, n(arg(args, 2)?)?);
            let len = text.len() as f64;
            let start = if offset < 0.0 { len + offset } else { offset };
            if !(0.0..=len).contains(&start) {
                return Err("offset out of range".into());
            }
            let end = if length < 0.0 { len } else { (start + length).min(len) };
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            Ok(Value::String(text.get(start as usize..end as usize).unwrap_or_default().iter().collect()))
        }
        "join" => {
            let sep = s(a0()?)?;
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
                let re = regex::RegexBuilder::new(pattern)
                    .size_limit(1 << 20)
                    .build()
                    .map_err(|e| e.to_string())?;
                // Terraform writes `$1`; the regex crate reads `${1}` the same way.
                check_str(re.replace_all(&text, with.as_str()).into_owned())
            } else if search.is_empty() {
                Ok(Value::String(text))
            } else {
                check_str(text.replace(&search, &with))
            }
        }
        "format" => check_str(format(&s(a0()?)?, args.get(1..).unwrap_or_default())?),
        "formatlist" => {
            let spec = s(a0()?)?;
            let rest = args.get(1..).unwrap_or_default();
            let len = rest.iter().filter_map(|v| list(v).ok()).map(<[Val]>::len).max().unwrap_or(1);
            check_len(len)?;
            let mut out = Vec::new();
            for i in 0..len {
                let row: Vec<Val> = rest
                    .iter()
                    .map(|v| list(v).map_or(Some(v.clone()), |l| l.get(i).cloned()))
                    .collect::<Option<_>>()
                    .ok_or("lists of different lengths")?;
                out.push(Value::String(format(&spec, &row)?));
            }
            items_like(a0()?, out)
        }
        "length" => match &a0()?.value {
            Value::List(items) => Ok(Value::Number(items.len() as f64)),
            Value::Object(entries) => Ok(Value::Number(entries.len() as f64)),
            Value::String(text) => Ok(Value::Number(text.chars().count() as f64)),
            _ => Err("length of a value that is not a collection or string".into()),
        },
        "concat" => {
            let mut out = Vec::new();
            for l in args {
                out.extend(list(l)?.iter().cloned());
                check_len(out.len())?;
            }
            Ok(Value::List(out))
        }
        "distinct" => distinct_refs(list(a0()?)?),
        "toset" => Ok(Value::List(set(list(a0()?)?.to_vec()))),
        "setunion" => {
            let mut out = Vec::new();
            for l in args {
                out.extend(list(l)?.iter().cloned());
                check_len(out.len())?;
            }
            Ok(Value::List(set(out)))
        }
        "setintersection" => {
            let first = list(a0()?)?;
            let rest: Vec<&[Val]> =
                args.get(1..).unwrap_or_default().iter().map(list).collect::<Result<_, _>>()?;
            let keep = first
                .iter()
                .filter(|x| rest.iter().all(|l| l.iter().any(|y| equal(x, y) == Some(true))))
                .cloned()
                .collect();
            Ok(Value::List(set(keep)))
        }
        "compact" => {
            let items = list(a0()?)?;
            let mut out = Vec::new();
            for v in items {
                if v.reference().is_some() && !never_empty(v) {
                    return Err(format!("{LATER}{}", v.unknown_why().unwrap_or_default()));
                }
                if never_empty(v) || v.as_str().is_some() {
                    out.push(v.clone());
                }
            }
            Ok(Value::List(out))
        }
        "coalesce" => args
            .iter()
            .find(|v| {
                !matches!(&v.value, Value::Null) && !matches!(&v.value, Value::String(t) if t.is_empty())
            })
            .map(|v| v.value.clone())
            .ok_or_else(|| "no non-null, non-empty argument".into()),
        "coalescelist" => args
            .iter()
            .find(|v| matches!(&v.value, Value::List(items) if !items.is_empty()))
            .map(|v| v.value.clone())
            .ok_or_else(|| "no non-empty list".into()),
        "element" => {
            let items = list(a0()?)?;
            let i = a1()?.as_int().ok_or("an integer index is needed")?;
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
            items
                .iter()
                .position(|v| equal(v, target) == Some(true))
                .map(|i| Value::Number(i as f64))
                .ok_or_else(|| "the item is not in the list".into())
        }
        "contains" => {
            let target = a1()?;
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
            items.get(from..to).map(|s| Value::List(s.to_vec())).ok_or_else(|| "index out of range".into())
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
                    Value::Unknown(_) | Value::Ref(_) => Err(v.unknown_why().unwrap_or_default()),
                    _ => {
                        out.push(v.clone());
                        Ok(())
                    }
                }
            }
            let mut out = Vec::new();
            flat(a0()?, &mut out)?;
            Ok(Value::List(out))
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
            _ => Ok(Value::Number(n(a0()?)?)),
        },
        "tobool" => match &a0()?.value {
            Value::Null => Ok(Value::Null),
            _ => a0()?.as_bool().map(Value::Bool).ok_or_else(|| "a boolean is needed".into()),
        },
        "tolist" => Ok(Value::List(list(a0()?)?.to_vec())),
        "tomap" => Ok(Value::Object(object(a0()?)?.to_vec())),
        "jsonencode" => check_str(json(a0()?).to_string()),
        "abs" => Ok(Value::Number(n(a0()?)?.abs())),
        "ceil" => Ok(Value::Number(n(a0()?)?.ceil())),
        "floor" => Ok(Value::Number(n(a0()?)?.floor())),
        "signum" => Ok(Value::Number(n(a0()?)?.signum())),
        "min" | "max" => {
            let numbers: Vec<f64> = args.iter().map(n).collect::<Result<_, _>>()?;
            let pick = if name == "min" { f64::min } else { f64::max };
            numbers.into_iter().reduce(pick).map(Value::Number).ok_or_else(|| "no arguments".into())
        }
        "sum" => Ok(Value::Number(list(a0()?)?.iter().map(n).sum::<Result<f64, _>>()?)),
        "alltrue" => Ok(Value::Bool(list(a0()?)?.iter().all(|v| v.as_bool() == Some(true)))),
        "anytrue" => Ok(Value::Bool(list(a0()?)?.iter().any(|v| v.as_bool() == Some(true)))),
        "range" => {
            let numbers: Vec<f64> = args.iter().map(n).collect::<Result<_, _>>()?;
            let (start, end, step) = match numbers.as_slice() {
                [end] => (0.0, *end, 1.0),
                [start, end] => (*start, *end, if end >= start { 1.0 } else { -1.0 }),
                [start, end, step] => (*start, *end, *step),
                _ => return Err("range takes one to three numbers".into()),
            };
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

/// Terraform's `format`: `%s`, `%d`, `%v`, `%q`, `%f` (with a precision), `%%`.
fn format(spec: &str, args: &[Val]) -> Result<String, String> {
    let mut out = String::new();
    let mut next = args.iter();
    let mut chars = spec.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut flags = String::new();
        while let Some(&d) = chars.peek().filter(|d| matches!(d, '-' | '0' | '+' | ' ')) {
            flags.push(d);
            chars.next();
        }
        let mut width = String::new();
        let mut precision: Option<String> = None;
        while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit() || **d == '.') {
            match (&mut precision, d) {
                (None, '.') => precision = Some(String::new()),
                (Some(p), _) => p.push(d),
                (None, _) => width.push(d),
            }
            chars.next();
        }
        let verb = chars.next().ok_or("a `%` at the end of the format")?;
        if verb == '%' {
            out.push('%');
            continue;
        }
        let v = next.next().ok_or("too few arguments for the format")?;
        let text = match verb {
            's' | 'v' => s(v)?,
            'q' => serde_json::Value::String(s(v)?).to_string(),
            'd' => number_to_string(n(v)?.trunc()),
            'f' => {
                let digits = precision.as_deref().and_then(|p| p.parse::<usize>().ok()).unwrap_or(6).min(30);
                format!("{:.*}", digits, n(v)?)
            }
            't' => v.as_bool().ok_or("a boolean is needed")?.to_string(),
            _ => return Err(format!("function `format` with `%{verb}` is not evaluated")),
        };
        let width = width.parse::<usize>().unwrap_or(0).min(1024);
        let pad = width.saturating_sub(text.chars().count());
        if flags.contains('-') {
            out.push_str(&text);
            out.extend(std::iter::repeat_n(' ', pad));
        } else if flags.contains('0') && matches!(verb, 'd' | 'f') {
            let (sign, digits) = text.strip_prefix('-').map_or(("", text.as_str()), |d| ("-", d));
            out.push_str(sign);
            out.extend(std::iter::repeat_n('0', pad));
            out.push_str(digits);
        } else {
            out.extend(std::iter::repeat_n(' ', pad));
            out.push_str(&text);
        }
        if out.len() > MAX_STRING {
            return Err(format!("{ERROR}a string longer than {MAX_STRING} bytes is not evaluated"));
        }
    }
    Ok(out)
}

/// A known value as Terraform encodes it: whole numbers without a fraction, keys in
/// lexical order.
fn json(v: &Val) -> serde_json::Value {
    match &v.value {
        #[allow(clippy::cast_possible_truncation)]
        Value::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => serde_json::Value::from(*n as i64),
        Value::List(items) => serde_json::Value::Array(items.iter().map(json).collect()),
        Value::Object(entries) => serde_json::Value::Object(
            super::expr::sorted(entries).into_iter().map(|(k, v)| (k.clone(), json(v))).collect(),
        ),
        _ => v.to_json(),
    }
}
