//! `ecslint catalog show [SECTION]` prints the reference data (built-in, the config's
//! `catalog:` files and `--catalog` files, merged as `check` merges them) as tables headed
//! by the catalog's date, or as JSON; `ecslint catalog import FILE...` turns API answers
//! into a catalog file on standard output (see `crate::catalog::import`).

use super::Failure;
use crate::catalog::{Catalog, InstanceType, OsLifecycle};
use crate::date::Date;
use clap::{Args, Subcommand, ValueEnum};
use serde_json::{Value, json};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct CatalogArgs {
    #[command(subcommand)]
    command: CatalogCommand,
}

#[derive(Debug, Subcommand)]
enum CatalogCommand {
    /// Print the catalog (all sections in brief, or one in full)
    Show(ShowArgs),
    #[command(
        about = "Turn JSON answers of DescribeRegions, DescribeZones, DescribeAvailableResource, DescribeInstanceTypes and DescribeImages into a catalog file on standard output"
    )]
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The section to print; without one, a summary of every section
    #[arg(value_enum)]
    section: Option<Section>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ShowFormat::Table)]
    format: ShowFormat,
    /// Extra catalog file that adds or replaces reference data (repeatable), as for `check`
    #[arg(long = "catalog", value_name = "FILE")]
    catalog_files: Vec<PathBuf>,
    /// Config file (default: discovered as for `check`); its `catalog:` files are included
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Ignore any config file
    #[arg(long)]
    no_config: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// JSON answers as the aliyun CLI prints them (`-` reads standard input)
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
    /// The date of the answers (default today)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    date: Option<Date>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Section {
    Regions,
    Zones,
    Types,
    Os,
    Fees,
    Quotas,
    Images,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ShowFormat {
    Table,
    Json,
}

fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text).ok_or_else(|| format!("`{text}` is not a date (YYYY-MM-DD)"))
}

pub fn run(args: &CatalogArgs) -> Result<bool, Failure> {
    match &args.command {
        CatalogCommand::Show(show) => run_show(show),
        CatalogCommand::Import(import) => run_import(import),
    }
}

fn run_show(args: &ShowArgs) -> Result<bool, Failure> {
    let config = super::check::load_config_at(args.config.as_ref(), args.no_config)?;
    let files: Vec<PathBuf> = config.catalog.iter().chain(&args.catalog_files).cloned().collect();
    let catalog = super::load_catalog(&files)?;
    let mut out = std::io::stdout().lock();
    match args.format {
        ShowFormat::Json => {
            let value = show_json(&catalog, args.section);
            let text = serde_json::to_string_pretty(&value).map_err(|e| Failure::Message(e.to_string()))?;
            writeln!(out, "{text}")?;
        }
        ShowFormat::Table => {
            let origin = if files.is_empty() {
                "built-in".to_owned()
            } else {
                let names: Vec<String> = files.iter().map(|f| crate::files::display_name(f)).collect();
                format!("built-in + {}", names.join(", "))
            };
            writeln!(out, "catalog dated {} ({origin})", catalog.date())?;
            writeln!(out)?;
            write!(out, "{}", show_table(&catalog, args.section))?;
        }
    }
    Ok(false)
}

/// The catalog, or one section of it, as JSON: `{"date": ..., "<section>": [...]}`.
fn show_json(catalog: &Catalog, section: Option<Section>) -> Value {
    let to = |v: Result<Value, serde_json::Error>| v.unwrap_or(Value::Null);
    let mut map = serde_json::Map::new();
    map.insert("date".into(), json!(catalog.date().to_string()));
    let wanted = |s: Section| section.is_none_or(|x| x == s);
    if wanted(Section::Regions) {
        map.insert("regions".into(), to(serde_json::to_value(catalog.regions().collect::<Vec<_>>())));
    }
    if wanted(Section::Zones) {
        map.insert(
            "zones".into(),
            Value::Array(zone_rows(catalog).into_iter().map(|z| z.to_json()).collect()),
        );
    }
    if wanted(Section::Types) {
        map.insert(
            "instanceTypes".into(),
            to(serde_json::to_value(catalog.instance_types().collect::<Vec<_>>())),
        );
    }
    if wanted(Section::Os) {
        map.insert("osLifecycle".into(), to(serde_json::to_value(catalog.lifecycles().collect::<Vec<_>>())));
    }
    if wanted(Section::Fees) {
        map.insert(
            "licenseFees".into(),
            to(serde_json::to_value(catalog.license_fees().collect::<Vec<_>>())),
        );
    }
    if wanted(Section::Quotas) {
        map.insert("quotas".into(), to(serde_json::to_value(catalog.quotas().collect::<Vec<_>>())));
    }
    if wanted(Section::Images) {
        map.insert("images".into(), to(serde_json::to_value(catalog.public_images().collect::<Vec<_>>())));
        map.insert("publicImageIdPatterns".into(), json!(catalog.public_image_pattern_count()));
    }
    Value::Object(map)
}

struct ZoneRow<'a> {
    zone: &'a str,
    region: &'a str,
    offered: Option<&'a [String]>,
}

impl ZoneRow<'_> {
    fn to_json(&self) -> Value {
        json!({"zone": self.zone, "region": self.region, "instanceTypes": self.offered})
    }
}

fn zone_rows(catalog: &Catalog) -> Vec<ZoneRow<'_>> {
    let mut rows = Vec::new();
    for region in catalog.regions() {
        if let Some(whole) = catalog.availability().find(|a| a.region == region.id && a.zone.is_none()) {
            rows.push(ZoneRow {
                zone: "(whole region)",
                region: &region.id,
                offered: Some(&whole.instance_types),
            });
        }
        for zone in region.zones.iter() {
            let offered = catalog
                .availability()
                .find(|a| a.region == region.id && a.zone.as_deref() == Some(&**zone))
                .map(|a| a.instance_types.as_slice());
            rows.push(ZoneRow { zone, region: &region.id, offered });
        }
        // A region whose zones are not all known says so, as "(whole region)" does for
        // availability: a reader must not take the listed zones for all of them.
        if !region.zones_complete {
            rows.push(ZoneRow { zone: OTHER_ZONES, region: &region.id, offered: None });
        }
    }
    rows
}

/// The row of a region's zones the catalog does not list (`zonesComplete: false`).
const OTHER_ZONES: &str = "(others not known)";

fn show_table(catalog: &Catalog, section: Option<Section>) -> String {
    let Some(section) = section else { return summary(catalog) };
    let (header, rows): (&[&str], Vec<Vec<String>>) = match section {
        Section::Regions => (
            &["REGION", "NAME", "MAINLAND", "ZONES", "SOURCE"],
            catalog
                .regions()
                .map(|r| {
                    vec![
                        r.id.to_string(),
                        r.name.as_deref().unwrap_or("-").to_owned(),
                        yes_no(r.mainland),
                        zones_cell(r),
                        r.source.to_string(),
                    ]
                })
                .collect(),
        ),
        Section::Zones => (
            &["ZONE", "REGION", "INSTANCE TYPES OFFERED"],
            zone_rows(catalog)
                .iter()
                .map(|z| {
                    let offered = match z.offered {
                        Some(types) => format!("{} types (imported)", types.len()),
                        None if z.zone == OTHER_ZONES => "zones the catalog does not list".to_owned(),
                        None => "no availability data".to_owned(),
                    };
                    vec![z.zone.to_owned(), z.region.to_owned(), offered]
                })
                .collect(),
        ),
        Section::Types => (
            &["TYPE", "FAMILY", "VCPUS", "MEMORY GIB", "ARCH", "BOOT", "SOURCE"],
            catalog.instance_types().map(type_row).collect(),
        ),
        Section::Os => (
            &["FAMILY", "VERSION", "NAME", "END OF SUPPORT", "PAID EXTENSION", "SOURCE"],
            catalog.lifecycles().map(os_row).collect(),
        ),
        Section::Fees => (
            &["FAMILY", "VERSIONS", "CHARGED", "TIERS (USD hour/month/year)", "SOURCE"],
            catalog.license_fees().map(fee_row).collect(),
        ),
        Section::Quotas => (
            &["QUOTA", "NAME", "DEFAULT", "SOURCE"],
            catalog
                .quotas()
                .map(|q| {
                    vec![
                        q.id.to_string(),
                        q.name.to_string(),
                        q.default.map_or_else(|| "account-specific (unset)".to_owned(), |d| d.to_string()),
                        q.source.to_string(),
                    ]
                })
                .collect(),
        ),
        Section::Images => return images_table(catalog),
    };
    table(header, &rows)
}

/// A region's zones; a region whose zones are not all known says so (its other zones are
/// never findings).
fn zones_cell(region: &crate::catalog::Region) -> String {
    match (region.zones_complete, region.zones.is_empty()) {
        (true, _) => region.zones.join(" "),
        (false, true) => "(not known)".to_owned(),
        (false, false) => format!("{} (+ others not known)", region.zones.join(" ")),
    }
}

fn fee_row(f: &crate::catalog::LicenseFee) -> Vec<String> {
    let tiers: Vec<String> = f
        .tiers
        .iter()
        .map(|t| {
            let range = t.max_vcpus.map_or_else(
                || format!("{}+ vCPUs", t.min_vcpus),
                |max| format!("{}-{max} vCPUs", t.min_vcpus),
            );
            format!("{range}: {}/{:.2}/{:.2}", t.hourly, t.monthly, t.yearly)
        })
        .collect();
    vec![
        f.family.to_string(),
        f.versions.as_ref().map_or_else(|| "all".to_owned(), |v| v.join(", ")),
        if f.outside_mainland_only { "outside mainland" } else { "everywhere" }.to_owned(),
        if tiers.is_empty() { "no published figure".to_owned() } else { tiers.join("; ") },
        f.source.to_string(),
    ]
}

fn images_table(catalog: &Catalog) -> String {
    let rows: Vec<Vec<String>> = catalog
        .public_images()
        .map(|i| {
            vec![
                i.id.clone(),
                i.os_name.clone().unwrap_or_default(),
                i.architecture.map(|a| a.to_string()).unwrap_or_default(),
                i.boot_mode.map(|b| b.to_string()).unwrap_or_default(),
                i.size_gib.map(|s| s.to_string()).unwrap_or_default(),
                i.regions.join(" "),
            ]
        })
        .collect();
    let mut text = table(&["IMAGE", "OS", "ARCH", "BOOT", "SIZE GIB", "REGIONS"], &rows);
    text.push('\n');
    text.push_str(&rows.len().to_string());
    text.push_str(" imported image(s); public image IDs not listed here are read by ");
    text.push_str(&catalog.public_image_pattern_count().to_string());
    text.push_str(" ID patterns (rules/catalog/public-image-ids.yaml)\n");
    text
}

fn summary(catalog: &Catalog) -> String {
    let zones: usize = catalog.regions().map(|r| r.zones.len()).sum();
    let partial = catalog.regions().filter(|r| !r.zones_complete).count();
    let zones = if partial == 0 {
        format!("{zones} zones")
    } else {
        format!("{zones} zones; {partial} regions with zones not all known")
    };
    let families = {
        let mut f: Vec<&str> = catalog.instance_types().map(|t| &*t.family).collect();
        f.sort_unstable();
        f.dedup();
        f.len()
    };
    let rows = vec![
        vec!["regions".into(), catalog.regions().count().to_string(), zones],
        vec!["types".into(), catalog.instance_types().count().to_string(), format!("{families} families")],
        vec!["os".into(), catalog.lifecycles().count().to_string(), "OS versions with end of support".into()],
        vec!["fees".into(), catalog.license_fees().count().to_string(), "licence fee entries".into()],
        vec!["quotas".into(), catalog.quotas().count().to_string(), String::new()],
        vec![
            "images".into(),
            catalog.public_images().count().to_string(),
            format!("imported; {} public image ID patterns", catalog.public_image_pattern_count()),
        ],
        vec![
            "availability".into(),
            catalog.availability().count().to_string(),
            "region/zone lists (imported; none built in)".into(),
        ],
    ];
    let mut text = table(&["SECTION", "ENTRIES", ""], &rows);
    text.push_str("\n`ecslint catalog show SECTION` prints a section; `ecslint catalog import` refreshes it from the API\n");
    text
}

fn yes_no(value: bool) -> String {
    if value { "yes" } else { "no" }.to_owned()
}

fn type_row(t: &InstanceType) -> Vec<String> {
    let boot = match t.boot_modes {
        crate::catalog::BootSupport::Bios => "BIOS",
        crate::catalog::BootSupport::Uefi => "UEFI",
        crate::catalog::BootSupport::Both => "BIOS, UEFI",
        crate::catalog::BootSupport::Unknown => "unknown",
    };
    vec![
        t.id.to_string(),
        t.family.to_string(),
        t.vcpus.to_string(),
        t.memory_gib.to_string(),
        t.architecture.to_string(),
        boot.to_owned(),
        t.source.to_string(),
    ]
}

fn os_row(e: &OsLifecycle) -> Vec<String> {
    let end = if e.earliest_end() == e.latest_end() {
        e.end_of_support.to_string()
    } else {
        format!("{} or {} (sources differ)", e.earliest_end(), e.latest_end())
    };
    let extension =
        e.extended_support.as_ref().map_or_else(String::new, |x| format!("{} to {}", x.name, x.until));
    vec![
        e.family.to_string(),
        e.version.to_string(),
        e.name.to_string(),
        end,
        extension,
        e.source.to_string(),
    ]
}

/// Left-aligned columns two spaces apart; the last column is not padded.
fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let mut out = String::new();
    let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    for row in std::iter::once(&header).chain(rows) {
        let last = row.len().saturating_sub(1);
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i < last {
                let pad = widths.get(i).copied().unwrap_or(0).saturating_sub(cell.chars().count()) + 2;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn run_import(args: &ImportArgs) -> Result<bool, Failure> {
    let mut answers = Vec::new();
    for path in &args.files {
        let text = if path.as_os_str() == "-" {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin().lock(), &mut text)?;
            text
        } else {
            crate::files::read_text(path)
                .map_err(|e| Failure::Message(format!("cannot read {}: {e}", path.display())))?
        };
        answers.push((crate::files::display_name(path), text));
    }
    let base = Catalog::builtin().map_err(|e| Failure::Message(e.to_string()))?;
    let date = args.date.unwrap_or_else(Date::today);
    let imported =
        crate::catalog::import(&answers, date, &base).map_err(|e| Failure::Message(e.to_string()))?;
    let mut stderr = std::io::stderr().lock();
    for warning in &imported.warnings {
        writeln!(stderr, "warning: {}", crate::files::excerpt(warning))?;
    }
    let value = serde_json::to_value(&imported.file).map_err(|e| Failure::Message(e.to_string()))?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "# ecslint catalog file: imported {date} from {} by `ecslint catalog import`.",
        answers.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", ")
    )?;
    writeln!(
        out,
        "# Add it with `--catalog FILE` or the config's `catalog:`; JSON is YAML, so it loads as is."
    )?;
    let text = serde_json::to_string_pretty(&value).map_err(|e| Failure::Message(e.to_string()))?;
    writeln!(out, "{text}")?;
    Ok(false)
}
