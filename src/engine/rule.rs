//! Rule files: one YAML file per rule, validated against `schemas/rule.schema.json`
//! with spans, and compiled once per run.

use super::compiled::RuleTree;
use super::expr::{Expr, ExprError, Origin, Template};
use crate::diag::{Finding, Location, RuleInfo, Severity};
use crate::source::{self, Limits, Node, PathSegment, SourceFile, Span};
use crate::spec::{Schema, Violation};
use std::sync::{Arc, LazyLock};

pub const RULE_SCHEMA: &str = include_str!("../../schemas/rule.schema.json");

static SCHEMA: LazyLock<Result<Schema, String>> = LazyLock::new(|| Schema::compile(RULE_SCHEMA));

/// What a rule runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Instance,
    Image,
    /// Implemented in ecslint itself (the structural S-codes).
    Builtin,
}

/// A field path with `[]` standing for the current `each` index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldStep {
    Key(String),
    Index(usize),
    Current,
}

/// A secondary label on the image spec an instance uses.
#[derive(Debug)]
pub struct Related {
    /// Candidate paths in the image spec, tried in order (`os.family|id`).
    pub fields: Vec<Vec<FieldStep>>,
    pub message: Template,
}

/// The documentation sections of a rule.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Docs {
    pub summary: String,
    pub why: String,
    pub example: String,
    pub fix: String,
    pub source: Option<String>,
    pub notes: Option<String>,
}

/// A compiled rule.
#[derive(Debug)]
pub struct Rule {
    pub info: RuleInfo,
    pub target: Target,
    pub when: Option<Expr>,
    pub each: Option<Expr>,
    pub assert: Option<Expr>,
    /// Candidate field paths, tried in order.
    pub fields: Vec<Vec<FieldStep>>,
    pub label: Option<Template>,
    pub related: Vec<Related>,
    pub message: Template,
    pub help: Option<Template>,
    pub data: Vec<(String, Expr)>,
    /// Parameters its expressions read as `params.<name>` (DESIGN §3).
    pub params: Vec<super::params::Param>,
    pub docs: Docs,
    pub file: Arc<SourceFile>,
}

impl Rule {
    /// The family letter(s) of the code: `A` for `A001`, `ORG` for `ORG001`.
    pub fn family(&self) -> &str {
        self.info.code.trim_end_matches(|c: char| c.is_ascii_digit())
    }

    /// The conditions: `when`, `each` and `assert`, those the rule sets.
    pub fn conditions(&self) -> impl Iterator<Item = &Expr> {
        [&self.when, &self.each, &self.assert].into_iter().flatten()
    }

    /// The templates: `message`, `help`, `label` and each related location's message.
    pub fn templates(&self) -> impl Iterator<Item = &Template> {
        std::iter::once(&self.message)
            .chain(&self.help)
            .chain(&self.label)
            .chain(self.related.iter().map(|r| &r.message))
    }
}

/// A finding about a rule file (exit status 2).
pub fn rule_error(file: &Arc<SourceFile>, span: Span, message: impl Into<String>) -> Finding {
    Finding::new("RULE", "invalid-rule-file", Severity::Error, message, Location::new(Arc::clone(file), span))
}

/// Loads one rule file; every problem is collected as a finding. With `eager`, every CEL
/// expression is compiled now (user rules); otherwise on first use (built-in rules, whose
/// expressions the test suite compiles).
pub fn load(file: &Arc<SourceFile>, eager: bool) -> Result<Rule, Vec<Finding>> {
    let documents = source::parse_yaml(&file.text, Limits::default()).map_err(|e| {
        let mut finding = rule_error(file, e.span, e.message);
        for (span, message) in e.labels {
            finding = finding.with_label(Location::new(Arc::clone(file), span), message);
        }
        vec![finding]
    })?;
    let [document] = documents.as_slice() else {
        return Err(vec![rule_error(file, Span::default(), "a rule file holds exactly one YAML document")]);
    };
    load_tree(file, &document.root, eager)
}

/// Compiles a rule from the spanned tree of its file parsed now (`load`).
pub fn load_tree(file: &Arc<SourceFile>, root: &Node, eager: bool) -> Result<Rule, Vec<Finding>> {
    // Built-in rules cannot change after the build, and a test validates them: only a
    // user's rule files pay for compiling and running the rule schema.
    let violations = if eager { schema_violations(file, root)? } else { Vec::new() };
    if !violations.is_empty() {
        return Err(violations
            .into_iter()
            .map(|v| {
                let mut finding = rule_error(file, v.span, v.message).with_primary_label(v.label);
                finding.help = v.help;
                finding
            })
            .collect());
    }
    Compiler { file, root, eager, description: None, errors: Vec::new() }.compile()
}

/// Compiles a built-in rule from the tree the build parsed its file into (`compiled.rs`);
/// its expressions compile on first use, as [`load`] without `eager` does.
/// `description` is its Markdown documentation, written by the build too.
pub fn load_compiled(
    file: &Arc<SourceFile>,
    root: &super::compiled::N,
    description: &str,
) -> Result<Rule, Vec<Finding>> {
    Compiler { file, root, eager: false, description: Some(description), errors: Vec::new() }.compile()
}

/// Where `root` breaks the rule schema.
fn schema_violations(file: &Arc<SourceFile>, root: &Node) -> Result<Vec<Violation>, Vec<Finding>> {
    let schema = SCHEMA.as_ref().map_err(|e| vec![rule_error(file, Span::default(), e.clone())])?;
    Ok(schema.validate(root))
}

struct Compiler<'a, T: RuleTree> {
    file: &'a Arc<SourceFile>,
    root: &'a T,
    eager: bool,
    /// The rule's Markdown documentation when the build wrote it (a built-in rule).
    description: Option<&'a str>,
    errors: Vec<Finding>,
}

impl<T: RuleTree> Compiler<'_, T> {
    fn compile(mut self) -> Result<Rule, Vec<Finding>> {
        let text = |key: &str| self.root.get_str(key).map(str::to_string);
        let severity = match self.root.get_str("severity") {
            Some("error") => Severity::Error,
            Some("info") => Severity::Info,
            _ => Severity::Warning,
        };
        let target = match self.root.get_str("on") {
            Some("instance") => Target::Instance,
            Some("image") => Target::Image,
            _ => Target::Builtin,
        };
        let docs_node = self.root.get("docs");
        let doc = |key: &str| docs_node.and_then(|d| d.get_str(key)).map(str::to_string);
        let docs = Docs {
            summary: doc("summary").unwrap_or_default(),
            why: doc("why").unwrap_or_default(),
            example: doc("example").unwrap_or_default(),
            fix: doc("fix").unwrap_or_default(),
            source: doc("source"),
            notes: doc("notes"),
        };
        let info = RuleInfo {
            code: text("code").unwrap_or_default(),
            name: text("name").unwrap_or_default(),
            severity,
            enabled: !self.root.get("enabled").is_some_and(T::is_false),
            summary: docs.summary.clone(),
            description: self.description.map_or_else(|| describe(&docs), str::to_string),
            fix: docs.fix.clone(),
        };
        let when = self.expr("when");
        let each = self.expr("each");
        let assert = self.expr("assert");
        let message = self.template("message");
        let help = self.template("help");
        let label = self.template("label");
        let fields = self.root.get("field").map_or_else(Vec::new, |node| {
            node.as_str().unwrap_or_default().split('|').map(|p| self.field(p.trim(), node.span())).collect()
        });
        let related = self.related();
        let data = self.data();
        let params =
            super::params::declared(self.file, self.root.get("params"), self.eager, &mut self.errors);
        if self.eager && self.errors.is_empty() {
            // Field names are checked once every expression compiles.
            let templates = std::iter::once(&message).chain([&help, &label]).flatten();
            let exprs = [&when, &each, &assert]
                .into_iter()
                .flatten()
                .chain(data.iter().map(|(_, e)| e))
                .chain(templates.chain(related.iter().map(|r| &r.message)).flat_map(Template::exprs));
            let problems: Vec<ExprError> = exprs.filter_map(|e| e.check_fields(target).err()).collect();
            for problem in problems {
                self.record(problem);
            }
        }
        if !self.errors.is_empty() {
            return Err(self.errors);
        }
        Ok(Rule {
            info,
            target,
            when,
            each,
            assert,
            fields,
            label,
            related,
            message: message.unwrap_or_else(Template::empty),
            help,
            data,
            params,
            docs,
            file: Arc::clone(self.file),
        })
    }

    /// A user's rule compiles eagerly; a built-in one is fixed at build time.
    const fn origin(&self) -> Origin {
        if self.eager { Origin::User } else { Origin::BuiltIn }
    }

    fn new_expr(&mut self, text: &str, span: Span) -> Option<Expr> {
        let expr = Expr::new(text, span, self.file, self.origin());
        if self.eager {
            expr.check().map_err(|e| self.record(e)).ok()?;
        }
        Some(expr)
    }

    fn record(&mut self, error: ExprError) {
        self.errors.push(rule_error(self.file, error.span, error.message));
    }

    fn expr(&mut self, key: &str) -> Option<Expr> {
        let node = self.root.get(key)?;
        let text = node.as_str()?;
        self.new_expr(text, node.span())
    }

    fn template(&mut self, key: &str) -> Option<Template> {
        let node = self.root.get(key)?;
        self.template_of(node)
    }

    fn template_of(&mut self, node: &T) -> Option<Template> {
        let template = Template::compile(node.as_str()?, node.span(), self.file, self.origin())
            .and_then(|t| if self.eager { t.check().map(|()| t) } else { Ok(t) });
        template.map_err(|e| self.record(e)).ok()
    }

    fn field(&mut self, path: &str, span: Span) -> Vec<FieldStep> {
        parse_field(path).unwrap_or_else(|| {
            self.errors.push(rule_error(
                self.file,
                span,
                format!("`{path}` is not a field path like `os.version` or `sharedWith[]`"),
            ));
            Vec::new()
        })
    }

    fn related(&mut self) -> Vec<Related> {
        let root = self.root;
        let items: Vec<&T> = root.get("related").map(|s| s.items().collect()).unwrap_or_default();
        items
            .into_iter()
            .filter_map(|item| {
                let field_node = item.get("field")?;
                let text = field_node.as_str()?;
                let fields = text.split('|').map(|p| self.field(p.trim(), field_node.span())).collect();
                let message = self.template_of(item.get("message")?)?;
                Some(Related { fields, message })
            })
            .collect()
    }

    fn data(&mut self) -> Vec<(String, Expr)> {
        let root = self.root;
        let entries = root.get("data").into_iter().flat_map(T::entries);
        entries
            .filter_map(|(name, _, value)| {
                let text = value.as_str()?;
                let expr = self.new_expr(text, value.span())?;
                Some((name.to_string(), expr))
            })
            .collect()
    }
}

/// Parses `os.version`, `sharedWith[]`, `regions[0]`.
pub fn parse_field(path: &str) -> Option<Vec<FieldStep>> {
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (name, mut rest) = part.find('[').map_or((part, ""), |i| part.split_at(i));
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return None;
        }
        steps.push(FieldStep::Key(name.to_string()));
        while let Some(inner) = rest.strip_prefix('[') {
            let close = inner.find(']')?;
            let (index, tail) = inner.split_at(close);
            steps.push(if index.is_empty() {
                FieldStep::Current
            } else {
                FieldStep::Index(index.parse().ok()?)
            });
            rest = tail.get(1..).unwrap_or("");
        }
        if !rest.is_empty() {
            return None;
        }
    }
    Some(steps)
}

/// Resolves field steps to a concrete path, using `index` for `[]`.
pub fn concrete_path(steps: &[FieldStep], index: Option<usize>) -> Option<Vec<PathSegment>> {
    steps
        .iter()
        .map(|step| match step {
            FieldStep::Key(key) => Some(PathSegment::Key(key.clone())),
            FieldStep::Index(i) => Some(PathSegment::Index(*i)),
            FieldStep::Current => index.map(PathSegment::Index),
        })
        .collect()
}

/// The Markdown documentation of a rule, as `explain` and SARIF show it.
pub fn describe(docs: &Docs) -> String {
    super::describe::markdown(
        [&docs.summary, &docs.why, &docs.example, &docs.fix].map(String::as_str),
        docs.notes.as_deref(),
        docs.source.as_deref(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_parse() {
        assert_eq!(
            parse_field("os.version"),
            Some(vec![FieldStep::Key("os".into()), FieldStep::Key("version".into())])
        );
        assert_eq!(
            parse_field("sharedWith[]"),
            Some(vec![FieldStep::Key("sharedWith".into()), FieldStep::Current])
        );
        assert_eq!(
            parse_field("regions[2]"),
            Some(vec![FieldStep::Key("regions".into()), FieldStep::Index(2)])
        );
        assert_eq!(parse_field("a..b"), None);
        assert_eq!(parse_field("a[x]"), None);
    }
}
