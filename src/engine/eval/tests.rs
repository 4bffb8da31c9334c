//! Tests of `eval.rs`.

use super::*;
use crate::engine::plan::Plan;
use crate::source::{Limits, SourceFile};
use cel::Program;
use cel::common::types::CelString;

/// An image's `sharedWith`: a valid account, a repeat of it, text, a number and a
/// short run of digits.
const SPEC: &str = "kind: Image\nname: shared\ntype: custom\nregions: [cn-hangzhou]\n\
    sharedWith: ['1111111111111111', '1111111111111111', x1, 2222222222222222, '22']\n";

/// Images with and without an `os`, an instance on one of them, one on a public image
/// ID and one on an image that does not exist.
const IMAGES: &str = "\
- kind: Image
  name: base
  type: custom
  os: {family: windows-server, version: '2022'}
  architecture: x86_64
  bootMode: UEFI
  imported: true
  licenseType: BYOL
  encrypted: true
  regions: [cn-hangzhou]
  sharedWith: ['1111111111111111', x]
- kind: Image
  name: child
  id: m-child
  type: custom
  derivedFrom: base
  regions: [cn-hangzhou]
- kind: Instance
  name: on-child
  region: cn-hangzhou
  instanceType: ecs.g7.large
  image: child
- kind: Instance
  name: on-public
  region: cn-hangzhou
  instanceType: ecs.g7.large
  image: aliyun_3_x64_20G_alibase_20240819.vhd
- kind: Instance
  name: on-nothing
  region: cn-hangzhou
  instanceType: ecs.g7.large
  image: missing
";

#[test]
fn typed_image_fields_give_what_cel_gives() {
    let file = Arc::new(SourceFile::new("spec.yaml", IMAGES));
    let mut findings = Vec::new();
    let resources = crate::check::load(&file, Limits::default(), &mut findings);
    assert!(findings.is_empty(), "{findings:#?}");
    let catalog = Catalog::builtin().unwrap_or_else(|e| panic!("{e}"));
    let settings = Settings::default();
    let world = World::new(&catalog, &settings, &resources);
    let mut subjects =
        vec![Subject::image(&world, &resources[0], 0), Subject::image(&world, &resources[1], 1)];
    subjects.extend(resources[2..].iter().map(|r| Subject::instance(&world, r)));
    subjects.extend(Subject::public_image_of(&world, &resources[3]));
    let env = expr::environment();
    let mut fields: Vec<String> =
        super::super::facts::IMAGE_FIELDS.iter().map(|f| format!("image.{f}")).collect();
    fields.extend(["image.os.family", "image.os.version", "image.nope"].map(String::from));
    let mut typed = 0;
    for subject in &subjects {
        let context = subject.context(&env);
        let scope = SubjectScope(&subject.bindings);
        for text in &fields {
            let program = Program::compile(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            let plan = Plan::compile(program.expression()).unwrap_or_else(|| panic!("{text}: no plan"));
            let expected = Value::resolve_val(program.expression(), &context)
                .and_then(|v| view::materialize(v.as_ref()))
                .map_err(|e| e.to_string());
            let fast = matches!(plan, Plan::ImageField(..) | Plan::ImageOs(..));
            let Some(planned) = plan.eval(&scope) else {
                // A typed field of an image the subject has always answers.
                let os_missing = text.starts_with("image.os.") && expected.is_err();
                assert!(!fast || scope.image().is_none() || os_missing, "{text}");
                continue;
            };
            let planned = view::materialize(planned.as_ref()).map_err(|e| e.to_string());
            assert_eq!(planned, expected, "{text} on {:?}", subject.resource.name);
            typed += usize::from(fast && scope.image().is_some());
        }
    }
    assert!(typed >= 40, "the typed path answered only {typed} times");
}

#[test]
fn typed_share_facts_give_what_cel_gives() {
    let file = Arc::new(SourceFile::new("spec.yaml", SPEC));
    let mut findings = Vec::new();
    let resources = crate::check::load(&file, Limits::default(), &mut findings);
    assert!(findings.is_empty(), "{findings:#?}");
    let catalog = Catalog::builtin().unwrap_or_else(|e| panic!("{e}"));
    let settings = Settings::default();
    let world = World::new(&catalog, &settings, &resources);
    let subject = Subject::image(&world, &resources[0], 0);
    let env = expr::environment();
    let context = subject.context(&env);
    let subject_scope = SubjectScope(&subject.bindings);
    assert_eq!(subject_scope.shares().map(<[ShareFact]>::len), Some(5));
    let item = CelString::from("1111111111111111");
    let mut typed = 0;
    for position in -1..=5_i64 {
        let mut cel_scope = context.new_inner_scope();
        cel_scope.add_variable_from_value("item", "1111111111111111");
        cel_scope.add_variable_from_value("index", position);
        let scope = ItemScope { outer: &subject_scope, item: &item, index: CelInt::from(position) };
        for field in ["valid", "digits", "firstIndex", "distinctBefore", "account", "nope"] {
            for index in ["index".to_string(), position.to_string(), format!("{position}u"), "1.0".into()] {
                let text = format!("image.shares[{index}].{field}");
                let program = Program::compile(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
                let plan = Plan::compile(program.expression()).unwrap_or_else(|| panic!("{text}: no plan"));
                let expected = Value::resolve_val(program.expression(), &cel_scope)
                    .and_then(|v| view::materialize(v.as_ref()));
                let Some(planned) = plan.eval(&scope) else {
                    // Only the general case gives up, never an in-range entry's fact.
                    let fact = matches!(plan, Plan::ShareFact(..));
                    assert!(!(fact && index == "index" && (0..5).contains(&position)), "{text}");
                    continue;
                };
                let planned = view::materialize(planned.as_ref()).map_err(|e| e.to_string());
                assert_eq!(planned, expected.map_err(|e| e.to_string()), "{text} at {position}");
                typed += usize::from(matches!(plan, Plan::ShareFact(..)));
            }
        }
    }
    assert!(typed >= 20, "the typed path answered only {typed} times");
    // The second entry, pinned: a repeat of the first account.
    let second = |field: &str| {
        let program = Program::compile(&format!("image.shares[1].{field}")).unwrap_or_else(|e| panic!("{e}"));
        let scope = ItemScope { outer: &subject_scope, item: &item, index: CelInt::from(0) };
        Plan::compile(program.expression())
            .and_then(|plan| plan.eval(&scope).map(|v| view::materialize(v.as_ref())))
    };
    assert_eq!(second("firstIndex"), Some(Ok(Value::Int(0))));
    assert_eq!(second("distinctBefore"), Some(Ok(Value::Int(1))));
    assert_eq!(second("valid"), Some(Ok(Value::Bool(true))));
}

#[test]
fn a_share_flood_reports_its_entries_without_converting_image_shares() {
    // 14,900 entries that are no account ID: Q004 makes the first 10,000 and a note
    // for the rest, reading each entry's facts by plan. Converting
    // `image.shares` for CEL would make a map per entry (2.7 million took 1.98 GB).
    let spec = format!(
        "kind: Image\nname: shared\ntype: custom\nregions: [cn-hangzhou]\nsharedWith:\n{}",
        "- x\n".repeat(14_900)
    );
    let file = Arc::new(SourceFile::new("spec.yaml", spec));
    let mut findings = Vec::new();
    let resources = crate::check::load(&file, Limits::default(), &mut findings);
    assert!(findings.is_empty(), "{findings:#?}");
    let catalog = Catalog::builtin().unwrap_or_else(|e| panic!("{e}"));
    let settings = Settings::default();
    let world = World::new(&catalog, &settings, &resources);
    let subject = Subject::image(&world, &resources[0], 0);
    let rules = crate::engine::RuleSet::builtin().unwrap_or_else(|e| panic!("{e:?}"));
    let q004: Vec<Active<'_>> =
        rules.rules().iter().filter(|r| r.info.code == "Q004").map(|r| Active::new(&world, r)).collect();
    assert_eq!(q004.len(), 1);
    let before = crate::engine::facts::MAPS_MADE.with(std::cell::Cell::get);
    let mut out = Evaluation::default();
    let env = OnceLock::new();
    run_rules(&env, &subject, &q004, &mut out);
    let made = crate::engine::facts::MAPS_MADE.with(std::cell::Cell::get) - before;
    // Every expression of Q004 has a plan that answers: CEL's function table is never made.
    assert!(env.get().is_none(), "CEL's environment was made");
    assert!(out.failures.is_empty(), "{:#?}", out.failures);
    assert_eq!(out.findings.len(), crate::cap::MAX_MADE + 1);
    assert_eq!(out.findings[0].message, "`x` is not an Alibaba Cloud account ID (16 digits)");
    assert_eq!(out.findings[0].label.as_deref(), Some("not an account ID"));
    assert_eq!(out.findings[0].data.get("position"), Some(serde_json::json!(0)));
    assert_eq!(out.findings[99].data.get("position"), Some(serde_json::json!(99)));
    let note = &out.findings[crate::cap::MAX_MADE];
    assert!(
        note.message.starts_with("4900 more findings of Q004 on this Image left out"),
        "{}",
        note.message
    );
    assert_eq!(note.data.get(crate::cap::LEFT_OUT_KEY), Some(serde_json::json!(4900)));
    assert_eq!(made, 0, "`image.shares` was converted for CEL");
}
