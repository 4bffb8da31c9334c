//! The evaluator's own syntax tree: one shape for `.tf` (parsed by `hcl-edit`) and `.tf.json`
//! (whose strings are templates), every node with a byte span into its file.
//!
//! Converting once keeps the evaluator independent of the parser's representation and lets the
//! JSON syntax share it; spans are checked here so that every later `Location` lies inside its
//! file on character boundaries.

use crate::source::{SourceFile, Span};
use hcl_edit::Span as _;
use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use std::sync::Arc;

/// An expression and where it is written.
#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: Kind,
    pub span: Span,
}

/// An integer literal. Terraform's numbers are exact; ecslint's are 64-bit floats, which
/// hold every integer up to 2^53. A larger one (a 16-digit account ID from 9007199254740993
/// up) is kept as its digits, as Terraform writes it when it becomes a string (an
/// `account_id`): as a float it was rounded, and two accounts read as one (a false Q004).
#[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)] // checked by the round trip
pub fn integer_kind(integer: i128) -> Kind {
    let float = integer as f64;
    if float as i128 == integer { Kind::Number(float) } else { Kind::Str(integer.to_string()) }
}

/// A number literal that is not an integer of 128 bits, as `written` (when its text is
/// known). Terraform's numbers hold every digit: an integer of more digits is kept as its
/// digits, as [`integer_kind`] keeps one past 2^53, and a fraction with more significant
/// digits than a 64-bit float holds exactly (15) is not known (as a float,
/// `123456789012345678901234567890` became `123456789012345680000000000000`, and
/// `1.0000000000000000001` became `1`).
pub fn float_kind(float: f64, written: Option<&str>) -> Kind {
    let Some(written) = written.map(str::trim) else { return Kind::Number(float) };
    let (sign, digits) = written.strip_prefix('-').map_or(("", written), |rest| ("-", rest));
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        let digits = digits.trim_start_matches('0');
        return Kind::Str(if digits.is_empty() { "0".into() } else { format!("{sign}{digits}") });
    }
    let mantissa = digits.split(['e', 'E']).next().unwrap_or(digits).replace('.', "");
    if mantissa.trim_start_matches('0').trim_end_matches('0').len() > 15 {
        return Kind::Bad(format!("`{written}` has more significant digits than ecslint holds exactly (15)"));
    }
    Kind::Number(float)
}

/// The kinds of expression the evaluator reads.
#[derive(Clone, Debug)]
pub enum Kind {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    /// A quoted string or heredoc with interpolations or directives.
    Template(Vec<Part>),
    Array(Vec<Expr>),
    /// Keys: a bare identifier is a [`Kind::Str`].
    Object(Vec<(Expr, Expr)>),
    Var(String),
    Traverse(Box<Expr>, Vec<Op>),
    /// Name, arguments, and whether the last argument is expanded (`f(xs...)`).
    Call(String, Vec<Expr>, bool),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    Unary(UnaryOperator, Box<Expr>),
    Binary(BinaryOperator, Box<Expr>, Box<Expr>),
    For(Box<ForExpr>),
    /// Something the evaluator cannot read (an expression without a span); its value is unknown.
    Bad(String),
    /// An expression written in another file: an override file's attribute merged into a
    /// block of another file (`super::overrides`). It is evaluated in its own file; the
    /// wrapper's span lies in the block's file (the attribute it replaces, or the block's
    /// head), so a place taken from the wrapper stays in the file it is paired with.
    In(Arc<SourceFile>, Box<Expr>),
}

impl Expr {
    /// The expression as written, through [`Kind::In`].
    pub fn written(&self) -> &Self {
        self.written_in_file(None).1
    }

    /// The expression as written and the file it is written in (`file`, unless it came from
    /// another through [`Kind::In`]).
    pub fn written_in<'a>(&'a self, file: &'a Arc<SourceFile>) -> (&'a Arc<SourceFile>, &'a Self) {
        let (written, expr) = self.written_in_file(Some(file));
        (written.unwrap_or(file), expr)
    }

    fn written_in_file<'a>(
        &'a self,
        mut file: Option<&'a Arc<SourceFile>>,
    ) -> (Option<&'a Arc<SourceFile>>, &'a Self) {
        let mut expr = self;
        while let Kind::In(other, inner) = &expr.kind {
            file = Some(other);
            expr = inner;
        }
        (file, expr)
    }
}

/// A traversal step.
#[derive(Clone, Debug)]
pub enum Op {
    Attr(String),
    Index(Expr),
    /// `[*]` or `.*`: the following steps apply to every element.
    Splat,
}

/// A part of a template.
#[derive(Clone, Debug)]
pub enum Part {
    Lit(String),
    Interp(Expr),
    If(Expr, Vec<Part>, Vec<Part>),
    For { key: Option<String>, value: String, collection: Expr, body: Vec<Part> },
}

/// `[for k, v in coll : ...]` and `{for k, v in coll : key => value}`.
#[derive(Clone, Debug)]
pub struct ForExpr {
    pub key_var: Option<String>,
    pub value_var: String,
    pub collection: Expr,
    /// `Some` for an object `for`.
    pub key: Option<Expr>,
    pub value: Expr,
    pub cond: Option<Expr>,
    pub grouping: bool,
}

/// The body of a file or block.
#[derive(Clone, Debug, Default)]
pub struct Body {
    pub attrs: Vec<Attr>,
    pub blocks: Vec<BlockAst>,
}

impl Body {
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }
}

/// `name = expr`.
#[derive(Clone, Debug)]
pub struct Attr {
    pub name: String,
    pub expr: Expr,
}

/// `kind "label" "label" { body }`.
#[derive(Clone, Debug)]
pub struct BlockAst {
    pub kind: String,
    pub labels: Vec<String>,
    /// The type and labels.
    pub head: Span,
    pub body: Body,
}

/// Converts `hcl-edit` nodes of a text of `len` bytes, shifting spans by `offset` (a
/// template read out of a JSON string). `exact` is false when the text was unescaped from
/// a JSON string, so inner spans do not map back: every node then takes `whole`.
pub struct Converter<'a> {
    pub text: &'a str,
    pub offset: usize,
    pub whole: Span,
    pub exact: bool,
    /// Object keys (byte ranges of `text`) renamed in the copy `hcl-edit` parsed, because it
    /// rejects a key written twice in one object, which Terraform accepts (the last wins):
    /// their names are read back from `text` (`iac::keys::parse_body`).
    pub renamed: &'a [std::ops::Range<usize>],
}

impl Converter<'_> {
    fn span(&self, range: Option<std::ops::Range<usize>>) -> Span {
        if !self.exact {
            return self.whole;
        }
        match range {
            Some(r)
                if r.start <= r.end
                    && self.text.is_char_boundary(r.start)
                    && self.text.is_char_boundary(r.end) =>
            {
                Span::new(r.start + self.offset, r.end + self.offset)
            }
            _ => self.whole,
        }
    }

    /// The text written at `range` when it is a renamed object key.
    fn original(&self, range: Option<std::ops::Range<usize>>) -> Option<(usize, &str)> {
        let range = range.filter(|r| self.renamed.contains(r))?;
        Some((range.start, self.text.get(range)?))
    }

    /// Whether `range` is a renamed object key written as an expression (in parentheses or
    /// a template, renamed whole), not as a name or a plain quoted string.
    fn written_as_expression(&self, range: Option<std::ops::Range<usize>>) -> bool {
        self.original(range).is_some_and(|(_, text)| text.starts_with(['(', '"']))
    }

    /// An expression ecslint cannot read at `range`: unknown, never a finding.
    fn bad(&self, why: &str, range: Option<std::ops::Range<usize>>) -> Expr {
        Expr { kind: Kind::Bad(why.to_string()), span: self.span(range) }
    }

    /// A renamed object key (quoted or in parentheses), parsed again from the text written there.
    fn original_expr(&self, range: Option<std::ops::Range<usize>>) -> Option<Expr> {
        let (start, text) = self.original(range)?;
        let expr = hcl_edit::parser::parse_expr(text).ok()?;
        let whole = self.span(Some(start..start + text.len()));
        let inner = Converter { text, offset: self.offset + start, whole, exact: self.exact, renamed: &[] };
        Some(inner.expr(&expr))
    }

    /// An object key: a name or a string is the key itself; an expression in parentheses or
    /// a template is evaluated.
    fn object_key(&self, key: &ObjectKey) -> Expr {
        match key {
            // Renamed whole (`iac::keys::parse_body`): what was written is evaluated.
            ObjectKey::Ident(ident) if self.written_as_expression(ident.span()) => self
                .original_expr(ident.span())
                .unwrap_or_else(|| self.bad("an object key ecslint cannot read", ident.span())),
            ObjectKey::Ident(ident) => Expr {
                kind: Kind::Str(
                    self.original(ident.span())
                        .map_or_else(|| ident.as_str().to_string(), |(_, name)| name.to_string()),
                ),
                span: self.span(ident.span()),
            },
            ObjectKey::Expression(e) => {
                let parenthesized =
                    matches!(e, Expression::Parenthesis(_)) || self.written_as_expression(e.span());
                match self.original_expr(e.span()).unwrap_or_else(|| self.expr(e)) {
                    // `{ foo = 1 }`: a bare name is the key itself; in parentheses,
                    // `{ (foo) = 1 }`, it is evaluated (a `for` expression's name).
                    Expr { kind: Kind::Var(name), span } if !parenthesized => {
                        Expr { kind: Kind::Str(name), span }
                    }
                    other => other,
                }
            }
        }
    }

    pub fn body(&self, body: &hcl_edit::structure::Body) -> Body {
        // Sized once: grown one push at a time, the lists left slack in every file's tree, and
        // the trees are held until the run is evaluated (the Terraform benchmark's page faults
        // went from 19.1-19.6 K to 18.1-18.6 K).
        let attrs = body.iter().filter(|s| s.is_attribute()).count();
        let mut out =
            Body { attrs: Vec::with_capacity(attrs), blocks: Vec::with_capacity(body.len() - attrs) };
        for structure in body {
            match structure {
                hcl_edit::structure::Structure::Attribute(attr) => {
                    out.attrs
                        .push(Attr { name: attr.key.as_str().to_string(), expr: self.expr(&attr.value) });
                }
                hcl_edit::structure::Structure::Block(block) => {
                    let start = block.ident.span().map_or(self.whole.start(), |r| r.start);
                    let end =
                        block.labels.last().and_then(hcl_edit::Span::span).or_else(|| block.ident.span());
                    let head = self.span(end.map(|r| start..r.end));
                    out.blocks.push(BlockAst {
                        kind: block.ident.as_str().to_string(),
                        labels: block.labels.iter().map(|l| l.as_str().to_string()).collect(),
                        head,
                        body: self.body(&block.body),
                    });
                }
            }
        }
        out
    }

    pub fn expr(&self, expr: &Expression) -> Expr {
        let span = self.span(expr.span());
        let kind = match expr {
            Expression::Null(_) => Kind::Null,
            Expression::Bool(b) => Kind::Bool(*b.value()),
            Expression::Number(n) => {
                let n = n.value();
                let written = expr.span().and_then(|r| self.text.get(r)).filter(|_| self.exact);
                // `1.0000000000000000001` is an integer to `hcl-edit` (1): its text says more.
                let fraction = written.is_some_and(|w| w.contains(['.', 'e', 'E']));
                let integer = n.as_i64().map(i128::from).or_else(|| n.as_u64().map(i128::from));
                match (integer.filter(|_| !fraction), n.as_f64()) {
                    (Some(integer), _) => integer_kind(integer),
                    (None, Some(float)) => float_kind(float, written),
                    (None, None) => Kind::Bad("a number out of range".into()),
                }
            }
            Expression::String(s) => Kind::Str(s.value().clone()),
            Expression::Array(items) => Kind::Array(items.iter().map(|e| self.expr(e)).collect()),
            Expression::Object(object) => Kind::Object(
                object.iter().map(|(key, value)| (self.object_key(key), self.expr(value.expr()))).collect(),
            ),
            Expression::StringTemplate(t) => Kind::Template(self.template(t)),
            Expression::HeredocTemplate(h) => Kind::Template(self.heredoc(h)),
            Expression::Parenthesis(p) => return self.expr(p.inner()),
            Expression::Variable(v) => Kind::Var(v.as_str().to_string()),
            Expression::Conditional(c) => Kind::Cond(
                Box::new(self.expr(&c.cond_expr)),
                Box::new(self.expr(&c.true_expr)),
                Box::new(self.expr(&c.false_expr)),
            ),
            Expression::FuncCall(call) => {
                let mut name = String::new();
                for ns in &call.name.namespace {
                    name.push_str(ns.as_str());
                    name.push_str("::");
                }
                name.push_str(call.name.name.as_str());
                Kind::Call(name, call.args.iter().map(|a| self.expr(a)).collect(), call.args.expand_final())
            }
            Expression::Traversal(t) => {
                let ops = t
                    .operators
                    .iter()
                    .map(|op| match op.value() {
                        TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => Op::Splat,
                        TraversalOperator::GetAttr(ident) => Op::Attr(ident.as_str().to_string()),
                        TraversalOperator::Index(e) => Op::Index(self.expr(e)),
                        TraversalOperator::LegacyIndex(i) => Op::Index(Expr {
                            #[allow(clippy::cast_precision_loss)]
                            kind: Kind::Number(*i.value() as f64),
                            span: self.span(i.span()),
                        }),
                    })
                    .collect();
                Kind::Traverse(Box::new(self.expr(&t.expr)), ops)
            }
            Expression::UnaryOp(op) => Kind::Unary(*op.operator.value(), Box::new(self.expr(&op.expr))),
            Expression::BinaryOp(op) => Kind::Binary(
                *op.operator.value(),
                Box::new(self.expr(&op.lhs_expr)),
                Box::new(self.expr(&op.rhs_expr)),
            ),
            Expression::ForExpr(f) => Kind::For(Box::new(ForExpr {
                key_var: f.intro.key_var.as_ref().map(|k| k.as_str().to_string()),
                value_var: f.intro.value_var.as_str().to_string(),
                collection: self.expr(&f.intro.collection_expr),
                key: f.key_expr.as_ref().map(|k| self.expr(k)),
                value: self.expr(&f.value_expr),
                cond: f.cond.as_ref().map(|c| self.expr(&c.expr)),
                grouping: f.grouping,
            })),
        };
        Expr { kind, span }
    }
}

/// A template part list that is one interpolation and nothing else (`"${var.x}"`).
pub fn single_interpolation(parts: &[Part]) -> Option<&Expr> {
    match parts {
        [Part::Interp(e)] => Some(e),
        _ => None,
    }
}
