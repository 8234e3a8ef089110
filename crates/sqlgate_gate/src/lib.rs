//! The merge gate (DESIGN.md §5): whether a pull request whose findings need the gate has
//! the approvals and the backup evidence the policy asks for. [`evaluate`] is a pure
//! function of the findings, the policy and the [`Facts`] gathered about the pull request
//! (`sqlgate_github::collect` gathers them from GitHub or from files); anything that could not be found out
//! is a fact too, and blocks.

mod body;
pub mod manifest;
pub mod time;

use std::collections::HashMap;

use sqlgate_config::GateConfig;
use sqlgate_core::finding::Finding;
use sqlgate_core::short_sha as short;

pub use sqlgate_core::verdict::{
    ApprovalState, BackupState, Evidence, GateSummary, NotCounted, APPROVALS, BACKUP,
    CHANGES_REQUESTED, ERROR,
};

/// A pull request review (for the gate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub id: u64,
    pub author: String,
    /// `user.type == "Bot"`.
    pub author_is_bot: bool,
    /// `APPROVED`, `CHANGES_REQUESTED`, `COMMENTED`, `DISMISSED`, `PENDING`.
    pub state: String,
    /// The commit the review was made on.
    pub commit_id: Option<String>,
    pub submitted_at: Option<String>,
}

/// A workflow artifact (for backup evidence).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    pub id: u64,
    pub name: String,
    pub expired: bool,
    pub created_at: Option<String>,
    pub expires_at: Option<String>,
    /// `workflow_run.head_sha`.
    pub head_sha: Option<String>,
}

/// Everything known about the pull request. A fact that could not be gathered is an
/// `Err` with a message saying what failed and what to do.
#[derive(Debug, Clone)]
pub struct Facts {
    /// The pull request's author (login).
    pub author: String,
    /// The head commit the findings were computed on.
    pub head_sha: String,
    pub body: String,
    /// Reviews in GitHub's (chronological) order.
    pub reviews: Result<Vec<Review>, String>,
    /// Repository permission (`admin`, `maintain`, `write`, `triage`, `read`, `none`) by
    /// lower-case login, for the reviewers [`approvers_to_verify`] names.
    pub permissions: HashMap<String, Result<String, String>>,
    /// Membership in a `gate.reviewers.teams` entry (as written), by (team, lower-case login).
    pub team_members: HashMap<(String, String), Result<bool, String>>,
    /// Workflow artifacts of the repository; `None` when not looked up (other evidence
    /// was found first).
    pub artifacts: Option<Result<Vec<Artifact>, String>>,
    /// Committed files matching `gate.backup.manifest`.
    pub manifests: Vec<ManifestFile>,
    /// Now, in seconds since the epoch (manifest age, artifact expiry).
    pub now: i64,
    /// Facts that could not be gathered at all (no token, an unreadable file).
    pub problems: Vec<String>,
}

impl Default for Facts {
    fn default() -> Self {
        Facts {
            author: String::new(),
            head_sha: String::new(),
            body: String::new(),
            reviews: Ok(Vec::new()),
            permissions: HashMap::new(),
            team_members: HashMap::new(),
            artifacts: None,
            manifests: Vec::new(),
            now: 0,
            problems: Vec::new(),
        }
    }
}

/// A committed manifest file and what reading it gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestFile {
    /// Relative to the repository root, `/`-separated.
    pub path: String,
    pub manifest: Result<manifest::Manifest, String>,
}

/// Whether any finding needs the gate (matches `gate.triggers`, suppressed ones included
/// unless `gate.count-suppressed = false`; the engine marks them).
pub fn required(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.gate)
}

/// The verdict. Pure: the same findings, policy and facts give the same answer.
pub fn evaluate(findings: &[Finding], config: &GateConfig, facts: &Facts) -> GateSummary {
    if !required(findings) {
        return GateSummary::not_required();
    }
    let mut errors = facts.problems.clone();
    let approvals = approvals(config, facts, &mut errors);
    let backup = backup(config, facts, &mut errors);

    let mut missing = Vec::new();
    let mut fixes = Vec::new();
    let counted = approvals.approved_by.len();
    if counted < approvals.required as usize {
        missing.push(APPROVALS);
        fixes.push(approvals_fix(config, facts, &approvals));
    }
    if backup.required && backup.evidence.is_empty() {
        missing.push(BACKUP);
        fixes.push(backup_fix(config, facts));
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

/// Whether the facts gathered so far already prove a backup (so artifacts need not be
/// listed).
pub fn backup_found(config: &GateConfig, facts: &Facts) -> bool {
    !backup(config, facts, &mut Vec::new()).evidence.is_empty()
}

fn backup(config: &GateConfig, facts: &Facts, errors: &mut Vec<String>) -> BackupState {
    let policy = &config.backup;
    let mut state = BackupState {
        required: policy.required,
        evidence: Vec::new(),
        rejected: Vec::new(),
    };

    // The pull request body: a claim the author writes, read as GitHub shows it.
    let body = body::visible(&facts.body);
    let mut lines = 0;
    for captures in policy.body_pattern.captures_iter(&body) {
        let Some(whole) = captures.get(1).or_else(|| captures.get(0)) else {
            continue;
        };
        lines += 1;
        // `\s*` in a pattern runs across line ends: an empty `Backup:` line must not take a
        // link from a later line.
        let start = captures.get(0).map_or(whole.start(), |m| m.start());
        if body[start..whole.start()].contains(['\n', '\r']) {
            state.rejected.push(
                "the pull request body's backup line has no link after it on the same line"
                    .to_string(),
            );
            continue;
        }
        // `[pre-migration dump](s3://…)`: the pattern's `\S+` stops at the first space of
        // the link text; the link is the rest of the line.
        let mut text = whole.as_str();
        if text.starts_with('[') && !text.contains("](") {
            let rest = &body[whole.start()..];
            text = &rest[..rest.find(['\n', '\r']).unwrap_or(rest.len())];
        }
        let link = clean_link(text);
        let accepted = policy.accept.iter().any(|re| re.is_match(&link));
        if accepted && body::is_placeholder(&link) {
            state.rejected.push(format!(
                "the pull request body's backup line names `{link}`, a placeholder: name the \
                 backup that was taken"
            ));
        } else if accepted {
            state.evidence.push(Evidence {
                kind: "pr-body",
                source: link.clone(),
                detail: format!(
                    "the pull request body names the backup {link} (a claim by the author, \
                     not verified)"
                ),
            });
        } else {
            state.rejected.push(format!(
                "the pull request body's backup line names `{link}`, which matches none of \
                 the accepted forms ({})",
                accepted_forms(config)
            ));
        }
    }
    let hidden = policy.body_pattern.find_iter(&facts.body).count() > lines;
    if hidden {
        state.rejected.push(
            "the pull request body has a backup line inside an HTML comment or a code block, \
             which GitHub does not show: it does not count"
                .to_string(),
        );
    } else if lines == 0 {
        state.rejected.push(format!(
            "the pull request body has no line matching `{}`",
            policy.body_pattern.as_str()
        ));
    }

    // Committed manifests.
    let max_age = i64::from(policy.max_age_days) * 86_400;
    for file in &facts.manifests {
        match &file.manifest {
            Err(reason) => state.rejected.push(format!("`{}` {reason}", file.path)),
            Ok(m) => {
                let age = facts.now - m.taken_at;
                if age > max_age {
                    state.rejected.push(format!(
                        "`{}` records a backup taken {} ago, older than max-age-days = {}",
                        file.path,
                        time::age(age),
                        policy.max_age_days
                    ));
                } else if age < -86_400 {
                    state.rejected.push(format!(
                        "`{}` records a backup taken in the future",
                        file.path
                    ));
                } else {
                    let commit = m
                        .git_commit
                        .as_deref()
                        .map(|c| format!(" at commit {}", short(c)))
                        .unwrap_or_default();
                    state.evidence.push(Evidence {
                        kind: "manifest",
                        source: file.path.clone(),
                        detail: format!(
                            "committed manifest `{}`: backup of `{}`{commit} taken {} ago, {}, checksum {}",
                            file.path,
                            m.database,
                            time::age(age),
                            human_bytes(m.bytes),
                            short_checksum(&m.checksum)
                        ),
                    });
                }
            }
        }
    }
    if facts.manifests.is_empty() {
        state.rejected.push(format!(
            "no committed manifest matches `{}`",
            policy.manifest.text
        ));
    }

    // Workflow artifacts on the head commit.
    match &facts.artifacts {
        None => {}
        // Only an error when nothing else proves the backup.
        Some(Err(e)) if state.evidence.is_empty() && policy.required => errors.push(e.clone()),
        Some(Err(_)) => {}
        Some(Ok(artifacts)) => {
            let mut named = 0;
            for artifact in artifacts
                .iter()
                .filter(|a| policy.artifact.matches(&a.name))
            {
                named += 1;
                let expired = artifact.expired
                    || artifact
                        .expires_at
                        .as_deref()
                        .and_then(time::parse)
                        .is_some_and(|t| t <= facts.now);
                let on_head = artifact
                    .head_sha
                    .as_deref()
                    .is_some_and(|sha| sha.eq_ignore_ascii_case(&facts.head_sha));
                if !on_head {
                    state.rejected.push(format!(
                        "artifact `{}` comes from a run on {}, not the head {}",
                        artifact.name,
                        artifact.head_sha.as_deref().map_or(
                            "an unknown commit".to_string(),
                            |s| format!("commit {}", short(s))
                        ),
                        short(&facts.head_sha)
                    ));
                } else if expired {
                    state
                        .rejected
                        .push(format!("artifact `{}` has expired", artifact.name));
                } else {
                    state.evidence.push(Evidence {
                        kind: "artifact",
                        source: artifact.name.clone(),
                        detail: format!(
                            "workflow artifact `{}` (id {}) from a run on the head {}",
                            artifact.name,
                            artifact.id,
                            short(&facts.head_sha)
                        ),
                    });
                }
            }
            if named == 0 {
                state.rejected.push(format!(
                    "no workflow artifact is named `{}`",
                    policy.artifact.text
                ));
            }
        }
    }
    state
}

/// The link as written, without the Markdown around it: `<url>`, `` `url` ``, `[text](url)`.
fn clean_link(text: &str) -> String {
    let text = text.trim();
    if let Some(start) = text.find("](") {
        let rest = &text[start + 2..];
        return rest[..rest.find(')').unwrap_or(rest.len())].to_string();
    }
    text.trim_matches(|c| matches!(c, '<' | '>' | '`' | '"' | '\''))
        .trim_end_matches(['.', ','])
        .to_string()
}

fn accepted_forms(config: &GateConfig) -> String {
    config
        .backup
        .accept
        .iter()
        .map(|re| format!("`{}`", re.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A PR-body line that the policy accepts, e.g. `Backup: s3://your-bucket/…`, if one of
/// the usual shapes fits the configured pattern.
pub fn example_body_line(config: &GateConfig) -> Option<String> {
    let policy = &config.backup;
    let link = [
        "s3://YOUR-BUCKET/pre-migration-backup.dump",
        "gs://YOUR-BUCKET/pre-migration-backup.dump",
        "https://YOUR-BACKUP-LOCATION/pre-migration-backup.dump",
        "artifact:pre-migration-backup",
    ]
    .into_iter()
    .find(|link| policy.accept.iter().any(|re| re.is_match(link)))?;
    ["Backup: ", "backup: ", "Backup ", "BACKUP: "]
        .iter()
        .map(|label| format!("{label}{link}"))
        .find(|line| {
            policy.body_pattern.captures(line).is_some_and(|c| {
                c.get(1)
                    .or_else(|| c.get(0))
                    .is_some_and(|m| clean_link(m.as_str()) == link)
            })
        })
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

fn backup_fix(config: &GateConfig, facts: &Facts) -> String {
    let policy = &config.backup;
    let line = match example_body_line(config) {
        Some(line) => format!("add the line `{line}` to the pull request body"),
        None => format!(
            "add a line matching `{}` to the pull request body, with a link matching one of {}",
            policy.body_pattern.as_str(),
            accepted_forms(config)
        ),
    };
    format!(
        "{line}, or upload a workflow artifact named `{}` from a run on {}, or commit backup \
         metadata matching `{}` (taken within {} days, with the database, the size and a \
         checksum)",
        policy.artifact.text,
        short(&facts.head_sha),
        policy.manifest.text,
        policy.max_age_days
    )
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

fn short_checksum(checksum: &str) -> String {
    if checksum.chars().count() > 16 {
        format!("{}…", checksum.chars().take(16).collect::<String>())
    } else {
        checksum.to_string()
    }
}

fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "kB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}
