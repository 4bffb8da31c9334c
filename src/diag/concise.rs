//! One line per finding, `path:line:col: severity[CODE] message`, for editors and grep.
//!
//! The path and message are escaped ([`super::text`]): a newline or a control character in
//! a file name or a spec value cannot split the line or reach the terminal, and a path cannot
//! start the line with `::`.

use super::Finding;
use super::position::Positions;
use super::text::{display_path, escape};
use std::io::{self, Write};

pub fn render_concise(out: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    let mut positions = Positions::new();
    for finding in findings {
        let start = positions.line_col(&finding.location.file, finding.location.span.start());
        writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
            display_path(&finding.location.file.name),
            start.line,
            start.column,
            finding.severity,
            escape(&finding.code),
            escape(&finding.message)
        )?;
    }
    Ok(())
}
