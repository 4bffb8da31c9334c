//! The project around the files named on the command line (DESIGN §5, "Named files and
//! their context").
//!
//! pre-commit passes only the changed files, yet an instance's image usually lives in a
//! file that did not change, and a changed image is used by instances elsewhere. Checking
//! the named files alone gave a false S004 (and skipped every image rule) in the first
//! case and passed a breaking image edit in the second. So the files of the project are
//! loaded too, references are resolved across all of them, and what is reported is then
//! narrowed to the named files and to the resources elsewhere that refer to a resource in
//! a named file. Findings on unrelated files stay silent: a commit is not blocked by a
//! file it did not touch.
//!
//! The project root is the config file's directory, else the Git work tree's root (the
//! nearest directory upwards holding `.git`, a directory or, in a worktree or submodule,
//! a file: no `git` binary is needed), else the working directory.

use crate::check::Outcome;
use crate::config::Config;
use crate::diag::{Finding, Location};
use crate::files::{self, CollectError, Collected, Input};
use crate::source::{Frontend, Span};
use crate::spec::{Kind, Resource, codes};
// The run's resources are hashed here by name and file, on one core: foldhash, not
// SipHash, which was most of `scope` and `reportable` in a one-file run in a 10,000-file
// project.
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

/// Whether `dir` is the top of a Git work tree.
pub fn is_git_root(dir: &Path) -> bool {
    dir.join(".git").symlink_metadata().is_ok()
}

/// The project root as a path to walk: `.` for the working directory, `..` and so on
/// for a directory above it (so files are named relative to the working directory, as a
/// walk of the named files names them), or else the config file's directory as given.
pub fn root(config: &Config) -> PathBuf {
    let Ok(cwd) = std::env::current_dir() else { return PathBuf::from(".") };
    let depth = match &config.path {
        Some(path) => match path.parent() {
            Some(dir) if dir.as_os_str().is_empty() => Some(0),
            Some(dir) => {
                let absolute = lexical(dir, &cwd);
                let depth = cwd.ancestors().position(|above| above == absolute);
                if depth.is_none() {
                    return dir.to_path_buf();
                }
                depth
            }
            None => Some(0),
        },
        None => cwd.ancestors().position(is_git_root),
    };
    match depth {
        None | Some(0) => PathBuf::from("."),
        Some(depth) => std::iter::repeat_n("..", depth).collect(),
    }
}

/// The root of the project a named file belongs to. With a config file, its directory.
/// Without one, the Git work tree holding the named file (not the one holding the
/// working directory: `cd / && ecslint check ~/repo/a.yaml` must not load the whole file
/// system, nor a file of a sibling repository get this one's images). Outside any work
/// tree, the working directory when the file lies inside it (DESIGN §5), else the file's
/// directory.
fn named_root(named: &Named, config: &Config) -> PathBuf {
    let Some(file) = named.first.as_deref().filter(|_| config.path.is_none()) else { return root(config) };
    let Some(dir) = file.parent() else { return root(config) };
    let cwd = &named.cwd;
    let top = match dir.ancestors().find(|d| is_git_root(d)) {
        Some(git) => git,
        // The file system's root is no project, whatever the working directory.
        None if file.starts_with(cwd) && cwd.parent().is_some() => cwd.as_path(),
        None => dir,
    };
    // Named from the working directory as a walk names files: `.`, `../..`, `sub`, or
    // absolute when neither holds the other.
    if let Some(depth) = cwd.ancestors().position(|above| above == top) {
        return if depth == 0 { PathBuf::from(".") } else { std::iter::repeat_n("..", depth).collect() };
    }
    top.strip_prefix(cwd).map_or_else(|_| top.to_path_buf(), Path::to_path_buf)
}

/// Whether the paths name the whole project: a directory at or above its root. The
/// context would then add nothing but a second walk (`ecslint check .` at the root).
pub fn names_the_project(paths: &[String], config: &Config) -> bool {
    let Ok(cwd) = std::env::current_dir() else { return false };
    let root = lexical(&root(config), &cwd);
    paths.iter().map(Path::new).filter(|path| path.is_dir()).any(|dir| root.starts_with(lexical(dir, &cwd)))
}

/// What the command line named, to tell the named files from their context.
#[derive(Debug, Default)]
pub struct Named {
    /// The display names of the named inputs (stdin under its `--stdin-filename`).
    names: HashSet<String>,
    /// Per file name, the paths the named inputs stand for: lexically absolute and, when
    /// they exist, canonical (a file named through a symlink or `..` is the same file).
    paths: HashMap<OsString, Vec<(PathBuf, Option<PathBuf>)>>,
    /// The working directory, which relative paths are relative to.
    cwd: PathBuf,
    /// The first named file, lexically absolute: where the Git root is looked for when
    /// no config file sets the root.
    first: Option<PathBuf>,
}

impl Named {
    /// The named inputs. Standard input stands for the file its `--stdin-filename` names,
    /// so an editor's unsaved buffer replaces its saved copy in the context.
    pub fn new<'a>(inputs: impl IntoIterator<Item = &'a Input>) -> Self {
        let mut named = Self { cwd: std::env::current_dir().unwrap_or_default(), ..Self::default() };
        for input in inputs {
            named.names.insert(input.name().to_string());
            let path = input.path().unwrap_or_else(|| Path::new(input.name()));
            if let Some(file_name) = path.file_name() {
                named.first.get_or_insert_with(|| lexical(path, &named.cwd));
                let entry = (lexical(path, &named.cwd), std::fs::canonicalize(path).ok());
                named.paths.entry(file_name.to_os_string()).or_default().push(entry);
            }
        }
        named
    }

    /// Whether `path` is one of the named files. Only a path with a named file's name is
    /// resolved, so a 10,000-file context costs no system call per file.
    fn contains(&self, path: &Path) -> bool {
        let Some(candidates) = path.file_name().and_then(|name| self.paths.get(name)) else {
            return false;
        };
        let absolute = lexical(path, &self.cwd);
        let canonical = std::cell::OnceCell::new();
        candidates.iter().any(|(lexical, real)| {
            *lexical == absolute
                || real.as_ref().is_some_and(|real| {
                    canonical.get_or_init(|| std::fs::canonicalize(path).ok()).as_ref() == Some(real)
                })
        })
    }

    pub fn is_named(&self, name: &str) -> bool {
        self.names.contains(name)
    }

    /// Names one more input that is not a checked path: a `--var-file`, whose syntax
    /// errors must be reported like a named file's.
    pub fn name_also(&mut self, name: impl Into<String>) {
        self.names.insert(name.into());
    }

    /// Whether `name` is a Terraform file in the directory of a named Terraform file (or a
    /// Packer file beside a named Packer file): one module (or template) with it, so a
    /// syntax error there (a broken `terraform.tfvars`, `variables.tf` or
    /// `x.auto.pkrvars.hcl`) changes what the named file evaluates to and must not go unsaid.
    fn in_a_named_module(&self, name: &str) -> bool {
        let frontend = Frontend::of(name);
        let dir = |name: &str| name.rsplit_once(['/', '\\']).map_or("", |(dir, _)| dir).to_string();
        frontend != Frontend::Document && {
            let here = dir(name);
            self.names.iter().any(|named| Frontend::of(named) == frontend && dir(named) == here)
        }
    }
}

/// `path` made absolute against `cwd`, with `.` and `..` resolved by text (no system call).
fn lexical(path: &Path, cwd: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in cwd.join(path).components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The project's files other than the named ones: what the config's `include` selects
/// (and, when a Terraform file is named, the project's Terraform files), else every spec
/// file under the project root. Excluded files are left out. A pattern
/// that matches nothing is no error here: the named files are still checked.
/// `beside` are the files already read beside the named ones (`files::Collected::beside`),
/// which the context does not read again.
pub fn context(
    named: &Named,
    beside: &Named,
    config: &Config,
    stdin_name: &str,
) -> Result<Collected, CollectError> {
    let patterns = if config.include.is_empty() {
        vec![files::display_name(&named_root(named, config))]
    } else {
        config.include.clone()
    };
    let mut context = Collected::default();
    let mut patterns_walked = patterns.len();
    for pattern in patterns {
        match files::collect(std::slice::from_ref(&pattern), stdin_name) {
            Ok(mut collected) => {
                context.inputs.append(&mut collected.inputs);
                context.warnings.append(&mut collected.warnings);
            }
            Err(CollectError::NoMatch { .. }) => {}
            Err(error) => return Err(error),
        }
    }
    // A Terraform module is evaluated through the roots that call it. `include` may select
    // the specs alone, and a named module file was then read as a root of its own, with
    // its variables' defaults where its callers pass other values: a false finding. So the
    // project's Terraform files are its context whatever `include` selects.
    if !config.include.is_empty() && named.names.iter().any(|name| Frontend::of(name) == Frontend::Terraform)
    {
        let root = files::display_name(&named_root(named, config));
        if let Ok(mut collected) = files::collect(std::slice::from_ref(&root), stdin_name) {
            collected.inputs.retain(|input| Frontend::of(input.name()) == Frontend::Terraform);
            context.inputs.append(&mut collected.inputs);
            patterns_walked += 1;
        }
    }
    // One walk keeps one input per file already (`files::collect`); the spellings of a
    // file that two `include` patterns reach are told apart by its lexical path.
    let several = patterns_walked > 1;
    let mut seen = HashSet::new();
    context.inputs.retain(|input| match input {
        Input::File { path, name, .. } => {
            !config.excludes(name)
                && !named.contains(path)
                && !beside.contains(path)
                && (!several || seen.insert(lexical(path, &named.cwd)))
        }
        Input::Stdin { .. } => false,
    });
    // Every file the context reaches is read as found by a walk (an unreadable one is a
    // finding on it, which stays silent), never as named.
    for input in &mut context.inputs {
        if let Input::File { explicit, .. } = input {
            *explicit = false;
        }
    }
    Ok(context)
}

/// Narrows a run over the named files and their context to what is reported: findings
/// on the named files, and on resources elsewhere that refer to a resource in a named
/// file (directly, or through a chain of images derived from one). The files and
/// resources the summary counts are narrowed the same way.
///
/// `in_scope` is [`scope`] of the run's resources when the caller already has it (it
/// made the run's [`reportable`] marks from it), else it is worked out here.
pub fn restrict(outcome: &mut Outcome, named: &Named, in_scope: Option<Vec<usize>>) {
    // A project file skipped as another tool's is no news to a run over other files; a bound
    // that left resources out (`more than 100000 resource instances`, a module call not
    // read) is: what was left out may be what the named files use.
    outcome.skipped.retain(|note| crate::check::skipped_file(note).is_none_or(|file| named.is_named(file)));
    let in_scope = in_scope.unwrap_or_else(|| scope(&outcome.resources, named));
    // The spans of the context resources in scope, per file.
    let mut spans: HashMap<String, Vec<Span>> = HashMap::new();
    for &index in &in_scope {
        let Some(resource) = outcome.resources.get(index) else { continue };
        for location in resource_locations(resource) {
            if !named.is_named(&location.file.name) {
                spans.entry(location.file.name.clone()).or_default().push(location.span);
            }
        }
    }
    let reported_at = |location: &Location| {
        named.is_named(&location.file.name)
            || spans.get(location.file.name.as_str()).is_some_and(|spans| {
                spans
                    .iter()
                    .any(|span| span.start() <= location.span.start() && location.span.end() <= span.end())
            })
    };
    let subjects: HashSet<(Kind, &str)> = in_scope
        .iter()
        .filter_map(|&i| outcome.resources.get(i))
        .filter_map(|r| Some((r.kind, r.name.as_deref()?)))
        .collect();
    let in_scope_subject = |resource: &crate::diag::ResourceRef| {
        subject_kind(&resource.kind).is_none_or(|kind| subjects.contains(&(kind, resource.name.as_str())))
    };
    // Outside the named files, a finding is kept only at a resource in scope, and only when
    // it is that resource's: several resources share a span there (Terraform resources read
    // their region from one provider block), and a finding of a resource out of scope at
    // that span is not the named files' news.
    let kept = |finding: &Finding| {
        named.is_named(&finding.location.file.name)
            || (reported_at(&finding.location) && finding.resource.as_ref().is_none_or(in_scope_subject))
    };
    // An S003 between a named file and the project was moved onto the named file by the
    // check itself (`CheckOptions::relocate`), before suppressions were matched.
    outcome.findings.retain(|finding| {
        kept(finding)
            || (finding.code == codes::PARSE_ERROR.code
                && named.in_a_named_module(&finding.location.file.name))
    });
    outcome.suppressed.retain(kept);
    // A rule that fails points into its rule file and names the resource it failed on (or
    // labels it in its spec file): a failure only on resources out of scope must not take
    // a commit's gate down either.
    let spec_files: HashSet<&str> = outcome.files.iter().map(|file| file.name.as_str()).collect();
    outcome.failures.retain(|failure| {
        let on_specs: Vec<&Location> = failure
            .labels
            .iter()
            .map(|label| &label.location)
            .filter(|location| spec_files.contains(location.file.name.as_str()))
            .collect();
        if !on_specs.is_empty() {
            return on_specs.into_iter().any(&reported_at);
        }
        failure.resource.as_ref().is_none_or(in_scope_subject)
    });
    let files: HashSet<String> = outcome
        .files
        .iter()
        .filter(|file| named.is_named(&file.name) || spans.contains_key(&file.name))
        .map(|file| file.name.clone())
        .collect();
    drop(spans);
    outcome.files.retain(|file| files.contains(&file.name));
    // The others move to `context` rather than being freed here, one tree at a time, on
    // one core (a tenth of a 1,000-file run). The resources in scope are moved to the end
    // of the list, in their order, and split off; the list becomes `context` in place (in
    // another order, which nothing reads): a new list for the others was 2.6 MB of the
    // 20,000 resources of a 10,000-file project written again (650 page faults).
    let mut keep = vec![false; outcome.resources.len()];
    for index in in_scope {
        if let Some(flag) = keep.get_mut(index) {
            *flag = true;
        }
    }
    let mut end = outcome.resources.len();
    for index in (0..outcome.resources.len()).rev() {
        if keep.get(index) == Some(&true) {
            end -= 1;
            outcome.resources.swap(index, end);
        }
    }
    let kept = outcome.resources.split_off(end);
    let others = std::mem::replace(&mut outcome.resources, kept);
    if outcome.context.is_empty() {
        outcome.context = others;
    } else {
        outcome.context.extend(others);
    }
}

/// Which resources can give a finding that [`restrict`] keeps, for the rules to run on
/// them alone (`CheckOptions::focus`): a pre-commit run over one file in a 10,000-file
/// repository loads them all for their facts, and ran every rule on every one of them.
///
/// What `restrict` keeps is a finding at a named file or inside a resource in scope, and
/// a rule's failure at one or on a subject in scope. A resource's findings point into the
/// files where it is written ([`resource_locations`]), so the resources checked are: those
/// in scope, every resource written in a named file or in a file where one in scope is
/// written (a comment there may suppress it, and S008 says when one is unused), and any
/// with the kind and name of one in scope. The rest cannot be reported; they still give
/// the run its facts, duplicate names and cycles.
///
/// `in_scope` is [`scope`] of the same resources.
pub fn reportable(resources: &[Resource], named: &Named, in_scope: &[usize]) -> Vec<bool> {
    // The resources in scope are few (a named file's, and those that use its images).
    let mut files: HashSet<&str> = named.names.iter().map(String::as_str).collect();
    let mut subjects: HashSet<(Kind, &str)> = HashSet::new();
    let mut located: Vec<Location> = Vec::new();
    for resource in in_scope.iter().filter_map(|&i| resources.get(i)) {
        files.insert(resource.file.name.as_str());
        if resource.iac.is_some() {
            located.extend(resource_locations(resource));
        }
        if let Some(name) = resource.name.as_deref() {
            subjects.insert((resource.kind, name));
        }
    }
    files.extend(located.iter().map(|l| l.file.name.as_str()));
    let mut marked = vec![false; resources.len()];
    for &index in in_scope {
        if let Some(flag) = marked.get_mut(index) {
            *flag = true;
        }
    }
    for (flag, resource) in marked.iter_mut().zip(resources) {
        *flag = *flag
            || resource.name.as_deref().is_some_and(|name| subjects.contains(&(resource.kind, name)))
            || if resource.iac.is_none() {
                files.contains(resource.file.name.as_str())
            } else {
                resource_locations(resource).iter().any(|l| files.contains(l.file.name.as_str()))
            };
    }
    marked
}

/// Where a resource's findings may point: the whole resource in its file and, for an IaC
/// resource, each field where it was written (a module call's argument in the root, a
/// value known to be unknown) and the definitions it came through.
fn resource_locations(resource: &Resource) -> Vec<Location> {
    let mut locations = vec![Location::new(std::sync::Arc::clone(&resource.file), resource.node.span)];
    let Some(extra) = resource.iac.as_deref() else { return locations };
    for entry in resource.node.as_map().unwrap_or_default() {
        locations.push(resource.location(&[crate::source::PathSegment::Key(entry.key.name.to_string())]));
    }
    for site in &extra.sites {
        locations.extend(site.labels.iter().map(|label| label.location.clone()));
        if let Some(node) = resource.node.at(&site.path) {
            locations.push(Location::new(std::sync::Arc::clone(&site.file), node.span));
        }
    }
    locations
        .extend(extra.unknown.iter().flat_map(|u| std::iter::once(&u.location).chain(&u.written)).cloned());
    locations
}

/// Whether a resource was written in a named file: its block, or, for an IaC resource,
/// a value or a definition it came through (a changed `variables.tf` or `.tfvars`
/// changes the resources that read it).
fn written_in_named(resource: &Resource, named: &Named) -> bool {
    if resource.iac.is_none() {
        return named.is_named(&resource.file.name);
    }
    resource_locations(resource).iter().any(|location| named.is_named(&location.file.name))
}

/// The kind a finding's resource names.
fn subject_kind(kind: &str) -> Option<Kind> {
    [Kind::Instance, Kind::Image].into_iter().find(|k| k.as_str() == kind)
}

/// The indices of the resources whose findings are reported: those written in a named
/// file, and those that refer to an image in scope (see [`restrict`]).
pub fn scope(resources: &[Resource], named: &Named) -> Vec<usize> {
    let mut in_scope: Vec<bool> = resources.iter().map(|r| written_in_named(r, named)).collect();
    // The context resources by what they refer to: an instance's `image`, an image's
    // `derivedFrom`.
    let mut referrers: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, resource) in resources.iter().enumerate() {
        let field = match resource.kind {
            Kind::Instance => "image",
            Kind::Image => "derivedFrom",
        };
        if let Some(target) = resource.image_reference(field) {
            referrers.entry(target).or_default().push(index);
        }
    }
    // From the images in scope, follow who refers to them; an image reached is followed
    // in turn (an instance of an image derived from a changed one is checked too).
    let mut queue: Vec<usize> = (0..resources.len()).filter(|&i| in_scope.get(i) == Some(&true)).collect();
    while let Some(index) = queue.pop() {
        let Some(resource) = resources.get(index) else { continue };
        if resource.kind != Kind::Image {
            continue;
        }
        let iac_key = resource.iac.as_deref().map(|extra| extra.origin.key.as_str());
        let keys = [resource.name.as_deref(), resource.node.get_str("id"), iac_key];
        for key in keys.into_iter().flatten() {
            for &referrer in referrers.get(key).map(Vec::as_slice).unwrap_or_default() {
                if let Some(flag) = in_scope.get_mut(referrer)
                    && !*flag
                {
                    *flag = true;
                    queue.push(referrer);
                }
            }
        }
    }
    in_scope.iter().enumerate().filter(|(_, flag)| **flag).map(|(i, _)| i).collect()
}

/// An S003 duplicate name between a context file and a named file is reported on the
/// named file, which is the one being changed: the finding and its "first defined
/// here" label trade places.
pub fn move_duplicate_to_named(finding: &mut Finding, named: &Named) {
    if finding.code != codes::DUPLICATE_NAME.code || named.is_named(&finding.location.file.name) {
        return;
    }
    let Some(label) = finding.labels.iter_mut().find(|label| named.is_named(&label.location.file.name))
    else {
        return;
    };
    let in_named: Location = std::mem::replace(&mut label.location, finding.location.clone());
    label.message = "also defined here, in a file not named on the command line".to_string();
    finding.location = in_named;
    finding.label = Some("defined here".to_string());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_paths_resolve_dots_without_touching_the_disk() {
        let cwd = Path::new("/work/repo/sub");
        assert_eq!(lexical(Path::new("a/../b/./c.yaml"), cwd), Path::new("/work/repo/sub/b/c.yaml"));
        assert_eq!(lexical(Path::new("../x.yaml"), cwd), Path::new("/work/repo/x.yaml"));
        assert_eq!(lexical(Path::new(".//x.yaml"), cwd), Path::new("/work/repo/sub/x.yaml"));
        assert_eq!(lexical(Path::new("/abs/./y.yaml"), cwd), Path::new("/abs/y.yaml"));
    }

    #[test]
    fn rules_run_on_the_named_file_and_on_what_uses_its_images_only() {
        let spec = |name: &str, text: &str| {
            let file = std::sync::Arc::new(crate::source::SourceFile::new(name, text.to_string()));
            crate::check::load(&file, crate::source::Limits::default(), &mut Vec::new())
        };
        let image =
            |name: &str| format!("- kind: Image\n  name: {name}\n  type: custom\n  regions: [cn-hangzhou]\n");
        let instance = |name: &str, image: &str| {
            format!(
                "- kind: Instance\n  name: {name}\n  region: cn-hangzhou\n  instanceType: ecs.g7.large\n  image: {image}\n"
            )
        };
        let mut resources = spec("a.yaml", &(image("img-a") + &instance("vm-a", "img-b")));
        resources.extend(spec("b.yaml", &(image("img-b") + &instance("vm-b", "img-b"))));
        resources.extend(spec("c.yaml", &image("img-c")));
        resources.extend(spec("d.yaml", &(instance("vm-d", "img-a") + &instance("vm-e", "img-c"))));
        // A resource named like one in scope may be the subject of a failure `restrict` keeps.
        resources.extend(spec("e.yaml", &instance("vm-a", "img-c")));
        assert_eq!(resources.len(), 8);
        let named = Named::new(&[Input::Stdin { name: "a.yaml".into() }]);
        let marked: Vec<(&str, &str, bool)> = resources
            .iter()
            .zip(reportable(&resources, &named, &scope(&resources, &named)))
            .map(|(r, m)| (r.file.name.as_str(), r.name.as_deref().unwrap_or_default(), m))
            .collect();
        assert_eq!(
            marked,
            [
                ("a.yaml", "img-a", true),
                ("a.yaml", "vm-a", true),
                ("b.yaml", "img-b", false),
                ("b.yaml", "vm-b", false),
                ("c.yaml", "img-c", false),
                // Uses the named file's image: in scope, and so is the file it is written in.
                ("d.yaml", "vm-d", true),
                ("d.yaml", "vm-e", true),
                ("e.yaml", "vm-a", true),
            ]
        );
    }

    #[test]
    fn a_named_file_is_recognised_under_another_spelling_only() {
        let named = Named::new(&[Input::Stdin { name: "infra/web.yaml".into() }]);
        assert!(named.contains(Path::new("./infra/web.yaml")));
        assert!(named.contains(Path::new("infra/../infra/web.yaml")));
        assert!(!named.contains(Path::new("other/web.yaml")));
        assert!(!named.contains(Path::new("infra/web.yml")));
        assert!(named.is_named("infra/web.yaml"));
    }
}
