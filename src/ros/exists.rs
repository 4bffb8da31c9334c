//! Whether a template resource is created: a `Condition` known false or a `Count` of 0
//! leaves it out; a `Condition` or a `Count` not known before deploy means it may not be
//! created at all. As with a Terraform `count` that is not known, nothing about such a
//! resource is reported (every field a rule reads is unknown, S011 says why), and what it
//! would do to another resource (a copy's region, a share's accounts) is not known either.
//! An instance group's `MaxAmount` is not one of these: ROS requires at least 1, so a group
//! whose amount is unknown still has instances (as Terraform's `amount` of an instance set).

use super::intrinsics::{Eval, Template, scalar_text};
use crate::diag::Location;
use crate::source::{Entry, Node};
use std::sync::Arc;

/// Whether a resource is created.
pub enum Existence {
    /// It is (as far as the template says).
    Sure,
    /// It is not: a `Condition` known false, or a `Count` of 0.
    Never,
    /// It may not be, where and why.
    Unsure(Location, String),
}

/// Whether the resource of `entry` is created.
pub fn existence(template: &Template<'_>, entry: &Entry) -> Existence {
    let at = |node: &Node| Location::new(Arc::clone(template.file), node.span);
    if let Some(node) = entry.value.get("Condition") {
        let Some(name) = node.as_str() else {
            return Existence::Unsure(
                at(node),
                "the resource may not be created: its `Condition` is not a name".into(),
            );
        };
        match template.condition(name) {
            Some(true) => {}
            Some(false) => return Existence::Never,
            None => {
                let why =
                    format!("the resource may not be created: condition `{name}` is not known before deploy");
                return Existence::Unsure(at(node), why);
            }
        }
    }
    if let Some(node) = entry.value.get("Count") {
        let count = match template.eval(node) {
            Eval::Known(value, _) => scalar_text(&value)
                .and_then(|text| text.trim().parse::<i64>().ok())
                .ok_or_else(|| "`Count` is not a whole number".to_string()),
            Eval::Resource(id) => Err(format!("`{id}` is known only after deploy")),
            Eval::Unknown(why) => Err(why),
        };
        match count {
            Ok(n) if n <= 0 => return Existence::Never,
            Ok(_) => {}
            Err(why) => {
                let why = format!("the number of resources is not known, and may be none: {why}");
                return Existence::Unsure(at(node), why);
            }
        }
    }
    Existence::Sure
}
