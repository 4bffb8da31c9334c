//! CEL glue: compiling expressions and `{{ }}` templates with spans into the rule
//! file, converting facts to CEL values, and turning results into text.

use super::plan::{Plan, Scope};
use crate::source::{Node, SourceFile, Span, Value as NodeValue};
use cel::common::types::{CelBool, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelNull, CelString};
use cel::common::value::CowVal;
use cel::objects::Key;
use cel::parser::Expression;
use cel::{Context, Program, Value};
use serde_json::Value as Json;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

/// Variables every rule may use; anything else is an error when the rule loads.
pub const VARIABLES: &[&str] = &[
    "resource",
    "kind",
    "subject",
    "image",
    "instanceType",
    "region",
    "lifecycle",
    "fee",
    "quotas",
    "asOf",
    "eolWarningDays",
    "params",
    "catalog",
    "item",
    "index",
];

/// Names CEL resolves that are not variables: extension namespaces (`lists.range`) and
/// type names (`type(x) == int`).
const NOT_VARIABLES: &[&str] = &[
    "strings",
    "lists",
    "math",
    "base64",
    "int",
    "uint",
    "double",
    "bool",
    "string",
    "bytes",
    "list",
    "map",
    "null_type",
    "type",
    "dyn",
];

/// A compile error located in the rule file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExprError {
    pub message: String,
    pub span: Span,
}

/// A CEL expression, where it was written, and its program, compiled on first use.
///
/// Built-in rules compile lazily: a one-file check then compiles only what it runs,
/// which keeps the pre-commit case fast (CEL's parser dominates start-up). User rules
/// are checked eagerly with [`Expr::check`], so their mistakes surface at load time.
#[derive(Debug)]
pub struct Expr {
    pub text: String,
    pub span: Span,
    file: Arc<SourceFile>,
    origin: Origin,
    program: OnceLock<Result<Arc<Compiled>, ExprError>>,
}

/// A CEL program and, when its shape allows, the [`Plan`] that evaluates it directly.
#[derive(Debug)]
struct Compiled {
    tree: Tree,
    plan: Option<Plan>,
}

/// An expression tree as the parser that built it holds it (cloning a deep one out of
/// its `Program` would recurse as deep as the tree).
#[derive(Debug)]
enum Tree {
    Pratt(Expression),
    Antlr(Program),
}

impl Tree {
    fn expression(&self) -> &Expression {
        match self {
            Self::Pratt(expression) => expression,
            Self::Antlr(program) => program.expression(),
        }
    }
}

impl Compiled {
    fn eval_by_cel(&self, context: &Context) -> Result<Value, String> {
        let value = Value::resolve_val(self.tree.expression(), context).map_err(|e| e.to_string())?;
        super::view::materialize(value.as_ref()).map_err(|e| e.to_string())
    }
}

/// Compiled programs by source text. Rules repeat the same small expressions
/// (`image.name`, `instanceType.id`) many times, and CEL's parser dominates start-up.
static PROGRAMS: LazyLock<Mutex<HashMap<String, Arc<Compiled>>>> = LazyLock::new(Mutex::default);

/// A built-in text gets the same tree from either parser, so the cache serves both origins.
fn compile_cached(text: &str, origin: Origin) -> Result<Arc<Compiled>, cel::ParseErrors> {
    if let Some(compiled) = PROGRAMS.lock().ok().and_then(|cache| cache.get(text).cloned()) {
        return Ok(compiled);
    }
    let tree = parse(text, origin)?;
    let plan = Plan::compile(tree.expression());
    let compiled = Arc::new(Compiled { tree, plan });
    if let Ok(mut cache) = PROGRAMS.lock() {
        cache.insert(text.to_string(), Arc::clone(&compiled));
    }
    Ok(compiled)
}

/// Who wrote an expression, which decides how its text is parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A built-in rule: fixed at build time, and a test checks that both of cel's parsers
    /// build the same tree for every built-in expression.
    BuiltIn,
    /// A user's rule file: anything at all.
    User,
}

/// Parses CEL text into its expression tree, macros expanded.
///
/// Built-in expressions go through cel's hand-written Pratt parser, which builds them with
/// a twentieth of the instructions of its ANTLR parser (callgrind, a one-file check: 19.7 M
/// to 0.85 M). Everything else goes through ANTLR, the parser that decides what valid CEL
/// is: the Pratt parser accepts some text ANTLR refuses (`!!-x`, `0X1F`, `(a){}`), and a
/// long chain of `? :` overflows its stack instead of reaching a depth limit.
fn parse(text: &str, origin: Origin) -> Result<Tree, cel::ParseErrors> {
    if origin == Origin::BuiltIn
        && let Ok(expression) = cel::parser::PrattParser::default().parse(text)
    {
        return Ok(Tree::Pratt(expression));
    }
    Program::compile(text).map(Tree::Antlr)
}

/// Most operators and brackets a user's expression may hold. Parsing, planning and
/// evaluating CEL recurse once per level of its tree, and a chain of operators is a level
/// each (`1 + 1 + ...`): ANTLR overflowed a 2 MiB stack at about 3,000 in a release build.
/// Every level needs one of these characters, so counting them bounds the depth without
/// parsing; [`crate::STACK_SIZE`] leaves room for this many in a debug build too.
const MAX_OPERATORS: usize = 1_000;

/// Deepest bracket nesting a user's expression may have. ANTLR's own depth limit counts
/// expressions, not the grammar rules between them: a list nested 100 deep overflowed the
/// stack before reaching it.
const MAX_NESTING: usize = 64;

/// The deepest nesting of `(`, `[` and `{` in `text` (counted anywhere, strings included).
fn nesting(text: &str) -> usize {
    let mut depth = 0usize;
    let mut deepest = 0;
    for byte in text.bytes() {
        match byte {
            b'(' | b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// A CEL parse error as a sentence for people, and where it is (line, column) when the
/// parser knows. The parser's own texts include Rust debug dumps (`OtherError(ParseError
/// { ... })`) and internal names (`ExprContext`), which say nothing to a rule author.
fn syntax_error(errors: &cel::ParseErrors) -> (String, Option<(isize, isize)>) {
    let texts: Vec<(String, &cel::parser::ParseError)> = errors
        .errors
        .iter()
        .map(|e| {
            // The source's debug text is read for what it says, never shown.
            let text = match &e.source {
                Some(source) => format!("{} {source:?}", e.msg),
                None => e.msg.clone(),
            };
            (text, e)
        })
        .collect();
    if texts.iter().any(|(text, _)| text.contains("ecursion limit")) {
        let message =
            "the expression nests too deeply for the parser (parentheses, `? :` or operators inside \
                       one another); split it into several rules or `data` entries"
                .to_string();
        return (message, None);
    }
    let Some((text, first)) = texts.first() else {
        return ("the expression cannot be parsed".to_string(), None);
    };
    let position = (first.pos.0 > 0).then_some((first.pos.0, first.pos.1));
    let text = text.strip_prefix("Syntax error: ").unwrap_or(text);
    let message = if text.starts_with("Incomplete `ExprContext`") {
        let what = if text.contains("_?_:_") { "a `condition ? a : b`" } else { "an operator" };
        format!("{what} is missing a part (or the expression nests too deeply to parse)")
    } else if text == "UNKNOWN" || text.contains("Error(") || text.contains("{ ") {
        "the expression cannot be parsed".to_string()
    } else {
        let text = text
            .replace("mismatched input '<EOF>'", "unexpected end of the expression")
            .replace("'<EOF>'", "the end of the expression");
        // ANTLR lists every token it would accept; the first few say enough.
        match text.split_once(" expecting {") {
            Some((head, tokens)) => {
                let tokens: Vec<&str> = tokens.trim_end_matches('}').split(", ").collect();
                let shown = tokens.iter().take(6).copied().collect::<Vec<_>>().join(", ");
                let more = if tokens.len() > 6 { ", ..." } else { "" };
                format!("{head}, expecting one of {shown}{more}")
            }
            None => text,
        }
    };
    (message, position)
}

fn operators(text: &str) -> usize {
    text.bytes().filter(|b| b"+-*/%<>=!&|?:.[(".contains(b)).count()
}

impl Expr {
    /// An expression written at `span` of `file`, not compiled yet.
    pub fn new(text: &str, span: Span, file: &Arc<SourceFile>, origin: Origin) -> Self {
        Self { text: text.to_string(), span, file: Arc::clone(file), origin, program: OnceLock::new() }
    }

    /// Compiles a user's `text` now, reporting a syntax error or an unknown variable.
    pub fn compile(text: &str, span: Span, file: &Arc<SourceFile>) -> Result<Self, ExprError> {
        let expr = Self::new(text, span, file, Origin::User);
        expr.check()?;
        Ok(expr)
    }

    /// Compiles the expression (once) and reports what is wrong with it.
    pub fn check(&self) -> Result<(), ExprError> {
        self.program().map(|_| ())
    }

    fn program(&self) -> Result<&Arc<Compiled>, ExprError> {
        let compile = || build(&self.text, self.span, &self.file, self.origin);
        self.program.get_or_init(compile).as_ref().map_err(Clone::clone)
    }

    /// The value of the expression by its [`Plan`] in `scope`, or `None` where only CEL
    /// can tell (no plan, an error, a shape the plan leaves to CEL).
    pub fn plan_value<'e, 'v>(&'e self, scope: &'e dyn Scope<'v>) -> Option<CowVal<'e, 'v>> {
        self.program().ok()?.plan.as_ref()?.eval(scope)
    }

    /// As [`Expr::plan_value`], for a boolean.
    pub fn plan_bool(&self, scope: &dyn Scope<'_>) -> Option<bool> {
        self.program().ok()?.plan.as_ref()?.eval_bool(scope)
    }

    /// Evaluates the expression: by its [`Plan`] in `scope` when it has one that answers,
    /// else by CEL in `context`. Both must give every variable the same value.
    pub fn eval(&self, scope: &dyn Scope<'_>, context: &dyn CelContext) -> Result<Value, String> {
        let compiled = self.program().map_err(|e| e.message)?;
        let planned = compiled.plan.as_ref().and_then(|plan| plan.eval(scope));
        if let Some(value) = planned.and_then(|v| super::view::materialize(v.as_ref()).ok()) {
            return Ok(value);
        }
        compiled.eval_by_cel(context.cel())
    }

    /// Appends the expression's value as text ([`to_text`]) to `out`, evaluated as
    /// [`Expr::eval`] does. A planned string or integer is written as it is: converting it
    /// to a `Value` and that to a new `String` was a fifth of rendering a message.
    pub fn write_text(
        &self,
        scope: &dyn Scope<'_>,
        context: &dyn CelContext,
        out: &mut String,
    ) -> Result<(), String> {
        let compiled = self.program().map_err(|e| e.message)?;
        if let Some(value) = compiled.plan.as_ref().and_then(|plan| plan.eval(scope)) {
            if let Some(text) = value.downcast_ref::<CelString>() {
                out.push_str(text.inner());
                return Ok(());
            }
            if let Some(number) = value.downcast_ref::<CelInt>() {
                use std::fmt::Write as _;
                let _ = write!(out, "{}", number.inner());
                return Ok(());
            }
            if let Ok(value) = super::view::materialize(value.as_ref()) {
                out.push_str(&to_text(&value));
                return Ok(());
            }
        }
        out.push_str(&to_text(&compiled.eval_by_cel(context.cel())?));
        Ok(())
    }

    /// Checks the first-level field names the expression reads from the closed facts
    /// (`resource.cout` is an error with a did-you-mean); see `fields.rs`.
    pub fn check_fields(&self, target: super::rule::Target) -> Result<(), ExprError> {
        let compiled = self.program()?;
        let Some((variable, field)) = super::fields::unknown_field(compiled.tree.expression(), target) else {
            return Ok(());
        };
        let known = super::fields::known(&variable, target).unwrap_or_default();
        let hint = crate::suggest::closest(&field, known.iter().copied()).map_or_else(
            || format!("`{variable}` has {}", known.join(", ")),
            |s| format!("did you mean `{s}`?"),
        );
        let needle = format!("{variable}.{field}");
        let span = self
            .file
            .text
            .get(self.span.start()..self.span.end())
            .and_then(|source| source.find(&needle))
            .map_or(self.span, |at| {
                let start = self.span.start() + at + variable.len() + 1;
                Span::new(start, start + field.len())
            });
        Err(ExprError { message: format!("`{variable}` has no field `{field}`; {hint}"), span })
    }

    /// Evaluates to a boolean; anything else is an error naming the type.
    pub fn eval_bool(&self, scope: &dyn Scope<'_>, context: &dyn CelContext) -> Result<bool, String> {
        let compiled = self.program().map_err(|e| e.message)?;
        if let Some(answer) = compiled.plan.as_ref().and_then(|plan| plan.eval_bool(scope)) {
            return Ok(answer);
        }
        match compiled.eval_by_cel(context.cel())? {
            Value::Bool(b) => Ok(b),
            other => Err(format!("expected a boolean, got {}", type_name(&other))),
        }
    }
}

/// Compiles `text`, written at `span` of `file`; a user's text must name only known variables.
fn build(text: &str, span: Span, file: &SourceFile, origin: Origin) -> Result<Arc<Compiled>, ExprError> {
    {
        if origin == Origin::User && operators(text) > MAX_OPERATORS {
            return Err(ExprError {
                message: format!(
                    "CEL expression too large: more than {MAX_OPERATORS} operators, dots and brackets \
                     (split it into several rules, or test membership with `in [...]`)"
                ),
                span,
            });
        }
        if origin == Origin::User && nesting(text) > MAX_NESTING {
            return Err(ExprError {
                message: format!(
                    "CEL expression nested too deeply: brackets more than {MAX_NESTING} levels deep \
                     (split it into several rules or `data` entries)"
                ),
                span,
            });
        }
        let program = compile_cached(text, origin).map_err(|errors| {
            let (message, position) = syntax_error(&errors);
            let span = position.map_or(span, |(line, column)| locate(file, span, text, line, column));
            ExprError { message: format!("CEL syntax error: {message}"), span }
        })?;
        if origin == Origin::User {
            if let Some(message) = super::budget::over_budget(program.tree.expression()) {
                return Err(ExprError { message, span });
            }
        }
        // The built-in rules are fixed at build time, and a test checks every one of their
        // expressions here (`every_built_in_expression_names_only_known_variables`): at start-up
        // the check was a quarter of compiling them.
        if origin == Origin::User {
            unknown_variable(text, span, file, &program)?;
        }
        Ok(program)
    }
}

/// An error for the first variable `text` reads that rules do not have (comprehension
/// variables aside).
fn unknown_variable(text: &str, span: Span, file: &SourceFile, program: &Compiled) -> Result<(), ExprError> {
    let bound = comprehension_variables(text);
    let references = program.tree.expression().references();
    let unknown = references
        .variables()
        .into_iter()
        .find(|v| !VARIABLES.contains(v) && !NOT_VARIABLES.contains(v) && !bound.iter().any(|b| b == v))
        .map(str::to_string);
    if let Some(name) = unknown {
        let span = find_word(text, &name)
            .map_or(span, |(line, column)| locate(file, span, text, line, column).with_len(name.len()));
        let hint = crate::suggest::closest(&name, VARIABLES.iter().copied())
            .map(|s| format!("did you mean `{s}`? "))
            .unwrap_or_default();
        return Err(ExprError {
            message: format!("unknown variable `{name}`; {hint}rules can use {}", VARIABLES.join(", ")),
            span,
        });
    }
    Ok(())
}

/// A value as CEL evaluates it, which may borrow text for `'a`. Subjects lend their
/// rules these through a [`cel::context::VariableResolver`], so no fact is copied per rule.
pub type CelVal<'a> = Box<dyn cel::common::value::Val + 'a>;

/// Converts facts to a CEL value directly (CEL's own `Value` conversion copies every
/// map twice). Every integer becomes `int` (serde's conversion would make positive ones
/// `uint`, and `uint + int` is an error in CEL).
pub fn to_val(json: &Json) -> CelVal<'static> {
    match json {
        Json::Null => Box::new(CelNull),
        Json::Bool(b) => Box::new(CelBool::from(*b)),
        Json::Number(n) => n.as_i64().map_or_else(
            || Box::new(CelDouble::from(n.as_f64().unwrap_or(f64::NAN))) as CelVal<'static>,
            |i| Box::new(CelInt::from(i)),
        ),
        Json::String(s) => Box::new(CelString::from(s.clone())),
        Json::Array(items) => list_val(items.iter().map(to_val).collect()),
        Json::Object(entries) => {
            let mut map = MapVal::with_capacity(entries.len());
            for (key, value) in entries {
                map.put_owned(key.clone(), to_val(value));
            }
            map.build()
        }
    }
}

/// A spec node as a CEL value borrowing its text: the value `to_val(&node.to_json())`
/// gives, without copying.
pub fn node_to_val(node: &Node) -> CelVal<'_> {
    match &node.value {
        NodeValue::Bool(b) => Box::new(CelBool::from(*b)),
        NodeValue::Int(i) => Box::new(CelInt::from(*i)),
        NodeValue::Float(f) if f.is_finite() => Box::new(CelDouble::from(*f)),
        // JSON has no NaN or infinity: as in `Node::to_json`, they are null.
        NodeValue::Null | NodeValue::Float(_) => Box::new(CelNull),
        NodeValue::Str(s) => str_val(s),
        NodeValue::Seq(items) => list_val(items.iter().map(node_to_val).collect()),
        NodeValue::Map(entries) => {
            let mut map = MapVal::with_capacity(entries.len());
            for entry in entries {
                map.put(&entry.key.name, node_to_val(&entry.value));
            }
            map.build()
        }
    }
}

/// CEL's null.
pub fn null_val<'a>() -> CelVal<'a> {
    Box::new(CelNull)
}

/// A CEL string borrowing `text`.
pub fn str_val(text: &str) -> CelVal<'_> {
    Box::new(CelString::from(text))
}

/// A CEL string, or null.
pub fn opt_str_val(text: Option<&str>) -> CelVal<'_> {
    text.map_or_else(null_val, str_val)
}

/// A CEL list of values.
pub fn list_val(items: Vec<CelVal<'_>>) -> CelVal<'_> {
    Box::new(CelList::from(items))
}

/// Builds a CEL map with string keys; a repeated key keeps its last value, as JSON
/// objects do.
pub struct MapVal<'a>(HashMap<CelMapKey<'a>, CelVal<'a>>);

impl<'a> MapVal<'a> {
    pub fn with_capacity(capacity: usize) -> Self {
        Self(HashMap::with_capacity(capacity))
    }

    /// Sets `key`, borrowed (field names are mostly literals or the spec's own text).
    pub fn put(&mut self, key: &'a str, value: CelVal<'a>) {
        self.0.insert(CelMapKey::String(CelString::from(key)), value);
    }

    pub fn put_owned(&mut self, key: String, value: CelVal<'a>) {
        self.0.insert(CelMapKey::String(CelString::from(key)), value);
    }

    pub fn build(self) -> CelVal<'a> {
        Box::new(CelMap::from(self.0))
    }
}

/// Converts a CEL result back to JSON, for the `data` of a finding.
pub fn to_json(value: &Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::UInt(u) => Json::from(*u),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
        Value::String(s) => Json::String(s.to_string()),
        Value::List(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Map(map) => {
            let mut entries: Vec<(String, Json)> = map
                .map
                .iter()
                .map(|(k, v)| {
                    let key = match k {
                        Key::String(s) => s.to_string(),
                        Key::Int(i) => i.to_string(),
                        Key::Uint(u) => u.to_string(),
                        Key::Bool(b) => b.to_string(),
                    };
                    (key, to_json(v))
                })
                .collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Json::Object(entries.into_iter().collect())
        }
        other => Json::String(to_text(other)),
    }
}

/// Text of a value inside a message.
pub fn to_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.to_string(),
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Float(f) => format_number(*f),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_string(),
        // A list of plain values reads as `a, b`; maps, and lists holding maps or lists,
        // as compact JSON (never a Rust debug dump).
        Value::List(items) if !items.iter().any(|i| matches!(i, Value::List(_) | Value::Map(_))) => {
            items.iter().map(to_text).collect::<Vec<_>>().join(", ")
        }
        Value::List(_) | Value::Map(_) => to_json(value).to_string(),
        other => format!("{other:?}"),
    }
}

/// A number as people write it: no trailing `.0` noise, at most three decimals.
pub fn format_number(value: f64) -> String {
    let text = format!("{value:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" { "0".to_string() } else { text.to_string() }
}

/// A price with at least two decimals and thousands separators: `43.00`, `0.063`, `1,099.00`.
pub fn format_price(value: f64) -> String {
    let text = format!("{value:.3}");
    let text = text.strip_suffix('0').unwrap_or(&text);
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{frac}")
}

/// The CEL environment rules run in: the standard library plus the strings and lists
/// extensions (`list.join(", ")`, `s.lowerAscii()`, `list.distinct()`, ...) and
/// ecslint's `price()`, `number()` and `daysBetween()`.
pub fn environment() -> Arc<cel::Env> {
    let mut env = cel::Env::stdlib();
    // The extensions only add overloads the standard library lacks; a conflict would be a
    // bug in the crate, and rules then simply cannot use that extension function.
    let _ = env.add_extension(cel::extensions::strings);
    let _ = env.add_extension(cel::extensions::lists);
    // Declared on the environment, not on each subject's context: they are not standard
    // CEL names, so registering cannot conflict.
    let _ = cel::add_overload!(env, fn price: (CelDouble) -> CelString);
    let _ = cel::add_overload!(env, fn number: (CelDouble) -> CelString);
    let _ = cel::add_overload!(env, fn daysBetween: (CelString, CelString) -> CelInt);
    Arc::new(env)
}

/// `daysBetween(from, to)`: days from one `YYYY-MM-DD` date to another (negative when `to`
/// is earlier), for dates in facts such as `image.built` and `asOf`; 0 when either is not
/// such a date, so guard with `!= null` as the facts allow.
#[allow(non_snake_case, clippy::trivially_copy_pass_by_ref)] // the CEL name; `add_overload!` passes by reference
fn daysBetween(from: &CelString, to: &CelString) -> CelInt {
    CelInt::from(days_between(from.inner(), to.inner()))
}

/// What `daysBetween` returns, shared with the plans (`plan.rs`).
pub fn days_between(from: &str, to: &str) -> i64 {
    match (crate::date::Date::parse(from), crate::date::Date::parse(to)) {
        (Some(from), Some(to)) => from.days_until(to),
        _ => 0,
    }
}

/// `price(x)`: a price as [`format_price`] writes it.
#[allow(clippy::trivially_copy_pass_by_ref)] // `add_overload!` passes arguments by reference
fn price(value: &CelDouble) -> CelString<'static> {
    CelString::from(format_price(*value.inner()))
}

/// `number(x)`: a number as [`format_number`] writes it.
#[allow(clippy::trivially_copy_pass_by_ref)] // `add_overload!` passes arguments by reference
fn number(value: &CelDouble) -> CelString<'static> {
    CelString::from(format_number(*value.inner()))
}

const fn type_name(value: &Value) -> &'static str {
    match value {
        Value::List(_) => "a list",
        Value::Map(_) => "a map",
        Value::Int(_) | Value::UInt(_) => "an integer",
        Value::Float(_) => "a double",
        Value::String(_) => "a string",
        Value::Bool(_) => "a boolean",
        Value::Null => "null",
        _ => "a value",
    }
}

/// Variables bound by comprehension macros (`list.exists(x, ...)`), which CEL reports as references.
fn comprehension_variables(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for macro_name in ["all(", "exists(", "exists_one(", "map(", "filter("] {
        let mut rest = text;
        while let Some(at) = rest.find(macro_name) {
            let after = rest.get(at + macro_name.len()..).unwrap_or("");
            if rest.get(..at).is_some_and(|before| before.ends_with('.')) {
                let name: String =
                    after.trim_start().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if !name.is_empty() {
                    names.push(name);
                }
            }
            rest = after;
        }
    }
    names
}

/// The 1-based line and column of the first whole-word occurrence of `word`.
fn find_word(text: &str, word: &str) -> Option<(isize, isize)> {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    for (line_no, line) in text.lines().enumerate() {
        let mut from = 0;
        while let Some(at) = line.get(from..).and_then(|l| l.find(word)).map(|i| i + from) {
            let before = line.get(..at).and_then(|s| s.chars().next_back());
            let after = line.get(at + word.len()..).and_then(|s| s.chars().next());
            if !before.is_some_and(is_ident) && !after.is_some_and(is_ident) && before != Some('.') {
                let column = line.get(..at).map_or(0, |s| s.chars().count());
                return Some((isize::try_from(line_no + 1).ok()?, isize::try_from(column + 1).ok()?));
            }
            from = at + word.len();
        }
    }
    None
}

/// Maps a 1-based line and column inside an expression to a span in the rule file.
fn locate(file: &SourceFile, span: Span, text: &str, line: isize, column: isize) -> Span {
    let (Ok(line), Ok(column)) = (usize::try_from(line), usize::try_from(column)) else { return span };
    let Some(line_text) = text.lines().nth(line.saturating_sub(1)) else {
        return Span::new(span.end(), span.end());
    };
    let Some(source) = file.text.get(span.start()..span.end()) else { return span };
    let Some(found) = source.find(line_text).filter(|_| !line_text.is_empty()) else { return span };
    let start = span.start() + found;
    let column_bytes =
        line_text.char_indices().nth(column.saturating_sub(1)).map_or(line_text.len(), |(i, _)| i);
    let at = start + column_bytes;
    let width = file.text.get(at..).and_then(|s| s.chars().next()).map_or(0, char::len_utf8);
    Span::new(at, (at + width).min(span.end().max(at)))
}

trait WithLen {
    fn with_len(self, len: usize) -> Self;
}

impl WithLen for Span {
    fn with_len(self, len: usize) -> Self {
        Span::new(self.start(), self.start() + len)
    }
}

mod braces;
mod context;
mod template;
pub use context::{CelContext, LazyContext};
pub use template::Template;

#[cfg(test)]
mod tests;
