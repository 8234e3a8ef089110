//! The [`GitHub`] trait over the REST API: each operation's path, method and body.

use super::bodies::{to_json, CheckRunBody, CommentBody};
use super::paths::{enc, repo_path, what};
use super::transport::Method;
use super::{OctocrabClient, CHECK_RUN_EXTERNAL_ID};
use crate::rest::{ApiError, CheckRun, CheckRunRequest, GitHub, IssueComment, PullRequest, Repo};
use crate::wire::{
    login, ArtifactsPage, CheckRunJson, CheckRunsPage, CommentJson, MembershipJson, PermissionJson,
    PullJson, ReviewJson, UserJson, WorkflowRunsPage,
};
use sqlgate_gate::{Artifact, Review, WorkflowRun};

impl GitHub for OctocrabClient {
    fn authenticated_login(&self) -> Result<String, ApiError> {
        let path = "/user".to_string();
        let what = what("read the token's user", Method::Get, &path);
        let user: UserJson = self.block_on(self.call(&what, Method::Get, &path, None))?;
        Ok(user.login)
    }

    fn list_issue_comments(&self, repo: &Repo, issue: u64) -> Result<Vec<IssueComment>, ApiError> {
        let path = format!("{}/issues/{issue}/comments", repo_path(repo));
        let what = what(
            &format!("list comments on pull request #{issue}"),
            Method::Get,
            &path,
        );
        self.block_on(self.paginate(&what, &path, |page: Vec<CommentJson>| {
            page.into_iter().map(IssueComment::from).collect()
        }))
    }

    fn create_issue_comment(
        &self,
        repo: &Repo,
        issue: u64,
        body: &str,
    ) -> Result<IssueComment, ApiError> {
        let path = format!("{}/issues/{issue}/comments", repo_path(repo));
        let what = what(
            &format!("create comment on pull request #{issue}"),
            Method::Post,
            &path,
        );
        let json = to_json(&what, &CommentBody { body })?;
        let comment: CommentJson =
            self.block_on(self.call(&what, Method::Post, &path, Some(&json)))?;
        Ok(comment.into())
    }

    fn update_issue_comment(
        &self,
        repo: &Repo,
        comment_id: u64,
        body: &str,
    ) -> Result<IssueComment, ApiError> {
        let path = format!("{}/issues/comments/{comment_id}", repo_path(repo));
        let what = what(
            &format!("update comment {comment_id}"),
            Method::Patch,
            &path,
        );
        let json = to_json(&what, &CommentBody { body })?;
        let comment: CommentJson =
            self.block_on(self.call(&what, Method::Patch, &path, Some(&json)))?;
        Ok(comment.into())
    }

    /// Among the runs GitHub lists for this name (its default `filter=latest`), only those
    /// sqlgate created (`external_id`), and of these the one with the highest id: ids
    /// grow, so that is the newest.
    fn find_check_run(
        &self,
        repo: &Repo,
        head_sha: &str,
        name: &str,
    ) -> Result<Option<CheckRun>, ApiError> {
        let path = format!(
            "{}/commits/{}/check-runs?check_name={}",
            repo_path(repo),
            enc(head_sha),
            enc(name)
        );
        let what = what(
            &format!("find check run {name:?} on commit {head_sha}"),
            Method::Get,
            &path,
        );
        let runs =
            self.block_on(self.paginate(&what, &path, |page: CheckRunsPage| page.check_runs))?;
        Ok(runs
            .into_iter()
            .filter(|r| r.name == name && r.external_id.as_deref() == Some(CHECK_RUN_EXTERNAL_ID))
            .max_by_key(|r| r.id)
            .map(CheckRun::from))
    }

    fn create_check_run(
        &self,
        repo: &Repo,
        request: &CheckRunRequest,
    ) -> Result<CheckRun, ApiError> {
        let path = format!("{}/check-runs", repo_path(repo));
        let what = what(
            &format!(
                "create check run {:?} on commit {}",
                request.name, request.head_sha
            ),
            Method::Post,
            &path,
        );
        let json = to_json(&what, &CheckRunBody::new(request, true))?;
        let run: CheckRunJson =
            self.block_on(self.call(&what, Method::Post, &path, Some(&json)))?;
        Ok(run.into())
    }

    fn update_check_run(
        &self,
        repo: &Repo,
        id: u64,
        request: &CheckRunRequest,
    ) -> Result<CheckRun, ApiError> {
        let path = format!("{}/check-runs/{id}", repo_path(repo));
        let what = what(&format!("update check run {id}"), Method::Patch, &path);
        let json = to_json(&what, &CheckRunBody::new(request, false))?;
        let run: CheckRunJson =
            self.block_on(self.call(&what, Method::Patch, &path, Some(&json)))?;
        Ok(run.into())
    }

    fn get_pull_request(&self, repo: &Repo, number: u64) -> Result<PullRequest, ApiError> {
        let path = format!("{}/pulls/{number}", repo_path(repo));
        let what = what(&format!("get pull request #{number}"), Method::Get, &path);
        let pull: PullJson = self.block_on(self.call(&what, Method::Get, &path, None))?;
        Ok(PullRequest {
            number: pull.number,
            author: login(&pull.user),
            body: pull.body.unwrap_or_default(),
            head_sha: pull.head.sha,
            base_sha: pull.base.sha,
        })
    }

    fn list_reviews(&self, repo: &Repo, number: u64) -> Result<Vec<Review>, ApiError> {
        let path = format!("{}/pulls/{number}/reviews", repo_path(repo));
        let what = what(
            &format!("list reviews of pull request #{number}"),
            Method::Get,
            &path,
        );
        self.block_on(self.paginate(&what, &path, |page: Vec<ReviewJson>| {
            page.into_iter().map(Review::from).collect()
        }))
    }

    fn collaborator_permission(&self, repo: &Repo, login: &str) -> Result<String, ApiError> {
        let path = format!(
            "{}/collaborators/{}/permission",
            repo_path(repo),
            enc(login)
        );
        let what = what(
            &format!("get the repository permission of {login}"),
            Method::Get,
            &path,
        );
        let permission: PermissionJson =
            self.block_on(self.call(&what, Method::Get, &path, None))?;
        Ok(permission.permission)
    }

    fn is_team_member(&self, org: &str, team_slug: &str, login: &str) -> Result<bool, ApiError> {
        let path = format!(
            "/orgs/{}/teams/{}/memberships/{}",
            enc(org),
            enc(team_slug),
            enc(login)
        );
        let what = what(
            &format!("check membership of {login} in team {org}/{team_slug}"),
            Method::Get,
            &path,
        );
        match self.block_on(self.call::<MembershipJson>(&what, Method::Get, &path, None)) {
            Ok(membership) => Ok(membership.state == "active"),
            Err(ApiError::Status { status: 404, .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    fn list_workflow_runs(
        &self,
        repo: &Repo,
        workflow_file: &str,
        head_sha: &str,
    ) -> Result<Vec<WorkflowRun>, ApiError> {
        let path = format!(
            "{}/actions/workflows/{}/runs?head_sha={}",
            repo_path(repo),
            enc(workflow_file),
            enc(head_sha)
        );
        let what = what(
            &format!("list the runs of workflow {workflow_file} on commit {head_sha}"),
            Method::Get,
            &path,
        );
        self.block_on(self.paginate(&what, &path, |page: WorkflowRunsPage| {
            page.workflow_runs
                .into_iter()
                .map(WorkflowRun::from)
                .collect()
        }))
    }

    fn list_run_artifacts(&self, repo: &Repo, run_id: u64) -> Result<Vec<Artifact>, ApiError> {
        let path = format!("{}/actions/runs/{run_id}/artifacts", repo_path(repo));
        let what = what(
            &format!("list the artifacts of workflow run {run_id}"),
            Method::Get,
            &path,
        );
        self.block_on(self.paginate(&what, &path, |page: ArtifactsPage| {
            page.artifacts.into_iter().map(Artifact::from).collect()
        }))
    }
}
