//! Packer templates (DESIGN §8): the `alicloud-ecs` builder's image and build instance.
//!
//! Both syntaxes (HCL2 `source "alicloud-ecs" "name"`, legacy JSON `builders`) are read
//! into [`Source`]s: attribute values with where they were written, or why they are not
//! known. A build's `source "source.alicloud-ecs.x" { ... }` block is a source of its own
//! (the source with the block's attributes added). Each source becomes
//! - an Image (custom, in `region` and the `image_copy_regions`, derived from
//!   `source_image`, or from the public images an `image_family` selects, shared with
//!   `image_share_account`, encrypted when `image_encrypted`), named `image_name` when it
//!   is literal, else the source's address;
//! - a build Instance: `source_image` booted on `instance_type` in `region`;
//! - an imported Image for each `alicloud-import` post-processor of its builds.

mod hcl;
mod json;
mod vars;
pub use vars::{is_auto_vars, is_vars};

use crate::catalog::Catalog;
use crate::diag::Location;

use crate::iac::{Builder, Format, Loaded, Options, Origin, Placed};
use crate::source::{Limits, SourceFile};
use crate::spec::{Kind, Resource};
use rayon::prelude::*;
use serde_json::Value as Json;
use std::sync::Arc;

/// An attribute's value with where it is written and the definitions it came through, or
/// where it is written and why it is not known.
pub type Attr = Known<Placed<Json>>;

/// A value, or where it is written and why it is not known.
pub type Known<T> = Result<T, (Location, String)>;

/// One `alicloud-ecs` source or builder, or one `alicloud-import` post-processor.
pub struct Source {
    /// `alicloud-ecs.name` (HCL; for a build's `source` block, its `name` in place of the
    /// source's) or the builder's `name` (JSON).
    pub address: String,
    pub head: Location,
    /// The file or directory its resources' keys start with; with `address`, the keys are
    /// unique.
    pub key: String,
    pub attributes: Vec<(String, Attr)>,
    /// The `alicloud-import` post-processors of its builds.
    pub imports: Vec<Source>,
    /// Where each element of a list written literally is, by attribute: findings on one
    /// account or region point at it.
    pub items: Vec<(String, Vec<Location>)>,
}

impl Source {
    fn get(&self, name: &str) -> Option<&Attr> {
        self.attributes.iter().find(|(n, _)| n == name).map(|(_, a)| a)
    }

    /// Where an attribute is written, else the source's head (for what is not set).
    fn site(&self, name: &str) -> Location {
        match self.get(name) {
            Some(Ok(placed)) => placed.at.clone(),
            Some(Err((at, _))) => at.clone(),
            None => self.head.clone(),
        }
    }

    /// The attribute as text, `None` when absent or empty: the builder reads `""` (a
    /// variable's `default = ""`, `{{user `x`}}` of an empty user variable) as an
    /// attribute not written ([`crate::iac::is_unset`]). An `Err` says why it is unknown.
    fn text(&self, name: &str) -> Option<Known<Placed<String>>> {
        Some(match self.get(name)? {
            Ok(placed) => match scalar(&placed.value) {
                Some(text) if crate::iac::is_unset(&text) => return None,
                Some(text) => Ok(Placed { value: text, at: placed.at.clone(), via: placed.via.clone() }),
                None => Err((placed.at.clone(), format!("`{name}` is not a string"))),
            },
            Err(unknown) => Err(unknown.clone()),
        })
    }

    /// The attribute as a list of texts (a single string counts as a list of one); empty
    /// texts are unset, so they are left out (`image_share_account = [""]` shares with
    /// no one).
    fn list(&self, name: &str) -> Option<Known<Vec<Placed<String>>>> {
        Some(match self.get(name)? {
            Ok(placed) => match &placed.value {
                Json::Array(items) => {
                    let spans = self
                        .items
                        .iter()
                        .find(|(n, _)| n == name)
                        .map(|(_, spans)| spans.as_slice())
                        .filter(|spans| spans.len() == items.len());
                    Ok(items
                        .iter()
                        .enumerate()
                        .filter_map(|(i, item)| {
                            let at = spans.and_then(|s| s.get(i)).unwrap_or(&placed.at).clone();
                            let value = scalar(item).filter(|v| !crate::iac::is_unset(v))?;
                            Some(Placed { value, at, via: placed.via.clone() })
                        })
                        .collect())
                }
                other => match scalar(other) {
                    Some(value) if crate::iac::is_unset(&value) => Ok(Vec::new()),
                    Some(value) => Ok(vec![Placed { value, at: placed.at.clone(), via: placed.via.clone() }]),
                    None => Err((placed.at.clone(), format!("`{name}` is not a list"))),
                },
            },
            Err(unknown) => Err(unknown.clone()),
        })
    }

    fn attributes_json(&self) -> Json {
        Json::Object(
            self.attributes
                .iter()
                .map(|(name, attr)| (name.clone(), attr.as_ref().map_or(Json::Null, |p| p.value.clone())))
                .collect(),
        )
    }

    fn origin(&self, suffix: &str) -> Origin {
        Origin {
            format: Format::Packer,
            native_type: "alicloud-ecs".into(),
            address: self.address.clone(),
            attributes: self.attributes_json(),
            // Every source of a template shares `key` (its file or directory): the address
            // tells their resources apart, so each build refers to its own image.
            key: format!("{}#{}#{}", self.key, self.address, suffix),
        }
    }
}

/// A scalar as text: Packer JSON writes booleans and numbers as strings too.
fn scalar(value: &Json) -> Option<String> {
    match value {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A value that still holds Packer template syntax (`{{timestamp}}`) is not literal.
fn literal(text: &str) -> bool {
    !text.contains("{{") && !text.contains("${")
}

/// Reads the run's `.pkr.hcl` and `.pkr.json` files (and the variables files beside
/// them) into canonical resources.
pub fn load(files: &[Arc<SourceFile>], options: &Options, limits: Limits, catalog: &Catalog) -> Loaded {
    let mut loaded = Loaded::default();
    // JSON templates are read a file at a time; `.pkrvars.json` variables files go with
    // the HCL templates of their directory.
    let (json_files, hcl_files): (Vec<_>, Vec<_>) = files.iter().partition(|f| {
        crate::source::Format::from_name(&f.name) == crate::source::Format::Json
            && !f.name.to_ascii_lowercase().ends_with(".pkrvars.json")
    });
    for file in json_files {
        match crate::source::parse_json(&file.text, limits) {
            Ok(root) => {
                let document = crate::source::Document { root };
                if is_json_template(&document) {
                    let mut front = extract_json(file, document, options, catalog);
                    loaded.resources.append(&mut front.resources);
                    loaded.findings.append(&mut front.findings);
                } else if is_hcl_json(&document, &file.text) {
                    loaded.skipped.push(format!("{}: skipped: {HCL_JSON_NOT_READ}", file.name));
                }
            }
            Err(error) => {
                let at = Location::new(Arc::clone(file), error.span);
                let mut finding = crate::spec::codes::PARSE_ERROR.finding(error.message, at);
                finding.help = error.help;
                loaded.findings.push(finding);
            }
        }
    }
    let sources = hcl::load(&hcl_files, options, &mut loaded.findings);
    let mapped: Vec<Vec<Resource>> =
        sources.par_iter().map(|source| map_source(source, options, catalog)).collect();
    loaded.resources.extend(mapped.into_iter().flatten());
    loaded
}

/// Each problem once: the build instance and the image it builds read the same attributes
/// (`region` is the instance's region and the image's first), so a rule on each can make the
/// same finding at the same place. A finding on a Packer resource that repeats an earlier
/// one (same code, place and message) is dropped: the first, in resource order (the build
/// instance before its image), stays.
pub fn once_per_problem(findings: &mut Vec<crate::diag::Finding>, resources: &[Resource]) {
    let packer = |finding: &crate::diag::Finding| {
        let index = finding.subject.and_then(|s| usize::try_from(s.get() - 1).ok());
        index
            .and_then(|i| resources.get(i))
            .and_then(|r| r.iac.as_deref())
            .is_some_and(|extra| extra.origin.format == Format::Packer)
    };
    if !findings.iter().any(packer) {
        return;
    }
    let mut seen = std::collections::HashSet::new();
    findings.retain(|f| {
        !packer(f)
            || seen.insert((f.code.clone(), f.location.file.name.clone(), f.location.span, f.message.clone()))
    });
}

/// Why a `.pkr.json` file in Packer's HCL2 JSON syntax gives no resources.
const HCL_JSON_NOT_READ: &str = "it is a Packer template in HCL2 JSON syntax (`source` and `build` \
     written as JSON), which ecslint does not read: its `alicloud-ecs` builds are not checked \
     (write the template as `.pkr.hcl` to have them checked)";

/// Whether a `.pkr.json` document is a template in Packer's HCL2 JSON syntax ("Packer
/// expects ... JSON syntax for files named with a .pkr.json suffix") that builds with
/// `alicloud-ecs`: a top-level `source` or `build`, and the builder named somewhere. Such a
/// file is not read, and says so; one for other builders has nothing to check.
fn is_hcl_json(document: &crate::source::Document, text: &str) -> bool {
    let root = &document.root;
    (root.get("source").is_some() || root.get("build").is_some()) && text.contains("alicloud-ecs")
}

/// Whether a parsed JSON document is a legacy Packer template with an `alicloud-ecs` builder.
pub fn is_json_template(document: &crate::source::Document) -> bool {
    document
        .root
        .get("builders")
        .and_then(crate::source::Node::as_seq)
        .is_some_and(|builders| builders.iter().any(|b| b.get_str("type") == Some("alicloud-ecs")))
}

/// Reads one legacy Packer JSON template into canonical resources. The caller hands the
/// document over, as it does to the other front ends.
#[allow(clippy::needless_pass_by_value)]
pub fn extract_json(
    file: &Arc<SourceFile>,
    document: crate::source::Document,
    options: &Options,
    catalog: &Catalog,
) -> Loaded {
    let sources = json::sources(file, &document.root, options);
    let resources = sources.iter().flat_map(|s| map_source(s, options, catalog)).collect();
    Loaded { resources, ..Loaded::default() }
}

/// Sets `field` from a text attribute, or marks it unknown.
fn set(b: &mut Builder, field: &str, value: Option<Known<Placed<String>>>) {
    match value {
        Some(Ok(placed)) if literal(&placed.value) => {
            b.string(field, placed);
        }
        Some(Ok(placed)) => {
            let why = format!("`{}` is a Packer template, known only when the build runs", placed.value);
            b.unknown(field, placed.at, why);
        }
        Some(Err((at, why))) => {
            b.unknown(field, at, why);
        }
        None => {}
    }
}

/// The build region: `region`, else `--region`, placed at the `region` attribute when one
/// is written (`region = ""`, or a variable whose value is `""`), else at the source's head.
fn home_region(source: &Source, options: &Options) -> Known<Placed<String>> {
    match source.text("region") {
        Some(Ok(placed)) if literal(&placed.value) => Ok(placed),
        Some(Ok(placed)) => Err((
            placed.at,
            format!("`{}` is a Packer template, known only when the build runs", placed.value),
        )),
        Some(Err(unknown)) => Err(unknown),
        None => match &options.region {
            Some(region) => Ok(Placed::new(region.clone(), source.site("region"))),
            None => Err((
                source.site("region"),
                "no `region` is set (Packer reads it from the environment): pass `--region`".into(),
            )),
        },
    }
}

fn region(b: &mut Builder, source: &Source, options: &Options) {
    match home_region(source, options) {
        Ok(region) => {
            b.string("region", region);
        }
        Err((at, why)) => {
            b.unknown("region", at, why);
        }
    }
}

/// `regions` of an image built or imported in the source's region.
fn regions(b: &mut Builder, source: &Source, options: &Options, copies: bool) {
    let home = match home_region(source, options) {
        Ok(home) => home,
        Err((at, why)) => {
            b.unknown("regions", at, why);
            return;
        }
    };
    b.push_string("regions", home);
    if !copies {
        return;
    }
    match source.list("image_copy_regions") {
        Some(Ok(copies)) => {
            for copy in copies {
                b.push_string("regions", copy);
            }
        }
        Some(Err((at, why))) => {
            b.unknown("regions", at, why);
        }
        None => {}
    }
}

/// The image a source's build boots: `source_image`, or the public image an
/// `image_family` selects (a lookup image, returned).
fn base_image(b: &mut Builder, field: &str, source: &Source, catalog: &Catalog) -> Option<Resource> {
    if let Some(image) = source.text("source_image") {
        set(b, field, Some(image));
        return None;
    }
    match source.text("image_family") {
        Some(Ok(family)) if literal(&family.value) => {
            let name = family.value.strip_prefix("acs:").unwrap_or(&family.value).to_string();
            let value = Placed { value: name, ..family };
            let address = format!("{}.image_family", source.address);
            let key = format!("{}#{}", source.key, source.address);
            if let Some(lookup) = crate::ros::lookup_image(catalog, &value, &address, &key) {
                b.string(field, Placed { value: address, ..value });
                b.reference(field, format!("{key}.ImageId"));
                Some(lookup)
            } else {
                b.unknown(
                    field,
                    value.at,
                    format!(
                        "image family `{}` selects the newest image of the family at build time",
                        value.value
                    ),
                );
                None
            }
        }
        Some(Ok(family)) => {
            set(b, field, Some(Ok(family)));
            None
        }
        Some(Err((at, why))) => {
            b.unknown(field, at, why);
            None
        }
        None => {
            b.unknown(field, source.site("source_image"), "neither `source_image` nor `image_family` is set");
            None
        }
    }
}

/// The canonical resources of one source.
fn map_source(source: &Source, options: &Options, catalog: &Catalog) -> Vec<Resource> {
    let mut out = Vec::new();
    // The build instance.
    let mut instance = Builder::new(Kind::Instance, source.origin("build"), source.head.clone());
    region(&mut instance, source, options);
    match source.text("instance_type") {
        Some(value) => set(&mut instance, "instanceType", Some(value)),
        None => {
            instance.unknown("instanceType", source.site("instance_type"), "no `instance_type` is set");
        }
    }
    // The build instance boots the base image, whose facts the built image carries: it
    // refers to that image, so image-level rules (L001-L005, F002) fire once, on the image,
    // and the boot checks (A001-A008) read the same facts here.
    let image_name = match source.text("image_name") {
        Some(Ok(name)) if literal(&name.value) => name.value,
        _ => source.address.clone(),
    };
    let base = ["source_image", "image_family"].iter().find_map(|name| match source.text(name)? {
        Ok(placed) => Some((placed.at, placed.via)),
        Err((at, _)) => Some((at, Vec::new())),
    });
    let (at, via) = base.unwrap_or_else(|| (source.head.clone(), Vec::new()));
    instance.string("image", Placed { value: image_name, at, via });
    instance.reference("image", format!("{}#{}#image", source.key, source.address));
    // The plugin sends no size for 0 or less (`convertNumber`), so the platform's default
    // applies: no size is asked for.
    if let Some(Ok(size)) = source.text("system_disk_mapping.disk_size") {
        if let Some(n) = size.value.parse::<i64>().ok().filter(|n| *n > 0) {
            instance.int("systemDiskSize", Placed { value: n, at: size.at, via: size.via });
        }
    }
    out.push(instance.finish());
    // The image it builds.
    let mut image = Builder::new(Kind::Image, source.origin("image"), source.head.clone());
    if let Some(Ok(name)) = source.text("image_name") {
        if literal(&name.value) {
            image.string("name", name);
        }
    }
    image.string("type", Placed::new("custom".into(), source.head.clone()));
    regions(&mut image, source, options, true);
    let derived = base_image(&mut image, "derivedFrom", source, catalog);
    if image.is_unknown("derivedFrom") {
        image.unknown("os", source.head.clone(), "the base image is not known");
        image.unknown("architecture", source.head.clone(), "the base image is not known");
    }
    if let Some(accounts) = source.list("image_share_account") {
        match accounts {
            Ok(accounts) => {
                for account in accounts {
                    image.push_string("sharedWith", account);
                }
            }
            Err((at, why)) => {
                image.unknown("sharedWith", at, why);
            }
        }
    }
    if let Some(Ok(encrypted)) = source.text("image_encrypted") {
        if let Ok(value) = encrypted.value.parse::<bool>() {
            image.bool("encrypted", Placed { value, at: encrypted.at, via: encrypted.via });
        }
    }
    if let Some(Ok(mode)) = source.text("boot_mode") {
        let value = match mode.value.as_str() {
            "BIOS" | "bios" => Some("BIOS"),
            "UEFI" | "uefi" => Some("UEFI"),
            _ => None,
        };
        if let Some(value) = value {
            image.string("bootMode", Placed { value: value.into(), ..mode });
        }
    }
    out.push(image.finish());
    out.extend(derived);
    for import in &source.imports {
        out.push(imported(import, options));
    }
    out
}

/// An image imported by an `alicloud-import` post-processor.
fn imported(source: &Source, options: &Options) -> Resource {
    let mut b = Builder::new(Kind::Image, source.origin("import"), source.head.clone());
    if let Some(Ok(name)) = source.text("image_name") {
        if literal(&name.value) {
            b.string("name", name);
        }
    }
    b.string("type", Placed::new("custom".into(), source.head.clone()));
    b.bool("imported", Placed::new(true, source.head.clone()));
    regions(&mut b, source, options, false);
    set(
        &mut b,
        "architecture",
        source.text("image_architecture").map(|r| {
            r.map(|p| {
                let value = match p.value.as_str() {
                    "x86_64" | "amd64" | "x64" => "x86_64".to_string(),
                    "i386" | "x86" => "i386".to_string(),
                    "arm64" | "aarch64" => "arm64".to_string(),
                    other => other.to_string(),
                };
                Placed { value, ..p }
            })
        }),
    );
    match platform(source) {
        Some((family, version, at)) => {
            b.nested_string("os", "family", Placed { value: family, at: at.at.clone(), via: at.via.clone() });
            b.nested_string("os", "version", Placed { value: version, at: at.at, via: at.via });
        }
        None => {
            b.unknown(
                "os",
                source.head.clone(),
                "`image_platform` does not name an OS version ecslint reads",
            );
        }
    }
    b.finish()
}

/// The OS family and version of `image_platform` (`Windows Server 2019`, `Ubuntu 22.04`):
/// only when both are written.
fn platform(source: &Source) -> Option<(String, String, Placed<String>)> {
    let Some(Ok(platform)) = source.text("image_platform") else { return None };
    let lower = platform.value.to_ascii_lowercase();
    let families = [
        ("windows server", "windows-server"),
        ("aliyun", "alibaba-cloud-linux"),
        ("alibaba cloud linux", "alibaba-cloud-linux"),
        ("centos stream", "centos-stream"),
        ("centos", "centos"),
        ("red hat", "rhel"),
        ("redhat", "rhel"),
        ("ubuntu", "ubuntu"),
        ("debian", "debian"),
        ("suse", "sles"),
        ("opensuse", "opensuse"),
        ("rocky", "rocky"),
        ("almalinux", "almalinux"),
        ("anolis", "anolis"),
        ("fedora", "fedora"),
        ("freebsd", "freebsd"),
    ];
    let (prefix, family) = families.iter().find(|(prefix, _)| lower.starts_with(prefix))?;
    let version = platform.value[prefix.len()..].trim().to_string();
    let valid = !version.is_empty()
        && version.starts_with(|c: char| c.is_ascii_digit())
        && version.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == ' ');
    valid.then(|| ((*family).to_string(), version, platform))
}

#[cfg(test)]
mod tests;
