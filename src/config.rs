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

/// Whether a glob matches a file as ecslint names it, or its absolute path (for a config
/// file found above the working directory).
fn matches(pattern: &glob::Pattern, name: &str) -> bool {
    pattern.matches(name) || std::path::absolute(name).is_ok_and(|abs| pattern.matches_path(&abs))
}

/// Loads the file at `path`.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text =
        std::fs::read_to_string(path).map_err(|e| ConfigError::Io(format!("{}: {e}", path.display())))?;
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
            if let Some(value) = int(Some(&entry.value)).and_then(|n| u64::try_from(n).ok()) {
                config.quotas.insert(entry.key.name.clone(), value);
            }
        }
        for entry in root.get("rules").and_then(Node::as_map).unwrap_or_default() {
            let level = match entry.value.as_str() {
                Some("error") => Some(Severity::Error),
                Some("warning") => Some(Severity::Warning),
                Some("info") => Some(Severity::Info),
                _ => None,
            };
            config.rules.push((entry.key.name.clone(), level));
        }
        config.rule_paths = self.strings("rulePaths").into_iter().map(|(p, _)| self.base.join(p)).collect();
        config.catalog = self.strings("catalog").into_iter().map(|(p, _)| self.base.join(p)).collect();
        config.include =
            self.strings("include").into_iter().map(|(p, _)| join_pattern(self.base, &p)).collect();
        config.exclude = self.patterns("exclude");
        let ignores: Vec<&Node> =
            root.get("ignore").and_then(Node::as_seq).map(|s| s.iter().collect()).unwrap_or_default();
        for item in ignores {
            let Some(path) = item.get("path") else { continue };
            if let Some(pattern) = self.pattern(path) {
                let codes = item.get("codes").and_then(Node::as_seq).unwrap_or_default();
                let codes = codes.iter().filter_map(Node::as_str).map(str::to_string).collect();
                config.ignore.push(PathIgnore { pattern, codes });
            }
        }
        if self.errors.is_empty() { Ok(config) } else { Err(ConfigError::Invalid(self.errors)) }
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

fn int(node: Option<&Node>) -> Option<i64> {
    match node.map(|n| &n.value) {
        Some(source::Value::Int(i)) => Some(*i),
        _ => None,
    }
}

/// A pattern relative to the config directory, as a pattern over paths as ecslint names them.
fn join_pattern(base: &Path, pattern: &str) -> String {
    if base.as_os_str().is_empty() || Path::new(pattern).is_absolute() {
        return pattern.to_string();
    }
    crate::files::display_name(&base.join(pattern))
}

impl Config {
    /// Whether a file (as ecslint names it) is excluded.
    pub fn excludes(&self, name: &str) -> bool {
        self.exclude.iter().any(|p| matches(p, name))
    }

    /// Whether a per-path ignore drops a finding.
    pub fn ignores(&self, finding: &Finding) -> bool {
        self.ignore.iter().any(|ignore| {
            matches(&ignore.pattern, &finding.location.file.name)
                && ignore.codes.iter().any(|c| crate::diag::selector_matches(c, &finding.code, &finding.name))
        })
    }
}
