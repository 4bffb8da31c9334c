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

/// The most items (files, resources, findings) one parallel task takes on. Rayon
/// otherwise splits a loop into about two pieces per core and splits further only when
/// a piece is stolen: the piece left last ran on one core while the other sat idle
/// (40 ms of a 0.4 s check on two cores). Small pieces can always be stolen.
pub const CHUNK: usize = 64;
