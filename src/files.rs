//! Finding spec files and reading them into [`SourceFile`]s.
//!
//! Inputs are files, directories (walked recursively, honouring `.gitignore`), glob
//! patterns, and `-` for standard input. Reading turns what cannot be a spec (binary
//! data, UTF-16, invalid UTF-8, a file over the size limit, a FIFO) into an S001
//! finding on that file, so one bad file never stops the others.

use crate::diag::{Finding, Location};
use crate::source::{SourceFile, Span};
use crate::spec::codes;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where a spec comes from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Input {
    File { path: PathBuf, name: String },
    Stdin { name: String },
}

impl Input {
    pub fn name(&self) -> &str {
        match self {
            Self::File { name, .. } | Self::Stdin { name } => name,
        }
    }
}

/// Why the inputs could not be collected: ecslint cannot do its job (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error("{path}: no such file or directory")]
    NotFound { path: String },
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("invalid glob pattern `{pattern}`: {message}")]
    Pattern { pattern: String, message: String },
    #[error("`{pattern}` matched no files")]
    NoMatch { pattern: String },
}

/// The inputs in a deterministic order, and warnings about entries a walk skipped.
#[derive(Debug, Default)]
pub struct Collected {
    pub inputs: Vec<Input>,
    pub warnings: Vec<String>,
}

/// Extensions a directory walk picks up; files named explicitly are read whatever their name.
const SPEC_EXTENSIONS: [&str; 3] = ["yaml", "yml", "json"];

/// Resolves command-line arguments to inputs.
pub fn collect(args: &[String], stdin_name: &str) -> Result<Collected, CollectError> {
    let mut collected = Collected::default();
    for arg in args {
        if arg == "-" {
            collected.inputs.push(Input::Stdin { name: stdin_name.to_string() });
            continue;
        }
        let path = Path::new(arg);
        if path.is_dir() {
            walk(path, &mut collected);
        } else if path.exists() || path.symlink_metadata().is_ok() {
            collected.inputs.push(Input::File { path: path.to_path_buf(), name: display_name(path) });
        } else if arg.contains(['*', '?', '[']) {
            expand_glob(arg, &mut collected)?;
        } else {
            return Err(CollectError::NotFound { path: arg.clone() });
        }
    }
    let mut seen = std::collections::HashSet::new();
    collected.inputs.retain(|input| seen.insert(input.clone()));
    Ok(collected)
}

fn expand_glob(pattern: &str, collected: &mut Collected) -> Result<(), CollectError> {
    let paths = glob::glob(pattern)
        .map_err(|e| CollectError::Pattern { pattern: pattern.to_string(), message: e.msg.to_string() })?;
    let mut matched: Vec<PathBuf> = Vec::new();
    for entry in paths {
        match entry {
            Ok(path) => matched.push(path),
            Err(e) => collected.warnings.push(format!("{}: skipped: {}", display_name(e.path()), e.error())),
        }
    }
    if matched.is_empty() {
        return Err(CollectError::NoMatch { pattern: pattern.to_string() });
    }
    matched.sort();
    for path in matched {
        if path.is_dir() {
            walk(&path, collected);
        } else {
            let name = display_name(&path);
            collected.inputs.push(Input::File { path, name });
        }
    }
    Ok(())
}

fn walk(root: &Path, collected: &mut Collected) {
    let walker = ignore::WalkBuilder::new(root)
        .require_git(false)
        .follow_links(true)
        .sort_by_file_name(std::cmp::Ord::cmp)
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let path = entry.path();
                let is_file = entry.file_type().is_some_and(|t| t.is_file());
                let wanted = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| SPEC_EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)));
                if is_file && wanted {
                    collected.inputs.push(Input::File { path: path.to_path_buf(), name: display_name(path) });
                }
            }
            Err(error) => collected.warnings.push(format!("skipped during the walk: {error}")),
        }
    }
}

/// A path as shown to users: as given, without a leading `./`, with `/` separators.
pub fn display_name(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut name = text.as_str();
    while let Some(rest) = name.strip_prefix("./") {
        name = rest;
    }
    name.to_string()
}

/// Limits applied when reading a file.
#[derive(Clone, Copy, Debug)]
pub struct ReadOptions {
    pub max_file_size: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self { max_file_size: 16 * 1024 * 1024 }
    }
}

/// A file's source, plus the S001 finding when its bytes cannot be a spec.
pub struct Loaded {
    pub file: Arc<SourceFile>,
    pub problem: Option<Finding>,
}

/// Reads one input. `Err` only for an input named on the command line that cannot be read.
pub fn read(input: &Input, options: ReadOptions) -> Result<Loaded, CollectError> {
    let name = input.name().to_string();
    let io_error = |source| CollectError::Io { path: name.clone(), source };
    let limit = options.max_file_size;
    let bytes = match input {
        Input::Stdin { .. } => read_limited(std::io::stdin().lock(), limit).map_err(io_error)?,
        Input::File { path, .. } => {
            let meta = std::fs::metadata(path).map_err(io_error)?;
            if !meta.is_file() {
                return Ok(problem(
                    &name,
                    "not a regular file (a FIFO, socket or device cannot be a spec)",
                    None,
                ));
            }
            if meta.len() > limit {
                return Ok(too_large(&name, meta.len(), limit));
            }
            let file = std::fs::File::open(path).map_err(io_error)?;
            read_limited(file, limit).map_err(io_error)?
        }
    };
    if bytes.len() as u64 > limit {
        return Ok(too_large(&name, bytes.len() as u64, limit));
    }
    Ok(decode(name, bytes))
}

fn read_limited(reader: impl std::io::Read, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Turns bytes into a source, reporting what is not UTF-8 text.
pub fn decode(name: String, bytes: Vec<u8>) -> Loaded {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return problem(&name, "the file is UTF-16 encoded", Some("save it as UTF-8"));
    }
    let sniff = bytes.get(..8192).unwrap_or(&bytes);
    if sniff.contains(&0) {
        return problem(
            &name,
            "binary file (it contains NUL bytes)",
            Some("only YAML and JSON text files can be checked"),
        );
    }
    match String::from_utf8(bytes) {
        Ok(text) => Loaded { file: Arc::new(SourceFile::new(name, text)), problem: None },
        Err(error) => {
            let at = error.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
            let file = Arc::new(SourceFile::new(name, text));
            let span = Span::new(at, at + '\u{fffd}'.len_utf8());
            let finding = codes::PARSE_ERROR
                .finding(format!("invalid UTF-8 at byte {at}"), Location::new(Arc::clone(&file), span))
                .with_help("spec files must be UTF-8 text");
            Loaded { file, problem: Some(finding) }
        }
    }
}

fn too_large(name: &str, size: u64, limit: u64) -> Loaded {
    problem(
        name,
        &format!("the file is {size} bytes, over the {limit}-byte limit"),
        Some("raise the limit with `--max-file-size BYTES` if the file really is a spec"),
    )
}

fn problem(name: &str, message: &str, help: Option<&str>) -> Loaded {
    let file = Arc::new(SourceFile::new(name, ""));
    let mut finding = codes::PARSE_ERROR.finding(message, Location::new(Arc::clone(&file), Span::default()));
    finding.help = help.map(str::to_string);
    Loaded { file, problem: Some(finding) }
}
