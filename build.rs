//! Embeds every built-in rule file (`rules/<family>/*.yaml`) in the binary, so rules
//! stay data that the tests and `ecslint rules` read from one place.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo::rerun-if-changed=rules");
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    collect(&root.join("rules"), &mut files);
    files.retain(|p| !p.starts_with(root.join("rules/catalog")));
    files.sort();
    let mut code = String::from(
        "/// Built-in rule files: (path relative to the crate, text).\npub const BUILTIN_RULES: &[(&str, &str)] = &[\n",
    );
    for path in files {
        let relative = path
            .strip_prefix(&root)
            .expect("rule files live under the crate")
            .to_string_lossy()
            .replace('\\', "/");
        writeln!(code, "    ({relative:?}, include_str!({:?})),", path.display().to_string())
            .expect("writing to a String");
        println!("cargo::rerun-if-changed={}", path.display());
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("builtin_rules.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            files.push(path);
        }
    }
}
