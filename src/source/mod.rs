//! Source files, byte spans and the spanned tree that YAML and JSON load into.
//!
//! Everything downstream (schema validation, rule evaluation, rendering) works on
//! [`Node`]s whose spans are byte ranges into one [`SourceFile`]. Lines and columns
//! are computed only when a diagnostic is rendered, through the file's [`LineIndex`].

mod extent;
mod json;
mod lines;
mod meter;
pub mod plain;
mod tree;
mod yaml;

pub use json::parse_json;
pub use lines::{LineCol, LineIndex};
pub use tree::{Entry, Key, Node, PathSegment, Value};
pub use yaml::{parse_yaml, scalar_spans};

use std::sync::Arc;

/// A half-open byte range `[start, end)` into a source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    pub const fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub const fn is_empty(self) -> bool {
        self.len() == 0
    }
}

/// Limits that keep hostile input from exhausting the stack or memory.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Deepest nesting of sequences and mappings accepted.
    pub max_depth: usize,
    /// Most nodes a YAML stream's aliases may copy.
    pub max_alias_nodes: usize,
    /// Most bytes of strings and keys a YAML stream's aliases may copy: a node count alone
    /// let one large anchored string, aliased many times, take gigabytes.
    pub max_alias_bytes: usize,
    /// Most tokens started inside flow collections before the YAML parser produces an
    /// event: it may hold every token of a flow collection in memory until it closes.
    pub max_pending_indicators: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 128,
            max_alias_nodes: 100_000,
            max_alias_bytes: 16 * 1024 * 1024,
            max_pending_indicators: 250_000,
        }
    }
}

/// A file's name as shown to the user and its full text.
#[derive(Debug)]
pub struct SourceFile {
    /// Path as the user gave it or as found by the walk, with `/` separators.
    pub name: String,
    pub text: Arc<str>,
    pub lines: LineIndex,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        let text = text.into();
        let lines = LineIndex::new(&text);
        Self { name: name.into(), text, lines }
    }

    /// The format a file is parsed as, chosen by its extension (YAML otherwise).
    pub fn format(&self) -> Format {
        Format::from_name(&self.name)
    }
}

/// The syntax of an input file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Json,
    /// `HashiCorp` configuration language: `.tf`, `.tfvars`, `.pkr.hcl`.
    Hcl,
}

impl Format {
    pub fn from_name(name: &str) -> Self {
        let lower = name.to_ascii_lowercase();
        match std::path::Path::new(&lower).extension().and_then(|ext| ext.to_str()) {
            Some("json") => Self::Json,
            Some("tf" | "tfvars" | "hcl") => Self::Hcl,
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
    /// `.tf`, `.tf.json`, `.tfvars`, `.tfvars.json`: read a directory (a module) at a time.
    Terraform,
    /// `.pkr.hcl`, `.pkrvars.hcl`, `.pkr.json`: read a directory (a template) at a time.
    Packer,
}

impl Frontend {
    pub fn of(name: &str) -> Self {
        let lower = name.to_ascii_lowercase();
        let base = lower.rsplit(['/', '\\']).next().unwrap_or(&lower);
        let ends = |suffix: &str| base.ends_with(suffix);
        if ends(".pkr.hcl") || ends(".pkrvars.hcl") || ends(".pkr.json") {
            Self::Packer
        } else if ends(".tf") || ends(".tf.json") || ends(".tfvars") || ends(".tfvars.json") {
            Self::Terraform
        } else {
            Self::Document
        }
    }
}

/// A syntax error with the span it happened at and optional secondary labels.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    pub message: String,
    pub span: Span,
    /// Extra labels, such as the first definition of a duplicated key.
    pub labels: Vec<(Span, String)>,
    pub help: Option<String>,
}

impl SyntaxError {
    pub fn new(message: impl Into<String>, span: Span) -> Self {
        Self { message: message.into(), span, labels: Vec::new(), help: None }
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// One YAML document or a whole JSON file.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub root: Node,
}

/// Parses a file's text in the format its name implies.
pub fn parse(file: &SourceFile, limits: Limits) -> Result<Vec<Document>, SyntaxError> {
    match file.format() {
        // An HCL file reaches here only when named as a spec with another name; its
        // front end parses it otherwise.
        Format::Yaml | Format::Hcl => parse_yaml(&file.text, limits),
        Format::Json => parse_json(&file.text, limits).map(|root| vec![Document { root }]),
    }
}
