//! The built-in catalog: its files validate against the schema, its facts are the documented
//! ones, and the public image ID patterns parse every real ID of the fixture corpus exactly.

use ecslint::catalog::{Architecture, BootMode, Catalog};
use ecslint::date::Date;
use ecslint::source::{Limits, parse_yaml};
use serde_json::Value;

fn yaml_documents(name: &str, text: &str) -> Vec<Value> {
    parse_yaml(text, Limits::default())
        .unwrap_or_else(|e| panic!("{name}: YAML error {e:?}"))
        .into_iter()
        .map(|d| d.root.to_json())
        .collect()
}

fn builtin() -> Catalog {
    Catalog::builtin().expect("the built-in catalog loads")
}

fn date(text: &str) -> Date {
    Date::parse(text).expect("test date")
}

/// The binary loads the built-in catalog from the JSON `build.rs` converts and its list of
/// real public image IDs; they must be exactly what the loader reads from the YAML as written.
#[test]
fn the_embedded_json_is_the_yaml_as_the_loader_reads_it() {
    let mut known_total = 0;
    for file in Catalog::BUILTIN_FILES {
        let json: Vec<Value> = serde_json::from_str(file.json).expect("build.rs writes JSON");
        let mut yaml = yaml_documents(file.path, file.yaml);
        let mut known: Vec<String> = Vec::new();
        for document in &mut yaml {
            let section = document.pointer_mut("/publicImageIds").and_then(Value::as_object_mut);
            if let Some(Value::Array(ids)) = section.and_then(|s| s.remove("knownIds")) {
                known.extend(ids.iter().map(|id| id.as_str().expect("an ID is a string").to_owned()));
            }
        }
        assert_eq!(json, yaml, "{}", file.path);
        let listed: Vec<&str> = file.known_ids.split('\n').filter(|id| !id.is_empty()).collect();
        assert_eq!(listed, known, "{}", file.path);
        known_total += known.len();
    }
    assert!(known_total > 100, "the known IDs are listed ({known_total})");
    let on_disk = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/catalog"))
        .expect("rules/catalog is readable")
        .filter(|e| e.as_ref().is_ok_and(|e| e.path().extension().is_some_and(|x| x == "yaml")))
        .count();
    assert_eq!(Catalog::BUILTIN_FILES.len(), on_disk, "every file under rules/catalog is embedded");
}

#[test]
fn every_builtin_file_validates_against_the_schema() {
    let schema: Value =
        serde_json::from_str(include_str!("../schemas/catalog.schema.json")).expect("the schema is JSON");
    let validator = jsonschema::draft202012::new(&schema).expect("the schema is a valid 2020-12 schema");
    for file in Catalog::BUILTIN_FILES {
        let name = file.path;
        for document in yaml_documents(name, file.yaml) {
            let errors: Vec<String> =
                validator.iter_errors(&document).map(|e| format!("{} at {}", e, e.instance_path())).collect();
            assert!(errors.is_empty(), "{name} does not match the schema:\n{}", errors.join("\n"));
        }
    }
    let wrong = serde_json::json!({"regions": [{"id": "cn-hangzhou", "name": "x", "mainland": true,
        "zones": ["cn-hangzhou-h"], "source": "https://example.com", "extra": 1}]});
    assert!(!validator.is_valid(&wrong), "additionalProperties is false");
}

#[test]
fn the_schema_describes_every_property() {
    fn walk(node: &Value, path: &str, missing: &mut Vec<String>) {
        let Some(object) = node.as_object() else { return };
        if let Some(properties) = object.get("properties").and_then(Value::as_object) {
            for (key, child) in properties {
                if child.get("description").and_then(Value::as_str).is_none_or(str::is_empty) {
                    missing.push(format!("{path}/{key}"));
                }
                walk(child, &format!("{path}/{key}"), missing);
            }
            if object.get("additionalProperties") != Some(&Value::Bool(false)) {
                missing.push(format!("{path}: additionalProperties is not false"));
            }
        }
        if let Some(items) = object.get("items") {
            walk(items, &format!("{path}[]"), missing);
        }
    }
    let schema: Value =
        serde_json::from_str(include_str!("../schemas/catalog.schema.json")).expect("the schema is JSON");
    let mut missing = Vec::new();
    walk(&schema, "", &mut missing);
    assert!(missing.is_empty(), "{missing:#?}");
}

#[test]
fn regions_cover_the_public_regions_with_zones() {
    let catalog = builtin();
    assert_eq!(catalog.date(), date("2026-12-06"));
    let ids: Vec<&str> = catalog.regions().map(|r| &*r.id).collect();
    for expected in [
        "cn-qingdao",
        "cn-beijing",
        "cn-zhangjiakou",
        "cn-huhehaote",
        "cn-wulanchabu",
        "cn-hangzhou",
        "cn-shanghai",
        "cn-nanjing",
        "cn-fuzhou",
        "cn-shenzhen",
        "cn-heyuan",
        "cn-guangzhou",
        "cn-chengdu",
        "cn-wuhan-lr",
        "cn-hongkong",
        "ap-southeast-1",
        "ap-southeast-3",
        "ap-southeast-5",
        "ap-southeast-6",
        "ap-southeast-7",
        "ap-northeast-1",
        "ap-northeast-2",
        "us-west-1",
        "us-east-1",
        "eu-central-1",
        "eu-west-1",
        "me-east-1",
        "me-central-1",
        "na-south-1",
        "cn-zhengzhou-jva",
        "cn-zhongwei",
        "ap-southeast-8",
        "us-southeast-1",
        "cn-shanghai-finance-1",
        "cn-shenzhen-finance-1",
        "cn-beijing-finance-1",
        "cn-hangzhou-finance",
    ] {
        assert!(ids.contains(&expected), "{expected} missing");
    }
    for region in catalog.regions() {
        // A region lists zones unless its zones are marked as not (all) known.
        assert!(!region.zones_complete || !region.zones.is_empty(), "{} has no zones", region.id);
        assert!(region.source.starts_with("https://"), "{} has no source", region.id);
        assert!(
            region.zones.iter().all(|z| z.starts_with(&*region.id)),
            "{} has a zone of another region",
            region.id
        );
        assert_eq!(region.mainland, region.id.starts_with("cn-") && region.id != "cn-hongkong");
    }
    let hong_kong = catalog.region("cn-hongkong").expect("Hong Kong");
    assert!(!hong_kong.mainland && hong_kong.has_zone("cn-hongkong-b"));
    assert!(catalog.region("cn-hangzhou").is_some_and(|r| r.has_zone("cn-hangzhou-k")));
    assert!(catalog.region("ap-south-1").is_none(), "India (Mumbai) is closed");
    assert!(catalog.region("eu-west-2").is_none(), "no Alibaba source names it");
    // Tokyo lists what the ECS page gave, but Alibaba's other pages show Zones D and E.
    let tokyo = catalog.region("ap-northeast-1").expect("Tokyo");
    assert!(
        tokyo.has_zone("ap-northeast-1a") && !tokyo.zones_complete && !tokyo.lacks_zone("ap-northeast-1d")
    );
}

#[test]
fn instance_types_have_the_documented_shapes() {
    let catalog = builtin();
    assert!(catalog.instance_types().count() >= 80);
    let shape = |id: &str| {
        let t = catalog.instance_type(id).unwrap_or_else(|| panic!("{id} missing"));
        (t.vcpus, t.memory_gib, t.architecture)
    };
    assert_eq!(shape("ecs.t5-lc2m1.nano"), (1, 0.5, Architecture::X86_64));
    assert_eq!(shape("ecs.t6-c4m1.large"), (2, 0.5, Architecture::X86_64));
    assert_eq!(shape("ecs.n4.small"), (1, 2.0, Architecture::X86_64));
    assert_eq!(shape("ecs.xn4.small"), (1, 1.0, Architecture::X86_64));
    assert_eq!(shape("ecs.e-c1m1.large"), (2, 2.0, Architecture::X86_64));
    assert_eq!(shape("ecs.g7.large"), (2, 8.0, Architecture::X86_64));
    assert_eq!(shape("ecs.g8i.48xlarge"), (192, 1024.0, Architecture::X86_64));
    assert_eq!(shape("ecs.r7.32xlarge"), (128, 1024.0, Architecture::X86_64));
    assert_eq!(shape("ecs.g8y.small"), (1, 4.0, Architecture::Arm64));
    assert_eq!(shape("ecs.c6r.large"), (2, 4.0, Architecture::Arm64));
    for family in [
        "t5", "t6", "e", "u1", "n4", "xn4", "mn4", "g5", "g6", "g6a", "g6e", "g7", "g8a", "g8i", "g8y",
        "g9i", "c6r", "c7", "c7a", "c8i", "c8y", "r6", "r6a", "r7", "g6r",
    ] {
        let count = catalog.instance_types().filter(|t| t.family == family).count();
        assert!(count >= 1, "family {family} missing");
    }
    assert_eq!(
        catalog.instance_types().filter(|t| t.family == "u1").count(),
        24,
        "the u1 table lists 24 types"
    );
    assert_eq!(
        catalog.instance_types().filter(|t| t.family == "g6e").count(),
        7,
        "the g6e table lists 7 types"
    );
    // The five families the 2023 boot-mode page lists as Legacy BIOS only; its successor has no
    // per-family table, so nothing newer says otherwise (re-checked 2026-12-06).
    for id in [
        "ecs.u1-c1m2.large",
        "ecs.u1-c1m1.8xlarge",
        "ecs.g6a.large",
        "ecs.c6a.large",
        "ecs.r6a.large",
        "ecs.c7a.large",
    ] {
        let t = catalog.instance_type(id).unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!(t.boot_modes.accepts(BootMode::Uefi), Some(false), "{id} is Legacy BIOS only");
        assert_eq!(t.boot_modes.accepts(BootMode::Bios), Some(true), "{id} boots BIOS");
    }
    for id in ["ecs.g7a.large", "ecs.r7a.large"] {
        let t = catalog.instance_type(id).expect("listed");
        assert_eq!(t.boot_modes.accepts(BootMode::Uefi), None, "{id}: no current page states its boot modes");
    }
    let g7 = catalog.instance_type("ecs.g7.large").expect("g7");
    assert_eq!(g7.boot_modes.accepts(BootMode::Bios), None, "no source states g7's boot modes");
}

/// One type per family or type added from the family tables of the ECS family category
/// topics (vCPUs and GiB as the tables give them); all of them are `x86_64`.
const ADDED_SHAPES: &[(&str, u32, f64)] = &[
    ("ecs.g7a.32xlarge", 128, 512.0),
    ("ecs.g7a-nps1.16xlarge", 64, 256.0),
    ("ecs.c7a-nps1.8xlarge", 32, 64.0),
    ("ecs.c6e.13xlarge", 52, 96.0),
    ("ecs.c8a.48xlarge", 192, 384.0),
    ("ecs.c9i.3xlarge", 12, 24.0),
    ("ecs.r6e.26xlarge", 104, 768.0),
    ("ecs.r7a-nps1.8xlarge", 32, 256.0),
    ("ecs.r8a.48xlarge", 192, 1536.0),
    ("ecs.r8i.32xlarge", 128, 1024.0),
    ("ecs.r9i.48xlarge", 192, 1536.0),
    ("ecs.u1-c1m1.8xlarge", 32, 32.0),
    ("ecs.g6e.26xlarge", 104, 384.0),
    ("ecs.u2a-c1m4.16xlarge", 64, 256.0),
    ("ecs.u2i-c1m8.8xlarge", 32, 256.0),
    ("ecs.hfc9i.36xlarge", 144, 384.0),
    ("ecs.hfg5.14xlarge", 56, 160.0),
    ("ecs.hfr6.10xlarge", 40, 384.0),
    ("ecs.i4.32xlarge", 128, 1024.0),
    ("ecs.d3c.3xlarge", 14, 56.0),
    ("ecs.gn7i-c8g1.2xlarge", 8, 30.0),
    ("ecs.gn6i-c4g1.xlarge", 4, 15.0),
    ("ecs.gn6v-c10g1.20xlarge", 82, 336.0),
    ("ecs.sgn7i-vws-m2.xlarge", 4, 15.5),
    ("ecs.vgn6i-m4-vws.xlarge", 4, 23.0),
    ("ecs.c9ae.48xlarge", 192, 384.0),
    ("ecs.r9a.8xlarge", 32, 256.0),
    ("ecs.r7p.32xlarge", 128, 512.0),
    ("ecs.g9h.8xlarge", 32, 128.0),
    ("ecs.c8ine.large", 2, 4.0),
];

#[test]
fn families_added_from_the_family_tables_have_their_shapes() {
    let catalog = builtin();
    for (id, vcpus, memory) in ADDED_SHAPES {
        let t = catalog.instance_type(id).unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!((t.vcpus, t.memory_gib, t.architecture), (*vcpus, *memory, Architecture::X86_64), "{id}");
    }
    for family in [
        "g7a",
        "c6e",
        "c8a",
        "c9i",
        "r6e",
        "r7a",
        "r8a",
        "r8i",
        "r9i",
        "u2a",
        "u2i",
        "hfc5",
        "hfc6",
        "hfc7",
        "hfc8i",
        "hfc9i",
        "hfg5",
        "hfg6",
        "hfg7",
        "hfg8i",
        "hfg9i",
        "hfr6",
        "hfr7",
        "hfr8i",
        "hfr9i",
        "i4",
        "i4g",
        "i4r",
        "d3c",
        "gn6e",
        "gn6i",
        "gn6v",
        "gn7i",
        "gn7s",
        "sgn7i-vws",
        "vgn6i-vws",
        "vgn7i-vws",
        "c9ae",
        "c9a",
        "c8ae",
        "c8ine",
        "r9ae",
        "r9a",
        "r8ae",
        "r7p",
        "g9h",
        "g7h",
    ] {
        assert!(catalog.instance_types().any(|t| t.family == family), "family {family} missing");
    }
    assert!(catalog.instance_type("ecs.r8i.24xlarge").is_none(), "the r8i table has no 24xlarge");
    assert!(catalog.instance_type("ecs.gn7e-c16g1.4xlarge").is_none(), "gn7e's processor is not stated");
}

/// One type per family added on 2026-12-06 from the family category topics (the largest size
/// each table lists), with the architecture of the processor its section names. The persistent
/// memory of re7p and re6p is not counted.
const ADDED_2026_12_06: &[(&str, u32, f64, Architecture)] = &[
    ("ecs.g9ae.48xlarge", 192, 768.0, Architecture::X86_64),
    ("ecs.g9a.48xlarge", 192, 768.0, Architecture::X86_64),
    ("ecs.g8ae.32xlarge", 128, 512.0, Architecture::X86_64),
    ("ecs.g8ine.8xlarge", 32, 128.0, Architecture::X86_64),
    ("ecs.gn8v-8x.48xlarge", 192, 1024.0, Architecture::X86_64),
    ("ecs.gn8v-tee-8x.48xlarge", 192, 1024.0, Architecture::X86_64),
    ("ecs.gn8is-8x.32xlarge", 128, 1024.0, Architecture::X86_64),
    ("ecs.gn7-c13g1.26xlarge", 104, 756.0, Architecture::X86_64),
    ("ecs.gn7r-c16g1.4xlarge", 16, 64.0, Architecture::Arm64),
    ("ecs.sgn8ia-m48.24xlarge", 96, 384.0, Architecture::X86_64),
    ("ecs.ebmg9ae.48xlarge", 192, 768.0, Architecture::X86_64),
    ("ecs.ebmg9a.64xlarge", 256, 1152.0, Architecture::X86_64),
    ("ecs.ebmg9i.48xlarge", 192, 768.0, Architecture::X86_64),
    ("ecs.ebmg8a.48xlarge", 192, 768.0, Architecture::X86_64),
    ("ecs.ebmg8y.32xlarge", 128, 512.0, Architecture::Arm64),
    ("ecs.ebmg8i.48xlarge", 192, 1024.0, Architecture::X86_64),
    ("ecs.ebmg7se.32xlarge", 128, 512.0, Architecture::X86_64),
    ("ecs.ebmg7.32xlarge", 128, 512.0, Architecture::X86_64),
    ("ecs.ebmg7a.64xlarge", 256, 1024.0, Architecture::X86_64),
    ("ecs.ebmg6a.64xlarge", 256, 1024.0, Architecture::X86_64),
    ("ecs.ebmg6e.26xlarge", 104, 384.0, Architecture::X86_64),
    ("ecs.ebmg6.26xlarge", 104, 384.0, Architecture::X86_64),
    ("ecs.ebmc9ae.48xlarge", 192, 384.0, Architecture::X86_64),
    ("ecs.ebmc9i.48xlarge", 192, 384.0, Architecture::X86_64),
    ("ecs.ebmc8a.48xlarge", 192, 384.0, Architecture::X86_64),
    ("ecs.ebmc8y.32xlarge", 128, 256.0, Architecture::Arm64),
    ("ecs.ebmc8i.48xlarge", 192, 512.0, Architecture::X86_64),
    ("ecs.ebmc7.32xlarge", 128, 256.0, Architecture::X86_64),
    ("ecs.ebmc7a.64xlarge", 256, 512.0, Architecture::X86_64),
    ("ecs.ebmc6me.16xlarge", 64, 192.0, Architecture::X86_64),
    ("ecs.ebmc6a.64xlarge", 256, 512.0, Architecture::X86_64),
    ("ecs.ebmc6e.26xlarge", 104, 192.0, Architecture::X86_64),
    ("ecs.ebmc6.26xlarge", 104, 192.0, Architecture::X86_64),
    ("ecs.ebmr9ae.48xlarge", 192, 1536.0, Architecture::X86_64),
    ("ecs.ebmr9i.48xlarge", 192, 1536.0, Architecture::X86_64),
    ("ecs.ebmr8a.48xlarge", 192, 1536.0, Architecture::X86_64),
    ("ecs.ebmr8y.32xlarge", 128, 1024.0, Architecture::Arm64),
    ("ecs.ebmr7.32xlarge", 128, 1024.0, Architecture::X86_64),
    ("ecs.ebmr7a.64xlarge", 256, 2048.0, Architecture::X86_64),
    ("ecs.ebmr6a.64xlarge", 256, 2048.0, Architecture::X86_64),
    ("ecs.ebmr6e.26xlarge", 104, 768.0, Architecture::X86_64),
    ("ecs.ebmr6.26xlarge", 104, 768.0, Architecture::X86_64),
    ("ecs.ebmre7p.32xlarge", 128, 512.0, Architecture::X86_64),
    ("ecs.ebmre6p.26xlarge", 104, 384.0, Architecture::X86_64),
    ("ecs.ebmre6-6t.52xlarge", 208, 6144.0, Architecture::X86_64),
    ("ecs.ebmhfg7.48xlarge", 192, 768.0, Architecture::X86_64),
    ("ecs.ebmhfc7.48xlarge", 192, 384.0, Architecture::X86_64),
    ("ecs.ebmhfr7.48xlarge", 192, 1536.0, Architecture::X86_64),
    ("ecs.ebmhfg6.20xlarge", 80, 384.0, Architecture::X86_64),
    ("ecs.ebmhfc6.20xlarge", 80, 192.0, Architecture::X86_64),
    ("ecs.ebmhfr6.20xlarge", 80, 768.0, Architecture::X86_64),
    ("ecs.ebmgn9g.64xlarge", 256, 2304.0, Architecture::X86_64),
    ("ecs.ebmgn9ge.64xlarge", 256, 2304.0, Architecture::X86_64),
    ("ecs.ebmgn9gc.64xlarge", 256, 1536.0, Architecture::X86_64),
    ("ecs.ebmgn8v.48xlarge", 192, 1024.0, Architecture::X86_64),
    ("ecs.ebmgn8ia.64xlarge", 256, 1536.0, Architecture::X86_64),
    ("ecs.ebmgn8is.32xlarge", 128, 1024.0, Architecture::X86_64),
    ("ecs.ebmgn7ex.32xlarge", 128, 1024.0, Architecture::X86_64),
    ("ecs.ebmgn7e.32xlarge", 128, 1024.0, Architecture::X86_64),
    ("ecs.ebmgn7ix.32xlarge", 128, 512.0, Architecture::X86_64),
    ("ecs.ebmgn7i.32xlarge", 128, 768.0, Architecture::X86_64),
    ("ecs.ebmgn7.26xlarge", 104, 768.0, Architecture::X86_64),
    ("ecs.ebmgn6e.24xlarge", 96, 768.0, Architecture::X86_64),
    ("ecs.ebmgn6v.24xlarge", 96, 384.0, Architecture::X86_64),
    ("ecs.ebmgn6i.24xlarge", 96, 384.0, Architecture::X86_64),
    ("ecs.ebmg5s.24xlarge", 96, 384.0, Architecture::X86_64),
    ("ecs.ebmg5.24xlarge", 96, 384.0, Architecture::X86_64),
    ("ecs.ebmc5s.24xlarge", 96, 192.0, Architecture::X86_64),
    ("ecs.ebmr5s.24xlarge", 96, 768.0, Architecture::X86_64),
    ("ecs.s6-c1m4.2xlarge", 8, 32.0, Architecture::X86_64),
    ("ecs.g8ise.12xlarge", 48, 192.0, Architecture::X86_64),
    ("ecs.g7se.16xlarge", 64, 256.0, Architecture::X86_64),
    ("ecs.c7se.16xlarge", 64, 128.0, Architecture::X86_64),
    ("ecs.r7se.16xlarge", 64, 512.0, Architecture::X86_64),
    ("ecs.g7nex.32xlarge", 128, 512.0, Architecture::X86_64),
    ("ecs.c7nex.32xlarge", 128, 256.0, Architecture::X86_64),
    ("ecs.g7ne.24xlarge", 96, 384.0, Architecture::X86_64),
    ("ecs.g9it.24xlarge", 96, 384.0, Architecture::X86_64),
    ("ecs.r9it.24xlarge", 96, 768.0, Architecture::X86_64),
    ("ecs.g7t.32xlarge", 128, 512.0, Architecture::X86_64),
    ("ecs.c7t.32xlarge", 128, 256.0, Architecture::X86_64),
    ("ecs.r7t.32xlarge", 128, 1024.0, Architecture::X86_64),
    ("ecs.g6t.26xlarge", 104, 384.0, Architecture::X86_64),
    ("ecs.c6t.26xlarge", 104, 192.0, Architecture::X86_64),
    ("ecs.re8.240xlarge", 960, 16384.0, Architecture::X86_64),
    ("ecs.re7p.32xlarge", 128, 512.0, Architecture::X86_64),
    ("ecs.re6p.26xlarge", 104, 384.0, Architecture::X86_64),
    ("ecs.re6.52xlarge", 208, 3072.0, Architecture::X86_64),
];

#[test]
fn families_added_on_2026_12_06_have_their_shapes_and_boot_modes() {
    let catalog = builtin();
    for (id, vcpus, memory, arch) in ADDED_2026_12_06 {
        let t = catalog.instance_type(id).unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!((t.vcpus, t.memory_gib, t.architecture), (*vcpus, *memory, *arch), "{id}");
    }
    // Tables with more than one size: every size is listed, and a middle one has its shape.
    for (family, count) in [
        ("g9ae", 10),
        ("g9a", 9),
        ("g8ae", 7),
        ("g8ine", 5),
        ("gn8v", 8),
        ("gn8v-tee", 4),
        ("gn8is", 5),
        ("gn7", 3),
        ("sgn8ia", 6),
        ("s6", 9),
        ("g7t", 9),
        ("re8", 6),
        ("re6p", 9),
    ] {
        let listed = catalog.instance_types().filter(|t| t.family == family).count();
        assert_eq!(listed, count, "the {family} table lists {count} types");
    }
    let shape = |id: &str| {
        let t = catalog.instance_type(id).unwrap_or_else(|| panic!("{id} missing"));
        (t.vcpus, t.memory_gib)
    };
    assert_eq!(shape("ecs.gn8v-4x.8xlarge"), (32, 384.0));
    assert_eq!(shape("ecs.gn8v-tee-8x.16xlarge"), (64, 768.0));
    assert_eq!(shape("ecs.gn8is-2x.8xlarge"), (32, 256.0));
    assert_eq!(shape("ecs.gn7-c12g1.3xlarge"), (12, 94.0));
    assert_eq!(shape("ecs.g8ae.large"), (2, 8.0));
    assert_eq!(shape("ecs.sgn8ia-m2.xlarge"), (4, 16.0));
    assert_eq!(shape("ecs.s6-c1m2.small"), (1, 2.0));
    assert_eq!(shape("ecs.re6p-redis.13xlarge"), (52, 192.0));
    assert_eq!(shape("ecs.c7t.3xlarge"), (12, 24.0));
    // Families whose section says the image must boot in UEFI mode are UEFI-only.
    for id in [
        "ecs.ebmg7a.64xlarge",
        "ecs.ebmg6a.64xlarge",
        "ecs.ebmc7a.64xlarge",
        "ecs.ebmc6a.64xlarge",
        "ecs.ebmr7a.64xlarge",
        "ecs.ebmr6a.64xlarge",
        "ecs.ebmgn9g.64xlarge",
        "ecs.ebmgn9ge.64xlarge",
        "ecs.ebmgn9gc.64xlarge",
        "ecs.ebmgn8v.48xlarge",
        "ecs.ebmgn8ia.64xlarge",
        "ecs.ebmgn8is.32xlarge",
        "ecs.ebmgn7ex.32xlarge",
        "ecs.ebmgn7ix.32xlarge",
    ] {
        let t = catalog.instance_type(id).expect("listed");
        assert_eq!(t.boot_modes.accepts(BootMode::Bios), Some(false), "{id} is UEFI only");
        assert_eq!(t.boot_modes.accepts(BootMode::Uefi), Some(true), "{id} boots UEFI");
    }
    // Arm types boot UEFI only whatever the family says; the rest state no boot mode.
    for id in ["ecs.ebmg8y.32xlarge", "ecs.ebmc8y.32xlarge", "ecs.ebmr8y.32xlarge", "ecs.gn7r-c16g1.4xlarge"]
    {
        let t = catalog.instance_type(id).expect("listed");
        assert_eq!(t.boot_modes.accepts(BootMode::Bios), Some(false), "{id}: arm64 has no BIOS");
    }
    for id in [
        "ecs.ebmg7.32xlarge",
        "ecs.ebmgn7i.32xlarge",
        "ecs.gn8is.4xlarge",
        "ecs.g8ae.large",
        "ecs.gn7-c12g1.3xlarge",
    ] {
        let t = catalog.instance_type(id).expect("listed");
        assert_eq!(t.boot_modes.accepts(BootMode::Uefi), None, "{id}: no source states its boot modes");
    }
    // Left out: no source names their processor.
    assert!(catalog.instance_type("ecs.gn9gc.4xlarge").is_none(), "gn9gc's processor is not stated");
    assert!(catalog.instance_type("ecs.gn7e-c16g1.4xlarge").is_none(), "gn7e's processor is not stated");
    // The README's summary counts.
    let mut families: Vec<&str> = catalog.instance_types().map(|t| &*t.family).collect();
    assert_eq!(families.len(), 1021, "instance types");
    families.sort_unstable();
    families.dedup();
    assert_eq!(families.len(), 182, "instance families");
}

#[test]
fn every_os_family_has_lifecycle_entries() {
    let catalog = builtin();
    for family in [
        "alibaba-cloud-linux",
        "anolis",
        "centos",
        "centos-stream",
        "rhel",
        "sles",
        "opensuse",
        "ubuntu",
        "debian",
        "rocky",
        "almalinux",
        "fedora",
        "freebsd",
        "windows-server",
    ] {
        assert!(catalog.lifecycles().any(|e| e.family == family), "{family} missing");
    }
    for entry in catalog.lifecycles() {
        assert!(entry.source.starts_with("https://"), "{} {}", entry.family, entry.version);
    }
}

#[test]
fn lifecycle_versions_match_like_vendors_write_them() {
    let catalog = builtin();
    let end = |family: &str, version: &str| {
        catalog.lifecycle(family, version).map(|e| e.end_of_support.to_string())
    };
    assert_eq!(end("centos", "7.9").as_deref(), Some("2024-06-30"));
    assert_eq!(end("centos", "7.9.2009").as_deref(), Some("2024-06-30"));
    assert_eq!(end("alibaba-cloud-linux", "2.1903").as_deref(), Some("2024-03-31"));
    assert_eq!(end("alibaba-cloud-linux", "3").as_deref(), Some("2031-03-31"));
    assert_eq!(end("ubuntu", "22.04.3"), end("ubuntu", "22.04"));
    assert!(end("ubuntu", "22.04").is_some());
    assert_eq!(end("sles", "15 SP5").as_deref(), Some("2024-12-31"));
    assert_eq!(end("sles", "15").as_deref(), Some("2019-12-31"));
    assert_eq!(end("windows-server", "2012").as_deref(), Some("2023-10-10"));
    assert_eq!(end("windows-server", "2012 R2").as_deref(), Some("2023-10-10"));
    assert_eq!(
        catalog.lifecycle("windows-server", "2012 R2").map(|e| &*e.name),
        Some("Windows Server 2012 R2")
    );
    assert_eq!(end("windows-server", "2019").as_deref(), Some("2029-01-09"));
    assert_eq!(end("rhel", "9.4").as_deref(), Some("2032-05-31"));
    assert_eq!(end("freebsd", "14.2").as_deref(), Some("2025-09-30"));
    assert_eq!(end("freebsd", "14.9").as_deref(), Some("2028-11-30"));
    assert_eq!(end("other", "1"), None);
    assert_eq!(end("ubuntu", "23.10"), None);
    assert_eq!(end("anolis", "7.9").as_deref(), Some("2028-06-30"));
    assert_eq!(end("alibaba-cloud-linux", "4"), None, "no vendor source for Alibaba Cloud Linux 4");
    assert_eq!(end("alibaba-cloud-linux", "3 Pro"), None, "no vendor source for 3 Pro");
}

/// Versions as people write them pick the entry of that release, never a neighbour: SLES the
/// `/etc/os-release` way, FreeBSD point releases over their branch, Windows Server with its
/// edition, and releases without an entry match nothing (L004), never the wrong entry.
#[test]
fn lifecycle_entries_match_versions_as_written() {
    let catalog = builtin();
    let cases: &[(&str, &str, Option<&str>)] = &[
        ("sles", "11.4", Some("SUSE Linux Enterprise Server 11 SP4")),
        ("sles", "11 SP4", Some("SUSE Linux Enterprise Server 11 SP4")),
        ("sles", "12.2", Some("SUSE Linux Enterprise Server 12 SP2")),
        ("sles", "12.3", Some("SUSE Linux Enterprise Server 12 SP3")),
        ("sles", "12-SP3", Some("SUSE Linux Enterprise Server 12 SP3")),
        ("sles", "12.5", Some("SUSE Linux Enterprise Server 12 SP5")),
        ("sles", "15.7", Some("SUSE Linux Enterprise Server 15 SP7")),
        ("sles", "16.0", Some("SUSE Linux Enterprise Server 16.0")),
        ("sles", "16", None),
        ("sles", "16.1", None),
        ("sles", "12", None),
        ("sles", "11", None),
        // Not read: unknown, never the GA release the prefix names.
        ("sles", "15.x", None),
        ("sles", "15.SP5", None),
        ("sles", "15.5.1", None),
        ("sles", "12 SP5 beta", None),
        ("freebsd", "13.0", Some("FreeBSD 13.0")),
        ("freebsd", "13.2-RELEASE-p9", Some("FreeBSD 13.2")),
        ("freebsd", "13.3", Some("FreeBSD 13.3")),
        ("freebsd", "13", Some("FreeBSD 13 (stable/13)")),
        ("freebsd", "14.0", Some("FreeBSD 14.0")),
        ("freebsd", "14.0-RELEASE", Some("FreeBSD 14.0")),
        ("freebsd", "14", Some("FreeBSD 14 (stable/14)")),
        ("freebsd", "14.4", Some("FreeBSD 14.4")),
        ("freebsd", "15.1", Some("FreeBSD 15.1")),
        ("freebsd", "15.2", Some("FreeBSD 15 (stable/15)")),
        ("windows-server", "2003", Some("Windows Server 2003")),
        ("windows-server", "2003 R2", Some("Windows Server 2003 R2")),
        ("windows-server", "2003r2", Some("Windows Server 2003 R2")),
        ("windows-server", "Windows Server 2003 R2 SP2 Enterprise", Some("Windows Server 2003 R2")),
        ("windows-server", "2008 SP2 Standard", Some("Windows Server 2008")),
        ("anolis", "7", Some("Anolis OS 7")),
        ("anolis", "7.9", Some("Anolis OS 7")),
        ("anolis", "23", Some("Anolis OS 23")),
        ("anolis", "23.4", Some("Anolis OS 23")),
        ("anolis", "8.10", Some("Anolis OS 8")),
        ("anolis", "2", None),
        ("fedora", "44", Some("Fedora Linux 44")),
        ("fedora", "45", None),
        ("rhel", "10.1", Some("Red Hat Enterprise Linux 10")),
    ];
    for (family, version, expected) in cases {
        let name = catalog.lifecycle(family, version).map(|e| &*e.name);
        assert_eq!(name, *expected, "{family} {version:?}");
    }
}

#[test]
fn licence_fee_tiers_are_the_published_ones() {
    let catalog = builtin();
    let rhel = catalog.license_fee("rhel", "8.6").expect("RHEL fee");
    assert_eq!(rhel.currency.as_deref(), Some("USD"));
    let price = |vcpus| rhel.tier(vcpus).map(|t| (t.hourly, t.monthly, t.yearly));
    assert_eq!(price(1), Some((0.063, 43.0, 501.0)));
    assert_eq!(price(4), Some((0.063, 43.0, 501.0)));
    assert_eq!(price(5), Some((0.14, 95.0, 1099.0)));
    assert_eq!(price(128), Some((0.14, 95.0, 1099.0)));
    let sles = catalog.license_fee("sles", "15 SP5").expect("SLES fee");
    let hourly = |vcpus| sles.tier(vcpus).map(|t| t.hourly);
    assert_eq!(hourly(2), Some(0.064));
    assert_eq!(hourly(3), Some(0.127));
    assert_eq!(hourly(4), Some(0.127));
    assert_eq!(hourly(5), Some(0.152));
    assert_eq!(sles.tier(2).map(|t| (t.monthly, t.yearly)), Some((24.46, 235.23)));
    assert_eq!(sles.tier(8).map(|t| (t.monthly, t.yearly)), Some((58.62, 564.60)));
    let windows = catalog.license_fee("windows-server", "2022").expect("Windows fee");
    assert!(windows.outside_mainland_only && windows.tiers.is_empty());
    assert!(windows.applies_in(false) && !windows.applies_in(true));
    assert!(catalog.license_fee("alibaba-cloud-linux", "3 Pro").is_some());
    assert!(catalog.license_fee("alibaba-cloud-linux", "3").is_none());
    assert!(catalog.license_fee("ubuntu", "22.04").is_none());
}

#[test]
fn quotas_have_their_documented_defaults() {
    let catalog = builtin();
    let shared = catalog.quota("q_user-per-image-shared-user-count").expect("share quota");
    assert_eq!(shared.default, Some(50));
    let images = catalog.quota("q_user-image-count").expect("image quota");
    assert_eq!(images.default, None);
    assert!(images.note.as_deref().is_some_and(|n| n.contains("account-specific")));
}

#[test]
fn the_fixture_corpus_parses_exactly() {
    let catalog = builtin();
    let corpus = yaml_documents("fixture", include_str!("../fixtures/catalog/public-image-ids.yaml"));
    let corpus = corpus.first().expect("one document");
    let ids = corpus["ids"].as_array().expect("ids");
    assert!(ids.len() >= 40, "the corpus needs at least 40 real IDs");
    let mut failures = Vec::new();
    for entry in ids {
        let id = entry["id"].as_str().expect("id");
        let expected = &entry["expect"];
        let got = catalog.parse_public_image_id(id).map(|p| {
            serde_json::json!({
                "family": p.family,
                "version": p.version,
                "architecture": p.architecture,
                "bootMode": p.boot_mode,
            })
        });
        if got.as_ref() != Some(expected) {
            failures.push(format!("{id}: expected {expected}, got {got:?}"));
        }
    }
    for entry in corpus["notIds"].as_array().expect("notIds") {
        let id = entry["id"].as_str().expect("id");
        if let Some(parsed) = catalog.parse_public_image_id(id) {
            failures.push(format!("{id} must not parse, got {parsed:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_brief_forms_of_public_image_ids_parse() {
    let catalog = builtin();
    let parse = |id: &str| {
        catalog.parse_public_image_id(id).map(|p| (p.family, p.version, p.architecture, p.boot_mode))
    };
    assert_eq!(
        parse("sles_15_sp5_x64_20G_alibase_20240101.vhd"),
        Some(("sles".into(), "15 SP5".into(), Architecture::X86_64, None))
    );
    assert_eq!(
        parse("aliyun_3_x64_20G_uefi_alibase_20240819.vhd"),
        Some(("alibaba-cloud-linux".into(), "3".into(), Architecture::X86_64, Some(BootMode::Uefi)))
    );
    assert_eq!(parse(""), None);
    assert_eq!(parse(&"x".repeat(10_000)), None);
}
