//! The octocrab client against a local mock server answering with GitHub's REST JSON
//! (fixtures/github/*.json, trimmed copies of the documented responses).
//!
//! The client is synchronous and drives its own runtime, so each test keeps a separate
//! small runtime only to start and program the mock server (which serves from its own
//! thread) and calls the client outside of it.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use sqlgate::github::{
    Annotation, AnnotationLevel, ApiError, Artifact, CheckOutput, CheckRun, CheckRunRequest,
    Conclusion, GitHub, IssueComment, OctocrabClient, PullRequest, Repo, RetryPolicy, Review,
};
use tokio::runtime::Runtime;
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "test-token-not-a-secret";
const SHA: &str = "ce587453ced02b1526dfb4cb910479d431683101";

struct Server {
    rt: Runtime,
    mock: MockServer,
}

impl Server {
    fn start() -> Server {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("test runtime");
        let mock = rt.block_on(MockServer::start());
        Server { rt, mock }
    }

    fn mount(&self, mock: Mock) {
        self.rt.block_on(mock.mount(&self.mock));
    }

    fn uri(&self) -> String {
        self.mock.uri()
    }

    /// A client with the token and millisecond backoff.
    fn client(&self, attempts: u32) -> OctocrabClient {
        OctocrabClient::new(&self.uri(), Some(TOKEN), fast(attempts)).expect("client")
    }

    fn requests(&self) -> Vec<Request> {
        self.rt
            .block_on(self.mock.received_requests())
            .expect("request recording is on")
    }

    /// Checks every `expect(..)` on the mounted mocks.
    fn verify(&self) {
        self.rt.block_on(self.mock.verify());
    }
}

fn fast(attempts: u32) -> RetryPolicy {
    RetryPolicy {
        attempts,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(20),
    }
}

fn fixture(name: &str) -> Value {
    let file = format!("{}/fixtures/github/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn repo() -> Repo {
    Repo::parse("octo-org/octo-repo").expect("repo")
}

fn now_epoch() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}

fn json_response(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

/// A comment as GitHub lists it, from the fixture with another id, body and author.
fn comment_json(id: u64, body: &str, login: &str) -> Value {
    let mut comment = fixture("issue_comment");
    comment["id"] = json!(id);
    comment["body"] = json!(body);
    comment["user"]["login"] = json!(login);
    comment["url"] = json!(format!(
        "https://api.github.com/repos/octo-org/octo-repo/issues/comments/{id}"
    ));
    comment
}

fn comment(id: u64, body: &str, author: &str) -> IssueComment {
    IssueComment {
        id,
        body: body.to_string(),
        author: author.to_string(),
    }
}

fn request_json(request: &Request) -> Value {
    serde_json::from_slice(&request.body).expect("JSON request body")
}

// ---- pagination ----

#[test]
fn issue_comments_follow_link_headers_across_three_pages() {
    let server = Server::start();
    let base = server.uri();
    // GitHub's next links use /repositories/{id}/... rather than the path asked for.
    let page_url =
        |page: u32| format!("{base}/repositories/526/issues/7/comments?per_page=100&page={page}");
    server.mount(
        Mock::given(method("GET"))
            .and(path("/repos/octo-org/octo-repo/issues/7/comments"))
            .and(query_param("per_page", "100"))
            .and(query_param_is_missing("page"))
            .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
            .respond_with(
                json_response(
                    200,
                    json!([
                        comment_json(1, "first", "octocat"),
                        comment_json(2, "second", "hubot")
                    ]),
                )
                .insert_header(
                    "link",
                    format!(
                        "<{}>; rel=\"next\", <{}>; rel=\"last\"",
                        page_url(2),
                        page_url(3)
                    )
                    .as_str(),
                ),
            )
            .expect(1),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path("/repositories/526/issues/7/comments"))
            .and(query_param("page", "2"))
            .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
            .respond_with(
                json_response(200, json!([comment_json(3, "third", "octocat")])).insert_header(
                    "link",
                    format!(
                        "<{}>; rel=\"prev\", <{}>; rel=\"next\", <{}>; rel=\"last\", <{}>; rel=\"first\"",
                        page_url(1),
                        page_url(3),
                        page_url(3),
                        page_url(1)
                    )
                    .as_str(),
                ),
            )
            .expect(1),
    );
    // The last page has no rel="next" (and an empty page would not end it earlier).
    server.mount(
        Mock::given(method("GET"))
            .and(path("/repositories/526/issues/7/comments"))
            .and(query_param("page", "3"))
            .respond_with(
                json_response(
                    200,
                    json!([
                        fixture("issue_comment_bot"),
                        fixture("issue_comment_deleted_user")
                    ]),
                )
                .insert_header(
                    "link",
                    format!(
                        "<{}>; rel=\"prev\", <{}>; rel=\"first\"",
                        page_url(2),
                        page_url(1)
                    )
                    .as_str(),
                ),
            )
            .expect(1),
    );

    let comments = server
        .client(1)
        .list_issue_comments(&repo(), 7)
        .expect("comments");

    assert_eq!(
        comments,
        vec![
            comment(1, "first", "octocat"),
            comment(2, "second", "hubot"),
            comment(3, "third", "octocat"),
            comment(
                1082,
                "<!-- sqlgate -->\n## sqlgate\n\n1 error in `db/migrations/0003_drop.up.sql`",
                "github-actions[bot]"
            ),
            // `body: null` and `user: null` (a deleted account, shown as ghost).
            comment(2, "", "ghost"),
        ]
    );
    server.verify();
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn an_empty_page_with_a_next_link_does_not_end_the_listing() {
    let server = Server::start();
    let next = format!(
        "{}/repositories/526/issues/7/comments?per_page=100&page=2",
        server.uri()
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path("/repos/octo-org/octo-repo/issues/7/comments"))
            .and(query_param_is_missing("page"))
            .respond_with(
                json_response(200, json!([]))
                    .insert_header("link", format!("<{next}>; rel=\"next\"").as_str()),
            )
            .expect(1),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path("/repositories/526/issues/7/comments"))
            .and(query_param("page", "2"))
            .respond_with(json_response(
                200,
                json!([comment_json(5, "late", "octocat")]),
            ))
            .expect(1),
    );
    let comments = server
        .client(1)
        .list_issue_comments(&repo(), 7)
        .expect("comments");
    assert_eq!(comments, vec![comment(5, "late", "octocat")]);
    server.verify();
}

// ---- comments ----

#[test]
fn create_comment_posts_the_body_with_the_token_and_github_headers() {
    let server = Server::start();
    let body = "<!-- sqlgate -->\n## sqlgate\n\nNo findings.";
    let mut created = fixture("issue_comment_bot");
    created["body"] = json!(body);
    server.mount(
        Mock::given(method("POST"))
            .and(path("/repos/octo-org/octo-repo/issues/7/comments"))
            .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
            .and(header("accept", "application/vnd.github+json"))
            .and(header("x-github-api-version", "2022-11-28"))
            .and(header("content-type", "application/json"))
            .and(body_json(json!({ "body": body })))
            .respond_with(json_response(201, created))
            .expect(1),
    );
    let comment = server
        .client(3)
        .create_issue_comment(&repo(), 7, body)
        .expect("created");
    assert_eq!(comment, self::comment(1082, body, "github-actions[bot]"));
    server.verify();
}

#[test]
fn update_comment_patches_the_comment_by_id() {
    let server = Server::start();
    let body = "<!-- sqlgate -->\n## sqlgate\n\n2 errors";
    let mut updated = fixture("issue_comment_bot");
    updated["body"] = json!(body);
    server.mount(
        Mock::given(method("PATCH"))
            .and(path("/repos/octo-org/octo-repo/issues/comments/1082"))
            .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
            .and(header("accept", "application/vnd.github+json"))
            .and(body_json(json!({ "body": body })))
            .respond_with(json_response(200, updated))
            .expect(1),
    );
    let comment = server
        .client(3)
        .update_issue_comment(&repo(), 1082, body)
        .expect("updated");
    assert_eq!(comment, self::comment(1082, body, "github-actions[bot]"));
    server.verify();
}

#[test]
fn without_a_token_requests_are_unauthenticated() {
    let server = Server::start();
    server.mount(
        Mock::given(method("GET"))
            .and(path("/repos/octo-org/octo-repo/pulls/7"))
            .respond_with(json_response(200, fixture("pull_request")))
            .expect(3),
    );
    for token in [None, Some(""), Some("  ")] {
        let client = OctocrabClient::new(&server.uri(), token, fast(1)).expect("client");
        client.get_pull_request(&repo(), 7).expect("pull request");
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for request in requests {
        assert_eq!(request.headers.get("authorization"), None);
        assert_eq!(
            request.headers.get("accept").and_then(|v| v.to_str().ok()),
            Some("application/vnd.github+json")
        );
    }
}

// ---- errors and retries ----

#[test]
fn a_forbidden_write_fails_at_once_with_githubs_message() {
    let server = Server::start();
    server.mount(
        Mock::given(method("POST"))
            .and(path("/repos/octo-org/octo-repo/issues/7/comments"))
            .respond_with(json_response(403, fixture("error_not_accessible")))
            .expect(1),
    );
    let error = server
        .client(4)
        .create_issue_comment(&repo(), 7, "hello")
        .expect_err("a fork's read-only token");
    assert_eq!(
        error,
        ApiError::Status {
            what: "create comment on pull request #7 (POST /repos/octo-org/octo-repo/issues/7/comments)"
                .to_string(),
            status: 403,
            message: "Resource not accessible by integration".to_string(),
        }
    );
    assert!(error.is_permission());
    server.verify();
    assert_eq!(server.requests().len(), 1, "a plain 403 is not retried");
}

#[test]
fn client_errors_are_not_retried() {
    for (status, fixture_name, message) in [
        (401, "error_bad_credentials", "Bad credentials"),
        (404, "error_not_found", "Not Found"),
        (422, "error_validation", "Validation Failed"),
    ] {
        let server = Server::start();
        server.mount(
            Mock::given(method("GET"))
                .and(path("/repos/octo-org/octo-repo/pulls/7"))
                .respond_with(json_response(status, fixture(fixture_name))),
        );
        let error = server
            .client(4)
            .get_pull_request(&repo(), 7)
            .expect_err("client error");
        assert_eq!(
            error,
            ApiError::Status {
                what: "get pull request #7 (GET /repos/octo-org/octo-repo/pulls/7)".to_string(),
                status,
                message: message.to_string(),
            }
        );
        assert_eq!(error.is_permission(), status == 404);
        assert_eq!(server.requests().len(), 1, "{status}");
    }
}

#[test]
fn server_errors_are_retried_until_success() {
    let server = Server::start();
    let route = "/repos/octo-org/octo-repo/issues/7/comments";
    server.mount(
        Mock::given(method("POST"))
            .and(path(route))
            .respond_with(json_response(500, fixture("error_server")))
            .up_to_n_times(1)
            .expect(1),
    );
    server.mount(
        Mock::given(method("POST"))
            .and(path(route))
            .respond_with(ResponseTemplate::new(502).set_body_string("<html>Bad Gateway</html>"))
            .up_to_n_times(1)
            .expect(1),
    );
    server.mount(
        Mock::given(method("POST"))
            .and(path(route))
            .and(body_json(json!({ "body": "hello" })))
            .respond_with(json_response(201, fixture("issue_comment")))
            .expect(1),
    );
    let comment = server
        .client(4)
        .create_issue_comment(&repo(), 7, "hello")
        .expect("third attempt succeeds");
    assert_eq!(comment, self::comment(1, "Me too", "octocat"));
    server.verify();
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn server_errors_on_every_attempt_make_the_api_unavailable() {
    let server = Server::start();
    server.mount(
        Mock::given(method("GET"))
            .and(path("/repos/octo-org/octo-repo/pulls/7/reviews"))
            .respond_with(json_response(503, fixture("error_server"))),
    );
    let error = server
        .client(3)
        .list_reviews(&repo(), 7)
        .expect_err("always 503");
    assert_eq!(
        error,
        ApiError::Unavailable {
            what: "list reviews of pull request #7 (GET /repos/octo-org/octo-repo/pulls/7/reviews)"
                .to_string(),
            message: "HTTP 503: Server Error".to_string(),
        }
    );
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn network_errors_are_retried_then_reported() {
    // Port 0 cannot be connected to: every attempt fails at once.
    let client = OctocrabClient::new("http://127.0.0.1:0", Some(TOKEN), fast(2)).expect("client");
    let started = Instant::now();
    let error = client.get_pull_request(&repo(), 7).expect_err("refused");
    match error {
        ApiError::Unavailable { what, message } => {
            assert_eq!(
                what,
                "get pull request #7 (GET /repos/octo-org/octo-repo/pulls/7)"
            );
            assert!(message.contains("Connection refused"), "{message}");
        }
        other => panic!("expected Unavailable, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn a_request_without_answer_times_out_and_is_retried() {
    let server = Server::start();
    server.mount(
        Mock::given(method("GET"))
            .and(path("/repos/octo-org/octo-repo/pulls/7"))
            .respond_with(
                json_response(200, fixture("pull_request")).set_delay(Duration::from_millis(800)),
            ),
    );
    let client = server
        .client(2)
        .with_request_timeout(Duration::from_millis(100));
    let started = Instant::now();
    let error = client.get_pull_request(&repo(), 7).expect_err("too slow");
    assert!(
        matches!(&error, ApiError::Unavailable { message, .. } if message == "no answer within 0.1 s"),
        "{error:?}"
    );
    assert!(started.elapsed() < Duration::from_millis(700));
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn an_exhausted_rate_limit_that_resets_soon_is_waited_for() {
    let server = Server::start();
    let route = "/repos/octo-org/octo-repo/collaborators/octocat/permission";
    let reset = now_epoch() + 1;
    server.mount(
        Mock::given(method("GET"))
            .and(path(route))
            .respond_with(
                json_response(403, fixture("error_rate_limit"))
                    .insert_header("x-ratelimit-limit", "5000")
                    .insert_header("x-ratelimit-remaining", "0")
                    .insert_header("x-ratelimit-used", "5000")
                    .insert_header("x-ratelimit-reset", reset.to_string().as_str())
                    .insert_header("x-ratelimit-resource", "core"),
            )
            .up_to_n_times(1)
            .expect(1),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path(route))
            .respond_with(json_response(200, fixture("collaborator_permission")))
            .expect(1),
    );
    let policy = RetryPolicy {
        attempts: 3,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_secs(2),
    };
    let client = OctocrabClient::new(&server.uri(), Some(TOKEN), policy).expect("client");
    let started = Instant::now();
    let permission = client
        .collaborator_permission(&repo(), "octocat")
        .expect("after the reset");
    assert_eq!(permission, "write");
    // It waited until the reset second began (at most a second), not the backoff.
    let waited = started.elapsed();
    assert!(waited < Duration::from_millis(1900), "{waited:?}");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    server.verify();
}

#[test]
fn a_rate_limit_reset_beyond_max_delay_fails_at_once() {
    let server = Server::start();
    let reset = now_epoch() + 3600;
    server.mount(
        Mock::given(method("GET"))
            .and(path("/repos/octo-org/octo-repo/actions/artifacts"))
            .respond_with(
                json_response(403, fixture("error_rate_limit"))
                    .insert_header("x-ratelimit-remaining", "0")
                    .insert_header("x-ratelimit-reset", reset.to_string().as_str()),
            ),
    );
    let policy = RetryPolicy {
        attempts: 4,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_secs(2),
    };
    let client = OctocrabClient::new(&server.uri(), Some(TOKEN), policy).expect("client");
    let started = Instant::now();
    let error = client.list_artifacts(&repo()).expect_err("rate limited");
    assert_eq!(
        error,
        ApiError::RateLimited {
            what: "list workflow artifacts (GET /repos/octo-org/octo-repo/actions/artifacts)"
                .to_string(),
            reset: Some(reset),
        }
    );
    assert!(!error.is_permission());
    assert!(started.elapsed() < Duration::from_millis(500));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn too_many_requests_honours_retry_after() {
    let server = Server::start();
    let route = "/repos/octo-org/octo-repo/pulls/7";
    server.mount(
        Mock::given(method("GET"))
            .and(path(route))
            .respond_with(
                json_response(429, fixture("error_secondary_rate_limit"))
                    .insert_header("retry-after", "1"),
            )
            .up_to_n_times(1)
            .expect(1),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path(route))
            .respond_with(json_response(200, fixture("pull_request")))
            .expect(1),
    );
    let policy = RetryPolicy {
        attempts: 2,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_secs(2),
    };
    let client = OctocrabClient::new(&server.uri(), Some(TOKEN), policy).expect("client");
    let started = Instant::now();
    client
        .get_pull_request(&repo(), 7)
        .expect("after retry-after");
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(1), "{waited:?}");
    assert!(waited < Duration::from_millis(1900), "{waited:?}");
    server.verify();
}

#[test]
fn a_secondary_rate_limit_longer_than_max_delay_fails_at_once() {
    let server = Server::start();
    server.mount(
        Mock::given(method("POST"))
            .and(path("/repos/octo-org/octo-repo/issues/7/comments"))
            .respond_with(
                json_response(403, fixture("error_secondary_rate_limit"))
                    .insert_header("retry-after", "60"),
            ),
    );
    let error = server
        .client(4)
        .create_issue_comment(&repo(), 7, "hello")
        .expect_err("secondary rate limit");
    assert!(
        matches!(error, ApiError::RateLimited { reset: None, .. }),
        "{error:?}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn rate_limits_that_persist_end_as_rate_limited_after_the_attempts() {
    let server = Server::start();
    server.mount(
        Mock::given(method("GET"))
            .and(path("/repos/octo-org/octo-repo/pulls/7"))
            .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0")),
    );
    let error = server
        .client(3)
        .get_pull_request(&repo(), 7)
        .expect_err("always 429");
    assert!(
        matches!(error, ApiError::RateLimited { reset: None, .. }),
        "{error:?}"
    );
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn a_body_that_is_not_githubs_json_is_a_decode_error() {
    let server = Server::start();
    server.mount(
        Mock::given(method("GET"))
            .and(path("/repos/octo-org/octo-repo/pulls/7"))
            .respond_with(ResponseTemplate::new(200).set_body_string("<html>proxy login</html>")),
    );
    let error = server
        .client(3)
        .get_pull_request(&repo(), 7)
        .expect_err("HTML");
    assert!(matches!(error, ApiError::Decode { .. }), "{error:?}");
    assert_eq!(server.requests().len(), 1);
}

// ---- check runs ----

fn annotation(i: usize) -> Annotation {
    let one_line = i % 2 == 0;
    Annotation {
        path: format!("db/migrations/{i:04}_change.up.sql"),
        start_line: i + 1,
        end_line: if one_line { i + 1 } else { i + 3 },
        start_column: one_line.then_some(1),
        end_column: one_line.then_some(20 + i),
        level: match i % 3 {
            0 => AnnotationLevel::Failure,
            1 => AnnotationLevel::Warning,
            _ => AnnotationLevel::Notice,
        },
        message: format!("finding {i}"),
        title: format!("DS00{} drop-table", i % 10),
        raw_details: (i % 5 == 0).then(|| format!("DROP TABLE t{i};")),
    }
}

fn annotation_json(i: usize) -> Value {
    let a = annotation(i);
    let mut json = json!({
        "path": a.path,
        "start_line": a.start_line,
        "end_line": a.end_line,
        "annotation_level": a.level.as_str(),
        "message": a.message,
        "title": a.title,
    });
    if let (Some(start), Some(end)) = (a.start_column, a.end_column) {
        json["start_column"] = json!(start);
        json["end_column"] = json!(end);
    }
    if let Some(raw) = a.raw_details {
        json["raw_details"] = json!(raw);
    }
    json
}

fn check_request(annotations: usize) -> CheckRunRequest {
    CheckRunRequest {
        name: "sqlgate migrations".to_string(),
        head_sha: SHA.to_string(),
        conclusion: Conclusion::Failure,
        output: CheckOutput {
            title: "sqlgate: 1 error".to_string(),
            summary: "1 error, 0 warnings".to_string(),
            annotations: (0..annotations).map(annotation).collect(),
        },
    }
}

#[test]
fn create_check_run_sends_fifty_annotations() {
    let server = Server::start();
    server.mount(
        Mock::given(method("POST"))
            .and(path("/repos/octo-org/octo-repo/check-runs"))
            .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
            .respond_with(json_response(201, fixture("check_run")))
            .expect(1),
    );
    let run = server
        .client(3)
        .create_check_run(&repo(), &check_request(50))
        .expect("created");
    assert_eq!(
        run,
        CheckRun {
            id: 4,
            name: "sqlgate migrations".to_string(),
            head_sha: SHA.to_string(),
            annotations_count: 50,
        }
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let expected = json!({
        "name": "sqlgate migrations",
        "head_sha": SHA,
        "external_id": "sqlgate",
        "status": "completed",
        "conclusion": "failure",
        "output": {
            "title": "sqlgate: 1 error",
            "summary": "1 error, 0 warnings",
            "annotations": (0..50).map(annotation_json).collect::<Vec<_>>(),
        }
    });
    assert_eq!(request_json(&requests[0]), expected);
    // Spot-check the shapes the helper builds: columns only on one-line annotations.
    assert_eq!(
        request_json(&requests[0])["output"]["annotations"][1],
        json!({
            "path": "db/migrations/0001_change.up.sql",
            "start_line": 2,
            "end_line": 4,
            "annotation_level": "warning",
            "message": "finding 1",
            "title": "DS001 drop-table",
        })
    );
    assert_eq!(
        request_json(&requests[0])["output"]["annotations"][0],
        json!({
            "path": "db/migrations/0000_change.up.sql",
            "start_line": 1,
            "end_line": 1,
            "start_column": 1,
            "end_column": 20,
            "annotation_level": "failure",
            "message": "finding 0",
            "title": "DS000 drop-table",
            "raw_details": "DROP TABLE t0;",
        })
    );
}

#[test]
fn update_check_run_patches_without_head_sha() {
    let server = Server::start();
    let mut request = check_request(2);
    request.conclusion = Conclusion::Neutral;
    server.mount(
        Mock::given(method("PATCH"))
            .and(path("/repos/octo-org/octo-repo/check-runs/4"))
            .and(body_json(json!({
                "name": "sqlgate migrations",
                "status": "completed",
                "conclusion": "neutral",
                "output": {
                    "title": "sqlgate: 1 error",
                    "summary": "1 error, 0 warnings",
                    "annotations": [annotation_json(0), annotation_json(1)],
                }
            })))
            .respond_with(json_response(200, fixture("check_run")))
            .expect(1),
    );
    let run = server
        .client(3)
        .update_check_run(&repo(), 4, &request)
        .expect("updated");
    assert_eq!(run.id, 4);
    server.verify();
}

#[test]
fn a_rejected_check_run_carries_the_validation_message() {
    let server = Server::start();
    server.mount(
        Mock::given(method("POST"))
            .and(path("/repos/octo-org/octo-repo/check-runs"))
            .respond_with(json_response(422, fixture("error_validation"))),
    );
    let error = server
        .client(3)
        .create_check_run(&repo(), &check_request(1))
        .expect_err("422");
    assert_eq!(
        error,
        ApiError::Status {
            what: format!(
                "create check run \"sqlgate migrations\" on commit {SHA} (POST /repos/octo-org/octo-repo/check-runs)"
            ),
            status: 422,
            message: "Validation Failed".to_string(),
        }
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn find_check_run_picks_sqlgates_newest_run() {
    let server = Server::start();
    server.mount(
        Mock::given(method("GET"))
            .and(path(format!(
                "/repos/octo-org/octo-repo/commits/{SHA}/check-runs"
            )))
            .and(query_param("check_name", "sqlgate migrations"))
            .and(query_param("per_page", "100"))
            .respond_with(json_response(200, fixture("check_runs")))
            .expect(1),
    );
    let run = server
        .client(3)
        .find_check_run(&repo(), SHA, "sqlgate migrations")
        .expect("listed");
    // 12 is newer but is a workflow job's own run (no external_id "sqlgate").
    assert_eq!(
        run,
        Some(CheckRun {
            id: 9,
            name: "sqlgate migrations".to_string(),
            head_sha: SHA.to_string(),
            annotations_count: 7,
        })
    );
    server.verify();
}

#[test]
fn find_check_run_without_runs_is_none() {
    let server = Server::start();
    server.mount(
        Mock::given(method("GET"))
            .and(path(format!(
                "/repos/octo-org/octo-repo/commits/{SHA}/check-runs"
            )))
            .and(query_param("check_name", "sqlgate"))
            .respond_with(json_response(
                200,
                json!({ "total_count": 0, "check_runs": [] }),
            ))
            .expect(1),
    );
    let run = server
        .client(3)
        .find_check_run(&repo(), SHA, "sqlgate")
        .expect("listed");
    assert_eq!(run, None);
    server.verify();
}

// ---- pull request, reviews, permissions, teams, artifacts ----

#[test]
fn pull_request_decodes_with_a_null_body() {
    let server = Server::start();
    server.mount(
        Mock::given(method("GET"))
            .and(path("/repos/octo-org/octo-repo/pulls/7"))
            .respond_with(json_response(200, fixture("pull_request"))),
    );
    let pull = server.client(1).get_pull_request(&repo(), 7).expect("pull");
    assert_eq!(
        pull,
        PullRequest {
            number: 7,
            author: "monalisa".to_string(),
            body: String::new(),
            head_sha: SHA.to_string(),
            base_sha: "f4b1e7e6a0b5b0c2f1b8f3d0a9c7e6d5b4a39281".to_string(),
        }
    );
}

#[test]
fn reviews_decode_states_bots_and_null_commits() {
    let server = Server::start();
    server.mount(
        Mock::given(method("GET"))
            .and(path("/repos/octo-org/octo-repo/pulls/7/reviews"))
            .and(query_param("per_page", "100"))
            .respond_with(json_response(200, fixture("reviews"))),
    );
    let reviews = server.client(1).list_reviews(&repo(), 7).expect("reviews");
    let review = |id, author: &str, bot, state: &str, commit: Option<&str>, at: &str| Review {
        id,
        author: author.to_string(),
        author_is_bot: bot,
        state: state.to_string(),
        commit_id: commit.map(str::to_string),
        submitted_at: Some(at.to_string()),
    };
    assert_eq!(
        reviews,
        vec![
            review(
                80,
                "hubot",
                false,
                "COMMENTED",
                Some("6dcb09b5b57875f334f61aebed695e2e4193db5e"),
                "2024-02-27T08:00:00Z"
            ),
            review(
                81,
                "octocat",
                false,
                "APPROVED",
                Some(SHA),
                "2024-02-27T09:30:00Z"
            ),
            review(
                82,
                "dependabot[bot]",
                true,
                "APPROVED",
                None,
                "2024-02-27T09:31:00Z"
            ),
            review(
                83,
                "ghost",
                false,
                "DISMISSED",
                Some("6dcb09b5b57875f334f61aebed695e2e4193db5e"),
                "2024-02-27T10:00:00Z"
            ),
        ]
    );
}

#[test]
fn collaborator_permission_reads_the_permission_field() {
    let server = Server::start();
    server.mount(
        Mock::given(method("GET"))
            .and(path(
                "/repos/octo-org/octo-repo/collaborators/octocat/permission",
            ))
            .respond_with(json_response(200, fixture("collaborator_permission")))
            .expect(1),
    );
    let permission = server
        .client(1)
        .collaborator_permission(&repo(), "octocat")
        .expect("permission");
    // `permission`, not `role_name` ("maintain" maps to "write" there).
    assert_eq!(permission, "write");
    server.verify();
}

#[test]
fn team_membership_is_active_pending_or_absent() {
    let server = Server::start();
    let route = |login: &str| format!("/orgs/octo-org/teams/db-owners/memberships/{login}");
    server.mount(
        Mock::given(method("GET"))
            .and(path(route("octocat")))
            .respond_with(json_response(200, fixture("team_membership"))),
    );
    let mut pending = fixture("team_membership");
    pending["state"] = json!("pending");
    server.mount(
        Mock::given(method("GET"))
            .and(path(route("hubot")))
            .respond_with(json_response(200, pending)),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path(route("monalisa")))
            .respond_with(json_response(404, fixture("error_not_found"))),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path(route("forbidden")))
            .respond_with(json_response(403, fixture("error_not_accessible"))),
    );
    let client = server.client(3);
    assert_eq!(
        client.is_team_member("octo-org", "db-owners", "octocat"),
        Ok(true)
    );
    assert_eq!(
        client.is_team_member("octo-org", "db-owners", "hubot"),
        Ok(false)
    );
    assert_eq!(
        client.is_team_member("octo-org", "db-owners", "monalisa"),
        Ok(false)
    );
    assert!(matches!(
        client.is_team_member("octo-org", "db-owners", "forbidden"),
        Err(ApiError::Status { status: 403, .. })
    ));
    assert_eq!(server.requests().len(), 4);
}

#[test]
fn artifacts_decode_from_the_wrapper_object() {
    let server = Server::start();
    server.mount(
        Mock::given(method("GET"))
            .and(path("/repos/octo-org/octo-repo/actions/artifacts"))
            .and(query_param("per_page", "100"))
            .respond_with(json_response(200, fixture("artifacts")))
            .expect(1),
    );
    let artifacts = server.client(1).list_artifacts(&repo()).expect("artifacts");
    assert_eq!(
        artifacts,
        vec![
            Artifact {
                id: 11,
                name: "sqlgate-backup-7".to_string(),
                expired: false,
                created_at: Some("2020-01-10T14:59:22Z".to_string()),
                expires_at: Some("2020-03-21T14:59:22Z".to_string()),
                head_sha: Some(SHA.to_string()),
            },
            Artifact {
                id: 13,
                name: "sqlgate-backup-6".to_string(),
                expired: true,
                created_at: Some("2020-01-10T14:59:22Z".to_string()),
                expires_at: Some("2020-01-21T14:59:22Z".to_string()),
                head_sha: Some("178f4f6090b3fccad4a65b3e83d076a622d59652".to_string()),
            },
        ]
    );
    server.verify();
}

// ---- GitHub Enterprise Server ----

#[test]
fn an_api_url_with_a_path_prefix_keeps_it_on_every_request() {
    let server = Server::start();
    let api = format!("{}/api/v3", server.uri());
    let next = format!("{api}/repositories/526/actions/artifacts?per_page=100&page=2");
    let mut first = fixture("artifacts");
    first["artifacts"] = json!([first["artifacts"][0].clone()]);
    let mut second = fixture("artifacts");
    second["artifacts"] = json!([second["artifacts"][1].clone()]);
    server.mount(
        Mock::given(method("GET"))
            .and(path("/api/v3/repos/octo-org/octo-repo/actions/artifacts"))
            .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
            .respond_with(
                json_response(200, first)
                    .insert_header("link", format!("<{next}>; rel=\"next\"").as_str()),
            )
            .expect(1),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path("/api/v3/repositories/526/actions/artifacts"))
            .and(query_param("page", "2"))
            .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
            .respond_with(json_response(200, second))
            .expect(1),
    );
    server.mount(
        Mock::given(method("POST"))
            .and(path("/api/v3/repos/octo-org/octo-repo/issues/7/comments"))
            .respond_with(json_response(201, fixture("issue_comment")))
            .expect(1),
    );
    // A trailing slash on GITHUB_API_URL changes nothing.
    let client = OctocrabClient::new(&format!("{api}/"), Some(TOKEN), fast(1)).expect("client");
    assert_eq!(client.base_url(), api);
    let artifacts = client.list_artifacts(&repo()).expect("artifacts");
    assert_eq!(
        artifacts.iter().map(|a| a.id).collect::<Vec<_>>(),
        vec![11, 13]
    );
    client
        .create_issue_comment(&repo(), 7, "hello")
        .expect("comment");
    server.verify();
    assert!(server
        .requests()
        .iter()
        .all(|r| r.url.path().starts_with("/api/v3/")));
}

#[test]
fn bad_api_urls_and_tokens_are_setup_errors() {
    for url in ["", "api.github.com", "ftp://example.com", "https://"] {
        assert!(
            matches!(
                OctocrabClient::new(url, None, RetryPolicy::default()),
                Err(ApiError::Setup(_))
            ),
            "{url:?}"
        );
    }
    assert!(matches!(
        OctocrabClient::new(
            "https://api.github.com",
            Some("ghs_a\nb"),
            RetryPolicy::default()
        ),
        Err(ApiError::Setup(_))
    ));
    let client = OctocrabClient::new(
        "https://api.github.com",
        Some(TOKEN),
        RetryPolicy::default(),
    )
    .expect("https client");
    assert_eq!(client.base_url(), "https://api.github.com");
}
