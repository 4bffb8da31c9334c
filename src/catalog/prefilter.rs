//! Literals that every match of a public image ID pattern contains, so that an ID holding
//! none of them is known not to match without compiling the regex. Shared by the crate and
//! by `build.rs`, which works them out for the built-in patterns at build time (so this file
//! uses nothing from the crate but `regex-syntax`).

use regex_syntax::hir::literal::{ExtractKind, Extractor};

/// The literals one of which starts every match of `regex` (so every ID it matches contains
/// one), as the `regex` crate parses it by default; `None` when no such finite set is known
/// (the regex does not parse, or a match can start with anything).
pub fn required_literals(regex: &str) -> Option<Vec<String>> {
    let hir = regex_syntax::ParserBuilder::new().build().parse(regex).ok()?;
    let seq = Extractor::new().kind(ExtractKind::Prefix).extract(&hir);
    let literals = seq.literals()?;
    if literals.is_empty() || literals.iter().any(|l| l.as_bytes().is_empty()) {
        return None;
    }
    literals.iter().map(|l| String::from_utf8(l.as_bytes().to_vec()).ok()).collect()
}
