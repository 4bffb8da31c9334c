//! The JSON report, version 1, exactly as DESIGN §5 pins it.

use super::{Finding, Summary};
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
pub fn render_json(
    out: &mut dyn Write,
    findings: &[Finding],
    suppressed: &[Finding],
    summary: &Summary,
) -> io::Result<()> {
    let mut report = json!({
        "version": 1,
        "findings": findings.iter().map(finding_json).collect::<Vec<_>>(),
        "summary": summary,
    });
    if !suppressed.is_empty() {
        report["suppressed"] = Value::Array(suppressed.iter().map(suppressed_json).collect());
    }
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}
