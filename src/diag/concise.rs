//! One line per finding, `path:line:col: severity[CODE] message`, for editors and grep.

use super::Finding;
use std::io::{self, Write};

pub fn render_concise(out: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    for finding in findings {
        let start = finding.location.start();
        writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
            finding.location.file.name,
            start.line,
            start.column,
            finding.severity,
            finding.code,
            finding.message
        )?;
    }
    Ok(())
}
