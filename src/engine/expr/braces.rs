//! Where the `{{ … }}` expressions of a message template are. One scanner for the rule
//! compiler (`template.rs`) and for build.rs, which works out the built-in rules' inputs.

/// A template cut at its braces: each `(literal, expression)` pair is the text before a `{{`
/// and the text (untrimmed) between it and its `}}`; `tail` is the text after the last `}}`.
pub struct Pieces<'a> {
    pub pairs: Vec<(&'a str, &'a str)>,
    pub tail: &'a str,
}

/// `text` cut at its braces; `None` when a `{{` has no closing `}}`.
pub fn pieces(text: &str) -> Option<Pieces<'_>> {
    let mut pairs = Vec::new();
    let mut rest = text;
    while let Some(open) = memchr::memmem::find(rest.as_bytes(), b"{{") {
        let (literal, after) = rest.split_at(open);
        let after = after.get(2..).unwrap_or("");
        let close = memchr::memmem::find(after.as_bytes(), b"}}")?;
        let (expr, tail) = after.split_at(close);
        pairs.push((literal, expr));
        rest = tail.get(2..).unwrap_or("");
    }
    Some(Pieces { pairs, tail: rest })
}

/// The trimmed text of each expression, in order; none when a `{{` is not closed.
pub fn expression_texts(text: &str) -> Vec<&str> {
    pieces(text).map_or_else(Vec::new, |p| p.pairs.iter().map(|(_, expr)| expr.trim()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_is_cut_at_its_braces() {
        let cut = pieces("image {{ image.name }} in {{region}}.").expect("closed");
        assert_eq!(cut.pairs, [("image ", " image.name "), (" in ", "region")]);
        assert_eq!(cut.tail, ".");
        assert_eq!(expression_texts("a {{ x }}{{y}}"), ["x", "y"]);
        let plain = pieces("no braces").expect("closed");
        assert!(plain.pairs.is_empty() && plain.tail == "no braces");
    }

    #[test]
    fn a_brace_left_open_cuts_nothing() {
        assert!(pieces("a {{ x }} and {{ y").is_none());
        assert!(expression_texts("a {{ x }} and {{ y").is_empty());
        // A `}}` with no `{{` before it is literal text.
        assert_eq!(pieces("a }} b").map(|p| p.tail), Some("a }} b"));
    }
}
