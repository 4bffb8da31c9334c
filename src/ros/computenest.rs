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

/// The keys of the `ArtifactRelation` mappings of the Compute Nest service that holds the
/// template named `template` (a path), sorted, each once; empty when it is in none. The
/// service is looked for above the path as named (made absolute), then above its real
/// path: a template named from inside `.computenest`, or linked into it, or reached through
/// a link to it, finds it alike.
pub fn artifact_keys(template: &str) -> Arc<[String]> {
    let path = Path::new(template);
    let named = std::env::current_dir().map_or_else(|_| path.to_path_buf(), |here| here.join(path));
    let real = std::fs::canonicalize(path).ok();
    let service = |p: &Path| {
        p.ancestors()
            .skip(1)
            .find(|a| a.file_name().is_some_and(|n| n == ".computenest"))
            .map(Path::to_path_buf)
    };
    let Some(dir) = service(&named).or_else(|| real.as_deref().and_then(service)) else {
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

/// The keys of every `ArtifactRelation` mapping in a config's text, sorted, each once. A
/// config the YAML parser refuses is read line by line: Compute Nest
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
    keys
}

/// The keys one level under each `ArtifactRelation:` line, read by indentation (block
/// form only).
fn keys_by_lines(text: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let body = line.trim_start();
        if !is_relation(body) {
            continue;
        }
        let indent = line.len() - body.len();
        let mut level = None;
        // A line that ends the block is left for the outer loop (it may start another).
        while let Some(line) = lines.peek() {
            let body = line.trim_start();
            if body.is_empty() || body.starts_with('#') {
                lines.next();
                continue;
            }
            let at = line.len() - body.len();
            if at <= indent || at < *level.get_or_insert(at) {
                break;
            }
            if Some(at) == level
                && let Some(key) = key_of(body)
            {
                keys.push(key);
            }
            lines.next();
        }
    }
    keys
}

/// Whether a line (without its indentation) is `ArtifactRelation:`, the key quoted or not,
/// with a comment or not.
fn is_relation(body: &str) -> bool {
    let Some(rest) = body.strip_prefix("ArtifactRelation").or_else(|| {
        body.strip_prefix("\"ArtifactRelation\"").or_else(|| body.strip_prefix("'ArtifactRelation'"))
    }) else {
        return false;
    };
    let Some(rest) = rest.trim_start().strip_prefix(':') else { return false };
    let rest = rest.trim();
    rest.is_empty() || rest.starts_with('#')
}

/// The key of a `key: ...` line: quoted (up to its closing quote) or plain (up to `:`).
fn key_of(body: &str) -> Option<String> {
    let key = match body.chars().next()? {
        quote @ ('\'' | '"') => body[1..].split(quote).next()?,
        _ => body.split(':').next()?.trim_end(),
    };
    (!key.is_empty()).then(|| key.to_string())
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
