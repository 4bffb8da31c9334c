//! The default format: miette's graphical report with the underlined snippet.

use super::excerpt::Excerpt;
use super::position::Positions;
use super::text::{display_path, escape, escape_clipped};

/// The most characters of a message, help or label printed.
const MAX_QUOTED_CHARS: usize = 1000;
use super::{Finding, Severity, Summary};
use crate::source::Span;
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};
use std::fmt::{self, Write as _};
use std::io::{self, Write};
use std::sync::Arc;

/// Terminal settings for the human renderer.
#[derive(Clone, Copy, Debug)]
pub struct HumanOptions {
    pub color: bool,
    pub width: usize,
}

/// Writes every finding as a graphical report.
///
/// Everything an input controls (file names, messages, help, labels, source lines) is escaped
/// ([`super::text`]) and every line starts with a prefix of the renderer's own, so a report
/// cannot drive a terminal or issue CI runner commands. Snippets come from an [`Excerpt`]:
/// bounded lines around the labels, whatever the size of the file or its lines.
pub fn render_human(out: &mut dyn Write, findings: &[Finding], options: HumanOptions) -> io::Result<()> {
    let theme = if options.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(false)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation);
    let mut positions = Positions::new();
    let mut rest = findings;
    while let Some(first) = rest.first() {
        // The instances of one `count`/`for_each` block share every span: one report
        // names them all (JSON, SARIF and baselines keep one finding per instance).
        let same = rest.iter().take_while(|f| same_but_resource(first, f)).count().max(1);
        let (group, after) = rest.split_at(same);
        rest = after;
        let folded;
        let finding = if group.len() > 1 {
            folded = fold(first, group);
            &folded
        } else {
            first
        };
        let report = Report::new(finding, &mut positions);
        let mut text = String::new();
        let rendered = handler.render_report(&mut text, &report).is_ok()
            && render_help(&mut text, finding, options).is_ok()
            && report.related.iter().all(|related| {
                text.push_str("\nAdvice: \n");
                handler.render_report(&mut text, related).is_ok()
            });
        if !rendered {
            // miette refused the report: one plain line still says what and where.
            let at = positions.line_col(&finding.location.file, finding.location.span.start());
            text = format!(
                "{}:{}:{}: {}[{}] {}\n",
                display_path(&finding.location.file.name),
                at.line,
                at.column,
                finding.severity,
                escape(&finding.code),
                escape(&finding.message)
            );
        }
        writeln!(out, "{text}")?;
    }
    Ok(())
}

/// The most resource names a folded report lists.
const MAX_FOLDED_NAMES: usize = 5;

/// Whether `b` says what `a` says at the same places, about another resource of the
/// same kind: an instance of the same `count`/`for_each` block or module call.
fn same_but_resource(a: &Finding, b: &Finding) -> bool {
    let place = |x: &super::Location, y: &super::Location| Arc::ptr_eq(&x.file, &y.file) && x.span == y.span;
    let resources = match (&a.resource, &b.resource) {
        (Some(x), Some(y)) => x.kind == y.kind,
        _ => false,
    };
    resources
        && a.code == b.code
        && a.severity == b.severity
        && place(&a.location, &b.location)
        && a.message == b.message
        && a.help == b.help
        && a.label == b.label
        && a.labels.len() == b.labels.len()
        && a.labels
            .iter()
            .zip(&b.labels)
            .all(|(x, y)| x.message == y.message && place(&x.location, &y.location))
}

/// One finding for a group of the same finding on several resources: the message names
/// how many and which (`(×3: web[0], web[1], web[2])`).
fn fold(first: &Finding, group: &[Finding]) -> Finding {
    let mut names: Vec<&str> =
        group.iter().filter_map(|f| f.resource.as_ref().map(|r| r.name.as_str())).collect();
    let count = names.len();
    let more = count.saturating_sub(MAX_FOLDED_NAMES);
    names.truncate(MAX_FOLDED_NAMES);
    let mut list = names.join(", ");
    if more > 0 {
        let _ = write!(list, " and {more} more");
    }
    let mut finding = first.clone();
    let _ = write!(finding.message, " (\u{d7}{count}: {list})");
    finding
}

/// The help line, wrapped as miette wraps it, but with a visible `│` starting each
/// continuation line (miette indents them with spaces only, and a log reader trims those).
fn render_help(text: &mut String, finding: &Finding, options: HumanOptions) -> fmt::Result {
    let Some(help) = &finding.help else { return Ok(()) };
    let help = escape_clipped(help, MAX_QUOTED_CHARS);
    let initial = if options.color { "\u{1b}[36m  help:\u{1b}[0m " } else { "  help: " };
    let wrap = textwrap::Options::new(options.width.saturating_sub(2))
        .initial_indent(initial)
        .subsequent_indent("      │ ")
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    writeln!(text, "{}", textwrap::fill(&help, wrap))
}

/// Writes the closing line: files, resources and counts per severity.
pub fn render_summary(out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
    let plural = |n: usize, word: &str| {
        if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") }
    };
    writeln!(
        out,
        "Checked {} and {}: {}, {}, {}.",
        plural(summary.files, "file"),
        plural(summary.resources, "resource"),
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning"),
        plural(summary.infos, "info"),
    )?;
    if let Some(baseline) = summary.baseline {
        writeln!(
            out,
            "The baseline hid {}; {} matched nothing (fixed, or changed since).",
            plural(baseline.hidden, "finding"),
            if baseline.unmatched == 1 {
                "1 entry".to_string()
            } else {
                format!("{} entries", baseline.unmatched)
            },
        )?;
    }
    Ok(())
}

/// A finding seen through miette's `Diagnostic` trait. Help and related notes are rendered
/// by [`render_help`] and [`render_human`] themselves.
struct Report<'a> {
    finding: &'a Finding,
    source: Excerpt,
    code: String,
    message: String,
    /// The primary label's text, then each same-file secondary label's, escaped.
    labels: Vec<Option<String>>,
    /// Labels that point into other files become related reports.
    related: Vec<Related>,
}

impl<'a> Report<'a> {
    fn new(finding: &'a Finding, positions: &mut Positions) -> Self {
        let file = &finding.location.file;
        let related = finding
            .labels
            .iter()
            .filter(|l| !Arc::ptr_eq(&l.location.file, file))
            .map(|l| Related {
                message: escape_clipped(&l.message, MAX_QUOTED_CHARS).into_owned(),
                source: Excerpt::new(&l.location.file, &[l.location.span], positions),
            })
            .collect();
        let same_file: Vec<_> =
            finding.labels.iter().filter(|l| Arc::ptr_eq(&l.location.file, file)).collect();
        let spans: Vec<Span> =
            std::iter::once(finding.location.span).chain(same_file.iter().map(|l| l.location.span)).collect();
        let labels = std::iter::once(
            finding.label.as_deref().map(|l| escape_clipped(l, MAX_QUOTED_CHARS).into_owned()),
        )
        .chain(same_file.iter().map(|l| Some(escape_clipped(&l.message, MAX_QUOTED_CHARS).into_owned())))
        .collect();
        Self {
            finding,
            source: Excerpt::new(file, &spans, positions),
            code: escape(&format!("{}({})", finding.code, finding.name)).into_owned(),
            message: escape_clipped(&finding.message, MAX_QUOTED_CHARS).into_owned(),
            labels,
            related,
        }
    }
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Report").field("code", &self.code).finish_non_exhaustive()
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report<'_> {}

const fn miette_severity(severity: Severity) -> miette::Severity {
    match severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

impl Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(miette_severity(self.finding.severity))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let spans = self.source.spans().iter().zip(&self.labels).enumerate();
        Some(Box::new(spans.map(|(index, (&span, label))| {
            if index == 0 {
                LabeledSpan::new_primary_with_span(label.clone(), span)
            } else {
                LabeledSpan::new_with_span(label.clone(), span)
            }
        })))
    }
}

/// A secondary label in another file, shown as a related note.
struct Related {
    message: String,
    source: Excerpt,
}

impl fmt::Debug for Related {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Related {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Related {}

impl Diagnostic for Related {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        // The message is the related report's headline already: underline without repeating it.
        let spans = self.source.spans().iter();
        Some(Box::new(spans.map(|&span| LabeledSpan::new_with_span(None, span))))
    }
}
