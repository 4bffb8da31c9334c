//! Finding spec files and reading them into [`SourceFile`]s.
//!
//! Inputs are files, directories (walked recursively, honouring `.gitignore`), glob
//! patterns, and `-` for standard input. Reading turns what cannot be a spec (binary
//! data, UTF-16, invalid UTF-8, a file over the size limit, a FIFO) into an S001
//! finding on that file, so one bad file never stops the others.

use crate::diag::{Finding, Location};
use crate::source::{SourceFile, Span};
use crate::spec::codes;
use rayon::prelude::*;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub mod paths;
mod walk;
pub mod write;

/// Where a spec comes from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Input {
    File {
        path: PathBuf,
        name: String,
        /// Named on the command line, where an unreadable file means ecslint cannot do its
        /// job (exit status 2); a file a walk or glob found is an S001 finding instead.
        explicit: bool,
        /// What [`collect`] learnt of the file when it told which file the path is, for
        /// [`read`]; `None` until then.
        stat: Option<paths::Stat>,
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
    /// Paths that may hold specs but could not be read (a directory that cannot be listed,
    /// a path longer than the system allows, a directory whose ignore file is over the
    /// limit), with why: each becomes an S001 finding (see [`unreadable`]), so a run that
    /// could not check everything does not pass as if it had.
    pub unreadable: Vec<(String, String)>,
    /// Files added because Terraform or Packer reads them beside a named or matched file
    /// (its module's other files, the variables files loaded without being told): read as
    /// a walk of that directory reads them, but not themselves named (`project::Named`).
    pub beside: foldhash::HashSet<String>,
}

/// Extensions a directory walk picks up; files named explicitly are read whatever their name.
const SPEC_EXTENSIONS: [&str; 3] = ["yaml", "yml", "json"];

/// Resolves command-line arguments to inputs: sorted by display name, each file once
/// however many spellings or links reached it, so the output never depends on the order
/// or the spelling of the arguments.
pub fn collect(args: &[String], stdin_name: &str) -> Result<Collected, CollectError> {
    let mut collected = Collected::default();
    // Files named or matched by a pattern, not found by a walk (which adds their
    // directories' module files itself).
    let mut loose = Vec::new();
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
            loose.push((path.to_path_buf(), name.clone()));
            collected.inputs.push(Input::File { path: path.to_path_buf(), name, explicit: true, stat: None });
        } else if arg.contains(['*', '?', '[']) {
            expand_glob(arg, &mut collected, &mut loose)?;
        } else {
            return Err(CollectError::NotFound { path: arg.clone() });
        }
    }
    add_modules(&mut collected, loose);
    Ok(finished(collected))
}

/// Adds what Terraform and Packer read beside the named or matched `loose` files: a
/// Terraform configuration file is one file of its module, whose values come from the
/// directory's other files and from the variables files Terraform loads without being told
/// (`terraform.tfvars`, `*.auto.tfvars`); a `.pkr.hcl` file is one of `packer build .`'s.
/// Without them, a named `main.tf` read its variables' defaults where Terraform deploys the
/// `terraform.tfvars` values: a false finding. They are found as a walk of the directory
/// finds them (`walk::whole_modules`: `.ignore` keeps a file out, a link only to a file of
/// the same directory is followed) and are not named themselves.
fn add_modules(collected: &mut Collected, loose: Vec<(PathBuf, String)>) {
    let mut by_dir: std::collections::BTreeMap<PathBuf, Vec<(PathBuf, String)>> =
        std::collections::BTreeMap::new();
    for (path, name) in loose {
        // `main.tf` named alone has no directory to list but `.`, which `./extra.tf` names too.
        let (dir, path) = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => (dir.to_path_buf(), path),
            _ => (PathBuf::from("."), Path::new(".").join(&path)),
        };
        by_dir.entry(dir).or_default().push((path, name));
    }
    // Only directories with a Terraform or Packer file among them: a pattern over 10,000
    // specs costs no system call here.
    let frontend = |name: &str| crate::source::Frontend::of(name) != crate::source::Frontend::Document;
    by_dir.retain(|_, paths| paths.iter().any(|(_, name)| frontend(name)));
    if by_dir.is_empty() {
        return;
    }
    // A file another argument already reached (a directory walked beside a named file)
    // stays what that argument made it.
    let reached: foldhash::HashSet<String> = collected.inputs.iter().map(|i| i.name().to_string()).collect();
    // Links are followed within the working directory (pre-commit's is the repository),
    // as a walk of it follows them (`tf/terraform.tfvars -> ../shared/prod.tfvars`), else
    // within the module's own directory.
    let cwd = std::env::current_dir().and_then(std::fs::canonicalize).ok();
    for (dir, mut paths) in by_dir {
        let given = paths.len();
        let mut warnings = Vec::new();
        let here = std::fs::canonicalize(&dir).ok();
        let boundary = match (&cwd, here) {
            (Some(cwd), Some(here)) if here.starts_with(cwd) => Some(cwd.clone()),
            (_, here) => here,
        };
        walk::whole_modules(&mut paths, &mut warnings, boundary.as_deref(), true);
        for (path, name) in paths.drain(given..).filter(|(_, name)| !reached.contains(name)) {
            collected.beside.insert(name.clone());
            collected.inputs.push(Input::File { path, name, explicit: false, stat: None });
        }
        collected.warnings.extend(warnings.into_iter().map(|(_, warning)| warning));
    }
}

/// What several arguments or patterns gave, each file once and in order.
fn finished(mut collected: Collected) -> Collected {
    sort_and_dedupe(&mut collected.inputs);
    collected.unreadable.sort();
    collected.unreadable.dedup();
    collected
}

/// Resolves the config's `include` patterns as [`collect`] resolves arguments, except that
/// a pattern that matches nothing is a warning, not an error: a config names what may be
/// there (a stale pattern must not fail every run), and a run that finds nothing at all
/// says so anyway.
pub fn collect_included(patterns: &[String], stdin_name: &str) -> Result<Collected, CollectError> {
    let mut all = Collected::default();
    for pattern in patterns {
        match collect(std::slice::from_ref(pattern), stdin_name) {
            Ok(mut collected) => {
                all.inputs.append(&mut collected.inputs);
                all.warnings.append(&mut collected.warnings);
                all.unreadable.append(&mut collected.unreadable);
                all.beside.extend(collected.beside);
            }
            Err(CollectError::NoMatch { pattern }) => {
                all.warnings.push(format!("the config's `include` pattern `{pattern}` matched no files"));
            }
            Err(error) => return Err(error),
        }
    }
    Ok(finished(all))
}

/// Sorts inputs by display name (component by component, as a sorted walk lists them)
/// and keeps one input per file: the first name in that order that is not a symbolic
/// link (else the first), named on the command line if any of its spellings was (an
/// unreadable named file is then an error, not a finding).
fn sort_and_dedupe(inputs: &mut Vec<Input>) {
    inputs.par_sort_by(|a, b| Path::new(a.name()).cmp(Path::new(b.name())));
    // One `stat` per file, on every core: the device and inode say which paths are one
    // file. A second `lstat` only for the rare duplicate.
    let (ids, stats): (Vec<Option<paths::FileId>>, Vec<Option<paths::Stat>>) = inputs
        .par_iter()
        .with_max_len(crate::CHUNK)
        .map(|i| {
            i.path().and_then(paths::identity_and_stat).map_or((None, None), |(id, stat)| (Some(id), stat))
        })
        .unzip();
    for (input, found) in inputs.iter_mut().zip(stats) {
        if let Input::File { stat, .. } = input {
            *stat = found;
        }
    }
    let is_link = |index: usize| inputs.get(index).and_then(Input::path).is_some_and(Path::is_symlink);
    let mut first = <foldhash::HashMap<_, usize> as foldhash::HashMapExt>::with_capacity(inputs.len());
    let mut keep = vec![true; inputs.len()];
    let mut named = vec![false; inputs.len()];
    for (index, (input, id)) in inputs.iter().zip(&ids).enumerate() {
        // A file that cannot be identified (it vanished) is told apart by its name, and so
        // is a link with a Terraform or Packer name: those tools read a file by its place
        // (`tf/terraform.tfvars -> ../shared/prod.tfvars` is the module's variables file,
        // `providers.tf` linked into each module is each module's), so it is not the same
        // input as its target.
        let placed = || {
            is_link(index) && crate::source::Frontend::of(input.name()) != crate::source::Frontend::Document
        };
        let key = match (id, input) {
            (Some(id), _) if !placed() => (Some(id.clone()), None),
            (_, Input::File { name, .. }) => (None, Some((false, name.as_str()))),
            (_, Input::Stdin { name }) => (None, Some((true, name.as_str()))),
        };
        let explicit = matches!(input, Input::File { explicit: true, .. });
        match first.get_mut(&key) {
            Some(kept) if is_link(*kept) && !is_link(index) => {
                // The file's own path wins over a link to it.
                let was_named = named.get(*kept).copied().unwrap_or(false)
                    || matches!(inputs.get(*kept), Some(Input::File { explicit: true, .. }));
                if let Some(slot) = keep.get_mut(*kept) {
                    *slot = false;
                }
                if let Some(flag) = named.get_mut(index) {
                    *flag = was_named;
                }
                *kept = index;
            }
            Some(kept) => {
                if let (Some(slot), Some(flag)) = (keep.get_mut(index), named.get_mut(*kept)) {
                    *slot = false;
                    *flag |= explicit;
                }
            }
            None => {
                first.insert(key, index);
            }
        }
    }
    drop(first);
    let mut position = 0;
    inputs.retain_mut(|input| {
        let kept = keep.get(position).copied().unwrap_or(true);
        if let (Input::File { explicit, .. }, Some(true)) = (&mut *input, named.get(position)) {
            *explicit = true;
        }
        position += 1;
        kept
    });
}

fn expand_glob(
    pattern: &str,
    collected: &mut Collected,
    loose: &mut Vec<(PathBuf, String)>,
) -> Result<(), CollectError> {
    // `dir/**` is everything under `dir`, as `.gitignore`, the config's `exclude`, ruff and
    // globset read it; the glob crate gives only `dir`'s subdirectories for it, so the
    // files directly in `dir` were lost. Each directory `dir` names is walked instead.
    let under = pattern.strip_suffix("/**").or_else(|| pattern.strip_suffix("\\**"));
    let (expanded, directories_only) = match under {
        Some("") => ("/", true),
        Some(base) if !base.ends_with("**") => (base, true),
        _ => (pattern, false),
    };
    let paths = glob::glob(expanded)
        .map_err(|e| CollectError::Pattern { pattern: pattern.to_string(), message: e.msg.to_string() })?;
    let mut matched: Vec<PathBuf> = Vec::new();
    for entry in paths {
        match entry {
            Ok(path) if directories_only && !path.is_dir() => {}
            Ok(path) => matched.push(path),
            Err(e) => {
                let name = display_name(e.path());
                collected.warnings.push(format!("{name}: skipped: {}", e.error()));
                collected.unreadable.push((name, format!("cannot read this path: {}", e.error())));
            }
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
            loose.push((path.clone(), name.clone()));
            collected.inputs.push(Input::File { path, name, explicit: false, stat: None });
        }
    }
    Ok(())
}

/// A walked entry, as the walk's threads report it.
enum Found {
    File(PathBuf, String),
    Warning(Option<PathBuf>, String),
    /// A path that may hold specs and could not be read: a warning and an S001 finding.
    Unreadable(PathBuf, String, String),
}

fn walk(root: &Path, collected: &mut Collected) {
    // A root named through a symbolic link is the user's choice: `link/.` makes the walker
    // enter it (it does not follow links itself, see `linked`).
    let start = if root.is_symlink() { root.join(".") } else { root.to_path_buf() };
    // Links are followed only to files inside the walked directory (see `linked`).
    let boundary = std::fs::canonicalize(root).ok();
    // The walker reads the ignore files of the root and of every directory above it.
    let above = match boundary.as_deref().map(|b| walk::ignore_cost(b.ancestors(), 0)) {
        Some(Err(reason)) => {
            let name = display_name(root);
            collected.warnings.push(format!("{name}: not checked: {reason}"));
            collected.unreadable.push((name, format!("the directory was not checked: {reason}")));
            return;
        }
        Some(Ok(bytes)) => bytes,
        None => 0,
    };
    let budget = walk::IgnoreBudget::new(start.clone(), above);
    // Directories are read on every core; the files are then put in the order a
    // sorted depth-first walk gives (`Path` compares component by component), so runs
    // are reproducible.
    let found = std::sync::Mutex::new(Vec::new());
    let skipped = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let filter_skipped = std::sync::Arc::clone(&skipped);
    ignore::WalkBuilder::new(&start)
        .require_git(false)
        .follow_links(false)
        // A directory whose ignore files could cost gigabytes to compile is not entered
        // (the walker reads a directory's ignore files before listing it).
        .filter_entry(move |entry| {
            if !entry.file_type().is_some_and(|t| t.is_dir()) {
                return true;
            }
            let Err(reason) = budget.admit(entry.path()) else { return true };
            let name = display_name(entry.path());
            let found = Found::Unreadable(
                entry.path().to_path_buf(),
                name,
                format!("the directory was not checked: {reason}"),
            );
            filter_skipped.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(found);
            false
        })
        .build_parallel()
        .run(|| {
            Box::new(|entry| {
                // The entry is looked at and named before the lock is taken, so threads only
                // wait for each other to push.
                let item = match entry {
                    Ok(entry) => walk::visit(&entry, boundary.as_deref()),
                    Err(error) => Some(walk::error(&error)),
                };
                if let Some(item) = item {
                    found.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(item);
                }
                ignore::WalkState::Continue
            })
        });
    let mut all = found.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    all.append(&mut skipped.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
    let mut paths = Vec::new();
    let mut warnings = Vec::new();
    for item in all {
        match item {
            Found::File(path, name) => paths.push((path, name)),
            Found::Warning(path, warning) => warnings.push((path, warning)),
            Found::Unreadable(path, name, why) => {
                warnings.push((Some(path), format!("{name}: skipped during the walk: {why}")));
                collected.unreadable.push((name, why));
            }
        }
    }
    walk::whole_modules(&mut paths, &mut warnings, boundary.as_deref(), false);
    // Each path is found once: the order of equal ones cannot matter.
    paths.par_sort_by_cached_key(|(path, _)| paths::order_key(path));
    // Warnings in walk order too: by the path they are about.
    // A link out of a module directory is met by the walk and by `whole_modules` alike.
    warnings.sort();
    warnings.dedup();
    let warnings = warnings.into_iter().map(|(_, warning)| warning);
    collected.inputs.extend(paths.into_iter().map(|(path, name)| Input::File {
        path,
        name,
        explicit: false,
        stat: None,
    }));
    collected.warnings.extend(warnings);
}

/// Whether a walk picks up a file of this name: YAML and JSON (specs, ROS templates,
/// Packer JSON), and the Terraform and Packer files of DESIGN §8 (not any `.hcl`: a
/// `.terraform.lock.hcl` or a Nomad job is another tool's).
fn wanted(path: &Path) -> bool {
    let spec = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| SPEC_EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)));
    spec || path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| crate::source::Frontend::of(n) != crate::source::Frontend::Document)
}

/// A path as shown to users: normalised (no `./`, `//` or resolvable `..`), relative to
/// the working directory when it lies under it, with `/` separators.
pub fn display_name(path: &Path) -> String {
    paths::display(path)
}

/// The S001 finding for a path [`collect`] found but could not read.
pub fn unreadable(name: &str, why: &str) -> Loaded {
    problem(name, why, Some("every file that may hold specs must be readable for the check to be complete"))
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

/// A file's source, plus the S001 finding when its bytes cannot be a spec. The finding is
/// boxed: a run holds one `Loaded` per file until the files are parsed, and an inline
/// `Finding` made each of them 368 bytes (37 MB for 100,000 files that almost all read well).
pub struct Loaded {
    pub file: Arc<SourceFile>,
    pub problem: Option<Box<Finding>>,
}

/// Reads one input. `Err` only for an input named on the command line that cannot be read.
pub fn read(input: &Input, options: ReadOptions) -> Result<Loaded, CollectError> {
    let name = input.name().to_string();
    // Spans are 32-bit (`source::Span`): no limit lets a larger file in.
    match read_bytes(input, options.max_file_size.min(crate::source::MAX_TEXT_BYTES)) {
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

/// The largest config, catalog, baseline or rule file read: the default spec limit.
pub const MAX_OWN_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// Reads one of ecslint's own inputs (a config, catalog, baseline or rule file) with the
/// bounds a spec gets: a regular file only (a FIFO would block, `/dev/zero` never end),
/// at most [`MAX_OWN_FILE_SIZE`] bytes, UTF-8.
pub fn read_text(path: &Path) -> std::io::Result<String> {
    let invalid = |message: String| std::io::Error::new(std::io::ErrorKind::InvalidData, message);
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(invalid("not a regular file (a FIFO, socket or device cannot be read)".to_string()));
    }
    let limit = MAX_OWN_FILE_SIZE;
    let too_large = |size: u64| invalid(format!("the file is {size} bytes, over the {limit}-byte limit"));
    if meta.len() > limit {
        return Err(too_large(meta.len()));
    }
    let size = usize::try_from(meta.len()).unwrap_or(0);
    let bytes = read_limited(open_to_read(path)?, limit, size)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    String::from_utf8(bytes)
        .map_err(|e| invalid(format!("invalid UTF-8 at byte {}", e.utf8_error().valid_up_to())))
}

/// Longest run of an input's text an error message may quote.
pub const EXCERPT_CHARS: usize = 80;

/// Longest error message about an input, excerpts included.
const MAX_MESSAGE_CHARS: usize = 4 * EXCERPT_CHARS;

/// `message` with every quoted run (`"..."`, `` `...` ``) longer than [`EXCERPT_CHARS`]
/// cut to that many characters and an ellipsis, and the whole capped at a few lines: error
/// messages quote values from files (`invalid type: string "root:x:0:0:..."`), and a
/// config must not be able to print a whole file it names.
pub fn excerpt(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(1024));
    let mut quote: Option<(char, usize)> = None;
    for c in message.chars() {
        match quote {
            Some((open, _)) if c == open => {
                quote = None;
                out.push(c);
            }
            Some((open, n)) => {
                if n < EXCERPT_CHARS {
                    out.push(c);
                } else if n == EXCERPT_CHARS {
                    out.push('…');
                }
                quote = Some((open, n.saturating_add(1)));
            }
            None => {
                if c == '"' || c == '`' {
                    quote = Some((c, 0));
                }
                out.push(c);
            }
        }
    }
    if out.chars().count() > MAX_MESSAGE_CHARS {
        out = out.chars().take(MAX_MESSAGE_CHARS).chain(['…']).collect();
    }
    out
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
        Input::File { path, stat, .. } => {
            // The `stat` that told which file this is, else one now.
            let stat = match stat {
                Some(stat) => *stat,
                None => paths::Stat::from(&std::fs::metadata(path)?),
            };
            if !stat.regular {
                let message = "not a regular file (a FIFO, socket or device cannot be a spec)";
                return Ok(Read::Problem(Box::new(problem(name, message, None))));
            }
            if stat.len > limit {
                return Ok(Read::Problem(Box::new(too_large(name, stat.len, limit))));
            }
            // The size is at most the limit here: room for all of it saves growing the buffer
            // (a file that grew since is read on to its end, up to the limit).
            let size = usize::try_from(stat.len).unwrap_or(0);
            read_limited(open_to_read(path)?, limit, size)?
        }
    };
    if bytes.len() as u64 > limit {
        return Ok(Read::Problem(Box::new(too_large(name, bytes.len() as u64, limit))));
    }
    Ok(Read::Bytes(bytes))
}

/// Opens a file to read it, never waiting in the `open`: a path that was a regular file
/// when it was `stat`ed (by the duplicate check, before the walk ended) may have been
/// swapped for a FIFO since, by someone writing into the checked tree during the run, and
/// a plain `open` of a FIFO waits for a writer. With `O_NONBLOCK` it returns at once, and a
/// read of the FIFO ends (no writer) or fails (`WouldBlock`), bounded like any read; a
/// regular file ignores the flag, except one under a write lease (Samba's oplocks, an NFS
/// server's delegations), whose non-blocking open fails with `WouldBlock`: it is opened
/// again, waiting for the lease to be broken as a plain open does (a FIFO's read-only
/// open never gives that error). No system call more than `File::open` otherwise.
fn open_to_read(path: &Path) -> std::io::Result<std::fs::File> {
    #[cfg(unix)]
    {
        use rustix::fs::{Mode, OFlags};
        let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC;
        match rustix::fs::open(path, flags, Mode::empty()) {
            Ok(fd) => Ok(std::fs::File::from(fd)),
            Err(rustix::io::Errno::WOULDBLOCK) => std::fs::File::open(path),
            Err(errno) => Err(errno.into()),
        }
    }
    #[cfg(not(unix))]
    std::fs::File::open(path)
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
            Loaded { file, problem: Some(Box::new(finding)) }
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
    let help = if limit >= crate::source::MAX_TEXT_BYTES {
        "ecslint reads files of at most 4 GiB: its byte offsets are 32-bit"
    } else {
        "raise the limit with `--max-file-size BYTES` (or `maxFileSize` in ecslint.yaml) if the file really is a spec"
    };
    problem(name, &format!("the file is {size} bytes, over the {limit}-byte limit"), Some(help))
}

fn problem(name: &str, message: &str, help: Option<&str>) -> Loaded {
    let file = Arc::new(SourceFile::new(name, ""));
    let mut finding = codes::PARSE_ERROR.finding(message, Location::new(Arc::clone(&file), Span::default()));
    finding.help = help.map(str::to_string);
    Loaded { file, problem: Some(Box::new(finding)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_file_is_small_until_it_is_parsed() {
        // A run holds one `Loaded` per file until every file is parsed; with the finding
        // inline it was 368 bytes, 37 MB for 100,000 files.
        assert!(std::mem::size_of::<Loaded>() <= 16, "{}", std::mem::size_of::<Loaded>());
    }

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

    #[cfg(unix)]
    #[test]
    fn a_file_swapped_for_a_fifo_after_its_stat_is_read_without_waiting() {
        // The duplicate check's `stat` said a regular file; by the read, someone has put a
        // FIFO in its place. A plain `open` would wait for a writer, for ever.
        let dir = std::env::temp_dir().join(format!("ecslint-fifo-swap-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("swapped.yaml");
        let _ = std::fs::remove_file(&path);
        let made = std::process::Command::new("mkfifo").arg(&path).status();
        assert!(made.is_ok_and(|status| status.success()), "mkfifo failed");
        let stale = Some(paths::Stat { regular: true, len: 12 });
        for explicit in [false, true] {
            let input =
                Input::File { path: path.clone(), name: "swapped.yaml".into(), explicit, stat: stale };
            let (send, receive) = std::sync::mpsc::channel();
            std::thread::spawn(move || send.send(read(&input, ReadOptions::default()).is_ok()));
            let done = receive.recv_timeout(std::time::Duration::from_secs(20));
            if done.is_err() {
                // Unblock the read so the test process can end: open it for writing, without
                // waiting in turn should the read have ended meanwhile (no reader: `ENXIO`).
                use rustix::fs::{Mode, OFlags};
                let _ = rustix::fs::open(&path, OFlags::WRONLY | OFlags::NONBLOCK, Mode::empty());
            }
            // Read as an empty file (no writer) or refused: either way, at once.
            assert!(done.is_ok(), "the read of a FIFO waited for a writer (explicit: {explicit})");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn no_limit_lets_in_a_file_past_what_a_span_can_point_into() {
        // A sparse file: its size is metadata, nothing is written or read.
        let dir = std::env::temp_dir().join(format!("ecslint-span-bound-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("huge.yaml");
        let file = std::fs::File::create(&path).unwrap();
        let sized = file.set_len(crate::source::MAX_TEXT_BYTES + 1);
        drop(file);
        let input = Input::File { path: path.clone(), name: "huge.yaml".into(), explicit: true, stat: None };
        let loaded = read(&input, ReadOptions { max_file_size: u64::MAX });
        let _ = std::fs::remove_dir_all(&dir);
        sized.unwrap();
        let loaded = loaded.unwrap();
        let expected = "the file is 4294967296 bytes, over the 4294967295-byte limit";
        assert_eq!(message(&loaded), Some(expected));
        let help = loaded.problem.as_ref().and_then(|p| p.help.as_deref());
        assert!(help.is_some_and(|h| h.contains("32-bit")), "{help:?}");
    }

    #[test]
    fn a_found_file_that_cannot_be_read_is_a_finding_and_a_named_one_an_error() {
        let path = PathBuf::from("target/no-such-dir/vanished.yaml");
        let found =
            Input::File { path: path.clone(), name: "vanished.yaml".into(), explicit: false, stat: None };
        let loaded = read(&found, ReadOptions::default()).unwrap();
        assert!(
            message(&loaded).is_some_and(|m| m.starts_with("cannot read the file: ")),
            "{:?}",
            message(&loaded)
        );
        let named = Input::File { path, name: "vanished.yaml".into(), explicit: true, stat: None };
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
