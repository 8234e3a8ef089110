//! Gate policy rows: whether the gate applies at all (trigger findings or not), and a
//! trigger with nothing given.

use sqlgate::gate::Facts;

use crate::support::{facts, other, suppressed_not_counted, trigger};
use crate::table::Case;

pub(crate) fn cases() -> Vec<Case> {
    vec![
        // --- Whether the gate applies -----------------------------------------------------
        Case {
            name: "no trigger finding: pass, not required, even without reviews or backup",
            findings: vec![other(), other()],
            expect_status: "pass",
            expect_required: false,
            ..Case::default()
        },
        Case {
            name: "no findings at all: pass, not required",
            findings: vec![],
            facts: Facts {
                reviews: Err("listing reviews: GitHub answered 500".to_string()),
                problems: vec!["no token".to_string()],
                ..facts()
            },
            expect_status: "pass",
            expect_required: false,
            ..Case::default()
        },
        Case {
            name: "suppressed trigger with count-suppressed = false (gate cleared by the engine): pass",
            config_toml: "[gate]\ncount-suppressed = false\n",
            findings: vec![suppressed_not_counted(), other()],
            expect_status: "pass",
            expect_required: false,
            ..Case::default()
        },
        Case {
            name: "one trigger among other findings requires the gate",
            findings: vec![other(), trigger(), other()],
            expect_status: "blocked",
            expect_missing: &["approvals", "backup"],
            ..Case::default()
        },
        // --- Nothing given ---------------------------------------------------------------
        Case {
            name: "trigger, no approvals, no backup: blocked on approvals and backup",
            expect_status: "blocked",
            expect_missing: &["approvals", "backup"],
            expect_fixes: &[
                "`Backup: s3://YOUR-BUCKET/pre-migration-backup.dump`",
                "2 more approvals from people with write access on the head commit 9f2c1e4",
                "the author and bots do not count",
                "or name your backup workflow in gate.backup.workflows and have it upload an artifact named `pre-migration-backup*` from a successful run on 9f2c1e4",
                "merge backup metadata matching `backups/**/*.json` into the base branch first (taken within 7 days",
            ],
            expect_rejected: &[
                r"the pull request body has no line matching `(?mi)^backup:\s*(\S+)`",
                "no manifest matching `backups/**/*.json` is committed at the base commit abc1234",
                "artifacts count only from workflows named in gate.backup.workflows; none is named",
            ],
            ..Case::default()
        },
    ]
}
