//! The JSON report, version 1, exactly as DESIGN §5 pins it.

use super::{Finding, Summary};
use rayon::prelude::*;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::value::RawValue;
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
/// Each finding is formatted on its own, on every core, and the report is written as
/// `serde_json`'s pretty printer lays it out, without ever holding it whole as a value.
pub fn render_json(
    out: &mut dyn Write,
    findings: &[Finding],
    suppressed: &[Finding],
    summary: &Summary,
) -> io::Result<()> {
    let report =
        Report { findings: formatted(findings, false)?, suppressed: formatted(suppressed, true)?, summary };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}

struct Report<'a> {
    findings: Vec<Box<RawValue>>,
    suppressed: Vec<Box<RawValue>>,
    summary: &'a Summary,
}

impl Serialize for Report<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("version", &1)?;
        map.serialize_entry("findings", &self.findings)?;
        map.serialize_entry("summary", self.summary)?;
        if !self.suppressed.is_empty() {
            map.serialize_entry("suppressed", &self.suppressed)?;
        }
        map.end()
    }
}

/// Each finding pretty-printed as it sits in the report, two levels deep (a raw value
/// is written as it is, so its inner lines carry the report's indentation).
fn formatted(findings: &[Finding], suppressed: bool) -> io::Result<Vec<Box<RawValue>>> {
    findings
        .par_iter()
        .with_max_len(crate::CHUNK)
        .map(|finding| {
            let text = serde_json::to_string_pretty(&FindingOut::new(finding, suppressed))?;
            Ok(RawValue::from_string(text.replace('\n', "\n    "))?)
        })
        .collect()
}
