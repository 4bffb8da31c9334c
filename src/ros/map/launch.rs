//! Launch templates of the stack (`ALIYUN::ECS::LaunchTemplate`). A launch template
//! launches nothing itself: what launches from it (an `InstanceGroup` naming it by
//! `LaunchTemplateId` or `LaunchTemplateName`) takes each property it does not set from the
//! template. Read as an instance of its own, a template whose users set their own
//! `InstanceType` or `ImageId` (an Arm group and an x86 group from one template) gave a
//! false A003; so such a template is read through its users. One that no resource of the
//! stack launches from, or that another kind of resource uses (an ESS scaling group, which
//! ecslint does not read), still stands for what will be launched from it.

use super::{Declared, Eval, INSTANCE_TYPES, Template};
use crate::source::Node;
use serde_json::Value as Json;
use std::collections::HashSet;

const LAUNCH_TEMPLATE: &str = "ALIYUN::ECS::LaunchTemplate";

/// Gives each instance-like resource the properties of the launch template it launches
/// from, and returns the templates that are read through their users alone.
pub(super) fn inherit<'a>(template: &Template<'_>, declared: &mut [Declared<'a>]) -> HashSet<&'a str> {
    if !declared.iter().any(|d| d.kind == LAUNCH_TEMPLATE) {
        return HashSet::new();
    }
    // A template's own `LaunchTemplateName` is its name, not a use.
    let launched: Vec<Option<usize>> = declared
        .iter()
        .map(|user| if user.kind == LAUNCH_TEMPLATE { None } else { launched_from(template, declared, user) })
        .collect();
    // A template something other than an instance-like resource uses keeps its own reading.
    let mut kept: HashSet<usize> = HashSet::new();
    let mut used: HashSet<usize> = HashSet::new();
    for (user, used_template) in declared.iter().zip(&launched) {
        if let Some(index) = *used_template {
            used.insert(index);
            if !INSTANCE_TYPES.contains(&user.kind) {
                kept.insert(index);
            }
        }
    }
    let properties: Vec<Option<&'a Node>> = declared.iter().map(|d| d.properties).collect();
    for (user, used_template) in declared.iter_mut().zip(&launched) {
        if INSTANCE_TYPES.contains(&user.kind) && user.kind != LAUNCH_TEMPLATE {
            user.inherited = used_template.and_then(|index| properties.get(index).copied().flatten());
        }
    }
    used.difference(&kept).filter_map(|&index| declared.get(index).map(|d| d.id)).collect()
}

/// The index of the stack's launch template `user` launches from: named by
/// `LaunchTemplateId` or `LaunchTemplateName` as `{Ref: LT}`, `Fn::GetAtt` of it (`[LT,
/// LaunchTemplateId]` or `LT.LaunchTemplateId`), or the template's own literal name.
fn launched_from(template: &Template<'_>, declared: &[Declared<'_>], user: &Declared<'_>) -> Option<usize> {
    let templates = || declared.iter().enumerate().filter(|(_, d)| d.kind == LAUNCH_TEMPLATE);
    let text = |node: &Node| match template.eval(node) {
        Eval::Known(Json::String(text), _) => Some(text),
        _ => None,
    };
    [user.own("LaunchTemplateId"), user.own("LaunchTemplateName")].into_iter().flatten().find_map(|node| {
        let attribute_of = node.get("Fn::GetAtt").and_then(|at| match at.as_seq() {
            Some(items) => items.first().and_then(Node::as_str).map(str::to_string),
            None => at.as_str().and_then(|at| at.split_once('.')).map(|(id, _)| id.to_string()),
        });
        let by_id = |id: &str| templates().find(|(_, d)| d.id == id).map(|(index, _)| index);
        match (attribute_of, template.eval(node)) {
            (Some(id), _) | (None, Eval::Resource(id)) => by_id(&id),
            (None, Eval::Known(Json::String(name), _)) => templates()
                .find(|(_, d)| d.own("LaunchTemplateName").and_then(text).is_some_and(|own| own == name))
                .map(|(index, _)| index),
            _ => None,
        }
    })
}
