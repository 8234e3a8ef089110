//! Shared by the hostile input tests: the scratch trees (a good migration next to a hostile
//! one), running the binary under a watchdog (directly or through a wrapper), and what a run
//! reported (its JSON report and the checks on both formats).

use std::ffi::OsString;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, ExitStatus, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

use crate::common::{json, sqlgate, write};

pub(crate) const GOOD: &str = "supabase/migrations/20260101000000_good.sql";
pub(crate) const HOSTILE: &str = "supabase/migrations/20260102000000_hostile.sql";
pub(crate) const MIGRATIONS: &str = "supabase/migrations";

/// A run that takes longer than this hangs: it is killed and the test fails.
/// Generous: the tests run a debug build, two 50 MB runs at once on shared cores.
pub(crate) const HANG: Duration = Duration::from_secs(300);
/// The FIFO runs get less: reading a FIFO with no writer blocks forever.
pub(crate) const FIFO_HANG: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------------------------------
// Running the binary

/// One finished run of the binary.
pub(crate) struct Run {
    what: String,
    status: ExitStatus,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
    pub(crate) elapsed: Duration,
}

impl Run {
    /// The exit code, after checking that the run ended by itself with 0, 1 or 2 and that
    /// nothing it printed is a panic.
    pub(crate) fn code(&self) -> i32 {
        let output = self.output();
        for needle in ["panicked", "RUST_BACKTRACE"] {
            assert!(
                !output.contains(needle),
                "{}: the output contains {needle:?}:\n{output}",
                self.what
            );
        }
        let Some(code) = self.status.code() else {
            panic!(
                "{}: killed by signal {:?}:\n{output}",
                self.what,
                self.status.signal()
            );
        };
        assert!(
            matches!(code, 0..=2),
            "{}: exit code {code} (expected 0, 1 or 2):\n{output}",
            self.what
        );
        code
    }

    pub(crate) fn output(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// How to start the binary: directly, or as another user (`runuser -u nobody --`).
pub(crate) struct Runner {
    pub(crate) prefix: Vec<OsString>,
    pub(crate) binary: PathBuf,
    /// Holds a copy of the binary that the other user can reach, while it is used.
    pub(crate) _copy: Option<TempDir>,
}

impl Runner {
    pub(crate) fn direct() -> Runner {
        Runner {
            prefix: Vec::new(),
            binary: PathBuf::from(env!("CARGO_BIN_EXE_sqlgate")),
            _copy: None,
        }
    }

    /// `sqlgate ARGS` in `dir`, in the environment `common::sqlgate` sets up (no colour, no
    /// `SQLGATE_*` or GitHub Actions variables), and without `RUST_BACKTRACE` so a panic
    /// prints its usual note.
    pub(crate) fn command(&self, dir: &Path, args: &[&str]) -> StdCommand {
        let template = sqlgate(dir);
        let mut argv = self.prefix.clone();
        argv.push(self.binary.clone().into_os_string());
        argv.extend(args.iter().map(OsString::from));
        let mut cmd = StdCommand::new(&argv[0]);
        cmd.args(&argv[1..]);
        for (key, value) in template.get_envs() {
            match value {
                Some(value) => cmd.env(key, value),
                None => cmd.env_remove(key),
            };
        }
        cmd.env_remove("RUST_BACKTRACE")
            .current_dir(template.get_current_dir().unwrap_or(dir));
        cmd
    }
}

/// Runs `cmd` in a process group of its own, with a watchdog that kills the whole group (a
/// wrapper like `runuser` or `time` and the binary) after `limit` and fails the test.
pub(crate) fn run(mut cmd: StdCommand, limit: Duration) -> Run {
    let what = format!(
        "`{} {}`",
        cmd.get_program().to_string_lossy(),
        cmd.get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    );
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let start = Instant::now();
    let child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
    let group = format!("-{}", child.id());
    let (finished, wait) = mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        if wait.recv_timeout(limit) == Err(RecvTimeoutError::Timeout) {
            let _ = StdCommand::new("kill")
                .args(["-KILL", "--", &group])
                .status();
            return true;
        }
        false
    });
    let output = child.wait_with_output().expect("the child's output");
    let _ = finished.send(());
    let killed = watchdog.join().expect("the watchdog thread");
    let elapsed = start.elapsed();
    assert!(
        !killed,
        "{what} did not finish within {limit:?}: it hangs (killed)"
    );
    Run {
        what,
        status: output.status,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        elapsed,
    }
}

/// `sqlgate check PATHS` in the human and the JSON format.
pub(crate) struct Checked {
    pub(crate) human: Run,
    pub(crate) json: Run,
    pub(crate) report: Report,
    pub(crate) code: i32,
}

pub(crate) fn check(dir: &Path, paths: &[&str]) -> Checked {
    check_with(&Runner::direct(), dir, paths, HANG)
}

pub(crate) fn check_with(runner: &Runner, dir: &Path, paths: &[&str], limit: Duration) -> Checked {
    let mut args = vec!["check"];
    args.extend_from_slice(paths);
    let human = run(runner.command(dir, &args), limit);
    args.extend(["--format", "json"]);
    let json_run = run(runner.command(dir, &args), limit);
    let code = human.code();
    assert_eq!(
        json_run.code(),
        code,
        "the human and JSON runs disagree on the exit code:\n{}\n{}",
        human.output(),
        json_run.output()
    );
    let report = Report(json(json_run.stdout.as_bytes()));
    Checked {
        human,
        json: json_run,
        report,
        code,
    }
}

// ---------------------------------------------------------------------------------------
// What a run reported

#[derive(Debug, PartialEq)]
pub(crate) struct Finding {
    pub(crate) file: String,
    pub(crate) code: String,
    pub(crate) line: u64,
    column: u64,
    message: String,
}

/// A JSON report.
pub(crate) struct Report(pub(crate) Value);

impl Report {
    pub(crate) fn findings(&self) -> Vec<Finding> {
        self.0["findings"]
            .as_array()
            .expect("findings[]")
            .iter()
            .map(|f| Finding {
                file: f["file"].as_str().unwrap_or_default().to_string(),
                code: f["code"].as_str().unwrap_or_default().to_string(),
                line: f["line"].as_u64().unwrap_or_default(),
                column: f["column"].as_u64().unwrap_or_default(),
                message: f["message"].as_str().unwrap_or_default().to_string(),
            })
            .collect()
    }

    pub(crate) fn errors(&self) -> Vec<(String, String)> {
        self.0["errors"]
            .as_array()
            .expect("errors[]")
            .iter()
            .map(|e| {
                (
                    e["file"].as_str().unwrap_or_default().to_string(),
                    e["message"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    }

    pub(crate) fn files_checked(&self) -> u64 {
        self.0["files_checked"].as_u64().expect("files_checked")
    }

    /// The one finding of `code` on `file`, as JSON.
    pub(crate) fn one(&self, file: &str, code: &str) -> &Value {
        let all: Vec<&Value> = self.0["findings"]
            .as_array()
            .expect("findings[]")
            .iter()
            .filter(|f| f["file"] == file && f["code"] == code)
            .collect();
        assert_eq!(all.len(), 1, "one {code} on {file}: {all:#?}");
        all[0]
    }
}

impl Checked {
    fn all_output(&self) -> String {
        format!("{}\n{}", self.human.output(), self.json.output())
    }

    /// The rest of the run went on: the good migration's DROP TABLE is reported, in both
    /// formats, exactly once (a symbolic link loop must not check it twice).
    pub(crate) fn assert_good_file_checked(&self) {
        let ds001: Vec<Finding> = self
            .report
            .findings()
            .into_iter()
            .filter(|f| f.file == GOOD && f.code == "DS001")
            .collect();
        assert_eq!(
            ds001,
            [Finding {
                file: GOOD.to_string(),
                code: "DS001".to_string(),
                line: 1,
                column: 1,
                message: "drop of table users".to_string(),
            }],
            "{}",
            self.all_output()
        );
        let human = self.human.output();
        assert_eq!(
            human
                .matches("DS001 drop-table: drop of table users")
                .count(),
            1,
            "{human}"
        );
        self.assert_human_diagnostic(GOOD, "DS001", 1, Some(1), "drop of table users");
    }

    /// The human report has a diagnostic titled with `code` and `message` whose snippet
    /// header names `file:line:column` (any column when `None`).
    fn assert_human_diagnostic(
        &self,
        file: &str,
        code: &str,
        line: u64,
        column: Option<u64>,
        message: &str,
    ) {
        let header = match column {
            Some(column) => format!("[{file}:{line}:{column}]"),
            None => format!("[{file}:{line}:"),
        };
        let human = self.human.output();
        let lines: Vec<&str> = human.lines().collect();
        assert!(
            lines
                .windows(2)
                .any(|pair| pair[0].contains(&format!("{code} "))
                    && pair[0].contains(message)
                    && pair[1].contains(&header)),
            "the human report has no {code} {message:?} at {header}:\n{human}"
        );
    }

    /// `file` could not be checked: it is the one entry of `errors[]` with exactly `message`,
    /// the human output says so on an `error:` line, and the exit code is 2.
    pub(crate) fn assert_only_error(&self, file: &str, message: &str) {
        assert_eq!(
            self.report.errors(),
            [(file.to_string(), message.to_string())],
            "{}",
            self.json.output()
        );
        let line = format!("error: {file}: {message}");
        assert!(
            self.human.output().lines().any(|l| l == line),
            "no line `{line}` in:\n{}",
            self.human.output()
        );
        assert_eq!(self.code, 2, "unreadable input makes the run an error");
    }

    /// A finding of `code` on `file` at `line` (and `column`, when given) whose message
    /// contains `message`, in both formats.
    pub(crate) fn finding(
        &self,
        file: &str,
        code: &str,
        line: u64,
        column: Option<u64>,
        message: &str,
    ) {
        let all = self.report.findings();
        assert!(
            all.iter().any(|f| f.file == file
                && f.code == code
                && f.line == line
                && column.is_none_or(|c| f.column == c)
                && f.message.contains(message)),
            "no {code} at {file}:{line}:{column:?} containing {message:?} in {all:#?}"
        );
        self.assert_human_diagnostic(file, code, line, column, message);
    }

    /// Nothing went wrong: no error, no finding on `file`, `checked` files checked.
    pub(crate) fn assert_checked_fine(&self, file: &str, checked: u64) {
        assert_eq!(self.report.errors(), [], "{}", self.json.output());
        let on_file: Vec<Finding> = self
            .report
            .findings()
            .into_iter()
            .filter(|f| f.file == file)
            .collect();
        assert_eq!(on_file, [], "{}", self.json.output());
        assert_eq!(
            self.report.files_checked(),
            checked,
            "{}",
            self.json.output()
        );
        let plural = if checked == 1 { "" } else { "s" };
        let summary = format!("({checked} file{plural} checked,");
        assert!(
            self.human.output().contains(&summary),
            "no `{summary}` in:\n{}",
            self.human.output()
        );
    }
}

// ---------------------------------------------------------------------------------------
// Trees

/// A scratch directory with the good migration.
pub(crate) fn tree() -> TempDir {
    tree_in_tmp(false)
}

/// A scratch directory with the good migration; under `/tmp` when another user must read it.
pub(crate) fn tree_in_tmp(in_tmp: bool) -> TempDir {
    let dir = if in_tmp {
        tempfile::Builder::new()
            .prefix("sqlgate-hostile-")
            .tempdir_in("/tmp")
            .unwrap()
    } else {
        tempfile::tempdir().unwrap()
    };
    write(dir.path(), GOOD, "drop table users;\n");
    dir
}

/// A tree whose hostile migration holds `contents`.
pub(crate) fn with_hostile(contents: impl AsRef<[u8]>) -> TempDir {
    let dir = tree();
    write(dir.path(), HOSTILE, contents);
    dir
}

/// Deterministic pseudo-random bytes (no dependency, same bytes every run).
pub(crate) fn noise(len: usize) -> Vec<u8> {
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

pub(crate) fn mkfifo(path: &Path) {
    let status = StdCommand::new("mkfifo")
        .arg(path)
        .status()
        .expect("`mkfifo` runs");
    assert!(status.success(), "mkfifo {}", path.display());
}
