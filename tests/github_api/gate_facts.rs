//! What the merge gate reads: the pull request, reviews, permissions, team membership,
//! and the backup workflow's runs on the head and their artifacts.

use serde_json::json;
use sqlgate::github::{ApiError, Artifact, GitHub, PullRequest, Review, WorkflowRun};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::Mock;

use crate::support::{
    fixture, json_response, repo, workflow_run_json, workflow_runs_page, Server, SHA,
};

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
fn workflow_runs_are_listed_through_the_workflow_on_the_head_across_pages() {
    let server = Server::start();
    let route = "/repos/octo-org/octo-repo/actions/workflows/backup.yml/runs";
    let next = format!(
        "{}/repositories/526/actions/workflows/159038/runs?head_sha={SHA}&per_page=100&page=2",
        server.uri()
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path(route))
            .and(query_param("head_sha", SHA))
            .and(query_param("per_page", "100"))
            .and(query_param_is_missing("page"))
            .respond_with(
                json_response(
                    200,
                    workflow_runs_page(
                        2,
                        vec![workflow_run_json(
                            30433642,
                            "backup.yml",
                            SHA,
                            Some("success"),
                        )],
                    ),
                )
                .insert_header("link", format!("<{next}>; rel=\"next\"").as_str()),
            )
            .expect(1),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path("/repositories/526/actions/workflows/159038/runs"))
            .and(query_param("page", "2"))
            .respond_with(json_response(
                200,
                workflow_runs_page(
                    2,
                    vec![workflow_run_json(30433643, "backup.yml", SHA, None)],
                ),
            ))
            .expect(1),
    );
    let runs = server
        .client(1)
        .list_workflow_runs(&repo(), "backup.yml", SHA)
        .expect("runs");
    assert_eq!(
        runs,
        vec![
            WorkflowRun {
                id: 30433642,
                name: "Pre-migration backup".to_string(),
                path: ".github/workflows/backup.yml".to_string(),
                head_sha: SHA.to_string(),
                event: "pull_request".to_string(),
                status: "completed".to_string(),
                conclusion: Some("success".to_string()),
                created_at: Some("2020-01-22T19:33:08Z".to_string()),
            },
            WorkflowRun {
                id: 30433643,
                name: "Pre-migration backup".to_string(),
                path: ".github/workflows/backup.yml".to_string(),
                head_sha: SHA.to_string(),
                event: "pull_request".to_string(),
                status: "in_progress".to_string(),
                conclusion: None,
                created_at: Some("2020-01-22T19:33:08Z".to_string()),
            },
        ]
    );
    server.verify();
    // Never the repository-wide artifact listing.
    assert!(server
        .requests()
        .iter()
        .all(|r| !r.url.path().ends_with("/actions/artifacts")));
}

#[test]
fn the_workflow_file_name_is_one_encoded_path_segment() {
    let server = Server::start();
    server.mount(
        Mock::given(method("GET"))
            .and(path(
                "/repos/octo-org/octo-repo/actions/workflows/pre%2Bmigration%20backup.yml/runs",
            ))
            .and(query_param("head_sha", SHA))
            .respond_with(json_response(200, workflow_runs_page(0, vec![])))
            .expect(1),
    );
    let runs = server
        .client(1)
        .list_workflow_runs(&repo(), "pre+migration backup.yml", SHA)
        .expect("runs");
    assert!(runs.is_empty());
    server.verify();
}

#[test]
fn a_workflow_that_does_not_exist_is_a_404() {
    let server = Server::start();
    server.mount(
        Mock::given(method("GET"))
            .and(path(
                "/repos/octo-org/octo-repo/actions/workflows/backup.yml/runs",
            ))
            .respond_with(json_response(404, fixture("error_not_found")))
            .expect(1),
    );
    let error = server
        .client(3)
        .list_workflow_runs(&repo(), "backup.yml", SHA)
        .expect_err("no such workflow");
    assert!(
        matches!(error, ApiError::Status { status: 404, .. }),
        "{error:?}"
    );
    assert!(error.to_string().starts_with(
        "list the runs of workflow backup.yml on commit ce587453ced02b1526dfb4cb910479d431683101 \
         (GET /repos/octo-org/octo-repo/actions/workflows/backup.yml/runs): GitHub answered 404"
    ));
    // A 404 is an answer, not retried.
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn run_artifacts_decode_from_the_wrapper_object_across_pages() {
    let server = Server::start();
    let route = "/repos/octo-org/octo-repo/actions/runs/2332938/artifacts";
    let next = format!("{}{route}?per_page=100&page=2", server.uri());
    let mut first = fixture("artifacts");
    first["artifacts"] = json!([first["artifacts"][0].clone()]);
    let mut second = fixture("artifacts");
    second["artifacts"] = json!([second["artifacts"][1].clone()]);
    server.mount(
        Mock::given(method("GET"))
            .and(path(route))
            .and(query_param("per_page", "100"))
            .and(query_param_is_missing("page"))
            .respond_with(
                json_response(200, first)
                    .insert_header("link", format!("<{next}>; rel=\"next\"").as_str()),
            )
            .expect(1),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path(route))
            .and(query_param("page", "2"))
            .respond_with(json_response(200, second))
            .expect(1),
    );
    let artifacts = server
        .client(1)
        .list_run_artifacts(&repo(), 2332938)
        .expect("artifacts");
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
