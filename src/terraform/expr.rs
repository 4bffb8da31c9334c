//! Expressions into values: literals, templates and directives, operators, conditionals,
//! traversals and splats, `for` expressions and function calls. Names (`var.`, `local.`,
//! resources, `count.index`...) are resolved by the caller through [`Names`].
//!
//! Unknown is never wrong: any unknown operand makes the result unknown with the operand's
//! reason. A definite error in known values (a missing key, a bad index) is unknown too, with a
//! reason starting with [`ERROR`], which `try` and `can` tell apart from values known only
//! after apply.

use super::ast::{Expr, ForExpr, Kind, Op, Part, single_interpolation};
use super::functions;
pub use super::functions::numbers::overflows;
use super::functions::numbers::{EXACT, arithmetic, exact_int, number_text};
use crate::diag::Location;
use crate::source::SourceFile;
use crate::terraform::value::{Val, Value};
use hcl_edit::expr::{BinaryOperator, UnaryOperator};
use std::sync::Arc;

#[path = "expr/values.rs"]
mod values;
use values::{NOT_NFC, interpolated, whole_quotient};
pub use values::{
    apply, equal, insert, iterate, key_string, nfc_stable, sorted, to_number, unknown_inside, weight,
};

/// Most items in one list or object value.
pub const MAX_ITEMS: usize = 10_000;
/// Longest string value, in bytes.
pub const MAX_STRING: usize = 1024 * 1024;
/// The reason prefix of an evaluation error (as opposed to a value known only after apply).
pub const ERROR: &str = "error: ";

/// An error as an unknown value.
pub fn error(why: impl std::fmt::Display, at: Location) -> Val {
    Val::unknown(format!("{ERROR}{why}"), at)
}

/// Whether a value is an evaluation error.
pub fn is_error(v: &Val) -> bool {
    matches!(&v.value, Value::Unknown(why) if why.starts_with(ERROR))
}

/// A traversal step with its index evaluated.
#[derive(Clone, Debug)]
pub enum Step {
    Attr(String),
    Index(Val),
    Splat,
}

/// Why a value is unknown when evaluation stopped at a bound.
pub const BUDGET_SPENT: &str = "the expression is nested too deeply or the run's evaluation budget is spent";

/// Resolves the names an expression refers to.
pub trait Names {
    /// The value of `root` followed by some of `steps` (returned: how many it used), used at `at`.
    fn resolve(&mut self, root: &str, steps: &[Step], at: &Location) -> (Val, usize);
    /// Enters one level of evaluation: false once the run's budget of steps is spent or
    /// evaluation (across references) is nested too deeply. Each `true` is followed by a
    /// [`Names::leave`].
    fn enter(&mut self) -> bool;
    fn leave(&mut self);
    /// Charges the size of a value made or copied; false once the run's budget of value
    /// sizes is spent (a value of values of values can multiply otherwise).
    fn charge(&mut self, units: usize) -> bool;
    /// What is left of that budget.
    fn room(&self) -> usize;
    /// Told when a value is refused because that budget is spent.
    fn refused(&mut self) {}
    /// Whether the run's budget of steps or of value sizes is spent: a loop stops then,
    /// rather than go on making unknown values (a `for` over `range(10000)` three deep
    /// took 8 s after the budget was spent).
    fn exhausted(&self) -> bool {
        false
    }
    /// How many values were refused so far: a loop whose items started being refused
    /// stops too (each next item would be made, then refused alike), while a loop begun
    /// after a refusal elsewhere runs as usual.
    fn refusals(&self) -> u64 {
        0
    }
    /// Names bound by the caller (a `dynamic` block's iterator), looked up before `resolve`.
    fn bound(&self, _name: &str) -> Option<Val> {
        None
    }
}

/// Evaluates expressions of one file.
pub struct Eval<'a> {
    pub file: Arc<SourceFile>,
    pub names: &'a mut dyn Names,
    /// Variables of the enclosing `for` expressions and directives, innermost last.
    scope: Vec<(String, Val)>,
}

impl<'a> Eval<'a> {
    pub fn new(file: Arc<SourceFile>, names: &'a mut dyn Names) -> Self {
        Self { file, names, scope: Vec::new() }
    }

    fn loc(&self, expr: &Expr) -> Location {
        Location::new(self.file.clone(), expr.span)
    }

    pub fn eval(&mut self, expr: &Expr) -> Val {
        let at = self.loc(expr);
        if !self.names.enter() {
            return Val::unknown(BUDGET_SPENT, at);
        }
        let v = self.eval_inner(expr, at);
        self.names.leave();
        let room = self.names.room();
        let units = weight(&v, room);
        if units > room || !self.names.charge(units) {
            self.names.refused();
            return Val::unknown("the values of the run are too large to evaluate", v.at);
        }
        v
    }

    /// An expression written in another file (merged from an override file), evaluated there.
    fn eval_in(&mut self, file: &Arc<SourceFile>, expr: &Expr) -> Val {
        let outer = std::mem::replace(&mut self.file, file.clone());
        let v = self.eval(expr);
        self.file = outer;
        v
    }

    fn eval_inner(&mut self, expr: &Expr, at: Location) -> Val {
        match &expr.kind {
            Kind::Null => Val::new(Value::Null, at),
            Kind::Bool(b) => Val::new(Value::Bool(*b), at),
            Kind::Number(n) => Val::new(self.number(*n, &at), at),
            Kind::Str(s) if !nfc_stable(s) => Val::unknown(NOT_NFC, at),
            Kind::Str(s) => Val::new(Value::String(s.clone()), at),
            Kind::Bad(why) => Val::unknown(why.clone(), at),
            Kind::In(file, inner) => self.eval_in(file, inner),
            Kind::Template(parts) => {
                if let Some(single) = single_interpolation(parts) {
                    let v = self.eval(single);
                    return self.here(v, at);
                }
                self.template(parts, at)
            }
            Kind::Array(items) => {
                if items.len() > MAX_ITEMS {
                    return Val::unknown(
                        format!("a list of more than {MAX_ITEMS} items is not evaluated"),
                        at,
                    );
                }
                let items = items.iter().map(|e| self.eval(e)).collect();
                Val::new(Value::List(items), at)
            }
            Kind::Object(entries) => {
                if entries.len() > MAX_ITEMS {
                    return Val::unknown(
                        format!("an object of more than {MAX_ITEMS} keys is not evaluated"),
                        at,
                    );
                }
                let mut out: Vec<(String, Val)> = Vec::new();
                for (k, v) in entries {
                    let key = self.eval(k);
                    let Some(key) = key_string(&key) else {
                        return Val::unknown(
                            key.unknown_why().unwrap_or_else(|| "an object key is not a string".into()),
                            at,
                        );
                    };
                    let value = self.eval(v);
                    insert(&mut out, key, value);
                }
                Val::new(Value::Object(out), at)
            }
            Kind::Var(name) => self.reference(name, &[], &at),
            Kind::Traverse(base, ops) => {
                let mut steps = Vec::with_capacity(ops.len());
                for op in ops {
                    steps.push(match op {
                        Op::Attr(name) => Step::Attr(name.clone()),
                        Op::Index(e) => Step::Index(self.eval(e)),
                        Op::Splat => Step::Splat,
                    });
                }
                if let Kind::Var(name) = &base.kind {
                    return self.reference(name, &steps, &at);
                }
                let v = self.eval(base);
                apply(v, &steps, &at)
            }
            Kind::Call(name, args, expand) => self.call(name, args, *expand, at),
            Kind::Cond(cond, yes, no) => self.conditional(cond, yes, no, at),
            Kind::Unary(op, e) => {
                let v = self.eval(e);
                if let Some(why) = v.unknown_why() {
                    return Val { value: Value::Unknown(why), at, via: v.via };
                }
                match (op, &v.value) {
                    (UnaryOperator::Not, _) => match functions::text::bool_of(&v) {
                        Some(b) => Val { value: Value::Bool(!b), at, via: v.via },
                        None => error("`!` needs a boolean", at),
                    },
                    (UnaryOperator::Neg, _) => match to_number(&v) {
                        // Negation is exact, but a number past 2^53 may have been rounded.
                        Some(n) if n.abs() >= EXACT => Val {
                            value: Value::Unknown("a number past 2^53 is not evaluated".into()),
                            at,
                            via: v.via,
                        },
                        Some(n) => Val { value: Value::Number(-n), at, via: v.via },
                        None => error("`-` needs a number", at),
                    },
                }
            }
            Kind::Binary(op, a, b) => self.binary(*op, a, b, at),
            Kind::For(f) => self.for_expr(f, at),
        }
    }

    /// A number literal, checked against its text where that is at hand: Terraform holds
    /// the literal exactly, a 64-bit float the nearest it can. A literal of more than 15
    /// significant digits (or one so small it reads as 0) may not be that float, and is
    /// unknown; `-0` keeps its sign, as Terraform's does.
    fn number(&self, n: f64, at: &Location) -> Value {
        let written = self.file.text.get(at.span.start()..at.span.end()).map(str::trim);
        let Some(written) = written
            .filter(|w| w.parse::<f64>().is_ok_and(|x| x.to_bits() == n.to_bits() || x == 0.0 && n == 0.0))
        else {
            return Value::Number(n);
        };
        let body = written.trim_start_matches(['-', '+']);
        let mantissa = body.split(['e', 'E']).next().unwrap_or_default();
        let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
        let significant = digits.trim_start_matches('0').trim_end_matches('0');
        // An integer literal is exact when the float has its very digits (the parser keeps
        // one past 2^53 that it does not have as a string).
        let integer = !body.contains(['.', 'e', 'E']) && format!("{n:.0}") == digits.trim_start_matches('0');
        if n == 0.0 && !significant.is_empty() || !integer && significant.len() > 15 {
            return Value::Unknown(format!(
                "the number `{written}` has more digits than a 64-bit float holds"
            ));
        }
        if n == 0.0 && written.starts_with('-') { Value::Number(-0.0) } else { Value::Number(n) }
    }

    /// A value placed at `at`, unless it came from a calling module (its `at` is in another
    /// file): then it keeps pointing at the outermost argument.
    fn here(&self, v: Val, at: Location) -> Val {
        if Arc::ptr_eq(&v.at.file, &self.file) { Val { at, ..v } } else { v }
    }

    fn reference(&mut self, name: &str, steps: &[Step], at: &Location) -> Val {
        let bound = self.scope.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.clone());
        if let Some(v) = bound.or_else(|| self.names.bound(name)) {
            let v = Val { at: at.clone(), ..v };
            return apply(v, steps, at);
        }
        let (v, used) = self.names.resolve(name, steps, at);
        apply(v, steps.get(used..).unwrap_or_default(), at)
    }

    fn call(&mut self, name: &str, args: &[Expr], expand: bool, at: Location) -> Val {
        match name {
            "try" => {
                for arg in args {
                    let v = self.eval(arg);
                    if !is_error(&v) {
                        return self.here(v, at);
                    }
                }
                error("no argument of `try` could be evaluated", at)
            }
            // Marking a value sensitive, or taking the mark off, leaves the value as it is.
            "sensitive" | "nonsensitive" if args.len() == 1 => {
                let v = self.eval(&args[0]);
                self.here(v, at)
            }
            "can" => {
                let Some(arg) = args.first() else { return error("`can` needs an argument", at) };
                let v = self.eval(arg);
                if is_error(&v) {
                    Val::new(Value::Bool(false), at)
                } else if let Some(why) = unknown_inside(&v) {
                    Val::unknown(why, at)
                } else {
                    Val::new(Value::Bool(true), at)
                }
            }
            // `ceil(a / b)` and `floor(a / b)` of integers are exact integers in Terraform,
            // though the quotient between may not be a number this reader holds (`10 / 3`).
            "ceil" | "floor" if args.len() == 1 && !expand => {
                if let Kind::Binary(BinaryOperator::Div, a, b) = &args[0].kind {
                    let (x, y) = (self.eval(a), self.eval(b));
                    if let Some(n) = whole_quotient(&x, &y, name == "ceil") {
                        let mut via = x.via;
                        via.extend(y.via);
                        return Val { value: Value::Number(n), at, via };
                    }
                }
                let v = self.eval(&args[0]);
                functions::call(name, &[v], at)
            }
            _ => {
                let mut values: Vec<Val> = args.iter().map(|a| self.eval(a)).collect();
                if expand {
                    match values.pop() {
                        Some(Val { value: Value::List(items), .. }) => values.extend(items),
                        Some(last) => {
                            return Val::unknown(
                                last.unknown_why()
                                    .unwrap_or_else(|| "an expanded argument is not a list".into()),
                                at,
                            );
                        }
                        None => {}
                    }
                }
                functions::call(name, &values, at)
            }
        }
    }

    fn template(&mut self, parts: &[Part], at: Location) -> Val {
        let mut out = String::new();
        let mut via = Vec::new();
        if let Err(v) = self.render(parts, &mut out, &mut via, &at) {
            return v;
        }
        Val { value: Value::String(out), at, via }
    }

    fn render(
        &mut self,
        parts: &[Part],
        out: &mut String,
        via: &mut Vec<crate::diag::Label>,
        at: &Location,
    ) -> Result<(), Val> {
        for part in parts {
            if out.len() > MAX_STRING {
                return Err(Val::unknown(
                    format!("a string longer than {MAX_STRING} bytes is not evaluated"),
                    at.clone(),
                ));
            }
            match part {
                Part::Lit(s) if !nfc_stable(s) => return Err(Val::unknown(NOT_NFC, at.clone())),
                Part::Lit(s) => out.push_str(s),
                Part::Interp(e) => {
                    let v = self.eval(e);
                    out.push_str(&interpolated(&v, at)?);
                    via.extend(v.via);
                }
                Part::If(cond, yes, no) => {
                    let c = self.eval(cond);
                    match functions::text::bool_of(&c) {
                        Some(b) => self.render(if b { yes } else { no }, out, via, at)?,
                        None => {
                            return Err(Val::unknown(
                                c.unknown_why()
                                    .unwrap_or_else(|| format!("{ERROR}the condition is not a boolean")),
                                at.clone(),
                            ));
                        }
                    }
                }
                Part::For { key, value, collection, body } => {
                    let coll = self.eval(collection);
                    let pairs = iterate(&coll, at)?;
                    for (k, v) in pairs {
                        let mark = self.scope.len();
                        if let Some(key) = key {
                            self.scope.push((key.clone(), k));
                        }
                        self.scope.push((value.clone(), v));
                        let result = self.render(body, out, via, at);
                        self.scope.truncate(mark);
                        result?;
                        if out.len() > MAX_STRING {
                            return Err(Val::unknown(
                                format!("a string longer than {MAX_STRING} bytes is not evaluated"),
                                at.clone(),
                            ));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn conditional(&mut self, cond: &Expr, yes: &Expr, no: &Expr, at: Location) -> Val {
        let c = self.eval(cond);
        match functions::text::bool_of(&c) {
            Some(b) => {
                let (taken_expr, other) = if b { (yes, no) } else { (no, yes) };
                let taken = self.eval(taken_expr);
                // Terraform gives both results one type (`true ? 1 : "a"` is `"1"`):
                // the other result's type counts too.
                // `[...]` and `[for ...]` are tuples, whatever their items.
                let tuple = |e: &Expr| match &e.written().kind {
                    Kind::Array(_) => true,
                    Kind::For(f) => f.key.is_none(),
                    _ => false,
                };
                let written = functions::unify::Written {
                    other_null: matches!(other.written().kind, Kind::Null),
                    taken_tuple: tuple(taken_expr),
                    other_tuple: tuple(other),
                };
                let other = self.eval(other);
                match functions::unify::conditional(&taken, &other, written) {
                    Ok(None) => taken,
                    Ok(Some(v)) => v,
                    Err(why) => match why.strip_prefix(functions::LATER) {
                        Some(why) => Val { value: Value::Unknown(why.to_string()), ..taken },
                        None => error(why, at),
                    },
                }
            }
            None if c.unknown_why().is_some() => {
                let (a, b) = (self.eval(yes), self.eval(no));
                if equal(&a, &b) == Some(true) {
                    self.here(a, at)
                } else {
                    Val::unknown(c.unknown_why().unwrap_or_default(), at)
                }
            }
            None => error("the condition is not a boolean", at),
        }
    }

    fn binary(&mut self, op: BinaryOperator, lhs: &Expr, rhs: &Expr, at: Location) -> Val {
        let (x, y) = (self.eval(lhs), self.eval(rhs));
        let mut via = x.via.clone();
        via.extend(y.via.iter().cloned());
        // An operand that is known and not a boolean is an error, even where the other
        // decides (`false && "x"`).
        if matches!(op, BinaryOperator::And | BinaryOperator::Or)
            && [&x, &y].iter().any(|v| v.unknown_why().is_none() && functions::text::bool_of(v).is_none())
        {
            return error("a logical operator needs booleans", at);
        }
        // `false && unknown` and `true || unknown` are known.
        match (op, functions::text::bool_of(&x), functions::text::bool_of(&y)) {
            (BinaryOperator::And, Some(false), _) | (BinaryOperator::And, _, Some(false)) => {
                return Val { value: Value::Bool(false), at, via };
            }
            (BinaryOperator::Or, Some(true), _) | (BinaryOperator::Or, _, Some(true)) => {
                return Val { value: Value::Bool(true), at, via };
            }
            _ => {}
        }
        if let Some(why) = x.unknown_why().or_else(|| y.unknown_why()) {
            return Val { value: Value::Unknown(why), at, via };
        }
        let value = match op {
            // Terraform compares types too (`[1] == tolist([1])` is false), which this reader
            // does not keep; a number past 2^53 may have been rounded.
            BinaryOperator::Eq | BinaryOperator::NotEq
                if [&x, &y].iter().any(|v| match &v.value {
                    Value::List(_) | Value::Object(_) => true,
                    Value::Number(n) => n.abs() >= EXACT,
                    _ => false,
                }) =>
            {
                return Val {
                    value: Value::Unknown("an equality of collections is not evaluated".into()),
                    at,
                    via,
                };
            }
            BinaryOperator::Eq | BinaryOperator::NotEq => match equal(&x, &y) {
                Some(same) => Value::Bool(same == (op == BinaryOperator::Eq)),
                None => {
                    return Val::unknown(
                        unknown_inside(&x).or_else(|| unknown_inside(&y)).unwrap_or_default(),
                        at,
                    );
                }
            },
            BinaryOperator::And | BinaryOperator::Or => {
                match (functions::text::bool_of(&x), functions::text::bool_of(&y)) {
                    (Some(p), Some(q)) => {
                        Value::Bool(if op == BinaryOperator::And { p && q } else { p || q })
                    }
                    _ => return error("a logical operator needs booleans", at),
                }
            }
            _ => {
                let (Some(p), Some(q)) = (to_number(&x), to_number(&y)) else {
                    if overflows(&x) || overflows(&y) {
                        return Val::unknown("a number past the range of 64-bit floats is not evaluated", at);
                    }
                    return error("an arithmetic operator needs numbers", at);
                };
                match arithmetic(op, p, q) {
                    Ok(value) => value,
                    Err(why) => return Val { value: Value::Unknown(why.into()), at, via },
                }
            }
        };
        Val { value, at, via }
    }

    fn for_expr(&mut self, f: &ForExpr, at: Location) -> Val {
        let coll = self.eval(&f.collection);
        let pairs = match iterate(&coll, &at) {
            Ok(pairs) => pairs,
            Err(v) => return v,
        };
        let mut list = Vec::new();
        let mut object: Vec<(String, Val)> = Vec::new();
        let refusals = self.names.refusals();
        for (k, v) in pairs {
            if self.names.exhausted() || self.names.refusals() > refusals {
                return Val::unknown(BUDGET_SPENT, at);
            }
            let mark = self.scope.len();
            if let Some(key) = &f.key_var {
                self.scope.push((key.clone(), k));
            }
            self.scope.push((f.value_var.clone(), v));
            let result = self.for_item(f, &at, &mut list, &mut object);
            self.scope.truncate(mark);
            if let Err(v) = result {
                return v;
            }
        }
        if f.key.is_some() {
            Val::new(Value::Object(object), at)
        } else {
            Val::new(Value::List(list.into()), at)
        }
    }

    fn for_item(
        &mut self,
        f: &ForExpr,
        at: &Location,
        list: &mut Vec<Val>,
        object: &mut Vec<(String, Val)>,
    ) -> Result<(), Val> {
        if let Some(cond) = &f.cond {
            let c = self.eval(cond);
            match functions::text::bool_of(&c) {
                Some(true) => {}
                Some(false) => return Ok(()),
                None => {
                    return Err(Val::unknown(
                        c.unknown_why()
                            .unwrap_or_else(|| format!("{ERROR}a `for` condition is not a boolean")),
                        at.clone(),
                    ));
                }
            }
        }
        let value = self.eval(&f.value);
        let Some(key_expr) = &f.key else {
            list.push(value);
            return Ok(());
        };
        let key = self.eval(key_expr);
        let Some(key) = key_string(&key) else {
            return Err(Val::unknown(
                key.unknown_why().unwrap_or_else(|| format!("{ERROR}a `for` key is not a string")),
                at.clone(),
            ));
        };
        match object.iter_mut().find(|(k, _)| *k == key) {
            Some((_, Val { value: Value::List(items), .. })) if f.grouping => items.push(value),
            Some(_) => return Err(error(format!("duplicate key `{key}` in a `for` expression"), at.clone())),
            None if f.grouping => object.push((key, Val::new(Value::List(vec![value].into()), at.clone()))),
            None => object.push((key, value)),
        }
        Ok(())
    }
}
