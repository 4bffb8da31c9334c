//! Which fields of its resource a rule reads, so that a schema violation in one field
//! does not switch off the rules that never look at it (a mistake does not hide another).
//!
//! The analysis reads the text of the rule's expressions: `resource.count`,
//! `has(resource.zone)` and `resource["zone"]` read one field; the variables made from
//! an instance's fields read those fields (`instanceType`, `region`, and `image`,
//! `lifecycle` and `fee` the instance's `image`, `fee` also its `count`, `billing`,
//! `instanceType` and `region`). Anything else that names `resource` (passing it whole to
//! a function, indexing it with a computed key) reads every field. It errs on the side of
//! reading more: a name inside a string literal is skipped, and a field it cannot name
//! keeps the rule off an invalid resource, which can only miss a finding, never invent one.

use super::inputs_scan::fields_read;
#[cfg(test)]
use super::inputs_scan::scan;
use super::rule::Rule;
use crate::spec::Resource;

/// The inputs the build worked out for a built-in rule: the entry of its file in
/// `BUILTIN_INPUTS`, if the rule was loaded from that very file (a user's rule file may
/// have the same name).
fn builtin(rule: &Rule) -> Option<Inputs> {
    let position = super::BUILTIN_RULES.iter().position(|(name, _)| *name == rule.file.name)?;
    let (_, text) = super::BUILTIN_RULES.get(position)?;
    if *text != &*rule.file.text {
        return None;
    }
    let fields = (*super::BUILTIN_INPUTS.get(position)?)?;
    Some(
        fields
            .map_or(Inputs::All, |fields| Inputs::Fields(fields.iter().map(|f| (*f).to_string()).collect())),
    )
}

/// What a rule reads of its resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inputs {
    /// The whole resource.
    All,
    /// These top-level fields, sorted.
    Fields(Vec<String>),
}

impl Inputs {
    /// The inputs of a rule, from all of its expressions and templates: for a built-in
    /// rule, as the build worked them out from its file (`BUILTIN_INPUTS`; a test checks
    /// they are what reading the rule gives).
    pub fn of(rule: &Rule) -> Self {
        builtin(rule).unwrap_or_else(|| Self::read(rule))
    }

    /// The inputs of a rule, read from its expressions and templates now.
    pub fn read(rule: &Rule) -> Self {
        let expressions = rule.conditions().chain(rule.data.iter().map(|(_, expr)| expr));
        let texts = expressions
            .map(|expr| expr.text.as_str())
            .chain(rule.templates().flat_map(super::expr::Template::expression_texts));
        match fields_read(texts) {
            Some(fields) => Self::Fields(fields.into_iter().map(str::to_string).collect()),
            None => Self::All,
        }
    }

    /// The same, with the instance's `image` field added (image rules run on an instance
    /// that names a public image ID get their image from that field).
    #[must_use]
    pub fn with_image(self) -> Self {
        match self {
            Self::All => Self::All,
            Self::Fields(mut fields) => {
                fields.push("image".to_string());
                Self::Fields(fields)
            }
        }
    }

    /// Whether every field the rule reads passed validation on `resource`.
    pub fn valid_on(&self, resource: &Resource) -> bool {
        match self {
            Self::All => resource.valid,
            Self::Fields(fields) => fields.iter().all(|f| resource.field_valid(f)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> Option<Vec<&str>> {
        let mut found = Vec::new();
        scan(text, &mut found).then(|| {
            found.sort_unstable();
            found.dedup();
            found
        })
    }

    #[test]
    fn reads_fields_and_variables() {
        assert_eq!(
            fields("has(resource.zone) && resource[\"count\"] > 1 && image.region != region").unwrap(),
            ["count", "image", "region", "zone"]
        );
        assert_eq!(fields("fee != null").unwrap(), ["billing", "count", "image", "region"]);
        assert_eq!(fields("'resource' == kind && \"region\" in catalog").unwrap(), Vec::<String>::new());
        assert_eq!(fields("quotas[\"q\"] > 1 && item.region == 'x'").unwrap(), Vec::<String>::new());
    }

    #[test]
    fn every_built_in_rule_reads_what_the_build_worked_out() {
        let rules = crate::engine::RuleSet::builtin().unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(super::super::BUILTIN_INPUTS.len(), super::super::BUILTIN_RULES.len());
        let mut some_fields = 0;
        for rule in rules.rules() {
            let built =
                builtin(rule).unwrap_or_else(|| panic!("{}: no inputs from the build", rule.file.name));
            assert_eq!(built, Inputs::read(rule), "{}", rule.file.name);
            some_fields += usize::from(matches!(&built, Inputs::Fields(f) if !f.is_empty()));
        }
        assert!(some_fields > 10, "only {some_fields} rules read named fields");
    }

    #[test]
    fn a_user_rule_file_named_as_a_built_in_one_is_read() {
        let (name, _) = super::super::BUILTIN_RULES[0];
        let text = "code: ORG001\nname: x\nseverity: info\non: instance\nassert: 'size(resource) > 0'\nmessage: m\ndocs: {summary: s, why: w, example: e, fix: f}\n";
        let file = std::sync::Arc::new(crate::source::SourceFile::new(name, text));
        let rule = super::super::rule::load(&file, true).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(builtin(&rule), None);
        assert_eq!(Inputs::of(&rule), Inputs::All);
    }

    #[test]
    fn the_whole_resource_when_a_field_cannot_be_named() {
        assert_eq!(fields("size(resource) > 3"), None);
        assert_eq!(fields("resource[key] == 1"), None);
        assert_eq!(fields("resource[\"a\" + \"b\"] == 1"), None);
    }
}
