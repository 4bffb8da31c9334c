//! Tests of the YAML reader: spans, scalar resolution, and the bounds on hostile input.

use super::*;
use std::fmt::Write as _;

fn parse(text: &str) -> Vec<Document> {
    parse_yaml(text, Limits::default()).unwrap_or_else(|e| panic!("{e:?}"))
}

fn slice(text: &str, span: Span) -> &str {
    &text[span.start()..span.end()]
}

#[test]
fn spans_cover_keys_and_every_kind_of_value() {
    let text = "kind: Instance\nname: \"web-1\"\ncount: 3\nratio: 0.5\non: true\nnone: ~\ntags: [a, 'b']\nm: {x: 1}\nlist:\n  - one\n  - k: v\n";
    let docs = parse(text);
    let root = &docs[0].root;
    let get = |k: &str| root.get(k).unwrap();
    assert_eq!(slice(text, root.entry("kind").unwrap().key.span), "kind");
    assert_eq!(get("kind").value, Value::Str("Instance".into()));
    assert_eq!(slice(text, get("name").span), "\"web-1\"");
    assert_eq!(get("count").value, Value::Int(3));
    assert_eq!(get("ratio").value, Value::Float(0.5));
    assert_eq!(get("on").value, Value::Bool(true));
    assert_eq!(get("none").value, Value::Null);
    assert_eq!(slice(text, get("tags").span), "[a, 'b']");
    assert_eq!(slice(text, get("m").span), "{x: 1}");
    assert_eq!(slice(text, get("list").span), "- one\n  - k: v");
    let item = &get("list").as_seq().unwrap()[1];
    assert_eq!(slice(text, item.span), "k: v");
    assert_eq!(slice(text, root.span), text.trim_end());
}

#[test]
fn several_documents_and_lists() {
    let text = "a: 1\n---\n- x\n- y\n---\n# only a comment\n";
    let docs = parse(text);
    assert_eq!(docs.len(), 3);
    assert_eq!(docs[1].root.as_seq().map(<[Node]>::len), Some(2));
    assert_eq!(docs[2].root.value, Value::Null);
}

#[test]
fn yaml_1_1_booleans_stay_strings_and_numbers_resolve() {
    let docs = parse(
        "a: yes\nb: no\nc: 0x1F\nd: 1e3\ne: 22.04\nf: '7'\ng: !!str 12\nh: 12345678901234567890\ni: 1.2.3\n",
    );
    let root = &docs[0].root;
    assert_eq!(root.get("a").unwrap().value, Value::Str("yes".into()));
    assert_eq!(root.get("b").unwrap().value, Value::Str("no".into()));
    assert_eq!(root.get("c").unwrap().value, Value::Int(31));
    assert_eq!(root.get("d").unwrap().value, Value::Float(1000.0));
    assert_eq!(root.get("e").unwrap().value, Value::Float(22.04));
    assert_eq!(root.get("f").unwrap().value, Value::Str("7".into()));
    assert_eq!(root.get("g").unwrap().value, Value::Str("12".into()));
    assert_eq!(root.get("h").unwrap().value, Value::Float(12_345_678_901_234_567_890.0));
    assert_eq!(root.get("i").unwrap().value, Value::Str("1.2.3".into()));
}

#[test]
fn unicode_before_a_node_keeps_byte_spans_exact() {
    let text = "名前: \"ü\"\nregion: cn-hangzhou\n";
    let root = &parse(text)[0].root;
    assert_eq!(slice(text, root.get("region").unwrap().span), "cn-hangzhou");
    assert_eq!(slice(text, root.get("名前").unwrap().span), "\"ü\"");
}

#[test]
fn byte_order_mark_is_skipped_and_spans_index_the_original() {
    let text = "\u{feff}name: a\n";
    let root = &parse(text)[0].root;
    assert_eq!(slice(text, root.get("name").unwrap().span), "a");
}

#[test]
fn duplicate_keys_point_at_the_second_with_a_label_on_the_first() {
    let text = "name: a\nregion: x\nname: b\n";
    let error = parse_yaml(text, Limits::default()).unwrap_err();
    assert_eq!(error.message, "duplicate key `name`");
    assert_eq!(error.span, Span::new(18, 22));
    assert_eq!(error.labels, vec![(Span::new(0, 4), "first defined here".to_string())]);
}

#[test]
fn duplicate_keys_in_large_mappings_are_found() {
    let mut text = String::new();
    for i in 0..100 {
        writeln!(text, "k{i}: {i}").unwrap();
    }
    text.push_str("k7: again\n");
    let error = parse_yaml(&text, Limits::default()).unwrap_err();
    assert_eq!(error.message, "duplicate key `k7`");
}

#[test]
fn syntax_errors_carry_the_position() {
    let text = "ü: [1, 2\n";
    let error = parse_yaml(text, Limits::default()).unwrap_err();
    assert!(error.message.contains("expected ',' or ']'"), "{}", error.message);
    assert_eq!(error.span.start(), text.len());
}

#[test]
fn merge_keys_fill_in_missing_entries() {
    let text = "base: &b {region: cn-hangzhou, count: 1}\nweb:\n  <<: *b\n  count: 2\n";
    let root = &parse(text)[0].root;
    let web = root.get("web").unwrap();
    assert_eq!(web.get("count").unwrap().value, Value::Int(2));
    assert_eq!(web.get_str("region"), Some("cn-hangzhou"));
}

#[test]
fn alias_bombs_are_bounded() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let prev = i - 1;
        let refs = vec![format!("*a{prev}"); 10].join(", ");
        writeln!(text, "a{i}: &a{i} [{refs}]").unwrap();
    }
    let error = parse_yaml(&text, Limits::default()).unwrap_err();
    assert!(error.message.contains("aliases expand to more than"), "{}", error.message);
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let text = "[".repeat(100_000);
    let error = parse_yaml(&text, Limits::default()).unwrap_err();
    assert!(error.message.starts_with("nesting is deeper than"), "{}", error.message);
    let mut block = String::new();
    for i in 0..200 {
        writeln!(block, "{}k:", " ".repeat(i)).unwrap();
    }
    let error = parse_yaml(&block, Limits::default()).unwrap_err();
    assert!(error.message.contains("deeper than"), "{}", error.message);
}

#[test]
fn long_non_ascii_lines_map_offsets_without_rescanning_the_line() {
    // One flow list on one line after a non-ASCII character: every event's offset
    // used to walk the line from its start, quadratic in the line's length.
    let items = vec!["ab"; 100_000].join(", ");
    let text = format!("ü: x\nlist: [{items}, last]\n");
    let root = &parse(&text)[0].root;
    let list = root.get("list").unwrap().as_seq().unwrap();
    assert_eq!(list.len(), 100_001);
    assert_eq!(slice(&text, list[100_000].span), "last");
    assert_eq!(slice(&text, list[99_999].span), "ab");
}

#[test]
fn carriage_returns_end_lines_in_non_ascii_text() {
    for text in [
        "ü: a\rregion: cn-hangzhou\r",
        "ü: a\r\nregion: cn-hangzhou\r\n",
        "ü: a\rb: c\r\nregion: cn-hangzhou",
    ] {
        let root = &parse(text)[0].root;
        assert_eq!(slice(text, root.get("region").unwrap().span), "cn-hangzhou", "{text:?}");
        assert_eq!(slice(text, root.entry("region").unwrap().key.span), "region", "{text:?}");
    }
}

#[test]
fn anchors_too_large_to_expand_are_not_copied() {
    let limits = Limits { max_alias_nodes: 10, ..Limits::default() };
    // x and y are kept (4 nodes each); z (6 nodes) no longer fits the 10-node budget.
    let text = "a: &x [1, 2, 3]\nb: &y [4, 5, 6]\nc: &z [7, 8, 9, 10, 11]\nd: *x\n";
    let root = &parse_yaml(text, limits).unwrap()[0].root;
    assert_eq!(root.get("d").unwrap().as_seq().map(<[Node]>::len), Some(3));
    let error = parse_yaml(&format!("{text}e: *z\n"), limits).unwrap_err();
    assert!(error.message.starts_with("aliases expand to more than 10 nodes"), "{}", error.message);
    assert_eq!(slice(&format!("{text}e: *z\n"), error.span), "*z");
    // Past the budget, anchors cost a bit each; their aliases fail, others still work.
    let many = (0..50).map(|i| format!("a{i}: &x{i} [{i}, {i}]\n")).collect::<Vec<_>>().concat();
    let root = &parse_yaml(&format!("{many}b: *x1\n"), limits).unwrap()[0].root;
    assert_eq!(root.get("b").unwrap().as_seq().map(<[Node]>::len), Some(2));
    let error = parse_yaml(&format!("{many}b: *x40\n"), limits).unwrap_err();
    assert!(error.message.starts_with("aliases expand to more than 10 nodes"), "{}", error.message);
    // Copies are per document: the next document has the whole budget again.
    let text = "a: &x [1, 2, 3]\nb: &y [4, 5, 6]\n---\nc: &z [7, 8, 9, 10, 11]\nd: *z\n";
    assert!(parse_yaml(text, limits).is_ok());
}

#[test]
fn aliases_are_bounded_in_bytes_as_well_as_nodes() {
    let limits = Limits { max_alias_bytes: 100, ..Limits::default() };
    let long = "x".repeat(40);
    let text = format!("a: &s {long}\nb: *s\nc: [*s]\n");
    let root = &parse_yaml(&text, limits).unwrap()[0].root;
    assert_eq!(root.get_str("b"), Some(long.as_str()));
    let text = format!("a: &s {long}\nb: *s\nc: *s\nd: *s\n");
    let error = parse_yaml(&text, limits).unwrap_err();
    assert_eq!(error.message, "aliases expand to more than 100000 nodes or 100 bytes of text");
    assert_eq!(error.span.start(), text.rfind('*').unwrap());
    // Keys count too: the mapping holds 41 bytes of values and 4 of keys.
    let text = format!("m: &m {{k1: {long}, k2: x}}\nn: *m\nn2: *m\n");
    let error = parse_yaml(&text, Limits { max_alias_bytes: 85, ..limits }).unwrap_err();
    assert_eq!(error.span.start(), text.rfind('*').unwrap());
}

#[test]
fn nested_anchors_on_a_large_node_are_not_copied_at_every_level() {
    // Each level used to keep a full copy of everything below it: 100 levels of a
    // 200,000-item list held 20 million nodes.
    let depth = 100;
    let items = vec!["x"; 200_000].join(", ");
    let open = (0..depth).fold(String::new(), |mut open, i| {
        write!(open, "&a{i} [").unwrap();
        open
    });
    let text = format!("{open}{items}{}\n", "]".repeat(depth));
    let docs = parse(&text);
    let mut node = &docs[0].root;
    for _ in 0..depth - 1 {
        node = &node.as_seq().unwrap()[0];
    }
    assert_eq!(node.as_seq().map(<[Node]>::len), Some(200_000));
    let error = parse_yaml(&format!("- {open}{items}{}\n- *a50\n", "]".repeat(depth)), Limits::default())
        .unwrap_err();
    assert!(error.message.contains("aliases expand to more than"), "{}", error.message);
}

#[test]
fn long_flow_collections_stop_at_the_pending_token_limit() {
    // A flow collection that might be a mapping key (here: at the top) has its
    // tokens queued by the YAML parser until it closes.
    let limits = Limits { max_pending_indicators: 1_000, ..Limits::default() };
    let long = format!("[{}]\n", vec!["x"; 2_000].join(", "));
    let Err(error) = parse_yaml(&long, limits) else { panic!("a 2,000-item top-level list parsed") };
    assert_eq!(error.message, "more than 1000 YAML tokens before a value completes");
    assert_eq!(slice(&long, error.span), ",");
    assert!(error.help.as_deref().is_some_and(|h| h.contains("block style")));
    // As a mapping value, or in block style, the same list produces events as it goes.
    let value = format!("list: [{}]\n", vec!["x"; 2_000].join(", "));
    let block: String =
        std::iter::once("list:\n".to_string()).chain((0..2_000).map(|i| format!("  - {i}\n"))).collect();
    for text in [value, block] {
        let docs = parse_yaml(&text, limits).map_err(|e| e.message).unwrap();
        assert_eq!(docs[0].root.get("list").and_then(Node::as_seq).map(<[Node]>::len), Some(2_000));
    }
}

/// Both readings of `text`: the trees or the errors must be the same.
fn both_readings(text: &str, limits: Limits) -> [Result<Vec<Document>, SyntaxError>; 2] {
    [Reading::Direct, Reading::Metered]
        .map(|reading| drive_reading(text, limits, reading, Tags::Keep, Builder::event).map(|b| b.documents))
}

#[test]
fn long_texts_that_cannot_pass_the_token_limit_parse_the_same_without_the_meter() {
    let limits = Limits { max_pending_indicators: 1_000, ..Limits::default() };
    let block: String = (0..2_000).fold(String::new(), |mut text, i| {
        writeln!(text, "- name: item-{i}\n  note: 'a, b' # c").unwrap();
        text
    });
    let cases = [
        block.clone(),
        format!("\u{feff}ü:\n{block}"),
        format!("{block}- tags: [a, b, {{c: d}}]\n"),
        // Errors: the same message at the same place.
        format!("{block}- [a, b\n"),
        format!("{block}- name: a\n  name: b\n"),
        format!("{block}- a: b: c\n"),
        // Read metered: brackets in scalars and comments (the count cannot tell them
        // from flow collections), and flow lists on many lines, more counted characters
        // than the limit in all but never that many between two events.
        format!("- note: 'a, [b]' # {{c}}\n{block}"),
        (0..2_000).fold(String::new(), |mut text, i| {
            writeln!(text, "- [{i}, x]").unwrap();
            text
        }),
    ];
    for (i, text) in cases.iter().enumerate() {
        assert_eq!(cannot_pass(text, limits.max_pending_indicators), i < 6, "case {i}");
        let [direct, metered] = both_readings(text, limits);
        assert_eq!(direct.is_ok(), !(3..6).contains(&i), "case {i}");
        assert_eq!(direct, metered, "case {i}");
    }
}

#[test]
fn a_text_past_the_token_limit_is_read_metered_and_stops_with_the_same_error() {
    // Long, with a top-level flow list of more counted tokens than the limit: read
    // metered, as before the count of flow characters, so it stops with the same error.
    let limits = Limits { max_pending_indicators: 1_000, ..Limits::default() };
    let block: String = (0..500).fold(String::new(), |mut text, i| {
        writeln!(text, "k{i}: v").unwrap();
        text
    });
    let text = format!("{block}---\n[{}]\n", vec!["x"; 1_500].join(", "));
    assert!(!cannot_pass(&text, limits.max_pending_indicators));
    let error = parse_yaml(&text, limits).unwrap_err();
    assert_eq!(error.message, "more than 1000 YAML tokens before a value completes");
    assert_eq!(slice(&text, error.span), ",");
    let [direct, metered] = both_readings(&text, limits);
    assert_eq!(metered, Err(error));
    // Without the meter the same text parses: the meter is what stops it.
    assert!(direct.is_ok());
}

#[test]
fn flow_collections_end_at_their_closing_bracket_not_at_a_comment_after_it() {
    let text = "a: {b: 1}  # note\nc: [1, [2]]   # note\nd:\n  - [{e: 1}  , x]\n";
    let root = &parse(text)[0].root;
    assert_eq!(slice(text, root.get("a").unwrap().span), "{b: 1}");
    assert_eq!(slice(text, root.get("c").unwrap().span), "[1, [2]]");
    let d = &root.get("d").unwrap().as_seq().unwrap()[0];
    assert_eq!(slice(text, d.span), "[{e: 1}  , x]");
    assert_eq!(slice(text, d.as_seq().unwrap()[0].span), "{e: 1}");
    assert_eq!(slice(text, root.span), text.trim_end());
    // An anchor or a tag before the bracket does not make it a block collection.
    let text = "a: &x [1]  # c\nb: !!seq [2]  # d\nc: &y !!map {e: 3}  # f\n";
    let root = &parse(text)[0].root;
    assert_eq!(slice(text, root.get("a").unwrap().span), "&x [1]");
    assert_eq!(slice(text, root.get("b").unwrap().span), "!!seq [2]");
    assert_eq!(slice(text, root.get("c").unwrap().span), "&y !!map {e: 3}");
    // A block collection ends at its last child, so at the bracket too.
    let text = "\u{feff}- {f: [1]}  # hi\n";
    let root = &parse(text)[0].root;
    assert_eq!(slice(text, root.span), "- {f: [1]}");
    assert_eq!(slice(text, root.as_seq().unwrap()[0].span), "{f: [1]}");
}

#[test]
fn complex_keys_are_refused() {
    let error = parse_yaml("? [a]\n: b\n", Limits::default()).unwrap_err();
    assert!(error.message.contains("mapping key"), "{}", error.message);
}

fn tagged(text: &str) -> Vec<Document> {
    parse_yaml_tagged(text, Limits::default()).unwrap_or_else(|e| panic!("{e:?}"))
}

#[test]
fn local_tags_are_kept_as_a_mapping_keyed_by_the_tag_when_asked() {
    let text = "a: !Ref ImageId\nb: !Join ['.', [!Ref P, large]]\nc: &x !If\n  - Big\n  - 1\n  - 2\nd: *x\ne: !GetAZs\nf: !Sub '${P}.xlarge'  # note\ng: !Other {k: v}\n!Key h: 1\n";
    let root = &tagged(text)[0].root;
    let get = |k: &str| root.get(k).unwrap_or_else(|| panic!("{k}"));
    let tag = |node: &Node| {
        let [entry] = node.as_map().unwrap_or_else(|| panic!("{node:?}")) else { panic!("{node:?}") };
        (slice(text, entry.key.span).to_string(), entry.key.name.to_string(), entry.value.clone())
    };
    let (written, name, inner) = tag(get("a"));
    assert_eq!((written.as_str(), name.as_str()), ("!Ref", "!Ref"));
    assert_eq!(inner.value, Value::Str("ImageId".into()));
    assert_eq!(slice(text, inner.span), "ImageId");
    assert_eq!(slice(text, get("a").span), "!Ref ImageId");
    // A tagged flow list ends at its closing bracket, and tags nest.
    assert_eq!(slice(text, get("b").span), "!Join ['.', [!Ref P, large]]");
    let (_, name, inner) = tag(get("b"));
    assert_eq!(name, "!Join");
    assert_eq!(slice(text, inner.span), "['.', [!Ref P, large]]");
    let nested = &inner.as_seq().unwrap()[1].as_seq().unwrap()[0];
    assert_eq!(tag(nested).1, "!Ref");
    assert_eq!(slice(text, nested.span), "!Ref P");
    // A block list under a tag and an anchor; its alias carries the tag too.
    let (written, name, inner) = tag(get("c"));
    assert_eq!((written.as_str(), name.as_str()), ("!If", "!If"));
    assert_eq!(inner.as_seq().map(<[Node]>::len), Some(3));
    assert_eq!(tag(get("d")).1, "!If");
    // An empty scalar under a tag is null; its span ends at the tag.
    let (_, name, inner) = tag(get("e"));
    assert_eq!((name.as_str(), &inner.value), ("!GetAZs", &Value::Null));
    assert!(inner.span.start() >= get("e").span.start() + "!GetAZs".len());
    assert_eq!(slice(text, get("f").span), "!Sub '${P}.xlarge'");
    assert_eq!(tag(get("f")).2.value, Value::Str("${P}.xlarge".into()));
    assert_eq!(tag(get("g")).1, "!Other");
    // A key's tag is dropped: a key is a name.
    assert_eq!(get("h").value, Value::Int(1));
    // The other reading keeps today's tree: tags dropped, values as written after them.
    let plain = &parse(text)[0].root;
    assert_eq!(plain.get("a").map(|n| &n.value), Some(&Value::Str("ImageId".into())));
    assert_eq!(plain.get("a").map(|n| slice(text, n.span)), Some("!Ref ImageId"));
    // `!!str` is not a local tag: it keeps a plain scalar a string, in both readings.
    let root = &tagged("n: !!str 12\n")[0].root;
    assert_eq!(root.get("n").map(|n| &n.value), Some(&Value::Str("12".into())));
}

#[test]
fn untagging_a_tagged_tree_gives_the_tree_read_without_tags() {
    let texts = [
        "a: !Ref ImageId\nb: !Join ['.', [!Ref P, large]]\nc: &x !If\n  - Big\n  - {k: !Ref v}\nd: *x\ne: !GetAZs\n",
        "- !Foo 12\n- !Bar\n  k: !Baz true\n- '!quoted'\n- {'!Ref': x}\n",
        "k: v\n",
        // A tagged mapping merged by `<<` merges its entries, not the tag (review).
        "- &base !defaults\n  kind: Instance\n  name: base\n- <<: *base\n  name: web\n",
        "- &a !t {x: 1}\n- &b !u {y: 2}\n- <<: [*a, *b, !v {w: 0}]\n  z: 3\n- <<: !m {q: 1}\n",
        "\u{feff}- &a !t {x: 1}\n- <<: *a\n",
    ];
    for text in texts {
        let mut with = tagged(text);
        for document in &mut with {
            crate::source::untag(&mut document.root, text);
        }
        assert_eq!(with, parse(text), "{text}");
    }
    // A key written `'!Ref'` is a string, not a tag.
    let text = "'!Ref': x\n";
    let root = &tagged(text)[0].root;
    assert!(crate::source::local_tag(root, text).is_none());
}

#[test]
fn tags_on_block_mappings_block_scalars_and_quoted_scalars_span_the_file() {
    let text = "a: !Foo\n  k: v\nb: !Sub |\n  echo ${X}\nc: !Ref &n \"q\"  # c\n";
    let root = &tagged(text)[0].root;
    for (key, tag, content) in
        [("a", "!Foo", "k: v"), ("b", "!Sub", "|\n  echo ${X}"), ("c", "!Ref", "\"q\"")]
    {
        let node = root.get(key).unwrap_or_else(|| panic!("{key}"));
        let entry = node.as_map().and_then(<[Entry]>::first).unwrap_or_else(|| panic!("{key}"));
        assert_eq!(slice(text, entry.key.span), tag, "{key}");
        assert!(
            slice(text, entry.value.span).starts_with(content),
            "{key}: {:?}",
            slice(text, entry.value.span)
        );
        assert!(slice(text, node.span).starts_with(tag), "{key}");
    }
    assert_eq!(slice(text, root.get("c").map_or(Span::default(), |n| n.span)), "!Ref &n \"q\"");
}
