//! SARIF 2.1.0, the format of GitHub code scanning and most IDE result viewers.
//!
//! One run whose driver is ecslint and lists the rules it was given, then one result per
//! finding. Regions are exact: lines and columns are 1-based, columns and `charOffset`/`charLength`
//! count Unicode code points (the run says so with `columnKind: unicodeCodePoints`), and
//! `endColumn` is exclusive, as SARIF defines it, so an empty span has `endColumn == startColumn`.
//! Secondary labels become `relatedLocations`; `partialFingerprints` carries the
//! line-independent fingerprint of [`super::fingerprint`]. Suppressed findings carry
//! `result.suppressions` (kind `inSource`, the comment's reason as the justification).
//!
//! Artifact paths are relative to `%SRCROOT%`, the repository's root ([`ReportRoot`]), as GitHub code
//! scanning matches them against repository paths: never a `file://` URI of the machine that
//! ran the check. The root's own location is left out of `originalUriBaseIds` for the same
//! reason; the consumer knows where it checked the repository out. A rule's `help` carries its
//! documentation as Markdown, and as plain text for viewers that show only text.

use super::fingerprint::{FINGERPRINT_KEY, ReportRoot, fingerprints};
use super::position::Positions;
use super::{Finding, Location, RuleInfo, Severity};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::io::{self, Write};

/// The schema URI every SARIF 2.1.0 log names.
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The name SARIF gives the project root.
const SRCROOT: &str = "%SRCROOT%";

/// Writes one SARIF log holding one run: `rules` become `tool.driver.rules`, `findings` the
/// results, with artifact paths relative to `root`.
pub fn render_sarif(
    out: &mut dyn Write,
    findings: &[Finding],
    rules: &[RuleInfo],
    root: ReportRoot<'_>,
) -> io::Result<()> {
    let mut rule_index: HashMap<&str, usize> = HashMap::new();
    for (index, rule) in rules.iter().enumerate() {
        rule_index.entry(rule.code.as_str()).or_insert(index);
    }
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ecslint",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules.iter().map(rule_descriptor).collect::<Vec<_>>(),
            }},
            "originalUriBaseIds": {SRCROOT: {"description": {"text": "The root of the checked project"}}},
            "columnKind": "unicodeCodePoints",
            "results": [],
        }],
    });
    // The results are written one by one into the pretty-printed log, never held as one
    // tree: 200,000 findings made a 2.8 GB tree for a 324 MB report. Each result is
    // printed as `serde_json` prints an element of `results`, so the text is the same.
    let frame = serde_json::to_string_pretty(&log)?;
    let (head, tail) = frame.split_once(RESULTS_EMPTY).ok_or_else(|| io::Error::other("SARIF frame"))?;
    out.write_all(head.as_bytes())?;
    out.write_all(b"\"results\": [")?;
    // One index of character positions per file, shared by all of its findings.
    let mut positions = Positions::new();
    let mut text = String::new();
    for (n, (finding, fingerprint)) in findings.iter().zip(fingerprints(findings, root)).enumerate() {
        let index = rule_index.get(finding.code.as_str()).copied();
        let value = result(finding, index, &fingerprint, &mut Context { positions: &mut positions, root });
        text.clear();
        text.push_str(if n == 0 { "\n" } else { ",\n" });
        for (i, line) in serde_json::to_string_pretty(&value)?.lines().enumerate() {
            if i > 0 {
                text.push('\n');
            }
            text.push_str(RESULT_INDENT);
            text.push_str(line);
        }
        out.write_all(text.as_bytes())?;
    }
    out.write_all(if findings.is_empty() { b"]" } else { b"\n      ]" })?;
    out.write_all(tail.as_bytes())?;
    writeln!(out)
}

/// `results` as the frame prints it before the results are streamed in.
const RESULTS_EMPTY: &str = "\"results\": []";
/// The indentation of an element of `runs[0].results` in `serde_json`'s pretty print.
const RESULT_INDENT: &str = "        ";

/// SARIF's name for a severity.
const fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn rule_descriptor(rule: &RuleInfo) -> Value {
    let mut descriptor = Map::new();
    descriptor.insert("id".into(), json!(rule.code));
    descriptor.insert("name".into(), json!(rule.name));
    if !rule.summary.is_empty() {
        descriptor.insert("shortDescription".into(), json!({"text": rule.summary}));
    }
    if !rule.description.is_empty() {
        descriptor.insert(
            "fullDescription".into(),
            json!({"text": plain_text(&rule.description), "markdown": rule.description}),
        );
    }
    if !rule.fix.is_empty() {
        descriptor.insert("help".into(), json!({"text": plain_text(&rule.fix), "markdown": rule.fix}));
    }
    descriptor.insert(
        "defaultConfiguration".into(),
        json!({"enabled": rule.enabled, "level": level(rule.severity)}),
    );
    Value::Object(descriptor)
}

/// What every location of a log needs.
struct Context<'a, 'b> {
    positions: &'a mut Positions,
    root: ReportRoot<'b>,
}

fn result(
    finding: &Finding,
    rule_index: Option<usize>,
    fingerprint: &str,
    context: &mut Context<'_, '_>,
) -> Value {
    let mut result = Map::new();
    result.insert("ruleId".into(), json!(finding.code));
    if let Some(index) = rule_index {
        result.insert("ruleIndex".into(), json!(index));
    }
    result.insert("level".into(), json!(level(finding.severity)));
    let text = match &finding.help {
        Some(help) => format!("{}\nhelp: {help}", finding.message),
        None => finding.message.clone(),
    };
    result.insert("message".into(), json!({"text": text}));

    let mut primary = Map::new();
    primary.insert("physicalLocation".into(), physical_location(&finding.location, context));
    if let Some(resource) = &finding.resource {
        primary.insert(
            "logicalLocations".into(),
            json!([{
                "name": resource.name,
                "fullyQualifiedName": format!("{}/{}", resource.kind, resource.name),
                "kind": "resource",
            }]),
        );
    }
    if let Some(label) = &finding.label {
        primary.insert("message".into(), json!({"text": label}));
    }
    result.insert("locations".into(), json!([primary]));

    if !finding.labels.is_empty() {
        let related: Vec<Value> = finding
            .labels
            .iter()
            .enumerate()
            .map(|(id, label)| {
                json!({
                    "id": id,
                    "physicalLocation": physical_location(&label.location, context),
                    "message": {"text": label.message},
                })
            })
            .collect();
        result.insert("relatedLocations".into(), json!(related));
    }
    result.insert("partialFingerprints".into(), json!({FINGERPRINT_KEY: fingerprint}));
    if let Some(suppression) = &finding.suppression {
        let mut entry = Map::new();
        // The config's per-path ignores live outside the source: SARIF's `external`.
        entry.insert(
            "kind".into(),
            json!(if suppression.scope == "config" { "external" } else { "inSource" }),
        );
        if let Some(reason) = &suppression.reason {
            entry.insert("justification".into(), json!(reason));
        }
        result.insert("suppressions".into(), json!([entry]));
    }

    let mut properties = Map::new();
    properties.insert("name".into(), json!(finding.name));
    if let Some(help) = &finding.help {
        properties.insert("help".into(), json!(help));
    }
    if !finding.path.is_empty() {
        let path: Vec<String> = finding.path.iter().map(ToString::to_string).collect();
        properties.insert("fieldPath".into(), json!(path.join(".")));
    }
    if !finding.data.is_empty() {
        properties.insert("data".into(), Value::Object(finding.data.to_map()));
    }
    result.insert("properties".into(), Value::Object(properties));
    Value::Object(result)
}

fn physical_location(location: &Location, context: &mut Context<'_, '_>) -> Value {
    let positions = &mut *context.positions;
    let file = &location.file;
    let span = location.span;
    let start = positions.line_col(file, span.start());
    let end = positions.line_col(file, span.end());
    let char_offset = positions.char_offset(file, span.start());
    let char_end = positions.char_offset(file, span.end().max(span.start()));
    json!({
        "artifactLocation": {
            "uri": artifact_uri(&context.root.path(&location.file.name)),
            "uriBaseId": SRCROOT,
        },
        "region": {
            "startLine": start.line,
            "startColumn": start.column,
            "endLine": end.line,
            "endColumn": end.column,
            "charOffset": char_offset,
            "charLength": char_end.saturating_sub(char_offset),
        },
    })
}

/// A relative path as an RFC 3986 relative reference: `/` separators stay, and every byte
/// outside the unreserved characters, the sub-delimiters and `@` is percent-encoded, `:` too
/// (in the first segment it would read as a scheme).
fn artifact_uri(path: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut uri = String::with_capacity(path.len() + 8);
    for &byte in path.as_bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@/".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push('%');
            uri.push(char::from(HEX[usize::from(byte >> 4)]));
            uri.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
    uri
}

/// Markdown as plain text: code spans and emphasis lose their marks, links show their
/// address after the text, fences and heading marks go.
fn plain_text(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            continue;
        }
        let line = line.trim_start_matches('#').trim_start_matches(' ').replace("**", "").replace('`', "");
        let mut rest = line.as_str();
        // `[text](address)` -> `text (address)`
        while let Some((before, after)) = rest.split_once('[') {
            let Some((label, after)) = after.split_once("](") else { break };
            let Some((address, tail)) = after.split_once(')') else { break };
            text.push_str(before);
            text.push_str(label);
            text.push_str(" (");
            text.push_str(address);
            text.push(')');
            rest = tail;
        }
        text.push_str(rest);
        text.push('\n');
    }
    text.truncate(text.trim_end().len());
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded_relative_references() {
        assert_eq!(artifact_uri("specs/web app.yaml"), "specs/web%20app.yaml");
        assert_eq!(artifact_uri("a:b/ü%.yaml"), "a%3Ab/%C3%BC%25.yaml");
        assert_eq!(artifact_uri("<stdin>"), "%3Cstdin%3E");
        assert_eq!(artifact_uri("c:x.yaml"), "c%3Ax.yaml");
    }

    #[test]
    fn markdown_becomes_plain_text() {
        assert_eq!(
            plain_text(
                "## Fix\nUse `ecs.g7` or **see** [the docs](https://x.y/z).\n```yaml\nkind: Image\n```\n"
            ),
            "Fix\nUse ecs.g7 or see the docs (https://x.y/z).\nkind: Image"
        );
    }
}
