//! Image references and typos (issue 12, item 4): S004 on `derivedFrom`, S009 for a near
//! miss of an image in the run, S010 for a near miss of a catalog type, S002 for an OS or
//! architecture that is neither written nor derivable or that contradicts the image's
//! chain, aliases in did-you-mean, and type errors whose help says how to write the value.

mod common;

use common::{check_args, ecslint, run_command, scratch_dir, write_files};
use serde_json::Value;
use std::fmt::Write as _;

/// The findings of checking `yaml` (as `specs.yaml`) with `extra` arguments.
fn findings(test: &str, yaml: &str, extra: &[&str]) -> Vec<Value> {
    let dir = scratch_dir(test);
    write_files(&dir, &[("specs.yaml", yaml)]);
    let mut args = check_args(["--format", "json", "specs.yaml"]);
    args.extend(extra.iter().map(|a| (*a).to_string()));
    let mut command = ecslint();
    command.current_dir(&dir).args(&args);
    let run = run_command(command, None);
    assert!(matches!(run.code, Some(0 | 1)), "{}", run.describe());
    run.json()["findings"].as_array().cloned().unwrap_or_default()
}

/// `(line, lines of its secondary labels)` of every SARIF result of checking `yaml`
/// (the JSON format carries no labels today; SARIF's `relatedLocations` are the labels).
fn lines_and_labels(test: &str, yaml: &str, extra: &[&str]) -> Vec<(u64, Vec<u64>)> {
    let dir = scratch_dir(test);
    write_files(&dir, &[("specs.yaml", yaml)]);
    let mut args = check_args(["--format", "sarif", "specs.yaml"]);
    args.extend(extra.iter().map(|a| (*a).to_string()));
    let mut command = ecslint();
    command.current_dir(&dir).args(&args);
    let run = run_command(command, None);
    let line = |location: &Value| location["physicalLocation"]["region"]["startLine"].as_u64().unwrap_or(0);
    let results = run.json()["runs"][0]["results"].as_array().cloned().unwrap_or_default();
    results
        .iter()
        .map(|r| {
            let related =
                r["relatedLocations"].as_array().map(|l| l.iter().map(line).collect()).unwrap_or_default();
            (line(&r["locations"][0]), related)
        })
        .collect()
}

/// `(code, line)` of every finding, in output order.
fn codes_and_lines(findings: &[Value]) -> Vec<(String, u64)> {
    findings
        .iter()
        .map(|f| {
            (f["code"].as_str().unwrap_or_default().to_string(), f["span"]["line"].as_u64().unwrap_or(0))
        })
        .collect()
}

fn with_code<'a>(findings: &'a [Value], code: &str) -> Vec<&'a Value> {
    findings.iter().filter(|f| f["code"] == code).collect()
}

const GOLDEN: &str = "kind: Image
name: web-golden
type: custom
id: m-bp1g7004ksh0oeuc9vyd
derivedFrom: aliyun_3_x64_20G_alibase_20240819.vhd
regions: [cn-hangzhou]
";

fn instance(name: &str, image: &str, instance_type: &str) -> String {
    format!(
        "---\nkind: Instance\nname: {name}\nregion: cn-hangzhou\ninstanceType: {instance_type}\nimage: {image}\n"
    )
}

#[test]
fn an_unresolved_derived_from_is_s004() {
    let yaml = "kind: Image\nname: app\ntype: custom\nos: {family: ubuntu, version: \"24.04\"}\n\
                architecture: x86_64\nderivedFrom: m-uf6f8bmi0hxq2vc8j9k1\nregions: [cn-hangzhou]\n";
    let found = findings("s004-derived-from", yaml, &[]);
    assert_eq!(codes_and_lines(&found), [("S004".to_string(), 6)], "{found:#?}");
    assert!(found[0]["message"].as_str().unwrap_or_default().contains("derivedFrom"));
}

#[test]
fn a_near_miss_of_an_image_is_s009_and_not_also_s004() {
    let yaml = format!(
        "{GOLDEN}{}{}---\nkind: Image\nname: child\ntype: custom\nderivedFrom: web-goldne\nregions: [cn-hangzhou]\n",
        instance("a", "Web-Golden", "ecs.g7.large"),
        instance("b", "m-bp1g7004ksh0oeuc9vyf", "ecs.g7.large"),
    );
    let found = findings("s009", &yaml, &[]);
    let lines: Vec<(String, u64)> =
        codes_and_lines(&found).into_iter().filter(|(c, _)| c.starts_with("S00")).collect();
    assert_eq!(
        lines,
        [("S009".to_string(), 12), ("S009".to_string(), 18), ("S009".to_string(), 23)],
        "{found:#?}"
    );
    let help = with_code(&found, "S009")[0]["help"].as_str().unwrap_or_default().to_string();
    assert!(help.contains("web-golden"), "the help names the intended image: {help}");
    // The label points at the image meant.
    let labelled = lines_and_labels("s009-labels", &yaml, &["--select", "S009"]);
    assert_eq!(labelled, [(12, vec![2]), (18, vec![4]), (23, vec![2])]);
    // With S009 switched off, the general S004 speaks instead of nothing.
    let found = findings("s009-off", &yaml, &["--ignore", "S009"]);
    assert_eq!(with_code(&found, "S004").len(), 3, "{found:#?}");
}

#[test]
fn siblings_and_images_managed_elsewhere_are_s004_not_s009() {
    let yaml = format!(
        "kind: Image\nname: web-v1\ntype: custom\nderivedFrom: aliyun_3_x64_20G_alibase_20240819.vhd\n\
         regions: [cn-hangzhou]\n{}{}{}",
        instance("a", "web-v2", "ecs.g7.large"),
        instance("b", "m-uf6f8bmi0hxq2vc8j9k1", "ecs.g7.large"),
        instance("c", "wb-v1", "ecs.g7.large"),
    );
    let found = findings("siblings", &yaml, &[]);
    let codes: Vec<String> = codes_and_lines(&found).into_iter().map(|(c, _)| c).collect();
    assert_eq!(codes, ["S004", "S004", "S009"], "{found:#?}");
}

#[test]
fn a_near_miss_of_a_catalog_type_is_s010_and_not_also_s007() {
    let yaml = [
        instance("a", "aliyun_3_x64_20G_alibase_20240819.vhd", "ecs.g7.larg"),
        instance("b", "aliyun_3_x64_20G_alibase_20240819.vhd", "ecs.G7.Large"),
        // A size the catalog knows elsewhere: maybe newer than the catalog.
        instance("c", "aliyun_3_x64_20G_alibase_20240819.vhd", "ecs.g7.24xlarge"),
        // A family the catalog does not know.
        instance("d", "aliyun_3_x64_20G_alibase_20240819.vhd", "ecs.zz9.larg"),
        // Shaped like a size, one letter from `ecs.g7.xlarge`: maybe a newer type.
        instance("e", "aliyun_3_x64_20G_alibase_20240819.vhd", "ecs.g7.5xlarge"),
    ]
    .concat();
    let found = findings("s010", &yaml, &[]);
    let codes: Vec<String> = codes_and_lines(&found).into_iter().map(|(c, _)| c).collect();
    assert_eq!(codes, ["S010", "S010", "S007", "S007", "S007"], "{found:#?}");
    let help = with_code(&found, "S010")[1]["help"].as_str().unwrap_or_default().to_string();
    assert!(help.contains("`instanceType: ecs.g7.large`"), "{help}");
    let found = findings("s010-off", &yaml, &["--ignore", "S010"]);
    assert_eq!(with_code(&found, "S007").len(), 5, "{found:#?}");
}

#[test]
fn an_os_that_cannot_be_derived_is_s002_unless_the_chain_is_already_reported() {
    let yaml = "kind: Image\nname: lost\ntype: custom\nid: m-bp1g7004ksh0oeuc9vyd\nregions: [cn-hangzhou]\n\
                ---\nkind: Image\nname: derived\ntype: custom\nderivedFrom: ubuntu_22_04_x64_20G_alibase_20240322.vhd\n\
                regions: [cn-hangzhou]\n\
                ---\nkind: Image\nname: broken-chain\ntype: custom\nderivedFrom: m-uf6f8bmi0hxq2vc8j9k1\n\
                regions: [cn-hangzhou]\n";
    let found = findings("s002-derivable", yaml, &[]);
    let messages: Vec<&str> =
        with_code(&found, "S002").iter().filter_map(|f| f["message"].as_str()).collect();
    assert_eq!(messages.len(), 2, "{found:#?}");
    assert!(messages.iter().all(|m| m.starts_with("Image `lost` has no")), "{messages:?}");
    assert_eq!(with_code(&found, "S004").len(), 1, "the broken chain is S004 only");
}

#[test]
fn an_os_or_architecture_that_contradicts_the_chain_is_s002_with_a_label_on_the_ancestor() {
    let yaml = "kind: Image\nname: base\ntype: custom\nos: {family: centos, version: \"7.9\"}\n\
                architecture: x86_64\nregions: [cn-hangzhou]\n\
                ---\nkind: Image\nname: hidden\ntype: custom\nderivedFrom: base\n\
                os: {family: ubuntu, version: \"24.04\"}\narchitecture: arm64\nregions: [cn-hangzhou]\n\
                ---\nkind: Image\nname: migrated\ntype: custom\nderivedFrom: base\n\
                os: {family: alibaba-cloud-linux, version: \"3\"}\nregions: [cn-hangzhou]\n";
    let spans = lines_and_labels("s002-contradiction", yaml, &["--select", "S002"]);
    // os.family on line 12 against line 4; architecture on line 13 against line 5; the
    // migration within the lineage passes.
    assert_eq!(spans, [(12, vec![4]), (13, vec![5])]);
}

#[test]
fn did_you_mean_knows_common_aliases() {
    let yaml = "kind: Image\nname: a\ntype: custom\nos: {family: windows, version: \"2019\"}\n\
                architecture: amd64\nregions: [cn-hangzhou]\n\
                ---\nkind: Image\nname: b\ntype: custom\nos: {family: alinux, version: \"3\"}\n\
                architecture: aarch64\nregions: [cn-hangzhou]\n\
                ---\nkind: Image\nname: c\ntype: custom\nos: {family: Red Hat, version: \"9\"}\n\
                architecture: x64\nregions: [cn-hangzhou]\n";
    let found = findings("aliases", yaml, &[]);
    let helps: Vec<&str> = found.iter().filter_map(|f| f["help"].as_str()).collect();
    let expected = ["windows-server", "x86_64", "alibaba-cloud-linux", "arm64", "rhel", "x86_64"];
    assert_eq!(helps.len(), expected.len(), "{found:#?}");
    for (help, value) in helps.iter().zip(expected) {
        assert!(help.starts_with(&format!("did you mean `{value}`?")), "{help}");
    }
}

#[test]
fn type_errors_say_how_to_write_the_value() {
    let yaml = "kind: Image\nname: a\ntype: custom\nos: ubuntu 22.04\narchitecture: x86_64\n\
                regions: cn-hangzhou\nencrypted: \"true\"\n\
                ---\nkind: Instance\nname: i\nregion: cn-hangzhou\ninstanceType: ecs.g7.large\n\
                image: a\ncount: \"3\"\n";
    let found = findings("type-help", yaml, &[]);
    let helps: Vec<&str> = found.iter().filter_map(|f| f["help"].as_str()).collect();
    let expected = [
        "`os: {family: ubuntu, version: \"22.04\"}`",
        "`regions: [cn-hangzhou]`",
        "`encrypted: true` without quotes",
        "without quotes: `count: 3`",
    ];
    assert_eq!(helps.len(), expected.len(), "{found:#?}");
    for (help, how) in helps.iter().zip(expected) {
        assert!(help.contains(how), "{help} should contain {how}");
    }
}

/// A huge unresolved reference beside many images: the typo search is bounded, and the
/// reference is still S004.
#[test]
fn a_huge_reference_among_many_images_stays_cheap() {
    let mut yaml = String::new();
    for i in 0..2_000 {
        let _ = write!(
            yaml,
            "---\nkind: Image\nname: image-{i:05}\ntype: custom\nderivedFrom: aliyun_3_x64_20G_alibase_20240819.vhd\nregions: [cn-hangzhou]\n"
        );
    }
    let long = "image-".repeat(200_000);
    yaml.push_str(&instance("i", &long, "ecs.g7.large"));
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("references-huge");
    std::fs::create_dir_all(&dir).expect("scratch directory");
    std::fs::write(dir.join("specs.yaml"), &yaml).expect("written");
    let mut command = ecslint();
    command.current_dir(&dir).args(check_args([
        "--format",
        "concise",
        "--select",
        "S004,S009",
        "specs.yaml",
    ]));
    let run = run_command(command, None);
    run.assert_code(0);
    assert_eq!(run.stdout.matches("[S004]").count(), 1, "{}", run.describe());
}
