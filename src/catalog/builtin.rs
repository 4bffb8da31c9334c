//! The built-in catalog as static data: `build.rs` writes `rules/catalog/*.yaml`, merged in
//! order, as a function per section that builds an entry in the catalog's own types
//! borrowing `'static` text, with the keys of the sections looked up by ID sorted for a
//! binary search. A run starts from it without parsing or merging anything, and builds only
//! the entries it reads ([`Section`]); a user file's entries are merged over it (the section
//! is copied then). The public image ID sections stay JSON, read when an image ID is first
//! parsed. The test `the_builtin_catalog_is_the_yaml_as_the_checked_loader_reads_it` checks
//! every entry against what the checked loader makes of the YAML.
//!
//! The data holds no pointer: texts are ranges of one string, lists ranges of a table. The
//! earlier tables of entries held about 5,200 pointers, which the dynamic loader had to
//! relocate, writing about 48 pages of `.data.rel.ro`, at every start of the binary.

use super::file::{PublicImageIds, RetiredFamily};
use super::image_id::{CompiledPattern, ImageIdParser};
use super::keyed::Section;
use super::model::List;
use super::model::{
    Architecture, BootSupport, ExtendedSupport, FeeTier, InstanceType, LicenseFee, OsLifecycle, Quota,
    Region, Text,
};
use crate::date::Date;
use std::borrow::Cow;
use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/builtin_static.rs"));

/// The text at `start..end` of the catalog's one string (`build.rs` writes only ranges on
/// its character boundaries; anything else would read as empty, which the test comparing
/// the catalog with its YAML catches).
pub(super) fn t(start: u32, end: u32) -> Text {
    Cow::Borrowed(STRINGS.get(start as usize..end as usize).unwrap_or_default())
}

/// Where `text` is in the catalog's one string, if it is there.
#[cfg(test)]
pub(super) fn range_of(text: &str) -> Option<(u32, u32)> {
    let start = u32::try_from(STRINGS.find(text)?).ok()?;
    Some((start, start + u32::try_from(text.len()).ok()?))
}

/// The list of texts at `start..end` of the list items' table.
fn texts(start: u32, end: u32) -> List<Text> {
    let items = LIST_ITEMS.get(start as usize..end as usize).unwrap_or_default();
    Cow::Owned(items.iter().map(|&(start, end)| t(start, end)).collect())
}

/// The fee tiers at `start..end` of the tiers' table.
fn tiers(start: u32, end: u32) -> List<FeeTier> {
    Cow::Borrowed(TIERS.get(start as usize..end as usize).unwrap_or_default())
}

/// The public image ID parser, built on first use (most runs parse no image ID, and then
/// never read the built-in sections): the built-in sections when the catalog starts from the
/// built-in one, then every user file's section in merge order. A user file's patterns are
/// compiled and checked when it is merged, so its errors are reported then, as before.
#[derive(Debug, Clone, Default)]
pub(super) struct Images {
    builtin: bool,
    /// User files' sections merged before the parser was built, in order.
    pending: Vec<(PublicImageIds, Vec<CompiledPattern>)>,
    parser: OnceLock<ImageIdParser>,
}

impl Images {
    /// The built-in sections, not read yet.
    pub(super) fn builtin() -> Self {
        Self { builtin: true, ..Self::default() }
    }

    /// Adds a user file's section (patterns already compiled).
    pub(super) fn merge(&mut self, section: PublicImageIds, compiled: Vec<CompiledPattern>) {
        match self.parser.get_mut() {
            Some(parser) => parser.merge(section, compiled),
            None => self.pending.push((section, compiled)),
        }
    }

    /// Whether the parser has been built.
    #[cfg(test)]
    pub(super) fn is_built(&self) -> bool {
        self.parser.get().is_some()
    }

    pub(super) fn get(&self) -> &ImageIdParser {
        self.parser.get_or_init(|| {
            let mut parser = ImageIdParser::default();
            if self.builtin {
                // The sections are `build.rs`'s JSON of our own files, and a test compares
                // the parser built here with the one the checked loader builds from the YAML.
                for (path, json) in IMAGE_SECTIONS {
                    let Ok(section) = serde_json::from_str::<PublicImageIds>(json) else { continue };
                    if let Ok(prepared) = ImageIdParser::prepare(path, &section) {
                        parser.merge(section, prepared);
                    }
                }
                for file in super::Catalog::BUILTIN_FILES {
                    parser.add_builtin_known(file.known_ids);
                }
            }
            for (section, compiled) in &self.pending {
                parser.merge(section.clone(), compiled.clone());
            }
            parser
        })
    }
}
