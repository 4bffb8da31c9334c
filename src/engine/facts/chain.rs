//! `derivedFrom` chains: each image spec's parent, what it inherits from its ancestors
//! (worked out once per image in one linear pass), the cycles, and `image.chain`
//! walked on demand.

use super::{Cycle, ImageBase, Os, PaidOrigin, inferred_paid, paid_origin};
use crate::catalog::Catalog;
use crate::spec::Resource;
use foldhash::HashMap;
use std::sync::Arc;

/// Where an image spec's `derivedFrom` leads.
#[derive(Clone, Copy, Debug)]
pub(super) enum Parent<'a> {
    /// An Image spec of the run (index into the resources).
    Spec(usize),
    /// A public image ID of the run's [`World::public`].
    Public(&'a str),
}

/// The run's `derivedFrom` links: every image spec as written (by resource index) and
/// its parent. Shared by every image's [`Chain`].
#[derive(Debug)]
pub struct Links<'a> {
    /// Boxed: an instance's slot is a pointer, not an empty base (see `World::image_facts`).
    pub(super) bases: Vec<Option<Box<ImageBase<'a>>>>,
    pub(super) parents: Vec<Option<Parent<'a>>>,
    pub(super) public: HashMap<&'a str, ImageBase<'a>>,
}

/// Most ancestors `image.chain` lists: real chains are a handful of images deep, and a
/// longer list for every subject that reads it would make a long chain quadratic again.
pub const MAX_CHAIN: usize = 100;

/// An image's ancestors, walked on demand from the run's [`Links`].
#[derive(Clone, Debug, Default)]
pub struct Chain<'a> {
    pub(super) links: Option<Arc<Links<'a>>>,
    /// The image whose ancestors these are.
    pub(super) start: usize,
    /// How many ancestors it has (a chain that loops stops before repeating one).
    pub(super) len: usize,
}

impl<'a> Chain<'a> {
    /// The ancestors as written, nearest first, at most [`MAX_CHAIN`] of them.
    pub fn ancestors(&self) -> impl Iterator<Item = &ImageBase<'a>> {
        let links = self.links.as_deref();
        let mut current = Some(Parent::Spec(self.start));
        std::iter::from_fn(move || {
            let links = links?;
            let next = match current? {
                Parent::Spec(index) => links.parents.get(index).copied().flatten(),
                Parent::Public(_) => None,
            };
            current = next;
            match next? {
                Parent::Spec(index) => links.bases.get(index)?.as_deref(),
                Parent::Public(id) => links.public.get(id),
            }
        })
        .take(self.len.min(MAX_CHAIN))
    }
}

/// What an image spec inherits from its `derivedFrom` chain.
#[derive(Clone, Debug, Default)]
pub(super) struct Derived<'a> {
    /// From the nearest ancestor that knows them (or the image itself).
    pub(super) os: Option<Os<'a>>,
    pub(super) architecture: Option<&'a str>,
    pub(super) boot_mode: Option<&'a str>,
    /// The image or an ancestor is a Marketplace image.
    pub(super) marketplace: bool,
    /// The nearest paid origin among the ancestors as written.
    pub(super) ancestor_paid: Option<PaidOrigin<'a>>,
    /// The nearest paid origin among the image as written and its ancestors: what a
    /// child inherits as its `ancestor_paid`.
    pub(super) own_paid: Option<PaidOrigin<'a>>,
    pub(super) chain_len: usize,
}

/// What [`inherit`] made, by resource index. A 4-byte slot per resource leads into a list
/// of the values made, reserved for the images whose bases were made: a focused run
/// makes a few, and a 240-byte slot per resource was 4.8 MB written (1,200 page faults)
/// for a one-file check in a 10,000-file project. Reserved room that is never written
/// costs no memory.
pub(super) struct DerivedTable<'a> {
    /// One past the position in `values`, 0 for none.
    slots: Vec<usize>,
    values: Vec<Derived<'a>>,
}

impl<'a> DerivedTable<'a> {
    fn new(count: usize, made: usize) -> Self {
        Self { slots: vec![0; count], values: Vec::with_capacity(made) }
    }

    /// What the image at resource `index` inherits, if it was made.
    pub(super) fn get(&self, index: usize) -> Option<&Derived<'a>> {
        let slot = self.slots.get(index)?.checked_sub(1)?;
        self.values.get(slot)
    }

    fn set(&mut self, index: usize, value: Derived<'a>) {
        let Some(slot) = self.slots.get_mut(index) else { return };
        if let Some(old) = slot.checked_sub(1).and_then(|at| self.values.get_mut(at)) {
            *old = value;
        } else {
            self.values.push(value);
            *slot = self.values.len();
        }
    }
}

/// What every image spec inherits, and the `derivedFrom` cycles, in time and memory
/// linear in the number of images: each image is visited once, follows its parent
/// until an image already done, then the path is finished from the top down, each
/// image from its parent's result. A cycle (the walk meets its own path) is finished
/// by a sweep around it.
///
/// `images` marks the images with facts (valid enough to trust): the walk starts at each
/// of them, whether or not its [`ImageBase`] was made (a focused run makes only the ones
/// its checked resources read), so that the cycles found are the same either way.
pub(super) fn inherit<'a>(
    links: &Links<'a>,
    images: &[bool],
    catalog: &Catalog,
    resources: &'a [Resource],
) -> (DerivedTable<'a>, Vec<Cycle>) {
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let count = links.bases.len();
    let mut state = vec![NEW; count];
    let mut position = vec![0usize; count];
    let made = links.bases.iter().filter(|base| base.is_some()).count();
    let mut derived = DerivedTable::new(count, made);
    let mut cycles = Vec::new();
    let mut path: Vec<usize> = Vec::new();
    for start in 0..count {
        if images.get(start) != Some(&true) || state.get(start) != Some(&NEW) {
            continue;
        }
        path.clear();
        let mut current = start;
        let mut cycle_at = None;
        loop {
            match state.get(current) {
                Some(&ON_PATH) => {
                    cycle_at = position.get(current).copied();
                    break;
                }
                Some(&NEW) => {}
                _ => break,
            }
            if let (Some(s), Some(p)) = (state.get_mut(current), position.get_mut(current)) {
                *s = ON_PATH;
                *p = path.len();
            }
            path.push(current);
            match links.parents.get(current).copied().flatten() {
                Some(Parent::Spec(next)) => current = next,
                _ => break,
            }
        }
        let tail_end = cycle_at.unwrap_or(path.len());
        if let Some(at) = cycle_at {
            let members = path.get(at..).unwrap_or_default();
            finish_cycle(links, catalog, resources, members, &mut derived, &mut cycles);
        }
        for &index in path.get(..tail_end).unwrap_or_default().iter().rev() {
            if let Some(value) = finish_one(links, catalog, index, &derived) {
                derived.set(index, value);
            }
        }
        for &index in &path {
            if let Some(s) = state.get_mut(index) {
                *s = DONE;
            }
        }
    }
    (derived, cycles)
}

/// An image not on a cycle, from its parent's result (already known).
pub(super) fn finish_one<'a>(
    links: &Links<'a>,
    catalog: &Catalog,
    index: usize,
    derived: &DerivedTable<'a>,
) -> Option<Derived<'a>> {
    let base = links.bases.get(index)?.as_deref()?;
    let orphan = links.parents.get(index).copied().flatten().is_none();
    let parent: Option<Derived<'a>> = match links.parents.get(index).copied().flatten() {
        Some(Parent::Spec(p)) => derived.get(p).cloned().map(|d| Derived { chain_len: d.chain_len + 1, ..d }),
        Some(Parent::Public(id)) => links.public.get(id).map(|public| Derived {
            os: public.os.clone(),
            architecture: public.architecture,
            boot_mode: public.boot_mode,
            marketplace: public.image_type == Some("marketplace"),
            ancestor_paid: None,
            own_paid: paid_origin(public, catalog),
            chain_len: 1,
        }),
        None => None,
    };
    let parent = parent.unwrap_or_default();
    Some(Derived {
        os: base.os.clone().or(parent.os),
        architecture: base.architecture.or(parent.architecture),
        boot_mode: base.boot_mode.or(parent.boot_mode),
        marketplace: base.image_type == Some("marketplace") || parent.marketplace,
        // An image whose origin is unknown (no parent in the run) may still be known to
        // come from a paid image by its own OS; a known parent decides otherwise.
        own_paid: paid_origin(base, catalog)
            .or_else(|| parent.own_paid.clone())
            .or_else(|| orphan.then(|| inferred_paid(base, catalog)).flatten()),
        ancestor_paid: parent.own_paid,
        chain_len: parent.chain_len,
    })
}

/// The images of one cycle, `members[i]` derived from `members[i + 1]` and the last
/// from the first. Each one's ancestors are the other members in cycle order, so the
/// nearest one knowing a fact is found by one backward sweep over the cycle twice.
pub(super) fn finish_cycle<'a>(
    links: &Links<'a>,
    catalog: &Catalog,
    resources: &[Resource],
    members: &[usize],
    derived: &mut DerivedTable<'a>,
    cycles: &mut Vec<Cycle>,
) {
    let bases: Vec<Option<&ImageBase<'a>>> =
        members.iter().map(|&i| links.bases.get(i).and_then(Option::as_deref)).collect();
    let len = bases.len();
    // nearest[i]: the first position at or after `i` (in the doubled cycle) whose
    // image knows the fact, per fact.
    let nearest = |knows: &dyn Fn(&ImageBase<'a>) -> bool| -> Vec<Option<usize>> {
        let mut next = vec![None; 2 * len];
        let mut seen = None;
        for k in (0..2 * len).rev() {
            if bases.get(k % len.max(1)).copied().flatten().is_some_and(knows) {
                seen = Some(k);
            }
            if let Some(slot) = next.get_mut(k) {
                *slot = seen;
            }
        }
        next
    };
    let paid: Vec<Option<PaidOrigin<'a>>> =
        bases.iter().map(|b| b.and_then(|b| paid_origin(b, catalog))).collect();
    let with_os = nearest(&|b| b.os.is_some());
    let with_arch = nearest(&|b| b.architecture.is_some());
    let with_boot = nearest(&|b| b.boot_mode.is_some());
    let with_paid = {
        let mut next = vec![None; 2 * len];
        let mut seen = None;
        for k in (0..2 * len).rev() {
            if paid.get(k % len.max(1)).is_some_and(Option::is_some) {
                seen = Some(k);
            }
            if let Some(slot) = next.get_mut(k) {
                *slot = seen;
            }
        }
        next
    };
    let marketplace = bases.iter().flatten().any(|b| b.image_type == Some("marketplace"));
    // The nearest among the other members: from i + 1, before i + len (i itself).
    let other = |table: &[Option<usize>], i: usize| {
        table.get(i + 1).copied().flatten().filter(|&k| k < i + len).map(|k| k % len)
    };
    let base_at = |k: usize| bases.get(k).copied().flatten();
    for (i, &index) in members.iter().enumerate() {
        // Every member is an image with facts (only those have a parent); one whose base a
        // focused run did not make is still on the cycle, with nothing to inherit.
        cycles.push(Cycle { image: index, names: cycle_names(resources, members, i) });
        let Some(base) = base_at(i) else { continue };
        let value = Derived {
            os: base.os.clone().or_else(|| base_at(other(&with_os, i)?)?.os.clone()),
            architecture: base.architecture.or_else(|| base_at(other(&with_arch, i)?)?.architecture),
            boot_mode: base.boot_mode.or_else(|| base_at(other(&with_boot, i)?)?.boot_mode),
            marketplace,
            ancestor_paid: other(&with_paid, i).and_then(|k| paid.get(k).cloned().flatten()),
            own_paid: paid
                .get(i)
                .cloned()
                .flatten()
                .or_else(|| other(&with_paid, i).and_then(|k| paid.get(k).cloned().flatten())),
            chain_len: len - 1,
        };
        derived.set(index, value);
    }
}

/// Names in a cycle message: the image, the cycle in order and the image again; a long
/// cycle shows its first and last few, so each message stays short.
pub(super) fn cycle_names(resources: &[Resource], members: &[usize], from: usize) -> Vec<String> {
    const SHOWN: usize = 10;
    let len = members.len();
    let name = |k: usize| members.get(k % len.max(1)).and_then(|&i| resources.get(i)?.name.clone());
    let mut names: Vec<String> = Vec::new();
    if len <= SHOWN {
        names.extend((from..from + len).filter_map(name));
    } else {
        names.extend((from..from + SHOWN / 2).filter_map(name));
        names.push(format!("… {} more …", len - SHOWN));
        names.extend((from + len - SHOWN / 2..from + len).filter_map(name));
    }
    names.extend(name(from));
    names
}
