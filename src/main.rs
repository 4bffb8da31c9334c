//! The `ecslint` binary: parse arguments, run, map the result to an exit status.

fn main() -> std::process::ExitCode {
    ecslint::cli::run(std::env::args_os())
}
