//! The spanned tree as a JSON representation the schema validator reads directly.
//!
//! Converting every resource to `serde_json` only to ask whether it is valid was most of
//! the cost of validation (the validator itself a seventh of it). `jsonschema` validates
//! any representation that implements its `Json` traits; this one reads the tree as
//! [`Node::to_json`] would convert it (non-finite floats are null, integers are integers),
//! so the answers and the errors are the same.

use crate::source::{Entry, Node, Span, Value};
use jsonschema::json::{Array, Json, JsonNumber, Node as JsonNode, NodeIdentity, Object};
use jsonschema::types::JsonType;
use serde_json::{Number, Value as Serde};
use std::borrow::Cow;

/// The spanned tree's representation.
pub struct Spanned;

/// A node of the tree, as the validator sees it.
#[derive(Clone, Copy)]
pub struct SpannedNode<'a>(pub &'a Node);

/// A number of the tree: an integer or a finite float.
#[derive(Clone, Copy)]
pub enum SpannedNumber {
    Int(i64),
    Float(f64),
}

impl Json for Spanned {
    type Node<'a> = SpannedNode<'a>;
    type PreparedKey = String;
    type StringBuffer = ();
    // A tree: no node is its own descendant.
    const ACYCLIC: bool = true;

    fn prepare_key(key: &str) -> String {
        key.to_owned()
    }

    fn with_string_node<T>((): &mut (), string: &str, f: impl FnOnce(SpannedNode<'_>) -> T) -> T {
        let node = Node::new(Span::default(), Value::Str(string.into()));
        f(SpannedNode(&node))
    }
}

impl<'a> JsonNode<'a, Spanned> for SpannedNode<'a> {
    type Object = &'a [Entry];
    type Array = SpannedItems<'a>;
    type Number = SpannedNumber;

    fn as_object(&self) -> Option<&'a [Entry]> {
        self.0.as_map()
    }

    fn as_array(&self) -> Option<SpannedItems<'a>> {
        match &self.0.value {
            Value::Seq(items) => Some(SpannedItems(items)),
            _ => None,
        }
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        match &self.0.value {
            Value::Str(text) => Some(Cow::Borrowed(text)),
            _ => None,
        }
    }

    fn as_number(&self) -> Option<SpannedNumber> {
        match self.0.value {
            Value::Int(i) => Some(SpannedNumber::Int(i)),
            Value::Float(f) if f.is_finite() => Some(SpannedNumber::Float(f)),
            _ => None,
        }
    }

    fn as_boolean(&self) -> Option<bool> {
        match self.0.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        self.json_type() == JsonType::Null
    }

    fn json_type(&self) -> JsonType {
        match &self.0.value {
            Value::Null => JsonType::Null,
            Value::Float(f) if !f.is_finite() => JsonType::Null,
            Value::Bool(_) => JsonType::Boolean,
            Value::Int(_) | Value::Float(_) => JsonType::Number,
            Value::Str(_) => JsonType::String,
            Value::Seq(_) => JsonType::Array,
            Value::Map(_) => JsonType::Object,
        }
    }

    fn to_value(&self) -> Cow<'a, Serde> {
        Cow::Owned(self.0.to_json())
    }

    fn identity(&self) -> Option<NodeIdentity> {
        Some(NodeIdentity::new(std::ptr::from_ref::<Node>(self.0) as usize))
    }
}

impl JsonNumber for SpannedNumber {
    fn as_u64(&self) -> Option<u64> {
        match *self {
            Self::Int(i) => u64::try_from(i).ok(),
            Self::Float(_) => None,
        }
    }

    fn as_i64(&self) -> Option<i64> {
        match *self {
            Self::Int(i) => Some(i),
            Self::Float(_) => None,
        }
    }

    #[allow(clippy::cast_precision_loss)] // as serde_json's `Number::as_f64` does
    fn as_f64(&self) -> Option<f64> {
        match *self {
            Self::Int(i) => Some(i as f64),
            Self::Float(f) => Some(f),
        }
    }

    fn as_str(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_number().to_string())
    }

    fn to_number(&self) -> Cow<'_, Number> {
        Cow::Owned(match *self {
            Self::Int(i) => Number::from(i),
            // Only finite floats become numbers (`as_number`).
            Self::Float(f) => Number::from_f64(f).unwrap_or_else(|| Number::from(0)),
        })
    }

    fn is_written_as_integer(&self) -> bool {
        matches!(self, Self::Int(_))
    }
}

/// The members of a mapping (keys are unique: the parsers reject duplicates).
pub struct Members<'a>(std::slice::Iter<'a, Entry>);

impl<'a> Iterator for Members<'a> {
    type Item = (&'a str, SpannedNode<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|entry| (&*entry.key.name, SpannedNode(&entry.value)))
    }
}

impl<'a> Object<'a, Spanned> for &'a [Entry] {
    type Node = SpannedNode<'a>;
    type MemberName = &'a str;
    type MembersIter = Members<'a>;

    fn len(&self) -> usize {
        <[Entry]>::len(self)
    }

    fn get(&self, key: &String) -> Option<SpannedNode<'a>> {
        self.iter().rev().find(|entry| *entry.key.name == **key).map(|entry| SpannedNode(&entry.value))
    }

    fn members(&self) -> Members<'a> {
        Members(self.iter())
    }
}

/// The items of a sequence.
#[derive(Clone, Copy)]
pub struct SpannedItems<'a>(&'a [Node]);

impl<'a> Array<'a, Spanned> for SpannedItems<'a> {
    type Node = SpannedNode<'a>;
    type ElementsIter = std::iter::Map<std::slice::Iter<'a, Node>, fn(&'a Node) -> SpannedNode<'a>>;

    fn len(&self) -> usize {
        self.0.len()
    }

    fn elements(&self) -> Self::ElementsIter {
        self.0.iter().map(SpannedNode)
    }
}

#[cfg(test)]
mod tests {
    use crate::source::{Entry, Key, Node, Span, Value};
    use crate::spec::schema::{IMAGE_SCHEMA, INSTANCE_SCHEMA, Schema};
    use proptest::prelude::*;
    use std::sync::LazyLock;

    static SCHEMAS: LazyLock<Vec<Schema>> = LazyLock::new(|| {
        [INSTANCE_SCHEMA, IMAGE_SCHEMA]
            .iter()
            .map(|s| Schema::compile(s).unwrap_or_else(|e| panic!("{e}")))
            .collect()
    });

    /// The tree and its JSON are equally valid, with the same violations.
    fn agree(node: &Node) -> Result<(), TestCaseError> {
        for schema in SCHEMAS.iter() {
            let (valid, violations) = schema.validate_as_json(node);
            prop_assert_eq!(schema.is_valid(node), valid, "{}", node.to_json());
            prop_assert_eq!(schema.is_valid_by_jsonschema(node), valid, "{}", node.to_json());
            prop_assert_eq!(schema.validate_by_jsonschema(node), violations.clone(), "{}", node.to_json());
            prop_assert_eq!(schema.validate(node), violations, "{}", node.to_json());
        }
        Ok(())
    }

    fn node(value: Value) -> Node {
        Node::new(Span::default(), value)
    }

    /// Resource-like trees: the schemas' own field names and values, and everything else.
    fn tree() -> impl Strategy<Value = Node> {
        let scalar = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            prop_oneof![Just(0_i64), Just(1), Just(-1), Just(16), Just(100_000), any::<i64>()]
                .prop_map(Value::Int),
            prop_oneof![
                Just(1.0_f64),
                Just(0.5),
                Just(-0.0),
                Just(f64::NAN),
                Just(f64::INFINITY),
                any::<f64>()
            ]
            .prop_map(Value::Float),
            proptest::sample::select(
                &[
                    "Instance",
                    "Image",
                    "custom",
                    "public",
                    "shared",
                    "x86_64",
                    "arm64",
                    "i386",
                    "BIOS",
                    "UEFI",
                    "cn-hangzhou",
                    "ecs.g7.large",
                    "1234567890123456",
                    "web",
                    "",
                    "héllo",
                    "windows-server",
                    "PayAsYouGo",
                    "Subscription",
                    "BYOL",
                    "2019",
                ][..]
            )
            .prop_map(|s| Value::Str(s.into())),
        ]
        .prop_map(node);
        let keys = proptest::sample::select(
            &[
                "kind",
                "name",
                "region",
                "instanceType",
                "image",
                "count",
                "billing",
                "labels",
                "type",
                "id",
                "os",
                "family",
                "version",
                "architecture",
                "bootMode",
                "regions",
                "sharedWith",
                "derivedFrom",
                "imported",
                "licenseType",
                "encrypted",
                "zone",
                "extra",
            ][..],
        );
        scalar.prop_recursive(3, 40, 8, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4)
                    .prop_map(|items| node(Value::Seq(items.into()))),
                proptest::collection::btree_map(keys.clone(), inner, 0..8).prop_map(|entries| {
                    let entries = entries
                        .into_iter()
                        .map(|(name, value)| Entry {
                            key: Key { name: name.into(), span: Span::default() },
                            value,
                        })
                        .collect::<Box<[Entry]>>();
                    node(Value::Map(entries))
                }),
            ]
        })
    }

    fn entry(name: &str, value: Node) -> Entry {
        Entry { key: Key { name: name.into(), span: Span::default() }, value }
    }

    fn text(s: &str) -> Node {
        node(Value::Str(s.into()))
    }

    /// A valid Instance or Image spec with one field set to `value` (or, for `None`, removed):
    /// whether it stays valid turns on that one value.
    fn with_field(image: bool, field: &str, value: Option<Node>) -> Node {
        let mut entries = if image {
            vec![
                entry("kind", text("Image")),
                entry("name", text("app")),
                entry("type", text("custom")),
                entry(
                    "os",
                    node(Value::Map(
                        vec![entry("family", text("ubuntu")), entry("version", text("22.04"))].into(),
                    )),
                ),
                entry("regions", node(Value::Seq(vec![text("cn-hangzhou")].into()))),
                entry("sharedWith", node(Value::Seq(vec![text("1234567890123456")].into()))),
            ]
        } else {
            vec![
                entry("kind", text("Instance")),
                entry("name", text("web")),
                entry("region", text("cn-hangzhou")),
                entry("instanceType", text("ecs.g7.large")),
                entry("image", text("app")),
                entry("count", node(Value::Int(2))),
            ]
        };
        entries.retain(|e| &*e.key.name != field);
        if let Some(value) = value {
            entries.push(entry(field, value));
        }
        node(Value::Map(entries.into()))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn the_tree_is_valid_exactly_when_its_json_is(root in tree()) {
            agree(&root)?;
        }

        #[test]
        fn one_changed_field_is_judged_as_in_json(
            image in any::<bool>(),
            field in proptest::sample::select(&[
                "kind", "name", "type", "os", "regions", "sharedWith", "count", "region", "instanceType",
                "image", "billing", "labels", "imported", "architecture", "bootMode", "extra",
            ][..]),
            value in proptest::option::weighted(0.9, tree()),
        ) {
            agree(&with_field(image, field, value))?;
        }
    }

    #[test]
    fn the_valid_specs_of_the_property_test_are_valid() {
        for schema_is_image in [false, true] {
            let spec = with_field(schema_is_image, "none", None);
            let schema = SCHEMAS.get(usize::from(schema_is_image)).unwrap_or_else(|| panic!("schema"));
            assert!(schema.is_valid(&spec), "{}", spec.to_json());
        }
    }

    #[test]
    fn every_fixture_resource_is_judged_as_its_json_is() {
        // Valid and invalid specs alike: the rule fixtures hold every S002 case.
        let collected =
            crate::files::collect(&["fixtures".to_string()], "-").unwrap_or_else(|e| panic!("{e}"));
        let mut resources = 0;
        for input in &collected.inputs {
            let Ok(loaded) = crate::files::read(input, crate::files::ReadOptions::default()) else {
                continue;
            };
            let Ok(documents) = crate::source::parse(&loaded.file, crate::source::Limits::default()) else {
                continue;
            };
            for document in documents {
                let items = match &document.root.value {
                    Value::Seq(items) => items.iter().collect(),
                    _ => vec![&document.root],
                };
                for item in items {
                    resources += 1;
                    agree(item).unwrap_or_else(|e| panic!("{}: {e}", loaded.file.name));
                }
            }
        }
        assert!(resources > 200, "only {resources} resources found under fixtures/");
    }
}
