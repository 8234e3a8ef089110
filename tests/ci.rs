//! `sqlgate ci` end to end: a scripted pull request (a git repository with a base and a head
//! commit, a GitHub event file) against a local mock of the GitHub REST API that keeps the
//! comments and check runs it receives, like GitHub does.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use common::{git, sqlgate, write};

const MARKER: &str = "<!-- sqlgate:pr-comment -->";
const OWNER_REPO: &str = "acme/app";

/// What the mock GitHub holds, shared with its responders.
#[derive(Default)]
struct State {
    /// (id, body, author)
    comments: Vec<(u64, String, String)>,
    /// Check runs as GitHub returns them.
    runs: Vec<Value>,
    /// (method, path, annotations in the request) of every check-run write.
    run_writes: Vec<(String, String, usize)>,
    comment_writes: Vec<String>,
    next_id: u64,
    /// The pull request as GET /pulls/7 serves it: (body, head sha, base sha); 404 until set.
    pull: Option<(String, String, String)>,
    /// Reviews as GitHub returns them, oldest first.
    reviews: Vec<Value>,
    /// Answer every reviews request with this status instead (a GitHub outage).
    reviews_status: Option<u16>,
    /// Repository permission by login; others get 404 (not a collaborator).
    permissions: Vec<(String, String)>,
    /// Artifacts as GitHub returns them.
    artifacts: Vec<Value>,
}

type Shared = Arc<Mutex<State>>;

fn comment_json(id: u64, body: &str, author: &str) -> Value {
    json!({
        "id": id,
        "node_id": format!("IC_{id}"),
        "url": format!("https://api.github.com/repos/{OWNER_REPO}/issues/comments/{id}"),
        "html_url": format!("https://github.com/{OWNER_REPO}/pull/7#issuecomment-{id}"),
        "body": body,
        "user": {"login": author, "id": 41898282, "type": if author.ends_with("[bot]") { "Bot" } else { "User" }},
        "created_at": "2026-11-21T10:00:00Z",
        "updated_at": "2026-11-21T10:00:00Z",
        "author_association": "NONE"
    })
}

/// GET /repos/{o}/{r}/issues/7/comments, two per page with GitHub's `Link` header, so the
/// sticky comment is only found by following pagination.
struct ListComments(Shared, String);

impl Respond for ListComments {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let state = self.0.lock().unwrap();
        let page: usize = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "page")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(1);
        let per_page = 2;
        let items: Vec<Value> = state
            .comments
            .iter()
            .skip((page - 1) * per_page)
            .take(per_page)
            .map(|(id, body, author)| comment_json(*id, body, author))
            .collect();
        let pages = state.comments.len().div_ceil(per_page).max(1);
        let mut response = ResponseTemplate::new(200).set_body_json(items);
        if page < pages {
            let base = format!("{}/repos/{OWNER_REPO}/issues/7/comments", self.1);
            response = response.insert_header(
                "link",
                format!(
                    "<{base}?per_page={per_page}&page={}>; rel=\"next\", <{base}?per_page={per_page}&page={pages}>; rel=\"last\"",
                    page + 1
                ),
            );
        }
        response
    }
}

struct CreateComment(Shared);

impl Respond for CreateComment {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let mut state = self.0.lock().unwrap();
        state.next_id += 1;
        let id = 1000 + state.next_id;
        let text = body["body"].as_str().unwrap().to_string();
        state
            .comments
            .push((id, text.clone(), "github-actions[bot]".to_string()));
        state.comment_writes.push("create".to_string());
        ResponseTemplate::new(201).set_body_json(comment_json(id, &text, "github-actions[bot]"))
    }
}

struct UpdateComment(Shared);

impl Respond for UpdateComment {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let id: u64 = request
            .url
            .path()
            .rsplit('/')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let text = body["body"].as_str().unwrap().to_string();
        let mut state = self.0.lock().unwrap();
        state.comment_writes.push(format!("update {id}"));
        match state.comments.iter_mut().find(|c| c.0 == id) {
            Some(comment) => {
                comment.1 = text.clone();
                let author = comment.2.clone();
                ResponseTemplate::new(200).set_body_json(comment_json(id, &text, &author))
            }
            None => ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"})),
        }
    }
}

fn run_json(id: u64, request: &Value, annotations_count: usize) -> Value {
    json!({
        "id": id,
        "head_sha": request["head_sha"],
        "node_id": format!("CR_{id}"),
        "external_id": request.get("external_id").cloned().unwrap_or(json!("")),
        "url": format!("https://api.github.com/repos/{OWNER_REPO}/check-runs/{id}"),
        "html_url": format!("https://github.com/{OWNER_REPO}/runs/{id}"),
        "status": "completed",
        "conclusion": request["conclusion"],
        "started_at": "2026-11-21T10:00:00Z",
        "completed_at": "2026-11-21T10:00:01Z",
        "output": {
            "title": request["output"]["title"],
            "summary": request["output"]["summary"],
            "text": null,
            "annotations_count": annotations_count,
            "annotations_url": format!("https://api.github.com/repos/{OWNER_REPO}/check-runs/{id}/annotations")
        },
        "name": request["name"],
        "check_suite": {"id": 5},
        "app": {"id": 15368, "slug": "github-actions", "name": "GitHub Actions"},
        "pull_requests": []
    })
}

/// POST /check-runs, PATCH /check-runs/{id} and GET /commits/{sha}/check-runs.
struct CheckRuns(Shared);

impl Respond for CheckRuns {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = self.0.lock().unwrap();
        let path = request.url.path().to_string();
        if request.method.as_str() == "GET" {
            let name = request
                .url
                .query_pairs()
                .find(|(k, _)| k == "check_name")
                .map(|(_, v)| v.to_string());
            let sha = path.split('/').nth(5).unwrap_or_default().to_string();
            let runs: Vec<Value> = state
                .runs
                .iter()
                .rev()
                .filter(|r| r["head_sha"] == sha.as_str())
                .filter(|r| name.as_deref().is_none_or(|n| r["name"] == n))
                .cloned()
                .collect();
            return ResponseTemplate::new(200)
                .set_body_json(json!({"total_count": runs.len(), "check_runs": runs}));
        }
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let annotations = body["output"]["annotations"].as_array().map_or(0, Vec::len);
        state
            .run_writes
            .push((request.method.to_string(), path.clone(), annotations));
        if request.method.as_str() == "POST" {
            let id = 500 + state.runs.len() as u64;
            let run = run_json(id, &body, annotations);
            state.runs.push(run.clone());
            ResponseTemplate::new(201).set_body_json(run)
        } else {
            let id: u64 = path.rsplit('/').next().unwrap().parse().unwrap();
            let Some(run) = state.runs.iter_mut().find(|r| r["id"] == id) else {
                return ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"}));
            };
            let count = run["output"]["annotations_count"].as_u64().unwrap() as usize + annotations;
            let mut merged = body.clone();
            merged["head_sha"] = run["head_sha"].clone();
            merged["external_id"] = run["external_id"].clone();
            *run = run_json(id, &merged, count);
            ResponseTemplate::new(200).set_body_json(run.clone())
        }
    }
}

fn user_json(login: &str) -> Value {
    json!({
        "login": login,
        "id": login.len() as u64 * 1000 + 7,
        "node_id": format!("U_{login}"),
        "type": if login.ends_with("[bot]") { "Bot" } else { "User" },
        "site_admin": false
    })
}

fn review_json(id: u64, login: &str, state: &str, commit: &str, at: &str) -> Value {
    json!({
        "id": id,
        "node_id": format!("PRR_{id}"),
        "user": user_json(login),
        "body": "",
        "state": state,
        "html_url": format!("https://github.com/{OWNER_REPO}/pull/7#pullrequestreview-{id}"),
        "pull_request_url": format!("https://api.github.com/repos/{OWNER_REPO}/pulls/7"),
        "author_association": "MEMBER",
        "submitted_at": at,
        "commit_id": commit
    })
}

/// GET /pulls/7, /pulls/7/reviews, /collaborators/{login}/permission and
/// /actions/artifacts, from the shared state.
struct GateFacts(Shared);

impl Respond for GateFacts {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let state = self.0.lock().unwrap();
        let path = request.url.path();
        let not_found = || {
            ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found", "documentation_url": "https://docs.github.com/rest", "status": "404"}))
        };
        if path.ends_with("/pulls/7/reviews") {
            if let Some(status) = state.reviews_status {
                return ResponseTemplate::new(status)
                    .set_body_json(json!({"message": "Server Error"}));
            }
            return ResponseTemplate::new(200).set_body_json(state.reviews.clone());
        }
        if path.ends_with("/pulls/7") {
            let Some((body, head, base)) = &state.pull else {
                return not_found();
            };
            return ResponseTemplate::new(200).set_body_json(json!({
                "url": format!("https://api.github.com/repos/{OWNER_REPO}/pulls/7"),
                "id": 1,
                "number": 7,
                "state": "open",
                "title": "Drop users",
                "user": user_json("alice"),
                "body": body,
                "head": {"label": "acme:feature", "ref": "feature", "sha": head, "user": user_json("alice"), "repo": {"full_name": OWNER_REPO}},
                "base": {"label": "acme:main", "ref": "main", "sha": base, "user": user_json("acme"), "repo": {"full_name": OWNER_REPO}},
                "draft": false,
                "merged": false
            }));
        }
        if path.ends_with("/permission") {
            let login = path.split('/').nth(5).unwrap_or_default();
            return match state.permissions.iter().find(|(l, _)| l == login) {
                Some((_, permission)) => ResponseTemplate::new(200).set_body_json(json!({
                    "permission": permission,
                    "role_name": permission,
                    "user": user_json(login)
                })),
                None => not_found(),
            };
        }
        if path.ends_with("/actions/artifacts") {
            return ResponseTemplate::new(200).set_body_json(json!({
                "total_count": state.artifacts.len(),
                "artifacts": state.artifacts
            }));
        }
        not_found()
    }
}

fn forbidden() -> ResponseTemplate {
    ResponseTemplate::new(403).set_body_json(json!({
        "message": "Resource not accessible by integration",
        "documentation_url": "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
        "status": "403"
    }))
}

/// A mock GitHub with three human comments already on pull request #7. With `read_only`,
/// writes answer 403 like a fork's token gets.
fn mock_github(runtime: &tokio::runtime::Runtime, read_only: bool) -> (MockServer, Shared) {
    let server = runtime.block_on(MockServer::start());
    let state: Shared = Arc::default();
    {
        let mut s = state.lock().unwrap();
        for (id, body) in [
            (1, "Looks risky, please double-check the drop."),
            (
                2,
                "> <!-- sqlgate:pr-comment -->\n> quoting the bot is not the bot",
            ),
            (3, "LGTM once backed up"),
        ] {
            s.comments.push((id, body.to_string(), "carol".to_string()));
        }
    }
    let comments = format!("/repos/{OWNER_REPO}/issues/7/comments");
    runtime.block_on(async {
        Mock::given(method("GET"))
            .and(path(comments.as_str()))
            .respond_with(ListComments(state.clone(), server.uri()))
            .mount(&server)
            .await;
        let create = Mock::given(method("POST")).and(path(comments.as_str()));
        if read_only {
            create.respond_with(forbidden()).mount(&server).await;
        } else {
            create
                .respond_with(CreateComment(state.clone()))
                .mount(&server)
                .await;
        }
        Mock::given(method("PATCH"))
            .and(path_regex(format!(
                r"^/repos/{OWNER_REPO}/issues/comments/\d+$"
            )))
            .respond_with(UpdateComment(state.clone()))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path_regex(format!(
                r"^/repos/{OWNER_REPO}/commits/[0-9a-f]+/check-runs$"
            )))
            .respond_with(CheckRuns(state.clone()))
            .mount(&server)
            .await;
        let runs = Mock::given(method("POST")).and(path(format!("/repos/{OWNER_REPO}/check-runs")));
        if read_only {
            runs.respond_with(forbidden()).mount(&server).await;
        } else {
            runs.respond_with(CheckRuns(state.clone()))
                .mount(&server)
                .await;
        }
        Mock::given(method("PATCH"))
            .and(path_regex(format!(r"^/repos/{OWNER_REPO}/check-runs/\d+$")))
            .respond_with(CheckRuns(state.clone()))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path_regex(format!(
                r"^/repos/{OWNER_REPO}/(pulls/7|pulls/7/reviews|collaborators/[^/]+/permission|actions/artifacts)$"
            )))
            .respond_with(GateFacts(state.clone()))
            .mount(&server)
            .await;
    });
    (server, state)
}

fn git_out(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

const USERS_UP: &str = "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n";
const USERS_UP_EDITED: &str =
    "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, name text);\n";

/// A golang-migrate repository: the base commit creates `users` and `audit_log`; the pull
/// request edits the applied 000001 migration and adds 000003, which drops `users` and
/// deletes from `audit_log` 60 times (more annotations than one check-run request takes).
/// Returns (base sha, head sha).
fn scripted_pull_request(repo: &Path) -> (String, String) {
    git(repo, &["init", "-q", "-b", "main"]);
    write(repo, "db/migrations/000001_users.up.sql", USERS_UP);
    write(
        repo,
        "db/migrations/000001_users.down.sql",
        "DROP TABLE users;\n",
    );
    write(
        repo,
        "db/migrations/000002_audit.up.sql",
        "CREATE TABLE audit_log (id bigint PRIMARY KEY, at timestamptz);\n",
    );
    write(
        repo,
        "db/migrations/000002_audit.down.sql",
        "DROP TABLE audit_log;\n",
    );
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "base"]);
    let base = git_out(repo, &["rev-parse", "HEAD"]);

    write(repo, "db/migrations/000001_users.up.sql", USERS_UP_EDITED);
    let mut up = String::from("DROP TABLE users;\n");
    for _ in 0..60 {
        up.push_str("DELETE FROM audit_log;\n");
    }
    write(repo, "db/migrations/000003_cleanup.up.sql", up);
    write(
        repo,
        "db/migrations/000003_cleanup.down.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY);\n",
    );
    git(repo, &["checkout", "-q", "-b", "feature"]);
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "drop users"]);
    let head = git_out(repo, &["rev-parse", "HEAD"]);
    (base, head)
}

fn event_file(dir: &Path, base: &str, head: &str, head_repo: &str) -> PathBuf {
    let event = json!({
        "action": "synchronize",
        "number": 7,
        "pull_request": {
            "number": 7,
            "title": "Drop users",
            "body": "Cleans up.",
            "user": {"login": "alice", "id": 1, "type": "User"},
            "head": {"sha": head, "ref": "feature", "repo": {"full_name": head_repo}},
            "base": {"sha": base, "ref": "main", "repo": {"full_name": OWNER_REPO}}
        },
        "repository": {"full_name": OWNER_REPO}
    });
    let file = dir.join("event.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&event).unwrap()).unwrap();
    file
}

struct Run {
    output: Output,
    summary: String,
    outputs: String,
}

impl Run {
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }
}

fn run_ci(repo: &Path, scratch: &Path, event: &Path, api: &str, extra: &[&str]) -> Run {
    run_ci_on("pull_request", repo, scratch, event, api, extra)
}

fn run_ci_on(
    event_name: &str,
    repo: &Path,
    scratch: &Path,
    event: &Path,
    api: &str,
    extra: &[&str],
) -> Run {
    let summary = scratch.join("summary.md");
    let outputs = scratch.join("outputs.txt");
    let _ = std::fs::remove_file(&summary);
    let _ = std::fs::remove_file(&outputs);
    let output = sqlgate(repo)
        .arg("ci")
        .args(extra)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_EVENT_NAME", event_name)
        .env("GITHUB_EVENT_PATH", event)
        .env("GITHUB_REPOSITORY", OWNER_REPO)
        .env("GITHUB_API_URL", api)
        .env("GITHUB_TOKEN", "ghs_test_token")
        .env_remove("SQLGATE_GITHUB_TOKEN")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_OUTPUT", &outputs)
        .output()
        .unwrap();
    Run {
        output,
        summary: std::fs::read_to_string(&summary).unwrap_or_default(),
        outputs: std::fs::read_to_string(&outputs).unwrap_or_default(),
    }
}

#[test]
fn a_pull_request_gets_annotations_summary_outputs_one_comment_and_a_check_run() {
    let runtime = runtime();
    let (server, state) = mock_github(&runtime, false);
    let scratch = tempfile::tempdir().unwrap();
    let repo = scratch.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    let (base, head) = scripted_pull_request(&repo);
    let event = event_file(scratch.path(), &base, &head, OWNER_REPO);
    let sarif = scratch.path().join("sqlgate.sarif");
    let sarif_arg = sarif.display().to_string();
    let args = ["--check-run", "sqlgate", "--sarif-file", sarif_arg.as_str()];

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
fn a_shallow_checkout_says_to_fetch_the_whole_history() {
    let scratch = tempfile::tempdir().unwrap();
    let origin = scratch.path().join("origin");
    std::fs::create_dir(&origin).unwrap();
    let (base, head) = scripted_pull_request(&origin);
    let clone = scratch.path().join("clone");
    git(
        scratch.path(),
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            "--branch",
            "feature",
            &format!("file://{}", origin.display()),
            clone.to_str().unwrap(),
        ],
    );
    let event = event_file(scratch.path(), &base, &head, OWNER_REPO);
    let run = run_ci(&clone, scratch.path(), &event, "http://127.0.0.1:9", &[]);
    let stderr = String::from_utf8_lossy(&run.output.stderr);
    assert_eq!(run.output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("fetch-depth: 0"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn outside_a_pull_request_event_it_says_what_to_run_instead() {
    let scratch = tempfile::tempdir().unwrap();
    let out = sqlgate(scratch.path())
        .arg("ci")
        .env("GITHUB_EVENT_NAME", "push")
        .env("GITHUB_EVENT_PATH", scratch.path().join("event.json"))
        .env("GITHUB_REPOSITORY", OWNER_REPO)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not `push`"), "{stderr}");
    assert!(stderr.contains("sqlgate check --changed-since"), "{stderr}");
}

#[test]
fn pull_request_target_reads_the_policy_from_the_base_commit() {
    let runtime = runtime();
    let (server, _state) = mock_github(&runtime, false);
    let scratch = tempfile::tempdir().unwrap();
    let repo = scratch.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    let (base, head) = scripted_pull_request(&repo);
    // The pull request tries to switch the drop rules off in its own config.
    write(
        &repo,
        "sqlgate.toml",
        "[rules]\nignore = [\"destructive\", \"integrity\"]\n",
    );
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "relax the policy"]);
    let head2 = git_out(&repo, &["rev-parse", "HEAD"]);
    let event = event_file(scratch.path(), &base, &head2, "mallory/app");

    // Under pull_request the head's config applies: nothing destructive is reported.
    let relaxed = run_ci(
        &repo,
        scratch.path(),
        &event,
        &server.uri(),
        &["--comment", "false"],
    );
    assert!(!relaxed.stdout().contains("DS001"), "{}", relaxed.stdout());

    let output = sqlgate(&repo)
        .args(["ci", "--comment", "false"])
        .env("GITHUB_EVENT_NAME", "pull_request_target")
        .env("GITHUB_EVENT_PATH", &event)
        .env("GITHUB_REPOSITORY", OWNER_REPO)
        .env("GITHUB_API_URL", server.uri())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "the policy is read from the base commit {}",
            &base[..7]
        )),
        "{stdout}"
    );
    assert!(stdout.contains("title=DS001 drop-table"), "{stdout}");
    let _ = head;
}

#[test]
fn init_github_writes_the_workflow_the_readme_shows() {
    let workflow = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/sqlgate_github/src/ci/workflow.yml"),
    )
    .unwrap();
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("```yaml\n{workflow}```\n")),
        "README.md must show crates/sqlgate_github/src/ci/workflow.yml verbatim"
    );

    let repo = tempfile::tempdir().unwrap();
    git(repo.path(), &["init", "-q"]);
    write(
        repo.path(),
        "supabase/migrations/20240101000000_init.sql",
        "CREATE TABLE t (id int);\n",
    );
    let out = sqlgate(repo.path())
        .args(["init", "--github"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written =
        std::fs::read_to_string(repo.path().join(".github/workflows/sqlgate.yml")).unwrap();
    assert_eq!(written, workflow);
    assert!(repo.path().join("sqlgate.toml").is_file());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("required status check"), "{stdout}");

    // A second run keeps both files unless --force.
    let again = sqlgate(repo.path())
        .args(["init", "--github"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("sqlgate init --github --force"));
    std::fs::write(repo.path().join(".github/workflows/sqlgate.yml"), "edited").unwrap();
    let forced = sqlgate(repo.path())
        .args(["init", "--github", "--force"])
        .output()
        .unwrap();
    assert_eq!(forced.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(repo.path().join(".github/workflows/sqlgate.yml")).unwrap(),
        workflow
    );
}

/// A runtime only to start and program the mock server, which serves from its own thread
/// while the test runs the sqlgate binary.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// A golang-migrate repository whose pull request adds a migration dropping `users` (with
/// a down migration unless `without_down`). Returns (base sha, head sha).
fn drop_pull_request(repo: &Path, without_down: bool) -> (String, String) {
    git(repo, &["init", "-q", "-b", "main"]);
    write(repo, "db/migrations/000001_users.up.sql", USERS_UP);
    write(
        repo,
        "db/migrations/000001_users.down.sql",
        "DROP TABLE users;\n",
    );
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "base"]);
    let base = git_out(repo, &["rev-parse", "HEAD"]);
    git(repo, &["checkout", "-q", "-b", "feature"]);
    write(
        repo,
        "db/migrations/000002_drop_users.up.sql",
        "DROP TABLE users;\n",
    );
    if !without_down {
        write(repo, "db/migrations/000002_drop_users.down.sql", USERS_UP);
    }
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "drop users"]);
    (base, git_out(repo, &["rev-parse", "HEAD"]))
}

/// A drop pull request (see [`drop_pull_request`]) in a scratch directory, with its event.
struct DropPr {
    scratch: tempfile::TempDir,
    repo: PathBuf,
    base: String,
    head: String,
    event: PathBuf,
}

fn drop_pr(without_down: bool) -> DropPr {
    let scratch = tempfile::tempdir().unwrap();
    let repo = scratch.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    let (base, head) = drop_pull_request(&repo, without_down);
    let event = event_file(scratch.path(), &base, &head, OWNER_REPO);
    DropPr {
        scratch,
        repo,
        base,
        head,
        event,
    }
}

fn set_pull(state: &Shared, body: &str, head: &str, base: &str) {
    state.lock().unwrap().pull = Some((body.to_string(), head.to_string(), base.to_string()));
}

fn requests_to(runtime: &tokio::runtime::Runtime, server: &MockServer, suffix: &str) -> usize {
    runtime
        .block_on(server.received_requests())
        .unwrap()
        .iter()
        .filter(|r| r.url.path().ends_with(suffix))
        .count()
}

#[test]
fn the_gate_keeps_the_check_red_until_two_approvals_and_a_backup_then_turns_it_green() {
    let runtime = runtime();
    let (server, state) = mock_github(&runtime, false);
    let DropPr {
        scratch,
        repo,
        base,
        head,
        event,
    } = drop_pr(false);
    set_pull(&state, "Cleans up.", &head, &base);
    let args = ["--check-run", "sqlgate"];

    // Opened: nothing proves approvals or a backup.
    let opened = run_ci(&repo, scratch.path(), &event, &server.uri(), &args);
    let stdout = opened.stdout();
    assert_eq!(opened.output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.starts_with(
            "::error title=sqlgate merge gate::merge gate blocked (missing: approvals, backup)%0A\
             to unblock: 2 more approvals from people with write access on the head commit"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("add the line `Backup: s3://YOUR-BUCKET/pre-migration-backup.dump` to the pull request body"),
        "{stdout}"
    );
    assert!(
        stdout.contains("::error file=db/migrations/000002_drop_users.up.sql,line=1,endLine=1,col=1,endColumn=17,title=DS001 drop-table::"),
        "{stdout}"
    );
    assert!(
        opened
            .outputs
            .contains("gate-required=true\ngate-status=blocked\ngate-missing=approvals,backup\n"),
        "{}",
        opened.outputs
    );
    // The gate comes first in the summary and the comment, under the verdict.
    assert!(
        opened.summary.starts_with(
            "## sqlgate\n\n🚫 **Blocked** by the merge gate (missing: approvals, backup)."
        ),
        "{}",
        opened.summary
    );
    assert!(
        opened.summary.contains(
            "### Merge gate: 🚫 blocked\n\nRequired by DS001 drop-table ×1.\n\n\
             | | Requirement | State |\n|---|---|---|\n\
             | ❌ | 2 approvals | 0 of 2 |\n\
             | ✅ | No changes requested | none |\n\
             | ❌ | Backup evidence | none found |\n"
        ),
        "{}",
        opened.summary
    );
    assert!(opened.summary.contains("**To unblock:**"));
    // Nothing in the body or committed, so the artifacts were looked at too.
    assert_eq!(requests_to(&runtime, &server, "/actions/artifacts"), 1);
    {
        let s = state.lock().unwrap();
        let ours = s.comments.iter().find(|c| c.1.starts_with(MARKER)).unwrap();
        assert!(ours.1.contains("### Merge gate: 🚫 blocked"), "{}", ours.1);
        assert_eq!(s.runs[0]["conclusion"], "failure");
        assert_eq!(
            s.runs[0]["output"]["title"],
            "Merge gate blocked (missing: approvals, backup) · 1 error, 0 warnings"
        );
    }

    // Two reviews arrive: bob (write) approves the head, the author approves their own,
    // carol approved an older push, and the bot approves. Only bob counts.
    {
        let mut s = state.lock().unwrap();
        s.reviews = vec![
            review_json(11, "carol", "APPROVED", &base, "2026-11-21T09:00:00Z"),
            review_json(12, "bob", "APPROVED", &head, "2026-11-21T10:00:00Z"),
            review_json(13, "alice", "APPROVED", &head, "2026-11-21T10:05:00Z"),
            review_json(14, "sqlbot[bot]", "APPROVED", &head, "2026-11-21T10:06:00Z"),
        ];
        s.permissions = vec![
            ("bob".to_string(), "write".to_string()),
            ("carol".to_string(), "write".to_string()),
            ("dave".to_string(), "read".to_string()),
        ];
    }
    let review_event = scratch.path().join("review.json");
    let pull: Value = serde_json::from_str(&std::fs::read_to_string(&event).unwrap()).unwrap();
    std::fs::write(
        &review_event,
        json!({"action": "submitted", "review": review_json(12, "bob", "approved", &head, "2026-11-21T10:00:00Z"), "pull_request": pull["pull_request"]}).to_string(),
    )
    .unwrap();
    let reviewed = run_ci_on(
        "pull_request_review",
        &repo,
        scratch.path(),
        &review_event,
        &server.uri(),
        &args,
    );
    assert_eq!(
        reviewed.output.status.code(),
        Some(1),
        "{}",
        reviewed.stdout()
    );
    assert!(
        reviewed.outputs.contains("gate-missing=approvals,backup\n"),
        "{}",
        reviewed.outputs
    );
    assert!(
        reviewed.summary.contains(&format!(
            "| ❌ | 2 approvals | 1 of 2: @bob<br>not counted: @carol (approved an older commit {}, not the head {}), @alice (is the author), @sqlbot[bot] (is a bot) |",
            &base[..7],
            &head[..7]
        )),
        "{}",
        reviewed.summary
    );
    assert!(
        reviewed
            .stdout()
            .contains("(@carol approved before the last push and must approve again)"),
        "{}",
        reviewed.stdout()
    );

    // A read-only approval does not count, nor one from someone who is not a collaborator
    // (GitHub answers 404: no access, not an outage); then carol re-approves the head.
    {
        let mut s = state.lock().unwrap();
        s.reviews.push(review_json(
            15,
            "dave",
            "APPROVED",
            &head,
            "2026-11-21T11:00:00Z",
        ));
        s.reviews.push(review_json(
            17,
            "mallory",
            "APPROVED",
            &head,
            "2026-11-21T11:01:00Z",
        ));
    }
    let read_only = run_ci_on(
        "pull_request_review",
        &repo,
        scratch.path(),
        &review_event,
        &server.uri(),
        &args,
    );
    assert!(
        read_only
            .summary
            .contains("@dave (has read access, not write)"),
        "{}",
        read_only.summary
    );
    assert!(
        read_only
            .summary
            .contains("@mallory (has no access to the repository)"),
        "{}",
        read_only.summary
    );
    assert!(
        read_only
            .outputs
            .contains("gate-missing=approvals,backup\n"),
        "{}",
        read_only.outputs
    );
    {
        let mut s = state.lock().unwrap();
        s.reviews.push(review_json(
            16,
            "carol",
            "APPROVED",
            &head,
            "2026-11-21T11:30:00Z",
        ));
    }
    let approved = run_ci_on(
        "pull_request_review",
        &repo,
        scratch.path(),
        &review_event,
        &server.uri(),
        &args,
    );
    assert_eq!(approved.output.status.code(), Some(1));
    assert!(
        approved.outputs.contains("gate-missing=backup\n"),
        "{}",
        approved.outputs
    );
    assert!(
        approved
            .summary
            .contains("| ✅ | 2 approvals | 2 of 2: @carol, @bob"),
        "{}",
        approved.summary
    );

    // The author edits the body. The event file still holds the old body: the gate reads
    // the pull request as it is now.
    set_pull(
        &state,
        "Cleans up.\r\n\r\nBackup: s3://acme-backups/pre-drop-users-2026-11-21.dump\r\n",
        &head,
        &base,
    );
    let artifacts_before = requests_to(&runtime, &server, "/actions/artifacts");
    let edited = run_ci(&repo, scratch.path(), &event, &server.uri(), &args);
    let stdout = edited.stdout();
    assert_eq!(
        edited.output.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&edited.output.stderr)
    );
    assert!(
        stdout.starts_with(
            "::notice title=sqlgate merge gate::merge gate passed; approved by carol, bob; \
             backup: the pull request body names the backup \
             s3://acme-backups/pre-drop-users-2026-11-21.dump (a claim by the author, not verified)\n"
        ),
        "{stdout}"
    );
    // The drop is still shown, as a warning allowed by the gate.
    assert!(
        stdout.contains("::warning file=db/migrations/000002_drop_users.up.sql,line=1,endLine=1,col=1,endColumn=17,title=DS001 drop-table::drop of table users"),
        "{stdout}"
    );
    assert!(
        stdout.contains("(allowed: the merge gate passed)"),
        "{stdout}"
    );
    assert!(!stdout.contains("::error"), "{stdout}");
    assert!(
        edited
            .outputs
            .contains("gate-required=true\ngate-status=pass\ngate-missing=\n"),
        "{}",
        edited.outputs
    );
    assert!(
        edited
            .summary
            .starts_with("## sqlgate\n\n✅ **Passed**: the merge gate's approvals"),
        "{}",
        edited.summary
    );
    assert!(edited.summary.contains("### Merge gate: ✅ passed"));
    assert!(edited.summary.contains(
        "| ✅ | Backup evidence | the pull request body names the backup s3://acme-backups/pre-drop-users-2026-11-21.dump (a claim by the author, not verified) |"
    ));
    // Evidence in the body: the artifacts were not listed again.
    assert_eq!(
        requests_to(&runtime, &server, "/actions/artifacts"),
        artifacts_before
    );
    let s = state.lock().unwrap();
    let ours: Vec<_> = s
        .comments
        .iter()
        .filter(|c| c.1.starts_with(MARKER))
        .collect();
    assert_eq!(ours.len(), 1, "one sticky comment, updated in place");
    assert!(
        ours[0].1.contains("### Merge gate: ✅ passed"),
        "{}",
        ours[0].1
    );
    let run = s.runs.last().unwrap();
    assert_eq!(run["conclusion"], "success");
    assert_eq!(
        run["output"]["title"],
        "Merge gate passed · 1 error, 0 warnings"
    );
}

#[test]
fn findings_outside_the_triggers_still_fail_after_the_gate_passes() {
    let runtime = runtime();
    let (server, state) = mock_github(&runtime, false);
    let DropPr {
        scratch,
        repo,
        base,
        head,
        event,
    } = drop_pr(true);
    set_pull(&state, "Backup: gs://acme/pre-drop.dump", &head, &base);
    {
        let mut s = state.lock().unwrap();
        s.reviews = vec![
            review_json(1, "bob", "APPROVED", &head, "2026-11-21T10:00:00Z"),
            review_json(2, "carol", "APPROVED", &head, "2026-11-21T10:01:00Z"),
        ];
        s.permissions = vec![
            ("bob".to_string(), "maintain".to_string()),
            ("carol".to_string(), "admin".to_string()),
        ];
    }
    let run = run_ci(&repo, scratch.path(), &event, &server.uri(), &[]);
    let stdout = run.stdout();
    // RV001 (no down migration) is not a gate trigger: it still fails at --fail-on error.
    assert_eq!(run.output.status.code(), Some(1), "{stdout}");
    assert!(
        run.outputs.contains("gate-status=pass\n"),
        "{}",
        run.outputs
    );
    assert!(
        stdout.contains("::error file=db/migrations/000002_drop_users.up.sql,line=1,endLine=1,col=1,endColumn=1,title=RV001 missing-down-migration::")
            || stdout.contains("title=RV001 missing-down-migration::"),
        "{stdout}"
    );
    let never = run_ci(
        &repo,
        scratch.path(),
        &event,
        &server.uri(),
        &["--fail-on", "never"],
    );
    assert_eq!(never.output.status.code(), Some(0), "{}", never.stdout());
}

#[test]
fn a_github_outage_on_the_reviews_blocks_the_gate() {
    let runtime = runtime();
    let (server, state) = mock_github(&runtime, false);
    let DropPr {
        scratch,
        repo,
        base,
        head,
        event,
    } = drop_pr(false);
    set_pull(&state, "Backup: s3://acme/pre-drop.dump", &head, &base);
    state.lock().unwrap().reviews_status = Some(500);
    let run = run_ci(&repo, scratch.path(), &event, &server.uri(), &[]);
    let stdout = run.stdout();
    assert_eq!(run.output.status.code(), Some(1), "{stdout}");
    assert!(
        run.outputs
            .contains("gate-status=blocked\ngate-missing=approvals,error\n"),
        "{}",
        run.outputs
    );
    assert!(
        stdout.contains(&format!(
            "list reviews of pull request #7 (GET /repos/{OWNER_REPO}/pulls/7/reviews): GitHub unavailable after retries"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("re-run the job once GitHub answers"),
        "{stdout}"
    );
    assert!(
        run.summary
            .contains("| ❌ | Facts from GitHub | list reviews of pull request #7"),
        "{}",
        run.summary
    );
    // Retried (4 attempts), then blocked rather than passed.
    assert_eq!(requests_to(&runtime, &server, "/pulls/7/reviews"), 4);
}

#[test]
fn without_a_token_a_required_gate_blocks_and_says_how_to_give_one() {
    let DropPr {
        scratch,
        repo,
        event,
        ..
    } = drop_pr(false);
    let outputs = scratch.path().join("outputs.txt");
    let out = sqlgate(&repo)
        .arg("ci")
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_EVENT_PATH", &event)
        .env("GITHUB_REPOSITORY", OWNER_REPO)
        .env("GITHUB_API_URL", "http://127.0.0.1:9")
        .env_remove("GITHUB_TOKEN")
        .env_remove("SQLGATE_GITHUB_TOKEN")
        .env("GITHUB_OUTPUT", &outputs)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("no GitHub token, so the reviews cannot be read: pass `github-token`"),
        "{stdout}"
    );
    let outputs = std::fs::read_to_string(outputs).unwrap();
    assert!(
        outputs.contains("gate-missing=approvals,backup,error\n"),
        "{outputs}"
    );
}

#[test]
fn an_unreadable_event_or_config_blocks_and_says_what_to_fix() {
    let DropPr {
        scratch,
        repo,
        event,
        ..
    } = drop_pr(false);
    let outputs = scratch.path().join("outputs.txt");
    let summary = scratch.path().join("summary.md");
    let run = |event: &Path| {
        let _ = std::fs::remove_file(&outputs);
        let _ = std::fs::remove_file(&summary);
        let out = sqlgate(&repo)
            .arg("ci")
            .env("GITHUB_EVENT_NAME", "pull_request")
            .env("GITHUB_EVENT_PATH", event)
            .env("GITHUB_REPOSITORY", OWNER_REPO)
            .env("GITHUB_API_URL", "http://127.0.0.1:9")
            .env("GITHUB_TOKEN", "ghs_test_token")
            .env("GITHUB_OUTPUT", &outputs)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .output()
            .unwrap();
        (
            out,
            std::fs::read_to_string(&outputs).unwrap_or_default(),
            std::fs::read_to_string(&summary).unwrap_or_default(),
        )
    };

    let (out, outs, summary_text) = run(&scratch.path().join("missing-event.json"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cannot read the event payload"), "{stderr}");
    assert!(
        stdout.starts_with("::error title=sqlgate merge gate::merge gate blocked (missing: error): sqlgate could not run: cannot read the event payload"),
        "{stdout}"
    );
    assert_eq!(outs, "gate-status=blocked\ngate-missing=error\n");
    assert!(summary_text.contains("🚫 **Blocked**"), "{summary_text}");

    // A config with a typo: the error names the file, line and key.
    write(&repo, "sqlgate.toml", "[gate]\napprovalz = 2\n");
    let (out, outs, _) = run(&event);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("approvalz"), "{stderr}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("merge gate blocked (missing: error)"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(outs, "gate-status=blocked\ngate-missing=error\n");
}
