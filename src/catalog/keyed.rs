//! Catalog entries in merge order with a key index, starting from the static built-in ones.

use foldhash::HashMap;
use std::borrow::Cow;

/// Entries in insertion order with a key index; upserting an existing key replaces in place.
/// The built-in entries are borrowed with `build.rs`'s sorted index; the first upsert (a user
/// file's entry) copies them and indexes them by `key`.
#[derive(Debug, Clone)]
pub(super) struct Keyed<T: Clone + 'static> {
    items: Cow<'static, [T]>,
    /// The built-in entries' keys, sorted, each with its entry's position (empty for a
    /// section not looked up by key); used until the first upsert.
    sorted: &'static [(&'static str, u32)],
    /// Every entry's key and position, from the first upsert on.
    map: Option<HashMap<String, usize>>,
}

impl<T: Clone + 'static> Default for Keyed<T> {
    fn default() -> Self {
        Self::builtin(&[], &[])
    }
}

impl<T: Clone + 'static> Keyed<T> {
    /// The built-in entries and their sorted keys (`build.rs` writes both).
    pub(super) const fn builtin(items: &'static [T], sorted: &'static [(&'static str, u32)]) -> Self {
        Self { items: Cow::Borrowed(items), sorted, map: None }
    }

    /// Adds `item` under its key, or replaces the entry with the same key in place.
    pub(super) fn upsert(&mut self, item: T, key: impl Fn(&T) -> String) {
        let items = &self.items;
        let map =
            self.map.get_or_insert_with(|| items.iter().enumerate().map(|(i, e)| (key(e), i)).collect());
        let items = self.items.to_mut();
        let key = key(&item);
        if let Some(slot) = map.get(&key).and_then(|&i| items.get_mut(i)) {
            *slot = item;
        } else {
            map.insert(key, items.len());
            items.push(item);
        }
    }

    pub(super) fn get(&self, key: &str) -> Option<&T> {
        let i = if let Some(map) = &self.map {
            *map.get(key)?
        } else {
            let at = self.sorted.binary_search_by(|(k, _)| (*k).cmp(key)).ok()?;
            usize::try_from(self.sorted.get(at)?.1).ok()?
        };
        self.items.get(i)
    }

    /// The entry at a position of [`Keyed::iter`].
    pub(super) fn at(&self, i: usize) -> Option<&T> {
        self.items.get(i)
    }

    pub(super) fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Whether the entries are still the static built-in ones, not copied.
    #[cfg(test)]
    pub(super) const fn is_borrowed(&self) -> bool {
        matches!(self.items, Cow::Borrowed(_))
    }
}
