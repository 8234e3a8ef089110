//! The backup evidence rules: what counts from the base commit, from a trusted workflow's
//! run, and what the pull request's author alone could forge and so does not.

use super::*;
use crate::facts::{BackupRun, BackupWorkflow, ManifestFile};

const NOW: i64 = 1_795_165_920; // 2026-11-20T09:12:00Z
const HEAD: &str = "9f2c1e4a7b3d5c6e8f90a1b2c3d4e5f6a7b8c9d0";
const BASE: &str = "abc1234deadbeefabc1234deadbeefabc1234dea";
const OLD: &str = "1111111aaaaaaabbbbbbbcccccccdddddddeeeee";
/// The head was committed an hour before now.
const COMMITTED: i64 = NOW - 3600;

fn config(workflows: &[&str]) -> GateConfig {
    let mut config = GateConfig::default();
    config.backup.workflows = workflows.iter().map(|w| w.to_string()).collect();
    config
}

fn facts() -> Facts {
    Facts {
        author: "alice".to_string(),
        head_sha: HEAD.to_string(),
        base_sha: BASE.to_string(),
        head_committed_at: Some(COMMITTED),
        now: NOW,
        ..Facts::default()
    }
}

fn run(id: u64, path: &str, head: &str, conclusion: Option<&str>) -> WorkflowRun {
    WorkflowRun {
        id,
        name: "Backup".to_string(),
        path: path.to_string(),
        head_sha: head.to_string(),
        event: "pull_request".to_string(),
        status: if conclusion.is_some() {
            "completed"
        } else {
            "in_progress"
        }
        .to_string(),
        conclusion: conclusion.map(str::to_string),
        created_at: Some("2026-11-20T08:30:00Z".to_string()),
    }
}

/// An artifact created `minutes_ago`, expiring in 90 days.
fn artifact(id: u64, name: &str, minutes_ago: i64) -> Artifact {
    let rfc = |t: i64| {
        // Only whole minutes before NOW are needed: 09:12 minus the minutes, same day.
        let minutes = 9 * 60 + 12 - (NOW - t) / 60;
        format!("2026-11-20T{:02}:{:02}:00Z", minutes / 60, minutes % 60)
    };
    Artifact {
        id,
        name: name.to_string(),
        expired: false,
        created_at: Some(rfc(NOW - minutes_ago * 60)),
        expires_at: Some("2027-02-18T09:12:00Z".to_string()),
        head_sha: Some(HEAD.to_string()),
    }
}

fn workflow(file: &str, runs: Vec<(WorkflowRun, Vec<Artifact>)>) -> BackupWorkflow {
    BackupWorkflow {
        file: file.to_string(),
        runs: Runs::Found(
            runs.into_iter()
                .map(|(run, artifacts)| BackupRun { run, artifacts })
                .collect(),
        ),
    }
}

fn trusted_run() -> (WorkflowRun, Vec<Artifact>) {
    (
        run(123, ".github/workflows/backup.yml", HEAD, Some("success")),
        vec![artifact(9, "pre-migration-backup", 5)],
    )
}

fn evaluate(config: &GateConfig, facts: &Facts) -> (BackupState, Vec<String>) {
    let mut errors = Vec::new();
    let state = backup(config, facts, &mut errors);
    (state, errors)
}

fn details(state: &BackupState) -> Vec<&str> {
    state.evidence.iter().map(|e| e.detail.as_str()).collect()
}

fn rejected_with(state: &BackupState, text: &str) -> bool {
    state.rejected.iter().any(|r| r.contains(text))
}

#[test]
fn a_manifest_at_the_base_commit_counts_and_says_where_it_was_read() {
    let facts = Facts {
        manifests: vec![ManifestFile {
            path: "db/backups/2026-11-20.json".to_string(),
            manifest: crate::manifest::parse(
                br#"{"timestamp": "2026-11-20T07:12:00Z", "database": "app", "size": 1200000000, "sha256": "ab12cd34ef56ab12cd34ef56"}"#,
            ),
        }],
        ..facts()
    };
    let (state, errors) = evaluate(&config(&[]), &facts);
    assert!(errors.is_empty());
    assert_eq!(
        details(&state),
        [
            "backup manifest `db/backups/2026-11-20.json` at the base commit abc1234: backup of \
          `app` taken 2 hours ago, 1.2 GB, checksum ab12cd34ef56ab12…"
        ]
    );
    assert_eq!(state.evidence[0].kind, "manifest");
}

#[test]
fn a_manifest_the_pull_request_commits_is_rejected_with_the_reason() {
    let facts = Facts {
        pr_manifests: vec!["db/backups/x.json".to_string()],
        ..facts()
    };
    let (state, _) = evaluate(&config(&[]), &facts);
    assert!(state.evidence.is_empty());
    assert!(
        state.rejected.contains(
            &"`db/backups/x.json` is committed by the pull request itself: manifests count \
              only from the base commit"
                .to_string()
        ),
        "{:#?}",
        state.rejected
    );
    assert!(rejected_with(
        &state,
        "no manifest matching `backups/**/*.json` is committed at the base commit abc1234"
    ));
}

#[test]
fn a_bad_manifest_at_the_base_names_the_base_commit() {
    let facts = Facts {
        manifests: vec![ManifestFile {
            path: "backups/old.json".to_string(),
            manifest: Err("is not a JSON object".to_string()),
        }],
        ..facts()
    };
    let (state, _) = evaluate(&config(&[]), &facts);
    assert!(state.rejected.contains(
        &"`backups/old.json` at the base commit abc1234 is not a JSON object".to_string()
    ));
}

#[test]
fn without_configured_workflows_no_artifact_counts_and_the_summary_says_so() {
    let facts = Facts {
        artifacts: Some(Ok(vec![artifact(9, "pre-migration-backup", 5)])),
        backup_workflows: Some(vec![workflow("backup.yml", vec![trusted_run()])]),
        ..facts()
    };
    let (state, errors) = evaluate(&config(&[]), &facts);
    assert!(state.evidence.is_empty(), "{:#?}", state.evidence);
    assert!(errors.is_empty());
    assert!(rejected_with(
        &state,
        "artifacts count only from workflows named in gate.backup.workflows; none is named"
    ));
}

#[test]
fn a_trusted_artifact_counts_and_says_which_workflow_run_made_it() {
    let facts = Facts {
        backup_workflows: Some(vec![workflow("backup.yml", vec![trusted_run()])]),
        ..facts()
    };
    let (state, errors) = evaluate(&config(&["backup.yml"]), &facts);
    assert!(errors.is_empty());
    assert_eq!(
        details(&state),
        [
            "artifact `pre-migration-backup` (id 9) of workflow `backup.yml` run 123 on the head \
          9f2c1e4, created 5 minutes ago"
        ]
    );
    assert_eq!(state.evidence[0].kind, "artifact");
}

#[test]
fn a_run_of_another_workflow_does_not_count() {
    // The API answered for backup.yml with a run of a workflow the pull request could add.
    let (run, artifacts) = trusted_run();
    let sneaky = WorkflowRun {
        path: ".github/workflows/sneaky.yml".to_string(),
        ..run
    };
    let facts = Facts {
        backup_workflows: Some(vec![workflow("backup.yml", vec![(sneaky, artifacts)])]),
        ..facts()
    };
    let (state, _) = evaluate(&config(&["backup.yml"]), &facts);
    assert!(state.evidence.is_empty());
    assert!(rejected_with(
        &state,
        "run 123 is of `.github/workflows/sneaky.yml`, not of `.github/workflows/backup.yml` \
         (named in gate.backup.workflows): its artifacts do not count"
    ));
}

#[test]
fn a_run_on_another_head_does_not_count() {
    let (run, artifacts) = trusted_run();
    let old = WorkflowRun {
        head_sha: OLD.to_string(),
        ..run
    };
    let facts = Facts {
        backup_workflows: Some(vec![workflow("backup.yml", vec![(old, artifacts)])]),
        ..facts()
    };
    let (state, _) = evaluate(&config(&["backup.yml"]), &facts);
    assert!(state.evidence.is_empty());
    assert!(rejected_with(
        &state,
        "workflow `backup.yml` run 123 ran on commit 1111111, not the head 9f2c1e4: its \
         artifacts do not count"
    ));
}

#[test]
fn a_failed_or_unfinished_run_does_not_count() {
    let (_, artifacts) = trusted_run();
    let failed = run(124, ".github/workflows/backup.yml", HEAD, Some("failure"));
    let running = run(125, ".github/workflows/backup.yml", HEAD, None);
    let facts = Facts {
        backup_workflows: Some(vec![workflow(
            "backup.yml",
            vec![(failed, artifacts.clone()), (running, artifacts)],
        )]),
        ..facts()
    };
    let (state, _) = evaluate(&config(&["backup.yml"]), &facts);
    assert!(state.evidence.is_empty());
    assert!(rejected_with(
        &state,
        "workflow `backup.yml` run 124 concluded `failure`, not `success`: its artifacts do \
         not count"
    ));
    assert!(rejected_with(
        &state,
        "workflow `backup.yml` run 125 has not completed (status `in_progress`)"
    ));
}

#[test]
fn an_artifact_created_before_the_head_commit_does_not_count() {
    let (run, _) = trusted_run();
    let facts = Facts {
        backup_workflows: Some(vec![workflow(
            "backup.yml",
            vec![(run, vec![artifact(9, "pre-migration-backup", 90)])],
        )]),
        ..facts()
    };
    let (state, _) = evaluate(&config(&["backup.yml"]), &facts);
    assert!(state.evidence.is_empty());
    assert!(rejected_with(
        &state,
        "artifact `pre-migration-backup` (id 9) of workflow `backup.yml` run 123 was created \
         30 minutes before the head commit 9f2c1e4: it is not a backup for this head"
    ));
}

#[test]
fn an_unknown_head_commit_time_or_creation_time_does_not_count() {
    let (run, artifacts) = trusted_run();
    let unknown = Facts {
        head_committed_at: None,
        backup_workflows: Some(vec![workflow("backup.yml", vec![(run.clone(), artifacts)])]),
        ..facts()
    };
    let (state, _) = evaluate(&config(&["backup.yml"]), &unknown);
    assert!(state.evidence.is_empty());
    assert!(rejected_with(
        &state,
        "does not count: the time of the head commit 9f2c1e4 is unknown"
    ));
    let undated = Artifact {
        created_at: None,
        ..artifact(9, "pre-migration-backup", 5)
    };
    let undated = Facts {
        backup_workflows: Some(vec![workflow("backup.yml", vec![(run, vec![undated])])]),
        ..facts()
    };
    let (state, _) = evaluate(&config(&["backup.yml"]), &undated);
    assert!(state.evidence.is_empty());
    assert!(rejected_with(&state, "has no creation time"));
}

#[test]
fn an_expired_artifact_does_not_count() {
    let (run, _) = trusted_run();
    let expired = Artifact {
        expired: true,
        ..artifact(9, "pre-migration-backup", 5)
    };
    let past = Artifact {
        expires_at: Some("2026-11-20T09:00:00Z".to_string()),
        ..artifact(10, "pre-migration-backup-2", 5)
    };
    let facts = Facts {
        backup_workflows: Some(vec![workflow(
            "backup.yml",
            vec![(run, vec![expired, past])],
        )]),
        ..facts()
    };
    let (state, _) = evaluate(&config(&["backup.yml"]), &facts);
    assert!(state.evidence.is_empty());
    assert!(rejected_with(
        &state,
        "artifact `pre-migration-backup` (id 9) of workflow `backup.yml` run 123 has expired"
    ));
    assert!(rejected_with(
        &state,
        "artifact `pre-migration-backup-2` (id 10) of workflow `backup.yml` run 123 has expired"
    ));
}

#[test]
fn an_artifact_of_a_workflow_the_pull_request_changes_does_not_count() {
    let facts = Facts {
        pr_workflows: vec!["backup.yml".to_string()],
        backup_workflows: Some(vec![workflow("backup.yml", vec![trusted_run()])]),
        ..facts()
    };
    let (state, _) = evaluate(&config(&["backup.yml"]), &facts);
    assert!(state.evidence.is_empty());
    assert!(rejected_with(
        &state,
        "the pull request changes `.github/workflows/backup.yml`: artifacts of workflow \
         `backup.yml` do not count (the pull request wrote the workflow that made them)"
    ));
}

#[test]
fn a_missing_workflow_is_a_rejection_and_an_outage_blocks_only_without_other_evidence() {
    let outage = Facts {
        backup_workflows: Some(vec![
            BackupWorkflow {
                file: "nightly.yml".to_string(),
                runs: Runs::NoSuchWorkflow,
            },
            BackupWorkflow {
                file: "backup.yml".to_string(),
                runs: Runs::Failed("list runs: GitHub answered 502".to_string()),
            },
        ]),
        ..facts()
    };
    let config = config(&["nightly.yml", "backup.yml"]);
    let (state, errors) = evaluate(&config, &outage);
    assert!(rejected_with(
        &state,
        "GitHub has no workflow `.github/workflows/nightly.yml` (named in gate.backup.workflows)"
    ));
    assert_eq!(errors, ["list runs: GitHub answered 502"]);
    // The body proves a backup: the outage no longer matters.
    let (state, errors) = evaluate(
        &config,
        &Facts {
            body: "Backup: s3://acme/pre-drop.dump\n".to_string(),
            ..outage
        },
    );
    assert_eq!(state.evidence.len(), 1);
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn operator_listed_artifacts_are_checked_like_online_ones() {
    let mut other_head = artifact(11, "pre-migration-backup", 5);
    other_head.head_sha = Some(OLD.to_string());
    let facts = Facts {
        artifacts: Some(Ok(vec![
            other_head,
            artifact(12, "pre-migration-backup", 5),
        ])),
        ..facts()
    };
    let (state, _) = evaluate(&config(&["backup.yml"]), &facts);
    assert_eq!(
        details(&state),
        [
            "artifact `pre-migration-backup` (id 12) listed by the operator, from a run on the \
          head 9f2c1e4, created 5 minutes ago"
        ]
    );
    assert!(rejected_with(
        &state,
        "artifact `pre-migration-backup` (id 11) listed by the operator comes from a run on \
         commit 1111111, not the head 9f2c1e4"
    ));
}

#[test]
fn the_fix_names_the_workflows_and_the_base_branch() {
    let facts = facts();
    let without = backup_fix(&config(&[]), &facts);
    assert!(
        without.contains(
            "or name your backup workflow in gate.backup.workflows and have it upload an \
             artifact named `pre-migration-backup*` from a successful run on 9f2c1e4, or merge \
             backup metadata matching `backups/**/*.json` into the base branch first"
        ),
        "{without}"
    );
    let with = backup_fix(&config(&["backup.yml"]), &facts);
    assert!(
        with.contains("or have `backup.yml` upload an artifact named"),
        "{with}"
    );
    assert!(!with.contains('\n') && !without.contains('\n'));
}
