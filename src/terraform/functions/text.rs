//! Numbers and values as Terraform writes them into text: `format`, `jsonencode` and the
//! conversion of a number to a string. Terraform computes with 512-bit floats and formats
//! with Go's rules; where this reader's `f64` could give other text, the result is
//! unknown (an `Err` starting with `LATER`), never a different string.

// Numbers written here are bounded by `EXACT` before they are converted.
#![allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]

use super::super::expr::{MAX_STRING, sorted};
use super::numbers::number_text;
use super::{LATER, Out, check_str, n};
use crate::terraform::value::{Val, Value};

/// Whether a string is the digits of an integer literal past 2^53, which the parser keeps
/// as a string (`ast::integer_kind`): Terraform holds a number there, which `jsonencode`
/// and `%v` write otherwise.
pub fn big_digits(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    digits.len() >= 16 && digits.bytes().all(|b| b.is_ascii_digit())
}

/// A value as a boolean, as Terraform converts it: strings `"true"`, `"false"`, `"1"`, `"0"`.
pub fn bool_of(v: &Val) -> Option<bool> {
    match &v.value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s == "true" || s == "1" => Some(true),
        Value::String(s) if s == "false" || s == "0" => Some(false),
        _ => None,
    }
}

/// A primitive value as a string (numbers and booleans convert as in Terraform).
pub fn string_of(v: &Val) -> Result<String, String> {
    match &v.value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(x) => number_text(*x),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err("a string is needed".into()),
    }
}

/// Whether text is measured the same in characters as in Terraform's grapheme clusters:
/// ASCII without `\r` (`\r\n` is one cluster).
pub fn plain(text: &str) -> bool {
    text.is_ascii() && !text.contains('\r')
}

/// A string as Go's JSON encoder writes it: `<`, `>`, `&`, U+2028 and U+2029 escaped.
pub fn json_string(text: &str) -> String {
    serde_json::Value::String(text.to_string())
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// `jsonencode`: keys in lexical order, numbers without an exponent.
pub fn json(v: &Val, out: &mut String) -> Result<(), String> {
    if out.len() > MAX_STRING {
        return Err(format!("{LATER}a string longer than {MAX_STRING} bytes is not evaluated"));
    }
    match &v.value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(x) => out.push_str(&number_text(*x)?),
        Value::String(s) if big_digits(s) => {
            return Err(format!(
                "{LATER}`{s}` may be a number past 2^53, which `jsonencode` writes unquoted"
            ));
        }
        Value::String(s) => out.push_str(&json_string(s)),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json(item, out)?;
            }
            out.push(']');
        }
        Value::Object(entries) => {
            out.push('{');
            for (i, (k, item)) in sorted(entries).into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&json_string(k));
                out.push(':');
                json(item, out)?;
            }
            out.push('}');
        }
        Value::Unknown(_) | Value::Ref(_) => return Err(v.unknown_why().unwrap_or_default()),
    }
    Ok(())
}

/// Why a `format` verb is not evaluated.
fn not_modelled(what: &str) -> String {
    format!("{LATER}function `format` with {what} is not evaluated")
}

/// Terraform's `format`, for what is modelled exactly: `%s`, `%d`, `%f` with a precision,
/// `%t`, `%q`, `%v` of strings, booleans and small integers, `%%`, and a width (with `-`)
/// on ASCII text. Anything else is unknown; a wrong number of arguments is an error.
pub fn format(spec: &str, args: &[Val]) -> Out {
    let mut out = String::new();
    let mut next = args.iter();
    let mut chars = spec.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut flags = String::new();
        while let Some(&d) = chars.peek().filter(|d| matches!(d, '-' | '0' | '+' | ' ' | '#')) {
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
            if !flags.is_empty() || !width.is_empty() || precision.is_some() {
                return Err("`%` with a width or flags".into());
            }
            out.push('%');
            continue;
        }
        if matches!(verb, '[' | '*') {
            return Err(not_modelled("an argument index or `*`"));
        }
        let v = next.next().ok_or("too few arguments for the format")?;
        let numeric = matches!(verb, 'd' | 'f') || (verb == 'v' && matches!(v.value, Value::Number(_)));
        let textual = matches!(verb, 's') || (verb == 'v' && matches!(v.value, Value::String(_)));
        // `+` and ` ` sign numbers; `0` pads numbers after the sign and strings on the left
        // (unless `-`); `#` and flags on other verbs are not modelled.
        if flags.contains('#')
            || (flags.contains(['+', ' ']) && !numeric)
            || (flags.contains('0') && !numeric && !textual)
        {
            return Err(not_modelled(&format!("the flag `{flags}`")));
        }
        if matches!(v.value, Value::Null) {
            return Err(format!("{LATER}function `format` of null is not evaluated"));
        }
        let text = verb_text(verb, v, precision.as_deref(), &width)?;
        let text = match text.strip_prefix('-') {
            None if numeric && flags.contains('+') => format!("+{text}"),
            None if numeric && flags.contains(' ') => format!(" {text}"),
            _ => text,
        };
        // No width is 0; one too large to read is past the bound too (Terraform fails on it).
        let width = if width.is_empty() { Ok(0) } else { width.parse::<usize>() };
        let width = width.unwrap_or(usize::MAX);
        if width > 1024 {
            return Err(not_modelled("a width past 1024"));
        }
        let pad = width.saturating_sub(text.len());
        if width > 0 && !plain(&text) {
            return Err(not_modelled("a width on text that is not plain ASCII"));
        }
        if flags.contains('-') {
            out.push_str(&text);
            out.extend(std::iter::repeat_n(' ', pad));
        } else if flags.contains('0') {
            let sign = usize::from(numeric && text.starts_with(['+', '-', ' ']));
            out.push_str(text.get(..sign).unwrap_or_default());
            out.extend(std::iter::repeat_n('0', pad));
            out.push_str(text.get(sign..).unwrap_or_default());
        } else {
            out.extend(std::iter::repeat_n(' ', pad));
            out.push_str(&text);
        }
        if out.len() > MAX_STRING {
            return Err(format!("{LATER}a string longer than {MAX_STRING} bytes is not evaluated"));
        }
    }
    if next.next().is_some() {
        return Err("too many arguments for the format".into());
    }
    check_str(out)
}

/// The text of one verb of `format` (`precision` and `width` as written), before padding.
fn verb_text(verb: char, v: &Val, precision: Option<&str>, width: &str) -> Result<String, String> {
    Ok(match verb {
        's' | 'q' | 'v' | 't' if precision.is_some() => {
            return Err(not_modelled("a precision on a string"));
        }
        's' => string_of(v)?,
        'q' => json_string(&string_of(v)?),
        'f' | 'v' if matches!(v.value, Value::Number(x) if x == 0.0 && x.is_sign_negative()) => {
            return Err(not_modelled("`-0`"));
        }
        'v' => match &v.value {
            Value::String(s) if !big_digits(s) => s.clone(),
            Value::Bool(b) => b.to_string(),
            // Go's `%v` is the shortest `%g`: `1e+06` from a million, `1e-05` from 0.00001.
            Value::Number(x) if *x == 0.0 || (x.abs() < 1.0e6 && (x.fract() == 0.0 || x.abs() >= 1.0e-4)) => {
                number_text(*x)?
            }
            _ => return Err(not_modelled("`%v` of this value")),
        },
        't' if !width.is_empty() => return Err(not_modelled("a width on `%t`")),
        't' => bool_of(v).ok_or("a boolean is needed")?.to_string(),
        'd' => {
            let x = n(v)?;
            if precision.is_some() {
                return Err(not_modelled("a precision on `%d`"));
            }
            if x.fract() != 0.0 || !x.is_finite() {
                return Err("`%d` of a number that is not an integer".into());
            }
            // An integer has no sign of zero: `%d` of `-0` is `0`.
            number_text(x + 0.0)?
        }
        'f' => fixed(n(v)?, precision)?,
        _ => return Err(not_modelled(&format!("`%{verb}`"))),
    })
}

/// `%f`: the number's shortest decimal (a literal's digits) rounded to the precision. Go
/// rounds Terraform's 512-bit value, which lies on the same side of every rounding point
/// as the decimal, except at a tie the `f64` does not hold exactly: that is unknown.
fn fixed(x: f64, precision: Option<&str>) -> Result<String, String> {
    let digits = match precision {
        None => 6,
        Some("") => 0,
        Some(p) => p.parse::<usize>().map_err(|_| not_modelled("this precision"))?,
    };
    if digits > 64 {
        return Err(not_modelled("a precision past 64"));
    }
    let text = number_text(x)?;
    let (sign, text) = text.strip_prefix('-').map_or(("", text.as_str()), |t| ("-", t));
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let mut kept: Vec<u8> = whole.bytes().chain(fraction.bytes().take(digits)).collect();
    let rest = fraction.get(digits..).unwrap_or_default();
    // The decimal is rounded to nearest; at a tie (`2.675` to two places) the 512-bit
    // value Terraform rounds lies on either side, unlike this `f64`'s.
    // A tie this `f64` holds exactly (`2.5`, `0.125`) is Terraform's too, and rounds to even.
    let tie = rest == "5";
    if tie && !dyadic(whole, fraction) {
        return Err(not_modelled("`%f` at a rounding tie"));
    }
    let odd = kept.last().is_some_and(|d| d % 2 == 1);
    if (tie && odd) || (!tie && rest.starts_with(['5', '6', '7', '8', '9'])) {
        // Adds one in the last kept place, carrying into a new leading digit if need be.
        let mut carry = true;
        for digit in kept.iter_mut().rev() {
            if *digit == b'9' {
                *digit = b'0';
            } else {
                *digit += 1;
                carry = false;
                break;
            }
        }
        if carry {
            kept.insert(0, b'1');
        }
    }
    let taken = fraction.len().min(digits);
    let kept: String = kept.into_iter().map(char::from).collect();
    let (whole, fraction) = kept.split_at(kept.len() - taken);
    if digits == 0 {
        return Ok(format!("{sign}{whole}"));
    }
    Ok(format!("{sign}{whole}.{fraction}{}", "0".repeat(digits - taken)))
}

/// Whether the decimal `whole.fraction` is exactly a binary fraction: its digits, as an
/// integer, divisible by 5 to the number of fraction digits.
fn dyadic(whole: &str, fraction: &str) -> bool {
    let Ok(digits) = format!("{whole}{fraction}").parse::<u128>() else { return false };
    let Some(five) = u32::try_from(fraction.len()).ok().and_then(|n| 5u128.checked_pow(n)) else {
        return false;
    };
    digits % five == 0
}
