//! The mock server with its runtime, a client pointed at it, and GitHub's JSON from the
//! fixtures.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use sqlgate::github::{IssueComment, OctocrabClient, Repo, RetryPolicy};
use tokio::runtime::Runtime;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

pub const TOKEN: &str = "test-token-not-a-secret";
pub const SHA: &str = "ce587453ced02b1526dfb4cb910479d431683101";

pub struct Server {
    rt: Runtime,
    mock: MockServer,
}

impl Server {
    pub fn start() -> Server {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("test runtime");
        let mock = rt.block_on(MockServer::start());
        Server { rt, mock }
    }

    pub fn mount(&self, mock: Mock) {
        self.rt.block_on(mock.mount(&self.mock));
    }

    pub fn uri(&self) -> String {
        self.mock.uri()
    }

    /// A client with the token and millisecond backoff.
    pub fn client(&self, attempts: u32) -> OctocrabClient {
        OctocrabClient::new(&self.uri(), Some(TOKEN), fast(attempts)).expect("client")
    }

    pub fn requests(&self) -> Vec<Request> {
        self.rt
            .block_on(self.mock.received_requests())
            .expect("request recording is on")
    }

    /// Checks every `expect(..)` on the mounted mocks.
    pub fn verify(&self) {
        self.rt.block_on(self.mock.verify());
    }
}

pub fn fast(attempts: u32) -> RetryPolicy {
    RetryPolicy {
        attempts,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(20),
    }
}

pub fn fixture(name: &str) -> Value {
    let file = format!("{}/fixtures/github/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
}

pub fn repo() -> Repo {
    Repo::parse("octo-org/octo-repo").expect("repo")
}

pub fn now_epoch() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}

pub fn json_response(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

/// A comment as GitHub lists it, from the fixture with another id, body and author.
pub fn comment_json(id: u64, body: &str, login: &str) -> Value {
    let mut comment = fixture("issue_comment");
    comment["id"] = json!(id);
    comment["body"] = json!(body);
    comment["user"]["login"] = json!(login);
    comment["url"] = json!(format!(
        "https://api.github.com/repos/octo-org/octo-repo/issues/comments/{id}"
    ));
    comment
}

pub fn comment(id: u64, body: &str, author: &str) -> IssueComment {
    IssueComment {
        id,
        body: body.to_string(),
        author: author.to_string(),
    }
}

pub fn request_json(request: &Request) -> Value {
    serde_json::from_slice(&request.body).expect("JSON request body")
}

/// One of `workflow_runs[]` as GET /repos/{owner}/{repo}/actions/workflows/{file}/runs
/// returns it (GitHub's documented example, with another id, workflow file, head and outcome).
pub fn workflow_run_json(id: u64, file: &str, head_sha: &str, conclusion: Option<&str>) -> Value {
    let status = if conclusion.is_some() {
        "completed"
    } else {
        "in_progress"
    };
    json!({
        "id": id,
        "name": "Pre-migration backup",
        "node_id": "MDEyOldvcmtmbG93IFJ1bjI2OTI4OQ==",
        "head_branch": "add-index",
        "head_sha": head_sha,
        "path": format!(".github/workflows/{file}"),
        "display_title": "Add an index",
        "run_number": 562,
        "event": "pull_request",
        "status": status,
        "conclusion": conclusion,
        "workflow_id": 159038,
        "check_suite_id": 414944374,
        "check_suite_node_id": "MDEwOkNoZWNrU3VpdGU0MTQ5NDQzNzQ=",
        "url": format!("https://api.github.com/repos/octo-org/octo-repo/actions/runs/{id}"),
        "html_url": format!("https://github.com/octo-org/octo-repo/actions/runs/{id}"),
        "pull_requests": [],
        "created_at": "2020-01-22T19:33:08Z",
        "updated_at": "2020-01-22T19:33:08Z",
        "actor": {"login": "octocat", "id": 1, "type": "User", "site_admin": false},
        "run_attempt": 1,
        "run_started_at": "2020-01-22T19:33:08Z",
        "triggering_actor": {"login": "octocat", "id": 1, "type": "User", "site_admin": false},
        "jobs_url": format!("https://api.github.com/repos/octo-org/octo-repo/actions/runs/{id}/jobs"),
        "logs_url": format!("https://api.github.com/repos/octo-org/octo-repo/actions/runs/{id}/logs"),
        "check_suite_url": "https://api.github.com/repos/octo-org/octo-repo/check-suites/414944374",
        "artifacts_url": format!("https://api.github.com/repos/octo-org/octo-repo/actions/runs/{id}/artifacts"),
        "cancel_url": format!("https://api.github.com/repos/octo-org/octo-repo/actions/runs/{id}/cancel"),
        "rerun_url": format!("https://api.github.com/repos/octo-org/octo-repo/actions/runs/{id}/rerun"),
        "workflow_url": "https://api.github.com/repos/octo-org/octo-repo/actions/workflows/159038",
        "head_commit": {
            "id": head_sha,
            "tree_id": "d23f6eedb1e1b9610bbc754ddb5197bfe7271223",
            "message": "Add an index",
            "timestamp": "2020-01-22T19:33:05Z",
            "author": {"name": "Mona Octocat", "email": "mona@github.com"},
            "committer": {"name": "Mona Octocat", "email": "mona@github.com"}
        },
        "repository": {"id": 1296269, "full_name": "octo-org/octo-repo"},
        "head_repository": {"id": 217723378, "full_name": "octo-org/octo-repo"}
    })
}

/// A page of workflow runs: `{"total_count", "workflow_runs"}`.
pub fn workflow_runs_page(total: usize, runs: Vec<Value>) -> Value {
    json!({"total_count": total, "workflow_runs": runs})
}
