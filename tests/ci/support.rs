//! The scripted pull requests (git repositories with a base and a head commit), their
//! GitHub event files, and running `sqlgate ci` on them as GitHub Actions would.

use std::path::{Path, PathBuf};
use std::process::Output;

pub use crate::common::{event_file, git_out};
use crate::common::{git, sqlgate, write};
use crate::mock::OWNER_REPO;

const USERS_UP: &str = "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n";
const USERS_UP_EDITED: &str =
    "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, name text);\n";

/// A golang-migrate repository: the base commit creates `users` and `audit_log`; the pull
/// request edits the applied 000001 migration and adds 000003, which drops `users` and
/// deletes from `audit_log` 60 times (more annotations than one check-run request takes).
/// Returns (base sha, head sha).
pub fn scripted_pull_request(repo: &Path) -> (String, String) {
    git(repo, &["init", "-q", "-b", "main"]);
    write(repo, "db/migrations/000001_users.up.sql", USERS_UP);
    write(
        repo,
        "db/migrations/000001_users.down.sql",
        "DROP TABLE users;\n",
    );
    write(
        repo,
        "db/migrations/000002_audit.up.sql",
        "CREATE TABLE audit_log (id bigint PRIMARY KEY, at timestamptz);\n",
    );
    write(
        repo,
        "db/migrations/000002_audit.down.sql",
        "DROP TABLE audit_log;\n",
    );
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "base"]);
    let base = git_out(repo, &["rev-parse", "HEAD"]);

    write(repo, "db/migrations/000001_users.up.sql", USERS_UP_EDITED);
    let mut up = String::from("DROP TABLE users;\n");
    for _ in 0..60 {
        up.push_str("DELETE FROM audit_log;\n");
    }
    write(repo, "db/migrations/000003_cleanup.up.sql", up);
    write(
        repo,
        "db/migrations/000003_cleanup.down.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY);\n",
    );
    git(repo, &["checkout", "-q", "-b", "feature"]);
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "drop users"]);
    let head = git_out(repo, &["rev-parse", "HEAD"]);
    (base, head)
}

pub struct Run {
    pub output: Output,
    pub summary: String,
    pub outputs: String,
}

impl Run {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }
}

pub fn run_ci(repo: &Path, scratch: &Path, event: &Path, api: &str, extra: &[&str]) -> Run {
    run_ci_on("pull_request", repo, scratch, event, api, extra)
}

pub fn run_ci_on(
    event_name: &str,
    repo: &Path,
    scratch: &Path,
    event: &Path,
    api: &str,
    extra: &[&str],
) -> Run {
    let summary = scratch.join("summary.md");
    let outputs = scratch.join("outputs.txt");
    let _ = std::fs::remove_file(&summary);
    let _ = std::fs::remove_file(&outputs);
    let output = sqlgate(repo)
        .arg("ci")
        .args(extra)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_EVENT_NAME", event_name)
        .env("GITHUB_EVENT_PATH", event)
        .env("GITHUB_REPOSITORY", OWNER_REPO)
        .env("GITHUB_API_URL", api)
        .env("GITHUB_TOKEN", "ghs_test_token")
        .env_remove("SQLGATE_GITHUB_TOKEN")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_OUTPUT", &outputs)
        .output()
        .unwrap();
    Run {
        output,
        summary: std::fs::read_to_string(&summary).unwrap_or_default(),
        outputs: std::fs::read_to_string(&outputs).unwrap_or_default(),
    }
}

/// A golang-migrate repository whose pull request adds a migration dropping `users` (with
/// a down migration unless `without_down`). Returns (base sha, head sha).
fn drop_pull_request(repo: &Path, without_down: bool) -> (String, String) {
    git(repo, &["init", "-q", "-b", "main"]);
    write(repo, "db/migrations/000001_users.up.sql", USERS_UP);
    write(
        repo,
        "db/migrations/000001_users.down.sql",
        "DROP TABLE users;\n",
    );
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "base"]);
    let base = git_out(repo, &["rev-parse", "HEAD"]);
    git(repo, &["checkout", "-q", "-b", "feature"]);
    write(
        repo,
        "db/migrations/000002_drop_users.up.sql",
        "DROP TABLE users;\n",
    );
    if !without_down {
        write(repo, "db/migrations/000002_drop_users.down.sql", USERS_UP);
    }
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "drop users"]);
    (base, git_out(repo, &["rev-parse", "HEAD"]))
}

/// A drop pull request (see [`drop_pull_request`]) in a scratch directory, with its event.
pub struct DropPr {
    pub scratch: tempfile::TempDir,
    pub repo: PathBuf,
    pub base: String,
    pub head: String,
    pub event: PathBuf,
}

pub fn drop_pr(without_down: bool) -> DropPr {
    let scratch = tempfile::tempdir().unwrap();
    let repo = scratch.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    let (base, head) = drop_pull_request(&repo, without_down);
    let event = event_file(scratch.path(), &base, &head, OWNER_REPO);
    DropPr {
        scratch,
        repo,
        base,
        head,
        event,
    }
}
