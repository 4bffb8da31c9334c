//! Times the public image ID parser on the real-ID list, and partial-name readings.
//!
//! `cargo run --release --example image_ids` prints the time to load the built-in catalog,
//! to parse every ID of `tests/data/public-image-ids.tsv` (and of the not-ID list), and to
//! read ROS prefixes and Terraform regexes against the catalog's known IDs.

use ecslint::catalog::Catalog;
use std::hint::black_box;
use std::time::{Duration, Instant};

const IDS: &str = include_str!("../tests/data/public-image-ids.tsv");
const NOT_IDS: &str = include_str!("../tests/data/not-public-image-ids.tsv");

fn first_column(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split('\t').next())
        .collect()
}

/// The best of `rounds` runs of `f`, to keep noise from other processes out.
fn best(rounds: u32, mut f: impl FnMut()) -> Duration {
    (0..rounds)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let start = Instant::now();
    let catalog = Catalog::builtin().expect("the built-in catalog loads");
    println!("catalog load: {:?}", start.elapsed());
    let ids = first_column(IDS);
    let not_ids = first_column(NOT_IDS);
    let parse_all = best(20, || {
        for id in &ids {
            black_box(catalog.parse_public_image_id(black_box(id)));
        }
    });
    let per_id = parse_all / u32::try_from(ids.len()).unwrap_or(1);
    println!("{} real IDs: {parse_all:?} ({per_id:?} per ID)", ids.len());
    let reject_all = best(20, || {
        for id in &not_ids {
            black_box(catalog.parse_public_image_id(black_box(id)));
        }
    });
    println!("{} not-IDs: {reject_all:?}", not_ids.len());
    let first = Instant::now();
    black_box(catalog.image_prefix("centos_7"));
    println!("first partial name (parses the known IDs once): {:?}", first.elapsed());
    for name in
        ["centos_7", "aliyun_3_9_x64_20G_alibase_", "centos", "CentOS7_9", "centos_6_09_64_20G_alibase*.vhd"]
    {
        let time = best(20, || {
            black_box(catalog.image_prefix(black_box(name)));
        });
        println!("image_prefix({name:?}): {time:?}");
    }
    for regex in [
        "^centos_7",
        "^ubuntu_[0-9]+_[0-9]+_x64*",
        "^(centos|ubuntu)",
        ".*",
        "^win2019_1809_x64_dtc_en-us_40G",
    ] {
        let time = best(20, || {
            black_box(catalog.image_regex(black_box(regex)));
        });
        println!("image_regex({regex:?}): {time:?}");
    }
}
