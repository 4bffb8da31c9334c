//! The providers of a module instance and the bodies of its blocks: attributes, nested
//! blocks and `dynamic` blocks, evaluated for one instance.

use super::Ctx;
use super::ast::{self, BlockAst, Body, Expr, Kind};
use super::expr::error;
use super::modules::Item;
use crate::diag::Location;
use crate::source::SourceFile;
use crate::terraform::value::{Val, Value};
use foldhash::{HashMap, HashMapExt as _};
use std::sync::Arc;

/// `alicloud`, `alicloud.hk` from `alicloud.hk` written as a reference or (JSON) a string.
fn provider_name(expr: &Expr) -> Option<String> {
    match &expr.kind {
        Kind::Var(name) | Kind::Str(name) => Some(name.clone()),
        Kind::Traverse(base, ops) => match (&base.kind, ops.as_slice()) {
            (Kind::Var(name), [ast::Op::Attr(alias)]) => Some(format!("{name}.{alias}")),
            _ => None,
        },
        _ => None,
    }
}

/// The `enabled` of a block's `lifecycle` (OpenTofu 1.11): a nested block, or in JSON an
/// object (or a list of one).
fn lifecycle_enabled(body: &Body) -> Option<&Expr> {
    if let Some(lifecycle) = body.blocks.iter().find(|b| b.kind == "lifecycle") {
        return lifecycle.body.attr("enabled").map(|a| &a.expr);
    }
    let object = match &body.attr("lifecycle")?.expr.written().kind {
        Kind::Array(items) => &items.first()?.written().kind,
        other => other,
    };
    let Kind::Object(entries) = object else { return None };
    entries.iter().find(|(key, _)| matches!(&key.kind, Kind::Str(k) if k == "enabled")).map(|(_, v)| v)
}

impl Ctx<'_, '_, '_> {
    /// Charges what something made costs to the run's value budget, `weigh` giving its
    /// units from the room left (a value is weighed only up to that room); `false`, with
    /// the refusal counted, when it does not fit.
    pub(super) fn afford(&mut self, weigh: impl FnOnce(usize) -> usize) -> bool {
        let room = super::expr::Names::room(self);
        let units = weigh(room);
        if units > room || !super::expr::Names::charge(self, units) {
            super::expr::Names::refused(self);
            return false;
        }
        true
    }

    /// Whether a block or module call is created: OpenTofu's `lifecycle { enabled = ... }`,
    /// true without one; `Err` with why when it is not known.
    pub(super) fn enabled(&mut self, file: &Arc<SourceFile>, body: &Body) -> Result<bool, String> {
        let Some(enabled) = lifecycle_enabled(body) else { return Ok(true) };
        let v = self.eval(file, enabled);
        v.as_bool().ok_or_else(|| {
            v.unknown_why().unwrap_or_else(|| "`lifecycle.enabled` is not a boolean".to_string())
        })
    }

    /// Provider configurations of this module: `inherited` ones overridden by its own blocks.
    /// A configuration with OpenTofu's `for_each` (1.9) is one per key, under
    /// `alicloud.by_region["key"]`, each region evaluated with `each` of its key; where the
    /// keys are not known, under `alicloud.by_region[*]`, with an unknown region.
    pub(super) fn own_providers(
        &mut self,
        mut providers: HashMap<String, Option<Val>>,
    ) -> HashMap<String, Option<Val>> {
        let def = self.inst.def.clone();
        for item in def.blocks("provider") {
            let Some(name) = item.block.labels.first() else { continue };
            let alias = item.block.body.attr("alias").and_then(|a| self.eval(&item.file, &a.expr).as_str());
            let key = alias.map_or_else(|| name.clone(), |alias| format!("{name}.{alias}"));
            let region =
                |ctx: &mut Self| item.block.body.attr("region").map(|a| ctx.eval(&item.file, &a.expr));
            if item.block.body.attr("for_each").is_none() {
                let region = region(self);
                providers.insert(key, region);
                continue;
            }
            providers.remove(&key);
            let (instances, _) = self.expand(&item.file, &item.block.body);
            for instance in instances {
                let each = std::mem::replace(&mut self.each, instance.each);
                let region = region(self);
                self.each = each;
                // Each configuration counts against the run's value budget, as values do
                // (10,000 keys in each of 10,000 module instances); past it, the keys left
                // have an unknown region.
                if !self.afford(|room| {
                    region.as_ref().map_or(1, |r| super::expr::weight(r, room).saturating_add(1))
                }) {
                    let at = Location::new(item.file.clone(), item.block.head);
                    providers.insert(format!("{key}[*]"), Some(Val::unknown(super::expr::BUDGET_SPENT, at)));
                    break;
                }
                providers.insert(format!("{key}{}", super::index_suffix(&instance.repeat)), region);
            }
        }
        providers
    }

    /// What a provider reference names: `alicloud`, `alicloud.hk`, or an instance of a
    /// configuration with `for_each`, `alicloud.by_region["cn-hangzhou"]` (its key evaluated
    /// here, `each.key` of this block); `Err` with why when the key is not known or the
    /// reference is not one ecslint reads.
    fn provider_ref(&mut self, file: &Arc<SourceFile>, expr: &Expr) -> Result<String, String> {
        let (file, expr) = expr.written_in(file);
        if let Some(name) = provider_name(expr) {
            return Ok(name);
        }
        if let Kind::Traverse(base, ops) = &expr.kind
            && let (Kind::Var(name), [ast::Op::Attr(alias), ast::Op::Index(index)]) =
                (&base.kind, ops.as_slice())
        {
            let key = self.eval(&file.clone(), index);
            return match super::expr::key_string(&key) {
                Some(key) => Ok(format!("{name}.{alias}{}", super::index_suffix(&super::Repeat::Key(key)))),
                None => Err(key
                    .unknown_why()
                    .unwrap_or_else(|| format!("the key of the provider `{name}.{alias}` is not a string"))),
            };
        }
        Err("the provider reference is not one ecslint reads".to_string())
    }

    /// The region of the configuration a provider reference names, as this module has it.
    fn provider_region(&self, name: &str, at: &Location) -> Option<Val> {
        match self.inst.providers.get(name) {
            Some(region) => region.clone(),
            None if name.contains('.') => {
                // An instance of a configuration whose keys are not known.
                let unknown =
                    name.split_once('[').and_then(|(base, _)| self.inst.providers.get(&format!("{base}[*]")));
                Some(unknown.cloned().flatten().unwrap_or_else(|| {
                    Val::unknown(
                        format!("the provider `{name}` is not configured for {}", self.inst.who()),
                        at.clone(),
                    )
                }))
            }
            None => None,
        }
    }

    /// The providers a module call passes (`providers = { alicloud = alicloud.hk }`, for
    /// this instance of the call), else the caller's default configurations. A
    /// configuration passed that is not known has an unknown region, never the default.
    pub(super) fn child_providers(&mut self, item: &Item) -> HashMap<String, Option<Val>> {
        let mut out = HashMap::new();
        if let Some(Kind::Object(entries)) = item.block.body.attr("providers").map(|a| &a.expr.written().kind)
        {
            let at = Location::new(item.file.clone(), item.block.head);
            for (key, value) in entries {
                let Some(child) = provider_name(key) else { continue };
                let region = match self.provider_ref(&item.file, value) {
                    Ok(parent) => self.provider_region(&parent, &at),
                    Err(why) => Some(Val::unknown(why, at.clone())),
                };
                out.insert(child, region);
            }
            return out;
        }
        for (name, region) in &self.inst.providers {
            if !name.contains('.') {
                out.insert(name.clone(), region.clone());
            }
        }
        out
    }

    /// The region of a block's provider configuration.
    pub(super) fn region(&mut self, item: &Item, head: &Location) -> Val {
        let kind = item.block.labels.first().map_or("", String::as_str);
        let name = match item.block.body.attr("provider") {
            None => kind.split('_').next().unwrap_or(kind).to_string(),
            Some(attr) => match self.provider_ref(&item.file, &attr.expr) {
                Ok(name) => name,
                Err(why) => return Val::unknown(why, head.clone()),
            },
        };
        // A provider whose `region` is `null` or `""` names none either: the provider then
        // takes the region from its environment, which `--region` stands for.
        let named = self.provider_region(&name, head).filter(|region| match &region.value {
            Value::Null => false,
            Value::String(text) => !crate::iac::is_unset(text),
            _ => true,
        });
        match named {
            Some(region) => region,
            None => match &self.g.options.region {
                Some(region) => Val::new(Value::String(region.clone()), head.clone()),
                None => Val::unknown("the provider names no region: pass --region", head.clone()),
            },
        }
    }

    /// A block body's attributes and nested blocks, evaluated; meta-arguments left out.
    pub(super) fn body(&mut self, file: &Arc<SourceFile>, body: &Body, top: bool) -> Vec<(String, Val)> {
        let mut out: Vec<(String, Val)> = Vec::new();
        for attr in &body.attrs {
            if top && matches!(attr.name.as_str(), "count" | "for_each" | "provider" | "depends_on") {
                continue;
            }
            let v = self.eval(file, &attr.expr);
            out.push((attr.name.clone(), v));
        }
        for block in &body.blocks {
            if top && matches!(block.kind.as_str(), "lifecycle" | "provisioner" | "connection") {
                continue;
            }
            let (kind, items) = if block.kind == "dynamic" {
                let Some(kind) = block.labels.first() else { continue };
                match self.dynamic(file, kind, block) {
                    Ok(items) => (kind.clone(), items),
                    Err(unknown) => {
                        out.push((kind.clone(), unknown));
                        continue;
                    }
                }
            } else {
                let at = Location::new(file.clone(), block.head);
                let entries = self.body(file, &block.body, false);
                (block.kind.clone(), vec![Val::new(Value::Object(entries), at)])
            };
            match out.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, Val { value: Value::List(list), .. })) => list.extend(items),
                Some(_) => {}
                None => {
                    out.push((
                        kind,
                        Val::new(Value::List(items.into()), Location::new(file.clone(), block.head)),
                    ));
                }
            }
        }
        out
    }

    /// `dynamic "kind" { for_each = ...; iterator = it; content { ... } }`.
    fn dynamic(&mut self, file: &Arc<SourceFile>, kind: &str, block: &BlockAst) -> Result<Vec<Val>, Val> {
        let at = Location::new(file.clone(), block.head);
        let Some(for_each) = block.body.attr("for_each") else {
            return Err(error("a dynamic block without for_each", at));
        };
        let Some(content) = block.body.blocks.iter().find(|b| b.kind == "content") else {
            return Ok(Vec::new());
        };
        let iterator = block
            .body
            .attr("iterator")
            .and_then(|a| provider_name(a.expr.written()))
            .unwrap_or_else(|| kind.to_string());
        let coll = self.eval(file, &for_each.expr);
        // Keys as a `for` takes them: indices, a map's keys, a set's items.
        let Ok(pairs) = super::expr::iterate(&coll, &at) else {
            return Err(Val::unknown(
                coll.unknown_why().unwrap_or_else(|| "a dynamic block's for_each is not a collection".into()),
                at,
            ));
        };
        let mut items = Vec::new();
        let refusals = super::expr::Names::refusals(self);
        for (k, v) in pairs {
            // Spent budgets stop the loop: each item would be one more unknown value.
            if super::expr::Names::exhausted(self) || super::expr::Names::refusals(self) > refusals {
                return Err(Val::unknown(super::expr::BUDGET_SPENT, at));
            }
            let it = Val::new(Value::Object(vec![("key".into(), k), ("value".into(), v)]), at.clone());
            self.bound.push((iterator.clone(), it));
            let entries = self.body(file, &content.body, false);
            self.bound.pop();
            let item = Val::new(Value::Object(entries), Location::new(file.clone(), content.head));
            // The blocks made count against the run's value budget, as values do: 10,000
            // blocks in each of 10,000 instances took 560 MB.
            if !self.afford(|room| super::expr::weight(&item, room)) {
                return Err(Val::unknown(super::expr::BUDGET_SPENT, at));
            }
            items.push(item);
        }
        Ok(items)
    }
}
