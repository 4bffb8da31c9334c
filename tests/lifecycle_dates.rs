//! Every lifecycle entry this catalog revision changed or added, checked end to end the day
//! before, on and after its dates: L001 only after the later end date (DESIGN §4a), L002
//! from the earlier, and L001's message and `data` naming extended support where it is sold.

mod common;

use common::{run, scratch_in_target, write_files};

/// (family, version, day before the earlier end, earlier end, later end, day after the later end,
/// extended support until).
type Entry = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
);

const ENTRIES: &[Entry] = &[
    ("ubuntu", "14.04", "2019-04-29", "2019-04-30", "2019-04-30", "2019-05-01", Some("2024-04-30")),
    ("ubuntu", "16.04", "2021-04-29", "2021-04-30", "2021-04-30", "2021-05-01", Some("2026-04-30")),
    ("ubuntu", "18.04", "2023-05-30", "2023-05-31", "2023-06-30", "2023-07-01", Some("2028-04-30")),
    ("ubuntu", "20.04", "2025-05-30", "2025-05-31", "2025-05-31", "2025-06-01", Some("2030-04-30")),
    ("ubuntu", "22.04", "2027-04-29", "2027-04-30", "2027-06-30", "2027-07-01", Some("2032-04-30")),
    ("ubuntu", "24.04", "2029-05-30", "2029-05-31", "2029-06-30", "2029-07-01", Some("2034-04-30")),
    ("ubuntu", "26.04", "2031-04-29", "2031-04-30", "2031-06-30", "2031-07-01", Some("2036-04-30")),
    ("debian", "8", "2018-06-16", "2018-06-17", "2018-06-17", "2018-06-18", Some("2020-06-30")),
    ("debian", "9", "2020-07-17", "2020-07-18", "2020-07-18", "2020-07-19", Some("2022-06-30")),
    ("debian", "10", "2022-09-09", "2022-09-10", "2022-09-10", "2022-09-11", Some("2024-06-30")),
    ("debian", "11", "2024-08-13", "2024-08-14", "2024-08-14", "2024-08-15", Some("2026-08-31")),
    ("debian", "12", "2026-06-09", "2026-06-10", "2026-07-11", "2026-07-12", Some("2028-06-30")),
    ("debian", "13", "2028-08-08", "2028-08-09", "2028-08-09", "2028-08-10", Some("2030-06-30")),
    ("sles", "11 SP4", "2019-03-30", "2019-03-31", "2019-03-31", "2019-04-01", Some("2022-03-31")),
    ("sles", "12 SP2", "2018-03-30", "2018-03-31", "2018-03-31", "2018-04-01", Some("2021-03-31")),
    ("sles", "12 SP3", "2019-06-29", "2019-06-30", "2019-06-30", "2019-07-01", Some("2022-06-30")),
    ("sles", "12 SP4", "2020-06-29", "2020-06-30", "2020-06-30", "2020-07-01", Some("2023-06-30")),
    ("sles", "12 SP5", "2024-10-30", "2024-10-31", "2024-10-31", "2024-11-01", Some("2027-10-31")),
    ("sles", "15", "2019-12-30", "2019-12-31", "2019-12-31", "2020-01-01", Some("2022-12-31")),
    ("sles", "15 SP1", "2021-01-30", "2021-01-31", "2021-01-31", "2021-02-01", Some("2024-01-31")),
    ("sles", "15 SP2", "2021-12-30", "2021-12-31", "2021-12-31", "2022-01-01", Some("2024-12-31")),
    ("sles", "15 SP3", "2022-12-30", "2022-12-31", "2022-12-31", "2023-01-01", Some("2025-12-31")),
    ("sles", "15 SP4", "2023-12-30", "2023-12-31", "2023-12-31", "2024-01-01", Some("2026-12-31")),
    ("sles", "15 SP5", "2024-12-30", "2024-12-31", "2024-12-31", "2025-01-01", Some("2027-12-31")),
    ("sles", "15 SP6", "2025-12-30", "2025-12-31", "2025-12-31", "2026-01-01", Some("2028-12-31")),
    ("sles", "15 SP7", "2031-07-30", "2031-07-31", "2031-07-31", "2031-08-01", Some("2034-07-31")),
    ("sles", "16.0", "2027-11-29", "2027-11-30", "2027-11-30", "2027-12-01", Some("2030-11-30")),
    ("fedora", "42", "2026-05-26", "2026-05-27", "2026-05-28", "2026-05-29", None),
    ("fedora", "44", "2027-06-01", "2027-06-02", "2027-06-02", "2027-06-03", None),
    ("freebsd", "13.0", "2022-08-30", "2022-08-31", "2022-08-31", "2022-09-01", None),
    ("freebsd", "13.1", "2023-07-30", "2023-07-31", "2023-07-31", "2023-08-01", None),
    ("freebsd", "13.2", "2024-06-29", "2024-06-30", "2024-06-30", "2024-07-01", None),
    ("freebsd", "13.3", "2024-12-30", "2024-12-31", "2024-12-31", "2025-01-01", None),
    ("freebsd", "14.0", "2024-09-29", "2024-09-30", "2024-09-30", "2024-10-01", None),
    ("freebsd", "14.4", "2026-12-30", "2026-12-31", "2026-12-31", "2027-01-01", None),
    ("freebsd", "15.1", "2027-03-30", "2027-03-31", "2027-03-31", "2027-04-01", None),
    ("windows-server", "2003", "2015-07-13", "2015-07-14", "2015-07-14", "2015-07-15", None),
    ("windows-server", "2003 R2", "2015-07-13", "2015-07-14", "2015-07-14", "2015-07-15", None),
    ("windows-server", "2008", "2020-01-13", "2020-01-14", "2020-01-14", "2020-01-15", Some("2023-01-10")),
    ("windows-server", "2008 R2", "2020-01-13", "2020-01-14", "2020-01-14", "2020-01-15", Some("2023-01-10")),
    ("windows-server", "2012", "2023-10-09", "2023-10-10", "2023-10-10", "2023-10-11", Some("2026-10-13")),
    ("windows-server", "2012 R2", "2023-10-09", "2023-10-10", "2023-10-10", "2023-10-11", Some("2026-10-13")),
    ("windows-server", "2025", "2034-11-13", "2034-11-14", "2034-11-14", "2034-11-15", None),
    ("almalinux", "8", "2029-05-30", "2029-05-31", "2029-05-31", "2029-06-01", None),
    ("centos-stream", "10", "2030-05-30", "2030-05-31", "2030-05-31", "2030-06-01", None),
    ("rhel", "7", "2024-06-29", "2024-06-30", "2024-06-30", "2024-07-01", Some("2029-05-31")),
    ("rhel", "8", "2029-05-30", "2029-05-31", "2029-05-31", "2029-06-01", Some("2033-05-31")),
    ("rhel", "9", "2032-05-30", "2032-05-31", "2032-05-31", "2032-06-01", Some("2036-05-31")),
    ("rhel", "10", "2035-05-30", "2035-05-31", "2035-05-31", "2035-06-01", Some("2039-05-31")),
    ("anolis", "7", "2028-06-29", "2028-06-30", "2028-06-30", "2028-07-01", None),
    ("anolis", "23", "2030-06-29", "2030-06-30", "2030-06-30", "2030-07-01", None),
];

fn findings(spec: &str, as_of: &str) -> Vec<serde_json::Value> {
    selected(spec, as_of, "L001,L002")
}

/// The findings of the rules `select` on `spec`, checked on `as_of`.
fn selected(spec: &str, as_of: &str, select: &str) -> Vec<serde_json::Value> {
    let checked = run(&[
        "check",
        "--no-config",
        "--no-context",
        "--format",
        "json",
        "--select",
        select,
        "--as-of",
        as_of,
        spec,
    ]);
    assert!(checked.code == Some(0) || checked.code == Some(1), "{}", checked.describe());
    checked.json_findings()
}

fn codes(found: &[serde_json::Value]) -> Vec<&str> {
    found.iter().filter_map(|f| f["code"].as_str()).collect()
}

/// Writes `file` in `dir`: a custom image `id` of that OS family and version. Its path.
fn image_file(dir: &std::path::Path, file: &str, id: &str, family: &str, version: &str) -> String {
    let spec = format!(
        "kind: Image\nname: img\nid: {id}\ntype: custom\nos: {{family: {family}, version: \"{version}\"}}\narchitecture: x86_64\nregions: [cn-hangzhou]\n"
    );
    write_files(dir, &[(file, &spec)]);
    dir.join(file).to_str().expect("utf-8").to_owned()
}

#[test]
fn changed_entries_end_on_their_dates() {
    let dir = scratch_in_target("lifecycle_dates", "entries");
    for (family, version, before, earlier, later, after, extended) in ENTRIES {
        let file = format!("{family}-{}.yaml", version.replace(' ', "-"));
        let path = image_file(&dir, &file, "m-bp1lifecycle0000fixture", family, version);
        let path = path.as_str();
        let what = format!("{family} {version}");
        // The day before the earlier date: a warning with one day left, never L001.
        let on_before = findings(path, before);
        assert_eq!(codes(&on_before), ["L002"], "{what} on {before}");
        assert_eq!(on_before[0]["data"]["daysLeft"], 1, "{what}");
        // On the earlier date: the last day of support by one source, so L002 ("today").
        let on_earlier = findings(path, earlier);
        assert_eq!(codes(&on_earlier), ["L002"], "{what} on {earlier}");
        assert_eq!(on_earlier[0]["data"]["daysLeft"], 0, "{what}");
        // On the later date: still supported by one source, never L001.
        let on_later = findings(path, later);
        assert_eq!(codes(&on_later), ["L002"], "{what} on {later}");
        // The day after the later date: L001, with the later date and any extended support.
        let past = findings(path, after);
        assert_eq!(codes(&past), ["L001"], "{what} on {after}");
        assert_eq!(past[0]["data"]["endOfSupport"], *later, "{what}");
        assert_eq!(past[0]["data"]["daysLeft"], -1, "{what}");
        let message = past[0]["message"].as_str().unwrap_or_default();
        if let Some(until) = extended {
            assert_eq!(past[0]["data"]["extendedSupport"]["until"], *until, "{what}");
            assert!(message.contains(&format!("is available until {until}")), "{what}: {message}");
        } else {
            assert!(past[0]["data"]["extendedSupport"].is_null(), "{what}");
            assert!(!message.contains("extended support"), "{what}: {message}");
        }
    }
}

#[test]
fn a_day_before_the_earlier_date_is_quiet_only_outside_the_warning_window() {
    let dir = scratch_in_target("lifecycle_dates", "quiet");
    write_files(
        &dir,
        &[(
            "u.yaml",
            "kind: Image\nname: u\nid: m-bp1lifecycle0000quiet01\ntype: custom\nos: {family: ubuntu, version: \"22.04\"}\narchitecture: x86_64\nregions: [cn-hangzhou]\n",
        )],
    );
    let path = dir.join("u.yaml");
    let path = path.to_str().expect("utf-8");
    // 2027-04-29 is one day before the earlier date: a warning, one day left.
    let before = findings(path, "2027-04-29");
    assert_eq!(codes(&before), ["L002"]);
    assert_eq!(before[0]["data"]["daysLeft"], 1);
    // 181 days before the earlier date: nothing at all.
    assert!(findings(path, "2026-10-31").is_empty());
    // Between the two dates, L002 says one source has ended support, and L001 stays quiet.
    let between = findings(path, "2027-05-15");
    assert_eq!(codes(&between), ["L002"]);
    let message = between[0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("ended on 2027-04-30 by one vendor source (another gives 2027-06-30)"),
        "{message}"
    );
    // Once extended support is over too, the message says so.
    let late = findings(path, "2032-05-01");
    let message = late[0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("ended too, on 2032-04-30"), "{message}");
}

/// Versions written the way systems and people write them reach their own entry end to end:
/// L001 the day after that entry's date (never a neighbour's, such as FreeBSD 14.0's branch
/// or SLES 12 GA), and no L001 on the date itself.
#[test]
fn versions_as_written_reach_their_own_entry() {
    let cases = [
        ("sles", "11.4", "2019-03-31", "2019-04-01"),
        ("sles", "12.2", "2018-03-31", "2018-04-01"),
        ("sles", "12.3", "2019-06-30", "2019-07-01"),
        ("sles", "12-SP3", "2019-06-30", "2019-07-01"),
        ("sles", "16.0", "2027-11-30", "2027-12-01"),
        ("freebsd", "14.0", "2024-09-30", "2024-10-01"),
        ("freebsd", "14.0-RELEASE-p6", "2024-09-30", "2024-10-01"),
        ("freebsd", "13.2", "2024-06-30", "2024-07-01"),
        ("windows-server", "2003r2", "2015-07-14", "2015-07-15"),
        ("windows-server", "Windows Server 2003 Enterprise", "2015-07-14", "2015-07-15"),
        ("anolis", "7.9", "2028-06-30", "2028-07-01"),
        ("anolis", "23.4", "2030-06-30", "2030-07-01"),
    ];
    let dir = scratch_in_target("lifecycle_dates", "written");
    for (i, (family, version, end, after)) in cases.into_iter().enumerate() {
        let id = format!("m-bp1lifecycle0000writ{i:02}");
        let path = image_file(&dir, &format!("v{i}.yaml"), &id, family, version);
        let path = path.as_str();
        let what = format!("{family} {version:?}");
        assert_eq!(codes(&findings(path, end)), ["L002"], "{what} on {end}");
        let past = findings(path, after);
        assert_eq!(codes(&past), ["L001"], "{what} on {after}");
        assert_eq!(past[0]["data"]["endOfSupport"], end, "{what}");
    }
}

/// Releases without a sourced date stay unknown (L004), never a neighbour's date.
#[test]
fn releases_without_a_source_are_unknown() {
    let dir = scratch_in_target("lifecycle_dates", "unknown");
    for (i, (family, version)) in
        [("alibaba-cloud-linux", "4"), ("alibaba-cloud-linux", "3 Pro"), ("sles", "16"), ("sles", "16.1")]
            .into_iter()
            .enumerate()
    {
        let id = format!("m-bp1lifecycle00000unk{i:02}");
        let path = image_file(&dir, &format!("u{i}.yaml"), &id, family, version);
        let found = selected(&path, "2040-01-01", "L001,L002,L004");
        assert_eq!(codes(&found), ["L004"], "{family} {version:?}");
    }
}
