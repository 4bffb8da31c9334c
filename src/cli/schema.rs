//! `ecslint schema`: print a JSON Schema, for editors and CI.

use super::Failure;
use clap::{Args, ValueEnum};
use std::io::Write;

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which schema to print
    #[arg(value_enum)]
    pub which: Which,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Which {
    Instance,
    Image,
    Rule,
    Config,
    Catalog,
}

/// The text of a schema, exactly as shipped in `schemas/`.
pub const fn text(which: Which) -> &'static str {
    match which {
        Which::Instance => crate::spec::INSTANCE_SCHEMA,
        Which::Image => crate::spec::IMAGE_SCHEMA,
        Which::Rule => crate::engine::RULE_SCHEMA,
        Which::Config => crate::config::CONFIG_SCHEMA,
        Which::Catalog => include_str!("../../schemas/catalog.schema.json"),
    }
}

pub fn run(args: &SchemaArgs) -> Result<bool, Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(text(args.which).as_bytes())?;
    Ok(false)
}
