//! Writes the built-in catalog as static Rust data, for `build.rs` (see `src/catalog/builtin.rs`).

use serde_json::{Map, Value};
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write as _;

/// Writes the built-in catalog for `src/catalog/builtin.rs`: the files merged as
/// `Catalog::merge` merges them (later entries with the same key replace earlier ones in
/// place, instance families flattened into types), so a run reads the catalog without
/// parsing or merging anything. The data holds no pointer, so the loader has nothing to
/// relocate in it and its pages are read only when a run looks at them: every text is a
/// range of one string (`t(start, end)`), a list a range of a table, each section a
/// function that builds its `i`th entry in the crate's own types (`Region`,
/// `InstanceType`, ...), and each key index pairs a key's range with its entry's position.
/// The image ID section stays JSON, read when an image ID is first parsed. A test checks all
/// of it against what the checked loader makes of the YAML.
pub struct StaticCatalog {
    /// Each list of texts: a range of this table of text ranges.
    list_items: Vec<(usize, usize)>,
    /// Every licence fee's tiers, one after another (`FeeTier` holds no pointer).
    tiers: Vec<String>,
    date: Option<String>,
    regions: Keyed,
    types: Keyed,
    lifecycle: Keyed,
    /// Each lifecycle entry's OS family, which `Catalog::lifecycle` looks entries up by.
    lifecycle_families: Vec<String>,
    fees: Keyed,
    quotas: Keyed,
    retired: Keyed,
    images: String,
}

/// Every text of the catalog in one string, each distinct text once, and where each is.
#[derive(Default)]
struct Strings {
    text: String,
    at: HashMap<String, (usize, usize)>,
}

thread_local! {
    /// The one string the texts of `build.rs`'s single run go into.
    static STRINGS: RefCell<Strings> = RefCell::default();
}

/// Where `text` is in the one string, added the first time.
fn intern(text: &str) -> (usize, usize) {
    STRINGS.with_borrow_mut(|strings| {
        if let Some(&at) = strings.at.get(text) {
            return at;
        }
        let at = (strings.text.len(), strings.text.len() + text.len());
        strings.text.push_str(text);
        strings.at.insert(text.to_owned(), at);
        at
    })
}

/// The expression of a text: its range of the one string.
fn text_expr(text: &str) -> String {
    let (start, end) = intern(text);
    format!("t({start}, {end})")
}

/// Entries (Rust expressions) in merge order, and the key of each where the catalog looks
/// entries up by a plain ID.
#[derive(Default)]
struct Keyed {
    items: Vec<(Option<String>, String)>,
}

impl Keyed {
    fn upsert(&mut self, key: Option<String>, item: String) {
        match key.as_ref().and_then(|k| self.items.iter().position(|(key, _)| key.as_ref() == Some(k))) {
            Some(i) => self.items[i] = (key, item),
            None => self.items.push((key, item)),
        }
    }

    /// `fn decode(i) -> Option<TYPE>` building entry `i`, a slot for each entry built,
    /// `NAME_INDEX` (for keyed entries: each key's range, sorted by key, with the entry's
    /// position; else empty), `NAME_GROUPS` (each entry's group, or empty) and
    /// `pub static NAME: Section<TYPE>` of them.
    fn write(&self, name: &str, ty: &str, keyed: bool, groups: &[String], out: &mut String) {
        let n = self.items.len();
        let decode = name.to_lowercase();
        let _ = writeln!(
            out,
            "#[allow(clippy::too_many_lines)] // an arm per entry\nfn {decode}(i: usize) -> Option<{ty}> {{\n    Some(match i {{"
        );
        for (i, (_, item)) in self.items.iter().enumerate() {
            let _ = writeln!(out, "        {i} => {item},");
        }
        out.push_str("        _ => return None,\n    })\n}\n");
        let _ =
            writeln!(out, "static {name}_SLOTS: [OnceLock<{ty}>; {n}] = [const {{ OnceLock::new() }}; {n}];");
        let mut keys: Vec<(&str, usize)> = if keyed {
            self.items.iter().enumerate().filter_map(|(i, (k, _))| Some((k.as_deref()?, i))).collect()
        } else {
            Vec::new()
        };
        keys.sort_unstable();
        let _ = writeln!(out, "static {name}_INDEX: [(u32, u32, u32); {}] = [", keys.len());
        for (key, i) in keys {
            let (start, end) = intern(key);
            let _ = writeln!(out, "    ({start}, {end}, {i}),");
        }
        out.push_str("];\n");
        assert!(groups.is_empty() || groups.len() == n, "{name}: a group for every entry");
        let _ = writeln!(out, "static {name}_GROUPS: [(u32, u32); {}] = [", groups.len());
        for group in groups {
            let (start, end) = intern(group);
            let _ = writeln!(out, "    ({start}, {end}),");
        }
        out.push_str("];\n");
        let _ = writeln!(
            out,
            "pub static {name}: Section<{ty}> = Section::new(&{name}_SLOTS, &{name}_INDEX, &{name}_GROUPS, {decode});"
        );
    }
}

/// One JSON object of a built-in catalog file, read field by field: a missing required
/// field, a field of the wrong kind or an unknown field stops the build.
struct Fields<'a> {
    map: &'a Map<String, Value>,
    what: String,
}

impl<'a> Fields<'a> {
    fn new(value: &'a Value, what: &str, known: &[&str]) -> Self {
        let Value::Object(map) = value else { panic!("{what}: not a mapping") };
        if let Some(unknown) = map.keys().find(|k| !known.contains(&k.as_str())) {
            panic!("{what}: unknown field `{unknown}`");
        }
        Self { map, what: what.to_owned() }
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn need(&self, key: &str) -> &'a Value {
        self.get(key).unwrap_or_else(|| panic!("{}: `{key}` is required", self.what))
    }

    fn str(&self, key: &str) -> &'a str {
        self.need(key).as_str().unwrap_or_else(|| panic!("{}: `{key}` is not a string", self.what))
    }

    fn text(&self, key: &str) -> String {
        text_expr(self.str(key))
    }

    fn opt_text(&self, key: &str) -> String {
        self.get(key).map_or_else(|| "None".to_owned(), |_| format!("Some({})", self.text(key)))
    }

    fn bool(&self, key: &str) -> bool {
        self.get(key)
            .is_some_and(|v| v.as_bool().unwrap_or_else(|| panic!("{}: `{key}` is not a boolean", self.what)))
    }

    fn uint(&self, key: &str, max: u64) -> String {
        let n = self.need(key).as_u64().filter(|n| *n <= max);
        n.unwrap_or_else(|| panic!("{}: `{key}` is not an integer in range", self.what)).to_string()
    }

    fn opt_uint(&self, key: &str, max: u64) -> String {
        self.get(key).map_or_else(|| "None".to_owned(), |_| format!("Some({})", self.uint(key, max)))
    }

    /// By its bits: exact, as serde reads it.
    fn float(&self, key: &str) -> String {
        let f = self.need(key).as_f64().unwrap_or_else(|| panic!("{}: `{key}` is not a number", self.what));
        let bits = f.to_bits();
        format!(
            "f64::from_bits(0x{:04x}_{:04x}_{:04x}_{:04x})",
            bits >> 48,
            (bits >> 32) & 0xffff,
            (bits >> 16) & 0xffff,
            bits & 0xffff
        )
    }

    fn date(&self, key: &str) -> String {
        date_expr(self.str(key))
            .unwrap_or_else(|| panic!("{}: `{key}` is not a date (YYYY-MM-DD)", self.what))
    }

    fn opt_date(&self, key: &str) -> String {
        self.get(key).map_or_else(|| "None".to_owned(), |_| format!("Some({})", self.date(key)))
    }

    fn list(&self, key: &str) -> &'a [Value] {
        self.get(key)
            .map_or(&[], |v| v.as_array().unwrap_or_else(|| panic!("{}: `{key}` is not a list", self.what)))
    }

    /// A list of texts, each as its range of the one string.
    fn texts(&self, key: &str) -> Vec<(usize, usize)> {
        let text = |v: &Value| v.as_str().map(intern);
        let items = self.list(key).iter().map(text);
        items
            .collect::<Option<_>>()
            .unwrap_or_else(|| panic!("{}: `{key}` is not a list of strings", self.what))
    }
}

/// `Date::from_ymd(..)` for `YYYY-MM-DD` (the constant assertion refuses an impossible date).
fn date_expr(text: &str) -> Option<String> {
    let mut parts = text.splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
    if !digits(y, 4) || !digits(m, 2) || !digits(d, 2) {
        return None;
    }
    Some(format!(
        "Date::from_ymd({}, {}, {})",
        y.trim_start_matches('0'),
        m.trim_start_matches('0'),
        d.trim_start_matches('0')
    ))
}

fn architecture(value: &str, what: &str) -> &'static str {
    match value {
        "x86_64" => "Architecture::X86_64",
        "i386" => "Architecture::I386",
        "arm64" => "Architecture::Arm64",
        _ => panic!("{what}: unknown architecture `{value}`"),
    }
}

impl StaticCatalog {
    pub fn new() -> Self {
        Self {
            list_items: Vec::new(),
            tiers: Vec::new(),
            date: None,
            regions: Keyed::default(),
            types: Keyed::default(),
            lifecycle: Keyed::default(),
            lifecycle_families: Vec::new(),
            fees: Keyed::default(),
            quotas: Keyed::default(),
            retired: Keyed::default(),
            images: String::new(),
        }
    }

    /// A list of texts: `texts(start, end)`, a range of the list items' table.
    fn text_list(&mut self, items: &[(usize, usize)]) -> String {
        if items.is_empty() {
            return "Cow::Borrowed(&[])".to_owned();
        }
        let start = self.list_items.len();
        self.list_items.extend_from_slice(items);
        format!("texts({start}, {})", self.list_items.len())
    }

    /// A list of fee tiers: `tiers(start, end)`, a range of the tiers' table.
    fn tier_list(&mut self, items: Vec<String>) -> String {
        if items.is_empty() {
            return "Cow::Borrowed(&[])".to_owned();
        }
        let start = self.tiers.len();
        self.tiers.extend(items);
        format!("tiers({start}, {})", self.tiers.len())
    }

    /// Adds one document of a built-in file (`path`), as `Catalog::merge` would.
    pub fn add(&mut self, path: &str, document: &Value) {
        if document.is_null() {
            return;
        }
        let file = Fields::new(
            document,
            path,
            &[
                "date",
                "regions",
                "instanceFamilies",
                "osLifecycle",
                "licenseFees",
                "quotas",
                "publicImageIds",
                "availability",
                "images",
                "retiredFamilies",
            ],
        );
        if let Some(date) = file.get("date") {
            let date = date.as_str().filter(|d| date_expr(d).is_some());
            let date = date.unwrap_or_else(|| panic!("{path}: `date` is not a date")).to_owned();
            self.date = self.date.take().max(Some(date));
        }
        assert!(
            file.list("availability").is_empty() && file.list("images").is_empty(),
            "{path}: built-in `availability` and `images` are not supported (no public page lists them)"
        );
        self.add_regions(path, &file);
        self.add_instance_families(path, &file);
        self.add_lifecycle(path, &file);
        self.add_fees(path, &file);
        self.add_quotas(path, &file);
        self.add_retired(path, &file);
        if let Some(section) = file.get("publicImageIds") {
            let _ = writeln!(self.images, "    ({path:?}, {:?}),", section.to_string());
        }
    }

    fn add_regions(&mut self, path: &str, file: &Fields) {
        for region in file.list("regions") {
            let f = Fields::new(
                region,
                &format!("{path}: region"),
                &["id", "name", "mainland", "zones", "zonesComplete", "source", "note"],
            );
            let zones = f.texts("zones");
            // Without the key a region's zones are all of its zones (as `Region` deserializes).
            let complete = f.get("zonesComplete").is_none() || f.bool("zonesComplete");
            assert!(
                !complete || !zones.is_empty(),
                "{path}: region `{}` lists no zone but does not say `zonesComplete: false`",
                f.str("id")
            );
            let zones = self.text_list(&zones);
            let item = format!(
                "Region {{ id: {}, name: {}, mainland: {}, zones: {zones}, zones_complete: {complete}, \
                 source: {}, note: {} }}",
                f.text("id"),
                f.opt_text("name"),
                f.need("mainland")
                    .as_bool()
                    .unwrap_or_else(|| panic!("{path}: region `mainland` is not a boolean")),
                f.text("source"),
                f.opt_text("note"),
            );
            self.regions.upsert(Some(f.str("id").to_owned()), item);
        }
    }

    fn add_instance_families(&mut self, path: &str, file: &Fields) {
        for family in file.list("instanceFamilies") {
            let f = Fields::new(
                family,
                &format!("{path}: instance family"),
                &["family", "architecture", "bootModes", "bootModeSource", "source", "note", "types"],
            );
            let arch = architecture(f.str("architecture"), &f.what);
            let modes: Vec<&str> =
                f.list("bootModes").iter().map(|m| m.as_str().unwrap_or_default()).collect();
            assert!(
                modes.iter().all(|m| matches!(*m, "BIOS" | "UEFI")),
                "{path}: family `{}`: instance types support BIOS and/or UEFI",
                f.str("family")
            );
            // As `Catalog::merge`: an Arm type boots UEFI whatever the file says.
            let boot = match (arch == "Architecture::Arm64", modes.contains(&"BIOS"), modes.contains(&"UEFI"))
            {
                (true, _, _) | (false, false, true) => "BootSupport::Uefi",
                (false, true, true) => "BootSupport::Both",
                (false, true, false) => "BootSupport::Bios",
                (false, false, false) => "BootSupport::Unknown",
            };
            for entry in f.list("types") {
                let t = Fields::new(
                    entry,
                    &format!("{path}: instance type"),
                    &["id", "vcpus", "memoryGiB", "note"],
                );
                let note = if t.get("note").is_some() { t.opt_text("note") } else { f.opt_text("note") };
                let item = format!(
                    "InstanceType {{ id: {}, family: {}, vcpus: {}, memory_gib: {}, architecture: {arch}, boot_modes: {boot}, source: {}, boot_mode_source: {}, note: {note} }}",
                    t.text("id"),
                    f.text("family"),
                    t.uint("vcpus", u32::MAX.into()),
                    t.float("memoryGiB"),
                    f.text("source"),
                    f.opt_text("bootModeSource"),
                );
                self.types.upsert(Some(t.str("id").to_owned()), item);
            }
        }
    }

    fn add_lifecycle(&mut self, path: &str, file: &Fields) {
        for entry in file.list("osLifecycle") {
            let f = Fields::new(
                entry,
                &format!("{path}: OS lifecycle entry"),
                &[
                    "family",
                    "version",
                    "name",
                    "endOfSupport",
                    "source",
                    "otherEndOfSupport",
                    "otherSource",
                    "extendedSupport",
                    "note",
                ],
            );
            let extended = f.get("extendedSupport").map_or_else(
                || "None".to_owned(),
                |v| {
                    let e = Fields::new(
                        v,
                        &format!("{path}: extended support"),
                        &["name", "until", "source", "note"],
                    );
                    format!(
                        "Some(ExtendedSupport {{ name: {}, until: {}, source: {}, note: {} }})",
                        e.text("name"),
                        e.date("until"),
                        e.text("source"),
                        e.opt_text("note")
                    )
                },
            );
            let item = format!(
                "OsLifecycle {{ family: {}, version: {}, name: {}, end_of_support: {}, source: {}, other_end_of_support: {}, other_source: {}, extended_support: {extended}, note: {} }}",
                f.text("family"),
                f.text("version"),
                f.text("name"),
                f.date("endOfSupport"),
                f.text("source"),
                f.opt_date("otherEndOfSupport"),
                f.opt_text("otherSource"),
                f.opt_text("note"),
            );
            // Keyed by normalised family and version at run time; the test compares.
            self.lifecycle.upsert(None, item);
            self.lifecycle_families.push(f.str("family").to_owned());
        }
    }

    fn add_fees(&mut self, path: &str, file: &Fields) {
        for fee in file.list("licenseFees") {
            let f = Fields::new(
                fee,
                &format!("{path}: licence fee"),
                &["family", "versions", "name", "currency", "outsideMainlandOnly", "tiers", "source", "note"],
            );
            let versions = if f.get("versions").is_some() {
                let versions = f.texts("versions");
                format!("Some({})", self.text_list(&versions))
            } else {
                "None".to_owned()
            };
            let tiers: Vec<String> = f
                .list("tiers")
                .iter()
                .map(|tier| {
                    let t = Fields::new(
                        tier,
                        &format!("{path}: fee tier"),
                        &["minVcpus", "maxVcpus", "hourly", "monthly", "yearly"],
                    );
                    format!(
                        "FeeTier {{ min_vcpus: {}, max_vcpus: {}, hourly: {}, monthly: {}, yearly: {} }}",
                        t.uint("minVcpus", u32::MAX.into()),
                        t.opt_uint("maxVcpus", u32::MAX.into()),
                        t.float("hourly"),
                        t.float("monthly"),
                        t.float("yearly"),
                    )
                })
                .collect();
            assert!(f.get("tiers").is_some(), "{path}: licence fee `tiers` is required");
            let tiers = self.tier_list(tiers);
            let item = format!(
                "LicenseFee {{ family: {}, versions: {versions}, name: {}, currency: {}, outside_mainland_only: {}, tiers: {tiers}, source: {}, note: {} }}",
                f.text("family"),
                f.opt_text("name"),
                f.opt_text("currency"),
                f.bool("outsideMainlandOnly"),
                f.text("source"),
                f.opt_text("note"),
            );
            self.fees.upsert(None, item);
        }
    }

    fn add_quotas(&mut self, path: &str, file: &Fields) {
        for quota in file.list("quotas") {
            let f =
                Fields::new(quota, &format!("{path}: quota"), &["id", "name", "default", "source", "note"]);
            let item = format!(
                "Quota {{ id: {}, name: {}, default: {}, source: {}, note: {} }}",
                f.text("id"),
                f.text("name"),
                f.opt_uint("default", u64::MAX),
                f.text("source"),
                f.opt_text("note"),
            );
            self.quotas.upsert(Some(f.str("id").to_owned()), item);
        }
    }

    fn add_retired(&mut self, path: &str, file: &Fields) {
        for family in file.list("retiredFamilies") {
            let f = Fields::new(
                family,
                &format!("{path}: retired family"),
                &["family", "retired", "replacement", "source", "changeableTo", "changeSource", "note"],
            );
            let changeable = f.texts("changeableTo");
            let changeable = self.text_list(&changeable);
            let item = format!(
                "RetiredFamily {{ family: {}, retired: {}, replacement: {}, source: {}, changeable_to: {changeable}, change_source: {}, note: {} }}",
                f.text("family"),
                f.opt_date("retired"),
                f.opt_text("replacement"),
                f.text("source"),
                f.opt_text("changeSource"),
                f.opt_text("note"),
            );
            self.retired.upsert(Some(f.str("family").to_owned()), item);
        }
    }

    pub fn write(&self) -> String {
        let mut out = String::new();
        let date = self.date.as_deref().and_then(date_expr).expect("a built-in catalog file has a `date`");
        let _ = writeln!(out, "pub static DATE: Date = {date};");
        self.regions.write("REGIONS", "Region", true, &[], &mut out);
        self.types.write("INSTANCE_TYPES", "InstanceType", true, &[], &mut out);
        self.lifecycle.write("LIFECYCLE", "OsLifecycle", false, &self.lifecycle_families, &mut out);
        self.fees.write("FEES", "LicenseFee", false, &[], &mut out);
        self.quotas.write("QUOTAS", "Quota", true, &[], &mut out);
        self.retired.write("RETIRED", "RetiredFamily", true, &[], &mut out);
        let _ = writeln!(out, "static LIST_ITEMS: [(u32, u32); {}] = [", self.list_items.len());
        for (start, end) in &self.list_items {
            let _ = writeln!(out, "    ({start}, {end}),");
        }
        out.push_str("];\n");
        let _ = writeln!(out, "static TIERS: [FeeTier; {}] = [", self.tiers.len());
        for tier in &self.tiers {
            let _ = writeln!(out, "    {tier},");
        }
        out.push_str("];\n");
        // Last: every text above is in it.
        let strings = STRINGS.with_borrow(|strings| strings.text.clone());
        let _ = writeln!(out, "const STRINGS: &str = {strings:?};");
        let _ = writeln!(out, "pub static IMAGE_SECTIONS: &[(&str, &str)] = &[\n{}];", self.images);
        out
    }
}
