//! Helpers shared by the integration tests: run the built `ecslint` binary the same
//! way every time (fixed check date, no colour, 100 columns, repository root as the
//! working directory, so every path in the output is relative and stable).

// Each integration test crate compiles this module and uses only part of it.
#![allow(dead_code)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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
/// names) as its project context. Every rule runs: the rule fixtures use this.
pub fn check_args_every_rule<'a>(args: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    ["check", "--as-of", AS_OF, "--color", "never", "--no-config", "--no-context"]
        .into_iter()
        .chain(args)
        .map(str::to_string)
        .collect()
}

/// [`check_args_every_rule`] with L006 ignored: an info on every public image built more
/// than 180 days before the check date, as most IDs in these tests are. The tests that use
/// this are about other things, and L006 has fixtures of its own.
pub fn check_args<'a>(args: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    check_args_every_rule(["--ignore", "L006"].into_iter().chain(args))
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

    /// Panics with the run when standard error does not contain `needle`.
    #[track_caller]
    pub fn assert_stderr(&self, needle: &str) -> &Self {
        assert!(self.stderr.contains(needle), "stderr lacks {needle:?}\n{}", self.describe());
        self
    }

    /// The run as text, for assertion messages: each stream cut after `DESCRIBED_CHARS`
    /// characters, so a failure on a report of megabytes stays readable.
    pub fn describe(&self) -> String {
        let head = |s: &str| match s.char_indices().nth(DESCRIBED_CHARS) {
            Some((end, _)) => format!("{}\n[... {} more bytes]\n", &s[..end], s.len() - end),
            None => s.to_string(),
        };
        format!(
            "status: {:?}\n--- stdout ---\n{}--- stderr ---\n{}",
            self.code,
            head(&self.stdout),
            head(&self.stderr)
        )
    }

    /// Parses stdout as JSON.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON: {e}\n{}", self.describe()))
    }

    /// The findings of a JSON report, in output order (none when it has no `findings`).
    #[track_caller]
    pub fn json_findings(&self) -> Vec<serde_json::Value> {
        self.json()["findings"].as_array().cloned().unwrap_or_default()
    }

    /// The codes of the findings in a JSON report, in output order.
    #[track_caller]
    pub fn json_codes(&self) -> Vec<String> {
        self.json_findings().iter().map(|f| f["code"].as_str().unwrap_or_default().to_string()).collect()
    }
}

/// How much of each stream `Run::describe` shows.
const DESCRIBED_CHARS: usize = 4000;

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

/// How long `run_with_deadline` lets a run take: far above what any hostile-input case
/// takes even in a debug build; only a hang (or a cost that grows with the input's size
/// where it should not) gets near it.
pub const DEADLINE: Duration = Duration::from_secs(120);

/// Runs `command` (see `ecslint`) with `stdin` as its standard input (or none), its
/// standard output and error going to `stdout.txt` and `stderr.txt` in `scratch`, so a
/// large report cannot stall on a full pipe. Past `DEADLINE` the process is killed and
/// the test fails; it fails too when a signal ended the process or when it panicked
/// (exit status 101), so the returned `code` is always `Some`.
pub fn run_with_deadline(mut command: Command, scratch: &Path, stdin: Option<&[u8]>) -> Run {
    let shown: Vec<String> = command.get_args().map(|arg| arg.to_string_lossy().into_owned()).collect();
    let stdout_path = scratch.join("stdout.txt");
    let stderr_path = scratch.join("stderr.txt");
    let create =
        |path: &Path| std::fs::File::create(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if stdin.is_some() {
        command.stdin(Stdio::piped());
    }
    command.stdout(create(&stdout_path)).stderr(create(&stderr_path));
    let mut child = command.spawn().expect("the ecslint binary starts");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        // ecslint may stop reading (past its size limit) or exit first: a broken pipe is
        // its business.
        let _ = pipe.write_all(input);
    }
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for ecslint") {
            break status;
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("ecslint {shown:?} did not finish within {DEADLINE:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let read = |path: &Path| String::from_utf8_lossy(&std::fs::read(path).unwrap_or_default()).into_owned();
    let (stdout, stderr) = (read(&stdout_path), read(&stderr_path));
    let Some(code) = status.code() else {
        use std::os::unix::process::ExitStatusExt as _;
        panic!("ecslint {shown:?} was killed by signal {:?}\n{stderr}", status.signal());
    };
    assert_ne!(code, 101, "ecslint {shown:?} panicked\n{stderr}");
    Run { code: Some(code), stdout, stderr }
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

/// A fresh, empty directory for one test's generated inputs and captured output, at
/// `target/tmp/GROUP/NAME` (`CARGO_TARGET_TMPDIR`), where it stays for inspection after
/// the run. What a previous run left there is removed first, unreadable entries included.
pub fn scratch_in_target(group: &str, name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(group).join(name);
    if dir.exists() {
        make_removable(&dir);
        std::fs::remove_dir_all(&dir).unwrap_or_else(|e| panic!("cannot clear {}: {e}", dir.display()));
    }
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

/// Gives back permissions a previous run took away, so the directory can be removed.
fn make_removable(dir: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if let Ok(meta) = std::fs::symlink_metadata(&path) {
            if !meta.file_type().is_symlink() {
                let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755));
                if meta.is_dir() {
                    make_removable(&path);
                }
            }
        }
    }
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
