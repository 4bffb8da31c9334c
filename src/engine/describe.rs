//! The Markdown documentation of a rule, as `explain` and SARIF show it. Shared, file for
//! file, with `build.rs`, which writes it for every built-in rule (`BUILTIN_DESCRIPTIONS`):
//! formatting them at every start was 0.13 M instructions of a one-file check.

use std::fmt::Write as _;

/// The documentation from the rule's `docs`: `[summary, why, example, fix]`, then the
/// optional notes and source.
pub fn markdown(sections: [&str; 4], notes: Option<&str>, source: Option<&str>) -> String {
    let [summary, why, example, fix] = sections;
    let mut text = format!(
        "## What it does\n{}\n\n## Why\n{}\n\n## Example\n```yaml\n{}\n```\n\n## Fix\n{}\n",
        summary.trim(),
        why.trim(),
        example.trim_end(),
        fix.trim()
    );
    if let Some(notes) = notes {
        let _ = write!(text, "\n## Notes\n{}\n", notes.trim());
    }
    if let Some(source) = source {
        let _ = write!(text, "\n## Source\n{}\n", source.trim());
    }
    text
}
