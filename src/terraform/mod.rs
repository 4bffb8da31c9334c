//! Terraform configurations for the `alicloud` provider (DESIGN §8), read into the
//! canonical Instances and Images every rule runs on.
//!
//! [`eval`] parses and evaluates the run's modules into [`value::Block`]s; [`map`] turns
//! those into canonical resources, with [`image`] (the run's images and what an
//! `image_id` names), [`lookup`] (`data "alicloud_images"`) and [`ops`] (copies and
//! share permissions).

pub mod eval;
mod image;
mod lookup;
mod map;
mod ops;
#[cfg(test)]
mod tests;
pub mod value;

use crate::catalog::Catalog;
use crate::iac::{Loaded, Options};
use crate::source::{Limits, SourceFile};
use rayon::prelude::*;
use std::sync::Arc;

/// Reads the run's Terraform files (`.tf`, `.tf.json`, `.tfvars`) into canonical resources.
pub fn load(files: &[Arc<SourceFile>], options: &Options, limits: Limits, catalog: &Catalog) -> Loaded {
    mapped(eval::evaluate(files, options, limits), catalog)
}

/// [`load`] for files that are all there is (Terraform inside a ROS template): a local
/// module they call that is not among them stays unknown, never read from disk.
pub fn load_contained(
    files: &[Arc<SourceFile>],
    options: &Options,
    limits: Limits,
    catalog: &Catalog,
) -> Loaded {
    mapped(eval::evaluate_in(files, options, limits, false), catalog)
}

fn mapped(evaluated: eval::Evaluated, catalog: &Catalog) -> Loaded {
    let resources = map::resources(&evaluated.blocks, catalog);
    // The blocks are freed on every core: one after the other, that took a third as long
    // as mapping them.
    evaluated.blocks.into_par_iter().with_min_len(16).for_each(drop);
    Loaded {
        resources,
        findings: evaluated.findings,
        skipped: evaluated.skipped,
        undeclared_vars: evaluated.undeclared_vars,
    }
}
