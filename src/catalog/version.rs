//! Matching a spec's OS version against the versions in the catalog.
//!
//! Vendors write versions with varying precision: a spec may say `7.9.2009` where the
//! lifecycle catalog has `7`. A spec version V matches a catalog version C when, after
//! [`normalize`], V equals C or V starts with C followed by `.`. So `7.9` is version `7`,
//! `2.1903` is `2` and `22.04.3` is `22.04`, while `15 SP5` is not `15` (for SLES that means
//! 15 GA) and `2012` is not `2012 R2`, nor the other way round. When several entries match,
//! callers pick the longest C ([`match_len`] helps).
//!
//! Before matching, [`canonical`] reads a version the way people write it into the
//! vendor's form, per family: SLES as `/etc/os-release` writes it (`15.5` is 15 SP5, not
//! 15 GA; from SLES 16 on there are no service packs, so `16.0` stays release 16.0), Windows Server with its edition or a glued R2 (`2019 Datacenter` is 2019,
//! `2012r2` is 2012 R2), FreeBSD's `14.0-RELEASE-p3` (14.0), and a trailing `LTS` or
//! `(codename)`. What it cannot read is left as written, so it matches nothing rather
//! than the wrong entry.

/// Trims, lower-cases and folds runs of whitespace into one space.
pub fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Whether the spec version `version` is the catalog version `catalog` or a finer one.
pub fn version_matches(version: &str, catalog: &str) -> bool {
    match_len(version, catalog).is_some()
}

/// The length of the normalized catalog version when it matches, for longest-match selection.
pub fn match_len(version: &str, catalog: &str) -> Option<usize> {
    let version = normalize(version);
    let catalog = normalize(catalog);
    if catalog.is_empty() {
        return None;
    }
    let matched =
        version == catalog || version.strip_prefix(&catalog).is_some_and(|rest| rest.starts_with('.'));
    matched.then_some(catalog.len())
}

/// [`match_len`] for lifecycle entries, where a finer version may still be a different
/// release: SLES versions are read by [`canonical`] into the vendor's exact form (`15 SP5`),
/// so one that could not be read (`15.x`, `15.5.1`) matches no entry rather than 15 GA.
pub fn lifecycle_match_len(family: &str, version: &str, catalog: &str) -> Option<usize> {
    if family.trim().eq_ignore_ascii_case("sles") {
        let catalog = normalize(catalog);
        return (normalize(version) == catalog && !catalog.is_empty()).then_some(catalog.len());
    }
    match_len(version, catalog)
}

/// A spec's version in the vendor's form (see the module docs); unchanged when not read.
pub fn canonical(family: &str, version: &str) -> String {
    let text = normalize(version);
    // A codename in parentheses and a trailing "LTS" say nothing the number does not.
    let text = match text.split_once('(') {
        Some((head, tail)) if tail.ends_with(')') => head.trim_end().to_owned(),
        _ => text,
    };
    let text = text.strip_suffix(" lts").map_or(text.clone(), str::to_owned);
    let family = family.trim().to_ascii_lowercase();
    let read = match family.as_str() {
        "sles" => sles(&text),
        "windows-server" => windows(&text),
        "freebsd" => freebsd(&text),
        _ => None,
    };
    read.unwrap_or(text)
}

/// `15.5`, `15-SP5`, `15sp5`, `15 sp5` are 15 SP5; `15.0` and `15 GA` are 15. From 16 on,
/// `16.0` and `16.1` are releases (SLES 16 has no service packs).
fn sles(text: &str) -> Option<String> {
    let (major, rest) = split_number(text)?;
    if major.parse::<u32>().is_ok_and(|m| m >= 16) {
        return sles_release(major, rest);
    }
    let rest = rest.trim_start_matches([' ', '-', '_']);
    let sp = if rest.is_empty() || rest == "ga" {
        None
    } else if let Some(minor) = rest.strip_prefix('.') {
        digits(minor)
    } else {
        digits(rest.strip_prefix("sp")?.trim_start())
    };
    Some(match sp {
        Some(sp) if sp.trim_start_matches('0').is_empty() => major.to_owned(),
        Some(sp) => format!("{major} SP{}", sp.trim_start_matches('0')),
        None if rest.is_empty() || rest == "ga" => major.to_owned(),
        None => return None,
    })
}

/// SLES 16 and later: `16.0` (or `16.00`) is release 16.0 and `16` names no release; service
/// pack forms are not read.
fn sles_release(major: &str, rest: &str) -> Option<String> {
    if rest.is_empty() {
        return Some(major.to_owned());
    }
    let minor = digits(rest.strip_prefix('.')?)?;
    let minor = minor.trim_start_matches('0');
    Some(format!("{major}.{}", if minor.is_empty() { "0" } else { minor }))
}

/// A year with optional R2, wrapped in words that do not change the release: `Windows
/// Server 2019 Datacenter`, `2012r2`, `2008 R2 SP1 Enterprise`, `2016-standard`.
fn windows(text: &str) -> Option<String> {
    const NOISE: [&str; 14] = [
        "microsoft",
        "windows",
        "server",
        "datacenter",
        "standard",
        "enterprise",
        "essentials",
        "web",
        "dtc",
        "std",
        "ent",
        "edition",
        "64-bit",
        "x64",
    ];
    let mut year = None;
    let mut r2 = false;
    for word in text.split(|c: char| c.is_whitespace() || c == '-' || c == '_').filter(|w| !w.is_empty()) {
        if NOISE.contains(&word) || (word.starts_with("sp") && digits(&word[2..]).is_some()) {
            continue;
        }
        if word == "r2" && year.is_some() {
            r2 = true;
            continue;
        }
        let (number, rest) = split_number(word)?;
        if year.is_some() || number.len() != 4 {
            return None;
        }
        match rest {
            "" => {}
            "r2" => r2 = true,
            _ => return None,
        }
        year = Some(number);
    }
    let year = year?;
    Some(if r2 { format!("{year} R2") } else { year.to_owned() })
}

/// `14.0-release`, `14.0-release-p3`, `14.0-p3` are 14.0.
fn freebsd(text: &str) -> Option<String> {
    let base = text.split_once('-').map_or(text, |(base, _)| base);
    let rest = &text[base.len()..];
    let suffix_ok = rest.is_empty()
        || rest.trim_start_matches("-release").is_empty()
        || rest.trim_start_matches("-release").strip_prefix("-p").is_some_and(|p| digits(p).is_some());
    (suffix_ok && !base.is_empty() && base.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
        .then(|| base.to_owned())
}

/// The leading digits of `text` and what follows them.
fn split_number(text: &str) -> Option<(&str, &str)> {
    let end = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    (end > 0).then(|| text.split_at(end))
}

/// `text` when it is all digits.
fn digits(text: &str) -> Option<&str> {
    (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())).then_some(text)
}

/// Whether two OS family names are the same (trimmed, case-insensitive).
pub fn same_family(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finer_versions_match_their_major() {
        assert!(version_matches("7.9", "7"));
        assert!(version_matches("7.9.2009", "7"));
        assert!(version_matches("2.1903", "2"));
        assert!(version_matches("22.04.3", "22.04"));
        assert!(version_matches(" 22.04 ", "22.04"));
        assert!(!version_matches("22.10", "22.04"));
        assert!(!version_matches("70", "7"));
        assert!(!version_matches("7", "7.9"));
    }

    #[test]
    fn service_packs_and_releases_are_exact() {
        assert!(version_matches("15 SP5", "15 sp5"));
        assert!(version_matches("15   sp5", "15 SP5"));
        assert!(!version_matches("15 SP5", "15"));
        assert!(!version_matches("15", "15 SP5"));
        assert!(!version_matches("2012", "2012 R2"));
        assert!(!version_matches("2012 R2", "2012"));
        assert!(version_matches("2012 r2", "2012 R2"));
        assert!(!version_matches("", ""));
    }

    #[test]
    fn versions_read_as_people_write_them() {
        let cases = [
            ("sles", "15.5", "15 SP5"),
            ("sles", "15.7", "15 SP7"),
            ("SLES", "12.5", "12 SP5"),
            ("sles", "15", "15"),
            ("sles", "15.0", "15"),
            ("sles", "15 GA", "15"),
            ("sles", "15-SP5", "15 SP5"),
            ("sles", "15sp4", "15 SP4"),
            ("sles", "15 sp 3", "15 SP3"),
            ("sles", "15.x", "15.x"),
            ("sles", "11.4", "11 SP4"),
            ("sles", "11 SP4", "11 SP4"),
            ("sles", "11-sp4", "11 SP4"),
            ("sles", "12.2", "12 SP2"),
            ("sles", "12.3", "12 SP3"),
            ("sles", "12-SP3", "12 SP3"),
            ("sles", "16.0", "16.0"),
            ("sles", "16.00", "16.0"),
            ("sles", "16.1", "16.1"),
            ("sles", "16", "16"),
            ("sles", "16 SP1", "16 sp1"),
            ("sles", "16.x", "16.x"),
            ("windows-server", "2012r2", "2012 R2"),
            ("windows-server", "2012R2", "2012 R2"),
            ("windows-server", "2012 Datacenter", "2012"),
            ("windows-server", "2019 Datacenter", "2019"),
            ("windows-server", "Windows Server 2008 R2 SP1 Enterprise", "2008 R2"),
            ("windows-server", "2016-standard", "2016"),
            ("windows-server", "2022", "2022"),
            ("windows-server", "2003", "2003"),
            ("windows-server", "2003r2", "2003 R2"),
            ("windows-server", "Windows Server 2003 R2 SP2 Enterprise", "2003 R2"),
            ("windows-server", "2008 SP2 Standard", "2008"),
            ("windows-server", "2019 1809", "2019 1809"),
            ("windows-server", "r2", "r2"),
            ("windows-server", "1909", "1909"),
            ("freebsd", "14.0", "14.0"),
            ("freebsd", "14.0-RELEASE", "14.0"),
            ("freebsd", "14.0-RELEASE-p3", "14.0"),
            ("freebsd", "14.0-CURRENT", "14.0-current"),
            ("freebsd", "13.0-RELEASE-p11", "13.0"),
            ("freebsd", "14.4", "14.4"),
            ("freebsd", "15.1-release", "15.1"),
            ("anolis", "7.9", "7.9"),
            ("anolis", "23.4", "23.4"),
            ("ubuntu", "22.04 LTS", "22.04"),
            ("rocky", "9.3 (Blue Onyx)", "9.3"),
            ("debian", "12", "12"),
        ];
        for (family, written, read) in cases {
            assert_eq!(canonical(family, written), read, "{family} {written:?}");
        }
    }

    #[test]
    fn longer_catalog_versions_win() {
        assert_eq!(match_len("14.2", "14"), Some(2));
        assert_eq!(match_len("14.2", "14.2"), Some(4));
        assert!(same_family(" Ubuntu", "ubuntu"));
    }
}
