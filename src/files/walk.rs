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
use std::path::{Path, PathBuf};

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

/// The ignore-file budget of one walk: which directories it may enter (see
/// [`ignore_cost`]) at three `stat` calls a directory, its own ignore files. The bytes of
/// the directories above it were counted when each was entered (it is entered after its
/// parent), and only those that hold some are kept. Counting the whole path again from
/// every directory cost three calls per level: a walk of 2,020 Terraform module
/// directories two levels deep made 12,100 `stat` calls for ignore files, now 6,100.
pub(super) struct IgnoreBudget {
    /// The walked directory, as the walk's paths start (its own bytes are in `above`).
    start: std::path::PathBuf,
    /// The bytes of the walked directory's ignore files and of those above it.
    above: u64,
    /// The directories entered so far that hold ignore files, with their own bytes.
    held: std::sync::RwLock<foldhash::HashMap<std::path::PathBuf, u64>>,
}

impl IgnoreBudget {
    pub(super) fn new(start: std::path::PathBuf, above: u64) -> Self {
        Self { start, above, held: std::sync::RwLock::default() }
    }

    /// `Ok` when the walk may enter `dir`, a directory below the walked one whose parent
    /// it entered: the same answer as [`ignore_cost`] over `dir` and the directories
    /// between it and the walked one, plus `above`.
    pub(super) fn admit(&self, dir: &Path) -> Result<(), String> {
        let own = ignore_bytes(dir)?;
        let mut total = self.above.saturating_add(own);
        {
            let held = self.held.read().unwrap_or_else(std::sync::PoisonError::into_inner);
            if !held.is_empty() {
                for above in dir.ancestors().skip(1).take_while(|above| *above != self.start) {
                    total = total.saturating_add(held.get(above).copied().unwrap_or(0));
                }
            }
        }
        ignore_cost(std::iter::empty(), total)?;
        if own > 0 {
            let mut held = self.held.write().unwrap_or_else(std::sync::PoisonError::into_inner);
            held.insert(dir.to_path_buf(), own);
        }
        Ok(())
    }
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

/// Most files one module directory gains from [`whole_modules`]: the walk's own share is
/// bounded by what the directory holds anyway, these by nothing else.
const MAX_ADDED_PER_MODULE: usize = 1_000;

/// Whether Terraform (or OpenTofu) reads a file of this name in a module's directory by
/// itself: a configuration file whose name it does not ignore (one starting with `.`,
/// ending with `~`, or between `#`s, as editors leave them), or a variables file it loads
/// without being told (`terraform.tfvars`, `terraform.tfvars.json`, `*.auto.tfvars`,
/// `*.auto.tfvars.json`, hidden ones too). Names are compared with their case, as
/// Terraform compares them.
fn terraform_reads(name: &str) -> bool {
    use crate::terraform::eval::is_tfvars;
    if crate::source::Frontend::of(name) != crate::source::Frontend::Terraform {
        return false;
    }
    if is_tfvars(name) {
        return matches!(name, "terraform.tfvars" | "terraform.tfvars.json")
            || name.ends_with(".auto.tfvars")
            || name.ends_with(".auto.tfvars.json");
    }
    !(name.starts_with('.') || name.ends_with('~') || (name.starts_with('#') && name.ends_with('#')))
}

/// Whether Packer reads a file of this name in a template's directory by itself
/// (`packer build .`): every `.pkr.hcl` file and the `*.auto.pkrvars.hcl` and
/// `*.auto.pkrvars.json` variables files, hidden ones too (it lists the directory and
/// matches the suffixes, `hcl2template.GetHCL2Files`).
fn packer_reads(name: &str) -> bool {
    [".pkr.hcl", ".auto.pkrvars.hcl", ".auto.pkrvars.json"].iter().any(|suffix| name.ends_with(suffix))
}

/// Adds to a walk's `paths` the files Terraform reads in each directory the walk found a
/// Terraform configuration file in (and Packer in each it found a `.pkr.hcl` file in), and
/// that the walk left out because `.gitignore` lists them (GitHub's Terraform `.gitignore`
/// lists `*.tfvars` and `*_override.tf`) or they are hidden (`.ci.auto.tfvars`). Both tools
/// read the directory whole, whatever Git ignores; without those files the check read the
/// variables' defaults where the tool uses the files' values. A link is added only when it
/// leads to a file inside the walked directory (`boundary`), as the walk follows links: one
/// out of it is skipped with a warning, as the walk skips one (it could print another
/// file's text, or be `/proc/kmsg`, which never ends), whether or not Git ignores it.
/// With `loose` (files named or matched, not walked), a variables file the tool loads by
/// itself (`terraform.tfvars`, `x.auto.pkrvars.hcl`) marks its directory too: a commit that
/// changes only it changes what the module deploys.
pub(super) fn whole_modules(
    paths: &mut Vec<(PathBuf, String)>,
    warnings: &mut Vec<(Option<PathBuf>, String)>,
    boundary: Option<&Path>,
    loose: bool,
) {
    use rayon::prelude::*;
    /// A directory's walked file names, and whether Terraform and whether Packer reads it.
    #[derive(Default)]
    struct Dir<'p> {
        walked: Vec<&'p str>,
        terraform: bool,
        packer: bool,
    }
    // Keyed by the directory's bytes: comparing `Path`s parses them into components, which
    // was most of this function's cost on 2,000 module directories.
    let mut dirs: foldhash::HashMap<&std::ffi::OsStr, Dir<'_>> = foldhash::HashMap::default();
    for (path, _) in paths.iter() {
        let (Some(name), Some(dir)) = (path.file_name().and_then(|n| n.to_str()), path.parent()) else {
            continue;
        };
        let terraform = crate::source::Frontend::of(name) == crate::source::Frontend::Terraform;
        let packer = if loose { packer_reads(name) } else { name.ends_with(".pkr.hcl") };
        if terraform || packer {
            let entry = dirs.entry(dir.as_os_str()).or_default();
            entry.walked.push(name);
            entry.terraform |= terraform_reads(name) && (loose || !crate::terraform::eval::is_tfvars(name));
            entry.packer |= packer;
        }
    }
    for dir in dirs.values_mut() {
        dir.walked.sort_unstable();
    }
    let found: Vec<Found> = dirs
        .into_par_iter()
        .filter(|(_, dir)| dir.terraform || dir.packer)
        .flat_map_iter(|(path, dir)| {
            let path = Path::new(path);
            let entries = std::fs::read_dir(path).into_iter().flatten().filter_map(Result::ok);
            let mut names: Vec<String> = entries
                .filter(|entry| {
                    entry.file_name().to_str().is_some_and(|name| {
                        let read =
                            (dir.terraform && terraform_reads(name)) || (dir.packer && packer_reads(name));
                        read && dir.walked.binary_search(&name).is_err()
                    })
                })
                .filter_map(|entry| entry.file_name().into_string().ok())
                .collect();
            names.sort_unstable();
            // `.ignore` is a tool's opt-out, not Git's: what it lists stays out.
            let canonical = if names.is_empty() { None } else { std::fs::canonicalize(path).ok() };
            let ignores = canonical.as_deref().map(dot_ignores).unwrap_or_default();
            let mut found: Vec<Found> = names
                .into_iter()
                .filter(|name| canonical.as_ref().is_none_or(|dir| !ignored_by(&ignores, &dir.join(name))))
                .map(|name| path.join(name))
                // A regular file, or a link to one inside the walked directory (`linked`, as
                // the walk reads links); not a FIFO, a device or a directory.
                .filter_map(|path| match std::fs::symlink_metadata(&path) {
                    Ok(meta) if meta.file_type().is_symlink() => linked(&path, boundary),
                    Ok(meta) if meta.is_file() => {
                        let name = display_name(&path);
                        Some(Found::File(path, name))
                    }
                    _ => None,
                })
                .take(MAX_ADDED_PER_MODULE + 1)
                .collect::<Vec<_>>();
            // Past the bound, a file left out may be one whose values the tool uses: say so.
            if found.len() > MAX_ADDED_PER_MODULE {
                found.truncate(MAX_ADDED_PER_MODULE);
                let why = format!(
                    "{}: only {MAX_ADDED_PER_MODULE} of the files Terraform or Packer reads here that the walk left out are read",
                    display_name(path)
                );
                found.push(Found::Warning(Some(path.to_path_buf()), why));
            }
            found
        })
        .collect();
    for item in found {
        match item {
            Found::File(path, name) => paths.push((path, name)),
            Found::Warning(path, warning) => warnings.push((path, warning)),
            Found::Unreadable(..) => {}
        }
    }
}

/// The `.ignore` files of `dir` (canonical) and of every directory above it, as the walker
/// reads them, nearest first.
fn dot_ignores(dir: &Path) -> Vec<(&Path, ignore::gitignore::Gitignore)> {
    let mut found = Vec::new();
    for above in dir.ancestors() {
        let file = above.join(".ignore");
        if std::fs::metadata(&file).is_ok_and(|m| m.is_file()) {
            found.push((above, ignore::gitignore::Gitignore::new(&file).0));
        }
    }
    found
}

/// Whether the nearest of `ignores` that has a say on `path` ignores it.
fn ignored_by(ignores: &[(&Path, ignore::gitignore::Gitignore)], path: &Path) -> bool {
    for (root, ignore) in ignores {
        // Relative to the ignore file's directory (the matcher asserts a path under it).
        let Ok(relative) = path.strip_prefix(root) else { continue };
        let matched = ignore.matched_path_or_any_parents(relative, false);
        if matched.is_ignore() {
            return true;
        }
        if matched.is_whitelist() {
            return false;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// A scratch tree of `files` (path, bytes) under a fresh directory.
    fn tree(name: &str, files: &[(&str, usize)]) -> PathBuf {
        let root = std::env::temp_dir().join(format!("ecslint-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for (file, bytes) in files {
            let path = root.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            // Ignore patterns that match nothing the walk finds.
            let line = "no-such-file-*\n";
            let text: String = line.repeat(bytes / line.len() + 1).chars().take(*bytes).collect();
            std::fs::write(&path, text).unwrap();
        }
        root
    }

    #[test]
    fn the_budget_admits_what_counting_the_whole_path_admits() {
        // 262,144 bytes at most: the paths below cross it at several depths, through each
        // kind of ignore file (`.git/info/exclude` is read where there is a `.git`).
        let root = tree(
            "walk-budget",
            &[
                (".gitignore", 10),
                ("a/.gitignore", 100_000),
                ("a/b/.ignore", 100_000),
                ("a/b/c/.git/info/exclude", 50_000),
                ("a/b/c/d/.gitignore", 20_000),
                ("a/b/c/d/e/x.yaml", 1),
                ("a/b/e/.gitignore", 70_000),
                ("a/b/e/f/x.yaml", 1),
                ("a/g/h/x.yaml", 1),
                ("i/.gitignore", 200_000),
                ("i/j/.ignore", 70_000),
                ("i/k/.ignore", 10_000),
                ("i/k/l/m/x.yaml", 1),
                ("n/.gitignore/x.yaml", 1),
            ],
        );
        let above = ignore_cost(root.ancestors(), 0).unwrap();
        let budget = IgnoreBudget::new(root.clone(), above);
        // The directories as a walk enters them: each after its parent, none below one
        // it did not enter.
        let mut queue = vec![root.clone()];
        let (mut admitted, mut refused) = (Vec::new(), Vec::new());
        while let Some(dir) = queue.pop() {
            let mut children: Vec<PathBuf> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|entry| entry.unwrap().path())
                .filter(|path| path.is_dir() && path.file_name().is_some_and(|name| name != ".git"))
                .collect();
            children.sort();
            for child in children {
                let whole = ignore_cost(child.ancestors().take_while(|dir| *dir != root.as_path()), above);
                let name = child.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
                assert_eq!(budget.admit(&child), whole.map(|_| ()), "{name}");
                if budget.admit(&child).is_ok() {
                    admitted.push(name);
                    queue.push(child);
                } else {
                    refused.push(name);
                }
            }
        }
        let _ = std::fs::remove_dir_all(&root);
        admitted.sort();
        refused.sort();
        assert_eq!(refused, ["a/b/c/d", "a/b/e", "i/j"]);
        assert_eq!(
            admitted,
            ["a", "a/b", "a/b/c", "a/g", "a/g/h", "i", "i/k", "i/k/l", "i/k/l/m", "n", "n/.gitignore"]
        );
    }

    #[test]
    fn a_walk_honours_nested_ignore_files_and_skips_hidden_ones() {
        let root = tree(
            "walk-nested",
            &[
                (".gitignore", 0),
                ("a.yaml", 1),
                (".hidden.yaml", 1),
                (".hidden/b.yaml", 1),
                ("sub/.gitignore", 0),
                ("sub/c.yaml", 1),
                ("sub/gone.yaml", 1),
                ("sub/deep/.ignore", 0),
                ("sub/deep/d.yaml", 1),
                ("sub/deep/skipped.yaml", 1),
                ("repo/.git/info/exclude", 0),
                ("repo/e.yaml", 1),
                ("repo/excluded.yaml", 1),
                ("build/f.yaml", 1),
            ],
        );
        std::fs::write(root.join(".gitignore"), "build/\n").unwrap();
        std::fs::write(root.join("sub/.gitignore"), "gone.yaml\n").unwrap();
        std::fs::write(root.join("sub/deep/.ignore"), "skipped.yaml\n").unwrap();
        std::fs::write(root.join("repo/.git/info/exclude"), "excluded.yaml\n").unwrap();
        let mut collected = super::super::Collected::default();
        super::super::walk(&root, &mut collected);
        let _ = std::fs::remove_dir_all(&root);
        let found: Vec<String> = collected
            .inputs
            .iter()
            .filter_map(|input| input.path()?.strip_prefix(&root).ok())
            .map(|path| path.to_string_lossy().replace('\\', "/"))
            .collect();
        assert_eq!(found, ["a.yaml", "repo/e.yaml", "sub/c.yaml", "sub/deep/d.yaml"]);
        assert!(collected.unreadable.is_empty(), "{:?}", collected.unreadable);
    }
}
