//! Creating and updating comments: bodies, the token and GitHub's headers.

use serde_json::json;
use sqlgate::github::{GitHub, OctocrabClient};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::Mock;

use crate::support::{comment, fast, fixture, json_response, repo, Server, TOKEN};

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

#[test]
fn the_tokens_user_is_read_from_get_user_and_a_403_is_reported_as_such() {
    let server = Server::start();
    // A personal token: GitHub's "get the authenticated user" answer, trimmed.
    server.mount(
        Mock::given(method("GET"))
            .and(path("/user"))
            .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
            .respond_with(json_response(
                200,
                json!({"login": "octocat", "id": 1, "node_id": "MDQ6VXNlcjE=", "type": "User", "site_admin": false}),
            ))
            .expect(1),
    );
    assert_eq!(
        server.client(3).authenticated_login().expect("login"),
        "octocat"
    );
    server.verify();

    // An installation token (Actions' GITHUB_TOKEN): 403, not retried.
    let server = Server::start();
    server.mount(
        Mock::given(method("GET"))
            .and(path("/user"))
            .respond_with(json_response(
                403,
                json!({"message": "Resource not accessible by integration", "documentation_url": "https://docs.github.com/rest/users/users#get-the-authenticated-user", "status": "403"}),
            ))
            .expect(1),
    );
    match server.client(3).authenticated_login() {
        Err(sqlgate::github::ApiError::Status {
            status, message, ..
        }) => {
            assert_eq!(status, 403);
            assert_eq!(message, "Resource not accessible by integration");
        }
        other => panic!("expected a 403, got {other:?}"),
    }
    server.verify();
}
