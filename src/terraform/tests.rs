//! The mapping of evaluated blocks, tested on hand-built [`Block`]s whose values point
//! into a `.tf` text written alongside them (so that every span is real), and run
//! through the engine to see which findings the mapped resources give, and which must
//! not come.

use super::map::resources;
use super::value::{Block, Mode, Reference, Val, Value};
use crate::catalog::Catalog;
use crate::diag::{Finding, Label, Location};
use crate::engine::{RuleSet, Selection, Settings, evaluate};
use crate::source::{PathSegment, SourceFile, Span};
use crate::spec::{Kind, Resource};
use std::fmt::Write;
use std::sync::Arc;

/// An expression as the test writes it.
#[derive(Clone, Debug)]
enum E {
    S(&'static str),
    N(f64),
    B(bool),
    Null,
    /// An expression that is not known (`var.x` without a default), with its text.
    Unknown(&'static str),
    /// A reference to a block of the run, as written: `alicloud_image.app.id`.
    Ref(&'static str),
    L(Vec<E>),
    M(Vec<(&'static str, E)>),
    /// `var.<name>` whose default is the expression.
    Var(&'static str, Box<E>),
}

/// Where an expression was written.
#[derive(Clone, Debug)]
enum Shape {
    Leaf(Span, E),
    List(Span, Vec<Shape>),
    Map(Span, Vec<(String, Shape)>),
    /// A use (its span) and the position of its variable's default.
    Var(Span, usize),
}

struct Pending {
    mode: Mode,
    block_type: &'static str,
    name: String,
    head: Span,
    attributes: Vec<(String, Shape)>,
    region: Shape,
}

/// Writes a `.tf` text and the blocks that static evaluation would give for it.
struct Tf {
    text: String,
    blocks: Vec<Pending>,
    defaults: Vec<(&'static str, E)>,
    default_shapes: Vec<Shape>,
    region: Shape,
}

const ROOT: &str = "infra";

impl Tf {
    fn new() -> Self {
        let mut tf = Self {
            text: String::new(),
            blocks: Vec::new(),
            defaults: Vec::new(),
            default_shapes: Vec::new(),
            region: Shape::Leaf(Span::default(), E::Null),
        };
        tf.region = tf.provider(&E::S("cn-hangzhou"));
        tf
    }

    /// A provider block with `region = <region>`; the shape of its region.
    fn provider(&mut self, region: &E) -> Shape {
        self.text.push_str("provider \"alicloud\" {\n  region = ");
        let shape = self.write(region);
        self.text.push_str("\n}\n\n");
        shape
    }

    fn resource(
        &mut self,
        block_type: &'static str,
        name: &str,
        attributes: &[(&'static str, E)],
    ) -> &mut Self {
        let region = self.region.clone();
        self.block(Mode::Managed, block_type, name, attributes, region)
    }

    fn data(&mut self, block_type: &'static str, name: &str, attributes: &[(&'static str, E)]) -> &mut Self {
        let region = self.region.clone();
        self.block(Mode::Data, block_type, name, attributes, region)
    }

    /// A resource whose provider has region `region`.
    fn resource_in(
        &mut self,
        region: &E,
        block_type: &'static str,
        name: &str,
        attributes: &[(&'static str, E)],
    ) -> &mut Self {
        let region = self.provider(region);
        self.block(Mode::Managed, block_type, name, attributes, region)
    }

    fn block(
        &mut self,
        mode: Mode,
        block_type: &'static str,
        name: &str,
        attributes: &[(&'static str, E)],
        region: Shape,
    ) -> &mut Self {
        let start = self.text.len();
        let keyword = if mode == Mode::Data { "data" } else { "resource" };
        let _ = write!(self.text, "{keyword} \"{block_type}\" \"{name}\"");
        let head = Span::new(start, self.text.len());
        self.text.push_str(" {\n");
        let mut written = Vec::new();
        for (key, value) in attributes {
            let _ = write!(self.text, "  {key} = ");
            written.push(((*key).to_string(), self.write(value)));
            self.text.push('\n');
        }
        self.text.push_str("}\n\n");
        self.blocks.push(Pending {
            mode,
            block_type,
            name: name.to_string(),
            head,
            attributes: written,
            region,
        });
        self
    }

    fn write(&mut self, e: &E) -> Shape {
        let start = self.text.len();
        match e {
            E::S(s) => {
                let _ = write!(self.text, "\"{s}\"");
            }
            E::N(n) => self.text.push_str(&n.to_string()),
            E::B(b) => self.text.push_str(&b.to_string()),
            E::Null => self.text.push_str("null"),
            E::Unknown(text) | E::Ref(text) => self.text.push_str(text),
            E::Var(name, default) => {
                let _ = write!(self.text, "var.{name}");
                self.defaults.push((name, (**default).clone()));
                return Shape::Var(Span::new(start, self.text.len()), self.defaults.len() - 1);
            }
            E::L(items) => {
                self.text.push('[');
                let mut shapes = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.text.push_str(", ");
                    }
                    shapes.push(self.write(item));
                }
                self.text.push(']');
                return Shape::List(Span::new(start, self.text.len()), shapes);
            }
            E::M(entries) => {
                self.text.push_str("{ ");
                let mut shapes = Vec::new();
                for (key, value) in entries {
                    let _ = write!(self.text, "{key} = ");
                    shapes.push(((*key).to_string(), self.write(value)));
                    self.text.push(' ');
                }
                self.text.push('}');
                return Shape::Map(Span::new(start, self.text.len()), shapes);
            }
        }
        Shape::Leaf(Span::new(start, self.text.len()), e.clone())
    }

    fn finish(mut self) -> (Arc<SourceFile>, Vec<Block>) {
        let defaults = std::mem::take(&mut self.defaults);
        for (name, default) in &defaults {
            let _ = write!(self.text, "variable \"{name}\" {{\n  default = ");
            let shape = self.write(default);
            self.default_shapes.push(shape);
            self.text.push_str("\n}\n\n");
        }
        let file = Arc::new(SourceFile::new("infra/main.tf", self.text.clone()));
        let blocks = self
            .blocks
            .iter()
            .map(|p| {
                let address = match p.mode {
                    Mode::Managed => format!("{}.{}", p.block_type, p.name),
                    Mode::Data => format!("data.{}.{}", p.block_type, p.name),
                };
                Block {
                    mode: p.mode,
                    block_type: p.block_type.to_string(),
                    name: p.name.clone(),
                    key: format!("{ROOT}#{address}"),
                    address,
                    head: Location::new(Arc::clone(&file), p.head),
                    attributes: p.attributes.iter().map(|(k, s)| (k.clone(), self.val(&file, s))).collect(),
                    region: self.val(&file, &p.region),
                }
            })
            .collect();
        (file, blocks)
    }

    fn val(&self, file: &Arc<SourceFile>, shape: &Shape) -> Val {
        let at = |span: Span| Location::new(Arc::clone(file), span);
        match shape {
            Shape::Leaf(span, e) => {
                let value = match e {
                    E::S(s) => Value::String((*s).to_string()),
                    E::N(n) => Value::Number(*n),
                    E::B(b) => Value::Bool(*b),
                    E::Null => Value::Null,
                    E::Unknown(text) => Value::Unknown(format!("`{text}` has no value")),
                    E::Ref(text) => Value::Ref(reference(text)),
                    E::L(_) | E::M(_) | E::Var(..) => unreachable!("written as their own shapes"),
                };
                Val::new(value, at(*span))
            }
            Shape::List(span, items) => {
                Val::new(Value::List(items.iter().map(|s| self.val(file, s)).collect()), at(*span))
            }
            Shape::Map(span, entries) => Val::new(
                Value::Object(entries.iter().map(|(k, s)| (k.clone(), self.val(file, s))).collect()),
                at(*span),
            ),
            Shape::Var(span, index) => {
                let default = self.val(file, &self.default_shapes[*index]);
                let mut via = default.via.clone();
                via.push(Label {
                    location: default.at.clone(),
                    message: "the default that supplied it".into(),
                });
                Val { value: default.value, at: at(*span), via }
            }
        }
    }
}

fn reference(text: &str) -> Reference {
    let parts: Vec<&str> = text.split('.').collect();
    let split = if parts[0] == "data" { 3 } else { 2 };
    Reference {
        key: format!("{ROOT}#{}", parts[..split].join(".")),
        path: parts[split..].iter().map(|s| (*s).to_string()).collect(),
        display: text.to_string(),
    }
}

fn catalog() -> Catalog {
    Catalog::builtin().unwrap_or_else(|e| panic!("{e}"))
}

fn map(tf: Tf) -> (Arc<SourceFile>, Vec<Resource>) {
    let (file, blocks) = tf.finish();
    (file, resources(&blocks, &catalog()))
}

/// The findings of the rules enabled by default (`select` adds others, e.g. `S011`).
fn findings(resources: &[Resource], select: &[&str]) -> Vec<Finding> {
    let rules = RuleSet::builtin().unwrap_or_else(|e| panic!("{e:?}"));
    let overrides =
        select.iter().map(|code| ((*code).to_string(), Some(crate::diag::Severity::Info))).collect();
    let selection = Selection { overrides, ..Selection::default() };
    let enabled = selection.resolve(&rules).unwrap_or_else(|e| panic!("{e:?}"));
    let settings = Settings {
        as_of: crate::date::Date::parse("2026-11-22").unwrap_or_else(|| panic!("date")),
        ..Settings::default()
    };
    let mut found = evaluate(&rules, &enabled, resources, &catalog(), &settings).findings;
    let mut duplicates = Vec::new();
    crate::spec::check_duplicate_names(resources, &mut duplicates);
    found.extend(duplicates);
    found
}

fn codes(findings: &[Finding]) -> Vec<String> {
    let mut codes: Vec<String> = findings.iter().map(|f| f.code.clone()).collect();
    codes.sort();
    codes
}

fn named<'r>(resources: &'r [Resource], kind: Kind, name: &str) -> &'r Resource {
    resources.iter().find(|r| r.kind == kind && r.name.as_deref() == Some(name)).unwrap_or_else(|| {
        panic!("no {kind} {name} in {:?}", resources.iter().map(|r| &r.name).collect::<Vec<_>>())
    })
}

fn field<'r>(resource: &'r Resource, name: &str) -> Option<&'r str> {
    resource.node.get_str(name)
}

fn unknowns(resource: &Resource) -> Vec<String> {
    resource.iac.as_deref().map(|e| e.unknown.iter().map(|u| u.field.clone()).collect()).unwrap_or_default()
}

fn text_at<'f>(file: &'f SourceFile, resource: &Resource, path: &[PathSegment]) -> &'f str {
    let location = resource.location(path);
    &file.text[location.span.start..location.span.end]
}

fn key(name: &str) -> PathSegment {
    PathSegment::Key(name.to_string())
}

const CENTOS7: &str = "centos_7_9_x64_20G_alibase_20240321.vhd";
const UBUNTU22: &str = "ubuntu_22_04_x64_20G_alibase_20240322.vhd";

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
            ("tags", E::M(vec![("team", E::S("web")), ("owner", E::Unknown("var.owner"))])),
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
    assert!(web.node.get("labels").and_then(|l| l.get("owner")).is_none(), "unknown tag values are left out");
    assert!(web.node.get("count").is_none());
    assert_eq!(text_at(&file, web, &[key("image")]), format!("\"{UBUNTU22}\""));
    assert_eq!(text_at(&file, web, &[key("region")]), "\"cn-hangzhou\"");
    let extra = web.iac.as_deref().unwrap_or_else(|| panic!("origin"));
    assert_eq!(extra.origin.native_type, "alicloud_instance");
    assert_eq!(extra.origin.key, "infra#alicloud_instance.web");
    assert_eq!(extra.origin.attributes["tags"]["owner"], serde_json::Value::Null);
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
    assert_eq!(&file.text[l001.location.span.start..l001.location.span.end], "var.image_id");
    let default = l001.labels.iter().find(|l| l.message == "the default that supplied it");
    let default = default.unwrap_or_else(|| panic!("{:#?}", l001.labels));
    assert_eq!(&file.text[default.location.span.start..default.location.span.end], format!("\"{CENTOS7}\""));
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
    use super::image::platform_os;
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
    let regions: Vec<&str> = app
        .node
        .get("regions")
        .and_then(|r| r.as_seq())
        .unwrap_or_default()
        .iter()
        .filter_map(|n| n.as_str())
        .collect();
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
fn an_instance_in_a_region_the_image_was_never_copied_to_is_r001() {
    let mut tf = Tf::new();
    tf.resource(
        "alicloud_image",
        "app",
        &[("snapshot_id", E::S("s-1")), ("platform", E::S("Ubuntu 22.04")), ("architecture", E::S("x86_64"))],
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
    let shared: Vec<&str> = app
        .node
        .get("sharedWith")
        .and_then(|r| r.as_seq())
        .unwrap_or_default()
        .iter()
        .filter_map(|n| n.as_str())
        .collect();
    assert_eq!(shared, ["1234567890123456", "12345"]);
    assert_eq!(text_at(&file, app, &[key("sharedWith"), PathSegment::Index(1)]), "\"12345\"");
    // Q004 on the malformed account, at its `account_id`.
    let found = findings(&resources, &[]);
    let q004: Vec<&Finding> = found.iter().filter(|f| f.code == "Q004").collect();
    assert_eq!(q004.len(), 1, "{found:#?}");
    assert_eq!(&file.text[q004[0].location.span.start..q004[0].location.span.end], "\"12345\"");
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
        file.text[f004[0].location.span.start..].starts_with("resource \"alicloud_image_import\" \"win\"")
    );
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
    let (file, resources) = map(tf);
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
    assert_eq!(&file.text[typo[0].location.span.start..typo[0].location.span.end], "\"ecs.g7.xlarg\"");
    assert!(!found.iter().any(|f| f.code == "S003"), "{found:#?}");
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
    let regions: Vec<&str> = image
        .node
        .get("regions")
        .and_then(|r| r.as_seq())
        .unwrap_or_default()
        .iter()
        .filter_map(|n| n.as_str())
        .collect();
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
    assert_eq!(&file.text[label.location.span.start..label.location.span.end], "\"^centos_7\"");
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
