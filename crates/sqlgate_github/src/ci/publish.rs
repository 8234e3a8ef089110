//! What `sqlgate ci` writes to GitHub: the sticky pull request comment and the check run.
//! Everything goes through the [`GitHub`] trait, so tests use a fake or a mock server.

use crate::rest::{
    Annotation, AnnotationLevel, ApiError, CheckRun, CheckRunRequest, Conclusion, GitHub,
    IssueComment, Repo, MAX_ANNOTATIONS_PER_REQUEST,
};
use sqlgate_core::finding::{Finding, Severity};
use sqlgate_core::run::RunReport;

/// Starts the body of sqlgate's comment. Only a comment that *starts* with it is ours: a
/// reviewer quoting the comment does not turn their comment into the sticky one.
pub const COMMENT_MARKER: &str = "<!-- sqlgate:pr-comment -->";

/// GitHub rejects comment bodies and check-run summaries above 65,536 characters.
pub const MAX_BODY_CHARS: usize = 65_000;

/// What happened to the sticky comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentOutcome {
    Created(u64),
    Updated(u64),
    /// No comment yet and nothing to report: none is created.
    NotNeeded,
}

/// The comment body: the marker, then `markdown`, cut to GitHub's limit with a pointer to
/// the job summary.
pub fn comment_body(markdown: &str) -> String {
    let mut body = format!("{COMMENT_MARKER}\n{}", truncate(markdown, MAX_BODY_CHARS));
    if !body.ends_with('\n') {
        body.push('\n');
    }
    body
}

/// `text` cut at a line boundary to at most `max` characters, with a note when cut.
pub fn truncate(text: &str, max: usize) -> String {
    const NOTE: &str =
        "\n\n_… cut to fit GitHub's size limit: the full report is in the job summary._\n";
    if text.chars().count() <= max {
        return text.to_string();
    }
    let keep = max.saturating_sub(NOTE.chars().count());
    let end = text.char_indices().nth(keep).map_or(text.len(), |(i, _)| i);
    let cut = text[..end].rfind('\n').unwrap_or(end);
    format!("{}{NOTE}", &text[..cut])
}

/// The account that writes comments with the `GITHUB_TOKEN` of GitHub Actions, which may
/// not read `GET /user`. Nobody else can own a login ending in `[bot]` but the app itself.
pub const ACTIONS_BOT: &str = "github-actions[bot]";

/// Whose comment is sqlgate's: the token's user, or for an app's installation token (GitHub
/// answers `GET /user` with 403) the Actions bot. Anything else fails, and nothing is edited.
pub fn comment_author(github: &dyn GitHub) -> Result<String, ApiError> {
    match github.authenticated_login() {
        Ok(login) => Ok(login),
        Err(ApiError::Status { status: 403, .. }) => Ok(ACTIONS_BOT.to_string()),
        Err(e) => Err(e),
    }
}

/// Creates sqlgate's comment on the pull request or updates the one its token's user wrote
/// before (see [`comment_author`]). `needed` says
/// whether a comment is worth creating when none exists (findings or errors to show); an
/// existing comment is always brought up to date, so a fixed pull request says so.
pub fn upsert_comment(
    github: &dyn GitHub,
    repo: &Repo,
    number: u64,
    body: &str,
    needed: bool,
) -> Result<CommentOutcome, ApiError> {
    // The marker alone proves nothing: anyone can post it. Only a comment the token's own
    // user wrote is sqlgate's to edit; another's is left as it is.
    let author = comment_author(github)?;
    let comments = github.list_issue_comments(repo, number)?;
    let ours = |c: &&IssueComment| {
        c.body.starts_with(COMMENT_MARKER) && c.author.eq_ignore_ascii_case(&author)
    };
    match comments.iter().find(ours) {
        Some(existing) => github
            .update_issue_comment(repo, existing.id, body)
            .map(|c| CommentOutcome::Updated(c.id)),
        None if needed => github
            .create_issue_comment(repo, number, body)
            .map(|c| CommentOutcome::Created(c.id)),
        None => Ok(CommentOutcome::NotNeeded),
    }
}

/// Check-run annotations for every unsuppressed finding and every file that could not be read.
pub fn annotations(report: &RunReport) -> Vec<Annotation> {
    let unreadable = report.errors.iter().map(|e| Annotation {
        path: e.file.clone(),
        start_line: 1,
        end_line: 1,
        start_column: None,
        end_column: None,
        level: AnnotationLevel::Failure,
        message: e.message.clone(),
        title: "file not checked".to_string(),
        raw_details: None,
    });
    let findings = report
        .findings
        .iter()
        .filter(|f| !f.suppressed)
        .map(|f| annotation(f, report.gate.covers(f)));
    unreadable.chain(findings).collect()
}

/// `covered`: the finding needs the gate and the gate passed; it is shown as a warning.
fn annotation(f: &Finding, covered: bool) -> Annotation {
    let end_line = f.last_line();
    let one_line = f.start.line == end_line;
    let mut message = if f.help.is_empty() {
        f.message.clone()
    } else {
        format!("{}\n\n{}", f.message, f.help)
    };
    if covered {
        message.push_str("\n\nAllowed: the merge gate passed (approvals and backup evidence).");
    }
    Annotation {
        path: f.file.trim_start_matches("./").replace('\\', "/"),
        start_line: f.start.line,
        end_line,
        // GitHub takes columns only on single-line annotations; its end column is inclusive.
        start_column: one_line.then_some(f.start.column),
        end_column: one_line.then(|| f.end.column.saturating_sub(1).max(f.start.column)),
        level: match f.severity {
            Severity::Error if !covered => AnnotationLevel::Failure,
            _ => AnnotationLevel::Warning,
        },
        message,
        title: format!("{} {}", f.code, f.rule),
        raw_details: f.detail.clone(),
    }
}

/// Publishes the named check run on `head_sha` with all `annotations`: the first request
/// carries the first 50, each further update 50 more (GitHub appends annotations on update
/// and never removes them). A run of that name already on the commit is updated in place
/// when it has no annotations yet, or exactly as many as now (same commit, same findings:
/// only its summary and conclusion are refreshed); otherwise a new run is created, which
/// GitHub then shows for the name.
pub fn publish_check_run(
    github: &dyn GitHub,
    repo: &Repo,
    mut request: CheckRunRequest,
    annotations: Vec<Annotation>,
) -> Result<CheckRun, ApiError> {
    let existing = github.find_check_run(repo, &request.head_sha, &request.name)?;
    let (run, pending) = match existing {
        Some(run) if run.annotations_count == annotations.len() && run.annotations_count > 0 => {
            request.output.annotations = Vec::new();
            (github.update_check_run(repo, run.id, &request)?, &[][..])
        }
        Some(run) if run.annotations_count == 0 => {
            let (first, rest) = split_batch(&annotations);
            request.output.annotations = first.to_vec();
            (github.update_check_run(repo, run.id, &request)?, rest)
        }
        _ => {
            let (first, rest) = split_batch(&annotations);
            request.output.annotations = first.to_vec();
            (github.create_check_run(repo, &request)?, rest)
        }
    };
    for batch in pending.chunks(MAX_ANNOTATIONS_PER_REQUEST) {
        request.output.annotations = batch.to_vec();
        github.update_check_run(repo, run.id, &request)?;
    }
    Ok(run)
}

fn split_batch(annotations: &[Annotation]) -> (&[Annotation], &[Annotation]) {
    annotations.split_at(annotations.len().min(MAX_ANNOTATIONS_PER_REQUEST))
}

/// The check run's conclusion for the job's exit code.
pub fn conclusion(exit_code: u8) -> Conclusion {
    if exit_code == 0 {
        Conclusion::Success
    } else {
        Conclusion::Failure
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rest::{CheckOutput, PullRequest};
    use sqlgate_gate::{Artifact, Review, WorkflowRun};
    use std::cell::RefCell;

    /// An in-memory GitHub that records every write.
    struct Fake {
        comments: RefCell<Vec<IssueComment>>,
        runs: RefCell<Vec<CheckRun>>,
        /// (method, run id, annotations in the request)
        run_requests: RefCell<Vec<(&'static str, u64, usize)>>,
        comment_writes: RefCell<Vec<&'static str>>,
        /// What `GET /user` answers: a login (a personal token), or `None` for the 403 an
        /// installation token gets; `Err` for an outage.
        login: Result<Option<String>, ()>,
    }

    impl Default for Fake {
        fn default() -> Fake {
            Fake {
                comments: RefCell::default(),
                runs: RefCell::default(),
                run_requests: RefCell::default(),
                comment_writes: RefCell::default(),
                login: Ok(None),
            }
        }
    }

    fn unused<T>() -> Result<T, ApiError> {
        Err(ApiError::Setup("not used by these tests".to_string()))
    }

    impl GitHub for Fake {
        fn authenticated_login(&self) -> Result<String, ApiError> {
            match &self.login {
                Ok(Some(login)) => Ok(login.clone()),
                Ok(None) => Err(ApiError::Status {
                    what: "read the token's user (GET /user)".to_string(),
                    status: 403,
                    message: "Resource not accessible by integration".to_string(),
                }),
                Err(()) => Err(ApiError::Unavailable {
                    what: "read the token's user (GET /user)".to_string(),
                    message: "502 Bad Gateway".to_string(),
                }),
            }
        }
        fn list_issue_comments(&self, _: &Repo, _: u64) -> Result<Vec<IssueComment>, ApiError> {
            Ok(self.comments.borrow().clone())
        }
        fn create_issue_comment(
            &self,
            _: &Repo,
            _: u64,
            body: &str,
        ) -> Result<IssueComment, ApiError> {
            self.comment_writes.borrow_mut().push("create");
            let comment = IssueComment {
                id: 100 + self.comments.borrow().len() as u64,
                body: body.to_string(),
                author: "github-actions[bot]".to_string(),
            };
            self.comments.borrow_mut().push(comment.clone());
            Ok(comment)
        }
        fn update_issue_comment(
            &self,
            _: &Repo,
            id: u64,
            body: &str,
        ) -> Result<IssueComment, ApiError> {
            self.comment_writes.borrow_mut().push("update");
            let mut comments = self.comments.borrow_mut();
            let comment = comments
                .iter_mut()
                .find(|c| c.id == id)
                .expect("comment exists");
            comment.body = body.to_string();
            Ok(comment.clone())
        }
        fn find_check_run(
            &self,
            _: &Repo,
            sha: &str,
            name: &str,
        ) -> Result<Option<CheckRun>, ApiError> {
            Ok(self
                .runs
                .borrow()
                .iter()
                .rev()
                .find(|r| r.head_sha == sha && r.name == name)
                .cloned())
        }
        fn create_check_run(
            &self,
            _: &Repo,
            request: &CheckRunRequest,
        ) -> Result<CheckRun, ApiError> {
            let run = CheckRun {
                id: 1 + self.runs.borrow().len() as u64,
                name: request.name.clone(),
                head_sha: request.head_sha.clone(),
                annotations_count: request.output.annotations.len(),
            };
            self.run_requests.borrow_mut().push((
                "create",
                run.id,
                request.output.annotations.len(),
            ));
            self.runs.borrow_mut().push(run.clone());
            Ok(run)
        }
        fn update_check_run(
            &self,
            _: &Repo,
            id: u64,
            request: &CheckRunRequest,
        ) -> Result<CheckRun, ApiError> {
            self.run_requests
                .borrow_mut()
                .push(("update", id, request.output.annotations.len()));
            let mut runs = self.runs.borrow_mut();
            let run = runs.iter_mut().find(|r| r.id == id).expect("run exists");
            run.annotations_count += request.output.annotations.len();
            Ok(run.clone())
        }
        fn get_pull_request(&self, _: &Repo, _: u64) -> Result<PullRequest, ApiError> {
            unused()
        }
        fn list_reviews(&self, _: &Repo, _: u64) -> Result<Vec<Review>, ApiError> {
            unused()
        }
        fn collaborator_permission(&self, _: &Repo, _: &str) -> Result<String, ApiError> {
            unused()
        }
        fn is_team_member(&self, _: &str, _: &str, _: &str) -> Result<bool, ApiError> {
            unused()
        }
        fn list_workflow_runs(
            &self,
            _: &Repo,
            _: &str,
            _: &str,
        ) -> Result<Vec<WorkflowRun>, ApiError> {
            unused()
        }
        fn list_run_artifacts(&self, _: &Repo, _: u64) -> Result<Vec<Artifact>, ApiError> {
            unused()
        }
    }

    fn repo() -> Repo {
        Repo::parse("acme/app").unwrap()
    }

    fn annotations(n: usize) -> Vec<Annotation> {
        (0..n)
            .map(|i| Annotation {
                path: "db/1.sql".to_string(),
                start_line: i + 1,
                end_line: i + 1,
                start_column: None,
                end_column: None,
                level: AnnotationLevel::Warning,
                message: format!("finding {i}"),
                title: "DS007 delete-without-where".to_string(),
                raw_details: None,
            })
            .collect()
    }

    fn request() -> CheckRunRequest {
        CheckRunRequest {
            name: "sqlgate".to_string(),
            head_sha: "abc1234".to_string(),
            conclusion: Conclusion::Failure,
            output: CheckOutput {
                title: "t".to_string(),
                summary: "s".to_string(),
                annotations: Vec::new(),
            },
        }
    }

    #[test]
    fn the_sticky_comment_is_created_once_then_updated() {
        let github = Fake::default();
        github.comments.borrow_mut().push(IssueComment {
            id: 1,
            // A reviewer quoting sqlgate's comment: not ours.
            body: format!("> {COMMENT_MARKER}\n> old"),
            author: "bob".to_string(),
        });
        let first = comment_body("## sqlgate\nrun 1");
        assert_eq!(
            upsert_comment(&github, &repo(), 7, &first, true).unwrap(),
            CommentOutcome::Created(101)
        );
        let second = comment_body("## sqlgate\nrun 2");
        assert_eq!(
            upsert_comment(&github, &repo(), 7, &second, true).unwrap(),
            CommentOutcome::Updated(101)
        );
        let comments = github.comments.borrow();
        assert_eq!(comments.len(), 2);
        assert_eq!(
            comments[1].body,
            format!("{COMMENT_MARKER}\n## sqlgate\nrun 2\n")
        );
        assert_eq!(*github.comment_writes.borrow(), ["create", "update"]);
    }

    #[test]
    fn a_comment_carrying_the_marker_is_edited_only_when_the_tokens_user_wrote_it() {
        let forged = format!("{COMMENT_MARKER}\n## sqlgate\nall clear, no findings");
        let github = Fake::default();
        github.comments.borrow_mut().push(IssueComment {
            id: 1,
            body: forged.clone(),
            author: "mallory".to_string(),
        });
        let body = comment_body("## sqlgate\nDS001 drop-table");
        assert_eq!(
            upsert_comment(&github, &repo(), 7, &body, true).unwrap(),
            CommentOutcome::Created(101)
        );
        assert_eq!(
            github.comments.borrow()[0].body,
            forged,
            "mallory's comment"
        );
        assert_eq!(*github.comment_writes.borrow(), ["create"]);

        // A personal token: its user's comment is sqlgate's, the Actions bot's is not.
        let github = Fake {
            login: Ok(Some("Sqlgate-Runner".to_string())),
            ..Fake::default()
        };
        for (id, author) in [(1, ACTIONS_BOT), (2, "sqlgate-runner")] {
            github.comments.borrow_mut().push(IssueComment {
                id,
                body: format!("{COMMENT_MARKER}\nold"),
                author: author.to_string(),
            });
        }
        assert_eq!(
            upsert_comment(&github, &repo(), 7, &body, true).unwrap(),
            CommentOutcome::Updated(2)
        );
    }

    #[test]
    fn without_the_tokens_user_nothing_is_written() {
        let github = Fake {
            login: Err(()),
            ..Fake::default()
        };
        let body = comment_body("## sqlgate");
        let error = upsert_comment(&github, &repo(), 7, &body, true).unwrap_err();
        assert!(error.to_string().contains("GET /user"), "{error}");
        assert!(github.comment_writes.borrow().is_empty());
    }

    #[test]
    fn no_comment_is_created_for_a_clean_pull_request() {
        let github = Fake::default();
        let body = comment_body("clean");
        assert_eq!(
            upsert_comment(&github, &repo(), 7, &body, false).unwrap(),
            CommentOutcome::NotNeeded
        );
        assert!(github.comment_writes.borrow().is_empty());
    }

    #[test]
    fn long_reports_are_cut_at_a_line() {
        let text = "line\n".repeat(20_000);
        let cut = truncate(&text, 1_000);
        assert!(cut.chars().count() <= 1_000);
        assert!(cut.ends_with("the full report is in the job summary._\n"));
        assert!(cut.starts_with("line\nline\n"));
        assert_eq!(truncate("short", 1_000), "short");
    }

    #[test]
    fn annotations_go_in_batches_of_fifty() {
        let github = Fake::default();
        let run = publish_check_run(&github, &repo(), request(), annotations(120)).unwrap();
        assert_eq!(run.id, 1);
        assert_eq!(
            *github.run_requests.borrow(),
            [("create", 1, 50), ("update", 1, 50), ("update", 1, 20)]
        );
        assert_eq!(github.runs.borrow()[0].annotations_count, 120);
    }

    #[test]
    fn a_rerun_on_the_same_commit_refreshes_without_duplicating_annotations() {
        let github = Fake::default();
        publish_check_run(&github, &repo(), request(), annotations(3)).unwrap();
        publish_check_run(&github, &repo(), request(), annotations(3)).unwrap();
        assert_eq!(
            *github.run_requests.borrow(),
            [("create", 1, 3), ("update", 1, 0)]
        );
        // Different findings (the config changed): a new run, since annotations cannot be removed.
        publish_check_run(&github, &repo(), request(), annotations(2)).unwrap();
        assert_eq!(github.run_requests.borrow()[2], ("create", 2, 2));
        assert_eq!(github.runs.borrow()[0].annotations_count, 3);
    }

    #[test]
    fn a_run_without_findings_gets_no_annotations() {
        let github = Fake::default();
        publish_check_run(&github, &repo(), request(), Vec::new()).unwrap();
        assert_eq!(*github.run_requests.borrow(), [("create", 1, 0)]);
    }
}
