//! Inline suppressions in YAML comments (DESIGN §7):
//!
//! - `# ecslint-ignore F001 -- reason` suppresses the named codes on its own line, or, when
//!   the comment is alone on its line, on the next line;
//! - `# ecslint-ignore-file L003 -- reason` suppresses them in the whole file.
//!
//! Codes may be codes, names or code prefixes, comma-separated. A suppression that
//! matches no finding is reported as S008. JSON has no comments: use the config's
//! per-path ignores there.

use crate::diag::{Finding, Location, Severity, Suppression};
use crate::source::{Limits, SourceFile, Span};
use crate::spec::codes;
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;

/// One suppression comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    pub span: Span,
    /// 1-based line the comment is on.
    pub line: usize,
    /// The lines it covers (empty for a file-wide directive).
    pub lines: Vec<usize>,
    pub file_wide: bool,
    pub codes: Vec<String>,
    pub reason: Option<String>,
}

/// Finds the suppression comments of a YAML file.
///
/// Only real comments count: a `#` inside a scalar (a quoted string, a `|` block) is text,
/// and a directive there would let a spec value switch rules off. The YAML parser says
/// where every scalar lies; past a syntax error (the file is S001 anyway) every `#`
/// preceded by a blank is taken for a comment, as the parser would have if it went on.
pub fn directives(file: &SourceFile) -> Vec<Directive> {
    let mut found = Vec::new();
    // Most files have none: one substring search rules them out without a parse.
    if !file.text.contains("ecslint-ignore") {
        return found;
    }
    let text = &file.text;
    let (scalars, parsed) = crate::source::scalar_spans(text, Limits::default());
    let known_to = parsed.map_or_else(|error| error.span.start, |()| text.len());
    let is_text = |at: usize| {
        let before = scalars.partition_point(|s| s.start <= at);
        at < known_to && before > 0 && scalars.get(before - 1).is_some_and(|s| at < s.end)
    };
    // Lines as the LineIndex counts them (CR, LF and CRLF each end one), so a directive's
    // line is the line findings are reported on.
    let count = file.lines.line_count();
    for number in 1..=count {
        let start = file.lines.offset(text, number, 0);
        let end = if number < count { file.lines.offset(text, number + 1, 0) } else { text.len() };
        let Some(line) = text.get(start..end) else { continue };
        if let Some(directive) = parse_line(line, start, number, &is_text) {
            found.push(directive);
        }
    }
    found
}

/// The directive in a comment of `line` (which starts at byte `offset` of the file), if any;
/// `is_text` tells a `#` inside a scalar by its byte offset in the file.
fn parse_line(
    line: &str,
    offset: usize,
    number: usize,
    is_text: &dyn Fn(usize) -> bool,
) -> Option<Directive> {
    let mut search = 0;
    let hash = loop {
        let at = search + line.get(search..)?.find('#')?;
        let preceded_by_space = at == 0 || line[..at].ends_with([' ', '\t']);
        if preceded_by_space
            && !is_text(offset + at)
            && line[at + 1..].trim_start().starts_with("ecslint-ignore")
        {
            break at;
        }
        search = at + 1;
    };
    let comment = line[hash..].trim_end();
    let body = comment[1..].trim_start();
    let (file_wide, rest) = match body.strip_prefix("ecslint-ignore-file") {
        Some(rest) => (true, rest),
        None => (false, body.strip_prefix("ecslint-ignore")?),
    };
    if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
        return None;
    }
    let (codes_text, reason) = match rest.split_once("--") {
        Some((codes, reason)) => (codes, Some(reason.trim().to_string()).filter(|r| !r.is_empty())),
        None => (rest, None),
    };
    let codes: Vec<String> = codes_text
        .split([',', ' ', '\t'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect();
    let alone = line[..hash].trim().is_empty();
    let lines = if file_wide {
        Vec::new()
    } else if alone {
        vec![number, number + 1]
    } else {
        vec![number]
    };
    let start = offset + hash;
    Some(Directive {
        span: Span::new(start, start + comment.len()),
        line: number,
        lines,
        file_wide,
        codes,
        reason,
    })
}

/// Whether a selector in a comment names a finding: code, name, or code prefix.
fn names(selector: &str, finding: &Finding) -> bool {
    crate::diag::selector_matches(selector, &finding.code, &finding.name)
}

/// Marks suppressed findings and reports unused suppressions (S008) when enabled.
/// `dormant` says of a code in a comment that the rules it names cannot fire in this run
/// (disabled, or firing only on other check dates): such a code is not called unused,
/// since removing the comment would let the finding back in another run.
pub fn apply(
    findings: &mut [Finding],
    files: &[Arc<SourceFile>],
    s008: Option<Severity>,
    dormant: &(dyn Fn(&str) -> bool + Sync),
) -> Vec<Finding> {
    let mut unused = Vec::new();
    // Scanning every file for comments is the costly part: on every core.
    let scanned: Vec<(&Arc<SourceFile>, Vec<Directive>)> = files
        .par_iter()
        .filter(|file| crate::source::Format::from_name(&file.name) == crate::source::Format::Yaml)
        .map(|file| (file, directives(file)))
        .filter(|(_, directives)| !directives.is_empty())
        .collect();
    if scanned.is_empty() {
        return unused;
    }
    let mut by_file: HashMap<String, Vec<usize>> = HashMap::new();
    for (index, finding) in findings.iter().enumerate() {
        let name = &finding.location.file.name;
        if let Some(indices) = by_file.get_mut(name) {
            indices.push(index);
        } else {
            by_file.insert(name.clone(), vec![index]);
        }
    }
    for (file, directives) in scanned {
        let indices = by_file.get(&file.name).cloned().unwrap_or_default();
        for directive in &directives {
            let mut used = vec![false; directive.codes.len()];
            for &index in &indices {
                let Some(finding) = findings.get_mut(index) else { continue };
                let line = finding.location.start().line;
                if !directive.file_wide && !directive.lines.contains(&line) {
                    continue;
                }
                if let Some(position) = directive.codes.iter().position(|c| names(c, finding)) {
                    used[position] = true;
                    finding.suppression.get_or_insert(Suppression {
                        scope: if directive.file_wide { "file" } else { "line" },
                        reason: directive.reason.clone(),
                    });
                }
            }
            let Some(severity) = s008 else { continue };
            let stale: Vec<&str> = directive
                .codes
                .iter()
                .zip(&used)
                .filter(|(c, u)| !**u && !dormant(c))
                .map(|(c, _)| c.as_str())
                .collect();
            if directive.codes.is_empty() || !stale.is_empty() {
                let what = if directive.codes.is_empty() {
                    "names no code".to_string()
                } else {
                    format!("matched no {} finding", stale.join(", "))
                };
                let mut finding = codes::UNUSED_SUPPRESSION
                    .finding(format!("suppression {what}"), Location::new(Arc::clone(file), directive.span))
                    .with_primary_label("unused suppression")
                    .with_help("remove the comment, or fix the code it names");
                finding.severity = severity;
                unused.push(finding);
            }
        }
    }
    unused
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_line_and_file_directives() {
        let file = SourceFile::new(
            "a.yaml",
            "# ecslint-ignore-file L003 -- legacy fleet\nimage: x # ecslint-ignore F001, A001 -- paid on purpose\n  # ecslint-ignore S004\nname: '# ecslint-ignore A001'\n",
        );
        let found = directives(&file);
        assert_eq!(found.len(), 3);
        assert!(found[0].file_wide);
        assert_eq!(found[0].codes, ["L003"]);
        assert_eq!(found[0].reason.as_deref(), Some("legacy fleet"));
        assert_eq!(found[1].codes, ["F001", "A001"]);
        assert_eq!(found[1].lines, [2]);
        assert_eq!(
            &file.text[found[1].span.start..found[1].span.end],
            "# ecslint-ignore F001, A001 -- paid on purpose"
        );
        assert_eq!(found[2].lines, [3, 4]);
        assert_eq!(found[2].reason, None);
    }

    #[test]
    fn ignores_lookalikes() {
        let file = SourceFile::new("a.yaml", "a: b#ecslint-ignore A001\nc: 1 # ecslint-ignored A001\n");
        assert!(directives(&file).is_empty());
    }
}
