//! Team rules that are wrong, or that fail: what the author and the CI log see. Rule files
//! are written at test time into a scratch directory; the built binary checks the
//! repository's hostile-input good spec with them.

mod common;

use common::{check_args, run, scratch_dir, write_files};
use std::path::Path;

const GOOD: &str = "fixtures/hostile/good.yaml";

/// A rule file with `body` (YAML lines: `on`, `when`, `assert`, `message`, ...) and the
/// fields every rule needs.
fn rule(code: &str, body: &str) -> String {
    format!(
        "code: {code}\nname: rule-{}\nseverity: error\n{body}\ndocs: {{summary: s, why: w, example: e, fix: f}}\n",
        code.to_lowercase()
    )
}

/// Runs `check --rules DIR` with `args`, where DIR holds `rules`.
fn check_with_rules(test: &str, rules: &[(&str, &str)], args: &[&str]) -> common::Run {
    let dir = scratch_dir(test);
    write_files(&dir, rules);
    let dir_arg = dir.to_str().expect("scratch paths are UTF-8").to_string();
    let mut all = vec!["--rules", dir_arg.as_str()];
    all.extend(args);
    run(&check_args(all))
}

fn scratch_path(dir: &Path) -> String {
    dir.to_str().expect("scratch paths are UTF-8").to_string()
}

// --- #13.20: messages for people, strict dates -----------------------------------------

#[test]
fn cel_syntax_errors_read_as_sentences() {
    let deep = format!("{}1{}", "true ? ".repeat(450), " : 2".repeat(450));
    let parens = format!("{}true{}", "(".repeat(100), ")".repeat(100));
    for (text, expected) in [
        (deep.as_str(), "nests too deeply"),
        (parens.as_str(), "nested too deeply"),
        ("1 ? 2", "is missing a part"),
    ] {
        let file = rule("ORG001", &format!("on: instance\nassert: '{text}'\nmessage: m"));
        let out = check_with_rules("cel_syntax", &[("ORG001.yaml", &file)], &[GOOD]);
        out.assert_code(2);
        assert!(out.stderr.contains(expected), "{text}: {}", out.describe());
        for internal in ["OtherError", "ParseError {", "ExprContext"] {
            assert!(!out.stderr.contains(internal), "{internal} shown for {text}\n{}", out.describe());
        }
    }
}

#[test]
fn dates_are_strict() {
    for date in [" 2026-01-01", "2026-01-01 ", "+202-01-01"] {
        let out = run(&["check", "--as-of", date, "--no-config", GOOD]);
        out.assert_code(2);
        assert!(out.stderr.contains("not a date"), "{date:?}: {}", out.describe());
    }
    let dir = scratch_dir("config_as_of");
    write_files(&dir, &[("ecslint.yaml", "asOf: ' 2026-01-01'\n")]);
    let config = dir.join("ecslint.yaml");
    let out = run(&["check", "--config", &scratch_path(&config), GOOD]);
    out.assert_code(2);
    assert!(out.stderr.contains("asOf"), "{}", out.describe());
}
