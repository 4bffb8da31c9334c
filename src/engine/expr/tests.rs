//! Tests of `expr.rs`.

use super::*;

fn file(text: &str) -> Arc<SourceFile> {
    Arc::new(SourceFile::new("rule.yaml", text))
}

#[test]
fn syntax_errors_point_into_the_rule_file() {
    let text = "assert: resource.count >\n";
    let f = file(text);
    let span = Span::new(8, text.trim_end().len());
    let error = Expr::compile("resource.count >", span, &f).unwrap_err();
    assert!(error.message.starts_with("CEL syntax error"), "{}", error.message);
    assert_eq!(error.span.start(), text.trim_end().len());
}

/// Every expression the built-in rules hold, templates included.
fn built_in_expressions() -> Vec<String> {
    let rules = crate::engine::RuleSet::builtin().unwrap_or_else(|e| panic!("{e:?}"));
    let mut texts = Vec::new();
    for rule in rules.rules() {
        let data = rule.data.iter().map(|(_, expr)| expr);
        let in_templates = rule.templates().flat_map(Template::exprs);
        texts.extend(rule.conditions().chain(data).chain(in_templates).map(|expr| expr.text.clone()));
    }
    texts
}

/// Built-in expressions skip the unknown-variable check at run time (`build`): here they meet it.
#[test]
fn every_built_in_expression_names_only_known_variables() {
    let f = file("");
    let texts = built_in_expressions();
    assert!(texts.len() > 100, "only {} built-in expressions", texts.len());
    for text in &texts {
        let program = compile_cached(text, Origin::BuiltIn).unwrap_or_else(|e| panic!("{text}: {e}"));
        let checked = unknown_variable(text, Span::default(), &f, &program);
        assert!(checked.is_ok(), "{text}: {:?}", checked.err());
    }
    // The check can fail, and a built-in origin does not hide it from a user's rule.
    let program = compile_cached("image.name == nmae", Origin::BuiltIn).unwrap_or_else(|e| panic!("{e}"));
    assert!(unknown_variable("image.name == nmae", Span::default(), &f, &program).is_err());
    assert!(Expr::compile("image.name == nmae", Span::default(), &f).is_err());
}

#[test]
fn the_pratt_parser_builds_what_antlr_builds() {
    let texts = built_in_expressions();
    assert!(texts.len() > 100, "only {} built-in expressions", texts.len());
    let more = [
        "a.b[0]['c'] + -1 - -2.5e3 * 3u % 4 / 5",
        "!a || b && c ? d : e in [1, 2,] && {'k': v, 1: 2}.k == null",
        r#"'\t\'q\u00e9' + "x" + '''multi
line''' + r'raw\n' + b'\x00' == string(b"y")"#,
        "a.all(x, x.exists(y, y > 0)) && a.map(x, x * 2).filter(x, x > 2).size() > 0",
        "has(a.b) && a.exists_one(x, x == 1) && a.map(x, x > 0, x) == [] && !has(a.c.d)",
        "size(a) >= 1 && a.size() <= 2 && a != b && type(a) == int && 1 < 2 && 0x1F > 0",
        "a.startsWith('x') ? [[1], []] : {}",
    ];
    for text in texts.iter().map(String::as_str).chain(more) {
        let antlr = Program::compile(text).map(|p| shape(p.expression()));
        let antlr = antlr.unwrap_or_else(|e| panic!("{text}: {e}"));
        let pratt = cel::parser::PrattParser::default().parse(text).map(|e| shape(&e));
        assert_eq!(pratt.ok(), Some(antlr), "{text}");
    }
}

/// The tree as text without node ids: the parsers may number nodes differently (a
/// map entry before or after its key), and nothing evaluates by them.
fn shape(expr: &Expression) -> String {
    let debug = format!("{expr:?}");
    let mut out = String::with_capacity(debug.len());
    for (i, piece) in debug.split("id: ").enumerate() {
        out.push_str(if i == 0 { piece } else { piece.trim_start_matches(|c: char| c.is_ascii_digit()) });
    }
    out
}

/// Runs `test` on a thread with the stack the CLI gives its workers.
fn on_worker_stack(test: impl FnOnce() + Send + 'static) {
    let thread = std::thread::Builder::new().stack_size(crate::STACK_SIZE).spawn(test);
    let joined = thread.map(std::thread::JoinHandle::join);
    assert!(matches!(joined, Ok(Ok(()))), "the test thread failed");
}

/// User rules are parsed by ANTLR alone, so what the Pratt parser would take but CEL
/// does not is refused; a chain within the operator bound reaches ANTLR's depth limit
/// (the Pratt parser recurses once per `? :` without counting it, to the end of the
/// stack), and one past it is refused before any parser sees it.
#[test]
fn user_expressions_are_judged_by_antlr() {
    on_worker_stack(user_expressions_are_judged_by_antlr_body);
}

fn user_expressions_are_judged_by_antlr_body() {
    let f = file("x");
    let message = |text: &str| Expr::compile(text, Span::new(0, 1), &f).err().map(|e| e.message);
    for text in ["!!-resource.n", "-!resource.b", "0X1F == 31", "(resource){}", "'a\nb' == ''"] {
        assert!(cel::parser::PrattParser::default().parse(text).is_ok(), "{text}");
        assert!(message(text).is_some_and(|m| m.starts_with("CEL syntax error")), "{text}");
    }
    let chain = format!("{}0", "resource.b ? 1 : ".repeat(300));
    assert!(message(&chain).is_some_and(|m| m.contains("nests too deeply")), "{:?}", message(&chain));
    // Messages are for people: no Rust debug dump, no parser internals.
    let deep_ternary = format!("{}1{}", "true ? ".repeat(450), " : 2".repeat(450));
    let parens = format!("{}true{}", "(".repeat(100), ")".repeat(100));
    let lists = format!("size({}{}) > 0", "[".repeat(100), "]".repeat(100));
    for text in [chain.as_str(), &deep_ternary, &parens, &lists, "1 ? 2", "1 +", "[1, 2"] {
        let message = message(text).unwrap_or_else(|| panic!("{text} compiled"));
        for internal in ["Error(", "ExprContext", "{ ", "<EOF>", "UNKNOWN"] {
            assert!(!message.contains(internal), "{text}: {message}");
        }
    }
    assert!(message(&lists).is_some_and(|m| m.contains("nested too deeply")));
    let sum = vec!["1"; 1_002].join("+");
    assert!(message(&sum).is_some_and(|m| m.starts_with("CEL expression too large")));
    assert!(message(&vec!["1"; 1_001].join("+")).is_none());
}

/// Random user expressions, some with a piece repeated thousands of times (deep
/// chains): each compiles or is an error inside the rule file, and none takes the
/// process down (a stack overflow aborts the test binary).
#[test]
fn random_user_expressions_compile_or_fail_with_a_span() {
    on_worker_stack(random_user_expressions_body);
}

fn random_user_expressions_body() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, RngSeed, TestRunner};
    const PIECES: &[&str] = &[
        "resource",
        "image.os",
        ".a",
        "x",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ",",
        ":",
        " ? ",
        "!",
        "-",
        " + ",
        "*",
        "==",
        "<=",
        " && ",
        " || ",
        " in ",
        "1",
        "2u",
        "3.5",
        "'s'",
        "\"d\"",
        "'''t'''",
        "b'y'",
        "'\\x'",
        "true",
        "null",
        "has(",
        ".all(x, ",
        ".exists(x, ",
        ".map(x, ",
        "size(",
        " ",
        "\n",
        "//c\n",
        "'",
        "\\",
        "\u{fc}",
        "`",
        "1e999",
        "99999999999999999999",
    ];
    // Pieces that stay valid CEL however often they repeat, after `1` or `resource`.
    const LINKS: &[&str] = &["1 + ", " + 1", "x ? 1 : ", "!", "-", ".a", "[0]", " && true", ".size()", "("];
    let piece = || prop::sample::select(PIECES).prop_map(str::to_string);
    let chain = (prop::sample::select(LINKS), 1..3_000usize).prop_map(|(p, n)| p.repeat(n));
    let soup =
        prop::collection::vec(prop_oneof![2 => piece(), 1 => chain], 0..8).prop_map(|parts| parts.concat());
    let config = Config {
        cases: 400,
        rng_seed: RngSeed::Fixed(0x00CE_1000),
        failure_persistence: None,
        ..Config::default()
    };
    let result = TestRunner::new(config).run(&soup, |text| {
        let f = file(&format!("assert: {text}"));
        if let Err(error) = Expr::compile(&text, Span::new(8, f.text.len()), &f) {
            prop_assert!(error.span.end() <= f.text.len() && error.span.start() <= error.span.end());
            prop_assert!(
                f.text.is_char_boundary(error.span.start()) && f.text.is_char_boundary(error.span.end())
            );
        }
        Ok(())
    });
    if let Err(error) = result {
        panic!("{error}");
    }
}

#[test]
fn unknown_variables_are_named_and_located() {
    let text = "assert: resource.count > 1 && imagee.type == 'x'\n";
    let f = file(text);
    let span = Span::new(8, text.trim_end().len());
    let error = Expr::compile(&text[8..text.trim_end().len()], span, &f).unwrap_err();
    assert!(error.message.starts_with("unknown variable `imagee`"), "{}", error.message);
    assert_eq!(&text[error.span.start()..error.span.end()], "imagee");
}

#[test]
fn namespaces_and_type_names_are_not_unknown_variables() {
    let f = file("x");
    for text in ["lists.range(3).size() == 3", "type(resource.count) == int", "[1, 2].join(',') != ''"] {
        assert!(Expr::compile(text, Span::new(0, 1), &f).is_ok(), "{text}");
    }
}

#[test]
fn comprehension_variables_are_not_unknown() {
    let f = file("x");
    assert!(Expr::compile("resource.regions.exists(r, r == region.id)", Span::new(0, 1), &f).is_ok());
}

#[test]
fn templates_interpolate_and_format_numbers() {
    let f = file("message: '{{ resource.count }} x {{ price(fee) }}'");
    let template =
        Template::compile("{{ resource.count }} x {{ price(fee) }}!", Span::new(9, 50), &f, Origin::User)
            .unwrap();
    let mut context = Context::with_env(environment());
    context.add_variable_as_val("resource", to_val(&serde_json::json!({"count": 3})));
    context.add_variable_as_val("fee", to_val(&serde_json::json!(43.0)));
    assert_eq!(template.render(&context, &context).unwrap(), "3 x 43.00!");
}

#[test]
fn numbers_and_prices_read_naturally() {
    assert_eq!(format_price(0.063), "0.063");
    assert_eq!(format_price(1099.0), "1,099.00");
    assert_eq!(format_price(1_234_567.5), "1,234,567.50");
    assert_eq!(format_price(95.0), "95.00");
    assert_eq!(format_price(0.063 * 3.0), "0.189");
    assert_eq!(format_number(4.0), "4");
    assert_eq!(format_number(0.5), "0.5");
}

#[test]
fn a_template_read_in_place_names_the_expressions_its_split_makes() {
    let rules = crate::engine::RuleSet::builtin().unwrap_or_else(|e| panic!("{e:?}"));
    let mut read = 0;
    for template in rules.rules().iter().flat_map(crate::engine::Rule::templates) {
        // Read in place first (not split yet), then split, then read from the parts.
        let in_place: Vec<String> = template.expression_texts().into_iter().map(str::to_string).collect();
        let split: Vec<&str> = template.exprs().map(|expr| expr.text.as_str()).collect();
        assert_eq!(in_place, split);
        assert_eq!(template.expression_texts(), split);
        read += split.len();
    }
    assert!(read > 100, "only {read} template expressions");
    // A `{{` without its `}}` splits into nothing, and reads as nothing.
    let f = file("message: 'a {{ b }} {{ c'\n");
    let broken = Template::compile("a {{ b }} {{ c", Span::new(10, 24), &f, Origin::BuiltIn)
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(broken.expression_texts().is_empty());
    assert!(broken.check().is_err());
    assert!(broken.expression_texts().is_empty());
}
