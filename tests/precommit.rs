//! The pre-commit integration, driven by the real `pre-commit` tool (PyPI, installed by
//! `scripts/install-pre-commit.sh` into `target/pre-commit-venv`), in both of the forms
//! `sqlgate init` writes. Each must refuse a commit of a destructive migration with sqlgate's
//! message, and let it through once a suppression with a reason is added.
//!
//! - The default, `sqlgate init --pre-commit`: a local `language: python` hook whose
//!   environment is the sqlgate wheel. The wheel is built from this checkout by maturin
//!   (`scripts/install-maturin.sh`, unoptimized, sharing its build with the other tests that
//!   install: see `build_wheel`) and pip takes it from a local directory instead of PyPI. The
//!   environment must install in seconds.
//! - `sqlgate init --pre-commit-from-source`: this repository's `.pre-commit-hooks.yaml` hook.
//!   A hook repository is made from this checkout's build inputs (`Cargo.toml`, `Cargo.lock`,
//!   `src/`, `crates/`, `.pre-commit-hooks.yaml`) as they are in the work tree, so the hook
//!   definition under test is the one being edited; a scratch repository uses it as a
//!   path-based `repo:`, and pre-commit builds sqlgate with `cargo install` (`language:
//!   rust`), in the target directory the README test's `cargo install --path .` shares, so
//!   dependencies are built once, and with the release profile unoptimized
//!   (`common::install_build_env`): the hook is under test, not the optimizer.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use common::copy_dir;

const MANIFEST_DIR: &str = env!("CARGO_MANIFEST_DIR");

fn pre_commit() -> PathBuf {
    let out = Command::new(Path::new(MANIFEST_DIR).join("scripts/install-pre-commit.sh"))
        .output()
        .expect("run scripts/install-pre-commit.sh");
    assert!(
        out.status.success(),
        "scripts/install-pre-commit.sh failed (it needs python3 with venv and pip, and PyPI):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

/// git in `dir` with a fixed identity, no signing, the repository's own hooks, and the
/// shared build settings for the `cargo install` a hook may run.
fn git_command(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .current_dir(dir)
        .args(["-c", "user.name=Dev", "-c", "user.email=dev@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "core.hooksPath=.git/hooks",
        ])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .envs(common::install_build_env())
        // pre-commit's `cargo install --path .` ignores Cargo.lock and resolves afresh.
        // Offline, it resolves to the crates already downloaded, which on a fresh machine are
        // exactly the locked ones `cargo test` fetched: the hook then shares the dependency
        // builds of the wheel and README install in the same target directory, and needs no
        // network.
        .env("CARGO_NET_OFFLINE", "true");
    command
}

fn git(dir: &Path, args: &[&str]) -> Output {
    git_command(dir).args(args).output().expect("run git")
}

fn ok(out: Output, what: &str) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{what} failed:\n{text}");
    text
}

/// A git repository holding what `cargo install` needs, committed; returns its commit.
fn hook_repository(dir: &Path) -> String {
    let root = Path::new(MANIFEST_DIR);
    for file in ["Cargo.toml", "Cargo.lock", ".pre-commit-hooks.yaml"] {
        std::fs::copy(root.join(file), dir.join(file)).unwrap();
    }
    for sources in ["src", "crates"] {
        copy_dir(&root.join(sources), &dir.join(sources));
    }
    ok(git(dir, &["init", "-q", "-b", "main"]), "git init");
    ok(git(dir, &["add", "-A"]), "git add");
    ok(git(dir, &["commit", "-q", "-m", "sqlgate"]), "git commit");
    ok(git(dir, &["rev-parse", "HEAD"]), "git rev-parse")
        .trim()
        .to_string()
}

fn write(dir: &Path, relative: &str, text: &str) {
    let path = dir.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// `pre-commit` in `repo` with its cache (clones, environments) in `home`.
fn pre_commit_in(pre_commit: &Path, repo: &Path, home: &Path) -> Command {
    let mut command = Command::new(pre_commit);
    command
        .current_dir(repo)
        .env("PRE_COMMIT_HOME", home)
        // The developer's pip settings cannot change what is installed.
        .env("PIP_CONFIG_FILE", "/dev/null")
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1");
    command
}

/// `git commit -m message` in `repo`: git runs the hook pre-commit installed, which must find
/// the same cache (PRE_COMMIT_HOME).
fn commit(repo: &Path, home: &Path, message: &str) -> Output {
    git_command(repo)
        .args(["commit", "-m", message])
        .env("PRE_COMMIT_HOME", home)
        .env("PIP_CONFIG_FILE", "/dev/null")
        .output()
        .expect("run git commit")
}

fn text_of(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The scenario every form of the hook must pass, once `pre-commit install` ran in `repo`: a
/// safe migration goes through, dropping its table is refused with sqlgate's finding, a
/// suppression without a reason is refused too, and one with a reason goes through.
fn refuses_a_destructive_migration_until_it_carries_a_suppression_with_a_reason(
    repo: &Path,
    home: &Path,
) {
    // A safe first migration: the hook runs and lets it through.
    write(
        repo,
        "supabase/migrations/20260101000000_users.sql",
        "-- rollback: drop table users;\n\
         create table users (id bigint primary key);\n\
         alter table users enable row level security;\n\
         create policy users_self on users for select using (auth.uid() is not null);\n",
    );
    ok(git(repo, &["add", "-A"]), "git add");
    let first = ok(
        commit(repo, home, "users"),
        "the first commit (safe migration)",
    );
    assert!(
        first.contains("sqlgate") && first.contains("Passed"),
        "the hook should have run and passed:\n{first}"
    );

    // Dropping the committed table: refused, with sqlgate's finding in the output.
    let drop = "supabase/migrations/20260102000000_drop_users.sql";
    write(
        repo,
        drop,
        "-- rollback: restore users from the backup\ndrop table users;\n",
    );
    ok(git(repo, &["add", drop]), "git add");
    let refused = commit(repo, home, "drop users");
    let text = text_of(&refused);
    assert!(
        !refused.status.success(),
        "the commit should be refused:\n{text}"
    );
    assert!(
        text.contains("sqlgate") && text.contains("Failed"),
        "{text}"
    );
    // sqlgate exits 1 for findings; pre-commit reports the hook's exit code.
    assert!(text.contains("exit code: 1"), "{text}");
    assert!(
        text.contains("DS001 drop-table: drop of table users"),
        "sqlgate's message should be shown:\n{text}"
    );
    assert!(
        text.contains("supabase/migrations/20260102000000_drop_users.sql:2:1"),
        "{text}"
    );
    let log = ok(git(repo, &["log", "--format=%s"]), "git log");
    assert_eq!(log.trim(), "users", "nothing new was committed");

    // A suppression without a reason suppresses nothing and is itself an error.
    write(
        repo,
        drop,
        "-- rollback: restore users from the backup\n\
         -- sqlgate: ignore drop-table\n\
         drop table users;\n",
    );
    ok(git(repo, &["add", drop]), "git add");
    let no_reason = commit(repo, home, "drop users");
    let text = text_of(&no_reason);
    assert!(!no_reason.status.success(), "{text}");
    assert!(text.contains("MT003"), "{text}");

    // With a reason the commit goes through.
    write(
        repo,
        drop,
        "-- rollback: restore users from the backup\n\
         -- sqlgate: ignore drop-table -- archived to s3://backups/users-2026-01-02.dump in OPS-12\n\
         drop table users;\n",
    );
    ok(git(repo, &["add", drop]), "git add");
    let accepted = ok(
        commit(repo, home, "drop users"),
        "the commit with a suppression",
    );
    assert!(accepted.contains("Passed"), "{accepted}");
    let log = ok(git(repo, &["log", "--format=%s"]), "git log");
    assert_eq!(log.lines().collect::<Vec<_>>(), ["drop users", "users"]);
}

/// The hook from source (`sqlgate init --pre-commit-from-source`): this checkout as the hook
/// repository, which pre-commit builds with `cargo install` (`language: rust`).
#[test]
fn the_hook_built_from_source_refuses_a_destructive_migration() {
    let pre_commit = pre_commit();
    let temp = tempfile::tempdir().unwrap();
    let hooks = temp.path().join("hooks");
    std::fs::create_dir(&hooks).unwrap();
    let rev = hook_repository(&hooks);

    let repo = temp.path().join("app");
    std::fs::create_dir(&repo).unwrap();
    ok(git(&repo, &["init", "-q", "-b", "main"]), "git init");
    write(
        &repo,
        ".pre-commit-config.yaml",
        &format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: sqlgate\n",
            hooks.display()
        ),
    );
    let home = temp.path().join("cache");
    ok(
        pre_commit_in(&pre_commit, &repo, &home)
            .arg("install")
            .output()
            .unwrap(),
        "pre-commit install",
    );
    refuses_a_destructive_migration_until_it_carries_a_suppression_with_a_reason(&repo, &home);
}

/// The sqlgate wheel, built from this checkout by maturin (PyPI, `scripts/install-maturin.sh`)
/// into `dir`. It builds the binary as `cargo install` does (no dev-dependencies, so other
/// features than `cargo test`'s build), so it shares the README install test's target
/// directory and unoptimized release profile (`common::install_build_env`): each dependency
/// is built once for both. The wheel is what a release ships but for the optimizations.
fn build_wheel(dir: &Path) {
    let out = Command::new(Path::new(MANIFEST_DIR).join("scripts/install-maturin.sh"))
        .output()
        .expect("run scripts/install-maturin.sh");
    assert!(
        out.status.success(),
        "scripts/install-maturin.sh failed (it needs python3 with venv and pip, and PyPI):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let maturin = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    let started = Instant::now();
    let out = Command::new(&maturin)
        .current_dir(MANIFEST_DIR)
        .envs(common::install_build_env())
        .args(["build", "--release", "--locked", "--out"])
        .arg(dir)
        .output()
        .expect("run maturin");
    assert!(
        out.status.success(),
        "maturin build failed:\n{}",
        text_of(&out)
    );
    eprintln!("maturin build: {:.1} s", started.elapsed().as_secs_f64());
}

/// setuptools, which pip needs to install the placeholder package pre-commit makes for a
/// local hook: the wheel virtualenv carries (pre-commit makes its environments with
/// virtualenv), so no index is needed.
fn copy_setuptools_wheel(pre_commit: &Path, dir: &Path) {
    let venv = pre_commit.parent().and_then(Path::parent).unwrap();
    let mut copied = 0;
    for lib in std::fs::read_dir(venv.join("lib")).unwrap() {
        let embed = lib
            .unwrap()
            .path()
            .join("site-packages/virtualenv/seed/wheels/embed");
        let Ok(wheels) = std::fs::read_dir(&embed) else {
            continue;
        };
        for wheel in wheels {
            let wheel = wheel.unwrap().path();
            let name = wheel.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with("setuptools-") && name.ends_with(".whl") {
                std::fs::copy(&wheel, dir.join(&name)).unwrap();
                copied += 1;
            }
        }
    }
    assert!(
        copied > 0,
        "no setuptools wheel in {}'s virtualenv package",
        venv.display()
    );
}

/// The default hook (`sqlgate init --pre-commit`): a local `language: python` hook whose
/// environment is the sqlgate wheel, here from a local wheel directory instead of PyPI
/// (`PIP_FIND_LINKS`, `PIP_NO_INDEX`). Its environment installs in seconds, and the hook
/// refuses and accepts as the one built from source does.
#[test]
fn the_default_hook_installs_the_wheel_in_seconds_and_refuses_a_destructive_migration() {
    let pre_commit = pre_commit();
    let temp = tempfile::tempdir().unwrap();
    let wheels = temp.path().join("wheels");
    std::fs::create_dir(&wheels).unwrap();
    build_wheel(&wheels);
    copy_setuptools_wheel(&pre_commit, &wheels);

    let repo = temp.path().join("app");
    std::fs::create_dir(&repo).unwrap();
    ok(git(&repo, &["init", "-q", "-b", "main"]), "git init");
    // The hook exactly as `sqlgate init --pre-commit` writes it.
    let init = Command::new(env!("CARGO_BIN_EXE_sqlgate"))
        .current_dir(&repo)
        .args(["init", "--pre-commit"])
        .output()
        .unwrap();
    ok(init, "sqlgate init --pre-commit");
    let config = std::fs::read_to_string(repo.join(".pre-commit-config.yaml")).unwrap();
    let pin = format!(
        "additional_dependencies: [\"sqlgate=={}\"]",
        sqlgate::config::precommit::pep440(env!("CARGO_PKG_VERSION"))
    );
    assert!(
        config.contains("language: python") && config.contains(&pin),
        "{config}"
    );

    let home = temp.path().join("cache");
    let started = Instant::now();
    let installed = pre_commit_in(&pre_commit, &repo, &home)
        .arg("install-hooks")
        .env("PIP_FIND_LINKS", &wheels)
        .env("PIP_NO_INDEX", "1")
        .output()
        .unwrap();
    let seconds = started.elapsed().as_secs_f64();
    let text = ok(installed, "pre-commit install-hooks (the wheel)");
    eprintln!("pre-commit install-hooks with the wheel: {seconds:.1} s");
    assert!(text.contains("Installing environment for local"), "{text}");
    // Seconds on a laptop (a virtualenv and two wheels); the bound leaves room for a busy
    // CI machine, and is still far from a build (minutes).
    assert!(
        seconds < 60.0,
        "installing the hook's environment took {seconds:.0} s:\n{text}"
    );
    // The environment's sqlgate is the wheel's, of this version.
    let env_bins: Vec<PathBuf> = std::fs::read_dir(&home)
        .unwrap()
        .filter_map(|repo| {
            let repo = repo.ok()?.path();
            let envs = std::fs::read_dir(&repo).ok()?;
            Some(
                envs.filter_map(|e| e.ok().map(|e| e.path().join("bin/sqlgate")))
                    .filter(|bin| bin.is_file())
                    .collect::<Vec<_>>(),
            )
        })
        .flatten()
        .collect();
    assert_eq!(env_bins.len(), 1, "{env_bins:?}");
    let version = ok(
        Command::new(&env_bins[0])
            .arg("--version")
            .output()
            .unwrap(),
        "sqlgate --version",
    );
    assert_eq!(version, format!("sqlgate {}\n", env!("CARGO_PKG_VERSION")));

    ok(
        pre_commit_in(&pre_commit, &repo, &home)
            .arg("install")
            .output()
            .unwrap(),
        "pre-commit install",
    );
    refuses_a_destructive_migration_until_it_carries_a_suppression_with_a_reason(&repo, &home);
}
