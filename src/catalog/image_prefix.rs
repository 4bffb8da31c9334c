//! What a partial public image name tells: a ROS `ImageId` that is the start of a public
//! ID (`centos_7`, `aliyun_3_9_x64_20G_alibase_`), an OS name or major version (`centos`,
//! `CentOS7_9`), a `*` wildcard, and the `name_regex` of a Terraform
//! `data "alicloud_images"` lookup (`^centos_7`, `^ubuntu_[0-9]+_[0-9]+_x64*`). Each
//! selects the newest public image it matches, so what the rules may know is only what
//! every public ID it can match has in common (DESIGN §8).
//!
//! How: the catalog's real public IDs (`knownIds`) that the name matches are the
//! candidates, and a fact is kept only when every candidate has it *and* the name pins it.
//! A list of real IDs is never complete (Ubuntu 26.04 on arm64 may be missing from it), so
//! each fact is also tested against the IDs the name would match if that fact were
//! different: the candidate with its OS token swapped for every other OS token (and with
//! any of its letters changed), its architecture token swapped for every other one, its
//! version numbers changed (another known major of the family, another last digit, one
//! more digit), its size changed and its `uefi` tag removed. If the name still matches
//! such a variant, the fact is not pinned and stays unknown. So `^centos_` knows nothing
//! (`centos_stream_9_...` starts with it too), `^centos_7` is `CentOS` 7 (no `CentOS` major
//! starts with 7 but 7), `^centos_7_9` is `CentOS` 7 only (a `7_91` would match), and
//! `^ubuntu_[0-9]+_[0-9]+_x64*` is `x86_64` with no version. A major alone is kept only where
//! the lifecycle catalog has it as a version (`7` for `CentOS`; `22` is no Ubuntu version).
//!
//! A ROS prefix that starts no known ID (`centos_7_06_64`; the list has no `CentOS` 7.6)
//! is read the same way from its completions: the prefix followed by the rest of each known
//! ID of its OS, past the prefix's length. Without them it knew less than a shorter prefix
//! the ROS series form reads (`centos_7_06` is 7.6). So is the anchored literal start of a
//! `name_regex` that matches no known ID (`^centos_7_9_x64_20G_alibase_20240628.vhd$`).

use super::image_id::Parsed;
use super::{BootMode, Catalog, version};
use regex::{Regex, RegexBuilder};
use regex_syntax::hir::Look;
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::ops::Range;
use std::sync::Mutex;

/// Longer names and regexes are not image names: read nothing from them.
const MAX_INPUT: usize = 1024;
/// Compiled regexes are bounded so a hostile `name_regex` cannot exhaust memory.
const REGEX_SIZE_LIMIT: usize = 1 << 20;
/// Deep nesting in a hostile regex cannot overflow the parser's stack.
const NEST_LIMIT: u32 = 64;

/// The facts every public image a prefix or a regex can select shares; `None` fields are
/// unknown.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PartialImage {
    pub family: Option<String>,
    /// Known only with the family.
    pub version: Option<String>,
    /// `x86_64`, `i386` or `arm64`.
    pub architecture: Option<String>,
    pub boot_mode: Option<BootMode>,
    /// The system disk size in GiB the IDs carry (`_20G_`).
    pub size_gib: Option<u32>,
}

impl PartialImage {
    fn of(parsed: &Parsed) -> Self {
        Self {
            family: Some(parsed.image.family.clone()),
            version: Some(parsed.image.version.clone()),
            architecture: Some(parsed.image.architecture.as_str().to_owned()),
            boot_mode: parsed.image.boot_mode,
            size_gib: parsed.image.size_gib,
        }
    }

    fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// The ROS `ImageId` texts read so far, and what each gave. A clone starts empty.
#[derive(Debug, Default)]
pub(super) struct Prefixes(Mutex<HashMap<Box<str>, Option<PartialImage>>>);

impl Clone for Prefixes {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl Catalog {
    /// What every public image a ROS `ImageId` can select has in common: a full public ID,
    /// the start of one (case-insensitive, as ROS matches), a `*` wildcard over one, or an
    /// OS name with an optional version (`centos`, `CentOS7_9`, `Windows2008r2`), which ROS
    /// reads as the newest 64-bit image of that OS. `None` when nothing is known, which
    /// includes a name that can start no public ID. Each text is read once a run (reading
    /// one tries it on every known ID and up to hundreds of completions, about 0.5 ms).
    pub fn image_prefix(&self, prefix: &str) -> Option<PartialImage> {
        if prefix.len() > MAX_INPUT {
            return None;
        }
        let memory = &self.prefixes.0;
        if let Some(found) = memory.lock().ok()?.get(prefix) {
            return found.clone();
        }
        let found = self.read_prefix(prefix);
        if let Ok(mut memory) = memory.lock() {
            memory.insert(prefix.into(), found.clone());
        }
        found
    }

    fn read_prefix(&self, prefix: &str) -> Option<PartialImage> {
        let text = prefix.trim();
        if text.is_empty() || text.len() > MAX_INPUT {
            return None;
        }
        if let Some(parsed) = self.images.get().parse_detailed(text) {
            return Some(PartialImage::of(&parsed));
        }
        let (pattern, literal) = if text.contains('*') {
            let parts: Vec<String> = text.split('*').map(regex::escape).collect();
            (format!("(?i)^{}$", parts.join(".*")), text.split('*').next().unwrap_or_default())
        } else {
            (format!("(?i)^{}", regex::escape(text)), text)
        };
        let matcher = build(&pattern)?;
        let partial = match self.common(&matcher) {
            Some(partial) if partial.family.is_some() => partial,
            found => match self.ros_series(text) {
                Some(series) => series,
                None if found.is_none() => match self.completed(text, &matcher) {
                    Some(completed) if completed.family.is_some() => completed,
                    _ => PartialImage {
                        family: self.token_family(&[literal.to_ascii_lowercase()]),
                        ..PartialImage::default()
                    },
                },
                None => found.unwrap_or_default(),
            },
        };
        (!partial.is_empty()).then_some(partial)
    }

    /// What every public image ID `regex` can match has in common (Terraform's
    /// `name_regex`, matched anywhere in the name unless anchored); `None` when nothing is
    /// known, or the regex does not compile.
    pub fn image_regex(&self, regex: &str) -> Option<PartialImage> {
        if regex.len() > MAX_INPUT {
            return None;
        }
        let hir = regex_syntax::ParserBuilder::new().nest_limit(NEST_LIMIT).build().parse(regex).ok()?;
        let matcher = build(regex)?;
        let partial = match self.common(&matcher) {
            Some(partial) => partial,
            // No real ID matches (an ID the list lacks: `^centos_7_9_x64_20G_alibase_
            // 20240628.vhd$`, `^ubuntu_18.*64`; a family it lacks, such as RHEL): an
            // anchored literal start is read from its completions, as a ROS prefix is, and
            // else can still name the OS.
            None if hir.properties().look_set_prefix().contains(Look::Start) => {
                let literals = Extractor::new().kind(ExtractKind::Prefix).extract(&hir);
                let literals: Vec<String> = literals
                    .literals()
                    .unwrap_or_default()
                    .iter()
                    .map(|l| String::from_utf8_lossy(l.as_bytes()).to_ascii_lowercase())
                    .collect();
                // The completions are lower-case, so they are matched without case: a regex
                // written in another case than the real names (which it cannot match, so
                // its lookup fails at plan) still reads as their OS.
                let completed = match literals.as_slice() {
                    [literal] => build(&format!("(?i){regex}"))
                        .and_then(|loose| self.completed(literal, &loose))
                        .filter(|completed| completed.family.is_some()),
                    _ => None,
                };
                completed.unwrap_or_else(|| PartialImage {
                    family: self.token_family(&literals),
                    ..PartialImage::default()
                })
            }
            None => return None,
        };
        (!partial.is_empty()).then_some(partial)
    }

    /// Whether a ROS `ImageId` can select a public image: it is one, starts one, or names
    /// an OS (an `ImageId` that selects nothing is an S004 finding, not an unknown).
    pub fn image_prefix_selects(&self, prefix: &str) -> bool {
        let text = prefix.trim();
        if text.is_empty() || text.len() > MAX_INPUT {
            return false;
        }
        let literal = text.split('*').next().unwrap_or_default().to_ascii_lowercase();
        self.images.get().parse(text).is_some()
            || self.ros_series(text).is_some()
            || self.images.get().known().iter().any(|k| k.id.to_ascii_lowercase().starts_with(&literal))
            || !literal.is_empty() && self.consistent_tokens(&literal).next().is_some()
    }

    /// What the known IDs that `matcher` matches share and `matcher` pins; `None` when it
    /// matches none of them.
    fn common(&self, matcher: &Regex) -> Option<PartialImage> {
        let known = self.images.get().known();
        let candidates: Vec<&Parsed> = known.iter().filter(|k| matcher.is_match(&k.id)).collect();
        self.shared(&candidates, matcher)
    }

    /// What a prefix that starts no known ID (`centos_7_06_64`: the list lacks `CentOS` 7.6;
    /// or the literal start of a `name_regex`) tells: the prefix itself and the IDs it would
    /// start, made of it and the rest of each known ID at its length (`centos_7_06_64` +
    /// `_20G_alibase_20180326.vhd`; of the known IDs of the families its OS token can be),
    /// are the candidates when `matcher` matches them, and what every one that parses
    /// shares and `matcher` pins is kept, as for known IDs. A fact on which they differ
    /// stays unknown.
    fn completed(&self, prefix: &str, matcher: &Regex) -> Option<PartialImage> {
        let images = self.images.get();
        let lower = prefix.to_ascii_lowercase();
        let families: BTreeSet<&str> = self.consistent_tokens(&lower).map(|(_, family)| family).collect();
        let mut seen = HashSet::new();
        // The prefix itself, when it is a whole ID (a regex's exact literal), and its
        // completions.
        let candidates: Vec<Parsed> = std::iter::once(lower.clone())
            .chain(
                images
                    .known()
                    .iter()
                    .filter(|k| families.contains(k.image.family.as_str()))
                    .filter_map(|k| k.id.get(prefix.len()..))
                    .filter(|rest| !rest.is_empty() && seen.insert(undated(rest)))
                    .map(|rest| format!("{lower}{rest}")),
            )
            .filter_map(|id| images.parse_detailed(&id))
            .filter(|c| matcher.is_match(&c.id))
            .collect();
        let candidates: Vec<&Parsed> = candidates.iter().collect();
        self.shared(&candidates, matcher)
    }

    /// What `candidates` share and `matcher` pins; `None` when there are none.
    fn shared(&self, candidates: &[&Parsed], matcher: &Regex) -> Option<PartialImage> {
        let first = *candidates.first()?;
        let mut out = PartialImage::default();
        let family = &first.image.family;
        if candidates.iter().all(|c| c.image.family == *family && self.family_pinned(c, matcher)) {
            out.family = Some(family.clone());
            out.version = self.common_version(family, candidates, matcher);
        }
        let arch = first.image.architecture;
        if candidates.iter().all(|c| c.image.architecture == arch && self.arch_pinned(c, matcher)) {
            out.architecture = Some(arch.as_str().to_owned());
        }
        if let Some((size, _)) = first.size {
            if candidates
                .iter()
                .all(|c| c.size.as_ref().is_some_and(|(s, _)| *s == size) && size_pinned(c, matcher))
            {
                out.size_gib = Some(size);
            }
        }
        if let Some(mode) = first.image.boot_mode {
            if candidates.iter().all(|c| c.image.boot_mode == Some(mode) && boot_pinned(c, matcher)) {
                out.boot_mode = Some(mode);
            }
        }
        Some(out)
    }

    /// No ID of another family (another OS token, or this one with a letter changed)
    /// would match in this candidate's place.
    fn family_pinned(&self, c: &Parsed, matcher: &Regex) -> bool {
        let other_tokens = self.images.get().os_tokens().filter(|(_, family)| *family != c.image.family);
        for (token, _) in other_tokens {
            if matcher.is_match(&splice(&c.id, &c.os, token)) {
                return false;
            }
        }
        !c.os.clone().any(|i| {
            c.id.is_char_boundary(i)
                && c.id.is_char_boundary(i + 1)
                && c.id.get(i..=i).is_some_and(|ch| {
                    let other = if ch.eq_ignore_ascii_case("q") { "z" } else { "q" };
                    matcher.is_match(&splice(&c.id, &(i..i + 1), other))
                })
        })
    }

    fn arch_pinned(&self, c: &Parsed, matcher: &Regex) -> bool {
        !self
            .images
            .get()
            .arch_tokens()
            .filter(|(_, arch)| *arch != c.image.architecture)
            .any(|(token, _)| matcher.is_match(&splice(&c.id, &c.arch, token)))
    }

    /// The version every candidate, and every variant of it the matcher also matches
    /// (another major, another last digit, a longer number), shares: the same version,
    /// or their common leading dotted components (`7` of `7.2` and `7.9`). A version
    /// with a space (`15 SP5`, `2012 R2`) has no shorter form; a shortened one is kept
    /// only where the lifecycle catalog has it as a version.
    fn common_version(&self, family: &str, candidates: &[&Parsed], matcher: &Regex) -> Option<String> {
        let majors: BTreeSet<&str> = self
            .images
            .get()
            .known()
            .iter()
            .filter(|k| k.image.family == family)
            .filter_map(|k| k.id.get(k.version.first()?.clone()))
            .collect();
        let mut versions: HashSet<String> = HashSet::new();
        for c in candidates {
            versions.insert(c.image.version.clone());
            for (index, span) in c.version.iter().enumerate() {
                let Some(text) = c.id.get(span.clone()) else { continue };
                let mut variants = other_last_digits(text);
                if index == 0 {
                    variants.extend(majors.iter().map(|m| (*m).to_owned()));
                } else {
                    variants.push(format!("{text}1"));
                }
                for variant in variants {
                    let id = splice(&c.id, span, &variant);
                    if !matcher.is_match(&id) {
                        continue;
                    }
                    if let Some(parsed) = self.images.get().parse(&id).filter(|p| p.family == family) {
                        versions.insert(parsed.version);
                    }
                }
            }
        }
        let common = common_version(&versions)?;
        let known = versions.contains(&common)
            || self
                .lifecycle
                .matching(|f| version::same_family(f, family), |e| &e.family)
                .any(|(_, e)| version::normalize(&e.version) == version::normalize(&common));
        known.then_some(common)
    }

    /// ROS's "series" form: an OS name, optionally with a major version and a minor or
    /// `r2` (`centos`, `Centos_7`, `CentOS7_9`, `ubuntu_14`, `Windows2008r2`): the newest
    /// 64-bit image of that OS (`x86_64` or `arm64`, so no architecture).
    fn ros_series(&self, text: &str) -> Option<PartialImage> {
        let lower = text.to_ascii_lowercase();
        let (family, rest) = self
            .images
            .get()
            .os_tokens()
            .chain([("windows", "windows-server")])
            .filter_map(|(token, family)| Some((family, lower.strip_prefix(token)?)))
            .max_by_key(|(_, rest)| std::cmp::Reverse(rest.len()))?;
        let series = build(r"^[_-]?(?:(?P<major>[0-9]+)(?:[_.](?P<minor>[0-9]+))?(?P<r2>r2)?)?$")?;
        let caps = series.captures(rest)?;
        let major = caps.name("major").map(|m| strip_zeros(m.as_str()));
        let minor = caps.name("minor").map(|m| strip_zeros(m.as_str()));
        let r2 = caps.name("r2").is_some();
        let version = match (major, minor) {
            (Some(major), _) if family == "windows-server" => {
                (minor.is_none()).then(|| if r2 { format!("{major} R2") } else { major.to_owned() })
            }
            (Some(_), _) if r2 => None,
            (Some(major), Some(minor)) => Some(format!("{major}.{minor}")),
            (Some(major), None) => Some(major.to_owned()).filter(|major| {
                self.lifecycle
                    .matching(|f| version::same_family(f, family), |e| &e.family)
                    .any(|(_, e)| version::normalize(&e.version) == *major)
            }),
            (None, _) => None,
        };
        Some(PartialImage { family: Some(family.to_owned()), version, ..PartialImage::default() })
    }

    /// The family every OS token consistent with all of these literal starts maps to.
    fn token_family(&self, literals: &[String]) -> Option<String> {
        let mut families = BTreeSet::new();
        for literal in literals {
            if literal.is_empty() {
                return None;
            }
            families.extend(self.consistent_tokens(literal).map(|(_, family)| family));
        }
        let mut families = families.into_iter();
        let family = families.next()?;
        families.next().is_none().then(|| family.to_owned())
    }

    /// OS tokens an ID starting with `literal` can have: `literal` starts the token, or
    /// the token is followed in it by a separator or a glued version digit.
    fn consistent_tokens<'s>(&'s self, literal: &'s str) -> impl Iterator<Item = (&'s str, &'s str)> + 's {
        self.images.get().os_tokens().filter(move |(token, _)| {
            token.starts_with(literal)
                || literal
                    .strip_prefix(token)
                    .and_then(|rest| rest.chars().next())
                    .is_some_and(|next| next == '_' || next == '-' || next.is_ascii_digit())
        })
    }
}

fn build(pattern: &str) -> Option<Regex> {
    RegexBuilder::new(pattern).size_limit(REGEX_SIZE_LIMIT).nest_limit(NEST_LIMIT).build().ok()
}

/// `text` with `range` replaced by `with`.
fn splice(text: &str, range: &Range<usize>, with: &str) -> String {
    let (Some(head), Some(tail)) = (text.get(..range.start), text.get(range.end..)) else {
        return text.to_owned();
    };
    format!("{head}{with}{tail}")
}

/// `text` with each run of six digits or more (a build date) as `#`: the tails of IDs
/// that differ only in their date complete a prefix alike.
fn undated(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut digits = String::new();
    for ch in text.chars().chain(['\0']) {
        if ch.is_ascii_digit() {
            digits.push(ch);
            continue;
        }
        if digits.len() >= 6 {
            out.push('#');
        } else {
            out.push_str(&digits);
        }
        digits.clear();
        if ch != '\0' {
            out.push(ch);
        }
    }
    out
}

/// `text` with its last digit replaced by each other digit.
fn other_last_digits(text: &str) -> Vec<String> {
    let Some(last) = text.chars().last().filter(char::is_ascii_digit) else { return Vec::new() };
    let head = &text[..text.len() - 1];
    ('0'..='9').filter(|d| *d != last).map(|d| format!("{head}{d}")).collect()
}

fn size_pinned(c: &Parsed, matcher: &Regex) -> bool {
    let Some((_, span)) = &c.size else { return false };
    let Some(text) = c.id.get(span.clone()) else { return false };
    let mut variants = other_last_digits(text);
    variants.push(format!("{text}0"));
    !variants.iter().any(|v| matcher.is_match(&splice(&c.id, span, v)))
}

/// The `uefi` tag cannot be left out.
fn boot_pinned(c: &Parsed, matcher: &Regex) -> bool {
    let Some(span) = &c.boot else { return false };
    let end = if c.id.get(span.end..=span.end) == Some("_") { span.end + 1 } else { span.end };
    !matcher.is_match(&splice(&c.id, &(span.start..end), ""))
}

fn strip_zeros(digits: &str) -> &str {
    let trimmed = digits.trim_start_matches('0');
    if trimmed.is_empty() && !digits.is_empty() { "0" } else { trimmed }
}

/// The one version, or the dotted components all share (`7` of `7.2` and `7.9`); none
/// when a version with a space (`15 SP5`) differs from another.
fn common_version(versions: &HashSet<String>) -> Option<String> {
    let mut iter = versions.iter();
    let first = iter.next()?;
    if versions.len() == 1 {
        return Some(first.clone());
    }
    if versions.iter().any(|v| v.contains(' ')) {
        return None;
    }
    let mut common: Vec<&str> = first.split('.').collect();
    for other in iter {
        let same = common.iter().zip(other.split('.')).take_while(|(a, b)| **a == *b).count();
        common.truncate(same);
    }
    (!common.is_empty()).then(|| common.join("."))
}

#[cfg(test)]
mod tests;
