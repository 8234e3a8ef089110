//! Builders of the gate policy table: the fixed clock and pull request, findings, reviews,
//! permissions, team memberships, artifacts, manifests, facts and `[gate]` configs.

use std::collections::HashMap;
use std::path::Path;

use sqlgate::config::GateConfig;
use sqlgate::finding::{Category, Finding, Severity};
use sqlgate::gate::manifest::{self, Manifest};
use sqlgate::gate::{BackupRun, BackupWorkflow, Facts, ManifestFile, Runs};
use sqlgate::github::{Artifact, Review, WorkflowRun};
use sqlgate::source::Position;

/// 2026-11-20T09:12:00Z.
pub(crate) const NOW: i64 = 1_795_165_920;
pub(crate) const DAY: i64 = 86_400;
pub(crate) const HEAD: &str = "9f2c1e4a7b3d5c6e8f90a1b2c3d4e5f6a7b8c9d0";
pub(crate) const OLD: &str = "1111111aaaaaaabbbbbbbcccccccdddddddeeeee";
pub(crate) const BASE: &str = "abc1234deadbeefabc1234deadbeefabc1234dea";
/// When HEAD was committed: 2026-11-20T07:12:00Z, two hours before NOW.
pub(crate) const COMMITTED: i64 = NOW - 2 * 3600;
/// `[gate.backup] workflows = ["backup.yml"]`.
pub(crate) const BACKUP_WORKFLOW: &str = "[gate.backup]\nworkflows = [\"backup.yml\"]\n";
pub(crate) const AUTHOR: &str = "octo-author";
pub(crate) const BODY_BACKUP: &str = "Drops the legacy table.\n\nBackup: s3://b/x.dump\n";

// ---------------------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------------------

pub(crate) fn finding(gate: bool) -> Finding {
    Finding {
        rule: "drop-table",
        code: "DS001",
        category: Category::Destructive,
        severity: Severity::Error,
        file_id: 0,
        file: "migrations/001_drop.sql".to_string(),
        range: 0..21,
        start: Position { line: 1, column: 1 },
        end: Position {
            line: 1,
            column: 22,
        },
        message: "drops table legacy".to_string(),
        help: "back the table up first".to_string(),
        detail: None,
        suppressed: false,
        gate,
    }
}

/// A finding that matches `gate.triggers`.
pub(crate) fn trigger() -> Finding {
    finding(true)
}

/// A finding outside `gate.triggers`.
pub(crate) fn other() -> Finding {
    finding(false)
}

/// A suppressed trigger finding with `count-suppressed = false`: the engine clears `gate`.
pub(crate) fn suppressed_not_counted() -> Finding {
    Finding {
        suppressed: true,
        ..finding(false)
    }
}

pub(crate) fn review(login: &str, state: &str, commit: Option<&str>) -> Review {
    Review {
        id: 1,
        author: login.to_string(),
        author_is_bot: false,
        state: state.to_string(),
        commit_id: commit.map(str::to_string),
        submitted_at: None,
    }
}

pub(crate) fn approved(login: &str, commit: &str) -> Review {
    review(login, "APPROVED", Some(commit))
}

pub(crate) fn changes(login: &str, commit: &str) -> Review {
    review(login, "CHANGES_REQUESTED", Some(commit))
}

pub(crate) fn dismissed(login: &str, commit: &str) -> Review {
    review(login, "DISMISSED", Some(commit))
}

pub(crate) fn commented(login: &str, commit: &str) -> Review {
    review(login, "COMMENTED", Some(commit))
}

pub(crate) fn pending(login: &str, commit: &str) -> Review {
    review(login, "PENDING", Some(commit))
}

/// An approval on the head by an account GitHub marks as a bot (`user.type == "Bot"`).
pub(crate) fn bot_approved(login: &str) -> Review {
    Review {
        author_is_bot: true,
        ..approved(login, HEAD)
    }
}

pub(crate) fn at(review: Review, submitted_at: &str) -> Review {
    Review {
        submitted_at: Some(submitted_at.to_string()),
        ..review
    }
}

pub(crate) fn perms(
    entries: &[(&str, Result<&str, &str>)],
) -> HashMap<String, Result<String, String>> {
    entries
        .iter()
        .map(|(login, p)| {
            (
                login.to_ascii_lowercase(),
                p.map(str::to_string).map_err(str::to_string),
            )
        })
        .collect()
}

pub(crate) fn teams(
    entries: &[(&str, &str, Result<bool, &str>)],
) -> HashMap<(String, String), Result<bool, String>> {
    entries
        .iter()
        .map(|(team, login, m)| {
            (
                (team.to_string(), login.to_ascii_lowercase()),
                m.map_err(str::to_string),
            )
        })
        .collect()
}

pub(crate) fn artifact(
    name: &str,
    sha: Option<&str>,
    expired: bool,
    expires_at: Option<&str>,
) -> Artifact {
    Artifact {
        id: 4242,
        name: name.to_string(),
        expired,
        created_at: Some("2026-11-20T08:00:00Z".to_string()),
        expires_at: expires_at.map(str::to_string),
        head_sha: sha.map(str::to_string),
    }
}

/// A completed run of `.github/workflows/{file}` on `head` with this conclusion.
pub(crate) fn workflow_run(id: u64, file: &str, head: &str, conclusion: &str) -> WorkflowRun {
    WorkflowRun {
        id,
        name: "Backup".to_string(),
        path: format!(".github/workflows/{file}"),
        head_sha: head.to_string(),
        event: "pull_request".to_string(),
        status: "completed".to_string(),
        conclusion: Some(conclusion.to_string()),
        created_at: Some("2026-11-20T07:50:00Z".to_string()),
    }
}

/// What GitHub gave for the workflow `backup.yml`: these runs with their artifacts.
pub(crate) fn backup_yml(runs: Vec<(WorkflowRun, Vec<Artifact>)>) -> Option<Vec<BackupWorkflow>> {
    Some(vec![BackupWorkflow {
        file: "backup.yml".to_string(),
        runs: Runs::Found(
            runs.into_iter()
                .map(|(run, artifacts)| BackupRun { run, artifacts })
                .collect(),
        ),
    }])
}

/// A successful run 77 of `backup.yml` on the head with an artifact created at 08:00 (after
/// the head commit at 07:12).
pub(crate) fn trusted_backup() -> Option<Vec<BackupWorkflow>> {
    backup_yml(vec![(
        workflow_run(77, "backup.yml", HEAD, "success"),
        vec![artifact("pre-migration-backup", Some(HEAD), false, None)],
    )])
}

pub(crate) fn manifest_taken(path: &str, taken_at: i64) -> ManifestFile {
    ManifestFile {
        path: path.to_string(),
        manifest: Ok(Manifest {
            taken_at,
            database: "app".to_string(),
            git_commit: Some(HEAD.to_string()),
            bytes: 2_411_724,
            checksum: "ab12cd34ef56ab12cd34ef56".to_string(),
        }),
    }
}

pub(crate) fn manifest_json(path: &str, json: &str) -> ManifestFile {
    ManifestFile {
        path: path.to_string(),
        manifest: manifest::parse(json.as_bytes()),
    }
}

/// A pull request by `AUTHOR` on `HEAD` with no reviews, no body and no evidence.
pub(crate) fn facts() -> Facts {
    Facts {
        author: AUTHOR.to_string(),
        head_sha: HEAD.to_string(),
        base_sha: BASE.to_string(),
        head_committed_at: Some(COMMITTED),
        now: NOW,
        ..Facts::default()
    }
}

/// Two counted approvals (alice and bob, write access) and a backup line in the body.
pub(crate) fn approved_facts() -> Facts {
    Facts {
        reviews: Ok(vec![approved("alice", HEAD), approved("bob", HEAD)]),
        permissions: perms(&[("alice", Ok("write")), ("bob", Ok("write"))]),
        body: BODY_BACKUP.to_string(),
        ..facts()
    }
}

/// Two counted approvals, no backup evidence of any kind.
pub(crate) fn approved_no_backup() -> Facts {
    Facts {
        body: String::new(),
        ..approved_facts()
    }
}

pub(crate) fn gate_config(toml: &str) -> GateConfig {
    if toml.is_empty() {
        return GateConfig::default();
    }
    sqlgate::config::parse(toml, Path::new("sqlgate.toml"))
        .unwrap_or_else(|e| panic!("config does not parse: {e}\n{toml}"))
        .gate
}
