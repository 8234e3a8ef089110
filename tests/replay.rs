//! `sqlgate replay` and `check --replay` end to end, on this machine's PostgreSQL (a
//! throwaway cluster the binary makes and removes; as root it runs the server as an
//! unprivileged user). `fixtures/replay/repo` holds one migration of each kind the replay
//! reports, and a healthy one that must stay silent.
#![cfg(unix)]

mod common;
#[path = "common/postgres.rs"]
mod postgres;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{copy_dir, git, json, sqlgate, write};
use serde_json::Value;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/replay/repo");

/// A copy of the fixture repository in a directory the server's user can traverse (as root,
/// the throwaway cluster's directory lives under TMPDIR and belongs to `postgres`), and a
/// TMPDIR of its own, to see that nothing is left there.
struct Sandbox {
    _temp: tempfile::TempDir,
    repo: PathBuf,
    tmpdir: PathBuf,
}

fn sandbox() -> Sandbox {
    let temp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(temp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let repo = temp.path().join("repo");
    copy_dir(Path::new(FIXTURE), &repo);
    let tmpdir = temp.path().join("tmp");
    std::fs::create_dir(&tmpdir).unwrap();
    std::fs::set_permissions(&tmpdir, std::fs::Permissions::from_mode(0o755)).unwrap();
    Sandbox {
        _temp: temp,
        repo,
        tmpdir,
    }
}

fn replay(sandbox: &Sandbox, args: &[&str]) -> (i32, Value, String) {
    let out = sqlgate(&sandbox.repo)
        .env("TMPDIR", &sandbox.tmpdir)
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let code = out.status.code().unwrap_or(-1);
    assert!(!out.stdout.is_empty(), "no report (exit {code}):\n{stderr}");
    (code, json(&out.stdout), stderr)
}

/// (code, file, line, column, message) of each finding.
fn findings(report: &Value) -> Vec<(String, String, u64, u64, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn row(
    code: &str,
    file: &str,
    line: u64,
    column: u64,
    message: &str,
) -> (String, String, u64, u64, String) {
    (code.into(), file.into(), line, column, message.into())
}

fn left_behind(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn each_problem_is_reported_at_its_file_and_line_and_the_healthy_migration_is_silent() {
    let sandbox = sandbox();
    let (code, report, stderr) = replay(&sandbox, &["replay", "--format", "json"]);
    assert_eq!(code, 1, "{stderr}");
    let db = "db/migrations";
    let supabase = "supabase/migrations/20240101000000_profiles.sql";
    assert_eq!(
        findings(&report),
        [
            row("RP002", &format!("{db}/0002_add_email.down.sql"), 2, 1,
                "down does not restore the schema the up started from: 1 difference"),
            row("RP003", &format!("{db}/0002_add_email.up.sql"), 1, 1,
                "up fails again after its down: postgresql rejects the statement: column \"email\" of relation \"users\" already exists"),
            row("RP004", &format!("{db}/0003_add_token.up.sql"), 2, 1,
                "statement rewrites table public.users (100 rows at the time) under AccessExclusiveLock"),
            row("RP001", &format!("{db}/0004_add_age.up.sql"), 2, 18,
                "postgresql rejects the statement: type \"integr\" does not exist"),
            row("RP005", supabase, 2, 1,
                "table public.profiles has row-level security off in the exposed schema public"),
            row("RP006", supabase, 6, 1,
                "table public.todos has row-level security on and no policy"),
        ]
    );
    // Every replay rule has its case here (tests/rules.rs leaves them to this fixture).
    let reported: std::collections::BTreeSet<String> =
        findings(&report).into_iter().map(|f| f.0).collect();
    let replay_rules: std::collections::BTreeSet<String> = sqlgate::rules::REGISTRY
        .iter()
        .filter(|r| matches!(r.check, sqlgate::rules::Check::Replay))
        .map(|r| r.meta.code.to_string())
        .collect();
    assert_eq!(reported, replay_rules);
    let rp002 = &report["findings"][0];
    assert_eq!(
        rp002["diff"],
        "column public.users.email is left behind by the up"
    );
    assert_eq!(rp002["severity"], "error");

    // The replay object: the server, and per migration what happened.
    let replay = &report["replay"];
    assert!(
        replay["server_version"]
            .as_str()
            .unwrap()
            .starts_with("PostgreSQL 1"),
        "{replay}"
    );
    assert_eq!(replay["server"], "throwaway");
    assert!(replay["startup_seconds"].as_f64().unwrap() > 0.0);
    let sets = replay["sets"].as_array().unwrap();
    assert_eq!(sets.len(), 2, "{replay:#}");
    let migrations = sets[0]["migrations"].as_array().unwrap();
    let summary: Vec<(&str, bool)> = migrations
        .iter()
        .map(|m| {
            (
                m["version"].as_str().unwrap(),
                m["applied"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("0001", true),
            ("0002", true),
            ("0003", true),
            ("0004", false)
        ]
    );
    let healthy = &migrations[0];
    assert_eq!(healthy["down"]["applied"], true);
    assert_eq!(healthy["down"]["differences"], serde_json::json!([]));
    assert_eq!(healthy["up_again"]["applied"], true);
    assert_eq!(healthy["statements"].as_array().unwrap().len(), 2);
    // The rewrite, with the lock it held, on the statement that did it.
    let token = &migrations[2]["statements"][0];
    assert_eq!(token["line"], 2);
    assert_eq!(
        token["rewrites"],
        serde_json::json!([{"table": "public.users", "rows": 100}])
    );
    assert!(
        token["locks"].as_array().unwrap().contains(
            &serde_json::json!({"relation": "public.users", "mode": "AccessExclusiveLock"})
        ),
        "{token}"
    );
    assert_eq!(
        migrations[3]["error"],
        "postgresql rejects the statement: type \"integr\" does not exist"
    );
    assert_eq!(
        sets[0]["stopped"],
        "db/migrations/0004_add_age.up.sql failed"
    );
    assert_eq!(sets[1]["stopped"], Value::Null);

    // One line on stderr says what ran; the server and its directory are gone.
    assert!(
        stderr.starts_with("replay: PostgreSQL 1") && stderr.contains("(throwaway, started in "),
        "{stderr}"
    );
    assert_eq!(left_behind(&sandbox.tmpdir), Vec::<String>::new());
}

#[test]
fn check_with_replay_gives_static_and_replay_findings_in_one_report() {
    let sandbox = sandbox();
    let (code, report, stderr) = replay(&sandbox, &["check", "--replay", "--format", "json"]);
    assert_eq!(code, 1, "{stderr}");
    let codes: Vec<String> = findings(&report).into_iter().map(|f| f.0).collect();
    // The static RLS rule sees the same table as the catalog check.
    for expected in ["SC001", "RP001", "RP002", "RP004", "RP005", "RP006"] {
        assert!(
            codes.iter().any(|c| c == expected),
            "{expected} missing: {codes:?}"
        );
    }
    assert!(report["replay"].is_object());

    // Without --replay: no RP finding and no replay object.
    let out = sqlgate(&sandbox.repo)
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let report = json(&out.stdout);
    assert!(report.get("replay").is_none());
    assert!(findings(&report).iter().all(|f| !f.0.starts_with("RP")));
}

#[test]
fn a_suppression_with_a_reason_silences_a_replay_finding() {
    let sandbox = sandbox();
    let file = sandbox
        .repo
        .join("supabase/migrations/20240101000000_profiles.sql");
    let text = std::fs::read_to_string(&file).unwrap().replace(
        "create table public.profiles",
        "-- sqlgate: ignore rls-off-in-exposed-schema -- public reference data, read by everyone\ncreate table public.profiles",
    );
    std::fs::write(&file, text).unwrap();
    let (_, report, stderr) = replay(&sandbox, &["replay", "supabase", "--format", "json"]);
    let found: Vec<(String, bool)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["suppressed"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [("RP005".to_string(), true), ("RP006".to_string(), false)],
        "{stderr}"
    );
}

#[test]
fn a_statement_that_runs_too_long_is_stopped_by_the_statement_timeout() {
    let sandbox = sandbox();
    let dir = sandbox.repo.join("slow");
    write(
        &dir,
        "0001_wait.up.sql",
        "create table t (id int);\nselect pg_sleep(30);\n",
    );
    write(&dir, "0001_wait.down.sql", "drop table t;\n");
    let started = Instant::now();
    let (code, report, stderr) = replay(
        &sandbox,
        &[
            "replay",
            "slow",
            "--statement-timeout",
            "1",
            "--format",
            "json",
        ],
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        findings(&report),
        [row(
            "RP001",
            "slow/0001_wait.up.sql",
            2,
            1,
            "postgresql cancelled the statement: canceling statement due to statement timeout \
             (waiting on a lock, or a long-running statement)"
        )]
    );
    assert_eq!(left_behind(&sandbox.tmpdir), Vec::<String>::new());

    // The same limit from sqlgate.toml.
    write(
        &sandbox.repo,
        "sqlgate.toml",
        "[replay]\nstatement-timeout = 1\n",
    );
    let started = Instant::now();
    let (_, report, stderr) = replay(&sandbox, &["replay", "slow", "--format", "json"]);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(findings(&report).len(), 1, "{stderr}");
    assert_eq!(findings(&report)[0].0, "RP001");
}

#[test]
fn with_changed_since_the_older_migrations_build_the_starting_state() {
    let sandbox = sandbox();
    let repo = &sandbox.repo;
    // Only the healthy migration and the one that rewrites are in the history; the
    // rewrite is the change.
    for name in ["0002_add_email", "0004_add_age"] {
        for side in ["up", "down"] {
            std::fs::remove_file(repo.join(format!("db/migrations/{name}.{side}.sql"))).unwrap();
        }
    }
    std::fs::remove_dir_all(repo.join("supabase")).unwrap();
    let token: Vec<(PathBuf, String)> = ["up", "down"]
        .iter()
        .map(|side| {
            let path = repo.join(format!("db/migrations/0003_add_token.{side}.sql"));
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::remove_file(&path).unwrap();
            (path, text)
        })
        .collect();
    git(repo, &["init", "-q", "-b", "main"]);
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "base"]);
    for (path, text) in &token {
        std::fs::write(path, text).unwrap();
    }
    let (code, report, stderr) = replay(
        &sandbox,
        &["replay", "--changed-since", "HEAD", "--format", "json"],
    );
    assert_eq!(code, 0, "warnings only: {stderr}");
    assert_eq!(
        findings(&report),
        [row(
            "RP004",
            "db/migrations/0003_add_token.up.sql",
            2,
            1,
            "statement rewrites table public.users (100 rows at the time) under AccessExclusiveLock"
        )]
    );
    let set = &report["replay"]["sets"][0];
    assert_eq!(set["base_migrations"], 1);
    assert_eq!(set["migrations"].as_array().unwrap().len(), 1);
}

#[test]
fn a_replay_that_cannot_start_says_why_and_exits_2() {
    let sandbox = sandbox();
    let out = sqlgate(&sandbox.repo)
        .args([
            "replay",
            "--database-url",
            "postgresql://someone:hunter2@localhost:1/app",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("replay cannot start"), "{stderr}");
    assert!(
        !stderr.contains("hunter2"),
        "the password is shown: {stderr}"
    );
}

#[test]
fn on_a_named_server_only_scratch_databases_are_touched() {
    let server = postgres::Postgres::start().expect("PostgreSQL for the test");
    server.create_database("keep_me").unwrap();
    let databases = || {
        let out = server
            .psql("postgres")
            .args(["-At", "-c", "select datname from pg_database order by 1"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let before = databases();
    let url = format!(
        "host={} port={} user=sqlgate dbname=postgres",
        server.socket_dir().display(),
        server.port()
    );
    let sandbox = sandbox();
    let dir = sandbox.repo.join("named");
    write(
        &dir,
        "0001_users.up.sql",
        "create table users (id bigint primary key);\n",
    );
    write(&dir, "0001_users.down.sql", "drop table users;\n");
    write(&dir, "0002_cleanup.up.sql", "drop database keep_me;\n");
    write(&dir, "0002_cleanup.down.sql", "select 1;\n");
    let (code, report, stderr) = replay(
        &sandbox,
        &[
            "replay",
            "named",
            "--database-url",
            &url,
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        findings(&report),
        [row(
            "RP001",
            "named/0002_cleanup.up.sql",
            1,
            1,
            "not replayed on --database-url: DROP DATABASE acts on the server beyond sqlgate's \
             scratch database"
        )]
    );
    assert_eq!(report["replay"]["server"], "database-url");
    assert_eq!(
        report["replay"]["sets"][0]["migrations"][0]["applied"],
        true
    );
    // keep_me is there, and no scratch database is left.
    assert_eq!(databases(), before);
}

/// `security.rls = "auto"`: the RLS checks apply to a set that is not Supabase's layout when
/// its migrations use Supabase's roles or auth functions, as the static RLS rules decide.
#[test]
fn rls_checks_apply_where_the_migrations_use_supabase_roles() {
    let sandbox = sandbox();
    let dir = sandbox.repo.join("api");
    write(
        &dir,
        "0001_roles.up.sql",
        "do $$ begin create role authenticated nologin; exception when duplicate_object then null; end $$;\n",
    );
    write(&dir, "0001_roles.down.sql", "drop role authenticated;\n");
    write(
        &dir,
        "0002_notes.up.sql",
        "create table notes (id bigint primary key);\ngrant select on notes to authenticated;\n",
    );
    write(&dir, "0002_notes.down.sql", "drop table notes;\n");
    let (_, report, stderr) = replay(&sandbox, &["replay", "api", "--format", "json"]);
    assert_eq!(
        findings(&report),
        [row(
            "RP005",
            "api/0002_notes.up.sql",
            1,
            1,
            "table public.notes has row-level security off in the exposed schema public"
        )],
        "{stderr}"
    );
}

/// popx splits a migration into steps that run, and roll back, together: every up, then the
/// downs in reverse version order, whose files undo the group's ups in another order than
/// step by step. Replayed step by step, this group's first down would fail.
#[test]
fn a_popx_group_is_rolled_back_as_a_whole() {
    let sandbox = sandbox();
    let dir = sandbox.repo.join("persistence/sql/migrations");
    let step = |version: &str, up: &str, down: &str| {
        write(&dir, &format!("{version}_settings.postgres.up.sql"), up);
        write(&dir, &format!("{version}_settings.postgres.down.sql"), down);
    };
    step(
        "20240101000000000000",
        "create table settings (id bigint primary key, update_successful bool);\n",
        "drop table settings;\n",
    );
    step(
        "20240102000000000000",
        "alter table settings add column state text;\n",
        "alter table settings add column update_successful bool;\n",
    );
    step(
        "20240102000000000001",
        "alter table settings drop column update_successful;\n",
        "alter table settings drop column state;\n",
    );
    let (code, report, stderr) = replay(
        &sandbox,
        &["replay", "persistence/sql/migrations", "--format", "json"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(findings(&report), [], "{stderr}");
    let set = &report["replay"]["sets"][0];
    assert_eq!(set["framework"], "popx");
    let downs: Vec<bool> = set["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["down"]["applied"].as_bool().unwrap())
        .collect();
    assert_eq!(downs, [true, true, true]);
}
