//! Evaluation: every enabled rule on every resource whose fields it reads are valid, in
//! parallel, with the facts the [`World`] resolved once for the run. Findings come back in resource order, so the
//! output does not depend on the number of threads.

use super::RuleSet;
use super::builtin;
use super::expr::{self, CelContext, LazyContext};
use super::facts::{ImageFacts, Settings, ShareFact, World};
use super::inputs::Inputs;
use super::plan::Scope;
use super::rule::{Rule, Target, concrete_path, rule_error};
use super::view;
use crate::cap;
use crate::catalog::Catalog;
use crate::diag::{Finding, Location, Severity};
use crate::source::PathSegment;
use crate::spec::{Kind, Resource};
use cel::Value;
use cel::common::types::{CelInt, Kind as ValKind};
use cel::common::value::{CowVal, Val};
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock};

/// The result of evaluating the rules.
#[derive(Debug, Default)]
pub struct Evaluation {
    pub findings: Vec<Finding>,
    /// Rules that failed to evaluate (a bug in the rule: exit status 2).
    pub failures: Vec<Finding>,
    /// The findings of the rule running now on the subject now, for the cap.
    cap: RuleCap,
}

/// Where the current rule's findings start in [`Evaluation::findings`], how many past
/// [`cap::MAX_MADE`] were left out, and the field of the first of those. The cap on what
/// is reported applies later, to what suppressions and the baseline leave (`crate::cap`).
#[derive(Debug, Default)]
struct RuleCap {
    start: usize,
    omitted: usize,
    first_omitted: Option<Vec<PathSegment>>,
}

/// Evaluates the enabled rules on every resource of the run, skipping a rule on a resource
/// where a field it reads failed validation. With `focus`, only the resources it marks
/// are checked; the others still give their facts (an instance's image, a name taken).
pub fn evaluate(
    rules: &RuleSet,
    enabled: &HashMap<String, Severity>,
    resources: &[Resource],
    catalog: &Catalog,
    settings: &Settings,
    focus: Option<&[bool]>,
) -> Evaluation {
    let mut world = World::focused(catalog, settings, resources, focus);
    // CEL's function table, made when an expression first needs CEL (see `LazyContext`).
    let env = OnceLock::new();
    let mut evaluation = Evaluation::default();
    let enabled_rules: Vec<&Rule> =
        rules.rules.iter().filter(|r| enabled.contains_key(&r.info.code)).collect();
    world.set_rule_params(&enabled_rules);
    let world = world;
    // Each rule's `params` are found once here, not per rule and resource.
    let active: Vec<Active<'_>> = enabled_rules.iter().map(|rule| Active::new(&world, rule)).collect();
    let on = |target| active.iter().copied().filter(move |a| a.rule.target == target).collect::<Vec<_>>();
    let (instance_rules, image_rules) = (on(Target::Instance), on(Target::Image));
    // What each rule reads, for resources with a schema violation: a rule whose inputs
    // are all valid still runs on them (one mistake does not hide another).
    let inputs = RuleInputs::new(&instance_rules, &image_rules);
    let image_names = builtin::ImageNames::new(resources);
    let mut structural = Vec::new();
    builtin::cycles(&world, &mut structural);
    let per_resource: Vec<(Vec<Finding>, Evaluation)> = resources
        .par_iter()
        .with_max_len(crate::CHUNK)
        .enumerate()
        .map(|(index, resource)| {
            let mut structural = Vec::new();
            let mut evaluation = Evaluation::default();
            if focus.is_some_and(|focus| focus.get(index) == Some(&false)) {
                return (structural, evaluation);
            }
            match resource.kind {
                Kind::Instance => {
                    // S004's did-you-mean searches the run's images: only when S004 or S009 runs.
                    if enabled.contains_key("S004") || enabled.contains_key("S009") {
                        builtin::unresolved_image(&world, &image_names, resource, &mut structural);
                    }
                    builtin::instance_catalog_checks(&world, resource, &mut structural);
                    let subject = Subject::instance(&world, resource);
                    if resource.valid {
                        run_rules(&env, &subject, &instance_rules, &mut evaluation);
                    } else {
                        run_rules(
                            &env,
                            &subject,
                            &runnable(&instance_rules, inputs.instance(), resource),
                            &mut evaluation,
                        );
                    }
                    if let Some(image_subject) = Subject::public_image_of(&world, resource) {
                        if resource.valid {
                            run_rules(&env, &image_subject, &image_rules, &mut evaluation);
                        } else {
                            let rules = runnable(&image_rules, inputs.public_image(), resource);
                            run_rules(&env, &image_subject, &rules, &mut evaluation);
                        }
                    }
                }
                Kind::Image => {
                    builtin::image_catalog_checks(&world, resource, &mut structural);
                    builtin::image_reference_checks(&world, &image_names, resource, index, &mut structural);
                    // An image's facts (its chain, OS, architecture) are made from the whole
                    // spec: image rules run when they can be trusted (see `facts_valid`).
                    if resource.is_lookup() {
                        // Checked at each instance that uses it (see `public_image_of`).
                    } else if resource.valid {
                        let subject = Subject::image(&world, resource, index);
                        run_rules(&env, &subject, &image_rules, &mut evaluation);
                    } else if resource.facts_valid {
                        let subject = Subject::image(&world, resource, index);
                        let rules = runnable(&image_rules, inputs.image(), resource);
                        run_rules(&env, &subject, &rules, &mut evaluation);
                    }
                }
            }
            // The structural checks each read one field (S004 `image`, S005 `region` or
            // `regions`, S006 `zone`, S007 `instanceType`): S002 already reports an
            // invalid one.
            structural.retain(|f| match f.path.first() {
                Some(PathSegment::Key(field)) => resource.field_valid(field),
                _ => resource.valid,
            });
            structural.retain(|f| enabled.contains_key(&f.code));
            builtin::prefer_precise(&mut structural);
            if resource.iac.is_some() {
                builtin::unresolved_values(resource, &mut structural, enabled);
                for finding in structural.iter_mut().chain(&mut evaluation.findings) {
                    crate::iac::label_definitions(resource, finding);
                }
            }
            with_severities(&mut structural, enabled);
            with_severities(&mut evaluation.findings, enabled);
            // The resource they are about, for the per-rule cap (`crate::cap`).
            let subject = u32::try_from(index + 1).ok().and_then(std::num::NonZeroU32::new);
            for finding in structural.iter_mut().chain(&mut evaluation.findings) {
                finding.subject = subject;
            }
            // Every resource's lists are held until all are evaluated: one finding pushed
            // reserves room for four (1.5 KB), which was 17 MB of the 10,000-file corpus's
            // peak for 6 MB of findings (massif).
            // (`fit`: mimalloc keeps a block that shrinks by less than half.)
            evaluation.findings = crate::source::fit(evaluation.findings);
            (crate::source::fit(structural), evaluation)
        })
        .collect();
    structural.retain(|f| enabled.contains_key(&f.code));
    with_severities(&mut structural, enabled);
    // The run's facts are freed before the findings are gathered: gathering reserves room
    // for every finding, and with the facts still held that was the run's peak (6 MB
    // above it on the 10,000-file corpus, heaptrack). Freeing them is 0.1% of a run's
    // instructions (callgrind, 2,000 files), since each image's facts are one allocation.
    drop(world);
    gather(per_resource, structural, &mut evaluation);
    evaluation.failures = once_per_rule(std::mem::take(&mut evaluation.failures));
    evaluation
}

/// Gathers the findings of every resource, in resource order, the structural ones last.
/// The list is reserved once: grown by doubling, it held up to twice its room (and, while
/// it moved, both copies) at the run's peak.
fn gather(per_resource: Vec<(Vec<Finding>, Evaluation)>, run_wide: Vec<Finding>, out: &mut Evaluation) {
    let structural_count: usize = per_resource.iter().map(|(found, _)| found.len()).sum();
    let rule_count: usize = per_resource.iter().map(|(_, one)| one.findings.len()).sum();
    out.findings.reserve_exact(rule_count + structural_count + run_wide.len());
    let mut structural = run_wide;
    structural.reserve_exact(structural_count);
    for (found, mut one) in per_resource {
        structural.extend(found);
        out.findings.append(&mut one.findings);
        out.failures.append(&mut one.failures);
    }
    out.findings.append(&mut structural);
}

/// A rule the run enables, with where the [`World`] keeps its `params`.
#[derive(Clone, Copy)]
struct Active<'r> {
    rule: &'r Rule,
    params: usize,
}

impl<'r> Active<'r> {
    fn new(world: &World<'_>, rule: &'r Rule) -> Self {
        Self { rule, params: world.params_slot(&rule.info.code) }
    }
}

/// What each instance and image rule reads ([`Inputs`]), worked out when the first
/// resource with a schema violation needs it: a run of valid files never does (it was
/// 0.6 M instructions of a one-file check).
struct RuleInputs<'a, 'r> {
    instance_rules: &'a [Active<'r>],
    image_rules: &'a [Active<'r>],
    instance: OnceLock<Vec<Inputs>>,
    image: OnceLock<Vec<Inputs>>,
    public_image: OnceLock<Vec<Inputs>>,
}

impl<'a, 'r> RuleInputs<'a, 'r> {
    const fn new(instance_rules: &'a [Active<'r>], image_rules: &'a [Active<'r>]) -> Self {
        Self {
            instance_rules,
            image_rules,
            instance: OnceLock::new(),
            image: OnceLock::new(),
            public_image: OnceLock::new(),
        }
    }

    fn instance(&self) -> &[Inputs] {
        self.instance.get_or_init(|| self.instance_rules.iter().map(|a| Inputs::of(a.rule)).collect())
    }

    fn image(&self) -> &[Inputs] {
        self.image.get_or_init(|| self.image_rules.iter().map(|a| Inputs::of(a.rule)).collect())
    }

    /// An image rule on the public image an instance names also reads the instance's `image`.
    fn public_image(&self) -> &[Inputs] {
        self.public_image.get_or_init(|| self.image().iter().cloned().map(Inputs::with_image).collect())
    }
}

/// The rules whose inputs are all valid on `resource`.
fn runnable<'r>(rules: &[Active<'r>], inputs: &[Inputs], resource: &Resource) -> Vec<Active<'r>> {
    let pairs = rules.iter().zip(inputs);
    pairs.filter(|(_, inputs)| inputs.valid_on(resource)).map(|(active, _)| *active).collect()
}

/// A rule that fails on many resources is reported once, on the first (in resource
/// order, so whatever the thread count), saying on how many more it failed: one broken
/// team rule must not bury the run's findings under a failure per resource.
fn once_per_rule(failures: Vec<Finding>) -> Vec<Finding> {
    let mut first: Vec<(Finding, usize)> = Vec::new();
    let mut by_code: HashMap<String, usize> = HashMap::new();
    for failure in failures {
        // A failure's code is `RULE`; the failing rule is its file.
        let key = failure.location.file.name.clone();
        if let Some((_, more)) = by_code.get(&key).and_then(|&i| first.get_mut(i)) {
            *more += 1;
        } else {
            by_code.insert(key, first.len());
            first.push((failure, 0));
        }
    }
    first
        .into_iter()
        .map(|(mut failure, more)| {
            if more > 0 {
                let resources = if more == 1 { "resource" } else { "resources" };
                failure.message = format!("{} (and on {more} more {resources})", failure.message);
            }
            failure
        })
        .collect()
}

/// Gives findings the severity the run configures for their rule.
fn with_severities(findings: &mut [Finding], enabled: &HashMap<String, Severity>) {
    for finding in findings {
        if let Some(severity) = enabled.get(&finding.code) {
            finding.severity = *severity;
        }
    }
}

fn run_rules(
    env: &OnceLock<Arc<cel::Env>>,
    subject: &Subject<'_>,
    rules: &[Active<'_>],
    out: &mut Evaluation,
) {
    if rules.is_empty() {
        return;
    }
    let context = LazyContext::new(|| subject.context(env.get_or_init(expr::environment)));
    let scope = SubjectScope(&subject.bindings);
    for &Active { rule, params } in rules {
        subject.bindings.params.store(params, Ordering::Relaxed);
        out.cap = RuleCap { start: out.findings.len(), ..RuleCap::default() };
        let result = run_rule(rule, subject, &scope, &context, out);
        if out.cap.omitted > 0 {
            out.findings.push(left_out(rule, subject, std::mem::take(&mut out.cap)));
        }
        if let Err((message, span)) = result {
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
                .with_help("guard optional values with `has(...)` or `!= null` in `when`")
                .with_label(
                    Location::new(
                        Arc::clone(&subject.resource.file),
                        crate::spec::head_span(&subject.resource.node),
                    ),
                    format!("the rule failed on this {}", subject.resource.kind),
                )
                // The resource it failed on, so a run can tell which failures concern it.
                .with_resource(subject.resource.reference()),
            );
        }
    }
}

/// The one finding that stands for a rule's findings past [`cap::MAX_MADE`] on a subject.
fn left_out(rule: &Rule, subject: &Subject<'_>, omitted: RuleCap) -> Finding {
    let resource = subject.resource;
    let path = omitted.first_omitted.unwrap_or_default();
    cap::LeftOut {
        code: &rule.info.code,
        name: &rule.info.name,
        severity: rule.info.severity,
        location: resource.location(&path),
        resource: resource.reference(),
        path,
        count: omitted.omitted,
        bound: cap::Bound::Made,
    }
    .finding()
}

type RuleResult = Result<(), (String, crate::source::Span)>;

/// Runs one rule on a subject: `scope` and `context` both give the subject's variables,
/// to plans and to CEL.
fn run_rule(
    rule: &Rule,
    subject: &Subject<'_>,
    scope: &dyn Scope<'_>,
    context: &dyn CelContext,
    out: &mut Evaluation,
) -> RuleResult {
    if let Some(when) = &rule.when {
        if !when.eval_bool(scope, context).map_err(|e| (e, when.span))? {
            return Ok(());
        }
    }
    let Some(each) = &rule.each else {
        return check(rule, subject, scope, context, None, Assert::Evaluate, out);
    };
    let planned = each.plan_value(scope);
    if let Some(items) = planned.as_ref().and_then(|list| scalar_items(list.as_ref())) {
        return run_items(rule, subject, scope, context, &items, each.span, out);
    }
    let value = match planned.and_then(|list| view::materialize(list.as_ref()).ok()) {
        Some(value) => value,
        None => each.eval(scope, context).map_err(|e| (e, each.span))?,
    };
    let items = match value {
        Value::List(items) => items,
        Value::Null => return Ok(()),
        _ => return Err(("`each` must give a list".into(), each.span)),
    };
    for (index, item) in items.iter().enumerate() {
        check_item(rule, subject, context, index, item.clone(), Assert::Evaluate, out)?;
    }
    Ok(())
}

/// Checks one item of an `each` list, in a CEL scope that binds `item` and `index`.
fn check_item(
    rule: &Rule,
    subject: &Subject<'_>,
    context: &dyn CelContext,
    index: usize,
    item: Value,
    assert: Assert,
    out: &mut Evaluation,
) -> RuleResult {
    let mut inner = context.cel().new_inner_scope();
    inner.add_variable_from_value("item", item);
    inner.add_variable_from_value("index", Value::Int(i64::try_from(index).unwrap_or(i64::MAX)));
    check(rule, subject, &inner, &inner, Some(index), assert, out)
}

/// The items of a list whose items are all plain values (strings, numbers, booleans,
/// null): those are the same whether an expression reads them from the list or from a
/// copy, so rules can run on them without a CEL scope per item.
fn scalar_items<'b, 'v>(list: &'b (dyn Val + 'v)) -> Option<Vec<&'b (dyn Val + 'v)>> {
    if list.get_type().kind() != ValKind::List {
        return None;
    }
    let mut items = list.as_iterable()?.iter();
    let mut scalars = Vec::new();
    while let Some(item) = items.next() {
        let kind = item.get_type().kind();
        let scalar = matches!(
            kind,
            ValKind::String
                | ValKind::Int
                | ValKind::UInt
                | ValKind::Double
                | ValKind::Boolean
                | ValKind::NullType
        );
        if !scalar {
            return None;
        }
        scalars.push(item);
    }
    Some(scalars)
}

/// Runs an `each` rule on plain items. The assertion is tried by its plan in a scope
/// that adds `item` and `index` to the subject's; an item it does not pass gets the
/// CEL scope of [`run_rule`]'s general case, which decides and reports.
fn run_items<'v>(
    rule: &Rule,
    subject: &Subject<'_>,
    outer: &dyn Scope<'v>,
    context: &dyn CelContext,
    items: &[&(dyn Val + 'v)],
    each: crate::source::Span,
    out: &mut Evaluation,
) -> RuleResult {
    for (index, item) in items.iter().enumerate() {
        let position = i64::try_from(index).unwrap_or(i64::MAX);
        let scope = ItemScope { outer, item: *item, index: CelInt::from(position) };
        let planned = rule.assert.as_ref().and_then(|assert| assert.plan_bool(&scope));
        if planned == Some(true) {
            continue;
        }
        let value = view::materialize(*item).map_err(|e| (e.to_string(), each))?;
        // A plan answers only where CEL gives the same answer: a failed assertion
        // need not be evaluated again.
        let assert = if planned == Some(false) { Assert::Failed } else { Assert::Evaluate };
        // The message, help, label and data are planned in the same typed scope, so that
        // `image.shares[index].valid` reads the entry's fact: CEL, where a plan gives up,
        // would convert the whole of `image.shares` (2.7 million maps for 2.7 million
        // entries) to read one.
        let inner = LazyContext::new(|| {
            let mut inner = context.cel().new_inner_scope();
            inner.add_variable_from_value("item", value.clone());
            inner.add_variable_from_value("index", Value::Int(position));
            inner
        });
        check(rule, subject, &scope, &inner, Some(index), assert, out)?;
    }
    Ok(())
}

/// A subject's variables with `item` and `index` bound, for plans.
struct ItemScope<'s, 'v> {
    outer: &'s dyn Scope<'v>,
    item: &'s (dyn Val + 'v),
    index: CelInt,
}

impl<'v> Scope<'v> for ItemScope<'_, 'v> {
    fn variable<'b>(&'b self, name: &str) -> Option<CowVal<'b, 'v>> {
        match name {
            "item" => Some(CowVal::Borrowed(self.item)),
            "index" => Some(CowVal::Borrowed(&self.index)),
            _ => self.outer.variable(name),
        }
    }

    fn shares(&self) -> Option<&[ShareFact]> {
        self.outer.shares()
    }

    fn image(&self) -> Option<&ImageFacts<'v>> {
        self.outer.image()
    }
}

/// Whether [`check`] evaluates the rule's assertion or knows it failed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Assert {
    Evaluate,
    Failed,
}

/// Reports the rule on the subject (and `each` item) unless its assertion holds.
fn check(
    rule: &Rule,
    subject: &Subject<'_>,
    scope: &dyn Scope<'_>,
    context: &dyn CelContext,
    index: Option<usize>,
    assert: Assert,
    out: &mut Evaluation,
) -> RuleResult {
    if let (Some(expr), Assert::Evaluate) = (&rule.assert, assert) {
        if expr.eval_bool(scope, context).map_err(|e| (e, expr.span))? {
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
    if out.findings.len().saturating_sub(out.cap.start) >= cap::MAX_MADE {
        out.cap.omitted += 1;
        out.cap.first_omitted.get_or_insert(path);
        return Ok(());
    }
    let location: Location = resource.location(&path);
    let mut finding = Finding::new(
        rule.info.code.clone(),
        rule.info.name.clone(),
        rule.info.severity,
        rule.message.render(scope, context)?,
        location,
    )
    .with_resource(resource.reference())
    .with_path(path);
    if let Some(help) = &rule.help {
        finding.help = Some(help.render(scope, context)?);
    }
    if let Some(label) = &rule.label {
        finding.label = Some(label.render(scope, context)?);
    }
    if let Some(image) = subject.image_spec.filter(|i| !std::ptr::eq(*i, resource)) {
        for related in &rule.related {
            let path = related
                .fields
                .iter()
                .filter_map(|steps| concrete_path(steps, index))
                .find(|p| image.node.at(p).is_some());
            if let Some(path) = path {
                finding = finding.with_label(image.location(&path), related.message.render(scope, context)?);
            }
        }
    }
    if !rule.data.is_empty() {
        let mut data = serde_json::Map::with_capacity(rule.data.len());
        for (name, expr) in &rule.data {
            data.insert(name.clone(), expr::to_json(&expr.eval(scope, context).map_err(|e| (e, expr.span))?));
        }
        // Held as its compact text (`diag::Data`): as a map it was most of a finding's size.
        finding.data = crate::diag::Data::new(&data);
    }
    out.findings.push(finding);
    Ok(())
}

mod subject;

pub(super) use subject::subject_values;
use subject::{Subject, SubjectScope};

#[cfg(test)]
mod tests;
