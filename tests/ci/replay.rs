//! `sqlgate ci --replay` (the action's `replay: true`) and the replay workflow `init --github
//! --replay` writes. Replay runs the pull request's SQL, so `ci` allows it only under
//! pull_request: the job there holds no write token and no secrets.

use crate::common::sqlgate;
use crate::mock::{mock_github, runtime, set_pull, OWNER_REPO};
use crate::support::{drop_pr, event_file, git_out, run_ci, run_ci_on, DropPr};

#[test]
fn replay_is_refused_where_the_job_holds_a_write_token() {
    let DropPr {
        scratch,
        repo,
        event,
        ..
    } = drop_pr(false);
    for event_name in ["pull_request_target", "pull_request_review"] {
        let run = run_ci_on(
            event_name,
            &repo,
            scratch.path(),
            &event,
            "http://127.0.0.1:9",
            &["--replay"],
        );
        let stderr = String::from_utf8_lossy(&run.output.stderr);
        assert_eq!(run.output.status.code(), Some(2), "{event_name}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "--replay runs the pull request's SQL, so it runs only under pull_request (a job \
                 without write access or secrets), not under {event_name}"
            )),
            "{event_name}: {stderr}"
        );
    }
}

#[test]
fn under_pull_request_the_replay_findings_are_annotated_with_the_static_ones() {
    let runtime = runtime();
    let (server, state) = mock_github(&runtime, false);
    let DropPr {
        scratch,
        repo,
        base,
        ..
    } = drop_pr(false);
    // The pull request's down re-creates users without its primary key: RP002.
    std::fs::write(
        repo.join("db/migrations/000002_drop_users.down.sql"),
        "CREATE TABLE users (id bigint, email text);\n",
    )
    .unwrap();
    crate::common::git(
        &repo,
        &["commit", "-q", "-am", "a down that forgets the key"],
    );
    let head = git_out(&repo, &["rev-parse", "HEAD"]);
    set_pull(&state, "Cleans up.", &head, &base);
    let event = event_file(scratch.path(), &base, &head, OWNER_REPO);
    let run = run_ci(
        &repo,
        scratch.path(),
        &event,
        &server.uri(),
        &["--replay", "--comment", "false"],
    );
    let stdout = run.stdout();
    let stderr = String::from_utf8_lossy(&run.output.stderr);
    assert!(
        stdout.contains("::error file=db/migrations/000002_drop_users.down.sql,line=1,"),
        "{stdout}\n{stderr}"
    );
    assert!(stdout.contains("RP002"), "{stdout}");
    assert!(
        stdout.contains("DS001"),
        "the static findings are there too: {stdout}"
    );
    assert!(run.summary.contains("RP002"), "{}", run.summary);
    assert!(stderr.contains("replay: PostgreSQL"), "{stderr}");
}

#[test]
fn init_replay_writes_an_advisory_workflow_apart_from_the_gate() {
    let temp = tempfile::tempdir().unwrap();
    crate::common::git(temp.path(), &["init", "-q", "-b", "main"]);
    let out = sqlgate(temp.path())
        .args(["init", "--replay"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let gate = std::fs::read_to_string(temp.path().join(".github/workflows/sqlgate.yml")).unwrap();
    assert!(gate.contains("pull_request_target"));
    let replay =
        std::fs::read_to_string(temp.path().join(".github/workflows/sqlgate-replay.yml")).unwrap();
    let workflow: serde_yaml::Value = serde_yaml::from_str(&replay).unwrap();
    let triggers: Vec<&str> = workflow["on"]
        .as_mapping()
        .unwrap()
        .keys()
        .map(|k| k.as_str().unwrap())
        .collect();
    assert_eq!(triggers, ["pull_request"], "never pull_request_target");
    assert_eq!(
        workflow["permissions"],
        serde_yaml::from_str::<serde_yaml::Value>("contents: read").unwrap()
    );
    let version = sqlgate::config::precommit::pep440(env!("CARGO_PKG_VERSION"));
    assert!(
        replay.contains(&format!(
            "run: pipx run sqlgate=={version} replay --changed-since \"origin/$BASE_REF\" --format github"
        )),
        "{replay}"
    );
    // The job name differs from the gate's `sqlgate`, so it can never stand in for it.
    assert!(workflow["jobs"]["sqlgate"].is_null());

    // Again without --force: refused, nothing changed.
    let again = sqlgate(temp.path())
        .args(["init", "--replay"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
}
