//! The mock GitHub REST API: its shared state (comments, check runs, the pull request,
//! reviews, permissions, workflow runs and their artifacts), the responders that serve it,
//! and the runtime that starts it. There is no repository-wide artifact listing
//! (`/actions/artifacts`): sqlgate must find backup artifacts through a workflow's runs.

use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const MARKER: &str = "<!-- sqlgate:pr-comment -->";
pub use crate::common::OWNER_REPO;

/// What the mock GitHub holds, shared with its responders.
#[derive(Default)]
pub struct State {
    /// (id, body, author)
    pub comments: Vec<(u64, String, String)>,
    /// Check runs as GitHub returns them.
    pub runs: Vec<Value>,
    /// (method, path, annotations in the request) of every check-run write.
    pub run_writes: Vec<(String, String, usize)>,
    pub comment_writes: Vec<String>,
    pub next_id: u64,
    /// The pull request as GET /pulls/7 serves it: (body, head sha, base sha); 404 until set.
    pub pull: Option<(String, String, String)>,
    /// Reviews as GitHub returns them, oldest first.
    pub reviews: Vec<Value>,
    /// Answer every reviews request with this status instead (a GitHub outage).
    pub reviews_status: Option<u16>,
    /// Repository permission by login; others get 404 (not a collaborator).
    pub permissions: Vec<(String, String)>,
    /// The workflow files the repository has (`backup.yml`); runs of any other answer 404.
    pub workflows: Vec<String>,
    /// Workflow runs as GitHub returns them (`path` says which workflow file).
    pub workflow_runs: Vec<Value>,
    /// Artifacts as GitHub returns them, by the id of the run that uploaded them.
    pub run_artifacts: Vec<(u64, Value)>,
}

pub type Shared = Arc<Mutex<State>>;

fn comment_json(id: u64, body: &str, author: &str) -> Value {
    json!({
        "id": id,
        "node_id": format!("IC_{id}"),
        "url": format!("https://api.github.com/repos/{OWNER_REPO}/issues/comments/{id}"),
        "html_url": format!("https://github.com/{OWNER_REPO}/pull/7#issuecomment-{id}"),
        "body": body,
        "user": {"login": author, "id": 41898282, "type": if author.ends_with("[bot]") { "Bot" } else { "User" }},
        "created_at": "2026-11-21T10:00:00Z",
        "updated_at": "2026-11-21T10:00:00Z",
        "author_association": "NONE"
    })
}

/// GET /repos/{o}/{r}/issues/7/comments, two per page with GitHub's `Link` header, so the
/// sticky comment is only found by following pagination.
struct ListComments(Shared, String);

impl Respond for ListComments {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let state = self.0.lock().unwrap();
        let page: usize = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "page")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(1);
        let per_page = 2;
        let items: Vec<Value> = state
            .comments
            .iter()
            .skip((page - 1) * per_page)
            .take(per_page)
            .map(|(id, body, author)| comment_json(*id, body, author))
            .collect();
        let pages = state.comments.len().div_ceil(per_page).max(1);
        let mut response = ResponseTemplate::new(200).set_body_json(items);
        if page < pages {
            let base = format!("{}/repos/{OWNER_REPO}/issues/7/comments", self.1);
            response = response.insert_header(
                "link",
                format!(
                    "<{base}?per_page={per_page}&page={}>; rel=\"next\", <{base}?per_page={per_page}&page={pages}>; rel=\"last\"",
                    page + 1
                ),
            );
        }
        response
    }
}

struct CreateComment(Shared);

impl Respond for CreateComment {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let mut state = self.0.lock().unwrap();
        state.next_id += 1;
        let id = 1000 + state.next_id;
        let text = body["body"].as_str().unwrap().to_string();
        state
            .comments
            .push((id, text.clone(), "github-actions[bot]".to_string()));
        state.comment_writes.push("create".to_string());
        ResponseTemplate::new(201).set_body_json(comment_json(id, &text, "github-actions[bot]"))
    }
}

struct UpdateComment(Shared);

impl Respond for UpdateComment {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let id: u64 = request
            .url
            .path()
            .rsplit('/')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let text = body["body"].as_str().unwrap().to_string();
        let mut state = self.0.lock().unwrap();
        state.comment_writes.push(format!("update {id}"));
        match state.comments.iter_mut().find(|c| c.0 == id) {
            Some(comment) => {
                comment.1 = text.clone();
                let author = comment.2.clone();
                ResponseTemplate::new(200).set_body_json(comment_json(id, &text, &author))
            }
            None => ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"})),
        }
    }
}

fn run_json(id: u64, request: &Value, annotations_count: usize) -> Value {
    json!({
        "id": id,
        "head_sha": request["head_sha"],
        "node_id": format!("CR_{id}"),
        "external_id": request.get("external_id").cloned().unwrap_or(json!("")),
        "url": format!("https://api.github.com/repos/{OWNER_REPO}/check-runs/{id}"),
        "html_url": format!("https://github.com/{OWNER_REPO}/runs/{id}"),
        "status": "completed",
        "conclusion": request["conclusion"],
        "started_at": "2026-11-21T10:00:00Z",
        "completed_at": "2026-11-21T10:00:01Z",
        "output": {
            "title": request["output"]["title"],
            "summary": request["output"]["summary"],
            "text": null,
            "annotations_count": annotations_count,
            "annotations_url": format!("https://api.github.com/repos/{OWNER_REPO}/check-runs/{id}/annotations")
        },
        "name": request["name"],
        "check_suite": {"id": 5},
        "app": {"id": 15368, "slug": "github-actions", "name": "GitHub Actions"},
        "pull_requests": []
    })
}

/// POST /check-runs, PATCH /check-runs/{id} and GET /commits/{sha}/check-runs.
struct CheckRuns(Shared);

impl Respond for CheckRuns {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = self.0.lock().unwrap();
        let path = request.url.path().to_string();
        if request.method.as_str() == "GET" {
            let name = request
                .url
                .query_pairs()
                .find(|(k, _)| k == "check_name")
                .map(|(_, v)| v.to_string());
            let sha = path.split('/').nth(5).unwrap_or_default().to_string();
            let runs: Vec<Value> = state
                .runs
                .iter()
                .rev()
                .filter(|r| r["head_sha"] == sha.as_str())
                .filter(|r| name.as_deref().is_none_or(|n| r["name"] == n))
                .cloned()
                .collect();
            return ResponseTemplate::new(200)
                .set_body_json(json!({"total_count": runs.len(), "check_runs": runs}));
        }
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let annotations = body["output"]["annotations"].as_array().map_or(0, Vec::len);
        state
            .run_writes
            .push((request.method.to_string(), path.clone(), annotations));
        if request.method.as_str() == "POST" {
            let id = 500 + state.runs.len() as u64;
            let run = run_json(id, &body, annotations);
            state.runs.push(run.clone());
            ResponseTemplate::new(201).set_body_json(run)
        } else {
            let id: u64 = path.rsplit('/').next().unwrap().parse().unwrap();
            let Some(run) = state.runs.iter_mut().find(|r| r["id"] == id) else {
                return ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"}));
            };
            let count = run["output"]["annotations_count"].as_u64().unwrap() as usize + annotations;
            let mut merged = body.clone();
            merged["head_sha"] = run["head_sha"].clone();
            merged["external_id"] = run["external_id"].clone();
            *run = run_json(id, &merged, count);
            ResponseTemplate::new(200).set_body_json(run.clone())
        }
    }
}

fn user_json(login: &str) -> Value {
    json!({
        "login": login,
        "id": login.len() as u64 * 1000 + 7,
        "node_id": format!("U_{login}"),
        "type": if login.ends_with("[bot]") { "Bot" } else { "User" },
        "site_admin": false
    })
}

pub fn review_json(id: u64, login: &str, state: &str, commit: &str, at: &str) -> Value {
    json!({
        "id": id,
        "node_id": format!("PRR_{id}"),
        "user": user_json(login),
        "body": "",
        "state": state,
        "html_url": format!("https://github.com/{OWNER_REPO}/pull/7#pullrequestreview-{id}"),
        "pull_request_url": format!("https://api.github.com/repos/{OWNER_REPO}/pulls/7"),
        "author_association": "MEMBER",
        "submitted_at": at,
        "commit_id": commit
    })
}

/// GET /pulls/7, /pulls/7/reviews and /collaborators/{login}/permission, from the shared
/// state.
struct GateFacts(Shared);

impl Respond for GateFacts {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let state = self.0.lock().unwrap();
        let path = request.url.path();
        let not_found = || {
            ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found", "documentation_url": "https://docs.github.com/rest", "status": "404"}))
        };
        if path.ends_with("/pulls/7/reviews") {
            if let Some(status) = state.reviews_status {
                return ResponseTemplate::new(status)
                    .set_body_json(json!({"message": "Server Error"}));
            }
            return ResponseTemplate::new(200).set_body_json(state.reviews.clone());
        }
        if path.ends_with("/pulls/7") {
            let Some((body, head, base)) = &state.pull else {
                return not_found();
            };
            return ResponseTemplate::new(200).set_body_json(json!({
                "url": format!("https://api.github.com/repos/{OWNER_REPO}/pulls/7"),
                "id": 1,
                "number": 7,
                "state": "open",
                "title": "Drop users",
                "user": user_json("alice"),
                "body": body,
                "head": {"label": "acme:feature", "ref": "feature", "sha": head, "user": user_json("alice"), "repo": {"full_name": OWNER_REPO}},
                "base": {"label": "acme:main", "ref": "main", "sha": base, "user": user_json("acme"), "repo": {"full_name": OWNER_REPO}},
                "draft": false,
                "merged": false
            }));
        }
        if path.ends_with("/permission") {
            let login = path.split('/').nth(5).unwrap_or_default();
            return match state.permissions.iter().find(|(l, _)| l == login) {
                Some((_, permission)) => ResponseTemplate::new(200).set_body_json(json!({
                    "permission": permission,
                    "role_name": permission,
                    "user": user_json(login)
                })),
                None => not_found(),
            };
        }
        not_found()
    }
}

/// GET /actions/workflows/{file}/runs?head_sha=… and /actions/runs/{id}/artifacts, from the
/// shared state, as GitHub answers them (404 for a workflow the repository does not have).
struct Actions(Shared);

impl Respond for Actions {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let state = self.0.lock().unwrap();
        let path = request.url.path();
        let segments: Vec<&str> = path.split('/').collect();
        if path.ends_with("/artifacts") {
            let run: u64 = segments[6].parse().unwrap();
            let artifacts: Vec<&Value> = state
                .run_artifacts
                .iter()
                .filter(|(id, _)| *id == run)
                .map(|(_, a)| a)
                .collect();
            return ResponseTemplate::new(200)
                .set_body_json(json!({"total_count": artifacts.len(), "artifacts": artifacts}));
        }
        let file = segments[6];
        if !state.workflows.iter().any(|w| w == file) {
            return ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found", "documentation_url": "https://docs.github.com/rest/actions/workflow-runs#list-workflow-runs-for-a-workflow", "status": "404"}));
        }
        let head = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "head_sha")
            .map(|(_, v)| v.to_string());
        let workflow_path = format!(".github/workflows/{file}");
        let runs: Vec<&Value> = state
            .workflow_runs
            .iter()
            .filter(|r| r["path"] == workflow_path.as_str())
            .filter(|r| head.as_deref().is_none_or(|h| r["head_sha"] == h))
            .collect();
        ResponseTemplate::new(200)
            .set_body_json(json!({"total_count": runs.len(), "workflow_runs": runs}))
    }
}

/// A workflow run as GitHub lists it: of `.github/workflows/{file}`, on `head`, completed
/// with `conclusion`.
pub fn workflow_run_json(id: u64, file: &str, head: &str, conclusion: &str) -> Value {
    json!({
        "id": id,
        "name": "Pre-migration backup",
        "node_id": format!("WFR_{id}"),
        "head_branch": "feature",
        "head_sha": head,
        "path": format!(".github/workflows/{file}"),
        "display_title": "Drop users",
        "run_number": 12,
        "event": "pull_request",
        "status": "completed",
        "conclusion": conclusion,
        "workflow_id": 4242,
        "url": format!("https://api.github.com/repos/{OWNER_REPO}/actions/runs/{id}"),
        "html_url": format!("https://github.com/{OWNER_REPO}/actions/runs/{id}"),
        "pull_requests": [],
        "created_at": "2026-11-21T10:00:00Z",
        "updated_at": "2026-11-21T10:02:00Z",
        "run_attempt": 1,
        "run_started_at": "2026-11-21T10:00:00Z",
        "artifacts_url": format!("https://api.github.com/repos/{OWNER_REPO}/actions/runs/{id}/artifacts"),
        "head_commit": {"id": head, "message": "drop users"},
        "repository": {"full_name": OWNER_REPO},
        "head_repository": {"full_name": OWNER_REPO}
    })
}

/// An artifact of run `run` as GitHub lists it, created at `created_at` (RFC 3339).
pub fn artifact_json(id: u64, name: &str, run: u64, head: &str, created_at: &str) -> Value {
    json!({
        "id": id,
        "node_id": format!("MDg6QXJ0aWZhY3Q{id}"),
        "name": name,
        "size_in_bytes": 2_411_724,
        "url": format!("https://api.github.com/repos/{OWNER_REPO}/actions/artifacts/{id}"),
        "archive_download_url": format!("https://api.github.com/repos/{OWNER_REPO}/actions/artifacts/{id}/zip"),
        "expired": false,
        "created_at": created_at,
        "expires_at": "2099-01-01T00:00:00Z",
        "updated_at": created_at,
        "digest": null,
        "workflow_run": {
            "id": run,
            "repository_id": 1,
            "head_repository_id": 1,
            "head_branch": "feature",
            "head_sha": head
        }
    })
}

fn forbidden() -> ResponseTemplate {
    ResponseTemplate::new(403).set_body_json(json!({
        "message": "Resource not accessible by integration",
        "documentation_url": "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
        "status": "403"
    }))
}

/// A mock GitHub with three human comments already on pull request #7. With `read_only`,
/// writes answer 403 like a fork's token gets.
pub fn mock_github(runtime: &tokio::runtime::Runtime, read_only: bool) -> (MockServer, Shared) {
    let server = runtime.block_on(MockServer::start());
    let state: Shared = Arc::default();
    {
        let mut s = state.lock().unwrap();
        for (id, body) in [
            (1, "Looks risky, please double-check the drop."),
            (
                2,
                "> <!-- sqlgate:pr-comment -->\n> quoting the bot is not the bot",
            ),
            (3, "LGTM once backed up"),
        ] {
            s.comments.push((id, body.to_string(), "carol".to_string()));
        }
    }
    let comments = format!("/repos/{OWNER_REPO}/issues/7/comments");
    runtime.block_on(async {
        // Actions' GITHUB_TOKEN is an installation token: GET /user is not for it.
        Mock::given(method("GET"))
            .and(path("/user"))
            .respond_with(ResponseTemplate::new(403).set_body_json(json!({
                "message": "Resource not accessible by integration",
                "documentation_url": "https://docs.github.com/rest/users/users#get-the-authenticated-user",
                "status": "403"
            })))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(comments.as_str()))
            .respond_with(ListComments(state.clone(), server.uri()))
            .mount(&server)
            .await;
        let create = Mock::given(method("POST")).and(path(comments.as_str()));
        if read_only {
            create.respond_with(forbidden()).mount(&server).await;
        } else {
            create
                .respond_with(CreateComment(state.clone()))
                .mount(&server)
                .await;
        }
        Mock::given(method("PATCH"))
            .and(path_regex(format!(
                r"^/repos/{OWNER_REPO}/issues/comments/\d+$"
            )))
            .respond_with(UpdateComment(state.clone()))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path_regex(format!(
                r"^/repos/{OWNER_REPO}/commits/[0-9a-f]+/check-runs$"
            )))
            .respond_with(CheckRuns(state.clone()))
            .mount(&server)
            .await;
        let runs = Mock::given(method("POST")).and(path(format!("/repos/{OWNER_REPO}/check-runs")));
        if read_only {
            runs.respond_with(forbidden()).mount(&server).await;
        } else {
            runs.respond_with(CheckRuns(state.clone()))
                .mount(&server)
                .await;
        }
        Mock::given(method("PATCH"))
            .and(path_regex(format!(r"^/repos/{OWNER_REPO}/check-runs/\d+$")))
            .respond_with(CheckRuns(state.clone()))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path_regex(format!(
                r"^/repos/{OWNER_REPO}/(pulls/7|pulls/7/reviews|collaborators/[^/]+/permission)$"
            )))
            .respond_with(GateFacts(state.clone()))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path_regex(format!(
                r"^/repos/{OWNER_REPO}/actions/(workflows/[^/]+/runs|runs/\d+/artifacts)$"
            )))
            .respond_with(Actions(state.clone()))
            .mount(&server)
            .await;
    });
    (server, state)
}

/// A runtime only to start and program the mock server, which serves from its own thread
/// while the test runs the sqlgate binary.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

pub fn set_pull(state: &Shared, body: &str, head: &str, base: &str) {
    state.lock().unwrap().pull = Some((body.to_string(), head.to_string(), base.to_string()));
}

pub fn requests_to(runtime: &tokio::runtime::Runtime, server: &MockServer, suffix: &str) -> usize {
    runtime
        .block_on(server.received_requests())
        .unwrap()
        .iter()
        .filter(|r| r.url.path().ends_with(suffix))
        .count()
}
