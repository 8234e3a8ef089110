//! No silent passes: what a new user meets that used to pass without a word. Unknown rule
//! codes, `init` freezing the migration list, named files and stdin, one unreadable old file,
//! and what local runs say about the merge gate.

use std::path::Path;
use std::process::Output;

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
    assert_eq!(lines.len(), 1, "expected one line on stderr:\n{text}");
    lines[0].to_string()
}

fn run(dir: &Path, args: &[&str]) -> Output {
    sqlgate(dir).args(args).output().unwrap()
}

/// Plain numbered files: a drop (DS001, which triggers the gate) after a create.
fn plain_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "sql/001_init.sql",
        "CREATE TABLE users (id int);\n-- rollback: DROP TABLE users;\n",
    );
    write(
        dir.path(),
        "sql/002_drop.sql",
        "DROP TABLE users;\n-- rollback: restore users from the backup\n",
    );
    dir
}

// ---------------------------------------------------------------------------------------
// 1. Unknown rule codes

#[test]
fn an_unknown_code_in_select_or_ignore_is_an_error_with_the_nearest_code() {
    let repo = plain_repo();
    let out = run(repo.path(), &["check", "sql", "--select", "DS000"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        one_line(&out),
        "error: unknown rule code `DS000` in --select; did you mean `DS001`?"
    );
    // The highest code of the family is the nearest to DS999 (new rules may move it).
    let out = run(repo.path(), &["check", "sql", "--select", "DS999"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        one_line(&out)
            .starts_with("error: unknown rule code `DS999` in --select; did you mean `DS0"),
        "{}",
        stderr(&out)
    );
    let out = run(repo.path(), &["check", "sql", "--ignore", "LK000"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        one_line(&out),
        "error: unknown rule code `LK000` in --ignore; did you mean `LK001`?"
    );
    // A prefix that matches no code.
    let out = run(repo.path(), &["check", "sql", "--select", "DS9"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        one_line(&out),
        "error: no rule code starts with `DS9` in --select; did you mean `DS`?"
    );
    // Prefixes that reach codes stay valid: DS0 selects DS001 (exit 1 on its error).
    run(repo.path(), &["check", "sql", "--select", "DS0"]);
    sqlgate(repo.path())
        .args(["check", "sql", "--select", "DS0"])
        .assert()
        .code(1);
    sqlgate(repo.path())
        .args(["check", "sql", "--select", "DS00", "--ignore", "DS"])
        .assert()
        .code(0);
}

#[test]
fn an_unknown_code_in_the_environment_is_an_error() {
    let repo = plain_repo();
    let out = sqlgate(repo.path())
        .args(["check", "sql"])
        .env("SQLGATE_SELECT", "DS000")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        one_line(&out),
        "error: unknown rule code `DS000` in SQLGATE_SELECT; did you mean `DS001`?"
    );
    let out = sqlgate(repo.path())
        .args(["check", "sql"])
        .env("SQLGATE_IGNORE", "drop-table,TX000")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        one_line(&out),
        "error: unknown rule code `TX000` in SQLGATE_IGNORE; did you mean `TX001`?"
    );
}

#[test]
fn an_unknown_code_in_the_config_is_an_error_with_its_line() {
    for (config, expected) in [
        (
            "[rules]\nselect = [\"DS000\"]\n",
            "sqlgate.toml:2: unknown rule code `DS000` in `rules.select`; did you mean `DS001`?",
        ),
        (
            "[rules]\nignore = [\"drop-table\", \"RV000\"]\n",
            "sqlgate.toml:2: unknown rule code `RV000` in `rules.ignore`; did you mean `RV001`?",
        ),
        (
            "[gate]\ntriggers = [\"DS001\", \"SC000\"]\n",
            "sqlgate.toml:2: unknown rule code `SC000` in `gate.triggers`; did you mean `SC001`?",
        ),
        (
            "[rules]\nselect = [\"DS9\"]\n",
            "sqlgate.toml:2: no rule code starts with `DS9` in `rules.select`; did you mean `DS`?",
        ),
    ] {
        let repo = plain_repo();
        write(repo.path(), "sqlgate.toml", config);
        let out = run(repo.path(), &["check", "sql"]);
        assert_eq!(out.status.code(), Some(2), "{config}");
        let line = one_line(&out);
        assert!(
            line.starts_with("error: ") && line.ends_with(expected),
            "{config}: {line}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// 2. `init` discovers by default; `migrations.exclude`

fn repo_with_two_layouts() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
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
    write(
        dir.path(),
        "supabase/migrations/20240101000000_init.sql",
        "CREATE TABLE notes (id bigint);\nALTER TABLE notes ENABLE ROW LEVEL SECURITY;\n\
         CREATE POLICY own ON notes USING (true);\n-- rollback: DROP TABLE notes;\n",
    );
    dir
}

#[test]
fn init_leaves_paths_commented_so_a_directory_added_later_is_checked() {
    let repo = repo_with_two_layouts();
    let out = run(repo.path(), &["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(
        said.contains(
            "sqlgate.toml (`paths` is left commented: every run discovers the migrations, new \
             directories included; `sqlgate init --paths` pins them)\n"
        ),
        "{said}"
    );
    let text = std::fs::read_to_string(repo.path().join("sqlgate.toml")).unwrap();
    assert!(
        text.contains(
            "[migrations]\n\
             # No `paths`: every run discovers the migrations from the repository root, so a\n\
             # migration directory added later is checked too. Found now: db/migrations, supabase/migrations.\n\
             # Set `paths` to check only some (`sqlgate init --paths` writes them).\n\
             # paths = [\"db/migrations\", \"supabase/migrations\"]\n\
             # exclude = [\"legacy/**\"]           # globs of directories and files discovery leaves out\n"
        ),
        "{text}"
    );
    assert!(!text.lines().any(|l| l.starts_with("paths")), "{text}");
    sqlgate::config::load(&repo.path().join("sqlgate.toml")).unwrap();
    sqlgate(repo.path()).arg("check").assert().code(0);

    // A new migration directory, after init: found and checked.
    write(
        repo.path(),
        "services/billing/migrations/001_drop.sql",
        "DROP TABLE invoices;\n-- rollback: restore invoices from the backup\n",
    );
    let out = run(repo.path(), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out.stdout);
    assert_eq!(
        report["findings"][0]["file"],
        "services/billing/migrations/001_drop.sql"
    );
}

#[test]
fn init_paths_pins_the_directories_found() {
    let repo = repo_with_two_layouts();
    let out = run(repo.path(), &["init", "--paths"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(
            "sqlgate.toml (`paths` lists these directories: only they are checked; add new \
             ones there)\n"
        ),
        "{}",
        stdout(&out)
    );
    let text = std::fs::read_to_string(repo.path().join("sqlgate.toml")).unwrap();
    assert!(
        text.contains(
            "[migrations]\n\
             # Only these are checked: add a new migration directory here (or remove `paths`,\n\
             # and every run discovers the migrations from the repository root).\n\
             paths = [\"db/migrations\", \"supabase/migrations\"]\n"
        ),
        "{text}"
    );
    sqlgate::config::load(&repo.path().join("sqlgate.toml")).unwrap();
}

#[test]
fn migrations_exclude_leaves_out_directories_and_files_but_not_files_named() {
    let repo = repo_with_two_layouts();
    write(
        repo.path(),
        "legacy/migrations/001_old.sql",
        "DROP TABLE archive;\n-- rollback: none\n",
    );
    write(
        repo.path(),
        "legacy/migrations/nested/001_older.sql",
        "DROP TABLE older;\n-- rollback: none\n",
    );
    write(
        repo.path(),
        "db/migrations/0002_seedish.up.sql",
        "TRUNCATE users;\n",
    );
    write(
        repo.path(),
        "db/migrations/0002_seedish.down.sql",
        "SELECT 1;\n",
    );
    sqlgate(repo.path()).arg("check").assert().code(1);
    write(
        repo.path(),
        "sqlgate.toml",
        "[migrations]\nexclude = [\"legacy\", \"db/migrations/0002_*\"]\n",
    );
    let out = run(repo.path(), &["check", "-v"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let err = stderr(&out);
    for line in [
        "skipped legacy/migrations: excluded by `migrations.exclude`",
        "skipped legacy/migrations/nested: excluded by `migrations.exclude`",
        "skipped db/migrations/0002_seedish.down.sql: excluded by `migrations.exclude`",
        "skipped db/migrations/0002_seedish.up.sql: excluded by `migrations.exclude`",
    ] {
        assert!(
            err.lines().any(|l| l == line),
            "missing {line:?} in:\n{err}"
        );
    }
    // A file named on the command line is checked all the same.
    let out = run(
        repo.path(),
        &["check", "legacy/migrations/001_old.sql", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(json(&out.stdout)["findings"][0]["code"], "DS001");
    // The key is validated like every glob.
    write(
        repo.path(),
        "sqlgate.toml",
        "[migrations]\nexclude = [\"legacy/[x\"]\n",
    );
    let out = run(repo.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        one_line(&out).contains("invalid glob `legacy/[x` in `migrations.exclude`"),
        "{}",
        stderr(&out)
    );
}

// ---------------------------------------------------------------------------------------
// 3. Named files and stdin

#[test]
fn a_file_named_on_the_command_line_is_linted_whatever_its_name() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "scripts/cleanup.sql", "DROP TABLE sessions;\n");
    write(dir.path(), "notes/fix.txt", "DROP TABLE carts;\n");
    // Found by walking, a file with no version is not a migration...
    let out = run(dir.path(), &["check", "scripts", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out.stdout)["files_checked"], 0);
    // ...but named, it is linted as plain SQL.
    for (file, table) in [
        ("scripts/cleanup.sql", "sessions"),
        ("notes/fix.txt", "carts"),
    ] {
        let out = run(dir.path(), &["check", file, "--format", "json"]);
        assert_eq!(out.status.code(), Some(1), "{file}: {}", stderr(&out));
        let report = json(&out.stdout);
        assert_eq!(report["files_checked"], 1, "{file}");
        let finding = &report["findings"][0];
        assert_eq!(finding["code"], "DS001", "{file}");
        assert_eq!(finding["file"], file);
        assert_eq!(finding["message"], format!("drop of table {table}"));
    }
    // Two unnumbered files are not two migrations with one version.
    let out = run(
        dir.path(),
        &[
            "check",
            "scripts/cleanup.sql",
            "notes/fix.txt",
            "--format",
            "json",
        ],
    );
    let report = json(&out.stdout);
    assert_eq!(report["files_checked"], 2);
    assert!(
        !report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "IN003"),
        "{report}"
    );
}

fn stdin_run(dir: &Path, args: &[&str], sql: &str) -> Output {
    sqlgate(dir)
        .args(args)
        .write_stdin(sql.to_string())
        .output()
        .unwrap()
}

#[test]
fn dash_reads_sql_from_stdin_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let sql = "DROP TABLE users;\n";
    let out = stdin_run(dir.path(), &["check", "-", "--format", "json"], sql);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out.stdout);
    assert_eq!(report["files_checked"], 1);
    assert_eq!(report["findings"][0]["code"], "DS001");
    assert_eq!(report["findings"][0]["file"], "<stdin>");

    let named = [
        "check",
        "-",
        "--stdin-filename",
        "db/migrations/0002_drop.sql",
    ];
    let out = stdin_run(
        dir.path(),
        &[&named[..], &["--format", "json"]].concat(),
        sql,
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        json(&out.stdout)["findings"][0]["file"],
        "db/migrations/0002_drop.sql"
    );

    let out = stdin_run(dir.path(), &named, sql);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).starts_with(
            "db/migrations/0002_drop.sql\n  × DS001 drop-table: drop of table users\n   \
             ╭─[db/migrations/0002_drop.sql:1:1]\n"
        ),
        "{}",
        stdout(&out)
    );

    let out = stdin_run(
        dir.path(),
        &[&named[..], &["--format", "github"]].concat(),
        sql,
    );
    assert!(
        stdout(&out).starts_with(
            "::error file=db/migrations/0002_drop.sql,line=1,endLine=1,col=1,endColumn=17,\
             title=DS001 drop-table::drop of table users"
        ),
        "{}",
        stdout(&out)
    );

    let out = stdin_run(
        dir.path(),
        &[&named[..], &["--format", "sarif"]].concat(),
        sql,
    );
    let sarif = json(&out.stdout);
    assert_eq!(
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
            ["uri"],
        "db/migrations/0002_drop.sql"
    );

    let out = stdin_run(
        dir.path(),
        &[&named[..], &["--format", "markdown"]].concat(),
        sql,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("db/migrations/0002_drop.sql"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn the_stdin_filename_and_dialect_flag_pick_the_dialect() {
    let dir = tempfile::tempdir().unwrap();
    let mutation = "ALTER TABLE events DELETE WHERE ts < now();\n";
    let codes = |out: &Output| -> Vec<String> {
        json(&out.stdout)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    let clickhouse = stdin_run(
        dir.path(),
        &[
            "check",
            "-",
            "--stdin-filename",
            "clickhouse/migrations/001_gc.sql",
            "--format",
            "json",
        ],
        mutation,
    );
    assert!(
        codes(&clickhouse).contains(&"clickhouse-mutation".to_string()),
        "{:?}",
        codes(&clickhouse)
    );
    let postgres = stdin_run(
        dir.path(),
        &[
            "check",
            "-",
            "--stdin-filename",
            "db/001_gc.sql",
            "--format",
            "json",
        ],
        mutation,
    );
    assert!(!codes(&postgres).contains(&"clickhouse-mutation".to_string()));
    let forced = stdin_run(
        dir.path(),
        &["check", "-", "--dialect", "clickhouse", "--format", "json"],
        mutation,
    );
    assert!(codes(&forced).contains(&"clickhouse-mutation".to_string()));
}

#[test]
fn stdin_misuse_is_one_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.sql", "SELECT 1;\n");
    let out = stdin_run(dir.path(), &["check", "-", "a.sql"], "SELECT 1;");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        one_line(&out),
        "error: `-` reads SQL from stdin and cannot be combined with other paths: check them \
         in another run"
    );
    let out = run(dir.path(), &["check", "a.sql", "--stdin-filename", "x.sql"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        one_line(&out),
        "error: --stdin-filename names the SQL read from stdin: pass `-` as the path \
         (`sqlgate check - --stdin-filename PATH < file.sql`)"
    );
    let out = stdin_run(dir.path(), &["check", "-", "--changed-since", "main"], "");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        one_line(&out),
        "error: `-` reads SQL from stdin, which has no git history: drop --staged and \
         --changed-since, or check the files by path"
    );
    let out = sqlgate(dir.path())
        .args(["check", "-", "--format", "json"])
        .write_stdin(b"SELECT '\xff';\n".to_vec())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json(&out.stdout)["errors"][0]["file"], "<stdin>");
}

// ---------------------------------------------------------------------------------------
// 4. One bad old file

const OLD_BAD: &[u8] = b"CREATE TABLE legacy (id int);\n-- caf\xe9\n";

/// A committed golang-migrate history whose first migration is not UTF-8.
fn repo_with_a_bad_old_file() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    write(dir.path(), "db/migrations/001_legacy.up.sql", OLD_BAD);
    write(
        dir.path(),
        "db/migrations/001_legacy.down.sql",
        "DROP TABLE legacy;\n",
    );
    write(
        dir.path(),
        "db/migrations/002_users.up.sql",
        "CREATE TABLE users (id int);\n",
    );
    write(
        dir.path(),
        "db/migrations/002_users.down.sql",
        "DROP TABLE users;\n",
    );
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "init"]);
    git(dir.path(), &["checkout", "-q", "-b", "feature"]);
    write(
        dir.path(),
        "db/migrations/003_index.up.sql",
        "CREATE INDEX users_id ON users (id);\n",
    );
    write(
        dir.path(),
        "db/migrations/003_index.down.sql",
        "DROP INDEX users_id;\n",
    );
    dir
}

const NOT_REPLAYED: &str = "warning: db/migrations/001_legacy.up.sql: invalid UTF-8 at line 2, \
    column 7 (byte 36): re-save the file as UTF-8; it did not change, so the check goes on, but \
    the catalog could not replay it: the tables it creates are unknown";

#[test]
fn an_unreadable_unchanged_migration_is_a_warning_not_an_error() {
    let repo = repo_with_a_bad_old_file();
    // The whole tree: the file is an error, as before.
    let out = run(repo.path(), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    // Since main: the run goes on, with a warning; LK001 still fires on the older table.
    let out = run(
        repo.path(),
        &["check", "--changed-since", "main", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(one_line(&out), NOT_REPLAYED);
    let report = json(&out.stdout);
    assert_eq!(report["errors"].as_array().unwrap().len(), 0, "{report}");
    assert_eq!(report["files_checked"], 2);
    assert_eq!(report["findings"][0]["code"], "LK001", "{report}");
    // Staged: the same.
    git(repo.path(), &["add", "-A"]);
    let out = run(repo.path(), &["check", "--staged", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(one_line(&out), NOT_REPLAYED);
    // A changed file must still be readable.
    write(
        repo.path(),
        "db/migrations/003_index.up.sql",
        b"CREATE INDEX \xff;\n",
    );
    git(repo.path(), &["add", "-A"]);
    for args in [
        &["check", "--staged", "--format", "json"][..],
        &["check", "--changed-since", "main", "--format", "json"],
    ] {
        let out = run(repo.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let report = json(&out.stdout);
        assert_eq!(
            report["errors"][0]["file"], "db/migrations/003_index.up.sql",
            "{args:?}: {report}"
        );
    }
}

/// A changed migration that discovery skips (here a Go template) is not linted: the check
/// says so, from the repository root and from below it, instead of "no migration changed".
#[test]
fn a_changed_migration_that_was_not_linted_is_a_warning() {
    let repo = repo_with_a_bad_old_file();
    write(
        repo.path(),
        "db/migrations/001_legacy.up.sql",
        "CREATE TABLE legacy (id int);\n",
    );
    git(repo.path(), &["add", "-A"]);
    git(repo.path(), &["commit", "-q", "-m", "index"]);
    git(repo.path(), &["branch", "-q", "-f", "main"]);
    write(
        repo.path(),
        "db/migrations/004_tenant.up.sql",
        "-- {{ .Schema }}\nDROP TABLE users;\n",
    );
    const WARNING: &str = "warning: db/migrations/004_tenant.up.sql changed since main but \
        was not checked (Go template placeholders: not plain SQL): review it by hand";
    let out = run(
        repo.path(),
        &["check", "--changed-since", "main", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(one_line(&out), WARNING);
    assert_eq!(json(&out.stdout)["files_checked"], 0);
    let out = run(
        &repo.path().join("db"),
        &["check", "migrations", "--changed-since", "main"],
    );
    assert_eq!(one_line(&out), WARNING);
    // Staged, the same file.
    git(repo.path(), &["add", "-A"]);
    let out = run(
        repo.path(),
        &["check", "--staged", "--changed-since", "main"],
    );
    assert_eq!(one_line(&out), WARNING);
    // Without it, only the note that nothing changed.
    git(
        repo.path(),
        &["rm", "-q", "--cached", "db/migrations/004_tenant.up.sql"],
    );
    std::fs::remove_file(repo.path().join("db/migrations/004_tenant.up.sql")).unwrap();
    let out = run(repo.path(), &["check", "--changed-since", "main"]);
    assert_eq!(one_line(&out), "note: no migration changed since main");
}

#[test]
fn the_hint_for_a_missing_ref_is_a_command_that_works() {
    // `origin` holds main and feature; the clone has only feature.
    let upstream = repo_with_a_bad_old_file();
    git(upstream.path(), &["add", "-A"]);
    git(upstream.path(), &["commit", "-q", "-m", "index"]);
    let parent = tempfile::tempdir().unwrap();
    let clone = parent.path().join("clone");
    git(
        parent.path(),
        &[
            "clone",
            "-q",
            "--single-branch",
            "--branch",
            "feature",
            upstream.path().to_str().unwrap(),
            "clone",
        ],
    );
    let out = run(&clone, &["check", "--changed-since", "origin/main"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        one_line(&out),
        "error: git cannot resolve `origin/main`: fetch it first (`git fetch origin \
         main:refs/remotes/origin/main`) or pass an existing branch, tag or commit (`git \
         branch -a` lists the branches)"
    );
    git(
        &clone,
        &["fetch", "-q", "origin", "main:refs/remotes/origin/main"],
    );
    let out = run(
        &clone,
        &[
            "check",
            "--changed-since",
            "origin/main",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let out = run(&clone, &["check", "--changed-since", "main"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        one_line(&out),
        "error: git cannot resolve `main`: fetch it first (`git fetch origin main:main`) or \
         pass an existing branch, tag or commit (`git branch -a` lists the branches)"
    );
    git(&clone, &["fetch", "-q", "origin", "main:main"]);
    let out = run(
        &clone,
        &["check", "--changed-since", "main", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

// ---------------------------------------------------------------------------------------
// 5. Local runs

#[test]
fn a_local_run_says_what_ci_will_need_for_the_gate() {
    let repo = plain_repo();
    let out = run(repo.path(), &["check", "sql"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.lines()
            .any(|l| l
                == "Merge gate: required (CI will need 2 approvals and a backup before merge)."),
        "{text}"
    );
    write(
        repo.path(),
        "sqlgate.toml",
        "[gate]\napprovals = 1\n[gate.backup]\nrequired = false\n",
    );
    let text = stdout(&run(repo.path(), &["check", "sql"]));
    assert!(
        text.lines()
            .any(|l| l == "Merge gate: required (CI will need 1 approval before merge)."),
        "{text}"
    );
    // JSON keeps the data as it was.
    let out = run(repo.path(), &["check", "sql", "--format", "json"]);
    assert_eq!(json(&out.stdout)["gate"]["status"], "blocked");
}

#[test]
fn human_output_is_not_wrapped_when_stdout_is_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let table = "a_table_with_a_rather_long_name_that_goes_on_and_on_and_on_beyond_the_margin";
    write(
        dir.path(),
        "sql/001_drop.sql",
        format!("DROP TABLE {table};\n-- rollback: restore {table} from the backup\n"),
    );
    let out = sqlgate(dir.path())
        .args(["check", "sql"])
        .env("COLUMNS", "60")
        .output()
        .unwrap();
    let text = stdout(&out);
    let header = format!("  × DS001 drop-table: drop of table {table}");
    assert!(header.len() > 100);
    assert!(text.lines().any(|l| l == header), "{text}");
    assert!(!text.contains('\u{1b}'), "{text}");
    // TERM=dumb, without NO_COLOR: still no escape sequences.
    let out = sqlgate(dir.path())
        .args(["check", "sql"])
        .env_remove("NO_COLOR")
        .env("TERM", "dumb")
        .output()
        .unwrap();
    assert!(!stdout(&out).contains('\u{1b}'));
}
