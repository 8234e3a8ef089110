//! No hostile input can crash `sqlgate check`, end to end: the built binary runs over a real
//! Supabase migrations directory where a good migration (`drop table users;`, DS001) sits next
//! to a hostile file: not UTF-8, NUL bytes, binary, UTF-16, 50 MB, deeply nested, unterminated,
//! symbolic link loops, dangling links, unreadable, empty, a FIFO, a directory named `.sql`...
//!
//! Every run must end on its own (a watchdog kills it and fails the test otherwise) with exit
//! code 0, 1 or 2 and no panic; the hostile file is named with what is wrong with it (and
//! where), or checked fine when it is valid; and the good file's DS001 is still reported.
#![cfg(unix)]

use std::ffi::OsString;
use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, ExitStatus, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

mod common;
use common::{json, sqlgate, write};

const GOOD: &str = "supabase/migrations/20260101000000_good.sql";
const HOSTILE: &str = "supabase/migrations/20260102000000_hostile.sql";
const MIGRATIONS: &str = "supabase/migrations";

/// A run that takes longer than this hangs: it is killed and the test fails.
/// Generous: the tests run a debug build, two 50 MB runs at once on shared cores.
const HANG: Duration = Duration::from_secs(300);
/// The FIFO runs get less: reading a FIFO with no writer blocks forever.
const FIFO_HANG: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------------------------------
// Running the binary

/// One finished run of the binary.
struct Run {
    what: String,
    status: ExitStatus,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

impl Run {
    /// The exit code, after checking that the run ended by itself with 0, 1 or 2 and that
    /// nothing it printed is a panic.
    fn code(&self) -> i32 {
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

    fn output(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// How to start the binary: directly, or as another user (`runuser -u nobody --`).
struct Runner {
    prefix: Vec<OsString>,
    binary: PathBuf,
    /// Holds a copy of the binary that the other user can reach, while it is used.
    _copy: Option<TempDir>,
}

impl Runner {
    fn direct() -> Runner {
        Runner {
            prefix: Vec::new(),
            binary: PathBuf::from(env!("CARGO_BIN_EXE_sqlgate")),
            _copy: None,
        }
    }

    /// `sqlgate ARGS` in `dir`, in the environment `common::sqlgate` sets up (no colour, no
    /// `SQLGATE_*` or GitHub Actions variables), and without `RUST_BACKTRACE` so a panic
    /// prints its usual note.
    fn command(&self, dir: &Path, args: &[&str]) -> StdCommand {
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
fn run(mut cmd: StdCommand, limit: Duration) -> Run {
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
struct Checked {
    human: Run,
    json: Run,
    report: Report,
    code: i32,
}

fn check(dir: &Path, paths: &[&str]) -> Checked {
    check_with(&Runner::direct(), dir, paths, HANG)
}

fn check_with(runner: &Runner, dir: &Path, paths: &[&str], limit: Duration) -> Checked {
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
struct Finding {
    file: String,
    code: String,
    line: u64,
    column: u64,
    message: String,
}

/// A JSON report.
struct Report(Value);

impl Report {
    fn findings(&self) -> Vec<Finding> {
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

    fn errors(&self) -> Vec<(String, String)> {
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

    fn files_checked(&self) -> u64 {
        self.0["files_checked"].as_u64().expect("files_checked")
    }

    /// The one finding of `code` on `file`, as JSON.
    fn one(&self, file: &str, code: &str) -> &Value {
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
    fn assert_good_file_checked(&self) {
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
    fn assert_only_error(&self, file: &str, message: &str) {
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
    fn finding(&self, file: &str, code: &str, line: u64, column: Option<u64>, message: &str) {
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
    fn assert_checked_fine(&self, file: &str, checked: u64) {
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
fn tree() -> TempDir {
    tree_in_tmp(false)
}

/// A scratch directory with the good migration; under `/tmp` when another user must read it.
fn tree_in_tmp(in_tmp: bool) -> TempDir {
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
fn with_hostile(contents: impl AsRef<[u8]>) -> TempDir {
    let dir = tree();
    write(dir.path(), HOSTILE, contents);
    dir
}

/// Deterministic pseudo-random bytes (no dependency, same bytes every run).
fn noise(len: usize) -> Vec<u8> {
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

fn mkfifo(path: &Path) {
    let status = StdCommand::new("mkfifo")
        .arg(path)
        .status()
        .expect("`mkfifo` runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

// ---------------------------------------------------------------------------------------
// Not text

#[test]
fn invalid_utf8_in_the_middle_names_line_column_and_byte() {
    // Line 3 is `select 'é` then the bad byte: column 10 (characters), byte 10 + 10 + 10.
    let dir = with_hostile(b"select 1;\nselect 2;\nselect '\xc3\xa9\xff';\ndrop table t;\n");
    let run = check(dir.path(), &[]);
    run.assert_only_error(
        HOSTILE,
        "invalid UTF-8 at line 3, column 10 (byte 30): re-save the file as UTF-8",
    );
    run.assert_good_file_checked();
}

#[test]
fn nul_bytes_name_the_first_one() {
    // The NULs would hide the DROP TABLE from the parser, and psql cuts the SQL there.
    let dir = with_hostile(b"select 1;\n  \0\0drop table t;\n");
    let run = check(dir.path(), &[]);
    run.assert_only_error(
        HOSTILE,
        "NUL byte at line 2, column 3 (byte 12): SQL cannot contain NUL bytes; remove it",
    );
    run.assert_good_file_checked();
}

#[test]
fn a_binary_file_named_sql() {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend(noise(64 * 1024));
    let dir = with_hostile(png);
    let run = check(dir.path(), &[]);
    run.assert_only_error(
        HOSTILE,
        "binary content (NUL bytes); invalid UTF-8 at line 1, column 1: migrations must be UTF-8 text",
    );
    run.assert_good_file_checked();
}

#[test]
fn utf16_with_a_byte_order_mark() {
    let mut bytes = vec![0xff, 0xfe];
    bytes.extend(
        "drop table t;\nselect 1;\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    let dir = with_hostile(bytes);
    let run = check(dir.path(), &[]);
    run.assert_only_error(
        HOSTILE,
        "UTF-16 text (it starts with a UTF-16 byte order mark): re-save the file as UTF-8",
    );
    run.assert_good_file_checked();
}

#[test]
fn a_file_name_that_is_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tree();
    let name = std::ffi::OsStr::from_bytes(b"20260102000000_caf\xe9.sql");
    fs::write(dir.path().join(MIGRATIONS).join(name), "drop table t;\n").unwrap();
    let run = check(dir.path(), &[]);
    run.assert_only_error(
        "supabase/migrations/20260102000000_caf\u{fffd}.sql",
        "the file name is not valid UTF-8: rename it",
    );
    run.assert_good_file_checked();
}

// ---------------------------------------------------------------------------------------
// Size

/// 50 MB of valid SQL: many INSERTs (with `drop table x;` inside their strings, which must not
/// count) and one real DROP TABLE at a known line.
fn fifty_megabytes() -> (TempDir, u64, u64) {
    let statement = "INSERT INTO events (id, payload) VALUES (1, 'drop table x; -- not sql');\n";
    let count = 50 * 1024 * 1024 / statement.len();
    // The lock timeout keeps LK008 out and the rollback note RV004: one finding, the DROP.
    let mut text = String::from("SET lock_timeout = '5s';\nBEGIN;\n");
    text.push_str(&statement.repeat(count));
    let drop_line = 2 + count as u64 + 1;
    text.push_str("DROP TABLE events;\nCOMMIT;\n-- rollback: restore events from the backup\n");
    let dir = with_hostile(&text);
    (dir, text.len() as u64, drop_line)
}

/// Runs `check --format json` on the 50 MB tree under GNU time and returns the run and the
/// peak resident set size in bytes.
fn check_under_time(dir: &Path) -> (Run, u64) {
    let time = Path::new("/usr/bin/time");
    assert!(
        time.exists(),
        "/usr/bin/time (GNU time) is needed to measure peak memory: install it (Debian: `apt-get install time`)"
    );
    let rss_file = dir.join("peak-rss-kb");
    let runner = Runner {
        prefix: vec![
            time.into(),
            "-f".into(),
            "%M".into(),
            "-o".into(),
            rss_file.clone().into(),
        ],
        ..Runner::direct()
    };
    let run = run(runner.command(dir, &["check", "--format", "json"]), HANG);
    let kb = fs::read_to_string(&rss_file).unwrap_or_default();
    let kb: u64 = kb
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or_else(|| panic!("GNU time wrote no peak RSS: {kb:?}\n{}", run.output()));
    (run, kb * 1024)
}

fn assert_fifty_megabytes_checked(max_rss_per_byte: u64) {
    let (dir, size, drop_line) = fifty_megabytes();
    let (run, rss) = check_under_time(dir.path());
    assert_eq!(run.code(), 1, "{}", run.stderr);
    let report = Report(json(run.stdout.as_bytes()));
    assert_eq!(report.errors(), []);
    let found: Vec<(String, String, u64)> = report
        .findings()
        .into_iter()
        .map(|f| (f.file, f.code, f.line))
        .collect();
    assert_eq!(
        found,
        [
            (GOOD.to_string(), "DS001".to_string(), 1),
            (GOOD.to_string(), "RV004".to_string(), 1),
            (HOSTILE.to_string(), "DS001".to_string(), drop_line),
        ],
        "only the real DROP TABLE of the big file (none in its strings)"
    );
    assert!(
        // A debug build beside the other tests; a release build takes a few seconds.
        run.elapsed < Duration::from_secs(240),
        "50 MB took {:?}",
        run.elapsed
    );
    assert!(
        rss <= max_rss_per_byte * size,
        "peak RSS {} MB for a {} MB file: more than {max_rss_per_byte} times its size",
        rss >> 20,
        size >> 20
    );
}

/// The human format is left out here (it would double the longest test); every other case
/// runs it.
#[test]
fn fifty_megabyte_file() {
    // A loose regression guard (it was about 12 times the file size before statements were
    // modelled one by one); the target, 5 times, is
    // `fifty_megabyte_file_within_five_times_its_size`.
    assert_fifty_megabytes_checked(16);
}

/// Each statement's tokens are dropped once it is modelled, and a model is 152 bytes: about
/// 4.1 times the file size in a release build, 4.3 in a debug one.
#[test]
fn fifty_megabyte_file_within_five_times_its_size() {
    assert_fifty_megabytes_checked(5);
}

/// sqlparser's AST takes ~175 bytes per byte of SQL: a statement of more than 50,000 tokens
/// is modelled from its tokens only (24 bytes per token, ~10 bytes per byte of this INSERT,
/// held while the statement is modelled), well within the baseline below.
#[test]
fn one_big_insert_stays_within_five_times_its_size() {
    let rows: String = (0..400_000).map(|i| format!("({i}, 'x'), ")).collect();
    let text = format!("insert into t (a, b) values {rows}(0, 'x');\ndrop table t;\n");
    let dir = with_hostile(&text);
    let (run, rss) = check_under_time(dir.path());
    assert_eq!(run.code(), 1, "{}", run.stderr);
    let report = Report(json(run.stdout.as_bytes()));
    assert_eq!(report.one(HOSTILE, "DS001")["line"], 2);
    // What the binary needs for a tiny tree, generously.
    let baseline = 64 << 20;
    assert!(
        rss <= 5 * text.len() as u64 + baseline,
        "peak RSS {} MB for a {} MB statement",
        rss >> 20,
        text.len() >> 20
    );
}

/// One line of 1 MB: a string literal, then a DROP TABLE whose column is past 1 048 576.
fn one_megabyte_line() -> (TempDir, u64) {
    let filler = "x".repeat(1024 * 1024);
    let line = format!("select '{filler}'; drop table t;\n");
    let column = line.find("drop").unwrap() as u64 + 1;
    (with_hostile(line), column)
}

#[test]
fn a_one_megabyte_line_in_json() {
    let (dir, column) = one_megabyte_line();
    let run = run_format(dir.path(), "json");
    assert_eq!(run.code(), 1);
    let report = Report(json(run.stdout.as_bytes()));
    let ds001 = report.one(HOSTILE, "DS001");
    assert_eq!(
        (ds001["line"].as_u64(), ds001["column"].as_u64()),
        (Some(1), Some(column))
    );
    // The other machine formats too.
    for format in ["github", "sarif", "markdown"] {
        let run = run_format(dir.path(), format);
        assert_eq!(run.code(), 1, "{format}");
        assert!(run.stdout.contains(HOSTILE), "{format}:\n{}", run.stdout);
    }
}

fn run_format(dir: &Path, format: &str) -> Run {
    run(
        Runner::direct().command(dir, &["check", "--format", format]),
        HANG,
    )
}

#[test]
fn a_one_megabyte_line_in_the_human_format() {
    let (dir, column) = one_megabyte_line();
    let run = check(dir.path(), &[]);
    run.finding(HOSTILE, "DS001", 1, Some(column), "drop of table t");
    run.assert_good_file_checked();
}

#[test]
fn many_findings_on_one_long_line_print_a_proportionate_report() {
    let names = ", t".repeat(4000);
    let dir = with_hostile(format!("drop table t{names};\n"));
    let run = check(dir.path(), &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.human.stdout.len() <= 4 * run.json.stdout.len(),
        "human output {} bytes, JSON {} bytes",
        run.human.stdout.len(),
        run.json.stdout.len()
    );
}

#[test]
fn twenty_thousand_tiny_statements() {
    let mut text = "select 1;\n".repeat(20_000);
    text.push_str("drop table t;\n");
    let dir = with_hostile(text);
    let run = check(dir.path(), &[]);
    assert_eq!(run.code, 1);
    assert_eq!(run.report.errors(), []);
    run.finding(HOSTILE, "DS001", 20_001, Some(1), "drop of table t");
    // The good file's one statement and all of the hostile file's.
    assert_eq!(run.report.0["statements"], 1 + 20_001);
    run.assert_good_file_checked();
}

// ---------------------------------------------------------------------------------------
// Nesting and unterminated constructs

#[test]
fn ten_thousand_nested_parentheses_balanced_and_not() {
    let open = "(".repeat(10_000);
    let close = ")".repeat(10_000);
    for (what, select) in [
        ("balanced", format!("select {open}1{close};")),
        ("unbalanced", format!("select {open}1;")),
    ] {
        let dir = with_hostile(format!("drop table t;\n{select}\n"));
        let run = check(dir.path(), &[]);
        assert_eq!(run.code, 1, "{what}");
        assert_eq!(run.report.errors(), [], "{what}");
        run.finding(HOSTILE, "DS001", 1, Some(1), "drop of table t");
        run.finding(HOSTILE, "MT001", 2, Some(1), "not fully parsed");
        run.assert_good_file_checked();
    }
}

#[test]
fn unterminated_constructs_at_the_end_are_parse_errors_with_their_position() {
    for (tail, column, message) in [
        ("select 'never closed", 8, "unterminated quoted string"),
        ("select \"never closed", 8, "unterminated quoted identifier"),
        (
            "do $body$ begin drop table u;",
            4,
            "unterminated dollar-quoted string $body$",
        ),
        (
            "select 1; /* never closed",
            11,
            "unterminated block comment",
        ),
    ] {
        let dir = with_hostile(format!("drop table t;\n{tail}\n"));
        let run = check(dir.path(), &[]);
        assert_eq!(run.code, 1, "{tail}");
        assert_eq!(run.report.errors(), [], "{tail}");
        run.finding(HOSTILE, "DS001", 1, Some(1), "drop of table t");
        run.finding(HOSTILE, "MT001", 2, Some(column), message);
        run.assert_good_file_checked();
    }
}

// ---------------------------------------------------------------------------------------
// Links, special files, permissions

#[test]
fn directory_symlink_loops_are_walked_once() {
    let dir = tree();
    let migrations = dir.path().join(MIGRATIONS);
    // A link to the directory holding it, and one to the parent of its own directory.
    symlink(".", migrations.join("again")).unwrap();
    fs::create_dir(migrations.join("nested")).unwrap();
    symlink("..", migrations.join("nested/up")).unwrap();
    let run = check(dir.path(), &[]);
    assert_eq!(run.code, 1);
    assert_eq!(run.report.errors(), []);
    assert_eq!(run.report.files_checked(), 1, "{}", run.json.output());
    run.assert_good_file_checked();
}

#[test]
fn a_file_symlink_to_itself() {
    let dir = tree();
    let name = "supabase/migrations/20260102000000_a.sql";
    symlink("20260102000000_a.sql", dir.path().join(name)).unwrap();
    let run = check(dir.path(), &[]);
    let errors = run.report.errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, name);
    assert!(
        errors[0].1.starts_with("cannot read it") && errors[0].1.contains("symbolic links"),
        "{errors:?}"
    );
    run.assert_only_error(name, &errors[0].1);
    run.assert_good_file_checked();
}

#[test]
fn a_dangling_symlink() {
    let dir = tree();
    let name = "supabase/migrations/20260102000000_gone.sql";
    symlink("20260101000000_deleted.sql", dir.path().join(name)).unwrap();
    let run = check(dir.path(), &[]);
    run.assert_only_error(
        name,
        "cannot read it (it does not exist; a broken symbolic link?): fix or remove it",
    );
    run.assert_good_file_checked();
}

#[test]
fn a_fifo_named_sql_does_not_hang() {
    let dir = tree();
    let fifo = "supabase/migrations/20260102000000_x.sql";
    mkfifo(&dir.path().join(fifo));
    // Walking the directory: the FIFO is not a file to read.
    let run = check_with(&Runner::direct(), dir.path(), &[], FIFO_HANG);
    assert_eq!(run.code, 1);
    assert_eq!(run.report.errors(), []);
    assert_eq!(run.report.files_checked(), 1);
    run.assert_good_file_checked();
    // Given by name: reported, not read.
    let run = check_with(&Runner::direct(), dir.path(), &[fifo, GOOD], FIFO_HANG);
    run.assert_only_error(
        fifo,
        "not a regular file (a FIFO, socket or device): give migration files or directories",
    );
    run.assert_good_file_checked();
}

#[test]
fn a_directory_named_sql() {
    let dir = tree();
    let odd = "supabase/migrations/20260102000000_x.sql";
    fs::create_dir_all(dir.path().join(odd)).unwrap();
    let run = check(dir.path(), &[]);
    assert_eq!(run.code, 1);
    assert_eq!(run.report.errors(), []);
    assert_eq!(run.report.files_checked(), 1);
    run.assert_good_file_checked();
    // Given by name: a directory with no migrations, which says where it looked.
    let run = check(dir.path(), &[odd]);
    assert_eq!(run.code, 0);
    assert_eq!(run.report.files_checked(), 0);
    assert!(
        run.human
            .stderr
            .contains(&format!("no migrations found under {odd}")),
        "{}",
        run.human.output()
    );
}

fn is_root() -> bool {
    let out = StdCommand::new("id")
        .arg("-u")
        .output()
        .expect("`id -u` runs");
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

/// A runner that permissions apply to: as root (where chmod does not stop reads), the binary
/// runs as `nobody` through `runuser`, copied where `nobody` can reach it when needed.
fn unprivileged() -> Runner {
    if !is_root() {
        return Runner::direct();
    }
    let runuser = |binary: &Path| {
        StdCommand::new("runuser")
            .args(["-u", "nobody", "--"])
            .arg(binary)
            .arg("--version")
            .output()
            .unwrap_or_else(|e| {
                panic!("running as root, the permission tests need `runuser` (util-linux): {e}")
            })
    };
    let mut runner = Runner {
        prefix: ["runuser", "-u", "nobody", "--"]
            .map(OsString::from)
            .to_vec(),
        ..Runner::direct()
    };
    if runuser(&runner.binary).status.success() {
        return runner;
    }
    let copy = tempfile::Builder::new()
        .prefix("sqlgate-bin-")
        .tempdir_in("/tmp")
        .unwrap();
    fs::set_permissions(copy.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let binary = copy.path().join("sqlgate");
    fs::copy(&runner.binary, &binary).unwrap();
    fs::set_permissions(&binary, fs::Permissions::from_mode(0o755)).unwrap();
    let probe = runuser(&binary);
    assert!(
        probe.status.success(),
        "`runuser -u nobody -- {} --version` fails: {}",
        binary.display(),
        String::from_utf8_lossy(&probe.stderr)
    );
    runner.binary = binary;
    runner._copy = Some(copy);
    runner
}

/// Directories 0755 and files 0644 below `dir` (and `dir`), so that `nobody` can read them.
fn open_up(dir: &Path) {
    fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).unwrap();
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            open_up(&entry.path());
        } else if kind.is_file() {
            fs::set_permissions(entry.path(), fs::Permissions::from_mode(0o644)).unwrap();
        }
    }
}

/// Mode 000 on a path while it lives; readable again on drop (so the scratch tree can go).
struct Locked(PathBuf, u32);

impl Locked {
    fn new(path: PathBuf) -> Locked {
        let mode = fs::metadata(&path).unwrap().permissions().mode();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o000)).unwrap();
        Locked(path, mode)
    }
}

impl Drop for Locked {
    fn drop(&mut self) {
        let _ = fs::set_permissions(&self.0, fs::Permissions::from_mode(self.1));
    }
}

#[test]
fn an_unreadable_file() {
    let runner = unprivileged();
    let dir = tree_in_tmp(true);
    write(dir.path(), HOSTILE, "drop table t;\n");
    open_up(dir.path());
    let _locked = Locked::new(dir.path().join(HOSTILE));
    let run = check_with(&runner, dir.path(), &[], HANG);
    run.assert_only_error(
        HOSTILE,
        "cannot read it (permission denied): make it readable (`chmod a+r`) or check a directory without it",
    );
    run.assert_good_file_checked();
}

#[test]
fn an_unreadable_directory() {
    let runner = unprivileged();
    let dir = tree_in_tmp(true);
    let locked = "supabase/migrations/locked";
    write(
        dir.path(),
        &format!("{locked}/20260102000000_hidden.sql"),
        "drop table t;\n",
    );
    open_up(dir.path());
    let _locked = Locked::new(dir.path().join(locked));
    let run = check_with(&runner, dir.path(), &[], HANG);
    run.assert_only_error(
        locked,
        "cannot list the directory (permission denied): make it readable and searchable \
         (`chmod a+rx`) or check a directory without it",
    );
    run.assert_good_file_checked();
}

// ---------------------------------------------------------------------------------------
// Valid but odd

#[test]
fn empty_comment_only_whitespace_only_and_semicolons_only_files_are_checked_fine() {
    for contents in [
        "",
        "-- nothing here\n/* nor here */\n",
        "  \n\t\n\r\n   ",
        ";;;",
    ] {
        let dir = with_hostile(contents);
        let run = check(dir.path(), &[]);
        assert_eq!(run.code, 1, "{contents:?}");
        run.assert_checked_fine(HOSTILE, 2);
        run.assert_good_file_checked();
        // Alone, it is checked and passes.
        let alone = check(dir.path(), &[HOSTILE]);
        assert_eq!(alone.code, 0, "{contents:?}: {}", alone.human.output());
        alone.assert_checked_fine(HOSTILE, 1);
    }
}

#[test]
fn a_byte_order_mark_is_not_a_column() {
    let dir = with_hostile("\u{feff}drop table t;\nselect (;\n");
    let run = check(dir.path(), &[]);
    assert_eq!(run.code, 1);
    assert_eq!(run.report.errors(), []);
    run.finding(HOSTILE, "DS001", 1, Some(1), "drop of table t");
    run.finding(HOSTILE, "MT001", 2, Some(1), "not fully parsed");
    run.assert_good_file_checked();
}

#[test]
fn crlf_line_endings() {
    let dir = with_hostile("select 1;\r\n\r\n  drop table t;\r\nselect (;\r\n");
    let run = check(dir.path(), &[]);
    assert_eq!(run.code, 1);
    assert_eq!(run.report.errors(), []);
    run.finding(HOSTILE, "DS001", 3, Some(3), "drop of table t");
    run.finding(HOSTILE, "MT001", 4, Some(1), "not fully parsed");
    let ds001 = run.report.one(HOSTILE, "DS001");
    assert_eq!(
        (ds001["end_line"].as_u64(), ds001["end_column"].as_u64()),
        (Some(3), Some(15)),
        "the span stops before the `;` and the \\r"
    );
    run.assert_good_file_checked();
}

// ---------------------------------------------------------------------------------------
// Every output format over one tree holding many hostile files

#[test]
fn every_format_names_every_bad_file() {
    let dir = tree();
    let bad: [(&str, &[u8]); 4] = [
        ("20260102000000_latin1.sql", b"select 'caf\xe9';\n"),
        ("20260103000000_nul.sql", b"select 1;\0\n"),
        (
            "20260104000000_png.sql",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\0",
        ),
        ("20260105000000_utf16.sql", b"\xff\xfed\0r\0o\0p\0"),
    ];
    let mut bad_files: Vec<String> = Vec::new();
    for (name, contents) in bad {
        let path = format!("{MIGRATIONS}/{name}");
        write(dir.path(), &path, contents);
        bad_files.push(path);
    }
    let dangling = format!("{MIGRATIONS}/20260106000000_dangling.sql");
    symlink("nowhere.sql", dir.path().join(&dangling)).unwrap();
    bad_files.push(dangling);
    let looping = format!("{MIGRATIONS}/20260107000000_loop.sql");
    symlink("20260107000000_loop.sql", dir.path().join(&looping)).unwrap();
    bad_files.push(looping);
    // Findings, not errors: these name the file through their findings.
    let unterminated = format!("{MIGRATIONS}/20260108000000_open.sql");
    write(
        dir.path(),
        &unterminated,
        "drop table t;\nselect $x$ never closed\n",
    );
    write(
        dir.path(),
        &format!("{MIGRATIONS}/20260109000000_empty.sql"),
        "",
    );
    symlink(".", dir.path().join(MIGRATIONS).join("again")).unwrap();
    mkfifo(&dir.path().join(MIGRATIONS).join("20260110000000_fifo.sql"));

    let checked = check_with(&Runner::direct(), dir.path(), &[], FIFO_HANG);
    let mut errored: Vec<String> = checked
        .report
        .errors()
        .into_iter()
        .map(|(file, _)| file)
        .collect();
    errored.sort();
    assert_eq!(errored, bad_files, "{}", checked.json.output());
    assert_eq!(checked.code, 2);
    checked.finding(
        &unterminated,
        "MT001",
        2,
        Some(8),
        "unterminated dollar-quoted string $x$",
    );
    checked.assert_good_file_checked();

    // Each format names every unreadable file with the same message as the JSON report, and
    // the files with findings.
    let errors = checked.report.errors();
    let with_findings = [GOOD.to_string(), unterminated];
    for format in ["sarif", "github", "markdown"] {
        let out = run(
            Runner::direct().command(dir.path(), &["check", "--format", format]),
            FIFO_HANG,
        );
        assert_eq!(out.code(), 2, "{format}: {}", out.output());
        let (named_errors, named_findings) = match format {
            "sarif" => sarif_files(&json(out.stdout.as_bytes())),
            "github" => github_files(&out.stdout),
            _ => markdown_files(&out.stdout),
        };
        for error in &errors {
            assert!(
                named_errors.contains(error),
                "{format} does not report {error:?}:\n{}",
                out.stdout
            );
        }
        for file in &with_findings {
            assert!(
                named_findings.contains(file),
                "{format} has no finding on {file}:\n{}",
                out.stdout
            );
        }
        assert!(out.stdout.contains("DS001"), "{format}:\n{}", out.stdout);
    }
}

/// SARIF: (file, message) of the tool execution notifications, and the files of the results.
fn sarif_files(sarif: &Value) -> (Vec<(String, String)>, Vec<String>) {
    let run = &sarif["runs"][0];
    let uri = |v: &Value| {
        v["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("toolExecutionNotifications[]")
        .iter()
        .map(|n| {
            let text = n["message"]["text"].as_str().unwrap_or_default();
            (uri(n), text.to_string())
        })
        .collect();
    let results = run["results"]
        .as_array()
        .expect("results[]")
        .iter()
        .map(uri)
        .collect();
    (notes, results)
}

/// GitHub workflow commands: `::error file=F::MESSAGE` (no line) for a file not read, and
/// `::error|warning file=F,line=...` for findings.
fn github_files(out: &str) -> (Vec<(String, String)>, Vec<String>) {
    let mut errors = Vec::new();
    let mut findings = Vec::new();
    for line in out.lines() {
        let Some(rest) = line
            .strip_prefix("::error file=")
            .or_else(|| line.strip_prefix("::warning file="))
        else {
            continue;
        };
        let (properties, message) = rest.split_once("::").unwrap_or((rest, ""));
        match properties.split_once(",line=") {
            Some((file, _)) => findings.push(file.to_string()),
            None => errors.push((properties.to_string(), message.to_string())),
        }
    }
    (errors, findings)
}

/// Markdown: table rows ``| `F` | MESSAGE |`` for files not read, ``### `F` `` headings for
/// files with findings.
fn markdown_files(out: &str) -> (Vec<(String, String)>, Vec<String>) {
    let mut errors = Vec::new();
    let mut findings = Vec::new();
    for line in out.lines() {
        if let Some(file) = line
            .strip_prefix("### `")
            .and_then(|rest| rest.strip_suffix('`'))
        {
            findings.push(file.to_string());
        } else if let Some((file, message)) = line
            .strip_prefix("| `")
            .and_then(|rest| rest.strip_suffix(" |"))
            .and_then(|rest| rest.split_once("` | "))
        {
            errors.push((file.to_string(), message.to_string()));
        }
    }
    (errors, findings)
}
