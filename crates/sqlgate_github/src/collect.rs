//! Gathering the gate's [`Facts`]: from GitHub for `sqlgate ci`, from files for
//! `sqlgate gate`, and the committed backup manifests from git. Every failure becomes a
//! fact (an `Err` with what failed and what to do), never a missing one: the gate fails
//! closed.

use std::collections::HashMap;
use std::path::Path;

use crate::rest::{ApiError, GitHub, Repo};
use sqlgate_config::glob::Glob;
use sqlgate_config::GateConfig;
use sqlgate_discover::git::short_sha;
use sqlgate_gate::{approvers_to_verify, manifest, Facts, ManifestFile};
use sqlgate_gate::{Artifact, Review};

/// Manifests larger than this are not backup metadata (and are not parsed).
const MAX_MANIFEST_BYTES: usize = 1 << 20;

/// The committed files at `rev` that match `glob`, read and parsed. `prefix` is the
/// directory the glob is relative to (the config file's), relative to the root and
/// `/`-separated; empty for the root.
pub fn manifests(
    root: &Path,
    rev: &str,
    glob: &Glob,
    prefix: &str,
) -> Result<Vec<ManifestFile>, String> {
    let what = |e: sqlgate_discover::git::GitError| {
        format!(
            "cannot list the committed backup manifests at {}: {e}",
            short_sha(rev)
        )
    };
    let prefix = prefix.trim_matches('/');
    let paths: Vec<String> = sqlgate_discover::git::list_files(root, rev)
        .map_err(what)?
        .into_iter()
        .filter(|path| {
            let relative = if prefix.is_empty() {
                Some(path.as_str())
            } else {
                path.strip_prefix(prefix).and_then(|p| p.strip_prefix('/'))
            };
            relative.is_some_and(|r| glob.matches(r))
        })
        .collect();
    let names: Vec<&str> = paths.iter().map(String::as_str).collect();
    let contents = sqlgate_discover::git::files_at(root, rev, &names).map_err(what)?;
    Ok(paths
        .into_iter()
        .zip(contents)
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
    if config.backup.required && !sqlgate_gate::backup_found(config, &facts) {
        facts.artifacts = Some(gh.list_artifacts(online.repo).map_err(|e| {
            api_problem(
                &e,
                "give the job's token `actions: read` to find backup artifacts",
            )
        }));
    }
    facts
}

/// What `sqlgate gate` reads instead of asking GitHub.
#[derive(Debug, Clone, Default)]
pub struct Files {
    pub reviews: Vec<Review>,
    /// `login → permission`; `None` when no `--permissions` file was given.
    pub permissions: Option<HashMap<String, String>>,
    /// `team → logins`; `None` when no `--teams` file was given.
    pub teams: Option<HashMap<String, Vec<String>>>,
    /// `None` when no `--artifacts` file was given.
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
