//! The images of a Terraform run, and what an `image_id` names.
//!
//! `alicloud_image` (built from an instance or a snapshot), `alicloud_image_import` and
//! the image an `alicloud_ecs_image_pipeline` builds each become a canonical custom
//! Image; a `data "alicloud_images"` lookup of public images becomes a public one (see
//! [`super::lookup`]). An `image_id` is then one of: a literal (a public image ID, the
//! `name` or `id` of an Image spec, an `m-...` ID), one of those images (a reference
//! through `Builder::reference`, the node holding its address), or unknown. A copy
//! (`alicloud_image_copy`) is the same image in another region, so a reference to a
//! copy names the image it copies.

use super::lookup;
use super::map::{self, Got, Run, attr, builder, labels, optional_int, region, string_of};
use super::value::{Block, Mode, Val, Value};
use crate::catalog::Catalog;
use crate::diag::{Label, Location};
use crate::iac::{Builder, Placed};
use crate::spec::{Kind, Resource};
use foldhash::{HashMap, HashMapExt as _};
use rayon::prelude::*;

/// How many copies of copies a reference is followed through.
const MAX_COPY_DEPTH: usize = 16;

/// What an image reference names.
#[derive(Clone, Debug)]
pub enum ImageTarget {
    /// A string written in the configuration: a public image ID, an Image spec's name or
    /// `id`, an `m-...` ID.
    Literal(Placed<String>),
    /// A canonical Image of this run, by key; the address is what messages show.
    Run { key: String, address: String, at: Location, via: Vec<Label> },
    /// Not known before apply, or not an image.
    Unknown { at: Location, why: String },
}

/// What an image's `derivedFrom` is, for whether its OS can be known.
enum Parent {
    /// A string (a public image ID, a spec's name or `id`): the engine derives from it, or
    /// reports it unresolved.
    Written,
    /// An image of the run, by key.
    Run(String),
    /// One, but not known.
    Unknown,
    /// None: an imported image.
    Nothing,
    /// None: a public image selected by this `name_regex`.
    Lookup(String),
}

impl Parent {
    /// Why an image with this parent that says no `field` has it unknown.
    fn why(&self, field: &str) -> String {
        match self {
            Self::Lookup(regex) => {
                format!("the catalog knows no `{field}` that every public image `{regex}` can match shares")
            }
            Self::Nothing => format!("the image says no `{field}`"),
            Self::Written | Self::Run(_) | Self::Unknown => {
                format!("the image says no `{field}`, and the image it is built from has none known")
            }
        }
    }
}

/// The run's canonical images, by block key, and what each data lookup selects.
pub struct Images {
    builders: Vec<Builder>,
    /// What each image's `derivedFrom` is, and where its block is, by position in
    /// `builders`.
    parents: Vec<Parent>,
    heads: Vec<Location>,
    /// Block key to position in `builders`.
    index: HashMap<String, usize>,
    /// Lookups (`data "alicloud_images"`) with a canonical image: the key and the
    /// `name_regex` that selects it; or why a lookup's image is not known.
    lookups: HashMap<String, Result<Val, (Location, String)>>,
}

/// Whether a managed block type is an image of its own.
fn is_image_type(block_type: &str) -> bool {
    matches!(block_type, "alicloud_image" | "alicloud_image_import" | "alicloud_ecs_image_pipeline")
}

impl Images {
    /// The images of the run, with what each says of itself (copies and shares are
    /// applied afterwards by [`super::ops`]).
    pub fn build(run: &Run<'_>, catalog: &Catalog) -> Self {
        let mut images = Self {
            builders: Vec::new(),
            parents: Vec::new(),
            heads: Vec::new(),
            index: HashMap::new(),
            lookups: HashMap::new(),
        };
        // Every image's key is known before any image is built: an image's `derivedFrom`
        // may name another image of the run, written later.
        let mut order = Vec::new();
        for block in run.blocks {
            match block.mode {
                Mode::Managed
                    if is_image_type(&block.block_type) && !images.index.contains_key(&block.key) =>
                {
                    images.index.insert(block.key.clone(), order.len());
                    order.push(block);
                }
                Mode::Data if block.block_type == "alicloud_images" => {
                    let selected = lookup::select(block).cloned();
                    if selected.is_ok() && !images.index.contains_key(&block.key) {
                        images.index.insert(block.key.clone(), order.len());
                        order.push(block);
                    }
                    images.lookups.insert(block.key.clone(), selected);
                }
                _ => {}
            }
        }
        images.heads = order.iter().map(|block| block.head.clone()).collect();
        // Each image maps on its own, on every core, in the order of the blocks.
        let (builders, parents) = order
            .into_par_iter()
            .map(|block| {
                let (mut builder, parent) = image_of(run, &images, block, catalog);
                // An image that may not be made (its `count` is not known) is not counted
                // in a region nor shared: nothing about it is reported, as for an instance.
                if let Some((why, at)) = map::unsure(block) {
                    builder.may_be_none(&at, &why);
                    builder.unknown("sharedWith", at, why);
                }
                (builder, parent)
            })
            .unzip();
        images.builders = builders;
        images.parents = parents;
        images
    }

    /// The builder of a managed image of the run (not a lookup: operations on public
    /// images change nothing ecslint models).
    pub fn managed_mut(&mut self, key: &str) -> Option<&mut Builder> {
        if self.lookups.contains_key(key) {
            return None;
        }
        let index = *self.index.get(key)?;
        self.builders.get_mut(index)
    }

    /// The finished images, in the order of their blocks.
    ///
    /// An image that neither says its OS (or architecture) nor derives from an image that
    /// does has it unknown, not missing: a spec without it is wrong (S002), a
    /// configuration only does not say it.
    pub fn finish(mut self) -> Vec<Resource> {
        for field in ["os", "architecture"] {
            let known = self.known(field);
            let each = self.builders.iter_mut().zip(known).zip(&self.heads).zip(&self.parents);
            for (((builder, known), head), parent) in each {
                if !known && !builder.has(field) && !builder.is_unknown(field) {
                    builder.unknown(field, head.clone(), parent.why(field));
                }
            }
        }
        self.builders.into_par_iter().map(Builder::finish).collect()
    }

    /// Whether each image has `field`, or derives from an image that may give it.
    fn known(&self, field: &str) -> Vec<bool> {
        // Unknown until shown; a loop of derivations knows nothing (the engine reports it).
        // Each image is walked once: a chain of a hundred thousand images stays linear.
        let mut known: Vec<Option<bool>> = vec![None; self.builders.len()];
        let mut on_path = vec![false; self.builders.len()];
        for start in 0..self.builders.len() {
            let mut path = Vec::new();
            let mut at = start;
            let answer = loop {
                if let Some(answer) = known.get(at).copied().flatten() {
                    break answer;
                }
                if on_path.get(at).copied().unwrap_or(true) {
                    break false;
                }
                if let Some(mark) = on_path.get_mut(at) {
                    *mark = true;
                }
                path.push(at);
                if self.builders.get(at).is_some_and(|b| b.has(field)) {
                    break true;
                }
                match self.parents.get(at) {
                    Some(Parent::Written) => break true,
                    Some(Parent::Run(key)) => match self.index.get(key) {
                        Some(&next) => at = next,
                        None => break false,
                    },
                    Some(Parent::Unknown | Parent::Nothing | Parent::Lookup(_)) | None => break false,
                }
            };
            for index in path {
                if let Some(slot) = known.get_mut(index) {
                    *slot = Some(answer);
                }
            }
        }
        known.into_iter().map(|k| k.unwrap_or(false)).collect()
    }

    /// What the image reference `val` (the attribute `name` of `block`) names.
    pub fn resolve(&self, run: &Run<'_>, val: Option<&Val>, block: &Block, name: &str) -> ImageTarget {
        self.resolve_depth(run, val, block, name, 0)
    }

    fn resolve_depth(
        &self,
        run: &Run<'_>,
        val: Option<&Val>,
        block: &Block,
        name: &str,
        depth: usize,
    ) -> ImageTarget {
        let val = match string_of(val) {
            Got::Known(val, s) => return ImageTarget::Literal(val.placed(s)),
            Got::Absent(val) => {
                let at = val.map_or_else(|| block.head.clone(), |v| v.at.clone());
                return ImageTarget::Unknown { at, why: format!("`{name}` is not set") };
            }
            Got::Unknown(val, _) => val,
        };
        let unknown = || ImageTarget::Unknown {
            at: val.at.clone(),
            why: val.unknown_why().unwrap_or_else(|| "not an image ID".into()),
        };
        let Value::Ref(reference) = &val.value else { return unknown() };
        // A block that is not in the run (`count = 0`, a remote module) names nothing known.
        let Some(target) = run.block(&reference.key) else { return unknown() };
        let path: Vec<&str> = reference.path.iter().map(String::as_str).collect();
        match (target.mode, target.block_type.as_str()) {
            (Mode::Managed, kind) if is_image_type(kind) && path == ["id"] => ImageTarget::Run {
                key: target.key.clone(),
                address: target.address.clone(),
                at: val.at.clone(),
                via: val.via.clone(),
            },
            (Mode::Managed, "alicloud_image_copy") if path == ["id"] => {
                if depth >= MAX_COPY_DEPTH {
                    return ImageTarget::Unknown {
                        at: val.at.clone(),
                        why: format!("`{}` is a copy of a copy, {MAX_COPY_DEPTH} deep", target.address),
                    };
                }
                let source = attr(target, &["source_image_id"]);
                match self.resolve_depth(run, source, target, "source_image_id", depth + 1) {
                    ImageTarget::Run { key, address, at, via: _ } => {
                        let mut via = val.via.clone();
                        via.push(Label {
                            location: at,
                            message: format!("`{}` copies this image", target.address),
                        });
                        ImageTarget::Run { key, address, at: val.at.clone(), via }
                    }
                    ImageTarget::Literal(source) => ImageTarget::Unknown {
                        at: val.at.clone(),
                        why: format!(
                            "`{}` copies `{}`, an image this configuration does not describe",
                            target.address, source.value
                        ),
                    },
                    ImageTarget::Unknown { why, .. } => ImageTarget::Unknown {
                        at: val.at.clone(),
                        why: format!("`{}` copies an image that is not known: {why}", target.address),
                    },
                }
            }
            (Mode::Data, "alicloud_images") if selects_image(&path) => match self.lookups.get(&target.key) {
                Some(Ok(regex)) => {
                    let mut via = val.via.clone();
                    via.extend(regex.via.iter().cloned());
                    via.push(Label {
                        location: regex.at.clone(),
                        message: "selected by this name_regex".into(),
                    });
                    ImageTarget::Run {
                        key: target.key.clone(),
                        address: target.address.clone(),
                        at: val.at.clone(),
                        via,
                    }
                }
                Some(Err((_, why))) => ImageTarget::Unknown { at: val.at.clone(), why: why.clone() },
                None => unknown(),
            },
            _ => unknown(),
        }
    }
}

/// Whether an attribute path of `data "alicloud_images"` is an image ID:
/// `images[N].id`, `images[N].image_id`, `ids[N]`.
fn selects_image(path: &[&str]) -> bool {
    matches!(path, ["images", _, "id" | "image_id"] | ["ids", _])
}

/// One image of the run as its block says, and what it is made from.
fn image_of(run: &Run<'_>, images: &Images, block: &Block, catalog: &Catalog) -> (Builder, Parent) {
    let of = |target: &ImageTarget| match target {
        ImageTarget::Literal(_) => Parent::Written,
        ImageTarget::Run { key, .. } => Parent::Run(key.clone()),
        ImageTarget::Unknown { .. } => Parent::Unknown,
    };
    match (block.mode, block.block_type.as_str()) {
        (Mode::Data, _) => {
            // Only lookups with a known regex are images.
            let regex = images.lookups.get(&block.key).and_then(|r| r.as_ref().ok());
            let pattern = regex.and_then(Val::as_str).unwrap_or_default();
            let builder = match regex {
                Some(regex) => lookup::image(block, regex, catalog),
                None => builder(Kind::Image, block, block.address.clone(), block.key.clone()),
            };
            (builder, Parent::Lookup(pattern))
        }
        (_, "alicloud_image_import") => (imported(block), Parent::Nothing),
        (_, "alicloud_ecs_image_pipeline") => {
            let (builder, base) = pipeline_image(run, images, block);
            (builder, of(&base))
        }
        _ => {
            let (builder, derived) = custom(run, images, block);
            (builder, of(&derived))
        }
    }
}

/// `alicloud_image`: a custom image built from an instance (whose image it derives from)
/// or a snapshot.
fn custom(run: &Run<'_>, images: &Images, block: &Block) -> (Builder, ImageTarget) {
    let mut b = builder(Kind::Image, block, block.address.clone(), block.key.clone());
    b.string("type", Placed::new("custom".into(), block.head.clone()));
    region(&mut b, block, "regions");
    os_from_platform(&mut b, block.get("platform"));
    architecture(&mut b, block.get("architecture"));
    labels(&mut b, block);
    let target = derived_from_instance(run, images, block);
    map::set_image(&mut b, "derivedFrom", target.clone());
    (b, target)
}

/// The image an `alicloud_image` is built from: the image of the instance its
/// `instance_id` names.
fn derived_from_instance(run: &Run<'_>, images: &Images, block: &Block) -> ImageTarget {
    let instance_id = block.get("instance_id");
    let unknown = |at: &Location, why: String| ImageTarget::Unknown { at: at.clone(), why };
    match string_of(instance_id) {
        Got::Known(val, id) => {
            return unknown(&val.at, format!("instance `{id}` is not in this configuration"));
        }
        Got::Unknown(val, why) => {
            let instance = val.reference().and_then(|r| {
                let target = run.block(&r.key)?;
                (target.mode == Mode::Managed
                    && target.block_type == "alicloud_instance"
                    && r.path.iter().map(String::as_str).eq(["id"]))
                .then_some(target)
            });
            let Some(instance) = instance else { return unknown(&val.at, why) };
            let boots = format!("`{}` boots this image", instance.address);
            return match images.resolve(run, instance.get("image_id"), instance, "image_id") {
                ImageTarget::Run { key, address, at, via } => {
                    let mut all = val.via.clone();
                    all.extend(via);
                    all.push(Label { location: at, message: boots });
                    ImageTarget::Run { key, address, at: val.at.clone(), via: all }
                }
                ImageTarget::Literal(image) => {
                    let mut all = val.via.clone();
                    all.extend(image.via);
                    all.push(Label { location: image.at, message: boots });
                    ImageTarget::Literal(Placed { value: image.value, at: val.at.clone(), via: all })
                }
                ImageTarget::Unknown { why, .. } => {
                    unknown(&val.at, format!("the image of `{}` is not known: {why}", instance.address))
                }
            };
        }
        Got::Absent(_) => {}
    }
    match string_of(block.get("snapshot_id")) {
        Got::Known(val, _) | Got::Unknown(val, _) => {
            unknown(&val.at, "built from a snapshot, whose image is not known".into())
        }
        Got::Absent(_) => unknown(&block.head, "the image it is built from is not known".into()),
    }
}

/// `alicloud_image_import`: a custom image imported from outside Alibaba Cloud.
fn imported(block: &Block) -> Builder {
    let mut b = builder(Kind::Image, block, block.address.clone(), block.key.clone());
    b.string("type", Placed::new("custom".into(), block.head.clone()));
    b.bool("imported", Placed::new(true, block.head.clone()));
    region(&mut b, block, "regions");
    os_from_platform(&mut b, block.get("platform"));
    architecture(&mut b, block.get("architecture"));
    enumerated(&mut b, "licenseType", block.get("license_type"), &["Auto", "Aliyun", "BYOL"]);
    enumerated(&mut b, "bootMode", block.get("boot_mode"), &["BIOS", "UEFI", "UEFI-Preferred"]);
    labels(&mut b, block);
    b
}

/// The image an Image Builder pipeline builds: derived from `base_image`, distributed to
/// `to_region_id` and shared with `add_account`.
fn pipeline_image(run: &Run<'_>, images: &Images, block: &Block) -> (Builder, ImageTarget) {
    let mut b = builder(Kind::Image, block, block.address.clone(), block.key.clone());
    b.string("type", Placed::new("custom".into(), block.head.clone()));
    region(&mut b, block, "regions");
    each_string(&mut b, "regions", block.get("to_region_id"));
    each_string(&mut b, "sharedWith", block.get("add_account"));
    labels(&mut b, block);
    let base = pipeline_base(run, images, block);
    map::set_image(&mut b, "derivedFrom", base.clone());
    (b, base)
}

/// The base image of a pipeline, when `base_image_type` says it is an image.
fn pipeline_base(run: &Run<'_>, images: &Images, block: &Block) -> ImageTarget {
    match string_of(block.get("base_image_type")) {
        Got::Known(_, kind) if kind.eq_ignore_ascii_case("IMAGE") => {}
        Got::Absent(_) => {}
        Got::Known(val, kind) => {
            return ImageTarget::Unknown {
                at: val.at.clone(),
                why: format!("base_image_type `{kind}`: the newest image of a family is chosen when it runs"),
            };
        }
        Got::Unknown(val, why) => return ImageTarget::Unknown { at: val.at.clone(), why },
    }
    images.resolve(run, block.get("base_image"), block, "base_image")
}

/// The intermediate instance an Image Builder pipeline boots from its base image.
pub fn build_instance(run: &Run<'_>, images: &Images, block: &Block) -> Resource {
    let key = format!("{}#build-instance", block.key);
    let mut b = builder(Kind::Instance, block, block.address.clone(), key);
    region(&mut b, block, "region");
    map::set_image(&mut b, "image", pipeline_base(run, images, block));
    match string_of(block.get("instance_type")) {
        Got::Known(val, s) => {
            b.string("instanceType", val.placed(s));
        }
        Got::Absent(val) => {
            let at = val.map_or_else(|| block.head.clone(), |v| v.at.clone());
            b.unknown(
                "instanceType",
                at,
                "Image Builder chooses the instance type when `instance_type` is not set",
            );
        }
        Got::Unknown(val, why) => {
            b.unknown("instanceType", val.at.clone(), why);
        }
    }
    optional_int(&mut b, "systemDiskSize", block.get("system_disk_size"));
    map::repetition(&mut b, block);
    b.finish()
}

/// Appends each known string of a string or list value to the list field `field`; an
/// unknown one makes the whole field unknown.
pub fn each_string(b: &mut Builder, field: &str, val: Option<&Val>) {
    let Some(val) = val else { return };
    let items = match &val.value {
        Value::List(items) => items.iter().collect(),
        _ => vec![val],
    };
    for item in items {
        match string_of(Some(item)) {
            Got::Absent(_) => {}
            Got::Known(item, s) => {
                if !b.is_unknown(field) {
                    b.push_string(field, item.placed(s));
                }
            }
            Got::Unknown(item, why) => {
                b.unknown(field, item.at.clone(), why);
            }
        }
    }
}

/// A field whose value must be one of `allowed` (compared without case, written as the
/// canonical model spells it); anything else is unknown.
fn enumerated(b: &mut Builder, field: &str, val: Option<&Val>, allowed: &[&str]) {
    match string_of(val) {
        Got::Absent(_) => {}
        Got::Known(val, s) => match allowed.iter().find(|a| a.eq_ignore_ascii_case(&s)) {
            Some(value) => {
                b.string(field, val.placed((*value).to_string()));
            }
            None => {
                b.unknown(field, val.at.clone(), format!("`{s}` is not one of {}", allowed.join(", ")));
            }
        },
        Got::Unknown(val, why) => {
            b.unknown(field, val.at.clone(), why);
        }
    }
}

/// `architecture`: `x86_64`, `i386` or `arm64`.
fn architecture(b: &mut Builder, val: Option<&Val>) {
    enumerated(b, "architecture", val, &["x86_64", "i386", "arm64"]);
}

/// `os` from a `platform` that names both the family and the version
/// (`Windows Server 2019`, `CentOS 7.9`); a family alone leaves `os` to what the image
/// derives from.
fn os_from_platform(b: &mut Builder, val: Option<&Val>) {
    if let Got::Known(val, platform) = string_of(val) {
        if let Some((family, Some(version))) = platform_os(&platform) {
            b.nested_string("os", "family", val.placed(family.to_string()));
            b.nested_string("os", "version", val.placed(version));
        }
    }
}

/// `platform` names and their OS families (DESIGN §1). Longer names first: `CentOS Stream` before `CentOS`, `openSUSE` before `SUSE`.
const FAMILIES: &[(&str, &str)] = &[
    ("windows server", "windows-server"),
    ("centos stream", "centos-stream"),
    ("centos", "centos"),
    ("alibaba cloud linux", "alibaba-cloud-linux"),
    ("aliyun linux", "alibaba-cloud-linux"),
    ("aliyun", "alibaba-cloud-linux"),
    ("anolis os", "anolis"),
    ("anolis", "anolis"),
    ("red hat enterprise linux", "rhel"),
    ("redhat", "rhel"),
    ("red hat", "rhel"),
    ("rhel", "rhel"),
    ("opensuse", "opensuse"),
    ("suse linux enterprise server", "sles"),
    ("sles", "sles"),
    ("suse", "sles"),
    ("ubuntu", "ubuntu"),
    ("debian", "debian"),
    ("rocky linux", "rocky"),
    ("rocky", "rocky"),
    ("almalinux", "almalinux"),
    ("fedora", "fedora"),
    ("freebsd", "freebsd"),
];

/// The OS family (DESIGN §1) of a `platform` value, with the version when the value
/// carries one.
pub fn platform_os(platform: &str) -> Option<(&'static str, Option<String>)> {
    let lower = platform.trim().to_ascii_lowercase();
    let (name, family) = FAMILIES.iter().find(|(name, _)| lower.starts_with(name))?;
    let rest = platform.trim().get(name.len()..)?.trim();
    let version = if *family == "windows-server" { windows_version(rest) } else { plain_version(rest) };
    Some((family, version))
}

/// A Windows Server release as DESIGN §1 writes it (`2012 R2`).
fn windows_version(rest: &str) -> Option<String> {
    let words: Vec<&str> = rest.split_whitespace().collect();
    let version = match words.as_slice() {
        [year] => (*year).to_string(),
        [year, r2] if r2.eq_ignore_ascii_case("r2") => format!("{year} R2"),
        _ => return None,
    };
    ["2008", "2008 R2", "2012", "2012 R2", "2016", "2019", "2022", "2025"]
        .contains(&version.as_str())
        .then_some(version)
}

/// A version of dotted digits (`7`, `7.9`, `22.04`), or SUSE's `15 SP5`.
fn plain_version(rest: &str) -> Option<String> {
    let dotted = |s: &str| {
        !s.is_empty() && s.split('.').all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()))
    };
    let words: Vec<&str> = rest.split_whitespace().collect();
    match words.as_slice() {
        [v] if dotted(v) => Some((*v).to_string()),
        [v, sp] => {
            let pack = sp.strip_prefix("SP").or_else(|| sp.strip_prefix("sp"))?;
            (dotted(v) && dotted(pack)).then(|| format!("{v} SP{pack}"))
        }
        _ => None,
    }
}
