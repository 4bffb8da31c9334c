//! Inline suppressions in YAML and HCL comments (DESIGN §7):
//!
//! - `# ecslint-ignore F001 -- reason` suppresses the named codes on its own line, or, when
//!   the comment is alone on its line, on the next line;
//! - `# ecslint-ignore-file L003 -- reason` suppresses them in the whole file.
//!
//! In HCL (`.tf`, `.tfvars`, `.pkr.hcl`, `.pkrvars.hcl`) a `//` line comment works as `#`
//! does. Codes may be codes, names or code prefixes, comma-separated. A suppression that
//! matches no finding is reported as S008. JSON has no comments: use the config's
//! per-path ignores there.

use crate::diag::{Finding, Location, Severity, Suppression};
use crate::source::{Limits, SourceFile, Span};
use crate::spec::codes;
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;

/// What a code in a suppression names in this run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Named {
    /// No rule: a typo, or a reason written without `--` before it.
    Nothing,
    /// Only rules that cannot fire in this run (disabled, or dated: see `check::named_by`).
    Dormant,
    /// A rule that may fire.
    Live,
}

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

/// Finds the suppression comments of a YAML or HCL file.
pub fn directives(file: &SourceFile) -> Vec<Directive> {
    // Most files have none: one substring search rules them out without a parse.
    if !file.text.contains("ecslint-ignore") {
        return Vec::new();
    }
    match file.format() {
        crate::source::Format::Hcl => hcl_directives(file),
        crate::source::Format::Yaml => yaml_directives(file),
        crate::source::Format::Json => Vec::new(),
    }
}

/// Finds the suppression comments of a YAML file.
///
/// Only real comments count: a `#` inside a scalar (a quoted string, a `|` block) is text,
/// and a directive there would let a spec value switch rules off. The YAML parser says
/// where every scalar lies; past a syntax error (the file is S001 anyway) every `#`
/// preceded by a blank is taken for a comment, as the parser would have if it went on.
fn yaml_directives(file: &SourceFile) -> Vec<Directive> {
    let mut found = Vec::new();
    let text = &file.text;
    let (scalars, parsed) = crate::source::scalar_spans(text, Limits::default());
    let known_to = parsed.map_or_else(|error| error.span.start(), |()| text.len());
    let is_text = |at: usize| {
        let before = scalars.partition_point(|s| s.start() <= at);
        at < known_to && before > 0 && scalars.get(before - 1).is_some_and(|s| at < s.end())
    };
    // Lines as the LineIndex counts them (CR, LF and CRLF each end one), so a directive's
    // line is the line findings are reported on.
    let count = file.lines().line_count();
    for number in 1..=count {
        let start = file.lines().offset(text, number, 0);
        let end = if number < count { file.lines().offset(text, number + 1, 0) } else { text.len() };
        let Some(line) = text.get(start..end) else { continue };
        if let Some(directive) = parse_line(line, start, number, &is_text) {
            found.push(directive);
        }
    }
    found
}

/// Finds the suppression comments of an HCL file: `#` and `//` line comments, outside
/// strings, heredocs and `/* */` comments (see [`hcl_line_comments`]).
fn hcl_directives(file: &SourceFile) -> Vec<Directive> {
    let text = &file.text;
    let mut found = Vec::new();
    for (start, marker) in hcl_line_comments(text) {
        let end = text[start..].find(['\n', '\r']).map_or(text.len(), |n| start + n);
        let number = file.lines().line_col(text, start).line;
        let line_start = file.lines().offset(text, number, 0);
        let (Some(before), Some(comment)) = (text.get(line_start..start), text.get(start..end)) else {
            continue;
        };
        let body = &comment[marker..];
        if !body.trim_start().starts_with("ecslint-ignore") {
            continue;
        }
        if let Some(directive) = directive(comment, marker, before.trim().is_empty(), start, number) {
            found.push(directive);
        }
    }
    found
}

/// The byte offsets of the line comments of HCL `text` with the length of their marker
/// (1 for `#`, 2 for `//`). A small scanner: quoted strings (with `${ }` and `%{ }`
/// templates, which may hold strings), heredocs and `/* */` comments are skipped. On a
/// file that does not lex (an unterminated string) it stops: the file is S001 anyway.
pub fn hcl_line_comments(text: &str) -> Vec<(usize, usize)> {
    /// What the scanner is inside: code (with the template braces open at this level) or
    /// a quoted string.
    enum In {
        Code(usize),
        Str,
    }
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut stack = vec![In::Code(0)];
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        match stack.last_mut() {
            Some(In::Str) => match byte {
                b'\\' => i += 1,
                b'"' => {
                    stack.pop();
                }
                b'$' | b'%'
                    if bytes.get(i + 1) == Some(&b'{') && bytes.get(i.wrapping_sub(1)) != Some(&byte) =>
                {
                    stack.push(In::Code(0));
                    i += 1;
                }
                b'\n' => {
                    // An unterminated string: HCL strings are one line.
                    stack.pop();
                }
                _ => {}
            },
            Some(In::Code(depth)) => match byte {
                b'"' => stack.push(In::Str),
                b'{' => *depth += 1,
                b'}' => {
                    if *depth == 0 {
                        if stack.len() > 1 {
                            stack.pop();
                        }
                    } else {
                        *depth -= 1;
                    }
                }
                b'#' => {
                    found.push((i, 1));
                    i = skip_line(bytes, i);
                    continue;
                }
                b'/' if bytes.get(i + 1) == Some(&b'/') => {
                    found.push((i, 2));
                    i = skip_line(bytes, i);
                    continue;
                }
                b'/' if bytes.get(i + 1) == Some(&b'*') => {
                    i = text[i + 2..].find("*/").map_or(bytes.len(), |n| i + 2 + n + 2);
                    continue;
                }
                b'<' if bytes.get(i + 1) == Some(&b'<') => {
                    if let Some(end) = heredoc_end(text, i) {
                        i = end;
                        continue;
                    }
                    i += 1;
                }
                _ => {}
            },
            None => break,
        }
        i += 1;
    }
    found
}

/// The offset just past the line at `i` (its newline excluded).
fn skip_line(bytes: &[u8], i: usize) -> usize {
    bytes[i..].iter().position(|&b| b == b'\n' || b == b'\r').map_or(bytes.len(), |n| i + n)
}

/// When a heredoc (`<<EOF` or `<<-EOF`) starts at `i`, the offset past its closing line.
fn heredoc_end(text: &str, i: usize) -> Option<usize> {
    let rest = text.get(i + 2..)?;
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let name_len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
    let name = &rest[..name_len];
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        return None;
    }
    let after_name = text.len() - rest.len() + name_len;
    let body = after_name + text[after_name..].find('\n')? + 1;
    let mut line_start = body;
    while line_start < text.len() {
        let line_end = text[line_start..].find('\n').map_or(text.len(), |n| line_start + n);
        if text[line_start..line_end].trim() == name {
            return Some(line_end);
        }
        line_start = line_end + 1;
    }
    Some(text.len())
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
    let alone = line[..hash].trim().is_empty();
    directive(line[hash..].trim_end(), 1, alone, offset + hash, number)
}

/// The directive in `comment` (its marker `#` or `//` is `marker` bytes long), which starts
/// at byte `start` of the file on line `number`; `alone` when nothing precedes it on its line.
fn directive(comment: &str, marker: usize, alone: bool, start: usize, number: usize) -> Option<Directive> {
    let comment = comment.trim_end();
    let body = comment.get(marker..)?.trim_start();
    let (file_wide, rest) = match body.strip_prefix("ecslint-ignore-file") {
        Some(rest) => (true, rest),
        None => (false, body.strip_prefix("ecslint-ignore")?),
    };
    // `# ecslint-ignore: F001`, as ruff's `# noqa: E501` is written, is read alike.
    let (colon, rest) = rest.strip_prefix(':').map_or((false, rest), |after| (true, after));
    if !colon && !rest.is_empty() && !rest.starts_with([' ', '\t']) {
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
    let lines = if file_wide {
        Vec::new()
    } else if alone {
        vec![number, number + 1]
    } else {
        vec![number]
    };
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

/// The findings of one file as its suppressions reach them. Each finding's line is looked
/// up once: a line comment looks only at the findings on its lines, and a file-wide one at
/// each kind of finding (code and name) once, so the work grows with the findings plus
/// the comments, not their product (10,050 findings under 9,900 line comments took 32 s).
struct Reach {
    /// Findings by the line they start on.
    by_line: HashMap<usize, Vec<usize>>,
    /// The file's findings sorted by code and name, and the runs of one kind in it, each
    /// with whether a file-wide suppression has marked it yet (only when one exists).
    sorted: Vec<usize>,
    kinds: Vec<(std::ops::Range<usize>, bool)>,
}

impl Reach {
    fn new(findings: &[Finding], indices: &[usize], directives: &[Directive]) -> Self {
        let mut by_line: HashMap<usize, Vec<usize>> = HashMap::new();
        if directives.iter().any(|d| !d.file_wide) {
            for &index in indices {
                count_visit();
                by_line.entry(findings[index].location.start().line).or_default().push(index);
            }
        }
        let mut sorted = Vec::new();
        let mut kinds = Vec::new();
        if directives.iter().any(|d| d.file_wide) {
            let kind = |index: &usize| (findings[*index].code.as_str(), findings[*index].name.as_str());
            sorted = indices.to_vec();
            sorted.sort_by(|a, b| kind(a).cmp(&kind(b)));
            let mut start = 0;
            for end in 1..=sorted.len() {
                if end == sorted.len() || kind(&sorted[end]) != kind(&sorted[start]) {
                    kinds.push((start..end, false));
                    start = end;
                }
            }
        }
        Self { by_line, sorted, kinds }
    }

    /// Marks the findings `directive` suppresses (the first suppression of a finding is
    /// the one it keeps) and says which of its codes named a finding.
    fn mark(&mut self, findings: &mut [Finding], directive: &Directive) -> Vec<bool> {
        let mut used = vec![false; directive.codes.len()];
        let suppression = || Suppression {
            scope: if directive.file_wide { "file" } else { "line" },
            reason: directive.reason.clone(),
        };
        if directive.file_wide {
            for (range, marked) in &mut self.kinds {
                count_visit();
                let Some(first) = self.sorted.get(range.start).and_then(|&i| findings.get(i)) else {
                    continue;
                };
                let Some(position) = directive.codes.iter().position(|c| names(c, first)) else { continue };
                used[position] = true;
                // An earlier file-wide comment marked them all already.
                if !std::mem::replace(marked, true) {
                    for &index in &self.sorted[range.clone()] {
                        count_visit();
                        findings[index].suppression.get_or_insert_with(suppression);
                    }
                }
            }
            return used;
        }
        for line in &directive.lines {
            for &index in self.by_line.get(line).map_or(&[][..], Vec::as_slice) {
                count_visit();
                let finding = &mut findings[index];
                // The engine's note stands for findings no one saw, beyond this line: only
                // a file-wide suppression or the config's ignores may hide it.
                if finding.stands_for_unmade() {
                    continue;
                }
                if let Some(position) = directive.codes.iter().position(|c| names(c, finding)) {
                    used[position] = true;
                    finding.suppression.get_or_insert_with(suppression);
                }
            }
        }
        used
    }
}

#[cfg(test)]
thread_local! {
    /// How many times a suppression looked at a finding or a kind of finding, for the test
    /// that the work is linear.
    static VISITS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

#[cfg(test)]
fn count_visit() {
    VISITS.with(|v| v.set(v.get() + 1));
}

#[cfg(not(test))]
fn count_visit() {}

/// The lines of each file (by name) with a value that is not known (see [`apply`], which
/// asks for them only when S008 is on and some file has a suppression comment).
pub type UnknownLines<'a> = foldhash::HashMap<&'a str, foldhash::HashSet<usize>>;

/// Marks suppressed findings and reports unused suppressions (S008) when enabled.
/// `dormant` says of a code in a comment that the rules it names cannot fire in this run
/// (disabled, or firing only on other check dates): such a code is not called unused,
/// since removing the comment would let the finding back in another run. `unknown` holds,
/// by file name, the lines with a value static evaluation could not know (a Terraform
/// variable with no value, say): the rules that read it were skipped there, so a line
/// suppression reaching such a line may be meant for a finding the value gives once known,
/// and is not called unused either (a code naming no rule still is). A file-wide one is
/// not exempt: most Terraform files have some value not known (a data source's).
pub fn apply<'u>(
    findings: &mut [Finding],
    files: &[Arc<SourceFile>],
    s008: Option<Severity>,
    named: &(dyn Fn(&str) -> Named + Sync),
    unknown: &dyn Fn() -> UnknownLines<'u>,
) -> Vec<Finding> {
    let mut unused = Vec::new();
    // Scanning every file for comments is the costly part: on every core.
    let scanned: Vec<(&Arc<SourceFile>, Vec<Directive>)> = files
        .par_iter()
        .filter(|file| crate::source::Format::from_name(&file.name) != crate::source::Format::Json)
        .map(|file| (file, directives(file)))
        .filter(|(_, directives)| !directives.is_empty())
        .collect();
    if scanned.is_empty() {
        return unused;
    }
    let unknown = if s008.is_some() { unknown() } else { UnknownLines::default() };
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
        let indices: &[usize] = by_file.get(&file.name).map_or(&[], Vec::as_slice);
        // Codes with findings the engine left out in this file, past what it makes of one
        // rule on one resource (`cap::MAX_MADE`): a suppression of such a code may be meant
        // for one of them, which were never made, so it is not called unused (a missed S008
        // rather than a false one). The cap on what is reported applies after this.
        let left_out: Vec<usize> = if s008.is_some() {
            let standing = |index: &usize| findings.get(*index).is_some_and(Finding::is_left_out);
            indices.iter().copied().filter(standing).collect()
        } else {
            Vec::new()
        };
        let mut reach = Reach::new(findings, indices, &directives);
        for directive in &directives {
            let used = reach.mark(findings, directive);
            let Some(severity) = s008 else { continue };
            let skipped = !directive.file_wide
                && unknown
                    .get(file.name.as_str())
                    .is_some_and(|lines| directive.lines.iter().any(|l| lines.contains(l)));
            // Each unused code, with what it names (a look over every rule, made once).
            let left: Vec<(&str, Named)> = directive
                .codes
                .iter()
                .zip(&used)
                .filter(|(_, u)| !**u)
                .map(|(c, _)| (c.as_str(), named(c)))
                .filter(|&(c, what)| {
                    what != Named::Dormant
                        && (what == Named::Nothing || !skipped)
                        && !left_out.iter().any(|&i| findings.get(i).is_some_and(|f| names(c, f)))
                })
                .collect();
            let with = |kind: fn(Named) -> bool| -> Vec<&str> {
                left.iter().filter(|(_, what)| kind(*what)).map(|(c, _)| *c).collect()
            };
            let (no_rule, stale) = (with(|w| w == Named::Nothing), with(|w| w != Named::Nothing));
            if directive.codes.is_empty() || !stale.is_empty() || !no_rule.is_empty() {
                let quoted =
                    |list: &[&str]| list.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
                let fix_the_code = "remove the comment, or fix the code it names";
                let matched_none = format!("matched no {} finding", stale.join(", "));
                let (what, help) = if directive.codes.is_empty() {
                    ("names no code".to_string(), fix_the_code)
                } else if no_rule.is_empty() {
                    (matched_none, fix_the_code)
                } else {
                    let these = if no_rule.len() == 1 { ", which is" } else { ", which are" };
                    // A comment can have both: say both, or the stale code goes unseen
                    // until the word is fixed.
                    let and_stale =
                        if stale.is_empty() { String::new() } else { format!(", and {matched_none}") };
                    (
                        format!("names {}{these} no rule's code or name{and_stale}", quoted(&no_rule)),
                        "name rules by code or name, and put the reason after `--`: `ecslint-ignore F001 -- why`",
                    )
                };
                let mut finding = codes::UNUSED_SUPPRESSION
                    .finding(format!("suppression {what}"), Location::new(Arc::clone(file), directive.span))
                    .with_primary_label("unused suppression")
                    .with_help(help);
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
            &file.text[found[1].span.start()..found[1].span.end()],
            "# ecslint-ignore F001, A001 -- paid on purpose"
        );
        assert_eq!(found[2].lines, [3, 4]);
        assert_eq!(found[2].reason, None);
    }

    #[test]
    fn a_colon_after_the_marker_is_read_as_ruffs_noqa_colon_is() {
        let file = SourceFile::new(
            "a.yaml",
            "# ecslint-ignore-file: L003 -- legacy\nimage: x # ecslint-ignore: F001, A001\nb: 1 # ecslint-ignore:F002\n",
        );
        let found = directives(&file);
        let codes: Vec<&[String]> = found.iter().map(|d| d.codes.as_slice()).collect();
        assert_eq!(
            codes,
            [&["L003".to_string()][..], &["F001".to_string(), "A001".to_string()], &["F002".to_string()]]
        );
        assert!(found[0].file_wide && !found[1].file_wide);
        assert_eq!(found[0].reason.as_deref(), Some("legacy"));
    }

    #[test]
    fn ignores_lookalikes() {
        let file = SourceFile::new("a.yaml", "a: b#ecslint-ignore A001\nc: 1 # ecslint-ignored A001\n");
        assert!(directives(&file).is_empty());
    }

    #[test]
    fn hcl_hash_and_slash_comments_outside_strings() {
        let text = "# ecslint-ignore-file L003 -- legacy\nresource \"a\" \"b\" {\n  image_id = \"centos_7\" // ecslint-ignore L001 -- pinned\n  // ecslint-ignore A001\n  name = \"# ecslint-ignore F001 ${var.x} // ecslint-ignore F002\"\n  user_data = <<-EOF\n    # ecslint-ignore F003\n  EOF\n  /* # ecslint-ignore F004 */ tags = {} # ecslint-ignore F005\n}\n";
        let file = SourceFile::new("main.tf", text);
        let found = directives(&file);
        let codes: Vec<&str> = found.iter().map(|d| d.codes[0].as_str()).collect();
        assert_eq!(codes, ["L003", "L001", "A001", "F005"]);
        assert!(found[0].file_wide);
        assert_eq!(found[1].lines, [3]);
        assert_eq!(found[1].reason.as_deref(), Some("pinned"));
        assert_eq!(&text[found[1].span.start()..found[1].span.end()], "// ecslint-ignore L001 -- pinned");
        assert_eq!(found[2].lines, [4, 5]);
        assert_eq!(found[3].lines, [9]);
    }

    #[test]
    fn hcl_templates_nest_strings() {
        // The `#` inside the nested string of a template is text; the one after is a comment.
        let text = "a = \"${ \"#x\" }\" # ecslint-ignore A001\nb = \"unterminated # ecslint-ignore A002\nc = 1 # ecslint-ignore A003\n";
        let found = directives(&SourceFile::new("x.pkr.hcl", text));
        let codes: Vec<&str> = found.iter().map(|d| d.codes[0].as_str()).collect();
        assert_eq!(codes, ["A001", "A003"]);
    }

    #[test]
    fn json_has_no_comments() {
        assert!(directives(&SourceFile::new("a.tf.json", "{\"a\": 1} # ecslint-ignore A001\n")).is_empty());
    }

    fn finding_at(file: &Arc<SourceFile>, line: usize, code: &str) -> Finding {
        let start = file.text.match_indices('\n').nth(line.wrapping_sub(2)).map_or(0, |(i, _)| i + 1);
        Finding::new(
            code,
            "rule",
            Severity::Warning,
            "m",
            Location::new(Arc::clone(file), Span::new(start, start + 1)),
        )
    }

    #[test]
    fn each_finding_is_looked_at_a_bounded_number_of_times() {
        use std::fmt::Write as _;
        // 2,000 findings, each under its own line comment, and ten file-wide comments: the
        // work is the findings plus the comments, not their product (4,000,000 before).
        let n = 2000;
        let mut text = String::new();
        for _ in 0..10 {
            text.push_str("# ecslint-ignore-file Z999\n");
        }
        for i in 0..n {
            writeln!(text, "- x{i} # ecslint-ignore Q004").unwrap();
        }
        let file = Arc::new(SourceFile::new("a.yaml", text));
        let mut findings: Vec<Finding> = (0..n).map(|i| finding_at(&file, 11 + i, "Q004")).collect();
        VISITS.with(|v| v.set(0));
        let unused =
            apply(&mut findings, &[Arc::clone(&file)], None, &|_| Named::Live, &UnknownLines::default);
        let visits = VISITS.with(std::cell::Cell::get);
        assert!(unused.is_empty());
        assert!(findings.iter().all(|f| f.suppression.as_ref().is_some_and(|s| s.scope == "line")));
        // One line look-up per finding, one look per finding from its comment, and one
        // per kind of finding from each file-wide comment.
        assert!(visits <= 2 * n + 10, "{visits} visits for {n} findings");
    }

    #[test]
    fn only_a_file_wide_suppression_hides_the_engine_note() {
        let file = Arc::new(SourceFile::new("a.yaml", "a: 1\n# ecslint-ignore Q004\nb: 2\n".to_string()));
        let note = || {
            crate::cap::LeftOut {
                code: "Q004",
                name: "rule",
                severity: Severity::Warning,
                location: Location::new(Arc::clone(&file), Span::new(27, 28)),
                resource: None,
                path: Vec::new(),
                count: 5000,
                bound: crate::cap::Bound::Made,
            }
            .finding()
        };
        let mut findings = vec![finding_at(&file, 3, "Q004"), note()];
        assert_eq!(findings[1].location.start().line, 3);
        let unused = apply(
            &mut findings,
            &[Arc::clone(&file)],
            Some(Severity::Warning),
            &|_| Named::Live,
            &UnknownLines::default,
        );
        assert!(findings[0].suppression.is_some(), "the finding made on the line is suppressed");
        assert!(findings[1].suppression.is_none(), "the note for 5,000 findings never made is not");
        assert!(unused.is_empty());
        let wide = Arc::new(SourceFile::new("b.yaml", "# ecslint-ignore-file Q004\nb: 2\n".to_string()));
        let mut note = note();
        note.location = Location::new(Arc::clone(&wide), Span::new(27, 28));
        let mut findings = vec![note];
        apply(&mut findings, &[wide], None, &|_| Named::Live, &UnknownLines::default);
        assert_eq!(findings[0].suppression.as_ref().map(|s| s.scope), Some("file"));
    }
}
