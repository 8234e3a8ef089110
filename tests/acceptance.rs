//! Acceptance tests: run the real binary over the fixture trees and compare its JSON
//! report with expectations written from DESIGN.md alone (not from the engine's code).
//!
//! - `fixtures/check-tree/`: every migration layout in one repository. `expected.tsv`
//!   lists every unsuppressed DS finding as `file<TAB>line<TAB>code`.
//! - `fixtures/positions/`: exact DS001 spans with CRLF, BOM, tabs and multi-byte text.
//!   `expected.tsv` lists `file, line, column, end_line, end_column, code`.
//!
//! - `fixtures/demo/`: the README's example; `expected.tsv` like check-tree's.
//!
//! The `*_fixture_is_consistent` tests check the fixtures themselves and need no engine.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

const CHECK_TREE: &str = "fixtures/check-tree";
const POSITIONS: &str = "fixtures/positions";
const DEMO: &str = "fixtures/demo";

/// Keys every finding carries (DESIGN.md §6).
const FINDING_KEYS: &[&str] = &[
    "rule",
    "code",
    "category",
    "severity",
    "file",
    "line",
    "column",
    "end_line",
    "end_column",
    "message",
    "help",
    "suppressed",
    "gate",
];

/// Top-level keys of the JSON report (DESIGN.md §6).
const REPORT_KEYS: &[&str] = &[
    "version",
    "findings",
    "files_checked",
    "statements",
    "parsed",
    "gate",
];

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

struct Run {
    code: i32,
    json: Value,
    stderr: String,
}

/// `sqlgate check <dir> --format json`, run from the manifest directory so that reported
/// paths start with `fixtures/...`.
fn run_check(dir: &str) -> Run {
    let mut cmd = assert_cmd::Command::new(env!("CARGO_BIN_EXE_sqlgate"));
    cmd.current_dir(manifest_dir())
        .args(["check", dir, "--format", "json"])
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_OUTPUT");
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("SQLGATE_") {
            cmd.env_remove(key);
        }
    }
    let out = cmd.output().expect("failed to spawn sqlgate");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let code = out
        .status
        .code()
        .unwrap_or_else(|| panic!("sqlgate was killed by a signal\nstderr:\n{stderr}"));
    let json: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "`sqlgate check {dir} --format json` did not print JSON ({e}); exit code {code}\n\
             stdout:\n{stdout}\nstderr:\n{stderr}"
        )
    });
    Run { code, json, stderr }
}

/// Path of a reported file relative to the fixture root (`fixtures/check-tree/a/b.sql` ->
/// `a/b.sql`), tolerant of `./`, backslashes and absolute paths.
fn relative_to(file: &str, root: &str) -> String {
    let file = file.replace('\\', "/");
    let marker = format!("{root}/");
    match file.find(&marker) {
        Some(i) => file[i + marker.len()..].to_string(),
        None => file.trim_start_matches("./").to_string(),
    }
}

/// Data rows of a TSV file with the given header, split on tabs.
fn read_tsv(path: &Path, header: &[&str]) -> Vec<Vec<String>> {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    let got_header: Vec<&str> = lines.next().unwrap_or("").split('\t').collect();
    assert_eq!(got_header, header, "{}: unexpected header", path.display());
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<String> = l.split('\t').map(str::to_string).collect();
            assert_eq!(
                cols.len(),
                header.len(),
                "{}: bad row {l:?}",
                path.display()
            );
            cols
        })
        .collect()
}

fn as_u64(v: &Value, key: &str, finding: &Value) -> u64 {
    v.get(key)
        .and_then(Value::as_u64)
        .unwrap_or_else(|| panic!("finding has no unsigned integer `{key}`: {finding}"))
}

fn as_str<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("finding has no string `{key}`: {v}"))
}

fn findings(json: &Value) -> &Vec<Value> {
    json.get("findings")
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("report has no `findings` array: {json}"))
}

type Multiset<K> = BTreeMap<K, usize>;

fn multiset<K: Ord, I: IntoIterator<Item = K>>(items: I) -> Multiset<K> {
    let mut m = Multiset::new();
    for k in items {
        *m.entry(k).or_insert(0) += 1;
    }
    m
}

fn expand<K: Clone>(m: &Multiset<K>) -> Vec<K> {
    m.iter()
        .flat_map(|(k, n)| std::iter::repeat_n(k.clone(), *n))
        .collect()
}

/// `expected - actual` as a sorted list (with multiplicity).
fn difference<K: Ord + Clone>(a: &Multiset<K>, b: &Multiset<K>) -> Vec<K> {
    let mut out = Vec::new();
    for (k, n) in a {
        let m = b.get(k).copied().unwrap_or(0);
        out.extend(std::iter::repeat_n(k.clone(), n.saturating_sub(m)));
    }
    out
}

/// Panics with both sorted lists and the two-way difference when the multisets differ.
fn assert_same<K: Ord + Clone + std::fmt::Debug>(
    what: &str,
    expected: &Multiset<K>,
    actual: &Multiset<K>,
    stderr: &str,
) {
    if expected == actual {
        return;
    }
    let fmt = |v: Vec<K>| {
        v.iter()
            .map(|k| format!("  {k:?}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let missing = difference(expected, actual);
    let unexpected = difference(actual, expected);
    panic!(
        "{what}: findings differ from expected.tsv\n\
         --- expected ({}):\n{}\n--- actual ({}):\n{}\n\
         --- missing (expected, not reported) ({}):\n{}\n\
         --- unexpected (reported, not expected) ({}):\n{}\n--- stderr:\n{stderr}",
        expected.values().sum::<usize>(),
        fmt(expand(expected)),
        actual.values().sum::<usize>(),
        fmt(expand(actual)),
        missing.len(),
        fmt(missing),
        unexpected.len(),
        fmt(unexpected),
    );
}

fn assert_report_shape(json: &Value) {
    for key in REPORT_KEYS {
        assert!(
            json.get(*key).is_some(),
            "report lacks top-level key `{key}`: {json}"
        );
    }
    assert_eq!(json["version"], 1, "report version");
    let gate = &json["gate"];
    for key in ["required", "status", "missing"] {
        assert!(gate.get(key).is_some(), "gate object lacks `{key}`: {gate}");
    }
    for f in findings(json) {
        for key in FINDING_KEYS {
            assert!(f.get(*key).is_some(), "finding lacks key `{key}`: {f}");
        }
        for key in [
            "rule", "code", "category", "severity", "file", "message", "help",
        ] {
            as_str(f, key);
        }
        for key in ["line", "column", "end_line", "end_column"] {
            assert!(as_u64(f, key, f) >= 1, "positions are 1-based: {f}");
        }
        for key in ["suppressed", "gate"] {
            assert!(f[key].is_boolean(), "`{key}` must be a bool: {f}");
        }
        let sev = as_str(f, "severity");
        assert!(sev == "error" || sev == "warning", "severity {sev:?}: {f}");
        let start = (as_u64(f, "line", f), as_u64(f, "column", f));
        let end = (as_u64(f, "end_line", f), as_u64(f, "end_column", f));
        assert!(end >= start, "span ends before it starts: {f}");
    }
}

/// Findings are sorted by file, line, column, code (DESIGN.md §6): each file's findings
/// are contiguous and ordered by (line, column, code).
fn assert_sorted(json: &Value) {
    let mut seen_files: Vec<&str> = Vec::new();
    let mut prev: Option<(&str, u64, u64, &str)> = None;
    for f in findings(json) {
        let key = (
            as_str(f, "file"),
            as_u64(f, "line", f),
            as_u64(f, "column", f),
            as_str(f, "code"),
        );
        match prev {
            Some(p) if p.0 == key.0 => {
                assert!(
                    (p.1, p.2, p.3) <= (key.1, key.2, key.3),
                    "findings out of order: {p:?} before {key:?}"
                )
            }
            _ => {
                assert!(
                    !seen_files.contains(&key.0),
                    "findings of {} are not contiguous",
                    key.0
                );
                seen_files.push(key.0);
            }
        }
        prev = Some(key);
    }
}

fn assert_counts(json: &Value) {
    let files_checked = json["files_checked"]
        .as_u64()
        .expect("files_checked is an integer");
    let statements = json["statements"]
        .as_u64()
        .expect("statements is an integer");
    let parsed = json["parsed"].as_u64().expect("parsed is an integer");
    assert!(files_checked > 0, "files_checked = 0");
    assert!(statements > 0, "statements = 0");
    assert!(
        statements >= parsed,
        "statements ({statements}) < parsed ({parsed})"
    );
}

/// The rules an `expected.tsv` lists: DS everywhere; the demo (the README's example) also
/// lists its reversibility, row-level security, locking and transaction findings.
fn is_judged(root: &str, code: &str) -> bool {
    code.starts_with("DS")
        || (root == DEMO && ["RV", "SC", "LK", "TX"].iter().any(|f| code.starts_with(f)))
}

// ---------------------------------------------------------------------------------------
// check-tree

fn expected_check_tree() -> Multiset<(String, u64, String)> {
    expected_ds(CHECK_TREE)
}

/// `<root>/expected.tsv` with columns `file, line, code`.
fn expected_ds(root: &str) -> Multiset<(String, u64, String)> {
    let path = manifest_dir().join(root).join("expected.tsv");
    multiset(
        read_tsv(&path, &["file", "line", "code"])
            .into_iter()
            .map(|r| {
                (
                    r[0].clone(),
                    r[1].parse::<u64>().expect("line is a number"),
                    r[2].clone(),
                )
            }),
    )
}

/// The unsuppressed findings of a run that `expected.tsv` judges, as `(file relative to root, line, code)`.
fn actual_ds(run: &Run, root: &str) -> Multiset<(String, u64, String)> {
    multiset(
        findings(&run.json)
            .iter()
            .filter(|f| is_judged(root, as_str(f, "code")) && f["suppressed"] == false)
            .map(|f| {
                (
                    relative_to(as_str(f, "file"), root),
                    as_u64(f, "line", f),
                    as_str(f, "code").to_string(),
                )
            }),
    )
}

#[test]
fn check_tree_reports_exactly_the_expected_destructive_findings() {
    let run = run_check(CHECK_TREE);
    // 38 migration files in the tree (an up/down pair is two files, a dbmate/goose file
    // with both sections is one); seed.sql, schema.sql and the goose .go file are not.
    let actual = actual_ds(&run, CHECK_TREE);
    assert_same(CHECK_TREE, &expected_check_tree(), &actual, &run.stderr);
    assert_report_shape(&run.json);
    assert_sorted(&run.json);
    assert_counts(&run.json);
    assert_eq!(
        run.code, 1,
        "exit code with error findings (stderr: {})",
        run.stderr
    );
}

#[test]
fn check_tree_never_reports_skipped_files() {
    let run = run_check(CHECK_TREE);
    for f in findings(&run.json) {
        let file = relative_to(as_str(f, "file"), CHECK_TREE);
        assert!(
            !matches!(
                file.as_str(),
                "supabase/seed.sql" | "db/schema.sql" | "goose/migrations/00002_backfill_jobs.go"
            ),
            "finding in a file that is not a migration: {f}"
        );
    }
}

#[test]
fn check_tree_fixture_is_consistent() {
    assert_ds_fixture_is_consistent(CHECK_TREE);
}

#[test]
fn demo_fixture_is_consistent() {
    assert_ds_fixture_is_consistent(DEMO);
}

fn assert_ds_fixture_is_consistent(root_name: &str) {
    let root = manifest_dir().join(root_name);
    for ((file, line, code), _) in expected_ds(root_name) {
        assert!(
            code.len() == 5 && is_judged(root_name, &code) && sqlgate::rules::find(&code).is_some(),
            "bad code {code}"
        );
        let text = fs::read_to_string(root.join(&file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let l = text
            .lines()
            .nth(line as usize - 1)
            .unwrap_or_else(|| panic!("{file} has no line {line}"));
        let t = l.trim_start().to_ascii_uppercase();
        assert!(
            !code.starts_with("DS")
                || ["DROP", "ALTER", "TRUNCATE", "DELETE", "UPDATE", "DO ", "EXECUTE"]
                    .iter()
                    .any(|k| t.starts_with(k)),
            "{file}:{line} does not start a destructive statement: {l:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// demo (the README example)

#[test]
fn demo_shows_the_readme_findings() {
    let run = run_check(DEMO);
    let actual = actual_ds(&run, DEMO);
    assert_same(DEMO, &expected_ds(DEMO), &actual, &run.stderr);
    assert_report_shape(&run.json);
    assert_sorted(&run.json);
    assert_counts(&run.json);
    assert_eq!(
        run.code, 1,
        "exit code with error findings (stderr: {})",
        run.stderr
    );
}

// ---------------------------------------------------------------------------------------
// positions

type Span = (String, u64, u64, u64, u64, String);

fn expected_positions() -> Multiset<Span> {
    let path = manifest_dir().join(POSITIONS).join("expected.tsv");
    let header = ["file", "line", "column", "end_line", "end_column", "code"];
    multiset(read_tsv(&path, &header).into_iter().map(|r| {
        let n = |i: usize| {
            r[i].parse::<u64>()
                .unwrap_or_else(|_| panic!("not a number: {r:?}"))
        };
        (r[0].clone(), n(1), n(2), n(3), n(4), r[5].clone())
    }))
}

#[test]
fn positions_are_exact() {
    let run = run_check(POSITIONS);
    let actual = multiset(
        findings(&run.json)
            .iter()
            .filter(|f| as_str(f, "code") == "DS001")
            .map(|f| {
                (
                    relative_to(as_str(f, "file"), POSITIONS),
                    as_u64(f, "line", f),
                    as_u64(f, "column", f),
                    as_u64(f, "end_line", f),
                    as_u64(f, "end_column", f),
                    "DS001".to_string(),
                )
            }),
    );
    assert_same(POSITIONS, &expected_positions(), &actual, &run.stderr);
    assert_report_shape(&run.json);
    assert_counts(&run.json);
    assert_eq!(
        run.code, 1,
        "exit code with error findings (stderr: {})",
        run.stderr
    );
}

/// Independent check of `positions/expected.tsv`: the span, read in characters after
/// dropping a BOM and treating CRLF as a line break, is exactly a `DROP ... TABLE ...`
/// statement followed by `;`.
#[test]
fn positions_fixture_is_consistent() {
    let root = manifest_dir().join(POSITIONS);
    for ((file, line, col, end_line, end_col, _), _) in expected_positions() {
        let bytes = fs::read(root.join(&file)).unwrap();
        let text = String::from_utf8(bytes).expect("fixture is UTF-8");
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let lines: Vec<Vec<char>> = text
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l).chars().collect())
            .collect();
        let (l0, c0, l1, c1) = (
            line as usize - 1,
            col as usize - 1,
            end_line as usize - 1,
            end_col as usize - 1,
        );
        let mut span = String::new();
        for (i, l) in lines.iter().enumerate().take(l1 + 1).skip(l0) {
            let from = if i == l0 { c0 } else { 0 };
            let to = if i == l1 { c1 } else { l.len() };
            span.extend(&l[from..to]);
            if i != l1 {
                span.push('\n');
            }
        }
        assert!(
            span.starts_with("DROP ") && span.contains("TABLE"),
            "{file}: span {span:?}"
        );
        assert_eq!(
            lines[l1].get(c1),
            Some(&';'),
            "{file}: span {span:?} is not followed by `;`"
        );
    }
}
