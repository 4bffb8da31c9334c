use super::*;
use crate::source::{Limits, PathSegment, parse};

fn load(text: &str, region: Option<&str>) -> (Arc<SourceFile>, Vec<crate::spec::Resource>) {
    let file = Arc::new(SourceFile::new("stack.yaml", text));
    let catalog = Catalog::builtin().expect("built-in catalog");
    let options = Options { region: region.map(str::to_string), ..Options::default() };
    let mut resources = Vec::new();
    for document in parse(&file, Limits::default()).expect("parses") {
        assert!(is_template(&document));
        resources.extend(extract(&file, document, &options, &catalog).resources);
    }
    (file, resources)
}

fn field<'a>(resource: &'a crate::spec::Resource, name: &str) -> Option<&'a str> {
    resource.node.get_str(name)
}

/// The unknown fields of `resource`, sorted.
fn sorted(resource: &crate::spec::Resource) -> Vec<&str> {
    let mut fields = unknown(resource);
    fields.sort_unstable();
    fields
}

fn unknown(resource: &crate::spec::Resource) -> Vec<&str> {
    resource.iac.as_deref().map(|e| e.unknown.iter().map(|u| u.field.as_str()).collect()).unwrap_or_default()
}

const STACK: &str = r"ROSTemplateFormatVersion: '2015-09-01'
Parameters:
  InstanceType:
    Type: String
    Default: ecs.g7.large
  Password:
    Type: String
  Env:
    Type: String
    Default: prod
Conditions:
  IsProd:
    Fn::Equals: [{Ref: Env}, prod]
  NotProd:
    Fn::Not: [{Condition: IsProd}]
Mappings:
  Images:
    prod: {Id: ubuntu_22_04_x64_20G_alibase_20240322.vhd}
Resources:
  Web:
    Type: ALIYUN::ECS::Instance
    Count: 3
    Properties:
      InstanceType: {Ref: InstanceType}
      ImageId: {'Fn::FindInMap': [Images, {Ref: Env}, Id]}
      InstanceChargeType: PrePaid
      ZoneId: {'Fn::Select': ['0', {'Fn::GetAZs': {Ref: 'ALIYUN::Region'}}]}
      SystemDiskSize: {'Fn::If': [IsProd, 40, 20]}
      Password: {Ref: Password}
      Tags:
        - Key: team
          Value: {'Fn::Join': ['-', [web, {Ref: Env}]]}
  Golden:
    Type: ALIYUN::ECS::CustomImage
    Properties:
      InstanceId: {Ref: Web}
      ImageName: golden
  Copy:
    Type: ALIYUN::ECS::CopyImage
    Properties:
      ImageId: {'Fn::GetAtt': [Golden, ImageId]}
      DestinationRegionId: cn-shanghai
  Share:
    Type: ALIYUN::ECS::ImageSharePermission
    Properties:
      ImageId: {Ref: Golden}
      AddAccounts: ['1234567890123456', 1234567890123457]
      IsPublic: true
  App:
    Type: ALIYUN::ECS::InstanceGroup
    Condition: NotProd
    Properties:
      InstanceType: ecs.g7.large
      ImageId: {Ref: Golden}
      MaxAmount: 5
";

#[test]
fn maps_instances_and_images_with_parameters_and_intrinsics() {
    let (file, resources) = load(STACK, Some("cn-hangzhou"));
    let names: Vec<&str> = resources.iter().filter_map(|r| r.name.as_deref()).collect();
    // `App` is under a condition that is false with the defaults.
    assert_eq!(names, ["Web", "Golden"]);
    let web = &resources[0];
    assert_eq!(field(web, "instanceType"), Some("ecs.g7.large"));
    assert_eq!(field(web, "image"), Some("ubuntu_22_04_x64_20G_alibase_20240322.vhd"));
    assert_eq!(field(web, "billing"), Some("Subscription"));
    assert_eq!(field(web, "region"), Some("cn-hangzhou"));
    assert_eq!(web.node.get("count").map(|n| n.value.clone()), Some(Value::Int(3)));
    assert_eq!(web.node.get("systemDiskSize").map(|n| n.value.clone()), Some(Value::Int(40)));
    assert_eq!(
        web.node
            .at(&[PathSegment::Key("labels".into()), PathSegment::Key("team".into())])
            .and_then(|n| n.as_str()),
        Some("web-prod")
    );
    assert_eq!(unknown(web), ["zone"]);
    // The finding at the Ref points at the Ref, with a label on the Default.
    let path = [PathSegment::Key("instanceType".into())];
    let location = web.location(&path);
    assert_eq!(&file.text[location.span.start()..location.span.end()], "{Ref: InstanceType}");
    let extra = web.iac.as_deref().expect("iac");
    let site = extra.site(&path).expect("a site with the Default");
    assert_eq!(
        &file.text[site.labels[0].location.span.start()..site.labels[0].location.span.end()],
        "ecs.g7.large"
    );
    assert_eq!(extra.origin.key, "stack.yaml#Web");
    assert_eq!(extra.origin.native_type, "ALIYUN::ECS::Instance");

    let golden = &resources[1];
    assert_eq!(field(golden, "type"), Some("custom"));
    assert_eq!(field(golden, "derivedFrom"), Some("ubuntu_22_04_x64_20G_alibase_20240322.vhd"));
    let regions: Vec<&str> =
        golden.node.get("regions").and_then(Node::as_seq).unwrap().iter().filter_map(Node::as_str).collect();
    assert_eq!(regions, ["cn-hangzhou", "cn-shanghai"]);
    let shared: Vec<&str> = golden
        .node
        .get("sharedWith")
        .and_then(Node::as_seq)
        .unwrap()
        .iter()
        .filter_map(Node::as_str)
        .collect();
    assert_eq!(shared, ["1234567890123456", "1234567890123457"]);
    let origin = &golden.iac.as_deref().unwrap().origin;
    assert_eq!(origin.attributes["IsPublic"], serde_json::Value::Bool(true));
}

use crate::source::{Node, Value};

#[test]
fn unknown_region_parameter_without_default_and_getatt_stay_unknown() {
    let text = "ROSTemplateFormatVersion: '2015-09-01'\nParameters:\n  Type: {Type: String}\n  Image: {Type: String, Default: centos_7_9_x64_20G_alibase_20240628.vhd}\nResources:\n  Vm:\n    Type: ALIYUN::ECS::Instance\n    Properties:\n      InstanceType: {Ref: Type}\n      ImageId: {'Fn::GetAtt': [Other, ImageId]}\n  Img:\n    Type: ALIYUN::ECS::CustomImage\n    Properties:\n      InstanceId: i-external\n";
    let (_, resources) = load(text, None);
    let vm = &resources[0];
    let mut fields = unknown(vm);
    fields.sort_unstable();
    assert_eq!(fields, ["image", "instanceType", "region"]);
    assert!(!vm.field_valid("instanceType"));
    assert!(vm.field_valid("name"));
    let img = &resources[1];
    let mut fields = unknown(img);
    fields.sort_unstable();
    assert_eq!(fields, ["architecture", "derivedFrom", "os", "regions"]);
}

#[test]
fn stack_image_reference_and_external_share() {
    let text = "ROSTemplateFormatVersion: '2015-09-01'\nResources:\n  Base:\n    Type: ALIYUN::ECS::CustomImage\n    Properties: {InstanceId: i-x, Architecture: arm64}\n  Vm:\n    Type: ALIYUN::ECS::PrepayInstance\n    Properties:\n      InstanceType: ecs.g8y.large\n      ImageId: {'Fn::GetAtt': [Base, ImageId]}\n  Share:\n    Type: ALIYUN::ECS::ImageSharePermission\n    Properties:\n      ImageId: m-bp1abc\n      AddAccounts: ['12345']\n";
    let (_, resources) = load(text, Some("cn-beijing"));
    let vm = resources.iter().find(|r| r.name.as_deref() == Some("Vm")).unwrap();
    assert_eq!(vm.image_reference("image"), Some("stack.yaml#Base"));
    assert_eq!(field(vm, "billing"), Some("Subscription"));
    let share = resources.iter().find(|r| r.name.as_deref() == Some("Share")).unwrap();
    assert_eq!(field(share, "type"), Some("custom"));
    assert_eq!(field(share, "id"), Some("m-bp1abc"));
    let base = resources.iter().find(|r| r.name.as_deref() == Some("Base")).unwrap();
    assert_eq!(field(base, "architecture"), Some("arm64"));
}

#[test]
fn sub_join_select_and_self_referring_conditions() {
    let text = "ROSTemplateFormatVersion: '2015-09-01'\nParameters:\n  Family: {Type: String, Default: g7}\nConditions:\n  Loop: {'Fn::Not': [{Condition: Loop}]}\n  Both: {'Fn::And': [{'Fn::Equals': [a, a]}, {'Fn::Or': [{'Fn::Equals': [a, b]}, {'Fn::Equals': [1, '1']}]}]}\nResources:\n  A:\n    Type: ALIYUN::ECS::Instance\n    Properties:\n      InstanceType: {'Fn::Sub': 'ecs.${Family}.large'}\n      ImageId: {'Fn::If': [Loop, x, y]}\n      KeyPairName: {'Fn::If': [Both, {'Fn::Select': [1, [a, b]]}, c]}\n";
    let (_, resources) = load(text, Some("cn-hangzhou"));
    let a = &resources[0];
    assert_eq!(field(a, "instanceType"), Some("ecs.g7.large"));
    assert_eq!(field(a, "keyPair"), Some("b"));
    assert_eq!(unknown(a), ["image"]);
}

#[test]
fn broken_templates_are_parse_errors_with_a_position() {
    let catalog = Catalog::builtin().expect("built-in catalog");
    let nbsp = "ROSTemplateFormatVersion: '2015-09-01'\nResources:\n\u{a0}\u{a0}Vm:\n    Type: ALIYUN::ECS::Instance\n";
    let empty = "ROSTemplateFormatVersion: '2015-09-01'\nResources:\n  : x\n";
    for (text, line) in [(nbsp, 3), (empty, 3)] {
        let file = Arc::new(SourceFile::new("t.yaml", text));
        let document = parse(&file, Limits::default()).expect("parses").remove(0);
        let loaded = extract(&file, document, &Options::default(), &catalog);
        assert!(loaded.resources.is_empty());
        assert_eq!(loaded.findings.len(), 1, "{text}");
        assert_eq!(loaded.findings[0].code, "S001");
        assert_eq!(loaded.findings[0].location.start().line, line);
    }
    assert!(shows_a_template("{\"ROSTemplateFormatVersion\" : \"2015-09-01\",, }"));
    assert!(shows_a_template("{\"builders\": [{\"type\": \"alicloud-ecs\" \"region\": 1}]}"));
    assert!(!shows_a_template("{\"note\": \"see ROSTemplateFormatVersion docs\" // x\n}"));
}

#[test]
fn lookup_image_has_what_every_selectable_image_shares() {
    use crate::catalog::PartialImage;
    use crate::diag::Location;
    use crate::iac::{Builder, Format, Origin, Placed};
    let file = Arc::new(SourceFile::new("s.yaml", "ImageId: centos_7\n"));
    let at = Location::new(Arc::clone(&file), crate::source::Span::new(9, 17));
    let value = Placed::new("centos_7".to_string(), at.clone());
    let origin = || Origin {
        format: Format::Ros,
        native_type: LOOKUP_TYPE.into(),
        address: "Web.ImageId".into(),
        attributes: serde_json::Value::Null,
        key: "s.yaml#Web.ImageId".into(),
    };
    let known = PartialImage {
        family: Some("centos".into()),
        version: Some("7".into()),
        architecture: Some("x86_64".into()),
        size_gib: Some(20),
        ..PartialImage::default()
    };
    let image =
        map::partial_image(Builder::new(crate::spec::Kind::Image, origin(), at.clone()), &known, &value);
    assert_eq!(image.node.get_str("type"), Some("public"));
    assert_eq!(image.node.get("os").and_then(|os| os.get_str("version")), Some("7"));
    assert_eq!(image.node.get_str("architecture"), Some("x86_64"));
    assert_eq!(image.location(&[PathSegment::Key("architecture".into())]).span, at.span);
    // A family alone (`ubuntu`) leaves the OS and the architecture unknown.
    let family = PartialImage { family: Some("ubuntu".into()), ..PartialImage::default() };
    let image = map::partial_image(Builder::new(crate::spec::Kind::Image, origin(), at), &family, &value);
    let mut fields = unknown(&image);
    fields.sort_unstable();
    assert_eq!(fields, ["architecture", "os"]);
}

#[test]
fn logical_ids_are_unique_per_template_only() {
    let text = "ROSTemplateFormatVersion: '2015-09-01'\nResources:\n  EcsInstance:\n    Type: ALIYUN::ECS::Instance\n    Properties: {InstanceType: ecs.g7.large, ImageId: centos_7}\n  Img:\n    Type: ALIYUN::ECS::CustomImage\n    Properties: {InstanceId: {Ref: EcsInstance}}\n";
    let catalog = Catalog::builtin().expect("built-in catalog");
    let mut resources = Vec::new();
    for name in ["stacks/a.yaml", "stacks/b.yaml"] {
        let file = Arc::new(SourceFile::new(name, text));
        let document = parse(&file, Limits::default()).expect("parses").remove(0);
        resources.extend(extract(&file, document, &Options::default(), &catalog).resources);
    }
    // Per template: the instance, its custom image, and the public image `centos_7` selects.
    assert_eq!(resources.len(), 6);
    let mut findings = Vec::new();
    crate::spec::check_duplicate_names(&resources, &mut findings);
    assert!(findings.is_empty(), "{findings:?}");
}

/// `STACK` written with YAML short forms.
const STACK_SHORT: &str = r"ROSTemplateFormatVersion: '2015-09-01'
Parameters:
  InstanceType:
    Type: String
    Default: ecs.g7.large
  Password:
    Type: String
  Env:
    Type: String
    Default: prod
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
Mappings:
  Images:
    prod: {Id: ubuntu_22_04_x64_20G_alibase_20240322.vhd}
Resources:
  Web:
    Type: ALIYUN::ECS::Instance
    Count: 3
    Properties:
      InstanceType: !Ref InstanceType
      ImageId: !FindInMap [Images, !Ref Env, Id]
      InstanceChargeType: PrePaid
      ZoneId: !Select ['0', !GetAZs {Ref: 'ALIYUN::Region'}]
      SystemDiskSize: !If
        - IsProd
        - 40
        - 20
      Password: !Ref Password
      Tags:
        - Key: team
          Value: !Join ['-', [web, !Ref Env]]
  Golden:
    Type: ALIYUN::ECS::CustomImage
    Properties:
      InstanceId: !Ref Web
      ImageName: golden
  Copy:
    Type: ALIYUN::ECS::CopyImage
    Properties:
      ImageId: !GetAtt Golden.ImageId
      DestinationRegionId: cn-shanghai
  Share:
    Type: ALIYUN::ECS::ImageSharePermission
    Properties:
      ImageId: !Ref Golden
      AddAccounts: ['1234567890123456', 1234567890123457]
      IsPublic: true
  App:
    Type: ALIYUN::ECS::InstanceGroup
    Condition: NotProd
    Properties:
      InstanceType: ecs.g7.large
      ImageId: !Ref Golden
      MaxAmount: 5
";

#[test]
fn short_forms_read_as_their_long_forms() {
    let (_, long) = load(STACK, Some("cn-hangzhou"));
    let (file, short) = load(STACK_SHORT, Some("cn-hangzhou"));
    assert_eq!(long.len(), short.len());
    for (long, short) in long.iter().zip(&short) {
        assert_eq!(long.node.to_json(), short.node.to_json(), "{:?}", long.name);
        assert_eq!(unknown(long), unknown(short), "{:?}", long.name);
        assert_eq!(long.image_reference("image"), short.image_reference("image"));
        assert_eq!(long.image_reference("derivedFrom"), short.image_reference("derivedFrom"));
    }
    // A finding at a short form points at it, with a label on the `Default`.
    let web = &short[0];
    let path = [PathSegment::Key("instanceType".into())];
    assert_eq!(&file.text[web.location(&path).span.range()], "!Ref InstanceType");
    let site = web.iac.as_deref().and_then(|e| e.site(&path)).expect("a site with the Default");
    assert_eq!(&file.text[site.labels[0].location.span.range()], "ecs.g7.large");
}

#[test]
fn short_forms_without_a_known_value_or_function_are_unknown() {
    let text = "ROSTemplateFormatVersion: '2015-09-01'\nParameters:\n  ImageId: {Type: String}\n  ZoneId: {Type: String}\n  Prefix: {Type: String, Default: ecs.g7}\nResources:\n  Vm:\n    Type: ALIYUN::ECS::Instance\n    Properties:\n      ImageId: !Ref ImageId\n      ZoneId: !Ref ZoneId\n      InstanceType: !Sub '${Prefix}.xlarge'\n      KeyPairName: !Foo [a, b]\n      InstanceChargeType: !Fn::Sub PrePaid\n      VpcId: !GetAtt Vpc.VpcId\n  Vpc:\n    Type: ALIYUN::ECS::VPC\n    Properties: {CidrBlock: 10.0.0.0/8}\n";
    let (_, resources) = load(text, Some("cn-hangzhou"));
    let vm = &resources[0];
    assert_eq!(field(vm, "instanceType"), Some("ecs.g7.xlarge"));
    let mut fields = unknown(vm);
    fields.sort_unstable();
    assert_eq!(fields, ["billing", "image", "keyPair", "zone"]);
    let why = |field: &str| {
        let extra = vm.iac.as_deref().expect("iac");
        extra.unknown.iter().find(|u| u.field == field).map(|u| u.why.clone()).unwrap_or_default()
    };
    assert_eq!(why("keyPair"), "`Fn::Foo` is not evaluated statically");
    assert_eq!(why("billing"), "the YAML tag `!Fn::Sub` names no ROS function ecslint evaluates");
    assert_eq!(why("image"), "parameter `ImageId` has no `Default`: its value is given at deploy");
}

#[test]
fn an_empty_default_or_value_is_unknown_not_a_value() {
    // `Default: ''` is the console's placeholder: chosen at deploy.
    let text = "ROSTemplateFormatVersion: '2015-09-01'\nParameters:\n  ZoneId: {Type: String, Default: ''}\n  InstanceType: {Type: String, Default: ''}\n  ImageId: {Type: String, Default: ''}\n  KeyPair: {Type: String, Default: ''}\n  Family: {Type: String, Default: ''}\nConditions:\n  NoZone: {'Fn::Equals': [{Ref: ZoneId}, '']}\nResources:\n  Ecs:\n    Type: ALIYUN::ECS::Instance\n    Properties:\n      ZoneId: {Ref: ZoneId}\n      InstanceType: {Ref: InstanceType}\n      ImageId: {Ref: ImageId}\n      KeyPairName: {Ref: KeyPair}\n      SystemDiskSize: 40\n  Literal:\n    Type: ALIYUN::ECS::Instance\n    Properties:\n      ZoneId: ''\n      InstanceType: !Sub 'ecs.${Family}.large'\n      ImageId: ''\n";
    let (_, resources) = load(text, Some("cn-hangzhou"));
    let mut fields = unknown(&resources[0]);
    fields.sort_unstable();
    assert_eq!(fields, ["image", "instanceType", "keyPair", "zone"]);
    let extra = resources[0].iac.as_deref().expect("iac");
    let zone = extra.unknown.iter().find(|u| u.field == "zone").map(|u| u.why.as_str());
    assert_eq!(zone, Some("the `Default` of parameter `ZoneId` is empty: its value is given at deploy"));
    let mut fields = unknown(&resources[1]);
    fields.sort_unstable();
    assert_eq!(fields, ["image", "instanceType", "zone"]);
    // A condition on the placeholder is not known either.
    let file = Arc::new(SourceFile::new("stack.yaml", text));
    let document = parse(&file, Limits::default()).expect("parses").remove(0);
    let root = &document.root;
    let template = Template {
        file: &file,
        parameters: root.get("Parameters"),
        mappings: None,
        conditions: root.get("Conditions"),
        resources: root.get("Resources"),
        region: None,
        artifacts: &[],
        partial_ids: std::cell::Cell::new(0),
    };
    assert_eq!(template.condition("NoZone"), None);
}

/// A resource under a condition or a `Count` not known before deploy may not be created.
const MAYBE: &str = "ROSTemplateFormatVersion: '2015-09-01'
Parameters:
  CreateLegacy:
    Type: Boolean
    AllowedValues: ['True', 'False']
  Amount:
    Type: Number
  Copies:
    Type: Number
Conditions:
  Legacy: !Equals ['True', !Ref CreateLegacy]
Resources:
  LegacyBox:
    Type: ALIYUN::ECS::Instance
    Condition: Legacy
    Properties:
      ImageId: centos_7
      InstanceType: ecs.g7.large
      ZoneId: cn-hangzhou-k
  Many:
    Type: ALIYUN::ECS::Instance
    Count: !Ref Copies
    Properties:
      ImageId: centos_7_9_x64_20G_alibase_20240321.vhd
      InstanceType: ecs.g7.large
  None:
    Type: ALIYUN::ECS::Instance
    Count: 0
    Properties:
      ImageId: centos_7_9_x64_20G_alibase_20240321.vhd
      InstanceType: ecs.g7.large
  Group:
    Type: ALIYUN::ECS::InstanceGroup
    Properties:
      ImageId: centos_7_9_x64_20G_alibase_20240321.vhd
      InstanceType: ecs.g7.large
      MaxAmount: !Ref Amount
  Golden:
    Type: ALIYUN::ECS::CustomImage
    Properties: {InstanceId: !Ref LegacyBox}
  Base:
    Type: ALIYUN::ECS::CustomImage
    Properties: {InstanceId: !Ref Group}
  Copy:
    Type: ALIYUN::ECS::CopyImage
    Condition: Legacy
    Properties: {ImageId: !Ref Base, DestinationRegionId: cn-shanghai}
  Share:
    Type: ALIYUN::ECS::ImageSharePermission
    Condition: Legacy
    Properties: {ImageId: !Ref Base, AddAccounts: ['1234567890123456'], IsPublic: true}
  Outside:
    Type: ALIYUN::ECS::ImageSharePermission
    Condition: Legacy
    Properties: {ImageId: m-bp1outside, AddAccounts: ['1234567890123456']}
";

#[test]
fn a_resource_that_may_not_be_created_reports_nothing() {
    let (file, resources) = load(MAYBE, Some("cn-hangzhou"));
    let names: Vec<&str> = resources.iter().filter_map(|r| r.name.as_deref()).collect();
    // `None` has a `Count` of 0; the image `centos_7` selects is there only for `LegacyBox`.
    assert_eq!(names, ["LegacyBox", "Many", "Group", "Outside", "Golden", "Base"]);
    let get = |name: &str| resources.iter().find(|r| r.name.as_deref() == Some(name)).expect(name);

    // Every field a rule reads is unknown, as for a Terraform `count` that is not known.
    assert_eq!(sorted(get("LegacyBox")), ["count", "image", "instanceType", "region", "zone"]);
    let extra = get("LegacyBox").iac.as_deref().expect("iac");
    let why = extra.unknown.iter().find(|u| u.field == "image").expect("image");
    assert_eq!(why.why, "the resource may not be created: condition `Legacy` is not known before deploy");
    assert_eq!(&file.text[why.location.span.range()], "Legacy");
    assert_eq!(sorted(get("Many")), ["count", "image", "instanceType", "region"]);
    let extra = get("Many").iac.as_deref().expect("iac");
    let why = extra.unknown.iter().find(|u| u.field == "image").expect("image");
    assert_eq!(
        why.why,
        "the number of resources is not known, and may be none: parameter `Copies` has no `Default`: its value is given at deploy"
    );
    // A group's `MaxAmount` is at least 1: an unknown amount is an unknown count only.
    assert_eq!(sorted(get("Group")), ["count"]);
    assert_eq!(field(get("Group"), "image"), Some("centos_7_9_x64_20G_alibase_20240321.vhd"));
    // An image made from an instance that may not be created may not be made either.
    assert!(sorted(get("Golden")).contains(&"type"), "{:?}", sorted(get("Golden")));
    assert!(get("Golden").node.get("type").is_none());
    // A copy and a share that may not be made: the regions and accounts are not known,
    // and `IsPublic` is not recorded.
    let base = get("Base");
    assert_eq!(field(base, "derivedFrom"), Some("centos_7_9_x64_20G_alibase_20240321.vhd"));
    assert_eq!(sorted(base), ["regions", "sharedWith"]);
    assert!(base.iac.as_deref().expect("iac").origin.attributes.get("IsPublic").is_none());
    // A share of an image outside the stack is an image of its own, which may not exist.
    assert!(get("Outside").node.get("sharedWith").is_none());
    assert!(sorted(get("Outside")).contains(&"sharedWith"));
}

#[test]
fn a_condition_known_true_or_a_known_count_keeps_the_resource() {
    let text = MAYBE
        .replace("    AllowedValues: ['True', 'False']\n", "    Default: 'True'\n")
        .replace("  Copies:\n    Type: Number\n", "  Copies:\n    Type: Number\n    Default: 2\n");
    let (_, resources) = load(&text, Some("cn-hangzhou"));
    let get = |name: &str| resources.iter().find(|r| r.name.as_deref() == Some(name)).expect(name);
    assert!(unknown(get("LegacyBox")).is_empty());
    assert!(resources.iter().any(|r| r.name.as_deref() == Some("LegacyBox.ImageId")));
    assert_eq!(get("Many").node.get("count").map(|n| n.value.clone()), Some(Value::Int(2)));
    assert!(unknown(get("Many")).is_empty());
    let base = get("Base");
    let regions: Vec<&str> = base
        .node
        .get("regions")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(Node::as_str)
        .collect();
    assert_eq!(regions, ["cn-hangzhou", "cn-shanghai"]);
    assert_eq!(
        base.iac.as_deref().expect("iac").origin.attributes["IsPublic"],
        serde_json::Value::Bool(true)
    );
}

#[test]
fn fn_not_takes_its_condition_in_a_list_or_bare() {
    // ROS's documentation writes `Fn::Not` over one condition without a list (review: that
    // form was "wrong number of arguments", so its resource was taken as maybe not created).
    let mut text = String::from(
        "ROSTemplateFormatVersion: '2015-09-01'\nParameters:\n  Env: {Type: String, Default: prod}\nConditions:\n  Dev: {'Fn::Equals': [dev, {Ref: Env}]}\n  A: {'Fn::Not': {Condition: Dev}}\n  B: {'Fn::Not': [{Condition: Dev}]}\n  C: {'Fn::Not': {'Fn::Equals': [dev, {Ref: Env}]}}\n  D: {'Fn::Not': Dev}\n  E: {'Fn::Not': [Dev]}\n  Two: {'Fn::Not': [Dev, Dev]}\n  Off: {'Fn::Not': {'Fn::Not': {Condition: Dev}}}\nResources:\n",
    );
    for name in ["A", "B", "C", "D", "E", "Two", "Off"] {
        let image = "centos_7_9_x64_20G_alibase_20240321.vhd";
        for line in [
            format!("  Box{name}:"),
            "    Type: ALIYUN::ECS::Instance".into(),
            format!("    Condition: {name}"),
            "    Properties:".into(),
            format!("      ImageId: {image}"),
            "      InstanceType: ecs.g7.large".into(),
        ] {
            text.push_str(&line);
            text.push('\n');
        }
    }
    let (_, resources) = load(&text, Some("cn-hangzhou"));
    let get = |name: &str| resources.iter().find(|r| r.name.as_deref() == Some(name));
    for name in ["BoxA", "BoxB", "BoxC", "BoxD", "BoxE"] {
        let resource = get(name).unwrap_or_else(|| panic!("{name} is created"));
        assert!(unknown(resource).is_empty(), "{name}: {:?}", unknown(resource));
    }
    // Two conditions: not a `Fn::Not` ROS accepts, so not known, and the box may not exist.
    assert!(unknown(get("BoxTwo").expect("BoxTwo")).contains(&"image"));
    // Not not dev: false, so the box is never created.
    assert!(get("BoxOff").is_none());
}

#[test]
fn artifact_keys_are_read_from_the_compute_nest_config() {
    let config = "Service:\n  DeployMetadata:\n    SupplierDeployMetadata:\n      ArtifactRelation:\n        'centos_7':\n          ArtifactId: a\n        linux: {ArtifactId: b}\n";
    assert_eq!(computenest::keys_of(config), ["centos_7", "linux"]);
    // Broken, or with no mapping under `ArtifactRelation`: no artifact.
    assert!(computenest::keys_of("Service: [\n").is_empty());
    assert!(computenest::keys_of("Service:\n  ArtifactRelation: [centos_7]\n").is_empty());
    assert!(computenest::keys_of("[1, 2]").is_empty());
    // Sorted, each once: looked up by binary search.
    let twice = "A:\n  ArtifactRelation: {z: 1, a: 2}\nB:\n  ArtifactRelation: {a: 3}\n";
    assert_eq!(computenest::keys_of(twice), ["a", "z"]);
}

#[test]
fn a_config_the_yaml_parser_refuses_is_read_line_by_line() {
    // Published Compute Nest configs (quickstart-dify) continue a double-quoted scalar on
    // lines indented no deeper than its key, which YAML does not allow.
    let config = "Service:\n  DeployMetadata:\n    SupplierDeployMetadata:\n      ArtifactRelation:\n        # the image\n        'dify':\n          ArtifactId: a\n        \"web\": {ArtifactId: b}\n        plain:\n          ArtifactId: c\n      Other:\n        nope: 1\nArtifact:\n  EcsImage:\n    ArtifactBuildProperty:\n      CommandContent: \"line one\n      line two\"\n";
    assert!(crate::source::parse_yaml(config, Limits::default()).is_err(), "the parser refuses it");
    assert_eq!(computenest::keys_of(config), ["dify", "plain", "web"]);
    // The key quoted or commented, a block that ends on another `ArtifactRelation:`, CRLF.
    let more = "A:\r\n  \"ArtifactRelation\": # images\r\n    one: 1\r\n  ArtifactRelation:\r\n    'two:x': 2\r\nBroken: [\r\n";
    assert_eq!(computenest::keys_of(more), ["one", "two:x"]);
}

#[test]
fn an_image_id_that_is_an_artifact_key_is_not_known() {
    let dir = std::env::temp_dir().join(format!("ecslint-computenest-{}", std::process::id()));
    let templates = dir.join(".computenest").join("ros_templates");
    std::fs::create_dir_all(&templates).expect("scratch directory");
    std::fs::write(
        dir.join(".computenest").join("config.yaml"),
        "Service:\n  DeployMetadata:\n    SupplierDeployMetadata:\n      ArtifactRelation:\n        centos_7: {ArtifactId: a}\n",
    )
    .expect("config written");
    let text = "ROSTemplateFormatVersion: '2015-09-01'
Parameters:
  Image:
    Type: String
    Default: centos_7
Resources:
  Direct:
    Type: ALIYUN::ECS::Instance
    Properties: {ImageId: centos_7, InstanceType: ecs.g7.large}
  Referred:
    Type: ALIYUN::ECS::Instance
    Properties: {ImageId: {Ref: Image}, InstanceType: ecs.g7.large}
  Public:
    Type: ALIYUN::ECS::Instance
    Properties: {ImageId: centos_7_9, InstanceType: ecs.g7.large}
  Share:
    Type: ALIYUN::ECS::ImageSharePermission
    Properties: {ImageId: centos_7, AddAccounts: ['1234567890123456']}
";
    let name = templates.join("t.yaml").to_string_lossy().replace('\\', "/");
    let file = Arc::new(SourceFile::new(name, text));
    let catalog = Catalog::builtin().expect("built-in catalog");
    let mut resources = Vec::new();
    for document in parse(&file, Limits::default()).expect("parses") {
        resources.extend(extract(&file, document, &Options::default(), &catalog).resources);
    }
    std::fs::remove_dir_all(&dir).expect("scratch directory removed");
    let names: Vec<&str> = resources.iter().map(|r| r.name.as_deref().unwrap_or_default()).collect();
    // The share acts on the artifact's image, outside the template: no image of its own.
    assert_eq!(names, ["Direct", "Referred", "Public", "Public.ImageId"]);
    for resource in &resources[..2] {
        assert!(unknown(resource).contains(&"image"), "{:?}", resource.name);
        let why = &resource.iac.as_deref().unwrap().unknown;
        assert!(why.iter().any(|u| u.why.contains("ArtifactRelation")), "{why:?}");
    }
    // An image ID that is no artifact's key is read as before: the lookup of `centos_7_9`.
    assert_eq!(field(&resources[2], "image"), Some("Public.ImageId"));
}

#[test]
fn a_template_looks_up_a_bounded_number_of_partial_image_ids() {
    use std::fmt::Write as _;
    let mut text = String::from("ROSTemplateFormatVersion: '2015-09-01'\nResources:\n");
    for i in 0..=map::MAX_PARTIAL_IDS {
        let _ = write!(
            text,
            "  Box{i}:\n    Type: ALIYUN::ECS::Instance\n    Properties: {{ImageId: centos_7, InstanceType: ecs.g7.large}}\n"
        );
    }
    // A full ID is no lookup, and is read past the bound too.
    text.push_str("  Full:\n    Type: ALIYUN::ECS::Instance\n    Properties: {ImageId: centos_7_9_x64_20G_alibase_20240628.vhd, InstanceType: ecs.g7.large}\n");
    let (_, resources) = load(&text, Some("cn-hangzhou"));
    let get = |name: &str| resources.iter().find(|r| r.name.as_deref() == Some(name)).expect(name);
    let last_read = format!("Box{}", map::MAX_PARTIAL_IDS - 1);
    assert!(unknown(get(&last_read)).is_empty(), "{:?}", unknown(get(&last_read)));
    let past = get(&format!("Box{}", map::MAX_PARTIAL_IDS));
    assert_eq!(unknown(past), ["image"]);
    assert!(unknown(get("Full")).is_empty());
}

mod tags;
mod values;

#[test]
fn what_launches_from_a_launch_template_takes_what_it_does_not_set_and_the_template_is_read_through_it() {
    // The groups set their own type or image over the template's (`Arm` on the template's
    // g8y with an Arm image, `X86` on g7 with the template's x86 image): read as an
    // instance, the template (g8y with an x86 image) was a false A003.
    let text = "ROSTemplateFormatVersion: '2015-09-01'
Resources:
  LT:
    Type: ALIYUN::ECS::LaunchTemplate
    Properties:
      LaunchTemplateName: web-lt
      InstanceType: ecs.g8y.large
      ImageId: aliyun_3_x64_20G_alibase_20240819.vhd
  Alone:
    Type: ALIYUN::ECS::LaunchTemplate
    Properties: {InstanceType: ecs.g7.large, ImageId: aliyun_3_x64_20G_alibase_20240819.vhd}
  Arm:
    Type: ALIYUN::ECS::InstanceGroup
    Properties:
      LaunchTemplateId: {Ref: LT}
      ImageId: aliyun_3_arm64_20G_alibase_20240819.vhd
      MaxAmount: 1
  X86:
    Type: ALIYUN::ECS::InstanceGroup
    Properties:
      LaunchTemplateId: {Ref: LT}
      InstanceType: ecs.g7.large
      MaxAmount: 1
";
    let launched = |resources: &[crate::spec::Resource]| -> Vec<(String, String, String)> {
        resources
            .iter()
            .filter(|r| r.kind == crate::spec::Kind::Instance)
            .map(|r| {
                let get = |f| field(r, f).unwrap_or("?").to_string();
                (r.name.clone().unwrap_or_default(), get("instanceType"), get("image"))
            })
            .collect()
    };
    let (x86, arm) = ("aliyun_3_x64_20G_alibase_20240819.vhd", "aliyun_3_arm64_20G_alibase_20240819.vhd");
    let expected = |with_template: bool| {
        let mut rows = Vec::new();
        if with_template {
            rows.push(("LT".to_string(), "ecs.g8y.large".to_string(), x86.to_string()));
        }
        rows.push(("Alone".into(), "ecs.g7.large".into(), x86.into()));
        rows.push(("Arm".into(), "ecs.g8y.large".into(), arm.into()));
        rows.push(("X86".into(), "ecs.g7.large".into(), x86.into()));
        rows
    };
    let (_, resources) = load(text, Some("cn-hangzhou"));
    assert_eq!(launched(&resources), expected(false));
    // Named through `Fn::GetAtt`, `LaunchTemplateName` or the template's literal name alike.
    for by in [
        "LaunchTemplateId: {\"Fn::GetAtt\": [LT, LaunchTemplateId]}",
        "LaunchTemplateName: {Ref: LT}",
        "LaunchTemplateName: web-lt",
    ] {
        let text = text.replace("LaunchTemplateId: {Ref: LT}", by);
        let (_, resources) = load(&text, Some("cn-hangzhou"));
        assert_eq!(launched(&resources), expected(false), "{by}");
    }
    // A template an ESS scaling group (not read) launches from is still read, and so is
    // one named by an ID ecslint cannot tie to it.
    let scaling = format!(
        "{text}  Group:\n    Type: ALIYUN::ESS::ScalingGroup\n    Properties: {{MinSize: 1, MaxSize: 2, LaunchTemplateId: {{Ref: LT}}}}\n"
    );
    let (_, resources) = load(&scaling, Some("cn-hangzhou"));
    assert_eq!(launched(&resources), expected(true));
    let text = text.replace("LaunchTemplateId: {Ref: LT}", "LaunchTemplateId: lt-123");
    let (_, resources) = load(&text, Some("cn-hangzhou"));
    let rows = launched(&resources);
    assert_eq!(rows.first().map(|r| r.0.as_str()), Some("LT"), "{rows:?}");
    assert_eq!(rows.get(2).map(|r| r.1.as_str()), Some("?"), "{rows:?}");
}
