//! SARIF 2.1.0, the format of GitHub code scanning and most IDE result viewers.
//!
//! One run whose driver is ecslint and lists the rules it was given, then one result per
//! finding. Regions are exact: lines and columns are 1-based, columns and `charOffset`/`charLength`
//! count Unicode code points (the run says so with `columnKind: unicodeCodePoints`), and
//! `endColumn` is exclusive, as SARIF defines it, so an empty span has `endColumn == startColumn`.
//! Secondary labels become `relatedLocations`; `partialFingerprints` carries the
//! line-independent fingerprint of [`super::fingerprint`]. Suppressed findings carry
//! `result.suppressions` (kind `inSource`, the comment's reason as the justification).

use super::fingerprint::{FINGERPRINT_KEY, fingerprints, report_path};
use super::position::Positions;
use super::{Finding, Location, RuleInfo, Severity};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::io::{self, Write};

/// The schema URI every SARIF 2.1.0 log names.
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Writes one SARIF log holding one run: `rules` become `tool.driver.rules`, `findings` the results.
pub fn render_sarif(out: &mut dyn Write, findings: &[Finding], rules: &[RuleInfo]) -> io::Result<()> {
    let mut rule_index: HashMap<&str, usize> = HashMap::new();
    for (index, rule) in rules.iter().enumerate() {
        rule_index.entry(rule.code.as_str()).or_insert(index);
    }
    // One index of character positions per file, shared by all of its findings.
    let mut positions = Positions::new();
    let results: Vec<Value> = findings
        .iter()
        .zip(fingerprints(findings))
        .map(|(finding, fingerprint)| {
            let index = rule_index.get(finding.code.as_str()).copied();
            result(finding, index, &fingerprint, &mut positions)
        })
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ecslint",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules.iter().map(rule_descriptor).collect::<Vec<_>>(),
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

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
            json!({"text": rule.description, "markdown": rule.description}),
        );
    }
    if !rule.fix.is_empty() {
        descriptor.insert("help".into(), json!({"text": rule.fix, "markdown": rule.fix}));
    }
    descriptor.insert(
        "defaultConfiguration".into(),
        json!({"enabled": rule.enabled, "level": level(rule.severity)}),
    );
    Value::Object(descriptor)
}

fn result(
    finding: &Finding,
    rule_index: Option<usize>,
    fingerprint: &str,
    positions: &mut Positions,
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
    primary.insert("physicalLocation".into(), physical_location(&finding.location, positions));
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
                    "physicalLocation": physical_location(&label.location, positions),
                    "message": {"text": label.message},
                })
            })
            .collect();
        result.insert("relatedLocations".into(), json!(related));
    }
    result.insert("partialFingerprints".into(), json!({FINGERPRINT_KEY: fingerprint}));
    if let Some(suppression) = &finding.suppression {
        let mut entry = Map::new();
        entry.insert("kind".into(), json!("inSource"));
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
        properties.insert("data".into(), Value::Object(finding.data.clone()));
    }
    result.insert("properties".into(), Value::Object(properties));
    Value::Object(result)
}

fn physical_location(location: &Location, positions: &mut Positions) -> Value {
    let file = &location.file;
    let span = location.span;
    let start = positions.line_col(file, span.start);
    let end = positions.line_col(file, span.end);
    let char_offset = positions.char_offset(file, span.start);
    let char_end = positions.char_offset(file, span.end.max(span.start));
    json!({
        "artifactLocation": {"uri": artifact_uri(&location.file.name)},
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

/// A file name as an RFC 3986 URI reference: relative names stay relative (`/` separators),
/// absolute ones become `file://` URIs, and every byte outside the unreserved characters,
/// the sub-delimiters, `@` and `/` is percent-encoded. In a relative reference `:` is encoded
/// too, because in the first segment it would read as a scheme.
fn artifact_uri(name: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let path = report_path(name);
    let bytes = path.as_bytes();
    let drive = matches!(bytes, [letter, b':', b'/', ..] if letter.is_ascii_alphabetic());
    let mut uri = String::with_capacity(path.len() + 8);
    if path.starts_with('/') {
        uri.push_str("file://");
    } else if drive {
        // A Windows drive path such as `C:/specs/a.yaml`.
        uri.push_str("file:///");
    }
    let absolute = !uri.is_empty();
    for &byte in bytes {
        if byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@/".contains(&byte) || (absolute && byte == b':')
        {
            uri.push(char::from(byte));
        } else {
            uri.push('%');
            uri.push(char::from(HEX[usize::from(byte >> 4)]));
            uri.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded_references() {
        assert_eq!(artifact_uri("specs/web app.yaml"), "specs/web%20app.yaml");
        assert_eq!(artifact_uri("./specs/a.yaml"), "specs/a.yaml");
        assert_eq!(artifact_uri("a:b/ü%.yaml"), "a%3Ab/%C3%BC%25.yaml");
        assert_eq!(artifact_uri("/srv/specs/a.yaml"), "file:///srv/specs/a.yaml");
        assert_eq!(artifact_uri("C:/specs/a.yaml"), "file:///C:/specs/a.yaml");
        assert_eq!(artifact_uri("<stdin>"), "%3Cstdin%3E");
        assert_eq!(artifact_uri("c:x.yaml"), "c%3Ax.yaml");
    }
}
