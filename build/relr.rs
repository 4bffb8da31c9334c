//! Packed relative relocations (`DT_RELR`) for the `ecslint` binary, where the toolchain and
//! the C library can do it.
//!
//! The binary is position-independent (address randomisation is kept for a tool that reads
//! untrusted files), so every pointer in its static data (vtables, panic locations, the
//! static catalog and rule tables) is a relative relocation the dynamic loader applies
//! before `main`: about 48,000 of them, a 1.15 MB `.rela.dyn` of 24-byte entries, which was
//! about 0.64 M instructions of a one-file check. `-z pack-relative-relocs` stores the same
//! relocations as a bitmap of a few kilobytes (`.relr.dyn`) that the loader walks in a
//! fraction of the time; the addresses are randomised as before.
//!
//! Not every build can use it: the linker must know the flag (GNU ld 2.38, lld 15) and the
//! C library must load it (glibc 2.36, which the binary then requires through its
//! `GLIBC_ABI_DT_RELR` version). So build.rs links and runs a small probe with the flag,
//! with the same compiler, linker and flags as the real build, and passes the flag to the
//! binary only when the probe runs and really has packed relocations. It tries only for
//! Linux glibc targets, and only when the build runs on the target (a cross build cannot
//! run its probe): elsewhere the binary is linked as before.
//!
//! The same reader of the ELF dynamic section serves the probe here and the test that
//! checks the built binary (`tests/startup.rs`).

use std::path::Path;

/// The dynamic section tag of packed relative relocations (the ELF gABI's `DT_RELR`).
const DT_RELR: u64 = 36;

/// The linker argument that asks for packed relative relocations.
pub const PACK_RELATIVE_RELOCS: &str = "-Wl,-z,pack-relative-relocs";

/// Whether `elf`, a 64-bit little-endian ELF file, has a dynamic section with a `DT_RELR`
/// entry. `None` when it is not such a file or its headers do not fit in it.
pub fn has_packed_relocations(elf: &[u8]) -> Option<bool> {
    let bytes = |at: usize, n: usize| elf.get(at..at.checked_add(n)?);
    let u16_at = |at: usize| Some(u16::from_le_bytes(bytes(at, 2)?.try_into().ok()?));
    let u32_at = |at: usize| Some(u32::from_le_bytes(bytes(at, 4)?.try_into().ok()?));
    let u64_at = |at: usize| Some(u64::from_le_bytes(bytes(at, 8)?.try_into().ok()?));
    let index = |value: u64| usize::try_from(value).ok();
    // Magic, 64-bit class, little-endian.
    if elf.get(..6)? != b"\x7fELF\x02\x01" {
        return None;
    }
    let program_headers = index(u64_at(0x20)?)?;
    let entry_size = usize::from(u16_at(0x36)?);
    let count = usize::from(u16_at(0x38)?);
    for n in 0..count {
        let header = program_headers.checked_add(n.checked_mul(entry_size)?)?;
        // PT_DYNAMIC: its file offset and size.
        if u32_at(header)? != 2 {
            continue;
        }
        let start = index(u64_at(header.checked_add(8)?)?)?;
        let end = start.checked_add(index(u64_at(header.checked_add(32)?)?)?)?;
        let mut at = start;
        while at.checked_add(16)? <= end {
            match u64_at(at)? {
                0 => return Some(false),
                DT_RELR => return Some(true),
                _ => at += 16,
            }
        }
        return Some(false);
    }
    Some(false)
}

/// Whether the binary should be linked with [`PACK_RELATIVE_RELOCS`]: the target is a Linux
/// glibc target, the build runs on it, and a probe linked with the flag runs and has packed
/// relocations. `scratch` is a directory for the probe (build.rs's `OUT_DIR`).
pub fn probe(scratch: &Path) -> bool {
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let target = var("TARGET");
    if !(target.ends_with("-linux-gnu") && target == var("HOST")) {
        return false;
    }
    let source = scratch.join("relr_probe.rs");
    let binary = scratch.join("relr_probe");
    // Static data with pointers, so the probe has relative relocations to pack.
    let program = "static WORDS: [&str; 3] = [\"zero\", \"one\", \"two\"];\n\
                   fn main() { print!(\"{}\", WORDS[std::env::args().count() % 3]); }\n";
    if std::fs::write(&source, program).is_err() {
        return false;
    }
    let mut rustc = std::process::Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()));
    rustc.args(["--edition", "2021", "--crate-type", "bin", "--target", &target]);
    // The real build's flags and linker, so the probe links as the binary will.
    let flags = var("CARGO_ENCODED_RUSTFLAGS");
    rustc.args(flags.split('\x1f').filter(|flag| !flag.is_empty()));
    if let Some(linker) = std::env::var_os("RUSTC_LINKER") {
        rustc.arg("-C").arg(format!("linker={}", linker.to_string_lossy()));
    }
    rustc.arg("-C").arg(format!("link-arg={PACK_RELATIVE_RELOCS}"));
    rustc.arg("-o").arg(&binary).arg(&source);
    let linked = rustc.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).status();
    if !linked.is_ok_and(|status| status.success()) {
        return false;
    }
    // It must load and run here (the C library knows DT_RELR), print what it should (its
    // pointers were relocated), and really have packed relocations (the linker did not
    // ignore the flag).
    let ran = std::process::Command::new(&binary).arg("x").output();
    let runs = ran.is_ok_and(|out| out.status.success() && out.stdout == b"two");
    let packed = std::fs::read(&binary).ok().and_then(|elf| has_packed_relocations(&elf)) == Some(true);
    let _ = std::fs::remove_file(&binary);
    runs && packed
}
