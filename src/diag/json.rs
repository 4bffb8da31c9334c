//! The JSON report, version 1, exactly as DESIGN §5 pins it.

use super::position::Positions;
use super::{Finding, Summary};
use rayon::prelude::*;
use serde::Serialize;
use std::io::{self, Write};

/// One finding as the report writes it, serialised straight from the finding.
#[derive(Serialize)]
struct FindingOut<'a> {
    code: &'a str,
    name: &'a str,
    severity: super::Severity,
    message: &'a str,
    help: Option<&'a str>,
    file: &'a str,
    span: SpanOut,
    resource: Option<&'a super::ResourceRef>,
    data: &'a super::Data,
    /// The secondary locations the human rendering shows (DESIGN §5; empty when none).
    labels: Vec<LabelOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppression: Option<&'a super::Suppression>,
}

/// A secondary label: where, in which file (an IaC value's definition may be in another
/// file than the finding), and what it says.
#[derive(Serialize)]
struct LabelOut<'a> {
    file: &'a str,
    span: SpanOut,
    message: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SpanOut {
    offset: usize,
    length: usize,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

impl SpanOut {
    fn of(location: &super::Location, positions: &Positions) -> Self {
        let (file, span) = (&location.file, location.span);
        let (start, end) =
            (positions.indexed_line_col(file, span.start()), positions.indexed_line_col(file, span.end()));
        Self {
            offset: span.start(),
            length: span.len(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
        }
    }
}

impl<'a> FindingOut<'a> {
    /// A finding; `suppressed` adds how it was suppressed.
    fn new(finding: &'a Finding, suppressed: bool, positions: &Positions) -> Self {
        Self {
            code: &finding.code,
            name: &finding.name,
            severity: finding.severity,
            message: &finding.message,
            help: finding.help.as_deref(),
            file: &finding.location.file.name,
            span: SpanOut::of(&finding.location, positions),
            resource: finding.resource.as_ref(),
            data: &finding.data,
            labels: finding
                .labels
                .iter()
                .map(|label| LabelOut {
                    file: &label.location.file.name,
                    span: SpanOut::of(&label.location, positions),
                    message: &label.message,
                })
                .collect(),
            suppression: finding.suppression.as_ref().filter(|_| suppressed),
        }
    }
}

/// The report; suppressed findings are listed apart, with their reason, and not counted.
/// Findings are formatted a batch at a time, on every core, and each batch is written
/// before the next is made, in `serde_json`'s pretty layout, without ever holding the
/// report whole: on the 10,000-file corpus the whole report (16 MB) held at once was the
/// largest single part of the run's peak memory.
pub fn render_json(
    out: &mut dyn Write,
    findings: &[Finding],
    suppressed: &[Finding],
    summary: &Summary,
) -> io::Result<()> {
    out.write_all(b"{\n  \"version\": 1,\n  \"findings\": ")?;
    write_list(out, findings, false)?;
    out.write_all(b",\n  \"summary\": ")?;
    write_nested(out, &serde_json::to_string_pretty(summary)?, "\n  ")?;
    if !suppressed.is_empty() {
        out.write_all(b",\n  \"suppressed\": ")?;
        write_list(out, suppressed, true)?;
    }
    out.write_all(b"\n}\n")
}

/// Findings formatted at once before they are written: enough to keep every core busy,
/// few enough that the batch's text stays small (about 1 KB a finding).
const BATCH: usize = 4096;

/// A list of findings as the value of a top-level key: `[]`, or one finding per line two
/// levels deep, its inner lines indented to match; `suppressed` adds how each was suppressed.
fn write_list(out: &mut dyn Write, findings: &[Finding], suppressed: bool) -> io::Result<()> {
    if findings.is_empty() {
        return out.write_all(b"[]");
    }
    // Columns of long non-ASCII lines come from one index per file, not a count per finding.
    let positions = Positions::of_findings(findings);
    out.write_all(b"[")?;
    let mut first = true;
    for batch in findings.chunks(BATCH) {
        let texts: Vec<Vec<u8>> = batch
            .par_iter()
            .with_max_len(crate::CHUNK)
            .map(|finding| pretty_at_depth_two(&FindingOut::new(finding, suppressed, &positions)))
            .collect::<Result<_, _>>()?;
        for text in texts {
            out.write_all(if first { b"\n    " } else { b",\n    " })?;
            first = false;
            out.write_all(&text)?;
        }
    }
    out.write_all(b"\n  ]")
}

/// `serde_json`'s pretty layout of `value` as it sits two levels deep (a finding in the
/// report's list), its inner lines indented to match. The formatter is started two levels
/// in, as if inside two arrays, rather than laid out at the top and re-indented: replacing
/// every line break afterwards was a tenth of writing the report.
fn pretty_at_depth_two(value: &impl Serialize) -> io::Result<Vec<u8>> {
    use serde_json::ser::{Formatter, PrettyFormatter};
    let mut formatter = PrettyFormatter::new();
    for _ in 0..2 {
        formatter.begin_array(&mut io::sink())?;
    }
    let mut text = Vec::with_capacity(1024);
    value.serialize(&mut serde_json::Serializer::with_formatter(&mut text, formatter))?;
    Ok(text)
}

/// A pretty-printed value written where a line break is `newline` (the break and the
/// indentation of the level the value sits at).
fn write_nested(out: &mut dyn Write, text: &str, newline: &str) -> io::Result<()> {
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.write_all(newline.as_bytes())?;
        }
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Label, Location, Severity, Suppression};
    use crate::source::{SourceFile, Span};
    use std::sync::Arc;

    /// The report as `serde_json` lays out the whole of it, for comparison.
    fn reference(findings: &[Finding], suppressed: &[Finding], summary: &Summary) -> String {
        let mut report = serde_json::Map::new();
        report.insert("version".into(), 1.into());
        let values = |list: &[Finding], suppressed: bool| -> serde_json::Value {
            let out = list.iter().map(|f| FindingOut::new(f, suppressed, &Positions::new()));
            serde_json::Value::Array(out.map(|f| serde_json::to_value(f).unwrap_or_default()).collect())
        };
        report.insert("findings".into(), values(findings, false));
        report.insert("summary".into(), serde_json::to_value(summary).unwrap_or_default());
        if !suppressed.is_empty() {
            report.insert("suppressed".into(), values(suppressed, true));
        }
        serde_json::to_string_pretty(&report).unwrap_or_default() + "\n"
    }

    #[test]
    fn the_report_is_laid_out_as_serde_json_lays_it_out() {
        let file = Arc::new(SourceFile::new("dir/a.yaml", "kind: Image\nname: \"x\\ny\"\n"));
        let finding = |code: &str, message: &str| {
            let mut finding = Finding::new(
                code,
                "rule",
                Severity::Warning,
                message,
                Location::new(Arc::clone(&file), Span::new(6, 11)),
            );
            finding.data.insert("list".into(), serde_json::json!([1, {"a": [], "b": {}}, "q\"uote\nline"]));
            finding
        };
        let mut quiet = finding("S002", "suppressed");
        quiet.suppression = Some(Suppression { scope: "line", reason: Some("known".into()) });
        let summary = Summary { files: 1, resources: 2, errors: 0, warnings: 2, infos: 0, baseline: None };
        // A label in another file, with a character before it that is not ASCII.
        let other = Arc::new(SourceFile::new("dir/variables.tf", "# é\ndefault = \"x\"\n"));
        let mut labelled = finding("A001", "one");
        labelled.labels.push(Label {
            location: Location::new(Arc::clone(&other), Span::new(6, 13)),
            message: "the default that supplied it".into(),
        });
        let cases: [(Vec<Finding>, Vec<Finding>); 5] = [
            (Vec::new(), Vec::new()),
            (vec![finding("A001", "one")], Vec::new()),
            (vec![labelled, finding("L001", "two")], Vec::new()),
            (vec![finding("A001", "one"), finding("L001", "two\nlines")], vec![quiet.clone()]),
            (Vec::new(), vec![quiet]),
        ];
        for (findings, suppressed) in cases {
            let mut written = Vec::new();
            render_json(&mut written, &findings, &suppressed, &summary).unwrap_or_else(|e| panic!("{e}"));
            let written = String::from_utf8(written).unwrap_or_default();
            assert_eq!(written, reference(&findings, &suppressed, &summary));
        }
    }

    /// A report longer than one batch is written in several: the seams between batches
    /// (the comma and indentation before each finding) are where a batched writer could
    /// differ from the whole report laid out at once.
    #[test]
    fn a_report_of_several_batches_is_laid_out_as_one() {
        let file = Arc::new(SourceFile::new("a.yaml", "kind: Image\nname: x\n"));
        let finding = |i: usize| {
            let mut finding = Finding::new(
                "L001",
                "rule",
                Severity::Warning,
                format!("finding {i}\nsecond line"),
                Location::new(Arc::clone(&file), Span::new(i % 12, 12)),
            );
            finding.data.insert("i".into(), serde_json::json!([i, {"k": i}]));
            finding
        };
        let findings: Vec<Finding> = (0..2 * BATCH + 3).map(finding).collect();
        let mut quiet: Vec<Finding> = (0..=BATCH).map(finding).collect();
        for f in &mut quiet {
            f.suppression = Some(Suppression { scope: "line", reason: None });
        }
        let summary = Summary { files: 1, resources: 1, errors: 0, warnings: 1, infos: 0, baseline: None };
        let mut written = Vec::new();
        render_json(&mut written, &findings, &quiet, &summary).unwrap_or_else(|e| panic!("{e}"));
        let written = String::from_utf8(written).unwrap_or_default();
        assert_eq!(written, reference(&findings, &quiet, &summary));
    }
}
