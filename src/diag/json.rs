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

pub fn render_json(out: &mut dyn Write, findings: &[Finding], summary: &Summary) -> io::Result<()> {
    let report = json!({
        "version": 1,
        "findings": findings.iter().map(finding_json).collect::<Vec<_>>(),
        "summary": summary,
    });
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}
