//! How the binary is linked for a fast start: with packed relative relocations (`DT_RELR`)
//! exactly when build.rs's probe found that this toolchain and C library support them
//! (`build/relr.rs`), and still position-independent either way.

#[path = "../build/relr.rs"]
#[allow(dead_code)]
mod relr;

/// A minimal 64-bit little-endian ELF image: the file header, one program header (`kind`)
/// and, for a `PT_DYNAMIC` one, a dynamic section with `tags` and a terminating `DT_NULL`.
fn elf(kind: u32, tags: &[u64]) -> Vec<u8> {
    let mut image = vec![0u8; 0x40];
    image[..6].copy_from_slice(b"\x7fELF\x02\x01");
    image[0x20..0x28].copy_from_slice(&0x40u64.to_le_bytes()); // program headers at 0x40
    image[0x36..0x38].copy_from_slice(&56u16.to_le_bytes()); // of 56 bytes each
    image[0x38..0x3a].copy_from_slice(&1u16.to_le_bytes()); // one of them
    let dynamic: u64 = 0x40 + 56;
    let size = (tags.len() + 1) * 16;
    let mut header = vec![0u8; 56];
    header[..4].copy_from_slice(&kind.to_le_bytes());
    header[8..16].copy_from_slice(&dynamic.to_le_bytes());
    header[32..40].copy_from_slice(&(size as u64).to_le_bytes());
    image.extend(header);
    for tag in tags.iter().chain([&0]) {
        image.extend(tag.to_le_bytes());
        image.extend(0u64.to_le_bytes());
    }
    image
}

#[test]
fn the_dynamic_section_reader_finds_dt_relr_and_nothing_else() {
    // DT_RELA (7), DT_RELASZ (8), DT_RELR (36).
    assert_eq!(relr::has_packed_relocations(&elf(2, &[7, 8, 36])), Some(true));
    assert_eq!(relr::has_packed_relocations(&elf(2, &[7, 8])), Some(false));
    // A DT_RELR after DT_NULL is not in the section.
    let mut after_end = elf(2, &[7]);
    after_end.extend(36u64.to_le_bytes());
    assert_eq!(relr::has_packed_relocations(&after_end), Some(false));
    // No PT_DYNAMIC (a PT_LOAD only): a static binary.
    assert_eq!(relr::has_packed_relocations(&elf(1, &[36])), Some(false));
}

#[test]
fn the_dynamic_section_reader_refuses_what_is_not_a_whole_elf_file() {
    assert_eq!(relr::has_packed_relocations(b""), None);
    assert_eq!(relr::has_packed_relocations(b"#!/bin/sh\necho\n"), None);
    let whole = elf(2, &[7, 36]);
    // Cut anywhere before the DT_RELR tag, it is not read past its end.
    for cut in [6, 0x30, 0x40, 0x40 + 40, whole.len() - 32] {
        assert_eq!(relr::has_packed_relocations(&whole[..cut]), None, "cut at {cut}");
    }
    // A program header table said to lie beyond the file.
    let mut far = whole.clone();
    far[0x20..0x28].copy_from_slice(&u64::MAX.to_le_bytes());
    assert_eq!(relr::has_packed_relocations(&far), None);
}

#[cfg(target_os = "linux")]
#[test]
fn the_binary_has_packed_relocations_exactly_when_the_probe_found_them() {
    let binary = std::fs::read(env!("CARGO_BIN_EXE_ecslint")).expect("the ecslint binary");
    let probed = env!("ECSLINT_PACKED_RELOCS") == "1";
    assert_eq!(relr::has_packed_relocations(&binary), Some(probed));
    // Still position-independent: ELF type ET_DYN, not ET_EXEC.
    assert_eq!(binary[0x10..0x12], 3u16.to_le_bytes());
    // And it loads and runs.
    let version = std::process::Command::new(env!("CARGO_BIN_EXE_ecslint")).arg("--version").output();
    assert!(version.expect("ecslint runs").status.success());
}

/// On the glibc `x86_64` and aarch64 builds the project is developed and tested on, the probe
/// must succeed: if it fails there, the fast start was lost without anyone noticing.
#[cfg(all(target_os = "linux", target_env = "gnu", any(target_arch = "x86_64", target_arch = "aarch64")))]
#[test]
fn the_probe_packs_relocations_on_a_current_glibc() {
    let glibc = std::process::Command::new("ldd").arg("--version").output();
    let Some(version) = glibc.ok().and_then(|out| {
        let text = String::from_utf8_lossy(&out.stdout).lines().next()?.to_string();
        let (major, minor) = text.rsplit(' ').next()?.split_once('.')?;
        Some((major.parse::<u32>().ok()?, minor.parse::<u32>().ok()?))
    }) else {
        return;
    };
    if version >= (2, 36) {
        assert_eq!(
            env!("ECSLINT_PACKED_RELOCS"),
            "1",
            "glibc {version:?} loads DT_RELR, yet the probe failed"
        );
    }
}
