//! Templates (`"ecs.${local.family}.large"`, heredocs) as HCL's own parser reads them
//! (`hclsyntax/parser_template.go`): the template is first a flat list of tokens (literal
//! runs, a heredoc's a line at a time; interpolations; directive markers), then
//!
//! 1. strip markers are applied: `${~`/`%{~` remove the whitespace at the end of the
//!    literal token just before, `~}` the whitespace at the start of the literal token just
//!    after (in a heredoc, that is the rest of its line, newline included);
//! 2. an indented heredoc (`<<-`) loses the smallest indentation of its lines: a line counts
//!    when it starts with a literal that is not blank, and a line that starts with an
//!    interpolation or a directive counts as not indented at all (so nothing is removed);
//! 3. consecutive literals are joined, and the directives nest.
//!
//! `hcl-edit` keeps the strip markers but does not apply them, and dedents a heredoc a line
//! at a time across its literals, which drops text after an interpolation (`x ${v}` lost its
//! `x `). So a heredoc's literals are read again from the text their spans cover.

use super::ast::{Converter, Part};
use hcl_edit::Span as _;
use hcl_edit::expr::Expression;
use hcl_edit::template::{Directive, Element, HeredocTemplate, Strip, Template};

/// One token of a template, in the order HCL's parser reads them.
enum Token<'t> {
    Lit(String),
    Interp(&'t Expression, Strip),
    If(&'t Expression, Strip),
    Else(Strip),
    EndIf(Strip),
    For { key: Option<String>, value: String, collection: &'t Expression, strip: Strip },
    EndFor(Strip),
}

impl Token<'_> {
    /// The strip markers of a token that is not a literal.
    fn strip(&self) -> Option<Strip> {
        match self {
            Self::Lit(_) => None,
            Self::Interp(_, strip)
            | Self::If(_, strip)
            | Self::Else(strip)
            | Self::EndIf(strip)
            | Self::For { strip, .. }
            | Self::EndFor(strip) => Some(*strip),
        }
    }
}

impl Converter<'_> {
    /// A quoted template's parts.
    pub fn template(&self, template: &Template) -> Vec<Part> {
        let mut tokens = Vec::new();
        flatten(template, None, &mut tokens);
        strip(&mut tokens);
        self.nest(&mut tokens.into_iter().peekable())
    }

    /// A heredoc's parts, with its literals as written (so that an indented one is dedented
    /// as HCL dedents it), else, where a literal's text cannot be found, as `hcl-edit` read it.
    pub fn heredoc(&self, heredoc: &HeredocTemplate) -> Vec<Part> {
        let raw = heredoc.span().and_then(|span| self.text.get(span)).filter(|_| self.exact);
        let mut tokens = Vec::new();
        let written = raw.is_some() && flatten(&heredoc.template, Some(self.text), &mut tokens);
        if !written {
            tokens.clear();
            flatten(&heredoc.template, None, &mut tokens);
        }
        strip(&mut tokens);
        if written && raw.is_some_and(|raw| raw.starts_with("<<-")) {
            flush(&mut tokens);
        }
        self.nest(&mut tokens.into_iter().peekable())
    }

    /// The parts of `tokens` up to the end, or up to the `else`, `endif` or `endfor` that
    /// closes the directive being read (left in the iterator's place for the caller).
    fn nest<'t>(&self, tokens: &mut std::iter::Peekable<impl Iterator<Item = Token<'t>>>) -> Vec<Part> {
        let mut parts: Vec<Part> = Vec::new();
        while let Some(token) = tokens.peek() {
            if matches!(token, Token::Else(_) | Token::EndIf(_) | Token::EndFor(_)) {
                break;
            }
            let Some(token) = tokens.next() else { break };
            match token {
                Token::Lit(text) => match parts.last_mut() {
                    Some(Part::Lit(previous)) => previous.push_str(&text),
                    _ => parts.push(Part::Lit(text)),
                },
                Token::Interp(expr, _) => parts.push(Part::Interp(self.expr(expr))),
                Token::If(cond, _) => {
                    let then = self.nest(tokens);
                    let otherwise = if matches!(tokens.peek(), Some(Token::Else(_))) {
                        tokens.next();
                        self.nest(tokens)
                    } else {
                        Vec::new()
                    };
                    if matches!(tokens.peek(), Some(Token::EndIf(_))) {
                        tokens.next();
                    }
                    parts.push(Part::If(self.expr(cond), then, otherwise));
                }
                Token::For { key, value, collection, .. } => {
                    let body = self.nest(tokens);
                    if matches!(tokens.peek(), Some(Token::EndFor(_))) {
                        tokens.next();
                    }
                    parts.push(Part::For { key, value, collection: self.expr(collection), body });
                }
                Token::Else(_) | Token::EndIf(_) | Token::EndFor(_) => {}
            }
        }
        parts
    }
}

/// The tokens of `template`, in order. A heredoc's (`written` is the text it was parsed
/// from) are a line at a time, each literal as written, before `hcl-edit` dedented it: the
/// text its span covers, with the template escapes `$${` and `%%{` read. False when a
/// literal's span is not in that text.
fn flatten<'t>(template: &'t Template, written: Option<&str>, out: &mut Vec<Token<'t>>) -> bool {
    for element in template {
        match element {
            Element::Literal(literal) => match written {
                Some(text) => {
                    let Some(raw) = literal.span().and_then(|span| text.get(span)) else { return false };
                    let value = raw.replace("$${", "${").replace("%%{", "%{");
                    out.extend(value.split_inclusive('\n').map(|line| Token::Lit(line.to_string())));
                }
                None => out.push(Token::Lit(literal.value().clone())),
            },
            Element::Interpolation(i) => out.push(Token::Interp(&i.expr, i.strip)),
            Element::Directive(directive) => match &**directive {
                Directive::If(d) => {
                    out.push(Token::If(&d.if_expr.cond_expr, d.if_expr.strip));
                    if !flatten(&d.if_expr.template, written, out) {
                        return false;
                    }
                    if let Some(otherwise) = &d.else_expr {
                        out.push(Token::Else(otherwise.strip));
                        if !flatten(&otherwise.template, written, out) {
                            return false;
                        }
                    }
                    out.push(Token::EndIf(d.endif_expr.strip));
                }
                Directive::For(d) => {
                    out.push(Token::For {
                        key: d.for_expr.key_var.as_ref().map(|k| k.as_str().to_string()),
                        value: d.for_expr.value_var.as_str().to_string(),
                        collection: &d.for_expr.collection_expr,
                        strip: d.for_expr.strip,
                    });
                    if !flatten(&d.for_expr.template, written, out) {
                        return false;
                    }
                    out.push(Token::EndFor(d.endfor_expr.strip));
                }
            },
        }
    }
    true
}

/// Applies the strip markers: `${~` and `%{~` trim the end of the literal just before (only
/// when the token before is a literal), `~}` the start of the literal just after.
fn strip(tokens: &mut [Token<'_>]) {
    let mut trim_next = false;
    for i in 0..tokens.len() {
        let (before, rest) = tokens.split_at_mut(i);
        let Some(token) = rest.first_mut() else { break };
        let trim = std::mem::take(&mut trim_next);
        let Some(marks) = token.strip() else {
            if trim && let Token::Lit(text) = token {
                *text = text.trim_start().to_string();
            }
            continue;
        };
        if marks.strip_start()
            && let Some(Token::Lit(previous)) = before.last_mut()
        {
            previous.truncate(previous.trim_end().len());
        }
        trim_next = marks.strip_end();
    }
}

/// Removes the smallest indentation of an indented heredoc's lines from each line that
/// starts with a literal (HCL's `flushHeredocTemplateParts`). A blank line (only spaces and
/// its newline) does not count; a line that starts with anything but a literal counts as
/// indented by nothing.
fn flush(tokens: &mut [Token<'_>]) {
    let mut least = usize::MAX;
    let mut line_start = true;
    let mut adjust = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        if line_start {
            line_start = false;
            let spaces = match token {
                Token::Lit(text) => {
                    let trimmed = text.trim_start();
                    if trimmed.is_empty() && text.ends_with('\n') {
                        usize::MAX
                    } else {
                        adjust.push(i);
                        text[..text.len() - trimmed.len()].chars().count()
                    }
                }
                _ => 0,
            };
            least = least.min(spaces);
        }
        if let Token::Lit(text) = token
            && text.ends_with('\n')
        {
            line_start = true;
        }
    }
    if least == usize::MAX || least == 0 {
        return;
    }
    for i in adjust {
        if let Some(Token::Lit(text)) = tokens.get_mut(i) {
            let cut = text.char_indices().nth(least).map_or(text.len(), |(at, _)| at);
            text.replace_range(..cut, "");
        }
    }
}
