//! Catalog entries in merge order with a key index, starting from the static built-in ones.

use foldhash::HashMap;
use std::sync::OnceLock;

/// A built-in section as `build.rs` writes it (`src/catalog/builtin.rs`): a function that
/// builds entry `i` from pointer-free static data, a slot for each entry once built, the
/// keys sorted, each as its range of the catalog's one string with its entry's position
/// (empty for a section not looked up by key), and each entry's group (the OS family of a
/// lifecycle entry) as its range of that string (empty for a section without groups). An entry is built the first time a
/// run reads it and then lives in its slot for the rest of the process, so references to it
/// are `'static` and every look-up of it gives the same one.
pub(super) struct Section<T: 'static> {
    slots: &'static [OnceLock<T>],
    index: &'static [(u32, u32, u32)],
    groups: &'static [(u32, u32)],
    decode: fn(usize) -> Option<T>,
}

impl<T> Section<T> {
    pub(super) const fn new(
        slots: &'static [OnceLock<T>],
        index: &'static [(u32, u32, u32)],
        groups: &'static [(u32, u32)],
        decode: fn(usize) -> Option<T>,
    ) -> Self {
        Self { slots, index, groups, decode }
    }

    const fn len(&self) -> usize {
        self.slots.len()
    }

    /// Entry `i`, built on first use.
    fn get(&'static self, i: usize) -> Option<&'static T> {
        let slot = self.slots.get(i)?;
        if let Some(entry) = slot.get() {
            return Some(entry);
        }
        let entry = (self.decode)(i)?;
        Some(slot.get_or_init(|| entry))
    }

    /// The position of the entry with this key.
    fn find(&self, key: &str) -> Option<usize> {
        let at =
            self.index.binary_search_by(|&(start, end, _)| super::builtin::t(start, end).as_ref().cmp(key));
        usize::try_from(self.index.get(at.ok()?)?.2).ok()
    }
}

impl<T> std::fmt::Debug for Section<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Section").field("len", &self.len()).finish_non_exhaustive()
    }
}

/// Entries in insertion order with a key index; upserting an existing key replaces in place.
/// The built-in entries are read from their static section with `build.rs`'s sorted index;
/// the first upsert (a user file's entry) copies them and indexes them by `key`.
#[derive(Debug, Clone)]
pub(super) struct Keyed<T: Clone + 'static> {
    /// The built-in section, until the first upsert copies it into `items`.
    builtin: Option<&'static Section<T>>,
    items: Vec<T>,
    /// Every entry's key and position, from the first upsert on.
    map: Option<HashMap<String, usize>>,
}

impl<T: Clone + 'static> Default for Keyed<T> {
    fn default() -> Self {
        Self { builtin: None, items: Vec::new(), map: None }
    }
}

impl<T: Clone + 'static> Keyed<T> {
    /// The built-in entries (`build.rs` writes the section).
    pub(super) fn builtin(section: &'static Section<T>) -> Self {
        Self { builtin: Some(section), ..Self::default() }
    }

    /// Adds `item` under its key, or replaces the entry with the same key in place.
    pub(super) fn upsert(&mut self, item: T, key: impl Fn(&T) -> String) {
        if let Some(section) = self.builtin.take() {
            // Built here without filling the slots: the copies are what this catalog reads.
            self.items = (0..section.len()).filter_map(section.decode).collect();
        }
        let items = &self.items;
        let map =
            self.map.get_or_insert_with(|| items.iter().enumerate().map(|(i, e)| (key(e), i)).collect());
        let key = key(&item);
        if let Some(slot) = map.get(&key).and_then(|&i| self.items.get_mut(i)) {
            *slot = item;
        } else {
            map.insert(key, self.items.len());
            self.items.push(item);
        }
    }

    pub(super) fn get(&self, key: &str) -> Option<&T> {
        match (self.builtin, &self.map) {
            (Some(section), _) => section.get(section.find(key)?),
            (None, Some(map)) => self.items.get(*map.get(key)?),
            (None, None) => None,
        }
    }

    /// The entry at a position of [`Keyed::iter`].
    pub(super) fn at(&self, i: usize) -> Option<&T> {
        match self.builtin {
            Some(section) => section.get(i),
            None => self.items.get(i),
        }
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = &T> {
        let builtin = self.builtin.into_iter().flat_map(|s| (0..s.len()).filter_map(move |i| s.get(i)));
        builtin.chain(self.items.iter())
    }

    /// The entries whose group (`group` of an entry) is `wanted`, with their positions. A
    /// built-in section with a group table builds only those entries.
    pub(super) fn matching<'a>(
        &'a self,
        wanted: impl Fn(&str) -> bool + 'a,
        group: impl Fn(&T) -> &str + 'a,
    ) -> impl Iterator<Item = (usize, &'a T)> + 'a {
        let table = self.builtin.filter(|section| section.groups.len() == section.len());
        let positions = (0..self.len()).filter(move |&i| match table {
            Some(section) => {
                section.groups.get(i).is_some_and(|&(start, end)| wanted(&super::builtin::t(start, end)))
            }
            None => self.at(i).is_some_and(|entry| wanted(group(entry))),
        });
        positions.filter_map(move |i| Some((i, self.at(i)?)))
    }

    pub(super) fn len(&self) -> usize {
        self.builtin.map_or(self.items.len(), Section::len)
    }

    pub(super) fn is_empty(&self) -> bool {
        self.builtin.map_or(self.items.is_empty(), |s| s.len() == 0)
    }

    /// Whether the entries are still the static built-in ones, not copied.
    #[cfg(test)]
    pub(super) const fn is_borrowed(&self) -> bool {
        self.builtin.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Entry `i` of a test section is `i * 10`, keyed by the built-in catalog's text at the
    /// index ranges below; `BUILT` counts the entries built.
    static BUILT: AtomicUsize = AtomicUsize::new(0);
    static SLOTS: [OnceLock<u32>; 3] = [const { OnceLock::new() }; 3];
    #[allow(clippy::cast_possible_truncation)] // i < 3
    fn decode(i: usize) -> Option<u32> {
        BUILT.fetch_add(1, Ordering::SeqCst);
        (i < 3).then_some(i as u32 * 10)
    }

    /// The group of a copied entry.
    fn named(v: &u32) -> &str {
        match v {
            10 => "ten",
            99 => "new",
            _ => "other",
        }
    }

    #[test]
    fn a_builtin_section_builds_each_entry_once_when_read_and_a_copy_fills_no_slot() {
        // Any three distinct texts of the built-in catalog's string serve as keys, sorted.
        let catalog = crate::catalog::Catalog::builtin().expect("built-in catalog");
        let mut ids: Vec<String> = catalog.regions().take(3).map(|r| r.id.to_string()).collect();
        ids.sort();
        let index: &'static [(u32, u32, u32)] = Box::leak(
            ids.iter()
                .zip([2, 0, 1])
                .map(|(id, position)| {
                    let (start, end) = super::super::builtin::range_of(id).expect("a catalog text");
                    (start, end, position)
                })
                .collect::<Vec<_>>()
                .into_boxed_slice(),
        );
        // The entries' groups: ids[1], ids[2], ids[0].
        let groups: &'static [(u32, u32)] = Box::leak(
            [1, 2, 0]
                .map(|k: usize| {
                    let (start, end, _) = index[k];
                    (start, end)
                })
                .to_vec()
                .into_boxed_slice(),
        );
        let section: &'static Section<u32> = Box::leak(Box::new(Section::new(&SLOTS, index, groups, decode)));

        // A copy for a user file's upsert builds every entry without filling a slot.
        let mut copied = Keyed::builtin(section);
        copied.upsert(99, |v| if *v == 99 { "new".to_owned() } else { v.to_string() });
        assert_eq!(copied.iter().copied().collect::<Vec<_>>(), [0, 10, 20, 99]);
        assert_eq!(BUILT.swap(0, Ordering::SeqCst), 3);
        assert!(SLOTS.iter().all(|slot| slot.get().is_none()));

        let keyed = Keyed::builtin(section);
        assert_eq!(keyed.get(&ids[0]), Some(&20));
        assert_eq!(keyed.get(&ids[0]), Some(&20));
        assert_eq!(BUILT.load(Ordering::SeqCst), 1, "built once, on first read");
        assert!(SLOTS[0].get().is_none() && SLOTS[1].get().is_none());
        // By group: only the entries of the group are built (entry 1's group is ids[2]).
        let by_group = |k: &Keyed<u32>, g: &str| -> Vec<(usize, u32)> {
            let g = g.to_owned();
            k.matching(move |group: &str| group == g, named).map(|(i, v)| (i, *v)).collect()
        };
        assert_eq!(by_group(&keyed, &ids[2]), [(1, 10)]);
        assert_eq!(BUILT.load(Ordering::SeqCst), 2);
        assert!(SLOTS[0].get().is_none());
        assert_eq!(by_group(&copied, "new"), [(3, 99)], "a copied section reads the entries' own groups");
        assert_eq!(by_group(&copied, "ten"), [(1, 10)]);
        assert!(std::ptr::eq(keyed.get(&ids[0]).expect("found"), keyed.at(2).expect("entry 2")));
        assert_eq!(keyed.get(&ids[1]), Some(&0));
        assert_eq!(keyed.get(&ids[2]), Some(&10));
        assert_eq!(keyed.get("no such key"), None);
        assert_eq!(keyed.at(3), None);
        assert_eq!(keyed.iter().copied().collect::<Vec<_>>(), [0, 10, 20]);
        assert_eq!(BUILT.load(Ordering::SeqCst), 3);
    }
}
