//! ecslint: a policy-as-code linter for Alibaba Cloud ECS instance and image specs.
//!
//! The library does all the work and never prints or exits: [`check::check`] turns
//! sources into findings, and the [`diag`] renderers write them. The binary is a thin
//! CLI over it.

pub mod aliases;
pub mod baseline;
pub mod cap;
pub mod catalog;
pub mod check;
pub mod cli;
pub mod config;
pub mod date;
pub mod diag;
pub mod engine;
pub mod files;
pub mod iac;
pub mod packer;
pub mod project;
pub mod ros;
pub mod search;
pub mod source;
pub mod spec;
pub mod suggest;
pub mod suppress;
pub mod terraform;

/// The most items (files, resources, findings) one parallel task takes on. Rayon
/// otherwise splits a loop into about two pieces per core and splits further only when
/// a piece is stolen: the piece left last ran on one core while the other sat idle
/// (40 ms of a 0.4 s check on two cores). Small pieces can always be stolen.
pub const CHUNK: usize = 64;

/// Stack size of the threads that load, compile and evaluate (rayon's pool, which the CLI
/// sets up). Parsing and evaluating CEL recurse once per level of an expression, and a
/// user's expression may have up to 1,000 (`MAX_OPERATORS` in `engine/expr.rs`): a debug
/// build took about 3.5 KiB a level and overflowed rayon's default 2 MiB at about 600, a
/// release build at about 3,000. Only the pages a thread touches are ever allocated.
pub const STACK_SIZE: usize = 16 << 20;
