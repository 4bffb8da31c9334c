//! What partial names and regexes tell, read against the built-in catalog: the loud
//! cases (a fact every match shares) and the quiet ones (a fact some match lacks, or that
//! the name does not pin) side by side.

use super::*;

fn catalog() -> Catalog {
    Catalog::builtin().expect("the built-in catalog loads")
}

/// (family, version, architecture, size) of a reading, for compact tables.
type Facts = (Option<String>, Option<String>, Option<String>, Option<u32>);

fn facts(partial: Option<PartialImage>) -> Facts {
    let p = partial.unwrap_or_default();
    (p.family, p.version, p.architecture, p.size_gib)
}

fn f(family: Option<&str>, version: Option<&str>, arch: Option<&str>, size: Option<u32>) -> Facts {
    (family.map(str::to_owned), version.map(str::to_owned), arch.map(str::to_owned), size)
}

const NOTHING: Facts = (None, None, None, None);

#[test]
fn ros_image_ids_read_as_ros_selects() {
    let c = catalog();
    let cases: &[(&str, Facts)] = &[
        // A full ID is the image itself.
        ("centos_7_9_x64_20G_alibase_20240321.vhd", f(Some("centos"), Some("7.9"), Some("x86_64"), Some(20))),
        // An OS name: ROS picks the newest 64-bit image of that OS.
        ("centos", f(Some("centos"), None, None, None)),
        ("ubuntu", f(Some("ubuntu"), None, None, None)),
        ("Windows", f(Some("windows-server"), None, None, None)),
        // A major version (about 200 uses in the official templates), in any case.
        ("centos_7", f(Some("centos"), Some("7"), None, None)),
        ("Centos_7", f(Some("centos"), Some("7"), None, None)),
        ("CENTOS_6", f(Some("centos"), Some("6"), None, None)),
        ("CentOS7_9", f(Some("centos"), Some("7.9"), None, None)),
        ("Windows2008r2", f(Some("windows-server"), Some("2008 R2"), None, None)),
        ("win2019", f(Some("windows-server"), Some("2019"), None, None)),
        // Ubuntu versions are YY.MM: a year alone is no version.
        ("ubuntu_14", f(Some("ubuntu"), None, None, None)),
        ("ubuntu_2", f(Some("ubuntu"), None, None, None)),
        ("ubuntu_22_04", f(Some("ubuntu"), Some("22.04"), None, None)),
        // A prefix (52 uses), with a lower-case size.
        (
            "aliyun_3_9_x64_20G_alibase_",
            f(Some("alibaba-cloud-linux"), Some("3.9"), Some("x86_64"), Some(20)),
        ),
        (
            "aliyun_3_9_x64_20g_alibase_",
            f(Some("alibaba-cloud-linux"), Some("3.9"), Some("x86_64"), Some(20)),
        ),
        ("aliyun_3_x64_20G_alibase_", f(Some("alibaba-cloud-linux"), Some("3"), Some("x86_64"), Some(20))),
        // `_2` could continue as 20 or 200: the size is not pinned.
        ("ubuntu_22_04_x64_2", f(Some("ubuntu"), Some("22.04"), Some("x86_64"), None)),
        // A wildcard replacing a field.
        ("centos_6_09_64_20G_alibase*.vhd", f(Some("centos"), Some("6.9"), Some("x86_64"), Some(20))),
        ("ubuntu_22_04_*_20G_alibase_*.vhd", f(Some("ubuntu"), Some("22.04"), None, Some(20))),
        // Names that select no public image.
        ("my-golden-image", NOTHING),
        ("m-bp1g7004ksh0oeuc9vyd", NOTHING),
        ("", NOTHING),
        ("*", NOTHING),
    ];
    let mut failures = Vec::new();
    for (name, expected) in cases {
        let got = facts(c.image_prefix(name));
        if got != *expected {
            failures.push(format!("{name:?}: expected {expected:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn terraform_name_regexes_keep_only_what_every_match_shares() {
    let c = catalog();
    let cases: &[(&str, Facts)] = &[
        ("^centos_7", f(Some("centos"), Some("7"), None, None)),
        // `centos_stream_9_...` starts with `centos_` too.
        ("^centos_", NOTHING),
        // A `7_91` would match: only the major is certain.
        ("^centos_7_9", f(Some("centos"), Some("7"), None, None)),
        ("^centos_7_9_", f(Some("centos"), Some("7.9"), None, None)),
        ("^ubuntu_[0-9]+_[0-9]+_x64*", f(Some("ubuntu"), None, Some("x86_64"), None)),
        ("^ubuntu_2", f(Some("ubuntu"), None, None, None)),
        ("^aliyun_3_x64_20G_alibase_.*", f(Some("alibaba-cloud-linux"), Some("3"), Some("x86_64"), Some(20))),
        (
            "^win2019_1809_x64_dtc_en-us_40G",
            f(Some("windows-server"), Some("2019"), Some("x86_64"), Some(40)),
        ),
        // Unanchored: found anywhere in the name, and still certain here.
        ("centos_7_9_x64_20G_alibase_*", f(Some("centos"), Some("7.9"), Some("x86_64"), Some(20))),
        // Alternatives with nothing in common.
        ("^(centos|ubuntu)", NOTHING),
        ("^(centos_7|centos_8)", f(Some("centos"), None, None, None)),
        // Unanchored fragments pin nothing of the OS.
        ("_7_9_x64", (None, None, Some("x86_64".to_owned()), None)),
        ("x64", (None, None, Some("x86_64".to_owned()), None)),
        // A letter left open could be another OS (`^r` is Rocky Linux or RHEL).
        ("^r", NOTHING),
        ("^u", NOTHING),
        ("^ubunt.", NOTHING),
        // The version is pinned when the other majors of the family cannot match.
        ("^debian_1", f(Some("debian"), None, None, None)),
        ("^debian_12_", f(Some("debian"), Some("12"), None, None)),
        ("^sles_15_sp", f(Some("sles"), None, None, None)),
        // An ID the list lacks, written out: read from the completions of its literal start.
        (
            "^centos_7_9_x64_20G_alibase_20240628.vhd$",
            f(Some("centos"), Some("7.9"), Some("x86_64"), Some(20)),
        ),
        (
            "^centos_7_9_x64_20G_alibase_20240628\\.vhd$",
            f(Some("centos"), Some("7.9"), Some("x86_64"), Some(20)),
        ),
        // Its completions are all 18.04, but the regex would match an 18.10 too.
        ("^ubuntu_18.*64", f(Some("ubuntu"), None, None, None)),
        // A family no real ID in the catalog has: the anchored literal start still names it.
        ("^rhel_9", f(Some("rhel"), None, None, None)),
        ("^nothing_like_an_image", NOTHING),
        // Not a regex at all, and a hostile one.
        ("^(centos", NOTHING),
        (
            "((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((a))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))",
            NOTHING,
        ),
    ];
    let mut failures = Vec::new();
    for (regex, expected) in cases {
        let got = facts(c.image_regex(regex));
        if got != *expected {
            failures.push(format!("{regex:?}: expected {expected:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn boot_mode_is_known_only_where_uefi_is_required() {
    let c = catalog();
    let boot = |regex: &str| c.image_regex(regex).and_then(|p| p.boot_mode);
    assert_eq!(boot("^aliyun_2_1903_x64_20G_uefi_"), Some(BootMode::Uefi));
    assert_eq!(boot("^aliyun_2_1903_x64_20G_(uefi_)?alibase"), None);
    assert_eq!(boot("^aliyun_2_1903_x64_20G_"), None);
    let prefix = |name: &str| c.image_prefix(name).and_then(|p| p.boot_mode);
    assert_eq!(prefix("debian_11_6_uefi_x64"), Some(BootMode::Uefi));
    assert_eq!(prefix("debian_11_6_"), None);
}

#[test]
fn a_major_alone_matches_the_lifecycle_catalog() {
    // The version a prefix gives must find the lifecycle entry L001 reads.
    let c = catalog();
    let version = c.image_prefix("centos_7").and_then(|p| p.version).expect("CentOS 7");
    let entry = c.lifecycle("centos", &version).expect("CentOS 7 is in the lifecycle catalog");
    assert_eq!(entry.version, "7");
    let version = c.image_prefix("aliyun_3_9_x64_20G_alibase_").and_then(|p| p.version).expect("Alinux 3.9");
    assert_eq!(c.lifecycle("alibaba-cloud-linux", &version).map(|e| &*e.version), Some("3"));
    // A major the catalog does not list as a version is not invented.
    assert_eq!(c.image_prefix("ubuntu_22").and_then(|p| p.version), None);
}

#[test]
fn selecting_any_public_image_is_told_apart_from_knowing_nothing() {
    let c = catalog();
    for name in ["centos", "cent", "cent****", "aliyun_3_x64_20G_alibase_", "Windows2008r2", "rhel_9"] {
        assert!(c.image_prefix_selects(name), "{name} selects a public image");
    }
    for name in ["my-golden-image", "m-bp1g7004ksh0oeuc9vyd", ""] {
        assert!(!c.image_prefix_selects(name), "{name} selects no public image");
    }
}

#[test]
fn common_versions_shorten_only_dotted_ones() {
    let set = |vs: &[&str]| vs.iter().map(|v| (*v).to_owned()).collect::<HashSet<_>>();
    assert_eq!(common_version(&set(&["7.2", "7.9"])).as_deref(), Some("7"));
    assert_eq!(common_version(&set(&["22.04"])).as_deref(), Some("22.04"));
    assert_eq!(common_version(&set(&["20.04", "22.04"])), None);
    assert_eq!(common_version(&set(&["15 SP1", "15 SP2"])), None);
    assert_eq!(common_version(&set(&["3", "3 Pro"])), None);
    assert_eq!(common_version(&set(&[])), None);
    assert_eq!(other_last_digits("06").len(), 9);
    assert!(other_last_digits("r2x").is_empty());
    assert_eq!(splice("abc", &(1..2), "XY"), "aXYc");
    assert_eq!(splice("abc", &(5..9), "XY"), "abc");
}

#[test]
fn hostile_names_and_regexes_end_quickly_and_quietly() {
    let c = catalog();
    let began = std::time::Instant::now();
    let asterisks = "*".repeat(1000);
    let long = "a".repeat(5000);
    let nested = "(a|b)*".repeat(150);
    for name in [asterisks.as_str(), long.as_str(), "\u{0}", "centos_\u{1F600}", "C\u{0130}ENTOS_7"] {
        let _ = c.image_prefix(name);
        let _ = c.image_prefix_selects(name);
    }
    for regex in
        [asterisks.as_str(), long.as_str(), nested.as_str(), "(?i)^CENTOS_7", "\\", "[", "a{1000}{1000}"]
    {
        let _ = c.image_regex(regex);
    }
    // A name longer than any image name is read as nothing.
    assert_eq!(c.image_prefix(&format!("centos_7{long}")), None);
    assert!(began.elapsed() < std::time::Duration::from_secs(20), "took {:?}", began.elapsed());
}

#[test]
fn a_prefix_that_starts_no_known_id_is_read_from_its_completions() {
    let c = catalog();
    let cases: &[(&str, Facts)] = &[
        // No known ID is CentOS 7.6: the longer prefix knew less than `centos_7_06` did.
        ("centos_7_06", f(Some("centos"), Some("7.6"), None, None)),
        ("centos_7_06_64", f(Some("centos"), Some("7.6"), Some("x86_64"), None)),
        ("CentOS_7_06_64_20G", f(Some("centos"), Some("7.6"), Some("x86_64"), Some(20))),
        ("centos_7_0_", f(Some("centos"), Some("7.0"), None, None)),
        // Completions that differ in version (19.04, 19.10) leave it unknown.
        ("ubuntu_19_", f(Some("ubuntu"), None, None, None)),
        ("ubuntu_21_", f(Some("ubuntu"), None, None, None)),
        // So does one that no known ID shape completes.
        ("centos_7_06_1", f(Some("centos"), None, None, None)),
    ];
    for (prefix, expected) in cases {
        assert_eq!(facts(c.image_prefix(prefix)), *expected, "{prefix}");
    }
    assert_eq!(undated("_20G_alibase_20180326.vhd"), "_20G_alibase_#.vhd");
    assert_eq!(undated("2024"), "2024");
}

#[test]
fn each_value_is_read_once() {
    let c = catalog();
    let centos = facts(c.image_prefix("centos_7_06_64"));
    assert_eq!(centos, f(Some("centos"), Some("7.6"), Some("x86_64"), None));
    // Answered from memory: a value the catalog would read otherwise is kept as it was read.
    c.prefixes.0.lock().expect("not poisoned").insert("centos_7_06_64".into(), None);
    assert_eq!(c.image_prefix("centos_7_06_64"), None);
    // A clone reads afresh.
    assert_eq!(facts(c.clone().image_prefix("centos_7_06_64")), centos);
}
