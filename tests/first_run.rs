//! The newcomer's first ten minutes: examples in every help page that really run, a run
//! that finds no migrations says where it looked, the usual mistakes give one clear line,
//! and `sqlgate init --pre-commit` writes (or edits) `.pre-commit-config.yaml`.

use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Output};
use std::sync::OnceLock;

mod common;
use common::{git, json, sqlgate, write};

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The one line of stderr; fails the test when there are more or none.
fn one_line(out: &Output) -> String {
    let text = stderr(out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "expected exactly one line on stderr:\n{text}"
    );
    lines[0].to_string()
}

/// A git repository with Supabase and golang-migrate migrations, committed.
fn repo_with_migrations() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    write(
        dir.path(),
        "supabase/migrations/20240101000000_init.sql",
        "CREATE TABLE notes (id bigint);\n",
    );
    write(
        dir.path(),
        "db/migrations/0001_init.up.sql",
        "CREATE TABLE users (id bigint);\n",
    );
    write(
        dir.path(),
        "db/migrations/0001_init.down.sql",
        "DROP TABLE users;\n",
    );
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "init"]);
    dir
}

fn empty_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    dir
}

// ---------------------------------------------------------------------------------------
// 1. Examples in help

/// The commands listed under a help page's `Examples` heading, continuation lines joined,
/// comments dropped, split into arguments (the examples use no quoting).
fn examples(help: &str) -> Vec<Vec<String>> {
    let mut commands = Vec::new();
    let mut in_examples = false;
    let mut pending = String::new();
    for line in help.lines() {
        if line.starts_with("Examples") {
            in_examples = true;
            continue;
        }
        if !in_examples {
            continue;
        }
        let line = line.trim();
        if !pending.is_empty() {
            pending.push(' ');
            pending.push_str(line);
        } else if line.starts_with("sqlgate ") || line == "sqlgate" {
            pending.push_str(line);
        } else {
            continue;
        }
        if let Some(rest) = pending.strip_suffix('\\') {
            pending = rest.trim_end().to_string();
            continue;
        }
        let command = pending.split(" #").next().unwrap_or_default();
        commands.push(
            command
                .split_whitespace()
                .skip(1)
                .map(str::to_string)
                .collect(),
        );
        pending.clear();
    }
    commands
}

#[test]
fn every_help_ends_with_examples_that_the_binary_accepts() {
    let repo = repo_with_migrations();
    for page in [
        &[][..],
        &["check"],
        &["ci"],
        &["gate"],
        &["rules"],
        &["rule"],
        &["init"],
    ] {
        let out = sqlgate(repo.path())
            .args(page)
            .arg("--help")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{page:?}");
        let help = stdout(&out);
        assert!(
            help.lines().any(|l| l.starts_with("Examples")),
            "`sqlgate {} --help` has no Examples section:\n{help}",
            page.join(" ")
        );
        let commands = examples(&help);
        assert!(!commands.is_empty(), "{page:?}: no example command");
        for args in commands {
            // Examples may fail for want of GitHub's environment or input files; what they
            // must not be is a usage error from clap.
            let out = sqlgate(repo.path()).args(&args).output().unwrap();
            let err = stderr(&out);
            assert!(
                !err.contains("For more information, try '--help'")
                    && !err.contains("unexpected argument")
                    && !err.contains("unrecognized"),
                "example `sqlgate {}` (from `{} --help`) is not valid:\n{err}",
                args.join(" "),
                page.join(" ")
            );
        }
    }
}

#[test]
fn check_examples_show_the_first_commands_a_newcomer_needs() {
    let repo = empty_repo();
    let help = stdout(
        &sqlgate(repo.path())
            .args(["check", "--help"])
            .output()
            .unwrap(),
    );
    for example in [
        "  sqlgate check supabase/migrations\n",
        "  sqlgate check --changed-since origin/main ",
        "  sqlgate check --staged                      # what the pre-commit hook runs: the staged files\n",
    ] {
        assert!(help.contains(example), "missing {example:?} in:\n{help}");
    }
    let init = stdout(
        &sqlgate(repo.path())
            .args(["init", "--help"])
            .output()
            .unwrap(),
    );
    assert!(init.contains("  sqlgate init --github "), "{init}");
    assert!(init.contains("  sqlgate init --pre-commit "), "{init}");
    let rule = stdout(
        &sqlgate(repo.path())
            .args(["rule", "--help"])
            .output()
            .unwrap(),
    );
    assert!(rule.contains("  sqlgate rule DS001\n"), "{rule}");
}

// ---------------------------------------------------------------------------------------
// 2. No migrations found

const LOOKED_FOR: &str = "sqlgate looks for SQL migration files (supabase/migrations, \
    migrations/ and db/migrations of golang-migrate, sqlx, diesel, dbmate, goose and popx, \
    Flyway V1__name.sql, Prisma migration.sql, Atlas atlas.sum, numbered *.sql)";

#[test]
fn a_repository_without_migrations_says_where_it_looked_and_what_to_do() {
    let repo = empty_repo();
    write(repo.path(), "README.md", "# app\n");
    let out = sqlgate(repo.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        one_line(&out),
        format!(
            "note: no migrations found under . (the repository root): {LOOKED_FOR}; pass their \
             directory (`sqlgate check path/to/migrations`) or set `paths` under [migrations] in \
             sqlgate.toml (`sqlgate init` writes one)"
        )
    );
    // Machine formats stay valid on stdout.
    for format in ["json", "sarif"] {
        let out = sqlgate(repo.path())
            .args(["check", "--format", format])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        json(&out.stdout);
        assert!(one_line(&out).starts_with("note: no migrations found under ."));
    }
}

#[test]
fn no_migrations_under_a_given_path_counts_the_skipped_files() {
    let repo = empty_repo();
    write(repo.path(), "sql/schema.sql", "CREATE TABLE t (id int);\n");
    write(repo.path(), "sql/seed.sql", "INSERT INTO t VALUES (1);\n");
    let out = sqlgate(repo.path())
        .args(["check", "sql"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        one_line(&out),
        format!(
            "note: no migrations found under sql: {LOOKED_FOR}; pass the directory that holds \
             them (`sqlgate check path/to/migrations`); 2 files were skipped: run with -v to see why"
        )
    );
    // With -v the reasons are printed, so the count is not repeated.
    let out = sqlgate(repo.path())
        .args(["check", "sql", "-v"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(err.contains("skipped sql/schema.sql: "), "{err}");
    assert!(!err.contains("run with -v"), "{err}");
}

#[test]
fn no_migrations_under_the_configured_paths_points_at_the_config() {
    let repo = empty_repo();
    write(
        repo.path(),
        "sqlgate.toml",
        "[migrations]\npaths = [\"db\"]\n",
    );
    write(repo.path(), "db/notes.txt", "nothing here\n");
    let out = sqlgate(repo.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let config = repo.path().join("sqlgate.toml");
    let config = std::fs::canonicalize(&config).unwrap_or(config);
    let line = one_line(&out);
    assert!(
        line.starts_with(&format!(
            "note: no migrations found under db (`paths` in {}): ",
            config.display()
        )),
        "{line}"
    );
    assert!(
        line.ends_with(&format!(
            "; fix `paths` under [migrations] in {}",
            config.display()
        )),
        "{line}"
    );
}

#[test]
fn changed_since_with_nothing_changed_is_not_a_missing_migrations_hint() {
    let repo = repo_with_migrations();
    let out = sqlgate(repo.path())
        .args(["check", "--changed-since", "HEAD"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(one_line(&out), "note: no migration changed since HEAD");
    let out = sqlgate(repo.path())
        .args(["check", "--changed-since", "HEAD", "--format", "json"])
        .output()
        .unwrap();
    json(&out.stdout);
}

#[test]
fn a_run_with_migrations_prints_no_hint() {
    let repo = repo_with_migrations();
    let out = sqlgate(repo.path())
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(stderr(&out), "");
}

// ---------------------------------------------------------------------------------------
// 3. One clear line for each usual mistake

#[test]
fn a_missing_path_is_one_line() {
    let repo = repo_with_migrations();
    let out = sqlgate(repo.path())
        .args(["check", "nope/"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        one_line(&out),
        "error: nope/: no such file or directory: check the path (`sqlgate check` with no path \
         checks the whole repository)"
    );
    assert_eq!(stdout(&out), "");
}

#[test]
fn a_missing_configured_path_names_the_config() {
    let repo = repo_with_migrations();
    write(
        repo.path(),
        "sqlgate.toml",
        "[migrations]\npaths = [\"db/migrations\", \"supabase/migration\"]\n",
    );
    let out = sqlgate(repo.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let config = std::fs::canonicalize(repo.path().join("sqlgate.toml")).unwrap();
    assert_eq!(
        one_line(&out),
        format!(
            "error: supabase/migration: no such directory (from `paths` in {}): fix `paths` \
             under [migrations] there",
            config.display()
        )
    );
}

/// An unreadable migration is reported in the report (the run goes on without it) as one
/// line that says what to do, and makes the exit code 2.
fn assert_not_read(repo: &Path, file: &str, reason: &str) {
    let out = sqlgate(repo).args(["check", "db"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert_eq!(stderr(&out), "");
    let report = stdout(&out);
    let errors: Vec<&str> = report
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(errors, [format!("error: {file}: {reason}")], "{report}");
    let out = sqlgate(repo)
        .args(["check", "db", "--format", "json"])
        .output()
        .unwrap();
    let report = json(&out.stdout);
    assert_eq!(report["errors"][0]["file"], file);
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_one_line_saying_what_to_do() {
    use std::os::unix::fs::PermissionsExt;

    let repo = tempfile::tempdir().unwrap();
    write(
        repo.path(),
        "db/0001_init.sql",
        "CREATE TABLE t (id int);\n",
    );
    // A broken symbolic link cannot be read by anyone, root included.
    std::os::unix::fs::symlink(
        repo.path().join("db/gone.sql"),
        repo.path().join("db/0002_link.sql"),
    )
    .unwrap();
    assert_not_read(
        repo.path(),
        "db/0002_link.sql",
        "cannot read it (it does not exist; a broken symbolic link?): fix or remove it",
    );

    std::fs::remove_file(repo.path().join("db/0002_link.sql")).unwrap();
    let locked = repo.path().join("db/0002_locked.sql");
    std::fs::write(&locked, "DROP TABLE t;\n").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&locked).is_ok() {
        // Root (as in many CI containers) reads files whatever their mode.
        eprintln!("not checked: chmod 000 does not stop this user (root?) from reading a file");
        return;
    }
    assert_not_read(
        repo.path(),
        "db/0002_locked.sql",
        "cannot read it (permission denied): make it readable (`chmod a+r`) or check a \
         directory without it",
    );
}

fn config_error(config: &str) -> (String, PathBuf) {
    let repo = repo_with_migrations();
    write(repo.path(), "sqlgate.toml", config);
    let out = sqlgate(repo.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    let file = std::fs::canonicalize(repo.path().join("sqlgate.toml")).unwrap();
    (one_line(&out), file)
}

#[test]
fn a_bad_config_is_one_line_with_file_line_and_key() {
    let (line, file) = config_error("[migrations]\npathz = [\"db\"]\n");
    assert_eq!(
        line,
        format!(
            "error: {}:2: unknown key `migrations.pathz`; did you mean `paths`? (valid in \
             [migrations]: paths, exclude, framework, dialect, overrides)",
            file.display()
        )
    );

    let (line, file) = config_error("[migrations]\npaths = [\"db\"\n");
    assert_eq!(
        line,
        format!(
            "error: {}:3: invalid TOML: invalid array: expected `]`",
            file.display()
        )
    );

    let (line, file) = config_error("[migrations]\nframework = \"rails\"\n");
    assert!(
        line.starts_with(&format!(
            "error: {}:2: invalid value `rails` for `migrations.framework` (valid: auto, ",
            file.display()
        )),
        "{line}"
    );
}

#[test]
fn changed_since_outside_git_is_one_line() {
    let dir = tempfile::tempdir().unwrap();
    if StdCommand::new("git")
        .current_dir(dir.path())
        .args(["rev-parse", "--git-dir"])
        .output()
        .is_ok_and(|o| o.status.success())
    {
        eprintln!("not checked: the temporary directory is inside a git repository");
        return;
    }
    write(dir.path(), "db/0001_init.sql", "CREATE TABLE t (id int);\n");
    let out = sqlgate(dir.path())
        .args(["check", "--changed-since", "main"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let line = one_line(&out);
    assert!(
        line.starts_with("error: ")
            && line.ends_with(
                " is not inside a git repository: --changed-since compares against git \
                 history, so run sqlgate in a clone, or drop --changed-since to check every \
                 migration"
            ),
        "{line}"
    );
}

// ---------------------------------------------------------------------------------------
// 4. sqlgate init --pre-commit

/// The pre-commit executable, installed into target/ by the project's script when missing.
fn pre_commit() -> &'static Path {
    static EXE: OnceLock<PathBuf> = OnceLock::new();
    EXE.get_or_init(|| {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/install-pre-commit.sh");
        let out = StdCommand::new("bash").arg(&script).output().unwrap();
        assert!(
            out.status.success(),
            "{} failed: {}",
            script.display(),
            stderr(&out)
        );
        PathBuf::from(stdout(&out).trim())
    })
}

/// pre-commit itself accepts the file.
fn assert_valid_pre_commit_config(file: &Path) {
    let out = StdCommand::new(pre_commit())
        .arg("validate-config")
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pre-commit rejects {}:\n{}{}\n{}",
        file.display(),
        stdout(&out),
        stderr(&out),
        std::fs::read_to_string(file).unwrap_or_default()
    );
}

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn pre_commit_file(repo: &Path) -> String {
    std::fs::read_to_string(repo.join(".pre-commit-config.yaml")).unwrap()
}

const HOOK_FILES: &str = sqlgate::config::precommit::HOOK_FILES;

/// The `repos:` item of the default hook (the wheel from PyPI), each line after `pad`.
fn wheel_item(pad: &str, files: &str) -> String {
    [
        "- repo: local",
        "  hooks:",
        "    - id: sqlgate",
        "      name: sqlgate",
        "      entry: sqlgate check --staged",
        "      # The sqlgate wheel from PyPI (a prebuilt binary, no Rust): installed in seconds.",
        "      # The pin is the version that runs; `pre-commit autoupdate` does not move it.",
        "      language: python",
        &format!(
            "      additional_dependencies: [\"sqlgate=={}\"]",
            sqlgate::config::precommit::pep440(VERSION)
        ),
        "      pass_filenames: false",
        "      require_serial: true",
        &format!("      files: {files}"),
    ]
    .iter()
    .map(|line| format!("{pad}{line}\n"))
    .collect()
}

#[test]
fn init_pre_commit_writes_a_new_file_for_the_migrations_found() {
    // By default the hook keeps its own pattern, so a migration directory added later runs
    // it too.
    let repo = repo_with_migrations();
    sqlgate(repo.path())
        .args(["init", "--pre-commit"])
        .assert()
        .code(0);
    let text = pre_commit_file(repo.path());
    assert!(
        text.ends_with(&format!("\n        files: '{HOOK_FILES}'\n")),
        "{text}"
    );
    assert!(
        text.contains("migration directory added later runs it\n"),
        "{text}"
    );
    assert_valid_pre_commit_config(&repo.path().join(".pre-commit-config.yaml"));

    // `--paths` pins the directories found, in the config and in the hook's `files:`.
    let repo = repo_with_migrations();
    let out = sqlgate(repo.path())
        .args(["init", "--pre-commit", "--paths"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        pre_commit_file(repo.path()),
        format!(
            "# pre-commit hooks (https://pre-commit.com). Written by `sqlgate init --pre-commit`.\n\
             repos:\n{}",
            wheel_item("  ", "'^(db/migrations/|supabase/migrations/|\\.?sqlgate\\.toml$)'")
        )
    );
    assert_valid_pre_commit_config(&repo.path().join(".pre-commit-config.yaml"));
    let said = stdout(&out);
    assert!(repo.path().join("sqlgate.toml").is_file());
    assert!(
        said.ends_with(
            "/.pre-commit-config.yaml: run `pre-commit install` (once per clone) so every commit \
             runs `sqlgate check --staged`\n"
        ),
        "{said}"
    );
    assert!(said.contains("wrote "), "{said}");
}

#[test]
fn init_pre_commit_without_migrations_leaves_the_hook_pattern() {
    let repo = empty_repo();
    sqlgate(repo.path())
        .args(["init", "--pre-commit"])
        .assert()
        .code(0);
    let text = pre_commit_file(repo.path());
    assert!(
        text.ends_with(&format!("\n        files: '{HOOK_FILES}'\n")),
        "{text}"
    );
    assert!(
        text.contains("migration directory added later runs it\n"),
        "{text}"
    );
    assert_valid_pre_commit_config(&repo.path().join(".pre-commit-config.yaml"));

    // The hook built from source keeps its own pattern (from .pre-commit-hooks.yaml).
    let repo = empty_repo();
    sqlgate(repo.path())
        .args(["init", "--pre-commit-from-source"])
        .assert()
        .code(0);
    let text = pre_commit_file(repo.path());
    assert!(
        !text.lines().any(|l| l.trim_start().starts_with("files:")),
        "{text}"
    );
    assert!(
        text.contains("migration directory added later runs it too"),
        "{text}"
    );
    assert_valid_pre_commit_config(&repo.path().join(".pre-commit-config.yaml"));
}

#[test]
fn init_pre_commit_from_source_writes_the_repository_hook() {
    let repo = repo_with_migrations();
    let out = sqlgate(repo.path())
        .args([
            "init",
            "--pre-commit",
            "--pre-commit-from-source",
            "--paths",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        pre_commit_file(repo.path()),
        format!(
            "# pre-commit hooks (https://pre-commit.com). Written by `sqlgate init --pre-commit`.\n\
             repos:\n  \
             - repo: https://github.com/sqlgate/sqlgate\n    \
             rev: v{VERSION}\n    \
             hooks:\n      \
             - id: sqlgate\n        \
             files: '^(db/migrations/|supabase/migrations/|\\.?sqlgate\\.toml$)'\n"
        )
    );
    assert_valid_pre_commit_config(&repo.path().join(".pre-commit-config.yaml"));
    // --pre-commit-from-source alone implies --pre-commit.
    let repo = repo_with_migrations();
    sqlgate(repo.path())
        .args(["init", "--pre-commit-from-source"])
        .assert()
        .code(0);
    assert!(pre_commit_file(repo.path()).contains(&format!("    rev: v{VERSION}\n")));
}

const OTHER_HOOKS: &str = "\
# Our hooks. Keep them fast.
default_stages: [pre-commit]
repos:
-   repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v4.6.0
    hooks:
    -   id: trailing-whitespace   # keep
    -   id: end-of-file-fixer
-   repo: local
    hooks:
    -   id: sqlgate-docs
        name: docs
        entry: 'true'
        language: system
";

#[test]
fn init_pre_commit_adds_the_hook_first_and_keeps_every_other_byte() {
    let repo = repo_with_migrations();
    write(repo.path(), ".pre-commit-config.yaml", OTHER_HOOKS);
    let out = sqlgate(repo.path())
        .args(["init", "--pre-commit", "--paths"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        pre_commit_file(repo.path()),
        format!(
            "\
# Our hooks. Keep them fast.
default_stages: [pre-commit]
repos:
{}-   repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v4.6.0
    hooks:
    -   id: trailing-whitespace   # keep
    -   id: end-of-file-fixer
-   repo: local
    hooks:
    -   id: sqlgate-docs
        name: docs
        entry: 'true'
        language: system
",
            wheel_item(
                "",
                "'^(db/migrations/|supabase/migrations/|\\.?sqlgate\\.toml$)'"
            )
        )
    );
    assert!(
        stdout(&out).contains("added the sqlgate hook to "),
        "{}",
        stdout(&out)
    );
    assert_valid_pre_commit_config(&repo.path().join(".pre-commit-config.yaml"));

    // Indented items: the entry takes their indentation.
    let indented = OTHER_HOOKS.replace("\n-   repo", "\n  - repo");
    let repo = repo_with_migrations();
    write(repo.path(), ".pre-commit-config.yaml", &indented);
    sqlgate(repo.path())
        .args(["init", "--pre-commit", "--paths"])
        .assert()
        .code(0);
    let text = pre_commit_file(repo.path());
    let item = wheel_item(
        "  ",
        "'^(db/migrations/|supabase/migrations/|\\.?sqlgate\\.toml$)'",
    );
    assert!(text.contains(&format!("repos:\n{item}")), "{text}");
    assert_eq!(text.replacen(&item, "", 1), indented);
    assert_valid_pre_commit_config(&repo.path().join(".pre-commit-config.yaml"));
}

#[test]
fn init_pre_commit_keeps_an_existing_sqlgate_hook_even_with_force() {
    let existing = "repos:\n  - repo: https://github.com/sqlgate/sqlgate\n    rev: v0.0.1\n    hooks:\n      - id: sqlgate\n  - repo: local\n    hooks:\n      - id: mine\n        name: mine\n        entry: 'true'\n        language: system\n";
    let repo = repo_with_migrations();
    write(repo.path(), ".pre-commit-config.yaml", existing);
    for args in [
        &["init", "--pre-commit"][..],
        &["init", "--pre-commit", "--force"],
    ] {
        let out = sqlgate(repo.path()).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(
            stdout(&out).contains("kept the sqlgate hook already in "),
            "{}",
            stdout(&out)
        );
        assert_eq!(pre_commit_file(repo.path()), existing);
    }
    assert_valid_pre_commit_config(&repo.path().join(".pre-commit-config.yaml"));
}

#[test]
fn init_pre_commit_force_keeps_other_hooks() {
    let repo = repo_with_migrations();
    write(repo.path(), ".pre-commit-config.yaml", OTHER_HOOKS);
    write(repo.path(), "sqlgate.toml", "# mine\n");
    sqlgate(repo.path())
        .args(["init", "--pre-commit", "--force"])
        .assert()
        .code(0);
    let text = pre_commit_file(repo.path());
    assert!(
        text.ends_with(
            &OTHER_HOOKS
                ["# Our hooks. Keep them fast.\ndefault_stages: [pre-commit]\nrepos:\n".len()..]
        ),
        "{text}"
    );
    assert!(text.contains("- id: sqlgate\n"), "{text}");
    // --force is about the files the flags write: --pre-commit writes no config, so the
    // team's sqlgate.toml is kept.
    let config = std::fs::read_to_string(repo.path().join("sqlgate.toml")).unwrap();
    assert_eq!(config, "# mine\n");
}

#[test]
fn init_pre_commit_refuses_a_file_it_cannot_edit_safely() {
    for existing in ["repos: []\n", "default_stages: [pre-commit]\n"] {
        let repo = repo_with_migrations();
        write(repo.path(), ".pre-commit-config.yaml", existing);
        let out = sqlgate(repo.path())
            .args(["init", "--pre-commit", "--paths"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let line = one_line(&out);
        assert!(
            line.starts_with("error: ")
                && line.contains("/.pre-commit-config.yaml was not changed: ")
                && line.ends_with("; add the sqlgate entry printed above to its `repos:` by hand"),
            "{line}"
        );
        assert_eq!(pre_commit_file(repo.path()), existing);
        // Nothing else was written either: the run stopped before writing.
        assert!(!repo.path().join("sqlgate.toml").exists());
        // The entry to paste, on stdout.
        assert_eq!(
            stdout(&out),
            format!(
                "# add under `repos:` in .pre-commit-config.yaml:\n{}",
                wheel_item(
                    "  ",
                    "'^(db/migrations/|supabase/migrations/|\\.?sqlgate\\.toml$)'"
                )
            )
        );
    }
}

#[test]
fn init_pre_commit_with_github_keeps_an_existing_config() {
    let repo = repo_with_migrations();
    write(repo.path(), "sqlgate.toml", "# mine\n");
    let out = sqlgate(repo.path())
        .args(["init", "--github", "--pre-commit"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(said.starts_with("kept "), "{said}");
    assert!(said.contains("sqlgate.yml: commit it"), "{said}");
    assert!(said.contains("run `pre-commit install`"), "{said}");
    assert_eq!(
        std::fs::read_to_string(repo.path().join("sqlgate.toml")).unwrap(),
        "# mine\n"
    );
    assert!(repo.path().join(".github/workflows/sqlgate.yml").is_file());
    assert_valid_pre_commit_config(&repo.path().join(".pre-commit-config.yaml"));

    // --pre-commit alone also keeps it (plain `init` refuses to overwrite it).
    let repo = repo_with_migrations();
    write(repo.path(), "sqlgate.toml", "# mine\n");
    sqlgate(repo.path())
        .args(["init", "--pre-commit"])
        .assert()
        .code(0);
    assert_eq!(
        std::fs::read_to_string(repo.path().join("sqlgate.toml")).unwrap(),
        "# mine\n"
    );
    sqlgate(repo.path()).arg("init").assert().code(2);
}
