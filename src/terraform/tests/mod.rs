//! The mapping of evaluated blocks, tested on hand-built [`Block`]s whose values point
//! into a `.tf` text written alongside them (so that every span is real), and run
//! through the engine to see which findings the mapped resources give, and which must
//! not come.

mod images;
mod instances;

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
                    repeat: crate::terraform::value::Repeat::Once,
                    group: address.clone(),
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
    let mut found = evaluate(&rules, &enabled, resources, &catalog(), &settings, None).findings;
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

/// The strings of a list field (`regions`, `sharedWith`).
fn strings<'r>(resource: &'r Resource, name: &str) -> Vec<&'r str> {
    resource
        .node
        .get(name)
        .and_then(|r| r.as_seq())
        .unwrap_or_default()
        .iter()
        .filter_map(|n| n.as_str())
        .collect()
}

fn unknowns(resource: &Resource) -> Vec<String> {
    resource.iac.as_deref().map(|e| e.unknown.iter().map(|u| u.field.clone()).collect()).unwrap_or_default()
}

fn text_at<'f>(file: &'f SourceFile, resource: &Resource, path: &[PathSegment]) -> &'f str {
    let location = resource.location(path);
    &file.text[location.span.start()..location.span.end()]
}

fn key(name: &str) -> PathSegment {
    PathSegment::Key(name.to_string())
}

const CENTOS7: &str = "centos_7_9_x64_20G_alibase_20240321.vhd";
const UBUNTU22: &str = "ubuntu_22_04_x64_20G_alibase_20240322.vhd";
