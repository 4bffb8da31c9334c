//! Lazy CEL maps: `image` and `resource` convert a field from the facts or the spec the
//! first time an expression reads it, and keep it for the subject's other rules. Most
//! rules read a few fields (`image.os.family`, `resource.region`); converting every field
//! of both for every subject was the largest cost left in evaluation.
//!
//! To CEL they are maps like any other: field access, `has()`, `in`, `size()`,
//! comprehensions over the keys and equality behave as on the fully converted map, and
//! an expression whose result is one of them converts it ([`materialize`]).

use super::expr::{CelVal, node_to_val, null_val};
use super::facts::{IMAGE_FIELDS, ImageFacts};
use crate::source::Entry;
use cel::ExecutionError;
use cel::common::traits::{self, Container, Indexer, Iterable, Sizer, Zeroer};
use cel::common::types::{CelInt, CelMapKey, CelString, Kind, MAP_TYPE, Type};
use cel::common::value::{CowVal, Val};
use cel::objects::{Key, Map};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, OnceLock};

/// Makes the value of a field a resource leaves out.
pub type MakeVal = fn() -> CelVal<'static>;

/// Where a lazy map's fields come from.
#[derive(Debug)]
enum Source<'a> {
    /// `image`: the fields of [`IMAGE_FIELDS`].
    Image(&'a ImageFacts<'a>),
    /// `resource`: the spec's own fields, then the defaults it leaves out, then `origin`
    /// (DESIGN §8: where an IaC resource came from; `format: spec` for a spec).
    Resource(&'a [Entry], Vec<(&'static str, MakeVal)>, Option<&'a crate::spec::Resource>),
}

/// A map whose values are converted on first read.
#[derive(Debug)]
pub struct LazyMap<'a> {
    keys: Cow<'a, [CelString<'a>]>,
    fields: Vec<OnceLock<CelVal<'a>>>,
    source: Source<'a>,
}

/// The keys of `image`, made once.
static IMAGE_KEYS: LazyLock<Vec<CelString<'static>>> =
    LazyLock::new(|| IMAGE_FIELDS.iter().map(|name| CelString::from(*name)).collect());

impl<'a> LazyMap<'a> {
    /// `image` for one subject.
    pub fn image(facts: &'a ImageFacts<'a>) -> Self {
        Self::new(Cow::Borrowed(IMAGE_KEYS.as_slice()), Source::Image(facts))
    }

    /// `resource` for one subject: a spec mapping with `defaults` for the fields it
    /// leaves out (a repeated key keeps its last value, as in JSON).
    pub fn resource(
        entries: &'a [Entry],
        defaults: &[(&'static str, MakeVal)],
        resource: Option<&'a crate::spec::Resource>,
    ) -> Self {
        let missing: Vec<(&'static str, MakeVal)> = defaults
            .iter()
            .copied()
            .filter(|(key, _)| !entries.iter().any(|e| &*e.key.name == *key))
            .collect();
        let keys = entries.iter().map(|e| &*e.key.name).chain(missing.iter().map(|(key, _)| *key));
        let keys = keys.chain(resource.map(|_| "origin"));
        Self::new(
            Cow::Owned(keys.map(CelString::from).collect()),
            Source::Resource(entries, missing, resource),
        )
    }

    fn new(keys: Cow<'a, [CelString<'a>]>, source: Source<'a>) -> Self {
        let fields = keys.iter().map(|_| OnceLock::new()).collect();
        Self { keys, fields, source }
    }

    fn position(&self, key: &dyn Val) -> Option<usize> {
        let name = key.downcast_ref::<CelString>()?.inner();
        self.keys.iter().rposition(|k| k.inner() == name)
    }

    fn make(&self, i: usize) -> CelVal<'a> {
        match &self.source {
            Source::Image(facts) => {
                IMAGE_FIELDS.get(i).and_then(|name| facts.field(name)).unwrap_or_else(null_val)
            }
            Source::Resource(entries, missing, resource) => match entries.get(i) {
                Some(entry) => node_to_val(&entry.value),
                None => match missing.get(i - entries.len()) {
                    Some((_, make)) => make(),
                    None => resource.map_or_else(null_val, |r| super::expr::to_val(&origin_json(r))),
                },
            },
        }
    }
}

impl Val for LazyMap<'_> {
    fn get_type(&self) -> &Type {
        &MAP_TYPE
    }

    fn cel_type() -> &'static Type {
        &MAP_TYPE
    }

    fn as_container(&self) -> Option<&dyn Container> {
        Some(self)
    }

    fn as_indexer<'b, 'v>(&'b self) -> Option<&'b (dyn Indexer + 'v)>
    where
        Self: 'v,
    {
        Some(self)
    }

    fn as_iterable<'b, 'v>(&'b self) -> Option<&'b (dyn Iterable + 'v)>
    where
        Self: 'v,
    {
        Some(self)
    }

    fn as_sizer(&self) -> Option<&dyn Sizer> {
        Some(self)
    }

    fn as_zeroer(&self) -> Option<&dyn Zeroer> {
        Some(self)
    }

    fn equals(&self, other: &dyn Val) -> bool {
        // Only another map can be equal (`image != null` is the common comparison);
        // comparing with one converts every field.
        other.get_type().kind() == Kind::Map
            && matches!((materialize(self), materialize(other)), (Ok(a), Ok(b)) if a == b)
    }

    fn clone_as_boxed<'v>(&self) -> Box<dyn Val + 'v>
    where
        Self: 'v,
    {
        let source = match &self.source {
            Source::Image(facts) => Source::Image(facts),
            Source::Resource(entries, missing, resource) => {
                Source::Resource(entries, missing.clone(), *resource)
            }
        };
        Box::new(Self::new(self.keys.clone(), source))
    }
}

impl Indexer for LazyMap<'_> {
    fn get<'b, 'v>(&'b self, key: &dyn Val) -> Result<CowVal<'b, 'v>, ExecutionError>
    where
        Self: 'v,
    {
        let field = self.position(key).and_then(|i| Some((i, self.fields.get(i)?)));
        let Some((i, cell)) = field else { return Err(missing(key)?) };
        Ok(CowVal::Borrowed(cell.get_or_init(|| self.make(i)).as_ref()))
    }

    fn steal<'v>(self: Box<Self>, key: &dyn Val) -> Result<Box<dyn Val + 'v>, ExecutionError>
    where
        Self: 'v,
    {
        self.get(key).map(CowVal::into_owned)
    }
}

impl Container for LazyMap<'_> {
    fn contains(&self, key: &dyn Val) -> Result<bool, ExecutionError> {
        if self.position(key).is_some() {
            return Ok(true);
        }
        missing(key).map(|_| false)
    }
}

/// The error for a key the map does not have, as CEL's own maps give it: "no such key"
/// for a string, number or boolean, an error about the key's type for anything else
/// (`Err` here means the latter).
fn missing(key: &dyn Val) -> Result<ExecutionError, ExecutionError> {
    let name = match cel::Value::try_from(key) {
        Ok(cel::Value::String(s)) => s.to_string(),
        Ok(
            value @ (cel::Value::Int(_) | cel::Value::UInt(_) | cel::Value::Float(_) | cel::Value::Bool(_)),
        ) => super::expr::to_text(&value),
        Ok(other) => return Err(ExecutionError::UnsupportedKeyType(other)),
        Err(_) => return Err(ExecutionError::UnsupportedKeyType(cel::Value::Null)),
    };
    Ok(ExecutionError::no_such_key(&name))
}

impl Zeroer for LazyMap<'_> {
    fn is_zero_value(&self) -> bool {
        self.keys.is_empty()
    }
}

impl Sizer for LazyMap<'_> {
    fn size(&self) -> CelInt {
        CelInt::from(i64::try_from(self.keys.len()).unwrap_or(i64::MAX))
    }
}

impl Iterable for LazyMap<'_> {
    fn iter<'b, 'v>(&'b self) -> Box<dyn traits::Iterator<'b, 'v> + 'b>
    where
        Self: 'v,
    {
        Box::new(Keys(self.keys.iter()))
    }
}

/// The keys of a lazy map, lent to a comprehension.
struct Keys<'b, 'a>(std::slice::Iter<'b, CelString<'a>>);

impl<'b, 'v, 'a: 'v> traits::Iterator<'b, 'v> for Keys<'b, 'a> {
    fn next(&mut self) -> Option<&'b (dyn Val + 'v)> {
        self.0.next().map(|key| key as &dyn Val)
    }
}

/// An expression's result as a `Value`. CEL converts built-in values itself; a map of
/// ours (a [`LazyMap`], or a list or map holding one) is read through its keys.
pub fn materialize(value: &dyn Val) -> Result<cel::Value, ExecutionError> {
    if let Ok(converted) = cel::Value::try_from(value) {
        return Ok(converted);
    }
    match value.get_type().kind() {
        Kind::Map => {
            let (Some(keys), Some(indexer)) = (value.as_iterable(), value.as_indexer()) else {
                return cel::Value::try_from(value);
            };
            let mut entries = HashMap::new();
            let mut keys = keys.iter();
            while let Some(key) = keys.next() {
                let item = indexer.get(key)?;
                let key = CelMapKey::try_from(CowVal::Borrowed(key))?;
                entries.insert(Key::from(key), materialize(item.as_ref())?);
            }
            Ok(cel::Value::Map(Map { map: Arc::new(entries) }))
        }
        Kind::List => {
            let Some(items) = value.as_iterable() else { return cel::Value::try_from(value) };
            let mut list = Vec::new();
            let mut items = items.iter();
            while let Some(item) = items.next() {
                list.push(materialize(item)?);
            }
            Ok(cel::Value::List(Arc::new(list)))
        }
        _ => cel::Value::try_from(value),
    }
}

/// `resource.origin`: an IaC resource's format, native type, address and attributes; a
/// spec's is `{format: "spec", type: <kind>, address: <name>, attributes: {}}`.
pub fn origin_json(resource: &crate::spec::Resource) -> serde_json::Value {
    resource.iac.as_deref().map_or_else(
        || {
            serde_json::json!({
                "format": "spec",
                "type": resource.kind.as_str(),
                "address": resource.name.as_deref().unwrap_or_default(),
                "attributes": {},
            })
        },
        crate::iac::Extra::origin_json,
    )
}
