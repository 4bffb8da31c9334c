//! Image specs by name and by `id`: how a reference (an instance's `image`, an image's
//! `derivedFrom`) finds the spec it names.

use super::Scan;
use foldhash::{HashMap, HashMapExt};

/// Image specs by name and by `id`, as a reference finds them: by name first, then by `id`.
pub(super) struct ImageSpecs<'a> {
    by_name: HashMap<&'a str, usize>,
    by_id: HashMap<&'a str, usize>,
}

impl ImageSpecs<'_> {
    /// The index of the Image spec `reference` names, if any.
    pub(super) fn get(&self, reference: &str) -> Option<usize> {
        self.by_name.get(reference).or_else(|| self.by_id.get(reference)).copied()
    }
}

/// Image specs by name and by `id`: the first of each wins.
pub(super) fn image_names<'a>(scans: &[Scan<'a>]) -> ImageSpecs<'a> {
    let mut by_name = HashMap::new();
    let mut by_id = HashMap::new();
    for (index, scan) in scans.iter().enumerate() {
        if let Some(key) = scan.key {
            by_name.entry(key).or_insert(index);
        }
        if let Some((name, id)) = scan.image {
            if let Some(name) = name {
                by_name.entry(name).or_insert(index);
            }
            if let Some(id) = id {
                by_id.entry(id).or_insert(index);
            }
        }
    }
    ImageSpecs { by_name, by_id }
}
