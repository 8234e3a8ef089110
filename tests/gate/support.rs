//! Shared by the gate tests: the scripted pull request (a git repository with a base, an
//! earlier push and a head), GitHub's JSON (webhook payloads, reviews, artifacts) and backup
//! manifests, and running `sqlgate gate` and reading its verdict.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::{json, Value};
use tempfile::TempDir;

use crate::clock::{ago, now, rfc3339};
use crate::common::{git, sqlgate, write};

const OWNER_REPO: &str = "acme/app";
pub(crate) const AUTHOR: &str = "author1";
pub(crate) const BACKUP_LINE: &str = "Backup: s3://bucket/pre-migration.dump";
const DROP_USERS: &str = "DROP TABLE users;\n";
const RECREATE_USERS: &str = "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n";
pub(crate) const DAY: i64 = 86_400;

// ---------------------------------------------------------------------------------------
// The repository

/// A golang-migrate repository with the pull request's head checked out.
pub(crate) struct Pr {
    pub(crate) dir: TempDir,
    pub(crate) repo: PathBuf,
    pub(crate) base: String,
    /// An earlier push on the branch (what a stale approval was made on).
    pub(crate) first: String,
    pub(crate) head: String,
}

fn git_out(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// How long before now the head commit was committed: a backup artifact made for the head is
/// newer than that.
pub(crate) const HEAD_COMMITTED_AGO: i64 = 2 * 3600;

/// The base commit creates `users`; an earlier push on `drop-users` adds a note; the head
/// commit (committed [`HEAD_COMMITTED_AGO`]) adds `000002_drop_users` (`up`, `down`) and
/// `extra` files (manifests, config). A config, and an `extra` path written `base:PATH`, is
/// committed at the base instead (as `PATH`): what the team merged before the pull request.
pub(crate) fn pull_request_with(up: &str, down: &str, extra: &[(&str, &str)]) -> Pr {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    write(&repo, "db/migrations/000001_users.up.sql", RECREATE_USERS);
    write(
        &repo,
        "db/migrations/000001_users.down.sql",
        "DROP TABLE users;\n",
    );
    // The policy is the base's (a pull request's own config does not judge it): a config
    // among `extra` is committed before the pull request starts.
    let is_policy =
        |path: &str| path == "sqlgate.toml" || path == ".sqlgate.toml" || path.starts_with("base:");
    for (path, contents) in extra.iter().filter(|(p, _)| is_policy(p)) {
        write(&repo, path.trim_start_matches("base:"), contents);
    }
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "create users"]);
    let base = git_out(&repo, &["rev-parse", "HEAD"]);

    git(&repo, &["checkout", "-q", "-b", "drop-users"]);
    write(
        &repo,
        "docs/drop-users.md",
        "# Dropping users\n\nThe table moved to the accounts service.\n",
    );
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "plan the drop"]);
    let first = git_out(&repo, &["rev-parse", "HEAD"]);

    write(&repo, "db/migrations/000002_drop_users.up.sql", up);
    write(&repo, "db/migrations/000002_drop_users.down.sql", down);
    for (path, contents) in extra.iter().filter(|(p, _)| !is_policy(p)) {
        write(&repo, path, contents);
    }
    git(&repo, &["add", "-A"]);
    crate::common::commit_at(&repo, "drop users", now() - HEAD_COMMITTED_AGO);
    let head = git_out(&repo, &["rev-parse", "HEAD"]);
    Pr {
        dir,
        repo,
        base,
        first,
        head,
    }
}

/// The pull request that drops `users` (DS001 triggers the gate).
pub(crate) fn drop_users(extra: &[(&str, &str)]) -> Pr {
    pull_request_with(DROP_USERS, RECREATE_USERS, extra)
}

pub(crate) fn short(sha: &str) -> &str {
    &sha[..7]
}

// ---------------------------------------------------------------------------------------
// GitHub's JSON

pub(crate) fn user(login: &str, id: u64) -> Value {
    let bot = login.ends_with("[bot]");
    json!({
        "login": login,
        "id": id,
        "node_id": format!("MDQ6VXNlcj{id}"),
        "avatar_url": format!("https://avatars.githubusercontent.com/u/{id}?v=4"),
        "url": format!("https://api.github.com/users/{login}"),
        "html_url": format!("https://github.com/{login}"),
        "type": if bot { "Bot" } else { "User" },
        "site_admin": false
    })
}

pub(crate) fn repository() -> Value {
    json!({
        "id": 700_100,
        "node_id": "R_kgDOAbCdEf",
        "name": "app",
        "full_name": OWNER_REPO,
        "private": true,
        "owner": user("acme", 9000),
        "html_url": format!("https://github.com/{OWNER_REPO}"),
        "default_branch": "main"
    })
}

impl Pr {
    /// When the head commit was committed (seconds since the epoch), as git recorded it: a
    /// time relative to it does not move when a second passes while the test runs.
    pub(crate) fn head_committed(&self) -> i64 {
        let seconds = git_out(&self.repo, &["show", "-s", "--format=%ct", &self.head]);
        seconds
            .parse()
            .expect("git prints the commit time in seconds")
    }

    /// The `pull_request` object of a webhook payload.
    fn pull_request_object(&self, body: Option<&str>) -> Value {
        json!({
            "url": format!("https://api.github.com/repos/{OWNER_REPO}/pulls/7"),
            "id": 1_987_654_321u64,
            "node_id": "PR_kwDOAbCdEf5vXyZ",
            "html_url": format!("https://github.com/{OWNER_REPO}/pull/7"),
            "number": 7,
            "state": "open",
            "locked": false,
            "title": "Drop the users table",
            "user": user(AUTHOR, 5001),
            "body": body,
            "created_at": ago(3 * 3600),
            "updated_at": ago(600),
            "draft": false,
            "head": {
                "label": "acme:drop-users",
                "ref": "drop-users",
                "sha": self.head,
                "user": user("acme", 9000),
                "repo": repository()
            },
            "base": {
                "label": "acme:main",
                "ref": "main",
                "sha": self.base,
                "user": user("acme", 9000),
                "repo": repository()
            },
            "author_association": "MEMBER",
            "merged": false,
            "mergeable": null,
            "commits": 2,
            "additions": 5,
            "deletions": 0,
            "changed_files": 3
        })
    }

    /// A `pull_request` webhook payload (`synchronize`).
    pub(crate) fn event(&self, body: &str) -> Value {
        json!({
            "action": "synchronize",
            "number": 7,
            "before": self.first,
            "after": self.head,
            "pull_request": self.pull_request_object(Some(body)),
            "repository": repository(),
            "sender": user(AUTHOR, 5001)
        })
    }

    /// A `pull_request_review` webhook payload (`submitted`) carrying `review`.
    pub(crate) fn review_event(&self, body: &str, review: &Value) -> Value {
        json!({
            "action": "submitted",
            "review": review,
            "pull_request": self.pull_request_object(Some(body)),
            "repository": repository(),
            "sender": review["user"]
        })
    }

    /// Writes `value` as `name` next to the repository (not in it).
    pub(crate) fn file(&self, name: &str, value: &Value) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, serde_json::to_vec_pretty(value).unwrap()).unwrap();
        path
    }

    /// Runs `sqlgate gate` in the repository with these inputs and `args`.
    pub(crate) fn gate(&self, inputs: &Inputs, args: &[&str]) -> Run {
        let event = self.file("event.json", &inputs.event);
        let reviews = self.file("reviews.json", &Value::Array(inputs.reviews.clone()));
        let mut cmd = sqlgate(&self.repo);
        cmd.arg("gate")
            .arg("--event")
            .arg(&event)
            .arg("--reviews")
            .arg(&reviews);
        if let Some(artifacts) = &inputs.artifacts {
            cmd.arg("--artifacts")
                .arg(self.file("artifacts.json", artifacts));
        }
        if let Some(permissions) = &inputs.permissions {
            cmd.arg("--permissions")
                .arg(self.file("permissions.json", permissions));
        }
        Run(cmd.args(args).output().unwrap())
    }

    /// `gate` with `--format json`: the run and its report's `gate` object.
    pub(crate) fn gate_json(&self, inputs: &Inputs) -> (Run, Value) {
        let run = self.gate(inputs, &["--format", "json"]);
        let report = run.json();
        (run, report["gate"].clone())
    }

    pub(crate) fn approval(&self, id: u64, login: &str, minutes_ago: i64) -> Value {
        review(id, login, "APPROVED", &self.head, minutes_ago)
    }

    /// The usual inputs: a body with the backup line, no reviews, every reviewer with
    /// write access.
    pub(crate) fn inputs(&self) -> Inputs {
        Inputs {
            event: self.event(&format!(
                "Drops `users`: the table moved to the accounts service.\r\n\r\n{BACKUP_LINE}\r\n"
            )),
            reviews: Vec::new(),
            artifacts: None,
            permissions: Some(json!({
                "bob": "write",
                "carol": "maintain",
                "erin": "admin",
                AUTHOR: "write",
                "dave": "read"
            })),
        }
    }
}

pub(crate) struct Inputs {
    pub(crate) event: Value,
    pub(crate) reviews: Vec<Value>,
    pub(crate) artifacts: Option<Value>,
    pub(crate) permissions: Option<Value>,
}

/// One entry of GET /repos/{owner}/{repo}/pulls/7/reviews.
pub(crate) fn review(id: u64, login: &str, state: &str, commit: &str, minutes_ago: i64) -> Value {
    let bot = login.ends_with("[bot]");
    json!({
        "id": 2_100_000_000u64 + id,
        "node_id": format!("PRR_kwDOAbCdEf6{id:07}"),
        "user": user(login, 6000 + id),
        "body": if state == "APPROVED" { "LGTM" } else { "" },
        "state": state,
        "html_url": format!("https://github.com/{OWNER_REPO}/pull/7#pullrequestreview-{}", 2_100_000_000u64 + id),
        "pull_request_url": format!("https://api.github.com/repos/{OWNER_REPO}/pulls/7"),
        "author_association": if bot { "NONE" } else { "MEMBER" },
        "_links": {
            "html": {"href": format!("https://github.com/{OWNER_REPO}/pull/7#pullrequestreview-{}", 2_100_000_000u64 + id)},
            "pull_request": {"href": format!("https://api.github.com/repos/{OWNER_REPO}/pulls/7")}
        },
        "submitted_at": ago(minutes_ago * 60),
        "commit_id": commit
    })
}

/// One artifact of GET /repos/{owner}/{repo}/actions/artifacts.
pub(crate) fn artifact(id: u64, name: &str, head_sha: &str, expired: bool) -> Value {
    let (created, expires) = if expired {
        (ago(95 * DAY), ago(5 * DAY))
    } else {
        (ago(3600), rfc3339(now() + 89 * DAY))
    };
    json!({
        "id": id,
        "node_id": format!("MDg6QXJ0aWZhY3Q{id}"),
        "name": name,
        "size_in_bytes": 2_411_724,
        "url": format!("https://api.github.com/repos/{OWNER_REPO}/actions/artifacts/{id}"),
        "archive_download_url": format!("https://api.github.com/repos/{OWNER_REPO}/actions/artifacts/{id}/zip"),
        "expired": expired,
        "digest": "sha256:4f1c9a7d0b3e5f2a8c6d4b2e0f9a7c5e3d1b9f7a5c3e1d9b7f5a3c1e9d7b5f3a",
        "created_at": created,
        "expires_at": expires,
        "updated_at": created,
        "workflow_run": {
            "id": 9_300_000_000u64 + id,
            "repository_id": 700_100,
            "head_repository_id": 700_100,
            "head_branch": "drop-users",
            "head_sha": head_sha
        }
    })
}

pub(crate) fn artifacts(list: Vec<Value>) -> Value {
    json!({"total_count": list.len(), "artifacts": list})
}

/// A backup script's metadata file, taken `days` ago.
pub(crate) fn manifest(days: i64, size: u64) -> String {
    serde_json::to_string_pretty(&json!({
        "timestamp": ago(days * DAY + 600),
        "database": "app",
        "host": "db-primary.internal",
        "git_commit": "abc1234",
        "created_by": "author1",
        "files": [
            {"name": "backup_full.sql", "size": size, "sha256": "ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12"},
        ]
    }))
    .unwrap()
}

// ---------------------------------------------------------------------------------------
// Results

pub(crate) struct Run(pub(crate) Output);

impl Run {
    pub(crate) fn code(&self) -> Option<i32> {
        self.0.status.code()
    }

    pub(crate) fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }

    pub(crate) fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }

    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.0.stdout).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}):\n{}\nstderr: {}",
                self.stdout(),
                self.stderr()
            )
        })
    }
}

/// The exact status, the exact `missing` list and the exit code.
pub(crate) fn assert_verdict(run: &Run, gate: &Value, status: &str, missing: &[&str], code: i32) {
    assert_eq!(gate["status"], status, "{gate:#}");
    assert_eq!(gate["missing"], json!(missing), "{gate:#}");
    assert_eq!(run.code(), Some(code), "{gate:#}\nstderr: {}", run.stderr());
    assert_eq!(gate["required"], true, "{gate:#}");
}

pub(crate) fn not_counted(gate: &Value) -> Value {
    gate["approvals"]["not_counted"].clone()
}

pub(crate) fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {value}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}
