//! Unit tests of the client's pure parts: `Link` parsing, API URLs, backoff, path
//! encoding and annotation bodies.

use std::time::Duration;

use super::bodies::AnnotationBody;
use super::pagination::next_link;
use super::paths::{enc, split_api_url};
use super::RetryPolicy;
use crate::{Annotation, ApiError};

#[test]
fn next_link_finds_next_among_other_relations() {
    let header = r#"<https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=1>; rel="prev", <https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=3>; rel="next", <https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=5>; rel="last""#;
    assert_eq!(
        next_link(&[header.to_string()]).as_deref(),
        Some("https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=3")
    );
    let last_page = r#"<https://api.github.com/x?page=1>; rel="first", <https://api.github.com/x?page=4>; rel="prev""#;
    assert_eq!(next_link(&[last_page.to_string()]), None);
    assert_eq!(next_link(&[]), None);
    // Unquoted and several relations in one parameter.
    assert_eq!(
        next_link(&["<https://h/a?page=2>; rel=next".to_string()]).as_deref(),
        Some("https://h/a?page=2")
    );
    assert_eq!(
        next_link(&["<https://h/a?x=1,2>; rel=\"last next\"".to_string()]).as_deref(),
        Some("https://h/a?x=1,2")
    );
    assert_eq!(next_link(&["<broken; rel=\"next\"".to_string()]), None);
}

#[test]
fn api_urls_keep_their_path_prefix() {
    assert_eq!(
        split_api_url("https://api.github.com").ok(),
        Some((
            "https://api.github.com".to_string(),
            "https://api.github.com".to_string()
        ))
    );
    assert_eq!(
        split_api_url(" https://ghes.example.com/api/v3/ ").ok(),
        Some((
            "https://ghes.example.com".to_string(),
            "https://ghes.example.com/api/v3".to_string()
        ))
    );
    assert_eq!(
        split_api_url("http://127.0.0.1:1234").ok(),
        Some((
            "http://127.0.0.1:1234".to_string(),
            "http://127.0.0.1:1234".to_string()
        ))
    );
    for bad in [
        "",
        "api.github.com",
        "ftp://x",
        "https://",
        "https://h/a?b",
        "https://u@h",
    ] {
        assert!(
            matches!(split_api_url(bad), Err(ApiError::Setup(_))),
            "{bad}"
        );
    }
}

#[test]
fn backoff_doubles_up_to_the_maximum() {
    let policy = RetryPolicy::default();
    let waits: Vec<u64> = (1..=7).map(|n| policy.backoff(n).as_secs()).collect();
    assert_eq!(waits, [1, 2, 4, 8, 16, 30, 30]);
    assert_eq!(policy.backoff(u32::MAX), Duration::from_secs(30));
}

#[test]
fn path_segments_are_percent_encoded() {
    assert_eq!(enc("sqlgate migrations/ci"), "sqlgate%20migrations%2Fci");
    assert_eq!(enc("octo-org_1.x~"), "octo-org_1.x~");
    assert_eq!(enc("é"), "%C3%A9");
}

#[test]
fn multi_line_annotations_drop_their_columns() {
    let annotation = Annotation {
        path: "db/1.sql".into(),
        start_line: 2,
        end_line: 4,
        start_column: Some(1),
        end_column: Some(9),
        level: super::super::AnnotationLevel::Failure,
        message: "m".into(),
        title: "t".into(),
        raw_details: None,
    };
    let json = serde_json::to_value(AnnotationBody::new(&annotation)).ok();
    assert_eq!(
        json,
        Some(serde_json::json!({
            "path": "db/1.sql", "start_line": 2, "end_line": 4,
            "annotation_level": "failure", "message": "m", "title": "t"
        }))
    );
}
