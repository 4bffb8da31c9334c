//! Writing a report or a baseline without clobbering what should not be written.
//!
//! A report path may be a symbolic link a repository commits (`ecslint.sarif` pointing at
//! a file of the CI user): writing through it would overwrite the link's target. So a
//! report is written to a new temporary file beside the path and renamed over it, which
//! replaces the link itself. A path that is one of the run's inputs is refused.

use super::paths;
use std::io::Write;
use std::path::Path;

/// The input among `inputs` that `target` is (the same file, by any path or link), if any.
pub fn clobbered<'a>(target: &Path, inputs: impl IntoIterator<Item = &'a Path>) -> Option<&'a Path> {
    let id = paths::identity(target)?;
    inputs.into_iter().find(|input| paths::identity(input).as_ref() == Some(&id))
}

/// Writes what `write` produces to `path`, replacing whatever `path` is (a file or a
/// symbolic link, never the link's target). A FIFO or a device (`/dev/stdout`) is
/// written to directly: there is no file to clobber, and no directory to rename in.
pub fn replace(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        let mut out = std::io::BufWriter::new(std::fs::OpenOptions::new().write(true).open(path)?);
        write(&mut out)?;
        return out.flush();
    }
    let file_name = path.file_name().ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, "the path does not name a file")
    })?;
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(file_name);
    temp_name.push(format!(".{}.ecslint-tmp", std::process::id()));
    let temp = dir.join(temp_name);
    // `create_new` fails on anything already there, a planted link included.
    let file = std::fs::OpenOptions::new().write(true).create_new(true).open(&temp)?;
    let written = (|| {
        // A regular file that is replaced keeps its permissions.
        if let Ok(meta) = std::fs::symlink_metadata(path) {
            if meta.is_file() {
                file.set_permissions(meta.permissions())?;
            }
        }
        let mut out = std::io::BufWriter::new(&file);
        write(&mut out)?;
        out.flush()?;
        drop(out);
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_is_replaced_and_its_target_left_alone() {
        let dir = std::env::temp_dir().join(format!("ecslint-write-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let victim = dir.join("victim.txt");
        std::fs::write(&victim, "precious").unwrap();
        let link = dir.join("report.sarif");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        replace(&link, |out: &mut dyn Write| out.write_all(b"report")).unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert!(!link.is_symlink());
        assert_eq!(std::fs::read_to_string(&link).unwrap(), "report");
        assert_eq!(clobbered(&victim, [link.as_path()]), None);
        assert_eq!(clobbered(&link, [victim.as_path(), link.as_path()]), Some(link.as_path()));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
