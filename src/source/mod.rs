//! Source files, byte spans and the spanned tree that YAML and JSON load into.
//!
//! Everything downstream (schema validation, rule evaluation, rendering) works on
//! [`Node`]s whose spans are byte ranges into one [`SourceFile`]. Lines and columns
//! are computed only when a diagnostic is rendered, through the file's [`LineIndex`].

mod base;
mod extent;
mod json;
mod lines;
mod meter;
pub mod plain;
mod tags;
mod tree;
mod yaml;

pub use base::{Document, Limits, MAX_TEXT_BYTES, Span, SyntaxError};
pub use json::parse_json;
pub use lines::{LineCol, LineIndex};
pub use tags::{is_tag, local_tag, untag};
pub use tree::{Entry, Key, Node, PathSegment, Value, boxed, fit};
pub use yaml::{parse_yaml, parse_yaml_tagged, scalar_spans};

use std::sync::OnceLock;

/// A file's name as shown to the user and its full text.
#[derive(Debug)]
pub struct SourceFile {
    /// Path as the user gave it or as found by the walk, with `/` separators.
    pub name: String,
    /// Boxed, not shared: a file read into a `String` becomes its text without a copy. As
    /// an `Arc<str>` every text was copied once more (10 MB on the 10,000-file corpus), and
    /// the freed buffers, interleaved with the copies, held pages through the run's peak.
    pub text: Box<str>,
    /// Built on first use: most files loaded (every built-in rule file) never have a
    /// diagnostic rendered, and indexing the 38 rule files was 0.29 M instructions of a
    /// one-file check (callgrind).
    lines: OnceLock<LineIndex>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<Box<str>>) -> Self {
        Self { name: name.into(), text: text.into(), lines: OnceLock::new() }
    }

    /// The file's line index (lines and columns of byte offsets).
    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    /// The file's name without its directory.
    pub fn base_name(&self) -> &str {
        base_name(&self.name)
    }

    /// The format a file is parsed as, chosen by its extension (YAML otherwise).
    pub fn format(&self) -> Format {
        Format::from_name(&self.name)
    }
}

/// A file name without its directory (`/` or `\\` separated).
pub fn base_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

/// The syntax of an input file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Json,
    /// `HashiCorp` configuration language: `.tf`, `.tofu`, `.tfvars`, `.pkr.hcl`.
    Hcl,
}

impl Format {
    pub fn from_name(name: &str) -> Self {
        let lower = name.to_ascii_lowercase();
        match std::path::Path::new(&lower).extension().and_then(|ext| ext.to_str()) {
            Some("json") => Self::Json,
            Some("tf" | "tofu" | "tfvars" | "hcl") => Self::Hcl,
            _ => Self::Yaml,
        }
    }
}

/// Which front end reads a file into resources (DESIGN §8), by its name. YAML and JSON
/// files are specs unless their content says they are a ROS or Packer template, which the
/// spec loader finds out once it has parsed them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Frontend {
    /// ecslint specs, ROS templates and legacy Packer JSON: one file at a time.
    Document,
    /// `.tf`, `.tf.json`, `.tfvars`, `.tfvars.json`, and OpenTofu's `.tofu`, `.tofu.json`: read
    /// a directory (a module) at a time.
    Terraform,
    /// `.pkr.hcl`, `.pkrvars.hcl`, `.pkrvars.json`, `.pkr.json`: read a directory (a
    /// template) at a time.
    Packer,
}

impl Frontend {
    /// Terraform's extensions are matched with their case, as Terraform and OpenTofu match
    /// them (`main.TF` is neither tool's file: reading it gave findings on blocks never
    /// deployed).
    pub fn of(name: &str) -> Self {
        let lower = name.to_ascii_lowercase();
        let base = base_name(&lower);
        let ends = |suffix: &str| base.ends_with(suffix);
        let terraform = [".tf", ".tf.json", ".tofu", ".tofu.json", ".tfvars", ".tfvars.json"];
        if ends(".pkr.hcl") || ends(".pkrvars.hcl") || ends(".pkrvars.json") || ends(".pkr.json") {
            Self::Packer
        } else if terraform.into_iter().any(|suffix| base_name(name).ends_with(suffix)) {
            Self::Terraform
        } else {
            Self::Document
        }
    }
}

/// Parses a file's text in the format its name implies. Local YAML tags (`!Ref x`) are kept
/// (see [`parse_yaml_tagged`]): what they mean is the front end's to say.
pub fn parse(file: &SourceFile, limits: Limits) -> Result<Vec<Document>, SyntaxError> {
    match file.format() {
        // An HCL file reaches here only when named as a spec with another name; its
        // front end parses it otherwise.
        Format::Yaml | Format::Hcl => parse_yaml_tagged(&file.text, limits),
        Format::Json => parse_json(&file.text, limits).map(|root| vec![Document { root }]),
    }
}

/// The next number of a xorshift generator at `seed`, reduced below `n` (not zero): the
/// same sequence on every run, for tests that draw many cases.
#[cfg(test)]
pub(crate) fn xorshift_below(seed: &mut u64, n: usize) -> usize {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    usize::try_from(*seed % n as u64).unwrap_or(0)
}

/// `count` texts of `pieces` pieces each, drawn from `alphabet` by a xorshift generator from
/// `seed`: the same texts on every run, for the tests that compare two readings of a text.
#[cfg(test)]
pub(crate) fn random_texts<'a>(
    alphabet: &'a [&'a str],
    mut seed: u64,
    count: usize,
    pieces: usize,
) -> impl Iterator<Item = String> + 'a {
    (0..count).map(move |_| {
        let mut text = String::new();
        for _ in 0..pieces {
            text.push_str(alphabet[xorshift_below(&mut seed, alphabet.len())]);
        }
        text
    })
}
