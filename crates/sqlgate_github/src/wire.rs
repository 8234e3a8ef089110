//! GitHub's JSON as sqlgate reads it: the shapes of the REST answers (only the fields
//! sqlgate uses; extra fields are ignored, documented nulls tolerated). The client decodes
//! API answers with them, and `sqlgate gate` reads the same shapes from files.

use serde::Deserialize;

use crate::rest::{CheckRun, IssueComment};
use sqlgate_gate::{Artifact, Review, WorkflowRun};

/// GitHub shows deleted accounts as this user; the API sends `user: null` for them.
pub(crate) const GHOST: &str = "ghost";

#[derive(Deserialize)]
pub(crate) struct UserJson {
    pub(crate) login: String,
    #[serde(rename = "type", default)]
    pub(crate) kind: Option<String>,
}

pub(crate) fn login(user: &Option<UserJson>) -> String {
    user.as_ref()
        .map_or_else(|| GHOST.to_string(), |u| u.login.clone())
}

#[derive(Deserialize)]
pub(crate) struct CommentJson {
    pub(crate) id: u64,
    #[serde(default)]
    pub(crate) body: Option<String>,
    #[serde(default)]
    pub(crate) user: Option<UserJson>,
}

impl From<CommentJson> for IssueComment {
    fn from(c: CommentJson) -> IssueComment {
        IssueComment {
            id: c.id,
            author: login(&c.user),
            body: c.body.unwrap_or_default(),
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct CheckRunJson {
    pub(crate) id: u64,
    pub(crate) name: String,
    pub(crate) head_sha: String,
    #[serde(default)]
    pub(crate) external_id: Option<String>,
    #[serde(default)]
    pub(crate) output: Option<CheckRunOutputJson>,
}

#[derive(Deserialize)]
pub(crate) struct CheckRunOutputJson {
    #[serde(default)]
    pub(crate) annotations_count: Option<usize>,
}

impl From<CheckRunJson> for CheckRun {
    fn from(c: CheckRunJson) -> CheckRun {
        CheckRun {
            id: c.id,
            name: c.name,
            head_sha: c.head_sha,
            annotations_count: c.output.and_then(|o| o.annotations_count).unwrap_or(0),
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct CheckRunsPage {
    pub(crate) check_runs: Vec<CheckRunJson>,
}

#[derive(Deserialize)]
pub(crate) struct CommitRef {
    pub(crate) sha: String,
}

#[derive(Deserialize)]
pub(crate) struct PullJson {
    pub(crate) number: u64,
    #[serde(default)]
    pub(crate) user: Option<UserJson>,
    #[serde(default)]
    pub(crate) body: Option<String>,
    pub(crate) head: CommitRef,
    pub(crate) base: CommitRef,
}

#[derive(Deserialize)]
pub(crate) struct ReviewJson {
    pub(crate) id: u64,
    #[serde(default)]
    pub(crate) user: Option<UserJson>,
    pub(crate) state: String,
    #[serde(default)]
    pub(crate) commit_id: Option<String>,
    #[serde(default)]
    pub(crate) submitted_at: Option<String>,
}

impl From<ReviewJson> for Review {
    fn from(r: ReviewJson) -> Review {
        Review {
            id: r.id,
            author: login(&r.user),
            author_is_bot: r
                .user
                .as_ref()
                .is_some_and(|u| u.kind.as_deref() == Some("Bot")),
            state: r.state,
            commit_id: r.commit_id,
            submitted_at: r.submitted_at,
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct PermissionJson {
    pub(crate) permission: String,
}

#[derive(Deserialize)]
pub(crate) struct MembershipJson {
    pub(crate) state: String,
}

#[derive(Deserialize)]
pub(crate) struct WorkflowRunJson {
    #[serde(default)]
    pub(crate) head_sha: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct ArtifactJson {
    pub(crate) id: u64,
    pub(crate) name: String,
    pub(crate) expired: bool,
    #[serde(default)]
    pub(crate) created_at: Option<String>,
    #[serde(default)]
    pub(crate) expires_at: Option<String>,
    #[serde(default)]
    pub(crate) workflow_run: Option<WorkflowRunJson>,
}

impl From<ArtifactJson> for Artifact {
    fn from(a: ArtifactJson) -> Artifact {
        Artifact {
            id: a.id,
            name: a.name,
            expired: a.expired,
            created_at: a.created_at,
            expires_at: a.expires_at,
            head_sha: a.workflow_run.and_then(|w| w.head_sha),
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct ArtifactsPage {
    pub(crate) artifacts: Vec<ArtifactJson>,
}

/// One of `workflow_runs[]` in `GET /repos/{owner}/{repo}/actions/workflows/{file}/runs`.
#[derive(Deserialize)]
pub(crate) struct RunJson {
    pub(crate) id: u64,
    #[serde(default)]
    pub(crate) name: Option<String>,
    #[serde(default)]
    pub(crate) path: Option<String>,
    pub(crate) head_sha: String,
    #[serde(default)]
    pub(crate) event: Option<String>,
    #[serde(default)]
    pub(crate) status: Option<String>,
    #[serde(default)]
    pub(crate) conclusion: Option<String>,
    #[serde(default)]
    pub(crate) created_at: Option<String>,
}

impl From<RunJson> for WorkflowRun {
    fn from(r: RunJson) -> WorkflowRun {
        WorkflowRun {
            id: r.id,
            name: r.name.unwrap_or_default(),
            path: r.path.unwrap_or_default(),
            head_sha: r.head_sha,
            event: r.event.unwrap_or_default(),
            status: r.status.unwrap_or_default(),
            conclusion: r.conclusion,
            created_at: r.created_at,
        }
    }
}

/// `{"total_count", "workflow_runs": [...]}`.
#[derive(Deserialize)]
pub(crate) struct WorkflowRunsPage {
    pub(crate) workflow_runs: Vec<RunJson>,
}

/// The body of `GET /repos/{owner}/{repo}/pulls/{n}/reviews`: an array of reviews.
pub fn reviews_from_json(text: &str) -> Result<Vec<Review>, String> {
    let reviews: Vec<ReviewJson> = serde_json::from_str(text).map_err(|e| e.to_string())?;
    Ok(reviews.into_iter().map(Review::from).collect())
}

/// The artifacts of `sqlgate gate --artifacts`: the body of
/// `GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts` (`{"total_count", "artifacts"}`,
/// the same shape as the repository-wide listing); a bare array of artifacts is accepted too.
pub fn artifacts_from_json(text: &str) -> Result<Vec<Artifact>, String> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Body {
        Page(ArtifactsPage),
        List(Vec<ArtifactJson>),
    }
    let body: Body = serde_json::from_str(text).map_err(|_| {
        // The untagged error says nothing useful; name what was expected.
        match serde_json::from_str::<ArtifactsPage>(text) {
            Err(e) => {
                format!("expected the list-artifacts answer `{{\"artifacts\": [...]}}` ({e})")
            }
            Ok(_) => "unexpected JSON".to_string(),
        }
    })?;
    let artifacts = match body {
        Body::Page(page) => page.artifacts,
        Body::List(list) => list,
    };
    Ok(artifacts.into_iter().map(Artifact::from).collect())
}
