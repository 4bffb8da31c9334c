//! Escaping text that a spec, a file name or a rule controls before it reaches a terminal or a
//! CI log.
//!
//! A CI runner reads the log a check prints: GitHub Actions runs any line that starts (after
//! the spaces it trims) with `::` as a workflow command, and `##[command]` anywhere in a line;
//! Azure Pipelines runs `##vso[...]` anywhere in a line.
//! A terminal obeys ESC sequences (colours, titles, hyperlinks, clearing the screen), and a
//! carriage return, a line separator or a bidi override can make a line show something other
//! than what it holds. So the human and concise renderers pass every piece of text an input
//! controls through [`escape`]: control and invisible-layout characters become visible `\n`,
//! `\r`, `\t` or `\u{…}` escapes (so one piece of text is always one line), and `##[` and
//! `##vso[` are broken as `##\[` and `##vso\[`. The renderers themselves make sure that no
//! such text starts a line: every line they print begins with a fixed prefix or with a path
//! that [`display_path`] made safe.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` must not reach a terminal or a log as it is: C0 and C1 controls, DEL, the
/// Unicode line and paragraph separators, and the bidi controls that reorder what is shown
/// (the "Trojan Source" characters).
pub const fn needs_escape(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{61c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

/// `text` with control characters escaped and `##[` and `##vso[` broken, as one line; borrowed when
/// nothing needed escaping (nearly always).
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) && !text.contains("##") {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 16);
    push_escaped(&mut escaped, text, false);
    Cow::Owned(escaped)
}

/// As [`escape`], keeping at most `max_chars` characters of `text` (then `…`): help and
/// labels quote spec values, and a rule can put a megabyte value in every finding.
pub fn escape_clipped(text: &str, max_chars: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => Cow::Owned(format!("{}…", escape(text.get(..end).unwrap_or(text)))),
        None => escape(text),
    }
}

/// Appends `text` to `out` escaped as [`escape`] does; with `keep_tabs`, tabs stay (the
/// snippet lets miette expand them to its tab stops).
pub fn push_escaped(out: &mut String, text: &str, keep_tabs: bool) {
    for c in text.chars() {
        push_char(out, c, keep_tabs);
    }
}

/// Appends one character, escaped if it must be.
pub fn push_char(out: &mut String, c: char, keep_tabs: bool) {
    match c {
        '\t' if keep_tabs => out.push('\t'),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        // `##[` anywhere in a line is a command to the Actions runner, `##vso[` to the
        // Azure Pipelines agent: a backslash breaks either.
        '[' if opens_log_command(out) => out.push_str("\\["),
        c if needs_escape(c) => {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
        c => out.push(c),
    }
}

/// Whether a `[` after `before` would open a CI log command: `##[` (GitHub Actions) or
/// `##vso[` in any case (Azure Pipelines).
pub fn opens_log_command(before: &str) -> bool {
    let bytes = before.as_bytes();
    bytes.ends_with(b"##") || bytes.len() >= 5 && bytes[bytes.len() - 5..].eq_ignore_ascii_case(b"##vso")
}

/// A file name for the start of a line: escaped, and prefixed with `./` when it would
/// otherwise begin with `:` or with a space a log reader trims (a file named
/// `::error::x.yaml` must not become a workflow command).
pub fn display_path(name: &str) -> Cow<'_, str> {
    let escaped = escape(name);
    if escaped.starts_with(|c: char| c == ':' || c.is_whitespace()) {
        Cow::Owned(format!("./{escaped}"))
    } else {
        escaped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_layout_characters_are_escaped() {
        assert_eq!(escape("plain"), "plain");
        assert!(matches!(escape("plain ü 😀"), Cow::Borrowed(_)));
        assert_eq!(escape("a\nb\r\tc"), "a\\nb\\r\\tc");
        assert_eq!(escape("\u{1b}]0;x\u{7}"), "\\u{1b}]0;x\\u{7}");
        assert_eq!(escape("\u{0}\u{7f}\u{85}\u{9b}"), "\\u{0}\\u{7f}\\u{85}\\u{9b}");
        assert_eq!(escape("x\u{2028}y\u{202e}z\u{2066}"), "x\\u{2028}y\\u{202e}z\\u{2066}");
        let mut kept = String::new();
        push_escaped(&mut kept, "a\tb\n", true);
        assert_eq!(kept, "a\tb\\n");
    }

    #[test]
    fn long_text_is_clipped() {
        assert_eq!(escape_clipped("äbc\n", 2), "äb…");
        assert_eq!(escape_clipped("a\nb", 3), "a\\nb");
    }

    #[test]
    fn runner_commands_are_broken() {
        assert_eq!(escape("x ##[group]y"), "x ##\\[group]y");
        assert_eq!(escape("###[["), "###\\[[");
        assert!(!escape("##[##[##[").contains("##["));
        assert_eq!(escape("a ##vso[task.setvariable]b ##VSO[x]"), "a ##vso\\[task.setvariable]b ##VSO\\[x]");
        assert_eq!(escape("#vso[ vso[ ##vs["), "#vso[ vso[ ##vs[");
        assert_eq!(display_path("::error::x.yaml"), "./::error::x.yaml");
        assert_eq!(display_path(" ::x"), "./ ::x");
        assert_eq!(display_path("\n::x"), "\\n::x");
        assert_eq!(display_path("specs/a.yaml"), "specs/a.yaml");
    }
}
