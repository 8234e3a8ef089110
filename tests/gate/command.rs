//! The rest of `sqlgate gate`: a pull request that nothing triggers, the
//! `pull_request_review` payload, the human format, and input files that are bad.

use serde_json::json;

use crate::backup::NO_BACKUP_BODY;
use crate::common::sqlgate;
use crate::support::{assert_verdict, drop_users, pull_request_with, Run, AUTHOR};

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
