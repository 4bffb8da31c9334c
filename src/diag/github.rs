//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` line per finding,
//! which the runner turns into annotations on the pull request's diff.
//!
//! `::error file=PATH,line=L,endLine=EL,col=C,endColumn=EC,title=CODE name::MESSAGE`.
//! GitHub's `endColumn` is inclusive (it defaults to `col`, a one-character annotation), so it is
//! the column of the span's last character. Columns are only sent when the span lies on one line,
//! since annotations ignore them otherwise. The message is followed by the help and the secondary
//! labels on lines of their own.
//!
//! Escaping follows the runner's parser: in the message `%`, CR and LF become `%25`, `%0D`
//! and `%0A`; property values also turn `:` into `%3A` and `,` into `%2C`, which would
//! otherwise end the property or the property list.

use super::fingerprint::ReportRoot;
use super::position::Positions;
use super::{Finding, Severity};
use std::fmt::Write as _;
use std::io::{self, Write};

/// Writes one workflow command per finding.
pub fn render_github(out: &mut dyn Write, findings: &[Finding], root: ReportRoot<'_>) -> io::Result<()> {
    let mut positions = Positions::new();
    for finding in findings {
        writeln!(out, "{}", command(finding, &mut positions, root))?;
    }
    Ok(())
}

/// The annotation command of a severity.
const fn command_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

fn command(finding: &Finding, positions: &mut Positions, root: ReportRoot<'_>) -> String {
    let file = &finding.location.file;
    let start = positions.line_col(file, finding.location.span.start());
    let end = positions.line_col(file, finding.location.span.end());
    let mut properties = vec![
        ("file", escape_property(&root.path(&finding.location.file.name))),
        ("line", start.line.to_string()),
        ("endLine", end.line.max(start.line).to_string()),
    ];
    if end.line == start.line {
        let last = if finding.location.span.is_empty() { start.column } else { end.column - 1 };
        properties.push(("col", start.column.to_string()));
        properties.push(("endColumn", last.max(start.column).to_string()));
    }
    properties.push(("title", escape_property(&format!("{} {}", finding.code, finding.name))));
    let properties: Vec<String> =
        properties.into_iter().map(|(key, value)| format!("{key}={value}")).collect();

    let mut message = finding.message.clone();
    if let Some(help) = &finding.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    for label in &finding.labels {
        let at = positions.line_col(&label.location.file, label.location.span.start());
        let at_file = root.path(&label.location.file.name);
        message = format!("{message}\nnote: {} ({at_file}:{}:{})", label.message, at.line, at.column);
    }
    format!("::{} {}::{}", command_name(finding.severity), properties.join(","), escape_data(&message))
}

/// Escapes a command's message. Beyond the runner's own escapes (`%`, CR, LF), other
/// control characters (an ESC from a file name would reach the log raw) are written as
/// `%XX` and the `[` of `##[` and `##vso[` as `%5B`, which the runner shows as they are
/// instead of obeying: it honours `##[command]` (and Azure `##vso[command]`) anywhere in a
/// line.
fn escape_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '[' if super::text::opens_log_command(&out) => out.push_str("%5B"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if super::text::needs_escape(c) => {
                let mut buf = [0; 4];
                for byte in c.encode_utf8(&mut buf).bytes() {
                    let _ = write!(out, "%{byte:02X}");
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Escapes a property value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_data_and_properties() {
        assert_eq!(escape_data("50%\r\na: b, c"), "50%25%0D%0Aa: b, c");
        assert_eq!(escape_property("50%\na: b, c"), "50%25%0Aa%3A b%2C c");
        // What a hostile file name or spec value could smuggle into the log.
        assert_eq!(escape_property("x\u{1b}[31m##[group]a.yaml"), "x%1B[31m##%5Bgroup]a.yaml");
        assert_eq!(escape_data("##vso[task.complete]##Vso[x]"), "##vso%5Btask.complete]##Vso%5Bx]");
        assert_eq!(escape_data("a\u{202e}b\u{7f}"), "a%E2%80%AEb%7F");
    }
}
