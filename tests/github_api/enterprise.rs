//! GitHub Enterprise Server: API URLs with a path prefix, and bad URLs and tokens.

use serde_json::json;
use sqlgate::github::{ApiError, GitHub, OctocrabClient, RetryPolicy};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::Mock;

use crate::support::{fast, fixture, json_response, repo, Server, TOKEN};

#[test]
fn an_api_url_with_a_path_prefix_keeps_it_on_every_request() {
    let server = Server::start();
    let api = format!("{}/api/v3", server.uri());
    let next = format!("{api}/repositories/526/actions/runs/2332938/artifacts?per_page=100&page=2");
    let mut first = fixture("artifacts");
    first["artifacts"] = json!([first["artifacts"][0].clone()]);
    let mut second = fixture("artifacts");
    second["artifacts"] = json!([second["artifacts"][1].clone()]);
    server.mount(
        Mock::given(method("GET"))
            .and(path(
                "/api/v3/repos/octo-org/octo-repo/actions/runs/2332938/artifacts",
            ))
            .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
            .respond_with(
                json_response(200, first)
                    .insert_header("link", format!("<{next}>; rel=\"next\"").as_str()),
            )
            .expect(1),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path(
                "/api/v3/repositories/526/actions/runs/2332938/artifacts",
            ))
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
    let artifacts = client
        .list_run_artifacts(&repo(), 2332938)
        .expect("artifacts");
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
