//! The providers of a module instance and the bodies of its blocks: attributes, nested
//! blocks and `dynamic` blocks, evaluated for one instance.

use super::Ctx;
use super::ast::{self, BlockAst, Body, Expr, Kind};
use super::expr::error;
use super::modules::Item;
use crate::diag::Location;
use crate::source::SourceFile;
use crate::terraform::value::{Val, Value};
use std::collections::HashMap;
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

impl Ctx<'_, '_, '_> {
    /// Provider configurations of this module: `inherited` ones overridden by its own blocks.
    pub(super) fn own_providers(
        &mut self,
        mut providers: HashMap<String, Option<Val>>,
    ) -> HashMap<String, Option<Val>> {
        let def = self.inst.def.clone();
        for item in def.blocks("provider") {
            let Some(name) = item.block.labels.first() else { continue };
            let alias = item.block.body.attr("alias").and_then(|a| self.eval(&item.file, &a.expr).as_str());
            let key = alias.map_or_else(|| name.clone(), |alias| format!("{name}.{alias}"));
            let region = item.block.body.attr("region").map(|a| self.eval(&item.file, &a.expr));
            providers.insert(key, region);
        }
        providers
    }

    /// The providers a module call passes: `providers = { alicloud = alicloud.hk }`, else the
    /// caller's default configurations.
    pub(super) fn child_providers(&self, item: &Item) -> HashMap<String, Option<Val>> {
        let mut out = HashMap::new();
        if let Some(Kind::Object(entries)) = item.block.body.attr("providers").map(|a| &a.expr.written().kind)
        {
            for (key, value) in entries {
                if let (Some(child), Some(parent)) = (provider_name(key), provider_name(value))
                    && let Some(region) = self.inst.providers.get(&parent)
                {
                    out.insert(child, region.clone());
                }
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
    pub(super) fn region(&self, item: &Item, head: &Location) -> Val {
        let kind = item.block.labels.first().map_or("", String::as_str);
        let default = kind.split('_').next().unwrap_or(kind).to_string();
        let name =
            item.block.body.attr("provider").and_then(|a| provider_name(a.expr.written())).unwrap_or(default);
        match self.inst.providers.get(&name) {
            Some(Some(region)) => region.clone(),
            None if name.contains('.') => Val::unknown(
                format!("the provider `{name}` is not configured for {}", self.inst.who()),
                head.clone(),
            ),
            _ => match &self.g.options.region {
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
                    out.push((kind, Val::new(Value::List(items), Location::new(file.clone(), block.head))));
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
        let pairs: Vec<(Val, Val)> = match &coll.value {
            #[allow(clippy::cast_precision_loss)]
            Value::List(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (Val::new(Value::Number(i as f64), at.clone()), v.clone()))
                .collect(),
            Value::Object(entries) => super::expr::sorted(entries)
                .into_iter()
                .map(|(k, v)| (Val::new(Value::String(k.clone()), at.clone()), v.clone()))
                .collect(),
            _ => {
                return Err(Val::unknown(
                    coll.unknown_why()
                        .unwrap_or_else(|| "a dynamic block's for_each is not a collection".into()),
                    at,
                ));
            }
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
            let room = super::expr::Names::room(self);
            let units = super::expr::weight(&item, room);
            if units > room || !super::expr::Names::charge(self, units) {
                super::expr::Names::refused(self);
                return Err(Val::unknown(super::expr::BUDGET_SPENT, at));
            }
            items.push(item);
        }
        Ok(items)
    }
}
