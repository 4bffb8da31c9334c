//! `JUnit` XML, for CI systems that show test reports (GitLab, Jenkins, Azure Pipelines, `CircleCI`).
//!
//! What a test is, in ecslint's report:
//!
//! - one `<testsuite>` per checked file, named by its path, in the order the files were given
//!   (then any file that holds findings but was not in the list, in order of first finding);
//! - one `<testcase>` per finding, `classname` the file path and `name` `CODE rule-name at
//!   line:col on resource` (the resource's name when the finding has one);
//!   an error or a warning is a `<failure type="CODE" message="...">` whose body gives
//!   `file:line:col`, the message, the help and the secondary labels, so it reads well in
//!   the CI's test detail view; an info finding is a *passing* test case carrying the same text in
//!   `<system-out>`, because infos never fail a check by default and a red test report for them
//!   would cry wolf;
//! - a file with no findings is a suite with one passing test case named `ecslint`, so clean files
//!   show up as passed rather than missing.
//!
//! `errors` (tests that crashed) is always 0: a finding is a failed check, never a crash. The
//! report carries no times or timestamps so that it is deterministic. Text is escaped for XML 1.0,
//! and characters XML 1.0 cannot carry at all (control characters other than tab, newline and
//! carriage return) are dropped.

use super::fingerprint::report_path;
use super::position::Positions;
use super::{Finding, Severity};
use crate::source::SourceFile;
use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::Arc;

/// Writes a `JUnit` report of `findings` over `files`, the files that were checked.
pub fn render_junit(out: &mut dyn Write, findings: &[Finding], files: &[Arc<SourceFile>]) -> io::Result<()> {
    let suites = group_by_file(findings, files);
    let tests: usize = suites.iter().map(|suite| suite.findings.len().max(1)).sum();
    let failures = findings.iter().filter(|f| is_failure(f)).count();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<testsuites name="ecslint" tests="{tests}" failures="{failures}" errors="0">"#)?;
    let mut positions = Positions::new();
    for suite in &suites {
        write_suite(out, suite, &mut positions)?;
    }
    writeln!(out, "</testsuites>")
}

/// Error and warning findings fail their test case; info findings pass.
const fn is_failure(finding: &Finding) -> bool {
    matches!(finding.severity, Severity::Error | Severity::Warning)
}

struct Suite<'a> {
    name: &'a str,
    findings: Vec<&'a Finding>,
}

fn group_by_file<'a>(findings: &'a [Finding], files: &'a [Arc<SourceFile>]) -> Vec<Suite<'a>> {
    // Suite index by file name: a linear search per finding took 37 s for 100,000 files.
    let mut index: HashMap<&'a str, usize> = HashMap::with_capacity(files.len());
    let mut suites: Vec<Suite<'a>> = Vec::with_capacity(files.len());
    let names = files.iter().map(|file| file.name.as_str());
    for name in names.chain(findings.iter().map(|finding| finding.location.file.name.as_str())) {
        index.entry(name).or_insert_with(|| {
            suites.push(Suite { name, findings: Vec::new() });
            suites.len() - 1
        });
    }
    for finding in findings {
        if let Some(suite) = index.get(finding.location.file.name.as_str()).and_then(|&i| suites.get_mut(i)) {
            suite.findings.push(finding);
        }
    }
    suites
}

fn write_suite(out: &mut dyn Write, suite: &Suite<'_>, positions: &mut Positions) -> io::Result<()> {
    let name = escape(report_path(suite.name));
    let tests = suite.findings.len().max(1);
    let failures = suite.findings.iter().filter(|f| is_failure(f)).count();
    writeln!(
        out,
        r#"  <testsuite name="{name}" tests="{tests}" failures="{failures}" errors="0" skipped="0">"#
    )?;
    if suite.findings.is_empty() {
        writeln!(out, r#"    <testcase classname="{name}" name="ecslint"/>"#)?;
    }
    for finding in &suite.findings {
        let start = positions.line_col(&finding.location.file, finding.location.span.start());
        let mut case_name = format!("{} {} at {}:{}", finding.code, finding.name, start.line, start.column);
        // Resources at one place (the `count` copies of a Terraform instance) are told
        // apart: CI test views merge test cases of one name.
        if let Some(resource) = &finding.resource {
            case_name = format!("{case_name} on {}", resource.name);
        }
        writeln!(out, r#"    <testcase classname="{name}" name="{}">"#, escape(&case_name))?;
        let body = details(finding, positions);
        if is_failure(finding) {
            writeln!(
                out,
                r#"      <failure type="{}" message="{}">{body}</failure>"#,
                escape(&finding.code),
                escape(&finding.message)
            )?;
        } else {
            writeln!(out, "      <system-out>{body}</system-out>")?;
        }
        writeln!(out, "    </testcase>")?;
    }
    writeln!(out, "  </testsuite>")
}

/// The text of a test case, escaped: where, what, how to fix it and the secondary labels.
/// The lines are the report's own; a file name is escaped as in an attribute, so a line
/// break in it is a character reference and cannot start a line of the report (a CI log
/// that prints the report would otherwise read a workflow command there).
fn details(finding: &Finding, positions: &mut Positions) -> String {
    let start = positions.line_col(&finding.location.file, finding.location.span.start());
    let mut text = format!(
        "{}:{}:{}: {}[{}] {}",
        escape(report_path(&finding.location.file.name)),
        start.line,
        start.column,
        finding.severity,
        escape_text(&finding.code),
        escape_text(&finding.message)
    );
    if let Some(help) = &finding.help {
        text.push_str("\nhelp: ");
        text.push_str(&escape_text(help));
    }
    for label in &finding.labels {
        let at = positions.line_col(&label.location.file, label.location.span.start());
        text = format!(
            "{text}\nnote: {} ({}:{}:{})",
            escape_text(&label.message),
            escape(report_path(&label.location.file.name)),
            at.line,
            at.column
        );
    }
    text
}

/// Escapes text for an XML 1.0 attribute value.
///
/// Besides the five predefined entities, tab, newline and carriage return are written as
/// character references so that attribute-value normalisation keeps them.
fn escape(text: &str) -> String {
    escape_with(text, true)
}

/// Escapes text for XML 1.0 element content, where tabs and newlines stay as they are.
fn escape_text(text: &str) -> String {
    escape_with(text, false)
}

/// Characters outside XML 1.0's `Char` production are dropped, since no escape can carry them.
/// A carriage return is always a reference: a literal one would be normalised away.
fn escape_with(text: &str, attribute: bool) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\r' => escaped.push_str("&#13;"),
            '\t' if attribute => escaped.push_str("&#9;"),
            '\n' if attribute => escaped.push_str("&#10;"),
            '\t' | '\n' => escaped.push(c),
            c if is_xml_char(c) => escaped.push(c),
            _ => {}
        }
    }
    escaped
}

/// XML 1.0's `Char` production, without the whitespace handled by [`escape`].
const fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Location;
    use crate::source::Span;

    #[test]
    fn escapes_markup_and_drops_what_xml_cannot_carry() {
        assert_eq!(escape(r#"a<b>&"c"'d'"#), "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;");
        assert_eq!(escape("x\u{0}y\u{1b}z\u{FFFE}"), "xyz");
        assert_eq!(escape("1\n2\t3\r"), "1&#10;2&#9;3&#13;");
        assert_eq!(escape("]]>"), "]]&gt;");
        assert_eq!(escape("ü 😀"), "ü 😀");
        assert_eq!(escape_text("1\n2\t3\r<"), "1\n2\t3&#13;&lt;");
    }

    #[test]
    fn a_line_break_in_a_file_name_is_a_reference_in_element_text_too() {
        let file = Arc::new(SourceFile::new("x\n::error::pwned\r\n##[group]a.yaml", "kind: Instance\n"));
        let label = Location::new(Arc::clone(&file), Span::new(0, 4));
        let finding = Finding::new(
            "S002",
            "schema-violation",
            Severity::Error,
            "a <message>",
            Location::new(Arc::clone(&file), Span::new(6, 14)),
        )
        .with_help("first line\nsecond line")
        .with_label(label, "see & here");
        let mut out = Vec::new();
        render_junit(&mut out, &[finding], &[file]).unwrap_or_else(|e| panic!("{e}"));
        let out = String::from_utf8(out).unwrap_or_else(|e| panic!("{e}"));
        for line in out.lines() {
            assert!(!line.trim_start().starts_with("::") && !line.starts_with("##["), "{line:?} in\n{out}");
        }
        let name = "x&#10;::error::pwned&#13;&#10;##[group]a.yaml";
        assert!(out.contains(&format!(">{name}:1:7: error[S002] a &lt;message&gt;\nhelp: first line\nsecond line\nnote: see &amp; here ({name}:1:1)</failure>")), "{out}");
    }
}
