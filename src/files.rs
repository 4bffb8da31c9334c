//! Finding spec files and reading them into [`SourceFile`]s.
//!
//! Inputs are files, directories (walked recursively, honouring `.gitignore`), glob
//! patterns, and `-` for standard input. Reading turns what cannot be a spec (binary
//! data, UTF-16, invalid UTF-8, a file over the size limit, a FIFO) into an S001
//! finding on that file, so one bad file never stops the others.

use crate::diag::{Finding, Location};
use crate::source::{SourceFile, Span};
use crate::spec::codes;
use rayon::slice::ParallelSliceMut as _;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where a spec comes from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Input {
    File {
        path: PathBuf,
        name: String,
        /// Named on the command line, where an unreadable file means ecslint cannot do its
        /// job (exit status 2); a file a walk or glob found is an S001 finding instead.
        explicit: bool,
    },
    Stdin {
        name: String,
    },
}

impl Input {
    pub fn name(&self) -> &str {
        match self {
            Self::File { name, .. } | Self::Stdin { name } => name,
        }
    }

    /// The file's path; `None` for standard input.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Self::File { path, .. } => Some(path),
            Self::Stdin { .. } => None,
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
            let name = display_name(path);
            collected.inputs.push(Input::File { path: path.to_path_buf(), name, explicit: true });
        } else if arg.contains(['*', '?', '[']) {
            expand_glob(arg, &mut collected)?;
        } else {
            return Err(CollectError::NotFound { path: arg.clone() });
        }
    }
    // A file both named and found by a walk is read once, as named. Which inputs to keep
    // is decided first, as the set borrows their paths and names.
    let mut seen = <foldhash::HashSet<_> as foldhash::HashSetExt>::with_capacity(collected.inputs.len());
    let keep: Vec<bool> = collected
        .inputs
        .iter()
        .map(|input| match input {
            Input::File { path, name, .. } => seen.insert((Some(path.as_path()), name.as_str())),
            Input::Stdin { name } => seen.insert((None, name.as_str())),
        })
        .collect();
    let mut keep = keep.into_iter();
    collected.inputs.retain(|_| keep.next().unwrap_or(true));
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
            collected.inputs.push(Input::File { path, name, explicit: false });
        }
    }
    Ok(())
}

fn walk(root: &Path, collected: &mut Collected) {
    // Directories are read on every core; the files are then put in the order a
    // sorted depth-first walk gives (`Path` compares component by component), so runs
    // are reproducible.
    let found = std::sync::Mutex::new((Vec::new(), Vec::new()));
    ignore::WalkBuilder::new(root).require_git(false).follow_links(true).build_parallel().run(|| {
        Box::new(|entry| {
            // The entry is looked at and named before the lock is taken, so threads only
            // wait for each other to push.
            let lock = || found.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            match entry {
                Ok(entry) => {
                    let path = entry.path();
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    let wanted = path
                        .extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| SPEC_EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)));
                    if is_file && wanted {
                        let file = (path.to_path_buf(), display_name(path));
                        lock().0.push(file);
                    }
                }
                Err(error) => {
                    let warning = (
                        error_path(&error).map(Path::to_path_buf),
                        format!("skipped during the walk: {error}"),
                    );
                    lock().1.push(warning);
                }
            }
            ignore::WalkState::Continue
        })
    });
    let (mut paths, mut warnings) = found.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    // Each path is found once: the order of equal ones cannot matter.
    paths.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    // Warnings in walk order too: by the path they are about.
    warnings.sort();
    let warnings = warnings.into_iter().map(|(_, warning)| warning);
    collected.inputs.extend(paths.into_iter().map(|(path, name)| Input::File {
        path,
        name,
        explicit: false,
    }));
    collected.warnings.extend(warnings);
}

/// The path a walk error is about, if it names one.
fn error_path(error: &ignore::Error) -> Option<&Path> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::Loop { child, .. } => Some(child),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => error_path(err),
        _ => None,
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
    match read_bytes(input, options.max_file_size) {
        Ok(Read::Bytes(bytes)) => Ok(decode(name, bytes)),
        Ok(Read::Problem(loaded)) => Ok(*loaded),
        Err(source) => match input {
            Input::File { explicit: false, .. } => {
                Ok(problem(&name, &format!("cannot read the file: {source}"), None))
            }
            Input::File { .. } | Input::Stdin { .. } => Err(CollectError::Io { path: name, source }),
        },
    }
}

/// The bytes of an input, or a finding that they cannot be a spec.
enum Read {
    Bytes(Vec<u8>),
    Problem(Box<Loaded>),
}

fn read_bytes(input: &Input, limit: u64) -> std::io::Result<Read> {
    let name = input.name();
    let bytes = match input {
        Input::Stdin { .. } => read_limited(std::io::stdin().lock(), limit, 0)?,
        Input::File { path, .. } => {
            let meta = std::fs::metadata(path)?;
            if !meta.is_file() {
                let message = "not a regular file (a FIFO, socket or device cannot be a spec)";
                return Ok(Read::Problem(Box::new(problem(name, message, None))));
            }
            if meta.len() > limit {
                return Ok(Read::Problem(Box::new(too_large(name, meta.len(), limit))));
            }
            // The size is at most the limit here: room for all of it saves growing the buffer.
            let size = usize::try_from(meta.len()).unwrap_or(0);
            read_limited(std::fs::File::open(path)?, limit, size)?
        }
    };
    if bytes.len() as u64 > limit {
        return Ok(Read::Problem(Box::new(too_large(name, bytes.len() as u64, limit))));
    }
    Ok(Read::Bytes(bytes))
}

/// Reads at most `limit + 1` bytes (one more tells that the input is over the limit).
/// `expected` is a regular file's size from its metadata, or 0 when none is known: the
/// buffer starts with room for it, and reading stops early only when the first read
/// brings exactly that much.
fn read_limited(reader: impl std::io::Read, limit: u64, expected: usize) -> std::io::Result<Vec<u8>> {
    let mut reader = reader.take(limit.saturating_add(1));
    let mut bytes = vec![0; expected.saturating_add(1)];
    let mut len = 0;
    loop {
        if len == bytes.len() {
            // Longer than its size said (or no size): read the rest as it comes.
            bytes.truncate(len);
            reader.read_to_end(&mut bytes)?;
            return Ok(bytes);
        }
        let n = match reader.read(&mut bytes[len..]) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        // A regular file's read stops short only at its end: a first read that stops at the
        // size the metadata gave needs no second read to hear it (a system call fewer per
        // file). Only the first: a file read in pieces may have a piece end at a stale size.
        // `expected` is 0 for a reader of no known size (stdin).
        let whole_at_once = len == 0 && n == expected && expected > 0;
        len += n;
        if n == 0 || whole_at_once {
            bytes.truncate(len);
            return Ok(bytes);
        }
    }
}

/// Turns bytes into a source, reporting what is not UTF-8 text.
pub fn decode(name: String, bytes: Vec<u8>) -> Loaded {
    if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) || bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return problem(&name, "the file is UTF-32 encoded", Some("save it as UTF-8"));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return problem(&name, "the file is UTF-16 encoded", Some("save it as UTF-8"));
    }
    let sniff = bytes.get(..8192).unwrap_or(&bytes);
    if looks_like_utf16(sniff) {
        let message = "the file looks UTF-16 encoded (without a byte-order mark)";
        return problem(&name, message, Some("save it as UTF-8"));
    }
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

/// ASCII text in UTF-16 has a NUL in every other byte: all of the even or all of the
/// odd bytes of the first few hundred are NUL, and none of the others is.
fn looks_like_utf16(sniff: &[u8]) -> bool {
    let head = sniff.get(..512).unwrap_or(sniff);
    if head.len() < 4 || head.len() % 2 != 0 {
        return false;
    }
    let (mut even, mut odd) = (0, 0);
    for pair in head.chunks_exact(2) {
        even += usize::from(pair.first() == Some(&0));
        odd += usize::from(pair.get(1) == Some(&0));
    }
    let pairs = head.len() / 2;
    (even == pairs && odd == 0) || (odd == pairs && even == 0)
}

fn too_large(name: &str, size: u64, limit: u64) -> Loaded {
    problem(
        name,
        &format!("the file is {size} bytes, over the {limit}-byte limit"),
        Some(
            "raise the limit with `--max-file-size BYTES` (or `maxFileSize` in ecslint.yaml) if the file really is a spec",
        ),
    )
}

fn problem(name: &str, message: &str, help: Option<&str>) -> Loaded {
    let file = Arc::new(SourceFile::new(name, ""));
    let mut finding = codes::PARSE_ERROR.finding(message, Location::new(Arc::clone(&file), Span::default()));
    finding.help = help.map(str::to_string);
    Loaded { file, problem: Some(finding) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(loaded: &Loaded) -> Option<&str> {
        loaded.problem.as_ref().map(|p| p.message.as_str())
    }

    /// A reader that hands out at most `chunk` bytes a call, as a pipe may; a regular
    /// file gives all that is asked of it up to its end (`chunk` larger than any read).
    struct Trickle<'a> {
        data: &'a [u8],
        chunk: usize,
    }

    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(self.chunk).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    #[test]
    fn reads_whole_files_whatever_their_metadata_said() {
        let data: Vec<u8> = (0..1000_u32).map(|i| u8::try_from(i % 251).unwrap_or(0)).collect();
        let whole = |chunk, expected| read_limited(Trickle { data: &data, chunk }, 16 << 20, expected);
        // A file: its size right, too small (it grew), too large (it shrank).
        for expected in [1000, 10, 999, 1001, 5000] {
            assert_eq!(whole(usize::MAX, expected).ok().as_deref(), Some(&data[..]), "expected {expected}");
        }
        // No size (stdin, a pipe), or the right one, read in pieces.
        for chunk in [1, 7, 999, 1000] {
            assert_eq!(whole(chunk, 0).ok().as_deref(), Some(&data[..]), "chunk {chunk}");
            assert_eq!(whole(chunk, 1000).ok().as_deref(), Some(&data[..]), "chunk {chunk}");
        }
        // Read in pieces with a size too small: a later piece that ends at the stale size
        // is not the end of the file (a network or FUSE file system may do both).
        for (chunk, expected) in [(5, 10), (1, 2), (10, 20), (7, 700)] {
            let read = whole(chunk, expected);
            assert_eq!(read.ok().as_deref(), Some(&data[..]), "chunk {chunk}, expected {expected}");
        }
        // The limit still holds: one byte past it, so the caller can tell.
        let read = read_limited(Trickle { data: &data, chunk: 64 }, 100, 50);
        assert_eq!(read.ok().map(|b| b.len()), Some(101));
        let read = read_limited(Trickle { data: &[], chunk: 64 }, 100, 0);
        assert_eq!(read.ok(), Some(Vec::new()));
    }

    #[test]
    fn a_walk_lists_files_in_sorted_depth_first_order() {
        let root = std::env::temp_dir().join(format!("ecslint-walk-order-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let files = ["a/b.yaml", "a/c/d.json", "a.yaml", "a-b.yml", "b/a.yaml", "B.yaml", "z.txt"];
        for file in files {
            let path = root.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, "kind: Instance\n").unwrap();
        }
        let mut collected = Collected::default();
        walk(&root, &mut collected);
        let _ = std::fs::remove_dir_all(&root);
        let found: Vec<String> = collected
            .inputs
            .iter()
            .filter_map(|input| match input {
                Input::File { path, .. } => {
                    Some(path.strip_prefix(&root).ok()?.to_string_lossy().replace('\\', "/"))
                }
                Input::Stdin { .. } => None,
            })
            .collect();
        // Directories read in parallel still give the order a sorted walk gives.
        assert_eq!(found, ["B.yaml", "a/b.yaml", "a/c/d.json", "a-b.yml", "a.yaml", "b/a.yaml"]);
    }

    #[test]
    fn a_found_file_that_cannot_be_read_is_a_finding_and_a_named_one_an_error() {
        let path = PathBuf::from("target/no-such-dir/vanished.yaml");
        let found = Input::File { path: path.clone(), name: "vanished.yaml".into(), explicit: false };
        let loaded = read(&found, ReadOptions::default()).unwrap();
        assert!(
            message(&loaded).is_some_and(|m| m.starts_with("cannot read the file: ")),
            "{:?}",
            message(&loaded)
        );
        let named = Input::File { path, name: "vanished.yaml".into(), explicit: true };
        assert!(matches!(read(&named, ReadOptions::default()), Err(CollectError::Io { .. })));
    }

    #[test]
    fn utf16_and_utf32_are_recognised_with_or_without_a_byte_order_mark() {
        let little: Vec<u8> = "kind: Instance\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let big: Vec<u8> = "kind: Instance\n".encode_utf16().flat_map(u16::to_be_bytes).collect();
        let with_bom = [&[0xFF, 0xFE][..], &little].concat();
        assert_eq!(message(&decode("a.yaml".into(), with_bom)), Some("the file is UTF-16 encoded"));
        let without = "the file looks UTF-16 encoded (without a byte-order mark)";
        assert_eq!(message(&decode("a.yaml".into(), little)), Some(without));
        assert_eq!(message(&decode("a.yaml".into(), big)), Some(without));
        let utf32 = [0xFF, 0xFE, 0, 0, b'k', 0, 0, 0];
        assert_eq!(message(&decode("a.yaml".into(), utf32.to_vec())), Some("the file is UTF-32 encoded"));
        let nul = b"kind: Instance\nname: a\0b\n".to_vec();
        assert_eq!(message(&decode("a.yaml".into(), nul)), Some("binary file (it contains NUL bytes)"));
    }
}
