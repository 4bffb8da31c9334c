//! ecslint: a policy-as-code linter for Alibaba Cloud ECS instance and image specs.

pub mod date;
pub mod source;
