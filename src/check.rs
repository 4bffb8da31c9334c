//! The check pipeline: parse every source, find and validate resources, report
//! duplicates, and return sorted findings. No I/O and no printing happen here.

use crate::diag::{Finding, Location, sort_findings};
use crate::files::Loaded;
use crate::source::{self, Limits, SourceFile};
use crate::spec::{self, Resource, codes};
use std::sync::Arc;

/// Settings of one check run.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    pub limits: Limits,
}

/// What a run found.
#[derive(Debug, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub files: Vec<Arc<SourceFile>>,
    pub resources: Vec<Resource>,
}

/// Checks the given sources.
pub fn check(reads: Vec<Loaded>, options: &CheckOptions) -> Outcome {
    let mut outcome = Outcome::default();
    for read in reads {
        outcome.files.push(Arc::clone(&read.file));
        if let Some(problem) = read.problem {
            outcome.findings.push(problem);
            continue;
        }
        let resources = load(&read.file, options, &mut outcome.findings);
        outcome.resources.extend(resources);
    }
    spec::check_duplicate_names(&outcome.resources, &mut outcome.findings);
    sort_findings(&mut outcome.findings);
    outcome
}

/// Parses one file and extracts its resources; a syntax error is an S001 finding.
pub fn load(file: &Arc<SourceFile>, options: &CheckOptions, findings: &mut Vec<Finding>) -> Vec<Resource> {
    match source::parse(file, options.limits) {
        Ok(documents) => spec::extract(file, documents, findings),
        Err(error) => {
            let at = |span| Location::new(Arc::clone(file), span);
            let mut finding = codes::PARSE_ERROR.finding(error.message, at(error.span));
            finding.help = error.help;
            for (span, message) in error.labels {
                finding = finding.with_label(at(span), message);
            }
            findings.push(finding);
            Vec::new()
        }
    }
}
