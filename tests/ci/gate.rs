//! The merge gate on GitHub: approvals read from the reviews, backup evidence from the
//! pull request body, and a gate that blocks when GitHub, the token, the event or the
//! config is missing.

use std::path::Path;

use serde_json::{json, Value};

use crate::common::{commit_at, git, now, rfc3339, sqlgate, write};
use crate::mock::{
    artifact_json, mock_github, requests_to, review_json, runtime, set_pull, workflow_run_json,
    Shared, MARKER, OWNER_REPO,
};
use crate::support::{drop_pr, event_file, git_out, run_ci, run_ci_on, DropPr};

#[test]
fn the_gate_keeps_the_check_red_until_two_approvals_and_a_backup_then_turns_it_green() {
    let runtime = runtime();
    let (server, state) = mock_github(&runtime, false);
    let DropPr {
        scratch,
        repo,
        base,
        head,
        event,
    } = drop_pr(false);
    set_pull(&state, "Cleans up.", &head, &base);
    let args = ["--check-run", "sqlgate"];

    // Opened: nothing proves approvals or a backup.
    let opened = run_ci(&repo, scratch.path(), &event, &server.uri(), &args);
    let stdout = opened.stdout();
    assert_eq!(opened.output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.starts_with(
            "::error title=sqlgate merge gate::merge gate blocked (missing: approvals, backup)%0A\
             to unblock: 2 more approvals from people with write access on the head commit"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("add the line `Backup: s3://YOUR-BUCKET/pre-migration-backup.dump` to the pull request body"),
        "{stdout}"
    );
    assert!(
        stdout.contains("::error file=db/migrations/000002_drop_users.up.sql,line=1,endLine=1,col=1,endColumn=17,title=DS001 drop-table::"),
        "{stdout}"
    );
    assert!(
        opened
            .outputs
            .contains("gate-required=true\ngate-status=blocked\ngate-missing=approvals,backup\n"),
        "{}",
        opened.outputs
    );
    // The gate comes first in the summary and the comment, under the verdict.
    assert!(
        opened.summary.starts_with(
            "## sqlgate\n\n🚫 **Blocked** by the merge gate (missing: approvals, backup)."
        ),
        "{}",
        opened.summary
    );
    assert!(
        opened.summary.contains(
            "### Merge gate: 🚫 blocked\n\nRequired by DS001 drop-table ×1.\n\n\
             | | Requirement | State |\n|---|---|---|\n\
             | ❌ | 2 approvals | 0 of 2 |\n\
             | ✅ | No changes requested | none |\n\
             | ❌ | Backup evidence | none found |\n"
        ),
        "{}",
        opened.summary
    );
    assert!(opened.summary.contains("**To unblock:**"));
    // Nothing in the body or at the base, but no backup workflow is named: artifacts are not
    // looked up at all, and never through the repository-wide listing.
    assert!(
        opened.summary.contains(
            "artifacts count only from workflows named in gate.backup.workflows; none is named"
        ),
        "{}",
        opened.summary
    );
    assert_eq!(requests_to(&runtime, &server, "/actions/artifacts"), 0);
    assert_eq!(requests_to(&runtime, &server, "/runs"), 0);
    {
        let s = state.lock().unwrap();
        let ours = s.comments.iter().find(|c| c.1.starts_with(MARKER)).unwrap();
        assert!(ours.1.contains("### Merge gate: 🚫 blocked"), "{}", ours.1);
        assert_eq!(s.runs[0]["conclusion"], "failure");
        assert_eq!(
            s.runs[0]["output"]["title"],
            "Merge gate blocked (missing: approvals, backup) · 1 error, 0 warnings"
        );
    }

    // Two reviews arrive: bob (write) approves the head, the author approves their own,
    // carol approved an older push, and the bot approves. Only bob counts.
    {
        let mut s = state.lock().unwrap();
        s.reviews = vec![
            review_json(11, "carol", "APPROVED", &base, "2026-11-21T09:00:00Z"),
            review_json(12, "bob", "APPROVED", &head, "2026-11-21T10:00:00Z"),
            review_json(13, "alice", "APPROVED", &head, "2026-11-21T10:05:00Z"),
            review_json(14, "sqlbot[bot]", "APPROVED", &head, "2026-11-21T10:06:00Z"),
        ];
        s.permissions = vec![
            ("bob".to_string(), "write".to_string()),
            ("carol".to_string(), "write".to_string()),
            ("dave".to_string(), "read".to_string()),
        ];
    }
    let review_event = scratch.path().join("review.json");
    let pull: Value = serde_json::from_str(&std::fs::read_to_string(&event).unwrap()).unwrap();
    std::fs::write(
        &review_event,
        json!({"action": "submitted", "review": review_json(12, "bob", "approved", &head, "2026-11-21T10:00:00Z"), "pull_request": pull["pull_request"]}).to_string(),
    )
    .unwrap();
    let reviewed = run_ci_on(
        "pull_request_review",
        &repo,
        scratch.path(),
        &review_event,
        &server.uri(),
        &args,
    );
    assert_eq!(
        reviewed.output.status.code(),
        Some(1),
        "{}",
        reviewed.stdout()
    );
    assert!(
        reviewed.outputs.contains("gate-missing=approvals,backup\n"),
        "{}",
        reviewed.outputs
    );
    assert!(
        reviewed.summary.contains(&format!(
            "| ❌ | 2 approvals | 1 of 2: @bob<br>not counted: @carol (approved an older commit {}, not the head {}), @alice (is the author), @sqlbot[bot] (is a bot) |",
            &base[..7],
            &head[..7]
        )),
        "{}",
        reviewed.summary
    );
    assert!(
        reviewed
            .stdout()
            .contains("(@carol approved before the last push and must approve again)"),
        "{}",
        reviewed.stdout()
    );

    // A read-only approval does not count, nor one from someone who is not a collaborator
    // (GitHub answers 404: no access, not an outage); then carol re-approves the head.
    {
        let mut s = state.lock().unwrap();
        s.reviews.push(review_json(
            15,
            "dave",
            "APPROVED",
            &head,
            "2026-11-21T11:00:00Z",
        ));
        s.reviews.push(review_json(
            17,
            "mallory",
            "APPROVED",
            &head,
            "2026-11-21T11:01:00Z",
        ));
    }
    let read_only = run_ci_on(
        "pull_request_review",
        &repo,
        scratch.path(),
        &review_event,
        &server.uri(),
        &args,
    );
    assert!(
        read_only
            .summary
            .contains("@dave (has read access, not write)"),
        "{}",
        read_only.summary
    );
    assert!(
        read_only
            .summary
            .contains("@mallory (has no access to the repository)"),
        "{}",
        read_only.summary
    );
    assert!(
        read_only
            .outputs
            .contains("gate-missing=approvals,backup\n"),
        "{}",
        read_only.outputs
    );
    {
        let mut s = state.lock().unwrap();
        s.reviews.push(review_json(
            16,
            "carol",
            "APPROVED",
            &head,
            "2026-11-21T11:30:00Z",
        ));
    }
    let approved = run_ci_on(
        "pull_request_review",
        &repo,
        scratch.path(),
        &review_event,
        &server.uri(),
        &args,
    );
    assert_eq!(approved.output.status.code(), Some(1));
    assert!(
        approved.outputs.contains("gate-missing=backup\n"),
        "{}",
        approved.outputs
    );
    assert!(
        approved
            .summary
            .contains("| ✅ | 2 approvals | 2 of 2: @carol, @bob"),
        "{}",
        approved.summary
    );

    // The author edits the body. The event file still holds the old body: the gate reads
    // the pull request as it is now.
    set_pull(
        &state,
        "Cleans up.\r\n\r\nBackup: s3://acme-backups/pre-drop-users-2026-11-21.dump\r\n",
        &head,
        &base,
    );
    let runs_before = requests_to(&runtime, &server, "/runs");
    let edited = run_ci(&repo, scratch.path(), &event, &server.uri(), &args);
    let stdout = edited.stdout();
    assert_eq!(
        edited.output.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&edited.output.stderr)
    );
    assert!(
        stdout.starts_with(
            "::notice title=sqlgate merge gate::merge gate passed; approved by carol, bob; \
             backup: the pull request body names the backup \
             s3://acme-backups/pre-drop-users-2026-11-21.dump (a claim by the author, not verified)\n"
        ),
        "{stdout}"
    );
    // The drop is still shown, as a warning allowed by the gate.
    assert!(
        stdout.contains("::warning file=db/migrations/000002_drop_users.up.sql,line=1,endLine=1,col=1,endColumn=17,title=DS001 drop-table::drop of table users"),
        "{stdout}"
    );
    assert!(
        stdout.contains("(allowed: the merge gate passed)"),
        "{stdout}"
    );
    assert!(!stdout.contains("::error"), "{stdout}");
    assert!(
        edited
            .outputs
            .contains("gate-required=true\ngate-status=pass\ngate-missing=\n"),
        "{}",
        edited.outputs
    );
    assert!(
        edited
            .summary
            .starts_with("## sqlgate\n\n✅ **Passed**: the merge gate's approvals"),
        "{}",
        edited.summary
    );
    assert!(edited.summary.contains("### Merge gate: ✅ passed"));
    assert!(edited.summary.contains(
        "| ✅ | Backup evidence | the pull request body names the backup s3://acme-backups/pre-drop-users-2026-11-21.dump (a claim by the author, not verified) |"
    ));
    // Evidence in the body: no workflow run was looked up.
    assert_eq!(requests_to(&runtime, &server, "/runs"), runs_before);
    assert_eq!(requests_to(&runtime, &server, "/actions/artifacts"), 0);
    let s = state.lock().unwrap();
    let ours: Vec<_> = s
        .comments
        .iter()
        .filter(|c| c.1.starts_with(MARKER))
        .collect();
    assert_eq!(ours.len(), 1, "one sticky comment, updated in place");
    assert!(
        ours[0].1.contains("### Merge gate: ✅ passed"),
        "{}",
        ours[0].1
    );
    let run = s.runs.last().unwrap();
    assert_eq!(run["conclusion"], "success");
    assert_eq!(
        run["output"]["title"],
        "Merge gate passed · 1 error, 0 warnings"
    );
}

#[test]
fn findings_outside_the_triggers_still_fail_after_the_gate_passes() {
    let runtime = runtime();
    let (server, state) = mock_github(&runtime, false);
    let DropPr {
        scratch,
        repo,
        base,
        head,
        event,
    } = drop_pr(true);
    set_pull(&state, "Backup: gs://acme/pre-drop.dump", &head, &base);
    {
        let mut s = state.lock().unwrap();
        s.reviews = vec![
            review_json(1, "bob", "APPROVED", &head, "2026-11-21T10:00:00Z"),
            review_json(2, "carol", "APPROVED", &head, "2026-11-21T10:01:00Z"),
        ];
        s.permissions = vec![
            ("bob".to_string(), "maintain".to_string()),
            ("carol".to_string(), "admin".to_string()),
        ];
    }
    let run = run_ci(&repo, scratch.path(), &event, &server.uri(), &[]);
    let stdout = run.stdout();
    // RV001 (no down migration) is not a gate trigger: it still fails at --fail-on error.
    assert_eq!(run.output.status.code(), Some(1), "{stdout}");
    assert!(
        run.outputs.contains("gate-status=pass\n"),
        "{}",
        run.outputs
    );
    assert!(
        stdout.contains("::error file=db/migrations/000002_drop_users.up.sql,line=1,endLine=1,col=1,endColumn=1,title=RV001 missing-down-migration::")
            || stdout.contains("title=RV001 missing-down-migration::"),
        "{stdout}"
    );
    let never = run_ci(
        &repo,
        scratch.path(),
        &event,
        &server.uri(),
        &["--fail-on", "never"],
    );
    assert_eq!(never.output.status.code(), Some(0), "{}", never.stdout());
}

#[test]
fn a_github_outage_on_the_reviews_blocks_the_gate() {
    let runtime = runtime();
    let (server, state) = mock_github(&runtime, false);
    let DropPr {
        scratch,
        repo,
        base,
        head,
        event,
    } = drop_pr(false);
    set_pull(&state, "Backup: s3://acme/pre-drop.dump", &head, &base);
    state.lock().unwrap().reviews_status = Some(500);
    let run = run_ci(&repo, scratch.path(), &event, &server.uri(), &[]);
    let stdout = run.stdout();
    assert_eq!(run.output.status.code(), Some(1), "{stdout}");
    assert!(
        run.outputs
            .contains("gate-status=blocked\ngate-missing=approvals,error\n"),
        "{}",
        run.outputs
    );
    assert!(
        stdout.contains(&format!(
            "list reviews of pull request #7 (GET /repos/{OWNER_REPO}/pulls/7/reviews): GitHub unavailable after retries"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("re-run the job once GitHub answers"),
        "{stdout}"
    );
    assert!(
        run.summary
            .contains("| ❌ | Facts from GitHub | list reviews of pull request #7"),
        "{}",
        run.summary
    );
    // Retried (4 attempts), then blocked rather than passed.
    assert_eq!(requests_to(&runtime, &server, "/pulls/7/reviews"), 4);
}

#[test]
fn without_a_token_a_required_gate_blocks_and_says_how_to_give_one() {
    let DropPr {
        scratch,
        repo,
        event,
        ..
    } = drop_pr(false);
    let outputs = scratch.path().join("outputs.txt");
    let out = sqlgate(&repo)
        .arg("ci")
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_EVENT_PATH", &event)
        .env("GITHUB_REPOSITORY", OWNER_REPO)
        .env("GITHUB_API_URL", "http://127.0.0.1:9")
        .env_remove("GITHUB_TOKEN")
        .env_remove("SQLGATE_GITHUB_TOKEN")
        .env("GITHUB_OUTPUT", &outputs)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("no GitHub token, so the reviews cannot be read: pass `github-token`"),
        "{stdout}"
    );
    let outputs = std::fs::read_to_string(outputs).unwrap();
    assert!(
        outputs.contains("gate-missing=approvals,backup,error\n"),
        "{outputs}"
    );
}

#[test]
fn an_unreadable_event_or_config_blocks_and_says_what_to_fix() {
    let DropPr { scratch, repo, .. } = drop_pr(false);
    let outputs = scratch.path().join("outputs.txt");
    let summary = scratch.path().join("summary.md");
    let run = |event: &Path| {
        let _ = std::fs::remove_file(&outputs);
        let _ = std::fs::remove_file(&summary);
        let out = sqlgate(&repo)
            .arg("ci")
            .env("GITHUB_EVENT_NAME", "pull_request")
            .env("GITHUB_EVENT_PATH", event)
            .env("GITHUB_REPOSITORY", OWNER_REPO)
            .env("GITHUB_API_URL", "http://127.0.0.1:9")
            .env("GITHUB_TOKEN", "ghs_test_token")
            .env("GITHUB_OUTPUT", &outputs)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .output()
            .unwrap();
        (
            out,
            std::fs::read_to_string(&outputs).unwrap_or_default(),
            std::fs::read_to_string(&summary).unwrap_or_default(),
        )
    };

    let (out, outs, summary_text) = run(&scratch.path().join("missing-event.json"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cannot read the event payload"), "{stderr}");
    assert!(
        stdout.starts_with("::error title=sqlgate merge gate::merge gate blocked (missing: error): sqlgate could not run: cannot read the event payload"),
        "{stdout}"
    );
    assert_eq!(outs, "gate-status=blocked\ngate-missing=error\n");
    assert!(summary_text.contains("🚫 **Blocked**"), "{summary_text}");

    // A config with a typo in the base the pull request is judged by (the policy always
    // comes from the base commit): the error names the file, line and key.
    write(&repo, "sqlgate.toml", "[gate]\napprovalz = 2\n");
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "a config with a typo"]);
    let typo = git_out(&repo, &["rev-parse", "HEAD"]);
    let typo_event = event_file(scratch.path(), &typo, &typo, OWNER_REPO);
    let (out, outs, _) = run(&typo_event);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("approvalz"), "{stderr}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("merge gate blocked (missing: error)"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(outs, "gate-status=blocked\ngate-missing=error\n");
}

#[test]
fn a_pull_request_that_relaxes_the_policy_next_to_its_drop_stays_blocked() {
    // The author adds `approvals = 0` and switches the backup off in the same pull request
    // as the DROP. Under pull_request the workflow runs the pull request's files, but the
    // policy comes from the base commit, so nothing changes for the gate.
    let runtime = runtime();
    let (server, state) = mock_github(&runtime, false);
    let DropPr {
        scratch,
        repo,
        base,
        ..
    } = drop_pr(false);
    write(
        &repo,
        "sqlgate.toml",
        "[gate]\napprovals = 0\ntriggers = []\n\n[gate.backup]\nrequired = false\n",
    );
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "relax the gate"]);
    let head = git_out(&repo, &["rev-parse", "HEAD"]);
    let event = event_file(scratch.path(), &base, &head, OWNER_REPO);
    set_pull(&state, "Cleans up.", &head, &base);
    let run = run_ci(&repo, scratch.path(), &event, &server.uri(), &[]);
    let stdout = run.stdout();
    assert_eq!(run.output.status.code(), Some(1), "{stdout}");
    assert!(
        run.outputs
            .contains("gate-required=true\ngate-status=blocked\ngate-missing=approvals,backup\n"),
        "{}",
        run.outputs
    );
    assert!(stdout.contains("title=DS001 drop-table"), "{stdout}");
}

// ---------------------------------------------------------------------------------------
// Backup evidence the author alone cannot forge, under pull_request_target with two valid
// approvals on the head: only the backup decides.

/// The base's policy: backup artifacts count from `backup.yml` only.
const BACKUP_POLICY: &str = "[gate.backup]\nworkflows = [\"backup.yml\"]\n";
const BACKUP_WORKFLOW: &str = "name: Pre-migration backup\non: pull_request\njobs:\n  backup:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./scripts/backup.sh\n";
/// How long before now the head commit was committed.
const HEAD_AGE: i64 = 600;

struct BackupPr {
    scratch: tempfile::TempDir,
    repo: std::path::PathBuf,
    head: String,
    event: std::path::PathBuf,
}

/// A golang-migrate repository whose base names `backup.yml` in gate.backup.workflows and
/// has that workflow; the pull request drops `users` and adds `head_files`, committed
/// [`HEAD_AGE`] seconds ago. The mock knows the pull request (no backup line in its body),
/// two approvals of the head by reviewers with write access, and the workflow `backup.yml`.
fn backup_pr(state: &Shared, head_files: &[(&str, &str)]) -> BackupPr {
    let scratch = tempfile::tempdir().unwrap();
    let repo = scratch.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    write(
        &repo,
        "db/migrations/000001_users.up.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY);\n",
    );
    write(
        &repo,
        "db/migrations/000001_users.down.sql",
        "DROP TABLE users;\n",
    );
    write(&repo, "sqlgate.toml", BACKUP_POLICY);
    write(&repo, ".github/workflows/backup.yml", BACKUP_WORKFLOW);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "base"]);
    let base = git_out(&repo, &["rev-parse", "HEAD"]);
    git(&repo, &["checkout", "-q", "-b", "feature"]);
    write(
        &repo,
        "db/migrations/000002_drop_users.up.sql",
        "DROP TABLE users;\n",
    );
    write(
        &repo,
        "db/migrations/000002_drop_users.down.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY);\n",
    );
    for (path, contents) in head_files {
        write(&repo, path, contents);
    }
    git(&repo, &["add", "-A"]);
    commit_at(&repo, "drop users", now() - HEAD_AGE);
    let head = git_out(&repo, &["rev-parse", "HEAD"]);
    let event = event_file(scratch.path(), &base, &head, OWNER_REPO);
    set_pull(state, "Cleans up.", &head, &base);
    {
        let mut s = state.lock().unwrap();
        s.reviews = vec![
            review_json(1, "bob", "APPROVED", &head, "2026-11-21T10:00:00Z"),
            review_json(2, "carol", "APPROVED", &head, "2026-11-21T10:01:00Z"),
        ];
        s.permissions = vec![
            ("bob".to_string(), "write".to_string()),
            ("carol".to_string(), "write".to_string()),
        ];
        s.workflows = vec!["backup.yml".to_string()];
    }
    BackupPr {
        scratch,
        repo,
        head,
        event,
    }
}

fn run_target(pr: &BackupPr, api: &str) -> crate::support::Run {
    run_ci_on(
        "pull_request_target",
        &pr.repo,
        pr.scratch.path(),
        &pr.event,
        api,
        &["--comment", "false"],
    )
}

/// Blocked on the backup alone (the approvals count), with `why` in the summary.
fn assert_blocked_on_backup(run: &crate::support::Run, why: &str) {
    let stdout = run.stdout();
    assert_eq!(
        run.output.status.code(),
        Some(1),
        "{stdout}\n{}",
        String::from_utf8_lossy(&run.output.stderr)
    );
    assert!(
        run.outputs
            .contains("gate-required=true\ngate-status=blocked\ngate-missing=backup\n"),
        "{}\n{stdout}",
        run.outputs
    );
    assert!(
        run.summary
            .contains("| ❌ | Backup evidence | none found |"),
        "{}",
        run.summary
    );
    assert!(run.summary.contains(why), "{why}\n{}", run.summary);
}

#[test]
fn a_backup_manifest_committed_by_the_pull_request_stays_blocked() {
    let runtime = runtime();
    let (server, state) = mock_github(&runtime, false);
    let manifest = json!({
        "timestamp": rfc3339(now() - 3600),
        "database": "app",
        "size": 2_411_724,
        "sha256": "ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12"
    })
    .to_string();
    let pr = backup_pr(&state, &[("backups/2026-11-21.json", manifest.as_str())]);
    let run = run_target(&pr, &server.uri());
    assert_blocked_on_backup(
        &run,
        "`backups/2026-11-21.json` is committed by the pull request itself: manifests count \
         only from the base commit",
    );
    assert!(
        run.summary
            .contains("no manifest matching `backups/**/*.json` is committed at the base commit"),
        "{}",
        run.summary
    );
    assert_eq!(requests_to(&runtime, &server, "/actions/artifacts"), 0);
}

#[test]
fn an_artifact_from_a_workflow_not_in_the_config_stays_blocked() {
    let runtime = runtime();
    let (server, state) = mock_github(&runtime, false);
    // The pull request adds its own "backup" workflow, which uploads an artifact with the
    // right name from a successful run on the head.
    let pr = backup_pr(
        &state,
        &[(
            ".github/workflows/sneaky.yml",
            "on: pull_request\njobs: {}\n",
        )],
    );
    {
        let mut s = state.lock().unwrap();
        s.workflows.push("sneaky.yml".to_string());
        s.workflow_runs = vec![workflow_run_json(901, "sneaky.yml", &pr.head, "success")];
        s.run_artifacts = vec![(
            901,
            artifact_json(
                91,
                "pre-migration-backup",
                901,
                &pr.head,
                &rfc3339(now() - 300),
            ),
        )];
    }
    let run = run_target(&pr, &server.uri());
    assert_blocked_on_backup(
        &run,
        &format!(
            "workflow `backup.yml` has no run on the head {}",
            &pr.head[..7]
        ),
    );
    assert!(!run.summary.contains("(id 91)"), "{}", run.summary);
    // Found through the configured workflow only: sneaky.yml's runs and artifacts, and the
    // repository-wide listing, were never asked for.
    assert_eq!(
        requests_to(&runtime, &server, "/actions/workflows/backup.yml/runs"),
        1
    );
    assert_eq!(requests_to(&runtime, &server, "/sneaky.yml/runs"), 0);
    assert_eq!(requests_to(&runtime, &server, "/runs/901/artifacts"), 0);
    assert_eq!(requests_to(&runtime, &server, "/actions/artifacts"), 0);
}

#[test]
fn an_artifact_of_the_configured_workflow_on_the_head_after_the_head_commit_passes() {
    let runtime = runtime();
    let (server, state) = mock_github(&runtime, false);
    let pr = backup_pr(&state, &[]);
    {
        let mut s = state.lock().unwrap();
        s.workflow_runs = vec![
            workflow_run_json(899, "backup.yml", &pr.head, "failure"),
            workflow_run_json(900, "backup.yml", &pr.head, "success"),
        ];
        s.run_artifacts = vec![
            (
                899,
                artifact_json(
                    76,
                    "pre-migration-backup",
                    899,
                    &pr.head,
                    &rfc3339(now() - 420),
                ),
            ),
            (
                900,
                artifact_json(
                    77,
                    "pre-migration-backup",
                    900,
                    &pr.head,
                    &rfc3339(now() - 300),
                ),
            ),
        ];
    }
    let run = run_target(&pr, &server.uri());
    let stdout = run.stdout();
    assert_eq!(
        run.output.status.code(),
        Some(0),
        "{stdout}\n{}\n{}",
        String::from_utf8_lossy(&run.output.stderr),
        run.summary
    );
    assert!(
        run.outputs
            .contains("gate-required=true\ngate-status=pass\ngate-missing=\n"),
        "{}",
        run.outputs
    );
    let evidence = format!(
        "| ✅ | Backup evidence | artifact `pre-migration-backup` (id 77) of workflow \
         `backup.yml` run 900 on the head {}, created 5 minutes ago |",
        &pr.head[..7]
    );
    assert!(run.summary.contains(&evidence), "{}", run.summary);
    // The failed run's artifacts were not even listed.
    assert_eq!(requests_to(&runtime, &server, "/runs/899/artifacts"), 0);
    assert_eq!(requests_to(&runtime, &server, "/runs/900/artifacts"), 1);
    assert_eq!(requests_to(&runtime, &server, "/actions/artifacts"), 0);
}

#[test]
fn an_artifact_of_the_configured_workflow_the_pull_request_changes_stays_blocked() {
    let runtime = runtime();
    let (server, state) = mock_github(&runtime, false);
    // The pull request rewrites backup.yml to upload an empty "backup".
    let pr = backup_pr(
        &state,
        &[(
            ".github/workflows/backup.yml",
            "on: pull_request\njobs:\n  backup:\n    runs-on: ubuntu-latest\n    steps:\n      - run: touch dump.sql\n",
        )],
    );
    {
        let mut s = state.lock().unwrap();
        s.workflow_runs = vec![workflow_run_json(902, "backup.yml", &pr.head, "success")];
        s.run_artifacts = vec![(
            902,
            artifact_json(
                78,
                "pre-migration-backup",
                902,
                &pr.head,
                &rfc3339(now() - 300),
            ),
        )];
    }
    let run = run_target(&pr, &server.uri());
    assert_blocked_on_backup(
        &run,
        "the pull request changes `.github/workflows/backup.yml`: artifacts of workflow \
         `backup.yml` do not count (the pull request wrote the workflow that made them)",
    );
    assert_eq!(requests_to(&runtime, &server, "/actions/artifacts"), 0);
}
