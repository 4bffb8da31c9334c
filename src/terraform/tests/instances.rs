//! Instances: every instance-like resource type, its fields, and what stays unknown.

use super::*;

#[test]
fn an_instance_maps_every_canonical_field_with_its_span() {
    let mut tf = Tf::new();
    tf.resource(
        "alicloud_instance",
        "web",
        &[
            ("availability_zone", E::S("cn-hangzhou-h")),
            ("instance_type", E::S("ecs.g7.large")),
            ("image_id", E::S(UBUNTU22)),
            ("instance_charge_type", E::S("PrePaid")),
            ("system_disk_size", E::N(40.0)),
            ("key_name", E::S("ops")),
            ("tags", E::M(vec![("team", E::S("web")), ("owner", E::S(""))])),
        ],
    );
    let (file, resources) = map(tf);
    assert_eq!(resources.len(), 1);
    let web = named(&resources, Kind::Instance, "alicloud_instance.web");
    assert!(web.valid, "{:?}", unknowns(web));
    assert_eq!(field(web, "region"), Some("cn-hangzhou"));
    assert_eq!(field(web, "zone"), Some("cn-hangzhou-h"));
    assert_eq!(field(web, "instanceType"), Some("ecs.g7.large"));
    assert_eq!(field(web, "image"), Some(UBUNTU22));
    assert_eq!(field(web, "billing"), Some("Subscription"));
    assert_eq!(field(web, "keyPair"), Some("ops"));
    assert_eq!(web.node.get("systemDiskSize").map(|n| n.value.clone()), Some(crate::source::Value::Int(40)));
    assert_eq!(web.node.get("labels").and_then(|l| l.get_str("team")), Some("web"));
    // An empty value is a tag: the key is set.
    assert_eq!(web.node.get("labels").and_then(|l| l.get_str("owner")), Some(""));
    assert!(web.node.get("count").is_none());
    assert_eq!(text_at(&file, web, &[key("image")]), format!("\"{UBUNTU22}\""));
    assert_eq!(text_at(&file, web, &[key("region")]), "\"cn-hangzhou\"");
    let extra = web.iac.as_deref().unwrap_or_else(|| panic!("origin"));
    assert_eq!(extra.origin.native_type, "alicloud_instance");
    assert_eq!(extra.origin.key, "infra#alicloud_instance.web");
    assert_eq!(extra.origin.attributes["tags"]["owner"], serde_json::json!(""));
    assert_eq!(extra.origin.attributes["system_disk_size"], serde_json::json!(40.0));
}

#[test]
fn charge_types_map_to_billing_and_others_are_unknown() {
    for (charge, billing) in [
        ("PrePaid", Some("Subscription")),
        ("Prepaid", Some("Subscription")),
        ("PostPaid", Some("PayAsYouGo")),
    ] {
        let mut tf = Tf::new();
        tf.resource("alicloud_instance", "a", &[("instance_charge_type", E::S(charge))]);
        let (_, resources) = map(tf);
        assert_eq!(field(&resources[0], "billing"), billing, "{charge}");
    }
    let mut tf = Tf::new();
    tf.resource("alicloud_instance", "a", &[("instance_charge_type", E::S("Spot"))]);
    let (_, resources) = map(tf);
    assert_eq!(field(&resources[0], "billing"), None);
    assert!(unknowns(&resources[0]).contains(&"billing".to_string()));
    // Not written: the provider's default, pay-as-you-go, is the canonical default too.
    let mut tf = Tf::new();
    tf.resource("alicloud_instance", "a", &[("instance_type", E::S("ecs.g7.large"))]);
    let (_, resources) = map(tf);
    assert!(!unknowns(&resources[0]).contains(&"billing".to_string()));
}

#[test]
fn a_value_from_a_variable_points_at_the_use_with_a_label_on_the_default() {
    let mut tf = Tf::new();
    tf.resource(
        "alicloud_instance",
        "web",
        &[("instance_type", E::S("ecs.g7.large")), ("image_id", E::Var("image_id", Box::new(E::S(CENTOS7))))],
    );
    let (file, resources) = map(tf);
    let web = &resources[0];
    assert_eq!(field(web, "image"), Some(CENTOS7));
    assert_eq!(text_at(&file, web, &[key("image")]), "var.image_id");
    let found = findings(&resources, &[]);
    let l001 = found.iter().find(|f| f.code == "L001").unwrap_or_else(|| panic!("{found:#?}"));
    assert_eq!(&file.text[l001.location.span.start()..l001.location.span.end()], "var.image_id");
    let default = l001.labels.iter().find(|l| l.message == "the default that supplied it");
    let default = default.unwrap_or_else(|| panic!("{:#?}", l001.labels));
    assert_eq!(
        &file.text[default.location.span.start()..default.location.span.end()],
        format!("\"{CENTOS7}\"")
    );
}

#[test]
fn unknown_and_empty_values_are_unknown_never_wrong() {
    let mut tf = Tf::new();
    tf.resource(
        "alicloud_instance",
        "skeleton",
        &[("instance_type", E::S("")), ("image_id", E::S("")), ("availability_zone", E::S(""))],
    );
    tf.resource(
        "alicloud_instance",
        "vars",
        &[
            ("instance_type", E::Unknown("data.alicloud_instance_types.t.instance_types.0.id")),
            ("image_id", E::Unknown("var.image_id")),
            ("availability_zone", E::Unknown("var.zone")),
            ("system_disk_size", E::Unknown("var.disk")),
            ("key_name", E::Unknown("var.key")),
        ],
    );
    tf.resource("alicloud_instance", "module_output", &[("image_id", E::Unknown("module.remote.image_id"))]);
    // A reference to a block that is not in the run (`count = 0` gives no instance).
    tf.resource("alicloud_instance", "gone", &[("image_id", E::Ref("alicloud_image.disabled.id"))]);
    tf.resource(
        "alicloud_instance",
        "other_data",
        &[("image_id", E::Ref("data.alicloud_instances.x.instances.0.image_id"))],
    );
    tf.data("alicloud_instances", "x", &[("name_regex", E::S("web"))]);
    let (_, resources) = map(tf);
    for resource in resources.iter().filter(|r| r.kind == Kind::Instance) {
        assert!(unknowns(resource).contains(&"image".to_string()), "{:?}", resource.name);
        assert_eq!(field(resource, "image"), None);
    }
    let skeleton = named(&resources, Kind::Instance, "alicloud_instance.skeleton");
    assert_eq!(unknowns(skeleton), ["image", "instanceType"], "an empty zone is unset, not unknown");
    let vars = named(&resources, Kind::Instance, "alicloud_instance.vars");
    assert_eq!(unknowns(vars), ["image", "instanceType", "keyPair", "systemDiskSize", "zone"]);
    let found = findings(&resources, &[]);
    assert!(found.is_empty(), "{found:#?}");
    // S011 lists each one.
    let listed = findings(&resources, &["S011"]);
    assert!(listed.iter().all(|f| f.code == "S011"), "{listed:#?}");
    assert!(listed.len() >= 10, "{listed:#?}");
}

#[test]
fn a_region_that_is_not_known_is_unknown() {
    let mut tf = Tf::new();
    tf.resource_in(&E::Unknown("var.region"), "alicloud_instance", "a", &[("image_id", E::S(UBUNTU22))]);
    tf.resource_in(&E::Null, "alicloud_image", "b", &[]);
    let (_, resources) = map(tf);
    assert!(unknowns(named(&resources, Kind::Instance, "alicloud_instance.a")).contains(&"region".into()));
    assert!(unknowns(named(&resources, Kind::Image, "alicloud_image.b")).contains(&"regions".into()));
}

#[test]
fn an_instance_set_counts_its_amount() {
    let mut tf = Tf::new();
    tf.resource(
        "alicloud_ecs_instance_set",
        "fleet",
        &[
            ("amount", E::N(3.0)),
            ("instance_type", E::S("ecs.g7.large")),
            ("image_id", E::S(UBUNTU22)),
            ("zone_id", E::S("cn-hangzhou-h")),
            ("key_pair_name", E::S("ops")),
        ],
    );
    tf.resource(
        "alicloud_ecs_instance_set",
        "unknown",
        &[
            ("amount", E::Unknown("var.n")),
            ("instance_type", E::S("ecs.g7.large")),
            ("image_id", E::S(UBUNTU22)),
        ],
    );
    let (_, resources) = map(tf);
    let fleet = &resources[0];
    assert_eq!(fleet.node.get("count").map(|n| n.value.clone()), Some(crate::source::Value::Int(3)));
    assert_eq!(field(fleet, "zone"), Some("cn-hangzhou-h"));
    assert_eq!(field(fleet, "keyPair"), Some("ops"));
    assert_eq!(unknowns(&resources[1]), ["count"]);
}

#[test]
fn launch_templates_describe_an_instance() {
    let mut tf = Tf::new();
    tf.resource(
        "alicloud_ecs_launch_template",
        "lt",
        &[
            ("image_id", E::S(UBUNTU22)),
            ("instance_type", E::S("ecs.g7.large")),
            ("zone_id", E::S("cn-hangzhou-h")),
            ("instance_charge_type", E::S("PostPaid")),
            ("system_disk", E::L(vec![E::M(vec![("category", E::S("cloud_essd")), ("size", E::N(10.0))])])),
            ("key_pair_name", E::S("ops")),
        ],
    );
    tf.resource(
        "alicloud_launch_template",
        "old",
        &[("image_id", E::S(UBUNTU22)), ("system_disk_size", E::N(60.0))],
    );
    // JSON syntax writes a nested block as one object.
    tf.resource(
        "alicloud_ecs_launch_template",
        "json",
        &[("image_id", E::S(UBUNTU22)), ("system_disk", E::M(vec![("size", E::N(30.0))]))],
    );
    let (file, resources) = map(tf);
    let json = named(&resources, Kind::Instance, "alicloud_ecs_launch_template.json");
    assert_eq!(json.node.get("systemDiskSize").map(|n| n.value.clone()), Some(crate::source::Value::Int(30)));
    let lt = named(&resources, Kind::Instance, "alicloud_ecs_launch_template.lt");
    assert_eq!(lt.node.get("systemDiskSize").map(|n| n.value.clone()), Some(crate::source::Value::Int(10)));
    assert_eq!(field(lt, "billing"), Some("PayAsYouGo"));
    assert_eq!(field(lt, "zone"), Some("cn-hangzhou-h"));
    let old = named(&resources, Kind::Instance, "alicloud_launch_template.old");
    assert_eq!(old.node.get("systemDiskSize").map(|n| n.value.clone()), Some(crate::source::Value::Int(60)));
    assert_eq!(unknowns(old), ["instanceType"], "a template without a type describes an unknown one");
    // The disk size points at the nested block's `size`.
    assert_eq!(text_at(&file, lt, &[key("systemDiskSize")]), "10");
}

#[test]
fn a_scaling_configuration_gives_one_instance_per_candidate_type() {
    let mut tf = Tf::new();
    tf.resource(
        "alicloud_ess_scaling_configuration",
        "web",
        &[
            ("image_id", E::S(UBUNTU22)),
            (
                "instance_types",
                E::L(vec![E::S("ecs.g7.large"), E::S("ecs.g7.xlarg"), E::Unknown("var.third")]),
            ),
        ],
    );
    tf.resource(
        "alicloud_ess_scaling_configuration",
        "unknown",
        &[("image_id", E::S(UBUNTU22)), ("instance_types", E::Unknown("var.types"))],
    );
    tf.resource(
        "alicloud_ess_scaling_configuration",
        "one",
        &[("image_id", E::S(UBUNTU22)), ("instance_type", E::S("ecs.g7.large")), ("key_name", E::S("k"))],
    );
    let (file, resources) = map(tf);
    let names: Vec<&str> = resources.iter().filter_map(|r| r.name.as_deref()).collect();
    assert_eq!(
        names,
        [
            "alicloud_ess_scaling_configuration.web.instance_types[0]",
            "alicloud_ess_scaling_configuration.web.instance_types[1]",
            "alicloud_ess_scaling_configuration.web.instance_types[2]",
            "alicloud_ess_scaling_configuration.unknown",
            "alicloud_ess_scaling_configuration.one",
        ]
    );
    assert_eq!(field(&resources[1], "instanceType"), Some("ecs.g7.xlarg"));
    assert_eq!(unknowns(&resources[2]), ["instanceType"]);
    assert_eq!(unknowns(&resources[3]), ["instanceType"]);
    assert_eq!(field(&resources[4], "keyPair"), Some("k"));
    let found = findings(&resources, &[]);
    let typo: Vec<&Finding> = found.iter().filter(|f| f.code == "S010").collect();
    assert_eq!(typo.len(), 1, "{found:#?}");
    assert_eq!(&file.text[typo[0].location.span.start()..typo[0].location.span.end()], "\"ecs.g7.xlarg\"");
    assert!(!found.iter().any(|f| f.code == "S003"), "{found:#?}");
}

#[test]
fn other_blocks_map_to_nothing() {
    let mut tf = Tf::new();
    tf.resource("alicloud_vpc", "v", &[("cidr_block", E::S("10.0.0.0/8"))]);
    tf.resource("alicloud_image_export", "e", &[("image_id", E::S("m-1")), ("oss_bucket", E::S("b"))]);
    tf.data("alicloud_instance_types", "t", &[("cpu_core_count", E::N(2.0))]);
    tf.data("alicloud_instance", "odd", &[]);
    let (_, resources) = map(tf);
    assert!(resources.is_empty());
}

#[test]
fn an_instance_repeated_by_an_unknown_count_reports_nothing() {
    let mut tf = Tf::new();
    let attributes = [("instance_type", E::S("ecs.g7.large")), ("image_id", E::S(UBUNTU22))];
    let mut repeated = attributes.to_vec();
    repeated.push(("count", E::Unknown("var.n")));
    tf.resource("alicloud_instance", "many", &repeated);
    let mut known = attributes.to_vec();
    known.push(("count", E::N(3.0)));
    tf.resource("alicloud_instance", "three", &known);
    let mut set = attributes.to_vec();
    set.extend([("amount", E::N(2.0)), ("count", E::Unknown("var.sets"))]);
    tf.resource("alicloud_ecs_instance_set", "sets", &set);
    let (_, resources) = map(tf);
    // An unknown number of instances may be none: every field a rule reads is unknown.
    assert_eq!(unknowns(&resources[0]), ["count", "image", "instanceType", "region"]);
    // A known count: each block is one of the instances.
    assert!(unknowns(&resources[1]).is_empty());
    assert!(resources[1].node.get("count").is_none());
    // The amount of each of an unknown number of sets: unknown in all.
    assert_eq!(unknowns(&resources[2]), ["count", "image", "instanceType", "region"]);
    assert!(findings(&resources[..1], &[]).is_empty());
}

#[test]
fn what_stays_unknown_says_why() {
    let mut tf = Tf::new();
    tf.data("alicloud_images", "c7", &[("name_regex", E::S("^nothing_known"))]);
    tf.resource("alicloud_image_import", "imp", &[]);
    tf.resource("alicloud_image", "snap", &[("snapshot_id", E::S("s-1"))]);
    let (_, resources) = map(tf);
    let why = |resource: &Resource, field: &str| {
        let extra = resource.iac.as_deref().unwrap_or_else(|| panic!());
        extra.unknown.iter().find(|u| u.field == field).map(|u| u.why.clone()).unwrap_or_default()
    };
    if catalog().image_regex("^nothing_known").is_none() {
        assert_eq!(
            why(&resources[0], "os"),
            "the catalog knows no `os` that every public image `^nothing_known` can match shares"
        );
    }
    assert_eq!(why(&resources[1], "architecture"), "the image says no `architecture`");
    assert_eq!(why(&resources[2], "derivedFrom"), "built from a snapshot, whose image is not known");
    assert_eq!(
        why(&resources[2], "os"),
        "the image says no `os`, and the image it is built from has none known"
    );
}

#[test]
fn a_tag_whose_value_is_not_known_makes_the_labels_unknown() {
    // A team rule asking for an `owner` tag must not hear "no": its value is given at apply.
    let mut tf = Tf::new();
    tf.resource(
        "alicloud_instance",
        "web",
        &[
            ("instance_type", E::S("ecs.g7.large")),
            ("image_id", E::S(UBUNTU22)),
            (
                "tags",
                E::M(vec![("team", E::S("web")), ("owner", E::Unknown("var.owner")), ("gone", E::Null)]),
            ),
        ],
    );
    let (_, resources) = map(tf);
    let web = named(&resources, Kind::Instance, "alicloud_instance.web");
    assert!(web.node.get("labels").is_none());
    assert!(unknowns(web).contains(&"labels".to_string()), "{:?}", unknowns(web));
}
