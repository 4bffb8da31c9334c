//! Terraform configurations for the `alicloud` provider (DESIGN §8), read into the
//! canonical Instances and Images every rule runs on.

pub mod eval;
pub mod value;

use crate::iac::{Loaded, Options};
use crate::source::{Limits, SourceFile};
use std::sync::Arc;

/// Reads the run's Terraform files (`.tf`, `.tf.json`, `.tfvars`) into canonical resources.
pub fn load(files: &[Arc<SourceFile>], options: &Options, limits: Limits) -> Loaded {
    let evaluated = eval::evaluate(files, options, limits);
    Loaded { resources: Vec::new(), findings: evaluated.findings, skipped: evaluated.skipped }
}
