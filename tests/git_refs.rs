//! Revisions from the command line and from events never reach git as options: git reads
//! `--output=FILE` given where a revision goes as "write the diff to FILE", truncating it.
//! Such a revision is refused with one line (exit code 2) before git runs; ordinary ones
//! (`main`, `HEAD~1`, a SHA) keep working.

mod common;

use std::path::Path;
use std::process::Output;

use common::{git, json, sqlgate, write};

const M: &str = "supabase/migrations";
const PRECIOUS: &[u8] = b"precious: not to be truncated\n";

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The one line of stderr; fails the test when there are more or none.
fn one_line(out: &Output) -> String {
    let text = stderr(out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "expected exactly one line on stderr:\n{text}"
    );
    lines[0].to_string()
}

fn refusal(rev: &str) -> String {
    format!(
        "error: refusing the git revision `{rev}`: it starts with `-`, so git would read it as \
         an option; pass a branch, tag or commit (e.g. `origin/main`)"
    )
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

/// `main` creates `users`; the checked-out `feature` branch adds a migration dropping it
/// (DS001, an error), and a file outside the repository stands for what an attacker would
/// have git overwrite.
fn repo() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    write(
        &repo,
        &format!("{M}/20260101000000_users.sql"),
        "create table users (id bigint primary key);\n",
    );
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "users"]);
    git(&repo, &["checkout", "-q", "-b", "feature"]);
    write(
        &repo,
        &format!("{M}/20260102000000_drop.sql"),
        "drop table users;\n",
    );
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "drop users"]);
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, PRECIOUS).unwrap();
    (dir, repo, victim)
}

fn check(repo: &Path, args: &[&str]) -> Output {
    sqlgate(repo).arg("check").args(args).output().unwrap()
}

#[test]
fn a_changed_since_ref_that_is_an_option_is_refused_and_the_file_it_names_is_untouched() {
    let (_dir, repo, victim) = repo();
    let option = format!("--output={}", victim.display());
    let attached = format!("--changed-since={option}");
    for args in [
        vec![attached.as_str()],
        vec!["--changed-since", option.as_str()],
        vec!["--staged", attached.as_str()],
        vec!["--staged", "--changed-since", option.as_str()],
        vec!["--format", "json", attached.as_str()],
    ] {
        let out = check(&repo, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert_eq!(one_line(&out), refusal(&option), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert_eq!(std::fs::read(&victim).unwrap(), PRECIOUS, "{args:?}");
    }
}

#[test]
fn other_option_shaped_refs_are_refused_before_git_runs() {
    let (dir, repo, _victim) = repo();
    let pwned = dir.path().join("pwned");
    let upload_pack = format!("--upload-pack=touch {}", pwned.display());
    for rev in ["-x", "-p", "--no-index", upload_pack.as_str()] {
        for staged in [false, true] {
            let changed_since = format!("--changed-since={rev}");
            let mut args = vec![changed_since.as_str()];
            if staged {
                args.push("--staged");
            }
            let out = check(&repo, &args);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
            assert_eq!(one_line(&out), refusal(rev), "{args:?}");
        }
    }
    assert!(!pwned.exists());
    // Outside a repository, the ref is still what is named as wrong.
    let elsewhere = tempfile::tempdir().unwrap();
    let out = check(elsewhere.path(), &["--changed-since=-x"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(one_line(&out), refusal("-x"));
}

#[test]
fn ordinary_refs_still_select_what_changed() {
    let (_dir, repo, victim) = repo();
    let sha = git_out(&repo, &["rev-parse", "main"]);
    let short = &sha[..10];
    for base in ["main", "HEAD~1", "feature~1", sha.as_str(), short] {
        let out = check(&repo, &["--changed-since", base, "--format", "json"]);
        assert_eq!(out.status.code(), Some(1), "{base}: {}", stderr(&out));
        let report = json(&out.stdout);
        assert_eq!(report["files_checked"], 1, "{base}: {report}");
        let codes: Vec<&str> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap())
            .collect();
        assert!(codes.contains(&"DS001"), "{base}: {codes:?}");
    }
    // Since the branch's own head nothing changed: nothing to check, exit 0.
    let out = check(&repo, &["--changed-since=feature", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out.stdout)["files_checked"], 0);
    // Under --staged: the staged drop of a second table is what is checked since HEAD~1.
    write(
        &repo,
        &format!("{M}/20260103000000_more.sql"),
        "create table more (id int);\n",
    );
    git(&repo, &["add", "."]);
    let out = check(
        &repo,
        &["--staged", "--changed-since", "HEAD~1", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(json(&out.stdout)["files_checked"], 2);
    // An unknown ref keeps its own message.
    let out = check(&repo, &["--changed-since", "no-such-branch"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        one_line(&out),
        "error: git cannot resolve `no-such-branch`: this clone has no remote to fetch it \
         from; pass an existing branch, tag or commit (`git branch -a` lists the branches)"
    );
    assert_eq!(std::fs::read(&victim).unwrap(), PRECIOUS);
}

#[test]
fn an_event_whose_commits_are_options_is_refused() {
    let (dir, repo, victim) = repo();
    let head = git_out(&repo, &["rev-parse", "HEAD"]);
    let option = format!("--output={}", victim.display());
    for (base, head) in [(option.as_str(), head.as_str()), (head.as_str(), "-x")] {
        let event = serde_json::json!({
            "action": "synchronize",
            "pull_request": {
                "number": 7,
                "user": {"login": "author1"},
                "body": "",
                "base": {"sha": base},
                "head": {"sha": head},
            },
        });
        let event_file = dir.path().join("event.json");
        std::fs::write(&event_file, event.to_string()).unwrap();
        let reviews = dir.path().join("reviews.json");
        std::fs::write(&reviews, "[]").unwrap();
        let out = sqlgate(&repo)
            .arg("gate")
            .arg("--event")
            .arg(&event_file)
            .arg("--reviews")
            .arg(&reviews)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let line = one_line(&out);
        assert!(
            line.starts_with("error: ") && line.contains("is not a commit SHA"),
            "{line}"
        );
        assert_eq!(std::fs::read(&victim).unwrap(), PRECIOUS);
    }
}
