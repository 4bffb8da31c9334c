//! What a focused run (named files in their project, `CheckOptions::focus`) needs of the
//! [`World`](super::World): the facts its checked resources can read, and no others.
//!
//! A pre-commit run over one file in a 10,000-file repository loads every file for its
//! names, shares and cycles, but its rules run on a few resources. Their image facts
//! (an image's own, its `derivedFrom` ancestors', the public image IDs they name) and
//! their instance types and regions are made; the rest of the project's are not. What
//! is made is made exactly as a whole run makes it, so a checked resource sees the same
//! facts either way (`tests/context_focus.rs` compares the two runs).

use super::ImageSpecs;
use crate::spec::{Kind, Resource};
use foldhash::{HashSet, HashSetExt};

/// Whether the resource at `index` is checked: every resource without a focus, and one
/// the focus does not mark false (as `eval::evaluate` reads it).
pub(super) fn checked(focus: Option<&[bool]>, index: usize) -> bool {
    focus.is_none_or(|focus| focus.get(index) != Some(&false))
}

/// The Image specs whose facts a checked resource can read: the checked images, the
/// images the checked instances name, and every `derivedFrom` ancestor of those (an
/// image's facts are made from its chain). References resolve as [`World::resolve`]
/// resolves them to specs ([`ImageSpecs::get`]).
///
/// [`World::resolve`]: super::World::resolve
pub(super) fn wanted_images(resources: &[Resource], specs: &ImageSpecs<'_>, focus: &[bool]) -> Vec<bool> {
    let spec = |reference: &str| specs.get(reference);
    let mut stack: Vec<usize> = Vec::new();
    for (index, resource) in resources.iter().enumerate() {
        if !checked(Some(focus), index) {
            continue;
        }
        match resource.kind {
            Kind::Image => stack.push(index),
            Kind::Instance => stack.extend(resource.image_reference("image").and_then(spec)),
        }
    }
    let mut wanted = vec![false; resources.len()];
    while let Some(index) = stack.pop() {
        match wanted.get_mut(index) {
            Some(flag) if !*flag => *flag = true,
            _ => continue,
        }
        let Some(image) = resources.get(index).filter(|r| r.kind == Kind::Image) else { continue };
        stack.extend(parent_references(image).filter_map(spec));
    }
    wanted
}

/// The references an image's `derivedFrom` may be read as: resolved (an IaC image's
/// reference) and as written.
fn parent_references(image: &Resource) -> impl Iterator<Item = &str> {
    [image.image_reference("derivedFrom"), image.node.get_str("derivedFrom")].into_iter().flatten()
}

/// The image references a checked resource or a wanted image can look up: the public
/// image IDs among them are the only ones a focused run parses.
pub(super) fn wanted_references<'a>(
    resources: &'a [Resource],
    focus: &[bool],
    wanted: &[bool],
) -> HashSet<&'a str> {
    let mut references = HashSet::new();
    for (index, resource) in resources.iter().enumerate() {
        match resource.kind {
            Kind::Instance if checked(Some(focus), index) => {
                references.extend(resource.image_reference("image"));
            }
            Kind::Image if wanted.get(index) == Some(&true) => {
                references.extend(parent_references(resource));
            }
            Kind::Instance | Kind::Image => {}
        }
    }
    references
}

/// The instance type and region IDs the checked instances read (as written: a rule
/// looks its instance's up by the field's text, valid or not).
pub(super) fn wanted_catalog_ids<'a>(
    resources: &'a [Resource],
    focus: Option<&[bool]>,
) -> Option<(HashSet<&'a str>, HashSet<&'a str>)> {
    focus?;
    let mut types = HashSet::new();
    let mut regions = HashSet::new();
    for (index, resource) in resources.iter().enumerate() {
        if resource.kind == Kind::Instance && checked(focus, index) {
            types.extend(resource.node.get_str("instanceType"));
            regions.extend(resource.node.get_str("region"));
        }
    }
    Some((types, regions))
}

/// Whether the image at `index` is wanted: every image without a focus.
pub(super) fn is_wanted(wanted: Option<&[bool]>, index: usize) -> bool {
    wanted.is_none_or(|wanted| wanted.get(index) == Some(&true))
}
