//! The JSON report, version 1, exactly as DESIGN §5 pins it.

use super::{Finding, Summary};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Value, json};
use std::io::{self, Write};

/// The JSON value of one finding (shared with formats that embed it).
pub fn finding_json(finding: &Finding) -> Value {
    let start = finding.location.start();
    let end = finding.location.end();
    let span = finding.location.span;
    json!({
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity,
        "message": finding.message,
        "help": finding.help,
        "file": finding.location.file.name,
        "span": {
            "offset": span.start,
            "length": span.len(),
            "line": start.line,
            "column": start.column,
            "endLine": end.line,
            "endColumn": end.column,
        },
        "resource": finding.resource,
        "data": finding.data,
    })
}

fn suppressed_json(finding: &Finding) -> Value {
    let mut value = finding_json(finding);
    if let (Value::Object(map), Some(suppression)) = (&mut value, &finding.suppression) {
        map.insert("suppression".into(), json!(suppression));
    }
    value
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
        map.serialize_entry("findings", &Each(self.findings, finding_json))?;
        map.serialize_entry("summary", self.summary)?;
        if !self.suppressed.is_empty() {
            map.serialize_entry("suppressed", &Each(self.suppressed, suppressed_json))?;
        }
        map.end()
    }
}

/// Findings serialised one by one through `to_json`.
struct Each<'a>(&'a [Finding], fn(&Finding) -> Value);

impl Serialize for Each<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for finding in self.0 {
            seq.serialize_element(&(self.1)(finding))?;
        }
        seq.end()
    }
}
