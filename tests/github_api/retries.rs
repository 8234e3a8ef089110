//! Errors and retries: which answers are retried, timeouts, rate limits and bodies
//! that are not GitHub's JSON.

use std::time::{Duration, Instant};

use serde_json::json;
use sqlgate::github::{ApiError, GitHub, OctocrabClient, RetryPolicy};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::support::{comment, fast, fixture, json_response, now_epoch, repo, Server, TOKEN};

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
            .and(path(
                "/repos/octo-org/octo-repo/actions/workflows/backup.yml/runs",
            ))
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
    let error = client
        .list_workflow_runs(
            &repo(),
            "backup.yml",
            "ce587453ced02b1526dfb4cb910479d431683101",
        )
        .expect_err("rate limited");
    assert_eq!(
        error,
        ApiError::RateLimited {
            what: "list the runs of workflow backup.yml on commit \
                   ce587453ced02b1526dfb4cb910479d431683101 \
                   (GET /repos/octo-org/octo-repo/actions/workflows/backup.yml/runs)"
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
