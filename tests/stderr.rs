//! What sqlgate prints on stderr is one line per message, whatever the repository's files
//! hold: a config key with a newline cannot forge a GitHub workflow command on the next
//! line, nor an escape character drive the terminal (issue 19, gate integrity).

mod common;

use std::path::Path;
use std::process::Output;

use common::{event_file, git, git_out, sqlgate, write, OWNER_REPO};

/// A TOML quoted key holding a newline and a workflow command, an ESC sequence, the legacy
/// `##[` command form (honoured anywhere in a line) and a `%`.
const CONFIG: &str =
    "[migrations]\n\"x\\n::add-mask::hidden\\u001b[2J ##[add-mask]also 50%\" = 1\n";

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    write(
        dir.path(),
        "db/migrations/001_a.sql",
        "CREATE TABLE a (id bigint PRIMARY KEY);\n",
    );
    write(dir.path(), "sqlgate.toml", CONFIG);
    dir
}

/// stderr as exactly one line: its text without the final newline.
fn one_line(out: &Output) -> String {
    let stderr = String::from_utf8(out.stderr.clone()).unwrap();
    let line = stderr
        .strip_suffix('\n')
        .unwrap_or_else(|| panic!("stderr does not end a line: {stderr:?}"));
    assert!(
        !line.chars().any(char::is_control),
        "a control character on stderr: {stderr:?}"
    );
    line.to_string()
}

#[test]
fn a_config_key_with_control_characters_is_one_escaped_line() {
    let dir = repo();
    let out = sqlgate(dir.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let line = one_line(&out);
    assert!(line.starts_with("error: "), "{line}");
    assert!(
        line.contains(
            r"unknown key `migrations.x\n::add-mask::hidden\u{1b}[2J ##[add-mask]also 50%`"
        ),
        "{line}"
    );
}

#[test]
fn under_github_actions_the_line_is_escaped_as_command_data_too() {
    let dir = repo();
    let out = sqlgate(dir.path())
        .arg("check")
        .env("GITHUB_ACTIONS", "true")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let line = one_line(&out);
    assert!(!line.contains("##["), "{line}");
    assert!(
        line.contains(
            r"unknown key `migrations.x\n::add-mask::hidden\u{1b}[2J #%23[add-mask]also 50%25`"
        ),
        "{line}"
    );
}

/// `sqlgate ci` failing on the same config: the error line on stderr, and the `::error`
/// command it prints on stdout, are each one line.
#[test]
fn sqlgate_ci_failing_on_it_prints_one_line_each() {
    let dir = repo();
    let event = pull_request(dir.path());
    let out = sqlgate(dir.path())
        .args(["ci", "--comment", "false"])
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_EVENT_PATH", &event)
        .env("GITHUB_REPOSITORY", "acme/app")
        .env("GITHUB_API_URL", "http://127.0.0.1:9")
        .env_remove("GITHUB_TOKEN")
        .env_remove("SQLGATE_GITHUB_TOKEN")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let line = one_line(&out);
    assert!(
        line.starts_with(r"error: ") && line.contains(r"unknown key `migrations.x\n::add-mask"),
        "{line}"
    );
    assert!(!line.contains("##["), "{line}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "{stdout:?}");
    assert!(
        stdout.starts_with("::error title=sqlgate merge gate::merge gate blocked"),
        "{stdout:?}"
    );
    assert!(
        !stdout.trim_end().chars().any(char::is_control),
        "{stdout:?}"
    );
    assert!(
        stdout.contains(r"x\n::add-mask::hidden\u{1b}[2J"),
        "{stdout:?}"
    );
}

/// Commits the repository as the base, then a head adding a migration; the event file.
fn pull_request(repo: &Path) -> std::path::PathBuf {
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "base"]);
    let base = git_out(repo, &["rev-parse", "HEAD"]);
    git(repo, &["checkout", "-q", "-b", "feature"]);
    write(
        repo,
        "db/migrations/002_b.sql",
        "CREATE TABLE b (id int);\n",
    );
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "head"]);
    let head = git_out(repo, &["rev-parse", "HEAD"]);
    event_file(&repo.join(".git"), &base, &head, OWNER_REPO)
}

#[test]
fn a_skipped_file_whose_name_holds_a_newline_and_an_escape_is_one_escaped_line() {
    // `check -v` lists skipped files by name; the pull request names its files.
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    write(
        dir.path(),
        "db/migrations/001_a.sql",
        "CREATE TABLE a (id bigint PRIMARY KEY);\n",
    );
    write(
        dir.path(),
        "db/migrations/zz\n::warning::forged\u{1b}[2J.sql",
        "SELECT 1;\n",
    );
    let out = sqlgate(dir.path()).args(["check", "-v"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        !stderr.lines().any(|l| l.starts_with("::")),
        "a forged workflow command: {stderr:?}"
    );
    assert!(
        !stderr.chars().any(|c| c.is_control() && c != '\n'),
        "a control character on stderr: {stderr:?}"
    );
    assert!(
        stderr.contains(r"skipped db/migrations/zz\n::warning::forged\u{1b}[2J.sql: "),
        "{stderr}"
    );
}
