//! README.md cannot rot: every command in its `sh`, `bash`, `shell` and `console` blocks runs
//! here, in a sandbox holding a copy of `fixtures/demo` at the same path, so the commands read
//! as a user types them from the repository root. Each command's exit code is checked against
//! its trailing comment (`# ... exit code 1`, `# exit 1`); without one it must be 0 or 1.
//!
//! Cargo commands are not run nested inside `cargo test` as written: `cargo run [--release] --
//! ARGS` runs the freshly built binary with ARGS, `cargo install --path .` installs for real
//! into a temporary root, from the target directory the tests that install share and with
//! the release profile unoptimized (`common::install_build_env`: the command is under test,
//! not the optimizer), and `cargo test --locked` (the command running this test) is checked
//! against `.ci/run` instead.

use std::fmt::Write as _;
mod common;

use std::path::{Path, PathBuf};

use common::copy_dir;
use std::process::Command;

const MANIFEST_DIR: &str = env!("CARGO_MANIFEST_DIR");
const SHELL_LANGUAGES: &[&str] = &["sh", "bash", "shell", "console"];
/// The one README command not executed: it is what runs this test.
const TEST_SUITE_COMMAND: &str = "cargo test --locked";
/// Output beyond this is cut from failure messages; the start says what went wrong.
const SHOWN_OUTPUT_CHARS: usize = 4000;

// ---------------------------------------------------------------------------------------
// Extraction

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ExpectedExit {
    /// The comment states it.
    Exactly(i32),
    /// No statement: a clean run or findings, never a usage error or a crash.
    SuccessOrFindings,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ReadmeCommand {
    /// 1-based line in the Markdown where the command starts.
    line: usize,
    /// The command as written, without its trailing comment.
    text: String,
    expected: ExpectedExit,
}

#[derive(Debug)]
struct ShellBlock {
    commands: Vec<ReadmeCommand>,
}

/// Every fenced block in a shell language, with its commands. Blocks in other languages
/// (yaml, toml, sql, json, text) are file contents or output, not commands.
fn shell_blocks(markdown: &str) -> Vec<ShellBlock> {
    let mut blocks = Vec::new();
    let mut lines = markdown.lines().enumerate();
    while let Some((_, line)) = lines.next() {
        let Some(info) = line.trim_start().strip_prefix("```") else {
            continue;
        };
        let language = info.split_whitespace().next().unwrap_or("");
        let mut body = Vec::new();
        for (body_index, body_line) in lines.by_ref() {
            if body_line.trim() == "```" {
                break;
            }
            body.push((body_index + 1, body_line));
        }
        if SHELL_LANGUAGES.contains(&language) {
            blocks.push(ShellBlock {
                commands: commands_of(&body, language == "console"),
            });
        }
    }
    blocks
}

/// The commands of a block's lines: comment-only and blank lines skipped, `\` continuations
/// joined. In a `console` block only `$ ` lines are commands; the rest is their output.
fn commands_of(body: &[(usize, &str)], console: bool) -> Vec<ReadmeCommand> {
    let mut commands = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for &(line, raw) in body {
        let text = match (&pending, console) {
            (Some(_), _) => raw,
            (None, true) => match raw.trim_start().strip_prefix("$ ") {
                Some(command) => command,
                None => continue,
            },
            (None, false) => raw,
        };
        let (start, mut joined) = match pending.take() {
            Some((start, so_far)) => (start, so_far + "\n" + text),
            None => {
                let trimmed = text.trim();
                if trimmed.is_empty() || trimmed.starts_with('#') {
                    continue;
                }
                (line, text.to_string())
            }
        };
        if joined.trim_end().ends_with('\\') {
            pending = Some((start, joined));
            continue;
        }
        let comment_start = comment_start(&joined);
        let comment = comment_start.map(|at| joined[at..].to_string());
        if let Some(at) = comment_start {
            joined.truncate(at);
        }
        commands.push(ReadmeCommand {
            line: start,
            text: joined.trim().to_string(),
            expected: comment
                .as_deref()
                .and_then(stated_exit_code)
                .map_or(ExpectedExit::SuccessOrFindings, ExpectedExit::Exactly),
        });
    }
    if let Some((start, joined)) = pending {
        commands.push(ReadmeCommand {
            line: start,
            text: joined.trim().to_string(),
            expected: ExpectedExit::SuccessOrFindings,
        });
    }
    commands
}

/// Where a shell comment starts: a `#` at the start of a word, outside quotes.
fn comment_start(command: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for (at, c) in command.char_indices() {
        match quote {
            Some(open) if c == open => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '#' && previous.is_whitespace() => return Some(at),
            None => {}
        }
        previous = c;
    }
    None
}

/// `exit code N` or `exit N` in a comment.
fn stated_exit_code(comment: &str) -> Option<i32> {
    let lower = comment.to_lowercase();
    ["exit code ", "exit "].iter().find_map(|marker| {
        lower.match_indices(marker).find_map(|(at, _)| {
            let digits: String = lower[at + marker.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
    })
}

// ---------------------------------------------------------------------------------------
// Mapping cargo commands

/// What the harness runs for a README command.
#[derive(Debug, PartialEq, Eq)]
enum Action {
    /// Run this in the block's shell.
    Shell(String),
    /// `cargo install ... --path .`: install for real, then run the installed `--version`.
    Install(String),
    /// The test suite's own command: checked against `.ci/run`, not run.
    TestSuite,
    /// A cargo command the harness does not know how to run inside `cargo test`.
    Unmappable(String),
}

fn action_for(command: &str) -> Action {
    let words: Vec<&str> = command.split_whitespace().collect();
    if words.first() != Some(&"cargo") {
        return Action::Shell(command.to_string());
    }
    if words.join(" ") == TEST_SUITE_COMMAND {
        return Action::TestSuite;
    }
    if words.get(1) == Some(&"run") {
        let rest = &words[2..];
        let rest = rest.strip_prefix(&["--release"]).unwrap_or(rest);
        if let Some(arguments) = rest.strip_prefix(&["--"]) {
            return Action::Shell(format!("sqlgate {}", arguments.join(" ")));
        }
    }
    let installs_checkout = words.get(1) == Some(&"install")
        && words.windows(2).any(|pair| pair == ["--path", "."])
        && words[2..]
            .iter()
            .all(|word| matches!(*word, "--path" | "." | "--locked"));
    if installs_checkout {
        let flags = words[2..].join(" ");
        return Action::Install(flags);
    }
    Action::Unmappable(command.to_string())
}

// ---------------------------------------------------------------------------------------
// The sandbox

struct Sandbox {
    /// Removed on drop, with everything the commands wrote.
    _root: tempfile::TempDir,
    repo: PathBuf,
    bin: PathBuf,
    tmp: PathBuf,
    install_root: PathBuf,
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A git repository holding `fixtures/demo`, committed on `main` with `origin/main` at the same
/// commit (so `--changed-since origin/main` works), and `sqlgate` on a bin directory of its own.
fn sandbox() -> Sandbox {
    let root = tempfile::tempdir().unwrap();
    let repo = root.path().join("repo");
    copy_dir(
        &Path::new(MANIFEST_DIR).join("fixtures/demo"),
        &repo.join("fixtures/demo"),
    );
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["config", "user.name", "README reader"]);
    git(&repo, &["config", "user.email", "reader@example.com"]);
    git(&repo, &["config", "commit.gpgsign", "false"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "the demo"]);
    git(&repo, &["update-ref", "refs/remotes/origin/main", "HEAD"]);

    let bin = root.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_sqlgate"), bin.join("sqlgate")).unwrap();
    // `mktemp` in README commands lands here, and is removed with the sandbox.
    let tmp = root.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let install_root = root.path().join("install");
    Sandbox {
        repo,
        bin,
        tmp,
        install_root,
        _root: root,
    }
}

/// The directory of the `pre-commit` executable: installed (pinned, from PyPI) only when a
/// README command uses it, so the other blocks need no network.
fn pre_commit_bin(needed: bool) -> PathBuf {
    let venv_bin = Path::new(MANIFEST_DIR).join("target/pre-commit-venv/bin");
    if !needed {
        return venv_bin;
    }
    let out = Command::new(Path::new(MANIFEST_DIR).join("scripts/install-pre-commit.sh"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "scripts/install-pre-commit.sh failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let exe = PathBuf::from(String::from_utf8(out.stdout).unwrap().trim());
    exe.parent().map_or(venv_bin, Path::to_path_buf)
}

// ---------------------------------------------------------------------------------------
// Running

/// Single-quoted for bash.
fn quoted(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', r"'\''"))
}

fn shown(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    if text.chars().count() <= SHOWN_OUTPUT_CHARS {
        return text.into_owned();
    }
    let cut: String = text.chars().take(SHOWN_OUTPUT_CHARS).collect();
    format!("{cut}\n[... cut]")
}

/// Runs one block in one bash (so `cd` and variables carry from line to line), each command's
/// output and exit code in files of its own. Returns one message per failed command.
fn run_block(source: &str, block: &ShellBlock) -> Vec<String> {
    let uses_pre_commit = block
        .commands
        .iter()
        .any(|c| c.text.split_whitespace().next() == Some("pre-commit"));
    let sandbox = sandbox();
    let results = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let mut script = format!("cd {}\n", quoted(&sandbox.repo));
    let mut planned = Vec::new();
    for (index, command) in block.commands.iter().enumerate() {
        let shell = match action_for(&command.text) {
            Action::Shell(shell) => shell,
            Action::Install(flags) => format!(
                "(cd {manifest} && CARGO_INSTALL_ROOT={root} {build} cargo install {flags}) \
                 && {root}/bin/sqlgate --version",
                manifest = quoted(Path::new(MANIFEST_DIR)),
                root = quoted(&sandbox.install_root),
                build = common::install_build_env()
                    .into_iter()
                    .map(|(key, value)| format!("{key}={}", quoted(Path::new(&value))))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            Action::TestSuite => {
                if let Some(problem) = ci_runs_the_test_suite_command() {
                    failures.push(format!("{source}:{}: {problem}", command.line));
                }
                continue;
            }
            Action::Unmappable(cargo) => {
                failures.push(format!(
                    "{source}:{}: `{cargo}`: the harness does not run this cargo command \
                     inside `cargo test` (it would build again in the tree under test); map \
                     it in tests/readme.rs (`action_for`) or write the command another way",
                    command.line
                ));
                continue;
            }
        };
        let out = results.path().join(format!("{index}.out"));
        let err = results.path().join(format!("{index}.err"));
        let rc = results.path().join(format!("{index}.rc"));
        // Braces, not a subshell: a `cd` in the command stays in effect for the next one.
        writeln!(
            script,
            "{{ {shell}\n}} >{} 2>{} </dev/null; echo $? >{}",
            quoted(&out),
            quoted(&err),
            quoted(&rc)
        )
        .unwrap();
        planned.push((command, shell, out, err, rc));
    }
    if planned.is_empty() {
        return failures;
    }

    let path = format!(
        "{}:{}:{}",
        sandbox.bin.display(),
        pre_commit_bin(uses_pre_commit).display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut bash = Command::new("bash");
    bash.arg("-c").arg(&script).env("PATH", path);
    bash.env("TMPDIR", &sandbox.tmp);
    // A user's shell, not CI's: GitHub Actions variables would switch the output format, and
    // global git settings (signing, hooks) are not what the README assumes.
    for (name, _) in std::env::vars() {
        if name.starts_with("GITHUB_") || name.starts_with("SQLGATE_") || name == "NO_COLOR" {
            bash.env_remove(name);
        }
    }
    bash.env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1");
    let finished = bash.output().unwrap();

    for (command, shell, out, err, rc) in planned {
        let stdout = std::fs::read(&out).unwrap_or_default();
        let stderr = std::fs::read(&err).unwrap_or_default();
        let code: Option<i32> = std::fs::read_to_string(&rc)
            .ok()
            .and_then(|text| text.trim().parse().ok());
        let ran_as = if shell == command.text {
            String::new()
        } else {
            format!("\nran as: {shell}")
        };
        let Some(code) = code else {
            failures.push(format!(
                "{source}:{}: `{}` did not run: an earlier command ended the shell{ran_as}\nbash stderr:\n{}",
                command.line,
                command.text,
                shown(&finished.stderr)
            ));
            continue;
        };
        let output = format!(
            "{}{}",
            String::from_utf8_lossy(&stdout),
            String::from_utf8_lossy(&stderr)
        );
        let mut problems = Vec::new();
        match command.expected {
            ExpectedExit::Exactly(expected) if code != expected => {
                problems.push(format!("exit code {code}, the README says {expected}"));
            }
            ExpectedExit::SuccessOrFindings if code != 0 && code != 1 => problems.push(format!(
                "exit code {code}; without `# exit code N` in its comment a command must exit 0 or 1"
            )),
            _ => {}
        }
        if code == 101 || output.contains("panicked") {
            problems.push("it panicked".to_string());
        }
        if matches!(action_for(&command.text), Action::Install(_)) {
            let version = format!("sqlgate {}", env!("CARGO_PKG_VERSION"));
            if !String::from_utf8_lossy(&stdout).contains(&version) {
                problems.push(format!(
                    "the installed binary's --version does not print `{version}`"
                ));
            }
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{source}:{}: `{}`: {}{ran_as}\n--- stdout\n{}\n--- stderr\n{}",
                command.line,
                command.text,
                problems.join("; "),
                shown(&stdout),
                shown(&stderr)
            ));
        }
    }
    failures
}

/// `None` when `.ci/run` runs exactly the README's test suite command.
fn ci_runs_the_test_suite_command() -> Option<String> {
    let ci = std::fs::read_to_string(Path::new(MANIFEST_DIR).join(".ci/run")).unwrap();
    if ci.lines().any(|line| line.trim() == TEST_SUITE_COMMAND) {
        None
    } else {
        Some(format!(
            "`{TEST_SUITE_COMMAND}` (the README's test suite command) is not a line of .ci/run: \
             the README and CI must run the same command"
        ))
    }
}

/// Runs every shell block of `markdown` (blocks in parallel, each in its own sandbox) and
/// returns one message per failed command.
fn failures_in(source: &str, markdown: &str) -> Vec<String> {
    let blocks = shell_blocks(markdown);
    std::thread::scope(|scope| {
        let running: Vec<_> = blocks
            .iter()
            .map(|block| scope.spawn(move || run_block(source, block)))
            .collect();
        running
            .into_iter()
            .flat_map(|handle| handle.join().unwrap())
            .collect()
    })
}

// ---------------------------------------------------------------------------------------
// Tests

#[test]
fn every_readme_command_runs_as_documented() {
    let readme = std::fs::read_to_string(Path::new(MANIFEST_DIR).join("README.md")).unwrap();
    let blocks = shell_blocks(&readme);
    assert!(
        blocks.iter().map(|b| b.commands.len()).sum::<usize>() >= 10,
        "README.md should show its commands in sh blocks; found {blocks:?}"
    );
    let failures = failures_in("README.md", &readme);
    assert!(
        failures.is_empty(),
        "{} README command(s) failed (fix the README or sqlgate):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn the_harness_catches_a_rotten_command() {
    let markdown = "# x\n\n```sh\nsqlgate check fixtures/demo   # exit code 1\nsqlgate check --no-such-flag\nsqlgate check fixtures/demo   # clean: exit code 0\n```\n";
    let failures = failures_in("inline.md", markdown);
    assert_eq!(failures.len(), 2, "{failures:#?}");
    assert!(
        failures[0].starts_with("inline.md:5: `sqlgate check --no-such-flag`: exit code 2"),
        "{}",
        failures[0]
    );
    assert!(failures[0].contains("--no-such-flag"), "{}", failures[0]);
    assert!(
        failures[1].starts_with(
            "inline.md:6: `sqlgate check fixtures/demo`: exit code 1, the README says 0"
        ),
        "{}",
        failures[1]
    );
}

#[test]
fn the_harness_refuses_cargo_commands_it_cannot_run() {
    let failures = failures_in("inline.md", "```bash\ncargo build --release\n```\n");
    assert_eq!(failures.len(), 1, "{failures:#?}");
    assert!(
        failures[0].contains("the harness does not run this cargo command"),
        "{}",
        failures[0]
    );
}

#[test]
fn cd_and_variables_carry_from_line_to_line_within_a_block() {
    let markdown = "```sh\ndemo=fixtures/demo\ncd \"$demo\"\ntest -d supabase/migrations   # exit code 0\n```\n";
    assert_eq!(failures_in("inline.md", markdown), Vec::<String>::new());
}

#[test]
fn commands_are_extracted_with_their_stated_exit_codes() {
    let markdown = "text\n\n```sh\n# a comment line\ncargo run --release -- check fixtures/demo   # findings, exit code 1\n\nsqlgate rule drop-tabel   # exit 2\necho '# not a comment' \\\n  done\n```\n\n```yaml\nrun: sqlgate ci\n```\n\n```console\n$ sqlgate rules\nDS001 drop-table ...\n```\n";
    let blocks = shell_blocks(markdown);
    let commands: Vec<_> = blocks.iter().flat_map(|b| b.commands.clone()).collect();
    assert_eq!(
        commands,
        vec![
            ReadmeCommand {
                line: 5,
                text: "cargo run --release -- check fixtures/demo".into(),
                expected: ExpectedExit::Exactly(1)
            },
            ReadmeCommand {
                line: 7,
                text: "sqlgate rule drop-tabel".into(),
                expected: ExpectedExit::Exactly(2)
            },
            ReadmeCommand {
                line: 8,
                text: "echo '# not a comment' \\\n  done".into(),
                expected: ExpectedExit::SuccessOrFindings
            },
            ReadmeCommand {
                line: 17,
                text: "sqlgate rules".into(),
                expected: ExpectedExit::SuccessOrFindings
            },
        ]
    );
}

#[test]
fn cargo_commands_map_to_what_can_run_inside_cargo_test() {
    assert_eq!(
        action_for("cargo run --release -- check fixtures/demo"),
        Action::Shell("sqlgate check fixtures/demo".into())
    );
    assert_eq!(
        action_for("cargo run -- rules"),
        Action::Shell("sqlgate rules".into())
    );
    assert_eq!(action_for("cargo test --locked"), Action::TestSuite);
    assert_eq!(
        action_for("cargo install --locked --path ."),
        Action::Install("--locked --path .".into())
    );
    assert_eq!(
        action_for("cargo install sqlgate"),
        Action::Unmappable("cargo install sqlgate".into())
    );
}

#[test]
fn ci_runs_the_readme_test_suite_command() {
    assert_eq!(ci_runs_the_test_suite_command(), None);
}
