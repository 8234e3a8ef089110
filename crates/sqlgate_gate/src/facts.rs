//! What the gate knows about a pull request ([`Facts`]) and the data it is made of: reviews,
//! workflow runs and artifacts, committed manifests. `sqlgate_github` fills them in.

use std::collections::HashMap;

use crate::manifest;

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

/// A run of a workflow (GitHub's `workflow_runs[]`), for backup evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowRun {
    pub id: u64,
    /// The workflow's `name:`.
    pub name: String,
    /// The workflow file, `.github/workflows/backup.yml`.
    pub path: String,
    pub head_sha: String,
    /// What triggered it: `pull_request`, `push`, `workflow_dispatch`, ...
    pub event: String,
    /// `queued`, `in_progress`, `completed`, ...
    pub status: String,
    /// `success`, `failure`, `cancelled`, ...; `None` until it completes.
    pub conclusion: Option<String>,
    pub created_at: Option<String>,
}

/// A run of a backup workflow on the head, with its artifacts (listed only for a run that
/// [`run_rejection`](crate::run_rejection) does not reject).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupRun {
    pub run: WorkflowRun,
    pub artifacts: Vec<Artifact>,
}

/// What GitHub said about the runs of one workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Runs {
    /// Its runs on the head commit (possibly none).
    Found(Vec<BackupRun>),
    /// GitHub has no such workflow (404).
    NoSuchWorkflow,
    /// The runs or their artifacts could not be listed: a message saying what failed and
    /// what to do. It blocks only when nothing else proves the backup.
    Failed(String),
}

/// One workflow named in `gate.backup.workflows` and what its runs gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupWorkflow {
    /// As configured: `backup.yml` (the file `.github/workflows/backup.yml`).
    pub file: String,
    pub runs: Runs,
}

/// Everything known about the pull request. A fact that could not be gathered is an
/// `Err` with a message saying what failed and what to do.
#[derive(Debug, Clone)]
pub struct Facts {
    /// The pull request's author (login).
    pub author: String,
    /// The head commit the findings were computed on.
    pub head_sha: String,
    /// The base commit: backup manifests are read there.
    pub base_sha: String,
    /// When the head commit was committed (its committer time, seconds since the epoch);
    /// `None` when unknown, and then no artifact counts.
    pub head_committed_at: Option<i64>,
    pub body: String,
    /// Reviews in GitHub's (chronological) order.
    pub reviews: Result<Vec<Review>, String>,
    /// Repository permission (`admin`, `maintain`, `write`, `triage`, `read`, `none`) by
    /// lower-case login, for the reviewers [`approvers_to_verify`](crate::approvers_to_verify) names.
    pub permissions: HashMap<String, Result<String, String>>,
    /// Membership in a `gate.reviewers.teams` entry (as written), by (team, lower-case login).
    pub team_members: HashMap<(String, String), Result<bool, String>>,
    /// Artifacts the operator listed (`sqlgate gate --artifacts`), read as artifacts of
    /// runs of the workflows in `gate.backup.workflows`; `None` when none were given.
    pub artifacts: Option<Result<Vec<Artifact>, String>>,
    /// The runs on the head of each workflow in `gate.backup.workflows`, with their
    /// artifacts (`sqlgate ci`); `None` when not looked up (no workflow is named, or other
    /// evidence was found first).
    pub backup_workflows: Option<Vec<BackupWorkflow>>,
    /// Files matching `gate.backup.manifest` committed at the base commit.
    pub manifests: Vec<ManifestFile>,
    /// Paths matching `gate.backup.manifest` that the pull request adds or changes: they
    /// never count, and are listed so nobody wonders why.
    pub pr_manifests: Vec<String>,
    /// The workflows of `gate.backup.workflows` (as configured, `backup.yml`) whose file
    /// the pull request adds, changes or deletes: their artifacts do not count.
    pub pr_workflows: Vec<String>,
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
            base_sha: String::new(),
            head_committed_at: None,
            body: String::new(),
            reviews: Ok(Vec::new()),
            permissions: HashMap::new(),
            team_members: HashMap::new(),
            artifacts: None,
            backup_workflows: None,
            manifests: Vec::new(),
            pr_manifests: Vec::new(),
            pr_workflows: Vec::new(),
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
