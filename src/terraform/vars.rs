//! Input variables of root modules, in Terraform's precedence (later wins): `variable`
//! defaults, `terraform.tfvars`, `terraform.tfvars.json`, `*.auto.tfvars[.json]` in lexical
//! order, `--var-file` in order, `--var` in order.
//!
//! `TF_VAR_*` environment variables are deliberately not read: a lint run must give the same
//! findings on every machine for the same files and flags.

use super::ast::{Expr, Kind};
use super::expr::{Eval, Names, Step};
use super::modules::ModuleDef;
use super::parse;
use crate::diag::{Finding, Label, Location};
use crate::iac::{Given, Options};
use crate::source::{SourceFile, Span};
use crate::terraform::value::{Val, Value};
use foldhash::{HashMap, HashMapExt as _};
use std::sync::Arc;

/// Where a variable's value came from.
#[derive(Clone, Debug)]
pub enum VarValue {
    /// Set in the module itself or for a root (a default, a `.tfvars` line, `--var`): used at
    /// the reference, with `label` on the definition.
    Set(Val, Option<Label>),
    /// A module call's argument: `at` is already the outermost calling expression.
    Input(Val),
}

/// Names in a `.tfvars` file or `--var` value: none may be referred to. Counts steps left
/// and depth.
struct NoNames(u64, usize, usize);

impl Names for NoNames {
    fn resolve(&mut self, root: &str, _steps: &[Step], at: &Location) -> (Val, usize) {
        (Val::unknown(format!("`{root}` cannot be used in a variables file"), at.clone()), 0)
    }
    fn enter(&mut self) -> bool {
        if self.0 == 0 || self.1 >= super::MAX_NESTING {
            return false;
        }
        self.0 -= 1;
        self.1 += 1;
        true
    }
    fn leave(&mut self) {
        self.1 = self.1.saturating_sub(1);
    }
    fn charge(&mut self, units: usize) -> bool {
        self.2 = self.2.saturating_sub(units);
        self.2 > 0
    }
    fn room(&self) -> usize {
        self.2
    }
}

/// Evaluates a constant expression (a `.tfvars` value, a `--var`, a variable's `default`).
/// Terraform evaluates them without functions ("Function calls not allowed"), so one that
/// calls a function is unknown, not the value the function would give.
pub fn constant(file: &Arc<SourceFile>, expr: &Expr) -> Val {
    if let Some(call) = function_call(expr) {
        let at = crate::diag::Location::new(file.clone(), call.span);
        return Val::unknown("a function call where Terraform allows none: Terraform rejects it", at);
    }
    let mut names = NoNames(1_000_000, 0, super::MAX_WEIGHT);
    Eval::new(file.clone(), &mut names).eval(expr)
}

/// The first function call within `expr`, if any.
fn function_call(expr: &Expr) -> Option<&Expr> {
    first_call(expr, Reach::Anywhere)
}

/// Which parts of an expression [`first_call`] looks in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reach {
    Anywhere,
    /// Only what Terraform evaluates whatever the values: HCL drops the errors of a branch
    /// not taken, of a `for` body over no element, and of the side of `&&` or `||` that
    /// does not decide.
    Always,
}

/// The first function call in `expr` (by place) within `reach`, if any.
fn first_call(expr: &Expr, reach: Reach) -> Option<&Expr> {
    use super::ast::{Op, Part};
    use hcl_edit::expr::BinaryOperator;
    fn parts(template: &[Part], anywhere: bool) -> Vec<&Expr> {
        let mut found = Vec::new();
        let mut pending: Vec<&[Part]> = vec![template];
        while let Some(template) = pending.pop() {
            for part in template {
                match part {
                    Part::Lit(_) => {}
                    Part::Interp(e) => found.push(e),
                    Part::If(cond, then, otherwise) => {
                        found.push(cond);
                        if anywhere {
                            pending.extend([&then[..], &otherwise[..]]);
                        }
                    }
                    Part::For { collection, body, .. } => {
                        found.push(collection);
                        if anywhere {
                            pending.push(body);
                        }
                    }
                }
            }
        }
        found
    }
    let anywhere = reach == Reach::Anywhere;
    let mut first: Option<&Expr> = None;
    let mut stack = vec![expr];
    while let Some(expr) = stack.pop() {
        match &expr.kind {
            Kind::Call(..) => {
                if first.is_none_or(|f| expr.span.start() < f.span.start()) {
                    first = Some(expr);
                }
            }
            Kind::Template(template) => stack.extend(parts(template, anywhere)),
            Kind::Array(items) => stack.extend(items),
            Kind::Object(entries) => stack.extend(entries.iter().flat_map(|(k, v)| [k, v])),
            Kind::Traverse(inner, ops) => {
                stack.push(inner);
                stack.extend(ops.iter().filter_map(|op| match op {
                    Op::Index(index) => Some(index),
                    Op::Attr(_) | Op::Splat => None,
                }));
            }
            Kind::Cond(a, b, c) => {
                stack.push(a);
                if anywhere {
                    stack.extend([&**b, &**c]);
                }
            }
            Kind::Unary(_, a) => stack.push(a),
            Kind::Binary(op, a, b) => {
                stack.push(a);
                if anywhere || !matches!(op, BinaryOperator::And | BinaryOperator::Or) {
                    stack.push(b);
                }
            }
            Kind::For(f) => {
                stack.push(&f.collection);
                if anywhere {
                    stack.push(&f.value);
                    stack.extend(f.key.iter().chain(&f.cond));
                }
            }
            Kind::In(_, inner) => stack.push(inner),
            Kind::Null | Kind::Bool(_) | Kind::Number(_) | Kind::Str(_) | Kind::Var(_) | Kind::Bad(_) => {}
        }
    }
    first
}

/// Whether a variable's `type` makes `--var` values literal strings: no type, or a primitive
/// one (`string`, `number`, `bool`, or the 0.11-era `"string"`), as Terraform reads them; the
/// string is then converted to the type (`--var enabled=1` is `true`).
fn literal_type(ty: Option<&Expr>) -> bool {
    match ty.map(|e| &e.kind) {
        None => true,
        Some(Kind::Var(name) | Kind::Str(name)) => matches!(name.as_str(), "string" | "number" | "bool"),
        Some(_) => false,
    }
}

/// The defaults of a module's variables (no default: unset).
pub fn defaults(def: &ModuleDef) -> HashMap<String, VarValue> {
    let mut out = HashMap::new();
    for item in def.blocks("variable") {
        let Some(name) = item.block.labels.first() else { continue };
        if let Some(default) = item.block.body.attr("default") {
            let v = constant(&item.file, &default.expr);
            let label = Label { location: v.at.clone(), message: format!("default of var.{name}") };
            out.insert(name.clone(), VarValue::Set(v, Some(label)));
        }
    }
    out
}

/// `nullable = false`: a variable given `null` (by a module call's argument, a `.tfvars`
/// line) takes its default instead, as Terraform gives it ("Terraform uses the default when
/// a module input argument is null"). Without it, `null` is the value, default or not. With
/// no default (or a `null` one), Terraform rejects the `null`: the value is unknown.
pub fn default_for_null(def: &ModuleDef, values: &mut HashMap<String, VarValue>) {
    for item in def.blocks("variable") {
        let body = &item.block.body;
        let not_nullable =
            body.attr("nullable").is_some_and(|a| matches!(a.expr.written().kind, Kind::Bool(false)));
        let (Some(name), true) = (item.block.labels.first(), not_nullable) else { continue };
        let Some(VarValue::Set(given, _) | VarValue::Input(given)) = values.get(name) else { continue };
        if !matches!(given.value, Value::Null) {
            continue;
        }
        let default = body.attr("default").filter(|d| !matches!(d.expr.written().kind, Kind::Null));
        let value = if let Some(default) = default {
            let v = constant(&item.file, &default.expr);
            let message = format!("default of var.{name}, which is not nullable");
            let label = Label { location: v.at.clone(), message };
            VarValue::Set(v, Some(label))
        } else {
            let why = format!(
                "`var.{name}` is not nullable and given `null` without a default: Terraform rejects it"
            );
            VarValue::Set(Val::unknown(why, given.at.clone()), None)
        };
        values.insert(name.clone(), value);
    }
}

/// What a module instance's variables weigh against the value budget (each up to `room`).
pub fn weight(values: &HashMap<String, VarValue>, room: usize) -> usize {
    values.values().fold(0_usize, |sum, value| {
        let (VarValue::Set(v, _) | VarValue::Input(v)) = value;
        sum.saturating_add(super::expr::weight(v, room))
    })
}

/// Makes unknown each variable declared more than once in the module (in two of its files,
/// say). Terraform rejects such a module ("Duplicate variable declaration"), so no value is
/// the one it would use: taking one of them would give findings on a value never deployed.
pub fn forget_declared_twice(def: &ModuleDef, values: &mut HashMap<String, VarValue>) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for item in def.blocks("variable") {
        let Some(name) = item.block.labels.first() else { continue };
        let times = seen.entry(name.as_str()).or_default();
        *times += 1;
        if *times == 2 {
            let why = format!(
                "`var.{name}` is declared more than once in its module, which Terraform rejects \
                 (Duplicate variable declaration)"
            );
            let at = Location::new(item.file.clone(), item.block.head);
            values.insert(name.clone(), VarValue::Set(Val::unknown(why, at), None));
        }
    }
}

/// Makes unknown every variable of the module, for a variables file that does not parse,
/// could not be read or holds what Terraform rejects (`file`, `what` of these, its S001 at
/// `at`). Terraform stops at such a file, so neither a default nor an
/// earlier file's value is the one it would use, and the broken file may set any variable:
/// a finding on either would be about a value never deployed. A later file or `--var`
/// still sets its variables, as it would win over the broken file's value anyway.
fn forget_all(
    def: &ModuleDef,
    values: &mut HashMap<String, VarValue>,
    file: &str,
    what: &str,
    at: &Location,
) {
    // The declared ones, and any set so far that the run's files do not declare (with
    // `--no-context`, the file declaring it may not be among them).
    let declared = def.blocks("variable").filter_map(|item| item.block.labels.first().cloned());
    let names: foldhash::HashSet<String> = declared.chain(values.keys().cloned()).collect();
    for name in names {
        let why = format!("`{file}` {what} (see its S001), and may set `var.{name}`: its value is not known");
        values.insert(name, VarValue::Set(Val::unknown(why, at.clone()), None));
    }
}

/// What Terraform rejects in a variables file that parses (an S001 each): a block, and a
/// function call it always evaluates ("Function calls not allowed"; see [`Reach::Always`]),
/// as it reads the file as attributes alone and evaluates each with no functions. A JSON
/// file's strings are not templates there, so only an HCL file is looked at.
fn rejected(file: &Arc<SourceFile>, body: &super::ast::Body) -> Vec<Finding> {
    use crate::spec::codes::PARSE_ERROR;
    if parse::is_json(&file.name) {
        return Vec::new();
    }
    let blocks = body.blocks.iter().map(|block| {
        PARSE_ERROR
            .finding(
                format!("a block (`{}`) in a variables file: Terraform stops on this file", block.kind),
                Location::new(Arc::clone(file), block.head),
            )
            .with_help("a variables file holds `name = value` lines only")
    });
    let calls = body.attrs.iter().filter_map(|attr| first_call(&attr.expr, Reach::Always)).map(|call| {
        PARSE_ERROR
            .finding(
                "a function call in a variables file: Terraform stops on this file",
                Location::new(Arc::clone(file), call.span),
            )
            .with_help("write the value itself; a value worked out by functions belongs in the configuration (`locals`)")
    });
    let mut found: Vec<Finding> = blocks.chain(calls).collect();
    found.sort_by_key(|f| f.location.span.start());
    found
}

/// The value a `--var NAME=TEXT` gives: the text itself for a variable with no type or a
/// primitive one, else the HCL expression it writes.
fn var_value(def: &ModuleDef, name: &str, text: &str) -> Val {
    let ty = def
        .blocks("variable")
        .find(|item| item.block.labels.first().is_some_and(|l| l == name))
        .and_then(|item| item.block.body.attr("type"))
        .map(|a| a.expr.written());
    let file = Arc::new(SourceFile::new(format!("--var {name}"), text));
    let whole = Span::new(0, text.len());
    if literal_type(ty) {
        return Val::new(Value::String(text.to_string()), Location::new(file, whole));
    }
    match parse::parse_expr_text(text, whole) {
        Some(expr) => constant(&file, &expr),
        None => Val::unknown(
            format!("the --var value of `{name}` is not an HCL expression"),
            Location::new(file, whole),
        ),
    }
}

/// The values of a root module's variables.
pub fn root_values(
    def: &ModuleDef,
    tfvars: &[Arc<SourceFile>],
    options: &Options,
    parsed: &parse::Parsed,
    findings: &mut Vec<Finding>,
) -> HashMap<String, VarValue> {
    let mut values = defaults(def);
    let base = |f: &Arc<SourceFile>| f.base_name().to_string();
    let mut auto: Vec<&Arc<SourceFile>> = tfvars
        .iter()
        .filter(|f| base(f).ends_with(".auto.tfvars") || base(f).ends_with(".auto.tfvars.json"))
        .collect();
    auto.sort_by_key(|f| base(f));
    let mut ordered: Vec<&Arc<SourceFile>> = Vec::new();
    ordered.extend(tfvars.iter().filter(|f| base(f) == "terraform.tfvars"));
    ordered.extend(tfvars.iter().filter(|f| base(f) == "terraform.tfvars.json"));
    ordered.extend(auto);
    let mut steps: Vec<Given<'_>> = ordered.into_iter().map(Given::File).collect();
    steps.extend(options.command_line());
    for step in steps {
        match step {
            Given::File(file) => {
                if options.is_unread(file) {
                    let at = Location::new(Arc::clone(file), Span::default());
                    forget_all(def, &mut values, &file.name, "could not be read", &at);
                    continue;
                }
                let body = parsed.get(file);
                let reported =
                    |findings: &[Finding]| findings.iter().any(|f| Arc::ptr_eq(&f.location.file, file));
                let body = match &*body {
                    Ok(body) => body,
                    Err(finding) => {
                        if !reported(findings) {
                            findings.push((**finding).clone());
                        }
                        let what = "does not parse, and Terraform stops on it";
                        forget_all(def, &mut values, &file.name, what, &finding.location);
                        continue;
                    }
                };
                let rejected = rejected(file, body);
                if let Some(first) = rejected.first() {
                    let at = first.location.clone();
                    if !reported(findings) {
                        findings.extend(rejected);
                    }
                    let what = "holds a block or a function call, which Terraform rejects";
                    forget_all(def, &mut values, &file.name, what, &at);
                    continue;
                }
                for attr in &body.attrs {
                    let v = constant(file, &attr.expr);
                    let label = Label { location: v.at.clone(), message: format!("set in {}", base(file)) };
                    values.insert(attr.name.clone(), VarValue::Set(v, Some(label)));
                }
            }
            Given::Var(name, text) => {
                values.insert(name.to_string(), VarValue::Set(var_value(def, name, text), None));
            }
        }
    }
    for (name, at, why) in &options.unknown_vars {
        values.insert(name.clone(), VarValue::Set(Val::unknown(why.as_str(), at.clone()), None));
    }
    // A value for a variable the module does not declare is Terraform's warning, and `var.x`
    // its error ("Reference to undeclared input variable"): not a value to check. Unless the
    // run holds only named files of the module (`--no-context`: its `variables.tf` may not be
    // among them), whose `--var`s are taken as given.
    if !options.twins_on_disk {
        let declared: foldhash::HashSet<&str> =
            def.blocks("variable").filter_map(|item| item.block.labels.first().map(String::as_str)).collect();
        values.retain(|name, _| declared.contains(name.as_str()));
    }
    default_for_null(def, &mut values);
    super::types::apply(def, &mut values);
    forget_declared_twice(def, &mut values);
    values
}
