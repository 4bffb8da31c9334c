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
                // A set has no indices (`toset(["a"])[0]` is an error).
                if makes_set(base) && matches!(steps.first(), Some(Step::Index(_))) {
                    return error("an element of a set is not reached by an index", at);
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
            // These take lists, not sets; a set written in place is known to be one.
            "element" | "index" | "slice" if args.first().is_some_and(makes_set) => {
                error(format!("`{name}` of a set"), at)
            }
            "concat" | "coalescelist" if args.iter().any(makes_set) => {
                error(format!("`{name}` of a set"), at)
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
                    let pairs = iterate(&coll, at, makes_set(collection))?;
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
                let (taken, other) = if b { (yes, no) } else { (no, yes) };
                let taken = self.eval(taken);
                // Terraform gives both results one type (`true ? 1 : "a"` is `"1"`):
                // the other result's type counts too.
                let other = self.eval(other);
                match functions::unify::conditional(&taken, &other) {
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
        let pairs = match iterate(&coll, &at, makes_set(&f.collection)) {
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
        if f.key.is_some() { Val::new(Value::Object(object), at) } else { Val::new(Value::List(list), at) }
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
            None if f.grouping => object.push((key, Val::new(Value::List(vec![value]), at.clone()))),
            None => object.push((key, value)),
        }
        Ok(())
    }
}

/// Why a string literal is unknown when [`nfc_stable`] is false.
const NOT_NFC: &str = "text Terraform normalises to Unicode NFC is not evaluated";

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
fn interpolated(v: &Val, at: &Location) -> Result<String, Val> {
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
fn whole_quotient(dividend: &Val, divisor: &Val, ceil: bool) -> Option<f64> {
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

/// Whether an expression is written as a call that makes a set. Values do not say whether
/// they are sets, but a set written in place is known to be one.
fn makes_set(expr: &Expr) -> bool {
    matches!(&expr.kind, Kind::Call(name, _, _) if matches!(name.as_str(), "toset" | "setunion" | "setintersection" | "setsubtract"))
}

/// The key/value pairs a `for` iterates (list indices are numbers; a set's keys are its
/// items, when `set` says the collection is one).
fn iterate(coll: &Val, at: &Location, set: bool) -> Result<Vec<(Val, Val)>, Val> {
    match &coll.value {
        Value::List(items) if set => {
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
                return Val { value: Value::List(Vec::new()), at: at.clone(), via: outer_via };
            }
            (Step::Splat, _) => {
                let rest = steps.get(i + 1..).unwrap_or_default();
                let item = apply(v.clone(), rest, at);
                return Val { value: Value::List(vec![item]), at: at.clone(), via: outer_via };
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
