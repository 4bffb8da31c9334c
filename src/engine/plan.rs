//! A direct evaluator for the common shapes of rule expressions, with CEL as the
//! authority.
//!
//! Rules spend most of their time in short conditions: null checks, field access,
//! comparisons with literals, `in` on a literal list, `&&` and `||`. The `cel` crate
//! evaluates them by walking its AST, joining every dotted name into a string and
//! looking it up as a variable and as a type, and dispatching operators by name. A
//! [`Plan`] is the same AST resolved once, when the expression compiles: variables by
//! their known names, literal lists built once, operators chosen.
//!
//! A plan only answers when it is sure to give CEL's answer. It applies the same
//! value-level operations CEL applies (the `Val` traits' equality, ordering,
//! containment, indexing, addition), and it gives up, returning `None`, on anything
//! else: an error of any kind (a missing key, a type mismatch, an overflow), an
//! optional value, or a non-boolean operand of a logical operator. Expressions with
//! comprehensions, function calls other than `size`, `string`, `number`, `price` and
//! `matches` of a literal pattern, map literals or unknown names are not planned at all. Whoever gets `None` evaluates the
//! expression with CEL, which gives the result or the error it always gave: expressions
//! have no side effects, so evaluating twice is safe. The tests compare the two on every
//! shape, including the ones a plan gives up on.
//!
//! Where its [`Scope`] has a subject's typed facts, a plan reads the hottest image facts
//! (`image.<field>` of one plain value, `image.os.family`, `image.shares[i].<fact>`)
//! from them instead of through CEL maps, making each value with the same code that
//! fills those maps; without facts it evaluates the same expression the general way.

use super::expr::{VARIABLES, format_number, format_price};
use super::facts::{ImageFacts, ShareFact, ShareField, cow_val};
use cel::common::ast::{Expr, LiteralValue, operators};
use cel::common::types::{CelBool, CelDouble, CelInt, CelList, CelOptional, CelString, CelUInt, Kind};
use cel::common::value::{CowVal, Val};
use cel::{Context, IdedExpr};

/// A compiled expression, evaluated without CEL's interpreter.
#[derive(Debug)]
pub enum Plan {
    Literal(LiteralValue),
    /// A list of literals, built once: `["BIOS", "UEFI"]`.
    List(CelList<'static>),
    /// A rule variable (one of [`VARIABLES`]).
    Variable(&'static str),
    /// `operand.field`.
    Field(Box<Plan>, CelString<'static>),
    /// `has(operand.field)`.
    Has(Box<Plan>, CelString<'static>),
    /// `operand[index]`.
    Index(Box<Plan>, Box<Plan>),
    Not(Box<Plan>),
    And(Box<Plan>, Box<Plan>),
    Or(Box<Plan>, Box<Plan>),
    /// `condition ? then : otherwise`.
    Choose(Box<Plan>, Box<Plan>, Box<Plan>),
    Equal(Box<Plan>, Box<Plan>),
    NotEqual(Box<Plan>, Box<Plan>),
    Compare(Order, Box<Plan>, Box<Plan>),
    /// `item in container`.
    In(Box<Plan>, Box<Plan>),
    Add(Box<Plan>, Box<Plan>),
    Subtract(Box<Plan>, Box<Plan>),
    Negate(Box<Plan>),
    /// `size(x)` of a list, map or string.
    Size(Box<Plan>),
    /// `daysBetween(from, to)` of two strings (see `expr.rs`).
    DaysBetween(Box<Plan>, Box<Plan>),
    /// `string(x)`, `number(x)` or `price(x)` of the values whose text is plain to make.
    Text(Conversion, Box<Plan>),
    /// `image.shares[index].field`, read from the scope's [`ShareFact`]s when it has
    /// them; otherwise the general plan of the same expression (the last operand).
    ShareFact(Box<Plan>, ShareField, Box<Plan>),
    /// `image.field` for a field of one plain value, read from the scope's image facts
    /// when it has them; otherwise the general plan.
    ImageField(&'static str, Box<Plan>),
    /// `image.os.family` (`true`) or `image.os.version` (`false`), likewise.
    ImageOs(bool, Box<Plan>),
    /// `text.matches('pattern')` or `matches(text, 'pattern')` with a literal pattern,
    /// compiled once, where CEL compiles it on every call (`Regex::new`): F001's message
    /// compiled `^[AEIOU]` once per finding, 4% of a check's instructions.
    Matches(Box<Plan>, Box<Pattern>),
}

/// A literal `matches` pattern, compiled on first use: a rule that never runs (another
/// kind's, or one whose `when` is false) does not pay for compiling it, nor hold it.
#[derive(Debug)]
pub(crate) struct Pattern {
    text: String,
    /// `None` for a pattern that does not compile: CEL reports that, every time.
    regex: std::sync::OnceLock<Option<regex::Regex>>,
}

impl Pattern {
    fn regex(&self) -> Option<&regex::Regex> {
        self.regex.get_or_init(|| regex::Regex::new(&self.text).ok()).as_ref()
    }
}

/// The fields of `image` that hold one plain value (a string, number, boolean or null),
/// which [`ImageFacts::field`] makes in a step; the others are lists and maps that
/// `image`'s lazy map converts once per subject.
const IMAGE_SCALARS: [&str; 13] = [
    "name",
    "id",
    "type",
    "spec",
    "architecture",
    "bootMode",
    "derivedFrom",
    "imported",
    "licenseType",
    "encrypted",
    "shareCount",
    "shareProblems",
    "marketplace",
];

/// The functions that turn a value into text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conversion {
    /// CEL's `string()`: planned for strings, integers and booleans (not doubles or bytes).
    String,
    /// `number()` and `price()` of a double (their only overload), see `expr.rs`.
    Number,
    Price,
}

/// The four ordering operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

impl Order {
    fn holds(self, ordering: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::{Greater, Less};
        match self {
            Self::Less => ordering == Less,
            Self::LessOrEqual => ordering != Greater,
            Self::Greater => ordering == Greater,
            Self::GreaterOrEqual => ordering != Less,
        }
    }
}

type Step<'e, 'v> = Option<CowVal<'e, 'v>>;

/// Where a plan finds its variables: a CEL context, or a lighter scope of the
/// evaluator's own that answers the same names with the same values.
pub trait Scope<'v> {
    fn variable<'b>(&'b self, name: &str) -> Option<CowVal<'b, 'v>>;

    /// The entries of `image.shares` as typed facts, when the scope has them: they must
    /// be those of the image its `image` variable is (`None` when that is null).
    fn shares(&self) -> Option<&[ShareFact]> {
        None
    }

    /// The facts of the image its `image` variable is, when the scope has them (`None`
    /// when that is null).
    fn image(&self) -> Option<&ImageFacts<'v>> {
        None
    }
}

impl<'v> Scope<'v> for Context<'_, 'v> {
    fn variable<'b>(&'b self, name: &str) -> Option<CowVal<'b, 'v>> {
        self.get_variable(name)
    }
}

impl Plan {
    /// The plan of a parsed expression, or `None` if it uses anything a plan does not
    /// cover (CEL then evaluates it every time).
    pub fn compile(expr: &IdedExpr) -> Option<Self> {
        let boxed = |e: &IdedExpr| Self::compile(e).map(Box::new);
        Some(match &expr.expr {
            Expr::Literal(literal) => Self::Literal(literal.clone()),
            Expr::Ident(name) => Self::Variable(VARIABLES.iter().copied().find(|v| v == name)?),
            Expr::Select(select) if !select.test && Self::share_index(&select.operand).is_some() => {
                let index = Self::share_index(&select.operand).and_then(Self::compile)?;
                let field = ShareField::named(&select.field);
                let general = Self::Field(boxed(&select.operand)?, CelString::from(select.field.clone()));
                match field {
                    Some(field) => Self::ShareFact(Box::new(index), field, Box::new(general)),
                    None => general,
                }
            }
            Expr::Select(select) if !select.test && is_image(&select.operand) => {
                let general = Self::Field(boxed(&select.operand)?, CelString::from(select.field.clone()));
                match IMAGE_SCALARS.iter().find(|f| **f == select.field) {
                    Some(field) => Self::ImageField(field, Box::new(general)),
                    None => general,
                }
            }
            Expr::Select(select)
                if !select.test
                    && matches!(select.field.as_str(), "family" | "version")
                    && matches!(&select.operand.expr, Expr::Select(os) if !os.test && os.field == "os" && is_image(&os.operand)) =>
            {
                let general = Self::Field(boxed(&select.operand)?, CelString::from(select.field.clone()));
                Self::ImageOs(select.field == "family", Box::new(general))
            }
            Expr::Select(select) => {
                let field = CelString::from(select.field.clone());
                let operand = boxed(&select.operand)?;
                if select.test { Self::Has(operand, field) } else { Self::Field(operand, field) }
            }
            Expr::List(list) if list.optional_indices.is_empty() => {
                let items = list.elements.iter().map(|e| match &e.expr {
                    Expr::Literal(literal) => Some(literal.to_val().into_owned()),
                    _ => None,
                });
                Self::List(CelList::from(items.collect::<Option<Vec<_>>>()?))
            }
            Expr::Call(call) if call.func_name == "matches" => {
                let (text, pattern) = match (&call.target, call.args.as_slice()) {
                    (Some(text), [pattern]) => (&**text, pattern),
                    (None, [text, pattern]) => (text, pattern),
                    _ => return None,
                };
                let Expr::Literal(LiteralValue::String(pattern)) = &pattern.expr else { return None };
                let pattern =
                    Pattern { text: pattern.inner().to_string(), regex: std::sync::OnceLock::new() };
                Self::Matches(boxed(text)?, Box::new(pattern))
            }
            Expr::Call(call) if call.target.is_none() => {
                let name = call.func_name.as_str();
                match call.args.as_slice() {
                    [a] => {
                        let a = boxed(a)?;
                        match name {
                            operators::LOGICAL_NOT => Self::Not(a),
                            operators::NEGATE => Self::Negate(a),
                            "size" => Self::Size(a),
                            "string" => Self::Text(Conversion::String, a),
                            "number" => Self::Text(Conversion::Number, a),
                            "price" => Self::Text(Conversion::Price, a),
                            _ => return None,
                        }
                    }
                    [a, b] => {
                        let (a, b) = (boxed(a)?, boxed(b)?);
                        match name {
                            operators::LOGICAL_AND => Self::And(a, b),
                            operators::LOGICAL_OR => Self::Or(a, b),
                            operators::EQUALS => Self::Equal(a, b),
                            operators::NOT_EQUALS => Self::NotEqual(a, b),
                            operators::LESS => Self::Compare(Order::Less, a, b),
                            operators::LESS_EQUALS => Self::Compare(Order::LessOrEqual, a, b),
                            operators::GREATER => Self::Compare(Order::Greater, a, b),
                            operators::GREATER_EQUALS => Self::Compare(Order::GreaterOrEqual, a, b),
                            operators::IN => Self::In(a, b),
                            operators::INDEX => Self::Index(a, b),
                            operators::ADD => Self::Add(a, b),
                            operators::SUBSTRACT => Self::Subtract(a, b),
                            "daysBetween" => Self::DaysBetween(a, b),
                            _ => return None,
                        }
                    }
                    [a, b, c] if name == operators::CONDITIONAL => {
                        Self::Choose(boxed(a)?, boxed(b)?, boxed(c)?)
                    }
                    _ => return None,
                }
            }
            _ => return None,
        })
    }

    /// The index of `image.shares[index]`, when `expr` is that.
    fn share_index(expr: &IdedExpr) -> Option<&IdedExpr> {
        let Expr::Call(call) = &expr.expr else { return None };
        let [list, index] = call.args.as_slice() else { return None };
        let Expr::Select(select) = &list.expr else { return None };
        (call.target.is_none()
            && call.func_name == operators::INDEX
            && is_image(&select.operand)
            && !select.test
            && select.field == "shares")
            .then_some(index)
    }

    /// Evaluates the plan, or gives up (`None`) where CEL must decide.
    pub fn eval<'e, 'v>(&'e self, ctx: &'e dyn Scope<'v>) -> Step<'e, 'v> {
        match self {
            Self::Literal(literal) => Some(literal.to_val()),
            Self::List(list) => Some(CowVal::Borrowed(list)),
            Self::Variable(name) => plain(ctx.variable(name)?),
            Self::Field(operand, field) => plain(index(plain(operand.eval(ctx)?)?, field)?),
            Self::Index(operand, key) => {
                let operand = plain(operand.eval(ctx)?)?;
                let key = key.eval(ctx)?;
                plain(index(operand, key.as_ref())?)
            }
            Self::Choose(condition, then, otherwise) => {
                if condition.eval_bool(ctx)? {
                    then.eval(ctx)
                } else {
                    otherwise.eval(ctx)
                }
            }
            Self::Add(..) | Self::Subtract(..) | Self::Negate(_) | Self::Size(_) | Self::DaysBetween(..) => {
                self.arithmetic(ctx)
            }
            Self::Text(conversion, a) => text(*conversion, a.eval(ctx)?),
            Self::ImageField(field, general) => match ctx.image() {
                Some(facts) => facts.field(field).map(CowVal::Owned),
                None => general.eval(ctx),
            },
            Self::ImageOs(family, general) => match ctx.image().and_then(|facts| facts.base.os.as_ref()) {
                Some(os) => Some(CowVal::Owned(cow_val(if *family { &os.family } else { &os.version }))),
                // No facts, or no `os` (null, whose fields are CEL's error to report).
                None => general.eval(ctx),
            },
            Self::ShareFact(index, field, general) => {
                // In range, the entry's map in `image.shares` has this value; anything
                // else (no facts, another index type, out of range) is the general case.
                let fact = ctx.shares().and_then(|shares| {
                    let index = index.eval(ctx)?;
                    let index = usize::try_from(*index.downcast_ref::<CelInt>()?.inner()).ok()?;
                    shares.get(index).copied()
                });
                match fact {
                    Some(fact) => Some(CowVal::Owned(fact.value(*field))),
                    None => general.eval(ctx),
                }
            }
            Self::Has(..)
            | Self::Not(_)
            | Self::And(..)
            | Self::Or(..)
            | Self::Equal(..)
            | Self::NotEqual(..)
            | Self::Compare(..)
            | Self::In(..)
            | Self::Matches(..) => Some(boolean(self.eval_bool(ctx)?)),
        }
    }

    /// Evaluates to a boolean, or gives up: the logical operators and comparisons answer
    /// directly, anything else is evaluated and must be a boolean.
    pub fn eval_bool(&self, ctx: &dyn Scope<'_>) -> Option<bool> {
        match self {
            Self::Not(a) => Some(!a.eval_bool(ctx)?),
            Self::And(a, b) => Some(a.eval_bool(ctx)? && b.eval_bool(ctx)?),
            Self::Or(a, b) => Some(a.eval_bool(ctx)? || b.eval_bool(ctx)?),
            Self::Equal(a, b) => Some(a.eval(ctx)? == b.eval(ctx)?),
            Self::NotEqual(a, b) => Some(a.eval(ctx)? != b.eval(ctx)?),
            Self::Compare(order, a, b) => {
                let (a, b) = (a.eval(ctx)?, b.eval(ctx)?);
                Some(order.holds(a.as_comparer()?.compare(b.as_ref()).ok()?))
            }
            Self::In(item, container) => {
                let (item, container) = (item.eval(ctx)?, container.eval(ctx)?);
                container.as_container()?.contains(item.as_ref()).ok()
            }
            Self::Has(operand, field) => {
                let operand = plain(operand.eval(ctx)?)?;
                match operand.as_indexer()?.get(field) {
                    Ok(_) => Some(true),
                    Err(cel::ExecutionError::NoSuchKey(_)) => Some(false),
                    Err(_) => None,
                }
            }
            // CEL's only overload takes a string (anything else is its error).
            Self::Matches(text, pattern) => {
                let regex = pattern.regex()?;
                Some(regex.is_match(text.eval(ctx)?.downcast_ref::<CelString>()?.inner()))
            }
            _ => truth(&self.eval(ctx)?),
        }
    }

    /// `+`, `-` and `size()`, which make new values.
    #[inline(never)]
    fn arithmetic<'e, 'v>(&'e self, ctx: &'e dyn Scope<'v>) -> Step<'e, 'v> {
        match self {
            Self::Add(a, b) => {
                let (a, b) = (a.eval(ctx)?, b.eval(ctx)?);
                Some(CowVal::Owned(a.as_adder()?.add(b.as_ref()).ok()?.into_owned()))
            }
            Self::Subtract(a, b) => {
                let (a, b) = (a.eval(ctx)?, b.eval(ctx)?);
                Some(CowVal::Owned(a.as_subtractor()?.sub(b.as_ref()).ok()?.into_owned()))
            }
            Self::Negate(a) => Some(CowVal::Owned(a.eval(ctx)?.as_negator()?.negate().ok()?)),
            Self::Size(a) => {
                let a = a.eval(ctx)?;
                if !matches!(a.get_type().kind(), Kind::List | Kind::Map | Kind::String) {
                    return None;
                }
                Some(CowVal::owned(a.as_sizer()?.size()))
            }
            Self::DaysBetween(a, b) => {
                let (a, b) = (a.eval(ctx)?, b.eval(ctx)?);
                let (from, to) = (a.downcast_ref::<CelString>()?, b.downcast_ref::<CelString>()?);
                Some(CowVal::owned(CelInt::from(super::expr::days_between(from.inner(), to.inner()))))
            }
            _ => None,
        }
    }
}

/// `string(value)`, `number(value)` or `price(value)` as CEL's overloads make them, or
/// `None` for a value of another type (no overload: CEL reports it).
fn text<'e, 'v>(conversion: Conversion, value: CowVal<'e, 'v>) -> Step<'e, 'v> {
    let text = match conversion {
        // `string` of a string is the value itself.
        Conversion::String if value.downcast_ref::<CelString>().is_some() => return Some(value),
        Conversion::String => {
            if let Some(i) = value.downcast_ref::<CelInt>() {
                i.inner().to_string()
            } else if let Some(u) = value.downcast_ref::<CelUInt>() {
                u.inner().to_string()
            } else {
                value.downcast_ref::<CelBool>()?.inner().to_string()
            }
        }
        Conversion::Number => format_number(*value.downcast_ref::<CelDouble>()?.inner()),
        Conversion::Price => format_price(*value.downcast_ref::<CelDouble>()?.inner()),
    };
    Some(CowVal::owned(CelString::from(text)))
}

/// Whether `expr` is the variable `image`.
fn is_image(expr: &IdedExpr) -> bool {
    matches!(&expr.expr, Expr::Ident(name) if name == "image")
}

/// The value, unless it is an optional (whose rules the plan leaves to CEL).
fn plain<'e, 'v>(value: CowVal<'e, 'v>) -> Step<'e, 'v> {
    value.downcast_ref::<CelOptional>().is_none().then_some(value)
}

/// `value[key]` as CEL's indexing gives it, or `None` on any error.
fn index<'e, 'v>(value: CowVal<'e, 'v>, key: &dyn Val) -> Step<'e, 'v> {
    match value {
        CowVal::Borrowed(value) => value.as_indexer()?.get(key).ok(),
        CowVal::Owned(value) => value.as_indexer()?.get(key).ok().map(|v| CowVal::Owned(v.into_owned())),
    }
}

fn truth(value: &CowVal<'_, '_>) -> Option<bool> {
    value.downcast_ref::<CelBool>().map(|b| *b.inner())
}

fn boolean<'e, 'v>(value: bool) -> CowVal<'e, 'v> {
    CowVal::Borrowed(if value { &CelBool::TRUE } else { &CelBool::FALSE })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::expr::{environment, to_val};
    use crate::engine::view::{LazyMap, materialize};
    use crate::source::{Limits, parse_yaml};
    use cel::common::types::{CelOptional, CelUInt};
    use cel::{Program, Value};
    use proptest::prelude::*;

    const DATA: &str = "
n: 3
d: 2.5
s: text
u: héllo
t: true
z: null
list: [BIOS, UEFI, 3]
nums: [1, 2, 3]
inner: {a: 1, s: x, list: [x, y], inner: {deep: true}}
";

    /// Evaluates `text` both ways in a context whose variables cover every kind of
    /// value, lazy maps included, and checks the plan agrees with CEL whenever it
    /// answers. Returns whether it answered.
    fn agree(text: &str) -> Result<bool, TestCaseError> {
        let Ok(program) = Program::compile(text) else { return Ok(false) };
        let Some(plan) = Plan::compile(program.expression()) else { return Ok(false) };
        let documents = parse_yaml(DATA, Limits::default()).map_err(|e| TestCaseError::fail(e.message))?;
        let entries = documents.first().and_then(|d| d.root.as_map()).unwrap_or_default();
        let json: serde_json::Value = data_as_json(DATA);
        let mut context = cel::Context::with_env(environment());
        context.add_variable_as_val("resource", Box::new(LazyMap::resource(entries, &[], None)));
        context.add_variable_as_val("catalog", to_val(&json));
        context.add_variable_as_val("image", to_val(&serde_json::Value::Null));
        context.add_variable_as_val("quotas", to_val(&serde_json::json!({"q": 2, "neg": -1})));
        context.add_variable_as_val("index", to_val(&serde_json::json!(1)));
        context.add_variable_as_val("item", to_val(&serde_json::json!("UEFI")));
        context.add_variable_as_val("fee", to_val(&serde_json::json!(1.5)));
        context.add_variable_as_val("region", to_val(&serde_json::json!(["a", "b"])));
        context.add_variable_as_val("subject", Box::new(CelUInt::from(7_u64)));
        context.add_variable_as_val("kind", Box::new(CelOptional::none()));
        context.add_variable_as_val("lifecycle", Box::new(CelOptional::of(Box::new(CelUInt::from(3_u64)))));
        let by_cel = Value::resolve_val(program.expression(), &context).and_then(|v| materialize(v.as_ref()));
        if let Some(answer) = plan.eval_bool(&context) {
            prop_assert_eq!(Ok(Value::Bool(answer)), by_cel.clone(), "as a boolean: {}", text);
        }
        let Some(planned) = plan.eval(&context) else { return Ok(false) };
        let planned = materialize(planned.as_ref()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(Ok(planned), by_cel, "{}", text);
        Ok(true)
    }

    /// The test data as JSON, for the non-lazy copy of the same map.
    fn data_as_json(text: &str) -> serde_json::Value {
        let documents = parse_yaml(text, Limits::default()).unwrap_or_default();
        documents.first().map_or(serde_json::Value::Null, |d| d.root.to_json())
    }

    /// Any expression over the test variables: most of them error, which a plan must
    /// leave to CEL.
    fn operand() -> impl Strategy<Value = String> {
        let fields = pick(&[
            "n",
            "d",
            "s",
            "u",
            "t",
            "z",
            "list",
            "nums",
            "inner",
            "inner.a",
            "inner.s",
            "inner.list",
            "inner.inner",
            "missing",
        ]);
        let leaf = prop_oneof![
            (pick(&["resource", "catalog"]), fields).prop_map(|(r, f)| format!("{r}.{f}")),
            pick(&[
                "null",
                "true",
                "false",
                "0",
                "1",
                "3",
                "-2",
                "2u",
                "2.5",
                "4.0",
                "'x'",
                "'UEFI'",
                "'text'",
                "[]",
                "['BIOS', 'UEFI']",
                "[1, 2.5, 'x']",
                "image",
                "quotas",
                "index",
                "item",
                "fee",
                "region",
                "subject",
                "nope",
                // Optional values, bytes, non-ASCII text, the edges of int and uint.
                "kind",
                "lifecycle",
                "b'ab'",
                "'héllo'",
                "-0.0",
                "9223372036854775807",
                "18446744073709551615u",
            ]),
        ];
        leaf.prop_recursive(4, 24, 3, |inner| {
            let binary = pick(&["==", "!=", "<", "<=", ">", ">=", "in", "&&", "||", "+", "-"]);
            prop_oneof![
                (inner.clone(), binary, inner.clone()).prop_map(|(a, op, b)| format!("({a} {op} {b})")),
                inner.clone().prop_map(|a| format!("!({a})")),
                inner.clone().prop_map(|a| format!("-({a})")),
                inner.clone().prop_map(|a| format!("size({a})")),
                (pick(&["string", "number", "price"]), inner.clone()).prop_map(|(f, a)| format!("{f}({a})")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a})[{b}]")),
                (inner.clone(), inner.clone(), inner.clone())
                    .prop_map(|(a, b, c)| format!("(({a}) ? ({b}) : ({c}))")),
                (
                    pick(&["resource", "catalog", "resource.inner", "quotas", "lifecycle", "kind", "region"]),
                    pick(&["n", "q", "missing", "inner", "a"])
                )
                    .prop_map(|(a, f)| format!("has({a}.{f})")),
                (inner.clone(), pick(&["'^[a-u]'", "'X'", "'é$'"]))
                    .prop_map(|(a, p)| format!("({a}).matches({p})")),
                inner.prop_map(|a| format!("({a}).inner")),
            ]
        })
    }

    fn pick(options: &'static [&'static str]) -> impl Strategy<Value = String> + Clone {
        proptest::sample::select(options).prop_map(str::to_string)
    }

    /// Well-typed boolean expressions, which a plan mostly answers: the comparisons,
    /// containment and logic it must get exactly right.
    fn condition() -> impl Strategy<Value = String> {
        let int = pick(&["-2", "0", "1", "3", "resource.n", "catalog.inner.a", "quotas['q']", "index"])
            .prop_recursive(2, 8, 2, |inner| {
                prop_oneof![
                    (inner.clone(), pick(&["+", "-"]), inner.clone())
                        .prop_map(|(a, op, b)| format!("({a} {op} {b})")),
                    inner.prop_map(|a| format!("-({a})")),
                    pick(&["resource.nums", "resource.list", "region", "resource.s", "quotas"])
                        .prop_map(|a| format!("size({a})")),
                ]
            });
        let double = pick(&["2.5", "4.0", "-1.5", "resource.d", "fee", "catalog.d"]);
        let text = pick(&[
            "'x'",
            "'text'",
            "'UEFI'",
            "resource.s",
            "item",
            "resource.inner.s",
            "region[0]",
            "resource.list[1]",
        ]);
        let list = pick(&["resource.list", "['BIOS', 'UEFI']", "region", "resource.inner.list", "[]"]);
        let order = pick(&["==", "!=", "<", "<=", ">", ">="]);
        let leaf = prop_oneof![
            (int.clone(), order.clone(), int.clone()).prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            (double.clone(), order.clone(), double.clone()).prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            (int, order.clone(), double).prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            (text.clone(), order, text.clone()).prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            (text, list).prop_map(|(a, b)| format!("{a} in {b}")),
            pick(&["resource", "image", "resource.z", "resource.inner", "catalog.t"])
                .prop_map(|a| format!("{a} == null")),
            pick(&[
                "true",
                "false",
                "resource.t",
                "catalog.inner.inner.deep",
                "has(resource.n)",
                "has(catalog.q)"
            ]),
        ];
        leaf.prop_recursive(3, 16, 2, |inner| {
            prop_oneof![
                (inner.clone(), pick(&["&&", "||", "==", "!="]), inner.clone())
                    .prop_map(|(a, op, b)| format!("({a}) {op} ({b})")),
                inner.clone().prop_map(|a| format!("!({a})")),
                (inner.clone(), inner.clone(), inner).prop_map(|(a, b, c)| format!("({a}) ? ({b}) : ({c})")),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn plans_agree_with_cel(text in operand()) {
            agree(&text)?;
        }

        #[test]
        fn plans_answer_well_typed_conditions_as_cel_does(text in condition()) {
            prop_assert!(agree(&text)?, "no plan answered {}", text);
        }
    }

    #[test]
    fn plans_answer_the_common_shapes_as_cel_does() {
        // Each shape the built-in rules use, on values that make it succeed.
        for text in [
            "resource != null && resource.s == 'text' && resource.n > 2",
            "resource.inner.list[1] == 'y' && catalog.inner.inner.deep",
            "item in resource.list && !(item in ['BIOS'])",
            "'q' in quotas && quotas['q'] + 1 == 3 && quotas['neg'] - 1 < -1",
            "size(resource.nums) > 0 && size(resource.s) == 4 && size(catalog) == 9",
            "has(resource.inner) && !has(resource.missing) && has(catalog.inner.a)",
            "(resource.d >= 2.5) == (fee <= 1.5) ? resource.inner.s : 'no'",
            "-resource.n == -3 && index == 1 && region[0] == 'a'",
            "resource.z == null && image == null && resource != null",
            "string(resource.n) + 'x' == '3x' && string(-2) == '-2' && string(2u) == '2'",
            "daysBetween('2024-08-19', '2026-11-22') == 825 && daysBetween('2026-11-22', '2026-11-21') == -1",
            "daysBetween('20240819', '2026-11-22') == 0 && daysBetween(resource.s, '2026-11-22') == 0",
            "string(true) == 'true' && string('héllo') == 'héllo' && string(item) == 'UEFI'",
            "number(resource.d) == '2.5' && price(fee) == '1.50' && number(4.0) == '4'",
            "resource.s.matches('^te') && !matches(resource.u, '^h.l') && (item.matches('^[AEIOU]') ? 'an' : 'a') == 'an'",
        ] {
            assert!(agree(text).unwrap_or_else(|e| panic!("{e}")), "no plan answered {text}");
        }
    }

    #[test]
    fn plans_leave_errors_and_unplanned_shapes_to_cel() {
        // Errors (a missing key, a type mismatch, an overflow, a non-boolean operand).
        for text in [
            "resource.missing == 1",
            "resource.n < 'x'",
            "resource.n + 9223372036854775807 > 0",
            "resource.s && true",
            "null.x",
            "resource.list < 1",
            // Conversions a plan leaves to CEL: doubles and bytes, and no overload.
            "string(2.5) == '2.5'",
            "string(b'ab') == 'ab'",
            "number(3) == '3'",
            "price(resource.n) == '3.00'",
            // `matches` of anything but a string.
            "resource.n.matches('3')",
            "matches(resource.z, 'x')",
            // A literal pattern that is not a regex: planned, compiled on first use, and
            // left to CEL (which reports it at every call).
            "resource.s.matches('(')",
        ] {
            assert_eq!(agree(text).ok(), Some(false), "{text}");
        }
        // Shapes a plan does not cover.
        // A pattern that is not a literal.
        for text in [
            "resource.nums.exists(x, x > 2)",
            "double(resource.n)",
            "{'a': 1}.a == 1",
            "int",
            "resource.s.matches(resource.s)",
        ] {
            let program = Program::compile(text).unwrap_or_else(|e| panic!("{e}"));
            assert!(Plan::compile(program.expression()).is_none(), "{text}");
        }
    }

    #[test]
    fn every_built_in_condition_has_a_plan() {
        // The speed of a check rests on this: a condition without a plan runs in CEL's
        // interpreter for every resource.
        let rules = crate::engine::RuleSet::builtin().unwrap_or_else(|e| panic!("{e:?}"));
        // P001 runs only where a team configures its allow-list, whose patterns are
        // matched by CEL's own `exists` and `matches`.
        for rule in rules.rules().iter().filter(|rule| rule.info.code != "P001") {
            for expr in rule.conditions() {
                let program = Program::compile(&expr.text).unwrap_or_else(|e| panic!("{e}"));
                assert!(Plan::compile(program.expression()).is_some(), "{}: {}", rule.info.code, expr.text);
            }
        }
    }
}
