//! The JSON report, version 1, exactly as DESIGN §5 pins it.

use super::{Finding, Summary};
use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
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
    #[serde(skip_serializing_if = "Option::is_none")]
    suppression: Option<&'a super::Suppression>,
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

impl<'a> FindingOut<'a> {
    /// A finding; `suppressed` adds how it was suppressed.
    fn new(finding: &'a Finding, suppressed: bool) -> Self {
        let (start, end, span) = (finding.location.start(), finding.location.end(), finding.location.span);
        Self {
            code: &finding.code,
            name: &finding.name,
            severity: finding.severity,
            message: &finding.message,
            help: finding.help.as_deref(),
            file: &finding.location.file.name,
            span: SpanOut {
                offset: span.start,
                length: span.len(),
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
            },
            resource: finding.resource.as_ref(),
            data: &finding.data,
            suppression: finding.suppression.as_ref().filter(|_| suppressed),
        }
    }
}

/// The report; suppressed findings are listed apart, with their reason, and not counted.
/// Written as it is serialised, one finding at a time, so a large run never holds the
/// whole report in memory.
pub fn render_json(
    out: &mut dyn Write,
    findings: &[Finding],
    suppressed: &[Finding],
    summary: &Summary,
) -> io::Result<()> {
    let report = Report { findings, suppressed, summary };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}

struct Report<'a> {
    findings: &'a [Finding],
    suppressed: &'a [Finding],
    summary: &'a Summary,
}

impl Serialize for Report<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("version", &1)?;
        map.serialize_entry("findings", &Each(self.findings, false))?;
        map.serialize_entry("summary", self.summary)?;
        if !self.suppressed.is_empty() {
            map.serialize_entry("suppressed", &Each(self.suppressed, true))?;
        }
        map.end()
    }
}

/// Findings serialised one by one; `true` when they are the suppressed ones.
struct Each<'a>(&'a [Finding], bool);

impl Serialize for Each<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for finding in self.0 {
            seq.serialize_element(&FindingOut::new(finding, self.1))?;
        }
        seq.end()
    }
}
