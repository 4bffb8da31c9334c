//! Parsing public image IDs with the catalog's data-driven patterns.
//!
//! A public image ID such as `ubuntu_22_04_uefi_x64_20G_alibase_20230515.vhd` names its OS,
//! version, architecture and (sometimes) boot mode. The catalog holds regexes with named
//! groups plus token maps (`aliyun` is Alibaba Cloud Linux, `x64` is `x86_64`); this module
//! compiles them and applies them. A user file's pattern is compiled and checked when the file
//! is merged: one that does not compile, lacks the `os` or `arch` group, or has a template
//! naming a missing group is a [`CatalogError`] naming the pattern, so a bad user catalog
//! fails loudly at load time. A built-in pattern is checked by a test instead and compiled
//! on first use ([`ImageIdParser::prepare`]): most runs try a few patterns or none, and
//! compiling all of them was most of the catalog's start-up.

use super::CatalogError;
use super::file::{PatternEntry, PublicImageIds};
use super::model::{Architecture, BootMode, PublicImage};
use regex::{Captures, Regex, RegexBuilder};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

/// Compiled regexes are bounded so a hostile user catalog cannot exhaust memory.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// The built-in patterns' regexes and the literals one of which every match contains
/// ([`super::prefilter::required_literals`], run by `build.rs`), one text with a line each:
/// a table of them had a pointer each (about 2,000) for the loader to relocate at every start.
const BUILTIN_PREFILTERS: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/builtin_prefilters.rs"));

/// The compiled parser: token maps (keys lower-cased; a pattern says where an ID may vary
/// in case, such as `20g`) and
/// patterns in the order they are tried, and the real IDs that partial names are read
/// against ([`super::image_prefix`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct ImageIdParser {
    os_tokens: HashMap<String, String>,
    arch_tokens: HashMap<String, Architecture>,
    patterns: Vec<CompiledPattern>,
    known_ids: Vec<String>,
    /// The built-in catalog's real IDs (`build.rs` lists them), tried before `known_ids`.
    builtin_known: Vec<&'static str>,
    /// `builtin_known` and `known_ids` parsed, on first use (most runs never read a partial name).
    known: OnceLock<Vec<Parsed>>,
}

/// A parsed ID with where each fact came from, for [`super::image_prefix`]: byte ranges
/// into `id`.
#[derive(Debug, Clone)]
pub(crate) struct Parsed {
    pub id: String,
    pub image: PublicImage,
    pub os: Range<usize>,
    pub arch: Range<usize>,
    /// The system disk size in GiB (`_20G_`) and its digits.
    pub size: Option<(u32, Range<usize>)>,
    /// The `uefi` token that set the boot mode.
    pub boot: Option<Range<usize>>,
    /// The groups the version was built from, in template order (the first is the major).
    pub version: Vec<Range<usize>>,
}

/// One pattern, checked (or trusted, for a built-in one), ready to merge.
#[derive(Debug, Clone)]
pub(crate) struct CompiledPattern {
    name: String,
    /// The regex as written, and compiled: at merge for a user file's pattern, on first use
    /// for a built-in one (`None` if it then fails to compile, which a test rules out).
    source: String,
    regex: OnceLock<Option<Regex>>,
    /// Literals one of which every match contains (`build.rs` works them out for a built-in
    /// pattern), a line each: an ID with none of them is not tried, so the regex need not
    /// be compiled. Empty: no literal is known, every ID is tried.
    required: &'static str,
    versions: Vec<Template>,
    renames: Vec<(String, String)>,
    strip_leading_zeros: bool,
    boot_modes: Vec<(String, BootMode)>,
    default_boot_mode: Option<BootMode>,
}

#[derive(Debug, Clone)]
struct Template {
    parts: Vec<Part>,
    when: Vec<String>,
}

#[derive(Debug, Clone)]
enum Part {
    Text(String),
    Group(String),
}

impl ImageIdParser {
    /// Compiles a file's section; nothing is changed when any pattern is bad.
    pub fn compile(file: &str, section: &PublicImageIds) -> Result<Vec<CompiledPattern>, CatalogError> {
        section
            .patterns
            .iter()
            .map(|entry| compile_pattern(entry).map_err(|message| bad(file, &entry.name, message)))
            .collect()
    }

    /// Prepares a built-in file's section without compiling its regexes or checking their
    /// groups (a test does both): each regex is compiled when first tried.
    pub fn prepare(file: &str, section: &PublicImageIds) -> Result<Vec<CompiledPattern>, CatalogError> {
        section
            .patterns
            .iter()
            .map(|entry| {
                let versions = templates(entry).map_err(|message| bad(file, &entry.name, message))?;
                let mut prepared = pattern(entry, versions, OnceLock::new());
                prepared.required = BUILTIN_PREFILTERS
                    .iter()
                    .find(|(regex, _)| *regex == entry.regex)
                    .map_or("", |(_, literals)| literals);
                Ok(prepared)
            })
            .collect()
    }

    /// Adds a file's tokens and compiled patterns: same-named patterns are replaced in place,
    /// new ones are tried after the existing ones.
    pub fn merge(&mut self, section: PublicImageIds, compiled: Vec<CompiledPattern>) {
        for token in &section.os_tokens {
            self.os_tokens.insert(token.token.to_ascii_lowercase(), token.family.clone());
        }
        for token in &section.architecture_tokens {
            self.arch_tokens.insert(token.token.to_ascii_lowercase(), token.architecture);
        }
        self.known_ids.extend(section.known_ids);
        self.known = OnceLock::new();
        for pattern in compiled {
            match self.patterns.iter_mut().find(|p| p.name == pattern.name) {
                Some(existing) => *existing = pattern,
                None => self.patterns.push(pattern),
            }
        }
    }

    /// Parses a public image ID; `None` when no pattern recognises it.
    pub fn parse(&self, id: &str) -> Option<PublicImage> {
        self.parse_detailed(id).map(|parsed| parsed.image)
    }

    /// Parses a public image ID and says where each fact came from.
    pub fn parse_detailed(&self, id: &str) -> Option<Parsed> {
        // A match's `os` and `arch` groups must be tokens (see `apply`): an ID that contains
        // no token of each kind matches no pattern, and no regex need be compiled to say so.
        let lower = id.to_ascii_lowercase();
        let has = |token: &String| crate::search::contains(&lower, token);
        if !self.os_tokens.keys().any(has) || !self.arch_tokens.keys().any(has) {
            return None;
        }
        self.patterns
            .iter()
            .filter(|pattern| {
                pattern.required.is_empty()
                    || pattern.required.split('\n').any(|l| crate::search::contains(id, l))
            })
            .find_map(|pattern| self.apply(pattern, id))
    }

    /// The catalog's real public image IDs that parse, parsed once.
    pub fn known(&self) -> &[Parsed] {
        self.known.get_or_init(|| self.all_known().filter_map(|id| self.parse_detailed(id)).collect())
    }

    /// Adds the real IDs of a built-in file, a line each (they come before any user file's).
    pub fn add_builtin_known(&mut self, ids: &'static str) {
        self.builtin_known.extend(ids.split('\n').filter(|id| !id.is_empty()));
        self.known = OnceLock::new();
    }

    /// Every real ID: the built-in ones, then the user files' in merge order.
    fn all_known(&self) -> impl Iterator<Item = &str> {
        self.builtin_known.iter().copied().chain(self.known_ids.iter().map(String::as_str))
    }

    /// The OS tokens (lower-case) and their families.
    pub fn os_tokens(&self) -> impl Iterator<Item = (&str, &str)> {
        self.os_tokens.iter().map(|(token, family)| (token.as_str(), family.as_str()))
    }

    /// The architecture tokens (lower-case) and their architectures.
    pub fn arch_tokens(&self) -> impl Iterator<Item = (&str, Architecture)> {
        self.arch_tokens.iter().map(|(token, arch)| (token.as_str(), *arch))
    }

    /// Number of patterns, for diagnostics and tests.
    pub fn pattern_count(&self) -> usize {
        self.patterns.len()
    }

    fn apply(&self, pattern: &CompiledPattern, id: &str) -> Option<Parsed> {
        let caps = pattern.regex.get_or_init(|| build(&pattern.source).ok()).as_ref()?.captures(id)?;
        let os = caps.name("os")?;
        let arch = caps.name("arch")?;
        let family = self.os_tokens.get(&os.as_str().to_ascii_lowercase())?;
        let architecture = *self.arch_tokens.get(&arch.as_str().to_ascii_lowercase())?;
        let (built, groups) = pattern
            .versions
            .iter()
            .find_map(|template| render(template, &caps, pattern.strip_leading_zeros))?;
        let version = pattern
            .renames
            .iter()
            .find(|(from, _)| from.eq_ignore_ascii_case(&built))
            .map_or(built.clone(), |(_, to)| to.clone());
        let boot = pattern.boot_modes.iter().find_map(|(group, mode)| Some((caps.name(group)?, *mode)));
        let boot_mode = boot.map(|(_, mode)| mode).or(pattern.default_boot_mode);
        let size = caps.name("size").and_then(|m| Some((m.as_str().parse().ok()?, m.range())));
        Some(Parsed {
            id: id.to_owned(),
            image: PublicImage {
                family: family.clone(),
                version,
                architecture,
                boot_mode,
                size_gib: size.as_ref().map(|(gib, _)| *gib),
                pattern: pattern.name.clone(),
            },
            os: os.range(),
            arch: arch.range(),
            size,
            boot: boot.map(|(m, _)| m.range()),
            version: groups,
        })
    }
}

#[cfg(test)]
impl ImageIdParser {
    /// Everything the parser holds (regexes as written, token maps sorted), to compare two.
    pub(crate) fn describe(&self) -> String {
        let mut os: Vec<(&str, &str)> = self.os_tokens().collect();
        os.sort_unstable();
        let mut arch: Vec<(&str, Architecture)> = self.arch_tokens().collect();
        arch.sort_unstable_by_key(|(token, _)| *token);
        let patterns: Vec<String> = self
            .patterns
            .iter()
            .map(|p| {
                format!(
                    "{} {} {:?} {:?} {} {:?} {:?}",
                    p.name,
                    p.source,
                    p.versions,
                    p.renames,
                    p.strip_leading_zeros,
                    p.boot_modes,
                    p.default_boot_mode
                )
            })
            .collect();
        format!("{os:?}\n{arch:?}\n{patterns:#?}\n{:?}", self.known_ids())
    }

    /// The patterns' names, in the order they are tried.
    pub(crate) fn pattern_names(&self) -> Vec<&str> {
        self.patterns.iter().map(|p| p.name.as_str()).collect()
    }

    /// The real IDs `knownIds` lists.
    pub(crate) fn known_ids(&self) -> Vec<&str> {
        self.all_known().collect()
    }
}

fn bad(file: &str, pattern: &str, message: String) -> CatalogError {
    CatalogError::BadPattern { file: file.to_owned(), pattern: pattern.to_owned(), message }
}

fn build(source: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(source).size_limit(REGEX_SIZE_LIMIT).build()
}

fn compile_pattern(entry: &PatternEntry) -> Result<CompiledPattern, String> {
    let regex = build(&entry.regex).map_err(|e| format!("the regex does not compile: {e}"))?;
    let groups: Vec<&str> = regex.capture_names().flatten().collect();
    for required in ["os", "arch"] {
        if !groups.contains(&required) {
            return Err(format!("the regex has no named group `{required}`"));
        }
    }
    let has_group = |name: &str| -> Result<(), String> {
        if groups.contains(&name) {
            Ok(())
        } else {
            Err(format!("group `{name}` is not defined in the regex"))
        }
    };
    let versions = templates(entry)?;
    for template in &versions {
        for part in &template.parts {
            if let Part::Group(name) = part {
                has_group(name)?;
            }
        }
        for name in &template.when {
            has_group(name)?;
        }
    }
    for group in &entry.boot_modes {
        has_group(&group.group)?;
    }
    Ok(pattern(entry, versions, OnceLock::from(Some(regex))))
}

/// A pattern's version templates, parsed; at least one.
fn templates(entry: &PatternEntry) -> Result<Vec<Template>, String> {
    let mut versions = Vec::with_capacity(entry.version.len());
    for template in &entry.version {
        versions.push(Template { parts: parse_template(&template.template)?, when: template.when.clone() });
    }
    if versions.is_empty() {
        return Err("the pattern has no version template".to_owned());
    }
    Ok(versions)
}

fn pattern(entry: &PatternEntry, versions: Vec<Template>, regex: OnceLock<Option<Regex>>) -> CompiledPattern {
    CompiledPattern {
        name: entry.name.clone(),
        source: entry.regex.clone(),
        regex,
        required: "",
        versions,
        renames: entry.version_map.iter().map(|r| (r.from.clone(), r.to.clone())).collect(),
        strip_leading_zeros: entry.strip_leading_zeros,
        boot_modes: entry.boot_modes.iter().map(|g| (g.group.clone(), g.mode)).collect(),
        default_boot_mode: entry.default_boot_mode,
    }
}

/// Splits `"{major}.{minor}"` into text and group parts.
fn parse_template(template: &str) -> Result<Vec<Part>, String> {
    let unmatched = || format!("unmatched `}}` in version template `{template}`");
    let mut parts = Vec::new();
    let mut rest = template;
    loop {
        let Some((text, after_open)) = rest.split_once('{') else {
            if rest.contains('}') {
                return Err(unmatched());
            }
            if !rest.is_empty() {
                parts.push(Part::Text(rest.to_owned()));
            }
            return Ok(parts);
        };
        if text.contains('}') {
            return Err(unmatched());
        }
        if !text.is_empty() {
            parts.push(Part::Text(text.to_owned()));
        }
        let (name, after) = after_open
            .split_once('}')
            .ok_or_else(|| format!("unclosed `{{` in version template `{template}`"))?;
        if name.is_empty() || name.contains('{') {
            return Err(format!("bad group name in version template `{template}`"));
        }
        parts.push(Part::Group(name.to_owned()));
        rest = after;
    }
}

/// Builds the version and the ranges of the groups it used, or `None` when a referenced
/// or required group did not match. Letters are lower-cased (`versionMap` gives the
/// vendor's spelling).
fn render(
    template: &Template,
    caps: &Captures<'_>,
    strip_zeros: bool,
) -> Option<(String, Vec<Range<usize>>)> {
    if template.when.iter().any(|name| caps.name(name).is_none()) {
        return None;
    }
    let mut out = String::new();
    let mut groups = Vec::new();
    for part in &template.parts {
        match part {
            Part::Text(text) => out.push_str(text),
            Part::Group(name) => {
                let group = caps.name(name)?;
                let value = group.as_str();
                out.push_str(&(if strip_zeros { strip_zeros_of(value) } else { value }).to_ascii_lowercase());
                groups.push(group.range());
            }
        }
    }
    Some((out, groups))
}

/// `"06"` becomes `"6"` and `"00"` becomes `"0"`; non-numeric text is kept.
fn strip_zeros_of(value: &str) -> &str {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return value;
    }
    let trimmed = value.trim_start_matches('0');
    if trimmed.is_empty() { "0" } else { trimmed }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::file::{ArchitectureToken, OsToken, VersionTemplate};

    fn entry(name: &str, regex: &str, templates: &[&str]) -> PatternEntry {
        PatternEntry {
            name: name.to_owned(),
            regex: regex.to_owned(),
            version: templates
                .iter()
                .map(|t| VersionTemplate { template: (*t).to_owned(), when: Vec::new() })
                .collect(),
            version_map: Vec::new(),
            strip_leading_zeros: true,
            boot_modes: Vec::new(),
            default_boot_mode: None,
            boot_mode_source: None,
            source: "https://example.com".to_owned(),
            note: None,
        }
    }

    fn section(patterns: Vec<PatternEntry>) -> PublicImageIds {
        PublicImageIds {
            os_tokens: vec![OsToken { token: "centos".into(), family: "centos".into(), note: None }],
            architecture_tokens: vec![ArchitectureToken {
                token: "x64".into(),
                architecture: Architecture::X86_64,
                note: None,
            }],
            patterns,
            known_ids: Vec::new(),
        }
    }

    #[test]
    fn bad_patterns_are_named_errors() {
        let cases = [
            entry("broken", "^(?P<os>centos", &["{os}"]),
            entry("no-arch", "^(?P<os>centos)$", &["{os}"]),
            entry("bad-group", "^(?P<os>centos)_(?P<arch>x64)$", &["{major}"]),
            entry("bad-brace", "^(?P<os>centos)_(?P<arch>x64)$", &["{os"]),
        ];
        for case in cases {
            let name = case.name.clone();
            match ImageIdParser::compile("user.yaml", &section(vec![case])) {
                Err(CatalogError::BadPattern { pattern, file, .. }) => {
                    assert_eq!(pattern, name);
                    assert_eq!(file, "user.yaml");
                }
                other => panic!("{name}: expected a bad pattern error, got {other:?}"),
            }
        }
    }

    #[test]
    fn a_trusted_pattern_compiles_on_first_use_and_a_broken_one_matches_nothing() {
        let good = entry("c", r"^(?P<os>centos)_(?P<major>\d+)_(?P<arch>x64)$", &["{major}"]);
        let broken = entry("broken", "^(?P<os>centos", &["{os}"]);
        let section = section(vec![broken, good]);
        let prepared = ImageIdParser::prepare("builtin", &section).expect("templates parse");
        assert!(prepared.iter().all(|p| p.regex.get().is_none()), "nothing is compiled before use");
        let mut parser = ImageIdParser::default();
        parser.merge(section, prepared);
        assert_eq!(parser.parse("centos_7_x64").map(|p| p.version), Some("7".into()));
        assert!(parser.patterns.iter().all(|p| p.regex.get().is_some()), "both were tried");
        assert!(parser.patterns[0].regex.get().is_some_and(Option::is_none));
        // A template that does not parse is refused even for a trusted file.
        let unclosed = section_of(entry("u", "^(?P<os>a)_(?P<arch>b)$", &["{os"]));
        assert!(ImageIdParser::prepare("builtin", &unclosed).is_err());
    }

    /// `build.rs`'s literals for each built-in pattern are what [`required_literals`] gives;
    /// an ID is tried only against the patterns whose literals it contains, and only when it
    /// contains an OS and an architecture token.
    #[test]
    fn builtin_patterns_are_compiled_only_for_ids_they_can_match() {
        use crate::catalog::prefilter::required_literals;
        let catalog = crate::catalog::Catalog::builtin().expect("built-in catalog loads");
        let parser = catalog.images.get();
        for p in &parser.patterns {
            let literals = required_literals(&p.source).unwrap_or_default();
            assert_eq!(
                p.required.split('\n').filter(|l| !l.is_empty()).map(str::to_owned).collect::<Vec<_>>(),
                literals,
                "{}",
                p.name
            );
        }
        assert!(
            parser.patterns.iter().all(|p| !p.required.is_empty()),
            "today every built-in pattern has some"
        );
        let compiled = || parser.patterns.iter().filter(|p| p.regex.get().is_some()).count();
        for name in ["alinux3-base", "my-web-image", "", "UBUNTU"] {
            assert_eq!(parser.parse(name), None, "{name}");
        }
        assert_eq!(compiled(), 0, "no token of each kind: no regex tried");
        assert_eq!(parser.parse("ubuntu-web-x64"), None);
        let parsed = parser.parse("ubuntu_22_04_x64_20G_alibase_20240322.vhd").expect("a public ID");
        assert_eq!((parsed.family.as_str(), parsed.version.as_str()), ("ubuntu", "22.04"));
        assert!(
            (1..=2).contains(&compiled()),
            "only the ubuntu patterns were tried, not all {}",
            parser.patterns.len()
        );
    }

    fn section_of(pattern: PatternEntry) -> PublicImageIds {
        section(vec![pattern])
    }

    #[test]
    fn templates_strip_zeros_and_fall_back() {
        let regex = r"^(?P<os>centos)_(?P<major>\d+)(?:_(?P<minor>\d+))?_(?P<arch>x64)$";
        let section = section(vec![entry("c", regex, &["{major}.{minor}", "{major}"])]);
        let compiled = ImageIdParser::compile("f", &section).expect("compiles");
        let mut parser = ImageIdParser::default();
        parser.merge(section, compiled);
        let parsed = parser.parse("centos_7_06_x64").expect("parses");
        assert_eq!((parsed.family.as_str(), parsed.version.as_str()), ("centos", "7.6"));
        assert_eq!(parser.parse("centos_8_x64").map(|p| p.version), Some("8".into()));
        assert_eq!(parser.parse("centos_8_arm64"), None);
        assert_eq!(strip_zeros_of("00"), "0");
        assert_eq!(strip_zeros_of("04a"), "04a");
    }
}
