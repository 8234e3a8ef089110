//! Gate policy rows about backup evidence: the pull request body's backup line, artifacts of
//! the workflows named in `gate.backup.workflows` (and listed by the operator), and manifests
//! committed at the base commit; with the regression case of a Markdown link whose text has
//! spaces.

use sqlgate::gate::{BackupWorkflow, Facts, Runs};

use crate::support::{
    approved_facts, approved_no_backup, artifact, backup_yml, manifest_json, manifest_taken,
    trusted_backup, workflow_run, BACKUP_WORKFLOW, DAY, HEAD, NOW, OLD,
};
use crate::table::{run, Case};

pub(crate) fn cases() -> Vec<Case> {
    vec![
        // --- Backup: the pull request body ------------------------------------------------
        Case {
            name: "backup: no body line",
            facts: approved_no_backup(),
            expect_status: "blocked",
            expect_missing: &["backup"],
            expect_approved_by: &["alice", "bob"],
            expect_rejected: &["the pull request body has no line matching"],
            expect_fixes: &["add the line `Backup: s3://YOUR-BUCKET/pre-migration-backup.dump` to the pull request body"],
            ..Case::default()
        },
        Case {
            name: "backup: a malformed line (Backup: TODO) is rejected, not evidence",
            facts: Facts {
                body: "Backup: TODO\n".to_string(),
                ..approved_facts()
            },
            expect_status: "blocked",
            expect_missing: &["backup"],
            expect_approved_by: &["alice", "bob"],
            expect_rejected: &[
                "the pull request body's backup line names `TODO`, which matches none of the accepted forms (`^s3://`, `^gs://`, `^https://`, `^artifact:`)",
            ],
            ..Case::default()
        },
        Case {
            name: "backup: an accepted s3 link is pr-body evidence, stated as a claim",
            facts: Facts {
                body: "Backup: s3://b/x.dump".to_string(),
                ..approved_facts()
            },
            expect_status: "pass",
            expect_approved_by: &["alice", "bob"],
            expect_evidence_kinds: &["pr-body"],
            expect_evidence: &[
                "pr-body s3://b/x.dump ",
                "the pull request body names the backup s3://b/x.dump (a claim by the author, not verified)",
            ],
            forbid: &["backup line names"],
            ..Case::default()
        },
        Case {
            name: "backup: a line inside an HTML comment is not shown on GitHub and does not count",
            facts: Facts {
                body: "Drops the legacy table.\n<!--\nBackup: s3://b/x.dump\n-->\n".to_string(),
                ..approved_facts()
            },
            expect_status: "blocked",
            expect_missing: &["backup"],
            expect_approved_by: &["alice", "bob"],
            expect_rejected: &["inside an HTML comment or a code block, which GitHub does not show"],
            forbid: &["pr-body s3://b/x.dump"],
            ..Case::default()
        },
        Case {
            name: "backup: a line inside a fenced code block does not count",
            facts: Facts {
                body: "Template:\n```\nBackup: s3://b/x.dump\n```\n".to_string(),
                ..approved_facts()
            },
            expect_status: "blocked",
            expect_missing: &["backup"],
            expect_approved_by: &["alice", "bob"],
            expect_rejected: &["inside an HTML comment or a code block"],
            ..Case::default()
        },
        Case {
            name: "backup: the suggested template link is a placeholder, not evidence",
            facts: Facts {
                body: "Backup: s3://YOUR-BUCKET/pre-migration-backup.dump\n".to_string(),
                ..approved_facts()
            },
            expect_status: "blocked",
            expect_missing: &["backup"],
            expect_approved_by: &["alice", "bob"],
            expect_rejected: &[
                "the pull request body's backup line names `s3://YOUR-BUCKET/pre-migration-backup.dump`, a placeholder",
            ],
            ..Case::default()
        },
        Case {
            name: "backup: a hidden placeholder beside a real visible line: the visible one counts",
            facts: Facts {
                body: "<!-- Backup: s3://YOUR-BUCKET/x -->\nBackup: s3://acme-backups/2026-11-20.dump\n"
                    .to_string(),
                ..approved_facts()
            },
            expect_status: "pass",
            expect_approved_by: &["alice", "bob"],
            expect_evidence_kinds: &["pr-body"],
            expect_evidence: &["pr-body s3://acme-backups/2026-11-20.dump "],
            ..Case::default()
        },
        Case {
            name: "backup: a Markdown link gives its target",
            facts: Facts {
                body: "Backup: [dump](s3://b/x.dump)\n".to_string(),
                ..approved_facts()
            },
            expect_status: "pass",
            expect_approved_by: &["alice", "bob"],
            expect_evidence_kinds: &["pr-body"],
            expect_evidence: &["pr-body s3://b/x.dump "],
            ..Case::default()
        },
        Case {
            name: "backup: <angle brackets> and a trailing full stop are not part of the link",
            facts: Facts {
                body: "Backup: <gs://b/x.dump>\nBackup: https://backups.acme.io/x.dump.\n"
                    .to_string(),
                ..approved_facts()
            },
            expect_status: "pass",
            expect_approved_by: &["alice", "bob"],
            expect_evidence_kinds: &["pr-body", "pr-body"],
            expect_evidence: &["pr-body gs://b/x.dump ", "pr-body https://backups.acme.io/x.dump "],
            ..Case::default()
        },
        Case {
            name: "backup: a line in the middle of a multi-line body",
            facts: Facts {
                body: "## Summary\r\nDrops the legacy table.\r\n\r\nBackup: gs://b/x.dump\r\n\r\n- [x] reviewed\r\n"
                    .to_string(),
                ..approved_facts()
            },
            expect_status: "pass",
            expect_approved_by: &["alice", "bob"],
            expect_evidence_kinds: &["pr-body"],
            expect_evidence: &["pr-body gs://b/x.dump "],
            ..Case::default()
        },
        Case {
            name: "backup: the label is case-insensitive",
            facts: Facts {
                body: "notes\nbackup: artifact:pre-migration-backup\n".to_string(),
                ..approved_facts()
            },
            expect_status: "pass",
            expect_approved_by: &["alice", "bob"],
            expect_evidence_kinds: &["pr-body"],
            expect_evidence: &["pr-body artifact:pre-migration-backup "],
            ..Case::default()
        },
        Case {
            name: "backup: 'backup:' not at the start of a line is not the backup line",
            facts: Facts {
                body: "We took a backup: s3://b/x.dump\n".to_string(),
                ..approved_facts()
            },
            expect_status: "blocked",
            expect_missing: &["backup"],
            expect_approved_by: &["alice", "bob"],
            expect_rejected: &["the pull request body has no line matching"],
            ..Case::default()
        },
        Case {
            name: "backup: custom body-pattern and accept",
            config_toml: "[gate.backup]\nbody-pattern = '(?mi)^rollback-snapshot:\\s*(\\S+)'\naccept = ['^snap-']\n",
            facts: Facts {
                body: "Rollback-Snapshot: snap-0abc123\n".to_string(),
                ..approved_facts()
            },
            expect_status: "pass",
            expect_approved_by: &["alice", "bob"],
            expect_evidence_kinds: &["pr-body"],
            expect_evidence: &["pr-body snap-0abc123 "],
            ..Case::default()
        },
        Case {
            name: "backup: custom body-pattern and accept, a default-style line is not evidence",
            config_toml: "[gate.backup]\nbody-pattern = '(?mi)^rollback-snapshot:\\s*(\\S+)'\naccept = ['^snap-']\n",
            facts: approved_facts(),
            expect_status: "blocked",
            expect_missing: &["backup"],
            expect_approved_by: &["alice", "bob"],
            expect_rejected: &[r"has no line matching `(?mi)^rollback-snapshot:\s*(\S+)`"],
            expect_fixes: &[r"add a line matching `(?mi)^rollback-snapshot:\s*(\S+)` to the pull request body, with a link matching one of `^snap-`"],
            ..Case::default()
        },
        Case {
            name: "backup: custom accept rejects an s3 link",
            config_toml: "[gate.backup]\naccept = ['^https://backups\\.acme\\.dev/']\n",
            facts: approved_facts(),
            expect_status: "blocked",
            expect_missing: &["backup"],
            expect_approved_by: &["alice", "bob"],
            expect_rejected: &[r"names `s3://b/x.dump`, which matches none of the accepted forms (`^https://backups\.acme\.dev/`)"],
            ..Case::default()
        },
        // --- Backup: workflow artifacts -------------------------------------------------
        Case {
            name: "artifact of a successful backup.yml run on the head, after the head commit: evidence",
            config_toml: BACKUP_WORKFLOW,
            facts: Facts {
                backup_workflows: trusted_backup(),
                ..approved_no_backup()
            },
            expect_status: "pass",
            expect_approved_by: &["alice", "bob"],
            expect_evidence_kinds: &["artifact"],
            expect_evidence: &["artifact `pre-migration-backup` (id 4242) of workflow `backup.yml` run 77 on the head 9f2c1e4, created 1 hour ago"],
            ..Case::default()
        },
        Case {
            name: "artifact of a trusted run, but no workflow is configured: not evidence",
            facts: Facts {
                backup_workflows: trusted_backup(),
                artifacts: Some(Ok(vec![artifact("pre-migration-backup", Some(HEAD), false, None)])),
                ..approved_no_backup()
            },
            expect_status: "blocked",
            expect_missing: &["backup"],
            expect_approved_by: &["alice", "bob"],
            expect_rejected: &["artifacts count only from workflows named in gate.backup.workflows; none is named"],
            forbid: &["run 77 on the head"],
            ..Case::default()
        },
        Case {
            name: "artifact of a run of another workflow than the configured one is rejected",
            config_toml: BACKUP_WORKFLOW,
            facts: Facts {
                backup_workflows: backup_yml(vec![(
                    workflow_run(78, "pr-backup.yml", HEAD, "success"),
                    vec![artifact("pre-migration-backup", Some(HEAD), false, None)],
                )]),
                ..approved_no_backup()
            },
            expect_status: "blocked",
            expect_missing: &["backup"],
            expect_approved_by: &["alice", "bob"],
            expect_rejected: &["run 78 is of `.github/workflows/pr-backup.yml`, not of `.github/workflows/backup.yml`"],
            ..Case::default()
        },
        Case {
            name: "artifact of a failed run is rejected",
            config_toml: BACKUP_WORKFLOW,
            facts: Facts {
                backup_workflows: backup_yml(vec![(
                    workflow_run(79, "backup.yml", HEAD, "failure"),
                    vec![artifact("pre-migration-backup", Some(HEAD), false, None)],
                )]),
                ..approved_no_backup()
            },
            expect_status: "blocked",
            expect_missing: &["backup"],
            expect_approved_by: &["alice", "bob"],
            expect_rejected: &["workflow `backup.yml` run 79 concluded `failure`, not `success`: its artifacts do not count"],
            ..Case::default()
        },
        Case {
            name: "artifact of a run on another head is rejected",
            config_toml: BACKUP_WORKFLOW,
            facts: Facts {
                backup_workflows: backup_yml(vec![(
                    workflow_run(80, "backup.yml", OLD, "success"),
                    vec![artifact("pre-migration-backup", Some(OLD), false, None)],
                )]),
                ..approved_no_backup()
            },
            expect_status: "blocked",
            expect_missing: &["backup"],
            expect_approved_by: &["alice", "bob"],
            expect_rejected: &["workflow `backup.yml` run 80 ran on commit 1111111, not the head 9f2c1e4"],
            ..Case::default()
        },
        Case {
            name: "artifact created before the head commit is rejected",
            config_toml: BACKUP_WORKFLOW,
            facts: Facts {
                head_committed_at: Some(NOW - 1800),
                backup_workflows: trusted_backup(),
                ..approved_no_backup()
            },
            expect_status: "blocked",
            expect_missing: &["backup"],
            expect_approved_by: &["alice", "bob"],
            expect_rejected: &["artifact `pre-migration-backup` (id 4242) of workflow `backup.yml` run 77 was created 42 minutes before the head commit 9f2c1e4"],
            ..Case::default()
        },
        Case {
            name: "artifact of a workflow the pull request changes is rejected",
            config_toml: BACKUP_WORKFLOW,
            facts: Facts {
                pr_workflows: vec!["backup.yml".to_string()],
                backup_workflows: trusted_backup(),
                ..approved_no_backup()
            },
            expect_status: "blocked",
            expect_missing: &["backup"],
            expect_approved_by: &["alice", "bob"],
            expect_rejected: &["the pull request changes `.github/workflows/backup.yml`: artifacts of workflow `backup.yml` do not count"],
            ..Case::default()
        },
        Case {
            name: "a configured workflow GitHub does not know is a rejection, not an error",
            config_toml: BACKUP_WORKFLOW,
            facts: Facts {
                backup_workflows: Some(vec![BackupWorkflow {
                    file: "backup.yml".to_string(),
                    runs: Runs::NoSuchWorkflow,
                }]),
                ..approved_no_backup()
            },
            expect_status: "blocked",
            expect_missing: &["backup"],
            expect_approved_by: &["alice", "bob"],
            expect_rejected: &["GitHub has no workflow `.github/workflows/backup.yml` (named in gate.backup.workflows)"],
            ..Case::default()
        },
        Case {
            name: "operator-listed artifact from another commit is rejected",
            config_toml: BACKUP_WORKFLOW,
            facts: Facts {
                artifacts: Some(Ok(vec![artifact("pre-migration-backup", Some(OLD), false, None)])),
                ..approved_no_backup()
            },
            expect_status: "blocked",
            expect_missing: &["backup"],
            expect_approved_by: &["alice", "bob"],
            expect_rejected: &["artifact `pre-migration-backup` (id 4242) listed by the operator comes from a run on commit 1111111, not the head 9f2c1e4"],
            ..Case::default()
        },
        Case {
            name: "operator-listed artifact without a head SHA is rejected",
            config_toml: BACKUP_WORKFLOW,
            facts: Facts {
                artifacts: Some(Ok(vec![artifact("pre-migration-backup", None, false, None)])),
                ..approved_no_backup()
            },
            expect_status: "blocked",
            expect_missing: &["backup"],
            expect_approved_by: &["alice", "bob"],
            expect_rejected: &["comes from a run on an unknown commit"],
            ..Case::default()
        },
        Case {
            name: "operator-listed artifact on the head: evidence",
            config_toml: BACKUP_WORKFLOW,
            facts: Facts {
                artifacts: Some(Ok(vec![artifact("pre-migration-backup", Some(HEAD), false, None)])),
                ..approved_no_backup()
            },
            expect_status: "pass",
            expect_approved_by: &["alice", "bob"],
            expect_evidence_kinds: &["artifact"],
            expect_evidence: &["artifact `pre-migration-backup` (id 4242) listed by the operator, from a run on the head 9f2c1e4, created 1 hour ago"],
            ..Case::default()
        },
        Case {
            name: "artifact marked expired is rejected",
            config_toml: BACKUP_WORKFLOW,
            facts: Facts {
                backup_workflows: backup_yml(vec![(
                    workflow_run(77, "backup.yml", HEAD, "success"),
                    vec![artifact("pre-migration-backup", Some(HEAD), true, None)],
                )]),
                ..approved_no_backup()
            },
            expect_status: "blocked",
            expect_missing: &["backup"],
            expect_approved_by: &["alice", "bob"],
            expect_rejected: &["artifact `pre-migration-backup` (id 4242) of workflow `backup.yml` run 77 has expired"],
            ..Case::default()
        },
        Case {
            name: "artifact whose expires_at is past is rejected",
            config_toml: BACKUP_WORKFLOW,
            facts: Facts {
                artifacts: Some(Ok(vec![artifact(
                    "pre-migration-backup",
                    Some(HEAD),
                    false,
                    Some("2026-11-19T09:12:00Z"),
                )])),
                ..approved_no_backup()
            },
            expect_status: "blocked",
            expect_missing: &["backup"],
            expect_approved_by: &["alice", "bob"],
            expect_rejected: &["artifact `pre-migration-backup` (id 4242) listed by the operator has expired"],
            ..Case::default()
        },
        Case {
            name: "artifact with another name is not evidence",
            config_toml: BACKUP_WORKFLOW,
            facts: Facts {
                backup_workflows: backup_yml(vec![(
                    workflow_run(77, "backup.yml", HEAD, "success"),
                    vec![artifact("db-dump", Some(HEAD), false, None)],
                )]),
                ..approved_no_backup()
            },
            expect_status: "blocked",
            expect_missing: &["backup"],
            expect_approved_by: &["alice", "bob"],
            expect_rejected: &["workflow `backup.yml` run 77 on the head 9f2c1e4 uploaded no artifact named `pre-migration-backup*`"],
            ..Case::default()
        },
        Case {
            name: "artifacts could not be listed and nothing else proves a backup: error",
            config_toml: BACKUP_WORKFLOW,
            facts: Facts {
                backup_workflows: Some(vec![BackupWorkflow {
                    file: "backup.yml".to_string(),
                    runs: Runs::Failed("listing runs: GitHub answered 403".to_string()),
                }]),
                ..approved_no_backup()
            },
            expect_status: "blocked",
            expect_missing: &["backup", "error"],
            expect_approved_by: &["alice", "bob"],
            expect_errors: &["listing runs: GitHub answered 403"],
            ..Case::default()
        },
        Case {
            name: "artifacts could not be listed but the body proves a backup: no error",
            config_toml: BACKUP_WORKFLOW,
            facts: Facts {
                backup_workflows: Some(vec![BackupWorkflow {
                    file: "backup.yml".to_string(),
                    runs: Runs::Failed("listing runs: GitHub answered 403".to_string()),
                }]),
                ..approved_facts()
            },
            expect_status: "pass",
            expect_approved_by: &["alice", "bob"],
            expect_evidence_kinds: &["pr-body"],
            ..Case::default()
        },
        // --- Backup: committed manifests --------------------------------------------------
        Case {
            name: "manifest two days old: manifest evidence",
            facts: Facts {
                manifests: vec![manifest_taken("backups/2026-11-18.json", NOW - 2 * DAY)],
                ..approved_no_backup()
            },
            expect_status: "pass",
            expect_approved_by: &["alice", "bob"],
            expect_evidence_kinds: &["manifest"],
            expect_evidence: &[
                "manifest backups/2026-11-18.json ",
                "backup manifest `backups/2026-11-18.json` at the base commit abc1234: backup of `app` at commit 9f2c1e4 taken 2 days ago, 2.4 MB, checksum ab12cd34ef56ab12…",
            ],
            ..Case::default()
        },
        Case {
            name: "manifest ten days old with max-age-days = 7 is rejected",
            facts: Facts {
                manifests: vec![manifest_taken("backups/2026-11-10.json", NOW - 10 * DAY)],
                ..approved_no_backup()
            },
            expect_status: "blocked",
            expect_missing: &["backup"],
            expect_approved_by: &["alice", "bob"],
            expect_rejected: &[
                "`backups/2026-11-10.json` at the base commit abc1234 records a backup taken 10 days ago, older than max-age-days = 7",
            ],
            ..Case::default()
        },
        Case {
            name: "manifest ten days old with max-age-days = 14 is evidence",
            config_toml: "[gate.backup]\nmax-age-days = 14\n",
            facts: Facts {
                manifests: vec![manifest_taken("backups/2026-11-10.json", NOW - 10 * DAY)],
                ..approved_no_backup()
            },
            expect_status: "pass",
            expect_approved_by: &["alice", "bob"],
            expect_evidence_kinds: &["manifest"],
            ..Case::default()
        },
        Case {
            name: "manifest taken in the future is rejected",
            facts: Facts {
                manifests: vec![manifest_taken("backups/next.json", NOW + 3 * DAY)],
                ..approved_no_backup()
            },
            expect_status: "blocked",
            expect_missing: &["backup"],
            expect_approved_by: &["alice", "bob"],
            expect_rejected: &["`backups/next.json` at the base commit abc1234 records a backup taken in the future"],
            ..Case::default()
        },
        Case {
            name: "manifest parsed from JSON: evidence",
            facts: Facts {
                manifests: vec![manifest_json(
                    "backups/prod/backup_20261118_091200_metadata.json",
                    r#"{"timestamp": "2026-11-18T09:12:00Z", "database": {"name": "app"},
                        "git": {"commit": "9f2c1e4"}, "files": [{"size": 2411724, "sha256": "ab12"}]}"#,
                )],
                ..approved_no_backup()
            },
            expect_status: "pass",
            expect_approved_by: &["alice", "bob"],
            expect_evidence_kinds: &["manifest"],
            expect_evidence: &["taken 2 days ago"],
            ..Case::default()
        },
        Case {
            name: "manifest recording a size of zero is rejected with the reason",
            facts: Facts {
                manifests: vec![manifest_json(
                    "backups/empty.json",
                    r#"{"timestamp": "2026-11-19T09:12:00Z", "database": "app", "size": 0, "sha256": "e3b0"}"#,
                )],
                ..approved_no_backup()
            },
            expect_status: "blocked",
            expect_missing: &["backup"],
            expect_approved_by: &["alice", "bob"],
            expect_rejected: &["`backups/empty.json` at the base commit abc1234 records a size of 0 bytes: the backup is empty"],
            ..Case::default()
        },
        Case {
            name: "manifest that is not JSON is rejected with the reason",
            facts: Facts {
                manifests: vec![manifest_json("backups/broken.json", "{not json")],
                ..approved_no_backup()
            },
            expect_status: "blocked",
            expect_missing: &["backup"],
            expect_approved_by: &["alice", "bob"],
            expect_rejected: &["`backups/broken.json` at the base commit abc1234 is not valid JSON ("],
            ..Case::default()
        },
        Case {
            name: "one bad manifest and one good one: evidence",
            facts: Facts {
                manifests: vec![
                    manifest_json("backups/broken.json", "{not json"),
                    manifest_taken("backups/good.json", NOW - DAY),
                ],
                ..approved_no_backup()
            },
            expect_status: "pass",
            expect_approved_by: &["alice", "bob"],
            expect_evidence_kinds: &["manifest"],
            expect_rejected: &["`backups/broken.json` at the base commit abc1234 is not valid JSON"],
            ..Case::default()
        },
        Case {
            name: "a manifest the pull request commits is rejected, not evidence",
            facts: Facts {
                pr_manifests: vec!["backups/2026-11-20.json".to_string()],
                ..approved_no_backup()
            },
            expect_status: "blocked",
            expect_missing: &["backup"],
            expect_approved_by: &["alice", "bob"],
            expect_rejected: &[
                "`backups/2026-11-20.json` is committed by the pull request itself: manifests count only from the base commit",
                "no manifest matching `backups/**/*.json` is committed at the base commit abc1234",
            ],
            ..Case::default()
        },
        Case {
            name: "a base manifest the pull request also edits: the base's counts, the edit is named",
            facts: Facts {
                manifests: vec![manifest_taken("backups/good.json", NOW - DAY)],
                pr_manifests: vec!["backups/good.json".to_string()],
                ..approved_no_backup()
            },
            expect_status: "pass",
            expect_approved_by: &["alice", "bob"],
            expect_evidence_kinds: &["manifest"],
            expect_evidence: &["backup manifest `backups/good.json` at the base commit abc1234"],
            expect_rejected: &["`backups/good.json` is committed by the pull request itself"],
            ..Case::default()
        },
        Case {
            name: "every kind of evidence at once, in order body, manifest, artifact",
            config_toml: BACKUP_WORKFLOW,
            facts: Facts {
                manifests: vec![manifest_taken("backups/good.json", NOW - DAY)],
                backup_workflows: trusted_backup(),
                ..approved_facts()
            },
            expect_status: "pass",
            expect_approved_by: &["alice", "bob"],
            expect_evidence_kinds: &["pr-body", "manifest", "artifact"],
            ..Case::default()
        },
    ]
}

/// Regression: the default body-pattern's `(\S+)` stops inside `[link text](url)` at the first
/// space, so the usual Markdown link is rejected.
fn markdown_link_text_with_spaces_case() -> Case {
    Case {
        name: "backup: a Markdown link whose text has a space",
        facts: Facts {
            body: "Backup: [pre-migration dump](s3://b/x.dump)\n".to_string(),
            ..approved_facts()
        },
        expect_status: "pass",
        expect_approved_by: &["alice", "bob"],
        expect_evidence_kinds: &["pr-body"],
        expect_evidence: &["pr-body s3://b/x.dump "],
        ..Case::default()
    }
}

#[test]
fn a_markdown_backup_link_whose_text_has_spaces_is_read() {
    run(vec![markdown_link_text_with_spaces_case()]);
}
