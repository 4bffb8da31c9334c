//! Module calls: the child instances of a `module` block (one per `count` or `for_each`
//! key), each with its variables and providers, within the bounds on nesting and on module
//! instances, and the note that says a call was not read.

use super::expr::BUDGET_SPENT;
use super::modules::{self, local_source};
use super::vars::VarValue;
use super::{Children, Ctx, Inst, MAX_MODULE_DEPTH, MAX_MODULE_INSTANCES, index_suffix, types, vars};
use crate::source::SourceFile;
use crate::terraform::value::Repeat;
use std::sync::Arc;

impl Ctx<'_, '_, '_> {
    /// Makes the child instances of the module call `name` once (a call whose arguments
    /// refer to its own outputs finds them pending).
    pub(super) fn ensure_children(&mut self, name: &str) {
        if self.inst.children.contains_key(name) {
            return;
        }
        self.inst.children.insert(name.to_string(), Children::Pending);
        let children = self.make_children(name);
        self.inst.children.insert(name.to_string(), children);
    }

    fn make_children(&mut self, name: &str) -> Children {
        let def = self.inst.def.clone();
        let Some(item) =
            def.blocks("module").find(|i| i.block.labels.first().map(String::as_str) == Some(name))
        else {
            return Children::Unknown(format!("no module call `{name}` in {}", self.inst.who()));
        };
        let body = &item.block.body;
        let source = body.attr("source").map(|a| &a.expr);
        // A source that is not a literal is OpenTofu's (1.8): evaluated from variables and
        // locals; the directory it reaches is a module, not also a root (unless it calls
        // back into its own chain).
        let literal = source.and_then(|e| local_source(&def.dir, e.written()));
        let dynamic = literal.is_none();
        let target = literal
            .or_else(|| modules::local_path(&def.dir, self.eval(&item.file, source?).as_str()?.as_str()));
        let Some(target) = target else {
            return Children::Unknown(format!(
                "module.{name} is not a local module: its outputs are not evaluated"
            ));
        };
        if self.inst.depth + 1 > MAX_MODULE_DEPTH {
            let why = format!("modules nested more than {MAX_MODULE_DEPTH} deep are not evaluated");
            self.note_not_read(&item.file, name, &why);
            return Children::Unknown(why);
        }
        if self.inst.chain.contains(&target) {
            return Children::Unknown(format!("module.{name} calls `{target}`, which calls it back"));
        }
        if dynamic {
            self.g.modules.reach(&target);
        }
        let child_def = match self.g.modules.module(&target) {
            Ok(def) => def,
            Err(why) => {
                // A root evaluated on another core that needs a module not read yet is
                // evaluated again on one core: the rest of this attempt is wasted, so stop it.
                if self.g.modules.missed() {
                    self.g.steps = 0;
                }
                return Children::Unknown(why);
            }
        };
        let why = format!("more than {MAX_MODULE_INSTANCES} module instances are not evaluated");
        // Once the bound is passed, no other call of this root is expanded (each would make
        // its list of instances again only to refuse it).
        if self.g.module_instances > MAX_MODULE_INSTANCES {
            return Children::Unknown(why);
        }
        let (instances, _) = self.expand(&item.file, body);
        self.g.module_instances = self.g.module_instances.saturating_add(instances.len());
        if self.g.module_instances > MAX_MODULE_INSTANCES {
            self.note_not_read(&item.file, name, &why);
            return Children::Unknown(why);
        }
        let counted = body.attr("count").is_some() || body.attr("for_each").is_some();
        let mut list = Vec::new();
        let defaults = vars::defaults(&child_def);
        for instance in instances {
            let mut ctx = Ctx {
                g: &mut *self.g,
                inst: &mut *self.inst,
                count: instance.count,
                each: instance.each,
                bound: Vec::new(),
            };
            let inherited = ctx.child_providers(item);
            let mut values = defaults.clone();
            for attr in &body.attrs {
                if !matches!(
                    attr.name.as_str(),
                    "source" | "version" | "count" | "for_each" | "providers" | "depends_on"
                ) {
                    let v = ctx.eval(&item.file, &attr.expr);
                    values.insert(attr.name.clone(), VarValue::Input(v));
                }
            }
            vars::default_for_null(&child_def, &mut values);
            types::apply(&child_def, &mut values);
            vars::forget_declared_twice(&child_def, &mut values);
            // Each instance's variables count against the run's value budget, as values do:
            // a default of 10,000 items in each of 10,000 instances took 11.8 GB.
            if !ctx.afford(|room| vars::weight(&values, room)) {
                return Children::Unknown(BUDGET_SPENT.to_string());
            }
            let address = format!("{}module.{name}{}", self.inst.prefix(), index_suffix(&instance.repeat));
            let unknown = match &instance.repeat {
                Repeat::Unknown(why) => Some(why.clone()),
                _ => self.inst.unknown_repeat.clone(),
            };
            let mut chain = self.inst.chain.clone();
            chain.push(target.clone());
            let mut child = Inst::new(
                child_def.clone(),
                self.inst.root.clone(),
                address,
                values,
                self.inst.depth + 1,
                chain,
                unknown,
            );
            child.providers = Ctx::new(self.g, &mut child).own_providers(inherited);
            list.push((instance.repeat, child));
        }
        Children::Set { counted, list }
    }

    /// Says, once a root module and bound, that a module call was not read: its resources
    /// are missing from the run, which must not pass in silence.
    fn note_not_read(&mut self, file: &Arc<SourceFile>, name: &str, why: &str) {
        if self.g.noted.iter().any(|noted| noted == why) {
            return;
        }
        self.g.noted.push(why.to_string());
        let note =
            format!("{}: module.{name} in {}: {why}; its resources are not read", file.name, self.inst.who());
        self.g.skipped.push(note);
    }
}
