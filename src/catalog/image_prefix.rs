//! What a partial public image name tells: a ROS `ImageId` that is the start of a public
//! ID (`centos_7`, `aliyun_3_9_x64_20G_alibase_`), and the `name_regex` of a Terraform
//! `data "alicloud_images"` lookup (`^centos_7`, `^ubuntu_[0-9]+_[0-9]+_x64*`). Each
//! selects the newest public image it matches, so what the rules may know is only what
//! every public ID it can match has in common (DESIGN §8).

use super::{BootMode, Catalog};

/// The facts every public image a prefix or a regex can select shares; `None` fields are
/// unknown.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PartialImage {
    pub family: Option<String>,
    /// Known only with the family.
    pub version: Option<String>,
    /// `x86_64`, `i386` or `arm64`.
    pub architecture: Option<String>,
    pub boot_mode: Option<BootMode>,
    /// The system disk size in GiB the IDs carry (`_20G_`).
    pub size_gib: Option<u32>,
}

impl Catalog {
    /// What every public image ID starting with `prefix` has in common (ROS's fuzzy
    /// `ImageId`); `None` when nothing is known or the prefix can start no public ID.
    pub fn image_prefix(&self, prefix: &str) -> Option<PartialImage> {
        let _ = prefix;
        None
    }

    /// What every public image ID `regex` can match has in common (Terraform's
    /// `name_regex`); `None` when nothing is known.
    pub fn image_regex(&self, regex: &str) -> Option<PartialImage> {
        let _ = regex;
        None
    }
}
