//! `sharedWith` entries: the facts of each entry (a 16-digit account ID, repeated or
//! not), computed in one pass so that share rules stay linear.

use super::{ImageFacts, cow_val, int_val};
use crate::engine::expr::{CelVal, MapVal, list_val};
use crate::source::{Node, Value};
use cel::common::types::CelBool;
use foldhash::{HashMap, HashMapExt};
use std::borrow::Cow;

/// What one `sharedWith` entry is: the account as text, and its [`ShareFact`].
pub(super) struct Share<'a> {
    pub(super) account: Cow<'a, str>,
    pub(super) fact: ShareFact,
}

/// The facts of a `sharedWith` entry besides its account: whether it is a 16-digit ID
/// (`valid`) or all digits, where the same account first appears, and how many
/// distinct accounts come before it. Computed in one pass, so share rules stay linear.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShareFact {
    pub(super) valid: bool,
    pub(super) digits: bool,
    pub(super) first_index: usize,
    pub(super) distinct_before: usize,
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
            ShareField::FirstIndex => int_val(self.first_index as u64),
            ShareField::DistinctBefore => int_val(self.distinct_before as u64),
        }
    }
}

/// The entries of `sharedWith`, and the number of distinct accounts.
pub(super) fn shares(shared_with: Option<&Node>) -> (Vec<Share<'_>>, usize) {
    let entries = shared_with.and_then(Node::as_seq).unwrap_or_default();
    let mut first: HashMap<Cow<'_, str>, usize> = HashMap::with_capacity(entries.len());
    let mut shares = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        let account = match &entry.value {
            Value::Str(s) => Cow::Borrowed(s.as_str()),
            Value::Int(i) => Cow::Owned(i.to_string()),
            _ => Cow::Owned(entry.to_json().to_string()),
        };
        let digits = !account.is_empty() && account.bytes().all(|b| b.is_ascii_digit());
        let distinct_before = first.len();
        let first_index = *first.entry(account.clone()).or_insert(index);
        let fact = ShareFact { valid: digits && account.len() == 16, digits, first_index, distinct_before };
        shares.push(Share { account, fact });
    }
    (shares, first.len())
}

/// The [`ShareFact`] of every entry of an image's `sharedWith`, in order: what
/// `image.shares` holds besides the accounts, without building CEL maps.
pub fn share_list(image: &ImageFacts<'_>) -> Vec<ShareFact> {
    shares(image.base.shared_with).0.into_iter().map(|share| share.fact).collect()
}

/// `image.shares`: one fact per `sharedWith` entry. They are CEL's own maps (not lazy
/// maps like `image`), so a map literal compares equal to one on either side.
pub(super) fn share_facts(shared_with: Option<&Node>) -> CelVal<'_> {
    let facts = shares(shared_with).0.into_iter().map(|share| {
        let mut fact = MapVal::with_capacity(ShareField::ALL.len() + 1);
        for field in ShareField::ALL {
            fact.put(field.name(), share.fact.value(field));
        }
        fact.put("account", cow_val(&share.account));
        fact.build()
    });
    list_val(facts.collect())
}
