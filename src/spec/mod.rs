//! The Instance and Image model: which documents are resources, schema validation
//! with spans (S002), and names unique per kind across the run (S003).

pub mod codes;
mod quick;
mod schema;
mod spanned;

pub use schema::{IMAGE_SCHEMA, INSTANCE_SCHEMA, Schema, Violation, display_path, head_span, schema};

use crate::diag::{Finding, Location, ResourceRef};
use crate::source::{Document, Node, PathSegment, SourceFile, Value};
use crate::suggest;
use foldhash::{HashMap, HashMapExt};
use std::borrow::Cow;
use std::sync::Arc;

/// The `data` key of an S002 that leaves an image's facts unmade (every image rule, and
/// the image checks of the instances using it, skip that image until it is fixed).
pub const IMAGE_CHECKS_SKIPPED: &str = "imageChecksSkipped";
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
    /// Whether it passed schema validation with no violation at all.
    pub valid: bool,
    /// The top-level fields a violation is about ([`WHOLE`] when one cannot be pinned to
    /// a field): checks that read only other fields still run (see [`Resource::field_valid`]).
    pub invalid_fields: Vec<String>,
    /// Whether the facts derived from the whole spec (an image's OS, architecture, chain,
    /// regions) can be trusted: no violation other than a field the schema does not know
    /// and that is no near miss of a field it knows (`description: ...`, not `bootmode`).
    pub facts_valid: bool,
    /// What an infrastructure-as-code resource carries besides its node (DESIGN §8): its
    /// origin, the file and definitions of each field, its unknown values. `None` for a spec.
    pub iac: Option<Arc<crate::iac::Extra>>,
}

/// Stands in [`Resource::invalid_fields`] for a violation of the resource as a whole.
pub const WHOLE: &str = "*";

impl Resource {
    /// A resource that has not been validated yet (valid until a violation says otherwise).
    pub fn new(kind: Kind, file: Arc<SourceFile>, node: Node) -> Self {
        let name = node.get_str("name").map(str::to_string);
        Self { kind, name, file, node, valid: true, invalid_fields: Vec::new(), facts_valid: true, iac: None }
    }

    /// Frees the resource's tree, keeping its span: for a run whose last reader of trees
    /// (evaluation, `--baseline`'s keys) is done, so that the report reuses their memory
    /// (on the 10,000-file corpus they are 38 MB of a 93 MB heap).
    pub fn release_tree(&mut self) {
        self.node = Node::new(self.node.span, Value::Null);
    }

    /// Whether the top-level field `name` passed validation, so that checks reading it can
    /// run even when another field of the resource is wrong.
    pub fn field_valid(&self, name: &str) -> bool {
        self.valid || !self.invalid_fields.iter().any(|f| f == name || f == WHOLE)
    }

    pub fn reference(&self) -> Option<ResourceRef> {
        self.name
            .as_ref()
            .map(|name| ResourceRef { kind: self.kind.as_str().to_string(), name: name.clone() })
    }

    /// The location of the field at `path`, falling back to the resource's first line.
    pub fn location(&self, path: &[PathSegment]) -> Location {
        match self.node.at(path) {
            Some(node) => Location::new(Arc::clone(self.file_of(path)), node.span),
            None => Location::new(Arc::clone(&self.file), head_span(&self.node)),
        }
    }

    /// The location of the key of the field at `path`.
    pub fn key_location(&self, path: &[PathSegment]) -> Location {
        match self.node.key_span_at(path) {
            Some(span) => Location::new(Arc::clone(self.file_of(path)), span),
            None => Location::new(Arc::clone(&self.file), head_span(&self.node)),
        }
    }

    /// The file the node at `path` was written in: the resource's own, unless an IaC
    /// value came from another file (a variable's default in `variables.tf`).
    fn file_of(&self, path: &[PathSegment]) -> &Arc<SourceFile> {
        self.iac.as_deref().and_then(|extra| extra.site(path)).map_or(&self.file, |site| &site.file)
    }

    /// The image reference in `field` (`image`, `derivedFrom`) as the run resolves it:
    /// the key of the resource an IaC front end resolved it to, else the value as written.
    pub fn image_reference(&self, field: &str) -> Option<&str> {
        self.iac.as_deref().and_then(|extra| extra.reference(field)).or_else(|| self.node.get_str(field))
    }

    /// Whether this is an IaC image lookup that selects a public image at deploy time
    /// (`data "alicloud_images"`, a fuzzy ROS `ImageId`): its image rules run where an
    /// instance uses it, as for a public image ID.
    pub fn is_lookup(&self) -> bool {
        self.iac.as_deref().is_some_and(|extra| extra.origin.is_lookup())
    }

    /// The format the resource was read from.
    pub fn format(&self) -> &'static str {
        self.iac.as_deref().map_or("spec", |extra| extra.origin.format.as_str())
    }
}

/// Finds the resources in one file's documents, validating each against its schema.
pub fn extract(
    file: &Arc<SourceFile>,
    documents: Vec<Document>,
    findings: &mut Vec<Finding>,
) -> Vec<Resource> {
    let mut resources = Vec::new();
    for mut document in documents {
        // A local YAML tag (`!Ref`) means nothing in a spec: the tagged value is read as if
        // the tag were not there, as YAML readers that do not know a tag do.
        crate::source::untag(&mut document.root, &file.text);
        let candidates = match document.root.value {
            Value::Map(_) => vec![document.root],
            Value::Seq(items) => items.into_vec(),
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
    // A Kubernetes-style object of another tool (AWS ACK's `Instance`, kpack's `Image`):
    // ecslint resources have no `apiVersion` (DESIGN §1).
    if node.get("apiVersion").is_some() {
        return None;
    }
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
    let mut resource = Resource::new(kind, Arc::clone(file), node);
    let Ok(schema) = schema(kind) else { return Some(resource) };
    let mut violations = schema.validate(&resource.node);
    violations.extend(integral_floats(&resource));
    let known = if violations.is_empty() { Vec::new() } else { schema.fields() };
    let first = findings.len();
    for violation in violations {
        resource.valid = false;
        resource.invalid_fields.push(invalid_field(&violation));
        // An unknown field is read by nothing, unless it is a misspelt known field whose
        // value the facts would then miss (`bootmode: UEFI` leaves the boot mode unset).
        let stray = match violation.path.as_slice() {
            [PathSegment::Key(key)] if !known.contains(key) => {
                match suggest::closest(key, known.iter().map(String::as_str)) {
                    // The rules reading the field it was meant to be skip too: `billng:
                    // Subscription` must not price pay-as-you-go.
                    Some(meant) => {
                        resource.invalid_fields.push(meant.to_string());
                        false
                    }
                    None => true,
                }
            }
            _ => false,
        };
        resource.facts_valid &= stray;
        let mut finding = codes::SCHEMA_VIOLATION
            .finding(violation.message, at(violation.span))
            .with_primary_label(violation.label)
            .with_resource(resource.reference())
            .with_path(violation.path);
        finding.help = violation.help;
        if kind == Kind::Image && !stray {
            // The image's facts are not made while this stands: its rules and the image
            // checks of the instances using it are off, so it cannot be suppressed.
            finding.data.insert(IMAGE_CHECKS_SKIPPED.into(), serde_json::Value::Bool(true));
        }
        findings.push(finding);
    }
    cap_unnamed(&resource, findings, first);
    Some(resource)
}

/// The per-rule cap (`crate::cap`) groups findings by the resource they name: a resource
/// with no valid `name` names none, so its schema violations are capped here, as they are
/// made (60,000 failing labels were 60,000 findings). Past [`crate::cap::MAX_REPORTED`],
/// one finding says how many more there were; no suppression brings those into view.
fn cap_unnamed(resource: &Resource, findings: &mut Vec<Finding>, first: usize) {
    let max = crate::cap::MAX_REPORTED;
    if resource.reference().is_some() || findings.len() - first <= max {
        return;
    }
    let left_out = findings.split_off(first + max);
    let count = left_out.len();
    let Some(head) = left_out.into_iter().next() else { return };
    let note = crate::cap::LeftOut {
        code: &head.code,
        name: &head.name,
        severity: head.severity,
        location: head.location.clone(),
        resource: None,
        path: head.path.clone(),
        count,
        bound: crate::cap::Bound::Reported,
    };
    findings.push(note.finding());
}

/// The top-level field a violation is about. A missing required field is reported at the
/// resource (empty path) and named in its label; anything else at the resource's root
/// counts against the whole resource.
fn invalid_field(violation: &Violation) -> String {
    match violation.path.first() {
        Some(PathSegment::Key(key)) => key.clone(),
        Some(PathSegment::Index(_)) => WHOLE.to_string(),
        None => violation
            .label
            .strip_prefix('`')
            .and_then(|rest| rest.strip_suffix("` missing"))
            .filter(|name| !name.contains('`'))
            .map_or_else(|| WHOLE.to_string(), str::to_string),
    }
}

/// Integer fields written as floats (`count: 40.0`). JSON Schema counts an integral float as
/// an integer, but the rules read integers: the value would be silently replaced by the
/// default, so it is a violation instead.
fn integral_floats(resource: &Resource) -> Option<Violation> {
    let node = resource.node.get("count").filter(|_| resource.kind == Kind::Instance)?;
    // Other floats (`2.5`) already fail the schema's `integer`.
    let Value::Float(value) = node.value else { return None };
    if !value.is_finite() || value.fract() != 0.0 {
        return None;
    }
    Some(Violation {
        message: format!("`count` must be an integer, not the decimal number `{value:?}`"),
        label: "not an integer".to_string(),
        help: Some(format!("write it without a decimal point: `count: {value:.0}`")),
        span: node.span,
        path: vec![PathSegment::Key("count".into())],
    })
}

/// Whether the text of a file that does not parse shows a sign of holding an ecslint
/// resource: a `kind: Instance` or `kind: Image` key (YAML or JSON, quoted or not), or two of
/// the fields that only ecslint resources have. A Kubernetes-style file (`apiVersion`) is another
/// tool's. A file without a sign is skipped instead of being an S001 (see `check`).
pub fn shows_a_resource(text: &str) -> bool {
    if key_value_at(text, "apiVersion", None) {
        return false;
    }
    if key_value_at(text, "kind", Some(&["Instance", "Image"])) {
        return true;
    }
    // Fields other formats rarely use (`image`, `os`, `count` and `regions` are common in
    // Compose files, CI workflows and Kubernetes manifests).
    let fields = ["instanceType", "sharedWith", "derivedFrom", "bootMode", "licenseType", "architecture"];
    fields.iter().filter(|field| key_value_at(text, field, None)).count() >= 2
}

/// Whether `key` is written as a mapping key somewhere in `text` (`key:`, `"key":`,
/// `'key' :`), followed by one of `values` (quoted or not) when they are given.
fn key_value_at(text: &str, key: &str, values: Option<&[&str]>) -> bool {
    text.match_indices(key).any(|(at, _)| {
        let before = text.get(..at).unwrap_or_default();
        if before.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            return false;
        }
        let rest = text.get(at + key.len()..).unwrap_or_default();
        let rest = rest.strip_prefix(['"', '\'']).unwrap_or(rest).trim_start_matches([' ', '\t']);
        let Some(value) = rest.strip_prefix(':') else { return false };
        let Some(values) = values else { return true };
        let value = value.trim_start_matches([' ', '\t']);
        let value = value.strip_prefix(['"', '\'']).unwrap_or(value);
        values.iter().any(|v| {
            value
                .strip_prefix(v)
                .is_some_and(|after| !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'))
        })
    })
}

/// Where a name must be unique: images across the run (instances and other images refer
/// to them), instances within their directory (`prod/api.yaml` and `staging/api.yaml` may
/// both hold an instance `api`, DESIGN §1).
fn scope(resource: &Resource) -> &str {
    if let Some(extra) = resource.iac.as_deref() {
        return match extra.origin.format {
            // A ROS logical ID is unique in its template only: templates side by side (and
            // the images they create) commonly reuse `EcsInstance`. A Packer source name is
            // unique in its template, and an image whose `image_name` is a template
            // (`app-{{timestamp}}`) is named by it: builds in other directories reuse
            // `alicloud-ecs.app`.
            crate::iac::Format::Ros | crate::iac::Format::Packer => &resource.file.name,
            // A Terraform resource is unique within its root module: two roots of one
            // repository may both hold `alicloud_image.app`.
            crate::iac::Format::Terraform => extra.origin.key.split_once('#').map_or("", |(root, _)| root),
        };
    }
    match resource.kind {
        Kind::Image => "",
        Kind::Instance => resource.file.name.rsplit_once(['/', '\\']).map_or("", |(dir, _)| dir),
    }
}

/// [`scope`], and for an image a Packer build makes, its region too: the builder looks for
/// an image of the same name in the build's region only (`step_pre_validate.go`), so one
/// template may build `golden` in two regions. `None` when that region is not known: a
/// name that may or may not collide is not reported.
fn name_scope(resource: &Resource) -> Option<Cow<'_, str>> {
    let packer_image = resource.kind == Kind::Image
        && resource.iac.as_deref().is_some_and(|extra| extra.origin.format == crate::iac::Format::Packer);
    if !packer_image {
        return Some(Cow::Borrowed(scope(resource)));
    }
    let home = resource.node.get("regions")?.as_seq()?.first()?.as_str()?;
    Some(Cow::Owned(format!("{}\n{home}", scope(resource))))
}

/// Reports resources of one kind that share a name in one scope (S003), and images that
/// share an `id`, on the second definition.
pub fn check_duplicate_names(resources: &[Resource], findings: &mut Vec<Finding>) {
    let mut first: HashMap<(Kind, Cow<'_, str>, &str), &Resource> = HashMap::with_capacity(resources.len());
    let mut first_id: HashMap<&str, &Resource> = HashMap::new();
    for resource in resources {
        if resource.kind == Kind::Image {
            if let Some(id) = resource.node.get_str("id") {
                if let Some(original) = first_id.get(id) {
                    findings.push(duplicate(
                        resource,
                        original,
                        "id",
                        format!("image ID `{id}` is already used"),
                    ));
                } else {
                    first_id.insert(id, resource);
                }
            }
        }
        let Some(name) = resource.name.as_deref() else {
            continue;
        };
        let Some(scope) = name_scope(resource) else { continue };
        let key = (resource.kind, scope, name);
        if let Some(original) = first.get(&key) {
            findings.push(duplicate(
                resource,
                original,
                "name",
                format!("{} name `{name}` is already used", resource.kind),
            ));
        } else {
            first.insert(key, resource);
        }
    }
}

/// An S003 on `field` of `resource`, with a label on the first definition.
fn duplicate(resource: &Resource, original: &Resource, field: &str, message: String) -> Finding {
    let path = [PathSegment::Key(field.into())];
    let help = match resource.kind {
        Kind::Image => {
            format!("Image {field}s must be unique across every file of the run; rename one of them")
        }
        Kind::Instance => "Instance names must be unique within a directory; rename one of them".to_string(),
    };
    codes::DUPLICATE_NAME
        .finding(message, resource.location(&path))
        .with_primary_label("used again here")
        .with_label(original.location(&path), "first defined here")
        .with_help(help)
        .with_resource(resource.reference())
        .with_path(path.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_of_a_resource_in_text_that_does_not_parse() {
        assert!(shows_a_resource("kind: Instance\nname: [x\n"));
        assert!(shows_a_resource("- kind: 'Image'\n  name: {x\n"));
        assert!(shows_a_resource("{\"kind\" : \"Image\", }"));
        assert!(shows_a_resource("name: a\ninstanceType: x\narchitecture: [\n"));
        assert!(!shows_a_resource("kind: Images\nmykind: Instance\n{{ x }}"));
        assert!(!shows_a_resource("apiVersion: v1\nkind: Instance\n{{ x }}"));
        assert!(!shows_a_resource("{\n // comment\n \"compilerOptions\": {}\n}"));
        assert!(!shows_a_resource("image: nginx\nos: linux\ncount: 3\n{{ x }}"));
    }
}
