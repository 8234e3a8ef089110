//! `sqlgate.toml` end to end: per-path rules and dialects, precedence of file < env < flags,
//! errors that name the key and line, and `sqlgate init`.

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use serde_json::Value;

mod common;
use common::{sqlgate, write};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/config")
        .join(name)
}

/// `file:code:severity` of each finding, files relative to `root`.
fn findings(root: &Path, stdout: &[u8]) -> Vec<String> {
    let report: Value = serde_json::from_slice(stdout).expect("json report");
    let root = std::fs::canonicalize(root).unwrap();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let file = f["file"].as_str().unwrap();
            let file = Path::new(file)
                .strip_prefix(&root)
                .map_or(file.to_string(), |p| p.display().to_string());
            format!(
                "{file}:{}:{}",
                f["code"].as_str().unwrap(),
                f["severity"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn overrides_apply_per_path_and_per_path_dialect_reaches_discovery() {
    let root = fixture("overrides");
    let out = sqlgate(&root)
        .args(["check", "--format", "json", "--ignore", "MT001,RV004,TX001"])
        .output()
        .unwrap();
    assert_eq!(
        findings(&root, &out.stdout),
        [
            // ClickHouse only because of `[[migrations.overrides]]`: the path does not say so.
            "analytics/001_purge.sql:DS013:error",
            "db/migrations/001_cleanup.sql:DS007:error",
            // `severity = { rename = "error" }`
            "db/migrations/001_cleanup.sql:DS010:error",
            // db/seed/001_countries.sql: delete-without-where ignored there only.
        ]
    );
    // `--dialect` applies to every path: the override no longer makes analytics/ ClickHouse.
    let out = sqlgate(&root)
        .args(["check", "--format", "json", "--select", "DS013"])
        .args(["--dialect", "postgres"])
        .output()
        .unwrap();
    assert_eq!(findings(&root, &out.stdout), Vec::<String>::new());
}

fn precedence_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "sql/001_drop.sql",
        "DROP TABLE users;\nALTER TABLE orders RENAME COLUMN a TO b;\nTRUNCATE t;\n",
    );
    write(
        dir.path(),
        "sqlgate.toml",
        "[rules]\nselect = [\"drop-table\"]\n",
    );
    dir
}

#[test]
fn select_precedence_is_file_then_env_then_flag() {
    let repo = precedence_repo();
    let run = |env: Option<&str>, flag: Option<&str>| {
        let mut cmd = sqlgate(repo.path());
        cmd.args(["check", "sql", "--format", "json"]);
        if let Some(env) = env {
            cmd.env("SQLGATE_SELECT", env);
        }
        if let Some(flag) = flag {
            cmd.args(["--select", flag]);
        }
        findings(repo.path(), &cmd.output().unwrap().stdout)
    };
    assert_eq!(run(None, None), ["sql/001_drop.sql:DS001:error"]);
    assert_eq!(
        run(Some("rename,truncate"), None),
        [
            "sql/001_drop.sql:DS010:warning",
            "sql/001_drop.sql:DS005:error"
        ]
    );
    assert_eq!(
        run(Some("rename"), Some("truncate")),
        ["sql/001_drop.sql:DS005:error"]
    );
}

#[test]
fn fail_on_precedence_is_default_then_env_then_flag() {
    let repo = precedence_repo();
    let code = |env: Option<&str>, flag: Option<&str>| {
        let mut cmd = sqlgate(repo.path());
        cmd.args(["check", "sql", "--select", "rename"]);
        if let Some(env) = env {
            cmd.env("SQLGATE_FAIL_ON", env);
        }
        if let Some(flag) = flag {
            cmd.args(["--fail-on", flag]);
        }
        cmd.output().unwrap().status.code()
    };
    assert_eq!(code(None, None), Some(0));
    assert_eq!(code(Some("warning"), None), Some(1));
    assert_eq!(code(Some("warning"), Some("never")), Some(0));
    assert_eq!(code(None, Some("warning")), Some(1));
}

#[test]
fn bad_environment_values_name_the_variable() {
    let repo = precedence_repo();
    for (var, value, expected) in [
        (
            "SQLGATE_FAIL_ON",
            "warnings",
            "error: SQLGATE_FAIL_ON: invalid value `warnings` (valid: error, warning, never)",
        ),
        (
            "SQLGATE_FORMAT",
            "xml",
            "error: SQLGATE_FORMAT: invalid value `xml`",
        ),
        (
            "SQLGATE_SELECT",
            "drop-tabel",
            "error: unknown rule or category `drop-tabel` in SQLGATE_SELECT; did you mean `drop-table`?",
        ),
        (
            "SQLGATE_DIALECT",
            "mysql",
            "error: SQLGATE_DIALECT: invalid value `mysql` (valid: postgres, clickhouse)",
        ),
        ("SQLGATE_RLS", "on", "error: SQLGATE_RLS: invalid value `on`"),
        (
            "SQLGATE_FRAMEWORK",
            "rails",
            "error: SQLGATE_FRAMEWORK: invalid value `rails`",
        ),
    ] {
        let out = sqlgate(repo.path())
            .env(var, value)
            .args(["check", "sql"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{var}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.starts_with(expected), "{var}: {stderr}");
    }
    let out = sqlgate(repo.path())
        .args(["check", "sql", "--rls", "sometimes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--rls: invalid value `sometimes`"));
}

#[test]
fn config_file_from_env_and_flag() {
    let repo = precedence_repo();
    write(
        repo.path(),
        "other.toml",
        "[rules]\nselect = [\"truncate\"]\n",
    );
    write(
        repo.path(),
        "third.toml",
        "[rules]\nselect = [\"rename\"]\n",
    );
    let run = |env: Option<&str>, flag: Option<&str>| {
        let mut cmd = sqlgate(repo.path());
        cmd.args(["check", "sql", "--format", "json"]);
        if let Some(env) = env {
            cmd.env("SQLGATE_CONFIG", env);
        }
        if let Some(flag) = flag {
            cmd.args(["--config", flag]);
        }
        findings(repo.path(), &cmd.output().unwrap().stdout)
    };
    assert_eq!(
        run(Some("other.toml"), None),
        ["sql/001_drop.sql:DS005:error"]
    );
    assert_eq!(
        run(Some("other.toml"), Some("third.toml")),
        ["sql/001_drop.sql:DS010:warning"]
    );
    let out = sqlgate(repo.path())
        .env("SQLGATE_CONFIG", "missing.toml")
        .args(["check", "sql"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("check SQLGATE_CONFIG"));
}

#[test]
fn severity_off_and_warning_change_the_exit_code() {
    let repo = precedence_repo();
    write(
        repo.path(),
        "sqlgate.toml",
        "[rules]\nseverity = { drop-table = \"warning\", DS005 = \"off\" }\n",
    );
    let out = sqlgate(repo.path())
        .args([
            "check",
            "sql",
            "--format",
            "json",
            "--ignore",
            "RV004,TX001",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        findings(repo.path(), &out.stdout),
        [
            "sql/001_drop.sql:DS001:warning",
            "sql/001_drop.sql:DS010:warning"
        ]
    );
}

#[test]
fn config_errors_name_file_line_key_and_suggestion() {
    let repo = precedence_repo();
    for (text, expected) in [
        (
            "[rules]\nselect = [\"all\"]\nseverity = { drop-colum = \"warning\" }\n",
            "sqlgate.toml:3: unknown rule `drop-colum` in `rules.severity.drop-colum`; did you mean `drop-column`?",
        ),
        (
            "[gate]\napprovals = 2\n\n[gate.backup]\nmax-age-days = 0\n",
            "sqlgate.toml:5: invalid value `0` for `gate.backup.max-age-days`: expected an integer of at least 1",
        ),
        (
            "[gate.backup]\nbody-pattern = '(?mi)^backup:\\s*(\\S+'\n",
            "sqlgate.toml:2: invalid regular expression `(?mi)^backup:\\s*(\\S+` in `gate.backup.body-pattern`",
        ),
        (
            "[security]\nrls = \"auto\"\nexposed-schema = [\"public\"]\n",
            "sqlgate.toml:3: unknown key `security.exposed-schema`; did you mean `exposed-schemas`?",
        ),
    ] {
        write(repo.path(), "sqlgate.toml", text);
        let out = sqlgate(repo.path())
            .args(["check", "sql"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{text}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let first = stderr.lines().next().unwrap_or("");
        assert!(first.starts_with("error: "), "{stderr}");
        assert!(first.contains(expected), "{stderr}");
    }
}

fn git_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let status = StdCommand::new("git")
        .args(["init", "-q"])
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    dir
}

fn init(dir: &Path, args: &[&str]) -> std::process::Output {
    sqlgate(dir).arg("init").args(args).output().unwrap()
}

#[test]
fn init_writes_a_loadable_config_for_golang_migrate_and_refuses_to_overwrite() {
    let repo = git_repo();
    write(
        repo.path(),
        "db/migrations/000001_init.up.sql",
        "CREATE TABLE t (id int);\n",
    );
    write(
        repo.path(),
        "db/migrations/000001_init.down.sql",
        "DROP TABLE t;\n",
    );
    // Run from a subdirectory: the file goes to the repository root.
    let sub = repo.path().join("db");
    let out = init(&sub, &[]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(
            "found migrations in db/migrations (framework: golang-migrate; dialect: postgres)"
        ),
        "{stdout}"
    );
    let text = std::fs::read_to_string(repo.path().join("sqlgate.toml")).unwrap();
    // Discovered at every run: the directories found are listed, commented.
    assert!(text.contains("\n# paths = [\"db/migrations\"]\n"), "{text}");
    assert!(text.contains("framework = \"golang-migrate\""), "{text}");
    assert!(text.contains("dialect = \"postgres\""), "{text}");
    assert!(
        text.contains("# [gate.backup]\n# required = true\n"),
        "{text}"
    );
    assert!(
        text.contains("# golang-migrate = \"down-file\"\n"),
        "{text}"
    );
    sqlgate::config::load(&repo.path().join("sqlgate.toml")).unwrap();
    let check = sqlgate(repo.path()).args(["check"]).output().unwrap();
    assert_eq!(check.status.code(), Some(0), "{check:?}");

    let again = init(repo.path(), &[]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("run `sqlgate init --force`"));

    std::fs::write(repo.path().join("sqlgate.toml"), "# edited\n").unwrap();
    let forced = init(repo.path(), &["--force"]);
    assert_eq!(forced.status.code(), Some(0));
    let text = std::fs::read_to_string(repo.path().join("sqlgate.toml")).unwrap();
    assert!(text.contains("\n# paths = [\"db/migrations\"]"));
}

#[test]
fn init_detects_supabase_and_refuses_over_a_dot_file() {
    let repo = git_repo();
    write(
        repo.path(),
        "supabase/migrations/20240101000000_init.sql",
        "CREATE TABLE t (id int);\n",
    );
    let out = init(repo.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = std::fs::read_to_string(repo.path().join("sqlgate.toml")).unwrap();
    assert!(
        text.contains("\n# paths = [\"supabase/migrations\"]\n"),
        "{text}"
    );
    assert!(text.contains("framework = \"supabase\""), "{text}");
    sqlgate::config::load(&repo.path().join("sqlgate.toml")).unwrap();

    std::fs::remove_file(repo.path().join("sqlgate.toml")).unwrap();
    write(repo.path(), ".sqlgate.toml", "");
    let out = init(repo.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(".sqlgate.toml already exists"));
}

#[test]
fn init_without_migrations_leaves_paths_commented() {
    let repo = git_repo();
    let out = init(repo.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("no migrations found"));
    let text = std::fs::read_to_string(repo.path().join("sqlgate.toml")).unwrap();
    assert!(text.contains("# paths = "), "{text}");
    assert!(text.contains("framework = \"auto\""), "{text}");
    sqlgate::config::load(&repo.path().join("sqlgate.toml")).unwrap();
}

#[test]
fn init_adds_a_dialect_override_for_clickhouse_directories() {
    let repo = git_repo();
    write(
        repo.path(),
        "db/migrations/001_init.sql",
        "CREATE TABLE t (id int);\n",
    );
    write(
        repo.path(),
        "clickhouse/migrations/001_events.sql",
        "CREATE TABLE events (id UInt64) ENGINE = MergeTree ORDER BY id;\n",
    );
    let out = init(repo.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = std::fs::read_to_string(repo.path().join("sqlgate.toml")).unwrap();
    assert!(
        text.contains("[[migrations.overrides]]\npaths = [\"clickhouse/migrations/**\"]\ndialect = \"clickhouse\"\n"),
        "{text}"
    );
    sqlgate::config::load(&repo.path().join("sqlgate.toml")).unwrap();
}

/// `framework = "popx"` reads a directory as ory/popx does (each file in a transaction,
/// `.autocommit` to opt out), and `[reversibility] popx` sets what its migrations must ship.
#[test]
fn framework_popx_wraps_each_file_and_has_its_own_reversibility() {
    let repo = git_repo();
    write(
        repo.path(),
        "db/migrations/1_idx.up.sql",
        "CREATE INDEX CONCURRENTLY a_idx ON a (id);\n",
    );
    write(
        repo.path(),
        "db/migrations/2_idx.autocommit.up.sql",
        "CREATE INDEX CONCURRENTLY b_idx ON b (id);\n",
    );
    write(
        repo.path(),
        "db/migrations/2_idx.autocommit.down.sql",
        "DROP INDEX CONCURRENTLY IF EXISTS b_idx;\n",
    );
    let check = |config: &str| {
        write(repo.path(), "sqlgate.toml", config);
        let out = sqlgate(repo.path())
            .args(["check", "--format", "json", "--select", "LK003,RV001"])
            .output()
            .unwrap();
        (
            findings(repo.path(), &out.stdout),
            json_messages(&out.stdout),
        )
    };
    // Told by `.autocommit`: the file without it runs in popx's transaction.
    let (auto, messages) = check("");
    assert_eq!(
        auto,
        [
            "db/migrations/1_idx.up.sql:LK003:error",
            "db/migrations/1_idx.up.sql:RV001:error"
        ]
    );
    assert!(
        messages[0].contains("popx wraps the migration in")
            && messages[0].contains("`.autocommit` in its file name"),
        "{messages:?}"
    );
    let (forced, _) = check("[migrations]\nframework = \"popx\"\n");
    assert_eq!(forced, auto);
    let (off, _) = check("[migrations]\nframework = \"popx\"\n\n[reversibility]\npopx = \"off\"\n");
    assert_eq!(off, ["db/migrations/1_idx.up.sql:LK003:error"]);
    // The same files read as golang-migrate's: each is sent as one query, no transaction.
    let (migrate, _) = check("[migrations]\nframework = \"golang-migrate\"\n");
    assert_eq!(migrate, ["db/migrations/1_idx.up.sql:RV001:error"]);

    std::fs::remove_file(repo.path().join("sqlgate.toml")).unwrap();
    let out = init(repo.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = std::fs::read_to_string(repo.path().join("sqlgate.toml")).unwrap();
    assert!(text.contains("framework = \"popx\""), "{text}");
    assert!(text.contains("# popx = \"down-file\"\n"), "{text}");
}

/// `message + help` of each finding.
fn json_messages(stdout: &[u8]) -> Vec<String> {
    let report: Value = serde_json::from_slice(stdout).expect("json report");
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{} / {}", f["message"], f["help"]))
        .collect()
}
