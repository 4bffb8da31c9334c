//! Parsing public image IDs with the catalog's data-driven patterns.
//!
//! A public image ID such as `ubuntu_22_04_uefi_x64_20G_alibase_20230515.vhd` names its OS,
//! version, architecture and (sometimes) boot mode. The catalog holds regexes with named
//! groups plus token maps (`aliyun` is Alibaba Cloud Linux, `x64` is `x86_64`); this module
//! compiles them once when a catalog file is merged and applies them. A pattern that does not
//! compile, lacks the `os` or `arch` group, or has a template naming a missing group is a
//! [`CatalogError`] naming the pattern, so a bad user catalog fails loudly at load time.

use super::CatalogError;
use super::file::{PatternEntry, PublicImageIds};
use super::model::{Architecture, BootMode, PublicImage};
use regex::{Captures, Regex, RegexBuilder};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

/// Compiled regexes are bounded so a hostile user catalog cannot exhaust memory.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

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
    /// `known_ids` parsed, on first use (most runs never read a partial name).
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

/// One pattern, compiled and checked, ready to merge.
#[derive(Debug, Clone)]
pub(crate) struct CompiledPattern {
    name: String,
    regex: Regex,
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

    /// Adds a file's tokens and compiled patterns: same-named patterns are replaced in place,
    /// new ones are tried after the existing ones.
    pub fn merge(&mut self, section: &PublicImageIds, compiled: Vec<CompiledPattern>) {
        for token in &section.os_tokens {
            self.os_tokens.insert(token.token.to_ascii_lowercase(), token.family.clone());
        }
        for token in &section.architecture_tokens {
            self.arch_tokens.insert(token.token.to_ascii_lowercase(), token.architecture);
        }
        self.known_ids.extend(section.known_ids.iter().cloned());
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
        self.patterns.iter().find_map(|pattern| self.apply(pattern, id))
    }

    /// The catalog's real public image IDs that parse, parsed once.
    pub fn known(&self) -> &[Parsed] {
        self.known.get_or_init(|| self.known_ids.iter().filter_map(|id| self.parse_detailed(id)).collect())
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
        let caps = pattern.regex.captures(id)?;
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

fn bad(file: &str, pattern: &str, message: String) -> CatalogError {
    CatalogError::BadPattern { file: file.to_owned(), pattern: pattern.to_owned(), message }
}

fn compile_pattern(entry: &PatternEntry) -> Result<CompiledPattern, String> {
    let regex = RegexBuilder::new(&entry.regex)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| format!("the regex does not compile: {e}"))?;
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
    let mut versions = Vec::with_capacity(entry.version.len());
    for template in &entry.version {
        let parts = parse_template(&template.template)?;
        for part in &parts {
            if let Part::Group(name) = part {
                has_group(name)?;
            }
        }
        for name in &template.when {
            has_group(name)?;
        }
        versions.push(Template { parts, when: template.when.clone() });
    }
    if versions.is_empty() {
        return Err("the pattern has no version template".to_owned());
    }
    for group in &entry.boot_modes {
        has_group(&group.group)?;
    }
    Ok(CompiledPattern {
        name: entry.name.clone(),
        regex,
        versions,
        renames: entry.version_map.iter().map(|r| (r.from.clone(), r.to.clone())).collect(),
        strip_leading_zeros: entry.strip_leading_zeros,
        boot_modes: entry.boot_modes.iter().map(|g| (g.group.clone(), g.mode)).collect(),
        default_boot_mode: entry.default_boot_mode,
    })
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
    fn templates_strip_zeros_and_fall_back() {
        let regex = r"^(?P<os>centos)_(?P<major>\d+)(?:_(?P<minor>\d+))?_(?P<arch>x64)$";
        let section = section(vec![entry("c", regex, &["{major}.{minor}", "{major}"])]);
        let compiled = ImageIdParser::compile("f", &section).expect("compiles");
        let mut parser = ImageIdParser::default();
        parser.merge(&section, compiled);
        let parsed = parser.parse("centos_7_06_x64").expect("parses");
        assert_eq!((parsed.family.as_str(), parsed.version.as_str()), ("centos", "7.6"));
        assert_eq!(parser.parse("centos_8_x64").map(|p| p.version), Some("8".into()));
        assert_eq!(parser.parse("centos_8_arm64"), None);
        assert_eq!(strip_zeros_of("00"), "0");
        assert_eq!(strip_zeros_of("04a"), "04a");
    }
}
