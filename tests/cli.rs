//! CLI behaviour: exit codes, selection, fail-on, errors that name the file, GitHub files,
//! and `--changed-since` against a real git repository.

use std::path::PathBuf;

use serde_json::Value;

mod common;
use common::{git, json, sqlgate, write};

fn codes(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}:{}",
                f["file"].as_str().unwrap(),
                f["code"].as_str().unwrap()
            )
        })
        .collect()
}

fn plain_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "sql/001_init.sql",
        b"CREATE TABLE users (id int, email text);\n-- rollback: DROP TABLE users;\n",
    );
    write(
        dir.path(),
        "sql/002_drop.sql",
        b"DROP TABLE users;\nALTER TABLE orders RENAME COLUMN a TO b;\n-- rollback: restore users from the backup\n",
    );
    dir
}

#[test]
fn exit_code_1_on_errors_0_when_only_warnings_are_below_fail_on() {
    let repo = plain_repo();
    sqlgate(repo.path()).args(["check", "sql"]).assert().code(1);
    sqlgate(repo.path())
        .args(["check", "sql", "--ignore", "drop-table"])
        .assert()
        .code(0);
    sqlgate(repo.path())
        .args([
            "check",
            "sql",
            "--ignore",
            "drop-table",
            "--fail-on",
            "warning",
        ])
        .assert()
        .code(1);
    sqlgate(repo.path())
        .args(["check", "sql", "--fail-on", "never"])
        .assert()
        .code(0);
}

#[test]
fn select_and_ignore_by_name_code_prefix_and_category() {
    let repo = plain_repo();
    let run = |args: &[&str]| {
        let out = sqlgate(repo.path())
            .args(["check", "sql", "--format", "json"])
            .args(args)
            .output()
            .unwrap();
        codes(&json(&out.stdout))
    };
    // TX001: the plain file's two statements run outside a transaction.
    assert_eq!(
        run(&[]),
        [
            "sql/002_drop.sql:DS001",
            "sql/002_drop.sql:TX001",
            "sql/002_drop.sql:DS010"
        ]
    );
    assert_eq!(run(&["--select", "DS001"]), ["sql/002_drop.sql:DS001"]);
    assert_eq!(run(&["--select", "rename"]), ["sql/002_drop.sql:DS010"]);
    assert_eq!(
        run(&["--ignore", "destructive"]),
        ["sql/002_drop.sql:TX001"]
    );
    assert_eq!(
        run(&["--ignore", "destructive", "--ignore", "transaction"]),
        Vec::<String>::new()
    );
    assert_eq!(
        run(&["--select", "DS0", "--ignore", "DS010"]),
        ["sql/002_drop.sql:DS001"]
    );
    let out = sqlgate(repo.path())
        .env("SQLGATE_IGNORE", "DS001,TX001")
        .args(["check", "sql", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(codes(&json(&out.stdout)), ["sql/002_drop.sql:DS010"]);
}

#[test]
fn opt_in_rules_run_only_when_named_exactly() {
    let repo = tempfile::tempdir().unwrap();
    write(
        repo.path(),
        "sql/001_note.sql",
        b"ALTER TABLE orders ADD COLUMN note text;\n-- rollback: ALTER TABLE orders DROP COLUMN note;\n",
    );
    let run = |args: &[&str]| {
        let out = sqlgate(repo.path())
            .args(["check", "sql", "--format", "json"])
            .args(args)
            .output()
            .unwrap();
        codes(&json(&out.stdout))
    };
    let none = Vec::<String>::new();
    let lk008 = ["sql/001_note.sql:LK008"];
    // Off by default, and not enabled by `all`, its category or its code prefix.
    assert_eq!(run(&[]), none);
    assert_eq!(run(&["--select", "all"]), none);
    assert_eq!(run(&["--select", "LK"]), none);
    assert_eq!(run(&["--select", "LK0"]), none);
    assert_eq!(run(&["--select", "locking"]), none);
    // Enabled by its exact name or code (any case), alone or next to `all`.
    assert_eq!(run(&["--select", "missing-lock-timeout"]), lk008);
    assert_eq!(run(&["--select", "LK008"]), lk008);
    assert_eq!(run(&["--select", "lk008"]), lk008);
    assert_eq!(run(&["--select", "all,missing-lock-timeout"]), lk008);
    assert_eq!(
        run(&["--select", "missing-lock-timeout", "--ignore", "locking"]),
        none
    );
    // The same from the configuration file.
    write(
        repo.path(),
        "sqlgate.toml",
        "[rules]\nselect = [\"all\", \"missing-lock-timeout\"]\n",
    );
    assert_eq!(run(&[]), lk008);
    write(repo.path(), "sqlgate.toml", "[rules]\nselect = [\"LK\"]\n");
    assert_eq!(run(&[]), none);
}

#[test]
fn unknown_rule_is_a_usage_error_with_a_suggestion() {
    let repo = plain_repo();
    let out = sqlgate(repo.path())
        .args(["check", "sql", "--select", "drop-tabel"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("unknown rule or category `drop-tabel`"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `drop-table`"), "{stderr}");
}

#[test]
fn bad_files_are_reported_by_name_and_the_run_continues() {
    let repo = plain_repo();
    write(
        repo.path(),
        "sql/003_binary.sql",
        b"DROP TABLE x;\n\xff\xfe\x00garbage",
    );
    write(
        repo.path(),
        "sql/004_unterminated.sql",
        b"DROP TABLE y;\nSELECT 'never closed;\n",
    );
    let out = sqlgate(repo.path())
        .args(["check", "sql", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "unreadable input makes the run an error"
    );
    let report = json(&out.stdout);
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["file"], "sql/003_binary.sql");
    assert!(errors[0]["message"]
        .as_str()
        .unwrap()
        .contains("line 2, column 1"));
    // The other files were still checked.
    let found = codes(&report);
    assert!(
        found.contains(&"sql/002_drop.sql:DS001".to_string()),
        "{found:?}"
    );
    assert!(
        found.contains(&"sql/004_unterminated.sql:DS001".to_string()),
        "{found:?}"
    );
    assert!(
        found.contains(&"sql/004_unterminated.sql:MT001".to_string()),
        "{found:?}"
    );
}

#[test]
fn missing_path_is_an_error_naming_it() {
    let repo = plain_repo();
    let out = sqlgate(repo.path())
        .args(["check", "nope/missing"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope/missing"));
}

#[test]
fn human_output_has_no_colour_when_not_a_tty_and_ends_with_a_summary() {
    let repo = plain_repo();
    let out = sqlgate(repo.path())
        .env_remove("NO_COLOR")
        .args(["check", "sql"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        !stdout.contains('\u{1b}'),
        "no ANSI escapes when stdout is not a terminal"
    );
    assert!(
        stdout.contains("DS001 drop-table: drop of table users"),
        "{stdout}"
    );
    assert!(stdout.contains("sql/002_drop.sql:1:1"), "{stdout}");
    assert!(
        stdout
            .trim_end()
            .ends_with("(2 files checked, 3 statements)."),
        "{stdout}"
    );
}

#[test]
fn github_format_annotates_and_writes_summary_and_outputs() {
    let repo = plain_repo();
    let summary = repo.path().join("summary.md");
    let outputs = repo.path().join("outputs.txt");
    let out = sqlgate(repo.path())
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_OUTPUT", &outputs)
        .args(["check", "sql"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("::error file=sql/002_drop.sql,line=1,endLine=1,col=1,endColumn=17,title=DS001 drop-table::drop of table users"),
        "{stdout}"
    );
    assert!(
        stdout.contains("::warning file=sql/002_drop.sql,line=2,"),
        "{stdout}"
    );
    let summary = std::fs::read_to_string(summary).unwrap();
    assert!(summary.starts_with("## sqlgate"), "{summary}");
    assert!(summary.contains("drop of table users"), "{summary}");
    let outputs = std::fs::read_to_string(outputs).unwrap();
    assert!(outputs.contains("errors=1\n"), "{outputs}");
    assert!(outputs.contains("gate-status=blocked\n"), "{outputs}");
}

#[test]
fn rules_and_rule_commands() {
    let dir = tempfile::tempdir().unwrap();
    let out = sqlgate(dir.path())
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let rules = json(&out.stdout);
    let rules = rules.as_array().unwrap();
    assert_eq!(rules.len(), sqlgate::rules::REGISTRY.len());
    assert_eq!(rules[0]["name"], "drop-table");
    assert_eq!(rules[0]["code"], "DS001");
    assert_eq!(rules[0]["severity"], "error");
    for name in ["drop-table", "DS001", "ds001"] {
        let out = sqlgate(dir.path()).args(["rule", name]).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.starts_with("# drop-table (DS001)"), "{text}");
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Use instead",
        ] {
            assert!(text.contains(section), "{section} missing");
        }
    }
    let out = sqlgate(dir.path())
        .args(["rule", "drop-tabel"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `drop-table`"));
}

#[test]
fn changed_since_checks_only_new_migrations_but_replays_old_ones() {
    let dir = tempfile::tempdir().unwrap();
    let root: PathBuf = dir.path().to_path_buf();
    write(
        &root,
        "db/migrations/000001_init.up.sql",
        b"CREATE TABLE accounts (id int);\nDROP TABLE legacy;\n",
    );
    write(
        &root,
        "db/migrations/000001_init.down.sql",
        b"DROP TABLE accounts;\n",
    );
    git(&root, &["init", "-q", "-b", "main"]);
    git(&root, &["add", "."]);
    git(&root, &["commit", "-q", "-m", "base"]);
    // Two new migrations: one creates a table, the next drops it (same change set: fine),
    // and drops a table from the base history (reported).
    write(
        &root,
        "db/migrations/000002_tmp.up.sql",
        b"CREATE TABLE scratch (id int);\n",
    );
    write(
        &root,
        "db/migrations/000002_tmp.down.sql",
        b"DROP TABLE scratch;\n",
    );
    write(
        &root,
        "db/migrations/000003_drop.up.sql",
        b"DROP TABLE scratch;\nDROP TABLE accounts;\n",
    );
    write(
        &root,
        "db/migrations/000003_drop.down.sql",
        b"CREATE TABLE accounts (id int);\n",
    );
    let out = sqlgate(&root)
        .args(["check", "db", "--changed-since", "main", "--format", "json"])
        .output()
        .unwrap();
    let report = json(&out.stdout);
    assert_eq!(
        codes(&report),
        ["db/migrations/000003_drop.up.sql:DS001"],
        "{report:#}"
    );
    assert_eq!(report["findings"][0]["line"], 2);
    assert_eq!(report["files_checked"], 4);
    // Without --changed-since every migration is its own change set: the base migration's
    // DROP TABLE legacy and 000003's drop of scratch (created in 000002) are reported too.
    let out = sqlgate(&root)
        .args(["check", "db", "--format", "json"])
        .output()
        .unwrap();
    let all = codes(&json(&out.stdout));
    assert_eq!(
        all,
        [
            "db/migrations/000001_init.up.sql:DS001",
            "db/migrations/000003_drop.up.sql:DS001",
            "db/migrations/000003_drop.up.sql:DS001"
        ]
    );
    let out = sqlgate(&root)
        .args(["check", "db", "--changed-since", "no-such-ref"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("git cannot resolve `no-such-ref`"));
}

#[test]
fn config_sets_the_dialect_and_rejects_unknown_keys_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "analytics/001_purge.sql",
        b"ALTER TABLE events DELETE WHERE ts < now();\n",
    );
    // Without configuration the path says nothing about ClickHouse: no mutation finding.
    let mutations = || {
        let out = sqlgate(dir.path())
            .args([
                "check",
                "analytics",
                "--format",
                "json",
                "--select",
                "DS013",
            ])
            .output()
            .unwrap();
        codes(&json(&out.stdout))
    };
    assert_eq!(mutations(), Vec::<String>::new());
    write(
        dir.path(),
        "sqlgate.toml",
        b"[migrations]\ndialect = \"clickhouse\"\n",
    );
    assert_eq!(mutations(), ["analytics/001_purge.sql:DS013"]);

    write(
        dir.path(),
        "sqlgate.toml",
        b"[migrations]\n\ndialcet = \"clickhouse\"\n",
    );
    let out = sqlgate(dir.path())
        .args(["check", "analytics"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("sqlgate.toml:3: unknown key `migrations.dialcet`"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `dialect`?"), "{stderr}");
}

#[test]
fn without_paths_the_repository_is_checked_and_files_are_named_from_here() {
    let repo = tempfile::tempdir().unwrap();
    git(repo.path(), &["init", "-q"]);
    write(
        repo.path(),
        "db/migrations/0001_drop.sql",
        "DROP TABLE users;\n",
    );
    write(repo.path(), "app/src/.keep", "");
    let files = |dir: &std::path::Path| -> Vec<String> {
        let out = sqlgate(dir)
            .args(["check", "--format", "json"])
            .output()
            .unwrap();
        json(&out.stdout)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["file"].as_str().unwrap().to_string())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect()
    };
    assert_eq!(files(repo.path()), ["db/migrations/0001_drop.sql"]);
    assert_eq!(
        files(&repo.path().join("app/src")),
        ["../../db/migrations/0001_drop.sql"]
    );
}

/// ory/popx runs each file in a transaction it commits itself: a `COMMIT; BEGIN;` in the
/// middle of a file leaves no transaction open (popx's own commit ends the second one).
/// golang-migrate sends the same file as one query, and the `BEGIN` stays open. The other
/// databases' files of popx are not linted as PostgreSQL.
#[test]
fn commit_begin_in_a_popx_file_is_committed_by_popx_not_by_golang_migrate() {
    let repo = tempfile::tempdir().unwrap();
    let up = "DELETE FROM sessions;COMMIT TRANSACTION;BEGIN TRANSACTION;\n\
              ALTER TABLE sessions ADD COLUMN token varchar(32);\n";
    let down = "ALTER TABLE sessions DROP COLUMN token;\n";
    write(repo.path(), "popx/1_token.postgres.up.sql", up);
    write(repo.path(), "popx/1_token.postgres.down.sql", down);
    // Would be DS001 (and TX003) if it were read as PostgreSQL.
    write(
        repo.path(),
        "popx/1_token.cockroach.up.sql",
        "BEGIN;\nDROP TABLE sessions;\n",
    );
    write(repo.path(), "popx/1_token.cockroach.down.sql", down);
    write(repo.path(), "migrate/1_token.up.sql", up);
    write(repo.path(), "migrate/1_token.down.sql", down);
    let out = sqlgate(repo.path())
        .args(["check", "popx", "migrate", "--format", "json"])
        .output()
        .unwrap();
    let found = codes(&json(&out.stdout));
    assert!(
        found.contains(&"migrate/1_token.up.sql:TX003".to_string()),
        "{found:?}"
    );
    assert!(
        !found
            .iter()
            .any(|f| f.starts_with("popx/") && f.ends_with(":TX003")),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|f| f.contains(".cockroach.")),
        "{found:?}"
    );
    // Inside popx's transaction the COMMIT is nested-transaction's to report: the BEGIN after
    // it opens the transaction popx then commits, so what breaks is atomicity.
    assert!(
        found.contains(&"popx/1_token.postgres.up.sql:TX002".to_string()),
        "{found:?}"
    );
    let report = json(&out.stdout);
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "TX002")
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert_eq!(
        messages,
        ["commit inside the transaction popx wraps the migration in: the statements before it are committed on their own, so a failure after it leaves the migration half applied"]
    );
}

/// The allocator's options are set before the Rust runtime's first allocation reserves
/// mimalloc's first arena (`main.rs`, `.init_array`): mimalloc prints them at that point.
#[cfg(target_os = "linux")]
#[test]
fn the_allocator_is_configured_before_its_first_arena() {
    let dir = tempfile::tempdir().unwrap();
    let out = sqlgate(dir.path())
        .arg("--version")
        .env("MIMALLOC_VERBOSE", "1")
        .env_remove("MIMALLOC_ARENA_RESERVE")
        .env_remove("MIMALLOC_PURGE_DELAY")
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    for line in [
        "option 'arena_reserve': 65536 KiB",
        "option 'purge_delay': 3",
    ] {
        assert!(
            stderr.lines().any(|l| l.trim_end() == line),
            "{line:?} in {stderr}"
        );
    }
}
