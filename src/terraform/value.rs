//! Values of static evaluation: what a Terraform expression is known to be before
//! deploy, and the places it was written.
//!
//! Every value carries where it is *used* for the user (`at`: the attribute's expression,
//! or, for a value passed into a local module, the module call's argument in the calling
//! module) and the definitions it came through (`via`: a variable's `default`, a
//! `.tfvars` line, a local, a module's input), which become secondary labels.

use crate::diag::{Label, Location};
use crate::iac::Placed;
use std::sync::Arc;

/// A value and its places.
#[derive(Clone, Debug)]
pub struct Val {
    pub value: Value,
    pub at: Location,
    pub via: Vec<Label>,
}

/// What an expression evaluates to.
#[derive(Clone, Debug)]
pub enum Value {
    /// Known only after apply or not evaluated here; the reason, for S011 (`data.alicloud_instance_types.x is known only after apply`).
    Unknown(String),
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    /// Lists, sets and tuples (a set says so: [`Items::set`]).
    List(Items),
    /// Objects and maps, keys in source order (iterated in lexical order, as Terraform
    /// iterates them: `expr::sorted`).
    Object(Vec<(String, Val)>),
    /// An attribute of a block of the run known only after apply (`alicloud_image.app.id`):
    /// unknown as a value, but which block it names is known. An operation on it (a
    /// function, a template with other parts) gives [`Value::Unknown`].
    Ref(Reference),
}

/// The items of a list, tuple or set, in order. A set (made by `toset` and the other set
/// functions, or converted to a `set(...)` type) says so, since Terraform treats it apart:
/// a `for` over it takes each item as its key (`{for k, v in local.names : k => v}` has
/// the names as keys, not `"0"`, `"1"`), and it has no indices. That travels with the value
/// through locals, variables and module inputs; before, only a set written in place was
/// known to be one, and one passed through a local gave its indices as keys (a false S007 on
/// `instance_type = each.key`). Every other list (`tolist`, a `list(...)` type, a function's
/// result) is not a set.
#[derive(Clone, Debug, Default)]
pub struct Items {
    pub items: Vec<Val>,
    pub set: bool,
}

impl Items {
    /// The items of a set (in the set's order).
    pub const fn set(items: Vec<Val>) -> Self {
        Self { items, set: true }
    }
}

impl From<Vec<Val>> for Items {
    /// A list or tuple.
    fn from(items: Vec<Val>) -> Self {
        Self { items, set: false }
    }
}

impl FromIterator<Val> for Items {
    /// A list or tuple.
    fn from_iter<I: IntoIterator<Item = Val>>(items: I) -> Self {
        Self::from(items.into_iter().collect::<Vec<_>>())
    }
}

impl IntoIterator for Items {
    type Item = Val;
    type IntoIter = std::vec::IntoIter<Val>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a> IntoIterator for &'a Items {
    type Item = &'a Val;
    type IntoIter = std::slice::Iter<'a, Val>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl std::ops::Deref for Items {
    type Target = Vec<Val>;
    fn deref(&self) -> &Vec<Val> {
        &self.items
    }
}

impl std::ops::DerefMut for Items {
    fn deref_mut(&mut self) -> &mut Vec<Val> {
        &mut self.items
    }
}

impl Val {
    pub const fn new(value: Value, at: Location) -> Self {
        Self { value, at, via: Vec::new() }
    }

    pub fn unknown(why: impl Into<String>, at: Location) -> Self {
        Self::new(Value::Unknown(why.into()), at)
    }

    /// The reason the value is unknown (a reference is unknown as a value too).
    pub fn unknown_why(&self) -> Option<String> {
        match &self.value {
            Value::Unknown(why) => Some(why.clone()),
            Value::Ref(reference) => Some(format!("`{}` is known only after apply", reference.display)),
            _ => None,
        }
    }

    /// The block of the run this value names, when it is a reference.
    pub fn reference(&self) -> Option<&Reference> {
        match &self.value {
            Value::Ref(reference) => Some(reference),
            _ => None,
        }
    }

    /// The value as a string when it is known and a string (numbers and booleans convert
    /// as Terraform converts them to strings). An empty string is not a value: skeleton
    /// configurations write `""` for what the user fills in later ([`crate::iac::is_unset`]).
    pub fn as_str(&self) -> Option<String> {
        match &self.value {
            Value::String(s) if !crate::iac::is_unset(s) => Some(s.clone()),
            Value::Number(n) => Some(number_to_string(*n)),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// The value as a whole number when it is known and integral (`"2"` converts).
    pub fn as_int(&self) -> Option<i64> {
        let n = match &self.value {
            Value::Number(n) => *n,
            Value::String(s) => s.trim().parse::<f64>().ok()?,
            _ => return None,
        };
        #[allow(clippy::cast_possible_truncation)]
        (n.is_finite() && n.fract() == 0.0 && n.abs() < 9.0e15).then_some(n as i64)
    }

    /// The value as a boolean (`"true"` converts, as in Terraform).
    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s == "true" => Some(true),
            Value::String(s) if s == "false" => Some(false),
            _ => None,
        }
    }

    /// The attribute `name` of an object value.
    pub fn get(&self, name: &str) -> Option<&Val> {
        match &self.value {
            Value::Object(entries) => entries.iter().find(|(k, _)| k == name).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The items of a list value.
    pub fn items(&self) -> Option<&[Val]> {
        match &self.value {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    /// The instances of a nested block: a list of objects in native syntax, where JSON
    /// syntax may also write one object (`"system_disk": {...}`).
    pub fn blocks(&self) -> Vec<&Val> {
        match &self.value {
            Value::List(items) => items.iter().collect(),
            Value::Object(_) => vec![self],
            _ => Vec::new(),
        }
    }

    /// The labels of this value when it is an item picked out of a collection and used at
    /// `at` (`element(list, 0)`, `list[0]`): its own, and the place it was written when that
    /// lies in another file and no label (its own or one of `shown`, the collection's) shows
    /// it yet. An argument of a module call is such a place: without it, a finding on a value
    /// passed into a module through a list would never show the line that set the value.
    pub fn picked_via(&self, at: &Location, shown: &[Label]) -> Vec<Label> {
        let mut via = Vec::with_capacity(self.via.len() + 1);
        let shown = |span: crate::source::Span| {
            self.via.iter().chain(shown).any(|l| {
                Arc::ptr_eq(&l.location.file, &self.at.file)
                    && l.location.span.start() <= span.start()
                    && span.end() <= l.location.span.end()
            })
        };
        if !Arc::ptr_eq(&self.at.file, &at.file) && !shown(self.at.span) {
            via.push(Label { location: self.at.clone(), message: "the value is set here".to_string() });
        }
        via.extend(self.via.iter().cloned());
        via
    }

    /// The value with its places, for the canonical builder.
    pub fn placed<T>(&self, value: T) -> Placed<T> {
        Placed { value, at: self.at.clone(), via: self.via.clone() }
    }

    /// The value as plain JSON, unknowns as `null` (for `resource.origin.attributes`).
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Unknown(_) | Value::Null | Value::Ref(_) => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => {
                serde_json::Number::from_f64(*n).map_or(serde_json::Value::Null, serde_json::Value::Number)
            }
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::List(items) => serde_json::Value::Array(items.iter().map(Self::to_json).collect()),
            Value::Object(entries) => {
                serde_json::Value::Object(entries.iter().map(|(k, v)| (k.clone(), v.to_json())).collect())
            }
        }
    }
}

/// A number as Terraform prints it: integers without a decimal point.
pub fn number_to_string(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 1.0e15 { format!("{n:.0}") } else { n.to_string() }
}

/// A reference to an attribute of a resource or data source of the run that is known only
/// after apply (`alicloud_image.app.id`, `data.alicloud_images.c7.images[0].id`): unknown
/// as a value, but the mapping of resources still knows which resource it names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// [`Block::key`] of the block referred to (for `count`/`for_each` blocks, the key of
    /// the instance when the index is known, else of the block without an index).
    pub key: String,
    /// The attribute path after the block's address: `["id"]`, `["images", "0", "id"]`.
    pub path: Vec<String>,
    /// The reference as written, for messages: `alicloud_image.app.id`.
    pub display: String,
}

/// Whether a block is a managed resource or a data source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Managed,
    Data,
}

/// One evaluated resource or data source instance (after `count`/`for_each`).
#[derive(Clone, Debug)]
pub struct Block {
    pub mode: Mode,
    /// `alicloud_instance`, `alicloud_images`.
    pub block_type: String,
    /// The block's name label (`app`).
    pub name: String,
    /// The address with module path and index: `module.web[0].alicloud_instance.app["a"]`,
    /// `data.alicloud_images.c7`.
    pub address: String,
    /// Unique across the run: the root module's directory and the address
    /// (`infra/prod#module.web.alicloud_instance.app`).
    pub key: String,
    /// The block's type and labels, where whole-resource findings point.
    pub head: crate::diag::Location,
    /// Which instance of a `count`/`for_each` block (or of a module call's) this is.
    pub repeat: Repeat,
    /// The address without this block's own index: every instance of one block (and of one
    /// module instance) shares it (`module.web[0].alicloud_instance.app`).
    pub group: String,
    /// The attributes and nested blocks (a nested block type is a list of objects, in
    /// source order), evaluated. Meta-arguments (`count`, `for_each`, `provider`,
    /// `depends_on`, `lifecycle`) are left out; `count` is evaluated into `count` (the
    /// number of instances of the group, on every instance; unknown when not known).
    pub attributes: Vec<(String, Val)>,
    /// The region of the block's provider configuration (`provider = alicloud.hk`, else the
    /// default `alicloud` provider of its module, inherited from the root): a string where
    /// known, with `at` on the provider's `region`; `--region` when no provider names one;
    /// otherwise unknown with the reason.
    pub region: Val,
}

/// Which instance of a repeated block a [`Block`] is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Repeat {
    /// No `count` or `for_each`.
    Once,
    /// `count`: the instance `[i]`.
    Index(usize),
    /// `for_each`: the instance `["key"]`.
    Key(String),
    /// `count` or `for_each` (of the block or of an enclosing module call) is unknown: the
    /// block stands for an unknown number of instances (address `name[*]`), for the reason.
    Unknown(String),
}

impl Block {
    /// The attribute `name`.
    pub fn get(&self, name: &str) -> Option<&Val> {
        self.attributes.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }
}
