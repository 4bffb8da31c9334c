//! The default format: miette's graphical report with the underlined snippet.

use super::{Finding, Severity, Summary};
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};
use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

/// Terminal settings for the human renderer.
#[derive(Clone, Copy, Debug)]
pub struct HumanOptions {
    pub color: bool,
    pub width: usize,
}

/// Writes every finding as a graphical report.
pub fn render_human(out: &mut dyn Write, findings: &[Finding], options: HumanOptions) -> io::Result<()> {
    let theme = if options.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(false)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation);
    for finding in findings {
        let mut text = String::new();
        let report = Report::new(finding);
        if handler.render_report(&mut text, &report).is_err() {
            text = format!(
                "{}: {}[{}] {}\n",
                finding.location.file.name, finding.severity, finding.code, finding.message
            );
        }
        writeln!(out, "{text}")?;
    }
    Ok(())
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

/// A finding seen through miette's `Diagnostic` trait.
struct Report<'a> {
    finding: &'a Finding,
    source: NamedSource<Arc<str>>,
    code: String,
    /// Labels that point into other files become related reports.
    related: Vec<Related>,
}

impl<'a> Report<'a> {
    fn new(finding: &'a Finding) -> Self {
        let file = &finding.location.file;
        let related = finding
            .labels
            .iter()
            .filter(|l| !Arc::ptr_eq(&l.location.file, file))
            .map(|l| Related {
                message: l.message.clone(),
                source: NamedSource::new(l.location.file.name.clone(), Arc::clone(&l.location.file.text)),
                span: l.location.span,
            })
            .collect();
        Self {
            finding,
            source: NamedSource::new(file.name.clone(), Arc::clone(&file.text)),
            code: format!("{}({})", finding.code, finding.name),
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
        f.write_str(&self.finding.message)
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

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.finding.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let primary = self.finding.location.span;
        let file = &self.finding.location.file;
        let primary =
            LabeledSpan::new_primary_with_span(self.finding.label.clone(), (primary.start, primary.len()));
        let secondary =
            self.finding.labels.iter().filter(move |l| Arc::ptr_eq(&l.location.file, file)).map(|l| {
                LabeledSpan::new_with_span(
                    Some(l.message.clone()),
                    (l.location.span.start, l.location.span.len()),
                )
            });
        Some(Box::new(std::iter::once(primary).chain(secondary)))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
    }
}

/// A secondary label in another file, shown as a related note.
struct Related {
    message: String,
    source: NamedSource<Arc<str>>,
    span: crate::source::Span,
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
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(None, (self.span.start, self.span.len())))))
    }
}
