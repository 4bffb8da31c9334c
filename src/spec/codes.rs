//! The built-in structural codes (S001-S011), which are code rather than CEL.

use crate::diag::{Finding, Location, Severity};
use crate::source::{PathSegment, Span};

/// A built-in code with its fixed name and default severity (DESIGN §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Code {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
}

impl Code {
    pub fn finding(self, message: impl Into<String>, location: Location) -> Finding {
        Finding::new(self.code, self.name, self.severity, message, location)
    }

    /// A finding on the field at `path` of `resource`, with a short label under it.
    pub fn on_field(
        self,
        resource: &super::Resource,
        path: Vec<PathSegment>,
        message: impl Into<String>,
        label: &str,
    ) -> Finding {
        self.finding(message, resource.location(&path))
            .with_primary_label(label)
            .with_resource(resource.reference())
            .with_path(path)
    }
}

pub const PARSE_ERROR: Code = Code { code: "S001", name: "parse-error", severity: Severity::Error };

/// The S001 finding of a syntax error in `file`, with its help and labels.
pub fn parse_error(
    file: &std::sync::Arc<crate::source::SourceFile>,
    error: crate::source::SyntaxError,
) -> Finding {
    let at = |span| Location::new(std::sync::Arc::clone(file), span);
    // A merge left unresolved: the parser stops somewhere after the marker, with a message
    // about keys or quotes; the marker is what to fix.
    if let Some(marker) = conflict_marker(&file.text, error.span.start()) {
        return PARSE_ERROR
            .finding("unresolved merge conflict: the file still holds Git's conflict markers", at(marker))
            .with_primary_label("conflict marker")
            .with_label(at(error.span), format!("where parsing stopped: {}", error.message))
            .with_help("resolve the conflict: keep the lines you want and delete the `<<<<<<<`, `=======` and `>>>>>>>` lines");
    }
    let mut finding = PARSE_ERROR.finding(error.message, at(error.span));
    finding.help = error.help;
    for (span, message) in error.labels {
        finding = finding.with_label(at(span), message);
    }
    finding
}

/// The first line at or before `before` (a byte offset) that opens a Git merge conflict
/// (`<<<<<<< HEAD`): its marker's span.
fn conflict_marker(text: &str, before: usize) -> Option<Span> {
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        if start > before {
            return None;
        }
        let rest = line.strip_prefix("<<<<<<<");
        if rest.is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\r', '\n'])) {
            return Some(Span::new(start, start + 7));
        }
        start += line.len();
    }
    None
}
pub const SCHEMA_VIOLATION: Code = Code { code: "S002", name: "schema-violation", severity: Severity::Error };
pub const DUPLICATE_NAME: Code = Code { code: "S003", name: "duplicate-name", severity: Severity::Error };
pub const UNRESOLVED_IMAGE: Code =
    Code { code: "S004", name: "unresolved-image", severity: Severity::Warning };
pub const UNKNOWN_REGION: Code = Code { code: "S005", name: "unknown-region", severity: Severity::Error };
pub const UNKNOWN_ZONE: Code = Code { code: "S006", name: "unknown-zone", severity: Severity::Error };
pub const UNKNOWN_INSTANCE_TYPE: Code =
    Code { code: "S007", name: "unknown-instance-type", severity: Severity::Warning };
pub const UNUSED_SUPPRESSION: Code =
    Code { code: "S008", name: "unused-suppression", severity: Severity::Warning };
pub const IMAGE_REFERENCE_TYPO: Code =
    Code { code: "S009", name: "image-reference-typo", severity: Severity::Error };
pub const INSTANCE_TYPE_TYPO: Code =
    Code { code: "S010", name: "instance-type-typo", severity: Severity::Error };

/// A built-in check outside the structural family: an instance type of a retired family
/// (code, since a retired type is usually not in the catalog's type list at all).
pub const INSTANCE_TYPE_RETIRED: Code =
    Code { code: "R003", name: "instance-type-retired", severity: Severity::Error };

pub const UNRESOLVED_VALUE: Code = Code { code: "S011", name: "unresolved-value", severity: Severity::Info };

/// Every built-in structural code, in code order.
pub const ALL: [Code; 11] = [
    PARSE_ERROR,
    SCHEMA_VIOLATION,
    DUPLICATE_NAME,
    UNRESOLVED_IMAGE,
    UNKNOWN_REGION,
    UNKNOWN_ZONE,
    UNKNOWN_INSTANCE_TYPE,
    UNUSED_SUPPRESSION,
    IMAGE_REFERENCE_TYPO,
    INSTANCE_TYPE_TYPO,
    UNRESOLVED_VALUE,
];
