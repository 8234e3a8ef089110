//! Where `sqlgate ci` runs: a shallow checkout, events that are not a pull request,
//! `pull_request_target` reading the base commit's policy, and `init --github`.

use std::path::Path;

use crate::common::{git, sqlgate, write};
use crate::mock::{mock_github, runtime, OWNER_REPO};
use crate::support::{event_file, git_out, run_ci, scripted_pull_request};

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

    // Under pull_request too the base's policy judges the pull request: its own relaxed
    // config does not switch the drop rules off.
    let relaxed = run_ci(
        &repo,
        scratch.path(),
        &event,
        &server.uri(),
        &["--comment", "false"],
    );
    assert!(
        relaxed.stdout().contains("title=DS001 drop-table"),
        "{}",
        relaxed.stdout()
    );

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

/// The workflow `init --github` writes, read as GitHub reads it: the gate runs on
/// `pull_request_target` (the base's workflow, action and config) and on reviews, never on
/// `pull_request` (the pull request's own workflow); the head is checked out as data, with
/// no token left behind; and no step runs anything from the checkout.
#[test]
fn the_workflow_runs_the_base_gate_and_reads_the_pull_request_as_data() {
    use serde_yaml::Value;
    let workflow: Value = serde_yaml::from_str(sqlgate::github::ci::WORKFLOW).unwrap();
    // YAML 1.1 reads a bare `on` key as `true`; GitHub reads it as `on`. serde_yaml is 1.2.
    let on = &workflow["on"];
    assert!(on.is_mapping(), "{on:?}");
    assert!(on.get("pull_request").is_none(), "{on:?}");
    assert!(on.get("pull_request_target").is_some(), "{on:?}");
    let reviews: Vec<&str> = on["pull_request_review"]["types"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(reviews, ["submitted", "edited", "dismissed"]);
    let target: Vec<&str> = on["pull_request_target"]["types"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(target, ["opened", "synchronize", "reopened", "edited"]);

    // Only what the gate needs; never `contents: write` under pull_request_target.
    let permissions = workflow["permissions"].as_mapping().unwrap();
    assert_eq!(workflow["permissions"]["contents"].as_str(), Some("read"));
    for (scope, level) in permissions {
        let (scope, level) = (scope.as_str().unwrap(), level.as_str().unwrap());
        assert!(
            matches!(
                (scope, level),
                ("contents", "read")
                    | ("pull-requests", "write")
                    | ("actions", "read")
                    | ("checks", "write")
            ),
            "{scope}: {level}"
        );
    }

    let jobs = workflow["jobs"].as_mapping().unwrap();
    assert_eq!(jobs.len(), 1);
    let steps = workflow["jobs"]["sqlgate"]["steps"].as_sequence().unwrap();
    assert_eq!(steps.len(), 2, "{steps:?}");
    let checkout = &steps[0];
    assert_eq!(checkout["uses"].as_str(), Some("actions/checkout@v4"));
    assert_eq!(
        checkout["with"]["ref"].as_str(),
        Some("${{ github.event.pull_request.head.sha }}")
    );
    assert_eq!(
        checkout["with"]["persist-credentials"].as_bool(),
        Some(false)
    );
    assert_eq!(checkout["with"]["fetch-depth"].as_u64(), Some(0));
    let gate = &steps[1];
    // The moving tag of this major version (tests/version.rs holds it to Cargo.toml's).
    let major = env!("CARGO_PKG_VERSION").split('.').next().unwrap();
    assert_eq!(
        gate["uses"].as_str(),
        Some(format!("sqlgate/sqlgate@v{major}").as_str())
    );
    // A step with `run:`, or an action from the checkout (`uses: ./…`), would execute the
    // pull request's files with the base's token.
    for step in steps {
        assert!(step.get("run").is_none(), "{step:?}");
        assert!(
            !step["uses"].as_str().unwrap().starts_with("./"),
            "{step:?}"
        );
    }
    // The action reads the policy from the base commit: no `config:` from the checkout
    // is needed, and none that names a path outside it.
    assert!(gate["with"].get("config").is_none(), "{gate:?}");
}
