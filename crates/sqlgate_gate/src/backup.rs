//! Backup evidence, by how far the pull request's author can forge it:
//! - the pull request body's `Backup:` line is the author's claim, and says so;
//! - a backup manifest counts only as committed at the base commit (the pull request's own
//!   manifest files are listed and rejected);
//! - a workflow artifact counts only from a successful run on the head of a workflow named in
//!   `gate.backup.workflows` that the pull request does not change, created after the head
//!   commit, and not expired.

use sqlgate_config::GateConfig;
use sqlgate_core::short_sha as short;
use sqlgate_core::verdict::{BackupState, Evidence};

use crate::facts::{Artifact, Facts, Runs, WorkflowRun};
use crate::{body, time};

/// Whether the facts gathered so far already prove a backup (so artifacts need not be
/// listed).
pub fn backup_found(config: &GateConfig, facts: &Facts) -> bool {
    !backup(config, facts, &mut Vec::new()).evidence.is_empty()
}

pub(crate) fn backup(config: &GateConfig, facts: &Facts, errors: &mut Vec<String>) -> BackupState {
    let mut state = BackupState {
        required: config.backup.required,
        evidence: Vec::new(),
        rejected: Vec::new(),
    };
    body_evidence(config, facts, &mut state);
    manifest_evidence(config, facts, &mut state);
    let outages = artifact_evidence(config, facts, &mut state);
    // An artifact that could not be listed only matters when nothing else proves the backup.
    if state.evidence.is_empty() && state.required {
        errors.extend(outages);
    }
    state
}

/// The pull request body: a claim the author writes, read as GitHub shows it.
fn body_evidence(config: &GateConfig, facts: &Facts, state: &mut BackupState) {
    let policy = &config.backup;
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
}

/// `the base commit abc1234` (without the SHA when it is not known).
fn base_commit(facts: &Facts) -> String {
    if facts.base_sha.is_empty() {
        "the base commit".to_string()
    } else {
        format!("the base commit {}", short(&facts.base_sha))
    }
}

/// Manifests committed at the base commit; the pull request's own never count.
fn manifest_evidence(config: &GateConfig, facts: &Facts, state: &mut BackupState) {
    let policy = &config.backup;
    let base = base_commit(facts);
    let max_age = i64::from(policy.max_age_days) * 86_400;
    for file in &facts.manifests {
        let path = &file.path;
        match &file.manifest {
            Err(reason) => state.rejected.push(format!("`{path}` at {base} {reason}")),
            Ok(m) => {
                let age = facts.now - m.taken_at;
                if age > max_age {
                    state.rejected.push(format!(
                        "`{path}` at {base} records a backup taken {} ago, older than \
                         max-age-days = {}",
                        time::age(age),
                        policy.max_age_days
                    ));
                } else if age < -86_400 {
                    state.rejected.push(format!(
                        "`{path}` at {base} records a backup taken in the future"
                    ));
                } else {
                    let commit = m
                        .git_commit
                        .as_deref()
                        .map(|c| format!(" at commit {}", short(c)))
                        .unwrap_or_default();
                    state.evidence.push(Evidence {
                        kind: "manifest",
                        source: path.clone(),
                        detail: format!(
                            "backup manifest `{path}` at {base}: backup of `{}`{commit} taken \
                             {} ago, {}, checksum {}",
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
            "no manifest matching `{}` is committed at {base}",
            policy.manifest.text
        ));
    }
    for path in &facts.pr_manifests {
        state.rejected.push(format!(
            "`{path}` is committed by the pull request itself: manifests count only from the \
             base commit"
        ));
    }
}

/// `.github/workflows/backup.yml` for `backup.yml`.
fn workflow_path(file: &str) -> String {
    format!(".github/workflows/{file}")
}

/// Why the artifacts of `run`, listed as a run of the workflow `file` (`backup.yml`), do not
/// count, if they do not: it must be a run of that workflow file, on the head, completed
/// with success. `sqlgate_github::collect` lists artifacts only of the runs this accepts.
pub fn run_rejection(file: &str, run: &WorkflowRun, head_sha: &str) -> Option<String> {
    let expected = workflow_path(file);
    // GitHub may add the ref a workflow was read from: `.github/workflows/x.yml@refs/…`.
    let path = run.path.split('@').next().unwrap_or_default();
    let label = format!("workflow `{file}` run {}", run.id);
    if path != expected {
        return Some(format!(
            "run {} is of `{}`, not of `{expected}` (named in gate.backup.workflows): its \
             artifacts do not count",
            run.id, run.path
        ));
    }
    if !run.head_sha.eq_ignore_ascii_case(head_sha) {
        return Some(format!(
            "{label} ran on commit {}, not the head {}: its artifacts do not count",
            short(&run.head_sha),
            short(head_sha)
        ));
    }
    if run.status != "completed" {
        return Some(format!(
            "{label} has not completed (status `{}`): its artifacts do not count yet",
            run.status
        ));
    }
    match run.conclusion.as_deref() {
        Some("success") => None,
        other => Some(format!(
            "{label} concluded `{}`, not `success`: its artifacts do not count",
            other.unwrap_or("none")
        )),
    }
}

/// Why an artifact (described by `label`) is not evidence of a backup for this head, if it
/// is not; otherwise how long ago it was created.
fn artifact_check(artifact: &Artifact, label: &str, facts: &Facts) -> Result<i64, String> {
    let head = short(&facts.head_sha);
    match artifact.head_sha.as_deref() {
        Some(sha) if sha.eq_ignore_ascii_case(&facts.head_sha) => {}
        Some(sha) => {
            return Err(format!(
                "{label} comes from a run on commit {}, not the head {head}",
                short(sha)
            ))
        }
        None => {
            return Err(format!(
                "{label} comes from a run on an unknown commit, not the head {head}"
            ))
        }
    }
    let expired = artifact.expired
        || artifact
            .expires_at
            .as_deref()
            .and_then(time::parse)
            .is_some_and(|t| t <= facts.now);
    if expired {
        return Err(format!("{label} has expired"));
    }
    let Some(committed) = facts.head_committed_at else {
        return Err(format!(
            "{label} does not count: the time of the head commit {head} is unknown, so it \
             cannot be shown to be newer"
        ));
    };
    let Some(created) = artifact.created_at.as_deref().and_then(time::parse) else {
        return Err(format!(
            "{label} has no creation time, so it cannot be shown to be newer than the head \
             commit {head}"
        ));
    };
    if created < committed {
        return Err(format!(
            "{label} was created {} before the head commit {head}: it is not a backup for \
             this head",
            time::age(committed - created)
        ));
    }
    Ok(facts.now - created)
}

/// Workflow artifacts. Returns the messages of lookups that failed (they block only when
/// nothing else proves the backup).
fn artifact_evidence(config: &GateConfig, facts: &Facts, state: &mut BackupState) -> Vec<String> {
    let policy = &config.backup;
    let mut outages = Vec::new();
    if policy.workflows.is_empty() {
        state.rejected.push(
            "artifacts count only from workflows named in gate.backup.workflows; none is named"
                .to_string(),
        );
        return outages;
    }
    let head = short(&facts.head_sha);
    let name = &policy.artifact.text;

    // From the operator (`sqlgate gate --artifacts`): which workflow made an artifact is not
    // in its JSON, so the operator vouches for that; the rest is checked as online.
    match &facts.artifacts {
        None => {}
        Some(Err(e)) => outages.push(e.clone()),
        Some(Ok(artifacts)) => {
            let mut named = 0;
            for artifact in artifacts
                .iter()
                .filter(|a| policy.artifact.matches(&a.name))
            {
                named += 1;
                let label = format!(
                    "artifact `{}` (id {}) listed by the operator",
                    artifact.name, artifact.id
                );
                match artifact_check(artifact, &label, facts) {
                    Err(reason) => state.rejected.push(reason),
                    Ok(age) => state.evidence.push(Evidence {
                        kind: "artifact",
                        source: artifact.name.clone(),
                        detail: format!(
                            "{label}, from a run on the head {head}, created {} ago",
                            time::age(age)
                        ),
                    }),
                }
            }
            if named == 0 {
                state.rejected.push(format!(
                    "no artifact listed by the operator is named `{name}`"
                ));
            }
        }
    }

    // From GitHub: the runs on the head of each named workflow.
    for workflow in facts.backup_workflows.iter().flatten() {
        let file = &workflow.file;
        if facts.pr_workflows.iter().any(|w| w == file) {
            state.rejected.push(format!(
                "the pull request changes `{}`: artifacts of workflow `{file}` do not count \
                 (the pull request wrote the workflow that made them)",
                workflow_path(file)
            ));
            continue;
        }
        let runs = match &workflow.runs {
            Runs::NoSuchWorkflow => {
                state.rejected.push(format!(
                    "GitHub has no workflow `{}` (named in gate.backup.workflows): check the \
                     file name",
                    workflow_path(file)
                ));
                continue;
            }
            Runs::Failed(e) => {
                outages.push(e.clone());
                continue;
            }
            Runs::Found(runs) => runs,
        };
        if runs.is_empty() {
            state
                .rejected
                .push(format!("workflow `{file}` has no run on the head {head}"));
        }
        for backup_run in runs {
            let run = &backup_run.run;
            if let Some(reason) = run_rejection(file, run, &facts.head_sha) {
                state.rejected.push(reason);
                continue;
            }
            let mut named = 0;
            for artifact in backup_run
                .artifacts
                .iter()
                .filter(|a| policy.artifact.matches(&a.name))
            {
                named += 1;
                let label = format!(
                    "artifact `{}` (id {}) of workflow `{file}` run {}",
                    artifact.name, artifact.id, run.id
                );
                // The run is on the head; an artifact that says otherwise is not its own.
                let artifact = Artifact {
                    head_sha: artifact
                        .head_sha
                        .clone()
                        .or_else(|| Some(run.head_sha.clone())),
                    ..artifact.clone()
                };
                match artifact_check(&artifact, &label, facts) {
                    Err(reason) => state.rejected.push(reason),
                    Ok(age) => state.evidence.push(Evidence {
                        kind: "artifact",
                        source: artifact.name.clone(),
                        detail: format!(
                            "{label} on the head {head}, created {} ago",
                            time::age(age)
                        ),
                    }),
                }
            }
            if named == 0 {
                state.rejected.push(format!(
                    "workflow `{file}` run {} on the head {head} uploaded no artifact named \
                     `{name}`",
                    run.id
                ));
            }
        }
    }
    outages
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

pub(crate) fn backup_fix(config: &GateConfig, facts: &Facts) -> String {
    let policy = &config.backup;
    let line = match example_body_line(config) {
        Some(line) => format!("add the line `{line}` to the pull request body"),
        None => format!(
            "add a line matching `{}` to the pull request body, with a link matching one of {}",
            policy.body_pattern.as_str(),
            accepted_forms(config)
        ),
    };
    let workflow = if policy.workflows.is_empty() {
        "name your backup workflow in gate.backup.workflows and have it".to_string()
    } else {
        let names: Vec<String> = policy.workflows.iter().map(|w| format!("`{w}`")).collect();
        format!("have {}", names.join(" or "))
    };
    format!(
        "{line}, or {workflow} upload an artifact named `{}` from a successful run on {}, or \
         merge backup metadata matching `{}` into the base branch first (taken within {} days, \
         with the database, the size and a checksum)",
        policy.artifact.text,
        short(&facts.head_sha),
        policy.manifest.text,
        policy.max_age_days
    )
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

#[cfg(test)]
mod tests;
