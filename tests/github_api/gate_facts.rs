//! What the merge gate reads: the pull request, reviews, permissions, team membership
//! and artifacts.

use serde_json::json;
use sqlgate::github::{ApiError, Artifact, GitHub, PullRequest, Review};
use wiremock::matchers::{method, path, query_param};
use wiremock::Mock;

use crate::support::{fixture, json_response, repo, Server, SHA};

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
