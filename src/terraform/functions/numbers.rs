//! Terraform's numbers, as far as a 64-bit float holds them: Terraform computes with
//! 512-bit floats, so an integer from 2^53 on, or arithmetic on fractions, may differ here
//! and is unknown (an `Err` starting with `LATER`, or an unknown value), never a different
//! number.

use super::LATER;
use crate::terraform::value::{Val, Value};
use hcl_edit::expr::BinaryOperator;

/// 2^53: every integer below it is exact in an `f64`; from it on, a number may have been
/// rounded (`"9007199254740993"` converts to 2^53).
pub const EXACT: f64 = 9_007_199_254_740_992.0;

/// Whether `x` is an integer an `f64` holds exactly as Terraform holds it.
pub fn exact_int(x: f64) -> bool {
    x.is_finite() && x.fract() == 0.0 && x.abs() < EXACT
}

/// A number as Terraform converts it to a string, when that text is certain: integers up
/// to 2^53, and fractions as the shortest decimal that reads back as the same `f64` (a
/// literal's digits; arithmetic on fractions is already unknown).
pub fn number_text(x: f64) -> Result<String, String> {
    if !x.is_finite() || (x.fract() == 0.0 && x.abs() >= EXACT) {
        return Err(format!("{LATER}the number {x} may not be exact here (Terraform uses 512-bit floats)"));
    }
    // Rust writes an `f64` without an exponent, as Go's `Text('f', -1)` does, `-0` included.
    if x.fract() == 0.0 { Ok(format!("{x:.0}")) } else { Ok(x.to_string()) }
}

/// Whether a string is a number past the range of an `f64` (`"1e400"`, `"1e-400"`):
/// Terraform's numbers hold it, so it is not an error there.
pub fn overflows(v: &Val) -> bool {
    match &v.value {
        Value::String(s) => s.parse::<f64>().is_ok_and(|x| {
            let mantissa = s.split(['e', 'E']).next().unwrap_or_default();
            !x.is_finite()
                && !s.to_ascii_lowercase().contains("inf")
                && !s.to_ascii_lowercase().contains("nan")
                || (x == 0.0 && mantissa.bytes().any(|b| (b'1'..=b'9').contains(&b)))
        }),
        _ => false,
    }
}

/// An arithmetic operator or comparison over known numbers. Terraform computes with 512-bit
/// floats: a result is known only where an `f64` gives the same, over integers up to 2^53
/// (`0.1 + 0.2` is `0.3` there, `100 * 1.1` is `110`). Division by zero is not an error
/// there (`1 / 0` is infinity, `5 % 0` is 5) and is unknown here.
pub fn arithmetic(op: BinaryOperator, p: f64, q: f64) -> Result<Value, &'static str> {
    const INEXACT: &str = "arithmetic past integers up to 2^53 is not evaluated";
    let compare = |holds: bool| {
        if p.abs() >= EXACT || q.abs() >= EXACT { Err(INEXACT) } else { Ok(Value::Bool(holds)) }
    };
    let exact = |r: f64| {
        if exact_int(p) && exact_int(q) && exact_int(r) { Ok(Value::Number(r)) } else { Err(INEXACT) }
    };
    match op {
        BinaryOperator::Less => compare(p < q),
        BinaryOperator::LessEq => compare(p <= q),
        BinaryOperator::Greater => compare(p > q),
        BinaryOperator::GreaterEq => compare(p >= q),
        BinaryOperator::Div | BinaryOperator::Mod if q == 0.0 => Err("a division by zero is not evaluated"),
        BinaryOperator::Plus => exact(p + q),
        BinaryOperator::Minus => exact(p - q),
        BinaryOperator::Mul => exact(p * q),
        BinaryOperator::Div if p % q == 0.0 => exact(p / q),
        BinaryOperator::Div => Err(INEXACT),
        // Terraform's remainder of integers is an integer: never `-0` (`-1 % 1` is `0`).
        BinaryOperator::Mod => exact(p % q + 0.0),
        _ => Err("an unsupported operator is not evaluated"),
    }
}
