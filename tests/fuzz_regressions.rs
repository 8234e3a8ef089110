//! Replays the fuzz target's inputs: every crash the fuzzer found (saved under
//! `fixtures/fuzz/`) and every SQL fixture of the project, under each dialect and framework
//! choice. `sqlgate::pipeline::exercise` is the same function `cargo fuzz run pipeline` runs.

use std::path::{Path, PathBuf};

use sqlgate::pipeline::exercise;

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn fixtures(dir: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    files_under(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir), &mut files);
    files.sort();
    files
}

#[test]
fn saved_fuzz_inputs_pass_every_invariant() {
    let inputs = fixtures("fixtures/fuzz");
    assert!(
        !inputs.is_empty(),
        "fixtures/fuzz holds the fuzzer's findings"
    );
    for path in inputs {
        let data = std::fs::read(&path).unwrap();
        if let Err(broken) = exercise(&data) {
            panic!("{}: {broken}", path.display());
        }
    }
}

#[test]
fn every_sql_fixture_under_some_dialect_and_framework() {
    let sql: Vec<PathBuf> = fixtures("fixtures")
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    assert!(sql.len() > 50, "only {} SQL fixtures found", sql.len());
    // Each fixture under one choice, the choices taken in turn: every dialect and framework
    // is covered without running every fixture sixteen times.
    for (i, path) in sql.iter().enumerate() {
        let choice = (i % 16) as u8;
        let mut data = vec![choice];
        data.extend_from_slice(&std::fs::read(path).unwrap());
        if let Err(broken) = exercise(&data) {
            panic!("{} (choice {choice}): {broken}", path.display());
        }
    }
}

#[test]
fn the_first_byte_picks_dialect_and_framework() {
    use sqlgate::discover::Framework;
    use sqlgate::lexer::Dialect;
    let postgres = exercise(b"\x02drop table t;").unwrap();
    assert_eq!(
        (postgres.dialect, postgres.framework),
        (Dialect::Postgres, Framework::Supabase)
    );
    let codes: Vec<_> = postgres
        .output
        .unwrap()
        .report
        .findings
        .iter()
        .map(|f| f.code)
        .collect();
    assert!(codes.contains(&"DS001"), "{codes:?}");
    let clickhouse = exercise(b"\x01drop table t;").unwrap();
    assert_eq!(clickhouse.dialect, Dialect::ClickHouse);
    assert!(exercise(b"\x00\xff\xfe").unwrap().output.is_none());
}
