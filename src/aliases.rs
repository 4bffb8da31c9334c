//! Common other names of enum values (`windows` for `windows-server`, `amd64` for
//! `x86_64`), so a did-you-mean finds what edit distance cannot: these names are far from
//! the value the schema wants, but they are what people write, copying from other
//! clouds, distributions or the Alibaba Cloud API.

/// (alias, value) pairs. Aliases are written normalised (see [`normalise`]); a value is
/// suggested only where the schema allows it, so one table serves every enum.
const ALIASES: &[(&str, &str)] = &[
    // OS families.
    ("windows", "windows-server"),
    ("win", "windows-server"),
    ("winsvr", "windows-server"),
    ("win-server", "windows-server"),
    ("windowsserver", "windows-server"),
    ("microsoft-windows-server", "windows-server"),
    ("alinux", "alibaba-cloud-linux"),
    ("aliyun", "alibaba-cloud-linux"),
    ("aliyun-linux", "alibaba-cloud-linux"),
    ("alibaba", "alibaba-cloud-linux"),
    ("alibaba-linux", "alibaba-cloud-linux"),
    ("alibabacloudlinux", "alibaba-cloud-linux"),
    ("redhat", "rhel"),
    ("red-hat", "rhel"),
    ("redhat-enterprise-linux", "rhel"),
    ("red-hat-enterprise-linux", "rhel"),
    ("suse", "sles"),
    ("sle", "sles"),
    ("suse-linux", "sles"),
    ("suse-linux-enterprise-server", "sles"),
    ("open-suse", "opensuse"),
    ("opensuse-leap", "opensuse"),
    ("leap", "opensuse"),
    ("rockylinux", "rocky"),
    ("rocky-linux", "rocky"),
    ("alma", "almalinux"),
    ("alma-linux", "almalinux"),
    ("anolisos", "anolis"),
    ("anolis-os", "anolis"),
    ("openanolis", "anolis"),
    ("centosstream", "centos-stream"),
    ("stream", "centos-stream"),
    ("ubuntu-server", "ubuntu"),
    // Architectures, as Debian, Go, Docker and Windows name them.
    ("amd64", "x86_64"),
    ("x64", "x86_64"),
    ("x86-64", "x86_64"),
    ("x8664", "x86_64"),
    ("intel64", "x86_64"),
    ("em64t", "x86_64"),
    ("aarch64", "arm64"),
    ("arm", "arm64"),
    ("armv8", "arm64"),
    ("arm64v8", "arm64"),
    ("i686", "i386"),
    ("i586", "i386"),
    ("x86-32", "i386"),
    ("ia32", "i386"),
    ("32-bit", "i386"),
    ("32bit", "i386"),
    // Boot modes.
    ("legacy", "BIOS"),
    ("legacy-bios", "BIOS"),
    ("csm", "BIOS"),
    ("efi", "UEFI"),
    // Image types, as the API's `ImageOwnerAlias` names them.
    ("system", "public"),
    ("self", "custom"),
    ("private", "custom"),
    ("others", "shared"),
    // Billing, as the API's `InstanceChargeType` names it.
    ("postpaid", "PayAsYouGo"),
    ("pay-as-you-go", "PayAsYouGo"),
    ("payg", "PayAsYouGo"),
    ("on-demand", "PayAsYouGo"),
    ("prepaid", "Subscription"),
    // Licence types.
    ("bring-your-own-license", "BYOL"),
    ("bring-your-own-licence", "BYOL"),
];

/// The allowed value that `word` is a common alias of, if any.
pub fn canonical<'a>(word: &str, allowed: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // Aliases are short; a long value cannot be one, and is not copied.
    if word.len() > 64 {
        return None;
    }
    let word = normalise(word);
    let value = ALIASES.iter().find(|(alias, _)| *alias == word).map(|(_, value)| *value)?;
    allowed.into_iter().find(|a| *a == value)
}

/// Lower case, with spaces and underscores as hyphens: `Red Hat` and `red_hat` are `red-hat`.
fn normalise(word: &str) -> String {
    word.trim().chars().map(|c| if c == ' ' || c == '_' { '-' } else { c.to_ascii_lowercase() }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_map_to_allowed_values_only() {
        let families = ["windows-server", "alibaba-cloud-linux", "rhel", "sles"];
        assert_eq!(canonical("windows", families), Some("windows-server"));
        assert_eq!(canonical("Red Hat", families), Some("rhel"));
        assert_eq!(canonical("alinux", families), Some("alibaba-cloud-linux"));
        assert_eq!(canonical("SUSE", families), Some("sles"));
        assert_eq!(canonical("amd64", families), None, "not an allowed value here");
        assert_eq!(canonical("AArch64", ["x86_64", "i386", "arm64"]), Some("arm64"));
        assert_eq!(canonical("x86-64", ["x86_64", "i386", "arm64"]), Some("x86_64"));
        assert_eq!(canonical("postpaid", ["PayAsYouGo", "Subscription"]), Some("PayAsYouGo"));
    }

    #[test]
    fn every_alias_is_normalised_and_unique() {
        for (index, (alias, _)) in ALIASES.iter().enumerate() {
            assert_eq!(normalise(alias), *alias);
            assert!(!ALIASES.iter().skip(index + 1).any(|(a, _)| a == alias), "{alias} twice");
        }
    }
}
