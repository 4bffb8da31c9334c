//! The run's root modules, evaluated in batches on every core (see [`super::evaluate_in`]).

use super::modules::{Loader, ModuleDef, dir_of, is_tfvars, shadowed_note, unshadowed};
use super::{Ctx, Evaluated, Global, Inst, MAX_BLOCKS, MAX_RUN_WEIGHT, MAX_WEIGHT, emit, parse, vars};
use crate::diag::Finding;
use crate::iac::Options;
use crate::source::{Limits, SourceFile};
use crate::terraform::value::Block;
use foldhash::{HashMap, HashMapExt as _};
use rayon::prelude::*;
use std::sync::Arc;

/// The run's bounds on evaluation.
#[derive(Clone, Copy)]
pub struct Bounds {
    /// Most root modules evaluated at once on every core.
    batch: usize,
    /// [`MAX_RUN_WEIGHT`].
    run_weight: usize,
    /// [`MAX_BLOCKS`].
    blocks: usize,
}

/// The bounds of every run.
pub const BOUNDS: Bounds = Bounds { batch: 64, run_weight: MAX_RUN_WEIGHT, blocks: MAX_BLOCKS };

/// The `--var` names no root module declares, in command-line order.
fn undeclared(options: &Options, roots: &[String], loader: &mut Loader) -> Vec<String> {
    let mut undeclared_vars: Vec<String> = Vec::new();
    if !roots.is_empty() {
        for (name, _) in &options.vars {
            let declared = roots.iter().any(|root| {
                loader.module(root).is_ok_and(|def| {
                    def.blocks("variable").any(|item| item.block.labels.first() == Some(name))
                })
            });
            if !declared && !undeclared_vars.contains(name) {
                undeclared_vars.push(name.clone());
            }
        }
    }
    // A root file that does not parse may be the one declaring the variable: its S001 is the
    // finding to show, not a misleading "undeclared --var".
    if loader.findings.iter().any(|f| f.code == crate::spec::codes::PARSE_ERROR.code) {
        undeclared_vars.clear();
    }
    undeclared_vars
}

/// [`super::evaluate_in`] within `bounds`. A `.tf` file a `.tofu` file takes the place of is
/// not read, with a note ([`unshadowed`]).
pub fn evaluate_within(
    files: &[Arc<SourceFile>],
    options: &Options,
    limits: Limits,
    disk: bool,
    bounds: Bounds,
) -> Evaluated {
    let (files, shadowed) = unshadowed(files.to_vec(), |f| f.name.as_str(), disk && options.twins_on_disk);
    let mut evaluated = evaluate_read(&files, options, limits, disk, bounds);
    let notes = shadowed.iter().map(|(file, twin)| shadowed_note(&file.name, twin));
    evaluated.skipped.splice(0..0, notes);
    evaluated
}

fn evaluate_read(
    files: &[Arc<SourceFile>],
    options: &Options,
    limits: Limits,
    disk: bool,
    bounds: Bounds,
) -> Evaluated {
    let (tfvars, config): (Vec<_>, Vec<_>) = files.iter().cloned().partition(|f| is_tfvars(&f.name));
    let everything: Vec<&Arc<SourceFile>> = files.iter().chain(&options.var_files).collect();
    let parsed = parse::Parsed::new(&everything, limits);
    let mut loader = Loader::new(&config, parsed, disk);
    let mut tfvars_by_dir: HashMap<String, Vec<Arc<SourceFile>>> = HashMap::new();
    for file in tfvars {
        tfvars_by_dir.entry(dir_of(&file.name)).or_default().push(file);
    }
    let roots = loader.roots();
    let undeclared_vars = undeclared(options, &roots, &mut loader);
    let no_tfvars = Vec::new();
    let tfvars_of = |root: &str| tfvars_by_dir.get(root).unwrap_or(&no_tfvars);
    let mut run = Done::default();
    let mut run_weight = bounds.run_weight;
    let mut next = 0;
    // Set once a root made values larger than its share: the rest are evaluated one after
    // the other, so that a run of such roots is not evaluated twice.
    let mut large = false;
    while next < roots.len() {
        let size = (roots.len() - next).min(bounds.batch);
        let weight = (run_weight / size).min(MAX_WEIGHT);
        let room = bounds.blocks.saturating_sub(run.blocks.len()) / size;
        let batch = &roots[next..next + size];
        next += size;
        // On one thread an attempt could only be wasted work: the roots go one after the other.
        let parallel = size > 1 && rayon::current_num_threads() > 1;
        let tried: Vec<Result<Done, bool>> = if parallel && weight > 0 && room > 0 && !large {
            let shared = &loader;
            batch
                .par_iter()
                .with_max_len(1)
                .map(|root| {
                    let Some(def) = shared.cached(root) else { return Err(false) };
                    let mut g = Global::new(options, Modules::Read { loader: shared, missed: false }, weight);
                    g.max_blocks = room;
                    if let Ok(def) = def {
                        root_module(&mut g, def, root, tfvars_of(root));
                    }
                    let spent = g.refusals > 0;
                    if spent || g.capped || g.modules.missed() {
                        return Err(spent);
                    }
                    Ok(Done {
                        used: weight - g.weight,
                        blocks: g.blocks,
                        findings: g.findings,
                        skipped: g.skipped,
                    })
                })
                .collect()
        } else {
            Vec::new()
        };
        let mut tried = tried.into_iter();
        for root in batch {
            let done = tried.next().map(|tried| tried.map_err(|spent| large |= spent));
            match done {
                // The run's budget left for this root (`MAX_WEIGHT.min(run_weight)`) is at
                // least the share it did not spend, and its blocks stay under the limit.
                Some(Ok(done))
                    if weight <= run_weight && run.blocks.len() + done.blocks.len() <= bounds.blocks =>
                {
                    run_weight -= done.used;
                    run.blocks.extend(done.blocks);
                    // A `--var-file` that does not parse is reported once, as one root after
                    // the other reports it: against the earlier roots' findings, as a file
                    // may have several of its own (each block or call Terraform rejects).
                    let earlier = run.findings.len();
                    for finding in done.findings {
                        let file = &finding.location.file;
                        if !run.findings[..earlier].iter().any(|f| Arc::ptr_eq(&f.location.file, file)) {
                            run.findings.push(finding);
                        }
                    }
                    run.skipped.extend(done.skipped);
                }
                _ => {
                    let budget = MAX_WEIGHT.min(run_weight);
                    let mut g = Global::new(options, Modules::Loader(&mut loader), budget);
                    g.max_blocks = bounds.blocks;
                    (g.blocks, g.findings, g.skipped) = run.take();
                    if let Ok(def) = g.modules.module(root) {
                        root_module(&mut g, def, root, tfvars_of(root));
                    }
                    run_weight = run_weight.saturating_sub(budget - g.weight);
                    run = Done { used: 0, blocks: g.blocks, findings: g.findings, skipped: g.skipped };
                }
            }
        }
    }
    // A directory a module call reached through a `source` from variables or locals is a
    // module: what it gave as a root, with its own defaults, is not what is deployed.
    let reached = loader.reached();
    if !reached.is_empty() {
        run.blocks.retain(|block| {
            let root = block.key.strip_suffix(block.address.as_str()).and_then(|k| k.strip_suffix('#'));
            root.is_none_or(|root| !reached.contains(root))
        });
    }
    let mut findings = std::mem::take(&mut loader.findings);
    findings.append(&mut run.findings);
    loader.drop_on_every_core();
    Evaluated { blocks: run.blocks, findings, skipped: run.skipped, undeclared_vars }
}

/// Evaluates one root module with its variables, into `g`.
fn root_module(g: &mut Global, def: Arc<ModuleDef>, root: &str, tfvars: &[Arc<SourceFile>]) {
    let values = vars::root_values(&def, tfvars, g.options, g.modules.parsed(), &mut g.findings);
    let mut inst = Inst::new(def, root.to_string(), String::new(), values, 0, vec![root.to_string()], None);
    inst.providers = Ctx::new(g, &mut inst).own_providers(HashMap::new());
    emit(g, &mut inst);
}

/// What evaluating roots gave: the run's so far, or one root's.
#[derive(Default)]
struct Done {
    /// The value budget one root used.
    used: usize,
    blocks: Vec<Block>,
    findings: Vec<Finding>,
    skipped: Vec<String>,
}

impl Done {
    fn take(&mut self) -> (Vec<Block>, Vec<Finding>, Vec<String>) {
        (
            std::mem::take(&mut self.blocks),
            std::mem::take(&mut self.findings),
            std::mem::take(&mut self.skipped),
        )
    }
}

/// Where evaluation finds modules.
pub enum Modules<'l> {
    /// The run's loader, which reads a module the first time it is asked for.
    Loader(&'l mut Loader),
    /// Only the modules read already (a root evaluated on any core); `missed` once another
    /// was asked for.
    Read { loader: &'l Loader, missed: bool },
}

impl Modules<'_> {
    pub fn module(&mut self, dir: &str) -> Result<Arc<ModuleDef>, String> {
        match self {
            Self::Loader(loader) => loader.module(dir),
            Self::Read { loader, missed } => loader.cached(dir).unwrap_or_else(|| {
                *missed = true;
                Err(format!("the module `{dir}` is not read yet"))
            }),
        }
    }

    /// Whether a module that was not read yet was asked for.
    pub const fn missed(&self) -> bool {
        matches!(self, Self::Read { missed: true, .. })
    }

    /// Says that a module call reached `dir` through a `source` that is not a literal.
    pub fn reach(&self, dir: &str) {
        match self {
            Self::Loader(loader) => loader.reach(dir),
            Self::Read { loader, .. } => loader.reach(dir),
        }
    }

    pub fn parsed(&self) -> &parse::Parsed {
        match self {
            Self::Loader(loader) => &loader.parsed,
            Self::Read { loader, .. } => &loader.parsed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, text: &str) -> Arc<SourceFile> {
        Arc::new(SourceFile::new(name, text))
    }

    /// Everything an evaluation gives, with every place and reason.
    fn shown(ev: &Evaluated) -> String {
        format!("{:#?}\n{:#?}\n{:?}\n{:?}", ev.blocks, ev.findings, ev.skipped, ev.undeclared_vars)
    }

    /// 40 root modules: those in `heavy` make values larger than a batch's share of the
    /// run's value budget; one calls a module that is not read yet (and cannot be read from
    /// disk); one has more blocks than its share; one calls a module of the run; one has a
    /// variables file that does not parse; and every root reads a `--var-file` that does
    /// not parse either.
    fn run(heavy: &[usize]) -> (Vec<Arc<SourceFile>>, Options) {
        let mut files = vec![file(
            "shared/main.tf",
            "variable \"n\" {}\nresource \"alicloud_image\" \"s\" {\n  image_name = \"s-${var.n}\"\n}\n",
        )];
        for i in 0..40 {
            let count = match i {
                3 => 1,
                4 => 30,
                _ => i % 4,
            };
            let mut main = format!(
                "provider \"alicloud\" {{\n  region = var.region\n}}\nvariable \"region\" {{\n  default = \"cn-hangzhou\"\n}}\nvariable \"image\" {{}}\nlocals {{\n  name = \"app-{i}\"\n}}\nresource \"alicloud_instance\" \"a\" {{\n  count         = {count}\n  instance_type = \"ecs.g7.large\"\n  image_id      = var.image\n  name          = \"${{local.name}}-${{count.index}}\"\n"
            );
            if i == 3 {
                main.push_str("  tags          = module.gone.tags\n");
            }
            if heavy.contains(&i) {
                main.push_str("  big = [for i in range(20) : [for j in range(50) : \"${i}-${j}\"]]\n");
            }
            main.push_str("}\n");
            match i {
                1 => main.push_str("module \"s\" {\n  source = \"../shared\"\n  n      = local.name\n}\n"),
                3 => main.push_str("module \"gone\" {\n  source = \"../no-such-module-dir\"\n}\n"),
                _ => {}
            }
            files.push(file(&format!("r{i:02}/main.tf"), &main));
            let tfvars = match i {
                9 => "image = = \"broken\"\n".to_string(),
                _ => format!("image = \"centos_7_9_x64_20G_alibase_{i:02}.vhd\"\n"),
            };
            files.push(file(&format!("r{i:02}/terraform.tfvars"), &tfvars));
        }
        let options = Options { var_files: vec![file("bad.tfvars", "region = \n")], ..Options::default() };
        (files, options)
    }

    /// Evaluates `files` one root after the other, then in batches of several sizes on one
    /// and on three threads, and checks that every way gives the same; returns that.
    fn same_every_way(files: &[Arc<SourceFile>], options: &Options, bounds: Bounds) -> Evaluated {
        let serial = evaluate_within(files, options, Limits::default(), true, Bounds { batch: 1, ..bounds });
        let expected = shown(&serial);
        let mut tried = 0;
        for threads in [1, 3] {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            for batch in [2, 3, 8, 64] {
                let ev = pool.install(|| {
                    evaluate_within(files, options, Limits::default(), true, Bounds { batch, ..bounds })
                });
                assert!(shown(&ev) == expected, "batches of {batch} on {threads} threads differ");
                tried += 1;
            }
        }
        assert_eq!(tried, 8);
        serial
    }

    #[test]
    fn roots_evaluated_in_batches_give_what_one_after_the_other_gives() {
        // The run's blocks reach their limit, with value budget to spare.
        let (files, options) = run(&[2]);
        let ev = same_every_way(&files, &options, Bounds { batch: 1, run_weight: 100_000, blocks: 40 });
        let text = shown(&ev);
        assert!(ev.skipped.iter().any(|s| s.contains("more than 40")), "{:?}", ev.skipped);
        assert!(text.contains("no-such-module-dir"), "the module read from disk");
        assert!(text.contains("s-app-1"), "the run's module called with its input");
        assert!(!text.contains("too large to evaluate"));
        let at = |name: &str| ev.findings.iter().filter(|f| f.location.file.name == name).count();
        assert_eq!((at("bad.tfvars"), at("r09/terraform.tfvars")), (1, 1));
        // The run's value budget is spent, with room for blocks to spare.
        let (files, options) = run(&[2, 7, 12, 17, 22, 27]);
        let ev = same_every_way(&files, &options, Bounds { batch: 1, run_weight: 40_000, blocks: 1000 });
        assert!(shown(&ev).contains("too large to evaluate"), "the value budget is spent");
        assert!(ev.skipped.is_empty());
    }
}
