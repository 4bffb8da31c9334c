//! Object constructors that write a key twice (`{ a = 1  a = 2 }`). Terraform and Packer
//! accept them (HCL keeps the last value; only a `for` expression that builds an object
//! demands unique keys), but `hcl-edit` rejects them ("redefined object key"). So a file is
//! parsed with the later key renamed, in a copy of the same length, and the front end reads
//! the renamed keys back from the text: Terraform's `Converter` as it converts, Packer's
//! reading through [`restore`].

use hcl_edit::expr::{Expression, Object, ObjectKey, ObjectValue};
use hcl_edit::visit_mut::{VisitMut, visit_object_mut};
use hcl_edit::{Decorated, Ident, Span};
use std::ops::Range;

/// Most key comparisons (`iac::objects`) all the parses of one file with renamed keys may
/// cost together: four times what one may cost, about a second.
const MAX_REPARSED_COMPARISONS: u64 = 4 * crate::iac::objects::MAX_KEY_COMPARISONS;

/// Most keys renamed in one file before it is given up as not parsed.
const MAX_RENAMES: usize = 256;

/// Most text parsed again for renamed keys, in bytes: each renaming parses the whole file
/// once more, so a large file gets fewer (a 4.4 MB file with 300 repeated keys took 52 s
/// before this bound; hcl-edit parses about 20 MB a second in a release build, so this is
/// under a second). A file past it stays an S001, as before keys were renamed.
pub const MAX_REPARSED: usize = 16 << 20;

/// `text` parsed by `hcl-edit`, with the object keys it had to rename (byte ranges).
///
/// `hcl-edit` rejects an object constructor that writes a key twice (`{ a = 1  a = 2 }`:
/// "redefined object key"); Terraform accepts it and the last value wins (only a `for`
/// expression that builds an object demands unique keys). So on that error the later key
/// is renamed, in a copy of the text, to a fresh name of the same byte length, and the copy
/// parsed again: every span stays the one in `text`, and the front end reads the renamed
/// keys' names back from `text`, so the object holds the key twice and evaluation keeps the
/// last value. A key in parentheses or a template is evaluated, so `{ (k) = 1, (k) = 2 }`
/// has it renamed whole and parsed again from `text` as an expression. A key that cannot be
/// renamed (a traversal, which Terraform rejects, or an expression past [`MAX_KEY_LEN`] or
/// [`MAX_KEY_ENDS`]) leaves the error, an S001.
pub fn parse_body(
    text: &str,
    max_reparsed: usize,
) -> Result<(hcl_edit::structure::Body, Vec<Range<usize>>), hcl_edit::parser::Error> {
    let mut copy: Option<String> = None;
    let mut renamed: Vec<Range<usize>> = Vec::new();
    let mut attempt = 0;
    // What one parse of `text` costs in key comparisons (`iac::objects`), read at the first
    // renaming: within the bound once, a parse may not be repeated 256 times (a file of 7,900
    // keys and 200 repeated ones took 23 s).
    let mut cost: Option<u64> = None;
    loop {
        let current = copy.as_deref().unwrap_or(text);
        let error = match hcl_edit::parser::parse_body(current) {
            Ok(body) => return Ok((body, renamed)),
            Err(error) => error,
        };
        let at = error.location().offset();
        let redefined = error.message().ends_with("found redefined object key");
        let cost = *cost.get_or_insert_with(|| {
            if redefined {
                crate::iac::objects::comparisons(text, crate::iac::objects::Start::Body)
            } else {
                0
            }
        });
        let parses = u64::try_from(attempt + 2).unwrap_or(u64::MAX);
        let within = attempt < MAX_RENAMES
            && (attempt + 1).saturating_mul(text.len()) <= max_reparsed
            && parses.saturating_mul(cost) <= MAX_REPARSED_COMPARISONS;
        let key = (within && redefined).then(|| redefined_key(current, at)).flatten();
        let Some((key, inner)) = key else { return Err(error) };
        let mut fresh = copy.take().unwrap_or_else(|| text.to_string());
        // Never the name it replaces (`k` is one of the letters names are made of): of two
        // successive names, one differs from it.
        let name = (attempt..=attempt + 1)
            .map(|n| fresh_name(n, inner.len()))
            .find(|name| *name != fresh[inner.clone()]);
        fresh.replace_range(inner.clone(), &name.unwrap_or_default());
        copy = Some(fresh);
        if !renamed.contains(&key) {
            renamed.push(key);
        }
        attempt += 1;
    }
}

/// The key written at `at` and the part of it a fresh name replaces: an identifier (all of
/// it), a quoted string without escapes or interpolations (what is inside the quotes), or
/// an expression in parentheses or a template (all of it: the front end parses it again from
/// `text`, as Terraform evaluates it).
fn redefined_key(text: &str, at: usize) -> Option<(Range<usize>, Range<usize>)> {
    let rest = text.get(at..)?;
    let first = rest.chars().next()?;
    if first.is_alphabetic() || first == '_' {
        // To what ends an identifier (blanks, `=`, `:`, a comment, the object's end), not
        // to the first character that is no letter: an identifier may hold combining marks.
        let ends = |c: char| c.is_whitespace() || matches!(c, '=' | ':' | ',' | '}' | '#' | '/');
        let len = rest.find(ends).unwrap_or(rest.len());
        // A key written as a traversal (`local.a`, `a[0]`) is evaluated, not a name, and
        // Terraform rejects it unless it is in parentheses ("Ambiguous attribute key"): it
        // is not renamed, and stays an S001.
        if rest[..len].chars().any(|c| c.is_ascii() && !(c.is_ascii_alphanumeric() || c == '_' || c == '-')) {
            return None;
        }
        return Some((at..at + len, at..at + len));
    }
    if first == '"' {
        let inner = rest.get(1..)?;
        let len = inner.find(NOT_PLAIN);
        let closed = len.is_some_and(|len| len > 0 && inner[len..].starts_with('"'));
        if let (Some(len), true) = (len, closed) {
            return Some((at..at + len + 2, at + 1..at + 1 + len));
        }
    } else if first != '(' {
        return None;
    }
    let len = expression_key(rest)?;
    Some((at..at + len, at..at + len))
}

/// What ends a quoted key renamed inside its quotes: the closing quote, or what makes it
/// more than a plain string (an escape, an interpolation or directive, a line break).
const NOT_PLAIN: [char; 5] = ['"', '\\', '$', '%', '\n'];

/// Most places where a key written as an expression may end (an `=` or a `:`) tried, in its
/// first [`MAX_KEY_LEN`] bytes: each try parses the key's text again, so a longer key stays
/// an S001 (with [`MAX_RENAMES`], at most 4 MiB parsed for keys in one file).
pub const MAX_KEY_ENDS: usize = 16;

/// Most bytes of a key written as an expression that is renamed.
pub const MAX_KEY_LEN: usize = 1024;

/// The length of the key expression `rest` starts with (in parentheses or a template): the
/// shortest text before an `=` (not one of `==`, `!=`, `<=`, `>=`) or a `:` that parses as
/// an expression.
fn expression_key(rest: &str) -> Option<usize> {
    let bytes = rest.as_bytes();
    let operator = |i: usize| {
        bytes.get(i + 1) == Some(&b'=')
            || i.checked_sub(1).and_then(|j| bytes.get(j)).is_some_and(|b| b"=!<>".contains(b))
    };
    rest.char_indices()
        .take_while(|&(i, _)| i <= MAX_KEY_LEN)
        .filter(|&(i, c)| c == ':' || c == '=' && !operator(i))
        .take(MAX_KEY_ENDS)
        .map(|(i, _)| rest[..i].trim_end().len())
        .find(|&end| end > 0 && hcl_edit::parser::parse_expr(&rest[..end]).is_ok())
}

/// A name of `len` ASCII letters for the `attempt`th renaming (a letter first, so it is
/// an identifier too). A name that happens to be another key of the object is renamed
/// again by the next attempt.
fn fresh_name(attempt: usize, len: usize) -> String {
    let mut name = String::with_capacity(len);
    let mut n = attempt;
    while name.len() < len {
        let letter = b"zyxwvutsrqponmlkjihgfedcba".get(n % 26).copied().unwrap_or(b'z');
        name.push(char::from(letter));
        n /= 26;
    }
    name
}

/// `body` (parsed by [`parse_body`] from `text`) with the `renamed` keys written back as in
/// `text`, each object rebuilt so that a key written twice holds its last value (in the
/// place of its first, as `hcl-edit`'s own insertion does). A key in parentheses or a
/// template is an expression again; a name or a quoted string is that key.
pub fn restore(body: &mut hcl_edit::structure::Body, text: &str, renamed: &[Range<usize>]) {
    if !renamed.is_empty() {
        Restore { text, renamed }.visit_body_mut(body);
    }
}

struct Restore<'a> {
    text: &'a str,
    renamed: &'a [Range<usize>],
}

impl Restore<'_> {
    /// What was written where `key` is, when it was renamed.
    fn original(&self, key: &ObjectKey) -> Option<ObjectKey> {
        let range = match key {
            ObjectKey::Ident(ident) => ident.span(),
            ObjectKey::Expression(expr) => expr.span(),
        }
        .filter(|range| self.renamed.contains(range))?;
        let written = self.text.get(range)?;
        if written.starts_with('(') || written.starts_with('"') && !plain_string(written) {
            return hcl_edit::parser::parse_expr(written).ok().map(ObjectKey::Expression);
        }
        if let Some(inner) = written.strip_prefix('"').and_then(|w| w.strip_suffix('"')) {
            return Some(ObjectKey::Expression(Expression::String(Decorated::new(inner.to_string()))));
        }
        Some(ObjectKey::Ident(Decorated::new(Ident::new_unchecked(written))))
    }
}

/// A quoted string [`redefined_key`] renames inside its quotes: no escape or interpolation.
fn plain_string(written: &str) -> bool {
    written.len() > 2 && !written[1..written.len() - 1].contains(NOT_PLAIN)
}

impl VisitMut for Restore<'_> {
    fn visit_object_mut(&mut self, node: &mut Object) {
        visit_object_mut(self, node);
        if !node.iter().any(|(key, _)| self.original(key).is_some()) {
            return;
        }
        // Emptied in place, not replaced: the object keeps its span, where a finding on
        // the attribute that holds it points.
        let items: Vec<(ObjectKey, ObjectValue)> = node.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        node.clear();
        for (key, value) in items {
            let key = self.original(&key).unwrap_or(key);
            node.insert(key, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restored_keys_are_the_ones_written_and_the_last_value_wins() {
        let text = "o = {\n  a = 1\n  \"b\" = 2\n  a = 3\n  \"b\" = 4\n  (x) = 5\n  (x) = 6\n  \"${y}\" = 7\n  \"${y}\" = 8\n}\n";
        let (mut body, renamed) = parse_body(text, MAX_REPARSED).expect("HCL reads it");
        assert_eq!(renamed.len(), 4, "{renamed:?}");
        restore(&mut body, text, &renamed);
        let Some(Expression::Object(object)) = body.get_attribute("o").map(|a| &a.value) else {
            panic!("not an object")
        };
        // Where a finding on `o` points.
        assert_eq!(object.span().map(|span| &text[span]).and_then(|t| t.get(..3)), Some("{\n "));
        let items: Vec<(String, String)> = object
            .iter()
            .map(|(key, value)| {
                let key = match key {
                    ObjectKey::Ident(ident) => ident.as_str().to_string(),
                    ObjectKey::Expression(expr) => expr.to_string().trim().to_string(),
                };
                (key, value.expr().to_string().trim().to_string())
            })
            .collect();
        let expected = [("a", "3"), ("\"b\"", "4"), ("(x)", "6"), ("\"${y}\"", "8")];
        let expected: Vec<(String, String)> =
            expected.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect();
        assert_eq!(items, expected);
    }
}
