//! Evaluation: every enabled rule on every valid resource, in parallel, with the facts
//! the [`World`] resolved once for the run. Findings come back in resource order, so the
//! output does not depend on the number of threads.

use super::RuleSet;
use super::builtin;
use super::expr;
use super::facts::{InstanceContext, Resolved, Settings, World};
use super::rule::{Rule, Target, concrete_path, rule_error};
use crate::catalog::Catalog;
use crate::diag::{Finding, Location, Severity};
use crate::source::PathSegment;
use crate::spec::{Kind, Resource};
use cel::{Context, Value};
use rayon::prelude::*;
use serde_json::{Value as Json, json};
use std::collections::HashMap;
use std::sync::Arc;

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
                    run_rules(&env, &subject, &instance_rules, &mut evaluation);
                    if let Some(image_subject) = Subject::public_image_of(&world, resource) {
                        run_rules(&env, &image_subject, &image_rules, &mut evaluation);
                    }
                }
                Kind::Image => {
                    builtin::image_catalog_checks(&world, resource, &mut structural);
                    let subject = Subject::image(&world, resource, index);
                    run_rules(&env, &subject, &image_rules, &mut evaluation);
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
        let mut image = world.image(Resolved::Spec(index));
        let (shares, share_count) = super::facts::share_facts(&resource.node);
        image["shares"] = shares;
        image["shareCount"] = json!(share_count);
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

fn run_rules(env: &Arc<cel::Env>, subject: &Subject<'_>, rules: &[&Rule], out: &mut Evaluation) {
    if rules.is_empty() {
        return;
    }
    let context = subject.context(env);
    for rule in rules {
        if let Err((message, span)) = run_rule(rule, subject, &context, out) {
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
        return check(rule, subject, context, None, out);
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
        check(rule, subject, &scope, Some(index), out)?;
    }
    Ok(())
}

fn check(
    rule: &Rule,
    subject: &Subject<'_>,
    context: &Context<'_, '_>,
    index: Option<usize>,
    out: &mut Evaluation,
) -> RuleResult {
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
