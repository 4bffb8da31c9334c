//! ecslint: a policy-as-code linter for Alibaba Cloud ECS instance and image specs.
//!
//! The library does all the work and never prints or exits: [`check::check`] turns
//! sources into findings, and the [`diag`] renderers write them. The binary is a thin
//! CLI over it.

pub mod baseline;
pub mod catalog;
pub mod check;
pub mod cli;
pub mod config;
pub mod date;
pub mod diag;
pub mod engine;
pub mod files;
pub mod source;
pub mod spec;
pub mod suggest;
pub mod suppress;
