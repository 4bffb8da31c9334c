//! The rule engine: rule files in, compiled CEL, findings out. No I/O but reading
//! the rule directories a user names, and no printing.
//!
//! Rules are data (`rules/<family>/<CODE>-<name>.yaml`, embedded at build time, plus
//! any `--rules DIR`). Each run builds a [`World`] that resolves images and facts once,
//! then evaluates every enabled rule on every valid resource.

mod budget;
mod builtin;
mod compiled;
mod derivation;
mod describe;
mod eval;
mod export;
mod expr;
mod facts;
mod fields;
mod inputs;
mod inputs_scan;
pub mod params;
mod plan;
mod rule;
mod typo;
mod view;

pub use eval::{Evaluation, evaluate};
pub use export::export;
pub use expr::{VARIABLES, format_price};
pub use facts::{InstanceContext, Resolved, Settings, World};
pub use rule::{Docs, RULE_SCHEMA, Rule, Target, describe, rule_error};

use crate::diag::{Finding, RuleInfo, Severity};
use crate::source::SourceFile;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// Why rules could not be loaded (exit status 2).
#[derive(Debug)]
pub enum LoadError {
    /// Problems inside rule files, with spans.
    Rules(Vec<Finding>),
    /// A rule directory could not be read, or a selector names no rule.
    Message(String),
}

/// Every rule of the run, built-in first, then the user's, in code order.
#[derive(Debug)]
pub struct RuleSet {
    rules: Vec<Rule>,
}

impl RuleSet {
    /// The built-in rules only.
    pub fn builtin() -> Result<Self, LoadError> {
        Self::load(&[])
    }

    /// The built-in rules plus every `*.yaml` rule file under each directory.
    pub fn load(dirs: &[&Path]) -> Result<Self, LoadError> {
        let mut sources: Vec<Arc<SourceFile>> =
            BUILTIN_RULES.iter().map(|(name, text)| Arc::new(SourceFile::new(*name, *text))).collect();
        for dir in dirs {
            let mut files = collect_rule_files(dir).map_err(|e| {
                LoadError::Message(format!("cannot read rule directory {}: {e}", dir.display()))
            })?;
            files.sort();
            for path in files {
                let text = crate::files::read_text(&path).map_err(|e| {
                    LoadError::Message(format!("cannot read rule file {}: {e}", path.display()))
                })?;
                sources.push(Arc::new(SourceFile::new(crate::files::display_name(&path), text)));
            }
        }
        let builtin_count = BUILTIN_RULES.len();
        let mut rules: Vec<Rule> = Vec::new();
        let mut errors = Vec::new();
        // Compiling CEL dominates start-up, so rule files compile on every core.
        let loaded: Vec<Result<Rule, Vec<Finding>>> = sources
            .par_iter()
            .enumerate()
            .map(|(position, file)| match BUILTIN_TREES.get(position) {
                // A built-in rule compiles from the tree the build parsed its file into.
                Some(Some(tree)) if position < builtin_count => {
                    let description =
                        BUILTIN_DESCRIPTIONS.get(position).copied().flatten().unwrap_or_default();
                    rule::load_compiled(file, tree, description)
                }
                _ => rule::load(file, position >= builtin_count),
            })
            .collect();
        for (position, (file, result)) in sources.iter().zip(loaded).enumerate() {
            match result {
                Ok(rule) => {
                    if let Some(existing) =
                        rules.iter().find(|r| r.info.code == rule.info.code || r.info.name == rule.info.name)
                    {
                        let what = if existing.info.code == rule.info.code { "code" } else { "name" };
                        let builtin = if position >= builtin_count && existing.file.name.starts_with("rules/")
                        {
                            " of a built-in rule"
                        } else {
                            ""
                        };
                        errors.push(
                            rule_error(file, head(file), format!("rule {what} `{}` is already the {what}{builtin} ({})", if what == "code" { &rule.info.code } else { &rule.info.name }, existing.file.name))
                                .with_help("give the rule a code and name of its own; custom rules use their own prefix, e.g. `ORG001`"),
                        );
                    } else {
                        rules.push(rule);
                    }
                }
                Err(mut findings) => errors.append(&mut findings),
            }
        }
        if !errors.is_empty() {
            return Err(LoadError::Rules(errors));
        }
        rules.sort_by(|a, b| a.info.code.cmp(&b.info.code));
        Ok(Self { rules })
    }

    /// Compiles every expression of every rule now and checks each parameter's default
    /// against its schema, as loading a user rule does; the test suite runs this on the
    /// built-in rules, which otherwise compile on first use and whose defaults are not
    /// checked at run time.
    pub fn check_all(&self) -> Vec<Finding> {
        let mut errors = Vec::new();
        for rule in &self.rules {
            let exprs = rule.conditions().chain(rule.data.iter().map(|(_, e)| e));
            let problems = exprs.map(expr::Expr::check).chain(rule.templates().map(expr::Template::check));
            errors
                .extend(problems.filter_map(Result::err).map(|e| rule_error(&rule.file, e.span, e.message)));
            for param in &rule.params {
                if let Err(problem) = params::check_value(param, &param.default) {
                    let message = format!("the default of `{}` {problem}", param.name);
                    errors.push(rule_error(&rule.file, param.span, message));
                }
            }
        }
        errors
    }

    /// Compiles the conditions (`when`, `each`, `assert`) of the enabled rules that run on
    /// these kinds of resource, on every core, so a one-file check does not compile them one
    /// by one as it meets them. Errors are left for evaluation to report, where they would
    /// surface anyway; other rules compile on first use, if ever.
    pub fn precompile(&self, enabled: &HashMap<String, Severity>, kinds: &[crate::spec::Kind]) {
        let runs = |target: Target| match target {
            Target::Instance => kinds.contains(&crate::spec::Kind::Instance),
            Target::Image => kinds.contains(&crate::spec::Kind::Image),
            Target::Builtin => false,
        };
        let conditions: Vec<&expr::Expr> = self
            .rules
            .iter()
            .filter(|rule| runs(rule.target) && enabled.contains_key(&rule.info.code))
            .flat_map(Rule::conditions)
            .collect();
        conditions.par_iter().for_each(|condition| {
            let _ = condition.check();
        });
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rule with this code or name (case-insensitive).
    pub fn find(&self, code_or_name: &str) -> Option<&Rule> {
        self.rules
            .iter()
            .find(|r| r.info.code.eq_ignore_ascii_case(code_or_name) || r.info.name == code_or_name)
    }

    /// The closest code or name, for did-you-mean.
    pub fn suggest(&self, word: &str) -> Option<&str> {
        let candidates = self.rules.iter().flat_map(|r| [r.info.code.as_str(), r.info.name.as_str()]);
        crate::suggest::closest(word, candidates)
    }

    pub fn infos(&self) -> Vec<RuleInfo> {
        self.rules.iter().map(|r| r.info.clone()).collect()
    }
}

fn head(file: &SourceFile) -> crate::source::Span {
    crate::source::Span::new(0, file.text.find('\n').unwrap_or(file.text.len()))
}

/// Every `*.yaml`/`*.yml` file under `dir`, hidden and git-ignored ones included (a rule
/// directory is all rules). The `ignore` crate's walker (the one spec walks use) follows
/// links but not loops: a link back to a directory it is in (`x -> .`) is passed over, as
/// its rules are read where they are. A hand-written recursion walked 2^40 paths there.
fn collect_rule_files(dir: &Path) -> Result<Vec<std::path::PathBuf>, ignore::Error> {
    // Reading the directory first reports a missing one as it always was.
    std::fs::read_dir(dir).map_err(ignore::Error::from)?;
    let mut files = Vec::new();
    for entry in ignore::WalkBuilder::new(dir).standard_filters(false).follow_links(true).build() {
        match entry {
            Ok(entry) => {
                let path = entry.path();
                let is_file = entry.file_type().is_some_and(|t| t.is_file());
                if is_file && path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                    files.push(path.to_path_buf());
                }
            }
            Err(error) if is_loop(&error) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(files)
}

fn is_loop(error: &ignore::Error) -> bool {
    match error {
        ignore::Error::Loop { .. } => true,
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => is_loop(err),
        _ => false,
    }
}

/// Which rules run and at what severity: `--select`, `--ignore` and per-rule overrides.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// When non-empty, only rules matching one of these run (even ones off by default).
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    /// Per code or name: a severity, or `None` for off. Applied after select/ignore.
    pub overrides: Vec<(String, Option<Severity>)>,
    /// Codes of rules whose parameters the config sets: a rule that is off by default
    /// (P001's allow-list) runs once it is configured, unless `--select` leaves it out.
    pub configured: Vec<String>,
}

/// How closely a selector that matches a rule names it: its code or name most, a longer
/// code prefix more than a shorter one, `ALL` least.
fn specificity(selector: &str, info: &RuleInfo) -> usize {
    if selector.eq_ignore_ascii_case(&info.code) || selector == info.name {
        usize::MAX
    } else if selector.eq_ignore_ascii_case("ALL") {
        0
    } else {
        selector.len()
    }
}

/// A selector matches a rule by code, name, code prefix (`A`, `L00`), or `ALL`.
fn matches(selector: &str, info: &RuleInfo) -> bool {
    selector.eq_ignore_ascii_case("ALL") || crate::diag::selector_matches(selector, &info.code, &info.name)
}

impl Selection {
    /// The effective severity of each enabled rule, by code.
    pub fn resolve(&self, rules: &RuleSet) -> Result<HashMap<String, Severity>, LoadError> {
        let all = self.select.iter().chain(&self.ignore).chain(self.overrides.iter().map(|(s, _)| s));
        for selector in all {
            if !rules.rules.iter().any(|r| matches(selector, &r.info)) {
                let hint =
                    rules.suggest(selector).map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
                return Err(LoadError::Message(format!(
                    "`{selector}` matches no rule code, name or prefix{hint}"
                )));
            }
        }
        let mut enabled = HashMap::new();
        for rule in &rules.rules {
            let info = &rule.info;
            let selected = if self.select.is_empty() {
                info.enabled || self.configured.contains(&info.code)
            } else {
                self.select.iter().any(|s| matches(s, info))
            };
            let mut severity =
                (selected && !self.ignore.iter().any(|s| matches(s, info))).then_some(info.severity);
            for (selector, value) in &self.overrides {
                // Flags win over the config: a `--select` at least as specific as the
                // config's `off` (`--select F001` over `F001: off`, but not `--select ALL`
                // over it) runs the rule, at its default severity.
                if !matches(selector, info) {
                    continue;
                }
                let selected_over = value.is_none()
                    && self
                        .select
                        .iter()
                        .any(|s| matches(s, info) && specificity(s, info) >= specificity(selector, info));
                if !selected_over {
                    severity = *value;
                }
            }
            if let Some(severity) = severity {
                enabled.insert(info.code.clone(), severity);
            }
        }
        Ok(enabled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_expression_compiles() {
        let rules = RuleSet::builtin().unwrap_or_else(|e| panic!("built-in rules load: {e:?}"));
        let errors: Vec<String> =
            rules.check_all().iter().map(|f| format!("{}: {}", f.location.file.name, f.message)).collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }

    #[test]
    fn every_built_in_rule_file_matches_the_rule_schema() {
        // Loading skips the schema for built-in rules; this is where they meet it.
        let schema = crate::spec::Schema::compile(RULE_SCHEMA).unwrap_or_else(|e| panic!("{e}"));
        for (name, text) in BUILTIN_RULES {
            let documents = crate::source::parse_yaml(text, crate::source::Limits::default())
                .unwrap_or_else(|e| panic!("{name}: {e:?}"));
            for document in documents {
                let violations = schema.validate(&document.root);
                assert!(violations.is_empty(), "{name}: {violations:#?}");
            }
        }
    }

    #[test]
    fn user_rules_compile_eagerly_and_built_in_ones_lazily() {
        let broken = Arc::new(SourceFile::new(
            "ORG1.yaml",
            "code: ORG001\nname: x\nseverity: info\non: instance\nassert: 'true'\nmessage: '{{ 1 + }}'\ndocs: {summary: s, why: w, example: e, fix: f}\n",
        ));
        assert!(rule::load(&broken, true).is_err());
        let lazy = rule::load(&broken, false).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(lazy.message.check().is_err());
    }

    #[test]
    fn a_default_against_its_schema_fails_a_user_rule_at_load_and_a_built_in_one_in_check_all() {
        let file = Arc::new(SourceFile::new(
            "ORG2.yaml",
            "code: ORG002\nname: y\nseverity: info\non: instance\nassert: 'true'\nmessage: m\ndocs: {summary: s, why: w, example: e, fix: f}\nparams:\n  days: {description: d, default: -1, schema: {type: integer, minimum: 0}}\n",
        ));
        let eager = rule::load(&file, true).err().unwrap_or_default();
        assert!(eager.iter().any(|f| f.message.starts_with("the default of `days`")), "{eager:?}");
        let lazy = rule::load(&file, false).unwrap_or_else(|e| panic!("{e:?}"));
        let errors = RuleSet { rules: vec![lazy] }.check_all();
        assert!(errors.iter().any(|f| f.message.starts_with("the default of `days`")), "{errors:?}");
    }
}
