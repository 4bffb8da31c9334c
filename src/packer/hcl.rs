//! Packer HCL2 templates: a directory's `.pkr.hcl` files are one template, with its
//! `variable` defaults, `locals`, the `*.auto.pkrvars.hcl` and `*.auto.pkrvars.json` files
//! beside it (each kind in lexical order), `--var-file` and `--var`, in that order of
//! precedence (a later one wins). Packer loads no other variables file unless it is passed
//! with `-var-file`: a `prod.pkrvars.hcl` beside the template is one choice among several,
//! not part of it. A build's `source "source.alicloud-ecs.x" { name = "y" ... }` block is a
//! build of its own: Packer merges its body into the source's (an attribute set in both is
//! rejected, so unknown here). Packer rejects a directory in which two files declare the same
//! variable, local or source: its files are separate templates, built one at a time, each
//! read alone (an auto variables file's values are then unknown: Packer loads it with a
//! single file only when it is passed with `-var-file`). Literals, string templates, `var.x` and `local.x` are evaluated;
//! anything else (functions, data sources, conditionals) is unknown.

use super::vars::{self, Given, Vars, is_auto_vars, is_vars};
use super::{Attr, Source};
use crate::diag::{Finding, Label, Location};
use crate::iac::{Options, Placed};
use crate::source::{SourceFile, Span as ByteSpan};
use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{Block, Body, Structure};
use hcl_edit::template::Element;
use rayon::prelude::*;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Deepest chain of `local` and `var` references followed (a local that names itself).
const MAX_DEPTH: usize = 32;

/// One template: its files' bodies and what they define.
struct Template<'a> {
    variables: BTreeMap<String, Given<'a>>,
    locals: BTreeMap<String, (&'a Expression, &'a Arc<SourceFile>)>,
}

pub(super) fn span(file: &SourceFile, range: Option<std::ops::Range<usize>>) -> ByteSpan {
    let range = range.unwrap_or(0..0);
    let end = range.end.min(file.text.len());
    ByteSpan::new(range.start.min(end), end)
}

/// Parses each file; a syntax error is an S001 with its position.
pub(super) fn parse(file: &Arc<SourceFile>, findings: &mut Vec<Finding>) -> Option<Body> {
    // Packer, like Terraform, ignores a UTF-8 byte order mark at the start of a file (Windows
    // editors write one); `hcl-edit` rejects it. It is read as three spaces, the same length,
    // so every offset `hcl-edit` gives is still one in the file.
    let text = match file.text.strip_prefix('\u{feff}') {
        Some(rest) => std::borrow::Cow::Owned(format!("   {rest}")),
        None => std::borrow::Cow::Borrowed(&*file.text),
    };
    // The finding's place, message and label.
    let parsed = match crate::iac::hcl_input(&text) {
        // A key written twice in an object is read as Packer reads it (`iac::keys`).
        Ok(input) => match crate::iac::keys::parse_body(&input, crate::iac::keys::MAX_REPARSED) {
            Ok((mut body, renamed)) => {
                crate::iac::keys::restore(&mut body, &text, &renamed);
                Ok(body)
            }
            Err(error) => {
                let label = error.message().to_string();
                Err((error.location().offset(), format!("not valid HCL: {label}"), label))
            }
        },
        Err(refused) => Err((refused.at(), refused.in_file(), "not read".to_string())),
    };
    match parsed {
        Ok(body) => Some(body),
        Err((at, message, label)) => {
            let at = at.min(file.text.len());
            let end = file.text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
            let at = Location::new(Arc::clone(file), ByteSpan::new(at, end));
            findings.push(crate::spec::codes::PARSE_ERROR.finding(message, at).with_primary_label(label));
            None
        }
    }
}

/// The `alicloud-ecs` sources of the run's HCL files, a directory at a time.
pub fn load(files: &[&Arc<SourceFile>], options: &Options, findings: &mut Vec<Finding>) -> Vec<Source> {
    if files.is_empty() {
        return Vec::new();
    }
    let mut by_dir: BTreeMap<&str, Vec<&Arc<SourceFile>>> = BTreeMap::new();
    for file in files {
        let dir = file.name.rsplit_once(['/', '\\']).map_or("", |(dir, _)| dir);
        by_dir.entry(dir).or_default().push(file);
    }
    // `--var-file` serves Terraform and Packer alike: a `.tfvars` is Terraform's, and a
    // Packer file both read is reported once (`check::check`).
    let var_files = vars::hcl_var_files(options, findings);
    // Directories are independent: each is parsed and read on its own core, and their
    // findings and sources are joined in the order of the directories.
    let dirs: Vec<(&str, Vec<&Arc<SourceFile>>)> = by_dir.into_iter().collect();
    let done: Vec<(Vec<Finding>, Vec<Source>)> = dirs
        .into_par_iter()
        .with_max_len(1)
        .map(|(dir, files)| {
            let mut found = Vec::new();
            // Variables files Packer does not load by itself are not read (nor reported).
            let (mut auto, templates): (Vec<_>, Vec<_>) =
                files.into_iter().filter(|f| !is_vars(f) || is_auto_vars(f)).partition(|f| is_vars(f));
            // `.hcl` ones before `.json` ones, each in lexical order, as Packer reads them.
            auto.sort_by_key(|f| (f.name.to_ascii_lowercase().ends_with(".json"), f.base_name()));
            let parsed: Vec<(&Arc<SourceFile>, Body)> =
                templates.into_iter().filter_map(|f| parse(f, &mut found).map(|body| (f, body))).collect();
            // One also passed with `--var-file` is the same file (`check::front_end_options`),
            // whose syntax errors the reading for the flag reports.
            let flagged = |f: &Arc<SourceFile>| options.var_files.iter().any(|v| Arc::ptr_eq(v, f));
            let auto: Vec<(&Arc<SourceFile>, Vars)> = auto
                .into_iter()
                .map(|f| {
                    let mut reported = Vec::new();
                    let vars = read_vars(f, options, &mut reported);
                    if !flagged(f) {
                        found.append(&mut reported);
                    }
                    (f, vars)
                })
                .collect();
            let sources = directory(dir, &parsed, &auto, &var_files, options);
            (found, sources)
        })
        .collect();
    let mut out = Vec::new();
    for (mut found, sources) in done {
        findings.append(&mut found);
        out.extend(sources);
    }
    out
}

/// An auto variables file, parsed: one the run could not read (`Options::unread`, its S001
/// reported already) or that does not parse is [`Vars::Broken`].
fn read_vars(file: &Arc<SourceFile>, options: &Options, findings: &mut Vec<Finding>) -> Vars {
    if options.is_unread(file) { vars::unread(file) } else { vars::parse_or_broken(file, findings) }
}

/// The source a build refers to, as `type.name`: Packer drops the first of three parts
/// whatever it is (`source.alicloud-ecs.x`, `sources.alicloud-ecs.x`) and takes two parts
/// as they are; fewer name no source.
fn source_ref(text: &str) -> Option<String> {
    let parts: Vec<&str> = text.split('.').collect();
    let parts = if parts.len() > 2 { &parts[1..] } else { &parts[..] };
    match parts {
        [kind, name, ..] => Some(format!("{kind}.{name}")),
        _ => None,
    }
}

/// The sources of one directory's template files. Packer rejects a directory in which two
/// files declare the same variable, local or source ("Duplicate variable"): such files are
/// templates of their own, built one at a time (`packer build x86.pkr.hcl`), so each is read
/// alone, with its own variables.
fn directory<'a>(
    dir: &str,
    parsed: &'a [(&Arc<SourceFile>, Body)],
    auto: &'a [(&Arc<SourceFile>, Vars)],
    var_files: &'a [(&Arc<SourceFile>, Vars)],
    options: &Options,
) -> Vec<Source> {
    if !declared_twice(parsed) {
        let key = if dir.is_empty() { ".".to_string() } else { dir.to_string() };
        return template(&key, parsed, auto, Auto::Loaded, var_files, options);
    }
    parsed
        .iter()
        .flat_map(|one| {
            template(&one.0.name, std::slice::from_ref(one), auto, Auto::NotLoaded, var_files, options)
        })
        .collect()
}

/// Whether two files of a directory declare the same variable, local or source.
fn declared_twice(parsed: &[(&Arc<SourceFile>, Body)]) -> bool {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (i, (_, body)) in parsed.iter().enumerate() {
        let mut names = Vec::new();
        for block in body.blocks() {
            let labels: Vec<&str> =
                block.labels.iter().map(hcl_edit::structure::BlockLabel::as_str).collect();
            match (block.ident.as_str(), labels.as_slice()) {
                ("variable", [name]) => names.push(format!("var.{name}")),
                ("local", [name]) => names.push(format!("local.{name}")),
                ("locals", []) => {
                    names.extend(block.body.attributes().map(|a| format!("local.{}", a.key.as_str())));
                }
                ("source", [kind, name]) => names.push(format!("source.{kind}.{name}")),
                _ => {}
            }
        }
        for name in names {
            if *seen.entry(name).or_insert(i) != i {
                return true;
            }
        }
    }
    false
}

/// Whether Packer loads the `*.auto.pkrvars` files beside a template: with a directory, yes;
/// with one file, only when they are passed with `-var-file`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Auto {
    Loaded,
    NotLoaded,
}

/// The sources of one template: `parsed` are its files, `key` what its resources' keys
/// start with.
#[allow(clippy::too_many_lines)] // one pass per kind of block, in Packer's order of precedence
fn template<'a>(
    key: &str,
    parsed: &'a [(&Arc<SourceFile>, Body)],
    auto: &'a [(&Arc<SourceFile>, Vars)],
    auto_mode: Auto,
    var_files: &'a [(&Arc<SourceFile>, Vars)],
    options: &Options,
) -> Vec<Source> {
    let mut template = Template { variables: BTreeMap::new(), locals: BTreeMap::new() };
    // How each declared variable reads a `--var` value.
    let mut cli: BTreeMap<&str, vars::CliValue> = BTreeMap::new();
    for (file, body) in parsed {
        for block in body.blocks() {
            match (block.ident.as_str(), block.labels.first().map(hcl_edit::structure::BlockLabel::as_str)) {
                ("variable", Some(name)) => {
                    cli.insert(name, vars::CliValue::of(&block.body));
                    if let Some(default) = block.body.get_attribute("default") {
                        let label = Label {
                            location: Location::new(Arc::clone(file), span(file, default.value.span())),
                            message: format!("the default of `var.{name}`"),
                        };
                        template.variables.insert(name.to_string(), Given::Expr(&default.value, label));
                    }
                }
                ("locals", _) => {
                    for attribute in block.body.attributes() {
                        template.locals.insert(attribute.key.as_str().to_string(), (&attribute.value, file));
                    }
                }
                ("local", Some(name)) => {
                    if let Some(expression) = block.body.get_attribute("expression") {
                        template.locals.insert(name.to_string(), (&expression.value, file));
                    }
                }
                _ => {}
            }
        }
    }
    if auto_mode == Auto::NotLoaded {
        // Built one file at a time, the template gets an auto variables file's value only
        // when it is passed with `-var-file`: with it or without, so not known.
        for (file, vars) in auto {
            let names: Vec<String> = match vars {
                Vars::Hcl(body) => body.attributes().map(|a| a.key.as_str().to_string()).collect(),
                Vars::Json(root) => {
                    root.as_map().unwrap_or_default().iter().map(|e| e.key.name.to_string()).collect()
                }
                // Passed with `-var-file`, it stops the build: the one that runs has none of it.
                Vars::Broken(..) => Vec::new(),
            };
            for name in names {
                let why = format!(
                    "`var.{name}` is set in {}, which Packer loads with a template built one file at a time only when passed with `-var-file` (two files of the directory declare the same name, so they are separate templates)",
                    file.name
                );
                template.variables.insert(name, Given::Unknown(why));
            }
        }
    }
    let loaded = if auto_mode == Auto::Loaded { auto } else { &[] };
    for (file, vars) in loaded.iter().chain(var_files) {
        vars::layer_file(&mut template.variables, file, vars);
    }
    // An undeclared one stops Packer ("Undefined -var variable"); it is read as text.
    vars::layer_cli(&mut template.variables, options, |name| {
        cli.get(name).copied().unwrap_or(vars::CliValue::Text)
    });
    // Each use of a source by a build: in its `sources` list, or as a `source` block of
    // its own, with the post-processors of that build.
    let mut uses: BTreeMap<String, Vec<Use<'_>>> = BTreeMap::new();
    // Whether every source a build uses is known: then a source no build names is never
    // built ("You can start builders by referring to source blocks from a build block"),
    // and is not read. A template with no build, or a `sources` list that is not all
    // literal strings, keeps every source.
    let mut builds = Builds::None;
    for (file, body) in parsed {
        for build in body.blocks().filter(|b| b.ident.as_str() == "build") {
            builds = builds.max(Builds::Known);
            let post = imports_of(file, build);
            match build.body.get_attribute("sources").map(|a| &a.value) {
                Some(Expression::Array(array)) => {
                    for item in array {
                        let Expression::String(name) = item else {
                            builds = Builds::Unknown;
                            continue;
                        };
                        let Some(name) = source_ref(name.as_str()) else { continue };
                        uses.entry(name).or_default().push(Use { block: None, post: post.clone() });
                    }
                }
                Some(_) => builds = Builds::Unknown,
                None => {}
            }
            for block in build.body.blocks().filter(|b| b.ident.as_str() == "source") {
                let Some(name) = block.labels.first().map(hcl_edit::structure::BlockLabel::as_str) else {
                    continue;
                };
                let Some(name) = source_ref(name) else { continue };
                uses.entry(name).or_default().push(Use { block: Some((file, block)), post: post.clone() });
            }
        }
    }
    let mut out = Vec::new();
    for (file, body) in parsed {
        for block in body.blocks().filter(|b| b.ident.as_str() == "source") {
            let labels: Vec<&str> =
                block.labels.iter().map(hcl_edit::structure::BlockLabel::as_str).collect();
            let [kind @ "alicloud-ecs", name] = labels.as_slice() else { continue };
            let address = format!("{kind}.{name}");
            let head = Location::new(Arc::clone(file), span(file, block.ident.span()));
            let uses = uses.get(&address).map(Vec::as_slice).unwrap_or_default();
            if uses.is_empty() && builds == Builds::Known {
                continue;
            }
            let base = attributes(&template, file, &block.body, "");
            // The source as written, unless every build that uses it adds to it.
            if uses.is_empty() || uses.iter().any(|u| u.block.is_none()) {
                let post: Vec<_> =
                    uses.iter().filter(|u| u.block.is_none()).flat_map(|u| u.post.iter()).collect();
                out.push(Source {
                    head,
                    key: key.to_string(),
                    attributes: base.clone(),
                    imports: imported(&template, key, &address, &post),
                    items: items(file, &block.body),
                    address: address.clone(),
                });
            }
            // A build's `source "source.alicloud-ecs.x" { ... }`: a build of its own, of the
            // source with the block's attributes added (`name` names the build).
            for (i, u) in uses.iter().enumerate() {
                let Some((in_file, in_build)) = u.block else { continue };
                let local = match in_build.body.get_attribute("name").map(|a| template.eval(&a.value, 0)) {
                    Some(Ok((Json::String(local), _))) => format!("{kind}.{local}"),
                    _ => address.clone(),
                };
                let address =
                    if out.iter().any(|s| s.address == local) { format!("{local}[{i}]") } else { local };
                let added = attributes(&template, in_file, &in_build.body, "");
                let post: Vec<_> = u.post.iter().collect();
                out.push(Source {
                    head: Location::new(Arc::clone(in_file), span(in_file, in_build.ident.span())),
                    key: key.to_string(),
                    attributes: merged(&base, added),
                    imports: imported(&template, key, &address, &post),
                    items: items(file, &block.body)
                        .into_iter()
                        .chain(items(in_file, &in_build.body))
                        .collect(),
                    address,
                });
            }
        }
    }
    out
}

/// What a template's builds say of the sources they use, in increasing doubt.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Builds {
    /// The template has no build.
    None,
    /// Every build names its sources as literal strings.
    Known,
    /// A build's `sources` is an expression, or holds one.
    Unknown,
}

/// One use of a source by a build: its `source` block in the build, if it is written so,
/// and the `alicloud-import` post-processors of that build.
struct Use<'a> {
    block: Option<(&'a Arc<SourceFile>, &'a Block)>,
    post: Vec<(&'a Arc<SourceFile>, &'a Block)>,
}

/// The `alicloud-import` post-processors of a build.
fn imports_of<'a>(file: &'a Arc<SourceFile>, build: &'a Block) -> Vec<(&'a Arc<SourceFile>, &'a Block)> {
    let mut post: Vec<&Block> = Vec::new();
    for block in build.body.blocks() {
        match block.ident.as_str() {
            "post-processor" => post.push(block),
            "post-processors" => {
                post.extend(block.body.blocks().filter(|b| b.ident.as_str() == "post-processor"));
            }
            _ => {}
        }
    }
    post.into_iter()
        .filter(|b| b.labels.first().map(hcl_edit::structure::BlockLabel::as_str) == Some("alicloud-import"))
        .map(|b| (file, b))
        .collect()
}

/// The imported images of a build of `address`.
fn imported(
    template: &Template<'_>,
    key: &str,
    address: &str,
    post: &[&(&Arc<SourceFile>, &Block)],
) -> Vec<Source> {
    post.iter()
        .enumerate()
        .map(|(i, (pp_file, pp))| Source {
            address: format!("{address}.alicloud-import[{i}]"),
            head: Location::new(Arc::clone(pp_file), span(pp_file, pp.ident.span())),
            key: key.to_string(),
            attributes: attributes(template, pp_file, &pp.body, ""),
            imports: Vec::new(),
            items: items(pp_file, &pp.body),
        })
        .collect()
}

/// A source's attributes with those a build's `source` block adds (less its `name`).
/// Packer merges the two bodies and rejects an attribute set in both ("Duplicate
/// argument"): such an attribute is not known.
fn merged(base: &[(String, Attr)], added: Vec<(String, Attr)>) -> Vec<(String, Attr)> {
    let mut out = base.to_vec();
    for (name, value) in added {
        if name == "name" {
            continue;
        }
        match out.iter_mut().find(|(n, _)| *n == name) {
            Some((_, existing)) => {
                let at = match &value {
                    Ok(placed) => placed.at.clone(),
                    Err((at, _)) => at.clone(),
                };
                *existing = Err((
                    at,
                    format!(
                        "`{name}` is set in both the source and the build's `source` block: Packer rejects it"
                    ),
                ));
            }
            None => out.push((name, value)),
        }
    }
    out
}

/// The element spans of the lists written literally in a body.
fn items(file: &Arc<SourceFile>, body: &Body) -> Vec<(String, Vec<Location>)> {
    body.attributes()
        .filter_map(|attribute| match &attribute.value {
            Expression::Array(array) => Some((
                attribute.key.as_str().to_string(),
                array.iter().map(|e| Location::new(Arc::clone(file), span(file, e.span()))).collect(),
            )),
            _ => None,
        })
        .collect()
}

/// A block's attributes, and those of its nested blocks as `block.attribute`.
fn attributes(
    template: &Template<'_>,
    file: &Arc<SourceFile>,
    body: &Body,
    prefix: &str,
) -> Vec<(String, Attr)> {
    let mut out = Vec::new();
    for structure in body {
        match structure {
            Structure::Attribute(attribute) => {
                let at = Location::new(Arc::clone(file), span(file, attribute.value.span()));
                let value = template
                    .eval(&attribute.value, 0)
                    .map(|(value, via)| Placed { value, at: at.clone(), via })
                    .map_err(|why| (at, why));
                out.push((format!("{prefix}{}", attribute.key.as_str()), value));
            }
            Structure::Block(block) if prefix.is_empty() => {
                out.extend(attributes(template, file, &block.body, &format!("{}.", block.ident.as_str())));
            }
            Structure::Block(_) => {}
        }
    }
    out
}

impl Template<'_> {
    fn eval(&self, expr: &Expression, depth: usize) -> Result<(Json, Vec<Label>), String> {
        if depth > MAX_DEPTH {
            return Err("variables and locals refer to each other too deep to evaluate".into());
        }
        match expr {
            Expression::Null(_) => Ok((Json::Null, Vec::new())),
            Expression::Bool(b) => Ok((Json::Bool(*b.value()), Vec::new())),
            Expression::Number(n) => {
                let n = n.value();
                let value = n
                    .as_i64()
                    .map(Json::from)
                    .or_else(|| n.as_f64().and_then(serde_json::Number::from_f64).map(Json::Number));
                Ok((value.unwrap_or(Json::Null), Vec::new()))
            }
            Expression::String(s) => Ok((Json::String(s.value().clone()), Vec::new())),
            Expression::Array(array) => {
                let mut out = Vec::new();
                let mut via = Vec::new();
                for item in array {
                    let (value, labels) = self.eval(item, depth + 1)?;
                    out.push(value);
                    via.extend(labels);
                }
                Ok((Json::Array(out), via))
            }
            Expression::Object(object) => {
                let mut out = serde_json::Map::new();
                let mut via = Vec::new();
                for (key, value) in object {
                    let key = match key {
                        ObjectKey::Ident(ident) => ident.as_str().to_string(),
                        ObjectKey::Expression(Expression::String(s)) => s.value().clone(),
                        ObjectKey::Expression(_) => return Err("an object key is an expression".into()),
                    };
                    let (value, labels) = self.eval(value.expr(), depth + 1)?;
                    out.insert(key, value);
                    via.extend(labels);
                }
                Ok((Json::Object(out), via))
            }
            Expression::StringTemplate(template) => self.template(template, depth),
            Expression::Parenthesis(inner) => self.eval(inner.inner(), depth + 1),
            Expression::Traversal(traversal) => {
                let root = match &traversal.expr {
                    Expression::Variable(ident) => ident.as_str(),
                    _ => return Err("the expression is not evaluated statically".into()),
                };
                let name = match traversal.operators.first().map(hcl_edit::Decorated::value) {
                    Some(TraversalOperator::GetAttr(name)) if traversal.operators.len() == 1 => name.as_str(),
                    _ => return Err(format!("`{root}...` is not evaluated statically")),
                };
                match root {
                    "var" => self.variable(name, depth),
                    "local" => match self.locals.get(name) {
                        Some((expression, local_file)) => {
                            let (value, mut via) = self.eval(expression, depth + 1)?;
                            via.push(Label {
                                location: Location::new(
                                    Arc::clone(local_file),
                                    span(local_file, expression.span()),
                                ),
                                message: format!("`local.{name}`"),
                            });
                            Ok((value, via))
                        }
                        None => Err(format!("`local.{name}` is not defined")),
                    },
                    "source" | "build" => Err(format!("`{root}.{name}` is known only when the build runs")),
                    "data" => Err("a data source is read only when the build runs".into()),
                    other => Err(format!("`{other}.{name}` is not evaluated statically")),
                }
            }
            Expression::FuncCall(call) => {
                Err(format!("`{}()` is not evaluated statically", call.name.name.as_str()))
            }
            _ => Err("the expression is not evaluated statically".into()),
        }
    }

    /// A quoted template's text. Strip markers are applied as HCL applies them: `${~` trims
    /// the end of the literal just before it (not an interpolation's value), `~}` the start
    /// of the literal just after; `hcl-edit` keeps the markers but leaves the literals whole.
    fn template(
        &self,
        template: &hcl_edit::template::StringTemplate,
        depth: usize,
    ) -> Result<(Json, Vec<Label>), String> {
        let mut out = String::new();
        let mut via = Vec::new();
        let (mut literal_at, mut trim_next) = (None, false);
        for element in template {
            match element {
                Element::Literal(text) => {
                    let text = text.value();
                    literal_at = Some(out.len());
                    out.push_str(if std::mem::take(&mut trim_next) { text.trim_start() } else { text });
                }
                Element::Interpolation(interpolation) => {
                    if interpolation.strip.strip_start()
                        && let Some(at) = literal_at
                    {
                        let kept = out[at..].trim_end().len();
                        out.truncate(at + kept);
                    }
                    (literal_at, trim_next) = (None, interpolation.strip.strip_end());
                    let (value, labels) = self.eval(&interpolation.expr, depth + 1)?;
                    out.push_str(&super::scalar(&value).ok_or("an interpolation is not a string")?);
                    via.extend(labels);
                }
                Element::Directive(_) => return Err("a template directive is not evaluated".into()),
            }
        }
        Ok((Json::String(out), via))
    }

    fn variable(&self, name: &str, depth: usize) -> Result<(Json, Vec<Label>), String> {
        match self.variables.get(name) {
            Some(Given::Expr(expression, label)) => {
                let (value, mut via) = self.eval(expression, depth + 1)?;
                via.push(label.clone());
                Ok((value, via))
            }
            Some(Given::Text(text)) => Ok((Json::String(text.clone()), Vec::new())),
            Some(Given::Parsed(expression)) => self.eval(expression, depth + 1),
            Some(Given::Json(value, label)) => Ok((value.clone(), vec![label.clone()])),
            Some(Given::Unknown(why)) => Err(why.clone()),
            None => Err(format!("`var.{name}` has no default: it is given when the build runs")),
        }
    }
}
