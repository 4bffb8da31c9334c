//! Unit tests of Terraform semantics that a trial on public configurations found read
//! wrongly: each was a false finding on a valid configuration.

use super::*;

#[test]
fn an_object_constructor_may_write_a_key_twice_and_the_last_value_wins() {
    let main = r#"
locals {
  settings = {
    image = "first"
    "image" = "second"
    size  = 20
    image = "third"
  }
  quoted = {
    "a.b" = 1
    "a.b" = 2
  }
  tags = { a = 1, a = 2, a = 3, b = 4, z = 5, z = 6 }
}
resource "x_y" "r" {
  image = local.settings.image
  size  = local.settings.size
  ab    = local.quoted["a.b"]
  count_keys = length(local.tags)
  a     = local.tags.a
  z     = local.tags.z
}
"#;
    let ev = run(&[("main.tf", main)]);
    assert!(ev.findings.is_empty(), "{:?}", ev.findings.iter().map(|f| &f.message).collect::<Vec<_>>());
    let image = attr(&ev, "x_y.r", "image");
    assert_eq!(string(image), "third");
    assert_eq!(attr(&ev, "x_y.r", "size").as_int(), Some(20));
    assert_eq!(attr(&ev, "x_y.r", "ab").as_int(), Some(2));
    assert_eq!(attr(&ev, "x_y.r", "count_keys").as_int(), Some(3));
    assert_eq!(attr(&ev, "x_y.r", "a").as_int(), Some(3));
    assert_eq!(attr(&ev, "x_y.r", "z").as_int(), Some(6));
    // The value points at what was written, in the file as it is.
    assert_eq!(text(&image.at), "local.settings.image");
}

#[test]
fn an_attribute_written_twice_in_a_block_is_still_a_syntax_error() {
    // Terraform rejects it ("Attribute redefined"): only object keys may repeat.
    let ev = run(&[("main.tf", "resource \"x_y\" \"r\" {\n  a = 1\n  a = 2\n}\n")]);
    assert_eq!(ev.findings.len(), 1);
    assert_eq!(ev.findings[0].code, "S001");
}
