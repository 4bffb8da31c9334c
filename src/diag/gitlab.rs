//! GitLab Code Quality: the JSON array GitLab reads from `artifacts:reports:codequality` and
//! shows in the merge request widget and diff.
//!
//! Each finding becomes an issue with GitLab's required fields, `description` (the message),
//! `check_name` (the rule code), `fingerprint` (the line-independent fingerprint of
//! [`super::fingerprint`], unique within the report), `severity` and
//! `location.path`/`location.lines.begin`, plus `type: issue`, `location.lines.end` and
//! `content.body` (the help) from the Code Climate spec the format derives from.
//!
//! Severities: error is `major`, warning `minor`, info `info`. `critical` and `blocker` are left
//! unused: GitLab sorts the findings of every scanner in one list, and a spec mistake that stops a
//! deploy is serious but not of the order of an exploitable vulnerability.

use super::fingerprint::{ReportRoot, fingerprints};
use super::position::{line_of, snap};
use super::{Finding, Severity};
use serde_json::{Map, Value, json};
use std::io::{self, Write};

/// Writes the Code Quality report of `findings`.
pub fn render_gitlab(out: &mut dyn Write, findings: &[Finding], root: ReportRoot<'_>) -> io::Result<()> {
    let issues: Vec<Value> = findings
        .iter()
        .zip(fingerprints(findings, root))
        .map(|(finding, fp)| issue(finding, &fp, root))
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}

/// Code Climate's name for a severity.
const fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

fn issue(finding: &Finding, fingerprint: &str, root: ReportRoot<'_>) -> Value {
    // Lines only: counting the columns would cost the length of a long line per finding.
    let file = &finding.location.file;
    let start = line_of(file, snap(&file.text, finding.location.span.start()));
    let end = line_of(file, snap(&file.text, finding.location.span.end()));
    let mut issue = Map::new();
    issue.insert("type".into(), json!("issue"));
    issue.insert("check_name".into(), json!(finding.code));
    issue.insert("description".into(), json!(finding.message));
    if let Some(help) = &finding.help {
        issue.insert("content".into(), json!({"body": help}));
    }
    issue.insert("severity".into(), json!(severity(finding.severity)));
    issue.insert("fingerprint".into(), json!(fingerprint));
    issue.insert(
        "location".into(),
        json!({
            "path": root.path(&finding.location.file.name),
            "lines": {"begin": start, "end": end.max(start)},
        }),
    );
    Value::Object(issue)
}
