//! Terraform inside ROS (`Transform: Aliyun::Terraform-v1.x`): the HCL of each `Workspace`
//! entry (file name → text) is read by the Terraform front end, and every span it gives
//! is moved back into the template.
//!
//! - A literal block scalar (`|`, `|-`, `|+`) maps line by line: the text of the value is
//!   the lines of the block less their indentation, so an offset in the HCL is an offset
//!   in the same line of the YAML file. The mapping is checked against the value the YAML
//!   parser decoded; where it does not hold, or where the scalar is folded (`>`), quoted
//!   (escapes) or a JSON string, every span points at the scalar as a whole.
//! - A ROS parameter named like a variable of the workspace supplies its value (the ROS
//!   documentation's own example declares `subnet_mask` in both): its scalar `Default` is
//!   read as a `--var-file` line would be, and labels the finding at the variable's use.
//!   A parameter without a default is required when the stack is created, and that value
//!   reaches Terraform: the variable is unknown, whatever its own default (so is one whose
//!   value is not read, a `CommaDelimitedList` or a `Json`).
//! - Only Terraform files (`.tf`, `.tf.json`, `.tfvars`, `.tfvars.json`, and `.tofu`,
//!   `.tofu.json` under an `Aliyun::OpenTofu` transform) are read, less the `*.debug.tf`
//!   files ROS ignores; a name that leaves the workspace (`..`, an absolute path) is
//!   skipped.

use crate::catalog::Catalog;
use crate::diag::{Finding, Label, Location};
use crate::iac::{Loaded, Options};
use crate::source::{Limits, Node, PathSegment, SourceFile, Span, Value};
use crate::spec::Resource;
use std::fmt::Write as _;
use std::sync::Arc;

/// Whether a template wraps Terraform (`Transform: Aliyun::Terraform-v1.5`) or OpenTofu
/// (`Aliyun::OpenTofu-v1.8`).
pub fn is_terraform(root: &Node) -> bool {
    transform(root).is_some_and(|t| t.starts_with("aliyun::terraform") || t.starts_with("aliyun::opentofu"))
}

/// A template's `Transform`, trimmed and lower-cased.
fn transform(root: &Node) -> Option<String> {
    root.get("Transform").and_then(Node::as_str).map(|t| t.trim().to_ascii_lowercase())
}

/// How offsets of a workspace file's text become offsets of the template.
#[derive(Debug)]
enum Mapping {
    /// Line `i` of the text starts at `text[i]` and at `yaml[i]` in the template; offsets
    /// past the last mapped line go to `end`.
    Lines { text: Vec<usize>, yaml: Vec<usize>, end: usize },
    /// Everything points at the scalar as a whole.
    Whole(Span),
}

impl Mapping {
    fn span(&self, span: Span) -> Span {
        match self {
            Self::Whole(whole) => *whole,
            Self::Lines { .. } => {
                let start = self.offset(span.start());
                Span::new(start, self.offset(span.end()).max(start))
            }
        }
    }

    fn offset(&self, at: usize) -> usize {
        match self {
            Self::Whole(whole) => whole.start(),
            Self::Lines { text, yaml, end } => {
                let line = text.partition_point(|&start| start <= at).saturating_sub(1);
                match (text.get(line), yaml.get(line)) {
                    (Some(&start), Some(&to)) => (to + (at - start)).min(*end),
                    _ => *end,
                }
            }
        }
    }
}

/// The mapping of a scalar value's text into the template, exact for a literal block.
fn mapping(template: &str, node: &Node, value: &str) -> Mapping {
    let whole = Mapping::Whole(node.span);
    let Some(content_start) = literal_content_start(template, node.span.start()) else { return whole };
    let Some(content) = template.get(content_start..node.span.end()) else { return whole };
    let lines: Vec<(usize, &str)> = content
        .split('\n')
        .scan(content_start, |at, line| {
            let start = *at;
            *at += line.len() + 1;
            Some((start, line.strip_suffix('\r').unwrap_or(line)))
        })
        .collect();
    let indent = lines
        .iter()
        .find(|(_, l)| !l.trim().is_empty())
        .map_or(0, |(_, l)| l.len() - l.trim_start_matches(' ').len());
    let mut candidate = String::new();
    let mut yaml = Vec::new();
    for (start, line) in &lines {
        let strip = indent.min(line.len() - line.trim_start_matches(' ').len());
        yaml.push(start + strip);
        if yaml.len() > 1 {
            candidate.push('\n');
        }
        candidate.push_str(&line[strip..]);
    }
    // Only when the decoded value is what the lines say do positions map line by line.
    if candidate.trim_end() != value.trim_end() {
        return whole;
    }
    let mut text = vec![0];
    text.extend(value.match_indices('\n').map(|(at, _)| at + 1));
    text.truncate(yaml.len());
    yaml.truncate(text.len());
    Mapping::Lines { text, yaml, end: node.span.end() }
}

/// Where the lines of a literal block scalar whose text starts at `start` begin: after the
/// line of its header (`key: |-`, `key: |2 # comment`), with only blank lines between.
fn literal_content_start(template: &str, start: usize) -> Option<usize> {
    let before = template.get(..start)?;
    let blank = before.trim_end_matches([' ', '\t', '\r', '\n']);
    let header_line = blank.rsplit('\n').next()?;
    let header_line = header_line.split(" #").next()?.trim_end();
    let indicator = header_line.rsplit([' ', '\t']).next()?;
    let rest = indicator.strip_prefix('|')?;
    if !rest.chars().all(|c| matches!(c, '-' | '+' | '0'..='9')) || header_line.len() == indicator.len() {
        return None;
    }
    // The content begins on the line after the header.
    let after_header = blank.len() + before.get(blank.len()..)?.find('\n')? + 1;
    Some(after_header)
}

/// A workspace file name that stays inside the workspace, is Terraform's (or, with `tofu`,
/// OpenTofu's: `.tofu`, `.tofu.json`), and is one ROS reads: ROS ignores a `*.debug.tf`
/// file (Alibaba's "Methods and suggestions for Terraform code development": the place for
/// a provider block used only when testing locally). Extensions are matched with their case,
/// as Terraform and OpenTofu read a directory (and as a file on disk is read): neither tool
/// reads a `main.TF`.
fn readable(name: &str, tofu: bool) -> bool {
    let ends = |ext: &&str| name.ends_with(ext);
    let terraform = ([".tf", ".tf.json", ".tfvars", ".tfvars.json"].iter().any(ends)
        || (tofu && [".tofu", ".tofu.json"].iter().any(ends)))
        // Which case ROS skips is not documented: skipping `x.Debug.tf` too can only miss
        // what a local test's provider block says, never move an instance.
        && !name.to_ascii_lowercase().ends_with(".debug.tf");
    let inside = !name.starts_with(['/', '\\'])
        && !name.contains(':')
        && name.split(['/', '\\']).all(|part| !part.is_empty() && part != "..");
    terraform && inside
}

/// Reads the workspace of a Terraform template.
pub fn load(file: &Arc<SourceFile>, root: &Node, options: &Options, catalog: &Catalog) -> Loaded {
    let Some(Value::Map(entries)) = root.get("Workspace").map(|n| &n.value) else { return Loaded::default() };
    let mut files: Vec<(Arc<SourceFile>, Mapping)> = Vec::new();
    let tofu = transform(root).is_some_and(|t| t.starts_with("aliyun::opentofu"));
    for entry in entries {
        let Value::Str(text) = &entry.value.value else { continue };
        if !readable(&entry.key.name, tofu) {
            continue;
        }
        let name = format!("{}#Workspace/{}", file.name, entry.key.name);
        let virtual_file = Arc::new(SourceFile::new(name, &**text));
        files.push((virtual_file, mapping(&file.text, &entry.value, text)));
    }
    if files.is_empty() {
        return Loaded::default();
    }
    let given = parameter_values(file, root);
    let workspace_options = Options {
        region: options.region.clone(),
        vars: Vec::new(),
        var_files: given.files.iter().map(|(f, _)| Arc::clone(f)).collect(),
        twins_on_disk: false,
        vars_after_files: Vec::new(),
        unknown_vars: given.unknown,
        unread: crate::iac::Unread::default(),
    };
    let sources: Vec<Arc<SourceFile>> = files.iter().map(|(f, _)| Arc::clone(f)).collect();
    files.extend(given.files);
    let mut loaded =
        crate::terraform::load_contained(&sources, &workspace_options, Limits::default(), catalog);
    let back = Back { file, files: &files };
    for resource in &mut loaded.resources {
        back.resource(resource);
    }
    for finding in &mut loaded.findings {
        back.finding(finding);
    }
    loaded.skipped = loaded.skipped.iter().map(|note| workspace_note(&file.name, note)).collect();
    loaded
}

/// A note of the Terraform front end about a workspace file, as a note on the template:
/// `t.yaml#Workspace/main.tf: skipped: why` is ``t.yaml: skipped: Workspace `main.tf`: why``,
/// so that it is shown when the template is named (a run over named files keeps the notes of
/// those files) and names a file that exists.
fn workspace_note(template: &str, note: &str) -> String {
    let prefix = format!("{template}#Workspace/");
    let Some((inner, why)) = note.strip_prefix(&prefix).and_then(|rest| rest.split_once(": ")) else {
        return note.replace(&prefix, "");
    };
    let why = why.replace(&prefix, "");
    match why.strip_prefix("skipped: ") {
        Some(why) => format!("{template}: skipped: Workspace `{inner}`: {why}"),
        None => format!("{template}: Workspace `{inner}`: {why}"),
    }
}

/// What the ROS parameters named like variables give them.
#[derive(Default)]
struct Given {
    /// One variables file per parameter with a scalar `Default`, setting the variable of the
    /// same name; its spans map to the `Default`. The file's name ends in what the Terraform
    /// front end's label says of it ("set in the Default of ROS parameter `x`").
    files: Vec<(Arc<SourceFile>, Mapping)>,
    /// The variables whose value is not known: a parameter without a `Default` is required
    /// when the stack is created, and that value reaches Terraform, not the variable's
    /// default; nor is a value ecslint does not read as a variables file (a list, JSON, an
    /// OOS parameter's name).
    unknown: Vec<(String, Location, String)>,
}

fn parameter_values(file: &Arc<SourceFile>, root: &Node) -> Given {
    let Some(Value::Map(parameters)) = root.get("Parameters").map(|n| &n.value) else {
        return Given::default();
    };
    let mut out = Given::default();
    for parameter in parameters {
        let name = &parameter.key.name;
        let identifier = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !identifier {
            continue;
        }
        let mut unknown = |why: String| {
            out.unknown.push((name.to_string(), Location::new(Arc::clone(file), parameter.key.span), why));
        };
        let kind = parameter.value.get_str("Type");
        if let Some(kind) = kind.filter(|t| !matches!(*t, "String" | "Number" | "Boolean")) {
            unknown(format!("ROS parameter `{name}` is a `{kind}`, whose value ecslint does not read"));
            continue;
        }
        let Some(default) = parameter.value.get("Default") else {
            unknown(format!(
                "ROS parameter `{name}` has no `Default`: its value is given when the stack is created"
            ));
            continue;
        };
        let value = match &default.value {
            Value::Str(s) => hcl_string(s),
            Value::Int(i) => i.to_string(),
            Value::Float(f) if f.is_finite() => f.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => {
                unknown(format!("the `Default` of ROS parameter `{name}` is not a plain value"));
                continue;
            }
        };
        let text = format!("{name} = {value}\n");
        let label = format!("{}#Parameters/the Default of ROS parameter `{name}`", file.name);
        out.files.push((Arc::new(SourceFile::new(label, text)), Mapping::Whole(default.span)));
    }
    out
}

/// `text` as an HCL string literal that gives it back: quoted, with HCL's escapes (it has no
/// `\b` or `\f`, which JSON's quoting writes: a `Default` holding one gave a false S001) and
/// its templates escaped (`$${`, `%%{`).
fn hcl_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Moves locations in workspace files back into the template.
struct Back<'a> {
    file: &'a Arc<SourceFile>,
    files: &'a [(Arc<SourceFile>, Mapping)],
}

impl Back<'_> {
    /// The template span of `span` in `file`, or `None` for a file of no workspace entry.
    fn span(&self, file: &Arc<SourceFile>, span: Span) -> Option<Span> {
        if let Some((_, mapping)) = self.files.iter().find(|(f, _)| Arc::ptr_eq(f, file)) {
            let len = self.file.text.len();
            let mapped = mapping.span(span);
            let end = mapped.end().min(len);
            return Some(Span::new(mapped.start().min(end), end));
        }
        None
    }

    fn location(&self, location: &mut Location) {
        if let Some(span) = self.span(&location.file, location.span) {
            *location = Location::new(Arc::clone(self.file), span);
        }
    }

    fn labels(&self, labels: &mut [Label]) {
        for label in labels {
            self.location(&mut label.location);
        }
    }

    fn finding(&self, finding: &mut Finding) {
        self.location(&mut finding.location);
        self.labels(&mut finding.labels);
    }

    fn resource(&self, resource: &mut Resource) {
        let Some(extra) = resource.iac.as_mut() else { return };
        let mut path = Vec::new();
        // Node spans point into the file of their field's site, else the resource's.
        self.node(&mut resource.node, &mut path, extra, &resource.file);
        let extra = Arc::make_mut(extra);
        for site in &mut extra.sites {
            if self.span(&site.file, Span::new(0, 0)).is_some() {
                site.file = Arc::clone(self.file);
            }
            self.labels(&mut site.labels);
        }
        for unknown in &mut extra.unknown {
            self.location(&mut unknown.location);
            if let Some(written) = &mut unknown.written {
                self.location(written);
            }
        }
        if self.span(&resource.file, Span::new(0, 0)).is_some() {
            resource.file = Arc::clone(self.file);
        }
    }

    fn node(
        &self,
        node: &mut Node,
        path: &mut Vec<PathSegment>,
        extra: &crate::iac::Extra,
        own: &Arc<SourceFile>,
    ) {
        let file = extra.site(path).map_or(own, |site| &site.file);
        if let Some(span) = self.span(file, node.span) {
            node.span = span;
        }
        match &mut node.value {
            Value::Map(entries) => {
                for entry in entries {
                    path.push(PathSegment::Key(entry.key.name.to_string()));
                    let file = extra.site(path).map_or(own, |site| &site.file);
                    if let Some(span) = self.span(file, entry.key.span) {
                        entry.key.span = span;
                    }
                    self.node(&mut entry.value, path, extra, own);
                    path.pop();
                }
            }
            Value::Seq(items) => {
                for (index, item) in items.iter_mut().enumerate() {
                    path.push(PathSegment::Index(index));
                    self.node(item, path, extra, own);
                    path.pop();
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Limits, parse};

    /// The template text under the span of the canonical field `field` of the first
    /// resource named `name`, with the resources' file name.
    /// Parses `text` as the ROS template `name` and extracts it with the built-in catalog.
    fn extracted(name: &str, text: &str) -> (Arc<SourceFile>, Loaded) {
        let file = Arc::new(SourceFile::new(name, text));
        let catalog = Catalog::builtin().expect("built-in catalog");
        let document = parse(&file, Limits::default()).expect("parses").remove(0);
        let loaded = super::super::extract(&file, document, &Options::default(), &catalog);
        (file, loaded)
    }

    fn under(text: &str, name: &str, field: &str) -> (String, String) {
        let (_, loaded) = extracted("stack.yaml", text);
        let resource =
            loaded.resources.iter().find(|r| r.name.as_deref() == Some(name)).expect("the resource");
        let node = resource.node.get(field).expect("the field");
        (resource.file.name.clone(), text[node.span.start()..node.span.end()].to_string())
    }

    fn template(block: &str) -> String {
        format!(
            "ROSTemplateFormatVersion: '2015-09-01'\nTransform: Aliyun::Terraform-v1.5\nWorkspace:\n  main.tf: {block}"
        )
    }

    const HCL: &str = "\n    resource \"alicloud_instance\" \"web\" {\n      instance_type = \"ecs.g7.large\"\n      image_id      = \"centos_7\"\n    }\n";

    #[test]
    fn a_literal_block_maps_line_by_line() {
        for header in ["|", "|-", "|+", "|- # the instance", "|\n"] {
            let text = template(&format!("{header}{HCL}"));
            let (file, found) = under(&text, "alicloud_instance.web", "image");
            assert_eq!(file, "stack.yaml");
            assert_eq!(found, "\"centos_7\"", "header {header:?}");
            let (_, found) = under(&text, "alicloud_instance.web", "instanceType");
            assert_eq!(found, "\"ecs.g7.large\"");
        }
    }

    #[test]
    fn crlf_line_ends_map_line_by_line() {
        let text = template(&format!("|{HCL}")).replace('\n', "\r\n");
        assert_eq!(under(&text, "alicloud_instance.web", "image").1, "\"centos_7\"");
    }

    #[test]
    fn folded_and_quoted_scalars_point_at_the_whole_scalar() {
        let folded = template(&format!(">{HCL}"));
        let (_, found) = under(&folded, "alicloud_instance.web", "image");
        assert!(found.starts_with("resource") && found.trim_end().ends_with('}'), "{found}");
        let quoted = template(
            "\"resource \\\"alicloud_instance\\\" \\\"web\\\" {\\n  instance_type = \\\"ecs.g7.large\\\"\\n  image_id = \\\"centos_7\\\"\\n}\\n\"\n",
        );
        let (_, found) = under(&quoted, "alicloud_instance.web", "image");
        assert!(found.starts_with("\"resource") && found.ends_with("}\\n\""), "{found}");
    }

    #[test]
    fn an_explicit_indentation_that_keeps_spaces_is_not_mapped_by_guess() {
        // `|1` keeps three of the four spaces in the value: the lines do not give the
        // value, so the whole scalar is pointed at, never a shifted column.
        let text = template(&format!("|1{HCL}"));
        let (_, found) = under(&text, "alicloud_instance.web", "image");
        assert!(found.trim_start().starts_with("resource") && found.len() > 40, "{found}");
    }

    #[test]
    fn a_ros_parameter_default_sets_the_variable_and_labels_the_finding() {
        let text = "ROSTemplateFormatVersion: '2015-09-01'\nTransform: Aliyun::Terraform-v1.5\nParameters:\n  image_id:\n    Type: String\n    Default: centos_7\nWorkspace:\n  main.tf: |\n    variable \"image_id\" {}\n    resource \"alicloud_instance\" \"web\" {\n      instance_type = \"ecs.g7.large\"\n      image_id      = var.image_id\n    }\n";
        let (file, loaded) = extracted("stack.yaml", text);
        let web =
            loaded.resources.iter().find(|r| r.name.as_deref() == Some("alicloud_instance.web")).unwrap();
        let node = web.node.get("image").expect("image");
        assert_eq!(&text[node.span.start()..node.span.end()], "var.image_id");
        let extra = web.iac.as_deref().unwrap();
        let site = extra.site(&[PathSegment::Key("image".into())]).expect("a site");
        let label = site.labels.first().expect("a label");
        assert!(Arc::ptr_eq(&label.location.file, &file));
        assert_eq!(&text[label.location.span.start()..label.location.span.end()], "centos_7");
        assert!(label.message.contains("ROS parameter `image_id`"), "{}", label.message);
    }

    #[test]
    fn a_ros_parameter_default_reaches_the_variable_as_written_whatever_it_holds() {
        // JSON's quoting writes `\b` and `\f`, which HCL does not have: such a `Default` was
        // a false S001, and every other parameter's value was lost with it.
        for value in
            ["a\u{8}b\u{c}c", "tab\there \"q\" \\ back", "${x} $${y} %{z} 100%", "\u{7f}\u{1}é\r\n", ""]
        {
            let json = serde_json::json!({
                "ROSTemplateFormatVersion": "2015-09-01",
                "Transform": "Aliyun::Terraform-v1.5",
                "Parameters": {
                    "Note": {"Type": "String", "Default": value},
                    "Type": {"Type": "String", "Default": "ecs.g7.large"},
                },
                "Workspace": {
                    "main.tf": "variable \"Note\" {}\nvariable \"Type\" {}\nresource \"alicloud_instance\" \"web\" {\n  instance_type = var.Type\n  image_id = \"centos_7\"\n  tags = { note = var.Note }\n}\n",
                },
            });
            let (_, loaded) = extracted("stack.json", &json.to_string());
            assert!(loaded.findings.is_empty(), "{value:?}: {:?}", loaded.findings);
            let web = loaded.resources.first().expect("the instance");
            assert_eq!(web.node.get_str("instanceType"), Some("ecs.g7.large"), "{value:?}");
            let note = web.node.get("labels").and_then(|labels| labels.get_str("note"));
            assert_eq!(note, Some(value));
        }
    }

    #[test]
    fn a_ros_parameter_without_a_default_leaves_the_variable_unknown() {
        // ROS requires a value for a parameter without `Default` when the stack is created,
        // and that value, not the variable's own default, reaches Terraform (trial case
        // 27-transform: the variable's `ecs.g7.larg` gave a false S010).
        let text = "ROSTemplateFormatVersion: '2015-09-01'\nTransform: Aliyun::Terraform-v1.5\nParameters:\n  image_id:\n    Type: String\n    Default: centos_7\n  instance_type:\n    Type: String\n  zone:\n    Type: CommaDelimitedList\n    Default: cn-hangzhou-h\nWorkspace:\n  main.tf: |\n    variable \"image_id\" {\n      default = \"ubuntu_22_04\"\n    }\n    variable \"instance_type\" {\n      default = \"ecs.g7.larg\"\n    }\n    variable \"zone\" {\n      default = \"cn-hangzhou-i\"\n    }\n    resource \"alicloud_instance\" \"web\" {\n      instance_type     = var.instance_type\n      image_id          = var.image_id\n      availability_zone = var.zone\n    }\n";
        let (file, loaded) = extracted("stack.yaml", text);
        let web =
            loaded.resources.iter().find(|r| r.name.as_deref() == Some("alicloud_instance.web")).unwrap();
        assert!(web.node.get("instanceType").is_none());
        let extra = web.iac.as_deref().unwrap();
        let unknown = extra.unknown.iter().find(|u| u.field == "instanceType").expect("instanceType unknown");
        assert!(unknown.why.contains("ROS parameter `instance_type`"), "{}", unknown.why);
        assert!(Arc::ptr_eq(&unknown.location.file, &file));
        // Nor is a value ecslint does not read (what ROS gives Terraform for a list).
        let zone = extra.unknown.iter().find(|u| u.field == "zone").expect("zone unknown");
        assert!(zone.why.contains("`CommaDelimitedList`"), "{}", zone.why);
        // The parameter with a `Default` still sets its variable.
        let image = web.node.get("image").expect("image");
        assert_eq!(&text[image.span.start()..image.span.end()], "var.image_id");
        assert!(extra.unknown.iter().all(|u| u.field != "image"));
    }

    #[test]
    fn an_opentofu_workspace_reads_tofu_files_and_a_terraform_one_does_not() {
        let workspace = |transform: &str, name: &str| {
            format!(
                "ROSTemplateFormatVersion: '2015-09-01'\nTransform: {transform}\nWorkspace:\n  {name}: |{HCL}"
            )
        };
        let names = |text: &str| -> Vec<String> {
            extracted("stack.yaml", text).1.resources.iter().filter_map(|r| r.name.clone()).collect()
        };
        assert_eq!(names(&workspace("Aliyun::OpenTofu-v1.8", "main.tofu")), ["alicloud_instance.web"]);
        assert!(names(&workspace("Aliyun::Terraform-v1.5", "main.tofu")).is_empty());
        // Beside `main.tofu`, OpenTofu does not read `main.tf`: one instance, not two.
        let both = format!(
            "{}  main.tf: |{}",
            workspace("Aliyun::OpenTofu-v1.8", "main.tofu"),
            HCL.replace("\"web\"", "\"old\"")
        );
        let (_, loaded) = extracted("stack.yaml", &both);
        let found: Vec<_> = loaded.resources.iter().filter_map(|r| r.name.clone()).collect();
        assert_eq!(found, ["alicloud_instance.web"]);
        let note = "stack.yaml: skipped: Workspace `main.tf`: `main.tofu` is read in its place";
        assert!(loaded.skipped.iter().any(|s| s.starts_with(note)), "{:?}", loaded.skipped);
    }

    #[test]
    fn a_note_on_a_workspace_file_is_a_note_on_the_template() {
        let bound = "t.yaml#Workspace/main.tf: module.m in the root module: more than 10000 module \
                     instances are not evaluated; its resources are not read";
        assert_eq!(
            workspace_note("t.yaml", bound),
            "t.yaml: Workspace `main.tf`: module.m in the root module: more than 10000 module \
             instances are not evaluated; its resources are not read"
        );
        let shadowed = "t.yaml#Workspace/m/x.tf: skipped: `x.tofu` is read in its place";
        assert_eq!(
            workspace_note("t.yaml", shadowed),
            "t.yaml: skipped: Workspace `m/x.tf`: `x.tofu` is read in its place"
        );
        assert_eq!(
            workspace_note("t.yaml", "more than 100000 resource instances"),
            "more than 100000 resource instances"
        );
    }

    #[test]
    fn names_outside_the_workspace_and_other_files_are_not_read() {
        assert!(readable("main.tf", false) && readable("modules/vpc/main.tf", false));
        assert!(readable("terraform.tfvars", false) && readable("main.tofu", true));
        assert!(!readable("main.tofu", false) && !readable("m/x.tofu.json", false));
        for name in
            ["../main.tf", "/etc/x.tf", "a//b.tf", "C:/x.tf", "README.md", "setup.sh", "main.TF", "x.Tofu"]
        {
            assert!(!readable(name, true), "{name}");
        }
    }

    #[test]
    fn debug_files_that_ros_ignores_are_not_read() {
        assert!(!readable("provider.debug.tf", false) && !readable("modules/vpc/local.Debug.tf", true));
        assert!(readable("debug.tf", false) && readable("debug_provider.tf", false));
        // The local provider's region would move the instance to Hong Kong: with it
        // skipped, the instance is in the stack's region (unknown without `--region`).
        let text = "ROSTemplateFormatVersion: '2015-09-01'\nTransform: Aliyun::Terraform-v1.5\nWorkspace:\n  provider.debug.tf: |\n    provider \"alicloud\" {\n      region = \"cn-hongkong\"\n    }\n  main.tf: |\n    resource \"alicloud_instance\" \"web\" {\n      instance_type = \"ecs.g7.large\"\n      image_id      = \"centos_7\"\n    }\n";
        let (_, loaded) = extracted("stack.yaml", text);
        let web = loaded.resources.iter().find(|r| r.name.as_deref() == Some("alicloud_instance.web"));
        let web = web.expect("the instance");
        assert!(web.node.get("region").is_none());
        let unknown: Vec<&str> =
            web.iac.as_deref().unwrap().unknown.iter().map(|u| u.field.as_str()).collect();
        assert!(unknown.contains(&"region"), "{unknown:?}");
    }

    #[test]
    fn a_syntax_error_points_into_the_block() {
        let text = template("|\n    resource \"alicloud_instance\" \"web\" {\n      image_id = \n    }\n");
        let (file, loaded) = extracted("stack.yaml", text.as_str());
        let finding = loaded.findings.first().expect("an S001");
        assert_eq!(finding.code, "S001");
        assert!(Arc::ptr_eq(&finding.location.file, &file));
        let line = finding.location.start().line;
        assert!((5..=6).contains(&line), "line {line}");
    }

    #[test]
    fn a_template_without_the_transform_reads_no_workspace() {
        let text = "ROSTemplateFormatVersion: '2015-09-01'\nWorkspace:\n  main.tf: |\n    resource \"alicloud_instance\" \"web\" {\n      image_id = \"centos_7\"\n    }\n";
        assert!(extracted("stack.yaml", text).1.resources.is_empty());
    }

    #[test]
    fn a_module_outside_the_workspace_is_not_read_from_disk() {
        // `../../other` from `<dir>/sub/stack.yaml#Workspace` is `<dir>/other`, on disk.
        let dir = std::env::temp_dir().join(format!("ecslint-workspace-outside-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("other")).expect("scratch directory");
        let outside = "resource \"alicloud_instance\" \"x\" {\n  instance_type = \"ecs.g7.large\"\n}\n";
        std::fs::write(dir.join("other/main.tf"), outside).expect("module written");
        let text = template("|\n    module \"m\" {\n      source = \"../../other\"\n    }\n");
        let name = dir.join("sub/stack.yaml").to_string_lossy().into_owned();
        let (_, loaded) = extracted(&name, &text);
        std::fs::remove_dir_all(&dir).expect("scratch removed");
        assert!(
            loaded.resources.is_empty(),
            "{:?}",
            loaded.resources.iter().map(|r| &r.name).collect::<Vec<_>>()
        );
    }
}
