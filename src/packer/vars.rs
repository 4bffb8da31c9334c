//! Variables given from outside a template, for both syntaxes: the variables files
//! (`*.auto.pkrvars` beside an HCL template, `--var-file`) and `--var`. Packer layers them
//! over the template's own defaults in one order, whichever syntax the template is in: the
//! default, then the variables files in order, then `-var` (a later one wins).
//!
//! A `--var-file` serves each syntax as Packer reads it: an HCL template takes a
//! `.pkrvars.hcl` (or any `.hcl`) and a `.pkrvars.json`; a legacy JSON template takes any
//! JSON file holding one object of user variables (`packer build -var-file=vars.json`),
//! and never an HCL one. A Terraform `.tfvars` is Terraform's.

use crate::diag::{Finding, Label, Location};
use crate::iac::Options;
use crate::source::{Format, Frontend, SourceFile};
use hcl_edit::Span as _;
use hcl_edit::expr::Expression;
use hcl_edit::structure::Body;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A value of a variable given outside an expression (`--var`), an expression in a file,
/// or a value in a JSON file (a variables file, a legacy template's `variables`).
pub enum Given<'a> {
    Expr(&'a Expression, Label),
    Text(String),
    /// A `--var` value Packer parses as an expression (for a variable of a type other
    /// than a string or a number: [`CliValue::Parsed`]); it holds no name and no call.
    Parsed(Expression),
    Json(Json, Label),
    /// Set or not depending on how the build is run: why.
    Unknown(String),
}

/// A parsed variables file: `name = expression` lines, or a JSON object.
pub enum Vars {
    Hcl(Body),
    Json(crate::source::Node),
    /// A file that does not parse or could not be read (its S001 is reported): its name and
    /// which of the two, as a message says it. Nothing it may set is known.
    Broken(String, &'static str),
}

/// A variables file (`.pkrvars.hcl`, `.pkrvars.json`), not part of a template.
pub fn is_vars(file: &SourceFile) -> bool {
    let name = file.name.to_ascii_lowercase();
    name.ends_with(".pkrvars.hcl") || name.ends_with(".pkrvars.json")
}

/// A variables file Packer loads from the template's directory by itself.
pub fn is_auto_vars(file: &SourceFile) -> bool {
    let name = file.base_name().to_ascii_lowercase();
    name.ends_with(".auto.pkrvars.hcl") || name.ends_with(".auto.pkrvars.json")
}

/// The `--var-file`s an HCL template reads, parsed (a syntax error is an S001).
pub fn hcl_var_files<'o>(
    options: &'o Options,
    findings: &mut Vec<Finding>,
) -> Vec<(&'o Arc<SourceFile>, Vars)> {
    options
        .var_files
        .iter()
        .filter(|f| Format::from_name(&f.name) == Format::Hcl || is_vars(f))
        .filter(|f| Frontend::of(&f.name) != Frontend::Terraform)
        .map(|f| (f, parse_or_broken(f, findings)))
        .collect()
}

/// The `--var-file`s a legacy JSON template reads: the JSON ones. One that does not parse
/// (Packer stops on it) is `Err` with why; its S001 is the HCL reading's to report, and a
/// legacy template is read a file at a time, so it would be reported once per template.
pub fn json_var_files(options: &Options) -> Vec<(&Arc<SourceFile>, Result<Vars, String>)> {
    options
        .var_files
        .iter()
        .filter(|f| Format::from_name(&f.name) == Format::Json)
        .filter(|f| Frontend::of(&f.name) != Frontend::Terraform)
        .map(|f| {
            let mut findings = Vec::new();
            let vars = parse_vars(f, &mut findings).ok_or_else(|| {
                let why = findings.first().map_or("it does not parse", |f| f.message.as_str());
                format!("the variables file {} is not read ({why}): Packer stops on it", f.name)
            });
            (f, vars)
        })
        .collect()
}

/// Parses a variables file (JSON by its name, else HCL); a syntax error is an S001.
pub fn parse_vars(file: &Arc<SourceFile>, findings: &mut Vec<Finding>) -> Option<Vars> {
    if Format::from_name(&file.name) != Format::Json {
        let body = super::hcl::parse(file, findings)?;
        // Packer reads `name = value` lines alone, and stops on a block ("Variable
        // declaration in a .pkrvar file", "Blocks are not allowed here").
        if body.blocks().next().is_none() {
            return Some(Vars::Hcl(body));
        }
        for block in body.blocks() {
            let end = block.labels.last().and_then(hcl_edit::Span::span).or_else(|| block.ident.span());
            let head = block.ident.span().zip(end).map(|(start, end)| start.start..end.end);
            let at = Location::new(Arc::clone(file), super::hcl::span(file, head));
            let message = format!(
                "a block (`{}`) in a variables file: Packer stops on this file",
                block.ident.as_str()
            );
            findings.push(crate::spec::codes::PARSE_ERROR.finding(message, at).with_help(
                "a variables file holds `name = value` lines only; a `variable` block belongs in a template",
            ));
        }
        return Some(Vars::Broken(file.name.clone(), "holds a block, which Packer rejects (see its S001)"));
    }
    match crate::source::parse_json(&file.text, crate::source::Limits::default()) {
        Ok(root) if root.as_map().is_some() => Some(Vars::Json(root)),
        // Packer rejects it too: say so rather than read nothing from it.
        Ok(root) => {
            let at = Location::new(Arc::clone(file), root.span);
            let mut finding = crate::spec::codes::PARSE_ERROR
                .finding("a Packer variables file holds one JSON object, not this value", at);
            finding.help = Some("write `{\"name\": \"value\", ...}`: one entry per variable".into());
            findings.push(finding);
            None
        }
        Err(error) => {
            findings.push(crate::spec::codes::parse_error(file, error));
            None
        }
    }
}

/// [`parse_vars`], keeping a file that does not parse as [`Vars::Broken`]: Packer stops on
/// it, so neither a default nor an earlier file's value is the one a build would use, and
/// the file may set any variable.
pub fn parse_or_broken(file: &Arc<SourceFile>, findings: &mut Vec<Finding>) -> Vars {
    parse_vars(file, findings).unwrap_or_else(|| {
        Vars::Broken(file.name.clone(), "does not parse (Packer stops on it, see its S001)")
    })
}

/// A variables file that could not be read (`iac::Options::unread`). Not said to stop
/// Packer: one over ecslint's size limit is read by Packer.
pub fn unread(file: &SourceFile) -> Vars {
    Vars::Broken(file.name.clone(), "could not be read (see its S001)")
}

/// Sets the variables a variables file gives over those set so far; each value carries a
/// label at it. A broken file makes every variable set so far unknown (one not set is
/// unknown already); a later file or `--var` still sets its own.
pub fn layer_file<'a>(
    variables: &mut BTreeMap<String, Given<'a>>,
    file: &'a Arc<SourceFile>,
    vars: &'a Vars,
) {
    match vars {
        Vars::Hcl(body) => {
            for attribute in body.attributes() {
                let name = attribute.key.as_str();
                if names_or_calls(&attribute.value) {
                    let why = format!(
                        "`{name}` in {} is worked out with a name or a function call, which Packer rejects in a variables file: its value is not known",
                        file.name
                    );
                    variables.insert(name.to_string(), Given::Unknown(why));
                    continue;
                }
                let label = Label {
                    location: Location::new(Arc::clone(file), super::hcl::span(file, attribute.value.span())),
                    message: format!("`{name}` in {}", file.name),
                };
                variables.insert(name.to_string(), Given::Expr(&attribute.value, label));
            }
        }
        Vars::Json(root) => {
            for entry in root.as_map().unwrap_or_default() {
                let name = &*entry.key.name;
                let label = Label {
                    location: Location::new(Arc::clone(file), entry.value.span),
                    message: format!("`{name}` in {}", file.name),
                };
                variables.insert(name.to_string(), Given::Json(entry.value.to_json(), label));
            }
        }
        Vars::Broken(broken, what) => {
            for (name, given) in variables.iter_mut() {
                *given = Given::Unknown(format!(
                    "`{broken}` {what}, and may set `var.{name}`: its value is not known"
                ));
            }
        }
    }
}

/// Whether `expr` names anything (a variable, a `for` expression's own name) or calls a
/// function. Packer evaluates a variables file's values with neither ("Variables not
/// allowed", "Function calls not allowed"), so such a value is never the one a build uses;
/// evaluated in the template's scope, `type = var.fallback` took the fallback's default.
/// A name a `for` binds counts too: not known rather than a value Packer may reject.
fn names_or_calls(expr: &Expression) -> bool {
    use hcl_edit::visit::{Visit, visit_expr};
    struct Finder(bool);
    impl Visit for Finder {
        fn visit_expr(&mut self, expr: &Expression) {
            match expr {
                Expression::Variable(_) | Expression::FuncCall(_) => self.0 = true,
                // The parser bounds the nesting, and so this recursion.
                _ if !self.0 => visit_expr(self, expr),
                _ => {}
            }
        }
    }
    let mut finder = Finder(false);
    finder.visit_expr(expr);
    finder.0
}

/// How Packer reads a `--var` value for a declared HCL variable (`hcl2template`'s
/// `expressionFromVariableDefinition`): as the text itself when the variable's type is a
/// string, a number or any type (no `type`, or `type = any`, with no default or a default
/// that is null, a string, a number or empty: `decodeVariableBlock` takes a non-empty
/// default's type over `any`), and otherwise parsed as an expression (`type =
/// list(string)`, or a list default: `--var 'regions=["cn-beijing"]'` is one region).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CliValue {
    Text,
    Parsed,
    /// The type comes from a default ecslint does not work out (a function call).
    Unknown,
}

impl CliValue {
    /// What a `variable` block's `type` and `default` make of a `--var` value.
    pub fn of(variable: &Body) -> Self {
        let attr = |name: &str| variable.get_attribute(name).map(|a| &a.value);
        // `type = any` is no type: Packer then takes the default's, as with none.
        let typed =
            attr("type").filter(|t| !matches!(t, Expression::Variable(name) if name.as_str() == "any"));
        match (typed, attr("default")) {
            (Some(Expression::Variable(name)), _) => {
                if matches!(name.as_str(), "string" | "number") {
                    Self::Text
                } else {
                    Self::Parsed
                }
            }
            (
                None,
                None
                | Some(
                    Expression::Null(_)
                    | Expression::String(_)
                    | Expression::Number(_)
                    | Expression::StringTemplate(_)
                    | Expression::HeredocTemplate(_),
                ),
            ) => Self::Text,
            // An empty list or object default leaves the type open (`EmptyTuple`,
            // `EmptyObject`), as no default does.
            (None, Some(Expression::Array(items))) if items.is_empty() => Self::Text,
            (None, Some(Expression::Object(items))) if items.is_empty() => Self::Text,
            (Some(_), _)
            | (None, Some(Expression::Bool(_) | Expression::Array(_) | Expression::Object(_))) => {
                Self::Parsed
            }
            (None, Some(_)) => Self::Unknown,
        }
    }
}

/// Sets the variables `--var` gives, last of all (a later one wins), each read as Packer
/// reads it for the variable's type (`how`; a legacy JSON template's are all text).
pub fn layer_cli(
    variables: &mut BTreeMap<String, Given<'_>>,
    options: &Options,
    how: impl Fn(&str) -> CliValue,
) {
    for (name, value) in &options.vars {
        let given = match how(name) {
            CliValue::Text => Given::Text(value.clone()),
            CliValue::Parsed => match hcl_edit::parser::parse_expr(value) {
                // Packer evaluates it with no names and no functions.
                Ok(expr) if !names_or_calls(&expr) => Given::Parsed(expr),
                _ => Given::Unknown(format!(
                    "`--var {name}=...` is not a value Packer reads for this variable (an expression of literals, as its type is not a string or a number): Packer stops on it"
                )),
            },
            CliValue::Unknown => Given::Unknown(format!(
                "whether Packer reads `--var {name}=...` as text or as an expression depends on the type of `var.{name}`'s default, which is not known statically"
            )),
        };
        variables.insert(name.clone(), given);
    }
}
