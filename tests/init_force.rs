//! `sqlgate init --force` overwrites only the files the command writes because of its flags:
//! `init --force` the config, `init --github --force` the workflow (an existing
//! `sqlgate.toml`, the team's policy, is kept and the run says so). And init never writes
//! through a symbolic link, which a pull request could have committed to point anywhere.

mod common;

use std::path::Path;
use std::process::Output;

use common::{git, sqlgate, write};

const MINE: &str = "# the team's policy\n[gate]\n";
const WORKFLOW: &str = ".github/workflows/sqlgate.yml";
const HOOKS: &str = "repos:\n  - repo: local\n    hooks:\n      - id: mine\n        name: mine\n        entry: 'true'\n        language: system\n";

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The one line of stderr; fails the test when there are more or none.
fn one_line(out: &Output) -> String {
    let text = String::from_utf8_lossy(&out.stderr).into_owned();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "expected exactly one line on stderr:\n{text}"
    );
    lines[0].to_string()
}

/// A repository (`repo/` inside the temporary directory, so a link can point next to it)
/// with a golang-migrate migration.
fn repo() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    write(
        &repo,
        "db/migrations/0001_init.up.sql",
        "CREATE TABLE users (id bigint);\n",
    );
    write(
        &repo,
        "db/migrations/0001_init.down.sql",
        "DROP TABLE users;\n",
    );
    // The path init prints: the top of the work tree as git reports it.
    let repo = std::fs::canonicalize(&repo).unwrap();
    (dir, repo)
}

fn init(repo: &Path, args: &[&str]) -> Output {
    sqlgate(repo).arg("init").args(args).output().unwrap()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn github_force_overwrites_the_workflow_and_keeps_the_config() {
    let (_dir, repo) = repo();
    write(&repo, "sqlgate.toml", MINE);
    write(&repo, WORKFLOW, "edited\n");
    let out = init(&repo, &["--github", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(read(&repo.join("sqlgate.toml")), MINE);
    let workflow = read(&repo.join(WORKFLOW));
    assert!(workflow.starts_with("# sqlgate: "), "{workflow}");
    assert_eq!(
        stdout(&out),
        format!(
            "kept {0}/sqlgate.toml: with --github or --pre-commit, --force overwrites only the \
             files those flags write; run `sqlgate init --force` alone to rewrite it\n\
             wrote {0}/{WORKFLOW}: commit it to the default branch (it runs on \
             pull_request_target, so the base's copy is what runs), then make its `sqlgate` job \
             a required status check (branch protection or a ruleset, source GitHub Actions)\n",
            repo.display()
        )
    );

    // With --pre-commit as well: the workflow is rewritten, the config kept, other hooks kept.
    write(&repo, WORKFLOW, "edited again\n");
    write(&repo, ".pre-commit-config.yaml", HOOKS);
    let out = init(&repo, &["--github", "--pre-commit", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(read(&repo.join("sqlgate.toml")), MINE);
    assert_eq!(read(&repo.join(WORKFLOW)), workflow);
    let hooks = read(&repo.join(".pre-commit-config.yaml"));
    assert!(hooks.contains("- id: sqlgate\n"), "{hooks}");
    assert!(hooks.ends_with(&HOOKS["repos:\n".len()..]), "{hooks}");

    // Without a config, --github --force writes one (there is nothing to keep).
    std::fs::remove_file(repo.join("sqlgate.toml")).unwrap();
    let out = init(&repo, &["--github", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(read(&repo.join("sqlgate.toml")).starts_with("# sqlgate configuration"));
}

#[test]
fn force_alone_overwrites_the_config_and_nothing_else() {
    let (_dir, repo) = repo();
    write(&repo, "sqlgate.toml", MINE);
    write(&repo, WORKFLOW, "edited\n");
    let refused = init(&repo, &[]);
    assert_eq!(refused.status.code(), Some(2));
    assert_eq!(read(&repo.join("sqlgate.toml")), MINE);
    let out = init(&repo, &["--force"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let config = read(&repo.join("sqlgate.toml"));
    assert!(
        config.contains("\n# paths = [\"db/migrations\"]"),
        "{config}"
    );
    assert_eq!(read(&repo.join(WORKFLOW)), "edited\n");

    // --github without --force still refuses over an existing workflow, and writes nothing.
    write(&repo, "sqlgate.toml", MINE);
    let out = init(&repo, &["--github"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        one_line(&out),
        format!(
            "error: {}/{WORKFLOW} already exists: edit it, or run `sqlgate init --github \
             --force` to overwrite it",
            repo.display()
        )
    );
    assert_eq!(read(&repo.join(WORKFLOW)), "edited\n");
    assert_eq!(read(&repo.join("sqlgate.toml")), MINE);
}

#[cfg(unix)]
mod links {
    use super::*;
    use std::os::unix::fs::symlink;

    fn refusal(repo: &Path, file: &str, link: Option<&str>, target: &Path) -> String {
        let what = match link {
            None => "it is".to_string(),
            Some(link) => format!("{}/{link} is", repo.display()),
        };
        format!(
            "error: refusing to write {}/{file}: {what} a symbolic link to {target:?}, and init \
             never writes through a link (a committed one can point anywhere); remove the link \
             and run init again",
            repo.display()
        )
    }

    #[test]
    fn a_config_that_is_a_link_is_never_written_through() {
        let (dir, repo) = repo();
        let target = dir.path().join("victim");
        std::fs::write(&target, "precious\n").unwrap();
        symlink(&target, repo.join("sqlgate.toml")).unwrap();
        let out = init(&repo, &["--force"]);
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(
            one_line(&out),
            refusal(&repo, "sqlgate.toml", None, &target)
        );
        assert_eq!(read(&target), "precious\n");

        // Kept (not written) with --github: nothing to refuse, the link is left as it is.
        let out = init(&repo, &["--github", "--force"]);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        assert_eq!(read(&target), "precious\n");
        assert!(repo
            .join("sqlgate.toml")
            .symlink_metadata()
            .unwrap()
            .is_symlink());

        // A dangling link counts as a file: without --force "already exists"; with it,
        // refused. Its target is never created.
        let (dir, repo) = super::repo();
        let target = dir.path().join("created-by-init");
        symlink(&target, repo.join("sqlgate.toml")).unwrap();
        let out = init(&repo, &[]);
        assert_eq!(out.status.code(), Some(2));
        assert!(one_line(&out).ends_with(
            "/sqlgate.toml already exists: edit it, or run `sqlgate init --force` to overwrite it"
        ));
        let out = init(&repo, &["--force"]);
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(
            one_line(&out),
            refusal(&repo, "sqlgate.toml", None, &target)
        );
        assert!(!target.exists());
    }

    #[test]
    fn a_workflow_that_is_a_link_or_under_one_is_refused_and_nothing_is_written() {
        let (dir, repo) = repo();
        let target = dir.path().join("victim.yml");
        std::fs::write(&target, "precious\n").unwrap();
        std::fs::create_dir_all(repo.join(".github/workflows")).unwrap();
        symlink(&target, repo.join(WORKFLOW)).unwrap();
        let out = init(&repo, &["--github", "--force"]);
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(one_line(&out), refusal(&repo, WORKFLOW, None, &target));
        assert_eq!(read(&target), "precious\n");
        // The run stopped before writing anything: no config either.
        assert!(!repo.join("sqlgate.toml").exists());

        // A linked directory on the way.
        let (dir, repo) = super::repo();
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        symlink(&elsewhere, repo.join(".github")).unwrap();
        for args in [&["--github"][..], &["--github", "--force"]] {
            let out = init(&repo, args);
            assert_eq!(out.status.code(), Some(2), "{args:?}");
            assert_eq!(
                one_line(&out),
                refusal(&repo, WORKFLOW, Some(".github"), &elsewhere),
                "{args:?}"
            );
        }
        assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
        assert!(!repo.join("sqlgate.toml").exists());
    }

    #[test]
    fn a_pre_commit_config_that_is_a_link_is_refused() {
        let (dir, repo) = repo();
        let target = dir.path().join("hooks.yaml");
        std::fs::write(&target, HOOKS).unwrap();
        symlink(&target, repo.join(".pre-commit-config.yaml")).unwrap();
        for args in [&["--pre-commit"][..], &["--pre-commit", "--force"]] {
            let out = init(&repo, args);
            assert_eq!(out.status.code(), Some(2), "{args:?}");
            assert_eq!(
                one_line(&out),
                refusal(&repo, ".pre-commit-config.yaml", None, &target),
                "{args:?}"
            );
        }
        assert_eq!(read(&target), HOOKS);
        assert!(!repo.join("sqlgate.toml").exists());
    }
}
