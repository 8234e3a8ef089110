//! The merge gate (DESIGN.md §5): whether a pull request whose findings need the gate has
//! the approvals and the backup evidence the policy asks for. [`evaluate`] is a pure
//! function of the findings, the policy and the [`Facts`] gathered about the pull request
//! (`sqlgate_github::collect` gathers them from GitHub or from files); anything that could not be found out
//! is a fact too, and blocks.

mod backup;
mod body;
mod facts;
pub mod manifest;
pub mod time;

use std::collections::HashMap;

use sqlgate_config::GateConfig;
use sqlgate_core::finding::Finding;
use sqlgate_core::short_sha as short;

pub use backup::{backup_found, example_body_line, run_rejection};
pub use facts::{
    Artifact, BackupRun, BackupWorkflow, Facts, ManifestFile, Review, Runs, WorkflowRun,
};

pub use sqlgate_core::verdict::{
    ApprovalState, BackupState, Evidence, GateFile, GateFileKind, GateSummary, NotCounted,
    APPROVALS, BACKUP, CHANGES_REQUESTED, ERROR,
};

/// Whether any finding needs the gate (matches `gate.triggers`, suppressed ones included
/// unless `gate.count-suppressed = false`; the engine marks them).
pub fn required(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.gate)
}

/// The verdict. Pure: the same findings, policy and facts give the same answer.
/// `files` are those that need the gate without a finding (see [`GateFile`]).
pub fn evaluate(
    findings: &[Finding],
    files: &[GateFile],
    config: &GateConfig,
    facts: &Facts,
) -> GateSummary {
    if !required(findings) && files.is_empty() {
        return GateSummary::not_required();
    }
    let mut errors = facts.problems.clone();
    let approvals = approvals(config, facts, &mut errors);
    let backup = backup::backup(config, facts, &mut errors);

    let mut missing = Vec::new();
    let mut fixes = Vec::new();
    let counted = approvals.approved_by.len();
    if counted < approvals.required as usize {
        missing.push(APPROVALS);
        fixes.push(approvals_fix(config, facts, &approvals));
    }
    if backup.required && backup.evidence.is_empty() {
        missing.push(BACKUP);
        fixes.push(backup::backup_fix(config, facts));
    }
    if !approvals.changes_requested_by.is_empty() {
        missing.push(CHANGES_REQUESTED);
        fixes.push(format!(
            "{} requested changes: the pull request stays blocked until they approve or a \
             maintainer dismisses the review",
            mentions(&approvals.changes_requested_by)
        ));
    }
    errors.dedup();
    if !errors.is_empty() {
        missing.push(ERROR);
    }
    GateSummary {
        required: true,
        status: if missing.is_empty() {
            "pass"
        } else {
            "blocked"
        },
        missing,
        approvals: Some(approvals),
        backup: Some(backup),
        errors,
        fixes,
        files: files.to_vec(),
    }
}

fn same_login(a: &str, b: &str) -> bool {
    a.trim_start_matches('@')
        .eq_ignore_ascii_case(b.trim_start_matches('@'))
}

fn is_bot(review: &Review) -> bool {
    review.author_is_bot || review.author.ends_with("[bot]")
}

/// Each reviewer's latest review that sets a state (APPROVED, CHANGES_REQUESTED,
/// DISMISSED), in the order reviewers first appear. COMMENTED and PENDING reviews change
/// nothing. GitHub lists reviews oldest first; when every such review carries a
/// `submitted_at`, that order is enforced.
pub fn latest_states(reviews: &[Review]) -> Vec<&Review> {
    let mut stateful: Vec<&Review> = reviews
        .iter()
        .filter(|r| {
            matches!(
                r.state.as_str(),
                "APPROVED" | "CHANGES_REQUESTED" | "DISMISSED"
            )
        })
        .collect();
    let times: Option<Vec<i64>> = stateful
        .iter()
        .map(|r| r.submitted_at.as_deref().and_then(time::parse))
        .collect();
    if let Some(times) = times {
        let mut indexed: Vec<(i64, &Review)> = times.into_iter().zip(stateful).collect();
        indexed.sort_by_key(|(t, _)| *t);
        stateful = indexed.into_iter().map(|(_, r)| r).collect();
    }
    let mut order: Vec<String> = Vec::new();
    let mut latest: HashMap<String, &Review> = HashMap::new();
    for review in stateful {
        let key = review.author.to_ascii_lowercase();
        if !latest.contains_key(&key) {
            order.push(key.clone());
        }
        latest.insert(key, review);
    }
    order
        .iter()
        .filter_map(|k| latest.get(k).copied())
        .collect()
}

/// Why an approval does not count before permissions and teams are looked at, if it does not.
fn early_reason(review: &Review, config: &GateConfig, facts: &Facts) -> Option<String> {
    if same_login(&review.author, &facts.author) {
        return Some("is the author".to_string());
    }
    if is_bot(review) {
        return Some("is a bot".to_string());
    }
    if config.approval_on_head {
        match review.commit_id.as_deref() {
            Some(sha) if sha.eq_ignore_ascii_case(&facts.head_sha) => {}
            Some(sha) => {
                return Some(format!(
                    "approved an older commit {}, not the head {}",
                    short(sha),
                    short(&facts.head_sha)
                ))
            }
            None => return Some("approved an unknown commit".to_string()),
        }
    }
    None
}

/// Lower-case logins whose permission (and team membership) the gate needs: the latest
/// approvals that are not the author's, not a bot's, and on the head when that is required;
/// and, unless `gate.changes-requested = "anyone"`, the latest requests for changes.
pub fn approvers_to_verify(reviews: &[Review], config: &GateConfig, facts: &Facts) -> Vec<String> {
    latest_states(reviews)
        .into_iter()
        .filter(|r| match r.state.as_str() {
            "APPROVED" => early_reason(r, config, facts).is_none(),
            "CHANGES_REQUESTED" => !config.changes_requested_by_anyone,
            _ => false,
        })
        .map(|r| r.author.to_ascii_lowercase())
        .collect()
}

/// Whether a reviewer's request for changes holds the gate. Anyone may review a public
/// repository, so by default only a reviewer with write access (one whose approval could
/// count) blocks; when that cannot be found out, the request blocks (fail closed).
fn changes_request_counts(
    login: &str,
    config: &GateConfig,
    facts: &Facts,
    errors: &mut Vec<String>,
) -> Result<(), String> {
    if config.changes_requested_by_anyone {
        return Ok(());
    }
    match facts.permissions.get(&login.to_ascii_lowercase()) {
        Some(Ok(p)) if matches!(p.as_str(), "admin" | "maintain" | "write") => Ok(()),
        Some(Ok(p)) if p == "none" => {
            Err("requested changes without access to the repository: not counted".to_string())
        }
        Some(Ok(p)) => Err(format!(
            "requested changes with {p} access, not write: not counted"
        )),
        Some(Err(e)) => {
            errors.push(e.clone());
            Ok(())
        }
        None => Ok(()),
    }
}

fn approvals(config: &GateConfig, facts: &Facts, errors: &mut Vec<String>) -> ApprovalState {
    let mut state = ApprovalState {
        required: config.approvals,
        approved_by: Vec::new(),
        not_counted: Vec::new(),
        changes_requested_by: Vec::new(),
    };
    let reviews = match &facts.reviews {
        Ok(reviews) => reviews,
        Err(e) => {
            errors.push(e.clone());
            return state;
        }
    };
    let restricted = !config.reviewers.users.is_empty() || !config.reviewers.teams.is_empty();
    for review in latest_states(reviews) {
        let login = review.author.clone();
        match review.state.as_str() {
            "CHANGES_REQUESTED" => {
                match changes_request_counts(&login, config, facts, errors) {
                    Ok(()) => state.changes_requested_by.push(login),
                    Err(reason) => state.not_counted.push(NotCounted { login, reason }),
                }
                continue;
            }
            "APPROVED" => {}
            _ => continue,
        }
        let key = login.to_ascii_lowercase();
        let reason = early_reason(review, config, facts)
            .or_else(|| {
                if !restricted || config.reviewers.users.iter().any(|u| same_login(u, &login)) {
                    return None;
                }
                // A lookup that failed only matters when no other team proves membership.
                let mut lookup_errors = Vec::new();
                let mut unknown = false;
                for team in &config.reviewers.teams {
                    match facts.team_members.get(&(team.clone(), key.clone())) {
                        Some(Ok(true)) => return None,
                        Some(Ok(false)) => {}
                        Some(Err(e)) => lookup_errors.push(e.clone()),
                        None => unknown = true,
                    }
                }
                Some(if unknown || !lookup_errors.is_empty() {
                    errors.extend(lookup_errors);
                    "team membership could not be checked".to_string()
                } else {
                    "is not one of the gate's reviewers (`gate.reviewers`)".to_string()
                })
            })
            .or_else(|| match facts.permissions.get(&key) {
                Some(Ok(p)) if matches!(p.as_str(), "admin" | "maintain" | "write") => None,
                Some(Ok(p)) if p == "none" => Some("has no access to the repository".to_string()),
                Some(Ok(p)) => Some(format!("has {p} access, not write")),
                Some(Err(e)) => {
                    errors.push(e.clone());
                    Some("write access could not be checked".to_string())
                }
                None => Some("write access is unknown".to_string()),
            });
        match reason {
            None => state.approved_by.push(login),
            Some(reason) => state.not_counted.push(NotCounted { login, reason }),
        }
    }
    state
}

fn approvals_fix(config: &GateConfig, facts: &Facts, state: &ApprovalState) -> String {
    let needed = state.required as usize - state.approved_by.len();
    let who = if config.reviewers.users.is_empty() && config.reviewers.teams.is_empty() {
        "people with write access".to_string()
    } else {
        let mut names: Vec<String> = config
            .reviewers
            .users
            .iter()
            .map(|u| format!("@{}", u.trim_start_matches('@')))
            .collect();
        names.extend(
            config
                .reviewers
                .teams
                .iter()
                .map(|t| format!("members of @{}", t.trim_start_matches('@'))),
        );
        format!("{} (with write access)", join_or(&names))
    };
    let on_head = if config.approval_on_head {
        format!(" on the head commit {}", short(&facts.head_sha))
    } else {
        String::new()
    };
    let mut fix = format!(
        "{} from {who}{on_head}; the author and bots do not count",
        if needed == 1 {
            "1 more approval".to_string()
        } else {
            format!("{needed} more approvals")
        }
    );
    let stale: Vec<String> = state
        .not_counted
        .iter()
        .filter(|n| n.reason.starts_with("approved an older commit"))
        .map(|n| n.login.clone())
        .collect();
    if !stale.is_empty() {
        fix.push_str(&format!(
            " ({} approved before the last push and must approve again)",
            mentions(&stale)
        ));
    }
    fix
}

fn mentions(logins: &[String]) -> String {
    join(
        &logins.iter().map(|l| format!("@{l}")).collect::<Vec<_>>(),
        "and",
    )
}

fn join_or(items: &[String]) -> String {
    join(items, "or")
}

fn join(items: &[String], conjunction: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} {conjunction} {last}", rest.join(", ")),
    }
}
