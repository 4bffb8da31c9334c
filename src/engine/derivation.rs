//! What an Image spec says of its OS and architecture against what it is derived from
//! (both S002, since both make the spec wrong rather than the platform unwilling):
//!
//! - `os` and `architecture` are required unless derivable, from the image's public `id`
//!   or from the nearest ancestor in its `derivedFrom` chain that knows them. When the
//!   chain stops at a reference that does not resolve (S004/S009 already) or loops (the
//!   cycle's S002), that finding is the one to fix, so no second one is added here.
//! - A declared `os` or `architecture` that contradicts the image's own public `id` or its
//!   nearest ancestor that knows it is reported, with a label on the ancestor's fact. The
//!   OS is compared by lineage, not version: an image can be upgraded in place (Ubuntu
//!   22.04 to 24.04) or migrated within its lineage (`centos` to `alibaba-cloud-linux` or
//!   `rocky`, `opensuse` to `sles`), but not turned into another system.

use super::facts::{ImageBase, ImageFacts, Resolved, World};
use crate::catalog::PublicImage;
use crate::diag::{Finding, Location};
use crate::source::PathSegment;
use crate::spec::{Resource, codes};
use std::cell::OnceCell;

fn key(name: &str) -> PathSegment {
    PathSegment::Key(name.to_string())
}

/// The S002 findings of the Image spec at `index` about its OS and architecture.
pub fn image_derivation(world: &World<'_>, image: &Resource, index: usize, out: &mut Vec<Finding>) {
    // An IaC image's OS and architecture are what its attributes and source say, or
    // unknown: unknown is never a finding, and a platform name is no spec to contradict.
    if image.iac.is_some() {
        return;
    }
    let Some(facts) = world.image(Resolved::Spec(index)) else { return };
    underivable(world, image, facts, out);
    contradictions(world, image, facts, out);
}

fn underivable(world: &World<'_>, image: &Resource, facts: &ImageFacts<'_>, out: &mut Vec<Finding>) {
    let os = facts.base.os.is_none();
    let architecture = facts.base.architecture.is_none();
    if !os && !architecture {
        return;
    }
    let last = facts.chain.ancestors().last().unwrap_or(&facts.base);
    if let Some(parent) = last.derived_from {
        // A public parent ends the chain; anything else left unresolved or looped.
        if !matches!(world.resolve(parent), Resolved::Public(_)) {
            return;
        }
    }
    let whence = match (facts.base.id.is_some(), facts.base.derived_from.is_some()) {
        (_, true) => "from its `id` or its `derivedFrom` chain",
        (true, false) => "(no `derivedFrom`, and its `id` is not a public image ID ecslint can read)",
        (false, false) => "(it has no public `id` and no `derivedFrom`)",
    };
    let name = image.name.as_deref().unwrap_or("?");
    if os {
        out.push(
            codes::SCHEMA_VIOLATION
                .on_field(
                    image,
                    vec![key("os")],
                    format!("Image `{name}` has no `os`, and none can be derived {whence}"),
                    "`os` missing",
                )
                .with_help(
                    "add the operating system, e.g. `os: {family: ubuntu, version: \"22.04\"}`, or set `derivedFrom` to the public image ID it was built from",
                ),
        );
    }
    if architecture {
        out.push(
            codes::SCHEMA_VIOLATION
                .on_field(
                    image,
                    vec![key("architecture")],
                    format!("Image `{name}` has no `architecture`, and none can be derived {whence}"),
                    "`architecture` missing",
                )
                .with_help(
                    "add the CPU architecture, e.g. `architecture: x86_64` (or `arm64`, `i386`), or set `derivedFrom` to the public image ID it was built from",
                ),
        );
    }
}

/// What an image's own public `id` or an ancestor says of a fact, and where.
struct Origin {
    value: String,
    /// `os` only: the version, for the message.
    version: String,
    location: Location,
    /// "its own id", "its ancestor x", as the message names it.
    what: String,
    /// Whether it is the image's own public `id` rather than an ancestor.
    own: bool,
}

impl Origin {
    fn label(&self) -> &'static str {
        if self.own {
            "contradicts the image's public `id`"
        } else {
            "contradicts what the image is derived from"
        }
    }

    /// The help line, after what keeps the fact (`the operating system`).
    fn help(&self, kept: &str, field: &str) -> String {
        if self.own {
            format!("a public image ID tells {kept} of the image; correct `{field}`, or the `id`")
        } else {
            format!(
                "an image keeps {kept} of the image it was built from; correct `{field}`, or point `derivedFrom` at the image it was really built from"
            )
        }
    }
}

/// Which fact is compared.
#[derive(Clone, Copy)]
enum Fact {
    Os,
    Architecture,
}

impl Fact {
    fn of(self, base: &ImageBase<'_>) -> Option<(String, String)> {
        match self {
            Self::Os => base.os.as_ref().map(|os| (os.family.to_string(), os.version.to_string())),
            Self::Architecture => base.architecture.map(|a| (a.to_string(), String::new())),
        }
    }

    fn of_public(self, parsed: &PublicImage) -> (String, String) {
        match self {
            Self::Os => (parsed.family.clone(), parsed.version.clone()),
            Self::Architecture => (parsed.architecture.as_str().to_string(), String::new()),
        }
    }

    fn path(self) -> Vec<PathSegment> {
        match self {
            Self::Os => vec![key("os"), key("family")],
            Self::Architecture => vec![key("architecture")],
        }
    }
}

fn contradictions(world: &World<'_>, image: &Resource, facts: &ImageFacts<'_>, out: &mut Vec<Finding>) {
    // The image's own public `id`, read once for both facts.
    let own = OnceCell::new();
    let parsed = || {
        own.get_or_init(|| image.node.get_str("id").and_then(|id| world.catalog.parse_public_image_id(id)))
            .as_ref()
    };
    let declared_family = image.node.get("os").and_then(|os| os.get_str("family"));
    if let Some(family) = declared_family {
        if let Some(origin) = origin(world, image, parsed(), facts, Fact::Os) {
            let contradicts =
                matches!((lineage(family), lineage(&origin.value)), (Some(a), Some(b)) if a != b);
            if contradicts {
                let runs = format!("{} {}", origin.value, origin.version);
                out.push(
                    codes::SCHEMA_VIOLATION
                        .on_field(
                            image,
                            Fact::Os.path(),
                            format!("`os.family: {family}` contradicts {}, which runs {runs}", origin.what),
                            origin.label(),
                        )
                        .with_help(if origin.own {
                            origin.help("the operating system", "os")
                        } else {
                            format!(
                                "{}; an upgrade or a migration within its lineage (such as CentOS to Alibaba Cloud Linux) is fine",
                                origin.help("the operating system", "os")
                            )
                        })
                        .with_label(origin.location, format!("{runs} here")),
                );
            }
        }
    }
    if let Some(arch) = image.node.get_str("architecture") {
        if let Some(origin) = origin(world, image, parsed(), facts, Fact::Architecture) {
            if origin.value != arch {
                out.push(
                    codes::SCHEMA_VIOLATION
                        .on_field(
                            image,
                            Fact::Architecture.path(),
                            format!(
                                "`architecture: {arch}` contradicts {}, which is {}",
                                origin.what, origin.value
                            ),
                            origin.label(),
                        )
                        .with_help(origin.help("the CPU architecture", "architecture"))
                        .with_label(origin.location, format!("{} here", origin.value)),
                );
            }
        }
    }
}

/// Where the image's `fact` comes from besides its own declaration: its own public `id`
/// first (what an image ID says of itself outranks the chain), else the nearest ancestor
/// that knows it. `parsed` is what the image's own `id` says, if it parses.
fn origin(
    world: &World<'_>,
    image: &Resource,
    parsed: Option<&PublicImage>,
    facts: &ImageFacts<'_>,
    fact: Fact,
) -> Option<Origin> {
    if let Some(parsed) = parsed {
        let (value, version) = fact.of_public(parsed);
        return Some(Origin {
            value,
            version,
            location: image.location(&[key("id")]),
            what: "its own `id`".into(),
            own: true,
        });
    }
    let ancestors: Vec<&ImageBase<'_>> = facts.chain.ancestors().collect();
    let position = ancestors.iter().position(|b| fact.of(b).is_some())?;
    let base = *ancestors.get(position)?;
    let (value, version) = fact.of(base)?;
    let spec_of = |b: &ImageBase<'_>| match world.resolve(b.name?) {
        Resolved::Spec(i) => world.resources.get(i).filter(|_| b.spec),
        _ => None,
    };
    let location = match spec_of(base) {
        // Declared in the ancestor's spec, or else read from its public `id`.
        Some(spec) if spec.node.at(&fact.path()).is_some() => spec.location(&fact.path()),
        Some(spec) => spec.location(&[key("id")]),
        None => {
            // A public image ID: point at the `derivedFrom` that names it.
            let child = match position.checked_sub(1) {
                None => Some(image),
                Some(previous) => ancestors.get(previous).copied().and_then(spec_of),
            };
            child.unwrap_or(image).location(&[key("derivedFrom")])
        }
    };
    let what = match base.name {
        Some(name) if base.spec => format!("its ancestor `{name}`"),
        Some(name) => format!("its base image `{name}`"),
        None => "its ancestor".to_string(),
    };
    Some(Origin { value, version, location, what, own: false })
}

/// The families an image can move between by upgrade or migration.
fn lineage(family: &str) -> Option<&'static str> {
    Some(match family {
        "alibaba-cloud-linux" | "anolis" | "centos" | "centos-stream" | "rhel" | "rocky" | "almalinux" => {
            "enterprise-linux"
        }
        "sles" | "opensuse" => "suse",
        "ubuntu" => "ubuntu",
        "debian" => "debian",
        "fedora" => "fedora",
        "freebsd" => "freebsd",
        "windows-server" => "windows-server",
        _ => return None,
    })
}
