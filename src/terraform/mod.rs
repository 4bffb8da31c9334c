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
    Loaded {
        resources: map::resources(&evaluated.blocks, catalog),
        findings: evaluated.findings,
        skipped: evaluated.skipped,
        undeclared_vars: evaluated.undeclared_vars,
    }
}
