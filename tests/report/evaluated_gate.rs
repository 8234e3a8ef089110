//! Snapshots of a report whose gate was evaluated against a pull request (blocked and
//! passed), in the Markdown, human, JSON and GitHub formats.

use sqlgate::finding::RunReport;
use sqlgate::report;

use crate::support::{sample, sources, NO_COLOR};

// ---------------------------------------------------------------- evaluated gate

const HEAD: &str = "2222222222222222222222222222222222222222";

fn review(id: u64, login: &str, state: &str, commit: &str) -> sqlgate::github::Review {
    sqlgate::github::Review {
        id,
        author: login.to_string(),
        author_is_bot: login.ends_with("[bot]"),
        state: state.to_string(),
        commit_id: Some(commit.to_string()),
        submitted_at: Some(format!("2026-11-21T10:0{id}:00Z")),
    }
}

/// The sample's findings with the gate evaluated against a pull request: `body` and the
/// reviews decide whether it passes.
fn gated(body: &str, reviews: Vec<sqlgate::github::Review>) -> RunReport {
    use sqlgate::gate::{self, manifest, Facts, ManifestFile};
    let mut report = sample();
    let facts = Facts {
        author: "alice".to_string(),
        head_sha: HEAD.to_string(),
        body: body.to_string(),
        reviews: Ok(reviews),
        permissions: [("bob", "write"), ("carol", "admin"), ("dave", "read")]
            .into_iter()
            .map(|(l, p)| (l.to_string(), Ok(p.to_string())))
            .collect(),
        manifests: vec![ManifestFile {
            path: "backups/backup_20261101_metadata.json".to_string(),
            manifest: manifest::parse(b"{\"timestamp\": \"2026-11-01T00:00:00Z\", \"database\": \"app\", \"size\": 0, \"sha256\": \"ab\"}"),
        }],
        artifacts: Some(Ok(vec![sqlgate::github::Artifact {
            id: 9,
            name: "pre-migration-backup".to_string(),
            expired: false,
            created_at: None,
            expires_at: None,
            head_sha: Some("1111111111111111111111111111111111111111".to_string()),
        }])),
        now: 1_795_165_920,
        ..Facts::default()
    };
    report.gate = gate::evaluate(
        &report.findings,
        &[],
        &sqlgate::config::GateConfig::default(),
        &facts,
    );
    report
}

fn gate_blocked() -> RunReport {
    gated(
        "Drops the old tables.\nBackup: TODO",
        vec![
            review(1, "bob", "APPROVED", HEAD),
            review(2, "alice", "APPROVED", HEAD),
            review(
                3,
                "carol",
                "APPROVED",
                "1111111111111111111111111111111111111111",
            ),
            review(4, "dave", "APPROVED", HEAD),
            review(5, "erin", "CHANGES_REQUESTED", HEAD),
        ],
    )
}

fn gate_passed() -> RunReport {
    gated(
        "Drops the old tables.\nBackup: s3://acme-backups/pre-drop.dump",
        vec![
            review(1, "bob", "APPROVED", HEAD),
            review(2, "carol", "APPROVED", HEAD),
            review(3, "renovate[bot]", "APPROVED", HEAD),
        ],
    )
}

#[test]
fn gate_blocked_markdown_snapshot() {
    insta::assert_snapshot!(report::markdown::render(&gate_blocked()));
}

#[test]
fn gate_passed_markdown_snapshot() {
    insta::assert_snapshot!(report::markdown::render(&gate_passed()));
}

#[test]
fn gate_blocked_human_snapshot() {
    insta::assert_snapshot!(report::human::render(
        &gate_blocked(),
        &sources(),
        &NO_COLOR
    ));
}

#[test]
fn gate_json_snapshot() {
    let blocked: serde_json::Value =
        serde_json::from_str(&report::json::render(&gate_blocked())).unwrap();
    let passed: serde_json::Value =
        serde_json::from_str(&report::json::render(&gate_passed())).unwrap();
    insta::assert_snapshot!(serde_json::to_string_pretty(&serde_json::json!({
        "blocked": blocked["gate"],
        "passed": passed["gate"],
    }))
    .unwrap());
}

#[test]
fn gate_github_snapshot() {
    let mut blocked = String::new();
    report::github::render(&gate_blocked(), &mut blocked);
    let mut passed = String::new();
    report::github::render(&gate_passed(), &mut passed);
    insta::assert_snapshot!(format!("{blocked}\n--- passed ---\n{passed}"));
}
