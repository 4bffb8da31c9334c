//! A bound on the object literals `hcl-edit` is given. It builds an object by inserting each
//! item into a vector map that compares the new key with every key before it, so an object
//! of `k` items costs `k²/2` key comparisons: a 670 KB `.tf` file holding one object of
//! 40,000 items took 9 s to parse, and a 16 MiB one would take hours. Block bodies and lists
//! are vectors, and cost nothing of the kind.
//!
//! [`refused`] finds, before the parse, the object at which a file's objects pass
//! [`MAX_KEY_COMPARISONS`]. It reads the text as HCL's lexer does only as far as it must to
//! tell items apart: strings and their interpolations, heredocs, comments, and which `{`
//! opens an object rather than a block body.

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

    /// What the finding says.
    pub fn message(&self) -> String {
        match self {
            Self::Object { .. } => format!(
                "this file is not read: the HCL parser compares each key of an object with every key before it, and this file's objects would take it more than {MAX_KEY_COMPARISONS} comparisons (as one object of 8,192 items would); this object passes that"
            ),
            Self::Nesting { .. } => format!(
                "this file is not read: more than {MAX_FRAMES} strings, brackets and blocks are written inside one another here"
            ),
        }
    }
}

/// What the reader is inside.
enum Frame<'t> {
    /// Expressions, up to `closer` (`0` at the top of the file). `object` is the start of
    /// the object literal this frame's `{` opened, with its items so far.
    Code { closer: u8, object: Option<(usize, u64)> },
    /// A quoted template, up to its closing `"`.
    Quoted,
    /// A heredoc's lines, up to the line that holds only its identifier.
    Heredoc(&'t str),
}

/// The first object literal at which the objects of `text` (HCL) pass
/// [`MAX_KEY_COMPARISONS`], or the point past [`MAX_FRAMES`]; `None` when neither is met.
pub fn refused(text: &str) -> Option<Refused> {
    // An object's items are each written with `=` or `:`, so a file with few of them has no
    // object large enough to matter, and is not read further.
    let separators = memchr::memchr2_iter(b'=', b':', text.as_bytes()).count() as u64;
    if separators.saturating_mul(separators.saturating_sub(1)) / 2 <= MAX_KEY_COMPARISONS {
        return None;
    }
    let mut reader = Reader {
        text,
        frames: vec![Frame::Code { closer: 0, object: None }],
        comparisons: 0,
        last: 0,
        line_start: true,
        i: 0,
    };
    while reader.i < text.len() {
        if reader.frames.len() > MAX_FRAMES {
            return Some(Refused::Nesting { at: reader.i });
        }
        if let Some(refused) = reader.step() {
            return Some(refused);
        }
    }
    None
}

/// The state of [`refused`]'s reading.
struct Reader<'t> {
    text: &'t str,
    frames: Vec<Frame<'t>>,
    /// The key comparisons the objects read so far cost.
    comparisons: u64,
    /// The last byte of code that is not a blank or a comment: what a `{` follows tells an
    /// object from a block body.
    last: u8,
    /// Whether `i` starts a line (for a heredoc's closing line).
    line_start: bool,
    i: usize,
}

impl Reader<'_> {
    /// Reads on from `i` by a byte or a token.
    fn step(&mut self) -> Option<Refused> {
        let bytes = self.text.as_bytes();
        let (c, next) = (bytes[self.i], bytes.get(self.i + 1).copied());
        let line_start = std::mem::replace(&mut self.line_start, false);
        match self.frames.last()? {
            Frame::Heredoc(id) => {
                let end = line_end(bytes, self.i);
                let line = self.text.get(self.i..end).unwrap_or_default();
                if line_start && line.trim_end_matches('\r').trim_matches([' ', '\t']) == *id {
                    self.frames.pop();
                    self.last = b'"';
                    self.i = end;
                } else {
                    self.template(c, next);
                }
            }
            Frame::Quoted if c == b'"' => {
                self.frames.pop();
                self.last = b'"';
                self.i += 1;
            }
            Frame::Quoted => self.template(c, next),
            Frame::Code { .. } => return self.code(c, next),
        }
        None
    }

    /// Reads one byte (or an escape or interpolation opener) of a template, in a quoted
    /// string or a heredoc: `${` and `%{` open an interpolation or a directive, read as code
    /// up to its `}`; `$${`, `%%{` and a backslash escape (in a quoted string) are text.
    fn template(&mut self, c: u8, next: Option<u8>) {
        self.i += match (c, next) {
            (b'\\', Some(_)) if matches!(self.frames.last(), Some(Frame::Quoted)) => 2,
            (b'$' | b'%', Some(n)) if n == c => 2,
            (b'$' | b'%', Some(b'{')) => {
                self.frames.push(Frame::Code { closer: b'}', object: None });
                // What an interpolation starts with is an expression: a `{` there is an object.
                self.last = b'(';
                2
            }
            (b'\n', _) => {
                self.line_start = true;
                1
            }
            _ => 1,
        };
    }

    /// Reads one byte or token of code.
    fn code(&mut self, c: u8, next: Option<u8>) -> Option<Refused> {
        let bytes = self.text.as_bytes();
        let Some(Frame::Code { closer, .. }) = self.frames.last() else { return None };
        let closer = *closer;
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
                    return None;
                }
                self.last = c;
                self.i += 1;
            }
            b'{' => {
                // A block body follows its type or a label (a name or a string); an object
                // follows an operator, a bracket, a comma or `=`/`:`.
                let last = self.last;
                let body = last.is_ascii_alphanumeric() || matches!(last, b'_' | b'-' | b'"') || last >= 0x80;
                self.frames.push(Frame::Code { closer: b'}', object: (!body).then_some((self.i, 0)) });
                self.last = c;
            }
            b'[' | b'(' => {
                self.frames.push(Frame::Code { closer: if c == b'[' { b']' } else { b')' }, object: None });
                self.last = c;
            }
            b'}' | b']' | b')' if c == closer => {
                self.frames.pop();
                self.last = c;
            }
            // `==`, `!=`, `<=`, `>=` and `=>` separate no items.
            b'=' | b'!' | b'<' | b'>' if matches!(next, Some(b'=' | b'>')) => {
                self.last = next.unwrap_or(c);
                self.i += 1;
            }
            b'=' | b':' => {
                self.last = c;
                if let Some(Frame::Code { object: Some((start, items)), .. }) = self.frames.last_mut() {
                    self.comparisons = self.comparisons.saturating_add(*items);
                    *items += 1;
                    if self.comparisons > MAX_KEY_COMPARISONS {
                        return Some(Refused::Object { at: *start, items: *items });
                    }
                }
            }
            b'\n' => self.line_start = true,
            b' ' | b'\t' | b'\r' => {}
            _ => self.last = c,
        }
        self.i += 1;
        None
    }
}

/// The index of the newline that ends the line `at` is on (or the end of the text).
fn line_end(bytes: &[u8], at: usize) -> usize {
    memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |n| at + n)
}

/// A heredoc opener at `at` (`<<ID` or `<<-ID`, then the end of the line): its identifier
/// and where its first line starts.
fn heredoc_opener(text: &str, at: usize) -> Option<(&str, usize)> {
    let rest = text.get(at + 2..)?;
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let id_len = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-')).unwrap_or(rest.len());
    let id = rest.get(..id_len).filter(|id| id.starts_with(|c: char| c.is_alphabetic() || c == '_'))?;
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
        let found = refused(&text).expect("past the bound");
        assert_eq!(found, Refused::Object { at: text.find("m = {").unwrap() + 4, items: 8_193 });
        // Within the bound, and the same items as attributes of a block body, or split over
        // two objects of half the size: nothing.
        assert_eq!(refused(&format!("locals {{\n  m = {{\n{}  }}\n}}\n", object(8_000))), None);
        assert_eq!(refused(&format!("locals {{\n{}}}\n", object(50_000))), None);
        let halves = format!("locals {{\n  a = {{\n{0}  }}\n  b = {{\n{0}  }}\n}}\n", object(5_000));
        assert_eq!(refused(&halves), None);
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
        ] {
            let text = format!("locals {{\n  {before}{{\n{}}}{after}\n}}\n", object(9_000));
            assert!(refused(&text).is_some(), "{before}");
        }
    }

    #[test]
    fn nesting_past_the_bound_is_refused_where_it_passes() {
        let deep = format!("locals {{\n  m = {}{{\n{}}}\n}}\n", "[".repeat(2_000), object(9_000));
        let found = refused(&deep).expect("too deep");
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
            assert_eq!(refused(&text), None);
        }
    }
}
