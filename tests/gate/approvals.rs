//! The gate's approvals end to end: how many count, and which do not (the author's, dismissed,
//! on an older commit, a bot's, without write access), and changes requested.

use serde_json::{json, Value};

use crate::support::{assert_verdict, drop_users, not_counted, review, short, strings, AUTHOR};

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
