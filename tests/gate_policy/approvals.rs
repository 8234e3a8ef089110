//! Gate policy rows about approvals: which reviews count (state, commit, author, bots,
//! write access), the allowed reviewers (`gate.reviewers` users and teams), and facts about
//! the reviews that could not be gathered; with the regression case of a failed team lookup.

use sqlgate::gate::Facts;

use crate::support::{
    approved, approved_facts, at, bot_approved, changes, commented, dismissed, facts, pending,
    perms, review, teams, AUTHOR, BODY_BACKUP, HEAD, OLD,
};
use crate::table::{run, Case};

pub(crate) fn cases() -> Vec<Case> {
    vec![
        // --- Approvals -------------------------------------------------------------------
        Case {
            name: "one write approval: approvals still missing",
            facts: Facts {
                reviews: Ok(vec![approved("alice", HEAD)]),
                permissions: perms(&[("alice", Ok("write"))]),
                body: BODY_BACKUP.to_string(),
                ..facts()
            },
            expect_status: "blocked",
            expect_missing: &["approvals"],
            expect_approved_by: &["alice"],
            expect_evidence_kinds: &["pr-body"],
            expect_fixes: &["1 more approval from people with write access"],
            ..Case::default()
        },
        Case {
            name: "two write approvals and a backup line: pass",
            facts: approved_facts(),
            expect_status: "pass",
            expect_approved_by: &["alice", "bob"],
            expect_evidence_kinds: &["pr-body"],
            ..Case::default()
        },
        Case {
            name: "the same reviewer approving twice counts once",
            facts: Facts {
                reviews: Ok(vec![approved("alice", HEAD), approved("Alice", HEAD)]),
                permissions: perms(&[("alice", Ok("write"))]),
                ..approved_facts()
            },
            expect_status: "blocked",
            expect_missing: &["approvals"],
            expect_approved_by: &["Alice"],
            expect_evidence_kinds: &["pr-body"],
            ..Case::default()
        },
        Case {
            name: "the author's approval does not count (login compared without case)",
            facts: Facts {
                reviews: Ok(vec![approved("Octo-Author", HEAD), approved("alice", HEAD)]),
                permissions: perms(&[("alice", Ok("write")), (AUTHOR, Ok("admin"))]),
                ..approved_facts()
            },
            expect_status: "blocked",
            expect_missing: &["approvals"],
            expect_approved_by: &["alice"],
            expect_not_counted: &[("Octo-Author", "is the author")],
            expect_evidence_kinds: &["pr-body"],
            ..Case::default()
        },
        Case {
            name: "approved then dismissed: the approval is cancelled",
            facts: Facts {
                reviews: Ok(vec![
                    approved("alice", HEAD),
                    approved("bob", HEAD),
                    dismissed("alice", HEAD),
                ]),
                ..approved_facts()
            },
            expect_status: "blocked",
            expect_missing: &["approvals"],
            expect_approved_by: &["bob"],
            expect_evidence_kinds: &["pr-body"],
            ..Case::default()
        },
        Case {
            name: "changes requested then dismissed: no longer blocks",
            facts: Facts {
                reviews: Ok(vec![
                    changes("carol", HEAD),
                    approved("alice", HEAD),
                    dismissed("carol", HEAD),
                    approved("bob", HEAD),
                ]),
                ..approved_facts()
            },
            expect_status: "pass",
            expect_approved_by: &["alice", "bob"],
            expect_evidence_kinds: &["pr-body"],
            ..Case::default()
        },
        Case {
            name: "changes requested then approved by the same reviewer: counts",
            facts: Facts {
                reviews: Ok(vec![
                    changes("alice", OLD),
                    approved("alice", HEAD),
                    approved("bob", HEAD),
                ]),
                ..approved_facts()
            },
            expect_status: "pass",
            expect_approved_by: &["alice", "bob"],
            expect_evidence_kinds: &["pr-body"],
            forbid: &["changes-requested"],
            ..Case::default()
        },
        Case {
            name: "approved then changes requested: changes-requested blocks",
            facts: Facts {
                reviews: Ok(vec![
                    approved("alice", HEAD),
                    approved("bob", HEAD),
                    changes("alice", HEAD),
                ]),
                ..approved_facts()
            },
            expect_status: "blocked",
            expect_missing: &["approvals", "changes-requested"],
            expect_approved_by: &["bob"],
            expect_changes_requested_by: &["alice"],
            expect_evidence_kinds: &["pr-body"],
            expect_fixes: &["@alice requested changes"],
            ..Case::default()
        },
        Case {
            name: "enough approvals but a third reviewer requests changes: only changes-requested",
            facts: Facts {
                reviews: Ok(vec![
                    approved("alice", HEAD),
                    approved("bob", HEAD),
                    changes("carol", HEAD),
                ]),
                ..approved_facts()
            },
            expect_status: "blocked",
            expect_missing: &["changes-requested"],
            expect_approved_by: &["alice", "bob"],
            expect_changes_requested_by: &["carol"],
            expect_evidence_kinds: &["pr-body"],
            expect_fixes: &["@carol requested changes"],
            ..Case::default()
        },
        Case {
            name: "changes requested by a reviewer with read access: not counted",
            facts: Facts {
                reviews: Ok(vec![
                    approved("alice", HEAD),
                    approved("bob", HEAD),
                    changes("mallory", HEAD),
                ]),
                permissions: perms(&[
                    ("alice", Ok("write")),
                    ("bob", Ok("write")),
                    ("mallory", Ok("read")),
                ]),
                ..approved_facts()
            },
            expect_status: "pass",
            expect_approved_by: &["alice", "bob"],
            expect_not_counted: &[("mallory", "requested changes with read access, not write")],
            expect_evidence_kinds: &["pr-body"],
            forbid: &["changes-requested"],
            ..Case::default()
        },
        Case {
            name: "changes requested by someone without access to the repository: not counted",
            facts: Facts {
                reviews: Ok(vec![
                    approved("alice", HEAD),
                    approved("bob", HEAD),
                    changes("drive-by", HEAD),
                ]),
                permissions: perms(&[
                    ("alice", Ok("write")),
                    ("bob", Ok("write")),
                    ("drive-by", Ok("none")),
                ]),
                ..approved_facts()
            },
            expect_status: "pass",
            expect_approved_by: &["alice", "bob"],
            expect_not_counted: &[("drive-by", "without access to the repository")],
            expect_evidence_kinds: &["pr-body"],
            ..Case::default()
        },
        Case {
            name: "changes requested by a reviewer whose access cannot be checked: blocks",
            facts: Facts {
                reviews: Ok(vec![
                    approved("alice", HEAD),
                    approved("bob", HEAD),
                    changes("carol", HEAD),
                ]),
                permissions: perms(&[
                    ("alice", Ok("write")),
                    ("bob", Ok("write")),
                    (
                        "carol",
                        Err("GitHub answered 502 reading carol's permission"),
                    ),
                ]),
                ..approved_facts()
            },
            expect_status: "blocked",
            expect_missing: &["changes-requested", "error"],
            expect_approved_by: &["alice", "bob"],
            expect_changes_requested_by: &["carol"],
            expect_evidence_kinds: &["pr-body"],
            expect_errors: &["502 reading carol's permission"],
            ..Case::default()
        },
        Case {
            name: "gate.changes-requested = anyone: a read-only reviewer's request blocks",
            config_toml: "[gate]\nchanges-requested = \"anyone\"\n",
            facts: Facts {
                reviews: Ok(vec![
                    approved("alice", HEAD),
                    approved("bob", HEAD),
                    changes("mallory", HEAD),
                ]),
                permissions: perms(&[
                    ("alice", Ok("write")),
                    ("bob", Ok("write")),
                    ("mallory", Ok("read")),
                ]),
                ..approved_facts()
            },
            expect_status: "blocked",
            expect_missing: &["changes-requested"],
            expect_approved_by: &["alice", "bob"],
            expect_changes_requested_by: &["mallory"],
            expect_evidence_kinds: &["pr-body"],
            expect_fixes: &["@mallory requested changes"],
            ..Case::default()
        },
        Case {
            name: "a comment or a pending review after an approval changes nothing",
            facts: Facts {
                reviews: Ok(vec![
                    approved("alice", HEAD),
                    commented("alice", HEAD),
                    approved("bob", HEAD),
                    pending("bob", HEAD),
                    commented("carol", HEAD),
                ]),
                ..approved_facts()
            },
            expect_status: "pass",
            expect_approved_by: &["alice", "bob"],
            expect_evidence_kinds: &["pr-body"],
            ..Case::default()
        },
        Case {
            name: "submitted_at decides the latest state over list order (changes last)",
            facts: Facts {
                reviews: Ok(vec![
                    at(changes("alice", HEAD), "2026-11-20T09:00:00Z"),
                    at(approved("alice", HEAD), "2026-11-20T08:00:00Z"),
                    at(approved("bob", HEAD), "2026-11-20T08:30:00Z"),
                ]),
                ..approved_facts()
            },
            expect_status: "blocked",
            expect_missing: &["approvals", "changes-requested"],
            expect_approved_by: &["bob"],
            expect_changes_requested_by: &["alice"],
            expect_evidence_kinds: &["pr-body"],
            ..Case::default()
        },
        Case {
            name: "submitted_at decides the latest state over list order (approval last)",
            facts: Facts {
                reviews: Ok(vec![
                    at(approved("alice", HEAD), "2026-11-20T09:00:00Z"),
                    at(changes("alice", HEAD), "2026-11-20T08:00:00Z"),
                    at(approved("bob", HEAD), "2026-11-20T08:30:00Z"),
                ]),
                ..approved_facts()
            },
            expect_status: "pass",
            expect_approved_by: &["alice", "bob"],
            expect_evidence_kinds: &["pr-body"],
            ..Case::default()
        },
        Case {
            name: "approval of an older commit does not count with approval-on-head (default)",
            facts: Facts {
                reviews: Ok(vec![approved("alice", OLD), approved("bob", HEAD)]),
                ..approved_facts()
            },
            expect_status: "blocked",
            expect_missing: &["approvals"],
            expect_approved_by: &["bob"],
            expect_not_counted: &[(
                "alice",
                "approved an older commit 1111111, not the head 9f2c1e4",
            )],
            expect_evidence_kinds: &["pr-body"],
            expect_fixes: &["@alice approved before the last push and must approve again"],
            ..Case::default()
        },
        Case {
            name: "approval of an older commit counts with approval-on-head = false",
            config_toml: "[gate]\napproval-on-head = false\n",
            facts: Facts {
                reviews: Ok(vec![approved("alice", OLD), approved("bob", HEAD)]),
                ..approved_facts()
            },
            expect_status: "pass",
            expect_approved_by: &["alice", "bob"],
            expect_evidence_kinds: &["pr-body"],
            ..Case::default()
        },
        Case {
            name: "approval without a commit does not count with approval-on-head",
            facts: Facts {
                reviews: Ok(vec![
                    review("alice", "APPROVED", None),
                    approved("bob", HEAD),
                ]),
                ..approved_facts()
            },
            expect_status: "blocked",
            expect_missing: &["approvals"],
            expect_approved_by: &["bob"],
            expect_not_counted: &[("alice", "approved an unknown commit")],
            expect_evidence_kinds: &["pr-body"],
            ..Case::default()
        },
        Case {
            name: "head SHA compared without case",
            facts: Facts {
                reviews: Ok(vec![
                    approved("alice", &HEAD.to_ascii_uppercase()),
                    approved("bob", HEAD),
                ]),
                ..approved_facts()
            },
            expect_status: "pass",
            expect_approved_by: &["alice", "bob"],
            expect_evidence_kinds: &["pr-body"],
            ..Case::default()
        },
        Case {
            name: "bot approvals do not count (user.type Bot, and a login ending in [bot])",
            facts: Facts {
                reviews: Ok(vec![
                    bot_approved("renovate"),
                    approved("dependabot[bot]", HEAD),
                    approved("alice", HEAD),
                ]),
                permissions: perms(&[
                    ("alice", Ok("write")),
                    ("renovate", Ok("write")),
                    ("dependabot[bot]", Ok("write")),
                ]),
                ..approved_facts()
            },
            expect_status: "blocked",
            expect_missing: &["approvals"],
            expect_approved_by: &["alice"],
            expect_not_counted: &[("renovate", "is a bot"), ("dependabot[bot]", "is a bot")],
            expect_evidence_kinds: &["pr-body"],
            ..Case::default()
        },
        Case {
            name: "read and triage access do not count",
            facts: Facts {
                reviews: Ok(vec![
                    approved("alice", HEAD),
                    approved("bob", HEAD),
                    approved("dave", HEAD),
                ]),
                permissions: perms(&[
                    ("alice", Ok("write")),
                    ("bob", Ok("read")),
                    ("dave", Ok("triage")),
                ]),
                ..approved_facts()
            },
            expect_status: "blocked",
            expect_missing: &["approvals"],
            expect_approved_by: &["alice"],
            expect_not_counted: &[
                ("bob", "has read access, not write"),
                ("dave", "has triage access, not write"),
            ],
            expect_evidence_kinds: &["pr-body"],
            ..Case::default()
        },
        Case {
            name: "maintain and admin access count",
            facts: Facts {
                reviews: Ok(vec![approved("alice", HEAD), approved("bob", HEAD)]),
                permissions: perms(&[("alice", Ok("maintain")), ("bob", Ok("admin"))]),
                ..approved_facts()
            },
            expect_status: "pass",
            expect_approved_by: &["alice", "bob"],
            expect_evidence_kinds: &["pr-body"],
            ..Case::default()
        },
        Case {
            name: "a permission lookup that failed is an error and does not count",
            facts: Facts {
                permissions: perms(&[
                    ("alice", Ok("write")),
                    ("bob", Err("reading bob's permission: GitHub answered 403")),
                ]),
                ..approved_facts()
            },
            expect_status: "blocked",
            expect_missing: &["approvals", "error"],
            expect_approved_by: &["alice"],
            expect_not_counted: &[("bob", "write access could not be checked")],
            expect_errors: &["reading bob's permission: GitHub answered 403"],
            expect_evidence_kinds: &["pr-body"],
            ..Case::default()
        },
        Case {
            name: "a permission never looked up does not count",
            facts: Facts {
                permissions: perms(&[("alice", Ok("write"))]),
                ..approved_facts()
            },
            expect_status: "blocked",
            expect_missing: &["approvals"],
            expect_approved_by: &["alice"],
            expect_not_counted: &[("bob", "write access is unknown")],
            expect_evidence_kinds: &["pr-body"],
            ..Case::default()
        },
        // --- Allowed reviewers -----------------------------------------------------------
        Case {
            name: "reviewers.users: an unlisted writer does not count, the listed user does",
            config_toml: "[gate]\napprovals = 1\n[gate.reviewers]\nusers = [\"dba-lead\"]\n",
            facts: Facts {
                reviews: Ok(vec![approved("alice", HEAD), approved("DBA-Lead", HEAD)]),
                permissions: perms(&[("alice", Ok("write")), ("dba-lead", Ok("write"))]),
                ..approved_facts()
            },
            expect_status: "pass",
            expect_approved_by: &["DBA-Lead"],
            expect_not_counted: &[(
                "alice",
                "is not one of the gate's reviewers (`gate.reviewers`)",
            )],
            expect_evidence_kinds: &["pr-body"],
            expect_approvals_required: 1,
            ..Case::default()
        },
        Case {
            name: "reviewers.users: only unlisted writers approve, the fix names the reviewers",
            config_toml: "[gate.reviewers]\nusers = [\"dba-lead\"]\nteams = [\"acme/dba\"]\n",
            facts: Facts {
                team_members: teams(&[
                    ("acme/dba", "alice", Ok(false)),
                    ("acme/dba", "bob", Ok(false)),
                ]),
                ..approved_facts()
            },
            expect_status: "blocked",
            expect_missing: &["approvals"],
            expect_not_counted: &[
                ("alice", "is not one of the gate's reviewers"),
                ("bob", "is not one of the gate's reviewers"),
            ],
            expect_evidence_kinds: &["pr-body"],
            expect_fixes: &[
                "2 more approvals from @dba-lead or members of @acme/dba (with write access)",
            ],
            ..Case::default()
        },
        Case {
            name: "reviewers.teams: a team member with write counts",
            config_toml: "[gate.reviewers]\nusers = [\"dba-lead\"]\nteams = [\"acme/dba\"]\n",
            facts: Facts {
                reviews: Ok(vec![approved("alice", HEAD), approved("dba-lead", HEAD)]),
                permissions: perms(&[("alice", Ok("write")), ("dba-lead", Ok("write"))]),
                team_members: teams(&[("acme/dba", "alice", Ok(true))]),
                ..approved_facts()
            },
            expect_status: "pass",
            expect_approved_by: &["alice", "dba-lead"],
            expect_evidence_kinds: &["pr-body"],
            ..Case::default()
        },
        Case {
            name: "reviewers.teams: a team member with read access does not count",
            config_toml: "[gate]\napprovals = 1\n[gate.reviewers]\nteams = [\"acme/dba\"]\n",
            facts: Facts {
                reviews: Ok(vec![approved("alice", HEAD)]),
                permissions: perms(&[("alice", Ok("read"))]),
                team_members: teams(&[("acme/dba", "alice", Ok(true))]),
                ..approved_facts()
            },
            expect_status: "blocked",
            expect_missing: &["approvals"],
            expect_not_counted: &[("alice", "has read access")],
            expect_evidence_kinds: &["pr-body"],
            expect_approvals_required: 1,
            ..Case::default()
        },
        Case {
            name: "reviewers.teams: a failed team lookup is an error",
            config_toml: "[gate.reviewers]\nusers = [\"dba-lead\"]\nteams = [\"acme/dba\"]\n",
            facts: Facts {
                reviews: Ok(vec![approved("alice", HEAD), approved("dba-lead", HEAD)]),
                permissions: perms(&[("alice", Ok("write")), ("dba-lead", Ok("write"))]),
                team_members: teams(&[("acme/dba", "alice", Err("team acme/dba: needs read:org"))]),
                ..approved_facts()
            },
            expect_status: "blocked",
            expect_missing: &["approvals", "error"],
            expect_approved_by: &["dba-lead"],
            expect_not_counted: &[("alice", "team membership could not be checked")],
            expect_errors: &["team acme/dba: needs read:org"],
            expect_evidence_kinds: &["pr-body"],
            ..Case::default()
        },
        Case {
            name: "reviewers.teams: a membership never looked up does not count",
            config_toml: "[gate]\napprovals = 1\n[gate.reviewers]\nteams = [\"acme/dba\"]\n",
            facts: Facts {
                reviews: Ok(vec![approved("alice", HEAD)]),
                permissions: perms(&[("alice", Ok("write"))]),
                ..approved_facts()
            },
            expect_status: "blocked",
            expect_missing: &["approvals"],
            expect_not_counted: &[("alice", "team membership could not be checked")],
            expect_evidence_kinds: &["pr-body"],
            expect_approvals_required: 1,
            ..Case::default()
        },
        Case {
            name: "reviewers.teams: membership of the first team is enough",
            config_toml:
                "[gate]\napprovals = 1\n[gate.reviewers]\nteams = [\"acme/dba\", \"acme/ops\"]\n",
            facts: Facts {
                reviews: Ok(vec![approved("alice", HEAD)]),
                permissions: perms(&[("alice", Ok("write"))]),
                team_members: teams(&[
                    ("acme/dba", "alice", Ok(true)),
                    (
                        "acme/ops",
                        "alice",
                        Err("team acme/ops: GitHub answered 500"),
                    ),
                ]),
                ..approved_facts()
            },
            expect_status: "pass",
            expect_approved_by: &["alice"],
            expect_evidence_kinds: &["pr-body"],
            expect_approvals_required: 1,
            ..Case::default()
        },
        // --- Facts that could not be gathered ---------------------------------------------
        Case {
            name: "reviews could not be listed: blocked on approvals and error",
            facts: Facts {
                reviews: Err("listing reviews: GitHub answered 500: re-run the job".to_string()),
                ..approved_facts()
            },
            expect_status: "blocked",
            expect_missing: &["approvals", "error"],
            expect_errors: &["GitHub answered 500"],
            expect_evidence_kinds: &["pr-body"],
            ..Case::default()
        },
        Case {
            name: "a problem gathering facts (no token) blocks with error",
            facts: Facts {
                problems: vec!["no GitHub token: set GITHUB_TOKEN".to_string()],
                ..approved_facts()
            },
            expect_status: "blocked",
            expect_missing: &["error"],
            expect_approved_by: &["alice", "bob"],
            expect_evidence_kinds: &["pr-body"],
            expect_errors: &["no GitHub token"],
            ..Case::default()
        },
    ]
}

/// Regression: a failed lookup of one team must not block when another team proves membership.
fn team_error_with_proven_membership_case() -> Case {
    Case {
        name: "reviewers.teams: membership proven in one team, lookup failed in an earlier one",
        config_toml:
            "[gate]\napprovals = 1\n[gate.reviewers]\nteams = [\"acme/ops\", \"acme/dba\"]\n",
        facts: Facts {
            reviews: Ok(vec![approved("alice", HEAD)]),
            permissions: perms(&[("alice", Ok("write"))]),
            team_members: teams(&[
                (
                    "acme/ops",
                    "alice",
                    Err("team acme/ops: GitHub answered 500"),
                ),
                ("acme/dba", "alice", Ok(true)),
            ]),
            ..approved_facts()
        },
        // The facts of "membership of the first team is enough" with the teams listed the
        // other way round: the verdict must not depend on the order of the list.
        expect_status: "pass",
        expect_approved_by: &["alice"],
        expect_evidence_kinds: &["pr-body"],
        expect_approvals_required: 1,
        ..Case::default()
    }
}

#[test]
fn a_failed_team_lookup_does_not_matter_when_another_team_proves_membership() {
    run(vec![team_error_with_proven_membership_case()]);
}
