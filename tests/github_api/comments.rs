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
