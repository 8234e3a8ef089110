//! The gate's backup evidence end to end: the pull request body's backup line, artifacts
//! listed by the operator (on the head, expired, from another commit, without a configured
//! backup workflow) and manifests committed at the base commit (the pull request's own do not
//! count).

use serde_json::json;

use crate::clock::rfc3339;
use crate::support::{
    artifact, artifacts, assert_verdict, drop_users, manifest, short, strings, Inputs, Pr,
    BACKUP_LINE,
};

// ---------------------------------------------------------------------------------------
// Backup evidence

/// Two approvals on the head, so only the backup decides.
fn approved(pr: &Pr, body: &str) -> Inputs {
    let mut inputs = pr.inputs();
    inputs.event = pr.event(body);
    inputs.reviews = vec![pr.approval(1, "bob", 20), pr.approval(2, "carol", 10)];
    inputs
}

pub(crate) const NO_BACKUP_BODY: &str =
    "Drops `users`: the table moved to the accounts service.\r\n";

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
            r"the pull request body has no line matching `(?mi)^backup:\s*(\S+)`".to_string(),
            format!(
                "no manifest matching `backups/**/*.json` is committed at the base commit {}",
                short(&pr.base)
            ),
            "artifacts count only from workflows named in gate.backup.workflows; none is named"
                .to_string()
        ]
    );
    let fixes = strings(&gate["fixes"]);
    assert_eq!(fixes.len(), 1, "{gate:#}");
    assert!(
        fixes[0].starts_with(
            "add the line `Backup: s3://YOUR-BUCKET/pre-migration-backup.dump` to the pull \
             request body, or name your backup workflow in gate.backup.workflows and have it \
             upload an artifact named `pre-migration-backup*` from a successful run on"
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

/// The base names the backup workflow, so the operator's artifacts may count.
const BACKUP_WORKFLOW: (&str, &str) = (
    "sqlgate.toml",
    "[gate.backup]\nworkflows = [\"backup.yml\"]\n",
);

#[test]
fn without_a_configured_backup_workflow_no_artifact_counts() {
    let pr = drop_users(&[]);
    let mut inputs = approved(&pr, NO_BACKUP_BODY);
    inputs.artifacts = Some(artifacts(vec![artifact(
        14,
        "pre-migration-backup",
        &pr.head,
        false,
    )]));
    let (run, gate) = pr.gate_json(&inputs);
    assert_verdict(&run, &gate, "blocked", &["backup"], 1);
    assert_eq!(gate["backup"]["evidence"], json!([]));
    assert!(
        strings(&gate["backup"]["rejected"]).contains(
            &"artifacts count only from workflows named in gate.backup.workflows; none is named"
                .to_string()
        ),
        "{gate:#}"
    );
}

#[test]
fn an_artifact_from_another_commit_is_rejected() {
    let pr = drop_users(&[BACKUP_WORKFLOW]);
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
            "artifact `pre-migration-backup` (id 12) listed by the operator comes from a run on \
             commit {}, not the head {}",
            short(&pr.first),
            short(&pr.head)
        )),
        "{rejected:#?}"
    );
    assert!(!rejected.iter().any(|r| r.contains("coverage-report")));
}

#[test]
fn an_expired_artifact_is_rejected() {
    let pr = drop_users(&[BACKUP_WORKFLOW]);
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
        strings(&gate["backup"]["rejected"]).contains(
            &"artifact `pre-migration-backup` (id 13) listed by the operator has expired"
                .to_string()
        ),
        "{gate:#}"
    );
}

#[test]
fn an_artifact_on_the_head_created_after_the_head_commit_is_evidence() {
    let pr = drop_users(&[BACKUP_WORKFLOW]);
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
                "artifact `pre-migration-backup-app` (id 14) listed by the operator, from a run \
                 on the head {}, created 1 hour ago",
                short(&pr.head)
            )
        }])
    );
}

#[test]
fn an_artifact_older_than_the_head_commit_is_rejected() {
    let pr = drop_users(&[BACKUP_WORKFLOW]);
    let mut inputs = approved(&pr, NO_BACKUP_BODY);
    let mut old = artifact(15, "pre-migration-backup", &pr.head, false);
    // An hour before the head commit, to the second: `ago` would count from a later now.
    old["created_at"] = json!(rfc3339(pr.head_committed() - 3600));
    inputs.artifacts = Some(artifacts(vec![old]));
    let (run, gate) = pr.gate_json(&inputs);
    assert_verdict(&run, &gate, "blocked", &["backup"], 1);
    assert!(
        strings(&gate["backup"]["rejected"]).contains(&format!(
            "artifact `pre-migration-backup` (id 15) listed by the operator was created 1 hour \
             before the head commit {}: it is not a backup for this head",
            short(&pr.head)
        )),
        "{gate:#}"
    );
}

#[test]
fn a_manifest_committed_by_the_pull_request_is_rejected() {
    let recent = manifest(1, 2_411_724);
    let pr = drop_users(&[("backups/2026/app_metadata.json", &recent)]);
    let (run, gate) = pr.gate_json(&approved(&pr, NO_BACKUP_BODY));
    assert_verdict(&run, &gate, "blocked", &["backup"], 1);
    assert_eq!(gate["backup"]["evidence"], json!([]));
    let rejected = strings(&gate["backup"]["rejected"]);
    assert!(
        rejected.contains(
            &"`backups/2026/app_metadata.json` is committed by the pull request itself: \
              manifests count only from the base commit"
                .to_string()
        ),
        "{rejected:#?}"
    );
}

#[test]
fn a_manifest_older_than_max_age_is_rejected() {
    let old = manifest(10, 2_411_724);
    let pr = drop_users(&[("base:backups/2026/app_metadata.json", &old)]);
    let (run, gate) = pr.gate_json(&approved(&pr, NO_BACKUP_BODY));
    assert_verdict(&run, &gate, "blocked", &["backup"], 1);
    assert_eq!(gate["backup"]["evidence"], json!([]));
    assert_eq!(
        strings(&gate["backup"]["rejected"])[1],
        format!(
            "`backups/2026/app_metadata.json` at the base commit {} records a backup taken 10 \
             days ago, older than max-age-days = 7",
            short(&pr.base)
        )
    );
}

#[test]
fn a_manifest_of_an_empty_backup_is_rejected() {
    let empty = manifest(2, 0);
    let pr = drop_users(&[("base:backups/app_metadata.json", &empty)]);
    let (run, gate) = pr.gate_json(&approved(&pr, NO_BACKUP_BODY));
    assert_verdict(&run, &gate, "blocked", &["backup"], 1);
    assert_eq!(gate["backup"]["evidence"], json!([]));
    assert_eq!(
        strings(&gate["backup"]["rejected"])[1],
        format!(
            "`backups/app_metadata.json` at the base commit {} records a size of 0 bytes: the \
             backup is empty",
            short(&pr.base)
        )
    );
}

#[test]
fn a_manifest_that_is_not_json_is_rejected() {
    let pr = drop_users(&[(
        "base:backups/app_metadata.json",
        "timestamp: 2026-11-20\ndatabase: app\n",
    )]);
    let (run, gate) = pr.gate_json(&approved(&pr, NO_BACKUP_BODY));
    assert_verdict(&run, &gate, "blocked", &["backup"], 1);
    assert_eq!(gate["backup"]["evidence"], json!([]));
    let rejected = strings(&gate["backup"]["rejected"]);
    assert!(
        rejected[1].starts_with(&format!(
            "`backups/app_metadata.json` at the base commit {} is not valid JSON (",
            short(&pr.base)
        )),
        "{rejected:#?}"
    );
}

#[test]
fn a_recent_manifest_is_evidence() {
    let recent = manifest(2, 2_411_724);
    let pr = drop_users(&[("base:backups/2026/app_metadata.json", &recent)]);
    let (run, gate) = pr.gate_json(&approved(&pr, NO_BACKUP_BODY));
    assert_eq!(gate["status"], "pass", "{gate:#}");
    assert_eq!(gate["missing"], json!([]));
    assert_eq!(run.code(), Some(0), "{gate:#}");
    assert_eq!(
        gate["backup"]["evidence"],
        json!([{
            "kind": "manifest",
            "source": "backups/2026/app_metadata.json",
            "detail": format!(
                "backup manifest `backups/2026/app_metadata.json` at the base commit {}: backup \
                 of `app` at commit abc1234 taken 2 days ago, 2.4 MB, checksum ab12cd34ef56ab12…",
                short(&pr.base)
            )
        }])
    );
}
