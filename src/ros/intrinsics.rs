//! Static evaluation of ROS intrinsic functions: `Ref` to parameters (their `Default`; an
//! empty one is unknown; a `CommaDelimitedList` is the list of its items), `Fn::Join`,
//! `Fn::Sub`, `Fn::Select` (negative indexes, mapping keys, a default), `Fn::If` with
//! `Conditions` (`Fn::Equals`, `Fn::Not`, `Fn::Or`, `Fn::And`), `Fn::FindInMap` over
//! `Mappings`. What depends on the
//! deployed stack (`Fn::GetAtt` of other attributes, `Fn::GetAZs`, `Fn::Jq`, most
//! pseudo-parameters, a parameter without a `Default`) is unknown, with the reason.

use crate::diag::{Label, Location};
use crate::source::{Node, SourceFile, Value};
use serde_json::Value as Json;
use std::sync::Arc;

/// Most items of a `CommaDelimitedList` parameter read.
const MAX_LIST_ITEMS: usize = 1_000;

/// Deepest nesting of intrinsic functions and condition references followed: a
/// condition that names itself stops here instead of recursing forever.
const MAX_DEPTH: usize = 32;

/// Longest string an intrinsic may build (`Fn::Join` of a large list): bounded memory.
const MAX_STRING: usize = 64 * 1024;

/// What a property evaluates to.
#[derive(Clone, Debug)]
pub enum Eval {
    /// A value known before deploy, with the definitions it came through (a parameter's
    /// `Default`), nearest last.
    Known(Json, Vec<Label>),
    /// A resource of the stack: `{Ref: X}` or `Fn::GetAtt: [X, ImageId]` / `[X, Id]`.
    Resource(String),
    /// Not known before deploy, and why.
    Unknown(String),
}

impl Eval {
    fn known(value: Json) -> Self {
        Self::Known(value, Vec::new())
    }
}

/// A template's sections that intrinsics read.
pub struct Template<'a> {
    pub file: &'a Arc<SourceFile>,
    pub parameters: Option<&'a Node>,
    pub mappings: Option<&'a Node>,
    pub conditions: Option<&'a Node>,
    pub resources: Option<&'a Node>,
    /// `--region`: the value of `ALIYUN::Region`.
    pub region: Option<&'a str>,
    /// The `ArtifactRelation` keys of the Compute Nest service that holds the template
    /// ([`super::computenest`]): an image ID written as one is replaced at deploy.
    pub artifacts: &'a [String],
    /// How many partial image IDs the template's resources have looked up so far
    /// ([`super::map::MAX_PARTIAL_IDS`]).
    pub partial_ids: std::cell::Cell<usize>,
}

impl Template<'_> {
    /// Evaluates a property value.
    pub fn eval(&self, node: &Node) -> Eval {
        self.eval_at(node, 0)
    }

    /// Evaluates a condition by name (`Conditions.<name>`), `None` when unknown.
    pub fn condition(&self, name: &str) -> Option<bool> {
        self.condition_at(name, 0)
    }

    fn condition_at(&self, name: &str, depth: usize) -> Option<bool> {
        let node = self.conditions?.get(name)?;
        match self.eval_at(node, depth + 1) {
            Eval::Known(Json::Bool(b), _) => Some(b),
            _ => None,
        }
    }

    fn eval_at(&self, node: &Node, depth: usize) -> Eval {
        if depth > MAX_DEPTH {
            return Eval::Unknown("intrinsic functions nest too deep to evaluate".into());
        }
        match &node.value {
            Value::Null => Eval::known(Json::Null),
            Value::Bool(b) => Eval::known(Json::Bool(*b)),
            Value::Int(i) => Eval::known(Json::from(*i)),
            Value::Float(f) => Eval::known(serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number)),
            Value::Str(s) => Eval::known(Json::String(s.to_string())),
            Value::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut via = Vec::new();
                for item in items {
                    match self.eval_at(item, depth + 1) {
                        Eval::Known(value, labels) => {
                            out.push(value);
                            via.extend(labels);
                        }
                        Eval::Resource(id) => {
                            return Eval::Unknown(format!("`{id}` is known only after deploy"));
                        }
                        unknown @ Eval::Unknown(_) => return unknown,
                    }
                }
                Eval::Known(Json::Array(out), via)
            }
            Value::Map(entries) => {
                if let [entry] = &entries[..] {
                    if &*entry.key.name == "Ref"
                        || entry.key.name.starts_with("Fn::")
                        || &*entry.key.name == "Condition"
                    {
                        return self.function(&entry.key.name, &entry.value, depth);
                    }
                    // A short form that names no function (see `super::short`).
                    if crate::source::is_tag(&entry.key, &self.file.text) {
                        return Eval::Unknown(format!(
                            "the YAML tag `{}` names no ROS function ecslint evaluates",
                            entry.key.name
                        ));
                    }
                }
                let mut out = serde_json::Map::new();
                let mut via = Vec::new();
                for entry in entries {
                    match self.eval_at(&entry.value, depth + 1) {
                        Eval::Known(value, labels) => {
                            out.insert(entry.key.name.to_string(), value);
                            via.extend(labels);
                        }
                        Eval::Resource(id) => {
                            return Eval::Unknown(format!("`{id}` is known only after deploy"));
                        }
                        unknown @ Eval::Unknown(_) => return unknown,
                    }
                }
                Eval::Known(Json::Object(out), via)
            }
        }
    }

    /// Evaluates `node` to a known value, or returns the reason it is not.
    fn value(&self, node: &Node, depth: usize) -> Result<(Json, Vec<Label>), String> {
        match self.eval_at(node, depth + 1) {
            Eval::Known(value, via) => Ok((value, via)),
            Eval::Resource(id) => Err(format!("`{id}` is a resource of the stack, known only after deploy")),
            Eval::Unknown(why) => Err(why),
        }
    }

    fn function(&self, name: &str, arg: &Node, depth: usize) -> Eval {
        let result = match name {
            "Ref" => return self.reference(arg),
            "Fn::GetAtt" => return self.get_att(arg),
            "Condition" => match arg.as_str().and_then(|c| self.condition_at(c, depth)) {
                Some(b) => Ok((Json::Bool(b), Vec::new())),
                None => Err("the condition is not known before deploy".into()),
            },
            "Fn::Join" => self.join(arg, depth),
            "Fn::Split" => self.split(arg, depth),
            "Fn::Sub" => self.sub(arg, depth),
            "Fn::Select" => self.select(arg, depth),
            "Fn::If" => return self.if_(arg, depth),
            "Fn::Equals" => self
                .args(arg, depth, 2)
                .map(|(values, via)| (Json::Bool(loose_eq(&values[0], &values[1])), via)),
            "Fn::Not" => self.not(arg, depth),
            "Fn::And" | "Fn::Or" => self.logic(name == "Fn::And", arg, depth),
            "Fn::FindInMap" => self.find_in_map(arg, depth),
            "Fn::GetAZs" => Err("`Fn::GetAZs` is known only when the stack is deployed".into()),
            other => Err(format!("`{other}` is not evaluated statically")),
        };
        match result {
            Ok((value, via)) => Eval::Known(value, via),
            Err(why) => Eval::Unknown(why),
        }
    }

    fn reference(&self, arg: &Node) -> Eval {
        let Some(name) = arg.as_str() else {
            return Eval::Unknown("`Ref` to a value that is not a name".into());
        };
        if let Some(parameter) = self.parameters.and_then(|p| p.get(name)) {
            return self.parameter(name, parameter);
        }
        if self.resources.and_then(|r| r.get(name)).is_some() {
            return Eval::Resource(name.to_string());
        }
        match (name, self.region) {
            ("ALIYUN::Region", Some(region)) => Eval::known(Json::String(region.to_string())),
            ("ALIYUN::Region", None) => {
                Eval::Unknown("`ALIYUN::Region` is the stack's region: pass `--region`".into())
            }
            ("ALIYUN::NoValue", _) => Eval::known(Json::Null),
            (pseudo, _) if pseudo.starts_with("ALIYUN::") => {
                Eval::Unknown(format!("pseudo-parameter `{pseudo}` is known only when the stack is deployed"))
            }
            (other, _) => Eval::Unknown(format!(
                "`Ref` to `{other}`, which is neither a parameter nor a resource of the template"
            )),
        }
    }

    /// A parameter's value: its `Default`, split into a list for a `CommaDelimitedList`.
    fn parameter(&self, name: &str, parameter: &Node) -> Eval {
        let Some(default) = parameter.entry("Default") else {
            return Eval::Unknown(format!(
                "parameter `{name}` has no `Default`: its value is given at deploy"
            ));
        };
        let kind = parameter.get_str("Type");
        let list = kind.is_some_and(|t| t.eq_ignore_ascii_case("CommaDelimitedList"));
        let json = kind.is_some_and(|t| t.eq_ignore_ascii_case("Json"));
        // `Default: ''` is the console's "choose here" placeholder, as a Terraform skeleton's
        // `""` is unset: the value is given at deploy.
        if matches!(&default.value.value, Value::Str(text) if crate::iac::is_unset(text)) {
            return Eval::Unknown(format!(
                "the `Default` of parameter `{name}` is empty: its value is given at deploy"
            ));
        }
        if let Some(why) = oversized(name, &default.value.value, list) {
            return Eval::Unknown(why);
        }
        let value = match &default.value.value {
            // ROS splits a list's text on commas, and trims each item.
            Value::Str(text) if list => {
                Json::Array(text.split(',').map(|item| Json::String(item.trim().to_string())).collect())
            }
            // A list written as one, each item as text.
            Value::Seq(items) if list => {
                let items: Option<Vec<Json>> =
                    items.iter().map(|item| scalar_text(&item.to_json()).map(Json::String)).collect();
                match items {
                    Some(items) => Json::Array(items),
                    None => {
                        return Eval::Unknown(format!(
                            "the `Default` of parameter `{name}` is not a list of plain values"
                        ));
                    }
                }
            }
            // A `Json` parameter's text is the JSON it holds, which ROS parses at deploy: not
            // a plain value either (read raw, `'["123"]'` was one account named `["123"]`).
            Value::Str(_) if json => {
                return Eval::Unknown(format!("the `Default` of parameter `{name}` is not a plain value"));
            }
            Value::Map(_) | Value::Seq(_) | Value::Null => {
                return Eval::Unknown(format!("the `Default` of parameter `{name}` is not a plain value"));
            }
            _ if list => {
                Json::Array(scalar_text(&default.value.to_json()).map(Json::String).into_iter().collect())
            }
            _ => default.value.to_json(),
        };
        let label = Label {
            location: Location::new(Arc::clone(self.file), default.value.span),
            message: format!("the `Default` of parameter `{name}`"),
        };
        Eval::Known(value, vec![label])
    }

    fn get_att(&self, arg: &Node) -> Eval {
        let parts: Vec<&str> =
            arg.as_seq().map(|s| s.iter().filter_map(Node::as_str).collect()).unwrap_or_default();
        match parts.as_slice() {
            [resource, attribute] if self.resources.and_then(|r| r.get(resource)).is_some() => {
                if matches!(*attribute, "ImageId" | "Id") {
                    Eval::Resource((*resource).to_string())
                } else {
                    Eval::Unknown(format!(
                        "`Fn::GetAtt` of `{resource}.{attribute}` is known only after deploy"
                    ))
                }
            }
            _ => Eval::Unknown("`Fn::GetAtt` is known only after deploy".into()),
        }
    }

    /// The evaluated elements of a list argument of exactly `n` elements.
    fn args(&self, arg: &Node, depth: usize, n: usize) -> Result<(Vec<Json>, Vec<Label>), String> {
        let items = arg.as_seq().filter(|items| items.len() == n).ok_or("wrong number of arguments")?;
        let mut out = Vec::with_capacity(n);
        let mut via = Vec::new();
        for item in items {
            let (value, labels) = self.value(item, depth)?;
            out.push(value);
            via.extend(labels);
        }
        Ok((out, via))
    }

    fn join(&self, arg: &Node, depth: usize) -> Result<(Json, Vec<Label>), String> {
        let (values, via) = self.args(arg, depth, 2)?;
        let delimiter = values[0].as_str().ok_or("`Fn::Join` delimiter is not a string")?;
        let items = values[1].as_array().ok_or("`Fn::Join` of a value that is not a list")?;
        let mut out = String::new();
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(delimiter);
            }
            out.push_str(&scalar_text(item).ok_or("`Fn::Join` of a value that is not a string")?);
            if out.len() > MAX_STRING {
                return Err("`Fn::Join` builds too long a string".into());
            }
        }
        Ok((Json::String(out), via))
    }

    /// `Fn::Split [delimiter, text]`. The ROS documentation's own example (`foo; bar; achoo`
    /// split on `;` gives `["foo","bar","achoo"]`) reads as if items were trimmed, and plain
    /// string splitting would keep their blanks: an item with blanks at either end is known
    /// under neither reading, so the list is not known.
    fn split(&self, arg: &Node, depth: usize) -> Result<(Json, Vec<Label>), String> {
        let (values, via) = self.args(arg, depth, 2)?;
        let delimiter =
            values[0].as_str().filter(|d| !d.is_empty()).ok_or("`Fn::Split` delimiter is not a string")?;
        let text = values[1].as_str().ok_or("`Fn::Split` of a value that is not a string")?;
        let items: Vec<&str> = text.split(delimiter).take(MAX_LIST_ITEMS + 1).collect();
        if items.len() > MAX_LIST_ITEMS {
            return Err(format!("`Fn::Split` gives more than {MAX_LIST_ITEMS} items, which are not read"));
        }
        if items.iter().any(|item| item.trim() != *item) {
            return Err(
                "`Fn::Split` gives an item with blanks at an end, which ROS may or may not trim".into()
            );
        }
        Ok((Json::Array(items.into_iter().map(|item| Json::String(item.to_string())).collect()), via))
    }

    fn sub(&self, arg: &Node, depth: usize) -> Result<(Json, Vec<Label>), String> {
        let (template, vars) = match &arg.value {
            Value::Str(s) => (&**s, None),
            Value::Seq(items) => match &items[..] {
                [text, vars] => (text.as_str().ok_or("`Fn::Sub` template is not a string")?, Some(vars)),
                [text] => (text.as_str().ok_or("`Fn::Sub` template is not a string")?, None),
                _ => return Err("`Fn::Sub` takes a template and a mapping".into()),
            },
            _ => return Err("`Fn::Sub` takes a string".into()),
        };
        let mut out = String::new();
        let mut via = Vec::new();
        let mut rest = template;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after.find('}').ok_or("`Fn::Sub` has an unclosed `${`")?;
            let name = &after[..end];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
            } else {
                let value = if let Some(node) = vars.and_then(|v| v.get(name)) {
                    self.value(node, depth)?
                } else {
                    let reference = Node::new(arg.span, Value::Str(name.into()));
                    match self.reference(&reference) {
                        Eval::Known(value, labels) => (value, labels),
                        Eval::Resource(id) => return Err(format!("`{id}` is known only after deploy")),
                        Eval::Unknown(why) => return Err(why),
                    }
                };
                out.push_str(&scalar_text(&value.0).ok_or("`Fn::Sub` of a value that is not a string")?);
                via.extend(value.1);
            }
            if out.len() > MAX_STRING {
                return Err("`Fn::Sub` builds too long a string".into());
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok((Json::String(out), via))
    }

    /// `Fn::Select [index, list, default]` as ROS documents it: an index from 0 to N-1, or
    /// from -N to -1 counting from the end; in a mapping, a key. An index out of range or a
    /// key not found gives the default, else an empty string, which is no value: unknown.
    fn select(&self, arg: &Node, depth: usize) -> Result<(Json, Vec<Label>), String> {
        let (index, collection, default) = match arg.as_seq() {
            Some([index, collection]) => (index, collection, None),
            Some([index, collection, default]) => (index, collection, Some(default)),
            _ => return Err("`Fn::Select` takes an index, a list or mapping, and an optional default".into()),
        };
        let (index, mut via) = self.value(index, depth)?;
        let (collection, more) = self.value(collection, depth)?;
        via.extend(more);
        // An index or key that finds nothing (`Err`) gives the default.
        let picked: Result<Json, String> = match &collection {
            Json::Array(list) => {
                let position = match &index {
                    Json::Number(n) => n.as_i64(),
                    Json::String(s) if s.contains(':') => {
                        return Err("`Fn::Select` of a slice (`start:stop:step`) is not evaluated".into());
                    }
                    Json::String(s) => s.trim().parse::<i64>().ok(),
                    _ => None,
                };
                let Some(position) = position else {
                    let shown = scalar_text(&index).unwrap_or_else(|| index.to_string());
                    return Err(format!("`Fn::Select` index `{shown}` is not a whole number"));
                };
                let len = i64::try_from(list.len()).unwrap_or(i64::MAX);
                let at = if position < 0 { position.checked_add(len) } else { Some(position) };
                at.filter(|at| (0..len).contains(at))
                    .and_then(|at| usize::try_from(at).ok())
                    .and_then(|at| list.get(at).cloned())
                    .ok_or_else(|| {
                        format!("`Fn::Select` index {position} is out of range of a list of {len}")
                    })
            }
            Json::Object(map) => {
                let key = scalar_text(&index).ok_or("`Fn::Select` key is not a string")?;
                map.get(&key).cloned().ok_or_else(|| format!("`Fn::Select` finds no key `{key}`"))
            }
            other => return Err(format!("`Fn::Select` of a {}, not a list or a mapping", kind_of(other))),
        };
        match (picked, default) {
            (Ok(value), _) => Ok((value, via)),
            (Err(_), Some(default)) => {
                let (value, more) = self.value(default, depth)?;
                via.extend(more);
                Ok((value, via))
            }
            (Err(why), None) => Err(format!("{why}, and it has no default: ROS gives an empty string")),
        }
    }

    fn if_(&self, arg: &Node, depth: usize) -> Eval {
        let Some([condition, then, otherwise]) = arg.as_seq().and_then(|s| <&[Node; 3]>::try_from(s).ok())
        else {
            return Eval::Unknown("`Fn::If` takes a condition and two values".into());
        };
        let Some(name) = condition.as_str() else {
            return Eval::Unknown("`Fn::If` condition is not a name".into());
        };
        match self.condition_at(name, depth) {
            Some(true) => self.eval_at(then, depth + 1),
            Some(false) => self.eval_at(otherwise, depth + 1),
            None => Eval::Unknown(format!("condition `{name}` is not known before deploy")),
        }
    }

    /// A condition function's operand: a bare condition name, or a value (a function such
    /// as `Fn::Equals`, or `{Condition: name}`); `None` when it is not known.
    fn operand(&self, item: &Node, depth: usize) -> Option<(Json, Vec<Label>)> {
        match item.as_str().filter(|_| !matches!(item.value, Value::Map(_))) {
            Some(name) if self.conditions.and_then(|c| c.get(name)).is_some() => {
                self.condition_at(name, depth).map(|b| (Json::Bool(b), Vec::new()))
            }
            _ => self.value(item, depth).ok(),
        }
    }

    /// `Fn::Not` over one condition, written in a list of one (`[{Condition: A}]`) or bare
    /// (`{Condition: A}`, `{Fn::Equals: [...]}`, as ROS's own documentation writes it).
    fn not(&self, arg: &Node, depth: usize) -> Result<(Json, Vec<Label>), String> {
        let item = match arg.as_seq() {
            Some([item]) => item,
            Some(_) => return Err("`Fn::Not` takes one condition".into()),
            None => arg,
        };
        match self.operand(item, depth) {
            Some((Json::Bool(b), via)) => Ok((Json::Bool(!b), via)),
            Some(_) => Err("`Fn::Not` of a value that is not a boolean".into()),
            None => Err("a condition is not known before deploy".into()),
        }
    }

    fn logic(&self, and: bool, arg: &Node, depth: usize) -> Result<(Json, Vec<Label>), String> {
        let items = arg.as_seq().ok_or("`Fn::And`/`Fn::Or` takes a list")?;
        let mut via = Vec::new();
        let mut unknown = None;
        for item in items {
            match self.operand(item, depth) {
                Some((Json::Bool(b), labels)) => {
                    via.extend(labels);
                    // One false decides an And, one true decides an Or.
                    if b != and {
                        return Ok((Json::Bool(b), via));
                    }
                }
                _ => unknown = Some("a condition is not known before deploy".to_string()),
            }
        }
        match unknown {
            Some(why) => Err(why),
            None => Ok((Json::Bool(and), via)),
        }
    }

    fn find_in_map(&self, arg: &Node, depth: usize) -> Result<(Json, Vec<Label>), String> {
        let (values, via) = self.args(arg, depth, 3)?;
        let keys: Vec<String> = values.iter().filter_map(scalar_text).collect();
        let [map, first, second] = keys.as_slice() else {
            return Err("`Fn::FindInMap` keys are not strings".into());
        };
        let node = self
            .mappings
            .and_then(|m| m.get(map))
            .and_then(|m| m.get(first))
            .and_then(|m| m.get(second))
            .ok_or_else(|| format!("`Fn::FindInMap` finds no `{map}.{first}.{second}`"))?;
        let (value, mut more) = self.value(node, depth)?;
        let mut via = via;
        via.append(&mut more);
        Ok((value, via))
    }
}

/// A scalar as text (numbers and booleans as ROS writes them into strings).
pub fn scalar_text(value: &Json) -> Option<String> {
    match value {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `Fn::Equals`: values compare as text, since parameters are often strings (`"1"`, `1`).
fn loose_eq(a: &Json, b: &Json) -> bool {
    match (scalar_text(a), scalar_text(b)) {
        (Some(a), Some(b)) => a == b,
        _ => a == b,
    }
}

/// Why a parameter's `Default` is too large to read, if it is. Each `Ref` copies the value:
/// a text past `MAX_STRING`, or a list past `MAX_LIST_ITEMS` items or `MAX_STRING` bytes, is
/// not read (a 100,000-item list referred to 40 times took 364 MB; 999 items of 1 KB each,
/// 400 times, 445 MB).
fn oversized(name: &str, default: &Value, list: bool) -> Option<String> {
    let longer =
        || format!("the `Default` of parameter `{name}` is longer than {MAX_STRING} bytes, and not read");
    let more = || format!("parameter `{name}` lists more than {MAX_LIST_ITEMS} items, which are not read");
    match default {
        Value::Str(text) if text.len() > MAX_STRING => Some(longer()),
        Value::Str(text) if list && text.matches(',').count() >= MAX_LIST_ITEMS => Some(more()),
        Value::Seq(items) if list && items.len() > MAX_LIST_ITEMS => Some(more()),
        Value::Seq(items)
            if list && items.iter().map(|i| i.as_str().map_or(0, str::len)).sum::<usize>() > MAX_STRING =>
        {
            Some(longer())
        }
        _ => None,
    }
}

/// What kind of value a JSON value is, for a reason.
const fn kind_of(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "boolean",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "list",
        Json::Object(_) => "mapping",
    }
}
