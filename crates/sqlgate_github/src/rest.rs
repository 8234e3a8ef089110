//! The GitHub REST API as sqlgate uses it: the [`GitHub`] trait and the plain data types
//! it speaks. `client` implements it with octocrab; tests implement it with mocks.

use std::fmt;

use sqlgate_gate::{Artifact, Review, WorkflowRun};

/// `owner/name`, as in `GITHUB_REPOSITORY`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repo {
    pub owner: String,
    pub name: String,
}

impl Repo {
    /// Parses `owner/name`.
    pub fn parse(full_name: &str) -> Option<Repo> {
        let (owner, name) = full_name.split_once('/')?;
        let valid = |s: &str| !s.is_empty() && !s.contains('/') && !s.contains(char::is_whitespace);
        (valid(owner) && valid(name)).then(|| Repo {
            owner: owner.to_string(),
            name: name.to_string(),
        })
    }
}

impl fmt::Display for Repo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

/// Why a request failed, after retries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// GitHub answered with a non-success status that retrying does not fix (401, 403 that
    /// is not a rate limit, 404, 422, ...). `message` is GitHub's `message` field if any.
    Status {
        what: String,
        status: u16,
        message: String,
    },
    /// Still rate limited after the retries the policy allows; `reset` is the epoch second
    /// GitHub gave in `x-ratelimit-reset`, if any.
    RateLimited { what: String, reset: Option<u64> },
    /// 5xx or a network error on every attempt.
    Unavailable { what: String, message: String },
    /// The body was not the JSON GitHub documents.
    Decode { what: String, message: String },
    /// The client could not be built (bad API URL, TLS setup).
    Setup(String),
}

impl ApiError {
    /// A 403 or 404 on a write: the token may not do this (a fork's read-only
    /// `GITHUB_TOKEN`, a missing `pull-requests: write` or `checks: write` permission).
    pub fn is_permission(&self) -> bool {
        matches!(
            self,
            ApiError::Status {
                status: 403 | 404,
                ..
            }
        )
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Status {
                what,
                status,
                message,
            } => {
                write!(f, "{what}: GitHub answered {status}")?;
                if !message.is_empty() {
                    write!(f, " ({message})")?;
                }
                Ok(())
            }
            ApiError::RateLimited { what, reset } => {
                write!(f, "{what}: rate limited by GitHub")?;
                if let Some(reset) = reset {
                    write!(f, " until {reset} (epoch seconds)")?;
                }
                Ok(())
            }
            ApiError::Unavailable { what, message } => {
                write!(f, "{what}: GitHub unavailable after retries ({message})")
            }
            ApiError::Decode { what, message } => {
                write!(f, "{what}: unexpected response from GitHub ({message})")
            }
            ApiError::Setup(message) => write!(f, "cannot set up the GitHub client: {message}"),
        }
    }
}

impl std::error::Error for ApiError {}

/// A comment on an issue or pull request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueComment {
    pub id: u64,
    pub body: String,
    /// `user.login`.
    pub author: String,
}

/// Level of a check-run annotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnnotationLevel {
    Notice,
    Warning,
    Failure,
}

impl AnnotationLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            AnnotationLevel::Notice => "notice",
            AnnotationLevel::Warning => "warning",
            AnnotationLevel::Failure => "failure",
        }
    }
}

/// One check-run annotation (GitHub's `output.annotations[]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    pub path: String,
    pub start_line: usize,
    pub end_line: usize,
    /// Only when the annotation starts and ends on one line (GitHub rejects them otherwise).
    pub start_column: Option<usize>,
    pub end_column: Option<usize>,
    pub level: AnnotationLevel,
    pub message: String,
    pub title: String,
    pub raw_details: Option<String>,
}

/// Final state of a check run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conclusion {
    Success,
    Failure,
    Neutral,
}

impl Conclusion {
    pub fn as_str(self) -> &'static str {
        match self {
            Conclusion::Success => "success",
            Conclusion::Failure => "failure",
            Conclusion::Neutral => "neutral",
        }
    }
}

/// The `output` object of a check run. GitHub accepts at most 50 annotations per request;
/// the caller splits them (see [`MAX_ANNOTATIONS_PER_REQUEST`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckOutput {
    pub title: String,
    pub summary: String,
    pub annotations: Vec<Annotation>,
}

pub const MAX_ANNOTATIONS_PER_REQUEST: usize = 50;

/// A completed check run to create or update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckRunRequest {
    pub name: String,
    pub head_sha: String,
    pub conclusion: Conclusion,
    pub output: CheckOutput,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckRun {
    pub id: u64,
    pub name: String,
    pub head_sha: String,
    /// `output.annotations_count`: annotations already on the run (they cannot be removed).
    pub annotations_count: usize,
}

/// The pull request as the API reports it now (the event payload may be older).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullRequest {
    pub number: u64,
    pub author: String,
    pub body: String,
    pub head_sha: String,
    pub base_sha: String,
}

/// Everything sqlgate asks GitHub. Synchronous: the implementation drives its own runtime,
/// so the rest of sqlgate stays plain functions. Every method retries 5xx, network errors
/// and rate limits according to the client's policy, and follows pagination to the end.
pub trait GitHub {
    /// The login of the token's own user (`GET /user`): the only author whose comment
    /// sqlgate edits. GitHub answers 403 for an app's installation token, Actions' own
    /// `GITHUB_TOKEN` among them.
    fn authenticated_login(&self) -> Result<String, ApiError>;
    /// All comments of an issue or pull request, every page.
    fn list_issue_comments(&self, repo: &Repo, issue: u64) -> Result<Vec<IssueComment>, ApiError>;
    fn create_issue_comment(
        &self,
        repo: &Repo,
        issue: u64,
        body: &str,
    ) -> Result<IssueComment, ApiError>;
    fn update_issue_comment(
        &self,
        repo: &Repo,
        comment_id: u64,
        body: &str,
    ) -> Result<IssueComment, ApiError>;
    /// The check run with this name on this commit, if one exists (the newest).
    fn find_check_run(
        &self,
        repo: &Repo,
        head_sha: &str,
        name: &str,
    ) -> Result<Option<CheckRun>, ApiError>;
    fn create_check_run(
        &self,
        repo: &Repo,
        request: &CheckRunRequest,
    ) -> Result<CheckRun, ApiError>;
    /// Replaces the run's title, summary and conclusion; GitHub appends the annotations.
    fn update_check_run(
        &self,
        repo: &Repo,
        id: u64,
        request: &CheckRunRequest,
    ) -> Result<CheckRun, ApiError>;
    fn get_pull_request(&self, repo: &Repo, number: u64) -> Result<PullRequest, ApiError>;
    /// All reviews of a pull request, every page, in GitHub's (chronological) order.
    fn list_reviews(&self, repo: &Repo, number: u64) -> Result<Vec<Review>, ApiError>;
    /// `admin`, `maintain`, `write`, `triage`, `read` or `none`.
    fn collaborator_permission(&self, repo: &Repo, login: &str) -> Result<String, ApiError>;
    /// Whether `login` is an active member of `org/team_slug` (404 means no).
    fn is_team_member(&self, org: &str, team_slug: &str, login: &str) -> Result<bool, ApiError>;
    /// The runs of the workflow `.github/workflows/{workflow_file}` on the commit
    /// `head_sha`, every page. A 404 means the repository has no such workflow.
    fn list_workflow_runs(
        &self,
        repo: &Repo,
        workflow_file: &str,
        head_sha: &str,
    ) -> Result<Vec<WorkflowRun>, ApiError>;
    /// The artifacts of one workflow run, every page.
    fn list_run_artifacts(&self, repo: &Repo, run_id: u64) -> Result<Vec<Artifact>, ApiError>;
}
