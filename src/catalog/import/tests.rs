use super::*;

fn answers(names: &[&str]) -> Vec<(String, String)> {
    names
        .iter()
        .map(|name| {
            let path = format!("{}/fixtures/catalog-import/{name}", env!("CARGO_MANIFEST_DIR"));
            (name.to_string(), std::fs::read_to_string(&path).expect("fixture answer"))
        })
        .collect()
}

fn date() -> Date {
    Date::parse("2026-12-20").expect("date")
}

fn run(names: &[&str]) -> Imported {
    let base = Catalog::builtin().expect("built-in catalog");
    import(&answers(names), date(), &base).expect("imports")
}

#[test]
fn available_resource_gives_zone_lists_with_sold_out_types_and_skips_other_resources() {
    let imported = run(&["available-resource.json"]);
    let availability = &imported.file.availability;
    assert_eq!(availability.len(), 1, "{availability:?}");
    let zone = &availability[0];
    assert_eq!((zone.region.as_str(), zone.zone.as_deref()), ("cn-hangzhou", Some("cn-hangzhou-h")));
    // SoldOut is stock, not offer: still offered.
    assert_eq!(zone.instance_types, ["ecs.g7.large", "ecs.g7.xlarge"]);
    assert!(zone.source.starts_with("https://") && zone.source.contains("describeavailableresource"));
    assert!(imported.warnings.iter().any(|w| w.contains("cn-hangzhou-k")), "{:?}", imported.warnings);
    assert_eq!(imported.file.date, Some(date()));
}

#[test]
fn zones_find_their_region_by_the_longest_known_prefix() {
    // xx-testland-1 is known only from the DescribeRegions answer in the same import.
    let imported = run(&["regions.json", "zones.json"]);
    let zone = imported.file.availability.iter().find(|a| a.zone.as_deref() == Some("xx-testland-1a"));
    let zone = zone.expect("zone imported");
    assert_eq!(zone.region, "xx-testland-1");
    // AvailableInstanceTypes and ResourcesInfo are merged.
    assert_eq!(zone.instance_types, ["ecs.c7.large", "ecs.g7.large", "ecs.g7.xlarge"]);
    let region = imported.file.regions.iter().find(|r| r.id == "xx-testland-1").expect("region");
    assert_eq!(*region.zones, ["xx-testland-1a"]);
    assert!(!region.mainland && region.note.is_some());
    // A known region keeps its name, mainland flag and zones.
    let hangzhou = imported.file.regions.iter().find(|r| r.id == "cn-hangzhou").expect("cn-hangzhou");
    assert!(
        hangzhou.mainland
            && hangzhou.zones.len() >= 8
            && hangzhou.name.as_deref() == Some("China (Hangzhou)")
    );
}

#[test]
fn a_zone_of_an_unknown_region_is_skipped_with_a_warning() {
    let imported = run(&["zones.json"]);
    assert!(imported.file.availability.is_empty());
    assert!(imported.warnings.iter().any(|w| w.contains("xx-testland-1a")), "{:?}", imported.warnings);
}

#[test]
fn instance_types_keep_what_the_answer_says_and_skip_what_nothing_says() {
    let imported = run(&["instance-types.json"]);
    let families = &imported.file.instance_families;
    let g99x = families.iter().find(|f| f.family == "g99x").expect("g99x");
    assert_eq!(g99x.architecture, Architecture::X86_64);
    assert_eq!(g99x.boot_modes.as_deref(), Some(&[BootMode::Uefi][..]));
    assert_eq!((g99x.types[0].vcpus, g99x.types[0].memory_gib), (2, 8.0));
    let arm = families.iter().find(|f| f.family == "g99y").expect("g99y");
    assert_eq!(arm.architecture, Architecture::Arm64);
    assert_eq!(arm.boot_modes, None, "no SupportedBootModes: unknown, not guessed");
    assert!(!families.iter().any(|f| f.family == "mystery"), "no architecture anywhere: skipped");
    assert!(imported.warnings.iter().any(|w| w.contains("ecs.mystery.large")));
}

#[test]
fn images_keep_architecture_boot_mode_size_and_region() {
    let imported = run(&["images.json"]);
    let image = &imported.file.images[0];
    assert_eq!(image.id, "aliyun_3_x64_20G_alibase_20240819.vhd");
    assert_eq!(image.architecture, Some(Architecture::X86_64));
    assert_eq!(image.boot_mode, Some(BootMode::UefiPreferred));
    assert_eq!((image.size_gib, image.regions.as_slice()), (Some(20), &["cn-hangzhou".to_string()][..]));
}

#[test]
fn the_written_file_round_trips_through_the_loader() {
    let imported =
        run(&["regions.json", "zones.json", "available-resource.json", "instance-types.json", "images.json"]);
    let json = serde_json::to_value(&imported.file).expect("serializes");
    let text = serde_json::to_string_pretty(&json).expect("text");
    let values =
        Catalog::yaml_values(&[("imported.yaml", &format!("# comment\n{text}"))]).expect("JSON is YAML");
    let reread = CatalogFile::from_json(values[0].1.clone()).expect("valid catalog file");
    assert_eq!(reread, imported.file);
    let mut all = Catalog::builtin_values().expect("built-in");
    all.extend(values);
    let catalog = Catalog::from_files(all).expect("merges");
    assert_eq!(catalog.date(), date());
    assert!(catalog.instance_type("ecs.g99x.large").is_some());
    let hangzhou = catalog.region_availability("cn-hangzhou").expect("availability");
    assert_eq!(hangzhou.region, None, "one zone of eight: not the whole region");
    assert_eq!(hangzhou.zones.len(), 1);
    let testland = catalog.region_availability("xx-testland-1").expect("availability");
    assert_eq!(testland.region.as_deref(), Some(&["ecs.c7.large", "ecs.g7.large", "ecs.g7.xlarge"][..]));
}

#[test]
fn answers_that_are_not_known_shapes_are_errors_naming_the_file() {
    let base = Catalog::builtin().expect("built-in catalog");
    let bad = vec![("x.json".to_string(), r#"{"Instances": {"Instance": []}}"#.to_string())];
    let error = import(&bad, date(), &base).expect_err("unknown shape").to_string();
    assert!(error.starts_with("x.json: not an answer of DescribeRegions"), "{error}");
    let broken = vec![("y.json".to_string(), "{".to_string())];
    assert!(
        import(&broken, date(), &base).expect_err("not JSON").to_string().starts_with("y.json: not JSON")
    );
    let wrong = vec![("z.json".to_string(), r#"{"Regions": {"Region": 3}}"#.to_string())];
    assert!(import(&wrong, date(), &base).is_err());
}

#[test]
fn a_region_known_only_from_describe_regions_has_zones_not_known() {
    let answers = vec![(
        "regions.json".to_string(),
        r#"{"Regions": {"Region": [{"RegionId": "xx-newland-1", "LocalName": "Newland"}]}}"#.to_string(),
    )];
    let base = Catalog::builtin().expect("built-in catalog");
    let imported = import(&answers, date(), &base).expect("imports");
    let region = &imported.file.regions[0];
    assert_eq!((&*region.id, region.name.as_deref()), ("xx-newland-1", Some("Newland")));
    assert!(region.zones.is_empty() && !region.zones_complete, "{region:?}");
    // The written file loads, and no zone of the new region is known to be wrong.
    let mut catalog = base;
    catalog.merge("imported.yaml", imported.file).expect("merges");
    let region = catalog.region("xx-newland-1").expect("region");
    assert!(!region.lacks_zone("xx-newland-1a"));
}

#[test]
fn describe_zones_lists_every_zone_and_available_resource_only_some() {
    // DescribeZones answers for a region: its zones are complete.
    let imported = run(&["regions.json", "zones.json"]);
    let testland = imported.file.regions.iter().find(|r| r.id == "xx-testland-1").expect("region");
    assert!(testland.zones_complete);
    // DescribeAvailableResource for a zone the catalog does not list: the catalog's list was
    // not complete after all, and these answers do not say which other zones exist.
    let base = Catalog::builtin().expect("built-in catalog");
    let offer = r#"{"AvailableZones": {"AvailableZone": [{"RegionId": "cn-hangzhou", "ZoneId": "cn-hangzhou-z",
        "AvailableResources": {"AvailableResource": [{"Type": "InstanceType",
        "SupportedResources": {"SupportedResource": [{"Value": "ecs.g7.large", "Status": "Available"}]}}]}}]}}"#;
    let imported = import(&[("offer.json".to_string(), offer.to_string())], date(), &base).expect("imports");
    let hangzhou = imported.file.regions.iter().find(|r| r.id == "cn-hangzhou").expect("region");
    assert!(hangzhou.has_zone("cn-hangzhou-z") && hangzhou.has_zone("cn-hangzhou-h"));
    assert!(!hangzhou.zones_complete);
    // A zone the catalog lists keeps the region complete.
    let imported = run(&["available-resource.json"]);
    let hangzhou = imported.file.regions.iter().find(|r| r.id == "cn-hangzhou").expect("region");
    assert!(hangzhou.zones_complete);
}
