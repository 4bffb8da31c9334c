//! Override files (`override.tf`, `*_override.tf`, and their `.tf.json` forms), merged into
//! the blocks of the other files of their module as Terraform merges them: after every other
//! file, override files in lexical order of name, each block into the block of the same
//! type and labels (a provider by its name and `alias`, a local by its name). An attribute
//! the override sets replaces the original's; a nested block type it writes replaces every
//! nested block of that type (`dynamic` ones too). A block with nothing to override is
//! Terraform's error and is left out, as is a `terraform` block.
//!
//! A merged attribute stays written in its own file ([`Kind::In`]): its value and the
//! places of findings on it are in the override file.

use super::ast::{Attr, BlockAst, Body, Expr, Kind};
use super::modules::Item;
use crate::source::{SourceFile, Span};
use std::sync::Arc;

/// Whether a file is an override file.
pub fn is_override(name: &str) -> bool {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = base.strip_suffix(".tf.json").or_else(|| base.strip_suffix(".tf")).unwrap_or_default();
    stem == "override" || stem.ends_with("_override")
}

/// Merges the blocks of `overrides` (in the order given) into `items`.
pub fn merge(items: &mut [Item], overrides: Vec<(Arc<SourceFile>, Body)>, out: &mut Vec<Item>) {
    for (file, body) in overrides {
        for block in body.blocks {
            match block.kind.as_str() {
                "resource" | "data" | "variable" | "output" | "module" => {
                    for item in items
                        .iter_mut()
                        .filter(|i| i.block.kind == block.kind && i.block.labels == block.labels)
                    {
                        merge_body(&mut item.block.body, &block.body, &file, item.block.head);
                    }
                }
                "provider" => {
                    let alias = alias(&block.body);
                    for item in items
                        .iter_mut()
                        .filter(|i| i.block.kind == "provider" && i.block.labels == block.labels)
                        .filter(|i| self::alias(&i.block.body) == alias)
                    {
                        merge_body(&mut item.block.body, &block.body, &file, item.block.head);
                    }
                }
                "locals" => {
                    // Each local replaces the one of its name, wherever it is; one the module
                    // does not have is left out.
                    let mut kept = Body::default();
                    for attr in block.body.attrs {
                        let mut found = false;
                        for item in items.iter_mut().filter(|i| i.block.kind == "locals") {
                            let before = item.block.body.attrs.len();
                            item.block.body.attrs.retain(|a| a.name != attr.name);
                            found |= item.block.body.attrs.len() < before;
                        }
                        if found {
                            kept.attrs.push(attr);
                        }
                    }
                    out.push(Item { file: file.clone(), block: BlockAst { body: kept, ..block } });
                }
                _ => {}
            }
        }
    }
}

/// The `alias` of a provider block, when it is written as a string.
fn alias(body: &Body) -> Option<String> {
    match &body.attr("alias")?.expr.written().kind {
        Kind::Str(alias) => Some(alias.clone()),
        _ => None,
    }
}

/// Merges an override block's body written in `file` into `body`, whose block's head is
/// `head` (in the original's file).
fn merge_body(body: &mut Body, over: &Body, file: &Arc<SourceFile>, head: Span) {
    for attr in &over.attrs {
        let anchor = body.attr(&attr.name).map_or(head, |a| a.expr.span);
        let merged = Attr { name: attr.name.clone(), expr: moved(&attr.expr, file, anchor) };
        match body.attrs.iter_mut().find(|a| a.name == attr.name) {
            Some(slot) => *slot = merged,
            None => body.attrs.push(merged),
        }
    }
    for kind in over.blocks.iter().map(nested_kind) {
        body.blocks.retain(|b| nested_kind(b) != kind);
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
        for name in ["override.tf", "m/override.tf.json", "m/dev_override.tf", "x_override.tf.json"] {
            assert!(is_override(name), "{name}");
        }
        for name in ["overrides.tf", "myoverride.tf", "override.tfvars", "m/main.tf", "override_x.tf"] {
            assert!(!is_override(name), "{name}");
        }
    }
}
