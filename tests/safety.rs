//! Issue 3 acceptance: reversibility, row-level security and suppressions over small
//! repositories in several layouts (`fixtures/safety/`), with the expectations written in
//! `fixtures/safety/expected.tsv` from the spec; plus suppressed findings in every output
//! format and the RLS change set under `--changed-since`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;

mod common;
use common::{git, json, sqlgate, write};

const SAFETY: &str = "fixtures/safety";

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The findings this issue is about: every DS, RV and SC finding and the suppression rules.
fn in_scope(code: &str) -> bool {
    code.starts_with("DS")
        || code.starts_with("RV")
        || code.starts_with("SC")
        || code == "MT002"
        || code == "MT003"
}

type Key = (String, u64, String, String);

fn multiset(keys: impl IntoIterator<Item = Key>) -> BTreeMap<Key, usize> {
    let mut map = BTreeMap::new();
    for key in keys {
        *map.entry(key).or_default() += 1;
    }
    map
}

#[test]
fn safety_repositories_report_exactly_the_expected_findings() {
    let out = sqlgate(&manifest_dir())
        .args(["check", SAFETY, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json(&out.stdout);
    let prefix = format!("{SAFETY}/");
    let found = multiset(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| in_scope(f["code"].as_str().unwrap()))
            .map(|f| {
                let file = f["file"].as_str().unwrap();
                (
                    file.strip_prefix(&prefix).unwrap_or(file).to_string(),
                    f["line"].as_u64().unwrap(),
                    f["code"].as_str().unwrap().to_string(),
                    if f["suppressed"].as_bool().unwrap() {
                        "yes"
                    } else {
                        "no"
                    }
                    .to_string(),
                )
            }),
    );
    let text = std::fs::read_to_string(manifest_dir().join(SAFETY).join("expected.tsv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("file\tline\tcode\tsuppressed"));
    let expected = multiset(lines.filter(|l| !l.trim().is_empty()).map(|l| {
        let cols: Vec<&str> = l.split('\t').collect();
        assert_eq!(cols.len(), 4, "bad row {l:?}");
        (
            cols[0].to_string(),
            cols[1].parse().unwrap(),
            cols[2].to_string(),
            cols[3].to_string(),
        )
    }));
    let show = |map: &BTreeMap<Key, usize>, other: &BTreeMap<Key, usize>| -> String {
        map.iter()
            .filter(|(k, n)| other.get(*k) != Some(*n))
            .map(|((f, l, c, s), n)| format!("  {f}:{l} {c} suppressed={s} x{n}\n"))
            .collect()
    };
    assert!(
        found == expected,
        "missing:\n{}unexpected:\n{}messages:\n{}",
        show(&expected, &found),
        show(&found, &expected),
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| in_scope(f["code"].as_str().unwrap()))
            .map(|f| format!(
                "  {}:{} {} {}\n",
                f["file"].as_str().unwrap(),
                f["line"],
                f["code"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            ))
            .collect::<String>()
    );
}

#[test]
fn suppressed_findings_are_marked_in_json_and_only_counted_elsewhere() {
    let cleanup = "fixtures/safety/supabase-app/supabase/migrations/20240108000000_cleanup.sql";
    let run = |format: &str| {
        let out = sqlgate(&manifest_dir())
            .args(["check", cleanup, "--format", format, "--select", "DS,MT"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}");
        String::from_utf8(out.stdout).unwrap()
    };
    let report = json(run("json").as_bytes());
    let drop = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "DS001")
        .expect("the suppressed DROP TABLE is still in the JSON");
    assert_eq!(drop["suppressed"], true);
    // Suppressed findings still require the gate (gate.count-suppressed defaults to true).
    assert_eq!(drop["gate"], true);
    assert_eq!(report["gate"]["required"], true);

    let human = run("human");
    assert!(!human.contains("drop of table audit_events"), "{human}");
    assert!(human.contains("truncate of table notes"), "{human}");
    assert!(human.contains("1 suppressed"), "{human}");

    let github = run("github");
    assert!(!github.contains("audit_events"), "{github}");
    assert!(github.contains("truncate of table notes"), "{github}");
}

/// (file name, code) of the SC findings.
fn security_findings(report: &Value) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"].as_str().unwrap().starts_with("SC"))
        .map(|f| {
            let file = f["file"].as_str().unwrap();
            (
                file.rsplit('/').next().unwrap().to_string(),
                f["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    found
}

#[test]
fn rls_is_judged_over_the_whole_change_set_and_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let migrations = "supabase/migrations";
    write(
        root,
        &format!("{migrations}/20240101000000_items.sql"),
        "CREATE TABLE items (id bigint PRIMARY KEY, owner uuid);\n\
         ALTER TABLE items ENABLE ROW LEVEL SECURITY;\n\
         CREATE POLICY own ON items FOR SELECT USING (auth.uid() = owner);\n",
    );
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "base"]);
    // The pull request: a table in one migration, its RLS and policy in the next one, and
    // a policy for a table whose RLS an earlier migration enabled.
    write(
        root,
        &format!("{migrations}/20240102000000_tags.sql"),
        "CREATE TABLE tags (id bigint PRIMARY KEY, owner uuid);\n\
         CREATE POLICY own_items_update ON items FOR UPDATE USING (auth.uid() = owner);\n",
    );
    write(
        root,
        &format!("{migrations}/20240103000000_tags_rls.sql"),
        "ALTER TABLE tags ENABLE ROW LEVEL SECURITY;\n\
         CREATE POLICY own ON tags FOR SELECT USING (auth.uid() = owner);\n",
    );

    let changed = sqlgate(root)
        .args(["check", "--changed-since", "main", "--format", "json"])
        .output()
        .unwrap();
    let report = json(&changed.stdout);
    assert_eq!(
        security_findings(&report),
        Vec::<(String, String)>::new(),
        "one change set: RLS and the policy arrive in the same pull request"
    );

    // Without --changed-since each migration is its own change set: the table arrived
    // without RLS, and RLS arrived (in the next one) together with its policy.
    let each = sqlgate(root)
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        security_findings(&json(&each.stdout)),
        [("20240102000000_tags.sql".to_string(), "SC001".to_string())]
    );
}

#[test]
fn count_suppressed_false_lets_suppressed_findings_skip_the_gate() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "sql/001_drop.sql",
        "-- rollback: restore legacy from the backup in OPS-1\n\
         -- sqlgate: ignore drop-table -- archived in OPS-1\n\
         DROP TABLE legacy;\n",
    );
    let gate = |config: Option<&str>| {
        if let Some(config) = config {
            write(root, "sqlgate.toml", config);
        }
        let out = sqlgate(root)
            .args(["check", "sql", "--format", "json"])
            .output()
            .unwrap();
        let report = json(&out.stdout);
        (
            report["gate"]["required"].as_bool().unwrap(),
            report["findings"][0]["gate"].as_bool().unwrap(),
            out.status.code(),
        )
    };
    // Suppressed: the run passes, but by default the gate is still required.
    assert_eq!(gate(None), (true, true, Some(0)));
    assert_eq!(
        gate(Some("[gate]\ncount-suppressed = false\n")),
        (false, false, Some(0))
    );
}
