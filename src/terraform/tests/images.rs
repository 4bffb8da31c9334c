//! Images: built, imported, piped, copied, shared and looked up.

use super::*;

#[test]
fn an_image_of_the_run_is_referred_to_by_key_and_shows_its_address() {
    let mut tf = Tf::new();
    tf.resource(
        "alicloud_instance",
        "build",
        &[("instance_type", E::S("ecs.g7.large")), ("image_id", E::S(CENTOS7))],
    );
    tf.resource("alicloud_image", "app", &[("instance_id", E::Ref("alicloud_instance.build.id"))]);
    tf.resource(
        "alicloud_instance",
        "web",
        &[("instance_type", E::S("ecs.g7.large")), ("image_id", E::Ref("alicloud_image.app.id"))],
    );
    let (file, resources) = map(tf);
    let web = named(&resources, Kind::Instance, "alicloud_instance.web");
    assert_eq!(field(web, "image"), Some("alicloud_image.app"));
    assert_eq!(web.image_reference("image"), Some("infra#alicloud_image.app"));
    assert_eq!(text_at(&file, web, &[key("image")]), "alicloud_image.app.id");
    let app = named(&resources, Kind::Image, "alicloud_image.app");
    assert_eq!(field(app, "type"), Some("custom"));
    assert_eq!(field(app, "derivedFrom"), Some(CENTOS7));
    assert_eq!(text_at(&file, app, &[key("derivedFrom")]), "alicloud_instance.build.id");
    assert_eq!(app.node.get("regions").and_then(|r| r.as_seq()).map(<[_]>::len), Some(1));
    assert!(app.valid, "{:?}", unknowns(app));
    // CentOS 7 comes down the chain: L001 and L003 on the image, F001 nowhere (free OS).
    let found = findings(&resources, &[]);
    let on_app: Vec<&Finding> = found
        .iter()
        .filter(|f| f.resource.as_ref().is_some_and(|r| r.name == "alicloud_image.app"))
        .collect();
    assert!(on_app.iter().any(|f| f.code == "L001"), "{found:#?}");
    assert!(!found.iter().any(|f| f.code == "S004" || f.code == "S009"), "{found:#?}");
    let l001 = on_app.iter().find(|f| f.code == "L001").unwrap_or_else(|| panic!());
    assert!(
        l001.labels.iter().any(|l| l.message.contains("`alicloud_instance.build` boots this image")),
        "{:#?}",
        l001.labels
    );
}

#[test]
fn an_image_from_a_snapshot_or_an_outside_instance_derives_from_an_unknown_image() {
    let mut tf = Tf::new();
    tf.resource("alicloud_image", "snap", &[("snapshot_id", E::S("s-bp1abc"))]);
    tf.resource("alicloud_image", "outside", &[("instance_id", E::S("i-bp1abc"))]);
    tf.resource("alicloud_image", "unknown", &[("instance_id", E::Unknown("var.instance"))]);
    tf.resource(
        "alicloud_image",
        "windows",
        &[
            ("snapshot_id", E::S("s-1")),
            ("platform", E::S("Windows Server 2012 R2")),
            ("architecture", E::S("x86_64")),
        ],
    );
    let (_, resources) = map(tf);
    for resource in &resources {
        assert!(unknowns(resource).contains(&"derivedFrom".into()), "{:?}", resource.name);
    }
    let windows = named(&resources, Kind::Image, "alicloud_image.windows");
    let os = windows.node.get("os").unwrap_or_else(|| panic!("os"));
    assert_eq!((os.get_str("family"), os.get_str("version")), (Some("windows-server"), Some("2012 R2")));
    assert_eq!(field(windows, "architecture"), Some("x86_64"));
    assert!(named(&resources, Kind::Image, "alicloud_image.snap").node.get("os").is_none());
}

#[test]
fn platform_strings_give_a_family_and_a_version_only_when_written() {
    use crate::terraform::image::platform_os;
    assert_eq!(platform_os("CentOS"), Some(("centos", None)));
    assert_eq!(platform_os("CentOS 7.9"), Some(("centos", Some("7.9".into()))));
    assert_eq!(platform_os("CentOS Stream 9"), Some(("centos-stream", Some("9".into()))));
    assert_eq!(platform_os("Ubuntu"), Some(("ubuntu", None)));
    assert_eq!(platform_os("Windows Server 2019"), Some(("windows-server", Some("2019".into()))));
    assert_eq!(platform_os("Windows Server 2008 r2"), Some(("windows-server", Some("2008 R2".into()))));
    assert_eq!(platform_os("Windows Server 1999"), Some(("windows-server", None)));
    assert_eq!(platform_os("SUSE 15 SP5"), Some(("sles", Some("15 SP5".into()))));
    assert_eq!(platform_os("OpenSUSE"), Some(("opensuse", None)));
    assert_eq!(platform_os("Aliyun"), Some(("alibaba-cloud-linux", None)));
    assert_eq!(platform_os("Windows 7"), None);
    assert_eq!(platform_os("Customized Linux"), None);
    assert_eq!(platform_os("Ubuntu 22.04 LTS"), Some(("ubuntu", None)));
    assert_eq!(platform_os("Debian é"), Some(("debian", None)));
    assert_eq!(platform_os(""), None);
}

#[test]
fn a_copy_adds_its_region_and_encryption_to_the_source_image() {
    let mut tf = Tf::new();
    tf.resource(
        "alicloud_image",
        "app",
        &[("snapshot_id", E::S("s-1")), ("platform", E::S("Ubuntu 22.04")), ("architecture", E::S("x86_64"))],
    );
    tf.resource_in(
        &E::S("ap-southeast-1"),
        "alicloud_image_copy",
        "sg",
        &[
            ("source_image_id", E::Ref("alicloud_image.app.id")),
            ("source_region_id", E::S("cn-hangzhou")),
            ("encrypted", E::B(true)),
        ],
    );
    // A copy of the copy is the same image again.
    tf.resource_in(
        &E::S("eu-central-1"),
        "alicloud_image_copy",
        "de",
        &[("source_image_id", E::Ref("alicloud_image_copy.sg.id"))],
    );
    // A copy of an image the run does not describe changes nothing.
    tf.resource_in(
        &E::S("us-west-1"),
        "alicloud_image_copy",
        "ext",
        &[("source_image_id", E::S("m-bp1outside"))],
    );
    tf.resource_in(
        &E::S("eu-central-1"),
        "alicloud_instance",
        "de",
        &[("instance_type", E::S("ecs.g7.large")), ("image_id", E::Ref("alicloud_image_copy.de.id"))],
    );
    tf.resource_in(
        &E::S("us-west-1"),
        "alicloud_instance",
        "us",
        &[("instance_type", E::S("ecs.g7.large")), ("image_id", E::Ref("alicloud_image_copy.ext.id"))],
    );
    let (file, resources) = map(tf);
    let app = named(&resources, Kind::Image, "alicloud_image.app");
    let regions = strings(app, "regions");
    assert_eq!(regions, ["cn-hangzhou", "ap-southeast-1", "eu-central-1"]);
    assert_eq!(app.node.get("encrypted").map(|n| n.value.clone()), Some(crate::source::Value::Bool(true)));
    // The copied region points at the copy block.
    let second = text_at(&file, app, &[key("regions"), PathSegment::Index(1)]);
    assert_eq!(second, "resource \"alicloud_image_copy\" \"sg\"");
    let de = named(&resources, Kind::Instance, "alicloud_instance.de");
    assert_eq!(de.image_reference("image"), Some("infra#alicloud_image.app"));
    let us = named(&resources, Kind::Instance, "alicloud_instance.us");
    assert!(unknowns(us).contains(&"image".into()));
    // The image is in eu-central-1 through the copy: R001 stays quiet.
    let found = findings(&resources, &[]);
    assert!(!found.iter().any(|f| f.code == "R001" || f.code == "S004"), "{found:#?}");
}

#[test]
fn a_copy_into_a_region_the_image_is_in_adds_no_region() {
    let mut tf = Tf::new();
    tf.resource("alicloud_image", "app", &[("snapshot_id", E::S("s-1"))]);
    // An encrypted copy in the image's own region, and two copies to one other region.
    tf.resource_in(
        &E::S("cn-hangzhou"),
        "alicloud_image_copy",
        "encrypted",
        &[("source_image_id", E::Ref("alicloud_image.app.id")), ("encrypted", E::B(true))],
    );
    for name in ["sg", "sg_again"] {
        tf.resource_in(
            &E::S("ap-southeast-1"),
            "alicloud_image_copy",
            name,
            &[("source_image_id", E::Ref("alicloud_image.app.id"))],
        );
    }
    let (file, resources) = map(tf);
    let app = named(&resources, Kind::Image, "alicloud_image.app");
    let regions = strings(app, "regions");
    assert_eq!(regions, ["cn-hangzhou", "ap-southeast-1"]);
    assert_eq!(app.node.get("encrypted").map(|n| n.value.clone()), Some(crate::source::Value::Bool(true)));
    let second = text_at(&file, app, &[key("regions"), PathSegment::Index(1)]);
    assert_eq!(second, "resource \"alicloud_image_copy\" \"sg\"");
}

#[test]
fn an_instance_in_a_region_the_image_was_never_copied_to_is_r001() {
    let mut tf = Tf::new();
    tf.resource(
        "alicloud_image",
        "app",
        &[("snapshot_id", E::S("s-1")), ("platform", E::S("Ubuntu 24.04")), ("architecture", E::S("x86_64"))],
    );
    tf.resource_in(
        &E::S("eu-central-1"),
        "alicloud_instance",
        "de",
        &[("instance_type", E::S("ecs.g7.large")), ("image_id", E::Ref("alicloud_image.app.id"))],
    );
    let (_, resources) = map(tf);
    assert_eq!(codes(&findings(&resources, &[])), ["R001"]);
}

#[test]
fn a_copy_to_an_unknown_region_makes_the_regions_unknown() {
    let mut tf = Tf::new();
    tf.resource("alicloud_image", "app", &[("snapshot_id", E::S("s-1"))]);
    tf.resource_in(
        &E::Unknown("var.dr_region"),
        "alicloud_image_copy",
        "dr",
        &[("source_image_id", E::Ref("alicloud_image.app.id")), ("encrypted", E::Unknown("var.encrypt"))],
    );
    tf.resource_in(
        &E::S("eu-central-1"),
        "alicloud_image_copy",
        "de",
        &[("source_image_id", E::Ref("alicloud_image.app.id"))],
    );
    tf.resource_in(
        &E::S("eu-central-1"),
        "alicloud_instance",
        "far",
        &[("instance_type", E::S("ecs.g7.large")), ("image_id", E::Ref("alicloud_image.app.id"))],
    );
    let (_, resources) = map(tf);
    let app = named(&resources, Kind::Image, "alicloud_image.app");
    assert!(unknowns(app).contains(&"regions".into()));
    assert!(unknowns(app).contains(&"encrypted".into()));
    assert!(!findings(&resources, &[]).iter().any(|f| f.code == "R001"));
}

#[test]
fn share_permissions_add_accounts_to_the_image() {
    let mut tf = Tf::new();
    tf.resource("alicloud_image", "app", &[("snapshot_id", E::S("s-1"))]);
    tf.resource(
        "alicloud_image_share_permission",
        "a",
        &[("image_id", E::Ref("alicloud_image.app.id")), ("account_id", E::S("1234567890123456"))],
    );
    tf.resource(
        "alicloud_image_share_permission",
        "b",
        &[("image_id", E::Ref("alicloud_image.app.id")), ("account_id", E::S("12345"))],
    );
    // A share of an image the run does not describe changes nothing.
    tf.resource(
        "alicloud_image_share_permission",
        "c",
        &[("image_id", E::S("m-bp1outside")), ("account_id", E::S("1"))],
    );
    let (file, resources) = map(tf);
    assert_eq!(resources.len(), 1);
    let app = &resources[0];
    let shared = strings(app, "sharedWith");
    assert_eq!(shared, ["1234567890123456", "12345"]);
    assert_eq!(text_at(&file, app, &[key("sharedWith"), PathSegment::Index(1)]), "\"12345\"");
    // Q004 on the malformed account, at its `account_id`.
    let found = findings(&resources, &[]);
    let q004: Vec<&Finding> = found.iter().filter(|f| f.code == "Q004").collect();
    assert_eq!(q004.len(), 1, "{found:#?}");
    assert_eq!(&file.text[q004[0].location.span.start()..q004[0].location.span.end()], "\"12345\"");
}

#[test]
fn a_share_with_an_unknown_account_makes_the_shares_unknown() {
    let mut tf = Tf::new();
    tf.resource("alicloud_image", "app", &[("snapshot_id", E::S("s-1"))]);
    tf.resource(
        "alicloud_image_share_permission",
        "a",
        &[("image_id", E::Ref("alicloud_image.app.id")), ("account_id", E::Unknown("var.account"))],
    );
    tf.resource(
        "alicloud_image_share_permission",
        "b",
        &[("image_id", E::Ref("alicloud_image.app.id")), ("account_id", E::S("12345"))],
    );
    let (_, resources) = map(tf);
    assert!(unknowns(&resources[0]).contains(&"sharedWith".into()));
    assert!(resources[0].node.get("sharedWith").is_none());
    assert!(findings(&resources, &[]).is_empty());
}

#[test]
fn an_import_is_an_imported_custom_image_with_its_platform() {
    let mut tf = Tf::new();
    tf.resource(
        "alicloud_image_import",
        "win",
        &[
            ("platform", E::S("Windows Server 2019")),
            ("os_type", E::S("windows")),
            ("architecture", E::S("x86_64")),
            ("boot_mode", E::S("UEFI")),
        ],
    );
    tf.resource(
        "alicloud_image_import",
        "byol",
        &[
            ("platform", E::S("Windows Server 2022")),
            ("architecture", E::S("x86_64")),
            ("license_type", E::S("BYOL")),
        ],
    );
    tf.resource(
        "alicloud_image_import",
        "odd",
        &[("license_type", E::S("Free")), ("architecture", E::S("sparc"))],
    );
    let (file, resources) = map(tf);
    let win = named(&resources, Kind::Image, "alicloud_image_import.win");
    assert_eq!(win.node.get("imported").map(|n| n.value.clone()), Some(crate::source::Value::Bool(true)));
    assert_eq!(field(win, "bootMode"), Some("UEFI"));
    assert_eq!(field(win, "type"), Some("custom"));
    assert!(win.node.get("derivedFrom").is_none() && !unknowns(win).contains(&"derivedFrom".into()));
    let odd = named(&resources, Kind::Image, "alicloud_image_import.odd");
    assert_eq!(unknowns(odd), ["architecture", "licenseType", "os"]);
    // F004 on the Windows import without a licence type, none on the BYOL one.
    let found = findings(&resources, &[]);
    let f004: Vec<&Finding> = found.iter().filter(|f| f.code == "F004").collect();
    assert_eq!(f004.len(), 1, "{found:#?}");
    assert_eq!(f004[0].resource.as_ref().map(|r| r.name.as_str()), Some("alicloud_image_import.win"));
    assert!(
        file.text[f004[0].location.span.start()..].starts_with("resource \"alicloud_image_import\" \"win\"")
    );
}

#[test]
fn a_pipeline_builds_an_image_and_boots_a_build_instance() {
    let mut tf = Tf::new();
    tf.resource(
        "alicloud_ecs_image_pipeline",
        "golden",
        &[
            ("base_image_type", E::S("IMAGE")),
            ("base_image", E::S(CENTOS7)),
            ("instance_type", E::S("ecs.g7.large")),
            ("to_region_id", E::L(vec![E::S("cn-shanghai"), E::S("cn-beijing")])),
            ("add_account", E::L(vec![E::S("1234567890123456")])),
        ],
    );
    tf.resource(
        "alicloud_ecs_image_pipeline",
        "family",
        &[("base_image_type", E::S("IMAGE_FAMILY")), ("base_image", E::S("acs:centos_7"))],
    );
    tf.resource_in(
        &E::S("cn-beijing"),
        "alicloud_instance",
        "web",
        &[
            ("instance_type", E::S("ecs.g7.large")),
            ("image_id", E::Ref("alicloud_ecs_image_pipeline.golden.id")),
        ],
    );
    let (_, resources) = map(tf);
    let image = named(&resources, Kind::Image, "alicloud_ecs_image_pipeline.golden");
    let regions = strings(image, "regions");
    assert_eq!(regions, ["cn-hangzhou", "cn-shanghai", "cn-beijing"]);
    assert_eq!(field(image, "derivedFrom"), Some(CENTOS7));
    assert_eq!(image.node.get("sharedWith").and_then(|s| s.as_seq()).map(<[_]>::len), Some(1));
    let build = named(&resources, Kind::Instance, "alicloud_ecs_image_pipeline.golden");
    assert_eq!(field(build, "image"), Some(CENTOS7));
    assert_eq!(field(build, "instanceType"), Some("ecs.g7.large"));
    let family = named(&resources, Kind::Image, "alicloud_ecs_image_pipeline.family");
    assert!(unknowns(family).contains(&"derivedFrom".into()));
    let family_build = named(&resources, Kind::Instance, "alicloud_ecs_image_pipeline.family");
    assert_eq!(unknowns(family_build), ["image", "instanceType"]);
    let found = findings(&resources, &[]);
    assert!(!found.iter().any(|f| f.code == "R001" || f.code == "S004" || f.code == "S003"), "{found:#?}");
    assert!(found.iter().any(|f| f.code == "L001"), "{found:#?}");
}

#[test]
fn a_lookup_of_public_images_is_a_public_image_named_by_its_address() {
    let mut tf = Tf::new();
    tf.data(
        "alicloud_images",
        "c7",
        &[("name_regex", E::S("^centos_7")), ("owners", E::S("system")), ("most_recent", E::B(true))],
    );
    tf.data("alicloud_images", "mine", &[("name_regex", E::S("^golden")), ("owners", E::S("self"))]);
    tf.data("alicloud_images", "any", &[("owners", E::S("system"))]);
    tf.data("alicloud_images", "var", &[("name_regex", E::Unknown("var.regex"))]);
    for (name, image) in [
        ("a", "data.alicloud_images.c7.images.0.id"),
        ("b", "data.alicloud_images.mine.images.0.id"),
        ("c", "data.alicloud_images.any.ids.0"),
        ("d", "data.alicloud_images.var.images.0.id"),
        ("e", "data.alicloud_images.c7.images.0.name"),
    ] {
        tf.resource(
            "alicloud_instance",
            name,
            &[("instance_type", E::S("ecs.g7.large")), ("image_id", E::Ref(image))],
        );
    }
    let (file, resources) = map(tf);
    let images: Vec<&Resource> = resources.iter().filter(|r| r.kind == Kind::Image).collect();
    assert_eq!(images.len(), 1, "only the lookup of system images with a known regex");
    let c7 = images[0];
    assert_eq!(c7.name.as_deref(), Some("data.alicloud_images.c7"));
    assert_eq!(field(c7, "type"), Some("public"));
    assert_eq!(c7.iac.as_deref().map(|e| e.origin.native_type.as_str()), Some("alicloud_images"));
    let a = named(&resources, Kind::Instance, "alicloud_instance.a");
    assert_eq!(a.image_reference("image"), Some("infra#data.alicloud_images.c7"));
    let extra = a.iac.as_deref().unwrap_or_else(|| panic!());
    let site = extra.site(&[key("image")]).unwrap_or_else(|| panic!("a site with the regex label"));
    let label =
        site.labels.iter().find(|l| l.message == "selected by this name_regex").unwrap_or_else(|| panic!());
    assert_eq!(&file.text[label.location.span.start()..label.location.span.end()], "\"^centos_7\"");
    for name in ["b", "c", "d", "e"] {
        let instance = named(&resources, Kind::Instance, &format!("alicloud_instance.{name}"));
        assert!(unknowns(instance).contains(&"image".into()), "{name}");
    }
    // The catalog knows nothing of the regex today (or, once it does, CentOS 7): nothing
    // but what the regex gives can fire, and never S004.
    let found = findings(&resources, &[]);
    assert!(found.iter().all(|f| ["L001", "L003", "L006"].contains(&f.code.as_str())), "{found:#?}");
}

#[test]
fn what_the_catalog_says_of_a_regex_becomes_the_lookup_image() {
    // Whatever `image_regex` answers is written as is (nothing when it answers None).
    let catalog = catalog();
    let mut tf = Tf::new();
    tf.data(
        "alicloud_images",
        "u",
        &[("name_regex", E::S("^ubuntu_22_04_x64")), ("architecture", E::S("arm64"))],
    );
    let (_, blocks) = tf.finish();
    let resources = resources(&blocks, &catalog);
    let partial = catalog.image_regex("^ubuntu_22_04_x64").unwrap_or_default();
    let image = &resources[0];
    let os = image.node.get("os");
    match (partial.family, partial.version) {
        (Some(family), Some(version)) => {
            assert_eq!(os.and_then(|o| o.get_str("family")), Some(family.as_str()));
            assert_eq!(os.and_then(|o| o.get_str("version")), Some(version.as_str()));
        }
        _ => assert!(os.is_none()),
    }
    // The data source's own filter wins.
    assert_eq!(field(image, "architecture"), Some("arm64"));
}

#[test]
fn copies_of_copies_in_a_loop_end() {
    let mut tf = Tf::new();
    tf.resource("alicloud_image_copy", "a", &[("source_image_id", E::Ref("alicloud_image_copy.b.id"))]);
    tf.resource("alicloud_image_copy", "b", &[("source_image_id", E::Ref("alicloud_image_copy.a.id"))]);
    tf.resource("alicloud_instance", "x", &[("image_id", E::Ref("alicloud_image_copy.a.id"))]);
    let (_, resources) = map(tf);
    assert!(unknowns(&resources[0]).contains(&"image".into()));
}

#[test]
fn an_image_and_an_instance_with_one_address_in_two_roots_stay_apart() {
    // Two roots, one address: keys differ, so each instance uses its own root's image.
    let mut tf = Tf::new();
    tf.resource("alicloud_image", "app", &[("snapshot_id", E::S("s-1"))]);
    tf.resource("alicloud_instance", "web", &[("image_id", E::Ref("alicloud_image.app.id"))]);
    let (file, mut blocks) = tf.finish();
    let mut other = blocks.clone();
    for block in &mut other {
        block.key = block.key.replace("infra#", "other#");
        for (_, val) in &mut block.attributes {
            if let Value::Ref(r) = &mut val.value {
                r.key = r.key.replace("infra#", "other#");
            }
        }
    }
    blocks.extend(other);
    let resources = resources(&blocks, &catalog());
    let refs: Vec<Option<&str>> =
        resources.iter().filter(|r| r.kind == Kind::Instance).map(|r| r.image_reference("image")).collect();
    assert_eq!(refs, [Some("infra#alicloud_image.app"), Some("other#alicloud_image.app")]);
    drop(file);
}

/// A Marketplace image described by a spec, used by a Terraform instance by its `id`, an
/// `alicloud_image` built from that instance, and (when `share`) a share permission.
fn marketplace_golden(share: bool) -> (Arc<SourceFile>, Vec<Resource>) {
    let spec = Arc::new(SourceFile::new(
        "infra/images.yaml",
        "kind: Image\nname: lamp-stack\nid: m-bp1lampstack0000001\ntype: marketplace\n\
         os: {family: alibaba-cloud-linux, version: \"3\"}\narchitecture: x86_64\nregions: [cn-hangzhou]\n",
    ));
    let mut problems = Vec::new();
    let mut all = crate::check::load(&spec, crate::source::Limits::default(), &mut problems);
    assert!(problems.is_empty(), "{problems:#?}");
    let mut tf = Tf::new();
    tf.resource(
        "alicloud_instance",
        "build",
        &[("instance_type", E::S("ecs.g7.large")), ("image_id", E::S("m-bp1lampstack0000001"))],
    );
    tf.resource("alicloud_image", "golden", &[("instance_id", E::Ref("alicloud_instance.build.id"))]);
    if share {
        tf.resource(
            "alicloud_image_share_permission",
            "partner",
            &[("image_id", E::Ref("alicloud_image.golden.id")), ("account_id", E::S("1234567890123456"))],
        );
    }
    let (file, mapped) = map(tf);
    all.extend(mapped);
    (file, all)
}

#[test]
fn o001_fires_at_the_share_permission_of_an_image_built_on_a_marketplace_spec_image() {
    let (file, resources) = marketplace_golden(true);
    let found = findings(&resources, &[]);
    let o001: Vec<&Finding> = found.iter().filter(|f| f.code == "O001").collect();
    assert_eq!(o001.len(), 1, "{found:#?}");
    assert_eq!(o001[0].resource.as_ref().map(|r| r.name.as_str()), Some("alicloud_image.golden"));
    assert_eq!(
        &file.text[o001[0].location.span.start()..o001[0].location.span.end()],
        "\"1234567890123456\""
    );
    assert!(o001[0].message.contains("`lamp-stack`"), "{}", o001[0].message);
    // The Terraform instance meets the spec image: no S004 anywhere, and F003 on it.
    assert!(!found.iter().any(|f| f.code == "S004"), "{found:#?}");
    assert!(found.iter().any(|f| f.code == "F003"), "{found:#?}");
}

#[test]
fn o001_is_quiet_without_a_share() {
    let (_, resources) = marketplace_golden(false);
    let found = findings(&resources, &[]);
    assert!(!found.iter().any(|f| f.code == "O001" || f.code == "S004" || f.code == "S002"), "{found:#?}");
}

#[test]
fn a_long_chain_of_derived_images_maps_in_linear_time() {
    // Each image is built from an instance booting the previous image: 20,000 deep.
    let mut blocks = Vec::new();
    let file = Arc::new(SourceFile::new("infra/main.tf", "x"));
    let at = Location::new(Arc::clone(&file), Span::new(0, 1));
    let block = |block_type: &str, name: String, attributes: Vec<(String, Val)>| Block {
        mode: Mode::Managed,
        block_type: block_type.to_string(),
        address: format!("{block_type}.{name}"),
        key: format!("{ROOT}#{block_type}.{name}"),
        repeat: crate::terraform::value::Repeat::Once,
        group: format!("{block_type}.{name}"),
        name,
        head: at.clone(),
        attributes,
        region: Val::new(Value::String("cn-hangzhou".into()), at.clone()),
    };
    let reference = |text: String| Val::new(Value::Ref(reference(&text)), at.clone());
    for i in 0..20_000 {
        let image = if i == 0 {
            Val::new(Value::String(UBUNTU22.into()), at.clone())
        } else {
            reference(format!("alicloud_image.i{}.id", i - 1))
        };
        blocks.push(block("alicloud_instance", format!("b{i}"), vec![("image_id".into(), image)]));
        let instance = reference(format!("alicloud_instance.b{i}.id"));
        blocks.push(block("alicloud_image", format!("i{i}"), vec![("instance_id".into(), instance)]));
    }
    // The newest first: the first image walked has the whole chain behind it.
    blocks.reverse();
    let started = std::time::Instant::now();
    let mapped = resources(&blocks, &catalog());
    eprintln!("mapped 40,000 resources in {:?}", started.elapsed());
    assert_eq!(mapped.len(), 40_000);
    // Every image derives, in the end, from a public image: its OS is not unknown.
    assert!(mapped.iter().filter(|r| r.kind == Kind::Image).all(|r| !unknowns(r).contains(&"os".into())));
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "{:?}", started.elapsed());
}

#[test]
fn an_image_copy_or_share_that_may_not_be_made_leaves_what_it_changes_unknown() {
    let mut tf = Tf::new();
    tf.resource("alicloud_image", "app", &[("snapshot_id", E::S("s-1"))]);
    // Fifty shares that are made, and one that may not be (`count = var.partner ? 1 : 0`).
    for i in 0..50 {
        let account: &'static str = Box::leak(format!("12345678901{i:05}").into_boxed_str());
        tf.resource(
            "alicloud_image_share_permission",
            &format!("team{i}"),
            &[("image_id", E::Ref("alicloud_image.app.id")), ("account_id", E::S(account))],
        );
    }
    tf.resource(
        "alicloud_image_share_permission",
        "partner",
        &[
            ("image_id", E::Ref("alicloud_image.app.id")),
            ("account_id", E::S("9999999999999999")),
            ("count", E::Unknown("var.partner")),
        ],
    );
    tf.resource(
        "alicloud_image_copy",
        "maybe",
        &[("source_image_id", E::Ref("alicloud_image.app.id")), ("count", E::Unknown("var.copy"))],
    );
    // An image that may not be made is neither in a region nor shared.
    tf.resource(
        "alicloud_image",
        "maybe",
        &[("snapshot_id", E::S("s-2")), ("count", E::Unknown("var.extra"))],
    );
    let (_, resources) = map(tf);
    let app = named(&resources, Kind::Image, "alicloud_image.app");
    let unknown = unknowns(app);
    assert!(unknown.contains(&"sharedWith".into()) && unknown.contains(&"regions".into()), "{unknown:?}");
    let maybe = named(&resources, Kind::Image, "alicloud_image.maybe");
    for field in ["regions", "sharedWith", "type"] {
        assert!(unknowns(maybe).contains(&field.into()), "{field}: {:?}", unknowns(maybe));
    }
    // 51 accounts, one of which may not be added: no Q001.
    assert!(!codes(&findings(&resources, &[])).contains(&"Q001".to_string()));
}
