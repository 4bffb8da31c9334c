//! `ecslint catalog show` and `ecslint catalog import` end to end, the stale-catalog
//! warning, and R002 driven by an imported file.

mod common;

use common::{check_args, run, scratch_in_target, write_files};

const ANSWERS: [&str; 5] = [
    "fixtures/catalog-import/regions.json",
    "fixtures/catalog-import/zones.json",
    "fixtures/catalog-import/available-resource.json",
    "fixtures/catalog-import/instance-types.json",
    "fixtures/catalog-import/images.json",
];

#[test]
fn show_prints_the_date_and_every_section() {
    let summary = run(&["catalog", "show", "--no-config"]);
    summary.assert_code(0);
    assert!(summary.stdout.starts_with("catalog dated 2026-"), "{}", summary.stdout);
    for section in ["regions", "types", "os", "fees", "quotas", "images", "availability"] {
        assert!(summary.stdout.lines().any(|l| l.starts_with(section)), "{section}: {}", summary.stdout);
    }
    let regions = run(&["catalog", "show", "regions", "--no-config"]);
    regions.assert_code(0);
    assert!(regions.stdout.lines().any(|l| l.starts_with("cn-hangzhou ") && l.contains("cn-hangzhou-h")));
    // A region whose zones are not all known says so in the zone list, even with none listed.
    let zones = run(&["catalog", "show", "zones", "--no-config"]);
    zones.assert_code(0);
    for region in ["cn-heyuan", "cn-zhongwei"] {
        let other = |l: &&str| l.starts_with("(others not known)") && l.contains(region);
        assert_eq!(zones.stdout.lines().filter(other).count(), 1, "{region}: {}", zones.stdout);
    }
    let complete = |l: &&str| l.starts_with("(others not known)") && l.contains("cn-hangzhou ");
    assert!(!zones.stdout.lines().any(|l| complete(&l)), "{}", zones.stdout);
    let os = run(&["catalog", "show", "os", "--no-config"]);
    assert!(os.stdout.lines().any(|l| l.starts_with("ubuntu") && l.contains("22.04")), "{}", os.stdout);
    let quotas = run(&["catalog", "show", "quotas", "--no-config"]);
    assert!(quotas.stdout.contains("account-specific (unset)"), "{}", quotas.stdout);
    let bad = run(&["catalog", "show", "flavours"]);
    bad.assert_code(2);
}

#[test]
fn show_json_includes_files_added_with_catalog() {
    let only = run(&[
        "catalog",
        "show",
        "zones",
        "--format",
        "json",
        "--no-config",
        "--catalog",
        "fixtures/rules/R002/fail-not-offered/availability.yaml",
    ]);
    only.assert_code(0);
    let json = only.json();
    assert!(json.get("regions").is_none(), "one section only: {json}");
    let zones = json["zones"].as_array().expect("zones");
    let h = zones.iter().find(|z| z["zone"] == "cn-hangzhou-h").expect("cn-hangzhou-h");
    assert_eq!(h["instanceTypes"], serde_json::json!(["ecs.g7.large", "ecs.g7.xlarge"]));
    let k = zones.iter().find(|z| z["zone"] == "cn-hangzhou-k").expect("cn-hangzhou-k");
    assert!(k["instanceTypes"].is_null());
    let all = run(&["catalog", "show", "--format", "json", "--no-config"]).json();
    for key in ["date", "regions", "zones", "instanceTypes", "osLifecycle", "licenseFees", "quotas", "images"]
    {
        assert!(all.get(key).is_some(), "{key}");
    }
}

#[test]
fn show_reads_the_configs_catalog_files() {
    let dir = scratch_in_target("catalog_cli", "config");
    write_files(
        &dir,
        &[
            ("ecslint.yaml", "catalog: [extra.yaml]\n"),
            (
                "extra.yaml",
                "date: 2026-12-30\nquotas:\n  - id: q_made-up\n    name: A made-up quota\n    default: 7\n    source: https://example.com/quota\n",
            ),
        ],
    );
    let config = dir.join("ecslint.yaml");
    let shown = run(&["catalog", "show", "quotas", "--config", config.to_str().expect("utf-8")]);
    shown.assert_code(0);
    assert!(shown.stdout.starts_with("catalog dated 2026-12-30"), "{}", shown.stdout);
    assert!(
        shown.stdout.lines().any(|l| l.starts_with("q_made-up") && l.contains(" 7 ")),
        "{}",
        shown.stdout
    );
}

#[test]
fn import_writes_a_dated_sourced_file_that_check_then_uses() {
    let mut args = vec!["catalog", "import", "--date", "2026-12-21"];
    args.extend(ANSWERS);
    let imported = run(&args);
    imported.assert_code(0);
    assert!(imported.stderr.contains("ecs.mystery.large"), "skips are said: {}", imported.stderr);
    let dir = scratch_in_target("catalog_cli", "import");
    let file = dir.join("imported.yaml");
    std::fs::write(&file, &imported.stdout).expect("written");
    let file = file.to_str().expect("utf-8");
    // The file loads as a catalog: its date becomes the catalog's, its entries are shown.
    let shown = run(&["catalog", "show", "types", "--no-config", "--catalog", file]);
    shown.assert_code(0);
    assert!(shown.stdout.starts_with("catalog dated 2026-12-21"), "{}", shown.stdout);
    assert!(shown.stdout.lines().any(|l| l.starts_with("ecs.g99x.large") && l.contains("UEFI")));
    // Imported availability drives R002; the same instance without the file is quiet.
    write_files(
        &dir,
        &[(
            "web.yaml",
            "kind: Instance\nname: web\nregion: cn-hangzhou\nzone: cn-hangzhou-h\ninstanceType: ecs.c7.large\nimage: aliyun_3_x64_20G_alibase_20240819.vhd\n",
        )],
    );
    let spec = dir.join("web.yaml");
    let spec = spec.to_str().expect("utf-8");
    let with = run(&check_args(["--format", "json", "--select", "R002", "--catalog", file, spec]));
    assert_eq!(with.json_codes(), ["R002"], "{}", with.describe());
    let without = run(&check_args(["--format", "json", "--select", "R002", spec]));
    assert!(without.json_codes().is_empty(), "{}", without.describe());
    // Importing the same answers again gives the same file.
    let again = run(&args);
    assert_eq!(again.stdout, imported.stdout);
}

#[test]
fn import_refuses_what_it_cannot_read() {
    let dir = scratch_in_target("catalog_cli", "refuse");
    write_files(&dir, &[("instances.json", r#"{"Instances": {"Instance": []}}"#)]);
    let path = dir.join("instances.json");
    let refused = run(&["catalog", "import", path.to_str().expect("utf-8")]);
    refused.assert_code(2);
    refused.assert_stderr("not an answer of DescribeRegions");
    assert!(refused.stdout.is_empty());
    run(&["catalog", "import", "no/such/file.json"]).assert_code(2);
}

#[test]
fn a_catalog_older_than_a_year_says_so_once_on_stderr() {
    let spec = "fixtures/rules/R002/pass-no-catalog.yaml";
    let fresh = run(&["check", "--no-config", "--no-context", "--as-of", "2026-12-01", spec]);
    assert!(!fresh.stderr.contains("catalog is dated"), "{}", fresh.stderr);
    let stale =
        run(&["check", "--no-config", "--no-context", "--as-of", "2028-01-01", "--format", "json", spec]);
    assert_eq!(stale.stderr.matches("catalog is dated").count(), 1, "{}", stale.stderr);
    assert!(stale.stderr.contains("ecslint catalog import"));
    // Not a finding: the JSON report is unchanged by it.
    assert!(stale.json()["findings"].as_array().is_some());
}
