//! Check runs: creating with annotations, updating, and finding sqlgate's own run.

use serde_json::{json, Value};
use sqlgate::github::{
    Annotation, AnnotationLevel, ApiError, CheckOutput, CheckRun, CheckRunRequest, Conclusion,
    GitHub,
};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::Mock;

use crate::support::{fixture, json_response, repo, request_json, Server, SHA, TOKEN};

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
