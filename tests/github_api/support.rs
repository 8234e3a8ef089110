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
