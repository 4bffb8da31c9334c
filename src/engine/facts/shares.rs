//! `sharedWith` entries: the facts of each entry (a 16-digit account ID, repeated or
//! not), computed in one pass so that share rules stay linear.

use super::{ImageFacts, cow_val, int_val};
use crate::engine::expr::{CelVal, MapVal, list_val};
use crate::source::{Node, Value};
use cel::common::types::CelBool;
use foldhash::{HashMap, HashMapExt};
use std::borrow::Cow;

/// The facts of a `sharedWith` entry besides its account: whether it is a 16-digit ID
/// (`valid`) or all digits, where the same account first appears, and how many
/// distinct accounts come before it. Computed in one pass, so share rules stay linear.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
///
/// Positions are `u32`: a spec is at most 16 MiB, so a list has fewer than 2^32 entries,
/// and an image with millions of entries keeps one of these per entry (12 bytes, not 24).
pub struct ShareFact {
    pub(super) valid: bool,
    pub(super) digits: bool,
    pub(super) first_index: u32,
    pub(super) distinct_before: u32,
}

/// A field of an entry of `image.shares` that a [`ShareFact`] holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShareField {
    Valid,
    Digits,
    FirstIndex,
    DistinctBefore,
}

impl ShareField {
    const ALL: [Self; 4] = [Self::Valid, Self::Digits, Self::FirstIndex, Self::DistinctBefore];

    /// The field named `name`, if a [`ShareFact`] holds it (`account` it does not).
    pub fn named(name: &str) -> Option<Self> {
        Some(match name {
            "valid" => Self::Valid,
            "digits" => Self::Digits,
            "firstIndex" => Self::FirstIndex,
            "distinctBefore" => Self::DistinctBefore,
            _ => return None,
        })
    }

    const fn name(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::Digits => "digits",
            Self::FirstIndex => "firstIndex",
            Self::DistinctBefore => "distinctBefore",
        }
    }
}

impl ShareFact {
    /// The field's value, as the entry's CEL map in `image.shares` has it.
    pub fn value(self, field: ShareField) -> CelVal<'static> {
        match field {
            ShareField::Valid => Box::new(CelBool::from(self.valid)),
            ShareField::Digits => Box::new(CelBool::from(self.digits)),
            ShareField::FirstIndex => int_val(u64::from(self.first_index)),
            ShareField::DistinctBefore => int_val(u64::from(self.distinct_before)),
        }
    }
}

/// Visits the entries of `sharedWith` in order, with each one's account as text and its
/// [`ShareFact`], and returns the number of distinct accounts. Nothing is kept per entry
/// but the distinct accounts: an image with millions of entries costs what its callers keep.
pub(super) fn shares<'a>(
    shared_with: Option<&'a Node>,
    mut visit: impl FnMut(Cow<'a, str>, ShareFact),
) -> usize {
    let entries = shared_with.and_then(Node::as_seq).unwrap_or_default();
    // Sized for the entries of an ordinary list (growing from nothing rehashed it five
    // times for 50 entries), and past that grown as distinct accounts come: 2.7 million
    // copies of one account need one slot.
    let mut first: HashMap<Cow<'a, str>, u32> = HashMap::with_capacity(entries.len().min(256));
    for (index, entry) in entries.iter().enumerate() {
        let account = match &entry.value {
            Value::Str(s) => Cow::Borrowed(&**s),
            Value::Int(i) => Cow::Owned(i.to_string()),
            _ => Cow::Owned(entry.to_json().to_string()),
        };
        let digits = !account.is_empty() && account.bytes().all(|b| b.is_ascii_digit());
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        let distinct_before = u32::try_from(first.len()).unwrap_or(u32::MAX);
        let first_index = if let Some(&at) = first.get(account.as_ref()) {
            at
        } else {
            first.insert(account.clone(), index);
            index
        };
        let fact = ShareFact { valid: digits && account.len() == 16, digits, first_index, distinct_before };
        visit(account, fact);
    }
    first.len()
}

/// The [`ShareFact`] of every entry of an image's `sharedWith`, in order: what
/// `image.shares` holds besides the accounts, without building CEL maps.
pub fn share_list(image: &ImageFacts<'_>) -> Vec<ShareFact> {
    let mut facts =
        Vec::with_capacity(image.base.shared_with.and_then(Node::as_seq).map_or(0, <[Node]>::len));
    shares(image.base.shared_with, |_, fact| facts.push(fact));
    facts
}

/// `image.shares`: one fact per `sharedWith` entry. They are CEL's own maps (not lazy
/// maps like `image`), so a map literal compares equal to one on either side.
pub(super) fn share_facts(shared_with: Option<&Node>) -> CelVal<'_> {
    let mut facts = Vec::new();
    shares(shared_with, |account, share| {
        #[cfg(test)]
        MAPS_MADE.with(|made| made.set(made.get() + 1));
        let mut fact = MapVal::with_capacity(ShareField::ALL.len() + 1);
        for field in ShareField::ALL {
            fact.put(field.name(), share.value(field));
        }
        fact.put("account", cow_val(&account));
        facts.push(fact.build());
    });
    list_val(facts)
}

#[cfg(test)]
thread_local! {
    /// How many entry maps of `image.shares` [`share_facts`] made on this thread: tests
    /// check that a rule reading one entry does not convert them all.
    pub static MAPS_MADE: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}
