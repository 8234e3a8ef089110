//! Per-rule fixtures: `fixtures/rules/<rule-name>/fail*.sql` and `pass*.sql`.
//!
//! Every rule in `REGISTRY` must have at least one fail and one pass file. Each file is one
//! migration, checked with every rule (only the rule's own unsuppressed findings count);
//! files whose name contains `.clickhouse.` are read as ClickHouse, the others as PostgreSQL.
//!
//! - `fail*.sql`: every finding is marked by `-- expect: CODE [CODE...]` at the end of the
//!   line where it starts; the findings (line, code) must match the markers exactly, and
//!   there must be at least one.
//! - `pass*.sql`: no finding of the rule at all.
//! - `fail*/` and `pass*/` directories: a small repository (any layout, e.g.
//!   `supabase/migrations/` or golang-migrate `.up.sql`/`.down.sql` pairs), discovered and
//!   checked as `sqlgate check` would; markers work the same in every file of it.
//! - A directory holding `base/` and `head/` is a history: a temporary git repository where
//!   `base/` is committed, then the work tree replaced by `head/` (left uncommitted: new
//!   files untracked, removed ones deleted), checked as `sqlgate check --changed-since
//!   <base commit>` would. Markers go in `head/`'s files (paths relative to `head/`).
//! - `expect.txt` in a directory fixture lists further expected findings, one
//!   `path line CODE` per line (`#` starts a comment): for findings on a deleted file, or on
//!   a file that must stay byte-exact (`atlas.sum`). It is not copied into the repository.

use std::fs;
use std::path::{Path, PathBuf};

use sqlgate::discover::{discover, DiscoverOptions};
use sqlgate::engine::{check, check_text, ChangeFilter, CheckOptions};
use sqlgate::lexer::Dialect;
use sqlgate::rules::{Check, Rule, REGISTRY};
use sqlgate::{git, history};

const FIXTURES: &str = "fixtures/rules";
const MARKER: &str = "-- expect:";
const EXPECT_FILE: &str = "expect.txt";

fn fixture_dir(rule: &Rule) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(FIXTURES)
        .join(rule.meta.name)
}

/// The `.sql` files and fixture repositories (directories) of a rule's fixture directory
/// whose names start with `prefix`, sorted.
fn fixture_files(rule: &Rule, prefix: &str) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(fixture_dir(rule)) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix) && (n.ends_with(".sql") || p.is_dir()))
        })
        .collect();
    files.sort();
    files
}

fn dialect_of(path: &Path) -> Dialect {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.contains(".clickhouse.") {
        Dialect::ClickHouse
    } else {
        Dialect::Postgres
    }
}

fn display(path: &Path) -> String {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Every file under `dir`, as paths relative to it, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.expect("fixture entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(dir).expect("under dir").to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// Whether a fixture directory is a history (`base/` and `head/`).
fn is_history(dir: &Path) -> bool {
    dir.join("base").is_dir() && dir.join("head").is_dir()
}

/// Copies a fixture tree into `target` with its markers blanked (not `expect.txt`).
fn copy_fixture(dir: &Path, target: &Path) {
    for relative in files_under(dir) {
        if relative == Path::new(EXPECT_FILE) {
            continue;
        }
        let to = target.join(&relative);
        fs::create_dir_all(to.parent().expect("parent")).expect("create dir");
        let bytes = fs::read(dir.join(&relative)).expect("read fixture");
        match String::from_utf8(bytes) {
            Ok(text) => fs::write(&to, blank_markers(&text)),
            Err(e) => fs::write(&to, e.into_bytes()),
        }
        .expect("write fixture copy");
    }
}

fn run_git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// (file, line, code) of every finding of `rule` in a fixture repository, sorted; `file`
/// is relative to the repository.
fn repo_findings(rule: &'static Rule, dir: &Path) -> Vec<(usize, String)> {
    let scratch = tempfile::tempdir().expect("temp dir");
    let root = scratch.path();
    let output = if is_history(dir) {
        copy_fixture(&dir.join("base"), root);
        run_git(root, &["init", "-q"]);
        run_git(root, &["add", "-A"]);
        run_git(root, &["commit", "-q", "-m", "base"]);
        let base = run_git(root, &["rev-parse", "HEAD"]);
        for entry in fs::read_dir(root).expect("read scratch") {
            let path = entry.expect("entry").path();
            if path.file_name().is_some_and(|n| n != ".git") {
                if path.is_dir() {
                    fs::remove_dir_all(&path).expect("clear work tree");
                } else {
                    fs::remove_file(&path).expect("clear work tree");
                }
            }
        }
        copy_fixture(&dir.join("head"), root);
        let changes = git::changes_since(root, &base).expect("changes since base");
        let discovery = discover(&[root.to_path_buf()], &DiscoverOptions::default());
        let snapshot = history::snapshot(&changes, &discovery.files).expect("base snapshot");
        let mut options = CheckOptions::new(REGISTRY);
        options.history = Some(&snapshot);
        check(discovery, &ChangeFilter::Files(changes.changed()), &options)
    } else {
        copy_fixture(dir, root);
        let discovery = discover(&[root.to_path_buf()], &DiscoverOptions::default());
        check(discovery, &ChangeFilter::All, &CheckOptions::new(REGISTRY))
    };
    assert!(
        output.report.errors.is_empty(),
        "{}: run errors: {:?}",
        display(dir),
        output.report.errors
    );
    let root = root.display().to_string();
    let mut found: Vec<(usize, String)> = output
        .report
        .findings
        .iter()
        .filter(|f| f.code == rule.meta.code && !f.suppressed)
        .map(|f| {
            let file = f.file.strip_prefix(&root).unwrap_or(&f.file);
            (
                f.start.line,
                format!("{} {}", file.trim_start_matches('/'), f.code),
            )
        })
        .collect();
    found.sort();
    found
}

/// (line, code) of every finding of `rule` in the file, sorted. For a fixture repository
/// the code is prefixed by the file's path in it (`path CODE`).
fn findings(rule: &'static Rule, path: &Path) -> Vec<(usize, String)> {
    if path.is_dir() {
        return repo_findings(rule, path);
    }
    let text = fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read fixture {}: {e}", display(path)));
    // All rules run (suppression rules look at the others' findings); only `rule`'s count.
    let output = check_text(
        &display(path),
        &blank_markers(&text),
        dialect_of(path),
        REGISTRY,
    );
    assert!(
        output.report.errors.is_empty(),
        "{}: run errors: {:?}",
        display(path),
        output.report.errors
    );
    let mut found: Vec<(usize, String)> = output
        .report
        .findings
        .iter()
        .filter(|f| f.code == rule.meta.code && !f.suppressed)
        .map(|f| (f.start.line, f.code.to_string()))
        .collect();
    found.sort();
    found
}

/// The text with every `-- expect: ...` marker replaced by spaces, so markers cannot change
/// what is checked (a marker after a suppression would read as its reason) nor any position.
fn blank_markers(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| match line.rfind(MARKER) {
            Some(at) => {
                let end = line.trim_end_matches(['\n', '\r']).len();
                format!("{}{}{}", &line[..at], " ".repeat(end - at), &line[end..])
            }
            None => line.to_string(),
        })
        .collect()
}

/// (line, code) of every `-- expect: CODE...` marker in the file, sorted; for a fixture
/// repository, (line, `path CODE`) over all its files.
fn expectations(path: &Path) -> Vec<(usize, String)> {
    if path.is_dir() {
        let marked = if is_history(path) {
            path.join("head")
        } else {
            path.to_path_buf()
        };
        let mut all: Vec<(usize, String)> = files_under(&marked)
            .into_iter()
            .filter(|relative| relative != Path::new(EXPECT_FILE))
            .flat_map(|relative| {
                let file = relative.display().to_string();
                expectations(&marked.join(&relative))
                    .into_iter()
                    .map(move |(line, code)| (line, format!("{file} {code}")))
            })
            .collect();
        all.extend(expect_file(path));
        all.sort();
        return all;
    }
    let text = fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read fixture {}: {e}", display(path)));
    let mut expected: Vec<(usize, String)> = text
        .lines()
        .enumerate()
        .filter_map(|(i, line)| {
            line.rfind(MARKER)
                .map(|at| (i + 1, &line[at + MARKER.len()..]))
        })
        .flat_map(|(line, codes)| {
            codes
                .split_whitespace()
                .map(move |code| (line, code.to_string()))
        })
        .collect();
    expected.sort();
    expected
}

/// The `path line CODE` lines of a directory fixture's `expect.txt`, as (line, `path CODE`).
fn expect_file(dir: &Path) -> Vec<(usize, String)> {
    let Ok(text) = fs::read_to_string(dir.join(EXPECT_FILE)) else {
        return Vec::new();
    };
    text.lines()
        .map(|line| line.split('#').next().unwrap_or("").trim())
        .filter(|line| !line.is_empty())
        .map(
            |line| match line.split_whitespace().collect::<Vec<_>>()[..] {
                [file, number, code] => (
                    number.parse().unwrap_or_else(|_| {
                        panic!("{}: bad line number in `{line}`", display(dir))
                    }),
                    format!("{file} {code}"),
                ),
                _ => panic!(
                    "{}/{EXPECT_FILE}: `{line}` is not `path line CODE`",
                    display(dir)
                ),
            },
        )
        .collect()
}

fn show(list: &[(usize, String)]) -> String {
    if list.is_empty() {
        return "  (none)\n".to_string();
    }
    list.iter()
        .map(|(line, code)| format!("  line {line}: {code}\n"))
        .collect()
}

#[test]
fn every_rule_has_pass_and_fail_fixtures() {
    let mut missing = Vec::new();
    // The replay's rules report from a real PostgreSQL, not from `check`: their fixture is
    // fixtures/replay/, held by tests/replay.rs (which fails when one of them has no case).
    for rule in REGISTRY
        .iter()
        .filter(|r| !matches!(r.check, Check::Replay))
    {
        for prefix in ["fail", "pass"] {
            if fixture_files(rule, prefix).is_empty() {
                missing.push(format!(
                    "rule {} ({}) has no {}/{prefix}*.sql",
                    rule.meta.name,
                    rule.meta.code,
                    display(&fixture_dir(rule))
                ));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "missing fixtures:\n{}",
        missing.join("\n")
    );
}

#[test]
fn fail_fixtures_report_exactly_the_expected_findings() {
    let mut failures = Vec::new();
    for &rule in REGISTRY {
        for path in fixture_files(rule, "fail") {
            let expected = expectations(&path);
            let found = findings(rule, &path);
            if expected.is_empty() {
                failures.push(format!(
                    "{}: a fail fixture needs at least one `{MARKER} {}` marker",
                    display(&path),
                    rule.meta.code
                ));
            }
            if found.is_empty() {
                failures.push(format!(
                    "{}: rule {} reported nothing on a fail fixture",
                    display(&path),
                    rule.meta.name
                ));
            }
            if found != expected {
                failures.push(format!(
                    "{} (rule {}):\nexpected:\n{}found:\n{}",
                    display(&path),
                    rule.meta.name,
                    show(&expected),
                    show(&found)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn pass_fixtures_report_nothing() {
    let mut failures = Vec::new();
    for &rule in REGISTRY {
        for path in fixture_files(rule, "pass") {
            let found = findings(rule, &path);
            if !found.is_empty() {
                failures.push(format!(
                    "{} (rule {}): expected no findings, found:\n{}",
                    display(&path),
                    rule.meta.name,
                    show(&found)
                ));
            }
            if !expectations(&path).is_empty() {
                failures.push(format!(
                    "{}: a pass fixture must not carry `{MARKER}` markers",
                    display(&path)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
