//! What a directory walk does with each entry: which files it picks up, how it treats
//! symbolic links, and which walk errors mean a file could not be checked.
//!
//! Symbolic links: a walk does not follow a link out of the directory it walks (a link
//! to `/` would walk the whole file system, a link to `../secret` would print another
//! file's text in a snippet). A link to a spec file inside the walked directory is read
//! (once: the file's identity is compared with the other inputs'); a link to a directory
//! is not entered, since its files are walked where they are. Files named on the command
//! line are read wherever they lead: the user named them.

use super::{Found, display_name, wanted};
use std::path::Path;

/// Ignore files the walker reads in each directory.
const IGNORE_FILES: [&str; 3] = [".gitignore", ".ignore", ".git/info/exclude"];

/// The most bytes of ignore files one directory may be governed by: its own and those of
/// the directories above it, whose compiled matchers the walker keeps while it walks
/// below. Compiling costs about 900 bytes of memory a byte of patterns (an 11.8 MB
/// `.gitignore` took 4.8 GB and 12 s; 1 MiB of wildcards 755 MB and 6 s; 256 KiB 226 MB and
/// 0.6 s, release build). Real ones are a few kilobytes.
pub const MAX_IGNORE_BYTES: u64 = 256 * 1024;

/// The bytes of `dir`'s own ignore files, or why the walker must not read them: one is a
/// FIFO or a device (it would block the walk or never end).
fn ignore_bytes(dir: &Path) -> Result<u64, String> {
    let mut total = 0_u64;
    for name in IGNORE_FILES {
        let Ok(meta) = std::fs::metadata(dir.join(name)) else { continue };
        if meta.is_dir() {
            // Not a file the walker reads as ignore rules.
            continue;
        }
        if !meta.is_file() {
            return Err(format!("its `{name}` is not a regular file"));
        }
        total = total.saturating_add(meta.len());
    }
    Ok(total)
}

/// The bytes of ignore files in `dirs` (a directory and those above it that the walk
/// reads them from) plus `above` bytes already counted; `Err` with why the walker must
/// not enter the directory when they pass [`MAX_IGNORE_BYTES`] or one is not a regular
/// file. Counting along the path keeps the result independent of the walk's threads.
pub(super) fn ignore_cost<'a>(dirs: impl Iterator<Item = &'a Path>, above: u64) -> Result<u64, String> {
    let mut total = above;
    for dir in dirs {
        total = total.saturating_add(ignore_bytes(dir)?);
    }
    if total > MAX_IGNORE_BYTES {
        return Err(format!(
            "its ignore files (with those of the directories above it) hold {total} bytes, over the {MAX_IGNORE_BYTES}-byte limit"
        ));
    }
    Ok(total)
}

/// What an entry of a walk of the directory whose canonical path is `boundary` gives.
pub(super) fn visit(entry: &ignore::DirEntry, boundary: Option<&Path>) -> Option<Found> {
    let path = entry.path();
    if entry.path_is_symlink() {
        return linked(path, boundary);
    }
    let is_file = entry.file_type().is_some_and(|t| t.is_file());
    (is_file && wanted(path)).then(|| Found::File(path.to_path_buf(), display_name(path)))
}

/// A symbolic link met by a walk: a spec file inside the walked directory, or a warning
/// when it points outside, nowhere, or to a directory that contains it.
fn linked(path: &Path, boundary: Option<&Path>) -> Option<Found> {
    let name = display_name(path);
    let warn = |why: &str| {
        Some(Found::Warning(Some(path.to_path_buf()), format!("{name}: skipped during the walk: {why}")))
    };
    let target = match std::fs::canonicalize(path) {
        Ok(target) => target,
        Err(error) => return warn(&error.to_string()),
    };
    let is_dir = target.is_dir();
    if !boundary.is_some_and(|b| target.starts_with(b)) {
        let what = if is_dir { "directory" } else { "file" };
        return warn(&format!("a symbolic link to a {what} outside the walked directory is not followed"));
    }
    if is_dir {
        let contains_link =
            path.parent().and_then(|p| std::fs::canonicalize(p).ok()).is_some_and(|p| p.starts_with(&target));
        return if contains_link {
            warn("a symbolic link loop (it points to a directory that contains it)")
        } else {
            // Its files are walked where they are.
            None
        };
    }
    (target.is_file() && wanted(path)).then(|| Found::File(path.to_path_buf(), name))
}

/// A walk error: a path that could not be read is a file (or directory of files) that
/// could not be checked; anything else is a warning.
pub(super) fn error(error: &ignore::Error) -> Found {
    let path = error_path(error);
    match (error.io_error(), path) {
        (Some(io), Some(path)) => {
            Found::Unreadable(path.to_path_buf(), display_name(path), format!("cannot read this path: {io}"))
        }
        _ => Found::Warning(path.map(Path::to_path_buf), format!("skipped during the walk: {error}")),
    }
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
