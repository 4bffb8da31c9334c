//! Compute Nest services: a ROS template under a `.computenest` directory is deployed by
//! Compute Nest, which replaces an `ImageId` written as a key of the service's
//! `ArtifactRelation` (`ImageId: centos_7` with `ArtifactRelation: {centos_7: {ArtifactId:
//! ...}}` in `.computenest/config.yaml`) by the image of that artifact, built for the
//! service. Such an `ImageId` is a placeholder: its image is not known before deploy.
//!
//! Only the `config.yaml` of the nearest `.computenest` directory that holds the template
//! is read, once per directory, with the bounds of ecslint's own inputs; a config that is
//! missing, unreadable or broken names no artifact (it changes nothing).

use crate::source::{Limits, Node, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};

/// Deepest mapping under which `ArtifactRelation` is looked for (it sits at
/// `Service.DeployMetadata.SupplierDeployMetadata.ArtifactRelation`).
const MAX_DEPTH: usize = 6;

/// The artifact keys of each config read in this run, by its path.
static READ: LazyLock<Mutex<HashMap<PathBuf, Arc<[String]>>>> = LazyLock::new(Mutex::default);

/// Most artifact keys kept from one config: an `ImageId` is looked up among them, and a
/// config is not ecslint's input to bound otherwise.
const MAX_KEYS: usize = 10_000;

/// The keys of the `ArtifactRelation` mappings of the Compute Nest service that holds the
/// template named `template` (a path), sorted, each once; empty when it is in none. The
/// service is found from the template's real path, so a path written from inside
/// `.computenest`, through a symbolic link or absolute finds it alike.
pub fn artifact_keys(template: &str) -> Arc<[String]> {
    let path = Path::new(template);
    let real = std::fs::canonicalize(path)
        .or_else(|_| std::env::current_dir().map(|here| here.join(path)))
        .unwrap_or_else(|_| path.to_path_buf());
    let Some(dir) = real.ancestors().skip(1).find(|a| a.file_name().is_some_and(|n| n == ".computenest"))
    else {
        return Arc::from(Vec::new());
    };
    let config = dir.join("config.yaml");
    if let Some(keys) = READ.lock().ok().and_then(|read| read.get(&config).cloned()) {
        return keys;
    }
    let keys: Arc<[String]> = Arc::from(read(&config));
    if let Ok(mut read) = READ.lock() {
        read.insert(config, Arc::clone(&keys));
    }
    keys
}

fn read(config: &Path) -> Vec<String> {
    let Ok(text) = crate::files::read_text(config) else { return Vec::new() };
    keys_of(&text)
}

/// The keys of every `ArtifactRelation` mapping in a config's text, sorted, each once, at
/// most [`MAX_KEYS`]. A config the YAML parser refuses is read line by line: Compute Nest
/// publishes configs a strict parser does not take (a quoted scalar's next lines indented
/// no deeper than its key).
pub fn keys_of(text: &str) -> Vec<String> {
    let mut keys = Vec::new();
    match crate::source::parse_yaml(text, Limits::default()) {
        Ok(documents) => {
            for document in &documents {
                collect(&document.root, 0, &mut keys);
            }
        }
        Err(_) => keys = keys_by_lines(text),
    }
    keys.sort_unstable();
    keys.dedup();
    keys.truncate(MAX_KEYS);
    keys
}

/// The keys one level under each `ArtifactRelation:` line, read by indentation (block
/// form only).
fn keys_by_lines(text: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let body = line.trim_start();
        if body.trim_end() != "ArtifactRelation:" {
            continue;
        }
        let indent = line.len() - body.len();
        let mut level = None;
        for line in lines.by_ref() {
            let body = line.trim_start();
            if body.is_empty() || body.starts_with('#') {
                continue;
            }
            let at = line.len() - body.len();
            if at <= indent || at < *level.get_or_insert(at) {
                break;
            }
            if Some(at) == level
                && let Some((key, _)) = body.split_once(':')
            {
                let key = key.trim();
                let unquoted = [('\'', '\''), ('"', '"')]
                    .iter()
                    .find_map(|&(open, close)| key.strip_prefix(open)?.strip_suffix(close))
                    .unwrap_or(key);
                if !unquoted.is_empty() {
                    keys.push(unquoted.to_string());
                }
            }
        }
    }
    keys
}

fn collect(node: &Node, depth: usize, keys: &mut Vec<String>) {
    let Value::Map(entries) = &node.value else { return };
    for entry in entries {
        if &*entry.key.name == "ArtifactRelation" {
            if let Some(relation) = entry.value.as_map() {
                keys.extend(relation.iter().map(|e| e.key.name.to_string()));
            }
        } else if depth < MAX_DEPTH {
            collect(&entry.value, depth + 1, keys);
        }
    }
}
