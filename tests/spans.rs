//! Exact spans and line counting (issue 12.2) and suppression comments that are real
//! comments (issue 13.13).
//!
//! A span covers exactly the bytes a value was written in: a quoted scalar ends at its
//! closing quote, not after the blanks and comment that follow it; lines end at CR, LF
//! or CRLF, as YAML counts them, in spans, JSON and GitHub positions and suppressions.
//! The property test writes random specs whose every scalar it knows the text of, and
//! checks that each scalar node's span covers that text and parses back to its value.

mod common;

use common::{check_args, run, scratch_dir, write_files};
use ecslint::source::{Limits, Node, Span, Value, parse_yaml};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngSeed, TestCaseError, TestRunner};
use serde_json::Value as Json;
use std::fmt::Write as _;

// --- Through the binary -------------------------------------------------------------

/// An Instance whose region is misspelled as `region_text`, lines ended by `eol`.
fn instance_with_region(region_line: &str, eol: &str) -> String {
    [
        "kind: Instance",
        "name: web",
        region_line,
        "zone: cn-hangzhou-h",
        "instanceType: ecs.g7.large",
        "image: aliyun_3_x64_20G_alibase_20240819.vhd",
        "",
    ]
    .join(eol)
}

/// The one finding of `code` in a JSON report.
#[track_caller]
fn finding(report: &Json, code: &str) -> Json {
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    let matching: Vec<&Json> = findings.iter().filter(|f| f["code"] == code).collect();
    assert_eq!(matching.len(), 1, "expected one {code}: {report:#}");
    matching[0].clone()
}

#[test]
fn quoted_value_before_a_comment_is_underlined_to_its_closing_quote() {
    let dir = scratch_dir("spans-quoted");
    for (name, line) in [
        ("double.yaml", r#"region: "cn-hangzou"   # note with "quotes" and 'more'"#),
        ("single.yaml", "region: 'cn-hangzou'\t # note"),
        ("plain.yaml", "region: cn-hangzou    # note"),
    ] {
        write_files(&dir, &[(name, &instance_with_region(line, "\n"))]);
        let path = dir.join(name).display().to_string();
        let run = run(&check_args(["--format", "json", path.as_str()]));
        run.assert_code(1);
        let span = finding(&run.json(), "S005")["span"].clone();
        let quoted = usize::from(!name.starts_with("plain")) * 2;
        assert_eq!(span["length"], 10 + quoted, "{name}: {span}");
        assert_eq!((span["line"].as_u64(), span["column"].as_u64()), (Some(3), Some(9)), "{name}");
        assert_eq!(span["endColumn"], 19 + quoted, "{name}: {span}");
        let run = common::run(&check_args(["--format", "github", path.as_str()]));
        assert!(
            run.stdout.contains(&format!("line=3,endLine=3,col=9,endColumn={},", 18 + quoted)),
            "{name}: {}",
            run.stdout
        );
        let sarif = common::run(&check_args(["--format", "sarif", path.as_str()])).json();
        let region = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
        let got =
            ["startLine", "startColumn", "endColumn", "charOffset", "charLength"].map(|k| region[k].as_u64());
        assert_eq!(got, [3, 9, 19 + quoted, 33, 10 + quoted].map(|n| Some(n as u64)), "{name}: {region}");
    }
}

#[test]
fn quoted_items_of_flow_and_block_lists_end_at_their_quotes() {
    let dir = scratch_dir("spans-lists");
    let image = |regions: &str| {
        format!(
            "kind: Image\nname: base\nid: m-bp1c2vzq7d0f5mqkx8a1\ntype: custom\nos: {{family: ubuntu, version: \"22.04\"}}\n\
             architecture: x86_64\n{regions}\n"
        )
    };
    for (name, regions, line) in [
        ("flow.yaml", r#"regions: ["cn-hangzou"   , 'cn-beijing']  # two"#, 7),
        ("block.yaml", "regions:\n  - 'cn-beijing'\n  - \"cn-hangzou\"   # typo", 9),
    ] {
        write_files(&dir, &[(name, &image(regions))]);
        let path = dir.join(name).display().to_string();
        let run = run(&check_args(["--format", "json", path.as_str()]));
        let span = finding(&run.json(), "S005")["span"].clone();
        assert_eq!(span["length"], 12, "{name}: {span}");
        assert_eq!(span["line"], line, "{name}: {span}");
        assert_eq!(span["endLine"], line, "{name}: {span}");
    }
}

#[test]
fn carriage_returns_end_lines_in_every_position() {
    let dir = scratch_dir("spans-cr");
    for (name, eol) in [("cr.yaml", "\r"), ("crlf.yaml", "\r\n"), ("mixed.yaml", "\r")] {
        let mut text = instance_with_region(r#"region: "cn-hangzou"  # note"#, eol);
        if name == "mixed.yaml" {
            text = text.replacen('\r', "\n", 1).replacen('\r', "\r\n", 1);
        }
        write_files(&dir, &[(name, &text)]);
        let path = dir.join(name).display().to_string();
        let run = run(&check_args(["--format", "json", path.as_str()]));
        let span = finding(&run.json(), "S005")["span"].clone();
        let position = ["line", "column", "endLine", "endColumn", "length"].map(|k| span[k].as_u64());
        assert_eq!(position, [3, 9, 3, 21, 12].map(Some), "{name}: {span}");
        let run = common::run(&check_args(["--format", "github", path.as_str()]));
        assert!(run.stdout.contains("line=3,endLine=3,col=9,endColumn=20,"), "{name}: {}", run.stdout);
    }
}

#[test]
fn suppression_comments_count_lines_as_yaml_does() {
    let dir = scratch_dir("spans-cr-suppress");
    // Line 1's comment, alone on its line, covers lines 1 and 2 only: not line 3's region.
    let text = format!(
        "# ecslint-ignore S005 -- not this one\r{}",
        instance_with_region("region: cn-hangzou", "\r")
    );
    write_files(&dir, &[("early.yaml", &text)]);
    let path = dir.join("early.yaml").display().to_string();
    let run = run(&check_args(["--format", "json", path.as_str()]));
    run.assert_code(1);
    assert_eq!(finding(&run.json(), "S005")["span"]["line"], 4, "{}", run.describe());
    // Right above the region line, it covers it.
    let text = instance_with_region("# ecslint-ignore S005 -- known\rregion: cn-hangzou", "\r");
    write_files(&dir, &[("above.yaml", &text)]);
    let path = dir.join("above.yaml").display().to_string();
    run_expect_clean(&path);
}

#[track_caller]
fn run_expect_clean(path: &str) {
    let run = run(&check_args(["--format", "json", path]));
    run.assert_code(0);
    assert!(run.json_codes().is_empty(), "{}", run.describe());
}

// --- Suppressions come from comments only ---------------------------------------------

/// An Image on Ubuntu 20.04 (end of standard support 2025-05-31): L001 on `AS_OF`.
const EOL_IMAGE: &str = "kind: Image\nname: web-base\nid: m-bp1c2vzq7d0f5mqkx8a1\ntype: custom\n\
                         derivedFrom: ubuntu_20_04_x64_20G_alibase_20240220.vhd\nregions: [cn-hangzhou]\n";

#[test]
fn directives_inside_strings_do_not_suppress() {
    let dir = scratch_dir("suppress-strings");
    let cases = [
        (
            "literal.yaml",
            format!("{EOL_IMAGE}labels:\n  note: |\n    text # ecslint-ignore-file L001 L003\n"),
        ),
        ("folded.yaml", format!("{EOL_IMAGE}labels:\n  note: >-\n    # ecslint-ignore-file L001\n")),
        ("flow.yaml", format!("{EOL_IMAGE}labels: {{note: \"x # ecslint-ignore-file L001\"}}\n")),
        ("single.yaml", format!("{EOL_IMAGE}labels:\n  note: 'x # ecslint-ignore-file L001'\n")),
        (
            "multiline.yaml",
            format!("{EOL_IMAGE}labels:\n  note: \"first line\n    # ecslint-ignore-file L001\"\n"),
        ),
        ("key.yaml", format!("{EOL_IMAGE}labels:\n  \"k # ecslint-ignore-file L001\": v\n")),
    ];
    for (name, text) in &cases {
        write_files(&dir, &[(name, text)]);
        let path = dir.join(name).display().to_string();
        let run = run(&check_args(["--format", "json", path.as_str()]));
        run.assert_code(1);
        let json = run.json();
        let l001 = finding(&json, "L001");
        assert!(l001.get("suppressed").is_none_or(Json::is_null), "{name}: {l001:#}");
        assert_eq!(json["suppressed"].as_array().map_or(0, Vec::len), 0, "{name}: {json:#}");
    }
}

#[test]
fn real_comments_still_suppress() {
    let dir = scratch_dir("suppress-comments");
    let cases = [
        ("file.yaml", format!("# ecslint-ignore-file L001 -- legacy\n{EOL_IMAGE}")),
        ("after.yaml", format!("{EOL_IMAGE}labels:\n  note: \"x\" # ecslint-ignore-file L001\n")),
        ("block.yaml", format!("{EOL_IMAGE}labels:\n  note: |\n    text\n# ecslint-ignore-file L001\n")),
        ("hash.yaml", format!("{EOL_IMAGE}labels:\n  note: 'a # b' # ecslint-ignore-file L001\n")),
    ];
    for (name, text) in &cases {
        write_files(&dir, &[(name, text)]);
        run_expect_clean(&dir.join(name).display().to_string());
    }
}

// --- Property: every scalar's span is its text ----------------------------------------

const CASES: u32 = 256;

/// 256 cases from a fixed seed; `PROPTEST_CASES` and `PROPTEST_RNG_SEED` override them.
fn runner() -> TestRunner {
    let from_env = ProptestConfig::default();
    let set = |name| std::env::var_os(name).is_some();
    TestRunner::new(ProptestConfig {
        cases: if set("PROPTEST_CASES") { from_env.cases } else { CASES },
        rng_seed: if set("PROPTEST_RNG_SEED") { from_env.rng_seed } else { RngSeed::Fixed(0x5BA2_0012) },
        failure_persistence: None,
        max_shrink_iters: 2_000,
        ..from_env
    })
}

/// How a scalar is written; each knows its exact text.
#[derive(Clone, Debug)]
enum Scalar {
    Plain(&'static str),
    Single(String),
    Double(String),
    /// A double-quoted scalar broken over two lines (block context only).
    TwoLines(String, String),
}

impl Scalar {
    /// The scalar's text; `eol` ends lines, `indent` indents a continuation line.
    fn text(&self, eol: &str, indent: usize) -> String {
        match self {
            Self::Plain(word) => (*word).to_string(),
            Self::Single(s) => format!("'{}'", s.replace('\'', "''")),
            Self::Double(s) => format!("\"{}\"", escape(s)),
            Self::TwoLines(a, b) => format!("\"{}{eol}{}{}\"", escape(a), " ".repeat(indent), escape(b)),
        }
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// What follows a value on its line: blanks and maybe a comment (quotes and all).
#[derive(Clone, Debug)]
struct Trail {
    blanks: &'static str,
    comment: Option<&'static str>,
}

impl Trail {
    fn text(&self) -> String {
        match self.comment {
            Some(comment) => format!("{} {comment}", self.blanks),
            None => self.blanks.to_string(),
        }
    }
}

#[derive(Clone, Debug)]
enum Entry {
    Inline(Scalar, Trail),
    Flow(Vec<(Scalar, &'static str)>, Trail),
    Block(Vec<(Scalar, Trail)>),
    Literal(&'static str, Trail),
}

fn plain() -> impl Strategy<Value = Scalar> {
    prop::sample::select(vec!["cn-hangzhou", "x86_64", "12", "true", "~", "a b", "a#b", "ü-x", "1.5", "no"])
        .prop_map(Scalar::Plain)
}

fn content() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec!["a", " ", "#", " # ", "'", "\"", "\\", ",", "ü", "]", ": ", "\n", "x"]),
        0..8,
    )
    .prop_map(|parts| parts.concat())
}

/// Any scalar; `block` allows the ones broken over lines. `\n` in single quotes would fold, so
/// single-quoted content keeps to one line.
fn scalar(block: bool) -> BoxedStrategy<Scalar> {
    let single = content().prop_map(|s| Scalar::Single(s.replace('\n', " ")));
    let double = content().prop_map(Scalar::Double);
    if block {
        let two = (content(), content()).prop_map(|(a, b)| {
            // Blanks at a line break fold away: keep the value's two halves free of them.
            let clean = |s: String| s.replace('\n', "\\").trim().to_string();
            Scalar::TwoLines(clean(a), clean(b))
        });
        prop_oneof![plain(), single, double, two].boxed()
    } else {
        prop_oneof![plain(), single, double].boxed()
    }
}

fn trail() -> impl Strategy<Value = Trail> {
    (
        prop::sample::select(vec!["", " ", "   ", "\t", " \t "]),
        prop::option::of(prop::sample::select(vec!["# note", "#", "# \"q\" 'r' , ]", "# ecslint"])),
    )
        .prop_map(|(blanks, comment)| Trail { blanks, comment })
}

fn entry() -> impl Strategy<Value = Entry> {
    prop_oneof![
        (scalar(true), trail()).prop_map(|(s, t)| Entry::Inline(s, t)),
        (prop::collection::vec((scalar(false), prop::sample::select(vec!["", " ", "  "])), 1..4), trail())
            .prop_map(|(items, t)| Entry::Flow(items, t)),
        prop::collection::vec((scalar(true), trail()), 1..4).prop_map(Entry::Block),
        (prop::sample::select(vec!["text", "a # b", "{\"k\": [1, 2]}"]), trail())
            .prop_map(|(s, t)| Entry::Literal(s, t)),
    ]
}

/// A document and the exact text of each of its scalar values, in source order.
fn render(entries: &[Entry], eols: &[&str]) -> (String, Vec<String>) {
    let mut text = String::new();
    let mut expected = Vec::new();
    let mut line = 0;
    let mut eol = || {
        line += 1;
        eols[line % eols.len()]
    };
    for (index, entry) in entries.iter().enumerate() {
        write!(text, "k{index}:").unwrap();
        match entry {
            Entry::Inline(scalar, trail) => {
                let written = scalar.text(eol(), 2);
                write!(text, " {written}{}{}", trail.text(), eol()).unwrap();
                expected.push(written);
            }
            Entry::Flow(items, trail) => {
                let written: Vec<String> = items.iter().map(|(s, _)| s.text("\n", 0)).collect();
                let joined: Vec<String> =
                    written.iter().zip(items).map(|(w, (_, gap))| format!("{w}{gap}")).collect();
                write!(text, " [{}]{}{}", joined.join(", "), trail.text(), eol()).unwrap();
                expected.extend(written);
            }
            Entry::Block(items) => {
                text.push_str(eol());
                for (scalar, trail) in items {
                    let written = scalar.text(eol(), 4);
                    write!(text, "  - {written}{}{}", trail.text(), eol()).unwrap();
                    expected.push(written);
                }
            }
            Entry::Literal(content, trail) => {
                let break1 = eol();
                write!(text, " |{}{break1}  {content}{}", trail.text(), eol()).unwrap();
                // A block scalar's span is its content; a `#` in it is not a comment.
                expected.push((*content).to_string());
            }
        }
    }
    (text, expected)
}

/// Every scalar value node of a tree (keys are checked through their names), in source order.
fn scalar_nodes<'a>(node: &'a Node, out: &mut Vec<&'a Node>) {
    match &node.value {
        Value::Seq(items) => items.iter().for_each(|item| scalar_nodes(item, out)),
        Value::Map(entries) => entries.iter().for_each(|e| scalar_nodes(&e.value, out)),
        _ => out.push(node),
    }
}

fn slice(text: &str, span: Span) -> Result<&str, TestCaseError> {
    text.get(span.start()..span.end())
        .ok_or_else(|| TestCaseError::fail(format!("{span:?} is not in the text")))
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        _ => a == b,
    }
}

#[test]
fn every_scalar_span_covers_exactly_its_text() {
    let eols = prop::collection::vec(prop::sample::select(vec!["\n", "\r", "\r\n"]), 1..4);
    let strategy = (prop::collection::vec(entry(), 1..6), eols);
    let result = runner().run(&strategy, |(entries, eols)| {
        let (text, expected) = render(&entries, &eols);
        let docs = parse_yaml(&text, Limits::default())
            .map_err(|e| TestCaseError::fail(format!("{e:?} in {text:?}")))?;
        let mut nodes = Vec::new();
        scalar_nodes(&docs[0].root, &mut nodes);
        prop_assert_eq!(nodes.len(), expected.len(), "{:?}", text);
        for (node, written) in nodes.iter().zip(&expected) {
            let under = slice(&text, node.span)?;
            prop_assert_eq!(under, written.as_str(), "in {:?}", text);
            // A block scalar's content alone reads as another kind of scalar.
            if !matches!(&node.value, Value::Str(s) if s.ends_with('\n')) {
                let back = parse_yaml(under, Limits::default())
                    .map_err(|e| TestCaseError::fail(format!("{under:?} does not parse alone: {e:?}")))?;
                prop_assert!(same(&back[0].root.value, &node.value), "{:?} is not {:?}", under, node.value);
            }
        }
        // Scalars and comments hold no tokens: however many `,` `[` `"` they contain, the
        // parser's token guard (here at 8) never counts them.
        let tight = Limits { max_pending_indicators: 8, ..Limits::default() };
        prop_assert!(parse_yaml(&text, tight).is_ok(), "{:?}", parse_yaml(&text, tight).err());
        for (index, entry) in docs[0].root.as_map().unwrap_or_default().iter().enumerate() {
            prop_assert_eq!(slice(&text, entry.key.span)?, format!("k{index}"));
        }
        Ok(())
    });
    if let Err(error) = result {
        panic!("{error}");
    }
}
