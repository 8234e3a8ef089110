//! History integrity through the binary: `sqlgate check --changed-since` in temporary git
//! repositories (IN001, IN002, IN004), the shallow-clone message, and IN005 on the real
//! `atlas.sum` files of `../shared/corpus` when it is present.

mod common;

use std::path::{Path, PathBuf};

use common::{git, json, sqlgate, write};
use serde_json::Value;

const USERS_V1: &str = "CREATE TABLE users (id bigint PRIMARY KEY);\n-- old line\nALTER TABLE users ENABLE ROW LEVEL SECURITY;\n";
const USERS_V2: &str = "CREATE TABLE users (id bigint PRIMARY KEY);\n-- new line\nALTER TABLE users ENABLE ROW LEVEL SECURITY;\n";

/// A repository whose `main` has three Supabase migrations, and a branch `feature` that
/// edits the first, deletes the second and adds one older than the third (committed).
fn history_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let m = "supabase/migrations";
    write(root, &format!("{m}/20240101000000_users.sql"), USERS_V1);
    write(
        root,
        &format!("{m}/20240102000000_orders.sql"),
        "-- rollback: DROP TABLE orders;\nCREATE TABLE orders (id bigint);\n",
    );
    write(
        root,
        &format!("{m}/20240105000000_total.sql"),
        "-- rollback: ALTER TABLE orders DROP COLUMN total;\nALTER TABLE orders ADD COLUMN total numeric;\n",
    );
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "base"]);
    git(root, &["checkout", "-q", "-b", "feature"]);
    write(root, &format!("{m}/20240101000000_users.sql"), USERS_V2);
    std::fs::remove_file(root.join(format!("{m}/20240102000000_orders.sql"))).unwrap();
    write(
        root,
        &format!("{m}/20240103000000_notes.sql"),
        "-- rollback: ALTER TABLE users DROP COLUMN note;\nALTER TABLE users ADD COLUMN note text;\n",
    );
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "feature"]);
    dir
}

/// (code, file, line) of every finding, sorted.
fn findings(report: &Value) -> Vec<(String, String, u64)> {
    let mut out: Vec<(String, String, u64)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

fn finding<'a>(report: &'a Value, code: &str) -> &'a Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {report:#}"))
}

#[test]
fn changed_since_reports_edited_deleted_and_out_of_order_migrations() {
    let repo = history_repo();
    let out = sqlgate(repo.path())
        .args(["check", ".", "--changed-since", "main", "--format", "json"])
        .args(["--select", "integrity"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json(&out.stdout);
    let m = "supabase/migrations";
    assert_eq!(
        findings(&report),
        vec![
            ("IN001".into(), format!("{m}/20240101000000_users.sql"), 2),
            ("IN002".into(), format!("{m}/20240102000000_orders.sql"), 1),
            ("IN004".into(), format!("{m}/20240103000000_notes.sql"), 1),
        ]
    );

    let edited = finding(&report, "IN001");
    assert_eq!(
        edited["message"],
        format!("migration {m}/20240101000000_users.sql was edited since main, where it may already have run")
    );
    assert_eq!(
        edited["help"],
        "revert the edit and put the change in a new migration"
    );
    assert_eq!(
        edited["diff"].as_str().unwrap(),
        format!(
            "--- a/{m}/20240101000000_users.sql\n+++ b/{m}/20240101000000_users.sql\n@@ -1,3 +1,3 @@\n CREATE TABLE users (id bigint PRIMARY KEY);\n--- old line\n+-- new line\n ALTER TABLE users ENABLE ROW LEVEL SECURITY;\n"
        )
    );
    assert_eq!(edited["gate"], true);

    let deleted = finding(&report, "IN002");
    assert_eq!(
        deleted["message"],
        format!("migration {m}/20240102000000_orders.sql was deleted since main, where it may already have run")
    );
    assert!(deleted["diff"]
        .as_str()
        .unwrap()
        .contains("\n-CREATE TABLE orders (id bigint);\n"));

    let out_of_order = finding(&report, "IN004");
    assert_eq!(
        out_of_order["message"],
        format!("new migration {m}/20240103000000_notes.sql has version 20240103000000, older than version 20240105000000 ({m}/20240105000000_total.sql) already on main")
    );
    assert_eq!(out_of_order["severity"], "warning");
}

#[test]
fn uncommitted_changes_count_too_and_unchanged_history_is_clean() {
    let repo = history_repo();
    let root = repo.path();
    // Against the branch itself nothing changed.
    let out = sqlgate(root)
        .args([
            "check",
            ".",
            "--changed-since",
            "feature",
            "--format",
            "json",
        ])
        .args(["--select", "integrity"])
        .output()
        .unwrap();
    assert_eq!(findings(&json(&out.stdout)), vec![]);
    // An unstaged edit of a migration that exists on `feature`.
    write(
        root,
        "supabase/migrations/20240105000000_total.sql",
        "ALTER TABLE orders ADD COLUMN total numeric(12, 2);\n",
    );
    let out = sqlgate(root)
        .args([
            "check",
            ".",
            "--changed-since",
            "feature",
            "--format",
            "json",
        ])
        .args(["--select", "IN001"])
        .output()
        .unwrap();
    assert_eq!(
        findings(&json(&out.stdout)),
        vec![(
            "IN001".into(),
            "supabase/migrations/20240105000000_total.sql".into(),
            1
        )]
    );
}

#[test]
fn a_shallow_clone_says_to_fetch_the_full_history() {
    let repo = history_repo();
    let base = String::from_utf8(
        std::process::Command::new("git")
            .current_dir(repo.path())
            .args(["rev-parse", "main"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let clones = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.path().display());
    git(
        clones.path(),
        &["clone", "-q", "--depth", "1", &url, "shallow"],
    );
    let out = sqlgate(&clones.path().join("shallow"))
        .args(["check", ".", "--changed-since", base.trim()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("history is shallow"), "{stderr}");
    assert!(stderr.contains("`fetch-depth: 0`"), "{stderr}");
    assert!(stderr.contains("git fetch --unshallow"), "{stderr}");
}

/// Every `atlas.sum` in the corpus (unmodified Atlas directories from real projects) must
/// match what sqlgate computes. Skipped when `../shared/corpus` is not there.
#[test]
fn corpus_atlas_sums_match() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !corpus.is_dir() {
        eprintln!("skipped: no {}", corpus.display());
        return;
    }
    let dirs: Vec<PathBuf> = walkdir::WalkDir::new(&corpus)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "atlas.sum")
        .filter_map(|e| e.path().parent().map(Path::to_path_buf))
        .collect();
    for dir in &dirs {
        let out = sqlgate(dir)
            .args(["check", ".", "--select", "IN005", "--format", "json"])
            .output()
            .unwrap();
        let report = json(&out.stdout);
        assert_eq!(findings(&report), vec![], "{}", dir.display());
        assert!(
            report["files_checked"].as_u64().unwrap() > 0,
            "{}",
            dir.display()
        );
    }
    eprintln!("{} corpus atlas.sum files match", dirs.len());
}

/// An Atlas directory whose `atlas.sum` was written (by sqlgate's own implementation,
/// checked against Atlas's output above and in the unit tests) before `change` ran.
fn atlas_messages(change: impl Fn(&Path)) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("migrations");
    let files = [
        (
            "20240101000000_orders.sql",
            "CREATE TABLE orders (id bigint);\n",
        ),
        (
            "20240102000000_invoices.sql",
            "CREATE TABLE invoices (id bigint);\n",
        ),
        (
            "20240103000000_total.sql",
            "ALTER TABLE orders ADD COLUMN total numeric;\n",
        ),
    ];
    for (name, text) in files {
        write(&m, name, text);
    }
    let entries = sqlgate::atlas_sum::entries(files.iter().map(|(n, t)| (*n, t.as_bytes())));
    write(&m, "atlas.sum", sqlgate::atlas_sum::render(&entries));
    change(&m);
    let out = sqlgate(dir.path())
        .args(["check", ".", "--select", "IN005", "--format", "json"])
        .output()
        .unwrap();
    json(&out.stdout)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}:{} {}",
                f["file"].as_str().unwrap(),
                f["line"],
                f["message"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn atlas_sum_correct_edited_added_removed() {
    assert_eq!(atlas_messages(|_| {}), Vec::<String>::new());
    assert_eq!(
        atlas_messages(|m| write(m, "20240102000000_invoices.sql", "CREATE TABLE invoices (id int);\n")),
        ["migrations/20240102000000_invoices.sql:1 migrations/20240102000000_invoices.sql does not match its hash in migrations/atlas.sum: it changed after the sum was written"]
    );
    assert_eq!(
        atlas_messages(|m| write(m, "20240104000000_paid.sql", "ALTER TABLE invoices ADD COLUMN paid boolean;\n")),
        ["migrations/20240104000000_paid.sql:1 migrations/20240104000000_paid.sql is not in migrations/atlas.sum"]
    );
    assert_eq!(
        atlas_messages(|m| std::fs::remove_file(m.join("20240101000000_orders.sql")).unwrap()),
        ["migrations/atlas.sum:2 migrations/atlas.sum lists 20240101000000_orders.sql, which is not in the directory"]
    );
}

#[test]
fn discovery_loads_atlas_sum_beside_the_migrations_not_as_one() {
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("migrations");
    write(&m, "1_a.sql", "CREATE TABLE a (id int);\n");
    write(&m, "seed.sql", "INSERT INTO a VALUES (1);\n");
    write(&m, "atlas.sum", "h1:x\n");
    let d = sqlgate::discover::discover(&[m], &Default::default());
    assert_eq!(d.sets.len(), 1);
    let set = &d.sets[0];
    assert_eq!(set.framework, sqlgate::discover::Framework::Atlas);
    let names: Vec<&str> = set.migrations.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(names, ["a"]);
    let atlas = set.atlas.as_ref().expect("atlas.sum loaded");
    assert_eq!(d.files[atlas.file].text, "h1:x\n");
    // Atlas hashes every *.sql file, seed data included.
    let covered: Vec<(&str, &str)> = atlas
        .files
        .iter()
        .map(|(name, id)| (name.as_str(), d.files[id.unwrap()].text.as_str()))
        .collect();
    assert_eq!(
        covered,
        [
            ("1_a.sql", "CREATE TABLE a (id int);\n"),
            ("seed.sql", "INSERT INTO a VALUES (1);\n")
        ]
    );
}

#[test]
fn file_at_reads_a_file_at_a_revision() {
    let repo = history_repo();
    let root = repo.path();
    let users = "supabase/migrations/20240101000000_users.sql";
    assert_eq!(
        sqlgate::git::file_at(root, "main", users).unwrap(),
        Some(USERS_V1.as_bytes().to_vec())
    );
    assert_eq!(
        sqlgate::git::file_at(root, "feature", users).unwrap(),
        Some(USERS_V2.as_bytes().to_vec())
    );
    assert_eq!(
        sqlgate::git::file_at(
            root,
            "feature",
            "supabase/migrations/20240102000000_orders.sql"
        )
        .unwrap(),
        None
    );
    // A directory is not a file.
    assert_eq!(
        sqlgate::git::file_at(root, "main", "supabase").unwrap(),
        None
    );
    assert!(sqlgate::git::file_at(&root.join("nowhere"), "main", users).is_err());
}

#[test]
fn changes_since_sorts_files_into_added_modified_deleted() {
    let repo = history_repo();
    let root = std::fs::canonicalize(repo.path()).unwrap();
    write(&root, "notes.txt", "untracked\n");
    let changes = sqlgate::git::changes_since(&root, "main").unwrap();
    let m = root.join("supabase/migrations");
    assert_eq!(changes.root, root);
    assert_eq!(changes.base, "main");
    assert_eq!(
        changes.added,
        [m.join("20240103000000_notes.sql"), root.join("notes.txt")]
            .into_iter()
            .collect()
    );
    assert_eq!(
        changes.modified,
        [m.join("20240101000000_users.sql")].into_iter().collect()
    );
    assert_eq!(changes.deleted, [m.join("20240102000000_orders.sql")]);
    assert_eq!(changes.changed().len(), 3);
    let err = sqlgate::git::changes_since(&root, "no-such-branch").unwrap_err();
    assert_eq!(
        err.0,
        "git cannot resolve `no-such-branch`: this clone has no remote to fetch it from; pass an existing branch, tag or commit (`git branch -a` lists the branches)"
    );
}
