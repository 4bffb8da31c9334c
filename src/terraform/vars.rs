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

/// The first function call within `expr` (by place), if any.
fn function_call(expr: &Expr) -> Option<&Expr> {
    within(expr).into_iter().filter(|e| matches!(e.kind, Kind::Call(..))).min_by_key(|e| e.span.start())
}

/// Every expression within `expr`, itself included, those of its templates too.
fn within(expr: &Expr) -> Vec<&Expr> {
    use super::ast::{Op, Part};
    let mut all = Vec::new();
    let mut stack = vec![expr];
    let mut templates: Vec<&[Part]> = Vec::new();
    loop {
        while let Some(template) = templates.pop() {
            for part in template {
                match part {
                    Part::Lit(_) => {}
                    Part::Interp(e) => stack.push(e),
                    Part::If(cond, then, otherwise) => {
                        stack.push(cond);
                        templates.extend([&then[..], &otherwise[..]]);
                    }
                    Part::For { collection, body, .. } => {
                        stack.push(collection);
                        templates.push(body);
                    }
                }
            }
        }
        let Some(expr) = stack.pop() else { return all };
        all.push(expr);
        match &expr.kind {
            Kind::Call(_, args, _) => stack.extend(args),
            Kind::Template(template) => templates.push(template),
            Kind::Array(items) => stack.extend(items),
            Kind::Object(entries) => stack.extend(entries.iter().flat_map(|(k, v)| [k, v])),
            Kind::Traverse(inner, ops) => {
                stack.push(inner);
                stack.extend(ops.iter().filter_map(|op| match op {
                    Op::Index(index) => Some(index),
                    Op::Attr(_) | Op::Splat => None,
                }));
            }
            Kind::Cond(a, b, c) => stack.extend([&**a, &**b, &**c]),
            Kind::Unary(_, a) | Kind::In(_, a) => stack.push(a),
            Kind::Binary(_, a, b) => stack.extend([&**a, &**b]),
            Kind::For(f) => {
                stack.extend([&f.collection, &f.value]);
                stack.extend(f.key.iter().chain(&f.cond));
            }
            Kind::Null | Kind::Bool(_) | Kind::Number(_) | Kind::Str(_) | Kind::Var(_) | Kind::Bad(_) => {}
        }
    }
}

/// The first part of `expr` (by place) that Terraform rejects where it evaluates with no
/// functions and no names (a variables file), if any: a function call or a reference (a
/// name that no `for` around it binds, or the traversal it starts). Only what Terraform
/// 1.11 evaluates whatever the values is looked at, as HCL drops the errors of what it
/// does not evaluate: not a conditional's branches (only the one taken is evaluated), nor a
/// `for` expression's key and value (only per element), nor what follows a splat (per
/// element after `[*]`; after `.*` an index applies once, which is missed here), nor either
/// side of `&&` and `||`: Terraform 1.11 evaluates both, but from 1.12 on HCL drops the
/// errors of a side that does not decide, whichever it is. A `for` expression's condition
/// is looked at: HCL evaluates it once beforehand with the `for`'s names unknown, even over
/// no element; but it returns before the condition when the collection's type is unknown,
/// as one taken from the names of a `for` around it may be, so a collection that mentions
/// such a name at all is taken as unknown (a miss where its type is known: `[x]`).
fn first_rejected<'a>(expr: &'a Expr) -> Option<&'a Expr> {
    use super::ast::{Op, Part};
    use hcl_edit::expr::BinaryOperator;
    /// The names a `for` condition binds, and the scope around it (an index into `scopes`).
    struct Scope<'a> {
        names: [Option<&'a str>; 2],
        outer: usize,
    }
    fn binds(scopes: &[Scope<'_>], mut scope: usize, name: &str) -> bool {
        while let Some(s) = scopes.get(scope) {
            if s.names.contains(&Some(name)) {
                return true;
            }
            scope = s.outer;
        }
        false
    }
    // Scope 0 binds nothing, and no scope is around it.
    let mut scopes = vec![Scope { names: [None, None], outer: usize::MAX }];
    let mut first: Option<&Expr> = None;
    let mut found = |expr: &'a Expr| {
        if first.is_none_or(|f: &Expr| expr.span.start() < f.span.start()) {
            first = Some(expr);
        }
    };
    let mut stack = vec![(expr, 0_usize)];
    let mut templates: Vec<(&[Part], usize)> = Vec::new();
    loop {
        // A template's parts go on the stack as their expressions are met.
        while let Some((template, scope)) = templates.pop() {
            for part in template {
                match part {
                    Part::Lit(_) => {}
                    Part::Interp(e) => stack.push((e, scope)),
                    Part::If(cond, ..) => stack.push((cond, scope)),
                    Part::For { collection, .. } => stack.push((collection, scope)),
                }
            }
        }
        let Some((expr, scope)) = stack.pop() else { break };
        match &expr.kind {
            Kind::Call(..) => found(expr),
            Kind::Var(name) if !binds(&scopes, scope, name) => found(expr),
            Kind::Template(template) => templates.push((template, scope)),
            Kind::Array(items) => stack.extend(items.iter().map(|e| (e, scope))),
            Kind::Object(entries) => stack.extend(entries.iter().flat_map(|(k, v)| [(k, scope), (v, scope)])),
            Kind::Traverse(inner, ops) => {
                // A reference is marked whole (`var.x`, not `var`).
                match &inner.kind {
                    Kind::Var(root) if !binds(&scopes, scope, root) => found(expr),
                    _ => stack.push((inner, scope)),
                }
                let each_once = ops.iter().take_while(|op| !matches!(op, Op::Splat));
                stack.extend(each_once.filter_map(|op| match op {
                    Op::Index(index) => Some((index, scope)),
                    Op::Attr(_) | Op::Splat => None,
                }));
            }
            Kind::Cond(a, ..) | Kind::Unary(_, a) | Kind::In(_, a) => stack.push((a, scope)),
            // Neither side of `&&` or `||` (see above), and what holds no expression.
            Kind::Binary(BinaryOperator::And | BinaryOperator::Or, ..)
            | Kind::Null
            | Kind::Bool(_)
            | Kind::Number(_)
            | Kind::Str(_)
            | Kind::Var(_)
            | Kind::Bad(_) => {}
            Kind::Binary(_, a, b) => stack.extend([(&**a, scope), (&**b, scope)]),
            Kind::For(f) => {
                stack.push((&f.collection, scope));
                // In scope 0 no name is bound, so no collection is unknown.
                let bound = |e: &Expr| matches!(&e.kind, Kind::Var(name) if binds(&scopes, scope, name));
                let unknown = scope != 0 && within(&f.collection).into_iter().any(bound);
                if let Some(cond) = f.cond.as_ref().filter(|_| !unknown) {
                    scopes.push(Scope { names: [f.key_var.as_deref(), Some(&f.value_var)], outer: scope });
                    stack.push((cond, scopes.len() - 1));
                }
            }
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
/// function call or a reference it always evaluates ("Function calls not allowed",
/// "Variables not allowed"; see [`first_rejected`]), as it reads the file as attributes alone
/// and evaluates each with no functions and no names. A JSON file's strings are not
/// templates there, so only an HCL file is looked at.
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
    let exprs = body.attrs.iter().filter_map(|attr| first_rejected(&attr.expr)).map(|expr| {
        let (message, help) = if let Kind::Call(..) = expr.kind {
            (
                "a function call in a variables file: Terraform stops on this file".to_string(),
                "write the value itself; a value worked out by functions belongs in the configuration (`locals`)",
            )
        } else {
            (
                format!("a reference (`{}`) in a variables file: Terraform stops on this file", reference(expr)),
                "write the value itself; a value worked out from others belongs in the configuration (`locals`)",
            )
        };
        PARSE_ERROR.finding(message, Location::new(Arc::clone(file), expr.span)).with_help(help)
    });
    let mut found: Vec<Finding> = blocks.chain(exprs).collect();
    found.sort_by_key(|f| f.location.span.start());
    found
}

/// A reference as its name and the attributes that follow it, up to three (`var.x`,
/// `data.alicloud_images.all`): what a message quotes of it.
fn reference(expr: &Expr) -> String {
    use super::ast::Op;
    let (root, ops) = match &expr.kind {
        Kind::Var(name) => (name, &[][..]),
        Kind::Traverse(inner, ops) => match &inner.kind {
            Kind::Var(name) => (name, &ops[..]),
            _ => return String::new(),
        },
        _ => return String::new(),
    };
    let attrs = ops.iter().map_while(|op| if let Op::Attr(a) = op { Some(a.as_str()) } else { None });
    std::iter::once(root.as_str()).chain(attrs.take(3)).collect::<Vec<_>>().join(".")
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
                    let what = "holds a block, a function call or a reference, which Terraform rejects";
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
