//! Unit tests of merging and look-ups, on small catalogs built from JSON values.

use super::*;
use serde_json::json;

fn base() -> serde_json::Value {
    json!({
        "date": "2026-01-01",
        "regions": [
            {"id": "cn-hangzhou", "name": "China (Hangzhou)", "mainland": true,
             "zones": ["cn-hangzhou-h"], "source": "https://example.com/regions"},
            {"id": "cn-hongkong", "name": "China (Hong Kong)", "mainland": false,
             "zones": ["cn-hongkong-b"], "source": "https://example.com/regions"}
        ],
        "instanceFamilies": [
            {"family": "g7", "architecture": "x86_64", "source": "https://example.com/g7",
             "types": [{"id": "ecs.g7.large", "vcpus": 2, "memoryGiB": 8}]},
            {"family": "t5", "architecture": "x86_64", "bootModes": ["BIOS"],
             "source": "https://example.com/t5",
             "types": [{"id": "ecs.t5-lc2m1.nano", "vcpus": 1, "memoryGiB": 0.5}]}
        ],
        "osLifecycle": [
            {"family": "centos", "version": "7", "name": "CentOS Linux 7",
             "endOfSupport": "2024-06-30", "source": "https://example.com/centos"},
            {"family": "sles", "version": "15", "name": "SLES 15 GA",
             "endOfSupport": "2019-12-31", "source": "https://example.com/sles"},
            {"family": "sles", "version": "15 SP5", "name": "SLES 15 SP5",
             "endOfSupport": "2024-12-31", "source": "https://example.com/sles"},
            {"family": "windows-server", "version": "2012", "name": "Windows Server 2012",
             "endOfSupport": "2023-10-10", "source": "https://example.com/w2012"},
            {"family": "windows-server", "version": "2012 R2", "name": "Windows Server 2012 R2",
             "endOfSupport": "2023-10-11", "source": "https://example.com/w2012r2"},
            {"family": "freebsd", "version": "14", "name": "FreeBSD 14",
             "endOfSupport": "2028-11-30", "source": "https://example.com/fb"},
            {"family": "freebsd", "version": "14.2", "name": "FreeBSD 14.2",
             "endOfSupport": "2025-09-30", "source": "https://example.com/fb"}
        ],
        "licenseFees": [
            {"family": "windows-server", "outsideMainlandOnly": true, "tiers": [],
             "source": "https://example.com/fees"},
            {"family": "alibaba-cloud-linux", "versions": ["3 Pro"], "tiers": [],
             "source": "https://example.com/fees"}
        ],
        "quotas": [
            {"id": "q_user-image-count", "name": "Custom images", "source": "https://example.com/q"}
        ]
    })
}

fn catalog(files: Vec<serde_json::Value>) -> Catalog {
    let named = files.into_iter().enumerate().map(|(i, v)| (format!("file{i}.yaml"), v)).collect();
    Catalog::from_files(named).expect("test catalog loads")
}

#[test]
fn looks_up_regions_types_and_quotas() {
    let c = catalog(vec![base()]);
    assert_eq!(c.date().to_string(), "2026-01-01");
    let hk = c.region("cn-hongkong").expect("region");
    assert!(!hk.mainland && hk.has_zone("cn-hongkong-b") && !hk.has_zone("cn-hongkong-z"));
    assert!(c.region("cn-nowhere").is_none());
    let nano = c.instance_type("ecs.t5-lc2m1.nano").expect("type");
    assert_eq!((&*nano.family, nano.vcpus, nano.memory_gib), ("t5", 1, 0.5));
    assert_eq!(nano.boot_modes, BootSupport::Bios);
    assert_eq!(c.instance_type("ecs.g7.large").map(|t| t.boot_modes), Some(BootSupport::Unknown));
    assert_eq!(c.quota("q_user-image-count").and_then(|q| q.default), None);
    assert_eq!(c.regions().count(), 2);
}

#[test]
fn lifecycle_versions_match_by_prefix_and_longest_wins() {
    let c = catalog(vec![base()]);
    let name = |family: &str, version: &str| c.lifecycle(family, version).map(|e| e.name.clone());
    assert_eq!(name("centos", "7.9").as_deref(), Some("CentOS Linux 7"));
    assert_eq!(name("CentOS", " 7.9.2009 ").as_deref(), Some("CentOS Linux 7"));
    assert_eq!(name("centos", "8"), None);
    assert_eq!(name("sles", "15 SP5").as_deref(), Some("SLES 15 SP5"));
    assert_eq!(name("sles", "15  sp5").as_deref(), Some("SLES 15 SP5"));
    assert_eq!(name("sles", "15").as_deref(), Some("SLES 15 GA"));
    assert_eq!(name("sles", "15 SP6"), None);
    assert_eq!(name("windows-server", "2012").as_deref(), Some("Windows Server 2012"));
    assert_eq!(name("windows-server", "2012 R2").as_deref(), Some("Windows Server 2012 R2"));
    assert_eq!(name("freebsd", "14.2").as_deref(), Some("FreeBSD 14.2"));
    assert_eq!(name("freebsd", "14.3").as_deref(), Some("FreeBSD 14"));
    assert_eq!(name("ubuntu", "22.04"), None);
    let centos = c.lifecycle("centos", "7").expect("entry");
    assert_eq!(centos.days_left(Date::parse("2024-06-29").expect("date")), 1);
}

#[test]
fn lifecycle_reads_versions_as_people_write_them() {
    let mut files = vec![base()];
    files.push(json!({"osLifecycle": [
        {"family": "freebsd", "version": "14.0", "name": "FreeBSD 14.0",
         "endOfSupport": "2024-09-30", "source": "https://example.com/fb"}
    ]}));
    let c = catalog(files);
    let name = |family: &str, version: &str| c.lifecycle(family, version).map(|e| e.name.clone());
    // SLES as /etc/os-release writes it: 15.5 is SP5, never 15 GA.
    assert_eq!(name("sles", "15.5").as_deref(), Some("SLES 15 SP5"));
    assert_eq!(name("sles", "15-SP5").as_deref(), Some("SLES 15 SP5"));
    assert_eq!(name("sles", "15.7"), None);
    assert_eq!(name("sles", "15.0").as_deref(), Some("SLES 15 GA"));
    // FreeBSD point releases are their own entries, not the stable branch.
    assert_eq!(name("freebsd", "14.0").as_deref(), Some("FreeBSD 14.0"));
    assert_eq!(name("freebsd", "14.0-RELEASE-p4").as_deref(), Some("FreeBSD 14.0"));
    assert_eq!(name("freebsd", "14.2").as_deref(), Some("FreeBSD 14.2"));
    // Windows Server with its edition or a glued R2; 2012 and 2012 R2 never meet.
    assert_eq!(name("windows-server", "2012r2").as_deref(), Some("Windows Server 2012 R2"));
    assert_eq!(name("windows-server", "2012 R2 Datacenter").as_deref(), Some("Windows Server 2012 R2"));
    assert_eq!(name("windows-server", "2012 Datacenter").as_deref(), Some("Windows Server 2012"));
    assert_eq!(name("windows-server", "Windows Server 2012").as_deref(), Some("Windows Server 2012"));
    assert_eq!(name("windows-server", "2012 1809"), None);
    // Fees read versions the same way.
    assert!(c.license_fee("alibaba-cloud-linux", "3 pro").is_some());
}

#[test]
fn fees_apply_to_listed_versions_only() {
    let c = catalog(vec![base()]);
    assert!(c.license_fee("alibaba-cloud-linux", "3 Pro").is_some());
    assert!(c.license_fee("alibaba-cloud-linux", "3").is_none());
    let windows = c.license_fee("windows-server", "2019").expect("fee");
    assert!(windows.applies_in(false) && !windows.applies_in(true));
    assert!(windows.tier(4).is_none());
    assert!(c.license_fee("ubuntu", "22.04").is_none());
}

#[test]
fn later_files_replace_and_add_entries() {
    let user = json!({
        "date": "2026-12-01",
        "regions": [
            {"id": "cn-hangzhou", "name": "China (Hangzhou)", "mainland": true,
             "zones": ["cn-hangzhou-h", "cn-hangzhou-z"], "source": "https://example.com/mine"}
        ],
        "instanceFamilies": [
            {"family": "g9x", "architecture": "arm64", "bootModes": ["UEFI"],
             "source": "https://example.com/g9x",
             "types": [{"id": "ecs.g9x.large", "vcpus": 2, "memoryGiB": 8}]}
        ],
        "osLifecycle": [
            {"family": "centos", "version": "7", "name": "CentOS Linux 7 (extended)",
             "endOfSupport": "2028-06-30", "source": "https://example.com/mine"}
        ],
        "quotas": [
            {"id": "q_user-image-count", "name": "Custom images", "default": 200,
             "source": "https://example.com/mine"}
        ]
    });
    let c = catalog(vec![base(), user]);
    assert_eq!(c.date().to_string(), "2026-12-01");
    assert_eq!(c.regions().count(), 2, "replaced in place, not appended");
    assert!(c.region("cn-hangzhou").is_some_and(|r| r.has_zone("cn-hangzhou-z")));
    assert_eq!(c.regions().next().map(|r| &*r.id), Some("cn-hangzhou"));
    let added = c.instance_type("ecs.g9x.large").expect("added");
    assert_eq!((added.architecture, added.boot_modes), (Architecture::Arm64, BootSupport::Uefi));
    assert!(c.instance_type("ecs.g7.large").is_some(), "kept");
    assert_eq!(
        c.lifecycle("centos", "7.9").map(|e| e.end_of_support.to_string()),
        Some("2028-06-30".to_owned())
    );
    assert_eq!(c.lifecycles().filter(|e| e.family == "centos").count(), 1);
    assert_eq!(c.quota("q_user-image-count").and_then(|q| q.default), Some(200));
}

#[test]
fn an_older_file_does_not_move_the_date_back() {
    let c = catalog(vec![base(), json!({"date": "2020-01-01"})]);
    assert_eq!(c.date().to_string(), "2026-01-01");
}

#[test]
fn bad_files_are_errors_naming_the_file() {
    let no_date = Catalog::from_files(vec![("a.yaml".into(), json!({"regions": []}))]);
    assert!(matches!(no_date, Err(CatalogError::MissingDate)));
    let unknown = Catalog::from_files(vec![("b.yaml".into(), json!({"date": "2026-01-01", "zones": []}))]);
    assert!(matches!(unknown, Err(CatalogError::Invalid { ref file, .. }) if file == "b.yaml"));
    let bad_regex = json!({"date": "2026-01-01", "publicImageIds": {"patterns": [
        {"name": "mine", "regex": "(?P<os>x", "version": [{"template": "{os}"}],
         "source": "https://example.com"}]}});
    let err = Catalog::from_files(vec![("c.yaml".into(), bad_regex)]).expect_err("bad regex");
    assert!(matches!(err, CatalogError::BadPattern { ref pattern, .. } if pattern == "mine"));
    assert!(err.to_string().contains("c.yaml") && err.to_string().contains("`mine`"));
    let preferred = json!({"date": "2026-01-01", "instanceFamilies": [
        {"family": "x", "architecture": "x86_64", "bootModes": ["UEFI-Preferred"],
         "source": "https://example.com", "types": []}]});
    assert!(Catalog::from_files(vec![("d.yaml".into(), preferred)]).is_err());
}

#[test]
fn a_failed_merge_leaves_the_catalog_unchanged() {
    let mut c = catalog(vec![base()]);
    let bad = CatalogFile::from_json(json!({
        "regions": [{"id": "xx-new-1", "name": "New", "mainland": false, "zones": ["xx-new-1a"],
                     "source": "https://example.com"}],
        "publicImageIds": {"patterns": [{"name": "p", "regex": "^(?P<os>a)$",
            "version": [{"template": "{os}"}], "source": "https://example.com"}]}
    }))
    .expect("file shape is fine");
    assert!(c.merge("bad.yaml", bad).is_err(), "no `arch` group");
    assert!(c.region("xx-new-1").is_none());
}

#[test]
fn the_builtin_catalog_loads() {
    let c = Catalog::builtin().expect("built-in catalog loads");
    assert_eq!(c.date().to_string(), "2026-12-06");
    assert!(c.public_image_pattern_count() >= 5);
    assert!(c.instance_types().count() >= 80);
}

/// Everything a catalog holds, in order, to compare two.
fn contents(c: &Catalog) -> String {
    format!(
        "{}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{}",
        c.date(),
        c.regions().collect::<Vec<_>>(),
        c.instance_types().collect::<Vec<_>>(),
        c.lifecycles().collect::<Vec<_>>(),
        c.license_fees().collect::<Vec<_>>(),
        c.quotas().collect::<Vec<_>>(),
        c.availability().collect::<Vec<_>>(),
        c.public_images().collect::<Vec<_>>(),
        c.retired_families().collect::<Vec<_>>(),
        c.images.get().describe(),
    )
}

/// `check` reads the built-in catalog from `build.rs`'s JSON straight into its typed form and
/// compiles its patterns on first use; that must be exactly the catalog the checked loader
/// makes from the YAML as written (which also proves every built-in pattern compiles and
/// names only groups its regex has).
#[test]
fn the_builtin_catalog_is_the_yaml_as_the_checked_loader_reads_it() {
    let files: Vec<(&str, &str)> = Catalog::BUILTIN_FILES.iter().map(|f| (f.path, f.yaml)).collect();
    let from_yaml = Catalog::from_files(Catalog::yaml_values(&files).expect("the YAML parses"))
        .expect("the built-in files pass every check");
    let fast = Catalog::builtin().expect("built-in catalog loads");
    assert_eq!(contents(&fast), contents(&from_yaml));
    assert!(!fast.images.get().known_ids().is_empty());
    for id in fast.images.get().known_ids() {
        assert_eq!(fast.parse_public_image_id(id), from_yaml.parse_public_image_id(id), "{id}");
    }
    let known = |c: &Catalog| c.images.get().known().iter().map(|p| format!("{p:?}")).collect::<Vec<_>>();
    assert_eq!(known(&fast), known(&from_yaml));
}

/// The built-in catalog is `build.rs`'s static data: nothing is copied and no image ID
/// section is read until a run needs it, and the sorted keys find every entry (the test
/// above compares the entries themselves with the YAML).
#[test]
fn the_static_builtin_catalog_is_borrowed_and_its_keys_find_every_entry() {
    let c = Catalog::builtin().expect("built-in catalog loads");
    assert!(c.regions.is_borrowed() && c.instance_types.is_borrowed() && c.lifecycle.is_borrowed());
    assert!(c.fees.is_borrowed() && c.quotas.is_borrowed() && c.retired.is_borrowed());
    assert!(!c.images.is_built(), "no image ID parsed yet");
    assert!(c.regions().all(|r| c.region(&r.id).is_some_and(|found| std::ptr::eq(found, r))));
    assert!(c.instance_types().all(|t| c.instance_type(&t.id).is_some_and(|found| std::ptr::eq(found, t))));
    assert!(c.quotas().all(|q| c.quota(&q.id).is_some_and(|found| std::ptr::eq(found, q))));
    assert!(
        c.retired_families().all(|f| c.retired.get(&f.family).is_some_and(|found| std::ptr::eq(found, f)))
    );
    assert!(c.retired_families().count() > 0 && c.quotas().count() > 0);
    for missing in ["", "cn-hangzhou-x", "ecs.g7.huge", "zz"] {
        assert!(
            c.region(missing).is_none() && c.instance_type(missing).is_none() && c.quota(missing).is_none()
        );
    }
    assert!(c.parse_public_image_id("ubuntu_22_04_x64_20G_alibase_20240322.vhd").is_some());
    assert!(c.images.is_built());

    // A user file copies only the sections it adds to: a region replaced in place, one added.
    let first = c.regions().next().expect("a region").id.to_string();
    let count = c.regions().count();
    let user = json!({"regions": [
        {"id": first, "name": "Renamed", "mainland": true, "zones": ["z-1"], "source": "https://example.com/r"},
        {"id": "xx-new-1", "name": "New", "mainland": false, "zones": [], "zonesComplete": false, "source": "https://example.com/r"}]});
    let merged = Catalog::builtin_with(vec![("u.yaml".into(), user)]).expect("merges");
    assert!(!merged.regions.is_borrowed() && merged.instance_types.is_borrowed());
    assert_eq!(merged.regions().count(), count + 1);
    assert_eq!(merged.regions().next().and_then(|r| r.name.as_deref()), Some("Renamed"));
    assert_eq!(merged.region(&first).and_then(|r| r.name.as_deref()), Some("Renamed"));
    assert_eq!(merged.regions().last().map(|r| &*r.id), Some("xx-new-1"));
    assert!(merged.region("xx-new-1").is_some() && merged.instance_type("ecs.g7.large").is_some());
}

#[test]
fn user_files_after_the_builtin_are_checked_as_before() {
    let bad_regex = json!({"publicImageIds": {"patterns": [
        {"name": "mine", "regex": "(?P<os>x", "version": [{"template": "{os}"}],
         "source": "https://example.com"}]}});
    let err = Catalog::builtin_with(vec![("c.yaml".into(), bad_regex)]).expect_err("bad regex");
    assert_eq!(
        err.to_string(),
        Catalog::from_files(vec![(
            "c.yaml".into(),
            json!({"date": "2026-01-01", "publicImageIds": {"patterns": [
            {"name": "mine", "regex": "(?P<os>x", "version": [{"template": "{os}"}],
             "source": "https://example.com"}]}})
        )])
        .expect_err("bad regex")
        .to_string()
    );
    let unknown = Catalog::builtin_with(vec![("b.yaml".into(), json!({"zones": []}))]);
    assert!(matches!(unknown, Err(CatalogError::Invalid { ref file, .. }) if file == "b.yaml"));
    // A user pattern of a built-in name replaces it, in place.
    let builtin = Catalog::builtin().expect("built-in catalog loads");
    let names = builtin.images.get().pattern_names();
    let name = names.first().copied().expect("a pattern");
    let mine = json!({"publicImageIds": {"patterns": [
        {"name": name, "regex": "^(?P<os>centos)_(?P<major>\\d+)_(?P<arch>x64)_mine$",
         "version": [{"template": "{major}"}], "source": "https://example.com"}]}});
    let merged = Catalog::builtin_with(vec![("u.yaml".into(), mine)]).expect("merges");
    assert_eq!(merged.public_image_pattern_count(), builtin.public_image_pattern_count());
    assert_eq!(merged.parse_public_image_id("centos_7_x64_mine").map(|p| p.pattern), Some(name.to_owned()));
}

fn with(extra: serde_json::Value) -> Catalog {
    Catalog::from_files(vec![("base".into(), base()), ("extra".into(), extra)]).expect("catalog builds")
}

#[test]
fn a_catalog_is_stale_only_after_its_first_anniversary() {
    let catalog = with(json!({"date": "2026-11-20"}));
    let day = |d: &str| Date::parse(d).expect("date");
    assert!(!catalog.is_stale_on(day("2026-11-20")));
    assert!(!catalog.is_stale_on(day("2027-11-20")), "exactly a year is not more than a year");
    assert!(catalog.is_stale_on(day("2027-11-21")));
    let leap = with(json!({"date": "2028-02-29"}));
    assert!(!leap.is_stale_on(day("2029-03-01")));
    assert!(leap.is_stale_on(day("2029-03-02")));
}

#[test]
fn arm64_types_boot_uefi_whatever_a_file_says() {
    let catalog = with(json!({"instanceFamilies": [
        {"family": "g8y", "architecture": "arm64", "bootModes": ["BIOS"], "source": "https://example.com/g8y",
         "types": [{"id": "ecs.g8y.large", "vcpus": 2, "memoryGiB": 8}]},
        {"family": "c8y", "architecture": "arm64", "source": "https://example.com/c8y",
         "types": [{"id": "ecs.c8y.large", "vcpus": 2, "memoryGiB": 4}]}
    ]}));
    for id in ["ecs.g8y.large", "ecs.c8y.large"] {
        let t = catalog.instance_type(id).expect("type");
        assert_eq!(t.boot_modes, BootSupport::Uefi, "{id}");
        assert_eq!(t.boot_modes.accepts(BootMode::Bios), Some(false));
        assert_eq!(t.boot_modes.accepts(BootMode::UefiPreferred), Some(true));
    }
    // x86 types keep what the file says (unknown stays unknown).
    assert_eq!(catalog.instance_type("ecs.g7.large").map(|t| t.boot_modes), Some(BootSupport::Unknown));
}

#[test]
fn disputed_end_dates_give_the_earlier_and_the_later() {
    let catalog = with(json!({"osLifecycle": [
        {"family": "ubuntu", "version": "22.04", "name": "Ubuntu 22.04 LTS", "endOfSupport": "2027-06-30",
         "source": "https://example.com/a", "otherEndOfSupport": "2027-04-30", "otherSource": "https://example.com/b",
         "extendedSupport": {"name": "Ubuntu Pro", "until": "2032-04-30", "source": "https://example.com/pro"}}
    ]}));
    let entry = catalog.lifecycle("ubuntu", "22.04.3").expect("entry");
    assert_eq!(entry.earliest_end(), Date::parse("2027-04-30").expect("date"));
    assert_eq!(entry.latest_end(), Date::parse("2027-06-30").expect("date"));
    assert_eq!(entry.days_left(Date::parse("2027-04-29").expect("date")), 1);
    assert_eq!(entry.extended_support.as_ref().map(|e| e.until), Date::parse("2032-04-30"));
    // A bad extended-support date is refused like any other.
    let bad = Catalog::from_files(vec![(
        "x".into(),
        json!({"date": "2026-01-01", "osLifecycle": [
        {"family": "ubuntu", "version": "9", "name": "x", "endOfSupport": "2027-06-30", "source": "https://e.com",
         "extendedSupport": {"name": "x", "until": "2032-02-30", "source": "https://e.com"}}]}),
    )]);
    assert!(bad.is_err());
}

#[test]
fn availability_covers_a_region_only_when_every_zone_or_the_region_is_listed() {
    let zone_only = with(json!({"availability": [
        {"region": "cn-hangzhou", "zone": "cn-hangzhou-h", "instanceTypes": ["ecs.g7.large"], "source": "s"}
    ]}));
    // cn-hangzhou has one zone in `base`, so one zone's list covers the region.
    let a = zone_only.region_availability("cn-hangzhou").expect("data");
    assert_eq!(a.region, Some(vec!["ecs.g7.large"]));
    assert!(zone_only.region_availability("cn-hongkong").is_none());
    let wider = with(json!({
    "regions": [{"id": "cn-hangzhou", "name": "China (Hangzhou)", "mainland": true,
                 "zones": ["cn-hangzhou-h", "cn-hangzhou-k"], "source": "https://example.com/regions"}],
    "availability": [
        {"region": "cn-hangzhou", "zone": "cn-hangzhou-h", "instanceTypes": ["ecs.g7.large"], "source": "s"}
    ]}));
    assert_eq!(wider.region_availability("cn-hangzhou").expect("data").region, None);
    let whole = with(json!({"availability": [
        {"region": "cn-hongkong", "instanceTypes": ["ecs.c7.large"], "source": "s"},
        {"region": "cn-hongkong", "zone": "cn-hongkong-b", "instanceTypes": ["ecs.g7.large"], "source": "s"}
    ]}));
    let a = whole.region_availability("cn-hongkong").expect("data");
    assert_eq!(a.region, Some(vec!["ecs.c7.large", "ecs.g7.large"]));
}

#[test]
fn retired_families_are_found_by_the_family_part_of_a_type_id() {
    let c = Catalog::builtin().expect("built-in catalog loads");
    let family = |id: &str| c.retired_family(id).map(|r| &*r.family);
    assert_eq!(family("ecs.s2.large"), Some("s2"));
    assert_eq!(family("ecs.gn4-c4g1.xlarge"), Some("gn4"));
    assert_eq!(family("ecs.c4.xlarge"), Some("c4"));
    // Same leading letters, other families; and no `ecs.` prefix is no type ID.
    assert_eq!(family("ecs.sn1ne.large"), None);
    assert_eq!(family("ecs.c5.large"), None);
    assert_eq!(family("ecs.c6r.large"), None);
    assert_eq!(family("c4.xlarge"), None);
    // Still sold on the international site: not listed.
    assert_eq!(family("ecs.n1.small"), None);
    // The source gives no date and no replacement: both stay unknown.
    let s2 = c.retired_family("ecs.s2.large").expect("listed");
    assert_eq!((s2.retired, s2.replacement.as_deref()), (None, None));
    // The type-change topic lists where an instance of it can be changed to, never a retired family.
    assert!(s2.changeable_to.iter().any(|f| f == "c5"), "{:?}", s2.changeable_to);
    assert!(s2.change_source.as_deref().is_some_and(|s| s.contains("instance%20type%20changes")));
    for retired in ["c4", "ce4", "cm4", "t1", "s1", "c1"] {
        assert!(!s2.changeable_to.iter().any(|f| f == retired), "{retired} is retired");
    }
    assert!(c.retired_family("ecs.gn4.8xlarge").expect("listed").changeable_to.is_empty());
    let user = with(json!({"retiredFamilies": [
        {"family": "e3", "retired": "2026-01-31", "replacement": "r7", "source": "s"}
    ]}));
    let e3 = user.retired_family("ecs.e3.large").expect("added by a user file");
    assert_eq!(
        (e3.retired.map(|d| d.to_string()), e3.replacement.as_deref()),
        (Some("2026-01-31".into()), Some("r7"))
    );
}

#[test]
fn no_builtin_family_is_both_current_and_retired() {
    let c = Catalog::builtin().expect("built-in catalog loads");
    for t in c.instance_types() {
        assert!(c.retired_family(&t.id).is_none(), "{} is listed and its family retired", t.id);
        assert!(t.source.starts_with("https://"), "{} has no source", t.id);
    }
    let mut ids: Vec<&str> = c.instance_types().map(|t| &*t.id).collect();
    let count = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), count, "an instance type is listed twice");
}

#[test]
fn previous_generation_types_public_templates_name_are_builtin() {
    let c = Catalog::builtin().expect("built-in catalog loads");
    // (type, vCPUs, memory GiB) as the family tables of the ECS documentation give them.
    for (id, vcpus, memory) in [
        ("ecs.c5.large", 2, 4.0),
        ("ecs.g5.large", 2, 8.0),
        ("ecs.r5.large", 2, 16.0),
        ("ecs.ic5.large", 2, 2.0),
        ("ecs.hfc5.large", 2, 4.0),
        ("ecs.hfg5.14xlarge", 56, 160.0),
        ("ecs.sn1ne.large", 2, 4.0),
        ("ecs.sn2ne.14xlarge", 56, 224.0),
        ("ecs.se1ne.14xlarge", 56, 480.0),
        ("ecs.se1.large", 2, 16.0),
        ("ecs.sn1.medium", 2, 4.0),
        ("ecs.sn2.13xlarge", 56, 224.0),
        ("ecs.n1.tiny", 1, 1.0),
        ("ecs.e3.small", 1, 8.0),
        ("ecs.t5-lc1m2.large", 2, 4.0),
        ("ecs.t6-c1m2.large", 2, 4.0),
        ("ecs.xn4.small", 1, 1.0),
        ("ecs.n4.large", 2, 4.0),
        ("ecs.mn4.large", 2, 8.0),
        ("ecs.e4.small", 1, 8.0),
    ] {
        let t = c.instance_type(id).unwrap_or_else(|| panic!("{id} is not in the built-in catalog"));
        assert_eq!((t.vcpus, t.memory_gib), (vcpus, memory), "{id}");
        assert_eq!(t.architecture, Architecture::X86_64, "{id}");
    }
}

/// A region whose zones are not all known: `zonesComplete: false`, some zones or none.
fn partial_regions() -> serde_json::Value {
    json!({"regions": [
        {"id": "xx-partial-1", "mainland": false, "zones": ["xx-partial-1a"], "zonesComplete": false,
         "source": "https://example.com/partial"},
        {"id": "xx-unknown-1", "name": "Unknown Zones", "mainland": false, "zonesComplete": false,
         "source": "https://example.com/unknown"}
    ]})
}

#[test]
fn a_region_whose_zones_are_not_all_known_lacks_no_zone() {
    let c = with(partial_regions());
    let partial = c.region("xx-partial-1").expect("region without a name loads");
    assert_eq!((partial.name.as_deref(), partial.display_name()), (None, "xx-partial-1"));
    assert!(partial.has_zone("xx-partial-1a") && !partial.zones_complete);
    // Neither an unlisted zone of its own nor any other string is known to be missing.
    assert!(!partial.lacks_zone("xx-partial-1b") && !partial.lacks_zone("anything"));
    let unknown = c.region("xx-unknown-1").expect("region without zones loads");
    assert!(unknown.zones.is_empty() && !unknown.lacks_zone("xx-unknown-1a"));
    // A complete region (the default) still lacks what it does not list.
    let hangzhou = c.region("cn-hangzhou").expect("region");
    assert!(
        hangzhou.zones_complete
            && hangzhou.lacks_zone("cn-hangzhou-z")
            && !hangzhou.lacks_zone("cn-hangzhou-h")
    );
}

#[test]
fn a_complete_region_must_list_its_zones() {
    for region in [
        json!({"id": "xx-empty-1", "mainland": false, "zones": [], "source": "https://example.com"}),
        json!({"id": "xx-empty-1", "mainland": false, "source": "https://example.com"}),
        json!({"id": "xx-empty-1", "mainland": false, "zonesComplete": true, "source": "https://example.com"}),
    ] {
        let file = json!({"date": "2026-01-01", "regions": [region]});
        let error = Catalog::from_files(vec![("r.yaml".into(), file)]).expect_err("no zones").to_string();
        assert!(error.contains("xx-empty-1") && error.contains("zonesComplete: false"), "{error}");
    }
    let mut c = catalog(vec![base()]);
    let bad = CatalogFile::from_json(json!({"regions": [
        {"id": "xx-empty-1", "mainland": false, "source": "https://example.com"}]}))
    .expect("shape");
    assert!(c.merge("bad.yaml", bad).is_err() && c.region("xx-empty-1").is_none());
}

#[test]
fn availability_of_every_listed_zone_does_not_cover_a_region_with_zones_not_all_known() {
    let c = with(json!({
        "regions": [{"id": "xx-partial-1", "mainland": false, "zones": ["xx-partial-1a"],
                     "zonesComplete": false, "source": "https://example.com/partial"}],
        "availability": [{"region": "xx-partial-1", "zone": "xx-partial-1a",
                          "instanceTypes": ["ecs.g7.large"], "source": "s"}]}));
    let a = c.region_availability("xx-partial-1").expect("data");
    assert_eq!(a.region, None, "other zones may offer other types");
    assert_eq!(a.zones.len(), 1);
}

#[test]
fn every_builtin_region_has_a_source_and_lists_its_zones_or_says_they_are_not_all_known() {
    let c = Catalog::builtin().expect("built-in catalog loads");
    let mut zones: Vec<&str> = Vec::new();
    for region in c.regions() {
        assert!(region.source.starts_with("https://"), "{}: {}", region.id, region.source);
        assert!(
            region.zones_complete || region.note.is_some(),
            "{}: say why zones are not all known",
            region.id
        );
        assert!(!region.zones_complete || !region.zones.is_empty(), "{}", region.id);
        for zone in region.zones.iter() {
            assert!(zone.starts_with(&*region.id), "{zone} of {}", region.id);
            zones.push(zone);
        }
    }
    let count = zones.len();
    zones.sort_unstable();
    zones.dedup();
    assert_eq!(zones.len(), count, "a zone is listed under one region only");
    // Regions added with zones not (all) known; each must keep loading, named only where
    // a source names it.
    for id in [
        "cn-zhongwei",
        "ap-southeast-8",
        "us-southeast-1",
        "cn-zhengzhou-jva",
        "cn-shanghai-finance-1",
        "cn-shenzhen-finance-1",
        "cn-beijing-finance-1",
    ] {
        let region = c.region(id).unwrap_or_else(|| panic!("{id} is in the catalog"));
        assert!(!region.zones_complete, "{id}: no source lists every zone");
    }
    let mainland = |id: &str| c.region(id).map(|r| r.mainland);
    assert_eq!(mainland("cn-shanghai-finance-1"), Some(true));
    assert_eq!(mainland("ap-southeast-8"), Some(false));
}
