//! The subject a rule runs on: the resource, the facts the [`World`] resolved for it,
//! and its variables, as CEL resolves them and as plans read them.

use super::super::expr::{self, CelVal, null_val};
use super::super::facts::{ImageFacts, InstanceContext, Resolved, ShareFact, World, share_list};
use super::super::plan::Scope;
use super::super::view;
use super::super::view::{LazyMap, MakeVal};
use crate::spec::{Kind, Resource};
use cel::common::types::{CelBool, CelInt};
use cel::common::value::CowVal;
use cel::context::VariableResolver;
use cel::{Context, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// One thing a rule runs on: the resource, the facts, and where image findings point.
pub(super) struct Subject<'w> {
    pub(super) resource: &'w Resource,
    /// The image spec an instance uses, for secondary labels.
    pub(super) image_spec: Option<&'w Resource>,
    /// For image rules fired on an instance: point at its `image` field.
    pub(super) at_image_field: bool,
    pub(super) bindings: Bindings<'w>,
}

/// The variables of one subject. Run-wide facts are lent from the [`World`]; the rest
/// (the resource, the image and its fee) is converted for CEL the first time a rule
/// asks for it, borrowing the specs' text, and dropped with the subject.
pub(super) struct Bindings<'w> {
    world: &'w World<'w>,
    resource: &'w Resource,
    image: Option<&'w ImageFacts<'w>>,
    /// How an instance prices its image's fee; `None` prices nothing (image rules).
    pricing: Option<InstanceContext<'w>>,
    /// `instanceType` and `region`: an Instance's, or null for an Image.
    instance_type: &'w CelVal<'static>,
    region: &'w CelVal<'static>,
    /// `resource`, `image` and `fee`, converted on first use.
    resource_val: OnceLock<CelVal<'w>>,
    image_val: OnceLock<CelVal<'w>>,
    fee_val: OnceLock<CelVal<'w>>,
    /// The image's `shares` as typed facts, for plans (made on first use).
    shares: OnceLock<Vec<ShareFact>>,
    /// Where the [`World`] keeps the `params` of the rule being evaluated (see
    /// `run_rules`). CEL asks resolvers to be `Sync`: an atomic, never contended, is
    /// the cheapest cell that is.
    pub(super) params: AtomicUsize,
}

impl VariableResolver for Bindings<'_> {
    fn resolve<'b>(&'b self, name: &str) -> Option<CowVal<'b, 'b>> {
        let shared = &self.world.shared;
        let instance = self.resource.kind == Kind::Instance;
        let value: &CelVal<'_> = match name {
            "resource" => self.resource_val.get_or_init(|| resource_val(self.resource)),
            "image" => self
                .image_val
                .get_or_init(|| self.image.map_or_else(null_val, |i| Box::new(LazyMap::image(i)))),
            "lifecycle" => self.image.map_or(&shared.null, |i| self.world.lifecycle(i)),
            "fee" => self
                .fee_val
                .get_or_init(|| self.image.map_or_else(null_val, |i| self.world.fee(i, self.pricing))),
            "instanceType" => self.instance_type,
            "region" => self.region,
            "kind" if instance => &shared.instance,
            "kind" => &shared.image,
            "subject" if instance => &shared.subject_instance,
            "subject" => &shared.subject_spec,
            "quotas" => &shared.quotas,
            "asOf" => &shared.as_of,
            "eolWarningDays" => &shared.eol_warning_days,
            "params" => self.world.params_at(self.params.load(Ordering::Relaxed)),
            "catalog" => &shared.catalog,
            // Bound by `each`; null outside it.
            "item" | "index" => &shared.null,
            _ => return None,
        };
        Some(CowVal::Borrowed(value.as_ref()))
    }
}

impl<'w> Bindings<'w> {
    fn new(world: &'w World<'w>, resource: &'w Resource, image: Option<&'w ImageFacts<'w>>) -> Self {
        let null = &world.shared.null;
        let (instance_type, region) = match resource.kind {
            Kind::Instance => (
                world.instance_type_val(resource.node.get_str("instanceType")),
                world.region_val(resource.node.get_str("region")),
            ),
            Kind::Image => (null, null),
        };
        Self {
            world,
            resource,
            image,
            pricing: None,
            instance_type,
            region,
            resource_val: OnceLock::new(),
            image_val: OnceLock::new(),
            fee_val: OnceLock::new(),
            shares: OnceLock::new(),
            params: AtomicUsize::new(0),
        }
    }

    /// The entries of `image.shares` as typed facts; `None` when `image` is null.
    fn shares(&self) -> Option<&[ShareFact]> {
        self.image.map(|image| self.shares.get_or_init(|| share_list(image)).as_slice())
    }
}

impl<'w> Subject<'w> {
    pub(super) fn instance(world: &'w World<'w>, resource: &'w Resource) -> Self {
        let node = &resource.node;
        let resolved = resource.image_reference("image").map_or(Resolved::Unresolved, |i| world.resolve(i));
        let region = node.get_str("region").and_then(|r| world.catalog.region(r));
        let count = match node.get("count").map(|c| &c.value) {
            Some(crate::source::Value::Int(n)) => u64::try_from(*n).unwrap_or(1),
            _ => 1,
        };
        let type_id = node.get_str("instanceType");
        let pricing = InstanceContext {
            type_id,
            instance_type: type_id.and_then(|id| world.catalog.instance_type(id)),
            mainland: region.map(|r| r.mainland),
            count,
            subscription: node.get_str("billing") == Some("Subscription"),
        };
        let image_spec = match resolved {
            Resolved::Spec(i) => world.resources.get(i),
            _ => None,
        };
        let bindings =
            Bindings { pricing: Some(pricing), ..Bindings::new(world, resource, world.image(resolved)) };
        Self { resource, image_spec, at_image_field: false, bindings }
    }

    /// An instance that names a public image ID directly: image rules run on it.
    pub(super) fn public_image_of(world: &'w World<'w>, resource: &'w Resource) -> Option<Self> {
        let reference = resource.image_reference("image")?;
        let resolved = world.resolve(reference);
        // An IaC image lookup (`data "alicloud_images"`, a fuzzy ROS `ImageId`) selects a
        // public image when the instance is created: it is checked where it is used, as a
        // public image ID is.
        let lookup = match resolved {
            Resolved::Spec(index) => world.resources.get(index).is_some_and(Resource::is_lookup),
            _ => false,
        };
        if !matches!(resolved, Resolved::Public(_)) && !lookup {
            return None;
        }
        let bindings = Bindings::new(world, resource, Some(world.image(resolved)?));
        Some(Self { resource, image_spec: None, at_image_field: true, bindings })
    }

    pub(super) fn image(world: &'w World<'w>, resource: &'w Resource, index: usize) -> Self {
        let bindings = Bindings::new(world, resource, world.image(Resolved::Spec(index)));
        Self { resource, image_spec: Some(resource), at_image_field: false, bindings }
    }

    pub(super) fn context(&self, env: &Arc<cel::Env>) -> Context<'_, '_> {
        let mut context = Context::with_env(Arc::clone(env));
        context.set_variable_resolver(&self.bindings);
        context
    }
}

/// A resource as rules see it: as written, with the schema's defaults filled in.
fn resource_val(resource: &Resource) -> CelVal<'_> {
    let node = &resource.node;
    let Some(entries) = node.as_map() else { return expr::node_to_val(node) };
    let defaults: &[(&str, MakeVal)] = match resource.kind {
        Kind::Instance => &[
            ("count", || Box::new(CelInt::from(1))),
            ("billing", || expr::str_val("PayAsYouGo")),
            ("labels", empty_map),
        ],
        Kind::Image => &[
            ("sharedWith", empty_list),
            ("regions", empty_list),
            ("labels", empty_map),
            ("imported", || Box::new(CelBool::from(false))),
            ("encrypted", || Box::new(CelBool::from(false))),
        ],
    };
    // An IaC field whose value is not known has no default either: it is left out, as the
    // rules that read it are (an unknown `sharedWith` is not `[]`).
    let unknown =
        |key: &str| resource.iac.as_deref().is_some_and(|extra| extra.unknown.iter().any(|u| u.field == key));
    if defaults.iter().any(|(key, _)| unknown(key)) {
        let known: Vec<(&str, MakeVal)> = defaults.iter().copied().filter(|(key, _)| !unknown(key)).collect();
        return Box::new(LazyMap::resource(entries, &known, Some(resource)));
    }
    Box::new(LazyMap::resource(entries, defaults, Some(resource)))
}

fn empty_list() -> CelVal<'static> {
    expr::list_val(Vec::new())
}

fn empty_map() -> CelVal<'static> {
    expr::MapVal::with_capacity(0).build()
}

/// A subject's variables for plans, straight from its [`Bindings`]: the CEL context
/// resolves them through the same bindings.
pub(super) struct SubjectScope<'s, 'w>(pub(super) &'s Bindings<'w>);

impl<'s> Scope<'s> for SubjectScope<'s, '_> {
    fn variable<'b>(&'b self, name: &str) -> Option<CowVal<'b, 's>> {
        self.0.resolve(name)
    }

    fn shares(&self) -> Option<&[ShareFact]> {
        self.0.shares()
    }

    fn image(&self) -> Option<&ImageFacts<'s>> {
        self.0.image
    }
}

/// The variables rules see for one resource (an Instance's as its instance rules see
/// them), converted to plain CEL values, for `ecslint facts`. The bindings are the ones
/// evaluation uses, so what is shown is what the rules read.
pub(in crate::engine) fn subject_values<'w>(
    world: &'w World<'w>,
    resource: &'w Resource,
    index: usize,
    names: &[&'static str],
) -> Vec<(&'static str, Result<Value, String>)> {
    let subject = match resource.kind {
        Kind::Instance => Subject::instance(world, resource),
        Kind::Image => Subject::image(world, resource, index),
    };
    let bindings = &subject.bindings;
    names
        .iter()
        .map(|&name| {
            let value = bindings
                .resolve(name)
                .map_or(Ok(Value::Null), |v| view::materialize(v.as_ref()).map_err(|e| e.to_string()));
            (name, value)
        })
        .collect()
}
