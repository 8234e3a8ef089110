//! The pre-commit integration, driven by the real `pre-commit` tool (PyPI, installed by
//! `scripts/install-pre-commit.sh` into `target/pre-commit-venv`).
//!
//! A hook repository is made from this checkout's build inputs (`Cargo.toml`, `Cargo.lock`,
//! `src/`, `crates/`, `.pre-commit-hooks.yaml`) as they are in the work tree, so the hook definition
//! under test is the one being edited. A scratch repository uses it as a path-based
//! `repo:` with `pre-commit install`; pre-commit builds sqlgate with `cargo install` (its
//! `language: rust`), then a commit of a destructive migration must be refused with sqlgate's
//! message, and go through once a suppression with a reason is added.
//!
//! The first build takes minutes: `CARGO_TARGET_DIR` points at `target/install-check`, which
//! the README test's `cargo install --path .` shares, so dependencies are built once.

mod common;

use std::path::{Path, PathBuf};

use common::copy_dir;
use std::process::{Command, Output};

const MANIFEST_DIR: &str = env!("CARGO_MANIFEST_DIR");

fn pre_commit() -> PathBuf {
    let out = Command::new(Path::new(MANIFEST_DIR).join("scripts/install-pre-commit.sh"))
        .output()
        .expect("run scripts/install-pre-commit.sh");
    assert!(
        out.status.success(),
        "scripts/install-pre-commit.sh failed (it needs python3 with venv and pip, and PyPI):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

/// git in `dir` with a fixed identity, no signing, the repository's own hooks, and the
/// shared target directory for the `cargo install` a hook may run.
fn git_command(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .current_dir(dir)
        .args(["-c", "user.name=Dev", "-c", "user.email=dev@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "core.hooksPath=.git/hooks",
        ])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env(
            "CARGO_TARGET_DIR",
            Path::new(MANIFEST_DIR).join("target/install-check"),
        );
    command
}

fn git(dir: &Path, args: &[&str]) -> Output {
    git_command(dir).args(args).output().expect("run git")
}

fn ok(out: Output, what: &str) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{what} failed:\n{text}");
    text
}

/// A git repository holding what `cargo install` needs, committed; returns its commit.
fn hook_repository(dir: &Path) -> String {
    let root = Path::new(MANIFEST_DIR);
    for file in ["Cargo.toml", "Cargo.lock", ".pre-commit-hooks.yaml"] {
        std::fs::copy(root.join(file), dir.join(file)).unwrap();
    }
    for sources in ["src", "crates"] {
        copy_dir(&root.join(sources), &dir.join(sources));
    }
    ok(git(dir, &["init", "-q", "-b", "main"]), "git init");
    ok(git(dir, &["add", "-A"]), "git add");
    ok(git(dir, &["commit", "-q", "-m", "sqlgate"]), "git commit");
    ok(git(dir, &["rev-parse", "HEAD"]), "git rev-parse")
        .trim()
        .to_string()
}

fn write(dir: &Path, relative: &str, text: &str) {
    let path = dir.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn pre_commit_refuses_a_destructive_migration_until_it_carries_a_suppression_with_a_reason() {
    let pre_commit = pre_commit();
    let temp = tempfile::tempdir().unwrap();
    let hooks = temp.path().join("hooks");
    std::fs::create_dir(&hooks).unwrap();
    let rev = hook_repository(&hooks);

    let repo = temp.path().join("app");
    std::fs::create_dir(&repo).unwrap();
    ok(git(&repo, &["init", "-q", "-b", "main"]), "git init");
    write(
        &repo,
        ".pre-commit-config.yaml",
        &format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: sqlgate\n",
            hooks.display()
        ),
    );
    // pre-commit keeps its clones and built environments here, not in the home directory.
    let pre_commit_home = temp.path().join("cache");
    let run_pre_commit = |args: &[&str]| {
        Command::new(&pre_commit)
            .current_dir(&repo)
            .args(args)
            .env("PRE_COMMIT_HOME", &pre_commit_home)
            .output()
            .expect("run pre-commit")
    };
    ok(run_pre_commit(&["install"]), "pre-commit install");
    // The hook script git runs must find the same cache (PRE_COMMIT_HOME).
    let commit = |message: &str| {
        git_command(&repo)
            .args(["commit", "-m", message])
            .env("PRE_COMMIT_HOME", &pre_commit_home)
            .output()
            .expect("run git commit")
    };

    // A safe first migration: the hook builds sqlgate, runs, and lets it through.
    write(
        &repo,
        "supabase/migrations/20260101000000_users.sql",
        "-- rollback: drop table users;\n\
         create table users (id bigint primary key);\n\
         alter table users enable row level security;\n\
         create policy users_self on users for select using (auth.uid() is not null);\n",
    );
    ok(git(&repo, &["add", "-A"]), "git add");
    let first = ok(commit("users"), "the first commit (safe migration)");
    assert!(
        first.contains("sqlgate") && first.contains("Passed"),
        "the hook should have run and passed:\n{first}"
    );

    // Dropping the committed table: refused, with sqlgate's finding in the output.
    let drop = "supabase/migrations/20260102000000_drop_users.sql";
    write(
        &repo,
        drop,
        "-- rollback: restore users from the backup\ndrop table users;\n",
    );
    ok(git(&repo, &["add", drop]), "git add");
    let refused = commit("drop users");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&refused.stdout),
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(
        !refused.status.success(),
        "the commit should be refused:\n{text}"
    );
    assert!(
        text.contains("sqlgate") && text.contains("Failed"),
        "{text}"
    );
    assert!(
        text.contains("DS001 drop-table: drop of table users"),
        "sqlgate's message should be shown:\n{text}"
    );
    assert!(
        text.contains("supabase/migrations/20260102000000_drop_users.sql:2:1"),
        "{text}"
    );
    let log = ok(git(&repo, &["log", "--format=%s"]), "git log");
    assert_eq!(log.trim(), "users", "nothing new was committed");

    // A suppression without a reason suppresses nothing and is itself an error.
    write(
        &repo,
        drop,
        "-- rollback: restore users from the backup\n\
         -- sqlgate: ignore drop-table\n\
         drop table users;\n",
    );
    ok(git(&repo, &["add", drop]), "git add");
    let no_reason = commit("drop users");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&no_reason.stdout),
        String::from_utf8_lossy(&no_reason.stderr)
    );
    assert!(!no_reason.status.success(), "{text}");
    assert!(text.contains("MT003"), "{text}");

    // With a reason the commit goes through.
    write(
        &repo,
        drop,
        "-- rollback: restore users from the backup\n\
         -- sqlgate: ignore drop-table -- archived to s3://backups/users-2026-01-02.dump in OPS-12\n\
         drop table users;\n",
    );
    ok(git(&repo, &["add", drop]), "git add");
    let accepted = ok(commit("drop users"), "the commit with a suppression");
    assert!(accepted.contains("Passed"), "{accepted}");
    let log = ok(git(&repo, &["log", "--format=%s"]), "git log");
    assert_eq!(log.lines().collect::<Vec<_>>(), ["drop users", "users"]);
}
