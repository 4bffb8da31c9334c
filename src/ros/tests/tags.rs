//! `Tags` as labels: what is not known makes the labels unknown, never absent.

use super::*;

fn labels_of(text: &str) -> (Option<Vec<(String, String)>>, Vec<String>) {
    let (_, resources) = load(text, Some("cn-hangzhou"));
    let web = resources.iter().find(|r| r.name.as_deref() == Some("Web")).expect("Web");
    let labels = web.node.get("labels").and_then(|l| l.as_map()).map(|entries| {
        entries
            .iter()
            .map(|e| (e.key.name.to_string(), e.value.as_str().unwrap_or("?").to_string()))
            .collect()
    });
    (labels, unknown(web).into_iter().map(str::to_string).collect())
}

fn stack(tags: &str) -> String {
    format!(
        "ROSTemplateFormatVersion: '2015-09-01'\nParameters:\n  Owner:\n    Type: String\nResources:\n  Web:\n    Type: ALIYUN::ECS::Instance\n    Properties:\n      InstanceType: ecs.g7.large\n      ImageId: aliyun_3_x64_20G_alibase_20241218.vhd\n      Tags:{tags}\n"
    )
}

#[test]
fn a_tag_whose_value_is_not_known_makes_the_labels_unknown() {
    // A team rule asking for an `owner` tag must not hear "no": its value is given at deploy.
    let (labels, unknown) = labels_of(&stack(
        "\n        - Key: team\n          Value: web\n        - Key: owner\n          Value: !Ref Owner",
    ));
    assert_eq!(labels, None);
    assert!(unknown.contains(&"labels".to_string()), "{unknown:?}");
    // So does a `Tags` that is not a list written in the template.
    let (labels, unknown) = labels_of(&stack(" !Ref Owner"));
    assert_eq!(labels, None);
    assert!(unknown.contains(&"labels".to_string()), "{unknown:?}");
}

#[test]
fn a_tag_without_a_value_or_with_an_empty_one_is_set() {
    let (labels, unknown) = labels_of(&stack(
        "\n        - Key: team\n          Value: web\n        - Key: owner\n        - Key: env\n          Value: ''",
    ));
    let expected = [("team", "web"), ("owner", ""), ("env", "")].map(|(k, v)| (k.to_string(), v.to_string()));
    assert_eq!(labels, Some(expected.to_vec()));
    assert!(!unknown.contains(&"labels".to_string()), "{unknown:?}");
}

#[test]
fn a_tag_written_as_a_function_is_evaluated() {
    let conditional = |env: &str| {
        format!(
            "ROSTemplateFormatVersion: '2015-09-01'\nParameters:\n  Env:\n    Type: String\n    Default: {env}\nConditions:\n  IsProd:\n    Fn::Equals: [!Ref Env, prod]\nResources:\n  Web:\n    Type: ALIYUN::ECS::Instance\n    Properties:\n      InstanceType: ecs.g7.large\n      ImageId: aliyun_3_x64_20G_alibase_20241218.vhd\n      Tags:\n        - !If [IsProd, {{Key: owner, Value: ops}}, !Ref ALIYUN::NoValue]\n        - Key: app\n          Value: web\n"
        )
    };
    let pair = |k: &str, v: &str| (k.to_string(), v.to_string());
    // ROS adds the tag in prod, and none otherwise.
    let (labels, _) = labels_of(&conditional("prod"));
    let mut labels = labels.expect("known labels");
    labels.sort();
    assert_eq!(labels, [pair("app", "web"), pair("owner", "ops")]);
    let (labels, _) = labels_of(&conditional("dev"));
    assert_eq!(labels, Some(vec![pair("app", "web")]));
}
