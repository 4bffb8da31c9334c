//! The rule engine: rule files in, compiled CEL, findings out. No I/O but reading
//! the rule directories a user names, and no printing.
//!
//! Rules are data (`rules/<family>/<CODE>-<name>.yaml`, embedded at build time, plus
//! any `--rules DIR`). Each run builds a [`World`] that resolves images and facts once,
//! then evaluates every enabled rule on every valid resource.

mod builtin;
mod expr;
mod facts;
mod rule;

pub use expr::{VARIABLES, format_price};
pub use facts::{InstanceContext, Resolved, Settings, World};
pub use rule::{Docs, RULE_SCHEMA, Rule, Target, describe, rule_error};

use crate::catalog::Catalog;
use crate::diag::{Finding, Location, RuleInfo, Severity};
use crate::source::{PathSegment, SourceFile};
use crate::spec::{Kind, Resource, codes};
use cel::{Context, Value};
use rayon::prelude::*;
use rule::concrete_path;
use serde_json::{Value as Json, json};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// Why rules could not be loaded (exit status 2).
#[derive(Debug)]
pub enum LoadError {
    /// Problems inside rule files, with spans.
    Rules(Vec<Finding>),
    /// A rule directory could not be read, or a selector names no rule.
    Message(String),
}

/// Every rule of the run, built-in first, then the user's, in code order.
#[derive(Debug)]
pub struct RuleSet {
    rules: Vec<Rule>,
}

impl RuleSet {
    /// The built-in rules only.
    pub fn builtin() -> Result<Self, LoadError> {
        Self::load(&[])
    }

    /// The built-in rules plus every `*.yaml` rule file under each directory.
    pub fn load(dirs: &[&Path]) -> Result<Self, LoadError> {
        let mut sources: Vec<Arc<SourceFile>> =
            BUILTIN_RULES.iter().map(|(name, text)| Arc::new(SourceFile::new(*name, *text))).collect();
        for dir in dirs {
            let mut files = Vec::new();
            collect_rule_files(dir, &mut files).map_err(|e| {
                LoadError::Message(format!("cannot read rule directory {}: {e}", dir.display()))
            })?;
            files.sort();
            for path in files {
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    LoadError::Message(format!("cannot read rule file {}: {e}", path.display()))
                })?;
                sources.push(Arc::new(SourceFile::new(crate::files::display_name(&path), text)));
            }
        }
        let builtin_count = BUILTIN_RULES.len();
        let mut rules: Vec<Rule> = Vec::new();
        let mut errors = Vec::new();
        // Compiling CEL dominates start-up, so rule files compile on every core.
        let loaded: Vec<Result<Rule, Vec<Finding>>> = sources
            .par_iter()
            .enumerate()
            .map(|(position, file)| rule::load(file, position >= builtin_count))
            .collect();
        for (position, (file, result)) in sources.iter().zip(loaded).enumerate() {
            match result {
                Ok(rule) => {
                    if let Some(existing) =
                        rules.iter().find(|r| r.info.code == rule.info.code || r.info.name == rule.info.name)
                    {
                        let what = if existing.info.code == rule.info.code { "code" } else { "name" };
                        let builtin = if position >= builtin_count && existing.file.name.starts_with("rules/")
                        {
                            " of a built-in rule"
                        } else {
                            ""
                        };
                        errors.push(
                            rule_error(file, head(file), format!("rule {what} `{}` is already the {what}{builtin} ({})", if what == "code" { &rule.info.code } else { &rule.info.name }, existing.file.name))
                                .with_help("give the rule a code and name of its own; custom rules use their own prefix, e.g. `ORG001`"),
                        );
                    } else {
                        rules.push(rule);
                    }
                }
                Err(mut findings) => errors.append(&mut findings),
            }
        }
        if !errors.is_empty() {
            return Err(LoadError::Rules(errors));
        }
        rules.sort_by(|a, b| a.info.code.cmp(&b.info.code));
        Ok(Self { rules })
    }

    /// Compiles every expression of every rule now, as loading a user rule does; the test
    /// suite runs this on the built-in rules, which otherwise compile on first use.
    pub fn check_all(&self) -> Vec<Finding> {
        let mut errors = Vec::new();
        for rule in &self.rules {
            let exprs = [&rule.when, &rule.each, &rule.assert]
                .into_iter()
                .flatten()
                .chain(rule.data.iter().map(|(_, e)| e));
            let templates = std::iter::once(&rule.message)
                .chain(&rule.help)
                .chain(&rule.label)
                .chain(rule.related.iter().map(|r| &r.message));
            let problems = exprs.map(expr::Expr::check).chain(templates.map(expr::Template::check));
            errors
                .extend(problems.filter_map(Result::err).map(|e| rule_error(&rule.file, e.span, e.message)));
        }
        errors
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rule with this code or name (case-insensitive).
    pub fn find(&self, code_or_name: &str) -> Option<&Rule> {
        self.rules
            .iter()
            .find(|r| r.info.code.eq_ignore_ascii_case(code_or_name) || r.info.name == code_or_name)
    }

    /// The closest code or name, for did-you-mean.
    pub fn suggest(&self, word: &str) -> Option<&str> {
        let candidates = self.rules.iter().flat_map(|r| [r.info.code.as_str(), r.info.name.as_str()]);
        crate::suggest::closest(word, candidates)
    }

    pub fn infos(&self) -> Vec<RuleInfo> {
        self.rules.iter().map(|r| r.info.clone()).collect()
    }
}

fn head(file: &SourceFile) -> crate::source::Span {
    crate::source::Span::new(0, file.text.find('\n').unwrap_or(file.text.len()))
}

fn collect_rule_files(dir: &Path, files: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_rule_files(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            files.push(path);
        }
    }
    Ok(())
}

/// Which rules run and at what severity: `--select`, `--ignore` and per-rule overrides.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// When non-empty, only rules matching one of these run (even ones off by default).
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    /// Per code or name: a severity, or `None` for off. Applied after select/ignore.
    pub overrides: Vec<(String, Option<Severity>)>,
}

/// A selector matches a rule by code, name, code prefix (`A`, `L00`), or `ALL`.
fn matches(selector: &str, info: &RuleInfo) -> bool {
    selector.eq_ignore_ascii_case("ALL")
        || info.code.eq_ignore_ascii_case(selector)
        || info.name == selector
        || (!selector.is_empty()
            && selector.chars().all(|c| c.is_ascii_alphanumeric())
            && info.code.to_ascii_uppercase().starts_with(&selector.to_ascii_uppercase()))
}

impl Selection {
    /// The effective severity of each enabled rule, by code.
    pub fn resolve(&self, rules: &RuleSet) -> Result<HashMap<String, Severity>, LoadError> {
        let all = self.select.iter().chain(&self.ignore).chain(self.overrides.iter().map(|(s, _)| s));
        for selector in all {
            if !rules.rules.iter().any(|r| matches(selector, &r.info)) {
                let hint =
                    rules.suggest(selector).map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
                return Err(LoadError::Message(format!(
                    "`{selector}` matches no rule code, name or prefix{hint}"
                )));
            }
        }
        let mut enabled = HashMap::new();
        for rule in &rules.rules {
            let info = &rule.info;
            let selected = if self.select.is_empty() {
                info.enabled
            } else {
                self.select.iter().any(|s| matches(s, info))
            };
            let mut severity =
                (selected && !self.ignore.iter().any(|s| matches(s, info))).then_some(info.severity);
            for (selector, value) in &self.overrides {
                if matches(selector, info) {
                    severity = *value;
                }
            }
            if let Some(severity) = severity {
                enabled.insert(info.code.clone(), severity);
            }
        }
        Ok(enabled)
    }
}

/// The result of evaluating the rules.
#[derive(Debug, Default)]
pub struct Evaluation {
    pub findings: Vec<Finding>,
    /// Rules that failed to evaluate (a bug in the rule: exit status 2).
    pub failures: Vec<Finding>,
}

/// Evaluates the enabled rules on every valid resource of the run.
pub fn evaluate(
    rules: &RuleSet,
    enabled: &HashMap<String, Severity>,
    resources: &[Resource],
    catalog: &Catalog,
    settings: &Settings,
) -> Evaluation {
    let world = World::new(catalog, settings, resources);
    let env = expr::environment();
    let mut evaluation = Evaluation::default();
    let active: Vec<&Rule> = rules.rules.iter().filter(|r| enabled.contains_key(&r.info.code)).collect();
    let on = |target| active.iter().copied().filter(move |r| r.target == target).collect::<Vec<_>>();
    let (instance_rules, image_rules) = (on(Target::Instance), on(Target::Image));
    let mut structural = Vec::new();
    builtin::cycles(&world, &mut structural);
    let per_resource: Vec<(Vec<Finding>, Evaluation)> = resources
        .par_iter()
        .enumerate()
        .filter(|(_, resource)| resource.valid)
        .map(|(index, resource)| {
            let mut structural = Vec::new();
            let mut evaluation = Evaluation::default();
            match resource.kind {
                Kind::Instance => {
                    builtin::unresolved_image(&world, resource, &mut structural);
                    builtin::instance_catalog_checks(&world, resource, &mut structural);
                    let subject = Subject::instance(&world, resource);
                    run_rules(&env, &world, &subject, &instance_rules, &mut evaluation);
                    if let Some(image_subject) = Subject::public_image_of(&world, resource) {
                        run_rules(&env, &world, &image_subject, &image_rules, &mut evaluation);
                    }
                }
                Kind::Image => {
                    builtin::image_catalog_checks(&world, resource, &mut structural);
                    let subject = Subject::image(&world, resource, index);
                    run_rules(&env, &world, &subject, &image_rules, &mut evaluation);
                }
            }
            (structural, evaluation)
        })
        .collect();
    for (found, mut one) in per_resource {
        structural.extend(found);
        evaluation.findings.append(&mut one.findings);
        evaluation.failures.append(&mut one.failures);
    }
    evaluation.findings.extend(structural.into_iter().filter(|f| enabled.contains_key(&f.code)));
    for finding in &mut evaluation.findings {
        if let Some(severity) = enabled.get(&finding.code) {
            finding.severity = *severity;
        }
    }
    evaluation
}

/// One thing a rule runs on: the resource, the facts, and where image findings point.
struct Subject<'r> {
    resource: &'r Resource,
    /// The image spec an instance uses, for secondary labels.
    image_spec: Option<&'r Resource>,
    /// For image rules fired on an instance: point at its `image` field.
    at_image_field: bool,
    variables: Vec<(&'static str, Json)>,
}

impl<'r> Subject<'r> {
    fn instance(world: &World<'r>, resource: &'r Resource) -> Self {
        let node = &resource.node;
        let resolved = node.get_str("image").map_or(Resolved::Unresolved, |i| world.resolve(i));
        let image = world.image(resolved);
        let instance_type = world.catalog.instance_type(node.get_str("instanceType").unwrap_or_default());
        let region = node.get_str("region").and_then(|r| world.catalog.region(r));
        let count = match node.get("count").map(|c| &c.value) {
            Some(crate::source::Value::Int(n)) => u64::try_from(*n).unwrap_or(1),
            _ => 1,
        };
        let context = InstanceContext {
            instance_type,
            mainland: region.map(|r| r.mainland),
            count,
            subscription: node.get_str("billing") == Some("Subscription"),
        };
        let fee = world.fee(&image, Some(context));
        let lifecycle = world.lifecycle(&image);
        let json = instance_json(resource);
        let image_spec = match resolved {
            Resolved::Spec(i) => world.resources.get(i),
            _ => None,
        };
        let mut variables = common(world, json, "Instance", "instance");
        variables.extend([
            ("image", image),
            ("instanceType", world.instance_type(node.get_str("instanceType"))),
            ("region", world.region(node.get_str("region"))),
            ("lifecycle", lifecycle),
            ("fee", fee),
        ]);
        Self { resource, image_spec, at_image_field: false, variables }
    }

    /// An instance that names a public image ID directly: image rules run on it.
    fn public_image_of(world: &World<'r>, resource: &'r Resource) -> Option<Self> {
        let reference = resource.node.get_str("image")?;
        let resolved = world.resolve(reference);
        if !matches!(resolved, Resolved::Public(_)) {
            return None;
        }
        let image = world.image(resolved);
        let mut variables = common(world, instance_json(resource), "Instance", "instance");
        variables.extend([
            ("lifecycle", world.lifecycle(&image)),
            ("fee", world.fee(&image, None)),
            ("image", image),
            ("instanceType", world.instance_type(resource.node.get_str("instanceType"))),
            ("region", world.region(resource.node.get_str("region"))),
        ]);
        Some(Self { resource, image_spec: None, at_image_field: true, variables })
    }

    fn image(world: &World<'r>, resource: &'r Resource, index: usize) -> Self {
        let image = world.image(Resolved::Spec(index));
        let mut json = resource.node.to_json();
        for (key, value) in [("sharedWith", json!([])), ("regions", json!([])), ("labels", json!({}))] {
            set_default(&mut json, key, value);
        }
        set_default(&mut json, "imported", json!(false));
        set_default(&mut json, "encrypted", json!(false));
        let mut variables = common(world, json, "Image", "spec");
        variables.extend([
            ("lifecycle", world.lifecycle(&image)),
            ("fee", world.fee(&image, None)),
            ("image", image),
            ("instanceType", Json::Null),
            ("region", Json::Null),
        ]);
        Self { resource, image_spec: Some(resource), at_image_field: false, variables }
    }

    fn context(&self, env: &Arc<cel::Env>) -> Context<'static, 'static> {
        let mut context = Context::with_env(Arc::clone(env));
        expr::add_functions(&mut context);
        for (name, value) in &self.variables {
            context.add_variable_from_value(*name, expr::to_cel(value));
        }
        context.add_variable_from_value("item", Value::Null);
        context.add_variable_from_value("index", Value::Null);
        context
    }
}

fn common(world: &World<'_>, resource: Json, kind: &str, subject: &str) -> Vec<(&'static str, Json)> {
    let (as_of, eol_days, catalog) = world.settings_json();
    vec![
        ("resource", resource),
        ("kind", json!(kind)),
        ("subject", json!(subject)),
        ("quotas", world.quotas().clone()),
        ("asOf", as_of),
        ("eolWarningDays", eol_days),
        ("catalog", catalog),
    ]
}

/// An instance as rules see it: as written, with the schema's defaults filled in.
fn instance_json(resource: &Resource) -> Json {
    let mut json = resource.node.to_json();
    set_default(&mut json, "count", json!(1));
    set_default(&mut json, "billing", json!("PayAsYouGo"));
    set_default(&mut json, "labels", json!({}));
    json
}

fn set_default(json: &mut Json, key: &str, value: Json) {
    if let Json::Object(map) = json {
        map.entry(key).or_insert(value);
    }
}

fn run_rules(
    env: &Arc<cel::Env>,
    world: &World<'_>,
    subject: &Subject<'_>,
    rules: &[&Rule],
    out: &mut Evaluation,
) {
    if rules.is_empty() {
        return;
    }
    let context = subject.context(env);
    for rule in rules {
        if let Err((message, span)) = run_rule(world, rule, subject, &context, out) {
            let name = subject.resource.name.as_deref().unwrap_or("?");
            out.failures.push(
                rule_error(
                    &rule.file,
                    span,
                    format!(
                        "rule {} failed on {} `{name}`: {message}",
                        rule.info.code, subject.resource.kind
                    ),
                )
                .with_help("guard optional values with `has(...)` or `!= null` in `when`"),
            );
        }
    }
}

type RuleResult = Result<(), (String, crate::source::Span)>;

fn run_rule(
    world: &World<'_>,
    rule: &Rule,
    subject: &Subject<'_>,
    context: &Context<'_, '_>,
    out: &mut Evaluation,
) -> RuleResult {
    if let Some(when) = &rule.when {
        if !when.eval_bool(context).map_err(|e| (e, when.span))? {
            return Ok(());
        }
    }
    let Some(each) = &rule.each else {
        return check(world, rule, subject, context, None, out);
    };
    let items = match each.eval(context).map_err(|e| (e, each.span))? {
        Value::List(items) => items,
        Value::Null => return Ok(()),
        _ => return Err(("`each` must give a list".into(), each.span)),
    };
    for (index, item) in items.iter().enumerate() {
        let mut scope = context.new_inner_scope();
        scope.add_variable_from_value("item", item.clone());
        scope.add_variable_from_value("index", Value::Int(i64::try_from(index).unwrap_or(i64::MAX)));
        check(world, rule, subject, &scope, Some(index), out)?;
    }
    Ok(())
}

fn check(
    world: &World<'_>,
    rule: &Rule,
    subject: &Subject<'_>,
    context: &Context<'_, '_>,
    index: Option<usize>,
    out: &mut Evaluation,
) -> RuleResult {
    let _ = world;
    if let Some(assert) = &rule.assert {
        if assert.eval_bool(context).map_err(|e| (e, assert.span))? {
            return Ok(());
        }
    }
    let resource = subject.resource;
    let path: Vec<PathSegment> = if subject.at_image_field {
        vec![PathSegment::Key("image".into())]
    } else {
        rule.fields
            .iter()
            .filter_map(|steps| concrete_path(steps, index))
            .find(|path| resource.node.at(path).is_some())
            .unwrap_or_default()
    };
    let location: Location = resource.location(&path);
    let mut finding = Finding::new(
        rule.info.code.clone(),
        rule.info.name.clone(),
        rule.info.severity,
        rule.message.render(context)?,
        location,
    )
    .with_resource(resource.reference())
    .with_path(path);
    if let Some(help) = &rule.help {
        finding.help = Some(help.render(context)?);
    }
    if let Some(label) = &rule.label {
        finding.label = Some(label.render(context)?);
    }
    if let Some(image) = subject.image_spec.filter(|i| !std::ptr::eq(*i, resource)) {
        for related in &rule.related {
            let path = related
                .fields
                .iter()
                .filter_map(|steps| concrete_path(steps, index))
                .find(|p| image.node.at(p).is_some());
            if let Some(path) = path {
                finding = finding.with_label(image.location(&path), related.message.render(context)?);
            }
        }
    }
    for (name, expr) in &rule.data {
        finding.data.insert(name.clone(), expr::to_json(&expr.eval(context).map_err(|e| (e, expr.span))?));
    }
    out.findings.push(finding);
    Ok(())
}

/// The codes implemented in Rust, which must each have a rule file for their docs.
pub fn builtin_codes() -> impl Iterator<Item = codes::Code> {
    codes::ALL.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_expression_compiles() {
        let rules = RuleSet::builtin().unwrap_or_else(|e| panic!("built-in rules load: {e:?}"));
        let errors: Vec<String> =
            rules.check_all().iter().map(|f| format!("{}: {}", f.location.file.name, f.message)).collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }

    #[test]
    fn user_rules_compile_eagerly_and_built_in_ones_lazily() {
        let broken = Arc::new(SourceFile::new(
            "ORG1.yaml",
            "code: ORG001\nname: x\nseverity: info\non: instance\nassert: 'true'\nmessage: '{{ nope }}'\ndocs: {summary: s, why: w, example: e, fix: f}\n",
        ));
        assert!(rule::load(&broken, true).is_err());
        let lazy = rule::load(&broken, false).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(lazy.message.check().is_err());
    }
}
