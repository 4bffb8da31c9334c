//! The per-rule cap: at most [`MAX_REPORTED`] findings of one rule on one resource are
//! reported, and one more finding says how many were left out (README, "per-rule cap").
//!
//! The cap counts only what is reported: it is applied to the findings that remain after
//! inline suppressions, the config's ignores and the baseline (`cli::check::execute`), so
//! suppressing or baselining the findings shown brings the next ones into view, and a
//! baselined run does not fail because a shown finding was fixed. A run that writes a
//! baseline records every finding made, uncapped.
//!
//! The engine still bounds what it makes, for memory: past [`MAX_MADE`] findings of one
//! rule (or built-in check) on one resource they are counted, never made, and one finding
//! stands for them (2.7 million `sharedWith` entries gave as many findings and 5.9 GB).
//! Those are the only findings a suppression cannot bring into view.
//!
//! A finding that stands for others is marked by [`Finding::left_out`] (with the bound
//! that left them out), carries [`LEFT_OUT_HELP`] as its help for the reader, and how many
//! it stands for as its `data.leftOut`. The help text is not what marks it: a user rule may
//! share it.
//!
//! The engine's note stands for findings no one can know, so neither a line's suppression
//! nor a baseline entry hides it (`crate::suppress`, `crate::baseline`); a file-wide
//! suppression and the config's ignores may, since they name the code for the whole file.

use crate::diag::{Finding, LEFT_OUT_HELP, Location, ResourceRef, Severity};
use crate::source::PathSegment;
use std::collections::HashMap;
use std::num::NonZeroU32;

/// Most findings of one rule on one resource a run reports.
pub const MAX_REPORTED: usize = 100;

/// Most findings of one rule or built-in check on one resource the engine makes.
pub const MAX_MADE: usize = 10_000;

/// The figure of a left-out finding that says how many findings it stands for.
pub const LEFT_OUT_KEY: &str = "leftOut";

/// Which bound left findings out, for the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    /// [`MAX_REPORTED`], applied to what is reported.
    Reported,
    /// [`MAX_MADE`], applied while the engine evaluates.
    Made,
    /// Both: findings the report cap left out and findings the engine never made.
    Both,
}

/// What a left-out finding says of the findings it stands for.
pub struct LeftOut<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub severity: Severity,
    pub location: Location,
    pub resource: Option<ResourceRef>,
    /// The field of the first finding left out.
    pub path: Vec<PathSegment>,
    pub count: usize,
    pub bound: Bound,
}

impl LeftOut<'_> {
    /// The one finding that stands for the findings left out.
    pub fn finding(self) -> Finding {
        let more = if self.count == 1 {
            "1 more finding".to_string()
        } else {
            format!("{} more findings", self.count)
        };
        let kind = self.resource.as_ref().map_or("resource", |r| r.kind.as_str());
        let limit = match self.bound {
            Bound::Reported => format!("at most {MAX_REPORTED} are reported per rule and resource"),
            Bound::Made => format!("at most {MAX_MADE} are made per rule and resource"),
            Bound::Both => {
                format!("at most {MAX_REPORTED} are reported and {MAX_MADE} made per rule and resource")
            }
        };
        let mut finding = Finding::new(
            self.code,
            self.name,
            self.severity,
            format!("{more} of {} on this {kind} left out: {limit}", self.code),
            self.location,
        )
        .with_resource(self.resource)
        .with_path(self.path)
        .with_help(LEFT_OUT_HELP);
        finding.left_out = Some(self.bound);
        finding.data.insert(LEFT_OUT_KEY.to_string(), serde_json::Value::from(self.count));
        finding
    }
}

/// How many findings `finding` stands for: its `leftOut` when it stands for findings left
/// out, else 1.
fn weight(finding: &Finding) -> usize {
    if !finding.is_left_out() {
        return 1;
    }
    let count = finding.data.get(LEFT_OUT_KEY).and_then(|v| v.as_u64());
    count.and_then(|c| usize::try_from(c).ok()).unwrap_or(1)
}

/// The resource a finding is about, for the cap: the one the engine was checking, or, for
/// a finding made while the files were read (a schema violation, S002: 60,000 labels
/// that were not strings gave 60,000 findings and a 34 MB report), the resource it names
/// in its file.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Who<'a> {
    Subject(NonZeroU32),
    Named { file: &'a str, kind: &'a str, name: &'a str },
}

impl<'a> Who<'a> {
    fn of(finding: &'a Finding) -> Option<Self> {
        if let Some(subject) = finding.subject {
            return Some(Self::Subject(subject));
        }
        let resource = finding.resource.as_ref()?;
        Some(Self::Named { file: &finding.location.file.name, kind: &resource.kind, name: &resource.name })
    }
}

/// One capped group: how many it kept, where its note goes, how many the note stands for,
/// and whether the engine's note for findings never made is among them.
#[derive(Default)]
struct Group {
    kept: usize,
    note_at: Option<usize>,
    left_out: usize,
    unmade: bool,
}

/// Keeps the first [`MAX_REPORTED`] findings of each rule on each resource (in the order of
/// `findings`, which is the report's) and puts, where the first one left out was, one
/// finding saying how many were left out. Findings the engine did not tag with the
/// resource it checked (parse errors, schema violations, duplicate names, unused
/// suppressions) are not capped. Only findings that were made count against the cap: a
/// group of 100 and the engine's note for more is left as it is, the note saying which
/// bound left those out. Runs with no group past the cap are left as they are.
pub fn apply(findings: &mut Vec<Finding>) {
    let mut counts: HashMap<(Who<'_>, &str), usize> = HashMap::new();
    for finding in findings.iter().filter(|f| !f.is_left_out()) {
        if let Some(who) = Who::of(finding) {
            *counts.entry((who, finding.code.as_str())).or_insert(0) += 1;
        }
    }
    let mut groups: HashMap<(Who<'_>, &str), Group> = counts
        .into_iter()
        .filter(|(_, count)| *count > MAX_REPORTED)
        .map(|(key, _)| (key, Group::default()))
        .collect();
    if groups.is_empty() {
        return;
    }
    let mut keep = vec![true; findings.len()];
    for (index, finding) in findings.iter().enumerate() {
        let Some(who) = Who::of(finding) else { continue };
        let Some(group) = groups.get_mut(&(who, finding.code.as_str())) else { continue };
        if group.kept < MAX_REPORTED && !finding.is_left_out() {
            group.kept += 1;
            continue;
        }
        keep[index] = false;
        group.note_at.get_or_insert(index);
        group.left_out = group.left_out.saturating_add(weight(finding));
        group.unmade |= finding.stands_for_unmade();
    }
    // A note that includes findings never made says so: the report cap is not all that
    // hides them, and suppressing the findings shown will not bring those into view.
    let bound = |g: &Group| if g.unmade { Bound::Both } else { Bound::Reported };
    let mut notes: HashMap<usize, (usize, Bound)> =
        groups.into_values().filter_map(|g| Some((g.note_at?, (g.left_out, bound(&g))))).collect();
    let mut index = 0;
    findings.retain_mut(|finding| {
        let at = index;
        index += 1;
        if let Some((count, bound)) = notes.remove(&at) {
            let suppression = finding.suppression.take();
            let subject = finding.subject;
            let mut note = LeftOut {
                code: &finding.code,
                name: &finding.name,
                severity: finding.severity,
                location: finding.location.clone(),
                resource: finding.resource.take(),
                path: std::mem::take(&mut finding.path),
                count,
                bound,
            }
            .finding();
            note.suppression = suppression;
            note.subject = subject;
            *finding = note;
            return true;
        }
        keep.get(at).copied().unwrap_or(true)
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{SourceFile, Span};
    use std::sync::Arc;

    fn finding(file: &Arc<SourceFile>, subject: u32, code: &str, at: usize) -> Finding {
        let mut finding = Finding::new(
            code,
            "rule",
            Severity::Warning,
            format!("{code} at {at}"),
            Location::new(Arc::clone(file), Span::new(at, at + 1)),
        );
        finding.subject = NonZeroU32::new(subject);
        finding.resource = Some(ResourceRef { kind: "Image".into(), name: "img".into() });
        finding
    }

    #[test]
    fn groups_past_the_cap_keep_their_first_findings_and_a_note() {
        let file = Arc::new(SourceFile::new("a.yaml", "x".repeat(1000)));
        let mut findings: Vec<Finding> = (0..150).map(|at| finding(&file, 1, "Q004", at)).collect();
        // Another resource and another code: under the cap, untouched.
        findings.extend((0..100).map(|at| finding(&file, 2, "Q004", at)));
        findings.extend((0..100).map(|at| finding(&file, 1, "L001", at)));
        let untagged = Finding::new(
            "S002",
            "schema",
            Severity::Error,
            "m",
            Location::new(Arc::clone(&file), Span::new(0, 1)),
        );
        findings.extend(std::iter::repeat_n(untagged, 200));
        apply(&mut findings);
        let q004: Vec<&Finding> =
            findings.iter().filter(|f| f.subject == NonZeroU32::new(1) && f.code == "Q004").collect();
        assert_eq!(q004.len(), MAX_REPORTED + 1);
        assert!(q004[..MAX_REPORTED].iter().all(|f| !f.is_left_out()));
        let note = q004[MAX_REPORTED];
        assert_eq!(
            note.message,
            "50 more findings of Q004 on this Image left out: at most 100 are reported per rule and resource"
        );
        assert_eq!(note.location.span.start(), 100, "it stands where the first left out was");
        assert_eq!(note.data.get(LEFT_OUT_KEY), Some(serde_json::json!(50)));
        assert_eq!(findings.iter().filter(|f| f.subject == NonZeroU32::new(2)).count(), 100);
        assert_eq!(findings.iter().filter(|f| f.code == "L001").count(), 100);
        assert_eq!(findings.iter().filter(|f| f.code == "S002").count(), 200);
    }

    fn made_note(file: &Arc<SourceFile>, subject: u32, at: usize, count: usize) -> Finding {
        let mut made = LeftOut {
            code: "Q004",
            name: "rule",
            severity: Severity::Warning,
            location: Location::new(Arc::clone(file), Span::new(at, at + 1)),
            resource: Some(ResourceRef { kind: "Image".into(), name: "img".into() }),
            path: Vec::new(),
            count,
            bound: Bound::Made,
        }
        .finding();
        made.subject = NonZeroU32::new(subject);
        made
    }

    #[test]
    fn findings_made_while_reading_are_capped_by_the_resource_they_name() {
        // Schema violations (S002) carry no engine subject: they are grouped by the file and
        // the resource they name. Two resources of one name in two files are two groups.
        let a = Arc::new(SourceFile::new("a.yaml", "x".repeat(1000)));
        let b = Arc::new(SourceFile::new("b.yaml", "x".repeat(1000)));
        let read = |file: &Arc<SourceFile>, at: usize| {
            let mut finding = finding(file, 0, "S002", at);
            finding.subject = None;
            finding
        };
        let mut findings: Vec<Finding> = (0..150).map(|at| read(&a, at)).collect();
        findings.extend((0..50).map(|at| read(&b, at)));
        apply(&mut findings);
        let on = |name: &str| findings.iter().filter(|f| f.location.file.name == name).count();
        assert_eq!((on("a.yaml"), on("b.yaml")), (101, 50));
        assert_eq!(findings.iter().filter(|f| f.is_left_out()).count(), 1);
    }

    #[test]
    fn a_note_of_the_engine_adds_what_it_stands_for() {
        let file = Arc::new(SourceFile::new("a.yaml", "x".repeat(1000)));
        let mut findings: Vec<Finding> = (0..120).map(|at| finding(&file, 3, "Q004", at)).collect();
        findings.push(made_note(&file, 3, 500, 1000));
        apply(&mut findings);
        assert_eq!(findings.len(), MAX_REPORTED + 1);
        let note = &findings[MAX_REPORTED];
        assert_eq!(note.data.get(LEFT_OUT_KEY), Some(serde_json::json!(1020)));
        // Most of them were never made: the note says so, and stays unhideable.
        assert_eq!(
            note.message,
            "1020 more findings of Q004 on this Image left out: at most 100 are reported and 10000 made per rule and resource"
        );
        assert!(note.stands_for_unmade());
        // Under the cap, the engine's note stays as it is.
        let mut few: Vec<Finding> = (0..5).map(|at| finding(&file, 3, "Q004", at)).collect();
        few.push(made_note(&file, 3, 9, 7));
        apply(&mut few);
        assert_eq!(few.len(), 6);
    }

    #[test]
    fn the_engine_note_does_not_count_against_the_report_cap() {
        // 100 findings made and the engine's note for 50 more: the report cap removed
        // nothing, so nothing changes and the note still blames the engine's bound (the
        // note counted as the 101st made it "50 more ... at most 100 are reported").
        let file = Arc::new(SourceFile::new("a.yaml", "x".repeat(1000)));
        let mut findings: Vec<Finding> = (0..100).map(|at| finding(&file, 1, "Q004", at)).collect();
        findings.push(made_note(&file, 1, 100, 50));
        let before: Vec<String> = findings.iter().map(|f| f.message.clone()).collect();
        apply(&mut findings);
        let after: Vec<String> = findings.iter().map(|f| f.message.clone()).collect();
        assert_eq!(after, before);
        assert_eq!(
            findings[MAX_REPORTED].message,
            "50 more findings of Q004 on this Image left out: at most 10000 are made per rule and resource"
        );
    }

    #[test]
    fn a_rule_whose_help_matches_the_note_is_capped_as_any_other() {
        // A user rule may have the note's help text: its findings are findings, not notes.
        let file = Arc::new(SourceFile::new("a.yaml", "x".repeat(1000)));
        let mut findings: Vec<Finding> = (0..150)
            .map(|at| {
                let mut f = finding(&file, 1, "ORG001", at);
                f.help = Some(LEFT_OUT_HELP.into());
                f
            })
            .collect();
        assert!(!findings[0].is_left_out());
        apply(&mut findings);
        assert_eq!(findings.len(), MAX_REPORTED + 1);
        assert!(findings[..MAX_REPORTED].iter().all(|f| !f.is_left_out()));
        assert_eq!(findings[MAX_REPORTED].data.get(LEFT_OUT_KEY), Some(serde_json::json!(50)));
        assert_eq!(findings[MAX_REPORTED].left_out, Some(Bound::Reported));
    }

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn a_finding_is_no_larger_for_its_marker() {
        // 312 bytes before `left_out` was added (with 64-bit spans; 32-bit spans made it
        // smaller since): the one-byte marker fits in what was padding, and must not grow it.
        assert_eq!(std::mem::size_of::<Option<Bound>>(), 1);
        assert!(std::mem::size_of::<Finding>() <= 312, "{}", std::mem::size_of::<Finding>());
    }
}
