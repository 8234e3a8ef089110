//! Gathering the gate's [`Facts`]: from GitHub for `sqlgate ci`, from files for
//! `sqlgate gate`, and from git what the backup evidence needs (the manifests committed at
//! the base commit, the ones the pull request commits, whether it changes a backup workflow,
//! when its head was committed). Every failure becomes a fact (an `Err` with what failed and
//! what to do), never a missing one: the gate fails closed.

use std::collections::HashMap;
use std::path::Path;

use crate::rest::{ApiError, GitHub, Repo};
use sqlgate_config::glob::Glob;
use sqlgate_config::GateConfig;
use sqlgate_discover::git::short_sha;
use sqlgate_gate::{approvers_to_verify, manifest, Facts, ManifestFile};
use sqlgate_gate::{Artifact, BackupRun, BackupWorkflow, Review, Runs};

/// Manifests larger than this are not backup metadata (and are not parsed).
const MAX_MANIFEST_BYTES: usize = 1 << 20;

/// A committed file's path and its contents (`None`: not a file).
type CommittedFile = (String, Option<Vec<u8>>);

/// Whether `path` (relative to the root, `/`-separated) matches `glob`, which is relative to
/// `prefix` (the config file's directory; empty for the root).
fn matches_under(path: &str, prefix: &str, glob: &Glob) -> bool {
    let prefix = prefix.trim_matches('/');
    let relative = if prefix.is_empty() {
        Some(path)
    } else {
        path.strip_prefix(prefix).and_then(|p| p.strip_prefix('/'))
    };
    relative.is_some_and(|r| glob.matches(r))
}

/// The files committed at `rev` that match `glob` (relative to `prefix`), and their contents.
fn matching_files(
    root: &Path,
    rev: &str,
    glob: &Glob,
    prefix: &str,
) -> Result<Vec<CommittedFile>, sqlgate_discover::git::GitError> {
    let paths: Vec<String> = sqlgate_discover::git::list_files(root, rev)?
        .into_iter()
        .filter(|path| matches_under(path, prefix, glob))
        .collect();
    let names: Vec<&str> = paths.iter().map(String::as_str).collect();
    let contents = sqlgate_discover::git::files_at(root, rev, &names)?;
    Ok(paths.into_iter().zip(contents).collect())
}

/// The committed files at `rev` that match `glob`, read and parsed. `prefix` is the
/// directory the glob is relative to (the config file's), relative to the root and
/// `/`-separated; empty for the root. The gate reads them at the pull request's base
/// commit: the author of the pull request cannot write them there alone.
pub fn manifests(
    root: &Path,
    rev: &str,
    glob: &Glob,
    prefix: &str,
) -> Result<Vec<ManifestFile>, String> {
    let files = matching_files(root, rev, glob, prefix).map_err(|e| {
        format!(
            "cannot list the backup manifests committed at {}: {e}",
            short_sha(rev)
        )
    })?;
    Ok(files
        .into_iter()
        .map(|(path, bytes)| {
            let manifest = match bytes {
                None => Err("is not a file".to_string()),
                Some(bytes) if bytes.len() > MAX_MANIFEST_BYTES => {
                    Err("is too large to be backup metadata (over 1 MiB)".to_string())
                }
                Some(bytes) => manifest::parse(&bytes),
            };
            ManifestFile { path, manifest }
        })
        .collect())
}

/// Completes `facts` with what git knows about the backup evidence of a pull request from
/// `base` to `head`: the manifests committed at the base (the only ones that count), when
/// its head was committed, and, from `changed` (the paths the pull request adds, changes or
/// deletes, with their git status, as the lint read them), the manifests it commits itself
/// and the backup workflows it changes. `prefix` is the config file's directory (see
/// [`manifests`]).
pub fn from_git(
    root: &Path,
    base: &str,
    head: &str,
    changed: &[(char, String)],
    config: &GateConfig,
    prefix: &str,
    mut facts: Facts,
) -> Facts {
    let backup = &config.backup;
    facts.base_sha = base.to_string();
    // Unknown: no artifact counts, and the gate says why.
    facts.head_committed_at = sqlgate_discover::git::commit_time(root, head).ok();
    match manifests(root, base, &backup.manifest, prefix) {
        Ok(manifests) => facts.manifests = manifests,
        Err(e) => facts.problems.push(e),
    }
    facts.pr_manifests = changed
        .iter()
        .filter(|(status, path)| *status != 'D' && matches_under(path, prefix, &backup.manifest))
        .map(|(_, path)| path.clone())
        .collect();
    // A workflow the pull request writes, rewrites or removes made (or unmade) its runs.
    facts.pr_workflows = backup
        .workflows
        .iter()
        .filter(|w| {
            changed
                .iter()
                .any(|(_, path)| path.strip_prefix(".github/workflows/") == Some(w.as_str()))
        })
        .cloned()
        .collect();
    facts
}

/// The logins whose team membership must be looked up: approvers not named in
/// `gate.reviewers.users`, when teams are configured.
fn team_lookups(config: &GateConfig, approvers: &[String]) -> Vec<(String, String)> {
    let users = &config.reviewers.users;
    approvers
        .iter()
        .filter(|login| {
            !users
                .iter()
                .any(|u| u.trim_start_matches('@').eq_ignore_ascii_case(login))
        })
        .flat_map(|login| {
            config
                .reviewers
                .teams
                .iter()
                .map(move |team| (team.clone(), login.clone()))
        })
        .collect()
}

/// `org/slug` from a configured team (`org/slug`, `@org/slug`, or a bare slug of the
/// repository owner's organization).
fn team_path(team: &str, owner: &str) -> (String, String) {
    let team = team.trim_start_matches('@');
    match team.split_once('/') {
        Some((org, slug)) => (org.to_string(), slug.to_string()),
        None => (owner.to_string(), team.to_string()),
    }
}

/// What the gate needs from GitHub.
pub struct Online<'a> {
    pub github: &'a dyn GitHub,
    /// A client with a token that can read team membership (`team-token`), if given.
    pub teams: Option<&'a dyn GitHub>,
    pub repo: &'a Repo,
    pub number: u64,
}

fn api_problem(e: &ApiError, permission_hint: &str) -> String {
    if e.is_permission() || matches!(e, ApiError::Status { status: 401, .. }) {
        format!("{e}: {permission_hint}")
    } else {
        format!("{e}: re-run the job once GitHub answers")
    }
}

/// Completes `facts` (author, head and body from the event, manifests and `now` already
/// set) with the pull request's current body, its reviews, the approvers' permissions and
/// team memberships, and the artifacts when nothing else proves a backup.
pub fn from_github(online: &Online, config: &GateConfig, mut facts: Facts) -> Facts {
    let gh = online.github;
    let read_hint = "give the job's token `pull-requests: read` and `contents: read`";
    match gh.get_pull_request(online.repo, online.number) {
        Ok(pull) => {
            // The event payload is a snapshot; an `edited` body or a review after it counts.
            facts.body = pull.body;
            facts.author = pull.author;
            if !pull.head_sha.eq_ignore_ascii_case(&facts.head_sha) {
                facts.problems.push(format!(
                    "the pull request's head moved to {} after this run started on {}: the run \
                     for the new head decides",
                    short_sha(&pull.head_sha),
                    short_sha(&facts.head_sha)
                ));
            }
        }
        Err(e) => facts.problems.push(api_problem(&e, read_hint)),
    }
    facts.reviews = gh
        .list_reviews(online.repo, online.number)
        .map_err(|e| api_problem(&e, read_hint));
    let approvers = match &facts.reviews {
        Ok(reviews) => approvers_to_verify(reviews, config, &facts),
        Err(_) => Vec::new(),
    };
    for login in &approvers {
        let permission = match gh.collaborator_permission(online.repo, login) {
            Ok(permission) => Ok(permission),
            // Not a collaborator (or no such user): no access, which is an answer, not an
            // outage.
            Err(ApiError::Status { status: 404, .. }) => Ok("none".to_string()),
            Err(e) => Err(api_problem(
                &e,
                "the job's token cannot read collaborator permissions; give it `contents: read`",
            )),
        };
        facts.permissions.insert(login.clone(), permission);
    }
    for (team, login) in team_lookups(config, &approvers) {
        let member = match online.teams {
            None => Err(format!(
                "`gate.reviewers.teams` lists {team}, but team membership can only be read \
                 with a token that has `read:org`: set the action's `team-token` input \
                 (SQLGATE_TEAM_TOKEN); GITHUB_TOKEN cannot read teams"
            )),
            Some(client) => {
                let (org, slug) = team_path(&team, &online.repo.owner);
                client.is_team_member(&org, &slug, &login).map_err(|e| {
                    api_problem(&e, "the `team-token` needs `read:org` on the organization")
                })
            }
        };
        facts.team_members.insert((team, login), member);
    }
    if config.backup.required
        && !config.backup.workflows.is_empty()
        && !sqlgate_gate::backup_found(config, &facts)
    {
        let workflows = config
            .backup
            .workflows
            .iter()
            .map(|file| BackupWorkflow {
                file: file.clone(),
                runs: backup_runs(online, file, &facts.head_sha),
            })
            .collect();
        facts.backup_workflows = Some(workflows);
    }
    facts
}

/// The runs on `head_sha` of the workflow `file`, found through that workflow (never by
/// listing every artifact of the repository), with the artifacts of the runs that could
/// count.
fn backup_runs(online: &Online, file: &str, head_sha: &str) -> Runs {
    let hint = "give the job's token `actions: read` to find backup artifacts";
    let runs = match online
        .github
        .list_workflow_runs(online.repo, file, head_sha)
    {
        Ok(runs) => runs,
        // No such workflow: an answer (the config names a file that is not there), not an
        // outage.
        Err(ApiError::Status { status: 404, .. }) => return Runs::NoSuchWorkflow,
        Err(e) => return Runs::Failed(api_problem(&e, hint)),
    };
    let mut found = Vec::new();
    for run in runs {
        let artifacts = if sqlgate_gate::run_rejection(file, &run, head_sha).is_none() {
            match online.github.list_run_artifacts(online.repo, run.id) {
                Ok(artifacts) => artifacts,
                Err(e) => return Runs::Failed(api_problem(&e, hint)),
            }
        } else {
            Vec::new()
        };
        found.push(BackupRun { run, artifacts });
    }
    Runs::Found(found)
}

/// What `sqlgate gate` reads instead of asking GitHub.
#[derive(Debug, Clone, Default)]
pub struct Files {
    pub reviews: Vec<Review>,
    /// `login → permission`; `None` when no `--permissions` file was given.
    pub permissions: Option<HashMap<String, String>>,
    /// `team → logins`; `None` when no `--teams` file was given.
    pub teams: Option<HashMap<String, Vec<String>>>,
    /// `None` when no `--artifacts` file was given. The operator's list: read as artifacts
    /// of runs of the workflows named in `gate.backup.workflows` (see `cli::gate`).
    pub artifacts: Option<Vec<Artifact>>,
}

/// Completes `facts` from the files given to `sqlgate gate`. A reviewer absent from the
/// permissions file has no access; without the file, permissions are unknown (and block).
pub fn from_files(files: &Files, config: &GateConfig, mut facts: Facts) -> Facts {
    facts.reviews = Ok(files.reviews.clone());
    let approvers = approvers_to_verify(&files.reviews, config, &facts);
    for login in &approvers {
        let permission = match &files.permissions {
            None => Err(format!(
                "the write access of {login} is unknown: pass --permissions PERMS.json"
            )),
            Some(map) => Ok(map
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(login))
                .map_or_else(|| "none".to_string(), |(_, v)| v.to_ascii_lowercase())),
        };
        facts.permissions.insert(login.clone(), permission);
    }
    for (team, login) in team_lookups(config, &approvers) {
        let member = match &files.teams {
            None => Err(format!(
                "whether {login} is in the team {team} is unknown: pass --teams TEAMS.json"
            )),
            Some(map) => Ok(map
                .iter()
                .filter(|(k, _)| k.trim_start_matches('@') == team.trim_start_matches('@'))
                .any(|(_, members)| members.iter().any(|m| m.eq_ignore_ascii_case(&login)))),
        };
        facts.team_members.insert((team, login), member);
    }
    facts.artifacts = files.artifacts.clone().map(Ok);
    facts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn teams_default_to_the_repository_owner() {
        assert_eq!(
            team_path("dba", "acme"),
            ("acme".to_string(), "dba".to_string())
        );
        assert_eq!(
            team_path("@other/dba", "acme"),
            ("other".to_string(), "dba".to_string())
        );
    }
}
