//! `ecslint facts`: per resource, the JSON of what the rules see, built from the same
//! bindings evaluation uses.

mod common;

use common::{AS_OF, run as ecslint};

fn facts(paths: &[&str]) -> common::Run {
    facts_on(AS_OF, paths)
}

fn facts_on(as_of: &str, paths: &[&str]) -> common::Run {
    let args: Vec<&str> =
        ["facts", "--no-config", "--as-of", as_of].into_iter().chain(paths.iter().copied()).collect();
    let run = ecslint(&args);
    run.assert_code(0);
    run
}

#[test]
fn facts_of_the_example_repository() {
    let run = facts(&["fixtures/examples"]);
    insta::assert_snapshot!("facts_examples", run.stdout);
}

#[test]
fn facts_show_the_image_chain_the_fee_and_skip_invalid_resources() {
    let json = facts(&["fixtures/examples/legacy"]).json();
    let resources = json.as_array().cloned().unwrap_or_default();
    let named = |name: &str| {
        resources
            .iter()
            .find(|r| r["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("no `{name}` in {json:#}"))
    };
    // An instance on a paid image derived from a public SLES ID: the chain and the price.
    let sap = named("sap-sg");
    assert_eq!(sap["kind"], "Instance");
    assert_eq!(sap["file"], "fixtures/examples/legacy/instances.yaml");
    let facts = &sap["facts"];
    assert_eq!(facts["image"]["name"], "sles12-sap");
    assert_eq!(facts["image"]["chain"][0]["id"], "sles_12_sp4_x64_20G_alibase_20200319.vhd");
    assert_eq!(facts["fee"]["total"], 150.45);
    assert_eq!(facts["resource"]["count"], 3);
    assert_eq!(facts["asOf"], AS_OF);
    for key in ["instanceType", "region", "lifecycle", "quotas"] {
        assert!(facts.get(key).is_some(), "{key} missing: {facts:#}");
    }
    assert_eq!(facts["quotas"]["q_user-per-image-shared-user-count"], 50);
    // An instance that fails the schema still has the facts its other rules see (one
    // mistake does not hide the checks of other fields).
    let web = facts_of_web();
    assert_eq!(web["valid"], false);
    assert_eq!(web["facts"]["resource"]["name"], "web-sh-b", "{web:#}");
}

fn facts_of_web() -> serde_json::Value {
    let json = facts(&["fixtures/examples/instances/web.yaml"]).json();
    json.as_array()
        .and_then(|list| list.iter().find(|r| r["name"] == "web-sh-b").cloned())
        .unwrap_or_default()
}

#[test]
fn facts_take_the_check_date_and_catalog_of_check() {
    let json =
        facts_on("2030-01-01", &["--catalog", "fixtures/catalog/extra.yaml", "fixtures/examples/legacy"])
            .json();
    let orders = json
        .as_array()
        .and_then(|l| l.iter().find(|r| r["name"] == "centos7-orders").cloned())
        .unwrap_or_default();
    assert_eq!(orders["facts"]["asOf"], "2030-01-01");
    assert_eq!(orders["facts"]["quotas"]["q_user-image-count"], 200, "{orders:#}");
    assert!(orders["facts"]["lifecycle"]["daysLeft"].as_i64().is_some_and(|d| d < 0), "{orders:#}");
}

/// A file that does not parse has no facts: `facts` says so on standard error instead of
/// printing `[]` in silence.
#[test]
fn a_file_that_does_not_parse_is_named_on_stderr() {
    let run = facts(&["fixtures/rules/S001/fail-yaml-syntax.yaml"]);
    assert_eq!(run.stdout.trim(), "[]", "{}", run.describe());
    assert!(
        run.stderr.contains("warning: fixtures/rules/S001/fail-yaml-syntax.yaml:")
            && run.stderr.contains("not read, so it has no facts"),
        "{}",
        run.describe()
    );
}

/// An image's `sharedWith` that static evaluation cannot know (a Packer variable with no
/// value) is null, with the share facts, never `[]`: a team rule reading it would take
/// "shared with no one" for a fact. Where it is known, it is listed.
#[test]
fn an_unknown_share_list_is_null_not_empty() {
    let dir = common::scratch_dir("facts_unknown_share");
    let source = |name: &str, share: &str| {
        format!(
            "source \"alicloud-ecs\" \"{name}\" {{\n  region = \"cn-hangzhou\"\n  instance_type = \"ecs.g7.large\"\n  source_image = \"ubuntu_24_04_x64_20G_alibase_20261001.vhd\"\n  image_name = \"{name}\"\n  image_share_account = {share}\n}}\n"
        )
    };
    let template = format!(
        "variable \"accounts\" {{ type = list(string) }}\n{}{}",
        source("unknown", "var.accounts"),
        source("known", "[\"1234567890123456\"]")
    );
    std::fs::create_dir_all(dir.join("hcl")).expect("directory made");
    std::fs::write(dir.join("hcl/main.pkr.hcl"), template).expect("template written");
    let legacy = r#"{"variables": {"accounts": null},
 "builders": [{"type": "alicloud-ecs", "name": "legacy", "region": "cn-hangzhou", "instance_type": "ecs.g7.large",
   "source_image": "ubuntu_24_04_x64_20G_alibase_20261001.vhd", "image_name": "legacy",
   "image_share_account": ["{{user `accounts`}}"]}]}"#;
    std::fs::write(dir.join("legacy.json"), legacy).expect("template written");
    let json = facts(&[dir.to_str().expect("UTF-8")]).json();
    let images: Vec<&serde_json::Value> =
        json.as_array().map(|l| l.iter().filter(|r| r["kind"] == "Image").collect()).unwrap_or_default();
    let image = |name: &str| {
        let found = images.iter().find(|r| r["name"] == name);
        &found.unwrap_or_else(|| panic!("no {name}: {json:#}"))["facts"]
    };
    for name in ["unknown", "legacy"] {
        let facts = image(name);
        for key in ["sharedWith", "shares", "shareCount", "shareProblems"] {
            assert!(facts["image"][key].is_null(), "{name}: image.{key} {facts:#}");
        }
        assert!(facts["resource"].get("sharedWith").is_none(), "{name}: {facts:#}");
    }
    let known = image("known");
    assert_eq!(known["image"]["sharedWith"], serde_json::json!(["1234567890123456"]));
    assert_eq!(known["image"]["shareCount"], 1);
    assert_eq!(known["resource"]["sharedWith"], serde_json::json!(["1234567890123456"]));
}
