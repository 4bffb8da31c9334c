//! Modules: the run's files grouped by directory (a directory of `.tf` files is one module),
//! which of them are roots, and local modules read from disk when the run does not name
//! their files, within bounds on depth, files and bytes.

use super::ast::{BlockAst, Expr, Kind, Part};
use super::overrides;
use super::parse;
use crate::diag::Finding;
use crate::source::SourceFile;
use foldhash::{HashMap, HashMapExt as _, HashSet};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Most files read from disk for local modules in one run.
const MAX_DISK_FILES: usize = 2_000;
/// Most bytes read from disk for local modules in one run.
const MAX_DISK_BYTES: usize = 64 * 1024 * 1024;
/// Most `.tf` files read from one module directory on disk.
const MAX_FILES_PER_MODULE: usize = 256;

/// A top-level block and the file it is in.
#[derive(Debug)]
pub struct Item {
    pub file: Arc<SourceFile>,
    pub block: BlockAst,
}

/// One module: its directory and its top-level blocks, in file order.
#[derive(Debug, Default)]
pub struct ModuleDef {
    pub dir: String,
    pub files: Vec<Arc<SourceFile>>,
    pub items: Vec<Item>,
}

impl ModuleDef {
    fn new(dir: String, parsed: Vec<(Arc<SourceFile>, super::ast::Body)>) -> Self {
        let mut def = Self { dir, ..Self::default() };
        let mut overrides = Vec::new();
        for (file, body) in parsed {
            def.files.push(file.clone());
            if overrides::is_override(&file.name) {
                overrides.push((file, body));
                continue;
            }
            for block in body.blocks {
                def.items.push(Item { file: file.clone(), block });
            }
        }
        // Merged last, in lexical order of name.
        overrides.sort_by(|(a, _), (b, _)| a.base_name().cmp(b.base_name()));
        let mut locals = Vec::new();
        overrides::merge(&mut def.items, overrides, &mut locals);
        def.items.extend(locals);
        def
    }

    /// Blocks of one type (`variable`, `resource`, `module`...).
    pub fn blocks<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Item> + 'a {
        self.items.iter().filter(move |item| item.block.kind == kind)
    }

    /// The `locals` entry `name`, with its file.
    pub fn local(&self, name: &str) -> Option<(&Arc<SourceFile>, &Expr)> {
        self.blocks("locals").find_map(|item| item.block.body.attr(name).map(|a| (&item.file, &a.expr)))
    }

    /// How many times the module's `locals` blocks define `name` (its override files'
    /// replace the definitions they override, so more than one is Terraform's error).
    pub fn locals_named(&self, name: &str) -> usize {
        self.blocks("locals").filter(|item| item.block.body.attr(name).is_some()).count()
    }

    /// The `output` block `name`'s value.
    pub fn output(&self, name: &str) -> Option<(&Arc<SourceFile>, &Expr)> {
        self.blocks("output")
            .filter(|item| item.block.labels.first().map(String::as_str) == Some(name))
            .find_map(|item| item.block.body.attr("value").map(|a| (&item.file, &a.expr)))
    }

    /// The resource (`resource`) or data source (`data`) block `kind.name`.
    pub fn resource(&self, mode: &str, kind: &str, name: &str) -> Option<&Item> {
        self.items.iter().filter(|item| item.block.kind == mode).find(|item| {
            item.block.labels.len() == 2 && item.block.labels[0] == kind && item.block.labels[1] == name
        })
    }

    pub fn owns(&self, file: &Arc<SourceFile>) -> bool {
        self.files.iter().any(|f| Arc::ptr_eq(f, file))
    }
}

/// The directory part of a file name, normalized (`.` for none).
pub fn dir_of(name: &str) -> String {
    let name = name.replace('\\', "/");
    match name.rfind('/') {
        Some(0) => "/".to_string(),
        Some(i) => normalize(name.get(..i).unwrap_or_default()),
        None => ".".to_string(),
    }
}

/// A path with `.` and `..` resolved lexically.
pub fn normalize(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    match (absolute, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// Where a module call's `source` points, when it is a local path (`./x`, `../x`).
pub fn local_source(caller_dir: &str, source: &Expr) -> Option<String> {
    let Kind::Str(source) = &source.kind else { return None };
    local_path(caller_dir, source)
}

/// The directory a `source` text names, when it is a local path (`./x`, `../x`).
pub fn local_path(caller_dir: &str, source: &str) -> Option<String> {
    is_local(source).then(|| normalize(&format!("{caller_dir}/{source}")))
}

/// Whether a `source` text is a local path, as Terraform tells one: `./` or `../` first,
/// or `.` or `..` alone.
fn is_local(source: &str) -> bool {
    source.starts_with("./") || source.starts_with("../") || source == "." || source == ".."
}

/// Most checks of a run directory against a module `source` template ([`SourcePattern`])
/// in one run: past them, every directory a template's literal start begins is taken as
/// called (none is read as a root: a miss rather than a false finding).
const MAX_SOURCE_CHECKS: usize = 1_000_000;

/// The directories a local `source` written as a template may name: OpenTofu (1.8)
/// evaluates a source from variables and locals (`"./modules/${var.env}"`). The literal
/// parts are kept and each other part may be anything, so that no directory the call may
/// reach is taken for a root and checked with its defaults.
struct SourcePattern {
    /// What every directory it names starts with.
    prefix: String,
    /// The whole pattern; `None` when a `..` after a part that may be anything leaves
    /// only the prefix certain.
    regex: Option<regex::Regex>,
}

impl SourcePattern {
    fn new(caller_dir: &str, source: &Expr) -> Option<Self> {
        const HOLE: char = '\u{0}';
        let Kind::Template(parts) = &source.kind else { return None };
        // `${path.module}` is the calling module's directory: `.` from it.
        let path_module = |part: &Part| {
            matches!(part, Part::Interp(Expr { kind: Kind::Traverse(base, ops), .. })
                if matches!(&base.kind, Kind::Var(v) if v == "path")
                    && matches!(ops.as_slice(), [super::ast::Op::Attr(a)] if a == "module"))
        };
        let text: String = parts
            .iter()
            .map(|part| match part {
                Part::Lit(text) => text.replace(HOLE, ""),
                part if path_module(part) => ".".to_string(),
                _ => HOLE.to_string(),
            })
            .collect();
        if !is_local(&text) {
            return None;
        }
        let (before, after) = text.split_once(HOLE).unwrap_or((&text, ""));
        let prefix = normalize(&format!("{caller_dir}/{before}"));
        let prefix = if prefix == "." { String::new() } else { prefix };
        // A part of any value may hold `/`: each `..` after it may climb one directory
        // above the prefix, and where it lands below that is anyone's guess.
        let climbs = after.split('/').filter(|segment| *segment == "..").count();
        if climbs > 0 {
            let above = normalize(&format!("{prefix}/{}", vec![".."; climbs].join("/")));
            return Some(Self { prefix: if above == "." { String::new() } else { above }, regex: None });
        }
        let path = normalize(&format!("{caller_dir}/{text}"));
        let pattern: Vec<String> = path.split(HOLE).map(regex::escape).collect();
        let regex = regex::Regex::new(&format!("^{}$", pattern.join(".*"))).ok()?;
        Some(Self { prefix, regex: Some(regex) })
    }

    /// Marks as called, in `out`, the directories of `dirs` (sorted) it may name, for a
    /// call in `caller`.
    fn mark(&self, dirs: &[String], caller: &str, checks: &mut usize, out: &mut Called) {
        let start = dirs.partition_point(|d| d.as_str() < self.prefix.as_str());
        let len = dirs[start..].partition_point(|d| d.starts_with(&self.prefix));
        let in_range = &dirs[start..start + len];
        match &self.regex {
            Some(regex) if checks.saturating_add(len) <= MAX_SOURCE_CHECKS => {
                *checks += len;
                for dir in in_range.iter().filter(|d| *d != caller && regex.is_match(d)) {
                    out.templated.insert(dir.clone());
                }
            }
            _ => out.under(&self.prefix, caller),
        }
    }
}

/// The directories of the run a module call names.
#[derive(Default)]
struct Called {
    /// Named by a literal `source`.
    dirs: HashSet<String>,
    /// Named by a source template.
    templated: HashSet<String>,
    /// Every directory that starts with one of these is called, but the one call's own
    /// (`None`: calls from more than one directory).
    prefixes: HashMap<String, Option<String>>,
}

impl Called {
    fn under(&mut self, prefix: &str, caller: &str) {
        self.prefixes
            .entry(prefix.to_string())
            .and_modify(|by| {
                if by.as_deref() != Some(caller) {
                    *by = None;
                }
            })
            .or_insert_with(|| Some(caller.to_string()));
    }

    fn contains(&self, dir: &str) -> bool {
        self.dirs.contains(dir)
            || self.templated.contains(dir)
            || dir
                .char_indices()
                .map(|(i, _)| &dir[..i])
                .chain([dir])
                .any(|p| self.prefixes.get(p).is_some_and(|by| by.as_deref() != Some(dir)))
    }
}

/// Whether a file is a variables file (`.tfvars`, `.tfvars.json`).
pub fn is_tfvars(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".tfvars") || lower.ends_with(".tfvars.json")
}

/// The file OpenTofu reads in place of `name`: `x.tofu` for `x.tf`, `x.tofu.json` for
/// `x.tf.json`, in the same directory (Terraform never reads a `.tofu` file). Names are
/// compared with their case, as OpenTofu compares paths.
fn tofu_twin(name: &str) -> Option<String> {
    let stem = |suffix: &str| name.strip_suffix(suffix).map(str::to_string);
    stem(".tf.json").map(|s| s + ".tofu.json").or_else(|| stem(".tf").map(|s| s + ".tofu"))
}

/// The words of the note [`shadowed_note`] makes, by which a run over a directory leaves
/// it out ([`shadowed_file`]).
const READ_IN_ITS_PLACE: &str = "is read in its place (OpenTofu reads a `.tofu` file";

/// OpenTofu's extension precedence: where a directory holds both `x.tf` and `x.tofu` (or
/// `x.tf.json` and `x.tofu.json`), OpenTofu reads the `.tofu` file and ignores the other,
/// so the module is what it reads (reading both would give every block twice). With
/// `disk`, a twin the run does not hold counts where it exists on disk (a run over a named
/// `main.tf` alone). Returns the files kept, in their order, and for each one left out
/// the name of the file read in its place.
pub fn unshadowed<T>(files: Vec<T>, name: impl Fn(&T) -> &str, disk: bool) -> (Vec<T>, Vec<(T, String)>) {
    let twins: Vec<Option<String>> = {
        let names: HashSet<&str> = files.iter().map(&name).collect();
        // On disk, by the exact names of its directory's listing, as OpenTofu compares
        // them (on a file system that ignores case, `main.tofu` would find `Main.tofu`).
        let mut listed: HashMap<String, HashSet<String>> = HashMap::new();
        let mut on_disk = |twin: &str| {
            let (dir, base) = twin.rsplit_once('/').unwrap_or((".", twin));
            let dir = if dir.is_empty() { "/" } else { dir };
            listed
                .entry(dir.to_string())
                .or_insert_with(|| {
                    let entries = std::fs::read_dir(dir).into_iter().flatten().filter_map(Result::ok);
                    entries.filter_map(|entry| entry.file_name().into_string().ok()).collect()
                })
                .contains(base)
        };
        files
            .iter()
            .map(|f| {
                tofu_twin(name(f)).filter(|twin| names.contains(twin.as_str()) || (disk && on_disk(twin)))
            })
            .collect()
    };
    if twins.iter().all(Option::is_none) {
        return (files, Vec::new());
    }
    let mut shadowed = Vec::new();
    let mut kept = Vec::new();
    for (file, twin) in files.into_iter().zip(twins) {
        match twin {
            Some(twin) => shadowed.push((file, crate::source::base_name(&twin).to_string())),
            None => kept.push(file),
        }
    }
    (kept, shadowed)
}

/// The note for a file [`unshadowed`] left out.
pub fn shadowed_note(name: &str, twin: &str) -> String {
    format!(
        "{name}: skipped: `{twin}` {READ_IN_ITS_PLACE} instead of the `.tf` file of the same name; \
         Terraform does not read `.tofu` files)"
    )
}

/// The file a note of [`shadowed_note`] is on (a ROS template for a `Workspace` entry),
/// or `None` for any other note.
pub fn shadowed_file(note: &str) -> Option<&str> {
    if !note.contains(READ_IN_ITS_PLACE) {
        return None;
    }
    crate::check::skipped_file(note)
}

/// The run's modules and those read from disk.
pub struct Loader {
    /// The run's files, parsed up front.
    pub parsed: parse::Parsed,
    run: BTreeMap<String, Vec<Arc<SourceFile>>>,
    cache: HashMap<String, Result<Arc<ModuleDef>, String>>,
    disk_files: usize,
    disk_bytes: usize,
    /// Whether a module the run does not hold is read from disk: not for Terraform inside a
    /// ROS template, whose modules are all in its `Workspace`.
    disk: bool,
    pub findings: Vec<Finding>,
    /// Directories a module call reached through a `source` that is not a literal
    /// (OpenTofu's, from variables and locals): modules, whatever [`Loader::roots`] took
    /// them for, on whichever core the call was evaluated.
    reached: std::sync::Mutex<BTreeSet<String>>,
}

impl Loader {
    /// `disk`: whether a local module the run does not hold is read from disk.
    pub fn new(config_files: &[Arc<SourceFile>], parsed: parse::Parsed, disk: bool) -> Self {
        let mut run: BTreeMap<String, Vec<Arc<SourceFile>>> = BTreeMap::new();
        for file in config_files {
            run.entry(dir_of(&file.name)).or_default().push(file.clone());
        }
        Self {
            parsed,
            run,
            cache: HashMap::new(),
            disk_files: 0,
            disk_bytes: 0,
            disk,
            findings: Vec::new(),
            reached: std::sync::Mutex::default(),
        }
    }

    /// The directories of the run's modules, sorted.
    pub fn run_dirs(&self) -> Vec<String> {
        self.run.keys().cloned().collect()
    }

    /// The module in `dir` when it has been asked for before (as [`Loader::module`] gave
    /// it), without reading anything.
    pub fn cached(&self, dir: &str) -> Option<Result<Arc<ModuleDef>, String>> {
        self.cache.get(dir).cloned()
    }

    /// The module in `dir`: the run's files there, else its Terraform and OpenTofu files on disk.
    pub fn module(&mut self, dir: &str) -> Result<Arc<ModuleDef>, String> {
        if let Some(found) = self.cache.get(dir) {
            return found.clone();
        }
        let files = match self.run.get(dir) {
            Some(files) => Ok(files.clone()),
            None => self.read_dir(dir),
        };
        let result = files.map(|files| {
            let mut parsed = Vec::new();
            for file in files {
                match self.parsed.take(&file) {
                    Ok(body) => parsed.push((file, body)),
                    Err(finding) => self.findings.push(*finding),
                }
            }
            Arc::new(ModuleDef::new(dir.to_string(), parsed))
        });
        self.cache.insert(dir.to_string(), result.clone());
        result
    }

    fn read_dir(&mut self, dir: &str) -> Result<Vec<Arc<SourceFile>>, String> {
        if !self.disk {
            return Err(format!(
                "the module `{dir}` is not among the files read (only the template's own are)"
            ));
        }
        let entries = std::fs::read_dir(dir)
            .map_err(|e| format!("the module directory `{dir}` cannot be read: {e}"))?;
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter(|n| {
                !n.starts_with('.')
                    && crate::source::Frontend::of(n) == crate::source::Frontend::Terraform
                    && !is_tfvars(n)
            })
            .collect();
        names.sort();
        let (names, _) = unshadowed(names, String::as_str, false);
        if names.len() > MAX_FILES_PER_MODULE {
            return Err(format!("the module directory `{dir}` has more than {MAX_FILES_PER_MODULE} files"));
        }
        let mut files = Vec::new();
        for name in names {
            if self.disk_files >= MAX_DISK_FILES || self.disk_bytes >= MAX_DISK_BYTES {
                return Err(format!(
                    "more than {MAX_DISK_FILES} files or {MAX_DISK_BYTES} bytes of local modules"
                ));
            }
            let path = if dir == "." { name } else { format!("{dir}/{name}") };
            let text = crate::files::read_text(std::path::Path::new(&path))
                .map_err(|e| format!("`{path}` cannot be read: {e}"))?;
            self.disk_files += 1;
            self.disk_bytes += text.len();
            files.push(Arc::new(SourceFile::new(path, text)));
        }
        Ok(files)
    }

    /// Frees the modules' trees on every core: one after the other, that took as long as
    /// evaluating them.
    pub fn drop_on_every_core(self) {
        self.cache.into_par_iter().for_each(drop);
        self.parsed.drop_on_every_core();
    }

    /// Says that a module call reached `dir` through a `source` that is not a literal.
    pub fn reach(&self, dir: &str) {
        if let Ok(mut reached) = self.reached.lock() {
            reached.insert(dir.to_string());
        }
    }

    /// The directories [`Loader::reach`] was told of.
    pub fn reached(&self) -> BTreeSet<String> {
        self.reached.lock().map(|reached| reached.clone()).unwrap_or_default()
    }

    /// The run's directories that no other module of the run calls.
    pub fn roots(&mut self) -> Vec<String> {
        let dirs = self.run_dirs();
        let mut called = Called::default();
        let mut checks = 0;
        for dir in &dirs {
            let Ok(def) = self.module(dir) else { continue };
            for item in def.blocks("module") {
                let Some(source) = item.block.body.attr("source").map(|a| a.expr.written()) else { continue };
                if let Some(target) = local_source(dir, source)
                    && target != *dir
                {
                    called.dirs.insert(target);
                } else if let Some(pattern) = SourcePattern::new(dir, source) {
                    pattern.mark(&dirs, dir, &mut checks, &mut called);
                }
            }
        }
        // Directories that call each other in a cycle are all roots; those a source template
        // may name are not, even if that leaves none.
        if dirs.iter().all(|d| called.dirs.contains(d)) {
            return dirs;
        }
        dirs.iter().filter(|d| !called.contains(d)).cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    /// The directories of `dirs` a call in `caller` with `source` (HCL) takes as called.
    fn marked(caller: &str, source: &str, dirs: &[&str], checks: &mut usize) -> Vec<String> {
        let expr = parse::parse_expr_text(source, Span::new(0, source.len())).expect("an expression");
        let dirs: Vec<String> = dirs.iter().map(|d| (*d).to_string()).collect();
        let mut out = Called::default();
        SourcePattern::new(caller, &expr).expect("a local template").mark(&dirs, caller, checks, &mut out);
        dirs.into_iter().filter(|d| out.contains(d)).collect()
    }

    #[test]
    fn a_source_template_marks_the_directories_it_may_name() {
        let dirs = ["live", "live/extra", "modules", "modules/dev", "modules/prod", "modules2/x", "other"];
        let mut checks = 0;
        assert_eq!(
            marked("live", r#""../modules/${var.env}""#, &dirs, &mut checks),
            ["modules/dev", "modules/prod"]
        );
        assert_eq!(
            marked(".", r#""./modules/${var.env}/x""#, &["modules/a/x", "modules/a/y"], &mut checks),
            ["modules/a/x"]
        );
        // A `..` after a part of any value climbs out of the prefix: everything below the
        // prefix's parent may be named.
        assert_eq!(
            marked("live", r#""./${var.env}/../modules""#, &dirs, &mut checks),
            ["live/extra", "modules", "modules/dev", "modules/prod", "modules2/x", "other"]
        );
        // Past the bound on checks, every directory under the literal start is taken as
        // called, never read as a root with its defaults.
        let mut spent = MAX_SOURCE_CHECKS;
        assert_eq!(
            marked(".", r#""./modules/${var.env}/x""#, &["modules/a/x", "modules/a/y"], &mut spent),
            ["modules/a/x", "modules/a/y"]
        );
        assert!(
            SourcePattern::new(".", &parse::parse_expr_text("var.x", Span::new(0, 5)).unwrap()).is_none()
        );
    }
}
