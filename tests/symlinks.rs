//! Symbolic links a pull request commits (issue 19, gate integrity): discovery never follows
//! one out of the repository, and sqlgate never writes a file through one.
#![cfg(unix)]

mod common;

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use common::{event_file, git, git_out, json, sqlgate, write, OWNER_REPO};

/// Every run here takes milliseconds; before the fix, a link to `/` walked the whole
/// machine (over 90 s and 3.3 GB). A run that outlives this is killed and fails the test.
const BOUND: Duration = Duration::from_secs(10);

/// Something a file outside the repository holds: if it is read, it shows up in a finding.
const SECRET: &str = "DROP TABLE secret_outside_the_repository;\n";
const SECRET_NAME: &str = "secret_outside_the_repository";

/// A scratch directory holding `repo` (a git repository with one committed migration,
/// `db/migrations/001_a.sql`) and `secret.sql` next to it, outside the repository.
struct Scratch {
    dir: tempfile::TempDir,
    repo: PathBuf,
}

impl Scratch {
    fn new() -> Scratch {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().canonicalize().unwrap().join("repo");
        std::fs::create_dir(&repo).unwrap();
        git(&repo, &["init", "-q", "-b", "main"]);
        write(
            &repo,
            "db/migrations/001_a.sql",
            "CREATE TABLE a (id bigint PRIMARY KEY);\n",
        );
        write(dir.path(), "secret.sql", SECRET);
        Scratch { dir, repo }
    }

    fn outside(&self, name: &str) -> PathBuf {
        self.dir.path().canonicalize().unwrap().join(name)
    }

    fn link(&self, target: impl AsRef<Path>, relative: &str) {
        let link = self.repo.join(relative);
        std::fs::create_dir_all(link.parent().unwrap()).unwrap();
        symlink(target, link).unwrap();
    }

    /// `sqlgate <args>` in the repository, within the time bound.
    fn run(&self, args: &[&str]) -> Output {
        run_bounded(sqlgate(&self.repo).args(args))
    }
}

fn run_bounded(cmd: &mut assert_cmd::Command) -> Output {
    let started = Instant::now();
    let output = cmd.timeout(BOUND).output().unwrap();
    assert!(
        started.elapsed() < BOUND,
        "the run took {:?}:\n{}",
        started.elapsed(),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn out_message(target: &str) -> String {
    format!("symlink to a path outside the repository ({target}): not followed")
}

/// The report's errors as (file, message).
fn errors(report: &serde_json::Value) -> Vec<(String, String)> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["file"].as_str().unwrap().to_string(),
                e["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The first line of `/etc/passwd`, when this machine has one to link to.
fn passwd_line() -> Option<String> {
    let text = std::fs::read_to_string("/etc/passwd").ok()?;
    Some(text.lines().next()?.to_string())
}

// ---------------------------------------------------------------------------------------
// Discovery

#[test]
fn a_link_to_the_file_system_root_is_an_error_not_a_walk() {
    let s = Scratch::new();
    s.link("/", "db/migrations/root");
    let out = s.run(&["check", "--format", "json"]);
    let report = json(&out.stdout);
    assert_eq!(
        errors(&report),
        [("db/migrations/root".to_string(), out_message("/"))]
    );
    assert_eq!(report["files_checked"], 1);
    // An error where migrations are read: the run fails closed.
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
}

#[test]
fn nothing_behind_a_link_out_appears_in_any_format() {
    let s = Scratch::new();
    s.link("/etc/passwd", "db/migrations/002_passwd.sql");
    s.link(s.outside("secret.sql"), "db/migrations/003_secret.sql");
    s.link("../../../secret.sql", "db/migrations/004_relative.sql");
    s.link(s.outside("secret.sql"), "docs/notes.txt");
    s.link(s.dir.path(), "docs/scratch");

    let out = s.run(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let secret = s.outside("secret.sql").display().to_string();
    assert_eq!(
        errors(&json(&out.stdout)),
        [
            (
                "db/migrations/002_passwd.sql".to_string(),
                out_message("/etc/passwd")
            ),
            (
                "db/migrations/003_secret.sql".to_string(),
                out_message(&secret)
            ),
            (
                "db/migrations/004_relative.sql".to_string(),
                out_message("../../../secret.sql")
            ),
        ]
    );
    let passwd = passwd_line();
    for format in ["human", "json", "sarif", "github", "markdown"] {
        let out = s.run(&["check", "-v", "--format", format]);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{format}: {}",
            text(&out.stderr)
        );
        let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert!(!all.contains(SECRET_NAME), "{format}:\n{all}");
        if let Some(line) = &passwd {
            assert!(!all.contains(line.as_str()), "{format}:\n{all}");
        }
        assert!(
            all.contains("db/migrations/002_passwd.sql"),
            "{format}:\n{all}"
        );
    }
    // Outside migration directories, a link out is a skipped file (`-v` says why).
    let out = s.run(&["check", "-v", "--format", "json"]);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "skipped docs/notes.txt: {}\n",
            out_message(&secret)
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "skipped docs/scratch: {}\n",
            out_message(&s.dir.path().canonicalize().unwrap().display().to_string())
        )),
        "{stderr}"
    );
}

#[test]
fn link_loops_finish() {
    let s = Scratch::new();
    s.link("loop_b.sql", "db/migrations/loop_a.sql");
    s.link("loop_a.sql", "db/migrations/loop_b.sql");
    s.link(".", "db/migrations/again");
    s.link("../..", "db/migrations/top");
    let out = s.run(&["check", "--format", "json"]);
    let report = json(&out.stdout);
    let mut files: Vec<String> = errors(&report).into_iter().map(|e| e.0).collect();
    files.sort();
    files.dedup();
    // The looping files cannot be read; the rest is checked, once.
    assert_eq!(
        files,
        ["db/migrations/loop_a.sql", "db/migrations/loop_b.sql"]
    );
    assert_eq!(report["files_checked"], 1, "{report}");
}

#[test]
fn links_inside_the_repository_still_work() {
    let s = Scratch::new();
    write(&s.repo, "shared/drop.sql", "DROP TABLE a;\n");
    s.link("../../shared/drop.sql", "db/migrations/002_drop.sql");
    s.link("../db/migrations", "more/migrations");
    let out = s.run(&["check", "--format", "json", "db/migrations"]);
    let report = json(&out.stdout);
    assert_eq!(errors(&report), []);
    let dropped = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["code"] == "DS001" && f["file"] == "db/migrations/002_drop.sql");
    assert!(dropped, "{report}");
    assert_eq!(out.status.code(), Some(1));
    // A path given through a link that stays inside is checked too.
    let out = s.run(&["check", "--format", "json", "more/migrations"]);
    let report = json(&out.stdout);
    assert_eq!(errors(&report), []);
    assert_eq!(report["files_checked"], 2, "{report}");
}

#[test]
fn paths_given_through_a_link_out_are_errors() {
    let s = Scratch::new();
    s.link("/", "sys");
    s.link("/etc/passwd", "db/migrations/002_passwd.sql");
    let out = s.run(&[
        "check",
        "--format",
        "json",
        "sys/etc",
        "db/migrations/002_passwd.sql",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        errors(&json(&out.stdout)),
        [
            (
                "sys/etc".to_string(),
                "leads through a symlink to a path outside the repository (/etc): not followed"
                    .to_string()
            ),
            (
                "db/migrations/002_passwd.sql".to_string(),
                out_message("/etc/passwd")
            ),
        ]
    );
    // The pull request's own config cannot point the walk out either.
    write(
        &s.repo,
        "sqlgate.toml",
        "[migrations]\npaths = [\"sys\", \"db/migrations\"]\n",
    );
    let out = s.run(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let report = json(&out.stdout);
    assert_eq!(errors(&report)[0], ("sys".to_string(), out_message("/")));
    assert_eq!(report["files_checked"], 1);
}

// ---------------------------------------------------------------------------------------
// Writing files

/// A pull request on `repo`: the base commit has `001_a.sql`, the head adds `002_b.sql` and
/// whatever `head` writes. Returns the event file (in the scratch directory).
fn pull_request(s: &Scratch, head: impl FnOnce(&Path)) -> PathBuf {
    git(&s.repo, &["add", "-A"]);
    git(&s.repo, &["commit", "-q", "-m", "base"]);
    let base = git_out(&s.repo, &["rev-parse", "HEAD"]);
    git(&s.repo, &["checkout", "-q", "-b", "feature"]);
    write(
        &s.repo,
        "db/migrations/002_b.sql",
        "CREATE TABLE b (id bigint PRIMARY KEY);\n",
    );
    head(&s.repo);
    git(&s.repo, &["add", "-A"]);
    git(&s.repo, &["commit", "-q", "-m", "head"]);
    let head = git_out(&s.repo, &["rev-parse", "HEAD"]);
    event_file(&s.outside(""), &base, &head, OWNER_REPO)
}

/// `sqlgate ci <args>` as GitHub Actions runs it, without a token (nothing is published),
/// with the summary and outputs files in the scratch directory.
fn ci(s: &Scratch, event: &Path, args: &[&str]) -> Output {
    run_bounded(
        sqlgate(&s.repo)
            .arg("ci")
            .args(["--comment", "false"])
            .args(args)
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_EVENT_NAME", "pull_request")
            .env("GITHUB_EVENT_PATH", event)
            .env("GITHUB_REPOSITORY", "acme/app")
            .env("GITHUB_API_URL", "http://127.0.0.1:9")
            .env_remove("GITHUB_TOKEN")
            .env_remove("SQLGATE_GITHUB_TOKEN")
            .env("GITHUB_STEP_SUMMARY", s.outside("summary.md"))
            .env("GITHUB_OUTPUT", s.outside("outputs.txt")),
    )
}

/// The gate in CI fails closed on a link out of the repository in a migration directory,
/// and shows nothing from behind it.
#[test]
fn sqlgate_ci_fails_closed_on_a_link_out() {
    let s = Scratch::new();
    let event = pull_request(&s, |repo| {
        symlink("/etc/passwd", repo.join("db/migrations/003_passwd.sql")).unwrap();
        symlink("/", repo.join("db/migrations/root")).unwrap();
    });
    let out = ci(&s, &event, &[]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}{}", text(&out.stderr));
    for (file, target) in [("003_passwd.sql", "/etc/passwd"), ("root", "/")] {
        let annotation = format!(
            "::error file=db/migrations/{file}::{}\n",
            out_message(target)
        );
        assert!(stdout.contains(&annotation), "{annotation}\n{stdout}");
    }
    let summary = std::fs::read_to_string(s.outside("summary.md")).unwrap();
    if let Some(line) = passwd_line() {
        assert!(
            !stdout.contains(&line) && !summary.contains(&line),
            "{stdout}{summary}"
        );
    }
    assert!(
        summary.contains("db/migrations/003_passwd.sql"),
        "{summary}"
    );
}

const VICTIM: &str = "not sqlgate's to overwrite\n";

#[test]
fn the_sarif_file_is_written_in_the_repository_and_never_through_a_link() {
    let s = Scratch::new();
    let victim = s.outside("victim.txt");
    std::fs::write(&victim, VICTIM).unwrap();
    let event = pull_request(&s, |repo| {
        symlink(&victim, repo.join("sqlgate.sarif")).unwrap();
        symlink(s.dir.path(), repo.join("reports")).unwrap();
        write(repo, "out/old.sarif", "stale");
    });

    // A link committed where the SARIF file goes.
    let out = ci(&s, &event, &["--sarif-file", "sqlgate.sarif"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "error: refused to write the SARIF file sqlgate.sarif: it is a symbolic link (it could \
         point anywhere): remove it or give another path\n"
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), VICTIM);

    // A directory on the way that is a link out of the repository.
    let out = ci(&s, &event, &["--sarif-file", "reports/victim.txt"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with(
            "error: refused to write the SARIF file reports/victim.txt: its directory leads \
             through a symbolic link outside the repository ("
        ),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), VICTIM);

    // A path outside the checkout, as written.
    let out = ci(&s, &event, &["--sarif-file", "../written.sarif"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        format!(
            "error: refused to write the SARIF file ../written.sarif: it is outside the \
             repository ({}): give a path in the checkout\n",
            s.repo.display()
        )
    );
    assert!(!s.outside("written.sarif").exists());

    // Inside, a new file and an existing one (replaced, not appended to).
    for path in ["new.sarif", "out/old.sarif"] {
        let out = ci(&s, &event, &["--sarif-file", path]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let sarif: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(s.repo.join(path)).unwrap()).unwrap();
        assert_eq!(sarif["version"], "2.1.0");
    }
}

#[test]
fn github_files_are_never_written_through_a_link() {
    let s = Scratch::new();
    let victim = s.outside("victim.txt");
    std::fs::write(&victim, VICTIM).unwrap();
    let linked = s.outside("linked-output");
    symlink(&victim, &linked).unwrap();
    let summary = s.outside("summary.md");

    // GitHub's files are outside the checkout: written there, as long as they are files.
    let run = |output: &Path| {
        run_bounded(
            sqlgate(&s.repo)
                .args(["check", "--format", "github"])
                .env("GITHUB_STEP_SUMMARY", &summary)
                .env("GITHUB_OUTPUT", output),
        )
    };
    let out = run(&s.outside("outputs.txt"));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(std::fs::read_to_string(&summary)
        .unwrap()
        .contains("sqlgate"));
    assert!(std::fs::read_to_string(s.outside("outputs.txt"))
        .unwrap()
        .contains("findings="));

    let out = run(&linked);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        format!(
            "error: refused to write $GITHUB_OUTPUT {}: it is a symbolic link (it could point \
             anywhere): remove it or give another path\n",
            linked.display()
        )
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), VICTIM);
}

#[test]
fn rules_write_docs_never_writes_through_a_link() {
    let s = Scratch::new();
    let victim = s.outside("victim.md");
    std::fs::write(&victim, "keep me\n").unwrap();
    std::fs::create_dir_all(s.repo.join("docs")).unwrap();
    symlink(&victim, s.repo.join("docs/configuration.md")).unwrap();
    let out = s.run(&["rules", "--write-docs", "docs"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stderr),
        "error: refused to write the rule docs docs/configuration.md: it is a symbolic link \
         (it could point anywhere): remove it or give another path\n"
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me\n");

    // The README next to the docs is not written through a link either.
    std::fs::remove_file(s.repo.join("docs/configuration.md")).unwrap();
    std::fs::write(
        &victim,
        "<!-- rules:begin (generated by `cargo run -- rules --write-docs docs`) -->\n<!-- rules:end -->\n",
    )
    .unwrap();
    symlink(&victim, s.repo.join("README.md")).unwrap();
    let out = s.run(&["rules", "--write-docs", "docs"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).starts_with("error: refused to write the README "),
        "{}",
        text(&out.stderr)
    );
}
