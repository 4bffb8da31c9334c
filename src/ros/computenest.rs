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
/// template named `template` (a path), empty when it is in none.
pub fn artifact_keys(template: &str) -> Arc<[String]> {
    let Some(dir) =
        Path::new(template).ancestors().skip(1).find(|a| a.file_name().is_some_and(|n| n == ".computenest"))
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

/// The keys of every `ArtifactRelation` mapping in a config's text.
pub fn keys_of(text: &str) -> Vec<String> {
    let Ok(documents) = crate::source::parse_yaml(text, Limits::default()) else { return Vec::new() };
    let mut keys = Vec::new();
    for document in &documents {
        collect(&document.root, 0, &mut keys);
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
