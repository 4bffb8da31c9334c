//! Override files (`override.tf`, `*_override.tf`, their `.tf.json` forms and OpenTofu's
//! `.tofu` and `.tofu.json` ones), merged into
//! the blocks of the other files of their module as Terraform merges them: after every other
//! file, override files in lexical order of name, each block into the block of the same
//! type and labels (a provider by its name and `alias`, a local by its name). An attribute
//! the override sets replaces the original's; a nested block type it writes replaces every
//! nested block of that type (`dynamic` ones too). A block with nothing to override is
//! Terraform's error and is left out, but for a default provider (an absent one is an
//! empty one); a `terraform` block is left out too.
//!
//! A merged attribute stays written in its own file ([`Kind::In`]): its value and the
//! places of findings on it are in the override file.

use super::ast::{Attr, BlockAst, Body, Expr, Kind};
use super::modules::Item;
use crate::source::{SourceFile, Span};
use foldhash::{HashMap, HashSet, HashSetExt as _};
use std::sync::Arc;

/// Whether a file is an override file.
pub fn is_override(name: &str) -> bool {
    let base = crate::source::base_name(name);
    let stem = [".tf.json", ".tofu.json", ".tf", ".tofu"]
        .into_iter()
        .find_map(|suffix| base.strip_suffix(suffix))
        .unwrap_or_default();
    stem == "override" || stem.ends_with("_override")
}

/// Merges the blocks of `overrides` (in the order given) into `items`; `out` gets what they
/// add: the locals they override (a later override file's replaces an earlier one's), and a
/// default provider the module does not configure (an absent one is an empty one).
///
/// Each block is merged into the first block of its type and labels: a module that writes
/// one twice is S003 already, and merging into every copy multiplied the work.
pub fn merge(items: &mut [Item], overrides: Vec<(Arc<SourceFile>, Body)>, out: &mut Vec<Item>) {
    for (file, body) in overrides {
        let mut locals = Vec::new();
        for block in body.blocks {
            match block.kind.as_str() {
                "resource" | "data" | "variable" | "output" | "module" => {
                    if let Some(item) = items
                        .iter_mut()
                        .find(|i| i.block.kind == block.kind && i.block.labels == block.labels)
                    {
                        merge_body(&mut item.block.body, &block.body, &file, item.block.head);
                    }
                }
                "provider" => {
                    let alias = alias(&block.body);
                    let same = |i: &&mut Item| {
                        i.block.kind == "provider"
                            && i.block.labels == block.labels
                            && self::alias(&i.block.body) == alias
                    };
                    if let Some(item) = items.iter_mut().find(same).or_else(|| out.iter_mut().find(same)) {
                        merge_body(&mut item.block.body, &block.body, &file, item.block.head);
                    } else if alias.is_none() {
                        out.push(Item { file: file.clone(), block });
                    }
                }
                "locals" => locals.push(block),
                _ => {}
            }
        }
        merge_locals(items, locals, &file, out);
    }
}

/// The `locals` blocks of one override file: each local replaces the one of its name,
/// wherever it is (an earlier override file's included); one the module does not have is
/// left out. One pass over the module's locals for the whole file.
fn merge_locals(items: &mut [Item], blocks: Vec<BlockAst>, file: &Arc<SourceFile>, out: &mut Vec<Item>) {
    let Some(first) = blocks.first() else { return };
    let (head, labels) = (first.head, first.labels.clone());
    let attrs: Vec<Attr> = blocks.into_iter().flat_map(|b| b.body.attrs).collect();
    let names: HashSet<&str> = attrs.iter().map(|a| a.name.as_str()).collect();
    let mut found: HashSet<String> = HashSet::new();
    for item in items.iter_mut().chain(out.iter_mut()).filter(|i| i.block.kind == "locals") {
        item.block.body.attrs.retain(|a| {
            let overridden = names.contains(a.name.as_str());
            if overridden {
                found.insert(a.name.clone());
            }
            !overridden
        });
    }
    let attrs = attrs.into_iter().filter(|a| found.contains(&a.name)).collect();
    let block = BlockAst { kind: "locals".into(), labels, head, body: Body { attrs, blocks: Vec::new() } };
    out.push(Item { file: file.clone(), block });
}

/// The `alias` of a provider block, when it is written as a string.
fn alias(body: &Body) -> Option<String> {
    match &body.attr("alias")?.expr.written().kind {
        Kind::Str(alias) => Some(alias.clone()),
        _ => None,
    }
}

/// Merges an override block's body written in `file` into `body`, whose block's head is
/// `head` (in the original's file). A nested block type the override writes replaces every
/// block of that type; in a `.tf.json` file nested blocks are attributes (`"disk": [...]`),
/// so an attribute of an override and a block type of the original replace each other too.
fn merge_body(body: &mut Body, over: &Body, file: &Arc<SourceFile>, head: Span) {
    let over_kinds: HashSet<&str> =
        over.blocks.iter().map(nested_kind).chain(over.attrs.iter().map(|a| a.name.as_str())).collect();
    body.blocks.retain(|b| !over_kinds.contains(nested_kind(b)));
    let block_kinds: HashSet<&str> = over.blocks.iter().map(nested_kind).collect();
    body.attrs.retain(|a| !block_kinds.contains(a.name.as_str()));
    let mut at: HashMap<String, usize> =
        body.attrs.iter().enumerate().map(|(i, a)| (a.name.clone(), i)).collect();
    for attr in &over.attrs {
        if let Some(&i) = at.get(&attr.name) {
            let anchor = body.attrs[i].expr.span;
            body.attrs[i] = Attr { name: attr.name.clone(), expr: moved(&attr.expr, file, anchor) };
        } else {
            at.insert(attr.name.clone(), body.attrs.len());
            body.attrs.push(Attr { name: attr.name.clone(), expr: moved(&attr.expr, file, head) });
        }
    }
    for block in &over.blocks {
        body.blocks.push(moved_block(block, file, head));
    }
}

/// The type a nested block stands for: a `dynamic "disk"` block is `disk` blocks.
fn nested_kind(block: &BlockAst) -> &str {
    match block.labels.first() {
        Some(kind) if block.kind == "dynamic" => kind,
        _ => &block.kind,
    }
}

/// An expression of `file` placed in another file at `anchor`.
fn moved(expr: &Expr, file: &Arc<SourceFile>, anchor: Span) -> Expr {
    Expr { kind: Kind::In(file.clone(), Box::new(expr.clone())), span: anchor }
}

/// A nested block of `file` placed in another file: its head at `anchor`, its attributes
/// written in `file`.
fn moved_block(block: &BlockAst, file: &Arc<SourceFile>, anchor: Span) -> BlockAst {
    let attrs = block
        .body
        .attrs
        .iter()
        .map(|a| Attr { name: a.name.clone(), expr: moved(&a.expr, file, anchor) })
        .collect();
    let blocks = block.body.blocks.iter().map(|b| moved_block(b, file, anchor)).collect();
    BlockAst {
        kind: block.kind.clone(),
        labels: block.labels.clone(),
        head: anchor,
        body: Body { attrs, blocks },
    }
}

#[cfg(test)]
mod tests {
    use super::is_override;

    #[test]
    fn override_files_are_named_as_terraform_names_them() {
        for name in [
            "override.tf",
            "m/override.tf.json",
            "m/dev_override.tf",
            "x_override.tf.json",
            "override.tofu",
            "m/dev_override.tofu.json",
        ] {
            assert!(is_override(name), "{name}");
        }
        for name in ["overrides.tf", "myoverride.tf", "override.tfvars", "m/main.tf", "override_x.tf"] {
            assert!(!is_override(name), "{name}");
        }
    }
}
