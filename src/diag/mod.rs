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
pub use fingerprint::{FINGERPRINT_KEY, ReportRoot, fingerprints, report_path};
pub use github::render_github;
pub use gitlab::render_gitlab;
pub use human::{HumanOptions, render_human, render_summary};
pub use json::render_json;
pub use junit::render_junit;
pub use sarif::render_sarif;
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
        self.file.lines().line_col(&self.file.text, self.span.start())
    }

    pub fn end(&self) -> LineCol {
        self.file.lines().line_col(&self.file.text, self.span.end())
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
    /// The resource the engine was checking when it made the finding (its index in the
    /// run, plus one), which groups findings for the per-rule cap (`crate::cap`); never
    /// reported. Non-zero, so that a finding is no larger for it.
    pub subject: Option<std::num::NonZeroU32>,
    /// Set on the one finding that stands for findings left out (`crate::cap`): which
    /// bound left them out. A marker of its own, not the help text, which a user rule may
    /// share; one byte, in what was padding, so a finding is no larger for it.
    pub left_out: Option<crate::cap::Bound>,
}

/// The help of the one finding that stands for a rule's findings past the per-rule cap
/// on a resource (`crate::cap`); see [`Finding::is_left_out`].
pub const LEFT_OUT_HELP: &str = "fix the findings shown and run again to see the rest";

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
    /// Whether this finding stands for findings left out past the per-rule cap
    /// (`crate::cap`). Before the report is capped, only the engine makes such findings,
    /// for findings it never made: a suppression may have been meant for one of them.
    pub fn is_left_out(&self) -> bool {
        self.left_out.is_some()
    }

    /// Whether this finding stands for findings the engine never made (past
    /// `cap::MAX_MADE`), alone or with findings the report cap left out. No one can know
    /// what those were: neither a line's suppression nor a baseline entry may hide it.
    pub fn stands_for_unmade(&self) -> bool {
        matches!(self.left_out, Some(crate::cap::Bound::Made | crate::cap::Bound::Both))
    }

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
            subject: None,
            left_out: None,
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
        (self.location.span.start(), &self.code, self.location.span.end())
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
/// Positions are sorted, not the findings: a stable sort of the findings themselves
/// allocated a buffer as large as the list (72 MB of a run over 100,000 files with two
/// findings each, at that run's peak), where the positions take 8 bytes a finding. The
/// findings are then moved into that order in place.
pub fn sort_findings(findings: &mut [Finding]) {
    let mut order: Vec<usize> = (0..findings.len()).collect();
    {
        let findings = &*findings;
        // The position breaks ties, so the order is total and an unstable sort (on every
        // core, without a buffer) gives what a stable one gives.
        order.par_sort_unstable_by(|&i, &j| match (findings.get(i), findings.get(j)) {
            (Some(a), Some(b)) => compare(a, b).then(i.cmp(&j)),
            _ => i.cmp(&j),
        });
    }
    permute(findings, &mut order);
}

/// The order of [`sort_findings`].
fn compare(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    // Findings in one file share its `SourceFile`: its name need not be compared.
    let (x, y) = (&a.location, &b.location);
    let file =
        if Arc::ptr_eq(&x.file, &y.file) { std::cmp::Ordering::Equal } else { x.file.name.cmp(&y.file.name) };
    file.then_with(|| a.sort_key_in_file().cmp(&b.sort_key_in_file())).then_with(|| a.message.cmp(&b.message))
}

/// Puts `items[order[k]]` at `k` for every `k`, in place: each cycle of the permutation is
/// followed once, swapping one item into place a step (`order` is used up as it goes).
fn permute<T>(items: &mut [T], order: &mut [usize]) {
    for start in 0..order.len() {
        let mut at = start;
        while let Some(slot) = order.get_mut(at) {
            let from = std::mem::replace(slot, at);
            if from == at || from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
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
    fn findings_sort_as_a_stable_sort_of_them_does() {
        // Three files (two with the same name), few offsets, codes and messages: many ties,
        // which must keep the order they were found in (the help tells them apart).
        let files = [
            Arc::new(SourceFile::new("b.yaml", "")),
            Arc::new(SourceFile::new("a.yaml", "")),
            Arc::new(SourceFile::new("b.yaml", "")),
        ];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |n: usize| crate::source::xorshift_below(&mut seed, n);
        for count in [0, 1, 2, 3, 50, 2000] {
            let findings: Vec<Finding> = (0..count)
                .map(|found| {
                    let file = Arc::clone(&files[next(3)]);
                    let start = next(4);
                    let at = Location::new(file, Span::new(start, start + next(2)));
                    let code = ["S002", "L006"][next(2)];
                    Finding::new(code, "x", Severity::Error, ["m", "n"][next(2)], at)
                        .with_help(found.to_string())
                })
                .collect();
            let mut expected = findings.clone();
            expected.sort_by(compare);
            let mut sorted = findings;
            sort_findings(&mut sorted);
            let helps = |f: &[Finding]| f.iter().map(|f| f.help.clone()).collect::<Vec<_>>();
            assert_eq!(helps(&sorted), helps(&expected), "{count} findings");
        }
    }

    #[test]
    fn a_permutation_is_applied_in_place() {
        for order in [vec![], vec![0], vec![1, 0], vec![2, 0, 1], vec![1, 2, 0, 3], vec![3, 4, 0, 1, 2, 5]] {
            let mut items: Vec<usize> = (0..order.len()).map(|i| i * 10).collect();
            let expected: Vec<usize> = order.iter().map(|&i| i * 10).collect();
            permute(&mut items, &mut order.clone());
            assert_eq!(items, expected, "{order:?}");
        }
    }
}
