//! A bound on the object literals `hcl-edit` is given. It builds an object by inserting each
//! item into a vector map that compares the new key with every key before it, so an object
//! of `k` items costs `k²/2` key comparisons: a 670 KB `.tf` file holding one object of
//! 40,000 items took 9 s to parse, and a 16 MiB one would take hours. Block bodies and lists
//! are vectors, and cost nothing of the kind.
//!
//! [`refused`] finds, before the parse, the object at which a file's objects pass
//! [`MAX_KEY_COMPARISONS`]. It follows HCL's lexer only where that decides what an item is:
//! quoted strings (their escapes and interpolations), heredocs (opened and closed where
//! `hcl-edit` opens and closes them), comments, and brackets; a `{` in a body opens a block
//! until the statement has had its `=`, and an object anywhere else. Each `=` or `:` in an
//! object counts as an item, so a conditional's `:` or a namespace's `::` counts one more:
//! it may count more items than the parser sees, and is meant never to count fewer.

/// The most key comparisons a file's object literals may cost `hcl-edit`: one object of
/// 8,192 items (about 0.2 s), or many smaller ones. Real configurations hold objects of tens
/// of items; a map of every region's image IDs holds a few hundred.
pub const MAX_KEY_COMPARISONS: u64 = 8_192 * 8_191 / 2;

/// The most strings, brackets, blocks and interpolations read inside one another: the
/// reader's memory is bounded by it (`hcl-edit` refuses expressions nested past 64).
pub const MAX_FRAMES: usize = 1_024;

/// Why a file's text is not given to `hcl-edit`, and where.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// The object literal whose `{` is at `at`, with `items` items when the file's objects
    /// passed [`MAX_KEY_COMPARISONS`].
    Object { at: usize, items: u64 },
    /// More than [`MAX_FRAMES`] nested at `at`.
    Nesting { at: usize },
}

impl Refused {
    /// Where the finding points.
    pub const fn at(&self) -> usize {
        match self {
            Self::Object { at, .. } | Self::Nesting { at } => *at,
        }
    }

    /// What the S001 on a whole file says.
    pub fn in_file(&self) -> String {
        format!("this file is {}", self.message())
    }

    /// What the finding says.
    pub fn message(&self) -> String {
        match self {
            Self::Object { .. } => format!(
                "not read: the HCL parser compares each key of an object with every key before it, and the objects here would take it more than {MAX_KEY_COMPARISONS} comparisons (one object of 8,192 items, or several smaller ones); this object passes that"
            ),
            Self::Nesting { .. } => {
                format!(
                    "not read: more than {MAX_FRAMES} strings, brackets and blocks are written inside one another here"
                )
            }
        }
    }
}

/// What the reader is inside.
enum Frame<'t> {
    /// Code, up to `closer` (`0` at the top of the text). `object` is the start of the object
    /// literal this frame's `{` opened, with its items so far. In a `body` (the top of a file,
    /// a block's), a `{` opens a block body until the statement it is in has had an `=`
    /// (`assigned`, reset at each line's end); anywhere else, a `{` opens an object.
    Code { closer: u8, object: Option<(usize, u64)>, body: bool, assigned: bool },
    /// A quoted template, up to its closing `"`.
    Quoted,
    /// A template read whole (a JSON string's), to the end of the text.
    Template,
    /// A heredoc's lines, up to the line that starts with its identifier.
    Heredoc(&'t str),
}

impl Frame<'_> {
    const fn code(closer: u8, body: bool) -> Self {
        Self::Code { closer, object: None, body, assigned: false }
    }
}

/// What the text given to [`refused`] is, as `hcl-edit` is asked to parse it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// A file's body (`parse_body`).
    Body,
    /// One expression (`parse_expr`: a `--var`, a type written as a string).
    Expr,
    /// A template (`parse_template`: a string of a `.tf.json` file).
    Template,
}

/// The first object literal at which the objects of `text` pass [`MAX_KEY_COMPARISONS`], or
/// the point past [`MAX_FRAMES`]; `None` when neither is met.
pub fn refused(text: &str, start: Start) -> Option<Refused> {
    // An object's items are each written with `=` or `:`, so a text with few of them has no
    // object large enough to matter, and is not read further.
    let separators = memchr::memchr2_iter(b'=', b':', text.as_bytes()).count() as u64;
    if separators.saturating_mul(separators.saturating_sub(1)) / 2 <= MAX_KEY_COMPARISONS {
        return None;
    }
    read(text, start).err()
}

/// The key comparisons the objects of `text` cost `hcl-edit` in one parse, past
/// [`MAX_KEY_COMPARISONS`] when [`refused`] refuses it.
pub fn comparisons(text: &str, start: Start) -> u64 {
    read(text, start).unwrap_or(MAX_KEY_COMPARISONS + 1)
}

/// Reads `text` to its end: the comparisons its objects cost, or where it is refused.
fn read(text: &str, start: Start) -> Result<u64, Refused> {
    let mut frames = vec![Frame::code(0, start == Start::Body)];
    if start == Start::Template {
        frames.push(Frame::Template);
    }
    let mut reader = Reader { text, frames, comparisons: 0, line_start: false, i: 0 };
    while reader.i < text.len() {
        if reader.frames.len() > MAX_FRAMES {
            return Err(Refused::Nesting { at: reader.i });
        }
        reader.step()?;
    }
    Ok(reader.comparisons)
}

/// The state of [`read`].
struct Reader<'t> {
    text: &'t str,
    frames: Vec<Frame<'t>>,
    /// The key comparisons the objects read so far cost.
    comparisons: u64,
    /// Whether `i` starts a line (for a heredoc's closing line).
    line_start: bool,
    i: usize,
}

impl Reader<'_> {
    /// Reads on from `i` by a byte or a token.
    fn step(&mut self) -> Result<(), Refused> {
        let bytes = self.text.as_bytes();
        let (c, next) = (bytes[self.i], bytes.get(self.i + 1).copied());
        let line_start = std::mem::replace(&mut self.line_start, false);
        match self.frames.last() {
            // `hcl-edit` ends a heredoc at a line that starts, after blanks, with its
            // identifier followed by anything but an identifier character; the rest of that
            // line is code again (`<<EOT ... EOT , {`).
            Some(Frame::Heredoc(id)) if line_start => {
                let rest = &self.text[self.i..];
                let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
                let after = &rest[blanks..];
                let closes = after.strip_prefix(*id).is_some_and(|tail| {
                    !tail.chars().next().is_some_and(hcl_primitives::ident::is_id_continue)
                });
                if closes {
                    self.i += blanks + id.len();
                    self.frames.pop();
                } else {
                    self.template(c, next);
                }
            }
            Some(Frame::Quoted) if c == b'"' => {
                self.frames.pop();
                self.i += 1;
            }
            Some(Frame::Heredoc(_) | Frame::Quoted | Frame::Template) => self.template(c, next),
            Some(Frame::Code { .. }) => return self.code(c, next),
            None => self.i = self.text.len(),
        }
        Ok(())
    }

    /// Reads one byte (or an escape or interpolation opener) of a template, in a quoted
    /// string, a heredoc or a template read whole: `${` and `%{` open an interpolation or a
    /// directive, read as code up to its `}`; `$${` and `%%{` are text, and so is a backslash
    /// escape in a quoted string.
    fn template(&mut self, c: u8, next: Option<u8>) {
        let third = self.text.as_bytes().get(self.i + 2).copied();
        self.i += match (c, next, third) {
            (b'\\', Some(_), _) if matches!(self.frames.last(), Some(Frame::Quoted)) => 2,
            (b'$' | b'%', Some(n), Some(b'{')) if n == c => 3,
            (b'$' | b'%', Some(b'{'), _) => {
                self.frames.push(Frame::code(b'}', false));
                2
            }
            (b'\n', _, _) => {
                self.line_start = true;
                1
            }
            _ => 1,
        };
    }

    /// Reads one byte or token of code.
    fn code(&mut self, c: u8, next: Option<u8>) -> Result<(), Refused> {
        let bytes = self.text.as_bytes();
        let Some(Frame::Code { closer, body, assigned, .. }) = self.frames.last_mut() else { return Ok(()) };
        let (closer, body) = (*closer, *body);
        match c {
            b'"' => self.frames.push(Frame::Quoted),
            // A comment runs to its line's end (the newline is read next) or to its `*/`.
            b'#' => self.i = line_end(bytes, self.i) - 1,
            b'/' if next == Some(b'/') => self.i = line_end(bytes, self.i) - 1,
            b'/' if next == Some(b'*') => {
                let rest = bytes.get(self.i + 2..).unwrap_or_default();
                self.i = memchr::memmem::find(rest, b"*/").map_or(bytes.len(), |n| self.i + 2 + n + 2) - 1;
            }
            b'<' if next == Some(b'<') => {
                if let Some((id, body)) = heredoc_opener(self.text, self.i) {
                    self.frames.push(Frame::Heredoc(id));
                    self.i = body;
                    self.line_start = true;
                    return Ok(());
                }
                self.i += 1;
            }
            b'{' => {
                let block = body && !*assigned;
                let object = (!block).then_some((self.i, 0));
                self.frames.push(Frame::Code { closer: b'}', object, body: block, assigned: false });
            }
            b'[' | b'(' => self.frames.push(Frame::code(if c == b'[' { b']' } else { b')' }, false)),
            b'}' | b']' | b')' if c == closer => {
                self.frames.pop();
            }
            // `==`, `!=`, `<=`, `>=` and `=>` separate no items.
            b'=' | b'!' | b'<' | b'>' if matches!(next, Some(b'=' | b'>')) => self.i += 1,
            b'=' | b':' => {
                *assigned = true;
                if let Some(Frame::Code { object: Some((start, items)), .. }) = self.frames.last_mut() {
                    self.comparisons = self.comparisons.saturating_add(*items);
                    *items += 1;
                    if self.comparisons > MAX_KEY_COMPARISONS {
                        return Err(Refused::Object { at: *start, items: *items });
                    }
                }
            }
            b'\n' => {
                *assigned = false;
                self.line_start = true;
            }
            _ => {}
        }
        self.i += 1;
        Ok(())
    }
}

/// The index of the newline that ends the line `at` is on (or the end of the text).
fn line_end(bytes: &[u8], at: usize) -> usize {
    memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |n| at + n)
}

/// A heredoc opener at `at` (`<<ID` or `<<-ID`, then the end of the line, as `hcl-edit`
/// reads one: its identifier rules are HCL's): its identifier and where its first line
/// starts.
fn heredoc_opener(text: &str, at: usize) -> Option<(&str, usize)> {
    use hcl_primitives::ident::{is_id_continue, is_id_start};
    let rest = text.get(at + 2..)?;
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let id_len = rest.find(|c: char| !is_id_continue(c)).unwrap_or(rest.len());
    let id = rest.get(..id_len).filter(|id| id.starts_with(is_id_start))?;
    let after = rest.get(id_len..)?;
    let after = after.strip_prefix('\r').unwrap_or(after);
    let body = after.strip_prefix('\n')?;
    Some((id, text.len() - body.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    /// An object of `items` items written `k = "v"`, one a line, inside `wrap`'s `{}`.
    fn object(items: usize) -> String {
        (0..items).fold(String::new(), |mut out, i| {
            let _ = writeln!(out, "    k{i} = \"v\"");
            out
        })
    }

    #[test]
    fn a_large_object_is_found_at_its_brace() {
        let text = format!("locals {{\n  m = {{\n{}  }}\n}}\n", object(9_000));
        let found = refused(&text, Start::Body).expect("past the bound");
        assert_eq!(found, Refused::Object { at: text.find("m = {").unwrap() + 4, items: 8_193 });
        // Within the bound, and the same items as attributes of a block body, or split over
        // two objects of half the size: nothing.
        assert_eq!(refused(&format!("locals {{\n  m = {{\n{}  }}\n}}\n", object(8_000)), Start::Body), None);
        assert_eq!(refused(&format!("locals {{\n{}}}\n", object(50_000)), Start::Body), None);
        let halves = format!("locals {{\n  a = {{\n{0}  }}\n  b = {{\n{0}  }}\n}}\n", object(5_000));
        assert_eq!(refused(&halves, Start::Body), None);
    }

    #[test]
    fn objects_everywhere_an_expression_may_be_are_counted() {
        for (before, after) in [
            ("x = [", "]"),
            ("x = f(", ")"),
            ("x = c ? 1 : ", ""),
            ("x = \"${jsonencode(", ")}\""),
            ("x = <<EOT\n${jsonencode(", ")}\nEOT"),
            ("x = { for k in y : k => ", "}"),
            // Review cases: a `{` after a keyword or an operator, an escape that is not one,
            // a heredoc closed mid-line, and a heredoc identifier with a combining mark.
            ("x = [for k, v in ", " : v]"),
            ("x = [for k in [] : k if ", "]"),
            ("x = 1 - ", ""),
            ("s = \"$$${\"\n  x = ", ""),
            ("a = [<<EOT\nx\nEOT , ", "]"),
            ("a = <<EOT\u{301}\n\"\nEOT\u{301}\n  x = ", ""),
        ] {
            let text = format!("locals {{\n  {before}{{\n{}}}{after}\n}}\n", object(9_000));
            assert!(refused(&text, Start::Body).is_some(), "{before}");
        }
    }

    #[test]
    fn block_bodies_are_not_objects_and_texts_of_other_kinds_are_read_as_such() {
        let attributes = object(9_000);
        for text in [
            format!("resource \"a\" \"b\" {{\n{attributes}}}\n"),
            format!("resource a b {{\n  dynamic \"d\" {{\n    content {{\n{attributes}    }}\n  }}\n}}\n"),
            format!("locals {{\n  a = 1\n}}\nlocals {{\n{attributes}}}\n"),
        ] {
            assert_eq!(refused(&text, Start::Body), None);
        }
        // A `.tf.json` string is a template; a type written as a string is an expression.
        let items: String = (0..9_000).map(|i| format!("k{i} = 0, ")).collect::<Vec<_>>().concat();
        assert!(refused(&format!("${{ {{{items}}} }}"), Start::Template).is_some());
        assert!(refused(&format!("object({{{items}}})"), Start::Expr).is_some());
        // As a body, the same text opens a block: nothing is counted.
        assert_eq!(refused(&format!("x {{{items}}}"), Start::Body), None);
    }

    #[test]
    fn nesting_past_the_bound_is_refused_where_it_passes() {
        let deep = format!("locals {{\n  m = {}{{\n{}}}\n}}\n", "[".repeat(2_000), object(9_000));
        let found = refused(&deep, Start::Body).expect("too deep");
        // With the top of the file and `locals`, 1,023 brackets are 1,025 frames: refused at the next byte.
        assert_eq!(found, Refused::Nesting { at: deep.find('[').unwrap() + MAX_FRAMES - 1 });
    }

    #[test]
    fn separators_in_strings_comments_and_heredocs_are_not_items() {
        let lines = |n: usize, line: &dyn Fn(usize) -> String| (0..n).map(line).collect::<Vec<_>>().concat();
        let noise = lines(9_000, &|i| format!("    # k{i} = 1\n    // a: b\n"));
        let strings = lines(9_000, &|i| format!("    k{i} = \"a=b:c ${{x == y}}\"\n"));
        let heredoc = lines(20_000, &|i| format!("k{i} = v: w\n"));
        for text in [
            format!("locals {{\n  m = {{\n{noise}  }}\n}}\n"),
            format!("locals {{\n  m = {{\n    a = 1\n  }}\n{strings}}}\n"),
            format!("locals {{\n  m = {{\n    a = <<-EOT\n{heredoc}    EOT\n  }}\n}}\n"),
            format!("/*\n{heredoc}*/\nlocals {{\n  m = {{ a = 1 }}\n}}\n"),
        ] {
            assert_eq!(refused(&text, Start::Body), None);
        }
    }
}
