//! `ecslint test`: rule tests as data. Under each directory named after a rule code
//! (`A001/`, `ORG001/`), every `fail-*` entry (a file, or a directory checked as one
//! run) must produce a finding of that code and every `pass-*` entry must not. A
//! fixture's first line may be `# ecslint-test-args: --select A006` to add `check` flags.

use super::Failure;
use super::check::{CheckArgs, execute};
use clap::{Args, Parser};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Directories holding `<CODE>/pass-*` and `<CODE>/fail-*` fixtures (default ".")
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
}

/// Parses `check` flags from a fixture header.
#[derive(Debug, Parser)]
#[command(no_binary_name = true)]
struct HeaderArgs {
    #[command(flatten)]
    check: CheckArgs,
}

/// One fixture: the rule code it tests, the path, and whether it must fire.
struct Case {
    code: String,
    path: PathBuf,
    must_fire: bool,
}

pub fn run(args: &TestArgs) -> Result<bool, Failure> {
    let roots = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };
    let mut cases = Vec::new();
    for root in &roots {
        if !root.exists() {
            return Err(Failure::Message(format!("{}: no such file or directory", root.display())));
        }
        find_cases(root, &mut cases).map_err(|e| Failure::Message(format!("{}: {e}", root.display())))?;
    }
    cases.sort_by(|a, b| a.path.cmp(&b.path));
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
    if cases.is_empty() {
        return Err(Failure::Message(
            "no rule tests found: expected <CODE>/pass-* or <CODE>/fail-* entries".into(),
        ));
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

fn find_cases(dir: &Path, cases: &mut Vec<Case>) -> std::io::Result<()> {
    let code = dir.file_name().and_then(|n| n.to_str()).filter(|n| is_code(n)).map(str::to_string);
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        let fixture = name.starts_with("pass-") || name.starts_with("fail-");
        match &code {
            Some(code) if fixture => {
                cases.push(Case { code: code.clone(), path, must_fire: name.starts_with("fail-") });
            }
            _ if path.is_dir() => find_cases(&path, cases)?,
            _ => {}
        }
    }
    Ok(())
}

/// The `# ecslint-test-args:` header of a fixture file (or of the first file in a fixture directory).
fn header_args(path: &Path) -> Vec<String> {
    let file = if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        entries.sort();
        entries.into_iter().next()
    } else {
        Some(path.to_path_buf())
    };
    let first =
        file.and_then(|f| std::fs::read_to_string(f).ok()).and_then(|t| t.lines().next().map(str::to_string));
    first
        .and_then(|line| line.strip_prefix("# ecslint-test-args:").map(str::to_string))
        .map(|rest| rest.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

fn run_case(args: &TestArgs, case: &Case) -> Result<Result<(), String>, Failure> {
    let mut words: Vec<String> = vec!["--as-of".into(), args.as_of.clone()];
    for dir in &args.rule_dirs {
        words.extend(["--rules".into(), dir.display().to_string()]);
    }
    for file in &args.catalog_files {
        words.extend(["--catalog".into(), file.display().to_string()]);
    }
    words.extend(header_args(&case.path));
    words.push(case.path.display().to_string());
    let header = HeaderArgs::try_parse_from(&words)
        .map_err(|e| Failure::Message(format!("{}: bad ecslint-test-args: {e}", case.path.display())))?;
    let outcome = execute(&header.check)?.outcome;
    // A rule that failed to evaluate is an error of the run, as in `check`.
    if !outcome.failures.is_empty() {
        super::report_errors(&outcome.failures)?;
        return Err(Failure::Reported);
    }
    let hits: Vec<String> = outcome
        .findings
        .iter()
        .filter(|f| f.code == case.code)
        .map(|f| {
            let at = f.location.start();
            format!("{}:{}:{}", f.location.file.name, at.line, at.column)
        })
        .collect();
    Ok(match (case.must_fire, hits.is_empty()) {
        (true, true) => Err(format!("expected a {} finding, got none", case.code)),
        (false, false) => {
            Err(format!("expected no {} finding, got {} at {}", case.code, hits.len(), hits.join(", ")))
        }
        _ => Ok(()),
    })
}
