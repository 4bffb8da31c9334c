//! Values ROS computes: `CommaDelimitedList` parameters, `Fn::Select`, `Fn::Split`, and shares and
//! copies whose accounts or regions are not known.

use super::*;

#[test]
fn a_comma_delimited_list_parameter_is_a_list_of_its_items() {
    // ROS splits a `CommaDelimitedList` on commas (trial cases 16, 19 and 60): `Ref` is the
    // list, which `Fn::Select` indexes and `Fn::Join` joins; items are trimmed.
    let text = r"ROSTemplateFormatVersion: '2015-09-01'
Parameters:
  Imgs: {Type: CommaDelimitedList, Default: 'ubuntu_24_04_x64_20G_alibase_20261001.vhd, centos_7_9_x64_20G_alibase_20240628.vhd'}
  Types: {Type: CommaDelimitedList, Default: 'ecs.g7.large,ecs.c7.large'}
  Parts: {Type: CommaDelimitedList, Default: 'ecs.g7,large'}
  Listed: {Type: CommaDelimitedList, Default: [ecs.r7.large, ecs.g7.xlarge]}
Resources:
  Web:
    Type: ALIYUN::ECS::Instance
    Properties:
      InstanceType: !Select [1, !Ref Types]
      ImageId: !Select [1, !Ref Imgs]
  Joined:
    Type: ALIYUN::ECS::Instance
    Properties:
      InstanceType: !Join ['.', !Ref Parts]
      ImageId: !Select [0, !Ref Imgs]
  Whole:
    Type: ALIYUN::ECS::Instance
    Properties:
      InstanceType: !Ref Types
      ImageId: !Select [0, !Ref Listed]
";
    let (file, resources) = load(text, Some("cn-hangzhou"));
    let named = |name: &str| resources.iter().find(|r| r.name.as_deref() == Some(name)).expect(name);
    let web = named("Web");
    assert_eq!(field(web, "instanceType"), Some("ecs.c7.large"));
    assert_eq!(field(web, "image"), Some("centos_7_9_x64_20G_alibase_20240628.vhd"));
    // A finding at the `Select` carries a label on the list's `Default`.
    let site = web.iac.as_deref().unwrap().site(&[PathSegment::Key("instanceType".into())]).unwrap();
    let label = site.labels.first().expect("a label on the Default");
    assert!(Arc::ptr_eq(&label.location.file, &file));
    assert_eq!(&text[label.location.span.start()..label.location.span.end()], "'ecs.g7.large,ecs.c7.large'");
    let joined = named("Joined");
    assert_eq!(field(joined, "instanceType"), Some("ecs.g7.large"));
    assert_eq!(field(joined, "image"), Some("ubuntu_24_04_x64_20G_alibase_20261001.vhd"));
    // The list itself is not an instance type; a `Default` written as a list is a list too.
    let whole = named("Whole");
    assert_eq!(field(whole, "instanceType"), None);
    assert!(unknown(whole).contains(&"instanceType"), "{:?}", unknown(whole));
    assert_eq!(field(whole, "image"), Some("ecs.r7.large"));
}

#[test]
fn a_share_or_a_copy_to_what_is_not_known_leaves_the_image_unknown() {
    // Trial cases 37 and 39: an account or a region not known before deploy was dropped,
    // and the image read as shared with fewer accounts (`[]`) or kept in fewer regions.
    // More items than are read: unknown, not a copy per `Ref`.
    let huge = vec!["1234567890123456"; 1_001].join(",");
    let long = "1".repeat(70_000);
    let image = |accounts: &str| {
        format!(
            "ROSTemplateFormatVersion: '2015-09-01'
Parameters:
  One: {{Type: String, Default: '1234567890123456'}}
  Given: {{Type: String}}
  Listed: {{Type: CommaDelimitedList, Default: '1234567890123456, 6543210987654321'}}
  Json: {{Type: Json, Default: ['1234567890123456']}}
  JsonText: {{Type: Json, Default: '[\"1234567890123456\"]'}}
  Blank: {{Type: CommaDelimitedList, Default: '1234567890123456,'}}
  Huge: {{Type: CommaDelimitedList, Default: '{huge}'}}
  Long: {{Type: String, Default: '{long}'}}
Resources:
  B:
    Type: ALIYUN::ECS::Instance
    Properties: {{InstanceType: ecs.g7.large, ImageId: ubuntu_24_04_x64_20G_alibase_20261001.vhd}}
  Img:
    Type: ALIYUN::ECS::CustomImage
    Properties: {{InstanceId: !Ref B, ImageName: x}}
  S:
    Type: ALIYUN::ECS::ImageSharePermission
    Properties: {{ImageId: !Ref Img, AddAccounts: {accounts}}}
  Outside:
    Type: ALIYUN::ECS::ImageSharePermission
    Properties: {{ImageId: m-bp1abc, AddAccounts: {accounts}}}
"
        )
    };
    for accounts in [
        "!Ref Given",
        "[!Ref ALIYUN::AccountId, !Ref One]",
        "[!Ref Given]",
        "!Ref Json",
        "!Ref JsonText",
        "!Split [',', !Ref Given]",
        "!Ref One",
        // A blank item is not set, as in a list written out.
        "!Ref Blank",
        "!Ref Huge",
        "!Ref Long",
    ] {
        let (_, resources) = load(&image(accounts), Some("cn-hangzhou"));
        for name in ["Img", "Outside"] {
            let img = resources.iter().find(|r| r.name.as_deref() == Some(name)).unwrap();
            assert!(img.node.get("sharedWith").is_none(), "{name} {accounts}");
            assert!(unknown(img).contains(&"sharedWith"), "{name} {accounts}: {:?}", unknown(img));
        }
    }
    for (accounts, expected) in [
        ("!Ref Listed", &["1234567890123456", "6543210987654321"][..]),
        ("[!Ref One, '6543210987654321']", &["1234567890123456", "6543210987654321"]),
        ("!Ref ALIYUN::NoValue", &[]),
    ] {
        let (_, resources) = load(&image(accounts), Some("cn-hangzhou"));
        for name in ["Img", "Outside"] {
            let img = resources.iter().find(|r| r.name.as_deref() == Some(name)).unwrap();
            let shared: Vec<&str> = img
                .node
                .get("sharedWith")
                .and_then(Node::as_seq)
                .map(|items| items.iter().filter_map(Node::as_str).collect())
                .unwrap_or_default();
            assert_eq!(shared, expected, "{name} {accounts}");
            assert!(!unknown(img).contains(&"sharedWith"), "{name} {accounts}");
        }
    }
    // A copy to a region given at deploy: the image's regions are not known.
    let copy = format!(
        "{}  C:\n    Type: ALIYUN::ECS::CopyImage\n    Properties: {{ImageId: !Ref Img, DestinationRegionId: !Ref Given}}\n",
        image("['1234567890123456']")
    );
    let (_, resources) = load(&copy, Some("cn-hangzhou"));
    let img = resources.iter().find(|r| r.name.as_deref() == Some("Img")).unwrap();
    assert!(img.node.get("regions").is_none());
    assert!(unknown(img).contains(&"regions"), "{:?}", unknown(img));
}

#[test]
fn fn_split_gives_a_list_unless_an_item_has_blanks_at_an_end() {
    let template = |types: &str| {
        format!(
            "ROSTemplateFormatVersion: '2015-09-01'\nParameters:\n  Types:\n    Type: String\n    Default: '{types}'\nResources:\n  Web:\n    Type: ALIYUN::ECS::Instance\n    Properties:\n      InstanceType: !Select [1, !Split [',', !Ref Types]]\n      ImageId: aliyun_3_x64_20G_alibase_20241218.vhd\n"
        )
    };
    let (_, resources) = load(&template("ecs.g7.large,ecs.c7.large"), Some("cn-hangzhou"));
    assert_eq!(field(&resources[0], "instanceType"), Some("ecs.c7.large"));
    // ` ecs.c7.large` as ROS may keep it, or `ecs.c7.large` as its documentation's example
    // reads: not known either way.
    for types in ["ecs.g7.large, ecs.c7.large", "ecs.g7.large,ecs.c7.large "] {
        let (_, resources) = load(&template(types), Some("cn-hangzhou"));
        assert_eq!(field(&resources[0], "instanceType"), None, "{types}");
        assert!(unknown(&resources[0]).contains(&"instanceType"), "{types}: {:?}", unknown(&resources[0]));
    }
}

#[test]
fn a_json_parameter_written_as_text_is_not_read_raw() {
    // ROS parses a `Json` parameter's text: read raw, `'"ecs.g7.large"'` was an instance
    // type with quotes in it, which no catalog knows.
    let template = "ROSTemplateFormatVersion: '2015-09-01'\nParameters:\n  Type:\n    Type: Json\n    Default: '\"ecs.g7.large\"'\nResources:\n  Web:\n    Type: ALIYUN::ECS::Instance\n    Properties:\n      InstanceType: !Ref Type\n      ImageId: aliyun_3_x64_20G_alibase_20241218.vhd\n";
    let (_, resources) = load(template, Some("cn-hangzhou"));
    let [web] = resources.as_slice() else { panic!("{resources:?}") };
    assert!(web.node.get("instanceType").is_none(), "{:?}", web.node.get("instanceType"));
    assert!(unknown(web).contains(&"instanceType"), "{:?}", unknown(web));
}

#[test]
fn fn_select_takes_negative_indexes_a_default_and_mapping_keys() {
    // ROS's `Fn::Select` (trial cases 02, 03, 04): an index from -N to -1 counts from the
    // end, a third argument is the value for an index out of range or a key not found, and
    // a mapping is indexed by key. Without a default ROS gives an empty string: unknown.
    let text = r"ROSTemplateFormatVersion: '2015-09-01'
Parameters:
  Idx: {Type: Number, Default: -2}
Resources:
  Negative:
    Type: ALIYUN::ECS::Instance
    Properties:
      InstanceType: {'Fn::Select': ['-1', [ecs.g7.large, ecs.c7.large]]}
      ImageId: !Select [!Ref Idx, [a, b, c]]
      KeyPairName: !Select [-3, [a, b]]
  Default:
    Type: ALIYUN::ECS::Instance
    Properties:
      InstanceType: !Select [5, [ecs.g7.large], ecs.r7.large]
      ImageId: !Select [1, [a, b], c]
      KeyPairName: !Select [2, [a, b]]
  Keyed:
    Type: ALIYUN::ECS::Instance
    Properties:
      InstanceType: !Select [old, {new: ecs.g8i.large, old: ecs.g7.large}]
      ImageId: !Select [gone, {new: x}, fallback]
      KeyPairName: !Select [gone, {new: x}]
      ZoneId: !Select ['0:2', [a, b, c]]
";
    let (_, resources) = load(text, Some("cn-hangzhou"));
    let named = |name: &str| resources.iter().find(|r| r.name.as_deref() == Some(name)).expect(name);
    let why = |resource: &crate::spec::Resource, field: &str| -> String {
        let extra = resource.iac.as_deref().unwrap();
        extra.unknown.iter().find(|u| u.field == field).map(|u| u.why.clone()).unwrap_or_default()
    };
    let negative = named("Negative");
    assert_eq!(field(negative, "instanceType"), Some("ecs.c7.large"));
    assert_eq!(field(negative, "image"), Some("b"));
    assert!(why(negative, "keyPair").contains("out of range"), "{}", why(negative, "keyPair"));
    let default = named("Default");
    assert_eq!(field(default, "instanceType"), Some("ecs.r7.large"));
    assert_eq!(field(default, "image"), Some("b"));
    assert!(why(default, "keyPair").contains("empty string"), "{}", why(default, "keyPair"));
    let keyed = named("Keyed");
    assert_eq!(field(keyed, "instanceType"), Some("ecs.g7.large"));
    assert_eq!(field(keyed, "image"), Some("fallback"));
    assert!(why(keyed, "keyPair").contains("no key `gone`"), "{}", why(keyed, "keyPair"));
    assert!(why(keyed, "zone").contains("start:stop:step"), "{}", why(keyed, "zone"));
}
