//! The Instance and Image model: which documents are resources, schema validation
//! with spans (S002), and names unique per kind across the run (S003).

pub mod codes;
mod schema;
mod spanned;

pub use schema::{IMAGE_SCHEMA, INSTANCE_SCHEMA, Schema, Violation, display_path, head_span, schemas};

use crate::diag::{Finding, Location, ResourceRef};
use crate::source::{Document, Node, PathSegment, SourceFile, Value};
use crate::suggest;
use foldhash::{HashMap, HashMapExt};
use std::sync::Arc;

/// The two kinds of resource ecslint checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Instance,
    Image,
}

impl Kind {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Instance => "Instance",
            Self::Image => "Image",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "Instance" => Some(Self::Instance),
            "Image" => Some(Self::Image),
            _ => None,
        }
    }

    /// Fields only this kind has, used to spot a resource that forgot its `kind`.
    const fn distinctive_fields(self) -> &'static [&'static str] {
        match self {
            Self::Instance => &["instanceType", "image", "zone", "billing", "count"],
            Self::Image => &[
                "architecture",
                "os",
                "sharedWith",
                "derivedFrom",
                "bootMode",
                "licenseType",
                "imported",
                "regions",
            ],
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One Instance or Image found in a spec file.
#[derive(Clone, Debug)]
pub struct Resource {
    pub kind: Kind,
    /// The `name`, when it is a string.
    pub name: Option<String>,
    pub file: Arc<SourceFile>,
    pub node: Node,
    /// Whether it passed schema validation; rules run only on valid resources.
    pub valid: bool,
}

impl Resource {
    pub fn reference(&self) -> Option<ResourceRef> {
        self.name
            .as_ref()
            .map(|name| ResourceRef { kind: self.kind.as_str().to_string(), name: name.clone() })
    }

    /// The location of the field at `path`, falling back to the resource's first line.
    pub fn location(&self, path: &[PathSegment]) -> Location {
        let span = self.node.at(path).map_or_else(|| head_span(&self.node), |n| n.span);
        Location::new(Arc::clone(&self.file), span)
    }

    /// The location of the key of the field at `path`.
    pub fn key_location(&self, path: &[PathSegment]) -> Location {
        let span = self.node.key_span_at(path).unwrap_or_else(|| head_span(&self.node));
        Location::new(Arc::clone(&self.file), span)
    }
}

/// Finds the resources in one file's documents, validating each against its schema.
pub fn extract(
    file: &Arc<SourceFile>,
    documents: Vec<Document>,
    findings: &mut Vec<Finding>,
) -> Vec<Resource> {
    let mut resources = Vec::new();
    for document in documents {
        let candidates = match document.root.value {
            Value::Map(_) => vec![document.root],
            Value::Seq(items) => items,
            _ => Vec::new(),
        };
        for node in candidates.into_iter().filter(|n| matches!(n.value, Value::Map(_))) {
            if let Some(resource) = classify(file, node, findings) {
                resources.push(resource);
            }
        }
    }
    resources
}

fn classify(file: &Arc<SourceFile>, node: Node, findings: &mut Vec<Finding>) -> Option<Resource> {
    let at = |span| Location::new(Arc::clone(file), span);
    let kind = if let Some(kind_node) = node.get("kind") {
        let text = kind_node.as_str()?;
        if let Some(kind) = Kind::parse(text) {
            kind
        } else {
            let suggestion = suggest::closest(text, ["Instance", "Image"])?;
            findings.push(
                codes::SCHEMA_VIOLATION
                    .finding(format!("unknown kind `{text}`"), at(kind_node.span))
                    .with_primary_label("unknown kind")
                    .with_help(format!("did you mean `{suggestion}`? ecslint checks `Instance` and `Image`"))
                    .with_path(vec![PathSegment::Key("kind".into())]),
            );
            return None;
        }
    } else {
        let looks_like = [Kind::Instance, Kind::Image]
            .into_iter()
            .find(|kind| kind.distinctive_fields().iter().filter(|f| node.get(f).is_some()).count() >= 2)?;
        findings.push(
            codes::SCHEMA_VIOLATION
                .finding(format!("this looks like an {looks_like} but has no `kind`"), at(head_span(&node)))
                .with_primary_label("no `kind`")
                .with_help(format!(
                    "add `kind: {looks_like}`, or remove its {looks_like} fields if it is not a resource"
                )),
        );
        return None;
    };
    let mut resource = Resource {
        kind,
        name: node.get_str("name").map(str::to_string),
        file: Arc::clone(file),
        node,
        valid: true,
    };
    let schema = match schemas() {
        Ok(schemas) if kind == Kind::Instance => &schemas.instance,
        Ok(schemas) => &schemas.image,
        Err(_) => return Some(resource),
    };
    for violation in schema.validate(&resource.node) {
        resource.valid = false;
        let mut finding = codes::SCHEMA_VIOLATION
            .finding(violation.message, at(violation.span))
            .with_primary_label(violation.label)
            .with_resource(resource.reference())
            .with_path(violation.path);
        finding.help = violation.help;
        findings.push(finding);
    }
    Some(resource)
}

/// Reports resources of one kind that share a name (S003), on the second definition.
pub fn check_duplicate_names(resources: &[Resource], findings: &mut Vec<Finding>) {
    let mut first: HashMap<(Kind, &str), &Resource> = HashMap::with_capacity(resources.len());
    for resource in resources {
        let Some(name) = resource.name.as_deref() else {
            continue;
        };
        if let Some(original) = first.get(&(resource.kind, name)) {
            let name_path = [PathSegment::Key("name".into())];
            findings.push(
                codes::DUPLICATE_NAME
                    .finding(
                        format!("{} name `{name}` is already used", resource.kind),
                        resource.location(&name_path),
                    )
                    .with_primary_label("used again here")
                    .with_label(original.location(&name_path), "first defined here")
                    .with_help(format!(
                        "{} names must be unique across every file of the run; rename one of them",
                        resource.kind
                    ))
                    .with_resource(resource.reference())
                    .with_path(name_path.to_vec()),
            );
        } else {
            first.insert((resource.kind, name), resource);
        }
    }
}
