//! What every infrastructure-as-code front end shares (DESIGN §8): the origin of a
//! canonical resource, values that carry the place they were written, and the
//! [`Builder`] that turns them into the same [`Resource`] a spec file gives.
//!
//! A front end (Terraform, ROS, Packer) reads its files into canonical Instances and
//! Images through the builder, and nothing downstream asks which format a resource came
//! from unless a rule reads `resource.origin`. Three things differ from a spec:
//! - a field's value may have been written in another file than the resource (a
//!   variable's default in `variables.tf`): the field's node spans point into that
//!   field's own file, and [`Resource::location`] looks the file up per field;
//! - the definitions a value travelled through become secondary labels of every finding
//!   on that field ("the default that supplied it");
//! - a value that cannot be known before deploy is *unknown*: the field is left out,
//!   and every rule that reads it is skipped on that resource, as for a field that
//!   failed validation. S011 lists what was skipped.

use crate::diag::{Finding, Label, Location};
use crate::source::{Entry, Key, Node, PathSegment, SourceFile, Span, Value};
use crate::spec::{Kind, Resource};
use std::sync::Arc;

pub mod keys;
pub mod objects;

/// The input format of a resource, as rules read it in `resource.origin.format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Terraform,
    Ros,
    Packer,
}

impl Format {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Terraform => "terraform",
            Self::Ros => "ros",
            Self::Packer => "packer",
        }
    }
}

/// Where an IaC resource came from (`resource.origin` in rules).
#[derive(Clone, Debug)]
pub struct Origin {
    pub format: Format,
    /// The native type: `alicloud_instance`, `ALIYUN::ECS::Instance`, `alicloud-ecs`.
    pub native_type: String,
    /// Terraform address with module path and index, ROS logical ID, Packer source name.
    pub address: String,
    /// The native attributes as written, with what static evaluation made of them
    /// (unknown values are `null`).
    pub attributes: serde_json::Value,
    /// A key that names this resource uniquely in the run, for references between
    /// resources of one configuration: two Terraform roots in one repository may both
    /// hold `alicloud_image.app`. Front ends write it into `image`/`derivedFrom` of the
    /// resources that refer to this one (see [`Builder::reference`]).
    pub key: String,
}

/// The native type of an image lookup: a Terraform `data "alicloud_images"` block, or a
/// fuzzy ROS `ImageId` or Packer `image_family` that names public images by a prefix.
pub const LOOKUP_TYPES: [&str; 2] = ["alicloud_images", "ros-image-lookup"];

impl Origin {
    /// Whether the resource is an image lookup (see [`LOOKUP_TYPES`]).
    pub fn is_lookup(&self) -> bool {
        LOOKUP_TYPES.contains(&self.native_type.as_str())
    }
}

/// How the user writes `field: value` in the format a resource came from, for help lines:
/// `instanceType: ecs.g7.large` in a spec, `instance_type = "ecs.g7.large"` in Terraform
/// and Packer, `InstanceType: ecs.g7.large` in ROS. A field with no single native name
/// (an image's `regions`) keeps the canonical one.
pub fn assignment(resource: &Resource, field: &str, value: &str) -> String {
    let Some(extra) = resource.iac.as_deref() else { return format!("{field}: {value}") };
    let native = match (extra.origin.format, field) {
        (Format::Terraform | Format::Packer, "instanceType") => "instance_type",
        (Format::Terraform, "image") => "image_id",
        (Format::Terraform, "zone") => "availability_zone",
        (Format::Packer, "image" | "derivedFrom") => "source_image",
        (Format::Ros, "instanceType") => "InstanceType",
        (Format::Ros, "image") => "ImageId",
        (Format::Ros, "zone") => "ZoneId",
        _ => return format!("{field}: {value}"),
    };
    match extra.origin.format {
        Format::Ros => format!("{native}: {value}"),
        Format::Terraform | Format::Packer => format!("{native} = \"{value}\""),
    }
}

/// A value the rules need that static evaluation could not reach (S011).
#[derive(Clone, Debug)]
pub struct Unknown {
    /// The canonical top-level field (`image`, `instanceType`, `region`, ...).
    pub field: String,
    /// Where the value is written (the attribute's expression).
    pub location: Location,
    /// Why it is unknown: "`data.alicloud_instance_types.x` is known only after apply".
    pub why: String,
    /// Where the field's own value is written, when what makes it unknown is written
    /// elsewhere (a `count` not known, at `location`, leaves every field of the resource
    /// unknown): a suppression comment on this line is not called unused either.
    pub written: Option<Location>,
}

/// The file and the secondary labels of one field of an IaC resource.
#[derive(Clone, Debug)]
pub struct Site {
    /// The path of the field from the resource's root; applies to everything under it
    /// unless a longer path has a site of its own.
    pub path: Vec<PathSegment>,
    /// The file the field's node spans point into.
    pub file: Arc<SourceFile>,
    /// Definitions the value came through, shown as secondary labels of findings on it.
    pub labels: Vec<Label>,
}

/// What an IaC resource carries besides its canonical node.
#[derive(Clone, Debug)]
pub struct Extra {
    pub origin: Origin,
    pub sites: Vec<Site>,
    pub unknown: Vec<Unknown>,
    /// A reference to another resource of the run, by [`Origin::key`], for the field it
    /// stands in (`image` of an instance, `derivedFrom` of an image). The node holds the
    /// referred resource's address, which is what the user reads in messages.
    pub references: Vec<(String, String)>,
}

impl Extra {
    /// The site of the field at `path`: the one with the longest path that starts it.
    pub fn site(&self, path: &[PathSegment]) -> Option<&Site> {
        self.sites.iter().filter(|site| path.starts_with(&site.path)).max_by_key(|site| site.path.len())
    }

    /// The key of the run resource that the field `field` refers to, if a front end
    /// resolved it.
    pub fn reference(&self, field: &str) -> Option<&str> {
        self.references.iter().find(|(f, _)| f == field).map(|(_, key)| key.as_str())
    }

    /// `resource.origin` as rules read it.
    pub fn origin_json(&self) -> serde_json::Value {
        serde_json::json!({
            "format": self.origin.format.as_str(),
            "type": self.origin.native_type,
            "address": self.origin.address,
            "attributes": self.origin.attributes,
        })
    }
}

/// A value and the place it stands for the user: where the finding on it points.
#[derive(Clone, Debug)]
pub struct Placed<T> {
    pub value: T,
    /// Where the value is used (the attribute's expression, or the module call's argument).
    pub at: Location,
    /// The definitions it came through ("default of `var.image_id`"), nearest last.
    pub via: Vec<Label>,
}

impl<T> Placed<T> {
    pub const fn new(value: T, at: Location) -> Self {
        Self { value, at, via: Vec::new() }
    }
}

/// Whether a written text is the `""` that stands for "not set" in every IaC format: a
/// skeleton's placeholder for what the user fills in later. Terraform's `alicloud`
/// provider and Packer's `alicloud-ecs` builder read an empty argument as one not written
/// (an empty region is the environment's `ALICLOUD_REGION`), so it is unset, never a bad
/// value, whether written literally or through a variable.
pub fn is_unset(text: &str) -> bool {
    text.is_empty()
}

/// Builds one canonical resource from placed values.
pub struct Builder {
    kind: Kind,
    file: Arc<SourceFile>,
    head: Span,
    entries: Vec<Entry>,
    /// The items of top-level list fields while [`Builder::push_string`] appends to them (the
    /// tree's lists are exact-size slices): put into their entries by [`Builder::finish`].
    lists: Vec<(String, Vec<Node>)>,
    extra: Extra,
}

impl Builder {
    /// A resource whose block or logical ID is at `head`; its name is the address.
    pub fn new(kind: Kind, origin: Origin, head: Location) -> Self {
        let mut builder = Self {
            kind,
            file: Arc::clone(&head.file),
            head: head.span,
            entries: Vec::new(),
            lists: Vec::new(),
            extra: Extra { origin, sites: Vec::new(), unknown: Vec::new(), references: Vec::new() },
        };
        let address = builder.extra.origin.address.clone();
        builder.put(&[], "kind", Placed::new(Value::Str(kind.as_str().into()), head.clone()));
        builder.put(&[], "name", Placed::new(Value::Str(address.into()), head));
        builder
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Sets a top-level string field.
    pub fn string(&mut self, field: &str, value: Placed<String>) -> &mut Self {
        self.put(&[], field, value.map(|s| Value::Str(s.into())))
    }

    /// Sets a top-level integer field.
    pub fn int(&mut self, field: &str, value: Placed<i64>) -> &mut Self {
        self.put(&[], field, value.map(Value::Int))
    }

    /// Sets a top-level boolean field.
    pub fn bool(&mut self, field: &str, value: Placed<bool>) -> &mut Self {
        self.put(&[], field, value.map(Value::Bool))
    }

    /// Sets a string inside a top-level mapping field (`os.family`).
    pub fn nested_string(&mut self, field: &str, key: &str, value: Placed<String>) -> &mut Self {
        self.put(&[field], key, value.map(|s| Value::Str(s.into())))
    }

    /// Appends a string to a top-level list field (`regions`, `sharedWith`), creating it.
    pub fn push_string(&mut self, field: &str, value: Placed<String>) -> &mut Self {
        let at = if let Some(at) = self.lists.iter().position(|(f, _)| f == field) {
            at
        } else {
            // A list put whole before is appended to, anything else replaced.
            let items = if let Some(Entry { value: Node { value: Value::Seq(items), .. }, .. }) =
                self.entry_mut(field)
            {
                std::mem::take(items).into_vec()
            } else {
                let empty = Placed::new(Value::Seq(Box::default()), value.at.clone());
                self.put(&[], field, empty);
                Vec::new()
            };
            self.lists.push((field.to_string(), items));
            self.lists.len() - 1
        };
        let index = self.lists[at].1.len();
        let path = vec![PathSegment::Key(field.to_string()), PathSegment::Index(index)];
        self.site(path, &value);
        self.lists[at].1.push(Node::new(value.at.span, Value::Str(value.value.into())));
        self
    }

    /// Marks a top-level field unknown: rules that read it skip this resource.
    pub fn unknown(&mut self, field: &str, at: Location, why: impl Into<String>) -> &mut Self {
        self.extra.references.retain(|(f, _)| f != field);
        self.entries.retain(|e| &*e.key.name != field);
        self.lists.retain(|(f, _)| f != field);
        self.extra.unknown.push(Unknown {
            field: field.to_string(),
            location: at,
            why: why.into(),
            written: None,
        });
        self
    }

    /// As [`Self::unknown`], replacing why the field was unknown so far (ESS's `image_name`
    /// says more than "`image_id` is not set").
    pub fn unknown_instead(&mut self, field: &str, at: Location, why: impl Into<String>) -> &mut Self {
        self.extra.unknown.retain(|u| u.field != field);
        self.unknown(field, at, why)
    }

    /// Marks every field set so far unknown (its name and kind stay), for a resource that
    /// may not be created at all: nothing about it is reported, and S011 says why.
    pub fn may_be_none(&mut self, at: &Location, why: &str) -> &mut Self {
        let fields: Vec<String> = self
            .entries
            .iter()
            .map(|e| e.key.name.to_string())
            .filter(|field| field != "kind" && field != "name")
            .collect();
        for field in fields {
            self.unknown_set(&field, at.clone(), why);
        }
        self
    }

    /// As [`Self::unknown`], for a field that may be set, by a cause written elsewhere (a
    /// `count` not known): where the field was set is kept, as [`Unknown::written`].
    pub fn unknown_set(&mut self, field: &str, at: Location, why: impl Into<String>) -> &mut Self {
        let written = self.entries.iter().find(|e| &*e.key.name == field).and_then(|e| {
            // A value set from elsewhere (a module call's argument) is in its site's file.
            let path = [PathSegment::Key(field.to_string())];
            let site = self.extra.site(&path);
            let file = site.map_or(&self.file, |site| &site.file);
            // One the front end filled in itself (an image's `type`) is placed at the head,
            // which is not where anything was written.
            let at_head = site.is_none() && e.value.span == self.head;
            (!at_head).then(|| Location::new(Arc::clone(file), e.value.span))
        });
        self.unknown(field, at, why);
        if let Some(last) = self.extra.unknown.last_mut() {
            last.written = written;
        }
        self
    }

    /// Whether a top-level field is set.
    pub fn has(&self, field: &str) -> bool {
        self.entries.iter().any(|e| &*e.key.name == field)
    }

    /// Whether the top-level list field `field` has the string `value`.
    pub fn lists(&self, field: &str, value: &str) -> bool {
        let listed =
            |items: &[Node]| items.iter().any(|n| matches!(&n.value, Value::Str(s) if &**s == value));
        self.lists.iter().any(|(f, items)| f == field && listed(items))
            || self.entries.iter().any(|e| {
                &*e.key.name == field && matches!(&e.value.value, Value::Seq(items) if listed(items))
            })
    }

    /// Whether a top-level field was marked unknown.
    pub fn is_unknown(&self, field: &str) -> bool {
        self.extra.unknown.iter().any(|u| u.field == field)
    }

    /// Records that `field` refers to the run resource with key `key`.
    pub fn reference(&mut self, field: &str, key: impl Into<String>) -> &mut Self {
        self.extra.references.retain(|(f, _)| f != field);
        self.extra.references.push((field.to_string(), key.into()));
        self
    }

    /// The finished resource: valid, except that every unknown field counts as one that
    /// failed validation, so the rules reading it do not run.
    pub fn finish(mut self) -> Resource {
        for (field, items) in std::mem::take(&mut self.lists) {
            if let Some(Entry { value: Node { value: Value::Seq(slot), .. }, .. }) = self.entry_mut(&field) {
                *slot = crate::source::fit(items).into_boxed_slice();
            }
        }
        let end = self.entries.iter().map(|e| e.value.span.end()).max().unwrap_or(self.head.end());
        let root = Node::new(
            Span::new(self.head.start(), end.max(self.head.end())),
            Value::Map(crate::source::fit(self.entries).into_boxed_slice()),
        );
        let mut resource = Resource::new(self.kind, self.file, root);
        // A field both set and unknown (set by one source, then found unknown by another)
        // is unknown.
        self.extra.unknown.sort_by(|a, b| a.field.cmp(&b.field));
        self.extra.unknown.dedup_by(|a, b| a.field == b.field);
        if !self.extra.unknown.is_empty() {
            resource.valid = false;
            resource.invalid_fields = self.extra.unknown.iter().map(|u| u.field.clone()).collect();
        }
        resource.iac = Some(Arc::new(self.extra));
        resource
    }

    fn entry_mut(&mut self, field: &str) -> Option<&mut Entry> {
        self.entries.iter_mut().find(|e| &*e.key.name == field)
    }

    fn site(&mut self, path: Vec<PathSegment>, value: &Placed<impl Sized>) {
        // A field set again replaces where it was set too.
        self.extra.sites.retain(|s| s.path != path);
        let same_file = Arc::ptr_eq(&value.at.file, &self.file);
        if same_file && value.via.is_empty() {
            return;
        }
        self.extra.sites.push(Site { path, file: Arc::clone(&value.at.file), labels: value.via.clone() });
    }

    /// Puts `key: value` into the mapping at `parents` (created as needed, top level only).
    fn put(&mut self, parents: &[&str], key: &str, value: Placed<Value>) -> &mut Self {
        let mut path: Vec<PathSegment> = parents.iter().map(|p| PathSegment::Key((*p).to_string())).collect();
        path.push(PathSegment::Key(key.to_string()));
        self.site(path, &value);
        let entry = Entry {
            key: Key { name: key.into(), span: value.at.span },
            value: Node::new(value.at.span, value.value),
        };
        match parents {
            [] => {
                // A field set again no longer refers to what it referred to (a reference is
                // set after the value it belongs to).
                self.extra.references.retain(|(f, _)| f != key);
                self.extra.unknown.retain(|u| u.field != key);
                self.lists.retain(|(f, _)| f != key);
                match self.entry_mut(key) {
                    Some(existing) => *existing = entry,
                    None => self.entries.push(entry),
                }
            }
            [parent, ..] => {
                if self.entry_mut(parent).is_none() {
                    let empty = Placed::new(Value::Map(Box::default()), value.at.clone());
                    self.put(&[], parent, empty);
                }
                if let Some(Entry { value: Node { value: Value::Map(entries), .. }, .. }) =
                    self.entry_mut(parent)
                {
                    // Nested mappings hold a few fields (`os`, `labels`): each put makes a
                    // new exact-size slice, as the search for the key is linear already.
                    let mut grown = std::mem::take(entries).into_vec();
                    grown.retain(|e| &*e.key.name != key);
                    grown.push(entry);
                    *entries = crate::source::fit(grown).into_boxed_slice();
                }
            }
        }
        self
    }
}

impl<T> Placed<T> {
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Placed<U> {
        Placed { value: f(self.value), at: self.at, via: self.via }
    }
}

/// Adds the secondary labels of the field a finding points at: the definitions its value
/// came through. Called once per finding on an IaC resource.
pub fn label_definitions(resource: &Resource, finding: &mut Finding) {
    let Some(extra) = resource.iac.as_deref() else { return };
    let Some(site) = extra.site(&finding.path) else { return };
    for label in &site.labels {
        let duplicate = finding.labels.iter().any(|l| {
            Arc::ptr_eq(&l.location.file, &label.location.file) && l.location.span == label.location.span
        }) || (Arc::ptr_eq(&finding.location.file, &label.location.file)
            && finding.location.span == label.location.span);
        if !duplicate {
            finding.labels.push(label.clone());
        }
    }
}

/// The run's settings for IaC inputs (DESIGN §5).
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// `--region`: the region of ROS templates and of Terraform roots whose provider names none.
    pub region: Option<String>,
    /// `--var NAME=VALUE`, in command-line order (a later one wins).
    pub vars: Vec<(String, String)>,
    /// `--var-file FILE`, in command-line order (a later one wins), already read.
    pub var_files: Vec<Arc<SourceFile>>,
    /// Whether the run holds named files without their project (`--no-context`): the `.tofu`
    /// file that takes a `.tf` file's place is then looked for on disk (the twin is not
    /// read), and a variable the module's files of the run do not declare may be declared in
    /// one the run does not hold (`terraform::vars::root_values`).
    pub twins_on_disk: bool,
    /// Variables of root modules whose value is given only at deploy, so unknown whatever
    /// their default: `(name, where the value is given, why)`, over every other value. A ROS
    /// parameter without a `Default` that a Terraform workspace's variable of its name takes.
    pub unknown_vars: Vec<(String, Location, String)>,
    /// For each of `vars`, how many of `var_files` come before it on the command line, as
    /// Terraform applies `-var` and `-var-file` in the order given (Packer applies every
    /// `-var` last). Empty: every `--var` comes after every file.
    pub vars_after_files: Vec<usize>,
    /// Variables files a module or template directory loads by itself (`terraform.tfvars`,
    /// `*.auto.pkrvars.hcl`, ...) that could not be read: not UTF-8, over the size limit, not
    /// a regular file. Each is an S001 already, and is among the front end's files with no
    /// text: the tool stops on such a file, so every variable it may set is unknown.
    pub unread: Unread,
}

impl Options {
    /// Whether `file` is one of [`Options::unread`].
    pub fn is_unread(&self, file: &Arc<SourceFile>) -> bool {
        self.unread.contains(file)
    }
}

/// Files of the run, told apart by identity, not by name; looked up by binary search, as
/// each root asks once per variables file and a hostile tree may hold many of both.
#[derive(Clone, Debug, Default)]
pub struct Unread(Vec<Arc<SourceFile>>);

impl Unread {
    pub fn contains(&self, file: &Arc<SourceFile>) -> bool {
        self.0.binary_search_by_key(&Arc::as_ptr(file), Arc::as_ptr).is_ok()
    }
}

impl From<Vec<Arc<SourceFile>>> for Unread {
    fn from(mut files: Vec<Arc<SourceFile>>) -> Self {
        files.sort_unstable_by_key(Arc::as_ptr);
        files.dedup_by(|a, b| Arc::ptr_eq(a, b));
        Unread(files)
    }
}

/// A value given on the command line: a `--var-file`, or a `--var`'s name and text.
pub enum Given<'a> {
    File(&'a Arc<SourceFile>),
    Var(&'a str, &'a str),
}

impl Options {
    /// `--var-file` and `--var` in the order they were given.
    pub fn command_line(&self) -> impl Iterator<Item = Given<'_>> {
        let files = self.var_files.len();
        let after = |i: usize| self.vars_after_files.get(i).copied().unwrap_or(files).min(files);
        let mut order: Vec<(usize, usize, Given<'_>)> = Vec::with_capacity(files + self.vars.len());
        // A file `i` sorts at `(i, 1)`; a var after `n` files at `(n, 0)`, before file `n`.
        order.extend(self.var_files.iter().enumerate().map(|(i, file)| (i, 1, Given::File(file))));
        order.extend(
            self.vars.iter().enumerate().map(|(i, (name, text))| (after(i), 0, Given::Var(name, text))),
        );
        order.sort_by_key(|(at, kind, _)| (*at, *kind));
        order.into_iter().map(|(_, _, given)| given)
    }
}

/// What a front end made of its files.
#[derive(Debug, Default)]
pub struct Loaded {
    pub resources: Vec<Resource>,
    /// Syntax errors (S001) and other findings about the files themselves.
    pub findings: Vec<Finding>,
    /// Files that were read as another tool's and skipped, as `file: why`.
    pub skipped: Vec<String>,
    /// `--var` names that no root module of the front end's run declares (Terraform
    /// refuses such a `-var`); empty when the run has no root module.
    pub undeclared_vars: Vec<String>,
}

/// `text` (HCL) as `hcl-edit` is given it, with empty heredocs written as `""`
/// ([`empty_heredocs`]); or why it is not given it at all ([`objects::refused`]).
pub fn hcl_input(text: &str) -> Result<std::borrow::Cow<'_, str>, objects::Refused> {
    let text = empty_heredocs(text);
    match objects::refused(&text, objects::Start::Body) {
        Some(refused) => Err(refused),
        None => Ok(text),
    }
}

/// HCL `text` (Terraform, Packer) with each empty heredoc (`<<EOT` or `<<-EOT` ending its
/// line, the closing `EOT` alone on the next) written as `""` and spaces, in a copy of the
/// same length, so that every span stays one in `text`. `hcl-edit` reads such a heredoc on
/// to the next line that closes one, swallowing the attributes and blocks between (a false
/// finding when they held another block's image); Terraform reads `""`. Lines inside a
/// heredoc that is not empty are text, and left alone; so are comments (`#`, `//`, `/* */`).
pub fn empty_heredocs(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("<<") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut lines = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        lines.push((start, line.trim_end_matches(['\n', '\r'])));
        start += line.len();
    }
    // A heredoc's closing line: its identifier, with blanks around it.
    let closes = |line: &str, id: &str| line.trim_matches([' ', '\t']) == id;
    let mut copy: Option<Vec<u8>> = None;
    let mut open: Option<&str> = None;
    let mut in_comment = false;
    let mut lines = lines.into_iter().peekable();
    while let Some((at, line)) = lines.next() {
        if let Some(id) = open {
            if closes(line, id) {
                open = None;
            }
            continue;
        }
        if in_comment {
            in_comment = !line.contains("*/");
            continue;
        }
        if let Some(comment) = comment_start(line) {
            let rest = line.get(comment..).unwrap_or_default();
            in_comment = rest.starts_with("/*") && !rest.contains("*/");
            continue;
        }
        let Some((opener, id)) = heredoc_opener(line) else { continue };
        match lines.next_if(|next| closes(next.1, id)) {
            Some((next_at, next)) => {
                let bytes = copy.get_or_insert_with(|| text.as_bytes().to_vec());
                let indent = next.len() - next.trim_start_matches([' ', '\t']).len();
                let blank = [(at + opener, at + line.len()), (next_at + indent, next_at + indent + id.len())];
                for (from, to) in blank {
                    if let Some(range) = bytes.get_mut(from..to) {
                        range.fill(b' ');
                    }
                }
                if let Some(quotes) = bytes.get_mut(at + opener..at + opener + 2) {
                    quotes.copy_from_slice(b"\"\"");
                }
            }
            None => open = Some(id),
        }
    }
    match copy.map(String::from_utf8) {
        Some(Ok(rewritten)) => std::borrow::Cow::Owned(rewritten),
        _ => std::borrow::Cow::Borrowed(text),
    }
}

/// Where a comment (`#`, `//`, `/*`) starts on a line of HCL, outside its strings (and
/// the strings of their interpolations).
fn comment_start(line: &str) -> Option<usize> {
    // Open strings and interpolations, innermost last: `None` a string, `Some(n)` code with
    // `n` braces open (the line itself is code).
    let mut stack: Vec<Option<usize>> = vec![Some(0)];
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|(_, n)| *n);
        let nested = stack.len() > 1;
        match (stack.last_mut()?, c) {
            (None, '\\') => {
                chars.next();
            }
            (None, '"') => {
                stack.pop();
            }
            (None, '$' | '%') if next == Some(c) => {
                chars.next();
            }
            (None, '$' | '%') if next == Some('{') => {
                chars.next();
                stack.push(Some(0));
            }
            (Some(_), '"') => stack.push(None),
            (Some(braces), '{') => *braces += 1,
            (Some(0), '}') if nested => {
                stack.pop();
            }
            (Some(braces), '}') => *braces = braces.saturating_sub(1),
            (Some(_), '#') => return Some(i),
            (Some(_), '/') if matches!(next, Some('/' | '*')) => return Some(i),
            _ => {}
        }
    }
    None
}

/// Where a line's heredoc opener (`<<ID` or `<<-ID`, ending the line) starts, and its `ID`.
fn heredoc_opener(line: &str) -> Option<(usize, &str)> {
    let at = line.rfind("<<")?;
    let (_, rest) = line.split_at(at);
    let rest = rest.strip_prefix("<<")?;
    let id = rest.strip_prefix('-').unwrap_or(rest);
    let first = id.chars().next()?;
    let valid = (first.is_alphabetic() || first == '_')
        && id.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    valid.then_some((at, id))
}
