//! `{{ expr }}` templates: a rule's message, help, label and related messages.

use super::{CelContext, Expr, ExprError, Origin, Scope};
use crate::source::{SourceFile, Span};
use std::sync::{Arc, OnceLock};

/// A `{{ expr }}` template: literal text and expressions, in order. A user's template is
/// split when its rule loads, so a missing `}}` is reported there; a built-in one is split on
/// first use (most never render in a run: splitting all 89 at every start was 0.4 M
/// instructions of a one-file check), and the test suite splits every one (`check_all`).
#[derive(Debug)]
pub struct Template {
    /// Where the text is, to split it later; `None` once split or for the empty template.
    source: Option<(Box<str>, Span, Arc<SourceFile>, Origin)>,
    parts: OnceLock<Result<Vec<Part>, ExprError>>,
}

#[derive(Debug)]
enum Part {
    Text(String),
    Expr(Expr),
}

impl Template {
    /// A template that renders nothing.
    pub const fn empty() -> Self {
        Self { source: None, parts: OnceLock::new() }
    }

    /// A template of `text` at `span`: split now for a user's rule (reporting a `{{` without
    /// its `}}`), on first use for a built-in one. Expressions compile on first use.
    pub fn compile(
        text: &str,
        span: Span,
        file: &Arc<SourceFile>,
        origin: Origin,
    ) -> Result<Self, ExprError> {
        if origin == Origin::User {
            let parts = OnceLock::from(Ok(split(text, span, file, origin)?));
            return Ok(Self { source: None, parts });
        }
        Ok(Self { source: Some((text.into(), span, Arc::clone(file), origin)), parts: OnceLock::new() })
    }

    /// The parts, split on first use; a split error of a built-in template is reported by
    /// [`Template::check`] (the test suite) and by rendering.
    fn parts(&self) -> Result<&[Part], &ExprError> {
        let split = || match &self.source {
            Some((text, span, file, origin)) => split(text, *span, file, *origin),
            None => Ok(Vec::new()),
        };
        self.parts.get_or_init(split).as_deref()
    }

    /// Splits the template and compiles every expression now, reporting the first mistake.
    pub fn check(&self) -> Result<(), ExprError> {
        self.parts().map_err(Clone::clone)?;
        self.exprs().try_for_each(Expr::check)
    }

    /// The expressions between `{{ }}`, in order (none if the template does not split).
    pub fn exprs(&self) -> impl Iterator<Item = &Expr> {
        self.parts().unwrap_or_default().iter().filter_map(|part| match part {
            Part::Expr(expr) => Some(expr),
            Part::Text(_) => None,
        })
    }

    /// Renders the template (see [`Expr::eval`]); an expression that fails is an error
    /// naming it.
    pub fn render(&self, scope: &dyn Scope<'_>, context: &dyn CelContext) -> Result<String, (String, Span)> {
        let parts = self.parts().map_err(|e| (e.message.clone(), e.span))?;
        // Room for the literal text and a short value per expression, so that the common
        // message is written without growing.
        let room = parts.iter().map(|part| if let Part::Text(text) = part { text.len() } else { 24 }).sum();
        let mut out = String::with_capacity(room);
        for part in parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Expr(expr) => expr.write_text(scope, context, &mut out).map_err(|e| (e, expr.span))?,
            }
        }
        Ok(out)
    }

    /// The text of each expression between `{{ }}`, trimmed, in order (what the template
    /// reads, for [`super::inputs`]); none if it does not split. A template not split yet
    /// is read in place, not split (which would make an [`Expr`] of each).
    pub fn expression_texts(&self) -> Vec<&str> {
        let Some((text, ..)) = self.parts.get().is_none().then_some(self.source.as_ref()).flatten() else {
            return self.exprs().map(|expr| expr.text.as_str()).collect();
        };
        super::braces::expression_texts(text)
    }
}

/// Splits `text` into literal parts and expressions (compiled on first use).
fn split(text: &str, span: Span, file: &Arc<SourceFile>, origin: Origin) -> Result<Vec<Part>, ExprError> {
    let Some(pieces) = super::braces::pieces(text) else {
        return Err(ExprError { message: "`{{` without a closing `}}`".into(), span });
    };
    let mut parts = Vec::new();
    for (literal, expr) in pieces.pairs {
        if !literal.is_empty() {
            parts.push(Part::Text(literal.to_string()));
        }
        let expr_span = file
            .text
            .get(span.start()..span.end())
            .and_then(|s| crate::search::find(s, expr.trim()))
            .map_or(span, |at| Span::new(span.start() + at, span.start() + at + expr.trim().len()));
        parts.push(Part::Expr(Expr::new(expr.trim(), expr_span, file, origin)));
    }
    if !pieces.tail.is_empty() {
        parts.push(Part::Text(pieces.tail.to_string()));
    }
    Ok(parts)
}
