//! Listings follow GitHub's `Link` headers to the last page.

use serde_json::json;
use sqlgate::github::GitHub;
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::Mock;

use crate::support::{comment, comment_json, fixture, json_response, repo, Server, TOKEN};

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
