//! The budget of a user's CEL expression, checked when the rule loads. The `cel` crate
//! has no step counter, deadline or memory limit, and evaluation cannot be interrupted,
//! so what makes an expression's cost explode is refused before it runs:
//!
//! - the lists it builds with `lists.range` over all the loops they sit in: at most
//!   [`MAX_ITERATIONS`] elements (`lists.range(100000).map(a, lists.range(100000)...)`
//!   ran for minutes and took 2 GB); a size that is not a literal counts as
//!   [`UNKNOWN_RANGE`];
//! - how much `replace` can multiply a string's length, over every call in the
//!   expression: at most [`MAX_GROWTH`] times (nine chained
//!   `.replace("x", "xxxxxxxxxx")` reached gigabytes and aborted); a replacement that
//!   is not a literal counts as [`UNKNOWN_GROWTH`].
//!
//! Lists and strings read from specs are bounded by the specs' size limits.

use cel::common::ast::{EntryExpr, Expr, LiteralValue};
use cel::parser::Expression;

pub const MAX_ITERATIONS: u64 = 100_000;
pub const UNKNOWN_RANGE: u64 = 10_000;
pub const MAX_GROWTH: u64 = 100;
pub const UNKNOWN_GROWTH: u64 = 10;

/// Why the expression is over its budget, or `None` when it is within it.
pub fn over_budget(expr: &Expression) -> Option<String> {
    let mut growth = 1;
    walk(expr, 1, &mut growth).err()
}

/// The size `lists.range(...)` builds, if `expr` is such a call.
fn range_size(expr: &Expression) -> Option<u64> {
    let Expr::Call(call) = &expr.expr else { return None };
    let qualified = call.func_name == "lists.range" && call.target.is_none();
    let member = call.func_name == "range"
        && call.target.as_deref().is_some_and(|t| matches!(&t.expr, Expr::Ident(name) if name == "lists"));
    if !qualified && !member {
        return None;
    }
    Some(match call.args.first().map(|a| &a.expr) {
        Some(Expr::Literal(LiteralValue::Int(n))) => u64::try_from(*n.inner()).unwrap_or(0),
        Some(Expr::Literal(LiteralValue::UInt(n))) => *n.inner(),
        _ => UNKNOWN_RANGE,
    })
}

/// How many times a `replace` call can multiply its target's length.
fn replace_growth(expr: &Expression) -> Option<u64> {
    let Expr::Call(call) = &expr.expr else { return None };
    if call.func_name != "replace" || call.target.is_none() {
        return None;
    }
    let literal = |index: usize| match call.args.get(index).map(|a| &a.expr) {
        Some(Expr::Literal(LiteralValue::String(s))) => Some(s.inner().chars().count() as u64),
        _ => None,
    };
    Some(match (literal(0), literal(1)) {
        (Some(from), Some(to)) => to.div_ceil(from.max(1)).max(1),
        _ => UNKNOWN_GROWTH,
    })
}

/// Walks `expr`, which runs `runs` times (the product of the loops around it).
fn walk(expr: &Expression, runs: u64, growth: &mut u64) -> Result<(), String> {
    if let Some(size) = range_size(expr) {
        if runs.saturating_mul(size) > MAX_ITERATIONS {
            return Err(format!(
                "CEL expression over its budget: `lists.range` builds {} elements here (a size that is \
                 not a number counts as {UNKNOWN_RANGE}, and a loop multiplies it); the budget is \
                 {MAX_ITERATIONS}",
                runs.saturating_mul(size)
            ));
        }
    }
    if let Some(factor) = replace_growth(expr) {
        *growth = growth.saturating_mul(factor);
        if *growth > MAX_GROWTH {
            return Err(format!(
                "CEL expression over its budget: its `replace` calls can make a string more than \
                 {MAX_GROWTH} times longer (a replacement that is not a literal counts as \
                 {UNKNOWN_GROWTH} times)"
            ));
        }
    }
    match &expr.expr {
        Expr::Call(call) => {
            for e in call.target.iter().map(|t| &**t).chain(&call.args) {
                walk(e, runs, growth)?;
            }
        }
        Expr::Select(select) => walk(&select.operand, runs, growth)?,
        Expr::List(list) => {
            for e in &list.elements {
                walk(e, runs, growth)?;
            }
        }
        Expr::Map(map) => {
            for entry in &map.entries {
                entry_walk(&entry.expr, runs, growth)?;
            }
        }
        Expr::Struct(object) => {
            for entry in &object.entries {
                entry_walk(&entry.expr, runs, growth)?;
            }
        }
        Expr::Comprehension(comprehension) => {
            walk(&comprehension.iter_range, runs, growth)?;
            walk(&comprehension.accu_init, runs, growth)?;
            // A loop over a spec's list runs as many times as the spec has entries,
            // which its size limit bounds; a loop over a range multiplies by its size.
            let inner = runs.saturating_mul(range_size(&comprehension.iter_range).unwrap_or(1));
            walk(&comprehension.loop_cond, inner, growth)?;
            walk(&comprehension.loop_step, inner, growth)?;
            walk(&comprehension.result, runs, growth)?;
        }
        Expr::Ident(_) | Expr::Literal(_) | Expr::Unspecified => {}
    }
    Ok(())
}

fn entry_walk(entry: &EntryExpr, runs: u64, growth: &mut u64) -> Result<(), String> {
    match entry {
        EntryExpr::MapEntry(entry) => {
            walk(&entry.key, runs, growth)?;
            walk(&entry.value, runs, growth)
        }
        EntryExpr::StructField(field) => walk(&field.value, runs, growth),
    }
}
