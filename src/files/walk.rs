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

/// Ignore files the walker reads in each directory, and the largest it may read. An
/// 11.8 MB `.gitignore` took the `ignore` crate 4.8 GB and 12 s to compile; real ones
/// are a few kilobytes.
const IGNORE_FILES: [&str; 3] = [".gitignore", ".ignore", ".git/info/exclude"];
pub const MAX_IGNORE_FILE_SIZE: u64 = 1024 * 1024;

/// Why the walker must not read `dir`'s ignore files: one over the size limit, or one
/// that is a FIFO or a device (which would block the walk or never end). `None` when
/// they are fine.
pub(super) fn oversized_ignore_file(dir: &Path) -> Option<String> {
    IGNORE_FILES.iter().find_map(|name| {
        let meta = std::fs::metadata(dir.join(name)).ok()?;
        if meta.is_dir() {
            // Not a file the walker reads as ignore rules.
            return None;
        }
        if !meta.is_file() {
            return Some(format!("its `{name}` is not a regular file"));
        }
        (meta.len() > MAX_IGNORE_FILE_SIZE).then(|| {
            format!(
                "its `{name}` is {} bytes, over the {MAX_IGNORE_FILE_SIZE}-byte limit for ignore files",
                meta.len()
            )
        })
    })
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
