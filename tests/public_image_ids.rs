//! Every real public image ID seen in public sources parses into the right facts, and
//! strings that only look like IDs do not (issue 15, item 1). The lists are facts copied
//! from the shared data set: `tests/data/public-image-ids.tsv` (ID and where it was
//! seen), `tests/data/not-public-image-ids.tsv` (string, why it is no ID, where seen), and
//! `tests/data/public-image-ids.expected.tsv`, what each real ID parses into.

use ecslint::catalog::{Architecture, BootMode, Catalog, PublicImage};
use std::collections::BTreeMap;

const IDS: &str = include_str!("data/public-image-ids.tsv");
const NOT_IDS: &str = include_str!("data/not-public-image-ids.tsv");
const EXPECTED: &str = include_str!("data/public-image-ids.expected.tsv");

/// Strings of the not-ID list that are shaped exactly like a public ID (an invented date,
/// a missing minor that real IDs of other families also lack, a one-digit typo in a date):
/// nothing in the string itself tells them from a real ID, so they may parse.
const SHAPED_LIKE_IDS: &[&str] = &[
    "almalinux_9_x64_20G_alibase_20231222.vhd",
    "centos_7_04_64_20G_alibase_201701016.vhd",
    "centos_7_x64_20G_alibase_20231222.vhd",
    "ubuntu_20_04_x64_20G_alibase_20231222.vhd",
];

fn rows(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).map(|l| l.split('\t').collect())
}

fn catalog() -> Catalog {
    Catalog::builtin().expect("the built-in catalog loads")
}

/// `family version architecture boot size`, as the expectations file writes them.
fn render(parsed: &PublicImage) -> String {
    let dash = |v: Option<String>| v.unwrap_or_else(|| "-".to_owned());
    format!(
        "{}\t{}\t{}\t{}\t{}",
        parsed.family,
        parsed.version,
        parsed.architecture,
        dash(parsed.boot_mode.map(|b| b.to_string())),
        dash(parsed.size_gib.map(|s| s.to_string()))
    )
}

#[test]
fn every_real_id_parses_into_its_expected_facts() {
    let catalog = catalog();
    let expected: BTreeMap<&str, String> = rows(EXPECTED).map(|row| (row[0], row[1..].join("\t"))).collect();
    let mut failures = Vec::new();
    let mut seen = 0;
    for row in rows(IDS) {
        let id = row[0];
        assert!(row.len() >= 2, "{id}: every ID says where it was seen");
        seen += 1;
        let got = catalog.parse_public_image_id(id).map(|p| render(&p));
        match (expected.get(id), got) {
            (Some(want), Some(got)) if *want == got => {}
            (want, got) => failures.push(format!("{id}: expected {want:?}, got {got:?}")),
        }
    }
    assert_eq!(seen, expected.len(), "one expectation per real ID, and no other");
    assert!(seen >= 490, "the whole list is read ({seen} IDs)");
    assert!(failures.is_empty(), "{} of {seen} IDs:\n{}", failures.len(), failures.join("\n"));
}

/// The expectations are checked against what each ID says in its own tokens, so a wrong
/// line in the expectations file cannot hide a wrong parse.
#[test]
fn parsed_facts_agree_with_the_ids_own_tokens() {
    let catalog = catalog();
    let families = [
        ("centos_stream", "centos-stream"),
        ("centos", "centos"),
        ("aliyun", "alibaba-cloud-linux"),
        ("alinux", "alibaba-cloud-linux"),
        ("anolisos", "anolis"),
        ("almalinux", "almalinux"),
        ("rockylinux", "rocky"),
        ("ubuntu", "ubuntu"),
        ("debian", "debian"),
        ("opensuse", "opensuse"),
        ("sles", "sles"),
        ("suse", "sles"),
        ("fedora", "fedora"),
        ("freebsd", "freebsd"),
        ("coreos", "other"),
        ("fcos", "other"),
        ("win", "windows-server"),
    ];
    let mut failures = Vec::new();
    for row in rows(IDS) {
        let id = row[0];
        let Some(parsed) = catalog.parse_public_image_id(id) else {
            failures.push(format!("{id}: does not parse"));
            continue;
        };
        let family = families.iter().find(|(token, _)| id.starts_with(token)).map(|(_, family)| *family);
        if family != Some(parsed.family.as_str()) {
            failures.push(format!("{id}: family {} but the ID starts with {family:?}", parsed.family));
        }
        let tokens: Vec<&str> = id.split(['_', '-']).collect();
        let arch = if tokens.contains(&"arm64") {
            Architecture::Arm64
        } else if tokens.contains(&"32") {
            Architecture::I386
        } else {
            Architecture::X86_64
        };
        if parsed.architecture != arch {
            failures.push(format!("{id}: architecture {} but the ID says {arch}", parsed.architecture));
        }
        let uefi = tokens.contains(&"uefi");
        if (parsed.boot_mode == Some(BootMode::Uefi)) != uefi || parsed.boot_mode == Some(BootMode::Bios) {
            failures.push(format!("{id}: boot mode {:?} but uefi in the ID is {uefi}", parsed.boot_mode));
        }
        let major = parsed.version.split(['.', ' ']).next().unwrap_or_default();
        if major.is_empty() || !id.contains(major) {
            failures.push(format!("{id}: version {} does not start with a number of the ID", parsed.version));
        }
        let size = tokens.iter().find_map(|t| t.strip_suffix(['G', 'g'])?.parse::<u32>().ok());
        if parsed.size_gib != size {
            failures.push(format!("{id}: size {:?} but the ID says {size:?}", parsed.size_gib));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn strings_that_only_look_like_ids_do_not_parse() {
    let catalog = catalog();
    let mut failures = Vec::new();
    let mut checked = 0;
    for row in rows(NOT_IDS) {
        let (text, why) = (row[0], row.get(1).copied().unwrap_or_default());
        assert!(!why.is_empty(), "{text}: every entry says why it is no ID");
        if SHAPED_LIKE_IDS.contains(&text) {
            continue;
        }
        checked += 1;
        if let Some(parsed) = catalog.parse_public_image_id(text) {
            failures.push(format!("{text} ({why}) must not parse, got {parsed:?}"));
        }
    }
    assert!(checked >= 60, "the whole list is read ({checked} entries)");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for text in SHAPED_LIKE_IDS {
        assert!(rows(NOT_IDS).any(|row| row[0] == *text), "{text} is in the not-ID list");
    }
}

#[test]
fn the_issue_forms_parse_as_described() {
    let catalog = catalog();
    let parse = |id: &str| catalog.parse_public_image_id(id).map(|p| render(&p));
    let cases = [
        // Forms named in issue 15 that the real-ID list lacks verbatim.
        ("debian750_32_20G_aliaegis_20140703.vhd", "debian\t7.5\ti386\t-\t20"),
        ("rhel5u4_64_20G_aliaegis_20131231.vhd", "rhel\t5.4\tx86_64\t-\t20"),
        ("win2012_64_dataCtr_R2_en_40G_alibase_20140812.vhd", "windows-server\t2012 R2\tx86_64\t-\t40"),
        ("aliyun-2.1903-x64-20G-alibase-20190327.vhd", "alibaba-cloud-linux\t2.1903\tx86_64\t-\t20"),
        ("aliyun_2_1903_x64_20G_alibase_20200904.qboot.vhd", "alibaba-cloud-linux\t2.1903\tx86_64\t-\t20"),
        ("aliyun_3_x64_20G_pro_alibase_20240819.vhd", "alibaba-cloud-linux\t3 Pro\tx86_64\t-\t20"),
        ("aliyun_4_x64_20G_pro_alibase_20260512.vhd", "alibaba-cloud-linux\t4 Pro\tx86_64\t-\t20"),
        ("ubuntu_22_04_tpm_x64_20G_alibase_20240101.vhd", "ubuntu\t22.04\tx86_64\t-\t20"),
        ("freebsd_13_0_x86_30G_alibase_20220324.vhd", "freebsd\t13.0\tx86_64\t-\t30"),
        ("fcos_34_20210529_3_0_3_x64_20G_alibase_20210824.vhd", "other\t34.20210529.3.0\tx86_64\t-\t20"),
        ("sles_15_sp5_x64_20G_alibase_20240101.vhd", "sles\t15 SP5\tx86_64\t-\t20"),
        ("winsvr_64_dtcC_1709_en-us_40G_alibase_20171115.vhd", "windows-server\t1709\tx86_64\t-\t40"),
        // The size unit in lower case, as public templates write it.
        ("ubuntu_22_04_arm64_20g_alibase_20250625.vhd", "ubuntu\t22.04\tarm64\t-\t20"),
    ];
    for (id, want) in cases {
        assert_eq!(parse(id).as_deref(), Some(want), "{id}");
    }
    for id in [
        "ubuntu16_0402_64_20G_alibase_20170818.vhd",
        "UBUNTU_22_04_X64_20G_ALIBASE_20240322.VHD",
        "aliyun_3_x64_20G_nocloud_alibase_20240528.vhd",
        "win_2019_x64_dtc_zh-cn_40G_alibase_20221102.vhd",
        "centos_7_9_x64_20G_alibase_2024032.vhd",
        "centos_7_9_x64_20G_alibase_20240321.vhd.vhd",
    ] {
        assert_eq!(parse(id), None, "{id}");
    }
}
