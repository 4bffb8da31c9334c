//! The configuration file: discovery, loading with spans, validation.
//!
//! Loading is two-phase, as cargo-deny does it: the file is parsed into the spanned
//! tree and validated against `schemas/config.schema.json` (every problem a diagnostic
//! pointing into the file, with a did-you-mean), then read into typed values. Paths in
//! the file are relative to its directory.

use crate::date::Date;
use crate::diag::{Finding, Location, Severity};
use crate::source::{self, Limits, Node, SourceFile, Span};
use crate::spec::Schema;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

pub const CONFIG_SCHEMA: &str = include_str!("../schemas/config.schema.json");
const FILE_NAMES: [&str; 2] = ["ecslint.yaml", ".ecslint.yaml"];

static SCHEMA: LazyLock<Result<Schema, String>> = LazyLock::new(|| Schema::compile(CONFIG_SCHEMA));

/// A per-path ignore.
#[derive(Clone, Debug, PartialEq)]
pub struct PathIgnore {
    pub pattern: glob::Pattern,
    /// The pattern as the config writes it (`pattern` is made absolute), for messages.
    pub written: String,
    pub codes: Vec<String>,
}

/// The validated configuration.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// The file it came from (none when no config file was found).
    pub path: Option<PathBuf>,
    pub as_of: Option<Date>,
    pub eol_warning_days: Option<i64>,
    pub fail_on: Option<String>,
    pub max_file_size: Option<u64>,
    pub quotas: BTreeMap<String, u64>,
    /// Per code, name or prefix: a severity, or `None` for off.
    pub rules: Vec<(String, Option<Severity>)>,
    pub rule_paths: Vec<PathBuf>,
    pub catalog: Vec<PathBuf>,
    pub include: Vec<String>,
    pub exclude: Vec<glob::Pattern>,
    pub ignore: Vec<PathIgnore>,
    /// The quota IDs and rule selectors the file names, with their spans, checked against
    /// the catalog and the rule set once both are loaded ([`Config::check_names`]).
    pub names: Vec<NameRef>,
    /// `params:` per rule as written, checked against the rules' declared parameters once
    /// the rules load (`engine::params`).
    pub params: Vec<RuleParams>,
}

/// The parameters the config sets for one rule.
#[derive(Clone, Debug)]
pub struct RuleParams {
    /// The rule's code or name as written, and where.
    pub rule: String,
    pub location: Location,
    pub values: Vec<ParamValue>,
}

/// One configured parameter value.
#[derive(Clone, Debug)]
pub struct ParamValue {
    pub name: String,
    pub key: Location,
    pub value: serde_json::Value,
    pub location: Location,
}

/// What a name in the config refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameKind {
    /// A key of `quotas`.
    Quota,
    /// A key of `rules` or a code of an `ignore` entry: a code, name or code prefix.
    Rule,
}

/// A quota ID or rule selector written in the config file, where it was written.
#[derive(Clone, Debug)]
pub struct NameRef {
    pub kind: NameKind,
    pub text: String,
    pub location: Location,
}

/// Why the configuration could not be loaded (exit status 2).
#[derive(Debug)]
pub enum ConfigError {
    Io(String),
    /// Problems inside the file, with spans.
    Invalid(Vec<Finding>),
}

/// Finds `ecslint.yaml` or `.ecslint.yaml` in the working directory (returned relative) or
/// above it (returned absolute). The search stops at the Git work tree's root: a config
/// file above it belongs to another project (a home directory, an enclosing checkout)
/// and must not change what this repository's gate decides.
pub fn discover() -> Option<PathBuf> {
    if let Some(here) = FILE_NAMES.iter().map(PathBuf::from).find(|p| p.is_file()) {
        return Some(here);
    }
    let cwd = std::env::current_dir().ok()?;
    if crate::project::is_git_root(&cwd) {
        return None;
    }
    for dir in cwd.ancestors().skip(1) {
        if let Some(found) = FILE_NAMES.iter().map(|name| dir.join(name)).find(|p| p.is_file()) {
            return Some(found);
        }
        if crate::project::is_git_root(dir) {
            return None;
        }
    }
    None
}

/// Whether a glob matches a file as ecslint names it, or its absolute, normalised path:
/// patterns are absolute (see [`join_pattern`]), so `infra/x.yaml`, `$PWD/infra/x.yaml`,
/// `../repo/infra/x.yaml` and `.//infra/x.yaml` match alike.
fn matches(pattern: &glob::Pattern, name: &str) -> bool {
    pattern.matches(name) || pattern.matches_path(&crate::files::paths::absolute(Path::new(name)))
}

/// Loads the file at `path`.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text =
        crate::files::read_text(path).map_err(|e| ConfigError::Io(format!("{}: {e}", path.display())))?;
    let file = Arc::new(SourceFile::new(crate::files::display_name(path), text));
    let base = path.parent().map_or_else(PathBuf::new, Path::to_path_buf);
    parse(&file, &base).map(|mut config| {
        config.path = Some(path.to_path_buf());
        config
    })
}

fn error(file: &Arc<SourceFile>, span: Span, message: impl Into<String>) -> Finding {
    Finding::new("CONFIG", "invalid-config", Severity::Error, message, Location::new(Arc::clone(file), span))
}

/// Validates and reads a config file's text; `base` is the directory paths are relative to.
pub fn parse(file: &Arc<SourceFile>, base: &Path) -> Result<Config, ConfigError> {
    let documents = source::parse_yaml(&file.text, Limits::default()).map_err(|e| {
        let mut finding = error(file, e.span, e.message);
        finding.help = e.help;
        ConfigError::Invalid(vec![finding])
    })?;
    let root = match documents.as_slice() {
        [] => return Ok(Config::default()),
        [document] if document.root.value == source::Value::Null => return Ok(Config::default()),
        [document] => &document.root,
        [_, second, ..] => {
            return Err(ConfigError::Invalid(vec![error(
                file,
                second.root.span,
                "the config file holds more than one YAML document",
            )]));
        }
    };
    let schema = SCHEMA.as_ref().map_err(|e| ConfigError::Io(e.clone()))?;
    let violations = schema.validate(root);
    if !violations.is_empty() {
        return Err(ConfigError::Invalid(
            violations
                .into_iter()
                .map(|v| {
                    let mut finding = error(file, v.span, v.message).with_primary_label(v.label);
                    finding.help = v.help;
                    finding
                })
                .collect(),
        ));
    }
    Reader { file, root, base, errors: Vec::new() }.read()
}

struct Reader<'a> {
    file: &'a Arc<SourceFile>,
    root: &'a Node,
    base: &'a Path,
    errors: Vec<Finding>,
}

impl Reader<'_> {
    fn read(mut self) -> Result<Config, ConfigError> {
        let root = self.root;
        let mut config = Config::default();
        if let Some(node) = root.get("asOf") {
            config.as_of = Date::parse(node.as_str().unwrap_or_default());
            if config.as_of.is_none() {
                self.errors.push(
                    error(self.file, node.span, "`asOf` is not a real date").with_help("use YYYY-MM-DD"),
                );
            }
        }
        config.eol_warning_days = int(root.get("eolWarningDays"));
        config.fail_on = root.get_str("failOn").map(str::to_string);
        config.max_file_size = int(root.get("maxFileSize")).and_then(|n| u64::try_from(n).ok());
        for entry in root.get("quotas").and_then(Node::as_map).unwrap_or_default() {
            // The schema admits only integers >= 0; a value past i64::MAX is as good as
            // unlimited, and is kept within the range rule expressions compute in.
            if let Some(value) = int(Some(&entry.value)).and_then(|n| u64::try_from(n).ok()) {
                config.quotas.insert(entry.key.name.to_string(), value);
            }
            self.name(&mut config, NameKind::Quota, &entry.key.name, entry.key.span);
        }
        for entry in root.get("rules").and_then(Node::as_map).unwrap_or_default() {
            self.name(&mut config, NameKind::Rule, &entry.key.name, entry.key.span);
            let level = match entry.value.as_str() {
                Some("error") => Some(Severity::Error),
                Some("warning") => Some(Severity::Warning),
                Some("info") => Some(Severity::Info),
                _ => None,
            };
            config.rules.push((entry.key.name.to_string(), level));
        }
        for entry in root.get("params").and_then(Node::as_map).unwrap_or_default() {
            let at = |span| Location::new(Arc::clone(self.file), span);
            let values = entry.value.as_map().unwrap_or_default().iter().map(|param| ParamValue {
                name: param.key.name.to_string(),
                key: at(param.key.span),
                value: param.value.to_json(),
                location: at(param.value.span),
            });
            config.params.push(RuleParams {
                rule: entry.key.name.to_string(),
                location: at(entry.key.span),
                values: values.collect(),
            });
        }
        let base = self.base;
        config.rule_paths = self.paths_inside("rulePaths");
        config.catalog = self.paths_inside("catalog");
        config.include = self
            .strings("include")
            .into_iter()
            .filter(|(p, span)| self.inside("include", p, *span, false))
            .map(|(p, _)| join_pattern(base, &p))
            .collect();
        config.exclude = self.patterns("exclude");
        let ignores: Vec<&Node> =
            root.get("ignore").and_then(Node::as_seq).map(|s| s.iter().collect()).unwrap_or_default();
        for item in ignores {
            let Some(path) = item.get("path") else { continue };
            if let Some(pattern) = self.pattern(path) {
                let codes = item.get("codes").and_then(Node::as_seq).unwrap_or_default();
                for code in codes {
                    if let Some(text) = code.as_str() {
                        self.name(&mut config, NameKind::Rule, text, code.span);
                    }
                }
                let codes = codes.iter().filter_map(Node::as_str).map(str::to_string).collect();
                let written = path.as_str().unwrap_or_default().to_string();
                config.ignore.push(PathIgnore { pattern, written, codes });
            }
        }
        if self.errors.is_empty() { Ok(config) } else { Err(ConfigError::Invalid(self.errors)) }
    }

    /// Records a quota ID or rule selector, to be checked once the catalog and rules load.
    fn name(&self, config: &mut Config, kind: NameKind, text: &str, span: Span) {
        let location = Location::new(Arc::clone(self.file), span);
        config.names.push(NameRef { kind, text: text.to_string(), location });
    }

    /// The paths under `key`, joined to the config's directory; one that leads outside it
    /// is an error (a repository's config must not make ecslint read `/etc/passwd`).
    fn paths_inside(&mut self, key: &str) -> Vec<PathBuf> {
        let strings = self.strings(key);
        let base = self.base;
        strings
            .into_iter()
            .filter(|(p, span)| self.inside(key, p, *span, true))
            .map(|(p, _)| base.join(p))
            .collect()
    }

    /// Whether `path` under `key` stays inside the project root (for now the config's
    /// directory), lexically and, for an existing path (`resolve`), through links too.
    /// Records an error when it does not.
    fn inside(&mut self, key: &str, path: &str, span: Span, resolve: bool) -> bool {
        use crate::files::paths::absolute;
        let root = absolute(self.base);
        let joined = absolute(&self.base.join(path));
        let real = |p: &Path| std::fs::canonicalize(p).ok();
        let escapes = !joined.starts_with(&root)
            || (resolve && real(&root).zip(real(&joined)).is_some_and(|(r, j)| !j.starts_with(r)));
        if escapes {
            let message = format!(
                "`{key}` names a path outside the project: {}",
                crate::files::excerpt(&format!("`{path}`"))
            );
            self.errors.push(error(self.file, span, message).with_help(
                "paths in a config stay inside its directory; name a file elsewhere on the command line (`--catalog`, `--rules`) if you mean to",
            ));
        }
        !escapes
    }

    fn strings(&self, key: &str) -> Vec<(String, Span)> {
        self.root
            .get(key)
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(|n| n.as_str().map(|s| (s.to_string(), n.span)))
            .collect()
    }

    fn patterns(&mut self, key: &str) -> Vec<glob::Pattern> {
        let nodes: Vec<Node> =
            self.root.get(key).and_then(Node::as_seq).map(<[Node]>::to_vec).unwrap_or_default();
        nodes.iter().filter_map(|n| self.pattern(n)).collect()
    }

    fn pattern(&mut self, node: &Node) -> Option<glob::Pattern> {
        let text = node.as_str()?;
        match glob::Pattern::new(&join_pattern(self.base, text)) {
            Ok(pattern) => Some(pattern),
            Err(e) => {
                self.errors.push(error(self.file, node.span, format!("invalid glob pattern: {}", e.msg)));
                None
            }
        }
    }
}

/// An integer value. JSON Schema counts `400.0` as an integer, so an integral float is
/// honoured like `400` (saturating past the range of i64) rather than silently dropped.
fn int(node: Option<&Node>) -> Option<i64> {
    match node.map(|n| &n.value) {
        Some(source::Value::Int(i)) => Some(*i),
        Some(source::Value::Float(f)) if f.is_finite() && f.fract() == 0.0 => Some(saturating_int(*f)),
        _ => None,
    }
}

/// An integral float as an i64, clamped to the type's range.
#[allow(clippy::cast_possible_truncation)] // `as` saturates from f64, which is what is wanted
const fn saturating_int(value: f64) -> i64 {
    value as i64
}

/// A pattern relative to the config directory, as an absolute, normalised pattern: it
/// then matches a file however its path was spelt on the command line.
fn join_pattern(base: &Path, pattern: &str) -> String {
    crate::files::paths::absolute(&base.join(pattern)).to_string_lossy().replace('\\', "/")
}

impl Config {
    /// Problems with the quota IDs and rule selectors the file names: each one that names
    /// nothing would silently switch enforcement off, so it is an error with a did-you-mean.
    /// `quotas` are the catalog's quota IDs, `rules` each rule's code and name.
    pub fn check_names<'a>(&self, quotas: &[&'a str], rules: &[(&'a str, &'a str)]) -> Vec<Finding> {
        let mut errors = Vec::new();
        for name in &self.names {
            let text = name.text.as_str();
            let (known, what, candidates): (bool, &str, Vec<&str>) = match name.kind {
                NameKind::Quota => (quotas.contains(&text), "quota ID in the catalog", quotas.to_vec()),
                NameKind::Rule => (
                    text.eq_ignore_ascii_case("ALL")
                        || rules.iter().any(|(code, rule)| crate::diag::selector_matches(text, code, rule)),
                    "rule code, name or prefix",
                    rules.iter().flat_map(|(code, rule)| [*code, *rule]).collect(),
                ),
            };
            if known {
                continue;
            }
            let mut finding = Finding::new(
                "CONFIG",
                "invalid-config",
                Severity::Error,
                format!("`{text}` matches no {what}"),
                name.location.clone(),
            )
            .with_primary_label("unknown");
            finding.help = Some(crate::suggest::closest(text, candidates.iter().copied()).map_or_else(
                || match name.kind {
                    NameKind::Quota => format!("known quotas: {}", quotas.join(", ")),
                    NameKind::Rule => "`ecslint rules` lists the codes and names".to_string(),
                },
                |s| format!("did you mean `{s}`?"),
            ));
            errors.push(finding);
        }
        errors
    }

    /// Whether a file (as ecslint names it) is excluded.
    pub fn excludes(&self, name: &str) -> bool {
        self.exclude.iter().any(|p| matches(p, name))
    }

    /// Whether a per-path ignore drops a finding.
    pub fn ignores(&self, finding: &Finding) -> bool {
        self.ignored_by(finding).is_some()
    }

    /// The per-path ignore that drops a finding, if one does. `ALL` names every code, as
    /// it does for `--select` ([`Config::check_names`] accepts it).
    pub fn ignored_by(&self, finding: &Finding) -> Option<&PathIgnore> {
        self.ignore.iter().find(|ignore| {
            matches(&ignore.pattern, &finding.location.file.name)
                && ignore.codes.iter().any(|c| {
                    c.eq_ignore_ascii_case("ALL")
                        || crate::diag::selector_matches(c, &finding.code, &finding.name)
                })
        })
    }
}
