//! The machine formats (SARIF, `JUnit`, GitHub workflow commands, GitLab Code Quality) render one
//! shared set of findings: a snapshot of each, the SARIF schema, fingerprints that survive
//! inserted lines, well-formed XML and each format's escaping.

use ecslint::diag::{
    Finding, Location, ReportRoot, ResourceRef, RuleInfo, Severity, fingerprints, render_github,
    render_gitlab, render_junit, render_sarif, sort_findings,
};
use ecslint::source::{PathSegment, SourceFile, Span};
use serde_json::Value;
use std::sync::Arc;

const WEB: &str = "\
kind: Instance
name: web-1
region: cn-hangzhou
instanceType: ecs.g7.large
image: ubuntu-32
labels: {owner: Zoë, tier: web}
---
kind: Instance
name: web-2
region: cn-hangzhou
instanceType: ecs.g7.xlarge
image: win-2019
";

const IMAGES: &str = "\
kind: Image
name: ubuntu-32
type: custom
architecture: i386
os:
  family: ubuntu
  version: \"16.04\"
regions: [cn-shanghai]
";

const BROKEN: &str = "{\"kind\": \"Image\" # one\n, # two\n}\n";

/// The file names: a space, and `:`, `,` and `%`, which URIs and GitHub properties must escape.
const WEB_NAME: &str = "specs/web app.yaml";
const IMAGES_NAME: &str = "specs/images: v2, 100%.yaml";

struct Fixture {
    files: Vec<Arc<SourceFile>>,
    findings: Vec<Finding>,
}

/// The byte span of the `nth` (0-based) occurrence of `needle` in `file`.
fn span(file: &SourceFile, needle: &str, nth: usize) -> Span {
    let start = file.text.match_indices(needle).nth(nth).map(|(i, _)| i).expect("needle in fixture");
    Span::new(start, start + needle.len())
}

fn at(file: &Arc<SourceFile>, needle: &str, nth: usize) -> Location {
    Location::new(Arc::clone(file), span(file, needle, nth))
}

/// The location of `needle` inside the first occurrence of `context`.
fn within(file: &Arc<SourceFile>, context: &str, needle: &str) -> Location {
    let outer = span(file, context, 0);
    let inner = context.find(needle).expect("needle in context");
    Location::new(Arc::clone(file), Span::new(outer.start() + inner, outer.start() + inner + needle.len()))
}

fn resource(kind: &str, name: &str) -> ResourceRef {
    ResourceRef { kind: kind.into(), name: name.into() }
}

fn path(keys: &[&str]) -> Vec<PathSegment> {
    keys.iter().map(|k| PathSegment::Key((*k).into())).collect()
}

/// The shared findings, over files whose text starts with `prefix` (to move everything down).
fn fixture(prefix: &str) -> Fixture {
    let web = Arc::new(SourceFile::new(WEB_NAME, format!("{prefix}{WEB}")));
    let images = Arc::new(SourceFile::new(IMAGES_NAME, format!("{prefix}{IMAGES}")));
    let broken = Arc::new(SourceFile::new("specs/broken.json", format!("{prefix}{BROKEN}")));
    let clean = Arc::new(SourceFile::new("specs/clean.yaml", format!("{prefix}kind: Other\n")));
    let end_of_web_2 = Location::new(Arc::clone(&web), Span::new(web.text.len(), web.text.len()));
    let os_block = {
        let start = span(&images, "family", 0).start();
        Location::new(Arc::clone(&images), Span::new(start, span(&images, "\"16.04\"", 0).end()))
    };
    let mut findings = vec![
        Finding::new(
            "A001",
            "image-32bit-memory-limit",
            Severity::Error,
            "instance type ecs.g7.large has 8 GiB of memory, more than a 32-bit image can use",
            at(&web, "ecs.g7.large", 0),
        )
        .with_help("use a 64-bit image, or an instance type with less than 4 GiB of memory")
        .with_primary_label("8 GiB")
        .with_label(at(&images, "i386", 0), "the image is 32-bit (i386) here")
        .with_resource(Some(resource("Instance", "web-1")))
        .with_path(path(&["instanceType"])),
        Finding::new(
            "F001",
            "license-fee",
            Severity::Warning,
            "win-2019 carries a licence fee: 100% of list price, charged per hour\n<Windows & SQL> \"extras\"",
            at(&web, "win-2019", 0),
        )
        .with_help("use BYOL: set licenseType, or pick a free OS")
        .with_resource(Some(resource("Instance", "web-2")))
        .with_path(path(&["image"])),
        Finding::new(
            "C001",
            "tier-label",
            Severity::Info,
            "label tier should be frontend or backend",
            within(&web, "tier: web", "web"),
        )
        .with_resource(Some(resource("Instance", "web-1")))
        .with_path(path(&["labels", "tier"])),
        Finding::new("C002", "zone-required", Severity::Warning, "instance web-2 sets no zone", end_of_web_2)
            .with_help("add zone: cn-hangzhou-h")
            .with_resource(Some(resource("Instance", "web-2"))),
        Finding::new(
            "L004",
            "unknown-os-lifecycle",
            Severity::Info,
            "ubuntu 16.04 is not in the lifecycle catalog",
            os_block,
        )
        .with_resource(Some(resource("Image", "ubuntu-32")))
        .with_path(path(&["os"])),
        Finding::new("S001", "parse-error", Severity::Error, "unexpected character `#`", within(&broken, "# one", "#")),
        Finding::new("S001", "parse-error", Severity::Error, "unexpected character `#`", within(&broken, "# two", "#")),
    ];
    sort_findings(&mut findings);
    Fixture { files: vec![web, images, broken, clean], findings }
}

fn rules() -> Vec<RuleInfo> {
    let rule = |code: &str, name: &str, severity, summary: &str| RuleInfo {
        code: code.into(),
        name: name.into(),
        severity,
        enabled: true,
        summary: summary.into(),
        description: format!("## What it does\n{summary}."),
        fix: format!("Fix the spec so that {name} no longer fires."),
    };
    vec![
        rule("S001", "parse-error", Severity::Error, "A file is not valid YAML or JSON"),
        rule(
            "A001",
            "image-32bit-memory-limit",
            Severity::Error,
            "A 32-bit image on a type with 4 GiB or more",
        ),
        rule("L004", "unknown-os-lifecycle", Severity::Info, "The OS is not in the lifecycle catalog"),
        rule("F001", "license-fee", Severity::Warning, "The image carries an OS licence fee"),
    ]
}

fn render(f: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut out = Vec::new();
    f(&mut out).expect("rendering to memory");
    String::from_utf8(out).expect("UTF-8 output")
}

/// The repository root of the rendered reports, the check run in it.
fn root() -> ReportRoot<'static> {
    let root = std::path::Path::new("/project");
    ReportRoot { root, base: root }
}

fn sarif(fixture: &Fixture) -> String {
    render(|out| render_sarif(out, &fixture.findings, &rules(), root()))
}

fn gitlab(fixture: &Fixture) -> String {
    render(|out| render_gitlab(out, &fixture.findings, root()))
}

fn github(fixture: &Fixture) -> String {
    render(|out| render_github(out, &fixture.findings, root()))
}

fn junit(fixture: &Fixture) -> String {
    render(|out| render_junit(out, &fixture.findings, &fixture.files))
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("valid JSON")
}

#[test]
fn sarif_snapshot() {
    let version = format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION"));
    insta::assert_snapshot!("sarif", sarif(&fixture("")).replace(&version, "\"version\": \"[VERSION]\""));
}

#[test]
fn sarif_matches_the_official_schema() {
    let schema = json(include_str!("data/sarif-schema-2.1.0.json"));
    let validator = jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles");
    let log = json(&sarif(&fixture("")));
    let errors: Vec<String> =
        validator.iter_errors(&log).map(|e| format!("{}: {e}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The schema is not vacuous: a result without a message is refused.
    let mut broken = log;
    broken["runs"][0]["results"][0].as_object_mut().expect("a result").remove("message");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn sarif_regions_count_characters_and_end_exclusively() {
    let log = json(&sarif(&fixture("")));
    let results = log["runs"][0]["results"].as_array().expect("results");
    let region = |code: &str| {
        let result = results.iter().find(|r| r["ruleId"] == code).expect("result");
        result["locations"][0]["physicalLocation"]["region"].clone()
    };
    assert_eq!(log["runs"][0]["columnKind"], "unicodeCodePoints");
    // `labels: {owner: Zoë, tier: web}`: `web` is character 28 of line 6, byte 29.
    let tier = region("C001");
    assert_eq!((tier["startLine"].as_u64(), tier["startColumn"].as_u64()), (Some(6), Some(28)));
    assert_eq!((tier["endLine"].as_u64(), tier["endColumn"].as_u64()), (Some(6), Some(31)));
    let line_6 = WEB.split_inclusive('\n').take(5).map(|l| l.chars().count()).sum::<usize>();
    assert_eq!(tier["charOffset"].as_u64(), Some(u64::try_from(line_6 + 27).expect("small")));
    assert_eq!(tier["charLength"].as_u64(), Some(3));
    // An empty span is an insertion point: endColumn == startColumn, charLength 0.
    let zone = region("C002");
    assert_eq!(zone["startColumn"], zone["endColumn"]);
    assert_eq!(zone["startLine"], zone["endLine"]);
    assert_eq!(zone["charLength"].as_u64(), Some(0));
    // The ruleIndex points at the rule, and a code with no descriptor has none.
    let rules = log["runs"][0]["tool"]["driver"]["rules"].as_array().expect("rules");
    for result in results {
        match result.get("ruleIndex").and_then(Value::as_u64) {
            Some(i) => assert_eq!(rules[usize::try_from(i).expect("small")]["id"], result["ruleId"]),
            None => assert!(result["ruleId"] == "C001" || result["ruleId"] == "C002"),
        }
    }
    let uris: Vec<&str> = results
        .iter()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert!(uris.contains(&"specs/web%20app.yaml"));
    assert!(uris.contains(&"specs/images%3A%20v2,%20100%25.yaml"));
}

#[test]
fn fingerprints_survive_lines_inserted_above() {
    let before = fixture("");
    let after = fixture("# a comment\n# and another\n\n");
    assert_ne!(before.findings[0].location.start().line, after.findings[0].location.start().line);
    assert_eq!(fingerprints(&before.findings, root()), fingerprints(&after.findings, root()));

    let sarif_prints = |fixture: &Fixture| -> Vec<Value> {
        let log = json(&sarif(fixture));
        let results = log["runs"][0]["results"].as_array().expect("results").clone();
        results.iter().map(|r| r["partialFingerprints"].clone()).collect()
    };
    assert_eq!(sarif_prints(&before), sarif_prints(&after));
    let gitlab_prints = |fixture: &Fixture| -> Vec<Value> {
        let issues = json(&gitlab(fixture));
        issues.as_array().expect("issues").iter().map(|i| i["fingerprint"].clone()).collect()
    };
    assert_eq!(gitlab_prints(&before), gitlab_prints(&after));
}

#[test]
fn junit_snapshot() {
    insta::assert_snapshot!("junit", junit(&fixture("")));
}

#[test]
fn junit_is_well_formed_with_one_suite_per_file() {
    let report = junit(&fixture(""));
    if let Err(problem) = xml::check_well_formed(&report) {
        panic!("{problem}\n{report}");
    }
    assert_eq!(report.matches("<testsuite ").count(), 4);
    assert!(report.contains(r#"<testcase classname="specs/clean.yaml" name="ecslint"/>"#));
    assert!(report.contains(r#"<testsuites name="ecslint" tests="8" failures="5" errors="0">"#));
    assert!(report.contains("&lt;Windows &amp; SQL&gt; &quot;extras&quot;"));
    // The checker itself refuses what it should.
    assert!(xml::check_well_formed("<a><b></a></b>").is_err());
    assert!(xml::check_well_formed("<a>x & y</a>").is_err());
    assert!(xml::check_well_formed("<a t=\"<\"/>").is_err());
    assert!(xml::check_well_formed("<a>\u{1b}</a>").is_err());
}

#[test]
fn junit_drops_what_xml_cannot_carry() {
    let file = Arc::new(SourceFile::new("a&b.yaml", "name: x\n"));
    let finding = Finding::new(
        "S001",
        "parse-error",
        Severity::Error,
        "bad \u{1b}[31mcolour\u{1b}[0m, ]]> and \u{0}, 'quotes'\r\n",
        Location::new(Arc::clone(&file), Span::new(0, 4)),
    );
    let report = render(|out| render_junit(out, &[finding], &[file]));
    if let Err(problem) = xml::check_well_formed(&report) {
        panic!("{problem}\n{report}");
    }
    assert!(report.contains(r#"message="bad [31mcolour[0m, ]]&gt; and , &apos;quotes&apos;&#13;&#10;""#));
    assert!(report.contains(r#"classname="a&amp;b.yaml""#));
}

#[test]
fn github_snapshot() {
    insta::assert_snapshot!("github", github(&fixture("")));
}

#[test]
fn github_escapes_data_and_properties() {
    let fixture = fixture("");
    let output = github(&fixture);
    let lines: Vec<&str> = output.lines().collect();
    assert_eq!(lines.len(), fixture.findings.len());
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("::error ") || l.starts_with("::warning ") || l.starts_with("::notice "))
    );
    let fee = lines.iter().find(|l| l.contains("title=F001")).expect("F001 line");
    assert!(fee.starts_with("::warning file=specs/web app.yaml,line=12,endLine=12,col=8,endColumn=15,"));
    assert!(fee.ends_with(
        "::win-2019 carries a licence fee: 100%25 of list price, charged per hour%0A<Windows & SQL> \"extras\"\
         %0Ahelp: use BYOL: set licenseType, or pick a free OS"
    ));
    let arch = lines.iter().find(|l| l.contains("title=A001")).expect("A001 line");
    assert!(arch.starts_with("::error file=specs/web app.yaml,line=4,endLine=4,col=15,endColumn=26,"));
    assert!(arch.contains("%0Anote: the image is 32-bit (i386) here (specs/images: v2, 100%25.yaml:4:15)"));
    let os = lines.iter().find(|l| l.contains("title=L004")).expect("L004 line");
    assert!(os.starts_with("::notice file=specs/images%3A v2%2C 100%25.yaml,line=6,endLine=7,title="));
    assert!(!os.contains("col="));
}

#[test]
fn gitlab_snapshot() {
    insta::assert_snapshot!("gitlab", gitlab(&fixture("")));
}

#[test]
fn gitlab_issues_have_the_required_fields_and_unique_fingerprints() {
    let fixture = fixture("");
    let issues = json(&gitlab(&fixture));
    let issues = issues.as_array().expect("an array");
    assert_eq!(issues.len(), fixture.findings.len());
    let mut prints = std::collections::BTreeSet::new();
    for (issue, finding) in issues.iter().zip(&fixture.findings) {
        assert_eq!(issue["check_name"], finding.code.as_str());
        assert_eq!(issue["description"], finding.message.as_str());
        let severity = issue["severity"].as_str().expect("severity");
        assert!(["info", "minor", "major", "critical", "blocker"].contains(&severity));
        let path = issue["location"]["path"].as_str().expect("path");
        assert_eq!(path, finding.location.file.name);
        let begin = issue["location"]["lines"]["begin"].as_u64().expect("begin");
        assert_eq!(usize::try_from(begin).ok(), Some(finding.location.start().line));
        let print = issue["fingerprint"].as_str().expect("fingerprint");
        assert!(prints.insert(print.to_owned()), "duplicate fingerprint {print}");
    }
    let severities: Vec<&str> = issues.iter().filter_map(|i| i["severity"].as_str()).collect();
    assert!(severities.contains(&"major") && severities.contains(&"minor") && severities.contains(&"info"));
}

/// A small XML 1.0 well-formedness checker, enough for the `JUnit` renderer's output: one root
/// element, balanced and properly nested tags, quoted attributes without `<`, no duplicate
/// attributes, valid references for every `&`, and only characters XML allows.
mod xml {
    pub fn check_well_formed(xml: &str) -> Result<(), String> {
        let mut rest = xml.strip_prefix(r#"<?xml version="1.0" encoding="UTF-8"?>"#).unwrap_or(xml);
        let mut stack: Vec<&str> = Vec::new();
        let mut roots = 0;
        while let Some(open) = rest.find('<') {
            check_text(&rest[..open], !stack.is_empty())?;
            let close = tag_end(&rest[open..]).ok_or("unterminated tag")? + open;
            let tag = &rest[open + 1..close];
            rest = &rest[close + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                let expected = stack.pop().ok_or(format!("stray </{name}>"))?;
                if expected != name.trim_end() {
                    return Err(format!("</{name}> closes <{expected}>"));
                }
                continue;
            }
            if stack.is_empty() {
                roots += 1;
            }
            let (body, empty) = tag.strip_suffix('/').map_or((tag, false), |b| (b, true));
            let name = check_start_tag(body)?;
            if !empty {
                stack.push(name);
            }
        }
        check_text(rest, false)?;
        match (stack.last(), roots) {
            (Some(open), _) => Err(format!("<{open}> is never closed")),
            (None, 1) => Ok(()),
            (None, n) => Err(format!("{n} root elements")),
        }
    }

    /// The offset of the `>` ending the tag at the start of `s`, skipping quoted values.
    fn tag_end(s: &str) -> Option<usize> {
        let mut quote = None;
        for (i, c) in s.char_indices() {
            match (quote, c) {
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if q == c => quote = None,
                (None, '>') => return Some(i),
                _ => {}
            }
        }
        None
    }

    fn check_start_tag(body: &str) -> Result<&str, String> {
        let name_end = body.find(char::is_whitespace).unwrap_or(body.len());
        let name = &body[..name_end];
        check_name(name)?;
        let mut attrs = body[name_end..].trim();
        let mut seen = Vec::new();
        while !attrs.is_empty() {
            let eq = attrs.find('=').ok_or(format!("attribute without value in <{name}>"))?;
            let attr = attrs[..eq].trim();
            check_name(attr)?;
            if seen.contains(&attr) {
                return Err(format!("duplicate attribute {attr}"));
            }
            seen.push(attr);
            let value = attrs[eq + 1..].trim_start();
            let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'').ok_or("unquoted value")?;
            let end = value[1..].find(quote).ok_or("unterminated value")? + 1;
            let text = &value[1..end];
            if text.contains('<') {
                return Err(format!("`<` in attribute {attr}"));
            }
            check_text(text, true)?;
            let after = &value[end + 1..];
            if !after.is_empty() && !after.starts_with(char::is_whitespace) {
                return Err(format!("no space after attribute {attr}"));
            }
            attrs = after.trim_start();
        }
        Ok(name)
    }

    fn check_name(name: &str) -> Result<(), String> {
        let mut chars = name.chars();
        let first_ok = chars.next().is_some_and(|c| c.is_alphabetic() || c == '_' || c == ':');
        if first_ok && chars.all(|c| c.is_alphanumeric() || "_:-.".contains(c)) {
            Ok(())
        } else {
            Err(format!("bad name {name:?}"))
        }
    }

    fn check_text(text: &str, inside: bool) -> Result<(), String> {
        if !inside && !text.trim().is_empty() {
            return Err(format!("text outside the root: {text:?}"));
        }
        if let Some(c) = text.chars().find(|&c| !is_xml_char(c)) {
            return Err(format!("character {c:?} is not allowed in XML 1.0"));
        }
        if text.contains("]]>") {
            return Err("`]]>` in text".into());
        }
        let mut rest = text;
        while let Some(amp) = rest.find('&') {
            let semi = rest[amp..].find(';').ok_or("`&` without `;`")? + amp;
            let entity = &rest[amp + 1..semi];
            let ok = ["amp", "lt", "gt", "quot", "apos"].contains(&entity)
                || entity
                    .strip_prefix("#x")
                    .is_some_and(|h| u32::from_str_radix(h, 16).is_ok_and(is_char_code))
                || entity.strip_prefix('#').is_some_and(|d| d.parse().is_ok_and(is_char_code));
            if !ok {
                return Err(format!("bad reference &{entity};"));
            }
            rest = &rest[semi + 1..];
        }
        Ok(())
    }

    fn is_char_code(code: u32) -> bool {
        char::from_u32(code).is_some_and(is_xml_char)
    }

    fn is_xml_char(c: char) -> bool {
        matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
    }
}
