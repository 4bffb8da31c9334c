//! Helpers shared by the integration tests: run the built `ecslint` binary the same
//! way every time (fixed check date, no colour, 100 columns, repository root as the
//! working directory, so every path in the output is relative and stable).

// Each integration test crate compiles this module and uses only part of it.
#![allow(dead_code)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The check date every test runs with, so end-of-support rules do not drift.
pub const AS_OF: &str = "2026-11-22";

/// The repository root, where `fixtures/` lives.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The built binary, in the repository root, with a fixed terminal environment.
pub fn ecslint() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ecslint"));
    command
        .current_dir(root())
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR")
        .stdin(Stdio::null());
    command
}

/// `check --as-of AS_OF --color never --no-config --no-context` followed by `args`: no
/// `ecslint.yaml` above the working directory can change what a test sees, and a named
/// fixture is checked alone, not with the rest of this repository (whose fixtures reuse
/// names) as its project context.
pub fn check_args<'a>(args: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    ["check", "--as-of", AS_OF, "--color", "never", "--no-config", "--no-context"]
        .into_iter()
        .chain(args)
        .map(str::to_string)
        .collect()
}

/// What one run of the binary produced.
#[derive(Debug)]
pub struct Run {
    /// The exit status; `None` when a signal ended the process.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Panics with the whole run when the exit status is not `expected`.
    #[track_caller]
    pub fn assert_code(&self, expected: i32) -> &Self {
        assert_eq!(self.code, Some(expected), "unexpected exit status\n{}", self.describe());
        self
    }

    /// The run as text, for assertion messages.
    pub fn describe(&self) -> String {
        format!("status: {:?}\n--- stdout ---\n{}--- stderr ---\n{}", self.code, self.stdout, self.stderr)
    }

    /// Parses stdout as JSON.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON: {e}\n{}", self.describe()))
    }

    /// The codes of the findings in a JSON report, in output order.
    #[track_caller]
    pub fn json_codes(&self) -> Vec<String> {
        let json = self.json();
        let findings = json["findings"].as_array().cloned().unwrap_or_default();
        findings.iter().map(|f| f["code"].as_str().unwrap_or_default().to_string()).collect()
    }
}

/// Runs `command` with `stdin` as its standard input (or none).
pub fn run_command(mut command: Command, stdin: Option<&[u8]>) -> Run {
    if stdin.is_some() {
        command.stdin(Stdio::piped());
    }
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().expect("the ecslint binary starts");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        // The binary may exit before reading everything; a broken pipe here is its business.
        let _ = pipe.write_all(input);
    }
    let output = child.wait_with_output().expect("the ecslint binary runs to completion");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs `ecslint` with `args` in the repository root.
pub fn run<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Run {
    let mut command = ecslint();
    command.args(args);
    run_command(command, None)
}

/// Runs `ecslint` with `args`, feeding `input` on standard input.
pub fn run_stdin<S: AsRef<std::ffi::OsStr>>(args: &[S], input: &str) -> Run {
    let mut command = ecslint();
    command.args(args);
    run_command(command, Some(input.as_bytes()))
}

/// A fresh, empty scratch directory for one test, under the system temp directory
/// (outside the repository, so its `.gitignore` does not apply).
pub fn scratch_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ecslint-tests-{}-{test}", std::process::id()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("old scratch directory removed");
    }
    std::fs::create_dir_all(&dir).expect("scratch directory created");
    dir
}

/// Writes `files` (relative path, content) under `dir`, creating parent directories.
pub fn write_files(dir: &Path, files: &[(&str, &str)]) {
    for (path, content) in files {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("parent directory created");
        }
        std::fs::write(&path, content).expect("scratch file written");
    }
}

/// A valid, realistic Instance named `name`, as a YAML document.
pub fn instance_yaml(name: &str) -> String {
    format!(
        "kind: Instance\nname: {name}\nregion: cn-hangzhou\nzone: cn-hangzhou-h\n\
         instanceType: ecs.g7.large\nimage: aliyun_3_x64_20G_alibase_20240819.vhd\n"
    )
}
