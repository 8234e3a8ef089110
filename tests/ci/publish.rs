//! A pull request's results on GitHub: annotations, the job summary, step outputs, the
//! sticky comment and the check run, and what is left when the token is read-only.

use serde_json::{json, Value};

use crate::mock::{mock_github, runtime, MARKER, OWNER_REPO};
use crate::support::{event_file, run_ci, run_ci_on, scripted_pull_request};

#[test]
fn a_pull_request_gets_annotations_summary_outputs_one_comment_and_a_check_run() {
    let runtime = runtime();
    let (server, state) = mock_github(&runtime, false);
    let scratch = tempfile::tempdir().unwrap();
    let repo = scratch.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    let (base, head) = scripted_pull_request(&repo);
    let event = event_file(scratch.path(), &base, &head, OWNER_REPO);
    // In the checkout: sqlgate refuses to write the SARIF file outside the repository.
    let sarif_arg = "sqlgate.sarif";
    let sarif = repo.join(sarif_arg);
    let args = ["--check-run", "sqlgate", "--sarif-file", sarif_arg];

    let first = run_ci(&repo, scratch.path(), &event, &server.uri(), &args);
    let stdout = first.stdout();
    assert_eq!(
        first.output.status.code(),
        Some(1),
        "{stdout}\n{}",
        String::from_utf8_lossy(&first.output.stderr)
    );
    // Annotations: the edited applied migration and the drop, with exact positions.
    assert!(
        stdout.contains("::error file=db/migrations/000001_users.up.sql,line=1,endLine=1,"),
        "{stdout}"
    );
    assert!(
        stdout.contains("title=IN001 edited-applied-migration::"),
        "{stdout}"
    );
    assert!(
        stdout.contains("::error file=db/migrations/000003_cleanup.up.sql,line=1,endLine=1,col=1,endColumn=17,title=DS001 drop-table::drop of table users"),
        "{stdout}"
    );
    // 61 errors in all: GitHub shows 10, then one notice points to the summary.
    // The gate's state comes first and counts against GitHub's limit of 10.
    assert_eq!(stdout.matches("::error ").count(), 10, "{stdout}");
    assert!(
        stdout.starts_with("::error title=sqlgate merge gate::merge gate blocked"),
        "{stdout}"
    );
    assert!(
        stdout.contains("::notice::sqlgate: 53 more problems were not annotated"),
        "{stdout}"
    );
    assert!(
        stdout.contains("sqlgate: commented on pull request #7"),
        "{stdout}"
    );
    assert!(
        stdout.contains("sqlgate: published check run `sqlgate`"),
        "{stdout}"
    );

    // Job summary: the report with the diff of the edited migration.
    assert!(
        first.summary.starts_with("## sqlgate\n"),
        "{}",
        first.summary
    );
    assert!(first.summary.contains("```diff\n"), "{}", first.summary);
    assert!(first
        .summary
        .contains("\n-CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n"));
    assert!(first.summary.contains(
        "\n+CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, name text);\n"
    ));
    assert!(first.summary.contains(&format!("head {}", &head[..7])));

    // Outputs.
    for line in ["findings=62\n", "errors=62\n", "warnings=0\n"] {
        assert!(first.outputs.contains(line), "{line}: {}", first.outputs);
    }
    assert!(
        first.outputs.contains(&format!("sarif-file={sarif_arg}\n")),
        "{}",
        first.outputs
    );
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 62);

    {
        let s = state.lock().unwrap();
        let ours: Vec<_> = s
            .comments
            .iter()
            .filter(|c| c.1.starts_with(MARKER))
            .collect();
        assert_eq!(ours.len(), 1);
        assert_eq!(s.comment_writes, ["create"]);
        assert!(ours[0].1.contains("drop of table users"), "{}", ours[0].1);
        // The check run: 62 annotations, 50 in the first request, 12 in an update.
        assert_eq!(
            s.run_writes,
            [
                (
                    "POST".to_string(),
                    format!("/repos/{OWNER_REPO}/check-runs"),
                    50
                ),
                (
                    "PATCH".to_string(),
                    format!("/repos/{OWNER_REPO}/check-runs/500"),
                    12
                ),
            ]
        );
        assert_eq!(s.runs[0]["conclusion"], "failure");
        assert_eq!(s.runs[0]["head_sha"], head.as_str());
    }

    // Every request carried the token.
    let requests = runtime.block_on(server.received_requests()).unwrap();
    assert!(requests.iter().all(|r| r
        .headers
        .get("authorization")
        .is_some_and(|v| v.to_str().unwrap().ends_with("ghs_test_token"))));

    // Second run, on a review: the same comment is updated in place and the check run
    // refreshed without duplicating its annotations.
    let review = json!({
        "action": "submitted",
        "review": {"id": 80, "user": {"login": "bob"}, "state": "approved", "commit_id": head},
        "pull_request": serde_json::from_str::<Value>(&std::fs::read_to_string(&event).unwrap())
            .unwrap()["pull_request"]
            .clone()
    });
    let review_event = scratch.path().join("review.json");
    std::fs::write(&review_event, review.to_string()).unwrap();
    let second = run_ci_on(
        "pull_request_review",
        &repo,
        scratch.path(),
        &review_event,
        &server.uri(),
        &args,
    );
    assert_eq!(second.output.status.code(), Some(1));
    assert!(second
        .stdout()
        .contains("sqlgate: updated its comment on pull request #7"));
    let s = state.lock().unwrap();
    assert_eq!(
        s.comments
            .iter()
            .filter(|c| c.1.starts_with(MARKER))
            .count(),
        1
    );
    assert_eq!(s.comments.len(), 4);
    assert_eq!(s.comment_writes, ["create", "update 1001"]);
    assert_eq!(s.runs.len(), 1);
    assert_eq!(s.run_writes.len(), 3);
    assert_eq!(s.run_writes[2].2, 0);
}

#[test]
fn a_read_only_token_degrades_to_annotations_and_the_exit_code() {
    let runtime = runtime();
    let (server, state) = mock_github(&runtime, true);
    let scratch = tempfile::tempdir().unwrap();
    let repo = scratch.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    let (base, head) = scripted_pull_request(&repo);
    let event = event_file(scratch.path(), &base, &head, "mallory/app");
    let run = run_ci(
        &repo,
        scratch.path(),
        &event,
        &server.uri(),
        &["--check-run", "sqlgate"],
    );
    let stdout = run.stdout();
    assert_eq!(run.output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("title=DS001 drop-table::drop of table users"),
        "{stdout}"
    );
    assert!(
        stdout.contains("::notice::sqlgate could not comment on pull request #7: create comment"),
        "{stdout}"
    );
    assert!(
        stdout.contains("GitHub answered 403 (Resource not accessible by integration)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("read-only (as on pull requests from forks)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("::notice::sqlgate could not publish the check run `sqlgate`"),
        "{stdout}"
    );
    assert!(run.summary.contains("drop of table users"));
    assert!(run.outputs.contains("errors=62\n"), "{}", run.outputs);
    let s = state.lock().unwrap();
    assert!(s.comments.iter().all(|c| !c.1.starts_with(MARKER)));
    // A 403 is not retried.
    let posts = runtime
        .block_on(server.received_requests())
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .count();
    assert_eq!(posts, 2);
}

#[test]
fn a_comment_by_someone_else_carrying_the_marker_is_never_edited() {
    let runtime = runtime();
    let (server, state) = mock_github(&runtime, false);
    // The author, or anyone, posts a comment that looks like sqlgate's all-clear.
    let forged = format!("{MARKER}\n## sqlgate\n\nNo findings. Merge gate: not required.");
    state
        .lock()
        .unwrap()
        .comments
        .push((4, forged.clone(), "mallory".to_string()));
    let scratch = tempfile::tempdir().unwrap();
    let repo = scratch.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    let (base, head) = scripted_pull_request(&repo);
    let event = event_file(scratch.path(), &base, &head, OWNER_REPO);
    let run = run_ci(&repo, scratch.path(), &event, &server.uri(), &[]);
    let stdout = run.stdout();
    assert_eq!(run.output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("sqlgate: commented on pull request #7"),
        "{stdout}"
    );
    let s = state.lock().unwrap();
    // mallory's comment is as it was; sqlgate wrote its own beside it.
    assert!(s.comments.contains(&(4, forged, "mallory".to_string())));
    assert_eq!(s.comment_writes, ["create"]);
    let ours: Vec<_> = s
        .comments
        .iter()
        .filter(|c| c.1.starts_with(MARKER) && c.2 == "github-actions[bot]")
        .collect();
    assert_eq!(ours.len(), 1);
    assert!(ours[0].1.contains("drop of table users"), "{}", ours[0].1);
}
