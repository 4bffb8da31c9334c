//! `image` as a lazy CEL map: a field is converted from the image's facts the first time
//! an expression reads it, and kept for the subject's other rules. Most rules read a
//! few fields (`image.os.family`, `image.type`); converting all nineteen for every
//! subject was the largest cost left in evaluation.
//!
//! To CEL it is a `map` like any other: field access, `has()`, `in`, `size()`,
//! comprehensions over its keys and equality behave as on the fully converted map,
//! and an expression whose result is the whole image converts it ([`materialize`]).

use super::expr::CelVal;
use super::facts::{IMAGE_FIELDS, ImageFacts};
use cel::ExecutionError;
use cel::common::traits::{self, Container, Indexer, Iterable, Sizer};
use cel::common::types::{CelInt, CelMapKey, CelString, Kind, MAP_TYPE, Type};
use cel::common::value::{CowVal, Val};
use cel::objects::{Key, Map};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, OnceLock};

/// The field names as CEL strings, lent out when an expression iterates the keys.
static KEYS: LazyLock<Vec<CelString<'static>>> =
    LazyLock::new(|| IMAGE_FIELDS.iter().map(|name| CelString::from(*name)).collect());

/// `image` for one subject.
#[derive(Debug)]
pub struct ImageView<'a> {
    facts: &'a ImageFacts<'a>,
    fields: [OnceLock<CelVal<'a>>; IMAGE_FIELDS.len()],
}

impl<'a> ImageView<'a> {
    pub fn new(facts: &'a ImageFacts<'a>) -> Self {
        Self { facts, fields: Default::default() }
    }

    fn position(key: &dyn Val) -> Option<usize> {
        let name = key.downcast_ref::<CelString>()?.inner();
        IMAGE_FIELDS.iter().position(|field| *field == name)
    }
}

impl Val for ImageView<'_> {
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
        Box::new(Self::new(self.facts))
    }
}

impl Indexer for ImageView<'_> {
    fn get<'b, 'v>(&'b self, key: &dyn Val) -> Result<CowVal<'b, 'v>, ExecutionError>
    where
        Self: 'v,
    {
        let field = Self::position(key).and_then(|i| Some((i, self.fields.get(i)?)));
        let Some((i, cell)) = field else {
            let name = key.downcast_ref::<CelString>().map_or_else(String::new, |s| s.inner().to_string());
            return Err(ExecutionError::no_such_key(&name));
        };
        let value = cell.get_or_init(|| {
            let name = IMAGE_FIELDS.get(i).copied().unwrap_or_default();
            self.facts.field(name).unwrap_or_else(|| Box::new(cel::common::types::CelNull))
        });
        Ok(CowVal::Borrowed(value.as_ref()))
    }

    fn steal<'v>(self: Box<Self>, key: &dyn Val) -> Result<Box<dyn Val + 'v>, ExecutionError>
    where
        Self: 'v,
    {
        self.get(key).map(CowVal::into_owned)
    }
}

impl Container for ImageView<'_> {
    fn contains(&self, key: &dyn Val) -> Result<bool, ExecutionError> {
        Ok(Self::position(key).is_some())
    }
}

impl Sizer for ImageView<'_> {
    fn size(&self) -> CelInt {
        CelInt::from(i64::try_from(IMAGE_FIELDS.len()).unwrap_or(i64::MAX))
    }
}

impl Iterable for ImageView<'_> {
    fn iter<'b, 'v>(&'b self) -> Box<dyn traits::Iterator<'b, 'v> + 'b>
    where
        Self: 'v,
    {
        Box::new(Keys(KEYS.iter()))
    }
}

struct Keys(std::slice::Iter<'static, CelString<'static>>);

impl<'b, 'v> traits::Iterator<'b, 'v> for Keys {
    fn next(&mut self) -> Option<&'b (dyn Val + 'v)> {
        self.0.next().map(|key| key as &dyn Val)
    }
}

/// An expression's result as a `Value`. CEL converts built-in values itself; a map of
/// ours (an [`ImageView`], or a list or map holding one) is read through its keys.
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
