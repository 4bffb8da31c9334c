//! The parse-only floor of the benchmark: read every spec file under a directory and
//! parse it into the spanned tree, nothing else (no schema, no rules, no output).
//!
//! `cargo bench --bench parse -- DIR` (run by `benches/bench.sh`). It prints the time
//! on one thread and on as many threads as `ecslint check` uses (all cores, like its
//! rayon pool), and the bench script compares the full check with the latter.
//!
//! With `--once` it reads and parses every file once on one thread and prints no time:
//! the run to count instructions of, which do not depend on the machine's load
//! (`valgrind --tool=callgrind target/release/deps/parse-* DIR --once`).

use ecslint::files::{Input, ReadOptions, collect, read};
use ecslint::source::{Limits, parse};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The binary's allocator (src/main.rs), so the floor parses the way a check does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // `cargo bench` appends `--bench`; everything else is the directory.
    let dir = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    let Some(dir) = dir else {
        eprintln!("usage: cargo bench --bench parse -- DIR");
        std::process::exit(2);
    };
    // The files `ecslint check DIR` would check, in the same order. The walk is not part
    // of the floor; its time (on every core, as a check walks) is printed apart, for the
    // one-file check in its project, which walks the project too.
    let walked = Instant::now();
    let collected = collect(std::slice::from_ref(&dir), "-").unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2);
    });
    let walk = walked.elapsed();
    let paths: Vec<PathBuf> =
        collected.inputs.iter().filter_map(|i| i.path().map(Path::to_path_buf)).collect();
    if paths.is_empty() {
        eprintln!("no .yaml, .yml or .json files under {dir}");
        std::process::exit(2);
    }
    if std::env::args().any(|a| a == "--once") {
        let (documents, errors) = count(&paths);
        println!("parse-only once: {} files, {documents} documents, {errors} not parsed", paths.len());
        return;
    }
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    // Once to warm the page cache, then the measured runs.
    run(&paths, 1);
    let single = best_of(3, || run(&paths, 1));
    let parallel = best_of(3, || run(&paths, threads));
    let (nodes, errors) = count(&paths);
    println!("parse-only: {} files, {nodes} documents, {errors} not parsed", paths.len());
    println!("walk (not in the floor, first run): {:.3} s", walk.as_secs_f64());
    println!("parse-only 1 thread: {:.3} s", single.as_secs_f64());
    println!("parse-only {threads} threads: {:.3} s", parallel.as_secs_f64());
}

fn best_of(runs: usize, mut f: impl FnMut() -> Duration) -> Duration {
    (0..runs).map(|_| f()).min().unwrap_or_default()
}

/// Reads and parses every file, split across `threads` threads.
fn run(paths: &[PathBuf], threads: usize) -> Duration {
    let started = Instant::now();
    let chunk = paths.len().div_ceil(threads.max(1));
    std::thread::scope(|scope| {
        for part in paths.chunks(chunk.max(1)) {
            scope.spawn(move || {
                for path in part {
                    std::hint::black_box(load(path));
                }
            });
        }
    });
    started.elapsed()
}

/// Reads one file as `ecslint check` does and parses it; the number of documents, or
/// `None` for a file that did not parse.
fn load(path: &Path) -> Option<usize> {
    let input = Input::File {
        path: path.to_path_buf(),
        name: path.display().to_string(),
        explicit: true,
        stat: None,
    };
    let loaded = read(&input, ReadOptions::default()).ok()?;
    if loaded.problem.is_some() {
        return None;
    }
    parse(&loaded.file, Limits::default()).ok().map(|documents| documents.len())
}

fn count(paths: &[PathBuf]) -> (usize, usize) {
    paths.iter().map(|p| load(p)).fold((0, 0), |(n, e), r| match r {
        Some(docs) => (n + docs, e),
        None => (n, e + 1),
    })
}
