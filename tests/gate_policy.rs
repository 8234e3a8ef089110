//! The merge gate's policy, table-driven: `sqlgate::gate::evaluate` over findings, a
//! `[gate]` config and the facts gathered about a pull request (DESIGN.md §5). Every row
//! is evaluated and every failing row is reported by name.

use std::collections::HashMap;
use std::path::Path;

use sqlgate::config::GateConfig;
use sqlgate::finding::{Category, Finding, Severity};
use sqlgate::gate::manifest::{self, Manifest};
use sqlgate::gate::{evaluate, Facts, GateSummary, ManifestFile};
use sqlgate::github::{Artifact, Review};
use sqlgate::source::Position;

/// 2026-11-20T09:12:00Z.
const NOW: i64 = 1_795_165_920;
const DAY: i64 = 86_400;
const HEAD: &str = "9f2c1e4a7b3d5c6e8f90a1b2c3d4e5f6a7b8c9d0";
const OLD: &str = "1111111aaaaaaabbbbbbbcccccccdddddddeeeee";
const AUTHOR: &str = "octo-author";
const BODY_BACKUP: &str = "Drops the legacy table.\n\nBackup: s3://b/x.dump\n";

// ---------------------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------------------

fn finding(gate: bool) -> Finding {
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
fn trigger() -> Finding {
    finding(true)
}

/// A finding outside `gate.triggers`.
fn other() -> Finding {
    finding(false)
}

/// A suppressed trigger finding with `count-suppressed = false`: the engine clears `gate`.
fn suppressed_not_counted() -> Finding {
    Finding {
        suppressed: true,
        ..finding(false)
    }
}

fn review(login: &str, state: &str, commit: Option<&str>) -> Review {
    Review {
        id: 1,
        author: login.to_string(),
        author_is_bot: false,
        state: state.to_string(),
        commit_id: commit.map(str::to_string),
        submitted_at: None,
    }
}

fn approved(login: &str, commit: &str) -> Review {
    review(login, "APPROVED", Some(commit))
}

fn changes(login: &str, commit: &str) -> Review {
    review(login, "CHANGES_REQUESTED", Some(commit))
}

fn dismissed(login: &str, commit: &str) -> Review {
    review(login, "DISMISSED", Some(commit))
}

fn commented(login: &str, commit: &str) -> Review {
    review(login, "COMMENTED", Some(commit))
}

fn pending(login: &str, commit: &str) -> Review {
    review(login, "PENDING", Some(commit))
}

/// An approval on the head by an account GitHub marks as a bot (`user.type == "Bot"`).
fn bot_approved(login: &str) -> Review {
    Review {
        author_is_bot: true,
        ..approved(login, HEAD)
    }
}

fn at(review: Review, submitted_at: &str) -> Review {
    Review {
        submitted_at: Some(submitted_at.to_string()),
        ..review
    }
}

fn perms(entries: &[(&str, Result<&str, &str>)]) -> HashMap<String, Result<String, String>> {
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

fn teams(
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

fn artifact(name: &str, sha: Option<&str>, expired: bool, expires_at: Option<&str>) -> Artifact {
    Artifact {
        id: 4242,
        name: name.to_string(),
        expired,
        created_at: Some("2026-11-20T08:00:00Z".to_string()),
        expires_at: expires_at.map(str::to_string),
        head_sha: sha.map(str::to_string),
    }
}

fn manifest_taken(path: &str, taken_at: i64) -> ManifestFile {
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

fn manifest_json(path: &str, json: &str) -> ManifestFile {
    ManifestFile {
        path: path.to_string(),
        manifest: manifest::parse(json.as_bytes()),
    }
}

/// A pull request by `AUTHOR` on `HEAD` with no reviews, no body and no evidence.
fn facts() -> Facts {
    Facts {
        author: AUTHOR.to_string(),
        head_sha: HEAD.to_string(),
        now: NOW,
        ..Facts::default()
    }
}

/// Two counted approvals (alice and bob, write access) and a backup line in the body.
fn approved_facts() -> Facts {
    Facts {
        reviews: Ok(vec![approved("alice", HEAD), approved("bob", HEAD)]),
        permissions: perms(&[("alice", Ok("write")), ("bob", Ok("write"))]),
        body: BODY_BACKUP.to_string(),
        ..facts()
    }
}

/// Two counted approvals, no backup evidence of any kind.
fn approved_no_backup() -> Facts {
    Facts {
        body: String::new(),
        ..approved_facts()
    }
}

fn gate_config(toml: &str) -> GateConfig {
    if toml.is_empty() {
        return GateConfig::default();
    }
    sqlgate::config::parse(toml, Path::new("sqlgate.toml"))
        .unwrap_or_else(|e| panic!("config does not parse: {e}\n{toml}"))
        .gate
}

// ---------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------

struct Case {
    name: &'static str,
    /// `sqlgate.toml` text; empty for `GateConfig::default()`.
    config_toml: &'static str,
    findings: Vec<Finding>,
    facts: Facts,
    expect_status: &'static str,
    expect_required: bool,
    expect_missing: &'static [&'static str],
    /// Exactly, in order (only checked when the gate is required).
    expect_approved_by: &'static [&'static str],
    /// Exactly, in order.
    expect_changes_requested_by: &'static [&'static str],
    /// Kinds of the backup evidence, exactly, in order.
    expect_evidence_kinds: &'static [&'static str],
    /// `(login, substring of the reason)`, each found in `approvals.not_counted`.
    expect_not_counted: &'static [(&'static str, &'static str)],
    /// Substrings, each found in some `"{kind} {source} {detail}"` of the evidence.
    expect_evidence: &'static [&'static str],
    /// Substrings, each found in some `backup.rejected` entry.
    expect_rejected: &'static [&'static str],
    /// Substrings, each found in some `fixes` entry.
    expect_fixes: &'static [&'static str],
    /// Substrings, each found in some `errors` entry.
    expect_errors: &'static [&'static str],
    /// Substrings that must appear nowhere in the JSON of the summary.
    forbid: &'static [&'static str],
    expect_approvals_required: u32,
    expect_backup_required: bool,
}

impl Default for Case {
    fn default() -> Self {
        Case {
            name: "",
            config_toml: "",
            findings: vec![trigger()],
            facts: facts(),
            // Deliberately not a status: a row must say what it expects.
            expect_status: "<unset>",
            expect_required: true,
            expect_missing: &[],
            expect_approved_by: &[],
            expect_changes_requested_by: &[],
            expect_evidence_kinds: &[],
            expect_not_counted: &[],
            expect_evidence: &[],
            expect_rejected: &[],
            expect_fixes: &[],
            expect_errors: &[],
            forbid: &[],
            expect_approvals_required: 2,
            expect_backup_required: true,
        }
    }
}

fn cases() -> Vec<Case> {
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
                "upload a workflow artifact named `pre-migration-backup*` from a run on 9f2c1e4",
                "commit backup metadata matching `backups/**/*.json` (taken within 7 days",
            ],
            expect_rejected: &[
                r"the pull request body has no line matching `(?mi)^backup:\s*(\S+)`",
                "no committed manifest matches `backups/**/*.json`",
            ],
            ..Case::default()
        },
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
            expect_not_counted: &[("alice", "approved an older commit 1111111, not the head 9f2c1e4")],
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
                reviews: Ok(vec![review("alice", "APPROVED", None), approved("bob", HEAD)]),
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
            expect_not_counted: &[("alice", "is not one of the gate's reviewers (`gate.reviewers`)")],
            expect_evidence_kinds: &["pr-body"],
            expect_approvals_required: 1,
            ..Case::default()
        },
        Case {
            name: "reviewers.users: only unlisted writers approve, the fix names the reviewers",
            config_toml: "[gate.reviewers]\nusers = [\"dba-lead\"]\nteams = [\"acme/dba\"]\n",
            facts: Facts {
                team_members: teams(&[("acme/dba", "alice", Ok(false)), ("acme/dba", "bob", Ok(false))]),
                ..approved_facts()
            },
            expect_status: "blocked",
            expect_missing: &["approvals"],
            expect_not_counted: &[
                ("alice", "is not one of the gate's reviewers"),
                ("bob", "is not one of the gate's reviewers"),
            ],
            expect_evidence_kinds: &["pr-body"],
            expect_fixes: &["2 more approvals from @dba-lead or members of @acme/dba (with write access)"],
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
            config_toml: "[gate]\napprovals = 1\n[gate.reviewers]\nteams = [\"acme/dba\", \"acme/ops\"]\n",
            facts: Facts {
                reviews: Ok(vec![approved("alice", HEAD)]),
                permissions: perms(&[("alice", Ok("write"))]),
                team_members: teams(&[
                    ("acme/dba", "alice", Ok(true)),
                    ("acme/ops", "alice", Err("team acme/ops: GitHub answered 500")),
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
                body: "Backup: <gs://b/x.dump>\nBackup: https://backups.example.com/x.dump.\n"
                    .to_string(),
                ..approved_facts()
            },
            expect_status: "pass",
            expect_approved_by: &["alice", "bob"],
            expect_evidence_kinds: &["pr-body", "pr-body"],
            expect_evidence: &["pr-body gs://b/x.dump ", "pr-body https://backups.example.com/x.dump "],
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
        // --- Backup: workflow artifacts ---------------------------------------------------
        Case {
            name: "artifact on the head, not expired: artifact evidence",
            facts: Facts {
                artifacts: Some(Ok(vec![artifact(
                    "pre-migration-backup-2026-11-20",
                    Some(HEAD),
                    false,
                    Some("2026-12-01T00:00:00Z"),
                )])),
                ..approved_no_backup()
            },
            expect_status: "pass",
            expect_approved_by: &["alice", "bob"],
            expect_evidence_kinds: &["artifact"],
            expect_evidence: &["workflow artifact `pre-migration-backup-2026-11-20` (id 4242) from a run on the head 9f2c1e4"],
            ..Case::default()
        },
        Case {
            name: "artifact from another commit is rejected",
            facts: Facts {
                artifacts: Some(Ok(vec![artifact("pre-migration-backup", Some(OLD), false, None)])),
                ..approved_no_backup()
            },
            expect_status: "blocked",
            expect_missing: &["backup"],
            expect_approved_by: &["alice", "bob"],
            expect_rejected: &["artifact `pre-migration-backup` comes from a run on commit 1111111, not the head 9f2c1e4"],
            ..Case::default()
        },
        Case {
            name: "artifact without a head SHA is rejected",
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
            name: "artifact marked expired is rejected",
            facts: Facts {
                artifacts: Some(Ok(vec![artifact("pre-migration-backup", Some(HEAD), true, None)])),
                ..approved_no_backup()
            },
            expect_status: "blocked",
            expect_missing: &["backup"],
            expect_approved_by: &["alice", "bob"],
            expect_rejected: &["artifact `pre-migration-backup` has expired"],
            ..Case::default()
        },
        Case {
            name: "artifact whose expires_at is past is rejected",
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
            expect_rejected: &["artifact `pre-migration-backup` has expired"],
            ..Case::default()
        },
        Case {
            name: "artifact with another name is not evidence",
            facts: Facts {
                artifacts: Some(Ok(vec![artifact("db-dump", Some(HEAD), false, None)])),
                ..approved_no_backup()
            },
            expect_status: "blocked",
            expect_missing: &["backup"],
            expect_approved_by: &["alice", "bob"],
            expect_rejected: &["no workflow artifact is named `pre-migration-backup*`"],
            ..Case::default()
        },
        Case {
            name: "artifacts could not be listed and nothing else proves a backup: error",
            facts: Facts {
                artifacts: Some(Err("listing artifacts: GitHub answered 403".to_string())),
                ..approved_no_backup()
            },
            expect_status: "blocked",
            expect_missing: &["backup", "error"],
            expect_approved_by: &["alice", "bob"],
            expect_errors: &["listing artifacts: GitHub answered 403"],
            ..Case::default()
        },
        Case {
            name: "artifacts could not be listed but the body proves a backup: no error",
            facts: Facts {
                artifacts: Some(Err("listing artifacts: GitHub answered 403".to_string())),
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
                "backup of `app` at commit 9f2c1e4 taken 2 days ago, 2.4 MB, checksum ab12cd34ef56ab12…",
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
                "`backups/2026-11-10.json` records a backup taken 10 days ago, older than max-age-days = 7",
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
            expect_rejected: &["`backups/next.json` records a backup taken in the future"],
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
            expect_rejected: &["`backups/empty.json` records a size of 0 bytes: the backup is empty"],
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
            expect_rejected: &["`backups/broken.json` is not valid JSON ("],
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
            expect_rejected: &["`backups/broken.json` is not valid JSON"],
            ..Case::default()
        },
        Case {
            name: "every kind of evidence at once, in order body, manifest, artifact",
            facts: Facts {
                manifests: vec![manifest_taken("backups/good.json", NOW - DAY)],
                artifacts: Some(Ok(vec![artifact("pre-migration-backup", Some(HEAD), false, None)])),
                ..approved_facts()
            },
            expect_status: "pass",
            expect_approved_by: &["alice", "bob"],
            expect_evidence_kinds: &["pr-body", "manifest", "artifact"],
            ..Case::default()
        },
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

// ---------------------------------------------------------------------------------------
// The loop
// ---------------------------------------------------------------------------------------

fn check(case: &Case) -> Vec<String> {
    let mut problems = Vec::new();
    let config = gate_config(case.config_toml);
    let summary = evaluate(&case.findings, &config, &case.facts);
    let mut expect = |ok: bool, what: String| {
        if !ok {
            problems.push(what);
        }
    };

    // Pure: the same inputs give the same answer.
    let again = evaluate(&case.findings, &config, &case.facts);
    expect(again == summary, "a second evaluation differs".to_string());

    expect(
        summary.status == case.expect_status,
        format!(
            "status {:?}, expected {:?}",
            summary.status, case.expect_status
        ),
    );
    expect(
        summary.required == case.expect_required,
        format!(
            "required {}, expected {}",
            summary.required, case.expect_required
        ),
    );
    expect(
        summary.missing == case.expect_missing,
        format!(
            "missing {:?}, expected {:?}",
            summary.missing, case.expect_missing
        ),
    );
    invariants(&summary, &mut expect);

    let approved_by: Vec<&str> = summary
        .approvals
        .as_ref()
        .map(|a| a.approved_by.iter().map(String::as_str).collect())
        .unwrap_or_default();
    expect(
        approved_by == case.expect_approved_by,
        format!(
            "approved_by {approved_by:?}, expected {:?}",
            case.expect_approved_by
        ),
    );
    let changes_by: Vec<&str> = summary
        .approvals
        .as_ref()
        .map(|a| a.changes_requested_by.iter().map(String::as_str).collect())
        .unwrap_or_default();
    expect(
        changes_by == case.expect_changes_requested_by,
        format!(
            "changes_requested_by {changes_by:?}, expected {:?}",
            case.expect_changes_requested_by
        ),
    );
    if let Some(approvals) = &summary.approvals {
        expect(
            approvals.required == case.expect_approvals_required,
            format!(
                "approvals.required {}, expected {}",
                approvals.required, case.expect_approvals_required
            ),
        );
    }
    let not_counted: Vec<(&str, &str)> = summary
        .approvals
        .as_ref()
        .map(|a| {
            a.not_counted
                .iter()
                .map(|n| (n.login.as_str(), n.reason.as_str()))
                .collect()
        })
        .unwrap_or_default();
    for (login, reason) in case.expect_not_counted {
        expect(
            not_counted
                .iter()
                .any(|(l, r)| l == login && r.contains(reason)),
            format!("not_counted has no ({login:?}, …{reason:?}…): {not_counted:?}"),
        );
    }
    for (login, _) in &not_counted {
        expect(
            !approved_by.contains(login),
            format!("{login} is both approved and not counted"),
        );
    }

    let kinds: Vec<&str> = summary
        .backup
        .as_ref()
        .map(|b| b.evidence.iter().map(|e| e.kind).collect())
        .unwrap_or_default();
    expect(
        kinds == case.expect_evidence_kinds,
        format!(
            "evidence kinds {kinds:?}, expected {:?}",
            case.expect_evidence_kinds
        ),
    );
    if let Some(backup) = &summary.backup {
        expect(
            backup.required == case.expect_backup_required,
            format!(
                "backup.required {}, expected {}",
                backup.required, case.expect_backup_required
            ),
        );
    }
    let evidence: Vec<String> = summary
        .backup
        .as_ref()
        .map(|b| {
            b.evidence
                .iter()
                .map(|e| format!("{} {} {}", e.kind, e.source, e.detail))
                .collect()
        })
        .unwrap_or_default();
    contains_each("evidence", &evidence, case.expect_evidence, &mut expect);
    let rejected = summary
        .backup
        .as_ref()
        .map(|b| b.rejected.clone())
        .unwrap_or_default();
    contains_each("rejected", &rejected, case.expect_rejected, &mut expect);
    contains_each("fixes", &summary.fixes, case.expect_fixes, &mut expect);
    contains_each("errors", &summary.errors, case.expect_errors, &mut expect);

    let json = serde_json::to_string(&summary).unwrap_or_default();
    for text in case.forbid {
        expect(
            !json.contains(text),
            format!("the summary mentions {text:?}: {json}"),
        );
    }

    if !problems.is_empty() {
        problems.push(format!("summary: {summary:#?}"));
    }
    problems
}

/// What holds for every verdict.
fn invariants(summary: &GateSummary, expect: &mut impl FnMut(bool, String)) {
    expect(
        (summary.status == "pass") == summary.missing.is_empty(),
        "status and missing disagree".to_string(),
    );
    expect(
        summary.blocked() == (summary.status == "blocked"),
        "blocked() disagrees with status".to_string(),
    );
    expect(
        summary.errors.is_empty() != summary.missing.contains(&"error"),
        "errors and the `error` item disagree".to_string(),
    );
    let fixable = summary.missing.iter().filter(|m| **m != "error").count();
    expect(
        summary.fixes.len() == fixable,
        format!(
            "{} fixes for {fixable} missing items other than error",
            summary.fixes.len()
        ),
    );
    if !summary.required {
        expect(
            *summary == GateSummary::not_required(),
            "a gate that is not required carries details".to_string(),
        );
    } else {
        expect(
            summary.approvals.is_some() && summary.backup.is_some(),
            "a required gate without approval or backup details".to_string(),
        );
    }
    for item in &summary.missing {
        expect(
            ["approvals", "backup", "changes-requested", "error"].contains(item),
            format!("unknown missing item {item:?}"),
        );
    }
}

fn contains_each(
    what: &str,
    actual: &[String],
    expected: &[&str],
    expect: &mut impl FnMut(bool, String),
) {
    for text in expected {
        expect(
            actual.iter().any(|a| a.contains(text)),
            format!("{what} has nothing containing {text:?}: {actual:#?}"),
        );
    }
}

fn run(cases: Vec<Case>) {
    let total = cases.len();
    let mut names = std::collections::HashSet::new();
    let mut failures = Vec::new();
    for case in &cases {
        assert!(
            names.insert(case.name),
            "duplicate case name {:?}",
            case.name
        );
        let problems = check(case);
        if !problems.is_empty() {
            failures.push(format!(
                "--- {}\n    {}",
                case.name,
                problems.join("\n    ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {total} gate policy cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn gate_policy_table() {
    let cases = cases();
    assert!(cases.len() >= 40, "the table lost rows: {}", cases.len());
    run(cases);
}

#[test]
fn a_failed_team_lookup_does_not_matter_when_another_team_proves_membership() {
    run(vec![team_error_with_proven_membership_case()]);
}

#[test]
fn a_markdown_backup_link_whose_text_has_spaces_is_read() {
    run(vec![markdown_link_text_with_spaces_case()]);
}
