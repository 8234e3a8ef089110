//! `docs/comparison.md` is checked against sqlgate's behaviour.
//!
//! Every squawk rule the document says sqlgate covers has a fixture in
//! `fixtures/parity/squawk/<rule>.sql` shaped like squawk's documented bad example. sqlgate
//! must report exactly the findings marked `-- expect: CODE` there, counting only the rules
//! the document names for that row. On `<rule>.new.sql`, the same statements on objects
//! created in the same migration, those rules must not fire at all.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use sqlgate::engine::check_text;
use sqlgate::lexer::Dialect;
use sqlgate::rules::REGISTRY;

const MARKER: &str = "-- expect:";

/// squawk 2.70.0's rules that run without `--include` (its `is_opt_in()` is false).
const SQUAWK_DEFAULT_RULES: &[&str] = &[
    "adding-field-with-default",
    "adding-foreign-key-constraint",
    "adding-not-nullable-field",
    "adding-required-field",
    "adding-serial-primary-key-field",
    "ban-alter-domain-with-add-constraint",
    "ban-alter-identity",
    "ban-char-field",
    "ban-concurrent-index-creation-in-transaction",
    "ban-create-domain-with-constraint",
    "ban-drop-column",
    "ban-drop-constraint",
    "ban-drop-database",
    "ban-drop-default",
    "ban-drop-domain",
    "ban-drop-extension",
    "ban-drop-function",
    "ban-drop-generated-expression",
    "ban-drop-not-null",
    "ban-drop-schema",
    "ban-drop-sequence",
    "ban-drop-table",
    "ban-drop-type",
    "ban-drop-view",
    "ban-duplicate-column-assignments",
    "ban-set-schema",
    "ban-truncate-cascade",
    "ban-uncommitted-transaction",
    "changing-column-type",
    "constraint-missing-not-valid",
    "disallowed-unique-constraint",
    "identifier-too-long",
    "prefer-bigint-over-int",
    "prefer-bigint-over-smallint",
    "prefer-identity",
    "prefer-repack",
    "prefer-robust-stmts",
    "prefer-text-field",
    "prefer-timestamp-tz",
    "renaming-column",
    "renaming-object",
    "renaming-table",
    "require-concurrent-index-creation",
    "require-concurrent-index-deletion",
    "require-concurrent-partition-detach",
    "require-concurrent-reindex",
    "require-enum-value-ordering",
    "require-lock-timeout",
    "require-statement-timeout",
    "transaction-nesting",
];

const STATUSES: &[&str] = &[
    "covered",
    "covered (opt-in)",
    "partly",
    "differs",
    "not covered",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[derive(Debug)]
struct Row {
    section: String,
    theirs: String,
    codes: Vec<String>,
    status: String,
    notes: String,
}

/// The rows of every table in `docs/comparison.md`, with the `##` heading above each.
fn rows() -> Vec<Row> {
    let text = fs::read_to_string(root().join("docs/comparison.md")).expect("docs/comparison.md");
    let mut section = String::new();
    let mut rows = Vec::new();
    for line in text.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            section = heading.to_string();
            continue;
        }
        if !line.starts_with('|') || line.starts_with("|---") {
            continue;
        }
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        assert_eq!(cells.len(), 4, "comparison.md: not four columns: {line}");
        if cells[2] == "status" {
            continue;
        }
        let codes = if cells[1] == "—" {
            Vec::new()
        } else {
            cells[1].split(',').map(|c| c.trim().to_string()).collect()
        };
        rows.push(Row {
            section: section.clone(),
            theirs: cells[0].to_string(),
            codes,
            status: cells[2].to_string(),
            notes: cells[3].to_string(),
        });
    }
    rows
}

fn squawk_rows() -> Vec<Row> {
    rows()
        .into_iter()
        .filter(|r| r.section.starts_with("squawk"))
        .collect()
}

/// (line, code) findings of `codes` on a fixture, every rule enabled (opt-in ones too).
fn findings(path: &Path, codes: &[String]) -> Vec<(usize, String)> {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    // Markers are comments already; blanking them keeps them out of anything rules read.
    let blanked: String = text
        .lines()
        .map(|line| match line.find(MARKER) {
            Some(at) => format!("{}{}", &line[..at], " ".repeat(line.len() - at)),
            None => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let output = check_text(
        &path.display().to_string(),
        &blanked,
        Dialect::Postgres,
        REGISTRY,
    );
    let mut found: Vec<(usize, String)> = output
        .report
        .findings
        .iter()
        .filter(|f| !f.suppressed && codes.iter().any(|c| c == f.code))
        .map(|f| (f.start.line, f.code.to_string()))
        .collect();
    found.sort();
    found
}

fn expected(path: &Path, codes: &[String]) -> Vec<(usize, String)> {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(at) = line.find(MARKER) {
            for code in line[at + MARKER.len()..].split_whitespace() {
                assert!(
                    codes.iter().any(|c| c == code),
                    "{}:{}: marker {code} is not among the rules comparison.md names ({})",
                    path.display(),
                    i + 1,
                    codes.join(", ")
                );
                out.push((i + 1, code.to_string()));
            }
        }
    }
    out.sort();
    out
}

fn fixture(rule: &str, suffix: &str) -> PathBuf {
    root().join(format!("fixtures/parity/squawk/{rule}{suffix}"))
}

#[test]
fn every_default_squawk_rule_is_in_the_comparison_once() {
    let rows = squawk_rows();
    let default_rows: Vec<&str> = rows
        .iter()
        .filter(|r| r.section.contains("on by default"))
        .map(|r| r.theirs.as_str())
        .collect();
    assert_eq!(default_rows, SQUAWK_DEFAULT_RULES);
    let all: BTreeSet<&str> = rows.iter().map(|r| r.theirs.as_str()).collect();
    assert_eq!(all.len(), rows.len(), "a squawk rule is listed twice");
}

#[test]
fn every_row_has_a_known_status_real_codes_and_reasons() {
    let known: BTreeSet<&str> = REGISTRY.iter().map(|r| r.meta.code).collect();
    for row in rows() {
        assert!(
            STATUSES.contains(&row.status.as_str()),
            "{}: unknown status `{}`",
            row.theirs,
            row.status
        );
        for code in &row.codes {
            assert!(
                known.contains(code.as_str()),
                "{}: no rule {code}",
                row.theirs
            );
        }
        if row.status.starts_with("covered") || row.status == "partly" {
            assert!(!row.codes.is_empty(), "{}: covered by what?", row.theirs);
        }
        if matches!(row.status.as_str(), "differs" | "partly") {
            assert!(!row.notes.is_empty(), "{}: say why", row.theirs);
        }
        if row.status == "covered (opt-in)" {
            assert!(
                row.codes
                    .iter()
                    .all(|c| REGISTRY.iter().any(|r| r.meta.code == c && r.meta.opt_in)),
                "{}: marked opt-in but its rule runs by default",
                row.theirs
            );
        }
    }
}

#[test]
fn covered_squawk_examples_are_flagged() {
    let mut failures = Vec::new();
    for row in squawk_rows() {
        if !row.status.starts_with("covered") {
            continue;
        }
        let path = fixture(&row.theirs, ".sql");
        assert!(
            path.exists(),
            "{}: comparison.md says covered, but {} is missing",
            row.theirs,
            path.display()
        );
        let want = expected(&path, &row.codes);
        assert!(!want.is_empty(), "{}: no expect markers", path.display());
        let got = findings(&path, &row.codes);
        if got != want {
            failures.push(format!(
                "{}: expected {want:?}, sqlgate reported {got:?}",
                row.theirs
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_same_statements_on_new_objects_are_not_flagged() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for row in squawk_rows() {
        let path = fixture(&row.theirs, ".new.sql");
        if !path.exists() {
            continue;
        }
        checked += 1;
        let got = findings(&path, &row.codes);
        if !got.is_empty() {
            failures.push(format!("{}: reported {got:?}", path.display()));
        }
    }
    assert!(checked >= 30, "only {checked} new-object fixtures");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_parity_fixture_belongs_to_a_row() {
    let rows = squawk_rows();
    let dir = root().join("fixtures/parity/squawk");
    for entry in fs::read_dir(&dir).expect("fixtures/parity/squawk") {
        let name = entry.expect("entry").file_name();
        let name = name.to_string_lossy();
        let rule = name
            .trim_end_matches(".sql")
            .trim_end_matches(".new")
            .to_string();
        assert!(
            rows.iter().any(|r| r.theirs == rule),
            "{name}: no row for `{rule}` in comparison.md"
        );
    }
}
