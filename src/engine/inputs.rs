//! Which fields of its resource a rule reads, so that a schema violation in one field
//! does not switch off the rules that never look at it (a mistake does not hide another).
//!
//! The analysis reads the text of the rule's expressions: `resource.count`,
//! `has(resource.zone)` and `resource["zone"]` read one field; the variables made from
//! an instance's fields read those fields (`instanceType`, `region`, and `image`,
//! `lifecycle` and `fee` the instance's `image`, `fee` also its `count`, `billing`,
//! `instanceType` and `region`). Anything else that names `resource` (passing it whole to
//! a function, indexing it with a computed key) reads every field. It errs on the side of
//! reading more: a name inside a string literal is skipped, and a field it cannot name
//! keeps the rule off an invalid resource, which can only miss a finding, never invent one.

use super::rule::Rule;
use crate::spec::Resource;

/// What a rule reads of its resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inputs {
    /// The whole resource.
    All,
    /// These top-level fields, sorted.
    Fields(Vec<String>),
}

impl Inputs {
    /// The inputs of a rule, from all of its expressions and templates.
    pub fn of(rule: &Rule) -> Self {
        let expressions = rule.conditions().chain(rule.data.iter().map(|(_, expr)| expr));
        let texts = expressions
            .map(|expr| expr.text.as_str())
            .chain(rule.templates().flat_map(super::expr::Template::expression_texts));
        // Borrowed names until the list is deduplicated: a rule names the same few fields
        // many times (`fee` alone stands for five).
        let mut fields: Vec<&str> = Vec::new();
        for text in texts {
            if !scan(text, &mut fields) {
                return Self::All;
            }
        }
        fields.sort_unstable();
        fields.dedup();
        Self::Fields(fields.into_iter().map(str::to_string).collect())
    }

    /// The same, with the instance's `image` field added (image rules run on an instance
    /// that names a public image ID get their image from that field).
    #[must_use]
    pub fn with_image(self) -> Self {
        match self {
            Self::All => Self::All,
            Self::Fields(mut fields) => {
                fields.push("image".to_string());
                Self::Fields(fields)
            }
        }
    }

    /// Whether every field the rule reads passed validation on `resource`.
    pub fn valid_on(&self, resource: &Resource) -> bool {
        match self {
            Self::All => resource.valid,
            Self::Fields(fields) => fields.iter().all(|f| resource.field_valid(f)),
        }
    }
}

/// The fields a variable made from an instance's fields stands for.
fn variable_fields(name: &str) -> &'static [&'static str] {
    match name {
        "instanceType" => &["instanceType"],
        "region" => &["region"],
        "image" | "lifecycle" => &["image"],
        "fee" => &["image", "count", "billing", "instanceType", "region"],
        _ => &[],
    }
}

/// Adds the fields one expression reads; `false` when it reads the whole resource.
fn scan<'t>(text: &'t str, fields: &mut Vec<&'t str>) -> bool {
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        if byte == b'"' || byte == b'\'' {
            at = skip_string(bytes, at);
            continue;
        }
        if !is_ident_start(byte) {
            at += 1;
            continue;
        }
        let start = at;
        while bytes.get(at).is_some_and(|b| is_ident_char(*b)) {
            at += 1;
        }
        let word = text.get(start..at).unwrap_or_default();
        // `x.region` is a field of something else, not the `region` variable.
        let selected = text.get(..start).is_some_and(|before| before.trim_end().ends_with('.'));
        if selected {
            continue;
        }
        if word == "resource" {
            match field_after(text, at) {
                Some(field) => fields.push(field),
                None => return false,
            }
        } else {
            fields.extend(variable_fields(word));
        }
    }
    true
}

/// The field named right after `resource` at byte `at`: `.name` or `["name"]`.
fn field_after(text: &str, at: usize) -> Option<&str> {
    let rest = text.get(at..)?.trim_start();
    if let Some(after_dot) = rest.strip_prefix('.') {
        let after_dot = after_dot.trim_start();
        let end =
            after_dot.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after_dot.len());
        let name = after_dot.get(..end).filter(|n| !n.is_empty())?;
        return Some(name);
    }
    let inner = rest.strip_prefix('[')?.trim_start();
    let quote = inner.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let body = inner.get(1..)?;
    let end = body.find(quote)?;
    let name = body.get(..end)?;
    let closed = body.get(end + 1..)?.trim_start().starts_with(']');
    (closed && !name.contains('\\')).then_some(name)
}

/// The byte after the string literal that starts at `at` (its end if unterminated).
fn skip_string(bytes: &[u8], at: usize) -> usize {
    let Some(&quote) = bytes.get(at) else { return at + 1 };
    let mut index = at + 1;
    while let Some(&byte) = bytes.get(index) {
        index += 1;
        if byte == b'\\' {
            index += 1;
        } else if byte == quote {
            return index;
        }
    }
    index
}

const fn is_ident_start(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || byte == b'_'
}

const fn is_ident_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> Option<Vec<&str>> {
        let mut found = Vec::new();
        scan(text, &mut found).then(|| {
            found.sort_unstable();
            found.dedup();
            found
        })
    }

    #[test]
    fn reads_fields_and_variables() {
        assert_eq!(
            fields("has(resource.zone) && resource[\"count\"] > 1 && image.region != region").unwrap(),
            ["count", "image", "region", "zone"]
        );
        assert_eq!(fields("fee != null").unwrap(), ["billing", "count", "image", "instanceType", "region"]);
        assert_eq!(fields("'resource' == kind && \"region\" in catalog").unwrap(), Vec::<String>::new());
        assert_eq!(fields("quotas[\"q\"] > 1 && item.region == 'x'").unwrap(), Vec::<String>::new());
    }

    #[test]
    fn the_whole_resource_when_a_field_cannot_be_named() {
        assert_eq!(fields("size(resource) > 3"), None);
        assert_eq!(fields("resource[key] == 1"), None);
        assert_eq!(fields("resource[\"a\" + \"b\"] == 1"), None);
    }
}
