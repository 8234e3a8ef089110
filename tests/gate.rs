//! `sqlgate gate` end to end, offline: a scripted pull request (a git repository with a base
//! and a head commit, the head checked out), a GitHub webhook payload and saved API answers
//! (reviews, artifacts, permissions) as files, and the gate's verdict as the JSON report and
//! the exit code show it. Times are relative to the real clock, so "2 days old" stays true.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use tempfile::TempDir;

use common::{git, sqlgate, write};

const OWNER_REPO: &str = "acme/app";
const AUTHOR: &str = "author1";
const BACKUP_LINE: &str = "Backup: s3://bucket/pre-migration.dump";
const DROP_USERS: &str = "DROP TABLE users;\n";
const RECREATE_USERS: &str = "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n";
const DAY: i64 = 86_400;

// ---------------------------------------------------------------------------------------
// Time

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// RFC 3339 in UTC (`2026-11-20T09:12:00Z`) of Unix seconds (Howard Hinnant's
/// civil-from-days), so the test needs no date crate.
fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(DAY);
    let rem = secs.rem_euclid(DAY);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn ago(seconds: i64) -> String {
    rfc3339(now() - seconds)
}

#[test]
fn the_test_clock_formats_rfc3339() {
    assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    assert_eq!(rfc3339(1_795_165_920), "2026-11-20T09:12:00Z");
    assert_eq!(rfc3339(1_709_164_800), "2024-02-29T00:00:00Z");
    assert_eq!(rfc3339(951_782_400 + DAY - 1), "2000-02-29T23:59:59Z");
}

// ---------------------------------------------------------------------------------------
// The repository

/// A golang-migrate repository with the pull request's head checked out.
struct Pr {
    dir: TempDir,
    repo: PathBuf,
    base: String,
    /// An earlier push on the branch (what a stale approval was made on).
    first: String,
    head: String,
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

/// The base commit creates `users`; an earlier push on `drop-users` adds a note; the head
/// commit adds `000002_drop_users` (`up`, `down`) and `extra` files (manifests, config).
fn pull_request_with(up: &str, down: &str, extra: &[(&str, &str)]) -> Pr {
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
    for (path, contents) in extra {
        write(&repo, path, contents);
    }
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "drop users"]);
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
fn drop_users(extra: &[(&str, &str)]) -> Pr {
    pull_request_with(DROP_USERS, RECREATE_USERS, extra)
}

fn short(sha: &str) -> &str {
    &sha[..7]
}

// ---------------------------------------------------------------------------------------
// GitHub's JSON

fn user(login: &str, id: u64) -> Value {
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

fn repository() -> Value {
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
    fn event(&self, body: &str) -> Value {
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
    fn review_event(&self, body: &str, review: &Value) -> Value {
        json!({
            "action": "submitted",
            "review": review,
            "pull_request": self.pull_request_object(Some(body)),
            "repository": repository(),
            "sender": review["user"]
        })
    }

    /// Writes `value` as `name` next to the repository (not in it).
    fn file(&self, name: &str, value: &Value) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, serde_json::to_vec_pretty(value).unwrap()).unwrap();
        path
    }

    /// Runs `sqlgate gate` in the repository with these inputs and `args`.
    fn gate(&self, inputs: &Inputs, args: &[&str]) -> Run {
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
    fn gate_json(&self, inputs: &Inputs) -> (Run, Value) {
        let run = self.gate(inputs, &["--format", "json"]);
        let report = run.json();
        (run, report["gate"].clone())
    }

    fn approval(&self, id: u64, login: &str, minutes_ago: i64) -> Value {
        review(id, login, "APPROVED", &self.head, minutes_ago)
    }

    /// The usual inputs: a body with the backup line, no reviews, every reviewer with
    /// write access.
    fn inputs(&self) -> Inputs {
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

struct Inputs {
    event: Value,
    reviews: Vec<Value>,
    artifacts: Option<Value>,
    permissions: Option<Value>,
}

/// One entry of GET /repos/{owner}/{repo}/pulls/7/reviews.
fn review(id: u64, login: &str, state: &str, commit: &str, minutes_ago: i64) -> Value {
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
fn artifact(id: u64, name: &str, head_sha: &str, expired: bool) -> Value {
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

fn artifacts(list: Vec<Value>) -> Value {
    json!({"total_count": list.len(), "artifacts": list})
}

/// A backup script's metadata file, taken `days` ago.
fn manifest(days: i64, size: u64) -> String {
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

struct Run(Output);

impl Run {
    fn code(&self) -> Option<i32> {
        self.0.status.code()
    }

    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }

    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }

    fn json(&self) -> Value {
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
fn assert_verdict(run: &Run, gate: &Value, status: &str, missing: &[&str], code: i32) {
    assert_eq!(gate["status"], status, "{gate:#}");
    assert_eq!(gate["missing"], json!(missing), "{gate:#}");
    assert_eq!(run.code(), Some(code), "{gate:#}\nstderr: {}", run.stderr());
    assert_eq!(gate["required"], true, "{gate:#}");
}

fn not_counted(gate: &Value) -> Value {
    gate["approvals"]["not_counted"].clone()
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {value}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

// ---------------------------------------------------------------------------------------
// Approvals

#[test]
fn no_approvals_blocks() {
    let pr = drop_users(&[]);
    let mut inputs = pr.inputs();
    // A comment is not an approval.
    inputs.reviews = vec![review(1, "bob", "COMMENTED", &pr.head, 30)];
    let (run, gate) = pr.gate_json(&inputs);
    assert_verdict(&run, &gate, "blocked", &["approvals"], 1);
    assert_eq!(gate["approvals"]["required"], 2);
    assert_eq!(gate["approvals"]["approved_by"], json!([]));
    assert_eq!(not_counted(&gate), json!([]));
    assert_eq!(gate["errors"], Value::Null, "{gate:#}");
    assert_eq!(
        strings(&gate["fixes"]),
        [format!(
            "2 more approvals from people with write access on the head commit {}; the author \
             and bots do not count",
            short(&pr.head)
        )]
    );
    // The finding that triggered the gate is in the report.
    let report = run.json();
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "DS001"
                && f["gate"] == true
                && f["file"] == "db/migrations/000002_drop_users.up.sql"),
        "{report:#}"
    );
}

#[test]
fn one_approval_with_write_access_is_not_enough() {
    let pr = drop_users(&[]);
    let mut inputs = pr.inputs();
    inputs.reviews = vec![pr.approval(1, "bob", 20)];
    let (run, gate) = pr.gate_json(&inputs);
    assert_verdict(&run, &gate, "blocked", &["approvals"], 1);
    assert_eq!(gate["approvals"]["approved_by"], json!(["bob"]));
    assert_eq!(not_counted(&gate), json!([]));
    assert!(
        strings(&gate["fixes"])[0].starts_with("1 more approval from people with write access"),
        "{gate:#}"
    );
}

#[test]
fn two_approvals_with_a_backup_pass() {
    let pr = drop_users(&[]);
    let mut inputs = pr.inputs();
    inputs.reviews = vec![pr.approval(1, "bob", 20), pr.approval(2, "carol", 10)];
    let (run, gate) = pr.gate_json(&inputs);
    assert_eq!(gate["status"], "pass", "{gate:#}");
    assert_eq!(gate["missing"], json!([]));
    assert_eq!(run.code(), Some(0), "{gate:#}");
    assert_eq!(gate["approvals"]["approved_by"], json!(["bob", "carol"]));
    assert_eq!(gate["fixes"], Value::Null, "{gate:#}");
}

#[test]
fn the_authors_own_approval_does_not_count() {
    let pr = drop_users(&[]);
    let mut inputs = pr.inputs();
    inputs.reviews = vec![pr.approval(1, AUTHOR, 30), pr.approval(2, "bob", 20)];
    let (run, gate) = pr.gate_json(&inputs);
    assert_verdict(&run, &gate, "blocked", &["approvals"], 1);
    assert_eq!(gate["approvals"]["approved_by"], json!(["bob"]));
    assert_eq!(
        not_counted(&gate),
        json!([{"login": AUTHOR, "reason": "is the author"}])
    );
}

#[test]
fn a_dismissed_approval_does_not_count() {
    let pr = drop_users(&[]);
    let mut inputs = pr.inputs();
    // bob approved, approved again, and a maintainer dismissed that review: GitHub lists
    // it with the state DISMISSED. erin's only approval was dismissed too.
    inputs.reviews = vec![
        pr.approval(1, "bob", 50),
        pr.approval(2, "carol", 40),
        review(3, "erin", "DISMISSED", &pr.head, 35),
        review(4, "bob", "DISMISSED", &pr.head, 30),
        review(5, "bob", "COMMENTED", &pr.head, 5),
    ];
    let (run, gate) = pr.gate_json(&inputs);
    assert_verdict(&run, &gate, "blocked", &["approvals"], 1);
    assert_eq!(gate["approvals"]["approved_by"], json!(["carol"]));
    assert_eq!(not_counted(&gate), json!([]));
    assert_eq!(gate["approvals"]["changes_requested_by"], json!([]));
}

#[test]
fn changes_requested_then_approved_passes() {
    let pr = drop_users(&[]);
    let mut inputs = pr.inputs();
    inputs.reviews = vec![
        review(1, "carol", "CHANGES_REQUESTED", &pr.first, 90),
        pr.approval(2, "bob", 20),
        review(3, "carol", "COMMENTED", &pr.head, 15),
        pr.approval(4, "carol", 10),
    ];
    let (run, gate) = pr.gate_json(&inputs);
    assert_eq!(gate["status"], "pass", "{gate:#}");
    assert_eq!(gate["missing"], json!([]));
    assert_eq!(run.code(), Some(0), "{gate:#}");
    assert_eq!(gate["approvals"]["approved_by"], json!(["carol", "bob"]));
    assert_eq!(gate["approvals"]["changes_requested_by"], json!([]));
    assert_eq!(gate["backup"]["evidence"][0]["kind"], "pr-body");
}

#[test]
fn changes_requested_still_standing_blocks_despite_two_approvals() {
    let pr = drop_users(&[]);
    let mut inputs = pr.inputs();
    inputs.reviews = vec![
        pr.approval(1, "carol", 60),
        pr.approval(2, "bob", 50),
        review(3, "erin", "CHANGES_REQUESTED", &pr.head, 10),
    ];
    let (run, gate) = pr.gate_json(&inputs);
    assert_verdict(&run, &gate, "blocked", &["changes-requested"], 1);
    assert_eq!(gate["approvals"]["approved_by"], json!(["carol", "bob"]));
    assert_eq!(gate["approvals"]["changes_requested_by"], json!(["erin"]));
    assert!(
        strings(&gate["fixes"])[0].starts_with("@erin requested changes"),
        "{gate:#}"
    );
}

#[test]
fn an_approval_of_an_older_commit_does_not_count_on_the_head() {
    let pr = drop_users(&[]);
    let mut inputs = pr.inputs();
    inputs.reviews = vec![
        review(1, "bob", "APPROVED", &pr.first, 120),
        pr.approval(2, "carol", 10),
    ];
    let (run, gate) = pr.gate_json(&inputs);
    assert_verdict(&run, &gate, "blocked", &["approvals"], 1);
    assert_eq!(gate["approvals"]["approved_by"], json!(["carol"]));
    assert_eq!(
        not_counted(&gate),
        json!([{
            "login": "bob",
            "reason": format!(
                "approved an older commit {}, not the head {}",
                short(&pr.first),
                short(&pr.head)
            )
        }])
    );
    assert!(
        strings(&gate["fixes"])[0]
            .ends_with("(@bob approved before the last push and must approve again)"),
        "{gate:#}"
    );
}

#[test]
fn an_approval_of_an_older_commit_counts_without_approval_on_head() {
    let pr = drop_users(&[("sqlgate.toml", "[gate]\napproval-on-head = false\n")]);
    let mut inputs = pr.inputs();
    inputs.reviews = vec![
        review(1, "bob", "APPROVED", &pr.first, 120),
        pr.approval(2, "carol", 10),
    ];
    let (run, gate) = pr.gate_json(&inputs);
    assert_eq!(gate["status"], "pass", "{gate:#}");
    assert_eq!(gate["missing"], json!([]));
    assert_eq!(run.code(), Some(0), "{gate:#}");
    assert_eq!(gate["approvals"]["approved_by"], json!(["bob", "carol"]));
    assert_eq!(not_counted(&gate), json!([]));
}

#[test]
fn a_bots_approval_does_not_count() {
    let pr = drop_users(&[]);
    let mut inputs = pr.inputs();
    inputs.reviews = vec![
        pr.approval(1, "dependabot[bot]", 30),
        pr.approval(2, "bob", 20),
    ];
    assert_eq!(inputs.reviews[0]["user"]["type"], "Bot");
    inputs.permissions = Some(json!({"bob": "write", "dependabot[bot]": "write"}));
    let (run, gate) = pr.gate_json(&inputs);
    assert_verdict(&run, &gate, "blocked", &["approvals"], 1);
    assert_eq!(gate["approvals"]["approved_by"], json!(["bob"]));
    assert_eq!(
        not_counted(&gate),
        json!([{"login": "dependabot[bot]", "reason": "is a bot"}])
    );
}

#[test]
fn an_approver_with_read_access_does_not_count() {
    let pr = drop_users(&[]);
    let mut inputs = pr.inputs();
    inputs.reviews = vec![pr.approval(1, "dave", 30), pr.approval(2, "bob", 20)];
    inputs.permissions = Some(json!({"dave": "read", "bob": "write"}));
    let (run, gate) = pr.gate_json(&inputs);
    assert_verdict(&run, &gate, "blocked", &["approvals"], 1);
    assert_eq!(gate["approvals"]["approved_by"], json!(["bob"]));
    assert_eq!(
        not_counted(&gate),
        json!([{"login": "dave", "reason": "has read access, not write"}])
    );
    assert_eq!(gate["errors"], Value::Null, "{gate:#}");
}

#[test]
fn without_permissions_an_approvers_write_access_is_unknown() {
    let pr = drop_users(&[]);
    let mut inputs = pr.inputs();
    inputs.reviews = vec![pr.approval(1, "bob", 20), pr.approval(2, "carol", 10)];
    inputs.permissions = None;
    let (run, gate) = pr.gate_json(&inputs);
    assert_verdict(&run, &gate, "blocked", &["approvals", "error"], 1);
    assert_eq!(gate["approvals"]["approved_by"], json!([]));
    assert_eq!(
        not_counted(&gate),
        json!([
            {"login": "bob", "reason": "write access could not be checked"},
            {"login": "carol", "reason": "write access could not be checked"}
        ])
    );
    assert_eq!(
        strings(&gate["errors"]),
        [
            "the write access of bob is unknown: pass --permissions PERMS.json",
            "the write access of carol is unknown: pass --permissions PERMS.json"
        ]
    );
}

#[test]
fn an_approver_missing_from_the_permissions_file_has_no_access() {
    let pr = drop_users(&[]);
    let mut inputs = pr.inputs();
    inputs.reviews = vec![pr.approval(1, "zed", 30), pr.approval(2, "bob", 20)];
    inputs.permissions = Some(json!({"bob": "write"}));
    let (run, gate) = pr.gate_json(&inputs);
    assert_verdict(&run, &gate, "blocked", &["approvals"], 1);
    assert_eq!(gate["approvals"]["approved_by"], json!(["bob"]));
    assert_eq!(
        not_counted(&gate),
        json!([{"login": "zed", "reason": "has no access to the repository"}])
    );
}

// ---------------------------------------------------------------------------------------
// Backup evidence

/// Two approvals on the head, so only the backup decides.
fn approved(pr: &Pr, body: &str) -> Inputs {
    let mut inputs = pr.inputs();
    inputs.event = pr.event(body);
    inputs.reviews = vec![pr.approval(1, "bob", 20), pr.approval(2, "carol", 10)];
    inputs
}

const NO_BACKUP_BODY: &str = "Drops `users`: the table moved to the accounts service.\r\n";

#[test]
fn a_body_without_a_backup_line_blocks() {
    let pr = drop_users(&[]);
    let (run, gate) = pr.gate_json(&approved(&pr, NO_BACKUP_BODY));
    assert_verdict(&run, &gate, "blocked", &["backup"], 1);
    assert_eq!(gate["backup"]["required"], true);
    assert_eq!(gate["backup"]["evidence"], json!([]));
    assert_eq!(
        strings(&gate["backup"]["rejected"]),
        [
            r"the pull request body has no line matching `(?mi)^backup:\s*(\S+)`",
            "no committed manifest matches `backups/**/*.json`"
        ]
    );
    let fixes = strings(&gate["fixes"]);
    assert_eq!(fixes.len(), 1, "{gate:#}");
    assert!(
        fixes[0].starts_with(
            "add the line `Backup: s3://YOUR-BUCKET/pre-migration-backup.dump` to the pull \
             request body, or upload a workflow artifact named `pre-migration-backup*` from a \
             run on"
        ),
        "{}",
        fixes[0]
    );
}

#[test]
fn a_malformed_backup_line_is_rejected() {
    let pr = drop_users(&[]);
    let body = format!("{NO_BACKUP_BODY}\r\nBackup: TODO\r\n");
    let (run, gate) = pr.gate_json(&approved(&pr, &body));
    assert_verdict(&run, &gate, "blocked", &["backup"], 1);
    assert_eq!(gate["backup"]["evidence"], json!([]));
    assert_eq!(
        strings(&gate["backup"]["rejected"])[0],
        "the pull request body's backup line names `TODO`, which matches none of the accepted \
         forms (`^s3://`, `^gs://`, `^https://`, `^artifact:`)"
    );
}

#[test]
fn a_backup_line_with_an_accepted_link_is_a_claim() {
    let pr = drop_users(&[]);
    let body = format!("{NO_BACKUP_BODY}\r\n{BACKUP_LINE}\r\n");
    let (run, gate) = pr.gate_json(&approved(&pr, &body));
    assert_eq!(gate["status"], "pass", "{gate:#}");
    assert_eq!(gate["missing"], json!([]));
    assert_eq!(run.code(), Some(0), "{gate:#}");
    assert_eq!(
        gate["backup"]["evidence"],
        json!([{
            "kind": "pr-body",
            "source": "s3://bucket/pre-migration.dump",
            "detail": "the pull request body names the backup s3://bucket/pre-migration.dump \
                       (a claim by the author, not verified)"
        }])
    );
}

#[test]
fn an_empty_backup_line_does_not_take_a_link_from_a_later_line() {
    let pr = drop_users(&[]);
    let body = "Drops `users`.\r\n\r\nBackup:\r\n\r\nhttps://acme.atlassian.net/browse/OPS-12 \
                tracks the restore drill\r\n";
    let (run, gate) = pr.gate_json(&approved(&pr, body));
    assert_verdict(&run, &gate, "blocked", &["backup"], 1);
    assert_eq!(gate["backup"]["evidence"], json!([]), "{gate:#}");
    assert!(
        gate["backup"]["rejected"][0]
            .as_str()
            .unwrap()
            .contains("has no link after it on the same line"),
        "{gate:#}"
    );
}

#[test]
fn a_markdown_link_whose_text_has_spaces_is_accepted() {
    let pr = drop_users(&[]);
    let body =
        "Drops `users`.\r\n\r\nBackup: [pre-migration dump](s3://bucket/pre-migration.dump)\r\n";
    let (run, gate) = pr.gate_json(&approved(&pr, body));
    assert_eq!(gate["status"], "pass", "{gate:#}");
    assert_eq!(gate["missing"], json!([]));
    assert_eq!(run.code(), Some(0), "{gate:#}");
    assert_eq!(
        gate["backup"]["evidence"][0]["source"], "s3://bucket/pre-migration.dump",
        "{gate:#}"
    );
}

#[test]
fn an_artifact_from_another_commit_is_rejected() {
    let pr = drop_users(&[]);
    let mut inputs = approved(&pr, NO_BACKUP_BODY);
    inputs.artifacts = Some(artifacts(vec![
        artifact(11, "coverage-report", &pr.head, false),
        artifact(12, "pre-migration-backup", &pr.first, false),
    ]));
    let (run, gate) = pr.gate_json(&inputs);
    assert_verdict(&run, &gate, "blocked", &["backup"], 1);
    assert_eq!(gate["backup"]["evidence"], json!([]));
    let rejected = strings(&gate["backup"]["rejected"]);
    assert!(
        rejected.contains(&format!(
            "artifact `pre-migration-backup` comes from a run on commit {}, not the head {}",
            short(&pr.first),
            short(&pr.head)
        )),
        "{rejected:#?}"
    );
    assert!(!rejected.iter().any(|r| r.contains("coverage-report")));
}

#[test]
fn an_expired_artifact_is_rejected() {
    let pr = drop_users(&[]);
    let mut inputs = approved(&pr, NO_BACKUP_BODY);
    inputs.artifacts = Some(artifacts(vec![artifact(
        13,
        "pre-migration-backup",
        &pr.head,
        true,
    )]));
    let (run, gate) = pr.gate_json(&inputs);
    assert_verdict(&run, &gate, "blocked", &["backup"], 1);
    assert_eq!(gate["backup"]["evidence"], json!([]));
    assert!(
        strings(&gate["backup"]["rejected"])
            .contains(&"artifact `pre-migration-backup` has expired".to_string()),
        "{gate:#}"
    );
}

#[test]
fn an_artifact_on_the_head_is_evidence() {
    let pr = drop_users(&[]);
    let mut inputs = approved(&pr, NO_BACKUP_BODY);
    inputs.artifacts = Some(artifacts(vec![
        artifact(13, "pre-migration-backup", &pr.head, true),
        artifact(14, "pre-migration-backup-app", &pr.head, false),
    ]));
    let (run, gate) = pr.gate_json(&inputs);
    assert_eq!(gate["status"], "pass", "{gate:#}");
    assert_eq!(gate["missing"], json!([]));
    assert_eq!(run.code(), Some(0), "{gate:#}");
    assert_eq!(
        gate["backup"]["evidence"],
        json!([{
            "kind": "artifact",
            "source": "pre-migration-backup-app",
            "detail": format!(
                "workflow artifact `pre-migration-backup-app` (id 14) from a run on the head {}",
                short(&pr.head)
            )
        }])
    );
}

#[test]
fn a_manifest_older_than_max_age_is_rejected() {
    let old = manifest(10, 2_411_724);
    let pr = drop_users(&[("backups/2026/app_metadata.json", &old)]);
    let (run, gate) = pr.gate_json(&approved(&pr, NO_BACKUP_BODY));
    assert_verdict(&run, &gate, "blocked", &["backup"], 1);
    assert_eq!(gate["backup"]["evidence"], json!([]));
    assert_eq!(
        strings(&gate["backup"]["rejected"])[1],
        "`backups/2026/app_metadata.json` records a backup taken 10 days ago, older than \
         max-age-days = 7"
    );
}

#[test]
fn a_manifest_of_an_empty_backup_is_rejected() {
    let empty = manifest(2, 0);
    let pr = drop_users(&[("backups/app_metadata.json", &empty)]);
    let (run, gate) = pr.gate_json(&approved(&pr, NO_BACKUP_BODY));
    assert_verdict(&run, &gate, "blocked", &["backup"], 1);
    assert_eq!(gate["backup"]["evidence"], json!([]));
    assert_eq!(
        strings(&gate["backup"]["rejected"])[1],
        "`backups/app_metadata.json` records a size of 0 bytes: the backup is empty"
    );
}

#[test]
fn a_manifest_that_is_not_json_is_rejected() {
    let pr = drop_users(&[(
        "backups/app_metadata.json",
        "timestamp: 2026-11-20\ndatabase: app\n",
    )]);
    let (run, gate) = pr.gate_json(&approved(&pr, NO_BACKUP_BODY));
    assert_verdict(&run, &gate, "blocked", &["backup"], 1);
    assert_eq!(gate["backup"]["evidence"], json!([]));
    let rejected = strings(&gate["backup"]["rejected"]);
    assert!(
        rejected[1].starts_with("`backups/app_metadata.json` is not valid JSON ("),
        "{rejected:#?}"
    );
}

#[test]
fn a_recent_manifest_is_evidence() {
    let recent = manifest(2, 2_411_724);
    let pr = drop_users(&[("backups/2026/app_metadata.json", &recent)]);
    let (run, gate) = pr.gate_json(&approved(&pr, NO_BACKUP_BODY));
    assert_eq!(gate["status"], "pass", "{gate:#}");
    assert_eq!(gate["missing"], json!([]));
    assert_eq!(run.code(), Some(0), "{gate:#}");
    assert_eq!(
        gate["backup"]["evidence"],
        json!([{
            "kind": "manifest",
            "source": "backups/2026/app_metadata.json",
            "detail": "committed manifest `backups/2026/app_metadata.json`: backup of `app` at \
                       commit abc1234 taken 2 days ago, 2.4 MB, checksum ab12cd34ef56ab12…"
        }])
    );
}

// ---------------------------------------------------------------------------------------
// The rest

#[test]
fn nothing_triggers_the_gate_so_it_passes_without_reviews() {
    let pr = pull_request_with(
        "CREATE TABLE t (id bigint primary key);\n",
        "DROP TABLE t;\n",
        &[],
    );
    let mut inputs = pr.inputs();
    inputs.event = pr.event(NO_BACKUP_BODY);
    inputs.permissions = None;
    let (run, gate) = pr.gate_json(&inputs);
    assert_eq!(
        gate,
        json!({"required": false, "status": "pass", "missing": []}),
        "{gate:#}"
    );
    assert_eq!(run.code(), Some(0), "{}", run.stdout());
}

#[test]
fn a_pull_request_review_payload_works_the_same() {
    let pr = drop_users(&[]);
    let mut inputs = pr.inputs();
    inputs.reviews = vec![pr.approval(1, "bob", 20), pr.approval(2, "carol", 1)];
    let (_, as_pull_request) = pr.gate_json(&inputs);

    let body = inputs.event["pull_request"]["body"]
        .as_str()
        .unwrap()
        .to_string();
    inputs.event = pr.review_event(&body, &inputs.reviews[1]);
    assert!(inputs.event["review"].is_object());
    let (run, gate) = pr.gate_json(&inputs);
    assert_eq!(gate["status"], "pass", "{gate:#}");
    assert_eq!(gate["missing"], json!([]));
    assert_eq!(run.code(), Some(0), "{gate:#}");
    assert_eq!(gate["approvals"]["approved_by"], json!(["bob", "carol"]));
    assert_eq!(gate, as_pull_request);

    // And blocked the same way with one approval.
    inputs.reviews.truncate(1);
    inputs.event = pr.review_event(&body, &inputs.reviews[0]);
    let (run, gate) = pr.gate_json(&inputs);
    assert_verdict(&run, &gate, "blocked", &["approvals"], 1);
}

#[test]
fn the_human_format_says_what_blocks_and_how_to_unblock() {
    let pr = drop_users(&[]);
    let mut inputs = pr.inputs();
    inputs.event = pr.event(NO_BACKUP_BODY);
    inputs.reviews = vec![pr.approval(1, AUTHOR, 30), pr.approval(2, "bob", 20)];
    let run = pr.gate(&inputs, &[]);
    let stdout = run.stdout();
    assert_eq!(run.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("Merge gate: blocked (missing: approvals, backup).\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  approvals: 1 of 2 (bob); author1 not counted: is the author\n"),
        "{stdout}"
    );
    assert!(stdout.contains("  backup: none found\n"), "{stdout}");
    let unblock: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("  to unblock: "))
        .collect();
    assert_eq!(unblock.len(), 2, "{stdout}");
    assert!(
        unblock[0].starts_with("  to unblock: 1 more approval"),
        "{stdout}"
    );
    assert!(
        unblock[1].starts_with("  to unblock: add the line `Backup: "),
        "{stdout}"
    );
    assert!(stdout.contains("DS001"), "{stdout}");
    assert!(!stdout.trim_start().starts_with('{'), "{stdout}");
}

#[test]
fn reviews_that_are_not_json_are_bad_input() {
    let pr = drop_users(&[]);
    let event = pr.file("event.json", &pr.inputs().event);
    let reviews = pr.dir.path().join("reviews.json");
    std::fs::write(&reviews, "<html><body>502 Bad Gateway</body></html>\n").unwrap();
    let out = sqlgate(&pr.repo)
        .arg("gate")
        .arg("--event")
        .arg(&event)
        .arg("--reviews")
        .arg(&reviews)
        .output()
        .unwrap();
    let run = Run(out);
    let stderr = run.stderr();
    assert_eq!(run.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!("error: --reviews {}: ", reviews.display())),
        "{stderr}"
    );
    assert!(stderr.contains("not the JSON array"), "{stderr}");
    assert_eq!(run.stdout(), "");
}

#[test]
fn a_missing_event_file_is_bad_input() {
    let pr = drop_users(&[]);
    let event = pr.dir.path().join("no-such-event.json");
    let reviews = pr.file("reviews.json", &json!([]));
    let run = Run(sqlgate(&pr.repo)
        .arg("gate")
        .arg("--event")
        .arg(&event)
        .arg("--reviews")
        .arg(&reviews)
        .output()
        .unwrap());
    let stderr = run.stderr();
    assert_eq!(run.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "error: --event {}: cannot read it",
            event.display()
        )),
        "{stderr}"
    );
    assert_eq!(run.stdout(), "");
}
