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
    data: &'a serde_json::Map<String, serde_json::Value>,
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
            (positions.indexed_line_col(file, span.start), positions.indexed_line_col(file, span.end));
        Self {
            offset: span.start,
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
/// Each finding is formatted on its own, on every core, and the report is written in
/// `serde_json`'s pretty layout around them, without ever holding it whole as a value.
pub fn render_json(
    out: &mut dyn Write,
    findings: &[Finding],
    suppressed: &[Finding],
    summary: &Summary,
) -> io::Result<()> {
    let (findings, suppressed) = (formatted(findings, false)?, formatted(suppressed, true)?);
    out.write_all(b"{\n  \"version\": 1,\n  \"findings\": ")?;
    write_list(out, &findings)?;
    out.write_all(b",\n  \"summary\": ")?;
    write_nested(out, &serde_json::to_string_pretty(summary)?, "\n  ")?;
    if !suppressed.is_empty() {
        out.write_all(b",\n  \"suppressed\": ")?;
        write_list(out, &suppressed)?;
    }
    out.write_all(b"\n}\n")
}

/// A list of values from [`formatted`] as the value of a top-level key: `[]`, or one
/// value per line two levels deep.
fn write_list(out: &mut dyn Write, items: &[Box<str>]) -> io::Result<()> {
    if items.is_empty() {
        return out.write_all(b"[]");
    }
    out.write_all(b"[")?;
    for (i, item) in items.iter().enumerate() {
        out.write_all(if i == 0 { b"\n    " } else { b",\n    " })?;
        out.write_all(item.as_bytes())?;
    }
    out.write_all(b"\n  ]")
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

/// Each finding pretty-printed on its own, its inner lines indented two levels deep for
/// [`write_list`]. Boxed, so the report holds no spare capacity while it is written.
fn formatted(findings: &[Finding], suppressed: bool) -> io::Result<Vec<Box<str>>> {
    // Columns of long non-ASCII lines come from one index per file, not a count per finding.
    let positions = Positions::of_findings(findings);
    findings
        .par_iter()
        .with_max_len(crate::CHUNK)
        .map(|finding| {
            let text = serde_json::to_string_pretty(&FindingOut::new(finding, suppressed, &positions))?;
            Ok(text.replace('\n', "\n    ").into_boxed_str())
        })
        .collect()
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
}
