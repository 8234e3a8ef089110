//! Gate policy rows about the policy switches: `backup.required = false` and
//! `approvals = 0`.

use sqlgate::gate::Facts;

use crate::support::{approved_no_backup, changes, facts, BODY_BACKUP, HEAD};
use crate::table::Case;

pub(crate) fn cases() -> Vec<Case> {
    vec![
        // --- Policy switches --------------------------------------------------------------
        Case {
            name: "backup.required = false: backup never missing",
            config_toml: "[gate.backup]\nrequired = false\n",
            facts: Facts {
                artifacts: Some(Err("listing artifacts: GitHub answered 403".to_string())),
                ..approved_no_backup()
            },
            expect_status: "pass",
            expect_approved_by: &["alice", "bob"],
            expect_backup_required: false,
            ..Case::default()
        },
        Case {
            name: "backup.required = false still blocks on approvals",
            config_toml: "[gate.backup]\nrequired = false\n",
            expect_status: "blocked",
            expect_missing: &["approvals"],
            expect_backup_required: false,
            ..Case::default()
        },
        Case {
            name: "approvals = 0: approvals never missing",
            config_toml: "[gate]\napprovals = 0\n",
            facts: Facts {
                body: BODY_BACKUP.to_string(),
                ..facts()
            },
            expect_status: "pass",
            expect_evidence_kinds: &["pr-body"],
            expect_approvals_required: 0,
            ..Case::default()
        },
        Case {
            name: "approvals = 0: changes requested still blocks",
            config_toml: "[gate]\napprovals = 0\n",
            facts: Facts {
                reviews: Ok(vec![changes("carol", HEAD)]),
                body: BODY_BACKUP.to_string(),
                ..facts()
            },
            expect_status: "blocked",
            expect_missing: &["changes-requested"],
            expect_changes_requested_by: &["carol"],
            expect_evidence_kinds: &["pr-body"],
            expect_approvals_required: 0,
            ..Case::default()
        },
        Case {
            name: "approvals = 0 and backup not required: passes with nothing",
            config_toml: "[gate]\napprovals = 0\n[gate.backup]\nrequired = false\n",
            expect_status: "pass",
            expect_approvals_required: 0,
            expect_backup_required: false,
            ..Case::default()
        },
    ]
}
