//! The gate policy table's row type (`Case`, with the defaults every row starts from) and the
//! loop that evaluates each row and checks the verdict against it (and the invariants that
//! hold for every verdict).

use sqlgate::finding::Finding;
use sqlgate::gate::{evaluate, Facts, GateSummary};

use crate::support::{facts, gate_config, trigger};

// ---------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------

pub(crate) struct Case {
    pub(crate) name: &'static str,
    /// `sqlgate.toml` text; empty for `GateConfig::default()`.
    pub(crate) config_toml: &'static str,
    pub(crate) findings: Vec<Finding>,
    pub(crate) facts: Facts,
    pub(crate) expect_status: &'static str,
    pub(crate) expect_required: bool,
    pub(crate) expect_missing: &'static [&'static str],
    /// Exactly, in order (only checked when the gate is required).
    pub(crate) expect_approved_by: &'static [&'static str],
    /// Exactly, in order.
    pub(crate) expect_changes_requested_by: &'static [&'static str],
    /// Kinds of the backup evidence, exactly, in order.
    pub(crate) expect_evidence_kinds: &'static [&'static str],
    /// `(login, substring of the reason)`, each found in `approvals.not_counted`.
    pub(crate) expect_not_counted: &'static [(&'static str, &'static str)],
    /// Substrings, each found in some `"{kind} {source} {detail}"` of the evidence.
    pub(crate) expect_evidence: &'static [&'static str],
    /// Substrings, each found in some `backup.rejected` entry.
    pub(crate) expect_rejected: &'static [&'static str],
    /// Substrings, each found in some `fixes` entry.
    pub(crate) expect_fixes: &'static [&'static str],
    /// Substrings, each found in some `errors` entry.
    pub(crate) expect_errors: &'static [&'static str],
    /// Substrings that must appear nowhere in the JSON of the summary.
    pub(crate) forbid: &'static [&'static str],
    pub(crate) expect_approvals_required: u32,
    pub(crate) expect_backup_required: bool,
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

// ---------------------------------------------------------------------------------------
// The loop
// ---------------------------------------------------------------------------------------

fn check(case: &Case) -> Vec<String> {
    let mut problems = Vec::new();
    let config = gate_config(case.config_toml);
    let summary = evaluate(&case.findings, &[], &config, &case.facts);
    let mut expect = |ok: bool, what: String| {
        if !ok {
            problems.push(what);
        }
    };

    // Pure: the same inputs give the same answer.
    let again = evaluate(&case.findings, &[], &config, &case.facts);
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

pub(crate) fn run(cases: Vec<Case>) {
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
