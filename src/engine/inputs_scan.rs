//! Which fields of its resource a rule's expression texts read (see `inputs.rs`). Shared,
//! file for file, with `build.rs`, which works out the inputs of every built-in rule at
//! build time (`BUILTIN_INPUTS`), so this file uses nothing outside itself.

/// The top-level fields these expression texts read, sorted and without repeats; `None`
/// when one of them reads the whole resource.
pub fn fields_read<'t>(texts: impl Iterator<Item = &'t str>) -> Option<Vec<&'t str>> {
    // Borrowed names until the list is deduplicated: a rule names the same few fields
    // many times (`fee` alone stands for five).
    let mut fields: Vec<&str> = Vec::new();
    for text in texts {
        if !scan(text, &mut fields) {
            return None;
        }
    }
    fields.sort_unstable();
    fields.dedup();
    Some(fields)
}

/// The fields a variable made from an instance's fields stands for.
fn variable_fields(name: &str) -> &'static [&'static str] {
    match name {
        "instanceType" => &["instanceType"],
        "region" => &["region"],
        "image" | "lifecycle" => &["image"],
        // Not `instanceType`: a fee applies whatever the type, which only prices it.
        "fee" => &["image", "count", "billing", "region"],
        _ => &[],
    }
}

/// Adds the fields one expression reads; `false` when it reads the whole resource.
pub fn scan<'t>(text: &'t str, fields: &mut Vec<&'t str>) -> bool {
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
