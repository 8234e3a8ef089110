//! `sqlgate check --staged` through the binary, in temporary git repositories: what is
//! staged is checked (its staged text, not the work tree's), unstaged edits and untracked
//! files are not, and the committed history feeds the catalog.

mod common;

use std::path::Path;

use common::{git, json, sqlgate, write};
use serde_json::Value;

const M: &str = "supabase/migrations";
const USERS: &str = "-- rollback: drop table users;\n\
    create table users (id bigint primary key);\n\
    alter table users enable row level security;\n\
    create policy users_self on users for select using (auth.uid() is not null);\n";

/// A repository whose one commit creates `users` (with RLS and a policy).
fn repo_with_users() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &format!("{M}/20260101000000_users.sql"), USERS);
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "users"]);
    dir
}

/// (code, file, line, message) of every finding, sorted.
fn findings(report: &Value) -> Vec<(String, String, u64, String)> {
    let mut out: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

fn staged_json(dir: &Path, extra: &[&str]) -> (Value, i32) {
    let out = sqlgate(dir)
        .args(["check", "--staged", "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.stderr.is_empty() || !String::from_utf8_lossy(&out.stderr).contains("panicked"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (json(&out.stdout), out.status.code().unwrap())
}

fn row(code: &str, file: &str, line: u64, message: &str) -> (String, String, u64, String) {
    (code.into(), file.into(), line, message.into())
}

#[test]
fn the_staged_text_is_checked_not_the_work_tree_and_untracked_files_are_ignored() {
    let dir = repo_with_users();
    let root = dir.path();
    let drop = format!("{M}/20260102000000_drop.sql");
    write(root, &drop, "-- rollback: restore\ndrop table users;\n");
    git(root, &["add", &drop]);
    // Unstaged: a TRUNCATE added to the staged file; untracked: a DELETE without WHERE.
    write(
        root,
        &drop,
        "-- rollback: restore\ndrop table users;\ntruncate users;\n",
    );
    write(
        root,
        &format!("{M}/20260103000000_wipe.sql"),
        "-- rollback: none\ndelete from users;\n",
    );

    let (report, code) = staged_json(root, &[]);
    assert_eq!(
        findings(&report),
        vec![row("DS001", &drop, 2, "drop of table users")]
    );
    assert_eq!(report["files_checked"], 1);
    assert_eq!(code, 1);

    // Without --staged the work tree is what counts: all three statements are reported.
    let out = sqlgate(root)
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let codes: Vec<String> = findings(&json(&out.stdout))
        .into_iter()
        .map(|f| f.0)
        .collect();
    assert!(
        codes.contains(&"DS005".to_string()) && codes.contains(&"DS007".to_string()),
        "{codes:?}"
    );
}

#[test]
fn committed_history_feeds_the_catalog_while_staged_creations_count_as_new() {
    let dir = repo_with_users();
    let root = dir.path();
    // An index on the committed table: the table exists, so LK001 applies. One on a table
    // created in the same staged change: nobody is blocked, nothing to report.
    let indexes = format!("{M}/20260102000000_indexes.sql");
    write(
        root,
        &indexes,
        "-- rollback: drop index users_id; drop table notes;\n\
         create index users_id on users (id);\n\
         create table notes (id bigint);\n\
         alter table notes enable row level security;\n\
         create policy notes_all on notes for select using (auth.uid() is not null);\n\
         create index notes_id on notes (id);\n",
    );
    git(root, &["add", "-A"]);
    let (report, _) = staged_json(root, &[]);
    assert_eq!(
        findings(&report),
        vec![row(
            "LK001",
            &indexes,
            2,
            "create index users_id on table users without concurrently"
        )]
    );
}

#[test]
fn a_table_created_and_dropped_within_the_staged_change_is_not_a_destructive_drop() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "README.md", "app\n");
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "init"]);
    write(root, &format!("{M}/20260101000000_users.sql"), USERS);
    write(
        root,
        &format!("{M}/20260102000000_drop.sql"),
        "-- rollback: recreate\ndrop table users;\n",
    );
    git(root, &["add", "-A"]);
    let (report, code) = staged_json(root, &[]);
    assert_eq!(findings(&report), vec![]);
    assert_eq!(report["files_checked"], 2);
    assert_eq!(code, 0);
}

#[test]
fn the_first_commit_of_a_repository_checks_everything_staged() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    write(
        root,
        "db/migrations/0001_drop.up.sql",
        "drop table legacy;\n",
    );
    write(
        root,
        "db/migrations/0001_drop.down.sql",
        "create table legacy (id int);\n",
    );
    git(root, &["add", "-A"]);
    let (report, code) = staged_json(root, &[]);
    assert_eq!(
        findings(&report),
        vec![row(
            "DS001",
            "db/migrations/0001_drop.up.sql",
            1,
            "drop of table legacy"
        )]
    );
    assert_eq!(code, 1);
}

#[test]
fn edits_and_deletions_of_committed_migrations_are_compared_with_head() {
    let dir = repo_with_users();
    let root = dir.path();
    let users = format!("{M}/20260101000000_users.sql");
    write(root, &users, USERS.replace("bigint", "int"));
    git(root, &["add", &users]);
    let (report, _) = staged_json(root, &[]);
    let found = findings(&report);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0.as_str(), found[0].2), ("IN001", 2));
    let diff = report["findings"][0]["diff"].as_str().unwrap();
    assert!(
        diff.contains("-create table users (id bigint primary key);")
            && diff.contains("+create table users (id int primary key);"),
        "{diff}"
    );

    // Staged deletion (the work tree still has the file: only the index counts), next to
    // a migration that stays.
    git(root, &["reset", "-q"]);
    write(
        root,
        &format!("{M}/20260102000000_note.sql"),
        "-- rollback: drop column\nalter table users add column note text;\n",
    );
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "note"]);
    git(root, &["rm", "-q", "--cached", &users]);
    let (report, _) = staged_json(root, &[]);
    let codes: Vec<String> = findings(&report).into_iter().map(|f| f.0).collect();
    assert_eq!(codes, ["IN002"]);
}

#[test]
fn paths_and_the_current_directory_map_into_the_staged_tree() {
    let dir = repo_with_users();
    let root = dir.path();
    let drop = format!("{M}/20260102000000_drop.sql");
    write(root, &drop, "-- rollback: restore\ndrop table users;\n");
    git(root, &["add", &drop]);
    let sub = root.join("supabase");
    // From a subdirectory, with no path: the whole repository, named from here.
    let (report, _) = staged_json(&sub, &[]);
    assert_eq!(
        findings(&report),
        vec![row(
            "DS001",
            "../supabase/migrations/20260102000000_drop.sql",
            2,
            "drop of table users"
        )]
    );
    // A path relative to the subdirectory, and an absolute one.
    let (report, _) = staged_json(&sub, &["migrations"]);
    assert_eq!(findings(&report)[0].1, "migrations/20260102000000_drop.sql");
    let absolute = root.join(M);
    let (report, _) = staged_json(&sub, &[absolute.to_str().unwrap()]);
    assert_eq!(findings(&report)[0].1, "migrations/20260102000000_drop.sql");
}

#[test]
fn a_base_other_than_head_can_be_given() {
    let dir = repo_with_users();
    let root = dir.path();
    git(root, &["branch", "base"]);
    let drop = format!("{M}/20260102000000_drop.sql");
    write(root, &drop, "-- rollback: restore\ndrop table users;\n");
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "drop"]);
    // Nothing staged since HEAD: nothing to check.
    let (report, code) = staged_json(root, &[]);
    assert_eq!((findings(&report), code), (vec![], 0));
    // Since another base, the committed drop is part of the change.
    let (report, _) = staged_json(root, &["--changed-since", "base"]);
    assert_eq!(findings(&report)[0].0, "DS001");
}

#[test]
fn the_staged_config_applies_not_the_work_tree_one() {
    let dir = repo_with_users();
    let root = dir.path();
    write(
        root,
        &format!("{M}/20260102000000_wipe.sql"),
        "-- rollback: restore\ntruncate users;\ndrop table users;\n",
    );
    write(root, "sqlgate.toml", "[rules]\nignore = [\"truncate\"]\n");
    git(root, &["add", "-A"]);
    write(
        root,
        "sqlgate.toml",
        "[rules]\nignore = [\"truncate\", \"drop-table\"]\n",
    );
    let (report, _) = staged_json(root, &[]);
    let codes: Vec<String> = findings(&report).into_iter().map(|f| f.0).collect();
    assert_eq!(codes, ["DS001"]);
    // Without the staged config, TRUNCATE is reported too.
    git(root, &["rm", "-q", "-f", "--cached", "sqlgate.toml"]);
    let (report, _) = staged_json(root, &[]);
    let codes: Vec<String> = findings(&report).into_iter().map(|f| f.0).collect();
    assert_eq!(codes, ["DS001", "DS005"]);
}

#[test]
fn outside_a_repository_is_one_clear_error_and_nothing_is_left_behind() {
    let dir = tempfile::tempdir().unwrap();
    let out = sqlgate(dir.path())
        .args(["check", "--staged"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.trim(),
        format!(
            "error: {} is not inside a git repository: --staged reads the staged files from git's index, so run it inside the repository you commit to",
            dir.path().display()
        )
    );

    // The written-out index lives in TMPDIR and is removed after the run.
    let repo = repo_with_users();
    let tmp = tempfile::tempdir().unwrap();
    write(
        repo.path(),
        &format!("{M}/20260102000000_x.sql"),
        "select 1;\n",
    );
    git(repo.path(), &["add", "-A"]);
    sqlgate(repo.path())
        .args(["check", "--staged"])
        .env("TMPDIR", tmp.path())
        .assert()
        .code(0);
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}
