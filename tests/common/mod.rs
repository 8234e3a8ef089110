//! Helpers shared by the tests that run the `sqlgate` binary.
#![allow(dead_code)] // each test crate uses its own subset

use std::path::Path;
use std::process::Command as StdCommand;

use assert_cmd::Command;
use serde_json::Value;

/// `sqlgate` run in `dir`, with no colour and none of the caller's `SQLGATE_*` or GitHub
/// Actions variables, so the developer's environment cannot change a result.
pub fn sqlgate(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sqlgate"));
    cmd.current_dir(dir)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_OUTPUT")
        .env("NO_COLOR", "1");
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("SQLGATE_") {
            cmd.env_remove(key);
        }
    }
    cmd
}

/// Writes `dir/relative`, creating its directories.
pub fn write(dir: &Path, relative: &str, contents: impl AsRef<[u8]>) {
    let path = dir.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

pub fn json(output: &[u8]) -> Value {
    serde_json::from_slice(output)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", String::from_utf8_lossy(output)))
}

/// Runs git in `dir` with a fixed identity and no signing; fails the test on error.
pub fn git(dir: &Path, args: &[&str]) {
    let out = StdCommand::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Copies a directory tree (files and directories only).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The standard output of a git command in `dir`, trimmed; the command must succeed.
pub fn git_out(dir: &Path, args: &[&str]) -> String {
    let out = StdCommand::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// The repository the pull request events are for.
pub const OWNER_REPO: &str = "acme/app";

/// A `pull_request` webhook payload for pull request #7 of `OWNER_REPO` from `base` to
/// `head` (its head in `head_repo`, a fork when it differs), written to `dir/event.json`.
pub fn event_file(dir: &Path, base: &str, head: &str, head_repo: &str) -> std::path::PathBuf {
    let event = serde_json::json!({
        "action": "synchronize",
        "number": 7,
        "pull_request": {
            "number": 7,
            "title": "Drop users",
            "body": "Cleans up.",
            "user": {"login": "alice", "id": 1, "type": "User"},
            "head": {"sha": head, "ref": "feature", "repo": {"full_name": head_repo}},
            "base": {"sha": base, "ref": "main", "repo": {"full_name": OWNER_REPO}}
        },
        "repository": {"full_name": OWNER_REPO}
    });
    let file = dir.join("event.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&event).unwrap()).unwrap();
    file
}

/// Now, in Unix seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// RFC 3339 in UTC (`2026-11-20T09:12:00Z`) of Unix seconds (Howard Hinnant's
/// civil-from-days), so the tests need no date crate.
pub fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// `git commit -q -m message` in `repo`, authored and committed at `unix_secs`.
pub fn commit_at(repo: &Path, message: &str, unix_secs: i64) {
    let when = format!("@{unix_secs} +0000");
    let out = StdCommand::new("git")
        .current_dir(repo)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(["-c", "commit.gpgsign=false", "commit", "-q", "-m", message])
        .env("GIT_COMMITTER_DATE", &when)
        .env("GIT_AUTHOR_DATE", &when)
        .output()
        .unwrap();
    assert!(out.status.success(), "git commit: {out:?}");
}

/// The target directory, relative to the checkout, that the tests running a real `cargo
/// install` of this crate share (the README's `cargo install --path .`, the pre-commit hook
/// built from source): dependencies are built once for both, apart from `cargo test`'s own
/// `target/debug`, whose lock a nested cargo would otherwise wait on.
pub const INSTALL_TARGET_DIR: &str = "target/install-check";

/// Environment for those nested `cargo install`s. They prove that the install commands work
/// and that the installed binary runs, not how fast it is, so the release profile is turned
/// into an unoptimized one (no fat LTO, no optimization, many codegen units): the
/// optimized build costs minutes of the test suite, and the release workflow builds it.
pub fn install_build_env() -> Vec<(&'static str, String)> {
    vec![
        (
            "CARGO_TARGET_DIR",
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(INSTALL_TARGET_DIR)
                .display()
                .to_string(),
        ),
        ("CARGO_PROFILE_RELEASE_LTO", "off".into()),
        ("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0".into()),
        ("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "256".into()),
        ("CARGO_PROFILE_RELEASE_DEBUG", "false".into()),
        ("CARGO_PROFILE_RELEASE_INCREMENTAL", "false".into()),
    ]
}
