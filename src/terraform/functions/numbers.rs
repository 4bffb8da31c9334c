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

/// Fraction bits a number kept exact in arithmetic may have (`2.5`, `0.125`).
const BITS: i32 = 20;

/// A number as an integer count of 2^-20, when it is one below 2^53 whose decimal is short
/// enough to be what it was written as (at most 15 significant digits, or an integer below
/// 2^53): then Terraform holds the same number, and so does the scaled integer.
fn scaled(x: f64) -> Option<i128> {
    let scaled = x * f64::from(2i32.pow(20));
    if !scaled.is_finite() || scaled.fract() != 0.0 || x.abs() >= EXACT {
        return None;
    }
    (exact_int(x) || short_decimal(x)).then(|| {
        // An integer below 2^73: exact in an `i128`.
        #[allow(clippy::cast_possible_truncation)]
        let n = scaled as i128;
        n
    })
}

/// Whether a number with at most 20 fraction bits has an exact decimal of at most 15
/// significant digits (so its shortest decimal, which this reader writes, is that one).
fn short_decimal(x: f64) -> bool {
    let text = format!("{:.20}", x.abs());
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    digits.trim_start_matches('0').trim_end_matches('0').len() <= 15
}

/// The number a scaled integer stands for, when Terraform writes it as this reader does.
fn unscaled(n: i128, zero: f64) -> Option<Value> {
    if n == 0 {
        // The sign of a zero result is IEEE's in both (`0 * -1` is `-0`).
        return Some(Value::Number(zero));
    }
    #[allow(clippy::cast_precision_loss)]
    let x = n as f64 / f64::from(2i32.pow(20));
    (scaled(x) == Some(n)).then_some(Value::Number(x))
}

/// An arithmetic operator or comparison over known numbers. Terraform computes with 512-bit
/// floats: a result is known only where it is exact here too, over integers below 2^53 and
/// short binary fractions (`10 / 4` is `2.5`; `0.1 + 0.2` is `0.3` there, and unknown here).
/// Division by zero is not an error there (`1 / 0` is infinity, `5 % 0` is 5) and is unknown
/// here.
pub fn arithmetic(op: BinaryOperator, p: f64, q: f64) -> Result<Value, &'static str> {
    const INEXACT: &str = "arithmetic past integers up to 2^53 and short binary fractions is not evaluated";
    let compare = |holds: bool| {
        if p.abs() >= EXACT || q.abs() >= EXACT { Err(INEXACT) } else { Ok(Value::Bool(holds)) }
    };
    match op {
        BinaryOperator::Less => return compare(p < q),
        BinaryOperator::LessEq => return compare(p <= q),
        BinaryOperator::Greater => return compare(p > q),
        BinaryOperator::GreaterEq => return compare(p >= q),
        BinaryOperator::Div | BinaryOperator::Mod if q == 0.0 => {
            return Err("a division by zero is not evaluated");
        }
        _ => {}
    }
    let (Some(x), Some(y)) = (scaled(p), scaled(q)) else { return Err(INEXACT) };
    let one: i128 = 1 << BITS;
    let result = match op {
        BinaryOperator::Plus => unscaled(x + y, p + q),
        BinaryOperator::Minus => unscaled(x - y, p - q),
        BinaryOperator::Mul => {
            x.checked_mul(y).filter(|n| n % one == 0).and_then(|n| unscaled(n / one, p * q))
        }
        BinaryOperator::Div => x.checked_mul(one).filter(|n| n % y == 0).and_then(|n| unscaled(n / y, p / q)),
        // Terraform's remainder has the sign of the dividend (`-7 % 3` is `-1`); a zero one
        // is `0` (`-1 % 1`), unless the dividend is itself `-0` (`-0 % 5` is `-0`).
        BinaryOperator::Mod if p == 0.0 => Some(Value::Number(p)),
        BinaryOperator::Mod => unscaled(x % y, 0.0),
        _ => return Err("an unsupported operator is not evaluated"),
    };
    result.ok_or(INEXACT)
}
