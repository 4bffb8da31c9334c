//! The `ecslint` binary: parse arguments, run, map the result to an exit status.

/// See the `mimalloc` entry in Cargo.toml for why the binary does not use the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    ecslint::cli::run(std::env::args_os())
}
