//! Rule parameters (DESIGN §3, §6): a rule declares `params` with defaults and a JSON
//! Schema, its expressions read them as `params.<name>`, and the config's `params:`
//! overrides them per rule by code or name, validated with spans and did-you-mean.

use super::compiled::RuleTree;
use super::rule::rule_error;
use super::{RuleSet, rule::Rule};
use crate::config::RuleParams;
use crate::diag::{Finding, Location, Severity};
use crate::source::{SourceFile, Span};
use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;
use std::sync::Arc;

/// One declared parameter.
#[derive(Clone, Debug)]
pub struct Param {
    pub name: String,
    pub description: String,
    pub default: Json,
    /// The JSON Schema its values must match, if the rule gives one.
    pub schema: Option<Json>,
    /// Where the rule file declares it.
    pub span: Span,
}

/// The values of every rule's parameters for a run, by rule code: the defaults with the
/// config's values over them.
pub type Values = BTreeMap<String, Map<String, Json>>;

/// Reads a rule file's `params` (the rule schema has checked their shape). With `check`
/// (a user's rule file), a default that breaks the parameter's own schema is an error in
/// the rule file; the built-in defaults are checked by the tests (`RuleSet::check_all`),
/// as compiling a JSON Schema for each was most of start-up.
pub fn declared<T: RuleTree>(
    file: &Arc<SourceFile>,
    node: Option<&T>,
    check: bool,
    errors: &mut Vec<Finding>,
) -> Vec<Param> {
    let mut params = Vec::new();
    for (name, key_span, value) in node.into_iter().flat_map(T::entries) {
        let param = Param {
            name: name.to_string(),
            description: value.get_str("description").unwrap_or_default().to_string(),
            default: value.get("default").map_or(Json::Null, T::to_json),
            schema: value.get("schema").map(T::to_json),
            span: key_span,
        };
        if let Some(problem) = check.then(|| check_value(&param, &param.default).err()).flatten() {
            let span = value.get("default").map_or(key_span, T::span);
            errors.push(rule_error(file, span, format!("the default of `{}` {problem}", param.name)));
        }
        params.push(param);
    }
    params
}

/// Whether `value` matches the parameter's schema; the reason when it does not.
pub(super) fn check_value(param: &Param, value: &Json) -> Result<(), String> {
    let Some(schema) = &param.schema else { return Ok(()) };
    let validator =
        jsonschema::validator_for(schema).map_err(|e| format!("has a schema that does not compile: {e}"))?;
    match validator.iter_errors(value).next() {
        None => Ok(()),
        Some(error) => Err(format!("does not match its schema: {error}")),
    }
}

/// The run's parameter values: every rule's defaults, with the config's `params:` over
/// them, and `eolWarningDays` at the top of the config as an alias of L002's parameter
/// of that name (the `params:` entry wins). A name that is no rule, a parameter the rule
/// does not declare, or a value its schema refuses is an error with its span.
pub fn resolve(
    rules: &RuleSet,
    configured: &[RuleParams],
    eol_alias: Option<i64>,
) -> Result<Values, Vec<Finding>> {
    let mut values: Values = rules
        .rules()
        .iter()
        .filter(|rule| !rule.params.is_empty())
        .map(|rule| {
            let defaults = rule.params.iter().map(|p| (p.name.clone(), p.default.clone())).collect();
            (rule.info.code.clone(), defaults)
        })
        .collect();
    if let (Some(days), Some(l002)) = (eol_alias, values.get_mut("L002")) {
        if l002.contains_key("eolWarningDays") {
            l002.insert("eolWarningDays".into(), Json::from(days));
        }
    }
    let mut errors = Vec::new();
    for entry in configured {
        let Some(rule) = rules.find(&entry.rule) else {
            let help = rules.suggest(&entry.rule).map_or_else(
                || "`ecslint rules` lists the codes and names".to_string(),
                |s| format!("did you mean `{s}`?"),
            );
            errors.push(
                config_error(&entry.location, format!("`params` names `{}`, which is no rule", entry.rule))
                    .with_primary_label("unknown rule")
                    .with_help(help),
            );
            continue;
        };
        for value in &entry.values {
            match rule.params.iter().find(|p| p.name == value.name) {
                None => errors.push(unknown_param(rule, value.name.as_str(), &value.key)),
                Some(param) => match check_value(param, &value.value) {
                    Ok(()) => {
                        values
                            .entry(rule.info.code.clone())
                            .or_default()
                            .insert(param.name.clone(), value.value.clone());
                    }
                    Err(problem) => errors.push(
                        config_error(
                            &value.location,
                            format!("{} parameter `{}` {problem}", rule.info.code, param.name),
                        )
                        .with_primary_label("invalid value")
                        .with_help(format!("{}; default {}", param.description, param.default)),
                    ),
                },
            }
        }
    }
    if errors.is_empty() { Ok(values) } else { Err(errors) }
}

fn unknown_param(rule: &Rule, name: &str, at: &Location) -> Finding {
    let declared: Vec<&str> = rule.params.iter().map(|p| p.name.as_str()).collect();
    let help = if declared.is_empty() {
        format!("{} has no parameters", rule.info.code)
    } else {
        crate::suggest::closest(name, declared.iter().copied()).map_or_else(
            || format!("{} has: {}", rule.info.code, declared.join(", ")),
            |s| format!("did you mean `{s}`?"),
        )
    };
    config_error(at, format!("{} has no parameter `{name}`", rule.info.code))
        .with_primary_label("unknown parameter")
        .with_help(help)
}

fn config_error(at: &Location, message: String) -> Finding {
    Finding::new("CONFIG", "invalid-config", Severity::Error, message, at.clone())
}
