//! Static evaluation of Terraform modules: parsing, variables, locals, modules, providers,
//! `count` and `for_each`, into evaluated [`Block`]s.
//!
//! Each root module (a directory of the run no other module of the run calls) is evaluated
//! with its variables; local module calls are followed with their arguments (read from disk
//! when the run does not name their files); remote modules stay unknown. Names are resolved
//! lazily (locals, module outputs, literal attributes of other blocks) with cycle detection;
//! the whole run has a budget of evaluation steps and a bound on nesting.

// The evaluator's parts, declared here so that the front end's `mod.rs` (shared with the
// mapping of blocks to resources) lists only `eval` and `value`.
#[path = "ast.rs"]
mod ast;
#[path = "blocks.rs"]
mod blocks;
#[path = "calls.rs"]
mod calls;
#[path = "expr.rs"]
mod expr;
#[path = "functions.rs"]
mod functions;
#[path = "modules.rs"]
mod modules;
pub use modules::{is_tfvars, shadowed_file};
#[path = "overrides.rs"]
mod overrides;
#[path = "parse.rs"]
mod parse;
#[path = "roots.rs"]
mod roots;
#[path = "template.rs"]
mod template;
#[path = "types.rs"]
mod types;
#[path = "vars.rs"]
mod vars;

use crate::diag::{Finding, Label, Location};
use crate::iac::Options;
use crate::source::{Limits, SourceFile};
use crate::terraform::value::{Block, Mode, Reference, Repeat, Val, Value};
use ast::{Body, Expr};
use expr::{Eval, MAX_ITEMS, Names, Step, error, key_string};
use foldhash::{HashMap, HashMapExt as _};
use modules::ModuleDef;
use roots::Modules;
use std::sync::Arc;
use vars::VarValue;

/// Deepest nesting of evaluation across references (locals, outputs, attributes).
pub const MAX_NESTING: usize = 128;
/// Evaluation steps for one root module and what it calls; real configurations take tens
/// per resource.
const MAX_STEPS: u64 = 1_000_000;
/// Total size of the values made or copied for one root module (nodes, and a unit per 64
/// bytes of string; a value copied into another counts again), which bounds memory.
pub const MAX_WEIGHT: usize = 1_000_000;
/// The same for the whole run.
const MAX_RUN_WEIGHT: usize = 10_000_000;
/// Resource and data source instances for the whole run.
const MAX_BLOCKS: usize = 100_000;
/// Deepest chain of local module calls.
const MAX_MODULE_DEPTH: usize = 16;
/// Module instances for one root module and what it calls (real configurations have tens):
/// `count = 10000` on a call inside a module called with `count = 10000` made a hundred
/// million instances from 101 bytes, and ran out of memory.
const MAX_MODULE_INSTANCES: usize = 10_000;

/// What evaluating the run's Terraform files gave.
#[derive(Debug, Default)]
pub struct Evaluated {
    /// Every resource and data source instance, roots and the local modules they call.
    pub blocks: Vec<Block>,
    /// Syntax errors (S001) and problems with the files themselves.
    pub findings: Vec<Finding>,
    /// Files read as another tool's and skipped, as `file: why`.
    pub skipped: Vec<String>,
    /// The `--var` names no root module declares, in command-line order.
    pub undeclared_vars: Vec<String>,
}

/// Parses and evaluates the run's Terraform files.
pub fn evaluate(files: &[Arc<SourceFile>], options: &Options, limits: Limits) -> Evaluated {
    evaluate_in(files, options, limits, true)
}

/// [`evaluate`], reading local modules the run does not hold from disk only when `disk`.
///
/// Root modules are evaluated in batches on every core, each on its own with a share of
/// the run's budgets, against the modules already read. Their results are then taken in
/// order, each only if it is what evaluating the roots one after the other gives: it read
/// no module that was not read yet, did not spend its share of the value budget, which is
/// no more than the run has left, and did not reach the run's limit on blocks. Any other
/// root is evaluated again, as before, on one core with the run's own budgets: findings,
/// blocks and their order do not depend on the number of threads.
pub fn evaluate_in(files: &[Arc<SourceFile>], options: &Options, limits: Limits, disk: bool) -> Evaluated {
    roots::evaluate_within(files, options, limits, disk, roots::BOUNDS)
}

struct Global<'o, 'l> {
    options: &'o Options,
    modules: Modules<'l>,
    steps: u64,
    weight: usize,
    nesting: usize,
    blocks: Vec<Block>,
    /// `blocks` holds at most this many.
    max_blocks: usize,
    findings: Vec<Finding>,
    skipped: Vec<String>,
    /// Whether a block was left out because `blocks` was full.
    capped: bool,
    /// Module instances made for this root so far (at most [`MAX_MODULE_INSTANCES`]).
    module_instances: usize,
    /// Values refused so far because `weight` was spent (see `Names::refusals`); any at all
    /// means this root's evaluation is not what the run's own budget would give.
    refusals: u64,
    /// The module bounds this root has said it hit (one note per bound and root, whichever
    /// thread evaluates it).
    noted: Vec<String>,
}

impl<'o, 'l> Global<'o, 'l> {
    /// For one root module: `weight` is its value budget.
    fn new(options: &'o Options, modules: Modules<'l>, weight: usize) -> Self {
        Self {
            options,
            modules,
            steps: MAX_STEPS,
            weight,
            nesting: 0,
            blocks: Vec::new(),
            max_blocks: MAX_BLOCKS,
            findings: Vec::new(),
            skipped: Vec::new(),
            capped: false,
            module_instances: 0,
            refusals: 0,
            noted: Vec::new(),
        }
    }
}

/// The child instances of one module call.
enum Children {
    /// Being evaluated (a call whose arguments refer to its own outputs).
    Pending,
    Unknown(String),
    Set {
        counted: bool,
        list: Vec<(Repeat, Inst)>,
    },
}

/// One instance of a module.
struct Inst {
    def: Arc<ModuleDef>,
    /// The root module's directory (the first part of every key).
    root: String,
    /// `""` for a root, else `module.web[0]`.
    address: String,
    vars: HashMap<String, VarValue>,
    /// Provider configurations by `alicloud` / `alicloud.hk`: their region, `None` when the
    /// configuration names none.
    providers: HashMap<String, Option<Val>>,
    depth: usize,
    chain: Vec<String>,
    /// Why the number of instances of this module is unknown.
    unknown_repeat: Option<String>,
    locals: HashMap<String, Option<Val>>,
    outputs: HashMap<String, Option<Val>>,
    children: HashMap<String, Children>,
}

impl Inst {
    fn new(
        def: Arc<ModuleDef>,
        root: String,
        address: String,
        vars: HashMap<String, VarValue>,
        depth: usize,
        chain: Vec<String>,
        unknown_repeat: Option<String>,
    ) -> Self {
        Self {
            def,
            root,
            address,
            vars,
            providers: HashMap::new(),
            depth,
            chain,
            unknown_repeat,
            locals: HashMap::new(),
            outputs: HashMap::new(),
            children: HashMap::new(),
        }
    }

    fn prefix(&self) -> String {
        if self.address.is_empty() { String::new() } else { format!("{}.", self.address) }
    }

    fn who(&self) -> String {
        if self.address.is_empty() { "the root module".to_string() } else { self.address.clone() }
    }
}

/// One instance of a repeated block or module call.
struct Instance {
    repeat: Repeat,
    count: Option<Val>,
    each: Option<(Val, Val)>,
}

/// `[0]`, `["key"]`, `[*]`.
fn index_suffix(repeat: &Repeat) -> String {
    match repeat {
        Repeat::Once => String::new(),
        Repeat::Index(i) => format!("[{i}]"),
        Repeat::Key(k) => format!("[{}]", serde_json::Value::String(k.clone())),
        Repeat::Unknown(_) => "[*]".to_string(),
    }
}

/// Evaluation inside one module instance, for one block instance.
struct Ctx<'a, 'o, 'l> {
    g: &'a mut Global<'o, 'l>,
    inst: &'a mut Inst,
    count: Option<Val>,
    each: Option<(Val, Val)>,
    bound: Vec<(String, Val)>,
}

impl Names for Ctx<'_, '_, '_> {
    fn enter(&mut self) -> bool {
        if self.g.steps == 0 || self.g.nesting >= MAX_NESTING {
            return false;
        }
        self.g.steps -= 1;
        self.g.nesting += 1;
        true
    }

    fn leave(&mut self) {
        self.g.nesting = self.g.nesting.saturating_sub(1);
    }

    fn charge(&mut self, units: usize) -> bool {
        self.g.weight = self.g.weight.saturating_sub(units);
        self.g.weight > 0
    }

    fn room(&self) -> usize {
        self.g.weight
    }

    fn refused(&mut self) {
        self.g.refusals += 1;
    }

    fn exhausted(&self) -> bool {
        self.g.steps == 0 || self.g.weight == 0
    }

    fn refusals(&self) -> u64 {
        self.g.refusals
    }

    fn bound(&self, name: &str) -> Option<Val> {
        self.bound.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.clone())
    }

    fn resolve(&mut self, root: &str, steps: &[Step], at: &Location) -> (Val, usize) {
        let attr = |i: usize| match steps.get(i) {
            Some(Step::Attr(name)) => Some(name.as_str()),
            _ => None,
        };
        let here = |value: Value| Val::new(value, at.clone());
        match (root, attr(0)) {
            ("var", Some(name)) => (self.var(name, at), 1),
            ("local", Some(name)) => (self.local(name, at), 1),
            ("count", Some("index")) => match &self.count {
                Some(v) => (Val { at: at.clone(), ..v.clone() }, 1),
                None => (error("`count.index` outside a block with `count`", at.clone()), 1),
            },
            ("each", Some(which @ ("key" | "value"))) => match &self.each {
                Some((k, v)) => (Val { at: at.clone(), ..(if which == "key" { k } else { v }).clone() }, 1),
                None => (error("`each` outside a block with `for_each`", at.clone()), 1),
            },
            ("path", Some("module")) => (here(Value::String(self.inst.def.dir.clone())), 1),
            ("path", Some("root" | "cwd")) => (here(Value::String(self.inst.root.clone())), 1),
            // Chosen when Terraform runs (`terraform workspace select`, `TF_WORKSPACE`):
            // a configuration that branches on it is written for more than one.
            ("terraform", Some("workspace")) => (
                Val::unknown("`terraform.workspace` is the workspace chosen when Terraform runs", at.clone()),
                1,
            ),
            ("module", Some(name)) => self.module_ref(name, steps, at),
            ("data", Some(kind)) => match attr(1) {
                Some(name) => self.reference(Mode::Data, kind, name, steps, 2, at),
                None => (Val::unknown(format!("`data.{kind}` is not evaluated"), at.clone()), 1),
            },
            (kind, Some(name)) if kind.contains('_') && !matches!(kind, "var" | "local") => {
                self.reference(Mode::Managed, kind, name, steps, 1, at)
            }
            _ => (Val::unknown(format!("`{root}` is not evaluated"), at.clone()), 0),
        }
    }
}

impl<'a, 'o, 'l> Ctx<'a, 'o, 'l> {
    fn new(g: &'a mut Global<'o, 'l>, inst: &'a mut Inst) -> Self {
        Self { g, inst, count: None, each: None, bound: Vec::new() }
    }

    fn eval(&mut self, file: &Arc<SourceFile>, expr: &Expr) -> Val {
        Eval::new(file.clone(), self).eval(expr)
    }

    /// A value defined elsewhere used at `at`: placed at `at` with `label` on the definition,
    /// unless it came from a calling module, where it keeps its outermost place.
    fn relocate(&self, v: Val, at: &Location, label: Label) -> Val {
        let mut via = Vec::with_capacity(v.via.len() + 2);
        if self.inst.depth == 0 || self.inst.def.owns(&v.at.file) || Arc::ptr_eq(&v.at.file, &at.file) {
            via.push(label);
            via.extend(v.via);
            Val { value: v.value, at: at.clone(), via }
        } else {
            via.push(Label { location: at.clone(), message: format!("used here by {}", self.inst.who()) });
            via.push(label);
            via.extend(v.via);
            Val { value: v.value, at: v.at, via }
        }
    }

    fn var(&mut self, name: &str, at: &Location) -> Val {
        match self.inst.vars.get(name) {
            Some(VarValue::Set(v, label)) => {
                let mut via: Vec<Label> = label.iter().cloned().collect();
                via.extend(v.via.iter().cloned());
                Val { value: v.value.clone(), at: at.clone(), via }
            }
            Some(VarValue::Input(v)) => {
                let mut via = vec![Label {
                    location: at.clone(),
                    message: format!("used here by {}", self.inst.who()),
                }];
                via.extend(v.via.iter().cloned());
                Val { value: v.value.clone(), at: v.at.clone(), via }
            }
            None if self
                .inst
                .def
                .blocks("variable")
                .any(|i| i.block.labels.first().map(String::as_str) == Some(name)) =>
            {
                let why = if self.inst.depth == 0 {
                    format!("`var.{name}` has no default and no value: pass it with --var or a .tfvars file")
                } else {
                    format!("`var.{name}` of {} has no default and no value", self.inst.who())
                };
                Val::unknown(why, at.clone())
            }
            None => error(format!("no variable `{name}` is declared in {}", self.inst.who()), at.clone()),
        }
    }

    fn local(&mut self, name: &str, at: &Location) -> Val {
        let def = self.inst.def.clone();
        let Some((file, expr)) = def.local(name) else {
            return error(format!("no local `{name}` in {}", self.inst.who()), at.clone());
        };
        let v = match self.inst.locals.get(name) {
            Some(Some(v)) => v.clone(),
            Some(None) => return Val::unknown(format!("`local.{name}` refers to itself"), at.clone()),
            // Terraform rejects a module that defines a local twice ("Duplicate local value
            // definition"): taking the first one checked a value never deployed.
            None if def.locals_named(name) > 1 => {
                let why =
                    format!("`local.{name}` is defined twice in {}: Terraform rejects it", self.inst.who());
                let v = Val::unknown(why, at.clone());
                self.inst.locals.insert(name.to_string(), Some(v.clone()));
                v
            }
            None => {
                self.inst.locals.insert(name.to_string(), None);
                let mut ctx = Ctx::new(self.g, self.inst);
                let v = ctx.eval(file, expr);
                self.inst.locals.insert(name.to_string(), Some(v.clone()));
                v
            }
        };
        let label =
            Label { location: Location::new(file.clone(), expr.span), message: format!("local.{name}") };
        self.relocate(v, at, label)
    }

    /// `alicloud_image.app[...]...` or `data.alicloud_images.c7...`: `used` steps name the block.
    fn reference(
        &mut self,
        mode: Mode,
        kind: &str,
        name: &str,
        steps: &[Step],
        mut used: usize,
        at: &Location,
    ) -> (Val, usize) {
        let def = self.inst.def.clone();
        let (mode_word, data) = match mode {
            Mode::Managed => ("resource", ""),
            Mode::Data => ("data", "data."),
        };
        let written = format!("{data}{kind}.{name}");
        let Some(item) = def.resource(mode_word, kind, name) else {
            return (error(format!("no block `{written}` in {}", self.inst.who()), at.clone()), steps.len());
        };
        let repeated = item.block.body.attr("count").is_some() || item.block.body.attr("for_each").is_some();
        let mut address = format!("{}{written}", self.inst.prefix());
        let mut display = written.clone();
        if repeated && let Some(Step::Index(index)) = steps.get(used) {
            used += 1;
            if let Some(key) = key_string(index) {
                let suffix = match index.value {
                    Value::Number(_) => format!("[{key}]"),
                    _ => format!("[{}]", serde_json::Value::String(key)),
                };
                address.push_str(&suffix);
                display.push_str(&suffix);
            } else {
                display.push_str("[?]");
            }
        }
        if !repeated
            && let Some(Step::Attr(attr)) = steps.get(used)
            && attr != "id"
            && let Some(found) = item.block.body.attr(attr)
        {
            let mut ctx = Ctx::new(self.g, self.inst);
            let v = ctx.eval(&item.file, &found.expr);
            let label = Label {
                location: Location::new(item.file.clone(), found.expr.span),
                message: format!("{display}.{attr}"),
            };
            return (self.relocate(v, at, label), used + 1);
        }
        let key = format!("{}#{address}", self.inst.root);
        (Val::new(Value::Ref(Reference { key, path: Vec::new(), display }), at.clone()), used)
    }

    fn module_ref(&mut self, name: &str, steps: &[Step], at: &Location) -> (Val, usize) {
        self.ensure_children(name);
        let who = self.inst.who();
        let counted = match self.inst.children.get(name) {
            Some(Children::Set { counted, .. }) => *counted,
            Some(Children::Unknown(why)) => return (Val::unknown(why.clone(), at.clone()), steps.len()),
            Some(Children::Pending) | None => {
                return (
                    Val::unknown(format!("`module.{name}` refers to itself in {who}"), at.clone()),
                    steps.len(),
                );
            }
        };
        let (wanted, mut used) = if counted {
            match steps.get(1) {
                Some(Step::Index(index)) => match key_string(index) {
                    Some(key) => (Some(key), 2),
                    None => {
                        return (
                            Val::unknown(index.unknown_why().unwrap_or_default(), at.clone()),
                            steps.len(),
                        );
                    }
                },
                _ => {
                    return (
                        Val::unknown(format!("`module.{name}` has several instances"), at.clone()),
                        steps.len(),
                    );
                }
            }
        } else {
            (None, 1)
        };
        let Some(Children::Set { list, .. }) = self.inst.children.get_mut(name) else {
            return (Val::unknown("module instances are not known", at.clone()), steps.len());
        };
        let found = list.iter_mut().find(|(repeat, _)| match (&wanted, repeat) {
            (None, _) => true,
            (Some(key), Repeat::Index(i)) => *key == i.to_string(),
            (Some(key), Repeat::Key(k)) => key == k,
            _ => false,
        });
        let Some((repeat, child)) = found else {
            return (error(format!("no such instance of `module.{name}`"), at.clone()), steps.len());
        };
        if let Repeat::Unknown(why) = repeat {
            return (Val::unknown(why.clone(), at.clone()), steps.len());
        }
        let mut ctx = Ctx::new(self.g, child);
        let v = if let Some(Step::Attr(output)) = steps.get(used) {
            used += 1;
            ctx.output(output, at)
        } else {
            let names: Vec<String> =
                ctx.inst.def.blocks("output").filter_map(|i| i.block.labels.first().cloned()).collect();
            let entries = names.into_iter().map(|n| (n.clone(), ctx.output(&n, at))).collect();
            Val::new(Value::Object(entries), at.clone())
        };
        (v, used)
    }

    /// The value of this module instance's output `name` as used at `at` by the caller.
    fn output(&mut self, name: &str, at: &Location) -> Val {
        let def = self.inst.def.clone();
        let Some((file, expr)) = def.output(name) else {
            return error(format!("no output `{name}` in {}", self.inst.who()), at.clone());
        };
        let v = match self.inst.outputs.get(name) {
            Some(Some(v)) => v.clone(),
            Some(None) => {
                return Val::unknown(
                    format!("output `{name}` of {} refers to itself", self.inst.who()),
                    at.clone(),
                );
            }
            None => {
                self.inst.outputs.insert(name.to_string(), None);
                let v = Ctx::new(self.g, self.inst).eval(file, expr);
                self.inst.outputs.insert(name.to_string(), Some(v.clone()));
                v
            }
        };
        let label = Label {
            location: Location::new(file.clone(), expr.span),
            message: format!("{}.{name}", self.inst.address),
        };
        let mut via = vec![label];
        if def.owns(&v.at.file) {
            via.extend(v.via);
            Val { value: v.value, at: at.clone(), via }
        } else {
            // From the caller or further out: keep its place.
            let Val { value, at: outer, via: rest } = v;
            via.extend(rest);
            if Arc::ptr_eq(&outer.file, &at.file) {
                Val { value, at: at.clone(), via }
            } else {
                Val { value, at: outer, via }
            }
        }
    }

    /// `count` or `for_each` of a block or module call, evaluated in this module. OpenTofu's
    /// `lifecycle { enabled = false }` makes no instance, as `count = 0` does; an unknown
    /// `enabled`, an unknown number, as an unknown `count` does.
    fn expand(&mut self, file: &Arc<SourceFile>, body: &Body) -> (Vec<Instance>, Option<Val>) {
        match self.enabled(file, body) {
            Ok(true) => {}
            Ok(false) => return (Vec::new(), None),
            Err(why) => {
                return (vec![Instance { repeat: Repeat::Unknown(why), count: None, each: None }], None);
            }
        }
        if body.attr("count").is_some() && body.attr("for_each").is_some() {
            let why = "`count` and `for_each` in one block: Terraform rejects it".to_string();
            return (vec![Instance { repeat: Repeat::Unknown(why), count: None, each: None }], None);
        }
        if let Some(count) = body.attr("count") {
            let v = self.eval(file, &count.expr);
            let list = match (v.as_int(), v.unknown_why()) {
                (Some(n), _) if usize::try_from(n).is_ok_and(|n| n <= MAX_ITEMS) => (0..usize::try_from(n)
                    .unwrap_or(0))
                    .map(|i| {
                        #[allow(clippy::cast_precision_loss)]
                        let index = Val::new(Value::Number(i as f64), v.at.clone());
                        Instance { repeat: Repeat::Index(i), count: Some(index), each: None }
                    })
                    .collect(),
                (_, why) => {
                    let why =
                        why.unwrap_or_else(|| format!("`count` is not a whole number from 0 to {MAX_ITEMS}"));
                    let unknown = Val::unknown(why.clone(), v.at.clone());
                    vec![Instance { repeat: Repeat::Unknown(why), count: Some(unknown), each: None }]
                }
            };
            return (list, Some(v));
        }
        let Some(for_each) = body.attr("for_each") else {
            return (vec![Instance { repeat: Repeat::Once, count: None, each: None }], None);
        };
        let v = self.eval(file, &for_each.expr);
        let pairs: Option<Vec<(String, Val)>> = match &v.value {
            Value::Object(entries) => Some(entries.clone()),
            // A set of strings: Terraform rejects a set of numbers or booleans. A list or
            // tuple it rejects too, but a list here may be a set this reader did not see made
            // (a value of a valid configuration must not lose its instances), so its strings
            // are keys, as before sets were told apart.
            Value::List(items) => items
                .iter()
                .map(|item| match &item.value {
                    Value::String(key) => Some((key.clone(), item.clone())),
                    _ => None,
                })
                .collect(),
            _ => None,
        };
        let list = match pairs {
            Some(pairs) if pairs.len() <= MAX_ITEMS => pairs
                .into_iter()
                .map(|(k, value)| Instance {
                    repeat: Repeat::Key(k.clone()),
                    count: None,
                    each: Some((Val::new(Value::String(k), v.at.clone()), value)),
                })
                .collect(),
            _ => {
                let why = v
                    .unknown_why()
                    .unwrap_or_else(|| "`for_each` is not a known map or set of strings".into());
                let unknown = Val::unknown(why.clone(), v.at.clone());
                vec![Instance {
                    repeat: Repeat::Unknown(why),
                    count: None,
                    each: Some((unknown.clone(), unknown)),
                }]
            }
        };
        (list, None)
    }
}

/// Evaluates every resource and data block of a module instance and of its local modules.
fn emit(g: &mut Global, inst: &mut Inst) {
    let def = inst.def.clone();
    for item in &def.items {
        let mode = match item.block.kind.as_str() {
            "resource" => Mode::Managed,
            "data" => Mode::Data,
            "module" => {
                if let Some(name) = item.block.labels.first() {
                    Ctx::new(g, inst).ensure_children(name);
                    if let Some(Children::Set { list, .. }) = inst.children.get_mut(name) {
                        for (_, child) in list {
                            emit(g, child);
                        }
                    }
                }
                continue;
            }
            _ => continue,
        };
        let [kind, name] = item.block.labels.as_slice() else { continue };
        let head = Location::new(item.file.clone(), item.block.head);
        let data = if mode == Mode::Data { "data." } else { "" };
        let group = format!("{}{data}{kind}.{name}", inst.prefix());
        // The run's blocks are full: not even expanded (a `count` of 10,000 in each of
        // 10,000 module instances made a hundred million instances to refuse).
        if g.capped {
            return;
        }
        let (instances, count) = Ctx::new(g, inst).expand(&item.file, &item.block.body);
        for instance in instances {
            if g.blocks.len() >= g.max_blocks {
                g.capped = true;
                if g.skipped.is_empty() {
                    g.skipped.push(format!(
                        "{}: more than {} resource instances; the rest are not read",
                        item.file.name, g.max_blocks
                    ));
                }
                return;
            }
            let address = format!("{group}{}", index_suffix(&instance.repeat));
            let repeat = match (&instance.repeat, &inst.unknown_repeat) {
                (Repeat::Unknown(_), _) | (_, None) => instance.repeat.clone(),
                (_, Some(why)) => Repeat::Unknown(why.clone()),
            };
            let mut ctx = Ctx {
                g: &mut *g,
                inst: &mut *inst,
                count: instance.count,
                each: instance.each,
                bound: Vec::new(),
            };
            let mut attributes = ctx.body(&item.file, &item.block.body, true);
            if let Some(count) = &count {
                attributes.push(("count".to_string(), count.clone()));
            }
            let region = ctx.region(item, &head);
            g.blocks.push(Block {
                mode,
                block_type: kind.clone(),
                name: name.clone(),
                key: format!("{}#{address}", inst.root),
                address,
                head: head.clone(),
                repeat,
                group: group.clone(),
                attributes,
                region,
            });
        }
    }
}

#[cfg(test)]
#[path = "eval_tests.rs"]
mod tests;
