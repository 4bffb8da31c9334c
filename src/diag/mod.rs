//! The diagnostic model: one [`Finding`] type that every stage produces and every
//! output format renders.
//!
//! A finding is data, not text: a code, a severity, a message, a primary span in one
//! file, secondary labels (possibly in other files), a help line, the resource it is
//! about, the field path it points at, and rule-specific figures. Renderers live in
//! the submodules, one per format, and write to a `&mut dyn Write`.

mod concise;
mod data;
mod excerpt;
mod fingerprint;
mod github;
mod gitlab;
mod human;
mod json;
mod junit;
mod position;
mod sarif;
mod text;

pub use concise::render_concise;
pub use data::Data;
pub use fingerprint::{FINGERPRINT_KEY, fingerprints, report_path};
pub use github::render_github;
pub use gitlab::render_gitlab;
pub use human::{HumanOptions, render_human, render_summary};
pub use json::render_json;
pub use junit::render_junit;
pub use sarif::{SarifRoot, render_sarif};
/// Escapes text an input controls for a terminal or a CI log (see `text`).
pub use text::escape as escape_untrusted;

use crate::source::{LineCol, PathSegment, SourceFile, Span};
use rayon::slice::ParallelSliceMut as _;
use serde::Serialize;
use std::sync::Arc;

/// How serious a finding is. Ordered so that `Error > Warning > Info`.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    #[default]
    Warning,
    Error,
}

impl Severity {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A location: a span in one source file.
#[derive(Clone, Debug)]
pub struct Location {
    pub file: Arc<SourceFile>,
    pub span: Span,
}

impl Location {
    pub const fn new(file: Arc<SourceFile>, span: Span) -> Self {
        Self { file, span }
    }

    pub fn start(&self) -> LineCol {
        self.file.lines().line_col(&self.file.text, self.span.start)
    }

    pub fn end(&self) -> LineCol {
        self.file.lines().line_col(&self.file.text, self.span.end)
    }
}

/// A secondary label: "first defined here", "the image is i386 here".
#[derive(Clone, Debug)]
pub struct Label {
    pub location: Location,
    pub message: String,
}

/// The resource a finding is about.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ResourceRef {
    pub kind: String,
    pub name: String,
}

/// One diagnostic.
#[derive(Clone, Debug)]
pub struct Finding {
    pub code: String,
    pub name: String,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    /// Short text under the primary underline ("unknown field"); the message is the headline.
    pub label: Option<String>,
    pub location: Location,
    pub labels: Vec<Label>,
    pub resource: Option<ResourceRef>,
    /// The field the finding points at, from the resource's root (for baselines).
    pub path: Vec<PathSegment>,
    /// Rule-specific figures, such as the fees of F001.
    pub data: Data,
    /// Set when an inline comment suppresses the finding.
    pub suppression: Option<Suppression>,
}

/// How a finding was suppressed in the source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Suppression {
    /// `line` for `# ecslint-ignore`, `file` for `# ecslint-ignore-file`, `config` for the
    /// config file's per-path `ignore`.
    pub scope: &'static str,
    /// The text after `--`, if any.
    pub reason: Option<String>,
}

impl Finding {
    pub fn new(
        code: impl Into<String>,
        name: impl Into<String>,
        severity: Severity,
        message: impl Into<String>,
        location: Location,
    ) -> Self {
        Self {
            code: code.into(),
            name: name.into(),
            severity,
            message: shorten(message.into()),
            help: None,
            label: None,
            location,
            labels: Vec::new(),
            resource: None,
            path: Vec::new(),
            data: Data::default(),
            suppression: None,
        }
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(shorten(help.into()));
        self
    }

    #[must_use]
    pub fn with_primary_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(shorten(label.into()));
        self
    }

    #[must_use]
    pub fn with_label(mut self, location: Location, message: impl Into<String>) -> Self {
        self.labels.push(Label { location, message: shorten(message.into()) });
        self
    }

    #[must_use]
    pub fn with_resource(mut self, resource: Option<ResourceRef>) -> Self {
        self.resource = resource;
        self
    }

    #[must_use]
    pub fn with_path(mut self, path: Vec<PathSegment>) -> Self {
        self.path = path;
        self
    }

    /// The sort key of DESIGN §5 (file, offset, code) after the file: offset, code, end.
    fn sort_key_in_file(&self) -> (usize, &str, usize) {
        (self.location.span.start, &self.code, self.location.span.end)
    }
}

/// Whether a selector names a rule: its code (any case), its name, or a code prefix such as
/// `A` or `L00`. `--select`/`--ignore`, config levels and ignores, and suppression comments
/// all select rules this way.
pub fn selector_matches(selector: &str, code: &str, name: &str) -> bool {
    code.eq_ignore_ascii_case(selector)
        || name == selector
        || (!selector.is_empty()
            && selector.chars().all(|c| c.is_ascii_alphanumeric())
            && code.to_ascii_uppercase().starts_with(&selector.to_ascii_uppercase()))
}

/// Longest message, help or label kept: they quote values from the spec, and a hostile
/// 30 MB value must not be copied into every finding about it (nor printed with each).
const MAX_MESSAGE_CHARS: usize = 1000;

fn shorten(message: String) -> String {
    match message.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((end, _)) => format!("{}…", &message[..end]),
        None => message,
    }
}

/// Sorts findings by file, offset and code, the order every format uses; ties keep the
/// order they were found in.
///
/// Their positions are sorted, on every core, and the findings then moved into place: a
/// stable sort of the findings themselves takes a buffer as large as the list (5 MB for
/// the 17,016 findings of the 10,000-file corpus, at the run's peak), the positions 8
/// bytes a finding.
pub fn sort_findings(findings: &mut [Finding]) {
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.par_sort_unstable_by(|&i, &j| match (findings.get(i), findings.get(j)) {
        (Some(a), Some(b)) => compare(a, b).then(i.cmp(&j)),
        _ => i.cmp(&j),
    });
    // `order[k]` is where the finding that belongs at `k` is now: each cycle of that
    // permutation is followed once, moving one finding a step, and marked done.
    for start in 0..order.len() {
        let mut at = start;
        while let Some(from) = order.get(at).copied().filter(|&from| from != usize::MAX) {
            order[at] = usize::MAX;
            if from == start {
                break;
            }
            findings.swap(at, from);
            at = from;
        }
    }
}

/// The order of [`sort_findings`], without the tie-break on the order found.
fn compare(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    // Findings in one file share its `SourceFile`: its name need not be compared.
    let (x, y) = (&a.location, &b.location);
    let file =
        if Arc::ptr_eq(&x.file, &y.file) { std::cmp::Ordering::Equal } else { x.file.name.cmp(&y.file.name) };
    file.then_with(|| a.sort_key_in_file().cmp(&b.sort_key_in_file())).then_with(|| a.message.cmp(&b.message))
}

/// Counts for the closing summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub resources: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// What `--baseline` did (absent without one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineCounts>,
}

/// How many findings a baseline hid, and how many of its entries matched nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BaselineCounts {
    pub hidden: usize,
    pub unmatched: usize,
}

impl Summary {
    pub fn new(files: usize, resources: usize, findings: &[Finding]) -> Self {
        let count = |s| findings.iter().filter(|f| f.severity == s).count();
        Self {
            files,
            resources,
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            baseline: None,
        }
    }
}

/// What output formats need to know about a rule (SARIF's `tool.driver.rules`, `ecslint rules`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RuleInfo {
    pub code: String,
    pub name: String,
    pub severity: Severity,
    pub enabled: bool,
    /// One line: what the rule checks.
    pub summary: String,
    /// The full documentation, Markdown.
    pub description: String,
    /// How to fix a finding.
    pub fix: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_messages_are_shortened_on_a_character_boundary() {
        let file = Arc::new(SourceFile::new("a.yaml", ""));
        let long = "é".repeat(5000);
        let finding = Finding::new("S002", "x", Severity::Error, long, Location::new(file, Span::default()));
        assert_eq!(finding.message.chars().count(), MAX_MESSAGE_CHARS + 1);
        assert!(finding.message.ends_with('…'));
        assert_eq!(shorten("short".into()), "short");
        let file = Arc::new(SourceFile::new("a.yaml", ""));
        let finding = Finding::new(
            "S002",
            "x",
            Severity::Error,
            "m",
            Location::new(Arc::clone(&file), Span::default()),
        )
        .with_help("h".repeat(5000))
        .with_primary_label("l".repeat(5000))
        .with_label(Location::new(file, Span::default()), "n".repeat(5000));
        assert_eq!(finding.help.map(|h| h.chars().count()), Some(MAX_MESSAGE_CHARS + 1));
        assert_eq!(finding.label.map(|l| l.chars().count()), Some(MAX_MESSAGE_CHARS + 1));
        assert_eq!(finding.labels[0].message.chars().count(), MAX_MESSAGE_CHARS + 1);
    }

    #[test]
    fn sorting_is_stable_and_matches_a_stable_sort() {
        // Few distinct keys, so most findings tie with others: ties must keep their order.
        let files = [Arc::new(SourceFile::new("b.yaml", "")), Arc::new(SourceFile::new("a.yaml", ""))];
        let mut seed = 0x9e37_79b9_u32;
        let mut findings: Vec<Finding> = (0..2000)
            .map(|id| {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                let pick = |n: u32, shift: u32| ((seed >> shift) % n) as usize;
                let file = Arc::clone(&files[pick(2, 0)]);
                let start = pick(4, 3);
                let code = ["L001", "A002", "F001"][pick(3, 7)];
                let message = ["m", "n"][pick(2, 11)];
                Finding::new(
                    code,
                    "x",
                    Severity::Error,
                    message,
                    Location::new(file, Span::new(start, start + 1)),
                )
                .with_help(id.to_string())
            })
            .collect();
        let mut expected = findings.clone();
        expected.sort_by(compare);
        sort_findings(&mut findings);
        let ids = |list: &[Finding]| list.iter().map(|f| f.help.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&findings), ids(&expected));
        assert!(findings.windows(2).any(|w| compare(&w[0], &w[1]).is_eq()), "the test has ties");
        sort_findings(&mut []);
    }
}
