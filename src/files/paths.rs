//! How a path is named and recognised: display names that do not depend on how a path
//! was spelt (`./a.yaml`, `.//a.yaml`, `$PWD/a.yaml`, `sub/../a.yaml` are all `a.yaml`),
//! and the identity of a file whatever the path that reached it (a symbolic link, a
//! hard link, a relative or an absolute spelling), so a file is read once.

use std::ffi::OsStr;
use std::path::{Component, Path, PathBuf};
use std::sync::LazyLock;

/// The working directory, read once: display names are relative to it. `None` when it
/// cannot be read (deleted under the process), and then absolute paths stay absolute.
static CWD: LazyLock<Option<PathBuf>> = LazyLock::new(|| std::env::current_dir().ok());

/// `path` without `.` components, doubled separators and the `..` that can be resolved
/// without changing the file named. `a/..` is dropped only when `a` is not a symbolic
/// link: through a link, `..` is the parent of the link's target, not of the link.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    // Normal components at the end of `out` that a `..` may still remove.
    let mut removable = 0_usize;
    let mut rooted = false;
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if removable > 0 && !out.is_symlink() {
                    out.pop();
                    removable -= 1;
                } else if rooted && removable == 0 && out.parent().is_none() {
                    // `/..` is `/`.
                } else {
                    out.push("..");
                    // What came before a kept `..` is part of the path it resolves through.
                    removable = 0;
                }
            }
            Component::Normal(part) => {
                out.push(part);
                removable += 1;
            }
            Component::RootDir | Component::Prefix(_) => {
                out.push(component.as_os_str());
                rooted = true;
            }
        }
    }
    out
}

/// The name a path is shown under: normalised, relative to the working directory when
/// it lies under it, with `/` separators.
pub fn display(path: &Path) -> String {
    let normal = normalize(path);
    let shown = match CWD.as_deref() {
        Some(cwd) if normal.is_absolute() => match normal.strip_prefix(cwd) {
            Ok(rest) if !rest.as_os_str().is_empty() => rest,
            _ => normal.as_path(),
        },
        _ => normal.as_path(),
    };
    let text = shown.to_string_lossy().replace('\\', "/");
    if text.is_empty() { ".".to_string() } else { text }
}

/// An absolute, normalised path: what a config pattern is matched against, so that
/// `infra/x.yaml`, `$PWD/infra/x.yaml` and `../repo/infra/x.yaml` match alike.
pub fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        return normalize(path);
    }
    match CWD.as_deref() {
        Some(cwd) => normalize(&cwd.join(path)),
        None => normalize(path),
    }
}

/// A key whose byte order is the order of the paths (`Path`'s `Ord`, component by
/// component: a root, then `.`, then `..`, then names by their bytes). Comparing two
/// paths splits both into components on every comparison, which was 12 M of the 14 M
/// instructions of walking 1,500 files, on the main thread (callgrind); a sort by these
/// keys splits each path once. A name's bytes never hold a 0, which ends each component.
/// (A Windows prefix is ordered by its text, which paths under one walked root share.)
pub fn order_key(path: &Path) -> Vec<u8> {
    let mut key = Vec::with_capacity(path.as_os_str().len() + 8);
    for component in path.components() {
        let (tag, name) = match component {
            Component::Prefix(prefix) => (0, prefix.as_os_str()),
            Component::RootDir => (1, OsStr::new("")),
            Component::CurDir => (2, OsStr::new("")),
            Component::ParentDir => (3, OsStr::new("")),
            Component::Normal(name) => (4, name),
        };
        key.push(tag);
        key.extend_from_slice(name.as_encoded_bytes());
        key.push(0);
    }
    key
}

/// What makes two paths the same file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FileId {
    /// Device and inode: equal for every path to one file, links included.
    #[cfg_attr(not(unix), allow(dead_code))]
    Inode(u64, u64),
    /// The canonical path, where there are no inode numbers to compare.
    #[cfg_attr(unix, allow(dead_code))]
    Canonical(PathBuf),
}

/// The identity of the file `path` leads to (through links), if it exists.
pub fn identity(path: &Path) -> Option<FileId> {
    identity_and_stat(path).map(|(id, _)| id)
}

/// What the `stat` that tells which file a path is says too, for the read that follows:
/// whether it is a regular file, and its size. Read once, it saves a `stat` per file (a
/// Terraform module's three files, each in a directory of its own, made five system calls
/// each before being parsed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Stat {
    pub regular: bool,
    pub len: u64,
}

impl From<&std::fs::Metadata> for Stat {
    fn from(meta: &std::fs::Metadata) -> Self {
        Self { regular: meta.is_file(), len: meta.len() }
    }
}

/// The identity of the file `path` leads to (through links), if it exists, and its [`Stat`]
/// where one call gives both.
#[cfg(unix)]
pub fn identity_and_stat(path: &Path) -> Option<(FileId, Option<Stat>)> {
    use std::os::unix::fs::MetadataExt as _;
    let meta = std::fs::metadata(path).ok()?;
    Some((FileId::Inode(meta.dev(), meta.ino()), Some(Stat::from(&meta))))
}

/// The identity of the file `path` leads to (through links), if it exists.
#[cfg(not(unix))]
pub fn identity_and_stat(path: &Path) -> Option<(FileId, Option<Stat>)> {
    std::fs::canonicalize(path).ok().map(|id| (FileId::Canonical(id), None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_keys_sort_paths_as_paths_sort() {
        let paths = [
            "",
            "/",
            "/a",
            "a",
            "a/b",
            "a-b",
            "a/b/c",
            "a.b",
            "a/.b",
            "./a",
            ".",
            "..",
            "../a",
            "a/..",
            "a//b",
            "a/./b",
            "a/b/",
            "ab",
            "a b",
            "é",
            "e/é",
            "/tmp/x/team-1/a.yaml",
            "/tmp/x/team-10/a.yaml",
            "/tmp/x/team-1.yaml",
            "-",
            "a/-",
            "a/b-",
            "a/b/-",
        ];
        for a in paths {
            for b in paths {
                let (a, b) = (Path::new(a), Path::new(b));
                assert_eq!(order_key(a).cmp(&order_key(b)), a.cmp(b), "{a:?} against {b:?}");
            }
        }
    }

    #[test]
    fn spellings_of_one_path_normalise_alike() {
        let cases = [
            ("./a.yaml", "a.yaml"),
            (".//b.yaml", "b.yaml"),
            ("x//y/./z.yaml", "x/y/z.yaml"),
            ("x/../b.yaml", "b.yaml"),
            ("../b.yaml", "../b.yaml"),
            ("x/../../b.yaml", "../b.yaml"),
            ("/../etc", "/etc"),
            (".", ""),
        ];
        for (given, expected) in cases {
            assert_eq!(normalize(Path::new(given)), PathBuf::from(expected), "{given}");
        }
    }

    #[test]
    fn absolute_paths_under_the_working_directory_are_shown_relative() {
        let cwd = std::env::current_dir().unwrap_or_default();
        assert_eq!(display(&cwd.join("specs//web.yaml")), "specs/web.yaml");
        assert_eq!(display(Path::new("./specs/./web.yaml")), "specs/web.yaml");
        assert_eq!(display(Path::new(".")), ".");
    }
}
