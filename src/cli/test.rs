//! `ecslint test`: rule tests as data. Under each directory named after a rule code
//! (`A001/`, `ORG001/`), every `fail-*` entry (a file, or a directory checked as one
//! run) must produce a finding of that code and every `pass-*` entry must not.
//!
//! A test that cannot fail proves nothing, so the command refuses what would pass
//! vacuously: a `<CODE>/` directory named after no rule of the run is an error, and a
//! fixture that does not parse or validate (S001/S002) fails unless it tests S001/S002.
//!
//! In a fixture file:
//! - the first line may be `# ecslint-test-args: --select A006` to add `check` flags; a
//!   file or directory such a header names must lie inside the test root, and flags that
//!   write files or add inputs are refused (a fixture is data from a pull request);
//! - any line may be `# ecslint-test-expect: CODE LINE[:COLUMN] [TEXT]`: a finding of
//!   CODE must start there in this file (with TEXT in its message, when given), and
//!   every finding of a code named by such lines must be one of them.

use super::Failure;
use super::check::{CheckArgs, execute};
use crate::diag::Finding;
use clap::{Args, Parser};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Directories holding `<CODE>/pass-*` and `<CODE>/fail-*` fixtures, or single
    /// fixtures (default ".")
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Extra rule directory (repeatable), as for `check`
    #[arg(long = "rules", value_name = "DIR")]
    pub rule_dirs: Vec<PathBuf>,
    /// Extra catalog file (repeatable), as for `check`
    #[arg(long = "catalog", value_name = "FILE")]
    pub catalog_files: Vec<PathBuf>,
    /// Check date for the fixtures
    #[arg(long, value_name = "YYYY-MM-DD", default_value = "2026-11-22")]
    pub as_of: String,
    /// Configuration file (default: ecslint.yaml or .ecslint.yaml, searched upwards);
    /// its `rulePaths` and `catalog` apply, as for `check`
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore any configuration file
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
}

/// Parses `check` flags from words (a fixture header, or the test's own options).
#[derive(Debug, Parser)]
#[command(no_binary_name = true)]
struct HeaderArgs {
    #[command(flatten)]
    check: CheckArgs,
}

/// One fixture: the rule code it tests, the path, whether it must fire, and the test
/// root the paths of its header must stay inside.
struct Case {
    code: String,
    path: PathBuf,
    must_fire: bool,
    root: PathBuf,
}

/// Largest fixture file read for its header and expectations (as `check`'s default).
const MAX_FIXTURE_SIZE: u64 = 16 * 1024 * 1024;

pub fn run(args: &TestArgs) -> Result<bool, Failure> {
    let roots = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };
    let mut cases = Vec::new();
    for root in &roots {
        if !root.exists() {
            return Err(Failure::Message(format!("{}: no such file or directory", root.display())));
        }
        find_cases(root, &mut cases)?;
    }
    if cases.is_empty() {
        return Err(Failure::Message(
            "no rule tests found: expected <CODE>/pass-* or <CODE>/fail-* entries".into(),
        ));
    }
    cases.sort_by(|a, b| a.path.cmp(&b.path));
    cases.dedup_by(|a, b| a.path == b.path);
    check_codes(args, &cases)?;
    let mut out = std::io::stdout().lock();
    let (mut passed, mut failed) = (0, 0);
    for case in &cases {
        let verdict = run_case(args, case)?;
        let name = crate::files::display_name(&case.path);
        match verdict {
            Ok(()) => {
                passed += 1;
                writeln!(out, "ok   {} {name}", case.code)?;
            }
            Err(reason) => {
                failed += 1;
                writeln!(out, "FAIL {} {name}: {reason}", case.code)?;
            }
        }
    }
    writeln!(out, "{passed} passed, {failed} failed")?;
    Ok(failed > 0)
}

fn is_code(name: &str) -> bool {
    let letters = name.trim_end_matches(|c: char| c.is_ascii_digit());
    let digits = name.len() - letters.len();
    digits == 3
        && !letters.is_empty()
        && letters.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

fn file_name(path: &Path) -> &str {
    path.file_name().and_then(|n| n.to_str()).unwrap_or_default()
}

/// The case a path is, when it is `<CODE>/pass-*` or `<CODE>/fail-*`.
fn as_case(path: &Path, root: &Path) -> Option<Case> {
    let name = file_name(path);
    let code = path.parent().map(file_name).filter(|c| is_code(c))?;
    (name.starts_with("pass-") || name.starts_with("fail-")).then(|| Case {
        code: code.to_string(),
        path: path.to_path_buf(),
        must_fire: name.starts_with("fail-"),
        root: root.to_path_buf(),
    })
}

/// The canonical form of a path, for comparing locations; the path itself when it has none.
fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Finds the cases under `root`, or `root` itself when it is one fixture. Directories are
/// walked with the walker `check` uses, without following symbolic links, so a link
/// loop cannot make the walk endless.
fn find_cases(root: &Path, cases: &mut Vec<Case>) -> Result<(), Failure> {
    let canonical_root = canonical(root);
    if let Some(case) = as_case(root, &canonical_root) {
        // A single fixture: its header may name files beside it, under the test root
        // that holds its `<CODE>/` directory.
        let test_root = canonical_root.parent().and_then(Path::parent).map(Path::to_path_buf);
        cases.push(Case { root: test_root.unwrap_or(canonical_root), ..case });
        return Ok(());
    }
    if !root.is_dir() {
        return Err(Failure::Message(format!(
            "{}: not a rule test: expected a directory, or a fixture <CODE>/pass-* or <CODE>/fail-*",
            root.display()
        )));
    }
    let mut found = Vec::new();
    for entry in ignore::WalkBuilder::new(root).require_git(false).follow_links(false).build() {
        let entry = entry.map_err(|e| Failure::Message(format!("{}: {e}", root.display())))?;
        if entry.depth() > 0 {
            found.extend(as_case(entry.path(), &canonical_root));
        }
    }
    // A fixture directory is one run: `pass-*` names inside it are its files, not cases.
    found.sort_by(|a, b| a.path.cmp(&b.path));
    let mut kept: Vec<Case> = Vec::with_capacity(found.len());
    for case in found {
        if !kept.iter().rev().any(|k| case.path.starts_with(&k.path)) {
            kept.push(case);
        }
    }
    cases.append(&mut kept);
    Ok(())
}

/// The `check` options every case starts from: the test's own flags.
fn base_words(args: &TestArgs) -> Vec<String> {
    // `--as-of` first: a fixture header that sets its own replaces these two words.
    let mut words: Vec<String> = vec!["--as-of".into(), args.as_of.clone()];
    // Each fixture is a run of its own: the fixtures beside it, which reuse names and
    // break rules on purpose, are not its project.
    words.push("--no-context".into());
    for dir in &args.rule_dirs {
        words.extend(["--rules".into(), dir.display().to_string()]);
    }
    for file in &args.catalog_files {
        words.extend(["--catalog".into(), file.display().to_string()]);
    }
    if let Some(config) = &args.config {
        words.extend(["--config".into(), config.display().to_string()]);
    }
    if args.no_config {
        words.push("--no-config".into());
    }
    words
}

fn parse_words(words: &[String]) -> Result<CheckArgs, String> {
    HeaderArgs::try_parse_from(words).map(|h| h.check).map_err(|e| e.to_string().trim_end().to_string())
}

/// Every case's directory must name a rule of the run (built-in, `--rules`, or the
/// config's `rulePaths`): otherwise its `fail-*` fixtures fail for the wrong reason and
/// its `pass-*` fixtures pass for none.
fn check_codes(args: &TestArgs, cases: &[Case]) -> Result<(), Failure> {
    let check = parse_words(&base_words(args)).map_err(Failure::Message)?;
    let rules = super::rules::load_configured(&check)?;
    let mut codes: Vec<&str> = cases.iter().map(|c| c.code.as_str()).collect();
    codes.dedup();
    for code in codes {
        if !rules.rules().iter().any(|r| r.info.code == code) {
            let hint = rules.suggest(code).map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
            let dir = cases.iter().find(|c| c.code == code).and_then(|c| c.path.parent());
            let dir = dir.map(crate::files::display_name).unwrap_or_default();
            return Err(Failure::Message(format!(
                "{dir}: no rule has the code `{code}`{hint} (add its rule directory with `--rules DIR` or the config's `rulePaths`)"
            )));
        }
    }
    Ok(())
}

/// The files of a fixture: itself, or the files in its directory (sorted).
fn fixture_files(path: &Path) -> Vec<PathBuf> {
    if !path.is_dir() {
        return vec![path.to_path_buf()];
    }
    let walk = ignore::WalkBuilder::new(path).require_git(false).follow_links(false).build();
    let mut files: Vec<PathBuf> = walk
        .flatten()
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .map(ignore::DirEntry::into_path)
        .collect();
    files.sort();
    files
}

/// A fixture file's text; nothing for what is not a regular, readable UTF-8 file (a
/// FIFO would block the read).
fn read_fixture(path: &Path) -> String {
    let regular = std::fs::metadata(path).is_ok_and(|m| m.is_file());
    let mut text = String::new();
    if regular {
        if let Ok(file) = std::fs::File::open(path) {
            let _ = file.take(MAX_FIXTURE_SIZE).read_to_string(&mut text);
        }
    }
    text
}

/// The `# ecslint-test-args:` header of a fixture's first file, checked: a fixture may
/// change what is checked, never read files outside its test root or write any.
fn header_args(case: &Case, first: &str) -> Result<Vec<String>, Failure> {
    let Some(rest) = first.lines().next().and_then(|l| l.strip_prefix("# ecslint-test-args:")) else {
        return Ok(Vec::new());
    };
    let words: Vec<String> = rest.split_whitespace().map(str::to_string).collect();
    let fixture = case.path.display();
    let bad = |why: String| Failure::Message(format!("{fixture}: bad ecslint-test-args: {why}"));
    let header = parse_words(&words).map_err(bad)?;
    if !header.paths.is_empty() || header.output.is_some() || header.write_baseline.is_some() {
        return Err(bad(
            "paths to check, `--output` and `--write-baseline` are not allowed in a fixture".into()
        ));
    }
    let named =
        header.config.iter().chain(&header.catalog_files).chain(&header.rule_dirs).chain(&header.baseline);
    for path in named {
        let inside = std::fs::canonicalize(path).is_ok_and(|p| p.starts_with(&case.root));
        if !inside {
            return Err(bad(format!(
                "`{}` is not a file inside the test root {}",
                path.display(),
                case.root.display()
            )));
        }
    }
    Ok(words)
}

/// One `# ecslint-test-expect:` line: a finding of `code` must start at `line` (and
/// `column`) of `file`, with `text` in its message.
#[derive(Debug)]
struct Expect {
    code: String,
    file: PathBuf,
    line: usize,
    column: Option<usize>,
    text: String,
}

impl Expect {
    fn describe(&self) -> String {
        let column = self.column.map(|c| format!(":{c}")).unwrap_or_default();
        let text = if self.text.is_empty() { String::new() } else { format!(" \"{}\"", self.text) };
        format!("{} at {}:{}{column}{text}", self.code, crate::files::display_name(&self.file), self.line)
    }

    fn matches(&self, finding: &Finding) -> bool {
        let at = finding.location.start();
        finding.code == self.code
            && at.line == self.line
            && self.column.is_none_or(|c| c == at.column)
            && finding.message.contains(&self.text)
            && canonical(Path::new(&finding.location.file.name)) == canonical(&self.file)
    }
}

/// The expectations written in one fixture file.
fn expectations(file: &Path, text: &str) -> Result<Vec<Expect>, Failure> {
    const DIRECTIVE: &str = "# ecslint-test-expect:";
    let mut found = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let Some(rest) = line.trim_start().strip_prefix(DIRECTIVE) else { continue };
        let mut words = rest.trim().splitn(3, ' ');
        let (code, place, text) = (words.next(), words.next(), words.next());
        let (line_text, column_text) = place.map_or(("", None), |p| match p.split_once(':') {
            Some((l, c)) => (l, Some(c)),
            None => (p, None),
        });
        let line_number = line_text.parse::<usize>().ok().filter(|n| *n > 0);
        let column = column_text.map(|c| c.parse::<usize>().ok().filter(|n| *n > 0));
        match (code.filter(|c| is_code(c)), line_number, column) {
            (Some(code), Some(line_number), None | Some(Some(_))) => found.push(Expect {
                code: code.to_string(),
                file: file.to_path_buf(),
                line: line_number,
                column: column.flatten(),
                text: text.unwrap_or_default().trim().to_string(),
            }),
            _ => {
                return Err(Failure::Message(format!(
                    "{}:{}: bad ecslint-test-expect: write `{DIRECTIVE} CODE LINE[:COLUMN] [TEXT]`",
                    file.display(),
                    index + 1
                )));
            }
        }
    }
    Ok(found)
}

/// Where a finding starts, as `file:line:column`.
fn place(finding: &Finding) -> String {
    let at = finding.location.start();
    format!("{}:{}:{}", finding.location.file.name, at.line, at.column)
}

/// A finding's message cut to a readable length (it may quote the input).
fn short(message: &str) -> String {
    let mut cut: String = message.chars().take(160).collect();
    if cut.len() < message.len() {
        cut.push_str("...");
    }
    cut
}

fn run_case(args: &TestArgs, case: &Case) -> Result<Result<(), String>, Failure> {
    let files = fixture_files(&case.path);
    let texts: Vec<(PathBuf, String)> = files
        .into_iter()
        .map(|f| {
            let text = read_fixture(&f);
            (f, text)
        })
        .collect();
    let header = header_args(case, texts.first().map_or("", |(_, t)| t.as_str()))?;
    let mut words = base_words(args);
    // A fixture's own check date wins over the run's (date-dependent rules need one).
    if header.iter().any(|w| w == "--as-of" || w.starts_with("--as-of=")) {
        words.drain(..2);
    }
    words.extend(header);
    let mut expects = Vec::new();
    for (file, text) in &texts {
        expects.extend(expectations(file, text)?);
    }
    words.push(case.path.display().to_string());
    let mut check = parse_words(&words)
        .map_err(|e| Failure::Message(format!("{}: bad ecslint-test-args: {e}", case.path.display())))?;
    let validity = ["S001", "S002"];
    let tests_validity = validity.contains(&case.code.as_str());
    if !tests_validity {
        // A fixture that selects only its rule still has to be a valid spec.
        if !check.select.is_empty() {
            check.select.extend(validity.iter().map(|c| (*c).to_string()));
        }
        check.ignore.retain(|c| !validity.iter().any(|v| c.eq_ignore_ascii_case(v)));
    }
    let outcome = execute(&check)?.outcome;
    // A rule that failed to evaluate is an error of the run, as in `check`.
    if !outcome.failures.is_empty() {
        super::report_errors(&outcome.failures)?;
        return Err(Failure::Reported);
    }
    if !tests_validity {
        let all = outcome.findings.iter().chain(&outcome.suppressed);
        if let Some(invalid) = all.into_iter().find(|f| validity.contains(&f.code.as_str())) {
            return Ok(Err(format!(
                "the fixture is not a valid spec, so it tests nothing: {} at {}: {}",
                invalid.code,
                place(invalid),
                short(&invalid.message)
            )));
        }
    }
    if let Err(reason) = check_expectations(&expects, &outcome.findings) {
        return Ok(Err(reason));
    }
    let hits: Vec<String> = outcome.findings.iter().filter(|f| f.code == case.code).map(place).collect();
    Ok(match (case.must_fire, hits.is_empty()) {
        (true, true) => Err(format!("expected a {} finding, got none", case.code)),
        (false, false) => {
            Err(format!("expected no {} finding, got {} at {}", case.code, hits.len(), hits.join(", ")))
        }
        _ => Ok(()),
    })
}

/// Every expectation is met by its own finding, and every finding of an expected code
/// is expected.
fn check_expectations(expects: &[Expect], findings: &[Finding]) -> Result<(), String> {
    let mut codes: Vec<&str> = expects.iter().map(|e| e.code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    let mut unmatched: Vec<&Finding> = findings.iter().filter(|f| codes.contains(&f.code.as_str())).collect();
    let mut missing = Vec::new();
    for expect in expects {
        match unmatched.iter().position(|f| expect.matches(f)) {
            Some(position) => {
                unmatched.remove(position);
            }
            None => missing.push(expect.describe()),
        }
    }
    if missing.is_empty() && unmatched.is_empty() {
        return Ok(());
    }
    let mut reasons = Vec::new();
    if !missing.is_empty() {
        reasons.push(format!("expected {}", missing.join(", ")));
    }
    if !unmatched.is_empty() {
        let got: Vec<String> = unmatched
            .iter()
            .map(|f| format!("{} at {} \"{}\"", f.code, place(f), short(&f.message)))
            .collect();
        reasons.push(format!("got unexpected {}", got.join(", ")));
    }
    Err(reasons.join("; "))
}
