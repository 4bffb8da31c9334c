//! How a plain (unquoted) YAML scalar resolves under the YAML 1.2 core schema. Shared by
//! the loader and by `build.rs`, which converts the built-in catalog to JSON at build time
//! (so this file uses nothing from the crate).

/// What a plain scalar means; `Str` is the text itself.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Plain {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str,
}

/// Resolves a plain scalar: null, booleans, decimal/hex/octal integers, floats, `.inf`
/// and `.nan`; anything else is a string.
pub fn resolve(text: &str) -> Plain {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Plain::Null,
        "true" | "True" | "TRUE" => return Plain::Bool(true),
        "false" | "False" | "FALSE" => return Plain::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Plain::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Plain::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Plain::Float(f64::NAN),
        _ => {}
    }
    if let Some(hex) = text.strip_prefix("0x") {
        if let Ok(i) = i64::from_str_radix(hex, 16) {
            return Plain::Int(i);
        }
    } else if let Some(oct) = text.strip_prefix("0o") {
        if let Ok(i) = i64::from_str_radix(oct, 8) {
            return Plain::Int(i);
        }
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return text
            .parse::<i64>()
            .map_or_else(|_| text.parse::<f64>().map_or(Plain::Str, Plain::Float), Plain::Int);
    }
    if is_core_float(digits) {
        if let Ok(f) = text.parse::<f64>() {
            return Plain::Float(f);
        }
    }
    Plain::Str
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, the core schema's float form without its sign.
fn is_core_float(text: &str) -> bool {
    // Most plain scalars are words (`cn-hangzhou`, `x86_64`): the first byte rules them out.
    if !text.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return false;
    }
    let (mantissa, exponent) = text.split_once(['e', 'E']).map_or((text, None), |(m, e)| (m, Some(e)));
    let (int, frac) = mantissa.split_once('.').map_or((mantissa, None), |(i, f)| (i, Some(f)));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match frac {
        Some(frac) => all_digits(int) && all_digits(frac) && !(int.is_empty() && frac.is_empty()),
        None => !int.is_empty() && all_digits(int),
    } && (frac.is_some() || exponent.is_some());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && all_digits(e)
    });
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_schema_floats_and_the_words_that_look_like_them() {
        for (text, expected) in [
            ("1e3", Some(1000.0)),
            (".5", Some(0.5)),
            ("-.5", Some(-0.5)),
            ("+1.5E-2", Some(0.015)),
            ("22.04", Some(22.04)),
            ("7.", Some(7.0)),
            ("e3", None),
            ("x1e3", None),
            ("1.2.3", None),
            ("1e", None),
            (".", None),
            ("-", None),
            ("cn-hangzhou", None),
        ] {
            let resolved = match resolve(text) {
                Plain::Float(f) => Some(f),
                Plain::Str => None,
                other => panic!("{text}: {other:?}"),
            };
            assert_eq!(resolved, expected, "{text}");
        }
    }
}
