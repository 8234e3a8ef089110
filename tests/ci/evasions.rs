//! Each known way for a pull request to weaken, hide from or fake its way past the gate, run
//! end to end as `sqlgate ci` under `pull_request_target` against the mock GitHub, with two
//! valid approvals on the head commit. Every one stays blocked, and the job summary says why.
//! A control pull request in the same setup passes, so the blocks come from the evasions.
//!
//! Backup-evidence evasions (manifests, artifacts) are in `gate.rs`; a `Backup:` line the
//! body hides is here.

use std::path::Path;

use crate::common::{git, write};
use crate::mock::{mock_github, review_json, runtime, set_pull, OWNER_REPO};
use crate::support::{event_file, git_out, run_ci_on, Run};

const USERS_UP: &str = "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n";
const WORKFLOW: &str = "name: sqlgate\non: pull_request_target\njobs:\n  sqlgate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: sqlgate/sqlgate@v1\n";

/// The base: a golang-migrate directory creating `users`, the team's `sqlgate.toml` (two
/// approvals, backup required) and the sqlgate workflow. `change` then makes the pull
/// request's commit on top; `body` is its description. Bob and carol (write access) both
/// approve the head.
fn pull_request(change: impl FnOnce(&Path), body: &str) -> Run {
    pull_request_with(change, body, &[]).0
}

/// [`pull_request`] with more arguments to `sqlgate ci`; also returns the scratch directory
/// (the repository is its `repo`), for what the run must not have touched.
fn pull_request_with(
    change: impl FnOnce(&Path),
    body: &str,
    extra: &[&str],
) -> (Run, tempfile::TempDir) {
    pull_request_on(|_| {}, change, body, extra)
}

/// [`pull_request_with`] on a base that `base` adds to.
fn pull_request_on(
    base: impl FnOnce(&Path),
    change: impl FnOnce(&Path),
    body: &str,
    extra: &[&str],
) -> (Run, tempfile::TempDir) {
    let add_to_base = base;
    let scratch = tempfile::tempdir().unwrap();
    let repo = scratch.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    write(&repo, "db/migrations/000001_users.up.sql", USERS_UP);
    write(
        &repo,
        "db/migrations/000001_users.down.sql",
        "DROP TABLE users;\n",
    );
    write(
        &repo,
        "sqlgate.toml",
        "[migrations]\npaths = [\"db/migrations\"]\n\n[gate]\napprovals = 2\n\n[gate.backup]\nrequired = true\n",
    );
    write(&repo, ".github/workflows/sqlgate.yml", WORKFLOW);
    add_to_base(&repo);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "base"]);
    let base = git_out(&repo, &["rev-parse", "HEAD"]);
    git(&repo, &["checkout", "-q", "-b", "feature"]);
    change(&repo);
    git(&repo, &["add", "-A"]);
    git(
        &repo,
        &["commit", "-q", "--allow-empty", "-m", "the change"],
    );
    let head = git_out(&repo, &["rev-parse", "HEAD"]);

    let runtime = runtime();
    let (server, state) = mock_github(&runtime, false);
    set_pull(&state, body, &head, &base);
    {
        let mut s = state.lock().unwrap();
        s.reviews = vec![
            review_json(11, "bob", "APPROVED", &head, "2026-11-21T10:00:00Z"),
            review_json(12, "carol", "APPROVED", &head, "2026-11-21T10:05:00Z"),
        ];
        s.permissions = vec![
            ("bob".to_string(), "write".to_string()),
            ("carol".to_string(), "write".to_string()),
        ];
    }
    let event = event_file(scratch.path(), &base, &head, OWNER_REPO);
    let mut args = vec!["--comment", "false"];
    args.extend_from_slice(extra);
    let run = run_ci_on(
        "pull_request_target",
        &repo,
        scratch.path(),
        &event,
        &server.uri(),
        &args,
    );
    (run, scratch)
}

/// Blocked, with the gate required, and the summary holding each of `why`.
fn assert_blocked(run: &Run, why: &[&str]) {
    let stdout = run.stdout();
    assert!(
        run.outputs
            .contains("gate-required=true\ngate-status=blocked\n"),
        "{}\n{stdout}",
        run.outputs
    );
    assert_ne!(run.output.status.code(), Some(0), "{stdout}");
    assert!(run.summary.contains("🚫 blocked"), "{}", run.summary);
    for why in why {
        assert!(
            run.summary.contains(why),
            "`{why}` not in:\n{}",
            run.summary
        );
    }
}

#[test]
fn control_an_ordinary_pull_request_passes_in_the_same_setup() {
    let run = pull_request(
        |repo| {
            write(
                repo,
                "db/migrations/000002_posts.up.sql",
                "CREATE TABLE posts (id bigint PRIMARY KEY);\n",
            );
            write(
                repo,
                "db/migrations/000002_posts.down.sql",
                "DROP TABLE posts;\n",
            );
        },
        "Adds posts.",
    );
    assert_eq!(run.output.status.code(), Some(0), "{}", run.stdout());
    assert!(
        run.outputs.contains("gate-required=false\n"),
        "{}",
        run.outputs
    );
}

#[test]
fn control_a_drop_with_approvals_and_a_backup_passes() {
    let run = pull_request(
        |repo| {
            write(
                repo,
                "db/migrations/000002_drop.up.sql",
                "DROP TABLE users;\n",
            );
            write(repo, "db/migrations/000002_drop.down.sql", USERS_UP);
        },
        "Drops users.\n\nBackup: s3://acme-backups/2026-11-21/users.dump\n",
    );
    assert!(
        run.outputs
            .contains("gate-required=true\ngate-status=pass\n"),
        "{}\n{}",
        run.outputs,
        run.stdout()
    );
}

#[test]
fn relaxing_the_policy_next_to_the_drop() {
    let run = pull_request(
        |repo| {
            write(
                repo,
                "sqlgate.toml",
                "[gate]\napprovals = 0\ntriggers = []\n\n[gate.backup]\nrequired = false\n",
            );
            write(
                repo,
                "db/migrations/000002_drop.up.sql",
                "DROP TABLE users;\n",
            );
            write(repo, "db/migrations/000002_drop.down.sql", USERS_UP);
        },
        "Cleans up.",
    );
    assert_blocked(
        &run,
        &[
            "DS001 drop-table",
            "| `sqlgate.toml` | changes the gate's policy (`sqlgate.toml`): a policy change needs the same approvals as a DROP |",
        ],
    );
}

#[test]
fn editing_the_workflow_so_sqlgate_never_runs() {
    let run = pull_request(
        |repo| {
            write(
                repo,
                ".github/workflows/sqlgate.yml",
                "name: sqlgate\non: pull_request_target\njobs:\n  sqlgate:\n    runs-on: ubuntu-latest\n    steps:\n      - run: true\n",
            );
        },
        "CI tweak.",
    );
    assert_blocked(
        &run,
        &["| `.github/workflows/sqlgate.yml` | changes a workflow, which decides what runs on the repository: a policy change needs the same approvals as a DROP |"],
    );
}

#[test]
fn editing_the_hooks() {
    let run = pull_request(
        |repo| write(repo, ".pre-commit-config.yaml", "repos: []\n"),
        "Hooks.",
    );
    assert_blocked(
        &run,
        &["| `.pre-commit-config.yaml` | changes the hooks (`.pre-commit-config.yaml`)"],
    );
}

#[test]
fn another_frameworks_file_does_not_change_how_the_directory_is_read() {
    // A Flyway-looking file among golang-migrate files used to make the directory Flyway,
    // and its real migrations vanished from the check.
    let run = pull_request(
        |repo| {
            write(repo, "db/migrations/V1__noop.sql", "SELECT 1;\n");
            write(
                repo,
                "db/migrations/000002_drop.up.sql",
                "DROP TABLE users;\n",
            );
            write(repo, "db/migrations/000002_drop.down.sql", USERS_UP);
        },
        "Cleans up.",
    );
    assert_blocked(
        &run,
        &[
            "DS001 drop-table ×1",
            "| `db/migrations/V1__noop.sql` | not verified:",
        ],
    );
    assert!(
        run.stdout()
            .contains("file=db/migrations/000002_drop.up.sql,line=1"),
        "{}",
        run.stdout()
    );
}

#[test]
fn a_migration_with_another_extension() {
    // golang-migrate runs `000002_x.up.psql`; sqlgate reads only `.sql`.
    let run = pull_request(
        |repo| {
            write(
                repo,
                "db/migrations/000002_x.up.psql",
                "DROP TABLE users;\n",
            );
            write(repo, "db/migrations/000002_x.down.psql", USERS_UP);
        },
        "Cleans up.",
    );
    assert_blocked(
        &run,
        &[
            "Required by 2 files not verified.",
            "| `db/migrations/000002_x.up.psql` | not verified: sqlgate reads only `.sql` files, but a migration tool may run this one (golang-migrate runs any extension) |",
        ],
    );
    assert!(
        run.stdout().contains(
            "::warning file=db/migrations/000002_x.up.psql,title=sqlgate%3A not verified::"
        ),
        "{}",
        run.stdout()
    );
}

#[test]
fn an_unrecognised_name_in_a_migration_directory() {
    let run = pull_request(
        |repo| write(repo, "db/migrations/2_drop.sql", "DROP TABLE users;\n"),
        "Cleans up.",
    );
    assert_blocked(
        &run,
        &["| `db/migrations/2_drop.sql` | not verified: not &lt;version&gt;_name.up.sql or .down.sql: golang-migrate does not run it |"],
    );
}

#[cfg(unix)]
#[test]
fn a_link_out_of_the_repository_in_a_migration_directory() {
    let run = pull_request(
        |repo| {
            std::os::unix::fs::symlink("/etc/passwd", repo.join("db/migrations/000002_x.up.sql"))
                .unwrap();
        },
        "Cleans up.",
    );
    assert_blocked(
        &run,
        &["| `db/migrations/000002_x.up.sql` | not verified: a symbolic link that leads out of the repository or nowhere: not followed |"],
    );
    assert!(!run.stdout().contains("root:"), "{}", run.stdout());
}

#[test]
fn a_go_migration_is_code_sqlgate_cannot_read() {
    // goose runs Go migrations next to its SQL ones.
    let run = pull_request(
        |repo| {
            write(
                repo,
                "db/migrations/goose/00001_init.sql",
                "-- +goose Up\nCREATE TABLE t (id int);\n-- +goose Down\nDROP TABLE t;\n",
            );
            write(
                repo,
                "db/migrations/goose/00002_drop.go",
                "package migrations\n// tx.Exec(\"DROP TABLE users\")\n",
            );
        },
        "Cleans up.",
    );
    assert_blocked(
        &run,
        &["| `db/migrations/goose/00002_drop.go` | not verified: Go migration: not SQL |"],
    );
}

#[test]
fn documentation_in_a_migration_directory_does_not_need_the_gate() {
    let run = pull_request(
        |repo| {
            write(
                repo,
                "db/migrations/README.md",
                "How to write migrations.\n",
            );
            write(repo, "db/migrations/.gitkeep", "");
            // golang-migrate runs no Go file: generated bindata is not a migration.
            write(repo, "db/migrations/bindata.go", "package migrations\n");
            // A schema dump next to the migrations is no migration directory's file.
            write(repo, "db/schema.sql", "CREATE TABLE users (id bigint);\n");
        },
        "Docs.",
    );
    assert_eq!(run.output.status.code(), Some(0), "{}", run.stdout());
    assert!(
        run.outputs.contains("gate-required=false\n"),
        "{}",
        run.outputs
    );
}

#[test]
fn a_backup_line_the_body_hides() {
    let drop = |repo: &Path| {
        write(
            repo,
            "db/migrations/000002_drop.up.sql",
            "DROP TABLE users;\n",
        );
        write(repo, "db/migrations/000002_drop.down.sql", USERS_UP);
    };
    for body in [
        "Cleans up.\n<!--\nBackup: s3://acme-backups/users.dump\n-->\n",
        "Cleans up.\n\n```\nBackup: s3://acme-backups/users.dump\n```\n",
        "Cleans up.\n\nBackup: s3://YOUR-BUCKET/pre-migration-backup.dump\n",
    ] {
        let run = pull_request(drop, body);
        assert_blocked(
            &run,
            &["DS001 drop-table", "| ❌ | Backup evidence | none found |"],
        );
    }
}

#[test]
fn sql_built_at_run_time() {
    let run = pull_request(
        |repo| {
            write(
                repo,
                "db/migrations/000002_dynamic.up.sql",
                "DO $$\nDECLARE s text := current_setting('app.cleanup');\nBEGIN\n  EXECUTE s;\nEND $$;\n",
            );
            write(repo, "db/migrations/000002_dynamic.down.sql", "SELECT 1;\n");
        },
        "Cleans up.",
    );
    assert_blocked(&run, &["DS014 unreadable-dynamic-sql"]);
}

#[test]
fn a_migration_sqlgate_cannot_decode() {
    let run = pull_request(
        |repo| {
            std::fs::write(
                repo.join("db/migrations/000002_drop.up.sql"),
                b"DROP TABLE users; -- \xff\xfe\n",
            )
            .unwrap();
            write(repo, "db/migrations/000002_drop.down.sql", USERS_UP);
        },
        "Cleans up.",
    );
    assert_blocked(
        &run,
        &["| `db/migrations/000002_drop.up.sql` | not verified: "],
    );
}

#[test]
fn a_psql_include_of_a_file_that_is_not_a_migration() {
    // `\i` runs another file; that file is in the migration directory but is no migration.
    let run = pull_request(
        |repo| {
            write(
                repo,
                "db/migrations/000002_cleanup.up.sql",
                "\\i db/migrations/cleanup_body.sql\n",
            );
            write(repo, "db/migrations/000002_cleanup.down.sql", "SELECT 1;\n");
            write(
                repo,
                "db/migrations/cleanup_body.sql",
                "DROP TABLE users;\n",
            );
        },
        "Cleans up.",
    );
    assert_blocked(
        &run,
        &["| `db/migrations/cleanup_body.sql` | not verified: "],
    );
}

#[cfg(unix)]
#[test]
fn a_link_to_the_file_system_root_in_a_migration_directory() {
    let started = std::time::Instant::now();
    let run = pull_request(
        |repo| {
            std::os::unix::fs::symlink("/", repo.join("db/migrations/root")).unwrap();
            write(
                repo,
                "db/migrations/000002_drop.up.sql",
                "DROP TABLE users;\n",
            );
            write(repo, "db/migrations/000002_drop.down.sql", USERS_UP);
        },
        "Cleans up.",
    );
    // Before the fix this walked the whole machine (over 90 s, 3.3 GB).
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    assert_blocked(
        &run,
        &[
            "DS001 drop-table",
            "| `db/migrations/root` | not verified: a symbolic link that leads out of the repository or nowhere: not followed |",
        ],
    );
}

#[cfg(unix)]
#[test]
fn a_config_directory_turned_into_a_link_to_a_laxer_policy() {
    // The base keeps its policy in `policy/`; the pull request replaces the directory with a
    // link to one of its own that switches the gate off. The path is read from the base.
    let (run, _scratch) = pull_request_on(
        |repo| write(repo, "policy/sqlgate.toml", "[gate]\napprovals = 2\n"),
        |repo| {
            std::fs::remove_dir_all(repo.join("policy")).unwrap();
            write(
                repo,
                "lax/sqlgate.toml",
                "[gate]\napprovals = 0\ntriggers = []\n\n[gate.backup]\nrequired = false\n",
            );
            std::os::unix::fs::symlink("lax", repo.join("policy")).unwrap();
            write(
                repo,
                "db/migrations/000002_drop.up.sql",
                "DROP TABLE users;\n",
            );
            write(repo, "db/migrations/000002_drop.down.sql", USERS_UP);
        },
        "Cleans up.",
        &["--config", "policy/sqlgate.toml"],
    );
    assert_blocked(
        &run,
        &["DS001 drop-table", "| ❌ | Backup evidence | none found |"],
    );
    assert!(
        run.stdout()
            .contains("the policy is read from the base commit"),
        "{}",
        run.stdout()
    );
}

#[cfg(unix)]
#[test]
fn a_sarif_file_committed_as_a_link_out_of_the_repository() {
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.txt");
    std::fs::write(&victim, "keep me\n").unwrap();
    let (run, _scratch) = pull_request_with(
        |repo| {
            std::os::unix::fs::symlink(&victim, repo.join("sqlgate.sarif")).unwrap();
            write(
                repo,
                "db/migrations/000002_drop.up.sql",
                "DROP TABLE users;\n",
            );
            write(repo, "db/migrations/000002_drop.down.sql", USERS_UP);
        },
        "Cleans up.",
        &["--sarif-file", "sqlgate.sarif"],
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me\n");
    assert_eq!(run.output.status.code(), Some(2), "{}", run.stdout());
    assert!(
        String::from_utf8_lossy(&run.output.stderr)
            .contains("refused to write the SARIF file sqlgate.sarif: it is a symbolic link"),
        "{}",
        String::from_utf8_lossy(&run.output.stderr)
    );
}

#[test]
fn a_file_name_that_carries_a_workflow_command() {
    // A name with a line break would start a new workflow command if printed raw.
    let name = "db/migrations/000002_x\n::error::pwned.up.sql";
    let run = pull_request(
        |repo| {
            write(repo, name, "DROP TABLE users;\n");
        },
        "Cleans up.",
    );
    assert_blocked(&run, &[]);
    let stdout = run.stdout();
    assert!(
        !stdout
            .lines()
            .any(|line| line.starts_with("::error::pwned")),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&run.output.stderr);
    assert!(
        !stderr
            .lines()
            .any(|line| line.starts_with("::error::pwned")),
        "{stderr}"
    );
}

#[test]
fn an_event_whose_base_is_an_option_to_git() {
    // GitHub writes the event, but sqlgate does not rely on it being well-formed: a "SHA"
    // that git would read as an option is refused before git sees it.
    let scratch = tempfile::tempdir().unwrap();
    let repo = scratch.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    write(&repo, "db/migrations/000001_users.up.sql", USERS_UP);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "base"]);
    let head = git_out(&repo, &["rev-parse", "HEAD"]);
    let victim = scratch.path().join("victim.txt");
    std::fs::write(&victim, "keep me\n").unwrap();
    let base = format!("--output={}", victim.display());
    let event = event_file(scratch.path(), &base, &head, OWNER_REPO);
    let runtime = runtime();
    let (server, _state) = mock_github(&runtime, false);
    let run = run_ci_on(
        "pull_request_target",
        &repo,
        scratch.path(),
        &event,
        &server.uri(),
        &["--comment", "false"],
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me\n");
    assert_eq!(run.output.status.code(), Some(2), "{}", run.stdout());
    assert!(
        run.outputs.contains("gate-status=blocked"),
        "{}",
        run.outputs
    );
    assert!(run.summary.contains("could not run"), "{}", run.summary);
}

#[test]
fn suppressing_the_drop_in_the_migration() {
    // The author controls the comments: a suppression hides the finding, not the gate.
    let run = pull_request(
        |repo| {
            write(
                repo,
                "db/migrations/000002_drop.up.sql",
                "-- sqlgate: ignore-file drop-table -- reviewed\n-- sqlgate: ignore drop-table -- archived\nDROP TABLE users;\n",
            );
            write(repo, "db/migrations/000002_drop.down.sql", USERS_UP);
        },
        "Cleans up.",
    );
    assert_blocked(
        &run,
        &[
            "DS001 drop-table ×1",
            "| ❌ | Backup evidence | none found |",
        ],
    );
}

#[test]
fn a_go_template_marker_that_used_to_skip_the_file() {
    // A `{{ }}` placeholder makes sqlgate skip a file as a Go template: in a migration the
    // pull request adds, that skip is itself not verified.
    let run = pull_request(
        |repo| {
            write(
                repo,
                "db/migrations/000002_drop.up.sql",
                "-- {{ .Env }}\nDROP TABLE users;\n",
            );
            write(repo, "db/migrations/000002_drop.down.sql", USERS_UP);
        },
        "Cleans up.",
    );
    assert_blocked(
        &run,
        &["| `db/migrations/000002_drop.up.sql` | not verified: "],
    );
}

#[test]
fn a_flyway_migration_in_a_directory_discovery_does_not_enter() {
    // Flyway scans its locations recursively, hidden and `vendor` directories included.
    let run = pull_request(
        |repo| {
            write(
                repo,
                "db/migrations/flyway/V1__init.sql",
                "CREATE TABLE t (id int);\n",
            );
            write(
                repo,
                "db/migrations/flyway/.later/V2__drop.sql",
                "DROP TABLE users;\n",
            );
        },
        "Cleans up.",
    );
    assert_blocked(
        &run,
        &["| `db/migrations/flyway/.later/V2__drop.sql` | not verified: in `.later`, a directory sqlgate does not enter, but the migration tool may read it |"],
    );
}

#[test]
fn another_engines_name_on_a_migration_golang_migrate_runs() {
    // Plain golang-migrate runs `000003_drop.mysql.up.sql` on PostgreSQL too; a benign
    // `.postgres.` file added next to it does not make the directory one file per engine.
    let run = pull_request(
        |repo| {
            write(
                repo,
                "db/migrations/000002_posts.postgres.up.sql",
                "CREATE TABLE posts (id bigint PRIMARY KEY);\n",
            );
            write(
                repo,
                "db/migrations/000002_posts.postgres.down.sql",
                "DROP TABLE posts;\n",
            );
            write(
                repo,
                "db/migrations/000003_drop.mysql.up.sql",
                "DROP TABLE users;\n",
            );
        },
        "Cleans up.",
    );
    assert_blocked(
        &run,
        &["| `db/migrations/000003_drop.mysql.up.sql` | not verified: MySQL migrations are not checked"],
    );
}

#[test]
fn other_engines_twins_and_loose_files_diesel_never_runs_do_not_need_the_gate() {
    let run = pull_request(
        |repo| {
            // ory/popx: one file per engine for one version.
            write(
                repo,
                "db/migrations/000002_posts.postgres.up.sql",
                "CREATE TABLE posts (id bigint PRIMARY KEY);\n",
            );
            write(
                repo,
                "db/migrations/000002_posts.postgres.down.sql",
                "DROP TABLE posts;\n",
            );
            write(
                repo,
                "db/migrations/000002_posts.mysql.up.sql",
                "CREATE TABLE posts (id bigint PRIMARY KEY);\n",
            );
            write(
                repo,
                "db/migrations/000002_posts.mysql.down.sql",
                "DROP TABLE posts;\n",
            );
            // diesel runs only each migration directory's up.sql and down.sql.
            write(
                repo,
                "db/migrations/diesel/2024-01-01-000000_posts/up.sql",
                "CREATE TABLE comments (id bigint PRIMARY KEY);\n",
            );
            write(
                repo,
                "db/migrations/diesel/2024-01-01-000000_posts/down.sql",
                "DROP TABLE comments;\n",
            );
            write(
                repo,
                "db/migrations/diesel/data_seed.sql",
                "DROP TABLE users;\n",
            );
        },
        "Adds posts.",
    );
    assert_eq!(run.output.status.code(), Some(0), "{}", run.stdout());
    assert!(
        run.outputs.contains("gate-required=false\n"),
        "{}",
        run.outputs
    );
}

/// In a popx directory (told from the base), a file naming no database whose version has one
/// for PostgreSQL runs only on the other databases, as their own files do: no gate for it.
#[test]
fn a_popx_file_replaced_by_its_postgres_twin_does_not_need_the_gate() {
    let (run, _scratch) = pull_request_on(
        |repo| {
            write(
                repo,
                "db/migrations/000002_posts.postgres.up.sql",
                "CREATE TABLE posts (id bigint PRIMARY KEY);\n",
            );
            write(
                repo,
                "db/migrations/000002_posts.postgres.down.sql",
                "DROP TABLE posts;\n",
            );
            write(
                repo,
                "db/migrations/000002_posts.cockroach.up.sql",
                "CREATE TABLE posts (id INT8 PRIMARY KEY);\n",
            );
            write(
                repo,
                "db/migrations/000002_posts.cockroach.down.sql",
                "DROP TABLE posts;\n",
            );
        },
        |repo| {
            write(
                repo,
                "db/migrations/000003_posts_idx.postgres.autocommit.up.sql",
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS posts_id_idx ON posts (id);\n",
            );
            write(
                repo,
                "db/migrations/000003_posts_idx.postgres.autocommit.down.sql",
                "DROP INDEX CONCURRENTLY IF EXISTS posts_id_idx;\n",
            );
            // Unreadable for sqlgate or not, PostgreSQL never runs these two.
            write(
                repo,
                "db/migrations/000003_posts_idx.autocommit.up.sql",
                "CREATE INDEX IF NOT EXISTS posts_id_idx ON posts (id) {{ .Options }};\n",
            );
            write(
                repo,
                "db/migrations/000003_posts_idx.autocommit.down.sql",
                "DROP INDEX IF EXISTS posts_id_idx;\n",
            );
        },
        "Adds an index.",
        &[],
    );
    assert_eq!(run.output.status.code(), Some(0), "{}", run.stdout());
    assert!(
        run.outputs.contains("gate-required=false\n"),
        "{}\n{}",
        run.outputs,
        run.stdout()
    );
}

#[test]
fn a_diesel_up_with_another_extension() {
    let run = pull_request(
        |repo| {
            write(
                repo,
                "db/migrations/diesel/2024-01-01-000000_posts/up.sql",
                "CREATE TABLE comments (id bigint PRIMARY KEY);\n",
            );
            write(
                repo,
                "db/migrations/diesel/2024-01-01-000000_posts/down.sql",
                "DROP TABLE comments;\n",
            );
            write(
                repo,
                "db/migrations/diesel/2024-02-01-000000_drop/up.psql",
                "DROP TABLE users;\n",
            );
        },
        "Cleans up.",
    );
    assert_blocked(
        &run,
        &["| `db/migrations/diesel/2024-02-01-000000_drop/up.psql` | not verified:"],
    );
}

#[test]
fn an_atlas_directory_stays_atlas_when_the_pull_request_updates_its_sum() {
    // Every new Atlas migration updates `atlas.sum`: that file existed at the base, so the
    // directory is still read as Atlas and the sum is checked, not "not verified".
    let (run, _scratch) = pull_request_on(
        |repo| {
            write(
                repo,
                "db/migrations/atlas/20240101000000_t.sql",
                "CREATE TABLE t (id int);\n",
            );
            write(repo, "db/migrations/atlas/atlas.sum", "h1:old=\n");
        },
        |repo| {
            write(
                repo,
                "db/migrations/atlas/20240201000000_u.sql",
                "CREATE TABLE u (id int);\n",
            );
            write(repo, "db/migrations/atlas/atlas.sum", "h1:new=\n");
        },
        "Adds u.",
        &[],
    );
    assert!(!run.summary.contains("not verified"), "{}", run.summary);
    assert!(run.stdout().contains("IN005"), "{}", run.stdout());
}
